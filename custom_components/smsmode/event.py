"""Event entities: received SMS and delivery reports, fed by the inbox.

They carry the same data as the `smsmode_message_received` and
`smsmode_delivery_report` bus events, so a dashboard shows the last one and an
automation can trigger on either.
"""

from typing import Any

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import EVENT_DELIVERY_REPORT, EVENT_MESSAGE_RECEIVED
from .coordinator import SmsmodeConfigEntry
from .entity import SmsmodeEntity
from .inbox import inbox_signal

# Pushed by the webhook: nothing to poll.
PARALLEL_UPDATES = 0

# Delivery-report event types: what an automation usually branches on.
DELIVERED = "delivered"
FAILED = "failed"
PENDING = "pending"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's two event entities."""
    async_add_entities(
        [SmsmodeReceivedSmsEvent(entry), SmsmodeDeliveryReportEvent(entry)]
    )


class _SmsmodeCallbackEvent(SmsmodeEntity, EventEntity):
    """Listens to one kind of the entry's webhook callbacks."""

    _bus_event: str

    def __init__(self, entry: SmsmodeConfigEntry, key: str) -> None:
        """Remember which entry's signal to follow."""
        super().__init__(entry, key)
        self._entry_id = entry.entry_id

    async def async_added_to_hass(self) -> None:
        """Follow the webhook's signal while the entity exists."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                inbox_signal(self._entry_id, self._bus_event),
                self._async_handle,
            )
        )

    def _event_type(self, data: dict[str, Any]) -> str:
        raise NotImplementedError

    @callback
    def _async_handle(self, data: dict[str, Any]) -> None:
        attributes = {k: v for k, v in data.items() if k != "config_entry_id"}
        self._trigger_event(self._event_type(data), attributes)
        self.async_write_ha_state()


class SmsmodeReceivedSmsEvent(_SmsmodeCallbackEvent):
    """An SMS someone sent back (a reply to a reply-allowed SMS)."""

    _attr_translation_key = "received_sms"
    _attr_event_types = ["received"]  # noqa: RUF012 (HA declares it a list)
    _bus_event = EVENT_MESSAGE_RECEIVED

    def __init__(self, entry: SmsmodeConfigEntry) -> None:
        """Name the entity from its translation key."""
        super().__init__(entry, "received_sms")

    def _event_type(self, data: dict[str, Any]) -> str:
        return "received"


class SmsmodeDeliveryReportEvent(_SmsmodeCallbackEvent):
    """A status change of one recipient of a sent SMS."""

    _attr_translation_key = "delivery_report"
    _attr_event_types = [DELIVERED, FAILED, PENDING]  # noqa: RUF012
    _bus_event = EVENT_DELIVERY_REPORT

    def __init__(self, entry: SmsmodeConfigEntry) -> None:
        """Name the entity from its translation key."""
        super().__init__(entry, "delivery_report")

    def _event_type(self, data: dict[str, Any]) -> str:
        if data["delivered"]:
            return DELIVERED
        return FAILED if data["final"] else PENDING
