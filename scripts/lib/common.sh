# Helpers shared by scripts/test and scripts/bench. Source it; it defines functions only,
# plus ROOT (the repository root) and SHARED_DIR defaults.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

die() {
  echo "error: $*" >&2
  exit 1
}

# CI=true (or any value but empty/false/0) means an unattended run.
is_ci() {
  case "${CI:-}" in "" | false | 0) return 1 ;; *) return 0 ;; esac
}

# Seconds since an arbitrary origin, with decimals (bash 5 EPOCHREALTIME; no fork).
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Floating-point arithmetic for the shell: calc '1.5 / 3' -> 0.50
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
# ratio A B -> A/B with 2 decimals, "inf" when B is 0 (a step too quick to time)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.2f", a / b }'; }
# per_second COUNT SECONDS -> whole items per second
per_second() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.0f", a / b }'; }

# Run a command as root: directly, or through non-interactive sudo, or not at all.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 1
  fi
}

# A loopback port is busy if something accepts a connection on it (bash's /dev/tcp, no tools).
port_busy() { (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pkg_installed() {
  # dpkg -s also succeeds for removed-but-not-purged packages, so look at the status itself.
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# ensure_debian_packages PKG... : install the missing ones; apt-get update only when needed.
ensure_debian_packages() {
  local missing=() p
  for p in "$@"; do
    pkg_installed "$p" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing Debian packages: ${missing[*]}"
  if ! as_root true; then
    die "missing Debian packages: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The shared/ folder sits beside the repository (/work/shared for /work/main). Only the
# benchmarks (scripts/bench, the criterion benches) and scripts/refresh-fixtures need it: the
# tests read the repository alone.
require_shared_dir() {
  export VIGIE_SHARED_DIR="${VIGIE_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}"
  [ -f "$VIGIE_SHARED_DIR/bench/gen_dataset.py" ] ||
    die "VIGIE_SHARED_DIR=$VIGIE_SHARED_DIR has no bench/gen_dataset.py; put the shared/ folder beside the repository or set VIGIE_SHARED_DIR"
}

# scripts/test: when the bench kit is beside the repository, say if it is not the one the
# screening fixtures were made from (a warning: the tests read the committed fixtures only).
warn_if_fixtures_stale() {
  local shared="${VIGIE_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}"
  local sums="$ROOT/crates/vigie-screen/tests/fixtures/KIT.sha256"
  [ -f "$shared/bench/gen_dataset.py" ] && [ -f "$sums" ] || return 0
  (cd "$shared" && sha256sum --quiet --check "$sums" >/dev/null 2>&1) ||
    echo "warning: the bench kit in $shared changed since the screening fixtures were made; run scripts/refresh-fixtures" >&2
}
