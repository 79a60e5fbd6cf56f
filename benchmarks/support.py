"""What the benchmarks share: a simulator with a round trip, tables, probes.

`LatencySimulator` is the project's simulator with an aiohttp middleware in front
that waits a fixed time before each API request, like a network round trip, and
records the time the simulator itself spent on each one. Nothing of the simulator
is changed. The probes watch the event loop: how long it was held at most, and
on which thread phonenumbers loaded each region's metadata.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
import cProfile
from dataclasses import dataclass, field
import importlib.abc
import importlib.machinery
import pstats
import statistics
import sys
import threading
import time
from types import ModuleType
from typing import Final, Self, override

from aiohttp import web

from smsmode_simulator import Simulator

# The round trip the issue asks for: smsmode from a French home connection.
ROUND_TRIP: Final = 0.050

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class LatencySimulator(Simulator):
    """The simulator, each API request answered `latency` seconds late.

    The control API (`/_sim/`) is not delayed. `server_seconds` adds up the time
    the simulator spent handling requests (the round trip excluded), so a
    benchmark can tell the provider's share of a wall time from the client's.
    """

    def __init__(self, latency: float = ROUND_TRIP) -> None:
        """Start with the given round trip (seconds; 0 for none)."""
        super().__init__()
        self.latency = latency
        self.server_seconds = 0.0

    @override
    def make_app(self) -> web.Application:
        """Put the round-trip middleware in front of the simulator's routes."""
        app = super().make_app()

        @web.middleware
        async def round_trip(
            request: web.Request, handler: Handler
        ) -> web.StreamResponse:
            if request.path.startswith("/_sim/"):
                return await handler(request)
            if self.latency:
                await asyncio.sleep(self.latency)
            start = time.perf_counter()
            try:
                return await handler(request)
            finally:
                self.server_seconds += time.perf_counter() - start

        app.middlewares.append(round_trip)
        return app

    def forget(self) -> None:
        """Drop the requests and messages kept so far (the account stays).

        The simulator walks every message it holds on each request (scheduled
        ones may be due), so a long run slows down and its memory grows unless
        it forgets them: the memory benchmark does, between chunks of sends.
        """
        self.requests.clear()
        self.account.messages.clear()

    def count(self, endpoint: str | None = None) -> int:
        """Return the requests recorded so far, to one endpoint or to all."""
        if endpoint is None:
            return len(self.requests)
        return len(self.requests_to(endpoint))


@dataclass
class LoopMonitor:
    """Measures how late a 1 ms timer fires: the longest the loop was held."""

    interval: float = 0.001
    max_stall: float = 0.0
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.interval)
            late = time.perf_counter() - start - self.interval
            self.max_stall = max(self.max_stall, late)

    def __enter__(self) -> Self:
        """Start watching (inside a running loop)."""
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop watching."""
        if self._task is not None:
            self._task.cancel()


async def profile_loop(call: Callable[[], Awaitable[object]]) -> pstats.Stats:
    """Profile what this process runs while `call` runs, to tell the loop's shares.

    Since Python 3.12 cProfile sees every thread of the process, not only the
    one that enabled it: only a call that leaves the executor idle (work made
    elsewhere runs in another process) gives the event loop's thread alone. A
    coroutine's time counts only while it runs, not while it awaits, so each
    function's cumulative time is what it held the loop.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        await call()
    finally:
        profiler.disable()
    return pstats.Stats(profiler)


def loop_seconds(stats: pstats.Stats, module: str, function: str) -> float:
    """Return the cumulative time in `stats` of one function (0 when absent).

    `module` is the end of its file's path (`api/recipients.py`).
    """
    entries: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    entries = stats.stats  # type: ignore[attr-defined]
    return sum(
        cumulative
        for (filename, _, name), (_, _, _, cumulative, _) in entries.items()
        if name == function and filename.endswith(module)
    )


def loop_busy(stats: pstats.Stats) -> float:
    """Return the time the profiled thread was busy: all but waiting in select."""
    entries: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    entries = stats.stats  # type: ignore[attr-defined]
    waiting = sum(
        own
        for (_, _, name), (_, _, own, _, _) in entries.items()
        if "of 'select." in name
    )
    return float(stats.total_tt) - waiting  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class MetadataLoad:
    """One phonenumbers metadata module loaded, where, and how long it took."""

    module: str
    thread: str
    on_loop_thread: bool
    seconds: float


class _TimedLoader(importlib.abc.Loader):
    """Wraps a loader to time `exec_module` and note the thread."""

    def __init__(self, inner: importlib.abc.Loader, recorder: MetadataRecorder) -> None:
        self._inner = inner
        self._recorder = recorder

    @override
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._inner.create_module(spec)

    @override
    def exec_module(self, module: ModuleType) -> None:
        start = time.perf_counter()
        try:
            self._inner.exec_module(module)
        finally:
            self._recorder.record(module.__name__, time.perf_counter() - start)


class MetadataRecorder(importlib.abc.MetaPathFinder):
    """Records every `phonenumbers.data.*` import: phonenumbers' lazy metadata.

    phonenumbers loads a country's metadata with `__import__` the first time it
    meets the country; Home Assistant's blocking-call detection only watches
    `importlib.import_module`, so it cannot see these. This finder can.
    """

    PREFIX: Final = "phonenumbers.data.region_"

    def __init__(self, loop_thread: int) -> None:
        """Watch imports; `loop_thread` is the event loop's thread id."""
        self.loop_thread = loop_thread
        self.loads: list[MetadataLoad] = []

    @override
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(self.PREFIX):
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _TimedLoader(spec.loader, self)
                return spec
        return None

    def record(self, module: str, seconds: float) -> None:
        """Note one load."""
        thread = threading.current_thread()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            in_loop = False
        else:
            in_loop = True
        self.loads.append(
            MetadataLoad(
                module.removeprefix(self.PREFIX),
                thread.name,
                in_loop and thread.ident == self.loop_thread,
                seconds,
            )
        )


@contextmanager
def recording_metadata(loop_thread: int) -> Iterator[MetadataRecorder]:
    """Install a `MetadataRecorder` for the duration of the block."""
    recorder = MetadataRecorder(loop_thread)
    sys.meta_path.insert(0, recorder)
    try:
        yield recorder
    finally:
        sys.meta_path.remove(recorder)


def french_mobiles(count: int, start: int = 0) -> list[str]:
    """Distinct valid French mobile numbers, as people type them (`06…`)."""
    return [f"06{index:08d}" for index in range(start, start + count)]


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the value below which `fraction` of `values` fall (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    """Return the median."""
    return statistics.median(values)


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:,.1f} ms"


def ratio(value: float, baseline: float) -> str:
    """Format `value / baseline` (`x 1.23`); `n/a` without a baseline."""
    if baseline <= 0:
        return "n/a"
    return f"x {value / baseline:,.2f}"


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render a Markdown table under a `### title` line, columns aligned."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [
        max(len(header), *(len(row[i]) for row in cells))
        for i, header in enumerate(headers)
    ]

    def line(values: Sequence[str]) -> str:
        return (
            "| "
            + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True))
            + " |"
        )

    out = [f"\n### {title}\n", line(headers), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out) + "\n"


def emit(text: str) -> None:
    """Print a report to the terminal (pytest runs with `-s`)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
