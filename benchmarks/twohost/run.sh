#!/usr/bin/env bash
# The two-host harness: one PostgreSQL, one Redis and two PhoneHub web hosts on 127.0.0.1, all started and stopped
# here, driven by benchmarks/PhoneHub.TwoHost (which also serves a counting mock of Twilio). Prints what it checked:
# webhook deduplication, one provider lookup per number across hosts, dispatch exactly once within the per-sender
# rate for the sum of both hosts, and a host killed with SIGKILL half way through a queue.
#
#   bash benchmarks/twohost/run.sh
#
# Bounded: the build, the setup and the drive each stop after PHONEHUB_TWOHOST_TIMEOUT seconds (default 900), the
# hosts' start after 2 minutes; on any exit the script stops the hosts and the servers it started. Ports (override with the
# variables): PostgreSQL 55532, Redis 56479, hosts 55081 and 55082, mock Twilio 55090.
# Needs Debian's `postgresql` and `redis-server` packages (see tests/postgres-local.sh) and curl.
set -euo pipefail
cd "$(dirname "$0")/../.."

limit="${PHONEHUB_TWOHOST_TIMEOUT:-900}"
export PHONEHUB_TEST_POSTGRES_PORT="${PHONEHUB_TWOHOST_POSTGRES_PORT:-55532}"
export PHONEHUB_TEST_REDIS_PORT="${PHONEHUB_TWOHOST_REDIS_PORT:-56479}"
port_a="${PHONEHUB_TWOHOST_PORT_A:-55081}"
port_b="${PHONEHUB_TWOHOST_PORT_B:-55082}"
mock_port="${PHONEHUB_TWOHOST_MOCK_PORT:-55090}"

servers="$(mktemp -d "${TMPDIR:-/tmp}/phonehub-twohost-servers.XXXXXX")"
logs="$(mktemp -d "${TMPDIR:-/tmp}/phonehub-twohost-logs.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  bash tests/postgres-local.sh stop "$servers" || true
}
trap cleanup EXIT

eval "$(bash tests/postgres-local.sh start "$servers")"
timeout "$limit" dotnet build benchmarks/PhoneHub.TwoHost -c Release --nologo -v quiet >"$logs/build.log" 2>&1 || { cat "$logs/build.log"; exit 1; }
harness=(dotnet benchmarks/PhoneHub.TwoHost/bin/Release/net10.0/PhoneHub.TwoHost.dll)
common=(--postgres "$PHONEHUB_TEST_POSTGRES" --redis "$PHONEHUB_TEST_REDIS" --mock "http://127.0.0.1:$mock_port")

timeout "$limit" "${harness[@]}" setup "${common[@]}"

"${harness[@]}" host "${common[@]}" --name a --port "$port_a" >"$logs/host-a.log" 2>&1 &
host_a=$!
pids+=("$host_a")
"${harness[@]}" host "${common[@]}" --name b --port "$port_b" >"$logs/host-b.log" 2>&1 &
pids+=("$!")

for port in "$port_a" "$port_b"; do
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/harness/ready" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/harness/ready" >/dev/null || { echo "host on port $port did not start" >&2; cat "$logs"/host-*.log >&2; exit 1; }
done
echo "hosts: a on 127.0.0.1:$port_a (pid $host_a), b on 127.0.0.1:$port_b; $PHONEHUB_TEST_POSTGRES; Redis $PHONEHUB_TEST_REDIS"

status=0
timeout "$limit" "${harness[@]}" drive "${common[@]}" --hosts "http://127.0.0.1:$port_a,http://127.0.0.1:$port_b" --kill-pid "$host_a" || status=$?
if grep -q "fail\|crit" "$logs/host-b.log"; then
  echo "host b logged errors:" && grep -m 20 "fail\|crit" "$logs/host-b.log"
fi
echo "host logs (kept): $logs"
exit "$status"
