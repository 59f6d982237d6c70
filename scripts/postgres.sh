#!/usr/bin/env bash
# Local PostgreSQL for Superset's metadata, the demo warehouse and the integration tests (Debian
# `postgresql` package, PostgreSQL 15 on bookworm). A cluster of the project's own, not Debian's `main` one.
#
#   scripts/postgres.sh start          initdb if needed, start on 127.0.0.1:${PG_PORT:-5433}, ensure
#                                      role `warehouse`, its database `warehouse` (table public.orders,
#                                      for the tests) and the demo warehouse database `sales`
#                                      (orders, customers: scripts/demo-data.py --sql)
#   scripts/postgres.sh metadata-db DB ensure role `superset` and its database DB (Superset's metadata;
#                                      scripts/superset.sh calls it); prints `created` for a new DB
#   scripts/postgres.sh stop           pg_ctl stop -m fast (succeeds when not running)
#   scripts/postgres.sh status         exit 0 only when running and accepting connections
#   scripts/postgres.sh psql [ARGS]    psql as superuser `postgres` over the Unix socket, database
#                                      `warehouse` unless ARGS name one (-d DB, or DB as first argument)
#
# State: ${PG_HOME:-.run/postgres}/{data,socket,postgres.log}. TCP listens on 127.0.0.1 only and
# needs a password (scram-sha-256); the socket is `trust`. Role `warehouse` (LOGIN) gets
# $WAREHOUSE_PASSWORD (default warehouse-demo-pw-1) when it is created, never afterwards, so an
# ALTER ROLE ... PASSWORD survives restarts; role `superset` likewise gets $SUPERSET_DB_PASSWORD
# (default superset-metadata-pw-1). Environment: PG_PORT (5433), PG_HOME, WAREHOUSE_PASSWORD,
# SUPERSET_DB_PASSWORD, PG_START_TIMEOUT (30 s). As root, the server runs as the system user
# `postgres` (PostgreSQL refuses root); otherwise as the calling user.
# shellcheck disable=SC2016 # single-quoted bash -c programs and literal $NAMES in messages
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_HOME="${PG_HOME:-$REPO_ROOT/.run/postgres}"
HOST=127.0.0.1
PG_PORT="${PG_PORT:-5433}"
START_TIMEOUT="${PG_START_TIMEOUT:-30}"
WAREHOUSE_DB=warehouse
WAREHOUSE_ROLE=warehouse
DEFAULT_WAREHOUSE_PASSWORD=warehouse-demo-pw-1
DEMO_DB=sales
METADATA_ROLE=superset
DEFAULT_METADATA_PASSWORD=superset-metadata-pw-1
PG_USER=postgres # OS user that runs the server when we are root; also the superuser role

mkdir -p "$PG_HOME"
PG_HOME="$(cd "$PG_HOME" && pwd)"
DATA="$PG_HOME/data"
SOCK="$PG_HOME/socket"
LOG="$PG_HOME/postgres.log"

NAME=postgres
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# One postgres.sh at a time changes the server.
lock() { take_lock "$PG_HOME/.lock" 180; }

IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

# as_pg CMD...: run CMD as the server's OS user (runuser as root), from / (the caller's
# directory may be unreadable for that user), with only fds 0-2: the server started by pg_ctl
# must hold neither our lock (fd 9) nor a pipe of whoever called us.
as_pg() {
  (
    cd /
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      if ((fd > 2 && fd != 255)); then eval "exec $fd>&-"; fi
    done
    if ((IS_ROOT)); then
      exec runuser -u "$PG_USER" -- "$@"
    else
      exec "$@"
    fi
  )
}

# --- installation --------------------------------------------------------------------

# PG_BIN: /usr/lib/postgresql/<major>/bin, the cluster's major when it exists, else the newest.
find_bin() {
  local major dir
  if [[ -f "$DATA/PG_VERSION" ]]; then
    major=$(<"$DATA/PG_VERSION")
    dir=/usr/lib/postgresql/$major/bin
    [[ -x "$dir/pg_ctl" ]] ||
      die "$DATA is a PostgreSQL $major cluster but $dir/pg_ctl is missing (apt-get install postgresql-$major, or remove $DATA)"
    printf '%s' "$dir"
    return 0
  fi
  dir=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' -printf '%h\n' 2>/dev/null |
    sort -V | tail -n 1)
  [[ -n "$dir" ]] && printf '%s' "$dir"
  return 0
}

