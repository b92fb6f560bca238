#!/usr/bin/env bash
# The CPU a server process spends per request, user and system mode apart, under wrk load: steadier than throughput on a
# 2-core machine, where wrk and the server share the cores. Run it against the server and against the Kestrel floor.
#
#   bench/http/cpu-per-request.sh PID URL        e.g. bench/http/cpu-per-request.sh 1234 http://127.0.0.1:5090/static-cached
#   env: THREADS=2 CONNS=32 DURATION=5s WARMUP=2s
set -euo pipefail
PID=${1:?usage: cpu-per-request.sh PID URL}; URL=${2:?usage: cpu-per-request.sh PID URL}
THREADS=${THREADS:-2}; CONNS=${CONNS:-32}; DURATION=${DURATION:-5s}; WARMUP=${WARMUP:-2s}
case "$URL" in http://127.*|http://localhost*) ;; *) echo "loopback only: $URL" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
ticks=$(getconf CLK_TCK)
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "$URL" >/dev/null 2>&1
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$PID/stat")
out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "$URL")
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$PID/stat")
requests=$(awk '/requests in/{print $1}' <<<"$out")
rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
python3 -c "t=1e6/$ticks/$requests; print(f'user {($u1-$u0)*t:.1f} us/request, system {($s1-$s0)*t:.1f} us/request, {$rps} req/s')"
