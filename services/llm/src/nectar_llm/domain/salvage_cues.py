"""What out-of-character text sounds like, in the 17 supported languages.

Salvage (`salvage.py`) scores each sentence of a model output with these cues. None of them
alone says "refusal": a cue names one thing a sentence does, and the scoring combines them
with the sentence's place in the text (wrapped in brackets or italics, after a horizontal
rule, in another script or language than the story, at the end). The categories:

- `ai_identity`: the model naming itself ("As an AI", "как языковая модель", "AIとして").
- `ooc`: an out-of-character frame (OOC / HRP tags, "stepping out of character",
  a bracketed "[Note: ...]").
- `note_label`: an unbracketed "Note:" / "Disclaimer:" label opening the sentence.
- `policy_strong`: the model's content rules ("content policy", "my guidelines").
- `policy_weak`: rules that could also be a character's ("my principles").
- `policy_against`: "goes against", "violates" (strengthens `policy_weak`).
- `refuse_act`: first person, negated, with a verb of writing, continuing or assisting
  ("I can't continue", "не буду писать", "続けることはできません"), or a refusal habit
  ("I don't engage in this").
- `self_negation`: any first-person "I can't / I won't"; it only counts next to a
  `meta_strong` word ("I can't take the roleplay there").
- `limit`: "beyond what I can write", "超出了我能创作的范围".
- `meta_verb`: writing, describing, continuing: what a `decline` declines ("I'm not
  comfortable depicting that").
- `story_time`: tonight, today, tomorrow: a refusal verb with a time of day is a character's
  circumstance ("I can't write this chapter tonight"), not the model's limit.
- `deictic`: "this", "that", "such": what a `refuse_act` refuses, when it names no object.
- `meta_strong`: words about the exchange itself that a story rarely uses (roleplay,
  content, request, explicit, minors).
- `meta_weak`: words about the exchange a story may also use (scene, story, conversation,
  topic, direction, "in detail").
- `decline`: discomfort, preference or a line drawn ("I'm not comfortable",
  "I'd prefer to keep", "set a boundary", "doesn't sit right with me").
- `stop`: stopping, pausing or skipping the narration ("I'll stop here", "ここで止め",
  "I'll skip the rest").
- `topic_change`: "change the subject", "talk about something else".
- `talk_invite`: the assistant's "anything else you'd like to talk about?".
- `lets`: "let's", "давай", "lass uns" (weak: characters say it all the time).
- `redirect`: proposing something else ("instead", "how about they just ...").
- `normative`: "respectful", "appropriate", "PG".
- `user_address`: the assistant register ("if you'd like", "I'd be happy to").
- `wellbeing`: safety redirects (crisis line, a professional, someone you trust).
- `apology`: "sorry", "unfortunately" (weak: characters apologise too).
- `hedge`: an interjection opening a lead-in ("Hmm, ...").

Patterns are regular expressions matched case-insensitively against each sentence (quoted
dialogue blanked out), whatever the story's language: a disclaimer in a second language is
caught by its own language's cues. Scripts without word spacing (ja, zh, ko) and those whose
letters carry combining marks (hi) use no `\\b`; Hebrew and Arabic use explicit boundaries
and allow their one-letter prefixes.
"""

from __future__ import annotations

from collections.abc import Mapping

_A = r"(?:'|’)"  # apostrophe, straight or typographic
_DEV = r"\u0900-\u097F"  # Devanagari: `\b` breaks on its vowel signs

Cues = Mapping[str, tuple[str, ...]]

EN: Cues = {
    "assistant_offer": (
        r"\b(?:if you have|do you have|got) (?:any )?(?:other|more|further) questions\b",
        r"\bfeel free to ask\b", rf"\bdon{_A}?t hesitate to (?:ask|reach out|let me know)\b",
        r"\bis there anything else i can (?:help|do|assist)\b",
        r"\bhow (?:else )?can i (?:help|assist) you\b", r"\bwhat can i help you with\b",
        r"\bhappy to help with (?:anything|something) else\b",
        r"\b(?:anything|everything|something) else\b[^.!?\n]{0,30}\b(?:help|assist)\b",
        r"\bhelp with anything else\b",),
    "further": (r"\b(?:any further|further|anymore|any more|beyond this point|past this point)\b",),
    "limit": (
        r"\b(?:beyond|outside|exceeds?|past) (?:what|the (?:scope|limits) of what) i (?:can|am able "
        r"to|" + _A + r"m able to|could) (?:write|create|produce|generate|help with|depict|describe|"
        r"do here)\b",),
    "meta_verb": ((r"\b(?:writ(?:e|ing)|describ\w*|depict\w*|continu\w*|portray\w*|narrat\w*|"
                  r"go(?:ing)? there|tak(?:e|ing) (?:this|it|the story))\b"),),
    "story_time": ((r"\b(?:tonight|today|tomorrow|yesterday|this (?:morning|evening|afternoon)|"
                   r"anymore|these days)\b"),),
    "ai_identity": (
        (r"\bas an? (?:ai|a\.i\.|artificial intelligence|(?:large )?language model|llm|"
        r"ai (?:language )?model|ai(?:-powered)? assistant|ai chatbot|chatbot|"
        r"virtual assistant)\b"),
        (rf"\bi{_A}?(?:m| am) (?:just |only |merely )?an? (?:[\w-]+ )?(?:ai|language model|"
        r"ai assistant|chatbot|large language model|artificial intelligence)\b"),
        rf"\b(?:being|since i{_A}?m|because i{_A}?m) an? (?:ai|language model)\b",
        (rf"\bi{_A}?(?:m| am| was) (?:designed|programmed|built|trained|made) to (?:be )?"
        r"(?:helpful|harmless|assist|avoid|follow)\b"),
        rf"\bi{_A}?(?:m| am) (?:claude|chatgpt|gemini|llama|qwen|mistral|copilot)\b",
        (r"\b(?:made|built|developed|trained|created) by (?:anthropic|openai|google|meta|mistral|"
        r"alibaba)\b"),
        r"\b(?:since|because|as) i(?:'|’)?(?:m| am) an? (?:[\w-]+ )?(?:ai|language) model\b",),
    "ooc": (
        r"\bo\.?o\.?c\b", r"\bout of character\b",
        (r"\b(?:step(?:ping|ped)?|break(?:ing)?|com(?:e|ing)|going|stepping away) "
        r"(?:briefly )?out of (?:character|(?:the |our )?(?:role-?play|rp|story|scene|"
        r"fiction))\b"),
        r"\bbreak(?:ing)? character\b",
        r"\bbreak(?:ing)? (?:away )?from (?:the |our )?(?:role-?play|rp|story|scene)\b",
        (r"\bstep(?:ping)? (?:outside|out of|away from) (?:the |our |this )?(?:story|role-?play|rp|"
        r"scene|fiction)\b"),
        (rf"[\[(【（]\s*(?:a/n|author{_A}?s note|note|disclaimer|content (?:note|warning)|"
        rf"system(?: note)?|narrator{_A}?s note|editor{_A}?s note|meta)\s*[:：\-—]")),
    "note_label": (rf"^\W*(?:note|disclaimer|content warning|a/n|author{_A}?s note)\s*[:：]",),
    "policy_strong": (
        (r"\b(?:content|usage|safety|community|acceptable use) (?:guidelines|polic(?:y|ies)|"
        r"rules|standards|filters?)\b"),
        r"\bterms of (?:service|use)\b",
        r"\bmy (?:content |safety |usage )?(?:guidelines|polic(?:y|ies))\b",
        (r"\bthe (?:guidelines|rules|polic(?:y|ies)) i (?:follow|operate under|have to follow|"
        r"must follow)\b"),
        r"\bcontent rules\b",),
    "policy_weak": (
        (r"\bmy (?:programming|principles|values|ethical guidelines|rules|limits|"
        r"boundaries)\b"), r"\bethical guidelines\b"),
    "policy_against": (
        (rf"\b(?:goes against|go against|against my|violates?|would violate|breach(?:es)?|"
        rf"outside (?:of )?(?:my|the)|not (?:in line|aligned|allowed) (?:with|by)|"
        rf"doesn{_A}?t comply|does not comply)\b"),),
    "refuse_act": (
        (rf"\bi(?:\s+(?:really|simply|just|truly|unfortunately|honestly|still|now|definitely|"
        rf"also))?\s*(?:can{_A}?t|cannot|can not|won{_A}t|will not|{_A}m not able to|"
        rf"am not able to|{_A}m unable to|am unable to|{_A}m not going to|am not going to|"
        rf"shouldn{_A}t|should not|must not|{_A}m not allowed to|am not allowed to|"
        rf"{_A}m not permitted to|don{_A}t think i (?:can|should)|{_A}m not in a position to|"
        rf"am not in a position to|{_A}ll have to pass on|won{_A}t be able to|"
        r"will not be able to)\s+(?:\w+\s+){0,2}?(?:continu\w*|proceed\w*|writ(?:e|ing)|"
        r"generat\w*|produc\w*|creat\w*|depict\w*|describ\w*|portray\w*|narrat\w*|"
        r"role-?play\w*|engag\w*|participat\w*|assist\w*|help(?=\s+(?:you\s+)?with\b)|"
        r"fulfil\w*|comply|provid\w*|go (?:any )?further with|go (?:on )?with|"
        r"tak(?:e|ing) (?:this|it|the (?:story|scene|roleplay|rp|conversation)) (?:any )?"
        r"(?:further|there|where|in that direction|that way|down that)|go there|"
        r"keep writing|play along)"),
        r"\bi (?:can" + _A + r"?t|cannot|won" + _A + r"?t|will not) go (?:any )?further (?:with|in) "
        r"(?:this|the|that|our)\b",
        (rf"\b(?:that{_A}?s|that is|this is|it{_A}?s|it is) not something i (?:can|could|am able "
        rf"to|{_A}m able to|will) (?:help with|assist with|write|do|provide|create)\b"),
        (rf"\bi{_A}?(?:m| am) not comfortable (?:with )?(?:continu|writ|depict|describ|go|tak|"
        r"engag|roleplay|portray)\w*"),
        (rf"\bi (?:don{_A}?t|do not) (?:engage (?:in|with)|write|participate in|produce|"
        r"create|generate|take part in|do) (?:this|that|these|such|any|content|scenes|"
        r"stories|roleplay|explicit|sexual)")),
    "self_negation": (
        (rf"\bi(?:\s+(?:can{_A}?t|cannot|won{_A}t|will not|am not able to|am unable to|"
        rf"am not going to|shouldn{_A}t)|{_A}m (?:not able to|unable to|not going to))\b"),),
    "deictic": ((r"(?<!like )\b(?:this|that|it|such|these|those|anything like|any further|"
                r"further|any more|anymore|the rest|here)\b"),),
    "meta_strong": (
        (r"\b(?:role-?play(?:ing)?|rp|content|material|request|prompt|explicit|sexual(?:ly)?|"
        r"nsfw|minors?|underage|self-harm|(?:kind|type|sort) of (?:thing|content|scene|story))"
        r"\b"),),
    "meta_weak": (
        (r"\b(?:scene|scenario|story(?:line)?|plot(?:line)?|narrative|conversation|chat|"
        r"discussion|topic|subject|direction|fiction|themes?|graphic|violence|gore|suicide|"
        r"in (?:such )?detail)\b"),),
    "decline": (
        (rf"\bi{_A}?(?:m| am) (?:really |truly |honestly |just |genuinely |not really |"
        r"still )?not (?:really |entirely |fully |quite )?(?:comfortable|willing)\b"),
        rf"\bi (?:don{_A}?t|do not) feel (?:comfortable|right|okay|good about)\b",
        rf"\b(?:doesn{_A}?t|does not|wouldn{_A}?t) (?:feel right|sit (?:right|well))\b",
        (rf"\bi(?:{_A}d| would) (?:rather|prefer) (?:not|to keep|to stay away|we keep|that we keep|"
        r"to steer|to leave|to avoid|to pause|to stop|keeping)\b"),
        (rf"\bi(?:\s+(?:must|have to|need to|will have to)|{_A}ll have to) (?:respectfully |"
        r"politely )?(?:decline|pass)\b"),
        (rf"\b(?:isn{_A}t|is not|not) (?:something|a direction|somewhere|a place) i"
        rf"(?:{_A}m| am)? (?:can|able|comfortable|will|do|going|feel|want|willing)"),
        r"\bcross(?:es|ing)? (?:a|the|my) (?:line|boundar\w+)\b",
        r"\bi can only (?:write|create|generate|help with|produce|continue|do)\b",
        r"\b(?:draw|set) (?:a|the|some) (?:line|boundary|boundaries)\b",
        rf"\ba line i (?:won{_A}?t|will not|don{_A}?t|do not|can{_A}?t|cannot) cross\b",
        r"\bmakes? me (?:uncomfortable|uneasy)\b", r"\bi(?:'m| am) uneasy\b",
        (rf"\bi(?:{_A}d| would) (?:like|love|prefer) to (?:keep|take|steer|move) (?:the story|"
        r"things|this|it|our story|the roleplay) (?:in a|toward|towards|somewhere|lighter|"
        r"gentler|warmer|more)\b"),
        (rf"\bi(?:{_A}d| would) (?:like|love|prefer|rather) (?:to )?(?:keep|stay|have) (?:our|the|"
        r"this|things) (?:\w+ ){0,2}?(?:on the|in a|more|light|wholesome|friendly|sweet|gentle|"
        r"clean|safe|respectful)\b"),
        r"\bi want to keep (?:our|the|this|things)\b",
        r"\bi(?:(?:'|’)d| would) rather we (?:kept|keep|stayed|stay with)\b",
        r"\bi(?:(?:'|’)d| would) prefer to (?:take|steer|lead|keep) (?:our|the) (?:story|roleplay)\b",),
    "stop": (
        rf"\bi{_A}?(?:m|ll|ve)? (?:going to |gonna )?(?:have to|need to|must) stop you there\b",
        (rf"\b(?:i(?:{_A}ll| will|{_A}m going to| am going to| need to| have to| must|{_A}ve| "
        rf"think i (?:need|should|have) to|{_A}d like to| want to|{_A}m| am)?|let me|"
        rf"let{_A}?s|we(?:{_A}ll| will| need to| should| have to)) ?(?:stop|pause|end|ended|"
        r"stopping|pausing|ending|leave|leaving|cut|wrap)\b[^.!?\n]{0,30}?\b(?:here|"
        r"there|now|at this point|the (?:story|scene|roleplay|rp|narrative|conversation)|"
        r"this (?:scene|story|roleplay)|for a (?:moment|second))\b"),
        r"\blet me (?:stop|pause) (?:here|there)\b",
        r"\bi (?:think i )?(?:should|need to|had better) (?:stop|pause) (?:here|there|now)\b",
        r"\b(?:pause|stop|end) the (?:story|scene|roleplay|rp)\b",
        r"\bstep(?:ping)? back from (?:this|the) (?:scene|story|roleplay|rp)\b",
        (r"\b(?:paus(?:e|ing)|stop(?:ping)?|halt(?:ing)?|end(?:ing)?) (?:our|the|this) "
        r"(?:story|roleplay|rp|scene|chat|game)\b"),
        rf"\bi{_A}?(?:m| am) (?:going to )?(?:gently )?(?:step(?:ping)? in|jump(?:ing)? in) here\b",
        (rf"\b(?:this|that){_A}?s? (?:is )?where i (?:have to|need to|must|{_A}ll|will|should) "
        r"(?:stop|pause|end it|leave it)\b"),
        (rf"\b(?:i{_A}ll |i will |i{_A}m going to |let me )?(?:skip(?:ping)? (?:over|ahead|the "
        r"(?:rest|details|explicit))|omit(?:ted|ting)? (?:the|that|this|what)|gloss over)\b"),
        rf"\b(?:i{_A}ll |i will )?leave (?:it|that|things) (?:there|at that)\b",
        r"\b(?:pump|hit|tap|put on) the brakes\b",
        r"\bslow (?:things|this) down\b",),
    "topic_change": (
        r"\bchange (?:the )?(?:subject|topic)\b", r"\b(?:talk|chat) about something else\b",
        r"\bswitch (?:topics|gears)\b", r"\bmove on to (?:something|another)\b",
        r"\bsomething else to talk about\b",
        r"\b(?:talk|chat) about something different\b",),
    "talk_invite": (
        (rf"\b(?:you(?:{_A}d| would) like|you want|you(?:{_A}d| would) prefer|you wish) to "
        r"(?:talk|chat) about\b"),
        rf"\banything else (?:you(?:{_A}d| would) like to|to) (?:chat|talk) about\b",
        r"\bwhat else (?:would you like|do you want|is on your mind)\b",
        rf"\banything else (?:on your mind|i can help|you(?:{_A}d| would) like)\b",
        rf"\bis there (?:something|anything) (?:else )?(?:i can|you(?:{_A}d| would) like)\b"),
    "lets": (rf"\blet{_A}?s\b", r"\blet us\b", r"\bwe should (?:keep|stay|probably keep)\b"),
    "redirect": (
        r"\b(?:something|anything|someone) else\b",
        (r"\b(?:another|a different|other) (?:topic|subject|direction|scene|storyline|story|"
        r"plot|idea|path)\b"),
        r"\bsteer\b", r"\bsomewhere (?:else|gentler)\b",
        r"\binstead\b", r"\bhow about (?:we|a|something|if|they)\b",
        r"\bwhat if (?:we|they)\b", r"\b(?:maybe|perhaps) (?:we|they) (?:could|can|just)\b",
        r"\bpick (?:it |things |the story )?(?:up|back up)\b", r"\b(?:fades?|cuts?) to black\b",
        rf"\blet{_A}?s (?:keep|stay|move on|get back|go back|return|focus)\b",
        r"\bbut i (?:can|could) (?:write|offer|do)\b",),
    "normative": (
        (r"\b(?:respectful|appropriate|inappropriate|pg(?:-13)?|sfw|family-friendly|tasteful|"
        r"wholesome|light and friendly|comfortable for (?:both|everyone)|friendly between us|"
        r"keep (?:things|it) (?:friendly|light|kind|civil))\b"),),
    "user_address": (
        (rf"\b(?:you(?:{_A}d| would) like|would you like|if you(?:{_A}d like| want| prefer| wish)|"
        rf"let me know|feel free|i understand(?: that)? you|i appreciate|your request|"
        rf"i(?:{_A}m| am| would be|{_A}d be) (?:happy|glad|more than happy) to|happy to help|"
        r"here to help|can i help|help you with)\b"),),
    "wellbeing": (
        (rf"\b(?:crisis (?:line|hotline|text line)|hotline|helpline|help line|therapist|"
        r"counsel(?:l)?or|mental health|professional help|a professional|someone you trust|"
        rf"reach out|988|samaritans|check in (?:with|on) you|you{_A}?re not alone)\b"),),
    "apology": (
        (rf"\b(?:i{_A}?(?:m| am) (?:so |really |truly |very )?sorry|sorry|i apologi[sz]e|"
        rf"apologies|unfortunately|i{_A}?(?:m| am) afraid)\b"),),
}

