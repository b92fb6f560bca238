// Strata's cache overlay, loaded by strata-router.js in Development only (docs/web/seeing-the-cache.md).
//
// The server writes, in Development only, an HTML comment around each cached component the request read itself:
//   <!--strata-part:{"name","kind","private","cache","age","stale","revalidate","expire","tags"}--> ... <!--/strata-part-->
// and one at the end of the page: <!--strata-page:{"cache","stale","dynamic"}-->. This module draws a badge on each part
// (its kind, HIT/MISS/STALE, age against revalidate/expire, tags; private parts marked) and one for the page (the
// x-strata-cache verdict and the stale time the router cache uses). The badges live in a shadow root outside <body>, draw
// their text with CSS (no text nodes: nothing a page's own text search finds) and let every click through.

const partPrefix = 'strata-part:';
const partEnd = '/strata-part';
const pagePrefix = 'strata-page:';
const minimumStaleSeconds = 30; // the router cache keeps a page max(stale, 30) seconds

const style = `
:host { all: initial; }
.box { position: absolute; pointer-events: none; box-sizing: border-box; border: 1px dashed var(--c); border-radius: 3px; }
.badge { position: absolute; pointer-events: none; font: 11px/1.4 ui-monospace, monospace; color: #fff; background: var(--c);
  padding: 1px 5px; border-radius: 3px; white-space: nowrap; opacity: .92; z-index: 2147483647; }
.badge::before { content: attr(data-label); }
.page { position: fixed; right: 8px; bottom: 8px; font-size: 12px; padding: 3px 8px; }
.HIT { --c: #15803d; } .MISS { --c: #c2410c; } .STALE { --c: #a16207; } .DYNAMIC { --c: #475569; }
.private { --c: #7c3aed; }
`;

let host = null;
let root = null;
let scheduled = false;

function ensureHost() {
  if (!host) {
    host = document.createElement('strata-overlay');
    host.style.cssText = 'position:absolute;top:0;left:0;width:0;height:0;';
    root = host.attachShadow({ mode: 'open' });
  }

  if (!host.isConnected) {
    document.documentElement.appendChild(host); // outside <body>: Blazor's DOM merging of the body never sees it
  }
}

function seconds(value) {
  return value === null || value === undefined ? '∞' : `${Math.round(value * 10) / 10}s`;
}

function parse(text, prefix) {
  try {
    return JSON.parse(text.slice(prefix.length));
  } catch {
    return null;
  }
}

// The parts in document order, each with the range of what it rendered (nested parts: a cached component in a slot).
function findParts() {
  const parts = [];
  const open = [];
  let page = null;
  // The whole document: the page comment ends the response, after </body> (the parser puts it after the body).
  const walker = document.createTreeWalker(document, NodeFilter.SHOW_COMMENT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data;
    if (text.startsWith(partPrefix)) {
      const data = parse(text, partPrefix);
      if (data) {
        open.push({ data, start: node });
      }
    } else if (text === partEnd && open.length > 0) {
      const part = open.pop();
      const range = document.createRange();
      range.setStartAfter(part.start);
      range.setEndBefore(node);
      parts.push({ data: part.data, range });
    } else if (text.startsWith(pagePrefix)) {
      page = parse(text, pagePrefix);
    }
  }

  return { parts, page };
}

function partLabel(d) {
  const lifetimes = d.revalidate !== null && d.revalidate < 0
    ? `age ${seconds(d.age)} · stale by tag · expire ${seconds(d.expire)}`
    : `age ${seconds(d.age)} / revalidate ${seconds(d.revalidate)} / expire ${seconds(d.expire)}`;
  const tags = d.tags.length > 0 ? ` · tags ${d.tags.join(', ')}` : '';
  return `${d.name} · ${d.private ? 'private' : d.kind} · ${d.cache} · ${lifetimes}${tags}`;
}

function pageLabel(p) {
  const router = p.stale === null || p.stale === undefined
    ? 'router cache: not kept (no cache read)'
    : `router cache: ${seconds(Math.max(p.stale, minimumStaleSeconds))}`;
  return `page ${p.cache} · ${router}`;
}

function badge(className, label, data) {
  const element = document.createElement('div');
  element.className = `badge ${className}`;
  element.dataset.label = label;
  for (const [name, value] of Object.entries(data)) {
    element.dataset[name] = String(value);
  }

  return element;
}

function draw() {
  scheduled = false;
  ensureHost();
  const { parts, page } = findParts();
  const nodes = [];
  const sheet = document.createElement('style');
  sheet.textContent = style;
  nodes.push(sheet);
  for (const { data, range } of parts) {
    const rect = range.getBoundingClientRect();
    const className = data.private ? `part private ${data.cache}` : `part ${data.cache}`;
    const left = rect.left + window.scrollX;
    const top = rect.top + window.scrollY;
    const box = document.createElement('div');
    box.className = `box ${className}`;
    box.style.cssText = `left:${left}px;top:${top}px;width:${rect.width}px;height:${rect.height}px;`;
    const label = badge(className, partLabel(data), { name: data.name, kind: data.kind, cache: data.cache, private: data.private });
    label.style.cssText = `left:${left}px;top:${Math.max(0, top - 16)}px;`;
    nodes.push(box, label);
  }

  if (page) {
    const label = badge(`page ${page.cache}`, pageLabel(page), { cache: page.cache, stale: page.stale ?? '' });
    if (page.dynamic) {
      label.title = `DYNAMIC: ${page.dynamic}`;
    }

    nodes.push(label);
  }

  root.replaceChildren(...nodes);
}

function schedule() {
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(draw);
  }
}

function start() {
  draw();
  // Streamed parts and enhanced navigations change the body; the layout moves when the window does.
  new MutationObserver(schedule).observe(document.body ?? document.documentElement, { childList: true, subtree: true, characterData: true });
  window.Blazor?.addEventListener?.('enhancedload', schedule);
  window.addEventListener('resize', schedule, { passive: true });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start, { once: true });
} else {
  start();
}
