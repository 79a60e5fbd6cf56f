"""Base entity: an smsmode entity of the account's service device.

The balance, outbox and event entities are the account's; a recipient's notify
entity has a device of its own (notify.py).
"""

from homeassistant.config_entries import ConfigEntry
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import DOMAIN


def account_device_info(entry: ConfigEntry) -> DeviceInfo:
    """Describe the service device of one smsmode account (one config entry).

    smsmode exposes no account id, so the device is keyed by the entry id.
    """
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer="smsmode",
        model="SMS API 1.6",
        name=entry.title,
        configuration_url="https://ui.smsmode.com",
    )


class SmsmodeEntity(Entity):
    """An entity of one smsmode account, named from its translation key."""

    _attr_has_entity_name = True

    def __init__(self, entry: ConfigEntry, key: str) -> None:
        """Set the unique id (entry id + key) and the device."""
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = account_device_info(entry)
