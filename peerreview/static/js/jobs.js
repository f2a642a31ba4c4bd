/* A PDF being made in the background: ask for its status every 1.5 s and, once it is done,
   go to the PDF (or reload the page that shows it). Without JavaScript the page's
   "Check again" link does the same by hand. */
(function () {
  "use strict";
  // the page's language (static/js/i18n.js); the English text when it is not loaded
  var t = window.peerreviewT || function (key, vars) {
    return key.replace(/\{(\w+)\}/g, function (whole, name) { return vars && name in vars ? String(vars[name]) : whole; });
  };
  var boxes = document.querySelectorAll("[data-job-status]");
  Array.prototype.forEach.call(boxes, function (box) {
    var message = box.querySelector(".job-message");
    var hint = box.querySelector(".job-hint");
    var tries = 0;
    function show(text, failed) {
      message.textContent = text;
      message.classList.toggle("error", !!failed);
    }
    function check() {
      tries += 1;
      fetch(box.getAttribute("data-job-status"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (res) {
          if (res.status === 403 || res.status === 404) {
            // no longer ours to follow (for example the review moved on): show the page as it is
            window.location.reload();
            return new Promise(function () {});
          }
          if (!res.ok) { throw new Error(String(res.status)); }
          return res.json();
        })
        .then(function (status) {
          if (status.done) {
            var done = box.querySelector(".job-done-text");
            show(done ? done.textContent : status.message, false);
            if (hint) { hint.hidden = true; }
            var target = status.url || box.getAttribute("data-job-done");
            if (target.split("#")[0] === window.location.pathname) { window.location.reload(); }
            else { window.location.assign(target); }
            return;
          }
          if (status.failed) {
            show(status.message, true);
            if (hint) { hint.textContent = t("Nothing was changed. Reload the page to try again."); }
            return;
          }
          show(status.message, false);
          window.setTimeout(check, tries < 40 ? 1500 : 5000);
        })
        .catch(function () { window.setTimeout(check, 5000); });
    }
    if (!message.classList.contains("error")) { window.setTimeout(check, 1000); }
  });
})();
