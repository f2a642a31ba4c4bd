// Small behaviours for every page (the page works without them).
(function () {
  if (window.peerreviewBehaviours) return;  // included twice by some pages
  window.peerreviewBehaviours = true;
  // 1. Buttons marked data-confirm ask before their form is sent.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // 2. Logging out removes the pages kept for offline use from this device. Notes still
  //    waiting to be sent stay, so that nothing written is lost.
  document.addEventListener("submit", function (event) {
    if (event.target.id === "logout-form" && window.caches) {
      caches.keys().then(function (keys) {
        keys.forEach(function (key) { if (key.indexOf("peerreview-offline") === 0) caches.delete(key); });
      });
    }
  });
  // 3. The menu button of narrow screens opens and closes the main menu in place (without
  //    JavaScript it is a link to the menu, which the stylesheet shows as the page's target).
  var toggle = document.querySelector("[data-menu-toggle]");
  var menu = document.getElementById("site-menu");
  if (toggle && menu) {
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var open = !menu.classList.contains("open");
      menu.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { var first = menu.querySelector("a, button"); if (first) first.focus(); }
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); toggle.click(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        menu.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }
})();
