"""Every smsmode client error as the translated exception a user sees.

Shared by the sender, notify and services so each failure reads the same
wherever it happens. `ha_error` only maps; what an error does to the account
(reauth, repair issues) is reactions.py's, and `translate_errors` does both.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    Encoding,
    SmsmodeApiError,
    SmsmodeAuthenticationError,
    SmsmodeBatchRowError,
    SmsmodeConnectionError,
    SmsmodeEncodingError,
    SmsmodeError,
    SmsmodeInsufficientCreditsError,
    SmsmodeInternalError,
    SmsmodeInvalidNumberError,
    SmsmodeInvalidParameterError,
    SmsmodeMessageTooLongError,
    SmsmodeRateLimitError,
    SmsmodeValidationError,
)
from .const import DOMAIN
from .coordinator import SmsmodeBalanceCoordinator, SmsmodeConfigEntry
from .reactions import async_react

# Validation reasons of the client that have their own translated message.
VALIDATION_KEYS: Final = frozenset(
    {
        "ambiguous_datetime",
        "empty_message",
        "invalid_amount",
        "invalid_language",
        "invalid_max_segments",
        "invalid_range",
        "invalid_recipients",
        "invalid_ref_client",
        "invalid_sender",
        "naive_datetime",
        "past_datetime",
        "sender_with_reply",
    }
)


@contextmanager
def translate_errors(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    coordinator: SmsmodeBalanceCoordinator | None = None,
) -> Iterator[None]:
    """Turn any `SmsmodeError` raised in the block into a translated HA exception.

    The account reacts first (reactions.py): 32 starts the reauth flow, 33
    raises the out-of-credit repair issue. Without a `coordinator`, the loaded
    entry's; the sender passes its own (a send may end after the unload).
    """
    try:
        yield
    except SmsmodeError as err:
        async_react(hass, entry, coordinator or entry.runtime_data.coordinator, err)
        raise ha_error(err) from err


def ha_error(err: SmsmodeError) -> HomeAssistantError:
    """Return the exception a user sees for one client error; nothing else."""
    placeholders = {"error": err.description}
    if isinstance(err, SmsmodeValidationError):
        key = err.reason if err.reason in VALIDATION_KEYS else "invalid_request"
        if isinstance(err, SmsmodeInvalidNumberError):
            key = "invalid_number"
            placeholders["numbers"] = ", ".join(err.numbers)
        elif isinstance(err, SmsmodeMessageTooLongError):
            key = "message_too_long"
            placeholders |= {
                "units": str(err.units),
                "segments": str(err.segments),
                "max_segments": str(err.max_segments),
                "encoding": "GSM" if err.encoding == Encoding.GSM7 else "Unicode",
            }
        elif isinstance(err, SmsmodeEncodingError):
            key = err.reason
            placeholders["characters"] = " ".join(repr(c) for c in err.characters)
        elif isinstance(err, SmsmodeBatchRowError):
            key = err.reason
            placeholders["row"] = str(err.row)
        return _error(ServiceValidationError, key, placeholders)
    if isinstance(err, SmsmodeConnectionError):
        key = (
            "connection_error_may_have_been_sent"
            if err.may_have_been_sent
            else "connection_error_not_sent"
        )
        return _error(HomeAssistantError, key, placeholders)
    if isinstance(err, SmsmodeRateLimitError):
        return _error(HomeAssistantError, "rate_limited", placeholders)
    if not isinstance(err, SmsmodeApiError):
        return _error(HomeAssistantError, "unexpected_response", placeholders)
    placeholders["code"] = str(err.code)
    if isinstance(err, SmsmodeAuthenticationError):
        return _error(HomeAssistantError, "authentication_failed", placeholders)
    if isinstance(err, SmsmodeInsufficientCreditsError):
        return _error(HomeAssistantError, "insufficient_credits", placeholders)
    if isinstance(err, SmsmodeInvalidParameterError):
        return _error(ServiceValidationError, "invalid_parameter", placeholders)
    if isinstance(err, SmsmodeInternalError):
        # Nothing says what smsmode did before failing (see outgoing.py).
        return _error(HomeAssistantError, "internal_error", placeholders)
    return _error(HomeAssistantError, "api_error", placeholders)


def _error(
    kind: type[HomeAssistantError], key: str, placeholders: dict[str, str]
) -> HomeAssistantError:
    return kind(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )
