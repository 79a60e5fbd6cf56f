"""The outbox's store: queued SMS and claimed ids, kept across restarts.

Written atomically (a temporary file renamed), so a power cut mid-write leaves
the previous queue, never half of one. A store that cannot be read is set aside
and reported (repair issue), never silently replaced by an empty queue.
"""

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
import os
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER
from .outgoing import OutgoingSms

STORAGE_VERSION: Final = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class QueuedSms:
    """An SMS waiting in the outbox; times are POSIX timestamps.

    `attempts` counts the attempts made: 0 for an SMS queued behind others.
    """

    outbox_id: str
    sms: OutgoingSms
    queued_at: float
    next_attempt: float
    last_attempt: float
    attempts: int
    outcome_unknown: bool
    # Not tried before this (smsmode's HTTP 429 said how long), not even early.
    not_before: float = 0.0
    # A new SMS brought an attempt forward during this backoff step: no other may.
    early_attempt_made: bool = False
    # Its sender no longer wants it (a cancelled alert's step): smsmode may have
    # it already, so it is looked up, and dropped rather than sent if not there.
    withdrawn: bool = False

    def as_json(self) -> dict[str, Any]:
        """Return the item in a form the store can write."""
        data = {field.name: getattr(self, field.name) for field in fields(self)}
        data["sms"] = self.sms.as_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QueuedSms:
        """Read an item back; fields added since it was written take their default."""
        known = {field.name for field in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["sms"] = OutgoingSms.from_json(data["sms"])
        return cls(**values)

    def due_sms(self, now: datetime) -> OutgoingSms:
        """Return the SMS to send now: one whose scheduled time passed goes at once."""
        if self.sms.scheduled_at is not None and self.sms.scheduled_at <= now:
            return replace(self.sms, scheduled_at=None)
        return self.sms

    def event_data(self) -> dict[str, Any]:
        """Return what the outbox's events say of the SMS (not its text)."""
        return {
            "outbox_id": self.outbox_id,
            "recipients": list(self.sms.numbers),
            "group": self.sms.group,
            "ref_client": self.sms.ref_client,
            "attempts": self.attempts,
            "queued_at": dt_util.utc_from_timestamp(self.queued_at).isoformat(),
        }


@dataclass(frozen=True, slots=True)
class StoredOutbox:
    """What an outbox's store holds.

    `claimed`: ids of SMS smsmode accepted, oldest first, with their group;
    `group_sizes`: how many recipients smsmode listed for each group lately.
    """

    items: list[QueuedSms] = field(default_factory=list)
    claimed: dict[str, str | None] = field(default_factory=dict)
    group_sizes: dict[str, int] = field(default_factory=dict)


class OutboxUnreadableError(Exception):
    """The stored queue could not be read; it was set aside under `kept_as`."""

    def __init__(self, kept_as: str) -> None:
        """Say where the unreadable file now is."""
        super().__init__(kept_as)
        self.kept_as = kept_as


class OutboxStore:
    """One account's outbox file in Home Assistant's storage."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Use the entry's own storage key."""
        self._hass = hass
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.outbox", atomic_writes=True
        )

    async def async_load(self) -> StoredOutbox:
        """Read the queue; an empty one when nothing was stored.

        OutboxUnreadableError when the file holds something this version cannot
        read: it is renamed first, so that the next save does not overwrite the
        SMS it may still hold. (Invalid JSON is set aside by Home Assistant
        itself, which raises its own repair issue.)
        """
        try:
            stored = await self._store.async_load()
            if stored is None:
                return StoredOutbox()
            groups = stored.get("claimed_groups", {})
            return StoredOutbox(
                [QueuedSms.from_json(raw) for raw in stored["items"]],
                {str(sms_id): groups.get(sms_id) for sms_id in stored["claimed"]},
                {
                    str(group): int(size)
                    for group, size in stored.get("group_sizes", {}).items()
                },
            )
        except (HomeAssistantError, KeyError, TypeError, ValueError) as err:
            kept_as = f"{self._store.path}.unreadable"
            try:
                await self._hass.async_add_executor_job(
                    os.replace, self._store.path, kept_as
                )
            except OSError:
                kept_as = self._store.path
            LOGGER.error(
                "The outbox could not be read (%s); it is kept as %s",
                type(err).__name__,
                kept_as,
            )
            raise OutboxUnreadableError(kept_as) from err

    async def async_save(self, outbox: StoredOutbox) -> None:
        """Write the queue now: an SMS must not be lost to a crash."""
        await self._store.async_save(
            {
                "items": [item.as_json() for item in outbox.items],
                "claimed": list(outbox.claimed),
                "claimed_groups": {
                    sms_id: group for sms_id, group in outbox.claimed.items() if group
                },
                "group_sizes": outbox.group_sizes,
            }
        )

    async def async_remove(self) -> None:
        """Delete the file (the entry is being removed)."""
        await self._store.async_remove()
