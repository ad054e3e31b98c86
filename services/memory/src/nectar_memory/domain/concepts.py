
"""Who a memory is about: people (kinship, partners, friends) and animals, in 17 languages.

A small multilingual embedder knows that a question is about a wedding, but not reliably
*whose* wedding: "my sister's wedding" and "my cousin's wedding" embed almost alike, in any
pair of languages. This lexicon names the people and animals a text mentions as
language-independent concept ids (`sister`, `cousin`, `cat`, ...), so that ranking can
prefer the memory about the same people as the question (see `domain/ranking.py`).

Languages: en ru ja zh ko es fr de it pt pl hi ar he nl tr uk. Matching, after NFKC and
casefolding:
  * scripts written with spaces: a pattern matches at the start of a word (`sister` matches
    "sisters", "сестр" matches "сестра", "сестры", "сестре");
  * a pattern ending in `$` must match the whole word, except for the clitics of Arabic and
    Hebrew (prefixes و ف ب ل ك ال / ו ה ב ל מ ש כ, possessive suffixes) and the Turkish and
    Korean endings handled as prefixes anyway;
  * Chinese, Japanese: a substring anywhere;
  * a pattern ending in `+` also takes the next word ("двоюродн+" is a cousin whatever
    noun follows: "двоюродная сестра", "двоюродного брата");
  * the longest match wins and a character belongs to one match only, so "двоюродная
    сестра" is a cousin and not also a sister, and "表姐" a cousin, not a sister.

It is knowledge of the languages, not of any data set: extend it with words, never with a
benchmark's sentences.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: concept id -> patterns (all languages mixed; the script tells which rule applies)
CONCEPTS: dict[str, tuple[str, ...]] = {
    "mother": (
        "mother", "mom$", "moms$", "mum$", "mummy", "mommy", "мама", "мамы", "маме", "маму", "мамой", "мать$", "матери", "матерью", "мамин", "мамі", "мати$", "матір",
        "mamá", "madre", "mère", "maman", "mutter", "mama", "mamy", "mamie", "mamą", "matka", "matki", "matce", "mamma", "mãe", "moeder", "anne$", "annem", "annesi", "annen", "anneci",
        "お母さん", "母親", "母", "ママ", "妈妈", "母亲", "妈", "엄마", "어머니", "어머님", "माँ", "मां", "माता", "मम्मी", "أمي", "أمه", "والدة", "الوالدة", "ماما", "אמא", "אימא", "אמי$", "אמו$",
    ),
    "father": (
        "father", "dad$", "dads$", "daddy", "папа", "папы", "папе", "папу", "отец", "отца", "отцу", "батько", "батька", "тато", "тата", "татові", "padre", "papá", "père", "papa", "vater", "papà",
        "pai$", "pais$", "vader", "tata", "taty", "tacie", "tatę", "ojciec", "ojca", "baba$", "babam", "babası", "baban", "お父さん", "父親", "父", "パパ", "爸爸", "父亲", "爸", "아버지", "아빠", "아버님",
        "पिता", "पिताजी", "पापा", "أب$", "أبي", "أبو", "أبوه", "والد$", "والدي", "والده", "بابا", "אבא", "אבי$", "אביו",
    ),
    "parents": ("parents", "родител", "батьк", "padres", "parents", "eltern", "genitori", "pais$", "ouders", "rodzic", "ebeveyn", "annem ve babam", "anne ve baba", "両親", "父母", "爸妈", "부모", "माता-पिता", "माँ-बाप", "والدي", "والداه", "الوالدين", "הורים", "ההורים", "הוריו"),
    "sister": (
        "sister", "sis$", "сестр", "сестер", "hermana", "sœur", "soeur", "schwester", "sorella", "irmã", "zus$", "zusje", "zuster", "siostr", "kız kardeş", "abla",
        "姉", "妹", "姐姐", "妹妹", "姐", "언니", "누나", "여동생", "여자 형제", "बहन", "दीदी", "أخت", "اخت", "شقيقة", "אחות", "אחותי", "אחותו",
    ),
    "brother": (
        "brother", "bro$", "брат$", "брата", "брату", "братом", "братья", "братик", "брате", "братові", "hermano", "frère", "frere", "bruder", "fratell", "irmão", "broer", "brat", "braci", "erkek kardeş", "ağabey", "abi$", "abim",
        "兄", "弟", "お兄さん", "哥哥", "弟弟", "哥", "형$", "형이", "형은", "형의", "오빠", "남동생", "भाई", "भैया", "أخ$", "أخي", "أخو", "أخوه", "شقيق$", "אח$", "אחי$", "אחיו",
    ),
    "cousin": (
        "cousin", "двоюродн+", "двоюрідн+", "кузен", "кузин", "primo$", "primos", "primas", "cousine", "vetter", "cugin", "kuzyn", "kuzen", "ciotecz+", "stryjeczn+", "neef$",
        "いとこ", "従兄", "従姉", "従弟", "従妹", "表哥", "表姐", "表弟", "表妹", "堂哥", "堂姐", "堂弟", "堂妹", "表兄", "사촌+", "चचेर+", "ममेर+", "फुफेर+", "मौसेर+", "कज़िन",
        "ابن عم", "ابنة عم", "بنت عم", "ابن خال", "ابنة خال", "بنت خال", "ابن خالة", "ابنة خالة", "بنت خالة", "ابن عمة", "بنت عمة", "בן דוד", "בת דודה", "בן הדוד", "בת הדודה", "בני דודים",
    ),
    "nephew_niece": (
        "nephew", "niece", "племянн", "племінн", "sobrin", "neveu", "nièce", "niece", "neffe", "nichte", "nipot", "sobrinh", "neefje", "nichtje", "siostrzen", "bratank", "bratanic", "siostrzenic", "yeğen",
        "甥", "姪", "外甥", "侄子", "侄女", "조카", "भतीजा", "भतीजी", "भांजा", "भांजी", "ابن أخ", "ابن أخت", "ابنة أخ", "بنت أخت", "אחיין", "אחיינית",
    ),
    "aunt": ("aunt", "тётя", "тёти", "тёте", "тётю", "тетя", "тети", "тете", "тетю", "тітк", "tía", "tante", "zia$", "zie$", "tia$", "ciocia", "ciotk", "ciotce", "teyze", "halam", "halası", "おば", "叔母", "伯母", "阿姨", "姑姑", "姨妈", "舅妈", "이모", "고모", "숙모", "चाची", "मौसी", "बुआ", "मामी", "عمة", "عمتي", "خالة", "خالتي", "דודה"),
    "uncle": ("uncle", "дяд", "дядьк", "tío", "oncle", "onkel", "zio$", "zii$", "tio$", "oom$", "wujek", "wuj", "stryj", "amca", "dayı", "おじ", "叔父", "伯父", "叔叔", "舅舅", "伯伯", "삼촌", "외삼촌", "큰아버지", "작은아버지", "चाचा", "मामा", "ताऊ", "عم$", "عمي", "عمه", "خال$", "خالي", "خاله", "דוד$", "דודי"),
    "grandmother": ("grandmother", "grandma", "granny", "gran$", "nana$", "бабушк", "бабуля", "бабус", "бабц", "abuela", "grand-mère", "grand-mere", "mamie", "großmutter", "oma$", "omas$", "nonna", "avó", "babci", "babcia", "babkę", "anneanne", "babaanne", "büyükanne", "祖母", "おばあ", "奶奶", "外婆", "姥姥", "祖母", "할머니", "외할머니", "दादी", "नानी", "جدة", "جدتي", "جدته", "סבתא"),
    "grandfather": ("grandfather", "grandpa", "granddad", "дедушк", "дед$", "деда", "деду", "дідус", "дід$", "abuelo", "grand-père", "grand-pere", "papi$", "großvater", "opa$", "nonno", "avô", "dziadek", "dziadka", "dziadkowi", "dziadziu", "dede", "büyükbaba", "祖父", "おじいさん", "おじいちゃん", "爷爷", "外公", "姥爷", "할아버지", "외할아버지", "दादा", "नाना", "جد$", "جدي", "جده", "סבא"),
    "son": ("son's", "my son$", "сын", "сина", "сину", "син$", "hijo$", "hijos", "fils$", "sohn", "söhn", "figlio", "figli", "filho", "zoon", "syn$", "syna", "synem", "synek", "oğul", "oğlu", "oğlum", "息子", "儿子", "아들", "बेटा", "बेटे", "पुत्र", "ابني", "ابنه", "בנו$", "הבן של", "הבן שלי"),
    "daughter": ("daughter", "доч", "дочер", "донь", "доньк", "hija$", "hijas", "fille$", "tochter", "töchter", "figlia", "filha", "dochter", "córk", "córeczk", "kızım", "kızı$", "kız çocuğu", "娘", "女儿", "딸", "बेटी", "पुत्री", "ابنة", "ابنتي", "ابنته", "بنتي", "בתי$", "בתו$", "הבת של", "הבת שלי"),
    "spouse": ("wife", "husband", "spouse", "жена", "жены", "жене", "жену", "женой", "муж$", "мужа", "мужу", "супруг", "дружин", "чоловік", "чоловіка", "esposa", "esposo", "marido", "mujer$", "femme$", "épouse", "mari$", "ehefrau", "ehemann", "frau$", "mann$", "moglie", "marito", "mulher", "esposo", "vrouw", "echtgeno", "żona", "żony", "żonie", "mąż", "męża", "eşi$", "eşim", "karım", "karısı", "kocam", "kocası",
               "妻", "夫$", "奥さん", "旦那", "妻子", "老婆", "丈夫", "老公", "아내", "남편", "와이프", "पत्नी", "पति", "बीवी", "زوجة", "زوجتي", "زوجته", "زوج$", "زوجي", "אישה", "אשתי", "אשתו", "בעלי", "בעלה"),
    "partner": ("girlfriend", "boyfriend", "partner", "fiancé", "fiancée", "fiance", "девушк", "парень", "парня", "невест", "жених", "дівчин", "хлопц", "наречен", "партнер", "novia", "novio", "pareja", "copine", "copain", "compagne", "compagnon", "petite amie", "petit ami", "freundin", "verlobte", "ragazza", "ragazzo", "fidanzat", "compagna", "compagno",
                "namorad", "noiva", "noivo", "vriendin", "vriend$", "verloofde", "dziewczyn", "chłopak", "narzeczon", "partnerk", "sevgili", "kız arkadaş", "erkek arkadaş", "nişanlı", "彼女", "彼氏", "恋人", "婚約者", "女朋友", "男朋友", "女友", "男友", "未婚妻", "未婚夫", "여자친구", "남자친구", "애인", "약혼자", "약혼녀", "गर्लफ्रेंड", "बॉयफ्रेंड", "मंगेतर", "प्रेमिका", "प्रेमी", "صديقتي", "حبيبتي", "حبيبي", "خطيبتي", "خطيبي", "خطيبة", "החברה של", "החבר של", "חברתי", "בת הזוג", "בן הזוג", "ארוסה", "ארוס"),
    "friend": ("friend", "mate$", "друг$", "друга", "другу", "другом", "друзья", "друзей", "друзі", "подруг", "amig", "ami$", "amie$", "amis$", "freund", "amic", "vriend", "przyjaciel", "przyjaciół", "kolega", "koleżank", "arkadaş", "dost", "友達", "友人", "親友", "朋友", "好友", "친구", "दोस्त", "मित्र", "سهيلي", "صديق", "أصدقاء", "חבר$", "חברים", "חבר של", "חברה של"),
    "neighbor": ("neighbo", "сосед", "сусід", "vecin", "voisin", "nachbar", "vicin", "vizinh", "buurvrouw", "buurman", "buren", "sąsiad", "komşu", "隣", "邻居", "이웃", "옆집", "पड़ोस", "पड़ोसी", "جار$", "جارة", "جاري", "جيران", "שכן", "שכנה"),
    "ex": ("ex-", "ex+", "бывш+", "колишн+", "eski+", "ex novi", "ex-novi", "ex-copine", "ex-freundin", "ex-freund", "ex-ragazz", "eski sevgili", "eski kız", "元カノ", "元カレ", "前女友", "前男友", "전 여자친구", "전 남자친구", "전 남친", "전 여친", "前妻", "前夫", "एक्स", "حبيبتي السابقة", "السابقة", "האקסית", "האקס"),
    "cat": ("cat$", "cats$", "cat's", "kitten", "кот$", "кота", "коту", "котом", "коты", "котов", "котик", "котён", "котен", "кошк", "кошеч", "кіт$", "котів", "кішк", "gato", "gata", "chat$", "chats$", "chatte", "chaton", "katze", "kater", "gatt", "kat$", "katten", "kot$", "kota", "kotem", "kotka", "kotkę", "kotki", "kedi", "猫", "ネコ", "ねこ", "고양이", "बिल्ली", "قط$", "قطة", "قطتي", "قطط", "חתול", "חתולה"),
    "dog": ("dog$", "dogs$", "dog's", "puppy", "собак", "пёс", "пес$", "пса", "щен", "песик", "perro", "perra", "chien", "hund$", "hunde$", "hunden$", "hundes$", "cane$", "cani$", "cagnolin", "cachorr", "cão", "hond", "pies", "psa$", "psem", "piesek", "köpe", "犬", "イヌ", "狗", "강아지", "कुत्ता", "कुत्ते", "كلب", "כלב"),
    "bird": ("bird", "parrot", "budgie", "pigeon", "canary", "птиц", "попуга", "голубь", "голуби", "голубей", "голубя", "птах", "pájaro", "loro", "paloma", "oiseau", "perroquet", "vogel", "papagei", "taube", "uccell", "pappagall", "piccion", "pássaro", "papagaio", "pomba", "ptak", "papug", "gołęb", "kuş", "papağan", "güvercin", "鳥", "インコ", "オウム", "鸽", "鹦鹉", "앵무새", "비둘기", "पक्षी", "तोता", "कबूतर", "طائر", "ببغاء", "يمام", "ציפור", "תוכי", "יונה$", "יונים"),
    "horse": ("horse", "pony", "лошад", "конь", "коня", "коне", "кінь", "коні", "caballo", "cheval", "pferd", "cavall", "cavalo", "paard", "koń", "konia", "馬", "马", "घोड़", "حصان", "خيل", "סוס"),
    "rabbit": ("rabbit", "bunny", "кролик", "заяц", "кріл", "conejo", "lapin", "kaninchen", "hase", "coniglio", "coelho", "konijn", "królik", "królika", "tavşan", "ウサギ", "うさぎ", "兔", "토끼", "खरगोश", "أرنب", "ארנב"),
    "hamster": ("hamster", "хомяк", "хом'як", "hámster", "criceto", "chomik", "ハムスター", "仓鼠", "햄스터", "हैम्स्टर", "هامستر", "אוגר"),
    "fish": ("fish", "рыб", "риб", "pez$", "peces", "poisson", "fisch", "pesc", "peixe", "vis$", "vissen", "ryb", "balık", "金魚", "魚", "金鱼", "鱼", "물고기", "금붕어", "मछली", "سمك", "أسماك", "דג$", "דגים"),
    "turtle": ("turtle", "tortoise", "черепах", "tortuga", "tortue", "schildkröte", "tartarug", "schildpad", "żółw", "kaplumbağa", "亀", "カメ", "乌龟", "龟", "거북", "कछुआ", "سلحفاة", "צב$"),
    "snake": ("snake", "python", "змея", "змей", "змі", "питон", "пітон", "serpiente", "serpent", "schlange", "serpe", "cobra$", "slang", "wąż", "węża", "yılan", "蛇", "ヘビ", "뱀", "비단뱀", "साँप", "सांप", "ثعبان", "أفعى", "נחש$"),
}

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_AR_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_AR_SUFFIXES = ("", "ي", "ه", "ها", "ك", "نا", "هم", "ى")
_HE_PREFIXES = ("וה", "שה", "מה", "כש", "ה", "ו", "ב", "ל", "מ", "ש", "כ")
_HE_SUFFIXES = ("", "י", "ו", "ה", "נו", "ך", "ם")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'")


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, str, bool, bool, bool], ...]:
    """(pattern, concept, whole_word, takes_next_word, substring), longest first."""
    rows = []
    for concept, patterns in CONCEPTS.items():
        for raw in patterns:
            whole = raw.endswith("$")
            takes_next = raw.endswith("+")
            pat = _norm(raw.rstrip("$+"))
            rows.append((pat, concept, whole, takes_next, bool(_CJK.search(pat))))
    # modifiers that take the next word first (their span is longer than it looks), then
    # the longest pattern
    rows.sort(key=lambda r: (not r[3], -len(r[0])))
    return tuple(rows)


def _is_word(ch: str) -> bool:
    """A letter, digit or combining mark (Devanagari vowel signs are marks)."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _word_start(text: str, i: int) -> bool:
    return i == 0 or not _is_word(text[i - 1])


