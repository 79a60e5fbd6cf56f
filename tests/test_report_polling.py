"""Delivery-report polling: reports reach HA without a public URL, once each."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.smsmode.const import (
    CONF_DELIVERY_REPORTS,
    CONF_REPLY_POLL_INTERVAL,
    DOMAIN,
    EVENT_DELIVERY_REPORT,
)
from smsmode_simulator import Fault, Simulator

from .sending_helpers import (
    ALICE,
    BOB,
    EXTERNAL_URL,
    async_setup_account,
    async_step_time,
)

REPORT = "compteRendu.do"
INTERVAL = timedelta(minutes=5, seconds=1)


async def _tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta = INTERVAL
) -> None:
    await async_step_time(hass, freezer, delta)


async def _send(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> str:
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": [ALICE[1], BOB[1]],
            "message": "Water leak in the cellar",
            "ref_client": "leak-1",
            **data,
        },
        blocking=True,
        return_response=True,
    )
    sms_id: str = response["sms_id"]
    return sms_id


async def test_reports_polled_until_final(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each new status is one event; polling stops once every number is final."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    sms_id = await _send(hass, entry)
    await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(REPORT)) == 1
    first = [(e.data["number"], e.data["status_name"]) for e in events]
    assert first == [(ALICE[1], "sent"), (BOB[1], "sent")]
    assert events[0].data["sms_id"] == sms_id
    assert events[0].data["ref_client"] == "leak-1"
    assert events[0].data["config_entry_id"] == entry.entry_id
    assert (events[0].data["mcc_mnc"], events[0].data["cost"]) == (None, None)

    # Nothing new: nothing fired.
    await _tick(hass, freezer)
    assert len(events) == 2

    await smsmode_simulator.advance_delivery(sms_id)
    await _tick(hass, freezer)
    await smsmode_simulator.advance_delivery(sms_id)
    await _tick(hass, freezer)
    statuses = [(e.data["status_name"], e.data["final"]) for e in events[2:]]
    assert statuses == [
        ("delivered_to_operator", False),
        ("delivered_to_operator", False),
        ("received", True),
        ("received", True),
    ]
    state = hass.states.get("event.smsmode_delivery_report")
    assert state is not None
    assert state.attributes["event_type"] == "delivered"

    reads = len(smsmode_simulator.requests_to(REPORT))
    for _ in range(3):
        await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(REPORT)) == reads


async def test_not_polled_when_smsmode_calls_back(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """With a URL smsmode can reach, reports come by webhook: nothing is read."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    entry = await async_setup_account(hass, smsmode_simulator)
    await _send(hass, entry)
    for _ in range(3):
        await _tick(hass, freezer)
    assert smsmode_simulator.requests_to(REPORT) == []


@pytest.mark.parametrize(
    "options",
    [{CONF_DELIVERY_REPORTS: False}, {CONF_REPLY_POLL_INTERVAL: 0}],
)
async def test_not_polled_when_off(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    options: dict[str, Any],
) -> None:
    """Reports turned off, or polling turned off: nothing is read."""
    entry = await async_setup_account(hass, smsmode_simulator, options=options)
    await _send(hass, entry)
    for _ in range(3):
        await _tick(hass, freezer)
    assert smsmode_simulator.requests_to(REPORT) == []
    # Nothing is kept that nothing would read.
    assert entry.runtime_data.inbox.pending_reports == {}


async def test_given_up_after_48_hours(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A report that never becomes final is read for 48 hours, then forgotten."""
    await _send(hass, entry)
    await _tick(hass, freezer, timedelta(hours=49))
    reads = len(smsmode_simulator.requests_to(REPORT))
    for _ in range(3):
        await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(REPORT)) == reads
    assert entry.runtime_data.inbox.pending_reports == {}


async def test_unknown_sms_forgotten_and_failures_retried(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Code 61 drops the SMS; an outage waits for the next interval."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    await _send(hass, entry)
    smsmode_simulator.add_fault(REPORT, Fault.http_error(503))
    await _tick(hass, freezer)
    assert events == []
    await _tick(hass, freezer)
    assert len(events) == 2

    smsmode_simulator.add_fault(REPORT, Fault.code(61))
    await _tick(hass, freezer)
    assert entry.runtime_data.inbox.pending_reports == {}


async def test_one_unreadable_report_does_not_hold_up_the_others(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An SMS whose report smsmode refuses (code 35) is retried after the others.

    smsmode out of reach or busy ends the round instead (previous test).
    """
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    first = await _send(hass, entry)
    second = await _send(hass, entry, recipients=["33611223344"])
    smsmode_simulator.add_fault(REPORT, Fault.code(35))
    await _tick(hass, freezer)
    assert [e.data["sms_id"] for e in events] == [second]
    assert "Cannot read smsmode's delivery reports" in caplog.text
    pending = entry.runtime_data.inbox.pending_reports
    assert set(pending) == {first, second}

    await _tick(hass, freezer)
    assert sorted(e.data["number"] for e in events if e.data["sms_id"] == first) == [
        ALICE[1],
        BOB[1],
    ]


async def test_scheduled_sms_read_once_it_goes_and_after_a_restart(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No read before the scheduled time; the pending SMS survive a reload."""
    await _send(hass, entry, scheduled_at="2026-06-15T11:00:00+00:00")
    for _ in range(3):
        await _tick(hass, freezer)
    assert smsmode_simulator.requests_to(REPORT) == []

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(entry.runtime_data.inbox.pending_reports) == 1
    await _tick(hass, freezer, timedelta(hours=1))
    await _tick(hass, freezer)
    assert smsmode_simulator.requests_to(REPORT) != []


async def test_batch_reports_polled(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A batch sent without a callback URL has its reports polled too."""
    await hass.services.async_call(
        DOMAIN,
        "send_batch",
        {
            "config_entry_id": entry.entry_id,
            "messages": [
                {"number": ALICE[1], "message": "Hello Alice"},
                {"number": BOB[1], "message": "Hello Bob"},
            ],
        },
        blocking=True,
        return_response=True,
    )
    await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(REPORT)) == 1
