"""Config flow for smsmode: the account, its options, and its recipients.

smsmode's HTTP API exposes no account identifier: the only thing that tells two
accounts apart is the API key. The unique id of an entry is therefore a SHA-256 of
the key (never the key itself, which would end up in `.storage` in clear and in
diagnostics). The consequence for reauth and reconfigure is spelled out in
`SmsmodeConfigFlow._async_update_account`.
"""

from collections.abc import Mapping
from datetime import timedelta
import hashlib
from itertools import count
import logging
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.const import (
    CONF_API_KEY,
    CONF_NAME,
    CONF_URL,
    CONF_WEBHOOK_ID,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import (
    MAX_SEGMENTS,
    SmsModeAuthenticationError,
    SmsModeClient,
    SmsModeError,
    SmsModeInvalidNumberError,
    SmsModeInvalidSenderError,
    normalize_number,
    validate_sender,
)
from .api_url import same_server, url_error
from .const import (
    CONF_BALANCE_INTERVAL,
    CONF_CLOUDHOOK_URL,
    CONF_DELIVERY_REPORTS,
    CONF_ENCODING_POLICY,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_SEGMENTS,
    CONF_NUMBER,
    CONF_OUTBOX_HORIZON,
    CONF_QUEUE_FAILED_SENDS,
    CONF_REPLY_ALLOWED,
    CONF_REPLY_POLL_INTERVAL,
    CONF_SENDER,
    CONF_STOP,
    DEFAULT_BALANCE_INTERVAL,
    DEFAULT_DELIVERY_REPORTS,
    DEFAULT_ENCODING_POLICY,
    DEFAULT_LOW_CREDIT_THRESHOLD,
    DEFAULT_MAX_SEGMENTS,
    DEFAULT_OUTBOX_HORIZON,
    DEFAULT_QUEUE_FAILED_SENDS,
    DEFAULT_REPLY_ALLOWED,
    DEFAULT_REPLY_POLL_INTERVAL,
    DEFAULT_STOP,
    DEFAULT_URL,
    DOMAIN,
    MAX_OUTBOX_HORIZON,
    MAX_REPLY_POLL_INTERVAL,
    MIN_BALANCE_INTERVAL_MINUTES,
    STOP_OPTIONS,
    SUBENTRY_TYPE_RECIPIENT,
    EncodingPolicy,
)
from .webhook import async_callback_url, async_create_cloudhook

_LOGGER = logging.getLogger(__name__)

# The first account is plainly "smsmode" (its legacy service is `notify.smsmode`);
# further ones are numbered, since smsmode gives no account name to use instead.
DEFAULT_TITLE = "smsmode"

# Description placeholder of the creation message and of the reconfigure form.
PLACEHOLDER_WEBHOOK_URL = "webhook_url"

_PASSWORD = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)

STEP_USER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_API_KEY): _PASSWORD,
        # Only changed for the local simulator or a proxy.
        vol.Optional(CONF_URL, default=DEFAULT_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
    }
)

STEP_REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): _PASSWORD})

# The stored key is never sent back to the browser: left empty, it is kept.
STEP_RECONFIGURE_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_API_KEY): _PASSWORD,
        vol.Optional(CONF_URL, default=DEFAULT_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
    }
)

