"""Domain exceptions: what adapters raise instead of their clients' errors, and what a
request can be refused for."""

from __future__ import annotations

from nectar_runtime import Unavailable


class BadImageRequest(ValueError):
    """The request cannot be rendered as asked (blank or over-long prompt); nothing is
    queued and the user is told."""


class ContentBlocked(Exception):
    """The renderer's safety check refused the prompt or the picture it made."""


class RenderFailed(Exception):
    """No picture came out of the renderer: a model the workers do not have, a worker error
    or timeout after the adapter's own retries, no worker up."""


class ObjectStoreUnavailable(Unavailable):
    """The object store did not answer or failed (timeout, 5xx): an outage of our own
    infrastructure, retried by the runtime for as long as it lasts."""

    dependency = "s3"
