"""Every endpoint but sendSMS.do: reply formats and error codes, over raw HTTP."""

from datetime import datetime, timedelta
import json

import aiohttp
import pytest

from smsmode_simulator import PARIS, MessageKind, Simulator

from .conftest import NUMBER, RawApi

SECOND_NUMBER = "33698765432"


async def test_create_authorisation_returns_a_new_valid_key(
    api: RawApi, simulator: Simulator
) -> None:
    reply = await api.get("createAuthorisation.do", version="2.0")

    data = json.loads(reply.text)
    assert set(data) == {
        "id",
        "accessToken",
        "creationDate",
        "state",
        "expiration",
        "account",
    }
    assert len(data["accessToken"]) == 32
    assert data["account"] == "simulateur"
    assert datetime.fromisoformat(data["creationDate"]).tzinfo is not None
    assert (await api.post("credit.do", key=data["accessToken"])).text == "100.0"
    assert (await api.post("credit.do")).text == "100.0"


async def test_create_authorisation_needs_a_valid_key(api: RawApi) -> None:
    reply = await api.post("createAuthorisation.do", key="nope", version="2.0")

    assert reply.text == "32 | Erreur d'authentification"


async def test_unknown_paths_are_404(api: RawApi) -> None:
    assert (await api.post("createAuthorisation.do")).status == 404
    assert (await api.post("sendSMS.do", version="2.0")).status == 404
    assert (await api.post("nothing.do")).status == 404


