"""Chaos: no turn lost or answered twice while components are killed under load.

Starts its own throwaway stack (temp data dir, free ports) on a 3-node NATS cluster with every
stream at 3 replicas, then, for each fault, sends turns from new Telegram users through the
Telegram emulator and, a third of the way in, kills a component with SIGKILL and starts it
again (`--down-s` later; Redis stays down `--redis-down-s`). Faults: every service on the text
path (edge, memory, llm, billing), Redis, Postgres, and the NATS node leading the CHAT stream.
Bounded in time: each round ends when every turn is answered or `--settle-s` has passed.

    .venv/bin/python bench/chaos.py                 # every fault (make chaos)
    .venv/bin/python bench/chaos.py --faults memory,nats_node --turns 15

Its last line is one JSON object:
  {"bench": "chaos", "faults": {"<fault>": {"sent", "answered_once", "lost", "duplicated",
   "component", "down_s", "restart_s"}, ...}}
Targets: 0 lost and 0 duplicated for every fault.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from nectar_devstack.chaos import FAULTS, ChaosRun, start_chaos_stack, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--faults", default=",".join(FAULTS),
                        help=f"comma-separated, from {', '.join(FAULTS)}")
    parser.add_argument("--turns", type=int, default=40, help="turns per fault")
    parser.add_argument("--rate", type=float, default=4.0, help="turns per second")
    parser.add_argument("--down-s", type=float, default=5.0,
                        help="seconds a killed component stays down")
    parser.add_argument("--redis-down-s", type=float, default=30.0)
    parser.add_argument("--settle-s", type=float, default=120.0,
                        help="longest wait for the answers of one round")
    args = parser.parse_args()
    faults = [f for f in args.faults.split(",") if f]
    unknown = sorted(set(faults) - set(FAULTS))
    if unknown:
        parser.error(f"unknown fault(s) {unknown}; known: {', '.join(FAULTS)}")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(message)s")
    stack = start_chaos_stack()
    try:
        run = ChaosRun(stack, turns=args.turns, rate=args.rate, down_s=args.down_s,
                       redis_down_s=args.redis_down_s, settle_s=args.settle_s)
        results = asyncio.run(run.run(faults))
    finally:
        stack.down()
    print(summary(results), flush=True)
    bad = {f: r for f, r in results.items() if r["lost"] or r["duplicated"]}
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
