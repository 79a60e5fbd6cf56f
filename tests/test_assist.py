"""Assist by SMS through the real path: simulator, reply polling, conversation.

Each test sets up a person with a user, Home Assistant's conversation component
and an account whose recipient Alice has Assist on; her replies come back by
reply polling, as for a home smsmode cannot reach.
"""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import intent, issue_registry as ir
from homeassistant.setup import async_setup_component
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
    CONF_ASSIST,
    CONF_ASSIST_AGENT,
    CONF_ASSIST_HOURLY_LIMIT,
    CONF_ASSIST_LANGUAGE,
    CONF_ASSIST_PERSON,
    CONF_ASSIST_SECRET,
    CONF_MAX_SEGMENTS,
    CONF_NUMBER,
    CONF_QUIET_END,
    CONF_QUIET_START,
    DOMAIN,
    EVENT_ALERT_ACKNOWLEDGED,
    EVENT_ASSIST_ANSWERED,
    ISSUE_ASSIST_STOPPED,
    SUBENTRY_TYPE_RECIPIENT,
)
from smsmode_simulator import Fault, Simulator

from .sending_helpers import ALICE, BOB, async_setup_account, async_step_time, sent

OPENING = "Home Assistant here: text me what you need."


def assist_recipient(name: str, number: str, **assist: Any) -> ConfigSubentryData:
    """Build a recipient with Assist on, acting as person.alice unless told so."""
    return ConfigSubentryData(
        data={
            "name": name,
            CONF_NUMBER: number,
            CONF_ASSIST: True,
            CONF_ASSIST_PERSON: "person.alice",
            **assist,
        },
        subentry_type=SUBENTRY_TYPE_RECIPIENT,
        title=name,
        unique_id=number,
    )


async def async_setup_assist(hass: HomeAssistant) -> str:
    """Set up conversations and Alice's person with a user; return the user id."""
    user = await hass.auth.async_create_user("Alice")
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(
        hass,
        "person",
        {"person": [{"id": "alice", "name": "Alice", "user_id": user.id}]},
    )
    return user.id


async def async_alice_account(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    *,
    options: dict[str, Any] | None = None,
    start: bool = True,
    **assist: Any,
) -> MockConfigEntry:
    """Set up an account where Alice has Assist on (and Bob has not).

    Time is frozen to be stepped; with `start`, Alice got the opening SMS.
    """
    freezer.move_to("2026-06-15 10:00:00+00:00")
    await async_setup_assist(hass)
    entry = await async_setup_account(
        hass,
        simulator,
        options=options,
        recipients=[BOB],
        extra=[assist_recipient(*ALICE, **assist)],
    )
    if start:
        await _start(hass, entry, "Alice")
    return entry


