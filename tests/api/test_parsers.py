"""Every reply format, its tolerated variations and its malformed bodies."""

from collections.abc import Callable
from datetime import UTC, datetime
import json
from typing import Any

import pytest

from aiosmsmode.exceptions import (
    SmsmodeApiError,
    SmsmodeAuthenticationError,
    SmsmodeInternalError,
    SmsmodeInvalidParameterError,
    SmsmodeNotFoundError,
    SmsmodeResponseError,
)
from aiosmsmode.models import CodeReply, DeliveryReportEntry, Reply, SentSms, SmsStatus
from aiosmsmode.parsers import (
    parse_api_key,
    parse_balance,
    parse_code_reply,
    parse_delivery_report,
    parse_reply_list,
    parse_sent_sms_list,
    parse_sms_status,
)

TOKEN = "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe"

type Parser = Callable[[str], object]


def _cases(parse: Parser, *bodies: str) -> list[Any]:
    """One case per body for a parser, named after both (`balance-'1e5'`)."""
    name = parse.__name__.removeprefix("parse_")
    return [pytest.param(parse, body, id=f"{name}-{body!r}") for body in bodies]


# --- code | description | id -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("0 | Accepté | abc123", CodeReply(0, "Accepté", "abc123")),
        ("0|Accepté|abc123", CodeReply(0, "Accepté", "abc123")),
        ("  0  |  Accepté  |  abc123  \r\n", CodeReply(0, "Accepté", "abc123")),
        ("0 | Accepté | abc123 |", CodeReply(0, "Accepté", "abc123")),
        ("0 | Contact ajouté", CodeReply(0, "Contact ajouté", None)),
        ("0 | Accepté | ", CodeReply(0, "Accepté", None)),
        (
            "32 | Erreur d'authentification",
            CodeReply(32, "Erreur d'authentification", None),
        ),
        ("35", CodeReply(35, "", None)),
    ],
)
def test_code_reply(body: str, expected: CodeReply) -> None:
    assert parse_code_reply(body) == expected


def test_response_error_quotes_a_short_excerpt() -> None:
    body = "<html>" + "x" * 500 + "</html>"
    with pytest.raises(SmsmodeResponseError) as err:
        parse_code_reply(body)
    assert err.value.excerpt.startswith("<html>xxx")
    assert len(err.value.excerpt) <= 81
    assert len(str(err.value)) < 150
    assert not err.value.retryable


# --- balance -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("212.5", 212.5),
        ("212.5\r\n", 212.5),
        (" 100 ", 100.0),
        ("0", 0.0),
        ("-12.75", -12.75),
        ("+3", 3.0),
        ("212,5", 212.5),
        ("32", 32.0),
    ],
)
def test_balance(body: str, expected: float) -> None:
    assert parse_balance(body) == expected


# --- delivery report -----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "33600000000 11 | 33611111111 13",
        "33600000000 11|33611111111 13|",
        "33600000000  11 |  33611111111 13 \r\n",
        "33600000000 11\r\n33611111111 13\r\n",
        "+33600000000 11 | 33611111111 13",
    ],
)
def test_delivery_report(body: str) -> None:
    assert parse_delivery_report(body) == [
        DeliveryReportEntry("33600000000", 11),
        DeliveryReportEntry("33611111111", 13),
    ]


# --- sent SMS list -------------------------------------------------------------


def test_sent_sms_list() -> None:
    body = (
        "abc1 | 25032010-09:52 | Bonjour | 33612345678 | 1 | 1 |\r\n"
        "abc2 | 24032010-18:00 | Promo -20% | 33611111111 | 4.5 | 3 |\r\n"
    )
    assert parse_sent_sms_list(body) == [
        SentSms(
            "abc1",
            datetime(2010, 3, 25, 8, 52, tzinfo=UTC),
            "Bonjour",
            "33612345678",
            1.0,
            1,
        ),
        SentSms(
            "abc2",
            datetime(2010, 3, 24, 17, 0, tzinfo=UTC),
            "Promo -20%",
            "33611111111",
            4.5,
            3,
        ),
    ]


def test_sent_sms_list_tolerates_spacing_and_missing_trailing_bar() -> None:
    body = "abc1|25032010-09:52|Bonjour|33612345678|1|1\nabc2 |  25/03/2010 10:00 |Salut| 336 | 2,5 |2|"
    result = parse_sent_sms_list(body)
    assert [(r.sms_id, r.text, r.cost, r.recipient_count) for r in result] == [
        ("abc1", "Bonjour", 1.0, 1),
        ("abc2", "Salut", 2.5, 2),
    ]


