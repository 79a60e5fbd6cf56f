"""Where the API key may go: https anywhere, http on this machine or the LAN only."""

import pytest

from custom_components.smsmode.api_url import (
    same_server,
    url_error,
    without_credentials,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.smsmode.com",
        "https://example.org:8443/proxy/",
        "https://203.0.113.7",
        "http://127.0.0.1:8765",
        "http://127.1.2.3",
        "http://10.1.2.3",
        "http://172.16.0.1",
        "http://172.31.255.254",
        "http://192.168.1.10:8080/smsmode",
        "http://169.254.1.1",
        "http://[::1]:8765",
        "http://[fd00::1]",
        "http://[fe80::1]",
        "http://[::ffff:192.168.1.10]",
        "http://localhost:8765",
        "http://LocalHost.",
    ],
)
def test_accepted(url: str) -> None:
    assert url_error(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://api.smsmode.com",
        "http://simulator:8765",
        "http://localhost.example.org",
        "http://my-box.local",
        "http://8.8.8.8",
        "http://100.64.0.1",
        "http://172.32.0.1",
        "http://192.169.0.1",
        "http://[2001:db8::1]:8080",
        "http://[::ffff:8.8.8.8]",
    ],
)
def test_http_refused_off_the_local_network(url: str) -> None:
    assert url_error(url) == "insecure_url"


@pytest.mark.parametrize(
    "url", ["api.smsmode.com", "ftp://api.smsmode.com", "http://", "http://[::1", ""]
)
def test_not_an_api_url(url: str) -> None:
    assert url_error(url) == "invalid_url"


@pytest.mark.parametrize(
    ("url", "other", "same"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/proxy/", True),
        ("https://api.smsmode.com", "https://API.smsmode.com.:443", True),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8766", False),
        ("http://127.0.0.1:8765", "http://localhost:8765", False),
        ("https://api.smsmode.com", "http://api.smsmode.com", False),
        ("https://api.smsmode.com", "https://proxy.example.org", False),
    ],
)
def test_same_server(url: str, other: str, same: bool) -> None:
    assert same_server(url, other) is same


def test_without_credentials() -> None:
    assert (
        without_credentials("https://user:s3cret@proxy.example.org:8443/smsmode")
        == "https://proxy.example.org:8443/smsmode"
    )
    assert without_credentials("https://api.smsmode.com") == "https://api.smsmode.com"
