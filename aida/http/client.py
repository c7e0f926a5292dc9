"""Who is asking: the client's address, through the reverse proxies we trust.

`X-Real-IP` and `X-Forwarded-For` are believed only from a peer in AIDA_TRUSTED_PROXIES
(default: loopback, an nginx on this host). Believing every private peer, as before, let
anyone on the same LAN, cluster network or behind the same load balancer forge an address and
dodge every per-address limit.

The address is the key of the per-address limits; an IPv6 client is keyed by its /64, the
block one subscriber gets, so walking through its 2^64 addresses gets nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from aiohttp import web

from aida.config import IpNetwork

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

LOOPBACK: tuple[IpNetwork, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)


# The longest address text worth parsing (an IPv6 with a zone id); longer is no address.
_LONGEST = 64


def _ip(text: str) -> IpAddress | None:
    text = text.strip()
    if not text or len(text) > _LONGEST:  # (an empty header is the usual case: no raise)
        return None
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _trusted(ip: IpAddress, trusted: Sequence[IpNetwork]) -> bool:
    return any(ip.version == net.version and ip in net for net in trusted)


def _key(ip: IpAddress) -> str:
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


# Headers this short are remembered with their answer: every request of a client (behind the
# same proxy) asks the same question, and the address arithmetic costs more than the lookup.
_REMEMBERED_CHARS = 256


def client_key(
    peer: str | None, real_ip: str, forwarded_for: str, trusted: Sequence[IpNetwork]
) -> str:
    """The client's address (IPv6: its /64) from the peer and, if the peer is a trusted proxy,
    its forwarding headers: X-Real-IP, else the right-most X-Forwarded-For entry that is not
    itself a trusted proxy (entries to its left could have been written by anyone)."""
    if isinstance(trusted, tuple) and len(real_ip) + len(forwarded_for) <= _REMEMBERED_CHARS:
        return _remembered_key(peer, real_ip, forwarded_for, trusted)
    return _client_key(peer, real_ip, forwarded_for, trusted)


@lru_cache(maxsize=4096)
def _remembered_key(
    peer: str | None, real_ip: str, forwarded_for: str, trusted: tuple[IpNetwork, ...]
) -> str:
    return _client_key(peer, real_ip, forwarded_for, trusted)


def _client_key(
    peer: str | None, real_ip: str, forwarded_for: str, trusted: Sequence[IpNetwork]
) -> str:
    peer_ip = _ip(peer or "")
    if peer_ip is None:
        return peer or "unknown"
    if not _trusted(peer_ip, trusted):
        return _key(peer_ip)
    real = _ip(real_ip)
    if real is not None and not _trusted(real, trusted):
        return _key(real)
    hops = (
        [ip for ip in map(_ip, forwarded_for.split(",")) if ip is not None] if forwarded_for else []
    )
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return _key(hop)
    # Everyone on the way is a trusted proxy: the furthest one is the client (a health check).
    return _key(hops[0] if hops else real or peer_ip)


def client_address(request: web.Request, trusted: Sequence[IpNetwork] = LOOPBACK) -> str:
    """The key of `request`'s client for per-address limits."""
    return client_key(
        request.remote,
        request.headers.get("X-Real-IP", ""),
        request.headers.get("X-Forwarded-For", ""),
        trusted,
    )
