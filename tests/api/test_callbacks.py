"""smsmode's callbacks: strict on the fields that make them, lenient on the rest."""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from aiosmsmode.callbacks import (
    MAX_REPLY_LENGTH,
    parse_callback,
    parse_delivery_callback,
    parse_reply_callback,
)
from aiosmsmode.exceptions import SmsmodeCallbackError
from aiosmsmode.models import DeliveryCallback, ReplyCallback

# The reference's examples (sections 12 and 13), with a real-looking number.
REPORT = {
    "numero": "33612345678",
    "date_reception": "2010-03-25 09:52:17",
    "statut": "11",
    "smsID": "S7EpYZ5kmS87",
    "refClient": "12azer34",
    "mcc_mnc": "20801",
    "cost": "1",
}
REPLY = {
    "numero": "36034",
    "message": "bonjour",
    "emetteur": "33601020304",
    "date_reception": "01012013-122233",
    "smsID": "abcd1234",
    "refClient": "monclient123",
    "responseID": "azertyu123",
}

type Parse = Callable[[Mapping[str, str]], object]

# Each kind's example, parser, and the number its errors must never quote.
IDENTITY: dict[str, tuple[dict[str, str], Parse, str]] = {
    "delivery": (REPORT, parse_delivery_callback, "33612345678"),
    "reply": (REPLY, parse_reply_callback, "33601020304"),
}


def _kind(kind: str, *cases: tuple[dict[str, str | None], str]) -> list[Any]:
    """Name each (change, field) case after its kind, field and rank: `reply-message-1`."""
    name = "report" if kind == "delivery" else kind
    ranks: dict[str, int] = {}
    params = []
    for change, field in cases:
        ranks[field] = ranks.get(field, -1) + 1
        params.append(
            pytest.param(kind, change, field, id=f"{name}-{field}-{ranks[field]}")
        )
    return params


@pytest.mark.parametrize(
    ("parse", "params", "expected"),
    [
        pytest.param(
            parse_delivery_callback,
            REPORT,
            DeliveryCallback(
                number="33612345678",
                status=11,
                received_at=datetime(2010, 3, 25, 8, 52, 17, tzinfo=UTC),
                sms_id="S7EpYZ5kmS87",
                ref_client="12azer34",
                mcc_mnc="20801",
                cost=1.0,
            ),
            id="report-reference",
        ),
        # Only the identity is needed; names in any case, `+` dropped.
        pytest.param(
            parse_delivery_callback,
            {"numero": "+33612345678", "statut": "13", "smsid": "x"},
            DeliveryCallback(
                number="33612345678",
                status=13,
                received_at=None,
                sms_id="x",
                ref_client=None,
                mcc_mnc=None,
                cost=None,
            ),
            id="report-minimal-lower-case",
        ),
        pytest.param(
            parse_reply_callback,
            REPLY | {"message": " bonjour | à vous\n"},
            ReplyCallback(
                smsmode_number="36034",
                message=" bonjour | à vous\n",
                sender="33601020304",
                received_at=datetime(2013, 1, 1, 11, 22, 33, tzinfo=UTC),
                sms_id="abcd1234",
                ref_client="monclient123",
                response_id="azertyu123",
            ),
            id="reply-reference",
        ),
        # A reply needs its id, its sender and its text (which may be empty).
        pytest.param(
            parse_reply_callback,
            {"message": "", "emetteur": "+33601020304", "responseid": "r1"},
            ReplyCallback(
                smsmode_number=None,
                message="",
                sender="33601020304",
                received_at=None,
                sms_id=None,
                ref_client=None,
                response_id="r1",
            ),
            id="reply-minimal-lower-case",
        ),
    ],
)
def test_callback_read(parse: Parse, params: dict[str, str], expected: object) -> None:
    """The reference's examples, and the least a callback can be."""
    assert parse(params) == expected


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        # What smsmode may print for a cost: a comma, a Java double, none.
        ({"cost": "0,045"}, "cost", 0.045),
        ({"cost": "0.045"}, "cost", 0.045),
        ({"cost": "1.0"}, "cost", 1.0),
        ({"cost": "4.5E-4"}, "cost", 0.00045),
        ({"cost": " 2 "}, "cost", 2.0),
        ({"cost": "1.23456"}, "cost", 1.23456),
        ({"cost": ""}, "cost", None),
        # An unknown operator: 0, or nothing.
        ({"mcc_mnc": "0"}, "mcc_mnc", None),
        ({"mcc_mnc": ""}, "mcc_mnc", None),
        ({"mcc_mnc": "208150"}, "mcc_mnc", "208150"),
        # A Java timestamp's fraction of a second.
        (
            {"date_reception": "2010-03-25 09:52:17.0"},
            "received_at",
            datetime(2010, 3, 25, 8, 52, 17, tzinfo=UTC),
        ),
        ({"date_reception": "25032010-095217"}, "received_at", None),
        ({"date_reception": ""}, "received_at", None),
        ({"refClient": ""}, "ref_client", None),
    ],
)
def test_delivery_callback_lenient_fields(
    change: dict[str, str], field: str, value: object
) -> None:
    """A field that only describes the report never makes it refused."""
    callback = parse_delivery_callback(REPORT | change)
    assert getattr(callback, field) == value
    assert (callback.number, callback.status, callback.sms_id) == (
        "33612345678",
        11,
        "S7EpYZ5kmS87",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cost": "free"}, "cost"),
        ({"cost": "-1"}, "cost"),
        ({"cost": "\u0661"}, "cost"),  # an Arabic-Indic digit
        ({"cost": "9e99999"}, "cost"),
        ({"mcc_mnc": "orange"}, "mcc_mnc"),
        ({"mcc_mnc": "2080"}, "mcc_mnc"),
        ({"date_reception": "2010-3-25 9:52:17"}, "date_reception"),
        ({"date_reception": "2010-03-25 09:52:17 extra"}, "date_reception"),
        ({"date_reception": "2026-02-30 10:00:00"}, "date_reception"),
        ({"refClient": "r" * 65}, "refClient"),
        ({"refClient": "line\nbreak"}, "refClient"),
    ],
)
def test_delivery_callback_unreadable_fields_are_null(
    change: dict[str, str], field: str
) -> None:
    """An unreadable descriptive field is None, and named in `unread`."""
    callback = parse_delivery_callback(REPORT | change)
    attribute = {
        "cost": "cost",
        "mcc_mnc": "mcc_mnc",
        "date_reception": "received_at",
        "refClient": "ref_client",
    }[field]
    assert getattr(callback, attribute) is None
    assert callback.unread == (field,)


