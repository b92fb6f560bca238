#!/usr/bin/env bash
# Server function by fetch vs a hand-written minimal API endpoint doing the same work, in the same run: publishes the
# Storefront sample, runs it in Production on 127.0.0.1:$PORT, and loads with wrk (POST, JSON in and out, same-origin):
#   - POST /api/quote         {"productId":3,"quantity":2}            (minimal API, MapPost + record binding)
#   - POST /products/shoes    [3,2] with Strata-Action: <id>          (QuoteActions.Quote, a [UseServer] function)
# The two are measured alternately, ROUNDS times each, and the report gives every round and the median ratio.
#
#   bench/http/server-functions.sh
#   PORT=5091 DURATION=10s CONNS=32 THREADS=2 ROUNDS=3 bench/http/server-functions.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PORT=${PORT:-5091}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-/tmp/strata-bench-server-functions}
BASE="http://127.0.0.1:$PORT"
STAMP=$(date -u +%Y-%m-%dT%H%MZ)
REPORT=${REPORT:-$ROOT/bench/results/server-functions-$STAMP.md}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf "$OUT"; mkdir -p "$OUT"

echo "== dotnet publish samples/Storefront -c Release" >&2
dotnet publish samples/Storefront/Storefront.csproj -c Release -o "$OUT/publish" -nologo -v q >"$OUT/publish.log" 2>&1 || { tail -30 "$OUT/publish.log"; exit 1; }

echo "== starting the published sample on $BASE (Production)" >&2
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

ID=$(curl -fsS "$BASE/api/actions/quote" | tr -d '"')
cat >"$OUT/endpoint.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"productId":3,"quantity":2}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = "$BASE"
LUA
cat >"$OUT/function.lua" <<LUA
wrk.method = "POST"
wrk.body = '[3,2]'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = "$BASE"
wrk.headers["Strata-Action"] = "$ID"
LUA

# Both answer the same quote.
E=$(curl -fsS -X POST -H 'Content-Type: application/json' -H "Origin: $BASE" -d '{"productId":3,"quantity":2}' "$BASE/api/quote")
F=$(curl -fsS -X POST -H 'Content-Type: application/json' -H "Origin: $BASE" -H "Strata-Action: $ID" -d '[3,2]' "$BASE/products/shoes")
[ "$E" = "$F" ] || { echo "the two answers differ: $E vs $F" >&2; exit 1; }

# measure NAME PATH -> "req/s p50 p99 errors"
measure() {
  local name=$1 path=$2 f="$OUT/wrk-$1-$3.txt"
  wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$OUT/$name.lua" "$BASE$path" >/dev/null 2>&1
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$OUT/$name.lua" "$BASE$path" >"$f" 2>&1
  local rps p50 p99 err
  rps=$(awk '/^Requests\/sec:/{print $2}' "$f")
  p50=$(awk '$1=="50%"{print $2}' "$f")
  p99=$(awk '$1=="99%"{print $2}' "$f")
  err=$(awk '/Non-2xx|Socket errors/{print}' "$f" | tr '\n' ' ')
  echo "$rps|$p50|$p99|${err:-0}"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=""
RATIOS=""
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r: wrk -t$THREADS -c$CONNS -d$DURATION" >&2
  IFS='|' read -r E_RPS E_P50 E_P99 E_ERR < <(measure endpoint /api/quote "$r")
  IFS='|' read -r F_RPS F_P50 F_P99 F_ERR < <(measure function /products/shoes "$r")
  RATIO=$(awk -v f="$F_RPS" -v e="$E_RPS" 'BEGIN{printf "%.3f", f/e}')
  RATIOS="$RATIOS $RATIO"
  ROWS="$ROWS| $r | $E_RPS | $E_P50 | $E_P99 | $F_RPS | $F_P50 | $F_P99 | $RATIO | $E_ERR / $F_ERR |"$'\n'
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
MEDIAN=$(echo "$RATIOS" | tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')

{
  echo "# Server function by fetch vs a minimal API endpoint — $STAMP"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); .NET SDK $(dotnet --version); commit $(git rev-parse --short HEAD)."
  echo "Server: the Storefront sample, \`dotnet publish -c Release\`, Production, logging at Warning; wrk on the same machine,"
  echo "\`wrk -t$THREADS -c$CONNS -d$DURATION --latency\` after a $WARMUP warm-up, the two measured alternately, $ROUNDS rounds."
  echo "Load average before: $LOAD_BEFORE, after: $LOAD_AFTER (other helpers build on the same 2 cores: compare within a round)."
  echo
  echo "Same work on both sides: \`Quotes.Compute(3, 2)\` (no I/O), JSON in and out, same answer (\`$E\`)."
  echo "- endpoint: \`app.MapPost(\"/api/quote\", (QuoteRequest r) => Quotes.Compute(r.ProductId, r.Quantity))\`, body \`{\"productId\":3,\"quantity\":2}\`"
  echo "- server function: \`[UseServer] static Task<Quote?> Quote(int productId, int quantity)\`, \`POST /products/shoes\` with \`Strata-Action\`, body \`[3,2]\`"
  echo "  (origin check, body limit, id lookup, typed argument binding, Action phase request scope, JSON result)"
  echo
  echo "| round | endpoint req/s | p50 | p99 | server function req/s | p50 | p99 | function/endpoint | errors (endpoint / function) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf "%s" "$ROWS"
  echo
  echo "Median throughput ratio (server function / endpoint): **$MEDIAN**"
} >"$REPORT"
cat "$REPORT"
