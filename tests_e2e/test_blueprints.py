"""The blueprints of blueprints/automation/smsmode, imported into a running Home Assistant."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from tests_e2e.client import Api, Json, wait_for
from tests_e2e.conftest import BLUEPRINTS, Entry

# Seconds the watched entity must stay down before the alert.
DOWN_FOR = 3
BLUEPRINT_PATHS = sorted(
    f"smsmode/{path.name}" for path in (BLUEPRINTS / "automation" / "smsmode").iterdir()
)

type MakeAutomation = Callable[[str, str, dict[str, Any]], Awaitable[str]]


@pytest.fixture
async def automation(api: Api) -> AsyncIterator[MakeAutomation]:
    """Make automations from blueprints through the config API; delete them after."""
    made: list[str] = []

    async def make(name: str, blueprint: str, inputs: dict[str, Any]) -> str:
        await api.rest(
            "POST",
            f"/api/config/automation/config/{name}",
            {
                "alias": name,
                "description": "",
                "use_blueprint": {"path": blueprint, "input": inputs},
            },
        )
        made.append(name)
        entity_id = f"automation.{name}"

        async def on() -> Json:
            state = await api.state(entity_id)
            return state if state is not None and state["state"] == "on" else None

        await wait_for(on, f"{entity_id} did not turn on")
        return entity_id

    yield make
    for name in made:
        await api.rest("DELETE", f"/api/config/automation/config/{name}")


async def messages_to(api: Api, number: str, count: int) -> list[Json] | None:
    """Return the messages to `number` once there are `count` of them."""
    messages = await api.sim_messages_to(number)
    return messages if len(messages) >= count else None


async def test_blueprints_are_listed(api: Api) -> None:
    """List every blueprint file, with its name and without error."""
    assert len(BLUEPRINT_PATHS) == 5
    ws = await api.websocket()
    listed = await ws.command("blueprint/list", domain="automation")
    for path in BLUEPRINT_PATHS:
        assert path in listed, sorted(listed)
        assert "error" not in listed[path], listed[path]
    names = {listed[path]["metadata"]["name"] for path in BLUEPRINT_PATHS}
    assert names == {
        "SMS alert when an entity goes down and when it recovers",
        "Answer SMS commands",
        "Low smsmode credit warning",
        "Ask by SMS",
        "Escalating alert",
    }


async def test_answer_sms_commands(
    api: Api, entry: Entry, automation: MakeAutomation
) -> None:
    """Answer STATUS from an allowed number, and only from it."""
    await automation(
        "e2e_answer_status",
        "smsmode/answer_sms_commands.yaml",
        {
            "command": "STATUS",
            "answer": "Status OK, {{ states('sensor.smsmode_balance') | int }} credits",
            "allowed_senders": ["06 11 22 33 10"],
        },
    )
    # One SMS people can answer, as the blueprint's description asks.
    result = await api.call(
        "smsmode",
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": ["0611223310"],
            "message": "Reply STATUS for news",
            "reply_allowed": True,
        },
        return_response=True,
    )
    sms_id = result["service_response"]["sms_id"]

    # A stranger's STATUS, a real reply smsmode has: no answer all the same.
    await api.sim("POST", "/replies", {"text": "STATUS", "sender": "33611223399"})
    # The allowed number's, in the simulator: it calls the webhook back.
    await api.sim(
        "POST",
        "/replies",
        {"text": " status ", "sender": "33611223310", "sms_id": sms_id},
    )
    answered = await wait_for(
        lambda: messages_to(api, "33611223310", 2), "no answer to STATUS"
    )
    answer = answered[-1]
    assert answer["text"].startswith("Status OK, ")
    assert answer["text"].endswith(" credits")
    assert answer["class"] == 4  # people can send the next command
    assert answer["reply_notification_url"] == entry.webhook_url
    # Events are handled in order (mode: queued): the stranger's came first.
    assert await api.sim_messages_to("33611223399") == []


async def test_answer_sms_commands_needs_allowed_numbers(api: Api) -> None:
    """No default: an automation without allowed numbers is refused, not saved."""
    body = {
        "alias": "e2e_answer_anyone",
        "description": "",
        "use_blueprint": {
            "path": "smsmode/answer_sms_commands.yaml",
            "input": {"command": "STATUS"},
        },
    }
    answer = await api.rest(
        "POST", "/api/config/automation/config/e2e_answer_anyone", body, expect=400
    )
    assert "allowed_senders" in str(answer)
    assert await api.state("automation.e2e_answer_anyone") is None


async def test_entity_down_alert(api: Api, automation: MakeAutomation) -> None:
    """Alert when the entity stays down, tell when it is back, ignore blips."""
    server = "binary_sensor.e2e_server"

    async def set_state(state: str) -> None:
        await api.rest(
            "POST",
            f"/api/states/{server}",
            {"state": state, "attributes": {"friendly_name": "E2E server"}},
            expect=201 if await api.state(server) is None else 200,
        )

    await set_state("on")
    await automation(
        "e2e_server_down",
        "smsmode/entity_down_alert.yaml",
        {
            "watched_entity": server,
            "down_states": ["off", "unavailable"],
            # Long enough for the blip below (two REST calls) on a loaded machine.
            "down_for": {"hours": 0, "minutes": 0, "seconds": DOWN_FOR},
            "recipients": ["06 11 22 33 20"],
        },
    )
    await set_state("off")
    [alert] = await wait_for(lambda: messages_to(api, "33611223320", 1), "no alert")
    assert alert["text"].startswith("ALERT: E2E server is off since ")
    await set_state("on")
    messages = await wait_for(
        lambda: messages_to(api, "33611223320", 2), "no recovery SMS"
    )
    assert messages[1]["text"].startswith("OK: E2E server is back (on) at ")

    # Down for less than the duration: neither alert nor recovery, even once
    # the duration has gone by.
    await set_state("off")
    await set_state("on")
    await asyncio.sleep(DOWN_FOR + 1)
    assert len(await api.sim_messages_to("33611223320")) == 2


async def test_low_credit_warning(api: Api, automation: MakeAutomation) -> None:
    """Warn by SMS when the balance falls below the threshold."""
    await automation(
        "e2e_low_credit",
        "smsmode/low_credit_warning.yaml",
        {
            "balance_sensor": "sensor.smsmode_balance",
            "threshold": 50,
            "recipients": ["0611223330"],
        },
    )
    try:
        await api.sim("POST", "/account", {"balance": 30.0})
        await api.call(
            "homeassistant", "update_entity", {"entity_id": "sensor.smsmode_balance"}
        )
        # The balance is read at most once per 10 s.
        [warning] = await wait_for(
            lambda: messages_to(api, "33611223330", 1), "no low-credit warning", 30
        )
        assert warning["text"].startswith("smsmode\nsmsmode credit is low: 30")
    finally:
        await api.sim("POST", "/account", {"balance": 100.0})
        await api.call(
            "homeassistant", "update_entity", {"entity_id": "sensor.smsmode_balance"}
        )


async def test_ask_by_sms(api: Api, entry: Entry, automation: MakeAutomation) -> None:
    """Ask, get a word that matches nothing, ask again, act on the answer."""
    await automation(
        "e2e_ask_garage",
        "smsmode/ask_by_sms.yaml",
        {
            "trigger": [
                {
                    "trigger": "state",
                    "entity_id": "input_boolean.garage_open",
                    "to": "on",
                }
            ],
            "account": entry.entry_id,
            "number": "06 11 22 33 70",
            "action_1": [
                {
                    "action": "input_boolean.turn_off",
                    "target": {"entity_id": "input_boolean.garage_open"},
                }
            ],
        },
    )
    await api.call(
        "input_boolean", "turn_on", {"entity_id": "input_boolean.garage_open"}
    )
    question = (
        await wait_for(lambda: messages_to(api, "33611223370", 1), "no question sent")
    )[0]
    assert question["text"].startswith("The garage is open. Reply CLOSE")
    assert question["class"] == 4
    await api.sim(
        "POST",
        "/replies",
        {"text": "maybe", "sender": "33611223370", "sms_id": question["sms_id"]},
    )
    again = (
        await wait_for(lambda: messages_to(api, "33611223370", 2), "no second question")
    )[-1]
    assert again["text"] == "Please answer CLOSE or LEAVE."
    # An answer to the first SMS no longer counts; one to the second does.
    await api.sim(
        "POST",
        "/replies",
        {"text": " Close ", "sender": "33611223370", "sms_id": again["sms_id"]},
    )

    async def closed() -> Json:
        state = await api.state("input_boolean.garage_open")
        return state if state is not None and state["state"] == "off" else None

    await wait_for(closed, "the garage was not closed")
    assert len(await api.sim_messages_to("33611223370")) == 2


async def test_escalating_alert(
    api: Api, entry: Entry, automation: MakeAutomation
) -> None:
    """An event starts the alert; the first contact's "ok" ends it, once."""
    await automation(
        "e2e_escalating_leak",
        "smsmode/escalating_alert.yaml",
        {
            "trigger": [{"trigger": "event", "event_type": "e2e_leak"}],
            "account": entry.entry_id,
            "message": "Leak under the sink ({{ trigger.event.data.where }})",
            "contacts": ["06 11 22 33 90", "33611223391"],
            "step_wait": {"hours": 0, "minutes": 1, "seconds": 0},
        },
    )
    await api.rest("POST", "/api/events/e2e_leak", {"where": "kitchen"})
    # The same trigger again while the alert is open starts nothing.
    await api.rest("POST", "/api/events/e2e_leak", {"where": "kitchen"})
    first = (
        await wait_for(lambda: messages_to(api, "33611223390", 1), "no alert sent")
    )[0]
    assert first["text"] == ("Leak under the sink (kitchen)\nReply OK to acknowledge.")
    assert first["class"] == 4

    async def open_alerts() -> list[Json]:
        state = await api.state("sensor.smsmode_open_alerts")
        assert state is not None
        return [
            alert
            for alert in state["attributes"]["alerts"]
            if alert["message"] == "Leak under the sink (kitchen)"
        ]

    assert len(await open_alerts()) == 1
    await api.sim(
        "POST",
        "/replies",
        {"text": "Ok!", "sender": "33611223390", "sms_id": first["sms_id"]},
    )

    async def acknowledged() -> bool | None:
        return True if not await open_alerts() else None

    await wait_for(acknowledged, "the alert was not acknowledged")
    assert len(await api.sim_messages_to("33611223390")) == 1
    assert await api.sim_messages_to("33611223391") == []
