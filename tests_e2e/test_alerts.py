"""An escalating alert in a running Home Assistant, with a real 30 s step.

The contacts are plain numbers (no saved recipient); the second one answers the
way smsmode passes a reply on: the simulator calls the webhook back, and the
integration confirms the reply in smsmode's list before it counts.
"""

import time

from tests_e2e.client import Api, Json, next_event, wait_for
from tests_e2e.conftest import Entry

FIRST = "33611223380"
SECOND = "33611223381"
MESSAGE = "E2E: the freezer is warm"
STEP_WAIT = 30
SENSOR = "sensor.smsmode_open_alerts"


async def _messages_to(api: Api, number: str, count: int) -> list[Json] | None:
    messages = await api.sim_messages_to(number)
    return messages if len(messages) >= count else None


async def _open_alerts(api: Api, count: str) -> Json:
    state = await api.state(SENSOR)
    return state if state is not None and state["state"] == count else None


async def test_second_contact_acknowledges_after_the_first_step(
    api: Api, entry: Entry
) -> None:
    """Nobody answers the first SMS; 30 s later the second contact gets it, says ok.

    The chain ends acknowledged by them, the first contact is told, and the
    open-alerts sensor is back to 0.
    """
    ws = await api.websocket()
    escalated = await ws.subscribe("smsmode_alert_escalated")
    acknowledged = await ws.subscribe("smsmode_alert_acknowledged")
    started = time.monotonic()
    result = await api.call(
        "smsmode",
        "send_alert",
        {
            "config_entry_id": entry.entry_id,
            "message": MESSAGE,
            "contacts": [FIRST, "06 11 22 33 81"],
            "step_wait": {"seconds": STEP_WAIT},
        },
        return_response=True,
    )
    alert_id = result["service_response"]["alert_id"]

    [first] = await wait_for(lambda: _messages_to(api, FIRST, 1), "no first SMS")
    assert first["text"] == f"{MESSAGE}\nReply OK to acknowledge."
    assert first["class"] == 4  # replies allowed
    assert first["reply_notification_url"] == entry.webhook_url
    event = await next_event(escalated, lambda e: e["data"]["alert_id"] == alert_id)
    assert (event["data"]["step"], event["data"]["steps"]) == (1, 2)
    assert event["data"]["sms_id"] == first["sms_id"]
    state = await wait_for(lambda: _open_alerts(api, "1"), "no open alert")
    [open_alert] = state["attributes"]["alerts"]
    assert (open_alert["alert_id"], open_alert["step"]) == (alert_id, 1)
    assert await api.sim_messages_to(SECOND) == []

    # The second step, in real time: 30 s after the first began.
    event = await next_event(
        escalated,
        lambda e: e["data"]["alert_id"] == alert_id,
        seconds=STEP_WAIT + 15,
    )
    assert time.monotonic() - started >= STEP_WAIT - 1
    assert (event["data"]["step"], event["data"]["contact"]) == (2, SECOND)
    [second] = await wait_for(lambda: _messages_to(api, SECOND, 1), "no second SMS")
    assert second["text"] == first["text"]
    assert event["data"]["sms_id"] == second["sms_id"]

    await api.sim(
        "POST",
        "/replies",
        {"text": "ok", "sender": SECOND, "sms_id": second["sms_id"]},
    )
    event = await next_event(acknowledged, lambda e: e["data"]["alert_id"] == alert_id)
    data = event["data"]
    assert (data["by"], data["number"], data["how"]) == (SECOND, SECOND, "sms")
    assert data["step"] == 2
    assert data["after"] >= STEP_WAIT
    assert data["message"] == MESSAGE
    await wait_for(lambda: _open_alerts(api, "0"), "the alert is still open")
    _, told = await wait_for(
        lambda: _messages_to(api, FIRST, 2), "the first contact was not told"
    )
    assert told["text"] == f"Acknowledged by {SECOND}: {MESSAGE}"
    assert len(await api.sim_messages_to(SECOND)) == 1
