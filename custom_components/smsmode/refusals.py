"""Callbacks the webhook refused: counted, warned about, and a repair issue when all are.

A refused callback is lost: smsmode's reference does not say it tries again after
a 4xx. So refusals show: the diagnostics count them by reason, the log warns once
an hour per reason, and `ISSUE_AFTER` refusals in a row (smsmode changed what it
sends, or someone else has the URL) raise a repair issue, which the next callback
accepted clears. Counts start again at each setup.
"""

from collections import Counter
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .const import LOGGER
from .issues import async_clear_callbacks_refused, async_set_callbacks_refused

WARN_EVERY: Final = timedelta(hours=1)
ISSUE_AFTER: Final = 20


class CallbackRefusals:
    """One entry's refused callbacks, by reason (a stable slug), since setup."""

    def __init__(self) -> None:
        """Start with nothing refused."""
        self._by_reason: Counter[str] = Counter()
        self._in_a_row = 0
        self._warned_at: dict[str, datetime] = {}

    @callback
    def async_refused(
        self, hass: HomeAssistant, entry: ConfigEntry, reason: str
    ) -> None:
        """Count a refusal; warn unless this reason did within the hour.

        The warning names the reason only: never the webhook id, the URL, a
        number or a text (those come from whoever called).
        """
        self._by_reason[reason] += 1
        self._in_a_row += 1
        now = dt_util.utcnow()
        last = self._warned_at.get(reason)
        if last is None or now - last >= WARN_EVERY:
            self._warned_at[reason] = now
            LOGGER.warning(
                "Refused a callback to the smsmode webhook (%s): it is not what "
                "smsmode sends. Refusals are counted by reason in the entry's "
                "diagnostics; this reason is not logged again for an hour",
                reason,
            )
        if self._in_a_row == ISSUE_AFTER:
            async_set_callbacks_refused(hass, entry, ISSUE_AFTER)

    @callback
    def async_accepted(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """End a run of refusals: the repair issue goes (it may predate a reload)."""
        self._in_a_row = 0
        async_clear_callbacks_refused(hass, entry)

    def as_dict(self) -> dict[str, Any]:
        """Return the counts for the diagnostics."""
        return {"by_reason": dict(self._by_reason), "in_a_row": self._in_a_row}
