"""Set where Home Assistant listens, before it starts, without a trial to confirm.

Since 2026.10 Home Assistant keeps its HTTP settings in `.storage/http`, not in
`configuration.yaml`: an `http:` block is moved there once, as a *trial* that
must be confirmed in the web interface within five minutes (or Home Assistant
restarts on the defaults, every interface, port 8123), and is ignored on every
later start. `scripts/develop` and the end-to-end tests choose the port at each
start, so they write the store themselves: confirmed settings (`stable`), the
YAML migration marked done, nothing pending. The store's layout, versions and
validation are taken from the installed Home Assistant, not repeated here: 2026.11
moved the store to version 3 (TLS profiles named by guideline version, the
default now `intermediate_v6`), and the same code writes both.

    python scripts/ha_http_store.py CONFIG_DIR HOST PORT
"""

import argparse
from datetime import UTC, datetime
import json
from pathlib import Path
from typing import Any


def http_store(host: str, port: int) -> dict[str, Any]:
    """Return the content of `.storage/http` for settings already confirmed."""
    from homeassistant.components.http import config  # noqa: PLC0415

    settings = config.HTTP_STORAGE_SCHEMA({"server_host": [host], "server_port": port})
    return {
        "version": config.STORAGE_VERSION,
        "minor_version": config.STORAGE_MINOR_VERSION,
        "key": config.STORAGE_KEY,
        "data": {
            config.KEY_STABLE: {
                **settings,
                config.HTTP_CONFIG_CREATED_AT: datetime.now(UTC).isoformat(),
                config.HTTP_CONFIG_ERROR: None,
                config.HTTP_CONFIG_ERROR_MESSAGE: None,
            },
            config.KEY_PENDING: None,
            config.KEY_YAML_MIGRATION_DONE: True,
        },
    }


def write_http_store(config_dir: Path, host: str, port: int) -> Path:
    """Write `.storage/http` in a configuration folder; return its path."""
    path = config_dir / ".storage" / "http"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(http_store(host, port), indent=2) + "\n")
    return path


def main() -> None:
    """Parse the command line and write the store."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("config_dir", type=Path)
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    args = parser.parse_args()
    write_http_store(args.config_dir, args.host, args.port)


if __name__ == "__main__":
    main()
