"""Reply polling and the inbox: replies reach HA without a public URL, once each."""

import asyncio
from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.const import (
    CONF_REPLY_POLL_INTERVAL,
    DOMAIN,
    EVENT_DELIVERY_REPORT,
    EVENT_MESSAGE_RECEIVED,
)
from custom_components.smsmode.inbox import MAX_SEEN, SEEN_MAX_AGE, SmsmodeInbox
from smsmode_simulator import Fault, Simulator

from .callback_helpers import async_send_sms
from .conftest import CallWebhook
from .sending_helpers import (
    ALICE,
    EXTERNAL_URL,
    async_setup_account,
    async_step_time,
    make_entry,
)

LIST = "responseList.do"


async def _tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    await async_step_time(hass, freezer, delta)


async def _send_reply_allowed(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": [ALICE[1]],
            "message": "Alarm on. Reply STOP ALARM to turn it off.",
            "reply_allowed": True,
        },
        blocking=True,
        return_response=True,
    )


async def test_nothing_read_while_no_reply_can_come(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a reply-allowed SMS the reply list is never read."""
    for _ in range(3):
        await _tick(hass, freezer, timedelta(hours=1))
    assert smsmode_simulator.requests_to(LIST) == []


async def test_reply_read_after_a_reply_allowed_send(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A reply to a reply-allowed SMS is read within a minute, and fired once."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    response = await _send_reply_allowed(hass, entry)
    # No URL smsmode can reach: the send asked for no reply callback.
    assert (
        "notification_url_reponse"
        not in smsmode_simulator.requests_to("sendSMS.do")[-1].params
    )
    await _tick(hass, freezer, timedelta(seconds=20))
    response_id = await smsmode_simulator.inject_reply("STOP ALARM", ALICE[1])
    await _tick(hass, freezer, timedelta(seconds=45))

    assert len(smsmode_simulator.requests_to(LIST)) == 1
    assert len(events) == 1
    data = events[0].data
    assert data["config_entry_id"] == entry.entry_id
    assert data["sender"] == ALICE[1]
    assert data["message"] == "STOP ALARM"
    assert data["response_id"] == response_id
    assert data["sms_id"] == response["sms_id"]
    assert data["ref_client"] is None
    assert dt_util.parse_datetime(data["received_at"]) is not None
    state = hass.states.get("event.smsmode_received_sms")
    assert state is not None
    assert state.attributes["message"] == "STOP ALARM"

    # Read again every minute for a while: the same reply is not news.
    await _tick(hass, freezer, timedelta(minutes=1))
    await _tick(hass, freezer, timedelta(minutes=1))
    assert len(smsmode_simulator.requests_to(LIST)) == 3
    assert len(events) == 1


async def test_replies_fired_in_the_order_they_came(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two replies between two reads are fired oldest first."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    await _send_reply_allowed(hass, entry)
    await smsmode_simulator.inject_reply("first", ALICE[1])
    await smsmode_simulator.inject_reply("second", ALICE[1])
    await _tick(hass, freezer, timedelta(minutes=1))
    assert [event.data["message"] for event in events] == ["first", "second"]


async def test_polling_slows_down_then_stops(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every minute for 30 minutes, then on the option's interval, for 30 days."""
    await _send_reply_allowed(hass, entry)
    poller = entry.runtime_data.reply_poller
    now = dt_util.utcnow()
    assert poller.next_delay(now) == timedelta(minutes=1)
    assert poller.next_delay(now + timedelta(minutes=31)) == timedelta(minutes=5)
    assert poller.next_delay(now + timedelta(days=30, minutes=1)) is None

    await _tick(hass, freezer, timedelta(minutes=40))
    reads = len(smsmode_simulator.requests_to(LIST))
    await _tick(hass, freezer, timedelta(minutes=5))
    assert len(smsmode_simulator.requests_to(LIST)) == reads + 1

    # Past the 30 days smsmode keeps replies for, nothing is read any more.
    await _tick(hass, freezer, timedelta(days=31))
    reads = len(smsmode_simulator.requests_to(LIST))
    for _ in range(3):
        await _tick(hass, freezer, timedelta(hours=1))
    assert len(smsmode_simulator.requests_to(LIST)) == reads


async def test_polling_turned_off(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """An interval of 0 turns reply polling off."""
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_REPLY_POLL_INTERVAL: 0}
    )
    await _send_reply_allowed(hass, entry)
    await smsmode_simulator.inject_reply("hello", ALICE[1])
    await _tick(hass, freezer, timedelta(minutes=10))
    assert smsmode_simulator.requests_to(LIST) == []


