"""Message status codes of the annex ("Liste récapitulative des statuts").

The same codes appear in delivery reports, delivery callbacks and SMS status replies.

Which codes are final is our reading of the annex, documented per group below:

* waiting states (0 sent, 1 in progress, 10 scheduled, 13 delivered to the operator,
  which the reference calls temporary) are not final;
* campaign-level partial codes (12 partially delivered, 15 partially received) are not
  final: other recipients may still receive the message;
* temporary errors (3501-3504) are not final: the operator retries, and a later report
  may say received;
* 999 undefined and codes outside the annex are not final: nothing says the outcome
  is known, callers bound their polling in time (reports arrive within 48 h);
* every other code is final, including 39 (smsStatus.do's reception error), 40 template (nothing more will happen to it)
  and 101 unread (the message is delivered; a later "read" changes nothing that
  matters for delivery).
"""

from enum import IntEnum


class MessageStatus(IntEnum):
    """Every status code of the annex, with a stable English name.

    Plus 39, which smsStatus.do uses for a reception error (section 11).
    """

    SENT = 0
    IN_PROGRESS = 1
    INTERNAL_ERROR = 2
    SCHEDULED = 10
    RECEIVED = 11
    PARTIALLY_DELIVERED = 12
    DELIVERED_TO_OPERATOR = 13
    DELIVERED = 14
    PARTIALLY_RECEIVED = 15
    LISTENED = 16
    UNDELIVERABLE = 21
    REJECTED = 22
    INSUFFICIENT_CREDIT = 33
    ROUTING_ERROR = 34
    RECEPTION_ERROR = 35
    MESSAGE_ERROR = 36
    EXPIRED = 37
    TOO_LONG = 38
    # Not in the annex: smsStatus.do's code for a reception error (section 11),
    # where 35 means "invalid parameters".
    RECEPTION_FAILED = 39
    TEMPLATE = 40
    NOT_DELIVERED = 50
    READ = 100
    UNREAD = 101
    UNDEFINED = 999
    TEMPORARY_OPERATOR_ERROR = 3501
    TEMPORARY_ABSENCE = 3502
    TEMPORARY_HANDSET_ERROR = 3503
    TEMPORARY_PORTABILITY_ERROR = 3504
    PERMANENT_OPERATOR_ERROR = 3521
    PERMANENT_ABSENCE = 3522
    PERMANENT_HANDSET_ERROR = 3523
    PERMANENT_ANTI_SPAM = 3524
    PERMANENT_CONTENT_ERROR = 3525
    PERMANENT_PORTABILITY_ERROR = 3526
    PERMANENT_ROAMING_ERROR = 3527
    NOT_ROUTABLE = 3560
    OTHER_ERROR = 3599
    INVALID_RECIPIENT = 3998
    BLACKLISTED_RECIPIENT = 3999


_DELIVERED = frozenset(
    {
        MessageStatus.RECEIVED,
        MessageStatus.DELIVERED,
        MessageStatus.LISTENED,
        MessageStatus.READ,
        MessageStatus.UNREAD,
    }
)

_NOT_FINAL = frozenset(
    {
        MessageStatus.SENT,
        MessageStatus.IN_PROGRESS,
        MessageStatus.SCHEDULED,
        MessageStatus.PARTIALLY_DELIVERED,
        MessageStatus.DELIVERED_TO_OPERATOR,
        MessageStatus.PARTIALLY_RECEIVED,
        MessageStatus.UNDEFINED,
        MessageStatus.TEMPORARY_OPERATOR_ERROR,
        MessageStatus.TEMPORARY_ABSENCE,
        MessageStatus.TEMPORARY_HANDSET_ERROR,
        MessageStatus.TEMPORARY_PORTABILITY_ERROR,
    }
)

_KNOWN = frozenset(MessageStatus)


def status_slug(code: int) -> str:
    """Name a code for translations and states: `received`, or `unknown_<code>`."""
    if code in _KNOWN:
        return MessageStatus(code).name.lower()
    return f"unknown_{code}"


def is_final(code: int) -> bool:
    """Whether no further status change is expected (see the module docstring)."""
    return code in _KNOWN and code not in _NOT_FINAL


def is_delivered(code: int) -> bool:
    """Whether the message reached the recipient (received, delivered, listened, read)."""
    return code in _DELIVERED
