"""Build what the client sends, refusing what smsmode would mangle, cut or reject.

Pure functions: each validates one part of a request and returns the form fields
(or the batch file) for it, so nothing is sent until the whole request is valid.
"""

from collections.abc import Mapping, Sequence
import csv
from datetime import UTC, date, datetime
import io
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import quote_plus

from .const import PARIS
from .dates import format_smsmode_datetime
from .exceptions import (
    SmsmodeBatchRowError,
    SmsmodeEncodingError,
    SmsmodeInvalidScheduleError,
    SmsmodeInvalidSenderError,
    SmsmodeMessageTooLongError,
    SmsmodeValidationError,
)
from .message import MAX_SEGMENTS, Encoding, MessageAnalysis, StopMode, analyse
from .recipients import validate_ref_client, validate_sender

if TYPE_CHECKING:
    from .models import BatchMessage

type Fields = Mapping[str, str | bytes | None]

_CLASS_FOR_ENCODING = {Encoding.GSM7: "2", Encoding.UNICODE: "9"}
_CLASS_REPLY_ALLOWED = "4"
# Voice texts and batch files travel as ISO-8859-15, like SMS of classes 2 and 4.
LATIN9 = "iso-8859-15"
_BATCH_HEADER = ("numero", "message", "emetteur", "refClient")
# The reference gives no format for birth dates; this is the day part of its others.
_BIRTH_DATE_FORMAT = "%d%m%Y"


def urlencode_form(fields: Fields, charset: str = LATIN9) -> bytes:
    """Build a form body in one charset: bytes values as they are, text encoded.

    smsmode reads a request in one charset: ISO-8859-15 (`€` is `%A4`), or UTF-8
    for a Unicode SMS (class 9). aiohttp would encode every value as UTF-8, so a
    group or contact name ("Élèves") would not read back. Text the charset cannot
    hold is refused, naming the characters. None means absent.
    """
    parts = []
    for name, value in fields.items():
        if value is None:
            continue
        try:
            raw = value.encode(charset) if isinstance(value, str) else value
        except UnicodeEncodeError:
            raise SmsmodeEncodingError(
                _unencodable(str(value), charset),
                reason="unsupported_characters",
                description=f"smsmode cannot take these characters in {name}",
            ) from None
        parts.append(f"{name}={quote_plus(raw)}")
    return "&".join(parts).encode("ascii")


def _unencodable(text: str, charset: str) -> list[str]:
    """Return the characters of `text` that `charset` lacks, each once, in order."""
    return [c for c in dict.fromkeys(text) if not c.encode(charset, "ignore")]


def check_text(
    message: str,
    *,
    encoding: Encoding | None,
    stop: StopMode,
    reply_allowed: bool,
    max_segments: int,
) -> MessageAnalysis:
    """Analyse an SMS text and refuse what smsmode would replace by "?" or cut.

    Class 4 (replies allowed) is GSM only: a text needing Unicode is refused rather
    than sent as class 9 without the reply feature the caller asked for.
    """
    if not message:
        raise SmsmodeValidationError("empty_message", "The message is empty")
    if not 0 < max_segments <= MAX_SEGMENTS:
        raise SmsmodeValidationError(
            "invalid_max_segments", f"max_segments must be 1 to {MAX_SEGMENTS}"
        )
    analysis = analyse(message, encoding=encoding, stop=stop)
    if reply_allowed and analysis.encoding is not Encoding.GSM7:
        raise SmsmodeEncodingError(
            analysis.non_gsm,
            reason="reply_requires_gsm",
            description="SMS allowing replies (class 4) only carry GSM characters",
        )
    if analysis.encoding is Encoding.GSM7 and analysis.non_gsm:
        raise SmsmodeEncodingError(analysis.non_gsm)
    if analysis.segments > max_segments:
        raise SmsmodeMessageTooLongError(
            units=analysis.units,
            segments=analysis.segments,
            max_segments=max_segments,
            encoding=analysis.encoding,
        )
    return analysis


