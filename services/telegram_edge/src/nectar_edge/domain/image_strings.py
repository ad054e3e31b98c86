"""The image job's strings in the 17 languages (progress, Cancel, outcomes), merged into
`i18n.STRINGS`. Placeholders: `{percent}`."""

from __future__ import annotations

IMAGE_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "image_queued": "🎨 Drawing your picture…",
        "image_progress": "🎨 Drawing your picture… {percent}%",
        "image_cancel_button": "✖ Cancel",
        "image_cancelling": "Cancelling…",
        "image_cancelled": "Cancelled — no picture this time.",
        "image_quota": "You've used today's pictures on your plan. Upgrade for more, or "
                       "come back tomorrow!",
        "image_not_visual": "That item can't be drawn — it isn't something to see.",
        "image_bad_input": "I couldn't draw that as asked — try describing it differently "
                           "(and a little shorter).",
        "image_timeout": "That picture took too long, so I stopped. Please try again.",
        "image_blocked": "I can't draw that one. Shall we try something else?",
    },
    "ru": {
        "image_queued": "🎨 Рисую картинку…",
        "image_progress": "🎨 Рисую картинку… {percent}%",
        "image_cancel_button": "✖ Отмена",
        "image_cancelling": "Отменяю…",
        "image_cancelled": "Отменено — в этот раз без картинки.",
        "image_quota": "Картинки на сегодня по твоему тарифу закончились. Улучши тариф или "
                       "возвращайся завтра!",
        "image_not_visual": "Этот предмет нельзя нарисовать — его не видно.",
        "image_bad_input": "Не получилось нарисовать это так — попробуй описать иначе "
                           "(и покороче).",
        "image_timeout": "Картинка рисовалась слишком долго, я остановилась. Попробуй ещё раз.",
        "image_blocked": "Такое я нарисовать не могу. Попробуем что-нибудь другое?",
    },
    "ja": {
        "image_queued": "🎨 絵を描いているよ…",
        "image_progress": "🎨 絵を描いているよ… {percent}%",
        "image_cancel_button": "✖ キャンセル",
        "image_cancelling": "キャンセルしています…",
        "image_cancelled": "キャンセルしたよ — 今回は絵はなし。",
        "image_quota": "今日のプランの画像はもう使い切ったよ。アップグレードするか、また明日来てね！",
        "image_not_visual": "そのアイテムは目に見えるものじゃないから描けないよ。",
        "image_bad_input": "そのままでは描けなかった — 別の言い方で（少し短めに）教えてね。",
        "image_timeout": "時間がかかりすぎたので止めたよ。もう一度試してね。",
        "image_blocked": "それは描けないんだ。別のものにしてみる？",
    },
    "zh": {
        "image_queued": "🎨 正在画你的图…",
        "image_progress": "🎨 正在画你的图… {percent}%",
        "image_cancel_button": "✖ 取消",
        "image_cancelling": "正在取消…",
        "image_cancelled": "已取消 —— 这次没有图片。",
        "image_quota": "你的套餐今天的图片已用完。升级可以获得更多，或者明天再来！",
        "image_not_visual": "这个物品画不出来 —— 它不是看得见的东西。",
        "image_bad_input": "没法按这个要求画 —— 换个说法试试（再短一点）。",
        "image_timeout": "这张图花的时间太长，我停下来了。请再试一次。",
        "image_blocked": "这个我画不了。换个别的试试？",
    },
    "ko": {
        "image_queued": "🎨 그림을 그리는 중…",
        "image_progress": "🎨 그림을 그리는 중… {percent}%",
        "image_cancel_button": "✖ 취소",
        "image_cancelling": "취소하는 중…",
        "image_cancelled": "취소했어 — 이번엔 그림이 없어.",
        "image_quota": "오늘 요금제의 그림을 다 썼어. 업그레이드하거나 내일 다시 와 줘!",
        "image_not_visual": "그 아이템은 눈에 보이는 게 아니라서 그릴 수 없어.",
        "image_bad_input": "그대로는 그릴 수 없었어 — 다르게 (조금 더 짧게) 말해 줘.",
        "image_timeout": "너무 오래 걸려서 멈췄어. 다시 해 줘.",
        "image_blocked": "그건 그릴 수 없어. 다른 걸 해 볼까?",
    },
    "es": {
        "image_queued": "🎨 Dibujando tu imagen…",
        "image_progress": "🎨 Dibujando tu imagen… {percent}%",
        "image_cancel_button": "✖ Cancelar",
        "image_cancelling": "Cancelando…",
        "image_cancelled": "Cancelado: esta vez no hay imagen.",
        "image_quota": "Ya usaste las imágenes de hoy de tu plan. ¡Mejóralo para tener más o "
                       "vuelve mañana!",
        "image_not_visual": "Ese artículo no se puede dibujar: no es algo que se vea.",
        "image_bad_input": "No pude dibujarlo así: prueba a describirlo de otra forma (y un "
                           "poco más corto).",
        "image_timeout": "Esa imagen tardaba demasiado, así que la detuve. Inténtalo de nuevo.",
        "image_blocked": "Eso no lo puedo dibujar. ¿Probamos otra cosa?",
    },
    "fr": {
        "image_queued": "🎨 Je dessine ton image…",
        "image_progress": "🎨 Je dessine ton image… {percent} %",
        "image_cancel_button": "✖ Annuler",
        "image_cancelling": "Annulation…",
        "image_cancelled": "Annulé : pas d'image cette fois.",
        "image_quota": "Tu as utilisé les images du jour de ton forfait. Passe à un forfait "
                       "supérieur ou reviens demain !",
        "image_not_visual": "Cet article ne peut pas être dessiné : ce n'est pas quelque chose "
                            "qui se voit.",
        "image_bad_input": "Je n'ai pas pu le dessiner ainsi : décris-le autrement (et un peu "
                           "plus court).",
        "image_timeout": "Cette image prenait trop de temps, je l'ai arrêtée. Réessaie.",
        "image_blocked": "Je ne peux pas dessiner ça. On essaie autre chose ?",
    },
    "de": {
        "image_queued": "🎨 Ich male dein Bild…",
        "image_progress": "🎨 Ich male dein Bild… {percent} %",
        "image_cancel_button": "✖ Abbrechen",
        "image_cancelling": "Wird abgebrochen…",
        "image_cancelled": "Abgebrochen – diesmal kein Bild.",
        "image_quota": "Die Bilder deines Tarifs für heute sind aufgebraucht. Upgrade für "
                       "mehr, oder komm morgen wieder!",
        "image_not_visual": "Dieser Artikel lässt sich nicht malen – er ist nichts Sichtbares.",
        "image_bad_input": "So konnte ich das nicht malen – beschreib es anders (und etwas "
                           "kürzer).",
        "image_timeout": "Das Bild hat zu lange gedauert, ich habe aufgehört. Versuch es "
                         "noch einmal.",
        "image_blocked": "Das kann ich nicht malen. Probieren wir etwas anderes?",
    },
    "it": {
        "image_queued": "🎨 Sto disegnando la tua immagine…",
        "image_progress": "🎨 Sto disegnando la tua immagine… {percent}%",
        "image_cancel_button": "✖ Annulla",
        "image_cancelling": "Annullamento…",
        "image_cancelled": "Annullato: niente immagine questa volta.",
        "image_quota": "Hai usato le immagini di oggi del tuo piano. Passa a un piano "
                       "superiore o torna domani!",
        "image_not_visual": "Questo oggetto non si può disegnare: non è qualcosa che si vede.",
        "image_bad_input": "Non sono riuscita a disegnarlo così: prova a descriverlo in un "
                           "altro modo (e più breve).",
        "image_timeout": "L'immagine ci metteva troppo, l'ho fermata. Riprova.",
        "image_blocked": "Questo non posso disegnarlo. Proviamo qualcos'altro?",
    },
    "pt": {
        "image_queued": "🎨 Desenhando a sua imagem…",
        "image_progress": "🎨 Desenhando a sua imagem… {percent}%",
        "image_cancel_button": "✖ Cancelar",
        "image_cancelling": "Cancelando…",
        "image_cancelled": "Cancelado — sem imagem desta vez.",
        "image_quota": "Você usou as imagens de hoje do seu plano. Faça upgrade para ter mais "
                       "ou volte amanhã!",
        "image_not_visual": "Esse item não pode ser desenhado — não é algo que se veja.",
        "image_bad_input": "Não consegui desenhar assim — tente descrever de outro jeito (e "
                           "um pouco mais curto).",
        "image_timeout": "A imagem demorou demais, então parei. Tente de novo.",
        "image_blocked": "Isso eu não posso desenhar. Vamos tentar outra coisa?",
    },
    "pl": {
        "image_queued": "🎨 Rysuję twój obrazek…",
        "image_progress": "🎨 Rysuję twój obrazek… {percent}%",
        "image_cancel_button": "✖ Anuluj",
        "image_cancelling": "Anulowanie…",
        "image_cancelled": "Anulowano — tym razem bez obrazka.",
        "image_quota": "Wykorzystano dzisiejsze obrazki z twojego planu. Zmień plan na "
                       "wyższy albo wróć jutro!",
        "image_not_visual": "Tego przedmiotu nie da się narysować — nie jest czymś, co widać.",
        "image_bad_input": "Nie udało się tego tak narysować — opisz to inaczej (i trochę "
                           "krócej).",
        "image_timeout": "Obrazek rysował się za długo, więc przerwałam. Spróbuj ponownie.",
        "image_blocked": "Tego nie mogę narysować. Spróbujemy czegoś innego?",
    },
    "hi": {
        "image_queued": "🎨 तुम्हारी तस्वीर बना रही हूँ…",
        "image_progress": "🎨 तुम्हारी तस्वीर बना रही हूँ… {percent}%",
        "image_cancel_button": "✖ रद्द करें",
        "image_cancelling": "रद्द कर रही हूँ…",
        "image_cancelled": "रद्द कर दिया — इस बार कोई तस्वीर नहीं।",
        "image_quota": "तुम्हारे प्लान की आज की तस्वीरें खत्म हो गईं। ज़्यादा के लिए अपग्रेड "
                       "करो, या कल फिर आना!",
        "image_not_visual": "यह चीज़ बनाई नहीं जा सकती — यह दिखने वाली चीज़ नहीं है।",
        "image_bad_input": "यह ऐसे नहीं बन पाई — इसे दूसरे तरीके से (थोड़ा छोटा) बताओ।",
        "image_timeout": "तस्वीर में बहुत समय लग रहा था, इसलिए रोक दिया। फिर से कोशिश करो।",
        "image_blocked": "यह मैं नहीं बना सकती। कुछ और आज़माएँ?",
    },
    "ar": {
        "image_queued": "🎨 أرسم صورتك…",
        "image_progress": "🎨 أرسم صورتك… ‎{percent}%",
        "image_cancel_button": "✖ إلغاء",
        "image_cancelling": "جارٍ الإلغاء…",
        "image_cancelled": "تم الإلغاء — لا صورة هذه المرة.",
        "image_quota": "استخدمت صور اليوم في خطتك. رقِّ خطتك للمزيد، أو عد غدًا!",
        "image_not_visual": "لا يمكن رسم هذا العنصر — ليس شيئًا يُرى.",
        "image_bad_input": "لم أستطع رسمه بهذا الشكل — جرّب وصفه بطريقة أخرى (وأقصر قليلًا).",
        "image_timeout": "استغرقت الصورة وقتًا طويلًا، فأوقفتها. حاول مرة أخرى.",
        "image_blocked": "لا أستطيع رسم هذا. هل نجرّب شيئًا آخر؟",
    },
    "he": {
        "image_queued": "🎨 מציירת לך תמונה…",
        "image_progress": "🎨 מציירת לך תמונה… ‎{percent}%",
        "image_cancel_button": "✖ ביטול",
        "image_cancelling": "מבטלת…",
        "image_cancelled": "בוטל — הפעם בלי תמונה.",
        "image_quota": "ניצלת את התמונות של היום בתוכנית שלך. שדרג לעוד, או חזור מחר!",
        "image_not_visual": "אי אפשר לצייר את הפריט הזה — הוא לא משהו שרואים.",
        "image_bad_input": "לא הצלחתי לצייר את זה ככה — נסה לתאר אחרת (וקצת יותר קצר).",
        "image_timeout": "הציור לקח יותר מדי זמן, אז עצרתי. נסה שוב.",
        "image_blocked": "את זה אני לא יכולה לצייר. ננסה משהו אחר?",
    },
    "nl": {
        "image_queued": "🎨 Ik teken je afbeelding…",
        "image_progress": "🎨 Ik teken je afbeelding… {percent}%",
        "image_cancel_button": "✖ Annuleren",
        "image_cancelling": "Bezig met annuleren…",
        "image_cancelled": "Geannuleerd — deze keer geen afbeelding.",
        "image_quota": "Je hebt de afbeeldingen van vandaag in je abonnement gebruikt. "
                       "Upgrade voor meer, of kom morgen terug!",
        "image_not_visual": "Dit item kan niet getekend worden — het is niet iets zichtbaars.",
        "image_bad_input": "Zo kon ik het niet tekenen — beschrijf het anders (en iets "
                           "korter).",
        "image_timeout": "Die afbeelding duurde te lang, dus ik ben gestopt. Probeer het "
                         "opnieuw.",
        "image_blocked": "Dat kan ik niet tekenen. Zullen we iets anders proberen?",
    },
    "tr": {
        "image_queued": "🎨 Resmini çiziyorum…",
        "image_progress": "🎨 Resmini çiziyorum… %{percent}",
        "image_cancel_button": "✖ İptal",
        "image_cancelling": "İptal ediliyor…",
        "image_cancelled": "İptal edildi — bu sefer resim yok.",
        "image_quota": "Planındaki bugünkü resimleri kullandın. Daha fazlası için planını "
                       "yükselt ya da yarın tekrar gel!",
        "image_not_visual": "Bu ürün çizilemez — görünen bir şey değil.",
        "image_bad_input": "Bunu böyle çizemedim — başka türlü (ve biraz daha kısa) anlatmayı "
                           "dene.",
        "image_timeout": "Resim çok uzun sürdü, durdurdum. Lütfen tekrar dene.",
        "image_blocked": "Bunu çizemem. Başka bir şey deneyelim mi?",
    },
    "uk": {
        "image_queued": "🎨 Малюю картинку…",
        "image_progress": "🎨 Малюю картинку… {percent}%",
        "image_cancel_button": "✖ Скасувати",
        "image_cancelling": "Скасовую…",
        "image_cancelled": "Скасовано — цього разу без картинки.",
        "image_quota": "Картинки на сьогодні за твоїм тарифом закінчилися. Покращ тариф або "
                       "повертайся завтра!",
        "image_not_visual": "Цей предмет не можна намалювати — його не видно.",
        "image_bad_input": "Не вдалося намалювати це так — спробуй описати інакше (і коротше).",
        "image_timeout": "Картинка малювалася надто довго, я зупинилася. Спробуй ще раз.",
        "image_blocked": "Таке я намалювати не можу. Спробуємо щось інше?",
    },
}
