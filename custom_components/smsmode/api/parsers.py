"""One parser per reply format of the smsmode API.

Every parser is tolerant of what a plain-text API varies on (spaces around "|", CRLF,
a trailing separator, an empty list) and strict about everything else: a reply that
is not in the expected format raises `SmsmodeResponseError` quoting its start. An
error reply (`32 | Erreur d'authentification`) where data was expected raises the
matching `SmsmodeApiError`.
"""

import json
import re
from typing import TYPE_CHECKING

from .dates import parse_list_datetime
from .exceptions import SmsmodeResponseError, api_error
from .models import ApiKey, CodeReply, DeliveryReportEntry, Reply, SentSms, SmsStatus

if TYPE_CHECKING:
    from collections.abc import Callable

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_PHONE = re.compile(r"\+?\d+")
_TOKEN = re.compile(r"\S+")
_REPORT_ENTRY = re.compile(r"\+?(\d+)\s+(\d+)")
# Long runs of letters and digits look like tokens: never quote them.
_SECRET_LIKE = re.compile(r"[A-Za-z0-9_-]{16,}")
# In smsStatus replies these codes are errors (section 11); every other code is a
# status of the annex. 35 there means "invalid parameters", not "reception error".
_STATUS_ERRORS = frozenset({31, 32, 35, 61})


def _fields(line: str) -> list[str]:
    """Split a line on "|", strip each field, drop the trailing separator's field."""
    fields = [field.strip() for field in line.split("|")]
    if len(fields) > 1 and not fields[-1]:
        fields.pop()
    return fields


def _raise_if_error_reply(body: str) -> None:
    """Raise the provider's error when the body is `code | description`, code not 0.

    No data reply has that shape: a balance has no "|", a report entry starts with
    a number and a status, list records have at least five fields.
    """
    text = body.strip()
    if "\n" in text:
        return
    fields = _fields(text)
    if len(fields) == 2 and _INTEGER.fullmatch(fields[0]) and int(fields[0]) != 0:
        raise api_error(int(fields[0]), fields[1])


def parse_code_reply(body: str) -> CodeReply:
    """Parse `code | description | id` (description and id optional)."""
    text = body.strip()
    fields = _fields(text)
    if "\n" in text or len(fields) > 3 or not _INTEGER.fullmatch(fields[0]):
        raise SmsmodeResponseError("Expected 'code | description | id'", body)
    description = fields[1] if len(fields) > 1 else ""
    reply_id = fields[2] if len(fields) > 2 else ""
    return CodeReply(int(fields[0]), description, reply_id or None)


def smsmode_decimal(text: str) -> float:
    """Read a number smsmode may write with a decimal comma (`0,045`)."""
    return float(text.replace(",", "."))


def parse_balance(body: str) -> float:
    """Parse the bare number of credits (`212.5`; negative on post-paid accounts)."""
    _raise_if_error_reply(body)
    text = body.strip()
    if not _DECIMAL.fullmatch(text):
        raise SmsmodeResponseError("Expected a number of credits", body)
    return smsmode_decimal(text)


def parse_delivery_report(body: str) -> list[DeliveryReportEntry]:
    """Parse `33600000000 11 | 33611111111 13` (entries may also be on lines)."""
    _raise_if_error_reply(body)
    entries = []
    for item in re.split(r"[|\n]", body):
        if not item.strip():
            continue
        match = _REPORT_ENTRY.fullmatch(item.strip())
        if match is None:
            raise SmsmodeResponseError("Expected 'number status | …'", body)
        entries.append(DeliveryReportEntry(match[1], int(match[2])))
    return entries


