"""What the services answer: sends, queued SMS, statuses, list lines.

Statuses and dates are written as the events write them (event_data.py): an
int code with a stable slug, ISO 8601.
"""

from typing import Any

from .api import DeliveryReportEntry, SendResult, SentSms, analyse, stop_applies
from .budget import SmsBudget
from .event_data import isoformat, status_data
from .outbox_store import QueuedSms
from .send_plan import SmsOutcome, SmsPlan
from .service_schemas import ATTR_NUMBER, ATTR_QUEUED, ATTR_RECIPIENTS, ATTR_SMS_ID


def sent_data(result: SendResult) -> dict[str, Any]:
    """Describe a send: the id, who, how many SMS each, how encoded."""
    return {
        ATTR_SMS_ID: result.sms_id,
        ATTR_RECIPIENTS: list(result.recipients),
        "segments": result.segments,
        "encoding": None if result.encoding is None else result.encoding.value,
    }


def queued_data(item: QueuedSms) -> dict[str, Any]:
    """Describe a message the outbox took: no id yet, what it will cost."""
    sms = item.sms
    analysis = analyse(sms.text, encoding=sms.encoding, stop=sms.stop)
    return {
        ATTR_SMS_ID: None,
        ATTR_RECIPIENTS: list(sms.numbers),
        "segments": analysis.segments,
        "encoding": analysis.encoding.value,
        ATTR_QUEUED: True,
        "outbox_id": item.outbox_id,
    }


def outcome_data(outcome: SmsOutcome) -> dict[str, Any]:
    """Describe a send_sms call: the send (or queued SMS), quiet hours, the guard.

    All suppressed: no id, nobody sent to, `suppressed` lists who and why.
    """
    result = outcome.result
    if result is None:
        data: dict[str, Any] = {
            ATTR_SMS_ID: None,
            ATTR_RECIPIENTS: [],
            "segments": outcome.plan.analysis.segments,
            "encoding": outcome.plan.analysis.encoding.value,
            ATTR_QUEUED: False,
        }
    elif isinstance(result, QueuedSms):
        data = queued_data(result)
    else:
        data = {**sent_data(result), ATTR_QUEUED: False}
    return {**data, **_timing(outcome.plan), "suppressed": dict(outcome.suppressed)}


def _timing(plan: SmsPlan) -> dict[str, Any]:
    """When it goes, and whether quiet hours decided it."""
    when = plan.sms.scheduled_at
    return {
        "scheduled_at": isoformat(when),
        "quiet_hours": plan.quiet_until is not None,
    }


def preview_data(plan: SmsPlan, budget: SmsBudget) -> dict[str, Any]:
    """Describe what a send would be, in send_sms's words where it has them."""
    sms = plan.sms
    analysis = plan.analysis
    refusal = None if plan.critical else budget.refusal(plan.parts)
    return {
        ATTR_RECIPIENTS: list(sms.numbers),
        "invalid_recipients": list(plan.invalid_recipients),
        "group": sms.group,
        "encoding": analysis.encoding.value,
        "characters": len(sms.text),
        "units": analysis.units,
        "segments": analysis.segments,
        "total_segments": plan.parts,
        "max_segments": sms.max_segments,
        "too_long": analysis.segments > sms.max_segments,
        "stop_added": stop_applies(sms.text, sms.stop),
        "replaced_characters": list(plan.replaced),
        "refused_characters": list(plan.refused),
        "text": sms.text,
        "critical": plan.critical,
        **_timing(plan),
        "budget": {
            "refused": refusal is not None,
            "limit": None
            if refusal is None
            else ("monthly" if refusal.monthly else "daily"),
            **budget.left(),
        },
    }


def report_entry_data(entry: DeliveryReportEntry) -> dict[str, Any]:
    """Describe one recipient's line of a delivery report."""
    return {ATTR_NUMBER: entry.number, **status_data(entry.status)}


def sent_sms_data(sms: SentSms) -> dict[str, Any]:
    """Describe one line of the sent-SMS list."""
    return {
        ATTR_SMS_ID: sms.sms_id,
        "sent_at": isoformat(sms.sent_at),
        "text": sms.text,
        "recipient": sms.recipient,
        "cost": sms.cost,
        "recipient_count": sms.recipient_count,
    }
