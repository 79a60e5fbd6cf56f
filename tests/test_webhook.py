"""smsmode's callbacks through the real webhook: events, event entities, garbage."""

from collections.abc import AsyncIterator
import logging
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from homeassistant.components import webhook
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util.aiohttp import MockRequest
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.const import (
    DOMAIN,
    EVENT_DELIVERY_REPORT,
    EVENT_MESSAGE_RECEIVED,
)
from smsmode_simulator import Simulator

from .callback_helpers import (
    DELIVERY_EXAMPLE,
    REPLY_EXAMPLE,
    async_reply,
    async_report,
    async_send_sms,
)
from .conftest import CallWebhook

DELIVERY = DELIVERY_EXAMPLE
REPLY = REPLY_EXAMPLE
ALICE = "33612345678"
BOB = "33601020304"


def capture_callback_events(hass: HomeAssistant) -> list[Event]:
    """Capture both callback events in one list, in the order they are fired."""
    events: list[Event] = []

    @callback
    def capture(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(EVENT_MESSAGE_RECEIVED, capture)
    hass.bus.async_listen(EVENT_DELIVERY_REPORT, capture)
    return events


async def test_delivery_report_callback(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
) -> None:
    """A report about an SMS this account sent fires the documented event."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    sms_id = await async_send_sms(hass, loaded_entry, ALICE, ref_client="12azer34")
    params = await async_report(smsmode_simulator, sms_id, ALICE, 11)
    assert await call_webhook(params) == 200
    await hass.async_block_till_done()
    assert len(events) == 1
    received = params["date_reception"].replace(" ", "T")
    assert events[0].data == {
        "config_entry_id": loaded_entry.entry_id,
        "number": ALICE,
        "status": 11,
        "status_name": "received",
        "delivered": True,
        "final": True,
        "received_at": events[0].data["received_at"],
        "sms_id": sms_id,
        "ref_client": "12azer34",
        "mcc_mnc": "20801",
        "cost": 1.0,
    }
    assert events[0].data["received_at"].startswith(received)
    state = hass.states.get("event.smsmode_delivery_report")
    assert state is not None
    assert state.attributes["event_type"] == "delivered"
    assert state.attributes["sms_id"] == sms_id


async def test_reference_examples_fire_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
) -> None:
    """The reference's examples are well formed, but smsmode has neither: no event.

    Each is answered 200 (it is a callback as smsmode sends them), checked once
    at smsmode, and dropped.
    """
    events = capture_callback_events(hass)
    assert await call_webhook(DELIVERY) == 200
    assert await call_webhook(REPLY) == 200
    await hass.async_block_till_done()
    assert events == []
    assert len(smsmode_simulator.requests_to("compteRendu.do")) == 1
    assert len(smsmode_simulator.requests_to("responseList.do")) == 1


@pytest.mark.parametrize(
    ("status", "event_type"), [(13, "pending"), (34, "failed"), (0, "pending")]
)
async def test_delivery_report_event_types(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    status: int,
    event_type: str,
) -> None:
    """The event entity sorts statuses into delivered / failed / pending."""
    sms_id = await async_send_sms(hass, loaded_entry, ALICE)
    assert (
        await call_webhook({**DELIVERY, "smsID": sms_id, "statut": str(status)}) == 200
    )
    await hass.async_block_till_done()
    state = hass.states.get("event.smsmode_delivery_report")
    assert state.attributes["event_type"] == event_type


async def test_reply_callback(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
) -> None:
    """A reply callback fires `smsmode_message_received` once smsmode lists it."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    params = await async_reply(smsmode_simulator, "bonjour", BOB)
    assert await call_webhook(params) == 200
    await hass.async_block_till_done()
    (reply,) = smsmode_simulator.replies
    assert [event.data for event in events] == [
        {
            "config_entry_id": loaded_entry.entry_id,
            "sender": BOB,
            "message": "bonjour",
            "received_at": reply.received_at.replace(microsecond=0).isoformat(),
            "sms_id": None,
            "ref_client": None,
            "response_id": reply.response_id,
            "smsmode_number": "36034",
            "reply_to_sms_id": None,
            "reply_to_ref_client": None,
            "reply_to_message": None,
            "recipient": None,
        }
    ]
    state = hass.states.get("event.smsmode_received_sms")
    assert state is not None
    assert state.attributes["event_type"] == "received"
    assert state.attributes["message"] == "bonjour"


@pytest.mark.parametrize(
    ("encoded", "text"),
    [
        (quote("Ça marche, à demain €", encoding="utf-8"), "Ça marche, à demain €"),
        (
            quote("Ça marche, à demain €", encoding="iso-8859-15"),
            "Ça marche, à demain €",
        ),
    ],
)
async def test_reply_text_in_either_encoding(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    smsmode_simulator: Simulator,
    encoded: str,
    text: str,
) -> None:
    """A reply's text arrives right whether smsmode sends UTF-8 or ISO-8859-15."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    client = await hass_client_no_auth()
    reply = await async_reply(smsmode_simulator, text, BOB)
    others = urlencode({k: v for k, v in reply.items() if k != "message"})
    response = await client.get(f"/api/webhook/{webhook_id}?{others}&message={encoded}")
    assert response.status == 200
    await hass.async_block_till_done()
    assert events[0].data["message"] == text


async def test_post_callback(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    smsmode_simulator: Simulator,
) -> None:
    """A callback posted as a form is read like a GET one."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    client = await hass_client_no_auth()
    reply = await async_reply(smsmode_simulator, "bonjour", BOB)
    response = await client.post(f"/api/webhook/{webhook_id}", data=reply)
    assert response.status == 200
    await hass.async_block_till_done()
    assert len(events) == 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"foo": "bar"},
        {**DELIVERY, "statut": "abc"},
        {k: v for k, v in DELIVERY.items() if k != "smsID"},
        {**DELIVERY, "numero": "33 6 12 34 56 78"},
        {**REPLY, "emetteur": "not a number"},
        {k: v for k, v in REPLY.items() if k != "responseID"},
        {k: v for k, v in REPLY.items() if k != "message"},
    ],
)
async def test_malformed_callback_fires_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    call_webhook: CallWebhook,
    params: dict[str, Any],
) -> None:
    """Garbage gets a 400 and no event."""
    events = capture_callback_events(hass)
    assert await call_webhook(params) == 400
    await hass.async_block_till_done()
    assert events == []


