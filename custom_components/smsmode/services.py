"""Services: the smsmode API beyond notify, each on the account `config_entry_id`.

Registered once in `async_setup`, whatever the number of accounts, so that
automations using them validate even while an account is not loaded; each call
resolves its entry and refuses one that is not loaded. Sends go through the
account's sender (sender.py); every other call maps its errors the same way. Read services
answer with data: status codes both as int and as a stable slug, dates in ISO 8601.
"""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
import secrets
import string
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
from homeassistant.helpers import config_validation as cv, service
from homeassistant.helpers.typing import VolSchemaType
import voluptuous as vol

from .api import (
    LIST_DEFAULT_COUNT,
    PSEUDO_MAX_LENGTH,
    SENT_LIST_MAX,
    BatchMessage,
    DeliveryReportEntry,
    SendResult,
    SentSms,
    analyse,
    is_delivered,
    is_final,
    status_slug,
)
from .const import DOMAIN
from .coordinator import SmsmodeConfigEntry
from .errors import translate_errors
from .event_data import reply_list_data
from .fields import (
    ATTR_LANGUAGE,
    ATTR_REF_CLIENT,
    ATTR_SCHEDULED_AT,
    ATTR_SENDER,
    SMS_OPTION_FIELDS,
    VOICE_LANGUAGE,
)
from .outbox_store import QueuedSms
from .request import as_aware, async_normalize_number, resolve_recipients, sms_request

SERVICE_SEND_SMS: Final = "send_sms"
SERVICE_SEND_BATCH: Final = "send_batch"
SERVICE_SEND_VOICE_MESSAGE: Final = "send_voice_message"
SERVICE_CANCEL_SMS: Final = "cancel_sms"
SERVICE_GET_SMS_STATUS: Final = "get_sms_status"
SERVICE_GET_DELIVERY_REPORT: Final = "get_delivery_report"
SERVICE_LIST_SENT_SMS: Final = "list_sent_sms"
SERVICE_LIST_REPLIES: Final = "list_replies"
SERVICE_ADD_CONTACT: Final = "add_contact"
SERVICE_TRANSFER_CREDITS: Final = "transfer_credits"
SERVICE_CREATE_SUB_ACCOUNT: Final = "create_sub_account"
SERVICE_CREATE_API_KEY: Final = "create_api_key"

ATTR_RECIPIENTS: Final = "recipients"
ATTR_MESSAGE: Final = "message"
ATTR_MESSAGES: Final = "messages"
ATTR_NUMBER: Final = "number"
ATTR_TITLE: Final = "title"
ATTR_SMS_ID: Final = "sms_id"
ATTR_QUEUED: Final = "queued"
ATTR_START: Final = "start"
ATTR_COUNT: Final = "count"
ATTR_START_DATE: Final = "start_date"
ATTR_END_DATE: Final = "end_date"
ATTR_LAST_NAME: Final = "last_name"
ATTR_FIRST_NAME: Final = "first_name"
ATTR_MOBILE: Final = "mobile"
ATTR_GROUPS: Final = "groups"
ATTR_COMPANY: Final = "company"
ATTR_OTHER: Final = "other"
ATTR_BIRTH_DATE: Final = "birth_date"
ATTR_TARGET: Final = "target"
ATTR_AMOUNT: Final = "amount"
ATTR_REFERENCE: Final = "reference"
ATTR_PSEUDO: Final = "pseudo"
ATTR_PASSWORD: Final = "password"  # noqa: S105 - a field name, not a secret
# A sub-account's password, made here: letters and digits, as any web form takes.
PASSWORD_ALPHABET: Final = string.ascii_letters + string.digits
PASSWORD_LENGTH: Final = 20
# Optional text fields of a sub-account, named like the client's arguments.
SUB_ACCOUNT_TEXT_FIELDS: Final = (
    ATTR_REFERENCE,
    ATTR_LAST_NAME,
    ATTR_FIRST_NAME,
    ATTR_COMPANY,
    "address",
    "city",
    "postal_code",
    ATTR_MOBILE,
    "phone",
    "fax",
    "email",
)
# smsmode's limits: list page size, sub-account identifier length.

