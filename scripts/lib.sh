# shellcheck shell=bash
# Shared by scripts/setup, scripts/test, scripts/lint and scripts/run: where the
# Python 3.14 toolchain lives and how to run a command inside it.
#
# Home Assistant needs Python >= 3.14.2. A native `python3.14` of that version is
# used when one exists (a developer laptop). Otherwise (Debian 12 machines) a
# Debian sid root is made with debootstrap and every command runs in it through
# chroot, inside a private mount namespace (`unshare --mount`): the bind mounts
# it needs disappear with the command, also when it fails or is killed.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIN_PYTHON="3.14.2"
# The environments scripts/setup makes, each with its requirements file: the newest
# and the oldest Home Assistant pytest-homeassistant-custom-component pairs with, the
# newest Home Assistant release, which it does not pair with yet, and the client
# library (custom_components/smsmode/api as the aiosmsmode package) with no Home
# Assistant at all.
declare -A HA_REQUIREMENTS=(
  [newest]=requirements_test.txt
  [oldest]=requirements_test_oldest.txt
  [release]=requirements_release.txt
  [client]=requirements_client.txt
)
HA_ENVS=(newest oldest release client)
# Where the unit tests run (tests/ need pytest-homeassistant-custom-component made
# for the same core), and where the end-to-end tests run (only a real `hass`).
UNIT_ENVS=(newest oldest)
E2E_ENVS=(newest release)
# Where the client library is built, checked and its tests run on the installed wheel.
CLIENT_ENVS=(client)

SID_ROOT="${SMSMODE_SID_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/smsmode-ha/sid-root}"
SID_PACKAGES="python3.14,python3.14-venv,python3.14-dev,gcc,ca-certificates"
# The Debian mirror debootstrap fetches from: its own default (deb.debian.org)
# unless SMSMODE_DEBIAN_MIRROR names another.
SID_MIRROR="${SMSMODE_DEBIAN_MIRROR:-}"
# Where the repository appears inside the sid root.
SID_REPO="/src"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

# True when a native python3.14 >= MIN_PYTHON is on PATH.
native_python() {
  command -v python3.14 >/dev/null 2>&1 &&
    python3.14 -c "import sys; sys.exit(sys.version_info < (${MIN_PYTHON//./, }))" 2>/dev/null
}

toolchain_mode() {
  if [[ "${SMSMODE_TOOLCHAIN:-}" == "native" || "${SMSMODE_TOOLCHAIN:-}" == "chroot" ]]; then
    echo "$SMSMODE_TOOLCHAIN"
  elif native_python; then
    echo native
  else
    echo chroot
  fi
}

# The virtual environment of one HA version, as seen by the commands that run in it.
venv_path() {
  local env="$1"
  if [[ "$(toolchain_mode)" == native ]]; then
    echo "$REPO/.venv/ha-$env"
  else
    echo "/opt/venvs/ha-$env"
  fi
}

