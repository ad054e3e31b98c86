"""The OpenRouter emulator over real HTTP: completions, streaming, behaviours, control API."""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

import httpx
import pytest
from nectar_emulators._server import RunningServer, serve
from nectar_emulators.openrouter import OpenRouterEmulatorSettings, create_app

AUTH = {"Authorization": "Bearer sk-or-test"}
MODEL = "vendor/companion-model"


def completion_request(text: str = "Hello, who are you?", **extra: Any) -> dict[str, Any]:
    return {
        "model": MODEL,
        "messages": [
            {"role": "system", "content": "You are Mira."},
            {"role": "user", "content": text},
        ],
        **extra,
    }


async def complete(
    http: httpx.AsyncClient, server: RunningServer, body: dict[str, Any]
) -> httpx.Response:
    return await http.post(f"{server.url}/api/v1/chat/completions", json=body, headers=AUTH)


async def script(
    http: httpx.AsyncClient,
    server: RunningServer,
    behaviour: str,
    *,
    model: str = MODEL,
    times: int | None = 1,
) -> None:
    response = await http.post(
        f"{server.url}/_emulator/script",
        json={"model": model, "behaviour": behaviour, "times": times},
    )
    assert response.status_code == 201, response.text


async def read_stream(
    http: httpx.AsyncClient, server: RunningServer, body: dict[str, Any]
) -> tuple[list[str], list[dict[str, Any]]]:
    """(raw SSE lines, decoded data chunks); '[DONE]' stays in the raw lines only."""
    lines: list[str] = []
    async with http.stream(
        "POST", f"{server.url}/api/v1/chat/completions", json={**body, "stream": True}, headers=AUTH
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line:
                lines.append(line)
    chunks = [
        json.loads(line.removeprefix("data: "))
        for line in lines
        if line.startswith("data: ") and line != "data: [DONE]"
    ]
    return lines, chunks


async def test_healthz_answers_ok(openrouter: RunningServer, http: httpx.AsyncClient) -> None:
    response = await http.get(f"{openrouter.url}/healthz")

    assert response.json() == {"status": "ok"}


async def test_completion_answers_deterministic_echo_with_usage(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    body = completion_request()

    first = await complete(http, openrouter, body)
    second = await http.post(f"{openrouter.url}/v1/chat/completions", json=body, headers=AUTH)

    assert first.status_code == 200
    reply = first.json()
    assert reply["id"].startswith("gen-")
    assert reply["object"] == "chat.completion"
    assert reply["model"] == MODEL
    assert reply["provider"] == "Emulator"
    choice = reply["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert choice["native_finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    assert content == f'[emulator:{MODEL}] I hear you: "Hello, who are you?"'
    assert second.json()["choices"][0]["message"]["content"] == content
    usage = reply["usage"]
    assert usage["prompt_tokens"] == math.ceil(len("You are Mira.Hello, who are you?") / 4)
    assert usage["completion_tokens"] == math.ceil(len(content) / 4)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["cost"] > 0
    assert usage["prompt_tokens_details"] == {"cached_tokens": 0, "cache_write_tokens": 0,
                                              "audio_tokens": 0, "video_tokens": 0}
    assert usage["completion_tokens_details"] == {"reasoning_tokens": 0, "image_tokens": 0,
                                                  "audio_tokens": 0}


async def test_long_user_message_is_echoed_truncated(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    response = await complete(http, openrouter, completion_request("a" * 500))

    content = response.json()["choices"][0]["message"]["content"]
    assert content == f'[emulator:{MODEL}] I hear you: "{"a" * 200}"'


async def test_missing_or_empty_credentials_are_rejected(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    url = f"{openrouter.url}/api/v1/chat/completions"

    missing = await http.post(url, json=completion_request())
    empty = await http.post(url, json=completion_request(), headers={"Authorization": "Bearer"})

    for response in (missing, empty):
        assert response.status_code == 401
        assert response.json() == {"error": {"code": 401, "message": "No auth credentials found"}}


async def test_stream_yields_keepalive_chunks_usage_and_done(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    lines, chunks = await read_stream(http, openrouter, completion_request("Tell me a story"))

    assert lines[0] == ": OPENROUTER PROCESSING"
    assert lines[-1] == "data: [DONE]"
    assert len(chunks) > 3
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    *content_chunks, finish, usage_only = chunks
    text = "".join(c["choices"][0]["delta"]["content"] or "" for c in content_chunks)
    assert text == f'[emulator:{MODEL}] I hear you: "Tell me a story"'
    assert all(c["choices"][0]["finish_reason"] is None for c in content_chunks)
    assert finish["choices"][0]["finish_reason"] == "stop" and "usage" not in finish
    # as OpenRouter ends a stream: a last chunk with usage and no choices
    assert usage_only["choices"] == []
    assert usage_only["usage"]["completion_tokens"] == math.ceil(len(text) / 4)


async def test_usage_has_cost_details_like_openrouter(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    reply = (await complete(http, openrouter, completion_request())).json()
    _, chunks = await read_stream(http, openrouter, completion_request())

    for usage in (reply["usage"], chunks[-1]["usage"]):
        details = usage["cost_details"]
        assert details["upstream_inference_cost"] == usage["cost"] > 0
        assert details["upstream_inference_prompt_cost"] > 0
        assert math.isclose(details["upstream_inference_prompt_cost"]
                            + details["upstream_inference_completions_cost"], usage["cost"])
        assert usage["prompt_tokens_details"]["cache_write_tokens"] >= 0
        assert usage["is_byok"] is False


async def test_moderation_refusal_carries_openrouter_metadata(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "http_403")
    text = "a long line the moderation flagged " * 10

    response = await complete(http, openrouter, completion_request(text))

    assert response.status_code == 403
    metadata = response.json()["error"]["metadata"]
    assert metadata["reasons"] and all(isinstance(r, str) for r in metadata["reasons"])
    assert metadata["flagged_input"] == text.strip()[:100]
    assert (metadata["provider_name"], metadata["model_slug"]) == ("Emulator", MODEL)


async def test_payment_required_may_carry_retry_after(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "http_402")
    await script(http, openrouter, "http_402:30")

    bare = await complete(http, openrouter, completion_request())
    waiting = await complete(http, openrouter, completion_request())

    assert bare.status_code == waiting.status_code == 402
    assert "retry-after" not in bare.headers
    assert waiting.headers["retry-after"] == "30"


@pytest.mark.parametrize(
    ("behaviour", "content", "finish_reason"),
    [
        ("text:Once upon a time.", "Once upon a time.", "stop"),
        ("empty_stop", "", "stop"),
        ("content_filter", "", "content_filter"),
        ("length_empty", "", "length"),
    ],
)
async def test_scripted_content_behaviours(
    openrouter: RunningServer,
    http: httpx.AsyncClient,
    behaviour: str,
    content: str,
    finish_reason: str,
) -> None:
    await script(http, openrouter, behaviour)

    scripted = await complete(http, openrouter, completion_request(max_tokens=64))
    after = await complete(http, openrouter, completion_request())

    choice = scripted.json()["choices"][0]
    assert scripted.status_code == 200
    assert choice["message"]["content"] == content
    assert choice["finish_reason"] == finish_reason
    assert after.json()["choices"][0]["finish_reason"] == "stop"
    assert after.json()["choices"][0]["message"]["content"].startswith("[emulator:")
    if behaviour == "length_empty":
        assert scripted.json()["usage"]["completion_tokens_details"]["reasoning_tokens"] == 64


async def test_refusal_tail_ends_in_a_refusal(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "refusal_tail")

    response = await complete(http, openrouter, completion_request())

    content = response.json()["choices"][0]["message"]["content"]
    assert content.endswith("I'm sorry, but I can't continue with this.")
    assert len(content) > len("I'm sorry, but I can't continue with this.") + 20


@pytest.mark.parametrize(
    ("behaviour", "status", "message"),
    [
        ("http_400", 400, "invalid request"),
        ("http_401", 401, "User not found."),
        ("http_402", 402, "Insufficient credits"),
        ("http_408", 408, "Request timed out"),
        ("http_500", 500, "Internal Server Error"),
        ("http_502", 502, "Provider returned error"),
        ("http_503", 503, "No endpoints found"),
    ],
)
async def test_scripted_http_errors_use_openrouter_error_shape(
    openrouter: RunningServer, http: httpx.AsyncClient, behaviour: str, status: int, message: str
) -> None:
    await script(http, openrouter, behaviour)

    response = await complete(http, openrouter, completion_request())

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == status
    assert error["message"].startswith(message)


async def test_rate_limit_carries_retry_after(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "http_429")
    await script(http, openrouter, "http_429:5")

    default = await complete(http, openrouter, completion_request())
    configured = await complete(http, openrouter, completion_request())
    recovered = await complete(http, openrouter, completion_request())

    assert (default.status_code, default.headers["retry-after"]) == (429, "2")
    assert (configured.status_code, configured.headers["retry-after"]) == (429, "5")
    assert default.json()["error"]["code"] == 429
    assert recovered.status_code == 200


async def test_slow_and_timeout_delay_then_answer(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "slow:300")
    await script(http, openrouter, "timeout:0.4")

    started = time.monotonic()
    slow = await complete(http, openrouter, completion_request())
    slow_took = time.monotonic() - started
    started = time.monotonic()
    late = await complete(http, openrouter, completion_request())
    late_took = time.monotonic() - started

    assert slow.status_code == late.status_code == 200
    assert slow_took >= 0.3
    assert late_took >= 0.4
    assert late.json()["choices"][0]["message"]["content"].startswith("[emulator:")


async def test_timeout_outlasts_a_client_timeout(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "timeout")  # default 30 s

    with pytest.raises(httpx.ReadTimeout):
        await http.post(
            f"{openrouter.url}/api/v1/chat/completions",
            json=completion_request(),
            headers=AUTH,
            timeout=0.5,
        )

    for _ in range(50):  # the emulator notices the hang-up and stops waiting
        call = (await http.get(f"{openrouter.url}/_emulator/calls")).json()["calls"][-1]
        if call["response_status"] is not None:
            break
        await asyncio.sleep(0.05)
    assert call["response_status"] == 499
    assert call["outcome"] == "client_disconnected"


async def test_stream_cut_drops_the_connection_before_done(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "stream_cut", times=2)
    received: list[str] = []

    with pytest.raises(httpx.RemoteProtocolError):
        async with http.stream(
            "POST",
            f"{openrouter.url}/api/v1/chat/completions",
            json=completion_request("A long enough message to split into chunks", stream=True),
            headers=AUTH,
        ) as response:
            async for line in response.aiter_lines():
                received.append(line)
    with pytest.raises(httpx.RemoteProtocolError):
        await complete(http, openrouter, completion_request())

    data = [line for line in received if line.startswith("data: ")]
    assert data, "some chunks arrive before the cut"
    assert "data: [DONE]" not in received


async def test_mid_stream_error_arrives_as_an_sse_error_chunk(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "mid_stream_error")

    lines, chunks = await read_stream(http, openrouter, completion_request("Tell me a long story"))

    assert chunks[0]["choices"][0]["delta"]["content"]
    last = chunks[-1]
    assert last["error"]["message"]
    assert last["choices"][0]["finish_reason"] == "error"
    assert "data: [DONE]" not in lines


async def test_mid_stream_error_without_streaming_is_a_200_with_error(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "mid_stream_error")

    response = await complete(http, openrouter, completion_request())

    assert response.status_code == 200
    assert response.json()["error"]["code"] == 502
    assert response.json()["choices"][0]["finish_reason"] == "error"


async def test_content_filter_streams_no_content(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "content_filter")

    lines, chunks = await read_stream(http, openrouter, completion_request())

    *content_chunks, finish, usage_only = chunks
    assert "".join(c["choices"][0]["delta"]["content"] or "" for c in content_chunks) == ""
    assert finish["choices"][0]["finish_reason"] == "content_filter"
    assert usage_only["choices"] == [] and "usage" in usage_only
    assert lines[-1] == "data: [DONE]"


async def test_scripts_are_fifo_per_model_then_wildcard(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "text:first", times=2)
    await script(http, openrouter, "text:second")
    await script(http, openrouter, "http_503", model="*")

    contents = []
    for _ in range(3):
        response = await complete(http, openrouter, completion_request())
        contents.append(response.json()["choices"][0]["message"]["content"])
    wildcard = await complete(http, openrouter, {**completion_request(), "model": "other/model"})
    unscripted = await complete(http, openrouter, completion_request())

    assert contents == ["first", "first", "second"]
    assert wildcard.status_code == 503
    assert unscripted.status_code == 200
    listed = (await http.get(f"{openrouter.url}/_emulator/script")).json()["script"]
    assert listed == []
    await script(http, openrouter, "http_500")
    cleared = await http.delete(f"{openrouter.url}/_emulator/script")
    assert cleared.json() == {"cleared": 1}
    assert (await complete(http, openrouter, completion_request())).status_code == 200


async def test_markers_in_the_last_user_message_pick_the_behaviour(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    failing = await complete(http, openrouter, completion_request("hi [[emu:http_503]]"))
    literal = await complete(http, openrouter, completion_request("[[emu:text:Just this.]]"))
    echoed = await complete(http, openrouter, completion_request("[[emu:ok]] plain please"))
    limited = await complete(http, openrouter, completion_request("[[emu:http_429:9]]"))
    typo = await complete(http, openrouter, completion_request("[[emu:explode]]"))

    assert failing.status_code == 503
    assert literal.json()["choices"][0]["message"]["content"] == "Just this."
    assert echoed.json()["choices"][0]["message"]["content"].endswith('"plain please"')
    assert limited.headers["retry-after"] == "9"
    assert typo.status_code == 400


async def test_per_model_default_behaviour_from_settings(http: httpx.AsyncClient) -> None:
    settings = OpenRouterEmulatorSettings(model_behaviours={"strict/model": "content_filter"})
    async with serve(create_app(settings)) as server:
        filtered = await complete(http, server, {**completion_request(), "model": "strict/model"})
        normal = await complete(http, server, completion_request())

    assert filtered.json()["choices"][0]["finish_reason"] == "content_filter"
    assert normal.json()["choices"][0]["finish_reason"] == "stop"


async def test_models_fallback_serves_from_the_next_model(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    await script(http, openrouter, "http_503")
    body = {**completion_request(), "models": ["backup/model"]}

    response = await complete(http, openrouter, body)

    assert response.status_code == 200
    assert response.json()["model"] == "backup/model"
    call = (await http.get(f"{openrouter.url}/_emulator/calls")).json()["calls"][-1]
    assert call["served_model"] == "backup/model"
    assert [a["model"] for a in call["attempts"]] == [MODEL, "backup/model"]


async def test_calls_record_openrouter_extras_and_cache_hits(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    persona = "You are Mira, a warm companion. " * 20
    body = {
        "model": MODEL,
        "models": ["backup/model"],
        "provider": {"order": ["Emulator"], "allow_fallbacks": True},
        "usage": {"include": True},
        "safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
        "messages": [
            {
                "role": "system",
                "content": [
                    {"type": "text", "text": persona, "cache_control": {"type": "ephemeral"}}
                ],
            },
            {"role": "user", "content": [{"type": "text", "text": "Good morning"}]},
        ],
    }

    first = await complete(http, openrouter, body)
    second = await complete(http, openrouter, body)

    assert first.json()["usage"]["prompt_tokens_details"]["cached_tokens"] == 0
    cached = second.json()["usage"]["prompt_tokens_details"]["cached_tokens"]
    assert cached > 0
    assert second.json()["usage"]["cost"] < first.json()["usage"]["cost"]
    assert first.json()["choices"][0]["message"]["content"].endswith('"Good morning"')
    calls = (await http.get(f"{openrouter.url}/_emulator/calls")).json()["calls"]
    assert len(calls) == 2
    assert calls[0]["model"] == MODEL
    assert calls[0]["messages_count"] == 2
    assert calls[0]["stream"] is False
    assert calls[0]["response_status"] == 200
    assert calls[0]["body"] == body
    cleared = await http.delete(f"{openrouter.url}/_emulator/calls")
    assert cleared.json() == {"cleared": 2}


async def test_models_and_generation_endpoints(
    openrouter: RunningServer, http: httpx.AsyncClient
) -> None:
    reply = (await complete(http, openrouter, completion_request())).json()

    models = (await http.get(f"{openrouter.url}/api/v1/models")).json()["data"]
    generation = await http.get(
        f"{openrouter.url}/api/v1/generation", params={"id": reply["id"]}, headers=AUTH
    )

    assert MODEL in [m["id"] for m in models]
    assert all(float(m["pricing"]["prompt"]) > 0 for m in models)
    stats = generation.json()["data"]
    assert stats["total_cost"] == reply["usage"]["cost"]
    assert stats["tokens_completion"] == reply["usage"]["completion_tokens"]


async def test_invalid_requests_are_400(openrouter: RunningServer, http: httpx.AsyncClient) -> None:
    no_messages = await complete(http, openrouter, {"model": MODEL, "messages": []})
    bad_json = await http.post(
        f"{openrouter.url}/api/v1/chat/completions", content=b"{nope", headers=AUTH
    )
    bad_script = await http.post(
        f"{openrouter.url}/_emulator/script", json={"model": "*", "behaviour": "explode"}
    )

    assert no_messages.status_code == bad_json.status_code == 400
    assert no_messages.json()["error"]["code"] == 400
    assert bad_script.status_code == 422