_ENTRY: Final[dict[vol.Marker, Any]] = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
_RECIPIENTS: Final = vol.All(cv.ensure_list_csv, [cv.string])
_SMS_ID: Final[dict[vol.Marker, Any]] = {vol.Required(ATTR_SMS_ID): cv.string}

SEND_SMS_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Optional(ATTR_RECIPIENTS): _RECIPIENTS,
        vol.Required(ATTR_MESSAGE): cv.string,
        **SMS_OPTION_FIELDS,
    }
)
SEND_BATCH_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_MESSAGES): vol.All(
            cv.ensure_list,
            vol.Length(min=1),
            [
                vol.Schema(
                    {
                        vol.Required(ATTR_NUMBER): cv.string,
                        vol.Required(ATTR_MESSAGE): cv.string,
                        vol.Optional(ATTR_SENDER): cv.string,
                        vol.Optional(ATTR_REF_CLIENT): cv.string,
                    }
                )
            ],
        ),
        vol.Optional(ATTR_SCHEDULED_AT): cv.datetime,
    }
)
SEND_VOICE_MESSAGE_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Optional(ATTR_RECIPIENTS): _RECIPIENTS,
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_TITLE): cv.string,
        vol.Optional(ATTR_SCHEDULED_AT): cv.datetime,
        vol.Optional(ATTR_LANGUAGE): VOICE_LANGUAGE,
    }
)
CANCEL_SMS_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Optional(ATTR_SMS_ID): cv.string,
        vol.Optional(ATTR_NUMBER): cv.string,
    }
)
SMS_ID_SCHEMA: Final = vol.Schema({**_ENTRY, **_SMS_ID})
LIST_SENT_SMS_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Optional(ATTR_START, default=0): vol.All(vol.Coerce(int), vol.Range(min=0)),
        vol.Optional(ATTR_COUNT, default=LIST_DEFAULT_COUNT): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=SENT_LIST_MAX)
        ),
    }
)
LIST_REPLIES_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Optional(ATTR_START): vol.All(vol.Coerce(int), vol.Range(min=0)),
        vol.Optional(ATTR_COUNT): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=SENT_LIST_MAX)
        ),
        vol.Optional(ATTR_START_DATE): cv.datetime,
        vol.Optional(ATTR_END_DATE): cv.datetime,
    }
)
ADD_CONTACT_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_LAST_NAME): cv.string,
        vol.Required(ATTR_MOBILE): cv.string,
        vol.Optional(ATTR_FIRST_NAME): cv.string,
        vol.Optional(ATTR_GROUPS): vol.All(
            cv.ensure_list, [vol.All(cv.string, vol.Match(r"^[^,]*[^,\s][^,]*$"))]
        ),
        vol.Optional(ATTR_COMPANY): cv.string,
        vol.Optional(ATTR_OTHER): cv.string,
        vol.Optional(ATTR_BIRTH_DATE): cv.date,
    }
)
TRANSFER_CREDITS_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_TARGET): cv.string,
        vol.Required(ATTR_AMOUNT): vol.All(vol.Coerce(int), vol.Range(min=1)),
        vol.Optional(ATTR_REFERENCE): cv.string,
    }
)
_SUB_ACCOUNT_TEXTS: Final[dict[vol.Marker, Any]] = {
    vol.Optional(name): cv.string for name in SUB_ACCOUNT_TEXT_FIELDS
}
CREATE_SUB_ACCOUNT_SCHEMA: Final = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_PSEUDO): vol.All(
            cv.string, vol.Length(min=1, max=PSEUDO_MAX_LENGTH)
        ),
        **_SUB_ACCOUNT_TEXTS,
        vol.Optional(ATTR_BIRTH_DATE): cv.date,
    }
)

ENTRY_ONLY_SCHEMA: Final = vol.Schema(_ENTRY)


def _entry(call: ServiceCall) -> SmsmodeConfigEntry:
    """Return the loaded entry the call names (translated errors otherwise)."""
    entry: SmsmodeConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    return entry


