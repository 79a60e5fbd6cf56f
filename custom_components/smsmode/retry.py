"""When the outbox tries a queued SMS again: backoff, smsmode's waits, unknown outcomes.

Exponential backoff with jitter, so that many Home Assistants do not all come
back at the same second; an HTTP 429's `Retry-After` holds an SMS back longer;
an attempt whose outcome is unknown gives smsmode time to finish taking the SMS
before the sent list is read.
"""

from datetime import timedelta
import random
from typing import Any, Final

from homeassistant.util import dt as dt_util

from .api import SmsmodeError, SmsmodeRateLimitError
from .outbox_store import QueuedSms

# Backoff: 15 s, 30 s, 1 min, … up to 15 min, each drawn between half and all of
# it (jitter), so many Home Assistants do not all come back at the same second.
RETRY_BASE: Final = timedelta(seconds=15)
RETRY_MAX: Final = timedelta(minutes=15)
# After an attempt whose outcome is unknown (a timeout: smsmode may still be
# taking the SMS), the sent list is not read before this has passed.
UNKNOWN_OUTCOME_WAIT: Final = timedelta(seconds=15)


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: doubling from RETRY_BASE, capped, jittered."""
    delay: timedelta = min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_MAX)
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - not cryptography


def not_before(err: SmsmodeError | None) -> float:
    """When smsmode lets the SMS be tried again (HTTP 429 `Retry-After`), else 0."""
    if isinstance(err, SmsmodeRateLimitError) and err.retry_after is not None:
        return (dt_util.utcnow() + timedelta(seconds=err.retry_after)).timestamp()
    return 0.0


def retry_at(attempts: int, err: SmsmodeError | None, *, unknown: bool) -> float:
    """When to try again: the backoff, or later when smsmode said (HTTP 429).

    An unknown outcome waits at least UNKNOWN_OUTCOME_WAIT from now.
    """
    now = dt_util.utcnow()
    wait = backoff(attempts)
    if unknown:
        wait = max(wait, UNKNOWN_OUTCOME_WAIT)
    return max((now + wait).timestamp(), not_before(err))


def due_at(item: QueuedSms, *, early: bool) -> float:
    """When the item may be tried: early attempts skip the backoff, nothing else.

    An unknown outcome is never brought forward, also after a restart cut an
    attempt short (its wait then counts from that attempt).
    """
    if item.outcome_unknown:
        waited = item.last_attempt + UNKNOWN_OUTCOME_WAIT.total_seconds()
        return max(item.next_attempt, item.not_before, waited)
    return item.not_before if early else max(item.next_attempt, item.not_before)


def retry_changes(
    item: QueuedSms, err: SmsmodeError | None, unknown: bool, *, on_schedule: bool
) -> dict[str, Any]:
    """Return the changes to an SMS kept for later (a scheduled attempt: backoff).

    An HTTP 429 holds it back as long as smsmode asked, either way, and an
    unknown outcome keeps its wait even after an early attempt. A new backoff
    step lets a new SMS bring the next attempt forward once more.
    """
    held_until = max(item.not_before, not_before(err))
    attempts = item.attempts + 1 if on_schedule else item.attempts
    next_attempt = retry_at(attempts, err, unknown=unknown)
    if not on_schedule and not unknown:
        next_attempt = max(item.next_attempt, held_until)
    return {
        "attempts": attempts,
        "next_attempt": next_attempt,
        "outcome_unknown": unknown,
        "not_before": held_until,
        "early_attempt_made": item.early_attempt_made and not on_schedule,
    }
