// Passerelle web chat page. Plain ES2020, no dependencies; served under a strict CSP, so
// nothing here may rely on inline scripts, inline styles or innerHTML with server text.

const API_URL = "/webchat/api/messages";
const MAX_TEXT = 2000;
const MAX_KEPT_ENTRIES = 300;
const REQUEST_TIMEOUT_MS = 45000;
const TYPING_DELAY_MS = 300; // fast answers should not make the indicator flash and speak
const USER_KEY = "passerelle.user";
// Answers that do not come in reply to a message (a person of the team writing) are fetched:
// often while the page is in front, rarely once nothing came for a while.
const PULL_EVERY_MS = 2000;
const PULL_IDLE_EVERY_MS = 10000;
const PULL_IDLE_AFTER_MS = 5 * 60 * 1000;
const USER_HEADER = "X-Passerelle-User";
const CONVERSATION_KEY = "passerelle.conversation";
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const USER_ID = /^[A-Za-z0-9_-]{22,64}$/; // what the API accepts; 22 symbols are 132 random bits
const LANG_CODE = /^[a-z]{2,3}$/;
const RTL_LANGUAGES = new Set(["ar", "fa", "ps", "ckb", "he", "ur"]);

// Page chrome, one entry per language of flows/languages.yml (tests/adapters/
// test_webchat_chrome.py checks this). To add a language, copy the "en" block, translate
// every value, keep "{max}" as it is, and use the language's own punctuation (French: a
// no-break space before ":"; Tigrinya: the Ethiopic "፥" and "።"). Write invisible
// characters as escapes (\u00a0, \u200c). Right-to-left is decided by RTL_LANGUAGES.
const CHROME = {
  en: {
    title: "Passerelle",
    tagline: "It is anonymous: you do not need to give your name.",
    logLabel: "Conversation",
    inputLabel: "Your message",
    placeholder: "Type your message…",
    send: "Send",
    typing: "Writing an answer…",
    you: "You:",
    bot: "Passerelle:",
    errorNetwork: "Connection problem. Please try again.",
    errorBusy: "Too many messages in a short time. Wait a moment, then try again.",
    errorServer: "The service is not available right now. Please try again in a moment.",
    notSent: "Your message was not sent.",
    retry: "Try again",
    tooLong: "Your message is too long: {max} characters at most. The end was cut off.",
  },
  fr: {
    title: "Passerelle",
    tagline: "C’est anonyme\u00a0: pas besoin de donner votre nom.",
    logLabel: "Conversation",
    inputLabel: "Votre message",
    placeholder: "Écrivez votre message…",
    send: "Envoyer",
    typing: "Réponse en cours d’écriture…",
    you: "Vous\u00a0:",
    bot: "Passerelle\u00a0:",
    errorNetwork: "Problème de connexion. Veuillez réessayer.",
    errorBusy: "Trop de messages en peu de temps. Attendez un moment, puis réessayez.",
    errorServer: "Le service n’est pas disponible pour le moment. Réessayez dans un moment.",
    notSent: "Votre message n’a pas été envoyé.",
    retry: "Réessayer",
    tooLong: "Votre message est trop long\u00a0: {max}\u00a0caractères au maximum. La fin a été coupée.",
  },
  nl: {
    title: "Passerelle",
    tagline: "Het is anoniem: je hoeft je naam niet te geven.",
    logLabel: "Gesprek",
    inputLabel: "Je bericht",
    placeholder: "Schrijf je bericht…",
    send: "Verstuur",
    typing: "Antwoord wordt geschreven…",
    you: "Jij:",
    bot: "Passerelle:",
    errorNetwork: "Probleem met de verbinding. Probeer het opnieuw.",
    errorBusy: "Te veel berichten in korte tijd. Wacht even en probeer het dan opnieuw.",
    errorServer: "De dienst werkt nu niet. Probeer het zo opnieuw.",
    notSent: "Je bericht is niet verstuurd.",
    retry: "Opnieuw proberen",
    tooLong: "Je bericht is te lang: hoogstens {max} tekens. Het einde is weggevallen.",
  },
  ar: {
    title: "Passerelle",
    tagline: "المحادثة مجهولة الهوية: لا داعي لذكر اسمك.",
    logLabel: "المحادثة",
    inputLabel: "رسالتك",
    placeholder: "اكتب رسالتك هنا…",
    send: "إرسال",
    typing: "جارٍ كتابة الرد…",
    you: "أنت:",
    bot: "Passerelle:",
    errorNetwork: "مشكلة في الاتصال. يرجى المحاولة مرة أخرى.",
    errorBusy: "رسائل كثيرة في وقت قصير. انتظر قليلاً ثم حاول مرة أخرى.",
    errorServer: "الخدمة غير متاحة الآن. يرجى المحاولة مرة أخرى بعد قليل.",
    notSent: "لم تُرسَل رسالتك.",
    retry: "إعادة المحاولة",
    tooLong: "رسالتك طويلة جداً: الحد الأقصى {max} حرف. تم حذف الجزء الزائد.",
  },
  tr: {
    title: "Passerelle",
    tagline: "Anonimdir: adınızı vermeniz gerekmez.",
    logLabel: "Sohbet",
    inputLabel: "Mesajınız",
    placeholder: "Mesajınızı yazın…",
    send: "Gönder",
    typing: "Yanıt yazılıyor…",
    you: "Siz:",
    bot: "Passerelle:",
    errorNetwork: "Bağlantı sorunu. Lütfen tekrar deneyin.",
    errorBusy: "Kısa sürede çok fazla mesaj gönderildi. Biraz bekleyin, sonra tekrar deneyin.",
    errorServer: "Hizmet şu anda çalışmıyor. Lütfen biraz sonra tekrar deneyin.",
    notSent: "Mesajınız gönderilmedi.",
    retry: "Tekrar deneyin",
    tooLong: "Mesajınız çok uzun: en fazla {max} karakter olabilir. Sonu kesildi.",
  },
  es: {
    title: "Passerelle",
    tagline: "Es anónimo: no tiene que dar su nombre.",
    logLabel: "Conversación",
    inputLabel: "Su mensaje",
    placeholder: "Escriba su mensaje…",
    send: "Enviar",
    typing: "Escribiendo una respuesta…",
    you: "Usted:",
    bot: "Passerelle:",
    errorNetwork: "Problema de conexión. Por favor, inténtelo de nuevo.",
    errorBusy: "Demasiados mensajes en poco tiempo. Espere un momento y vuelva a intentarlo.",
    errorServer: "El servicio no está disponible ahora. Inténtelo de nuevo dentro de un momento.",
    notSent: "Su mensaje no se ha enviado.",
    retry: "Intentar de nuevo",
    tooLong: "Su mensaje es demasiado largo: {max} caracteres como máximo. Se ha cortado el final.",
  },
  ro: {
    title: "Passerelle",
    tagline: "Este anonim: nu trebuie să vă spuneți numele.",
    logLabel: "Conversație",
    inputLabel: "Mesajul dumneavoastră",
    placeholder: "Scrieți mesajul aici…",
    send: "Trimiteți",
    typing: "Se scrie un răspuns…",
    you: "Dumneavoastră:",
    bot: "Passerelle:",
    errorNetwork: "Problemă de conexiune. Vă rugăm să încercați din nou.",
    errorBusy: "Prea multe mesaje într-un timp scurt. Așteptați puțin, apoi încercați din nou.",
    errorServer: "Serviciul nu este disponibil acum. Încercați din nou peste puțin timp.",
    notSent: "Mesajul dumneavoastră nu a fost trimis.",
    retry: "Încercați din nou",
    tooLong: "Mesajul este prea lung: cel mult {max} de caractere. Sfârșitul a fost tăiat.",
  },
  uk: {
    title: "Passerelle",
    tagline: "Це анонімно: вам не потрібно називати своє ім’я.",
    logLabel: "Розмова",
    inputLabel: "Ваше повідомлення",
    placeholder: "Напишіть повідомлення…",
    send: "Надіслати",
    typing: "Пишу відповідь…",
    you: "Ви:",
    bot: "Passerelle:",
    errorNetwork: "Проблема з підключенням. Спробуйте ще раз.",
    errorBusy: "Забагато повідомлень за короткий час. Зачекайте трохи, потім спробуйте ще раз.",
    errorServer: "Сервіс зараз не працює. Спробуйте ще раз трохи згодом.",
    notSent: "Ваше повідомлення не надіслано.",
    retry: "Спробувати ще раз",
    tooLong: "Ваше повідомлення задовге: не більше {max} символів. Кінець обрізано.",
  },
  ru: {
    title: "Passerelle",
    tagline: "Это анонимно: вам не нужно называть своё имя.",
    logLabel: "Разговор",
    inputLabel: "Ваше сообщение",
    placeholder: "Напишите сообщение…",
    send: "Отправить",
    typing: "Пишу ответ…",
    you: "Вы:",
    bot: "Passerelle:",
    errorNetwork: "Проблема с подключением. Попробуйте ещё раз.",
    errorBusy: "Слишком много сообщений за короткое время. Подождите немного и попробуйте ещё раз.",
    errorServer: "Сервис сейчас не работает. Попробуйте ещё раз чуть позже.",
    notSent: "Ваше сообщение не отправлено.",
    retry: "Попробовать ещё раз",
    tooLong: "Ваше сообщение слишком длинное: не больше {max} символов. Конец обрезан.",
  },
  pt: {
    title: "Passerelle",
    tagline: "É anónimo: não precisa de dar o seu nome.",
    logLabel: "Conversa",
    inputLabel: "A sua mensagem",
    placeholder: "Escreva a sua mensagem…",
    send: "Enviar",
    typing: "A escrever uma resposta…",
    you: "Você:",
    bot: "Passerelle:",
    errorNetwork: "Problema de ligação. Por favor, tente de novo.",
    errorBusy: "Demasiadas mensagens em pouco tempo. Espere um pouco e depois tente de novo.",
    errorServer: "O serviço não está disponível neste momento. Tente de novo daqui a pouco.",
    notSent: "A sua mensagem não foi enviada.",
    retry: "Tentar de novo",
    tooLong: "A sua mensagem é demasiado longa: {max} caracteres no máximo. O fim foi cortado.",
  },
  fa: {
    title: "Passerelle",
    tagline: "این گفت\u200cوگو ناشناس است: لازم نیست نام خود را بگویید.",
    logLabel: "گفت\u200cوگو",
    inputLabel: "پیام شما",
    placeholder: "پیام خود را بنویسید…",
    send: "ارسال",
    typing: "در حال نوشتن پاسخ…",
    you: "شما:",
    bot: "Passerelle:",
    errorNetwork: "مشکل در اتصال. لطفاً دوباره امتحان کنید.",
    errorBusy: "در مدت کوتاهی پیام\u200cهای زیادی فرستاده شد. کمی صبر کنید و بعد دوباره امتحان کنید.",
    errorServer: "این سرویس الان در دسترس نیست. لطفاً کمی بعد دوباره امتحان کنید.",
    notSent: "پیام شما فرستاده نشد.",
    retry: "دوباره امتحان کنید",
    tooLong: "پیام شما خیلی طولانی است: حداکثر {max} حرف. آخر پیام بریده شد.",
  },
  ps: {
    title: "Passerelle",
    tagline: "دا بې نومه ده: اړتیا نشته چې خپل نوم ووایاست.",
    logLabel: "خبرې اترې",
    inputLabel: "ستاسو پیغام",
    placeholder: "خپل پیغام ولیکئ…",
    send: "ولېږئ",
    typing: "ځواب لیکل کېږي…",
    you: "تاسو:",
    bot: "Passerelle:",
    errorNetwork: "د اړیکې ستونزه. مهرباني وکړئ بیا هڅه وکړئ.",
    errorBusy: "په لنډ وخت کې ډېر پیغامونه ولېږل شول. یوه شېبه صبر وکړئ، بیا هڅه وکړئ.",
    errorServer: "دا خدمت اوس شتون نه لري. مهرباني وکړئ یوه شېبه وروسته بیا هڅه وکړئ.",
    notSent: "ستاسو پیغام ونه لېږل شو.",
    retry: "بیا هڅه وکړئ",
    tooLong: "ستاسو پیغام ډېر اوږد دی: ډېر نه ډېر {max} توري. پای یې پرې شو.",
  },
  ti: {
    title: "Passerelle",
    tagline: "ብዘይ ስም እዩ፥ ስምኩም ክትህቡ ኣየድልየኩምን።",
    logLabel: "ዕላል",
    inputLabel: "መልእኽትኹም",
    placeholder: "መልእኽትኹም ጽሓፉ…",
    send: "ስደዱ",
    typing: "መልሲ ይጽሓፍ ኣሎ…",
    you: "ንስኹም፥",
    bot: "Passerelle፥",
    errorNetwork: "ናይ ርክብ ጸገም ኣሎ። በጃኹም እንደገና ፈትኑ።",
    errorBusy: "ኣብ ሓጺር ግዜ ብዙሓት መልእኽትታት ተሰዲዶም። ቁሩብ ተጸበዩ፣ ድሕሪኡ እንደገና ፈትኑ።",
    errorServer: "እቲ ኣገልግሎት ሕጂ ኣይሰርሕን ኣሎ። በጃኹም ድሕሪ ቁሩብ እንደገና ፈትኑ።",
    notSent: "መልእኽትኹም ኣይተሰደደን።",
    retry: "እንደገና ፈትኑ",
    tooLong: "መልእኽትኹም ኣዝዩ ነዊሕ እዩ፥ እንተበዝሐ {max} ፊደላት። መወዳእታኡ ተቖሪጹ።",
  },
  so: {
    title: "Passerelle",
    tagline: "Waa qarsoodi: uma baahnid inaad magacaaga sheegto.",
    logLabel: "Wadahadal",
    inputLabel: "Fariintaada",
    placeholder: "Qor fariintaada…",
    send: "Dir",
    typing: "Jawaab ayaa la qorayaa…",
    you: "Adiga:",
    bot: "Passerelle:",
    errorNetwork: "Dhibaato ayaa ka jirta xiriirka. Fadlan mar kale isku day.",
    errorBusy: "Fariimo badan ayaa waqti gaaban la diray. Wax yar sug, kadibna mar kale isku day.",
    errorServer: "Adeegga hadda lama heli karo. Fadlan mar kale isku day wax yar kadib.",
    notSent: "Fariintaada lama dirin.",
    retry: "Mar kale isku day",
    tooLong: "Fariintaadu aad bay u dheer tahay: ugu badnaan {max} xaraf. Dhammaadka waa la gooyay.",
  },
  pl: {
    title: "Passerelle",
    tagline: "Rozmowa jest anonimowa: nie trzeba podawać imienia i nazwiska.",
    logLabel: "Rozmowa",
    inputLabel: "Wiadomość",
    placeholder: "Napisz wiadomość…",
    send: "Wyślij",
    typing: "Piszę odpowiedź…",
    you: "Ty:",
    bot: "Passerelle:",
    errorNetwork: "Problem z połączeniem. Proszę spróbować ponownie.",
    errorBusy: "Za dużo wiadomości w krótkim czasie. Proszę chwilę poczekać i spróbować ponownie.",
    errorServer: "Usługa jest teraz niedostępna. Proszę spróbować ponownie za chwilę.",
    notSent: "Wiadomość nie została wysłana.",
    retry: "Spróbuj ponownie",
    tooLong: "Wiadomość jest za długa: maksymalnie {max} znaków. Koniec został obcięty.",
  },
};

