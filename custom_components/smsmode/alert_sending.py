"""What an alert sends: each step's SMS or call, and "Acknowledged by" at the end.

Every one is critical: budgets, quiet hours and the runaway guard do not hold
an alert (its parts still count). The texts are translated, in the alert's
language.
"""

from typing import Final

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .alert_model import CHANNEL_SMS, Alert
from .api import Encoding, gsm_replace
from .const import LOGGER, PRIORITY_CRITICAL
from .coordinator import SmsmodeConfigEntry
from .outbox_store import QueuedSms
from .own_texts import async_own_text
from .request import SmsRequest

# The "Acknowledged by" SMS quotes this much of the alert at most.
ACK_QUOTE_LENGTH: Final = 60


async def async_send_step(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    alert: Alert,
    step: int,
    context: Context | None,
) -> None:
    """Send one step's SMS (replies allowed, critical) or make its call.

    What went is written in the step's `alert.sent` entry, as soon as known.
    """
    current = alert.steps[step]
    sent = alert.sent[step]
    language = alert.text_language
    sender = entry.runtime_data.sender
    if current.channel == CHANNEL_SMS:
        text = await async_own_text(
            hass,
            language,
            "alert_sms_text",
            message=alert.message,
            word=alert.word,
        )
        # Replies allowed: GSM characters only. "°C" or an emoji in an alert's
        # text must not refuse the alert: they are replaced as Assist does.
        outcome = await sender.async_send_sms(
            SmsRequest(
                message=gsm_replace(text),
                encoding=Encoding.GSM7.value,
                recipients=[current.contact.number],
                reply_allowed=True,
                ref_client=alert.ref(step),
                priority=PRIORITY_CRITICAL,
            ),
            context=context,
        )
        if isinstance(outcome.result, QueuedSms):
            sent.queued = True
        elif outcome.result is not None:
            sent.sms_id = outcome.result.sms_id
        return
    text = await async_own_text(
        hass,
        language,
        "alert_voice_text",
        message=alert.message,
        word=alert.word,
    )
    title = await async_own_text(hass, language, "alert_voice_title")
    result = await sender.async_send_voice(
        text, [current.contact.number], voice_title=title, language=alert.language
    )
    sent.sms_id = result.sms_id


async def async_tell_acknowledged(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    alert: Alert,
    by: str | None,
    told: list[str],
) -> None:
    """Send "Acknowledged by <name>" to the others reached, once, critical."""
    quote = alert.message
    if len(quote) > ACK_QUOTE_LENGTH:
        quote = f"{quote[: ACK_QUOTE_LENGTH - 3].rstrip()}..."
    text = await async_own_text(
        hass,
        alert.text_language,
        "alert_acknowledged_text",
        name=by or "Home Assistant",
        message=quote,
    )
    try:
        await entry.runtime_data.sender.async_send_sms(
            SmsRequest(
                message=text,
                recipients=told,
                reply_allowed=False,  # nothing to answer: any text, any sender
                priority=PRIORITY_CRITICAL,
            )
        )
    except HomeAssistantError as err:
        LOGGER.warning("The alert's acknowledgement SMS could not be sent: %s", err)
