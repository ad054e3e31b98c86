"""Adapters of the llm service's ports, one module per technology."""
