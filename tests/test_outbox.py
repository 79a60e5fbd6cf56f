"""The outbox: SMS smsmode cannot take now go out later, once, and survive restarts."""

import asyncio
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.smsmode import outbox_queue, retry
from custom_components.smsmode.const import (
    CONF_OUTBOX_HORIZON,
    DOMAIN,
    EVENT_QUEUED_SMS_SENT,
    EVENT_SEND_FAILED,
    EVENT_SEND_QUEUED,
)
from custom_components.smsmode.request import SmsRequest
from smsmode_simulator import Fault, Simulator

from .sending_helpers import (
    ALICE,
    BOB,
    async_send_sms,
    async_setup_account,
    async_step_time,
    sent,
)

SEND = "sendSMS.do"
LIST = "smsList.do"
OUTBOX = "sensor.smsmode_outbox"
# Longer than any backoff: every queued message is due after one such step.
STEP = retry.RETRY_MAX + timedelta(seconds=1)


async def _tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta = STEP
) -> None:
    await async_step_time(hass, freezer, delta)


async def _send(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": [ALICE[1], BOB[1]],
            "message": "Server down",
            **data,
        },
        blocking=True,
        return_response=True,
    )


def _issue(hass: HomeAssistant, kind: str, entry: MockConfigEntry) -> Any:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{entry.entry_id}")


async def test_unavailable_send_is_queued_then_sent(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Code 50: the call succeeds as queued; the SMS goes on the next attempt."""
    queued = async_capture_events(hass, EVENT_SEND_QUEUED)
    went = async_capture_events(hass, EVENT_QUEUED_SMS_SENT)
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    response = await _send(hass, entry)
    assert response["queued"] is True
    assert response["sms_id"] is None
    assert response["recipients"] == [ALICE[1], BOB[1]]
    assert (response["segments"], response["encoding"]) == (1, "gsm7")
    assert len(queued) == 1
    assert queued[0].data["outbox_id"] == response["outbox_id"]
    assert queued[0].data["may_have_been_sent"] is False
    assert queued[0].data["recipients"] == [ALICE[1], BOB[1]]
    assert hass.states.get(OUTBOX).state == "1"
    assert smsmode_simulator.messages == {}

    await _tick(hass, freezer)
    (message,) = smsmode_simulator.messages.values()
    assert message.text == "Server down"
    assert message.numbers == [ALICE[1], BOB[1]]
    # Nothing could have been sent: no need to look it up first.
    assert smsmode_simulator.requests_to(LIST) == []
    assert len(smsmode_simulator.requests_to(SEND)) == 2
    assert hass.states.get(OUTBOX).state == "0"
    # Automations learn that the alert made it after all.
    (event,) = went
    assert event.data["outbox_id"] == response["outbox_id"]
    assert event.data["sms_id"] == message.sms_id
    assert event.data["config_entry_id"] == entry.entry_id
    assert event.data["recipients"] == [ALICE[1], BOB[1]]
    assert (event.data["attempts"], event.data["found_in_sent_list"]) == (2, False)


async def test_accepted_but_unanswered_is_not_sent_twice(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Smsmode took it but the answer was lost: found in the list, not re-sent.

    It is then followed as a direct send is: replies expected, delivery reports
    polled (which URL the lost attempt carried is not known).
    """
    queued = async_capture_events(hass, EVENT_SEND_QUEUED)
    went = async_capture_events(hass, EVENT_QUEUED_SMS_SENT)
    smsmode_simulator.add_fault(SEND, Fault.drop_after())
    response = await _send(hass, entry, reply_allowed=True)
    assert response["queued"] is True
    assert queued[0].data["may_have_been_sent"] is True
    (message,) = smsmode_simulator.messages.values()
    inbox = entry.runtime_data.inbox
    assert inbox.last_reply_allowed_send is None
    assert inbox.pending_reports == {}

    await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(LIST)) == 1
    assert len(smsmode_simulator.requests_to(SEND)) == 1
    assert len(smsmode_simulator.messages) == 1
    assert len(entry.runtime_data.outbox) == 0
    (event,) = went
    assert event.data["outbox_id"] == response["outbox_id"]
    assert event.data["sms_id"] == message.sms_id
    assert (event.data["attempts"], event.data["found_in_sent_list"]) == (1, True)
    assert inbox.last_reply_allowed_send is not None
    assert list(inbox.pending_reports) == [message.sms_id]


