#!/usr/bin/env bash
# Shared helpers for the project's scripts. Source it; do not run it.
set -euo pipefail

SDOCK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SDOCK_ROOT
# The isolated engine used by the demo and the tests: its own socket, data-root, exec-root and bridge,
# so it never collides with an engine the user already runs.
SDOCK_ENGINE_DIR="${SDOCK_ENGINE_DIR:-/var/lib/sdock-engine}"
SDOCK_ENGINE_RUN="${SDOCK_ENGINE_RUN:-/run/sdock-engine}"
SDOCK_ENGINE_SOCK="${SDOCK_ENGINE_SOCK:-$SDOCK_ENGINE_RUN/docker.sock}"
SDOCK_ENGINE_BIP="${SDOCK_ENGINE_BIP:-10.213.0.1/24}"
SDOCK_ENGINE_BRIDGE="${SDOCK_ENGINE_BRIDGE:-sdock0}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]} from Debian's packages"
  if ((apt_updated == 0)); then apt-get update -qq >&2 || die "apt-get update failed"; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "could not install ${missing[*]}"
}

need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root (it installs packages and starts dockerd)"; }
