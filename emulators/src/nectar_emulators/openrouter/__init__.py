"""OpenRouter emulator: OpenAI-compatible chat completions with scriptable failures.

Speaks OpenRouter's wire format (`/api/v1/chat/completions`, JSON or SSE with the
`: OPENROUTER PROCESSING` keep-alive, `usage.cost`, `{"error": {"code", "message",
"metadata"}}` errors) and lets tests, a terminal user or the local stack choose how the
"model" behaves, three ways:

a) control API: `POST /_emulator/script {"model": "<id>|*", "behaviour": "<spec>", "times": N}`
   (FIFO per model, one use per call; `DELETE /_emulator/script` clears), with
   `GET|DELETE /_emulator/calls` to inspect recorded requests;
b) a `[[emu:<spec>]]` marker in the last user message, e.g. `[[emu:http_500]]`;
c) per-model defaults: `--model-behaviour vendor/model=content_filter` (repeatable).

Behaviour specs are listed in `behaviours.py`. The default ("ok") reply is
`[emulator:<model>] I hear you: "<last user message, first 200 chars>"`. Token counts are
ceil(chars / 4); cost uses the configured per-million prices. Prompt caching is modelled per
model family (`cache.py`): marker (caches only up to a `cache_control` part), automatic, sticky
(per-`user` server, long TTL); a minimum cacheable prefix and TTLs apply, and a repeated
prefix reports `cached_tokens`.
"""

from .app import create_app
from .settings import OpenRouterEmulatorSettings

__all__ = ["OpenRouterEmulatorSettings", "create_app"]