async def test_head_is_not_served(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    url = f"{simulator.url}/http/1.6/sendSMS.do?accessToken={simulator.api_key}"
    async with http.head(f"{url}&message=x&numero={NUMBER}") as response:
        assert response.status == 405
    assert not simulator.messages


async def test_credit_is_a_bare_number(api: RawApi, simulator: Simulator) -> None:
    simulator.balance = 212.5

    assert (await api.get("credit.do")).text == "212.5"


async def test_create_sub_account(api: RawApi, simulator: Simulator) -> None:
    fields = {"newPseudo": "filiale", "newPass": "secret", "nom": "Dupond"}

    assert (await api.post("createSubAccount.do", fields)).text == (
        "0 | Création effectuée"
    )
    assert (await api.post("createSubAccount.do", fields)).text == (
        "41 | Identifiant déjà existant"
    )
    sub_account = simulator.account.sub_accounts["filiale"]
    assert (sub_account.password, sub_account.balance) == ("secret", 0)
    assert sub_account.details == {"nom": "Dupond"}


@pytest.mark.parametrize(
    "fields",
    [{"newPseudo": "p" * 51, "newPass": "x"}, {"newPseudo": "p"}, {"newPass": "x"}],
)
async def test_create_sub_account_bad_parameters(
    api: RawApi, fields: dict[str, str]
) -> None:
    reply = await api.post("createSubAccount.do", fields)

    assert reply.text == "35 | Paramètres incorrects"


async def test_credit_transfer(api: RawApi, simulator: Simulator) -> None:
    await api.post("createSubAccount.do", {"newPseudo": "filiale", "newPass": "x"})

    reply = await api.post(
        "creditTransfert.do", {"targetPseudo": "filiale", "creditAmount": "12"}
    )

    assert reply.text == "0 | Transfert effectué"
    assert simulator.balance == 88
    assert simulator.account.sub_accounts["filiale"].balance == 12


@pytest.mark.parametrize(
    ("amount", "target", "expected"),
    [
        ("12.5", "filiale", "35 | Paramètres incorrects"),
        ("0", "filiale", "35 | Paramètres incorrects"),
        ("-3", "filiale", "35 | Paramètres incorrects"),
        ("101", "filiale", "33 | Crédits insuffisants"),
        ("1", "inconnu", "41 | Identifiant inexistant"),
    ],
)
async def test_credit_transfer_refusals(
    api: RawApi, simulator: Simulator, amount: str, target: str, expected: str
) -> None:
    await api.post("createSubAccount.do", {"newPseudo": "filiale", "newPass": "x"})

    reply = await api.post(
        "creditTransfert.do", {"targetPseudo": target, "creditAmount": amount}
    )

    assert reply.text == expected
    assert simulator.balance == 100


async def test_add_contact_creates_missing_groups(
    api: RawApi, simulator: Simulator
) -> None:
    reply = await api.post(
        "addContact.do",
        {
            "nom": "Dupond",
            "prenom": "Jacques",
            "mobile": "0612345678",
            "groupes": "A,B",
        },
    )

    assert reply.text == "0 | Contact ajouté"
    (contact,) = simulator.account.contacts
    assert (contact.first_name, contact.mobile, contact.groups) == (
        "Jacques",
        NUMBER,
        ("A", "B"),
    )
    assert simulator.account.groups == {"A": [NUMBER], "B": [NUMBER]}


async def test_add_contact_needs_name_and_mobile(api: RawApi) -> None:
    reply = await api.post("addContact.do", {"nom": "Dupond"})

    assert reply.text == "35 | Paramètre obligatoire manquant"


async def test_delete_by_id(api: RawApi, simulator: Simulator) -> None:
    sms_id = await api.send()

    assert (await api.post("deleteSMS.do", {"smsID": sms_id})).text == (
        "0 | SMS supprimé"
    )
    assert simulator.messages[sms_id].deleted
    assert (await api.post("deleteSMS.do", {"smsID": sms_id})).text == (
        "61 | SMS non trouvé"
    )
    assert (await api.post("smsStatus.do", {"smsID": sms_id})).text == (
        "61 | smsID invalide"
    )


async def test_delete_by_number_takes_the_most_recent(
    api: RawApi, simulator: Simulator
) -> None:
    older = await api.send(numero=f"{NUMBER},{SECOND_NUMBER}")
    newer = await api.send(numero=NUMBER)
    other = await api.send(numero=SECOND_NUMBER)

    reply = await api.post("deleteSMS.do", {"numero": "0612345678"})

    assert reply.text == "0 | SMS supprimé"
    assert [simulator.messages[i].deleted for i in (older, newer, other)] == [
        False,
        True,
        False,
    ]


async def test_delete_refusals(api: RawApi) -> None:
    assert (await api.post("deleteSMS.do")).text == "35 | Paramètre incorrect"
    assert (await api.post("deleteSMS.do", {"numero": NUMBER})).text == (
        "61 | SMS non trouvé"
    )


async def test_deleting_a_scheduled_sms_gives_its_credits_back(
    api: RawApi, simulator: Simulator
) -> None:
    simulator.clock.set(datetime(2026, 12, 21, 14, 0, tzinfo=PARIS))
    sms_id = await api.send(date_envoi="22122026-09:00")
    assert simulator.balance == 99

    await api.post("deleteSMS.do", {"smsID": sms_id})
    simulator.clock.advance(timedelta(days=2))

    assert simulator.balance == 100
    assert simulator.messages[sms_id].statuses == {NUMBER: 10}


async def test_sms_list_format_and_order(api: RawApi, simulator: Simulator) -> None:
    simulator.clock.set(datetime(2026, 3, 25, 9, 52, tzinfo=PARIS))
    first = await api.send("Premier | avec\nsaut", numero=f"{NUMBER},{SECOND_NUMBER}")
    simulator.clock.advance(timedelta(minutes=1))
    second = await api.send("a" * 200)

    reply = await api.post("smsList.do")

    assert reply.text == (
        f"{second} | 25032026-09:53 | {'a' * 200} | {NUMBER} | 2.0 | 1 |\n"
        f"{first} | 25032026-09:52 | Premier | avec\nsaut | {NUMBER} | 2.0 | 2 |"
    )


async def test_sms_list_paging_and_limits(api: RawApi) -> None:
    ids = [await api.send(f"n{index}") for index in range(5)]

    reply = await api.post("smsList.do", {"start": "1", "offset": "2"})

    assert [line.split(" | ")[0] for line in reply.text.split("\n")] == [
        ids[3],
        ids[2],
    ]
    assert (await api.post("smsList.do", {"offset": "10000"})).text.count("\n") == 4
    assert (await api.post("smsList.do", {"offset": "10001"})).text == (
        "35 | Paramètre incorrect"
    )
    assert (await api.post("smsList.do", {"start": "x"})).text == (
        "35 | Paramètre incorrect"
    )


async def test_sms_list_leaves_deleted_sms_out(api: RawApi) -> None:
    sms_id = await api.send()
    await api.post("deleteSMS.do", {"smsID": sms_id})

    assert (await api.post("smsList.do")).text == ""


async def test_delivery_report_and_status(api: RawApi, simulator: Simulator) -> None:
    sms_id = await api.send(numero=f"{NUMBER},{SECOND_NUMBER}")
    await simulator.set_delivery_status(sms_id, NUMBER, 11)
    await simulator.set_delivery_status(sms_id, SECOND_NUMBER, 13)

    assert (await api.post("compteRendu.do", {"smsID": sms_id})).text == (
        f"{NUMBER} 11 | {SECOND_NUMBER} 13"
    )
    assert (await api.post("smsStatus.do", {"smsID": sms_id})).text == (
        "15 | Partiellement reçu"
    )


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((0, 0), "0 | Envoyé"),
        ((11, 11), "11 | Reçu"),
        ((13, 13), "13 | Délivré"),
        ((13, 34), "12 | Partiellement délivré"),
        ((35, 35), "39 | Erreur réception"),
        ((34, 34), "34 | Erreur routage"),
        ((0, 34), "0 | Envoyé"),
    ],
)
async def test_campaign_status(
    api: RawApi, simulator: Simulator, statuses: tuple[int, int], expected: str
) -> None:
    sms_id = await api.send(numero=f"{NUMBER},{SECOND_NUMBER}")
    for number, status in zip((NUMBER, SECOND_NUMBER), statuses, strict=True):
        await simulator.set_delivery_status(sms_id, number, status)

    assert (await api.post("smsStatus.do", {"smsID": sms_id})).text == expected


