"""Conversions between aware datetimes and smsmode's date formats.

The reference never names a time zone; smsmode is a French service, so every date
it reads or writes is taken as Europe/Paris local time. Parsers return aware datetimes
so callers never meet a naive one. During the autumn change, an ambiguous local time
is read as its first occurrence (summer time), the only choice the formats allow.
"""

from datetime import datetime
import re

from .const import PARIS
from .exceptions import SmsModeInvalidScheduleError

_SEND_FORMAT = "%d%m%Y-%H:%M"
_CALLBACK_FORMAT = "%Y-%m-%d %H:%M:%S"
_REPLY_CALLBACK_FORMAT = "%d%m%Y-%H%M%S"
_CALLBACK_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_REPLY_CALLBACK_PATTERN = re.compile(r"\d{8}-\d{6}")
# The documented list format first, then the layouts a list might use instead.
_LIST_FORMATS = (
    _SEND_FORMAT,
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    _CALLBACK_FORMAT,
)


def format_smsmode_datetime(value: datetime) -> str:
    """Format an aware datetime as Paris time `ddMMyyyy-HH:mm` (`date_envoi`, ranges).

    A naive datetime is refused: guessing its zone could shift a send by hours.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise SmsModeInvalidScheduleError(
            "naive_datetime", "The date needs a time zone"
        )
    return value.astimezone(PARIS).strftime(_SEND_FORMAT)


def _parse(value: str, formats: tuple[str, ...]) -> datetime:
    """Read Paris local time in the first format that fits; ValueError otherwise."""
    text = value.strip()
    for layout in formats:
        try:
            return datetime.strptime(text, layout).replace(tzinfo=PARIS)
        except ValueError:
            continue
    raise ValueError(f"unrecognised date {value!r}")


def _parse_exact(value: str, pattern: re.Pattern[str], layout: str) -> datetime:
    """Read a callback date that must be exactly in the reference's layout.

    strptime alone would take one-digit fields and other near misses; callbacks
    can be forged, so only the documented shape is read.
    """
    if not pattern.fullmatch(value.strip()):
        raise ValueError(f"unrecognised date {value!r}")
    return _parse(value, (layout,))


def parse_callback_datetime(value: str) -> datetime:
    """Read a delivery-report callback date (`yyyy-MM-dd HH:mm:ss`)."""
    return _parse_exact(value, _CALLBACK_PATTERN, _CALLBACK_FORMAT)


def parse_reply_callback_datetime(value: str) -> datetime:
    """Read an inbound-reply callback date (`ddMMyyyy-HHmmss`)."""
    return _parse_exact(value, _REPLY_CALLBACK_PATTERN, _REPLY_CALLBACK_FORMAT)


def parse_list_datetime(value: str) -> datetime:
    """Read a date of the sent-SMS or reply lists (`ddMMyyyy-HH:mm`, tolerantly)."""
    return _parse(value, _LIST_FORMATS)
