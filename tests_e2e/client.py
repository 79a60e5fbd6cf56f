"""A small client for Home Assistant's REST and websocket APIs and the simulator's.

Every call and every wait is bounded: a test that goes wrong fails in seconds
instead of hanging the suite.
"""

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from itertools import count
from types import TracebackType
from typing import Any, Self

import aiohttp

CALL_TIMEOUT = aiohttp.ClientTimeout(total=20)
# How long a test waits for something Home Assistant does on its own (an event,
# an automation's SMS reaching the simulator).
WAIT = 15.0

type Json = Any


class ApiError(AssertionError):
    """An API answered with an unexpected HTTP status or an error result."""


async def wait_for[T](
    probe: Callable[[], Awaitable[T | None]], what: str, seconds: float = WAIT
) -> T:
    """Call `probe` until it returns something other than None, within `seconds`.

    Fail with `what` when time runs out.
    """
    try:
        async with asyncio.timeout(seconds):
            while True:
                if (value := await probe()) is not None:
                    return value
                await asyncio.sleep(0.2)
    except TimeoutError:
        raise AssertionError(f"{what} (waited {seconds:.0f} s)") from None


class Websocket:
    """One authenticated websocket connection to Home Assistant."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Use an open, authenticated connection."""
        self._ws = ws
        self._ids = count(1)
        self._results: dict[int, asyncio.Future[Json]] = {}
        self._events: dict[int, asyncio.Queue[Json]] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        """Hand each message to the command or subscription it belongs to."""
        async for message in self._ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            data = message.json()
            for item in data if isinstance(data, list) else [data]:
                if item["type"] == "event":
                    self._events[item["id"]].put_nowait(item["event"])
                elif (future := self._results.pop(item["id"], None)) is not None:
                    future.set_result(item)
        for future in self._results.values():
            future.set_exception(ConnectionError("websocket closed"))

    async def command(self, message_type: str, **fields: Any) -> Json:
        """Send a command and return its result; raise ApiError on an error."""
        message_id = next(self._ids)
        future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._results[message_id] = future
        await self._ws.send_json({"id": message_id, "type": message_type, **fields})
        async with asyncio.timeout(WAIT):
            reply = await future
        if not reply["success"]:
            raise ApiError(f"{message_type}: {reply['error']}")
        return reply["result"]

    async def subscribe(self, event_type: str) -> asyncio.Queue[Json]:
        """Subscribe to an event type; return the queue its events arrive in."""
        message_id = next(self._ids)
        queue: asyncio.Queue[Json] = asyncio.Queue()
        self._events[message_id] = queue
        future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._results[message_id] = future
        await self._ws.send_json(
            {"id": message_id, "type": "subscribe_events", "event_type": event_type}
        )
        async with asyncio.timeout(WAIT):
            reply = await future
        if not reply["success"]:
            raise ApiError(f"subscribe_events: {reply['error']}")
        return queue

    async def close(self) -> None:
        """Close the connection and stop reading."""
        await self._ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


async def next_event(
    queue: asyncio.Queue[Json],
    match: Callable[[Json], bool] = lambda _: True,
    seconds: float = WAIT,
) -> Json:
    """Return the next event of `queue` that `match` accepts, within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            while not match(event := await queue.get()):
                pass
    except TimeoutError:
        raise AssertionError(f"no matching event in {seconds:.0f} s") from None
    return event


class Api:
    """Home Assistant's REST and websocket APIs, and the simulator's control API."""

    def __init__(self, hass_url: str, token: str, simulator_url: str) -> None:
        """Talk to the Home Assistant at `hass_url` and the simulator."""
        self.hass_url = hass_url
        self.simulator_url = simulator_url
        self._token = token
        self._session = aiohttp.ClientSession(timeout=CALL_TIMEOUT)
        self._sockets: list[Websocket] = []

    async def __aenter__(self) -> Self:
        """Open nothing more: the session is ready."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the websockets and the HTTP session."""
        for ws in self._sockets:
            await ws.close()
        await self._session.close()

    async def rest(
        self,
        method: str,
        path: str,
        body: Json = None,
        *,
        params: dict[str, str] | None = None,
        expect: int = 200,
    ) -> Json:
        """Call Home Assistant's REST API and return the JSON answered."""
        async with self._session.request(
            method,
            f"{self.hass_url}{path}",
            json=body,
            params=params,
            headers={"Authorization": f"Bearer {self._token}"},
        ) as response:
            text = await response.text()
            if response.status != expect:
                raise ApiError(f"{method} {path}: HTTP {response.status} {text}")
            return await response.json() if text else None

    async def state(self, entity_id: str) -> Json:
        """Return an entity's state object, or None when it has none."""
        async with self._session.get(
            f"{self.hass_url}/api/states/{entity_id}",
            headers={"Authorization": f"Bearer {self._token}"},
        ) as response:
            if response.status == 404:
                return None
            if response.status != 200:
                raise ApiError(f"state of {entity_id}: HTTP {response.status}")
            return await response.json()

    async def call(
        self, domain: str, service: str, data: Json, *, return_response: bool = False
    ) -> Json:
        """Call a service over REST."""
        return await self.rest(
            "POST",
            f"/api/services/{domain}/{service}",
            data,
            params={"return_response": ""} if return_response else None,
        )

    async def webhook(self, path: str, params: dict[str, str]) -> int:
        """GET the webhook with a query string, as smsmode calls back; return the status."""
        async with self._session.get(
            f"{self.hass_url}{path}", params=params
        ) as response:
            return response.status

    async def sim(self, method: str, path: str, body: Json = None) -> Json:
        """Call the simulator's control API (`/_sim/...`)."""
        async with self._session.request(
            method, f"{self.simulator_url}/_sim{path}", json=body
        ) as response:
            if response.status >= 300:
                raise ApiError(
                    f"{method} /_sim{path}: HTTP {response.status} {await response.text()}"
                )
            return await response.json()

    async def sim_messages_to(self, number: str) -> list[Json]:
        """Return the messages the simulator received for `number`, oldest first."""
        state = await self.sim("GET", "/state")
        return [
            message
            for message in state["messages"]
            if any(r["number"] == number for r in message["recipients"])
        ]

    async def websocket(self) -> Websocket:
        """Open and authenticate a websocket connection."""
        ws = await self._session.ws_connect(f"{self.hass_url}/api/websocket")
        async with asyncio.timeout(WAIT):
            hello = await ws.receive_json()
            assert hello["type"] == "auth_required", hello
            await ws.send_json({"type": "auth", "access_token": self._token})
            answer = await ws.receive_json()
        if answer["type"] != "auth_ok":
            raise ApiError(f"websocket auth: {answer}")
        socket = Websocket(ws)
        self._sockets.append(socket)
        return socket
