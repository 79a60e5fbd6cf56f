"""The account's runtime data and the coordinator that keeps its balance."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import service
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    SmsmodeAuthenticationError,
    SmsmodeClient,
    SmsmodeError,
    SmsmodeRateLimitError,
)
from .const import (
    CONF_BALANCE_INTERVAL,
    CONF_LOW_CREDIT_THRESHOLD,
    DEFAULT_BALANCE_INTERVAL,
    DEFAULT_LOW_CREDIT_THRESHOLD,
    DOMAIN,
    LOGGER,
)
from .issues import (
    async_clear_insufficient_credits,
    async_clear_low_credit,
    async_set_low_credit,
    has_insufficient_credits,
)
from .refusals import CallbackRefusals

if TYPE_CHECKING:
    # These modules use SmsmodeConfigEntry, defined here.
    from .assist import SmsmodeAssist
    from .escalation import SmsmodeEscalation
    from .inbox import SmsmodeInbox
    from .notify import SmsmodeNotificationService
    from .outbox import SmsmodeOutbox
    from .reply_confirmation import SmsmodeReplyConfirmer
    from .reply_poller import SmsmodeReplyPoller
    from .report_confirmation import SmsmodeReportConfirmer
    from .report_poller import SmsmodeReportPoller
    from .sender import SmsmodeSender
    from .sent_memory import SmsmodeSentMemory

type SmsmodeConfigEntry = ConfigEntry[SmsmodeRuntimeData]

# Until the balance has been read once (smsmode out of reach at setup), it is
# read again this soon rather than on the polling interval: the sensor comes
# back within a minute of the link.
FIRST_READ_RETRY: Final = timedelta(minutes=1)


@dataclass
class SmsmodeRuntimeData:
    """What one loaded smsmode account holds while Home Assistant runs."""

    client: SmsmodeClient
    coordinator: SmsmodeBalanceCoordinator
    inbox: SmsmodeInbox
    # What was sent: callbacks about it are believed, replies linked to it.
    sent_memory: SmsmodeSentMemory
    reply_poller: SmsmodeReplyPoller
    report_poller: SmsmodeReportPoller
    # Callbacks this account cannot vouch for wait there for smsmode's word.
    reply_confirmer: SmsmodeReplyConfirmer
    report_confirmer: SmsmodeReportConfirmer
    # Every send goes through it; the outbox is the sender's.
    sender: SmsmodeSender
    outbox: SmsmodeOutbox
    # The webhook id registered at setup, unregistered at unload whatever the
    # entry's data holds by then (a reconfigure may have renewed it).
    webhook_id: str
    # Assist by SMS: answers recipients who text Home Assistant.
    assist: SmsmodeAssist
    # Escalating alerts: steps until someone acknowledges.
    escalation: SmsmodeEscalation
    # `notify.smsmode…`, handed to the notify component by discovery.
    legacy_notify: SmsmodeNotificationService | None = None
    # Callbacks the webhook refused (diagnostics, warnings, repair issue).
    callback_refusals: CallbackRefusals = field(default_factory=CallbackRefusals)


@callback
def loaded_entry(hass: HomeAssistant, entry_id: str) -> SmsmodeConfigEntry:
    """Return the loaded smsmode entry an action names.

    Home Assistant's own lookup raises its translated errors (unknown entry,
    entry not loaded), so every action refuses a bad id the same way.
    """
    entry: SmsmodeConfigEntry = service.async_get_config_entry(hass, DOMAIN, entry_id)
    return entry


class SmsmodeBalanceCoordinator(DataUpdateCoordinator[float]):
    """Polls the account balance (credits), and raises the low-credit issue.

    Sends refresh it right away (`async_request_refresh`), so the polling
    interval only matters for credits spent or bought outside Home Assistant.
    Before the first read that works, it reads every `FIRST_READ_RETRY`.
    """

    config_entry: SmsmodeConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: SmsmodeConfigEntry, client: SmsmodeClient
    ) -> None:
        """Poll on the interval chosen in the options (minutes)."""
        minutes = entry.options.get(CONF_BALANCE_INTERVAL)
        self._interval = (
            timedelta(minutes=minutes) if minutes else DEFAULT_BALANCE_INTERVAL
        )
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} balance",
            update_interval=FIRST_READ_RETRY,
        )
        self.client = client
        # The balance when smsmode last refused a send for want of credits (33),
        # until credits are added or a send goes through.
        self._refused_at: float | None = None
        self._first_read = True

    async def async_setup_refresh(self) -> None:
        """Read the balance at setup; only a refused key fails the setup.

        Any other failure (smsmode unreachable, 5xx, 50, 429, a garbled answer)
        loads the account without its balance, said once in the log: the
        outbox must be there to keep the SMS sent while smsmode is out of reach
        (after a power cut the router may come up last), and the webhook to
        take its callbacks. Core's environment_canada does the same.
        """
        try:
            await self.async_config_entry_first_refresh()
        except ConfigEntryNotReady:
            LOGGER.warning(
                "smsmode could not be reached to set up %s (%s); the account is "
                "loaded anyway: SMS sent meanwhile wait in the outbox, and the "
                "balance is read again every minute (longer if smsmode asked to "
                "wait) until smsmode answers",
                self.config_entry.title,
                self.last_exception,
            )

    @callback
    def async_credits_refused(self) -> None:
        """Note a send refused for want of credits (the repair issue is raised).

        The issue stays until the balance rises above what it was then (credits
        were bought): a balance above the low-credit threshold may still be too
        little for the send that was refused.
        """
        self._refused_at = self.data if self.data is not None else 0.0

    @callback
    def async_send_accepted(self) -> None:
        """Clear the out-of-credit issue: a send went through, so credits are back."""
        self._refused_at = None
        async_clear_insufficient_credits(self.hass, self.config_entry)

    async def _async_update_data(self) -> float:
        try:
            balance = await self.client.get_balance()
        except SmsmodeAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except SmsmodeError as err:
            # On HTTP 429 the next read waits as long as smsmode asked.
            retry_after = (
                err.retry_after if isinstance(err, SmsmodeRateLimitError) else None
            )
            if self._first_read:
                # Core's first refresh ignores `retry_after` (a 429 at setup):
                # the interval waits as long instead.
                self.update_interval = max(
                    FIRST_READ_RETRY, timedelta(seconds=retry_after or 0)
                )
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="balance_failed",
                translation_placeholders={"error": str(err)},
                retry_after=retry_after,
            ) from err
        threshold = self.config_entry.options.get(
            CONF_LOW_CREDIT_THRESHOLD, DEFAULT_LOW_CREDIT_THRESHOLD
        )
        if balance < threshold:
            async_set_low_credit(self.hass, self.config_entry, balance)
        else:
            async_clear_low_credit(self.hass, self.config_entry)
        if self._first_read:
            self._first_read = False
            self.update_interval = self._interval
            # A reload keeps the out-of-credit issue but not what was noted:
            # credits added from now on clear it.
            if has_insufficient_credits(self.hass, self.config_entry):
                self._refused_at = balance
        elif self._refused_at is not None and balance > self._refused_at:
            self.async_send_accepted()
        return balance