ensure_installed() {
  PG_BIN=$(find_bin)
  if [[ -z "$PG_BIN" ]]; then
    say "package 'postgresql' is missing: installing it with apt-get"
    local sudo=()
    if ((!IS_ROOT)); then
      command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install the 'postgresql' package by hand"
      sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
    PG_BIN=$(find_bin)
    [[ -n "$PG_BIN" ]] || die "apt-get install postgresql did not provide /usr/lib/postgresql/*/bin/initdb"
  fi
  if ((IS_ROOT)); then
    id -u "$PG_USER" >/dev/null 2>&1 || die "system user '$PG_USER' is missing (it comes with Debian's postgresql-common)"
  fi
}

# The server's user must reach $PG_HOME. Directories under $REPO_ROOT/.run get o+x when they
# lack it; any other directory on the way is reported, not changed.
ensure_reachable() {
  ((IS_ROOT)) || return 0
  as_pg test -x "$PG_HOME" && return 0
  local dir=$PG_HOME path=() d
  while [[ "$dir" != / ]]; do
    path=("$dir" "${path[@]}")
    dir=$(dirname "$dir")
  done
  for d in "${path[@]}"; do
    as_pg test -x "$d" && continue
    if [[ "$d/" == "$REPO_ROOT/.run/"* ]]; then
      chmod o+x "$d"
      say "chmod o+x ${d#"$REPO_ROOT"/} (for user $PG_USER)"
    else
      die "user $PG_USER cannot enter $d ($(stat -c '%A %U' "$d")): chmod o+x it, or set PG_HOME to a directory $PG_USER can reach"
    fi
  done
  as_pg test -x "$PG_HOME" || die "user $PG_USER still cannot enter $PG_HOME"
}

