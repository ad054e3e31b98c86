"""Object storage (images, audio) through the S3 API: one port, the S3 adapter, a fake.

The local stack runs SeaweedFS (`weed server -s3`), production runs S3 or any S3-compatible
store; the same adapter talks to both (aiobotocore, path-style addressing). Keys that hold a
user's data start with `users/<user_id>/` so that erasure can remove them by prefix
(`delete_prefix`); shared caches keep their own prefixes and record which users they serve.

Errors: `ObjectNotFound` for a missing key; `ObjectStoreUnavailable` (an `Unavailable` of
dependency `s3`, so the consumer loop retries instead of dead-lettering) when the store does
not answer or refuses the credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from nectar_runtime.errors import Unavailable


class ObjectNotFound(KeyError):
    """No object under that key."""


class ObjectStoreUnavailable(Unavailable):
    """The object store does not answer (or refuses our credentials)."""

    dependency = "s3"


def user_prefix(user_id: int) -> str:
    """Where a user's own objects live in every bucket (erasure deletes this prefix)."""
    return f"users/{int(user_id)}/"


@dataclass(frozen=True)
class StoredObject:
    key: str
    data: bytes
    content_type: str


class ObjectStore(Protocol):
    """Port: a bucket of immutable objects by key."""

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> StoredObject:
        """The object; raises `ObjectNotFound`."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Delete one object (a missing key is not an error)."""
        ...

    async def list(self, prefix: str) -> list[str]: ...

    async def delete_prefix(self, prefix: str) -> int:
        """Delete every object under `prefix`; how many were deleted."""
        ...


class S3Settings(BaseSettings):
    """Where the object store is (env prefix `NECTAR_S3_`); each service names its bucket."""

    model_config = SettingsConfigDict(env_prefix="NECTAR_S3_", extra="ignore")

    url: str = Field("http://127.0.0.1:8333", description="S3 endpoint (SeaweedFS locally, "
                     "e.g. https://s3.eu-west-1.amazonaws.com in production).")
    region: str = Field("us-east-1", description="S3 region.")
    access_key_id: SecretStr | None = Field(None, description="S3 access key id (unset: "
                                            "the default AWS credential chain).")
    secret_access_key: SecretStr | None = Field(None, description="S3 secret access key.")
    timeout_s: float = Field(10.0, gt=0, description="Timeout of one S3 call.")
    create_buckets: bool = Field(True, description="Create a missing bucket at start (off "
                                 "where buckets are provisioned by the operator).")


@dataclass
class S3ObjectStore:
    """`ObjectStore` on one bucket of an S3 API; `Managed` (start opens the client and
    ensures the bucket, check is HEAD bucket)."""

    settings: S3Settings
    bucket: str
    _client: Any = None
    _exit: Any = None
    _session: Any = field(default=None, repr=False)

    async def start(self) -> None:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session

        s = self.settings
        self._session = get_session()
        creds: dict[str, str] = {}
        if s.access_key_id is not None and s.secret_access_key is not None:
            creds = {"aws_access_key_id": s.access_key_id.get_secret_value(),
                     "aws_secret_access_key": s.secret_access_key.get_secret_value()}
        context = self._session.create_client(
            "s3", endpoint_url=s.url, region_name=s.region, **creds,
            config=AioConfig(s3={"addressing_style": "path"}, connect_timeout=s.timeout_s,
                             read_timeout=s.timeout_s, retries={"max_attempts": 2}))
        self._client = await context.__aenter__()
        self._exit = context.__aexit__
        if s.create_buckets:
            with contextlib.suppress(ObjectStoreUnavailable):  # readiness reports it
                await self._ensure_bucket()

    async def close(self) -> None:
        if self._exit is not None:
            await self._exit(None, None, None)
        self._client = self._exit = None

    async def check(self) -> None:
        await self._call(lambda c: c.head_bucket(Bucket=self.bucket))

    async def _ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            await self._call(lambda c: c.head_bucket(Bucket=self.bucket), raw=True)
        except ClientError:
            try:
                await self._call(lambda c: c.create_bucket(Bucket=self.bucket), raw=True)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise ObjectStoreUnavailable(f"bucket {self.bucket}: {exc}") from exc

    async def _call(self, fn: Any, raw: bool = False) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        if self._client is None:
            raise ObjectStoreUnavailable("object store client not started")
        try:
            return await asyncio.wait_for(fn(self._client), self.settings.timeout_s * 2)
        except ClientError as exc:
            if raw:
                raise
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise ObjectNotFound(str(exc)) from exc
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                        "NoSuchBucket", "Forbidden", "401", "403") or status >= 500:
                raise ObjectStoreUnavailable(f"s3 {code}: {exc}") from exc
            raise
        except (BotoCoreError, OSError, asyncio.TimeoutError) as exc:
            raise ObjectStoreUnavailable(f"s3 unreachable: {type(exc).__name__}: "
                                         f"{exc}"[:300]) from exc

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._call(lambda c: c.put_object(Bucket=self.bucket, Key=key, Body=data,
                                                ContentType=content_type))

    async def get(self, key: str) -> StoredObject:
        async def fetch(c: Any) -> StoredObject:
            resp = await c.get_object(Bucket=self.bucket, Key=key)
            async with resp["Body"] as body:
                data = await body.read()
            return StoredObject(key, data, resp.get("ContentType") or
                                "application/octet-stream")

        return await self._call(fetch)

    async def exists(self, key: str) -> bool:
        try:
            await self._call(lambda c: c.head_object(Bucket=self.bucket, Key=key))
        except ObjectNotFound:
            return False
        return True

    async def delete(self, key: str) -> None:
        await self._call(lambda c: c.delete_object(Bucket=self.bucket, Key=key))

    async def list(self, prefix: str) -> list[str]:
        async def collect(c: Any) -> list[str]:
            keys: list[str] = []
            paginator = c.get_paginator("list_objects_v2")
            async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                keys.extend(item["Key"] for item in page.get("Contents", []))
            return keys

        return await self._call(collect)

    async def delete_prefix(self, prefix: str) -> int:
        if not prefix:
            raise ValueError("refusing to delete a whole bucket: give a prefix")
        keys = await self.list(prefix)
        for start in range(0, len(keys), 1000):
            batch: Sequence[str] = keys[start:start + 1000]
            await self._call(lambda c, batch=batch: c.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in batch],
                                            "Quiet": True}))
        return len(keys)


@dataclass
class InMemoryObjectStore:
    """Fake `ObjectStore` with the same rules (missing key: `ObjectNotFound`; `available`
    False: every call raises `ObjectStoreUnavailable`)."""

    objects: dict[str, StoredObject] = field(default_factory=dict)
    available: bool = True

    def _check(self) -> None:
        if not self.available:
            raise ObjectStoreUnavailable("fake object store is down")

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def check(self) -> None:
        self._check()

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self._check()
        self.objects[key] = StoredObject(key, bytes(data), content_type)

    async def get(self, key: str) -> StoredObject:
        self._check()
        try:
            return self.objects[key]
        except KeyError:
            raise ObjectNotFound(key) from None

    async def exists(self, key: str) -> bool:
        self._check()
        return key in self.objects

    async def delete(self, key: str) -> None:
        self._check()
        self.objects.pop(key, None)

    async def list(self, prefix: str) -> list[str]:
        self._check()
        return sorted(k for k in self.objects if k.startswith(prefix))

    async def delete_prefix(self, prefix: str) -> int:
        if not prefix:
            raise ValueError("refusing to delete a whole bucket: give a prefix")
        keys = await self.list(prefix)
        for key in keys:
            del self.objects[key]
        return len(keys)
