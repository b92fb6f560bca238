#!/usr/bin/env bash
# The HTTP check, run longer: the Storefront sample in its own process, concurrent visitors loading a product page while an
# admin saves that product every 100 ms; counts the page requests that start after a save's response and still show an
# older name or price (violations; 0 required). It is the test StorefrontConsistencyTests (tests/Strata.E2E.Tests), which
# ./test.sh runs for about 12 s; here it runs $SECONDS_TO_RUN seconds and writes its report to bench/results/.
#
#   bench/http/consistency.sh                 # 120 s
#   SECONDS_TO_RUN=600 bench/http/consistency.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SECONDS_TO_RUN=${SECONDS_TO_RUN:-120}
STAMP=$(date -u +%Y-%m-%dT%H%MZ)
REPORT=${REPORT:-$ROOT/bench/results/http-consistency-$STAMP.md}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== dotnet build tests/Strata.E2E.Tests -c Release (with the Storefront sample)" >&2
dotnet build tests/Strata.E2E.Tests -c Release -nologo -v q -clp:NoSummary >/dev/null

echo "== the HTTP check for $SECONDS_TO_RUN s" >&2
status=0
STRATA_HTTP_CHECK_SECONDS=$SECONDS_TO_RUN STRATA_HTTP_CHECK_REPORT=$REPORT \
  dotnet test tests/Strata.E2E.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~StorefrontConsistencyTests" --logger "console;verbosity=minimal" >&2 || status=$?
[ -f "$REPORT" ] && cat "$REPORT"
exit $status