@pytest.fixture
async def account(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Alice with Assist on, Bob without, nothing sent yet."""
    return await async_alice_account(hass, smsmode_simulator, freezer, start=False)


async def _start(hass: HomeAssistant, entry: MockConfigEntry, recipient: str) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "start_conversation",
        {"config_entry_id": entry.entry_id, "recipient": recipient},
        blocking=True,
        return_response=True,
    )


async def _text(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    message: str,
    sender: str = ALICE[1],
) -> None:
    """Text back as a person; reply polling reads it within a minute."""
    await simulator.inject_reply(message, sender)
    await async_step_time(hass, freezer, timedelta(minutes=1))


async def test_start_conversation_sends_the_opening(
    hass: HomeAssistant, account: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """The opening SMS goes to the recipient only, replies allowed."""
    response = await _start(hass, account, "Alice")
    (params,) = sent(smsmode_simulator)
    assert params["numero"] == ALICE[1]
    assert params["classe_msg"] == "4"
    assert params["message"] == OPENING
    assert response == {
        "message": OPENING,
        "sms_id": params and response["sms_id"],
        "queued": False,
    }
    assert response["sms_id"]
    # By number too, as stored or as people write it.
    await _start(hass, account, ALICE[1])
    await _start(hass, account, "06 12 34 56 78")
    assert len(sent(smsmode_simulator)) == 3


async def test_start_conversation_in_the_recipient_language(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The opening SMS is in the recipient's Assist language."""
    await async_alice_account(
        hass, smsmode_simulator, freezer, **{CONF_ASSIST_LANGUAGE: "fr"}
    )
    assert sent(smsmode_simulator)[-1]["message"] == (
        "Ici Home Assistant : écrivez-moi ce dont vous avez besoin."
    )


async def test_start_conversation_refused_without_assist(
    hass: HomeAssistant, account: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Bob has no Assist, and nobody is Carol: refused, nothing sent."""
    for recipient in ("Bob", "Carol"):
        with pytest.raises(ServiceValidationError) as err:
            await _start(hass, account, recipient)
        assert err.value.translation_key == "assist_not_enabled"
    assert sent(smsmode_simulator) == []


@pytest.mark.parametrize("message", ["STOP", "Arrêt !"])
async def test_stop_turns_assist_off(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    message: str,
) -> None:
    """STOP turns Assist off for the number, raises an issue, answers nothing."""
    await _start(hass, account, "Alice")
    await _text(hass, freezer, smsmode_simulator, message)
    alice = next(s for s in account.subentries.values() if s.title == "Alice")
    assert alice.data[CONF_ASSIST] is False
    assert alice.data[CONF_ASSIST_PERSON] == "person.alice"
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"{ISSUE_ASSIST_STOPPED}_{account.entry_id}_{alice.subentry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders == {
        "title": account.title,
        "recipient": "Alice",
    }
    assert len(sent(smsmode_simulator)) == 1  # the opening only
    # The entry reloaded with Assist off: the service now refuses her.
    with pytest.raises(ServiceValidationError):
        await _start(hass, account, "Alice")

    # Bob's change reloads the account: the issue stays while Alice's Assist is off.
    bob = next(s for s in account.subentries.values() if s.title == "Bob")
    hass.config_entries.async_update_subentry(account, bob, title="Bob B.")
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is not None
    # Turned on again by the user: the issue goes.
    hass.config_entries.async_update_subentry(
        account, alice, data={**alice.data, CONF_ASSIST: True}
    )
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is None


async def test_stop_issue_goes_with_the_recipient(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A recipient removed after STOP takes its repair issue with it."""
    await _start(hass, account, "Alice")
    await _text(hass, freezer, smsmode_simulator, "STOP")
    alice = next(s for s in account.subentries.values() if s.title == "Alice")
    issue_id = f"{ISSUE_ASSIST_STOPPED}_{account.entry_id}_{alice.subentry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    assert hass.config_entries.async_remove_subentry(account, alice.subentry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


# --- the recipient form ----------------------------------------------------------


async def _recipient_form(
    hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]
) -> Any:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE_RECIPIENT), context={"source": "user"}
    )
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], user_input
    )


async def test_recipient_form_turns_assist_on(
    hass: HomeAssistant, account: MockConfigEntry
) -> None:
    """Assist on, with a person who has a user: stored with the recipient."""
    result = await _recipient_form(
        hass,
        account,
        {
            "name": "Carol",
            CONF_NUMBER: "+33 6 11 22 33 44",
            CONF_ASSIST: True,
            CONF_ASSIST_PERSON: "person.alice",
            CONF_ASSIST_SECRET: "sesame",
            CONF_ASSIST_LANGUAGE: "",
        },
    )
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    carol = next(s for s in account.subentries.values() if s.title == "Carol")
    assert dict(carol.data) == {
        "name": "Carol",
        CONF_NUMBER: "33611223344",
        CONF_ASSIST: True,
        CONF_ASSIST_PERSON: "person.alice",
        CONF_ASSIST_SECRET: "sesame",
    }


async def test_recipient_form_off_by_default(
    hass: HomeAssistant, account: MockConfigEntry
) -> None:
    """Untouched, the form stores a name and a number only."""
    result = await _recipient_form(
        hass, account, {"name": "Carol", CONF_NUMBER: "06 11 22 33 44"}
    )
    assert result["type"] == "create_entry"
    assert result["data"] == {"name": "Carol", CONF_NUMBER: "33611223344"}


@pytest.mark.parametrize("person", [None, "person.nobody", "person.bob"])
async def test_recipient_form_needs_a_person_with_a_user(
    hass: HomeAssistant, account: MockConfigEntry, person: str | None
) -> None:
    """Assist acts as a user: no person, or one without a user, is refused."""
    hass.states.async_set("person.bob", "home", {"user_id": None})
    user_input = {"name": "Carol", CONF_NUMBER: "0611223344", CONF_ASSIST: True}
    if person is not None:
        user_input[CONF_ASSIST_PERSON] = person
    result = await _recipient_form(hass, account, user_input)
    assert result["type"] == "form"
    assert result["errors"] == {CONF_ASSIST_PERSON: "person_without_user"}


