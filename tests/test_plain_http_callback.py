"""The repair issue for a callback URL in plain `http://` (webhook id in clear)."""

from types import SimpleNamespace

from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.const import DOMAIN
from custom_components.smsmode.request import SmsRequest
from smsmode_simulator import Simulator

from .sending_helpers import (
    ALICE,
    EXTERNAL_URL,
    WEBHOOK_ID,
    async_send_sms,
    async_setup_account,
    sent,
)

PLAIN_URL = "http://home.example.net:8123"


def _issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"callback_url_not_https_{entry.entry_id}"
    )


async def _send(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Send a reply-allowed SMS: the URL is checked again on every send."""
    await async_send_sms(
        hass,
        entry,
        SmsRequest(message="Bonjour", recipients=[ALICE[1]], reply_allowed=True),
    )


async def test_plain_http_callback_raises_the_issue(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Raised at setup, still sent (the issue warns), cleared once HTTPS is set."""
    await async_process_ha_core_config(hass, {"external_url": PLAIN_URL})
    entry = await async_setup_account(hass, smsmode_simulator)
    issue = _issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "callback_url_not_https"
    assert issue.severity is ir.IssueSeverity.WARNING
    # The URL holds the secret id: the issue does not show it.
    assert WEBHOOK_ID not in str(issue.translation_placeholders)

    await _send(hass, entry)
    params = sent(smsmode_simulator)[-1]
    assert params["notification_url"] == f"{PLAIN_URL}/api/webhook/{WEBHOOK_ID}"
    assert _issue(hass, entry) is not None

    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    await _send(hass, entry)
    assert sent(smsmode_simulator)[-1]["notification_url"].startswith("https://")
    assert _issue(hass, entry) is None


async def test_no_url_is_not_plain_http(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Without any URL nothing travels: only the no-URL issue stands."""
    entry = await async_setup_account(hass, smsmode_simulator)
    assert _issue(hass, entry) is None
    await async_process_ha_core_config(hass, {"external_url": PLAIN_URL})
    assert await hass.config_entries.async_reload(entry.entry_id)
    assert _issue(hass, entry) is not None
    hass.config.external_url = None
    assert await hass.config_entries.async_reload(entry.entry_id)
    assert _issue(hass, entry) is None


async def test_cloudhook_is_https(
    hass: HomeAssistant, smsmode_simulator: Simulator, fake_cloud: SimpleNamespace
) -> None:
    """A subscribed Cloud's cloudhook wins over a plain external URL: no issue."""
    await async_process_ha_core_config(hass, {"external_url": PLAIN_URL})
    entry = await async_setup_account(hass, smsmode_simulator)
    assert entry.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert _issue(hass, entry) is None
    fake_cloud.async_active_subscription = lambda hass: False
    await _send(hass, entry)
    assert _issue(hass, entry) is not None


async def test_removed_entry_takes_its_issue(
    hass: HomeAssistant, smsmode_simulator: Simulator
) -> None:
    """Removing the account clears the issue with the others."""
    await async_process_ha_core_config(hass, {"external_url": PLAIN_URL})
    entry = await async_setup_account(hass, smsmode_simulator)
    assert _issue(hass, entry) is not None
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert _issue(hass, entry) is None
