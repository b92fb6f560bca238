#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt, and removes
# the ones it reports as gone (RS0017). Usage: eng/update-public-api.sh src/Strata/Strata.csproj [more projects...]
set -euo pipefail
cd "$(dirname "$0")/.."
for project in "$@"; do
  dir=$(dirname "$project")
  unshipped="$dir/PublicAPI.Unshipped.txt"
  log=$(mktemp)
  dotnet build "$project" -p:TreatWarningsAsErrors=false -nologo -clp:NoSummary >"$log" 2>&1 || true
  python3 - "$log" "$unshipped" <<'PY'
import re, sys
log, path = sys.argv[1], sys.argv[2]
text = open(log).read()
add = set(re.findall(r"RS0016: Symbol '(.+?)' is not part of the declared public API", text))
remove = set(re.findall(r"RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found", text))
lines = [l.rstrip('\n') for l in open(path)]
header = [l for l in lines if l.startswith('#')]
body = set(l for l in lines if l and not l.startswith('#'))
body = (body | add) - remove
open(path, 'w').write('\n'.join(header + sorted(body)) + '\n')
print(f"{path}: +{len(add)} -{len(remove)}")
PY
  rm -f "$log"
done
