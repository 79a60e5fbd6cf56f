"""The client over real HTTP against the local simulator: every endpoint and error.

The simulator decodes requests the way smsmode does (written from the reference,
not from this client), so "what it decoded equals what was sent" checks the wire.
"""

from datetime import UTC, date, datetime, timedelta
import logging

import aiohttp
import pytest

from aiosmsmode import (
    MAX_SEGMENTS,
    BatchMessage,
    DeliveryReportEntry,
    Encoding,
    MessageStatus,
    SmsmodeApiError,
    SmsmodeAuthenticationError,
    SmsmodeClient,
    SmsmodeConnectionError,
    SmsmodeError,
    SmsmodeIdentifierError,
    SmsmodeInsufficientCreditsError,
    SmsmodeInternalError,
    SmsmodeInvalidParameterError,
    SmsmodeInvalidScheduleError,
    SmsmodeNotFoundError,
    SmsmodeUnavailableError,
    SmsStatus,
    StopMode,
    analyse,
)
from aiosmsmode.message import GSM_CHARACTERS, GSM_DOUBLE_CHARACTERS
from smsmode_simulator import Fault, MessageKind, Simulator

from .test_message import NON_GSM_TEXTS

NUMBER = "33612345678"
OTHER = "33698765432"
STOP_MENTION = "\nSTOP 36034"
ERRORS: dict[int, type[SmsmodeApiError]] = {
    31: SmsmodeInternalError,
    32: SmsmodeAuthenticationError,
    33: SmsmodeInsufficientCreditsError,
    35: SmsmodeInvalidParameterError,
    41: SmsmodeIdentifierError,
    50: SmsmodeUnavailableError,
    61: SmsmodeNotFoundError,
}


@pytest.fixture
def simulator(smsmode_simulator: Simulator) -> Simulator:
    smsmode_simulator.balance = 100_000
    return smsmode_simulator


@pytest.fixture
def client(simulator: Simulator, session: aiohttp.ClientSession) -> SmsmodeClient:
    return SmsmodeClient(session, simulator.api_key, base_url=simulator.url, timeout=2)


def last_params(simulator: Simulator, endpoint: str) -> dict[str, str]:
    """Return the decoded parameters of the last request to an endpoint."""
    return simulator.requests_to(endpoint)[-1].params


def assert_key_where_it_belongs(simulator: Simulator) -> None:
    """Fail unless the key went in the form body, or (batch) the query string alone.

    The batch endpoint's only example in the reference has it in the query string,
    next to the other parameters, and the CSV file alone in the body.
    """
    key = simulator.api_key
    assert simulator.requests
    for request in simulator.requests:
        assert key not in request.path
        if request.endpoint == "sendSMSBatch.do":
            assert request.query_string.startswith(f"accessToken={key}&")
            assert key.encode() not in request.body
        else:
            assert request.query_string == ""
            assert f"accessToken={key}".encode() in request.body


# --- sending ---------------------------------------------------------------------


async def test_send_sms(client: SmsmodeClient, simulator: Simulator) -> None:
    result = await client.send_sms("Bonjour", ["06 12 34 56 78", f"+{OTHER}"])

    message = simulator.messages[result.sms_id]
    assert message.kind is MessageKind.SMS
    assert message.message_class == 2
    assert message.text == "Bonjour"
    assert message.numbers == [NUMBER, OTHER]
    assert result.recipients == (NUMBER, OTHER)
    assert (result.segments, result.encoding, result.units) == (1, Encoding.GSM7, 7)
    (request,) = simulator.requests_to("sendSMS.do")
    assert request.method == "POST"
    assert request.content_type == "application/x-www-form-urlencoded"
    assert request.params["nbr_msg"] == str(MAX_SEGMENTS)
    assert "emetteur" not in request.params
    assert "stop" not in request.params
    assert_key_where_it_belongs(simulator)


