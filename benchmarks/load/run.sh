#!/usr/bin/env bash
# Load harness: starts the sample web host (Release, 127.0.0.1 only) and, in one run, measures
#   (a) GET /ping, a bare minimal-API route in the same host, and
#   (b) signed Twilio inbound webhooks that PhoneHub verifies and stores in SQLite,
# reports requests/s and p99 for both and their ratio, checks that every accepted webhook is stored exactly once
# (duplicate MessageSids, as provider retries, must not add rows), and measures the host's resident memory after a
# full GC before and after 100,000 webhook ingests. Stops by itself and kills only what it started.
#
# Usage: benchmarks/load/run.sh            (about 2-3 minutes on 2 cores, build included)
# Settings (environment): PORT (5199), CONNECTIONS (32), LOAD_SECONDS per measured phase (15), WARMUP_SECONDS (3),
#                          INGEST_TOTAL webhook requests between the two memory readings (100000).
set -euo pipefail
# The whole run is bounded: under timeout, a hung phase cannot keep the script (or the host) alive.
if [ -z "${PHONEHUB_LOAD_BOUNDED:-}" ]; then
  PHONEHUB_LOAD_BOUNDED=1 exec timeout --kill-after=15 "${LOAD_TIMEOUT:-600}" "$0" "$@"
fi
cd "$(dirname "$0")/../.."

PORT="${PORT:-5199}"
CONNECTIONS="${CONNECTIONS:-32}"
LOAD_SECONDS="${LOAD_SECONDS:-15}"
WARMUP_SECONDS="${WARMUP_SECONDS:-3}"
INGEST_TOTAL="${INGEST_TOTAL:-100000}"
BASE="http://127.0.0.1:${PORT}"
TO_NUMBER="+14155550199"
ACCOUNT_SID="AC0123456789abcdef0123456789abcdef"
AUTH_TOKEN="load-test-auth-token-0123456789ab"

