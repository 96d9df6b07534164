/* The pages' strings: Chinese first, English available.
 *
 * Each page keeps its string table in a module of its own (assets/js/strings/),
 * {zh: {...}, en: {...}}, added with addStrings(); t(key, values) reads the current
 * language, falling back to Chinese, then to the key.
 */

const i18n = {lang: "zh", strings: {zh: {}, en: {}}};

export function addStrings(strings) {
  for (const lang of Object.keys(strings)) Object.assign(i18n.strings[lang] = i18n.strings[lang] || {}, strings[lang]);
}

export function t(key, values) {
  let text = (i18n.strings[i18n.lang] || {})[key];
  if (text === undefined) text = i18n.strings.zh[key];
  if (text === undefined) text = key;
  if (values) text = text.replace(/\{(\w+)\}/g, (m, name) => (values[name] !== undefined ? values[name] : m));
  return text;
}

/** Fill every [data-i18n] element of `root` in the current language. */
export function translate(root) {
  (root || document).querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.documentElement.lang = i18n.lang === "zh" ? "zh-CN" : "en";
}

export function setLang(lang) {
  i18n.lang = lang === "en" ? "en" : "zh";
  translate();
}

export function lang() {
  return i18n.lang;
}

/** A service or window name object {zh, en} in the current language. */
export function name(text) {
  if (!text) return "";
  if (typeof text === "string") return text;
  return (i18n.lang === "en" && text.en) ? text.en : text.zh;
}