def _sent(result: SendResult) -> dict[str, Any]:
    """Describe a send: the id, who, how many SMS each, how encoded."""
    return {
        ATTR_SMS_ID: result.sms_id,
        ATTR_RECIPIENTS: list(result.recipients),
        "segments": result.segments,
        "encoding": None if result.encoding is None else result.encoding.value,
    }


def _status(status: int) -> dict[str, Any]:
    """Describe a status: int code, stable slug, what it means for delivery."""
    return {
        "status": status,
        "status_name": status_slug(status),
        "delivered": is_delivered(status),
        "final": is_final(status),
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _report_entry(entry: DeliveryReportEntry) -> dict[str, Any]:
    return {ATTR_NUMBER: entry.number, **_status(entry.status)}


def _sent_sms(sms: SentSms) -> dict[str, Any]:
    return {
        ATTR_SMS_ID: sms.sms_id,
        "sent_at": _iso(sms.sent_at),
        "text": sms.text,
        "recipient": sms.recipient,
        "cost": sms.cost,
        "recipient_count": sms.recipient_count,
    }


async def _async_send_sms(call: ServiceCall) -> ServiceResponse:
    """Send one SMS to numbers, a contact group, or the configured recipients."""
    entry = _entry(call)
    recipients = resolve_recipients(
        entry, call.data.get(ATTR_RECIPIENTS), call.data.get("group")
    )
    request = sms_request(call.data[ATTR_MESSAGE], recipients, call.data)
    result = await entry.runtime_data.sender.async_send_sms(request)
    if isinstance(result, QueuedSms):
        return _queued(result)
    return {**_sent(result), ATTR_QUEUED: False}


def _queued(item: QueuedSms) -> dict[str, Any]:
    """Describe a message the outbox took: no id yet, what it will cost."""
    sms = item.sms
    analysis = analyse(sms.text, encoding=sms.encoding, stop=sms.stop)
    return {
        ATTR_SMS_ID: None,
        ATTR_RECIPIENTS: list(sms.numbers),
        "segments": analysis.segments,
        "encoding": analysis.encoding.value,
        ATTR_QUEUED: True,
        "outbox_id": item.outbox_id,
    }


async def _async_send_batch(call: ServiceCall) -> ServiceResponse:
    """Send one personalised SMS per row, as one smsmode campaign."""
    entry = _entry(call)
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
    entry = _entry(call)
    result = await entry.runtime_data.sender.async_send_voice(
        call.data[ATTR_MESSAGE],
        resolve_recipients(entry, call.data.get(ATTR_RECIPIENTS), None),
        voice_title=call.data.get(ATTR_TITLE),
        scheduled_at=call.data.get(ATTR_SCHEDULED_AT),
        language=call.data.get(ATTR_LANGUAGE),
    )
    return _sent(result)


async def _async_cancel_sms(call: ServiceCall) -> None:
    """Delete an SMS (a scheduled one is not sent, its credits come back)."""
    entry = _entry(call)
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
    entry = _entry(call)
    with translate_errors(call.hass, entry):
        status = await entry.runtime_data.client.get_sms_status(call.data[ATTR_SMS_ID])
    return {
        ATTR_SMS_ID: call.data[ATTR_SMS_ID],
        **_status(status.status),
        "description": status.description,
    }


async def _async_get_delivery_report(call: ServiceCall) -> ServiceResponse:
    """Status of each recipient of an SMS."""
    entry = _entry(call)
    with translate_errors(call.hass, entry):
        report = await entry.runtime_data.client.get_delivery_report(
            call.data[ATTR_SMS_ID]
        )
    return {
        ATTR_SMS_ID: call.data[ATTR_SMS_ID],
        ATTR_RECIPIENTS: [_report_entry(item) for item in report],
    }


async def _async_list_sent_sms(call: ServiceCall) -> ServiceResponse:
    """List a page of sent SMS, newest first."""
    entry = _entry(call)
    with translate_errors(call.hass, entry):
        sent = await entry.runtime_data.client.list_sent_sms(
            start=call.data[ATTR_START], count=call.data[ATTR_COUNT]
        )
    return {ATTR_MESSAGES: [_sent_sms(sms) for sms in sent]}


async def _async_list_replies(call: ServiceCall) -> ServiceResponse:
    """List replies received, by page from the newest or between two dates."""
    entry = _entry(call)
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


async def _async_add_contact(call: ServiceCall) -> None:
    """Add a contact to the smsmode address book (groups created as needed)."""
    entry = _entry(call)
    with translate_errors(call.hass, entry):
        mobile = await async_normalize_number(call.hass, call.data[ATTR_MOBILE])
        await entry.runtime_data.client.add_contact(
            call.data[ATTR_LAST_NAME],
            mobile,
            first_name=call.data.get(ATTR_FIRST_NAME),
            groups=call.data.get(ATTR_GROUPS, ()),
            company=call.data.get(ATTR_COMPANY),
            other=call.data.get(ATTR_OTHER),
            birth_date=call.data.get(ATTR_BIRTH_DATE),
        )


async def _async_transfer_credits(call: ServiceCall) -> None:
    """Give whole credits to another smsmode account (a sub-account, the parent)."""
    entry = _entry(call)
    with translate_errors(call.hass, entry):
        await entry.runtime_data.client.transfer_credits(
            call.data[ATTR_TARGET],
            call.data[ATTR_AMOUNT],
            reference=call.data.get(ATTR_REFERENCE),
        )
    await entry.runtime_data.coordinator.async_request_refresh()


async def _async_create_sub_account(call: ServiceCall) -> ServiceResponse:
    """Create a sub-account; answer the password made for it, once.

    The password is made here rather than taken as a field: Home Assistant
    records every service call's data (`call_service` events, in the database),
    while a response only goes back to the caller.
    """
    entry = _entry(call)
    details = {
        name: call.data[name] for name in SUB_ACCOUNT_TEXT_FIELDS if name in call.data
    }
    password = "".join(
        secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH)
    )
    with translate_errors(call.hass, entry):
        await entry.runtime_data.client.create_sub_account(
            call.data[ATTR_PSEUDO],
            password,
            birth_date=call.data.get(ATTR_BIRTH_DATE),
            **details,
        )
    return {ATTR_PSEUDO: call.data[ATTR_PSEUDO], ATTR_PASSWORD: password}


