"""Plumbing shared by the emulators: JSON-lines logging, serving an app, small async helpers.

`serve(app)` runs a Starlette app under uvicorn inside the current event loop on a free
port (tests use it); `run_in_thread(app)` does the same from synchronous code; `run_cli`
is what each `__main__` ends with.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

__all__ = [
    "JsonLinesFormatter",
    "RunningServer",
    "Signal",
    "configure_logging",
    "healthz",
    "run_cli",
    "run_in_thread",
    "serve",
    "sleep_unless_disconnected",
]


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, plus any `extra=` fields."""

    # Standard LogRecord attributes, plus uvicorn's ANSI-coloured duplicate of msg.
    _RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {
        "message",
        "asctime",
        "color_message",
    }

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in self._RESERVED and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


def configure_logging(level: str = "info") -> None:
    """Route stdlib logging (ours and uvicorn's) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLinesFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uv_logger = logging.getLogger(name)
        uv_logger.handlers[:] = []
        uv_logger.propagate = True


async def healthz(_: Request) -> JSONResponse:
    """Liveness probe used by the local stack: always 200 {"status": "ok"}."""
    return JSONResponse({"status": "ok"})


@dataclass(frozen=True)
class RunningServer:
    """Where a served app listens."""

    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and an accepted socket inherits the listener's. Without it every response whose
    # headers and body go out in two writes waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _config(app: Starlette, log_level: str) -> uvicorn.Config:
    # A short graceful-shutdown window: long-polls would otherwise hold a test's teardown.
    return uvicorn.Config(
        app,
        log_level=log_level,
        lifespan="on",
        timeout_graceful_shutdown=1,
        log_config=None,
    )


@contextlib.asynccontextmanager
async def serve(
    app: Starlette, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning"
) -> AsyncIterator[RunningServer]:
    """Serve `app` with uvicorn in the running loop; `port=0` picks a free port.

    Yields once the server accepts connections; stops it (lifespan shutdown included) on exit.
    """
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(app, log_level))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn exited before it started")
            await asyncio.sleep(0.01)
        yield RunningServer(host, bound_port)
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()


@contextlib.contextmanager
def run_in_thread(
    app: Starlette, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning"
) -> Iterator[RunningServer]:
    """Like `serve` but from synchronous code: uvicorn runs in a daemon thread with its own loop."""
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(app, log_level))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield RunningServer(host, bound_port)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def add_server_arguments(parser: argparse.ArgumentParser, defaults: Any) -> None:
    """--host, --port and --log-level, defaulting to the emulator's settings."""
    parser.add_argument("--host", default=defaults.host, help="interface to listen on")
    parser.add_argument("--port", type=int, default=defaults.port, help="TCP port")
    parser.add_argument(
        "--log-level",
        default=defaults.log_level,
        choices=["debug", "info", "warning", "error"],
        help="logging level (JSON lines on stderr)",
    )


def server_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings fields `add_server_arguments` filled in."""
    return {"host": args.host, "port": args.port, "log_level": args.log_level}


def run_cli(app: Starlette, host: str, port: int, log_level: str) -> None:
    """Blocking entry point for `python -m nectar_emulators.<name>`."""
    configure_logging(log_level)
    config = _config(app, log_level)
    config.host, config.port = host, port
    uvicorn.Server(config).run()


class Signal:
    """A level-triggered "something changed" broadcast for asyncio waiters.

    State lives in plain attributes mutated without awaiting (so each mutation is atomic on
    the loop); writers call `notify()`, readers `wait_until(predicate, timeout)`.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait until `predicate()` holds; False when `timeout` seconds passed first."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not predicate():
            event = self._event
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True


async def sleep_unless_disconnected(request: Request, seconds: float) -> bool:
    """Sleep, but stop early if the client hangs up; True when the client is gone.

    Used by "slow"/"timeout" behaviours so a client that gave up does not keep a handler
    (and the server's shutdown) waiting.
    """

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    watcher = asyncio.create_task(disconnected())
    try:
        done, _ = await asyncio.wait({watcher}, timeout=seconds)
        return watcher in done
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await watcher
