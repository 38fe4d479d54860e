"""Which endpoint URLs the site may call: the base-URL check and a transport that re-checks.

A team enters a base URL and the workers call it, so the URL is a request forgery vector (SSRF):
without checks a team could make a worker read the cloud metadata service (credentials), or
services on the workers' private network. The rules, one function each:

* ``check_base_url(url)``: the URL alone (no network): ``http``/``https`` only, a host, no
  ``user:password@`` (the key has its own field, and credentials in a URL end up in logs), no
  query or fragment, not a cloud-metadata host name.
* ``check_address(ip, allow_private=...)``: one IP address. Always refused: cloud metadata
  addresses, link-local (169.254.0.0/16, fe80::/10), unspecified (0.0.0.0, ::), multicast,
  reserved and other special-purpose ranges. Loopback and private ranges (RFC 1918, fc00::/7,
  100.64.0.0/10) only with ``allow_private`` (the setting ``ENDPOINT_ALLOW_PRIVATE``, off by
  default). An IPv4 address carried inside an IPv6 one (::ffff:a.b.c.d, 6to4, Teredo, NAT64
  64:ff9b::/96) is checked as the IPv4 address too.
* ``validate_endpoint_url(url, allow_private=...)``: both, after resolving the host name: every
  address it resolves to must pass (one bad address refuses the URL).
* ``GuardedTransport``: the check again at connect time. DNS can answer differently between the
  check and the call (DNS rebinding: a short TTL, a public address first and 169.254.169.254
  next), so the transport resolves the name itself, checks every address and connects to the
  checked address, never re-resolving. TLS still verifies the certificate and sends SNI for the
  original host name (httpcore passes the URL's host to ``start_tls``). Proxies from the
  environment are ignored (``trust_env=False``): a proxy would resolve the name out of our sight.

Errors are ``UnsafeEndpointError`` with a stable ``code`` (for translation later) and English text.
Sources: OWASP "Server-Side Request Forgery Prevention Cheat Sheet"; IANA IPv4/IPv6
Special-Purpose Address Registries (RFC 6890), as encoded by Python's ``ipaddress``.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import select
import socket
import ssl
import typing
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``resolver(host, port) -> list of IP address strings`` (awaitable).
Resolver = Callable[[str, int], Awaitable[list[str]]]

#: Host names of cloud instance-metadata services (lower case, without a trailing dot).
METADATA_HOSTNAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.tencentyun.com",
        "metadata.azure.internal",
    }
)
#: Addresses of cloud metadata and host services, refused even with ``allow_private``.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, Oracle, DigitalOcean, Naver Cloud, OpenStack
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.0.23",  # Tencent Cloud
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud Classic
        "168.63.129.16",  # Azure WireServer (a public address)
    )
)
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 (carrier NAT, VPNs)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

#: English text of each error code; ``{placeholders}`` are filled from the error's params.
MESSAGES = {
    "malformed": "The endpoint URL could not be read: {detail}.",
    "scheme": "The endpoint URL must start with http:// or https://, not {scheme}://.",
    "no_host": "The endpoint URL has no host name.",
    "userinfo": (
        "The endpoint URL must not contain a user name or password; enter the API key in its "
        "own field."
    ),
    "query_or_fragment": "The endpoint base URL must not contain a query (?…) or fragment (#…).",
    "metadata": "{host} is a cloud metadata service; endpoints may not point at it.",
    "link_local": "{host} is a link-local address ({address}); endpoints may not point at it.",
    "unspecified": "{host} is the unspecified address ({address}).",
    "multicast": "{host} is a multicast address ({address}).",
    "reserved": "{host} is a reserved or special-purpose address ({address}).",
    "loopback": (
        "{host} is a loopback address ({address}); allowed only when ENDPOINT_ALLOW_PRIVATE is on."
    ),
    "private": (
        "{host} is a private network address ({address}); allowed only when "
        "ENDPOINT_ALLOW_PRIVATE is on."
    ),
    "unresolvable": "The host name {host} could not be resolved.",
}


class UnsafeEndpointError(ValueError):
    """An endpoint URL or address the site must not call.

    ``code`` is one of ``MESSAGES``' keys (stable, for translation), ``params`` fill its text.
    """

    def __init__(self, code: str, **params: object):
        self.code = code
        self.params = params
        super().__init__(MESSAGES[code].format(**params))

    @property
    def message(self) -> str:
        return str(self)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo client, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def check_address(address: str | IPAddress, *, allow_private: bool, host: str = "") -> None:
    """Raise ``UnsafeEndpointError`` unless the site may connect to this one IP address.

    ``address``: an IPv4/IPv6 address or its text (an IPv6 scope ``%eth0`` is ignored);
    ``host``: the name to show in the message (defaults to the address).
    """
    ip = ipaddress.ip_address(str(address).split("%", 1)[0])
    shown = host or str(ip)
    params = {"host": shown, "address": str(ip)}
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            check_address(embedded, allow_private=allow_private, host=shown)
            if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is the IPv4 address itself
                return
    if ip in METADATA_ADDRESSES:
        raise UnsafeEndpointError("metadata", host=shown)
    if ip.is_unspecified:
        raise UnsafeEndpointError("unspecified", **params)
    if ip.is_multicast:
        raise UnsafeEndpointError("multicast", **params)
    if ip.is_link_local:
        raise UnsafeEndpointError("link_local", **params)
    if ip.is_loopback:
        if not allow_private:
            raise UnsafeEndpointError("loopback", **params)
        return
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_ADDRESS_SPACE:
        if not allow_private:
            raise UnsafeEndpointError("private", **params)
        return
    if ip.is_global:
        return
    if ip.is_reserved or ip == ipaddress.IPv4Address("255.255.255.255"):
        raise UnsafeEndpointError("reserved", **params)
    if ip.is_private:
        if not allow_private:
            raise UnsafeEndpointError("private", **params)
        return
    raise UnsafeEndpointError("reserved", **params)


def _host_name(url: httpx.URL) -> str:
    return url.raw_host.decode("ascii").lower().rstrip(".")


def check_base_url(url: str) -> str:
    """Check the URL's form without the network; return it without a trailing slash.

    Raises ``UnsafeEndpointError`` (codes ``malformed``, ``scheme``, ``no_host``, ``userinfo``,
    ``query_or_fragment``, ``metadata``, and an address code when the host is an IP literal
    that is refused whatever ``allow_private`` says).
    """
    text = (url or "").strip()
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise UnsafeEndpointError("malformed", detail=str(error) or "invalid") from None
    if parsed.scheme not in ("http", "https"):
        raise UnsafeEndpointError("scheme", scheme=parsed.scheme or "(none)")
    if not parsed.raw_host:
        raise UnsafeEndpointError("no_host")
    if parsed.userinfo:
        raise UnsafeEndpointError("userinfo")
    if parsed.query or parsed.fragment or "?" in text or "#" in text:
        raise UnsafeEndpointError("query_or_fragment")
    host = _host_name(parsed)
    if host in METADATA_HOSTNAMES:
        raise UnsafeEndpointError("metadata", host=host)
    if _is_ip_literal(host):
        # Refused for everyone (metadata, link-local, …) is known now; private waits for the
        # caller's allow_private.
        check_address(host, allow_private=True, host=host)
    return str(parsed).rstrip("/")


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to for TCP (system resolver); empty list if none."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return _unique(info[4][0] for info in infos)


def resolve_host_sync(host: str, port: int) -> list[str]:
    """``resolve_host`` for synchronous callers (form validation)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return _unique(info[4][0] for info in infos)


