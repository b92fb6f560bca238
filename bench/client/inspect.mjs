// What a page costs the browser, response by response: one cold visit (new context, empty cache) and one warm visit
// (a second tab of the same context) in headless Chromium, driven over the DevTools protocol by playwright-core. For
// every request it prints the status on the wire (or "cache" when the browser did not ask the server, or the error
// when it failed), the resource type, bytes on the wire and decoded, Content-Encoding, Cache-Control, Vary, and
// whether Strata's router sent it as a prefetch (x-strata-prefetch). first-load.sh runs it after the measurements.
//
//   NODE_PATH=<dir holding playwright-core> node bench/client/inspect.mjs BASE_URL [PAGE]
//   Env: CHROMIUM=/usr/bin/chromium QUIET_MS=1500 (network idle that ends a visit)
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(join(process.env.NODE_PATH ?? process.cwd(), 'noop.js'))
const { chromium } = require('playwright-core')

const [base, page = '/counter'] = process.argv.slice(2)
if (!base || !/^http:\/\/(127\.|localhost[:/]|localhost$|\[::1\])/.test(base)) {
  console.error('usage: node inspect.mjs http://127.0.0.1:PORT [PAGE]  (loopback addresses only)')
  process.exit(2)
}
const QUIET_MS = Number(process.env.QUIET_MS ?? 1500)

async function visit(context, cacheDisabled) {
  const tab = await context.newPage()
  const cdp = await context.newCDPSession(tab)
  const reqs = new Map()
  let last = Date.now()
  cdp.on('Network.requestWillBeSent', (e) => {
    last = Date.now()
    if (e.request.url.startsWith('data:') || reqs.has(e.requestId)) return
    const h = Object.fromEntries(Object.entries(e.request.headers).map(([k, v]) => [k.toLowerCase(), v]))
    reqs.set(e.requestId, { url: e.request.url.replace(base, ''), type: e.type ?? 'Other', prefetch: 'x-strata-prefetch' in h, status: null, wire: null, fromCache: false, transferred: 0, decoded: 0 })
  })
  cdp.on('Network.requestServedFromCache', (e) => { const r = reqs.get(e.requestId); if (r) r.fromCache = true })
  cdp.on('Network.responseReceived', (e) => {
    const r = reqs.get(e.requestId)
    if (!r) return
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]))
    Object.assign(r, { status: e.response.status, type: e.type ?? r.type, encoding: h['content-encoding'], cacheControl: h['cache-control'], vary: h.vary })
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker) r.fromCache = true
  })
  cdp.on('Network.responseReceivedExtraInfo', (e) => { const r = reqs.get(e.requestId); if (r) r.wire = e.statusCode })
  cdp.on('Network.dataReceived', (e) => { const r = reqs.get(e.requestId); if (r) r.decoded += e.dataLength })
  cdp.on('Network.loadingFinished', (e) => { last = Date.now(); const r = reqs.get(e.requestId); if (r) r.transferred = e.encodedDataLength })
  cdp.on('Network.loadingFailed', (e) => { last = Date.now(); const r = reqs.get(e.requestId); if (r) r.failed = `${e.errorText}${e.canceled ? ' (canceled)' : ''}` })
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled })
  await tab.goto(base + page, { waitUntil: 'load' })
  // where the time goes: when the last runtime file had arrived (from the network or the cache), and when the page's
  // first button was enabled (Blazor components disable theirs until they are interactive)
  const enabledMs = await tab.waitForFunction(() => { const b = document.querySelector('button'); return b && !b.disabled && performance.now() }, null, { timeout: 120000, polling: 10 }).then((h) => h.jsonValue())
  while (Date.now() - last < QUIET_MS) await new Promise((r) => setTimeout(r, 100))
  const runtimeMs = await tab.evaluate(() => Math.max(0, ...performance.getEntriesByType('resource').filter((e) => e.name.includes('/_framework/')).map((e) => e.responseEnd)))
  const list = [...reqs.values()]
  list.timing = `the runtime's last file arrived at ${runtimeMs.toFixed(0)} ms, the first button was enabled at ${enabledMs.toFixed(0)} ms (${(enabledMs - runtimeMs).toFixed(0)} ms starting .NET and the component)`
  return list
}

function print(name, list) {
  const sum = (f) => list.filter(f).reduce((s, r) => s + r.transferred, 0)
  console.log(`\n${name}: ${list.length} requests, ${sum(() => true)} B on the wire (${sum((r) => r.prefetch)} B of them router prefetches); ${list.timing}`)
  console.log('  status   type       wire B  decoded B encoding cache-control                        vary              url')
  for (const r of list) {
    const st = r.failed ? 'FAIL' : r.fromCache ? 'cache' : String(r.wire ?? r.status)
    console.log(`  ${st.padEnd(6)} ${r.type.padEnd(10)} ${String(r.transferred).padStart(8)} ${String(r.decoded).padStart(10)} ${(r.encoding ?? '-').padEnd(8)} ${(r.cacheControl ?? '-').slice(0, 36).padEnd(36)} ${(r.vary ?? '-').slice(0, 17).padEnd(17)} ${r.url}${r.prefetch ? ' [prefetch]' : ''}${r.failed ? ' ' + r.failed : ''}`)
  }
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true })
try {
  const context = await browser.newContext()
  print(`cold ${base}${page}`, await visit(context, false))
  print(`warm ${base}${page} (second tab, same context)`, await visit(context, false))
  await context.close()
} finally {
  await browser.close()
}