async def test_every_accepted_character_round_trips(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    text = "".join(sorted(GSM_CHARACTERS))
    result = await client.send_sms(text, [NUMBER])

    assert result.encoding is Encoding.GSM7
    assert result.units == len(GSM_CHARACTERS) + len(GSM_DOUBLE_CHARACTERS)
    assert last_params(simulator, "sendSMS.do")["classe_msg"] == "2"
    assert last_params(simulator, "sendSMS.do")["message"] == text
    assert simulator.messages[result.sms_id].text == text


async def test_euro_travels_as_iso_8859_15(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    await client.send_sms("5€", [NUMBER])
    body = simulator.requests_to("sendSMS.do")[-1].body
    assert b"message=5%A4&" in body


@pytest.mark.parametrize("char", sorted(GSM_DOUBLE_CHARACTERS))
async def test_double_count_characters(
    client: SmsmodeClient, simulator: Simulator, char: str
) -> None:
    one = await client.send_sms(char * 80, [NUMBER])
    two = await client.send_sms(char * 80 + "a", [NUMBER])

    assert (one.segments, one.units, two.segments, two.units) == (1, 160, 2, 161)
    assert simulator.messages[one.sms_id].text == char * 80
    assert simulator.messages[two.sms_id].text == char * 80 + "a"
    assert simulator.messages[two.sms_id].recipients[0].segments == 2


@pytest.mark.parametrize("text", NON_GSM_TEXTS)
async def test_non_gsm_texts_go_as_unicode(
    client: SmsmodeClient, simulator: Simulator, text: str
) -> None:
    result = await client.send_sms(f"Bonjour {text} !", [NUMBER])

    assert result.encoding is Encoding.UNICODE
    params = last_params(simulator, "sendSMS.do")
    assert params["classe_msg"] == "9"
    assert params["message"] == f"Bonjour {text} !"
    assert simulator.messages[result.sms_id].text == f"Bonjour {text} !"
    assert simulator.messages[result.sms_id].message_class == 9


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("a" * 765, 5),
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
        ("ж" * 335, 5),
        ("😀" * 35, 1),
        ("😀" * 36, 2),
        ("😀" * 167 + "ж", 5),
    ],
)
async def test_segments_are_the_estimate_and_nbr_msg_the_cap(
    client: SmsmodeClient, simulator: Simulator, text: str, segments: int
) -> None:
    result = await client.send_sms(text, [NUMBER, OTHER])

    assert result.segments == segments
    assert last_params(simulator, "sendSMS.do")["nbr_msg"] == str(MAX_SEGMENTS)
    message = simulator.messages[result.sms_id]
    assert message.text == text  # not cut
    assert message.segments == segments
    assert message.cost == 2 * segments


@pytest.mark.parametrize(
    ("text", "stop", "with_mention", "segments"),
    [
        ("a" * 149, StopMode.IF_FREE, True, 1),
        ("a" * 150, StopMode.IF_FREE, False, 1),
        ("a" * 149, StopMode.ALWAYS, True, 1),
        ("a" * 150, StopMode.ALWAYS, True, 2),
        ("a" * 754, StopMode.ALWAYS, True, 5),
    ],
)
async def test_stop_mention(
    client: SmsmodeClient,
    simulator: Simulator,
    *,
    text: str,
    stop: StopMode,
    with_mention: bool,
    segments: int,
) -> None:
    result = await client.send_sms(text, [NUMBER], stop=stop)

    params = last_params(simulator, "sendSMS.do")
    assert params["stop"] == str(int(stop))
    assert params["nbr_msg"] == str(MAX_SEGMENTS)
    expected = text + STOP_MENTION if with_mention else text
    assert simulator.messages[result.sms_id].text == expected
    assert simulator.messages[result.sms_id].segments == segments


