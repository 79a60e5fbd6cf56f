"""Fixtures of the benchmarks: Home Assistant (the test harness), the simulator."""

import asyncio
from collections.abc import AsyncIterator, Iterator
import logging
import time

from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smsmode.const import DOMAIN

from .support import LatencySimulator

WEBHOOK_ID = "0123456789abcdef0123456789abcdef"
EXTERNAL_URL = "https://home.example"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/smsmode."""


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Run the loop as Home Assistant runs it: the harness's debug mode off.

    pytest-homeassistant-custom-component turns asyncio's debug mode on for
    every test; it slows every task and callback, so the benchmarks override it.
    """
    asyncio.get_running_loop().set_debug(False)


@pytest.fixture(autouse=True)
def quiet_logging() -> Iterator[None]:
    """Log warnings and errors only, as an installation without `logger:` debug.

    The harness logs at INFO (every setup step) to the terminal, which would
    bury the tables; nothing the benchmarks measure logs above DEBUG.
    """
    # The loader's notice that smsmode is a custom integration, and aiohttp's that
    # zlib-ng is missing: once per test, at WARNING, harmless here.
    loggers = {
        logging.getLogger(): logging.WARNING,
        logging.getLogger("homeassistant.loader"): logging.ERROR,
        logging.getLogger("aiohttp_fast_zlib"): logging.ERROR,
    }
    levels = {logger: logger.level for logger in loggers}
    for logger, level in loggers.items():
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, level in levels.items():
            logger.setLevel(level)


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[LatencySimulator]:
    """Yield a simulator on 127.0.0.1 with the 50 ms round trip."""
    sim = LatencySimulator()
    sim.balance = 1e9  # fan-outs of 10,000 recipients, several times
    await sim.start("127.0.0.1", 0)
    try:
        yield sim
    finally:
        await sim.stop()


def make_entry(simulator: LatencySimulator) -> MockConfigEntry:
    """Return an smsmode entry on the simulator, delivery reports on (the default)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="smsmode",
        unique_id="bench",
        data={
            CONF_API_KEY: simulator.api_key,
            CONF_URL: simulator.url,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
    )


async def setup_entry(
    hass: HomeAssistant, simulator: LatencySimulator
) -> tuple[MockConfigEntry, float, int]:
    """Set the entry up; return it, the setup's wall time and its API calls."""
    hass.config.external_url = EXTERNAL_URL
    entry = make_entry(simulator)
    entry.add_to_hass(hass)
    before = simulator.count()
    start = time.perf_counter()
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError("smsmode did not set up")
    await hass.async_block_till_done()
    return entry, time.perf_counter() - start, simulator.count() - before
