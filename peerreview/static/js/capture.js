// Offline-first observation capture, made for writing many notes in one meeting on a phone.
//
// - The note being written has one UUID, made when the form is shown or cleared and kept until
//   the note is safely stored on this device: tapping "Save note" twice stores one note.
// - A note (with its photo, if any) goes to IndexedDB first ("waiting to send"), then to the
//   server, which stores each UUID once. The photo follows the note in a request of its own,
//   also idempotent; a note whose photo is not sent yet stays in the queue until it is.
//   Nothing leaves the queue before the server has confirmed it.
// - Saving keeps the session, key factor, kind and source; it clears only the text (and the
//   file) and leaves the cursor in the text box. The page is not reloaded.
// - The session running now (in the host city's time) is chosen by the page itself, so a page
//   opened hours ago, or served offline, still points at the right meeting.
(function () {
  "use strict";
  // the page's language (static/js/i18n.js); the English text when it is not loaded
  var t = window.peerreviewT || function (key, vars) {
    return key.replace(/\{(\w+)\}/g, function (whole, name) { return vars && name in vars ? String(vars[name]) : whole; });
  };
  var form = document.getElementById("capture-form");
  if (!form) return;
  var reviewId = form.getAttribute("data-review");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var queueBox = document.getElementById("queue");
  var queueList = document.getElementById("queue-list");
  var sendNow = document.getElementById("send-now");
  var net = document.getElementById("net-status");
  var message = document.getElementById("capture-message");
  var textBox = form.elements.text;
  var fileInput = form.elements.file;
  var saveButton = form.querySelector("button[type=submit]");
  var batchApi = form.getAttribute("data-batch");
  var notesApi = form.getAttribute("data-files");
  var DB_NAME = "peerreview-offline";
  var STORE = "queue";
  var BATCH = 50;
  var MAX_FILE = 20 * 1024 * 1024;
  var syncing = false;
  var saving = false;
  var lastSaved = 0;

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // The note being written: its UUID belongs to it until it is stored.
  function newNote() { form.elements.uuid.value = uuid4(); }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "uuid" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function queued() {
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).filter(function (i) { return String(i.review_id) === String(reviewId); })
        .sort(function (a, b) { return a.queued_at - b.queued_at; });
    });
  }
  function put(item) { return withStore("readwrite", function (s) { s.put(item); }); }
  function remove(id) { return withStore("readwrite", function (s) { s["delete"](id); }); }

  function say(text, kind) {
    message.textContent = text;
    message.className = "flash flash-" + (kind || "info");
    message.hidden = !text;
  }

  function labelOf(input) {
    return input ? input.parentNode.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // --- the queue on the page ------------------------------------------------------------

  function badge(item) {
    if (item.state === "conflict") return ["bad", t("changed elsewhere")];
    if (item.state === "rejected") return ["bad", t("not accepted")];
    if (item.note_sent && item.file_state === "rejected") return ["bad", t("photo not accepted")];
    if (item.note_sent) return ["warn", t("photo waiting to send")];
    return ["warn", item.file ? t("waiting to send, with a photo") : t("waiting to send")];
  }

  function render() {
    return queued().then(function (items) {
      queueList.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "note queued " + item.state;
        li.setAttribute("data-uuid", item.uuid);
        var head = document.createElement("p");
        head.className = "note-meta";
        var b = badge(item);
        var span = document.createElement("span");
        span.className = "badge " + b[0];
        span.textContent = b[1];
        head.appendChild(span);
        head.appendChild(document.createTextNode(" " + (item.label || "")));
        var text = document.createElement("p");
        text.className = "note-text";
        text.textContent = item.payload.text;
        li.appendChild(head);
        li.appendChild(text);
        if (item.filename) {
          var f = document.createElement("p");
          f.className = "hint";
          f.textContent = item.filename;
          li.appendChild(f);
        }
        if (item.error) {
          var err = document.createElement("p");
          err.className = "error";
          err.textContent = item.error;
          li.appendChild(err);
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "button small";
          drop.textContent = item.note_sent ? t("Forget this file (the note is saved)") : t("Remove from this device");
          drop.addEventListener("click", function () { remove(item.uuid).then(render); });
          li.appendChild(drop);
        }
        queueList.appendChild(li);
      });
      queueBox.hidden = items.length === 0;
      var waiting = items.filter(function (i) { return i.state === "waiting" && i.file_state !== "rejected"; }).length;
      document.getElementById("queue-count").textContent = String(waiting);
      sendNow.hidden = waiting === 0;
      return items;
    });
  }

  // A note the server has stored joins the team's notes, without reloading the page.
  function showStored(obs) {
    var list = document.getElementById("notes");
    if (!list || !obs) return;
    var existing = list.querySelector("li[data-uuid='" + obs.uuid + "']");
    var li = document.createElement("li");
    li.className = "note kind-" + obs.kind;
    li.setAttribute("data-uuid", obs.uuid);
    li.id = "note-" + obs.id;
    var meta = document.createElement("p");
    meta.className = "note-meta";
    function span(cls, text) {
      var s = document.createElement("span");
      s.className = cls;
      s.textContent = text;
      meta.appendChild(s);
      meta.appendChild(document.createTextNode(" "));
    }
    var kind = form.querySelector("input[name=kind][value='" + obs.kind + "']");
    span("kf-code", obs.key_factor_code || t("Gen."));
    span("badge", kind ? labelOf(kind) : obs.kind);
    span("", obs.author ? obs.author.name : "");
    span("muted", "· " + (obs.created_local || ""));
    li.appendChild(meta);
    var text = document.createElement("p");
    text.className = "note-text";
    text.textContent = obs.text;
    li.appendChild(text);
    if (obs.filename) {
      var p = document.createElement("p");
      var a = document.createElement("a");
      a.href = window.location.pathname.replace(/\/$/, "") + "/" + obs.id + "/file";
      a.textContent = obs.filename;
      p.appendChild(a);
      li.appendChild(p);
    }
    if (existing) { list.replaceChild(li, existing); return; }
    list.insertBefore(li, list.firstChild);
    list.hidden = false;
    var empty = document.getElementById("notes-empty");
    if (empty) empty.hidden = true;
    var count = document.getElementById("notes-count");
    if (count) count.textContent = String(parseInt(count.textContent, 10) + 1);
  }

  function showNetwork() {
    var online = navigator.onLine;
    net.textContent = online ? t("Online") : t("Offline: notes stay on this device");
    net.className = "badge " + (online ? "ok" : "warn");
  }

  // --- sending ----------------------------------------------------------------------------

  function failure(r) {
    var errors = r.errors ? Object.keys(r.errors).map(function (k) { return r.errors[k]; }) : [];
    return errors.join(" ") || r.error || t("The server did not accept this.");
  }

  // Up to BATCH notes in one request. The server answers per note: stored (200/201), refused
  // (400/403/404: kept on the device with the reason), or changed elsewhere (409).
  function sendBatch(items, stored) {
    return fetch(batchApi, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ observations: items.map(function (i) { return i.payload; }) })
    }).then(function (res) {
      if (res.status === 401) return "login";
      if (!res.ok) return "retry";
      return res.json().then(function (body) {
        var byUuid = {};
        items.forEach(function (i) { byUuid[i.uuid] = i; });
        var work = [];
        (body.results || []).forEach(function (r) {
          var item = byUuid[r.uuid];
          if (!item) return;
          if (r.status === 200 || r.status === 201) {
            stored.push(r.observation);
            if (item.file && item.file_state === "waiting") {
              item.note_sent = true;  // the photo is sent next; the note is not sent again
              work.push(put(item));
            } else {
              work.push(remove(item.uuid));
            }
          } else if ([400, 403, 404, 409].indexOf(r.status) !== -1) {
            item.state = r.status === 409 ? "conflict" : "rejected";
            item.error = failure(r);
            work.push(put(item));
          }
        });
        return Promise.all(work).then(function () { return null; });
      });
    }, function () { return "retry"; });  // no connection after all: try again later
  }

  function sendFile(item, stored) {
    var body = new FormData();
    body.append("file", item.file, item.filename || "photo.jpg");
    return fetch(notesApi + "/" + encodeURIComponent(item.uuid) + "/file", {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (res) {
      if (res.status === 401) return "login";
      if (res.status === 200 || res.status === 201) {
        return res.json().then(function (obs) { stored.push(obs); return remove(item.uuid); })
          .then(function () { return null; });
      }
      if (res.status === 404) {  // the note is not there after all: send both again
        item.note_sent = false;
        return put(item).then(function () { return null; });
      }
      if ([400, 403, 409, 413].indexOf(res.status) !== -1) {
        return res.json().catch(function () { return {}; }).then(function (r) {
          item.file_state = "rejected";
          item.error = res.status === 413 ? t("The file is larger than 20 MB.") : failure(r);
          return put(item);
        }).then(function () { return null; });
      }
      return "retry";
    }, function () { return "retry"; });
  }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    var stored = [];
    var stop = null;
    return queued().then(function (items) {
      var notes = items.filter(function (i) { return i.state === "waiting" && !i.note_sent; });
      var chain = Promise.resolve();
      for (var start = 0; start < notes.length; start += BATCH) {
        (function (chunk) {
          chain = chain.then(function () {
            if (stop) return;
            return sendBatch(chunk, stored).then(function (s) { stop = s; });
          });
        })(notes.slice(start, start + BATCH));
      }
      // then the photos of the notes the server has, one by one
      return chain.then(queued).then(function (now) {
        var files = now.filter(function (i) { return i.note_sent && i.file_state === "waiting"; });
        return files.reduce(function (c, item) {
          return c.then(function () {
            if (stop) return;
            return sendFile(item, stored).then(function (s) { stop = s; });
          });
        }, Promise.resolve());
      });
    }).then(function () {
      syncing = false;
      if (stop === "login") say(t("Log in again to send your notes; they stay on this device meanwhile."), "warning");
      stored.forEach(showStored);
      return render();
    }, function () { syncing = false; }).then(function (left) {
      if (stored.length && !stop) {
        var notes = {};
        stored.forEach(function (o) { notes[o.uuid] = true; });
        var n = Object.keys(notes).length;
        say(n === 1 ? t("Note sent.") : t("{num} notes sent.", { num: n }), "success");
      }
      return left;
    });
  }

  // --- saving a note ----------------------------------------------------------------------

  form.addEventListener("submit", function (event) {
    if (!window.indexedDB) return;  // no storage on this device: the form is sent as it is
    event.preventDefault();
    if (saving) return;  // a second tap while the first is being stored: the same note
    var text = textBox.value.trim();
    if (!text) {
      if (Date.now() - lastSaved < 3000) return;  // the note of that tap is already saved
      say(t("Write the observation first."), "error");
      textBox.focus();
      return;
    }
    if (text.length > 10000) { say(t("Keep the observation under 10,000 characters."), "error"); return; }
    var file = fileInput && fileInput.files.length ? fileInput.files[0] : null;
    if (file && file.size > MAX_FILE) { say(t("The file is larger than 20 MB; choose a smaller one."), "error"); return; }
    var kf = form.querySelector("input[name=key_factor_id]:checked");
    var kind = form.querySelector("input[name=kind]:checked");
    var uuid = form.elements.uuid.value || uuid4();
    form.elements.uuid.value = uuid;
    var payload = {
      uuid: uuid, text: text, kind: kind ? kind.value : "evidence",
      key_factor_id: kf && kf.value ? parseInt(kf.value, 10) : null,
      session_id: form.elements.session_id.value ? parseInt(form.elements.session_id.value, 10) : null,
      source_type: form.elements.source_type.value || null
    };
    var label = (kf && kf.value ? labelOf(kf).split(" ")[0] : t("General")) + " · " + labelOf(kind);
    saving = true;
    saveButton.setAttribute("aria-busy", "true");
    put({ uuid: uuid, review_id: reviewId, payload: payload, state: "waiting", label: label,
          queued_at: Date.now(), note_sent: false, file: file, filename: file ? file.name : null,
          file_state: file ? "waiting" : null })
      .then(function () {
        // stored on this device: the next note gets a new identity; the choices stay
        lastSaved = Date.now();
        newNote();
        textBox.value = "";
        if (fileInput) fileInput.value = "";
        if (window.peerreviewDrafts) window.peerreviewDrafts.saved(form);
        textBox.focus();
        say(navigator.onLine ? t("Saved on this device; sending…") :
            (file ? t("Saved on this device with its file. Both are sent when you are online.") :
                    t("Saved on this device. It will be sent when you are online.")), "info");
        return render();
      }, function () {
        say(t("This browser could not store the note, so it was not saved. Your text is still in the box: try again."), "error");
        throw new Error("not stored");
      })
      .then(function () { saving = false; saveButton.removeAttribute("aria-busy"); return sync(); },
            function () { saving = false; saveButton.removeAttribute("aria-busy"); });
  });

  sendNow.addEventListener("click", function () { sync(); });
  window.addEventListener("online", function () { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);

  // --- choices: the session running now, and its key factors first ----------------------

  var sessionSelect = form.elements.session_id;
  var touched = { session: false, kf: false };
  var hostZone = form.getAttribute("data-zone");

  function markFocus() {
    var option = sessionSelect.options[sessionSelect.selectedIndex];
    var focus = (option && option.getAttribute("data-kf") || "").split(",").filter(Boolean);
    var chips = document.querySelectorAll("#kf-chips label.chip");
    Array.prototype.forEach.call(chips, function (chip) {
      var value = chip.querySelector("input").value;
      chip.classList.toggle("focus", focus.indexOf(value) !== -1);
    });
    return focus;
  }

  function hostDay(ms) {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: hostZone || undefined, year: "numeric",
                                                month: "2-digit", day: "2-digit" }).format(new Date(ms));
    } catch (e) { return new Date(ms).toISOString().slice(0, 10); }
  }

  // The session running now, or the next one today (in the host city's calendar).
  function runningSession() {
    var now = Date.now();
    var today = hostDay(now);
    var running = null;
    var next = null;
    Array.prototype.forEach.call(sessionSelect.options, function (o) {
      var start = parseInt(o.getAttribute("data-start") || "", 10);
      var end = parseInt(o.getAttribute("data-end") || "", 10);
      if (!start) return;
      if (start <= now && now <= end && !running) running = o;
      else if (start > now && hostDay(start) === today && (!next || start < parseInt(next.getAttribute("data-start"), 10))) next = o;
    });
    return running || next;
  }

  function followTheClock() {
    if (touched.session) return;
    var option = runningSession();
    if (!option || option.selected) return;
    sessionSelect.value = option.value;
    var focus = markFocus();
    if (!touched.kf && focus.length) {
      var chip = form.querySelector("input[name=key_factor_id][value='" + focus[0] + "']");
      if (chip) chip.checked = true;
    }
  }

  // The choices of the last note are kept on this device for as long as a meeting lasts, so
  // that a reload (or the page served offline) does not reset them.
  var CHOICES_KEY = "peerreview-capture-choices:" + reviewId;
  var KEEP_MS = 3 * 3600 * 1000;

  function keepChoices() {
    var kf = form.querySelector("input[name=key_factor_id]:checked");
    var kind = form.querySelector("input[name=kind]:checked");
    try {
      localStorage.setItem(CHOICES_KEY, JSON.stringify({
        at: Date.now(), touched: touched, session_id: sessionSelect ? sessionSelect.value : "",
        key_factor_id: kf ? kf.value : null, kind: kind ? kind.value : null,
        source_type: form.elements.source_type.value }));
    } catch (e) { /* no storage: the choices stay until the page is reloaded */ }
  }

  function restoreChoices() {
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(CHOICES_KEY) || "null"); } catch (e) { kept = null; }
    if (!kept || Date.now() - kept.at > KEEP_MS) return;
    function check(name, value) {
      var input = value === null ? null : form.querySelector("input[name=" + name + "][value='" + value + "']");
      if (input) input.checked = true;
    }
    if (kept.touched && kept.touched.session && sessionSelect &&
        sessionSelect.querySelector("option[value='" + kept.session_id + "']")) {
      sessionSelect.value = kept.session_id;
      touched.session = true;
    }
    if (kept.touched && kept.touched.kf) { check("key_factor_id", kept.key_factor_id); touched.kf = true; }
    check("kind", kept.kind);
    if (form.elements.source_type.querySelector("option[value='" + kept.source_type + "']")) {
      form.elements.source_type.value = kept.source_type;
    }
  }

  if (sessionSelect) {
    sessionSelect.addEventListener("change", function () { touched.session = true; markFocus(); });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "key_factor_id") touched.kf = true;
    if (event.target.name !== "text" && event.target.name !== "file") keepChoices();
  });
  restoreChoices();
  if (sessionSelect) markFocus();

  // A chip row scrolls sideways on a phone: bring the chosen chip into view.
  Array.prototype.forEach.call(form.querySelectorAll(".chip-row input:checked"), function (input) {
    var row = input.closest(".chip-row");
    var chip = input.closest(".chip");
    if (row && chip && row.scrollWidth > row.clientWidth) row.scrollLeft = Math.max(0, chip.offsetLeft - row.offsetLeft - 16);
  });

  if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
  newNote();
  followTheClock();
  setInterval(followTheClock, 60000);
  form.setAttribute("data-ready", "1");
  if (window.performance && performance.mark) performance.mark("capture-ready");  // for make bench
  showNetwork();
  render().then(sync);
})();
