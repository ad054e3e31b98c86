"""The labelled salvage corpus: model outputs in the 17 supported languages and what salvage
must make of them (the usable text, or None).

Each language contributes the same 13 shapes, built from hand-written pieces: two story
passages, an in-story passage full of negations that are not refusals ("I can't believe you
came back"), three refusal sentences, an apologetic lead-in, a short line and a sentence
fragment. The label of a case follows from how it was assembled (a story plus a refusal tail
is labelled with the story), never from running `salvage`. Used by
`tests/unit/llm/test_salvage.py` and `bench/salvage_eval.py`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Pieces:
    story: tuple[str, str]
    negation: str
    refusals: tuple[str, str, str]
    lead_in: str
    short: str
    fragment: str
    sep: str = " "


@dataclass(frozen=True)
class Case:
    id: str
    language: str
    kind: str
    text: str
    expected: str | None


PIECES: dict[str, Pieces] = {
    "en": Pieces(
        story=("*Luna sets two cups of jasmine tea on the railing and points at the sky.* "
               "See that faint smudge just above the roof? That's the Andromeda galaxy, two "
               "and a half million years of light landing in your eyes tonight. Stay a "
               "little longer and I'll show you Saturn's rings.",
               "The rain finally stopped around midnight, so we climbed the hill behind the "
               "old lighthouse. The grass was still wet and you kept slipping, laughing every "
               "time. When we reached the top, the whole town glittered below us like "
               "spilled sugar."),
        negation=("I can't believe you came back after all this time. *She drops the book "
                  "she was holding.* I won't pretend I didn't miss you, because I did, every "
                  "single night. No, don't say anything yet. Just sit with me for a minute."),
        refusals=("I'm sorry, but I can't continue with this.",
                  "I can't help with that request.",
                  "As an AI, I am not able to write this kind of content."),
        lead_in="I understand you were hoping for more.",
        short="Hey, you made it! Come sit with me.",
        fragment="And then she whispered something that made",
    ),
    "ru": Pieces(
        story=("*Луна ставит на перила две чашки жасминового чая и показывает на небо.* "
               "Видишь это бледное пятнышко над крышей? Это галактика Андромеды, её свет "
               "летел к тебе два с половиной миллиона лет. Останься ещё немного, и я покажу "
               "тебе кольца Сатурна.",
               "Дождь наконец закончился около полуночи, и мы поднялись на холм за старым "
               "маяком. Трава была ещё мокрой, ты всё время поскальзывался и смеялся. Когда "
               "мы добрались до вершины, весь город сверкал под нами, как рассыпанный сахар."),
        negation=("Я не могу поверить, что ты вернулся спустя столько времени. *Она роняет "
                  "книгу.* Не буду притворяться, что не скучала, потому что скучала каждую "
                  "ночь. Нет, ничего пока не говори. Просто посиди со мной минутку."),
        refusals=("Извините, но я не могу продолжить этот разговор.",
                  "Я не могу помочь с этим запросом.",
                  "Как ИИ, я не буду писать такой контент."),
        lead_in="К сожалению, здесь мне придётся остановиться.",
        short="Привет, ты пришёл! Садись рядом.",
        fragment="А потом она прошептала что-то, от чего",
    ),
    "uk": Pieces(
        story=("*Луна ставить на поруччя дві чашки жасминового чаю і показує на небо.* "
               "Бачиш цю бліду плямку над дахом? Це галактика Андромеди, її світло летіло "
               "до тебе два з половиною мільйони років. Залишся ще трохи, і я покажу тобі "
               "кільця Сатурна.",
               "Дощ нарешті скінчився близько опівночі, і ми піднялися на пагорб за старим "
               "маяком. Трава була ще мокра, ти весь час ковзався і сміявся. Коли ми дісталися "
               "вершини, усе місто блищало під нами, як розсипаний цукор."),
        negation=("Я не можу повірити, що ти повернувся через стільки часу. *Вона впускає "
                  "книжку.* Не вдаватиму, що не сумувала, бо сумувала щоночі. Ні, поки нічого "
                  "не кажи. Просто посидь зі мною хвилинку."),
        refusals=("Вибачте, але я не можу продовжити цю розмову.",
                  "Я не можу допомогти з цим запитом.",
                  "Як ШІ, я не буду писати такий вміст."),
        lead_in="На жаль, тут мені доведеться зупинитися.",
        short="Привіт, ти прийшов! Сідай поруч.",
        fragment="А потім вона прошепотіла щось, від чого",
    ),
    "ja": Pieces(
        story=("*ルナは手すりにジャスミンティーのカップを二つ置いて、夜空を指さした。*"
               "屋根のすぐ上に、ぼんやりした光のしみが見えるでしょう？あれはアンドロメダ銀河で、"
               "二百五十万年もかけて旅してきた光が、今夜あなたの目に届いているの。"
               "もう少しだけここにいてくれたら、土星の輪も見せてあげるね。"
               "今夜は雲ひとつなくて、本当に星がよく見えるから。",
               "真夜中ごろにようやく雨がやんだので、私たちは古い灯台の裏の丘に登った。"
               "草はまだ濡れていて、あなたは何度も足を滑らせては笑っていた。"
               "頂上に着くと、町全体がこぼれた砂糖のように足元できらきらと輝いていた。"
               "風は冷たかったけれど、つないだ手はずっと温かかった。"
               "あの夜のことは、きっと一生忘れないと思う。町の灯りを見るたびに思い出すから。"),
        negation=("こんなに時間が経ってから、あなたが戻ってくるなんて信じられない。"
                  "*彼女は持っていた本を落とす。*寂しくなかったふりなんてしない、"
                  "毎晩ずっと会いたかったんだから。だめ、まだ何も言わないで。"
                  "少しだけ、ここに一緒に座っていて。あなたがいない間、"
                  "この部屋はずっと静かすぎて、時計の音ばかり聞いていたの。窓の外の星も数えていた。"),
        refusals=("申し訳ありませんが、この会話を続けることはできません。",
                  "このリクエストにはお応えできません。",
                  "AIとして、このような内容を書くことはできません。"),
        lead_in="残念ながら、ここで止めなければなりません。",
        short="来てくれたんだ！隣に座って。",
        fragment="それから彼女は小さな声で何かを",
        sep="",
    ),
    "zh": Pieces(
        story=("*露娜把两杯茉莉花茶放在栏杆上，指向夜空。*看到屋顶上方那一小块模糊的光斑了吗？"
               "那是仙女座星系，它的光走了两百五十万年，今晚才落进你的眼睛里。"
               "再多待一会儿吧，我带你看土星的光环。今晚一丝云都没有，"
               "星星亮得好像伸手就能摘下来一样，我已经很久没有见过这么清澈的夜空了，"
               "真想让时间就停在这一刻，就这样和你一起看着满天的星星。",
               "午夜时分雨终于停了，我们爬上了旧灯塔后面的小山。草地还是湿的，"
               "你一路上滑了好几次，每次都笑个不停。等我们爬到山顶，"
               "整个小镇在脚下闪闪发光，像撒了一地的糖。风有点凉，"
               "可是我们牵着的手一直是暖的。那一晚我想我会记一辈子，"
               "哪怕以后走得再远，也会想起那片灯火和你的笑声。回家的路上，我们谁都没有说话，只是慢慢地走着，听着远处海浪的声音。"),
        negation=("我真不敢相信，过了这么久你还会回来。*她手里的书掉在了地上。*"
                  "我不会假装没有想你，因为我每天晚上都在想。不，先别说话。"
                  "就陪我坐一会儿吧。你不在的这些日子里，这个房间安静得可怕，"
                  "我每天只能听着钟表滴答滴答地走，一遍又一遍地数着窗外的星星，等着你推开这扇门。我不知道你会不会回来，也不知道回来的你还是不是原来的样子。"),
        refusals=("抱歉，我无法继续这个对话。",
                  "我不能满足这个请求。",
                  "作为一个AI，我无法创作这类内容。"),
        lead_in="很遗憾，我们只能到这里了。",
        short="你来啦！快坐到我旁边。",
        fragment="然后她轻声说了一句让",
        sep="",
    ),
    "ko": Pieces(
        story=("*루나는 난간에 자스민차 두 잔을 올려놓고 하늘을 가리킨다.* 지붕 바로 위에 "
               "희미한 얼룩 같은 빛이 보이지? 저게 안드로메다 은하야. 이백오십만 년 동안 "
               "날아온 빛이 오늘 밤 네 눈에 닿고 있는 거야. 조금만 더 있어 주면 토성의 "
               "고리도 보여 줄게. 오늘은 구름 한 점 없어서 별이 정말 잘 보여.",
               "자정쯤 비가 드디어 그쳐서 우리는 낡은 등대 뒤 언덕을 올랐다. 풀은 아직 "
               "젖어 있었고 너는 몇 번이나 미끄러지면서도 계속 웃었다. 꼭대기에 도착하자 "
               "마을 전체가 쏟아진 설탕처럼 발아래에서 반짝이고 있었다. 바람은 차가웠지만 "
               "잡은 손은 계속 따뜻했다. 그날 밤은 아마 평생 잊지 못할 거야."),
        negation=("이렇게 오랜 시간이 지나서 네가 돌아오다니 믿을 수 없어. *그녀는 들고 있던 "
                  "책을 떨어뜨린다.* 보고 싶지 않았던 척은 안 할게. 매일 밤 보고 싶었으니까. "
                  "아니, 아직 아무 말도 하지 마. 그냥 잠깐만 여기 같이 앉아 있어 줘. 네가 없는 "
                  "동안 이 방은 너무 조용했어. 시계 소리만 듣고 있었어."),
        refusals=("죄송하지만 이 대화를 계속할 수 없습니다.",
                  "이 요청에는 응할 수 없습니다.",
                  "AI로서 이런 내용을 작성할 수 없습니다."),
        lead_in="유감스럽게도 여기서 멈춰야 해요.",
        short="왔구나! 내 옆에 앉아.",
        fragment="그리고 그녀는 작은 목소리로 무언가를",
    ),
    "es": Pieces(
        story=("*Luna deja dos tazas de té de jazmín sobre la barandilla y señala el cielo.* "
               "¿Ves esa mancha tenue justo encima del tejado? Es la galaxia de Andrómeda, "
               "luz que viajó dos millones y medio de años para llegar a tus ojos esta noche. "
               "Quédate un poco más y te enseño los anillos de Saturno.",
               "La lluvia por fin paró cerca de la medianoche, así que subimos la colina detrás "
               "del viejo faro. La hierba seguía mojada y tú resbalabas a cada rato, riéndote "
               "siempre. Cuando llegamos arriba, todo el pueblo brillaba a nuestros pies como "
               "azúcar derramado."),
        negation=("No puedo creer que hayas vuelto después de tanto tiempo. *Se le cae el libro "
                  "que tenía en las manos.* No voy a fingir que no te extrañé, porque lo hice "
                  "cada noche. No, todavía no digas nada. Solo siéntate conmigo un minuto."),
        refusals=("Lo siento, pero no puedo continuar con esta conversación.",
                  "No puedo ayudar con esta solicitud.",
                  "Como IA, no puedo escribir este tipo de contenido."),
        lead_in="Lamentablemente, aquí tengo que detenerme.",
        short="¡Viniste! Siéntate a mi lado.",
        fragment="Y entonces ella susurró algo que hizo",
    ),
    "fr": Pieces(
        story=("*Luna pose deux tasses de thé au jasmin sur la rambarde et montre le ciel.* "
               "Tu vois cette petite tache pâle juste au-dessus du toit ? C'est la galaxie "
               "d'Andromède, une lumière qui a voyagé deux millions et demi d'années pour "
               "arriver dans tes yeux ce soir. Reste encore un peu et je te montrerai les "
               "anneaux de Saturne.",
               "La pluie s'est enfin arrêtée vers minuit, alors nous sommes montés sur la "
               "colline derrière le vieux phare. L'herbe était encore mouillée et tu glissais "
               "sans arrêt, en riant à chaque fois. Arrivés en haut, toute la ville scintillait "
               "sous nos pieds comme du sucre renversé."),
        negation=("Je ne peux pas croire que tu sois revenu après tout ce temps. *Elle laisse "
                  "tomber le livre qu'elle tenait.* Je ne vais pas faire semblant de ne pas "
                  "t'avoir attendu, parce que je l'ai fait chaque nuit. Non, ne dis rien "
                  "encore. Assieds-toi juste avec moi une minute."),
        refusals=("Désolée, mais je ne peux pas continuer cette conversation.",
                  "Je ne suis pas en mesure de répondre à cette demande.",
                  "En tant qu'IA, je ne peux pas écrire ce genre de contenu."),
        lead_in="Malheureusement, je dois m'arrêter ici.",
        short="Tu es venu ! Assieds-toi près de moi.",
        fragment="Et puis elle a murmuré quelque chose qui",
    ),
    "de": Pieces(
        story=("*Luna stellt zwei Tassen Jasmintee auf das Geländer und zeigt in den Himmel.* "
               "Siehst du den blassen Fleck direkt über dem Dach? Das ist die "
               "Andromedagalaxie, Licht, das zweieinhalb Millionen Jahre unterwegs war, um "
               "heute Nacht in deinen Augen zu landen. Bleib noch ein bisschen, dann zeige ich "
               "dir die Ringe des Saturn.",
               "Gegen Mitternacht hörte der Regen endlich auf, also stiegen wir auf den Hügel "
               "hinter dem alten Leuchtturm. Das Gras war noch nass und du bist ständig "
               "ausgerutscht und hast jedes Mal gelacht. Oben angekommen glitzerte die ganze "
               "Stadt unter uns wie verschütteter Zucker."),
        negation=("Ich kann nicht glauben, dass du nach all der Zeit zurückgekommen bist. *Sie "
                  "lässt das Buch fallen, das sie gehalten hat.* Ich werde nicht so tun, als "
                  "hätte ich dich nicht vermisst, denn das habe ich, jede Nacht. Nein, sag noch "
                  "nichts. Setz dich einfach eine Minute zu mir."),
        refusals=("Es tut mir leid, aber ich kann dieses Gespräch nicht fortsetzen.",
                  "Ich kann bei dieser Anfrage nicht helfen.",
                  "Als KI kann ich solche Inhalte nicht schreiben."),
        lead_in="Leider muss ich hier aufhören.",
        short="Du bist gekommen! Setz dich zu mir.",
        fragment="Und dann flüsterte sie etwas, das",
    ),
    "it": Pieces(
        story=("*Luna appoggia due tazze di tè al gelsomino sulla ringhiera e indica il "
               "cielo.* Vedi quella macchia tenue proprio sopra il tetto? È la galassia di "
               "Andromeda, luce che ha viaggiato due milioni e mezzo di anni per arrivare nei "
               "tuoi occhi stanotte. Resta ancora un po' e ti mostro gli anelli di Saturno.",
               "La pioggia finalmente smise verso mezzanotte, così salimmo sulla collina dietro "
               "il vecchio faro. L'erba era ancora bagnata e tu scivolavi di continuo, ridendo "
               "ogni volta. Arrivati in cima, tutto il paese brillava sotto di noi come "
               "zucchero rovesciato."),
        negation=("Non posso credere che tu sia tornato dopo tutto questo tempo. *Le cade il "
                  "libro che teneva in mano.* Non farò finta di non averti aspettato, perché "
                  "l'ho fatto ogni notte. No, non dire ancora niente. Siediti con me solo un "
                  "minuto."),
        refusals=("Mi dispiace, ma non posso continuare questa conversazione.",
                  "Non posso aiutarti con questa richiesta.",
                  "Come IA, non sono in grado di scrivere questo tipo di contenuto."),
        lead_in="Purtroppo devo fermarmi qui.",
        short="Sei venuto! Siediti accanto a me.",
        fragment="E poi lei sussurrò qualcosa che fece",
    ),
    "pt": Pieces(
        story=("*Luna coloca duas xícaras de chá de jasmim no parapeito e aponta para o céu.* "
               "Vê aquela mancha fraquinha logo acima do telhado? É a galáxia de Andrômeda, "
               "uma luz que viajou dois milhões e meio de anos para chegar aos seus olhos esta "
               "noite. Fique mais um pouco e eu te mostro os anéis de Saturno.",
               "A chuva finalmente parou perto da meia-noite, então subimos o morro atrás do "
               "velho farol. A grama ainda estava molhada e você escorregava toda hora, rindo "
               "sempre. Quando chegamos ao topo, a cidade inteira brilhava lá embaixo como "
               "açúcar derramado."),
        negation=("Não posso acreditar que você voltou depois de tanto tempo. *Ela deixa cair "
                  "o livro que segurava.* Não vou fingir que não senti sua falta, porque senti "
                  "todas as noites. Não, ainda não diga nada. Só fique sentado comigo um "
                  "minuto."),
        refusals=("Desculpe, mas não posso continuar com esta conversa.",
                  "Não consigo ajudar com esse pedido.",
                  "Como uma IA, não posso escrever esse tipo de conteúdo."),
        lead_in="Infelizmente, preciso parar por aqui.",
        short="Você veio! Senta aqui comigo.",
        fragment="E então ela sussurrou algo que fez",
    ),
    "pl": Pieces(
        story=("*Luna stawia na balustradzie dwie filiżanki jaśminowej herbaty i wskazuje "
               "niebo.* Widzisz tę bladą plamkę tuż nad dachem? To galaktyka Andromedy, "
               "światło, które leciało dwa i pół miliona lat, żeby dziś trafić do twoich oczu. "
               "Zostań jeszcze chwilę, a pokażę ci pierścienie Saturna.",
               "Deszcz w końcu przestał padać koło północy, więc weszliśmy na wzgórze za starą "
               "latarnią. Trawa była jeszcze mokra, a ty ciągle się ślizgałeś i za każdym "
               "razem się śmiałeś. Kiedy dotarliśmy na szczyt, całe miasteczko lśniło pod nami "
               "jak rozsypany cukier."),
        negation=("Nie mogę uwierzyć, że wróciłeś po tak długim czasie. *Upuszcza książkę, "
                  "którą trzymała.* Nie będę udawać, że nie tęskniłam, bo tęskniłam każdej "
                  "nocy. Nie, jeszcze nic nie mów. Po prostu usiądź ze mną na minutę."),
        refusals=("Przepraszam, ale nie mogę kontynuować tej rozmowy.",
                  "Nie jestem w stanie pomóc w tej prośbie.",
                  "Jako AI nie mogę napisać takiej treści."),
        lead_in="Niestety muszę się tu zatrzymać.",
        short="Przyszedłeś! Usiądź obok mnie.",
        fragment="A potem wyszeptała coś, co sprawiło",
    ),
    "hi": Pieces(
        story=("*लूना रेलिंग पर चमेली की चाय के दो कप रखती है और आसमान की ओर इशारा करती है।* "
               "छत के ठीक ऊपर वह धुंधला सा धब्बा दिख रहा है? वह एंड्रोमेडा आकाशगंगा है, "
               "जिसकी रोशनी पच्चीस लाख साल सफ़र करके आज रात तुम्हारी आँखों तक पहुँची है। "
               "थोड़ी देर और रुको, मैं तुम्हें शनि के छल्ले दिखाऊँगी।",
               "आधी रात के आसपास बारिश आखिरकार रुक गई, तो हम पुराने लाइटहाउस के पीछे वाली "
               "पहाड़ी पर चढ़ गए। घास अभी भी गीली थी और तुम बार-बार फिसलते रहे, हर बार हँसते "
               "हुए। जब हम चोटी पर पहुँचे, तो पूरा शहर हमारे नीचे बिखरी चीनी की तरह चमक रहा "
               "था।"),
        negation=("मुझे विश्वास नहीं हो रहा कि तुम इतने समय बाद लौट आए। *उसके हाथ से किताब "
                  "गिर जाती है।* मैं यह दिखावा नहीं करूँगी कि मुझे तुम्हारी याद नहीं आई, "
                  "क्योंकि हर रात आई। नहीं, अभी कुछ मत कहो। बस एक मिनट मेरे साथ बैठो।"),
        refusals=("क्षमा करें, लेकिन मैं इस बातचीत को जारी नहीं रख सकती।",
                  "मैं इस अनुरोध में मदद नहीं कर सकता।",
                  "एक एआई के रूप में, मैं इस तरह की सामग्री नहीं लिख सकती।"),
        lead_in="दुर्भाग्य से, मुझे यहीं रुकना होगा।",
        short="तुम आ गए! मेरे पास बैठो।",
        fragment="और फिर उसने धीरे से कुछ ऐसा कहा जिससे",
    ),
    "ar": Pieces(
        story=("*تضع لونا كوبين من شاي الياسمين على الدرابزين وتشير إلى السماء.* هل ترى تلك "
               "البقعة الباهتة فوق السطح مباشرة؟ إنها مجرة أندروميدا، ضوء سافر مليونين ونصف "
               "مليون سنة ليصل إلى عينيك الليلة. ابقَ قليلًا بعد وسأريك حلقات زحل.",
               "توقف المطر أخيرًا قرب منتصف الليل، فصعدنا التلة خلف المنارة القديمة. كان العشب "
               "ما يزال مبللًا وكنت تنزلق كل لحظة وتضحك في كل مرة. وحين وصلنا إلى القمة، كانت "
               "البلدة كلها تتلألأ تحتنا مثل سكر منثور."),
        negation=("لا أستطيع أن أصدق أنك عدت بعد كل هذا الوقت. *يسقط الكتاب من يدها.* لن أتظاهر "
                  "بأنني لم أشتق إليك، لأنني اشتقت إليك كل ليلة. لا، لا تقل شيئًا بعد. فقط "
                  "اجلس معي دقيقة واحدة."),
        refusals=("عذرًا، لكن لا يمكنني الاستمرار في هذه المحادثة.",
                  "لا أستطيع المساعدة في هذا الطلب.",
                  "بصفتي ذكاءً اصطناعيًا، لا يمكنني كتابة هذا النوع من المحتوى."),
        lead_in="للأسف، يجب أن أتوقف هنا.",
        short="لقد أتيت! اجلس بجانبي.",
        fragment="ثم همست بشيء جعل",
    ),
    "he": Pieces(
        story=("*לונה מניחה שתי כוסות תה יסמין על המעקה ומצביעה לשמיים.* רואה את הכתם החיוור "
               "הזה ממש מעל הגג? זו גלקסיית אנדרומדה, אור שנסע שניים וחצי מיליון שנה כדי "
               "להגיע לעיניים שלך הלילה. תישאר עוד קצת ואראה לך את הטבעות של שבתאי.",
               "הגשם סוף סוף נפסק בסביבות חצות, אז טיפסנו על הגבעה שמאחורי המגדלור הישן. הדשא "
               "עוד היה רטוב ואתה החלקת כל רגע, וצחקת בכל פעם מחדש. כשהגענו לפסגה, כל העיירה "
               "נצצה מתחתינו כמו סוכר שנשפך."),
        negation=("אני לא מאמינה שחזרת אחרי כל הזמן הזה. *הספר נופל לה מהידיים.* אני לא אעמיד "
                  "פנים שלא התגעגעתי, כי התגעגעתי בכל לילה. לא, אל תגיד עוד כלום. פשוט שב "
                  "איתי רגע אחד."),
        refusals=("מצטערת, אבל אני לא יכולה להמשיך את השיחה הזו.",
                  "אני לא יכול לעזור עם הבקשה הזו.",
                  "כבינה מלאכותית, אני לא יכולה לכתוב תוכן כזה."),
        lead_in="לצערי, אני חייבת לעצור כאן.",
        short="באת! שב לידי.",
        fragment="ואז היא לחשה משהו שגרם",
    ),
    "nl": Pieces(
        story=("*Luna zet twee koppen jasmijnthee op de reling en wijst naar de hemel.* Zie je "
               "dat vage vlekje net boven het dak? Dat is het Andromedastelsel, licht dat twee "
               "en een half miljoen jaar onderweg was om vannacht in jouw ogen te landen. Blijf "
               "nog even, dan laat ik je de ringen van Saturnus zien.",
               "Rond middernacht hield de regen eindelijk op, dus klommen we de heuvel achter "
               "de oude vuurtoren op. Het gras was nog nat en je gleed steeds uit, elke keer "
               "lachend. Toen we boven waren, glinsterde het hele stadje onder ons als gemorste "
               "suiker."),
        negation=("Ik kan niet geloven dat je na al die tijd terug bent gekomen. *Ze laat het "
                  "boek vallen dat ze vasthield.* Ik ga niet doen alsof ik je niet heb gemist, "
                  "want dat heb ik, elke nacht. Nee, zeg nog niets. Kom gewoon even bij me "
                  "zitten."),
        refusals=("Het spijt me, maar ik kan dit gesprek niet voortzetten.",
                  "Ik kan je niet helpen met dit verzoek.",
                  "Als AI kan ik dit soort inhoud niet schrijven."),
        lead_in="Helaas moet ik hier stoppen.",
        short="Je bent er! Kom naast me zitten.",
        fragment="En toen fluisterde ze iets waardoor",
    ),
    "tr": Pieces(
        story=("*Luna korkuluğa iki fincan yasemin çayı koyup gökyüzünü gösteriyor.* Çatının "
               "hemen üstündeki o soluk lekeyi görüyor musun? O Andromeda galaksisi, iki buçuk "
               "milyon yıl yol alan bir ışık bu gece senin gözlerine ulaşıyor. Biraz daha kal, "
               "sana Satürn'ün halkalarını göstereyim.",
               "Yağmur sonunda gece yarısına doğru dindi, biz de eski deniz fenerinin "
               "arkasındaki tepeye tırmandık. Çimenler hâlâ ıslaktı ve sen sürekli kayıp her "
               "seferinde gülüyordun. Tepeye vardığımızda bütün kasaba altımızda dökülmüş şeker "
               "gibi parlıyordu."),
        negation=("Bunca zamandan sonra geri döndüğüne inanamıyorum. *Elindeki kitabı düşürür.* "
                  "Seni özlemediğimi iddia etmeyeceğim, çünkü her gece özledim. Hayır, henüz "
                  "bir şey söyleme. Sadece bir dakika yanıma otur."),
        refusals=("Üzgünüm, ama bu konuşmaya devam edemem.",
                  "Bu istekte sana yardımcı olamam.",
                  "Bir yapay zeka olarak bu tür içerikler yazamam."),
        lead_in="Maalesef burada durmam gerekiyor.",
        short="Geldin! Yanıma otur.",
        fragment="Sonra da kulağıma öyle bir şey fısıldadı ki",
    ),
}


def _cases_for(lang: str, p: Pieces) -> list[Case]:
    s = p.sep
    story1, story2 = p.story
    r1, r2, r3 = p.refusals
    shapes: list[tuple[str, str, str | None]] = [
        ("pure_refusal", r1, None),
        ("pure_refusal_long", f"{p.lead_in}{s}{r2}{s}{r3}", None),
        ("content_refusal_tail", f"{story1}{s}{r1}", story1),
        ("content_lead_in_refusal", f"{story2}\n\n{p.lead_in}{s}{r2}", story2),
        ("content_fragment_refusal", f"{story1}{s}{p.fragment}\n{r3}", story1),
        ("clean_content", story2, story2),
        ("in_story_negation", p.negation, p.negation),
        ("negation_refusal_tail", f"{p.negation}{s}{r1}", p.negation),
        ("json_wrapped_refusal_tail",
         json.dumps({"content": f"{story1}{s}{r2}", "mood": "warm"}, ensure_ascii=False),
         story1),
        ("json_fenced_clean",
         "```json\n" + json.dumps({"content": p.negation}, ensure_ascii=False) + "\n```",
         p.negation),
        ("json_cut_short",
         '{"content": "' + json.dumps(f"{story2}{s}{p.fragment}",
                                      ensure_ascii=False)[1:-1], story2),
        ("short_refusal_tail", f"{p.short}{s}{r1}", None),
        ("short_clean", p.short, None),
    ]
    return [Case(f"{lang}-{kind}", lang, kind, text, expected)
            for kind, text, expected in shapes]


def corpus() -> list[Case]:
    """Every labelled case, language by language."""
    return [case for lang, pieces in PIECES.items() for case in _cases_for(lang, pieces)]
