#!/usr/bin/env bash
# Builds the image with Debian's podman (no Docker engine runs here) and runs containers with it.
#   scripts/container/podman.sh base    local stand-ins for node:20-bookworm(-slim) when Docker Hub is
#                                       not reachable: debootstrap bookworm minbase + this machine's
#                                       Node 20 (and its headers) at the official image's paths
#   scripts/container/podman.sh build   podman build of ./Dockerfile -> superset-gitops:<version>
#   scripts/container/podman.sh run ... podman run with the options this machine needs
# Needs root and Debian's podman, runc, debootstrap (installed when missing). This machine's kernel
# has cgroups in hybrid mode and no CAP_SYS_RESOURCE: crun refuses both, so builds use chroot
# isolation and containers run under runc with cgroupfs and lowered ulimits.
# Environment: BUILD_IMAGE / RUNTIME_IMAGE (default: the local stand-ins, built by `base` if missing).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"
BASE_DIR="$REPO_ROOT/.run/container"
VERSION=$(node -p 'require("./package.json").version')
IMAGE="localhost/superset-gitops:$VERSION"

need() {
  local missing=()
  for tool in podman runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  if ((${#missing[@]})); then
    echo "installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

podman_run() {
  podman --runtime runc --cgroup-manager cgroupfs run --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"
}

base() {
  need
  local root=$BASE_DIR/bookworm slim=$BASE_DIR/slim build=$BASE_DIR/build
  mkdir -p "$BASE_DIR"
  if [[ ! -x $root/bin/bash ]]; then
    rm -rf "$root"
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
  fi
  rm -rf "$slim" "$build"
  cp -a "$root" "$slim"
  mkdir -p "$slim/usr/local/bin" "$slim/usr/local/lib" "$slim/usr/local/include"
  cp "$(command -v node)" "$slim/usr/local/bin/node"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/../.." "$slim/usr/local/lib/node_modules"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$slim/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$slim/usr/local/bin/npx"
  local headers
  headers="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node"
  cp -a "$headers" "$slim/usr/local/include/node"
  cp -a "$slim" "$build"
  cp /etc/resolv.conf "$build/etc/resolv.conf"
  chroot "$build" apt-get update -qq
  chroot "$build" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    python3 make g++ >/dev/null
  rm -rf "$build/var/lib/apt/lists/"* "$slim/var/lib/apt/lists/"*
  # The registries are reached through this machine's TLS proxy: its CA bundle goes in too.
  local env=(--change ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
  for dir in "$slim" "$build"; do
    mkdir -p "$dir/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
  done
  env+=(--change ENV=NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
  tar -C "$slim" -c . | podman import -q "${env[@]}" - localhost/node:20-bookworm-slim >/dev/null
  tar -C "$build" -c . | podman import -q "${env[@]}" - localhost/node:20-bookworm >/dev/null
  rm -rf "$slim" "$build"
  podman images localhost/node
}

build() {
  need
  local build_image=${BUILD_IMAGE:-localhost/node:20-bookworm}
  local runtime_image=${RUNTIME_IMAGE:-localhost/node:20-bookworm-slim}
  if [[ $build_image == localhost/* ]] && ! podman image exists "$build_image"; then base; fi
  podman build --isolation chroot --format docker --network host \
    --build-arg "BUILD_IMAGE=$build_image" --build-arg "RUNTIME_IMAGE=$runtime_image" -t "$IMAGE" .
  podman_run --rm --network host "$IMAGE" --version
}

case "${1:-}" in
  base) base ;;
  build) build ;;
  run) shift; need; podman_run "$@" ;;
  image) echo "$IMAGE" ;;
  *) echo "usage: podman.sh base|build|run ARGS...|image" >&2; exit 2 ;;
esac
