"""The account's options: sending defaults, balance and reply polling, the outbox.

Saving them reloads the account through its update listener (__init__.py), as
a recipient's change does.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.const import UnitOfTime
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
import voluptuous as vol

from .api import MAX_SEGMENTS, SmsmodeInvalidSenderError, validate_sender
from .const import (
    CONF_ASSIST_DAILY_CAP,
    CONF_ASSIST_HOURLY_LIMIT,
    CONF_BALANCE_INTERVAL,
    CONF_DELIVERY_REPORTS,
    CONF_ENCODING_POLICY,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_SEGMENTS,
    CONF_OUTBOX_HORIZON,
    CONF_QUEUE_FAILED_SENDS,
    CONF_REPLY_ALLOWED,
    CONF_REPLY_POLL_INTERVAL,
    CONF_SENDER,
    CONF_STOP,
    DEFAULT_ASSIST_DAILY_CAP,
    DEFAULT_ASSIST_HOURLY_LIMIT,
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
    MAX_ASSIST_MESSAGES,
    MAX_OUTBOX_HORIZON,
    MAX_REPLY_POLL_INTERVAL,
    MIN_BALANCE_INTERVAL_MINUTES,
    STOP_OPTIONS,
    EncodingPolicy,
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


# Assist by SMS: how many messages one number may send, per hour and per day.
ASSIST_OPTIONS: Final = {
    vol.Optional(key, default=default): vol.All(
        NumberSelector(
            NumberSelectorConfig(
                min=1, max=MAX_ASSIST_MESSAGES, step=1, mode=NumberSelectorMode.BOX
            )
        ),
        vol.Coerce(int),
    )
    for key, default in (
        (CONF_ASSIST_HOURLY_LIMIT, DEFAULT_ASSIST_HOURLY_LIMIT),
        (CONF_ASSIST_DAILY_CAP, DEFAULT_ASSIST_DAILY_CAP),
    )
}
OPTIONS_SCHEMA = OPTIONS_SCHEMA.extend(ASSIST_OPTIONS)


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
    except SmsmodeInvalidSenderError:
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