OPTIONS_SCHEMA = vol.Schema(
    {
        # A suggested value, not a default: emptying the field removes the sender.
        vol.Optional(CONF_SENDER): TextSelector(),
        vol.Optional(CONF_STOP, default=DEFAULT_STOP): SelectSelector(
            SelectSelectorConfig(
                options=list(STOP_OPTIONS),
                mode=SelectSelectorMode.LIST,
                translation_key=CONF_STOP,
            )
        ),
        vol.Optional(
            CONF_REPLY_ALLOWED, default=DEFAULT_REPLY_ALLOWED
        ): BooleanSelector(),
        vol.Optional(CONF_MAX_SEGMENTS, default=DEFAULT_MAX_SEGMENTS): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=1, max=MAX_SEGMENTS, step=1, mode=NumberSelectorMode.SLIDER
                )
            ),
            vol.Coerce(int),
        ),
        vol.Optional(
            CONF_ENCODING_POLICY, default=DEFAULT_ENCODING_POLICY.value
        ): SelectSelector(
            SelectSelectorConfig(
                options=[policy.value for policy in EncodingPolicy],
                mode=SelectSelectorMode.LIST,
                translation_key=CONF_ENCODING_POLICY,
            )
        ),
        vol.Optional(
            CONF_DELIVERY_REPORTS, default=DEFAULT_DELIVERY_REPORTS
        ): BooleanSelector(),
        vol.Optional(
            CONF_BALANCE_INTERVAL,
            default=DEFAULT_BALANCE_INTERVAL // timedelta(minutes=1),
        ): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=MIN_BALANCE_INTERVAL_MINUTES,
                    step=1,
                    mode=NumberSelectorMode.BOX,
                    unit_of_measurement=UnitOfTime.MINUTES,
                )
            ),
            vol.Coerce(int),
        ),
        vol.Optional(
            CONF_LOW_CREDIT_THRESHOLD, default=DEFAULT_LOW_CREDIT_THRESHOLD
        ): NumberSelector(
            NumberSelectorConfig(min=0, step="any", mode=NumberSelectorMode.BOX)
        ),
        # Minutes between two reads of the reply list; 0 turns polling off.
        vol.Optional(
            CONF_REPLY_POLL_INTERVAL, default=DEFAULT_REPLY_POLL_INTERVAL
        ): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=0,
                    max=MAX_REPLY_POLL_INTERVAL,
                    step=1,
                    mode=NumberSelectorMode.BOX,
                    unit_of_measurement=UnitOfTime.MINUTES,
                )
            ),
            vol.Coerce(int),
        ),
        # The outbox: queue what smsmode cannot take now, for at most N hours.
        vol.Optional(
            CONF_QUEUE_FAILED_SENDS, default=DEFAULT_QUEUE_FAILED_SENDS
        ): BooleanSelector(),
        vol.Optional(CONF_OUTBOX_HORIZON, default=DEFAULT_OUTBOX_HORIZON): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=1,
                    max=MAX_OUTBOX_HORIZON,
                    step=1,
                    mode=NumberSelectorMode.BOX,
                    unit_of_measurement=UnitOfTime.HOURS,
                )
            ),
            vol.Coerce(int),
        ),
    }
)

RECIPIENT_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_NAME): TextSelector(),
        vol.Required(CONF_NUMBER): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEL, autocomplete="tel")
        ),
    }
)


def _unique_id(api_key: str) -> str:
    """Identify the account by a hash of its key: the API has no account id."""
    return hashlib.sha256(api_key.encode()).hexdigest()


async def _async_validate_account(
    hass: HomeAssistant, api_key: str, url: str
) -> dict[str, str]:
    """Ask smsmode for the balance with this key; return the form errors, if any.

    The balance call is free and read-only, so it proves the key and the URL
    (already checked by `url_error`) without spending a credit.
    """
    if not api_key:  # only blanks were typed
        return {"base": "invalid_auth"}
    client = SmsModeClient(async_get_clientsession(hass), api_key, base_url=url)
    try:
        await client.get_balance()
    except SmsModeAuthenticationError:
        return {"base": "invalid_auth"}
    except SmsModeError:
        # Unreachable, HTTP 5xx, unexpected body, or another provider code.
        return {"base": "cannot_connect"}
    except Exception:
        _LOGGER.exception("Unexpected error while checking the smsmode account")
        return {"base": "unknown"}
    return {}


class SmsmodeConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up an smsmode account from its API key."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Return the options flow (sending defaults, balance and reply polling)."""
        return SmsmodeOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Recipients are subentries, each one becoming a notify entity."""
        return {SUBENTRY_TYPE_RECIPIENT: RecipientSubentryFlow}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API key (and the URL), check it, and create the entry."""
        errors: dict[str, str] = {}
        if user_input is not None:
            api_key = user_input[CONF_API_KEY].strip()
            url = user_input[CONF_URL].strip()
            await self.async_set_unique_id(_unique_id(api_key))
            self._abort_if_unique_id_configured()
            if error := url_error(url):
                errors = {CONF_URL: error}
            else:
                errors = await _async_validate_account(self.hass, api_key, url)
            if not errors:
                data = {
                    CONF_API_KEY: api_key,
                    CONF_URL: url,
                    CONF_WEBHOOK_ID: webhook.async_generate_id(),
                }
                # With Cloud, the cloudhook is the URL to show, so it is made now.
                if cloudhook := await async_create_cloudhook(
                    self.hass, data[CONF_WEBHOOK_ID]
                ):
                    data[CONF_CLOUDHOOK_URL] = cloudhook
                title = self._next_title()
                if (callback_url := async_callback_url(self.hass, data)) is None:
                    return self.async_create_entry(
                        title=title, data=data, description="no_url"
                    )
                return self.async_create_entry(
                    title=title,
                    data=data,
                    description_placeholders={PLACEHOLDER_WEBHOOK_URL: callback_url},
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                STEP_USER_SCHEMA, user_input
            ),
            errors=errors,
        )

    def _next_title(self) -> str:
        """Return "smsmode", or "smsmode <n>" with the first n not taken."""
        titles = {entry.title for entry in self._async_current_entries()}
        if DEFAULT_TITLE not in titles:
            return DEFAULT_TITLE
        candidates = (f"{DEFAULT_TITLE} {n}" for n in count(2))
        return next(title for title in candidates if title not in titles)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start when smsmode refused the key (code 32): ask for a new one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check the new key against the entry's URL, then update and reload."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            api_key = user_input[CONF_API_KEY].strip()
            url = entry.data[CONF_URL]
            errors = await _async_validate_account(self.hass, api_key, url)
            if not errors:
                return self._async_update_account(
                    entry, api_key, url, "reauth_successful"
                )
        return self.async_show_form(
            step_id="reauth_confirm", data_schema=STEP_REAUTH_SCHEMA, errors=errors
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the key or the URL, and show the URL to give smsmode again.

        The form never holds the stored key (it would travel to the browser): an
        empty key field keeps it, unless the URL now points to another server (host
        or port): the key must then be typed again, so that it only goes where it
        was typed for. When Home Assistant has no URL yet, the same form is shown under the step
        `reconfigure_no_url`, whose translated description says what to do
        instead (a placeholder cannot carry translated text).
        """
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            typed_key = user_input.get(CONF_API_KEY, "").strip()
            url = user_input[CONF_URL].strip()
            if error := url_error(url):
                errors = {CONF_URL: error}
            elif not typed_key and not same_server(url, entry.data[CONF_URL]):
                errors = {CONF_API_KEY: "api_key_for_new_server"}
            else:
                api_key = typed_key or entry.data[CONF_API_KEY]
                errors = await _async_validate_account(self.hass, api_key, url)
                if not errors:
                    return self._async_update_account(
                        entry, api_key, url, "reconfigure_successful"
                    )
        # Only the URL is filled in: the key stays on the server.
        data_schema = self.add_suggested_values_to_schema(
            STEP_RECONFIGURE_SCHEMA,
            {CONF_URL: (user_input or entry.data).get(CONF_URL, DEFAULT_URL)},
        )
        if (callback_url := async_callback_url(self.hass, entry.data)) is None:
            return self.async_show_form(
                step_id="reconfigure_no_url", data_schema=data_schema, errors=errors
            )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=data_schema,
            errors=errors,
            description_placeholders={PLACEHOLDER_WEBHOOK_URL: callback_url},
        )

    async def async_step_reconfigure_no_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Handle the reconfigure form shown while Home Assistant has no URL."""
        return await self.async_step_reconfigure(user_input)

    @callback
    def _async_update_account(
        self, entry: ConfigEntry, api_key: str, url: str, reason: str
    ) -> ConfigFlowResult:
        """Store a new, checked key (and URL) in the entry, then reload it.

        A loaded entry whose key or URL changes reloads through its update
        listener, which Home Assistant forbids to combine with
        `async_update_reload_and_abort`; this flow reloads an entry that has none
        (not loaded, e.g. its key refused at setup), or whose key and URL are
        unchanged: a key working again must restart the outbox and the pollers a
        refusal paused. The closing message is named (`reason`): Home Assistant's
        generic text would show in English whatever the user's language.

        smsmode has no account id, so nothing can prove that a new key belongs to
        the same account as the old one (unlike `_abort_if_unique_id_mismatch`
        flows): the key is the identity. So a working key is accepted, and the
        entry's unique id follows it, unless that key is already another entry's,
        which would make two entries for one key.
        """
        unique_id = _unique_id(api_key)
        other = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, unique_id
        )
        if other is not None and other.entry_id != entry.entry_id:
            return self.async_abort(reason="already_configured")
        data = {**entry.data, CONF_API_KEY: api_key, CONF_URL: url}
        # Decided before the update: the listener's reload may start, and remove
        # the listener, at once.
        reload_here = not entry.update_listeners or data == entry.data
        self.hass.config_entries.async_update_entry(
            entry, unique_id=unique_id, data=data
        )
        if reload_here:
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_abort(reason=reason)


