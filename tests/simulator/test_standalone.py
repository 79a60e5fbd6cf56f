"""The simulator on its own: command line and the pytest fixture's lifecycle."""

import asyncio
from pathlib import Path
import signal
import sys
from typing import TYPE_CHECKING

import pytest

from smsmode_simulator import Simulator, SimulatorError

if TYPE_CHECKING:
    import aiohttp

REPOSITORY = Path(__file__).parents[2]


async def test_command_line_serves_until_sigterm(
    http: aiohttp.ClientSession,
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "smsmode_simulator",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--api-key",
        "cli-key",
        "--credits",
        "42",
        "--auto-delivery",
        "--delivery-delay",
        "0.1",
        cwd=REPOSITORY,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(20):
            url_line = (await process.stdout.readline()).decode()
            key_line = (await process.stdout.readline()).decode()
        url = url_line.split()[-1]
        assert url.startswith("http://127.0.0.1:")
        assert key_line.strip() == "API key: cli-key"

        async with http.post(
            f"{url}/http/1.6/credit.do", data={"accessToken": "cli-key"}
        ) as response:
            assert await response.text() == "42.0"
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            assert await process.wait() == 0


async def test_fixture_serves_on_loopback(smsmode_simulator: Simulator) -> None:
    assert smsmode_simulator.url.startswith("http://127.0.0.1:")
    assert len(smsmode_simulator.api_key) == 32


async def test_stop_frees_the_port_and_a_restart_works(socket_enabled: None) -> None:
    simulator = Simulator()
    url = await simulator.start()

    await simulator.stop()

    with pytest.raises(SimulatorError, match="not started"):
        _ = simulator.url
    port = int(url.rsplit(":", 1)[1])
    assert await simulator.start(port=port) == url
    await simulator.stop()