def test_sent_sms_text_with_bars_and_newlines() -> None:
    body = (
        "abc1 | 25032010-09:52 | a | b || c | 33612345678 | 1 | 1 |\r\n"
        "abc2 | 25032010-09:53 | Ligne 1\r\n"
        "Ligne 2 | fin\n"
        "\n"
        "Ligne 4 | 33611111111 | 2 | 1 |\r\n"
        "abc3 | 25032010-09:54 | OK | 33600000000 | 1 | 1 |"
    )
    result = parse_sent_sms_list(body)
    assert [r.text for r in result] == [
        "a | b || c",
        "Ligne 1\r\nLigne 2 | fin\n\nLigne 4",
        "OK",
    ]
    assert [r.recipient for r in result] == [
        "33612345678",
        "33611111111",
        "33600000000",
    ]


# --- replies list --------------------------------------------------------------


def test_reply_list() -> None:
    body = (
        "r1 | 01012014-10:00 | 33612345678 | Oui merci | 36034 | sms1\r\n"
        "r2 | 01012014-10:05 | 33611111111 | Non | 36034 | sms2 |\r\n"
    )
    assert parse_reply_list(body) == [
        Reply(
            "r1",
            datetime(2014, 1, 1, 9, 0, tzinfo=UTC),
            "33612345678",
            "Oui merci",
            "36034",
            "sms1",
        ),
        Reply(
            "r2",
            datetime(2014, 1, 1, 9, 5, tzinfo=UTC),
            "33611111111",
            "Non",
            "36034",
            "sms2",
        ),
    ]


def test_reply_list_empty_last_field() -> None:
    body = (
        "r1 | 01012014-10:00 | 33612345678 | Oui | 36034 | \n"
        "r2 | 01012014-10:01 | 33612345678 | Non | 36034 | s2"
    )
    assert [(r.text, r.sms_id) for r in parse_reply_list(body)] == [
        ("Oui", None),
        ("Non", "s2"),
    ]


def test_reply_list_text_with_bars_and_newlines_and_no_sms_id() -> None:
    body = (
        "r1 | 01012014-10:00 | +33612345678 | A | B\nC | 36034 | |\n"
        "r2 | 01012014-10:01 | 33612345678 | ok | 36034 | s2"
    )
    result = parse_reply_list(body)
    assert [(r.text, r.sender, r.sms_id) for r in result] == [
        ("A | B\nC", "+33612345678", None),
        ("ok", "33612345678", "s2"),
    ]


# --- SMS status ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("0 | Envoyé", SmsStatus(0, "Envoyé")),
        ("11 | Reçu\r\n", SmsStatus(11, "Reçu")),
        (
            "3501|Erreur temporaire opérateur|",
            SmsStatus(3501, "Erreur temporaire opérateur"),
        ),
        (
            "33 | Non envoyé - crédit insuffisant",
            SmsStatus(33, "Non envoyé - crédit insuffisant"),
        ),
        ("50 | Non délivré", SmsStatus(50, "Non délivré")),
        ("10", SmsStatus(10, "")),
    ],
)
def test_sms_status(body: str, expected: SmsStatus) -> None:
    assert parse_sms_status(body) == expected


# --- API key (JSON) ------------------------------------------------------------


def test_api_key() -> None:
    body = json.dumps(
        {
            "id": 42,
            "accessToken": TOKEN,
            "creationDate": "2024-01-01T10:00:00",
            "state": "ACTIVE",
            "expiration": None,
            "account": "demo",
        }
    )
    key = parse_api_key(body)
    assert (key.id, key.access_token, key.creation_date, key.state) == (
        "42",
        TOKEN,
        "2024-01-01T10:00:00",
        "ACTIVE",
    )
    assert (key.expiration, key.account) == ("", "demo")
    assert TOKEN not in repr(key)


def test_api_key_field_case_and_missing_optionals() -> None:
    key = parse_api_key(json.dumps({"ID": "k1", "accesstoken": TOKEN}))
    assert (key.id, key.access_token, key.account) == ("k1", TOKEN, "")


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        "null",
        '{"id": 1}',
        json.dumps({"accessToken": TOKEN}),
        json.dumps({"id": "", "accessToken": TOKEN}),
        '{"id": 1, "accessToken": 12345}',
        json.dumps({"id": 1, "accessToken": TOKEN})[:-1] + ', "state": ',
        "<html>error</html>",
    ],
)
def test_api_key_malformed_never_quotes_the_token(body: str) -> None:
    with pytest.raises(SmsmodeResponseError) as err:
        parse_api_key(body)
    assert TOKEN not in str(err.value)
    assert TOKEN not in err.value.excerpt


# --- every format: malformed bodies, error replies, empty lists ------------------


