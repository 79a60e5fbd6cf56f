"""Assist by SMS: a saved recipient texts Home Assistant and gets an answer.

Each confirmed reply (the inbox's dispatcher signal, fired once per reply and
only once smsmode's list confirmed it) from a recipient with Assist on goes to
`conversation.async_converse`, as that recipient's person's user, with one
conversation per number so follow-ups work. The answer goes back to that number
only, replies allowed, cut to the account's maximum SMS per message. What is not
answered is counted by reason (diagnostics) and logged at debug level.
"""

from collections import Counter
from contextlib import suppress
from typing import Any, Final

from homeassistant.const import CONF_LANGUAGE
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.util import dt as dt_util

from .alert_model import is_alert_ref
from .api import Encoding, SendResult, SmsmodeInvalidNumberError, gsm_replace, max_units
from .assist_limits import Allowance, AssistLimits
from .assist_settings import AssistSettings, assist_settings
from .assist_text import cut_to_fit, is_stop, without_secret
from .const import (
    CONF_ASSIST,
    CONF_ASSIST_DAILY_CAP,
    CONF_ASSIST_HOURLY_LIMIT,
    DEFAULT_ASSIST_DAILY_CAP,
    DEFAULT_ASSIST_HOURLY_LIMIT,
    DOMAIN,
    EVENT_ASSIST_ANSWERED,
    EVENT_MESSAGE_RECEIVED,
    LOGGER,
)
from .coordinator import SmsmodeConfigEntry
from .inbox import inbox_signal
from .issues import async_prune_assist_stopped, async_set_assist_stopped
from .outbox_store import QueuedSms
from .outgoing import OutgoingSms
from .own_texts import async_own_text
from .request import AccountOptions, SmsRequest, async_normalize_number

# Asked of an LLM agent (Home Assistant's own ignores it); {units} is what the
# account's maximum SMS per message holds.
SMS_PROMPT: Final = (
    "You are answering by SMS. Reply in short plain text, without Markdown, "
    "lists or emoji, in at most {units} characters."
)
# Texts of our own SMS, translated (translations/*.json, "exceptions").
TEXT_OPENING: Final = "assist_opening"
TEXT_LIMIT: Final = "assist_limit_reached"


