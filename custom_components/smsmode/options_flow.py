"""The account's options: sending, reports and polling, outbox, balance, spend.

Saving them reloads the account through its update listener (__init__.py), as
a recipient's change does.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.const import UnitOfTime
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TimeSelector,
)
import voluptuous as vol

from .api import MAX_SEGMENTS, SmsmodeInvalidSenderError, validate_sender
from .const import (
    CONF_ASSIST_DAILY_CAP,
    CONF_ASSIST_HOURLY_LIMIT,
    CONF_BALANCE_INTERVAL,
    CONF_DAILY_LIMIT,
    CONF_DELIVERY_REPORTS,
    CONF_ENCODING_POLICY,
    CONF_GUARD_PER_HOUR,
    CONF_GUARD_REPEAT_WINDOW,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_SEGMENTS,
    CONF_MONTHLY_LIMIT,
    CONF_OUTBOX_HORIZON,
    CONF_QUEUE_FAILED_SENDS,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_REPLY_ALLOWED,
    CONF_REPLY_POLL_INTERVAL,
    CONF_SENDER,
    CONF_STOP,
    DEFAULT_ASSIST_DAILY_CAP,
    DEFAULT_ASSIST_HOURLY_LIMIT,
    DEFAULT_BALANCE_INTERVAL,
    DEFAULT_DAILY_LIMIT,
    DEFAULT_DELIVERY_REPORTS,
    DEFAULT_ENCODING_POLICY,
    DEFAULT_GUARD_PER_HOUR,
    DEFAULT_GUARD_REPEAT_WINDOW,
    DEFAULT_LOW_CREDIT_THRESHOLD,
    DEFAULT_MAX_SEGMENTS,
    DEFAULT_MONTHLY_LIMIT,
    DEFAULT_OUTBOX_HORIZON,
    DEFAULT_QUEUE_FAILED_SENDS,
    DEFAULT_REPLY_ALLOWED,
    DEFAULT_REPLY_POLL_INTERVAL,
    DEFAULT_STOP,
    MAX_ASSIST_MESSAGES,
    MAX_GUARD_PER_HOUR,
    MAX_GUARD_REPEAT_WINDOW,
    MAX_OUTBOX_HORIZON,
    MAX_REPLY_POLL_INTERVAL,
    MIN_BALANCE_INTERVAL_MINUTES,
    STOP_OPTIONS,
    EncodingPolicy,
)


def _count(maximum: int | None = None, unit: str | None = None) -> vol.All:
    """Return a whole number from 0, typed in a box."""
    config = NumberSelectorConfig(min=0, step=1, mode=NumberSelectorMode.BOX)
    if maximum is not None:
        config["max"] = maximum
    if unit is not None:
        config["unit_of_measurement"] = unit
    return vol.All(NumberSelector(config), vol.Coerce(int))


# Every option, stored flat under its own key (entries saved before the form had
# sections keep working); the form groups them (SECTIONS).
OPTION_FIELDS: Final[dict[vol.Marker, Any]] = {
    # A suggested value, not a default: emptying the field removes the sender.
    vol.Optional(CONF_SENDER): TextSelector(),
    vol.Optional(CONF_STOP, default=DEFAULT_STOP): SelectSelector(
        SelectSelectorConfig(
            options=list(STOP_OPTIONS),
            mode=SelectSelectorMode.LIST,
            translation_key=CONF_STOP,
        )
    ),
    vol.Optional(CONF_REPLY_ALLOWED, default=DEFAULT_REPLY_ALLOWED): BooleanSelector(),
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
    # Spend control: budgets in SMS parts (0: none), quiet hours, runaway guard.
    vol.Optional(CONF_DAILY_LIMIT, default=DEFAULT_DAILY_LIMIT): _count(),
    vol.Optional(CONF_MONTHLY_LIMIT, default=DEFAULT_MONTHLY_LIMIT): _count(),
    vol.Optional(CONF_QUIET_START): TimeSelector(),
    vol.Optional(CONF_QUIET_END): TimeSelector(),
    vol.Optional(CONF_GUARD_PER_HOUR, default=DEFAULT_GUARD_PER_HOUR): _count(
        MAX_GUARD_PER_HOUR
    ),
    vol.Optional(CONF_GUARD_REPEAT_WINDOW, default=DEFAULT_GUARD_REPEAT_WINDOW): _count(
        MAX_GUARD_REPEAT_WINDOW, UnitOfTime.SECONDS
    ),
    # Assist by SMS: how many messages one number may send, per hour and per day.
    **{
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
    },
}

# The form's collapsible sections, in order, and the options each holds. A new
# group of options is one more line here (and its translations).
SECTIONS: Final = {
    "sending": (
        CONF_SENDER,
        CONF_STOP,
        CONF_REPLY_ALLOWED,
        CONF_MAX_SEGMENTS,
        CONF_ENCODING_POLICY,
    ),
    "reports": (CONF_DELIVERY_REPORTS, CONF_REPLY_POLL_INTERVAL),
    "outbox": (CONF_QUEUE_FAILED_SENDS, CONF_OUTBOX_HORIZON),
    "balance": (CONF_BALANCE_INTERVAL, CONF_LOW_CREDIT_THRESHOLD),
    "budgets": (CONF_DAILY_LIMIT, CONF_MONTHLY_LIMIT),
    "quiet_hours": (CONF_QUIET_START, CONF_QUIET_END),
    "guard": (CONF_GUARD_PER_HOUR, CONF_GUARD_REPEAT_WINDOW),
    "assist": (CONF_ASSIST_HOURLY_LIMIT, CONF_ASSIST_DAILY_CAP),
}
_FIELD_BY_KEY: Final = {str(marker): marker for marker in OPTION_FIELDS}
OPTIONS_SCHEMA: Final = vol.Schema(
    {
        vol.Required(name): section(
            vol.Schema(
                {_FIELD_BY_KEY[key]: OPTION_FIELDS[_FIELD_BY_KEY[key]] for key in keys}
            ),
            {"collapsed": name != "sending"},
        )
        for name, keys in SECTIONS.items()
    }
)


def unflatten(options: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Group stored (flat) options by section, as the form shows them."""
    return {
        name: {key: options[key] for key in keys if key in options}
        for name, keys in SECTIONS.items()
    }


def flatten(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Turn the form's sections back into flat options, as they are stored."""
    return {
        key: value
        for name in SECTIONS
        for key, value in user_input.get(name, {}).items()
    }


def _options_errors(options: Mapping[str, Any]) -> dict[str, str]:
    """Check the custom sender, alone and with replies allowed.

    Replies need smsmode's short number as the sender, so a custom sender and
    replies cannot go together. Errors are the form's (base): a field's own
    error would not show inside a collapsed section.
    """
    if (sender := options.get(CONF_SENDER)) is None:
        return {}
    try:
        validate_sender(sender)
    except SmsmodeInvalidSenderError:
        return {"base": "invalid_sender"}
    if options[CONF_REPLY_ALLOWED]:
        return {"base": "sender_with_reply"}
    return {}


class SmsmodeOptionsFlow(OptionsFlow):
    """Sending defaults, balance and reply polling.

    Not an OptionsFlowWithReload: the entry's update listener, which reloads
    for recipients too, reloads it for changed options.
    """

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show every option, by section; refuse what smsmode would refuse."""
        errors: dict[str, str] = {}
        if user_input is not None:
            options = flatten(user_input)
            errors = _options_errors(options)
            if not errors:
                return self.async_create_entry(data=options)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA, user_input or unflatten(self.config_entry.options)
            ),
            errors=errors,
        )