def _options_errors(options: Mapping[str, Any]) -> dict[str, str]:
    """Check the custom sender, alone and with replies allowed.

    Replies need smsmode's short number as the sender, so a custom sender and
    replies cannot go together.
    """
    if (sender := options.get(CONF_SENDER)) is None:
        return {}
    errors: dict[str, str] = {}
    try:
        validate_sender(sender)
    except SmsModeInvalidSenderError:
        errors[CONF_SENDER] = "invalid_sender"
    if options[CONF_REPLY_ALLOWED]:
        errors["base"] = "sender_with_reply"
    return errors


class SmsmodeOptionsFlow(OptionsFlow):
    """Sending defaults, balance and reply polling.

    Not an OptionsFlowWithReload: the entry's update listener, which reloads
    for recipients too, reloads it for changed options.
    """

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show every option at once; refuse what smsmode would refuse."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _options_errors(user_input)
            if not errors:
                return self.async_create_entry(data=user_input)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA, user_input or self.config_entry.options
            ),
            errors=errors,
        )


class RecipientSubentryFlow(ConfigSubentryFlow):
    """Add or change a recipient: a name and a phone number."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add a recipient."""
        return await self._async_step_recipient("user", user_input, None)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Rename a recipient or change its number."""
        return await self._async_step_recipient(
            "reconfigure", user_input, self._get_reconfigure_subentry()
        )

    async def _async_step_recipient(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        subentry: ConfigSubentry | None,
    ) -> SubentryFlowResult:
        """Normalise the number and refuse one the account already has.

        The normalised number is the subentry's unique id, so `06 12…` and
        `+33 6 12…` are the same recipient.
        """
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input[CONF_NAME]
            try:
                # phonenumbers may read a country's metadata from disk.
                number = await self.hass.async_add_executor_job(
                    normalize_number, user_input[CONF_NUMBER]
                )
            except SmsModeInvalidNumberError:
                errors[CONF_NUMBER] = "invalid_number"
            else:
                entry = self._get_entry()
                if any(
                    other.unique_id == number
                    for other in entry.subentries.values()
                    if subentry is None or other.subentry_id != subentry.subentry_id
                ):
                    return self.async_abort(reason="already_configured")
                data = {CONF_NAME: name, CONF_NUMBER: number}
                if subentry is None:
                    return self.async_create_entry(
                        title=name, data=data, unique_id=number
                    )
                # What async_update_and_abort does, but ending on this
                # integration's message: newer cores default to Home Assistant's
                # generic English one, and 2026.3 takes no reason to name it.
                # The entry's update listener reloads it, if loaded.
                self.hass.config_entries.async_update_subentry(
                    entry, subentry, title=name, data=data, unique_id=number
                )
                return self.async_abort(reason="reconfigure_successful")
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                RECIPIENT_SCHEMA,
                user_input or (subentry.data if subentry is not None else None),
            ),
            errors=errors,
        )
