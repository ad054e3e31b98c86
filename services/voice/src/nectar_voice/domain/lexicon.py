"""Word lists of the expressive preprocessor, in the 17 languages.

- `STAGE_DIRECTION`: stems that mark a bracketed or starred span as a stage direction
  ("*laughs softly*", "(вздыхает)", "（笑）"): such spans are stripped, because Inworld reads
  them aloud or renders silence (seed article "Inworld TTS Paralinguistic Tags Don't Work").
  Latin and Cyrillic stems must start a word; stems of scripts without spaces or with
  prefixed verb forms (CJK, Korean, Devanagari, Arabic, Hebrew) match anywhere.
- `INTENSE`: cues of high energy for the mood detector.
- `TENDER`: cues of a soft, sad or intimate line (slower, steadier delivery).
- `ONOMATOPOEIA`: spelled sounds (ha-ha, mmm, ahh, хаха, 哈哈, ふふ ...) that engines render
  as the sound itself: always kept, and counted by the mood detector.

Spans are matched against every language's list, not only the reply's: roleplay replies
mix languages ("*smiles* Привет!") and a mislabelled language must not leak a tag.
"""

from __future__ import annotations

import re

#: language -> (word-start stems, anywhere stems)
_STAGE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (("laugh", "sigh", "giggl", "chuckl", "smil", "grin", "smirk", "whisper", "moan",
            "groan", "gasp", "breath", "inhale", "exhale", "pant", "cough", "cries", "crying",
            "sob", "sniff", "yawn", "wink", "blush", "kiss", "hug", "nod", "shrug", "pause",
            "clears throat", "purr", "pout", "snort", "whimper", "squeal", "laughter", "sighing",
            "winks", "chuckles", "whispering", "sighs", "breathes", "mumbl", "mutter",
            "cuddl", "snuggl", "giggle"), ()),
    "ru": (("смеёт", "смеет", "смех", "смеяс", "рассме", "вздох", "вздых", "хихик", "улыб",
            "ухмыл", "шепч", "шёпот", "шепот", "шепотом", "стон", "стонет", "простон", "плач",
            "всхлип", "кашл", "зева", "подмиг", "красне", "покрасн", "обним", "целу", "кива",
            "пожима", "пауз", "мурлы", "дыш", "выдох", "вдох", "хмык", "фырк"), ()),
    "uk": (("смі", "зітх", "усміх", "посміх", "хихо", "шепо", "шепч", "стог", "плач", "кашл",
            "позіх", "підмор", "червоні", "обійм", "цілу", "кива", "пауз", "дихає", "видих"), ()),
    "es": (("ríe", "rie", "riendo", "risa", "risita", "suspir", "sonr", "susurr", "gime",
            "gemid", "llor", "tose", "bosteza", "guiñ", "sonroj", "abraz", "besa", "asiente",
            "pausa", "ronron", "respira", "exhala", "carcaj"), ()),
    "fr": (("rit", "rire", "rires", "ricane", "soupir", "sourit", "sourire", "chuchot",
            "murmur", "gémi", "gemi", "pleur", "sanglot", "tousse", "bâill", "baill", "glouss",
            "rougit", "embrasse", "hoche", "pause", "ronronn", "respire", "expire", "clin d'œil"),
           ()),
    "de": (("lacht", "lachen", "gelächter", "seufz", "kicher", "lächel", "grins", "flüster",
            "stöhn", "wein", "schluchz", "hust", "gähn", "zwinker", "errötet", "umarm", "küss",
            "nickt", "pause", "schnurr", "atmet"), ()),
    "it": (("ride", "ridacch", "risata", "risate", "sospir", "sorrid", "sorriso", "sussurr",
            "gem", "piang", "singhiozz", "toss", "sbadigl", "ammicc", "arross", "abbracc",
            "bacia", "annuisce", "pausa", "fa le fusa", "respira"), ()),
    "pt": (("riu", "rindo", "risos", "risada", "risinho", "suspir", "sorri", "sussurr", "geme",
            "gemido", "chora", "soluç", "tosse", "boceja", "pisca", "abraç", "beija", "acena",
            "pausa", "ronron", "respira"), ()),
    "pl": (("śmieje", "śmiech", "zaśmi", "wzdycha", "westchn", "chichocze", "chichot",
            "uśmiech", "szepcze", "szept", "jęczy", "jęk", "płacze", "szloch", "kaszle",
            "ziewa", "mruga", "rumieni", "przytula", "całuje", "kiwa", "pauza", "mruczy",
            "oddycha"), ()),
    "nl": (("lacht", "lachen", "zucht", "glimlach", "grijns", "fluister", "kreun", "kreunt",
            "huil", "snik", "hoest", "giechel", "knipoog", "geeuw", "bloost", "knuffel",
            "kust", "knikt", "pauze", "spint", "ademt"), ()),
    "tr": (("güler", "gülüyor", "gülme", "kahkaha", "iç çek", "gülümse", "fısılda", "inler",
            "inliyor", "ağlar", "ağlıyor", "öksür", "kıkırda", "esner", "göz kırp", "kızarır",
            "sarıl", "öper", "başını salla", "duraklar", "nefes al", "nefes ver"), ()),
    "ja": ((), ("笑", "わら", "ため息", "溜息", "囁", "ささや", "泣", "咳", "息", "微笑", "ほほえ",
                "照れ", "赤面", "抱", "キス", "頷", "うなず", "間", "喘", "うめ", "呻", "欠伸",
                "あくび", "ウインク", "ウィンク", "くすくす", "にっこり", "ニヤ")),
    "zh": ((), ("笑", "叹气", "叹息", "叹", "哭", "咳", "低语", "耳语", "轻声", "喘", "呻吟",
                "微笑", "脸红", "拥抱", "抱", "亲吻", "点头", "停顿", "哈欠", "眨眼", "呼吸", "抽泣",
                "咯咯")),
    "ko": ((), ("웃", "한숨", "속삭", "울", "기침", "신음", "미소", "윙크", "하품", "끄덕",
                "얼굴을 붉", "안아", "포옹", "키스", "숨", "잠시")),
    "hi": ((), ("हँस", "हंस", "आह भर", "मुस्कु", "फुसफुस", "रो ", "रोती", "रोता", "खाँस", "खांस",
                "जम्हाई", "आँख मार", "शरमा", "गले लग", "चूम", "सिर हिला", "साँस", "सांस", "रुक")),
    "ar": ((), ("ضحك", "يضحك", "تضحك", "ضحكة", "قهقه", "تنهد", "يتنهد", "تتنهد", "ابتسا", "يبتسم",
                "تبتسم", "همس", "يهمس", "تهمس", "بكاء", "يبكي", "تبكي", "سعال", "يسعل", "تسعل",
                "أنين", "يئن", "تئن", "تثاؤب", "يغمز", "تغمز", "يعانق", "تعانق", "يقبل", "تقبل",
                "يتنفس", "تتنفس", "وقفة")),
    "he": ((), ("צוחק", "צוחקת", "צחוק", "מצחקק", "מצחקקת", "נאנח", "נאנחת", "אנחה", "מחייך",
                "מחייכת", "חיוך", "לוחש", "לוחשת", "בוכה", "משתעל", "משתעלת", "גונח", "גונחת",
                "מפהק", "מפהקת", "קורץ", "קורצת", "מחבק", "מחבקת", "מנשק", "מנשקת", "נושם",
                "נושמת", "הפסקה")),
}

