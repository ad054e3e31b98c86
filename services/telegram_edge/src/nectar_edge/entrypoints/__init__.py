"""How work reaches the edge: Telegram updates (webhook or long polling) and bus events."""
