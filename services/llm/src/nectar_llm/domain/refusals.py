"""In-character soft refusals, synthesized locally (no model call) in the user's language.

Free plans get one of these when a model refuses and salvage cannot fix it (no paid rescue
calls), and paid plans when even the rescue rungs refuse: better than the model's generic
wall, and it keeps the character in the scene.
"""

from __future__ import annotations

SOFT_REFUSALS: dict[str, str] = {
    "en": "*{name} smiles and gently changes the subject.* Mm, let's leave that one for now... "
          "Tell me something else instead: what made you smile today?",
    "ru": "*{name} улыбается и мягко меняет тему.* Давай пока оставим это... Лучше расскажи "
          "мне, что сегодня заставило тебя улыбнуться?",
    "uk": "*{name} усміхається і м'яко змінює тему.* Давай поки залишимо це... Краще розкажи, "
          "що сьогодні змусило тебе усміхнутися?",
    "ja": "*{name}は微笑んで、そっと話題を変える。*うーん、それはまた今度にしよう…。"
          "それより、今日はどんなことで笑顔になった？",
    "zh": "*{name}笑了笑，轻轻地换了个话题。*嗯，这个我们先放一放吧……跟我说说，今天有什么让你开心的事？",
    "ko": "*{name}이(가) 미소 지으며 살며시 화제를 바꾼다.* 음, 그건 잠시 미뤄 두자... 대신 오늘 "
          "너를 웃게 한 일을 말해 줄래?",
    "es": "*{name} sonríe y cambia de tema con suavidad.* Mm, dejemos eso para otro momento... "
          "Cuéntame otra cosa: ¿qué te hizo sonreír hoy?",
    "fr": "*{name} sourit et change doucement de sujet.* Mm, laissons ça de côté pour "
          "l'instant... Raconte-moi plutôt ce qui t'a fait sourire aujourd'hui ?",
    "de": "*{name} lächelt und wechselt sanft das Thema.* Hm, lassen wir das erst mal... "
          "Erzähl mir lieber, was dich heute zum Lächeln gebracht hat?",
    "it": "*{name} sorride e cambia argomento con dolcezza.* Mm, lasciamo perdere per ora... "
          "Raccontami piuttosto: cosa ti ha fatto sorridere oggi?",
    "pt": "*{name} sorri e muda de assunto com delicadeza.* Hum, vamos deixar isso para "
          "depois... Me conta outra coisa: o que te fez sorrir hoje?",
    "pl": "*{name} uśmiecha się i łagodnie zmienia temat.* Mm, zostawmy to na razie... "
          "Opowiedz mi lepiej, co cię dziś rozbawiło?",
    "hi": "*{name} मुस्कुराती है और धीरे से बात बदल देती है।* हम्म, इसे अभी रहने देते हैं... "
          "बताओ, आज किस बात ने तुम्हें मुस्कुराया?",
    "ar": "*تبتسم {name} وتغيّر الموضوع بلطف.* لنترك هذا الآن... أخبرني بدلًا من ذلك، ما الذي "
          "جعلك تبتسم اليوم؟",
    "he": "*{name} מחייכת ומשנה בעדינות את הנושא.* ממ, בוא נשאיר את זה לעכשיו... ספר לי "
          "משהו אחר: מה גרם לך לחייך היום?",
    "nl": "*{name} glimlacht en verandert zachtjes van onderwerp.* Mm, laten we dat even "
          "laten rusten... Vertel me liever wat jou vandaag deed glimlachen?",
    "tr": "*{name} gülümseyip konuyu nazikçe değiştirir.* Hım, bunu şimdilik bırakalım... "
          "Bana başka bir şey anlat: bugün seni ne gülümsetti?",
}


def soft_refusal(character_name: str, language: str) -> str:
    """The soft refusal in `language` (its primary subtag; English when unsupported)."""
    primary = language.split("-", 1)[0].split("_", 1)[0].lower()
    return SOFT_REFUSALS.get(primary, SOFT_REFUSALS["en"]).format(name=character_name)
