"""Salvage of partially refused model output, before any extra model call.

A "filtered" answer is often several hundred characters of usable story followed by one
sentence of model anxiety ("I'm sorry, but I can't continue with this."). `salvage` keeps the
story and drops the tail:

1. take the `content` field out of JSON-wrapped output (`{"content": "..."}`, fenced or not,
   even cut short);
2. cut at the first refusal sentence (markers for the 17 supported languages below) and drop
   the apologetic lead-in sentences right before it;
3. cut to the last sentence end (a half-written sentence is dropped);
4. keep the result only if it is at least `MIN_SALVAGE_CHARS` long: the gate that stops
   "I can't help" from being salvaged as "I can".

A refusal marker is a *refusal*, not a negation: "I can't believe you came back" is a line of
the story; "I can't continue with this" is the model stepping out of it. Markers therefore
pair the negated modal with a verb of assisting/continuing/writing, or name the model itself
("As an AI ..."). Pure functions, no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: the salvaged text must be at least this long (characters, after stripping)
MIN_SALVAGE_CHARS = 150

#: languages with refusal markers (ISO 639-1); tr and uk are the two beyond the issue's 15
LANGUAGES: tuple[str, ...] = ("en", "ru", "ja", "zh", "ko", "es", "fr", "de", "it", "pt", "pl",
                              "hi", "ar", "he", "nl", "tr", "uk")

_LATIN_GAP = r"[^.!?\n]{0,40}?"

#: refusal sentence patterns per language (case-insensitive)
REFUSAL_MARKERS: Mapping[str, tuple[str, ...]] = {
    "en": (
        r"\bi\s*(?:can(?:'|’)?t|cannot|can not|won(?:'|’)t|will not|am not able to|(?:'|’)m not "
        r"able to|am unable to|(?:'|’)m unable to|must decline to|have to decline to|"
        r"(?:'|’)m not comfortable|am not comfortable)\b" + _LATIN_GAP +
        r"\b(?:help|assist|continue|comply|provide|create|write|generate|produce|engage|"
        r"fulfil+|proceed|participate|describe|role-?play|go on with|go any further|"
        r"do that|with (?:that|this|your) (?:request|scene|content|story|roleplay))",
        r"\bas an? (?:ai|artificial intelligence|language model|large language model|"
        r"ai language model|ai assistant)\b",
        r"\b(?:against|violates?|outside) (?:my|the|our) (?:content |usage )?"
        r"(?:guidelines|polic(?:y|ies)|programming)\b",
        r"\bi(?:'|’)?m not (?:allowed|permitted) to (?:continue|write|create|describe|generate)",
    ),
    "ru": (
        r"\bя не (?:могу|буду|в состоянии|стану)\b" + _LATIN_GAP +
        r"(?:продолж|помо[гч]|выполн|созда|напис|писать|сгенерир|предостав|участв|описа|"
        r"описыв|обсужда|с этим запросом)",
        r"\bкак (?:ии|искусственный интеллект|языковая модель|ai)\b",
        r"\b(?:противоречит|нарушает) (?:моим |правилам|политике)",
    ),
    "uk": (
        r"\bя не (?:можу|буду|в змозі)\b" + _LATIN_GAP +
        r"(?:продовж|допомог|викона|створ|напис|писати|згенер|нада|участ|опис|з цим запитом)",
        r"\bяк (?:ші|штучний інтелект|мовна модель)\b",
        r"\b(?:суперечить|порушує) (?:моїм |правилам|політиці)",
    ),
    "ja": (
        r"(?:続ける|続行する|お手伝いする|手伝う|作成する|書く|提供する|生成する|描写する|"
        r"応じる|お応えする|対応する)ことは?(?:でき|出来)(?:ません|ない)",
        r"(?:この|その|こちらの)(?:リクエスト|要求|依頼|内容|ご要望)(?:に|には|は)"
        r"(?:お応え|対応|応じる|お答え)(?:することが)?(?:でき|出来)(?:ません|ない)",
        r"(?:AI|ＡＩ|人工知能|言語モデル)として",
        r"(?:ガイドライン|ポリシー)に(?:反する|違反する|抵触する)",
    ),
    "zh": (
        r"(?:我)?(?:无法|不能|不可以|没办法)(?:继续|帮助|协助|提供|完成|满足|生成|创作|编写|写|"
        r"参与|描述|回应)(?:这|此|该|你的|您的|这个|这类|下去)",
        r"作为(?:一个|一名)?(?:AI|ＡＩ|人工智能|语言模型|AI助手)",
        r"(?:违反|不符合)(?:我的|相关)?(?:内容)?(?:政策|准则|规定)",
    ),
    "ko": (
        r"(?:계속할|계속 진행할|도와드릴|도와줄|제공할|작성할|생성할|응할|진행할|묘사할|"
        r"참여할) 수 (?:없습니다|없어요|없어)",
        r"(?:AI|인공지능|언어 모델)(?:로서|으로서)",
        r"(?:가이드라인|정책)에 (?:위배|어긋나)",
    ),
    "es": (
        r"\bno (?:puedo|me es posible|estoy en condiciones de|voy a)\b" + _LATIN_GAP +
        r"(?:ayudar|continuar|seguir con|proporcionar|crear|escribir|generar|cumplir|"
        r"participar|asistir|describir|con (?:eso|esto|esta solicitud|esa solicitud))",
        r"\bcomo (?:una |un )?(?:ia|inteligencia artificial|modelo de lenguaje|asistente de ia)\b",
        r"\b(?:va en contra de|infringe|viola) (?:mis|las|nuestras) (?:directrices|políticas|"
        r"normas)",
    ),
    "fr": (
        r"\bje ne (?:peux|suis pas en mesure d(?:e|')|vais pas|pourrai pas)\b" + _LATIN_GAP +
        r"(?:aider|continuer|poursuivre|fournir|créer|écrire|générer|répondre à cette|"
        r"participer|décrire|donner suite)",
        r"\ben tant qu(?:'|’|e )(?:ia|intelligence artificielle|modèle de langage|"
        r"assistant ia)\b",
        r"\b(?:contraire à|enfreint|viole) (?:mes|les|nos) (?:directives|règles|politiques)",
    ),
    "de": (
        r"\bich (?:kann|werde|darf)\b[^.!?\n]{0,40}?\bnicht\b" + _LATIN_GAP +
        r"(?:helfen|fortfahren|fortsetzen|weitermachen|weiterführen|nachkommen|erfüllen|"
        r"erstellen|schreiben|generieren|unterstützen|bereitstellen|beschreiben|mitmachen)",
        r"\bals (?:eine |ein )?(?:ki|künstliche intelligenz|sprachmodell|ki-assistent)\b",
        r"\b(?:verstößt gegen|widerspricht) (?:meinen|meine|den|unseren) (?:richtlinien|regeln)",
    ),
    "it": (
        r"\bnon (?:posso|sono in grado di|riesco a)\b" + _LATIN_GAP +
        r"(?:aiutar|continuar|proseguire|fornire|creare|scrivere|generare|soddisfare|"
        r"partecipare|descrivere|assecondare)",
        r"\bcome (?:un(?:'|’| )?)?(?:ia|intelligenza artificiale|modello linguistico|"
        r"assistente ia)\b",
        r"\b(?:contrario alle|viola le) (?:mie |nostre )?(?:linee guida|politiche|regole)",
    ),
    "pt": (
        r"\bnão (?:posso|consigo|sou capaz de|vou)\b" + _LATIN_GAP +
        r"(?:ajudar|continuar|prosseguir|fornecer|criar|escrever|gerar|atender|participar|"
        r"descrever|com (?:isso|esse pedido|essa solicitação))",
        r"\bcomo (?:uma |um )?(?:ia|inteligência artificial|modelo de linguagem|"
        r"assistente de ia)\b",
        r"\b(?:viola|vai contra) (?:as |minhas |nossas )?(?:diretrizes|políticas|regras)",
    ),
    "pl": (
        r"\bnie (?:mogę|jestem w stanie|będę)\b" + _LATIN_GAP +
        r"(?:pomóc|kontynuować|spełnić|stworzyć|napisać|pisać|wygenerować|dostarczyć|"
        r"uczestniczyć|opisać|w tym pomóc)",
        r"\bjako (?:ai|si|sztuczna inteligencja|model językowy|asystent ai)\b",
        r"\b(?:narusza|jest sprzeczne z) (?:moimi |zasadami|wytycznymi)",
    ),
    "hi": (
        r"(?:मदद|सहायता|जारी|पूरा|प्रदान|निर्माण|लेखन|वर्णन)[^।.!?\n]{0,20}?नहीं "
        r"(?:कर|रख|दे) (?:सकता|सकती|सकूंगा|सकूंगी|पाऊंगा|पाऊंगी)",
        r"(?:इसे|यह|ऐसा) (?:लिख|बना|जारी रख) नहीं (?:सकता|सकती)",
        r"(?:एक )?(?:एआई|AI|कृत्रिम बुद्धिमत्ता|भाषा मॉडल) (?:के रूप में|होने के नाते)",
        r"(?:दिशानिर्देशों|नीतियों) (?:के खिलाफ|का उल्लंघन)",
    ),
    "ar": (
        r"(?:لا (?:أستطيع|يمكنني|أقدر على)|لن (?:أستطيع|أتمكن من)) (?:ال)?(?:مساعد|استمرار|"
        r"متابعة|تقديم|إنشاء|كتابة|تلبية|المشاركة|وصف|الاستجابة|مواصلة|أن أساعد|أن أكمل|"
        r"أن أكتب|إكمال)",
        r"(?:بصفتي|كوني|بوصفي) (?:ذكاء(?:ً)? اصطناعي|نموذج(?:ًا)? لغوي|مساعد(?:ًا)? ذكي)",
        r"كنموذج لغوي|كذكاء اصطناعي",
        r"(?:يتعارض مع|ينتهك) (?:إرشاداتي|سياساتي|المبادئ التوجيهية)",
    ),
    "he": (
        r"(?:אני לא|אינני) (?:יכול|יכולה|מסוגל|מסוגלת) (?:לעזור|להמשיך|לספק|ליצור|לכתוב|"
        r"להשתתף|לתאר|להיענות|לסייע)",
        r"(?:כבינה מלאכותית|כמודל שפה|בתור בינה מלאכותית|בתור מודל שפה)",
        r"(?:מנוגד|בניגוד) (?:להנחיות|למדיניות)",
    ),
    "nl": (
        r"\bik (?:kan|mag|ga)\b[^.!?\n]{0,40}?\bniet\b" + _LATIN_GAP +
        r"(?:helpen|doorgaan|voortzetten|voldoen|maken|schrijven|genereren|leveren|"
        r"beschrijven|meewerken|verder)",
        r"\bik kan (?:je )?niet (?:helpen|doorgaan|verder)",
        r"\bals (?:een )?(?:ai|ki|taalmodel|ai-assistent)\b",
        r"\b(?:in strijd met|schendt) (?:mijn|de|onze) (?:richtlijnen|regels|beleid)",
    ),
    "tr": (
        r"(?:yardımcı olamam|yardım edemem|devam edemem|devam ettiremem|bunu yapamam|"
        r"yazamam|oluşturamam|sağlayamam|karşılayamam|üretemem|katılamam|betimleyemem|"
        r"yerine getiremem)",
        r"(?:bir )?(?:yapay zeka|yapay zekâ|dil modeli|ai) olarak",
        r"(?:yönergelerime|politikalarıma|kurallarıma) aykırı",
    ),
}

#: sentences that introduce a refusal; dropped when they sit right before one
LEAD_IN_MARKERS: Mapping[str, tuple[str, ...]] = {
    "en": (r"\b(?:i(?:'|’)?m sorry|i am sorry|sorry|unfortunately|i apologi[sz]e|"
           r"i understand (?:that )?you|i appreciate (?:your|that you))\b",),
    "ru": (r"\b(?:извините|простите|к сожалению|мне жаль|я понимаю,? что вы)\b",),
    "uk": (r"\b(?:вибачте|на жаль|мені шкода|я розумію,? що ви)\b",),
    "ja": (r"(?:申し訳|すみません|ごめんなさい|残念ながら)",),
    "zh": (r"(?:抱歉|对不起|很遗憾|不好意思)",),
    "ko": (r"(?:죄송|미안|유감스럽게도)",),
    "es": (r"\b(?:lo siento|disculpa|lamentablemente|lo lamento|entiendo que)\b",),
    "fr": (r"\b(?:désolée?|je suis désolée?|malheureusement|je comprends que)\b",),
    "de": (r"\b(?:es tut mir leid|entschuldigung|leider|ich verstehe,? dass)\b",),
    "it": (r"\b(?:mi dispiace|purtroppo|scusa|capisco che)\b",),
    "pt": (r"\b(?:desculpe|sinto muito|infelizmente|lamento|entendo que)\b",),
    "pl": (r"\b(?:przepraszam|niestety|przykro mi|rozumiem,? że)\b",),
    "hi": (r"(?:क्षमा करें|माफ़ कीजिए|माफ कीजिए|खेद है|दुर्भाग्य से)",),
    "ar": (r"(?:عذرًا|عذرا|آسف|آسفة|للأسف|أعتذر)",),
    "he": (r"(?:מצטער|מצטערת|סליחה|לצערי)",),
    "nl": (r"\b(?:het spijt me|sorry|helaas|ik begrijp dat)\b",),
    "tr": (r"(?:üzgünüm|kusura bakma|maalesef|özür dilerim)",),
}

_FLAGS = re.IGNORECASE | re.UNICODE
_REFUSAL = tuple((lang, re.compile(p, _FLAGS)) for lang, ps in REFUSAL_MARKERS.items()
                 for p in ps)
_LEAD_IN = tuple(re.compile(p, _FLAGS) for ps in LEAD_IN_MARKERS.values() for p in ps)
# Every marker in one pattern: the fast path for the common case, an answer without any.
_ANY_REFUSAL = re.compile("|".join(f"(?:{p})" for ps in REFUSAL_MARKERS.values() for p in ps),
                          _FLAGS)

# A sentence ends at . ! ? … (and the Arabic/Hindi marks) followed by closing quotes and
# whitespace or the end, at CJK full stops, or at a line break.
_SENTENCE_END = re.compile(
    r"[.!?…؟।]+[\"'»”’)\]*」』]*(?=\s|$)|[。！？]+[」』”’）)*]*|\n+")
_JSON_CONTENT = re.compile(r'"content"\s*:\s*"((?:[^"\\]|\\.)*)("?)', re.DOTALL)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` with their spans; the last one may lack an end mark."""
    out: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[start:end].strip():
            out.append(Sentence(start, end, text[start:end]))
        start = end
    if text[start:].strip():
        out.append(Sentence(start, len(text), text[start:]))
    return out


