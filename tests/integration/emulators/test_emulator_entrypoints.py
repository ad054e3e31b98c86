"""`python -m nectar_emulators.<name>` starts a real server; `run_in_thread` serves from sync code."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from nectar_emulators._server import run_in_thread
from nectar_emulators.openrouter import create_app as create_openrouter_app
from nectar_emulators.telegram import create_app as create_telegram_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            return httpx.get(f"{url}/healthz", timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never became healthy")


@pytest.mark.parametrize(
    ("module", "extra"),
    [
        ("nectar_emulators.telegram", []),
        ("nectar_emulators.openrouter", ["--model-behaviour", "vendor/model=content_filter"]),
        ("nectar_emulators.comfyui", ["--worker-name", "gpu-a", "--time-scale", "0.001"]),
        ("nectar_emulators.inworld", ["--behaviour", "http_503", "--character-budget", "100"]),
    ],
)
def test_module_runs_a_healthy_server_logging_json(module: str, extra: list[str]) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        response = wait_healthy(f"http://127.0.0.1:{port}", process)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    records = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    assert any(r["level"] == "info" and "Uvicorn running" in r["msg"] for r in records)


def test_openrouter_cli_model_behaviour_applies() -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nectar_emulators.openrouter",
            "--port",
            str(port),
            "--model-behaviour",
            "vendor/model=http_503",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        response = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/chat/completions",
            headers={"Authorization": "Bearer x"},
            json={"model": "vendor/model", "messages": [{"role": "user", "content": "hi"}]},
        )
        assert response.status_code == 503
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_rejects_an_unknown_behaviour() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nectar_emulators.openrouter", "--model-behaviour", "m=explode"],
        capture_output=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert b"unknown behaviour" in result.stderr


def test_run_in_thread_serves_both_apps_from_sync_code() -> None:
    with (
        run_in_thread(create_telegram_app()) as telegram,
        run_in_thread(create_openrouter_app()) as openrouter,
    ):
        assert httpx.get(f"{telegram.url}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{openrouter.url}/api/v1/models").status_code == 200


def test_comfyui_cli_flags_reach_the_worker() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nectar_emulators.comfyui", "--port", str(port),
         "--worker-name", "gpu-b", "--lora", "character_zoe_v2.safetensors",
         "--time-scale", "0.001", "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process)
        state = httpx.get(f"{url}/_emulator/state").json()
        loras = httpx.get(f"{url}/models/loras").json()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert state["worker_name"] == "gpu-b"
    assert state["timings"]["time_scale"] == 0.001
    assert loras == ["character_zoe_v2.safetensors"]