const els = {
  scroller: document.getElementById("scroller"),
  log: document.getElementById("log"),
  typing: document.getElementById("typing"),
  form: document.getElementById("composer"),
  input: document.getElementById("input"),
  send: document.getElementById("send"),
  inputNote: document.getElementById("input-note"),
};

const state = {
  user: "",
  urlLang: null, // the ?lang of this page load, if any
  sendLang: null, // what goes out as "lang"; dropped once the person picks another language
  chrome: "en",
  entries: [], // what the conversation shows; system notes are not kept
  busy: false,
  cursor: "0", // the pull endpoint's cursor: what the page already received
  posted: 0, // messages sent so far: a pull that crossed one may hold its answers, dropped
  lastPulledAt: 0,
};

// Storage may be unavailable (private modes, blocked cookies): the chat must still work.

function storageGet(area, key) {
  try {
    return window[area].getItem(key);
  } catch {
    return null;
  }
}

function storageSet(area, key, value) {
  try {
    window[area].setItem(key, value);
  } catch {
    // Nothing to do: the conversation simply will not survive a reload.
  }
}

// Identity ---------------------------------------------------------------------------------

function newUserId() {
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  // 64 symbols divide 256 exactly, so masking keeps every symbol equally likely.
  return Array.from(bytes, (byte) => ID_ALPHABET[byte & 63]).join("");
}

