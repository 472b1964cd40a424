// The editor, with JavaScript: a live preview beside the text, autosave of drafts, Ctrl/⌘-S.
// The preview is the blog's own rendering (the same Markdown, plugins and sanitizer as a save),
// asked for a moment after typing stops; this script only places the HTML the blog returns.
// Without JavaScript the form's Preview and Save buttons do the same work.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) return;
  const text = form.elements.body;
  const panel = document.getElementById("live-preview");
  const shown = panel.querySelector(".live-preview-body");
  const heading = document.getElementById("live-preview-title");
  const status = document.getElementById("autosave-status");
  const saveButton = form.querySelector("button[name=save]");
  const PREVIEW_DELAY = 400; // ms after the last key
  const AUTOSAVE_EVERY = 30000; // ms between saves of a changed draft
  let asked = 0;
  let timer = 0;
  let changed = false;
  let saving = false;

  function post(url, fields, keepalive) {
    const data = new FormData();
    for (const [name, value] of fields) data.append(name, value);
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      keepalive: Boolean(keepalive),
    });
  }

  async function preview() {
    const mine = ++asked;
    const fields = [["csrf_token", form.elements.csrf_token.value], ["body", text.value]];
    if (form.elements.post_id) fields.push(["post_id", form.elements.post_id.value]);
    try {
      const answer = await post(form.dataset.previewUrl, fields);
      const data = await answer.json();
      if (mine !== asked) return; // a later keystroke's preview is on its way
      if (data.html === undefined) {
        shown.textContent = data.error || "The preview failed.";
      } else {
        shown.innerHTML = data.html; // sanitized by the blog, as a saved post is
      }
      heading.textContent = `Preview: ${form.elements.title.value}`;
      panel.hidden = false;
      form.classList.add("has-preview");
    } catch (error) {
      if (mine === asked) shown.textContent = "The preview could not be loaded.";
    }
  }

  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(preview, PREVIEW_DELAY);
  }

  function adopt(data) {
    // A new post's first autosave made a draft: from now on this page edits it.
    if (!data.edit_url) return;
    form.action = data.edit_url;
    form.dataset.autosaveUrl = data.autosave_url;
    history.replaceState(null, "", data.edit_url);
    if (!form.elements.post_id) {
      const id = document.createElement("input");
      id.type = "hidden";
      id.name = "post_id";
      form.append(id);
    }
    form.elements.post_id.value = data.post_id;
  }

  async function autosave(keepalive) {
    const url = form.dataset.autosaveUrl;
    if (!url || !changed || saving) return;
    if (!text.value.trim() && !form.elements.title.value.trim()) return;
    saving = true;
    changed = false;
    const fields = [...new FormData(form)].filter(([, value]) => typeof value === "string");
    try {
      const answer = await post(url, fields, keepalive);
      if (!(answer.headers.get("Content-Type") || "").includes("json")) {
        // The login ended or the form's token expired: the blog answered with a page.
        changed = true;
        status.textContent = "Not saved: log in again in another tab, then save.";
        return;
      }
      const data = await answer.json();
      if (answer.ok) {
        adopt(data);
        status.textContent = `Draft saved at ${data.saved}.`;
      } else {
        status.textContent = data.error || "The draft could not be saved.";
        if (answer.status === 409) delete form.dataset.autosaveUrl;
        else changed = true;
      }
    } catch (error) {
      changed = true;
      status.textContent = "Not saved: the blog can't be reached. Keep this page open.";
    } finally {
      saving = false;
    }
  }

  text.addEventListener("input", schedulePreview);
  form.elements.title.addEventListener("input", () => {
    heading.textContent = `Preview: ${form.elements.title.value}`;
  });
  form.addEventListener("input", () => { changed = true; });
  form.addEventListener("change", () => { changed = true; });
  form.addEventListener("submit", () => { changed = false; });
  setInterval(autosave, AUTOSAVE_EVERY);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") autosave(true);
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
      event.preventDefault();
      form.requestSubmit(saveButton);
    }
  });
  if (text.value.trim()) preview();
});
