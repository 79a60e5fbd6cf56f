"""Reply codes of the smsmode API, in the words each endpoint uses for them.

The reference describes the same code differently per endpoint (61 is "SMS non
trouvé" on deleteSMS.do but "smsID invalide" on smsStatus.do); replies quote
these French descriptions as the real service does.
"""

from typing import Final

OK: Final = 0
INTERNAL_ERROR: Final = 31
AUTHENTICATION_ERROR: Final = 32
INSUFFICIENT_CREDITS: Final = 33
INVALID_PARAMETER: Final = 35
IDENTIFIER_ERROR: Final = 41
UNAVAILABLE: Final = 50
NOT_FOUND: Final = 61

_DEFAULT: Final[dict[int, str]] = {
    OK: "Accepté",
    INTERNAL_ERROR: "Erreur interne",
    AUTHENTICATION_ERROR: "Erreur d'authentification",
    INSUFFICIENT_CREDITS: "Crédits insuffisants",
    INVALID_PARAMETER: "Paramètre obligatoire manquant",
    IDENTIFIER_ERROR: "Identifiant inexistant",
    UNAVAILABLE: "Temporairement inaccessible",
    NOT_FOUND: "SMS non trouvé",
}

_BY_ENDPOINT: Final[dict[str, dict[int, str]]] = {
    "compteRendu.do": {
        INTERNAL_ERROR: "Erreur interne lors de la requête",
        NOT_FOUND: "SMS n'existant pas ou plus",
    },
    "createSubAccount.do": {
        OK: "Création effectuée",
        INVALID_PARAMETER: "Paramètres incorrects",
        IDENTIFIER_ERROR: "Identifiant déjà existant",
    },
    "creditTransfert.do": {
        OK: "Transfert effectué",
        INVALID_PARAMETER: "Paramètres incorrects",
    },
    "addContact.do": {OK: "Contact ajouté"},
    "deleteSMS.do": {OK: "SMS supprimé", INVALID_PARAMETER: "Paramètre incorrect"},
    "smsList.do": {INVALID_PARAMETER: "Paramètre incorrect"},
    "responseList.do": {INVALID_PARAMETER: "Paramètre incorrect"},
    "smsStatus.do": {
        AUTHENTICATION_ERROR: "Echec d'authentification",
        INVALID_PARAMETER: "Paramètre(s) incorrect(s)",
        NOT_FOUND: "smsID invalide",
    },
}

# Codes a fault can make an endpoint answer.
FAULT_CODES: Final = frozenset(_DEFAULT) - {OK}


def describe(endpoint: str, code: int) -> str:
    """Return the description `endpoint` gives for `code`."""
    return _BY_ENDPOINT.get(endpoint, {}).get(code) or _DEFAULT[code]


def code_reply(endpoint: str, code: int, identifier: str | None = None) -> str:
    """Format `code | description` or, with an id, `code | description | id`."""
    fields = [str(code), describe(endpoint, code)]
    if identifier is not None:
        fields.append(identifier)
    return " | ".join(fields)


class ProviderError(Exception):
    """A request smsmode refuses: the endpoint answers `code | description`."""

    def __init__(self, code: int) -> None:
        """Carry the reply code."""
        super().__init__(code)
        self.code = code
