"""Adapters of the memory service: one module per technology."""
