"""The runaway guard: what an automation stuck in a loop cannot send.

Per recipient, an hour starts with its first SMS and lets at most `per_hour`
go; past it, SMS to that recipient are suppressed until the hour ends. The
same text to the same recipient within `repeat_window` seconds goes once.
Suppressed SMS are counted (diagnostics); the first of a recipient's hour fires
`smsmode_send_suppressed`, and a rate suppression raises a repair issue naming
the automation or script that sent it. Critical SMS never reach the guard.
Each check costs a dictionary look-up per recipient.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .const import EVENT_SEND_SUPPRESSED, LOGGER
from .issues import async_clear_sends_suppressed, async_set_sends_suppressed

HOUR: Final = timedelta(hours=1)
# Why an SMS was suppressed (public names, in the event and the diagnostics).
REASON_RATE: Final = "rate"
REASON_REPEAT: Final = "repeat"
# Digits of a number a repair issue shows (it is on screen for anyone).
_SHOWN_DIGITS: Final = 4
# Recipients watched before the hours that are over are dropped.
_PRUNE_AT: Final = 1000
# Entities whose run context an SMS can come from.
_SOURCE_DOMAINS: Final = ("automation", "script")


@dataclass(slots=True)
class _Window:
    """One recipient's hour: when it started, how many SMS went, whether told."""

    start: datetime
    sent: int = 0
    told: bool = False


def context_source(hass: HomeAssistant, context: Context | None) -> str | None:
    """Name the automation or script whose run made this call, if any.

    An automation or script writes its state in the context of the run it
    starts, and the actions of that run carry the same context: the entity whose
    state has it (or its parent) is the one.
    """
    if context is None:
        return None
    ids = {context.id, context.parent_id} - {None}
    for state in hass.states.async_all(_SOURCE_DOMAINS):
        if state.context.id in ids:
            return f"{state.name} ({state.entity_id})"
    return None


def masked(number: str) -> str:
    """Show only a number's last digits."""
    return f"…{number[-_SHOWN_DIGITS:]}"


class SendGuard:
    """Splits each send into the recipients it may reach and those suppressed."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        per_hour: int,
        repeat_window: int,
    ) -> None:
        """Take the limits; 0 turns each rule off."""
        self._hass = hass
        self._entry = entry
        self.per_hour = per_hour
        self.repeat_window = timedelta(seconds=repeat_window)
        self._windows: dict[str, _Window] = {}
        self._prune_at = _PRUNE_AT
        # (number, text) → when it last went; oldest first.
        self._recent: OrderedDict[tuple[str, str], datetime] = OrderedDict()
        self.suppressed = {REASON_RATE: 0, REASON_REPEAT: 0}
        self._unsub_issue: CALLBACK_TYPE | None = None

    def _window(self, number: str, now: datetime) -> _Window | None:
        window = self._windows.get(number)
        if window is None or now - window.start >= HOUR:
            return None
        return window

    def reason(self, number: str, text: str, now: datetime) -> str | None:
        """Why an SMS of `text` to `number` would be suppressed now (None: it goes)."""
        window = self._window(number, now) if self.per_hour else None
        if window is not None and window.sent >= self.per_hour:
            return REASON_RATE
        if self.repeat_window:
            last = self._recent.get((number, text))
            if last is not None and now - last < self.repeat_window:
                return REASON_REPEAT
        return None

    def split(
        self, numbers: tuple[str, ...], text: str, now: datetime
    ) -> tuple[tuple[str, ...], dict[str, str]]:
        """Return the numbers that may be sent to, and why each other may not."""
        allowed: list[str] = []
        held: dict[str, str] = {}
        for number in numbers:
            if reason := self.reason(number, text, now):
                held[number] = reason
            else:
                allowed.append(number)
        return tuple(allowed), held

    @callback
    def async_record(self, numbers: tuple[str, ...], text: str, now: datetime) -> None:
        """Count an SMS about to go (whether smsmode then takes it or not)."""
        self._forget(now)
        for number in numbers:
            window = self._window(number, now)
            if window is None:
                window = self._windows[number] = _Window(now)
            window.sent += 1
            key = (number, text)
            self._recent[key] = now
            self._recent.move_to_end(key)

    def _forget(self, now: datetime) -> None:
        """Drop repeats past their window and hours that are over."""
        while self._recent:
            key, last = next(iter(self._recent.items()))
            if now - last < self.repeat_window:
                break
            del self._recent[key]
        if len(self._windows) > self._prune_at:
            self._windows = {
                number: window
                for number, window in self._windows.items()
                if now - window.start < HOUR
            }
            # Twice what is left: pruning stays rare however many are watched.
            self._prune_at = max(_PRUNE_AT, 2 * len(self._windows))

    @callback
    def async_suppressed(
        self, held: dict[str, str], now: datetime, context: Context | None
    ) -> None:
        """Count what was held back; tell it once per recipient's hour."""
        source: str | None = None
        for number, reason in held.items():
            self.suppressed[reason] += 1
            window = self._windows.get(number)
            if window is None or window.told:
                continue
            window.told = True
            if source is None:
                source = context_source(self._hass, context) or (
                    context.id if context else "-"
                )
            LOGGER.warning(
                "SMS to %s suppressed by the runaway guard (%s), sent by %s",
                masked(number),
                reason,
                source,
            )
            self._hass.bus.async_fire(
                EVENT_SEND_SUPPRESSED,
                {
                    "config_entry_id": self._entry.entry_id,
                    "recipient": number,
                    "reason": reason,
                    "source": source,
                    "until": (window.start + HOUR).isoformat(),
                },
            )
            if reason == REASON_RATE:
                self._async_raise(number, source, window.start + HOUR - now)

    @callback
    def _async_raise(self, number: str, source: str, lasts: timedelta) -> None:
        """Raise the issue until the recipient's hour is over."""
        async_set_sends_suppressed(
            self._hass, self._entry, recipient=masked(number), source=source
        )
        if self._unsub_issue is not None:
            self._unsub_issue()
        self._unsub_issue = async_call_later(self._hass, lasts, self._async_clear)

    @callback
    def _async_clear(self, _now: datetime | None = None) -> None:
        self._unsub_issue = None
        async_clear_sends_suppressed(self._hass, self._entry)

    @callback
    def async_shutdown(self) -> None:
        """Stop the issue's timer (unload); the issue goes with it."""
        if self._unsub_issue is not None:
            self._unsub_issue()
            self._async_clear()

    def as_dict(self) -> dict[str, object]:
        """Return the guard's settings and counts, for diagnostics (no number)."""
        return {
            "per_hour": self.per_hour,
            "repeat_window_seconds": int(self.repeat_window.total_seconds()),
            "suppressed": dict(self.suppressed),
            "recipients_watched": len(self._windows),
        }
