"""Who is asking: the client's address, through a reverse proxy on this host or network."""

from __future__ import annotations

import ipaddress

from aiohttp import web


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: web.Request) -> str:
    """The peer's address, or the one a local proxy (nginx: X-Real-IP, X-Forwarded-For)
    reports for it. Forwarding headers are believed only from loopback and private peers:
    from anyone else they could be forged to dodge the per-address limit."""
    peer = request.remote or "unknown"
    peer_ip = _ip(peer)
    if peer_ip is None or not (peer_ip.is_loopback or peer_ip.is_private):
        return peer
    real = _ip(request.headers.get("X-Real-IP", ""))
    if real is None:
        forwarded = request.headers.get("X-Forwarded-For", "")
        # The right-most entry is the one our proxy appended.
        real = _ip(forwarded.rsplit(",", 1)[-1]) if forwarded else None
    return str(real) if real is not None else peer
