"""The integration in a running Home Assistant, driven only through its APIs."""

from datetime import datetime
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from tests_e2e.client import Api, Json, next_event, wait_for
from tests_e2e.conftest import STARTING_CREDITS, Entry, Hass

PARIS = ZoneInfo("Europe/Paris")
BALANCE = "sensor.smsmode_balance"
RECEIVED = "event.smsmode_received_sms"
REPORT = "event.smsmode_delivery_report"


def paris_now(fmt: str) -> str:
    """Return the time now in Paris, in one of smsmode's callback formats."""
    return datetime.now(PARIS).strftime(fmt)


async def balance_matches_simulator(api: Api) -> float | None:
    """Return the balance when the sensor shows the simulator's, else None."""
    simulated = (await api.sim("GET", "/state"))["balance"]
    state = await api.state(BALANCE)
    if state is not None and float(state["state"]) == simulated:
        return float(simulated)
    return None


async def test_home_assistant_started_normally(api: Api, hass: Hass) -> None:
    """Start the configuration in normal mode, with the integration loaded."""
    config = await api.rest("GET", "/api/config")
    assert config["recovery_mode"] is False
    assert config["safe_mode"] is False
    assert {"smsmode", "automation", "blueprint", "webhook"} <= set(
        config["components"]
    )
    assert config["external_url"] == hass.url
    assert (await api.rest("GET", "/api/"))["message"] == "API running."


async def test_listening_settings_need_no_confirmation(api: Api, hass: Hass) -> None:
    """Listen on loopback with confirmed settings: no trial that reverts later.

    scripts/develop writes the same store (scripts/ha_http_store.py); a trial
    would restart Home Assistant on every interface five minutes after start.
    """
    ws = await api.websocket()
    settings = await ws.command("http/config")
    assert settings["pending"] is None
    assert settings["stable"]["server_host"] == ["127.0.0.1"]
    assert settings["stable"]["server_port"] == int(hass.url.rsplit(":", 1)[1])
    issues = await ws.command("repairs/list_issues")
    assert not [i for i in issues["issues"] if i["domain"] == "http"], issues


async def test_entry_set_up_by_the_config_flow(
    api: Api, entry: Entry, hass: Hass
) -> None:
    """Set up the entry the flow made: balance read, entities and webhook there."""
    entries = await api.rest(
        "GET", "/api/config/config_entries/entry", params={"domain": "smsmode"}
    )
    assert [(e["entry_id"], e["state"]) for e in entries] == [
        (entry.entry_id, "loaded")
    ]
    assert entry.flow_result["title"] == "smsmode"
    assert entry.webhook_url.startswith(f"{hass.url}/api/webhook/")
    balance = await api.state(BALANCE)
    assert balance is not None
    assert float(balance["state"]) <= STARTING_CREDITS
    for entity_id in (RECEIVED, REPORT):
        state = await api.state(entity_id)
        assert state is not None, entity_id
    # The actions as the UI lists them, descriptions from services.yaml included.
    services = {
        s["domain"]: s["services"] for s in await api.rest("GET", "/api/services")
    }
    assert "smsmode" in services["notify"]
    send_sms = services["smsmode"]["send_sms"]
    assert {"config_entry_id", "recipients", "message"} <= set(send_sms["fields"])


async def test_notify_over_rest(api: Api, entry: Entry) -> None:
    """Send with notify.smsmode over REST: smsmode gets one SMS, the balance follows."""
    await api.call(
        "notify",
        "smsmode",
        {"title": "Alarm", "message": "Water leak", "target": ["06 11 22 33 01"]},
    )
    messages = await api.sim_messages_to("33611223301")
    assert len(messages) == 1
    message = messages[0]
    assert message["text"] == "Alarm\nWater leak"
    assert message["class"] == 2
    assert message["notification_url"] == entry.webhook_url
    assert message["reply_notification_url"] is None
    # Every send reads the balance again.
    await wait_for(lambda: balance_matches_simulator(api), "balance sensor out of date")


