#!/usr/bin/env bash
# Installs Let's Encrypt Pebble (ACME test CA, 2.10 from Debian unstable: ARI + profiles)
# into <repo>/.tools/pebble/usr/bin/{pebble,pebble-challtestsrv}, and makes sure openssl exists.
# Idempotent: does nothing when .tools/pebble/usr/bin/pebble already runs (unless it is the fallback below).
# Fallback when Debian unstable cannot be reached: Debian stable's pebble (2.4: no ARI, no profiles), with a warning.
# Quiet on success (one summary line), loud on failure. Needs root (apt-get) on Debian.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo/.tools/pebble"
bin="$dest/usr/bin"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

fail() {
  echo "fetch-pebble: ERROR: $*" >&2
  if [[ -s "$log" ]]; then
    echo "---- log ----" >&2
    tail -n 60 "$log" >&2
  fi
  exit 1
}

run_apt() {
  # apt-get with retries for a transient lock or network hiccup
  local i
  for i in 1 2 3; do
    if DEBIAN_FRONTEND=noninteractive apt-get "$@" >>"$log" 2>&1; then return 0; fi
    sleep 3
  done
  return 1
}

pebble_version() {
  # Debian builds print "Pebble version: dev"; the package changelog has the real version
  local v pkg=""
  v="$("$bin/pebble" -version 2>&1 | head -n 1)"
  if [[ -f "$dest/usr/share/doc/pebble/changelog.Debian.gz" ]]; then
    pkg="$(zcat "$dest/usr/share/doc/pebble/changelog.Debian.gz" | head -n 1 | sed -n 's/^pebble (\([^)]*\)).*/\1/p')"
  fi
  if [[ -n "$pkg" ]]; then echo "$v (Debian package $pkg)"; else echo "$v"; fi
}

ensure_openssl() {
  if ! command -v openssl >/dev/null 2>&1; then
    run_apt update || fail "apt-get update failed"
    run_apt install -y --no-install-recommends openssl || fail "could not install openssl"
  fi
}

ensure_openssl

# a fallback install (marker file FALLBACK) is retried against unstable on every run
if [[ -x "$bin/pebble" ]] && "$bin/pebble" -version >/dev/null 2>&1 \
   && [[ -x "$bin/pebble-challtestsrv" ]] && [[ ! -e "$dest/FALLBACK" ]]; then
  echo "fetch-pebble: already installed: $(pebble_version) in .tools/pebble"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -f "$log"; rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
echo "deb http://deb.debian.org/debian unstable main" >"$work/sources.list"
aptopts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
         -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
         -o "APT::Get::List-Cleanup=0")

fallback=""
if run_apt "${aptopts[@]}" update \
   && (cd "$work" && run_apt "${aptopts[@]}" download pebble) \
   && deb="$(ls "$work"/pebble_*.deb 2>/dev/null | head -n 1)" && [[ -n "$deb" ]]; then
  rm -rf "$dest"
  mkdir -p "$dest"
  dpkg -x "$deb" "$dest" >>"$log" 2>&1 || fail "dpkg -x $deb failed"
else
  fallback=yes
  echo "fetch-pebble: WARNING: download from Debian unstable failed; falling back to Debian stable's pebble (no ARI, no profiles)" >&2
  run_apt update || fail "apt-get update failed"
  run_apt install -y --no-install-recommends pebble || fail "apt-get install pebble failed"
  rm -rf "$dest"
  mkdir -p "$bin"
  for b in pebble pebble-challtestsrv; do
    src="$(command -v "$b" || true)"
    [[ -n "$src" ]] || fail "$b not found after apt-get install pebble"
    cp "$src" "$bin/$b"
  done
  echo "Debian stable's pebble: no ARI, no profiles" >"$dest/FALLBACK"
  if [[ -f /usr/share/doc/pebble/changelog.Debian.gz ]]; then
    mkdir -p "$dest/usr/share/doc/pebble"
    cp /usr/share/doc/pebble/changelog.Debian.gz "$dest/usr/share/doc/pebble/"
  fi
fi

[[ -x "$bin/pebble" && -x "$bin/pebble-challtestsrv" ]] || fail "pebble binaries missing under .tools/pebble/usr/bin"
"$bin/pebble" -version >>"$log" 2>&1 || fail "pebble -version does not run"

if [[ -n "$fallback" ]]; then
  echo "fetch-pebble: WARNING: installed $(pebble_version) (fallback) in .tools/pebble" >&2
else
  echo "fetch-pebble: installed $(pebble_version) in .tools/pebble"
fi
