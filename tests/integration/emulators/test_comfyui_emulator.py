"""The ComfyUI emulator over its real HTTP + WebSocket protocol."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from nectar_emulators._server import RunningServer, serve
from nectar_emulators.comfyui import ComfyUIEmulatorSettings, create_app
from nectar_emulators.comfyui.workflows import text_to_image
from nectar_emulators.samples import png
from PIL import Image
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

Event = tuple[str, dict[str, Any]]


@pytest.fixture
def comfy_settings() -> ComfyUIEmulatorSettings:
    # 28 steps x 0.12 s and a 6 s checkpoint load take milliseconds at this scale.
    return ComfyUIEmulatorSettings(worker_name="emu-test", time_scale=0.001)


@pytest.fixture
async def comfy(comfy_settings: ComfyUIEmulatorSettings) -> AsyncIterator[RunningServer]:
    async with serve(create_app(comfy_settings)) as server:
        yield server


@pytest.fixture
async def http(comfy: RunningServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=comfy.url, timeout=15) as client:
        yield client


def ws_url(server: RunningServer, client_id: str, prefix: str = "") -> str:
    return f"ws://{server.host}:{server.port}{prefix}/ws?clientId={client_id}"


async def submit(http: httpx.AsyncClient, graph: dict[str, Any], **body: Any) -> str:
    response = await http.post("/prompt", json={"prompt": graph, **body})
    assert response.status_code == 200, response.text
    return str(response.json()["prompt_id"])


async def slow_down(http: httpx.AsyncClient, **timings: float) -> None:
    response = await http.post("/_emulator/timings", json=timings)
    assert response.status_code == 200, response.text


async def add_fault(http: httpx.AsyncClient, **spec: Any) -> None:
    response = await http.post("/_emulator/faults", json=spec)
    assert response.status_code == 201, response.text


async def receive_json(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    while True:
        frame = await asyncio.wait_for(ws.recv(), timeout)
        if isinstance(frame, str):
            return json.loads(frame)  # type: ignore[no-any-return]


async def events_until_done(ws: ClientConnection, prompt_id: str) -> list[Event]:
    """JSON events up to and including `executing {node: null}` of `prompt_id`."""
    events: list[Event] = []
    while True:
        message = await receive_json(ws)
        events.append((message["type"], message["data"]))
        data = message["data"]
        if (message["type"] == "executing" and data.get("node") is None
                and data.get("prompt_id") == prompt_id):
            return events


async def wait_for(predicate: Any, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.01)


async def history(http: httpx.AsyncClient, prompt_id: str) -> dict[str, Any]:
    async def done() -> bool:
        return bool((await http.get(f"/history/{prompt_id}")).json())

    await wait_for(done)
    return (await http.get(f"/history/{prompt_id}")).json()[prompt_id]  # type: ignore[no-any-return]


async def test_a_full_run_emits_the_real_event_sequence_and_the_png_is_served(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    client_id = uuid.uuid4().hex
    async with connect(ws_url(comfy, client_id)) as ws:
        hello = await receive_json(ws)
        prompt_id = await submit(http, text_to_image(seed=77, positive="Mira at the beach"),
                                 client_id=client_id)
        events = await events_until_done(ws, prompt_id)

    assert hello == {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}},
                                                "sid": client_id}}
    kinds = [kind for kind, _ in events if kind not in ("progress_state", "status")]
    executing = [data["node"] for kind, data in events if kind == "executing"]
    assert kinds[:2] == ["execution_start", "execution_cached"]
    assert kinds[-3:] == ["executed", "execution_success", "executing"]
    assert executing[-1] is None
    assert executing.index("4") < executing.index("10") < executing.index("3") \
        < executing.index("8") < executing.index("9")
    progress = [data for kind, data in events if kind == "progress"]
    assert [p["value"] for p in progress] == list(range(1, 29))
    assert {p["max"] for p in progress} == {28} and {p["node"] for p in progress} == {"3"}
    assert all(data.get("prompt_id") == prompt_id for kind, data in events if kind != "status")
    [executed] = [data for kind, data in events if kind == "executed"]
    [image] = executed["output"]["images"]

    entry = await history(http, prompt_id)
    assert entry["status"]["status_str"] == "success" and entry["status"]["completed"] is True
    assert [m[0] for m in entry["status"]["messages"]] == [
        "execution_start", "execution_cached", "execution_success"]
    assert entry["outputs"]["9"]["images"] == [image]
    assert entry["prompt"][1] == prompt_id
    view = await http.get("/view", params=image)
    assert view.status_code == 200 and view.headers["content-type"] == "image/png"
    picture = Image.open(io.BytesIO(view.content))
    assert picture.size == (832, 1216)
    shown = json.loads(picture.text["nectar_emulator"])
    assert "worker: emu-test" in shown and "prompt: Mira at the beach" in shown
    assert any(line.startswith("seed: 77") for line in shown)
    assert "lora: character_mira_v1.safetensors @ 0.85 / clip 0.85" in shown


async def test_every_route_is_also_served_under_api(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    client_id = uuid.uuid4().hex
    async with connect(ws_url(comfy, client_id, "/api")) as ws:
        await receive_json(ws)
        response = await http.post("/api/prompt",
                                   json={"prompt": text_to_image(), "client_id": client_id})
        prompt_id = response.json()["prompt_id"]
        await events_until_done(ws, prompt_id)

    assert (await http.get(f"/api/history/{prompt_id}")).json()[prompt_id]
    assert (await http.get("/api/queue")).json() == {"queue_running": [], "queue_pending": []}
    assert "character_mira_v1.safetensors" in (await http.get("/api/models/loras")).json()


async def test_a_client_supplied_prompt_id_is_used_and_a_non_canonical_one_refused(
    http: httpx.AsyncClient,
) -> None:
    mine = str(uuid.uuid4())

    accepted = await http.post("/prompt", json={"prompt": text_to_image(), "prompt_id": mine})
    refused = await http.post("/prompt", json={"prompt": text_to_image(),
                                               "prompt_id": mine.upper()})

    assert accepted.status_code == 200 and accepted.json()["prompt_id"] == mine
    assert accepted.json()["node_errors"] == {}
    assert (await history(http, mine))["status"]["status_str"] == "success"
    assert refused.status_code == 400
    assert refused.json()["error"]["type"] == "invalid_prompt_id"


async def test_an_unknown_lora_is_refused_with_node_errors(http: httpx.AsyncClient) -> None:
    removed = await http.post("/_emulator/inventory",
                              json={"remove": {"loras": ["character_mira_v2.safetensors"]}})

    response = await http.post(
        "/prompt", json={"prompt": text_to_image(lora="character_mira_v2.safetensors")})

    assert removed.status_code == 200
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["type"] == "prompt_outputs_failed_validation"
    [error] = body["node_errors"]["10"]["errors"]
    assert error["type"] == "value_not_in_list"
    assert error["extra_info"]["received_value"] == "character_mira_v2.safetensors"
    assert "character_mira_v2.safetensors" not in (await http.get("/models/loras")).json()
    info = (await http.get("/object_info/LoraLoader")).json()
    assert "character_mira_v2.safetensors" not in info["LoraLoader"]["input"]["required"][
        "lora_name"][0]
    assert (await http.get("/queue")).json()["queue_pending"] == []


async def upload(http: httpx.AsyncClient, name: str, data: bytes, **fields: str) -> httpx.Response:
    return await http.post("/upload/image", files={"image": (name, data, "image/png")},
                           data=fields)


async def test_ipadapter_model_loader_without_clip_vision_fails_at_execution(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    await upload(http, "reference.png", png(64, 48))
    client_id = uuid.uuid4().hex
    graph = text_to_image(ipadapter="model_loader", clip_vision=False, seed=3)
    async with connect(ws_url(comfy, client_id)) as ws:
        await receive_json(ws)
        response = await http.post("/prompt", json={"prompt": graph, "client_id": client_id})
        prompt_id = response.json()["prompt_id"]
        events = await events_until_done(ws, prompt_id)

    assert response.status_code == 200  # validation cannot see the gap
    [error] = [data for kind, data in events if kind == "execution_error"]
    assert error["node_id"] == "14" and error["node_type"] == "IPAdapterAdvanced"
    assert error["exception_message"] == "Missing CLIPVision model."
    assert error["prompt_id"] == prompt_id and isinstance(error["traceback"], list)
    assert "execution_success" not in [kind for kind, _ in events]
    entry = await history(http, prompt_id)
    assert entry["status"]["status_str"] == "error" and entry["status"]["completed"] is False
    assert entry["outputs"] == {}


@pytest.mark.parametrize("variant", ["model_loader", "unified"])
async def test_ipadapter_with_clip_vision_draws_the_reference(
    http: httpx.AsyncClient, variant: str
) -> None:
    await upload(http, "scarf.png", png(64, 64))
    graph = text_to_image(ipadapter=variant, reference_image="scarf.png",  # type: ignore[arg-type]
                          ipadapter_weight=0.45, ipadapter_end_at=0.75)

    entry = await history(http, await submit(http, graph))

    assert entry["status"]["status_str"] == "success"
    view = await http.get("/view", params=entry["outputs"]["9"]["images"][0])
    shown = "\n".join(json.loads(Image.open(io.BytesIO(view.content)).text["nectar_emulator"]))
    assert "ip-adapter: scarf.png weight 0.45" in shown and "end_at 0.75" in shown


async def test_execution_error_mid_run(comfy: RunningServer, http: httpx.AsyncClient) -> None:
    await add_fault(http, kind="execution_error", node="KSampler", at_step=5,
                    message="CUDA error: an illegal memory access", exception_type="RuntimeError")
    client_id = uuid.uuid4().hex
    async with connect(ws_url(comfy, client_id)) as ws:
        await receive_json(ws)
        prompt_id = await submit(http, text_to_image(seed=5), client_id=client_id)
        events = await events_until_done(ws, prompt_id)

    steps = [data["value"] for kind, data in events if kind == "progress"]
    [error] = [data for kind, data in events if kind == "execution_error"]
    assert steps == [1, 2, 3, 4, 5]
    assert error["node_id"] == "3" and error["exception_type"] == "RuntimeError"
    assert error["exception_message"] == "CUDA error: an illegal memory access"
    assert error["current_inputs"]["steps"] == [28]
    assert "4" in error["executed"] and "9" not in error["executed"]
    entry = await history(http, prompt_id)
    assert entry["status"]["messages"][-1][0] == "execution_error"
    assert (await http.get("/_emulator/faults")).json() == {"faults": []}
    # The next prompt runs normally: the fault was used up.
    assert (await history(http, await submit(http, text_to_image(seed=6))))["status"][
        "status_str"] == "success"


async def running_prompt(http: httpx.AsyncClient) -> str | None:
    running = (await http.get("/queue")).json()["queue_running"]
    return running[0][1] if running else None


async def test_interrupt_stops_the_running_prompt_only(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    await slow_down(http, step_s=1.0, time_scale=0.05)
    client_id = uuid.uuid4().hex
    async with connect(ws_url(comfy, client_id)) as ws:
        await receive_json(ws)
        first = await submit(http, text_to_image(seed=10), client_id=client_id)
        second = await submit(http, text_to_image(seed=11), client_id=client_id)
        while (await receive_json(ws))["type"] != "progress":
            pass
        skipped = await http.post("/interrupt", json={"prompt_id": second})
        assert skipped.status_code == 200
        await slow_down(http, step_s=0.0)  # the second prompt, when it starts, is quick
        assert (await http.post("/interrupt", json={"prompt_id": first})).status_code == 200
        events = await events_until_done(ws, first)
        await events_until_done(ws, second)

    [stopped] = [data for kind, data in events if kind == "execution_interrupted"]
    assert stopped["prompt_id"] == first and stopped["node_id"] == "3"
    assert (await history(http, first))["status"]["status_str"] == "error"
    assert (await history(http, second))["status"]["status_str"] == "success"
    counters = (await http.get("/_emulator/counters")).json()
    assert counters["prompts_interrupted"] == 1 and counters["prompts_succeeded"] == 1


async def test_a_bare_interrupt_stops_whatever_runs(http: httpx.AsyncClient) -> None:
    await slow_down(http, step_s=1.0, time_scale=0.05)
    prompt_id = await submit(http, text_to_image(seed=12))

    async def is_running() -> bool:
        return await running_prompt(http) == prompt_id

    await wait_for(is_running)
    assert (await http.post("/interrupt")).status_code == 200

    entry = await history(http, prompt_id)
    assert entry["status"]["messages"][-1][0] == "execution_interrupted"


async def test_cancel_running_and_pending_jobs(http: httpx.AsyncClient) -> None:
    await slow_down(http, step_s=1.0, time_scale=0.05)
    running = await submit(http, text_to_image(seed=20))
    pending = await submit(http, text_to_image(seed=21))

    async def is_running() -> bool:
        return await running_prompt(http) == running

    await wait_for(is_running)
    cancel_pending = await http.post(f"/api/jobs/{pending}/cancel")
    cancel_running = await http.post(f"/api/jobs/{running}/cancel")
    entry = await history(http, running)
    cancel_again = await http.post(f"/api/jobs/{running}/cancel")
    unknown = await http.post(f"/api/jobs/{uuid.uuid4()}/cancel")

    assert cancel_pending.json() == {"cancelled": True}
    assert cancel_running.json() == {"cancelled": True}
    assert entry["status"]["messages"][-1][0] == "execution_interrupted"
    assert cancel_again.json() == {"cancelled": False}
    assert unknown.status_code == 200 and unknown.json() == {"cancelled": False}
    await asyncio.sleep(0.2)
    assert (await http.get(f"/history/{pending}")).json() == {}
    assert (await http.get(f"/api/jobs/{running}")).json()["status"] == "cancelled"
    assert (await http.get(f"/api/jobs/{pending}")).status_code == 404


async def test_batch_cancel_refuses_malformed_ids(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/jobs/cancel", json={"job_ids": ["not-a-uuid"]})

    assert response.status_code == 400
    assert response.json()["invalid_ids"] == ["not-a-uuid"]


async def test_queue_delete_and_clear_remove_pending_prompts(http: httpx.AsyncClient) -> None:
    await slow_down(http, step_s=1.0, time_scale=0.05)
    running = await submit(http, text_to_image(seed=30))
    doomed = await submit(http, text_to_image(seed=31))
    kept = await submit(http, text_to_image(seed=32))
    cleared = await submit(http, text_to_image(seed=33))

    await http.post("/queue", json={"delete": [doomed]})
    queue = (await http.get("/queue")).json()
    pending_ids = [item[1] for item in queue["queue_pending"]]
    status = (await http.get("/prompt")).json()

    assert [item[1] for item in queue["queue_running"]] in ([running], [])
    assert doomed not in pending_ids and kept in pending_ids and cleared in pending_ids
    assert status["exec_info"]["queue_remaining"] == len(pending_ids) + len(
        queue["queue_running"])
    item = queue["queue_pending"][0]
    assert item[2]["3"]["class_type"] == "KSampler" and item[4] == ["9"]
    await http.post("/queue", json={"clear": True})
    assert (await http.get("/queue")).json()["queue_pending"] == []
    await http.post("/interrupt")
    await history(http, running)
    await asyncio.sleep(0.1)
    for prompt_id in (doomed, kept, cleared):
        assert (await http.get(f"/history/{prompt_id}")).json() == {}


async def test_prompts_run_one_at_a_time_in_fifo_order(http: httpx.AsyncClient) -> None:
    ids = [await submit(http, text_to_image(seed=40 + i)) for i in range(4)]

    for prompt_id in ids:
        await history(http, prompt_id)
    order = [e["prompt_id"] for e in (await http.get("/_emulator/executions")).json()[
        "executions"]]
    numbers = [(await http.get(f"/history/{i}")).json()[i]["prompt"][0] for i in ids]

    assert order == ids
    assert numbers == sorted(numbers)


async def test_a_restart_loses_the_queue_the_running_prompt_and_history(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    done = await submit(http, text_to_image(seed=50))
    entry = await history(http, done)
    await slow_down(http, step_s=1.0, time_scale=0.05)
    client_id = uuid.uuid4().hex
    async with connect(ws_url(comfy, client_id)) as ws:
        await receive_json(ws)
        running = await submit(http, text_to_image(seed=51), client_id=client_id)
        pending = await submit(http, text_to_image(seed=52), client_id=client_id)
        while (await receive_json(ws))["type"] != "progress":
            pass
        restart = await http.post("/_emulator/restart", json={"down_s": 0.3})
        during = await http.get("/queue")
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), 5)

    assert restart.json()["lost_running"] == running
    assert restart.json()["lost_pending"] == [pending]
    assert during.status_code == 503
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012

    async def back() -> bool:
        return (await http.get("/queue")).status_code == 200

    await wait_for(back)
    assert (await http.get("/queue")).json() == {"queue_running": [], "queue_pending": []}
    for prompt_id in (done, running, pending):
        assert (await http.get(f"/history/{prompt_id}")).json() == {}
    # Files on disk survive a restart; the loaded checkpoint does not.
    assert (await http.get("/view", params=entry["outputs"]["9"]["images"][0])).status_code == 200
    state = (await http.get("/_emulator/state")).json()
    assert state["loaded"]["checkpoint"] is None and state["counters"]["restarts"] == 1
    await slow_down(http, step_s=0.0)
    assert (await history(http, await submit(http, text_to_image(seed=53))))["status"][
        "status_str"] == "success"


async def test_a_dropped_websocket_leaves_the_run_going_and_history_has_the_result(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    await add_fault(http, kind="drop_websocket", node="KSampler", at_step=3)
    client_id = uuid.uuid4().hex
    seen: list[str] = []
    async with connect(ws_url(comfy, client_id)) as ws:
        await receive_json(ws)
        prompt_id = await submit(http, text_to_image(seed=60), client_id=client_id)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                seen.append((await receive_json(ws))["type"])

    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
    assert "execution_success" not in seen
    entry = await history(http, prompt_id)  # the fallback a client uses after a drop
    assert entry["status"]["status_str"] == "success" and entry["outputs"]["9"]["images"]
    async with connect(ws_url(comfy, client_id)) as again:
        assert (await receive_json(again))["data"]["sid"] == client_id


async def test_http_5xx_fault_hits_the_next_calls_of_a_route(http: httpx.AsyncClient) -> None:
    await add_fault(http, kind="http_error", route="/prompt", method="POST", status=502, times=2)

    first = await http.post("/prompt", json={"prompt": text_to_image()})
    second = await http.post("/api/prompt", json={"prompt": text_to_image()})
    other_route = await http.get("/queue")
    third = await http.post("/prompt", json={"prompt": text_to_image()})

    assert (first.status_code, second.status_code) == (502, 502)
    assert other_route.status_code == 200
    assert third.status_code == 200
    assert (await http.get("/_emulator/counters")).json()["http_faults"] == 2


async def test_a_websocket_fault_refuses_the_handshake(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    await add_fault(http, kind="http_error", route="/ws", status=503)

    with pytest.raises(Exception, match="403"):
        async with connect(ws_url(comfy, "c1")):
            pass
    async with connect(ws_url(comfy, "c1")) as ws:
        assert (await receive_json(ws))["type"] == "status"


async def test_upload_renames_a_clashing_name_and_keeps_identical_bytes(
    http: httpx.AsyncClient,
) -> None:
    first = await upload(http, "ref.png", png(8, 8))
    same = await upload(http, "ref.png", png(8, 8))
    other = await upload(http, "ref.png", png(16, 16))
    overwritten = await upload(http, "ref.png", png(32, 32), overwrite="true")
    nested = await upload(http, "face.png", png(8, 8), subfolder="refs")
    escape = await upload(http, "x.png", png(8, 8), subfolder="../../etc")

    assert first.json() == {"name": "ref.png", "subfolder": "", "type": "input"}
    assert same.json()["name"] == "ref.png"
    assert other.json()["name"] == "ref (1).png"
    assert overwritten.json()["name"] == "ref.png"
    assert nested.json() == {"name": "face.png", "subfolder": "refs", "type": "input"}
    assert escape.status_code == 400
    served = await http.get("/view", params={"filename": "ref.png", "type": "input"})
    assert Image.open(io.BytesIO(served.content)).size == (32, 32)
    renamed = await http.get("/view", params={"filename": "ref (1).png", "type": "input"})
    assert Image.open(io.BytesIO(renamed.content)).size == (16, 16)
    combo = (await http.get("/object_info/LoadImage")).json()["LoadImage"]["input"][
        "required"]["image"][0]
    assert combo == ["ref (1).png", "ref.png"]


async def test_view_refuses_traversal_and_unknown_files(http: httpx.AsyncClient) -> None:
    assert (await http.get("/view", params={"filename": "../secret"})).status_code == 400
    assert (await http.get("/view", params={"filename": "x.png", "subfolder": "../.."})
            ).status_code == 403
    assert (await http.get("/view", params={"filename": "nothing.png"})).status_code == 404
    assert (await http.get("/view", params={"filename": "a.png", "type": "bogus"})
            ).status_code == 400


async def test_history_is_the_fallback_for_a_prompt_without_client_id(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    await slow_down(http, step_s=1.0, time_scale=0.02)
    listener = uuid.uuid4().hex
    async with connect(ws_url(comfy, listener)) as ws:
        await receive_json(ws)
        prompt_id = await submit(http, text_to_image(seed=70, steps=10))

        async def is_running() -> bool:
            return await running_prompt(http) == prompt_id

        await wait_for(is_running)
        while_running = (await http.get(f"/history/{prompt_id}")).json()
        entry = await history(http, prompt_id)
        seen: list[str] = []
        with pytest.raises(TimeoutError):
            while True:
                seen.append((await receive_json(ws, timeout=0.3))["type"])

    assert while_running == {}
    assert entry["status"]["status_str"] == "success"
    # No executing/executed for someone else's (or nobody's) prompt; progress is broadcast.
    assert "executing" not in seen and "executed" not in seen
    assert (await http.get("/history", params={"max_items": 1})).json().keys() == {prompt_id}


async def test_events_go_only_to_the_client_that_queued_the_prompt(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    owner, other = uuid.uuid4().hex, uuid.uuid4().hex
    async with connect(ws_url(comfy, owner)) as ws_owner, \
            connect(ws_url(comfy, other)) as ws_other:
        await receive_json(ws_owner)
        await receive_json(ws_other)
        prompt_id = await submit(http, text_to_image(seed=80), client_id=owner)
        await events_until_done(ws_owner, prompt_id)
        seen: list[str] = []
        with pytest.raises(TimeoutError):
            while True:
                seen.append((await receive_json(ws_other, timeout=0.3))["type"])

    assert seen and set(seen) == {"status"}


async def test_lora_switch_cost_shows_in_timings(http: httpx.AsyncClient) -> None:
    await slow_down(http, checkpoint_load_s=2.0, lora_switch_s=5.0, step_s=0.0,
                    text_encode_s=0.0, vae_decode_s=0.0, time_scale=0.02)
    plan = ["character_mira_v1.safetensors", "character_mira_v1.safetensors",
            "character_kai_v1.safetensors", "character_kai_v1.safetensors"]

    for seed, lora in enumerate(plan):
        await history(http, await submit(http, text_to_image(seed=seed, lora=lora)))
    runs = (await http.get("/_emulator/executions")).json()["executions"]
    counters = (await http.get("/_emulator/counters")).json()

    assert [r["lora_loads"] for r in runs] == [1, 0, 1, 0]
    assert [r["checkpoint_loads"] for r in runs] == [1, 0, 0, 0]
    assert [r["model_s"] for r in runs] == pytest.approx([7.0, 0.0, 5.0, 0.0])
    # Sleeps never end early, so the switch shows in wall time at the configured scale.
    assert runs[2]["wall_s"] >= 5.0 * 0.02
    assert (counters["checkpoint_loads"], counters["lora_loads"]) == (1, 2)
    assert counters["busy_s"] >= 0.24 and counters["prompts_succeeded"] == 4


async def test_an_identical_prompt_is_served_from_the_cache(
    comfy: RunningServer, http: httpx.AsyncClient
) -> None:
    graph = text_to_image(seed=90)
    first = await history(http, await submit(http, graph))
    client_id = uuid.uuid4().hex
    async with connect(ws_url(comfy, client_id)) as ws:
        await receive_json(ws)
        prompt_id = await submit(http, graph, client_id=client_id)
        events = await events_until_done(ws, prompt_id)

    cached = next(data for kind, data in events if kind == "execution_cached")
    assert sorted(cached["nodes"]) == sorted(graph)
    assert [data["node"] for kind, data in events if kind == "executing"] == [None]
    [executed] = [data for kind, data in events if kind == "executed"]
    assert executed["output"] == first["outputs"]["9"]


async def test_a_hang_is_freed_only_by_a_restart(http: httpx.AsyncClient) -> None:
    await add_fault(http, kind="hang", node="KSampler", at_step=2)
    prompt_id = await submit(http, text_to_image(seed=100))

    async def is_running() -> bool:
        return await running_prompt(http) == prompt_id

    async def hung() -> bool:  # the fault fired (used up, or counted), not just queued
        faults = (await http.get("/_emulator/faults")).json()["faults"]
        return not [f for f in faults if f["kind"] == "hang" and not f["fired"]]

    await wait_for(is_running)
    await wait_for(hung)  # an interrupt before step 2 would stop the prompt for real
    await http.post("/interrupt")
    await asyncio.sleep(0.3)
    assert await running_prompt(http) == prompt_id
    assert (await http.get(f"/history/{prompt_id}")).json() == {}
    await http.post("/_emulator/restart", json={})
    assert await running_prompt(http) is None


async def test_an_interruptible_hang_ends_with_an_interrupt(http: httpx.AsyncClient) -> None:
    await add_fault(http, kind="hang", node="VAEDecode", interruptible=True)
    prompt_id = await submit(http, text_to_image(seed=101))

    async def is_running() -> bool:
        return await running_prompt(http) == prompt_id

    await wait_for(is_running)
    await asyncio.sleep(0.1)
    await http.post("/interrupt", json={"prompt_id": prompt_id})

    entry = await history(http, prompt_id)
    assert entry["status"]["messages"][-1][1]["node_type"] == "VAEDecode"


@pytest.mark.parametrize(("variant", "suffix"), [("text", ".png"), ("truncated", ".png"),
                                                 ("webp", ".webp")])
async def test_a_non_image_output_is_not_a_png(
    http: httpx.AsyncClient, variant: str, suffix: str
) -> None:
    await add_fault(http, kind="non_image_output", variant=variant)

    entry = await history(http, await submit(http, text_to_image(seed=110)))
    [image] = entry["outputs"]["9"]["images"]
    body = (await http.get("/view", params=image)).content

    assert entry["status"]["status_str"] == "success"
    assert image["filename"].endswith(suffix)
    if variant == "text":
        assert not body.startswith(b"\x89PNG")
    elif variant == "truncated":
        assert body.startswith(b"\x89PNG")
        with pytest.raises(OSError):
            Image.open(io.BytesIO(body)).load()
    else:
        assert Image.open(io.BytesIO(body)).format == "WEBP"


async def test_inventory_and_health_routes(http: httpx.AsyncClient) -> None:
    stats = (await http.get("/system_stats")).json()
    folders = (await http.get("/models")).json()
    checkpoints = (await http.get("/models/checkpoints")).json()
    info = (await http.get("/object_info")).json()

    assert stats["system"]["comfyui_version"] and stats["devices"][0]["type"] == "cuda"
    assert stats["devices"][0]["vram_free"] <= stats["devices"][0]["vram_total"]
    assert {"checkpoints", "loras", "ipadapter", "clip_vision"} <= set(folders)
    assert "sd_xl_base_1.0.safetensors" in checkpoints
    assert (await http.get("/models/nonsense")).status_code == 404
    assert {"KSampler", "IPAdapterAdvanced", "IPAdapterUnifiedLoader"} <= set(info)
    assert info["CheckpointLoaderSimple"]["output"] == ["MODEL", "CLIP", "VAE"]
    assert (await http.get("/object_info/Nope")).json() == {}


async def test_malformed_prompt_bodies_get_the_servers_answers(http: httpx.AsyncClient) -> None:
    not_json = await http.post("/prompt", content=b"{nope")
    no_prompt = await http.post("/prompt", json={"client_id": "x"})

    assert not_json.status_code == 500
    assert no_prompt.status_code == 400 and no_prompt.json()["error"]["type"] == "no_prompt"


async def test_control_api_rejects_bad_requests(http: httpx.AsyncClient) -> None:
    assert (await http.post("/_emulator/faults", json={"kind": "explode"})).status_code == 422
    assert (await http.post("/_emulator/timings", json={"step_s": -1})).status_code == 422
    assert (await http.post("/_emulator/inventory",
                            json={"add": {"nowhere": ["x"]}})).status_code == 422


async def test_reset_returns_to_the_settings(http: httpx.AsyncClient) -> None:
    await upload(http, "ref.png", png(8, 8))
    await history(http, await submit(http, text_to_image(seed=120)))
    await http.post("/_emulator/inventory", json={"remove": {"loras": [
        "character_mira_v1.safetensors"]}})

    assert (await http.post("/_emulator/reset")).json() == {"reset": True}
    state = (await http.get("/_emulator/state")).json()
    assert state["history_size"] == 0 and state["files"] == {"input": 0, "output": 0, "temp": 0}
    assert state["counters"]["prompts_executed"] == 0
    assert "character_mira_v1.safetensors" in (await http.get("/models/loras")).json()
    assert (await history(http, await submit(http, text_to_image(seed=121))))["status"][
        "status_str"] == "success"
