"""Which client the tests of this folder import as `aiosmsmode`.

They test the client as its users see it, the `aiosmsmode` package. In the Home
Assistant environments (the default) that name is the integration's own copy,
`custom_components.smsmode.api`: the same module objects the integration uses,
measured by coverage where they live. With `SMSMODE_CLIENT=installed` (scripts/test,
in the client environment, run with `--confcutdir tests/api` and
`-p smsmode_simulator.pytest_plugin`), it is the aiosmsmode distribution installed
from the built wheel, and Home Assistant must not be importable.
"""

from collections.abc import AsyncIterator
import importlib
import importlib.util
import os
from pathlib import Path
import pkgutil
import sys

import aiohttp
import pytest

REPO = Path(__file__).resolve().parents[2]


def _use_the_integrations_copy() -> None:
    """Make `aiosmsmode` and each `aiosmsmode.<module>` name the integration's."""
    api = importlib.import_module("custom_components.smsmode.api")
    sys.modules["aiosmsmode"] = api
    for module in pkgutil.iter_modules(api.__path__):
        sys.modules[f"aiosmsmode.{module.name}"] = importlib.import_module(
            f"{api.__name__}.{module.name}"
        )


def _check_the_installed_package() -> None:
    """Fail unless `aiosmsmode` is installed (not this repository's folder), alone."""
    if importlib.util.find_spec("homeassistant") is not None:
        raise pytest.UsageError(
            "Home Assistant is importable: the client must not need it"
        )
    spec = importlib.util.find_spec("aiosmsmode")
    if spec is None or spec.origin is None:
        raise pytest.UsageError("aiosmsmode is not installed")
    if Path(spec.origin).resolve().is_relative_to(REPO):
        raise pytest.UsageError(f"aiosmsmode comes from the repository: {spec.origin}")


if os.environ.get("SMSMODE_CLIENT") == "installed":
    _check_the_installed_package()
else:
    _use_the_integrations_copy()


def pytest_report_header() -> str:
    """Say which client the tests run on."""
    module = sys.modules.get("aiosmsmode") or importlib.import_module("aiosmsmode")
    return f"aiosmsmode {module.__version__}: {Path(module.__file__ or '').parent}"


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """Yield an aiohttp session of the test's own, sockets allowed."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session
