"""Message statuses (the reference's annex) and the status of a whole campaign.

Per-recipient statuses are what compteRendu.do and the delivery callbacks report;
smsStatus.do reports one status for the message, with its own descriptions.
"""

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

SENT: Final = 0
SCHEDULED: Final = 10
RECEIVED: Final = 11
PARTIALLY_DELIVERED: Final = 12
DELIVERED_TO_OPERATOR: Final = 13
PARTIALLY_RECEIVED: Final = 15
LISTENED: Final = 16
ROUTING_ERROR: Final = 34
RECEPTION_ERROR: Final = 35
# smsStatus.do uses 35 for "bad parameters" and reports a reception error as 39.
STATUS_RECEPTION_ERROR: Final = 39

ANNEX: Final[dict[int, str]] = {
    0: "Envoyé",
    1: "En cours",
    2: "Erreur interne",
    10: "Programmé",
    11: "Reçu",
    12: "Partiellement délivré",
    13: "Délivré opérateur",
    14: "Délivré",
    15: "Partiellement reçu",
    16: "Ecouté",
    21: "Non délivrable",
    22: "Rejeté",
    33: "Non envoyé - crédit insuffisant",
    34: "Erreur routage",
    35: "Erreur réception",
    36: "Erreur message",
    37: "Message expiré",
    38: "Message trop long",
    40: "Modèle",
    50: "Non délivré",
    100: "Lu",
    101: "Non lu",
    999: "Indéfini",
    3501: "Erreur temporaire opérateur",
    3502: "Erreur temporaire absence",
    3503: "Erreur temporaire téléphone",
    3504: "Erreur temporaire portabilité",
    3521: "Erreur permanente opérateur",
    3522: "Erreur permanente absence",
    3523: "Erreur permanente téléphone",
    3524: "Erreur permanente anti spam",
    3525: "Erreur permanente contenu",
    3526: "Erreur permanente portabilité",
    3527: "Erreur permanente roaming",
    3560: "Erreur non routable",
    3599: "Erreur autre",
    3998: "Destinataire invalide",
    3999: "Destinataire blacklisté",
}

# smsStatus.do's own wording (section 11), where it differs from the annex.
_SMS_STATUS_WORDING: Final[dict[int, str]] = {
    2: "Non envoyé - erreur interne",
    10: "Envoi programmé",
    13: "Délivré",
    STATUS_RECEPTION_ERROR: "Erreur réception",
    3998: "Numéro invalide",
}


def sms_status_description(status: int) -> str:
    """Return the description smsStatus.do gives a status."""
    return _SMS_STATUS_WORDING.get(status) or ANNEX.get(status, ANNEX[999])


def campaign_status(statuses: Sequence[int]) -> int:
    """One status for a message from its recipients' statuses.

    All alike: that status. Otherwise "partially received" when someone received
    it, "partially delivered" when it reached an operator, "sent" while some are
    still in transit, else the first recipient's. A reception error is reported as
    39, smsStatus.do's code for it.
    """
    distinct = set(statuses)
    if len(distinct) == 1:
        status = statuses[0]
    elif RECEIVED in distinct:
        status = PARTIALLY_RECEIVED
    elif DELIVERED_TO_OPERATOR in distinct:
        status = PARTIALLY_DELIVERED
    elif SENT in distinct:
        status = SENT
    else:
        status = statuses[0]
    return STATUS_RECEPTION_ERROR if status == RECEPTION_ERROR else status
