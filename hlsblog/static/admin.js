// The admin's menu folds into "Menu" on a phone. Without this script it simply stays open.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  const menu = document.getElementById("admin-menu");
  if (!menu) return;
  const narrow = window.matchMedia("(max-width: 47.99em)");
  function fit() {
    menu.open = !narrow.matches;
  }
  narrow.addEventListener("change", fit);
  fit();
});
