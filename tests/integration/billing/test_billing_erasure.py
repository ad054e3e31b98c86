"""`nectar users delete`: erasure of one user from every store (issue 11), through the CLI
against real Postgres, Redis, Chroma and NATS. Each store holds data of the user and of
another user; after the erasure the report says what went, the verification finds nothing of
the user, and the other user is untouched. A key family no service listed makes the
verification fail (exit 1) instead of staying behind silently."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import nats
import pytest
from nectar_billing.adapters.postgres import SqlUnitOfWork
from nectar_billing.bootstrap import build_deps
from nectar_billing.domain import NewUser
from nectar_billing.domain.ledger import LedgerEntry
from nectar_billing.operations import grant_plan
from nectar_billing.ports import Invoice
from nectar_billing.settings import BillingSettings
from nectar_contracts import (
    DeadLettered,
    PaymentReceived,
    TurnReceived,
    UpdateReceived,
    dead_letter_subject,
)
from nectar_runtime.bus import ensure_streams
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration

NECTAR = str(Path(sys.executable).parent / "nectar")
DAY = datetime.now(UTC).strftime("%Y-%m-%d")


def env_for(infra, database_url: str, collection: str) -> dict[str, str]:
    """The environment of an operator without a stack file: every store named."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BILLING_", "MEMORY_", "NECTAR_", "LLM_", "EDGE_"))}
    env.update(NECTAR_DATA_DIR="/nonexistent/nectar-test-no-stack",
               BILLING_DATABASE_URL=database_url, NECTAR_REDIS_URL=infra.redis_url,
               NECTAR_NATS_URL=infra.nats_url, MEMORY_CHROMA_URL=infra.chroma_url,
               MEMORY_CHROMA_COLLECTION=collection, MEMORY_EMBEDDER="hashing",
               NECTAR_S3_URL=infra.s3_url, NECTAR_S3_ACCESS_KEY_ID=infra.s3_access_key_id,
               NECTAR_S3_SECRET_ACCESS_KEY=infra.s3_secret_access_key,
               MEDIA_BUCKET=f"{collection.replace('_', '-')}-media",
               VOICE_BUCKET=f"{collection.replace('_', '-')}-voice")
    return env


async def seed_objects(infra, env: dict[str, str], user_id: int) -> None:
    """An image and a voice note of the user, and the shared cache object voice made for
    them (its key is part of the user's copy's name)."""
    from nectar_runtime.objectstore import S3ObjectStore
    from nectar_voice.domain.storage import cache_object, user_object

    audio = f"{user_id:064x}"[-64:]  # an audio cache key of the user's own
    for bucket, keys in ((env["MEDIA_BUCKET"], [f"users/{user_id}/images/a.png"]),
                         (env["VOICE_BUCKET"], [user_object(user_id, audio),
                                                cache_object(audio)])):
        store = S3ObjectStore(infra.s3_settings(), bucket=bucket)
        await store.start()
        try:
            for key in keys:
                await store.put(key, b"bytes", "application/octet-stream")
        finally:
            await store.close()


async def objects_left(infra, env: dict[str, str], user_id: int) -> list[str]:
    """The user's image, voice copy and the shared audio made for them, where still there."""
    from nectar_runtime.objectstore import S3ObjectStore

    audio = f"{user_id:064x}"[-64:]
    left = []
    for bucket in (env["MEDIA_BUCKET"], env["VOICE_BUCKET"]):
        store = S3ObjectStore(infra.s3_settings(), bucket=bucket)
        await store.start()
        try:
            left += [k for k in await store.list("")
                     if k.startswith(f"users/{user_id}/") or audio in k]
        finally:
            await store.close()
    return left


def nectar(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NECTAR, *args], capture_output=True, text=True, env=env,
                          timeout=240, check=False)


