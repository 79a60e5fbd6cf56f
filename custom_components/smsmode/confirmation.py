"""Callbacks held until smsmode's own lists confirm them, in coalesced reads.

A callback is a doorbell, not a proof: anyone who learns the webhook URL can
post one. So a callback this account cannot vouch for waits here until a read
of smsmode's own data (its reply list, a delivery report) confirms it, and only
then fires. Reads are coalesced per account: one read, a few seconds after the
previous one at least, serves every callback waiting, and each read that
confirms nothing doubles the wait before the next (up to `max_spacing`); for
replies, whose one read serves them all, a callback that came since the last
read is read `min_spacing` after it. A flood of forged callbacks so costs a
bounded number of API reads (for replies, one every `min_spacing` at most)
and fires nothing. What smsmode does not confirm within `confirm_for` (its lists may lag
its callbacks) is dropped with a debug line; every outcome is counted for the
diagnostics. A failed read is a poller's (polling.py): one warning, tried again.
"""

from abc import abstractmethod
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .api import SmsmodeClient
from .const import LOGGER
from .coordinator import SmsmodeConfigEntry
from .inbox import SmsmodeInbox
from .polling import SmsmodePoller
from .sent_memory import SmsmodeSentMemory

# Outcome names in the diagnostics' counts.
CONFIRMED: Final = "confirmed"
REFUSED: Final = "refused"  # smsmode's data says otherwise
UNCONFIRMED: Final = "unconfirmed"  # smsmode did not list it in time
OVERFLOW: Final = "overflow"  # pushed out by newer ones, too many waiting
# Callbacks kept per waiting key (a report's statuses for one SMS).
MAX_PER_KEY: Final = 10


@dataclass
class Waiting[T]:
    """Callbacks waiting under one key (reply id, SMS id).

    `arrived` is when the first came (it waits `confirm_for` from then); `since`
    is how far back smsmode's data is read for them (a callback may name an
    earlier date: smsmode repeats callbacks).
    """

    arrived: datetime
    since: datetime
    callbacks: list[T] = field(default_factory=list)


class SmsmodeConfirmer[T](SmsmodePoller):
    """Holds callbacks by key and confirms them in reads spaced apart."""

    # Set by each kind of confirmation; `kind` names its callbacks in logs.
    kind: str
    min_spacing: timedelta
    max_spacing: timedelta
    confirm_for: timedelta
    max_waiting: int
    # A read serves every callback waiting: one that came after the last read is
    # read `min_spacing` after it, whatever the spacing has grown to. Off where a
    # read serves one key (reports): there, new forgeries must not speed reads up.
    read_new_soon: bool = False

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SmsmodeConfigEntry,
        client: SmsmodeClient,
        inbox: SmsmodeInbox,
        memory: SmsmodeSentMemory,
    ) -> None:
        """Hold nothing yet; nothing is read until a callback waits."""
        super().__init__(hass, entry, client, inbox)
        self._memory = memory
        self._waiting: dict[str, Waiting[T]] = {}
        self._spacing = self.min_spacing
        self._last_read: datetime | None = None
        # A key came since the last read.
        self._fresh = False
        self.counts: Counter[str] = Counter()

    def as_dict(self) -> dict[str, int]:
        """Outcomes since setup, and how many wait now (diagnostics)."""
        return {**self.counts, "waiting": len(self._waiting)}

    @callback
    def _async_wait(self, key: str, item: T, since: datetime) -> None:
        """Hold a callback until a read confirms or refuses it."""
        if (waiting := self._waiting.get(key)) is None:
            if len(self._waiting) >= self.max_waiting:
                # The oldest goes: a flood cannot keep a newer, real one out.
                LOGGER.debug("Too many callbacks wait for smsmode: the oldest dropped")
                self.counts[OVERFLOW] += len(
                    self._async_take(next(iter(self._waiting)))
                )
            waiting = self._waiting[key] = Waiting(dt_util.utcnow(), since)
            self._fresh = True
        if item in waiting.callbacks:  # smsmode repeating itself
            return
        if len(waiting.callbacks) >= MAX_PER_KEY:
            self.counts[OVERFLOW] += 1
            return
        waiting.callbacks.append(item)
        waiting.since = min(waiting.since, since)
        self._async_schedule()

    @callback
    def _async_take(self, key: str) -> list[T]:
        """Stop holding a key's callbacks, for the caller to settle (none if gone)."""
        return waiting.callbacks if (waiting := self._waiting.pop(key, None)) else []

    def next_delay(self, now: datetime) -> timedelta | None:
        """At once for a first read, else the spacing after the last; None idle."""
        if not self._waiting:
            return None
        if self._last_read is None:
            return timedelta()
        spacing = (
            self.min_spacing if self._fresh and self.read_new_soon else self._spacing
        )
        return max(timedelta(), self._last_read + spacing - now)

    async def _async_read(self, now: datetime) -> None:
        """Drop what waited too long, then read once for what still waits."""
        self._last_read = now
        self._fresh = False
        for key, waiting in list(self._waiting.items()):
            if now - waiting.arrived >= self.confirm_for:
                dropped = len(self._async_take(key))
                LOGGER.debug(
                    "smsmode did not confirm %d %s callback(s) in time: dropped",
                    dropped,
                    self.kind,
                )
                self.counts[UNCONFIRMED] += dropped
        if not self._waiting:
            return
        # Until a read confirms something: a flood of forgeries slows reads down.
        self._spacing = min(self._spacing * 2, self.max_spacing)
        if await self._async_confirm(now):
            self._spacing = self.min_spacing

    @abstractmethod
    async def _async_confirm(self, now: datetime) -> int:
        """Read smsmode once, settle what it answers; return how many confirmed."""
