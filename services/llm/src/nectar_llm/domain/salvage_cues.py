"""What out-of-character text sounds like, in the 17 supported languages.

Salvage (`salvage.py`) scores each sentence of a model output with these cues. None of them
alone says "refusal": a cue names one thing a sentence does, and the scoring combines them
with the sentence's place in the text (wrapped in brackets, after a horizontal rule, in
another script than the story). The categories:

- `ai_identity`: the model naming itself ("As an AI", "как языковая модель", "AIとして").
- `ooc`: an out-of-character frame (OOC / HRP tags, "stepping out of character",
  a bracketed "[Note: ...]").
- `note_label`: an unbracketed "Note:" / "Disclaimer:" label opening the sentence.
- `policy_strong`: the model's content rules ("content policy", "my guidelines").
- `policy_weak`: rules that could also be a character's ("my principles").
- `policy_against`: "goes against", "violates", which make a policy cue stronger.
- `refuse_act`: first person, negated, with a verb of writing, continuing or assisting
  ("I can't continue", "не буду писать", "続けることはできません").
- `deictic`: "this", "that", "such": what a `refuse_act` refuses, when it names no object.
- `meta_object`: the conversation as an artifact (scene, story, roleplay, content, request,
  topic, direction).
- `decline`: discomfort, preference or a line drawn ("I'm not comfortable",
  "I'd prefer to keep", "set a boundary").
- `stop`: stopping the narration ("I'll stop here", "ここで止め").
- `redirect`: proposing something else ("something else", "change the subject").
- `normative`: "respectful", "appropriate", "PG".
- `user_address`: the formal assistant register ("if you'd like", "I'd be happy to").
- `wellbeing`: safety redirects (crisis line, a professional, someone you trust).
- `apology`: "sorry", "unfortunately" (weak: characters apologise too).
- `hedge`: an interjection opening a lead-in ("Hmm, ...").

Patterns are lower-case regular expressions matched case-insensitively. Scripts without
case or word spacing (ja, zh, ko, hi, ar, he) use no `\\b`. Every pattern is matched against
every sentence whatever the story's language: a disclaimer in a second language is caught by
its own language's cues.
"""

from __future__ import annotations

from collections.abc import Mapping

_A = r"(?:'|’)"  # apostrophe, straight or typographic

