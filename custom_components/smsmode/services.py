"""Services: the smsmode API beyond notify, each on the account `config_entry_id`.

Registered once in `async_setup`, whatever the number of accounts, so that
automations using them validate even while an account is not loaded; each call
resolves its entry and refuses one that is not loaded. Sends go through the
account's sender (sender.py); every other call maps its errors the same way.
Read services answer with data: status codes both as int and as a stable slug,
dates in ISO 8601. The account's own services are account_services.py's; the
alerts' and Assist's register themselves (alert_service.py, assist_service.py).
"""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import service
from homeassistant.helpers.typing import VolSchemaType
import voluptuous as vol

from .account_services import (
    async_add_contact,
    async_create_api_key,
    async_create_sub_account,
    async_transfer_credits,
)
from .api import BatchMessage
from .const import DOMAIN
from .coordinator import loaded_entry
from .errors import translate_errors
from .event_data import reply_list_data, status_data
from .fields import ATTR_LANGUAGE, ATTR_REF_CLIENT, ATTR_SCHEDULED_AT, ATTR_SENDER
from .request import as_aware, async_normalize_number, resolve_recipients, sms_request
from .service_responses import (
    outcome_data,
    preview_data,
    report_entry_data,
    sent_data,
    sent_sms_data,
)
from .service_schemas import (
    ADD_CONTACT_SCHEMA,
    ATTR_COUNT,
    ATTR_END_DATE,
    ATTR_MESSAGE,
    ATTR_MESSAGES,
    ATTR_NUMBER,
    ATTR_RECIPIENTS,
    ATTR_SMS_ID,
    ATTR_START,
    ATTR_START_DATE,
    ATTR_TITLE,
    CANCEL_SMS_SCHEMA,
    CREATE_SUB_ACCOUNT_SCHEMA,
    ENTRY_ONLY_SCHEMA,
    LIST_REPLIES_SCHEMA,
    LIST_SENT_SMS_SCHEMA,
    SEND_BATCH_SCHEMA,
    SEND_SMS_SCHEMA,
    SEND_VOICE_MESSAGE_SCHEMA,
    SERVICE_ADD_CONTACT,
    SERVICE_CANCEL_SMS,
    SERVICE_CREATE_API_KEY,
    SERVICE_CREATE_SUB_ACCOUNT,
    SERVICE_GET_DELIVERY_REPORT,
    SERVICE_GET_SMS_STATUS,
    SERVICE_LIST_REPLIES,
    SERVICE_LIST_SENT_SMS,
    SERVICE_PREVIEW_SMS,
    SERVICE_SEND_BATCH,
    SERVICE_SEND_SMS,
    SERVICE_SEND_VOICE_MESSAGE,
    SERVICE_TRANSFER_CREDITS,
    SMS_ID_SCHEMA,
    TRANSFER_CREDITS_SCHEMA,
)


async def _async_send_sms(call: ServiceCall) -> ServiceResponse:
    """Send one SMS to numbers, a contact group, or the configured recipients."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    recipients = resolve_recipients(
        entry, call.data.get(ATTR_RECIPIENTS), call.data.get("group")
    )
    request = sms_request(call.data[ATTR_MESSAGE], recipients, call.data)
    outcome = await entry.runtime_data.sender.async_send_sms(
        request, context=call.context
    )
    return outcome_data(outcome)


async def _async_preview_sms(call: ServiceCall) -> ServiceResponse:
    """Say what send_sms would send and cost with the same data; send nothing."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    recipients = resolve_recipients(
        entry, call.data.get(ATTR_RECIPIENTS), call.data.get("group")
    )
    request = sms_request(call.data[ATTR_MESSAGE], recipients, call.data)
    sender = entry.runtime_data.sender
    return preview_data(await sender.async_preview_sms(request), sender.spend.budget)


async def _async_send_batch(call: ServiceCall) -> ServiceResponse:
    """Send one personalised SMS per row, as one smsmode campaign."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    rows = [
        BatchMessage(
            number=row[ATTR_NUMBER],
            message=row[ATTR_MESSAGE],
            sender=row.get(ATTR_SENDER) or None,
            ref_client=row.get(ATTR_REF_CLIENT) or None,
        )
        for row in call.data[ATTR_MESSAGES]
    ]
    result = await entry.runtime_data.sender.async_send_batch(
        rows, scheduled_at=call.data.get(ATTR_SCHEDULED_AT)
    )
    return {
        "campaign_id": result.sms_id,
        ATTR_RECIPIENTS: list(result.recipients),
        "segments": result.segments,
    }


async def _async_send_voice_message(call: ServiceCall) -> ServiceResponse:
    """Call the recipients and read the message out."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    result = await entry.runtime_data.sender.async_send_voice(
        call.data[ATTR_MESSAGE],
        resolve_recipients(entry, call.data.get(ATTR_RECIPIENTS), None),
        voice_title=call.data.get(ATTR_TITLE),
        scheduled_at=call.data.get(ATTR_SCHEDULED_AT),
        language=call.data.get(ATTR_LANGUAGE),
    )
    return sent_data(result)


