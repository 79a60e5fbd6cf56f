"""Time as the simulator sees it: Europe/Paris dates in smsmode's formats.

smsmode is a French service and its reference names no time zone, so every date it
reads (`date_envoi`, list ranges) or writes (lists, callbacks) is Paris local time.
Tests control time through `Clock`, so scheduled sends and date ranges need no
sleeping.
"""

from datetime import UTC, datetime, timedelta
import re
from typing import Final
from zoneinfo import ZoneInfo

PARIS: Final = ZoneInfo("Europe/Paris")

# `date_envoi`, responseList.do ranges, dates in the sent and reply lists.
MINUTE_FORMAT: Final = "%d%m%Y-%H:%M"
# `date_reception` of delivery-report callbacks.
DELIVERY_CALLBACK_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
# `date_reception` of inbound-reply callbacks.
REPLY_CALLBACK_FORMAT: Final = "%d%m%Y-%H%M%S"

# strptime alone would also take one-digit fields; the wire format has none.
_MINUTE_PATTERN: Final = re.compile(r"\d{8}-\d{2}:\d{2}")


def parse_minute(text: str) -> datetime:
    """Read `ddMMyyyy-HH:mm` as Paris time; ValueError when it is not that."""
    if not _MINUTE_PATTERN.fullmatch(text):
        raise ValueError(f"not a ddMMyyyy-HH:mm date: {text!r}")
    return datetime.strptime(text, MINUTE_FORMAT).replace(tzinfo=PARIS)


def format_paris(moment: datetime, layout: str) -> str:
    """Write an aware datetime in Paris local time with one of the formats above."""
    return moment.astimezone(PARIS).strftime(layout)


class Clock:
    """The simulator's "now": real time shifted by an offset, or frozen.

    `set` freezes time at a moment; `advance` moves it forward (frozen or not), so
    a test can make a scheduled SMS due or age one past the 30-day limit.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        """Run on real time, or frozen at `frozen_at` (aware) when given."""
        self._frozen_at: datetime | None = None
        self._offset = timedelta()
        if frozen_at is not None:
            self.set(frozen_at)

    def now(self) -> datetime:
        """Return the current moment, aware, in Paris time."""
        if self._frozen_at is not None:
            return self._frozen_at
        return (datetime.now(UTC) + self._offset).astimezone(PARIS)

    def set(self, moment: datetime) -> None:
        """Freeze time at an aware moment."""
        if moment.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._frozen_at = moment.astimezone(PARIS)

    def advance(self, delta: timedelta) -> None:
        """Move time forward (or back, with a negative delta), in elapsed time."""
        if self._frozen_at is not None:
            self._frozen_at = (self._frozen_at.astimezone(UTC) + delta).astimezone(
                PARIS
            )
        else:
            self._offset += delta
