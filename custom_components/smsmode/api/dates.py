"""Conversions between aware datetimes and smsmode's date formats.

The reference never names a time zone; smsmode is a French service, so every date
it reads or writes is taken as Europe/Paris local time. Parsers return aware datetimes
so callers never meet a naive one. During the autumn change, an ambiguous local time
is read as its first occurrence (summer time), the only choice the formats allow.
"""

from datetime import datetime
import re

from .const import PARIS
from .exceptions import SmsmodeInvalidScheduleError

_SEND_FORMAT = "%d%m%Y-%H:%M"
_CALLBACK_FORMAT = "%Y-%m-%d %H:%M:%S"
# Callback dates, ASCII digits only: year, month, day, hour, minute, second. A
# report's seconds may carry a fraction, as Java prints a timestamp (`17.0`):
# it is dropped, like the list dates' seconds.
_CALLBACK_PATTERN = re.compile(
    r"(?P<Y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2}) "
    r"(?P<H>[0-9]{2}):(?P<M>[0-9]{2}):(?P<S>[0-9]{2})(?:\.[0-9]{1,9})?"
)
_REPLY_CALLBACK_PATTERN = re.compile(
    r"(?P<d>[0-9]{2})(?P<m>[0-9]{2})(?P<Y>[0-9]{4})-"
    r"(?P<H>[0-9]{2})(?P<M>[0-9]{2})(?P<S>[0-9]{2})"
)
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
        raise SmsmodeInvalidScheduleError(
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


def _parse_exact(value: str, pattern: re.Pattern[str]) -> datetime:
    """Read a callback date that must be exactly in the reference's layout.

    Callbacks can be forged, so only the documented shape is read: fixed-width
    ASCII digits, each field in its range. Read with one regular expression, not
    strptime: a webhook reads one per callback, at whatever rate smsmode sends.
    """
    if not (match := pattern.fullmatch(value.strip())):
        raise ValueError(f"unrecognised date {value!r}")
    fields = match.groupdict()
    try:
        return datetime(
            int(fields["Y"]),
            int(fields["m"]),
            int(fields["d"]),
            int(fields["H"]),
            int(fields["M"]),
            int(fields["S"]),
            tzinfo=PARIS,
        )
    except ValueError:
        raise ValueError(f"unrecognised date {value!r}") from None


def parse_callback_datetime(value: str) -> datetime:
    """Read a delivery-report callback date (`yyyy-MM-dd HH:mm:ss`, `…:ss.S`)."""
    return _parse_exact(value, _CALLBACK_PATTERN)


def parse_reply_callback_datetime(value: str) -> datetime:
    """Read an inbound-reply callback date (`ddMMyyyy-HHmmss`)."""
    return _parse_exact(value, _REPLY_CALLBACK_PATTERN)


def parse_list_datetime(value: str) -> datetime:
    """Read a date of the sent-SMS or reply lists (`ddMMyyyy-HH:mm`, tolerantly)."""
    return _parse(value, _LIST_FORMATS)
