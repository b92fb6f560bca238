#!/usr/bin/env bash
# Client component first load ('use client'), Strata beside Next.js in ONE session: publishes the Storefront (Release,
# trimmed WebAssembly client), runs it in Production on 127.0.0.1:$PORT, builds and starts a copy of the Next.js anchor
# app (shared/anchors/nextjs, copied to $OUT: the shared folder is never written) on 127.0.0.1:$NEXT_PORT, and runs the
# anchor's measure-client.sh (headless Chromium: bytes, requests, ms until a click on the counter counts; cold and warm)
# against /counter of both, alternating twice; then the bytes by kind of resource (by-type.mjs) and every response of one
# Strata visit with its encoding and caching (inspect.mjs). Raw output goes to $OUT; the script prints it.
#
#   bench/client/first-load.sh                    # RUNS=5 per visit kind, PORT=5312, NEXT_PORT=3112
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PORT=${PORT:-5312}
NEXT_PORT=${NEXT_PORT:-3112}
OUT=${OUT:-/tmp/strata-bench-client}
ANCHORS=${ANCHORS:-$ROOT/../shared/anchors}
PUBLISH=${PUBLISH:-$OUT/publish}
export RUNS=${RUNS:-5} NEXT_TELEMETRY_DISABLED=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$OUT"

if [ "${SKIP_PUBLISH:-0}" != 1 ]; then
  echo "== dotnet publish samples/Storefront -c Release -o $PUBLISH" >&2
  dotnet publish samples/Storefront -c Release -o "$PUBLISH" -nologo -v q >"$OUT/publish.log"
fi

if [ ! -d "$OUT/nextjs/.next" ]; then
  echo "== Next.js anchor: copy, npm ci, next build" >&2
  rm -rf "$OUT/nextjs" && cp -r "$ANCHORS/nextjs" "$OUT/nextjs" && chmod -R u+w "$OUT/nextjs"
  (cd "$OUT/nextjs" && npm ci --no-audit --no-fund >"$OUT/npm.log" 2>&1 && node_modules/.bin/next build >"$OUT/next-build.log" 2>&1)
fi

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done; echo "no answer from $1" >&2; exit 1; }

DATA=$(mktemp -d)
(cd "$PUBLISH" && ASPNETCORE_ENVIRONMENT=Production Storefront__Database="$DATA/storefront.db" \
  exec dotnet Storefront.dll --urls "http://127.0.0.1:$PORT" >"$OUT/strata.log" 2>&1) &
PIDS+=($!)
(cd "$OUT/nextjs" && NODE_ENV=production exec node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$NEXT_PORT" >"$OUT/next.log" 2>&1) &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/counter"
wait_for "http://127.0.0.1:$NEXT_PORT/counter"

NEXT_LABEL="Next.js $(cd "$OUT/nextjs" && node -p 'require("next/package.json").version')"
STRATA_LABEL="Strata Storefront (.NET $(dotnet --version), Release, Production, trimmed WebAssembly)"
for round in 1 2; do
  echo "== round $round: load $(cut -d' ' -f1-3 /proc/loadavg)"
  OUT="$OUT/strata-$round" PAGE=/counter "$OUT/nextjs/measure-client.sh" "http://127.0.0.1:$PORT" "$STRATA_LABEL"
  echo "== load $(cut -d' ' -f1-3 /proc/loadavg)"
  OUT="$OUT/next-$round" PAGE=/counter "$OUT/nextjs/measure-client.sh" "http://127.0.0.1:$NEXT_PORT" "$NEXT_LABEL"
done
echo "== load at the end $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== bytes on the wire by kind of resource"
node bench/client/by-type.mjs "Strata=$OUT/strata-2/client-runs.json" "Next.js=$OUT/next-2/client-runs.json"
echo "== every response of one Strata visit: encoding, caching, failures"
NODE_PATH="$OUT/nextjs/node_modules" node bench/client/inspect.mjs "http://127.0.0.1:$PORT" /counter

echo "== the WebAssembly files as published (bytes: raw, .br, .gz)"
for f in "$PUBLISH"/wwwroot/_framework/*; do
  case "$f" in *.br|*.gz) continue ;; esac
  printf '%s %s %s %s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(stat -c %s "$f.br" 2>/dev/null || echo -)" "$(stat -c %s "$f.gz" 2>/dev/null || echo -)"
done | sort -k3 -n -r
