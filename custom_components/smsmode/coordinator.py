"""The account's runtime data and the coordinator that keeps its balance."""

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import SmsModeAuthenticationError, SmsModeClient, SmsModeError
from .const import (
    CONF_BALANCE_INTERVAL,
    CONF_LOW_CREDIT_THRESHOLD,
    DEFAULT_BALANCE_INTERVAL,
    DEFAULT_LOW_CREDIT_THRESHOLD,
    DOMAIN,
    LOGGER,
)
from .issues import async_clear_low_credit, async_set_low_credit

if TYPE_CHECKING:
    # Both modules use SmsmodeConfigEntry, defined here.
    from .events import SmsmodeInbox
    from .reply_poller import SmsmodeReplyPoller

type SmsmodeConfigEntry = ConfigEntry[SmsmodeRuntimeData]


@dataclass
class SmsmodeRuntimeData:
    """What one loaded smsmode account holds while Home Assistant runs."""

    client: SmsModeClient
    coordinator: SmsmodeBalanceCoordinator
    inbox: SmsmodeInbox
    reply_poller: SmsmodeReplyPoller


class SmsmodeBalanceCoordinator(DataUpdateCoordinator[float]):
    """Polls the account balance (credits), and raises the low-credit issue.

    Sends refresh it right away (`async_request_refresh`), so the polling
    interval only matters for credits spent or bought outside Home Assistant.
    """

    config_entry: SmsmodeConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: SmsmodeConfigEntry, client: SmsModeClient
    ) -> None:
        """Poll on the interval chosen in the options (minutes)."""
        minutes = entry.options.get(CONF_BALANCE_INTERVAL)
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} balance",
            update_interval=(
                timedelta(minutes=minutes) if minutes else DEFAULT_BALANCE_INTERVAL
            ),
        )
        self.client = client

    async def _async_update_data(self) -> float:
        try:
            balance = await self.client.get_balance()
        except SmsModeAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except SmsModeError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="balance_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        threshold = self.config_entry.options.get(
            CONF_LOW_CREDIT_THRESHOLD, DEFAULT_LOW_CREDIT_THRESHOLD
        )
        if balance < threshold:
            async_set_low_credit(self.hass, self.config_entry, balance)
        else:
            async_clear_low_credit(self.hass, self.config_entry)
        return balance
