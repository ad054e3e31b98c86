"""Nectar's Telegram edge: Bot API updates in, contract events out, and back."""
