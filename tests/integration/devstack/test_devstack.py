"""The Docker-free dev stack (deploy/devstack): real NATS/Postgres/Redis/Chroma processes
started on free ports in a tmp dir, used, stopped, restarted with the same data."""

from __future__ import annotations

import os
import socket
import stat
import sys
import uuid
from pathlib import Path

import asyncpg
import chromadb
import nats
import pytest
import redis
from nectar_devstack import INFRA, Stack, StackConfig, StackError, mask_env
from nectar_devstack.config import PORT_ENV_VARS, SERVICES
from nectar_devstack import proc as devproc
from nectar_devstack.cli import main as cli_main
from nectar_devstack.testing import chroma_url, nats_url, postgres_dsn, redis_url, start_infra

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def infra(tmp_path_factory: pytest.TempPathFactory):
    stack, config = start_infra(tmp_path_factory.mktemp("devstack"))
    yield stack, config
    stack.down()


def _procs_mentioning(path: Path) -> list[tuple[int, str]]:
    """Live processes whose command line mentions path (our data dir)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and devproc.pid_alive(int(entry.name)):
            cmd = " ".join(devproc.cmdline(int(entry.name)))
            if str(path) in cmd:
                out.append((int(entry.name), cmd))
    return out


def _process_tree(stack: Stack) -> set[int]:
    pids = set(stack.pids().values())
    for pid in list(pids):
        pids.update(devproc.descendants(pid))
    return pids


# -- usable infra ---------------------------------------------------------------------


def test_every_infra_component_is_running_and_ready(infra) -> None:
    stack, config = infra
    statuses = {s.name: s for s in stack.status()}
    assert set(statuses) == set(INFRA)
    for name, s in statuses.items():
        assert s.running and s.ready, name
        assert s.pid and config.pid_path(name).read_text().strip() == str(s.pid)
        assert s.log == config.log_path(name) and s.log.exists()
    assert config.stack_json.exists()
    assert "webhook_secret" not in config.stack_json.read_text()


async def test_nats_jetstream_publish_and_consume(infra) -> None:
    _, config = infra
    nc = await nats.connect(nats_url(config))
    try:
        js = nc.jetstream()
        await js.add_stream(name="DEVSTACK_T1", subjects=["devstack.t1.>"])
        ack = await js.publish("devstack.t1.hello", b"hi there")
        assert ack.stream == "DEVSTACK_T1"
        sub = await js.pull_subscribe("devstack.t1.>", durable="t1")
        msgs = await sub.fetch(1, timeout=5)
        assert msgs[0].data == b"hi there"
        await msgs[0].ack()
    finally:
        await nc.close()


async def test_postgres_select_one_as_nectar(infra) -> None:
    _, config = infra
    conn = await asyncpg.connect(postgres_dsn(config))
    try:
        assert await conn.fetchval("SELECT 1") == 1
        assert await conn.fetchval("SELECT current_user") == "nectar"
        assert await conn.fetchval("SELECT current_database()") == "nectar"
        # the nectar role owns the database: migrations can create tables in public
        await conn.execute("CREATE TABLE IF NOT EXISTS t_ddl (id int)")
        assert await conn.fetchval("SHOW server_encoding") == "UTF8"
    finally:
        await conn.close()


def test_redis_set_get(infra) -> None:
    _, config = infra
    r = redis.Redis.from_url(redis_url(config))
    try:
        r.set("devstack:k", "v")
        assert r.get("devstack:k") == b"v"
        assert r.config_get("appendonly")["appendonly"] == "yes"
    finally:
        r.close()


def test_chroma_collection_roundtrip(infra) -> None:
    _, config = infra
    assert chroma_url(config) == f"http://{config.host}:{config.chroma_port}"
    client = chromadb.HttpClient(host=config.host, port=config.chroma_port)
    col = client.get_or_create_collection("devstack_t1", embedding_function=None)
    col.add(
        ids=["a", "b"], embeddings=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], documents=["alpha", "beta"]
    )
    res = col.query(query_embeddings=[[0.9, 0.1, 0.0]], n_results=1)
    assert res["ids"] == [["a"]]
    assert res["documents"] == [["alpha"]]


def test_up_is_idempotent(infra) -> None:
    stack, _ = infra
    before = stack.pids()
    stack.up(timeout=30)
    again = Stack(stack.config, INFRA)  # a second object (like a second CLI call) too
    again.up(timeout=30)
    assert stack.pids() == before == again.pids()


# -- persistence and clean shutdown --------------------------------------------------


async def test_down_leaves_nothing_and_up_keeps_the_data(infra) -> None:
    stack, config = infra
    token = uuid.uuid4().hex

    conn = await asyncpg.connect(postgres_dsn(config))
    await conn.execute("CREATE TABLE IF NOT EXISTS persist (token text primary key)")
    await conn.execute("INSERT INTO persist VALUES ($1)", token)
    await conn.close()
    r = redis.Redis.from_url(redis_url(config))
    r.set("persist:token", token)
    r.rpush("persist:history", "m1", "m2")
    r.close()
    nc = await nats.connect(nats_url(config))
    js = nc.jetstream()
    await js.add_stream(name="DEVSTACK_PERSIST", subjects=["devstack.persist"])
    await js.publish("devstack.persist", token.encode())
    await nc.close()
    client = chromadb.HttpClient(host=config.host, port=config.chroma_port)
    client.get_or_create_collection("persist", embedding_function=None).add(
        ids=[token], embeddings=[[0.1, 0.2, 0.3]], documents=["kept"]
    )

    tree = _process_tree(stack)
    assert len(tree) >= 4 + 3  # postgres has its own backend processes
    stack.down()

    assert not [p for p in tree if devproc.pid_alive(p)]
    assert _procs_mentioning(config.data_dir) == []
    assert not list(config.run_dir.glob("*.pid"))
    assert all(not s.running for s in stack.status())
    stack.down()  # safe when nothing runs

    stack.up(timeout=60)

    conn = await asyncpg.connect(postgres_dsn(config))
    assert await conn.fetchval("SELECT token FROM persist WHERE token = $1", token) == token
    await conn.close()
    r = redis.Redis.from_url(redis_url(config))
    assert r.get("persist:token") == token.encode()
    assert r.lrange("persist:history", 0, -1) == [b"m1", b"m2"]
    r.close()
    nc = await nats.connect(nats_url(config))
    js = nc.jetstream()
    msg = await js.get_last_msg("DEVSTACK_PERSIST", "devstack.persist")
    assert msg.data == token.encode()
    await nc.close()
    client = chromadb.HttpClient(host=config.host, port=config.chroma_port)
    got = client.get_collection("persist", embedding_function=None).get(ids=[token])
    assert got["documents"] == ["kept"]


def test_zz_final_down_leaves_no_process(infra) -> None:
    stack, config = infra
    tree = _process_tree(stack)
    assert tree
    stack.down()
    assert not [p for p in tree if devproc.pid_alive(p)]
    assert _procs_mentioning(config.data_dir) == []


# -- failures are explained ---------------------------------------------------------


def test_startup_failure_names_component_and_shows_log_tail(tmp_path: Path) -> None:
    stack = Stack(StackConfig.free_ports(tmp_path), ["nats"])
    stack.components["nats"].argv = [
        sys.executable,
        "-c",
        "print('boom-from-nats'); raise SystemExit(3)",
    ]
    with pytest.raises(StackError) as err:
        stack.up(timeout=20)
    msg = str(err.value)
    assert msg.startswith("nats exited during startup with exit code 3")
    assert "boom-from-nats" in msg and "nats.log" in msg
    stack.down()


def test_port_in_use_is_reported(tmp_path: Path) -> None:
    config = StackConfig.free_ports(tmp_path)
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((config.host, config.redis_port))
        s.listen()
        with pytest.raises(StackError, match=rf"redis: port {config.redis_port} .* in use"):
            Stack(config, ["redis"]).up(timeout=10)
    assert Stack(config, ["redis"]).pids() == {}


# -- configuration and environment (no processes) ----------------------------------


def test_env_with_emulators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("TELEGRAM_BOT_TOKEN", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("EDGE_SOMETHING", "x")
    monkeypatch.setenv("NECTAR_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("NECTAR_SERVICE_HTTP_PORT", "1")  # never inherited
    monkeypatch.setenv("UNRELATED_VAR", "y")
    config = StackConfig(data_dir=tmp_path)
    env = Stack(config, []).env("memory")
    assert env["NECTAR_NATS_URL"] == "nats://127.0.0.1:4222"
    assert env["NECTAR_REDIS_URL"] == "redis://127.0.0.1:6380/0"
    assert env["BILLING_DATABASE_URL"] == "postgresql+asyncpg://nectar@127.0.0.1:5433/nectar"
    assert env["MEMORY_CHROMA_URL"] == "http://127.0.0.1:8010"
    assert env["LLM_OPENROUTER_BASE_URL"] == "http://127.0.0.1:8092/api/v1"
    assert env["LLM_OPENROUTER_API_KEY"] == "emulator-key"
    assert env["EDGE_TELEGRAM_API_BASE"] == "http://127.0.0.1:8091"
    assert env["EDGE_TELEGRAM_BOT_TOKEN"] == "123456789:EMULATORemulatorEMULATORemulator00"
    assert env["EDGE_WEBHOOK_URL"] == "http://127.0.0.1:8081/telegram/webhook"
    assert env["NECTAR_OTEL_SPANS_FILE"] == str(tmp_path / "traces" / "spans.jsonl")
    assert env["NECTAR_SERVICE_HTTP_HOST"] == "127.0.0.1"
    assert env["NECTAR_SERVICE_HTTP_PORT"] == "8082"
    assert env["NECTAR_LOG_LEVEL"] == "DEBUG"  # caller wins
    assert env["EDGE_SOMETHING"] == "x"
    assert "UNRELATED_VAR" not in env
    assert env["PATH"] == os.environ["PATH"]

    secret_file = tmp_path / "secrets" / "webhook_secret"
    assert env["EDGE_WEBHOOK_SECRET"] == secret_file.read_text().strip()
    assert len(env["EDGE_WEBHOOK_SECRET"]) >= 32
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert Stack(config, []).env()["EDGE_WEBHOOK_SECRET"] == env["EDGE_WEBHOOK_SECRET"]

    masked = mask_env(env)
    for key in ("EDGE_WEBHOOK_SECRET", "EDGE_TELEGRAM_BOT_TOKEN", "LLM_OPENROUTER_API_KEY"):
        assert masked[key] == "***"
    assert masked["NECTAR_NATS_URL"] == env["NECTAR_NATS_URL"]


def test_env_with_real_apis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "42:real-token")
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-real")
    env = Stack(StackConfig(data_dir=tmp_path), []).env()
    assert env["EDGE_TELEGRAM_BOT_TOKEN"] == "42:real-token"
    assert env["EDGE_TELEGRAM_API_BASE"] == "https://api.telegram.org"
    assert "EDGE_WEBHOOK_URL" not in env
    assert env["LLM_OPENROUTER_BASE_URL"] == "https://openrouter.ai/api/v1"
    assert env["LLM_OPENROUTER_API_KEY"] == "sk-or-real"
    # isolated test stacks never reach the real APIs
    test_env = Stack(StackConfig.free_ports(tmp_path), []).env()
    assert test_env["EDGE_TELEGRAM_BOT_TOKEN"].startswith("123456789:EMULATOR")
    assert test_env["LLM_OPENROUTER_API_KEY"] == "emulator-key"


def test_config_from_env_and_free_ports(tmp_path: Path) -> None:
    config = StackConfig.from_env(
        {
            "NECTAR_DATA_DIR": str(tmp_path / "d"),
            "NECTAR_NATS_PORT": "14000",
            "NECTAR_POSTGRES_PORT": "15000",
            "NECTAR_TELEGRAM_EDGE_PORT": "18000",
        }
    )
    assert config.data_dir == tmp_path / "d"
    assert (config.nats_port, config.postgres_port) == (14000, 15000)
    assert config.service_ports["telegram_edge"] == 18000
    assert config.service_ports["billing"] == 8086
    default = StackConfig.from_env({})
    assert (
        default.data_dir.name == ".data" and (default.data_dir.parent / "pyproject.toml").exists()
    )
    with pytest.raises(ValueError, match="NECTAR_REDIS_PORT"):
        StackConfig.from_env({"NECTAR_REDIS_PORT": "nope"})
    ports = list(StackConfig.free_ports(tmp_path).all_ports().values())
    # every infra/emulator port (SeaweedFS alone has eight, a NATS node three) and one per
    # service, all distinct
    assert len(ports) == len(set(ports)) == len(PORT_ENV_VARS) + len(SERVICES)
    assert {"NECTAR_S3_FILER_GRPC_PORT", "NECTAR_NATS_3_CLUSTER_PORT"} <= set(
        PORT_ENV_VARS.values())


def test_cli_env_masks_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NECTAR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert cli_main(["env", "billing"]) == 0
    out = capsys.readouterr().out
    lines = dict(line.split("=", 1) for line in out.splitlines())
    assert lines["EDGE_WEBHOOK_SECRET"] == "***"
    assert lines["EDGE_TELEGRAM_BOT_TOKEN"] == "***"
    assert lines["NECTAR_SERVICE_HTTP_PORT"] == "8086"
    secret = (tmp_path / "secrets" / "webhook_secret").read_text().strip()
    assert secret not in out


def test_cli_status_json_when_nothing_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NECTAR_DATA_DIR", str(tmp_path))
    assert cli_main(["status", "--json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert {c["name"] for c in data["components"]} >= set(INFRA)
    assert not any(c["running"] for c in data["components"])
    assert cli_main(["down"]) == 0


# -- emulators and services (fake processes standing in for them) ------------------

FAKE = Path(__file__).with_name("fake_service.py")


def _fake(stack: Stack, name: str, tmp_path: Path, *extra: str) -> None:
    c = stack.components[name]
    c.argv = [
        sys.executable,
        str(FAKE),
        "--name",
        name,
        "--env-out",
        str(tmp_path / f"{name}.env.json"),
        *extra,
    ]
    if c.kind == "emulator":
        c.argv += ["--port", str(c.ports[0])]
    c.needles = (str(FAKE), name)


def test_services_get_their_env_and_start_after_billing(tmp_path: Path) -> None:
    import json

    stack = Stack(
        StackConfig.free_ports(tmp_path / "data"),
        ["nats", "openrouter_emulator", "billing", "memory", "llm"],
    )
    for name in ("openrouter_emulator", "billing", "memory", "llm"):
        _fake(stack, name, tmp_path)
    try:
        stack.up(timeout=60)
        statuses = {s.name: s for s in stack.status()}
        assert all(s.ready for s in statuses.values()), statuses
        info = {
            n: json.loads((tmp_path / f"{n}.env.json").read_text())
            for n in ("billing", "memory", "llm", "openrouter_emulator")
        }
        cfg = stack.config
        for n in ("billing", "memory", "llm"):
            env = info[n]["env"]
            assert env["NECTAR_SERVICE_HTTP_PORT"] == str(cfg.service_ports[n])
            assert env["NECTAR_NATS_URL"] == f"nats://127.0.0.1:{cfg.nats_port}"
            # each service connects as its own NATS user (permissions from its contracts)
            assert env["NECTAR_NATS_USER"] == n
            assert env["NECTAR_NATS_PASSWORD"] == stack.nats_password(n)
            assert env["EDGE_WEBHOOK_SECRET"] == stack.webhook_secret()
        # billing (migrations) is ready before the other services start
        assert info["memory"]["started"] > info["billing"]["started"]
        assert info["llm"]["started"] > info["billing"]["started"]
        assert "NECTAR_SERVICE_HTTP_PORT" not in info["openrouter_emulator"]["env"]
        tree = _process_tree(stack)
    finally:
        stack.down()
    assert not [p for p in tree if devproc.pid_alive(p)]


def test_readiness_timeout_names_component(tmp_path: Path) -> None:
    stack = Stack(StackConfig.free_ports(tmp_path / "data"), ["telegram_emulator"])
    _fake(stack, "telegram_emulator", tmp_path, "--never-ready")
    try:
        with pytest.raises(StackError) as err:
            stack.up(timeout=2)
        assert str(err.value).startswith("telegram_emulator did not become ready")
        assert "fake telegram_emulator listening" in str(err.value)
    finally:
        stack.down()
    assert stack.pids() == {}
