"""Bot API wire format: tokens, envelopes, errors, parameter decoding and object builders.

Mirrors https://core.telegram.org/bots/api#making-requests: parameters arrive in the query
string, as application/json, application/x-www-form-urlencoded or multipart/form-data
(aiogram 3 uses multipart and `attach://<part>` references for files); every answer is
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": ...,
"parameters": {...}}` with the HTTP status equal to error_code.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.responses import JSONResponse

from .formatting import utf16_len

__all__ = [
    "BotApiError",
    "Params",
    "UploadedFile",
    "bot_command_entities",
    "bot_id_from_token",
    "bot_user",
    "error_response",
    "is_valid_token",
    "ok_response",
    "parse_body",
    "private_chat",
    "summarise",
]

TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]{20,}$")
_MAX_UPLOAD = 50 * 1024 * 1024
_BOT_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s])")


def is_valid_token(token: str) -> bool:
    return TOKEN_RE.match(token) is not None


def bot_id_from_token(token: str) -> int:
    match = TOKEN_RE.match(token)
    if match is None:
        raise BotApiError(401, "Unauthorized")
    return int(match.group(1))


class BotApiError(Exception):
    """A Bot API failure; becomes `{"ok": false, ...}` with HTTP status `error_code`."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    @classmethod
    def bad_request(cls, detail: str) -> BotApiError:
        return cls(400, f"Bad Request: {detail}")

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        parameters: dict[str, Any] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def ok_response(result: Any, description: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": True, "result": result}
    if description:
        body["description"] = description
    return JSONResponse(body)


def error_response(error: BotApiError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return JSONResponse(error.payload(), status_code=error.error_code, headers=headers)


@dataclass(frozen=True)
class UploadedFile:
    """A file sent in a multipart part (directly or through `attach://<part>`)."""

    filename: str
    content_type: str
    data: bytes

    def summary(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "size": len(self.data),
            "content_type": self.content_type,
        }


async def _once(body: bytes) -> AsyncGenerator[bytes, None]:
    yield body


async def parse_body(
    content_type: str, body: bytes, query: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Decode request parameters like Telegram: query string first, then the body.

    File parts become `UploadedFile`s; a string value `attach://<name>` is replaced by the
    file part `<name>`. Values stay as sent (form values are strings; JSON keeps its types).
    """
    params: dict[str, Any] = dict(query or {})
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body.strip():
        return params
    if media_type == "application/json" or (not media_type and body.lstrip()[:1] == b"{"):
        try:
            decoded = json.loads(body)
        except ValueError as exc:
            raise BotApiError.bad_request("can't parse JSON request body") from exc
        if not isinstance(decoded, dict):
            raise BotApiError.bad_request("JSON request body must be an object")
        params.update(decoded)
        return params
    headers = Headers({"content-type": content_type})
    if media_type == "multipart/form-data":
        parser: MultiPartParser | FormParser = MultiPartParser(
            headers, _once(body), max_part_size=_MAX_UPLOAD
        )
    elif media_type == "application/x-www-form-urlencoded":
        parser = FormParser(headers, _once(body))
    else:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return params
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise BotApiError.bad_request(f"can't parse multipart request: {exc.message}") from exc
    files: dict[str, UploadedFile] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            files[key] = UploadedFile(
                filename=value.filename or key,
                content_type=value.content_type or "application/octet-stream",
                data=await value.read(),
            )
            await value.close()
        else:
            params[key] = value
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.pop(value.removeprefix("attach://"), None)
            if attached is None:
                raise BotApiError.bad_request(f"file {value} not found in the request")
            params[key] = attached
    params.update(files)
    return params


def summarise(value: Any) -> Any:
    """A JSON-safe copy of request params for the call log (files become summaries)."""
    if isinstance(value, UploadedFile):
        return value.summary()
    if isinstance(value, dict):
        return {key: summarise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [summarise(item) for item in value]
    return value


_TRUE = {"true", "1", "yes", "on"}


class Params:
    """Typed, Telegram-worded access to one call's parameters."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def __contains__(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def text(self, name: str, *, required: str | None = None, default: str = "") -> str:
        """A string parameter; `required` is the Bad Request detail when it is missing."""
        value = self.raw.get(name)
        if value is None or value == "":
            if required is not None:
                raise BotApiError.bad_request(required)
            return default
        if isinstance(value, UploadedFile):
            raise BotApiError.bad_request(f"wrong type of the parameter {name}")
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value)

    def integer(self, name: str, *, default: int | None = None, required: str | None = None) -> int:
        value = self.raw.get(name)
        if value is None or value == "":
            if default is None:
                raise BotApiError.bad_request(required or f"{name} is empty")
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise BotApiError.bad_request(f"invalid {name} specified") from exc

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in _TRUE

    def decoded(self, name: str, *, what: str = "JSON object") -> Any:
        """A JSON-typed parameter (form values carry it JSON-serialised)."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise BotApiError.bad_request(f"can't parse {what}") from exc
        return value

    def file(self, name: str) -> UploadedFile | str | None:
        """An InputFile: an upload, or a file_id / URL string."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        return value if isinstance(value, UploadedFile) else str(value)


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities Telegram attaches to a user's text (offsets in UTF-16 units)."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group(0)),
        }
        for match in _BOT_COMMAND.finditer(text)
    ]


def bot_user(bot_id: int, first_name: str) -> dict[str, Any]:
    """The `User` object of an emulated bot (the `from` of what it sends)."""
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": first_name,
        "username": f"nectar_emu_{bot_id}_bot",
    }


def private_chat(user: Mapping[str, Any]) -> dict[str, Any]:
    """The private `Chat` between a bot and `user` (its id is the user's id)."""
    chat: dict[str, Any] = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if user.get(key):
            chat[key] = user[key]
    return chat
