"""Fixtures shared by every test."""

import hashlib

from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.const import DOMAIN
from smsmode_simulator import Simulator

pytest_plugins = ["smsmode_simulator.pytest_plugin"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/smsmode in every test."""


@pytest.fixture
def webhook_id() -> str:
    """Return the webhook id of the test entry (a secret in real life)."""
    return "0123456789abcdef0123456789abcdef"


@pytest.fixture
def config_entry(smsmode_simulator: Simulator, webhook_id: str) -> MockConfigEntry:
    """Return an smsmode entry pointing at the local simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="smsmode",
        unique_id=hashlib.sha256(smsmode_simulator.api_key.encode()).hexdigest(),
        data={
            CONF_API_KEY: smsmode_simulator.api_key,
            CONF_URL: smsmode_simulator.url,
            CONF_WEBHOOK_ID: webhook_id,
        },
    )


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Return the test entry, set up against the simulator."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry
