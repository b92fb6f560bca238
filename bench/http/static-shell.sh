#!/usr/bin/env bash
# The static shell against the Kestrel floor and Next.js, in one run. Publishes the Storefront sample, runs it in
# Production with logging at Warning on 127.0.0.1:$PORT, and measures with ../shared/anchors/kestrel-floor/run.sh (copied
# to $OUT, unchanged: wrk -t$THREADS -c$CONNS, $WARMUP warm-up + $DURATION per measurement, server and floor alternating,
# $ROUNDS rounds, median ratio):
#   1. /static-cached   shell on (the default; app.UseStrataShells() serves it), first with the host's per-request
#                       diagnostics off (Microsoft.AspNetCore.Hosting.Diagnostics=None: no Activity and logging scope per
#                       request, as the floor, which has no logging), then as the Storefront is configured
#   2. /dynamic-cached  a shell with one streamed hole (prices read after Connection())
#   3. /static-cached   shell off (Strata__StaticShell__Enabled=false: every request renders, all parts cache hits)
#   4. Next.js 16 (../shared/anchors/nextjs, copied to $OUT, npm ci + next build + next start): /static-cached, the same way
# and prints a Markdown report (every round, the load average before and after each measurement) to stdout and to
# REPORT (default $OUT/report.md).
#
#   bench/http/static-shell.sh
#   ROUNDS=5 PORT=5090 NEXT_PORT=3100 SKIP_NEXT=1 PUBLISH=/path/to/published/storefront bench/http/static-shell.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PORT=${PORT:-5090}
NEXT_PORT=${NEXT_PORT:-3100}
export THREADS=${THREADS:-2} CONNS=${CONNS:-32} DURATION=${DURATION:-10s} WARMUP=${WARMUP:-3s} ROUNDS=${ROUNDS:-5}
OUT=${OUT:-/tmp/strata-bench-static-shell}
ANCHORS=${ANCHORS:-$ROOT/../shared/anchors}
BASE="http://127.0.0.1:$PORT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NEXT_TELEMETRY_DISABLED=1
mkdir -p "$OUT"
rm -rf "$OUT/kestrel-floor" && cp -r "$ANCHORS/kestrel-floor" "$OUT/kestrel-floor" && chmod -R u+w "$OUT/kestrel-floor"

PUBLISH=${PUBLISH:-}
if [ -z "$PUBLISH" ]; then
  echo "== dotnet publish samples/Storefront -c Release" >&2
  PUBLISH="$OUT/publish"
  dotnet publish samples/Storefront/Storefront.csproj -c Release -o "$PUBLISH" -nologo -v q >"$OUT/publish.log" 2>&1 || { tail -30 "$OUT/publish.log"; exit 1; }
fi

PID=
stop() { [ -n "$PID" ] || return 0; kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }
trap stop EXIT

