"""What one attempt's outcome does to a queued SMS: dropped, kept for later, told.

The attempt (outbox_attempt.py) has no side effects; here the queue changes,
the events fire and the account reacts, as for a direct send. A refused key
is the outbox's own affair (it pauses), so it never comes here.
"""

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant

from .const import LOGGER
from .outbox_attempt import Refused, Sent, TryLater, Withdrawn
from .outbox_events import async_fire_refused, async_fire_sent, async_fire_withdrawn
from .outbox_queue import OutboxQueue
from .outbox_store import QueuedSms
from .retry import retry_changes

if TYPE_CHECKING:
    # The sender owns the outbox, which settles here.
    from .sender import SmsmodeSender


async def async_settle(
    hass: HomeAssistant,
    item: QueuedSms,
    outcome: Sent | TryLater | Refused | Withdrawn,
    *,
    entry_id: str,
    sender: SmsmodeSender,
    queue: OutboxQueue,
    on_schedule: bool,
) -> bool:
    """Act on an attempt's outcome; True when the SMS is done with.

    "Done" includes failed for good: only an SMS smsmode still cannot take
    stops the run. An attempt made ahead of time, for a newer SMS
    (`on_schedule` False), leaves the backoff where it was.
    """
    match outcome:
        case Sent(sms_id=sms_id, found=found):
            if found:
                queue.async_claim(sms_id, item.sms.group)
                sender.async_follow_up(item.sms, sms_id)
            await queue.async_drop(item)
            async_fire_sent(
                hass,
                entry_id,
                item,
                sms_id,
                attempts=item.attempts + (not found),
                found=found,
            )
            return True
        case Withdrawn():
            await queue.async_drop(item)
            async_fire_withdrawn(hass, entry_id, item)
            return True
        case TryLater(err=err, outcome_unknown=unknown):
            await queue.async_update(
                item, **retry_changes(item, err, unknown, on_schedule=on_schedule)
            )
            LOGGER.debug("Queued SMS not sent yet: %s", err)
            return False
        case Refused(err=err):
            # What it means for the account, as for a direct send (code 33).
            sender.async_react(err)
            await queue.async_drop(item)
            async_fire_refused(hass, entry_id, item, err)
            return True
