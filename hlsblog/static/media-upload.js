// Uploads for Admin → Media and the editor's "Add media" panel: one request per file, so each
// file gets its own progress bar and its own verdict (a refused one never stops the others).
// Without JavaScript the library's plain form uploads the chosen files in one go.
(() => {
  "use strict";

  function send(file, options, onProgress) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      const data = new FormData();
      data.append("files", file, file.name);
      if (options.postId) data.append("post_id", options.postId);
      xhr.open("POST", options.url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", options.token);
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener("load", () => {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (error) { body = null; }
        resolve({ status: xhr.status, body });
      });
      xhr.addEventListener("error", () => resolve({ status: 0, body: null }));
      xhr.send(data);
    });
  }

  function refusal(result) {
    const refused = result.body && result.body.refused;
    if (refused && refused.length) return refused[0].message;
    if (result.status === 413) return "The file is too large to upload.";
    if (result.status === 400) return "The page is too old to upload from: reload it and try again.";
    if (result.status === 0) return "The blog could not be reached: check the connection and try again.";
    return `The upload failed (error ${result.status}).`;
  }

  function row(list, file) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    const bar = document.createElement("progress");
    const verdict = document.createElement("span");
    name.textContent = file.name + " ";
    bar.max = 1;
    bar.value = 0;
    bar.setAttribute("aria-label", `Uploading ${file.name}`);
    verdict.className = "upload-verdict";
    item.append(name, bar, " ", verdict);
    list.append(item);
    return { item, bar, verdict };
  }

  // Uploads ``files`` one after another, each shown in ``list``; resolves to the stored items.
  async function uploadAll(files, options, list) {
    const stored = [];
    for (const file of Array.from(files)) {
      const shown = row(list, file);
      const result = await send(file, options, (done) => { shown.bar.value = done; });
      const uploaded = (result.body && result.body.uploaded) || [];
      shown.bar.value = 1;
      if (uploaded.length) {
        shown.verdict.textContent = "Uploaded.";
        shown.item.className = "upload-done";
        stored.push(...uploaded);
      } else {
        shown.bar.remove();
        shown.verdict.textContent = `Not uploaded: ${refusal(result)}`;
        shown.item.className = "upload-refused error";
        shown.item.setAttribute("role", "alert");
      }
    }
    return stored;
  }

  window.hlsblogMedia = { uploadAll };

  // The library page: drop files on the form, or pick them; the list shows the new ones after.
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("media-upload-form");
    if (!form) return;
    const input = form.querySelector('input[type="file"]');
    const list = form.querySelector(".upload-results");
    const options = { url: form.action, token: form.elements.csrf_token.value };
    form.querySelector(".media-drop-hint").hidden = false;
    const start = async (files) => {
      if (!files.length) return;
      list.replaceChildren();
      const stored = await uploadAll(files, options, list);
      input.value = "";
      if (stored.length === files.length) window.location.reload();
      else if (stored.length) {
        const more = document.createElement("li");
        const link = document.createElement("a");
        link.href = window.location.pathname;
        link.textContent = "Show the new uploads in the library";
        more.append(link);
        list.append(more);
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      start(input.files);
    });
    form.addEventListener("dragover", (event) => {
      event.preventDefault();
      form.classList.add("dragging");
    });
    form.addEventListener("dragleave", () => form.classList.remove("dragging"));
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      form.classList.remove("dragging");
      start(event.dataTransfer.files);
    });
  });
})();