function loadUserId() {
  const stored = storageGet("localStorage", USER_KEY);
  if (stored && USER_ID.test(stored)) return stored;
  const fresh = newUserId();
  storageSet("localStorage", USER_KEY, fresh);
  return fresh;
}

// Languages --------------------------------------------------------------------------------

function baseLanguage(tag) {
  return String(tag || "").toLowerCase().split(/[-_]/)[0];
}

function languageFromUrl() {
  const lang = baseLanguage(new URLSearchParams(window.location.search).get("lang"));
  return LANG_CODE.test(lang) ? lang : null;
}

function pickChromeLanguage(urlLang) {
  if (urlLang && CHROME[urlLang]) return urlLang;
  const preferred = navigator.languages && navigator.languages.length
    ? navigator.languages
    : [navigator.language];
  const match = preferred.map(baseLanguage).find((lang) => CHROME[lang]);
  return match || "en";
}

function t(key) {
  return (CHROME[state.chrome] || CHROME.en)[key] || CHROME.en[key];
}

function applyChrome(lang) {
  state.chrome = CHROME[lang] ? lang : "en";
  const root = document.documentElement;
  root.lang = state.chrome;
  root.dir = RTL_LANGUAGES.has(state.chrome) ? "rtl" : "ltr";
  document.title = t("title");
  document.querySelectorAll("[data-i18n]").forEach((el) => {
    el.textContent = t(el.dataset.i18n);
  });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  document.querySelectorAll("[data-i18n-aria-label]").forEach((el) => {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  });
  document.querySelectorAll("[data-speaker]").forEach((el) => {
    el.textContent = t(el.dataset.speaker) + " ";
  });
}

