"""The outbox in a running Home Assistant, with smsmode slower than the client."""

import time

from tests_e2e.client import Api, Json, wait_for
from tests_e2e.conftest import Entry

NUMBER = "33611223306"


async def test_smsmode_answering_after_the_timeout_sends_each_alert_once(
    api: Api, entry: Entry
) -> None:
    """The first alert is taken by smsmode only after the client gave up (10 s).

    The first call returns queued at the timeout; the three alerts after it
    return queued at once (no caller waits for the queue); the outbox gives
    smsmode time before it looks the first one up, finds it, and sends the
    others after it: four SMS, each once, in order.
    """
    await api.sim(
        "POST", "/faults", {"endpoint": "sendSMS.do", "kind": "late", "seconds": 12}
    )
    latencies = []
    for number in range(1, 5):
        started = time.monotonic()
        result = await api.call(
            "smsmode",
            "send_sms",
            {
                "config_entry_id": entry.entry_id,
                "recipients": [NUMBER],
                "message": f"Alert {number}",
            },
            return_response=True,
        )
        latencies.append(time.monotonic() - started)
        assert result["service_response"]["queued"] is True
    assert 9 < latencies[0] < 12
    assert max(latencies[1:]) < 1

    async def all_sent() -> list[Json] | None:
        messages = await api.sim_messages_to(NUMBER)
        return messages if len(messages) >= 4 else None

    messages = await wait_for(all_sent, "the four alerts sent", seconds=60)
    assert [m["text"] for m in messages] == [f"Alert {n}" for n in range(1, 5)]
    state = await api.sim("GET", "/state")
    sends = [
        request
        for request in state["requests"]
        if request["endpoint"] == "sendSMS.do"
        and request["params"].get("numero") == NUMBER
    ]
    assert len(sends) == 4
