"""Start, stop and inspect a Docker-free Nectar stack.

Every component is a background process in its own process group (session), with
stdout/stderr appended to ``data_dir/logs/NAME.log`` and its pid in ``data_dir/run/NAME.pid``.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import pwd
import re
import secrets
import shutil
import signal
import stat
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from . import nats_auth, proc
from .config import (
    ALL_COMPONENTS,
    COMFYUI_WORKERS,
    EMULATOR_MODULES,
    EMULATORS,
    INFRA,
    NATS_CLUSTER_NODES,
    SERVICE_MODULES,
    SERVICES,
    STAGES,
    StackConfig,
    find_repo_root,
)

log = logging.getLogger("nectar_devstack")

EMULATOR_BOT_TOKEN = "123456789:EMULATORemulatorEMULATORemulator00"
EMULATOR_OPENROUTER_KEY = "emulator-key"
EMULATOR_INWORLD_KEY = "emulator-inworld-key"
REAL_INWORLD_API = "https://api.inworld.ai"
#: local renders take a quarter of a modelled GPU's time: seconds, with progress to show
COMFYUI_TIME_SCALE = "0.25"
REAL_TELEGRAM_API = "https://api.telegram.org"
REAL_OPENROUTER_API = "https://openrouter.ai/api/v1"
POSTGRES_DB = "nectar"
POSTGRES_USER = "nectar"
PASSTHROUGH_PREFIXES = ("NECTAR_", "EDGE_", "MEMORY_", "LLM_", "MEDIA_", "VOICE_", "BILLING_")
# Never inherited from the caller: they are per service / per process.
NOT_INHERITED = frozenset({"NECTAR_SERVICE_HTTP_PORT", "NECTAR_SERVICE_NAME"})
LOG_TAIL_LINES = 20

_SECRET_KEY_RE = re.compile(r"TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL|DSN", re.IGNORECASE)
_URL_PASSWORD_RE = re.compile(r"(://[^:/@\s]+):[^@/\s]+@")


class StackError(RuntimeError):
    """A component could not be started/stopped; the message names it and shows its log tail."""


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY_RE.search(key))


def mask_value(key: str, value: str) -> str:
    if is_secret_key(key):
        return "***" if value else ""
    return _URL_PASSWORD_RE.sub(r"\1:***@", value)


def mask_env(env: dict[str, str]) -> dict[str, str]:
    """The same mapping with secret values replaced by ***; safe to print or log."""
    return {k: mask_value(k, v) for k, v in env.items()}


@dataclass
class ComponentStatus:
    name: str
    kind: str
    pid: int | None
    running: bool
    ready: bool
    url: str
    log: Path

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["log"] = str(self.log)
        return d


@dataclass
class Component:
    """How to run, probe and stop one process. Mutable on purpose (tests may tweak argv)."""

    name: str
    kind: str  # "infra" | "emulator" | "service"
    url: str
    argv: list[str]
    ports: list[int]
    ready_check: Callable[[float], bool]
    # Substrings that must all appear in /proc/PID/cmdline for a pidfile to count as "ours".
    needles: tuple[str, ...]
    env_factory: Callable[[], dict[str, str]]
    cwd: Path
    prepare: Callable[[], None] | None = None
    run_as: tuple[int, int] | None = None  # (uid, gid) to drop to (postgres as root)
    stop_signal: int = signal.SIGTERM
    extra: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# probes
# ---------------------------------------------------------------------------


def _http_ok(url: str) -> Callable[[float], bool]:
    def check(timeout: float) -> bool:
        try:
            return httpx.get(url, timeout=timeout, trust_env=False).status_code == 200
        except httpx.HTTPError:
            return False

    return check


def _redis_ping(host: str, port: int) -> Callable[[float], bool]:
    def check(timeout: float) -> bool:
        import redis

        client = redis.Redis(
            host=host, port=port, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    return check


def _s3_ready(host: str, port: int, filer_port: int) -> Callable[[float], bool]:
    """The filer behind the gateway is up and the S3 gateway answers (any HTTP status: an
    unsigned request is refused with 403)."""
    def check(timeout: float) -> bool:
        try:
            if httpx.get(f"http://{host}:{filer_port}/", timeout=timeout).status_code >= 500:
                return False
            httpx.get(f"http://{host}:{port}/", timeout=timeout)
        except httpx.HTTPError:
            return False
        return True

    return check


def _pg_isready(pg_bin: Path, host: str, port: int) -> Callable[[float], bool]:
    def check(timeout: float) -> bool:
        try:
            res = subprocess.run(
                [
                    str(pg_bin / "pg_isready"),
                    "-q",
                    "-h",
                    host,
                    "-p",
                    str(port),
                    "-d",
                    POSTGRES_DB,
                    "-U",
                    POSTGRES_USER,
                    "-t",
                    str(max(1, int(timeout))),
                ],
                check=False,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout + 2,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        return res.returncode == 0

    return check


# ---------------------------------------------------------------------------
# binaries / users
# ---------------------------------------------------------------------------


def find_pg_bin(configured: Path | None = None) -> Path:
    """Directory with initdb/postgres/pg_isready: the newest /usr/lib/postgresql/*/bin."""
    if configured:
        return Path(configured)
    candidates = []
    for d in Path("/usr/lib/postgresql").glob("*/bin"):
        if (d / "postgres").exists():
            try:
                candidates.append((float(d.parent.name), d))
            except ValueError:
                candidates.append((0.0, d))
    if candidates:
        return max(candidates)[1]
    for name in ("postgres", "initdb", "pg_ctl"):
        found = shutil.which(name)
        if found:
            return Path(found).resolve().parent
    raise StackError(
        "postgres: PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and "
        "PATH). Run `make setup` (installs the Debian package `postgresql`) or set NECTAR_PG_BIN."
    )


