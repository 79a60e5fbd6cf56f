"""Home Assistant started while smsmode is out of reach, as after a power cut.

A Home Assistant and a simulator of their own: the account is added while the
simulator runs, then Home Assistant is restarted with the simulator stopped
(connection refused), as when the router comes up last.
"""

import asyncio
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
import sys
import time
from zoneinfo import ZoneInfo

import pytest

from tests_e2e.client import Api, Json, wait_for
from tests_e2e.conftest import (
    API_KEY,
    HASS_START_TIMEOUT,
    Entry,
    Hass,
    Simulator,
    add_entry,
    make_config,
    onboard,
    start_hass,
    start_simulator,
)
from tests_e2e.processes import free_port, http_json, stop

NUMBER = "33611223350"
WARNING = "smsmode could not be reached to set up"
# The outbox's first retry comes 7.5 to 15 s after the failed send.
DELIVERY_WAIT = 60.0


@dataclass
class Boot:
    """The Home Assistant started during the outage, and how to end the outage."""

    hass: Hass
    simulator: Simulator
    token: str
    entry: Entry
    stack: contextlib.ExitStack

    def start_simulator(self) -> None:
        """Bring smsmode back where the entry expects it (blocking)."""
        port = int(self.simulator.url.rsplit(":", 1)[1])
        log = self.simulator.log.with_name("boot-simulator-back.log")
        self.stack.callback(stop, start_simulator(port, log))


def wait_until_running(hass: Hass, token: str) -> None:
    """Wait until Home Assistant has started: only then does SIGTERM stop it cleanly.

    Before, the signal ends the process at once, and what it had still to
    write (the new entry, the user) is lost.
    """
    deadline = time.monotonic() + HASS_START_TIMEOUT
    while time.monotonic() < deadline:
        status, config = http_json("GET", f"{hass.url}/api/config", token=token)
        if status == 200 and config["state"] == "RUNNING":
            return
        time.sleep(0.2)
    pytest.fail(f"{hass.url} did not finish starting")


@pytest.fixture(scope="module")
def boot(work_dir: Path, request: pytest.FixtureRequest) -> Iterator[Boot]:
    """Add the account, then restart Home Assistant with the simulator stopped."""
    sim_port, hass_port = free_port(), free_port()
    simulator = Simulator(
        f"http://127.0.0.1:{sim_port}", API_KEY, work_dir / "boot-simulator.log"
    )
    hass = Hass(
        f"http://127.0.0.1:{hass_port}",
        work_dir / "boot-config",
        work_dir / "boot-hass-first.out",
    )
    make_config(hass.config_dir, hass_port)
    with contextlib.ExitStack() as stack:
        first_simulator = start_simulator(sim_port, simulator.log)
        stack.callback(stop, first_simulator)
        first_hass = start_hass(hass)
        stack.callback(stop, first_hass)
        token = onboard(hass)
        entry = add_entry(hass, simulator, token)
        wait_until_running(hass, token)
        stop(first_hass)
        entries = (hass.config_dir / ".storage" / "core.config_entries").read_text()
        assert entry.entry_id in entries, "the entry was not saved"
        stop(first_simulator)
        # Its log holds only the start during the outage.
        hass = replace(hass, log=work_dir / "boot-hass.out")
        stack.callback(stop, start_hass(hass))
        yield Boot(hass, simulator, token, entry, stack)
        if request.session.testsfailed:
            sys.stderr.write(f"\n--- end of {hass.log} ---\n{hass.log_tail()}\n")


def paris_now() -> str:
    """Return the time now in Paris, as smsmode writes it in delivery reports."""
    return datetime.now(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d %H:%M:%S")


async def test_start_during_an_outage_keeps_the_alert(boot: Boot) -> None:
    """The account loads without smsmode; the alert then reaches it once.

    Loaded with its notify service and webhook, the balance unavailable and one
    warning in the log; a callback is taken (answered 200, held until smsmode can
    say whether it sent that SMS: this smsmode did not, so it never fires), and
    `notify.smsmode` succeeds with the SMS queued; once the simulator is back the
    SMS arrives exactly once and the balance comes back.
    """
    async with Api(boot.hass.url, boot.token, boot.simulator.url) as api:

        async def loaded() -> Json:
            entries = await api.rest(
                "GET", "/api/config/config_entries/entry", params={"domain": "smsmode"}
            )
            states = [(e["entry_id"], e["state"]) for e in entries]
            return states if ("loaded" in dict(states).values()) else None

        assert await wait_for(loaded, "the account did not load") == [
            (boot.entry.entry_id, "loaded")
        ]
        services = {
            s["domain"]: s["services"] for s in await api.rest("GET", "/api/services")
        }
        assert "smsmode" in services["notify"]
        assert (await api.state("sensor.smsmode_balance"))["state"] == "unavailable"

        ws = await api.websocket()
        reports = await ws.subscribe("smsmode_delivery_report")
        report = {
            "numero": NUMBER,
            "date_reception": paris_now(),
            "statut": "11",
            "smsID": "sentbeforethecut",
        }
        assert await api.webhook(boot.entry.webhook_path, report) == 200

        await api.call(
            "notify", "smsmode", {"message": "Power back", "target": [NUMBER]}
        )
        assert (await api.state("sensor.smsmode_outbox"))["state"] == "1"

        await asyncio.to_thread(boot.start_simulator)

        async def delivered() -> list[Json] | None:
            return await api.sim_messages_to(NUMBER) or None

        messages = await wait_for(delivered, "the alert never went", DELIVERY_WAIT)
        assert [m["text"] for m in messages] == ["Power back"]
        assert all(
            event["data"]["sms_id"] != "sentbeforethecut"
            for event in [reports.get_nowait() for _ in range(reports.qsize())]
        )

        async def balance() -> Json:
            state = await api.state("sensor.smsmode_balance")
            return state if state["state"] != "unavailable" else None

        await wait_for(balance, "the balance did not come back")

        async def outbox_empty() -> Json | None:
            # The sensor follows the queue's save, which may end after the
            # balance read the send started: wait for it, do not sample it.
            state = await api.state("sensor.smsmode_outbox")
            return state if state["state"] == "0" else None

        await wait_for(outbox_empty, "the outbox never emptied")
        assert len(await api.sim_messages_to(NUMBER)) == 1
    log = boot.hass.log.read_text(errors="replace")
    assert log.count(WARNING) == 1, boot.hass.log_tail()
