"""The callback URL: cloudhook when Home Assistant Cloud is active, else external.

Never an internal URL: smsmode calls from the internet.
"""

from types import SimpleNamespace
from unittest.mock import AsyncMock

from homeassistant.components import webhook as ha_webhook
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.const import CONF_CLOUDHOOK_URL, DOMAIN
from custom_components.smsmode.webhook import async_callback_url
from smsmode_simulator import Simulator

from .conftest import CLOUDHOOK, CloudNotAvailable


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
    assert async_callback_url(hass, config_entry.data) == CLOUDHOOK
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


async def test_cloud_failing_the_setup_leaves_no_webhook(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_cloud: SimpleNamespace,
    webhook_id: str,
) -> None:
    """A setup that Cloud fails registers no webhook: the next setup's is free."""
    fake_cloud.async_create_cloudhook.side_effect = RuntimeError("Cloud is down")
    config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR

    fake_cloud.async_create_cloudhook.side_effect = None
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.data[CONF_CLOUDHOOK_URL] == CLOUDHOOK
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    # Unregistered: registering the id again is allowed.
    ha_webhook.async_register(hass, DOMAIN, "test", webhook_id, AsyncMock())


async def test_cloudhook_unused_once_cloud_is_gone(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_cloud: SimpleNamespace,
    webhook_id: str,
) -> None:
    """Logged out or unsubscribed, the cloudhook leads nowhere: not used.

    The external URL takes over; without one, sends go without a callback URL
    (and reports are polled) rather than with a dead one.
    """
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    assert async_callback_url(hass, config_entry.data) == CLOUDHOOK
    fake_cloud.async_active_subscription = lambda hass: False
    assert async_callback_url(hass, config_entry.data) is None
    await async_process_ha_core_config(hass, {"external_url": "https://home.example"})
    assert async_callback_url(hass, config_entry.data) == (
        f"https://home.example{ha_webhook.async_generate_path(webhook_id)}"
    )
    hass.config.components.remove("cloud")
    fake_cloud.async_active_subscription = lambda hass: True
    assert async_callback_url(hass, config_entry.data) != CLOUDHOOK


async def test_callback_url_needs_an_external_url(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_id: str
) -> None:
    """Only an external URL reaches smsmode: an internal one is never offered."""
    assert async_callback_url(hass, loaded_entry.data) is None
    await async_process_ha_core_config(
        hass, {"internal_url": "http://192.168.1.2:8123"}
    )
    assert async_callback_url(hass, loaded_entry.data) is None
    await async_process_ha_core_config(hass, {"external_url": "https://home.example"})
    assert async_callback_url(hass, loaded_entry.data) == (
        f"https://home.example{ha_webhook.async_generate_path(webhook_id)}"
    )


async def test_flow_with_only_an_internal_url_says_there_is_none(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """The creation message never shows a LAN URL smsmode could not call."""
    await async_process_ha_core_config(
        hass, {"internal_url": "http://192.168.1.2:8123"}
    )
    result = await _create_entry(hass, smsmode_simulator)
    assert result["description"] == "no_url"
    assert CONF_CLOUDHOOK_URL not in result["data"]


async def test_flow_with_cloud_shows_the_cloudhook(
    hass: HomeAssistant, smsmode_simulator: Simulator, fake_cloud: SimpleNamespace
) -> None:
    """With Cloud, the flow makes the cloudhook and shows it; setup keeps it."""
    await async_process_ha_core_config(hass, {"external_url": "https://home.example"})
    result = await _create_entry(hass, smsmode_simulator)
    webhook_id = result["data"][CONF_WEBHOOK_ID]
    fake_cloud.async_create_cloudhook.assert_awaited_once_with(hass, webhook_id)
    assert result["data"][CONF_CLOUDHOOK_URL] == CLOUDHOOK
    assert result["description_placeholders"] == {"webhook_url": CLOUDHOOK}
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert fake_cloud.async_create_cloudhook.await_count == 1


async def _create_entry(hass: HomeAssistant, simulator: Simulator) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: simulator.api_key, CONF_URL: simulator.url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    return result
