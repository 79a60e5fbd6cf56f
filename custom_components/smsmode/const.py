"""Names and defaults shared by the smsmode integration's modules."""

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

from .api import DEFAULT_BASE_URL, MAX_SEGMENTS, StopMode

DOMAIN: Final = "smsmode"
LOGGER = logging.getLogger(__package__)

DEFAULT_URL: Final = DEFAULT_BASE_URL

# Options (options flow); every one has a default so an entry works untouched.
CONF_SENDER: Final = "sender"
CONF_STOP: Final = "stop"
CONF_REPLY_ALLOWED: Final = "reply_allowed"
CONF_MAX_SEGMENTS: Final = "max_segments"
CONF_ENCODING_POLICY: Final = "encoding_policy"
CONF_DELIVERY_REPORTS: Final = "delivery_reports"
CONF_BALANCE_INTERVAL: Final = "balance_interval"
CONF_LOW_CREDIT_THRESHOLD: Final = "low_credit_threshold"
# Minutes between two reads of replies and of delivery reports ("Polling
# interval"; the key predates report polling and is kept for stored options).
CONF_REPLY_POLL_INTERVAL: Final = "reply_poll_interval"
CONF_QUEUE_FAILED_SENDS: Final = "queue_failed_sends"
CONF_OUTBOX_HORIZON: Final = "outbox_horizon"
# Assist by SMS: messages one number may send, per hour and per day.
CONF_ASSIST_HOURLY_LIMIT: Final = "assist_hourly_limit"
CONF_ASSIST_DAILY_CAP: Final = "assist_daily_cap"
# Spend control: budgets in SMS parts (0: none), quiet hours (local "HH:MM:SS",
# none by default), the runaway guard (per recipient and hour; repeats, seconds).
CONF_DAILY_LIMIT: Final = "daily_limit"
CONF_MONTHLY_LIMIT: Final = "monthly_limit"
CONF_QUIET_START: Final = "quiet_hours_start"
CONF_QUIET_END: Final = "quiet_hours_end"
CONF_GUARD_PER_HOUR: Final = "guard_per_hour"
CONF_GUARD_REPEAT_WINDOW: Final = "guard_repeat_window"

# Stored in entry.data beside CONF_API_KEY, CONF_URL and CONF_WEBHOOK_ID.
CONF_CLOUDHOOK_URL: Final = "cloudhook_url"

# Recipients are config subentries of this type, holding a name and a number.
SUBENTRY_TYPE_RECIPIENT: Final = "recipient"
CONF_NUMBER: Final = "number"
# Assist by SMS, per recipient (assist.py); off unless CONF_ASSIST is true.
CONF_ASSIST: Final = "assist"
CONF_ASSIST_PERSON: Final = "assist_person"
CONF_ASSIST_AGENT: Final = "assist_agent"
CONF_ASSIST_LANGUAGE: Final = "assist_language"
CONF_ASSIST_SECRET: Final = "assist_secret"  # noqa: S105 (a key, not the word)


class EncodingPolicy(StrEnum):
    """What to do with text outside the GSM character set."""

    AUTO = "auto"  # send as Unicode (class 9) when needed
    GSM_REPLACE = "gsm_replace"  # keep GSM: replace what it cannot carry
    GSM_REFUSE = "gsm_refuse"  # keep GSM: refuse text it cannot carry


