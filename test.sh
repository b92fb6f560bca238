#!/usr/bin/env bash
# Builds and runs every test project, then prints "N passed, N failed, N skipped" summed over all of them.
# Installs what the tests need when it is missing: redis-server, chromium, and clang and zlib1g-dev for the Native AOT
# publish of the packaging tests (Debian packages, via apt-get; the ILCompiler packages come from NuGet at restore).
#
#   ./test.sh                 every test project under tests/
#   ./test.sh Strata.Tests    only the projects whose name contains one of the words given
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
OUT=.test-output
rm -rf "$OUT"
mkdir -p "$OUT"

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v clang >/dev/null 2>&1 || need+=(clang)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]} (apt-get)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >"$OUT/apt.log" 2>&1
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >>"$OUT/apt.log" 2>&1; then
    tail -20 "$OUT/apt.log"; echo "could not install ${need[*]}"; echo "0 passed, 1 failed"; exit 1
  fi
fi

projects=()
for p in tests/*/*.csproj; do
  name=$(basename "$p" .csproj)
  if [ $# -gt 0 ]; then
    keep=0; for w in "$@"; do [[ "$name" == *"$w"* ]] && keep=1; done
    [ $keep -eq 1 ] || continue
  fi
  projects+=("$p")
done

echo "== building"
if ! dotnet build Strata.slnx -c Release -nologo -v q -clp:NoSummary >"$OUT/build.log" 2>&1; then
  grep -E "error|Error" "$OUT/build.log" | sort -u | head -40
  echo "build failed (full log: $OUT/build.log)"
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
for p in "${projects[@]}"; do
  name=$(basename "$p" .csproj)
  echo "== $name"
  start=$(date +%s)
  dotnet test "$p" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$OUT/$name" 2>&1 | tee "$OUT/$name.log" | grep -E "^\s*(Failed|Passed!|Failed!|Skipped)|error" | head -60
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  echo "   ($(( $(date +%s) - start )) s)"
done

python3 - "$OUT" "$status" <<'PY'
import glob, re, sys
out, status = sys.argv[1], int(sys.argv[2])
passed = failed = skipped = 0
files = glob.glob(f"{out}/**/*.trx", recursive=True)
for f in files:
    text = open(f, encoding="utf-8", errors="replace").read()
    m = re.search(r'<Counters [^>]*>', text)
    if not m:
        continue
    attrs = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    passed += int(attrs.get("passed", 0))
    failed += int(attrs.get("failed", 0)) + int(attrs.get("error", 0)) + int(attrs.get("timeout", 0)) + int(attrs.get("aborted", 0))
    skipped += int(attrs.get("notExecuted", 0))
    # Why each test failed, so that a CI log that shows only this tail still says what to look at.
    for r in re.finditer(r'<UnitTestResult [^>]*testName="([^"]+)"[^>]*outcome="Failed"[^>]*>(.*?)</UnitTestResult>', text, re.S):
        message = re.search(r'<Message>(.*?)</Message>', r.group(2), re.S)
        trace = re.search(r'<StackTrace>(.*?)</StackTrace>', r.group(2), re.S)
        print(f"FAILED {r.group(1)}")
        for line in ((message.group(1) if message else "").strip().splitlines()[:12] + [l for l in (trace.group(1) if trace else "").splitlines() if " in /" in l][:3]):
            print("   " + line.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&#xD;", "").strip())
if status != 0 and failed == 0:
    failed = 1  # a test host crashed or a project did not report
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