async def test_report_and_status_refusals(api: RawApi, simulator: Simulator) -> None:
    assert (await api.post("compteRendu.do")).text == (
        "35 | Paramètre obligatoire manquant"
    )
    assert (await api.post("compteRendu.do", {"smsID": "unknown"})).text == (
        "61 | SMS n'existant pas ou plus"
    )
    assert (await api.post("smsStatus.do")).text == "35 | Paramètre(s) incorrect(s)"
    assert (await api.post("smsStatus.do", key="bad")).text == (
        "32 | Echec d'authentification"
    )


async def test_reports_are_kept_30_days(api: RawApi, simulator: Simulator) -> None:
    sms_id = await api.send()

    simulator.clock.advance(timedelta(days=30, minutes=1))

    assert (await api.post("compteRendu.do", {"smsID": sms_id})).text == (
        "61 | SMS n'existant pas ou plus"
    )


async def test_voice_message(api: RawApi, simulator: Simulator) -> None:
    reply = await api.post(
        "sendVoiceMessage.do",
        {
            "message": b"Rendez-vous \xe0 9 heures",
            "numero": f"{NUMBER},{SECOND_NUMBER}",
            "language": "fr-FR",
        },
    )

    code, description, sms_id = reply.text.split(" | ")
    assert (code, description) == ("0", "Accepté")
    message = simulator.messages[sms_id]
    assert message.kind is MessageKind.VOICE
    assert message.text == "Rendez-vous à 9 heures"
    assert message.title == "Ceci est un message de smsmode"
    assert (message.language, message.cost) == ("fr-FR", 2)
    assert simulator.balance == 98


async def test_voice_message_long_text_costs_one_credit(
    api: RawApi, simulator: Simulator
) -> None:
    reply = await api.post(
        "sendVoiceMessage.do",
        {"message": "a" * 400, "numero": NUMBER, "title": b"Soci\xe9t\xe9"},
    )

    message = simulator.messages[reply.text.split(" | ")[2]]
    assert (message.cost, message.title) == (1, "Société")


@pytest.mark.parametrize(
    "fields",
    [
        {"message": "x", "numero": NUMBER, "language": "it-IT"},
        {"message": "x", "groupe": "Amis"},
        {"numero": NUMBER},
    ],
)
async def test_voice_message_refusals(api: RawApi, fields: dict[str, str]) -> None:
    reply = await api.post("sendVoiceMessage.do", fields)

    assert reply.text == "35 | Paramètre obligatoire manquant"


