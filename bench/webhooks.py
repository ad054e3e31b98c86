"""Billing webhooks: signed provider notifications per second and answer latency, with
duplicate deliveries, and how many payments were credited twice.

What it measures
  A throwaway stack (NATS, Postgres, Redis on free ports, temp data dir) and the billing
  service as its own process (`python -m nectar_billing`). It opens one invoice per unique
  payment, then posts `--count` signed webhooks at `--rate` per second (open loop), half
  Crypto Pay `invoice_paid` (crypto-pay-api-signature) and half Paddle
  `transaction.completed` (Paddle-Signature ts/h1). `--dup` of the deliveries repeat an
  earlier payment (some immediately, racing the first). Each answer's latency is taken from
  request start to response. Afterwards it waits for processing and checks the ledger:
  payments credited twice (ledger rows per provider payment > 1, or more `plan_changed`
  events than credited payments) and payments not credited at all.

  In the same run, the floor: bare durable INSERT + COMMITs at the same rate on the same
  Postgres (no HTTP, no service), so a noisy machine shows in both figures.
  The load generator is a minimal HTTP/1.1 keep-alive client (httpx cost more CPU per
  request than the service itself on a 2-core machine).

Its last line is one JSON object:
  {"bench": "webhooks", "offered_per_s", "per_s", "p50_ms", "p99_ms", "max_ms", "sent",
   "unique", "duplicates", "non_2xx", "credited", "double_credited", "missing",
   "billing_cpu_ms_per_delivery", "floor_p50_ms", "floor_p99_ms"}
Targets (issue 6): p99_ms <= 50 at 100/s offered, double_credited == 0.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid

import asyncpg
import httpx
from nectar_devstack.testing import start_stack

CRYPTO_TOKEN = "bench:" + uuid.uuid4().hex
PADDLE_SECRET = "pdl_ntfset_bench_" + uuid.uuid4().hex
TEST_BASE = 2**52 + 2**51  # billing's test-user id range (auth_source = 'test')


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def crypto_delivery(invoice_id: int) -> tuple[str, bytes, dict[str, str]]:
    body = json.dumps({
        "update_id": invoice_id, "update_type": "invoice_paid",
        "request_date": "2026-11-22T10:00:00.000Z",
        "payload": {"invoice_id": invoice_id, "hash": "IV", "currency_type": "crypto",
                    "asset": "USDT", "amount": "9.99", "status": "paid",
                    "paid_at": "2026-11-22T09:59:58.000Z", "payload": "bench"}}).encode()
    key = hashlib.sha256(CRYPTO_TOKEN.encode()).digest()
    return "/webhooks/cryptobot", body, {
        "crypto-pay-api-signature": hmac.new(key, body, hashlib.sha256).hexdigest(),
        "content-type": "application/json"}


def paddle_delivery(n: int) -> tuple[str, bytes, dict[str, str]]:
    body = json.dumps({
        "event_id": f"evt_{n}", "event_type": "transaction.completed",
        "occurred_at": "2026-11-22T10:00:00Z", "notification_id": f"ntf_{n}",
        "data": {"id": f"txn_{n}", "status": "completed", "currency_code": "USD",
                 "custom_data": {"nectar_invoice": f"inv-{n}"},
                 "details": {"totals": {"total": "999"}}}}).encode()
    ts = int(time.time())  # signed at send time: inside the replay window
    h1 = hmac.new(PADDLE_SECRET.encode(), f"{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return "/webhooks/card", body, {"paddle-signature": f"ts={ts};h1={h1}",
                                    "content-type": "application/json"}


def delivery(n: int):
    return crypto_delivery(n) if n % 2 == 0 else paddle_delivery(n)


def plan(count: int, dup: float, rng: random.Random) -> list[int]:
    """Payment numbers in send order: unique ones, with `dup` of all deliveries repeats."""
    unique = count - int(count * dup)
    order: list[int] = []
    sent: list[int] = []
    dups_left = count - unique
    next_new = 0
    for i in range(count):
        remaining = count - i
        if dups_left and sent and (next_new >= unique or rng.random() < dups_left / remaining):
            # half of the repeats race the first delivery, half come later
            order.append(sent[-1] if rng.random() < 0.5 else rng.choice(sent))
            dups_left -= 1
        else:
            order.append(next_new)
            sent.append(next_new)
            next_new += 1
    return order


async def prepare(dsn: str, unique: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        users = [(TEST_BASE + n, "test") for n in range(unique)]
        await conn.executemany("INSERT INTO users (id, auth_source) VALUES ($1, $2)", users)
        invoices = [("cryptobot", str(n), TEST_BASE + n, "premium", "9.99", "USDT")
                    if n % 2 == 0 else
                    ("card", f"inv-{n}", TEST_BASE + n, "premium", "9.99", "USD")
                    for n in range(unique)]
        await conn.executemany(
            "INSERT INTO invoices (provider, invoice_ref, user_id, plan, amount, currency) "
            "VALUES ($1, $2, $3, $4, $5::numeric, $6)", invoices)
    finally:
        await conn.close()


async def commit_floor(dsn: str, rate: float, count: int) -> dict[str, float]:
    """The floor under the same load pattern: one durable INSERT + COMMIT per request from
    a pool of 10 connections, no HTTP, no service (what the disk and scheduler allow)."""
    pool = await asyncpg.create_pool(dsn, min_size=10, max_size=10)
    try:
        await pool.execute("CREATE TABLE IF NOT EXISTS bench_floor (n bigint PRIMARY KEY, "
                           "body jsonb)")
        latencies: list[float] = []

        async def one(n: int) -> None:
            started = time.perf_counter()
            await pool.execute("INSERT INTO bench_floor VALUES ($1, $2::jsonb)", n,
                               json.dumps({"n": n}))
            latencies.append((time.perf_counter() - started) * 1000)

        tasks = []
        start = time.perf_counter()
        for i in range(count):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        await pool.execute("DROP TABLE bench_floor")
    finally:
        await pool.close()
    return {"floor_p50_ms": round(pct(latencies, 0.5), 2),
            "floor_p99_ms": round(pct(latencies, 0.99), 2)}


async def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    async with httpx.AsyncClient() as client:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"billing exited with {proc.returncode}")
            try:
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("billing did not become ready")


class RawHttp:
    """A minimal HTTP/1.1 keep-alive client (asyncio streams): the load generator shares the
    machine with the service, so it must cost far less CPU per request than httpx."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        if self.idle:
            try:
                return await self._post(self.idle.pop(), path, body, headers)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass  # the server closed the idle keep-alive connection: once more, fresh
        conn = await asyncio.open_connection(self.host, self.port)
        return await self._post(conn, path, body, headers)

    async def _post(self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], path: str,
                    body: bytes, headers: dict[str, str]) -> int:
        reader, writer = conn
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(f"POST {path} HTTP/1.1\r\nhost: {self.host}\r\ncontent-length: "
                     f"{len(body)}\r\n{head}\r\n".encode() + body)
        try:
            await writer.drain()
            raw = await reader.readuntil(b"\r\n\r\n")
            lines = raw.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            length = next((int(line.split(":", 1)[1]) for line in lines[1:]
                           if line.lower().startswith("content-length:")), 0)
            await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        self.idle.append(conn)
        return status

    async def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_billing(stack_env: dict[str, str], sqlalchemy_url: str, port: int,
                  log_file) -> subprocess.Popen:
    env = {**os.environ, **stack_env, "BILLING_DATABASE_URL": sqlalchemy_url,
           "NECTAR_SERVICE_HTTP_PORT": str(port), "NECTAR_LOG_LEVEL": "WARNING",
           "BILLING_CRYPTOBOT_APP_TOKEN": CRYPTO_TOKEN,
           "BILLING_PADDLE_WEBHOOK_SECRET": PADDLE_SECRET}
    env.pop("NECTAR_OTEL_SPANS_FILE", None)
    return subprocess.Popen([sys.executable, "-m", "nectar_billing"], env=env,
                            stdout=subprocess.DEVNULL, stderr=log_file)


