// Keeps what the applicant typed in this browser until the server has it, so that nothing is
// lost to an expired session, a lost connection or a closed tab. The server's autosave (htmx)
// remains the record; this copy is only restored when it is newer than the server's draft.
(function () {
  "use strict";
  const form = document.getElementById("nomination-form");
  if (!form) return;
  function key() { return "manyi-draft:" + form.dataset.draftKey; }
  const savedAt = Number(form.dataset.savedAt || "0") * 1000;

  function fields() {
    return Array.from(form.elements).filter(
      (el) => el.name && el.type !== "file" && el.type !== "hidden" && el.type !== "submit" && el.type !== "button"
    );
  }

  function snapshot() {
    const values = {};
    for (const el of fields()) {
      if (el.type === "checkbox") values[el.name] = el.checked ? el.value : "";
      else if (el.type === "radio") { if (el.checked) values[el.name] = el.value; else if (!(el.name in values)) values[el.name] = ""; }
      else values[el.name] = el.value;
    }
    return values;
  }

  function remember() {
    try { localStorage.setItem(key(), JSON.stringify({ at: Date.now(), values: snapshot() })); } catch (e) { /* storage full or off */ }
  }

  function forget() {
    try { localStorage.removeItem(key()); } catch (e) { /* ignore */ }
  }

  function restore() {
    let stored;
    try { stored = JSON.parse(localStorage.getItem(key()) || "null"); } catch (e) { stored = null; }
    if (!stored || stored.at <= savedAt) return false;
    for (const el of fields()) {
      if (!(el.name in stored.values)) continue;
      const value = stored.values[el.name];
      if (el.type === "checkbox") el.checked = value !== "";
      else if (el.type === "radio") el.checked = el.value === value;
      else el.value = value;
    }
    const status = document.getElementById("autosave-status");
    if (status) status.textContent = "已恢复本机保存的未提交内容，正在保存草稿…";
    return true;
  }

  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) return;
    // The first autosave of a new form created the draft: save into it from now on, not into
    // /new/ again (which would start another draft on every autosave).
    const draftUrl = event.detail.xhr && event.detail.xhr.getResponseHeader("HX-Replace-Url");
    if (draftUrl) { form.setAttribute("action", draftUrl); form.setAttribute("hx-post", draftUrl); }
    if (event.detail.successful) forget();
  });
  // htmx keeps the URL the form had when the page loaded (a queued autosave too): use the new one.
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt === form) event.detail.path = form.getAttribute("hx-post");
  });
  // Show the server's word for 401 (session expired) and 409 (stale draft) instead of dropping it.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.elt === form && (event.detail.xhr.status === 401 || event.detail.xhr.status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      remember();
    }
  });
  // A new draft gets its own key once the server has created it.
  document.body.addEventListener("htmx:afterSettle", function () {
    const match = window.location.pathname.match(/\/nominations\/(\d+)\/$/);
    if (match && form.dataset.draftKey.includes(":new:")) {
      forget();
      form.dataset.draftKey = form.dataset.draftKey.replace(":new:", ":" + match[1] + ":");
    }
  });
  // Autosave refreshes the error lists; a field's red frame (.invalid) follows its list.
  document.body.addEventListener("htmx:afterSettle", function () {
    form.querySelectorAll(".field > .errorlist[id^='errors-']").forEach(function (list) {
      list.parentElement.classList.toggle("invalid", list.children.length > 0);
    });
  });
  if (restore() && window.htmx) window.htmx.trigger(form, "change");

  document.addEventListener("submit", function (event) {
    if (event.target && event.target.id === "file-form") {
      const button = event.target.querySelector("button[type=submit]");
      if (button) setTimeout(function () { button.disabled = true; button.textContent = "正在提交…"; }, 0);
    }
  });
})();