_INTENSE: dict[str, tuple[str, ...]] = {
    "en": ("love", "adore", "amazing", "awesome", "incredible", "wow", "omg", "yay", "excited",
           "can't wait", "so much", "totally", "absolutely", "fantastic", "wonderful", "best",
           "yes", "finally", "hell yeah", "unbelievable"),
    "ru": ("обожаю", "люблю", "потрясающ", "невероятн", "ура", "круто", "офигеть", "вау",
           "класс", "супер", "наконец", "боже", "обалдеть", "восторг", "так рада", "так рад"),
    "uk": ("обожнюю", "люблю", "неймовірн", "ура", "круто", "супер", "нарешті", "боже",
           "чудово", "так рада", "так радий"),
    "es": ("me encanta", "increíble", "genial", "guau", "wow", "por fin", "te quiero", "te amo",
           "maravilloso", "fantástico", "sí", "qué emoción"),
    "fr": ("j'adore", "incroyable", "génial", "trop bien", "enfin", "je t'aime", "magnifique",
           "fantastique", "waouh", "ouais", "super"),
    "de": ("liebe", "unglaublich", "wahnsinn", "großartig", "endlich", "toll", "super",
           "fantastisch", "wow", "geil", "juhu"),
    "it": ("adoro", "incredibile", "fantastico", "evviva", "finalmente", "ti amo", "ti voglio",
           "meraviglioso", "stupendo", "wow", "sì"),
    "pt": ("adoro", "incrível", "demais", "finalmente", "te amo", "maravilhoso", "fantástico",
           "uau", "nossa", "sim"),
    "pl": ("uwielbiam", "kocham", "niesamowit", "wspaniał", "super", "wreszcie", "hurra",
           "ekstra", "wow", "fantastycz"),
    "nl": ("geweldig", "ongelooflijk", "eindelijk", "hou van", "fantastisch", "super", "wauw",
           "heerlijk", "ja"),
    "tr": ("bayıldım", "harika", "inanılmaz", "sonunda", "seni seviyorum", "muhteşem",
           "süper", "vay", "evet"),
    "ja": ("大好き", "すごい", "最高", "やった", "嬉しい", "うれしい", "素晴らしい", "わあ", "本当に"),
    "zh": ("太棒", "喜欢", "爱你", "好开心", "终于", "厉害", "哇", "真的", "太好了", "激动"),
    "ko": ("사랑해", "대박", "최고", "신난", "드디어", "멋져", "와", "진짜", "좋아"),
    "hi": ("बहुत", "शानदार", "अद्भुत", "प्यार", "वाह", "आखिरकार", "कमाल", "ज़बरदस्त"),
    "ar": ("رائع", "مذهل", "أحبك", "أخيرا", "يا إلهي", "واو", "جميل جدا", "ممتاز"),
    "he": ("מדהים", "אוהב", "אוהבת", "סוף סוף", "וואו", "יש", "מושלם", "אדיר"),
}

