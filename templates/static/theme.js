// The default theme's one script, and it only adds: a Copy button beside each copyable field
// (the TrackBack URI). Without JavaScript the field is still there to select and copy.
(function () {
  "use strict";
  function copy(input, status) {
    function done() { status.textContent = "Copied"; }
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        status.textContent = "Press Ctrl+C (⌘C) to copy";
      });
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    } else {
      status.textContent = "Press Ctrl+C (⌘C) to copy";
    }
  }
  document.querySelectorAll(".copy-field").forEach(function (field) {
    var input = field.querySelector("input");
    if (!input || field.querySelector("button")) { return; }
    var button = document.createElement("button");
    var status = document.createElement("span");
    button.type = "button";
    button.textContent = "Copy";
    button.setAttribute("aria-describedby", input.id);
    status.setAttribute("role", "status");
    button.addEventListener("click", function () { copy(input, status); });
    input.addEventListener("focus", function () { input.select(); });
    input.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", status);
  });
}());
