"""The short chaos run (`make chaos` runs every fault): a service killed with SIGKILL and the
NATS node leading the CHAT stream killed, each under load on a 3-node cluster; no turn is lost
and none is answered twice."""

from __future__ import annotations

import asyncio

import pytest

from nectar_devstack.chaos import SHORT_FAULTS, ChaosRun, start_chaos_stack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


def test_a_killed_service_and_a_killed_nats_node_lose_and_double_nothing(tmp_path) -> None:
    stack = start_chaos_stack(tmp_path / "chaos")
    try:
        results = asyncio.run(ChaosRun(stack, turns=15, rate=3.0, settle_s=90)
                              .run(SHORT_FAULTS))
    finally:
        stack.down()
    for fault, result in results.items():
        assert result["sent"] == 15
        assert (result["lost"], result["duplicated"]) == (0, 0), (fault, result)