# prepare_dirs: socket dir and log owned by the server's user (the data dir is made by init_cluster).
prepare_dirs() {
  mkdir -p "$SOCK"
  # A Unix socket path is limited to 107 bytes.
  ((${#SOCK} + 16 <= 107)) || die "socket path $SOCK/.s.PGSQL.$PG_PORT is too long; set PG_HOME to a shorter path"
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.prev"
  : >"$LOG"
  if ((IS_ROOT)); then
    chown "$PG_USER:" "$SOCK" "$LOG"
    [[ -d "$DATA" ]] && chown -R "$PG_USER:" "$DATA"
  fi
  chmod 755 "$SOCK"
  return 0
}

# init_cluster: initdb into data.init, then rename (a failed initdb leaves no half cluster).
init_cluster() {
  [[ -f "$DATA/PG_VERSION" ]] && return 0
  [[ -e "$DATA" ]] && die "$DATA exists but is not a cluster (no PG_VERSION): remove it"
  local tmp="$PG_HOME/data.init" t0
  t0=$(now)
  rm -rf "$tmp"
  mkdir -m 700 "$tmp"
  ((IS_ROOT)) && chown "$PG_USER:" "$tmp"
  if ! as_pg "$PG_BIN/initdb" -D "$tmp" --username="$PG_USER" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-instructions \
    >"$PG_HOME/initdb.log" 2>&1; then
    cat "$PG_HOME/initdb.log" >&2
    rm -rf "$tmp"
    die "initdb failed (output above)"
  fi
  # Settings of this project live in superset-gitops.conf, rewritten on every start.
  printf "\n# added by scripts/postgres.sh\ninclude_if_exists = 'superset-gitops.conf'\n" >>"$tmp/postgresql.conf"
  mv "$tmp" "$DATA"
  say "initdb: PostgreSQL $(<"$DATA/PG_VERSION") cluster in ${DATA#"$REPO_ROOT"/} ($(since "$t0") s)"
}

write_config() {
  local conf="$DATA/superset-gitops.conf"
  cat >"$conf" <<EOF
# generated by scripts/postgres.sh; rewritten on every start
listen_addresses = '$HOST'
port = $PG_PORT
unix_socket_directories = '$SOCK'
EOF
  ((IS_ROOT)) && chown "$PG_USER:" "$conf"
  return 0
}

# --- probes --------------------------------------------------------------------------

# running: pg_ctl status says a postmaster runs on $DATA.
running() {
  [[ -f "$DATA/PG_VERSION" ]] || return 1
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}
server_pid() { head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true; }
ready() { # accepts connections on both the socket and TCP
  # As an existing role (the default, the caller's name, would log "role does not exist"):
  # trust on the socket; on TCP the server asks for a password, pg_isready hangs up, no log line.
  "$PG_BIN/pg_isready" -q -h "$SOCK" -p "$PG_PORT" -U "$PG_USER" -d postgres -t 2 &&
    "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -t 2
}
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null; }

fail_with_log() {
  printf 'postgres: ERROR: %s; last 40 lines of %s:\n' "$1" "$LOG" >&2
  tail -n 40 "$LOG" >&2 || true
  exit 1
}

# wait_ready: 0 once it accepts connections, 1 if the postmaster is gone; dies on timeout.
wait_ready() {
  local t0
  t0=$(now)
  until ready; do
    running || return 1
    if awk -v e="$(since "$t0")" -v t="$START_TIMEOUT" 'BEGIN { exit !(e >= t) }'; then
      fail_with_log "not accepting connections on $HOST:$PG_PORT within $START_TIMEOUT s"
    fi
    sleep 0.1
  done
}

# --- warehouse -----------------------------------------------------------------------

# psql_super ARGS...: psql as superuser over the socket (local connections are `trust`).
psql_super() {
  PGHOST="$SOCK" PGPORT="$PG_PORT" PGUSER="$PG_USER" PGDATABASE=postgres \
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

# ensure_warehouse: role, database and demo table, each only when missing. The password goes
# through the environment (\getenv), never through argv or the output.
ensure_warehouse() {
  local created
  created=$(PG_WAREHOUSE_PW="${WAREHOUSE_PASSWORD:-$DEFAULT_WAREHOUSE_PASSWORD}" psql_super -t -A <<SQL
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$WAREHOUSE_ROLE') AS need_role \gset
\if :need_role
\getenv pw PG_WAREHOUSE_PW
CREATE ROLE $WAREHOUSE_ROLE LOGIN PASSWORD :'pw';
\unset pw
\echo role
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$WAREHOUSE_DB') AS need_db \gset
\if :need_db
CREATE DATABASE $WAREHOUSE_DB OWNER $WAREHOUSE_ROLE;
\echo database
\endif
\connect $WAREHOUSE_DB
SELECT to_regclass('public.orders') IS NULL AS need_orders \gset
\if :need_orders
BEGIN;
SET LOCAL ROLE $WAREHOUSE_ROLE;
CREATE TABLE public.orders (
  id int PRIMARY KEY,
  region text NOT NULL,
  amount numeric(10, 2) NOT NULL,
  ordered_at date NOT NULL
);
INSERT INTO public.orders (id, region, amount, ordered_at)
SELECT i,
       (ARRAY['north', 'south', 'east', 'west'])[1 + i % 4],
       round(10 + (i * 37) % 500 + (i % 7) * 0.25, 2),
       date '2024-01-01' + (i * 7) % 365
FROM generate_series(1, 50) AS i;
COMMIT;
\echo table
\endif
\connect postgres
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DEMO_DB') AS need_demo \gset
\if :need_demo
CREATE DATABASE $DEMO_DB OWNER $WAREHOUSE_ROLE;
\echo $DEMO_DB
\endif
SQL
  ) || die "creating the warehouse role/database/table failed (see above)"
  if [[ "$(psql_super -d "$DEMO_DB" -t -A -c "SELECT to_regclass('public.orders') IS NULL")" == t ]]; then
    # The demo's tables, made by the role that owns the database, in one transaction.
    python3 "$REPO_ROOT/scripts/demo-data.py" --sql --role "$WAREHOUSE_ROLE" | psql_super -d "$DEMO_DB" ||
      die "loading the demo warehouse into database $DEMO_DB failed (see above)"
    created+=$'\n'"$DEMO_DB-tables"
  fi
  created=$(printf '%s' "$created" | tr '\n' ' ')
  created=${created% }
  local pw_from='the default password'
  [[ -n "${WAREHOUSE_PASSWORD:-}" ]] && pw_from='password from $WAREHOUSE_PASSWORD'
  if [[ " $created " == *" role "* ]]; then
    say "created ${created// /, } (role $WAREHOUSE_ROLE: $pw_from)"
  elif [[ -n "$created" ]]; then
    say "created ${created// /, }"
  elif [[ -n "${WAREHOUSE_PASSWORD:-}" ]]; then
    say "role $WAREHOUSE_ROLE exists: its password is left as is, \$WAREHOUSE_PASSWORD is not applied" \
      "(to change it: scripts/postgres.sh psql -c \"ALTER ROLE $WAREHOUSE_ROLE PASSWORD '...'\")"
  fi
}

# ensure_metadata_db DB: role `superset` (LOGIN, password from $SUPERSET_DB_PASSWORD when created) and
# database DB owned by it, each only when missing. Prints `created` when DB is new.
ensure_metadata_db() {
  local db=$1
  [[ "$db" =~ ^[a-z][a-z0-9_]{0,62}$ ]] || die "metadata database name '$db': use a-z, 0-9 and _"
  PG_METADATA_PW="${SUPERSET_DB_PASSWORD:-$DEFAULT_METADATA_PASSWORD}" psql_super -t -A <<SQL ||
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$METADATA_ROLE') AS need_role \gset
\if :need_role
\getenv pw PG_METADATA_PW
CREATE ROLE $METADATA_ROLE LOGIN PASSWORD :'pw';
\unset pw
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$db') AS need_db \gset
\if :need_db
CREATE DATABASE $db OWNER $METADATA_ROLE;
\echo created
\endif
SQL
    die "creating Superset's metadata database $db failed (see above)"
}

# --- commands ------------------------------------------------------------------------

cmd_start() {
  local t0
  t0=$(now)
  ensure_installed
  if running; then
    if wait_ready; then
      ensure_warehouse
      say "already running on $HOST:$PG_PORT (pid $(server_pid))"
      return 0
    fi
    say "the server (pid $(server_pid)) exited while we waited for it: starting it again"
  fi
  port_open "$PG_PORT" && die "port $PG_PORT is in use by something that is not this PostgreSQL"
  ensure_reachable
  prepare_dirs
  init_cluster
  write_config
  # -w: pg_ctl returns once the postmaster reports ready, or fails when it exits or times out.
  if ! as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t "$START_TIMEOUT" start >/dev/null </dev/null; then
    fail_with_log "pg_ctl start failed"
  fi
  wait_ready || fail_with_log "the server exited after starting"
  ensure_warehouse
  say "ready on $HOST:$PG_PORT, database $WAREHOUSE_DB (pid $(server_pid); $(since "$t0") s)"
}

cmd_stop() {
  local pid
  PG_BIN=$(find_bin)
  if [[ -z "$PG_BIN" ]] || ! running; then
    if port_open "$PG_PORT"; then
      say "WARNING: something not started by this script listens on $HOST:$PG_PORT; left alone"
    else
      say "not running on $HOST:$PG_PORT"
    fi
    return 0
  fi
  pid=$(server_pid)
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null </dev/null ||
    fail_with_log "pg_ctl stop failed"
  for _ in $(seq 1 50); do
    port_open "$PG_PORT" || break
    sleep 0.1
  done
  port_open "$PG_PORT" && die "port $PG_PORT is still open after stopping pid $pid"
  say "stopped pid $pid ($HOST:$PG_PORT)"
}

cmd_status() {
  PG_BIN=$(find_bin)
  if [[ -n "$PG_BIN" ]] && running && ready; then
    say "running on $HOST:$PG_PORT (pid $(server_pid), PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}'), data ${DATA#"$REPO_ROOT"/})"
    return 0
  fi
  say "not running on $HOST:$PG_PORT"
  return 1
}

cmd_psql() {
  PG_BIN=$(find_bin)
  [[ -n "$PG_BIN" ]] || die "PostgreSQL is not installed (scripts/postgres.sh start installs it)"
  # PGDATABASE, not -d: a database given in ARGS (-d DB or a first non-option argument) wins.
  PGHOST="$SOCK" PGPORT="$PG_PORT" PGUSER="$PG_USER" PGDATABASE="$WAREHOUSE_DB" \
    exec "$PG_BIN/psql" "$@"
}

usage() {
  sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  start | stop) lock ;;
esac
case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  psql)
    shift
    cmd_psql "$@"
    ;;
  metadata-db)
    [[ $# -eq 2 ]] || die "usage: scripts/postgres.sh metadata-db DB"
    PG_BIN=$(find_bin)
    if [[ -z "$PG_BIN" ]] || ! running || ! ready; then die "not running: scripts/postgres.sh start first"; fi
    ensure_metadata_db "$2"
    ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
