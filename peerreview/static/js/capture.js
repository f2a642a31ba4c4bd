// Offline-first observation capture. Notes are written to IndexedDB first ("waiting to send")
// with a UUID made here, then sent to the server, which stores each UUID once. Nothing is
// removed from the queue until the server has confirmed it.
(function () {
  "use strict";
  var form = document.getElementById("capture-form");
  if (!form) return;
  var reviewId = form.getAttribute("data-review");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var queueBox = document.getElementById("queue");
  var queueList = document.getElementById("queue-list");
  var sendNow = document.getElementById("send-now");
  var net = document.getElementById("net-status");
  var message = document.getElementById("capture-message");
  var DB_NAME = "peerreview-offline";
  var STORE = "queue";
  var syncing = false;

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

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

  function render() {
    return queued().then(function (items) {
      queueList.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "note queued " + item.state;
        li.setAttribute("data-uuid", item.uuid);
        var head = document.createElement("p");
        head.className = "note-meta";
        var badge = document.createElement("span");
        badge.className = "badge " + (item.state === "waiting" ? "warn" : "bad");
        badge.textContent = item.state === "waiting" ? "waiting to send" :
          (item.state === "conflict" ? "changed elsewhere" : "not accepted");
        head.appendChild(badge);
        head.appendChild(document.createTextNode(" " + (item.label || "")));
        var text = document.createElement("p");
        text.className = "note-text";
        text.textContent = item.payload.text;
        li.appendChild(head);
        li.appendChild(text);
        if (item.error) {
          var err = document.createElement("p");
          err.className = "error";
          err.textContent = item.error;
          li.appendChild(err);
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "button small";
          drop.textContent = "Remove from this device";
          drop.addEventListener("click", function () { remove(item.uuid).then(render); });
          li.appendChild(drop);
        }
        queueList.appendChild(li);
      });
      queueBox.hidden = items.length === 0;
      var waiting = items.filter(function (i) { return i.state === "waiting"; }).length;
      document.getElementById("queue-count").textContent = String(waiting);
      sendNow.hidden = waiting === 0;
      return items;
    });
  }

  function showNetwork() {
    var online = navigator.onLine;
    net.textContent = online ? "Online" : "Offline: notes are kept on this device";
    net.className = "badge " + (online ? "ok" : "warn");
  }

  var batchApi = form.getAttribute("data-batch");
  var BATCH = 50;

  // Sends up to BATCH notes in one request. The server answers per note: stored (200/201),
  // refused (400/403/404: kept on the device with the reason), or changed elsewhere (409).
  function sendBatch(items) {
    return fetch(batchApi, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ observations: items.map(function (i) { return i.payload; }) })
    }).then(function (res) {
      if (res.status === 401) return { stop: "login", sent: 0 };
      if (!res.ok) return { stop: "retry", sent: 0 };
      return res.json().then(function (body) {
        var byUuid = {};
        items.forEach(function (i) { byUuid[i.uuid] = i; });
        var work = [];
        var sent = 0;
        (body.results || []).forEach(function (r) {
          var item = byUuid[r.uuid];
          if (!item) return;
          if (r.status === 200 || r.status === 201) {
            sent += 1;
            work.push(remove(item.uuid));
          } else if ([400, 403, 404, 409].indexOf(r.status) !== -1) {
            item.state = r.status === 409 ? "conflict" : "rejected";
            var errors = r.errors ? Object.keys(r.errors).map(function (k) { return r.errors[k]; }) : [];
            item.error = errors.join(" ") || r.error || "The server did not accept this note.";
            work.push(put(item));
          }
        });
        return Promise.all(work).then(function () { return { stop: null, sent: sent }; });
      });
    });
  }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    var sent = 0;
    return queued().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; });
      var chain = Promise.resolve(null);
      for (var start = 0; start < waiting.length; start += BATCH) {
        (function (chunk) {
          chain = chain.then(function (stop) {
            if (stop) return stop;
            return sendBatch(chunk).then(function (outcome) {
              sent += outcome.sent;
              if (outcome.stop === "login") {
                say("Log in again to send your notes; they stay on this device meanwhile.", "warning");
              }
              return outcome.stop;
            }, function () { return "retry"; });  // no connection after all: try again later
          });
        })(waiting.slice(start, start + BATCH));
      }
      return chain;
    }).then(function () {
      syncing = false;
      return render();
    }).then(function (left) {
      if (sent > 0) {
        say(sent + (sent === 1 ? " note sent." : " notes sent."), "success");
        var text = document.getElementById("text");
        if (left.length === 0 && (!text || !text.value.trim())) window.location.reload();
      }
    }, function () { syncing = false; });
  }

  form.addEventListener("submit", function (event) {
    var fileInput = form.querySelector("input[type=file]");
    if (fileInput && fileInput.files.length && navigator.onLine) return;  // uploads go as a normal form
    event.preventDefault();
    var text = form.elements.text.value.trim();
    if (!text) { say("Write the observation first.", "error"); form.elements.text.focus(); return; }
    if (text.length > 10000) { say("Keep the observation under 10,000 characters.", "error"); return; }
    var kf = form.querySelector("input[name=key_factor_id]:checked");
    var kind = form.querySelector("input[name=kind]:checked");
    var payload = {
      uuid: uuid4(), text: text, kind: kind ? kind.value : "evidence",
      key_factor_id: kf && kf.value ? parseInt(kf.value, 10) : null,
      session_id: form.elements.session_id.value ? parseInt(form.elements.session_id.value, 10) : null,
      source_type: form.elements.source_type.value || null
    };
    var label = (kf && kf.value ? kf.parentNode.textContent.trim().split(" ")[0] : "General") +
      " · " + (kind ? kind.parentNode.textContent.trim() : "");
    put({ uuid: payload.uuid, review_id: reviewId, payload: payload, state: "waiting",
          label: label, queued_at: Date.now() })
      .then(function () {
        form.elements.text.value = "";
        say(navigator.onLine ? "Saved on this device; sending…" : "Saved on this device. It will be sent when you are online.", "info");
        return render();
      })
      .then(sync)
      .catch(function () { say("This browser could not store the note; it was not saved.", "error"); });
  });

  sendNow.addEventListener("click", function () { sync(); });
  window.addEventListener("online", function () { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);

  // Session focus: the key factors of the chosen session come first and are marked.
  var sessionSelect = form.elements.session_id;
  function markFocus() {
    var option = sessionSelect.options[sessionSelect.selectedIndex];
    var focus = (option && option.getAttribute("data-kf") || "").split(",").filter(Boolean);
    var chips = document.querySelectorAll("#kf-chips label.chip");
    Array.prototype.forEach.call(chips, function (chip) {
      var value = chip.querySelector("input").value;
      chip.classList.toggle("focus", focus.indexOf(value) !== -1);
    });
  }
  if (sessionSelect) { sessionSelect.addEventListener("change", markFocus); markFocus(); }

  if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
  form.setAttribute("data-ready", "1");
  showNetwork();
  render().then(sync);
})();
