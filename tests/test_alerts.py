"""Escalating alerts over HTTP against the simulator, time frozen and stepped."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.const import (
    DOMAIN,
    EVENT_ALERT_ACKNOWLEDGED,
    EVENT_ALERT_ESCALATED,
    EVENT_ALERT_EXHAUSTED,
    EVENT_SEND_FAILED,
)
from custom_components.smsmode.escalation import MAX_OPEN_ALERTS
from smsmode_simulator import Fault, Simulator

from .callback_helpers import async_reply, async_report
from .conftest import CallWebhook
from .sending_helpers import ALICE, BOB, async_setup_account, async_step_time, sent

CAROL = "33611122233"
SMS = "sendSMS.do"
VOICE = "sendVoiceMessage.do"
STEP = timedelta(minutes=5)
SENSOR = "sensor.smsmode_open_alerts"


@pytest.fixture
async def account(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> MockConfigEntry:
    """Return an account with Alice and Bob saved, reply polling off, time frozen.

    Diagnostics come first: they must be set up before the HTTP server starts.
    """
    assert await async_setup_component(hass, "diagnostics", {})
    freezer.move_to("2026-06-15 03:00:00+00:00")
    return await async_setup_account(
        hass,
        smsmode_simulator,
        recipients=[ALICE, BOB],
        options={"reply_poll_interval": 0},
    )


async def _send_alert(
    hass: HomeAssistant, entry: MockConfigEntry, contacts: list[str], **fields: Any
) -> str:
    response = await hass.services.async_call(
        DOMAIN,
        "send_alert",
        {
            "config_entry_id": entry.entry_id,
            "message": "Water leak in the cellar",
            "contacts": contacts,
            **fields,
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    await hass.async_block_till_done()
    return str(response["alert_id"])


def _sms_to(simulator: Simulator, number: str) -> list[dict[str, str]]:
    return [params for params in sent(simulator) if params["numero"] == number]


type Answer = Callable[..., Awaitable[None]]


@pytest.fixture
def answer(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    call_webhook: CallWebhook,
    freezer: FrozenDateTimeFactory,
) -> Answer:
    """Have a number answer (its newest SMS, or `sms_id`), as smsmode calls back.

    The reply fires once smsmode's list has it: within 5 s of the callback.
    """

    async def _answer(text: str, number: str, sms_id: str | None = None) -> None:
        params = await async_reply(smsmode_simulator, text, number, sms_id)
        assert await call_webhook(params) == 200
        await hass.async_block_till_done()
        await async_step_time(hass, freezer, timedelta(seconds=5))

    return _answer


def _messages_to(simulator: Simulator, number: str) -> list[str]:
    """Return the ids of the SMS the simulator took for `number` (not the refused tries)."""
    return [
        m.sms_id
        for m in simulator.messages.values()
        if any(r.number == number for r in m.recipients)
    ]


def _sms_id_to(simulator: Simulator, number: str) -> str:
    """Return the id of the newest SMS the simulator has to `number`."""
    return next(
        m.sms_id
        for m in reversed(list(simulator.messages.values()))
        if any(r.number == number for r in m.recipients)
    )


async def test_acknowledged_at_step_one(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    call_webhook: CallWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Alice answers "ok": acknowledged by her, Bob never gets anything."""
    escalated = async_capture_events(hass, EVENT_ALERT_ESCALATED)
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    alert_id = await _send_alert(hass, account, ["alice", "Bob"])
    (first,) = sent(smsmode_simulator)
    assert first["numero"] == ALICE[1]
    assert first["message"] == "Water leak in the cellar\nReply OK to acknowledge."
    assert first["classe_msg"] == "4"  # replies allowed
    assert [e.data["step"] for e in escalated] == [1]
    assert escalated[0].data["contact"] == "Alice"
    assert escalated[0].data["channel"] == "sms"
    assert hass.states.get(SENSOR).state == "1"
    alerts = hass.states.get(SENSOR).attributes["alerts"]
    assert alerts[0]["alert_id"] == alert_id
    assert alerts[0]["next_step_at"] == "2026-06-15T03:05:00+00:00"

    await async_step_time(hass, freezer, timedelta(minutes=2))
    await answer("ok", ALICE[1])
    assert len(acknowledged) == 1
    data = acknowledged[0].data
    assert (data["alert_id"], data["by"], data["how"]) == (alert_id, "Alice", "sms")
    assert (data["step"], data["after"]) == (1, 120.0)
    assert hass.states.get(SENSOR).state == "0"
    await async_step_time(hass, freezer, timedelta(minutes=30))
    assert _sms_to(smsmode_simulator, BOB[1]) == []
    # Nobody else was reached: no "Acknowledged by" SMS either.
    assert len(sent(smsmode_simulator)) == 1