# The STOP option's values (settings and fields): each of smsmode's `stop`
# modes by its name in lower case.
STOP_OPTIONS: Final = {mode.name.lower(): mode for mode in StopMode}
DEFAULT_STOP: Final = StopMode.NONE.name.lower()
DEFAULT_REPLY_ALLOWED: Final = False
DEFAULT_MAX_SEGMENTS: Final = MAX_SEGMENTS
DEFAULT_ENCODING_POLICY: Final = EncodingPolicy.AUTO
DEFAULT_DELIVERY_REPORTS: Final = True
DEFAULT_BALANCE_INTERVAL: Final = timedelta(minutes=30)
MIN_BALANCE_INTERVAL_MINUTES: Final = 5
DEFAULT_LOW_CREDIT_THRESHOLD: Final = 10.0
# Reply polling (reply_poller.py), minutes; 0 turns it off. Right after a
# reply-allowed SMS, when an answer is most likely, the list is read every minute.
DEFAULT_REPLY_POLL_INTERVAL: Final = 5
MAX_REPLY_POLL_INTERVAL: Final = 1440
REPLY_EXPECTED_INTERVAL: Final = timedelta(minutes=1)
REPLY_EXPECTED_FOR: Final = timedelta(minutes=30)
# smsmode keeps replies (and answers about SMS) for 30 days.
REPLY_WINDOW: Final = timedelta(days=30)
# Operators report within 48 hours (section 4 of the reference).
REPORT_WINDOW: Final = timedelta(hours=48)
# The outbox (outbox.py): on by default; a queued SMS is given up after the
# horizon, in hours.
DEFAULT_QUEUE_FAILED_SENDS: Final = True
DEFAULT_OUTBOX_HORIZON: Final = 24
MAX_OUTBOX_HORIZON: Final = 72
# Assist by SMS: a conversation is a few messages a minute at most; a hundred
# answers a day is a bill worth stopping.
DEFAULT_ASSIST_HOURLY_LIMIT: Final = 10
DEFAULT_ASSIST_DAILY_CAP: Final = 30
MAX_ASSIST_MESSAGES: Final = 500
# Spend control. The guard's defaults are far above what a home sends: 30 SMS an
# hour to one person, the same text to the same person at most once in 10
# seconds (a loop repeats within milliseconds; a door opened twice, not).
DEFAULT_DAILY_LIMIT: Final = 0
DEFAULT_MONTHLY_LIMIT: Final = 0
DEFAULT_GUARD_PER_HOUR: Final = 30
MAX_GUARD_PER_HOUR: Final = 1000
DEFAULT_GUARD_REPEAT_WINDOW: Final = 10
MAX_GUARD_REPEAT_WINDOW: Final = 86400
# The `priority` of one SMS: critical ones pass budgets, quiet hours and the guard.
PRIORITY_NORMAL: Final = "normal"
PRIORITY_CRITICAL: Final = "critical"
# Escalating alerts: each step waits for the acknowledgement this long by default,
# never less than the minimum (an SMS takes seconds to arrive, a person longer).
DEFAULT_ALERT_STEP_WAIT: Final = timedelta(minutes=5)
MIN_ALERT_STEP_WAIT: Final = timedelta(seconds=30)
DEFAULT_ALERT_WORD: Final = "OK"
MAX_ALERT_ROUNDS: Final = 10

# Bus events fired for smsmode's callbacks (public names used in automations).
EVENT_MESSAGE_RECEIVED: Final = "smsmode_message_received"
EVENT_DELIVERY_REPORT: Final = "smsmode_delivery_report"
# Bus events of the outbox.
EVENT_SEND_QUEUED: Final = "smsmode_send_queued"
EVENT_SEND_FAILED: Final = "smsmode_send_failed"
EVENT_QUEUED_SMS_SENT: Final = "smsmode_queued_sms_sent"
# Bus event of Assist by SMS: one per answer sent.
EVENT_ASSIST_ANSWERED: Final = "smsmode_assist_answered"
# Bus events of spend control.
EVENT_SEND_SCHEDULED: Final = "smsmode_send_scheduled"
EVENT_SEND_SUPPRESSED: Final = "smsmode_send_suppressed"
# Bus events of escalating alerts.
EVENT_ALERT_ESCALATED: Final = "smsmode_alert_escalated"
EVENT_ALERT_ACKNOWLEDGED: Final = "smsmode_alert_acknowledged"
EVENT_ALERT_EXHAUSTED: Final = "smsmode_alert_exhausted"

# Repair issue ids (suffixed with the entry id).
ISSUE_LOW_CREDIT: Final = "low_credit"
ISSUE_INSUFFICIENT_CREDITS: Final = "insufficient_credits"
ISSUE_NO_EXTERNAL_URL: Final = "no_external_url"
ISSUE_CALLBACK_URL_NOT_HTTPS: Final = "callback_url_not_https"
ISSUE_OUTBOX_STUCK: Final = "outbox_stuck"
ISSUE_OUTBOX_UNREADABLE: Final = "outbox_unreadable"
ISSUE_CALLBACKS_REFUSED: Final = "callbacks_refused"
ISSUE_ASSIST_STOPPED: Final = "assist_stopped"
ISSUE_DAILY_LIMIT: Final = "daily_limit_reached"
ISSUE_MONTHLY_LIMIT: Final = "monthly_limit_reached"
ISSUE_SENDS_SUPPRESSED: Final = "sends_suppressed"
