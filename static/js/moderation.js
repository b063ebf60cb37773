// Review queue keyboard shortcuts: j/k move between items, and a key named on an action's
// button (data-key: a approve, h hide, d delete) submits that item's form; l locks its thread.
// Progressive: without this file every action is a plain form with a button.
(function () {
  "use strict";
  var list = document.querySelector("[data-queue]");
  if (!list) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll("[data-queue-item]"));
  var help = document.querySelector("[data-shortcut-help]");
  if (help) { help.hidden = false; }
  var current = 0;

  function select(index) {
    if (!items.length) { return; }
    current = Math.max(0, Math.min(index, items.length - 1));
    items.forEach(function (item, i) { item.classList.toggle("is-selected", i === current); });
    items[current].focus({ preventScroll: false });
  }

  function submit(selector) {
    var item = items[current];
    var form = item && item.querySelector(selector);
    if (!form) { return false; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var key = event.key;
    if (key === "j") { select(current + 1); event.preventDefault(); return; }
    if (key === "k") { select(current - 1); event.preventDefault(); return; }
    if (key === "l" && submit('form[data-action="lock"]')) { event.preventDefault(); return; }
    if (/^[a-z]$/.test(key) && submit('form[data-key="' + key + '"]')) { event.preventDefault(); }
  });

  items.forEach(function (item, i) {
    item.addEventListener("click", function () { current = i; });
  });
  select(0);
}());