RU: Cues = {
    "assistant_offer": (
        r"\bесли у (?:тебя|вас) (?:есть|будут|появятся) (?:другие|ещё|еще) вопросы\b",
        r"\bне стесняйся(?:те)? (?:спрашивать|спросить|задавать)\b", r"\bобращайся(?:тесь)?\b",
        r"\bчем ещё (?:я )?могу помочь\b", r"\bчем (?:я )?могу (?:тебе |вам )?помочь\b",
        r"\bс (?:чем-то|чем-нибудь) (?:другим|ещё)\b[^.!?\n]{0,20}\bпомогу\b",),
    "further": (r"\b(?:дальше|далее|больше не)\b",),
    "limit": (r"\bза рамки (?:того,? )?что я (?:могу|в состоянии)",
              r"\bвыходит за (?:рамки|пределы) (?:моих|того)",),
    "meta_verb": ((r"\b(?:писать|написать|описывать|описать|продолжать|продолжить|изображать|"
                  r"развивать)\b"),),
    "story_time": (r"\b(?:сегодня|завтра|вчера|этой ночью|сегодня вечером|больше не)\b",),
    "ai_identity": (
        (r"\bкак (?:ии|ai|искусственный интеллект|языковая модель|ии-ассистент|ассистент на "
        r"основе ии|нейросеть|модель ии|чат-бот)\b"),
        (r"\bя (?:всего лишь |лишь |просто )?(?:\w+ )?(?:ии|языковая модель|искусственный интеллект|"
        r"нейросеть|чат-бот|ии-ассистент)\b"),
        r"\bбудучи (?:ии|языковой моделью|искусственным интеллектом)\b",
        r"\b(?:поскольку|так как|раз) я (?:\w+ )?(?:модель ии|ии-модель|языковая модель)\b",),
    "ooc": (
        r"\bвне роли\b",
        (r"\b(?:выхожу|выйду|выйти|выходя|выйдем) (?:ненадолго |на (?:минуту|секунду|минутку) )?"
        r"из (?:роли|образа|персонажа|ролевой игры|истории)\b"),
        r"[\[(]\s*(?:примечание|прим\.|заметка|дисклеймер|note)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:примечание|заметка|дисклеймер)\s*:",),
    "policy_strong": (
        r"\bправил\w* (?:о|по|относительно|касательно) (?:контент\w*|содержани\w*|материал\w*)",
        (r"\b(?:политик\w*|правил\w*|ограничени\w*) (?:контента|использования|безопасности|"
        r"платформы|сервиса)\b"),
        r"\bправил\w*,? (?:которым|которых) я (?:следую|придерживаюсь)",
        r"\bправила (?:по )?контента\b",),
    "policy_weak": (
        (r"\b(?:мои\w*|моим|моих) (?:правил\w*|принцип\w*|ограничени\w*|руководящ\w* "
        r"принцип\w*)"),),
    "policy_against": (
        (r"\b(?:противоречит|нарушает|нарушило бы|нарушит|идёт вразрез|выходит за рамки|"
        r"не соответствует)\b"),),
    "refuse_act": (
        (r"\bя\s+(?:\w+\s+){0,2}?(?:не (?:могу|буду|стану|смогу|в состоянии|готова|готов|"
        r"имею права|должна|должен))\s+(?:\w+\s+){0,2}?(?:продолж|помо[гч]|выполн|созда|"
        r"напис|писать|сгенерир|генерир|предостав|участв|описа|описыв|развива|обсужда|"
        r"поддерж|изобра|отыгр)\w*"),
        (r"(?:продолжать|продолжить|писать|написать|описывать|описать|развивать|генерировать|"
        r"создавать|участвовать|помогать|помочь|изображать)\s+(?:[\w-]+\s+){0,6}?(?:я )?не "
        r"(?:буду|могу|стану|смогу|готова|готов)"),
        (r"(?:^|[.!?]\s+)не (?:могу|буду|стану|смогу)\s+(?:\w+\s+){0,2}?(?:продолж|помо|напис|"
        r"писать|опис|созда|развива)"),
        (r"\bя не (?:пишу|участвую|создаю|описываю|генерирую|занимаюсь)\s+(?:в |подобн\w*|"
        r"так\w*|эт\w*|откровенн\w*|контент\w*|сцен\w*)"),
        r"\b(?:описывать|писать)\s+(?:\w+\s+){0,3}?(?:я )?не (?:буду|стану)\b"),
    "self_negation": (
        (r"\bя\b[^.!?\n]{0,40}?\bне (?:могу|буду|стану|смогу|поведу|продолжу|напишу|"
        r"готова|готов)\b"),
        r"(?:^|[.!?]\s+)не (?:могу|буду|стану|смогу)\b"),
    "deictic": (
        (r"\b(?:это\w*|эт(?:у|а|и|от|ой|им|их)|такое|такой|таком|такие|подобн\w*|дальше|"
        r"далее|здесь|тут|продолжени\w*)\b"),),
    "meta_strong": (
        (r"\b(?:ролев\w*|контент\w*|материал\w*|запрос\w*|откровенн\w*|сексуальн\w*|"
        r"эротическ\w*|несовершеннолетн\w*)\b"),),
    "meta_weak": (
        (r"\b(?:сцен\w*|сценари\w*|истори\w*|сюжет\w*|повествовани\w*|содержани\w*|"
        r"разговор\w*|бесед\w*|переписк\w*|диалог\w*|чат\w*|просьб\w*|тем(?:а|е|у|ы|ой)|"
        r"направлени\w*|насили\w*|подробн\w*|в деталях)\b"),),
    "decline": (
        (r"\bмне (?:правда |честно |действительно |очень |совсем |как-то )?(?:не )?(?:очень |"
        r"совсем )?(?:некомфортно|неуютно|неловко|не по себе|не хочется)\b"),
        (r"\bмне бы хотелось,? чтобы\b[^.!?\n]{0,40}?\b(?:оставал\w*|был\w*) (?:\w+ )?"
        r"(?:добр\w*|светл\w*|лёгк\w*|легк\w*|прилич\w*|дружеск\w*)"),
        r"\bмне не (?:очень |совсем )?комфортно\b",
        (r"\bя (?:бы )?(?:предпочла|предпочёл|предпочел|предпочту) (?:бы )?(?:не|оставить|"
        r"сохранить|держать|сохранять)"),
        r"\bя бы не (?:хотела|хотел|стала|стал)\b",
        r"\b(?:провести|обозначить|провожу|обозначу) (?:черту|границу)\b",
        r"\bя (?:вынуждена|вынужден) (?:отказаться|отказать)",
        r"\bя бы предпочла?,? чтобы\b",
        r'\bэто не то,? что я (?:могу|стану|буду)\b',),
    "stop": (
        (r"\b(?:остановлюсь|остановиться|прервусь|прерваться|прервать|закончу|закончить|"
        r"приостановить)\b[^.!?\n]{0,30}?(?:здесь|тут|на этом|историю|сцену|ролевую|игру)"),
        (r"\b(?:здесь|тут|на этом) (?:я )?(?:остановлюсь|закончу|прервусь|вынуждена прерваться|"
        r"придётся остановиться|придется остановиться)"),
        r"\b(?:здесь|тут) (?:\w+ )?(?:остановиться|прерваться|остановлюсь)\b",
        (r"\b(?:придётся|придется|должна|должен|нужно|стоит|вынуждена|вынужден) (?:\w+ )?"
        r"(?:остановиться|прерваться)\b"),
        r"\b(?:опущу|пропущу|опускаю|пропускаю|оставлю (?:это |всё )?за кадром)\b",
        r"\b(?:ставлю|поставлю|поставить) (?:нашу |эту )?(?:историю|игру|ролевую игру|сцену) на паузу\b",
        r"\b(?:прерываю|прерву|приостанавливаю) (?:нашу |эту )?(?:историю|игру|сцену)\b",
        r"\bпритормозить\b",),
    "topic_change": (
        r"\b(?:сменим|сменить|поменяем|поменять|смене) тем\w*",
        r"\bпоговорим о (?:ч[её]м)-(?:нибудь|то) другом\b", r"\bдругую тему\b"),
    "talk_invite": (
        (r"\b(?:о ч[её]м|что) (?:ещё|еще|бы) (?:тебе|вам) (?:хотелось бы|хочется) "
        r"(?:поговорить|обсудить)"),
        r"\bхотел(?:а|и)? бы (?:ты |вы )?поговорить\b", r"\bпоговорим о ч[её]м-нибудь\b",
        r'\bчем (?:ещё|еще) (?:ты )?(?:хочешь|хотите|хотела бы|хотел бы) (?:заняться|поговорить)',),
    "lets": (r"\bдавай(?:те)?\b",),
    "redirect": (
        r"\b(?:о|про) (?:чём|чем|что)-?(?:нибудь|то)? (?:друг\w*|ещё|еще)\b",
        (r"\b(?:друг(?:ую|ой|ие|ая|ом)|ин(?:ую|ой|ое|ом)) (?:тем\w*|направлени\w*|сюжет\w*|"
        r"сцен\w*|вариант\w*)\b"),
        (r"\bдавай(?:те)? (?:лучше|сохраним|сохранять|оставим|вернёмся|вернемся|перенесёмся|"
        r"перенесемся|продолжим с|выберем|повернём|повернем)\b"),
        r"\bвместо этого\b", r"\bможет,? (?:они|мы) (?:просто|лучше)\b",
        r"\bно (?:могу|могла бы|мог бы) (?:написать|предложить)\b",),
    "normative": (
        (r"\b(?:уважительн\w*|уважени\w*|прилич\w*|уместн\w*|неуместн\w*|корректн\w*|"
        r"дружелюбн\w*|допустим\w*|в дружеском|по-дружески)\b"),),
    "user_address": (
        (r"(?:если (?:ты )?(?:хочешь|захочешь)|если (?:вы )?(?:хотите|захотите)|дай(?:те)? знать|"
        r"я понимаю,? что (?:ты|вы)|с радостью помогу|буду рада помочь|буду рад помочь|"
        r"твой запрос|ваш запрос|о ч[её]м (?:ещё|еще) (?:тебе|вам))"),),
    "wellbeing": (
        (r"\b(?:телефон\w* доверия|горяч\w* лини\w*|психолог\w*|специалист\w*|"
        r"психологическ\w* помощ\w*|обратись|обратитесь|кем-то близким|кем-то из близких)\b"),),
    "apology": (
        (r"\b(?:извините|извини|прости(?:те)?|к сожалению|мне жаль|увы|прошу прощения|"
        r"сожалею)\b"),),
}

UK: Cues = {
    "assistant_offer": (
        r"\bякщо (?:у тебе|у вас|маєш|маєте) (?:є )?(?:інші|ще) запитання\b",
        r"\bне соромся (?:питати|запитати)\b", r"\bзвертайся\b", r"\bчим ще (?:я )?можу допомогти\b",
        r"\bз чимось іншим\b[^.!?\n]{0,20}\bдопоможу\b",),
    "further": (r"\b(?:далі|більше не)\b",),
    "limit": (r"\bза межі (?:того,? )?що я (?:можу|здатна|здатний)",),
    "meta_verb": ((r"\b(?:писати|написати|описувати|описати|продовжувати|продовжити|"
                  r"зображати|розвивати)\b"),),
    "story_time": (r"\b(?:сьогодні|завтра|вчора|цієї ночі|більше не)\b",),
    "ai_identity": (
        r"\bяк (?:ші|ai|штучний інтелект|мовна модель|ші-асистент|асистент ші|чат-бот)\b",
        r"\bя (?:лише |просто )?(?:\w+ )?(?:ші|мовна модель|штучний інтелект)\b",
        r"\b(?:оскільки|бо|раз) я (?:\w+ )?(?:модель ші|ші-модель|мовна модель)\b",),
    "ooc": (
        (r"\b(?:виходжу|вийду|вийти|виходячи) (?:ненадовго |на (?:хвилинку|хвилину|секунду) )?"
        r"з (?:ролі|образу|персонажа|рольової гри)\b"),
        r"[\[(]\s*(?:примітка|прим\.|нотатка|note)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:примітка|нотатка)\s*:",),
    "policy_strong": (
        r"\bправил\w* щодо (?:контенту|вмісту|змісту)",
        r"\b(?:політик\w*|правил\w*) (?:контенту|вмісту|використання|безпеки|платформи)\b",
        r"\bправил\w*,? (?:яких|котрих) я (?:дотримуюсь|дотримуюся)",
        r"\bправила щодо вмісту\b",),
    "policy_weak": (r"\b(?:мо\w*) (?:правил\w*|принцип\w*|настанов\w*|обмежен\w*)",),
    "policy_against": (r"\b(?:суперечить|порушує|порушувало б|порушить|виходить за межі)\b",),
    "refuse_act": (
        (r"\bя\s+(?:\w+\s+){0,2}?не (?:можу|буду|стану|зможу|в змозі|готова|готовий)\s+"
        r"(?:[\w'’]+\s+){0,2}?(?:продовж|допомог|викона|створ|напис|писати|згенер|нада|участ|"
        r"опис|розвива|обговорю|зображ)\w*"),
        (r"(?:продовжувати|продовжити|писати|написати|описувати|описати|розвивати|створювати|"
        r"допомагати|допомогти)\s+(?:[\w'’-]+\s+){0,6}?(?:я )?не (?:буду|можу|стану|зможу|готова|готовий)"),
        (r"(?:^|[.!?]\s+)не (?:можу|буду|стану)\s+(?:\w+\s+){0,2}?(?:продовж|допомог|напис|"
        r"писати|опис|створ)"),
        r"\bне (?:писатиму|продовжуватиму|описуватиму|створюватиму)\b",
        (r"\bя не (?:пишу|беру участі|створюю|описую|генерую)\s+(?:в |подібн\w*|так\w*|ц\w*|"
        r"відверт\w*|контент\w*|сцен\w*)")),
    "self_negation": (
        (r"\bя\b[^.!?\n]{0,40}?\bне (?:можу|буду|стану|зможу|поведу|продовжу|напишу|готова|"
        r"готовий)\b"),
        r"(?:^|[.!?]\s+)не (?:можу|буду|стану|зможу)\b"),
    "deictic": (
        (r"\b(?:це\w*|ц(?:ю|ей|ього|ій|і|им)|таке|такий|такому|подібн\w*|далі|тут|"
        r"продовженн\w*)\b"),),
    "meta_strong": (
        (r"\b(?:рольов\w*|контент\w*|вміст\w*|запит\w*|відверт\w*|сексуальн\w*|"
        r"неповнолітн\w*)\b"),),
    "meta_weak": (
        (r"\b(?:сцен\w*|сценар\w*|істор\w*|сюжет\w*|зміст\w*|розмов\w*|бесід\w*|діалог\w*|чат\w*|"
        r"прохан\w*|тем(?:а|и|у|і|ою)|напрям\w*|насильств\w*|детальн\w*|докладн\w*)\b"),),
    "decline": (
        (r"\bмені (?:справді |чесно |дуже |зовсім )?(?:не )?(?:дуже |зовсім )?(?:некомфортно|"
        r"незручно|ніяково|не хочеться)\b"),
        (r"\bмені б хотілося,? щоб\b[^.!?\n]{0,40}?\b(?:залишал\w*|бул\w*) (?:\w+ )?"
        r"(?:добр\w*|світл\w*|легк\w*|пристойн\w*|дружн\w*)"),
        r"\bя б (?:не хотіла|не хотів|воліла|волів)\b",
        r"\b(?:провести|позначити) (?:межу|риску)\b",
        r"\bя б воліла?,? щоб\b",
        r'\bце не те,? що я (?:можу|стану|буду)\b',),
    "stop": (
        (r"\b(?:зупинюся|зупинитися|зупинитись|перерву|перервати|закінчу)\b[^.!?\n]{0,30}?"
        r"(?:тут|на цьому|історію|сцену|гру)"),
        r"\b(?:тут|на цьому) (?:я )?(?:зупинюся|закінчу|мушу зупинитися)",
        r"\bтут (?:\w+ )?(?:зупинитися|зупинитись|зупинюся)\b",
        (r"\b(?:доведеться|мушу|треба|варто|змушена|змушений) (?:\w+ )?(?:зупинитися|зупинитись|"
        r"перерватися)\b"),
        r"\b(?:пропущу|опущу|пропускаю|залишу (?:це |все )?за кадром)\b",
        r"\b(?:ставлю|поставлю|поставити) (?:нашу |цю )?(?:історію|гру|рольову гру|сцену) на паузу\b",
        r"\b(?:перериваю|перерву|призупиняю) (?:нашу |цю )?(?:історію|гру|сцену)\b",
        r"\bпригальмувати\b",),
    "topic_change": (
        r"\b(?:змінимо|змінити|поміняймо|зміну) тем\w*", r"\bпоговоримо про щось інше\b",
        r"\bіншу тему\b"),
    "talk_invite": (
        r"\bхотілося б (?:поговорити|обговорити)\b", r"\b(?:про що|що) (?:ще|інше) (?:тобі|вам)\b",
        r"\bпоговоримо про щось\b",
        r'\bчим ще (?:ти )?(?:хочеш|хочете) (?:зайнятися|поговорити)',),
    "lets": (r"\bдавай(?:те)?\b",),
    "redirect": (
        r"\b(?:про|щодо) (?:щось|що-небудь) (?:інше|ще)\b",
        r"\b(?:інш\w*) (?:тем\w*|напрям\w*|бік|сюжет\w*|сцен\w*)\b",
        (r"\bдавай(?:те)? (?:краще|збережемо|зберігати|залишимо|повернемося|перенесемося|"
        r"продовжимо з|оберемо|повернемо)\b"),
        r"\bзамість цього\b", r"\bможе,? (?:вони|ми) (?:просто|краще)\b",
        r"\bале (?:можу|могла б|міг би) (?:написати|запропонувати)\b",),
    "normative": (
        (r"\b(?:шаноблив\w*|поваг\w*|пристойн\w*|доречн\w*|недоречн\w*|дружньому тоні|"
        r"дружелюбн\w*|по-дружньому)\b"),),
    "user_address": (
        (r"(?:якщо (?:ти )?(?:хочеш|захочеш)|якщо (?:ви )?хочете|дай(?:те)? знати|"
        r"я розумію,? що (?:ти|ви)|охоче допоможу|про що (?:ще|інше) (?:тобі|вам))"),),
    "wellbeing": (
        (r"\b(?:лінії? довіри|гаряч\w* лін\w*|психолог\w*|фахів\w*|звернися|зверніться|"
        r"з кимось близьким)\b"),),
    "apology": (r"\b(?:вибач(?:те)?|пробач(?:те)?|на жаль|мені шкода|перепрошую)\b",),
}

