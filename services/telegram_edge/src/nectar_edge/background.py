"""Fire-and-forget work of one edge process (chat actions), held so it is neither garbage
collected mid-flight nor left running at shutdown.

One instance per process, in `Deps.background`; the runtime closes it (a `Managed` adapter)
after the consumers stopped, which cancels what still runs.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any


class BackgroundTasks:
    """A set of running tasks with a lifecycle (`nectar_runtime.Managed`)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` in the background; it is forgotten once done."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def start(self) -> None:
        """Nothing to open."""

    async def close(self) -> None:
        """Cancel what still runs and wait for it."""
        tasks, self._tasks = set(self._tasks), set()
        for task in tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*tasks, return_exceptions=True)

    async def check(self) -> None:
        """Always usable."""