async def test_scheduled_send_expects_replies_from_its_time(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Replies to a scheduled SMS are expected from when it goes out."""
    when = dt_util.utcnow() + timedelta(days=2)
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": [ALICE[1]],
            "message": "Meter reading tomorrow: reply with the figure",
            "reply_allowed": True,
            "scheduled_at": when.isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    inbox = entry.runtime_data.inbox
    assert inbox.last_reply_allowed_send is not None
    assert abs(inbox.last_reply_allowed_send - when) < timedelta(minutes=1)
    # Until then it reads on the option's interval, then every minute.
    poller = entry.runtime_data.reply_poller
    assert poller.next_delay(dt_util.utcnow()) == timedelta(minutes=5)
    assert poller.next_delay(when + timedelta(minutes=1)) == timedelta(minutes=1)
    # Just before, it wakes for it.
    soon = when - timedelta(minutes=2)
    assert poller.next_delay(soon) == timedelta(minutes=2)

    # An SMS sent now still gets its quick half hour, the scheduled one later.
    response = await _send_reply_allowed(hass, entry)
    assert response["sms_id"]
    now = dt_util.utcnow()
    assert poller.next_delay(now) == timedelta(minutes=1)
    assert poller.next_delay(now + timedelta(minutes=31)) == timedelta(minutes=5)
    assert poller.next_delay(when + timedelta(minutes=1)) == timedelta(minutes=1)
    assert abs(inbox.last_reply_allowed_send - when) < timedelta(minutes=1)


async def test_webhook_and_polling_fire_a_reply_once(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A reply that came by webhook and is then polled is one event."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    entry = await async_setup_account(hass, smsmode_simulator)
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    client = await hass_client_no_auth()
    # The simulator calls back the webhook through Home Assistant's test client.
    calls: list[str] = []

    async def transport(url: str) -> int:
        calls.append(url)
        path = url.removeprefix(EXTERNAL_URL)
        return (await client.get(path)).status

    smsmode_simulator.callback_transport = transport
    await _send_reply_allowed(hass, entry)
    await smsmode_simulator.inject_reply("oui", ALICE[1])
    await hass.async_block_till_done()
    assert len(calls) == 1
    assert len(events) == 1
    # The callback was confirmed in the list: one read.
    assert len(smsmode_simulator.requests_to(LIST)) == 1

    await _tick(hass, freezer, timedelta(minutes=1))
    assert len(smsmode_simulator.requests_to(LIST)) == 2
    assert len(events) == 1

    # smsmode repeats a callback it did not like the answer to: still one event.
    assert (await client.get(calls[0].removeprefix(EXTERNAL_URL))).status == 200
    await hass.async_block_till_done()
    assert len(events) == 1


async def test_delivery_report_repeated_is_one_event(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    call_webhook: CallWebhook,
) -> None:
    """The same (sms, number, status) is one event; a new status is another."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    report = {
        "numero": ALICE[1],
        "date_reception": "2026-06-15 12:00:01",
        "statut": "13",
        "smsID": await async_send_sms(hass, entry, ALICE[1]),
    }
    for _ in range(3):
        assert await call_webhook(report) == 200
    report["statut"] = "11"
    await call_webhook(report)
    await hass.async_block_till_done()
    assert [event.data["status"] for event in events] == [13, 11]


