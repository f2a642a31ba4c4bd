// Service worker: keeps the observation capture page and the visit programme usable offline,
// and makes a repeat visit of the capture page fast.
// - Static files whose address carries their content's hash (?v=...) never change: they are
//   served from the cache, and fetched only the first time.
// - Other static files: network first, the cached copy when offline.
// - The capture page and the programme: network first; the last copy when offline, or when the
//   network has not answered within a few seconds (a weak connection). The API is never cached.
// The server fills in ASSETS (the current addresses of the capture page's files) when it
// serves this file, so a changed file also changes this worker and the cache is renewed.
const CACHE = "peerreview-offline-__VERSION__";
const ASSETS = __ASSETS__;
const OFFLINE_PAGES = [/^\/reviews\/\d+\/observations\/?$/, /^\/reviews\/\d+\/programme\/?$/];
const SLOW_NETWORK_MS = 4000;
// The page shown for a page not saved yet, in the language of the request that installed the
// worker (the server fills it in).
const OFFLINE_TEXT = __OFFLINE_TEXT__;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    // pages kept by an earlier version stay available offline; then the old caches go
    const cache = await caches.open(CACHE);
    for (const key of await caches.keys()) {
      if (key === CACHE || !key.startsWith("peerreview-offline")) continue;
      const old = await caches.open(key);
      for (const request of await old.keys()) {
        const page = OFFLINE_PAGES.some((re) => re.test(new URL(request.url).pathname));
        if (page && !(await cache.match(request))) {
          const response = await old.match(request);
          if (response) await cache.put(request, response);
        }
      }
      await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
}

function offlinePage() {
  return new Response(
    "<!doctype html><title>" + escapeHtml(OFFLINE_TEXT.title) + "</title><h1>" +
    escapeHtml(OFFLINE_TEXT.heading) + "</h1><p>" + escapeHtml(OFFLINE_TEXT.body) + "</p>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function cacheFirst(request) {
  return caches.match(request).then((hit) => hit || fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  }).catch(() =>
    // offline, and a page kept from before an update asks for an earlier version of a file:
    // the version kept now serves it
    caches.match(request, { ignoreSearch: true }).then((kept) => kept || Response.error())));
}

function networkFirst(request, key, keep) {
  const network = fetch(request).then((response) => {
    if (keep && response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  });
  const fallback = () => caches.match(key).then((hit) => hit || (request.mode === "navigate" ? offlinePage() : Response.error()));
  const slow = new Promise((resolve) => {
    setTimeout(() => caches.match(key).then((hit) => { if (hit) resolve(hit); }), SLOW_NETWORK_MS);
  });
  return Promise.race([network.catch(fallback), slow]);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(url.searchParams.has("v") ? cacheFirst(request) : networkFirst(request, url.pathname, true));
    return;
  }
  if (OFFLINE_PAGES.some((re) => re.test(url.pathname))) {
    // only the unfiltered page is kept for offline use
    event.respondWith(networkFirst(request, url.pathname, url.search === ""));
  }
});
