// "Pick all" in the comment queue: ticks or clears every row's checkbox.
// Without JavaScript the box stays hidden and rows are ticked one by one.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("pick-all");
  if (!all) return;
  const rows = () => document.querySelectorAll('input[name="ids"]');
  all.hidden = false;
  all.addEventListener("change", () => rows().forEach((box) => { box.checked = all.checked; }));
});
