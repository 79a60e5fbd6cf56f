"""A new webhook URL from reconfigure, for a URL that leaked.

The account is really set up and reloaded; callbacks go through Home
Assistant's own `async_handle_webhook`, which answers 200 to an id no one
registered (to give nothing away) and hands a registered one to its handler.
"""

from types import SimpleNamespace
from unittest.mock import AsyncMock

from homeassistant.components import webhook as ha_webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util.aiohttp import MockRequest
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.const import CONF_CLOUDHOOK_URL, DOMAIN

from .conftest import CLOUDHOOK

EXTERNAL_URL = "https://ha.example.com"
NEW_CLOUDHOOK = "https://hooks.nabu.casa/new"


async def _garbage_status(hass: HomeAssistant, webhook_id: str) -> int:
    """Post what is no smsmode callback: our handler answers 400, no handler 200."""
    request = MockRequest(content=b"", mock_source="test", query_string="forged=1")
    response = await ha_webhook.async_handle_webhook(hass, webhook_id, request)
    return response.status


async def _renew(
    hass: HomeAssistant, entry: MockConfigEntry, *, renew: bool = True
) -> dict[str, object]:
    """Go through reconfigure, asking for a new webhook URL, and let it reload."""
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_URL: entry.data[CONF_URL], "new_webhook_url": renew},
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert entry.state is ConfigEntryState.LOADED
    return dict(result)


async def test_new_webhook_url_replaces_the_old_one(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_id: str
) -> None:
    """The old id answers nothing once the entry reloads; the new one does."""
    hass.config.external_url = EXTERNAL_URL
    assert await _garbage_status(hass, webhook_id) == 400

    result = await _renew(hass, loaded_entry)

    new_id = loaded_entry.data[CONF_WEBHOOK_ID]
    assert new_id != webhook_id
    assert result["reason"] == "webhook_url_renewed"
    assert "translation_domain" not in result  # this integration's text
    assert result["description_placeholders"] == {
        "webhook_url": f"{EXTERNAL_URL}/api/webhook/{new_id}"
    }
    assert await _garbage_status(hass, webhook_id) == 200  # nobody's
    assert await _garbage_status(hass, new_id) == 400  # ours, refused
    # The old id is free: registering it again is allowed.
    ha_webhook.async_register(hass, DOMAIN, "test", webhook_id, AsyncMock())

    # The new id is the one unregistered at the next unload.
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert await _garbage_status(hass, new_id) == 200


async def test_webhook_url_kept_unless_asked(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_id: str
) -> None:
    """Off by default: reconfigure keeps the URL smsmode already has."""
    result = await _renew(hass, loaded_entry, renew=False)
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data[CONF_WEBHOOK_ID] == webhook_id
    assert await _garbage_status(hass, webhook_id) == 400


async def test_new_webhook_url_without_any_url(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_id: str
) -> None:
    """With no URL to show, the closing message says where the new one will be."""
    result = await _renew(hass, loaded_entry)
    assert result["reason"] == "webhook_url_renewed_no_url"
    assert result["description_placeholders"] is None
    assert loaded_entry.data[CONF_WEBHOOK_ID] != webhook_id
    assert await _garbage_status(hass, webhook_id) == 200


@pytest.fixture
async def cloud_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_cloud: SimpleNamespace
) -> MockConfigEntry:
    """Return the loaded entry once reloaded with Cloud: it has its cloudhook."""
    await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.data[CONF_CLOUDHOOK_URL] == CLOUDHOOK
    return loaded_entry


async def test_new_webhook_url_replaces_the_cloudhook(
    hass: HomeAssistant,
    cloud_entry: MockConfigEntry,
    fake_cloud: SimpleNamespace,
    webhook_id: str,
) -> None:
    """With Cloud, the new id gets a new cloudhook, shown; the old one is deleted."""
    fake_cloud.async_create_cloudhook.return_value = NEW_CLOUDHOOK

    result = await _renew(hass, cloud_entry)

    new_id = cloud_entry.data[CONF_WEBHOOK_ID]
    fake_cloud.async_create_cloudhook.assert_awaited_with(hass, new_id)
    fake_cloud.async_delete_cloudhook.assert_awaited_once_with(hass, webhook_id)
    assert cloud_entry.data[CONF_CLOUDHOOK_URL] == NEW_CLOUDHOOK
    assert result["description_placeholders"] == {"webhook_url": NEW_CLOUDHOOK}
    # The reload found the new cloudhook stored: it made no third one.
    assert fake_cloud.async_create_cloudhook.await_count == 2
    assert await _garbage_status(hass, webhook_id) == 200
    assert await _garbage_status(hass, new_id) == 400


async def test_cloud_down_leaves_the_cloudhook_to_the_next_setup(
    hass: HomeAssistant,
    cloud_entry: MockConfigEntry,
    fake_cloud: SimpleNamespace,
    webhook_id: str,
) -> None:
    """A disconnected Cloud: no cloudhook yet, none pointing at the old id kept."""
    cloud_down = fake_cloud.CloudNotAvailable
    fake_cloud.async_create_cloudhook.side_effect = cloud_down
    fake_cloud.async_delete_cloudhook.side_effect = cloud_down

    result = await _renew(hass, cloud_entry)

    assert CONF_CLOUDHOOK_URL not in cloud_entry.data
    assert result["reason"] == "webhook_url_renewed_no_url"
    assert await _garbage_status(hass, webhook_id) == 200
