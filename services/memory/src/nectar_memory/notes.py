"""Which conversations have semantic memories: a note per (user, character) in the hot
layer (`MemoryStore.has_memories`), so that the turn of a pair without summaries (every new
user, and every user until their first summary) neither embeds its text nor calls the index.

- `handlers.store_summary` notes the pair *before* indexing its summary (a note without a
  summary costs one search; a summary without a note would never be recalled);
- `handlers.reset_conversation` drops the note before deleting the pair's summaries;
- erasure deletes it with the user's other keys (`mem:has:{user}:{character}`).

The absence of a note means "none" only once the notes are complete: `backfill` lists every
pair from the index (`VectorIndex.conversations`) and marks them complete. Whenever that mark
is missing (a first deployment, Redis data lost, `nectar memory rebuild --all`), turns ask the
index as before and `keep_notes` (a background task of every replica, one at a time under a
lease) backfills again.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from nectar_memory.ports import MemoryStore, VectorIndex

log = logging.getLogger("nectar.memory.notes")


async def backfill(store: MemoryStore, index: VectorIndex, owner: str,
                   lease_s: int = 600) -> int | None:
    """Note every pair the index holds summaries of, then mark the notes complete. Returns
    how many records were read, or None when another replica holds the backfill. Raises the
    index's or the store's errors (the caller tries again later)."""
    if not await store.claim_notes_backfill(owner, lease_s):
        return None
    read = 0
    async for pairs in index.conversations():
        await store.note_memories(pairs)
        read += len(pairs)
    await store.mark_notes_complete()
    return read


async def keep_notes(store: MemoryStore, index: VectorIndex, every_s: float = 30.0,
                     lease_s: int = 600) -> None:
    """Backfill whenever the notes are not complete; checks every `every_s` seconds. Never
    raises (an outage is logged and tried again)."""
    owner = uuid.uuid4().hex
    while True:
        try:
            if not await store.notes_complete():
                read = await backfill(store, index, owner, lease_s)
                if read is not None:
                    log.info("memory notes complete", extra={"records_read": read})
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001  # turns ask the index meanwhile
            log.warning("memory notes backfill failed; turns ask the index meanwhile",
                        extra={"error": f"{type(exc).__name__}: {exc}"})
        await asyncio.sleep(every_s)
