"""Which hosts a webhook may reach: public addresses only, checked where the socket is opened.

A receiver URL is checked when it is registered and again on every connection: the name is
resolved, every address it resolves to must be public (`ipaddress.is_global`), and the socket
is opened to the address that was checked. So a name re-pointed at 127.0.0.1 or at a cloud
metadata address after registration (DNS rebinding) is refused rather than reached.
`VOCSVC_WEBHOOK_ALLOW_PRIVATE=true` turns the check off (receivers on a private network, tests).
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any

import httpcore
import httpx


class PrivateTarget(Exception):
    """The receiver's host is (or resolves to) a loopback, private or otherwise internal address."""


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _is_public(address: str) -> bool:
    ip: IPv4Address | IPv6Address = ip_address(address.split("%", 1)[0])
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not ip.is_multicast


def public_addresses(host: str, port: int) -> list[str]:
    """The addresses of `host`, or PrivateTarget when any of them is not public."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        raise PrivateTarget(f"{host} is a loopback name")
    try:
        addresses = [str(ip_address(name))]
    except ValueError:
        try:
            addresses = resolve(name, port)
        except OSError as exc:
            raise PrivateTarget(f"{host} cannot be resolved") from exc
    if not addresses or not all(_is_public(a) for a in addresses):
        raise PrivateTarget(f"{host} is or resolves to a non-public address")
    return addresses


def check_url(url: str) -> None:
    """Refuse (PrivateTarget) a receiver URL whose host is not public."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    public_addresses(parsed.host, port)


class _PublicOnlyBackend(httpcore.NetworkBackend):
    """Opens each TCP connection to the address just resolved (and checked, unless allowed)."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        # TLS still verifies the certificate against `host` (httpcore passes the URL's host).
        addresses = resolve(host, port) if self._allow_private else public_addresses(host, port)
        address = addresses[0]
        return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise PrivateTarget("unix sockets are not webhook receivers")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def transport(allow_private: bool) -> httpx.HTTPTransport:
    """An httpx transport that reaches public addresses only (any address if `allow_private`)."""
    # No proxies from the environment: a proxy would resolve the name itself, after our check.
    pinned = httpx.HTTPTransport(trust_env=False)
    # httpx has no public hook for httpcore's network backend; its pool is the one seam.
    pinned._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=_PublicOnlyBackend(allow_private),
    )
    return pinned
