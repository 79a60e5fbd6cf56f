"""sendSMS.do over raw HTTP: replies, decoding, cutting, STOP, credits, limits."""

from datetime import datetime, timedelta

import pytest

from smsmode_simulator import PARIS, MessageKind, Simulator

from .conftest import NUMBER, RawApi

SECOND_NUMBER = "33698765432"


async def test_accepted_reply_and_stored_message(
    api: RawApi, simulator: Simulator
) -> None:
    reply = await api.post(
        "sendSMS.do",
        {"message": "Bonjour", "numero": f"0612345678,{SECOND_NUMBER}"},
    )

    assert reply.status == 200
    code, description, sms_id = reply.text.split(" | ")
    assert (code, description) == ("0", "Accepté")
    assert sms_id.isalnum()
    message = simulator.messages[sms_id]
    assert message.kind is MessageKind.SMS
    assert message.message_class == 2
    assert message.text == "Bonjour"
    assert message.numbers == [NUMBER, SECOND_NUMBER]
    assert message.statuses == {NUMBER: 0, SECOND_NUMBER: 0}


async def test_get_works_too(api: RawApi, simulator: Simulator) -> None:
    reply = await api.get("sendSMS.do", {"message": "Salut", "numero": NUMBER})

    sms_id = reply.text.split(" | ")[2]
    assert simulator.messages[sms_id].text == "Salut"
    assert simulator.requests[-1].method == "GET"


@pytest.mark.parametrize("key", [None, "wrong-key"])
async def test_wrong_or_missing_key_is_code_32(
    api: RawApi, simulator: Simulator, key: str | None
) -> None:
    reply = await api.post("sendSMS.do", {"message": "x", "numero": NUMBER}, key=key)

    assert reply.text == "32 | Erreur d'authentification"
    assert not simulator.messages


async def test_request_is_recorded_with_the_key_out_of_the_url(
    api: RawApi, simulator: Simulator
) -> None:
    await api.send("Bonjour")

    (request,) = simulator.requests_to("sendSMS.do")
    assert request.method == "POST"
    assert request.path == "/http/1.6/sendSMS.do"
    assert request.query_string == ""
    assert simulator.api_key not in request.query_string
    assert request.body.startswith(f"accessToken={simulator.api_key}&".encode())
    assert request.content_type == "application/x-www-form-urlencoded"
    assert request.params["message"] == "Bonjour"


@pytest.mark.parametrize(
    ("wire", "stored"),
    [
        (b"\xa4 \x80", "€ €"),  # ISO-8859-15 euro, and the reference's %80
        (b"caf\xe9 \xe0 l'\xe9t\xe9", "café à l'été"),
        ("café".encode(), "caf??"),  # UTF-8 sent where ISO-8859-15 is expected
        (b"\xab ok \xbb", "? ok ?"),  # « » are ISO-8859-15 but not in the list
    ],
)
async def test_class_2_text_is_iso_8859_15_filtered_to_the_gsm_list(
    api: RawApi, simulator: Simulator, wire: bytes, stored: str
) -> None:
    sms_id = await api.send(wire)

    assert simulator.messages[sms_id].text == stored


async def test_class_9_text_is_utf_8(api: RawApi, simulator: Simulator) -> None:
    sms_id = await api.send("☺ « € »".encode(), classe_msg="9")

    assert simulator.messages[sms_id].text == "☺ « € »"
    assert simulator.messages[sms_id].message_class == 9


async def test_class_9_with_iso_8859_15_bytes_is_mangled(
    api: RawApi, simulator: Simulator
) -> None:
    sms_id = await api.send(b"caf\xe9", classe_msg="9")

    assert simulator.messages[sms_id].text == "caf\ufffd"


async def test_class_4_is_decoded_as_iso_8859_15(
    api: RawApi, simulator: Simulator
) -> None:
    sms_id = await api.send(b"R\xe9pondez", classe_msg="4")

    assert simulator.messages[sms_id].text == "Répondez"


