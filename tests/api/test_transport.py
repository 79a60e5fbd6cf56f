"""The client's HTTP layer against a bare local server: what it sends, how it reads.

The simulator covers the endpoints; this covers the transport cases a faithful
simulator never produces (redirects, odd status codes, charsets, an echoed key).
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
import logging
import socket

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from aiosmsmode import (
    SmsmodeClient,
    SmsmodeConnectionError,
    SmsmodeRateLimitError,
    SmsmodeResponseError,
)

from .sockets import never_accepting_url

API_KEY = "K3yK3yK3yK3yK3yK3yK3yK3yK3yK3y42"

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Server:
    """A local server answering every POST with the current handler."""

    def __init__(self) -> None:
        """Answer with a balance until a test sets another handler."""
        self.handler: Handler = self._default
        self.requests: list[tuple[str, str, str, bytes]] = []
        self.server: TestServer | None = None

    async def _default(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text="212.5")

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(
            (request.path_qs, str(request.url), request.content_type, body)
        )
        return await self.handler(request)

    async def start(self) -> None:
        """Listen on a free local port."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    @property
    def url(self) -> str:
        """Base URL to give the client."""
        assert self.server is not None
        return str(self.server.make_url("/"))


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[Server]:
    instance = Server()
    await instance.start()
    yield instance
    assert instance.server is not None
    await instance.server.close()