// Saving and restoring the visible conversation -------------------------------------------

function saveConversation() {
  const kept = state.entries.slice(-MAX_KEPT_ENTRIES);
  const snapshot = {
    user: state.user,
    urlLang: state.urlLang,
    sendLang: state.sendLang,
    chrome: state.chrome,
    entries: kept.map(({ element, ...rest }) => rest),
    cursor: state.cursor,
  };
  storageSet("sessionStorage", CONVERSATION_KEY, JSON.stringify(snapshot));
}

function loadConversation() {
  try {
    const snapshot = JSON.parse(storageGet("sessionStorage", CONVERSATION_KEY) || "null");
    if (!snapshot || snapshot.user !== state.user || !Array.isArray(snapshot.entries)) return null;
    return snapshot;
  } catch {
    return null;
  }
}

// Validating what the server sent ------------------------------------------------------------

function cleanLang(value) {
  return typeof value === "string" && /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(value) ? value : null;
}

const MAX_DOCUMENT_CHARS = 20000;

function safeUrl(value) {
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function cleanBotMessage(raw) {
  if (!raw || typeof raw !== "object") return null;
  const text = typeof raw.text === "string" ? raw.text : "";
  const buttons = Array.isArray(raw.buttons)
    ? raw.buttons.filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload }))
    : [];
  const doc = raw.document;
  let file = null;
  if (doc && typeof doc.filename === "string") {
    // A small text file sent with the message (a calendar entry) is kept as text, so that it
    // can still be downloaded after a reload; otherwise a link to an http(s) address.
    if (typeof doc.content === "string" && doc.content.length <= MAX_DOCUMENT_CHARS) {
      file = { filename: doc.filename, content: doc.content };
    } else if (safeUrl(doc.url)) {
      file = { filename: doc.filename, url: safeUrl(doc.url) };
    }
  }
  if (!text && !buttons.length && !file) return null;
  return {
    who: "bot",
    text,
    lang: cleanLang(raw.lang),
    dir: raw.dir === "rtl" || raw.dir === "ltr" ? raw.dir : null,
    buttons,
    document: file,
    chosen: null,
  };
}

