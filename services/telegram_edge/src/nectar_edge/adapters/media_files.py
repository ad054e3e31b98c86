"""Images and voice notes in object storage (the S3 API), read to upload them to Telegram."""

from __future__ import annotations

import contextlib

from nectar_runtime.objectstore import ObjectNotFound, S3ObjectStore, S3Settings


class S3MediaFiles:
    """`MediaFiles` on the S3 API (`NECTAR_S3_*`): one client per bucket named by the
    events, opened on first use; `Managed` (closing releases them; the check is a no-op:
    the edge works without images)."""

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings.model_copy(update={"create_buckets": False})
        self._stores: dict[str, S3ObjectStore] = {}

    async def start(self) -> None:
        return None

    async def check(self) -> None:
        return None

    async def close(self) -> None:
        for store in self._stores.values():
            with contextlib.suppress(Exception):
                await store.close()
        self._stores.clear()

    async def read(self, bucket: str, key: str) -> bytes:
        store = self._stores.get(bucket)
        if store is None:
            store = S3ObjectStore(self.settings, bucket=bucket)
            await store.start()
            self._stores[bucket] = store
        try:
            return (await store.get(key)).data
        except ObjectNotFound as exc:
            raise KeyError(f"{bucket}/{key}") from exc