def closed_port() -> int:
    """Return a local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_constructor_checks_and_repr() -> None:
    session = object()
    for base_url in ("", "ftp://example.org", "/relative"):
        with pytest.raises(ValueError, match="base URL"):
            SmsmodeClient(session, API_KEY, base_url=base_url)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="API key"):
        SmsmodeClient(session, "")  # type: ignore[arg-type]
    client = SmsmodeClient(session, API_KEY, base_url="http://127.0.0.1:1/")  # type: ignore[arg-type]
    assert repr(client) == "SmsmodeClient(base_url='http://127.0.0.1:1')"
    assert API_KEY not in repr(client)
    assert API_KEY not in str(vars(client).keys())


async def test_form_post_with_key_in_body_only(
    server: Server, session: aiohttp.ClientSession
) -> None:
    client = SmsmodeClient(session, API_KEY, base_url=server.url)
    assert await client.get_balance() == 212.5
    [(path_qs, url, content_type, body)] = server.requests
    assert path_qs == "/http/1.6/credit.do"
    assert API_KEY not in url
    assert content_type == "application/x-www-form-urlencoded"
    assert body == f"accessToken={API_KEY}".encode()


async def test_base_url_with_path(
    server: Server, session: aiohttp.ClientSession
) -> None:
    client = SmsmodeClient(session, API_KEY, base_url=f"{server.url}proxy/")
    await client.get_balance()
    assert server.requests[0][0] == "/proxy/http/1.6/credit.do"


async def test_redirect_not_followed(
    server: Server, session: aiohttp.ClientSession
) -> None:
    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/elsewhere")

    server.handler = redirect
    client = SmsmodeClient(session, API_KEY, base_url=server.url)
    with pytest.raises(SmsmodeResponseError, match="HTTP 302"):
        await client.get_balance()
    assert len(server.requests) == 1


async def test_client_error_status(
    server: Server, session: aiohttp.ClientSession
) -> None:
    async def not_found(request: web.Request) -> web.StreamResponse:
        return web.Response(status=404, text="Not Found")

    server.handler = not_found
    client = SmsmodeClient(session, API_KEY, base_url=server.url)
    with pytest.raises(SmsmodeResponseError, match="HTTP 404") as err:
        await client.get_balance()
    assert err.value.excerpt == "Not Found"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "120"}, 120.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
async def test_rate_limited(
    server: Server,
    session: aiohttp.ClientSession,
    headers: dict[str, str],
    expected: float | None,
) -> None:
    """HTTP 429: nothing was done, retry later; Retry-After read when given."""

    async def too_many(request: web.Request) -> web.StreamResponse:
        return web.Response(status=429, headers=headers, text="slow down")

    server.handler = too_many
    client = SmsmodeClient(session, API_KEY, base_url=server.url)
    with pytest.raises(SmsmodeRateLimitError) as err:
        await client.send_sms("Bonjour", ["0612345678"])
    assert err.value.retry_after == expected
    assert err.value.retryable


async def test_rate_limit_wait_in_the_future(
    server: Server, session: aiohttp.ClientSession
) -> None:
    """A Retry-After date is read as the time left until then."""
    later = format_datetime(datetime.now(UTC) + timedelta(minutes=5), usegmt=True)

    async def too_many(request: web.Request) -> web.StreamResponse:
        return web.Response(status=429, headers={"Retry-After": later})

    server.handler = too_many
    client = SmsmodeClient(session, API_KEY, base_url=server.url)
    with pytest.raises(SmsmodeRateLimitError) as err:
        await client.get_balance()
    assert err.value.retry_after is not None
    assert 280 <= err.value.retry_after <= 300


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_error_outcome_unknown(
    server: Server, session: aiohttp.ClientSession, status: int
) -> None:
    async def failing(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text="oops")

    server.handler = failing
    client = SmsmodeClient(session, API_KEY, base_url=server.url)
    with pytest.raises(SmsmodeConnectionError) as err:
        await client.send_sms("Bonjour", ["0612345678"])
    assert err.value.may_have_been_sent is True
    assert not err.value.retryable
    assert str(status) in str(err.value)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("0 | Accepté | abc".encode("iso-8859-15"), "text/plain; charset=ISO-8859-15"),
        ("0 | Accepté | abc".encode(), "text/plain; charset=utf-8"),
        ("0 | Accepté | abc".encode(), "text/plain"),
        ("0 | Accepté | abc".encode("iso-8859-15"), "text/plain"),
        ("0 | Accepté | abc".encode("iso-8859-15"), "text/plain; charset=utf-8"),
        ("0 | Accepté | abc".encode(), "text/plain; charset=x-unknown"),
    ],
)
async def test_reply_charsets(
    server: Server, session: aiohttp.ClientSession, body: bytes, content_type: str
) -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, headers={"Content-Type": content_type})

    server.handler = answer
    client = SmsmodeClient(session, API_KEY, base_url=server.url)
    result = await client.send_sms("Bonjour", ["0612345678"])
    assert result.sms_id == "abc"


async def test_echoed_key_is_redacted(
    server: Server, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    async def echo(request: web.Request) -> web.StreamResponse:
        return web.Response(text=f"<html>Bad request: {await request.text()}</html>")

    server.handler = echo
    client = SmsmodeClient(session, API_KEY, base_url=server.url)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SmsmodeResponseError) as err:
        await client.get_balance()
    assert "accessToken=**********" in err.value.excerpt
    assert API_KEY not in str(err.value)
    assert API_KEY not in repr(err.value)
    assert API_KEY not in caplog.text


async def test_accepted_without_id(
    server: Server, session: aiohttp.ClientSession
) -> None:
    async def no_id(request: web.Request) -> web.StreamResponse:
        return web.Response(text="0 | Accepté")

    server.handler = no_id
    client = SmsmodeClient(session, API_KEY, base_url=server.url)
    with pytest.raises(SmsmodeResponseError, match="no id"):
        await client.send_sms("Bonjour", ["0612345678"])


async def test_connection_refused_nothing_sent(session: aiohttp.ClientSession) -> None:
    client = SmsmodeClient(
        session, API_KEY, base_url=f"http://127.0.0.1:{closed_port()}"
    )
    with pytest.raises(SmsmodeConnectionError) as err:
        await client.send_sms("Bonjour", ["0612345678"])
    assert err.value.may_have_been_sent is False
    assert err.value.retryable
    assert API_KEY not in str(err.value)


async def test_connect_timeout_nothing_sent(session: aiohttp.ClientSession) -> None:
    """A server that never accepts the connection: nothing can have been sent."""
    with never_accepting_url() as url:
        client = SmsmodeClient(session, API_KEY, base_url=url, timeout=1)
        with pytest.raises(SmsmodeConnectionError) as err:
            await client.get_balance()
    assert err.value.may_have_been_sent is False
    assert err.value.retryable
