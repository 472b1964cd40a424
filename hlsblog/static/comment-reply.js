// Progressive enhancement: "Reply" moves the comment form under the comment instead of
// reloading the page. Without JavaScript the link's ?replytocom= address does the same job.
(function () {
  "use strict";
  var form = document.getElementById("respond");
  var parentField = document.getElementById("comment_parent");
  if (!form || !parentField) { return; }
  var home = document.createElement("div");
  home.id = "respond-home";
  form.parentNode.insertBefore(home, form);

  function cancelLink() {
    var link = document.getElementById("cancel-reply-js");
    if (link) { return link; }
    link = document.createElement("a");
    link.id = "cancel-reply-js";
    link.href = "#respond";
    link.textContent = "Cancel reply";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      parentField.value = "";
      home.parentNode.insertBefore(form, home.nextSibling);
      link.remove();
    });
    return link;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".comment-reply-link") : null;
    if (!link) { return; }
    var comment = document.getElementById("comment-" + link.getAttribute("data-comment-id"));
    if (!comment) { return; }
    event.preventDefault();
    parentField.value = link.getAttribute("data-comment-id");
    link.parentNode.insertAdjacentElement("afterend", form);
    document.getElementById("reply-title").appendChild(cancelLink());
    document.getElementById("comment").focus();
  });
}());
