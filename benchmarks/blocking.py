"""Pytest plugin: Home Assistant's blocking-call detection on, and a report of it.

    scripts/run newest python -m pytest -p benchmarks.blocking tests   # whole suite

pytest-homeassistant-custom-component imports `homeassistant.block_async_io` but
never calls `enable()` (only Home Assistant's bootstrap does), so a plain test run
detects no blocking call; and `enable()` itself leaves out, under tests, most of
what it watches (`open`, `os.listdir`, `importlib.import_module`, `Path.read_text`,
the SSL loaders...). This plugin puts every one of Home Assistant's watches in place
around each test, in report mode (nothing raises: a test's outcome never changes),
only while an event loop runs on the thread (a sync test reading a file is not a
blocking call), and keeps every report: the first one of each place, which Home
Assistant logs as a warning, and the repeats, which it logs at debug level.

It also watches phonenumbers' lazy metadata imports, which the detection cannot
see (they use `__import__`; it patches `importlib.import_module`). A summary ends
the run: what was flagged, split into calls made by the integration and calls
made by anything else (Home Assistant, the harness, the tests' own code).
"""

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
import logging
from pathlib import Path
import re
import sys
import threading
from typing import Any, Final

from homeassistant import block_async_io
from homeassistant.util.loop import protect_loop
import pytest

from .support import MetadataRecorder, emit, ms, table

_LOOP_LOGGER: Final = "homeassistant.util.loop"
_MAIN_THREAD: Final = threading.get_ident()
_INTEGRATION: Final = re.compile(r"by (?:custom )?integration '([^']+)'")
_CALL: Final = re.compile(r"blocking call to (\S+)")
_WHERE: Final = re.compile(r"(?:at|in) (\S+), line (\d+)")
_REPO: Final = str(Path(__file__).resolve().parents[1]) + "/"
_THIS: Final = str(Path(__file__).resolve())
# The innermost frame in the repository of the call being reported, noted by the
# check that runs just before Home Assistant logs its report.
_ORIGIN: Final = [""]


@dataclass(frozen=True, slots=True)
class _Report:
    """One blocking call Home Assistant reported."""

    test: str
    integration: str | None
    call: str
    where: str
    origin: str


class _Flagged(logging.Handler):
    """Keeps the blocking-call reports Home Assistant logs (any level)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.reports: list[_Report] = []
        self.test = ""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "blocking call" not in message:
            return
        first = message.splitlines()[0]
        integration = _INTEGRATION.search(first)
        call = _CALL.search(first)
        where = _WHERE.search(first)
        self.reports.append(
            _Report(
                self.test,
                integration.group(1) if integration else None,
                call.group(1) if call else "?",
                f"{where.group(1)}:{where.group(2)}" if where else first[:120],
                _ORIGIN[0],
            )
        )


_FLAGGED: Final = _Flagged()
_METADATA: Final = MetadataRecorder(_MAIN_THREAD)
_WATCHED: Final[list[str]] = []
_TESTS: Final[list[str]] = []
# Installed on import (`-p benchmarks.blocking`), before conftest files import the
# integration: its module loads France's metadata when it is imported.
sys.meta_path.insert(0, _METADATA)


def _loop_running() -> bool:
    return asyncio.events._get_running_loop() is not None  # noqa: SLF001


def _repository_frame() -> str:
    """Return the innermost caller in the repository (`tests/x.py:12`), or ""."""
    frame = sys._getframe(1)  # noqa: SLF001
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_REPO) and filename != _THIS:
            return f"{filename.removeprefix(_REPO)}:{frame.f_lineno}"
        frame = frame.f_back
    return ""


def _watch_all() -> list[block_async_io.BlockingCall]:
    """Protect every call Home Assistant knows as blocking, in report mode."""
    watched = []
    loop_thread = threading.get_ident()
    for blocking_call in block_async_io._BLOCKING_CALLS:  # noqa: SLF001
        allowed = blocking_call.check_allowed

        def check_allowed(args: dict[str, Any], allowed: Any = allowed) -> bool:
            if not _loop_running() or (allowed and allowed(args)):
                return True
            _ORIGIN[0] = _repository_frame()
            return False

        setattr(
            blocking_call.object,
            blocking_call.function,
            protect_loop(
                blocking_call.original_func,
                loop_thread_id=loop_thread,
                strict=False,
                strict_core=False,
                check_allowed=check_allowed,
            ),
        )
        watched.append(blocking_call)
    return watched


def pytest_configure(config: pytest.Config) -> None:
    """Take every report of the detection's logger, and keep them off the terminal."""
    logger = logging.getLogger(_LOOP_LOGGER)
    logger.addHandler(_FLAGGED)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False


