"""The outbox never makes a caller wait for the queue, and never sends twice.

New SMS queue at once behind those waiting; an unknown outcome is given time
before the sent list is read, back to the first attempt; order holds under
concurrent sends.
"""

import asyncio
from datetime import timedelta
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.smsmode import outgoing, retry
from custom_components.smsmode.api import SmsmodeClient, connection as api_connection
from custom_components.smsmode.const import (
    CONF_OUTBOX_HORIZON,
    DOMAIN,
    EVENT_SEND_FAILED,
)
from smsmode_simulator import Fault, Simulator
from smsmode_simulator.models import Contact

from .sending_helpers import ALICE, async_setup_account, async_step_time, make_entry

SEND = "sendSMS.do"
LIST = "smsList.do"


async def _send(hass: HomeAssistant, entry: MockConfigEntry, message: str) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": [ALICE[1]],
            "message": message,
        },
        blocking=True,
        return_response=True,
    )


def _texts(simulator: Simulator) -> list[str]:
    return [message.text for message in simulator.messages.values()]


async def test_new_sms_behind_a_backoff_is_queued_at_once(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The call returns queued; one early attempt per backoff step, in the background."""
    smsmode_simulator.add_fault(SEND, Fault.code(50), times=2)
    await _send(hass, entry, "Server down")
    started = time.monotonic()
    second = await _send(hass, entry, "Disk full")
    assert second["queued"] is True
    assert time.monotonic() - started < 1
    await hass.async_block_till_done(wait_background_tasks=True)
    # The new SMS brought the head's attempt forward once (smsmode still said 50).
    assert len(smsmode_simulator.requests_to(SEND)) == 2
    third = await _send(hass, entry, "Fan stopped")
    assert third["queued"] is True
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(smsmode_simulator.requests_to(SEND)) == 2

    await async_step_time(hass, freezer, timedelta(seconds=16))
    assert _texts(smsmode_simulator) == ["Server down", "Disk full", "Fan stopped"]
    assert len(smsmode_simulator.requests_to(SEND)) == 5


async def test_early_attempt_that_succeeds_sends_those_behind(
    hass: HomeAssistant, entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """The next alert finds smsmode back: both go, in order, at once."""
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    await _send(hass, entry, "Server down")
    second = await _send(hass, entry, "Server up")
    assert second["queued"] is True
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _texts(smsmode_simulator) == ["Server down", "Server up"]
    assert len(entry.runtime_data.outbox) == 0


@pytest.mark.parametrize("fault", [Fault.drop_after(), Fault.http_error(502)])
async def test_unknown_outcome_is_not_looked_up_early(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    fault: Fault,
) -> None:
    """No new SMS brings the lookup forward: smsmode gets 15 s to finish taking it."""
    smsmode_simulator.add_fault(SEND, fault)
    await _send(hass, entry, "Server down")
    for text in ("Disk full", "Fan stopped"):
        assert (await _send(hass, entry, text))["queued"] is True
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_step_time(hass, freezer, timedelta(seconds=14))
    assert smsmode_simulator.requests_to(LIST) == []
    assert len(smsmode_simulator.requests_to(SEND)) == 1

    await async_step_time(hass, freezer, timedelta(seconds=2))
    assert len(smsmode_simulator.requests_to(LIST)) == 1
    assert sorted(_texts(smsmode_simulator)) == sorted(
        ["Server down", "Disk full", "Fan stopped"]
    )
    assert len(smsmode_simulator.requests_to(SEND)) == 3 + (fault.kind != "drop_after")


async def test_smsmode_still_taking_an_sms_after_the_timeout(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The client gives up at its timeout; smsmode lists the SMS only later.

    Four alerts: the three after the first return queued at once, and each
    goes once, in order: the lookup waits past the time smsmode needed. Real
    time, ten times faster than in production (timeout 1 s, wait 1.5 s):
    aiohttp's timeout is not driven by a frozen clock on every version.
    """
    monkeypatch.setattr(api_connection, "DEFAULT_TIMEOUT", 1.0)
    monkeypatch.setattr(retry, "RETRY_BASE", timedelta(seconds=1.5))
    monkeypatch.setattr(retry, "UNKNOWN_OUTCOME_WAIT", timedelta(seconds=1.5))
    entry = await async_setup_account(hass, smsmode_simulator)
    smsmode_simulator.add_fault(SEND, Fault.late(1.3))
    assert (await _send(hass, entry, "Alert 1"))["queued"] is True
    for number in (2, 3, 4):
        started = time.monotonic()
        assert (await _send(hass, entry, f"Alert {number}"))["queued"] is True
        assert time.monotonic() - started < 0.5
    assert len(smsmode_simulator.requests_to(SEND)) == 1
    async with asyncio.timeout(10):
        while len(entry.runtime_data.outbox):  # noqa: ASYNC110 - no hook to await
            await asyncio.sleep(0.1)
    assert _texts(smsmode_simulator) == [f"Alert {n}" for n in (1, 2, 3, 4)]
    assert len(smsmode_simulator.requests_to(SEND)) == 4


async def test_concurrent_sends_keep_their_order(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Alerts fired together during an outage reach smsmode in the order fired."""
    smsmode_simulator.add_fault(SEND, Fault.drop_before())
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    texts = [f"Alert {number}" for number in range(1, 7)]
    responses = await asyncio.gather(*(_send(hass, entry, text) for text in texts))
    assert all(response["queued"] for response in responses)
    assert smsmode_simulator.messages == {}
    for _ in range(3):
        await async_step_time(hass, freezer, timedelta(minutes=1))
    assert _texts(smsmode_simulator) == texts


async def test_concurrent_sends_with_smsmode_slow_keep_their_order(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """With smsmode up but slow to answer the first: the second waits its turn."""
    entry = await async_setup_account(hass, smsmode_simulator)
    smsmode_simulator.add_fault(SEND, Fault.slow(0.3))
    first = hass.async_create_task(_send(hass, entry, "Door opened"))
    second = hass.async_create_task(_send(hass, entry, "Door closed"))
    responses = await asyncio.gather(first, second)
    assert [response["queued"] for response in responses] == [False, False]
    assert _texts(smsmode_simulator) == ["Door opened", "Door closed"]


async def _fill_sent_list(
    simulator: Simulator, hass: HomeAssistant, count: int
) -> None:
    """Another user of the account sends `count` SMS."""
    simulator.balance += count
    other = SmsmodeClient(
        async_get_clientsession(hass), simulator.api_key, base_url=simulator.url
    )
    for number in range(count):
        await other.send_sms(f"Newsletter {number}", ["33611111111"])


async def test_lookup_reads_back_to_the_first_attempt(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A shared account sent 450 SMS since: the lookup pages back and finds it."""
    smsmode_simulator.add_fault(SEND, Fault.drop_after())
    await _send(hass, entry, "Server down")
    await _fill_sent_list(smsmode_simulator, hass, 450)
    await async_step_time(hass, freezer, timedelta(seconds=16))
    assert len(smsmode_simulator.requests_to(LIST)) == 3
    assert _texts(smsmode_simulator).count("Server down") == 1
    assert len(entry.runtime_data.outbox) == 0


async def test_lookup_stops_at_the_first_attempt(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Older SMS are not read: one page reaches back past the attempt."""
    await _fill_sent_list(smsmode_simulator, hass, 450)
    await async_step_time(hass, freezer, timedelta(minutes=10))
    smsmode_simulator.add_fault(SEND, Fault.drop_before())
    await _send(hass, entry, "Server down")
    await async_step_time(hass, freezer, timedelta(seconds=16))
    assert len(smsmode_simulator.requests_to(LIST)) == 1
    assert _texts(smsmode_simulator).count("Server down") == 1


async def test_lookup_past_smsmode_limit_sends_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The list ends before the attempt's time is reached: nothing is concluded."""
    monkeypatch.setattr(outgoing, "LOOKUP_MAX_LINES", 400)
    smsmode_simulator.add_fault(SEND, Fault.drop_before())
    await _send(hass, entry, "Server down")
    await _fill_sent_list(smsmode_simulator, hass, 450)
    await async_step_time(hass, freezer, timedelta(seconds=16))
    assert len(smsmode_simulator.requests_to(LIST)) == 2
    assert "Server down" not in _texts(smsmode_simulator)
    (item,) = entry.runtime_data.outbox.queued()
    assert item.outcome_unknown
    assert "too long to tell whether a queued SMS went" in caplog.text


@pytest.mark.parametrize(
    ("fault", "may_have_been_sent"),
    [(Fault.drop_after(), True), (Fault.code(50), False)],
)
async def test_given_up_says_whether_it_may_have_gone(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    fault: Fault,
    may_have_been_sent: bool,
) -> None:
    """An expired SMS whose last attempt may have reached smsmode says so."""
    freezer.move_to("2026-06-15 10:00:00+00:00")
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_OUTBOX_HORIZON: 1}
    )
    failed = async_capture_events(hass, EVENT_SEND_FAILED)
    smsmode_simulator.add_fault(SEND, fault)
    smsmode_simulator.add_fault(SEND, Fault.code(50), times=100)
    smsmode_simulator.add_fault(LIST, Fault.code(50), times=100)
    await _send(hass, entry, "Server down")
    for _ in range(6):
        await async_step_time(hass, freezer, timedelta(minutes=15))
    (event,) = failed
    assert event.data["reason"] == "expired"
    assert event.data["may_have_been_sent"] is may_have_been_sent


async def test_unreadable_outbox_raises_an_issue(
    hass: HomeAssistant, smsmode_simulator: Simulator, hass_storage: dict[str, Any]
) -> None:
    """A store this version cannot read is reported, and the account still sends."""
    entry = make_entry(smsmode_simulator)
    hass_storage[f"{DOMAIN}.{entry.entry_id}.outbox"] = {
        "version": 1,
        "key": f"{DOMAIN}.{entry.entry_id}.outbox",
        "data": {"items": [{"outbox_id": "x"}], "claimed": []},
    }
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"outbox_unreadable_{entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_key == "outbox_unreadable"
    assert (await _send(hass, entry, "Still here"))["queued"] is False


async def test_group_send_is_matched_by_its_group_size(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The same text to another group is not this SMS: its count differs.

    The list names no group; an earlier send to the group taught its size.
    """
    members = {
        "Famille": ["33600000001", "33600000002"],
        "Staff": ["33600000003", "33600000004", "33600000005"],
    }
    for group, numbers in members.items():
        for number in numbers:
            smsmode_simulator.account.add_contact(
                Contact(last_name=number, mobile=number, groups=(group,))
            )
    group_send = {"config_entry_id": entry.entry_id, "group": "Famille"}
    await hass.services.async_call(
        DOMAIN, "send_sms", {**group_send, "message": "Hello"}, blocking=True
    )
    other = SmsmodeClient(
        async_get_clientsession(hass),
        smsmode_simulator.api_key,
        base_url=smsmode_simulator.url,
    )
    smsmode_simulator.add_fault(SEND, Fault.drop_before())
    await hass.services.async_call(
        DOMAIN, "send_sms", {**group_send, "message": "Server down"}, blocking=True
    )
    await other.send_sms("Server down", (), group="Staff")
    await async_step_time(hass, freezer, timedelta(seconds=16))
    down = [m for m in smsmode_simulator.messages.values() if m.text == "Server down"]
    assert sorted(m.group or "" for m in down) == ["Famille", "Staff"]
    assert len(entry.runtime_data.outbox) == 0
