// The admin's menu is served folded; a wide screen unfolds it with CSS where the browser can
// (::details-content), and here where it can't. On a phone it stays folded under "Menu".
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
