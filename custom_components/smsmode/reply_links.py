"""A reply fired as an event, linked to what it answers and to who sent it.

Replies come read from smsmode's own list (by polling, or to confirm a
callback): their id, sender, text and the SMS they answer are smsmode's. The
rest is ours: when that SMS went through this integration with replies allowed,
the event says which text and refClient it had (`reply_to_*`, top level so that
a `wait_for_trigger` can match them), and `recipient` names the saved recipient
whose number sent the reply.
"""

from datetime import datetime
from typing import Any

from homeassistant.core import callback

from .api import Reply
from .const import SUBENTRY_TYPE_RECIPIENT
from .coordinator import SmsmodeConfigEntry
from .event_data import reply_list_data
from .inbox import SmsmodeInbox
from .sent_memory import SmsmodeSentMemory


@callback
def saved_recipient_name(entry: SmsmodeConfigEntry, number: str) -> str | None:
    """Return the name of the saved recipient with this number, if any.

    A recipient's unique id is its number as smsmode writes it (recipient_flow.py).
    """
    for subentry in entry.subentries.values():
        if (
            subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT
            and subentry.unique_id == number
        ):
            return subentry.title
    return None


@callback
def linked_reply_data(
    entry: SmsmodeConfigEntry,
    memory: SmsmodeSentMemory,
    reply: Reply,
    *,
    received_at: datetime | None = None,
) -> dict[str, Any]:
    """Event data of a reply from smsmode's list, with what it answers.

    `received_at` (a callback's, to the second) replaces the list's date, which
    stops at the minute, when both name the same minute.
    """
    data = reply_list_data(reply)
    if received_at is not None and received_at.replace(
        second=0, microsecond=0
    ) == reply.received_at.replace(second=0, microsecond=0):
        data["received_at"] = received_at.isoformat()
    sent = None if reply.sms_id is None else memory.lookup(reply.sms_id)
    if sent is not None and not sent.reply_allowed:
        sent = None
    data["ref_client"] = None if sent is None else sent.ref_client
    data["reply_to_sms_id"] = None if sent is None else sent.sms_id
    data["reply_to_ref_client"] = data["ref_client"]
    data["reply_to_message"] = None if sent is None else sent.message
    data["recipient"] = saved_recipient_name(entry, reply.sender)
    return data


@callback
def async_fire_reply(
    entry: SmsmodeConfigEntry,
    inbox: SmsmodeInbox,
    memory: SmsmodeSentMemory,
    reply: Reply,
    *,
    received_at: datetime | None = None,
) -> bool:
    """Fire `smsmode_message_received` for a reply of the list, once."""
    return inbox.async_reply(
        linked_reply_data(entry, memory, reply, received_at=received_at)
    )
