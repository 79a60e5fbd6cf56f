"""The outbox's queue in memory, written to its store at each change.

Queued SMS oldest first, the ids smsmode accepted (claimed: no queued SMS can be
one of them) and the group sizes learnt from them. Every change is saved at once
and announced (the outbox sensor): an SMS must not be lost to a crash.
"""

from collections.abc import Collection
from dataclasses import replace
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .const import DOMAIN
from .outbox_store import OutboxStore, QueuedSms, StoredOutbox

# Queued SMS kept at most: an outage during a flood of alerts cannot grow the
# store without bound.
MAX_QUEUED: Final = 500
# Ids of SMS smsmode accepted, remembered so that a list line is claimed once,
# and the groups whose size is remembered.
MAX_CLAIMED: Final = 1000
MAX_GROUPS: Final = 100


def outbox_signal(entry_id: str) -> str:
    """Dispatcher signal sent when the outbox of an entry changes."""
    return f"{DOMAIN}_{entry_id}_outbox"


class OutboxQueue:
    """One account's queued SMS and claimed ids, as stored."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Start empty; `async_load` reads what was stored."""
        self._hass = hass
        self._entry_id = entry_id
        self._store = OutboxStore(hass, entry_id)
        self._items: dict[str, QueuedSms] = {}
        self.claimed: dict[str, str | None] = {}
        self.group_sizes: dict[str, int] = {}

    def __len__(self) -> int:
        """Return how many SMS wait."""
        return len(self._items)

    async def async_load(self) -> None:
        """Read what waited when Home Assistant stopped (OutboxUnreadableError)."""
        stored = await self._store.async_load()
        self.claimed = stored.claimed
        self.group_sizes = stored.group_sizes
        self._items = {item.outbox_id: item for item in stored.items}

    async def async_save(self) -> None:
        """Write the queue now, and tell the outbox sensor."""
        await self._store.async_save(
            StoredOutbox(list(self._items.values()), self.claimed, self.group_sizes)
        )
        async_dispatcher_send(self._hass, outbox_signal(self._entry_id))

    def head(self) -> QueuedSms:
        """Return the oldest SMS (the queue is not empty)."""
        return next(iter(self._items.values()))

    def items(self) -> list[QueuedSms]:
        """Return the SMS waiting, oldest first."""
        return list(self._items.values())

    async def async_put(self, item: QueuedSms) -> QueuedSms | None:
        """Queue an SMS last; return the oldest, given up to make room, if any."""
        evicted = None
        if len(self._items) >= MAX_QUEUED:
            evicted = self._items.pop(self.head().outbox_id)
        self._items[item.outbox_id] = item
        await self.async_save()
        return evicted

    @callback
    def async_note(self, item: QueuedSms, **changes: Any) -> None:
        """Change an SMS in memory only (what a restart may forget)."""
        if item.outbox_id in self._items:
            self._items[item.outbox_id] = replace(item, **changes)

    async def async_update(self, item: QueuedSms, **changes: Any) -> QueuedSms:
        """Store a change; an SMS given up meanwhile (outbox full) stays gone."""
        updated = replace(self._items.get(item.outbox_id, item), **changes)
        if item.outbox_id in self._items:
            self._items[item.outbox_id] = updated
            await self.async_save()
        return updated

    async def async_drop(self, item: QueuedSms) -> None:
        """Take an SMS out (sent, found, or given up)."""
        if self._items.pop(item.outbox_id, None) is not None:
            await self.async_save()

    async def async_withdraw(self, ref_clients: Collection[str]) -> list[QueuedSms]:
        """Take out the SMS with these refClients; mark those smsmode may have.

        One whose outcome is unknown is looked up all the same, and not sent.
        Returns those taken out: they surely never went.
        """
        dropped: list[QueuedSms] = []
        for item in [
            i for i in self._items.values() if i.sms.ref_client in ref_clients
        ]:
            if item.outcome_unknown:
                self._items[item.outbox_id] = replace(item, withdrawn=True)
            else:
                del self._items[item.outbox_id]
                dropped.append(item)
        await self.async_save()
        return dropped

    @callback
    def async_claim(self, sms_id: str, group: str | None) -> None:
        """Remember an SMS smsmode accepted, and its group (not saved until next)."""
        self.claimed[sms_id] = group
        while len(self.claimed) > MAX_CLAIMED:
            del self.claimed[next(iter(self.claimed))]
        while len(self.group_sizes) > MAX_GROUPS:
            del self.group_sizes[next(iter(self.group_sizes))]

    async def async_remove(self) -> None:
        """Delete the store (the entry is being removed)."""
        await self._store.async_remove()
