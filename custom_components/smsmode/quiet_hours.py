"""Quiet hours: a span of local time in which SMS wait for its end.

The SMS is not held here but handed to smsmode with its end as the send time
(`date_envoi`): smsmode keeps it, and `cancel_sms` can still take it back.
"""

from datetime import datetime, time, timedelta

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .api import SendResult
from .const import EVENT_SEND_SCHEDULED
from .outbox_store import QueuedSms
from .outgoing import OutgoingSms


def parse_time(value: object) -> time | None:
    """Read an option's "HH:MM[:SS]" (None, "" or a bad value: not set)."""
    if not value:
        return None
    return dt_util.parse_time(str(value))


class QuietHours:
    """From `start` to `end`, local time; across midnight when `end` < `start`."""

    def __init__(self, start: time | None, end: time | None) -> None:
        """None, or the same start and end: no quiet hours."""
        self.start = start
        self.end = end
        self.enabled = start is not None and end is not None and start != end

    def end_after(self, when: datetime) -> datetime | None:
        """Return the end of the quiet hours `when` falls in (None: not quiet)."""
        if not self.enabled or self.start is None or self.end is None:
            return None
        local = dt_util.as_local(when)
        clock = local.time().replace(tzinfo=None)
        day = local.date()
        if self.start < self.end:
            if not self.start <= clock < self.end:
                return None
        elif clock >= self.start:
            day += timedelta(days=1)
        elif clock >= self.end:
            return None
        return datetime.combine(day, self.end, tzinfo=local.tzinfo)


@callback
def async_fire_scheduled(
    hass: HomeAssistant,
    entry_id: str,
    sms: OutgoingSms,
    result: SendResult | QueuedSms,
) -> None:
    """Tell that quiet hours moved an SMS to their end.

    With its `sms_id`, `cancel_sms` can still take it back; a queued one has an
    `outbox_id` instead.
    """
    sms_id, outbox_id = (
        (None, result.outbox_id)
        if isinstance(result, QueuedSms)
        else (result.sms_id, None)
    )
    hass.bus.async_fire(
        EVENT_SEND_SCHEDULED,
        {
            "config_entry_id": entry_id,
            "sms_id": sms_id,
            "outbox_id": outbox_id,
            "recipients": list(sms.numbers),
            "group": sms.group,
            "scheduled_at": None
            if sms.scheduled_at is None
            else sms.scheduled_at.isoformat(),
            "reason": "quiet_hours",
        },
    )