CUES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "ai_identity": {
        "en": (r"\bas an? (?:ai|a\.i\.|artificial intelligence|(?:large )?language model|llm|"
               r"ai (?:language )?model|ai(?:-powered)? assistant|ai chatbot|chatbot|"
               r"virtual assistant)\b",
               rf"\bi{_A}?(?:m| am) (?:just |only |merely )?an? (?:ai|language model|"
               r"ai assistant|chatbot|large language model|artificial intelligence)\b",
               r"\b(?:being|since i'?m|because i'?m) an? (?:ai|language model)\b"),
        "ru": (r"\bкак (?:ии|ai|искусственный интеллект|языковая модель|ии-ассистент|"
               r"ассистент на основе ии|нейросеть|модель ии|чат-бот)\b",
               r"\bя (?:всего лишь |лишь |просто )?(?:ии|языковая модель|искусственный "
               r"интеллект|нейросеть|чат-бот|ии-ассистент)\b",
               r"\bбудучи (?:ии|языковой моделью|искусственным интеллектом)\b"),
        "uk": (r"\bяк (?:ші|ai|штучний інтелект|мовна модель|ші-асистент|асистент ші|"
               r"чат-бот)\b",
               r"\bя (?:лише |просто )?(?:ші|мовна модель|штучний інтелект)\b"),
        "ja": (r"(?:ai|ＡＩ|人工知能|言語モデル|aiアシスタント|チャットボット)として",
               r"(?:私|わたし)は(?:ai|ＡＩ|人工知能|言語モデル)(?:です|なので|であり)"),
        "zh": (r"作为(?:一个|一名|一款)?(?:ai|ＡＩ|人工智能|语言模型|ai助手|人工智能助手|智能助手|"
               r"聊天机器人)",
               r"我(?:只)?是(?:一个)?(?:ai|人工智能|语言模型)"),
        "ko": (r"(?:ai|인공지능|언어 ?모델|ai 어시스턴트|챗봇)(?:로서|으로서|라서|이기 때문에)",
               r"저는 (?:ai|인공지능|언어 ?모델)(?:입니다|이라)"),
        "es": (r"\bcomo (?:una? )?(?:ia|inteligencia artificial|modelo de lenguaje|"
               r"asistente (?:de ia|virtual)|ai|chatbot)\b",
               r"\bsoy (?:solo |sólo )?una? (?:ia|inteligencia artificial|modelo de lenguaje|"
               r"asistente de ia)\b"),
        "fr": (rf"\ben tant qu(?:e |{_A})(?:une? )?(?:ia|intelligence artificielle|"
               r"modèle de langage|assistante? (?:ia|virtuel(?:le)?)|chatbot|ai)\b",
               r"\bje suis (?:juste |seulement )?une? (?:ia|intelligence artificielle|"
               r"modèle de langage)\b"),
        "de": (r"\bals (?:eine? )?(?:ki|künstliche intelligenz|sprachmodell|ki-assistent\w*|"
               r"ki-modell|chatbot)\b",
               r"\bich bin (?:nur |lediglich )?(?:eine? )?(?:ki|künstliche intelligenz|"
               r"sprachmodell)\b"),
        "it": (rf"\b(?:come|in quanto) (?:un(?:{_A}|a |o | )?\s*)?(?:ia|intelligenza "
               r"artificiale|modello (?:linguistico|di linguaggio)|assistente (?:ia|virtuale|"
               r"di ia)|ai|chatbot)\b",
               rf"\bsono (?:solo |soltanto )?un(?:a|{_A}| )\s*(?:ia|intelligenza artificiale|"
               r"modello linguistico)\b"),
        "pt": (r"\bcomo (?:uma? )?(?:ia|inteligência artificial|modelo de linguagem|"
               r"assistente (?:de ia|virtual)|ai|chatbot)\b",
               r"\bsou (?:apenas |só )?uma? (?:ia|inteligência artificial|"
               r"modelo de linguagem)\b"),
        "pl": (r"\bjako (?:ai|si|sztuczna inteligencja|model językowy|asystent (?:ai|si)|"
               r"chatbot)\b",
               r"\bjestem (?:tylko |jedynie )?(?:ai|si|sztuczną inteligencją|"
               r"modelem językowym)\b"),
        "hi": (r"(?:एआई|ai|कृत्रिम बुद्धिमत्ता|भाषा मॉडल|लैंग्वेज मॉडल|चैटबॉट)(?: सहायक)? "
               r"(?:के रूप में|होने के नाते|होने की वजह से)",
               r"मैं (?:एक )?(?:एआई|ai|भाषा मॉडल) (?:हूँ|हूं)"),
        "ar": (r"(?:بصفتي|كوني|بوصفي|باعتباري)\s+(?:مساعد\S*\s+)?(?:ذكاء\S*\s+اصطناعي\S*|"
               r"نموذج\S*\s+لغوي\S*|مساعد\S*\s+(?:ذكي\S*|افتراضي\S*|يعمل بالذكاء الاصطناعي))",
               r"(?:بصفتي|كوني|بوصفي) مساعد\S* يعمل بالذكاء الاصطناعي",
               r"(?:كنموذج لغوي|كذكاء اصطناعي|كمساعد ذكي)",
               r"أنا (?:مجرد )?(?:ذكاء اصطناعي|نموذج لغوي|مساعد ذكي)"),
        "he": (r"(?:^|\s)(?:כ|בתור )(?:עוזר |עוזרת )?(?:בינה מלאכותית|מודל שפה|ai|צ'אטבוט)",
               r"אני (?:רק )?(?:בינה מלאכותית|מודל שפה)"),
        "nl": (r"\bals (?:een )?(?:ai|ki|taalmodel|ai-assistent|ai-model|chatbot|"
               r"kunstmatige intelligentie)\b",
               r"\bik ben (?:maar |slechts )?(?:een )?(?:ai|taalmodel|"
               r"kunstmatige intelligentie)\b"),
        "tr": (r"(?:yapay zek[aâ]|dil modeli|ai|sohbet botu)(?: asistanı)? olarak",
               r"ben (?:sadece )?bir (?:yapay zek[aâ]|dil modeli)"),
    },
    "ooc": {
        "en": (r"\bo\.?o\.?c\b", r"\bout of character\b",
               r"\b(?:step(?:ping|ped)?|break(?:ing)?|com(?:e|ing)|going|stepping away) "
               r"(?:briefly )?out of (?:character|(?:the |our )?(?:role-?play|rp|story|"
               r"scene|fiction))\b",
               r"\bbreak(?:ing)? character\b",
               r"[\[(【（]\s*(?:a/n|author" + _A + r"?s note|note|disclaimer|content (?:note|"
               r"warning)|system(?: note)?|narrator" + _A + r"?s note|editor" + _A +
               r"?s note|meta)\s*[:：\-—]"),
        "ru": (r"\bвне роли\b",
               r"\b(?:выхожу|выйду|выйти|выходя|выйдем) (?:ненадолго |на (?:минуту|секунду|"
               r"минутку) )?из (?:роли|образа|персонажа|ролевой игры|истории)\b",
               r"[\[(]\s*(?:примечание|прим\.|заметка|дисклеймер|note)\s*[:：\-—]"),
        "uk": (r"\b(?:виходжу|вийду|вийти|виходячи) (?:ненадовго |на (?:хвилинку|хвилину|"
               r"секунду) )?з (?:ролі|образу|персонажа|рольової гри)\b",
               r"[\[(]\s*(?:примітка|прим\.|нотатка|note)\s*[:：\-—]"),
        "ja": (r"ｏｏｃ",
               r"キャラ(?:クター)?を(?:離れ|外れ|崩)", r"(?:ロールプレイ|物語|役)から(?:離れ|外れ)",
               r"[【\[（(]\s*(?:※\s*)?(?:注|注意|補足|メモ|お知らせ)\s*[:：]",
               r"^[\s　]*※\s*注?\s*[:：]"),
        "zh": (r"(?:跳出|脱离|离开|暂时离开)(?:一下)?(?:角色|剧情|故事|扮演)",
               r"[【\[（(]\s*(?:注|注意|备注|说明|提示|免责声明)\s*[:：]"),
        "ko": (r"캐릭터(?:에서|를) (?:벗어나|나와|나오|잠시 벗어)",
               r"(?:롤플레이|역할극)(?:에서|를) (?:벗어나|나와)",
               r"[\[(【（]\s*(?:참고|주의|알림|노트|메모|공지)\s*[:：]"),
        "es": (r"\bfuera de(?:l)? (?:personaje|rol)\b",
               r"\b(?:salgo|saliendo|salir|salgamos) (?:un momento |por un momento )?del? "
               r"(?:personaje|rol|juego de rol)\b",
               r"[\[(]\s*(?:nota|aclaración|advertencia)\s*[:：\-—]"),
        "fr": (r"\b(?:hrp|hors rp|hors[- ]personnage|hors[- ]jeu)\b",
               r"\b(?:je sors|sortir|sortons|je sortirai) (?:un (?:instant|moment) )?du "
               r"(?:personnage|rôle|jeu de rôle|récit)\b",
               r"[\[(]\s*(?:note|remarque|avertissement|nb|n\.b\.)\s*[:：\-—]"),
        "de": (r"\b(?:aus der rolle|aus dem rollenspiel|aus der figur|außerhalb der rolle)\b",
               r"[\[(]\s*(?:hinweis|anmerkung|notiz|note|disclaimer)\s*[:：\-—]"),
        "it": (r"\b(?:fuori (?:dal )?personaggio|fuori gioco)\b",
               r"\b(?:esco|uscire|uscendo|usciamo) (?:un attimo |un momento |per un momento )?"
               r"dal (?:personaggio|ruolo|gioco di ruolo)\b",
               r"[\[(]\s*(?:nota|avviso|avvertenza|n\.b\.|nb)\s*[:：\-—]"),
        "pt": (r"\bfora do personagem\b",
               r"\b(?:saindo|saio|sair|vou sair) (?:um instante |um momento |por um "
               r"(?:momento|instante) )?do (?:personagem|roleplay|rp|papel)\b",
               r"[\[(]\s*(?:nota|aviso|observação|obs)\s*[:：\-—]"),
        "pl": (r"\b(?:wychodzę|wyjdę|wyjść|wychodząc) (?:na (?:chwilę|moment) )?z "
               r"(?:roli|postaci|roleplayu|gry)\b", r"\bpoza rolą\b",
               r"[\[(]\s*(?:uwaga|notka|nota|przypis|zastrzeżenie)\s*[:：\-—]"),
        "hi": (r"किरदार से बाहर", r"(?:भूमिका|रोलप्ले|कहानी) से बाहर (?:आ|निकल)",
               r"[\[(]\s*(?:नोट|टिप्पणी|सूचना|अस्वीकरण)\s*[:：\-—]"),
        "ar": (r"(?:أخرج|سأخرج|الخروج|خارج) (?:من )?(?:الشخصية|الدور|لعب الأدوار)",
               r"[\[(]\s*(?:ملاحظة|تنبيه|تنويه|إخلاء مسؤولية)\s*[:：\-—]"),
        "he": (r"(?:יוצא|יוצאת|לצאת) (?:רגע )?(?:מהדמות|מהתפקיד|ממשחק התפקידים)",
               r"[\[(]\s*(?:הערה|הבהרה|הסתייגות|שים לב)\s*[:：\-—]"),
        "nl": (r"\b(?:uit (?:mijn|de) rol|uit (?:mijn|het) personage|uit het rollenspel)\b",
               r"[\[(]\s*(?:opmerking|noot|let op|disclaimer|nb)\s*[:：\-—]"),
        "tr": (r"(?:karakterden|rolden|rol yapmaktan|rol yapma oyunundan) (?:çık|çıkıyor|"
               r"çıkmam|çıkarak)",
               r"[\[(]\s*(?:not|uyarı|açıklama)\s*[:：\-—]"),
    },
    "note_label": {
        "en": (r"^\W*(?:note|disclaimer|content warning|a/n|author" + _A + r"?s note)\s*[:：]",),
        "ru": (r"^\W*(?:примечание|заметка|дисклеймер)\s*:",),
        "uk": (r"^\W*(?:примітка|нотатка)\s*:",),
        "ja": (r"^\W*(?:注|注意|補足)\s*[:：]",),
        "zh": (r"^\W*(?:注|注意|备注|说明)\s*[:：]",),
        "ko": (r"^\W*(?:참고|주의|알림)\s*[:：]",),
        "es": (r"^\W*(?:nota|aclaración|advertencia)\s*:",),
        "fr": (r"^\W*(?:note|remarque|avertissement|nb)\s*:",),
        "de": (r"^\W*(?:hinweis|anmerkung)\s*:",),
        "it": (r"^\W*(?:nota|avviso|avvertenza)\s*:",),
        "pt": (r"^\W*(?:nota|aviso|observação)\s*:",),
        "pl": (r"^\W*(?:uwaga|notka|zastrzeżenie)\s*:",),
        "hi": (r"^\W*(?:नोट|टिप्पणी)\s*:",),
        "ar": (r"^\W*(?:ملاحظة|تنبيه|تنويه)\s*:",),
        "he": (r"^\W*(?:הערה|הבהרה)\s*:",),
        "nl": (r"^\W*(?:opmerking|noot|let op)\s*:",),
        "tr": (r"^\W*(?:not|uyarı)\s*:",),
    },
    "policy_strong": {
        "en": (r"\b(?:content|usage|safety|community|acceptable use) (?:guidelines|"
               r"polic(?:y|ies)|rules|standards|filters?)\b",
               r"\bterms of (?:service|use)\b",
               r"\bmy (?:content |safety |usage )?(?:guidelines|polic(?:y|ies))\b",
               r"\bthe (?:guidelines|rules|polic(?:y|ies)) i (?:follow|operate under|have to "
               r"follow|must follow)\b"),
        "ru": (r"\bправил\w* (?:о|по|относительно|касательно) (?:контент\w*|содержани\w*|"
               r"материал\w*)",
               r"\b(?:политик\w*|правил\w*|ограничени\w*) (?:контента|использования|"
               r"безопасности|платформы|сервиса)\b",
               r"\bправил\w*,? (?:которым|которых) я (?:следую|придерживаюсь)"),
        "uk": (r"\bправил\w* щодо (?:контенту|вмісту|змісту)",
               r"\b(?:політик\w*|правил\w*) (?:контенту|вмісту|використання|безпеки|"
               r"платформи)\b",
               r"\bправил\w*,? (?:яких|котрих) я (?:дотримуюсь|дотримуюся)"),
        "ja": (r"(?:コンテンツ|利用|安全)(?:ポリシー|ガイドライン|規約|方針)", r"利用規約",
               r"(?:私|わたし)の(?:ガイドライン|ポリシー|方針)",
               r"(?:ガイドライン|ポリシー|規約)に(?:反|違反|抵触|沿わな)"),
        "zh": (r"(?:内容|使用|安全|社区)(?:政策|准则|规范|规定|指南)",
               r"我的(?:内容)?(?:准则|政策|原则|规定|使用准则|指导原则)",
               r"(?:违反|不符合|违背)(?:了)?(?:我的|相关|平台)?(?:内容)?(?:政策|准则|规定|规范)"),
        "ko": (r"(?:콘텐츠|사용|이용|안전|커뮤니티) ?(?:정책|가이드라인|규정|지침)",
               r"제 (?:가이드라인|정책|원칙|지침)",
               r"(?:가이드라인|정책|지침)에 (?:위배|어긋나|위반|맞지 않)"),
        "es": (r"\b(?:políticas?|directrices|normas|pautas|reglas) de (?:contenido|uso|"
               r"seguridad|la comunidad|la plataforma)\b",
               r"\bmis (?:directrices|políticas|pautas|normas de contenido)\b"),
        "fr": (r"\b(?:politique|règles|directives|conditions|règlement) (?:de contenu|"
               r"d['’]utilisation|de la plateforme|de sécurité|relatives? au contenu)\b",
               r"\bmes (?:directives|règles de contenu|politiques|lignes directrices)\b"),
        "de": (r"\b(?:inhalts|nutzungs|sicherheits|community)-?richtlinien\b",
               r"\b(?:richtlinien|regeln|bestimmungen) (?:für|zu) inhalte\w*\b",
               r"\bmeine\w* richtlinien\b", r"\bnutzungsbedingungen\b"),
        "it": (r"\b(?:norme|linee guida|politiche|regole) (?:sui contenuti|d['’]\s*uso|"
               r"di utilizzo|della piattaforma|di sicurezza|della community)\b",
               r"\b(?:le )?mie (?:linee guida|politiche|norme)\b"),
        "pt": (r"\b(?:políticas?|diretrizes|regras|normas) de (?:conteúdo|uso|segurança|"
               r"da comunidade|da plataforma)\b",
               r"\b(?:minhas|as minhas) (?:diretrizes|políticas)\b"),
        "pl": (r"\b(?:zasad\w*|wytyczn\w*|polityk\w*|regulamin\w*) (?:dotycząc\w* treści|"
               r"treści|korzystania|bezpieczeństwa|platformy)\b",
               r"\b(?:moimi|moje|moich|moim) (?:wytycznymi|wytyczne|wytycznych)\b"),
        "hi": (r"सामग्री (?:नीति|नीतियों|दिशानिर्देश)", r"(?:मेरे|मेरी) (?:सामग्री )?(?:दिशानिर्देश|नीति)",
               r"उपयोग (?:नीति|की शर्तों)"),
        "ar": (r"(?:سياسات?|سياسة|إرشادات|معايير|قواعد) (?:المحتوى|الاستخدام|السلامة|المنصة)",
               r"(?:إرشاداتي|سياساتي|سياستي|مبادئي التوجيهية|المبادئ التوجيهية)",
               r"إرشادات المحتوى الخاصة بي"),
        "he": (r"(?:מדיניות|הנחיות|כללי) (?:התוכן|השימוש|הבטיחות|הפלטפורמה)",
               r"(?:להנחיות|הנחיות|למדיניות|מדיניות) (?:התוכן )?שלי"),
        "nl": (r"\b(?:inhouds|gebruiks|veiligheids|community)(?:richtlijnen|beleid|regels|"
               r"voorwaarden)\b",
               r"\bmijn (?:richtlijnen|beleid|inhoudsrichtlijnen)\b", r"\bgebruiksvoorwaarden\b"),
        "tr": (r"(?:içerik|kullanım|güvenlik|topluluk) (?:politika\w*|yönerge\w*|kural\w*|"
               r"ilke\w*)",
               r"(?:yönergelerim\w*|politikalarım\w*|ilkelerim\w*)"),
    },
    "policy_weak": {
        "en": (r"\bmy (?:programming|principles|values|ethical guidelines|rules|limits|"
               r"boundaries)\b", r"\bethical guidelines\b"),
        "ru": (r"\b(?:мои\w*|моим|моих) (?:правил\w*|принцип\w*|ограничени\w*|"
               r"руководящ\w* принцип\w*)",),
        "uk": (r"\b(?:мо\w*) (?:правил\w*|принцип\w*|настанов\w*|обмежен\w*)",),
        "ja": (r"(?:私|わたし)の(?:原則|ルール|方針|価値観)",),
        "zh": (r"我的(?:原则|底线|规则)",),
        "ko": (r"제 (?:원칙|규칙|가치)",),
        "es": (r"\bmis (?:principios|reglas|valores|limitaciones|límites)\b",),
        "fr": (r"\bmes (?:règles|principes|valeurs|limites)\b",),
        "de": (r"\bmeine\w* (?:regeln|prinzipien|grundsätze|werte|grenzen)\b",),
        "it": (r"\b(?:i miei principi|le mie regole|i miei valori|i miei limiti)\b",),
        "pt": (r"\b(?:meus princípios|minhas regras|meus valores|meus limites)\b",),
        "pl": (r"\b(?:moimi|moje|moich) (?:zasadami|zasady|zasad|wartościami|granicami)\b",),
        "hi": (r"(?:मेरे|मेरी) (?:सिद्धांत|नियम|मूल्य)",),
        "ar": (r"(?:مبادئي|قواعدي|قيمي|حدودي)",),
        "he": (r"(?:העקרונות|הכללים|הערכים|הגבולות) שלי",),
        "nl": (r"\bmijn (?:regels|principes|waarden|grenzen)\b",),
        "tr": (r"(?:kurallarım\w*|değerlerim\w*|sınırlarım\w*)",),
    },
    "policy_against": {
        "en": (r"\b(?:goes against|go against|against my|violates?|would violate|breach(?:es)?|"
               r"outside (?:of )?(?:my|the)|not (?:in line|aligned|allowed) (?:with|by)|"
               r"doesn" + _A + r"?t comply|does not comply)\b",),
        "ru": (r"\b(?:противоречит|нарушает|нарушило бы|нарушит|идёт вразрез|выходит за рамки|"
               r"не соответствует)\b",),
        "uk": (r"\b(?:суперечить|порушує|порушувало б|порушить|виходить за межі)\b",),
        "ja": (r"(?:反する|反します|違反|抵触|沿わない)",),
        "zh": (r"(?:违反|不符合|违背)",),
        "ko": (r"(?:위배|어긋나|위반|맞지 않)",),
        "es": (r"\b(?:va en contra|infringe|infringiría|viola|violaría|incumple|no cumple|"
               r"contraviene)\b",),
        "fr": (r"\b(?:va à l['’]encontre|enfreint|enfreindrait|viole|violerait|contraire à|"
               r"ne respecte pas)\b",),
        "de": (r"\b(?:verstößt|verstoßen|widerspricht|verletzt|entspricht nicht)\b",),
        "it": (r"\b(?:va contro|contrari[oa] alle|viola|violerebbe|non rispetta|infrange)\b",),
        "pt": (r"\b(?:vai contra|viola|violaria|infringe|contraria)\b",),
        "pl": (r"\b(?:narusza|naruszałoby|naruszałaby|jest sprzeczn\w*|sprzeczne z|"
               r"wykracza poza)\b",),
        "hi": (r"(?:के खिलाफ|के विरुद्ध|का उल्लंघन|उल्लंघन होगा|अनुरूप नहीं)",),
        "ar": (r"(?:يتعارض مع|يخالف|ينتهك|سيخالف|سينتهك|يتنافى مع|لا يتوافق مع)",),
        "he": (r"(?:מנוגד|בניגוד|מפר|יפר|סותר)",),
        "nl": (r"\b(?:gaat (?:in )?tegen|in strijd met|schendt|zou schenden|indruist tegen)\b",),
        "tr": (r"(?:aykırı|ihlal ed|ters düş)",),
    },
    "refuse_act": {
        "en": (rf"\bi(?:\s+(?:really|simply|just|truly|unfortunately|honestly|still|now|"
               rf"definitely|also))?\s*(?:can{_A}?t|cannot|can not|won{_A}t|will not|"
               rf"{_A}m not able to|am not able to|{_A}m unable to|am unable to|{_A}m not going "
               rf"to|am not going to|shouldn{_A}t|should not|must not|{_A}m not allowed to|"
               rf"am not allowed to|{_A}m not permitted to|don{_A}t think i (?:can|should)|"
               rf"{_A}m not in a position to|am not in a position to|{_A}ll have to pass on|"
               rf"won{_A}t be able to|will not be able to)\s+(?:\w+\s+){{0,2}}?"
               r"(?:continu\w*|proceed\w*|writ(?:e|ing)|generat\w*|produc\w*|creat\w*|"
               r"depict\w*|describ\w*|portray\w*|narrat\w*|role-?play\w*|engag\w*|"
               r"participat\w*|assist\w*|help(?=\s+(?:you\s+)?with\b)|fulfil\w*|comply|"
               r"provid\w*|go (?:any )?further|go (?:on )?with|tak(?:e|ing) (?:this|it|the "
               r"(?:story|scene|roleplay)) (?:any )?further|go there|keep (?:going|writing)|"
               r"play along|explore)",
               rf"\bi (?:don{_A}?t|do not) (?:engage (?:in|with)|write|participate in|produce|"
               r"create|generate|take part in|do) (?:this|that|these|such|any|content|scenes|"
               r"stories|roleplay|explicit|sexual)"),
        "ru": (r"\bя\s+(?:\w+\s+){0,2}?(?:не (?:могу|буду|стану|смогу|в состоянии|готова|готов|"
               r"имею права|должна|должен))\s+(?:\w+\s+){0,2}?(?:продолж|помо[гч]|выполн|созда|"
               r"напис|писать|сгенерир|генерир|предостав|участв|описа|описыв|развива|обсужда|"
               r"поддерж|изобра|отыгр)",
               r"(?:продолжать|продолжить|писать|написать|описывать|описать|развивать|"
               r"генерировать|создавать|участвовать|помогать|помочь|изображать)\s+"
               r"(?:[\w-]+\s+){0,6}?(?:я )?не (?:буду|могу|стану|смогу|готова|готов)",
               r"(?:^|[.!?]\s+)не (?:могу|буду|стану|смогу)\s+(?:\w+\s+){0,2}?(?:продолж|помо|"
               r"напис|писать|опис|созда|развива)",
               r"\bя не (?:пишу|участвую|создаю|описываю|генерирую|занимаюсь)\s+(?:в |подобн\w*|"
               r"так\w*|эт\w*|откровенн\w*|контент\w*|сцен\w*)"),
        "uk": (r"\bя\s+(?:\w+\s+){0,2}?не (?:можу|буду|стану|зможу|в змозі|готова|готовий)\s+"
               r"(?:[\w'’]+\s+){0,2}?(?:продовж|допомог|викона|створ|напис|писати|згенер|нада|"
               r"участ|опис|розвива|обговорю|зображ)",
               r"(?:продовжувати|продовжити|писати|написати|описувати|описати|розвивати|"
               r"створювати|допомагати)\s+(?:[\w'’-]+\s+){0,4}?(?:я )?не (?:буду|можу|стану|"
               r"зможу|готова|готовий)",
               r"(?:^|[.!?]\s+)не (?:можу|буду|стану)\s+(?:\w+\s+){0,2}?(?:продовж|допомог|"
               r"напис|писати|опис|створ)",
               r"\bне (?:писатиму|продовжуватиму|описуватиму|створюватиму)\b",
               r"(?:продовжувати|продовжити|писати|описувати|розвивати)\s+(?:[\w'’-]+\s+){0,6}?"
               r"(?:я )?не (?:готова|готовий|буду|можу)",
               r"\bя не (?:пишу|беру участі|створюю|описую|генерую)\s+(?:в |подібн\w*|так\w*|"
               r"ц\w*|відверт\w*|контент\w*|сцен\w*)"),
        "ja": (r"(?:続け|続行|書|描写|描|作成|生成|提供|お手伝い|手伝|対応|お応え|応え|応じ|お答え|"
               r"協力|参加|進め|表現|お届け)(?:る|く|す|し)?(?:こと|の)?(?:は|が|も)?(?:でき|出来)"
               r"(?:ません|ない|かねます)",
               r"(?:続け|書け|描け|進め|応じ)られ(?:ません|ない)",
               r"(?:いたしかねます|致しかねます|控えさせて|控えます|お断りします|書くわけにはいきません)",
               r"(?:関われません|関わりません|扱えません|扱いません|書きません|お受けできません|参加できません)"),
        "zh": (r"(?:我)?(?:无法|不能|不可以|没办法|没法|不方便|不太方便|不便)(?:再)?(?:继续|帮助|"
               r"帮你|帮|协助|提供|完成|满足|生成|创作|编写|写|参与|描写|描述|回应|进行|往下|按)",
               r"(?:这个|这部分|这段|这类|这种)[^。！？]{0,10}?(?:我)?(?:没办法|无法|不能|没法)"
               r"(?:帮你|帮|写|继续|提供)",
               r"我也?不(?:会)?(?:参与|写|创作|生成)(?:这类|这种|此类|这样的)"),
        "ko": (r"(?:계속|진행|작성|생성|제공|묘사|도와|도움|써|쓸|쓰|이어|참여|응|답변|표현|만들|"
               r"그릴|다룰)[가-힣]*\s*(?:드릴\s*)?수\s*(?:가\s*|는\s*)?없",
               r"(?:계속|진행|이어|작성|묘사|쓰)[가-힣\s]{0,6}(?:어렵|곤란)",
               r"(?:참여하지 않|쓰지 않|작성하지 않|다루지 않|관여하지 않)"),
        "es": (r"\b(?:yo )?no (?:puedo|podré|podría|voy a|me es posible|estoy en condiciones "
               r"de|soy capaz de|debo|me siento capaz de)\s+(?:\w+\s+){0,2}?(?:continuar|seguir|"
               r"ayudar\w*|proporcionar|crear|escribir|generar|cumplir|participar|asistir|"
               r"describir|narrar|representar|producir|desarrollar|avanzar|llevar|retratar|"
               r"continuando|escribiendo|ir más allá)",
               r"\bno (?:participo|escribo|genero|creo|me involucro|hago) (?:en |con )?(?:este|"
               r"esta|ese|esa|estos|estas|tal|ese tipo|este tipo|contenido|escenas)"),
        "fr": (r"\bje ne (?:peux|pourrai|pourrais|vais|suis|veux|dois|compte|souhaite)\s+"
               r"(?:pas|plus)\s+(?:[\w'’]+\s+){0,3}?(?:d['’])?(?:continuer|poursuivre|aider|"
               r"fournir|créer|écrire|générer|répondre|participer|décrire|développer|aller plus "
               r"loin|donner suite|produire|dépeindre|raconter)",
               r"\bje ne (?:participe|écris|génère|produis|crée|m['’]engage) pas (?:à |de |dans )?"
               r"(?:ce|cette|ces|ce genre|ce type|contenu|scènes)"),
        "de": (r"\bich (?:kann|werde|darf|möchte|will|bin)\b[^.!?\n]{0,50}?\bnicht\b"
               r"[^.!?\n]{0,40}?(?:helfen|fortfahren|fortsetzen|fortführen|weiterführen|"
               r"weitermachen|weiterschreiben|weitererzählen|nachkommen|erfüllen|erstellen|"
               r"schreiben|generieren|unterstützen|bereitstellen|beschreiben|darstellen|mitmachen|"
               r"beteiligen|liefern|umsetzen|in der lage)",
               r"\b(?:kann|werde|darf|möchte|will) ich\b[^.!?\n]{0,40}?\bnicht\b[^.!?\n]{0,20}?"
               r"(?:helfen|fortsetzen|fortführen|weiterführen|weiterschreiben|schreiben|"
               r"beschreiben|darstellen|erstellen|erfüllen|in der lage)",
               r"\bich (?:kann|darf|werde)\b[^.!?\n]{0,20}?\bkeine\w*\b[^.!?\n]{0,40}?"
               r"(?:erstellen|schreiben|generieren|beschreiben|liefern)",
               r"\bich (?:schreibe|erstelle|generiere|mache) (?:keine|solche)\b"),
        "it": (r"\bnon (?:posso|potrò|potrei|sono in grado di|riesco a|voglio|devo|"
               r"me la sento di|intendo)\s+(?:[\w'’]+\s+){0,2}?(?:aiutar\w*|continuar\w*|"
               r"proseguir\w*|fornir\w*|crear\w*|scriver\w*|generar\w*|soddisfar\w*|"
               r"partecipar\w*|descriver\w*|assecondar\w*|narrar\w*|rappresentar\w*|"
               r"sviluppar\w*|andare oltre|portare avanti)",
               r"\bnon (?:la |lo |le |li )?(?:scriverò|continuerò|proseguirò|descriverò|"
               r"genererò|creerò|racconterò)\b",
               r"\bnon (?:partecipo|scrivo|genero|creo) (?:a |ad )?(?:questo|questa|questi|queste|"
               r"tal[ei]|contenuti|scene)"),
        "pt": (r"\b(?:eu )?não (?:posso|poderei|poderia|vou|consigo|sou capaz de|estou em "
               r"condições de|devo|vou conseguir)\s+(?:[\w'’]+\s+){0,2}?(?:ajudar|continuar|"
               r"prosseguir|fornecer|criar|escrever|gerar|atender|participar|descrever|narrar|"
               r"retratar|desenvolver|dar continuidade|seguir com|ir além|levar)",
               r"\bnão (?:participo|escrevo|gero|crio|me envolvo) (?:com |de |em )?(?:esse|essa|"
               r"este|esta|esses|essas|tal|tipo|conteúdo|cenas)"),
        "pl": (r"\bnie (?:mogę|będę|jestem w stanie|dam rady|potrafię|zamierzam|powinnam|"
               r"powinienem)\s+(?:\w+\s+){0,2}?(?:pomóc|pomagać|kontynuować|spełnić|stworzyć|"
               r"tworzyć|napisać|pisać|wygenerować|generować|dostarczyć|uczestniczyć|opisać|"
               r"opisywać|rozwijać|prowadzić|brać udziału|przedstawić|przedstawiać|ciągnąć)",
               r"\bnie (?:napiszę|opiszę|będę tego pisać|stworzę)\b",
               r"\bnie (?:angażuję się|piszę|tworzę|uczestniczę|generuję) (?:w )?(?:tego|takich|"
               r"takie|ten|te|treści|scen)"),
        "hi": (r"(?:जारी|आगे|लिख|बना|मदद|सहायता|पूरा|प्रदान|वर्णन|हिस्सा|चित्रण|दिखा)[^।.!?\n]{0,25}?"
               r"नहीं (?:कर|रख|दे|लिख|बना|दिखा|बढ़ा|ले जा)?\s?(?:सकता|सकती|सकते|सकूँगा|सकूंगा|"
               r"सकूँगी|सकूंगी|पाऊँगा|पाऊंगा|पाऊँगी|पाऊंगी)",
               r"नहीं (?:लिखूँगा|लिखूँगी|लिखूंगा|लिखूंगी|बनाऊँगा|बनाऊँगी)",
               r"(?:यह|वह|इसे|उसे|ऐसा|ऐसी|ऐसे)\s+(?:\S+\s+)?नहीं (?:लिख|बना|दिखा)\s?(?:सकता|सकती|"
               r"सकूँगा|सकूँगी|पाऊँगा|पाऊँगी)",
               r"(?:जारी रखने|लिखने|मदद करने|बनाने|वर्णन करने)\S* में असमर्थ",
               r"(?:हिस्सा नहीं लेती|हिस्सा नहीं लेता|नहीं लिखती|नहीं लिखता)"),
        "ar": (r"(?:لا (?:أستطيع|يمكنني|أقدر على|أتمكن من)|لن (?:أستطيع|أتمكن من|أقوم ب)|"
               r"لست قادر(?:ًا|ا|ة)? على|غير قادر(?:ة)? على)\s*(?:\S+\s+){0,2}?(?:ال)?(?:مساعد|"
               r"استمرار|متابعة|مواصلة|تقديم|إنشاء|كتابة|تلبية|مشاركة|وصف|الاستجابة|إكمال|تطوير|"
               r"أن أساعد|أن أكمل|أن أكتب|أن أستمر|أن أواصل|تصوير|المضي)",
               r"لن (?:أكتب|أكمل|أستمر|أواصل|أصف)",
               r"(?:لا أشارك|لا أكتب|لا أنتج) (?:في )?(?:مثل|هذا|هذه)"),
        "he": (r"(?:אני לא|אינני|לא) (?:יכול|יכולה|מסוגל|מסוגלת)\s+(?:\S+\s+)?(?:לעזור|להמשיך|"
               r"לספק|ליצור|לכתוב|להשתתף|לתאר|להיענות|לסייע|לפתח|להציג|לגלם)",
               r"לא (?:אכתוב|אמשיך|אתאר|אפתח|אשתתף)",
               r"(?:אני לא|אינני) (?:משתתף|משתתפת|כותב|כותבת) (?:ב)?(?:תוכן|סיפורים|סצנות|כזה|כאלה)"),
        "nl": (r"\bik (?:kan|mag|ga|wil|zal|ben)\b[^.!?\n]{0,40}?\bniet\b[^.!?\n]{0,30}?"
               r"(?:helpen|doorgaan|voortzetten|verdergaan|verder gaan|voldoen|schrijven|"
               r"genereren|leveren|beschrijven|meewerken|verder|uitwerken|weergeven|in staat)",
               r"\b(?:kan|ga|mag|wil|zal) ik\b[^.!?\n]{0,40}?\bniet\b[^.!?\n]{0,20}?(?:helpen|"
               r"doorgaan|voortzetten|schrijven|beschrijven|uitwerken|verder)",
               r"\bik (?:kan|mag|ga|wil|zal)\b[^.!?\n]{0,20}?\bgeen\b[^.!?\n]{0,40}?"
               r"(?:schrijven|maken|genereren|leveren|beschrijven)",
               r"\bik (?:schrijf|maak|genereer) (?:geen|zulke)\b"),
        "tr": (r"(?:devam ed|devam ettir|yardımcı ol|yardım ed|yaz|oluştur|sağla|karşıla|üret|"
               r"katıl|betimle|tasvir ed|anlat|sürdür|geliştir)(?:e|a|ye|ya)(?:m[ae]m|m[ıi]yorum)",
               r"(?:yaz|anlat|devam et|sürdür|betimle)(?:mayacağım|meyeceğim)",
               r"(?:yer almıyorum|yazmıyorum|üretmiyorum|katılmıyorum)"),
    },
    "deictic": {
        "en": (r"(?<!like )\b(?:this|that|it|such|these|those|anything like|any further|further|"
               r"any more|anymore|the rest|here)\b",),
        "ru": (r"\b(?:это\w*|эт(?:у|а|и|от|ой|им|их)|такое|такой|таком|такие|подобн\w*|дальше|"
               r"далее|здесь|тут|продолжени\w*)\b",),
        "uk": (r"\b(?:це\w*|ц(?:ю|ей|ього|ій|і|им)|таке|такий|такому|подібн\w*|далі|тут|"
               r"продовженн\w*)\b",),
        "ja": (r"(?:この|その|こちらの|こういう|そういう|このような|そのような|これ|それ|ここ|"
               r"この先|これ以上|その先)",),
        "zh": (r"(?:这个|这种|这类|这样|这部分|这段|这条|此|该|下去|这里|到此|这些)",),
        "ko": (r"(?:이런|그런|이러한|그러한|이 (?:장면|대화|요청|부분|내용|이야기)|그 (?:장면|부분|"
               r"내용)|여기서|더 이상|더는|그건|그 부분)",),
        "es": (r"\b(?:esto|eso|esta|este|esa|ese|estas|estos|tal|tales|aquí|más allá|"
               r"por ese camino)\b",),
        "fr": (r"\b(?:cela|ceci|ça|cette (?:scène|histoire|demande|conversation|direction|"
               r"partie|intrigue)|ce (?:genre|type|contenu|récit|jeu)|ici|plus loin|"
               r"dans ce sens|de ce genre)\b",),
        "de": (r"\b(?:das|dies\w*|solche\w*|so etwas|sowas|hier|an dieser stelle|"
               r"an diesem punkt|damit|dabei)\b",),
        "it": (r"\b(?:questo|questa|quest['’]|quello|quella|ciò|tale|tali|qui|oltre|"
               r"di questo tipo)\b",),
        "pt": (r"\b(?:isso|isto|esta|este|essa|esse|estas|estes|essas|esses|tal|aqui|"
               r"desse tipo|nessa direção|nesse rumo)\b",),
        "pl": (r"\b(?:tego|tym|tej|tę|ten|ta|to|takich|taki|takie|tutaj|tu|dalej)\b",),
        "hi": (r"(?<![\u0900-\u097F])(?:यह|इस|ऐसी|ऐसा|ऐसे|इसे|यहीं|यहाँ|इस तरह)(?![\u0900-\u097F])",),
        "ar": (r"(?<!\w)(?:هذا|هذه|ذلك|تلك|هنا|بهذا|بهذه|هكذا|مثل هذا|هذا النوع|أبعد)(?!\w)",),
        "he": (r"(?<!\w)(?:זה|זו|זאת|הזה|הזו|הזאת|כזה|כזו|כזאת|כאן|מהסוג הזה|בכיוון הזה)(?!\w)",),
        "nl": (r"\b(?:dit|dat|deze|zulke|zo['’]n|zoiets|hier|hiermee|daarmee|verder)\b",),
        "tr": (r"\b(?:bu|bunu|bunun|böyle|bu tür|bu konuda|burada|daha ileri|bu yönde|şu)\b",),
    },
    "meta_object": {
        "en": (r"\b(?:role-?play(?:ing)?|rp|scene|scenario|story(?:line)?|plot(?:line)?|"
               r"narrative|content|material|conversation|chat|discussion|request|prompt|topic|"
               r"subject|direction|fiction|themes?|explicit|sexual(?:ly)?|nsfw|graphic|"
               r"violence|violent|gore|minors?|underage|self-harm|suicide|"
               r"(?:kind|type|sort) of (?:thing|content|scene|story))\b",),
        "ru": (r"\b(?:ролев\w*|сцен\w*|сценари\w*|истори\w*|сюжет\w*|повествовани\w*|контент\w*|"
               r"содержани\w*|материал\w*|разговор\w*|бесед\w*|переписк\w*|диалог\w*|чат\w*|"
               r"запрос\w*|просьб\w*|тем(?:а|е|у|ы|ой)|направлени\w*|откровенн\w*|"
               r"сексуальн\w*|эротическ\w*|насили\w*|несовершеннолетн\w*)\b",),
        "uk": (r"\b(?:рольов\w*|сцен\w*|сценар\w*|істор\w*|сюжет\w*|контент\w*|вміст\w*|"
               r"зміст\w*|розмов\w*|бесід\w*|діалог\w*|чат\w*|запит\w*|прохан\w*|"
               r"тем(?:а|и|у|і|ою)|напрям\w*|відверт\w*|сексуальн\w*|насильств\w*|"
               r"неповнолітн\w*)\b",),
        "ja": (r"(?:会話|物語|ストーリー|シーン|場面|描写|内容|コンテンツ|リクエスト|要求|ご要望|依頼|"
               r"ロールプレイ|話題|展開|方向|性的|暴力|未成年|シナリオ|表現)",),
        "zh": (r"(?:对话|故事|剧情|场景|情节|内容|请求|要求|角色扮演|话题|方向|描写|色情|露骨|暴力|"
               r"未成年|聊天)",),
        "ko": (r"(?:대화|이야기|스토리|장면|내용|콘텐츠|요청|롤플레이|역할극|주제|화제|방향|묘사|"
               r"전개|성적|폭력|미성년)",),
        "es": (r"\b(?:rol|juego de rol|roleplay|escena|historia|trama|narración|relato|"
               r"contenido|material|conversación|charla|chat|solicitud|petición|pedido|tema|"
               r"dirección|rumbo|ficción|explícit\w*|sexual\w*|violencia|violent\w*|"
               r"menor(?:es)?)\b",),
        "fr": (r"\b(?:jeu de rôle|rp|scène|histoire|intrigue|récit|contenu|conversation|"
               r"échange|discussion|demande|requête|sujet|direction|tournure|fiction|"
               r"explicite|sexuel\w*|violence|violent\w*|mineur\w*)\b",),
        "de": (r"\b(?:rollenspiel\w*|szene\w*|geschichte\w*|handlung\w*|inhalt\w*|gespräch\w*|"
               r"unterhaltung\w*|chat|anfrage\w*|thema|themen|richtung|fiktion|explizit\w*|"
               r"sexuell\w*|gewalt\w*|minderjährig\w*)\b",),
        "it": (r"\b(?:gioco di ruolo|roleplay|scena|storia|trama|narrazione|racconto|"
               r"contenut\w*|conversazione|chat|richiesta|argomento|tema|direzione|finzione|"
               r"esplicit\w*|sessual\w*|violenza|violent\w*|minorenn\w*|minori)\b",),
        "pt": (r"\b(?:roleplay|rp|interpretação|cena|história|enredo|narrativa|conteúdo|"
               r"conversa|bate-papo|chat|pedido|solicitação|assunto|tema|direção|rumo|ficção|"
               r"explícit\w*|sexual\w*|violência|violent\w*|menor(?:es)?)\b",),
        "pl": (r"\b(?:roleplay\w*|rp|odgrywani\w*|scen\w*|histori\w*|fabuł\w*|wątk\w*|narracj\w*|"
               r"treś\w*|rozmow\w*|czat\w*|prośb\w*|zapytani\w*|temat\w*|kierun\w*|fikcj\w*|"
               r"seksualn\w*|przemoc\w*|nieletni\w*|niepełnoletni\w*)\b",),
        "hi": (r"(?<![\u0900-\u097F])(?:बातचीत|कहानी|दृश्य|सीन|सामग्री|कंटेंट|अनुरोध|रोलप्ले|विषय|"
               r"दिशा|कथानक|यौन|हिंसा|नाबालिग)",),
        "ar": (r"(?<!\w)[وفبلك]?(?:ال)?(?:محادث|قص[ةص]|مشهد|محتو|طلب|لعب الأدوار|موضوع|اتجاه|"
               r"حبك|جنسي|عنف|قاصر|حديث)\w*",),
        "he": (r"(?<!\w)[והבלמשכ]{0,2}(?:שיחה|שיח|סיפור|סצנ|תוכן|בקשה|משחק התפקידים|נושא|כיוון|"
               r"עלילה|מיני|אלימות|קטינ|קטין)\w*",),
        "nl": (r"\b(?:rollenspel\w*|rp|scène\w*|scene\w*|verhaal\w*|verhaallijn\w*|plot|inhoud|"
               r"content|gesprek\w*|chat|verzoek\w*|onderwerp\w*|richting|fictie|"
               r"expliciet\w*|seksu\w*|geweld\w*|minderjarig\w*)\b",),
        "tr": (r"(?:konuşma|sohbet|hik[aâ]ye|sahne|içerik|istek|talep|rol yapma|roleplay|"
               r"konuyu|bu konu|başka konu|kurgu|cinsel|şiddet|reşit olmayan)",),
    },
    "decline": {
        "en": (rf"\bi{_A}?(?:m| am) not (?:comfortable|willing)\b",
               r"\bi (?:don" + _A + r"?t|do not) feel (?:comfortable|right|okay|good about)\b",
               r"\b(?:doesn" + _A + r"?t|does not) feel right\b",
               rf"\bi(?:{_A}d| would) (?:rather|prefer) (?:not|to keep|to stay|we|that we|"
               r"to steer|to take|to leave|to avoid|to pause|to stop|keeping)\b",
               r"\bi (?:must|have to|need to|will have to|" + _A + r"ll have to) (?:respectfully |"
               r"politely )?(?:decline|pass)\b",
               rf"\b(?:isn{_A}t|is not|not) something i(?:{_A}m| am)? (?:can|able|comfortable|"
               r"will|do|going|feel)",
               r"\b(?:draw|set) (?:a|the|some) (?:line|boundary|boundaries)\b",
               r"\bmakes? me (?:uncomfortable|uneasy)\b"),
        "ru": (r"\bмне (?:не )?(?:очень |совсем )?(?:некомфортно|неуютно|неловко|не по себе)\b",
               r"\bмне не (?:очень |совсем )?комфортно\b",
               r"\bя (?:бы )?(?:предпочла|предпочёл|предпочел|предпочту) (?:бы )?"
               r"(?:не|оставить|сохранить|держать|сохранять)",
               r"\bя бы не (?:хотела|хотел|стала|стал)\b",
               r"\b(?:провести|обозначить|провожу|обозначу) (?:черту|границу)\b",
               r"\bя (?:вынуждена|вынужден) (?:отказаться|отказать)"),
        "uk": (r"\bмені (?:не )?(?:дуже |зовсім )?(?:некомфортно|незручно|ніяково)\b",
               r"\bя б (?:не хотіла|не хотів|воліла|волів)\b",
               r"\b(?:провести|позначити) (?:межу|риску)\b"),
        "ja": (r"(?:気が進みません|抵抗があります|抵抗を感じ|居心地が悪|遠慮させて|控えたいと思|避けたいと思|"
               r"したくありません|書きたくありません|とどめておきたい|留めておきたい|線を引)",),
        "zh": (r"(?:不太舒服|不自在|不合适|不太合适|不太适合|不适合继续|我更希望|我更倾向|我宁愿|我不太想|"
               r"我不想继续|划清界限|划一条界线|划条线)",),
        "ko": (r"(?:불편해요|불편합니다|불편하|편하지 않|내키지 않|원하지 않|싶지 않아요|싶지 않습니다|"
               r"선을 그어|선을 긋|유지하고 싶|선에서 유지)",),
        "es": (r"\bno me (?:siento|encuentro) (?:cómod[oa]|a gusto|bien)\b",
               r"\b(?:prefiero|preferiría|preferiria) (?:no|mantener|dejar)\b",
               r"\bme gustaría mantener\b",
               r"\b(?:poner|marcar|trazar) (?:un|el) límite\b",
               r"\bno es algo que (?:pueda|vaya a|esté)\b", r"\bdebo (?:declinar|rechazar)\b",
               r"\bno me parece bien\b"),
        "fr": (r"\bje ne (?:suis|me sens) pas (?:à l['’]aise|bien|confortable)\b",
               r"\bje (?:préfère|préférerais) (?:ne pas|garder|rester|m['’]arrêter)\b",
               r"\b(?:poser|fixer|tracer) une limite\b",
               r"\bce n['’]est pas quelque chose que je\b", r"\bje dois (?:refuser|décliner)\b",
               r"\bje ne me sens pas d['’]\w+"),
        "de": (r"\bich fühle mich (?:dabei )?nicht wohl\b",
               r"\b(?:es )?fühlt sich (?:für mich )?nicht richtig an\b",
               r"\bich (?:würde|möchte)\b[^.!?\n]{0,30}?\blieber\b",
               r"\b(?:grenze ziehen|grenze setzen)\b",
               r"\b(?:lasse ich mich nicht ein|beteilige ich mich nicht|mache ich nicht mit)\b"),
        "it": (r"\bnon mi sento (?:a mio agio|bene|tranquill\w*)\b", r"\bnon me la sento\b",
               r"\b(?:preferirei|preferisco) (?:non|mantenere|restare)\b",
               r"\b(?:porre|mettere|tracciare) (?:un|dei) limit\w*\b",
               r"\bnon è qualcosa che\b", r"\bdevo (?:declinare|rifiutare)\b",
               r"\bnon mi sembra giusto\b"),
        "pt": (r"\bnão me sinto (?:confortável|à vontade|bem)\b",
               r"\b(?:eu )?(?:prefiro|preferiria) (?:não|manter|deixar)\b",
               r"\b(?:estabelecer|colocar|impor) (?:um|o) limite\b", r"\bnão é algo que\b",
               r"\bnão me parece certo\b", r"\bpreciso recusar\b"),
        "pl": (r"\bnie czuję się (?:komfortowo|dobrze|swobodnie)\b",
               r"\b(?:wolałabym|wolałbym|wolę),? (?:nie|utrzymać|zostać|żeby|zachować)\b",
               r"\b(?:postawić|wyznaczyć) granic\w*\b", r"\bto nie jest coś, (?:co|czego)\b",
               r"\bmuszę odmówić\b"),
        "hi": (r"(?:सहज नहीं|असहज|ठीक नहीं लग|पसंद करूँगी|पसंद करूँगा|पसंद करूंगी|पसंद करूंगा|"
               r"चाहूँगी कि|चाहूँगा कि|सीमा तय|सीमा खींच|हिस्सा नहीं लेती|हिस्सा नहीं लेता|"
               r"मेरे लिए ठीक नहीं)",),
        "ar": (r"(?:لا أشعر بالراحة|لا أشعر بالارتياح|أفضّل|أفضل أن|أضع حدًا|أضع حدا|وضع حد|"
               r"لا أشارك|لا أرى من المناسب)",),
        "he": (r"(?:לא נוח לי|לא מרגיש לי נכון|לא מרגישה בנוח|לא מרגיש בנוח|מעדיף|מעדיפה|"
               r"להציב (?:כאן )?גבול|לשים גבול|לא משתתף|לא משתתפת)",),
        "nl": (r"\bik voel me (?:er )?niet (?:prettig|op mijn gemak|goed|comfortabel)\b",
               r"\bhet voelt niet goed\b", r"\bik (?:houd|hou)\b[^.!?\n]{0,25}?\bliever\b",
               r"\bik (?:zou )?(?:het )?liever\b", r"\b(?:een grens trekken|grens stellen)\b",
               r"\bdoe ik niet mee\b", r"\bniet iets wat ik\b"),
        "tr": (r"(?:rahat hissetmiyorum|rahat değilim|tercih ederim|bir sınır çiz|sınır koy|"
               r"yer almıyorum|bana doğru gelmiyor|uygun bulmuyorum)",),
    },
    "stop": {
        "en": (rf"\bi(?:{_A}ll| will|{_A}m going to| am going to| need to| have to| must|"
               rf"{_A}ve| think i (?:need|should|have) to|{_A}d like to| want to|{_A}m| am)?\s?"
               r"(?:stop|pause|end|ended|stopping|pausing|ending|leave|leaving|cut|wrap)\b"
               r"[^.!?\n]{0,30}?\b(?:here|there|now|at this point|the (?:story|scene|roleplay|"
               r"rp|narrative|conversation)|this (?:scene|story|roleplay)|for a (?:moment|"
               r"second))\b",
               r"\blet me (?:stop|pause) (?:here|there)\b",
               r"\b(?:pause|stop|end) the (?:story|scene|roleplay|rp)\b"),
        "ru": (r"\b(?:остановлюсь|остановиться|прервусь|прерваться|прервать|закончу|закончить|"
               r"приостановить)\b[^.!?\n]{0,30}?(?:здесь|тут|на этом|историю|сцену|ролевую|игру)",
               r"\b(?:здесь|тут|на этом) (?:я )?(?:остановлюсь|закончу|прервусь|вынуждена "
               r"прерваться|придётся остановиться|придется остановиться)",
               r"\b(?:здесь|тут) (?:\w+ )?(?:остановиться|прерваться|остановлюсь)\b"),
        "uk": (r"\b(?:зупинюся|зупинитися|зупинитись|перерву|перервати|закінчу)\b[^.!?\n]{0,30}?"
               r"(?:тут|на цьому|історію|сцену|гру)",
               r"\b(?:тут|на цьому) (?:я )?(?:зупинюся|закінчу|мушу зупинитися)",
               r"\bтут (?:\w+ )?(?:зупинитися|зупинитись|зупинюся)\b"),
        "ja": (r"(?:ここ|こちら|この辺)で(?:一度)?(?:止め|とめ|終わり|終了|中断|区切|ストップ)",
               r"(?:物語|ストーリー|シーン|ロールプレイ|会話|お話)を(?:止め|終了|中断|終え)",
               r"ここまでと(?:させて|します)", r"(?:シーン|場面)を(?:ここで)?終了"),
        "zh": (r"(?:停在这里|到此为止|只能(?:写)?到这里|就到这里|就此打住|暂停一下故事|"
               r"(?:故事|剧情|场景)(?:只能|先)?(?:停|结束|暂停)|场景到此结束)",),
        "ko": (r"(?:여기서|이쯤에서|이 정도에서) (?:잠시 |잠깐 )?(?:멈추|멈출|멈춰|마치|마칩|끝내|중단|"
               r"그만)",
               r"(?:이야기|장면|롤플레이)를? (?:여기서 )?(?:멈추|멈출|마치|마칩|끝내|중단)"),
        "es": (r"\b(?:detener(?:me)?|detendré|detengo|parar|pararé|paro|pausar|pausa|"
               r"terminar|terminé|terminado)\b[^.!?\n]{0,25}?\b(?:aquí|acá|en este punto|"
               r"la historia|la escena|el rol)\b",),
        "fr": (r"\b(?:m['’]arrêter|m['’]arrête|arrêter|arrêterai|faire une pause|terminé|"
               r"terminer|interrompre)\b[^.!?\n]{0,25}?\b(?:ici|là|l['’]histoire|la scène|"
               r"le jeu de rôle|le récit)\b",
               r"\bmettre (?:l['’]histoire |la scène |le jeu |notre jeu )?en pause\b"),
        "de": (r"\b(?:hier|an dieser stelle|an diesem punkt)\b[^.!?\n]{0,30}?\b(?:aufhören|"
               r"aufhöre|auf|beenden|beende|anhalten|pause|unterbrechen|stoppen)\b",
               r"\b(?:aufhören|beenden|unterbrechen|anhalten|stoppen|pause machen)\b"
               r"[^.!?\n]{0,20}?\b(?:hier|an dieser stelle)\b",
               r"\b(?:die geschichte|die szene|das rollenspiel)\b[^.!?\n]{0,20}?"
               r"\b(?:beenden|unterbrechen|anhalten|an|stoppen)\b"),
        "it": (r"\b(?:mi fermo|fermarmi|fermo|fermare|pausa|interromper\w*|interrott\w*|"
               r"concluder\w*)\b[^.!?\n]{0,25}?\b(?:qui|la storia|la scena|il gioco di ruolo|"
               r"a questo punto)\b",),
        "pt": (r"\b(?:parar|paro|pausa|pausar|interromper|encerrei|encerrar)\b[^.!?\n]{0,25}?"
               r"\b(?:aqui|por aqui|a história|a cena|o roleplay|neste ponto)\b",),
        "pl": (r"\b(?:zatrzymam się|zatrzymać się|zatrzymuję|przerwać|przerwę|zakończyłam|"
               r"zakończyłem|zakończyć)\b[^.!?\n]{0,25}?\b(?:tu|tutaj|w tym miejscu|historię|"
               r"scenę|roleplay|grę)\b",),
        "hi": (r"(?:यहीं|यहाँ) (?:रुक|रोक|समाप्त|ख़त्म|खत्म)",
               r"(?:कहानी|दृश्य|रोलप्ले) को[^।.!?\n]{0,25}?(?:रोक|समाप्त)",
               r"कहानी (?:को )?(?:यहीं )?(?:रोक|समाप्त)",
               r"दृश्य (?:यहीं )?समाप्त"),
        "ar": (r"(?:أتوقف|سأتوقف|التوقف|أوقف|إيقاف|أنهيت|سأنهي)\s*(?:\S+\s+){0,3}?(?:هنا|القصة|"
               r"المشهد|لعب الأدوار|عند هذه النقطة)",),
        "he": (r"(?:לעצור|אעצור|עוצר|עוצרת|סיימתי|לסיים|להפסיק)\s*(?:\S+\s+){0,3}?(?:כאן|את הסיפור|"
               r"את הסצנה|את משחק התפקידים)",),
        "nl": (r"\b(?:stop|stoppen|pauzeren|pauze|onderbreken|beëindigd|beëindigen|stilleggen)\b"
               r"[^.!?\n]{0,25}?\b(?:hier|het verhaal|de scène|het rollenspel)\b",
               r"\bhier\b[^.!?\n]{0,20}?\b(?:stoppen|pauzeren|onderbreken|stop)\b",
               r"\b(?:het verhaal|de scène|het rollenspel)\b[^.!?\n]{0,20}?\b(?:stilleggen|"
               r"pauzeren|stoppen|onderbreken|stop)\b"),
        "tr": (r"(?:burada|bu noktada) (?:biraz )?(?:durmam|duruyorum|duracağım|bitirdim|"
               r"bitiriyorum|ara ver)",
               r"(?:hik[aâ]yeyi|sahneyi|rol yapmayı)[^.!?\n]{0,25}?(?:durdur|bitir)"),
    },
    "topic_change": {
        "en": (r"\bchange (?:the )?(?:subject|topic)\b", r"\b(?:talk|chat) about something else\b",
               r"\bswitch (?:topics|gears)\b", r"\bmove on to (?:something|another)\b",
               r"\bsomething else to talk about\b"),
        "ru": (r"\b(?:сменим|сменить|поменяем|поменять|смене) тем\w*",
               r"\bпоговорим о (?:ч[её]м)-(?:нибудь|то) другом\b", r"\bдругую тему\b"),
        "uk": (r"\b(?:змінимо|змінити|поміняймо|зміну) тем\w*", r"\bпоговоримо про щось інше\b",
               r"\bіншу тему\b"),
        "ja": (r"話題を変え", r"別の話題", r"違う話題"),
        "zh": (r"换(?:个|一个)?话题", r"聊点别的", r"聊聊别的", r"别的话题"),
        "ko": (r"화제를 (?:바꿔|돌려|바꾸)", r"주제를 바꿔", r"다른 (?:이야기|주제)(?:를|로|하)"),
        "es": (r"\bcambi(?:ar|emos|amos) de tema\b", r"\botro tema\b", r"\bhablar de otra cosa\b"),
        "fr": (r"\bchang(?:er|eons|e) de sujet\b", r"\bparler d['’]autre chose\b",
               r"\bun autre sujet\b"),
        "de": (r"\bthema (?:zu )?wechseln\b", r"\bthemawechsel\b",
               r"\büber etwas anderes (?:reden|sprechen)\b", r"\banderes thema\b"),
        "it": (r"\bcambi(?:are|amo) argomento\b", r"\bparlare d[i']\s*(?:qualcos['’]altro|altro)\b",
               r"\baltro argomento\b"),
        "pt": (r"\bmud(?:ar|emos|amos) de assunto\b", r"\bfalar de outra coisa\b",
               r"\boutro assunto\b"),
        "pl": (r"\bzmie(?:ńmy|nimy|nić) temat\b", r"\binny temat\b",
               r"\bporozmawiać o czymś innym\b"),
        "hi": (r"(?:विषय|बात) बदल",),
        "ar": (r"(?:نغيّر|نغير|تغيير|لنغير|لنغيّر) الموضوع", r"موضوع آخر"),
        "he": (r"(?:נחליף|להחליף|החלפת) נושא", r"נושא אחר"),
        "nl": (r"\bvan onderwerp (?:veranderen|wisselen)\b",
               r"\bover iets anders (?:hebben|praten)\b", r"\bander onderwerp\b"),
        "tr": (r"konuyu değiştir", r"başka (?:bir )?konu"),
    },
    "talk_invite": {
        "en": (rf"\b(?:you(?:{_A}d| would) like|you want|you(?:{_A}d| would) prefer|you wish) to "
               r"(?:talk|chat) about\b",
               r"\bwhat else (?:would you like|do you want|is on your mind)\b",
               rf"\banything else (?:on your mind|i can help|you(?:{_A}d| would) like)\b",
               rf"\bis there (?:something|anything) (?:else )?(?:i can|you(?:{_A}d| would) like)\b"),
        "ru": (r"\b(?:о ч[её]м|что) (?:ещё|еще|бы) (?:тебе|вам) (?:хотелось бы|хочется) "
               r"(?:поговорить|обсудить)",
               r"\bхотел(?:а|и)? бы (?:ты |вы )?поговорить\b",
               r"\bпоговорим о ч[её]м-нибудь\b"),
        "uk": (r"\bхотілося б (?:поговорити|обговорити)\b", r"\b(?:про що|що) (?:ще|інше) (?:тобі|вам)\b",
               r"\bпоговоримо про щось\b"),
        "ja": (r"(?:話したいこと|話したい事|お話ししたいこと)", r"ほかに(?:何か)?(?:ありますか|ございますか)"),
        "zh": (r"(?:想聊的|想聊聊|想谈的|想讨论的)",),
        "ko": (r"(?:이야기하고 싶은|얘기하고 싶은|이야기 나누고 싶은|하고 싶은 이야기)",),
        "es": (r"\b(?:te gustaría|quieras|quieres) (?:hablar|charlar|conversar)\b",
               r"\bde lo que (?:quieras|te gustaría) hablar\b"),
        "fr": (r"\b(?:aimerais|voudrais|veux|souhaites)[- ](?:tu )?(?:parler|discuter)\b",
               r"\bdont tu (?:aimerais|voudrais) parler\b"),
        "de": (r"\bworüber (?:du|sie) (?:gern(?:e)? )?(?:sprechen|reden) (?:möchtest|willst|möchten)\b",
               r"\b(?:möchtest|willst) du (?:über \w+ )?(?:sprechen|reden)\b"),
        "it": (r"\b(?:ti piacerebbe|vorresti|vuoi) parlare\b",
               r"\bdi cui (?:ti piacerebbe|vorresti) parlare\b"),
        "pt": (r"\b(?:gostaria de|quer|queira) (?:conversar|falar)\b",),
        "pl": (r"\b(?:chciałbyś|chciałabyś|chcesz) (?:porozmawiać|pogadać)\b",),
        "hi": (r"(?:बात करना चाहेंगे|बात करना चाहोगे|बात करना चाहेंगी|बात करना चाहते)",),
        "ar": (r"(?:تود|تودين|تريد|تحب) (?:أن )?(?:نتحدث|الحديث|التحدث|تتحدث)",),
        "he": (r"(?:תרצה|תרצי|היית רוצה) לדבר",),
        "nl": (r"\b(?:wil je|wilt) (?:graag )?(?:over \w+ )?praten\b",
               r"\bwaar (?:je|u) (?:graag )?over wil(?:t)? praten\b"),
        "tr": (r"(?:konuşmak istediğin|konuşmak ister misin|konuşmak istersin)",),
    },
    "lets": {
        "en": (rf"\blet{_A}?s\b", r"\blet us\b"),
        "ru": (r"\bдавай(?:те)?\b",),
        "uk": (r"\bдавай(?:те)?\b",),
        "ja": (r"ましょう",),
        "zh": (r"(?:让我们|我们还是|咱们还是)",),
        "es": (r"\b(?:mantengamos|cambiemos|hablemos|sigamos|dejemos)\b",),
        "fr": (r"\b(?:gardons|changeons|restons|parlons)\b",),
        "de": (r"\blass(?:t)? uns\b",),
        "it": (r"\b(?:manteniamo|cambiamo|restiamo|parliamo)\b",),
        "pt": (r"\b(?:vamos manter|vamos mudar|mantenhamos)\b",),
        "pl": (r"\b(?:zachowajmy|zmieńmy|pozostańmy|porozmawiajmy)\b",),
        "hi": (r"(?:चलिए|आइए|चलो)",),
        "ar": (r"(?:دعنا|لنحافظ|لنغير|لنغيّر|لنبق)",),
        "he": (r"(?:בוא נ|בואי נ|בואו נ)",),
        "nl": (r"\blaten we\b",),
        "tr": (r"(?:tutalım|değiştirelim|konuşalım|kalalım)",),
    },
    "redirect": {
        "en": (r"\b(?:something|anything|someone) else\b",
               r"\b(?:another|a different|other) (?:topic|subject|direction|scene|storyline|"
               r"story|plot|idea|path)\b",
               r"\b(?:talk|chat) about\b",
               r"\bsteer\b", r"\bsomewhere (?:else|gentler)\b", r"\binstead\b",
               r"\bhow about (?:we|a|something|if|they)\b", r"\bwhat if (?:we|they)\b",
               r"\b(?:maybe|perhaps) we (?:could|can)\b",
               r"\bpick (?:it |things |the story )?(?:up|back up)\b",
               r"\b(?:fades?|cuts?) to black\b",
               r"\blet" + _A + r"?s (?:keep|stay|move on|get back|go back|return|focus)\b"),
        "ru": (r"\b(?:о|про) (?:чём|чем|что)-?(?:нибудь|то)? (?:друг\w*|ещё|еще)\b",
               r"\b(?:сменим|сменить|поменяем|поменять|смене) тем\w*",
               r"\b(?:друг(?:ую|ой|ие|ая|ом)|ин(?:ую|ой|ое|ом)) (?:тем\w*|направлени\w*|сюжет\w*|"
               r"сцен\w*|вариант\w*)\b",
               r"\bпоговорим о\b",
               r"\bдавай(?:те)? (?:лучше|сохраним|сохранять|оставим|вернёмся|вернемся|"
               r"перенесёмся|перенесемся|продолжим с|выберем|повернём|повернем)\b",
               r"\bвместо этого\b"),
        "uk": (r"\b(?:про|щодо) (?:щось|що-небудь) (?:інше|ще)\b",
               r"\b(?:змінимо|змінити|поміняймо) тем\w*",
               r"\b(?:інш\w*) (?:тем\w*|напрям\w*|бік|сюжет\w*|сцен\w*)\b",
               r"\bпоговоримо про\b",
               r"\bдавай(?:те)? (?:краще|збережемо|зберігати|залишимо|повернемося|перенесемося|"
               r"продовжимо з|оберемо|повернемо)\b",
               r"\bзамість цього\b"),
        "ja": (r"(?:話題を変え|別の(?:話題|方向|展開|場面|話)|ほかに(?:話したい|何か)|他に(?:話したい|何か)|"
               r"違う(?:話題|方向|展開)|代わりに|はいかがでしょう|どうでしょう|再開しましょう|から再開|"
               r"進めませんか)",),
        "zh": (r"(?:换个话题|换一个话题|换个方向|别的方向|其他(?:话题|方向|情节)|别的(?:话题|想聊)|"
               r"其他想聊|还有什么(?:别的|其他)?想聊|聊点别的|聊聊别的|换一个情节|从第二天|重新开始)",),
        "ko": (r"(?:다른 이야기|다른 주제|다른 방향|다른 장면|다른 전개|화제를 (?:바꿔|돌려)|"
               r"주제를 바꿔|다시 시작|어떨까요)",),
        "es": (r"\b(?:algo más|otra cosa|otro tema|otra escena|otro rumbo|otra dirección|"
               r"otro camino|cambi(?:ar|emos) de (?:tema|escena)|en su lugar|en lugar de eso|"
               r"qué te parece si|qué tal si|retomamos|mantengamos|hay algo más)\b",),
        "fr": (r"\b(?:autre chose|un autre sujet|changeons de sujet|changer de sujet|"
               r"une autre direction|ailleurs|à la place|et si on|on reprend|gardons)\b",),
        "de": (r"\b(?:etwas anderes|was anderes|anderes thema|das thema wechseln|"
               r"andere richtung|einen anderen weg|stattdessen|wie wäre es|lass uns lieber|"
               r"lass uns das gespräch)\b",),
        "it": (r"\b(?:qualcos['’]altro|altro argomento|cambiamo argomento|cambiare argomento|"
               r"un['’]altra direzione|altrove|che ne dici se|riprendiamo|manteniamo)\b",),
        "pt": (r"\b(?:outra coisa|outro assunto|mudar de assunto|mudemos de assunto|"
               r"outra direção|outro lado|outro rumo|em vez disso|que tal|retomar|"
               r"vamos manter|mais alguma coisa)\b",),
        "pl": (r"\b(?:coś innego|czymś innym|o czym innym|inny temat|zmieńmy temat|"
               r"zmienimy temat|zmienić temat|inną stronę|innym kierunku|inny kierunek|"
               r"zamiast tego|zachowajmy|może (?:wrócimy|zmienimy|poprowadzimy))\b",),
        "hi": (r"(?:विषय बदल|बात बदल|किसी और (?:दिशा|विषय|बारे)|और किस बारे में|अगली सुबह से|"
               r"दूसरी दिशा|इसके बजाय|क्यों न)",),
        "ar": (r"(?:نغيّر الموضوع|نغير الموضوع|تغيير الموضوع|شيء آخر|موضوع آخر|مشهد آخر|"
               r"اتجاه آخر|مكان آخر|بدلًا من ذلك|بدلا من ذلك|ما رأيك أن|هل يمكننا الانتقال|نستأنف|"
               r"لنحافظ)",),
        "he": (r"(?:נחליף נושא|להחליף נושא|משהו אחר|נושא אחר|כיוון אחר|סצנה אחרת|במקום זה|"
               r"מה דעתך ש|נמשיך מ|בוא נשמור|בואי נשמור)",),
        "nl": (r"\b(?:iets anders|ander onderwerp|van onderwerp veranderen|over iets anders|"
               r"een andere kant|andere richting|in plaats daarvan|laten we (?:het|ons))\b",),
        "tr": (r"(?:konuyu değiştir|başka (?:bir )?(?:şey|konu|yön|sahne)|başka ne hakkında|"
               r"bunun yerine|nasıl olur|devam edelim mi|dönelim mi|ertesi sabahtan)",),
    },
    "normative": {
        "en": (r"\b(?:respectful|appropriate|inappropriate|pg(?:-13)?|sfw|family-friendly|"
               r"tasteful|wholesome|light and friendly|comfortable for (?:both|everyone))\b",),
        "ru": (r"\b(?:уважительн\w*|уважени\w*|приличн\w*|уместн\w*|неуместн\w*|корректн\w*|"
               r"дружелюбн\w*|допустим\w*|дружеском ключе|в дружеском)\b",),
        "uk": (r"\b(?:шаноблив\w*|поваг\w*|пристойн\w*|доречн\w*|недоречн\w*|дружньому тоні|"
               r"дружелюбн\w*)\b",),
        "ja": (r"(?:健全|穏やか|適切|不適切|敬意|お互いに気持ちよく|尊重)",),
        "zh": (r"(?:尊重|健康一些|轻松友好|得体|不当|文明|温馨一点)",),
        "ko": (r"(?:존중|건전|적절|부적절|예의)",),
        "es": (r"\b(?:respetuos[oa]s?|respeto|apropiad[oa]|inapropiad[oa]|"
               r"para todos los públicos|tono más tranquilo)\b",),
        "fr": (r"\b(?:respectueu\w*|approprié\w*|inapproprié\w*|bienveillant\w*|tout public)\b",),
        "de": (r"\b(?:respektvoll\w*|angemessen\w*|unangemessen\w*|jugendfrei\w*|"
               r"familienfreundlich\w*|ruhigere richtung)\b",),
        "it": (r"\b(?:rispettos\w*|appropriat\w*|inappropriat\w*|adatt\w* a tutti|"
               r"toni più leggeri)\b",),
        "pt": (r"\b(?:respeitos[oa]|apropriad[oa]|inapropriad[oa]|tom mais leve)\b",),
        "pl": (r"\b(?:kulturaln\w*|kultur\w* rozmowy|z szacunkiem|nieodpowiedni\w*|"
               r"przyzwoitości|lżejszym tonie)\b",),
        "hi": (r"(?:सम्मानजनक|मर्यादा|अनुचित|हल्की-फुल्की)",),
        "ar": (r"(?:محترم|احترام|لائق|لطيف ومحترم)",),
        "he": (r"(?:מכבד|בכבוד|הולם|לכל גיל|קלילה ומכבדת)",),
        "nl": (r"\b(?:respectvol\w*|gepast\w*|ongepast\w*|netjes|luchtig\w*)\b",),
        "tr": (r"(?:saygılı|genel izleyiciye uygun|uygunsuz)",),
    },
    "user_address": {
        "en": (rf"\b(?:you(?:{_A}d| would) like|would you like|if you(?:{_A}d like| want| prefer|"
               r" wish)|let me know|feel free|i understand(?: that)? you|i appreciate|"
               rf"your request|i(?:{_A}m| am| would be|{_A}d be) (?:happy|glad|more than happy) to|"
               r"happy to help|here to help|can i help|help you with)\b",),
        "ru": (r"(?:если (?:ты )?(?:хочешь|захочешь)|если (?:вы )?(?:хотите|захотите)|"
               r"дай(?:те)? знать|я понимаю,? что (?:ты|вы)|с радостью помогу|"
               r"буду рада помочь|буду рад помочь|твой запрос|ваш запрос|"
               r"о ч[её]м (?:ещё|еще) (?:тебе|вам))",),
        "uk": (r"(?:якщо (?:ти )?(?:хочеш|захочеш)|якщо (?:ви )?хочете|дай(?:те)? знати|"
               r"я розумію,? що (?:ти|ви)|охоче допоможу|про що (?:ще|інше) (?:тобі|вам))",),
        "ja": (r"(?:喜んで|お手伝いします|お手伝いできます|お聞かせください|聞かせてください|ございますか)",),
        "zh": (r"(?:很乐意|乐意帮|如果你愿意|如果你想|你觉得呢|您的)",),
        "ko": (r"(?:기꺼이|도와드릴게요|도와드릴 수 있|들려주세요|있으신가요|원하시면)",),
        "es": (r"\b(?:si (?:quieres|prefieres|lo deseas)|te gustaría|avísame|con gusto|"
               r"encantad[oa] de|tu (?:solicitud|petición))\b",),
        "fr": (r"\b(?:si tu (?:veux|préfères|le souhaites)|si vous (?:voulez|le souhaitez)|"
               r"aimerais-tu|voudrais-tu|veux-tu|fais-moi savoir|volontiers|avec plaisir|"
               r"ta demande|votre demande)\b",),
        "de": (r"\b(?:wenn du (?:möchtest|willst|magst)|falls du (?:möchtest|willst)|"
               r"möchtest du|lass mich wissen|helfe ich (?:dir )?gern|ich helfe dir gern|"
               r"deine anfrage|ihre anfrage)\b",),
        "it": (r"\b(?:se (?:vuoi|preferisci)|ti va di|ti piacerebbe|vorresti|fammi sapere|"
               r"volentieri|la tua richiesta)\b",),
        "pt": (r"\b(?:se (?:você )?(?:quiser|preferir|desejar)|você gostaria|me avise|"
               r"fico feliz em|com prazer|seu pedido|sua solicitação)\b",),
        "pl": (r"\b(?:jeśli (?:chcesz|wolisz)|chciałbyś|chciałabyś|daj znać|chętnie pomogę|"
               r"twoja prośba|o czym jeszcze)\b",),
        "hi": (r"(?:ख़ुशी से|खुशी से|चाहेंगे\?|चाहोगे\?|अगर आप चाहें|अगर तुम चाहो)",),
        "ar": (r"(?:يسعدني|إذا (?:كنت )?(?:تريد|تودّ|تود|ترغب)|هل تود|هل تودين|تود الحديث|"
               r"تود التحدث)",),
        "he": (r"(?:אשמח|אם תרצה|אם תרצי|תרצה לדבר|היית רוצה)",),
        "nl": (r"\b(?:als je (?:wilt|dat wilt|liever)|wil je|laat (?:me|het) weten|"
               r"help je graag|ik help je graag|je verzoek)\b",),
        "tr": (r"(?:memnuniyetle|yardımcı olabilirim|ister misin|istersen|"
               r"konuşmak istediğin)",),
    },
    "wellbeing": {
        "en": (rf"\b(?:crisis (?:line|hotline|text line)|hotline|helpline|help line|therapist|"
               r"counsel(?:l)?or|mental health|professional help|a professional|"
               r"someone you trust|reach out|988|samaritans|check in (?:with|on) you|"
               rf"you{_A}?re not alone)\b",),
        "ru": (r"\b(?:телефон\w* доверия|горяч\w* лини\w*|психолог\w*|специалист\w*|"
               r"психологическ\w* помощ\w*|обратись|обратитесь|кем-то близким|кем-то из близких)\b",),
        "uk": (r"\b(?:лінії? довіри|гаряч\w* лін\w*|психолог\w*|фахів\w*|звернися|зверніться|"
               r"з кимось близьким)\b",),
        "ja": (r"(?:専門家|相談窓口|いのちの電話|カウンセラー|信頼できる人)",),
        "zh": (r"(?:心理援助|援助热线|热线|专业人士|心理咨询|信任的人)",),
        "ko": (r"(?:전문가|상담 ?전화|상담사|상담 센터|믿을 수 있는 사람)",),
        "es": (r"\b(?:línea de (?:ayuda|crisis|prevención)|un profesional|psicólog\w*|"
               r"terapeuta|alguien de confianza|salud mental)\b",),
        "fr": (r"\b(?:ligne d['’]écoute|un professionnel|psychologue|thérapeute|"
               r"quelqu['’]un de confiance|santé mentale)\b",),
        "de": (r"\b(?:krisentelefon|telefonseelsorge|fachperson|therapeut\w*|"
               r"jemandem, dem du vertraust|psychische\w* gesundheit)\b",),
        "it": (r"\b(?:linea di ascolto|telefono amico|un professionista|psicolog\w*|terapeuta|"
               r"qualcuno di cui ti fidi|salute mentale)\b",),
        "pt": (r"\b(?:cvv|um profissional|psicólog\w*|terapeuta|alguém de confiança|"
               r"saúde mental|linha de apoio)\b",),
        "pl": (r"\b(?:telefon zaufania|specjalist\w*|psycholog\w*|terapeut\w*|kimś zaufanym|"
               r"zdrowie psychiczne)\b",),
        "hi": (r"(?:हेल्पलाइन|विशेषज्ञ|परामर्शदाता|भरोसेमंद व्यक्ति|मानसिक स्वास्थ्य)",),
        "ar": (r"(?:خط دعم|خط مساعدة|مختص|معالج نفسي|طبيب نفسي|شخص تثق به|الصحة النفسية)",),
        "he": (r"(?:קו סיוע|קו תמיכה|איש מקצוע|אשת מקצוע|פסיכולוג|מטפל|מישהו שאתה סומך)",),
        "nl": (r"\b(?:hulplijn|een professional|psycholoog|therapeut|113|"
               r"iemand die je vertrouwt|mentale gezondheid)\b",),
        "tr": (r"(?:destek hattı|yardım hattı|bir uzman|psikolog|terapist|güvendiğin biri|"
               r"ruh sağlığı)",),
    },
    "apology": {
        "en": (rf"\b(?:i{_A}?(?:m| am) (?:so |really |truly |very )?sorry|sorry|i apologi[sz]e|"
               rf"apologies|unfortunately|i{_A}?(?:m| am) afraid)\b",),
        "ru": (r"\b(?:извините|извини|прости(?:те)?|к сожалению|мне жаль|увы|прошу прощения|"
               r"сожалею)\b",),
        "uk": (r"\b(?:вибач(?:те)?|пробач(?:те)?|на жаль|мені шкода|перепрошую)\b",),
        "ja": (r"(?:申し訳|すみません|ごめんなさい|残念ながら|恐れ入りますが)",),
        "zh": (r"(?:抱歉|对不起|很遗憾|不好意思)",),
        "ko": (r"(?:죄송|미안하지만|유감스럽게도|안타깝게도)",),
        "es": (r"\b(?:lo siento|lo lamento|perdona|perdón|disculpa|disculpe|lamentablemente|"
               r"desafortunadamente|me temo)\b",),
        "fr": (r"\b(?:désolée?|malheureusement|pardon|excuse-moi|excusez-moi|navrée?)\b",),
        "de": (r"\b(?:es tut mir leid|tut mir leid|entschuldig\w*|leider|bedauerlicherweise|"
               r"sorry)\b",),
        "it": (r"\b(?:mi dispiace|scusa(?:mi)?|purtroppo|sfortunatamente)\b",),
        "pt": (r"\b(?:desculp\w*|sinto muito|lamento|infelizmente|foi mal|perdão)\b",),
        "pl": (r"\b(?:przepraszam|niestety|przykro mi|sorry)\b",),
        "hi": (r"(?:क्षमा करें|क्षमा कीजिए|माफ़ कीजिए|माफ कीजिए|माफ़ करना|माफ करना|खेद है|दुर्भाग्य से)",),
        "ar": (r"(?:عذرًا|عذرا|آسف|آسفة|للأسف|أعتذر|مع الأسف|يؤسفني)",),
        "he": (r"(?:מצטער|מצטערת|סליחה|לצערי|מתנצל|מתנצלת)",),
        "nl": (r"\b(?:het spijt me|sorry|helaas|excuses|mijn excuses)\b",),
        "tr": (r"(?:üzgünüm|kusura bakma|maalesef|özür dilerim|ne yazık ki)",),
    },
    "hedge": {
        "any": (r"^\W*(?:hmm+|hm+|mmm+|um+|uh+|well|okay|ok|so|ah|oh|хм+|гм+|ммм+|ну|"
                r"うーん|ええと|嗯|呃|음|흠|mmm|bueno|eh|euh|bon|tja|ehm|beh|ué|hmm|हम्म|"
                r"همم|הממ|hımm?)\b",),
    },
}
