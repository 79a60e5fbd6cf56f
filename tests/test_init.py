"""Setting an account up and down: key check, retries, unload, removal."""

from types import MappingProxyType

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.const import DOMAIN
from smsmode_simulator import Fault, Simulator


async def test_setup_makes_one_balance_call(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Setup checks the key with a single request and creates the service device."""
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert [r.endpoint for r in smsmode_simulator.requests] == ["credit.do"]
    devices = dr.async_entries_for_config_entry(
        dr.async_get(hass), loaded_entry.entry_id
    )
    assert [device.identifiers for device in devices] == [
        {(DOMAIN, loaded_entry.entry_id)}
    ]
    assert devices[0].entry_type is dr.DeviceEntryType.SERVICE


async def test_setup_rejected_key_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Code 32 at setup fails the entry and starts the reauth flow."""
    smsmode_simulator.add_fault("credit.do", Fault.code(32))
    config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_setup_unreachable_is_retried(
    hass: HomeAssistant, config_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """An HTTP 500 or code 50 leaves the entry for core to retry."""
    smsmode_simulator.add_fault("credit.do", Fault.http_error(500))
    config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert config_entry.reason is not None
    assert smsmode_simulator.api_key not in config_entry.reason


async def test_unload_and_reload(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Unload removes the notify service; a reload brings everything back."""
    assert hass.services.has_service("notify", DOMAIN)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert not hass.services.has_service("notify", DOMAIN)
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.services.has_service("notify", DOMAIN)


async def test_remove_clears_issues(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Removing the entry clears its repair issues."""
    smsmode_simulator.balance = 1.0
    await loaded_entry.runtime_data.coordinator.async_refresh()
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, f"low_credit_{loaded_entry.entry_id}")
    assert await hass.config_entries.async_remove(loaded_entry.entry_id)
    assert not registry.async_get_issue(DOMAIN, f"low_credit_{loaded_entry.entry_id}")


async def test_recipients_added_or_removed_reload_the_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """A recipient added or removed reloads the entry once; other changes do not.

    The reload adds or drops the recipient's notify entity; a title change reads
    no balance again.
    """
    alice = ConfigSubentry(
        data=MappingProxyType({"name": "Alice", "number": "33612345678"}),
        subentry_type="recipient",
        title="Alice",
        unique_id="33612345678",
    )
    hass.config_entries.async_add_subentry(loaded_entry, alice)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert len(hass.states.async_entity_ids("notify")) == 1
    setups = len(smsmode_simulator.requests_to("credit.do"))
    # Set up once, then once again for the reload: one balance read each.
    assert setups == 2

    hass.config_entries.async_update_entry(loaded_entry, title="Maison")
    await hass.async_block_till_done()
    assert len(smsmode_simulator.requests_to("credit.do")) == setups

    hass.config_entries.async_remove_subentry(loaded_entry, alice.subentry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.async_entity_ids("notify") == []
    assert len(smsmode_simulator.requests_to("credit.do")) == setups + 1
