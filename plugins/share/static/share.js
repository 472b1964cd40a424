// Progressive enhancement for the share plugin; every part of it also works without this file.
// - The Print button (hidden without JavaScript) opens the browser's print dialog.
// - The Mastodon page remembers the reader's server in this browser, never on the blog.
(function () {
  "use strict";
  var KEY = "hlsblog-share-mastodon";

  function remembered() {
    try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }

  function remember(value) {
    try {
      if (value) { window.localStorage.setItem(KEY, value); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage off: the reader simply types it again */ }
  }

  function wirePrintButtons() {
    document.querySelectorAll('[data-share-action="print"]').forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function wireMastodonForm() {
    var form = document.getElementById("mastodon-share");
    if (!form) { return; }
    var input = form.elements.instance;
    if (form.hasAttribute("data-error")) {
      remember("");  // the server refused it: don't offer it again
    } else if (!input.value) {
      input.value = remembered();
    }
    form.addEventListener("submit", function () { remember(input.value.trim()); });
  }

  wirePrintButtons();
  wireMastodonForm();
}());
