"""Recipients: config subentries holding a name and a number, one notify entity each.

A recipient may also talk to Assist by SMS (assist.py): off by default, and then
it needs a person whose user the conversation acts as.
"""

from typing import Any

from homeassistant.config_entries import (
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME
from homeassistant.helpers.selector import (
    BooleanSelector,
    ConversationAgentSelector,
    EntitySelector,
    EntitySelectorConfig,
    LanguageSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import SmsmodeInvalidNumberError, normalize_number
from .assist_settings import assist_data
from .const import (
    CONF_ASSIST,
    CONF_ASSIST_AGENT,
    CONF_ASSIST_LANGUAGE,
    CONF_ASSIST_PERSON,
    CONF_ASSIST_SECRET,
    CONF_NUMBER,
)

RECIPIENT_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_NAME): TextSelector(),
        vol.Required(CONF_NUMBER): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEL, autocomplete="tel")
        ),
        # Assist by SMS: off unless asked for; the rest only matters when on.
        vol.Optional(CONF_ASSIST, default=False): BooleanSelector(),
        vol.Optional(CONF_ASSIST_PERSON): EntitySelector(
            EntitySelectorConfig(domain="person")
        ),
        vol.Optional(CONF_ASSIST_AGENT): ConversationAgentSelector(),
        vol.Optional(CONF_ASSIST_LANGUAGE): LanguageSelector(),
        vol.Optional(CONF_ASSIST_SECRET): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
    }
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
            except SmsmodeInvalidNumberError:
                errors[CONF_NUMBER] = "invalid_number"
            errors.update(self._assist_errors(user_input))
            if not errors:
                entry = self._get_entry()
                if any(
                    other.unique_id == number
                    for other in entry.subentries.values()
                    if subentry is None or other.subentry_id != subentry.subentry_id
                ):
                    return self.async_abort(reason="already_configured")
                data = {
                    CONF_NAME: name,
                    CONF_NUMBER: number,
                    **assist_data(user_input),
                }
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

    def _assist_errors(self, user_input: dict[str, Any]) -> dict[str, str]:
        """Refuse Assist on without conversations, or a person without a user.

        The conversation acts as the person's user: with none, it would act as
        nobody's and see everything exposed.
        """
        if not user_input.get(CONF_ASSIST):
            return {}
        if "conversation" not in self.hass.config.components:
            return {"base": "assist_unavailable"}
        person = user_input.get(CONF_ASSIST_PERSON)
        state = self.hass.states.get(person) if person else None
        if state is None or not state.attributes.get("user_id"):
            return {CONF_ASSIST_PERSON: "person_without_user"}
        return {}