def _parse_records[T](
    body: str,
    left: int,
    right: int,
    build: Callable[[list[str], str, list[str]], T | None],
) -> list[T]:
    """Parse list records whose free text (between fixed fields) may hold "|" and newlines.

    Fixed fields are taken from the left and from the right, the text is what lies
    between; a record continues on the next line until `build` accepts its fields
    (it returns None while they do not validate yet).
    """
    _raise_if_error_reply(body)
    records: list[T] = []
    pending: str | None = None
    for line in body.split("\n"):
        if pending is None:
            if not line.strip():
                continue
            pending = line
        else:
            pending = f"{pending}\n{line}"
        parts = pending.split("|")
        # An empty last field is the trailing separator, or an empty last value.
        candidates = [parts[:-1], parts] if not parts[-1].strip() else [parts]
        for fields in candidates:
            if len(fields) < left + 1 + right:
                continue
            record = build(
                [field.strip() for field in fields[:left]],
                "|".join(fields[left : len(fields) - right]).strip(" "),
                [field.strip() for field in fields[len(fields) - right :]],
            )
            if record is not None:
                records.append(record)
                pending = None
                break
    if pending is not None:
        raise SmsmodeResponseError("Incomplete list record", pending)
    return records


def _build_sent_sms(head: list[str], text: str, tail: list[str]) -> SentSms | None:
    """Build a sent-SMS record when its fixed fields are valid."""
    sms_id, date = head
    recipient, cost, count = tail
    if not (
        _TOKEN.fullmatch(sms_id)
        and "\n" not in recipient
        and _DECIMAL.fullmatch(cost)
        and _INTEGER.fullmatch(count)
    ):
        return None
    try:
        sent_at = parse_list_datetime(date)
    except ValueError:
        return None
    return SentSms(sms_id, sent_at, text, recipient, smsmode_decimal(cost), int(count))


def parse_sent_sms_list(body: str) -> list[SentSms]:
    """Parse `smsId | date | text | recipient | cost | recipient_count |` lines."""
    return _parse_records(body, 2, 3, _build_sent_sms)


def _build_reply(head: list[str], text: str, tail: list[str]) -> Reply | None:
    """Build a reply record when its fixed fields are valid."""
    response_id, date, sender = head
    recipient, sms_id = tail
    if not (
        _TOKEN.fullmatch(response_id)
        and _PHONE.fullmatch(sender)
        and _PHONE.fullmatch(recipient)
        and (not sms_id or _TOKEN.fullmatch(sms_id))
    ):
        return None
    try:
        received_at = parse_list_datetime(date)
    except ValueError:
        return None
    return Reply(response_id, received_at, sender, text, recipient, sms_id or None)


def parse_reply_list(body: str) -> list[Reply]:
    """Parse `response_ID | date | from | text | to | message_ID` lines."""
    return _parse_records(body, 3, 2, _build_reply)


def parse_sms_status(body: str) -> SmsStatus:
    """Parse `status | description` (`0 | Envoyé`); 31, 32, 35 and 61 are errors."""
    reply = parse_code_reply(body)
    if reply.code in _STATUS_ERRORS:
        raise api_error(reply.code, reply.description)
    return SmsStatus(reply.code, reply.description)


def parse_api_key(body: str) -> ApiKey:
    """Parse the JSON of `createAuthorisation.do`.

    `id` and `accessToken` are required; the other fields, whose format the
    reference does not give, are kept as text ("" when absent). Error messages never
    quote the token: only field names, or the body with token-like runs masked.
    """
    try:
        data = json.loads(body)
    except ValueError:
        _raise_if_error_reply(body)
        raise SmsmodeResponseError(
            "Expected a JSON API key", _SECRET_LIKE.sub("…", body)
        ) from None
    if not isinstance(data, dict):
        raise SmsmodeResponseError("Expected a JSON object", type(data).__name__)
    values = {str(key).lower(): value for key, value in data.items()}
    token = values.get("accesstoken")
    if values.get("id") in (None, "") or not isinstance(token, str) or not token:
        raise SmsmodeResponseError(
            "Expected 'id' and 'accessToken'", ", ".join(map(str, data))
        )

    def text(name: str) -> str:
        value = values.get(name)
        return "" if value is None else str(value)

    return ApiKey(
        text("id"),
        token,
        text("creationdate"),
        text("state"),
        text("expiration"),
        text("account"),
    )
