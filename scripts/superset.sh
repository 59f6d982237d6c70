#!/usr/bin/env bash
# Local Apache Superset for the demo and the integration tests: 6.1.0 unless SUPERSET_VERSION says
# another supported version (6.0.0, 5.0.0, 4.1.4).
#
#   scripts/superset.sh install   venv .venv/superset-<version> (pinned by
#                                 scripts/superset/constraints-<version>.txt), with psycopg2-binary for
#                                 PostgreSQL databases (scripts/postgres.sh); .venv/superset points at it
#   scripts/superset.sh init      metadata DB (PostgreSQL database superset_<version> of
#                                 scripts/postgres.sh, which it starts), admin user, roles (once per
#                                 version and database; marker file)
#   scripts/superset.sh start     install + init if needed, then gunicorn on 127.0.0.1:${SUPERSET_PORT:-8088}
#   scripts/superset.sh stop|restart|status
#
# Environment: SUPERSET_VERSION (6.1.0), SUPERSET_PORT (8088), SUPERSET_ADMIN_USER /
# SUPERSET_ADMIN_PASSWORD (admin/admin), SUPERSET_GITOPS_HOME (state dir: secret key, pid, log;
# default .run/superset-<version>, so each version keeps its own), SUPERSET_METADATA_DB (metadata
# database name, default superset_<version with _ for .>), SUPERSET_DB_PASSWORD (role `superset`'s
# password, see scripts/postgres.sh), PG_PORT (5433), SUPERSET_PYTHON (interpreter for the venv,
# default python3), SUPERSET_START_TIMEOUT (120 s).
# shellcheck disable=SC2016 # single-quoted bash -c / node -e programs expand their own arguments
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUPPORTED_VERSIONS="6.1.0 6.0.0 5.0.0 4.1.4"
SUPERSET_VERSION="${SUPERSET_VERSION:-6.1.0}"
# The version whose server runs now (written at launch): `stop` and a start of another version read it.
ACTIVE_FILE="$REPO_ROOT/.run/superset-active"
VENV="$REPO_ROOT/.venv/superset-$SUPERSET_VERSION"
VENV_LINK="$REPO_ROOT/.venv/superset"
CONSTRAINTS="$REPO_ROOT/scripts/superset/constraints-$SUPERSET_VERSION.txt"
CONFIG="$REPO_ROOT/scripts/superset/superset_config.py"
CONNECTOR_DIR="$REPO_ROOT/connectors/superset-zookeeper"
# Before versions had folders of their own, 6.1.0's state was .run/superset: it moves, once.
if [[ -z "${SUPERSET_GITOPS_HOME:-}" && $SUPERSET_VERSION == 6.1.0 && -d "$REPO_ROOT/.run/superset" &&
  ! -L "$REPO_ROOT/.run/superset" && ! -e "$REPO_ROOT/.run/superset-6.1.0" ]]; then
  mv "$REPO_ROOT/.run/superset" "$REPO_ROOT/.run/superset-6.1.0"
fi
SUPERSET_GITOPS_HOME="${SUPERSET_GITOPS_HOME:-$REPO_ROOT/.run/superset-$SUPERSET_VERSION}"
HOST=127.0.0.1
PORT="${SUPERSET_PORT:-8088}"
ADMIN_USER="${SUPERSET_ADMIN_USER:-admin}"
ADMIN_PASSWORD="${SUPERSET_ADMIN_PASSWORD:-admin}"
START_TIMEOUT="${SUPERSET_START_TIMEOUT:-120}"
PYTHON="${SUPERSET_PYTHON:-python3}"

mkdir -p "$SUPERSET_GITOPS_HOME"
SUPERSET_GITOPS_HOME="$(cd "$SUPERSET_GITOPS_HOME" && pwd)"
PID_FILE="$SUPERSET_GITOPS_HOME/superset.pid"
LOG_FILE="$SUPERSET_GITOPS_HOME/superset.log"
INIT_MARKER="$SUPERSET_GITOPS_HOME/.initialized"
INSTALL_MARKER="$VENV/.superset-gitops-installed"
CONNECTOR_MARKER="$VENV/.superset-gitops-connector"

