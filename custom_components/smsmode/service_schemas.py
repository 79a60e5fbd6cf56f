"""The services' names, fields and schemas (the fields are their public names).

Kept apart from the handlers so that services.yaml, translations and schemas
can be read side by side; the per-message SMS fields are shared with notify
(fields.py).
"""

import string
from typing import Any, Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .api import LIST_DEFAULT_COUNT, PSEUDO_MAX_LENGTH, SENT_LIST_MAX
from .fields import (
    ATTR_LANGUAGE,
    ATTR_REF_CLIENT,
    ATTR_SCHEDULED_AT,
    ATTR_SENDER,
    SMS_OPTION_FIELDS,
    VOICE_LANGUAGE,
)

SERVICE_SEND_SMS: Final = "send_sms"
SERVICE_PREVIEW_SMS: Final = "preview_sms"
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
