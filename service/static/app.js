// govtext UI: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // "/" focuses the search box (unless typing somewhere already).
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    var box = document.getElementById("q");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
  // Sort menus apply on change.
  document.querySelectorAll("select.autosubmit").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // 查重: source bars get their width; hovering a source highlights its spans.
  document.querySelectorAll(".bar .fill[data-width]").forEach(function (el) {
    var w = parseFloat(el.getAttribute("data-width"));
    if (!isNaN(w)) el.style.width = Math.max(1, Math.min(100, w)) + "%";
  });
  document.querySelectorAll(".source-list li[data-source]").forEach(function (li) {
    var id = li.getAttribute("data-source");
    li.addEventListener("mouseenter", function () {
      document.body.classList.add("focus-source");
      document.querySelectorAll(".draft .span").forEach(function (s) {
        s.classList.toggle("focused", s.getAttribute("data-source") === id);
      });
    });
    li.addEventListener("mouseleave", function () {
      document.body.classList.remove("focus-source");
    });
  });
})();