async def test_cut_before_smsmode_took_it_is_sent_after_lookup(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Outcome unknown and not in the list: sent again, exactly once."""
    smsmode_simulator.add_fault(SEND, Fault.drop_before())
    await _send(hass, entry)
    assert smsmode_simulator.messages == {}
    await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(LIST)) == 1
    assert len(smsmode_simulator.messages) == 1
    await _tick(hass, freezer)
    assert len(smsmode_simulator.messages) == 1


async def test_outage_backs_off_raises_an_issue_and_recovers(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Retries back off; after several, a repair issue; it goes once all is sent."""
    smsmode_simulator.add_fault(SEND, Fault.http_error(503), times=4)
    await _send(hass, entry, message="Water leak")
    item = entry.runtime_data.outbox.queued()[0]
    first_wait = item.next_attempt - item.queued_at
    assert 7.5 <= first_wait <= 15
    for _ in range(3):
        await _tick(hass, freezer)
    assert _issue(hass, "outbox_stuck", entry) is not None
    assert smsmode_simulator.messages == {}

    await _tick(hass, freezer)
    assert [m.text for m in smsmode_simulator.messages.values()] == ["Water leak"]
    assert _issue(hass, "outbox_stuck", entry) is None
    assert hass.states.get(OUTBOX).state == "0"


async def test_rate_limited_send_is_queued(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """HTTP 429: nothing was done, so the SMS waits and goes later, once."""
    smsmode_simulator.add_fault(SEND, Fault.http_error(429))
    response = await _send(hass, entry)
    assert response["queued"] is True
    await _tick(hass, freezer)
    assert len(smsmode_simulator.messages) == 1
    assert smsmode_simulator.requests_to(LIST) == []


async def test_backoff_doubles_with_jitter() -> None:
    """15 s, 30 s, 1 min … capped at 15 min, each between half and all of it."""
    for attempts, full in ((1, 15), (2, 30), (3, 60), (10, 900), (30, 900)):
        for _ in range(20):
            wait = retry.backoff(attempts).total_seconds()
            assert full / 2 <= wait <= full


async def test_queued_messages_survive_a_restart(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Queued SMS are written at once, read back at setup, and sent."""
    smsmode_simulator.add_fault(SEND, Fault.code(50), times=2)
    await _send(hass, entry, message="Alert 1")
    await _send(
        hass, entry, message="Alert 2", scheduled_at="2026-06-15T12:10:00+00:00"
    )
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert smsmode_simulator.messages == {}

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert len(entry.runtime_data.outbox) == 2
    await _tick(hass, freezer)
    texts = sorted(m.text for m in smsmode_simulator.messages.values())
    assert texts == ["Alert 1", "Alert 2"]
    # The second kept its schedule, which had not passed.
    assert sent(smsmode_simulator)[-1]["date_envoi"] == "15062026-14:10"


async def test_schedule_passed_while_waiting_sends_now(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A scheduled time that passed in the outbox is dropped: sent at once."""
    smsmode_simulator.add_fault(SEND, Fault.code(50), times=3)
    await _send(hass, entry, scheduled_at="2026-06-15T10:30:00+00:00")
    for _ in range(4):
        await _tick(hass, freezer)
    assert len(smsmode_simulator.messages) == 1
    assert "date_envoi" not in sent(smsmode_simulator)[-1]


async def test_given_up_after_the_horizon(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Past the horizon the SMS is dropped with `smsmode_send_failed`."""
    freezer.move_to("2026-06-15 10:00:00+00:00")
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_OUTBOX_HORIZON: 1}
    )
    failed = async_capture_events(hass, EVENT_SEND_FAILED)
    smsmode_simulator.add_fault(SEND, Fault.code(50), times=100)
    await _send(hass, entry)
    for _ in range(3):
        await _tick(hass, freezer)
    assert failed == []
    assert len(smsmode_simulator.requests_to(SEND)) == 4
    await _tick(hass, freezer, timedelta(hours=1))
    assert [event.data["reason"] for event in failed] == ["expired"]
    assert failed[0].data["recipients"] == [ALICE[1], BOB[1]]
    assert len(entry.runtime_data.outbox) == 0
    assert _issue(hass, "outbox_stuck", entry) is None
    assert smsmode_simulator.messages == {}


async def test_unloaded_outbox_gives_nothing_up(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Once unloaded, an outbox neither tries nor expires anything: SMS are kept."""
    freezer.move_to("2026-06-15 10:00:00+00:00")
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_OUTBOX_HORIZON: 1}
    )
    failed = async_capture_events(hass, EVENT_SEND_FAILED)
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    await _send(hass, entry)
    outbox = entry.runtime_data.outbox
    assert await hass.config_entries.async_unload(entry.entry_id)
    freezer.tick(timedelta(hours=2))
    await outbox.async_run(early=True)
    assert failed == []
    assert len(outbox) == 1
    assert len(smsmode_simulator.requests_to(SEND)) == 1


async def test_no_sms_passes_the_queue_of_an_unloading_account(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Unloaded with an SMS queued, a new one fails in the open rather than pass it.

    The queued SMS stays in the store for the next setup, which sends it first.
    """
    freezer.move_to("2026-06-15 10:00:00+00:00")
    entry = await async_setup_account(hass, smsmode_simulator)
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    await _send(hass, entry)
    # Midway through the unload: the outbox is shut, the entry not yet gone.
    await entry.runtime_data.outbox.async_shutdown()
    with pytest.raises(HomeAssistantError) as err:
        await async_send_sms(
            hass, entry, SmsRequest(message="Server up", recipients=[ALICE[1]])
        )
    assert err.value.translation_key == "account_unloading"
    assert smsmode_simulator.messages == {}

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await _tick(hass, freezer)
    assert [m.text for m in smsmode_simulator.messages.values()] == ["Server down"]


async def test_send_answered_after_the_unload_still_returns(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Smsmode answers a send after the entry unloaded: the caller gets the result.

    The runtime data is gone by then; nothing is left to follow the SMS, but
    the send is not turned into an error (the SMS went: a retry would double it).
    """
    entry = await async_setup_account(hass, smsmode_simulator)
    smsmode_simulator.add_fault(SEND, Fault.slow(2))
    send = hass.async_create_task(
        async_send_sms(hass, entry, SmsRequest(message="Bye", recipients=[ALICE[1]]))
    )
    async with asyncio.timeout(2):
        # The simulator has no hook to await: look until it has the SMS.
        while not smsmode_simulator.messages:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert not hasattr(entry, "runtime_data")
    result = await send
    (message,) = smsmode_simulator.messages.values()
    assert result.sms_id == message.sms_id


async def test_key_revoked_while_queued(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Code 32 on a retry: reauth starts, the SMS is kept, no retry loop."""
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    smsmode_simulator.add_fault(SEND, Fault.code(32))
    await _send(hass, entry)
    await _tick(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    attempts = len(smsmode_simulator.requests_to(SEND))
    for _ in range(3):
        await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(SEND)) == attempts
    assert len(entry.runtime_data.outbox) == 1

    # A new key reloads the entry: the message goes.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await _tick(hass, freezer)
    assert len(smsmode_simulator.messages) == 1


async def test_credits_exhausted_while_queued(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Code 33 on a retry: failed at once with the out-of-credit issue."""
    failed = async_capture_events(hass, EVENT_SEND_FAILED)
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    smsmode_simulator.add_fault(SEND, Fault.code(33))
    await _send(hass, entry)
    await _tick(hass, freezer)
    assert [event.data["reason"] for event in failed] == ["insufficient_credits"]
    assert _issue(hass, "insufficient_credits", entry) is not None
    assert len(entry.runtime_data.outbox) == 0
    await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(SEND)) == 2


async def test_refused_parameter_while_queued(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Code 35 on a retry: failed, not retried."""
    failed = async_capture_events(hass, EVENT_SEND_FAILED)
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    smsmode_simulator.add_fault(SEND, Fault.code(35))
    await _send(hass, entry)
    await _tick(hass, freezer)
    assert [event.data["reason"] for event in failed] == ["refused"]
    await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(SEND)) == 2


async def test_notify_queues_too(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """notify.smsmode does not fail the automation when smsmode is away."""
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    await hass.services.async_call(
        "notify",
        "smsmode",
        {"message": "Door opened", "target": [ALICE[1]]},
        blocking=True,
    )
    assert len(entry.runtime_data.outbox) == 1
    await _tick(hass, freezer)
    assert [m.text for m in smsmode_simulator.messages.values()] == ["Door opened"]


async def test_full_outbox_drops_the_oldest(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The outbox is bounded: past its size the oldest message is given up."""
    monkeypatch.setattr(outbox_queue, "MAX_QUEUED", 2)
    failed = async_capture_events(hass, EVENT_SEND_FAILED)
    smsmode_simulator.add_fault(SEND, Fault.code(50), times=3)
    for text in ("one", "two", "three"):
        await _send(hass, entry, message=text)
    assert [event.data["reason"] for event in failed] == ["outbox_full"]
    assert hass.states.get(OUTBOX).state == "2"
    # What went out once smsmode took SMS again: the two newest, in order.
    for _ in range(3):
        await _tick(hass, freezer)
    assert [m.text for m in smsmode_simulator.messages.values()] == ["two", "three"]


async def test_removing_the_entry_forgets_its_outbox(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    """The stored outbox goes with the entry."""
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    await _send(hass, entry)
    key = f"{DOMAIN}.{entry.entry_id}.outbox"
    assert len(hass_storage[key]["data"]["items"]) == 1
    stored = hass_storage[key]["data"]["items"][0]["sms"]
    assert stored["numbers"] == [ALICE[1], BOB[1]]
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_unload_waits_for_the_attempt_under_way(
    hass: HomeAssistant, smsmode_simulator: Simulator, hass_storage: dict[str, Any]
) -> None:
    """An unload during a retry ends with the SMS sent and the store saying so.

    The outbox a reload reads must not hold a message the old one is still
    sending, or it could send it again.
    """
    entry = await async_setup_account(hass, smsmode_simulator)
    outbox = entry.runtime_data.outbox
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    await _send(hass, entry)
    (item,) = outbox.queued()
    outbox._queue.async_note(item, next_attempt=0)
    # smsmode takes it at once and answers 2 s late: the unload starts meanwhile
    # (the margin is for a loaded machine; nothing is timed).
    smsmode_simulator.add_fault(SEND, Fault.slow(2))
    run = hass.async_create_task(outbox.async_run())
    async with asyncio.timeout(2):
        # The simulator has no hook to await: look until it has the SMS.
        while not smsmode_simulator.messages:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    assert not run.done()

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert run.done()
    assert len(smsmode_simulator.messages) == 1
    assert hass_storage[f"{DOMAIN}.{entry.entry_id}.outbox"]["data"]["items"] == []


async def test_failed_lookup_keeps_the_outcome_unknown(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A lookup that fails proves nothing: the next attempt looks again."""
    smsmode_simulator.add_fault(SEND, Fault.drop_after())
    smsmode_simulator.add_fault(LIST, Fault.code(50))
    await _send(hass, entry)
    await _tick(hass, freezer)
    (item,) = entry.runtime_data.outbox.queued()
    assert item.outcome_unknown
    await _tick(hass, freezer)
    assert len(smsmode_simulator.requests_to(LIST)) == 2
    assert len(smsmode_simulator.requests_to(SEND)) == 1
    assert len(smsmode_simulator.messages) == 1


async def test_a_longer_text_is_not_this_sms(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A listed SMS whose text only starts like the queued one is another SMS."""
    await _send(hass, entry, message="Server down: disk full")
    smsmode_simulator.add_fault(SEND, Fault.drop_before())
    await _send(hass, entry, message="Server down")
    await _tick(hass, freezer)
    texts = sorted(m.text for m in smsmode_simulator.messages.values())
    assert texts == ["Server down", "Server down: disk full"]


async def test_stop_mention_still_matches(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Smsmode may list the text with its STOP mention: still the same SMS."""
    smsmode_simulator.add_fault(SEND, Fault.drop_after())
    await _send(hass, entry, message="Promo ce week-end", stop="always")
    (message,) = smsmode_simulator.messages.values()
    assert message.text.startswith("Promo ce week-end")
    assert message.text != "Promo ce week-end"  # the STOP mention was added
    await _tick(hass, freezer)
    assert len(smsmode_simulator.messages) == 1
    assert len(entry.runtime_data.outbox) == 0


async def test_rate_limit_wait_is_honoured(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """HTTP 429 asking 10 minutes: nothing is tried before, then the SMS goes.

    Not even for a new SMS, which otherwise makes the outbox try at once: it
    queues behind.
    """
    smsmode_simulator.add_fault(SEND, Fault.http_error(429, retry_after=600))
    response = await _send(hass, entry)
    assert response["queued"] is True
    await _tick(hass, freezer, timedelta(minutes=5))
    assert len(smsmode_simulator.requests_to(SEND)) == 1
    second = await _send(hass, entry, message="Still down")
    assert second["queued"] is True
    assert len(smsmode_simulator.requests_to(SEND)) == 1
    await _tick(hass, freezer, timedelta(minutes=6))
    assert [m.text for m in smsmode_simulator.messages.values()] == [
        "Server down",
        "Still down",
    ]
    assert len(smsmode_simulator.requests_to(SEND)) == 3

    # On a retry too: the next one waits what the 429 asked, not the backoff.
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    await _send(hass, entry)
    smsmode_simulator.add_fault(SEND, Fault.http_error(429, retry_after=1200))
    await _tick(hass, freezer)  # the retry meets the 429
    sends = len(smsmode_simulator.requests_to(SEND))
    await _tick(hass, freezer, timedelta(minutes=15))
    assert len(smsmode_simulator.requests_to(SEND)) == sends
    await _tick(hass, freezer, timedelta(minutes=6))
    assert len(smsmode_simulator.messages) == 3


async def test_unexpected_error_keeps_the_outbox_going(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug in one attempt is logged; the SMS is kept and goes next time."""
    outbox = entry.runtime_data.outbox
    smsmode_simulator.add_fault(SEND, Fault.code(50))
    await _send(hass, entry)
    sender = entry.runtime_data.sender
    deliver = sender.async_deliver
    calls = 0

    async def broken_once(sms: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom")
        return await deliver(sms)

    monkeypatch.setattr(sender, "async_deliver", broken_once)
    await _tick(hass, freezer)
    assert "Unexpected error while sending a queued SMS" in caplog.text
    assert len(outbox) == 1
    await _tick(hass, freezer)
    assert len(smsmode_simulator.messages) == 1
    assert len(outbox) == 0


async def test_key_refused_while_looking_up(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Code 32 on the lookup: reauth, the SMS kept, still to be looked up."""
    smsmode_simulator.add_fault(SEND, Fault.drop_before())
    smsmode_simulator.add_fault(LIST, Fault.code(32))
    await _send(hass, entry)
    await _tick(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    (item,) = entry.runtime_data.outbox.queued()
    assert item.outcome_unknown


async def test_claimed_ids_are_bounded(
    hass: HomeAssistant, entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the newest accepted ids are remembered."""
    monkeypatch.setattr(outbox_queue, "MAX_CLAIMED", 3)
    outbox = entry.runtime_data.outbox
    for sms_id in ("a", "b", "c", "d"):
        outbox.async_claim(sms_id)
    assert list(outbox._queue.claimed) == ["b", "c", "d"]
