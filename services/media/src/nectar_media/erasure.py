"""`nectar users delete` erases the user's images (`users/<id>/` of `MEDIA_BUCKET`); the
running service does the same on `billing.user_deleted` (`handlers.forget_user`)."""

from __future__ import annotations

from nectar_runtime.erasure import UserObjects

from nectar_media.settings import MediaSettings


def user_data_stores(settings: MediaSettings) -> list[UserObjects]:
    return [UserObjects("media", settings.s3, settings.bucket)]
