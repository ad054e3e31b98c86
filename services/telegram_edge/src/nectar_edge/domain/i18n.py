"""User-facing strings of the edge in the 17 supported languages.

Every key exists in every language (a unit test fails otherwise); at run time a missing key
or an unsupported language falls back to English. Placeholders are `{name}` fields.
"""

from __future__ import annotations

#: the supported languages, in the order /language offers them
LANGUAGES: tuple[str, ...] = ("en", "ru", "ja", "zh", "ko", "es", "fr", "de", "it", "pt",
                              "pl", "hi", "ar", "he", "nl", "tr", "uk")

#: each language in its own name (the /language buttons)
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English", "ru": "Русский", "ja": "日本語", "zh": "中文", "ko": "한국어",
    "es": "Español", "fr": "Français", "de": "Deutsch", "it": "Italiano", "pt": "Português",
    "pl": "Polski", "hi": "हिन्दी", "ar": "العربية", "he": "עברית", "nl": "Nederlands",
    "tr": "Türkçe", "uk": "Українська",
}

_HELP_COMMANDS = ("/start", "/character", "/image", "/voice", "/reset", "/language", "/buy",
                  "/paysupport", "/help")

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Hi, I'm {character}! I'm so glad you're here. Tell me anything — "
                    "how's your day going?\nWant to talk to someone else? Pick below.",
        "help": "Here's what I understand:\n"
                "/start — say hi and pick a character\n"
                "/character <name> — talk to another character\n"
                "/image <what to draw> — ask me for a picture\n"
                "/voice on|off — voice replies on or off\n"
                "/reset — start our conversation over\n"
                "/language — choose the language\n"
                "/buy — plans and Telegram Stars\n"
                "/paysupport — help with payments\n"
                "/help — this list\n"
                "Anything else you write, I'll simply answer.",
        "reply_failed": "Sorry, I couldn't answer just now — please try again in a moment.",
        "try_later": "I'm a little overwhelmed right now — please try again a bit later.",
        "rate_limited": "You're writing faster than I can keep up! Give me {seconds} s and "
                        "write again.",
        "image_usage": "Tell me what to draw, like: /image a sunset over the sea",
        "image_unavailable": "Pictures aren't available yet.",
        "image_failed": "Sorry, I couldn't make that picture just now — please try again "
                        "later.",
        "voice_usage": "Use /voice on or /voice off.",
        "voice_on": "Voice replies are on.",
        "voice_off": "Voice replies are off.",
        "voice_unavailable": "Voice messages aren't available yet.",
        "voice_failed": "Sorry, I couldn't record a voice message just now.",
        "text_only": "I can only read text messages for now.",
        "character_usage": "You're talking to {current}. Choose someone with /character "
                           "<name>: {characters}.",
        "character_chosen": "You're now talking to {character}.",
        "reset_done": "Fresh start! {character} is ready for a new conversation.",
        "language_usage": "Choose your language:",
        "language_chosen": "I'll speak English with you from now on.",
        "buy_intro": "Your plan: {plan}. Upgrade with Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 days",
        "invoice_title": "{plan} for 30 days",
        "invoice_description": "The {plan} plan for 30 days: longer, richer conversations.",
        "pay_invalid": "This invoice isn't valid any more. Please open /buy again.",
        "pay_price_changed": "The price has changed. Please open /buy for a new invoice.",
        "pay_thanks": "Thank you! Your {plan} plan will be active in a moment.",
        "paysupport": "Payment help: if something went wrong with a purchase, describe it "
                      "here and our team will check it. Refunds of Telegram Stars are "
                      "made by our team on request.",
        "upsell_button": "⭐ Upgrade my plan",
        "unknown_command": "I don't know {command}. Send /help to see what I understand.",
        "group_note": "Hi everyone! I only chat in private messages — write to me directly: @{bot}",
        "refund_done": "Your payment of {stars} ⭐ has been refunded. Your plan will be updated "
                       "in a moment.",
    },
    "ru": {
        "greeting": "Привет, я {character}! Как здорово, что ты здесь. Расскажи что-нибудь — "
                    "как проходит твой день?\nХочешь поговорить с кем-то другим? Выбери ниже.",
        "help": "Вот что я понимаю:\n"
                "/start — поздороваться и выбрать персонажа\n"
                "/character <имя> — поговорить с другим персонажем\n"
                "/image <что нарисовать> — попросить картинку\n"
                "/voice on|off — включить или выключить голосовые ответы\n"
                "/reset — начать разговор заново\n"
                "/language — выбрать язык\n"
                "/buy — тарифы и Telegram Stars\n"
                "/paysupport — помощь с оплатой\n"
                "/help — этот список\n"
                "На всё остальное я просто отвечу.",
        "reply_failed": "Прости, сейчас не получилось ответить — попробуй ещё раз чуть позже.",
        "try_later": "Я сейчас немного перегружена — попробуй, пожалуйста, чуть позже.",
        "rate_limited": "Ты пишешь быстрее, чем я успеваю! Подожди {seconds} с и напиши "
                        "снова.",
        "image_usage": "Напиши, что нарисовать, например: /image закат над морем",
        "image_unavailable": "Картинки пока недоступны.",
        "image_failed": "Прости, не получилось сделать картинку — попробуй позже.",
        "voice_usage": "Напиши /voice on или /voice off.",
        "voice_on": "Голосовые ответы включены.",
        "voice_off": "Голосовые ответы выключены.",
        "voice_unavailable": "Голосовые сообщения пока недоступны.",
        "voice_failed": "Прости, не получилось записать голосовое сообщение.",
        "text_only": "Пока я умею читать только текстовые сообщения.",
        "character_usage": "Сейчас ты говоришь с {current}. Выбрать другого: /character "
                           "<имя>: {characters}.",
        "character_chosen": "Теперь ты говоришь с {character}.",
        "reset_done": "Начнём с чистого листа! {character} готов(а) к новому разговору.",
        "language_usage": "Выбери язык:",
        "language_chosen": "Теперь я буду говорить с тобой по-русски.",
        "buy_intro": "Твой тариф: {plan}. Улучшить за Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 дней",
        "invoice_title": "{plan} на 30 дней",
        "invoice_description": "Тариф {plan} на 30 дней: более длинные и живые разговоры.",
        "pay_invalid": "Этот счёт больше не действует. Открой /buy ещё раз.",
        "pay_price_changed": "Цена изменилась. Открой /buy, чтобы получить новый счёт.",
        "pay_thanks": "Спасибо! Тариф {plan} заработает через мгновение.",
        "paysupport": "Помощь с оплатой: если с покупкой что-то пошло не так, опиши это "
                      "здесь, и наша команда проверит. Возврат Telegram Stars делает наша "
                      "команда по запросу.",
        "upsell_button": "⭐ Улучшить тариф",
        "unknown_command": "Я не знаю команду {command}. Напиши /help, чтобы увидеть, что я "
                           "понимаю.",
        "group_note": "Всем привет! Я общаюсь только в личных сообщениях — напишите мне "
                      "напрямую: @{bot}",
        "refund_done": "Твой платёж на {stars} ⭐ возвращён. Тариф обновится через мгновение.",
    },
    "ja": {
        "greeting": "こんにちは、{character}です！来てくれてうれしいな。なんでも話して — "
                    "今日はどんな一日？\nほかの人と話したい？下から選んでね。",
        "help": "わかるコマンドはこちら：\n"
                "/start — あいさつとキャラクター選び\n"
                "/character <名前> — ほかのキャラクターと話す\n"
                "/image <描いてほしいもの> — 絵をお願いする\n"
                "/voice on|off — 音声での返事をオン・オフ\n"
                "/reset — 会話を最初からやり直す\n"
                "/language — 言語を選ぶ\n"
                "/buy — プランと Telegram Stars\n"
                "/paysupport — 支払いのサポート\n"
                "/help — この一覧\n"
                "それ以外のメッセージには、そのままお返事するね。",
        "reply_failed": "ごめんね、今はうまく返事できなかった — 少ししてからもう一度送ってね。",
        "try_later": "今ちょっと立て込んでいるの — 少し時間をおいてからまた話しかけてね。",
        "rate_limited": "メッセージが速すぎて追いつけないよ！{seconds} 秒待ってからまた送ってね。",
        "image_usage": "描いてほしいものを教えてね。例：/image 海に沈む夕日",
        "image_unavailable": "画像はまだ使えません。",
        "image_failed": "ごめんね、今はその絵を作れなかった — あとでもう一度試してね。",
        "voice_usage": "/voice on または /voice off と送ってね。",
        "voice_on": "音声での返事をオンにしたよ。",
        "voice_off": "音声での返事をオフにしたよ。",
        "voice_unavailable": "ボイスメッセージはまだ使えません。",
        "voice_failed": "ごめんね、今はボイスメッセージを録音できなかった。",
        "text_only": "今はテキストメッセージしか読めないの。",
        "character_usage": "今は{current}と話しているよ。/character <名前> で選んでね："
                           "{characters}。",
        "character_chosen": "これからは{character}とお話しするよ。",
        "reset_done": "新しいスタート！{character}は新しい会話の準備ができたよ。",
        "language_usage": "言語を選んでね：",
        "language_chosen": "これからは日本語で話すね。",
        "buy_intro": "今のプラン：{plan}。Telegram Stars でアップグレード：",
        "plan_button": "{plan} — {stars} ⭐ / 30日",
        "invoice_title": "{plan}（30日間）",
        "invoice_description": "{plan} プランを30日間：もっと長く、もっと豊かな会話を。",
        "pay_invalid": "この請求書はもう無効です。もう一度 /buy を開いてね。",
        "pay_price_changed": "価格が変わりました。/buy で新しい請求書を開いてね。",
        "pay_thanks": "ありがとう！{plan} プランはまもなく有効になるよ。",
        "paysupport": "お支払いのサポート：購入で問題があったら、ここに書いてね。"
                      "チームが確認します。Telegram Stars の返金はご依頼に応じてチームが"
                      "行います。",
        "upsell_button": "⭐ プランをアップグレード",
        "unknown_command": "{command} はわからないコマンドなの。/help でわかることを確認してね。",
        "group_note": "みなさん、こんにちは！私は個別メッセージでだけお話しします — 直接書いてね：@{bot}",
        "refund_done": "{stars} ⭐ のお支払いを返金しました。プランはまもなく更新されるよ。",
    },
    "zh": {
        "greeting": "你好，我是{character}！很高兴你来了。想聊什么都可以 —— 今天过得怎么样？"
                    "\n想和别人聊天？在下面选一个吧。",
        "help": "我能理解这些命令：\n"
                "/start — 打招呼并选择角色\n"
                "/character <名字> — 和另一个角色聊天\n"
                "/image <要画的内容> — 请我画一张图\n"
                "/voice on|off — 开启或关闭语音回复\n"
                "/reset — 重新开始我们的对话\n"
                "/language — 选择语言\n"
                "/buy — 套餐和 Telegram Stars\n"
                "/paysupport — 支付帮助\n"
                "/help — 这个列表\n"
                "其他任何消息，我都会直接回复你。",
        "reply_failed": "抱歉，我现在没能回复 —— 请稍后再试一次。",
        "try_later": "我现在有点忙不过来 —— 请稍后再来找我吧。",
        "rate_limited": "你发得太快啦，我跟不上！请等 {seconds} 秒再发。",
        "image_usage": "告诉我要画什么，例如：/image 海上的日落",
        "image_unavailable": "图片功能暂时还不可用。",
        "image_failed": "抱歉，我现在画不出这张图 —— 请稍后再试。",
        "voice_usage": "请发送 /voice on 或 /voice off。",
        "voice_on": "语音回复已开启。",
        "voice_off": "语音回复已关闭。",
        "voice_unavailable": "语音消息暂时还不可用。",
        "voice_failed": "抱歉，我现在没能录制语音消息。",
        "text_only": "目前我只能读取文字消息。",
        "character_usage": "你正在和{current}聊天。用 /character <名字> 选择：{characters}。",
        "character_chosen": "现在你在和{character}聊天。",
        "reset_done": "重新开始！{character}已经准备好开始新的对话了。",
        "language_usage": "请选择语言：",
        "language_chosen": "从现在起我会用中文和你聊天。",
        "buy_intro": "你的套餐：{plan}。用 Telegram Stars 升级：",
        "plan_button": "{plan} — {stars} ⭐ / 30 天",
        "invoice_title": "{plan} 30 天",
        "invoice_description": "{plan} 套餐 30 天：更长、更丰富的对话。",
        "pay_invalid": "这张账单已失效。请重新打开 /buy。",
        "pay_price_changed": "价格已变更。请打开 /buy 获取新账单。",
        "pay_thanks": "谢谢！你的 {plan} 套餐马上就会生效。",
        "paysupport": "支付帮助：如果购买时出现问题，请在这里描述，我们的团队会核实。"
                      "Telegram Stars 的退款由我们的团队根据申请处理。",
        "upsell_button": "⭐ 升级我的套餐",
        "unknown_command": "我不认识 {command} 这个命令。发送 /help 看看我能理解什么。",
        "group_note": "大家好！我只在私聊中聊天 —— 请直接给我发消息：@{bot}",
        "refund_done": "你支付的 {stars} ⭐ 已退款。你的套餐马上就会更新。",
    },
    "ko": {
        "greeting": "안녕, 나는 {character}야! 와 줘서 정말 기뻐. 무엇이든 말해 줘 — "
                    "오늘 하루는 어땠어?\n다른 사람과 이야기하고 싶어? 아래에서 골라 줘.",
        "help": "내가 알아듣는 명령어야:\n"
                "/start — 인사하고 캐릭터 고르기\n"
                "/character <이름> — 다른 캐릭터와 대화하기\n"
                "/image <그릴 것> — 그림 부탁하기\n"
                "/voice on|off — 음성 답장 켜기/끄기\n"
                "/reset — 대화를 처음부터 다시 시작하기\n"
                "/language — 언어 고르기\n"
                "/buy — 요금제와 Telegram Stars\n"
                "/paysupport — 결제 도움말\n"
                "/help — 이 목록\n"
                "그 밖에 쓰는 말에는 그냥 대답할게.",
        "reply_failed": "미안, 지금은 답장을 못 했어 — 잠시 후에 다시 보내 줘.",
        "try_later": "지금 조금 바빠서 그래 — 조금 뒤에 다시 말 걸어 줘.",
        "rate_limited": "너무 빨리 보내서 따라갈 수가 없어! {seconds}초 기다렸다가 다시 보내 줘.",
        "image_usage": "무엇을 그릴지 알려 줘. 예: /image 바다 위의 노을",
        "image_unavailable": "그림 기능은 아직 사용할 수 없어.",
        "image_failed": "미안, 지금은 그 그림을 만들 수 없었어 — 나중에 다시 해 줘.",
        "voice_usage": "/voice on 또는 /voice off 라고 보내 줘.",
        "voice_on": "음성 답장을 켰어.",
        "voice_off": "음성 답장을 껐어.",
        "voice_unavailable": "음성 메시지는 아직 사용할 수 없어.",
        "voice_failed": "미안, 지금은 음성 메시지를 녹음하지 못했어.",
        "text_only": "지금은 텍스트 메시지만 읽을 수 있어.",
        "character_usage": "지금은 {current}와(과) 대화 중이야. /character <이름>으로 골라 줘: "
                           "{characters}.",
        "character_chosen": "이제 {character}와(과) 대화해.",
        "reset_done": "새로운 시작! {character}이(가) 새 대화를 기다리고 있어.",
        "language_usage": "언어를 골라 줘:",
        "language_chosen": "이제부터 한국어로 이야기할게.",
        "buy_intro": "현재 요금제: {plan}. Telegram Stars로 업그레이드:",
        "plan_button": "{plan} — {stars} ⭐ / 30일",
        "invoice_title": "{plan} 30일",
        "invoice_description": "{plan} 요금제 30일: 더 길고 풍성한 대화.",
        "pay_invalid": "이 청구서는 더 이상 유효하지 않아. /buy를 다시 열어 줘.",
        "pay_price_changed": "가격이 바뀌었어. /buy에서 새 청구서를 받아 줘.",
        "pay_thanks": "고마워! {plan} 요금제가 곧 활성화될 거야.",
        "paysupport": "결제 도움말: 구매에 문제가 있었다면 여기에 적어 줘. 우리 팀이 "
                      "확인할게. Telegram Stars 환불은 요청하면 우리 팀이 처리해.",
        "upsell_button": "⭐ 요금제 업그레이드",
        "unknown_command": "{command}는 모르는 명령어야. /help를 보내면 내가 알아듣는 걸 볼 수 있어.",
        "group_note": "모두 안녕! 나는 개인 메시지에서만 대화해 — 나에게 직접 보내 줘: @{bot}",
        "refund_done": "{stars} ⭐ 결제가 환불됐어. 요금제는 곧 업데이트될 거야.",
    },
    "es": {
        "greeting": "¡Hola, soy {character}! Me alegra mucho que estés aquí. Cuéntame lo "
                    "que quieras: ¿qué tal tu día?\n¿Quieres hablar con otra persona? "
                    "Elige abajo.",
        "help": "Esto es lo que entiendo:\n"
                "/start — saludar y elegir un personaje\n"
                "/character <nombre> — hablar con otro personaje\n"
                "/image <qué dibujar> — pedirme una imagen\n"
                "/voice on|off — activar o desactivar respuestas de voz\n"
                "/reset — empezar la conversación de nuevo\n"
                "/language — elegir el idioma\n"
                "/buy — planes y Telegram Stars\n"
                "/paysupport — ayuda con pagos\n"
                "/help — esta lista\n"
                "A todo lo demás que escribas, simplemente te responderé.",
        "reply_failed": "Lo siento, ahora no pude responder; inténtalo de nuevo en un "
                        "momento.",
        "try_later": "Ahora mismo estoy un poco saturada; vuelve a intentarlo un poco más "
                     "tarde, por favor.",
        "rate_limited": "¡Escribes más rápido de lo que puedo seguir! Dame {seconds} s y "
                        "vuelve a escribir.",
        "image_usage": "Dime qué dibujar, por ejemplo: /image un atardecer sobre el mar",
        "image_unavailable": "Las imágenes aún no están disponibles.",
        "image_failed": "Lo siento, ahora no pude crear esa imagen; inténtalo más tarde.",
        "voice_usage": "Usa /voice on o /voice off.",
        "voice_on": "Respuestas de voz activadas.",
        "voice_off": "Respuestas de voz desactivadas.",
        "voice_unavailable": "Los mensajes de voz aún no están disponibles.",
        "voice_failed": "Lo siento, ahora no pude grabar un mensaje de voz.",
        "text_only": "Por ahora solo puedo leer mensajes de texto.",
        "character_usage": "Estás hablando con {current}. Elige a alguien con /character "
                           "<nombre>: {characters}.",
        "character_chosen": "Ahora hablas con {character}.",
        "reset_done": "¡Empezamos de cero! {character} está lista para una nueva "
                      "conversación.",
        "language_usage": "Elige tu idioma:",
        "language_chosen": "A partir de ahora te hablaré en español.",
        "buy_intro": "Tu plan: {plan}. Mejóralo con Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 días",
        "invoice_title": "{plan} por 30 días",
        "invoice_description": "El plan {plan} durante 30 días: conversaciones más largas y "
                               "ricas.",
        "pay_invalid": "Esta factura ya no es válida. Abre /buy de nuevo.",
        "pay_price_changed": "El precio ha cambiado. Abre /buy para una factura nueva.",
        "pay_thanks": "¡Gracias! Tu plan {plan} estará activo en un momento.",
        "paysupport": "Ayuda con pagos: si algo salió mal con una compra, descríbelo aquí y "
                      "nuestro equipo lo revisará. Los reembolsos de Telegram Stars los "
                      "hace nuestro equipo a petición.",
        "upsell_button": "⭐ Mejorar mi plan",
        "unknown_command": "No conozco {command}. Envía /help para ver lo que entiendo.",
        "group_note": "¡Hola a todos! Solo converso por mensajes privados: escríbeme "
                      "directamente: @{bot}",
        "refund_done": "Tu pago de {stars} ⭐ ha sido reembolsado. Tu plan se actualizará en un "
                       "momento.",
    },
    "fr": {
        "greeting": "Salut, je suis {character} ! Je suis ravie que tu sois là. Raconte-moi "
                    "tout : comment se passe ta journée ?\nTu veux parler à quelqu'un "
                    "d'autre ? Choisis ci-dessous.",
        "help": "Voici ce que je comprends :\n"
                "/start — dire bonjour et choisir un personnage\n"
                "/character <nom> — parler à un autre personnage\n"
                "/image <quoi dessiner> — me demander une image\n"
                "/voice on|off — activer ou couper les réponses vocales\n"
                "/reset — recommencer notre conversation\n"
                "/language — choisir la langue\n"
                "/buy — formules et Telegram Stars\n"
                "/paysupport — aide aux paiements\n"
                "/help — cette liste\n"
                "Pour tout le reste, je te réponds simplement.",
        "reply_failed": "Désolée, je n'ai pas pu répondre tout de suite : réessaie dans un "
                        "instant.",
        "try_later": "Je suis un peu débordée en ce moment : réessaie un peu plus tard, "
                     "s'il te plaît.",
        "rate_limited": "Tu écris plus vite que je ne peux suivre ! Laisse-moi {seconds} s "
                        "et réécris.",
        "image_usage": "Dis-moi quoi dessiner, par exemple : /image un coucher de soleil "
                       "sur la mer",
        "image_unavailable": "Les images ne sont pas encore disponibles.",
        "image_failed": "Désolée, je n'ai pas pu créer cette image : réessaie plus tard.",
        "voice_usage": "Utilise /voice on ou /voice off.",
        "voice_on": "Réponses vocales activées.",
        "voice_off": "Réponses vocales désactivées.",
        "voice_unavailable": "Les messages vocaux ne sont pas encore disponibles.",
        "voice_failed": "Désolée, je n'ai pas pu enregistrer de message vocal.",
        "text_only": "Pour l'instant, je ne lis que les messages texte.",
        "character_usage": "Tu parles avec {current}. Choisis quelqu'un avec /character "
                           "<nom> : {characters}.",
        "character_chosen": "Tu parles maintenant avec {character}.",
        "reset_done": "On repart de zéro ! {character} est prête pour une nouvelle "
                      "conversation.",
        "language_usage": "Choisis ta langue :",
        "language_chosen": "Je te parlerai en français désormais.",
        "buy_intro": "Ta formule : {plan}. Passe à la suivante avec Telegram Stars :",
        "plan_button": "{plan} — {stars} ⭐ / 30 jours",
        "invoice_title": "{plan} pour 30 jours",
        "invoice_description": "La formule {plan} pendant 30 jours : des conversations plus "
                               "longues et plus riches.",
        "pay_invalid": "Cette facture n'est plus valable. Ouvre /buy à nouveau.",
        "pay_price_changed": "Le prix a changé. Ouvre /buy pour une nouvelle facture.",
        "pay_thanks": "Merci ! Ta formule {plan} sera active dans un instant.",
        "paysupport": "Aide aux paiements : si un achat s'est mal passé, décris-le ici et "
                      "notre équipe vérifiera. Les remboursements de Telegram Stars sont "
                      "faits par notre équipe sur demande.",
        "upsell_button": "⭐ Améliorer ma formule",
        "unknown_command": "Je ne connais pas {command}. Envoie /help pour voir ce que je "
                           "comprends.",
        "group_note": "Bonjour à tous ! Je ne discute qu'en messages privés : écrivez-moi "
                      "directement : @{bot}",
        "refund_done": "Ton paiement de {stars} ⭐ a été remboursé. Ton forfait sera mis à jour "
                       "dans un instant.",
    },
    "de": {
        "greeting": "Hi, ich bin {character}! Schön, dass du da bist. Erzähl mir alles — "
                    "wie läuft dein Tag?\nMöchtest du mit jemand anderem reden? Wähle unten.",
        "help": "Das verstehe ich:\n"
                "/start — Hallo sagen und eine Figur wählen\n"
                "/character <Name> — mit einer anderen Figur reden\n"
                "/image <was ich malen soll> — ein Bild anfordern\n"
                "/voice on|off — Sprachantworten an oder aus\n"
                "/reset — unser Gespräch neu beginnen\n"
                "/language — die Sprache wählen\n"
                "/buy — Tarife und Telegram Stars\n"
                "/paysupport — Hilfe bei Zahlungen\n"
                "/help — diese Liste\n"
                "Auf alles andere, was du schreibst, antworte ich einfach.",
        "reply_failed": "Entschuldige, ich konnte gerade nicht antworten — versuch es gleich "
                        "noch einmal.",
        "try_later": "Ich bin gerade etwas überlastet — versuch es bitte etwas später noch "
                     "einmal.",
        "rate_limited": "Du schreibst schneller, als ich mitkomme! Gib mir {seconds} s und "
                        "schreib dann wieder.",
        "image_usage": "Sag mir, was ich malen soll, zum Beispiel: /image ein Sonnenuntergang "
                       "am Meer",
        "image_unavailable": "Bilder sind noch nicht verfügbar.",
        "image_failed": "Entschuldige, ich konnte das Bild gerade nicht erstellen — versuch "
                        "es später noch einmal.",
        "voice_usage": "Nutze /voice on oder /voice off.",
        "voice_on": "Sprachantworten sind an.",
        "voice_off": "Sprachantworten sind aus.",
        "voice_unavailable": "Sprachnachrichten sind noch nicht verfügbar.",
        "voice_failed": "Entschuldige, ich konnte gerade keine Sprachnachricht aufnehmen.",
        "text_only": "Im Moment kann ich nur Textnachrichten lesen.",
        "character_usage": "Du sprichst mit {current}. Wähle jemanden mit /character "
                           "<Name>: {characters}.",
        "character_chosen": "Du sprichst jetzt mit {character}.",
        "reset_done": "Neustart! {character} ist bereit für ein neues Gespräch.",
        "language_usage": "Wähle deine Sprache:",
        "language_chosen": "Ab jetzt spreche ich Deutsch mit dir.",
        "buy_intro": "Dein Tarif: {plan}. Mit Telegram Stars upgraden:",
        "plan_button": "{plan} — {stars} ⭐ / 30 Tage",
        "invoice_title": "{plan} für 30 Tage",
        "invoice_description": "Der Tarif {plan} für 30 Tage: längere, reichere Gespräche.",
        "pay_invalid": "Diese Rechnung ist nicht mehr gültig. Öffne /buy bitte erneut.",
        "pay_price_changed": "Der Preis hat sich geändert. Öffne /buy für eine neue Rechnung.",
        "pay_thanks": "Danke! Dein Tarif {plan} ist gleich aktiv.",
        "paysupport": "Hilfe bei Zahlungen: Wenn bei einem Kauf etwas schiefging, beschreib "
                      "es hier und unser Team prüft es. Erstattungen von Telegram Stars "
                      "nimmt unser Team auf Anfrage vor.",
        "upsell_button": "⭐ Tarif upgraden",
        "unknown_command": "{command} kenne ich nicht. Schick /help, um zu sehen, was ich "
                           "verstehe.",
        "group_note": "Hallo zusammen! Ich schreibe nur in privaten Nachrichten — schreibt mir "
                      "direkt: @{bot}",
        "refund_done": "Deine Zahlung über {stars} ⭐ wurde erstattet. Dein Tarif wird gleich "
                       "aktualisiert.",
    },
    "it": {
        "greeting": "Ciao, sono {character}! Sono felicissima che tu sia qui. Raccontami "
                    "tutto: com'è andata la giornata?\nVuoi parlare con qualcun altro? "
                    "Scegli qui sotto.",
        "help": "Ecco cosa capisco:\n"
                "/start — salutare e scegliere un personaggio\n"
                "/character <nome> — parlare con un altro personaggio\n"
                "/image <cosa disegnare> — chiedermi un'immagine\n"
                "/voice on|off — attivare o disattivare le risposte vocali\n"
                "/reset — ricominciare la conversazione\n"
                "/language — scegliere la lingua\n"
                "/buy — piani e Telegram Stars\n"
                "/paysupport — aiuto con i pagamenti\n"
                "/help — questo elenco\n"
                "A tutto il resto che scrivi, risponderò semplicemente.",
        "reply_failed": "Scusa, non sono riuscita a rispondere adesso: riprova tra un "
                        "momento.",
        "try_later": "In questo momento sono un po' sommersa: riprova un po' più tardi, per "
                     "favore.",
        "rate_limited": "Scrivi più veloce di quanto riesca a seguirti! Dammi {seconds} s e "
                        "riscrivi.",
        "image_usage": "Dimmi cosa disegnare, ad esempio: /image un tramonto sul mare",
        "image_unavailable": "Le immagini non sono ancora disponibili.",
        "image_failed": "Scusa, non sono riuscita a creare l'immagine: riprova più tardi.",
        "voice_usage": "Usa /voice on oppure /voice off.",
        "voice_on": "Risposte vocali attivate.",
        "voice_off": "Risposte vocali disattivate.",
        "voice_unavailable": "I messaggi vocali non sono ancora disponibili.",
        "voice_failed": "Scusa, non sono riuscita a registrare un messaggio vocale.",
        "text_only": "Per ora so leggere solo messaggi di testo.",
        "character_usage": "Stai parlando con {current}. Scegli qualcuno con /character "
                           "<nome>: {characters}.",
        "character_chosen": "Ora stai parlando con {character}.",
        "reset_done": "Si ricomincia! {character} è pronta per una nuova conversazione.",
        "language_usage": "Scegli la tua lingua:",
        "language_chosen": "D'ora in poi ti parlerò in italiano.",
        "buy_intro": "Il tuo piano: {plan}. Passa a uno superiore con Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 giorni",
        "invoice_title": "{plan} per 30 giorni",
        "invoice_description": "Il piano {plan} per 30 giorni: conversazioni più lunghe e "
                               "ricche.",
        "pay_invalid": "Questa fattura non è più valida. Apri di nuovo /buy.",
        "pay_price_changed": "Il prezzo è cambiato. Apri /buy per una nuova fattura.",
        "pay_thanks": "Grazie! Il tuo piano {plan} sarà attivo tra un attimo.",
        "paysupport": "Aiuto con i pagamenti: se qualcosa è andato storto con un acquisto, "
                      "descrivilo qui e il nostro team controllerà. I rimborsi di Telegram "
                      "Stars li fa il nostro team su richiesta.",
        "upsell_button": "⭐ Migliora il mio piano",
        "unknown_command": "Non conosco {command}. Invia /help per vedere cosa capisco.",
        "group_note": "Ciao a tutti! Chiacchiero solo in privato: scrivetemi direttamente: @{bot}",
        "refund_done": "Il tuo pagamento di {stars} ⭐ è stato rimborsato. Il tuo piano verrà "
                       "aggiornato tra un attimo.",
    },
    "pt": {
        "greeting": "Oi, eu sou {character}! Que bom que você está aqui. Me conta qualquer "
                    "coisa: como está o seu dia?\nQuer conversar com outra pessoa? Escolha "
                    "abaixo.",
        "help": "Isto é o que eu entendo:\n"
                "/start — dizer oi e escolher uma personagem\n"
                "/character <nome> — conversar com outra personagem\n"
                "/image <o que desenhar> — me pedir uma imagem\n"
                "/voice on|off — ligar ou desligar respostas em voz\n"
                "/reset — recomeçar a nossa conversa\n"
                "/language — escolher o idioma\n"
                "/buy — planos e Telegram Stars\n"
                "/paysupport — ajuda com pagamentos\n"
                "/help — esta lista\n"
                "A qualquer outra coisa que você escrever, eu simplesmente respondo.",
        "reply_failed": "Desculpe, não consegui responder agora; tente de novo daqui a "
                        "pouco.",
        "try_later": "Estou um pouco sobrecarregada agora; tente de novo um pouco mais "
                     "tarde, por favor.",
        "rate_limited": "Você está escrevendo mais rápido do que eu consigo acompanhar! Me "
                        "dê {seconds} s e escreva de novo.",
        "image_usage": "Diga o que desenhar, por exemplo: /image um pôr do sol no mar",
        "image_unavailable": "As imagens ainda não estão disponíveis.",
        "image_failed": "Desculpe, não consegui criar essa imagem agora; tente mais tarde.",
        "voice_usage": "Use /voice on ou /voice off.",
        "voice_on": "Respostas em voz ligadas.",
        "voice_off": "Respostas em voz desligadas.",
        "voice_unavailable": "As mensagens de voz ainda não estão disponíveis.",
        "voice_failed": "Desculpe, não consegui gravar uma mensagem de voz agora.",
        "text_only": "Por enquanto só consigo ler mensagens de texto.",
        "character_usage": "Você está conversando com {current}. Escolha alguém com "
                           "/character <nome>: {characters}.",
        "character_chosen": "Agora você está conversando com {character}.",
        "reset_done": "Recomeço! {character} está pronta para uma nova conversa.",
        "language_usage": "Escolha o seu idioma:",
        "language_chosen": "A partir de agora vou falar com você em português.",
        "buy_intro": "Seu plano: {plan}. Faça upgrade com Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 dias",
        "invoice_title": "{plan} por 30 dias",
        "invoice_description": "O plano {plan} por 30 dias: conversas mais longas e ricas.",
        "pay_invalid": "Esta fatura não é mais válida. Abra /buy de novo.",
        "pay_price_changed": "O preço mudou. Abra /buy para uma nova fatura.",
        "pay_thanks": "Obrigada! Seu plano {plan} estará ativo em instantes.",
        "paysupport": "Ajuda com pagamentos: se algo deu errado numa compra, descreva aqui "
                      "e a nossa equipe vai verificar. Os reembolsos de Telegram Stars são "
                      "feitos pela nossa equipe a pedido.",
        "upsell_button": "⭐ Melhorar meu plano",
        "unknown_command": "Não conheço {command}. Envie /help para ver o que eu entendo.",
        "group_note": "Olá a todos! Só converso em mensagens privadas — escrevam-me "
                      "diretamente: @{bot}",
        "refund_done": "O seu pagamento de {stars} ⭐ foi reembolsado. O seu plano será "
                       "atualizado num instante.",
    },
    "pl": {
        "greeting": "Cześć, jestem {character}! Bardzo się cieszę, że tu jesteś. Opowiedz "
                    "mi cokolwiek — jak mija ci dzień?\nChcesz porozmawiać z kimś innym? "
                    "Wybierz poniżej.",
        "help": "Oto co rozumiem:\n"
                "/start — przywitać się i wybrać postać\n"
                "/character <imię> — porozmawiać z inną postacią\n"
                "/image <co narysować> — poprosić o obrazek\n"
                "/voice on|off — włączyć lub wyłączyć odpowiedzi głosowe\n"
                "/reset — zacząć rozmowę od nowa\n"
                "/language — wybrać język\n"
                "/buy — plany i Telegram Stars\n"
                "/paysupport — pomoc w płatnościach\n"
                "/help — ta lista\n"
                "Na wszystko inne, co napiszesz, po prostu odpowiem.",
        "reply_failed": "Przepraszam, nie udało mi się teraz odpowiedzieć — spróbuj za "
                        "chwilę.",
        "try_later": "Mam teraz trochę za dużo na głowie — spróbuj, proszę, nieco później.",
        "rate_limited": "Piszesz szybciej, niż nadążam! Daj mi {seconds} s i napisz "
                        "ponownie.",
        "image_usage": "Napisz, co narysować, na przykład: /image zachód słońca nad morzem",
        "image_unavailable": "Obrazki nie są jeszcze dostępne.",
        "image_failed": "Przepraszam, nie udało mi się teraz zrobić obrazka — spróbuj "
                        "później.",
        "voice_usage": "Użyj /voice on albo /voice off.",
        "voice_on": "Odpowiedzi głosowe włączone.",
        "voice_off": "Odpowiedzi głosowe wyłączone.",
        "voice_unavailable": "Wiadomości głosowe nie są jeszcze dostępne.",
        "voice_failed": "Przepraszam, nie udało mi się teraz nagrać wiadomości głosowej.",
        "text_only": "Na razie umiem czytać tylko wiadomości tekstowe.",
        "character_usage": "Rozmawiasz z {current}. Wybierz kogoś przez /character <imię>: "
                           "{characters}.",
        "character_chosen": "Teraz rozmawiasz z {character}.",
        "reset_done": "Nowy początek! {character} jest gotowa na nową rozmowę.",
        "language_usage": "Wybierz język:",
        "language_chosen": "Od teraz będę mówić do ciebie po polsku.",
        "buy_intro": "Twój plan: {plan}. Ulepsz go za Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 dni",
        "invoice_title": "{plan} na 30 dni",
        "invoice_description": "Plan {plan} na 30 dni: dłuższe i bogatsze rozmowy.",
        "pay_invalid": "Ta faktura jest już nieważna. Otwórz /buy jeszcze raz.",
        "pay_price_changed": "Cena się zmieniła. Otwórz /buy, aby dostać nową fakturę.",
        "pay_thanks": "Dziękuję! Twój plan {plan} za chwilę będzie aktywny.",
        "paysupport": "Pomoc w płatnościach: jeśli coś poszło nie tak z zakupem, opisz to "
                      "tutaj, a nasz zespół to sprawdzi. Zwroty Telegram Stars wykonuje "
                      "nasz zespół na prośbę.",
        "upsell_button": "⭐ Ulepsz mój plan",
        "unknown_command": "Nie znam polecenia {command}. Wyślij /help, żeby zobaczyć, co "
                           "rozumiem.",
        "group_note": "Cześć wszystkim! Rozmawiam tylko w wiadomościach prywatnych — napiszcie "
                      "do mnie bezpośrednio: @{bot}",
        "refund_done": "Twoja płatność {stars} ⭐ została zwrócona. Twój plan zaktualizuje się "
                       "za chwilę.",
    },
    "hi": {
        "greeting": "नमस्ते, मैं {character} हूँ! मुझे बहुत खुशी है कि तुम यहाँ हो। मुझसे कुछ "
                    "भी कहो — तुम्हारा दिन कैसा जा रहा है?\nकिसी और से बात करनी है? नीचे चुनो।",
        "help": "मैं ये समझती हूँ:\n"
                "/start — नमस्ते कहो और कोई किरदार चुनो\n"
                "/character <नाम> — किसी दूसरे किरदार से बात करो\n"
                "/image <क्या बनाना है> — मुझसे तस्वीर माँगो\n"
                "/voice on|off — आवाज़ में जवाब चालू या बंद\n"
                "/reset — हमारी बातचीत फिर से शुरू करो\n"
                "/language — भाषा चुनो\n"
                "/buy — प्लान और Telegram Stars\n"
                "/paysupport — भुगतान में मदद\n"
                "/help — यह सूची\n"
                "बाकी जो भी लिखोगे, मैं बस उसका जवाब दूँगी।",
        "reply_failed": "माफ़ करना, अभी जवाब नहीं दे पाई — थोड़ी देर में फिर से कोशिश करो।",
        "try_later": "अभी मैं थोड़ी व्यस्त हूँ — कृपया थोड़ी देर बाद फिर कोशिश करो।",
        "rate_limited": "तुम इतनी तेज़ी से लिख रहे हो कि मैं पीछे रह गई! {seconds} सेकंड रुककर "
                        "फिर लिखो।",
        "image_usage": "बताओ क्या बनाना है, जैसे: /image समुद्र पर सूर्यास्त",
        "image_unavailable": "तस्वीरें अभी उपलब्ध नहीं हैं।",
        "image_failed": "माफ़ करना, अभी वह तस्वीर नहीं बना पाई — बाद में फिर कोशिश करो।",
        "voice_usage": "/voice on या /voice off लिखो।",
        "voice_on": "आवाज़ में जवाब चालू हैं।",
        "voice_off": "आवाज़ में जवाब बंद हैं।",
        "voice_unavailable": "वॉइस मैसेज अभी उपलब्ध नहीं हैं।",
        "voice_failed": "माफ़ करना, अभी वॉइस मैसेज रिकॉर्ड नहीं कर पाई।",
        "text_only": "अभी मैं सिर्फ़ टेक्स्ट मैसेज पढ़ सकती हूँ।",
        "character_usage": "तुम अभी {current} से बात कर रहे हो। /character <नाम> से चुनो: "
                           "{characters}।",
        "character_chosen": "अब तुम {character} से बात कर रहे हो।",
        "reset_done": "नई शुरुआत! {character} नई बातचीत के लिए तैयार है।",
        "language_usage": "अपनी भाषा चुनो:",
        "language_chosen": "अब से मैं तुमसे हिन्दी में बात करूँगी।",
        "buy_intro": "तुम्हारा प्लान: {plan}। Telegram Stars से अपग्रेड करो:",
        "plan_button": "{plan} — {stars} ⭐ / 30 दिन",
        "invoice_title": "{plan} 30 दिनों के लिए",
        "invoice_description": "{plan} प्लान 30 दिनों के लिए: लंबी और गहरी बातचीत।",
        "pay_invalid": "यह बिल अब मान्य नहीं है। कृपया /buy फिर से खोलो।",
        "pay_price_changed": "कीमत बदल गई है। नए बिल के लिए /buy खोलो।",
        "pay_thanks": "धन्यवाद! तुम्हारा {plan} प्लान कुछ ही पल में चालू हो जाएगा।",
        "paysupport": "भुगतान में मदद: अगर किसी खरीद में कुछ गड़बड़ हुई हो, तो यहाँ बताओ, "
                      "हमारी टीम जाँच करेगी। Telegram Stars का रिफ़ंड अनुरोध पर हमारी टीम "
                      "करती है।",
        "upsell_button": "⭐ मेरा प्लान अपग्रेड करो",
        "unknown_command": "मुझे {command} नहीं पता। मैं क्या समझती हूँ, यह देखने के लिए /help "
                           "भेजो।",
        "group_note": "सभी को नमस्ते! मैं सिर्फ़ निजी संदेशों में बात करती हूँ — मुझे सीधे "
                      "लिखो: @{bot}",
        "refund_done": "तुम्हारा {stars} ⭐ का भुगतान वापस कर दिया गया है। तुम्हारा प्लान कुछ ही "
                       "पल में अपडेट हो जाएगा।",
    },
    "ar": {
        "greeting": "مرحبًا، أنا {character}! سعيدة جدًا بوجودك هنا. أخبرني بأي شيء — كيف "
                    "يمضي يومك؟\nتريد التحدث مع شخص آخر؟ اختر من الأسفل.",
        "help": "هذا ما أفهمه:\n"
                "/start — إلقاء التحية واختيار شخصية\n"
                "/character <الاسم> — التحدث مع شخصية أخرى\n"
                "/image <ما أرسمه> — طلب صورة مني\n"
                "/voice on|off — تشغيل الردود الصوتية أو إيقافها\n"
                "/reset — بدء محادثتنا من جديد\n"
                "/language — اختيار اللغة\n"
                "/buy — الخطط و Telegram Stars\n"
                "/paysupport — المساعدة في الدفع\n"
                "/help — هذه القائمة\n"
                "وأي شيء آخر تكتبه، سأرد عليه ببساطة.",
        "reply_failed": "عذرًا، لم أستطع الرد الآن — حاول مرة أخرى بعد قليل.",
        "try_later": "أنا مشغولة قليلًا الآن — حاول مرة أخرى بعد وقت قصير من فضلك.",
        "rate_limited": "تكتب أسرع مما أستطيع المتابعة! امنحني {seconds} ثانية ثم اكتب "
                        "مجددًا.",
        "image_usage": "أخبرني ماذا أرسم، مثلًا: /image غروب الشمس فوق البحر",
        "image_unavailable": "الصور غير متاحة بعد.",
        "image_failed": "عذرًا، لم أستطع إنشاء تلك الصورة الآن — حاول لاحقًا.",
        "voice_usage": "استخدم /voice on أو /voice off.",
        "voice_on": "تم تشغيل الردود الصوتية.",
        "voice_off": "تم إيقاف الردود الصوتية.",
        "voice_unavailable": "الرسائل الصوتية غير متاحة بعد.",
        "voice_failed": "عذرًا، لم أستطع تسجيل رسالة صوتية الآن.",
        "text_only": "حاليًا أستطيع قراءة الرسائل النصية فقط.",
        "character_usage": "أنت تتحدث مع {current}. اختر شخصية عبر /character <الاسم>: "
                           "{characters}.",
        "character_chosen": "أنت تتحدث الآن مع {character}.",
        "reset_done": "بداية جديدة! {character} مستعدة لمحادثة جديدة.",
        "language_usage": "اختر لغتك:",
        "language_chosen": "سأتحدث معك بالعربية من الآن.",
        "buy_intro": "خطتك: {plan}. قم بالترقية باستخدام Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 يومًا",
        "invoice_title": "{plan} لمدة 30 يومًا",
        "invoice_description": "خطة {plan} لمدة 30 يومًا: محادثات أطول وأغنى.",
        "pay_invalid": "هذه الفاتورة لم تعد صالحة. افتح /buy مرة أخرى.",
        "pay_price_changed": "تغيّر السعر. افتح /buy للحصول على فاتورة جديدة.",
        "pay_thanks": "شكرًا لك! ستُفعَّل خطة {plan} خلال لحظات.",
        "paysupport": "المساعدة في الدفع: إذا حدثت مشكلة في عملية شراء، صِفها هنا وسيتحقق "
                      "فريقنا منها. يقوم فريقنا باسترداد Telegram Stars عند الطلب.",
        "upsell_button": "⭐ ترقية خطتي",
        "unknown_command": "لا أعرف الأمر {command}. أرسل /help لترى ما أفهمه.",
        "group_note": "مرحبًا بالجميع! أنا أتحدث في الرسائل الخاصة فقط — راسلوني مباشرة: @{bot}",
        "refund_done": "تم استرداد دفعتك البالغة {stars} ⭐. سيتم تحديث خطتك بعد لحظات.",
    },
    "he": {
        "greeting": "היי, אני {character}! כל כך שמחה שאתה כאן. ספר לי הכול — איך עובר "
                    "עליך היום?\nרוצה לדבר עם מישהו אחר? בחר למטה.",
        "help": "הנה מה שאני מבינה:\n"
                "/start — להגיד שלום ולבחור דמות\n"
                "/character <שם> — לדבר עם דמות אחרת\n"
                "/image <מה לצייר> — לבקש ממני תמונה\n"
                "/voice on|off — להפעיל או לכבות תשובות קוליות\n"
                "/reset — להתחיל את השיחה מחדש\n"
                "/language — לבחור שפה\n"
                "/buy — מסלולים ו-Telegram Stars\n"
                "/paysupport — עזרה בתשלומים\n"
                "/help — הרשימה הזאת\n"
                "על כל דבר אחר שתכתוב, אני פשוט אענה.",
        "reply_failed": "סליחה, לא הצלחתי לענות עכשיו — נסה שוב בעוד רגע.",
        "try_later": "אני קצת עמוסה כרגע — נסה שוב מעט מאוחר יותר, בבקשה.",
        "rate_limited": "אתה כותב מהר יותר ממה שאני מספיקה! תן לי {seconds} שניות וכתוב "
                        "שוב.",
        "image_usage": "ספר לי מה לצייר, למשל: /image שקיעה מעל הים",
        "image_unavailable": "תמונות עדיין לא זמינות.",
        "image_failed": "סליחה, לא הצלחתי ליצור את התמונה עכשיו — נסה שוב מאוחר יותר.",
        "voice_usage": "השתמש ב-/voice on או ב-/voice off.",
        "voice_on": "תשובות קוליות מופעלות.",
        "voice_off": "תשובות קוליות כבויות.",
        "voice_unavailable": "הודעות קוליות עדיין לא זמינות.",
        "voice_failed": "סליחה, לא הצלחתי להקליט הודעה קולית עכשיו.",
        "text_only": "כרגע אני יכולה לקרוא רק הודעות טקסט.",
        "character_usage": "אתה מדבר עם {current}. בחר מישהו עם /character <שם>: "
                           "{characters}.",
        "character_chosen": "עכשיו אתה מדבר עם {character}.",
        "reset_done": "התחלה חדשה! {character} מוכנה לשיחה חדשה.",
        "language_usage": "בחר את השפה שלך:",
        "language_chosen": "מעכשיו אדבר איתך בעברית.",
        "buy_intro": "המסלול שלך: {plan}. שדרג עם Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 יום",
        "invoice_title": "{plan} ל-30 יום",
        "invoice_description": "מסלול {plan} ל-30 יום: שיחות ארוכות ועשירות יותר.",
        "pay_invalid": "החשבונית הזאת כבר לא בתוקף. פתח שוב את /buy.",
        "pay_price_changed": "המחיר השתנה. פתח את /buy לחשבונית חדשה.",
        "pay_thanks": "תודה! מסלול {plan} יופעל בעוד רגע.",
        "paysupport": "עזרה בתשלומים: אם משהו השתבש ברכישה, תאר זאת כאן והצוות שלנו "
                      "יבדוק. החזרים של Telegram Stars מתבצעים על ידי הצוות שלנו לפי "
                      "בקשה.",
        "upsell_button": "⭐ שדרוג המסלול שלי",
        "unknown_command": "אני לא מכירה את {command}. שלח /help כדי לראות מה אני מבינה.",
        "group_note": "שלום לכולם! אני משוחחת רק בהודעות פרטיות — כתבו לי ישירות: @{bot}",
        "refund_done": "התשלום שלך על {stars} ⭐ הוחזר. המסלול שלך יתעדכן בעוד רגע.",
    },
    "nl": {
        "greeting": "Hoi, ik ben {character}! Wat fijn dat je er bent. Vertel me alles — "
                    "hoe gaat je dag?\nWil je met iemand anders praten? Kies hieronder.",
        "help": "Dit begrijp ik:\n"
                "/start — hallo zeggen en een personage kiezen\n"
                "/character <naam> — met een ander personage praten\n"
                "/image <wat ik moet tekenen> — om een plaatje vragen\n"
                "/voice on|off — spraakantwoorden aan of uit\n"
                "/reset — ons gesprek opnieuw beginnen\n"
                "/language — de taal kiezen\n"
                "/buy — abonnementen en Telegram Stars\n"
                "/paysupport — hulp bij betalingen\n"
                "/help — deze lijst\n"
                "Op al het andere dat je schrijft, geef ik gewoon antwoord.",
        "reply_failed": "Sorry, ik kon nu niet antwoorden — probeer het zo nog eens.",
        "try_later": "Ik heb het even heel druk — probeer het iets later nog eens.",
        "rate_limited": "Je schrijft sneller dan ik kan bijhouden! Geef me {seconds} s en "
                        "schrijf dan opnieuw.",
        "image_usage": "Vertel me wat ik moet tekenen, bijvoorbeeld: /image een "
                       "zonsondergang boven zee",
        "image_unavailable": "Plaatjes zijn nog niet beschikbaar.",
        "image_failed": "Sorry, ik kon dat plaatje nu niet maken — probeer het later nog "
                        "eens.",
        "voice_usage": "Gebruik /voice on of /voice off.",
        "voice_on": "Spraakantwoorden staan aan.",
        "voice_off": "Spraakantwoorden staan uit.",
        "voice_unavailable": "Spraakberichten zijn nog niet beschikbaar.",
        "voice_failed": "Sorry, ik kon nu geen spraakbericht opnemen.",
        "text_only": "Voorlopig kan ik alleen tekstberichten lezen.",
        "character_usage": "Je praat met {current}. Kies iemand met /character <naam>: "
                           "{characters}.",
        "character_chosen": "Je praat nu met {character}.",
        "reset_done": "Een frisse start! {character} is klaar voor een nieuw gesprek.",
        "language_usage": "Kies je taal:",
        "language_chosen": "Vanaf nu praat ik Nederlands met je.",
        "buy_intro": "Je abonnement: {plan}. Upgrade met Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 dagen",
        "invoice_title": "{plan} voor 30 dagen",
        "invoice_description": "Het {plan}-abonnement voor 30 dagen: langere, rijkere "
                               "gesprekken.",
        "pay_invalid": "Deze factuur is niet meer geldig. Open /buy opnieuw.",
        "pay_price_changed": "De prijs is veranderd. Open /buy voor een nieuwe factuur.",
        "pay_thanks": "Dank je! Je {plan}-abonnement is zo actief.",
        "paysupport": "Hulp bij betalingen: ging er iets mis met een aankoop, beschrijf het "
                      "hier en ons team kijkt ernaar. Terugbetalingen van Telegram Stars "
                      "doet ons team op verzoek.",
        "upsell_button": "⭐ Mijn abonnement upgraden",
        "unknown_command": "{command} ken ik niet. Stuur /help om te zien wat ik begrijp.",
        "group_note": "Hallo allemaal! Ik praat alleen in privéberichten — schrijf me direct: "
                      "@{bot}",
        "refund_done": "Je betaling van {stars} ⭐ is terugbetaald. Je abonnement wordt zo "
                       "bijgewerkt.",
    },
    "tr": {
        "greeting": "Merhaba, ben {character}! Burada olmana çok sevindim. Bana her şeyi "
                    "anlat — günün nasıl geçiyor?\nBaşka biriyle konuşmak ister misin? "
                    "Aşağıdan seç.",
        "help": "Anladığım komutlar:\n"
                "/start — selam vermek ve bir karakter seçmek\n"
                "/character <isim> — başka bir karakterle konuşmak\n"
                "/image <ne çizeyim> — benden bir resim istemek\n"
                "/voice on|off — sesli yanıtları açmak veya kapatmak\n"
                "/reset — sohbetimize baştan başlamak\n"
                "/language — dili seçmek\n"
                "/buy — planlar ve Telegram Stars\n"
                "/paysupport — ödeme yardımı\n"
                "/help — bu liste\n"
                "Yazdığın diğer her şeye sadece cevap veririm.",
        "reply_failed": "Üzgünüm, şu an cevap veremedim — birazdan tekrar dene.",
        "try_later": "Şu an biraz yoğunum — lütfen biraz sonra tekrar dene.",
        "rate_limited": "Yetişebileceğimden hızlı yazıyorsun! Bana {seconds} sn ver ve "
                        "tekrar yaz.",
        "image_usage": "Ne çizeyim söyle, örneğin: /image denizin üzerinde gün batımı",
        "image_unavailable": "Resimler henüz kullanılamıyor.",
        "image_failed": "Üzgünüm, o resmi şu an yapamadım — daha sonra tekrar dene.",
        "voice_usage": "/voice on veya /voice off kullan.",
        "voice_on": "Sesli yanıtlar açık.",
        "voice_off": "Sesli yanıtlar kapalı.",
        "voice_unavailable": "Sesli mesajlar henüz kullanılamıyor.",
        "voice_failed": "Üzgünüm, şu an sesli mesaj kaydedemedim.",
        "text_only": "Şimdilik yalnızca metin mesajlarını okuyabiliyorum.",
        "character_usage": "Şu an {current} ile konuşuyorsun. /character <isim> ile seç: "
                           "{characters}.",
        "character_chosen": "Artık {character} ile konuşuyorsun.",
        "reset_done": "Yeni bir başlangıç! {character} yeni bir sohbete hazır.",
        "language_usage": "Dilini seç:",
        "language_chosen": "Bundan sonra seninle Türkçe konuşacağım.",
        "buy_intro": "Planın: {plan}. Telegram Stars ile yükselt:",
        "plan_button": "{plan} — {stars} ⭐ / 30 gün",
        "invoice_title": "30 günlük {plan}",
        "invoice_description": "30 gün boyunca {plan} planı: daha uzun, daha zengin "
                               "sohbetler.",
        "pay_invalid": "Bu fatura artık geçerli değil. Lütfen /buy komutunu yeniden aç.",
        "pay_price_changed": "Fiyat değişti. Yeni bir fatura için /buy komutunu aç.",
        "pay_thanks": "Teşekkürler! {plan} planın birazdan etkin olacak.",
        "paysupport": "Ödeme yardımı: bir satın almada sorun olduysa buraya yaz, ekibimiz "
                      "kontrol edecek. Telegram Stars iadelerini ekibimiz talep üzerine "
                      "yapar.",
        "upsell_button": "⭐ Planımı yükselt",
        "unknown_command": "{command} komutunu bilmiyorum. Neleri anladığımı görmek için /help "
                           "gönder.",
        "group_note": "Herkese merhaba! Sadece özel mesajlarda sohbet ediyorum — bana doğrudan "
                      "yazın: @{bot}",
        "refund_done": "{stars} ⭐ tutarındaki ödemen iade edildi. Planın birazdan güncellenecek.",
    },
    "uk": {
        "greeting": "Привіт, я {character}! Як чудово, що ти тут. Розкажи що завгодно — "
                    "як минає твій день?\nХочеш поговорити з кимось іншим? Обери нижче.",
        "help": "Ось що я розумію:\n"
                "/start — привітатися й обрати персонажа\n"
                "/character <ім'я> — поговорити з іншим персонажем\n"
                "/image <що намалювати> — попросити картинку\n"
                "/voice on|off — увімкнути чи вимкнути голосові відповіді\n"
                "/reset — почати розмову заново\n"
                "/language — обрати мову\n"
                "/buy — тарифи й Telegram Stars\n"
                "/paysupport — допомога з оплатою\n"
                "/help — цей список\n"
                "На все інше, що напишеш, я просто відповім.",
        "reply_failed": "Вибач, зараз не вдалося відповісти — спробуй ще раз трохи згодом.",
        "try_later": "Я зараз трохи перевантажена — спробуй, будь ласка, трохи пізніше.",
        "rate_limited": "Ти пишеш швидше, ніж я встигаю! Зачекай {seconds} с і напиши знову.",
        "image_usage": "Напиши, що намалювати, наприклад: /image захід сонця над морем",
        "image_unavailable": "Картинки поки недоступні.",
        "image_failed": "Вибач, не вдалося зробити картинку — спробуй пізніше.",
        "voice_usage": "Напиши /voice on або /voice off.",
        "voice_on": "Голосові відповіді увімкнено.",
        "voice_off": "Голосові відповіді вимкнено.",
        "voice_unavailable": "Голосові повідомлення поки недоступні.",
        "voice_failed": "Вибач, не вдалося записати голосове повідомлення.",
        "text_only": "Поки що я вмію читати лише текстові повідомлення.",
        "character_usage": "Зараз ти говориш з {current}. Обрати іншого: /character "
                           "<ім'я>: {characters}.",
        "character_chosen": "Тепер ти говориш з {character}.",
        "reset_done": "Почнімо з чистого аркуша! {character} готова до нової розмови.",
        "language_usage": "Обери мову:",
        "language_chosen": "Відтепер я говоритиму з тобою українською.",
        "buy_intro": "Твій тариф: {plan}. Покращити за Telegram Stars:",
        "plan_button": "{plan} — {stars} ⭐ / 30 днів",
        "invoice_title": "{plan} на 30 днів",
        "invoice_description": "Тариф {plan} на 30 днів: довші й живіші розмови.",
        "pay_invalid": "Цей рахунок більше не дійсний. Відкрий /buy ще раз.",
        "pay_price_changed": "Ціна змінилася. Відкрий /buy, щоб отримати новий рахунок.",
        "pay_thanks": "Дякую! Тариф {plan} запрацює за мить.",
        "paysupport": "Допомога з оплатою: якщо з покупкою щось пішло не так, опиши це тут, "
                      "і наша команда перевірить. Повернення Telegram Stars робить наша "
                      "команда на запит.",
        "upsell_button": "⭐ Покращити тариф",
        "unknown_command": "Я не знаю команду {command}. Напиши /help, щоб побачити, що я розумію.",
        "group_note": "Усім привіт! Я спілкуюся лише в особистих повідомленнях — напишіть мені "
                      "напряму: @{bot}",
        "refund_done": "Твій платіж на {stars} ⭐ повернуто. Тариф оновиться за мить.",
    },
}

# the image job's strings live in their own module (progress, Cancel, outcomes)
from nectar_edge.domain.image_strings import IMAGE_STRINGS

for _code, _table in IMAGE_STRINGS.items():
    STRINGS[_code].update(_table)

FALLBACK = "en"


def translate(key: str, language: str, **params: str) -> str:
    """The string `key` in `language` (English when missing), formatted with `params`."""
    table = STRINGS.get(language.split("-", 1)[0].lower(), {})
    template = table.get(key) or STRINGS[FALLBACK][key]
    return template.format(**params) if params else template


def language_name(code: str) -> str:
    """A supported language in its own name (the code itself for others)."""
    return LANGUAGE_NAMES.get(code, code)


def display_name(character: str) -> str:
    """How a character id is shown to users until characters have their own names."""
    return character.replace("_", " ").replace("-", " ").title()
