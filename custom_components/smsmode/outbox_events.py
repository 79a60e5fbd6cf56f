"""The outbox's events: an SMS queued, sent after all, or given up.

Automations tell "sent late" from "given up" by them, and the outbox id ties
the three to one SMS: every queued SMS ends with one of the last two. No text:
it may be private.
"""

from dataclasses import replace
from datetime import timedelta
import logging
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .api import SmsmodeError, SmsmodeInsufficientCreditsError
from .const import EVENT_QUEUED_SMS_SENT, EVENT_SEND_FAILED, EVENT_SEND_QUEUED, LOGGER
from .outbox_store import QueuedSms

# Why a queued SMS was given up, in `smsmode_send_failed` (public names).
FAILED_EXPIRED: Final = "expired"
FAILED_CREDITS: Final = "insufficient_credits"
FAILED_REFUSED: Final = "refused"
FAILED_FULL: Final = "outbox_full"
# Taken back by its sender (an ended alert's step): logged at info level.
FAILED_WITHDRAWN: Final = "withdrawn"
WITHDRAWN_ERROR: Final = "Taken back before it went: its alert ended"


def _event_data(entry_id: str, item: QueuedSms) -> dict[str, Any]:
    return {"config_entry_id": entry_id, **item.event_data()}


@callback
def async_fire_queued(
    hass: HomeAssistant, entry_id: str, item: QueuedSms, error: str, next_attempt: float
) -> None:
    """Tell that an SMS was queued, why, and when the outbox tries next."""
    LOGGER.warning("An SMS is queued, to be sent when smsmode can take it: %s", error)
    hass.bus.async_fire(
        EVENT_SEND_QUEUED,
        {
            **_event_data(entry_id, item),
            "error": error,
            "may_have_been_sent": item.outcome_unknown,
            "next_attempt": dt_util.utc_from_timestamp(next_attempt).isoformat(),
        },
    )


@callback
def async_fire_sent(
    hass: HomeAssistant,
    entry_id: str,
    item: QueuedSms,
    sms_id: str,
    *,
    attempts: int,
    found: bool,
) -> None:
    """Tell that a queued SMS went (`found`: an earlier attempt had reached smsmode)."""
    hass.bus.async_fire(
        EVENT_QUEUED_SMS_SENT,
        {
            **_event_data(entry_id, item),
            "attempts": attempts,
            "sms_id": sms_id,
            "found_in_sent_list": found,
        },
    )


@callback
def _async_fire_failed(
    hass: HomeAssistant,
    entry_id: str,
    item: QueuedSms,
    reason: str,
    error: str,
    *,
    level: int = logging.ERROR,
) -> None:
    """Tell that an SMS was given up, and whether it may have gone all the same.

    `may_have_been_sent`: its last attempt may have reached smsmode, so nobody
    should send it again by hand before checking.
    """
    LOGGER.log(level, "A queued SMS was given up (%s): %s", reason, error)
    hass.bus.async_fire(
        EVENT_SEND_FAILED,
        {
            **_event_data(entry_id, item),
            "reason": reason,
            "error": error,
            "may_have_been_sent": item.outcome_unknown,
        },
    )


@callback
def async_fire_refused(
    hass: HomeAssistant, entry_id: str, item: QueuedSms, err: SmsmodeError
) -> None:
    """Tell that smsmode refused a queued SMS for good (credits, a parameter)."""
    reason = (
        FAILED_CREDITS
        if isinstance(err, SmsmodeInsufficientCreditsError)
        else FAILED_REFUSED
    )
    _async_fire_failed(hass, entry_id, item, reason, str(err))


@callback
def async_fire_expired(
    hass: HomeAssistant, entry_id: str, item: QueuedSms, horizon: timedelta
) -> None:
    """Tell that a queued SMS was not sent within the horizon."""
    _async_fire_failed(
        hass, entry_id, item, FAILED_EXPIRED, f"Not sent within {horizon}"
    )


@callback
def async_fire_evicted(hass: HomeAssistant, entry_id: str, item: QueuedSms) -> None:
    """Tell that the oldest SMS made room for a new one in a full outbox."""
    _async_fire_failed(hass, entry_id, item, FAILED_FULL, "The outbox is full")


@callback
def async_fire_withdrawn(hass: HomeAssistant, entry_id: str, item: QueuedSms) -> None:
    """Tell that a queued SMS never went: taken back, and not in smsmode's list."""
    _async_fire_failed(
        hass,
        entry_id,
        replace(item, outcome_unknown=False),
        FAILED_WITHDRAWN,
        WITHDRAWN_ERROR,
        level=logging.INFO,  # taken back on purpose: not an error
    )