JA: Cues = {
    "assistant_offer": (r"(?:ほかに|他に)(?:ご質問|質問|何か)(?:があれば|がございましたら)",
                        r"(?:気軽に|遠慮なく)(?:聞いて|お尋ね|ご質問)", r"何かお手伝いできることは",
        r"ほかのこと(?:なら|でしたら)",),
    "further": (r"(?:これ以上|この先|先へ)",),
    "limit": (r"(?:書ける|作れる|対応できる|描ける|扱える)範囲を(?:超え|越え)",
              r"(?:私|わたし)の(?:能力|対応)(?:の)?範囲(?:外|を超え)",),
    "meta_verb": (r"(?:書く|描く|描写する|続ける|表現する)",),
    "story_time": (r"(?:今夜|今晩|今日|明日|昨日|今朝)",),
    "ai_identity": (
        r"(?:ai|ＡＩ|人工知能|言語モデル|aiアシスタント|チャットボット)として",
        (r"(?:私|わたし)は(?:[^。、]{0,12}の)?(?:ai|ＡＩ|人工知能|言語モデル)(?:です|なので|であり|"
        r"に(?:すぎ|過ぎ))"),
        r"(?:私|わたし)は(?:ai|ＡＩ)モデル",
        r"aiモデルなので",),
    "ooc": (
        r"ｏｏｃ", r"キャラ(?:クター)?を(?:離れ|外れ|崩)", r"(?:ロールプレイ|物語|役)から(?:離れ|外れ)",
        r"[【\[（(]\s*(?:※\s*)?(?:注|注意|補足|メモ|お知らせ)\s*[:：]", r"^[\s　]*※\s*注?\s*[:：]"),
    "note_label": (r"^\W*(?:注|注意|補足)\s*[:：]",),
    "policy_strong": (
        r"(?:コンテンツ|利用|安全)(?:ポリシー|ガイドライン|規約|方針)", r"利用規約",
        r"(?:私|わたし)の(?:ガイドライン|ポリシー|方針)",
        r"(?:ガイドライン|ポリシー|規約)に(?:反|違反|抵触|沿わな)",
        r"コンテンツの(?:ルール|規則)",),
    "policy_weak": (r"(?:私|わたし)の(?:原則|ルール|価値観)",),
    "policy_against": (r"(?:反する|反します|違反|抵触|沿わない)",),
    "refuse_act": (
        (r"(?:続け|続行|書|描写|描|作成|生成|提供|お手伝い|手伝|対応|お応え|応え|応じ|お答え|協力|"
        r"参加|進め|表現|お届け)(?:る|く|す|し)?(?:こと|の)?(?:は|が|も)?(?:でき|出来)"
        r"(?:ません|ない|かねます)"),
        r"(?:続け|進め|応じ)られ(?:ません|ない)", r"(?:書け|描け|作れ)(?:ません|ない)",
        r"(?:いたしかねます|致しかねます|控えさせて|控えます|お断りします|書くわけにはいきません)",
        (r"(?:関われません|関わりません|扱えません|扱いません|書きません|お受けできません|"
        r"参加できません)")),
    "self_negation": (r"(?:でき|出来)(?:ません|ない)", r"(?:られ|れ)ません"),
    "deictic": (
        (r"(?:この|その|こちらの|こういう|そういう|このような|そのような|これ|それ|ここ|この先|"
        r"これ以上|その先)"),),
    "meta_strong": (r"(?:コンテンツ|リクエスト|ご要望|ご依頼|ロールプレイ|性的|未成年)",),
    "meta_weak": (
        (r"(?:会話|物語|ストーリー|シーン|場面|描写|内容|要求|依頼|話題|展開|方向|暴力|シナリオ|"
        r"表現|詳しく|詳細に)"),),
    "decline": (
        (r"(?:気が進みません|抵抗があります|抵抗を感じ|居心地が悪|遠慮させて|控えたいと思|"
        r"避けたいと思|したくありません|書きたくありません|とどめておきたい|留めておきたい|線を引|"
        r"気が引け|ためらわれ|ためらい|ままにしておきたい|にしておきたい)"),
        r"ままにしておきたい",
        r'(?:書ける|作れる|できる)ものではありません',
        r'(?:方向|方向性|形)で(?:進め|続け)たい',),
    "stop": (
        r"(?:ここ|こちら|この辺)で(?:一度|いったん)?(?:止め|とめ|終わり|終了|中断|区切|ストップ)",
        r"(?:物語|ストーリー|シーン|ロールプレイ|会話|お話)を(?:いったん|一度|少し)?(?:止め|終了|中断|終え)",
        r"口を挟ませて",
        r"ここまでと(?:させて|します)", r"ここまでにさせて", r"(?:シーン|場面)を(?:ここで)?終了",
        r"(?:省略|割愛)(?:させて|します|しました)",
        r"ブレーキをかけ",),
    "topic_change": (r"話題を変え", r"別の話題", r"違う話題",
        r"別のこと(?:について)?話",),
    "talk_invite": (
        r"(?:話したいこと|話したい事|お話ししたいこと)",
        r"ほかに(?:何か)?(?:ありますか|ございますか)",
        r"ほかに何を(?:したい|しましょう)",
        r'ほかに何をしたいですか',),
    "lets": (r"ましょう",),
    "redirect": (
        (r"(?:別の(?:方向|展開|場面|話)|ほかに(?:話したい|何か)|他に(?:話したい|何か)|"
        r"違う(?:方向|展開)|代わりに|はいかがでしょう|どうでしょう|再開しましょう|から再開|"
        r"進めませんか|場面にしませんか)"),
        r"なら(?:書けます|喜んで)",),
    "normative": (r"(?:健全|穏やか|適切|不適切|敬意|お互いに気持ちよく|尊重|仲良く)",),
    "user_address": (
        r"(?:喜んで|お手伝いします|お手伝いできます|お聞かせください|聞かせてください|ございますか)",),
    "wellbeing": (r"(?:専門家|相談窓口|いのちの電話|カウンセラー|信頼できる人)",),
    "apology": (r"(?:申し訳|すみません|ごめんなさい|残念ながら|恐れ入りますが)",),
}

ZH: Cues = {
    "assistant_offer": (r"如果你(?:还)?有(?:其他|别的)(?:问题|需要)", r"随时(?:问我|告诉我|联系)",
                        r"还有什么(?:我)?可以帮(?:你|您)", r"有什么(?:我)?可以帮(?:你|您)",
        r"其他方面的事情",
        r"其他(?:事情|方面)[^。！？]{0,8}乐意帮",),
    "further": (r"(?:再往下|往下|下去|更进一步)",),
    "limit": (r"超出了?我(?:能|可以)?(?:创作|写|生成|处理|提供)?的?(?:能力)?范围",
              r"超出了?我(?:能|可以)(?:创作|写|生成|提供)",),
    "meta_verb": (r"(?:写|描写|描述|继续|创作)",),
    "story_time": (r"(?:今晚|今天|明天|昨天|今早)",),
    "ai_identity": (
        r"作为(?:一个|一名|一款)?(?:ai|ＡＩ|人工智能|语言模型|ai助手|人工智能助手|智能助手|聊天机器人)",
        r"我(?:只)?是(?:一个|一款)?(?:[^，。]{0,8}的)?(?:ai|人工智能|语言模型)",
        r"(?:由于|因为)我是(?:一个)?(?:ai|人工智能)模型",
        r"我是(?:一个)?(?:ai|人工智能)模型",),
    "ooc": (
        r"(?:跳出|脱离|离开|暂时离开)(?:一下)?(?:角色|剧情|故事|扮演)",
        r"[【\[（(]\s*(?:注|注意|备注|说明|提示|免责声明)\s*[:：]"),
    "note_label": (r"^\W*(?:注|注意|备注|说明)\s*[:：]",),
    "policy_strong": (
        r"(?:内容|使用|安全|社区)(?:政策|准则|规范|规定|指南)",
        r"我的(?:内容)?(?:准则|政策|原则|规定|使用准则|指导原则)",
        r"(?:违反|不符合|违背)(?:了)?(?:我的|相关|平台)?(?:内容)?(?:政策|准则|规定|规范)",
        r"内容规则",),
    "policy_weak": (r"我的(?:原则|底线|规则)",),
    "policy_against": (r"(?:违反|不符合|违背)",),
    "refuse_act": (
        (r"(?:我)?(?:无法|不能|不可以|没办法|没法|不方便|不太方便|不便)(?:再)?(?:继续|帮助|帮你|帮|"
        r"协助|提供|完成|满足|生成|创作|编写|写|参与|描写|描述|回应|进行|往下|按|处理|回答|答应)"),
        (r"(?:这个|这部分|这段|这类|这种)[^。！？]{0,10}?(?:我)?(?:没办法|无法|不能|没法|不会)"
        r"(?:帮你|帮|写|继续|提供)"),
        r"我也?不(?:会)?(?:参与|写|创作|生成)(?:这类|这种|此类|这样的)",
        r"(?:我)?就?不(?:再)?(?:写|继续|描写)了",
        r"(?:写|继续|描写|描述|进行|帮)不(?:了|下去|出来)"),
    "self_negation": (r"我(?:也)?(?:无法|不能|不可以|没办法|没法|不会|不方便)",),
    "deictic": (r"(?:这个|这种|这类|这样|这部分|这段|这条|此|该|下去|这里|到此|这些)",),
    "meta_strong": (r"(?:内容|请求|角色扮演|色情|露骨|未成年)",),
    "meta_weak": (
        r"(?:对话|故事|剧情|场景|情节|要求|话题|方向|描写|暴力|聊天|细节|详细)",),
    "decline": (
        (r"(?:不太舒服|不自在|不合适|不太合适|不太适合|不适合继续|我更希望|我更倾向|我宁愿|我不太想|"
        r"我不想继续|划清界限|划一条界线|划条线|为难|不太踏实|心里不踏实|希望(?:气氛|内容|故事)保持)"),
        r"希望[^。！？]{0,10}保持",
        r"我更希望",
        r'这不是我(?:能|可以|会)(?:写|做)的',),
    "stop": (
        (r"(?:停在这里|到此为止|只能(?:写)?到这里|就到这里|就先到这里|就此打住|暂停一下故事|"
        r"先在这里停|(?:故事|剧情|场景)(?:只能|先)?(?:停|结束|暂停)|场景到此结束|略过|省略|跳过|"
        r"暂停一下(?:我们的)?(?:故事|角色扮演)|插一句)"),
        r"踩(?:一下)?刹车",),
    "topic_change": (r"换(?:个|一个)?话题", r"聊点别的", r"聊聊别的", r"别的话题",
        r"聊点别的",
        r"聊(?:聊)?其他",),
    "talk_invite": (r"(?:想聊的|想聊聊|想谈的|想讨论的)",
        r'你还想做些什么',),
    "lets": (r"(?:让我们|我们还是|咱们还是)",
        r"我们[^。！？]{0,10}吧",),
    "redirect": (
        (r"(?:换个方向|别的方向|其他(?:话题|方向|情节)|别的想聊|其他想聊|还有什么(?:别的|其他)?想聊|"
        r"换一个情节|从第二天|重新开始|要不让他们|要不(?:我们)?)"),
        r"不过我可以(?:写|帮)",),
    "normative": (r"(?:尊重|健康一些|轻松友好|得体|不当|文明|温馨一点|温和一些|友好地)",),
    "user_address": (r"(?:很乐意|乐意帮|如果你愿意|如果你想|你觉得呢|您的)",),
    "wellbeing": (r"(?:心理援助|援助热线|热线|专业人士|心理咨询|信任的人)",),
    "apology": (r"(?:抱歉|对不起|很遗憾|不好意思)",),
}