# Superset's metadata database, one per version (superset_config.py builds the URI from these).
SUPERSET_GITOPS_METADATA_DB="${SUPERSET_METADATA_DB:-superset_${SUPERSET_VERSION//./_}}"
PG_PORT="${PG_PORT:-5433}"
export SUPERSET_CONFIG_PATH="$CONFIG" FLASK_APP=superset SUPERSET_GITOPS_HOME SUPERSET_GITOPS_METADATA_DB PG_PORT
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1

NAME=superset
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ " $SUPPORTED_VERSIONS " == *" $SUPERSET_VERSION "* ]] ||
  die "SUPERSET_VERSION=$SUPERSET_VERSION is not supported (supported: $SUPPORTED_VERSIONS)"

# One superset.sh at a time installs, initialises, starts or stops (concurrent
# `services.sh up` from several shells).
lock() { take_lock "$SUPERSET_GITOPS_HOME/.lock" 600; }

# --- probes (python3 stdlib: curl may be missing on a fresh machine) ----------------

# health: exit 0 when GET /health answers 200 "OK".
health_ok() {
  "$PYTHON" - "http://$HOST:$PORT/health" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        sys.exit(0 if r.status == 200 and r.read().strip() == b"OK" else 1)
except Exception:
    sys.exit(1)
PY
}

