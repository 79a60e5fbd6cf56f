"""The account's own services: its address book, its credits, its sub-accounts and keys.

Kept apart from the sends and reads (services.py), with which they share
nothing: each acts on the smsmode account itself. Three spend or hand out its
money, and services.py registers those for administrators only.
"""

import secrets

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import ServiceCall, ServiceResponse

from .coordinator import loaded_entry
from .errors import translate_errors
from .request import async_normalize_number
from .service_schemas import (
    ATTR_AMOUNT,
    ATTR_BIRTH_DATE,
    ATTR_COMPANY,
    ATTR_FIRST_NAME,
    ATTR_GROUPS,
    ATTR_LAST_NAME,
    ATTR_MOBILE,
    ATTR_OTHER,
    ATTR_PASSWORD,
    ATTR_PSEUDO,
    ATTR_REFERENCE,
    ATTR_TARGET,
    PASSWORD_ALPHABET,
    PASSWORD_LENGTH,
    SUB_ACCOUNT_TEXT_FIELDS,
)


async def async_add_contact(call: ServiceCall) -> None:
    """Add a contact to the smsmode address book (groups created as needed)."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
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


async def async_transfer_credits(call: ServiceCall) -> None:
    """Give whole credits to another smsmode account (a sub-account, the parent)."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    with translate_errors(call.hass, entry):
        await entry.runtime_data.client.transfer_credits(
            call.data[ATTR_TARGET],
            call.data[ATTR_AMOUNT],
            reference=call.data.get(ATTR_REFERENCE),
        )
    await entry.runtime_data.coordinator.async_request_refresh()


async def async_create_sub_account(call: ServiceCall) -> ServiceResponse:
    """Create a sub-account; answer the password made for it, once.

    The password is made here rather than taken as a field: Home Assistant
    records every service call's data (`call_service` events, in the database),
    while a response only goes back to the caller.
    """
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
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


async def async_create_api_key(call: ServiceCall) -> ServiceResponse:
    """Make a further API key of the account and answer it, once.

    The entry keeps using its own key; the new one is for another program. Its
    token is in the response only (never logged): whoever has it can spend the
    account's credits.
    """
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
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
