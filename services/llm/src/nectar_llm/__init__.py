"""The llm service: turns a turn's context into the character's reply, and windows into summaries.

Consumes `chat.context_ready` and `chat.summary_requested`; publishes `chat.reply_ready` (plus
`voice.voice_requested` for voice turns), `chat.reply_failed` and `chat.summary_written`.
Models are reached through the `ChatModel` port (OpenRouter in production, its emulator
locally), routed by plan tier and content mode from `routing.toml`, tried along a fallback
chain with salvage, plan-aware rescue, content gating and a cost guard (see README.md).
"""
