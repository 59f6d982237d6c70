# Helpers the service scripts share; sourced, never run. Each script sets NAME first.
# shellcheck shell=bash

say() { printf '%s: %s\n' "$NAME" "$*"; }
die() { printf '%s: ERROR: %s\n' "$NAME" "$*" >&2; exit 1; }
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# take_lock FILE SECONDS: one script of a kind at a time changes its server (the lock is on fd 9,
# which the scripts close for the servers they start).
take_lock() {
  exec 9>>"$1"
  flock -w "$2" 9 || die "another scripts/$NAME.sh has held $1 for $2 s"
}
