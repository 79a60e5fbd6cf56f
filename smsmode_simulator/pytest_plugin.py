"""Pytest fixture serving a fresh simulator on a free loopback port per test.

Enable it with `pytest_plugins = ["smsmode_simulator.pytest_plugin"]`. It asks for
pytest-socket's `socket_enabled` (Home Assistant's test plugin blocks sockets, and
allows 127.0.0.1 only), and stops everything it started on teardown, since Home
Assistant's tests fail on lingering tasks, timers and threads.
"""

from typing import TYPE_CHECKING

import pytest_asyncio

from .simulator import Simulator

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest_asyncio.fixture
async def smsmode_simulator(socket_enabled: None) -> AsyncIterator[Simulator]:
    """Yield a started `Simulator` (`.url`, `.api_key`) on 127.0.0.1."""
    simulator = Simulator()
    await simulator.start("127.0.0.1", 0)
    try:
        yield simulator
    finally:
        await simulator.stop()
