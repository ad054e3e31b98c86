"""`nectar users delete` erases the user's voice messages (`users/<id>/` of `VOICE_BUCKET`)
and the shared cache objects made for them, as the running service does on
`billing.user_deleted` (`handlers.forget_user`)."""

from __future__ import annotations

from nectar_runtime.erasure import UserObjects
from nectar_runtime.objectstore import ObjectStore

from nectar_voice.library import AudioLibrary
from nectar_voice.settings import VoiceSettings


def user_data_stores(settings: VoiceSettings) -> list[UserObjects]:
    async def shared_copies(store: ObjectStore, user_id: int) -> str:
        erased = await AudioLibrary(store, settings.bucket).forget_user(user_id)
        return f"{erased.cached} shared cache objects made for the user deleted"

    return [UserObjects("voice", settings.s3, settings.bucket, before_erase=shared_copies)]
