#!/usr/bin/env bash
# Local ZooKeeper for development and tests (Debian `zookeeper` package, 3.8).
#
#   scripts/zookeeper.sh start|stop|status          single server on 127.0.0.1:${ZK_PORT:-2181}
#   scripts/zookeeper.sh ensemble-start|ensemble-stop|ensemble-status
#                                                   3-node ensemble on ${ZK_ENSEMBLE_PORTS:-2281,2282,2283}
#   scripts/zookeeper.sh node-stop N|node-kill N|node-start N
#                                                   stop (TERM) / crash (KILL) / start one ensemble member
#
# The packaged zkServer.sh does not start the server on this kind of machine, so
# the JVM is run directly (QuorumPeerMain). State lives under .run/zookeeper/.
# Environment: ZK_PORT, ZK_ENSEMBLE_PORTS, ZK_ENSEMBLE_QUORUM_PORTS (2881,2882,2883),
# ZK_ENSEMBLE_ELECTION_PORTS (3881,3882,3883), ZK_START_TIMEOUT (30 single / 60 ensemble),
# ZK_JVM_OPTS (default "-Xms32m -Xmx512m").
# shellcheck disable=SC2016 # single-quoted bash -c / node -e programs expand their own arguments
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$REPO_ROOT/.run/zookeeper"
HOST=127.0.0.1
ZK_PORT="${ZK_PORT:-2181}"
IFS=, read -r -a ENSEMBLE_PORTS <<<"${ZK_ENSEMBLE_PORTS:-2281,2282,2283}"
IFS=, read -r -a QUORUM_PORTS <<<"${ZK_ENSEMBLE_QUORUM_PORTS:-2881,2882,2883}"
IFS=, read -r -a ELECTION_PORTS <<<"${ZK_ENSEMBLE_ELECTION_PORTS:-3881,3882,3883}"
ZK_JVM_OPTS="${ZK_JVM_OPTS:--Xms32m -Xmx512m}"
JAVA_DIR=/usr/share/java
MAIN_CLASS=org.apache.zookeeper.server.quorum.QuorumPeerMain
# .run/zookeeper/single for the default port; a server on another port gets its own directory
SINGLE_DIR="$RUN_DIR/single"
[[ "$ZK_PORT" == 2181 ]] || SINGLE_DIR="$RUN_DIR/single-$ZK_PORT"

say() { printf 'zookeeper: %s\n' "$*"; }
die() { printf 'zookeeper: ERROR: %s\n' "$*" >&2; exit 1; }

# One zookeeper.sh at a time changes servers (concurrent `services.sh up` from several
# shells must not launch two JVMs). The lock is on fd 9, closed for the servers.
lock() {
  mkdir -p "$RUN_DIR"
  exec 9>>"$RUN_DIR/.lock"
  flock -w 180 9 || die "another scripts/zookeeper.sh has held $RUN_DIR/.lock for 180 s"
}
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- probes --------------------------------------------------------------------------

# four_letter PORT WORD: print the server's answer to a four-letter command (empty if none).
four_letter() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; printf "%s" "$2" >&3; cat <&3' \
    "$HOST" "$1" "$2" 2>/dev/null || true
}
is_imok() { [[ "$(four_letter "$1" ruok)" == imok ]]; }
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null; }
# server_mode PORT: standalone|leader|follower|observer, or empty when not serving.
server_mode() { four_letter "$1" srvr | sed -n 's/^Mode: *//p'; }

# --- installation --------------------------------------------------------------------

ensure_installed() {
  if [[ -f "$JAVA_DIR/zookeeper.jar" ]] && command -v java >/dev/null 2>&1; then
    return 0
  fi
  say "package 'zookeeper' is missing: installing it with apt-get"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install the 'zookeeper' package by hand"
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y zookeeper
  [[ -f "$JAVA_DIR/zookeeper.jar" ]] || die "apt-get install zookeeper did not provide $JAVA_DIR/zookeeper.jar"
  command -v java >/dev/null 2>&1 || die "java not found after installing zookeeper"
}

class_path() {
  local cp=/etc/zookeeper/conf jar
  for jar in zookeeper zookeeper-jute slf4j-api slf4j-log4j12 log4j-1.2 \
    netty-handler netty-common netty-transport netty-buffer netty-codec netty-resolver \
    netty-transport-native-epoll netty-transport-native-unix-common \
    commons-cli metrics-core snappy-java; do
    [[ -f "$JAVA_DIR/$jar.jar" ]] || die "missing $JAVA_DIR/$jar.jar (is the zookeeper package complete?)"
    cp+=":$JAVA_DIR/$jar.jar"
  done
  printf '%s' "$cp"
}

# --- process handling ----------------------------------------------------------------

