"""A user's objects in one bucket, as the erasure of `nectar users delete` sees a store
(`survey` / `erase` / `remaining`, the `UserDataStore` of `nectar_cli.erasure`).

Media and voice keep a user's own objects under `users/<id>/` of their bucket
(`objectstore.user_prefix`); each ships `nectar_<service>.erasure.user_data_stores(settings)`
returning one of these (voice adds what its shared cache made for the user first)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nectar_runtime.objectstore import ObjectStore, S3ObjectStore, S3Settings, user_prefix


class UserObjects:
    """The user's prefix in `bucket`. `before_erase(store, user_id)` runs first (a service's
    own clean-up of objects outside the prefix); nothing connects until a method is called."""

    def __init__(self, service: str, s3: S3Settings, bucket: str,
                 before_erase: Callable[[ObjectStore, int], Awaitable[Any]] | None = None,
                 store: ObjectStore | None = None) -> None:
        self.settings = s3.model_copy(update={"create_buckets": False})
        self.bucket = bucket
        self.before_erase = before_erase
        self._store = store
        self.name = f"object storage {bucket} ({service})"

    async def _with(self, action: Callable[[ObjectStore], Awaitable[Any]]) -> Any:
        if self._store is not None:
            return await action(self._store)
        store = S3ObjectStore(self.settings, bucket=self.bucket)
        await store.start()
        try:
            return await action(store)
        finally:
            await store.close()

    async def survey(self, user_id: int) -> str:
        keys = await self._with(lambda s: s.list(user_prefix(user_id)))
        return f"{len(keys)} objects under {user_prefix(user_id)}"

    async def erase(self, user_id: int) -> str:
        async def run(store: ObjectStore) -> str:
            extra = ""
            if self.before_erase is not None:
                extra = f"{await self.before_erase(store, user_id)}; "
            removed = await store.delete_prefix(user_prefix(user_id))
            return f"{extra}{removed} objects under {user_prefix(user_id)} deleted"

        return await self._with(run)

    async def remaining(self, user_id: int) -> list[str]:
        keys = await self._with(lambda s: s.list(user_prefix(user_id)))
        return [f"{len(keys)} objects under {user_prefix(user_id)}"] if keys else []