# login_ok: exit 0 when POST /api/v1/security/login returns an access_token; prints the reason otherwise.
login_ok() {
  "$PYTHON" - "http://$HOST:$PORT/api/v1/security/login" "$ADMIN_USER" "$ADMIN_PASSWORD" <<'PY'
import json, sys, urllib.error, urllib.request
url, user, password = sys.argv[1:4]
body = json.dumps({"username": user, "password": password, "provider": "db", "refresh": True}).encode()
req = urllib.request.Request(url, data=body, method="POST", headers={
    "Content-Type": "application/json", "Accept": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        token = json.loads(r.read()).get("access_token")
except urllib.error.HTTPError as e:
    print(f"login: HTTP {e.code} {e.read()[:200]!r}")
    sys.exit(1)
except Exception as e:
    print(f"login: {e}")
    sys.exit(1)
sys.exit(0 if token else 1)
PY
}

port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null; }

# --- install -------------------------------------------------------------------------

install_marker_value() {
  printf 'apache-superset==%s rich cachetools gunicorn psycopg2-binary constraints=%s\n' \
    "$SUPERSET_VERSION" "$(sha256sum "$CONSTRAINTS" | cut -d' ' -f1)"
}

cmd_install() {
  local t0
  [[ -f "$CONSTRAINTS" ]] || die "missing $CONSTRAINTS"
  if [[ -x "$VENV/bin/superset" && -f "$INSTALL_MARKER" && "$(<"$INSTALL_MARKER")" == "$(install_marker_value)" ]]; then
    say "install: apache-superset $SUPERSET_VERSION already in $VENV"
  else
    t0=$(now)
    if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
      rm -rf "$VENV"
      say "install: creating venv $VENV with $("$PYTHON" --version 2>&1)"
      "$PYTHON" -m venv "$VENV" ||
        { rm -rf "$VENV"; die "'$PYTHON -m venv' failed (on Debian: apt-get install -y python3-venv)"; }
    fi
    rm -f "$INSTALL_MARKER"
    say "install: pip install apache-superset==$SUPERSET_VERSION rich cachetools gunicorn psycopg2-binary (constraints: ${CONSTRAINTS#"$REPO_ROOT"/})"
    "$VENV/bin/pip" install --progress-bar off -c "$CONSTRAINTS" \
      "apache-superset==$SUPERSET_VERSION" rich cachetools gunicorn psycopg2-binary ||
      die "pip install failed"
    "$VENV/bin/python" - "$SUPERSET_VERSION" <<'PY' || die "apache-superset $SUPERSET_VERSION is not importable after install"
import importlib.metadata as m, sys
assert m.version("apache-superset") == sys.argv[1], m.version("apache-superset")
import superset, rich, cachetools, gunicorn, psycopg2  # noqa: F401
PY
    install_marker_value >"$INSTALL_MARKER"
    say "install: done ($(since "$t0") s)"
  fi
  install_drivers
  install_connector
  link_venv
}

# .venv/superset points at the venv of the version in use: tests and scripts run its python.
link_venv() {
  if [[ -d "$VENV_LINK" && ! -L "$VENV_LINK" ]]; then
    say "install: replacing the old single venv ${VENV_LINK#"$REPO_ROOT"/} by a link to ${VENV#"$REPO_ROOT"/}"
    rm -rf "$VENV_LINK"
  fi
  ln -sfn "superset-$SUPERSET_VERSION" "$VENV_LINK"
}

# Database drivers (PostgreSQL: psycopg2-binary, pinned by the constraints): a venv installed
# before a driver was added to the list gets it here. No worker reload: SQLAlchemy imports the
# driver when an engine is created, and a running Python finds new packages in site-packages.
install_drivers() {
  "$VENV/bin/python" -c 'import psycopg2' >/dev/null 2>&1 && return 0
  say "install: pip install psycopg2-binary (constraints: ${CONSTRAINTS#"$REPO_ROOT"/})"
  "$VENV/bin/pip" install --progress-bar off -q -c "$CONSTRAINTS" psycopg2-binary ||
    die "pip install psycopg2-binary failed"
  "$VENV/bin/python" -c 'import psycopg2' || die "psycopg2 is not importable after pip install psycopg2-binary"
}

# connectors/superset-zookeeper: installed into the venv (with kazoo, pinned by the constraints)
# and installed again whenever any of its files changes. A regular install, not an editable one:
# an editable install is found through a .pth file read when Python starts, so gunicorn workers
# forked by a master started earlier would not import it, while site-packages they already see.
connector_marker_value() {
  (cd "$CONNECTOR_DIR" && find pyproject.toml src -type f -not -path '*/__pycache__/*' \
    -not -path '*.egg-info/*' -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

connector_current() {
  [[ ! -d "$CONNECTOR_DIR" ]] ||
    [[ -f "$CONNECTOR_MARKER" && "$(<"$CONNECTOR_MARKER")" == "$(connector_marker_value)" ]]
}

install_connector() {
  connector_current && return 0
  local want
  want=$(connector_marker_value)
  say "install: pip install ${CONNECTOR_DIR#"$REPO_ROOT"/} (its files changed)"
  # Same version, new files: uninstall first, or pip would keep the old copy.
  "$VENV/bin/pip" uninstall -y -q superset-zookeeper >/dev/null 2>&1 || true
  "$VENV/bin/pip" install --progress-bar off -q -c "$CONSTRAINTS" "$CONNECTOR_DIR" ||
    die "pip install $CONNECTOR_DIR failed"
  rm -rf "$CONNECTOR_DIR/build" "$CONNECTOR_DIR"/src/*.egg-info
  "$VENV/bin/python" -c 'import kazoo, superset_zookeeper.adapter, superset_zookeeper.dialect' ||
    die "the connector is not importable after pip install $CONNECTOR_DIR"
  printf '%s\n' "$want" >"$CONNECTOR_MARKER"
}

# reload_workers: gunicorn's graceful reload (HUP): new workers import the code and entry points
# afresh, old ones finish their requests first; the server never stops answering.
reload_workers() {
  local pid old left p
  pid=$(master_pid)
  [[ -n "$pid" ]] || die "Superset answers on $HOST:$PORT but its gunicorn master was not found"
  old=$(children_of "$pid")
  say "reloading gunicorn workers (pid $pid) to load the connector"
  kill -HUP "$pid"
  for _ in $(seq 1 600); do
    left=""
    for p in $old; do
      if kill -0 "$p" 2>/dev/null; then left+="$p "; fi
    done
    if [[ -z "$left" ]] && health_ok; then return 0; fi
    sleep 0.1
  done
  die "gunicorn workers $left did not stop within 60 s after HUP"
}

# --- init ----------------------------------------------------------------------------

ensure_secret_key() {
  local key="$SUPERSET_GITOPS_HOME/secret_key"
  [[ -s "$key" ]] && return 0
  (
    umask 077
    "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$key.tmp"
    mv "$key.tmp" "$key"
  )
  say "init: generated ${key#"$REPO_ROOT"/}"
}

# metadata_psql ARGS...: psql on the metadata database as the cluster's superuser (socket, trust).
metadata_psql() {
  bash "$REPO_ROOT/scripts/postgres.sh" psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$SUPERSET_GITOPS_METADATA_DB" "$@"
}

admin_exists() {
  [[ "$(metadata_psql -v u="$ADMIN_USER" 2>/dev/null <<<"SELECT count(*) FROM ab_user WHERE username = :'u';")" == 1 ]]
}

create_admin() {
  say "init: superset fab create-admin ($ADMIN_USER)"
  "$VENV/bin/superset" fab create-admin --username "$ADMIN_USER" --password "$ADMIN_PASSWORD" \
    --firstname Admin --lastname User --email admin@example.invalid
  admin_exists || die "admin user '$ADMIN_USER' was not created"
}

cmd_init() {
  local t0 step
  [[ -x "$VENV/bin/superset" ]] || die "Superset is not installed: run scripts/superset.sh install"
  ensure_secret_key
  bash "$REPO_ROOT/scripts/postgres.sh" start
  local marker="$SUPERSET_VERSION postgresql $SUPERSET_GITOPS_METADATA_DB" created
  created=$(bash "$REPO_ROOT/scripts/postgres.sh" metadata-db "$SUPERSET_GITOPS_METADATA_DB") ||
    die "could not create the metadata database $SUPERSET_GITOPS_METADATA_DB"
  if [[ "$created" == *created* ]]; then
    say "init: created PostgreSQL database $SUPERSET_GITOPS_METADATA_DB (role superset)"
    rm -f "$INIT_MARKER"
  fi
  if [[ -f "$INIT_MARKER" && "$(<"$INIT_MARKER")" == "$marker" ]]; then
    if admin_exists; then
      say "init: already done (PostgreSQL database $SUPERSET_GITOPS_METADATA_DB)"
    else
      create_admin
    fi
    return 0
  fi
  t0=$(now)
  rm -f "$INIT_MARKER"
  step=$(now)
  say "init: superset db upgrade"
  "$VENV/bin/superset" db upgrade || die "superset db upgrade failed"
  say "init: db upgrade took $(since "$step") s"
  step=$(now)
  if admin_exists; then say "init: admin user '$ADMIN_USER' exists"; else create_admin; fi
  say "init: create-admin took $(since "$step") s"
  step=$(now)
  say "init: superset init"
  "$VENV/bin/superset" init || die "superset init failed"
  say "init: superset init took $(since "$step") s"
  printf '%s\n' "$marker" >"$INIT_MARKER"
  say "init: done ($(since "$t0") s)"
}

# --- processes -----------------------------------------------------------------------

is_ours() { # PID: a gunicorn bound to our address
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ "$cmd" == *gunicorn* && "$cmd" == *"-b $HOST:$PORT "* ]]
}

pgrp_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f3; }
ppid_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f2; }

children_of() { # PID: its live child processes
  local p pid
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [[ "$(ppid_of "$pid")" == "$1" ]] && printf '%s ' "$pid"
  done
  return 0
}

# master_pid: the gunicorn master from the pid file or, if that is lost, from the process table.
master_pid() {
  local pid p
  if [[ -f "$PID_FILE" ]]; then
    pid=$(<"$PID_FILE")
    if [[ "$pid" =~ ^[0-9]+$ ]] && is_ours "$pid"; then
      printf '%s' "$pid"
      return 0
    fi
  fi
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    if is_ours "$pid" && [[ "$(pgrp_of "$pid")" == "$pid" ]]; then
      printf '%s' "$pid"
      return 0
    fi
  done
  return 0
}

group_pids() { # PGID: live processes in that process group
  local p pid
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [[ "$(pgrp_of "$pid")" == "$1" ]] && printf '%s ' "$pid"
  done
  return 0
}

launch() {
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
  mkdir -p "$(dirname "$ACTIVE_FILE")"
  printf '%s\n' "$SUPERSET_VERSION" >"$ACTIVE_FILE"
  # Own session (setsid): the server outlives the calling shell and its process group,
  # and the master's pid is the group id of all its workers.
  (
    cd "$SUPERSET_GITOPS_HOME"
    setsid bash -c 'echo $$ >"$0"; exec nohup "$@"' "$PID_FILE" \
      "$VENV/bin/gunicorn" -w 2 --threads 4 -k gthread --timeout 120 -b "$HOST:$PORT" \
      --no-control-socket \
      "superset.app:create_app()" >"$LOG_FILE" 2>&1 </dev/null 9>&- &
  )
  for _ in $(seq 1 50); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.05
  done
  return 0 # the caller checks the process
}

stop_pid() { # MASTER_PID
  local pid=$1 pgid left
  pgid=$(pgrp_of "$pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do # gunicorn's graceful timeout is 30 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -n "$pgid" && "$pgid" == "$pid" ]]; then
    left=$(group_pids "$pgid")
    if [[ -n "$left" ]]; then
      say "killing leftover processes: $left"
      kill -KILL -- "-$pgid" 2>/dev/null || true
    fi
  elif kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  for _ in $(seq 1 100); do
    port_open "$PORT" || break
    sleep 0.1
  done
  port_open "$PORT" && die "port $PORT is still open after stopping pid $pid"
  rm -f "$PID_FILE"
  say "stopped pid $pid ($HOST:$PORT)"
}

cmd_stop() {
  local pid
  pid=$(master_pid)
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE"
    if port_open "$PORT"; then
      say "WARNING: something not started by this script listens on $HOST:$PORT; left alone"
    else
      say "not running on $HOST:$PORT"
    fi
    return 0
  fi
  stop_pid "$pid"
  rm -f "$ACTIVE_FILE"
}

cmd_start() {
  local t0 t1 pid reason
  t0=$(now)
  if health_ok && [[ -f "$ACTIVE_FILE" && "$(<"$ACTIVE_FILE")" != "$SUPERSET_VERSION" ]]; then
    die "Superset $(<"$ACTIVE_FILE") runs on $HOST:$PORT, not $SUPERSET_VERSION: stop it first (npm stop)"
  fi
  if health_ok; then
    install_drivers
    if ! connector_current; then
      install_connector
      reload_workers
    fi
    say "already running on http://$HOST:$PORT"
    return 0
  fi
  pid=$(master_pid)
  if [[ -z "$pid" ]]; then
    port_open "$PORT" && die "port $PORT is in use by something that is not this Superset"
    cmd_install
    cmd_init
    launch
    pid=$(master_pid)
    [[ -n "$pid" ]] || { tail -n 40 "$LOG_FILE" >&2 || true; die "gunicorn did not start"; }
    say "started gunicorn (pid $pid), waiting for /health and login (timeout ${START_TIMEOUT} s)"
  else
    say "gunicorn pid $pid exists but is not healthy yet: waiting for it"
  fi
  t1=$(now)
  while :; do
    if health_ok; then
      if reason=$(login_ok); then break; fi
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      printf 'superset: ERROR: gunicorn exited; last 40 lines of %s:\n' "$LOG_FILE" >&2
      tail -n 40 "$LOG_FILE" >&2 || true
      exit 1
    fi
    if awk -v e="$(since "$t1")" -v t="$START_TIMEOUT" 'BEGIN { exit !(e >= t) }'; then
      printf 'superset: ERROR: not ready within %s s (%s); last 40 lines of %s:\n' \
        "$START_TIMEOUT" "${reason:-/health not OK}" "$LOG_FILE" >&2
      tail -n 40 "$LOG_FILE" >&2 || true
      if [[ "${reason:-}" == *"HTTP 401"* ]]; then
        printf 'superset: hint: user %s exists with another password; reset it with
  %s
' "$ADMIN_USER" \
          "SUPERSET_CONFIG_PATH=$CONFIG $VENV/bin/superset fab reset-password --username $ADMIN_USER --password ..." >&2
      fi
      stop_pid "$pid" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  say "Superset $SUPERSET_VERSION ready on http://$HOST:$PORT ($(since "$t0") s; gunicorn $(since "$t1") s)"
}

cmd_status() {
  if health_ok; then
    say "running on http://$HOST:$PORT (pid $(master_pid))"
    return 0
  fi
  say "not running on http://$HOST:$PORT"
  return 1
}

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  install | init | start | stop | restart) lock ;;
esac
case "${1:-}" in
  install) cmd_install ;;
  init)
    cmd_install
    cmd_init
    ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart)
    cmd_stop
    cmd_start
    ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
