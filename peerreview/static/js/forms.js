// What a person types is never lost (every page; the page works without this file).
//
// 1. Drafts: every form that holds long text (a textarea) keeps what is typed in this browser
//    (localStorage) until the server has it. Coming back to the form brings the text back, with
//    a note saying so; if the saved text changed meanwhile, the note offers the draft instead
//    of overwriting anything.
// 2. Leaving a form with unsaved changes asks first.
// 3. A form is sent once: a second tap while the first is on its way does nothing.
// 4. The error summary at the top of a page takes the focus, so it is read out first.
(function () {
  "use strict";
  if (window.peerreviewForms) return;
  window.peerreviewForms = true;
  // the page's language (static/js/i18n.js); the English text when it is not loaded
  var t = window.peerreviewT || function (key, vars) {
    return key.replace(/\{(\w+)\}/g, function (whole, name) { return vars && name in vars ? String(vars[name]) : whole; });
  };

  var PREFIX = "peerreview-draft:";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  var SKIP_TYPES = ["hidden", "file", "password", "submit", "button", "reset", "image"];
  var store = null;
  try { store = window.localStorage; store.getItem(PREFIX); } catch (e) { store = null; }

  function errorsOnPage() {
    return !!document.querySelector("[data-error-summary], .flash-error, .panel-alert");
  }

  function draftable(form) {
    return (form.getAttribute("method") || "get").toLowerCase() === "post" &&
      !form.hasAttribute("data-no-draft") &&
      (form.hasAttribute("data-draft") || form.querySelector("textarea"));
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && SKIP_TYPES.indexOf(el.type) === -1;
    });
  }

  function norm(value) { return String(value).replace(/\r\n/g, "\n").trim(); }

  // name -> value; checkboxes and radios as "name=value" -> checked
  function snapshot(form) {
    var out = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") out[el.name + "=" + el.value] = el.checked;
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { out[el.name + "=" + o.value] = o.selected; });
      } else out[el.name] = norm(el.value);
    });
    return out;
  }

  function texts(form, values) {
    var out = {};
    fields(form).forEach(function (el) {
      if (el.tagName === "TEXTAREA" || el.type === "text" || el.type === "search" || el.type === "url") {
        out[el.name] = values[el.name];
      }
    });
    return out;
  }

  function same(a, b, keys) {
    return keys.every(function (k) { return a[k] === b[k]; });
  }

  function apply(form, values) {
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var key = el.name + "=" + el.value;
        if (key in values) el.checked = values[key];
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) {
          var k = el.name + "=" + o.value;
          if (k in values) o.selected = values[k];
        });
      } else if (el.name in values) {
        el.value = values[el.name];
      }
    });
  }

  function read(key) {
    if (!store) return null;
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }
  function write(key, value) {
    if (!store) return;
    try { store.setItem(key, JSON.stringify(value)); } catch (e) { /* full: the page still warns */ }
  }
  function drop(key) { if (store) store.removeItem(key); }

  function keysWithPrefix() {
    var out = [];
    if (!store) return out;
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && k.indexOf(PREFIX) === 0) out.push(k);
    }
    return out;
  }

  function when(ms) {
    var d = new Date(ms);
    return d.toLocaleString(document.documentElement.lang || undefined,
      { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function note(form, text, buttons) {
    var box = document.createElement("div");
    box.className = "draft-note flash flash-info";
    box.setAttribute("role", "status");
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    buttons.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button small";
      button.textContent = b.label;
      button.addEventListener("click", function () { b.run(); box.remove(); });
      box.appendChild(button);
      box.appendChild(document.createTextNode(" "));
    });
    form.insertBefore(box, form.firstChild);
    return box;
  }

  // After a form was sent: a page with a success message and no error means it was saved.
  var pendingSaved = document.querySelector(".flash-success") && !errorsOnPage();
  keysWithPrefix().forEach(function (k) {
    var d = read(k);
    if (!d || Date.now() - (d.saved_at || 0) > MAX_AGE_MS || (d.pending && pendingSaved)) drop(k);
  });

  var tracked = [];
  var leaving = false;
  var byAction = {};

  Array.prototype.forEach.call(document.forms, function (form) {
    if (!draftable(form)) return;
    var action = form.action || window.location.href;
    byAction[action] = (byAction[action] || 0) + 1;
    var key = PREFIX + action.split("#")[0] + "|" + (form.id || byAction[action]);
    var initial = snapshot(form);
    var textKeys = Object.keys(texts(form, initial));
    // A form shown again with its errors holds text the server has not kept.
    var unsaved = !!(form.querySelector(".field-error, .error") || errorsOnPage());
    var entry = { form: form, key: key, initial: initial, textKeys: textKeys, unsaved: unsaved };
    tracked.push(entry);

    var stored = read(key);
    if (stored && stored.values) {
      var keys = Object.keys(stored.values).filter(function (k) { return k in initial; });
      if (same(stored.values, initial, keys)) {
        drop(key);  // the server has exactly this text: it was saved
      } else if (stored.base && same(stored.base, initial, keys)) {
        apply(form, stored.values);
        note(form, t("Draft restored: the text you had not saved yet ({when}) is back in the form. Save it to keep it.",
                     { when: when(stored.saved_at) }), [{
          label: t("Discard the draft"), run: function () {
            apply(form, initial); drop(key); entry.unsaved = false;
          } }]);
      } else {
        note(form, t("This device keeps a draft you had not saved ({when}), but the saved text has changed since.",
                     { when: when(stored.saved_at) }), [
          { label: t("Put my draft back"), run: function () { apply(form, stored.values); remember(entry); } },
          { label: t("Discard it"), run: function () { drop(key); } }]);
      }
    }

    var timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(function () { remember(entry); }, 400); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  });

  function dirty(entry) {
    var now = snapshot(entry.form);
    return !same(now, entry.initial, entry.textKeys);
  }

  function remember(entry) {
    var now = snapshot(entry.form);
    if (same(now, entry.initial, entry.textKeys) && !entry.unsaved) { drop(entry.key); return; }
    write(entry.key, { values: now, base: entry.initial, saved_at: Date.now(), pending: false });
  }

  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    var form = event.target;
    // 3. one send per form: a double tap does not send it twice
    if (form.getAttribute("data-sending") === "1") { event.preventDefault(); return; }
    if ((form.getAttribute("method") || "get").toLowerCase() === "post") {
      form.setAttribute("data-sending", "1");
      setTimeout(function () { form.removeAttribute("data-sending"); }, 8000);
    }
    leaving = true;
    tracked.forEach(function (entry) {
      if (entry.form !== form) return;
      var d = read(entry.key);
      if (d) { d.pending = true; write(entry.key, d); }
      else if (dirty(entry)) write(entry.key, { values: snapshot(form), base: entry.initial,
                                                saved_at: Date.now(), pending: true });
    });
  });

  window.addEventListener("pageshow", function () {
    leaving = false;
    Array.prototype.forEach.call(document.forms, function (f) { f.removeAttribute("data-sending"); });
  });

  // 2. leaving with unsaved changes asks first
  window.addEventListener("beforeunload", function (event) {
    if (leaving) return;
    var unsaved = tracked.some(function (entry) {
      return document.body.contains(entry.form) && (dirty(entry) || (entry.unsaved && entry.textKeys.some(function (k) {
        return entry.initial[k];
      })));
    });
    if (unsaved) {
      tracked.forEach(remember);
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // 4. the error summary is read first
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      var details = target.closest("details");
      if (details) details.open = true;
      var label = document.querySelector("label[for='" + target.id + "']") || target.closest("fieldset");
      (label || target).scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  }

  window.peerreviewDrafts = {
    // for pages that send a form themselves (the capture page): forget the draft once it is safe
    saved: function (form) {
      tracked.forEach(function (entry) {
        if (entry.form === form) { drop(entry.key); entry.initial = snapshot(form); entry.unsaved = false; }
      });
    }
  };
})();