def _batch(csv: bytes) -> aiohttp.FormData:
    """Build the body of the reference's example: the file alone."""
    form = aiohttp.FormData()
    form.add_field("fichier", csv, filename="f.csv", content_type="text/csv")
    return form


async def _post_batch(
    http: aiohttp.ClientSession,
    simulator: Simulator,
    form: aiohttp.FormData,
    fields: dict[str, str] | None = None,
) -> str:
    """POST to the batch endpoint, its parameters in the query string."""
    async with http.post(
        f"{simulator.url}/http/1.6/sendSMSBatch.do",
        params={"accessToken": simulator.api_key, **(fields or {})},
        data=form,
    ) as response:
        return await response.text()


BATCH_CSV = (
    '"numero","message","emetteur","refClient"\r\n'
    '"0612345678","Ceci est le corps du message 1, test fichier CSV","RDV","ref123"\r\n'
    '33698765432,"Caf\xe9 \xa4 2","","ref456"\r\n'
).encode("latin-1")


async def test_batch_sends_one_sms_per_row(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    text = await _post_batch(
        http, simulator, _batch(BATCH_CSV), {"emetteur": "Defaut", "refClient": "camp"}
    )

    code, _, campaign_id = text.split(" | ")
    assert code == "0"
    message = simulator.messages[campaign_id]
    assert message.kind is MessageKind.BATCH
    rows = [(r.number, r.text, r.sender, r.ref_client) for r in message.recipients]
    assert rows == [
        (NUMBER, "Ceci est le corps du message 1, test fichier CSV", "RDV", "ref123"),
        (SECOND_NUMBER, "Café € 2", "Defaut", "ref456"),
    ]
    assert simulator.balance == 98
    assert simulator.requests[-1].content_type.startswith("multipart/form-data")


async def test_batch_rows_are_cut_and_counted_on_their_own(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    csv = f"numero,message\r\n{NUMBER},{'a' * 200}\r\n{SECOND_NUMBER},court\r\n"

    text = await _post_batch(http, simulator, _batch(csv.encode()), {"nbr_msg": "1"})

    message = simulator.messages[text.split(" | ")[2]]
    assert [r.text for r in message.recipients] == ["a" * 160, "court"]
    assert message.cost == 2


@pytest.mark.parametrize(
    ("csv", "fields"),
    [
        (b"numero,texte\r\n33612345678,x\r\n", {}),
        (b"numero,message\r\n", {}),
        (b"numero,message\r\n33612345678,\r\n", {}),
        (b"numero,message\r\nabc,x\r\n", {}),
        (b"numero,message\r\n33612345678,x\r\n", {"classe_msg": "9"}),
        (b"numero,message,emetteur\r\n33612345678,x,Shop\r\n", {"classe_msg": "4"}),
        (b"numero,message,refClient\r\n33612345678,x," + b"r" * 41 + b"\r\n", {}),
    ],
)
async def test_batch_refusals(
    http: aiohttp.ClientSession,
    simulator: Simulator,
    csv: bytes,
    fields: dict[str, str],
) -> None:
    text = await _post_batch(http, simulator, _batch(csv), fields)

    assert text == "35 | Paramètre obligatoire manquant"
    assert not simulator.messages


async def test_batch_reads_no_form_field_next_to_the_file(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    """Like the reference's example, parameters come from the query string only."""
    csv = f"numero,message\r\n{NUMBER},{'a' * 200}\r\n".encode()
    form = aiohttp.FormData()
    form.add_field("accessToken", simulator.api_key)
    form.add_field("fichier", csv, filename="f.csv", content_type="text/csv")
    async with http.post(
        f"{simulator.url}/http/1.6/sendSMSBatch.do", data=form
    ) as response:
        assert await response.text() == "32 | Erreur d'authentification"

    form = aiohttp.FormData()
    form.add_field("nbr_msg", "1")
    form.add_field("fichier", csv, filename="f.csv", content_type="text/csv")
    text = await _post_batch(http, simulator, form)

    message = simulator.messages[text.split(" | ")[2]]
    assert message.recipients[0].text == "a" * 200  # nbr_msg not read: not cut
    assert message.max_segments == 5


async def test_batch_needs_a_file(api: RawApi) -> None:
    assert (await api.get("sendSMSBatch.do")).text == (
        "35 | Paramètre obligatoire manquant"
    )