# Delete DIR, first unmounting whatever is still mounted under it, so rm can
# never descend into a mounted /proc, /sys or /dev: a leftover of a debootstrap
# run that was killed. --one-file-system alone is not enough: a bind mount of a
# directory on the same filesystem has the same device number.
remove_tree() {
  local dir mnt i
  local -a mounts=()
  [[ -e "$1" ]] || return 0
  dir="$(realpath "$1")"
  # Field 5 of mountinfo is the mount point, with spaces and backslashes written
  # as octal escapes (\040, \134), which printf %b decodes.
  while read -r _ _ _ _ mnt _; do
    printf -v mnt '%b' "$mnt"
    [[ "$mnt" == "$dir" || "$mnt" == "$dir"/* ]] && mounts+=("$mnt")
  done </proc/self/mountinfo
  # mountinfo lists a mount after the one it sits on: unmount in reverse order.
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -l "${mounts[i]}"
  done
  rm -rf --one-file-system "$dir"
}

# Create the Debian sid root once (about 40 s); later calls reuse it.
ensure_sid_root() {
  [[ -f "$SID_ROOT/.smsmode-ready" ]] && return 0
  if [[ "$(id -u)" != 0 ]]; then
    log "no python3.14 >= $MIN_PYTHON on PATH, and the Debian sid fallback needs root."
    log "Install Python $MIN_PYTHON or newer, or run as root on a Debian host."
    exit 2
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
  fi
  local staging="$SID_ROOT.new"
  # The mirror is debootstrap's last argument, left out for its default.
  local mirror=()
  if [[ -n "$SID_MIRROR" ]]; then
    mirror=("$SID_MIRROR")
  fi
  remove_tree "$staging"
  mkdir -p "$(dirname "$SID_ROOT")"
  # Until the root is in place, any way out (failure, Ctrl-C, SIGTERM from a CI
  # timeout, a closed terminal) removes the half-built root. A signal exits with
  # 128+signal, which runs the EXIT trap.
  # shellcheck disable=SC2064  # $staging is expanded now, while it is in scope
  trap "remove_tree $(printf %q "$staging")" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  log "building a Debian sid root with Python 3.14 in $SID_ROOT"
  # debootstrap mounts proc and sys inside the root: in its own mount namespace
  # those mounts disappear when it ends, however it ends.
  unshare --mount --propagation private -- \
    debootstrap --variant=minbase --include="$SID_PACKAGES" sid "$staging" "${mirror[@]}" >"$staging.log" 2>&1 ||
    { tail -20 "$staging.log" >&2; exit 1; }
  rm -f "$staging.log"
  mkdir -p "$staging$SID_REPO" "$staging/opt/venvs"
  remove_tree "$SID_ROOT"
  mv "$staging" "$SID_ROOT"
  touch "$SID_ROOT/.smsmode-ready"
  trap - EXIT INT TERM HUP
}

# Files the chroot needs from the host to reach the package index; refreshed each run.
refresh_sid_host_files() {
  cp /etc/resolv.conf "$SID_ROOT/etc/resolv.conf" 2>/dev/null || true
  # The root has its own (ca-certificates); the host's, when there is one, wins.
  cp /etc/ssl/certs/ca-certificates.crt "$SID_ROOT/etc/ssl/certs/ca-certificates.crt" \
    2>/dev/null || true
}

# The host's proxy and package-index settings, as VAR=value words for env(1):
# the chroot starts from an empty environment, and pip needs them on some hosts.
network_env() {
  local name
  for name in http_proxy https_proxy HTTP_PROXY HTTPS_PROXY \
    PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TRUSTED_HOST PIP_CERT; do
    [[ -n "${!name:-}" ]] && printf '%s=%s\0' "$name" "${!name}"
  done
  # Loopback never goes through a proxy: the tests talk to local servers.
  if [[ -n "${http_proxy:-}${https_proxy:-}${HTTP_PROXY:-}${HTTPS_PROXY:-}" ]]; then
    local bypass="127.0.0.1,localhost,::1"
    printf 'no_proxy=%s\0' "${no_proxy:+$no_proxy,}$bypass"
    printf 'NO_PROXY=%s\0' "${NO_PROXY:+$NO_PROXY,}$bypass"
  fi
  return 0
}

# run_in_env ENV CMD...: run CMD with ENV's virtualenv first on PATH, from the repo root.
run_in_env() {
  local env="$1"
  shift
  local venv
  venv="$(venv_path "$env")"
  if [[ "$(toolchain_mode)" == native ]]; then
    (cd "$REPO" && PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" "$@")
  else
    ensure_sid_root
    refresh_sid_host_files
    local passed=()
    mapfile -d '' -t passed < <(network_env)
    ((${#passed[@]})) && set -- /usr/bin/env "${passed[@]}" "$@"
    # A private mount namespace: the mounts below vanish when this command ends,
    # whatever way it ends, and parallel runs do not see each other's mounts.
    unshare --mount --propagation private -- bash -c '
      set -euo pipefail
      root="$1"; repo="$2"; inside="$3"; venv="$4"; shift 4
      mount --bind "$repo" "$root$inside"
      mount -t proc proc "$root/proc"
      mount --rbind /dev "$root/dev"
      exec chroot "$root" /usr/bin/env -i \
        HOME=/root LANG=C.UTF-8 TZ=UTC CI="${CI:-}" TERM="${TERM:-dumb}" \
        PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-}" PIP_DISABLE_PIP_VERSION_CHECK=1 \
        VIRTUAL_ENV="$venv" PATH="$venv/bin:/usr/local/bin:/usr/bin:/bin" \
        /bin/sh -c "cd \"$inside\" && exec \"\$@\"" sh "$@"
    ' bash "$SID_ROOT" "$REPO" "$SID_REPO" "$venv" "$@"
  fi
}

# requirement_files FILE: FILE and the requirements files it includes (-r), depth
# first: the files whose change makes scripts/setup rebuild an environment.
requirement_files() {
  local line
  echo "$1"
  while read -r line; do
    if [[ "$line" =~ ^-r[[:space:]]*([^[:space:]]+) ]]; then
      requirement_files "${BASH_REMATCH[1]}"
    fi
  done <"$REPO/$1"
}

# The interpreter that creates the virtualenvs, as seen by run_in_env.
python314() {
  if [[ "$(toolchain_mode)" == native ]]; then
    echo python3.14
  else
    echo /usr/bin/python3.14
  fi
}
