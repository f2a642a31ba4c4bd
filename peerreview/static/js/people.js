// Beside the capture form: show only the interviewees of the session the note is tied to.
// Without JavaScript every session's list stays on the page (folded).
(function () {
  "use strict";
  var select = document.getElementById("session_id");
  var box = document.getElementById("capture-people");
  if (!select || !box) { return; }
  function follow() {
    var chosen = select.value;
    box.querySelectorAll("details[data-session]").forEach(function (d) {
      var mine = d.getAttribute("data-session") === chosen;
      d.hidden = !mine;
      if (mine) { d.open = true; }
    });
  }
  select.addEventListener("change", follow);
  follow();
})();
