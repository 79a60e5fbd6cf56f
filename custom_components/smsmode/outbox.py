"""Durable outbox: SMS that smsmode could not take now go out later, once, in order.

A "server down" alert must not be lost because the link to smsmode flaps. When
a send fails in a way trying later can fix (see `outgoing.is_queueable`), the SMS
is kept in a `Store` (it survives restarts) and retried with exponential backoff
and jitter until the horizon (24 h by default).

In order: the outbox is a queue. A run tries its SMS oldest first and stops at
the first that smsmode still cannot take, and a new SMS goes out only once the
SMS queued before it have (else it queues behind them): "server up" never
arrives before "server down".

Never twice: an SMS whose last attempt may have reached smsmode is first looked
up in the sent-SMS list (`outgoing.OutgoingSms.find_in`). Found, it is done;
only when it is not there is it sent again. The flag is written before each
attempt, so a restart in the middle of one is treated the same way, and it
stays set until an attempt proves otherwise. The ids of SMS smsmode accepted
(directly or found) are remembered, so one list line never stands for two SMS.

When a queued SMS finally goes, or is found to have gone, `smsmode_queued_sms_sent`
says so, and the SMS is followed as a direct send is (replies, delivery reports).

Errors trying later cannot fix are not retried: a refused key starts reauth and
the outbox waits, SMS kept, for the entry to reload with a new key (no retry
loop); missing credits or a refused parameter fail the SMS with
`smsmode_send_failed` and the same repair issue a direct send would raise.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
import random
from typing import Any, Final, NotRequired, TypedDict
from uuid import uuid4

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import (
    SendResult,
    SmsModeAuthenticationError,
    SmsModeClient,
    SmsModeError,
    SmsModeInsufficientCreditsError,
    SmsModeRateLimitError,
)
from .const import (
    CONF_OUTBOX_HORIZON,
    CONF_QUEUE_FAILED_SENDS,
    DEFAULT_OUTBOX_HORIZON,
    DEFAULT_QUEUE_FAILED_SENDS,
    DOMAIN,
    EVENT_QUEUED_SMS_SENT,
    EVENT_SEND_FAILED,
    EVENT_SEND_QUEUED,
    LOGGER,
)
from .coordinator import SmsmodeConfigEntry
from .errors import translated_error
from .issues import async_clear_outbox_stuck, async_set_outbox_stuck
from .outgoing import OutgoingSms, is_queueable, may_have_been_sent

STORAGE_VERSION: Final = 1
# Backoff: 15 s, 30 s, 1 min, … up to 15 min, each drawn between half and all of
# it (jitter), so many Home Assistants do not all come back at the same second.
RETRY_BASE: Final = timedelta(seconds=15)
RETRY_MAX: Final = timedelta(minutes=15)
# The oldest SMS still queued after this many attempts raises the repair issue.
STUCK_AFTER_ATTEMPTS: Final = 3
# Queued SMS kept at most: an outage during a flood of alerts cannot grow the
# store without bound.
MAX_QUEUED: Final = 500
# How far back the sent-SMS list is read to find an SMS that may have gone.
LOOKUP_COUNT: Final = 200
# Ids of SMS smsmode accepted, remembered so that a list line is claimed once.
MAX_CLAIMED: Final = 1000

# Why a queued SMS was given up, in `smsmode_send_failed` (public names).
FAILED_EXPIRED: Final = "expired"
FAILED_CREDITS: Final = "insufficient_credits"
FAILED_REFUSED: Final = "refused"
FAILED_FULL: Final = "outbox_full"


@dataclass(frozen=True, slots=True, kw_only=True)
class QueuedSms:
    """An SMS waiting in the outbox; times are POSIX timestamps."""

    outbox_id: str
    sms: OutgoingSms
    queued_at: float
    next_attempt: float
    last_attempt: float
    attempts: int
    outcome_unknown: bool
    # Not tried before this (smsmode's HTTP 429 said how long), not even for a
    # new SMS behind it.
    not_before: float = 0.0


class _StoredItem(TypedDict):
    outbox_id: str
    sms: dict[str, Any]
    queued_at: float
    next_attempt: float
    last_attempt: float
    attempts: int
    outcome_unknown: bool
    not_before: NotRequired[float]


class _StoredOutbox(TypedDict):
    items: list[_StoredItem]
    claimed: list[str]


type Deliver = Callable[[OutgoingSms], Awaitable[SendResult]]
type FollowUp = Callable[[OutgoingSms, str], None]


def outbox_signal(entry_id: str) -> str:
    """Dispatcher signal sent when the outbox of an entry changes."""
    return f"{DOMAIN}_{entry_id}_outbox"


def _outbox_store(hass: HomeAssistant, entry_id: str) -> Store[_StoredOutbox]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.outbox")


async def async_remove_outbox(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored outbox (the entry is being removed)."""
    await _outbox_store(hass, entry_id).async_remove()


