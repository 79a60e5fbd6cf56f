"""The actions of escalating alerts: `send_alert`, `acknowledge_alert`, `cancel_alert`.

Everything a caller can get wrong is refused here, before the first SMS, with
a translated error: a contact that is neither a saved recipient nor a number,
the same contact twice, a step shorter than the minimum, a word that is not one.
"""

from typing import Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .alert_model import Alert, AlertContact, is_word
from .const import (
    DEFAULT_ALERT_STEP_WAIT,
    DEFAULT_ALERT_WORD,
    DOMAIN,
    MAX_ALERT_ROUNDS,
    MIN_ALERT_STEP_WAIT,
    SUBENTRY_TYPE_RECIPIENT,
)
from .coordinator import SmsmodeConfigEntry, loaded_entry
from .errors import translate_errors
from .escalation import new_alert_id
from .fields import ATTR_LANGUAGE, VOICE_LANGUAGE
from .reply_links import saved_recipient_name
from .request import async_normalize_number

SERVICE_SEND_ALERT: Final = "send_alert"
SERVICE_ACKNOWLEDGE_ALERT: Final = "acknowledge_alert"
SERVICE_CANCEL_ALERT: Final = "cancel_alert"
ATTR_ALERT_ID: Final = "alert_id"
ATTR_CONTACTS: Final = "contacts"
ATTR_STEP_WAIT: Final = "step_wait"
ATTR_WORD: Final = "acknowledge_word"
ATTR_VOICE_CALL: Final = "voice_call"
ATTR_ROUNDS: Final = "rounds"
ATTR_NOTIFY_ACKNOWLEDGED: Final = "notify_acknowledged"

SEND_ALERT_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required("message"): cv.string,
        vol.Required(ATTR_CONTACTS): vol.All(
            cv.ensure_list, [cv.string], vol.Length(min=1)
        ),
        vol.Optional(ATTR_STEP_WAIT, default=DEFAULT_ALERT_STEP_WAIT): cv.time_period,
        vol.Optional(ATTR_WORD, default=DEFAULT_ALERT_WORD): cv.string,
        vol.Optional(ATTR_VOICE_CALL, default=False): cv.boolean,
        vol.Optional(ATTR_ROUNDS, default=1): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=MAX_ALERT_ROUNDS)
        ),
        vol.Optional(ATTR_NOTIFY_ACKNOWLEDGED, default=True): cv.boolean,
        vol.Optional(ATTR_LANGUAGE): VOICE_LANGUAGE,
    }
)
ALERT_ID_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_ALERT_ID): cv.string,
    }
)


def _refuse(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


async def _async_contact(
    hass: HomeAssistant, entry: SmsmodeConfigEntry, contact: str
) -> AlertContact:
    """Find a saved recipient by its name (any case) or number, else a phone number."""
    wanted = contact.strip().casefold()
    for subentry in entry.subentries.values():
        if (
            subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT
            and subentry.title.casefold() == wanted
        ):
            return AlertContact(subentry.title, str(subentry.unique_id))
    with translate_errors(hass, entry):
        number = await async_normalize_number(hass, contact)
    return AlertContact(saved_recipient_name(entry, number) or number, number)


async def _async_send_alert(call: ServiceCall) -> ServiceResponse:
    """Open an escalating alert and send its first step."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    wait = call.data[ATTR_STEP_WAIT]
    if wait < MIN_ALERT_STEP_WAIT:
        raise _refuse(
            "alert_wait_too_short",
            minimum=str(int(MIN_ALERT_STEP_WAIT.total_seconds())),
        )
    word = call.data[ATTR_WORD].strip()
    if not is_word(word):
        raise _refuse("alert_invalid_word")
    contacts: list[AlertContact] = []
    for name in call.data[ATTR_CONTACTS]:
        contact = await _async_contact(call.hass, entry, name)
        if any(known.number == contact.number for known in contacts):
            raise _refuse("alert_duplicate_contact", contact=name)
        contacts.append(contact)
    alert = Alert(
        alert_id=new_alert_id(),
        message=call.data["message"].strip(),
        contacts=contacts,
        step_wait=wait.total_seconds(),
        word=word,
        voice=call.data[ATTR_VOICE_CALL],
        rounds=call.data[ATTR_ROUNDS],
        notify_acknowledged=call.data[ATTR_NOTIFY_ACKNOWLEDGED],
        language=call.data.get(ATTR_LANGUAGE),
        started_at=dt_util.utcnow(),
    )
    escalation = entry.runtime_data.escalation
    return {ATTR_ALERT_ID: await escalation.async_send_alert(alert, call.context)}


async def _async_acknowledge_alert(call: ServiceCall) -> None:
    """Acknowledge an alert from the UI or another channel, by its id."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    user = None
    if call.context.user_id is not None:
        user = await call.hass.auth.async_get_user(call.context.user_id)
    await entry.runtime_data.escalation.async_acknowledge(
        call.data[ATTR_ALERT_ID], by=None if user is None else user.name
    )


async def _async_cancel_alert(call: ServiceCall) -> None:
    """Stop an alert: no further step, no SMS to anyone."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    await entry.runtime_data.escalation.async_cancel(call.data[ATTR_ALERT_ID])


@callback
def async_setup_alert_services(hass: HomeAssistant) -> None:
    """Register the alert actions (once, from `async_setup`)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_ALERT,
        _async_send_alert,
        schema=SEND_ALERT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    for name, handler in (
        (SERVICE_ACKNOWLEDGE_ALERT, _async_acknowledge_alert),
        (SERVICE_CANCEL_ALERT, _async_cancel_alert),
    ):
        hass.services.async_register(DOMAIN, name, handler, schema=ALERT_ID_SCHEMA)
