"""The Telegram emulator over real HTTP: Bot API behaviour, user-side API, webhooks, faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import BufferedInputFile
from nectar_emulators._server import RunningServer, serve
from nectar_emulators.samples import ogg_opus, png
from nectar_emulators.telegram import TelegramEmulatorSettings, create_app
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def api(server: RunningServer, token: str, method: str) -> str:
    return f"{server.url}/bot{token}/{method}"


async def user_says(
    http: httpx.AsyncClient,
    server: RunningServer,
    token: str,
    user_id: int,
    text: str,
    **extra: Any,
) -> dict[str, Any]:
    response = await http.post(
        f"{server.url}/_emulator/bots/{token}/users/{user_id}/messages",
        json={"text": text, "first_name": "Ada", "language_code": "en", **extra},
    )
    assert response.status_code == 200, response.text
    return response.json()


class Receiver:
    """A tiny webhook endpoint that records what Telegram (the emulator) POSTs to it."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.statuses: list[int] = []
        self.reply: dict[str, Any] | None = None
        self.arrived = asyncio.Event()

    async def endpoint(self, request: Request) -> Response:
        self.requests.append((dict(request.headers), await request.json()))
        self.arrived.set()
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200 and self.reply is not None:
            return JSONResponse(self.reply)
        return Response(status_code=status)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    hook = Receiver()
    app = Starlette(routes=[Route("/hook", hook.endpoint, methods=["POST"])])
    async with serve(app) as server:
        yield hook, f"{server.url}/hook"


async def test_healthz_answers_ok(telegram: RunningServer, http: httpx.AsyncClient) -> None:
    response = await http.get(f"{telegram.url}/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_get_me_describes_the_bot_of_the_token(
    telegram: RunningServer, http: httpx.AsyncClient, token: str
) -> None:
    response = await http.get(api(telegram, token, "getMe"))

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    me = body["result"]
    assert me["id"] == int(token.split(":")[0])
    assert me["is_bot"] is True
    assert me["username"].endswith("_bot")


