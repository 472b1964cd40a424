// The editor's "Add media" panel: upload (with media-upload.js) or pick from the library, then
// "Insert into post" puts the item's Markdown at the cursor in the text. The Markdown comes
// from the blog, escaped there; this script only places it.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  const panel = document.getElementById("media-panel");
  const text = document.getElementById("body");
  if (!panel || !text || !window.hlsblogMedia) return;
  const form = text.form;
  const choices = panel.querySelector(".media-choices");
  const search = panel.querySelector("#media-search");
  const options = {
    url: panel.dataset.uploadUrl,
    token: form.elements.csrf_token.value,
    postId: panel.dataset.postId,
  };
  panel.querySelector(".media-no-js").hidden = true;
  panel.querySelector(".media-tools").hidden = false;

  function insert(markdown) {
    const start = text.selectionStart;
    const before = text.value.slice(0, start);
    const gap = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    text.setRangeText(`${gap}${markdown}\n`, start, text.selectionEnd, "end");
    text.focus();
    text.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function choice(item) {
    const entry = document.createElement("li");
    entry.dataset.id = item.id;
    const label = item.name;
    if (item.thumbnail) {
      const thumb = document.createElement("img");
      thumb.src = item.thumbnail;
      thumb.alt = "";
      thumb.width = 75;
      thumb.height = 75;
      thumb.className = "media-thumb";
      entry.append(thumb, " ");
    }
    const size = document.createElement("select");
    size.setAttribute("aria-label", `Size of “${label}”`);
    for (const option of item.choices) size.add(new Option(option.label, option.markdown));
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Insert into post";
    button.setAttribute("aria-label", `Insert “${label}” into post`);
    button.addEventListener("click", () => insert(size.value));
    entry.append(`${label} `, item.choices.length > 1 ? size : "", " ", button);
    return entry;
  }

  const more = document.createElement("button");
  more.type = "button";
  more.textContent = "Show older uploads";
  more.hidden = true;
  choices.after(more);
  let shown = { words: "", page: 1 };
  let latest = 0; // only the newest answer is shown: an older one would hide new uploads

  async function load(words, page = 1) {
    const ticket = ++latest;
    const address = `${panel.dataset.libraryUrl}?q=${encodeURIComponent(words)}&page=${page}`;
    const answer = await fetch(address, { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    const found = await answer.json();
    if (ticket !== latest) return;
    if (page === 1) choices.replaceChildren();
    choices.append(...found.items.map(choice));
    shown = { words, page };
    more.hidden = !found.more;
  }
  more.addEventListener("click", () => load(shown.words, shown.page + 1));

  panel.querySelector("#media-files").addEventListener("change", async (event) => {
    const picker = event.target;
    const list = panel.querySelector(".upload-results");
    const stored = await window.hlsblogMedia.uploadAll(picker.files, options, list);
    picker.value = "";
    for (const item of stored) {
      // A new post has no id yet: saving it attaches what was uploaded here.
      const kept = document.createElement("input");
      kept.type = "hidden";
      kept.name = "media_ids";
      kept.value = item.id;
      form.append(kept);
    }
    await load(search.value); // the list again, newest first; new uploads the search missed on top
    for (const item of stored.reverse()) {
      if (!choices.querySelector(`[data-id="${item.id}"]`)) choices.prepend(choice(item));
    }
  });
  let waiting = null;
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault(); // never submits the post
  });
  search.addEventListener("input", () => {
    clearTimeout(waiting);
    waiting = setTimeout(() => load(search.value), 250);
  });
  load("");
});