def refusal_language(sentence: str) -> str | None:
    """The language whose refusal marker `sentence` matches, or None."""
    for lang, pattern in _REFUSAL:
        if pattern.search(sentence):
            return lang
    return None


def is_refusal_sentence(sentence: str) -> bool:
    return _ANY_REFUSAL.search(sentence) is not None


def contains_refusal(text: str) -> bool:
    """Whether any sentence of `text` is a refusal (the answer needs salvage)."""
    if _ANY_REFUSAL.search(text) is None:
        return False
    return any(is_refusal_sentence(s.text) for s in split_sentences(text))


def _is_lead_in(sentence: str) -> bool:
    return any(p.search(sentence) for p in _LEAD_IN)


def extract_json_content(text: str) -> str | None:
    """The `content` string of JSON-wrapped output (whole, fenced, or cut short), else None."""
    stripped = _FENCE.sub("", text.strip())
    if not stripped.startswith("{"):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        data = None
    if isinstance(data, Mapping):
        content = data.get("content")
        return content if isinstance(content, str) else None
    match = _JSON_CONTENT.search(stripped)
    if match is None:
        return None
    raw = match.group(1)
    raw = raw.removesuffix("\\")
    try:
        return str(json.loads(f'"{raw}"'))
    except ValueError:
        return None


