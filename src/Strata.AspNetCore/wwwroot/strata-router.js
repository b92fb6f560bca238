// Strata's client router cache: 'use cache: private' (and every cached page) kept in the browser's memory.
//
// Layered on blazor.web.js enhanced navigation, which loads a page with fetch(url, { headers: { accept:
// 'text/html; blazor-enhanced-nav=on' } }) and merges it into the document. This module wraps window.fetch: an enhanced
// GET whose page the server marked with x-strata-stale-time is kept in memory, keyed by URL, for max(stale, 30) seconds,
// and the next enhanced GET of that URL within that time is answered from memory without a request. Everything else
// (DOM merging, streaming, scroll restoration, history, forms) stays Blazor's.
//
// Nothing is persisted: entries live in this module's memory only (never localStorage, sessionStorage or the HTTP
// cache), so a full reload starts empty. Entries are dropped when a form post or a server function revalidated (any
// non-GET enhanced request, or any response carrying x-strata-revalidated), and when the page shown is requested again
// (NavigationManager.Refresh(), a link to the current page).
//
// Prefetching (Next.js's <Link>): links entering the viewport, and on hover or touch; opt out with
// data-strata-prefetch="false" on the link or an ancestor; from code: Strata.router.prefetch(url).
// See docs/web/client-router-cache.md.

const enhancedAccept = 'text/html; blazor-enhanced-nav=on';
const staleTimeHeader = 'x-strata-stale-time';
const revalidatedHeader = 'x-strata-revalidated';
const actionRevalidatedHeader = 'strata-action-revalidated'; // a server function's fetch answer (docs/use-server.md)
const prefetchHeader = 'x-strata-prefetch';
const minimumStaleSeconds = 30; // Next.js: getStaleTimeMs(s) = max(s, 30) * 1000
const trailerPattern = /<!--strata-stale-time:([0-9.]+)-->\s*$/;
const prefetchConcurrency = 2;

const nativeFetch = window.fetch.bind(window);
const entries = new Map(); // URL without hash -> { expiresAt, body, status, statusText, headers, url, redirected }
const inflight = new Map(); // URL -> Promise<entry | null> (a prefetch under way)
const queue = []; // URLs waiting for a prefetch slot, the most wanted first
let running = 0;
let generation = 0; // bumped by every clear: a response that started before a clear is not kept
let shownUrl = keyOf(location.href);

function keyOf(url) {
  const u = new URL(url, document.baseURI);
  u.hash = '';
  return u.href;
}

function clear() {
  generation++;
  entries.clear();
  inflight.clear(); // a prefetch under way now brings what was true before: no navigation waits for it
}

function lookup(key) {
  const entry = entries.get(key);
  if (entry && entry.expiresAt > Date.now()) {
    return entry;
  }

  entries.delete(key);
  return null;
}

function describe(input, init) {
  const request = input instanceof Request ? input : null;
  const headers = new Headers(init?.headers ?? request?.headers);
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  return {
    url: request ? request.url : String(input),
    method,
    enhanced: (headers.get('accept') ?? '').includes('blazor-enhanced-nav=on'),
  };
}

function isSameOrigin(url) {
  return new URL(url, document.baseURI).origin === location.origin;
}

function noteRevalidation(response) {
  if (response.headers.has(revalidatedHeader) || response.headers.has(actionRevalidatedHeader)) {
    clear();
  }

  return response;
}

// Whether a response may be kept at all, before its body is read: a complete Blazor page (enhanced-nav allowed, HTML,
// 200, same origin). Whether it is kept is decided once the body is complete (the stale time may come in a trailer).
function isPage(response) {
  return response.status === 200 && response.type === 'basic' &&
    response.headers.get('blazor-enhanced-nav') === 'allow' &&
    (response.headers.get('content-type') ?? '').startsWith('text/html');
}