def find_redis_server() -> Path:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if not found:
        raise StackError(
            "redis: `redis-server` not found. Run `make setup` (installs the Debian package "
            "`redis-server`)."
        )
    return Path(found)


def _redis_binary() -> str:
    try:
        return str(find_redis_server())
    except StackError:
        return "redis-server"


def postgres_run_as(create: bool = False) -> tuple[int, int] | None:
    """PostgreSQL refuses to run as root: when we are root, drop to `postgres` (the Debian
    package's user) or `nectar` (created as a system user when create=True and neither exists)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nectar"):
        try:
            pw = pwd.getpwnam(name)
            return pw.pw_uid, pw.pw_gid
        except KeyError:
            continue
    if not create:
        return None
    log.info("creating system user `nectar` to run PostgreSQL (it refuses to run as root)")
    subprocess.run(
        [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "nectar",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    pw = pwd.getpwnam("nectar")
    return pw.pw_uid, pw.pw_gid


def _ensure_traversable(path: Path, uid: int, gid: int) -> None:
    """Make sure user uid can reach `path` (adds only the search bit o+x where it is missing).

    Needed when root runs the stack in a 0700 directory (pytest's tmp dirs): the postgres
    user must be able to chdir into its data directory.
    """
    try:
        groups = set(os.getgrouplist(pwd.getpwuid(uid).pw_name, gid))
    except KeyError:
        groups = {gid}
    for d in [path, *path.parents]:
        st = d.stat()
        if st.st_uid == uid:
            ok = st.st_mode & stat.S_IXUSR
        elif st.st_gid in groups:
            ok = st.st_mode & stat.S_IXGRP
        else:
            ok = st.st_mode & stat.S_IXOTH
        if not ok:
            log.info("postgres: allowing uid %s to traverse %s (chmod o+x)", uid, d)
            os.chmod(d, stat.S_IMODE(st.st_mode) | stat.S_IXOTH)


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)


# ---------------------------------------------------------------------------
# Stack
# ---------------------------------------------------------------------------


@dataclass
class _Victim:
    """A component being stopped: its pid, own process group and the descendants seen at stop."""

    pid: int
    pgid: int | None
    children: list[int]

    def alive(self) -> bool:
        if proc.pid_alive(self.pid) or any(proc.pid_alive(c) for c in self.children):
            return True
        return self.pgid is not None and bool(proc.group_members(self.pgid))

    def kill(self) -> None:
        if self.pgid is not None:
            proc.signal_group(self.pgid, signal.SIGKILL)
        for pid in [self.pid, *self.children]:
            if proc.pid_alive(pid):
                proc.signal_pid(pid, signal.SIGKILL)


class Stack:
    """A set of components sharing one StackConfig (one data dir, one set of ports)."""

    def __init__(self, config: StackConfig, components: Sequence[str] | None = None) -> None:
        self.config = config
        wanted = list(ALL_COMPONENTS if components is None else components)
        # the cluster's other nodes come and go with the first one
        if config.nats_cluster == 3 and "nats" in wanted:
            wanted += [n for n in NATS_CLUSTER_NODES if n not in wanted]
        elif config.nats_cluster != 3 and components is None:
            wanted = [n for n in wanted if n not in NATS_CLUSTER_NODES]
        unknown = [n for n in wanted if n not in ALL_COMPONENTS]
        if unknown:
            raise ValueError(f"unknown component(s) {unknown}; known: {', '.join(ALL_COMPONENTS)}")
        self.names: list[str] = [n for n in ALL_COMPONENTS if n in wanted]
        self.repo_root = find_repo_root()
        self.bin_dir = config.resolved_bin_dir()
        self._procs: dict[str, subprocess.Popen[bytes]] = {}
        self.components: dict[str, Component] = {n: self._build(n) for n in self.names}

    # -- public API ------------------------------------------------------------

    def up(self, wait: bool = True, timeout: float = 120) -> None:
        """Start every component that is not already running; with wait, until all are ready.

        Idempotent: components whose pidfile points to a live process are left alone.
        Raises StackError naming the component (with its log tail) on failure/timeout;
        what was started stays running (call down()).
        """
        self._prepare_dirs()
        deadline = time.monotonic() + timeout
        try:
            for stage in STAGES:
                names = [n for n in stage if n in self.components]
                if not names:
                    continue
                to_start = [
                    self.components[n] for n in names if self._live_pid(self.components[n]) is None
                ]
                for c in to_start:
                    self._check_ports(c)
                # Slow preparations (initdb) last, so the others boot meanwhile.
                for c in sorted(to_start, key=lambda c: c.prepare is not None):
                    self._spawn(c)
                if wait:
                    self._wait_ready(names, deadline)
                if "nats" in names:
                    # before any service starts: services wait for their streams
                    self.ensure_streams()
        finally:
            self._write_stack_json()

    def down(self) -> None:
        """Stop everything of this stack: SIGTERM (SIGINT for postgres), then SIGKILL after
        config.stop_grace seconds. Waits for the whole process tree (process group and
        descendants). Removes pidfiles. Safe when nothing runs."""
        for stage in reversed(STAGES):
            names = [n for n in reversed(stage) if n in self.components]
            victims: dict[str, _Victim] = {}
            for n in names:
                c = self.components[n]
                pid = self._live_pid(c)
                if pid is None:
                    self._forget(n)
                    continue
                victims[n] = _Victim(pid, self._own_group(pid), proc.descendants(pid))
                log.info("stopping %s (pid %s)", n, pid)
                proc.signal_pid(pid, c.stop_signal)
            if not victims:
                continue
            self._wait_gone(victims, self.config.stop_grace)
            for n, v in victims.items():
                if v.alive():
                    log.warning(
                        "%s did not stop within %.0fs, sending SIGKILL", n, self.config.stop_grace
                    )
                    v.kill()
            self._wait_gone(victims, 10.0)
            for n, v in victims.items():
                if v.alive():
                    raise StackError(f"{n}: process {v.pid} (or a child of it) survived SIGKILL")
                self._forget(n)
        self._write_stack_json()

    def status(self) -> list[ComponentStatus]:
        out = []
        for n in self.names:
            c = self.components[n]
            pid = self._live_pid(c)
            ready = pid is not None and c.ready_check(1.0)
            out.append(
                ComponentStatus(
                    n, c.kind, pid, pid is not None, ready, c.url, self.config.log_path(n)
                )
            )
        return out

    def env(self, service: str | None = None) -> dict[str, str]:
        """Environment given to the services (service=None: without the per-service port)."""
        cfg, h = self.config, self.config.host
        env: dict[str, str] = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
        env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        nats_plain = cfg.nats_servers
        env.update(
            PYTHONUNBUFFERED="1",
            # without a service: the admin user (the CLI, tests); a service gets its own
            # user below, with the permissions generated from its contracts
            NECTAR_NATS_URL=nats_auth.url_with_credentials(
                nats_plain, nats_auth.ADMIN_USER, self.nats_password(nats_auth.ADMIN_USER)),
            NECTAR_REDIS_URL=f"redis://{h}:{cfg.redis_port}/0",
            NECTAR_LOG_LEVEL="INFO",
            NECTAR_OTEL_SPANS_FILE=str(cfg.traces_dir / "spans.jsonl"),
            NECTAR_SERVICE_HTTP_HOST=h,
            BILLING_DATABASE_URL=(
                f"postgresql+asyncpg://{POSTGRES_USER}@{h}:{cfg.postgres_port}/{POSTGRES_DB}"
            ),
            MEMORY_CHROMA_URL=f"http://{h}:{cfg.chroma_port}",
            NECTAR_S3_URL=f"http://{h}:{cfg.s3_port}",
        )
        key_id, s3_secret = self.s3_credentials()
        env["NECTAR_S3_ACCESS_KEY_ID"] = key_id
        env["NECTAR_S3_SECRET_ACCESS_KEY"] = s3_secret
        or_key = os.environ.get("OPENROUTER_API_KEY") if cfg.real_apis else None
        if or_key:
            env["LLM_OPENROUTER_BASE_URL"] = REAL_OPENROUTER_API
            env["LLM_OPENROUTER_API_KEY"] = or_key
        else:
            env["LLM_OPENROUTER_BASE_URL"] = f"http://{h}:{cfg.openrouter_emulator_port}/api/v1"
            env["LLM_OPENROUTER_API_KEY"] = EMULATOR_OPENROUTER_KEY
        env["MEDIA_COMFYUI_URLS"] = ",".join(f"http://{h}:{cfg.port_of(w)}"
                                             for w in COMFYUI_WORKERS)
        # the demo characters' LoRA versions, a tuning and shop items (the emulators' files)
        env["MEDIA_SEED_FILE"] = "demo"
        inworld_key = os.environ.get("INWORLD_API_KEY") if cfg.real_apis else None
        if inworld_key:
            env["VOICE_INWORLD_BASE_URL"] = REAL_INWORLD_API
            env["VOICE_INWORLD_API_KEY"] = inworld_key
        else:
            env["VOICE_INWORLD_BASE_URL"] = f"http://{h}:{cfg.inworld_emulator_port}"
            env["VOICE_INWORLD_API_KEY"] = EMULATOR_INWORLD_KEY
        tg_token = os.environ.get("TELEGRAM_BOT_TOKEN") if cfg.real_apis else None
        if tg_token:
            env["EDGE_TELEGRAM_BOT_TOKEN"] = tg_token
            env["EDGE_TELEGRAM_API_BASE"] = REAL_TELEGRAM_API  # long polling: no webhook
            env["EDGE_PAYMENT_SECRET"] = self.stored_secret("payment_secret")
        else:
            env["EDGE_TELEGRAM_API_BASE"] = f"http://{h}:{cfg.telegram_emulator_port}"
            env["EDGE_TELEGRAM_BOT_TOKEN"] = EMULATOR_BOT_TOKEN
            edge_port = cfg.service_ports["telegram_edge"]
            env["EDGE_WEBHOOK_URL"] = f"http://{h}:{edge_port}/telegram/webhook"
            env["EDGE_WEBHOOK_SECRET"] = self.webhook_secret()
        if cfg.inherit_env:
            for k, v in os.environ.items():
                if k.startswith(PASSTHROUGH_PREFIXES) and k not in NOT_INHERITED:
                    env[k] = v
        env.update(cfg.extra_env)
        if service is not None:
            if service not in cfg.service_ports:
                raise ValueError(f"unknown service {service!r}; known: {', '.join(SERVICES)}")
            env["NECTAR_SERVICE_NAME"] = service
            env["NECTAR_NATS_URL"] = nats_plain
            env["NECTAR_NATS_USER"] = service
            env["NECTAR_NATS_PASSWORD"] = self.nats_password(service)
            env["NECTAR_SERVICE_HTTP_PORT"] = str(cfg.service_ports[service])
        return env

    def nats_password(self, user: str) -> str:
        """The password of a NATS user of this stack (random, once per data dir)."""
        users = list(nats_auth.load_permissions(self.repo_root)["users"])
        if user not in users:
            raise ValueError(f"no NATS user {user!r}; users: {', '.join(users)}")
        return nats_auth.passwords(self.config.secrets_dir, users)[user]

    def nats_url_as(self, user: str) -> str:
        """The stack's NATS URL with the credentials of `user` (e.g. a service's)."""
        cfg = self.config
        return nats_auth.url_with_credentials(cfg.nats_servers, user, self.nats_password(user))

    def ensure_streams(self) -> None:
        """Run the streams job (`python -m nectar_runtime.streams`) as the `streams` user:
        services never create streams. Idempotent; logged to logs/streams.log."""
        env = {k: v for k, v in self.env().items() if not k.startswith("NECTAR_NATS_")}
        env.update(NECTAR_NATS_URL=self.config.nats_servers,
                   NECTAR_STREAM_REPLICAS=str(self.config.nats_cluster),
                   NECTAR_NATS_USER=nats_auth.STREAMS_USER,
                   NECTAR_NATS_PASSWORD=self.nats_password(nats_auth.STREAMS_USER),
                   NECTAR_STREAMS_WAIT_S="30")
        argv = [str(self.bin_dir / "python"), "-m", "nectar_runtime.streams"]
        logfile = self.config.log_path("streams")
        res = subprocess.run(argv, check=False, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             cwd=str(self.repo_root), env=env, timeout=90)
        with logfile.open("a", encoding="utf-8") as fh:
            fh.write(f"\n===== {_now()} {' '.join(argv[1:])} (exit {res.returncode}) =====\n")
            fh.write(res.stdout.decode(errors="replace"))
        if res.returncode != 0:
            raise StackError(f"streams: `{' '.join(argv[1:])}` failed with exit code "
                             f"{res.returncode}. Last {LOG_TAIL_LINES} lines of {logfile}:\n"
                             f"{proc.tail(logfile, LOG_TAIL_LINES)}")
        log.info("streams ensured")

    def webhook_secret(self) -> str:
        """Random secret generated once per data dir (data_dir/secrets/webhook_secret, mode 600)."""
        return self.stored_secret("webhook_secret")

    def stored_secret(self, name: str) -> str:
        """Random secret generated once per data dir (data_dir/secrets/<name>, mode 600)."""
        path = self.config.secrets_dir / name
        if not path.exists():
            self.config.secrets_dir.mkdir(parents=True, exist_ok=True)
            os.chmod(self.config.secrets_dir, 0o700)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_urlsafe(32) + "\n")
        return path.read_text().strip()

    @property
    def telegram_mode(self) -> str:
        real = self.config.real_apis and os.environ.get("TELEGRAM_BOT_TOKEN")
        return "real Bot API (long polling)" if real else "emulator (webhook)"

    @property
    def openrouter_mode(self) -> str:
        real = self.config.real_apis and os.environ.get("OPENROUTER_API_KEY")
        return "real OpenRouter" if real else "emulator"

    def pids(self) -> dict[str, int]:
        """Live pid of every running component."""
        out = {}
        for n in self.names:
            pid = self._live_pid(self.components[n])
            if pid is not None:
                out[n] = pid
        return out

    # -- building components ---------------------------------------------------

    def _build(self, name: str) -> Component:
        cfg, h = self.config, self.config.host
        py = str(self.bin_dir / "python")
        base_env = self._infra_env
        if name == "nats" or name in NATS_CLUSTER_NODES:
            _, port, monitor, cluster_port = next(n for n in cfg.nats_nodes if n[0] == name)
            store = cfg.data_dir / name
            nats_bin = self.bin_dir / "nats-server"
            argv = [
                str(nats_bin if nats_bin.exists() else "nats-server"),
                "-js", "-sd", str(store), "-a", h, "-p", str(port), "-m", str(monitor),
                # users and permissions generated from the contracts (nats_auth)
                "-c", str(cfg.secrets_dir / "nats.conf"),
            ]
            if cfg.nats_cluster == 3:
                routes = ",".join(f"nats://{h}:{c}" for _, _, _, c in cfg.nats_nodes)
                argv += ["--name", name.replace("_", "-"), "--cluster_name", "nectar",
                         "--cluster", f"nats://{h}:{cluster_port}", "--routes", routes]
            return Component(
                name,
                "infra",
                f"nats://{h}:{port}",
                argv,
                [port, monitor] + ([cluster_port] if cfg.nats_cluster == 3 else []),
                _http_ok(f"http://{h}:{monitor}/healthz?js-enabled-only=true"),
                ("nats-server", str(store)),
                base_env,
                self.repo_root,
                prepare=self._prepare_nats,
                extra={"monitor": f"http://{h}:{monitor}"},
            )
        if name == "postgres":
            return self._build_postgres()
        if name == "redis":
            store = cfg.data_dir / "redis"
            return Component(
                name,
                "infra",
                f"redis://{h}:{cfg.redis_port}/0",
                [
                    _redis_binary(),
                    "--port",
                    str(cfg.redis_port),
                    "--bind",
                    h,
                    "--dir",
                    str(store),
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "everysec",
                    "--save",
                    "",
                    # Idempotency claims, delivery records, plan and payment state live
                    # here: never evicted (a full Redis refuses writes, loudly, instead)
                    "--maxmemory",
                    "512mb",
                    "--maxmemory-policy",
                    "noeviction",
                    "--daemonize",
                    "no",
                    "--logfile",
                    "",
                ],
                [cfg.redis_port],
                _redis_ping(h, cfg.redis_port),
                ("redis-server", str(cfg.redis_port)),
                base_env,
                self.repo_root,
                prepare=self._prepare_redis,
            )
        if name == "chroma":
            store = cfg.data_dir / "chroma"

            def chroma_env() -> dict[str, str]:
                return {**self._infra_env(), "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}

            return Component(
                name,
                "infra",
                f"http://{h}:{cfg.chroma_port}",
                [
                    str(self.bin_dir / "chroma"),
                    "run",
                    "--path",
                    str(store),
                    "--host",
                    h,
                    "--port",
                    str(cfg.chroma_port),
                ],
                [cfg.chroma_port],
                _http_ok(f"http://{h}:{cfg.chroma_port}/api/v2/heartbeat"),
                ("chroma", str(store)),
                chroma_env,
                self.repo_root,
            )
        if name == "s3":
            return self._build_s3()
        if name in EMULATORS:
            module = EMULATOR_MODULES[name]
            port = cfg.port_of(name)
            extra_args: list[str] = []
            if name in COMFYUI_WORKERS:
                extra_args = ["--worker-name", name.removeprefix("comfyui_emulator_"),
                              "--time-scale", COMFYUI_TIME_SCALE]
            elif name == "inworld_emulator":
                extra_args = ["--api-key", EMULATOR_INWORLD_KEY]
            return Component(
                name,
                "emulator",
                f"http://{h}:{port}",
                [py, "-m", module, "--host", h, "--port", str(port), *extra_args],
                [port],
                _http_ok(f"http://{h}:{port}/healthz"),
                (module, str(port)),
                lambda: self.env(),
                self.repo_root,
            )
        if name in SERVICES:
            module = SERVICE_MODULES[name]
            port = cfg.service_ports[name]
            return Component(
                name,
                "service",
                f"http://{h}:{port}",
                [py, "-m", module],
                [port],
                _http_ok(f"http://{h}:{port}/readyz"),
                (f"-m {module}",),
                lambda: self.env(name),
                self.repo_root,
            )
        raise ValueError(name)  # pragma: no cover

    def _build_s3(self) -> Component:
        """SeaweedFS in one process (master, volume, filer, S3 gateway) with one identity
        whose keys are generated per data dir (`s3_credentials`)."""
        cfg, h = self.config, self.config.host
        store = cfg.data_dir / "s3"
        weed = self.bin_dir / "weed"
        config_file = cfg.data_dir / "s3" / "identities.json"

        def prepare() -> None:
            store.mkdir(parents=True, exist_ok=True)
            key_id, secret = self.s3_credentials()
            config_file.write_text(json.dumps({"identities": [{
                "name": "nectar",
                "credentials": [{"accessKey": key_id, "secretKey": secret}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
            config_file.chmod(0o600)

        return Component(
            "s3",
            "infra",
            f"http://{h}:{cfg.s3_port}",
            [
                str(weed if weed.exists() else "weed"), "server", "-dir", str(store),
                "-ip", h, "-ip.bind", h, "-s3", "-s3.port", str(cfg.s3_port),
                "-s3.port.grpc", str(cfg.s3_grpc_port), "-s3.config", str(config_file),
                # the Iceberg and Lance catalogs listen on fixed ports (8181, 9101) by
                # default: two stacks on one machine would collide; neither is used
                "-s3.port.iceberg", "0", "-s3.port.lance", "0",
                "-master.port", str(cfg.s3_master_port),
                "-master.port.grpc", str(cfg.s3_master_grpc_port),
                "-master.volumeSizeLimitMB", "256",
                "-volume.port", str(cfg.s3_volume_port),
                "-volume.port.grpc", str(cfg.s3_volume_grpc_port),
                # every bucket is a collection that grows ~7 volumes at its first write:
                # 16 slots held 3 buckets, then every put failed with InternalError.
                # Volumes are sparse files (not preallocated), so many slots cost little.
                "-volume.max", "256",
                "-filer.port", str(cfg.s3_filer_port),
                "-filer.port.grpc", str(cfg.s3_filer_grpc_port),
            ],
            [cfg.s3_port, cfg.s3_master_port, cfg.s3_volume_port, cfg.s3_filer_port,
             cfg.s3_grpc_port, cfg.s3_master_grpc_port, cfg.s3_volume_grpc_port,
             cfg.s3_filer_grpc_port],
            _s3_ready(h, cfg.s3_port, cfg.s3_filer_port),
            ("weed", str(store)),
            self._infra_env,
            self.repo_root,
            prepare=prepare,
            # SIGTERM takes ~25 s to drain its servers, SIGINT ~10 s (measured)
            stop_signal=signal.SIGINT,
        )

    def s3_credentials(self) -> tuple[str, str]:
        """(access key id, secret) of the local object store, generated once per data dir
        (data_dir/secrets/s3_credentials, mode 600)."""
        path = self.config.secrets_dir / "s3_credentials"
        if not path.exists():
            self.config.secrets_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(f"nectar{secrets.token_hex(6)} {secrets.token_urlsafe(30)}\n")
            path.chmod(0o600)
        key_id, secret = path.read_text().split()
        return key_id, secret

    def _build_postgres(self) -> Component:
        cfg, h = self.config, self.config.host
        pgdata = cfg.data_dir / "postgres"
        try:
            pg_bin = find_pg_bin(cfg.pg_bin_dir)
        except StackError as exc:
            missing = str(exc)

            def fail() -> None:
                raise StackError(missing)

            pg_bin, prepare = Path("/nonexistent"), fail
        else:
            prepare = self._prepare_postgres
        sock_dir = cfg.run_dir / "postgres"
        # Unix socket paths are limited to 107 bytes; skip the socket when the path is long.
        sock_arg = str(sock_dir) if len(str(sock_dir)) + 20 < 107 else ""
        self._pg_bin = pg_bin
        return Component(
            "postgres",
            "infra",
            f"postgresql://{POSTGRES_USER}@{h}:{cfg.postgres_port}/{POSTGRES_DB}",
            [
                str(pg_bin / "postgres"),
                "-D",
                str(pgdata),
                "-p",
                str(cfg.postgres_port),
                "-c",
                f"listen_addresses={h}",
                "-c",
                f"unix_socket_directories={sock_arg}",
                "-c",
                "logging_collector=off",
                "-c",
                "max_connections=200",
            ],
            [cfg.postgres_port],
            _pg_isready(pg_bin, h, cfg.postgres_port),
            ("postgres", str(pgdata)),
            self._infra_env,
            pgdata,
            prepare=prepare,
            run_as=postgres_run_as(),
            # SIGINT = "fast" shutdown (disconnect clients, checkpoint, exit).
            stop_signal=signal.SIGINT,
        )

    def _infra_env(self) -> dict[str, str]:
        env = {k: os.environ[k] for k in ("PATH", "HOME", "TZ") if k in os.environ}
        env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        env["LC_ALL"] = "C"
        return env

    # -- preparation -----------------------------------------------------------

    def _prepare_dirs(self) -> None:
        cfg = self.config
        for d in (cfg.data_dir, cfg.logs_dir, cfg.run_dir, cfg.traces_dir):
            d.mkdir(parents=True, exist_ok=True)
        for name in ("nats", *NATS_CLUSTER_NODES, "redis", "chroma"):
            if name in self.components:
                (cfg.data_dir / name).mkdir(exist_ok=True)

    def _prepare_nats(self) -> None:
        nats_auth.write_server_config(self.repo_root, self.config.secrets_dir)

    def _prepare_redis(self) -> None:
        path = find_redis_server()  # raises a helpful StackError when missing
        self.components["redis"].argv[0] = str(path)

    def _prepare_postgres(self) -> None:
        cfg = self.config
        c = self.components["postgres"]
        pg_bin = self._pg_bin
        pgdata = cfg.data_dir / "postgres"
        sock_dir = cfg.run_dir / "postgres"
        sock_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0 and c.run_as is None:
            c.run_as = postgres_run_as(create=True)
        if c.run_as:
            uid, gid = c.run_as
            _ensure_traversable(cfg.data_dir, uid, gid)
            os.chown(sock_dir, uid, gid)
        os.chmod(sock_dir, 0o700)
        if (pgdata / "PG_VERSION").exists():
            if c.run_as and pgdata.stat().st_uid != c.run_as[0]:
                _chown_tree(pgdata, *c.run_as)
            os.chmod(pgdata, 0o700)
            return
        # First start: initdb + create role/database in single-user mode into a temporary
        # directory, then rename it into place (an interrupted init never looks complete).
        tmp = cfg.data_dir / "postgres.init"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(mode=0o700)
        if c.run_as:
            os.chown(tmp, *c.run_as)
        log.info("postgres: initialising cluster in %s", pgdata)
        logfile = cfg.log_path("postgres")
        self._run_logged(
            "postgres",
            [
                str(pg_bin / "initdb"),
                "-D",
                str(tmp),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-instructions",
            ],
            c,
        )
        sql = (
            f"CREATE ROLE {POSTGRES_USER} LOGIN CREATEDB;\n"
            f"CREATE DATABASE {POSTGRES_DB} OWNER {POSTGRES_USER} ENCODING 'UTF8';\n"
        )
        out = self._run_logged(
            "postgres",
            [
                str(pg_bin / "postgres"),
                "--single",
                "-D",
                str(tmp),
                "-c",
                "unix_socket_directories=",
                "postgres",
            ],
            c,
            stdin=sql,
        )
        if "ERROR" in out:
            raise StackError(
                f"postgres: creating role/database failed. Last {LOG_TAIL_LINES} lines of "
                f"{logfile}:\n{proc.tail(logfile, LOG_TAIL_LINES)}"
            )
        tmp.rename(pgdata)

    def _run_logged(
        self, name: str, argv: list[str], c: Component, stdin: str | None = None
    ) -> str:
        logfile = self.config.log_path(name)
        kwargs: dict[str, object] = {}
        if c.run_as:
            kwargs.update(user=c.run_as[0], group=c.run_as[1], extra_groups=[])
        res = subprocess.run(
            argv,
            check=False,
            input=(stdin or "").encode(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=str(self.config.data_dir),
            env=c.env_factory(),
            timeout=120,
            **kwargs,  # type: ignore[arg-type]
        )
        out = res.stdout.decode(errors="replace")
        with logfile.open("a", encoding="utf-8") as fh:
            fh.write(f"\n===== {_now()} {' '.join(argv[:2])} (exit {res.returncode}) =====\n")
            fh.write(out)
        if res.returncode != 0:
            raise StackError(
                f"{name}: `{' '.join(argv[:2])}` failed with exit code {res.returncode}. "
                f"Last {LOG_TAIL_LINES} lines of {logfile}:\n{proc.tail(logfile, LOG_TAIL_LINES)}"
            )
        return out

    # -- processes -------------------------------------------------------------

    def _check_ports(self, c: Component) -> None:
        for port in c.ports:
            if proc.port_in_use(self.config.host, port):
                raise StackError(
                    f"{c.name}: port {port} on {self.config.host} is already in use by another "
                    "process (another stack, or a system service?). Stop it or choose another "
                    "port with the NECTAR_*_PORT variables (`nectar-stack env --help`)."
                )

    def _spawn(self, c: Component) -> None:
        if c.prepare:
            c.prepare()
        logfile = self.config.log_path(c.name)
        env = c.env_factory()
        with logfile.open("ab", buffering=0) as fh:
            fh.write(f"\n===== {_now()} starting {c.name}: {' '.join(c.argv)} =====\n".encode())
            kwargs: dict[str, object] = {}
            if c.run_as:
                kwargs.update(user=c.run_as[0], group=c.run_as[1], extra_groups=[])
            try:
                p = subprocess.Popen(
                    c.argv,
                    stdin=subprocess.DEVNULL,
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    cwd=str(c.cwd),
                    env=env,
                    start_new_session=True,
                    close_fds=True,
                    **kwargs,  # type: ignore[arg-type]
                )
            except OSError as exc:
                raise StackError(f"{c.name}: cannot start {c.argv[0]}: {exc}") from exc
        self._procs[c.name] = p
        proc.write_pidfile(self.config.pid_path(c.name), p.pid)
        log.info("started %s (pid %s)", c.name, p.pid)

    def _wait_ready(self, names: Iterable[str], deadline: float) -> None:
        pending = list(names)
        while pending:
            for n in list(pending):
                c = self.components[n]
                if self._live_pid(c) is None:
                    p = self._procs.get(n)
                    code = p.poll() if p is not None else None
                    how = f" with exit code {code}" if code is not None else ""
                    raise StackError(self._failure(n, f"exited during startup{how}"))
                if c.ready_check(1.0):
                    pending.remove(n)
                    log.info("%s is ready at %s", n, c.url)
            if not pending:
                return
            if time.monotonic() > deadline:
                raise StackError(
                    "\n\n".join(
                        self._failure(n, "did not become ready before the timeout") for n in pending
                    )
                )
            time.sleep(0.15)

    def _failure(self, name: str, what: str) -> str:
        logfile = self.config.log_path(name)
        return (
            f"{name} {what} ({self.components[name].url}). Last {LOG_TAIL_LINES} lines "
            f"of {logfile}:\n{proc.tail(logfile, LOG_TAIL_LINES)}"
        )

    def _live_pid(self, c: Component) -> int | None:
        p = self._procs.get(c.name)
        if p is not None and p.poll() is None and proc.pid_alive(p.pid):
            return p.pid  # started by this object and still running
        pid = proc.read_pidfile(self.config.pid_path(c.name))
        if pid is None or not proc.pid_alive(pid):
            return None
        cmd = " ".join(proc.cmdline(pid))
        if not all(needle in cmd for needle in c.needles):
            return None  # pid reused by something else
        return pid

    def _own_group(self, pid: int) -> int | None:
        """The process group to kill with the component, or None if it is shared with us."""
        try:
            pgid = os.getpgid(pid)
        except ProcessLookupError:
            return None
        return None if pgid in (os.getpgrp(), 0, 1) else pgid

    def _wait_gone(self, victims: dict[str, _Victim], seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for n in victims:
                p = self._procs.get(n)
                if p is not None:
                    p.poll()
            if not any(v.alive() for v in victims.values()):
                return
            time.sleep(0.1)

    def _forget(self, name: str) -> None:
        p = self._procs.pop(name, None)
        if p is not None:
            try:
                p.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        proc.remove_file(self.config.pid_path(name))

    # -- stack.json ------------------------------------------------------------

    def _write_stack_json(self) -> None:
        cfg = self.config
        if not cfg.data_dir.exists():
            return
        previous: dict[str, object] = {}
        if cfg.stack_json.exists():
            try:
                previous = json.loads(cfg.stack_json.read_text()).get("components", {})
            except (OSError, ValueError):
                previous = {}
        components = dict(previous) if isinstance(previous, dict) else {}
        for n in self.names:
            c = self.components[n]
            components[n] = {
                "kind": c.kind,
                "url": c.url,
                "pid": self._live_pid(c),
                "log": str(cfg.log_path(n)),
                "pidfile": str(cfg.pid_path(n)),
                **c.extra,
            }
        endpoints = {
            k: v
            for k, v in self.env().items()
            if not is_secret_key(k) and k not in ("PATH", "HOME", "PYTHONUNBUFFERED")
        }
        data = {
            "updated_at": _now(),
            "config": cfg.to_dict(),
            "components": components,
            "endpoints": mask_env(endpoints),
            "telegram": self.telegram_mode,
            "openrouter": self.openrouter_mode,
        }
        tmp = cfg.stack_json.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        tmp.replace(cfg.stack_json)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = [
    "ALL_COMPONENTS",
    "EMULATORS",
    "INFRA",
    "SERVICES",
    "Component",
    "ComponentStatus",
    "Stack",
    "StackError",
    "mask_env",
]
