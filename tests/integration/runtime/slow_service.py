"""A one-subscription service whose handler takes a long time; run as a separate process by
the runtime tests (so that it can be killed with SIGKILL mid-job).

Usage: python slow_service.py NATS_URL REDIS_URL CONSUMER ACK_WAIT_S HANDLER_S
Prints `handling <text>` (flushed) when the handler starts and `done <text>` when it ends.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence

from nectar_contracts import Event, VoiceRequested
from nectar_runtime import InfraSettings, Runtime, ServiceSpec, Subscription
from nectar_runtime.testing import serve_app


async def main(nats_url: str, redis_url: str, consumer: str, ack_wait_s: float,
               handler_s: float) -> None:
    async def handler(event: VoiceRequested) -> Sequence[Event]:
        print(f"handling {event.text}", flush=True)
        await asyncio.sleep(handler_s)
        print(f"done {event.text}", flush=True)
        return []

    infra = InfraSettings(nats_url=nats_url, redis_url=redis_url, instance_id="slow")
    runtime = Runtime("slow-test", infra)
    app = runtime.build(ServiceSpec(subscriptions=[Subscription(
        consumer, (VoiceRequested,), handler, ack_wait_s=ack_wait_s)]))
    async with serve_app(app):
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    url_nats, url_redis, name, ack, hold = sys.argv[1:6]
    asyncio.run(main(url_nats, url_redis, name, float(ack), float(hold)))