WORK="$(mktemp -d -t phonehub-load.XXXXXX)"
HOST_PID=""
cleanup() {
  if [ -n "$HOST_PID" ] && kill -0 "$HOST_PID" 2>/dev/null; then
    kill "$HOST_PID" 2>/dev/null || true
    wait "$HOST_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "load: stopped" >&2; exit 143' TERM INT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== build (Release)"
dotnet build -c Release -v q -nologo samples/PhoneHub.Samples.Web/PhoneHub.Samples.Web.csproj >"$WORK/build-web.log" 2>&1 || { cat "$WORK/build-web.log"; exit 1; }
dotnet build -c Release -v q -nologo benchmarks/PhoneHub.Benchmarks/PhoneHub.Benchmarks.csproj >"$WORK/build-bench.log" 2>&1 || { cat "$WORK/build-bench.log"; exit 1; }
WEB_DIR="$PWD/samples/PhoneHub.Samples.Web/bin/Release/net10.0"
BENCH_DLL="$PWD/benchmarks/PhoneHub.Benchmarks/bin/Release/net10.0/PhoneHub.Benchmarks.dll"
load() { dotnet "$BENCH_DLL" load "$@"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

echo "== machine: $(nproc) cores; $(free -h | awk '/^Mem:/ {print $2 " memory, " $7 " available"}')"
echo "== start the sample host on $BASE"
(
  cd "$WEB_DIR"
  exec env ASPNETCORE_ENVIRONMENT=Development \
    "ConnectionStrings__PhoneHub=Data Source=$WORK/load.db" \
    PHONEHUB_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64)" \
    Logging__LogLevel__Default=Warning Logging__LogLevel__PhoneHub=Warning "Logging__LogLevel__Microsoft.AspNetCore=Warning" \
    DOTNET_STARTUP_HOOKS="$BENCH_DLL" PHONEHUB_BENCH_RSS_FILE="$WORK/rss" \
    dotnet PhoneHub.Samples.Web.dll --urls "$BASE"
) >"$WORK/host.log" 2>&1 &
HOST_PID=$!
for _ in $(seq 1 120); do
  curl -fsS "$BASE/ping" >/dev/null 2>&1 && break
  kill -0 "$HOST_PID" 2>/dev/null || { echo "host exited:"; cat "$WORK/host.log"; exit 1; }
  sleep 0.25
done
curl -fsS "$BASE/ping" >/dev/null

echo "== tenant: a Twilio config owning $TO_NUMBER, with an auth token the script signs with"
DEV=(-H 'X-Dev-User: load' -H 'X-Dev-Group: loadtest' -H 'X-Dev-Permissions: manage_phone_config' -H 'Content-Type: application/json')
CONFIG="$(curl -fsS -X POST "$BASE/api/phonehub/config" "${DEV[@]}" \
  -d "{\"name\":\"Load test\",\"provider\":\"twilio\",\"settings\":{\"from_number\":\"$TO_NUMBER\"},\"test_mode\":true,\"is_active\":true}")"
CONFIG_ID="$(sed -n 's/^{"id":\([0-9]*\).*/\1/p' <<<"$CONFIG")"
curl -fsS -X POST "$BASE/api/phonehub/config/$CONFIG_ID/credentials" "${DEV[@]}" \
  -d "{\"account_sid\":\"$ACCOUNT_SID\",\"auth_token\":\"$AUTH_TOKEN\"}" >/dev/null
SIGN=(--token "$AUTH_TOKEN" --account "$ACCOUNT_SID" --to "$TO_NUMBER")

# The startup hook in the host answers SIGUSR1 with a full GC and appends its resident set size to $WORK/rss.
lines() { if [ -f "$WORK/rss" ]; then wc -l <"$WORK/rss"; else echo 0; fi; }
rss() {
  local before
  before=$(lines)
  kill -USR1 "$HOST_PID"
  for _ in $(seq 1 100); do
    [ "$(lines)" -gt "$before" ] && break
    sleep 0.1
  done
  [ "$(lines)" -gt "$before" ] || { echo "load: the host did not report its memory" >&2; exit 1; }
  tail -n 1 "$WORK/rss" | cut -d' ' -f1
}

echo "== warm-up (${WARMUP_SECONDS}s each, not counted)"
load ping --base "$BASE" --connections "$CONNECTIONS" --seconds "$WARMUP_SECONDS" >/dev/null
WARM="$(load webhook --base "$BASE" --connections "$CONNECTIONS" --seconds "$WARMUP_SECONDS" --prefix SMwarm "${SIGN[@]}")"
RSS_BEFORE="$(rss)"

echo "== (a) GET /ping, ${LOAD_SECONDS}s, $CONNECTIONS connections"
PING="$(load ping --base "$BASE" --connections "$CONNECTIONS" --seconds "$LOAD_SECONDS")"; echo "$PING"
echo "== (b) signed Twilio inbound webhooks, ${LOAD_SECONDS}s, $CONNECTIONS connections, every 10th a duplicate MessageSid"
HOOK="$(load webhook --base "$BASE" --connections "$CONNECTIONS" --seconds "$LOAD_SECONDS" --prefix SMmeas "${SIGN[@]}")"; echo "$HOOK"

SENT_SO_FAR=$(( $(field ok "$HOOK") + $(field non2xx "$HOOK") + $(field errors "$HOOK") ))
REST=$(( INGEST_TOTAL - SENT_SO_FAR ))
INGEST=""
if [ "$REST" -gt 0 ]; then
  echo "== ingest the rest of $INGEST_TOTAL webhooks since the first memory reading ($REST more)"
  INGEST="$(load webhook --base "$BASE" --connections "$CONNECTIONS" --count "$REST" --prefix SMingest "${SIGN[@]}")"; echo "$INGEST"
fi
RSS_AFTER="$(rss)"

echo "== stored exactly once? (rows per Sid prefix against the distinct Sids answered 200)"
CHECKS_OK=1
for result in "$WARM" "$HOOK" ${INGEST:+"$INGEST"}; do
  load check --db "$WORK/load.db" --prefix "$(field prefix "$result")" --expect "$(field distinct_accepted "$result")" || CHECKS_OK=0
done

PING_RPS="$(field rps "$PING")"; HOOK_RPS="$(field rps "$HOOK")"
RATIO="$(awk -v a="$HOOK_RPS" -v b="$PING_RPS" 'BEGIN { printf "%.2f", a / b }')"
GROWTH_MB="$(awk -v a="$RSS_AFTER" -v b="$RSS_BEFORE" 'BEGIN { printf "%.1f", (a - b) / 1048576 }')"
echo
echo "== summary"
printf '  GET /ping:          %7s req/s  p99 %s ms\n' "$PING_RPS" "$(field p99_ms "$PING")"
printf '  Twilio webhook:     %7s req/s  p99 %s ms  (non-2xx %s, errors %s)\n' "$HOOK_RPS" "$(field p99_ms "$HOOK")" "$(field non2xx "$HOOK")" "$(field errors "$HOOK")"
printf '  ratio webhook/ping: %s (target >= 0.50) %s\n' "$RATIO" "$(awk -v r="$RATIO" 'BEGIN { print (r >= 0.5) ? "MET" : "MISSED" }')"
printf '  loss check:         %s\n' "$([ "$CHECKS_OK" = 1 ] && echo 'OK: every accepted webhook stored once, no duplicate rows' || echo FAILED)"
printf '  RSS after full GC:  %.1f MB before, %.1f MB after %s webhook requests: growth %s MB (target <= 50) %s\n' \
  "$(awk -v a="$RSS_BEFORE" 'BEGIN { print a / 1048576 }')" "$(awk -v a="$RSS_AFTER" 'BEGIN { print a / 1048576 }')" "$INGEST_TOTAL" "$GROWTH_MB" \
  "$(awk -v g="$GROWTH_MB" 'BEGIN { print (g <= 50) ? "MET" : "MISSED" }')"
[ "$CHECKS_OK" = 1 ]
