#!/usr/bin/env bash
# Trains the JDK 25 AOT caches of the /opt/kata/bin launchers: each launcher is run once with
# JKATA_AOT_OUTPUT=<cache> (the launcher then passes -XX:AOTCacheOutput instead of -XX:AOTCache), so the
# training uses the very same JVM, options and module path as every later start.
# Usage: scripts/train-aot.sh [PREFIX [FORCE]]   (FORCE=1 retrains even when a cache exists)
# A cache whose training run fails is removed: the launcher then starts without one.
set -uo pipefail
PREFIX=${1:-${KATA_PREFIX:-/opt/kata}}
FORCE=${2:-0}
AOTDIR=$PREFIX/lib/jkata/aot
note() { printf '    %s\n' "$*"; }

mkdir -p "$AOTDIR"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# train LAUNCHER CACHENAME ARGS...
train() {
  local tool=$1 launcher=$PREFIX/bin/$1 name=$2; shift 2
  local out=$AOTDIR/$name.aot
  [ -x "$launcher" ] || { note "WARNING: no $launcher"; return; }
  if [ "$FORCE" != 1 ] && [ -s "$out" ]; then note "unchanged $out"; return; fi
  rm -f "$out"
  # the configuration of this prefix, whatever /etc/kata-containers holds
  (cd "$work" && KATA_CONF_FILE="$PREFIX/share/defaults/kata-containers/configuration.toml" \
      JKATA_AOT_TRAINING=1 JKATA_AOT_OUTPUT="$out" "$launcher" "$@" \
      >"$work/$name.out" 2>"$work/$name.err" </dev/null)
  local rc=$?
  if [ "$rc" = 0 ] && [ -s "$out" ]; then
    note "trained $out ($(du -h "$out" | cut -f1))"
  else
    rm -f "$out"
    note "WARNING: no AOT cache for $tool (training '$*' exit $rc: $(grep -v '^\[' "$work/$name.err" | tail -1))"
  fi
}

train kata-runtime cli env --json
train containerd-shim-kata-v2 shim -v
train kata-deploy deploy --help