@pytest.fixture(autouse=True)
def blocking_call_detection(request: pytest.FixtureRequest) -> Iterator[None]:
    """Watch every blocking call during one test, then restore the originals."""
    _FLAGGED.test = request.node.nodeid
    _TESTS.append(request.node.nodeid)
    watched = _watch_all()
    if not _WATCHED:
        _WATCHED.extend(f"{c.object.__name__}.{c.function}" for c in watched)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for blocking_call in watched:
            setattr(
                blocking_call.object,
                blocking_call.function,
                blocking_call.original_func,
            )


def pytest_terminal_summary(terminalreporter: object) -> None:
    """Print what was flagged, and where phonenumbers loaded its metadata."""
    # The integration's: Home Assistant says so, or its code is the innermost
    # frame of the repository on the stack.
    ours = [
        r
        for r in _FLAGGED.reports
        if r.integration == "smsmode" or r.origin.startswith("custom_components/")
    ]
    others = [r for r in _FLAGGED.reports if r not in ours]

    def rows(reports: list[_Report]) -> list[list[object]]:
        counts = Counter((r.call, r.where, r.origin) for r in reports)
        first: dict[tuple[str, str, str], _Report] = {}
        for report in reports:
            first.setdefault((report.call, report.where, report.origin), report)
        return [
            [call, where.removeprefix(_REPO), origin or "(none: HA, harness, libraries)",
             first[call, where, origin].integration or "(none)", count,
             first[call, where, origin].test]
            for (call, where, origin), count in counts.most_common()
        ]  # fmt: skip

    headers = [
        "call",
        "offender",
        "innermost frame in the repository",
        "integration (HA's verdict)",
        "times",
        "first test",
    ]
    emit(
        f"\nBlocking-call detection on for {len(_TESTS):,} tests, watching "
        f"{len(_WATCHED)} functions: {', '.join(_WATCHED)}."
    )
    emit(
        table(
            "6a. Event loop: blocking calls flagged in the integration",
            headers,
            rows(ours) or [["(none)", "", "", "", 0, ""]],
        )
        + f"\nTarget none: {'MET' if not ours else 'NOT MET'}\n"
    )
    emit(
        table(
            "6b. Event loop: blocking calls flagged elsewhere (context, not the "
            "integration's)",
            headers,
            rows(others) or [["(none)", "", "", "", 0, ""]],
        )
    )
    loads = _METADATA.loads
    on_loop = [load for load in loads if load.on_loop_thread]
    emit(
        table(
            "6c. Event loop: phonenumbers metadata loaded during the test suite",
            ["regions", "thread", "on the event loop", "time (sum)"],
            _metadata_rows(),
        )
        + f"\nMetadata loaded on the event loop: {len(on_loop)} region(s)"
        f"{': ' + ', '.join(load.module for load in on_loop) if on_loop else ''}\n"
    )


def _metadata_rows() -> list[list[object]]:
    groups: dict[tuple[str, bool], list[Any]] = {}
    for load in _METADATA.loads:
        groups.setdefault((load.thread, load.on_loop_thread), []).append(load)
    return [
        [
            ", ".join(load.module for load in loads),
            thread,
            "YES" if on_loop else "no",
            ms(sum(load.seconds for load in loads)),
        ]
        for (thread, on_loop), loads in groups.items()
    ] or [["(none)", "", "", ""]]