@pytest.mark.parametrize(
    ("parse", "body"),
    [
        *_cases(
            parse_code_reply,
            "",
            "   ",
            "OK",
            "Accepté | 0",
            "0 | a | b | c",
            "0 | a\n1 | b",
            "<html>502</html>",
            "0.5 | x",
        ),
        *_cases(
            parse_balance,
            "",
            "abc",
            "1e5",
            "nan",
            "inf",
            "12.",
            "212.5 credits",
            "1 | 2 | 3",
        ),
        *_cases(
            parse_delivery_report,
            "33600000000",
            "33600000000 eleven",
            "33600000000 11 12",
            "abc 11",
        ),
        *_cases(
            parse_sent_sms_list,
            "abc1 | 25032010-09:52 | Bonjour | 33612345678 | 1 |",
            "abc1 | yesterday | Bonjour | 33612345678 | 1 | 1 |",
            "abc1 | 25032010-09:52 | Bonjour | 33612345678 | one | 1 |",
            "abc1 | 25032010-09:52 | Bonjour | 33612345678 | 1 | 1.5 |",
            " | 25032010-09:52 | Bonjour | 33612345678 | 1 | 1 |",
            "garbage\nabc1 | 25032010-09:52 | Bonjour | 33612345678 | 1 | 1 |",
        ),
        *_cases(
            parse_reply_list,
            "r1 | 01012014-10:00 | 33612345678 | text | 36034",
            "r1 | 01012014-10:00 | someone | text | 36034 | sms1",
            "r1 | 01012014-10:00 | 33612345678 | text | short code | sms1",
            "r1 | 01012014-10:00 | 33612345678 | text | 36034 | two words",
            "r1 | 2014 | 33612345678 | text | 36034 | sms1",
        ),
        *_cases(parse_sms_status, "", "Envoyé", "x | Envoyé"),
    ],
)
def test_malformed(parse: Parser, body: str) -> None:
    with pytest.raises(SmsmodeResponseError):
        parse(body)


@pytest.mark.parametrize(
    ("parse", "body", "error", "code", "description"),
    [
        pytest.param(
            parse_balance,
            "32 | Erreur d'authentification",
            SmsmodeAuthenticationError,
            32,
            "Erreur d'authentification",
            id="balance-32",
        ),
        pytest.param(
            parse_delivery_report,
            "61 | SMS non trouvé",
            SmsmodeNotFoundError,
            61,
            "SMS non trouvé",
            id="delivery_report-61",
        ),
        pytest.param(
            parse_delivery_report,
            "31 | Erreur interne",
            SmsmodeInternalError,
            31,
            "Erreur interne",
            id="delivery_report-31",
        ),
        pytest.param(
            parse_delivery_report,
            "35 | Paramètre manquant |",
            SmsmodeInvalidParameterError,
            35,
            "Paramètre manquant",
            id="delivery_report-35-trailing-bar",
        ),
        pytest.param(
            parse_sent_sms_list,
            "32 | Erreur d'authentification\r\n",
            SmsmodeAuthenticationError,
            32,
            "Erreur d'authentification",
            id="sent_sms_list-32",
        ),
        pytest.param(
            parse_reply_list,
            "35 | Paramètre incorrect",
            SmsmodeInvalidParameterError,
            35,
            "Paramètre incorrect",
            id="reply_list-35",
        ),
        pytest.param(
            parse_sms_status,
            "32 | Echec d'authentification",
            SmsmodeAuthenticationError,
            32,
            "Echec d'authentification",
            id="sms_status-32",
        ),
        pytest.param(
            parse_sms_status,
            "35 | Paramètre(s) incorrect(s)",
            SmsmodeInvalidParameterError,
            35,
            "Paramètre(s) incorrect(s)",
            id="sms_status-35",
        ),
        pytest.param(
            parse_sms_status,
            "61 | smsID invalide",
            SmsmodeNotFoundError,
            61,
            "smsID invalide",
            id="sms_status-61",
        ),
        pytest.param(
            parse_sms_status,
            "31 | Erreur interne",
            SmsmodeInternalError,
            31,
            "Erreur interne",
            id="sms_status-31",
        ),
        pytest.param(
            parse_api_key,
            "32 | Erreur d'authentification",
            SmsmodeAuthenticationError,
            32,
            "Erreur d'authentification",
            id="api_key-32",
        ),
    ],
)
def test_error_reply(
    parse: Parser,
    body: str,
    error: type[SmsmodeApiError],
    code: int,
    description: str,
) -> None:
    """A provider error reply raises its code's exception, whatever was asked."""
    with pytest.raises(error) as err:
        parse(body)
    assert (err.value.code, err.value.description) == (code, description)


@pytest.mark.parametrize(
    ("parse", "body"),
    [
        *_cases(parse_delivery_report, "", "\r\n", " | "),
        *_cases(parse_sent_sms_list, "", "\r\n", "\n\n"),
        *_cases(parse_reply_list, "", "\r\n"),
    ],
)
def test_empty_list(parse: Parser, body: str) -> None:
    assert parse(body) == []