async def seed_postgres(engine: AsyncEngine, user_id: int) -> None:
    async with SqlUnitOfWork(engine, lambda: None) as uow:
        await uow.users.add(NewUser(user_id, "telegram", language="es"))
        await uow.ledger.append(user_id, LedgerEntry(
            "payment", "telegram_stars", f"c-{uuid.uuid4().hex}", "premium", 30,
            Decimal(500), "XTR", datetime.now(UTC)))
        await uow.invoices.open(Invoice("cryptobot", str(random.randint(1, 10**9)), user_id,
                                        "vip", Decimal(1), "USDT"))
        await uow.commit()
    await grant_plan(user_id, "vip", 5, "ops", "goodwill",
                     build_deps(BillingSettings(), engine=engine))


def redis_keys(user_id: int) -> list[str]:
    """One key of every per-user family the services write (their adapters)."""
    return [f"edge:character:{user_id}", f"edge:language:{user_id}", f"edge:plan:{user_id}",
            f"edge:plan_at:{user_id}", f"edge:voice:{user_id}", f"edge:inactive:{user_id}",
            f"edge:session:{user_id}:luna", f"edge:rate:{user_id}",
            f"edge:rate_notice:{user_id}", f"edge:cost:{DAY}:{user_id}",
            f"mem:hot:{user_id}:luna:s1", f"mem:turns:{user_id}:luna:s1",
            f"mem:summary:{user_id}:luna:s1", f"mem:lang:{user_id}:luna:s1",
            f"mem:session:{user_id}:luna", f"nectar:llm:cost:{DAY}:user:{user_id}"]


async def seed_streams(infra, user_id: int) -> None:
    await ensure_streams(infra.nats_url)
    nc = await nats.connect(infra.nats_url)
    js = nc.jetstream()
    try:
        turn = TurnReceived.new(producer="telegram_edge", user_id=user_id, chat_id=user_id,
                                character="luna", session="s1", text="my secret",
                                language="es", plan="free")
        paid = PaymentReceived.new(producer="telegram_edge", user_id=user_id,
                                   provider="telegram_stars", external_id=f"c-{user_id}",
                                   amount=Decimal(500), currency="XTR", plan="premium")
        update = UpdateReceived.new(producer="telegram_edge", user_id=user_id, bot_id=1,
                                    update_id=random.randint(1, 10**9), update={
                                        "update_id": 1, "message": {
                                            "from": {"id": user_id}, "text": "my secret"}})
        raw = json.dumps({"update_id": 7, "message": {"from": {"id": user_id},
                                                      "chat": {"id": user_id},
                                                      "text": "poison"}})
        letter = DeadLettered.new(producer="telegram_edge", user_id=0,
                                  consumer="edge-update_received",
                                  original_subject="nectar.telegram.0.update_received",
                                  original_payload=raw, payload_encoding="utf-8",
                                  reason="test", error_type="poison", deliveries=1)
        for event in (turn, paid, update):
            await js.publish(event.subject, event.model_dump_json().encode(),
                             headers={"Nats-Msg-Id": str(event.event_id)})
        await js.publish(dead_letter_subject(letter.consumer), letter.model_dump_json().encode(),
                         headers={"Nats-Msg-Id": str(letter.event_id)})
    finally:
        await nc.close()


def import_summaries(tmp_path: Path, env: dict[str, str], *users: int) -> None:
    lines = [json.dumps({"user": u, "character": "luna", "session": "s1",
                         "text": f"User {u} has a dog named Rex."}) for u in users]
    path = tmp_path / "summaries.jsonl"
    path.write_text("\n".join(lines) + "\n")
    done = nectar(env, "memory", "import", str(path))
    assert done.returncode == 0, done.stderr