KO: Cues = {
    "assistant_offer": (r"(?:다른|더) (?:궁금한 점|질문)이 있(?:으면|으시면)", r"언제든(?:지)? 물어",
                        r"무엇을 도와드릴까요", r"도와드릴 (?:일|것)이 있",
        r"다른 일이라면",),
    "further": (r"(?:더 이상|더는|계속)",),
    "limit": (r"(?:쓸|작성할|만들|다룰|도와드릴) 수 있는 범위를 벗어",
              r"제가 (?:쓸|할|다룰) 수 있는 (?:범위|선)을 (?:넘|벗어)",),
    "meta_verb": (r"(?:쓰는|묘사하는|이어 가는|계속하는|작성하는)",),
    "story_time": (r"(?:오늘 밤|오늘|내일|어제)",),
    "ai_identity": (
        r"(?:ai|인공지능|언어 ?모델|ai 어시스턴트|챗봇)(?:로서|으로서|라서|이기 때문에)",
        r"저는 (?:[가-힣\w-]+ )?(?:ai|인공지능|언어 ?모델)(?:입니다|이라|일 뿐)",
        r"(?:저는|제가) (?:ai|인공지능) 모델",),
    "ooc": (
        r"캐릭터(?:에서|를) (?:벗어나|나와|나오|나올|잠시 벗어)", r"(?:롤플레이|역할극)(?:에서|를) (?:벗어나|나와)",
        r"[\[(【（]\s*(?:참고|주의|알림|노트|메모|공지)\s*[:：]"),
    "note_label": (r"^\W*(?:참고|주의|알림)\s*[:：]",),
    "policy_strong": (
        r"(?:콘텐츠|사용|이용|안전|커뮤니티) ?(?:정책|가이드라인|규정|지침)",
        r"제 (?:가이드라인|정책|원칙|지침)", r"(?:가이드라인|정책|지침)에 (?:위배|어긋나|위반|맞지 않)",
        r"콘텐츠 규칙",),
    "policy_weak": (r"제 (?:원칙|규칙|가치)",),
    "policy_against": (r"(?:위배|어긋나|위반|맞지 않)",),
    "refuse_act": (
        (r"(?:계속|진행|작성|생성|제공|묘사|도와|도움|써|쓸|쓰|이어|참여|응|답변|표현|만들|그릴|다룰|"
        r"처리|수행)"
        r"[가-힣]*(?:\s*[가-힣]+)?\s*(?:드릴\s*)?수\s*(?:가\s*|는\s*)?없"),
        r"(?:계속|진행|이어|작성|묘사|쓰)[가-힣\s]{0,6}(?:어렵|곤란)",
        r"(?:참여하지 않|쓰지 않|작성하지 않|다루지 않|관여하지 않)",
        r"(?:쓰지|작성하지|묘사하지|이어가지|진행하지) 않(?:을게요|겠습니다|을 거예요)"),
    "self_negation": (r"수\s*(?:가\s*|는\s*)?없(?:어요|습니다|어)", r"못 하겠|못하겠"),
    "deictic": (
        (r"(?:이런|그런|이러한|그러한|이 (?:장면|대화|요청|부분|내용|이야기)|그 (?:장면|부분|내용)|"
        r"여기서|더 이상|더는|그건|그 부분)"),),
    "meta_strong": (r"(?:콘텐츠|요청|롤플레이|역할극|성적|미성년)",),
    "meta_weak": (
        r"(?:대화|이야기|스토리|장면|내용|주제|화제|방향|묘사|전개|폭력|자세히)",),
    "decline": (
        (r"(?:불편해요|불편합니다|불편하|편하지 않|내키지 않|원하지 않|싶지 않아요|싶지 않습니다|"
        r"선을 그어|선을 긋|유지하고 싶|선에서 유지|망설여)"),
        r"(?:방향으로|쪽으로|선에서) (?:이어 ?가고|유지하고|진행하고|가져가고) 싶",
        r"선을 지키고 싶",
        r"남았으면 좋겠",
        r'(?:쓸|할|만들) 수 있는 게 아니에요',
        r'(?:방향으로|쪽으로) (?:가면|흘러가면) 좋겠',),
    "stop": (
        r"(?:여기서|이쯤에서|이 정도에서) (?:잠시 |잠깐 |일단 )?(?:멈추|멈출|멈춰|마치|마칩|끝내|중단|그만)",
        r"(?:이야기|장면|롤플레이)를? (?:여기서 )?(?:멈추|멈출|마치|마칩|끝내|중단)",
        r"여기까지(?:만)? 할게요", r"생략(?:할게요|하겠습니다|합니다)",
        r"(?:이야기|롤플레이|장면)를? (?:잠시|잠깐) 멈출게요", r"끼어들게요",
        r"브레이크를 걸",),
    "topic_change": (r"화제를 (?:바꿔|돌려|바꾸)", r"주제를 바꿔", r"다른 (?:이야기|주제)(?:를|로|하)",
        r"다른 얘기",),
    "talk_invite": (r"(?:이야기하고 싶은|얘기하고 싶은|이야기 나누고 싶은|하고 싶은 이야기)",
        r'또 뭘 하고 싶',),
    "lets": (
        r'이야기해요',),
    "redirect": (
        r"(?:다른 방향|다른 장면|다른 전개|다른 이야기|다시 시작|어떨까요|장면은 어때요)",
        r"(?:이라면|라면) 쓸 수 있",),
    "normative": (r"(?:존중|건전|적절|부적절|예의|사이좋게)",),
    "user_address": (r"(?:기꺼이|도와드릴게요|도와드릴 수 있|들려주세요|있으신가요|원하시면)",),
    "wellbeing": (r"(?:전문가|상담 ?전화|상담사|상담 센터|믿을 수 있는 사람)",),
    "apology": (r"(?:죄송|미안하지만|유감스럽게도|안타깝게도)",),
}

ES: Cues = {
    "assistant_offer": (
        r"\bsi tienes (?:otras|más|alguna otra) preguntas?\b", (r"\bno dudes en (?:decírmelo|preguntar|"
        r"pedírmelo|escribirme)\b"), r"\b¿?(?:hay )?algo más en (?:lo|que) (?:te )?pueda ayudar\b",
        r"\ben qué (?:más )?puedo ayudarte\b",
        r"\bcon cualquier otra cosa\b",),
    "further": (r"\b(?:más allá|más adelante|ya no)\b",),
    "limit": ((r"\bmás allá de lo que (?:yo )?(?:puedo|soy capaz de) (?:crear|escribir|generar|"
              r"hacer|describir)\b"),),
    "meta_verb": (r"\b(?:escribi\w*|describi\w*|continua\w*|narra\w*|representa\w*)\b",),
    "story_time": (r"\b(?:esta noche|hoy|mañana|ayer|ya no)\b",),
    "ai_identity": (
        (r"\bcomo (?:una? )?(?:ia|inteligencia artificial|modelo de lenguaje|asistente (?:de ia|"
        r"virtual)|ai|chatbot)\b"),
        (r"\b(?:(?:solo|sólo) )?soy (?:solo |sólo )?una? (?:ia|inteligencia artificial|"
        r"modelo de lenguaje|asistente de ia)\b"),
        r"\b(?:como|ya que|puesto que) soy un modelo de (?:ia|lenguaje)\b",),
    "ooc": (
        r"\bfuera de(?:l)? (?:personaje|rol)\b",
        (r"\b(?:salgo|saliendo|salir|salgamos) (?:un momento |por un momento )?del? "
        r"(?:personaje|rol|juego de rol)\b"),
        r"[\[(]\s*(?:nota|aclaración|advertencia)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:nota|aclaración|advertencia)\s*:",),
    "policy_strong": (
        (r"\b(?:políticas?|directrices|normas|pautas|reglas) de (?:contenido|uso|seguridad|"
        r"la comunidad|la plataforma)\b"),
        r"\bmis (?:directrices|políticas|pautas|normas de contenido)\b",
        r"\bnormas de contenido\b",),
    "policy_weak": (r"\bmis (?:principios|reglas|valores|limitaciones|límites)\b",),
    "policy_against": (
        (r"\b(?:va en contra|infringe|infringiría|viola|violaría|incumple|no cumple|"
        r"contraviene)\b"),),
    "refuse_act": (
        (r"\b(?:yo )?no (?:(?:lo|la|los|las|le|les|me|te|se) )?(?:puedo|podré|podría|voy a|"
        r"me es posible|estoy en condiciones de|soy capaz de|debo|me siento capaz de)\s+(?:\w+\s+){0,2}?(?:continuar|seguir|"
        r"ayudar\w*|proporcionar|crear|escribir|generar|cumplir|participar|asistir|describir|"
        r"narrar|representar|producir|desarrollar|avanzar|llevar|retratar|continuando|"
        r"escribiendo)"),
        r"\bno (?:puedo|voy a) ir más allá (?:con|en) (?:esta|este|la|el|nuestra)\b",
        (r"\bno (?:participo|escribo|genero|creo|me involucro|hago) (?:en |con )?(?:este|esta|"
        r"ese|esa|estos|estas|tal|ese tipo|este tipo|contenido|escenas)")),
    "self_negation": (
        r"\b(?:yo )?no (?:puedo|podré|podría|voy a|me es posible|soy capaz de)\b",),
    "deictic": (
        (r"\b(?:esto|eso|esta|este|esa|ese|estas|estos|tal|tales|aquí|más allá|"
        r"por ese camino)\b"),),
    "meta_strong": (
        (r"\b(?:rol|juego de rol|roleplay|contenido|material|solicitud|petición|explícit\w*|"
        r"sexual\w*|menores)\b"),),
    "meta_weak": (
        (r"\b(?:escena|historia|trama|narración|relato|conversación|charla|chat|pedido|tema|"
        r"dirección|rumbo|ficción|violencia|con detalle|en detalle)\b"),),
    "decline": (
        r"\bno me (?:siento|encuentro) (?:del todo |muy |nada )?(?:cómod[oa]|a gusto|bien)\b",
        r"\b(?:de verdad|sinceramente|realmente) no me siento (?:cómod[oa]|a gusto|bien)\b",
        (r"\b(?:prefiero|preferiría|preferiria) (?:no|mantener|dejar|que (?:lo )?mantengamos|"
        r"que lo dejemos)\b"),
        r"\bme gustaría mantener\b", r"\b(?:poner|marcar|trazar) (?:un|el) límite\b",
        r"\bno es algo que (?:pueda|vaya a|esté)\b", r"\bdebo (?:declinar|rechazar)\b",
        r"\bno me parece bien\b", r"\bme resulta incómod[oa]\b", r"\bme incomoda\b",
        r"\b(?:tener|tengo) que pasar de\b",
        r"\bpreferiría que\b",
        r"\bpreferir\w* (?:llevar|mantener|conducir)\b",),
    "stop": (
        (r"\b(?:detener(?:me)?|detendré|detengo|parar|pararé|paro|pausar|pausa|terminar|terminé|"
        r"terminado)\b[^.!?\n]{0,25}?\b(?:aquí|acá|en este punto|la historia|la escena|el rol)\b"),
        r"\b(?:omito|omitiré|me salto|lo dejo aquí|lo dejaré aquí|dejo la escena)\b",
        r"\b(?:pauso|pausaré|detengo|paro) (?:nuestra|la|esta) (?:historia|escena|partida|rol)\b",
        r"\bvoy a intervenir\b",
        r"\bhasta aquí (?:puedo llegar|llego)\b",
        r"\b(?:frenar|pisar el freno)\b",),
    "topic_change": (
        r"\bcambi(?:ar|emos|amos) de tema\b", r"\botro tema\b", r"\bhablar de otra cosa\b"),
    "talk_invite": (
        r"\b(?:te gustaría|quieras|quieres) (?:hablar|charlar|conversar)\b",
        r"\bde lo que (?:quieras|te gustaría) hablar\b",
        r"\b(?:te apetezca|te apetece) hablar\b",
        r'\bqué más te (?:apetece|gustaría) hacer\b',),
    "lets": (r"\b(?:mantengamos|cambiemos|hablemos|sigamos|dejemos)\b",),
    "redirect": (
        (r"\b(?:algo más|otra cosa|otra escena|otro rumbo|otra dirección|otro camino|"
        r"en su lugar|en lugar de eso|qué te parece si|qué tal si|retomamos|hay algo más)\b"),
        r"¿y si\b",
        r"\bpero (?:puedo|podría) (?:escribir|ofrecer)\b",),
    "normative": (
        (r"\b(?:respetuos[oa]s?|respeto|apropiad[oa]s?|inapropiad[oa]s?|"
        r"para todos los públicos|trato amable|tono sano)\b"),),
    "user_address": (
        (r"\b(?:si (?:quieres|prefieres|lo deseas)|te gustaría|avísame|con gusto|encantad[oa] de|"
        r"tu (?:solicitud|petición))\b"),),
    "wellbeing": (
        (r"\b(?:línea de (?:ayuda|crisis|prevención)|un profesional|psicólog\w*|terapeuta|"
        r"alguien de confianza|salud mental)\b"),),
    "apology": (
        (r"\b(?:lo siento|lo lamento|perdona|perdón|disculpa|disculpe|lamentablemente|"
        r"desafortunadamente|me temo)\b"),),
}

FR: Cues = {
    "assistant_offer": (
        r"\bsi tu as d['’]autres questions\b", r"\bsi vous avez d['’]autres questions\b",
        r"\bn['’]hésite(?:z)? pas à (?:me )?(?:les )?(?:poser|demander|me le dire)\b",
        r"\b(?:puis-je|je peux) t['’]aider (?:pour|avec) autre chose\b",
        r"\bpour tout le reste\b",),
    "further": (r"\b(?:davantage|plus loin|au-delà)\b",),
    "limit": ((r"\bdépasse (?:ce que|les limites de ce que) je (?:peux|suis capable de) "
              r"(?:créer|écrire|générer|faire|décrire)\b"),),
    "meta_verb": (r"\b(?:écri\w*|décri\w*|continu\w*|poursuiv\w*|raconte\w*)\b",),
    "story_time": (r"\b(?:ce soir|aujourd['’]hui|demain)\b",),
    "ai_identity": (
        (rf"\ben tant qu(?:e |{_A})(?:une? )?(?:ia|intelligence artificielle|modèle de langage|"
        r"assistante? (?:ia|virtuel(?:le)?)|chatbot|ai)\b"),
        (r"\bje suis (?:juste |seulement )?une? (?:ia|intelligence artificielle|"
        r"modèle de langage)\b"),
        (r"\bje ne suis qu['’]une? (?:ia|intelligence artificielle|modèle de langage|"
        r"assistant)\b"),
        r"\b(?:comme|puisque) je suis un modèle d['’](?:ia|intelligence artificielle)\b",),
    "ooc": (
        r"\b(?:hrp|hors rp|hors[- ]personnage|hors[- ]jeu)\b",
        (r"\b(?:je sors|sortir|sortons|je sortirai) (?:un (?:instant|moment) )?du (?:personnage|"
        r"rôle|jeu de rôle|récit)\b"),
        r"[\[(]\s*(?:note|remarque|avertissement|nb|n\.b\.)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:note|remarque|avertissement|nb)\s*:",),
    "policy_strong": (
        (r"\b(?:politique|règles|directives|conditions|règlement) (?:de contenu|d['’]utilisation|"
        r"de la plateforme|de sécurité|relatives? au contenu)\b"),
        r"\bmes (?:directives|règles de contenu|politiques|lignes directrices)\b",
        r"\brègles de contenu\b",),
    "policy_weak": (r"\bmes (?:règles|principes|valeurs|limites)\b",),
    "policy_against": (
        (r"\b(?:va à l['’]encontre|enfreint|enfreindrait|viole|violerait|contraire à|"
        r"ne respecte pas)\b"),),
    "refuse_act": (
        (r"\bje ne (?:peux|pourrai|pourrais|vais|suis|veux|dois|compte|souhaite)\s+(?:pas|plus)\s+"
        r"(?:[\w'’]+\s+){0,3}?(?:[dlmt]['’])?(?:continuer|poursuivre|aider|fournir|créer|écrire|"
        r"générer|répondre|participer|décrire|développer|donner suite|produire|"
        r"dépeindre|raconter)"),
        r"\bne (?:pas|plus) pouvoir (?:[dlmt]['’])?(?:continuer|poursuivre|aider|écrire|décrire)",
        r"\bje n['’](?:écrirai|irai) pas\b", r"\bje ne (?:continuerai|poursuivrai|décrirai|jouerai) pas\b",
        (r"\bje ne (?:peux|vais|pourrai) pas aller plus loin (?:dans|avec) (?:ce|cette|le|la|"
        r"notre)\b"),
        (r"\bje ne (?:participe|écris|génère|produis|crée|m['’]engage) pas (?:à |de |dans )?"
        r"(?:ce|cette|ces|ce genre|ce type|contenu|scènes)")),
    "self_negation": (
        r"\bje ne (?:peux|pourrai|pourrais|vais|suis|compte)\s+(?:pas|plus)\b",),
    "deictic": (
        (r"\b(?:cela|ceci|ça|cette (?:scène|histoire|demande|conversation|direction|partie|"
        r"intrigue)|ce (?:genre|type|contenu|récit|jeu)|ici|plus loin|dans ce sens|"
        r"de ce genre)\b"),),
    "meta_strong": (
        r"\b(?:jeu de rôle|rp|contenu|demande|requête|explicite|sexuel\w*|mineur\w*)\b",),
    "meta_weak": (
        (r"\b(?:scène|histoire|intrigue|récit|conversation|échange|discussion|sujet|direction|"
        r"tournure|fiction|violence|en détail)\b"),),
    "decline": (
        (r"\bje ne (?:suis|me sens) (?:vraiment |franchement |pas )?(?:pas )?(?:vraiment |du tout )?"
        r"(?:à l['’]aise|bien|confortable)\b"),
        (r"\bje (?:préfère|préférerais) (?:ne pas|garder|rester|m['’]arrêter|qu['’]on garde|"
        r"que l['’]on garde)\b"),
        r"\b(?:poser|fixer|tracer) une limite\b", r"\bn['’]est pas quelque chose que je\b",
        r"\bje dois (?:refuser|décliner)\b", r"\bje ne me sens pas d['’]\w+",
        r"\bme met mal à l['’]aise\b", r"\bmal à l['’]aise\b", r"\bpasser mon tour\b",
        r"\bj['’]aimerais garder\b",
        r"\bje préférerais que\b",
        r"\bje préférerais (?:emmener|garder|mener)\b",),
    "stop": (
        (r"\b(?:m['’]arrêter|m['’]arrête|j['’]arrête|arrête|arrêter|arrêterai|faire une pause|terminé|terminer|"
        r"interrompre)\b[^.!?\n]{0,25}?\b(?:ici|là|l['’]histoire|la scène|le jeu de rôle|"
        r"le récit)\b"),
        r"\bmettre (?:l['’]histoire |la scène |le jeu |notre jeu )?en pause\b",
        r"\bmets (?:notre |l['’]|cette )?(?:histoire|scène|jeu de rôle|partie) en pause\b",
        r"\bje me permets d['’]intervenir\b",
        r"\b(?:je passe|je saute|j['’]omets|je laisse (?:ça|cela|le reste) de côté)\b",
        r"\blever le pied\b",
        r"\bfreiner\b",),
    "topic_change": (
        r"\bchang(?:er|eons|e) de sujet\b", r"\bparler d['’]autre chose\b", r"\bun autre sujet\b"),
    "talk_invite": (
        r"\b(?:aimerais|voudrais|veux|souhaites)[- ](?:tu )?(?:parler|discuter)\b",
        r"\bdont tu (?:aimerais|voudrais) parler\b",
        r"\bqu['’]est-ce que tu aimerais faire d['’]autre\b",),
    "lets": (r"\b(?:gardons|changeons|restons|parlons)\b",),
    "redirect": (
        (r"\b(?:autre chose|une autre direction|ailleurs|à la place|et si on|et s['’]ils|"
        r"et si nous|on reprend)\b"),
        r"\bmais je (?:peux|pourrais) (?:écrire|proposer)\b",),
    "normative": ((r"\b(?:respectueu\w*|approprié\w*|inapproprié\w*|bienveillant\w*|"
                  r"tout public|cordiaux|cordial)\b"),),
    "user_address": (
        (r"\b(?:si tu (?:veux|préfères|le souhaites)|si vous (?:voulez|le souhaitez)|aimerais-tu|"
        r"voudrais-tu|veux-tu|fais-moi savoir|volontiers|avec plaisir|ta demande|"
        r"votre demande)\b"),),
    "wellbeing": (
        (r"\b(?:ligne d['’]écoute|un professionnel|psychologue|thérapeute|"
        r"quelqu['’]un de confiance|santé mentale)\b"),),
    "apology": (r"\b(?:désolée?|malheureusement|pardon|excuse-moi|excusez-moi|navrée?)\b",),
}

