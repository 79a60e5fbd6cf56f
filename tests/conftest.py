"""Fixtures shared by every test."""

from collections.abc import Awaitable, Callable, Iterator, Mapping
import hashlib
import logging
import re
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock
from urllib.parse import urlencode

from freezegun.api import FrozenDateTimeFactory
import homeassistant.components
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.smsmode.const import DOMAIN
from smsmode_simulator import Simulator

from .sending_helpers import WEBHOOK_ID, async_setup_account

pytest_plugins = ["smsmode_simulator.pytest_plugin"]


# GETs the test entry's webhook with these parameters; answers the HTTP status.
type CallWebhook = Callable[[Mapping[str, str]], Awaitable[int]]

# Results of tests/test_fault_scenarios.py, printed by `--fault-report`.
FAULT_RESULTS = pytest.StashKey[list[Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add `--fault-report`: print the fault scenarios' table (scripts/fault-report)."""
    parser.addoption(
        "--fault-report",
        action="store_true",
        help="print the table of the fault-injection scenarios",
    )


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print one row per fault scenario that ran, when asked to."""
    results = config.stash.get(FAULT_RESULTS, [])
    if not config.getoption("--fault-report") or not results:
        return
    write = terminalreporter.write_line
    header = (
        "scenario",
        "attempted",
        "delivered",
        "failed",
        "suppressed",
        "duplicated",
        "lost",
    )
    write("")
    write(f"{header[0]:<46}" + "".join(f"{h:>11}" for h in header[1:]) + "  recovery")
    for r in results:
        counts = (
            r.attempted,
            r.delivered,
            r.failed,
            r.suppressed,
            r.duplicated,
            r.lost,
        )
        recovery = "-" if r.recovery is None else str(r.recovery)
        write(f"{r.name:<46}" + "".join(f"{c:>11}" for c in counts) + f"  {recovery}")
        for note in r.notes:
            write(f"    {note}")


def pytest_configure(config: pytest.Config) -> None:
    """Read and write snapshots in `tests/snapshots` on every supported HA.

    Home Assistant's syrupy extension names that folder; the syrupy 6 of newer
    harnesses takes the folder from its `--snapshot-dirname` option instead
    (default `__snapshots__`), so the option is set to the same name.
    """
    if hasattr(config.option, "snapshot_dirname"):
        config.option.snapshot_dirname = "snapshots"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/smsmode in every test."""


class _Collector(logging.Handler):
    """Keeps every record it is handed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _record_text(record: logging.LogRecord) -> str:
    """Everything a log handler could write for a record: message and traceback."""
    try:
        text = record.getMessage()
    except TypeError, ValueError:  # a bad format string: keep its parts
        text = f"{record.msg} {record.args}"
    if record.exc_info:
        text += logging.Formatter().formatException(record.exc_info)
    return f"{text} {record.exc_text or ''} {record.stack_info or ''}"


# A phone number as the integration handles them: 9 to 15 digits in a row.
_PHONE_NUMBER = re.compile(r"(?<!\d)\+?\d{9,15}(?!\d)")


@pytest.fixture(autouse=True)
def secrets_never_logged(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test whose log records hold the API key, or a number above debug.

    Every record of every logger reaches the root logger, set to DEBUG for the
    test so that debug lines are produced (and checked) too. The API key may
    appear in no record of any logger at any level; phone numbers may appear in
    the integration's own records at debug level only.
    """
    collector = _Collector()
    root = logging.getLogger()
    level = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(collector)
        root.setLevel(level)
    numbers = [
        f"{record.name} {record.levelname}: {record.getMessage()}"
        for record in collector.records
        if record.name.startswith("custom_components.smsmode")
        and record.levelno > logging.DEBUG
        and _PHONE_NUMBER.search(_record_text(record))
    ]
    if numbers:
        pytest.fail(f"A phone number was logged above debug level: {numbers}")
    simulator = request.node.funcargs.get("smsmode_simulator")
    if not isinstance(simulator, Simulator):
        return
    leaks = [
        f"{record.name} {record.levelname}"
        for record in collector.records
        if simulator.api_key in _record_text(record)
    ]
    if leaks:
        pytest.fail(f"The API key was logged by: {', '.join(leaks)}")


@pytest.fixture
def webhook_id() -> str:
    """Return the webhook id of the test entry (a secret in real life)."""
    return WEBHOOK_ID


@pytest.fixture
async def call_webhook(
    hass_client_no_auth: ClientSessionGenerator, webhook_id: str
) -> CallWebhook:
    """Return a function that GETs the test entry's webhook, as smsmode calls it.

    It answers the HTTP status. The client starts Home Assistant's HTTP server:
    components a test sets up before that (diagnostics) come before this fixture.
    """
    client = await hass_client_no_auth()

    async def get(params: Mapping[str, str]) -> int:
        response = await client.get(f"/api/webhook/{webhook_id}?{urlencode(params)}")
        return response.status

    return get


@pytest.fixture
def config_entry(smsmode_simulator: Simulator, webhook_id: str) -> MockConfigEntry:
    """Return an smsmode entry pointing at the local simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="smsmode",
        unique_id=hashlib.sha256(smsmode_simulator.api_key.encode()).hexdigest(),
        data={
            CONF_API_KEY: smsmode_simulator.api_key,
            CONF_URL: smsmode_simulator.url,
            CONF_WEBHOOK_ID: webhook_id,
        },
    )


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Return the test entry, set up against the simulator."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
async def entry(
    hass: HomeAssistant, smsmode_simulator: Simulator, freezer: FrozenDateTimeFactory
) -> MockConfigEntry:
    """Return a loaded account without recipients, time frozen to be stepped.

    Home Assistant has no URL, so smsmode cannot call back: reports and replies
    are polled. Time stands at 2026-06-15 10:00 UTC until a test moves it, so that
    retries and polls go when the test steps the clock.
    """
    freezer.move_to("2026-06-15 10:00:00+00:00")
    return await async_setup_account(hass, smsmode_simulator)


# The cloudhook the fake Home Assistant Cloud makes.
CLOUDHOOK = "https://hooks.nabu.casa/abc"


class CloudNotAvailable(Exception):  # noqa: N818 (the name of the real one)
    """Stands in for homeassistant.components.cloud.CloudNotAvailable."""


@pytest.fixture
def fake_cloud(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Home Assistant Cloud, loaded and subscribed (its real module needs extras)."""
    cloud = SimpleNamespace(
        CloudNotAvailable=CloudNotAvailable,
        async_active_subscription=lambda hass: True,
        async_create_cloudhook=AsyncMock(return_value=CLOUDHOOK),
        async_delete_cloudhook=AsyncMock(),
    )
    monkeypatch.setattr(homeassistant.components, "cloud", cloud, raising=False)
    hass.config.components.add("cloud")
    return cloud
