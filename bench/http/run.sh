#!/usr/bin/env bash
# HTTP load benchmark of the Storefront sample: publishes it in Release, runs the published app (Production) on
# 127.0.0.1:$PORT with a fresh database, warms up, measures /product/1 and /products/shoes with wrk, then runs the
# anchors' measure.sh (the same commands that measured Next.js 16) against it, and writes a report to bench/results/.
#
#   bench/http/run.sh                         # defaults below
#   PORT=5090 DURATION=10s CONNS=32 THREADS=2 WARMUP=3s bench/http/run.sh
#
# wrk runs on the same machine as the server (as for the Next.js anchor); only loopback addresses are measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PORT=${PORT:-5090}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
OUT=${OUT:-/tmp/strata-bench-http}
ANCHORS=${ANCHORS:-$ROOT/../shared/anchors}
BASE="http://127.0.0.1:$PORT"
STAMP=$(date -u +%Y-%m-%dT%H%MZ)
REPORT=${REPORT:-$ROOT/bench/results/http-$STAMP.md}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf "$OUT"; mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
  echo "== installing wrk (apt-get)" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq wrk >/dev/null
fi

echo "== dotnet publish samples/Storefront -c Release" >&2
dotnet publish samples/Storefront/Storefront.csproj -c Release -o "$OUT/publish" -nologo -v q >"$OUT/publish.log" 2>&1 || { tail -30 "$OUT/publish.log"; exit 1; }

echo "== starting the published sample on $BASE (Production)" >&2
# Run from the publish folder: a Release build run from bin/ in Production does not find the Blazor static files.
( cd "$OUT/publish" && exec env ASPNETCORE_ENVIRONMENT=Production Storefront__Database="$OUT/storefront.db" \
    Logging__LogLevel__Default=Warning dotnet Storefront.dll --urls "$BASE" ) >"$OUT/server.log" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "$BASE/api/upstream-calls" 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
  sleep 0.5
done

# measure NAME PATH -> "req/s p50 p99 transfer errors"
measure() {
  local name=$1 path=$2 f="$OUT/wrk-$1.txt"
  curl -fsS -o /dev/null "$BASE$path"                                   # fill the caches
  wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "$BASE$path" >/dev/null 2>&1  # JIT and caches warm
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$BASE$path" >"$f" 2>&1
  local rps p50 p99 tr err
  rps=$(awk '/^Requests\/sec:/{print $2}' "$f")
  p50=$(awk '$1=="50%"{print $2}' "$f")
  p99=$(awk '$1=="99%"{print $2}' "$f")
  tr=$(awk '/^Transfer\/sec:/{print $2}' "$f")
  err=$(awk '/Non-2xx|Socket errors/{print}' "$f" | tr '\n' ' ')
  echo "$rps|$p50|$p99|$tr|${err:-0}"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== wrk -t$THREADS -c$CONNS -d$DURATION on /product/1 and /products/shoes" >&2
IFS='|' read -r P_RPS P_P50 P_P99 P_TR P_ERR < <(measure product /product/1)
IFS='|' read -r C_RPS C_P50 C_P99 C_TR C_ERR < <(measure category /products/shoes)
CALLS=$(curl -fsS "$BASE/api/upstream-calls")

ANCHOR_OUT="$OUT/anchor"
if [ -x "$ANCHORS/measure.sh" ]; then
  echo "== anchors/measure.sh (the Next.js comparison routes)" >&2
  OUT="$ANCHOR_OUT" THREADS=$THREADS CONNS=$CONNS DURATION=$DURATION WARMUP=$WARMUP \
    "$ANCHORS/measure.sh" "$BASE" "$PID" "Strata Storefront (.NET $(dotnet --version), Release, Production)" >"$OUT/anchor.txt" 2>&1 || true
else
  echo "(no $ANCHORS/measure.sh: skipping the anchor comparison)" >"$OUT/anchor.txt"
fi

{
  echo "# HTTP load: Storefront sample — $STAMP"
  echo
  echo "Machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/{gsub(/^ +/,"",$2);print $2}'); .NET SDK $(dotnet --version)."
  echo "Server: \`dotnet publish -c Release\`, run from the publish folder in Production; wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}') on the same machine,"
  echo "\`wrk -t$THREADS -c$CONNS -d$DURATION --latency\` after one request that fills the caches and a $WARMUP warm-up. Upstream latency 100 ms per query (misses only)."
  echo "Load average before the runs: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine competes for the 2 cores)."
  echo
  echo "| route | req/s | p50 | p99 | transfer/s | errors |"
  echo "|---|---:|---:|---:|---:|---|"
  echo "| /product/1 | $P_RPS | $P_P50 | $P_P99 | $P_TR | $P_ERR |"
  echo "| /products/shoes | $C_RPS | $C_P50 | $C_P99 | $C_TR | $C_ERR |"
  echo
  echo "Upstream calls after the runs (misses only): \`$CALLS\`"
  echo
  echo "## Anchor comparison (shared/anchors/measure.sh, the commands that measured Next.js 16.4.6)"
  echo
  echo '```'
  cat "$OUT/anchor.txt"
  echo '```'
} >"$REPORT"
cat "$REPORT"