async def test_erasure_from_every_store_with_a_report_and_a_verification(
        infra, migrated: AsyncEngine, database_url: str, tmp_path: Path) -> None:
    user, other = random.sample(range(10**9, 2**40), 2)
    env = env_for(infra, database_url, f"erasure_{uuid.uuid4().hex[:8]}")
    for who in (user, other):
        await seed_postgres(migrated, who)
        await seed_streams(infra, who)
    redis = Redis.from_url(infra.redis_url)
    for who in (user, other):
        for key in redis_keys(who):
            await redis.set(key, "x")
    await redis.set(f"edge:update:1:{user}", "done")  # an update id that equals the user's
    await asyncio.to_thread(import_summaries, tmp_path, env, user, other)
    await seed_objects(infra, env, user)
    await seed_objects(infra, env, other)

    dry = await asyncio.to_thread(nectar, env, "users", "delete", str(user), "--reason",
                                  "user request")
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and "target (environment" in dry.stdout
    # the services' keys seeded above, and memory's note that the user has summaries
    assert f"{len(redis_keys(user)) + 1} keys" in dry.stdout, dry.stdout
    assert "1 summaries" in dry.stdout
    assert await redis.exists(f"edge:plan:{user}")  # a dry run changes nothing

    done = await asyncio.to_thread(nectar, env, "users", "delete", str(user), "--reason",
                                   "user request", "--yes")

    assert done.returncode == 0, done.stdout + done.stderr
    report = done.stdout
    assert "2 ledger rows kept, anonymised" in report
    assert f"{len(redis_keys(user)) + 1} keys deleted" in report
    assert "1 summaries deleted" in report
    assert "dead letters deleted" in report
    assert f"1 objects under users/{user}/ deleted" in report  # media's image
    assert "1 shared cache objects made for the user deleted" in report  # voice's
    assert report.count("verified: nothing left") >= 7
    assert await objects_left(infra, env, user) == []
    assert len(await objects_left(infra, env, other)) == 3  # image, copy, shared object
    assert "nothing of them remains" in report
    # every store, looked at directly
    assert [k for k in redis_keys(user) if await redis.exists(k)] == []
    assert all([await redis.exists(k) for k in redis_keys(other)])
    assert await redis.exists(f"edge:update:1:{user}")  # not the user's: left alone
    async with migrated.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM users WHERE id = :id"),
                                   {"id": user})).scalar_one() == 0
        assert (await conn.execute(text("SELECT count(*) FROM payments"))).scalar_one() == 4
        events = (await conn.execute(text(
            "SELECT event_type FROM outbox WHERE payload->>'user_id' = :id"),
            {"id": str(user)})).scalars().all()
    assert events == ["billing.user_deleted"]  # the tombstone, nothing else
    nc = await nats.connect(infra.nats_url)
    js = nc.jetstream()
    try:
        for stream, prefix in (("CHAT", "chat"), ("BILLING", "billing"),
                               ("TELEGRAM", "telegram")):
            mine = await js.stream_info(stream, subjects_filter=f"nectar.{prefix}.{user}.>")
            theirs = await js.stream_info(stream,
                                          subjects_filter=f"nectar.{prefix}.{other}.>")
            assert sum((mine.state.subjects or {}).values()) == 0, stream
            assert sum((theirs.state.subjects or {}).values()) >= 1, stream
    finally:
        await nc.close()

    again = await asyncio.to_thread(nectar, env, "users", "delete", str(user), "--reason",
                                    "again", "--yes")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "no user row (already erased, or never seen)" in again.stdout

    # a per-user key of a family nobody listed is found by the verification: exit 1
    await redis.set(f"edge:brand_new_family:{user}", "x")
    unlisted = await asyncio.to_thread(nectar, env, "users", "delete", str(user),
                                       "--reason", "again", "--yes")
    assert unlisted.returncode == 1
    assert f"STILL THERE: key edge:brand_new_family:{user}" in unlisted.stdout
    await redis.aclose()


async def test_erasure_refuses_an_ambiguous_target(infra, database_url: str,
                                                   tmp_path: Path) -> None:
    from nectar_devstack.config import StackConfig

    config = StackConfig(data_dir=tmp_path / "stack")
    config.data_dir.mkdir(parents=True)
    config.stack_json.write_text(json.dumps({"config": config.to_dict(), "components": {}}))
    env = env_for(infra, database_url, "unused")
    env["NECTAR_DATA_DIR"] = str(config.data_dir)

    refused = await asyncio.to_thread(nectar, env, "users", "delete", "42", "--reason", "x",
                                      "--yes")

    assert refused.returncode == 2
    assert "ambiguous target" in refused.stderr and "--target" in refused.stderr
