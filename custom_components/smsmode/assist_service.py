"""The `smsmode.start_conversation` service: the opening SMS of Assist by SMS."""

from typing import Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .const import DOMAIN
from .coordinator import loaded_entry
from .outbox_store import QueuedSms

SERVICE_START_CONVERSATION: Final = "start_conversation"
ATTR_RECIPIENT: Final = "recipient"

START_CONVERSATION_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_RECIPIENT): cv.string,
    }
)


async def _async_start_conversation(call: ServiceCall) -> ServiceResponse:
    """Send a recipient with Assist on the opening SMS; answer what went."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    text, result = await entry.runtime_data.assist.async_start_conversation(
        call.data[ATTR_RECIPIENT]
    )
    if isinstance(result, QueuedSms):
        return {"message": text, "sms_id": None, "queued": True}
    return {"message": text, "sms_id": result.sms_id, "queued": False}


@callback
def async_setup_assist_service(hass: HomeAssistant) -> None:
    """Register `smsmode.start_conversation` (once, from `async_setup`)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_START_CONVERSATION,
        _async_start_conversation,
        schema=START_CONVERSATION_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