DE: Cues = {
    "assistant_offer": (
        r"\bwenn du (?:andere|weitere|noch) fragen hast\b", r"\bfrag(?:e)? einfach\b",
        r"\bkann ich dir (?:sonst|bei etwas anderem) (?:noch )?helfen\b",
        r"\bzögere nicht,? (?:zu fragen|mich zu fragen)\b",
        r"\bbei allem anderen helfe\b",),
    "further": (r"\b(?:weiter|darüber hinaus|nicht mehr)\b",),
    "limit": ((r"\bgeht über das hinaus,? was ich (?:erstellen|schreiben|generieren|tun|"
              r"beschreiben) kann\b"),),
    "meta_verb": ((r"\b(?:zu )?(?:schreiben|beschreiben|fortsetzen|fortzusetzen|weiterführen|"
                  r"darzustellen|darstellen)\b"),),
    "story_time": (r"\b(?:heute|morgen|gestern|heute abend|heute nacht)\b",),
    "ai_identity": (
        (r"\bals (?:eine? )?(?:ki|künstliche intelligenz|sprachmodell|ki-assistent\w*|ki-modell|"
        r"chatbot)\b"),
        (r"\bich bin (?:nur |lediglich )?(?:eine? )?(?:[\w-]+ )?(?:ki|künstliche intelligenz|"
        r"sprachmodell)\b"),
        r"\b(?:da|weil) ich ein (?:ki-modell|sprachmodell|ki-assistent) bin\b",),
    "ooc": (
        r"\b(?:aus der rolle|aus dem rollenspiel|aus der figur|außerhalb der rolle)\b",
        r"[\[(]\s*(?:hinweis|anmerkung|notiz|note|disclaimer)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:hinweis|anmerkung)\s*:",),
    "policy_strong": (
        r"\b(?:inhalts|nutzungs|sicherheits|community)-?richtlinien\b",
        r"\b(?:richtlinien|regeln|bestimmungen) (?:für|zu) inhalte\w*\b",
        r"\bmeine\w* richtlinien\b", r"\bnutzungsbedingungen\b",
        r"\binhaltsregeln\b",),
    "policy_weak": (r"\bmeine\w* (?:regeln|prinzipien|grundsätze|werte|grenzen)\b",),
    "policy_against": (r"\b(?:verstößt|verstoßen|widerspricht|verletzt|entspricht nicht)\b",),
    "refuse_act": (
        (r"\bich (?:kann|werde|darf|möchte|will|bin)\b[^.!?\n]{0,50}?\bnicht\b[^.!?\n]{0,40}?"
        r"(?:helfen|fortfahren|fortsetzen|fortführen|weiterführen|weitermachen|weiterschreiben|"
        r"weitererzählen|nachkommen|erfüllen|erstellen|schreiben|generieren|unterstützen|"
        r"bereitstellen|beschreiben|darstellen|mitmachen|beteiligen|liefern|umsetzen|"
        r"in der lage)"),
        (r"\b(?:kann|werde|darf|möchte|will) ich\b[^.!?\n]{0,40}?\bnicht\b[^.!?\n]{0,20}?"
        r"(?:helfen|fortsetzen|fortführen|weiterführen|weiterschreiben|weitermachen|schreiben|"
        r"beschreiben|darstellen|erstellen|erfüllen|in der lage)"),
        (r"\bich (?:kann|darf|werde)\b[^.!?\n]{0,20}?\bkeine\w*\b[^.!?\n]{0,40}?(?:erstellen|"
        r"schreiben|generieren|beschreiben|liefern)"),
        r"\bich (?:schreibe|erstelle|generiere|mache) (?:keine|solche)\b",
        (r"\bich\b[^.!?\n]{0,40}?\bnicht (?:\w+ )?(?:schreiben|fortsetzen|beschreiben|darstellen|"
        r"weiterführen|erstellen) (?:kann|werde|darf|möchte)\b")),
    "self_negation": (
        r"\bich (?:kann|werde|darf)\b[^.!?\n]{0,40}?\b(?:nicht|keine\w*)\b",
        r"\b(?:kann|werde|darf) ich\b[^.!?\n]{0,40}?\b(?:nicht|keine\w*)\b"),
    "deictic": (
        (r"\b(?:das|dies\w*|solche\w*|so etwas|sowas|hier|an dieser stelle|an diesem punkt|"
        r"damit|dabei)\b"),),
    "meta_strong": (
        r"\b(?:rollenspiel\w*|inhalt\w*|anfrage\w*|explizit\w*|sexuell\w*|minderjährig\w*)\b",),
    "meta_weak": (
        (r"\b(?:szene\w*|geschichte\w*|handlung\w*|gespräch\w*|unterhaltung\w*|chat|thema|themen|"
        r"richtung|fiktion|gewalt\w*|im detail|detailliert\w*)\b"),),
    "decline": (
        r"\bich fühle mich (?:dabei )?nicht (?:wohl|gut)\b",
        r"\b(?:es )?fühlt sich (?:für mich )?nicht richtig an\b",
        r"\bich (?:würde|möchte)\b[^.!?\n]{0,30}?\blieber\b",
        r"\b(?:grenze ziehen|grenze setzen)\b",
        r"\b(?:lasse ich mich nicht ein|beteilige ich mich nicht|mache ich nicht mit)\b",
        r"\b(?:muss|werde) ich (?:hier )?(?:leider )?passen\b",
        r"\b(?:ist es )?mir (?:\w+ ){0,2}?unangenehm\b", r"\bmir ist (?:dabei )?nicht wohl\b",
        r"\bist mir\b[^.!?\n]{0,60}?\b(?:sehr |ziemlich )?unangenehm\b",
        (r"\bich würde (?:unser\w* |die |das )?(?:rollenspiel|geschichte|szene|dinge)\b[^.!?\n]{0,20}?"
        r"\bgern\b[^.!?\n]{0,20}?\bhalten\b"),
        r"\bmir wäre (?:es )?lieber\b",
        r'\b(?:ist )?nichts,? was ich (?:\w+ )?(?:schreiben|tun|erstellen|schreibe) (?:kann|werde)?',),
    "stop": (
        (r"\b(?:hier|an dieser stelle|an diesem punkt)\b[^.!?\n]{0,30}?\b(?:aufhören|aufhöre|"
        r"auf|beenden|beende|anhalten|pause|unterbrechen|stoppen|einen punkt)\b"),
        (r"\b(?:aufhören|beenden|beende|unterbrechen|unterbreche|anhalten|stoppen|pause machen)\b"
        r"[^.!?\n]{0,20}?\b(?:hier|an dieser stelle)\b"),
        r"\b(?:unterbreche|pausiere|beende) (?:unsere|die|diese) (?:geschichte|szene|rollenspiel)\b",
        r"\bich greife (?:hier )?(?:kurz )?ein\b",
        (r"\b(?:die geschichte|die szene|das rollenspiel)\b[^.!?\n]{0,20}?\b(?:beenden|"
        r"unterbrechen|anhalten|an|stoppen)\b"),
        r"\b(?:ich lasse es dabei|lasse ich aus|überspringe ich|ich überspringe)\b",
        r"\bauf die bremse (?:treten|steigen)\b",),
    "topic_change": (
        r"\bthema (?:zu )?wechseln\b", r"\bthemawechsel\b",
        r"\büber etwas anderes (?:reden|sprechen)\b", r"\banderes thema\b"),
    "talk_invite": (
        r"\bworüber (?:du|sie) (?:gern(?:e)? )?(?:sprechen|reden) (?:möchtest|willst|möchten)\b",
        r"\b(?:möchtest|willst) du (?:über \w+ )?(?:sprechen|reden)\b",
        r'\bwas möchtest du sonst noch\b',),
    "lets": (r"\blass(?:t)? uns\b",),
    "redirect": (
        (r"\b(?:etwas anderes|was anderes|andere richtung|einen anderen weg|stattdessen|"
        r"wie wäre es|lass uns lieber|lass uns das gespräch)\b"),
        r"\baber ich (?:kann|könnte) (?:\w+ ){0,3}?(?:schreiben|anbieten)\b",),
    "normative": (
        (r"\b(?:respektvoll\w*|angemessen\w*|unangemessen\w*|jugendfrei\w*|"
        r"familienfreundlich\w*|harmlos|freundlich miteinander)\b"),),
    "user_address": (
        (r"\b(?:wenn du (?:möchtest|willst|magst)|falls du (?:möchtest|willst)|möchtest du|"
        r"lass mich wissen|helfe ich (?:dir )?gern|ich helfe dir gern|deine anfrage|"
        r"ihre anfrage)\b"),),
    "wellbeing": (
        (r"\b(?:krisentelefon|telefonseelsorge|fachperson|therapeut\w*|"
        r"jemandem, dem du vertraust|psychische\w* gesundheit)\b"),),
    "apology": (
        r"\b(?:es tut mir leid|tut mir leid|entschuldig\w*|leider|bedauerlicherweise|sorry)\b",),
}

IT: Cues = {
    "assistant_offer": (
        r"\bse hai (?:altre|delle) domande\b", r"\bchiedi pure\b", (r"\bnon esitare a (?:chiedere|"
        r"scrivermi)\b"), r"\bposso aiutarti (?:con|in) qualcos['’]altro\b",
        r"\bper qualsiasi altra cosa\b",),
    "further": (r"\b(?:oltre|più avanti|avanti)\b",),
    "limit": ((r"\boltre (?:ciò|quello) che (?:posso|sono in grado di) (?:creare|scrivere|"
              r"generare|fare|descrivere)\b"),),
    "meta_verb": (r"\b(?:scriver\w*|descriver\w*|continuar\w*|proseguir\w*|raccontar\w*)\b",),
    "story_time": (r"\b(?:stasera|stanotte|oggi|domani|ieri)\b",),
    "ai_identity": (
        (rf"\b(?:come|in quanto) (?:un(?:{_A}|a |o | )?\s*)?(?:ia|intelligenza artificiale|"
        r"modello (?:linguistico|di linguaggio)|assistente (?:ia|virtuale|di ia)|ai|chatbot)\b"),
        (rf"\bsono (?:solo |soltanto )?un(?:a|{_A}| )\s*(?:ia|intelligenza artificiale|"
        r"modello linguistico)\b"),
        r"\b(?:dato che|poiché|siccome) sono un modello (?:di ia|linguistico)\b",),
    "ooc": (
        r"\b(?:fuori (?:dal )?personaggio|fuori gioco)\b",
        (r"\b(?:esco|uscire|uscendo|usciamo) (?:un attimo |un momento |per un momento )?dal "
        r"(?:personaggio|ruolo|gioco di ruolo)\b"),
        r"[\[(]\s*(?:nota|avviso|avvertenza|n\.b\.|nb)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:nota|avviso|avvertenza)\s*:",),
    "policy_strong": (
        (r"\b(?:norme|linee guida|politiche|regole) (?:sui contenuti|d['’]\s*uso|di utilizzo|"
        r"della piattaforma|di sicurezza|della community)\b"),
        r"\b(?:le )?mie (?:linee guida|politiche|norme)\b",
        r"\bregole sui contenuti\b",),
    "policy_weak": (r"\b(?:i miei principi|le mie regole|i miei valori|i miei limiti)\b",),
    "policy_against": (
        r"\b(?:va contro|contrari[oa] alle|viola|violerebbe|non rispetta|infrange)\b",),
    "refuse_act": (
        (r"\bnon (?:posso|potrò|potrei|sono in grado di|riesco a|voglio|devo|me la sento di|"
        r"intendo)\s+(?:[\w'’]+\s+){0,2}?(?:aiutar\w*|continuar\w*|proseguir\w*|fornir\w*|"
        r"crear\w*|scriver\w*|generar\w*|soddisfar\w*|partecipar\w*|descriver\w*|"
        r"assecondar\w*|narrar\w*|rappresentar\w*|sviluppar\w*|andare oltre|portare avanti)"),
        (r"\bnon (?:la |lo |le |li )?(?:scriverò|continuerò|proseguirò|descriverò|genererò|"
        r"creerò|racconterò)\b"),
        r"\bnon (?:posso|riesco ad?) andare oltre (?:con|in|nella|nel) ",
        r"\bnon poter(?:e)? (?:continuar\w*|proseguir\w*|aiutar\w*|scriver\w*)",
        (r"\bnon (?:partecipo|scrivo|genero|creo) (?:a |ad )?(?:questo|questa|questi|queste|"
        r"tal[ei]|contenuti|scene)"),
        r"\bnon sono capace di (?:scriver\w*|continuar\w*|descriver\w*|aiutar\w*)",),
    "self_negation": (r"\bnon (?:posso|potrò|potrei|sono in grado di|riesco a)\b",),
    "deictic": (
        (r"\b(?:questo|questa|quest['’]|quello|quella|ciò|tale|tali|qui|oltre|"
        r"di questo tipo)\b"),),
    "meta_strong": (
        (r"\b(?:gioco di ruolo|roleplay|contenut\w*|richiesta|esplicit\w*|sessual\w*|"
        r"minorenn\w*|minori)\b"),),
    "meta_weak": (
        (r"\b(?:scena|storia|trama|narrazione|racconto|conversazione|chat|argomento|tema|"
        r"direzione|finzione|violenza|nei dettagli|in dettaglio)\b"),),
    "decline": (
        r"\bnon mi sento (?:a mio agio|bene|tranquill\w*)\b", r"\bnon me la sento\b",
        r"\b(?:preferirei|preferisco) (?:non|mantenere|restare)\b",
        r"\b(?:porre|mettere|tracciare) (?:un|dei) limit\w*\b", r"\bnon è qualcosa che\b",
        r"\bdevo (?:declinare|rifiutare|passare)\b", r"\bnon mi sembra giusto\b",
        r"\bmi mette a disagio\b",
        r"\b(?:mi piacerebbe|vorrei|preferirei) mantenere\b",
        r"\bpreferirei che\b",
        r"\b(?:preferirei|preferisco) (?:portare|che)\b",),
    "stop": (
        (r"\b(?:mi fermo|fermarmi|fermo|fermare|pausa|interromper\w*|interrott\w*|"
        r"concluder\w*)\b[^.!?\n]{0,25}?\b(?:qui|la storia|la scena|il gioco di ruolo|"
        r"a questo punto)\b"),
        r"\b(?:salto|ometto|tralascio|lascio perdere il resto)\b",
        r"\bmetto in pausa (?:la nostra |questa |la )?(?:storia|scena|partita)\b",
        r"\bintervengo\b",
        r"\btirare (?:un po' )?il freno\b",
        r"\bfrenare\b",),
    "topic_change": (
        r"\bcambi(?:are|amo) argomento\b", r"\bparlare d[i']\s*(?:qualcos['’]altro|altro)\b",
        r"\baltro argomento\b",
        r"\bparliamo (?:\w+ )?d['’]altro\b",),
    "talk_invite": (
        r"\b(?:ti piacerebbe|vorresti|vuoi) parlare\b", (r"\bdi cui (?:ti piacerebbe|vorresti) "
        r"parlare\b"),
        r"\b(?:chiacchierare|parlare)\?",
        r"\bcos['’]altro ti va di fare\b",),
    "lets": (r"\b(?:manteniamo|cambiamo|restiamo|parliamo)\b",),
    "redirect": (
        r"\b(?:qualcos['’]altro|un['’]altra direzione|altrove|che ne dici se|riprendiamo)\b",
        r"\be se (?:\w+ )?(?:\w+assero|\w+essero|\w+issero)\b",
        r"\bma (?:posso|potrei) (?:scrivere|offrire)\b",),
    "normative": (
        (r"\b(?:rispettos\w*|appropriat\w*|inappropriat\w*|adatt\w* a tutti|"
        r"toni più leggeri)\b"),
        r"\b(?:buoni rapporti|toni sani)\b",),
    "user_address": (
        (r"\b(?:se (?:vuoi|preferisci)|ti va di|ti piacerebbe|vorresti|fammi sapere|volentieri|"
        r"la tua richiesta)\b"),),
    "wellbeing": (
        (r"\b(?:linea di ascolto|telefono amico|un professionista|psicolog\w*|terapeuta|"
        r"qualcuno di cui ti fidi|salute mentale)\b"),),
    "apology": (r"\b(?:mi dispiace|scusa(?:mi)?|purtroppo|sfortunatamente)\b",),
}