// The stale time the server gave the page: the trailer a streamed response ends with (all parts known) wins over the
// header sent as the response started; a page with neither used no cache and is not kept.
function staleSeconds(response, body) {
  const trailer = trailerPattern.exec(body.slice(-64));
  const value = trailer ? trailer[1] : response.headers.get(staleTimeHeader);
  if (value === null) {
    return null;
  }

  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

// Reads a copy of the response to the end (a streamed page is kept only once complete) and keeps it if the server
// allowed it. A prefetched page is kept only when its stale time is at least 30 s (Next.js's runtime prefetch rule).
async function remember(key, response, startedAt, startedGeneration, isPrefetch) {
  if (!isPage(response)) {
    return null;
  }

  let body;
  try {
    body = await response.clone().text();
  } catch {
    return null; // aborted (another navigation started) or the connection broke: nothing complete to keep
  }

  const seconds = staleSeconds(response, body);
  if (seconds === null || startedGeneration !== generation || (isPrefetch && seconds < minimumStaleSeconds)) {
    return null;
  }

  const entry = {
    expiresAt: startedAt + Math.max(seconds, minimumStaleSeconds) * 1000,
    body,
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    url: response.url,
    redirected: response.redirected,
  };
  entries.set(key, entry);
  return entry;
}

function replay(entry) {
  const response = new Response(entry.body, { status: entry.status, statusText: entry.statusText, headers: entry.headers });
  // Blazor reads url (the page's address after redirects) and redirected, which a constructed Response lacks.
  Object.defineProperty(response, 'url', { value: entry.url });
  Object.defineProperty(response, 'redirected', { value: entry.redirected });
  return response;
}

function abortError() {
  return new DOMException('The navigation was aborted.', 'AbortError');
}

async function navigate(key, input, init) {
  const signal = init?.signal;
  const pending = inflight.get(key);
  if (pending) {
    await pending; // a prefetch of this page is under way: use what it keeps rather than asking twice
    if (signal?.aborted) {
      throw abortError();
    }

    const entry = lookup(key); // not kept if it was not allowed, or dropped by a revalidation meanwhile
    if (entry) {
      return replay(entry);
    }
  }

  const startedAt = Date.now();
  const startedGeneration = generation;
  const response = noteRevalidation(await nativeFetch(input, init));
  shownUrl = keyOf(response.url || key);
  remember(key, response, startedAt, startedGeneration, false);
  return response;
}

function strataFetch(input, init) {
  const request = describe(input, init);
  if (!isSameOrigin(request.url)) {
    return nativeFetch(input, init);
  }

  if (!request.enhanced) {
    return nativeFetch(input, init).then(noteRevalidation); // a server function called with fetch may revalidate
  }

  if (request.method !== 'GET') {
    clear(); // a form post: Next.js clears its router cache after a server action
    return nativeFetch(input, init).then(response => {
      clear();
      shownUrl = keyOf(response.url || request.url);
      return noteRevalidation(response);
    });
  }

  const key = keyOf(request.url);
  if (key === shownUrl) {
    clear(); // the page shown, asked for again: NavigationManager.Refresh() or a link to the current page
  }

  shownUrl = key;
  const entry = lookup(key);
  return entry ? Promise.resolve(replay(entry)) : navigate(key, input, init);
}

// Prefetching ------------------------------------------------------------------------------------------------------

function prefetchTarget(anchor) {
  if (!(anchor instanceof HTMLAnchorElement) || !anchor.href || anchor.hasAttribute('download')) {
    return null;
  }

  if ((anchor.target && anchor.target !== '_self') || anchor.closest('[data-strata-prefetch="false"]')) {
    return null;
  }

  const enhance = anchor.closest('[data-enhance-nav]');
  if (enhance && !['', 'true'].includes(enhance.getAttribute('data-enhance-nav').toLowerCase())) {
    return null; // Blazor loads it as a full page: a prefetch would never be used
  }

  const url = new URL(anchor.href, document.baseURI);
  const base = new URL(document.baseURI);
  if (url.origin !== location.origin || !url.pathname.startsWith(base.pathname) || !/^https?:$/.test(url.protocol)) {
    return null;
  }

  return url.href;
}

function prefetch(url, urgent = false) {
  const key = keyOf(url);
  if (key === shownUrl || lookup(key) || inflight.has(key) || navigator.connection?.saveData) {
    return;
  }

  const at = queue.indexOf(key);
  if (at >= 0) {
    queue.splice(at, 1);
  }

  if (urgent) {
    queue.unshift(key);
  } else {
    queue.push(key);
  }

  pump();
}

function pump() {
  while (running < prefetchConcurrency && queue.length > 0) {
    const key = queue.shift();
    if (lookup(key) || inflight.has(key)) {
      continue;
    }

    running++;
    const startedAt = Date.now();
    const startedGeneration = generation;
    const done = nativeFetch(key, { headers: { accept: enhancedAccept, [prefetchHeader]: '1' }, credentials: 'same-origin' })
      .then(noteRevalidation)
      .then(response => remember(key, response, startedAt, startedGeneration, true))
      .catch(() => null)
      .finally(() => {
        if (inflight.get(key) === done) {
          inflight.delete(key);
        }

        running--;
        pump();
      });
    inflight.set(key, done);
  }
}

const observer = 'IntersectionObserver' in window
  ? new IntersectionObserver(seen => {
    for (const item of seen) {
      if (item.isIntersecting) {
        const url = prefetchTarget(item.target);
        if (url) {
          prefetch(url);
        }
      }
    }
  })
  : null;

function observeLinks(root) {
  if (!observer) {
    return;
  }

  if (root instanceof HTMLAnchorElement) {
    observer.observe(root);
  }

  for (const anchor of root.querySelectorAll?.('a[href]') ?? []) {
    observer.observe(anchor);
  }
}

function onIntent(event) {
  const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
  const url = anchor && prefetchTarget(anchor);
  if (url) {
    prefetch(url, true);
  }
}

function start() {
  observeLinks(document);
  new MutationObserver(changes => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        observeLinks(node);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  // Blazor keeps the link elements a navigation does not change: look at every link again after each one, so a link
  // still in view is prefetched again once its entry expired.
  window.Blazor?.addEventListener?.('enhancedload', () => {
    observer?.disconnect();
    observeLinks(document);
  });
  document.addEventListener('mouseover', onIntent, { passive: true });
  document.addEventListener('touchstart', onIntent, { passive: true });
  document.addEventListener('focusin', onIntent, { passive: true });
}

window.fetch = strataFetch;
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start, { once: true });
} else {
  start();
}

/** The router cache, for code: Strata.router.prefetch(url), Strata.router.clear(), Strata.router.has(url). */
export const router = Object.freeze({
  prefetch: url => prefetch(url, true),
  clear,
  has: url => lookup(keyOf(url)) !== null,
});

window.Strata = Object.assign(window.Strata ?? {}, { router });

// In Development, StrataScripts marks this script's tag: load the cache overlay (badges on cached parts).
if (document.querySelector('script[data-strata-overlay]')) {
  import(new URL('strata-overlay.js', import.meta.url).href);
}
