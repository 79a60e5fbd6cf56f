"""Balance sensor: the credits left on the smsmode account."""

from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import SmsmodeBalanceCoordinator, SmsmodeConfigEntry
from .entity import SmsmodeEntity

# Reads come from the coordinator: no request per entity.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's balance sensor."""
    async_add_entities([SmsmodeBalanceSensor(entry)])


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
    def native_value(self) -> float:
        """Return the last balance read."""
        return self.coordinator.data