# pid_of DIR: pid of the server whose config is DIR/zoo.cfg, from the pid file or,
# if that is lost, from the process table. Prints nothing when not running.
pid_of() {
  local dir=$1 pid cmd
  if [[ -f "$dir/zk.pid" ]]; then
    pid=$(<"$dir/zk.pid")
    if [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]]; then
      cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
      if [[ "$cmd" == *"$MAIN_CLASS $dir/zoo.cfg"* ]]; then
        printf '%s' "$pid"
        return 0
      fi
    fi
  fi
  for cmd in /proc/[0-9]*/cmdline; do
    if tr '\0' ' ' <"$cmd" 2>/dev/null | grep -qF -- "$MAIN_CLASS $dir/zoo.cfg"; then
      pid=${cmd#/proc/}
      printf '%s' "${pid%/cmdline}"
      return 0
    fi
  done
  return 0
}

# launch DIR: start a server with DIR/zoo.cfg, detached (own session), log to DIR/zk.log.
launch() {
  local dir=$1 cp
  cp=$(class_path)
  # shellcheck disable=SC2086 # ZK_JVM_OPTS is a word list on purpose
  setsid bash -c 'echo $$ >"$0/zk.pid"; exec nohup "$@"' "$dir" \
    java $ZK_JVM_OPTS -Dzookeeper.log.dir="$dir" -Dzookeeper.root.logger=INFO,CONSOLE \
    -Dzookeeper.admin.enableServer=false -cp "$cp" "$MAIN_CLASS" "$dir/zoo.cfg" \
    >>"$dir/zk.log" 2>&1 </dev/null 9>&- &
  for _ in $(seq 1 50); do # the pid file is written by the child; give it a moment
    [[ -s "$dir/zk.pid" ]] && break
    sleep 0.05
  done
  [[ -s "$dir/zk.pid" ]] || die "the server process for $dir did not start (see $dir/zk.log)"
}