async def test_send_sms_over_websocket_with_delivery_reports(
    api: Api, entry: Entry
) -> None:
    """Send over the websocket API; the simulator's callbacks come back as events."""
    ws = await api.websocket()
    reports = await ws.subscribe("smsmode_delivery_report")
    result = await ws.command(
        "call_service",
        domain="smsmode",
        service="send_sms",
        service_data={
            "config_entry_id": entry.entry_id,
            "recipients": ["+33 6 11 22 33 02"],
            "message": "Websocket test",
            "ref_client": "e2e-ws",
        },
        return_response=True,
    )
    response = result["response"]
    assert response["recipients"] == ["33611223302"]
    assert response["segments"] == 1
    assert response["encoding"] == "gsm7"
    assert response["queued"] is False
    sms_id = response["sms_id"]
    [message] = await api.sim_messages_to("33611223302")
    assert message["sms_id"] == sms_id
    assert message["ref_client"] == "e2e-ws"

    # smsmode moves the SMS on: delivered to the operator, then received.
    for _ in range(2):
        await api.sim("POST", f"/messages/{sms_id}/advance")
    first = await next_event(reports, lambda e: e["data"]["sms_id"] == sms_id)
    second = await next_event(reports, lambda e: e["data"]["sms_id"] == sms_id)
    assert (first["data"]["status"], first["data"]["final"]) == (13, False)
    assert second["data"] | {"received_at": None} == {
        "config_entry_id": entry.entry_id,
        "number": "33611223302",
        "status": 11,
        "status_name": "received",
        "delivered": True,
        "final": True,
        "received_at": None,
        "sms_id": sms_id,
        "ref_client": "e2e-ws",
        "mcc_mnc": "20801",
        "cost": 1,
    }
    callbacks = (await api.sim("GET", "/state"))["callbacks"]
    assert [c["status"] for c in callbacks if c["params"].get("smsID") == sms_id] == [
        200,
        200,
    ]

    async def report_entity() -> dict[str, str] | None:
        state = await api.state(REPORT)
        attributes = state["attributes"]
        if attributes.get("sms_id") == sms_id and attributes.get("status") == 11:
            return attributes
        return None

    attributes = await wait_for(report_entity, "delivery report entity not updated")
    assert attributes["event_type"] == "delivered"


