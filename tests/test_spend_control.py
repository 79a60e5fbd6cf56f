"""Spend control: preview, budgets and their sensors, priority, quiet hours, guard."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.smsmode.const import (
    CONF_DAILY_LIMIT,
    CONF_ENCODING_POLICY,
    CONF_GUARD_PER_HOUR,
    CONF_GUARD_REPEAT_WINDOW,
    CONF_MONTHLY_LIMIT,
    CONF_QUEUE_FAILED_SENDS,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_STOP,
    DOMAIN,
    EVENT_SEND_SCHEDULED,
    EVENT_SEND_SUPPRESSED,
)
from custom_components.smsmode.request import SmsRequest
from custom_components.smsmode.send_guard import SendGuard, context_source
from smsmode_simulator import Fault, Simulator

from .sending_helpers import ALICE, BOB, async_setup_account, async_step_time, sent

ALICE_NUMBER = ALICE[1]
BOB_NUMBER = BOB[1]
# 10:00 in Paris (the tests set Home Assistant's time zone to Paris).
MORNING = "2026-06-15 08:00:00+00:00"


@pytest.fixture(autouse=True)
async def paris(hass: HomeAssistant) -> None:
    """Read quiet hours and days in Paris, where smsmode's users live."""
    await hass.config.async_set_time_zone("Europe/Paris")


async def _call(
    hass: HomeAssistant, entry: MockConfigEntry, service: str, **data: Any
) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


def _issue(
    hass: HomeAssistant, kind: str, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{entry.entry_id}")


def _state(hass: HomeAssistant, key: str) -> str:
    state = hass.states.get(f"sensor.smsmode_sms_parts_sent_{key}")
    assert state is not None
    return state.state


async def test_preview_is_what_the_send_costs(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """The preview's figures are the send's; invalid numbers listed, nothing sent."""
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_STOP: "always"}
    )
    text = "Lave-linge terminé 🧺 " * 6
    preview = await _call(
        hass,
        entry,
        "preview_sms",
        recipients=[ALICE_NUMBER, "06 98 76 54 32", "not a number"],
        message=text,
    )
    assert sent(smsmode_simulator) == []
    assert preview["recipients"] == [ALICE_NUMBER, BOB_NUMBER]
    assert preview["invalid_recipients"] == ["not a number"]
    assert preview["encoding"] == "unicode"
    assert preview["characters"] == len(text)
    assert preview["stop_added"] is True
    assert preview["segments"] == 3
    assert preview["total_segments"] == 6
    assert preview["replaced_characters"] == []
    assert preview["refused_characters"] == []
    assert preview["quiet_hours"] is False
    assert preview["budget"] == {
        "refused": False,
        "limit": None,
        "left_today": None,
        "left_this_month": None,
    }

    response = await _call(
        hass, entry, "send_sms", recipients=[ALICE_NUMBER, BOB_NUMBER], message=text
    )
    assert response["segments"] == preview["segments"]
    assert response["encoding"] == preview["encoding"]
    assert response["recipients"] == preview["recipients"]
    await hass.async_block_till_done()
    assert _state(hass, "today") == str(preview["total_segments"])


async def test_preview_lists_replaced_and_refused_characters(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """gsm_replace says what it replaces; gsm_refuse what the send would refuse."""
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_ENCODING_POLICY: "gsm_replace"}
    )
    preview = await _call(
        hass, entry, "preview_sms", recipients=[ALICE_NUMBER], message="Fête ✓"
    )
    assert preview["replaced_characters"] == ["ê", "✓"]
    assert preview["text"] == "Fete ?"
    assert preview["encoding"] == "gsm7"
    preview = await _call(
        hass,
        entry,
        "preview_sms",
        recipients=[ALICE_NUMBER],
        message="x" * 200,
        max_segments=1,
    )
    assert preview["too_long"] is True

    refusing = await async_setup_account(
        hass,
        smsmode_simulator,
        title="refusing",
        options={CONF_ENCODING_POLICY: "gsm_refuse"},
        webhook_id="f" * 32,
    )
    preview = await _call(
        hass, refusing, "preview_sms", recipients=[ALICE_NUMBER], message="Fête ✓"
    )
    assert preview["refused_characters"] == ["ê", "✓"]


