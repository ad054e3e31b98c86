"""Where voice audio lives in object storage (pure).

- The **shared cache**: `voice/cache/<k[:2]>/<k>.ogg`, keyed by the audio cache key (a hash
  of the normalised text and everything that changes the audio, `cache_key.py`). One object
  per distinct rendering, shared by every user who gets the same reply in the same voice.
- A **user's copy**: `users/<user_id>/voice/<k>.ogg`, written for every voice message sent to
  that user (cache hit or not). It is what the edge downloads and sends, and the record of
  which shared objects hold audio made for that user.

Erasure (`billing.user_deleted`): list `users/<id>/voice/`, delete the shared object of each
key found there, then delete the prefix `users/<id>/`. The shared cache holds text spoken for
a user (a reply may carry their name), so it goes too, even if another user got the same
audio: for them it is only a cache miss later.
"""

from __future__ import annotations

import re

from nectar_runtime.objectstore import user_prefix

CACHE_PREFIX = "voice/cache/"
OGG_CONTENT_TYPE = "audio/ogg"
_KEY = re.compile(r"^[0-9a-f]{64}$")


def _checked(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"not an audio cache key: {key!r}")
    return key


def cache_object(key: str) -> str:
    """The shared cache object of audio cache key `key`."""
    return f"{CACHE_PREFIX}{_checked(key)[:2]}/{key}.ogg"


def user_voice_prefix(user_id: int) -> str:
    """Where a user's voice messages are (inside the user's erasable prefix)."""
    return f"{user_prefix(user_id)}voice/"


def user_object(user_id: int, key: str) -> str:
    """The user's copy of the audio with cache key `key`."""
    return f"{user_voice_prefix(user_id)}{_checked(key)}.ogg"


def cache_key_of(object_key: str) -> str | None:
    """The audio cache key a user's copy was made from, or None for another object."""
    name = object_key.rsplit("/", 1)[-1]
    if not name.endswith(".ogg"):
        return None
    key = name[:-4]
    return key if _KEY.match(key) else None
