"""Sensors: credits left, SMS waiting to go, SMS parts sent, open alerts."""

from collections.abc import Callable
from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .alert_model import Alert
from .budget import SmsBudget, budget_signal
from .coordinator import SmsmodeBalanceCoordinator, SmsmodeConfigEntry
from .entity import SmsmodeEntity
from .escalation import alerts_signal
from .outbox_queue import outbox_signal

# Reads come from the coordinator or the outbox: no request per entity.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's balance, outbox, SMS-parts and open-alerts sensors."""
    async_add_entities(
        [
            SmsmodeBalanceSensor(entry),
            SmsmodeOutboxSensor(entry),
            SmsmodePartsSensor(entry, "parts_today", lambda budget: budget.today),
            SmsmodePartsSensor(
                entry, "parts_this_month", lambda budget: budget.this_month
            ),
            SmsmodeOpenAlertsSensor(entry),
        ]
    )


class SmsmodeBalanceSensor(
    SmsmodeEntity, CoordinatorEntity[SmsmodeBalanceCoordinator], SensorEntity
):
    """Credits left (negative on a post-paid account), as smsmode reports them."""

    _attr_translation_key = "balance"
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = "credits"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_suggested_display_precision = 1

    def __init__(self, entry: SmsmodeConfigEntry) -> None:
        """Attach to the account's balance coordinator."""
        CoordinatorEntity.__init__(self, entry.runtime_data.coordinator)
        SmsmodeEntity.__init__(self, entry, "balance")

    @property
    def native_value(self) -> float | None:
        """Return the last balance read (None until the first one)."""
        return self.coordinator.data


class SmsmodeOutboxSensor(SmsmodeEntity, SensorEntity):
    """How many SMS wait in the outbox for smsmode to take them (usually 0)."""

    _attr_translation_key = "outbox"
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = "SMS"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_should_poll = False

    def __init__(self, entry: SmsmodeConfigEntry) -> None:
        """Watch the account's outbox."""
        SmsmodeEntity.__init__(self, entry, "outbox")
        self._outbox = entry.runtime_data.outbox
        self._entry_id = entry.entry_id

    async def async_added_to_hass(self) -> None:
        """Write the state again whenever the outbox changes."""
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, outbox_signal(self._entry_id), self.async_write_ha_state
            )
        )

    @property
    def native_value(self) -> int:
        """Return how many SMS wait."""
        return len(self._outbox)


class SmsmodePartsSensor(SmsmodeEntity, SensorEntity):
    """SMS parts smsmode took today, or this month (what budgets count).

    Total increasing: the count starts again at 0 each day (month), which the
    statistics read as a new cycle. The counts are the budget's, kept in its
    store, so they survive a restart.
    """

    _attr_state_class = SensorStateClass.TOTAL_INCREASING
    _attr_native_unit_of_measurement = "SMS"
    _attr_should_poll = False

    def __init__(
        self,
        entry: SmsmodeConfigEntry,
        key: str,
        count: Callable[[SmsBudget], int],
    ) -> None:
        """Read one of the budget's counts."""
        SmsmodeEntity.__init__(self, entry, key)
        self._attr_translation_key = key
        self._budget = entry.runtime_data.sender.spend.budget
        self._count = count
        self._entry_id = entry.entry_id

    async def async_added_to_hass(self) -> None:
        """Write the state again whenever the counts change."""
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, budget_signal(self._entry_id), self.async_write_ha_state
            )
        )

    @property
    def native_value(self) -> int:
        """Return the count."""
        return self._count(self._budget)


def _alert_attributes(alert: Alert) -> dict[str, Any]:
    """Where one open alert stands (no number: the attribute is shown to all)."""
    current = alert.current
    ends = alert.next_step_at
    return {
        "alert_id": alert.alert_id,
        "message": alert.message,
        "step": alert.step + 1,
        "steps": len(alert.steps),
        "round": current.round,
        "contact": current.contact.name,
        "channel": current.channel,
        "step_started_at": None
        if alert.step_started_at is None
        else alert.step_started_at.isoformat(),
        "next_step_at": None if ends is None else ends.isoformat(),
    }


class SmsmodeOpenAlertsSensor(SmsmodeEntity, SensorEntity):
    """How many escalating alerts wait for an acknowledgement, and their steps.

    The list changes at every step: it stays out of the recorder, the count
    is what history needs.
    """

    _attr_translation_key = "open_alerts"
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = "alerts"
    _attr_should_poll = False
    _unrecorded_attributes = frozenset({"alerts"})

    def __init__(self, entry: SmsmodeConfigEntry) -> None:
        """Watch the account's escalating alerts."""
        SmsmodeEntity.__init__(self, entry, "open_alerts")
        self._escalation = entry.runtime_data.escalation
        self._entry_id = entry.entry_id

    async def async_added_to_hass(self) -> None:
        """Write the state again whenever an alert opens, steps or ends."""
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, alerts_signal(self._entry_id), self.async_write_ha_state
            )
        )

    @property
    def native_value(self) -> int:
        """Return how many alerts are open."""
        return len(self._escalation.alerts)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return each open alert's step."""
        return {
            "alerts": [
                _alert_attributes(alert) for alert in self._escalation.alerts.values()
            ]
        }
