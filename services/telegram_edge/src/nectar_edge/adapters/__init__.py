"""Adapters of the edge's ports, one module per technology."""