async def run(args: argparse.Namespace, proc: subprocess.Popen, port: int, dsn: str) -> dict:
    rng = random.Random(args.seed)
    order = plan(args.count, args.dup, rng)
    unique = len(set(order))
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(url, proc)
        log(f"billing ready; preparing {unique} users and invoices ...")
        await prepare(dsn, unique)
        latencies: list[float] = []
        statuses: list[int] = []
        errors: list[str] = []
        client = RawHttp("127.0.0.1", port)
        try:
            for n in range(20):  # warm-up on payments that are not part of the run
                path, body, headers = crypto_delivery(10**9 + 2 * n)
                await client.post(path, body, headers)

            async def send(n: int) -> None:
                path, body, headers = delivery(n)
                started = time.perf_counter()
                try:
                    status = await asyncio.wait_for(client.post(path, body, headers), 10)
                except (OSError, TimeoutError, asyncio.IncompleteReadError,
                        ValueError) as exc:  # counted, and shown once
                    if not errors:
                        log(f"  request failed: {exc!r}")
                    errors.append(repr(exc))
                    status = 599
                latencies.append((time.perf_counter() - started) * 1000)
                statuses.append(status)

            diag = await asyncpg.connect(dsn)

            async def sample() -> None:  # what billing's connections wait for (stderr)
                while True:
                    await asyncio.sleep(5)
                    rows = await diag.fetch(
                        "SELECT state, wait_event_type, wait_event, count(*) FROM "
                        "pg_stat_activity WHERE application_name = 'nectar-billing' "
                        "GROUP BY 1, 2, 3")
                    log("  pg: " + ", ".join(f"{r[0]}/{r[1]}/{r[2]}={r[3]}" for r in rows))

            sampler = asyncio.create_task(sample())
            log(f"sending {len(order)} webhooks at {args.rate:g}/s "
                f"({len(order) - unique} duplicates) ...")
            tasks = []
            cpu_before = cpu_seconds(proc.pid)
            start = time.perf_counter()
            for i, n in enumerate(order):
                delay = start + i / args.rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(send(n)))
                if i and i % 1000 == 0:
                    recent = latencies[-500:]
                    log(f"  {i} sent; answered {len(latencies)}, recent p50 "
                        f"{pct(recent, 0.5):.1f} ms p99 {pct(recent, 0.99):.1f} ms, billing cpu "
                        f"{cpu_seconds(proc.pid) - cpu_before:.1f} s, bench cpu "
                        f"{cpu_seconds(os.getpid()):.1f} s")
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - start
            sampler.cancel()
            await diag.close()
        finally:
            await client.close()
        log("waiting for processing ...")
        conn = await asyncpg.connect(dsn)
        try:
            deadline = time.monotonic() + 120
            while await conn.fetchval("SELECT count(*) FROM processed_webhooks "
                                      "WHERE status = 'received'") and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            cpu_used = cpu_seconds(proc.pid) - cpu_before
            per_payment = await conn.fetch(
                "SELECT provider, external_id, count(*) AS n FROM payments "
                "WHERE provider IN ('cryptobot', 'card') GROUP BY 1, 2")
            changes = await conn.fetchval("SELECT count(*) FROM outbox "
                                          "WHERE event_type = 'billing.plan_changed'")
            statuses_by = dict(await conn.fetch(
                "SELECT status, count(*) FROM processed_webhooks GROUP BY 1"))
        finally:
            await conn.close()
        log(f"floor: {args.floor_count} bare INSERT+COMMITs at {args.rate:g}/s ...")
        floor = await commit_floor(dsn, args.rate, args.floor_count)
        log(f"  {floor}")
        credited = len(per_payment) - 1 if per_payment else 0  # minus the warm-up payments
        double = sum(1 for r in per_payment if r["n"] > 1) + max(0, changes - len(per_payment))
        log(f"webhook statuses: {statuses_by}")
        run_credited = sum(1 for r in per_payment
                           if not (r["provider"] == "cryptobot" and int(r["external_id"]) >= 10**9))
        return {"bench": "webhooks", "offered_per_s": args.rate,
                "per_s": round(len(order) / elapsed, 1),
                "p50_ms": round(pct(latencies, 0.50), 2),
                "p99_ms": round(pct(latencies, 0.99), 2),
                "max_ms": round(max(latencies), 2), "sent": len(order), "unique": unique,
                "duplicates": len(order) - unique,
                "non_2xx": sum(1 for s in statuses if s >= 300),
                "credited": run_credited, "double_credited": double,
                "missing": unique - run_credited, **floor,
                "billing_cpu_ms_per_delivery": round(cpu_used * 1000 / len(order), 2), "_all_credited": credited}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000, help="deliveries in all")
    parser.add_argument("--rate", type=float, default=100.0, help="offered deliveries/s")
    parser.add_argument("--dup", type=float, default=0.30, help="share of repeats")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--floor-count", type=int, default=3000,
                        help="bare INSERT+COMMITs for the floor (same rate)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nectar-bench-webhooks-") as tmp:
        log(f"starting a throwaway NATS/Postgres/Redis in {tmp} ...")
        stack, cfg = start_stack(tmp, ["nats", "postgres", "redis"])
        try:
            from nectar_devstack.config import find_free_ports

            port = find_free_ports(1)[0]
            dsn = f"postgresql://nectar@{cfg.host}:{cfg.postgres_port}/nectar"
            with open(f"{tmp}/billing.log", "w") as billing_log:  # noqa: ASYNC230
                proc = start_billing(stack.env(), "postgresql+asyncpg://" + dsn.split("://")[1],
                                     port, billing_log)
                try:
                    result = await run(args, proc, port, dsn)
                except BaseException:
                    log(open(f"{tmp}/billing.log").read()[-3000:])  # noqa: ASYNC230, SIM115
                    raise
        finally:
            stack.down()
    result.pop("_all_credited", None)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
