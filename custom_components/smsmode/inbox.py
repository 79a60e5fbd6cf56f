"""smsmode's callbacks turned into events, once each, whichever way they arrive.

A reply can come through the webhook and through reply polling, and smsmode
repeats a callback until it gets an answer it likes: both paths hand what they
read to the entry's `SmsmodeInbox`, which fires an event only for what it has not
seen yet. What it has seen (reply ids; sms id, number and status of reports) is
kept in a `Store`, so a restart does not fire old callbacks again. The same store
holds what polling needs to survive a restart: when the last reply-allowed SMS
went, how far the reply list was read, since when the inbox exists, and which
SMS still wait for a final delivery report.
"""

from datetime import datetime, timedelta
from typing import Any, Final, NotRequired, TypedDict

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import (
    DOMAIN,
    EVENT_DELIVERY_REPORT,
    EVENT_MESSAGE_RECEIVED,
    REPLY_EXPECTED_FOR,
    REPLY_WINDOW,
)

STORAGE_VERSION: Final = 1
# Seconds a change waits before being written: a burst of callbacks is one write.
SAVE_DELAY: Final = 10
# Remembered callbacks per kind: far more than smsmode ever repeats.
MAX_SEEN: Final = 5000
# Kept longer than replies are polled back (REPLY_WINDOW), so polling never meets
# a reply whose id was already forgotten.
SEEN_MAX_AGE: Final = REPLY_WINDOW + timedelta(days=5)
# Reply rushes remembered at most (the newest): scheduled sends to come.
MAX_RUSHES: Final = 100


class _InboxData(TypedDict):
    """What the store holds; times are POSIX timestamps."""

    created: float
    replies: dict[str, float]
    reports: dict[str, float]
    last_reply_allowed_send: NotRequired[float]
    # When each reply-allowed SMS whose first half hour is not over goes out.
    reply_rushes: NotRequired[list[float]]
    polled_until: NotRequired[float]
    # SMS whose delivery reports are polled: sms id -> [when sent, refClient].
    pending_reports: NotRequired[dict[str, list[Any]]]


@callback
def inbox_signal(entry_id: str, event_type: str) -> str:
    """Dispatcher signal that carries one entry's events to its event entities."""
    return f"{DOMAIN}_{entry_id}_{event_type}"


def _inbox_store(hass: HomeAssistant, entry_id: str) -> Store[_InboxData]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.inbox")