// Drawing ------------------------------------------------------------------------------------

function speakerLabel(speakerKey) {
  const label = document.createElement("span");
  label.className = "visually-hidden";
  label.dataset.speaker = speakerKey;
  label.textContent = t(speakerKey) + " ";
  return label;
}

// Pieces of a message that must read left to right and stay on one line whatever the text
// around them: commands (/forget), reference codes (HB-AGV6), amounts (25 000 EUR), phone
// numbers (0800 30 030), times (09:00) and web addresses. Each is drawn in its own <bdi>
// (isolated, so "/forget" never shows as "forget/" in Arabic) that does not wrap.
const ISOLATED = new RegExp(
  [
    String.raw`https?://\S+`,
    String.raw`/[a-z]{2,20}\b`,
    String.raw`\b[A-Z]{2}-[A-Z0-9]{4,6}\b`,
    String.raw`\d[\d\u00a0\u202f .,]*\d\s?(?:EUR|€)`,
    String.raw`\d+\s?(?:EUR|€)`,
    String.raw`\b0\d{2,3}(?:[ \u00a0]\d{2,3}){2,3}\b`,
    String.raw`\b\d{1,2}:\d{2}\b`,
  ].join("|"),
  "g",
);

function appendIsolated(parent, text) {
  let last = 0;
  for (const match of text.matchAll(ISOLATED)) {
    if (match.index > last) parent.append(document.createTextNode(text.slice(last, match.index)));
    const piece = document.createElement("bdi");
    piece.className = "iso";
    piece.dir = "ltr";
    piece.textContent = match[0];
    parent.append(piece);
    last = match.index + match[0].length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

function textBubble(text, lang, dir) {
  const bubble = document.createElement("p");
  bubble.className = "bubble";
  bubble.dir = dir || "auto";
  if (lang) bubble.lang = lang;
  appendIsolated(bubble, text);
  return bubble;
}

// The spoken "You:" / "Passerelle:" label stays outside the bubble: inside, its script would
// decide the bubble's dir="auto" direction instead of the message text.
function drawMine(entry) {
  const item = document.createElement("div");
  item.className = "msg msg--me";
  item.append(speakerLabel("you"), textBubble(entry.text, null, null));
  return item;
}

function drawBot(entry) {
  const item = document.createElement("div");
  item.className = "msg msg--bot";
  item.append(speakerLabel("bot"));
  if (entry.text) item.append(textBubble(entry.text, entry.lang, entry.dir));
  if (entry.buttons.length) item.append(drawChoices(entry));
  if (entry.document) item.append(drawDocument(entry.document));
  return item;
}

function drawChoices(entry) {
  const group = document.createElement("div");
  group.className = "choices";
  group.setAttribute("role", "group");
  group.dir = entry.dir || "auto";
  if (entry.lang) group.lang = entry.lang;
  entry.buttons.forEach((button, index) => {
    const el = document.createElement("button");
    el.type = "button";
    el.className = "choice";
    // The message's direction, not the first letter's: an Arabic title starting with a Latin
    // name ("microStart ...") still reads right to left.
    el.dir = entry.dir || "auto";
    appendIsolated(el, button.title);
    el.addEventListener("click", (event) => {
      // The pressed button is now disabled and has lost focus.
      if (choose(entry, index, group)) focusInputAfter(event);
    });
    group.append(el);
  });
  markChoices(group, entry.chosen);
  return group;
}

// Once one button of a menu is used, the whole menu is spent: an old menu cannot act twice.
function markChoices(group, chosen) {
  const spent = chosen !== null && chosen !== undefined;
  Array.from(group.children).forEach((el, index) => {
    el.disabled = spent;
    if (spent) {
      el.setAttribute("aria-disabled", "true");
      el.setAttribute("aria-pressed", String(index === chosen));
    } else {
      el.removeAttribute("aria-disabled");
      el.removeAttribute("aria-pressed");
    }
  });
}

function drawDocument(doc) {
  const para = document.createElement("p");
  para.className = "doc";
  const link = document.createElement("a");
  link.className = "doc__link";
  link.href = doc.content !== undefined
    ? URL.createObjectURL(new Blob([doc.content], { type: "text/calendar" }))
    : doc.url;
  link.download = doc.filename;
  link.dir = "auto";
  link.textContent = doc.filename;
  para.append(link);
  return para;
}

function addEntry(entry) {
  entry.element = entry.who === "me" ? drawMine(entry) : drawBot(entry);
  els.log.append(entry.element);
  state.entries.push(entry);
  return entry;
}

function removeEntry(entry) {
  entry.element.remove();
  state.entries = state.entries.filter((e) => e !== entry);
}

function showNote(message, detail, retry) {
  const note = document.createElement("div");
  note.className = "note";
  const text = document.createElement("p");
  text.className = "note__text";
  text.textContent = message;
  if (detail) {
    const small = document.createElement("span");
    small.className = "note__detail";
    small.dir = "auto";
    small.textContent = detail;
    text.append(small);
  }
  note.append(text);
  if (retry) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "note__retry";
    button.textContent = t("retry");
    button.addEventListener("click", (event) => {
      if (state.busy) return;
      focusInputAfter(event); // the note, and this button, disappear on retry
      retry();
    });
    note.append(button);
  }
  els.log.append(note);
  scrollToEnd();
}

function clearNotes() {
  els.log.querySelectorAll(".note").forEach((note) => note.remove());
}

function scrollToEnd() {
  els.scroller.scrollTop = els.scroller.scrollHeight;
}

// A long answer is shown from its start; a short one simply brings the view to the end.
function scrollToShow(first) {
  const top = first.offsetTop - 16;
  const fromFirstToEnd = els.scroller.scrollHeight - top;
  els.scroller.scrollTop = fromFirstToEnd > els.scroller.clientHeight ? top : els.scroller.scrollHeight;
}

let typingTimer = 0;

function setBusy(busy) {
  state.busy = busy;
  els.send.disabled = busy;
  window.clearTimeout(typingTimer);
  if (busy) {
    typingTimer = window.setTimeout(showTyping, TYPING_DELAY_MS);
  } else {
    els.typing.replaceChildren();
  }
}

function showTyping() {
  const dots = document.createElement("span");
  dots.className = "typing__dots";
  dots.setAttribute("aria-hidden", "true");
  dots.append(document.createElement("span"), document.createElement("span"), document.createElement("span"));
  const words = document.createElement("span");
  words.textContent = t("typing");
  els.typing.replaceChildren(dots, words);
  scrollToEnd();
}

// Talking to the server ----------------------------------------------------------------------

async function postJson(body) {
  const controller = new AbortController();
  const timer = window.setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(API_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
    });
    const data = await response.json().catch(() => null);
    if (response.ok && data && Array.isArray(data.messages)) {
      return { ok: true, messages: data.messages.map(cleanBotMessage).filter(Boolean) };
    }
    if (response.status === 429) return { ok: false, kind: "busy" };
    if (response.status === 400) {
      return { ok: false, kind: "bad", error: data && typeof data.error === "string" ? data.error : "" };
    }
    return { ok: false, kind: "server" };
  } catch {
    return { ok: false, kind: "network" };
  } finally {
    window.clearTimeout(timer);
  }
}

