"""The data of the integration's events, one builder per way a callback arrives.

A reply read from smsmode's list is shaped like one the webhook received, so an
automation sees the same keys whichever way it came; `smsmode.list_replies`
answers with the same shape.
"""

from datetime import datetime
from typing import Any

from .api import (
    DeliveryCallback,
    Reply,
    ReplyCallback,
    is_delivered,
    is_final,
    status_slug,
)


def isoformat(value: datetime | None) -> str | None:
    """Write a date in ISO 8601; None when smsmode's could not be read."""
    return None if value is None else value.isoformat()


def status_data(status: int) -> dict[str, Any]:
    """Describe a status: int code, stable slug, what it means for delivery."""
    return {
        "status": status,
        "status_name": status_slug(status),
        "delivered": is_delivered(status),
        "final": is_final(status),
    }


def reply_callback_data(reply: ReplyCallback) -> dict[str, Any]:
    """Event data of a reply received by the webhook."""
    return {
        "sender": reply.sender,
        "message": reply.message,
        "received_at": isoformat(reply.received_at),
        "sms_id": reply.sms_id,
        "ref_client": reply.ref_client,
        "response_id": reply.response_id,
        "smsmode_number": reply.smsmode_number,
    }


def reply_list_data(reply: Reply) -> dict[str, Any]:
    """Event data of a reply read from the list, shaped like the webhook's.

    The list gives no `refClient`, and its dates stop at the minute.
    """
    return {
        "sender": reply.sender,
        "message": reply.text,
        "received_at": reply.received_at.isoformat(),
        "sms_id": reply.sms_id,
        "ref_client": None,
        "response_id": reply.response_id,
        "smsmode_number": reply.recipient,
    }


def delivery_report_data(report: DeliveryCallback) -> dict[str, Any]:
    """Event data of a delivery-report callback."""
    return {
        "number": report.number,
        **status_data(report.status),
        "received_at": isoformat(report.received_at),
        "sms_id": report.sms_id,
        "ref_client": report.ref_client,
        "mcc_mnc": report.mcc_mnc,
        "cost": report.cost,
    }
