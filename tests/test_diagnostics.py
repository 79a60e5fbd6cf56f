"""Diagnostics: useful, with the key, webhook id and phone numbers hidden."""

import logging
from types import MappingProxyType

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from smsmode_simulator import Simulator


async def test_diagnostics_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    webhook_id: str,
    snapshot: SnapshotAssertion,
) -> None:
    """Secrets and numbers never reach a diagnostics download."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_add_subentry(
        config_entry,
        ConfigSubentry(
            data=MappingProxyType({"name": "Alice", "number": "33612345678"}),
            subentry_type="recipient",
            title="Alice",
            unique_id="33612345678",
        ),
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    result = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)
    text = repr(result)
    for secret in (smsmode_simulator.api_key, webhook_id, "33612345678", "Alice"):
        assert secret not in text
    # The simulator's URL carries a random port: checked below, not snapshotted.
    assert result == snapshot(exclude=props("url"))
    assert result["balance"] == smsmode_simulator.balance
    assert result["last_update_success"] is True
    assert result["data"] == {
        "api_key": "**REDACTED**",
        "url": smsmode_simulator.url,
        "webhook_id": "**REDACTED**",
    }
    assert result["recipients"] == [
        {
            "subentry_type": "recipient",
            "data": {"name": "**REDACTED**", "number": "**REDACTED**"},
        }
    ]


async def test_diagnostics_drop_url_credentials(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    smsmode_simulator: Simulator,
    webhook_id: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A proxy's user:password in the API URL stays out of diagnostics and logs."""
    caplog.set_level(logging.DEBUG, logger="custom_components.smsmode")
    url = smsmode_simulator.url.replace("http://", "http://proxyuser:pr0xy-pass@")
    entry = MockConfigEntry(
        domain="smsmode",
        title="smsmode",
        data={
            "api_key": smsmode_simulator.api_key,
            "url": url,
            "webhook_id": webhook_id,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert result["data"]["url"] == smsmode_simulator.url
    assert "pr0xy-pass" not in repr(result)
    assert "proxyuser" not in repr(result)
    assert "POST http://127.0.0.1" in caplog.text
    assert "pr0xy-pass" not in caplog.text


async def test_diagnostics_while_smsmode_was_never_reached(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
) -> None:
    """Set up with smsmode down: no balance, the failed read, the SMS waiting."""
    await smsmode_simulator.stop()
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call(
        "notify",
        "smsmode",
        {"message": "Server down", "target": ["33612345678"]},
        blocking=True,
    )
    result = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)
    assert result["balance"] is None
    assert result["last_update_success"] is False
    assert result["outbox_length"] == 1