# wait_serving DIR PORT TIMEOUT WANT: wait for ruok=imok and, when WANT=quorum, a
# leader/follower mode. Fails early if the process dies.
wait_serving() {
  local dir=$1 port=$2 timeout=$3 want=$4 t0 mode
  t0=$(now)
  while :; do
    if is_imok "$port"; then
      if [[ "$want" != quorum ]]; then return 0; fi
      mode=$(server_mode "$port")
      if [[ "$mode" == leader || "$mode" == follower ]]; then return 0; fi
    fi
    if [[ -z "$(pid_of "$dir")" ]]; then
      printf 'zookeeper: ERROR: server for %s exited; last log lines:\n' "$dir" >&2
      tail -n 40 "$dir/zk.log" >&2 || true
      return 1
    fi
    if awk -v e="$(since "$t0")" -v t="$timeout" 'BEGIN { exit !(e >= t) }'; then
      printf 'zookeeper: ERROR: no answer on %s:%s within %ss; last log lines:\n' "$HOST" "$port" "$timeout" >&2
      tail -n 40 "$dir/zk.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

# stop_dir DIR PORT SIGNAL: stop the server of DIR (TERM then KILL after 10 s, or KILL at once).
stop_dir() {
  local dir=$1 port=$2 sig=${3:-TERM} pid
  pid=$(pid_of "$dir")
  if [[ -z "$pid" ]]; then
    rm -f "$dir/zk.pid"
    if is_imok "$port"; then
      say "WARNING: something not started by this script answers on $HOST:$port; left alone"
    else
      say "not running on $HOST:$port"
    fi
    return 0
  fi
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid ignored SIGTERM for 10 s: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  kill -0 "$pid" 2>/dev/null && die "pid $pid is still alive"
  for _ in $(seq 1 100); do
    port_open "$port" || break
    sleep 0.1
  done
  port_open "$port" && die "port $port is still open after stopping pid $pid"
  rm -f "$dir/zk.pid"
  say "stopped pid $pid ($HOST:$port)"
}

# --- configuration -------------------------------------------------------------------

common_config() {
  cat <<EOF
tickTime=2000
initLimit=10
syncLimit=5
minSessionTimeout=4000
maxSessionTimeout=40000
dataDir=$1
clientPort=$2
clientPortAddress=$HOST
4lw.commands.whitelist=ruok,stat,mntr,srvr
admin.enableServer=false
# tests open many sessions from 127.0.0.1; the default cap is 60 per address
maxClientCnxns=0
autopurge.snapRetainCount=3
autopurge.purgeInterval=1
EOF
}

write_single_config() {
  local dir=$1
  mkdir -p "$dir"
  {
    echo "# generated by scripts/zookeeper.sh; rewritten on every start"
    common_config "$dir" "$ZK_PORT"
  } >"$dir/zoo.cfg"
}

write_node_config() {
  local n=$1 dir=$RUN_DIR/ensemble/node$1 i
  mkdir -p "$dir"
  printf '%s\n' "$n" >"$dir/myid"
  {
    echo "# generated by scripts/zookeeper.sh; rewritten on every start"
    common_config "$dir" "${ENSEMBLE_PORTS[n - 1]}"
    echo "reconfigEnabled=false"
    for i in 1 2 3; do
      echo "server.$i=$HOST:${QUORUM_PORTS[i - 1]}:${ELECTION_PORTS[i - 1]}"
    done
  } >"$dir/zoo.cfg"
}

# --- single server -------------------------------------------------------------------

cmd_start() {
  local dir=$SINGLE_DIR t0 timeout=${ZK_START_TIMEOUT:-30}
  t0=$(now)
  if is_imok "$ZK_PORT"; then
    say "already running on $HOST:$ZK_PORT"
    return 0
  fi
  ensure_installed
  if [[ -n "$(pid_of "$dir")" ]]; then
    say "server process $(pid_of "$dir") exists but does not answer yet: waiting for it"
  else
    port_open "$ZK_PORT" && die "port $ZK_PORT is in use by something that is not ZooKeeper"
    write_single_config "$dir"
    : >"$dir/zk.log"
    launch "$dir"
  fi
  wait_serving "$dir" "$ZK_PORT" "$timeout" any || die "did not start on $HOST:$ZK_PORT (log: $dir/zk.log)"
  say "ready on $HOST:$ZK_PORT ($(since "$t0") s)"
}

cmd_stop() { stop_dir "$SINGLE_DIR" "$ZK_PORT" TERM; }

cmd_status() {
  if is_imok "$ZK_PORT"; then
    say "running on $HOST:$ZK_PORT ($(server_mode "$ZK_PORT"))"
    return 0
  fi
  say "not running on $HOST:$ZK_PORT"
  return 1
}

# --- ensemble ------------------------------------------------------------------------

check_node() {
  [[ "${1:-}" =~ ^[123]$ ]] || die "node number must be 1, 2 or 3 (got '${1:-}')"
}

# start_node N: launch node N unless it is already up or starting. No waiting.
start_node() {
  local n=$1 dir=$RUN_DIR/ensemble/node$1 port=${ENSEMBLE_PORTS[$1 - 1]}
  if is_imok "$port" || [[ -n "$(pid_of "$dir")" ]]; then
    return 0
  fi
  port_open "$port" && die "port $port (node $n) is in use by something that is not ZooKeeper"
  write_node_config "$n"
  : >"$dir/zk.log"
  launch "$dir"
}

cmd_ensemble_start() {
  local t0 n timeout=${ZK_START_TIMEOUT:-60} all_up=1
  t0=$(now)
  for n in 1 2 3; do
    [[ "$(server_mode "${ENSEMBLE_PORTS[n - 1]}")" =~ ^(leader|follower)$ ]] || all_up=0
  done
  if ((all_up)); then
    say "ensemble already running on $(ensemble_connect_string)"
    ensemble_modes
    return 0
  fi
  ensure_installed
  for n in 1 2 3; do start_node "$n"; done
  for n in 1 2 3; do
    wait_serving "$RUN_DIR/ensemble/node$n" "${ENSEMBLE_PORTS[n - 1]}" "$timeout" quorum ||
      die "ensemble node $n did not join a quorum"
  done
  say "ensemble ready on $(ensemble_connect_string) ($(since "$t0") s)"
  ensemble_modes
}

ensemble_connect_string() {
  printf '%s:%s,%s:%s,%s:%s' "$HOST" "${ENSEMBLE_PORTS[0]}" "$HOST" "${ENSEMBLE_PORTS[1]}" "$HOST" "${ENSEMBLE_PORTS[2]}"
}

ensemble_modes() {
  local n mode
  for n in 1 2 3; do
    mode=$(server_mode "${ENSEMBLE_PORTS[n - 1]}")
    say "  node$n $HOST:${ENSEMBLE_PORTS[n - 1]} ${mode:-down}"
  done
}

cmd_ensemble_stop() {
  local n
  for n in 1 2 3; do
    stop_dir "$RUN_DIR/ensemble/node$n" "${ENSEMBLE_PORTS[n - 1]}" TERM
  done
}

cmd_ensemble_status() {
  local n ok=0
  for n in 1 2 3; do
    [[ "$(server_mode "${ENSEMBLE_PORTS[n - 1]}")" =~ ^(leader|follower)$ ]] || ok=1
  done
  ensemble_modes
  return "$ok"
}

cmd_node_start() {
  local n=$1 t0 timeout=${ZK_START_TIMEOUT:-60}
  check_node "$n"
  t0=$(now)
  ensure_installed
  start_node "$n"
  wait_serving "$RUN_DIR/ensemble/node$n" "${ENSEMBLE_PORTS[n - 1]}" "$timeout" quorum ||
    die "node $n did not join a quorum (are the other members up?)"
  say "node$n ready on $HOST:${ENSEMBLE_PORTS[n - 1]} as $(server_mode "${ENSEMBLE_PORTS[n - 1]}") ($(since "$t0") s)"
}

cmd_node_stop() {
  local n=$1 sig=$2
  check_node "$n"
  stop_dir "$RUN_DIR/ensemble/node$n" "${ENSEMBLE_PORTS[n - 1]}" "$sig"
}

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  start | stop | ensemble-start | ensemble-stop | node-start | node-stop | node-kill) lock ;;
esac
case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  ensemble-start) cmd_ensemble_start ;;
  ensemble-stop) cmd_ensemble_stop ;;
  ensemble-status) cmd_ensemble_status ;;
  node-start) cmd_node_start "${2:-}" ;;
  node-stop) cmd_node_stop "${2:-}" TERM ;;
  node-kill) cmd_node_stop "${2:-}" KILL ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
