"""A stateful local stand-in for api.smsmode.com, to test smsmode clients against.

It serves every endpoint of the HTTP API 1.6 (and API-key creation of 2.0) with
the reply formats, codes and text decoding of the reference, keeps the account's
state (credits, messages, delivery reports, replies, contacts, sub-accounts),
makes the delivery and reply callbacks, and injects faults. It is written from the
reference alone, never from the integration's code, so it can judge the client.

Use it from tests (`Simulator`, or the `smsmode_simulator` pytest fixture of
`smsmode_simulator.pytest_plugin`) or on its own: `python -m smsmode_simulator`.
"""

from .clock import PARIS, Clock
from .errors import SimulatorError
from .faults import Fault, FaultKind
from .models import (
    CallbackRecord,
    Contact,
    InboundReply,
    Message,
    MessageKind,
    Recipient,
    RecordedRequest,
    StatusChange,
    SubAccount,
)
from .simulator import Simulator

__all__ = [
    "PARIS",
    "CallbackRecord",
    "Clock",
    "Contact",
    "Fault",
    "FaultKind",
    "InboundReply",
    "Message",
    "MessageKind",
    "Recipient",
    "RecordedRequest",
    "Simulator",
    "SimulatorError",
    "StatusChange",
    "SubAccount",
]
