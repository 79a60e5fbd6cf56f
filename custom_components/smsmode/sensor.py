"""Sensors: the credits left, the SMS waiting to go, the SMS parts sent."""

from collections.abc import Callable

from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .budget import SmsBudget, budget_signal
from .coordinator import SmsmodeBalanceCoordinator, SmsmodeConfigEntry
from .entity import SmsmodeEntity
from .outbox_queue import outbox_signal

# Reads come from the coordinator or the outbox: no request per entity.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's balance, outbox and SMS-parts sensors."""
    async_add_entities(
        [
            SmsmodeBalanceSensor(entry),
            SmsmodeOutboxSensor(entry),
            SmsmodePartsSensor(entry, "parts_today", lambda budget: budget.today),
            SmsmodePartsSensor(
                entry, "parts_this_month", lambda budget: budget.this_month
            ),
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
