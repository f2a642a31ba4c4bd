/* The texts the scripts show, in the page's language: base.html writes them (listed in
   peerreview/js_messages.py) into <script type="application/json" id="js-messages">, keyed by
   their English text. t(key, vars) returns the translation with {name} filled in from vars; the
   English key itself when the page has no translations (a page saved offline by an older
   version, for example). */
(function () {
  "use strict";
  var messages = null;
  function load() {
    if (messages) return messages;
    messages = {};
    var el = document.getElementById("js-messages");
    if (el) {
      try { messages = JSON.parse(el.textContent) || {}; } catch (e) { messages = {}; }
    }
    return messages;
  }
  window.peerreviewT = function (key, vars) {
    var text = load()[key] || key;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return vars && Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole;
    });
  };
})();
