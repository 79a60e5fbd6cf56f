"""Start the simulator and a real Home Assistant once for the whole suite.

Both run as child processes in their own process groups on free loopback ports;
each is stopped (SIGTERM, then SIGKILL) when the session ends, also when a test or
the start itself fails. Home Assistant runs on a copy of the repository's config/
with the integration linked from the working tree and the blueprints copied in.
It is onboarded and the integration added through the REST API, as a browser
would, so the tests start from an account that is set up.
"""

import atexit
from collections.abc import AsyncIterator, Iterator
import contextlib
from dataclasses import dataclass
import importlib.util
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from types import ModuleType
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests_e2e.client import Api

REPO = Path(__file__).resolve().parent.parent
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
STOP_TIMEOUT = 20.0


def free_port() -> int:
    """Return a TCP port free on the loopback interface now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_json(
    method: str,
    url: str,
    body: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    form: dict[str, str] | None = None,
    timeout: float = 15.0,
) -> tuple[int, Any]:
    """Make one blocking HTTP call and return its status and decoded JSON body."""
    headers = {}
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until GET `url` answers 200; fail if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    last_error: object = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args!r} exited with {process.returncode}")
        try:
            status, _ = http_json("GET", url, timeout=2)
        except OSError as err:
            last_error = err
        else:
            if status == 200:
                return
            last_error = f"HTTP {status}"
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {timeout:.0f} s: {last_error}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a child started in its own process group, and all it started."""
    if process.poll() is not None:
        return
    for signum, grace in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    # Children left behind in the group (none expected) go too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def start(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a child process in a new process group, its output to `log`.

    The group is also killed when this interpreter exits without running the
    fixtures' finalizers (an exception that escapes pytest).
    """
    with log.open("wb") as out:
        process = subprocess.Popen(
            args,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    atexit.register(stop, process)
    return process


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


@pytest.fixture(scope="session")
def simulator(work_dir: Path) -> Iterator[Simulator]:
    """Run the smsmode simulator on a free loopback port for the whole session."""
    port = free_port()
    log = work_dir / "simulator.log"
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
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/_sim/state", process, SIMULATOR_START_TIMEOUT)
        yield Simulator(url, API_KEY, log)
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


@pytest.fixture(scope="session")
def hass(
    work_dir: Path, simulator: Simulator, request: pytest.FixtureRequest
) -> Iterator[Hass]:
    """Run `hass` on a copy of config/ on a free loopback port for the session."""
    if importlib.util.find_spec("hass_frontend") is None:
        pytest.fail(
            "home-assistant-frontend is not installed (requirements_e2e.txt): "
            "without it Home Assistant starts in recovery mode"
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config_dir = work_dir / "config"
    make_config(config_dir, port)
    log = work_dir / "hass.out"
    env = {**os.environ, "SMSMODE_HA_URL": url}
    process = start(
        [
            sys.executable,
            "-m",
            "homeassistant",
            "--config",
            str(config_dir),
            "--skip-pip",
        ],
        log,
        env,
    )
    instance = Hass(url, config_dir, log)
    try:
        wait_until_up(f"{url}/api/onboarding", process, HASS_START_TIMEOUT)
        yield instance
    finally:
        stop(process)
        if request.session.testsfailed:
            sys.stderr.write(
                f"\n--- end of Home Assistant's output ({log}) ---\n"
                f"{instance.log_tail()}\n"
            )


@pytest.fixture(scope="session")
def token(hass: Hass) -> str:
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


@pytest.fixture(scope="session")
def entry(hass: Hass, simulator: Simulator, token: str) -> Entry:
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


@pytest.fixture
async def api(
    hass: Hass, simulator: Simulator, token: str, entry: Entry
) -> AsyncIterator[Api]:
    """Return a client for Home Assistant's APIs and the simulator's control API."""
    async with Api(hass.url, token, simulator.url) as client:
        yield client
