"""Adapters of the voice service: one module per technology."""
