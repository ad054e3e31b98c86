"""Local emulators of Nectar's external services, speaking their real wire protocols.

- `nectar_emulators.telegram`: the Telegram Bot API plus a user-side control API.
- `nectar_emulators.openrouter`: OpenRouter's OpenAI-compatible chat completions API with
  scriptable failure behaviours.
- `nectar_emulators.comfyui`: one ComfyUI GPU worker (HTTP + WebSocket), rendering real PNGs,
  with a GPU timing model and scriptable failures.

All are Starlette apps built by `create_app(settings)` and runnable as
`python -m nectar_emulators.<name> --host 127.0.0.1 --port N`.
"""