async def test_acknowledged_at_step_two_tells_those_reached(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    call_webhook: CallWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Alice does not answer; Bob does after 5 min: Alice is told it is handled."""
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    await _send_alert(hass, account, ["Alice", "Bob", CAROL])
    await async_step_time(hass, freezer, STEP - timedelta(seconds=1))
    assert _sms_to(smsmode_simulator, BOB[1]) == []
    await async_step_time(hass, freezer, timedelta(seconds=1))
    assert len(_sms_to(smsmode_simulator, BOB[1])) == 1
    await answer("OK, on my way", BOB[1])
    assert [(e.data["by"], e.data["step"]) for e in acknowledged] == [("Bob", 2)]
    told = _sms_to(smsmode_simulator, ALICE[1])[-1]
    assert told["message"] == "Acknowledged by Bob: Water leak in the cellar"
    await async_step_time(hass, freezer, STEP * 4)
    assert _sms_to(smsmode_simulator, CAROL) == []


async def test_acknowledged_during_the_voice_step(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    call_webhook: CallWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """SMS, then a call to the same person; her answer to the SMS then ends it."""
    escalated = async_capture_events(hass, EVENT_ALERT_ESCALATED)
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    await _send_alert(hass, account, ["Alice", "Bob"], voice_call=True)
    sms_id = _sms_id_to(smsmode_simulator, ALICE[1])
    await async_step_time(hass, freezer, STEP)
    (call,) = sent(smsmode_simulator, VOICE)
    assert call["numero"] == ALICE[1]
    assert call["message"] == (
        "Water leak in the cellar. To acknowledge, answer the SMS with OK."
    )
    assert [(e.data["step"], e.data["channel"]) for e in escalated] == [
        (1, "sms"),
        (2, "voice"),
    ]
    await answer("Ok", ALICE[1], sms_id)
    assert [(e.data["by"], e.data["step"]) for e in acknowledged] == [("Alice", 2)]
    await async_step_time(hass, freezer, STEP * 4)
    assert _sms_to(smsmode_simulator, BOB[1]) == []


async def test_undeliverable_number_is_skipped_at_once(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    call_webhook: CallWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A report "permanent absence" for Alice's SMS: Bob's SMS goes right away."""
    await _send_alert(hass, account, ["Alice", "Bob"])
    sms_id = _sms_id_to(smsmode_simulator, ALICE[1])
    await async_step_time(hass, freezer, timedelta(seconds=20))
    params = await async_report(smsmode_simulator, sms_id, ALICE[1], 3522)
    assert await call_webhook(params) == 200
    await hass.async_block_till_done()
    assert len(_sms_to(smsmode_simulator, BOB[1])) == 1
    # A temporary error on Bob's SMS is no reason to move on.
    bob_sms = _sms_id_to(smsmode_simulator, BOB[1])
    params = await async_report(smsmode_simulator, bob_sms, BOB[1], 3502)
    assert await call_webhook(params) == 200
    await hass.async_block_till_done()
    assert hass.states.get(SENSOR).attributes["alerts"][0]["step"] == 2


async def test_exhausted_after_every_round(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nobody answers two rounds of two: four SMS, then `exhausted`, once."""
    exhausted = async_capture_events(hass, EVENT_ALERT_EXHAUSTED)
    alert_id = await _send_alert(
        hass, account, ["Alice", "Bob"], rounds=2, step_wait={"seconds": 30}
    )
    for _ in range(4):
        await async_step_time(hass, freezer, timedelta(seconds=30))
    assert [p["numero"] for p in sent(smsmode_simulator)] == [
        ALICE[1],
        BOB[1],
        ALICE[1],
        BOB[1],
    ]
    assert len(exhausted) == 1
    assert exhausted[0].data["alert_id"] == alert_id
    assert (exhausted[0].data["steps"], exhausted[0].data["after"]) == (4, 120.0)
    assert hass.states.get(SENSOR).state == "0"
    await async_step_time(hass, freezer, timedelta(minutes=10))
    assert len(sent(smsmode_simulator)) == 4


async def test_cancel_stops_the_chain(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Cancelled: no further step, nobody told, and the id is no longer open."""
    alert_id = await _send_alert(hass, account, ["Alice", "Bob"])
    ids = {"config_entry_id": account.entry_id, "alert_id": alert_id}
    await hass.services.async_call(DOMAIN, "cancel_alert", ids, blocking=True)
    await async_step_time(hass, freezer, STEP * 3)
    assert len(sent(smsmode_simulator)) == 1
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "acknowledge_alert", ids, blocking=True)
    assert err.value.translation_key == "alert_not_open"


async def test_acknowledged_from_the_ui(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: MockUser,
) -> None:
    """The service acknowledges as the user; both people reached are told."""
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    alert_id = await _send_alert(hass, account, ["Alice", "Bob", CAROL])
    await async_step_time(hass, freezer, STEP)
    await hass.services.async_call(
        DOMAIN,
        "acknowledge_alert",
        {"config_entry_id": account.entry_id, "alert_id": alert_id},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()
    data = acknowledged[0].data
    assert (data["by"], data["how"], data["number"]) == (
        hass_admin_user.name,
        "service",
        None,
    )
    told = sent(smsmode_simulator)[-1]
    assert told["numero"] == f"{ALICE[1]},{BOB[1]}"
    assert told["message"].startswith(f"Acknowledged by {hass_admin_user.name}")


async def test_answers_that_do_not_acknowledge(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    call_webhook: CallWebhook,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Another word, a number not in the chain, a forged callback: none counts."""
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    await _send_alert(hass, account, ["Alice"], rounds=2, step_wait={"minutes": 2})
    sms_id = _sms_id_to(smsmode_simulator, ALICE[1])
    await answer("not ok", ALICE[1])
    # Bob is not in the chain, even answering the alert's own SMS.
    await answer("OK", BOB[1], sms_id)
    forged = {
        "responseID": "made-up",
        "emetteur": ALICE[1],
        "message": "OK",
        "smsID": sms_id,
    }
    assert await call_webhook(forged) == 200
    for _ in range(30):
        await async_step_time(hass, freezer, timedelta(seconds=5))
    assert acknowledged == []
    assert len(_sms_to(smsmode_simulator, ALICE[1])) == 2  # the second round went
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, account)
    assert diagnostics["alerts"]["replies_ignored"] == {
        "other_words": 1,
        "not_in_chain": 1,
    }
    assert diagnostics["alerts"]["open"][0]["step"] == 2


async def test_two_alerts_to_one_person_told_apart(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    call_webhook: CallWebhook,
) -> None:
    """Alice answers the freezer's SMS: that alert ends, the leak's goes on."""
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    leak = await _send_alert(hass, account, ["Alice", "Bob"])
    leak_sms = _sms_id_to(smsmode_simulator, ALICE[1])
    freezer_alert = await _send_alert(
        hass, account, ["Alice"], message="The freezer is warm"
    )
    assert freezer_alert != leak
    await answer("ok", ALICE[1])
    assert [e.data["alert_id"] for e in acknowledged] == [freezer_alert]
    alerts = hass.states.get(SENSOR).attributes["alerts"]
    assert [a["alert_id"] for a in alerts] == [leak]
    await answer("OK", ALICE[1], leak_sms)
    assert [e.data["alert_id"] for e in acknowledged] == [freezer_alert, leak]


async def test_restart_resumes_where_it_was(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    call_webhook: CallWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A reload mid-step sends nothing again; the wait counts from the step's start."""
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    alert_id = await _send_alert(hass, account, ["Alice", "Bob", CAROL])
    await async_step_time(hass, freezer, STEP)
    await async_step_time(hass, freezer, timedelta(minutes=2))
    assert len(sent(smsmode_simulator)) == 2  # Alice, then Bob at 03:05
    assert await hass.config_entries.async_reload(account.entry_id)
    await hass.async_block_till_done()
    assert len(sent(smsmode_simulator)) == 2
    alerts = hass.states.get(SENSOR).attributes["alerts"]
    assert (alerts[0]["alert_id"], alerts[0]["step"]) == (alert_id, 2)
    await async_step_time(hass, freezer, timedelta(minutes=2, seconds=59))
    assert _sms_to(smsmode_simulator, CAROL) == []
    await async_step_time(hass, freezer, timedelta(seconds=1))
    assert len(_sms_to(smsmode_simulator, CAROL)) == 1
    # Alice's SMS from before the reload still acknowledges it.
    first_sms = next(iter(smsmode_simulator.messages))
    await answer("ok", ALICE[1], first_sms)
    assert [e.data["by"] for e in acknowledged] == ["Alice"]


async def test_overdue_step_after_a_long_restart(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Down longer than the step: the next step goes at setup, once."""
    await _send_alert(hass, account, ["Alice", "Bob"])
    assert await hass.config_entries.async_unload(account.entry_id)
    freezer.tick(timedelta(minutes=20))
    assert await hass.config_entries.async_setup(account.entry_id)
    await hass.async_block_till_done()
    assert [p["numero"] for p in sent(smsmode_simulator)] == [ALICE[1], BOB[1]]
    await async_step_time(hass, freezer, STEP - timedelta(seconds=1))
    assert hass.states.get(SENSOR).state == "1"
    await async_step_time(hass, freezer, timedelta(seconds=1))
    assert hass.states.get(SENSOR).state == "0"


async def test_steps_go_through_the_outbox_while_smsmode_is_down(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    call_webhook: CallWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Bob's SMS is queued; once it goes, his answer acknowledges the alert."""
    escalated = async_capture_events(hass, EVENT_ALERT_ESCALATED)
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    await _send_alert(hass, account, ["Alice", "Bob"], step_wait={"minutes": 10})
    smsmode_simulator.add_fault(SMS, Fault.http_error(503), times=3)
    await async_step_time(hass, freezer, timedelta(minutes=10))
    assert escalated[-1].data["queued"] is True
    assert escalated[-1].data["sms_id"] is None
    for _ in range(9):
        if _messages_to(smsmode_simulator, BOB[1]):
            break
        await async_step_time(hass, freezer, timedelta(minutes=1))
    assert len(_messages_to(smsmode_simulator, BOB[1])) == 1
    await answer("ok", BOB[1])
    assert [e.data["by"] for e in acknowledged] == ["Bob"]


async def test_critical_steps_pass_the_budget_and_count(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """A daily limit already reached holds no step; each step's parts count."""
    freezer.move_to("2026-06-15 03:00:00+00:00")
    entry = await async_setup_account(
        hass, smsmode_simulator, recipients=[ALICE], options={"daily_limit": 1}
    )
    await _send_alert(hass, entry, ["Alice"], rounds=2, step_wait={"seconds": 30})
    await async_step_time(hass, freezer, timedelta(seconds=30))
    assert len(sent(smsmode_simulator)) == 2
    assert entry.runtime_data.sender.spend.budget.today == 2


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"step_wait": {"seconds": 29}}, "alert_wait_too_short"),
        ({"acknowledge_word": "all good"}, "alert_invalid_word"),
        ({"contacts": ["Alice", ALICE[1]]}, "alert_duplicate_contact"),
        ({"contacts": ["Alice", "Nobody"]}, "invalid_number"),
    ],
)
async def test_bad_alerts_are_refused_and_send_nothing(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    fields: dict[str, Any],
    key: str,
) -> None:
    """Each mistake has its translated error; nothing goes, nothing opens."""
    with pytest.raises(ServiceValidationError) as err:
        await _send_alert(hass, account, fields.pop("contacts", ["Alice"]), **fields)
    assert err.value.translation_key == key
    assert sent(smsmode_simulator) == []
    assert hass.states.get(SENSOR).state == "0"


async def test_first_sms_refused_forgets_the_alert(
    hass: HomeAssistant, account: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """A message too long for one SMS is refused before anything opens."""
    with pytest.raises(ServiceValidationError):
        await _send_alert(hass, account, ["Alice"], message="x" * 2000)
    assert sent(smsmode_simulator) == []
    assert account.runtime_data.escalation.alerts == {}


async def test_same_alert_again_is_the_open_one(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
) -> None:
    """A trigger firing again gets the open alert's id, not a second chain."""
    first = await _send_alert(hass, account, ["Alice", "Bob"])
    assert await _send_alert(hass, account, ["Alice", "Bob"]) == first
    assert len(sent(smsmode_simulator)) == 1
    for n in range(MAX_OPEN_ALERTS - 1):
        await _send_alert(hass, account, ["Alice"], message=f"Alert {n}")
    with pytest.raises(ServiceValidationError) as err:
        await _send_alert(hass, account, ["Alice"], message="One too many")
    assert err.value.translation_key == "too_many_alerts"


async def test_texts_in_the_alert_language(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """`language: fr_fr`: the SMS, the call and "acknowledged by" are in French."""
    await _send_alert(
        hass,
        account,
        ["Alice", "Bob"],
        message="Fuite d'eau à la cave",
        voice_call=True,
        language="fr_fr",
        acknowledge_word="vu",
    )
    assert sent(smsmode_simulator)[0]["message"] == (
        "Fuite d'eau à la cave\nRépondez vu pour acquitter l'alerte."
    )
    await async_step_time(hass, freezer, STEP)
    (call,) = sent(smsmode_simulator, VOICE)
    assert call["language"] == "fr-FR"
    assert call["title"] == "Alerte de Home Assistant."
    assert "répondez vu au SMS" in call["message"]
    await async_step_time(hass, freezer, STEP)
    await answer("VU", BOB[1])
    assert sent(smsmode_simulator)[-1]["message"] == (
        "Alerte acquittée par Bob : Fuite d'eau à la cave"
    )


@pytest.mark.parametrize(
    "fault",
    # smsmode surely without it (code 50); maybe with it (HTTP 503): looked up.
    [Fault.code(50), Fault.http_error(503)],
)
async def test_cancelled_while_a_step_waits_in_the_outbox(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    fault: Fault,
) -> None:
    """Cancelled while Bob's step is queued: smsmode back, Bob gets nothing.

    The queued SMS ends as any queued SMS does, with `smsmode_send_failed`.
    """
    failed = async_capture_events(hass, EVENT_SEND_FAILED)
    alert_id = await _send_alert(hass, account, ["Alice", "Bob"])
    smsmode_simulator.add_fault(SMS, fault, times=3)
    await async_step_time(hass, freezer, STEP)
    assert len(account.runtime_data.outbox) == 1
    ids = {"config_entry_id": account.entry_id, "alert_id": alert_id}
    await hass.services.async_call(DOMAIN, "cancel_alert", ids, blocking=True)
    for _ in range(30):
        await async_step_time(hass, freezer, timedelta(minutes=1))
    assert _messages_to(smsmode_simulator, BOB[1]) == []
    assert len(account.runtime_data.outbox) == 0
    (event,) = failed
    assert event.data["reason"] == "withdrawn"
    assert event.data["ref_client"] == f"alert-{alert_id}-2"  # Bob's step
    assert event.data["may_have_been_sent"] is False


async def test_acknowledged_while_a_later_step_waits_in_the_outbox(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Alice acknowledges while Bob's SMS waits: Bob gets neither it nor "by Alice"."""
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    failed = async_capture_events(hass, EVENT_SEND_FAILED)
    await _send_alert(hass, account, ["Alice", "Bob"])
    smsmode_simulator.add_fault(SMS, Fault.code(50), times=3)
    await async_step_time(hass, freezer, STEP)
    assert len(account.runtime_data.outbox) == 1
    await answer("OK", ALICE[1], _sms_id_to(smsmode_simulator, ALICE[1]))
    assert [e.data["by"] for e in acknowledged] == ["Alice"]
    assert len(account.runtime_data.outbox) == 0
    assert [e.data["reason"] for e in failed] == ["withdrawn"]
    for _ in range(30):
        await async_step_time(hass, freezer, timedelta(minutes=1))
    assert _messages_to(smsmode_simulator, BOB[1]) == []
    assert len(_messages_to(smsmode_simulator, ALICE[1])) == 1


async def test_failed_call_is_reported_and_the_step_waits(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Smsmode refuses the call: the event says why; Bob's SMS comes on time."""
    escalated = async_capture_events(hass, EVENT_ALERT_ESCALATED)
    await _send_alert(hass, account, ["Alice", "Bob"], voice_call=True)
    smsmode_simulator.add_fault(VOICE, Fault.http_error(500))
    await async_step_time(hass, freezer, STEP)
    voice = escalated[-1].data
    assert (voice["channel"], voice["sms_id"]) == ("voice", None)
    assert voice["error"]
    await async_step_time(hass, freezer, STEP - timedelta(seconds=1))
    assert _messages_to(smsmode_simulator, BOB[1]) == []
    await async_step_time(hass, freezer, timedelta(seconds=1))
    assert len(_messages_to(smsmode_simulator, BOB[1])) == 1


async def test_acknowledged_sms_quotes_a_long_alert_short(
    hass: HomeAssistant,
    account: MockConfigEntry,
    answer: Answer,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The "Acknowledged by" SMS quotes at most 60 characters of the alert."""
    message = "The freezer in the garage is at -5 °C and rising " * 3
    await _send_alert(hass, account, ["Alice", "Bob"], message=message)
    await async_step_time(hass, freezer, STEP)
    await answer("ok", BOB[1])
    # Replies allowed, so GSM only: the degree sign did not refuse the alert.
    assert sent(smsmode_simulator)[0]["message"].startswith(
        "The freezer in the garage is at -5 ?C and rising"
    )
    told = sent(smsmode_simulator)[-1]["message"]
    quote = told.removeprefix("Acknowledged by Bob: ")
    assert quote.endswith("...")
    assert len(quote) <= 60
    assert message.startswith(quote.removesuffix("..."))