# start_storefront NAME [ENV=VALUE...]: the published sample in Production, logging at Warning, a fresh database.
start_storefront() {
  local name=$1; shift
  rm -f "$OUT/storefront-$name.db"
  ( cd "$PUBLISH" && exec env ASPNETCORE_ENVIRONMENT=Production Storefront__Database="$OUT/storefront-$name.db" \
      Logging__LogLevel__Default=Warning "$@" dotnet Storefront.dll --urls "$BASE" ) >"$OUT/server-$name.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$BASE/api/upstream-calls" 2>/dev/null && break
    kill -0 "$PID" 2>/dev/null || { cat "$OUT/server-$name.log"; exit 1; }
    sleep 0.5
  done
  # The shells are made in the background after start-up; wait until /static-cached is served from one (it has an ETag),
  # or, with shells off, just fill the caches.
  for _ in $(seq 1 120); do
    curl -fsS -D - -o /dev/null "$BASE/static-cached" | grep -qi '^etag:' && return 0
    [ "$name" = "shell-off" ] && return 0
    sleep 0.5
  done
  echo "no static shell for /static-cached after 60 s; server log:" >&2; cat "$OUT/server-$name.log" >&2; exit 1
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

# floor TITLE BASE PATH: one measurement section of the report
floor() {
  local title=$1 base=$2 path=$3 before after rounds headers
  echo "== $title" >&2
  before=$(load)
  rounds=$(OUT="$OUT/floor" "$OUT/kestrel-floor/run.sh" "$base" "$path")
  after=$(load)
  headers=$(curl -fsS -D - -o /dev/null "$base$path" | grep -iE '^(x-strata-cache|x-nextjs-cache|etag|cache-control):' | tr -d '\r' | sort | paste -sd ';' -)
  printf '\n## %s\n\n`%s%s` — load average %s before, %s after. Response headers: %s\n\n```\n%s\n```\n' \
    "$title" "$base" "$path" "$before" "$after" "${headers:-none of x-strata-cache/etag/cache-control}" "$rounds"
  SUMMARY+=("| $title | $(tail -1 <<<"$rounds" | awk '{print $2}') | $before → $after |")
}

SUMMARY=()
exec > >(tee "${REPORT:-$OUT/report.md}")
printf '# Static shell vs the Kestrel floor and Next.js — %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
printf 'Commit %s. `bench/http/static-shell.sh` (ROUNDS=%s, wrk -t%s -c%s, %s warm-up + %s per measurement; server and\n' \
  "$(git rev-parse --short HEAD)" "$ROUNDS" "$THREADS" "$CONNS" "$WARMUP" "$DURATION"
printf 'floor alternating in each round; ratio = server req/s / floor req/s, median of the rounds). Machine: %s cores.\n' "$(nproc)"

# The host's per-request diagnostics: whenever the Microsoft.AspNetCore.Hosting.Diagnostics logger is enabled at any level
# (the Storefront's appsettings enable Warning), ASP.NET Core starts an Activity and a logging scope for every request,
# which costs more than serving a shell. The floor has no logging at all. Measured both ways (docs/web/static-shell.md).
start_storefront shell-on-quiet-host "Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=None"
floor "Shell on, host's per-request diagnostics off: /static-cached (bytes alone, served by app.UseStrataShells())" "$BASE" /static-cached
stop

start_storefront shell-on
floor "Shell on: /static-cached (bytes alone, served by app.UseStrataShells())" "$BASE" /static-cached
floor "Shell with one streamed hole: /dynamic-cached" "$BASE" /dynamic-cached
stop

start_storefront shell-off Strata__StaticShell__Enabled=false
floor "Shell off: /static-cached rendered per request (all parts cache hits)" "$BASE" /static-cached
stop

if [ -z "${SKIP_NEXT:-}" ]; then
  NEXT="$OUT/nextjs"
  if [ ! -d "$NEXT/.next" ]; then
    echo "== npm ci + next build ($NEXT)" >&2
    rm -rf "$NEXT" && cp -r "$ANCHORS/nextjs" "$NEXT" && chmod -R u+w "$NEXT"
    ( cd "$NEXT" && npm ci --no-audit --no-fund >"$OUT/npm.log" 2>&1 && node_modules/.bin/next build >"$OUT/next-build.log" 2>&1 ) \
      || { tail -30 "$OUT/npm.log" "$OUT/next-build.log" >&2; exit 1; }
  fi
  ( cd "$NEXT" && NODE_ENV=production exec node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$NEXT_PORT" ) >"$OUT/next.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$NEXT_PORT/static-cached" 2>/dev/null && break; sleep 0.5; done
  floor "Next.js $(cd "$NEXT" && node -p 'require("next/package.json").version'): /static-cached (prerendered at build time)" "http://127.0.0.1:$NEXT_PORT" /static-cached
  stop
fi

printf '\n## Summary (median ratio to the Kestrel floor)\n\n| measurement | ratio | load average |\n|---|---:|---|\n'
printf '%s\n' "${SUMMARY[@]}"