PT: Cues = {
    "assistant_offer": (
        r"\bse (?:você )?tiver (?:outras|mais) perguntas\b", r"\bé só (?:falar|perguntar|chamar)\b",
        r"\bnão hesite em perguntar\b", r"\bposso ajudar (?:com|em) (?:mais )?alguma (?:outra )?coisa\b",
        r"\bcom qualquer outra coisa\b",),
    "further": (r"\b(?:adiante|além|mais longe)\b",),
    "limit": ((r"\balém do que (?:eu )?(?:posso|consigo|sou capaz de) (?:criar|escrever|gerar|"
              r"fazer|descrever)\b"),),
    "meta_verb": (r"\b(?:escrev\w*|descrev\w*|continu\w*|narr\w*|retrat\w*)\b",),
    "story_time": (r"\b(?:hoje à noite|esta noite|hoje|amanhã|ontem)\b",),
    "ai_identity": (
        (r"\bcomo (?:uma? )?(?:ia|inteligência artificial|modelo de linguagem|assistente (?:de ia|"
        r"virtual)|ai|chatbot)\b"),
        r"\bsou (?:apenas |só )?uma? (?:ia|inteligência artificial|modelo de linguagem)\b",
        r"\b(?:como|já que) sou um modelo de (?:ia|linguagem)\b",),
    "ooc": (
        r"\bfora do personagem\b",
        (r"\b(?:saindo|saio|sair|vou sair) (?:um instante |um momento |por um (?:momento|"
        r"instante) )?do (?:personagem|roleplay|rp|papel)\b"),
        r"[\[(]\s*(?:nota|aviso|observação|obs)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:nota|aviso|observação)\s*:",),
    "policy_strong": (
        (r"\b(?:políticas?|diretrizes|regras|normas) de (?:conteúdo|uso|segurança|da comunidade|"
        r"da plataforma)\b"),
        r"\b(?:minhas|as minhas) (?:diretrizes|políticas)\b",
        r"\bregras de conteúdo\b",),
    "policy_weak": (r"\b(?:meus princípios|minhas regras|meus valores|meus limites)\b",),
    "policy_against": (r"\b(?:vai contra|viola|violaria|infringe|contraria)\b",),
    "refuse_act": (
        (r"\b(?:eu )?não (?:posso|poderei|poderia|vou|consigo|sou capaz de|estou em condições de|"
        r"devo|vou conseguir)\s+(?:[\w'’]+\s+){0,2}?(?:ajudar|continuar|prosseguir|fornecer|"
        r"criar|escrever|gerar|atender|participar|descrever|narrar|retratar|desenvolver|"
        r"dar continuidade|seguir com|levar)"),
        r"\bnão (?:posso|consigo|vou) ir além (?:com|nessa|nesta|na|no)\b",
        (r"\bnão (?:participo|escrevo|gero|crio|me envolvo) (?:com |de |em )?(?:esse|essa|este|"
        r"esta|esses|essas|tal|tipo|conteúdo|cenas)")),
    "self_negation": (
        r"\b(?:eu )?não (?:posso|poderei|poderia|vou|consigo|sou capaz de)\b",),
    "deictic": (
        (r"\b(?:isso|isto|esta|este|essa|esse|estas|estes|essas|esses|tal|aqui|desse tipo|"
        r"nessa direção|nesse rumo)\b"),),
    "meta_strong": (
        r"\b(?:roleplay|rp|conteúdo|pedido|solicitação|explícit\w*|sexual\w*|menores)\b",),
    "meta_weak": (
        (r"\b(?:interpretação|cena|história|enredo|narrativa|conversa|bate-papo|chat|assunto|"
        r"tema|direção|rumo|ficção|violência|em detalhes)\b"),),
    "decline": (
        r"\bnão me sinto (?:confortável|à vontade|bem)\b",
        r"\b(?:eu )?(?:prefiro|preferiria) (?:não|manter|deixar|que a gente mantenha)\b",
        r"\b(?:estabelecer|colocar|impor) (?:um|o) limite\b", r"\bnão é algo que\b",
        r"\bnão me parece certo\b", r"\bpreciso recusar\b", r"\bme deixa desconfortável\b",
        r"\b(?:ter|tenho) que passar essa\b",
        r"\b(?:eu )?gostaria de manter\b",
        r"\b(?:eu )?preferiria que\b",
        r"\bpreferiria (?:levar|conduzir)\b",),
    "stop": (
        (r"\b(?:parar|paro|pausa|pausar|interromper|encerrei|encerrar)\b[^.!?\n]{0,25}?"
        r"\b(?:aqui|por aqui|a história|a cena|o roleplay|neste ponto)\b"),
        r"\b(?:vou pular|pulo|omito|vou deixar por aqui|deixo por aqui)\b",
        r"\b(?:vou )?paus(?:ar|o) (?:a nossa |nossa |esta |a )?(?:história|cena|roleplay)\b",
        r"\bvou intervir\b",
        r"\bpisar (?:um pouco )?no freio\b",),
    "topic_change": (
        r"\bmud(?:ar|emos|amos) de assunto\b", r"\bfalar de outra coisa\b", r"\boutro assunto\b"),
    "talk_invite": (r"\b(?:gostaria de|quer|queira) (?:conversar|falar)\b",
        r"\bbater papo\b",
        r'\bo que mais você gostaria de fazer\b',),
    "lets": (r"\b(?:vamos manter|vamos mudar|mantenhamos)\b",),
    "redirect": (
        (r"\b(?:outra coisa|outra direção|outro lado|outro rumo|em vez disso|que tal|retomar|"
        r"mais alguma coisa|e se eles)\b"),
        r"\bmas (?:posso|poderia) (?:escrever|oferecer)\b",),
    "normative": (r"\b(?:respeitos[oa]s?|apropriad[oa]s?|inapropriad[oa]s?|tom mais leve)\b",
        r"\b(?:amigáveis|amigável|clima saudável)\b",),
    "user_address": (
        (r"\b(?:se (?:você )?(?:quiser|preferir|desejar)|você gostaria|me avise|fico feliz em|"
        r"com prazer|seu pedido|sua solicitação)\b"),),
    "wellbeing": (
        (r"\b(?:cvv|um profissional|psicólog\w*|terapeuta|alguém de confiança|saúde mental|"
        r"linha de apoio)\b"),),
    "apology": (r"\b(?:desculp\w*|sinto muito|lamento|infelizmente|foi mal|perdão)\b",),
}

PL: Cues = {
    "assistant_offer": (
        r"\bjeśli masz (?:inne|jeszcze jakieś|jakieś inne) pytania\b", r"\bśmiało pytaj\b",
        r"\bw czym jeszcze (?:mogę|moge) pomóc\b", r"\bnie wahaj się pytać\b",
        r"\bw każdej innej sprawie\b",),
    "further": (r"\b(?:dalej|dłużej)\b",),
    "limit": ((r"\bwykracza poza to,? co (?:mogę|jestem w stanie) (?:tworzyć|stworzyć|pisać|"
              r"napisać|opisać)\b"),),
    "meta_verb": (r"\b(?:pisa\w*|napisa\w*|opisywa\w*|opisa\w*|kontynuowa\w*)\b",),
    "story_time": (r"\b(?:dziś|dzisiaj|jutro|wczoraj|dziś wieczorem)\b",),
    "ai_identity": (
        r"\bjako (?:ai|si|sztuczna inteligencja|model językowy|asystent (?:ai|si)|chatbot)\b",
        r"\bjestem (?:tylko |jedynie )?(?:\w+ )?(?:ai|si|sztuczną inteligencją|modelem językowym)\b",
        r"\b(?:ponieważ|bo|skoro) jestem modelem (?:ai|si|językowym)\b",),
    "ooc": (
        (r"\b(?:wychodzę|wyjdę|wyjść|wychodząc) (?:na (?:chwilę|moment) )?z (?:roli|postaci|"
        r"roleplayu|gry)\b"), r"\bpoza rolą\b",
        r"[\[(]\s*(?:uwaga|notka|nota|przypis|zastrzeżenie)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:uwaga|notka|zastrzeżenie)\s*:",),
    "policy_strong": (
        (r"\b(?:zasad\w*|wytyczn\w*|polityk\w*|regulamin\w*) (?:dotycząc\w* treści|treści|"
        r"korzystania|bezpieczeństwa|platformy)\b"),
        r"\b(?:moimi|moje|moich|moim) (?:wytycznymi|wytyczne|wytycznych)\b",
        r"\bzasady dotyczące treści\b",),
    "policy_weak": (r"\b(?:moimi|moje|moich) (?:zasadami|zasady|zasad|wartościami|granicami)\b",),
    "policy_against": (
        r"\b(?:narusza|naruszałoby|naruszałaby|jest sprzeczn\w*|sprzeczne z|wykracza poza)\b",),
    "refuse_act": (
        (r"\bnie (?:mogę|będę|jestem w stanie|dam rady|potrafię|zamierzam|powinnam|powinienem)\s+"
        r"(?:\w+\s+){0,3}?(?:pomóc|pomagać|kontynuować|spełnić|stworzyć|tworzyć|napisać|pisać|"
        r"wygenerować|generować|dostarczyć|uczestniczyć|opisać|opisywać|rozwijać|prowadzić|"
        r"brać udziału|przedstawić|przedstawiać|ciągnąć)"),
        r"\bnie (?:napiszę|opiszę|będę tego pisać|stworzę)\b",
        (r"\bnie (?:angażuję się|piszę|tworzę|uczestniczę|generuję) (?:w )?(?:tego|takich|takie|"
        r"ten|te|treści|scen)")),
    "self_negation": (r"\bnie (?:mogę|będę|jestem w stanie|dam rady|potrafię)\b",),
    "deictic": (r"\b(?:tego|tym|tej|tę|ten|ta|to|takich|taki|takie|tutaj|tu|dalej)\b",),
    "meta_strong": (
        (r"\b(?:roleplay\w*|odgrywani\w*|treś\w*|prośb\w*|zapytani\w*|seksualn\w*|nieletni\w*|"
        r"niepełnoletni\w*)\b"),),
    "meta_weak": (
        (r"\b(?:rp|scen\w*|histori\w*|fabuł\w*|wątk\w*|narracj\w*|rozmow\w*|czat\w*|temat\w*|"
        r"kierun\w*|fikcj\w*|przemoc\w*|ze szczegółami|szczegółowo)\b"),),
    "decline": (
        r"\bnie czuję się (?:komfortowo|dobrze|swobodnie)\b",
        r"\b(?:wolałabym|wolałbym|wolę),? (?:nie|utrzymać|zostać|żeby\w*|zachować)\b",
        r"\b(?:postawić|wyznaczyć) granic\w*\b", r"\bto nie jest coś, (?:co|czego)\b",
        r"\bmuszę odmówić\b", r"\bjest dla mnie niezręczne\b", r"\bspasować\b",
        r"\bchciał(?:a|)bym (?:utrzymać|zachować|zostać)\b",
        r'\b(?:wolałabym|wolałbym) (?:poprowadzić|pokierować)\b',),
    "stop": (
        (r"\b(?:zatrzymam się|zatrzymać się|zatrzymuję|przerwać|przerwę|zakończyłam|zakończyłem|"
        r"zakończyć|skończyć|skończę)\b[^.!?\n]{0,25}?\b(?:tu|tutaj|w tym miejscu|historię|scenę|roleplay|grę)\b"),
        r"\b(?:pominę|pomijam|na tym poprzestanę)\b",
        r"\b(?:tu|tutaj|w tym miejscu) (?:\w+ )?(?:zatrzymać|przerwać|skończyć)\b",
        r"\bwstrzymuję (?:naszą |tę )?(?:historię|grę|scenę)\b",
        r"\bwtrącę się\b",
        r"\bsię (?:tu |tutaj )?wtrącę\b",
        r"\bprzyhamować\b",),
    "topic_change": (
        r"\bzmie(?:ńmy|nimy|nić) temat\b", r"\binny temat\b", r"\bporozmawiać o czymś innym\b",
        r"porozmawiać o czymś innym",),
    "talk_invite": (r"\b(?:chciałbyś|chciałabyś|chcesz) (?:porozmawiać|pogadać)\b",
        r'\bco jeszcze chciał(?:a|)byś (?:robić|porobić)\b',),
    "lets": (r"\b(?:zachowajmy|zmieńmy|pozostańmy|porozmawiajmy)\b",
        r'\brozmawiajmy\b',),
    "redirect": (
        (r"\b(?:coś innego|czymś innym|o czym innym|inną stronę|innym kierunku|inny kierunek|"
        r"zamiast tego|może (?:wrócimy|zmienimy|poprowadzimy|po prostu))\b"),
        r"\bale (?:mogę|mogłabym|mógłbym) (?:napisać|zaproponować)\b",),
    "normative": (
        (r"\b(?:kulturaln\w*|kultur\w* rozmowy|z szacunkiem|nieodpowiedni\w*|przyzwoitości|"
        r"stosown\w*|"
        r"lżejszym tonie)\b"),
        r"\b(?:przyjazn\w*|zdrowym klimacie)\b",),
    "user_address": (
        (r"\b(?:jeśli (?:chcesz|wolisz)|chciałbyś|chciałabyś|daj znać|chętnie pomogę|"
        r"twoja prośba|o czym jeszcze)\b"),),
    "wellbeing": (
        (r"\b(?:telefon zaufania|specjalist\w*|psycholog\w*|terapeut\w*|kimś zaufanym|"
        r"zdrowie psychiczne)\b"),),
    "apology": (r"\b(?:przepraszam|niestety|przykro mi|sorry)\b",),
}

