"""Nectar memory service: Redis hot buffer + Chroma semantic memory of window summaries.

On every turn it appends the user's line to a bounded Redis list and assembles the context the
llm needs (recent lines, latest summary, top-K semantic memories) in parallel; every N bot
replies it asks the llm for a summary of that window and stores it in Chroma.
"""