def _backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: doubling from RETRY_BASE, capped, jittered."""
    delay: timedelta = min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_MAX)
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - not cryptography


def _not_before(err: SmsModeError | None) -> float:
    """When smsmode lets the SMS be tried again (HTTP 429 `Retry-After`), else 0."""
    if isinstance(err, SmsModeRateLimitError) and err.retry_after is not None:
        return (dt_util.utcnow() + timedelta(seconds=err.retry_after)).timestamp()
    return 0.0


def _retry_at(attempts: int, err: SmsModeError | None) -> float:
    """When to try again: the backoff, or later when smsmode said (HTTP 429)."""
    backoff = (dt_util.utcnow() + _backoff(attempts)).timestamp()
    return max(backoff, _not_before(err))


class OutboxClosedError(Exception):
    """The outbox was unloaded with SMS still queued: a new SMS cannot pass them.

    They go with the store to the outbox the next setup loads; a new SMS fails
    in the open rather than go out ahead of them.
    """


class SmsmodeOutbox:
    """One account's queued SMS, their retries, and what people are told."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SmsmodeConfigEntry,
        client: SmsModeClient,
        deliver: Deliver,
        follow_up: FollowUp,
    ) -> None:
        """Take the options; `deliver` sends one SMS (URLs, balance, polling).

        `deliver` also claims the id of each SMS it sends (`async_claim`).
        `follow_up` does for an SMS found in the sent list, under its id, what
        `deliver` does after a send (replies and delivery reports followed).
        """
        self._hass = hass
        self._entry = entry
        self._client = client
        self._deliver = deliver
        self._follow_up = follow_up
        self._store = _outbox_store(hass, entry.entry_id)
        self._items: dict[str, QueuedSms] = {}
        self._claimed: dict[str, None] = {}
        self.enabled = bool(
            entry.options.get(CONF_QUEUE_FAILED_SENDS, DEFAULT_QUEUE_FAILED_SENDS)
        )
        self._horizon = timedelta(
            hours=float(entry.options.get(CONF_OUTBOX_HORIZON, DEFAULT_OUTBOX_HORIZON))
        )
        self._unsub: CALLBACK_TYPE | None = None
        # Held while SMS are being tried: unloading waits for it, so a reloaded
        # outbox never tries an SMS this one is still sending.
        self._run_lock = asyncio.Lock()
        # A refused key: nothing is tried until the entry reloads.
        self._paused = False
        # Unloaded: this outbox neither tries nor takes anything any more.
        self.closed = False

    def __len__(self) -> int:
        """Return how many SMS wait."""
        return len(self._items)

    async def async_load(self) -> None:
        """Read what waited when Home Assistant stopped (SMS are kept)."""
        if (stored := await self._store.async_load()) is None:
            return
        self._claimed = dict.fromkeys(stored["claimed"])
        for raw in stored["items"]:
            item = QueuedSms(
                outbox_id=raw["outbox_id"],
                sms=OutgoingSms.from_json(raw["sms"]),
                queued_at=raw["queued_at"],
                next_attempt=raw["next_attempt"],
                last_attempt=raw["last_attempt"],
                attempts=raw["attempts"],
                outcome_unknown=raw["outcome_unknown"],
                not_before=raw.get("not_before", 0.0),
            )
            self._items[item.outbox_id] = item

    @callback
    def async_start(self) -> None:
        """Plan the retries of what was loaded."""
        self._async_schedule()

    async def async_shutdown(self) -> None:
        """Stop, and wait for an attempt under way (unload).

        The attempt is bounded by the client's timeout. Waiting for it keeps the
        store right for the outbox the next setup loads; after it, this outbox
        takes no SMS and writes nothing more.
        """
        self.closed = True
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        async with self._run_lock:
            pass

    async def _async_save(self) -> None:
        """Write the queue now: an SMS must not be lost to a crash."""
        await self._store.async_save(
            {
                "items": [
                    {
                        "outbox_id": item.outbox_id,
                        "sms": item.sms.as_json(),
                        "queued_at": item.queued_at,
                        "next_attempt": item.next_attempt,
                        "last_attempt": item.last_attempt,
                        "attempts": item.attempts,
                        "outcome_unknown": item.outcome_unknown,
                        "not_before": item.not_before,
                    }
                    for item in self._items.values()
                ],
                "claimed": list(self._claimed),
            }
        )
        async_dispatcher_send(self._hass, outbox_signal(self._entry.entry_id))

    @callback
    def async_claim(self, sms_id: str) -> None:
        """Remember an SMS smsmode accepted: no queued SMS can be that one."""
        self._claimed[sms_id] = None
        while len(self._claimed) > MAX_CLAIMED:
            del self._claimed[next(iter(self._claimed))]

    async def async_send_in_turn(self, sms: OutgoingSms) -> SendResult | QueuedSms:
        """Send an SMS after those queued before it, or queue it behind them.

        OutboxClosedError when this outbox was unloaded with SMS still queued.
        """
        if self._items:
            await self.async_run(now=True)
        if self._items:
            if self.closed:
                raise OutboxClosedError
            return await self.async_enqueue(sms, "Waiting behind earlier SMS")
        return await self._deliver(sms)

    async def async_enqueue(
        self,
        sms: OutgoingSms,
        error: str,
        *,
        outcome_unknown: bool = False,
        cause: SmsModeError | None = None,
    ) -> QueuedSms:
        """Queue an SMS that smsmode could not take now (callers check `closed`).

        `cause`, the failure that queued it, may push the first retry back (an
        HTTP 429's `Retry-After`).
        """
        now = dt_util.utcnow()
        item = QueuedSms(
            outbox_id=uuid4().hex,
            sms=sms,
            queued_at=now.timestamp(),
            next_attempt=_retry_at(1, cause),
            not_before=_not_before(cause),
            last_attempt=now.timestamp(),
            attempts=1,
            outcome_unknown=outcome_unknown,
        )
        if len(self._items) >= MAX_QUEUED:
            oldest = next(iter(self._items.values()))
            del self._items[oldest.outbox_id]
            self._async_fire_failed(oldest, FAILED_FULL, "The outbox is full")
        self._items[item.outbox_id] = item
        await self._async_save()
        LOGGER.warning(
            "An SMS is queued, to be sent when smsmode can take it: %s", error
        )
        self._hass.bus.async_fire(
            EVENT_SEND_QUEUED,
            {
                **self._event_data(item),
                "error": error,
                "may_have_been_sent": outcome_unknown,
                "next_attempt": dt_util.utc_from_timestamp(
                    self._head().next_attempt
                ).isoformat(),
            },
        )
        self._async_update_issue()
        self._async_schedule()
        return item

    def _head(self) -> QueuedSms:
        return next(iter(self._items.values()))

    def _event_data(self, item: QueuedSms) -> dict[str, Any]:
        return {
            "config_entry_id": self._entry.entry_id,
            "outbox_id": item.outbox_id,
            "recipients": list(item.sms.numbers),
            "group": item.sms.group,
            "ref_client": item.sms.ref_client,
            "attempts": item.attempts,
            "queued_at": dt_util.utc_from_timestamp(item.queued_at).isoformat(),
        }

    @callback
    def _async_fire_sent(
        self, item: QueuedSms, sms_id: str, *, attempts: int, found: bool
    ) -> None:
        self._hass.bus.async_fire(
            EVENT_QUEUED_SMS_SENT,
            {
                **self._event_data(item),
                "attempts": attempts,
                "sms_id": sms_id,
                "found_in_sent_list": found,
            },
        )

    @callback
    def _async_fire_failed(self, item: QueuedSms, reason: str, error: str) -> None:
        LOGGER.error("A queued SMS was given up (%s): %s", reason, error)
        self._hass.bus.async_fire(
            EVENT_SEND_FAILED,
            {**self._event_data(item), "reason": reason, "error": error},
        )

    @callback
    def _async_schedule(self) -> None:
        """Plan a run when the oldest SMS is due (none while paused or running)."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        if self._paused or self.closed or self._run_lock.locked() or not self._items:
            return
        delay = max(0.0, self._head().next_attempt - dt_util.utcnow().timestamp())
        self._unsub = async_call_later(self._hass, delay, self._async_run_later)

    async def _async_run_later(self, _now: datetime) -> None:
        self._unsub = None
        await self.async_run()

    async def async_run(self, *, now: bool = False) -> None:
        """Try the queued SMS in order, from when the oldest is due (or `now`).

        The run stops at the first SMS smsmode still cannot take: the ones after
        it wait their turn.
        """
        async with self._run_lock:
            if self.closed:
                return
            await self._async_expire()
            while self._items and not (self._paused or self.closed):
                head = self._head()
                moment = dt_util.utcnow().timestamp()
                if head.not_before > moment or (not now and head.next_attempt > moment):
                    break
                try:
                    went = await self._async_try(head, on_schedule=not now)
                except Exception:  # noqa: BLE001 - the outbox must keep going
                    LOGGER.exception("Unexpected error while sending a queued SMS")
                    await self._async_retry_later(
                        head, None, outcome_unknown=True, on_schedule=True
                    )
                    went = False
                if not went:
                    break
        self._async_update_issue()
        self._async_schedule()

    async def _async_expire(self) -> None:
        """Give up the SMS queued longer ago than the horizon."""
        horizon = (dt_util.utcnow() - self._horizon).timestamp()
        for item in [i for i in self._items.values() if i.queued_at < horizon]:
            await self._async_drop(item)
            self._async_fire_failed(
                item, FAILED_EXPIRED, f"Not sent within {self._horizon}"
            )

    async def _async_try(self, item: QueuedSms, *, on_schedule: bool) -> bool:
        """Find out whether an SMS went, send it if not; True when it is done.

        "Done" includes failed for good: only an SMS smsmode still cannot take
        (or a refused key) stops the run. An attempt made ahead of time, for a
        newer SMS (`on_schedule` False), leaves the backoff where it was.
        """
        if item.outcome_unknown:
            try:
                sms_id = await self._async_find_sent(item)
            except SmsModeAuthenticationError as err:
                self._async_pause_for_reauth(err)
                return False
            except SmsModeError as err:
                # Still unknown: the lookup failed, not the send.
                await self._async_retry_later(
                    item, err, outcome_unknown=True, on_schedule=on_schedule
                )
                return False
            if sms_id is not None:
                LOGGER.info("A queued SMS had reached smsmode after all: not re-sent")
                self.async_claim(sms_id)
                await self._async_drop(item)
                self._follow_up(item.sms, sms_id)
                self._async_fire_sent(item, sms_id, attempts=item.attempts, found=True)
                return True
        now = dt_util.utcnow()
        # From here a cut or a restart leaves the outcome unknown again.
        item = await self._async_update(
            item, outcome_unknown=True, last_attempt=now.timestamp()
        )
        try:
            result = await self._deliver(self._due_sms(item.sms, now))
        except SmsModeAuthenticationError as err:
            await self._async_update(item, outcome_unknown=False)
            self._async_pause_for_reauth(err)
            return False
        except SmsModeError as err:
            if is_queueable(err):
                await self._async_retry_later(
                    item,
                    err,
                    outcome_unknown=may_have_been_sent(err),
                    on_schedule=on_schedule,
                )
                return False
            # The same side effects as a direct send (the out-of-credit issue).
            translated_error(self._hass, self._entry, err)
            await self._async_drop(item)
            self._async_fire_failed(
                item,
                FAILED_CREDITS
                if isinstance(err, SmsModeInsufficientCreditsError)
                else FAILED_REFUSED,
                str(err),
            )
            return True
        LOGGER.info(
            "A queued SMS went out (%s) after %d attempt(s)",
            result.sms_id,
            item.attempts + 1,
        )
        await self._async_drop(item)
        self._async_fire_sent(
            item, result.sms_id, attempts=item.attempts + 1, found=False
        )
        return True

    @callback
    def _async_pause_for_reauth(self, err: SmsModeAuthenticationError) -> None:
        """Start reauth; the queued SMS wait for the reload a new key brings."""
        self._paused = True
        translated_error(self._hass, self._entry, err)
        LOGGER.warning("smsmode refused the key: queued SMS wait for a new one")

    async def _async_retry_later(
        self,
        item: QueuedSms,
        err: SmsModeError | None,
        *,
        outcome_unknown: bool,
        on_schedule: bool,
    ) -> None:
        """Keep the SMS for later; a scheduled attempt moves the backoff on.

        An HTTP 429 holds it back as long as smsmode asked, either way.
        """
        not_before = max(item.not_before, _not_before(err))
        if not on_schedule:
            await self._async_update(
                item,
                outcome_unknown=outcome_unknown,
                not_before=not_before,
                next_attempt=max(item.next_attempt, not_before),
            )
            return
        attempts = item.attempts + 1
        await self._async_update(
            item,
            attempts=attempts,
            next_attempt=_retry_at(attempts, err),
            outcome_unknown=outcome_unknown,
            not_before=not_before,
        )
        LOGGER.debug("Queued SMS not sent yet (attempt %d): %s", attempts, err)

    async def _async_find_sent(self, item: QueuedSms) -> str | None:
        """Return the id smsmode lists the SMS under, if it went after all."""
        lines = await self._client.list_sent_sms(count=LOOKUP_COUNT)
        return item.sms.find_in(
            lines,
            first_attempt=dt_util.utc_from_timestamp(item.queued_at),
            last_attempt=dt_util.utc_from_timestamp(item.last_attempt),
            claimed=self._claimed,
        )

    @staticmethod
    def _due_sms(sms: OutgoingSms, now: datetime) -> OutgoingSms:
        """Send now an SMS whose scheduled time passed while it waited."""
        if sms.scheduled_at is not None and sms.scheduled_at <= now:
            return replace(sms, scheduled_at=None)
        return sms

    async def _async_update(self, item: QueuedSms, **changes: Any) -> QueuedSms:
        """Store a change; an SMS given up meanwhile (outbox full) stays gone."""
        updated = replace(item, **changes)
        if item.outbox_id in self._items:
            self._items[item.outbox_id] = updated
            await self._async_save()
        return updated

    async def _async_drop(self, item: QueuedSms) -> None:
        if self._items.pop(item.outbox_id, None) is not None:
            await self._async_save()

    @callback
    def _async_update_issue(self) -> None:
        """Raise the repair issue while the oldest SMS has failed several times."""
        if self._items and self._head().attempts >= STUCK_AFTER_ATTEMPTS:
            async_set_outbox_stuck(self._hass, self._entry, len(self._items))
        else:
            async_clear_outbox_stuck(self._hass, self._entry)
