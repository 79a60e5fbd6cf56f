"""Raw-HTTP helpers for the simulator tests: no client library in between.

Form bodies are built by hand so each test decides exactly which bytes travel
(ISO-8859-15 or UTF-8, where the key goes).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

import aiohttp
import pytest

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from smsmode_simulator import CallbackRecord, Simulator

FORM = "application/x-www-form-urlencoded"
NUMBER = "33612345678"


def encode_form(fields: Mapping[str, str | bytes]) -> str:
    """Percent-encode fields: bytes as they are, text as UTF-8."""
    return "&".join(f"{name}={quote_plus(value)}" for name, value in fields.items())


@dataclass
class Reply:
    """An HTTP answer: status and decoded body."""

    status: int
    text: str


@dataclass
class RawApi:
    """Calls the simulator's smsmode endpoints with hand-made requests."""

    session: aiohttp.ClientSession
    simulator: Simulator

    def _with_key(
        self, fields: Mapping[str, str | bytes] | None, key: str | None
    ) -> dict[str, str | bytes]:
        """Put the key first: "" is the account's key, None no key at all."""
        if key is None:
            return dict(fields or {})
        return {"accessToken": key or self.simulator.api_key, **(fields or {})}

    async def post(
        self,
        endpoint: str,
        fields: Mapping[str, str | bytes] | None = None,
        *,
        key: str | None = "",
        version: str = "1.6",
    ) -> Reply:
        """POST a form body (the key in it, as the client does)."""
        body = encode_form(self._with_key(fields, key))
        async with self.session.post(
            f"{self.simulator.url}/http/{version}/{endpoint}",
            data=body.encode("ascii"),
            headers={"Content-Type": FORM},
        ) as response:
            return Reply(response.status, await response.text())

    async def get(
        self,
        endpoint: str,
        fields: Mapping[str, str | bytes] | None = None,
        *,
        key: str | None = "",
        version: str = "1.6",
    ) -> Reply:
        """GET with everything in the query string."""
        query = encode_form(self._with_key(fields, key))
        async with self.session.get(
            f"{self.simulator.url}/http/{version}/{endpoint}?{query}"
        ) as response:
            return Reply(response.status, await response.text())

    async def send(
        self, message: str | bytes = "Bonjour", **fields: str | bytes
    ) -> str:
        """Send an SMS (to NUMBER unless told) and return its id; fail if refused."""
        fields.setdefault("numero", NUMBER)
        reply = await self.post("sendSMS.do", {"message": message, **fields})
        code, description, sms_id = reply.text.split(" | ")
        assert (code, description) == ("0", "Accepté"), reply.text
        return sms_id


@pytest.fixture
async def http(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """Open an HTTP session for 127.0.0.1, closed after the test."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def simulator(smsmode_simulator: Simulator) -> Simulator:
    """Return the started simulator (shorter name)."""
    return smsmode_simulator


@pytest.fixture
def api(http: aiohttp.ClientSession, simulator: Simulator) -> RawApi:
    """Raw calls to the simulator's smsmode API."""
    return RawApi(http, simulator)


@pytest.fixture
def sent_callbacks(simulator: Simulator) -> list[str]:
    """Route callbacks into a list of URLs (each answered 200)."""
    urls: list[str] = []

    async def record(url: str) -> int:
        urls.append(url)
        return 200

    simulator.callback_transport = record
    return urls


def params_of(records: list[CallbackRecord], kind: str) -> list[dict[str, str]]:
    """Return the parameters of the callbacks of one kind."""
    return [record.params for record in records if record.kind == kind]