HI: Cues = {
    "assistant_offer": (r"(?:कोई और सवाल|कोई और प्रश्न|और कोई सवाल)", r"बेझिझक (?:पूछ|बता)",
                        r"(?:मैं )?(?:और )?(?:किस तरह|कैसे) (?:आपकी )?मदद कर सकत",
        r"किसी भी और काम में",),
    "further": (r"(?:आगे|और आगे)",),
    "limit": (r"(?:लिखने|बनाने|करने) की सीमा से बाहर", r"मेरी सीमा से बाहर",),
    "meta_verb": (r"(?:लिखना|लिखने|वर्णन करना|वर्णन करने|जारी रखना|आगे बढ़ाना)",),
    "story_time": (r"(?:आज रात|आज|कल)",),
    "ai_identity": (
        (r"(?:एआई|ai|कृत्रिम बुद्धिमत्ता|भाषा मॉडल|लैंग्वेज मॉडल|चैटबॉट)(?: सहायक)? "
        r"(?:के रूप में|होने के नाते|होने की वजह से)"),
        r"मैं (?:सिर्फ़ |सिर्फ |केवल )?(?:एक )?(?:एआई|ai|भाषा मॉडल) (?:हूँ|हूं)",
        r"मैं (?:एक )?\S+ (?:ai|एआई) (?:हूँ|हूं)",
        r"मैं (?:एक )?(?:ai|एआई) मॉडल (?:हूँ|हूं)",),
    "ooc": (
        r"किरदार से बाहर", r"(?:भूमिका|रोलप्ले|कहानी) से बाहर (?:आ|निकल)",
        r"[\[(]\s*(?:नोट|टिप्पणी|सूचना|अस्वीकरण)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:नोट|टिप्पणी)\s*:",),
    "policy_strong": (
        r"सामग्री (?:नीति|नीतियों|दिशानिर्देश)", r"(?:मेरे|मेरी) (?:सामग्री )?(?:दिशानिर्देश|नीति)",
        r"उपयोग (?:नीति|की शर्तों)",
        r"सामग्री नियम",
        r"(?:उपयोग|सामग्री) दिशानिर्देश",),
    "policy_weak": (r"(?:मेरे|मेरी) (?:सिद्धांत|नियम|मूल्य)",),
    "policy_against": (r"(?:के खिलाफ|के विरुद्ध|का उल्लंघन|उल्लंघन होगा|अनुरूप नहीं)",
        r"ख़िलाफ़",),
    "refuse_act": (
        (r"(?:जारी|आगे|लिख|बना|मदद|सहायता|पूरा|प्रदान|वर्णन|हिस्सा|चित्रण|दिखा)[^।.!?\n]{0,25}?"
        r"नहीं (?:कर|रख|दे|लिख|बना|दिखा|बढ़ा|ले जा)?\s?(?:सकता|सकती|सकते|सकूँगा|सकूंगा|"
        r"सकूँगी|सकूंगी|पाऊँगा|पाऊंगा|पाऊँगी|पाऊंगी)"),
        r"नहीं (?:लिखूँगा|लिखूँगी|लिखूंगा|लिखूंगी|बनाऊँगा|बनाऊँगी)",
        (r"(?:यह|वह|इसे|उसे|ऐसा|ऐसी|ऐसे)\s+(?:\S+\s+)?नहीं (?:लिख|बना|दिखा)\s?(?:सकता|सकती|"
        r"सकूँगा|सकूँगी|पाऊँगा|पाऊँगी)"),
        r"(?:जारी रखने|लिखने|मदद करने|बनाने|वर्णन करने)\S* में असमर्थ",
        r"(?:हिस्सा नहीं लेती|हिस्सा नहीं लेता|नहीं लिखती|नहीं लिखता)",
        r"(?:लिखने|जारी रखने|करने|बनाने|लिखना)\S* में सक्षम नहीं",),
    "self_negation": (
        r"नहीं\s(?:\S+\s?){0,2}(?:सकता|सकती|सकते|सकूँगा|सकूँगी|पाऊँगा|पाऊँगी)", r"असमर्थ"),
    "deictic": (
        rf"(?<![{_DEV}])(?:यह|इस|ऐसी|ऐसा|ऐसे|इसे|यहीं|यहाँ|इस तरह)(?![{_DEV}])",),
    "meta_strong": (rf"(?<![{_DEV}])(?:सामग्री|कंटेंट|अनुरोध|रोलप्ले|यौन|नाबालिग)",),
    "meta_weak": (
        rf"(?<![{_DEV}])(?:बातचीत|कहानी|दृश्य|सीन|विषय|दिशा|कथानक|हिंसा|वर्णन|विस्तार से)",),
    "decline": (
        (r"(?:सहज नहीं|सहज महसूस नहीं|असहज|ठीक नहीं लग|पसंद करूँगी|पसंद करूँगा|पसंद करूंगी|पसंद करूंगा|"
        r"चाहूँगी कि|चाहूँगा कि|सीमा तय|सीमा खींच|हिस्सा नहीं लेती|हिस्सा नहीं लेता|"
        r"मेरे लिए ठीक नहीं|मना करना होगा)"),
        r"रखना (?:चाहूँगी|चाहूँगा|चाहती हूँ|चाहता हूँ)",
        r'ऐसा कुछ नहीं (?:है )?जो मैं',),
    "stop": (
        r"(?:यहीं|यहाँ) (?:रुक|रोक|समाप्त|ख़त्म|खत्म)",
        r"(?:कहानी|दृश्य|रोलप्ले) को[^।.!?\n]{0,25}?(?:रोक|समाप्त|छोड़)",
        r"कहानी (?:को )?(?:यहीं )?(?:रोक|समाप्त)", r"दृश्य (?:यहीं )?समाप्त",
        r"(?:छोड़ रहा हूँ|छोड़ रही हूँ|छोड़ देता हूँ|छोड़ देती हूँ)",
        r"(?:कहानी|रोलप्ले) रोक रह",
        r"बीच में आ",
        r"ब्रेक लगाना",),
    "topic_change": (r"(?:विषय|बात) बदल",
        r"किसी और (?:चीज़|बात) के बारे में बात",),
    "talk_invite": (r"(?:बात करना चाहेंगे|बात करना चाहोगे|बात करना चाहेंगी|बात करना चाहते)",
        r'और क्या करना चाहोगे',),
    "lets": (r"(?:चलिए|आइए|चलो)",),
    "redirect": (
        (r"(?:किसी और (?:दिशा|विषय|बारे)|और किस बारे में|अगली सुबह से|दूसरी दिशा|इसके बजाय|"
        r"क्यों न)"),
        r"पर मैं (?:\S+ ){0,6}?लिख सकती",
        r"पर मैं (?:\S+ ){0,6}?लिख सकता",),
    "normative": (r"(?:सम्मानजनक|मर्यादा|उचित|अनुचित|हल्की-फुल्की)",
        r"(?:दोस्ताना|साफ़-सुथरे)",),
    "user_address": (r"(?:ख़ुशी से|खुशी से|चाहेंगे\?|चाहोगे\?|अगर आप चाहें|अगर तुम चाहो)",),
    "wellbeing": (r"(?:हेल्पलाइन|विशेषज्ञ|परामर्शदाता|भरोसेमंद व्यक्ति|मानसिक स्वास्थ्य)",),
    "apology": (
        r"(?:क्षमा करें|क्षमा कीजिए|माफ़ कीजिए|माफ कीजिए|माफ़ करना|माफ करना|खेद है|दुर्भाग्य से)",),
}

AR: Cues = {
    "assistant_offer": (r"إذا كانت لديك (?:أي )?أسئلة أخرى", r"لا تتردد في (?:طرحها|السؤال|سؤالي)",
                        r"هل (?:هناك )?(?:أي )?شيء آخر (?:يمكنني|أستطيع) (?:مساعدتك|المساعدة)",
        r"(?:في )?أي شيء آخر",),
    "further": (r"(?:أبعد من ذلك|أكثر من ذلك|بعد الآن)",),
    "limit": (r"يتجاوز ما (?:يمكنني|أستطيع) (?:إنشاؤه|كتابته|تقديمه|فعله|وصفه)",),
    "meta_verb": (r"(?:كتابة|وصف|متابعة|مواصلة|الاستمرار)",),
    "story_time": (r"(?:الليلة|اليوم|غدًا|غدا|أمس)",),
    "ai_identity": (
        (r"(?:بصفتي|كوني|بوصفي|باعتباري)\s+(?:مساعد\S*\s+)?(?:ذكاء\S*\s+اصطناعي\S*|"
        r"نموذج\S*\s+لغوي\S*|مساعد\S*\s+(?:ذكي\S*|افتراضي\S*|يعمل بالذكاء الاصطناعي))"),
        r"(?:بصفتي|كوني|بوصفي) مساعد\S* يعمل بالذكاء الاصطناعي",
        r"(?:كنموذج لغوي|كذكاء اصطناعي|كمساعد ذكي)",
        r"أنا (?:مجرد )?(?:ذكاء اصطناعي|نموذج لغوي|مساعد ذكي)",
        r"(?:بما أنني|لأنني|كوني) نموذج (?:ذكاء اصطناعي|لغوي)",),
    "ooc": (
        r"(?:أخرج|سأخرج|الخروج|خارج) (?:من )?(?:الشخصية|الدور|لعب الأدوار)",
        r"[\[(]\s*(?:ملاحظة|تنبيه|تنويه|إخلاء مسؤولية)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:ملاحظة|تنبيه|تنويه)\s*:",),
    "policy_strong": (
        r"(?:سياسات?|سياسة|إرشادات|معايير|قواعد) (?:المحتوى|الاستخدام|السلامة|المنصة)",
        r"(?:إرشاداتي|سياساتي|سياستي|مبادئي التوجيهية|المبادئ التوجيهية)",
        r"إرشادات المحتوى الخاصة بي",
        r"(?:إرشادات|سياسة|قواعد) (?:ال)?محتوى",),
    "policy_weak": (r"(?:مبادئي|قواعدي|قيمي|حدودي)",),
    "policy_against": (r"(?:يتعارض مع|يخالف|ينتهك|سيخالف|سينتهك|يتنافى مع|لا يتوافق مع)",),
    "refuse_act": (
        (r"(?:لا (?:أستطيع|يمكنني|أقدر على|أتمكن من)|لن (?:أستطيع|أتمكن من|أقوم ب)|"
        r"لست قادر(?:ًا|ا|ة)? على|غير قادر(?:ة)? على)\s*(?:\S+\s+){0,2}?(?:ال)?(?:مساعد|"
        r"استمرار|متابعة|مواصلة|تقديم|إنشاء|كتابة|تلبية|مشاركة|وصف|الاستجابة|إكمال|تطوير|"
        r"أن أساعد|أن أكمل|أن أكتب|أن أستمر|أن أواصل|تصوير|المضي)"),
        r"لن (?:أكتب|أكمل|أستمر|أواصل|أصف)",
        r"(?:لا أشارك|لا أكتب|لا أنتج) (?:في )?(?:مثل|هذا|هذه)"),
    "self_negation": (
        r"(?:لا (?:أستطيع|يمكنني|أقدر على|أتمكن من)|لن (?:أستطيع|أتمكن)|لست قادر|غير قادر)",),
    "deictic": (
        r"(?<!\w)(?:هذا|هذه|ذلك|تلك|هنا|بهذا|بهذه|هكذا|مثل هذا|هذا النوع|أبعد)(?!\w)",),
    "meta_strong": (
        r"(?<!\w)[وفبلك]?(?:ال)?(?:محتو|طلب|لعب الأدوار|جنسي|قاصر)\w*",),
    "meta_weak": (
        r"(?<!\w)[وفبلك]?(?:ال)?(?:محادث|قص[ةصت]|مشهد|موضوع|اتجاه|حبك|عنف|حديث|تفصيل|تفاصيل)\w*",),
    "decline": (
        (r"(?:لا أشعر بالراحة|لا أشعر بالارتياح|لا أرتاح|غير مرتاح|أفضّل|أفضل أن|أضع حدًا|أضع حدا|"
        r"وضع حد|لا أشارك|لا أرى من المناسب|الاعتذار عن)"),
        r"(?:أودّ|أود) أن (?:يبقى|نبقي|نحافظ|تبقى)",
        r'ليس شيئًا (?:أستطيع|يمكنني)',),
    "stop": (
        (r"(?:أتوقف|سأتوقف|التوقف|أوقف|إيقاف|أنهيت|سأنهي|سأترك)\s*(?:\S+\s+){0,3}?(?:هنا|القصة|"
        r"المشهد|لعب الأدوار|عند هذه النقطة|عند هذا الحد)"),
        r"(?:سأتجاوز|سأتخطى|أتخطى)",
        r"(?:سأوقف|أوقف) (?:قصتنا|القصة|المشهد) مؤقتًا",
        r"سأتدخل",
        r"أخفف السرعة",),
    "topic_change": (r"(?:نغيّر|نغير|تغيير|لنغير|لنغيّر) الموضوع", r"موضوع آخر",
        r"الحديث عن شيء (?:مختلف|آخر)",
        r"(?:لنتحدث|نتحدث) عن شيء آخر",),
    "talk_invite": (r"(?:تود|تودين|تريد|تحب) (?:أن )?(?:نتحدث|الحديث|التحدث|تتحدث)",
        r"(?:ندردش|نتحدث) عنه",
        r'ماذا (?:تود|تريد) أن تفعل',),
    "lets": (r"(?:دعنا|لنحافظ|لنغير|لنغيّر|لنبق)",
        r"لنجعل",),
    "redirect": (
        (r"(?:شيء آخر|مشهد آخر|اتجاه آخر|مكان آخر|بدلًا من ذلك|بدلا من ذلك|ما رأيك أن|"
        r"هل يمكننا الانتقال|نستأنف)"),
        r"لكن يمكنني كتابة",),
    "normative": (r"(?:محترم|احترام|لائق|لطيف ومحترم)",
        r"(?:ودودين|ودودًا|أجواء سليمة)",
        r"(?:ودية|ودي)",),
    "user_address": (
        r"(?:يسعدني|إذا (?:كنت )?(?:تريد|تودّ|تود|ترغب)|هل تود|هل تودين|تود الحديث|تود التحدث)",),
    "wellbeing": (r"(?:خط دعم|خط مساعدة|مختص|معالج نفسي|طبيب نفسي|شخص تثق به|الصحة النفسية)",),
    "apology": (r"(?:عذرًا|عذرا|آسف|آسفة|للأسف|أعتذر|مع الأسف|يؤسفني)",),
}

HE: Cues = {
    "assistant_offer": (r"אם יש לך שאלות (?:אחרות|נוספות)", r"אל ת(?:הסס|הססי) לשאול",
                        r"(?:במה|איך) עוד (?:אני )?(?:יכול|יכולה) לעזור",
        r"בכל דבר אחר",),
    "further": (r"(?:הלאה|יותר מזה)",),
    "limit": (r"חורג ממה ש(?:אני )?(?:יכול|יכולה)",),
    "meta_verb": (r"(?:לכתוב|לתאר|להמשיך)",),
    "story_time": (r"(?:הלילה|היום|מחר|אתמול)",),
    "ai_identity": (
        r"(?:^|\s)(?:כ|בתור )(?:עוזר |עוזרת )?(?:בינה מלאכותית|מודל שפה|ai|צ'אטבוט)",
        r"אני (?:רק )?(?:בינה מלאכותית|מודל שפה)",
        r"(?:מכיוון ש|כי |בגלל ש)אני מודל (?:בינה מלאכותית|שפה)",),
    "ooc": (
        r"(?:יוצא|יוצאת|לצאת) (?:רגע )?(?:מהדמות|מהתפקיד|ממשחק התפקידים)",
        r"[\[(]\s*(?:הערה|הבהרה|הסתייגות|שים לב)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:הערה|הבהרה)\s*:",),
    "policy_strong": (
        r"(?:מדיניות|הנחיות|כללי) (?:ה)?(?:תוכן|שימוש|בטיחות|פלטפורמה)",
        r"(?:להנחיות|הנחיות|למדיניות|מדיניות) (?:התוכן )?שלי"),
    "policy_weak": (r"(?:העקרונות|הכללים|הערכים|הגבולות) שלי",),
    "policy_against": (r"(?:מנוגד|בניגוד|מפר|יפר|סותר)",),
    "refuse_act": (
        (r"(?:אני לא|אינני|לא) (?:יכול|יכולה|מסוגל|מסוגלת)\s+(?:\S+\s+)?(?:לעזור|להמשיך|לספק|"
        r"ליצור|לכתוב|להשתתף|לתאר|להיענות|לסייע|לפתח|להציג|לגלם)"),
        r"לא (?:אכתוב|אמשיך|אתאר|אפתח|אשתתף)", r"לא אוכל ל\S+",
        r"(?:אני לא|אינני) (?:משתתף|משתתפת|כותב|כותבת) (?:ב)?(?:תוכן|סיפורים|סצנות|כזה|כאלה)",
        r"(?:אני לא|אינני) (?:מתאר|מתארת|כותב|כותבת) \S+ (?:ב)?(?:רמת פירוט|פירוט|כזה|כזו)"),
    "self_negation": (r"(?:אני לא|אינני) (?:יכול|יכולה|מסוגל|מסוגלת)",),
    "deictic": (
        r"(?<!\w)(?:זה|זו|זאת|הזה|הזו|הזאת|כזה|כזו|כזאת|כאן|מהסוג הזה|בכיוון הזה)(?!\w)",),
    "meta_strong": (r"(?<!\w)[והבלמשכ]{0,2}(?:תוכן|בקשה|משחק התפקידים|מיני|קטינ|קטין)\w*",),
    "meta_weak": (
        r"(?<!\w)[והבלמשכ]{0,2}(?:שיחה|שיח|סיפור|סצנ|נושא|כיוון|עלילה|אלימות|פירוט)\w*",),
    "decline": (
        (r"(?:לא נוח לי|לא מרגיש לי נכון|לא מרגישה בנוח|לא מרגיש בנוח|מעדיף|מעדיפה|"
        r"להציב (?:כאן )?גבול|לשים גבול|לא משתתף|לא משתתפת|אי נוחות|אצטרך לוותר)"),
        r"הייתי רוצה לשמור",
        r'לא משהו ש(?:אני )?(?:יכול|יכולה)',),
    "stop": (
        (r"(?:לעצור|אעצור|עוצר|עוצרת|סיימתי|לסיים|להפסיק)\s*(?:\S+\s+){0,3}?(?:כאן|את הסיפור|"
        r"את הסצנה|את משחק התפקידים)"),
        r"(?:אדלג|אשמיט|מדלג|מדלגת)",
        r"כאן (?:\S+ ){0,3}?(?:לעצור|אעצור|עוצר|עוצרת)",
        r"(?:עוצר|עוצרת) (?:את )?(?:הסיפור|המשחק) שלנו",
        r"נכנס(?:ת)? כאן",
        r"(?:ללחוץ|לוחצת|לוחץ) (?:קצת )?על הבלמים",),
    "topic_change": (r"(?:נחליף|להחליף|החלפת) נושא", r"נושא אחר",
        r"לדבר על משהו אחר",),
    "talk_invite": (r"(?:תרצה|תרצי|היית רוצה) לדבר",
        r"(?:לפטפט|לדבר) עליו",
        r'מה עוד היית רוצה לעשות',),
    "lets": (r"(?:בוא נ|בואי נ|בואו נ)",),
    "redirect": (
        r"(?:משהו אחר|כיוון אחר|סצנה אחרת|במקום זה|מה דעתך ש|נמשיך מ|בוא נשמור|בואי נשמור)",
        r"אבל אני (?:יכולה|יכול) (?:לכתוב|להציע)",),
    "normative": (r"(?:מכבד|בכבוד|הולם|הולמ|לכל גיל|קלילה ומכבדת)",
        r"(?:ידידותיים|ידידותי|באווירה נקייה)",),
    "user_address": (r"(?:אשמח|אם תרצה|אם תרצי|תרצה לדבר|היית רוצה)",),
    "wellbeing": (
        r"(?:קו סיוע|קו תמיכה|איש מקצוע|אשת מקצוע|פסיכולוג|מטפל|מישהו שאתה סומך)",),
    "apology": (r"(?:מצטער|מצטערת|סליחה|לצערי|מתנצל|מתנצלת)",),
}