@pytest.mark.parametrize(
    ("text", "fields", "segments"),
    [
        ("a" * 160, {}, 1),
        ("a" * 161, {}, 2),
        ("a" * 306, {}, 2),
        ("a" * 307, {}, 3),
        ("€" * 80, {}, 1),
        ("€" * 81, {}, 2),
        ("é" * 70, {"classe_msg": "9"}, 1),
        ("é" * 71, {"classe_msg": "9"}, 2),
        ("😀" * 35, {"classe_msg": "9"}, 1),
        ("😀" * 36, {"classe_msg": "9"}, 2),
    ],
)
async def test_credits_per_segment_and_recipient(
    api: RawApi,
    simulator: Simulator,
    text: str,
    fields: dict[str, str],
    segments: int,
) -> None:
    encoding = "utf-8" if fields else "iso-8859-15"
    sms_id = await api.send(
        text.encode(encoding), numero=f"{NUMBER},{SECOND_NUMBER}", **fields
    )

    message = simulator.messages[sms_id]
    assert message.segments == segments
    assert message.cost == 2 * segments
    assert simulator.balance == 100 - 2 * segments


async def test_nbr_msg_cuts_the_text(api: RawApi, simulator: Simulator) -> None:
    sms_id = await api.send("a" * 400, nbr_msg="2")

    message = simulator.messages[sms_id]
    assert message.text == "a" * 306
    assert (message.segments, message.cost) == (2, 2)


async def test_nbr_msg_is_a_cap_not_a_count(api: RawApi, simulator: Simulator) -> None:
    """A text shorter than the cap goes whole and costs what it takes."""
    sms_id = await api.send("a" * 200, nbr_msg="5")

    message = simulator.messages[sms_id]
    assert message.text == "a" * 200
    assert (message.max_segments, message.segments, message.cost) == (5, 2, 2)


async def test_nbr_msg_cut_counts_double_characters(
    api: RawApi, simulator: Simulator
) -> None:
    sms_id = await api.send(("a" * 159 + "€").encode("iso-8859-15"), nbr_msg="1")

    assert simulator.messages[sms_id].text == "a" * 159


async def test_nbr_msg_cut_in_unicode(api: RawApi, simulator: Simulator) -> None:
    sms_id = await api.send(("☺" * 100).encode(), classe_msg="9", nbr_msg="1")

    assert simulator.messages[sms_id].text == "☺" * 70


async def test_text_is_cut_at_five_sms_by_default(
    api: RawApi, simulator: Simulator
) -> None:
    sms_id = await api.send("a" * 800)

    assert simulator.messages[sms_id].text == "a" * 765


@pytest.mark.parametrize(
    ("length", "stop", "with_mention", "segments"),
    [
        (149, "1", True, 1),
        (150, "1", False, 1),
        (149, "2", True, 1),
        (150, "2", True, 2),
    ],
)
async def test_stop_mention_rule(
    api: RawApi,
    simulator: Simulator,
    *,
    length: int,
    stop: str,
    with_mention: bool,
    segments: int,
) -> None:
    sms_id = await api.send("a" * length, stop=stop)

    message = simulator.messages[sms_id]
    assert message.text == "a" * length + ("\nSTOP 36034" if with_mention else "")
    assert message.segments == segments


async def test_no_stop_mention_by_default(api: RawApi, simulator: Simulator) -> None:
    sms_id = await api.send("Promo")

    assert simulator.messages[sms_id].text == "Promo"


async def test_insufficient_credits_is_33_and_nothing_is_stored(
    api: RawApi, simulator: Simulator
) -> None:
    simulator.balance = 1

    reply = await api.post(
        "sendSMS.do", {"message": "x", "numero": f"{NUMBER},{SECOND_NUMBER}"}
    )

    assert reply.text == "33 | Crédits insuffisants"
    assert not simulator.messages
    assert simulator.balance == 1


def _numbers(count: int) -> str:
    return ",".join(f"336{index:08d}" for index in range(count))


async def test_get_allows_300_recipients(api: RawApi, simulator: Simulator) -> None:
    simulator.balance = 1000

    reply = await api.get("sendSMS.do", {"message": "x", "numero": _numbers(300)})

    assert reply.text.startswith("0 | Accepté | ")


async def test_get_refuses_301_recipients_but_post_does_not(
    api: RawApi, simulator: Simulator
) -> None:
    simulator.balance = 1000
    fields = {"message": "x", "numero": _numbers(301)}

    assert (await api.get("sendSMS.do", fields)).text == (
        "35 | Paramètre obligatoire manquant"
    )
    assert (await api.post("sendSMS.do", fields)).text.startswith("0 | Accepté | ")
    assert len(next(iter(simulator.messages.values())).recipients) == 301


