"""What an smsmode error means for the account, wherever it happens.

The one place where a client error changes the account's state: 32 (the key is
refused) starts the reauth flow, 33 (no credits) raises the out-of-credit repair
issue and tells the coordinator. Translating the error for the user is apart
(errors.py) and changes nothing.
"""

from homeassistant.core import HomeAssistant, callback

from .api import (
    SmsmodeAuthenticationError,
    SmsmodeError,
    SmsmodeInsufficientCreditsError,
)
from .coordinator import SmsmodeBalanceCoordinator, SmsmodeConfigEntry
from .issues import async_set_insufficient_credits


@callback
def async_react(
    hass: HomeAssistant,
    entry: SmsmodeConfigEntry,
    coordinator: SmsmodeBalanceCoordinator,
    err: SmsmodeError,
) -> None:
    """Apply what `err` means for the account (nothing for most errors)."""
    if isinstance(err, SmsmodeAuthenticationError):
        entry.async_start_reauth(hass)
    elif isinstance(err, SmsmodeInsufficientCreditsError):
        async_set_insufficient_credits(hass, entry)
        coordinator.async_credits_refused()
