"""Inbound replies: injection, responseList.do, reply callbacks."""

from datetime import datetime, timedelta

import pytest

from smsmode_simulator import PARIS, Simulator, SimulatorError

from .conftest import NUMBER, RawApi, params_of

REPLY_URL = "http://127.0.0.1:9/notificationReponse"


async def test_reply_to_a_reply_allowed_sms_is_attached_and_called_back(
    api: RawApi, simulator: Simulator, sent_callbacks: list[str]
) -> None:
    simulator.clock.set(datetime(2013, 1, 1, 12, 22, 33, tzinfo=PARIS))
    sms_id = await api.send(
        numero="0601020304",
        classe_msg="4",
        refClient="monclient123",
        notification_url_reponse=REPLY_URL,
    )

    response_id = await simulator.inject_reply("bonjour", "0601020304")

    assert sent_callbacks == [
        (
            f"{REPLY_URL}?numero=36034&message=bonjour&emetteur=33601020304"
            f"&date_reception=01012013-122233&smsID={sms_id}&refClient=monclient123"
            f"&responseID={response_id}"
        )
    ]
    (reply,) = simulator.replies
    assert (reply.sms_id, reply.sender, reply.recipient) == (
        sms_id,
        "33601020304",
        "36034",
    )


async def test_reply_callback_encodes_the_text_as_utf_8(
    api: RawApi, simulator: Simulator, sent_callbacks: list[str]
) -> None:
    sms_id = await api.send(numero="33601020304", notification_url_reponse=REPLY_URL)

    await simulator.inject_reply("Oui, à 9h ☺", "33601020304", sms_id)

    assert "&message=Oui%2C+%C3%A0+9h+%E2%98%BA&" in sent_callbacks[0]
    assert params_of(simulator.callbacks, "reply")[0]["message"] == "Oui, à 9h ☺"


async def test_unattached_reply_goes_to_the_account_url(
    api: RawApi, simulator: Simulator, sent_callbacks: list[str]
) -> None:
    await api.send(numero="33601020304")  # class 2: no reply expected
    simulator.reply_notification_url = REPLY_URL

    response_id = await simulator.inject_reply("STOP", "33601020304", to="38200")

    (params,) = params_of(simulator.callbacks, "reply")
    assert params == {
        "numero": "38200",
        "message": "STOP",
        "emetteur": "33601020304",
        "date_reception": params["date_reception"],
        "responseID": response_id,
    }


async def test_a_lagging_list_shows_a_reply_after_its_callback(
    api: RawApi, simulator: Simulator, sent_callbacks: list[str]
) -> None:
    simulator.clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=PARIS))
    simulator.reply_list_lag = timedelta(seconds=30)
    sms_id = await api.send(numero="33601020304", notification_url_reponse=REPLY_URL)

    response_id = await simulator.inject_reply("OK", "33601020304", sms_id)

    assert len(sent_callbacks) == 1
    assert (await api.post("responseList.do")).text == ""
    simulator.clock.advance(timedelta(seconds=30))
    assert (await api.post("responseList.do")).text.startswith(f"{response_id} | ")


async def test_no_reply_callback_without_url(
    api: RawApi, simulator: Simulator, sent_callbacks: list[str]
) -> None:
    await simulator.inject_reply("hello", NUMBER)

    assert sent_callbacks == []
    assert len(simulator.replies) == 1


async def test_inject_reply_misuse(simulator: Simulator) -> None:
    with pytest.raises(SimulatorError):
        await simulator.inject_reply("x", NUMBER, "unknown")
    with pytest.raises(SimulatorError):
        await simulator.inject_reply("x", "not a number")
    with pytest.raises(SimulatorError):
        await simulator.inject_reply("x", NUMBER, received_at=datetime(2026, 1, 1))  # noqa: DTZ001


async def test_response_list_format_and_paging(
    api: RawApi, simulator: Simulator
) -> None:
    simulator.clock.set(datetime(2014, 1, 1, 8, 0, tzinfo=PARIS))
    sms_id = await api.send(classe_msg="4")
    ids = []
    for index in range(3):
        simulator.clock.advance(timedelta(minutes=1))
        ids.append(await simulator.inject_reply(f"réponse {index}", NUMBER))

    reply = await api.post("responseList.do")

    assert reply.text.split("\n") == [
        f"{ids[2]} | 01012014-08:03 | {NUMBER} | réponse 2 | 36034 | {sms_id}",
        f"{ids[1]} | 01012014-08:02 | {NUMBER} | réponse 1 | 36034 | {sms_id}",
        f"{ids[0]} | 01012014-08:01 | {NUMBER} | réponse 0 | 36034 | {sms_id}",
    ]
    page = await api.post("responseList.do", {"start": "1", "offset": "1"})
    assert page.text.split(" | ")[0] == ids[1]


async def test_response_list_by_dates_is_inclusive(
    api: RawApi, simulator: Simulator
) -> None:
    for day in (1, 2, 3):
        simulator.clock.set(datetime(2014, 1, day, 0, 0, 30, tzinfo=PARIS))
        await simulator.inject_reply(f"jour {day}", NUMBER)

    reply = await api.post(
        "responseList.do",
        {"startDate": "02012014-00:00", "endDate": "03012014-00:00"},
    )

    assert [line.split(" | ")[3] for line in reply.text.split("\n")] == [
        "jour 3",
        "jour 2",
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"startDate": "01012014-00:00"},
        {"endDate": "01012014-00:00"},
        {"startDate": "01012014-00:00", "endDate": "02012014-00:00", "start": "0"},
        {"startDate": "01012014-00:00", "endDate": "02012014-00:00", "offset": "5"},
        {"startDate": "2014-01-01", "endDate": "02012014-00:00"},
        {"offset": "-1"},
    ],
)
async def test_response_list_refusals(api: RawApi, fields: dict[str, str]) -> None:
    reply = await api.post("responseList.do", fields)

    assert reply.text == "35 | Paramètre incorrect"


async def test_response_list_needs_the_key(api: RawApi) -> None:
    reply = await api.post("responseList.do", key=None)

    assert reply.text == "32 | Erreur d'authentification"
