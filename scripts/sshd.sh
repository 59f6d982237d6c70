#!/usr/bin/env bash
# An SSH server of the project's own on loopback, for Superset's SSH tunnels (the secrets tests
# connect Superset to the warehouse PostgreSQL through it). Debian's openssh-server, run with a
# config, host key and pid file under .run/sshd; the tunnel user may only forward ports.
#
#   scripts/sshd.sh start    start on 127.0.0.1:${SSHD_PORT:-2222} (no-op when running)
#   scripts/sshd.sh stop     stop it
#   scripts/sshd.sh status   exit 0 only when it runs and accepts connections
#
# The tunnel user is ${SSH_TUNNEL_USER:-sgtunnel} with password ${SSH_TUNNEL_PASSWORD} (a local
# default when unset: tests only); public keys for it go in .run/sshd/authorized_keys.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME=sshd
# shellcheck source=scripts/lib.sh
source "$REPO_ROOT/scripts/lib.sh"

PORT="${SSHD_PORT:-2222}"
DIR="$REPO_ROOT/.run/sshd"
CONFIG="$DIR/sshd_config"
PIDFILE="$DIR/sshd.pid"
TUNNEL_USER="${SSH_TUNNEL_USER:-sgtunnel}"
SSHD=/usr/sbin/sshd

running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
listening() { python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()' "$PORT" 2>/dev/null; }

start() {
  [[ -x $SSHD ]] || die "$SSHD is missing (Debian package openssh-server; scripts/ensure-deps.sh installs it)"
  [[ "$(id -u)" -eq 0 ]] || die "must run as root (it adds the tunnel user and starts sshd)"
  mkdir -p "$DIR" /run/sshd
  lock() { take_lock "$DIR/.lock" 60; }
  lock
  if running && listening; then
    say "already running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
    return 0
  fi
  [[ -f $DIR/host_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -f "$DIR/host_ed25519"
  if ! id "$TUNNEL_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$TUNNEL_USER"
  fi
  printf '%s:%s\n' "$TUNNEL_USER" "${SSH_TUNNEL_PASSWORD:-tunnel-demo-pw-1}" | chpasswd
  touch "$DIR/authorized_keys"
  chmod 644 "$DIR/authorized_keys"
  cat >"$CONFIG" <<CONF
# Written by scripts/sshd.sh: loopback only, one user, port forwarding only.
Port $PORT
ListenAddress 127.0.0.1
HostKey $DIR/host_ed25519
PidFile $PIDFILE
AuthorizedKeysFile $DIR/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $TUNNEL_USER
AllowTcpForwarding local
PermitOpen 127.0.0.1:*
AllowAgentForwarding no
X11Forwarding no
PermitTTY no
ForceCommand /usr/sbin/nologin
CONF
  "$SSHD" -t -f "$CONFIG" || die "sshd refused its config $CONFIG"
  local t0
  t0=$(now)
  "$SSHD" -f "$CONFIG" -E "$DIR/sshd.log" 9<&-
  for _ in $(seq 1 100); do
    if running && listening; then
      say "ready on 127.0.0.1:$PORT ($(since "$t0") s; tunnel user $TUNNEL_USER)"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$DIR/sshd.log" >&2 || true
  die "sshd did not start on 127.0.0.1:$PORT"
}

stop() {
  if ! running; then
    say "not running"
    return 0
  fi
  local pid
  pid=$(cat "$PIDFILE")
  kill "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$PIDFILE"
  say "stopped"
}

status() {
  if running && listening; then
    say "running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
  else
    say "not running"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: scripts/sshd.sh start|stop|status" >&2
    exit 2
    ;;
esac