async def test_report_with_unreadable_details_fires_with_nulls(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A report whose number, status and SMS id are valid fires, whatever the rest.

    Date, operator and cost that do not read are null, and a debug line names
    them; a cost with a comma and a Java timestamp's `.0` are read.
    """
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    ours = {**DELIVERY, "smsID": await async_send_sms(hass, loaded_entry, ALICE)}
    odd = {**ours, "mcc_mnc": "0", "cost": "0,045"}
    odd["date_reception"] += ".0"
    assert await call_webhook(odd) == 200
    caplog.set_level(logging.DEBUG, logger="custom_components.smsmode")
    worse = {**ours, "statut": "13", "date_reception": "yesterday", "cost": "?"}
    assert await call_webhook(worse) == 200
    await hass.async_block_till_done()
    assert [
        (e.data["status"], e.data["received_at"], e.data["mcc_mnc"], e.data["cost"])
        for e in events
    ] == [
        (11, "2026-03-29T02:30:17+01:00", None, 0.045),
        (13, None, "20801", None),
    ]
    assert "Callback fields left null, unreadable: date_reception, cost" in caplog.text
    state = hass.states.get("event.smsmode_delivery_report")
    assert state.attributes["received_at"] is None


async def test_reply_with_unreadable_details_fires_from_the_list(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    call_webhook: CallWebhook,
    smsmode_simulator: Simulator,
) -> None:
    """A reply needs only its id, sender and text: the rest comes from the list.

    What fires is smsmode's listed reply, so details the callback could not
    give (its date to the second, the number it came to) are the list's.
    """
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    reply = await async_reply(smsmode_simulator, "bonjour", BOB)
    odd = {**reply, "date_reception": "2013-01-01", "numero": "", "smsID": "a b"}
    assert await call_webhook(odd) == 200
    await hass.async_block_till_done()
    (listed,) = smsmode_simulator.replies
    assert [
        (e.data["message"], e.data["received_at"], e.data["smsmode_number"])
        for e in events
    ] == [
        (
            "bonjour",
            listed.received_at.replace(second=0, microsecond=0).isoformat(),
            "36034",
        )
    ]
    assert events[0].data["sms_id"] is None


async def test_oversized_callback_refused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    call_webhook: CallWebhook,
    webhook_id: str,
) -> None:
    """A body larger than any callback is refused before it is parsed."""
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{webhook_id}", data={**REPLY, "message": "x" * 10_000}
    )
    assert response.status == 413
    assert await call_webhook({**REPLY, "message": "x" * 10_000}) == 413

    # Without a Content-Length (chunked), reading stops past the limit too.
    async def chunks() -> AsyncIterator[bytes]:
        yield urlencode(REPLY).encode()
        for _ in range(10):
            yield b"&pad=" + b"x" * 1000

    response = await client.post(
        f"/api/webhook/{webhook_id}",
        data=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 413


async def test_unexpected_failure_is_a_400_not_a_500(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: MockConfigEntry,
    webhook_id: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Whatever breaks while handling a callback is answered 400, never a 5xx.

    A relayed request whose query string fails when read stands for any failure;
    only the error's type is logged, never the request (its URL holds the secret
    webhook id).
    """
    caplog.set_level(logging.DEBUG, logger="custom_components.smsmode")

    class BrokenRequest(MockRequest):
        @property
        def query_string(self) -> str:
            raise RuntimeError(f"broken {webhook_id}")

        @query_string.setter
        def query_string(self, value: str) -> None:
            """Ignore the value MockRequest sets."""

    request = BrokenRequest(content=b"", mock_source="test")
    response = await webhook.async_handle_webhook(hass, webhook_id, request)
    assert response.status == 400
    assert "after an unexpected RuntimeError" in caplog.text
    assert webhook_id not in caplog.text
    result = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)
    assert result["callbacks_refused"]["by_reason"] == {"unexpected_error": 1}


