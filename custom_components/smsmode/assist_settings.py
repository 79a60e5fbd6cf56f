"""A recipient's Assist settings, as its subentry stores them (off by default)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import CONF_NAME

from .const import (
    CONF_ASSIST,
    CONF_ASSIST_AGENT,
    CONF_ASSIST_LANGUAGE,
    CONF_ASSIST_PERSON,
    CONF_ASSIST_SECRET,
    CONF_NUMBER,
    SUBENTRY_TYPE_RECIPIENT,
)

# Keys of a recipient's data that belong to Assist (the form's, stored flat).
ASSIST_KEYS = (
    CONF_ASSIST,
    CONF_ASSIST_PERSON,
    CONF_ASSIST_AGENT,
    CONF_ASSIST_LANGUAGE,
    CONF_ASSIST_SECRET,
)


@dataclass(frozen=True, slots=True)
class AssistSettings:
    """Who may talk to Assist from one number, and how.

    `agent_id` and `language` None: Home Assistant's own agent, its language.
    """

    subentry_id: str
    name: str
    number: str
    person: str
    agent_id: str | None
    language: str | None
    secret: str | None


def assist_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the Assist keys of a recipient form's input, empty or off left out."""
    return {
        key: data[key] for key in ASSIST_KEYS if data.get(key) not in (None, "", False)
    }


def assist_settings(subentry: ConfigSubentry) -> AssistSettings | None:
    """Return a recipient's settings when Assist is on for it, else None."""
    data = subentry.data
    if subentry.subentry_type != SUBENTRY_TYPE_RECIPIENT or not data.get(CONF_ASSIST):
        return None
    return AssistSettings(
        subentry_id=subentry.subentry_id,
        name=str(data[CONF_NAME]),
        number=str(data[CONF_NUMBER]),
        person=str(data[CONF_ASSIST_PERSON]),
        agent_id=data.get(CONF_ASSIST_AGENT) or None,
        language=data.get(CONF_ASSIST_LANGUAGE) or None,
        secret=data.get(CONF_ASSIST_SECRET) or None,
    )
