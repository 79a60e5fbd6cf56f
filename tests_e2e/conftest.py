"""Start the simulator and a real Home Assistant once for the whole suite.

Both run as child processes in their own process groups on free loopback ports;
each is stopped (SIGTERM, then SIGKILL) when the session ends, also when a test or
the start itself fails. Home Assistant runs on a copy of the repository's config/
with the integration linked from the working tree and the blueprints copied in.
It is onboarded and the integration added through the REST API, as a browser
would, so the tests start from an account that is set up.
"""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
import importlib.util
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
from types import ModuleType
from typing import Any
import urllib.parse

import pytest

from tests_e2e.client import Api
from tests_e2e.processes import REPO, free_port, http_json, start, stop, wait_until_up

CONFIG = REPO / "config"
BLUEPRINTS = REPO / "blueprints"
API_KEY = "e2e-test-key"
STARTING_CREDITS = 100.0
# The user the `token` fixture onboards (the browser check logs in with it).
OWNER_USERNAME = "owner"
OWNER_PASSWORD = "e2e-password-1"
# Bounded waits: the slowest step is Home Assistant's start (about 5 s here).
HASS_START_TIMEOUT = 60.0
SIMULATOR_START_TIMEOUT = 15.0


def _interrupt(signum: int, frame: object) -> None:
    """Raise KeyboardInterrupt, so pytest runs the finalizers."""
    raise KeyboardInterrupt


def pytest_configure(config: pytest.Config) -> None:
    """Stop the processes started when the run is terminated (CI timeout, kill).

    SIGINT too: a shell without job control starts background jobs with it ignored.
    """
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)


@dataclass(frozen=True)
class Simulator:
    """The simulator process as the tests see it."""

    url: str
    api_key: str
    log: Path


@dataclass(frozen=True)
class Hass:
    """The Home Assistant process as the tests see it."""

    url: str
    config_dir: Path
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        """Return the end of Home Assistant's output."""
        text = self.log.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class Entry:
    """The smsmode config entry added by the config flow."""

    entry_id: str
    webhook_url: str
    webhook_path: str
    flow_result: dict[str, Any]


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a directory for this run's config and logs."""
    return tmp_path_factory.mktemp("e2e")


