"""smsmode's two callbacks: strict on what makes them, lenient on the rest.

Anyone who learns the webhook URL can call it, so the fields that make a callback
(sections 12 and 13: a report's number, status and SMS id; a reply's id, sender
and text) are checked strictly, ASCII digits only: without them it is refused.
The fields that only describe it (date, refClient, operator, cost, the smsmode
number a reply came to) are read when they can be and are None otherwise:
smsmode does not document all it sends (a cost of `0,045`, an operator of `0`, a
date ending in `.0`), and a report refused for one of them would be lost for good.
"""

from collections.abc import Callable, Mapping
import math
import re

from .dates import parse_callback_datetime, parse_reply_callback_datetime
from .exceptions import SmsmodeCallbackError
from .models import DeliveryCallback, ReplyCallback
from .parsers import smsmode_decimal

_PHONE = re.compile(r"\+?[0-9]{6,15}")
_SHORT_NUMBER = re.compile(r"\+?[0-9]{3,15}")  # smsmode's own number (`36034`)
_ID = re.compile(r"[\x21-\x7e]{1,64}")
_STATUS = re.compile(r"[0-9]{1,4}")
# Credits as smsmode or Java may print them: `1`, `0.045`, `0,045`, `4.5E-4`.
_COST = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,9})?(?:[eE][+-]?[0-9]{1,2})?")
_MCC_MNC = re.compile(r"[0-9]{5,6}")
_MAX_REF_LENGTH = 64
# A reply's text: 5 concatenated Unicode SMS are 335 characters; a long reply
# may be longer, but never pages.
MAX_REPLY_LENGTH = 2000


def _number(pattern: re.Pattern[str]) -> Callable[[str], str | None]:
    """Read a number as international digits without "+"."""

    def read(value: str) -> str | None:
        text = value.strip()
        return text.removeprefix("+") if pattern.fullmatch(text) else None

    return read


def _id(value: str) -> str | None:
    """Read an id (`smsID`, `responseID`): a short run of printable ASCII."""
    text = value.strip()
    return text if _ID.fullmatch(text) else None


def _status(value: str) -> int | None:
    """Read a status code of the annex (kept as an int, known or not)."""
    text = value.strip()
    return int(text) if _STATUS.fullmatch(text) else None


def _ref_client(value: str) -> str | None:
    """Read `refClient` echoed back: the sender's own printable tag."""
    return value if len(value) <= _MAX_REF_LENGTH and value.isprintable() else None


def _mcc_mnc(value: str) -> str | None:
    """Read an operator code: 5 or 6 digits (an unknown operator may give `0`)."""
    text = value.strip()
    return text if _MCC_MNC.fullmatch(text) else None


def _cost(value: str) -> float | None:
    """Read a cost in credits, with a decimal point or comma."""
    text = value.strip()
    if not _COST.fullmatch(text):
        return None
    cost = smsmode_decimal(text)
    return cost if math.isfinite(cost) else None


def _date[T](parse: Callable[[str], T]) -> Callable[[str], T | None]:
    """Read a date with one of the dates module's callback parsers."""

    def read(value: str) -> T | None:
        try:
            return parse(value)
        except ValueError:
            return None

    return read


def _reply_text(value: str) -> str | None:
    """Read a reply's text: what a phone can have sent, empty or not."""
    if len(value) > MAX_REPLY_LENGTH or not all(
        char.isprintable() or char in "\n\r\t" for char in value
    ):
        return None
    return value


class _Reader:
    """One callback's parameters by lower-case name (`smsID` or `smsid`).

    Remembers the optional fields that were given but could not be read.
    """

    def __init__(self, kind: str, params: Mapping[str, str]) -> None:
        self._kind = kind
        self._values = {key.lower(): value for key, value in params.items()}
        self.unread: list[str] = []

    def required[T](self, name: str, read: Callable[[str], T | None]) -> T:
        """Read a field that makes the callback; refuse the callback without it."""
        value = self._values.get(name.lower())
        result = None if value is None else read(value)
        if result is None:
            raise SmsmodeCallbackError(self._kind, name, self._values)
        return result

    def optional[T](self, name: str, read: Callable[[str], T | None]) -> T | None:
        """Read a field that only describes the callback: None when unreadable."""
        value = self._values.get(name.lower(), "")
        if not value.strip():
            return None
        if (result := read(value)) is None:
            self.unread.append(name)
        return result


def parse_delivery_callback(params: Mapping[str, str]) -> DeliveryCallback:
    """Parse the query of a delivery-report callback (`numero`, `statut`, …).

    `numero`, `statut` and `smsID` must be valid (SmsmodeCallbackError otherwise);
    the other fields are None when missing or unreadable.
    """
    reader = _Reader("delivery", params)
    number = reader.required("numero", _number(_PHONE))
    status = reader.required("statut", _status)
    sms_id = reader.required("smsID", _id)
    return DeliveryCallback(
        number=number,
        status=status,
        sms_id=sms_id,
        received_at=reader.optional("date_reception", _date(parse_callback_datetime)),
        ref_client=reader.optional("refClient", _ref_client),
        mcc_mnc=reader.optional("mcc_mnc", _mcc_mnc),
        cost=reader.optional("cost", _cost),
        unread=tuple(reader.unread),
    )


def parse_reply_callback(params: Mapping[str, str]) -> ReplyCallback:
    """Parse the query of an inbound-reply callback (`emetteur` replied `message`).

    `responseID`, `emetteur` and `message` must be valid: the text may be empty
    but not longer than `MAX_REPLY_LENGTH` nor hold control characters other than
    line breaks and tabs. The other fields are None when missing or unreadable.
    """
    reader = _Reader("reply", params)
    response_id = reader.required("responseID", _id)
    sender = reader.required("emetteur", _number(_PHONE))
    message = reader.required("message", _reply_text)
    return ReplyCallback(
        response_id=response_id,
        sender=sender,
        message=message,
        smsmode_number=reader.optional("numero", _number(_SHORT_NUMBER)),
        received_at=reader.optional(
            "date_reception", _date(parse_reply_callback_datetime)
        ),
        sms_id=reader.optional("smsID", _id),
        ref_client=reader.optional("refClient", _ref_client),
        unread=tuple(reader.unread),
    )


def parse_callback(params: Mapping[str, str]) -> DeliveryCallback | ReplyCallback:
    """Parse either callback, told apart by the reply's own fields.

    A query with `emetteur` or `responseID` (any case) is an inbound reply
    (section 13), anything else a delivery report (section 12).
    """
    names = {key.lower() for key in params}
    if "emetteur" in names or "responseid" in names:
        return parse_reply_callback(params)
    return parse_delivery_callback(params)
