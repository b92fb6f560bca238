#!/usr/bin/env bash
# Redis faults under load (issue 14): slow replies, near-threshold replies, a black hole and reset connections, each with
# and without the local tier, two instances sharing one redis-server through a TCP proxy each. Writes the table to
# bench/results/redis-faults-<UTC time>.md with the load average beside it (the machine may be shared: compare rows of one run).
#
#   bench/faults.sh [seconds per fault window, default 6] [workers per instance, default 8]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=bench/results/redis-faults-$stamp.md
dotnet build bench/Strata.Redis.Benchmarks -c Release -v q -nologo -clp:NoSummary >/dev/null
before=$(cut -d' ' -f1-3 /proc/loadavg)
table=$(dotnet bench/Strata.Redis.Benchmarks/bin/Release/net10.0/Strata.Redis.Benchmarks.dll faults "${1:-6}" "${2:-8}")
after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# Redis faults under load ($stamp, commit $(git rev-parse --short HEAD))"
  echo
  echo "Load average before: $before; after: $after ($(nproc) cores). Options at their defaults except LocalCacheSize."
  echo
  echo "$table"
} >"$out"
echo "$out"