async def test_send_sms_over_rest_then_callbacks_to_the_webhook(
    api: Api, entry: Entry
) -> None:
    """Send over REST, then call the webhook as smsmode does: a report and a reply."""
    result = await api.call(
        "smsmode",
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": "0611223303",
            "message": "Reply YES to confirm",
            "reply_allowed": True,
        },
        return_response=True,
    )
    sms_id = result["service_response"]["sms_id"]
    [message] = await api.sim_messages_to("33611223303")
    assert message["class"] == 4
    assert message["reply_notification_url"] == entry.webhook_url

    ws = await api.websocket()
    reports = await ws.subscribe("smsmode_delivery_report")
    replies = await ws.subscribe("smsmode_message_received")

    report = {
        "numero": "33611223303",
        "date_reception": paris_now("%Y-%m-%d %H:%M:%S"),
        "statut": "11",
        "smsID": sms_id,
        "mcc_mnc": "20801",
        "cost": "1",
    }
    assert await api.webhook(entry.webhook_path, report) == 200
    event = await next_event(reports, lambda e: e["data"]["sms_id"] == sms_id)
    assert event["data"]["delivered"] is True

    # The reply, as smsmode has it: the simulator calls the webhook back.
    injected = await api.sim(
        "POST", "/replies", {"text": "YES", "sender": "33611223303", "sms_id": sms_id}
    )
    event = await next_event(replies)
    assert event["data"]["config_entry_id"] == entry.entry_id
    assert event["data"]["sender"] == "33611223303"
    assert event["data"]["message"] == "YES"
    assert event["data"]["response_id"] == injected["response_id"]
    assert event["data"]["sms_id"] == sms_id
    assert event["data"]["reply_to_sms_id"] == sms_id
    assert event["data"]["reply_to_message"] == "Reply YES to confirm"

    reply = {
        "numero": "36034",
        "message": "YES",
        "emetteur": "33611223303",
        "date_reception": paris_now("%d%m%Y-%H%M%S"),
        "smsID": sms_id,
        "responseID": injected["response_id"],
    }
    # smsmode repeats a callback until it likes the answer: one event only.
    assert await api.webhook(entry.webhook_path, reply) == 200
    # Not smsmode's: refused, nothing fired.
    assert await api.webhook(entry.webhook_path, {**reply, "emetteur": "x"}) == 400
    # Forged: well formed, but smsmode has no such reply: answered, never fired.
    forged = {**reply, "message": "DISARM", "responseID": "e2e-forged"}
    assert await api.webhook(entry.webhook_path, forged) == 200
    # A new reply after them: the next event is that one, so they fired nothing.
    sentinel = await api.sim(
        "POST", "/replies", {"text": "NEXT", "sender": "33611223303", "sms_id": sms_id}
    )
    event = await next_event(replies)
    assert event["data"]["response_id"] == sentinel["response_id"]
    assert replies.empty()

    state = await api.state(RECEIVED)
    assert state["attributes"]["event_type"] == "received"
    assert state["attributes"]["message"] == "NEXT"


async def test_callbacks_relayed_over_the_websocket(api: Api, entry: Entry) -> None:
    """Relay callbacks with `webhook/handle`, as Home Assistant Cloud relays them.

    The websocket command hands the webhook the in-process request Cloud's
    cloudhooks use: a report by GET and an ISO-8859-15 reply by POST fire their
    events; a callback that is not smsmode's is answered 400.
    """
    result = await api.call(
        "smsmode",
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": "0611223307",
            "message": "Relayed",
        },
        return_response=True,
    )
    sms_id = result["service_response"]["sms_id"]
    ws = await api.websocket()
    reports = await ws.subscribe("smsmode_delivery_report")
    replies = await ws.subscribe("smsmode_message_received")
    webhook_id = entry.webhook_path.rsplit("/", 1)[-1]

    async def relay(method: str, query: str = "", body: str = "") -> int:
        result = await ws.command(
            "webhook/handle",
            webhook_id=webhook_id,
            method=method,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            query=query,
            body=body,
        )
        status: int = result["status"]
        return status

    report = {
        "numero": "33611223307",
        "date_reception": paris_now("%Y-%m-%d %H:%M:%S"),
        "statut": "11",
        "smsID": sms_id,
        "mcc_mnc": "20801",
        "cost": "1",
    }
    assert await relay("GET", query=urlencode(report)) == 200
    event = await next_event(reports, lambda e: e["data"]["sms_id"] == sms_id)
    assert event["data"]["delivered"] is True

    # A reply smsmode has (to no SMS of ours: the simulator calls nobody back),
    # relayed as its callback would be.
    text = "Reçu, à demain €"
    injected = await api.sim(
        "POST", "/replies", {"text": text, "sender": "33611223307"}
    )
    reply = {
        "numero": "36034",
        "emetteur": "33611223307",
        "date_reception": paris_now("%d%m%Y-%H%M%S"),
        "responseID": injected["response_id"],
    }
    body = f"{urlencode(reply)}&message={quote(text, encoding='iso-8859-15')}"
    assert await relay("POST", body=body) == 200
    event = await next_event(
        replies, lambda e: e["data"]["response_id"] == injected["response_id"]
    )
    assert event["data"]["message"] == text

    assert await relay("GET", query=urlencode({**report, "statut": "x"})) == 400


