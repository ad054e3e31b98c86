"""`python -m nectar_runtime.streams`: create or update every JetStream stream, then exit.

The streams are infrastructure: one job creates them (first install) and updates them (an
upgrade that changes a stream's subjects or limits), as the NATS user `streams`, the only
user allowed to. Services never create or change a stream (a service able to update the
`BILLING` stream could shorten its retention and purge the source of truth); at start they
wait for the streams they use (`NECTAR_STREAMS_WAIT_S`).

Reads the shared `NECTAR_*` settings: `NECTAR_NATS_URL`, `NECTAR_NATS_USER`,
`NECTAR_NATS_PASSWORD`, `NECTAR_STREAM_REPLICAS` (3 on a NATS cluster). Idempotent; retries
while NATS is not reachable yet (up to `NECTAR_STREAMS_WAIT_S`). Every service image has it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

from nectar_contracts import ALL_STREAMS
from nectar_runtime.access import connect_options
from nectar_runtime.bus import ensure_streams
from nectar_runtime.logging import configure_logging
from nectar_runtime.settings import InfraSettings

log = logging.getLogger("nectar.streams")


async def run(infra: InfraSettings) -> None:
    deadline = time.monotonic() + infra.streams_wait_s
    while True:
        try:
            await ensure_streams(connect_options(infra), infra.stream_replicas)
            break
        except Exception as exc:
            # not reachable yet (NATS starting), or a cluster still electing its leader
            if time.monotonic() > deadline:
                raise
            log.warning("streams not ensured yet; retrying",
                        extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
            await asyncio.sleep(2)
    log.info("streams ensured", extra={"streams": [s.name for s in ALL_STREAMS],
                                       "replicas": infra.stream_replicas})


def main() -> None:
    infra = InfraSettings()
    configure_logging("streams", infra.log_level)
    try:
        asyncio.run(run(infra))
    except Exception as exc:
        log.error("streams could not be ensured",
                  extra={"error": f"{type(exc).__name__}: {exc}"[:500]})
        sys.exit(1)


if __name__ == "__main__":
    main()
