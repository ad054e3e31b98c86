"""Stack configuration: where data lives, which ports every component listens on."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

# ---------------------------------------------------------------------------
# Component catalogue
# ---------------------------------------------------------------------------

INFRA: tuple[str, ...] = ("nats", "postgres", "redis", "chroma", "s3")
EMULATORS: tuple[str, ...] = ("telegram_emulator", "openrouter_emulator", "comfyui_emulator_a",
                               "comfyui_emulator_b", "inworld_emulator")
#: the emulated ComfyUI workers of the local stack (media's pool)
COMFYUI_WORKERS: tuple[str, ...] = ("comfyui_emulator_a", "comfyui_emulator_b")
# billing first: it runs the database migrations the others may rely on.
SERVICES: tuple[str, ...] = ("billing", "telegram_edge", "memory", "llm", "media", "voice")
#: the other two nodes of a 3-node NATS cluster (`NECTAR_NATS_CLUSTER=3`; chaos runs)
NATS_CLUSTER_NODES: tuple[str, ...] = ("nats_2", "nats_3")
ALL_COMPONENTS: tuple[str, ...] = INFRA + NATS_CLUSTER_NODES + EMULATORS + SERVICES

# Start order. Every stage is started together, then waited for, before the next one.
STAGES: tuple[tuple[str, ...], ...] = (
    INFRA + NATS_CLUSTER_NODES + EMULATORS,
    ("billing",),
    ("telegram_edge", "memory", "llm", "media", "voice"),
)

# Python module run with `python -m` for every service.
SERVICE_MODULES: dict[str, str] = {
    "telegram_edge": "nectar_edge",
    "memory": "nectar_memory",
    "llm": "nectar_llm",
    "media": "nectar_media",
    "voice": "nectar_voice",
    "billing": "nectar_billing",
}
EMULATOR_MODULES: dict[str, str] = {
    "telegram_emulator": "nectar_emulators.telegram",
    "openrouter_emulator": "nectar_emulators.openrouter",
    "comfyui_emulator_a": "nectar_emulators.comfyui",
    "comfyui_emulator_b": "nectar_emulators.comfyui",
    "inworld_emulator": "nectar_emulators.inworld",
}

DEFAULT_SERVICE_PORTS: dict[str, int] = {
    "telegram_edge": 8081,
    "memory": 8082,
    "llm": 8083,
    "media": 8084,
    "voice": 8085,
    "billing": 8086,
}

# Scalar port fields of StackConfig and the environment variable overriding each.
PORT_ENV_VARS: dict[str, str] = {
    "nats_port": "NECTAR_NATS_PORT",
    "nats_monitor_port": "NECTAR_NATS_MONITOR_PORT",
    "nats_cluster_port": "NECTAR_NATS_CLUSTER_PORT",
    "nats_2_port": "NECTAR_NATS_2_PORT",
    "nats_2_monitor_port": "NECTAR_NATS_2_MONITOR_PORT",
    "nats_2_cluster_port": "NECTAR_NATS_2_CLUSTER_PORT",
    "nats_3_port": "NECTAR_NATS_3_PORT",
    "nats_3_monitor_port": "NECTAR_NATS_3_MONITOR_PORT",
    "nats_3_cluster_port": "NECTAR_NATS_3_CLUSTER_PORT",
    "postgres_port": "NECTAR_POSTGRES_PORT",
    "redis_port": "NECTAR_REDIS_PORT",
    "chroma_port": "NECTAR_CHROMA_PORT",
    "telegram_emulator_port": "NECTAR_TELEGRAM_EMULATOR_PORT",
    "openrouter_emulator_port": "NECTAR_OPENROUTER_EMULATOR_PORT",
    "comfyui_emulator_a_port": "NECTAR_COMFYUI_EMULATOR_A_PORT",
    "comfyui_emulator_b_port": "NECTAR_COMFYUI_EMULATOR_B_PORT",
    "inworld_emulator_port": "NECTAR_INWORLD_EMULATOR_PORT",
    # SeaweedFS: the S3 API, and the ports of its master, volume and filer servers
    "s3_port": "NECTAR_S3_PORT",
    "s3_master_port": "NECTAR_S3_MASTER_PORT",
    "s3_volume_port": "NECTAR_S3_VOLUME_PORT",
    "s3_filer_port": "NECTAR_S3_FILER_PORT",
    "s3_grpc_port": "NECTAR_S3_GRPC_PORT",
    "s3_master_grpc_port": "NECTAR_S3_MASTER_GRPC_PORT",
    "s3_volume_grpc_port": "NECTAR_S3_VOLUME_GRPC_PORT",
    "s3_filer_grpc_port": "NECTAR_S3_FILER_GRPC_PORT",
}


def service_port_env_var(service: str) -> str:
    """NECTAR_TELEGRAM_EDGE_PORT, NECTAR_MEMORY_PORT, ..."""
    return f"NECTAR_{service.upper()}_PORT"


def find_repo_root(start: Path | None = None) -> Path:
    """The uv workspace root: the nearest ancestor whose pyproject.toml declares the workspace."""
    here = (start or Path(__file__)).resolve()
    for parent in [here, *here.parents]:
        pyproject = parent / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "[tool.uv.workspace]" in pyproject.read_text(encoding="utf-8"):
                    return parent
            except OSError:
                pass
    return Path.cwd().resolve()


def default_bin_dir(repo: Path | None = None) -> Path:
    """The virtualenv's bin directory (nats-server, chroma and the python running services)."""
    current = Path(sys.prefix) / "bin"
    if (current / "nats-server").exists():
        return current
    repo_venv = (repo or find_repo_root()) / ".venv" / "bin"
    if repo_venv.is_dir():
        return repo_venv
    return Path(sys.executable).parent


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def find_free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """`count` distinct ports that are free right now (all sockets held until every port is
    picked), chosen *below* the kernel's ephemeral range: a port from that range can be taken
    by any outgoing connection of any process between a stack's `down` and its next `up`."""
    import random

    low = 20000
    high = min(_ephemeral_range()[0] - 1, 32767)
    socks: list[socket.socket] = []
    ports: list[int] = []
    try:
        candidates = random.sample(range(low, high), min(high - low, count * 20))
        for port in candidates:
            if len(ports) == count:
                break
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind((host, port))
            except OSError:
                s.close()
                continue
            socks.append(s)
            ports.append(port)
        while len(ports) < count:  # the low range is crowded: fall back on the kernel's pick
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((host, 0))
            socks.append(s)
            port = s.getsockname()[1]
            if port not in ports:
                ports.append(port)
    finally:
        for s in socks:
            s.close()
    return ports


