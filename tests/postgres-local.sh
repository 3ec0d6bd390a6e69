#!/usr/bin/env bash
# Starts (or stops) the servers the tests use: a PostgreSQL and a Redis of their own, on loopback only, owned by an
# unprivileged user, holding nothing worth keeping (no fsync, no persistence). .ci/run uses it; so can a developer:
#
#   eval "$(bash tests/postgres-local.sh start)"   # starts both, prints the exports, sets them in this shell
#   dotnet test
#   bash tests/postgres-local.sh stop
#
# start DIR / stop DIR use DIR (default: $PHONEHUB_TEST_SERVERS or $TMPDIR/phonehub-test-servers) for data and logs.
# Ports: PHONEHUB_TEST_POSTGRES_PORT (55432) and PHONEHUB_TEST_REDIS_PORT (56379). Needs Debian's `postgresql` and
# `redis-server` packages (or the same binaries elsewhere). Run as root, it runs the servers as the system user
# `phonehub-test` (created when missing), because initdb refuses to run as root.
set -euo pipefail

command="${1:-}"
dir="${2:-${PHONEHUB_TEST_SERVERS:-${TMPDIR:-/tmp}/phonehub-test-servers}}"
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
pg_port="${PHONEHUB_TEST_POSTGRES_PORT:-55432}"
redis_port="${PHONEHUB_TEST_REDIS_PORT:-56379}"
run_user=phonehub-test

log() { printf '%s\n' "$*" >&2; }

pg_bin() {
  if [ -n "${PHONEHUB_PG_BIN:-}" ]; then
    printf '%s\n' "$PHONEHUB_PG_BIN"
    return
  fi
  local newest
  newest="$(ls -1 /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$newest" ] && [ -x "/usr/lib/postgresql/$newest/bin/initdb" ]; then
    printf '%s\n' "/usr/lib/postgresql/$newest/bin"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  else
    log "PostgreSQL server binaries not found: install Debian's 'postgresql' package or set PHONEHUB_PG_BIN."
    exit 1
  fi
}

# Runs a command as the unprivileged server owner (the current user unless that is root), from / so that the owner
# need not be able to enter the caller's folder.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$run_user" -- "$@")
  else
    "$@"
  fi
}

start() {
  local bin
  bin="$(pg_bin)"
  command -v redis-server >/dev/null 2>&1 || { log "redis-server not found: install Debian's 'redis-server' package."; exit 1; }

  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id "$run_user" >/dev/null 2>&1; then
      useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$run_user"
    fi
    chown "$run_user:" "$dir"
  fi
  chmod 755 "$dir"

  if [ ! -s "$dir/pg/PG_VERSION" ]; then
    # trust only over loopback TCP and this folder's socket; nothing listens anywhere else.
    as_owner "$bin/initdb" -D "$dir/pg" -U phonehub --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' | as_owner tee "$dir/pg/pg_hba.conf" >/dev/null
  fi

  if ! as_owner "$bin/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$dir/pg" -l "$dir/postgres.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >&2 || { cat "$dir/postgres.log" >&2; exit 1; }
  fi

  if [ ! -s "$dir/redis.pid" ] || ! kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
    as_owner redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes \
      --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    for _ in $(seq 1 100); do
      [ -s "$dir/redis.pid" ] && break
      sleep 0.1
    done
    [ -s "$dir/redis.pid" ] || { cat "$dir/redis.log" >&2 || true; log "redis-server did not start."; exit 1; }
  fi

  log "PostgreSQL on 127.0.0.1:$pg_port and Redis on 127.0.0.1:$redis_port (data and logs in $dir)."
  printf "export PHONEHUB_TEST_POSTGRES='Host=127.0.0.1;Port=%s;Username=phonehub;Database=postgres'\n" "$pg_port"
  printf "export PHONEHUB_TEST_REDIS='127.0.0.1:%s'\n" "$redis_port"
}

stop() {
  [ -d "$dir" ] || return 0
  local bin pid
  bin="$(pg_bin)"
  if [ -s "$dir/pg/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/pg" -m fast -w stop >&2 || true
  fi
  if [ -s "$dir/redis.pid" ]; then
    pid="$(cat "$dir/redis.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  # Only what start made; a folder holding anything else is left in place.
  rm -rf "$dir/pg" "$dir/redis.pid" "$dir/initdb.log" "$dir/postgres.log" "$dir/redis.log"
  rmdir "$dir" 2>/dev/null || log "Left $dir in place: it holds files the servers did not make."
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) log "usage: $0 start|stop [DIR]"; exit 2 ;;
esac