class SmsmodeAssist:
    """One account's Assist by SMS: guards, conversations, answers."""

    def __init__(self, hass: HomeAssistant, entry: SmsmodeConfigEntry) -> None:
        """Read the limits once: a change of option reloads the entry."""
        self._hass = hass
        self._entry = entry
        self._options = AccountOptions(entry.options)
        self._limits = AssistLimits(
            int(
                entry.options.get(CONF_ASSIST_HOURLY_LIMIT, DEFAULT_ASSIST_HOURLY_LIMIT)
            ),
            int(entry.options.get(CONF_ASSIST_DAILY_CAP, DEFAULT_ASSIST_DAILY_CAP)),
        )
        # Number -> the conversation id the agent gave, for follow-ups.
        self._conversations: dict[str, str] = {}
        # Number -> the last answer sent there: that text coming back is an echo.
        self._last_answers: dict[str, str] = {}
        self.refused: Counter[str] = Counter()

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Listen to confirmed replies; keep the STOP issues of those still off."""
        async_prune_assist_stopped(
            self._hass,
            self._entry,
            [
                subentry.subentry_id
                for subentry in self._entry.subentries.values()
                if assist_settings(subentry) is None
            ],
        )
        return async_dispatcher_connect(
            self._hass,
            inbox_signal(self._entry.entry_id, EVENT_MESSAGE_RECEIVED),
            self._async_reply,
        )

    def _settings_for(self, number: str) -> AssistSettings | None:
        for subentry in self._entry.subentries.values():
            if subentry.unique_id == number:
                return assist_settings(subentry)
        return None

    def _settings_named(self, recipient: str) -> AssistSettings | None:
        """Find a recipient with Assist on by its name or its normalised number."""
        for subentry in self._entry.subentries.values():
            if recipient in (subentry.title, subentry.unique_id):
                return assist_settings(subentry)
        return None

    @callback
    def _refuse(self, reason: str) -> None:
        self.refused[reason] += 1
        LOGGER.debug("Assist by SMS: message not answered (%s)", reason)

    @callback
    def _async_reply(self, data: dict[str, Any]) -> None:
        """Take a confirmed reply: Assist's if its number is a recipient with it on."""
        settings = self._settings_for(str(data["sender"]))
        if settings is None:
            return  # not a recipient with Assist on: nothing of Assist's
        self._entry.async_create_task(
            self._hass, self._async_handle(settings, data), "smsmode Assist by SMS"
        )

    async def _async_handle(
        self, settings: AssistSettings, data: dict[str, Any]
    ) -> None:
        """Apply the guards in order, then converse and answer."""
        message = str(data["message"] or "")
        number = settings.number
        if number == data.get("smsmode_number"):
            self._refuse("own_number")
            return
        if is_stop(message):
            self._async_stop(settings)
            return
        if not self._answers_ours(data, number):
            self._refuse("not_an_answer")
            return
        if is_alert_ref(data.get("reply_to_ref_client")):
            self._refuse("alert_answer")  # "OK" to an alert is not for the agent
            return
        if message.strip() == self._last_answers.get(number):
            self._refuse("echo")
            return
        request = without_secret(message, settings.secret)
        if not request:
            self._refuse("secret" if request is None else "empty")
            return
        allowance = self._limits.allow(number, dt_util.utcnow())
        if allowance is Allowance.TELL_LIMIT:
            self._refuse("limit")
            await self._async_send(number, await self._async_text(settings, TEXT_LIMIT))
            return
        if allowance is Allowance.SILENT:
            self._refuse("limit")
            return
        await self._async_converse(settings, request)

    def _answers_ours(self, data: dict[str, Any], number: str) -> bool:
        """Whether the reply answers an SMS this account sent that number, replies on."""
        if (sms_id := data.get("reply_to_sms_id")) is None:
            return False
        sent = self._entry.runtime_data.sent_memory.lookup(str(sms_id))
        # Numbers not kept (a group, a large send): not known to be that number's.
        return sent is not None and sent.reply_allowed and sent.went_to(number) is True

    @callback
    def _async_stop(self, settings: AssistSettings) -> None:
        """Turn Assist off for the number and say so (the entry then reloads)."""
        self._refuse("stopped")
        subentry = self._entry.subentries[settings.subentry_id]
        self._hass.config_entries.async_update_subentry(
            self._entry, subentry, data={**subentry.data, CONF_ASSIST: False}
        )
        async_set_assist_stopped(self._hass, self._entry, subentry)

    async def _async_converse(self, settings: AssistSettings, request: str) -> None:
        """Ask the agent as the person's user, answer, record the exchange."""
        # Imported when used: the conversation component is an after-dependency.
        from homeassistant.components import conversation  # noqa: PLC0415

        state = self._hass.states.get(settings.person)
        user_id = state.attributes.get("user_id") if state is not None else None
        if not user_id:
            self._refuse("no_user")
            LOGGER.warning(
                "Assist by SMS: %s has no Home Assistant user, so it is not answered",
                settings.person,
            )
            return
        number = settings.number
        agent_id = settings.agent_id or conversation.HOME_ASSISTANT_AGENT
        if conversation.async_get_agent_info(self._hass, agent_id) is None:
            self._refuse("no_agent")
            LOGGER.warning(
                "Assist by SMS: the agent %s of %s is gone, so it is not answered",
                agent_id,
                settings.name,
            )
            return
        max_segments = self._options.max_segments(None)
        # An agent's failure comes back as an error response, whose speech (as
        # Assist shows it in the app) is the answer: the person learns it failed.
        result = await conversation.async_converse(
            self._hass,
            request,
            self._conversations.get(number),
            Context(user_id=user_id),
            language=settings.language,
            agent_id=agent_id,
            extra_system_prompt=SMS_PROMPT.format(
                units=max_units(max_segments, Encoding.GSM7)
            ),
        )
        if result.conversation_id:
            self._conversations[number] = result.conversation_id
        speech = result.response.speech.get("plain", {}).get("speech") or ""
        if not speech.strip():
            self._refuse("no_speech")
            return
        answer, sent = await self._async_send(number, speech)
        if sent is None:
            return
        self._hass.bus.async_fire(
            EVENT_ASSIST_ANSWERED,
            {
                "config_entry_id": self._entry.entry_id,
                "recipient": settings.name,
                "number": number,
                "message": request,
                "answer": answer,
                "response_type": result.response.response_type.value,
                "conversation_id": result.conversation_id,
                "agent_id": agent_id,
                CONF_LANGUAGE: settings.language or self._hass.config.language,
                "sms_id": sent.sms_id if isinstance(sent, SendResult) else None,
                "queued": isinstance(sent, QueuedSms),
            },
        )

    @staticmethod
    def _request(number: str, text: str, *, awaited: bool) -> SmsRequest:
        """Build our SMS to one number: GSM, as replies are allowed.

        An answer to someone who just wrote is `awaited`: quiet hours let it go.
        """
        return SmsRequest(
            message=text,
            recipients=[number],
            reply_allowed=True,
            encoding=Encoding.GSM7.value,
            awaited=awaited,
        )

    async def _async_send_text(
        self, number: str, text: str, *, awaited: bool
    ) -> tuple[str, SendResult | QueuedSms]:
        """Send a text of ours, cut to fit; return it as sent, and the result.

        An SMS allowing replies carries GSM characters only: the rest is
        replaced (gsm_replace) rather than refused.
        """

        def prepare(candidate: str) -> OutgoingSms:
            return self._options.outgoing(
                self._request(number, candidate, awaited=awaited), [number]
            )

        sent_text = cut_to_fit(gsm_replace(text.strip()), prepare)
        outcome = await self._entry.runtime_data.sender.async_send_sms(
            self._request(number, sent_text, awaited=awaited)
        )
        if outcome.result is None:
            # The runaway guard held it back (its event and issue say so).
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="assist_answer_suppressed"
            )
        self._last_answers[number] = sent_text
        return sent_text, outcome.result

    async def _async_send(
        self, number: str, text: str
    ) -> tuple[str, SendResult | QueuedSms | None]:
        """Answer in the background, now: a failure is logged, not raised."""
        try:
            return await self._async_send_text(number, text, awaited=True)
        except HomeAssistantError as err:
            self._refuse("send_failed")
            LOGGER.warning("Assist by SMS: the answer could not be sent: %s", err)
            return text, None

    async def _async_text(self, settings: AssistSettings, key: str) -> str:
        """One of our SMS texts, in the recipient's Assist language."""
        return await async_own_text(self._hass, settings.language, key)

    async def async_start_conversation(
        self, recipient: str
    ) -> tuple[str, SendResult | QueuedSms]:
        """Send a recipient with Assist on the opening SMS, replies allowed.

        smsmode only lets people write back to an SMS that allowed replies, and
        Assist only answers an SMS this account sent: this is the first one.
        """
        settings = self._settings_named(recipient)
        if settings is None:
            with suppress(SmsmodeInvalidNumberError):
                number = await async_normalize_number(self._hass, recipient)
                settings = self._settings_named(number)
        if settings is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="assist_not_enabled",
                translation_placeholders={"recipient": recipient},
            )
        text = await self._async_text(settings, TEXT_OPENING)
        return await self._async_send_text(settings.number, text, awaited=False)
