"""Assist by SMS in a running Home Assistant: a text turns a light on.

The recipient acts as the onboarded owner (its person); the kitchen light is a
template light of config/configuration.yaml, exposed to Assist as new lights are.
Replies come the way smsmode sends them: the simulator calls the webhook back.
"""

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from tests_e2e.client import Api, Json, next_event, wait_for
from tests_e2e.conftest import Entry

PARIS = ZoneInfo("Europe/Paris")
LIGHT = "light.kitchen_light"
ASSIST_NUMBER = "33611223360"
OTHER_NUMBER = "33611223361"
# How long a number without Assist is watched for an answer that must not come.
QUIET = 3.0


async def _messages_to(api: Api, number: str) -> list[Json] | None:
    return await api.sim_messages_to(number) or None


async def _add_assist_recipient(api: Api, entry: Entry) -> None:
    """Add Dana through the subentry flow, Assist on, acting as the owner."""
    owner = await api.state("person.test_owner")
    assert owner is not None
    assert owner["attributes"]["user_id"]
    form = await api.rest(
        "POST",
        "/api/config/config_entries/subentries/flow",
        {"handler": [entry.entry_id, "recipient"]},
    )
    assert "assist" in {field["name"] for field in form["data_schema"]}
    result = await api.rest(
        "POST",
        f"/api/config/config_entries/subentries/flow/{form['flow_id']}",
        {
            "name": "Dana",
            "number": "06 11 22 33 60",
            "assist": True,
            "assist_person": "person.test_owner",
        },
    )
    assert result["type"] == "create_entry", result

    async def loaded() -> Json:
        state = await api.state("notify.dana_sms")
        return state if state is not None and state["state"] != "unavailable" else None

    await wait_for(loaded, "the account did not reload with the recipient")


async def test_a_text_turns_on_the_kitchen_light(api: Api, entry: Entry) -> None:
    """Dana asks by SMS: the light turns on and the answer comes back by SMS.

    A number without Assist asking gets nothing, nor does a forged reply in
    Dana's name (a callback smsmode's reply list does not have), and the light
    stays on.
    """
    await _add_assist_recipient(api, entry)
    light = await api.state(LIGHT)
    assert light is not None
    assert light["state"] != "on"
    await api.call(
        "smsmode",
        "start_conversation",
        {"config_entry_id": entry.entry_id, "recipient": "Dana"},
    )
    [opening] = await wait_for(
        lambda: _messages_to(api, ASSIST_NUMBER), "no opening SMS"
    )
    assert opening["text"] == "Home Assistant here: text me what you need."

    ws = await api.websocket()
    answered = await ws.subscribe("smsmode_assist_answered")
    received = await ws.subscribe("smsmode_message_received")
    await api.sim(
        "POST",
        "/replies",
        {"text": "turn on the kitchen light", "sender": ASSIST_NUMBER},
    )
    event = await next_event(answered)
    assert event["data"]["number"] == ASSIST_NUMBER
    assert event["data"]["recipient"] == "Dana"
    assert event["data"]["message"] == "turn on the kitchen light"
    assert event["data"]["response_type"] == "action_done"

    async def light_on() -> Json:
        state = await api.state(LIGHT)
        return state if state is not None and state["state"] == "on" else None

    await wait_for(light_on, "the kitchen light did not turn on")

    async def answer() -> Json:
        messages = await api.sim_messages_to(ASSIST_NUMBER)
        return messages if len(messages) == 2 else None

    messages = await wait_for(answer, "the answer SMS did not reach the simulator")
    texts = {message["text"] for message in messages}
    assert event["data"]["answer"] in texts

    # A number without Assist, answering an SMS it was sent: an event, no answer.
    await api.call(
        "smsmode",
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": [OTHER_NUMBER],
            "message": "Anything to say?",
            "reply_allowed": True,
        },
    )
    await api.sim(
        "POST",
        "/replies",
        {"text": "turn off the kitchen light", "sender": OTHER_NUMBER},
    )
    await next_event(received, lambda e: e["data"]["sender"] == OTHER_NUMBER)

    # Forged in Dana's name, answering our real answer: smsmode never had it.
    forged = {
        "numero": "36034",
        "message": "turn off the kitchen light",
        "emetteur": ASSIST_NUMBER,
        "date_reception": datetime.now(PARIS).strftime("%d%m%Y-%H%M%S"),
        "smsID": event["data"]["sms_id"],
        "responseID": "e2e-forged-assist",
    }
    assert await api.webhook(entry.webhook_path, forged) == 200
    await asyncio.sleep(QUIET)
    assert len(await api.sim_messages_to(OTHER_NUMBER)) == 1
    assert len(await api.sim_messages_to(ASSIST_NUMBER)) == 2
    assert received.empty()
    light = await api.state(LIGHT)
    assert light is not None
    assert light["state"] == "on"