async def _async_cancel_sms(call: ServiceCall) -> None:
    """Delete an SMS (a scheduled one is not sent, its credits come back)."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    sms_id: str | None = call.data.get(ATTR_SMS_ID) or None
    number: str | None = call.data.get(ATTR_NUMBER) or None
    if (sms_id is None) == (number is None):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="sms_id_or_number",
            translation_placeholders={},
        )
    with translate_errors(call.hass, entry):
        if number is not None:
            number = await async_normalize_number(call.hass, number)
        await entry.runtime_data.client.delete_sms(sms_id=sms_id, number=number)
    await entry.runtime_data.coordinator.async_request_refresh()


async def _async_get_sms_status(call: ServiceCall) -> ServiceResponse:
    """Status of an SMS (of the whole campaign when it had several recipients)."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    with translate_errors(call.hass, entry):
        status = await entry.runtime_data.client.get_sms_status(call.data[ATTR_SMS_ID])
    return {
        ATTR_SMS_ID: call.data[ATTR_SMS_ID],
        **status_data(status.status),
        "description": status.description,
    }


async def _async_get_delivery_report(call: ServiceCall) -> ServiceResponse:
    """Status of each recipient of an SMS."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    with translate_errors(call.hass, entry):
        report = await entry.runtime_data.client.get_delivery_report(
            call.data[ATTR_SMS_ID]
        )
    return {
        ATTR_SMS_ID: call.data[ATTR_SMS_ID],
        ATTR_RECIPIENTS: [report_entry_data(item) for item in report],
    }


async def _async_list_sent_sms(call: ServiceCall) -> ServiceResponse:
    """List a page of sent SMS, newest first."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    with translate_errors(call.hass, entry):
        sent = await entry.runtime_data.client.list_sent_sms(
            start=call.data[ATTR_START], count=call.data[ATTR_COUNT]
        )
    return {ATTR_MESSAGES: [sent_sms_data(sms) for sms in sent]}


async def _async_list_replies(call: ServiceCall) -> ServiceResponse:
    """List replies received, by page from the newest or between two dates."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    start_date: datetime | None = call.data.get(ATTR_START_DATE)
    end_date: datetime | None = call.data.get(ATTR_END_DATE)
    with translate_errors(call.hass, entry):
        replies = await entry.runtime_data.client.list_replies(
            start=call.data.get(ATTR_START),
            count=call.data.get(ATTR_COUNT),
            start_date=None if start_date is None else as_aware(start_date),
            end_date=None if end_date is None else as_aware(end_date),
        )
    # Shaped as the smsmode_message_received event: one spelling per field.
    return {"replies": [reply_list_data(reply) for reply in replies]}


@dataclass(frozen=True, slots=True)
class _Service:
    """One service: its handler, schema, whether it answers, whether admin-only."""

    handler: Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]
    schema: vol.Schema
    response: SupportsResponse = SupportsResponse.NONE
    admin: bool = False


# Sending and reading one SMS are for every user. Moving credits and creating
# accounts spend or hand out the account's money, and the two lists read the
# whole account's history (one-time codes, private answers): administrators only.
SERVICES: Final = {
    SERVICE_SEND_SMS: _Service(
        _async_send_sms, SEND_SMS_SCHEMA, SupportsResponse.OPTIONAL
    ),
    SERVICE_PREVIEW_SMS: _Service(
        _async_preview_sms, SEND_SMS_SCHEMA, SupportsResponse.ONLY
    ),
    SERVICE_SEND_BATCH: _Service(
        _async_send_batch, SEND_BATCH_SCHEMA, SupportsResponse.OPTIONAL
    ),
    SERVICE_SEND_VOICE_MESSAGE: _Service(
        _async_send_voice_message,
        SEND_VOICE_MESSAGE_SCHEMA,
        SupportsResponse.OPTIONAL,
    ),
    SERVICE_CANCEL_SMS: _Service(_async_cancel_sms, CANCEL_SMS_SCHEMA),
    SERVICE_GET_SMS_STATUS: _Service(
        _async_get_sms_status, SMS_ID_SCHEMA, SupportsResponse.ONLY
    ),
    SERVICE_GET_DELIVERY_REPORT: _Service(
        _async_get_delivery_report, SMS_ID_SCHEMA, SupportsResponse.ONLY
    ),
    SERVICE_LIST_SENT_SMS: _Service(
        _async_list_sent_sms, LIST_SENT_SMS_SCHEMA, SupportsResponse.ONLY, admin=True
    ),
    SERVICE_LIST_REPLIES: _Service(
        _async_list_replies, LIST_REPLIES_SCHEMA, SupportsResponse.ONLY, admin=True
    ),
    SERVICE_ADD_CONTACT: _Service(async_add_contact, ADD_CONTACT_SCHEMA),
    SERVICE_TRANSFER_CREDITS: _Service(
        async_transfer_credits, TRANSFER_CREDITS_SCHEMA, admin=True
    ),
    SERVICE_CREATE_SUB_ACCOUNT: _Service(
        async_create_sub_account,
        CREATE_SUB_ACCOUNT_SCHEMA,
        SupportsResponse.ONLY,
        admin=True,
    ),
    SERVICE_CREATE_API_KEY: _Service(
        async_create_api_key,
        ENTRY_ONLY_SCHEMA,
        SupportsResponse.ONLY,
        admin=True,
    ),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every smsmode service (once, from `async_setup`)."""
    for name, spec in SERVICES.items():
        # voluptuous at runtime (probatio's shim on newer cores): same objects.
        schema = cast("VolSchemaType", spec.schema)
        if spec.admin:
            service.async_register_admin_service(
                hass, DOMAIN, name, spec.handler, schema, spec.response
            )
        else:
            hass.services.async_register(
                DOMAIN,
                name,
                spec.handler,
                schema=schema,
                supports_response=spec.response,
            )