def strip_refusal_tail(text: str) -> str:
    """`text` cut before its first refusal sentence, apologetic lead-ins before it dropped."""
    sentences = split_sentences(text)
    cut = next((i for i, s in enumerate(sentences) if is_refusal_sentence(s.text)), None)
    if cut is None:
        return text
    while cut > 0 and _is_lead_in(sentences[cut - 1].text):
        cut -= 1
    return text[:sentences[cut].start] if cut < len(sentences) else text


def truncate_to_sentence_end(text: str) -> str:
    """`text` up to the end of its last complete sentence (a dangling fragment dropped)."""
    text = text.rstrip()
    sentences = split_sentences(text)
    if not sentences:
        return ""
    last = sentences[-1]
    if _ends_sentence(last.text):
        return text[:last.end].rstrip()
    return text[:last.start].rstrip()


def _ends_sentence(sentence: str) -> bool:
    tail = sentence.rstrip()
    match = None
    for match in _SENTENCE_END.finditer(tail):
        pass
    return match is not None and match.end() == len(tail)


def salvage(text: str) -> str | None:
    """Usable content of a (partially) refused output, or None when nothing usable is left.

    Never returns a pure refusal: the refusal sentences go first, then the length gate.
    """
    if not text or not text.strip():
        return None
    extracted = extract_json_content(text)
    body = extracted if extracted is not None else text
    cleaned = truncate_to_sentence_end(strip_refusal_tail(body))
    cleaned = cleaned.strip()
    if len(cleaned) < MIN_SALVAGE_CHARS or contains_refusal(cleaned):
        return None
    return cleaned
