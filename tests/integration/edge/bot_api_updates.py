"""One update of every kind the Bot API can send (https://core.telegram.org/bots/api#update),
plus what Telegram sends that this code's aiogram cannot read (types newer than it, a
`hidden_user` origin without its name: aiogram #1840) and kinds no Bot API has yet.

`update_kinds(user, bot_id, base_id)` -> {name: update}. Every update is addressed to
`user` (and, where a chat is needed, their private chat), with ids from `base_id` up."""

from __future__ import annotations

import time
from typing import Any

#: kinds whose core this code cannot read: dead-lettered with the reason
UNREADABLE = frozenset({"unknown_kind", "unknown_kind_with_from", "message_without_chat"})
#: kinds that become a chat turn
TURNS = frozenset({"message", "message_forwarded_from_hidden_user",
                   "message_forwarded_from_a_future_origin"})


def update_kinds(user: int, bot_id: int, base_id: int) -> dict[str, dict[str, Any]]:
    now = int(time.time())
    me = {"id": user, "is_bot": False, "first_name": "Every", "language_code": "en"}
    bot = {"id": bot_id, "is_bot": True, "first_name": "Nectar", "username": "nectar_bot"}
    private = {"id": user, "type": "private", "first_name": "Every"}
    channel = {"id": -1001000000001, "type": "channel", "title": "News"}
    group = {"id": -1001000000002, "type": "supergroup", "title": "Friends"}

    def message(mid: int, **fields: Any) -> dict[str, Any]:
        return {"message_id": mid, "date": now, "chat": private, "from": me,
                **fields}

    member = {"status": "member", "user": me}
    left = {"status": "left", "user": me}
    kinds: dict[str, dict[str, Any]] = {
        "message": {"message": message(1, text="hello from every kind")},
        "message_forwarded_from_hidden_user": {"message": message(
            2, text="a forwarded note", forward_origin={"type": "hidden_user",
                                                        "date": 1422450181})},
        "message_forwarded_from_a_future_origin": {"message": message(
            3, text="forwarded from the future", forward_origin={
                "type": "story_of_2031", "date": now, "story": {"id": 1}})},
        "edited_message": {"edited_message": message(4, text="edited", edit_date=now)},
        "channel_post": {"channel_post": {"message_id": 5, "date": now, "chat": channel,
                                          "text": "news"}},
        "edited_channel_post": {"edited_channel_post": {
            "message_id": 5, "date": now, "chat": channel, "text": "news!",
            "edit_date": now}},
        "business_connection": {"business_connection": {
            "id": "bc1", "user": me, "user_chat_id": user, "date": now, "is_enabled": True,
            "rights": {"can_reply": True}}},
        "business_message": {"business_message": message(6, text="via business",
                                                         business_connection_id="bc1")},
        "edited_business_message": {"edited_business_message": message(
            7, text="via business, edited", business_connection_id="bc1", edit_date=now)},
        "deleted_business_messages": {"deleted_business_messages": {
            "business_connection_id": "bc1", "chat": private, "message_ids": [6, 7]}},
        "message_reaction": {"message_reaction": {
            "chat": private, "message_id": 1, "user": me, "date": now, "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "❤"}]}},
        "message_reaction_of_a_future_type": {"message_reaction": {
            "chat": private, "message_id": 1, "user": me, "date": now, "old_reaction": [],
            "new_reaction": [{"type": "hologram_2031", "id": "h1"}]}},
        "message_reaction_count": {"message_reaction_count": {
            "chat": channel, "message_id": 5, "date": now,
            "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 3}]}},
        "inline_query": {"inline_query": {"id": "iq1", "from": me, "query": "cats",
                                          "offset": ""}},
        "chosen_inline_result": {"chosen_inline_result": {"result_id": "r1", "from": me,
                                                          "query": "cats"}},
        "callback_query": {"callback_query": {
            "id": "cq-every-kind", "from": me, "chat_instance": "ci1",
            "data": "a-button-nobody-knows",
            "message": message(8, text="old menu")}},
        "shipping_query": {"shipping_query": {
            "id": "sq1", "from": me, "invoice_payload": "p",
            "shipping_address": {"country_code": "DE", "state": "", "city": "Berlin",
                                 "street_line1": "Str 1", "street_line2": "",
                                 "post_code": "10115"}}},
        "pre_checkout_query": {"pre_checkout_query": {
            "id": "pcq1", "from": me, "currency": "XTR", "total_amount": 250,
            "invoice_payload": "not-ours"}},
        "purchased_paid_media": {"purchased_paid_media": {"from": me,
                                                          "paid_media_payload": "pm"}},
        "poll": {"poll": {"id": "poll1", "question": "Cats?", "options": [
            {"persistent_id": "o0", "text": "yes", "voter_count": 1},
            {"persistent_id": "o1", "text": "no", "voter_count": 0}],
            "total_voter_count": 1, "is_closed": False, "is_anonymous": True,
            "type": "regular", "allows_multiple_answers": False, "allows_revoting": False,
            "members_only": False}},
        "poll_answer": {"poll_answer": {"poll_id": "poll1", "user": me,
                                        "option_ids": [0],
                                        "option_persistent_ids": ["o0"]}},
        "my_chat_member": {"my_chat_member": {
            "chat": group, "from": me, "date": now,
            "old_chat_member": {"status": "left", "user": bot},
            "new_chat_member": {"status": "member", "user": bot}}},
        "chat_member": {"chat_member": {"chat": group, "from": me, "date": now,
                                        "old_chat_member": left,
                                        "new_chat_member": member}},
        "chat_join_request": {"chat_join_request": {"chat": group, "from": me,
                                                    "user_chat_id": user, "date": now}},
        "chat_boost": {"chat_boost": {"chat": channel, "boost": {
            "boost_id": "b1", "add_date": now, "expiration_date": now + 86400,
            "source": {"source": "premium", "user": me}}}},
        "removed_chat_boost": {"removed_chat_boost": {
            "chat": channel, "boost_id": "b1", "remove_date": now,
            "source": {"source": "premium", "user": me}}},
        "unknown_kind": {"guest_message_2031": {"text": "hi from the future"}},
        "unknown_kind_with_from": {"managed_bot_2031": {"from": me, "note": "?"}},
        "message_without_chat": {"message": {"message_id": 9, "date": now, "from": me,
                                             "text": "where am I?"}},
    }
    return {name: {"update_id": base_id + i, **body}
            for i, (name, body) in enumerate(kinds.items())}
