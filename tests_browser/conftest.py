"""A real Home Assistant, the simulator and headless Chromium for the browser check.

Home Assistant and the simulator are the end-to-end suite's (tests_e2e/conftest.py):
started once, on free loopback ports, stopped at the end whatever happens. The
browser is Debian's chromium, driven by its chromium-driver through Selenium.
"""

from collections.abc import Iterator
import os
from pathlib import Path
import shutil
import time

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from tests_e2e.conftest import OWNER_PASSWORD, OWNER_USERNAME, REPO, Hass, http_json

from tests_browser.frontend import Frontend

pytest_plugins = ("tests_e2e.conftest",)

# What the onboarding sets up by itself.
ONBOARDING_DOMAINS = frozenset(
    {"google_translate", "shopping_list", "met", "radio_browser"}
)
# Seconds without a new one before the onboarding is taken to be done adding
# them, and the most it may take.
ONBOARDING_QUIET = 5.0
ONBOARDING_TIMEOUT = 60.0
# The window of every page and screenshot.
WINDOW = (1280, 800)


def pytest_addoption(parser: pytest.Parser) -> None:
    """--screenshots DIR: where the PNGs go (default: this run's temporary folder)."""
    parser.addoption(
        "--screenshots",
        type=Path,
        default=None,
        help="save the screenshots there (scripts/browser-check --update-screenshots"
        " gives docs/screenshots)",
    )


def _program(env_name: str, *names: str) -> str:
    """Return the path of a program: $env_name, else the first of `names` on PATH."""
    if found := os.environ.get(env_name):
        return found
    for name in names:
        if found := shutil.which(name):
            return found
    pytest.fail(
        f"none of {', '.join(names)} found (set {env_name}); scripts/browser-check"
        " installs Debian's chromium and chromium-driver"
    )


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest, work_dir: Path) -> Path:
    """Return the folder the screenshots go to."""
    chosen = request.config.getoption("--screenshots")
    folder = (REPO / chosen) if chosen is not None else work_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def driver(work_dir: Path) -> Iterator[webdriver.Chrome]:
    """Start headless Chromium for the session; quit it at the end."""
    options = Options()
    options.binary_location = _program("CHROMIUM", "chromium", "chromium-browser")
    for argument in (
        "--headless=new",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        # Root in a chroot or a container: no user namespace for the sandbox.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--lang=en-US",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    service = Service(
        _program("CHROMEDRIVER", "chromedriver"),
        log_output=str(work_dir / "chromedriver.log"),
    )
    browser = webdriver.Chrome(options=options, service=service)
    try:
        # The page itself gets exactly WINDOW (the window's frame takes nothing).
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": WINDOW[0],
                "height": WINDOW[1],
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
        browser.set_script_timeout(30)
        browser.set_page_load_timeout(60)
        yield browser
    finally:
        browser.quit()


def _remove_onboarding_entries(url: str, token: str) -> None:
    """Delete what the onboarding adds on its own, once it has added it.

    Google Translate (which fails here, without internet), a shopping list and
    the others would only clutter the screenshots. The onboarding adds them in
    the background: they are deleted as they come, until none has come for
    ONBOARDING_QUIET seconds.
    """
    deadline = time.monotonic() + ONBOARDING_TIMEOUT
    last_seen = time.monotonic()
    while time.monotonic() - last_seen < ONBOARDING_QUIET:
        assert time.monotonic() < deadline, "the onboarding kept adding entries"
        status, entries = http_json(
            "GET", f"{url}/api/config/config_entries/entry", token=token
        )
        assert status == 200, entries
        for entry in entries:
            if entry["domain"] in ONBOARDING_DOMAINS:
                last_seen = time.monotonic()
                status, answer = http_json(
                    "DELETE",
                    f"{url}/api/config/config_entries/entry/{entry['entry_id']}",
                    token=token,
                )
                assert status == 200, answer
        time.sleep(0.5)


@pytest.fixture(scope="session")
def onboarded(hass: Hass, token: str) -> str:
    """Finish the onboarding the `token` fixture began (user only); return the token.

    Until every step is done, the interface shows the onboarding pages instead
    of itself. The steps left are those a person clicks through with defaults.
    """
    status, steps = http_json("GET", f"{hass.url}/api/onboarding")
    assert status == 200, steps
    for step in (s["step"] for s in steps if not s["done"]):
        body = {}
        if step == "integration":
            body = {"client_id": f"{hass.url}/", "redirect_uri": f"{hass.url}/"}
        status, answer = http_json(
            "POST", f"{hass.url}/api/onboarding/{step}", body, token=token
        )
        assert status == 200, (step, answer)
    status, steps = http_json("GET", f"{hass.url}/api/onboarding")
    assert status == 200
    assert all(s["done"] for s in steps), steps
    _remove_onboarding_entries(hass.url, token)
    return token


@pytest.fixture(scope="session")
def frontend(driver: webdriver.Chrome, hass: Hass, onboarded: str) -> Frontend:
    """Return the interface, logged in as the onboarded user."""
    page = Frontend(driver, hass.url)
    page.login(OWNER_USERNAME, OWNER_PASSWORD)
    return page
