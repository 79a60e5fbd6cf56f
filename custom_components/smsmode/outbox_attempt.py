"""One attempt at a queued SMS: look it up if it may have gone, else send it.

Says what came of it (`Outcome`) and changes nothing else: the outbox decides
what each outcome does to the queue, the events and the account.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util

from .api import SmsmodeAuthenticationError, SmsmodeClient, SmsmodeError
from .const import LOGGER
from .outbox_queue import OutboxQueue
from .outbox_store import QueuedSms
from .outgoing import (
    LookupIncompleteError,
    async_find_sent,
    is_queueable,
    may_have_been_sent,
)

if TYPE_CHECKING:
    from .sender import SmsmodeSender


@dataclass(frozen=True, slots=True)
class Sent:
    """smsmode has it: sent now, or `found` in its list from an earlier attempt."""

    sms_id: str
    found: bool


@dataclass(frozen=True, slots=True)
class TryLater:
    """smsmode could not take it now (`err`; None: the list could not tell)."""

    err: SmsmodeError | None
    outcome_unknown: bool


@dataclass(frozen=True, slots=True)
class KeyRefused:
    """smsmode refused the key (code 32): nothing can go until a new one."""

    err: SmsmodeAuthenticationError


@dataclass(frozen=True, slots=True)
class Refused:
    """smsmode refused the SMS for good (no credits, a bad parameter)."""

    err: SmsmodeError


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """Not in smsmode's list and no longer wanted: dropped, never sent."""


type Outcome = Sent | TryLater | KeyRefused | Refused | Withdrawn


async def async_attempt(
    sender: SmsmodeSender, client: SmsmodeClient, queue: OutboxQueue, item: QueuedSms
) -> tuple[QueuedSms, Outcome]:
    """Find out whether an SMS went, send it if not; return it as stored now.

    Before a send its outcome is marked unknown and saved: a cut or a restart in
    the middle is then looked up, never sent blindly again.
    """
    if item.outcome_unknown:
        try:
            sms_id = await async_find_sent(
                client,
                item.sms,
                first_attempt=dt_util.utc_from_timestamp(item.queued_at),
                last_attempt=dt_util.utc_from_timestamp(item.last_attempt),
                claimed=queue.claimed,
                group_sizes=queue.group_sizes,
            )
        except SmsmodeAuthenticationError as err:
            return item, KeyRefused(err)
        except SmsmodeError as err:
            return item, TryLater(err, outcome_unknown=True)
        except LookupIncompleteError:
            LOGGER.warning(
                "smsmode's sent list is too long to tell whether a queued SMS "
                "went: it is looked up again later, not sent"
            )
            return item, TryLater(None, outcome_unknown=True)
        if sms_id is not None:
            LOGGER.info("A queued SMS had reached smsmode after all: not re-sent")
            return item, Sent(sms_id, found=True)
        if item.withdrawn:
            return item, Withdrawn()
    now = dt_util.utcnow()
    item = await queue.async_update(
        item, outcome_unknown=True, last_attempt=now.timestamp()
    )
    try:
        result = await sender.async_deliver(item.due_sms(now))
    except SmsmodeAuthenticationError as err:
        return await queue.async_update(item, outcome_unknown=False), KeyRefused(err)
    except SmsmodeError as err:
        if is_queueable(err):
            return item, TryLater(err, outcome_unknown=may_have_been_sent(err))
        return await queue.async_update(item, outcome_unknown=False), Refused(err)
    LOGGER.info(
        "A queued SMS went out (%s) after %d attempt(s)",
        result.sms_id,
        item.attempts + 1,
    )
    return item, Sent(result.sms_id, found=False)