@pytest.mark.parametrize(
    "fields",
    [
        {"numero": NUMBER},
        {"message": "x"},
        {"message": "x", "numero": "+33612345678"},
        {"message": "x", "numero": "06 12 34 56 78"},
        {"message": "x", "numero": NUMBER, "classe_msg": "3"},
        {"message": "x", "numero": NUMBER, "nbr_msg": "0"},
        {"message": "x", "numero": NUMBER, "nbr_msg": "6"},
        {"message": "x", "numero": NUMBER, "stop": "3"},
        {"message": "x", "numero": NUMBER, "emetteur": "TwelveChars1"},
        {"message": "x", "numero": NUMBER, "emetteur": "My Shop"},
        {"message": "x", "numero": NUMBER, "emetteur": "0612345678"},
        {"message": "x", "numero": NUMBER, "emetteur": "Shop", "classe_msg": "4"},
        {"message": "x", "numero": NUMBER, "refClient": "r" * 41},
        {"message": "x", "numero": NUMBER, "date_envoi": "2026-12-21 14:35"},
        {"message": "x", "numero": NUMBER, "notification_url": "not-a-url"},
        {"message": "x", "numero": NUMBER, "groupe": "Amis"},
        {"message": "x", "groupe": "Nobody"},
    ],
)
async def test_invalid_parameters_are_35(
    api: RawApi, simulator: Simulator, fields: dict[str, str]
) -> None:
    reply = await api.post("sendSMS.do", fields)

    assert reply.text == "35 | Paramètre obligatoire manquant"
    assert not simulator.messages


async def test_sender_ref_client_and_urls_are_kept(
    api: RawApi, simulator: Simulator
) -> None:
    sms_id = await api.send(
        emetteur="MaBoutique1",
        refClient="r" * 40,
        notification_url="http://127.0.0.1/dr?a=1",
        notification_url_reponse="https://example.invalid/mo",
    )

    message = simulator.messages[sms_id]
    assert message.sender == "MaBoutique1"
    assert message.ref_client == "r" * 40
    assert message.notification_url == "http://127.0.0.1/dr?a=1"
    assert message.reply_notification_url == "https://example.invalid/mo"


async def test_duplicate_numbers_are_sent_once(
    api: RawApi, simulator: Simulator
) -> None:
    sms_id = await api.send(numero=f"{NUMBER},0612345678,{NUMBER}")

    assert simulator.messages[sms_id].numbers == [NUMBER]
    assert simulator.balance == 99


async def test_group_send_uses_the_contacts_of_the_group(
    api: RawApi, simulator: Simulator
) -> None:
    for name, mobile in (("Dupond", "0612345678"), ("Durand", SECOND_NUMBER)):
        reply = await api.post(
            "addContact.do", {"nom": name, "mobile": mobile, "groupes": "Amis"}
        )
        assert reply.text == "0 | Contact ajouté"

    reply = await api.post("sendSMS.do", {"message": "Salut", "groupe": "Amis"})

    message = simulator.messages[reply.text.split(" | ")[2]]
    assert message.group == "Amis"
    assert message.numbers == [NUMBER, SECOND_NUMBER]


async def test_scheduled_send_waits_for_its_time(
    api: RawApi, simulator: Simulator
) -> None:
    simulator.clock.set(datetime(2026, 12, 21, 14, 0, tzinfo=PARIS))

    sms_id = await api.send(date_envoi="21122026-14:35")

    message = simulator.messages[sms_id]
    assert message.scheduled_at == datetime(2026, 12, 21, 14, 35, tzinfo=PARIS)
    assert message.statuses == {NUMBER: 10}
    assert simulator.balance == 99
    assert (await api.post("smsStatus.do", {"smsID": sms_id})).text == (
        "10 | Envoi programmé"
    )

    simulator.clock.advance(timedelta(minutes=35))

    assert (await api.post("compteRendu.do", {"smsID": sms_id})).text == (f"{NUMBER} 0")
    assert message.recipients[0].history[-1].at == message.scheduled_at


async def test_a_past_send_date_sends_at_once(
    api: RawApi, simulator: Simulator
) -> None:
    simulator.clock.set(datetime(2026, 12, 21, 14, 0, tzinfo=PARIS))

    sms_id = await api.send(date_envoi="21122026-13:59")

    assert simulator.messages[sms_id].scheduled_at is None
    assert simulator.messages[sms_id].statuses == {NUMBER: 0}
