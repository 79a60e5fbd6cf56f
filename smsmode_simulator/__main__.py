"""Run the simulator on its own: `python -m smsmode_simulator --port 8080`.

It prints its URL and API key, makes delivery reports progress on their own with
`--auto-delivery`, and stops cleanly on Ctrl-C or SIGTERM.
"""

import argparse
import asyncio
from contextlib import suppress
import signal

from .simulator import DEFAULT_BALANCE, Simulator

_DEFAULT_PORT = 8765
_DEFAULT_DELIVERY_DELAY = 2.0


def _positive(value: str) -> float:
    """Parse a strictly positive number of seconds."""
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return number


def _parser() -> argparse.ArgumentParser:
    """Build the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="python -m smsmode_simulator",
        description="A local stand-in for api.smsmode.com (HTTP API 1.6).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=_DEFAULT_PORT, help="port (0: any free port)"
    )
    parser.add_argument("--api-key", help="the account's API key (default: random)")
    parser.add_argument(
        "--credits", type=float, default=DEFAULT_BALANCE, help="starting balance"
    )
    parser.add_argument(
        "--auto-delivery",
        action="store_true",
        help="make delivery reports progress on their own",
    )
    parser.add_argument(
        "--delivery-delay",
        type=_positive,
        default=_DEFAULT_DELIVERY_DELAY,
        help="seconds between two delivery statuses with --auto-delivery",
    )
    parser.add_argument(
        "--reply-url", help="account-level URL for inbound-reply callbacks"
    )
    parser.add_argument("--seed", type=int, help="make ids and keys repeatable")
    return parser


async def _serve(arguments: argparse.Namespace) -> None:
    """Serve until SIGINT or SIGTERM."""
    simulator = Simulator(
        api_key=arguments.api_key,
        balance=arguments.credits,
        auto_delivery_delay=arguments.delivery_delay
        if arguments.auto_delivery
        else None,
        reply_notification_url=arguments.reply_url,
        seed=arguments.seed,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    url = await simulator.start(arguments.host, arguments.port)
    print(f"smsmode simulator listening on {url}", flush=True)  # noqa: T201
    print(f"API key: {simulator.api_key}", flush=True)  # noqa: T201
    try:
        await stop.wait()
    finally:
        await simulator.stop()


def main() -> None:
    """Parse the command line and serve."""
    arguments = _parser().parse_args()
    with suppress(KeyboardInterrupt):
        asyncio.run(_serve(arguments))


if __name__ == "__main__":
    main()
