"""The webhook benchmark's load generator, run in a process of its own.

In the benchmark's process it would share the interpreter lock with Home
Assistant's event loop, and cProfile (Python 3.12 and later) would count its
work with Home Assistant's. As a separate process it only competes for a CPU.

    python -m benchmarks.load BASE_URL CONCURRENCY TIME_LIMIT < paths

reads one path per line, GETs `BASE_URL + path` with CONCURRENCY requests in
flight, for TIME_LIMIT seconds at most, and prints one JSON `Load`;
`async_run_process` starts it from a benchmark and reads that `Load`.
"""

import asyncio
from dataclasses import asdict, dataclass
import json
import sys
import time
from typing import Self

from aiohttp import ClientSession


@dataclass(frozen=True, slots=True)
class Load:
    """What one round of load gave."""

    done: int
    failed: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        """Callbacks answered 200 per second."""
        return self.done / self.seconds

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Read what `main` printed."""
        return cls(**json.loads(text))


async def generate(
    base: str, paths: list[str], concurrency: int, time_limit: float
) -> Load:
    """Send the requests, `concurrency` at a time; count the 200s, time each."""
    queue = iter(paths)
    latencies: list[float] = []
    failed = 0
    deadline = time.perf_counter() + time_limit

    async def worker(session: ClientSession) -> None:
        nonlocal failed
        for path in queue:
            if time.perf_counter() > deadline:
                return
            start = time.perf_counter()
            async with session.get(base + path) as response:
                await response.read()
                if response.status == 200:
                    latencies.append(time.perf_counter() - start)
                else:
                    failed += 1

    async with ClientSession() as session:
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    return Load(len(latencies), failed, seconds, latencies)


async def async_run_process(
    base: str, paths: list[str], concurrency: int, time_limit: float
) -> Load:
    """Run one round of load from a process of its own; return what it gave."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.load",
        base,
        str(concurrency),
        str(time_limit),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await process.communicate("\n".join(paths).encode())
    if process.returncode != 0:
        raise RuntimeError(f"the load generator failed ({process.returncode})")
    return Load.from_json(output.decode())


def main() -> None:
    """Run one round from the command line; print its `Load` as JSON."""
    base, concurrency, time_limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    paths = sys.stdin.read().split()
    load = asyncio.run(generate(base, paths, concurrency, time_limit))
    sys.stdout.write(json.dumps(asdict(load)))


if __name__ == "__main__":
    main()