async def async_remove_inbox(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored inbox (the entry is being removed)."""
    await _inbox_store(hass, entry_id).async_remove()


def _remember(seen: dict[str, float], key: str, now: float) -> bool:
    """Add a key; False when it was there. The oldest go past the cap or the age.

    Keys are added in time order, so the dict's order is their age.
    """
    if key in seen:
        return False
    seen[key] = now
    horizon = now - SEEN_MAX_AGE.total_seconds()
    while len(seen) > MAX_SEEN or next(iter(seen.values())) < horizon:
        del seen[next(iter(seen))]
    return True


class SmsmodeInbox:
    """One account's seen callbacks and reply-polling state, kept in a `Store`."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to the entry's store; `async_load` reads it."""
        self._hass = hass
        self._entry_id = entry_id
        self._store = _inbox_store(hass, entry_id)
        self._data: _InboxData = {
            "created": dt_util.utcnow().timestamp(),
            "replies": {},
            "reports": {},
        }

    async def async_load(self) -> None:
        """Read what was stored, or start a new inbox (its creation time is kept)."""
        if (stored := await self._store.async_load()) is not None:
            self._data = stored
        else:
            await self._store.async_save(self._data)

    async def async_save(self) -> None:
        """Write now (unload): a pending delayed write would be lost to a reload."""
        await self._store.async_save(self._data)

    @callback
    def _async_changed(self) -> None:
        self._store.async_delay_save(lambda: self._data, SAVE_DELAY)

    @property
    def created(self) -> datetime:
        """When the inbox was first made: replies older than this are not news."""
        return dt_util.utc_from_timestamp(self._data["created"])

    @property
    def last_reply_allowed_send(self) -> datetime | None:
        """When the newest reply-allowed SMS went (or is scheduled to go)."""
        value = self._data.get("last_reply_allowed_send")
        return None if value is None else dt_util.utc_from_timestamp(value)

    @property
    def reply_rushes(self) -> list[datetime]:
        """When the reply-allowed SMS whose first half hour is not over go out.

        Replies come mostly in that half hour: polling is quicker then. Kept for
        each send, not only the newest: an SMS sent now still has its rush when
        another is scheduled for next week.
        """
        return [dt_util.utc_from_timestamp(ts) for ts in self._rush_stamps()]

    def _rush_stamps(self) -> list[float]:
        if "reply_rushes" in self._data:
            return self._data["reply_rushes"]
        # Stored before rushes were: the newest send's.
        last = self._data.get("last_reply_allowed_send")
        return [] if last is None else [last]

    @callback
    def async_set_reply_allowed_send(self, when: datetime) -> None:
        """Record a reply-allowed send: its rush, and the newest send."""
        current = self.last_reply_allowed_send
        if current is None or when > current:
            self._data["last_reply_allowed_send"] = when.timestamp()
        over = (dt_util.utcnow() - REPLY_EXPECTED_FOR).timestamp()
        rushes = {ts for ts in self._rush_stamps() if ts >= over}
        rushes.add(when.timestamp())
        self._data["reply_rushes"] = sorted(rushes)[-MAX_RUSHES:]
        self._async_changed()

    @property
    def polled_until(self) -> datetime | None:
        """Up to when the reply list has been read."""
        value = self._data.get("polled_until")
        return None if value is None else dt_util.utc_from_timestamp(value)

    @callback
    def async_set_polled_until(self, when: datetime) -> None:
        """Record how far the reply list has been read."""
        self._data["polled_until"] = when.timestamp()
        self._async_changed()

    @property
    def pending_reports(self) -> dict[str, tuple[datetime, str | None]]:
        """SMS whose delivery reports are polled: when each went, its refClient."""
        return {
            sms_id: (dt_util.utc_from_timestamp(since), ref_client)
            for sms_id, (since, ref_client) in self._data.get(
                "pending_reports", {}
            ).items()
        }

    @callback
    def async_expect_reports(
        self, sms_id: str, since: datetime, ref_client: str | None
    ) -> None:
        """Poll the delivery reports of an SMS that went without a callback URL."""
        pending = self._data.setdefault("pending_reports", {})
        pending[sms_id] = [since.timestamp(), ref_client]
        self._async_changed()

    @callback
    def async_reports_done(self, sms_id: str) -> None:
        """Stop polling an SMS's reports (all final, too old, or unknown)."""
        if self._data.get("pending_reports", {}).pop(sms_id, None) is not None:
            self._async_changed()

    def has_reply(self, response_id: str) -> bool:
        """Whether this reply was already fired (its callback needs no check)."""
        return response_id in self._data["replies"]

    @callback
    def async_reply(self, data: dict[str, Any]) -> bool:
        """Fire `smsmode_message_received` unless this reply was already fired."""
        return self._async_fire(
            EVENT_MESSAGE_RECEIVED, self._data["replies"], data["response_id"], data
        )

    @callback
    def async_delivery_report(self, data: dict[str, Any]) -> bool:
        """Fire `smsmode_delivery_report` unless this status was already reported."""
        key = f"{data['sms_id']}|{data['number']}|{data['status']}"
        return self._async_fire(EVENT_DELIVERY_REPORT, self._data["reports"], key, data)

    @callback
    def _async_fire(
        self, event_type: str, seen: dict[str, float], key: str, data: dict[str, Any]
    ) -> bool:
        """Fire the bus event and the entities' signal once per key."""
        if not _remember(seen, key, dt_util.utcnow().timestamp()):
            return False
        self._async_changed()
        event_data = {"config_entry_id": self._entry_id, **data}
        self._hass.bus.async_fire(event_type, event_data)
        async_dispatcher_send(
            self._hass, inbox_signal(self._entry_id, event_type), event_data
        )
        return True