// The server refuses a lang it does not speak (400). Rather than failing every message of a
// link like ?lang=ti, try once without it and, if that works, stop sending it.
async function post(request) {
  state.posted += 1;
  const body = { user: state.user, ...request };
  if (!state.sendLang) return postJson(body);
  const result = await postJson({ ...body, lang: state.sendLang });
  if (result.ok || result.kind !== "bad") return result;
  const retried = await postJson(body);
  if (retried.ok) state.sendLang = null;
  return retried;
}

// After the person picks another language in the chat (a language button, or writing in it),
// the answer comes back in that language: from then on the ?lang of the link must not undo it.
function followConversationLanguage(messages) {
  const previous = lastBotLanguage();
  const latest = [...messages].reverse().find((m) => m.lang);
  if (!latest) return;
  if (state.sendLang && latest.lang !== state.sendLang) state.sendLang = null;
  if (previous && latest.lang !== previous && CHROME[latest.lang]) applyChrome(latest.lang);
}

function lastBotLanguage() {
  const last = [...state.entries].reverse().find((e) => e.who === "bot" && e.lang);
  return last ? last.lang : null;
}

function failureMessage(kind) {
  if (kind === "busy") return t("errorBusy");
  if (kind === "server") return t("errorServer");
  return t("errorNetwork");
}

