"""What the services answer: sends, queued SMS, statuses, list lines.

Statuses and dates are written as the events write them (event_data.py): an
int code with a stable slug, ISO 8601.
"""

from typing import Any

from .api import DeliveryReportEntry, SendResult, SentSms, analyse
from .event_data import isoformat, status_data
from .outbox_store import QueuedSms
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