async def test_recipient_form_needs_conversations(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Without the conversation component Assist cannot be turned on."""
    entry = await async_setup_account(hass, smsmode_simulator)
    result = await _recipient_form(
        hass,
        entry,
        {"name": "Carol", CONF_NUMBER: "0611223344", CONF_ASSIST: True},
    )
    assert result["type"] == "form"
    assert result["errors"] == {"base": "assist_unavailable"}


# --- answers -----------------------------------------------------------------------


def _answers(simulator: Simulator, number: str = ALICE[1]) -> list[dict[str, str]]:
    """Return the SMS sent to a number after the opening one."""
    return [params for params in sent(simulator) if params["numero"] == number][1:]


async def test_answer_by_sms(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Alice asks; the answer goes to her only, replies allowed; follow-ups go on."""
    events = async_capture_events(hass, EVENT_ASSIST_ANSWERED)
    await _start(hass, account, "Alice")
    await _text(hass, freezer, smsmode_simulator, "what time is it")
    (answer,) = _answers(smsmode_simulator)
    assert answer["classe_msg"] == "4"
    (event,) = events
    assert event.data == {
        "config_entry_id": account.entry_id,
        "recipient": "Alice",
        "number": ALICE[1],
        "message": "what time is it",
        "answer": answer["message"],
        "response_type": "action_done",
        "conversation_id": event.data["conversation_id"],
        "agent_id": "conversation.home_assistant",
        "language": hass.config.language,
        "sms_id": event.data["sms_id"],
        "queued": False,
    }
    assert event.data["sms_id"]
    assert event.data["conversation_id"]

    # A follow-up answers our answer, in the same conversation.
    await _text(hass, freezer, smsmode_simulator, "what time is it now")
    assert len(_answers(smsmode_simulator)) == 2
    assert events[1].data["conversation_id"] == event.data["conversation_id"]
    assert dict(account.runtime_data.assist.refused) == {}


async def test_answers_go_in_quiet_hours(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Quiet hours from 03:01 (local): Alice's answer at 03:02 goes at once.

    The opening, at 03:00, went before them.
    """
    assert str(hass.config.time_zone) == "US/Pacific"  # 10:00 UTC is 03:00
    entry = await async_alice_account(
        hass,
        smsmode_simulator,
        freezer,
        options={CONF_QUIET_START: "03:01:00", CONF_QUIET_END: "07:30:00"},
    )
    await async_step_time(hass, freezer, timedelta(minutes=2))
    preview = await hass.services.async_call(
        DOMAIN,
        "preview_sms",
        {"config_entry_id": entry.entry_id, "recipients": [BOB[1]], "message": "Hi"},
        blocking=True,
        return_response=True,
    )
    assert preview is not None
    assert preview["quiet_hours"] is True  # any other SMS would wait
    await _text(hass, freezer, smsmode_simulator, "what time is it")
    (answer,) = _answers(smsmode_simulator)
    assert "date_envoi" not in answer
    assert dict(entry.runtime_data.assist.refused) == {}


async def _async_send(
    hass: HomeAssistant, entry: MockConfigEntry, number: str, *, reply_allowed: bool
) -> str:
    """Send an SMS of the account's own (not Assist's); return its id."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": [number],
            "message": "Hello",
            "reply_allowed": reply_allowed,
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return str(response["sms_id"])


async def test_no_answer_without_assist(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Bob has no Assist: his reply is an event, never a conversation."""
    await _async_send(hass, account, BOB[1], reply_allowed=True)
    await _text(hass, freezer, smsmode_simulator, "what time is it", BOB[1])
    assert len(sent(smsmode_simulator)) == 1
    assert dict(account.runtime_data.assist.refused) == {}


async def test_only_answers_to_our_sms_to_that_number(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A reply linked to no SMS of ours, to Bob's, or to one without replies: none."""
    to_bob = await _async_send(hass, account, BOB[1], reply_allowed=True)
    no_replies = await _async_send(hass, account, ALICE[1], reply_allowed=False)
    for sms_id in (to_bob, no_replies):
        await smsmode_simulator.inject_reply("what time is it", ALICE[1], sms_id)
        await async_step_time(hass, freezer, timedelta(minutes=1))
    # No SMS allowed Alice to reply: the reply answers nothing.
    await _text(hass, freezer, smsmode_simulator, "what time is it")
    assert len(sent(smsmode_simulator)) == 2
    assert account.runtime_data.assist.refused["not_an_answer"] == 3


async def test_an_answer_to_an_alert_is_not_for_assist(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Alice answers "ok" to an escalating alert: it is acknowledged, not conversed."""
    acknowledged = async_capture_events(hass, EVENT_ALERT_ACKNOWLEDGED)
    await hass.services.async_call(
        DOMAIN,
        "send_alert",
        {
            "config_entry_id": account.entry_id,
            "message": "Water leak",
            "contacts": ["Alice"],
        },
        blocking=True,
    )
    await _text(hass, freezer, smsmode_simulator, "ok")
    assert [e.data["by"] for e in acknowledged] == ["Alice"]
    assert len(sent(smsmode_simulator)) == 1  # the alert; no answer from Assist
    assert account.runtime_data.assist.refused["alert_answer"] == 1


async def test_secret_word(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With a secret word, only messages starting with it are answered."""
    events = async_capture_events(hass, EVENT_ASSIST_ANSWERED)
    entry = await async_alice_account(
        hass, smsmode_simulator, freezer, **{CONF_ASSIST_SECRET: "sesame"}
    )
    await _text(hass, freezer, smsmode_simulator, "what time is it")
    assert _answers(smsmode_simulator) == []
    assert entry.runtime_data.assist.refused["secret"] == 1
    await _text(hass, freezer, smsmode_simulator, "Sesame, what time is it")
    assert len(_answers(smsmode_simulator)) == 1
    assert events[0].data["message"] == "what time is it"


async def test_limit_told_once_then_silence(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Past the hourly limit: one SMS says so, then nothing."""
    entry = await async_alice_account(
        hass, smsmode_simulator, freezer, options={CONF_ASSIST_HOURLY_LIMIT: 2}
    )
    for n in range(5):
        await _text(hass, freezer, smsmode_simulator, f"what time is it {n}")
    answers = _answers(smsmode_simulator)
    assert len(answers) == 3
    assert answers[-1]["message"] == (
        "You have sent Home Assistant too many messages for now: "
        "the next ones get no answer for a while."
    )
    assert entry.runtime_data.assist.refused["limit"] == 3


async def test_never_answers_an_echo_or_our_own_number(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Our own answer coming back, or a message from the account's number: none."""
    await _start(hass, account, "Alice")
    await _text(hass, freezer, smsmode_simulator, OPENING)
    await smsmode_simulator.inject_reply("what time is it", ALICE[1], to=ALICE[1])
    await async_step_time(hass, freezer, timedelta(minutes=1))
    assert _answers(smsmode_simulator) == []
    assert dict(account.runtime_data.assist.refused) == {"echo": 1, "own_number": 1}


@pytest.mark.parametrize(
    ("assist", "reason"),
    [
        ({"assist_agent": "conversation.nobody"}, "no_agent"),
        ({CONF_ASSIST_PERSON: "person.ghost"}, "no_user"),
    ],
)
async def test_agent_or_user_missing(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    assist: dict[str, str],
    reason: str,
) -> None:
    """An agent gone, or a person without a user: no answer, and a warning."""
    entry = await async_alice_account(hass, smsmode_simulator, freezer, **assist)
    await _text(hass, freezer, smsmode_simulator, "what time is it")
    assert _answers(smsmode_simulator) == []
    assert dict(entry.runtime_data.assist.refused) == {reason: 1}
    assert "Assist by SMS" in caplog.text


async def test_answer_queued(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An answer smsmode cannot take now goes to the outbox, and is recorded."""
    events = async_capture_events(hass, EVENT_ASSIST_ANSWERED)
    await _start(hass, account, "Alice")
    smsmode_simulator.add_fault("sendSMS.do", Fault.http_error(503))
    await _text(hass, freezer, smsmode_simulator, "what time is it")
    (event,) = events
    assert event.data["queued"] is True
    assert event.data["sms_id"] is None


async def test_answer_refused(
    hass: HomeAssistant,
    account: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An answer smsmode refuses is counted and logged, not recorded."""
    events = async_capture_events(hass, EVENT_ASSIST_ANSWERED)
    await _start(hass, account, "Alice")
    smsmode_simulator.add_fault("sendSMS.do", Fault.code(33))
    await _text(hass, freezer, smsmode_simulator, "what time is it")
    assert events == []
    assert account.runtime_data.assist.refused["send_failed"] == 1
    assert "the answer could not be sent" in caplog.text


async def test_diagnostics_hide_the_secret_word(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """The secret word never reaches a diagnostics download; refusals are counted."""
    await async_setup_assist(hass)
    assert await async_setup_component(hass, "diagnostics", {})
    entry = await async_setup_account(
        hass,
        smsmode_simulator,
        extra=[assist_recipient(*ALICE, **{CONF_ASSIST_SECRET: "sesame"})],
    )
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    (recipient,) = result["recipients"]
    assert recipient["data"][CONF_ASSIST_SECRET] == "**REDACTED**"
    assert recipient["data"][CONF_ASSIST] is True
    assert result["assist_not_answered"] == {}
    assert "sesame" not in str(result)


CHATTY_ANSWER = "The kitchen\u2019s lights are on. " + " ".join(["All good."] * 60)


class ChattyAgent(conversation.AbstractConversationAgent):
    """An agent that talks as an LLM may: long, with typographic quotes.

    It records what it was asked, to show the SMS prompt reaches it.
    """

    def __init__(self) -> None:
        """Start with nothing asked."""
        self.inputs: list[conversation.ConversationInput] = []

    @property
    def supported_languages(self) -> str:
        """Return every language."""
        return "*"

    async def async_process(
        self, user_input: conversation.ConversationInput
    ) -> conversation.ConversationResult:
        """Answer at length."""
        self.inputs.append(user_input)
        response = intent.IntentResponse(language=user_input.language)
        response.async_set_speech(CHATTY_ANSWER)
        return conversation.ConversationResult(
            response=response, conversation_id="chatty-1"
        )


async def test_long_answer_of_another_agent_cut_to_fit(
    hass: HomeAssistant,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Another agent is asked for short plain text; a long answer is cut to one SMS."""
    agent_entry = MockConfigEntry(domain="chatty")
    agent_entry.add_to_hass(hass)
    agent = ChattyAgent()
    entry = await async_alice_account(
        hass,
        smsmode_simulator,
        freezer,
        options={CONF_MAX_SEGMENTS: 1},
        **{CONF_ASSIST_AGENT: agent_entry.entry_id},
    )
    conversation.async_set_agent(hass, agent_entry, agent)
    await _text(hass, freezer, smsmode_simulator, "how is the kitchen")
    (answer,) = _answers(smsmode_simulator)
    text = answer["message"]
    # GSM only (replies allowed): the typographic quote replaced.
    full = CHATTY_ANSWER.replace("\u2019", "'")
    assert text.endswith("...")
    cut = text.removesuffix("...")
    assert full.startswith(cut)
    assert full[len(cut)] == " "  # after a whole word
    assert 150 < len(text) <= 160
    assert answer["classe_msg"] == "4"
    (asked,) = agent.inputs
    assert asked.text == "how is the kitchen"
    assert asked.context.user_id is not None
    assert asked.extra_system_prompt is not None
    assert "160 characters" in asked.extra_system_prompt
    assert entry.runtime_data.assist.refused == {}


class BrokenAgent(conversation.AbstractConversationAgent):
    """An agent that fails (`HomeAssistantError`) or says nothing."""

    def __init__(self, *, fails: bool) -> None:
        """Fail, or answer with empty speech."""
        self.fails = fails

    @property
    def supported_languages(self) -> str:
        """Return every language."""
        return "*"

    async def async_process(
        self, user_input: conversation.ConversationInput
    ) -> conversation.ConversationResult:
        """Fail or answer nothing."""
        if self.fails:
            raise HomeAssistantError("the model is out of reach")
        response = intent.IntentResponse(language=user_input.language)
        response.async_set_speech("  ")
        return conversation.ConversationResult(response=response)


async def _broken_agent_account(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    *,
    fails: bool,
) -> MockConfigEntry:
    agent_entry = MockConfigEntry(domain="broken")
    agent_entry.add_to_hass(hass)
    entry = await async_alice_account(
        hass, simulator, freezer, **{CONF_ASSIST_AGENT: agent_entry.entry_id}
    )
    conversation.async_set_agent(hass, agent_entry, BrokenAgent(fails=fails))
    return entry


async def test_agent_failing_answers_its_error(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """An agent that fails: the error Assist would show is the answer."""
    events = async_capture_events(hass, EVENT_ASSIST_ANSWERED)
    entry = await _broken_agent_account(hass, smsmode_simulator, freezer, fails=True)
    await _text(hass, freezer, smsmode_simulator, "how is the kitchen")
    (answer,) = _answers(smsmode_simulator)
    assert answer["message"] == "the model is out of reach"
    assert events[0].data["response_type"] == "error"
    assert dict(entry.runtime_data.assist.refused) == {}


async def test_agent_silent_sends_nothing(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """An agent that answers nothing: no SMS, counted as `no_speech`."""
    entry = await _broken_agent_account(hass, smsmode_simulator, freezer, fails=False)
    await _text(hass, freezer, smsmode_simulator, "how is the kitchen")
    assert _answers(smsmode_simulator) == []
    assert dict(entry.runtime_data.assist.refused) == {"no_speech": 1}