async def test_daily_budget_refuses_and_clears_at_midnight(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Past the limit: translated error, nothing sent or queued, an issue till midnight."""
    freezer.move_to(MORNING)
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_DAILY_LIMIT: 3}
    )
    await _call(
        hass, entry, "send_sms", recipients=[ALICE_NUMBER, BOB_NUMBER], message="Un"
    )
    preview = await _call(
        hass, entry, "preview_sms", recipients=[ALICE_NUMBER, BOB_NUMBER], message="2"
    )
    assert preview["budget"]["refused"] is True
    assert preview["budget"]["limit"] == "daily"
    assert preview["budget"]["left_today"] == 1
    with pytest.raises(HomeAssistantError) as err:
        await _call(
            hass, entry, "send_sms", recipients=[ALICE_NUMBER, BOB_NUMBER], message="2"
        )
    assert err.value.translation_key == "daily_limit_exceeded"
    assert err.value.translation_placeholders == {
        "limit": "3",
        "left": "1",
        "needed": "2",
    }
    assert len(sent(smsmode_simulator)) == 1
    assert len(entry.runtime_data.outbox) == 0
    assert _issue(hass, "daily_limit_reached", entry) is not None

    # A critical SMS always goes, and is counted.
    await _call(
        hass,
        entry,
        "send_sms",
        recipients=[ALICE_NUMBER, BOB_NUMBER],
        message="Alarme",
        priority="critical",
    )
    assert len(sent(smsmode_simulator)) == 2
    assert _state(hass, "today") == "4"

    await async_step_time(hass, freezer, timedelta(hours=14))  # past midnight, Paris
    assert _issue(hass, "daily_limit_reached", entry) is None
    assert _state(hass, "today") == "0"
    assert _state(hass, "this_month") == "4"
    await _call(hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="3")


async def test_monthly_budget_and_counts_kept_across_restarts(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """The counts survive a reload; the month's issue goes on the first."""
    freezer.move_to("2026-06-30 08:00:00+00:00")
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_MONTHLY_LIMIT: 2}
    )
    await _call(hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="Un")
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert _state(hass, "this_month") == "1"
    with pytest.raises(HomeAssistantError) as err:
        await _call(
            hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="x" * 200
        )
    assert err.value.translation_key == "monthly_limit_exceeded"
    assert _issue(hass, "monthly_limit_reached", entry) is not None
    await async_step_time(hass, freezer, timedelta(hours=16))
    assert _issue(hass, "monthly_limit_reached", entry) is None
    assert _state(hass, "this_month") == "0"