def start_simulator(port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start the simulator on 127.0.0.1:`port` and wait until it answers."""
    process = start(
        [
            sys.executable,
            "-m",
            "smsmode_simulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--api-key",
            API_KEY,
            "--credits",
            str(STARTING_CREDITS),
            "--seed",
            "6",
        ],
        log,
        {**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        wait_until_up(
            f"http://127.0.0.1:{port}/_sim/state", process, SIMULATOR_START_TIMEOUT
        )
    except BaseException:
        stop(process)
        raise
    return process


@pytest.fixture(scope="session")
def simulator(work_dir: Path) -> Iterator[Simulator]:
    """Run the smsmode simulator on a free loopback port for the whole session."""
    port = free_port()
    log = work_dir / "simulator.log"
    process = start_simulator(port, log)
    try:
        yield Simulator(f"http://127.0.0.1:{port}", API_KEY, log)
    finally:
        stop(process)


def _load_http_store_module() -> ModuleType:
    """Import scripts/ha_http_store.py, which scripts/develop runs as a script."""
    spec = importlib.util.spec_from_file_location(
        "ha_http_store", REPO / "scripts" / "ha_http_store.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_config(config_dir: Path, port: int) -> None:
    """Copy config/ for one run: integration linked, blueprints copied.

    Home Assistant listens on 127.0.0.1:`port`, set in its store as
    scripts/develop sets it (no trial to confirm, see scripts/ha_http_store.py).
    """
    config_dir.mkdir(parents=True)
    _load_http_store_module().write_http_store(config_dir, "127.0.0.1", port)
    shutil.copy2(CONFIG / "configuration.yaml", config_dir / "configuration.yaml")
    (config_dir / "automations.yaml").write_text("[]\n")
    (config_dir / "custom_components").symlink_to(REPO / "custom_components")
    # Imported the way a person does: the files dropped into blueprints/.
    shutil.copytree(
        BLUEPRINTS / "automation" / "smsmode",
        config_dir / "blueprints" / "automation" / "smsmode",
    )


def start_hass(hass: Hass) -> subprocess.Popen[bytes]:
    """Start `hass` on its config and port (made by `make_config`); wait until it answers."""
    if importlib.util.find_spec("hass_frontend") is None:
        pytest.fail(
            "home-assistant-frontend is not installed (requirements_e2e.txt): "
            "without it Home Assistant starts in recovery mode"
        )
    process = start(
        [
            sys.executable,
            "-m",
            "homeassistant",
            "--config",
            str(hass.config_dir),
            "--skip-pip",
        ],
        hass.log,
        {**os.environ, "SMSMODE_HA_URL": hass.url},
    )
    try:
        wait_until_up(f"{hass.url}/api/onboarding", process, HASS_START_TIMEOUT)
    except BaseException:
        stop(process)
        raise
    return process


@pytest.fixture(scope="session")
def hass(
    work_dir: Path, simulator: Simulator, request: pytest.FixtureRequest
) -> Iterator[Hass]:
    """Run `hass` on a copy of config/ on a free loopback port for the session."""
    port = free_port()
    instance = Hass(
        f"http://127.0.0.1:{port}", work_dir / "config", work_dir / "hass.out"
    )
    make_config(instance.config_dir, port)
    process = start_hass(instance)
    try:
        yield instance
    finally:
        stop(process)
        if request.session.testsfailed:
            sys.stderr.write(
                f"\n--- end of Home Assistant's output ({instance.log}) ---\n"
                f"{instance.log_tail()}\n"
            )


def onboard(hass: Hass) -> str:
    """Onboard the first user through the REST API and return an access token."""
    client_id = f"{hass.url}/"
    status, body = http_json(
        "POST",
        f"{hass.url}/api/onboarding/users",
        {
            "client_id": client_id,
            "name": "Test Owner",
            "username": OWNER_USERNAME,
            "password": OWNER_PASSWORD,
            "language": "en",
        },
    )
    assert status == 200, body
    status, tokens = http_json(
        "POST",
        f"{hass.url}/auth/token",
        form={
            "grant_type": "authorization_code",
            "code": body["auth_code"],
            "client_id": client_id,
        },
    )
    assert status == 200, tokens
    assert tokens["token_type"] == "Bearer"
    return str(tokens["access_token"])


def add_entry(hass: Hass, simulator: Simulator, token: str) -> Entry:
    """Add the smsmode integration through the config-flow REST API."""
    status, form = http_json(
        "POST",
        f"{hass.url}/api/config/config_entries/flow",
        {"handler": "smsmode", "show_advanced_options": False},
        token=token,
    )
    assert status == 200, form
    assert form["type"] == "form"
    assert form["step_id"] == "user"
    assert {field["name"] for field in form["data_schema"]} >= {"api_key", "url"}
    status, result = http_json(
        "POST",
        f"{hass.url}/api/config/config_entries/flow/{form['flow_id']}",
        {"api_key": simulator.api_key, "url": simulator.url},
        token=token,
    )
    assert status == 200, result
    assert result["type"] == "create_entry", result
    webhook_url = result["description_placeholders"]["webhook_url"]
    path = urllib.parse.urlsplit(webhook_url).path
    assert path.startswith("/api/webhook/")
    return Entry(result["result"]["entry_id"], webhook_url, path, result)


@pytest.fixture(scope="session")
def token(hass: Hass) -> str:
    """Return an access token of the onboarded owner."""
    return onboard(hass)


@pytest.fixture(scope="session")
def entry(hass: Hass, simulator: Simulator, token: str) -> Entry:
    """Return the smsmode entry added by the config flow."""
    return add_entry(hass, simulator, token)


@pytest.fixture
async def api(
    hass: Hass, simulator: Simulator, token: str, entry: Entry
) -> AsyncIterator[Api]:
    """Return a client for Home Assistant's APIs and the simulator's control API."""
    async with Api(hass.url, token, simulator.url) as client:
        yield client
