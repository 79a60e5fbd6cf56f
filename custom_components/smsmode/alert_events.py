"""The events of escalating alerts: a step taken, acknowledged, nobody answered.

Automations follow an alert by its id in all three; `after` is in seconds
from when the alert started, so "answered within 10 minutes" is a condition.
"""

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .alert_model import Alert, AlertContact
from .const import (
    EVENT_ALERT_ACKNOWLEDGED,
    EVENT_ALERT_ESCALATED,
    EVENT_ALERT_EXHAUSTED,
    LOGGER,
)

HOW_SMS = "sms"
HOW_SERVICE = "service"


def _base(entry_id: str, alert: Alert) -> dict[str, Any]:
    return {
        "config_entry_id": entry_id,
        "alert_id": alert.alert_id,
        "message": alert.message,
    }


def _after(alert: Alert) -> float:
    return round((dt_util.utcnow() - alert.started_at).total_seconds(), 3)


@callback
def async_fire_escalated(
    hass: HomeAssistant, entry_id: str, alert: Alert, step: int
) -> None:
    """Tell that a step went (or was queued, or failed) to its contact."""
    current = alert.steps[step]
    sent = alert.sent[step]
    hass.bus.async_fire(
        EVENT_ALERT_ESCALATED,
        {
            **_base(entry_id, alert),
            "step": step + 1,
            "steps": len(alert.steps),
            "round": current.round,
            "contact": current.contact.name,
            "number": current.contact.number,
            "channel": current.channel,
            "sms_id": sent.sms_id,
            "queued": sent.queued,
            "error": sent.error,
        },
    )


@callback
def async_fire_acknowledged(
    hass: HomeAssistant,
    entry_id: str,
    alert: Alert,
    *,
    by: str | None,
    contact: AlertContact | None,
) -> None:
    """Tell who acknowledged an alert, how, and after how long."""
    hass.bus.async_fire(
        EVENT_ALERT_ACKNOWLEDGED,
        {
            **_base(entry_id, alert),
            "by": by,
            "number": None if contact is None else contact.number,
            "how": HOW_SERVICE if contact is None else HOW_SMS,
            "step": alert.step + 1,
            "after": _after(alert),
        },
    )


@callback
def async_fire_exhausted(hass: HomeAssistant, entry_id: str, alert: Alert) -> None:
    """Tell that every step went unanswered: nobody has the alert."""
    LOGGER.warning(
        "Nobody acknowledged an escalating alert after %d step(s)", len(alert.steps)
    )
    hass.bus.async_fire(
        EVENT_ALERT_EXHAUSTED,
        {
            **_base(entry_id, alert),
            "steps": len(alert.steps),
            "rounds": alert.rounds,
            "after": _after(alert),
        },
    )
