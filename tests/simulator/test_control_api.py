"""The `/_sim/` JSON control API."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import NUMBER, RawApi

if TYPE_CHECKING:
    import aiohttp

    from smsmode_simulator import Simulator


async def _control(
    http: aiohttp.ClientSession,
    simulator: Simulator,
    method: str,
    path: str,
    data: dict[str, Any] | None = None,
) -> tuple[int, Any]:
    async with http.request(
        method, f"{simulator.url}/_sim/{path}", json=data
    ) as response:
        return response.status, await response.json()


async def test_state(
    http: aiohttp.ClientSession, api: RawApi, simulator: Simulator
) -> None:
    sms_id = await api.send("Salut", refClient="r1")

    status, state = await _control(http, simulator, "GET", "state")

    assert status == 200
    assert state["url"] == simulator.url
    assert state["api_keys"] == [simulator.api_key]
    assert state["balance"] == 99
    (message,) = state["messages"]
    assert (message["sms_id"], message["text"], message["ref_client"]) == (
        sms_id,
        "Salut",
        "r1",
    )
    assert message["recipients"][0]["number"] == NUMBER
    assert message["recipients"][0]["history"][0]["status"] == 0
    assert state["requests"][0]["endpoint"] == "sendSMS.do"


async def test_advance_and_set_status(
    http: aiohttp.ClientSession, api: RawApi, simulator: Simulator
) -> None:
    sms_id = await api.send()

    assert await _control(http, simulator, "POST", f"messages/{sms_id}/advance") == (
        200,
        {"statuses": {NUMBER: 13}},
    )
    assert await _control(
        http,
        simulator,
        "POST",
        f"messages/{sms_id}/status",
        {"number": NUMBER, "status": 35},
    ) == (200, {"statuses": {NUMBER: 35}})
    status, body = await _control(http, simulator, "POST", "messages/nope/advance")
    assert status == 400
    assert "nope" in body["error"]


async def test_inject_reply(
    http: aiohttp.ClientSession, api: RawApi, simulator: Simulator
) -> None:
    sms_id = await api.send(classe_msg="4")

    status, body = await _control(
        http, simulator, "POST", "replies", {"text": "oui", "sender": NUMBER}
    )

    assert status == 201
    (reply,) = simulator.replies
    assert (body["response_id"], reply.sms_id, reply.text) == (
        reply.response_id,
        sms_id,
        "oui",
    )


async def test_faults(
    http: aiohttp.ClientSession, api: RawApi, simulator: Simulator
) -> None:
    status, pending = await _control(
        http,
        simulator,
        "POST",
        "faults",
        {"endpoint": "credit.do", "kind": "code", "code": 50, "times": 2},
    )
    assert status == 201
    assert pending == {"credit.do": [{"kind": "code", "value": 50}] * 2}
    assert (await api.post("credit.do")).text == "50 | Temporairement inaccessible"

    assert await _control(http, simulator, "DELETE", "faults") == (200, {})
    assert (await api.post("credit.do")).text == "100.0"


@pytest.mark.parametrize(
    "data",
    [
        {"endpoint": "credit.do", "kind": "boom"},
        {"endpoint": "credit.do", "kind": "code", "code": 12},
        {"endpoint": "credit.do", "kind": "code"},
        {"endpoint": "nothing.do", "kind": "drop_before"},
        {"endpoint": "credit.do", "kind": "slow", "seconds": "2"},
    ],
)
async def test_bad_faults_are_400(
    http: aiohttp.ClientSession, simulator: Simulator, data: dict[str, Any]
) -> None:
    status, body = await _control(http, simulator, "POST", "faults", data)

    assert status == 400
    assert body["error"]


async def test_each_fault_kind_can_be_queued(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    for data in (
        {"kind": "http_error", "status": 503},
        {"kind": "slow", "seconds": 1.5},
        {"kind": "drop_before"},
        {"kind": "drop_after"},
    ):
        status, _ = await _control(
            http, simulator, "POST", "faults", {"endpoint": "sendSMS.do", **data}
        )
        assert status == 201

    assert [(f.kind, f.value) for f in simulator.faults.pending()["sendSMS.do"]] == [
        ("http_error", 503),
        ("slow", 1.5),
        ("drop_before", 0),
        ("drop_after", 0),
    ]


async def test_account_settings(
    http: aiohttp.ClientSession, api: RawApi, simulator: Simulator
) -> None:
    assert await _control(
        http,
        simulator,
        "POST",
        "account",
        {
            "balance": 12.5,
            "reply_notification_url": "http://127.0.0.1:9/mo",
            "reply_list_lag_seconds": 20,
        },
    ) == (
        200,
        {
            "balance": 12.5,
            "reply_notification_url": "http://127.0.0.1:9/mo",
            "reply_list_lag_seconds": 20.0,
        },
    )
    assert (await api.post("credit.do")).text == "12.5"
    assert simulator.reply_notification_url == "http://127.0.0.1:9/mo"
    assert simulator.reply_list_lag == timedelta(seconds=20)


async def test_clock(
    http: aiohttp.ClientSession, api: RawApi, simulator: Simulator
) -> None:
    assert await _control(
        http, simulator, "POST", "clock", {"now": "2026-12-21T14:00:00+01:00"}
    ) == (200, {"now": "2026-12-21T14:00:00+01:00"})
    sms_id = await api.send(date_envoi="21122026-15:00")

    status, body = await _control(
        http, simulator, "POST", "clock", {"advance_seconds": 3600}
    )

    assert (status, body) == (200, {"now": "2026-12-21T15:00:00+01:00"})
    assert (await api.post("smsStatus.do", {"smsID": sms_id})).text == "0 | Envoyé"


async def test_invalid_json_is_400(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    async with http.post(f"{simulator.url}/_sim/replies", data=b"{") as response:
        assert response.status == 400
        assert (await response.json())["error"]
