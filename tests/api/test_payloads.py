"""What is sent: form bodies, validated options, the batch file."""

import csv
from datetime import UTC, date, datetime, timedelta
import io
from urllib.parse import parse_qs

import pytest

from aiosmsmode.exceptions import (
    SmsmodeEncodingError,
    SmsmodeInvalidScheduleError,
    SmsmodeInvalidSenderError,
    SmsmodeMessageTooLongError,
    SmsmodeValidationError,
)
from aiosmsmode.message import Encoding, StopMode, analyse
from aiosmsmode.models import BatchMessage
from aiosmsmode.payloads import (
    batch_file,
    birth_date_field,
    check_text,
    date_field,
    latin9_text,
    schedule_field,
    send_options,
    sender_field,
    urlencode_form,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_urlencode_form_in_the_request_charset() -> None:
    """One charset per request: text fields in it, bytes (the SMS text) as they are."""
    fields = {
        "accessToken": "k",
        "message": "Prix: 5€ é".encode("iso-8859-15"),
        "groupe": "Élèves",
        "absent": None,
        "space": "a b&c=d+e",
    }
    body = urlencode_form(fields)
    assert body == (
        b"accessToken=k&message=Prix%3A+5%A4+%E9&groupe=%C9l%E8ves"
        b"&space=a+b%26c%3Dd%2Be"
    )
    assert parse_qs(body.decode(), encoding="iso-8859-15")["message"] == ["Prix: 5€ é"]
    assert parse_qs(body.decode(), encoding="iso-8859-15")["groupe"] == ["Élèves"]
    utf8 = urlencode_form({**fields, "message": "😀".encode(), "emoji": "😀"}, "utf-8")
    assert b"groupe=%C3%89l%C3%A8ves" in utf8
    assert b"emoji=%F0%9F%98%80" in utf8


def test_urlencode_form_refuses_what_the_charset_lacks() -> None:
    """ISO-8859-15 has no emoji nor "ł": refused, naming them, nothing built."""
    with pytest.raises(SmsmodeEncodingError) as err:
        urlencode_form({"nom": "Łukasz 😀 Été"})
    assert err.value.reason == "unsupported_characters"
    assert err.value.characters == ("Ł", "😀")


def check(message: str, **kwargs: object) -> object:
    options: dict[str, object] = {
        "encoding": None,
        "stop": StopMode.NONE,
        "reply_allowed": False,
        "max_segments": 5,
    } | kwargs
    return check_text(message, **options)  # type: ignore[arg-type]


def test_check_text_accepts_up_to_the_limit() -> None:
    assert check("a" * 765) == analyse("a" * 765)
    assert check("a" * 160, max_segments=1) == analyse("a" * 160)
    assert check("ж" * 70, max_segments=1) == analyse("ж" * 70)


@pytest.mark.parametrize(
    ("message", "max_segments", "segments"),
    [
        ("a" * 766, 5, 6),
        ("a" * 161, 1, 2),
        ("a" * 307, 2, 3),
        ("ж" * 71, 1, 2),
        ("😀" * 168, 5, 6),
    ],
)
def test_check_text_refuses_too_long(
    message: str, max_segments: int, segments: int
) -> None:
    with pytest.raises(SmsmodeMessageTooLongError) as err:
        check(message, max_segments=max_segments)
    assert (err.value.segments, err.value.max_segments) == (segments, max_segments)


def test_check_text_counts_stop() -> None:
    with pytest.raises(SmsmodeMessageTooLongError):
        check("a" * 150, stop=StopMode.ALWAYS, max_segments=1)
    assert check("a" * 149, stop=StopMode.IF_FREE, max_segments=1).units == 160  # type: ignore[attr-defined]


@pytest.mark.parametrize(("max_segments"), [0, 6, -1])
def test_check_text_max_segments_bounds(max_segments: int) -> None:
    with pytest.raises(SmsmodeValidationError) as err:
        check("a", max_segments=max_segments)
    assert err.value.reason == "invalid_max_segments"


def test_check_text_empty() -> None:
    with pytest.raises(SmsmodeValidationError) as err:
        check("")
    assert err.value.reason == "empty_message"


def test_explicit_gsm_with_non_gsm_characters() -> None:
    with pytest.raises(SmsmodeEncodingError) as err:
        check("Ça coûte 5€ 😀", encoding=Encoding.GSM7)
    assert err.value.characters == ("û", "😀")
    assert err.value.reason == "non_gsm_characters"


def test_reply_allowed_is_gsm_only() -> None:
    with pytest.raises(SmsmodeEncodingError) as err:
        check("Répondez 👍", reply_allowed=True)
    assert (err.value.reason, err.value.characters) == ("reply_requires_gsm", ("👍",))
    with pytest.raises(SmsmodeEncodingError):
        check("plain", reply_allowed=True, encoding=Encoding.UNICODE)
    assert check("Répondez OUI", reply_allowed=True).encoding is Encoding.GSM7  # type: ignore[attr-defined]


def test_send_options() -> None:
    options = send_options(
        analyse("ж" * 100),
        max_segments=3,
        reply_allowed=False,
        sender="Shop",
        scheduled_at=datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        ref_client="ref-1",
        notification_url="https://example.org/cb",
        now=NOW,
    )
    assert options == {
        "classe_msg": "9",
        "nbr_msg": "3",
        "emetteur": "Shop",
        "date_envoi": "29032026-03:00",
        "refClient": "ref-1",
        "notification_url": "https://example.org/cb",
    }
    reply = send_options(
        analyse("a"),
        max_segments=5,
        reply_allowed=True,
        sender=None,
        scheduled_at=None,
        ref_client=None,
        notification_url=None,
        now=None,
    )
    assert reply == {
        "classe_msg": "4",
        "nbr_msg": "5",
        "emetteur": None,
        "date_envoi": None,
        "refClient": None,
        "notification_url": None,
    }


def test_sender_refused_with_reply() -> None:
    with pytest.raises(SmsmodeInvalidSenderError) as err:
        sender_field("Shop", reply_allowed=True)
    assert err.value.reason == "sender_with_reply"
    with pytest.raises(SmsmodeInvalidSenderError):
        sender_field("06123", reply_allowed=False)
    assert sender_field(None, reply_allowed=True) is None


def test_schedule_field() -> None:
    assert schedule_field(None, NOW) is None
    assert schedule_field(NOW, NOW) == "01032026-13:00"
    assert schedule_field(NOW + timedelta(days=1), NOW) == "02032026-13:00"
    with pytest.raises(SmsmodeInvalidScheduleError) as err:
        schedule_field(NOW - timedelta(seconds=1), NOW)
    assert err.value.reason == "past_datetime"
    with pytest.raises(SmsmodeInvalidScheduleError) as err:
        schedule_field(datetime(2030, 1, 1), NOW)  # noqa: DTZ001
    assert err.value.reason == "naive_datetime"
    # Without `now`, the real clock.
    with pytest.raises(SmsmodeInvalidScheduleError):
        schedule_field(datetime(2000, 1, 1, tzinfo=UTC), None)
    assert schedule_field(datetime(2999, 1, 1, tzinfo=UTC), None) == "01012999-01:00"


@pytest.mark.parametrize(
    ("utc_time", "expected"),
    [
        # 25 October 2026: Paris goes from 03:00 CEST back to 02:00 CET at 01:00 UTC.
        ("2026-10-24T23:59:00+00:00", "25102026-01:59"),
        ("2026-10-25T02:00:00+00:00", "25102026-03:00"),
        # 29 March 2026: 02:00 CET jumps to 03:00 CEST at 01:00 UTC, nothing repeats.
        ("2026-03-29T00:59:00+00:00", "29032026-01:59"),
        ("2026-03-29T01:00:00+00:00", "29032026-03:00"),
    ],
)
def test_schedule_field_around_clock_changes(utc_time: str, expected: str) -> None:
    assert schedule_field(datetime.fromisoformat(utc_time), NOW) == expected


@pytest.mark.parametrize(
    "utc_time",
    [
        "2026-10-25T00:00:00+00:00",  # 02:00 CEST
        "2026-10-25T00:30:00+00:00",  # 02:30 CEST, the first 02:30
        "2026-10-25T01:30:00+00:00",  # 02:30 CET, the second 02:30
        "2026-10-25T01:59:00+00:00",  # 02:59 CET
    ],
)
def test_schedule_field_refuses_the_repeated_hour(utc_time: str) -> None:
    """Both readings of 02:xx on the night clocks go back are refused."""
    with pytest.raises(SmsmodeInvalidScheduleError) as err:
        schedule_field(datetime.fromisoformat(utc_time), NOW)
    assert err.value.reason == "ambiguous_datetime"


def test_simple_fields() -> None:
    assert date_field(None) is None
    assert date_field(datetime(2014, 1, 1, tzinfo=UTC)) == "01012014-01:00"
    assert birth_date_field(None) is None
    assert birth_date_field(date(1980, 7, 14)) == "14071980"


def test_latin9_text() -> None:
    assert latin9_text("Ça coûte 5€, œuvre") == "Ça coûte 5€, œuvre".encode(
        "iso-8859-15"
    )
    with pytest.raises(SmsmodeEncodingError) as err:
        latin9_text("Привет 😀 ok П")
    assert err.value.reason == "non_latin9_characters"
    assert err.value.characters == (*"Привет", "😀")


def test_batch_file() -> None:
    rows = [
        BatchMessage("0612345678", 'Bonjour "Jean", 5€, à demain', "RDV", "ref123"),
        BatchMessage("0611111111", "Message 2"),
    ]
    data = batch_file(["33612345678", "33611111111"], rows, reply_allowed=False)
    text = data.decode("iso-8859-15")
    assert text.splitlines()[0] == '"numero","message","emetteur","refClient"'
    assert b"5\xa4" in data
    assert list(csv.reader(io.StringIO(text))) == [
        ["numero", "message", "emetteur", "refClient"],
        ["33612345678", 'Bonjour "Jean", 5€, à demain', "RDV", "ref123"],
        ["33611111111", "Message 2", "", ""],
    ]


def test_batch_file_row_checks() -> None:
    with pytest.raises(SmsmodeInvalidSenderError):
        batch_file(["33612345678"], [BatchMessage("x", "m", "RDV")], reply_allowed=True)
    with pytest.raises(SmsmodeValidationError):
        batch_file(
            ["33612345678"],
            [BatchMessage("x", "m", None, "r" * 41)],
            reply_allowed=False,
        )
