"""Constants of the smsmode HTTP API: where it lives and how it is reached."""

from typing import Final
from zoneinfo import ZoneInfo

DEFAULT_BASE_URL: Final = "https://api.smsmode.com"
DEFAULT_TIMEOUT: Final = 10.0
DEFAULT_REGION: Final = "FR"

# smsmode is a French service: every date it reads or writes is Paris local time.
PARIS: Final = ZoneInfo("Europe/Paris")

# The languages a voice message can speak: a plain identifier for each (lower
# case, fit for a settings key) and smsmode's spelling, the only one it takes.
VOICE_LANGUAGES: Final = {
    "fr_fr": "fr-FR",
    "en_gb": "en-GB",
    "de_de": "de-DE",
    "es_es": "es-ES",
}

# Limits of the reference: lines one list request returns (`offset`, also its
# default), and a sub-account identifier's length.
SENT_LIST_MAX: Final = 10000
LIST_DEFAULT_COUNT: Final = 50
PSEUDO_MAX_LENGTH: Final = 50

PATH_CREATE_API_KEY: Final = "/http/2.0/createAuthorisation.do"
PATH_SEND_SMS: Final = "/http/1.6/sendSMS.do"
PATH_DELIVERY_REPORT: Final = "/http/1.6/compteRendu.do"
PATH_BALANCE: Final = "/http/1.6/credit.do"
PATH_CREATE_SUB_ACCOUNT: Final = "/http/1.6/createSubAccount.do"
PATH_TRANSFER_CREDITS: Final = "/http/1.6/creditTransfert.do"
PATH_ADD_CONTACT: Final = "/http/1.6/addContact.do"
PATH_DELETE_SMS: Final = "/http/1.6/deleteSMS.do"
PATH_SENT_SMS_LIST: Final = "/http/1.6/smsList.do"
PATH_SMS_STATUS: Final = "/http/1.6/smsStatus.do"
PATH_REPLY_LIST: Final = "/http/1.6/responseList.do"
PATH_SEND_VOICE: Final = "/http/1.6/sendVoiceMessage.do"
PATH_SEND_BATCH: Final = "/http/1.6/sendSMSBatch.do"
