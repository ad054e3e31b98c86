"""The edge's handlers, one module per concern (the routers of `nectar_edge.bot` follow the
same split):

- `commands`: /start, /help, /character, /reset, /language, /voice
- `images`: /image (progress message, Cancel) and media's answers (photo, progress,
  failure, cancellation)
- `chat`: text turns, the chat action, "text only"
- `payments`: /buy, invoices, pre-checkout, successful payments, /paysupport, refunds
- `delivery`: replies, apologies and voice notes sent to Telegram exactly once
- `plans`: the plan cache (billing's events)
- `updates`: Telegram updates from the bus, handled once

Update handlers take an `IncomingMessage` (built by the aiogram routers) and return the
events to publish; bus handlers take a contract event and return the events to publish.
Side effects go through the ports in `Deps`. `HANDLERS` at the bottom is everything the
edge consumes from the bus: `nectar_runtime.subscriptions("edge", HANDLERS, deps)` wires it.
"""

from __future__ import annotations

from nectar_contracts import (
    ImageCancelled,
    ImageFailed,
    ImageProgress,
    ImageReady,
    PlanChanged,
    ReplyFailed,
    ReplyReady,
    UpdateReceived,
    UserCreated,
    VoiceFailed,
    VoiceReady,
)
from nectar_runtime import Index, On

from nectar_edge.handlers.chat import (
    chat_action_for,
    explain_text_only,
    keep_showing,
    receive_text,
    show_typing,
    show_typing_soon,
)
from nectar_edge.handlers.commands import (
    character_keyboard,
    choose_character,
    choose_language,
    greet_user,
    language_keyboard,
    reset_conversation,
    set_voice_mode,
    show_help,
)
from nectar_edge.handlers.common import acknowledge, language_of, turn_id_for
from nectar_edge.handlers.delivery import (
    apologize_reply_failed,
    apologize_voice_failed,
    deliver,
    deliver_reply,
    deliver_voice,
    upsell_keyboard,
    upsell_of,
)
from nectar_edge.handlers.images import (
    apologize_image_failed,
    cancel_keyboard,
    confirm_image_cancelled,
    deliver_image,
    request_image,
    request_image_cancel,
    show_image_progress,
)
from nectar_edge.handlers.payments import (
    PreCheckout,
    StarsPayment,
    answer_pre_checkout,
    offer_plans,
    plan_keyboard,
    record_payment,
    refund_stars,
    send_invoice,
    show_payment_support,
)
from nectar_edge.handlers.plans import cache_plan
from nectar_edge.handlers.updates import handle_update

__all__ = [
    "HANDLERS", "PreCheckout", "StarsPayment", "acknowledge", "answer_pre_checkout",
    "apologize_image_failed", "apologize_reply_failed", "apologize_voice_failed",
    "cache_plan", "cancel_keyboard", "character_keyboard", "chat_action_for", "choose_character",
    "choose_language", "confirm_image_cancelled", "deliver", "deliver_image", "deliver_reply", "deliver_voice",
    "explain_text_only", "greet_user", "handle_update", "keep_showing", "language_keyboard",
    "language_of", "offer_plans", "plan_keyboard", "receive_text", "record_payment",
    "refund_stars", "request_image", "request_image_cancel", "reset_conversation", "send_invoice",
    "set_voice_mode", "show_help", "show_image_progress", "show_payment_support", "show_typing", "show_typing_soon",
    "turn_id_for", "upsell_keyboard", "upsell_of",
]

#: Everything the edge consumes, one durable consumer each (`edge-<event name>`: renaming
#: one would lose its messages on upgrade). Deliveries to users start from new messages (a
#: new consumer must not replay old replies to Telegram); the plan cache is a projection
#: and reads the whole stream.
HANDLERS: Index = {
    UpdateReceived: On(handle_update, "Handle a Telegram update: dedupe, middleware chain, "
                       "commands and turns"),
    ReplyReady: On(deliver_reply, "Send the reply to Telegram"),
    ReplyFailed: On(apologize_reply_failed, "Apologise for a reply that failed"),
    ImageReady: On(deliver_image, "Send the image as a photo"),
    ImageFailed: On(apologize_image_failed, "Tell the user the image failed"),
    ImageProgress: On(show_image_progress, "Show an image job's progress"),
    ImageCancelled: On(confirm_image_cancelled, "Confirm an image job was cancelled"),
    VoiceReady: On(deliver_voice, "Send the voice note"),
    VoiceFailed: On(apologize_voice_failed, "Tell the user the voice note failed"),
    PlanChanged: On(cache_plan, "Update the plan cache", deliver_all=True),
    UserCreated: On(cache_plan, "Seed the plan cache of a new user", deliver_all=True),
}
