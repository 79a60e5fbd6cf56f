"""Durable outbox: SMS that smsmode could not take now go out later, once.

A "server down" alert must not be lost because the link to smsmode flaps. When
a send fails in a way retrying can fix (smsmode not reached, code 50, HTTP 429, or an
outcome that is unknown: a timeout after the request was written, a cut, an
HTTP 5xx), the SMS is kept in a `Store` (it survives restarts) and retried with
exponential backoff and jitter until the horizon (24 h by default).

Never twice: a message whose last attempt may have reached smsmode is first
looked up in the sent-SMS list (`smsList.do`), by its text, first recipient,
recipient count and date, since that list does not give the `refClient` back.
Found, it is done; only when it is not there is it sent again. The flag is
written before each attempt, so a restart in the middle of one is treated the
same way.

Errors retrying cannot fix are not retried: a refused key starts reauth and the
outbox waits, message kept, for the entry to reload with a new key (no retry
loop); missing credits or a refused parameter fail the message with
`smsmode_send_failed` and the same repair issue a direct send would raise.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
import random
from typing import Any, Final, TypedDict
from uuid import uuid4

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import (
    Encoding,
    SendResult,
    SentSms,
    SmsModeAuthenticationError,
    SmsModeClient,
    SmsModeConnectionError,
    SmsModeError,
    SmsModeInsufficientCreditsError,
    SmsModeRateLimitError,
    SmsModeUnavailableError,
    StopMode,
)
from .const import (
    CONF_OUTBOX_HORIZON,
    CONF_QUEUE_FAILED_SENDS,
    DEFAULT_OUTBOX_HORIZON,
    DEFAULT_QUEUE_FAILED_SENDS,
    DOMAIN,
    EVENT_SEND_FAILED,
    EVENT_SEND_QUEUED,
    LOGGER,
)
from .coordinator import SmsmodeConfigEntry
from .errors import translated_error
from .issues import async_clear_outbox_stuck, async_set_outbox_stuck

STORAGE_VERSION: Final = 1
# Backoff: 15 s, 30 s, 1 min, … up to 15 min, each drawn between half and all of
# it (jitter), so many Home Assistants do not all come back at the same second.
RETRY_BASE: Final = timedelta(seconds=15)
RETRY_MAX: Final = timedelta(minutes=15)
# A message still queued after this many attempts raises the repair issue.
STUCK_AFTER_ATTEMPTS: Final = 3
# Queued messages kept at most: an outage during a flood of alerts keeps the
# newest ones' company without growing without bound.
MAX_QUEUED: Final = 500
# How far back the sent-SMS list is read to find a message that may have gone.
LOOKUP_COUNT: Final = 200
# List dates stop at the minute, and smsmode's clock may differ a little.
LOOKUP_MARGIN: Final = timedelta(minutes=2)

# Why a queued message was given up, in `smsmode_send_failed` (public names).
FAILED_EXPIRED: Final = "expired"
FAILED_CREDITS: Final = "insufficient_credits"
FAILED_REFUSED: Final = "refused"
FAILED_FULL: Final = "outbox_full"


def is_queueable(err: SmsModeError) -> bool:
    """Tell whether retrying later can fix the failure of a send."""
    return isinstance(
        err, SmsModeConnectionError | SmsModeUnavailableError | SmsModeRateLimitError
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class OutgoingSms:
    """One SMS exactly as it goes to the client: what the outbox keeps.

    Callback URLs are left out: they are worked out at each attempt, since
    Home Assistant's URL may change while a message waits.
    """

    text: str
    numbers: tuple[str, ...]
    group: str | None
    encoding: Encoding | None
    reply_allowed: bool
    sender: str | None
    scheduled_at: datetime | None
    ref_client: str | None
    max_segments: int
    stop: StopMode

    def as_json(self) -> dict[str, Any]:
        """Return the message in a form the store can write."""
        data = asdict(self)
        data["numbers"] = list(self.numbers)
        data["encoding"] = None if self.encoding is None else self.encoding.value
        data["scheduled_at"] = (
            None if self.scheduled_at is None else self.scheduled_at.isoformat()
        )
        data["stop"] = int(self.stop)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OutgoingSms:
        """Read a message back from the store."""
        scheduled_at = data["scheduled_at"]
        return cls(
            text=data["text"],
            numbers=tuple(data["numbers"]),
            group=data["group"],
            encoding=None if data["encoding"] is None else Encoding(data["encoding"]),
            reply_allowed=data["reply_allowed"],
            sender=data["sender"],
            scheduled_at=None
            if scheduled_at is None
            else dt_util.parse_datetime(scheduled_at),
            ref_client=data["ref_client"],
            max_segments=data["max_segments"],
            stop=StopMode(data["stop"]),
        )

    def matches(self, sent: SentSms, since: datetime) -> bool:
        """Tell whether a line of the sent-SMS list is this message.

        smsmode may append its STOP mention to the text it lists.
        """
        return (
            sent.sent_at >= since - LOOKUP_MARGIN
            and sent.text.startswith(self.text)
            and (not self.numbers or sent.recipient == self.numbers[0])
            and (not self.numbers or sent.recipient_count == len(self.numbers))
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class QueuedSms:
    """A message waiting in the outbox; times are POSIX timestamps."""

    outbox_id: str
    sms: OutgoingSms
    queued_at: float
    next_attempt: float
    attempts: int
    outcome_unknown: bool


class _StoredItem(TypedDict):
    outbox_id: str
    sms: dict[str, Any]
    queued_at: float
    next_attempt: float
    attempts: int
    outcome_unknown: bool


class _StoredOutbox(TypedDict):
    items: list[_StoredItem]


type Deliver = Callable[[OutgoingSms], Awaitable[SendResult]]


def signal_name(entry_id: str) -> str:
    """Dispatcher signal sent when the outbox of an entry changes."""
    return f"{DOMAIN}_{entry_id}_outbox"


def _store(hass: HomeAssistant, entry_id: str) -> Store[_StoredOutbox]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.outbox")


async def async_remove_outbox(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored outbox (the entry is being removed)."""
    await _store(hass, entry_id).async_remove()


