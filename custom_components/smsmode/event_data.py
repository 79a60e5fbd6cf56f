"""The data of the integration's events, from what smsmode lists or calls back.

Every reply event comes from smsmode's reply list (a reply callback is only
confirmed against it), so an automation sees the same keys whichever way it
came; `smsmode.list_replies` answers with the same shape.
"""

from datetime import datetime
from typing import Any

from .api import DeliveryCallback, Reply, is_delivered, is_final, status_slug


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


def reply_list_data(reply: Reply) -> dict[str, Any]:
    """Event data of a reply read from the list.

    The list gives no `refClient` (the reply links give it, reply_links.py),
    and its dates stop at the minute.
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
