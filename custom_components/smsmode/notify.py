"""Notify: the legacy `notify.smsmode` service, and one entity per recipient.

The legacy service keeps what automations have long used (`target` numbers, a
`data` dict of SMS options, voice calls); it is set up per account through
discovery, since legacy platforms cannot come from a config entry directly. The
entities follow the current notify model: one per recipient subentry (on its own
device), message and title only. Both go through the account's sender
(sender.py).
"""

from collections.abc import Mapping
from typing import Any, Final, override

# Re-exported implicitly up to 2026.10, in notify's __all__ from 2026.11: the
# ignore is unused there, which mypy is told to accept.
from homeassistant.components.notify import NotifyEntity, NotifyEntityFeature  # type: ignore[attr-defined,unused-ignore]
from homeassistant.components.notify.const import ATTR_DATA, ATTR_TARGET, ATTR_TITLE
from homeassistant.components.notify.legacy import BaseNotificationService
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import CONF_NAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, discovery
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType
from homeassistant.util import slugify
import voluptuous as vol

from .const import CONF_NUMBER, DOMAIN, SUBENTRY_TYPE_RECIPIENT
from .coordinator import SmsmodeConfigEntry, loaded_entry
from .entity import SmsmodeEntity
from .fields import (
    ATTR_GROUP,
    ATTR_LANGUAGE,
    ATTR_SCHEDULED_AT,
    SMS_OPTION_FIELDS,
    SMS_OPTION_KEYS,
    VOICE_LANGUAGE,
)
from .request import SmsRequest, resolve_recipients, sms_request

# Each send is its own request and sends do not depend on each other: letting
# them run in parallel keeps one slow send (up to the client's timeout) from
# holding back alerts to other recipients.
PARALLEL_UPDATES = 0

ATTR_ENTRY_ID: Final = "entry_id"
# Entry states whose runtime data holds the legacy service (discovery runs
# during the entry's setup).
_SERVING: Final = frozenset(
    {ConfigEntryState.SETUP_IN_PROGRESS, ConfigEntryState.LOADED}
)
ATTR_VOICE: Final = "voice"
ATTR_VOICE_TITLE: Final = "voice_title"

NOTIFY_DATA_SCHEMA: Final = vol.Schema(
    {
        **SMS_OPTION_FIELDS,
        vol.Optional(ATTR_VOICE): cv.boolean,
        vol.Optional(ATTR_LANGUAGE): VOICE_LANGUAGE,
        vol.Optional(ATTR_VOICE_TITLE): cv.string,
    }
)
# What a voice call cannot carry, and what only a voice call takes.
_SMS_ONLY: Final = SMS_OPTION_KEYS - {ATTR_SCHEDULED_AT}
_VOICE_ONLY: Final = frozenset({ATTR_LANGUAGE, ATTR_VOICE_TITLE})


@callback
def legacy_service_name(hass: HomeAssistant, entry: SmsmodeConfigEntry) -> str:
    """Name of the entry's legacy service: `smsmode`, or `smsmode_<title>` after.

    The first account (in creation order) keeps the short name automations use;
    later ones are told apart by their title, numbered if two titles slugify alike.
    """
    names: dict[str, str] = {}
    for index, other in enumerate(hass.config_entries.async_entries(DOMAIN)):
        base = (
            DOMAIN
            if index == 0
            else f"{DOMAIN}_{slugify(other.title) or other.entry_id.lower()}"
        )
        name, number = base, 2
        while name in names.values():
            name, number = f"{base}_{number}", number + 1
        names[other.entry_id] = name
    return names[entry.entry_id]


async def async_load_legacy_notify(
    hass: HomeAssistant, entry: SmsmodeConfigEntry
) -> None:
    """Set up the entry's legacy notify service (end of `async_setup_entry`).

    Home Assistant's configuration is not needed: it only sets notify up, which
    the entry's notify platform has done already. So `{}`, as lametric, webostv
    and smtp pass.
    """
    entry.runtime_data.legacy_notify = SmsmodeNotificationService(entry.entry_id)
    await discovery.async_load_platform(
        hass,
        Platform.NOTIFY,
        DOMAIN,
        {CONF_NAME: legacy_service_name(hass, entry), ATTR_ENTRY_ID: entry.entry_id},
        {},
    )


async def async_unload_legacy_notify(
    hass: HomeAssistant, entry: SmsmodeConfigEntry
) -> None:
    """Remove this entry's legacy service only; other accounts keep theirs."""
    if notify_service := entry.runtime_data.legacy_notify:
        entry.runtime_data.legacy_notify = None
        await notify_service.async_unload()


async def async_get_service(
    hass: HomeAssistant,
    config: ConfigType,
    discovery_info: DiscoveryInfoType | None = None,
) -> SmsmodeNotificationService | None:
    """Hand the notify component the service prepared for the discovered entry.

    None for YAML (`platform: smsmode` is not supported: accounts are config
    entries) and for an entry unloaded before discovery got here.
    """
    if discovery_info is None:
        return None
    entry: SmsmodeConfigEntry | None = hass.config_entries.async_get_entry(
        discovery_info[ATTR_ENTRY_ID]
    )
    if entry is None or entry.state not in _SERVING:
        return None
    return entry.runtime_data.legacy_notify