@dataclass
class StackConfig:
    """Everything needed to find/start one stack. Every port can be overridden.

    `from_env()` reads NECTAR_DATA_DIR, NECTAR_HOST, NECTAR_<COMPONENT>_PORT (see PORT_ENV_VARS),
    NECTAR_<SERVICE>_PORT (e.g. NECTAR_TELEGRAM_EDGE_PORT) and NECTAR_PG_BIN.
    """

    data_dir: Path
    host: str = "127.0.0.1"
    nats_port: int = 4222
    nats_cluster_port: int = 6222
    nats_2_port: int = 4223
    nats_2_monitor_port: int = 8223
    nats_2_cluster_port: int = 6223
    nats_3_port: int = 4224
    nats_3_monitor_port: int = 8224
    nats_3_cluster_port: int = 6224
    #: 1: one NATS server; 3: a 3-node JetStream cluster (nats, nats_2, nats_3) with every
    #: stream at 3 replicas (NECTAR_NATS_CLUSTER)
    nats_cluster: int = 1
    nats_monitor_port: int = 8222
    postgres_port: int = 5433
    redis_port: int = 6380
    chroma_port: int = 8010
    telegram_emulator_port: int = 8091
    openrouter_emulator_port: int = 8092
    comfyui_emulator_a_port: int = 8188
    comfyui_emulator_b_port: int = 8189
    inworld_emulator_port: int = 8094
    s3_port: int = 8333
    s3_master_port: int = 9333
    s3_volume_port: int = 8334
    s3_filer_port: int = 8888
    s3_grpc_port: int = 18333
    s3_master_grpc_port: int = 19333
    s3_volume_grpc_port: int = 18334
    s3_filer_grpc_port: int = 18888
    service_ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SERVICE_PORTS))
    # Pass NECTAR_*/EDGE_*/MEMORY_*/LLM_*/MEDIA_*/VOICE_*/BILLING_* from os.environ to services.
    inherit_env: bool = True
    # Honour OPENROUTER_API_KEY / TELEGRAM_BOT_TOKEN from os.environ (talk to the real APIs).
    real_apis: bool = True
    # Extra variables for every service/emulator (wins over everything else).
    extra_env: dict[str, str] = field(default_factory=dict)
    # Where nats-server, chroma and python live (default: the workspace .venv/bin).
    bin_dir: Path | None = None
    # PostgreSQL server binaries (default: newest /usr/lib/postgresql/*/bin).
    pg_bin_dir: Path | None = None
    # Seconds between SIGTERM and SIGKILL on stop.
    stop_grace: float = 15.0

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser().absolute()
        merged = dict(DEFAULT_SERVICE_PORTS)
        merged.update({k: int(v) for k, v in self.service_ports.items()})
        self.service_ports = merged
        if self.bin_dir is not None:
            self.bin_dir = Path(self.bin_dir)
        if self.pg_bin_dir is not None:
            self.pg_bin_dir = Path(self.pg_bin_dir)

    # -- constructors ------------------------------------------------------

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StackConfig:
        env = os.environ if environ is None else environ
        data_dir = env.get("NECTAR_DATA_DIR") or str(find_repo_root() / ".data")
        kwargs: dict[str, Any] = {"data_dir": Path(data_dir)}
        if env.get("NECTAR_HOST"):
            kwargs["host"] = env["NECTAR_HOST"]
        for attr, var in PORT_ENV_VARS.items():
            if env.get(var):
                kwargs[attr] = _parse_port(var, env[var])
        ports = dict(DEFAULT_SERVICE_PORTS)
        for svc in DEFAULT_SERVICE_PORTS:
            var = service_port_env_var(svc)
            if env.get(var):
                ports[svc] = _parse_port(var, env[var])
        kwargs["service_ports"] = ports
        if env.get("NECTAR_NATS_CLUSTER"):
            kwargs["nats_cluster"] = int(env["NECTAR_NATS_CLUSTER"])
        if env.get("NECTAR_PG_BIN"):
            kwargs["pg_bin_dir"] = Path(env["NECTAR_PG_BIN"])
        return cls(**kwargs)

    @classmethod
    def free_ports(
        cls, data_dir: Path | str, host: str = "127.0.0.1", **overrides: Any
    ) -> StackConfig:
        """A config whose every port is currently free: for isolated test stacks.

        Test stacks never talk to the real Telegram/OpenRouter and ignore the caller's
        NECTAR_* etc. variables (pass `real_apis=True, inherit_env=True` to change that).
        """
        n_scalar = len(PORT_ENV_VARS)
        ports = find_free_ports(n_scalar + len(DEFAULT_SERVICE_PORTS), host)
        kwargs: dict[str, Any] = dict(zip(PORT_ENV_VARS, ports[:n_scalar], strict=True))
        kwargs["service_ports"] = dict(zip(DEFAULT_SERVICE_PORTS, ports[n_scalar:], strict=True))
        kwargs.update(inherit_env=False, real_apis=False)
        kwargs.update(overrides)
        return cls(data_dir=Path(data_dir), host=host, **kwargs)

    # -- stack.json round trip ---------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "extra_env":  # may hold secrets; never persisted
                continue
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Path) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StackConfig:
        known = {f.name for f in fields(cls)} - {"extra_env"}
        kwargs = {k: v for k, v in data.items() if k in known and v is not None}
        return cls(**kwargs)

    @classmethod
    def from_stack_json(cls, path: Path) -> StackConfig:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_dict(data["config"])

    # -- derived paths -----------------------------------------------------

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def secrets_dir(self) -> Path:
        return self.data_dir / "secrets"

    @property
    def traces_dir(self) -> Path:
        return self.data_dir / "traces"

    @property
    def stack_json(self) -> Path:
        return self.data_dir / "stack.json"

    def log_path(self, name: str) -> Path:
        return self.logs_dir / f"{name}.log"

    def pid_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def resolved_bin_dir(self) -> Path:
        return self.bin_dir or default_bin_dir()

    @property
    def nats_nodes(self) -> list[tuple[str, int, int, int]]:
        """(component, client port, monitor port, cluster port) of every NATS node."""
        nodes = [("nats", self.nats_port, self.nats_monitor_port, self.nats_cluster_port)]
        if self.nats_cluster == 3:
            nodes += [("nats_2", self.nats_2_port, self.nats_2_monitor_port,
                       self.nats_2_cluster_port),
                      ("nats_3", self.nats_3_port, self.nats_3_monitor_port,
                       self.nats_3_cluster_port)]
        elif self.nats_cluster != 1:
            raise ValueError(f"NECTAR_NATS_CLUSTER={self.nats_cluster}: use 1 or 3")
        return nodes

    @property
    def nats_servers(self) -> str:
        """The client URL(s) of the NATS server or cluster, comma-separated."""
        return ",".join(f"nats://{self.host}:{port}" for _, port, _, _ in self.nats_nodes)

    def port_of(self, name: str) -> int:
        if name in self.service_ports:
            return self.service_ports[name]
        return int(getattr(self, f"{name}_port"))

    def all_ports(self) -> dict[str, int]:
        out = {attr: int(getattr(self, attr)) for attr in PORT_ENV_VARS}
        out.update({f"{svc}_port": p for svc, p in self.service_ports.items()})
        return out


def _parse_port(var: str, raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise ValueError(f"{var}={raw!r} is not a port number") from None
    if not 0 < port < 65536:
        raise ValueError(f"{var}={raw!r} is out of range 1..65535")
    return port