async def test_simulator_callbacks_end_to_end(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    smsmode_simulator: Simulator,
    webhook_id: str,
) -> None:
    """An SMS sent by the action gets the simulator's reports and a reply back.

    Home Assistant has an external URL: the SMS carries the entry's webhook URL
    for both, and the simulator calls it through Home Assistant's HTTP server.
    """
    hass.config.external_url = "http://example.invalid"
    client = await hass_client_no_auth()
    called: list[str] = []

    async def into_hass(url: str) -> int:
        called.append(url)
        parts = urlsplit(url)
        return (await client.get(f"{parts.path}?{parts.query}")).status

    smsmode_simulator.callback_transport = into_hass
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    replies = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    result = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": loaded_entry.entry_id,
            "recipients": ["33612345678"],
            "message": "Serveur en panne. Répondre OK ?",
            "reply_allowed": True,
            "ref_client": "alert-1",
        },
        blocking=True,
        return_response=True,
    )
    sms_id = result["sms_id"]
    await smsmode_simulator.advance_delivery(sms_id)
    await smsmode_simulator.advance_delivery(sms_id)
    await smsmode_simulator.inject_reply("OK bien reçu", "33612345678")
    await hass.async_block_till_done()
    assert [(e.data["status_name"], e.data["final"]) for e in reports] == [
        ("delivered_to_operator", False),
        ("received", True),
    ]
    assert {e.data["ref_client"] for e in reports} == {"alert-1"}
    assert [e.data["message"] for e in replies] == ["OK bien reçu"]
    assert replies[0].data["sms_id"] == sms_id
    url = f"http://example.invalid/api/webhook/{webhook_id}"
    assert [call.split("?")[0] for call in called] == [url] * 3
