"""Child processes of the end-to-end suites: start, wait until up, stop; HTTP calls.

Each child runs in its own process group, so that stopping it stops what it
started; every wait is bounded.
"""

import atexit
import contextlib
import json
import os
from pathlib import Path
import signal
import socket
import subprocess
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

import pytest

REPO = Path(__file__).resolve().parent.parent
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
