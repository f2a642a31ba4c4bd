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

})();
