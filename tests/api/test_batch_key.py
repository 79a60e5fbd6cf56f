"""The batch endpoint's key, in the query string, reaches no log and no error.

Like the reference's only example, `sendSMSBatch.do` gets `accessToken` in its URL,
and aiohttp writes that URL into some of its errors (a connect timeout, a malformed
reply). Each failure is provoked over HTTP, then every log record and every
exception of the chain is searched for the key.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
import logging

import aiohttp
import pytest

import aiosmsmode
from aiosmsmode import (
    BatchMessage,
    SmsmodeClient,
    SmsmodeConnectionError,
    SmsmodeError,
    SmsmodeResponseError,
)
from smsmode_simulator import Fault, Simulator

from .sockets import never_accepting_url

NUMBER = "33612345678"
ROWS = [BatchMessage(NUMBER, "Bonjour")]

type Failure = Callable[[aiohttp.ClientSession, Simulator], Awaitable[SmsmodeError]]


async def _batch_error(client: SmsmodeClient) -> SmsmodeError:
    """Send a batch that must fail, and return its error."""
    with pytest.raises(SmsmodeError) as err:
        await client.send_batch(ROWS)
    return err.value


async def _simulator_fault(
    fault: Fault, session: aiohttp.ClientSession, simulator: Simulator
) -> SmsmodeError:
    simulator.add_fault("sendSMSBatch.do", fault)
    client = SmsmodeClient(
        session, simulator.api_key, base_url=simulator.url, timeout=0.5
    )
    return await _batch_error(client)


async def _refused(
    session: aiohttp.ClientSession, simulator: Simulator
) -> SmsmodeError:
    """Stop the simulator, so that the connection is refused."""
    url = simulator.url
    await simulator.stop()
    client = SmsmodeClient(session, simulator.api_key, base_url=url)
    return await _batch_error(client)


async def _connect_timeout(
    session: aiohttp.ClientSession, simulator: Simulator
) -> SmsmodeError:
    """Send to a server that never accepts: aiohttp's error names the whole URL."""
    with never_accepting_url() as url:
        client = SmsmodeClient(session, simulator.api_key, base_url=url, timeout=1)
        return await _batch_error(client)


async def _malformed_reply(
    session: aiohttp.ClientSession, simulator: Simulator
) -> SmsmodeError:
    """Answer what aiohttp cannot parse: its ClientResponseError holds the URL."""

    async def garbage(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 abc Nope\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(garbage, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        client = SmsmodeClient(
            session, simulator.api_key, base_url=f"http://127.0.0.1:{port}"
        )
        return await _batch_error(client)
    finally:
        server.close()
        await server.wait_closed()


async def _http_500(s: aiohttp.ClientSession, sim: Simulator) -> SmsmodeError:
    return await _simulator_fault(Fault.http_error(500), s, sim)


async def _http_404(s: aiohttp.ClientSession, sim: Simulator) -> SmsmodeError:
    return await _simulator_fault(Fault.http_error(404), s, sim)


async def _timeout(s: aiohttp.ClientSession, sim: Simulator) -> SmsmodeError:
    return await _simulator_fault(Fault.slow(5), s, sim)


async def _cut(s: aiohttp.ClientSession, sim: Simulator) -> SmsmodeError:
    return await _simulator_fault(Fault.drop_after(), s, sim)


async def _refused_key(s: aiohttp.ClientSession, sim: Simulator) -> SmsmodeError:
    return await _simulator_fault(Fault.code(32), s, sim)


def _chain(err: BaseException) -> Iterator[BaseException]:
    """Yield the error, then every cause and context behind it."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [err]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__]


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (_refused, SmsmodeConnectionError),
        (_connect_timeout, SmsmodeConnectionError),
        (_timeout, SmsmodeConnectionError),
        (_cut, SmsmodeConnectionError),
        (_malformed_reply, SmsmodeConnectionError),
        (_http_500, SmsmodeConnectionError),
        (_http_404, SmsmodeResponseError),
        (_refused_key, SmsmodeError),
    ],
)
async def test_batch_errors_never_carry_the_key(
    session: aiohttp.ClientSession,
    smsmode_simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
    failure: Failure,
    kind: type[SmsmodeError],
) -> None:
    key = smsmode_simulator.api_key
    caplog.set_level(logging.DEBUG)

    error = await failure(session, smsmode_simulator)

    assert isinstance(error, kind)
    for link in _chain(error):
        assert link.__module__.startswith(aiosmsmode.__name__)
        for shown in (str(link), repr(link), repr(link.args), repr(vars(link))):
            assert key not in shown
    assert caplog.records
    for record in caplog.records:
        assert key not in record.getMessage()
        assert key not in repr(record.args)
    assert key not in caplog.text
