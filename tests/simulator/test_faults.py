"""Fault injection: provider codes, HTTP errors, slow replies, dropped connections."""

import time

import aiohttp
import pytest

from smsmode_simulator import Fault, Simulator, SimulatorError

from .conftest import FORM, NUMBER, RawApi, encode_form


async def test_code_faults_are_consumed_in_order(
    api: RawApi, simulator: Simulator
) -> None:
    simulator.add_fault("sendSMS.do", Fault.code(50), times=2)
    simulator.add_fault("sendSMS.do", Fault.code(31))
    fields = {"message": "x", "numero": NUMBER}

    replies = [(await api.post("sendSMS.do", fields)).text for _ in range(4)]

    assert replies[:3] == [
        "50 | Temporairement inaccessible",
        "50 | Temporairement inaccessible",
        "31 | Erreur interne",
    ]
    assert replies[3].startswith("0 | Accepté | ")
    assert len(simulator.messages) == 1
    assert len(simulator.requests_to("sendSMS.do")) == 4


@pytest.mark.parametrize(
    ("endpoint", "code", "expected"),
    [
        ("sendSMS.do", 32, "32 | Erreur d'authentification"),
        ("sendSMS.do", 33, "33 | Crédits insuffisants"),
        ("sendSMS.do", 35, "35 | Paramètre obligatoire manquant"),
        ("deleteSMS.do", 61, "61 | SMS non trouvé"),
        ("smsStatus.do", 61, "61 | smsID invalide"),
        ("credit.do", 50, "50 | Temporairement inaccessible"),
    ],
)
async def test_code_faults_use_the_endpoint_wording(
    api: RawApi, simulator: Simulator, endpoint: str, code: int, expected: str
) -> None:
    simulator.add_fault(endpoint, Fault.code(code))

    assert (await api.post(endpoint, {"smsID": "x"})).text == expected


async def test_faults_apply_to_their_endpoint_only(
    api: RawApi, simulator: Simulator
) -> None:
    simulator.add_fault("credit.do", Fault.code(50))

    await api.send()

    assert (await api.post("credit.do")).text.startswith("50 | ")


async def test_http_error(api: RawApi, simulator: Simulator) -> None:
    simulator.add_fault("sendSMS.do", Fault.http_error(500))

    reply = await api.post("sendSMS.do", {"message": "x", "numero": NUMBER})

    assert reply.status == 500
    assert not simulator.messages


async def _post_send(
    http: aiohttp.ClientSession, simulator: Simulator, limit: float | None = None
) -> str:
    body = encode_form(
        {"accessToken": simulator.api_key, "message": "x", "numero": NUMBER}
    )
    async with http.post(
        f"{simulator.url}/http/1.6/sendSMS.do",
        data=body.encode(),
        headers={"Content-Type": FORM},
        timeout=aiohttp.ClientTimeout(total=limit),
    ) as response:
        return await response.text()


async def test_slow_reply_is_processed_then_delayed(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    simulator.add_fault("sendSMS.do", Fault.slow(0.3))

    started = time.monotonic()
    text = await _post_send(http, simulator)

    assert time.monotonic() - started >= 0.3
    assert text.startswith("0 | Accepté | ")


async def test_slow_reply_past_the_client_timeout_was_still_accepted(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    simulator.add_fault("sendSMS.do", Fault.slow(30))

    with pytest.raises(TimeoutError):
        await _post_send(http, simulator, limit=0.2)

    assert len(simulator.messages) == 1


async def test_drop_before_processing_accepts_nothing(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    simulator.add_fault("sendSMS.do", Fault.drop_before())

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await _post_send(http, simulator)

    assert not simulator.messages
    assert simulator.balance == 100


async def test_drop_after_processing_accepts_without_answering(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    simulator.add_fault("sendSMS.do", Fault.drop_after())

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await _post_send(http, simulator)

    assert len(simulator.messages) == 1
    assert simulator.balance == 99


def test_invalid_faults_are_refused(simulator: Simulator) -> None:
    with pytest.raises(ValueError, match="no fault"):
        Fault.code(0)
    with pytest.raises(ValueError, match="HTTP error"):
        Fault.http_error(200)
    with pytest.raises(ValueError, match="positive"):
        Fault.slow(0)
    with pytest.raises(SimulatorError, match="unknown endpoint"):
        simulator.add_fault("sendSms.do", Fault.code(50))
    with pytest.raises(ValueError, match="times"):
        simulator.add_fault("sendSMS.do", Fault.code(50), times=0)
