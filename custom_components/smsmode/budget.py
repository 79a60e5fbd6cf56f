"""Budgets: the SMS parts sent today and this month, and the limits on them.

The counts are kept in the entry's own store, so the sensors and the limits
survive a restart; they start again at local midnight and on the first of the
month. Only what smsmode accepted is counted (the sender counts after a send,
the outbox's included, when it goes); a send that would pass a limit is refused
before anything goes or is queued, with a repair issue until the period ends.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_change
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .issues import async_clear_limit_reached, async_set_limit_reached

STORAGE_VERSION: Final = 1
# Seconds a new count may wait before it is written (a burst writes once).
_SAVE_DELAY: Final = 5


def budget_signal(entry_id: str) -> str:
    """Dispatcher signal sent when the counts of an entry change."""
    return f"{DOMAIN}_{entry_id}_budget"


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True, slots=True)
class BudgetRefusal:
    """Which limit a send would pass, and what that limit still allows."""

    monthly: bool
    limit: int
    left: int
    needed: int

    def error(self) -> HomeAssistantError:
        """Return the translated error a send gets (nothing went or was queued)."""
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="monthly_limit_exceeded"
            if self.monthly
            else "daily_limit_exceeded",
            translation_placeholders={
                "limit": str(self.limit),
                "left": str(self.left),
                "needed": str(self.needed),
            },
        )


class SmsBudget:
    """Counts the SMS parts one account sends, and refuses what passes a limit."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, *, daily: int, monthly: int
    ) -> None:
        """Take the limits (0: none); the counts are read by `async_load`."""
        self._hass = hass
        self._entry = entry
        self.daily_limit = daily
        self.monthly_limit = monthly
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}.budget"
        )
        self._day = dt_util.now().date()
        self.today = 0
        self.this_month = 0

    async def async_load(self) -> None:
        """Read the counts back, start the new period if one began while down."""
        if stored := await self._store.async_load():
            self._day = date.fromisoformat(stored["day"])
            self.today = int(stored["today"])
            self.this_month = int(stored["this_month"])
        self._async_roll(dt_util.now())
        for monthly, limit in ((False, self.daily_limit), (True, self.monthly_limit)):
            if not limit:
                async_clear_limit_reached(self._hass, self._entry, monthly=monthly)
        # Tied to the entry: a setup failing after this still stops it.
        self._entry.async_on_unload(
            async_track_time_change(
                self._hass, self._async_roll, hour=0, minute=0, second=0
            )
        )

    async def async_shutdown(self) -> None:
        """Write the counts now (unload): the next setup reads them back."""
        await self._store.async_save(self._data())

    def _data(self) -> dict[str, Any]:
        return {
            "day": self._day.isoformat(),
            "today": self.today,
            "this_month": self.this_month,
        }

    @callback
    def _async_roll(self, now: datetime) -> None:
        """Start a new day (and month) when the local date changed; clear issues."""
        day = dt_util.as_local(now).date()
        if day == self._day:
            return
        if _month(day) != _month(self._day):
            self.this_month = 0
            async_clear_limit_reached(self._hass, self._entry, monthly=True)
        self.today = 0
        async_clear_limit_reached(self._hass, self._entry, monthly=False)
        self._day = day
        self._async_changed()

    @callback
    def _async_changed(self) -> None:
        self._store.async_delay_save(self._data, _SAVE_DELAY)
        async_dispatcher_send(self._hass, budget_signal(self._entry.entry_id))

    @callback
    def refusal(self, parts: int) -> BudgetRefusal | None:
        """Tell which limit `parts` more SMS parts would pass, if any."""
        self._async_roll(dt_util.utcnow())
        for monthly, limit, used in (
            (False, self.daily_limit, self.today),
            (True, self.monthly_limit, self.this_month),
        ):
            if limit and used + parts > limit:
                return BudgetRefusal(monthly, limit, max(0, limit - used), parts)
        return None

    @callback
    def async_check(self, parts: int) -> None:
        """Refuse a send of `parts` SMS parts that would pass a limit (issue raised)."""
        if (refusal := self.refusal(parts)) is None:
            return
        async_set_limit_reached(
            self._hass, self._entry, monthly=refusal.monthly, limit=refusal.limit
        )
        raise refusal.error()

    @callback
    def async_count(self, parts: int) -> None:
        """Count parts smsmode accepted (critical ones too)."""
        self._async_roll(dt_util.utcnow())
        self.today += parts
        self.this_month += parts
        self._async_changed()

    def as_dict(self) -> dict[str, object]:
        """Return the limits and counts, for diagnostics."""
        return {
            "daily_limit": self.daily_limit,
            "monthly_limit": self.monthly_limit,
            "today": self.today,
            "this_month": self.this_month,
        }

    def left(self) -> dict[str, int | None]:
        """Return what each limit still allows (None: no limit), for previews."""
        return {
            "left_today": max(0, self.daily_limit - self.today)
            if self.daily_limit
            else None,
            "left_this_month": max(0, self.monthly_limit - self.this_month)
            if self.monthly_limit
            else None,
        }


async def async_remove_budget(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored counts (the entry is being removed)."""
    await Store[dict[str, Any]](
        hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.budget"
    ).async_remove()
