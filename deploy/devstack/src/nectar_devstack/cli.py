"""`nectar-stack`: thin CLI over nectar_devstack.Stack (used by `make up/down/status/logs`)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from pathlib import Path

from . import proc
from .config import ALL_COMPONENTS, EMULATORS, INFRA, PORT_ENV_VARS, SERVICES, StackConfig
from .stack import ComponentStatus, Stack, StackError, mask_env

ONLY_CHOICES = {
    "infra": INFRA,
    "emulators": INFRA + EMULATORS,
    "all": ALL_COMPONENTS,
}

ENV_HELP = f"""\
configuration (environment variables):
  NECTAR_DATA_DIR        data directory (default: <repo>/.data)
  NECTAR_HOST            address everything binds to (default: 127.0.0.1)
  {", ".join(PORT_ENV_VARS.values())},
  NECTAR_<SERVICE>_PORT  e.g. NECTAR_TELEGRAM_EDGE_PORT, NECTAR_BILLING_PORT
  NECTAR_PG_BIN          directory with the PostgreSQL server binaries
  OPENROUTER_API_KEY     if set, the llm service talks to the real OpenRouter
  TELEGRAM_BOT_TOKEN     if set, the edge talks to the real Telegram Bot API (long polling)
"""


def _config(command: str) -> StackConfig:
    """`up` uses the environment; the other commands use what the last `up` recorded."""
    cfg = StackConfig.from_env()
    if command != "up" and cfg.stack_json.exists():
        try:
            recorded = StackConfig.from_stack_json(cfg.stack_json)
        except (OSError, ValueError, KeyError, TypeError):
            return cfg
        recorded.bin_dir = cfg.bin_dir
        return recorded
    return cfg


def _short(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*r) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _state(s: ComponentStatus) -> str:
    if not s.running:
        return "stopped"
    return "ready" if s.ready else "starting"


def _print_status(statuses: list[ComponentStatus], with_state: bool = True) -> None:
    header = (
        ["COMPONENT", "STATE", "PID", "URL", "LOG"]
        if with_state
        else ["COMPONENT", "PID", "URL", "LOG"]
    )
    rows = []
    for s in statuses:
        row = [s.name, _state(s), str(s.pid or "-"), s.url, _short(s.log)]
        if not with_state:
            row.pop(1)
        rows.append(row)
    print(_table(rows, header))


def cmd_up(args: argparse.Namespace) -> int:
    cfg = _config("up")
    stack = Stack(cfg, ONLY_CHOICES[args.only])
    try:
        stack.up(wait=not args.no_wait, timeout=args.timeout)
    except StackError as exc:
        print(f"\nnectar-stack: {exc}\n", file=sys.stderr)
        print(
            "Components already started keep running: `make down` stops them, "
            "`make logs NAME=<component>` shows a log.",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(
            "\ninterrupted; started components keep running (`make down` stops them)",
            file=sys.stderr,
        )
        return 130
    statuses = stack.status()
    print()
    _print_status(statuses, with_state=args.no_wait)
    print()
    nats = stack.components.get("nats")
    if nats:
        print(f"NATS monitoring:  {nats.extra['monitor']}")
    print(f"Telegram:         {stack.telegram_mode}")
    print(f"OpenRouter:       {stack.openrouter_mode}")
    print(f"Data directory:   {cfg.data_dir}")
    print(f"Stack file:       {cfg.stack_json}")
    print("Stop with `make down`; `make status`, `make logs [NAME=component] [FOLLOW=1]`.")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    cfg = _config("down")
    stack = Stack(cfg)
    before = stack.pids()
    try:
        stack.down()
    except StackError as exc:
        print(f"nectar-stack: {exc}", file=sys.stderr)
        return 1
    if before:
        print(f"stopped: {', '.join(before)}")
    else:
        print("nothing was running")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    cfg = _config("status")
    statuses = Stack(cfg).status()
    if args.json:
        print(
            json.dumps(
                {"data_dir": str(cfg.data_dir), "components": [s.to_dict() for s in statuses]},
                indent=2,
            )
        )
    else:
        _print_status(statuses)
        print(f"\nData directory: {cfg.data_dir}")
    return 0


def cmd_logs(args: argparse.Namespace) -> int:
    cfg = _config("logs")
    names = [args.name] if args.name else list(ALL_COMPONENTS)
    files = [cfg.log_path(n) for n in names if cfg.log_path(n).exists()]
    if not files:
        print(f"no log files yet in {cfg.logs_dir}", file=sys.stderr)
        return 1
    if args.follow:
        tail = shutil.which("tail")
        if not tail:
            print("`tail` not found", file=sys.stderr)
            return 1
        os.execv(tail, [tail, "-n", str(args.lines), "-F", *map(str, files)])
    for i, f in enumerate(files):
        if len(files) > 1:
            print(f"{'' if i == 0 else chr(10)}==> {_short(f)} <==")
        print(proc.tail(f, args.lines))
    return 0


def cmd_env(args: argparse.Namespace) -> int:
    cfg = _config("env")
    env = Stack(cfg, []).env(args.service)
    for key, value in sorted(mask_env(env).items()):
        print(f"{key}={value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nectar-stack",
        description="Run the Nectar backend locally without Docker: NATS JetStream, PostgreSQL, "
        "Redis, ChromaDB, SeaweedFS (S3), the emulators of Telegram, OpenRouter, ComfyUI (two "
        "workers) and Inworld, and the six services, "
        "as background processes with all data in one directory.",
        epilog=ENV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only print results and errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "up",
        help="start the stack in the background and wait until it is ready",
        description="Start every component that is not running yet (idempotent), "
        "wait until all are ready and print where they are.",
    )
    p.add_argument(
        "--only",
        choices=list(ONLY_CHOICES),
        default="all",
        help="infra: nats, postgres, redis, chroma, s3; emulators: infra + the "
        "emulators; all (default): everything including the six services",
    )
    p.add_argument(
        "--no-wait",
        action="store_true",
        help="start the processes and return without waiting for readiness",
    )
    p.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for readiness (default: 120)"
    )
    p.set_defaults(func=cmd_up)

    p = sub.add_parser(
        "down",
        help="stop everything and leave no process behind",
        description="SIGTERM every component (services first), SIGKILL what is "
        "still running after a grace period. Data is kept.",
    )
    p.set_defaults(func=cmd_down)

    p = sub.add_parser("status", help="show which components run and are ready")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("logs", help="show (or follow) component logs")
    p.add_argument(
        "name",
        nargs="?",
        choices=list(ALL_COMPONENTS),
        metavar="NAME",
        help=f"one component ({', '.join(ALL_COMPONENTS)}); default: all",
    )
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    p.add_argument("-n", "--lines", type=int, default=50, help="lines per log (default: 50)")
    p.set_defaults(func=cmd_logs)

    p = sub.add_parser(
        "env",
        help="print the environment the services get (secrets masked)",
        description="Print KEY=VALUE lines of the environment given to the "
        "services; secret values are shown as ***.",
    )
    p.add_argument(
        "service",
        nargs="?",
        choices=list(SERVICES),
        metavar="SERVICE",
        help="include that service's NECTAR_SERVICE_HTTP_PORT",
    )
    p.set_defaults(func=cmd_env)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="nectar-stack: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    try:
        return args.func(args)
    except ValueError as exc:  # bad NECTAR_* values etc.
        print(f"nectar-stack: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
