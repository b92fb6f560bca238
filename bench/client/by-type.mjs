// Bytes on the wire by kind of resource, from the client-runs.json files measure-client.mjs writes: for each file, the
// median over its runs of what each kind transferred, cold and warm. first-load.sh runs it on its measurements.
//
//   node bench/client/by-type.mjs LABEL=path/to/client-runs.json [LABEL=...]
import { readFileSync } from 'node:fs'

const kinds = ['page HTML', 'router prefetches (HTML)', 'JavaScript', 'WebAssembly (.wasm)', 'CSS', 'other']
const kindOf = (r) =>
  r.type === 'Document' ? 'page HTML'
  : /\.wasm(\?|$)/.test(r.url) ? 'WebAssembly (.wasm)'
  : r.type === 'Script' || /javascript/.test(r.mimeType ?? '') ? 'JavaScript'
  : r.type === 'Stylesheet' ? 'CSS'
  : /text\/html/.test(r.mimeType ?? '') ? 'router prefetches (HTML)'
  : 'other'
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2 }
const kib = (b) => (b / 1024).toFixed(1)

const columns = []
for (const arg of process.argv.slice(2)) {
  const at = arg.indexOf('=')
  const { results } = JSON.parse(readFileSync(arg.slice(at + 1), 'utf8'))
  for (const visit of ['cold', 'warm']) {
    const perRun = results[visit].map((run) => {
      const sums = Object.fromEntries(kinds.map((k) => [k, 0]))
      for (const r of run.list) sums[kindOf(r)] += r.transferred
      return sums
    })
    columns.push({ name: `${arg.slice(0, at)} ${visit}`, sums: Object.fromEntries(kinds.map((k) => [k, median(perRun.map((s) => s[k]))])) })
  }
}
console.log(`| KiB on the wire (median of the runs) | ${columns.map((c) => c.name).join(' | ')} |`)
console.log(`|---|${columns.map(() => '---:').join('|')}|`)
for (const k of kinds) console.log(`| ${k} | ${columns.map((c) => kib(c.sums[k])).join(' | ')} |`)
console.log(`| **total** | ${columns.map((c) => '**' + kib(Object.values(c.sums).reduce((a, b) => a + b, 0)) + '**').join(' | ')} |`)