async def test_malformed_token_is_unauthorized(
    telegram: RunningServer, http: httpx.AsyncClient
) -> None:
    response = await http.post(f"{telegram.url}/botnot-a-token/getMe")

    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unknown_method_is_not_found(
    telegram: RunningServer, http: httpx.AsyncClient, token: str
) -> None:
    response = await http.post(api(telegram, token, "sendTelepathy"))

    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_user_message_is_returned_by_get_updates_until_confirmed_by_offset(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    first = await user_says(http, telegram, token, user_id, "/start")
    second = await user_says(http, telegram, token, user_id, "hello there")

    updates = (await http.post(api(telegram, token, "getUpdates"), json={})).json()["result"]

    assert [u["update_id"] for u in updates] == [first["update_id"], second["update_id"]]
    assert second["update_id"] > first["update_id"]
    start = updates[0]["message"]
    assert start["text"] == "/start"
    assert start["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert start["from"] == {
        "id": user_id,
        "is_bot": False,
        "first_name": "Ada",
        "language_code": "en",
    }
    assert start["chat"] == {"id": user_id, "type": "private", "first_name": "Ada"}
    assert start["message_id"] == first["message_id"]

    confirmed = await http.post(
        api(telegram, token, "getUpdates"), data={"offset": str(second["update_id"])}
    )
    assert [u["update_id"] for u in confirmed.json()["result"]] == [second["update_id"]]
    drained = await http.post(
        api(telegram, token, "getUpdates"), json={"offset": second["update_id"] + 1}
    )
    assert drained.json()["result"] == []


async def test_get_updates_long_polls_until_a_user_writes(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    poll = asyncio.create_task(http.post(api(telegram, token, "getUpdates"), json={"timeout": 5}))
    await asyncio.sleep(0.2)
    assert not poll.done()

    await user_says(http, telegram, token, user_id, "are you there?")

    updates = (await asyncio.wait_for(poll, 3)).json()["result"]
    assert [u["message"]["text"] for u in updates] == ["are you there?"]


async def test_a_newer_get_updates_terminates_a_waiting_one(
    telegram: RunningServer, http: httpx.AsyncClient, token: str
) -> None:
    older = asyncio.create_task(http.post(api(telegram, token, "getUpdates"), json={"timeout": 5}))
    await asyncio.sleep(0.2)

    newer = await http.post(api(telegram, token, "getUpdates"), json={"timeout": 0})

    assert newer.json() == {"ok": True, "result": []}
    conflict = await asyncio.wait_for(older, 3)
    assert conflict.status_code == 409
    assert conflict.json()["description"].startswith("Conflict: terminated by other getUpdates")


async def test_webhook_receives_user_message_with_secret_header(
    telegram: RunningServer,
    http: httpx.AsyncClient,
    token: str,
    user_id: int,
    receiver: tuple[Receiver, str],
) -> None:
    hook, url = receiver
    set_hook = await http.post(
        api(telegram, token, "setWebhook"), json={"url": url, "secret_token": "s3cr3t_TOKEN"}
    )
    assert set_hook.json() == {"ok": True, "result": True, "description": "Webhook was set"}

    sent = (
        await http.post(
            f"{telegram.url}/_emulator/bots/{token}/users/{user_id}/messages?wait=5",
            json={"text": "hi via webhook"},
        )
    ).json()

    assert sent["delivery"] == "webhook"
    assert sent["delivered"] is True
    headers, update = hook.requests[0]
    assert headers["x-telegram-bot-api-secret-token"] == "s3cr3t_TOKEN"
    assert headers["content-type"] == "application/json"
    assert update["update_id"] == sent["update_id"]
    assert update["message"]["text"] == "hi via webhook"
    info = (await http.get(api(telegram, token, "getWebhookInfo"))).json()["result"]
    assert info["url"] == url
    assert info["pending_update_count"] == 0

    conflict = await http.post(api(telegram, token, "getUpdates"))
    assert conflict.status_code == 409
    assert "can't use getUpdates method while webhook is active" in conflict.json()["description"]


async def test_failing_webhook_keeps_update_pending_then_delivers_it(
    telegram: RunningServer,
    http: httpx.AsyncClient,
    token: str,
    user_id: int,
    receiver: tuple[Receiver, str],
) -> None:
    hook, url = receiver
    hook.statuses = [500, 500, 500]  # every try of the first round fails
    await http.post(api(telegram, token, "setWebhook"), json={"url": url})

    sent = (
        await http.post(
            f"{telegram.url}/_emulator/bots/{token}/users/{user_id}/messages?wait=5",
            json={"text": "will bounce"},
        )
    ).json()

    assert sent["delivered"] is False
    info = (await http.get(api(telegram, token, "getWebhookInfo"))).json()["result"]
    assert info["pending_update_count"] == 1
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    for _ in range(50):  # the idle retry (0.3 s in these settings) succeeds
        info = (await http.get(api(telegram, token, "getWebhookInfo"))).json()["result"]
        if info["pending_update_count"] == 0:
            break
        await asyncio.sleep(0.1)
    assert info["pending_update_count"] == 0
    assert [u["update_id"] for _, u in hook.requests] == [sent["update_id"]] * 4


async def test_webhook_reply_with_a_method_is_executed(
    telegram: RunningServer,
    http: httpx.AsyncClient,
    token: str,
    user_id: int,
    receiver: tuple[Receiver, str],
) -> None:
    hook, url = receiver
    hook.reply = {"method": "sendMessage", "chat_id": user_id, "text": "answered inline"}
    await http.post(api(telegram, token, "setWebhook"), json={"url": url})

    await http.post(
        f"{telegram.url}/_emulator/bots/{token}/users/{user_id}/messages?wait=5",
        json={"text": "ping"},
    )

    messages = await chat_messages(http, telegram, token, user_id, after=0, timeout=3)
    assert [m["text"] for m in messages] == ["answered inline"]
    calls = (await http.get(f"{telegram.url}/_emulator/bots/{token}/calls")).json()["calls"]
    assert [(c["method"], c["via"]) for c in calls] == [
        ("setWebhook", "http"),
        ("sendMessage", "webhook_response"),
    ]


async def chat_messages(
    http: httpx.AsyncClient,
    server: RunningServer,
    token: str,
    chat_id: int,
    *,
    after: int,
    timeout: float,
) -> list[dict[str, Any]]:
    response = await http.get(
        f"{server.url}/_emulator/bots/{token}/chats/{chat_id}/messages",
        params={"after_message_id": after, "timeout": timeout},
    )
    assert response.status_code == 200, response.text
    return response.json()["messages"]


async def test_send_message_is_recorded_and_seen_by_the_chat_long_poll(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    said = await user_says(http, telegram, token, user_id, "tell me something")
    waiting = asyncio.create_task(
        chat_messages(http, telegram, token, user_id, after=said["message_id"], timeout=5)
    )
    await asyncio.sleep(0.2)
    assert not waiting.done()

    markup = {"inline_keyboard": [[{"text": "More", "callback_data": "more"}]]}
    response = await http.post(
        api(telegram, token, "sendMessage"),
        data={
            "chat_id": str(user_id),
            "text": "<b>Hello</b>, Ada",
            "parse_mode": "HTML",
            "reply_markup": json.dumps(markup),
            "reply_parameters": json.dumps({"message_id": said["message_id"]}),
        },
    )

    assert response.status_code == 200, response.text
    message = response.json()["result"]
    assert message["message_id"] == said["message_id"] + 1
    assert message["text"] == "Hello, Ada"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert message["from"]["is_bot"] is True
    assert message["chat"] == {"id": user_id, "type": "private", "first_name": "Ada"}
    assert message["reply_to_message"]["text"] == "tell me something"
    assert message["reply_markup"] == markup
    seen = await asyncio.wait_for(waiting, 3)
    assert len(seen) == 1
    assert seen[0]["message_id"] == message["message_id"]
    assert seen[0]["method"] == "sendMessage"
    assert seen[0]["text"] == "Hello, Ada"
    assert seen[0]["parse_mode"] == "HTML"
    assert seen[0]["reply_markup"] == markup
    calls = (
        await http.get(
            f"{telegram.url}/_emulator/bots/{token}/calls",
            params={"method": "sendMessage", "chat_id": user_id},
        )
    ).json()["calls"]
    assert len(calls) == 1
    assert calls[0]["response_status"] == 200
    assert calls[0]["params"]["text"] == "<b>Hello</b>, Ada"


async def test_send_message_validation_matches_telegram(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    await user_says(http, telegram, token, user_id, "hi")
    cases = [
        ({"chat_id": user_id, "text": "x" * 4097}, "Bad Request: message is too long"),
        ({"chat_id": user_id, "text": ""}, "Bad Request: message text is empty"),
        ({"chat_id": user_id + 1, "text": "hi"}, "Bad Request: chat not found"),
        (
            {"chat_id": user_id, "text": "Done.", "parse_mode": "MarkdownV2"},
            (
                "Bad Request: can't parse entities: Character '.' is reserved and must be"
                " escaped with the preceding '\\'"
            ),
        ),
        (
            {"chat_id": user_id, "text": "<b>open", "parse_mode": "HTML"},
            (
                "Bad Request: can't parse entities: Can't find end tag corresponding to start"
                ' tag "b"'
            ),
        ),
    ]
    for params, description in cases:
        response = await http.post(api(telegram, token, "sendMessage"), json=params)

        assert response.status_code == 400, params
        assert response.json() == {"ok": False, "error_code": 400, "description": description}

    exactly_at_limit = await http.post(
        api(telegram, token, "sendMessage"), json={"chat_id": user_id, "text": "é" * 4096}
    )
    assert exactly_at_limit.status_code == 200


async def test_rate_limit_fault_answers_retry_after_then_succeeds(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    await user_says(http, telegram, token, user_id, "hi")
    armed = await http.post(
        f"{telegram.url}/_emulator/faults",
        json={"method": "sendMessage", "status": 429, "retry_after": 3, "times": 1},
    )
    assert armed.status_code == 201

    limited = await http.post(
        api(telegram, token, "sendMessage"), json={"chat_id": user_id, "text": "one"}
    )
    retried = await http.post(
        api(telegram, token, "sendMessage"), json={"chat_id": user_id, "text": "one"}
    )

    assert limited.status_code == 429
    assert limited.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert retried.status_code == 200
    calls = (
        await http.get(
            f"{telegram.url}/_emulator/bots/{token}/calls", params={"method": "sendMessage"}
        )
    ).json()["calls"]
    assert [c["response_status"] for c in calls] == [429, 200]


async def test_blocked_fault_and_blocked_user_answer_forbidden(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    await user_says(http, telegram, token, user_id, "hi")
    await http.post(
        f"{telegram.url}/_emulator/faults",
        json={
            "method": "sendPhoto",
            "status": 403,
            "description": "Forbidden: bot was blocked by the user",
        },
    )
    faulted = await http.post(
        api(telegram, token, "sendPhoto"),
        files={"photo": ("p.png", png(), "image/png")},
        data={"chat_id": str(user_id)},
    )
    await http.post(f"{telegram.url}/_emulator/bots/{token}/users/{user_id}/block", json={})
    blocked = await http.post(
        api(telegram, token, "sendMessage"), json={"chat_id": user_id, "text": "still there?"}
    )

    assert faulted.status_code == 403
    assert faulted.json()["description"] == "Forbidden: bot was blocked by the user"
    assert blocked.status_code == 403
    await http.delete(f"{telegram.url}/_emulator/faults")


async def test_send_photo_upload_reports_sizes_and_keeps_bytes(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    await user_says(http, telegram, token, user_id, "show me")
    image = png(640, 480)

    response = await http.post(
        api(telegram, token, "sendPhoto"),
        data={"chat_id": str(user_id), "caption": "for you"},
        files={"photo": ("pic.png", image, "image/png")},
    )

    assert response.status_code == 200, response.text
    message = response.json()["result"]
    assert message["caption"] == "for you"
    largest = message["photo"][-1]
    assert (largest["width"], largest["height"]) == (640, 480)
    assert {"file_id", "file_unique_id", "file_size"} <= set(largest)
    stored = await http.get(f"{telegram.url}/_emulator/bots/{token}/files/{largest['file_id']}")
    assert stored.content == image
    by_id = await http.post(
        api(telegram, token, "sendPhoto"), json={"chat_id": user_id, "photo": largest["file_id"]}
    )
    assert by_id.json()["result"]["photo"] == message["photo"]
    bad_id = await http.post(
        api(telegram, token, "sendPhoto"), json={"chat_id": user_id, "photo": "nope"}
    )
    assert bad_id.json()["description"] == "Bad Request: wrong file identifier/HTTP URL specified"


async def test_callback_query_can_be_answered_once(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    await user_says(http, telegram, token, user_id, "hi")
    sent = await http.post(
        api(telegram, token, "sendMessage"),
        json={
            "chat_id": user_id,
            "text": "Pick",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "pick:a"}]]},
        },
    )
    message_id = sent.json()["result"]["message_id"]

    pressed = await http.post(
        f"{telegram.url}/_emulator/bots/{token}/users/{user_id}/callback",
        json={"data": "pick:a", "message_id": message_id},
    )

    query_id = pressed.json()["callback_query_id"]
    update = (await http.post(api(telegram, token, "getUpdates"), json={})).json()["result"][-1]
    assert update["callback_query"]["id"] == query_id
    assert update["callback_query"]["data"] == "pick:a"
    assert update["callback_query"]["message"]["message_id"] == message_id
    first = await http.post(
        api(telegram, token, "answerCallbackQuery"), json={"callback_query_id": query_id}
    )
    again = await http.post(
        api(telegram, token, "answerCallbackQuery"), json={"callback_query_id": query_id}
    )
    assert first.json() == {"ok": True, "result": True}
    assert again.status_code == 400


async def test_injected_duplicate_updates_are_both_delivered(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    update = {
        "update_id": 777,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Ada"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Ada"},
            "text": "dup",
        },
    }
    for _ in range(2):
        injected = await http.post(f"{telegram.url}/_emulator/bots/{token}/updates", json=update)
        assert injected.json()["update_id"] == 777

    updates = (await http.post(api(telegram, token, "getUpdates"), json={})).json()["result"]

    assert [u["update_id"] for u in updates] == [777, 777]
    reply = await http.post(
        api(telegram, token, "sendMessage"), json={"chat_id": user_id, "text": "known chat"}
    )
    assert reply.status_code == 200


async def test_star_payment_flow_ends_in_successful_payment(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    await user_says(http, telegram, token, user_id, "/buy")
    invoice = await http.post(
        api(telegram, token, "sendInvoice"),
        json={
            "chat_id": user_id,
            "title": "100 crystals",
            "description": "Top up",
            "payload": "order-42",
            "currency": "XTR",
            "prices": [{"label": "crystals", "amount": 50}],
        },
    )
    assert invoice.json()["result"]["invoice"]["total_amount"] == 50
    await http.post(api(telegram, token, "getUpdates"), json={"offset": -1})

    checkout = await http.post(
        f"{telegram.url}/_emulator/bots/{token}/users/{user_id}/pre_checkout_query", json={}
    )
    query_id = checkout.json()["pre_checkout_query_id"]
    answered = await http.post(
        api(telegram, token, "answerPreCheckoutQuery"),
        json={"pre_checkout_query_id": query_id, "ok": True},
    )

    assert answered.json() == {"ok": True, "result": True}
    updates = (
        await http.post(
            api(telegram, token, "getUpdates"), json={"offset": checkout.json()["update_id"]}
        )
    ).json()["result"]
    assert updates[0]["pre_checkout_query"]["invoice_payload"] == "order-42"
    payment = updates[1]["message"]["successful_payment"]
    assert (payment["currency"], payment["total_amount"], payment["invoice_payload"]) == (
        "XTR",
        50,
        "order-42",
    )


async def test_aiogram_bot_talks_to_the_emulator(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.url))
    bot = Bot(token, session=session)
    try:
        me = await bot.get_me()
        assert me.id == int(token.split(":")[0])
        await user_says(http, telegram, token, user_id, "/start")

        updates = await bot.get_updates(timeout=1)
        assert updates[0].message is not None
        assert updates[0].message.text == "/start"
        chat_id = updates[0].message.chat.id

        sent = await bot.send_message(chat_id, "Welcome <i>back</i>", parse_mode="HTML")
        assert sent.text == "Welcome back"
        voice_bytes = ogg_opus(2.0)
        voice = await bot.send_voice(
            chat_id, BufferedInputFile(voice_bytes, filename="reply.ogg"), caption="listen"
        )
        assert voice.voice is not None
        assert voice.voice.duration == 2
        assert voice.voice.mime_type == "audio/ogg"

        await http.post(
            f"{telegram.url}/_emulator/faults",
            json={"method": "sendMessage", "status": 429, "retry_after": 7},
        )
        with pytest.raises(TelegramRetryAfter) as limited:
            await bot.send_message(chat_id, "too fast")
        assert limited.value.retry_after == 7
    finally:
        await bot.session.close()

    messages = await chat_messages(http, telegram, token, user_id, after=0, timeout=0)
    assert [(m["method"], m["has_voice"]) for m in messages] == [
        ("sendMessage", False),
        ("sendVoice", True),
    ]
    stored = await http.get(f"{telegram.url}/_emulator/bots/{token}/files/{messages[1]['file_id']}")
    assert stored.content == voice_bytes
    assert stored.content[:4] == b"OggS"
    voice_call = (
        await http.get(
            f"{telegram.url}/_emulator/bots/{token}/calls", params={"method": "sendVoice"}
        )
    ).json()["calls"][0]
    assert voice_call["params"]["voice"] == {
        "filename": "reply.ogg",
        "size": len(voice_bytes),
        "content_type": "application/octet-stream",
    }


async def test_non_ogg_voice_is_sent_as_a_document(
    telegram: RunningServer, http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    await user_says(http, telegram, token, user_id, "say it")

    response = await http.post(
        api(telegram, token, "sendVoice"),
        data={"chat_id": str(user_id)},
        files={"voice": ("speech.wav", b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav")},
    )

    message = response.json()["result"]
    assert "voice" not in message
    assert message["document"]["file_name"] == "speech.wav"


async def test_flood_limit_answers_429_when_enabled(
    http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    async with serve(create_app(TelegramEmulatorSettings(flood_limit_per_s=2))) as server:
        await user_says(http, server, token, user_id, "hi")
        statuses = []
        for n in range(3):
            response = await http.post(
                api(server, token, "sendMessage"), json={"chat_id": user_id, "text": f"m{n}"}
            )
            statuses.append(response.status_code)

    assert statuses == [200, 200, 429]
    assert response.json()["parameters"] == {"retry_after": 1}


async def test_per_chat_flood_limit_answers_429_for_that_chat_only(
    http: httpx.AsyncClient, token: str, user_id: int
) -> None:
    settings = TelegramEmulatorSettings(flood_per_chat_per_s=1, flood_per_chat_burst=1)
    other = user_id + 1
    async with serve(create_app(settings)) as server:
        await user_says(http, server, token, user_id, "hi")
        await user_says(http, server, token, other, "hi")
        statuses = []
        for chat in (user_id, user_id, user_id, other):
            response = await http.post(
                api(server, token, "sendMessage"), json={"chat_id": chat, "text": "m"}
            )
            statuses.append(response.status_code)

    assert statuses == [200, 200, 429, 200]


async def test_reset_forgets_bots_and_webhooks(
    telegram: RunningServer,
    http: httpx.AsyncClient,
    token: str,
    user_id: int,
    receiver: tuple[Receiver, str],
) -> None:
    hook, url = receiver
    await http.post(api(telegram, token, "setWebhook"), json={"url": url})
    await user_says(http, telegram, token, user_id, "before reset")

    await http.post(f"{telegram.url}/_emulator/reset")

    info = (await http.get(api(telegram, token, "getWebhookInfo"))).json()["result"]
    assert info == {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
    unknown_chat = await http.post(
        api(telegram, token, "sendMessage"), json={"chat_id": user_id, "text": "hello?"}
    )
    assert unknown_chat.json()["description"] == "Bad Request: chat not found"
    await http.post(api(telegram, token, "setWebhook"), json={"url": url})
    sent = await http.post(
        f"{telegram.url}/_emulator/bots/{token}/users/{user_id}/messages?wait=5",
        json={"text": "after reset"},
    )
    assert sent.json()["delivered"] is True
    assert hook.requests[-1][1]["message"]["text"] == "after reset"
