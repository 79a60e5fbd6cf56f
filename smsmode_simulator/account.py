"""The simulated smsmode account: keys, credits, messages, replies, contacts.

Every rule that changes state lives here and refuses with a `ProviderError`
carrying smsmode's code, so the HTTP layer only translates.
"""

from datetime import timedelta
import random
import string
from typing import TYPE_CHECKING, Final

from .codes import (
    AUTHENTICATION_ERROR,
    IDENTIFIER_ERROR,
    INSUFFICIENT_CREDITS,
    INVALID_PARAMETER,
    NOT_FOUND,
    ProviderError,
)
from .models import ApiKey, Contact, InboundReply, Message, SubAccount
from .statuses import SENT

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .clock import Clock

# compteRendu.do and smsStatus.do only know SMS of the last 30 days.
RETENTION: Final = timedelta(days=30)
# The number smsmode answers from, and that reply-allowed SMS are sent from.
SMSMODE_NUMBER: Final = "36034"
_ALPHANUMERIC: Final = string.ascii_letters + string.digits
_SMS_ID_LENGTH: Final = 12
_RESPONSE_ID_LENGTH: Final = 10
API_KEY_LENGTH: Final = 32


class Account:
    """One smsmode account with its sub-accounts, contacts and history."""

    def __init__(
        self,
        *,
        clock: Clock,
        name: str,
        api_key: str | None,
        balance: float,
        seed: int | None,
    ) -> None:
        """Open the account with one API key and a balance."""
        self.clock = clock
        self.name = name
        self.balance = balance
        self._random = random.Random(seed)
        self.api_keys: list[ApiKey] = []
        self.add_api_key(api_key or self.new_id(API_KEY_LENGTH))
        self.messages: dict[str, Message] = {}
        self.replies: list[InboundReply] = []
        self.sub_accounts: dict[str, SubAccount] = {}
        self.contacts: list[Contact] = []
        self.groups: dict[str, list[str]] = {}

    def new_id(self, length: int = _SMS_ID_LENGTH) -> str:
        """Return a random letters-and-digits identifier (`S7EpYZ5kmS87`)."""
        return "".join(self._random.choices(_ALPHANUMERIC, k=length))

    def new_response_id(self) -> str:
        """Return a new reply reference (`azertyu123`)."""
        return self.new_id(_RESPONSE_ID_LENGTH)

    def authenticate(self, token: str | None) -> None:
        """Code 32 unless `token` is one of the account's keys."""
        if token is None or all(key.access_token != token for key in self.api_keys):
            raise ProviderError(AUTHENTICATION_ERROR)

    def add_api_key(self, token: str) -> ApiKey:
        """Make a key valid from now on (the older ones stay valid)."""
        key = ApiKey(len(self.api_keys) + 1, token, self.clock.now())
        self.api_keys.append(key)
        return key

    def accept(self, message: Message) -> None:
        """Debit and store a message; code 33 (nothing stored) when credits lack."""
        if message.cost > self.balance:
            raise ProviderError(INSUFFICIENT_CREDITS)
        self.balance -= message.cost
        self.messages[message.sms_id] = message

    def release_due(self) -> None:
        """Send the scheduled messages whose time has come (status 10 → 0)."""
        now = self.clock.now()
        for message in self.messages.values():
            if message.pending and not message.deleted and message.sent_at <= now:
                for recipient in message.recipients:
                    recipient.set_status(SENT, message.sent_at)

    def live_messages(self) -> Iterator[Message]:
        """Messages not deleted, newest first."""
        return (
            message
            for message in reversed(self.messages.values())
            if not message.deleted
        )

    def find_recent(self, sms_id: str) -> Message:
        """Return a message of the last 30 days; code 61 if unknown, deleted or older."""
        message = self.messages.get(sms_id)
        if (
            message is None
            or message.deleted
            or message.accepted_at < self.clock.now() - RETENTION
        ):
            raise ProviderError(NOT_FOUND)
        return message

    def delete(self, *, sms_id: str | None, number: str | None) -> Message:
        """Delete by id, or the newest message sent to `number`; code 61 if none.

        A message still waiting for its scheduled time is never sent, so its credits
        come back.
        """
        if sms_id is not None:
            message = self.messages.get(sms_id)
        else:
            message = next(
                (m for m in self.live_messages() if number in m.numbers), None
            )
        if message is None or message.deleted:
            raise ProviderError(NOT_FOUND)
        if message.pending:
            self.balance += message.cost
        message.deleted = True
        return message

    def create_sub_account(self, sub_account: SubAccount) -> None:
        """Add a sub-account; code 41 when the identifier is taken."""
        if sub_account.pseudo in self.sub_accounts or sub_account.pseudo == self.name:
            raise ProviderError(IDENTIFIER_ERROR)
        self.sub_accounts[sub_account.pseudo] = sub_account

    def transfer(self, target: str, amount: int) -> None:
        """Move credits to a sub-account; 41 when unknown, 33 when too few."""
        sub_account = self.sub_accounts.get(target)
        if sub_account is None:
            raise ProviderError(IDENTIFIER_ERROR)
        if amount > self.balance:
            raise ProviderError(INSUFFICIENT_CREDITS)
        self.balance -= amount
        sub_account.balance += amount

    def add_contact(self, contact: Contact) -> None:
        """Store a contact and put it in its groups, creating missing ones."""
        self.contacts.append(contact)
        for group in contact.groups:
            members = self.groups.setdefault(group, [])
            if contact.mobile not in members:
                members.append(contact.mobile)

    def group_numbers(self, group: str) -> list[str]:
        """Return the numbers of a contact group; code 35 when there is none."""
        members = self.groups.get(group)
        if not members:
            raise ProviderError(INVALID_PARAMETER)
        return list(members)

    def latest_reply_allowed_to(self, number: str) -> Message | None:
        """Return the newest reply-allowed (class 4) SMS sent to `number`, if any."""
        return next(
            (
                message
                for message in self.live_messages()
                if message.message_class == 4 and number in message.numbers
            ),
            None,
        )
