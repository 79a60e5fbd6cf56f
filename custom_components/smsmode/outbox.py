"""Durable outbox: SMS that smsmode could not take now go out later, once, in order.

A "server down" alert must not be lost because the link to smsmode flaps, and
the automation that sends it must not wait for smsmode to come back. An SMS
smsmode cannot take now (`outgoing.is_queueable`) is stored (outbox_store.py)
and retried with exponential backoff and jitter until the horizon (24 h).

In order: while SMS wait, a new one is queued behind them at once; sends are
taken one at a time, so two concurrent sends keep their order.

Never twice: an SMS whose last attempt may have reached smsmode is looked up in
the sent-SMS list before it is sent again (`outgoing.async_find_sent`), and not
before smsmode has had time to finish taking it (UNKNOWN_OUTCOME_WAIT); nothing
brings that lookup forward. Ids smsmode accepted are remembered, so one list
line never stands for two SMS.

Errors trying later cannot fix are not retried: a refused key pauses the outbox
until the entry reloads with a new key; missing credits or a refused parameter
fail the SMS with `smsmode_send_failed`.
"""

import asyncio
from collections.abc import Collection
from datetime import timedelta
from typing import TYPE_CHECKING, Final
from uuid import uuid4

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .api import SendResult, SmsmodeAuthenticationError, SmsmodeClient, SmsmodeError
from .const import (
    CONF_OUTBOX_HORIZON,
    CONF_QUEUE_FAILED_SENDS,
    DEFAULT_OUTBOX_HORIZON,
    DEFAULT_QUEUE_FAILED_SENDS,
    LOGGER,
)
from .coordinator import SmsmodeConfigEntry
from .issues import (
    async_clear_outbox_stuck,
    async_set_outbox_stuck,
    async_set_outbox_unreadable,
)
from .outbox_attempt import KeyRefused, async_attempt
from .outbox_events import (
    async_fire_evicted,
    async_fire_expired,
    async_fire_queued,
    async_fire_withdrawn,
)
from .outbox_outcomes import async_settle
from .outbox_queue import OutboxQueue
from .outbox_store import OutboxUnreadableError, QueuedSms
from .outgoing import OutgoingSms, is_queueable, may_have_been_sent
from .retry import due_at, not_before, retry_at, retry_changes
from .scheduling import ScheduledJob

# The oldest SMS still queued after this many attempts raises the repair issue.
STUCK_AFTER_ATTEMPTS: Final = 3
# Why an SMS was queued without being tried, in `smsmode_send_queued`.
WAITING_BEHIND: Final = "Waiting behind earlier SMS"

if TYPE_CHECKING:
    # The sender owns the outbox and is called back by it.
    from .sender import SmsmodeSender


async def async_remove_outbox(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored outbox (the entry is being removed)."""
    await OutboxQueue(hass, entry_id).async_remove()


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
        client: SmsmodeClient,
        sender: SmsmodeSender,
    ) -> None:
        """Take the options; each attempt is the sender's `async_deliver`.

        The sender claims the id of each SMS it sends (`async_claim`), and
        follows an SMS found in the sent list as it follows a send.
        """
        self._hass = hass
        self._entry = entry
        self._client = client
        self._sender = sender
        self._queue = OutboxQueue(hass, entry.entry_id)
        self.enabled = bool(
            entry.options.get(CONF_QUEUE_FAILED_SENDS, DEFAULT_QUEUE_FAILED_SENDS)
        )
        self._horizon = timedelta(
            hours=float(entry.options.get(CONF_OUTBOX_HORIZON, DEFAULT_OUTBOX_HORIZON))
        )
        # Its lock is held while queued SMS are tried: unloading waits for it, so
        # a reloaded outbox never tries an SMS this one is still sending.
        self._job = ScheduledJob(hass, self.async_run)
        # Held by each new SMS from its request until it is sent or queued
        # (`async_send_in_turn`): concurrent sends keep the order asked for.
        self.turn = asyncio.Lock()
        # A refused key: nothing is tried until the entry reloads.
        self._paused = False

    @property
    def closed(self) -> bool:
        """Tell whether the outbox was unloaded: it tries and takes nothing more."""
        return self._job.stopped

    def __len__(self) -> int:
        """Return how many SMS wait."""
        return len(self._queue)

    async def async_load(self) -> None:
        """Read what waited when Home Assistant stopped (SMS are kept)."""
        try:
            await self._queue.async_load()
        except OutboxUnreadableError as err:
            async_set_outbox_unreadable(self._hass, self._entry, err.kept_as)

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
        await self._job.async_stop()
        async with self.turn:
            pass

    @callback
    def async_claim(self, sms_id: str, group: str | None = None) -> None:
        """Remember an SMS smsmode accepted: no queued SMS can be that one.

        Its group, if any, lets a lookup learn the group's size from its line.
        """
        self._queue.async_claim(sms_id, group)

    async def async_send_in_turn(self, sms: OutgoingSms) -> SendResult | QueuedSms:
        """Send an SMS now when none waits, else queue it behind them at once.

        The caller holds `turn`: the next SMS waits only while this one is with
        smsmode (bounded by the client's timeout), never for the queue. What
        smsmode cannot take now is queued. OutboxClosedError when this outbox
        was unloaded with SMS still queued.
        """
        if self._queue:
            if self.closed:
                raise OutboxClosedError
            item = await self._async_add(sms, WAITING_BEHIND, attempts=0)
            self._async_attempt_early()
            return item
        try:
            return await self._sender.async_deliver(sms)
        except SmsmodeError as err:
            if self.closed or not is_queueable(err):
                raise
            return await self.async_enqueue(sms, err)

    async def async_withdraw(self, ref_clients: Collection[str]) -> set[str]:
        """Take back queued SMS their sender no longer wants (an ended alert's).

        One smsmode may have (its outcome unknown) is still looked up, then
        dropped if not there; one under way finishes first. Each dropped fires
        `smsmode_send_failed` (`withdrawn`). Returns the refClients of those
        that surely never went.
        """
        async with self._job.lock:
            dropped = await self._queue.async_withdraw(ref_clients)
        for item in dropped:
            async_fire_withdrawn(self._hass, self._entry.entry_id, item)
        self._async_update_issue()
        self._async_schedule()
        return {str(item.sms.ref_client) for item in dropped}

    async def async_enqueue(self, sms: OutgoingSms, err: SmsmodeError) -> QueuedSms:
        """Queue an SMS whose first attempt failed with `err` (callers check `closed`).

        `err` says whether the SMS may have gone, and may push the first retry
        back (an HTTP 429's `Retry-After`).
        """
        return await self._async_add(
            sms,
            str(err),
            attempts=1,
            outcome_unknown=may_have_been_sent(err),
            cause=err,
        )

    async def _async_add(
        self,
        sms: OutgoingSms,
        error: str,
        *,
        attempts: int,
        outcome_unknown: bool = False,
        cause: SmsmodeError | None = None,
    ) -> QueuedSms:
        now = dt_util.utcnow().timestamp()
        item = QueuedSms(
            outbox_id=uuid4().hex,
            sms=sms,
            queued_at=now,
            # Queued behind others: due as soon as its turn comes.
            next_attempt=retry_at(1, cause, unknown=outcome_unknown)
            if attempts
            else now,
            not_before=not_before(cause),
            last_attempt=now,
            attempts=attempts,
            outcome_unknown=outcome_unknown,
        )
        if (evicted := await self._queue.async_put(item)) is not None:
            async_fire_evicted(self._hass, self._entry.entry_id, evicted)
        async_fire_queued(
            self._hass,
            self._entry.entry_id,
            item,
            error,
            due_at(self._queue.head(), early=False),
        )
        self._async_update_issue()
        self._async_schedule()
        return item

    def queued(self) -> list[QueuedSms]:
        """Return the SMS waiting, oldest first (diagnostics, tests)."""
        return self._queue.items()

    @callback
    def _async_attempt_early(self) -> None:
        """Let a new SMS bring the head's next attempt forward, once per backoff step.

        In the background: the caller does not wait. Never for a head whose
        outcome is unknown, nor before an HTTP 429's wait is over.
        """
        head = self._queue.head()
        if (
            head.early_attempt_made
            or self._paused
            or self._job.lock.locked()
            or due_at(head, early=True) > dt_util.utcnow().timestamp()
        ):
            return
        self._queue.async_note(head, early_attempt_made=True)
        self._entry.async_create_background_task(
            self._hass, self.async_run(early=True), "smsmode outbox early attempt"
        )

    @callback
    def _async_schedule(self) -> None:
        """Plan a run when the oldest SMS is due (none while paused or running)."""
        if self._paused or not self._queue:
            self._job.async_cancel()
            return
        due = due_at(self._queue.head(), early=False)
        self._job.async_plan(max(0.0, due - dt_util.utcnow().timestamp()))

    async def async_run(self, *, early: bool = False) -> None:
        """Try the queued SMS in order, from when the oldest is due.

        `early`: a new SMS brought the head's attempt forward (see `_due`). The
        run stops at the first SMS smsmode still cannot take: the ones after it
        wait their turn.
        """
        async with self._job.lock:
            if self.closed:
                return
            await self._async_expire()
            while self._queue and not (self._paused or self.closed):
                head = self._queue.head()
                moment = dt_util.utcnow().timestamp()
                if due_at(head, early=early) > moment:
                    break
                try:
                    went = await self._async_try(
                        head, on_schedule=due_at(head, early=False) <= moment
                    )
                except Exception:  # noqa: BLE001 - the outbox must keep going
                    LOGGER.exception("Unexpected error while sending a queued SMS")
                    await self._queue.async_update(
                        head, **retry_changes(head, None, True, on_schedule=True)
                    )
                    went = False
                if not went:
                    break
                # The SMS queued behind it were waiting for it, not for their turn.
                early = False
        self._async_update_issue()
        self._async_schedule()

    async def _async_expire(self) -> None:
        """Give up the SMS queued longer ago than the horizon."""
        horizon = (dt_util.utcnow() - self._horizon).timestamp()
        for item in [i for i in self._queue.items() if i.queued_at < horizon]:
            await self._queue.async_drop(item)
            async_fire_expired(self._hass, self._entry.entry_id, item, self._horizon)

    async def _async_try(self, item: QueuedSms, *, on_schedule: bool) -> bool:
        """Make one attempt and act on its outcome; True when the SMS is done."""
        item, outcome = await async_attempt(
            self._sender, self._client, self._queue, item
        )
        if isinstance(outcome, KeyRefused):
            self._async_pause_for_reauth(outcome.err)
            return False
        return await async_settle(
            self._hass,
            item,
            outcome,
            entry_id=self._entry.entry_id,
            sender=self._sender,
            queue=self._queue,
            on_schedule=on_schedule,
        )

    @callback
    def _async_pause_for_reauth(self, err: SmsmodeAuthenticationError) -> None:
        """Start reauth; the queued SMS wait for the reload a new key brings."""
        self._paused = True
        self._sender.async_react(err)
        LOGGER.warning("smsmode refused the key: queued SMS wait for a new one")

    @callback
    def _async_update_issue(self) -> None:
        """Raise the repair issue while the oldest SMS has failed several times."""
        if self._queue and self._queue.head().attempts >= STUCK_AFTER_ATTEMPTS:
            async_set_outbox_stuck(self._hass, self._entry, len(self._queue))
        else:
            async_clear_outbox_stuck(self._hass, self._entry)
