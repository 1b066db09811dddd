// 提法溯源 from a document page: select some words of the text, then follow the "溯源" link that appears.
(function () {
  "use strict";
  var box = document.querySelector(".paragraphs");
  if (!box) return;
  var link = document.createElement("a");
  link.className = "trace-selection";
  link.textContent = "溯源所选文字";
  link.hidden = true;
  document.body.appendChild(link);
  document.addEventListener("mouseup", function (e) {
    if (e.target === link) return;
    var sel = window.getSelection();
    var text = sel ? sel.toString().trim() : "";
    if (text.length < 4 || text.length > 2000 || !box.contains(sel.anchorNode)) { link.hidden = true; return; }
    link.href = "/trace?text=" + encodeURIComponent(text);
    link.style.left = (e.pageX + 8) + "px";
    link.style.top = (e.pageY + 8) + "px";
    link.hidden = false;
  });
})();