class SmsmodeNotificationService(BaseNotificationService):
    """`notify.smsmode`: one SMS (or voice call) to every target in one request."""

    def __init__(self, entry_id: str) -> None:
        """Bind to an entry by id: its runtime data is looked up at each send."""
        self._entry_id = entry_id
        self._set_up = False
        self._unloaded = False

    @override
    async def async_setup(
        self,
        hass: HomeAssistant,
        service_name: str,
        target_service_name_prefix: str,
    ) -> None:
        """Record that the notify component set the service up."""
        await super().async_setup(hass, service_name, target_service_name_prefix)
        self._set_up = True

    @override
    async def async_register_services(self) -> None:
        """Register, unless unloaded (maybe while discovery was under way)."""
        if not self._unloaded:
            await super().async_register_services()

    async def async_unload(self) -> None:
        """Unregister the service, for good.

        Notify keeps the services it set up, and no public API drops one:
        `notify.async_reset_platform` drops all of an integration's and stops
        notify's discovery listener, so no legacy platform, this one at the next
        setup included, would load again. This one stays in notify's list,
        unregistered, and registers nothing again (`notify.async_reload`).
        """
        self._unloaded = True
        if self._set_up:
            await self.async_unregister_services()

    @override
    async def async_send_message(self, message: str = "", **kwargs: Any) -> None:
        """Send to `target` (else the configured recipients) with `data` options."""
        entry = loaded_entry(self.hass, self._entry_id)
        data = _validate_data(kwargs.get(ATTR_DATA))
        title: str | None = kwargs.get(ATTR_TITLE)
        targets: list[str] | None = kwargs.get(ATTR_TARGET)
        if data.get(ATTR_VOICE):
            _refuse_keys(data, _SMS_ONLY, "option_not_for_voice")
            await entry.runtime_data.sender.async_send_voice(
                message,
                resolve_recipients(entry, targets, None),
                title=title,
                voice_title=data.get(ATTR_VOICE_TITLE),
                scheduled_at=data.get(ATTR_SCHEDULED_AT),
                language=data.get(ATTR_LANGUAGE),
            )
            return
        _refuse_keys(data, _VOICE_ONLY, "option_needs_voice")
        recipients = resolve_recipients(entry, targets, data.get(ATTR_GROUP))
        await entry.runtime_data.sender.async_send_sms(
            sms_request(message, recipients, data, title=title)
        )


def _validate_data(data: Any) -> dict[str, Any]:
    """Check the `data` options, naming the first bad key in the error."""
    if not data:
        return {}
    try:
        validated: dict[str, Any] = NOTIFY_DATA_SCHEMA(data)
    except vol.Invalid as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_notify_data",
            translation_placeholders={
                "key": str(err.path[0]) if err.path else ATTR_DATA,
                "error": err.error_message,
            },
        ) from err
    return validated


def _refuse_keys(data: Mapping[str, Any], keys: frozenset[str], reason: str) -> None:
    """Refuse options that do not apply rather than silently drop them."""
    if present := sorted(keys.intersection(data)):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=reason,
            translation_placeholders={"key": ", ".join(present)},
        )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one notify entity per recipient subentry, attached to its subentry."""
    for subentry in entry.subentries.values():
        if subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT:
            async_add_entities(
                [SmsmodeRecipientNotifyEntity(entry, subentry)],
                config_subentry_id=subentry.subentry_id,
            )


def recipient_device_info(
    entry: SmsmodeConfigEntry, subentry: ConfigSubentry
) -> DeviceInfo:
    """Describe the service device of one recipient subentry.

    Recipients cannot share the account's device: Home Assistant ties a device to
    a single subentry (2026.10 moves a device that entities of another subentry
    register), so each recipient gets its own, as ntfy does for its topics.

    It has no model: Home Assistant translates a device's name, never its model,
    so a word there ("SMS recipient") would stay English on every page.
    """
    return DeviceInfo(
        identifiers={(DOMAIN, f"{entry.entry_id}_{subentry.subentry_id}")},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer="smsmode",
        name=str(subentry.data.get(CONF_NAME) or subentry.title),
    )


class SmsmodeRecipientNotifyEntity(SmsmodeEntity, NotifyEntity):
    """Sends an SMS to one configured recipient, with the account's options."""

    # Named "SMS" on a device named after the recipient: "Alice SMS".
    _attr_translation_key = "recipient"
    _attr_supported_features = NotifyEntityFeature.TITLE

    def __init__(self, entry: SmsmodeConfigEntry, subentry: ConfigSubentry) -> None:
        """Key the entity by the subentry id, on the recipient's device."""
        super().__init__(entry, subentry.subentry_id)
        self._attr_device_info = recipient_device_info(entry, subentry)
        self._entry = entry
        self._number = str(subentry.data[CONF_NUMBER])

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the message, the title on its own first line."""
        await self._entry.runtime_data.sender.async_send_sms(
            SmsRequest(message=message, title=title, recipients=[self._number]),
            context=self._context,
        )
