"""Delivery reports: progression, failing numbers, callbacks, automatic mode."""

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
import pytest

from smsmode_simulator import PARIS, Simulator, SimulatorError

from .conftest import NUMBER, RawApi, params_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

SECOND_NUMBER = "33698765432"
CALLBACK_URL = "http://127.0.0.1:9/compteRendu?source=sms"


async def test_reports_progress_0_13_11(api: RawApi, simulator: Simulator) -> None:
    sms_id = await api.send(numero=f"{NUMBER},{SECOND_NUMBER}")

    assert await simulator.advance_delivery(sms_id) == {NUMBER: 13, SECOND_NUMBER: 13}
    assert (await api.post("compteRendu.do", {"smsID": sms_id})).text == (
        f"{NUMBER} 13 | {SECOND_NUMBER} 13"
    )
    assert await simulator.advance_delivery(sms_id, NUMBER) == {
        NUMBER: 11,
        SECOND_NUMBER: 13,
    }
    assert await simulator.advance_delivery(sms_id) == {NUMBER: 11, SECOND_NUMBER: 11}
    assert await simulator.advance_delivery(sms_id) == {NUMBER: 11, SECOND_NUMBER: 11}
    assert (await api.post("smsStatus.do", {"smsID": sms_id})).text == "11 | Reçu"


@pytest.mark.parametrize(
    ("number", "path"),
    [
        ("33600000034", [34, 34]),
        ("33600000035", [13, 35, 35]),
        ("33600000013", [13, 13]),
    ],
)
async def test_numbers_with_a_failing_pattern(
    api: RawApi, simulator: Simulator, number: str, path: list[int]
) -> None:
    sms_id = await api.send(numero=number)

    assert [(await simulator.advance_delivery(sms_id))[number] for _ in path] == path


async def test_voice_messages_are_listened(api: RawApi, simulator: Simulator) -> None:
    reply = await api.post("sendVoiceMessage.do", {"message": "x", "numero": NUMBER})
    sms_id = reply.text.split(" | ")[2]

    assert await simulator.advance_delivery(sms_id) == {NUMBER: 16}


async def test_callbacks_carry_the_reference_parameters(
    api: RawApi, simulator: Simulator, sent_callbacks: list[str]
) -> None:
    simulator.clock.set(datetime(2010, 3, 25, 9, 52, 17, tzinfo=PARIS))
    sms_id = await api.send(
        "a" * 200, notification_url=CALLBACK_URL, refClient="12azer34"
    )

    await simulator.advance_delivery(sms_id)

    assert sent_callbacks == [
        (
            f"{CALLBACK_URL}&numero={NUMBER}&date_reception=2010-03-25+09%3A52%3A17"
            f"&statut=13&smsID={sms_id}&refClient=12azer34&mcc_mnc=20801&cost=2"
        )
    ]
    (record,) = simulator.callbacks
    assert (record.kind, record.status, record.url) == (
        "delivery",
        200,
        sent_callbacks[0],
    )


async def test_callbacks_leave_ref_client_out_when_none_was_sent(
    api: RawApi, simulator: Simulator, sent_callbacks: list[str]
) -> None:
    sms_id = await api.send(notification_url="http://127.0.0.1:9/cr")

    await simulator.advance_delivery(sms_id)
    await simulator.advance_delivery(sms_id)

    params = params_of(simulator.callbacks, "delivery")
    assert [p["statut"] for p in params] == ["13", "11"]
    assert list(params[0]) == [
        "numero",
        "date_reception",
        "statut",
        "smsID",
        "mcc_mnc",
        "cost",
    ]


async def test_no_callback_without_notification_url(
    api: RawApi, simulator: Simulator, sent_callbacks: list[str]
) -> None:
    sms_id = await api.send()

    await simulator.advance_delivery(sms_id)

    assert sent_callbacks == []


async def test_set_delivery_status_reports_any_code(
    api: RawApi, simulator: Simulator, sent_callbacks: list[str]
) -> None:
    sms_id = await api.send(
        numero=f"{NUMBER},{SECOND_NUMBER}", notification_url="http://127.0.0.1:9/cr"
    )

    await simulator.set_delivery_status(sms_id, "0698765432", 3999)

    assert simulator.messages[sms_id].statuses == {NUMBER: 0, SECOND_NUMBER: 3999}
    assert params_of(simulator.callbacks, "delivery")[0]["numero"] == SECOND_NUMBER
    # A status off the normal path ends the progression.
    assert (await simulator.advance_delivery(sms_id))[SECOND_NUMBER] == 3999


async def test_misuse_raises(api: RawApi, simulator: Simulator) -> None:
    simulator.clock.set(datetime(2026, 12, 21, 14, 0, tzinfo=PARIS))
    scheduled = await api.send(date_envoi="21122026-15:00")

    with pytest.raises(SimulatorError, match="scheduled"):
        await simulator.advance_delivery(scheduled)
    with pytest.raises(SimulatorError, match="no message"):
        await simulator.advance_delivery("unknown")
    with pytest.raises(SimulatorError, match="not a recipient"):
        await simulator.set_delivery_status(scheduled, SECOND_NUMBER, 11)


async def test_failed_callbacks_are_recorded(api: RawApi, simulator: Simulator) -> None:
    async def refuse(url: str) -> int:
        raise aiohttp.ClientConnectionError("refused")

    simulator.callback_transport = refuse
    sms_id = await api.send(notification_url="http://127.0.0.1:9/cr")

    await simulator.advance_delivery(sms_id)

    (record,) = simulator.callbacks
    assert record.status is None
    assert "refused" in (record.error or "")


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[tuple[str, list[str]]]:
    """Serve on 127.0.0.1 and record the query strings received."""
    received: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        received.append(request.rel_url.raw_query_string)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_get("/cr", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/cr", received
    finally:
        await runner.cleanup()


async def test_default_transport_is_a_real_get(
    api: RawApi, simulator: Simulator, receiver: tuple[str, list[str]]
) -> None:
    url, received = receiver
    sms_id = await api.send(notification_url=url, refClient="ref")

    await simulator.advance_delivery(sms_id)

    (query,) = received
    assert dict(parse_qsl(query))["refClient"] == "ref"
    assert simulator.callbacks[0].url == f"{url}?{query}"
    assert simulator.callbacks[0].status == 204


async def test_automatic_delivery(http: aiohttp.ClientSession) -> None:
    received = asyncio.Event()

    async def accept(url: str) -> int:
        if "statut=11" in url:
            received.set()
        return 200

    async with Simulator(auto_delivery_delay=0.05) as simulator:
        simulator.callback_transport = accept
        api = RawApi(http, simulator)
        sms_id = await api.send(notification_url="http://127.0.0.1:9/cr")

        async with asyncio.timeout(5):
            await received.wait()

    assert simulator.messages[sms_id].statuses == {NUMBER: 11}

    assert [p["statut"] for p in params_of(simulator.callbacks, "delivery")] == [
        "13",
        "11",
    ]