async def test_three_hundred_and_more_recipients_in_one_request(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    numbers = [f"06{10_000_000 + index:08d}" for index in range(350)]
    result = await client.send_sms("Bonjour à tous", [*numbers, numbers[0]])

    assert len(simulator.requests_to("sendSMS.do")) == 1
    message = simulator.messages[result.sms_id]
    assert len(message.numbers) == 350
    assert message.numbers == [f"336{10_000_000 + index:08d}" for index in range(350)]
    assert result.recipients == tuple(message.numbers)


async def test_options(client: SmsmodeClient, simulator: Simulator) -> None:
    result = await client.send_sms(
        "Promo",
        [NUMBER],
        sender="Shop42",
        ref_client="order-42",
        notification_url="https://example.org/delivery",
        reply_notification_url="https://example.org/reply",
    )
    message = simulator.messages[result.sms_id]
    assert (message.sender, message.ref_client) == ("Shop42", "order-42")
    assert message.notification_url == "https://example.org/delivery"
    assert message.reply_notification_url == "https://example.org/reply"


async def test_reply_allowed_is_class_4(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    result = await client.send_sms("Répondez OUI ou NON", [NUMBER], reply_allowed=True)
    message = simulator.messages[result.sms_id]
    assert message.message_class == 4
    assert message.text == "Répondez OUI ou NON"
    assert message.sender is None


async def test_explicit_unicode_for_gsm_text(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    result = await client.send_sms("Prix 5€", [NUMBER], encoding=Encoding.UNICODE)
    assert last_params(simulator, "sendSMS.do")["classe_msg"] == "9"
    assert simulator.messages[result.sms_id].text == "Prix 5€"


@pytest.mark.parametrize(
    ("now", "scheduled_at", "wire"),
    [
        # Late March: Paris springs forward at 01:00 UTC.
        (
            datetime(2026, 3, 28, 12, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
            "29032026-01:30",
        ),
        (
            datetime(2026, 3, 28, 12, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
            "29032026-03:30",
        ),
        # Late October: Paris falls back at 01:00 UTC.
        (
            datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
            datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
            "25102026-01:30",
        ),
        (
            datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 2, 30, tzinfo=UTC),
            "25102026-03:30",
        ),
    ],
)
async def test_scheduled_send_across_daylight_saving(
    client: SmsmodeClient,
    simulator: Simulator,
    now: datetime,
    scheduled_at: datetime,
    wire: str,
) -> None:
    simulator.clock.set(now)
    result = await client.send_sms(
        "Rappel", [NUMBER], scheduled_at=scheduled_at, now=now
    )

    assert last_params(simulator, "sendSMS.do")["date_envoi"] == wire
    message = simulator.messages[result.sms_id]
    assert message.scheduled_at is not None
    assert message.scheduled_at.astimezone(UTC) == scheduled_at
    assert message.statuses == {NUMBER: MessageStatus.SCHEDULED}
    status = await client.get_sms_status(result.sms_id)
    assert status.status == MessageStatus.SCHEDULED

    simulator.clock.set(scheduled_at + timedelta(minutes=1))
    assert (await client.get_sms_status(result.sms_id)).status == MessageStatus.SENT


async def test_scheduled_send_in_the_repeated_hour_refused(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    """02:30 on the night Paris falls back happens twice: refused, nothing sent."""
    now = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    with pytest.raises(SmsmodeInvalidScheduleError) as err:
        await client.send_sms(
            "Rappel",
            [NUMBER],
            scheduled_at=datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            now=now,
        )
    assert err.value.reason == "ambiguous_datetime"
    assert simulator.requests_to("sendSMS.do") == []


async def test_group_send(client: SmsmodeClient, simulator: Simulator) -> None:
    await client.add_contact("Dupond", "06 12 34 56 78", groups=["Équipe", "Tous"])
    await client.add_contact(
        "Durand", f"+{OTHER}", first_name="Jean", groups=["Équipe"]
    )
    result = await client.send_sms("Réunion à 10h", group="Équipe")

    message = simulator.messages[result.sms_id]
    assert message.group == "Équipe"
    assert message.numbers == [NUMBER, OTHER]
    assert result.recipients == ()
    assert "numero" not in last_params(simulator, "sendSMS.do")


async def test_voice_message(client: SmsmodeClient, simulator: Simulator) -> None:
    text = "Bonjour, votre colis est arrivé. Ça coûte 5€, à bientôt !"
    result = await client.send_voice_message(
        text, ["0612345678"], title="Message de la société", language="fr-FR"
    )

    message = simulator.messages[result.sms_id]
    assert message.kind is MessageKind.VOICE
    assert message.text == text
    assert message.title == "Message de la société"
    assert message.language == "fr-FR"
    assert (result.segments, result.encoding, result.recipients) == (1, None, (NUMBER,))
    assert message.cost == 1


async def test_scheduled_voice_message(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    later = datetime.now(UTC) + timedelta(days=1)
    result = await client.send_voice_message("Rappel", [NUMBER], scheduled_at=later)
    scheduled = simulator.messages[result.sms_id].scheduled_at
    assert scheduled is not None
    assert scheduled.astimezone(UTC) == later.replace(second=0, microsecond=0)


async def test_batch(client: SmsmodeClient, simulator: Simulator) -> None:
    rows = [
        BatchMessage(
            "06 12 34 56 78", 'Bonjour "Jean", 5€ ; à demain, merci', "RDV", "ref123"
        ),
        BatchMessage(f"+{OTHER}", "Second, message {2}", None, None),
        BatchMessage("0033611111111", "a" * 200, "TOTO"),
    ]
    result = await client.send_batch(rows, ref_client="campaign", sender="Shop")

    message = simulator.messages[result.sms_id]
    assert message.kind is MessageKind.BATCH
    assert [(r.number, r.text, r.sender, r.ref_client) for r in message.recipients] == [
        (NUMBER, rows[0].message, "RDV", "ref123"),
        (OTHER, rows[1].message, "Shop", "campaign"),
        ("33611111111", "a" * 200, "TOTO", "campaign"),
    ]
    assert result.recipients == (NUMBER, OTHER, "33611111111")
    assert (result.segments, result.units, result.encoding) == (2, 200, Encoding.GSM7)
    request = simulator.requests_to("sendSMSBatch.do")[-1]
    assert request.content_type.startswith("multipart/form-data")
    assert request.body.count(b"Content-Disposition") == 1  # the file alone
    assert request.params["nbr_msg"] == str(MAX_SEGMENTS)
    assert request.params["classe_msg"] == "2"
    assert request.params["fichier"].startswith(
        '"numero","message","emetteur","refClient"'
    )
    assert b"5\xa4" in request.body
    assert_key_where_it_belongs(simulator)


async def test_batch_reply_allowed(client: SmsmodeClient, simulator: Simulator) -> None:
    result = await client.send_batch(
        [BatchMessage(NUMBER, "Oui ?")],
        reply_allowed=True,
        notification_url="https://example.org/delivery",
        scheduled_at=datetime.now(UTC) + timedelta(hours=1),
    )
    message = simulator.messages[result.sms_id]
    assert message.message_class == 4
    assert message.notification_url == "https://example.org/delivery"
    assert message.scheduled_at is not None


# --- reading -----------------------------------------------------------------------


async def test_delivery_report_and_status(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    failing = "33612340034"
    result = await client.send_sms("Bonjour", [NUMBER, failing])

    assert await client.get_delivery_report(result.sms_id) == [
        DeliveryReportEntry(NUMBER, 0),
        DeliveryReportEntry(failing, 0),
    ]
    assert await client.get_sms_status(result.sms_id) == SmsStatus(0, "Envoyé")
    await simulator.advance_delivery(result.sms_id)
    assert await client.get_delivery_report(result.sms_id) == [
        DeliveryReportEntry(NUMBER, MessageStatus.DELIVERED_TO_OPERATOR),
        DeliveryReportEntry(failing, MessageStatus.ROUTING_ERROR),
    ]
    await simulator.advance_delivery(result.sms_id)
    report = await client.get_delivery_report(result.sms_id)
    assert [entry.status for entry in report] == [11, 34]
    status = await client.get_sms_status(result.sms_id)
    assert status.status == MessageStatus.PARTIALLY_RECEIVED


async def test_status_reception_error(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    result = await client.send_sms("Bonjour", ["33612340035"])
    await simulator.advance_delivery(result.sms_id)
    await simulator.advance_delivery(result.sms_id)
    report = await client.get_delivery_report(result.sms_id)
    assert report == [DeliveryReportEntry("33612340035", MessageStatus.RECEPTION_ERROR)]
    status = await client.get_sms_status(result.sms_id)
    assert status.status == MessageStatus.RECEPTION_FAILED


async def test_unknown_sms(client: SmsmodeClient) -> None:
    with pytest.raises(SmsmodeNotFoundError):
        await client.get_delivery_report("nope")
    with pytest.raises(SmsmodeNotFoundError):
        await client.get_sms_status("nope")
    with pytest.raises(SmsmodeNotFoundError):
        await client.delete_sms(sms_id="nope")


async def test_balance(client: SmsmodeClient, simulator: Simulator) -> None:
    simulator.balance = 212.5
    assert await client.get_balance() == 212.5
    await client.send_sms("a" * 200, [NUMBER, OTHER])
    assert await client.get_balance() == 208.5
    simulator.balance = -12
    assert await client.get_balance() == -12.0


async def test_sent_sms_list(client: SmsmodeClient, simulator: Simulator) -> None:
    first = await client.send_sms("Premier | avec barre", [NUMBER, OTHER])
    second = await client.send_sms("Ligne 1\nLigne 2 | x\r\nLigne 3", [NUMBER])
    third = await client.send_sms("Prix 5€ 😀", [OTHER])

    listed = await client.list_sent_sms()
    assert [(s.sms_id, s.text, s.recipient, s.recipient_count) for s in listed] == [
        (third.sms_id, "Prix 5€ 😀", OTHER, 1),
        (second.sms_id, "Ligne 1\nLigne 2 | x\r\nLigne 3", NUMBER, 1),
        (first.sms_id, "Premier | avec barre", NUMBER, 2),
    ]
    assert listed[2].cost == 2.0
    assert all(s.sent_at.tzinfo is not None for s in listed)
    page = await client.list_sent_sms(start=1, count=1)
    assert [s.sms_id for s in page] == [second.sms_id]
    params = last_params(simulator, "smsList.do")
    assert (params["start"], params["offset"]) == ("1", "1")


async def test_sent_sms_list_empty(client: SmsmodeClient) -> None:
    assert await client.list_sent_sms() == []


async def test_replies(client: SmsmodeClient, simulator: Simulator) -> None:
    sent = await client.send_sms("Venez-vous ?", [NUMBER], reply_allowed=True)
    base = datetime(2026, 5, 10, 8, 0, tzinfo=UTC)
    await simulator.inject_reply(
        "Oui | avec plaisir\nÀ demain 😀", NUMBER, received_at=base
    )
    await simulator.inject_reply("Non", OTHER, received_at=base + timedelta(hours=2))

    replies = await client.list_replies()
    assert [(r.sender, r.text, r.sms_id) for r in replies] == [
        (OTHER, "Non", None),
        (NUMBER, "Oui | avec plaisir\nÀ demain 😀", sent.sms_id),
    ]
    assert replies[1].received_at == base
    assert replies[1].recipient == "36034"

    paged = await client.list_replies(start=1, count=1)
    assert [r.sender for r in paged] == [NUMBER]
    in_range = await client.list_replies(
        start_date=base - timedelta(minutes=1), end_date=base + timedelta(minutes=1)
    )
    assert [r.sender for r in in_range] == [NUMBER]
    params = last_params(simulator, "responseList.do")
    assert (params["startDate"], params["endDate"]) == (
        "10052026-09:59",
        "10052026-10:01",
    )


async def test_delete_sms(client: SmsmodeClient, simulator: Simulator) -> None:
    first = await client.send_sms("Un", [NUMBER])
    second = await client.send_sms("Deux", [OTHER])

    await client.delete_sms(sms_id=first.sms_id)
    await client.delete_sms(number=f"+{OTHER}")

    assert simulator.messages[first.sms_id].deleted
    assert simulator.messages[second.sms_id].deleted
    assert last_params(simulator, "deleteSMS.do")["numero"] == OTHER
    with pytest.raises(SmsmodeNotFoundError) as err:
        await client.delete_sms(number=NUMBER)
    assert err.value.code == 61


async def test_add_contact(client: SmsmodeClient, simulator: Simulator) -> None:
    await client.add_contact(
        "Dupond",
        "06.12.34.56.78",
        first_name="Jacques",
        groups=["Groupe1", "Groupe2"],
        company="ACME",
        other="VIP",
        birth_date=date(1980, 7, 14),
    )
    (contact,) = simulator.account.contacts
    assert (contact.last_name, contact.first_name, contact.mobile) == (
        "Dupond",
        "Jacques",
        NUMBER,
    )
    assert contact.groups == ("Groupe1", "Groupe2")
    assert (contact.company, contact.other, contact.birth_date) == (
        "ACME",
        "VIP",
        "14071980",
    )


async def test_sub_account_and_transfer(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    simulator.balance = 100
    await client.create_sub_account(
        "filiale",
        "s3cret",
        reference="R1",
        last_name="Martin",
        first_name="Léa",
        company="Filiale SA",
        address="1 rue de Paris",
        city="Marseille",
        postal_code="13001",
        mobile="0612345678",
        phone="0491000000",
        fax="0491000001",
        email="lea@example.org",
        birth_date=date(1990, 1, 2),
    )
    sub = simulator.account.sub_accounts["filiale"]
    assert sub.details["ville"] == "Marseille"
    assert sub.details["date"] == "02011990"
    await client.transfer_credits("filiale", 30, reference="T1")
    assert (simulator.balance, sub.balance) == (70, 30)

    with pytest.raises(SmsmodeIdentifierError):
        await client.create_sub_account("filiale", "other")
    with pytest.raises(SmsmodeIdentifierError):
        await client.transfer_credits("unknown", 1)
    with pytest.raises(SmsmodeInsufficientCreditsError):
        await client.transfer_credits("filiale", 71)


async def test_create_api_key(
    client: SmsmodeClient, simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    key = await client.create_api_key()

    assert len(key.access_token) == 32
    assert key.access_token not in repr(key)
    assert key.state == "ACTIVE"
    assert key.account == "simulateur"
    assert simulator.requests[-1].path == "/http/2.0/createAuthorisation.do"
    other = SmsmodeClient(session, key.access_token, base_url=simulator.url)
    assert await other.get_balance() == simulator.balance


# --- errors ------------------------------------------------------------------------


async def test_wrong_key(simulator: Simulator, session: aiohttp.ClientSession) -> None:
    client = SmsmodeClient(session, "not-the-key", base_url=simulator.url)
    with pytest.raises(SmsmodeAuthenticationError) as err:
        await client.get_balance()
    assert err.value.code == 32
    assert err.value.description == "Erreur d'authentification"
    with pytest.raises(SmsmodeAuthenticationError):
        await client.send_sms("Bonjour", [NUMBER])
    with pytest.raises(SmsmodeAuthenticationError):
        await client.create_api_key()
    with pytest.raises(SmsmodeAuthenticationError):
        await client.list_replies()
    assert not simulator.messages


async def test_insufficient_credits(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    simulator.balance = 1
    with pytest.raises(SmsmodeInsufficientCreditsError):
        await client.send_sms("Bonjour", [NUMBER, OTHER])
    assert not simulator.messages


@pytest.mark.parametrize("code", sorted(ERRORS))
@pytest.mark.parametrize(
    ("endpoint", "call"),
    [
        ("sendSMS.do", lambda c: c.send_sms("Bonjour", [NUMBER])),
        ("sendVoiceMessage.do", lambda c: c.send_voice_message("Bonjour", [NUMBER])),
        ("sendSMSBatch.do", lambda c: c.send_batch([BatchMessage(NUMBER, "Bonjour")])),
        ("credit.do", lambda c: c.get_balance()),
        ("compteRendu.do", lambda c: c.get_delivery_report("x")),
        ("smsList.do", lambda c: c.list_sent_sms()),
        ("responseList.do", lambda c: c.list_replies()),
        ("deleteSMS.do", lambda c: c.delete_sms(sms_id="x")),
        ("addContact.do", lambda c: c.add_contact("Dupond", NUMBER)),
        ("creditTransfert.do", lambda c: c.transfer_credits("sub", 1)),
        ("createSubAccount.do", lambda c: c.create_sub_account("sub", "pw")),
        ("createAuthorisation.do", lambda c: c.create_api_key()),
    ],
)
async def test_every_error_code(
    client: SmsmodeClient, simulator: Simulator, endpoint: str, call: object, code: int
) -> None:
    simulator.add_fault(endpoint, Fault.code(code))
    with pytest.raises(ERRORS[code]) as err:
        await call(client)  # type: ignore[operator]
    assert err.value.code == code
    assert err.value.description
    assert err.value.retryable is (code == 50)
    assert simulator.api_key not in str(err.value)
    assert not simulator.messages


@pytest.mark.parametrize("code", [31, 32, 61])
async def test_sms_status_error_codes(
    client: SmsmodeClient, simulator: Simulator, code: int
) -> None:
    simulator.add_fault("smsStatus.do", Fault.code(code))
    with pytest.raises(ERRORS[code]):
        await client.get_sms_status("x")


async def test_sms_status_code_35_is_invalid_parameter(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    simulator.add_fault("smsStatus.do", Fault.code(35))
    with pytest.raises(SmsmodeInvalidParameterError):
        await client.get_sms_status("x")


async def test_unavailable_is_retryable_and_retry_succeeds(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    simulator.add_fault("sendSMS.do", Fault.code(50))
    with pytest.raises(SmsmodeUnavailableError) as err:
        await client.send_sms("Bonjour", [NUMBER])
    assert err.value.retryable
    assert not simulator.messages
    result = await client.send_sms("Bonjour", [NUMBER])
    assert list(simulator.messages) == [result.sms_id]


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_http_5xx_outcome_unknown(
    client: SmsmodeClient, simulator: Simulator, status: int
) -> None:
    """A 5xx may come from a gateway after smsmode took the request: not retried."""
    simulator.add_fault("sendSMS.do", Fault.http_error(status))
    with pytest.raises(SmsmodeConnectionError) as err:
        await client.send_sms("Bonjour", [NUMBER])
    assert err.value.may_have_been_sent is True
    assert not err.value.retryable
    assert not simulator.messages


async def test_timeout_after_write_may_have_been_sent(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    client = SmsmodeClient(
        session, simulator.api_key, base_url=simulator.url, timeout=0.3
    )
    simulator.add_fault("sendSMS.do", Fault.slow(5))
    with pytest.raises(SmsmodeConnectionError) as err:
        await client.send_sms("Bonjour", [NUMBER])
    assert err.value.may_have_been_sent is True
    assert not err.value.retryable
    # The simulator did accept it: re-sending would have sent it twice.
    assert len(simulator.messages) == 1
    assert len(simulator.requests_to("sendSMS.do")) == 1


@pytest.mark.parametrize(
    ("fault", "stored"), [(Fault.drop_before(), 0), (Fault.drop_after(), 1)]
)
async def test_dropped_connection_may_have_been_sent(
    client: SmsmodeClient, simulator: Simulator, fault: Fault, stored: int
) -> None:
    simulator.add_fault("sendSMS.do", fault)
    with pytest.raises(SmsmodeConnectionError) as err:
        await client.send_sms("Bonjour", [NUMBER])
    assert err.value.may_have_been_sent is True
    assert not err.value.retryable
    assert len(simulator.messages) == stored
    assert len(simulator.requests_to("sendSMS.do")) == 1


async def test_connection_refused_vs_simulator(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    url = simulator.url
    api_key = simulator.api_key
    await simulator.stop()
    client = SmsmodeClient(session, api_key, base_url=url)
    with pytest.raises(SmsmodeConnectionError) as err:
        await client.send_sms("Bonjour", [NUMBER])
    assert err.value.may_have_been_sent is False
    assert err.value.retryable


async def test_key_never_leaks(
    client: SmsmodeClient, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = simulator.api_key
    errors: list[SmsmodeError] = []
    sent = await client.send_sms("Bonjour", [NUMBER], ref_client="r1")
    await client.send_batch([BatchMessage(NUMBER, "Bonjour")])
    await client.get_balance()
    await client.get_delivery_report(sent.sms_id)
    await client.list_sent_sms()
    for fault in (Fault.code(32), Fault.http_error(500), Fault.drop_before()):
        simulator.add_fault("sendSMS.do", fault)
        try:
            await client.send_sms("Bonjour", [NUMBER])
        except SmsmodeError as err:
            errors.append(err)
    try:
        await client.get_sms_status("unknown")
    except SmsmodeError as err:
        errors.append(err)

    assert len(errors) == 4
    for error in errors:
        assert key not in str(error)
        assert key not in repr(error)
        assert key not in str(error.__cause__ or "")
    assert key not in repr(client)
    assert caplog.records
    assert key not in caplog.text
    assert all(key not in str(record.args) for record in caplog.records)
    assert_key_where_it_belongs(simulator)


@pytest.mark.parametrize("max_segments", [1, 2, 3])
async def test_nbr_msg_is_max_segments_whatever_the_text_needs(
    client: SmsmodeClient, simulator: Simulator, max_segments: int
) -> None:
    single = await client.send_sms("Bonjour", [NUMBER], max_segments=max_segments)
    batch = await client.send_batch(
        [BatchMessage(NUMBER, "Bonjour")], max_segments=max_segments
    )

    assert last_params(simulator, "sendSMS.do")["nbr_msg"] == str(max_segments)
    assert last_params(simulator, "sendSMSBatch.do")["nbr_msg"] == str(max_segments)
    # The cap costs nothing: smsmode debits what the text takes.
    assert (single.segments, batch.segments) == (1, 1)
    assert simulator.messages[single.sms_id].cost == 1
    assert simulator.messages[batch.sms_id].cost == 1


async def test_max_segments_is_the_default_nbr_msg_bound(
    client: SmsmodeClient, simulator: Simulator
) -> None:
    text = "a" * 765
    assert analyse(text).segments == MAX_SEGMENTS
    result = await client.send_sms(text, [NUMBER])
    assert simulator.messages[result.sms_id].text == text
