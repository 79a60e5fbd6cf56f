"""The smsmode integration: SMS through smsmode's HTTP API.

One config entry is one smsmode account (API key). It gives a balance sensor,
event entities and bus events for smsmode's callbacks (and for replies read by
polling when smsmode cannot call back), the legacy
`notify.smsmode` service, one notify entity per recipient subentry, and
services for the rest of the API.
"""

from typing import Any

from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID, Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from . import alert_service, assist_service, notify, services, webhook
from .api import SmsmodeClient
from .assist import SmsmodeAssist
from .budget import async_remove_budget
from .const import DEFAULT_URL, DOMAIN
from .coordinator import (
    SmsmodeBalanceCoordinator,
    SmsmodeConfigEntry,
    SmsmodeRuntimeData,
)
from .escalation import SmsmodeEscalation, async_remove_alerts
from .inbox import SmsmodeInbox, async_remove_inbox
from .issues import async_clear_all
from .outbox import async_remove_outbox
from .reply_confirmation import SmsmodeReplyConfirmer
from .reply_poller import SmsmodeReplyPoller
from .report_confirmation import SmsmodeReportConfirmer
from .report_poller import SmsmodeReportPoller
from .sender import SmsmodeSender
from .sent_memory import SmsmodeSentMemory, async_remove_sent_memory

PLATFORMS: list[Platform] = [Platform.EVENT, Platform.NOTIFY, Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the services once, whatever the number of accounts."""
    services.async_setup_services(hass)
    assist_service.async_setup_assist_service(hass)
    alert_service.async_setup_alert_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: SmsmodeConfigEntry) -> bool:
    """Check the key with one balance call, then set the account up.

    Only a refused key fails the setup: with smsmode out of reach the account
    loads all the same, so that what is sent meanwhile waits in the outbox.
    """
    client = SmsmodeClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_KEY],
        base_url=entry.data.get(CONF_URL) or DEFAULT_URL,
    )
    coordinator = SmsmodeBalanceCoordinator(hass, entry, client)
    # The first read is the key check: 32 raises ConfigEntryAuthFailed (reauth).
    await coordinator.async_setup_refresh()
    inbox = SmsmodeInbox(hass, entry.entry_id)
    await inbox.async_load()
    memory = SmsmodeSentMemory(hass, entry.entry_id)
    await memory.async_load()
    reply_poller = SmsmodeReplyPoller(hass, entry, client, inbox, memory)
    report_poller = SmsmodeReportPoller(hass, entry, client, inbox)
    sender = SmsmodeSender(
        hass,
        entry,
        client,
        coordinator=coordinator,
        reply_poller=reply_poller,
        report_poller=report_poller,
        memory=memory,
    )
    outbox = sender.outbox
    await outbox.async_load()
    await sender.spend.async_load()
    escalation = SmsmodeEscalation(hass, entry)
    await escalation.async_load()
    entry.runtime_data = SmsmodeRuntimeData(
        client=client,
        coordinator=coordinator,
        inbox=inbox,
        sent_memory=memory,
        reply_poller=reply_poller,
        report_poller=report_poller,
        reply_confirmer=SmsmodeReplyConfirmer(hass, entry, client, inbox, memory),
        report_confirmer=SmsmodeReportConfirmer(hass, entry, client, inbox, memory),
        sender=sender,
        outbox=outbox,
        webhook_id=entry.data[CONF_WEBHOOK_ID],
        assist=SmsmodeAssist(hass, entry),
        escalation=escalation,
    )

    # Nothing below fails the setup (Home Assistant logs a platform's errors), so
    # async_unload_entry alone unregisters it, before the pollers and outbox stop.
    await webhook.async_register(hass, entry)
    # Raise or clear the "no URL" issue now, not at the next send: an external
    # URL set, or delivery reports turned off, since then shows at once.
    sender.callback_urls.async_check()
    entry.async_on_unload(_async_reload_on_change(entry))

    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    await notify.async_load_legacy_notify(hass, entry)
    entry.async_on_unload(entry.runtime_data.assist.async_start())
    reply_poller.async_start()
    report_poller.async_start()
    outbox.async_start()
    entry.async_on_unload(escalation.async_start())
    return True


type _SetupInputs = tuple[
    dict[str, Any], dict[str, Any], list[ConfigSubentryDataWithId]
]


def _setup_inputs(entry: SmsmodeConfigEntry) -> _SetupInputs:
    """Copy what a setup reads from the entry: key and URL, options, recipients."""
    return (
        dict(entry.data),
        dict(entry.options),
        [subentry.as_dict() for subentry in entry.subentries.values()],
    )


@callback
def _async_reload_on_change(entry: SmsmodeConfigEntry) -> CALLBACK_TYPE:
    """Reload once when the key, an option or a recipient changes.

    Each recipient is a notify entity made at setup, so a recipient subentry
    added, changed or removed reloads, as options and a new key do. One update
    listener does it, as in the core integrations with subentries (ntfy, smtp):
    Home Assistant refuses an update listener beside OptionsFlowWithReload and
    the flows' reload helpers, so the options flow is a plain one and the flows
    reload only an entry without a listener, or unchanged (config_flow.py). A new
    title alone reloads nothing: the webhook and the legacy service keep their
    names until the next reload.
    """
    read = _setup_inputs(entry)

    async def _async_update_listener(
        hass: HomeAssistant, changed: SmsmodeConfigEntry
    ) -> None:
        if _setup_inputs(changed) != read:
            hass.config_entries.async_schedule_reload(changed.entry_id)

    return entry.add_update_listener(_async_update_listener)


async def async_unload_entry(hass: HomeAssistant, entry: SmsmodeConfigEntry) -> bool:
    """Unload the platforms, then stop everything that feeds the stores.

    The webhook goes first, the pollers, confirmations and the outbox finish
    what they have under way, and only then are the inbox and sends written: the outbox and inbox a reload
    reads must be where these left off, and nothing may write after them.
    """
    if not await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        return False
    runtime = entry.runtime_data
    webhook.async_unregister(hass, entry)
    await runtime.reply_poller.async_shutdown()
    await runtime.report_poller.async_shutdown()
    await runtime.reply_confirmer.async_shutdown()
    await runtime.report_confirmer.async_shutdown()
    await runtime.escalation.async_shutdown()
    await runtime.outbox.async_shutdown()
    runtime.sender.async_close()
    await runtime.sender.spend.async_shutdown()
    await notify.async_unload_legacy_notify(hass, entry)
    await runtime.inbox.async_save()
    await runtime.sent_memory.async_save()
    return True


async def async_remove_entry(hass: HomeAssistant, entry: SmsmodeConfigEntry) -> None:
    """Forget what the account left outside the entry: cloudhook, issues, stores.

    Messages still queued go with the entry: there is no account left to send them.
    """
    await webhook.async_delete_cloudhook(hass, entry.data)
    async_clear_all(hass, entry)
    await async_remove_inbox(hass, entry.entry_id)
    await async_remove_outbox(hass, entry.entry_id)
    await async_remove_sent_memory(hass, entry.entry_id)
    await async_remove_budget(hass, entry.entry_id)
    await async_remove_alerts(hass, entry.entry_id)
