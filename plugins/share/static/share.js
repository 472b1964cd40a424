// Progressive enhancement for the share plugin; every part of it also works without this file.
// - The Print button (hidden without JavaScript) opens the browser's print dialog.
// - The Mastodon page goes straight to the reader's server and remembers it in this browser
//   (never on the blog). Without JavaScript the page answers with a link to the server instead.
(function () {
  "use strict";
  var KEY = "hlsblog-share-mastodon";
  var LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  var HOST = new RegExp("^(?=.{4,253}$)" + LABEL + "(?:\\." + LABEL + ")+$");

  function remembered() {
    try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }

  function remember(value) {
    try {
      if (value) { window.localStorage.setItem(KEY, value); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage off: the reader simply types it again */ }
  }

  // The same reading as the server's: "mastodon.social", "@me@mastodon.social" or an address.
  function serverName(typed) {
    var name = typed.trim().split("://").pop().split("/")[0].split("@").pop().replace(/\.$/, "");
    var url;
    try { url = new URL("https://" + name.toLowerCase()); } catch (e) { return ""; }
    return url.host === url.hostname && HOST.test(url.hostname) ? url.hostname : "";
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
    form.addEventListener("submit", function (event) {
      var host = serverName(input.value);
      if (!host) { return; }  // the server explains what is wrong
      event.preventDefault();
      remember(host);
      var text = encodeURIComponent(form.getAttribute("data-share-text"));
      window.location.assign("https://" + host + "/share?text=" + text);
    });
  }

  wirePrintButtons();
  wireMastodonForm();
}());