_TENDER: dict[str, tuple[str, ...]] = {
    "en": ("sorry", "miss you", "sad", "tired", "alone", "lonely", "hurt", "gently", "softly",
           "quietly", "hold you", "goodnight", "good night", "sleep", "it's okay", "i'm here"),
    "ru": ("прости", "скучаю", "грустно", "устал", "одиноко", "больно", "тихо", "нежно",
           "спокойной ночи", "я рядом", "всё хорошо", "обнять"),
    "uk": ("вибач", "сумую", "сумно", "втомив", "самотньо", "боляче", "тихо", "ніжно",
           "на добраніч", "я поруч"),
    "es": ("lo siento", "te extraño", "triste", "cansad", "sol", "duele", "suave", "buenas noches",
           "estoy aquí", "tranquil"),
    "fr": ("désolé", "tu me manques", "triste", "fatigué", "seul", "mal", "doucement",
           "bonne nuit", "je suis là"),
    "de": ("tut mir leid", "vermisse", "traurig", "müde", "allein", "einsam", "leise", "sanft",
           "gute nacht", "ich bin da"),
    "it": ("mi dispiace", "mi manchi", "triste", "stanc", "solo", "sola", "piano", "buonanotte",
           "sono qui", "dolce"),
    "pt": ("desculpa", "saudade", "triste", "cansad", "sozinh", "dói", "baixinho", "boa noite",
           "estou aqui"),
    "pl": ("przepraszam", "tęsknię", "smutno", "zmęczon", "samotn", "boli", "cicho",
           "dobranoc", "jestem tu"),
    "nl": ("sorry", "mis je", "verdrietig", "moe", "alleen", "eenzaam", "zachtjes",
           "welterusten", "ik ben er"),
    "tr": ("üzgünüm", "özledim", "üzgün", "yorgun", "yalnız", "acıyor", "sessizce",
           "iyi geceler", "buradayım"),
    "ja": ("ごめん", "寂しい", "さみしい", "悲しい", "疲れ", "おやすみ", "そばにいる", "大丈夫"),
    "zh": ("对不起", "想你", "难过", "累了", "孤单", "寂寞", "晚安", "我在", "没事"),
    "ko": ("미안", "보고 싶", "슬퍼", "피곤", "외로", "잘 자", "괜찮아", "곁에"),
    "hi": ("माफ़", "माफ", "याद आ", "उदास", "थक", "अकेला", "अकेली", "शुभ रात्रि", "मैं यहाँ"),
    "ar": ("آسف", "آسفة", "أشتاق", "حزين", "متعب", "وحيد", "تصبح على خير", "أنا هنا"),
    "he": ("סליחה", "מתגעגע", "מתגעגעת", "עצוב", "עייף", "לבד", "לילה טוב", "אני כאן"),
}

