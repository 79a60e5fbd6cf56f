"""The balance sensor and the low-credit repair issue."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.smsmode.const import CONF_BALANCE_INTERVAL, DOMAIN
from smsmode_simulator import Fault, Simulator

from .sending_helpers import async_step_time

BALANCE = "sensor.smsmode_balance"


async def test_balance_sensor(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """The sensor shows the credits, as a diagnostic measurement."""
    state = hass.states.get(BALANCE)
    assert state is not None
    assert float(state.state) == smsmode_simulator.balance
    assert state.attributes["state_class"] == "measurement"
    assert state.attributes["unit_of_measurement"] == "credits"
    entity = er.async_get(hass).async_get(BALANCE)
    assert entity is not None
    assert entity.unique_id == f"{loaded_entry.entry_id}_balance"
    assert entity.translation_key == "balance"


async def test_balance_polls_on_the_option_interval(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
) -> None:
    """The balance is read again after the interval set in the options."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, options={CONF_BALANCE_INTERVAL: 5}
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    smsmode_simulator.balance = 42.5
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=5))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(BALANCE).state == "42.5"


async def test_balance_unavailable_on_error_then_back(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """A failed read makes the sensor unavailable until the next good one."""
    coordinator = loaded_entry.runtime_data.coordinator
    smsmode_simulator.add_fault("credit.do", Fault.code(50))
    await coordinator.async_refresh()
    assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE
    await coordinator.async_refresh()
    assert hass.states.get(BALANCE).state == str(smsmode_simulator.balance)


async def test_low_credit_issue_raised_and_cleared(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Below the threshold a repair issue says so; it clears when credits return."""
    coordinator = loaded_entry.runtime_data.coordinator
    issue_id = f"low_credit_{loaded_entry.entry_id}"
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, issue_id) is None
    smsmode_simulator.balance = 3.0
    await coordinator.async_refresh()
    issue = registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "low_credit"
    assert issue.translation_placeholders == {"title": "smsmode", "balance": "3"}
    smsmode_simulator.balance = 500.0
    await coordinator.async_refresh()
    assert registry.async_get_issue(DOMAIN, issue_id) is None


async def test_revoked_key_during_polling_starts_reauth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, smsmode_simulator: Simulator
) -> None:
    """Code 32 on a later poll starts reauth."""
    smsmode_simulator.add_fault("credit.do", Fault.code(32))
    await loaded_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_balance_rate_limited_waits_as_asked(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    smsmode_simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """HTTP 429 asking an hour: the sensor is unavailable, and no read comes sooner.

    Not an auth problem: no reauth. The read after the hour works again.
    """
    smsmode_simulator.add_fault("credit.do", Fault.http_error(429, retry_after=3600))
    reads = len(smsmode_simulator.requests_to("credit.do"))
    await async_step_time(hass, freezer, timedelta(minutes=31))
    assert len(smsmode_simulator.requests_to("credit.do")) == reads + 1
    assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE
    coordinator = loaded_entry.runtime_data.coordinator
    assert "HTTP 429" in str(coordinator.last_exception)
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    await async_step_time(hass, freezer, timedelta(minutes=31))
    assert len(smsmode_simulator.requests_to("credit.do")) == reads + 1
    await async_step_time(hass, freezer, timedelta(minutes=30))
    assert len(smsmode_simulator.requests_to("credit.do")) == reads + 2
    assert hass.states.get(BALANCE).state == str(smsmode_simulator.balance)
