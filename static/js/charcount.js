/*
 * Live character counter, by the rule of manyi.core.text.count_characters (Word/WPS
 * 字符数（不计空格）): NFC-normalise, then count every code point that is neither white space
 * nor invisible (Unicode Cc, Cf, Z*). Change both together.
 *
 * Markup, no inline script (a strict CSP forbids it); load with <script src=… defer>:
 *   <textarea id="deeds" data-char-max="500" data-char-counter="deeds-count"></textarea>
 *   <p id="deeds-count" aria-live="polite"></p>
 * On every input the counter reads e.g. "已输入 523 / 500 字" and has the class `over` above
 * data-char-max, `under` below data-char-min. data-char-format overrides the wording, with
 * {count}, {max} and {min} (for a translated template).
 *
 * Neither String.length nor maxlength will do: they count UTF-16 units, so 𠮷 counts 2.
 */
(() => {
  "use strict";

  const SELECTOR = [
    "textarea[data-char-max]",
    "textarea[data-char-min]",
    "input[data-char-max]",
    "input[data-char-min]",
  ].join(",");
  const NOT_COUNTED = /[\p{White_Space}\p{Cc}\p{Cf}\p{Z}]/u;
  const FORMATS = {
    max: "已输入 {count} / {max} 字",
    min: "已输入 {count} 字，应不少于 {min} 字",
    both: "已输入 {count} 字，应为 {min}–{max} 字",
  };

  function countCharacters(text) {
    let count = 0;
    for (const ch of text.normalize("NFC")) {
      if (!NOT_COUNTED.test(ch)) count += 1;
    }
    return count;
  }

  function limit(value) {
    const number = Number.parseInt(value ?? "", 10);
    return Number.isNaN(number) ? null : number;
  }

  function update(field) {
    const counter = document.getElementById(field.dataset.charCounter || "");
    if (!counter) return;
    const count = countCharacters(field.value);
    const max = limit(field.dataset.charMax);
    const min = limit(field.dataset.charMin);
    const format =
      field.dataset.charFormat ||
      (max !== null && min !== null ? FORMATS.both : max !== null ? FORMATS.max : FORMATS.min);
    counter.textContent = format
      .replaceAll("{count}", String(count))
      .replaceAll("{max}", String(max ?? ""))
      .replaceAll("{min}", String(min ?? ""));
    counter.classList.toggle("over", max !== null && count > max);
    counter.classList.toggle("under", min !== null && count < min);
  }

  function updateWithin(root) {
    if (root instanceof Element && root.matches(SELECTOR)) update(root);
    if (root.querySelectorAll) root.querySelectorAll(SELECTOR).forEach(update);
  }

  // Delegated to document, so fields that htmx swaps in later are counted too.
  document.addEventListener("input", (event) => {
    if (event.target instanceof Element && event.target.matches(SELECTOR)) update(event.target);
  });
  // A form reset changes values without an input event; the values change after this event.
  document.addEventListener("reset", (event) => {
    setTimeout(() => updateWithin(event.target), 0);
  });
  // htmx fires htmx:load on each piece of content it adds (and on the body at start).
  document.addEventListener("htmx:load", (event) => updateWithin(event.target));
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => updateWithin(document));
  } else {
    updateWithin(document);
  }
})();