def test_delivery_callback_names_every_unreadable_field() -> None:
    callback = parse_delivery_callback(
        REPORT | {"cost": "?", "mcc_mnc": "x", "date_reception": "now"}
    )
    assert set(callback.unread) == {"cost", "mcc_mnc", "date_reception"}
    assert parse_delivery_callback(REPORT).unread == ()


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [
        *_kind(
            "delivery",
            ({"numero": None}, "numero"),
            ({"numero": ""}, "numero"),
            ({"numero": "abc"}, "numero"),
            ({"numero": "12345"}, "numero"),  # too short for a phone number
            ({"numero": "3361234567890123"}, "numero"),  # longer than E.164 allows
            # Digits, but not ASCII ones (Arabic-Indic).
            (
                {"numero": "\u0663\u0663\u0666\u0661\u0662\u0663\u0664\u0665\u0666"},
                "numero",
            ),
            ({"statut": None}, "statut"),
            ({"statut": "received"}, "statut"),
            ({"statut": "\u0661\u0661"}, "statut"),
            ({"statut": "12345"}, "statut"),
            ({"smsID": None}, "smsID"),
            ({"smsID": ""}, "smsID"),
            ({"smsID": "abc def"}, "smsID"),
            ({"smsID": "x" * 65}, "smsID"),
        ),
        # A reply's id, sender and text are checked as strictly as a report's.
        *_kind(
            "reply",
            ({"responseID": None}, "responseID"),
            ({"responseID": ""}, "responseID"),
            ({"responseID": "r 1"}, "responseID"),
            ({"emetteur": "unknown"}, "emetteur"),
            ({"emetteur": ""}, "emetteur"),
            ({"emetteur": "+33 6 01 02 03 04"}, "emetteur"),
            # Full-width digits.
            (
                {"emetteur": "\uff13\uff13\uff16\uff10\uff11\uff10\uff12\uff10\uff13"},
                "emetteur",
            ),
            ({"message": None}, "message"),
            ({"message": "x" * (MAX_REPLY_LENGTH + 1)}, "message"),
            ({"message": "bell\x07"}, "message"),
        ),
    ],
)
def test_callback_identity_is_strict(
    kind: str, change: dict[str, str | None], field: str
) -> None:
    """The fields that make a callback hold only what smsmode sends: else refused."""
    base, parse, number = IDENTITY[kind]
    params = {k: v for k, v in (base | change).items() if v is not None}
    with pytest.raises(SmsmodeCallbackError, match=f"Invalid {kind} callback") as err:
        parse(params)
    assert err.value.field == field
    assert err.value.reason == f"{kind}_{field.lower()}"
    # Only parameter names are quoted: never a value (a number, a long text).
    assert number not in str(err.value)


@pytest.mark.parametrize(
    ("change", "field", "attribute"),
    [
        ({"numero": "12"}, "numero", "smsmode_number"),
        ({"numero": "smsmode"}, "numero", "smsmode_number"),
        ({"smsID": "é"}, "smsID", "sms_id"),
        ({"smsID": "a b"}, "smsID", "sms_id"),
        ({"refClient": "r" * 65}, "refClient", "ref_client"),
        ({"date_reception": "2013-01-01 12:22:33"}, "date_reception", "received_at"),
        ({"date_reception": "1012013-122233"}, "date_reception", "received_at"),
        ({"date_reception": "01012013-240000"}, "date_reception", "received_at"),
    ],
)
def test_reply_callback_unreadable_fields_are_null(
    change: dict[str, str], field: str, attribute: str
) -> None:
    """A field that only describes the reply is None when unreadable."""
    callback = parse_reply_callback(REPLY | change)
    assert getattr(callback, attribute) is None
    assert callback.unread == (field,)
    assert (callback.response_id, callback.sender, callback.message) == (
        "azertyu123",
        "33601020304",
        "bonjour",
    )


def test_reply_callback_longest_text_and_line_breaks() -> None:
    """A long reply with line breaks and tabs is a reply like any other."""
    text = ("ligne\r\n\t" * MAX_REPLY_LENGTH)[:MAX_REPLY_LENGTH]
    assert parse_reply_callback(REPLY | {"message": text}).message == text


def test_callback_kind_told_by_the_reply_fields() -> None:
    """`emetteur` or `responseID` make a reply; anything else is a report."""
    reply = {k: v for k, v in REPLY.items() if k != "responseID"} | {"RESPONSEID": "r"}
    assert isinstance(parse_callback(reply), ReplyCallback)
    assert isinstance(parse_callback(REPORT), DeliveryCallback)
    with pytest.raises(SmsmodeCallbackError, match="Invalid reply callback"):
        parse_callback({**REPORT, "emetteur": ""})
    with pytest.raises(SmsmodeCallbackError, match="Invalid delivery callback"):
        parse_callback({})
