// Progressive enhancement: "Reply" moves the comment form under the comment instead of
// reloading the page, and its heading says whom you answer ("Reply to Ada · cancel").
// Without JavaScript the link's ?replytocom= address does the same job.
(function () {
  "use strict";
  var form = document.getElementById("respond");
  var parentField = document.getElementById("comment_parent");
  var title = document.getElementById("reply-title");
  if (!form || !parentField || !title) { return; }
  var home = document.createElement("div");
  home.id = "respond-home";
  form.parentNode.insertBefore(home, form);
  var plain = title.getAttribute("data-default") || "Leave a comment";

  function showTitle(name) {
    title.textContent = name ? "Reply to " + name + " " : plain;
    if (!name) { return; }
    var small = document.createElement("small");
    var link = document.createElement("a");
    link.id = "cancel-reply-js";
    link.href = "#respond";
    link.textContent = "cancel";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      parentField.value = "";
      home.parentNode.insertBefore(form, home.nextSibling);
      showTitle("");
    });
    small.appendChild(document.createTextNode("· "));
    small.appendChild(link);
    title.appendChild(small);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".comment-reply-link") : null;
    if (!link) { return; }
    var comment = document.getElementById("comment-" + link.getAttribute("data-comment-id"));
    if (!comment) { return; }
    event.preventDefault();
    parentField.value = link.getAttribute("data-comment-id");
    link.parentNode.insertAdjacentElement("afterend", form);
    showTitle(link.getAttribute("data-author") || "Anonymous");
    document.getElementById("comment").focus();
  });
}());