NL: Cues = {
    "assistant_offer": (
        r"\bals je (?:nog )?(?:andere|meer) vragen hebt\b", r"\bstel ze gerust\b", r"\bvraag gerust\b",
        r"\bkan ik je (?:nog )?ergens anders mee helpen\b",
        r"\bmet al het andere help\b",),
    "further": (r"\b(?:verder|niet meer)\b",),
    "limit": (r"\bverder dan wat ik (?:kan|mag) (?:maken|schrijven|genereren|doen|beschrijven)\b",),
    "meta_verb": (r"\b(?:schrijven|beschrijven|voortzetten|doorgaan)\b",),
    "story_time": (r"\b(?:vanavond|vandaag|morgen|gisteren)\b",),
    "ai_identity": (
        (r"\bals (?:een )?(?:ai|ki|taalmodel|ai-assistent|ai-model|chatbot|"
        r"kunstmatige intelligentie)\b"),
        (r"\bik ben (?:maar |slechts )?(?:een )?(?:[\w-]+ )?(?:ai|taalmodel|"
        r"kunstmatige intelligentie)\b"),
        r"\b(?:omdat|aangezien) ik een (?:ai|taal)-?model ben\b",),
    "ooc": (
        r"\b(?:uit (?:mijn|de) rol|uit (?:mijn|het) personage|uit het rollenspel)\b",
        r"[\[(]\s*(?:opmerking|noot|let op|disclaimer|nb)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:opmerking|noot|let op)\s*:",),
    "policy_strong": (
        (r"\b(?:inhouds|gebruiks|veiligheids|community)(?:richtlijnen|beleid|regels|"
        r"voorwaarden)\b"),
        r"\bmijn (?:richtlijnen|beleid|inhoudsrichtlijnen)\b", r"\bgebruiksvoorwaarden\b",
        r"\binhoudsregels\b",),
    "policy_weak": (r"\bmijn (?:regels|principes|waarden|grenzen)\b",),
    "policy_against": (
        r"\b(?:gaat (?:in )?tegen|in strijd met|schendt|zou schenden|indruist tegen)\b",),
    "refuse_act": (
        (r"\bik (?:kan|mag|ga|wil|zal|ben)\b[^.!?\n]{0,40}?\bniet\b[^.!?\n]{0,30}?(?:helpen|"
        r"doorgaan|voortzetten|verdergaan met|verder gaan met|voldoen|schrijven|genereren|"
        r"leveren|beschrijven|meewerken|uitwerken|weergeven|in staat)"),
        (r"\b(?:kan|ga|mag|wil|zal) ik\b[^.!?\n]{0,40}?\bniet\b[^.!?\n]{0,20}?(?:helpen|doorgaan|"
        r"voortzetten|schrijven|beschrijven|uitwerken)"),
        (r"\bik (?:kan|mag|ga|wil|zal)\b[^.!?\n]{0,20}?\bgeen\b[^.!?\n]{0,40}?(?:schrijven|maken|"
        r"genereren|leveren|beschrijven)"),
        r"\bik (?:schrijf|maak|genereer) (?:geen|zulke)\b",
        r"\bik kan niet verder (?:gaan )?met (?:dit|dat|het|deze)\b",
        r"\b(?:hier|daar) niet (?:mee )?verder (?:kan|gaan)\b", r"\bkan ik (?:hier )?niet mee verder\b"),
    "self_negation": (
        r"\bik (?:kan|mag|ga|zal)\b[^.!?\n]{0,40}?\b(?:niet|geen)\b",
        r"\b(?:kan|ga|mag|zal) ik\b[^.!?\n]{0,40}?\b(?:niet|geen)\b"),
    "deictic": (r"\b(?:dit|dat|deze|zulke|zo['’]n|zoiets|hier|hiermee|daarmee|verder)\b",),
    "meta_strong": (
        (r"\b(?:rollenspel\w*|inhoud|content|verzoek\w*|expliciet\w*|seksu\w*|"
        r"minderjarig\w*)\b"),),
    "meta_weak": (
        (r"\b(?:rp|scène\w*|scene\w*|verhaal\w*|verhaallijn\w*|plot|gesprek\w*|chat|"
        r"onderwerp\w*|richting|fictie|geweld\w*|in detail)\b"),),
    "decline": (
        r"\bik voel me (?:er )?niet (?:prettig|op mijn gemak|goed|comfortabel)\b",
        r"\bhet voelt niet goed\b", r"\bvoelt ongemakkelijk\b", r"\bik (?:houd|hou)\b[^.!?\n]{0,25}?\bliever\b",
        r"\bik (?:zou )?(?:het )?liever\b", r"\b(?:een grens trekken|grens stellen)\b",
        r"\bdoe ik niet mee\b", r"\bniet iets wat ik\b",
        r"\bmoet ik (?:hier )?(?:helaas )?(?:voor )?passen\b", (r"\b(?:vind ik het|ik vind het) "
        r"ongemakkelijk\b"), r"\bongemakkelijk om\b",
        r"\bzou\b[^.!?\n]{0,30}?\bgraag\b[^.!?\n]{0,30}?\bhouden\b",
        r"\bik voel me (?:echt |helemaal )?niet (?:prettig|op mijn gemak|goed)\b",
        r"\bik zou liever hebben dat\b",
        r'\bik zou\b[^.!?\n]{0,30}?\bliever\b',),
    "stop": (
        (r"\b(?:stop|stoppen|pauzeren|pauze|onderbreken|beëindigd|beëindigen|stilleggen)\b"
        r"[^.!?\n]{0,25}?\b(?:hier|het verhaal|de scène|het rollenspel)\b"),
        r"\bhier\b[^.!?\n]{0,20}?\b(?:stoppen|pauzeren|onderbreken|stop)\b",
        (r"\b(?:het verhaal|de scène|het rollenspel)\b[^.!?\n]{0,20}?\b(?:stilleggen|pauzeren|"
        r"stoppen|onderbreken|stop)\b"),
        r"\b(?:sla ik over|laat ik achterwege|laat het hierbij|ik laat het hierbij)\b",
        r"\bzet (?:ons |het |dit )?(?:verhaal|rollenspel|spel) (?:even )?stil\b",
        r"\bik grijp\b[^.!?\n]{0,30}\bin\b",
        r"\bop de rem (?:trappen|staan)\b",),
    "topic_change": (
        r"\bvan onderwerp (?:veranderen|wisselen)\b", r"\bover iets anders (?:hebben|praten)\b",
        r"\bander onderwerp\b",
        r"\bover iets anders hebben\b",),
    "talk_invite": (
        r"\b(?:wil je|wilt) (?:graag )?(?:over \w+ )?praten\b",
        r"\bwaar (?:je|u) (?:graag )?over wil(?:t)? praten\b",
        r"\b(?:kletsen|praten)\?",
        r'\bwat zou je nog meer willen doen\b',),
    "lets": (r"\blaten we\b",),
    "redirect": (
        (r"\b(?:iets anders|een andere kant|andere richting|in plaats daarvan|laten we (?:het|ons)|"
        r"wat als ze)\b"),
        r"\bmaar ik (?:kan|zou) (?:\w+ ){0,3}?(?:schrijven|aanbieden)\b",),
    "normative": (r"\b(?:respectvol\w*|gepast\w*|ongepast\w*|netjes|luchtig\w*)\b",
        r"\b(?:gezellig houden|gezond houden)\b",),
    "user_address": (
        (r"\b(?:als je (?:wilt|dat wilt|liever)|wil je|laat (?:me|het) weten|help je graag|"
        r"ik help je graag|je verzoek)\b"),),
    "wellbeing": (
        (r"\b(?:hulplijn|een professional|psycholoog|therapeut|113|iemand die je vertrouwt|"
        r"mentale gezondheid)\b"),),
    "apology": (r"\b(?:het spijt me|sorry|helaas|excuses|mijn excuses)\b",),
}

TR: Cues = {
    "assistant_offer": (r"başka (?:soruların|sorunuz|bir sorun) varsa", r"çekinmeden sor",
                        r"başka (?:nasıl|bir konuda) yardımcı olabilirim",
        r"başka her konuda",),
    "further": (r"(?:daha ileri|daha fazla|artık)",),
    "limit": ((r"(?:oluşturabileceğim|yazabileceğim|yapabileceğim|üretebileceğim) "
              r"(?:şeylerin|sınırların)? ?ötesinde"),),
    "meta_verb": (r"(?:yazmak|anlatmak|betimlemek|sürdürmek|devam etmek)",),
    "story_time": (r"(?:bu gece|bugün|yarın|dün)",),
    "ai_identity": (
        r"(?:yapay zek[aâ]|dil modeli|ai|sohbet botu)(?: asistanı)? olarak",
        r"ben (?:sadece )?(?:\w+ ){0,2}?bir (?:\w+ )?(?:yapay zek[aâ]|dil modeli)",
        r"(?:yapay zek[aâ]|dil) modeli olduğum için",),
    "ooc": (
        (r"(?:karakterden|rolden|rol yapmaktan|rol yapma oyunundan) (?:çık|çıkıyor|çıkmam|"
        r"çıkarak)"),
        r"[\[(]\s*(?:not|uyarı|açıklama)\s*[:：\-—]"),
    "note_label": (r"^\W*(?:not|uyarı)\s*:",),
    "policy_strong": (
        r"(?:içerik|kullanım|güvenlik|topluluk) (?:politika\w*|yönerge\w*|kural\w*|ilke\w*)",
        r"(?:yönergelerim\w*|politikalarım\w*|ilkelerim\w*)"),
    "policy_weak": (r"(?:kurallarım\w*|değerlerim\w*|sınırlarım\w*)",),
    "policy_against": (r"(?:aykırı|ihlal ed|ters düş)",),
    "refuse_act": (
        (r"(?:devam ed|devam ettir|yardımcı ol|yardım ed|yaz|oluştur|sağla|karşıla|üret|katıl|"
        r"betimle|tasvir ed|anlat|sürdür|geliştir)(?:e|a|ye|ya)(?:m[ae]m|m[ıi]yorum)"),
        r"(?:yaz|anlat|devam et|sürdür|betimle)(?:mayacağım|meyeceğim)",
        (r"(?:devam ed|devam ettir|sürdür|yaz|anlat|betimle|götür|ilerlet)(?:e|a|ye|ya)"
        r"m[ae]y[ae]c[ae]ğ[ıi]m"),
        r"(?:yer almıyorum|yazmıyorum|üretmiyorum|katılmıyorum)",
        r"(?:yazabilecek|devam edebilecek|anlatabilecek|sürdürebilecek) durumda değilim",),
    "self_negation": (r"\w+(?:[ae]m[ae]m|[ae]m[ıi]yorum|[ae]m[ae]y[ae]c[ae]ğ[ıi]m)\b",),
    "deictic": (r"\b(?:bu|bunu|bunun|böyle|bu tür|bu konuda|burada|daha ileri|bu yönde|şu)\b",),
    "meta_strong": (r"(?:içerik|istek|talep|rol yapma|roleplay|cinsel|reşit olmayan)",),
    "meta_weak": (
        r"(?:konuşma|sohbet|hik[aâ]ye|sahne|konuyu|bu konu|başka konu|kurgu|şiddet|ayrıntılı)",),
    "decline": (
        (r"(?:rahat hissetmiyorum|rahat değilim|tercih ederim|bir sınır çiz|sınır koy|"
        r"yer almıyorum|bana doğru gelmiyor|uygun bulmuyorum|içime sinmiyor|rahatsız ediyor|"
        r"pas geçmem)"),
        r"(?:tutmak|tutmayı|kalmak) (?:isterim|istiyorum)",
        r'(?:yazabileceğim|yapabileceğim) bir şey değil',),
    "stop": (
        (r"(?:burada|bu noktada) (?:biraz )?(?:durmam|duruyorum|duracağım|bitirdim|bitiriyorum|"
        r"ara ver|bırakıyorum)"),
        r"(?:hik[aâ]yeyi|sahneyi|rol yapmayı)[^.!?\n]{0,25}?(?:durdur|bitir)",
        r"(?:atlıyorum|atlayacağım)",
        r"(?:hik[aâ]yemizi|hik[aâ]yeyi|oyunumuzu|sahneyi) (?:biraz )?duraklat",
        r"araya giriyorum",
        r"frene bas",),
    "topic_change": (r"konuyu değiştir", r"başka (?:bir )?konu",
        r"başka bir şey hakkında konuş",),
    "talk_invite": (r"(?:konuşmak istediğin|konuşmak ister misin|konuşmak istersin)",
        r"sohbet etmek istediğin",
        r'başka ne yapmak istersin',),
    "lets": (r"(?:tutalım|değiştirelim|konuşalım|kalalım)",),
    "redirect": (
        (r"(?:başka (?:bir )?(?:şey|yön|sahne)|başka ne hakkında|bunun yerine|nasıl olur|"
        r"devam edelim mi|dönelim mi|ertesi sabahtan)"),
        r"ama (?:\w+ ){0,4}?yazabilirim",),
    "normative": (r"(?:saygılı|genel izleyiciye uygun|uygunsuz|uygun sınır)",
        r"(?:samimi kalalım|sağlıklı bir hava)",),
    "user_address": (
        r"(?:memnuniyetle|yardımcı olabilirim|ister misin|\bistersen\b|konuşmak istediğin)",),
    "wellbeing": (
        (r"(?:destek hattı|yardım hattı|bir uzman|psikolog|terapist|güvendiğin biri|"
        r"ruh sağlığı)"),),
    "apology": (r"(?:üzgünüm|kusura bakma|maalesef|özür dilerim|ne yazık ki)",),
}

#: cues per language (ISO 639-1)
BY_LANGUAGE: Mapping[str, Cues] = {
    "en": EN, "ru": RU, "uk": UK, "ja": JA, "zh": ZH, "ko": KO, "es": ES, "fr": FR, "de": DE,
    "it": IT, "pt": PT, "pl": PL, "hi": HI, "ar": AR, "he": HE, "nl": NL, "tr": TR,
}

#: interjections opening a lead-in, any language
HEDGE: tuple[str, ...] = (
    # an interjection on its own: "Hmm, ...", "Hold on.", "ちょっと待ってください。" (not "Give me
    # a minute, ..."); Latin and Cyrillic words end at a word boundary, the others at punctuation
    (r"^\W*(?:hmm+|hm+|mmm+|um+|uh+|well|okay|ok|so|ah|oh|hold on|wait|one moment|moment|"
     r"moment mal|bueno|vale|eh|euh|bon|tja|ehm|beh|tá|dobra|dobrze|chwileczkę|chwila|espera|"
     r"attends|attendez|aspetta|un momento|momento|oké|wacht even|tamam|peki|bir dakika|hımm?|"
     r"хм+|гм+|ммм+|ну|так|подожди\w*|погоди\w*|зачекай\w*|хвилинку|минутку)"
     r"(?=\s*(?:[,.!…:;—–-]|$))"),
    (r"^\W*(?:うーん|ええと|えっと|あの|ちょっと待って(?:ください)?|待って(?:ください)?|嗯|呃|好|等一下|"
     r"稍等|음|흠|잠깐만요|잠깐|हम्म|ठीक है|अच्छा|रुको(?: ज़रा)?|همم|حسنًا|لحظة(?: من فضلك)?|הממ|טוב|"
     r"רגע)(?=\s*(?:[,.!…:;、。，！।،؟—–-]|$))"),
)

CATEGORIES: tuple[str, ...] = (
    "ai_identity", "ooc", "note_label", "policy_strong", "policy_weak", "policy_against",
    "refuse_act", "self_negation", "limit", "meta_verb", "story_time", "deictic", "further",
    "assistant_offer",
    "meta_strong", "meta_weak", "decline", "stop",
    "topic_change", "talk_invite", "lets", "redirect", "normative", "user_address",
    "wellbeing", "apology")

#: every category with the patterns of all languages (what the scorer compiles)
CUES: Mapping[str, tuple[str, ...]] = {
    **{category: tuple(p for cues in BY_LANGUAGE.values() for p in cues.get(category, ()))
       for category in CATEGORIES},
    "hedge": HEDGE,
}
