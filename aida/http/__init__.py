"""The HTTP API of the contract on aiohttp."""

from aida.http.app import create_app

__all__ = ["create_app"]