def send_options(
    analysis: MessageAnalysis,
    *,
    max_segments: int,
    reply_allowed: bool,
    sender: str | None,
    scheduled_at: datetime | None,
    ref_client: str | None,
    notification_url: str | None,
    now: datetime | None,
) -> dict[str, str | None]:
    """Fields shared by single and batch sends: class, length cap, sender, time, tag.

    `nbr_msg` is the cap (`max_segments`), not the estimate: smsmode cuts a text
    beyond it, and its own count may exceed ours (the STOP mention abroad has a
    length the reference does not give). `check_text` already refused a text whose
    estimate exceeds the cap.
    """
    return {
        "classe_msg": _CLASS_REPLY_ALLOWED
        if reply_allowed
        else _CLASS_FOR_ENCODING[analysis.encoding],
        "nbr_msg": str(max_segments),
        "emetteur": sender_field(sender, reply_allowed=reply_allowed),
        "date_envoi": schedule_field(scheduled_at, now),
        "refClient": None if ref_client is None else validate_ref_client(ref_client),
        "notification_url": notification_url,
    }


def sender_field(sender: str | None, *, reply_allowed: bool) -> str | None:
    """Validate a custom sender; SMS allowing replies cannot have one."""
    if sender is None:
        return None
    if reply_allowed:
        raise SmsmodeInvalidSenderError(
            "sender_with_reply", "SMS allowing replies cannot have a custom sender"
        )
    return validate_sender(sender)


def schedule_field(scheduled_at: datetime | None, now: datetime | None) -> str | None:
    """Format a send time (Paris), refusing a past one (`now` injectable for tests).

    A time in the hour repeated when Paris clocks go back is refused too:
    `ddMMyyyy-HH:mm` cannot say which of the two 02:30 is meant, and smsmode
    could send an hour early.
    """
    if scheduled_at is None:
        return None
    value = format_smsmode_datetime(scheduled_at)
    local = scheduled_at.astimezone(PARIS)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        raise SmsmodeInvalidScheduleError(
            "ambiguous_datetime",
            "The scheduled time falls in the hour repeated when clocks go back",
        )
    if scheduled_at < (now or datetime.now(UTC)):
        raise SmsmodeInvalidScheduleError(
            "past_datetime", "The scheduled time is in the past"
        )
    return value


def date_field(value: datetime | None) -> str | None:
    """Format a date range bound when given."""
    return None if value is None else format_smsmode_datetime(value)


def birth_date_field(value: date | None) -> str | None:
    """Format a birth date when given."""
    return None if value is None else value.strftime(_BIRTH_DATE_FORMAT)


def latin9_text(text: str) -> bytes:
    """Encode a voice text as ISO-8859-15, listing the characters it lacks."""
    try:
        return text.encode(LATIN9)
    except UnicodeEncodeError:
        raise SmsmodeEncodingError(
            _unencodable(text, LATIN9),
            reason="non_latin9_characters",
            description="Voice messages only carry ISO-8859-15 characters",
        ) from None


def batch_file(
    numbers: Sequence[str], rows: Sequence[BatchMessage], *, reply_allowed: bool
) -> bytes:
    """Write the batch CSV (ISO-8859-15, every field quoted, the documented header).

    The texts must have been checked as GSM, which ISO-8859-15 holds entirely. A
    text with a line break is refused, naming its row (from 1): the reference does
    not say how smsmode reads a quoted field over several lines, so it could cut the
    text or take the rest for another row.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(_BATCH_HEADER)
    for index, (number, row) in enumerate(zip(numbers, rows, strict=True), 1):
        if "\n" in row.message or "\r" in row.message:
            raise SmsmodeBatchRowError(index)
        writer.writerow(
            (
                number,
                row.message,
                sender_field(row.sender, reply_allowed=reply_allowed) or "",
                "" if row.ref_client is None else validate_ref_client(row.ref_client),
            )
        )
    return buffer.getvalue().encode(LATIN9)


class SubAccountDetails(TypedDict, total=False):
    """A sub-account's optional details, by their English names."""

    reference: str | None
    last_name: str | None
    first_name: str | None
    company: str | None
    address: str | None
    city: str | None
    postal_code: str | None
    mobile: str | None
    phone: str | None
    fax: str | None
    email: str | None


# smsmode's name for each detail of a sub-account.
_SUB_ACCOUNT_FIELDS = {
    "reference": "reference",
    "last_name": "nom",
    "first_name": "prenom",
    "company": "societe",
    "address": "adresse",
    "city": "ville",
    "postal_code": "codePostal",
    "mobile": "mobile",
    "phone": "telephone",
    "fax": "fax",
    "email": "email",
}


def sub_account_fields(details: SubAccountDetails) -> dict[str, str | None]:
    """Return a sub-account's details as smsmode's createSubAccount fields.

    Each is text or None (absent), as SubAccountDetails types it.
    """
    return {
        _SUB_ACCOUNT_FIELDS[name]: value
        for name, value in details.items()
        if isinstance(value, str | None)
    }
