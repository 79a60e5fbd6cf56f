"""The callback URL: cloudhook when Home Assistant Cloud is active, else external."""

from types import SimpleNamespace
from unittest.mock import AsyncMock

import homeassistant.components
from homeassistant.components import webhook as ha_webhook
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.const import CONF_CLOUDHOOK_URL
from custom_components.smsmode.webhook import async_callback_url, async_display_url

CLOUDHOOK = "https://hooks.nabu.casa/abc"


class CloudNotAvailable(Exception):  # noqa: N818 (the name of the real one)
    """Stands in for homeassistant.components.cloud.CloudNotAvailable."""


@pytest.fixture
def fake_cloud(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Home Assistant Cloud, loaded and subscribed (its real module needs extras)."""
    cloud = SimpleNamespace(
        CloudNotAvailable=CloudNotAvailable,
        async_active_subscription=lambda hass: True,
        async_create_cloudhook=AsyncMock(return_value=CLOUDHOOK),
        async_delete_cloudhook=AsyncMock(),
    )
    monkeypatch.setattr(homeassistant.components, "cloud", cloud, raising=False)
    hass.config.components.add("cloud")
    return cloud


async def test_cloudhook_made_used_and_deleted(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_cloud: SimpleNamespace,
    webhook_id: str,
) -> None:
    """With Cloud, setup makes a cloudhook once; removal deletes it."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    fake_cloud.async_create_cloudhook.assert_awaited_once_with(hass, webhook_id)
    assert config_entry.data[CONF_CLOUDHOOK_URL] == CLOUDHOOK
    assert async_callback_url(hass, config_entry) == CLOUDHOOK
    await hass.config_entries.async_reload(config_entry.entry_id)
    assert fake_cloud.async_create_cloudhook.await_count == 1
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    fake_cloud.async_delete_cloudhook.assert_awaited_once_with(hass, webhook_id)


async def test_cloud_unavailable_is_not_fatal(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_cloud: SimpleNamespace
) -> None:
    """A disconnected Cloud leaves the entry without cloudhook, set up all the same."""
    fake_cloud.async_create_cloudhook.side_effect = CloudNotAvailable
    fake_cloud.async_delete_cloudhook.side_effect = CloudNotAvailable
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    assert CONF_CLOUDHOOK_URL not in config_entry.data
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, CONF_CLOUDHOOK_URL: CLOUDHOOK}
    )
    assert await hass.config_entries.async_remove(config_entry.entry_id)


async def test_callback_url_needs_an_external_url(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_id: str
) -> None:
    """Only an external URL reaches smsmode; the internal one is for display."""
    await async_process_ha_core_config(
        hass, {"internal_url": "http://192.168.1.2:8123"}
    )
    assert async_callback_url(hass, loaded_entry) is None
    assert async_display_url(hass, webhook_id) == (
        f"http://192.168.1.2:8123{ha_webhook.async_generate_path(webhook_id)}"
    )
    await async_process_ha_core_config(hass, {"external_url": "https://home.example"})
    assert async_callback_url(hass, loaded_entry) == (
        f"https://home.example/api/webhook/{webhook_id}"
    )


async def test_display_url_without_any_url(
    hass: HomeAssistant, webhook_id: str
) -> None:
    """No URL at all gives None, for the config flow to say so."""
    assert async_display_url(hass, webhook_id) is None