def _backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: doubling from RETRY_BASE, capped, jittered."""
    delay: timedelta = min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_MAX)
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - not cryptography


class SmsmodeOutbox:
    """One account's queued messages, their retries, and what people are told."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SmsmodeConfigEntry,
        client: SmsModeClient,
        deliver: Deliver,
    ) -> None:
        """Take the options; `deliver` sends one message (URLs, balance, replies)."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._deliver = deliver
        self._store = _store(hass, entry.entry_id)
        self._items: dict[str, QueuedSms] = {}
        self.enabled = bool(
            entry.options.get(CONF_QUEUE_FAILED_SENDS, DEFAULT_QUEUE_FAILED_SENDS)
        )
        self._horizon = timedelta(
            hours=float(entry.options.get(CONF_OUTBOX_HORIZON, DEFAULT_OUTBOX_HORIZON))
        )
        self._unsub: CALLBACK_TYPE | None = None
        # Held while messages are being tried: unloading waits for it, so a
        # reloaded outbox never tries a message this one is still sending.
        self._run_lock = asyncio.Lock()
        # Set by a refused key or an unload: nothing more is tried.
        self._paused = False

    def __len__(self) -> int:
        """Return how many messages wait."""
        return len(self._items)

    async def async_load(self) -> None:
        """Read what waited when Home Assistant stopped (messages are kept)."""
        if (stored := await self._store.async_load()) is None:
            return
        for raw in stored["items"]:
            item = QueuedSms(
                outbox_id=raw["outbox_id"],
                sms=OutgoingSms.from_json(raw["sms"]),
                queued_at=raw["queued_at"],
                next_attempt=raw["next_attempt"],
                attempts=raw["attempts"],
                outcome_unknown=raw["outcome_unknown"],
            )
            self._items[item.outbox_id] = item

    @callback
    def async_start(self) -> None:
        """Plan the retries of what was loaded."""
        self._async_schedule()

    async def async_shutdown(self) -> None:
        """Stop retrying, and wait for an attempt under way (unload).

        The attempt is bounded by the client's timeout. Waiting for it keeps the
        stored state right for the outbox the next setup loads.
        """
        self._paused = True
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        async with self._run_lock:
            pass

    async def _async_save(self) -> None:
        """Write the queue now: a message must not be lost to a crash."""
        await self._store.async_save(
            {
                "items": [
                    {
                        "outbox_id": item.outbox_id,
                        "sms": item.sms.as_json(),
                        "queued_at": item.queued_at,
                        "next_attempt": item.next_attempt,
                        "attempts": item.attempts,
                        "outcome_unknown": item.outcome_unknown,
                    }
                    for item in self._items.values()
                ]
            }
        )
        async_dispatcher_send(self._hass, signal_name(self._entry.entry_id))

    async def async_enqueue(self, sms: OutgoingSms, err: SmsModeError) -> QueuedSms:
        """Queue a message whose send failed in a way retrying can fix."""
        now = dt_util.utcnow()
        item = QueuedSms(
            outbox_id=uuid4().hex,
            sms=sms,
            queued_at=now.timestamp(),
            next_attempt=(now + _backoff(1)).timestamp(),
            attempts=1,
            outcome_unknown=isinstance(err, SmsModeConnectionError)
            and err.may_have_been_sent,
        )
        if len(self._items) >= MAX_QUEUED:
            oldest = next(iter(self._items.values()))
            del self._items[oldest.outbox_id]
            self._async_fire_failed(oldest, FAILED_FULL, "The outbox is full")
        self._items[item.outbox_id] = item
        await self._async_save()
        LOGGER.warning(
            "smsmode could not take an SMS (%s); it is queued and will be retried",
            err,
        )
        self._hass.bus.async_fire(
            EVENT_SEND_QUEUED,
            {
                **self._event_data(item),
                "error": str(err),
                "may_have_been_sent": item.outcome_unknown,
                "next_attempt": dt_util.utc_from_timestamp(
                    item.next_attempt
                ).isoformat(),
            },
        )
        self._async_schedule()
        return item

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
    def _async_fire_failed(self, item: QueuedSms, reason: str, error: str) -> None:
        LOGGER.error("A queued SMS was given up (%s): %s", reason, error)
        self._hass.bus.async_fire(
            EVENT_SEND_FAILED,
            {**self._event_data(item), "reason": reason, "error": error},
        )

    @callback
    def _async_schedule(self) -> None:
        """Plan a run at the earliest next attempt (none while paused or running)."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        if self._paused or self._run_lock.locked() or not self._items:
            return
        due = min(item.next_attempt for item in self._items.values())
        delay = max(0.0, due - dt_util.utcnow().timestamp())
        self._unsub = async_call_later(self._hass, delay, self._async_run_later)

    async def _async_run_later(self, _now: datetime) -> None:
        self._unsub = None
        await self.async_run()

    async def async_run(self) -> None:
        """Try every message that is due, oldest first, then plan the next run."""
        async with self._run_lock:
            for item in list(self._items.values()):
                if self._paused:
                    break
                if (
                    item.outbox_id in self._items
                    and item.next_attempt <= dt_util.utcnow().timestamp()
                ):
                    await self._async_try(item)
        self._async_update_issue()
        self._async_schedule()

    async def _async_try(self, item: QueuedSms) -> None:
        """Look a maybe-sent message up, send it if it did not go, or give up."""
        now = dt_util.utcnow()
        if now - dt_util.utc_from_timestamp(item.queued_at) > self._horizon:
            await self._async_drop(item)
            self._async_fire_failed(
                item, FAILED_EXPIRED, f"Not sent within {self._horizon}"
            )
            return
        try:
            if item.outcome_unknown and await self._async_already_sent(item):
                LOGGER.info("A queued SMS had reached smsmode after all: not re-sent")
                await self._async_drop(item)
                return
            if item.outbox_id not in self._items:  # given up meanwhile (full)
                return
            # From here a cut or a restart leaves the outcome unknown again.
            item = await self._async_update(item, outcome_unknown=True)
            await self._deliver(self._due_sms(item.sms, now))
        except SmsModeAuthenticationError as err:
            # Reauth starts; the message waits for the reload a new key brings.
            self._paused = True
            translated_error(self._hass, self._entry, err)
            LOGGER.warning("smsmode refused the key: queued SMS wait for a new one")
            await self._async_update(item, outcome_unknown=False)
            return
        except SmsModeError as err:
            await self._async_failed_attempt(item, err)
            return
        LOGGER.info("A queued SMS went out after %d attempt(s)", item.attempts + 1)
        await self._async_drop(item)

    async def _async_failed_attempt(self, item: QueuedSms, err: SmsModeError) -> None:
        if not is_queueable(err):
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
            return
        attempts = item.attempts + 1
        await self._async_update(
            item,
            attempts=attempts,
            next_attempt=(dt_util.utcnow() + _backoff(attempts)).timestamp(),
            outcome_unknown=isinstance(err, SmsModeConnectionError)
            and err.may_have_been_sent,
        )
        LOGGER.debug("Queued SMS not sent yet (attempt %d): %s", attempts, err)

    async def _async_already_sent(self, item: QueuedSms) -> bool:
        """Tell whether smsmode lists the message since it was first tried."""
        since = dt_util.utc_from_timestamp(item.queued_at)
        sent = await self._client.list_sent_sms(count=LOOKUP_COUNT)
        return any(item.sms.matches(line, since) for line in sent)

    @staticmethod
    def _due_sms(sms: OutgoingSms, now: datetime) -> OutgoingSms:
        """Send now a message whose scheduled time passed while it waited."""
        if sms.scheduled_at is not None and sms.scheduled_at <= now:
            return replace(sms, scheduled_at=None)
        return sms

    async def _async_update(self, item: QueuedSms, **changes: Any) -> QueuedSms:
        """Store a change; a message given up meanwhile (outbox full) stays gone."""
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
        """Raise the repair issue while a message has failed several attempts."""
        stuck = [
            item
            for item in self._items.values()
            if item.attempts >= STUCK_AFTER_ATTEMPTS
        ]
        if stuck:
            async_set_outbox_stuck(self._hass, self._entry, len(self._items))
        else:
            async_clear_outbox_stuck(self._hass, self._entry)