async def _async_create_api_key(call: ServiceCall) -> ServiceResponse:
    """Make a further API key of the account and answer it, once.

    The entry keeps using its own key; the new one is for another program. Its
    token is in the response only (never logged): whoever has it can spend the
    account's credits.
    """
    entry = _entry(call)
    with translate_errors(call.hass, entry):
        key = await entry.runtime_data.client.create_api_key()
    return {
        "id": key.id,
        "access_token": key.access_token,
        "creation_date": key.creation_date,
        "state": key.state,
        "expiration": key.expiration,
        "account": key.account,
    }


@dataclass(frozen=True, slots=True)
class _Service:
    """One service: its handler, schema, whether it answers, whether admin-only."""

    handler: Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]
    schema: vol.Schema
    response: SupportsResponse = SupportsResponse.NONE
    admin: bool = False


# Sending and reading are for every user; moving credits and creating accounts
# spend or hand out the account's money, so only administrators may.
SERVICES: Final = {
    SERVICE_SEND_SMS: _Service(
        _async_send_sms, SEND_SMS_SCHEMA, SupportsResponse.OPTIONAL
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
        _async_list_sent_sms, LIST_SENT_SMS_SCHEMA, SupportsResponse.ONLY
    ),
    SERVICE_LIST_REPLIES: _Service(
        _async_list_replies, LIST_REPLIES_SCHEMA, SupportsResponse.ONLY
    ),
    SERVICE_ADD_CONTACT: _Service(_async_add_contact, ADD_CONTACT_SCHEMA),
    SERVICE_TRANSFER_CREDITS: _Service(
        _async_transfer_credits, TRANSFER_CREDITS_SCHEMA, admin=True
    ),
    SERVICE_CREATE_SUB_ACCOUNT: _Service(
        _async_create_sub_account,
        CREATE_SUB_ACCOUNT_SCHEMA,
        SupportsResponse.ONLY,
        admin=True,
    ),
    SERVICE_CREATE_API_KEY: _Service(
        _async_create_api_key,
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