async def test_seen_replies_survive_a_restart(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a reload the replies already fired are not fired again."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    await _send_reply_allowed(hass, entry)
    await smsmode_simulator.inject_reply("once", ALICE[1])
    await _tick(hass, freezer, timedelta(minutes=1))
    assert len(events) == 1
    created = entry.runtime_data.inbox.created

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    inbox = entry.runtime_data.inbox
    assert inbox.created == created
    assert inbox.last_reply_allowed_send is not None
    assert inbox.polled_until is not None
    await _tick(hass, freezer, timedelta(minutes=1))
    assert len(events) == 1
    await smsmode_simulator.inject_reply("twice", ALICE[1])
    await _tick(hass, freezer, timedelta(minutes=1))
    assert [event.data["message"] for event in events] == ["once", "twice"]


async def test_replies_older_than_the_integration_are_history(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Replies already on the account when the entry was made are not fired."""
    freezer.move_to("2026-06-15 10:00:00+00:00")
    await smsmode_simulator.inject_reply("last week", ALICE[1])
    await _tick(hass, freezer, timedelta(days=7))
    entry = await async_setup_account(hass, smsmode_simulator)
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    await _send_reply_allowed(hass, entry)
    await _tick(hass, freezer, timedelta(minutes=1))
    assert len(smsmode_simulator.requests_to(LIST)) == 1
    assert events == []


async def test_read_failures_wait_for_the_next_interval(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An outage is one warning; reading goes on and the reply still arrives."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    await _send_reply_allowed(hass, entry)
    await smsmode_simulator.inject_reply("during the outage", ALICE[1])
    smsmode_simulator.add_fault(LIST, Fault.code(50), times=2)
    caplog.set_level(logging.INFO, "custom_components.smsmode")
    await _tick(hass, freezer, timedelta(minutes=1))
    await _tick(hass, freezer, timedelta(minutes=1))
    assert events == []
    warnings = [
        record
        for record in caplog.records
        if record.levelno == logging.WARNING
        and record.name.startswith("custom_components.smsmode")
    ]
    assert len(warnings) == 1
    assert "Cannot read smsmode's replies" in warnings[0].getMessage()

    await _tick(hass, freezer, timedelta(minutes=1))
    assert [event.data["message"] for event in events] == ["during the outage"]
    assert "smsmode's replies can be read again" in caplog.text


async def test_refused_key_starts_reauth_and_stops_polling(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Code 32 while reading replies starts reauth; no retry loop on a bad key."""
    await _send_reply_allowed(hass, entry)
    smsmode_simulator.add_fault(LIST, Fault.code(32))
    await _tick(hass, freezer, timedelta(minutes=1))
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    for _ in range(3):
        await _tick(hass, freezer, timedelta(minutes=1))
    assert len(smsmode_simulator.requests_to(LIST)) == 1


async def test_unload_stops_polling_and_removal_forgets_the_inbox(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """No read after unload; removing the entry deletes its stored inbox."""
    await _send_reply_allowed(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    key = f"{DOMAIN}.{entry.entry_id}.inbox"
    assert hass_storage[key]["data"]["last_reply_allowed_send"] > 0
    await _tick(hass, freezer, timedelta(minutes=5))
    assert smsmode_simulator.requests_to(LIST) == []

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_unload_waits_for_a_read_under_way(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A reload during a read: the reply is stored before the inbox's last write.

    Else the reloaded inbox would not know it, and the next read (which goes
    back a little) would fire it a second time.
    """
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    await _send_reply_allowed(hass, entry)
    response_id = await smsmode_simulator.inject_reply("Oui", ALICE[1])
    poller = entry.runtime_data.reply_poller
    read = hass.async_create_task(poller.async_poll())
    await asyncio.sleep(0)  # the read has started: its request is on its way
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert read.done()
    assert len(events) == 1
    key = f"{DOMAIN}.{entry.entry_id}.inbox"
    assert response_id in hass_storage[key]["data"]["replies"]
    # Stopped: no read any more, even when asked.
    reads = len(smsmode_simulator.requests_to(LIST))
    await poller.async_poll()
    assert len(smsmode_simulator.requests_to(LIST)) == reads

    assert await hass.config_entries.async_setup(entry.entry_id)
    await _tick(hass, freezer, timedelta(minutes=2))
    assert len(smsmode_simulator.requests_to(LIST)) > reads
    assert len(events) == 1


async def test_inbox_stored_before_reply_rushes(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An inbox stored by an earlier version: the newest send's half hour is quick."""
    freezer.move_to("2026-06-15 10:00:00+00:00")
    entry = make_entry(smsmode_simulator)
    entry.add_to_hass(hass)
    sent_at = dt_util.utcnow() - timedelta(minutes=10)
    hass_storage[f"{DOMAIN}.{entry.entry_id}.inbox"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.{entry.entry_id}.inbox",
        "data": {
            "created": (sent_at - timedelta(days=1)).timestamp(),
            "replies": {},
            "reports": {},
            "last_reply_allowed_send": sent_at.timestamp(),
        },
    }
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    poller = entry.runtime_data.reply_poller
    assert poller.next_delay(dt_util.utcnow()) == timedelta(minutes=1)
    assert poller.next_delay(sent_at + timedelta(hours=1)) == timedelta(minutes=5)


async def test_inbox_forgets_the_oldest_past_its_cap_and_age(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The seen sets are bounded: by count, and by age."""
    freezer.move_to("2026-06-15 10:00:00+00:00")
    inbox = SmsmodeInbox(hass, "entry")
    await inbox.async_load()
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)

    def reply(response_id: str) -> dict[str, Any]:
        return {"response_id": response_id, "message": "x"}

    for index in range(MAX_SEEN + 1):
        assert inbox.async_reply(reply(str(index)))
    # The first one fell out; the newest are remembered.
    assert not inbox.async_reply(reply(str(MAX_SEEN)))
    assert inbox.async_reply(reply("0"))

    freezer.tick(SEEN_MAX_AGE + timedelta(seconds=1))
    assert inbox.async_reply(reply("fresh"))
    # Everything older than the age limit went with that addition.
    assert inbox.async_reply(reply(str(MAX_SEEN)))
    await hass.async_block_till_done()
    assert len(events) == MAX_SEEN + 4