async def test_reply_from_the_simulator(api: Api, entry: Entry) -> None:
    """Inject a reply in the simulator: it calls the webhook, the event fires."""
    result = await api.call(
        "smsmode",
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": ["0611223304"],
            "message": "Is the door closed?",
            "reply_allowed": True,
        },
        return_response=True,
    )
    sms_id = result["service_response"]["sms_id"]
    ws = await api.websocket()
    replies = await ws.subscribe("smsmode_message_received")
    injected = await api.sim(
        "POST", "/replies", {"text": "Oui", "sender": "33611223304", "sms_id": sms_id}
    )
    event = await next_event(
        replies, lambda e: e["data"]["response_id"] == injected["response_id"]
    )
    assert event["data"]["message"] == "Oui"
    assert event["data"]["sender"] == "33611223304"


async def test_recipient_added_by_the_subentry_flow(api: Api, entry: Entry) -> None:
    """Add a recipient through the subentry-flow REST API; its notify entity sends."""
    form = await api.rest(
        "POST",
        "/api/config/config_entries/subentries/flow",
        {"handler": [entry.entry_id, "recipient"]},
    )
    assert form["type"] == "form"
    result = await api.rest(
        "POST",
        f"/api/config/config_entries/subentries/flow/{form['flow_id']}",
        {"name": "Alice", "number": "06 11 22 33 40"},
    )
    assert result["type"] == "create_entry", result

    async def alice() -> Json:
        state = await api.state("notify.alice_sms")
        return state if state is not None and state["state"] != "unavailable" else None

    await wait_for(alice, "no notify entity for the recipient")
    await api.call(
        "notify",
        "send_message",
        {"entity_id": "notify.alice_sms", "title": "Door", "message": "Opened"},
    )
    [message] = await wait_for(
        lambda: _messages_to(api, "33611223340"), "the recipient got no SMS"
    )
    assert message["text"] == "Door\nOpened"


async def _messages_to(api: Api, number: str) -> list[Json] | None:
    """Return the messages to `number`, or None while there is none."""
    return await api.sim_messages_to(number) or None


async def test_outbox_keeps_the_order_and_tells_when_a_queued_sms_went(
    api: Api, entry: Entry
) -> None:
    """Code 50 (smsmode unavailable): the alert is queued, then goes first.

    The next send is queued behind it at once and brings its attempt forward,
    in the background, so "server up" never reaches smsmode before "server
    down"; each step is an event.
    """
    ws = await api.websocket()
    queued = await ws.subscribe("smsmode_send_queued")
    went = await ws.subscribe("smsmode_queued_sms_sent")
    await api.sim(
        "POST", "/faults", {"endpoint": "sendSMS.do", "kind": "code", "code": 50}
    )
    first = await api.call(
        "smsmode",
        "send_sms",
        {
            "config_entry_id": entry.entry_id,
            "recipients": ["06 11 22 33 05"],
            "message": "Server down",
        },
        return_response=True,
    )
    response = first["service_response"]
    assert (response["queued"], response["sms_id"]) == (True, None)
    event = await next_event(queued)
    assert event["data"]["outbox_id"] == response["outbox_id"]
    assert await api.sim_messages_to("33611223305") == []

    await api.call(
        "notify", "smsmode", {"message": "Server up", "target": ["06 11 22 33 05"]}
    )

    async def both_sent() -> list[Json] | None:
        messages = await api.sim_messages_to("33611223305")
        return messages if len(messages) == 2 else None

    messages = await wait_for(both_sent, "the queued SMS and the next one sent")
    assert [m["text"] for m in messages] == ["Server down", "Server up"]
    event = await next_event(went)
    assert event["data"]["outbox_id"] == response["outbox_id"]
    assert event["data"]["sms_id"] == messages[0]["sms_id"]
    assert event["data"]["found_in_sent_list"] is False
    outbox = await api.state("sensor.smsmode_outbox")
    assert outbox is not None
    assert outbox["state"] == "0"