async def test_refused_sends_are_not_counted_queued_ones_when_they_go(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """What smsmode refuses costs nothing; a queued SMS counts once it goes."""
    freezer.move_to(MORNING)
    entry = await async_setup_account(hass, smsmode_simulator)
    smsmode_simulator.add_fault("sendSMS.do", Fault.code(35))
    with pytest.raises(HomeAssistantError):
        await _call(hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="Un")
    smsmode_simulator.add_fault("sendSMS.do", Fault.code(50))
    response = await _call(
        hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="Deux"
    )
    assert response["queued"] is True
    assert _state(hass, "today") == "0"
    await async_step_time(hass, freezer, timedelta(minutes=5))
    assert len(entry.runtime_data.outbox) == 0
    assert _state(hass, "today") == "1"


async def test_quiet_hours_schedule_for_their_end(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """In quiet hours an SMS is handed to smsmode for their end; critical goes now."""
    freezer.move_to("2026-06-15 01:00:00+00:00")  # 03:00 in Paris
    entry = await async_setup_account(
        hass,
        smsmode_simulator,
        options={CONF_QUIET_START: "22:00:00", CONF_QUIET_END: "07:30:00"},
    )
    events = async_capture_events(hass, EVENT_SEND_SCHEDULED)
    preview = await _call(
        hass, entry, "preview_sms", recipients=[ALICE_NUMBER], message="Lessive"
    )
    assert preview["quiet_hours"] is True
    assert preview["scheduled_at"] == "2026-06-15T07:30:00+02:00"
    response = await _call(
        hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="Lessive"
    )
    assert response["quiet_hours"] is True
    assert response["scheduled_at"] == "2026-06-15T07:30:00+02:00"
    assert sent(smsmode_simulator)[-1]["date_envoi"] == "15062026-07:30"
    await hass.async_block_till_done()
    assert len(events) == 1
    assert events[0].data["sms_id"] == response["sms_id"]
    assert events[0].data["scheduled_at"] == "2026-06-15T07:30:00+02:00"

    response = await _call(
        hass,
        entry,
        "send_sms",
        recipients=[ALICE_NUMBER],
        message="Fuite d'eau",
        priority="critical",
    )
    assert response["quiet_hours"] is False
    assert "date_envoi" not in sent(smsmode_simulator)[-1]

    # Before midnight, the end is the next morning; after the end, no quiet.
    freezer.move_to("2026-06-15 21:00:00+00:00")  # 23:00
    preview = await _call(
        hass, entry, "preview_sms", recipients=[ALICE_NUMBER], message="Lessive"
    )
    assert preview["scheduled_at"] == "2026-06-16T07:30:00+02:00"
    freezer.move_to("2026-06-15 10:00:00+00:00")  # 12:00
    preview = await _call(
        hass, entry, "preview_sms", recipients=[ALICE_NUMBER], message="Lessive"
    )
    assert preview["quiet_hours"] is False
    assert preview["scheduled_at"] is None


async def test_quiet_hours_within_a_day_and_queued(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """A span within one day; a scheduled SMS queued says so with its outbox id."""
    freezer.move_to("2026-06-15 11:00:00+00:00")  # 13:00 in Paris
    entry = await async_setup_account(
        hass,
        smsmode_simulator,
        options={CONF_QUIET_START: "12:30", CONF_QUIET_END: "14:00"},
    )
    events = async_capture_events(hass, EVENT_SEND_SCHEDULED)
    smsmode_simulator.add_fault("sendSMS.do", Fault.code(50))
    response = await _call(
        hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="Sieste"
    )
    assert response["queued"] is True
    assert response["scheduled_at"] == "2026-06-15T14:00:00+02:00"
    await hass.async_block_till_done()
    assert events[0].data["outbox_id"] == response["outbox_id"]
    assert events[0].data["sms_id"] is None
    freezer.move_to("2026-06-15 12:30:00+00:00")  # 14:30
    preview = await _call(
        hass, entry, "preview_sms", recipients=[ALICE_NUMBER], message="Sieste"
    )
    assert preview["quiet_hours"] is False


async def test_guard_per_recipient_and_hour(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Past N an hour, a recipient gets nothing more; told once, issue named."""
    freezer.move_to(MORNING)
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_GUARD_PER_HOUR: 2}
    )
    hass.states.async_set(
        "automation.washer", "on", {"friendly_name": "Washer"}, context=Context()
    )
    state = hass.states.get("automation.washer")
    assert state is not None
    run = Context(parent_id=state.context.id)
    events = async_capture_events(hass, EVENT_SEND_SUPPRESSED)
    for n in range(2):
        await _call(hass, entry, "send_sms", recipients=[ALICE_NUMBER], message=f"{n}")
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": [ALICE_NUMBER, BOB_NUMBER],
            "message": "2",
        },
        blocking=True,
        return_response=True,
        context=run,
    )
    assert response is not None
    assert response["recipients"] == [BOB_NUMBER]
    assert response["suppressed"] == {ALICE_NUMBER: "rate"}
    assert sent(smsmode_simulator)[-1]["numero"] == BOB_NUMBER
    response = await _call(
        hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="3"
    )
    assert response["sms_id"] is None
    assert response["suppressed"] == {ALICE_NUMBER: "rate"}
    assert len(sent(smsmode_simulator)) == 3
    await hass.async_block_till_done()
    assert len(events) == 1
    assert events[0].data["recipient"] == ALICE_NUMBER
    assert events[0].data["source"] == "Washer (automation.washer)"
    issue = _issue(hass, "sends_suppressed", entry)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["source"] == "Washer (automation.washer)"
    assert issue.translation_placeholders["recipient"] == "…5678"

    # Critical bypasses; the hour over, the issue goes and SMS go again.
    await _call(
        hass,
        entry,
        "send_sms",
        recipients=[ALICE_NUMBER],
        message="Alarme",
        priority="critical",
    )
    assert len(sent(smsmode_simulator)) == 4
    guard = entry.runtime_data.sender.spend.guard
    assert guard.suppressed == {"rate": 2, "repeat": 0}
    await async_step_time(hass, freezer, timedelta(hours=1))
    assert _issue(hass, "sends_suppressed", entry) is None
    await _call(hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="4")
    assert len(sent(smsmode_simulator)) == 5


async def test_guard_repeats_go_once(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """The same text to the same number within the window goes once, then again."""
    freezer.move_to(MORNING)
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_GUARD_REPEAT_WINDOW: 30}
    )
    for _ in range(3):
        await entry.runtime_data.sender.async_send_sms(
            SmsRequest(message="Porte ouverte", recipients=[ALICE_NUMBER])
        )
    assert len(sent(smsmode_simulator)) == 1
    assert entry.runtime_data.sender.spend.guard.suppressed["repeat"] == 2
    await async_step_time(hass, freezer, timedelta(seconds=31))
    await entry.runtime_data.sender.async_send_sms(
        SmsRequest(message="Porte ouverte", recipients=[ALICE_NUMBER])
    )
    assert len(sent(smsmode_simulator)) == 2


async def test_failed_send_is_no_repeat(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """A send smsmode refused is not counted: sending it again is no repeat."""
    entry = await async_setup_account(
        hass,
        smsmode_simulator,
        options={CONF_GUARD_REPEAT_WINDOW: 30, CONF_QUEUE_FAILED_SENDS: False},
    )
    smsmode_simulator.add_fault("sendSMS.do", Fault.code(35))
    with pytest.raises(HomeAssistantError):
        await _call(hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="Un")
    response = await _call(
        hass, entry, "send_sms", recipients=[ALICE_NUMBER], message="Un"
    )
    assert response["suppressed"] == {}


async def test_notify_priority_critical(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """`priority: critical` in notify's data passes the budget."""
    entry = await async_setup_account(
        hass, smsmode_simulator, options={CONF_DAILY_LIMIT: 1}
    )
    await hass.services.async_call(
        "notify",
        "smsmode",
        {"message": "Un", "target": [ALICE_NUMBER]},
        blocking=True,
    )
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            "notify",
            "smsmode",
            {"message": "Deux", "target": [ALICE_NUMBER]},
            blocking=True,
        )
    await hass.services.async_call(
        "notify",
        "smsmode",
        {"message": "Feu", "target": [ALICE_NUMBER], "data": {"priority": "critical"}},
        blocking=True,
    )
    assert len(sent(smsmode_simulator)) == 2
    assert entry.runtime_data.sender.spend.budget.today == 2


async def test_context_source_without_automation(hass: HomeAssistant) -> None:
    """No context, or one no automation or script ran: nobody is named."""
    assert context_source(hass, None) is None
    assert context_source(hass, Context()) is None


async def test_guard_forgets_hours_that_are_over_past_a_thousand_numbers(
    hass: HomeAssistant,
) -> None:
    """Past 1,000 watched numbers, hours that are over are dropped, and rarely.

    What is left is watched until twice its size: a loop over many numbers does
    not sweep the whole set at every send.
    """
    guard = SendGuard(
        hass, MockConfigEntry(domain="smsmode"), per_hour=2, repeat_window=0
    )
    start = dt_util.utcnow()
    many = tuple(f"3361{n:07}" for n in range(1001))
    guard.async_record(many, "Alert", start)
    assert guard.as_dict()["recipients_watched"] == 1001
    later = start + timedelta(minutes=61)
    guard.async_record((ALICE[1],), "Alert", later)
    assert guard.as_dict()["recipients_watched"] == 1
    # A number of the old hour starts a new one: it may send again.
    assert guard.split((many[0], ALICE[1]), "Alert", later) == (
        (many[0], ALICE[1]),
        {},
    )
    guard.async_record((ALICE[1],), "Alert", later)
    assert guard.split((ALICE[1],), "Alert", later) == ((), {ALICE[1]: "rate"})
