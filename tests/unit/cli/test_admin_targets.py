"""Admin commands resolve their targets from one place (issue 11, RCA "We Deleted 10 Real
Users"): the stack file, else the environment; never a default port; ambiguity refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nectar_cli.targets import TargetError, masked, resolve
from nectar_devstack.config import StackConfig


def write_stack_file(data_dir: Path, postgres_port: int = 55433, redis_port: int = 56380
                     ) -> StackConfig:
    config = StackConfig(data_dir=data_dir, postgres_port=postgres_port,
                         redis_port=redis_port, nats_port=54222, chroma_port=58010)
    data_dir.mkdir(parents=True, exist_ok=True)
    config.stack_json.write_text(json.dumps({"config": config.to_dict(), "components": {}}))
    return config


def test_the_stack_file_is_the_target_when_there_is_one(tmp_path: Path) -> None:
    write_stack_file(tmp_path)

    target = resolve(environ={"NECTAR_DATA_DIR": str(tmp_path)})

    assert target.source.startswith("stack file ")
    assert target.require("BILLING_DATABASE_URL").endswith("@127.0.0.1:55433/nectar")
    assert target.require("NECTAR_REDIS_URL") == "redis://127.0.0.1:56380/0"
    assert target.require("MEMORY_CHROMA_URL", "memory") == "http://127.0.0.1:58010"
    assert set(target.redis_urls()) == {"redis://127.0.0.1:56380/0"}


def test_the_stack_file_wins_over_this_shells_exports_only_when_they_agree(
        tmp_path: Path) -> None:
    write_stack_file(tmp_path)
    stack_db = "postgresql+asyncpg://nectar@127.0.0.1:55433/nectar"

    agreeing = resolve(environ={"NECTAR_DATA_DIR": str(tmp_path),
                                "BILLING_DATABASE_URL": stack_db})
    assert agreeing.require("BILLING_DATABASE_URL") == stack_db

    with pytest.raises(TargetError, match="ambiguous.*BILLING_DATABASE_URL.*--target"):
        resolve(environ={"NECTAR_DATA_DIR": str(tmp_path),
                         "BILLING_DATABASE_URL": "postgresql+asyncpg://u:pw@prod:5432/b"})
    with pytest.raises(TargetError, match="ambiguous.*NECTAR_REDIS_URL"):
        resolve(environ={"NECTAR_DATA_DIR": str(tmp_path),
                         "NECTAR_REDIS_URL": "redis://127.0.0.1:6380/0"})
    with pytest.raises(TargetError, match="--database-url"):
        resolve(database_url="postgresql+asyncpg://u@other:5432/b",
                environ={"NECTAR_DATA_DIR": str(tmp_path)})


def test_the_same_server_reached_as_another_user_is_not_ambiguous(tmp_path: Path) -> None:
    write_stack_file(tmp_path)
    # the operator's shell reaches the stack's NATS as `admin`; the services as themselves
    target = resolve(environ={"NECTAR_DATA_DIR": str(tmp_path),
                              "NECTAR_NATS_URL": "nats://admin:secret@127.0.0.1:54222"})
    assert target.source.startswith("stack file ")
    # another database on the same server is another target
    with pytest.raises(TargetError, match="ambiguous.*BILLING_DATABASE_URL"):
        resolve(environ={"NECTAR_DATA_DIR": str(tmp_path), "BILLING_DATABASE_URL":
                         "postgresql+asyncpg://nectar@127.0.0.1:55433/other"})


def test_an_explicit_choice_settles_an_ambiguous_target(tmp_path: Path) -> None:
    write_stack_file(tmp_path)
    environ = {"NECTAR_DATA_DIR": str(tmp_path),
               "BILLING_DATABASE_URL": "postgresql+asyncpg://u:pw@prod:5432/b"}

    assert "55433" in resolve("stack", environ=environ).require("BILLING_DATABASE_URL")
    env = resolve("env", environ=environ)
    assert env.source == "environment"
    assert env.require("BILLING_DATABASE_URL").endswith("@prod:5432/b")


def test_without_a_stack_file_the_environment_is_required_never_a_default(
        tmp_path: Path) -> None:
    environ = {"NECTAR_DATA_DIR": str(tmp_path / "none")}

    target = resolve(environ=environ)

    assert target.source == "environment"
    with pytest.raises(TargetError, match="BILLING_DATABASE_URL is not set"):
        target.require("BILLING_DATABASE_URL")
    with pytest.raises(TargetError, match="no stack file"):
        resolve("stack", environ=environ)
    explicit = resolve(database_url="postgresql+asyncpg://u@db:5432/b", environ=environ)
    assert explicit.require("BILLING_DATABASE_URL") == "postgresql+asyncpg://u@db:5432/b"


def test_the_printed_target_never_shows_a_password(tmp_path: Path) -> None:
    target = resolve("env", environ={
        "NECTAR_DATA_DIR": str(tmp_path), "BILLING_DATABASE_URL":
        "postgresql+asyncpg://billing:s3cret@db:5432/b"})

    line = target.describe("BILLING_DATABASE_URL", "NECTAR_REDIS_URL")

    assert "s3cret" not in line and "billing:***@db:5432/b" in line
    assert "redis (not set)" in line
    assert masked("redis://user:pw@r:6379/0") == "redis://user:***@r:6379/0"


def test_settings_are_read_from_the_target_not_this_shell(tmp_path: Path,
                                                          monkeypatch) -> None:
    from nectar_billing.settings import BillingSettings

    write_stack_file(tmp_path)
    monkeypatch.setenv("BILLING_OUTBOX_POLL_S", "7")
    monkeypatch.setenv("NECTAR_DATA_DIR", str(tmp_path))

    settings = resolve().settings("billing", BillingSettings)

    assert "55433" in settings.database_url.get_secret_value()
    assert settings.outbox_poll_s == 1.0  # the stack's services do not see this shell
