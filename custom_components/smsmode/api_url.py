"""Where the API key may be sent, and how an API URL is shown.

Every request carries the key (batch sends in their URL), so `http://` is accepted
only where the traffic stays off the internet: a loopback, private (RFC 1918, IPv6
unique local) or link-local address written as an IP, or `localhost`. Any other host
name is refused for `http://`, even one that resolves to a private address today:
what a name resolves to can change after the check, and the key would then travel in
clear. The local simulator (`http://127.0.0.1:PORT`) passes.
"""

from ipaddress import IPv6Address, ip_address, ip_network
from typing import Final

from yarl import URL

_LOCAL_NETWORKS: Final = tuple(
    ip_network(network)
    for network in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)
_LOCALHOST: Final = "localhost"


def url_error(url: str) -> str | None:
    """Return the form error for an API URL, or None when the key may go there."""
    try:
        parsed = URL(url)
    except ValueError:
        return "invalid_url"
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return "invalid_url"
    if parsed.scheme == "http" and not _is_local(parsed.host):
        return "insecure_url"
    return None


def _is_local(host: str) -> bool:
    """Tell whether a host is `localhost` or a loopback, private, link-local IP."""
    name = host.lower().rstrip(".")
    if name == _LOCALHOST:
        return True
    try:
        # An IPv6 zone (`fe80::1%eth0`) names the interface, not the address.
        address = ip_address(name.partition("%")[0])
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in _LOCAL_NETWORKS)


def same_server(url: str, other: str) -> bool:
    """Tell whether two API URLs reach the same server (host and port; any path).

    The key is only sent, unasked, to the server it was typed for.
    """
    return _server(url) == _server(other)


def _server(url: str) -> tuple[str, int | None]:
    """Host (case and final dot aside) and port, the scheme's default if unwritten."""
    parsed = URL(url)
    return (parsed.host or "").lower().rstrip("."), parsed.port


def without_credentials(url: str) -> str:
    """Return the URL without its `user:password@`, for diagnostics."""
    return str(URL(url).with_user(None))
