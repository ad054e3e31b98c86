"""Domain exceptions: what adapters raise instead of their clients' errors, and what a
request can be refused for. Each failure of a job maps to one `image_failed` reason."""

from __future__ import annotations


class JobFailed(Exception):
    """A job ends without a picture; `reason` is the `image_failed` reason."""

    reason = "worker_error"


class BadImageRequest(JobFailed, ValueError):
    """The request cannot be rendered as asked (prompt, size, character, item or reference);
    nothing is queued and the user is told."""

    reason = "bad_input"


class NotVisual(JobFailed):
    """The shop item has no picture (a stat boost, an unlock): refused before anything is
    queued."""

    reason = "not_visual"


class MissingModel(JobFailed):
    """No worker has a checkpoint or LoRA the job needs (or the character's active LoRA
    version is not registered)."""

    reason = "missing_model"


class ContentBlocked(JobFailed):
    """A safety check refused the prompt or the picture."""

    reason = "content_blocked"


class RenderFailed(JobFailed):
    """No picture came out: an execution error, an output that is not an image, no worker
    up, or a job lost on every worker it was tried on."""

    reason = "worker_error"


class RenderTimeout(JobFailed):
    """The job did not finish in time (it was cancelled on its worker)."""

    reason = "timeout"


class Interrupted(JobFailed):
    """The job was interrupted on its worker by someone else than its user (an operator's
    /interrupt)."""

    reason = "cancelled"


class QuotaExceeded(JobFailed):
    """The plan's daily images are used."""

    reason = "quota"


class Cancelled(Exception):
    """The user cancelled the job (not a failure: it ends with `image_cancelled`)."""

    def __init__(self, while_running: bool) -> None:
        super().__init__("cancelled by the user" + (" while running" if while_running else ""))
        self.while_running = while_running
