"""Callbacks relayed in-process: Home Assistant Cloud and the websocket's `webhook/handle`.

Both hand the webhook a `MockRequest` rather than an aiohttp request: Cloud for each
call to the entry's cloudhook, the websocket command for each `webhook/handle`. Every
case runs both ways: through `webhook.async_handle_webhook` with a `MockRequest`, as
Cloud calls it, and through the real websocket command.
"""

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlencode

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.util.aiohttp import MockRequest
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.smsmode.webhook import MAX_CALLBACK_BYTES
from smsmode_simulator import Simulator

from .callback_helpers import async_reply, async_report, async_send_sms
from .test_webhook import ALICE, BOB, DELIVERY, REPLY, capture_callback_events

# (method, query string, body) -> the HTTP status the webhook answered.
type Relay = Callable[[str, str, str], Awaitable[int]]

TEXT = "Ça marche, à demain €"


@pytest.fixture(params=["cloud", "websocket"])
async def relay(
    request: pytest.FixtureRequest,
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    loaded_entry: MockConfigEntry,
    webhook_id: str,
) -> Relay:
    """Return a way to relay one call to the entry's webhook, as Cloud or the websocket."""
    if request.param == "cloud":

        async def through_cloud(method: str, query: str, body: str) -> int:
            # What Home Assistant Cloud builds for a cloudhook call.
            mock = MockRequest(
                content=body.encode("utf-8"),
                mock_source="cloud",
                method=method,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                query_string=query,
            )
            response = await webhook.async_handle_webhook(hass, webhook_id, mock)
            return response.status

        return through_cloud

    client = await hass_ws_client(hass)

    async def through_websocket(method: str, query: str, body: str) -> int:
        await client.send_json_auto_id(
            {
                "type": "webhook/handle",
                "webhook_id": webhook_id,
                "method": method,
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                "query": query,
                "body": body,
            }
        )
        answer = await client.receive_json()
        assert answer["success"], answer
        status: int = answer["result"]["status"]
        return status

    return through_websocket


def _call(method: str, params: dict[str, str]) -> tuple[str, str, str]:
    """Put the parameters where smsmode would: the query (GET) or a form (POST)."""
    encoded = urlencode(params)
    return (method, encoded, "") if method == "GET" else (method, "", encoded)


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_relayed_delivery_report(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    relay: Relay,
    method: str,
) -> None:
    """A delivery report about one of our SMS, relayed, fires its event."""
    events = capture_callback_events(hass)
    sms_id = await async_send_sms(hass, loaded_entry, ALICE)
    params = await async_report(smsmode_simulator, sms_id, ALICE, 11)
    assert await relay(*_call(method, params)) == 200
    await hass.async_block_till_done()
    assert [(e.event_type, e.data["sms_id"], e.data["status"]) for e in events] == [
        ("smsmode_delivery_report", sms_id, 11)
    ]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-15"])
async def test_relayed_reply_in_either_encoding(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    relay: Relay,
    method: str,
    encoding: str,
) -> None:
    """A relayed reply's percent-encoded text reads right in UTF-8 or ISO-8859-15."""
    events = capture_callback_events(hass)
    reply = await async_reply(smsmode_simulator, TEXT, BOB)
    others = urlencode({k: v for k, v in reply.items() if k != "message"})
    encoded = f"{others}&message={quote(TEXT, encoding=encoding)}"
    call = (method, encoded, "") if method == "GET" else (method, "", encoded)
    assert await relay(*call) == 200
    await hass.async_block_till_done()
    assert [(e.event_type, e.data["message"]) for e in events] == [
        ("smsmode_message_received", TEXT)
    ]


async def test_relayed_query_already_decoded(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    relay: Relay,
) -> None:
    """A relay that hands over the text itself, not percent-encoded, is read as is."""
    events = capture_callback_events(hass)
    reply = await async_reply(smsmode_simulator, TEXT, BOB)
    others = urlencode({k: v for k, v in reply.items() if k != "message"})
    assert await relay("GET", f"{others}&message={TEXT}", "") == 200
    await hass.async_block_till_done()
    assert [e.data["message"] for e in events] == [TEXT]


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_relayed_callback_over_the_cap(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, relay: Relay, method: str
) -> None:
    """A relayed callback past the size cap is refused (413), unread."""
    events = capture_callback_events(hass)
    padded = {**REPLY, "message": "x" * MAX_CALLBACK_BYTES}
    assert await relay(*_call(method, padded)) == 413
    await hass.async_block_till_done()
    assert events == []


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"foo": "bar"},
        {**DELIVERY, "statut": "abc"},
        {k: v for k, v in DELIVERY.items() if k != "smsID"},
        {**REPLY, "emetteur": "not a number"},
    ],
)
async def test_relayed_malformed_callback(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    relay: Relay,
    method: str,
    params: dict[str, Any],
) -> None:
    """A relayed callback that is not smsmode's gets a 400 and fires nothing."""
    events = capture_callback_events(hass)
    assert await relay(*_call(method, params)) == 400
    await hass.async_block_till_done()
    assert events == []


async def test_relayed_raw_bytes_are_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_id: str
) -> None:
    """A relayed body of raw bytes, not form text, is a 400, not a failure."""
    events = capture_callback_events(hass)
    mock = MockRequest(
        content=b"\xff\xfe\x00\xe9=\x80", mock_source="cloud", method="POST"
    )
    response = await webhook.async_handle_webhook(hass, webhook_id, mock)
    assert response.status == 400
    await hass.async_block_till_done()
    assert events == []


async def test_relayed_multi_line_reply(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    relay: Relay,
) -> None:
    """A relayed reply keeps its line breaks: the HTTP security filter is not on the way.

    smsmode's list prints the text over two lines; it is read back whole.
    """
    events = capture_callback_events(hass)
    query = urlencode(await async_reply(smsmode_simulator, "Oui\nà demain", BOB))
    assert await relay("GET", query, "") == 200
    await hass.async_block_till_done()
    assert [e.data["message"] for e in events] == ["Oui\nà demain"]