def _word_end(text: str, j: int) -> bool:
    return j >= len(text) or not _is_word(text[j])


def _clitic_ok(text: str, i: int, j: int, semitic: bool) -> bool:
    """Does the match text[i:j] stand as a word, allowing Arabic/Hebrew clitics?"""
    start = i
    if semitic:
        k = i
        while k > 0 and _is_word(text[k - 1]):
            k -= 1
        prefix = text[k:i]
        if prefix and prefix not in _AR_PREFIXES + _HE_PREFIXES:
            return False
        start = k
    if not _word_start(text, start):
        return False
    return True


def concepts_in(text: str) -> frozenset[str]:
    """The concept ids a text mentions (longest, non-overlapping matches)."""
    norm = _norm(text)
    taken = bytearray(len(norm))
    found: set[str] = set()
    for pat, concept, whole, takes_next, substring in _compiled():
        start = 0
        while True:
            i = norm.find(pat, start)
            if i < 0:
                break
            j = i + len(pat)
            start = i + 1
            if any(taken[i:j]):
                continue
            if not substring:
                semitic = any("\u0590" <= ch <= "\u06ff" for ch in pat)
                if not _clitic_ok(norm, i, j, semitic):
                    continue
                if whole and not _word_end(norm, j):
                    rest = norm[j:]
                    end = 0
                    while end < len(rest) and _is_word(rest[end]):
                        end += 1
                    suffixes = _AR_SUFFIXES + _HE_SUFFIXES if semitic else ("'s", "s")
                    if rest[:end] not in suffixes:
                        continue
            if takes_next:  # the rest of this word, spaces, and the next word
                while j < len(norm) and _is_word(norm[j]):
                    j += 1
                while j < len(norm) and norm[j] in " -":
                    j += 1
                while j < len(norm) and _is_word(norm[j]):
                    j += 1
            for k in range(i, j):
                taken[k] = 1
            found.add(concept)
    return frozenset(found)
