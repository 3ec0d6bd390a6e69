#!/usr/bin/env bash
# Time to the first normalization in a new process: libphonenumber alone (Parse + IsValidNumber + Format(E164)) against
# PhoneNormalizer.TryNormalize, each a whole `dotnet` process, with hyperfine. Rounds alternate which command goes
# first, so load that comes and goes on a shared machine falls on both; the ratio is of the medians over all runs.
# Usage: benchmarks/first-call.sh [rounds] [runs-per-round] [input] [region]
set -euo pipefail
rounds=${1:-10}
runs=${2:-10}
input=${3:-"(415) 555-1234"}
region=${4:-US}
here=$(cd "$(dirname "$0")" && pwd)
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install -y hyperfine)" >&2; exit 2; }
dotnet build -c Release "$here/PhoneHub.FirstCall" -v quiet -nologo >/dev/null
dll="$here/PhoneHub.FirstCall/bin/Release/net10.0/PhoneHub.FirstCall.dll"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
raw="dotnet $dll raw '$input' $region"
hub="dotnet $dll phonehub '$input' $region"
for ((i = 0; i < rounds; i++)); do
  if ((i % 2 == 0)); then first=$raw; second=$hub; else first=$hub; second=$raw; fi
  hyperfine -N -w 2 -r "$runs" --export-json "$out/$i.json" "$first" "$second" >/dev/null 2>&1
done
python3 - "$out" <<'PY'
import glob, json, statistics, sys
times = {"raw": [], "phonehub": []}
for path in glob.glob(sys.argv[1] + "/*.json"):
    for result in json.load(open(path))["results"]:
        times["phonehub" if " phonehub " in result["command"] else "raw"] += result["times"]
raw, hub = statistics.median(times["raw"]), statistics.median(times["phonehub"])
print(f"runs: {len(times['raw'])} each")
print(f"raw libphonenumber first call: median {raw * 1000:.1f} ms, min {min(times['raw']) * 1000:.1f} ms")
print(f"PhoneNormalizer first call:    median {hub * 1000:.1f} ms, min {min(times['phonehub']) * 1000:.1f} ms")
print(f"ratio of medians (PhoneHub / raw): {hub / raw:.3f}; of minimums: {min(times['phonehub']) / min(times['raw']):.3f}")
PY
