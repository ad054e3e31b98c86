"""Provider safety overrides: chat path only.

Gemini's four adjustable harm categories default to BLOCK_MEDIUM_AND_ABOVE, which refuses
ordinary roleplay; `BLOCK_NONE` moves only those sliders (the non-negotiable filters stay
on). It is passed through OpenRouter in the request body, for models the routing file marks
`safety_off`, and only on chat calls: moderation, vision and summarization calls keep the
provider's filters.
"""

from __future__ import annotations

from typing import Any

SAFETY_CATEGORIES = (
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
)

#: the only purpose that may carry safety overrides
CHAT = "chat"


def safety_overrides(purpose: str, safety_off: bool) -> dict[str, Any]:
    """Extra request body for a call: the BLOCK_NONE settings on chat calls of marked models."""
    if purpose != CHAT or not safety_off:
        return {}
    return {"safety_settings": [{"category": c, "threshold": "BLOCK_NONE"}
                                for c in SAFETY_CATEGORIES]}
