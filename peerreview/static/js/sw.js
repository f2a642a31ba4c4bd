// Service worker: keeps the observation capture page and the visit programme usable offline.
// Pages: network first, the last copy when offline. Static files: network first as well,
// so a new stylesheet is never hidden behind an old cached one. The API is never cached.
const CACHE = "peerreview-offline-v1";
const ASSETS = ["/static/css/app.css", "/static/js/capture.js", "/static/js/confirm.js", "/static/favicon.svg"];
const OFFLINE_PAGES = [/^\/reviews\/\d+\/observations\/?$/, /^\/reviews\/\d+\/programme\/?$/];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function networkFirst(request, key) {
  return fetch(request)
    .then((response) => {
      if (response.ok && !response.redirected) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(key, copy));
      }
      return response;
    })
    .catch(() =>
      caches.match(key).then((hit) => hit || new Response(
        "<!doctype html><title>Offline</title><h1>You are offline</h1>" +
        "<p>This page was not saved on this device yet. Open it once while online.</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }))
    );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(networkFirst(request, url.pathname));
    return;
  }
  if (OFFLINE_PAGES.some((re) => re.test(url.pathname))) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
