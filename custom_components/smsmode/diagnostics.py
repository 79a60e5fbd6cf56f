"""Diagnostics: what a bug report needs, secrets, numbers and names hidden."""

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant

from .api_url import without_credentials
from .const import CONF_ASSIST_SECRET, CONF_CLOUDHOOK_URL, CONF_NUMBER, CONF_SENDER
from .coordinator import SmsmodeConfigEntry

TO_REDACT = {
    CONF_API_KEY,
    # The word that lets a recipient's messages reach Assist.
    CONF_ASSIST_SECRET,
    CONF_CLOUDHOOK_URL,
    # A recipient's name is a person's.
    CONF_NAME,
    CONF_NUMBER,
    CONF_SENDER,
    CONF_WEBHOOK_ID,
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: SmsmodeConfigEntry
) -> dict[str, Any]:
    """Return the entry's settings, recipients, balance, outbox, callback counts.

    Built field by field rather than from `entry.as_dict()`: unique ids (a key
    hash, and each recipient's number) stay out, whatever core adds later. The API
    URL is shown (a proxy or the simulator explains a lot) without any
    `user:password@`. Refused callbacks are counted by reason: a bug report
    shows what smsmode sends that the webhook does not take.
    """
    coordinator = entry.runtime_data.coordinator
    data = async_redact_data(dict(entry.data), TO_REDACT)
    data[CONF_URL] = without_credentials(entry.data[CONF_URL])
    return {
        "title": entry.title,
        "data": data,
        "options": async_redact_data(dict(entry.options), TO_REDACT),
        "recipients": [
            {
                "subentry_type": subentry.subentry_type,
                "data": async_redact_data(dict(subentry.data), TO_REDACT),
            }
            for subentry in entry.subentries.values()
        ],
        "balance": coordinator.data,
        "last_update_success": coordinator.last_update_success,
        # How many SMS wait, not what they say nor to whom.
        "outbox_length": len(entry.runtime_data.outbox),
        # Counts only: what a refused callback held came from whoever called.
        "callbacks_refused": entry.runtime_data.callback_refusals.as_dict(),
        # What became of the callbacks checked against smsmode's own lists.
        "callbacks_confirmed": {
            "replies": entry.runtime_data.reply_confirmer.as_dict(),
            "delivery_reports": entry.runtime_data.report_confirmer.as_dict(),
        },
        "sent_sms_remembered": len(entry.runtime_data.sent_memory),
        # Messages Assist by SMS did not answer, by reason (counts only).
        "assist_not_answered": dict(entry.runtime_data.assist.refused),
        # Spend control: counts and limits, no number nor text.
        "budget": entry.runtime_data.sender.spend.budget.as_dict(),
        "runaway_guard": entry.runtime_data.sender.spend.guard.as_dict(),
        # Escalating alerts: where each open one stands, no number nor text.
        "alerts": entry.runtime_data.escalation.as_dict(),
    }