#: roleplay action words, safe to strip inside `*...*` and `[...]` only (a parenthetical such
#: as "(look it up)" or "(тихо)" may be meant to be spoken)
_STAGE_EXTRA: tuple[str, ...] = (
    "lean", "look", "bite", "lick", "scream", "shout", "sing", "tilts", "gazes", "stares",
    "rolls", "blinks", "softly", "playfully", "teasing", "emotion", "excited", "sad", "happy",
    "angry", "music", "applause", "silence", "beat", "sound", "noise", "stretch", "sarcastic",
    "sarcasm", "hum", "walks", "steps", "turns", "reaches", "touches", "holds", "grabs",
    "задумчив", "игрив", "тихо", "нежно", "прищур", "смотрит", "наклоня", "прижима", "тихо",
    "ніжно", "suavemente", "juguet", "doucement", "taquin", "leise", "sanft", "verspielt",
    "dolcemente", "cicho", "czule", "zachtjes", "yavaşça",
)

#: scripts whose words are separated by spaces and for which `\b` is reliable
_WORD_START = r"(?<![\w'])"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _compile_stage(extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    starts: list[str] = list(extra)
    anywhere: list[str] = []
    for word_starts, subs in _STAGE.values():
        starts.extend(word_starts)
        anywhere.extend(subs)
    return re.compile(rf"{_WORD_START}(?:{_alternation(starts)})|(?:{_alternation(anywhere)})",
                      re.IGNORECASE)


def _compile_cues(table: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    words: list[str] = []
    for entries in table.values():
        words.extend(entries)
    spaced = [w for w in words if re.match(r"[A-Za-zÀ-ɏЀ-ӿ']", w)]
    other = [w for w in words if w not in spaced]
    return re.compile(rf"{_WORD_START}(?:{_alternation(spaced)})|(?:{_alternation(other)})",
                      re.IGNORECASE)


#: paralinguistic verbs and nouns: a parenthetical with one of these is a stage direction
STAGE_CORE = _compile_stage()
#: the same plus roleplay action words, for `*...*` and `[...]` spans
STAGE_DIRECTION = _compile_stage(_STAGE_EXTRA)
INTENSE = _compile_cues(_INTENSE)
TENDER = _compile_cues(_TENDER)

#: a syllable of laughter or giggling, in the scripts of the 17 languages
_LAUGH_SYLLABLE = (r"(?:[hkx][aeiouy]|ja|je|ji|jo|х[аеиоы]|ха|хе|хі|哈|嘿|呵|嘻|하|히|흐|헤|"
                   r"ふ|へ|は|ひ|ほ|フ|ヘ|ハ|ヒ|ホ|هه?|ها|חח?|הה?|हा|ही|हे)")
#: spelled sounds: laughter (two syllables or more), hums, sighs, moans, gasps, hushes
ONOMATOPOEIA = re.compile(
    rf"(?:{_LAUGH_SYLLABLE}[-‐\s~～]?){{2,}}"
    r"|u*h+m+|m{2,}h*|h?m{2,}|mhm+|a+h{2,}|a{2,}h*|o+h{2,}|o{2,}h*|u+h+-?h?u+h+|u{2,}h*|ugh+"
    r"|phew|shh+|ps+t|n{3,}|e{2,}h|oo+ps|wo+w|aw+"
    r"|м{2,}|хм+|а{2,}х*|а+х{2,}|о{2,}х*|о+х{2,}|у{2,}х*|ш{2,}|ммм+|эх+|ох|ах|ух"
    r"|[んン]{2,}|[あア]{2,}|はぁ+|ふぅ+|うう+|嗯+|啊+|哎+|唉+|嘘+|음+|아+|흠+|으+"
    r"|आ{2,}|उफ़?|हम्म+|آه+|اه+|ممم+|אה+|אוף|ממ+",
    re.IGNORECASE,
)


def is_onomatopoeia(text: str) -> bool:
    """True when `text` (a bracketed or starred span) is only spelled sounds."""
    words = [w.strip(".,!?…~～'\"") for w in text.split()]
    words = [w for w in words if w]
    return bool(words) and all(ONOMATOPOEIA.fullmatch(w) for w in words)


def count_onomatopoeia(text: str) -> int:
    """Spelled sounds among the words of `text` (for the mood detector)."""
    return sum(1 for w in text.split() if ONOMATOPOEIA.fullmatch(w.strip(".,!?…~～'\"*")))