def _unique(addresses: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(addresses))


def check_resolved(host: str, addresses: list[str], *, allow_private: bool) -> None:
    """Raise unless ``addresses`` is non-empty and every one of them may be called."""
    if not addresses:
        raise UnsafeEndpointError("unresolvable", host=host)
    for address in addresses:
        check_address(address, allow_private=allow_private, host=host)


def _host_and_port(url: str) -> tuple[str, int]:
    parsed = httpx.URL(url)
    return parsed.raw_host.decode("ascii"), parsed.port or (443 if parsed.scheme == "https" else 80)


async def validate_endpoint_url(
    url: str, *, allow_private: bool, resolver: Resolver | None = None
) -> str:
    """The full check (form, then every resolved address); return the normalised base URL.

    Raises ``UnsafeEndpointError``. ``resolver`` replaces the system resolver (tests).
    """
    normalized = check_base_url(url)
    host, port = _host_and_port(normalized)
    addresses = await (resolver or resolve_host)(host, port)
    check_resolved(host, addresses, allow_private=allow_private)
    return normalized


def validate_endpoint_url_sync(
    url: str,
    *,
    allow_private: bool,
    resolver: Callable[[str, int], list[str]] | None = None,
) -> str:
    """``validate_endpoint_url`` for synchronous callers (a Django form's ``clean``)."""
    normalized = check_base_url(url)
    host, port = _host_and_port(normalized)
    addresses = (resolver or resolve_host_sync)(host, port)
    check_resolved(host, addresses, allow_private=allow_private)
    return normalized


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses ``check_address`` allows.

    It resolves the host once, checks every address, then connects to the first address that
    answers, by its IP, so what was checked is what is connected to. Refusals raise
    ``httpcore.ConnectError`` carrying the ``UnsafeEndpointError`` as ``__cause__``
    (httpx turns it into ``httpx.ConnectError``; ``refusal_of(error)`` finds it again).
    """

    def __init__(self, *, allow_private: bool, resolver: Resolver | None = None):
        self.allow_private = allow_private
        self._resolver = resolver or resolve_host
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._resolver(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        try:
            check_resolved(host, addresses, allow_private=self.allow_private)
        except UnsafeEndpointError as refusal:
            raise httpcore.ConnectError(str(refusal)) from refusal
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
            else:
                return _QuickStream(stream)
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("endpoints are reached over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """A verifying TLS context, built once per process (loading CAs takes about 30 ms).

    CAs from ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set (an operator's own CA), else certifi's
    bundle. Only the CA bundle comes from the environment; proxies never do.
    """
    return httpx.create_ssl_context(verify=True, trust_env=True)


class _QuickStream(httpcore.AsyncNetworkStream):
    """An anyio stream whose ``is_readable`` check is cheap.

    httpcore asks every idle connection ``get_extra_info("is_readable")`` each time a request
    starts or ends; anyio answers by building a dict of all its attributes first, which made
    this check the largest cost per request at 32 connections. The answer is the same
    (``httpcore._utils.is_socket_readable``, a zero-timeout poll of the socket).
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream):
        self._inner = inner
        self._socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _QuickStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        if info == "is_readable" and self._socket is not None:
            return _socket_readable(self._socket)
        return self._inner.get_extra_info(info)


def _socket_readable(sock: socket.socket) -> bool:
    if sock.fileno() == -1:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class GuardedTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose connections go through ``GuardedNetworkBackend``.

    No proxy, no environment (``trust_env=False``), HTTP/1.1. ``limits`` as httpx's;
    ``ssl_context``: certificate verification (default: ``default_ssl_context()``).
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        limits: httpx.Limits = DEFAULT_LIMITS,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ):
        ssl_context = ssl_context or default_ssl_context()
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        # httpx has no public argument for the network backend; the pool it built is replaced
        # by an identical one that has ours (tests/endpoints/test_safety.py proves it is used).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=GuardedNetworkBackend(allow_private=allow_private, resolver=resolver),
        )


def refusal_of(error: BaseException) -> UnsafeEndpointError | None:
    """The ``UnsafeEndpointError`` behind an httpx/httpcore connect error, if that was the cause."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, UnsafeEndpointError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