// One round trip: show the person's bubble, wait, show the answers or a note that can retry.
async function exchange(request, { mine = null, onFailure = () => {}, retry }) {
  clearNotes();
  const myEntry = mine === null ? null : addEntry({ who: "me", text: mine });
  if (myEntry) scrollToEnd();
  setBusy(true);
  const result = await post(request);
  setBusy(false);
  if (result.ok) {
    followConversationLanguage(result.messages);
    const added = result.messages.map((message) => addEntry(message));
    saveConversation();
    if (added.length) scrollToShow(added[0].element);
    return true;
  }
  if (myEntry) removeEntry(myEntry);
  onFailure();
  saveConversation();
  if (result.kind === "bad") {
    showNote(t("notSent"), result.error, null);
  } else {
    showNote(failureMessage(result.kind), "", retry);
  }
  return false;
}

function start() {
  exchange({ text: "/start" }, { retry: start });
}

// Messages that arrive on their own --------------------------------------------------------

async function pull() {
  // Never while a message is on its way: its answer comes in its own response.
  if (state.busy || document.hidden) return;
  const posted = state.posted;
  try {
    const response = await fetch(`${API_URL}?after=${encodeURIComponent(state.cursor)}`, {
      headers: { Accept: "application/json", [USER_HEADER]: state.user },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) return;
    const data = await response.json().catch(() => null);
    if (!data || !Array.isArray(data.messages) || typeof data.cursor !== "string") return;
    if (state.busy || state.posted !== posted) return; // the next pull takes them
    state.cursor = /^[0-9]{1,18}$/.test(data.cursor) ? data.cursor : state.cursor;
    const messages = data.messages.map(cleanBotMessage).filter(Boolean);
    if (!messages.length) {
      saveConversation();
      return;
    }
    state.lastPulledAt = Date.now();
    followConversationLanguage(messages);
    const added = messages.map((message) => addEntry(message));
    saveConversation();
    scrollToShow(added[0].element);
  } catch {
    // Offline for a moment: the next pull asks again with the same cursor.
  }
}

function schedulePull() {
  const idle = Date.now() - state.lastPulledAt > PULL_IDLE_AFTER_MS;
  window.setTimeout(async () => {
    await pull();
    schedulePull();
  }, idle ? PULL_IDLE_EVERY_MS : PULL_EVERY_MS);
}

async function sendText(text) {
  if (els.input.value.trim() === text) setInputValue("");
  const sent = await exchange({ text }, {
    mine: text,
    onFailure: () => restoreInput(text),
    retry: () => sendText(text),
  });
  if (sent) els.input.focus();
}

function choose(entry, index, group) {
  if (state.busy || (entry.chosen !== null && entry.chosen !== undefined)) return false;
  entry.chosen = index;
  markChoices(group, index);
  exchange({ payload: entry.buttons[index].payload }, {
    mine: entry.buttons[index].title,
    onFailure: () => {
      entry.chosen = null;
      markChoices(group, null);
    },
    retry: () => choose(entry, index, group),
  });
  return true;
}

// The input ----------------------------------------------------------------------------------

// Move focus to the input, except after a finger tap on a phone: there it would pop the
// keyboard up over the answer the person is about to read.
function focusInputAfter(event) {
  const byKeyboard = event.detail === 0;
  if (byKeyboard || !window.matchMedia("(pointer: coarse)").matches) {
    els.input.focus({ preventScroll: true });
  }
}

function setInputValue(value) {
  els.input.value = value;
  fitInput();
}

// Never lose what the person wrote: put it back, ahead of anything typed meanwhile.
function restoreInput(text) {
  const current = els.input.value.trim();
  if (current === text) return;
  setInputValue(current ? `${text}\n${current}` : text);
}

function fitInput() {
  els.input.style.height = "auto";
  els.input.style.height = `${els.input.scrollHeight + 4}px`;
}

function showLengthNote(show) {
  els.inputNote.textContent = show ? t("tooLong").replace("{max}", String(MAX_TEXT)) : "";
}

function submit() {
  const text = els.input.value.trim();
  if (state.busy || !text) {
    els.input.focus();
    return;
  }
  if (text.length > MAX_TEXT) {
    showLengthNote(true);
    return;
  }
  showLengthNote(false);
  sendText(text);
  els.input.focus();
}

function onPaste(event) {
  const pasted = event.clipboardData ? event.clipboardData.getData("text") : "";
  const { value, selectionStart, selectionEnd } = els.input;
  const resulting = value.length - (selectionEnd - selectionStart) + pasted.length;
  if (resulting > MAX_TEXT) showLengthNote(true);
}

function onInput() {
  fitInput();
  if (els.input.value.length < MAX_TEXT) showLengthNote(false);
}

function onKeyDown(event) {
  // Input methods (Ethiopic, Arabic, …) use Enter to confirm a composition: leave it to them.
  if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
  event.preventDefault();
  submit();
}

// Start-up -----------------------------------------------------------------------------------

function restore(snapshot) {
  snapshot.entries.forEach((entry) => {
    if (entry.who === "me" && typeof entry.text === "string") {
      addEntry({ who: "me", text: entry.text });
    } else if (entry.who === "bot") {
      const clean = cleanBotMessage(entry);
      if (!clean) return;
      const chosen = Number.isInteger(entry.chosen) && entry.chosen < clean.buttons.length ? entry.chosen : null;
      addEntry({ ...clean, chosen });
    }
  });
}

function init() {
  state.user = loadUserId();
  state.urlLang = languageFromUrl();
  state.sendLang = state.urlLang;
  const snapshot = loadConversation();
  const sameLink = snapshot && snapshot.urlLang === state.urlLang;
  if (sameLink && snapshot.sendLang === null) state.sendLang = null;
  applyChrome(sameLink && CHROME[snapshot.chrome] ? snapshot.chrome : pickChromeLanguage(state.urlLang));

  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  els.input.addEventListener("keydown", onKeyDown);
  els.input.addEventListener("input", onInput);
  els.input.addEventListener("paste", onPaste);

  if (snapshot && typeof snapshot.cursor === "string") state.cursor = snapshot.cursor;
  state.lastPulledAt = Date.now();
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) pull();
  });
  schedulePull();
  if (snapshot && snapshot.entries.length) restore(snapshot);
  if (state.entries.length) {
    scrollToEnd();
  } else {
    start();
  }
}

init();
