"""6d. Event loop on a fresh process: phonenumbers metadata met for the first time.

phonenumbers reads a country's metadata from disk the first time it meets a
number of that country. In the test suite most countries are first met by
synchronous tests of the client, so where the integration itself would load
them is hidden. Here a fresh process (only France's metadata loaded, by the
integration's import) sends one `notify.smsmode` to numbers of 14 countries and
records, for each metadata module loaded, the thread that loaded it and whether
that thread was running the event loop. The event loop's longest stall during
the send is measured too.
"""

import threading
from typing import Final

from homeassistant.core import HomeAssistant

from custom_components.smsmode.const import DOMAIN

from .conftest import setup_entry
from .support import LatencySimulator, LoopMonitor, emit, ms, recording_metadata, table

# One valid mobile number (or fixed line, for the US) per country, as typed.
FOREIGN_NUMBERS: Final = (
    "+44 7400 123456",  # GB
    "+49 1512 3456789",  # DE
    "+34 612 34 56 78",  # ES
    "+39 312 345 6789",  # IT
    "+32 470 12 34 56",  # BE
    "+41 78 123 45 67",  # CH
    "+1 201 555 0123",  # US
    "+31 6 12345678",  # NL
    "+351 912 345 678",  # PT
    "+48 512 345 678",  # PL
    "+81 90 1234 5678",  # JP
    "+212 650 123456",  # MA
    "+262 692 12 34 56",  # RE
    "+352 628 123 456",  # LU
)


async def test_metadata_first_met(
    hass: HomeAssistant, simulator: LatencySimulator
) -> None:
    """Send to 14 countries' numbers; report where their metadata loaded."""
    entry, _, _ = await setup_entry(hass, simulator)
    with (
        recording_metadata(threading.get_ident()) as recorder,
        LoopMonitor() as monitor,
    ):
        await hass.services.async_call(
            "notify",
            DOMAIN,
            {"message": "Bonjour", "target": list(FOREIGN_NUMBERS)},
            blocking=True,
        )
    await hass.config_entries.async_unload(entry.entry_id)
    on_loop = [load for load in recorder.loads if load.on_loop_thread]
    emit(
        table(
            f"6d. Event loop: phonenumbers metadata first met by notify.smsmode "
            f"(fresh process, {len(FOREIGN_NUMBERS)} countries; loop max stall "
            f"{ms(monitor.max_stall)})",
            ["region", "thread", "on the event loop", "time"],
            [
                [
                    load.module,
                    load.thread,
                    "YES" if load.on_loop_thread else "no",
                    ms(load.seconds),
                ]
                for load in recorder.loads
            ]
            or [["(none)", "", "", ""]],
        )
        + "\nMetadata loaded on the event loop by the integration: "
        + (
            "none (target met)"
            if not on_loop
            else ", ".join(load.module for load in on_loop) + " (target NOT met)"
        )
        + "\n"
    )
