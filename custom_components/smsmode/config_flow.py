"""Config flow for smsmode: the account, its options, and its recipients.

smsmode's HTTP API exposes no account identifier: the only thing that tells two
accounts apart is the API key. The unique id of an entry is therefore a SHA-256 of
the key (never the key itself, which would end up in `.storage` in clear and in
diagnostics). The consequence for reauth and reconfigure is spelled out in
`SmsmodeConfigFlow._async_update_account`.
"""

from collections.abc import Mapping
import hashlib
from itertools import count
import logging
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import SmsmodeAuthenticationError, SmsmodeClient, SmsmodeError
from .api_url import same_server, url_error
from .const import CONF_CLOUDHOOK_URL, DEFAULT_URL, DOMAIN, SUBENTRY_TYPE_RECIPIENT
from .options_flow import SmsmodeOptionsFlow
from .recipient_flow import RecipientSubentryFlow
from .webhook import async_callback_url, async_create_cloudhook, async_renew_webhook

_LOGGER = logging.getLogger(__name__)

# The first account is plainly "smsmode" (its legacy service is `notify.smsmode`);
# further ones are numbered, since smsmode gives no account name to use instead.
DEFAULT_TITLE = "smsmode"

# Description placeholder of the creation message, of the reconfigure form and
# of its closing message when the webhook URL was renewed.
PLACEHOLDER_WEBHOOK_URL = "webhook_url"
# Reconfigure's field asking for a new webhook id (the URL leaked).
CONF_NEW_WEBHOOK_URL = "new_webhook_url"

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
        vol.Optional(CONF_NEW_WEBHOOK_URL, default=False): BooleanSelector(),
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
    client = SmsmodeClient(async_get_clientsession(hass), api_key, base_url=url)
    try:
        await client.get_balance()
    except SmsmodeAuthenticationError:
        return {"base": "invalid_auth"}
    except SmsmodeError:
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
                return await self._async_update_account(
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
        was typed for. "Make a new webhook URL" renews the webhook id (and the
        cloudhook), for a URL that leaked; the closing message shows the new URL
        to give smsmode. When Home Assistant has no URL yet, the same form is shown under the step
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
                    return await self._async_update_account(
                        entry,
                        api_key,
                        url,
                        "reconfigure_successful",
                        renew_webhook=user_input[CONF_NEW_WEBHOOK_URL],
                    )
        # Only the URL and the choice are filled in: the key stays on the server.
        data_schema = self.add_suggested_values_to_schema(
            STEP_RECONFIGURE_SCHEMA,
            {
                CONF_URL: (user_input or entry.data).get(CONF_URL, DEFAULT_URL),
                CONF_NEW_WEBHOOK_URL: (user_input or {}).get(
                    CONF_NEW_WEBHOOK_URL, False
                ),
            },
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

    async def _async_update_account(
        self,
        entry: ConfigEntry,
        api_key: str,
        url: str,
        reason: str,
        *,
        renew_webhook: bool = False,
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

        A renewed webhook (`renew_webhook`) ends with its own message instead,
        the new URL in it: the old one, pasted in smsmode's account settings,
        must be replaced there.
        """
        unique_id = _unique_id(api_key)
        other = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, unique_id
        )
        if other is not None and other.entry_id != entry.entry_id:
            return self.async_abort(reason="already_configured")
        data = {**entry.data, CONF_API_KEY: api_key, CONF_URL: url}
        if renew_webhook:
            data = await async_renew_webhook(self.hass, data)
        # Decided before the update: the listener's reload may start, and remove
        # the listener, at once.
        reload_here = not entry.update_listeners or data == entry.data
        self.hass.config_entries.async_update_entry(
            entry, unique_id=unique_id, data=data
        )
        if reload_here:
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        if not renew_webhook:
            return self.async_abort(reason=reason)
        if (callback_url := async_callback_url(self.hass, data)) is None:
            return self.async_abort(reason="webhook_url_renewed_no_url")
        return self.async_abort(
            reason="webhook_url_renewed",
            description_placeholders={PLACEHOLDER_WEBHOOK_URL: callback_url},
        )
