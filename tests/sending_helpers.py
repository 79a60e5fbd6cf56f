"""Helpers shared by the sending, notify and services tests."""

from collections.abc import Iterable, Mapping
from datetime import timedelta
import hashlib
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.smsmode.api import BatchMessage, SendResult
from custom_components.smsmode.const import (
    CONF_GUARD_REPEAT_WINDOW,
    CONF_NUMBER,
    DOMAIN,
    SUBENTRY_TYPE_RECIPIENT,
)
from custom_components.smsmode.outbox_store import QueuedSms
from custom_components.smsmode.request import SmsRequest
from smsmode_simulator import Simulator

ALICE = ("Alice", "33612345678")
BOB = ("Bob", "33698765432")
WEBHOOK_ID = "0123456789abcdef0123456789abcdef"
EXTERNAL_URL = "https://example.com"
CALLBACK_URL = f"{EXTERNAL_URL}/api/webhook/{WEBHOOK_ID}"


def recipient(name: str, number: str) -> ConfigSubentryData:
    """Build a recipient subentry as the config flow stores it."""
    return ConfigSubentryData(
        data={"name": name, CONF_NUMBER: number},
        subentry_type=SUBENTRY_TYPE_RECIPIENT,
        title=name,
        unique_id=number,
    )


def make_entry(
    simulator: Simulator,
    *,
    title: str = "smsmode",
    options: Mapping[str, Any] | None = None,
    recipients: Iterable[tuple[str, str]] = (),
    extra: Iterable[ConfigSubentryData] = (),
    webhook_id: str = WEBHOOK_ID,
) -> MockConfigEntry:
    """Build an smsmode entry on the simulator, with options and subentries.

    The runaway guard's repeat rule is off unless the options set it: tests
    send the same text to the same number over and over, on purpose.
    """
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=hashlib.sha256(f"{title}{webhook_id}".encode()).hexdigest()[:16],
        data={
            CONF_API_KEY: simulator.api_key,
            CONF_URL: simulator.url,
            CONF_WEBHOOK_ID: webhook_id,
        },
        options={CONF_GUARD_REPEAT_WINDOW: 0, **(options or {})},
        subentries_data=[
            *(recipient(name, number) for name, number in recipients),
            *extra,
        ],
    )


async def async_setup_account(
    hass: HomeAssistant,
    simulator: Simulator,
    **kwargs: Any,
) -> MockConfigEntry:
    """Add an entry (see `make_entry`) and set it up for real."""
    entry = make_entry(simulator, **kwargs)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def async_send_sms(
    hass: HomeAssistant, entry: MockConfigEntry, request: SmsRequest
) -> SendResult | QueuedSms:
    """Send through the account's sender, as notify and the services do."""
    outcome = await entry.runtime_data.sender.async_send_sms(request)
    assert outcome.result is not None, "suppressed by the runaway guard"
    return outcome.result


async def async_send_batch(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    rows: list[BatchMessage],
    **kwargs: Any,
) -> SendResult:
    """Send a batch through the account's sender."""
    return await entry.runtime_data.sender.async_send_batch(rows, **kwargs)


def sent(simulator: Simulator, endpoint: str = "sendSMS.do") -> list[dict[str, str]]:
    """Return the decoded parameters of every request made to one endpoint."""
    return [request.params for request in simulator.requests_to(endpoint)]


def balance_reads(simulator: Simulator) -> int:
    """Count the balance reads."""
    return len(simulator.requests_to("credit.do"))


async def async_step_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Move frozen time on and let every timer due by then run to its end."""
    freezer.tick(delta)
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done(wait_background_tasks=True)
