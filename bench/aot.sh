#!/usr/bin/env bash
# Start-up and footprint of the installed launchers by AOT cache and JVM options, same run:
#   kata-runtime `state` / `kill <id> SIGCONT` on one running busybox container (kata-runtime --root
#   of its own), RUNS times each, interleaved over the variants new (the installed cache), old (a
#   cache trained as before: `env --json`) and none (JKATA_NO_AOT=1);
#   the shim: `ctr run -d` through a private containerd, SHIM_RUNS times per variant: wall time,
#   shim start -> task Create (containerd's debug log: the shim's `start` began -> its "Create" line)
#   and the PSS of the shim's JVM 12 s after ctr returned (idle sandbox).
# Shim variants (a wrapper sets the environment and execs the installed launcher; the daemon
# inherits it): new, old (-v-trained cache), none, and each name=JVM-options pair in SHIM_OPTS
# (with the new cache), e.g. SHIM_OPTS='small=-Xmx24m -Xss256k;cc=-XX:ReservedCodeCacheSize=8m'.
# Usage: bench/aot.sh [RUNS [SHIM_RUNS]]  (defaults 7 and 3). Needs root, containerd, ctr, the
# installed /opt/kata with its guest. Prints one line per sample and a median table.
set -uo pipefail
RUNS=${1:-7}
SHIM_RUNS=${2:-3}
SHIM_OPTS=${SHIM_OPTS:-}
REPO=$(cd "$(dirname "$0")/.." && pwd)
KATA=${KATA_PREFIX:-/opt/kata}
RT=$KATA/bin/kata-runtime
SHIM=$KATA/bin/containerd-shim-kata-v2
CONF=$KATA/share/defaults/kata-containers/configuration.toml
NS=jkata-aotbench
BENCH_NAME=aot.sh
KEEP=0
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"
KATA_BIN=$KATA/bin
bench_need_root
bench_need_tools containerd ctr jq timeout
[ -x "$RT" ] && [ -x "$SHIM" ] || die "no installed launchers in $KATA/bin (scripts/install-opt-kata.sh)"

bench_work jkata-aotbench
CID=jkata-aotb-$$
bench_cleanup_hook() { # the kata-runtime container of the verb timings
  timeout 60 "$RT" --root "$WORK/oci" kill "$CID" KILL >/dev/null 2>&1
  timeout 120 "$RT" --root "$WORK/oci" delete --force "$CID" >/dev/null 2>&1
}
bench_traps
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

busybox_image
mkdir -p "$WORK/old" "$WORK/spec"
# the caches trained as before this change (same jars): kata-runtime on `env --json`, the shim on `-v`
(cd "$WORK" && KATA_CONF_FILE=$CONF JKATA_AOT_OUTPUT=$WORK/old/cli.aot timeout 300 "$RT" env --json >/dev/null 2>&1)
(cd "$WORK" && JKATA_AOT_OUTPUT=$WORK/old/shim.aot timeout 300 "$SHIM" -v >/dev/null 2>&1)
[ -s "$WORK/old/cli.aot" ] && [ -s "$WORK/old/shim.aot" ] || die "could not train the old-style caches"
# variant NAME -> environment for the launcher
variant_env() {
  case $1 in
    new) echo "" ;;
    none) echo "JKATA_NO_AOT=1" ;;
    old-cli) echo "JKATA_NO_AOT=1 JKATA_JAVA_OPTS=-XX:AOTCache=$WORK/old/cli.aot" ;;
    old-shim) echo "JKATA_NO_AOT=1 JKATA_JAVA_OPTS=-XX:AOTCache=$WORK/old/shim.aot" ;;
  esac
}

# ---- kata-runtime verbs ------------------------------------------------------------------------
B=$WORK/bundle
mkdir -p "$B" && cp -a "$WORK/img/rootfs" "$B/rootfs"
(cd "$B" && "$RT" spec) && jq '.process.args = ["/bin/sh", "-c", "sleep 3600"] | .process.terminal = false' \
  "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json" || die "spec failed"
KATA_CONF_FILE=$CONF timeout 300 "$RT" --root "$WORK/oci" create --bundle "$B" "$CID" >"$WORK/create.log" 2>&1 \
  && timeout 120 "$RT" --root "$WORK/oci" start "$CID" >>"$WORK/create.log" 2>&1 || die "create/start failed: $(tail -3 "$WORK/create.log")"
declare -A S=()
for i in $(seq "$RUNS"); do
  for v in new old-cli none; do
    for verb in state kill; do
      args=(state "$CID"); [ $verb = kill ] && args=(kill "$CID" SIGCONT)
      t0=$(now_ms); env $(variant_env $v) KATA_CONF_FILE=$CONF "$RT" --root "$WORK/oci" "${args[@]}" >/dev/null 2>"$WORK/err" \
        || echo "  $v $verb failed: $(tail -1 "$WORK/err")"
      t1=$(now_ms); S[$v.$verb]+="$((t1 - t0)) "
    done
  done
done
timeout 60 "$RT" --root "$WORK/oci" kill "$CID" KILL >/dev/null 2>&1
timeout 120 "$RT" --root "$WORK/oci" delete --force "$CID" >/dev/null 2>&1
echo "kata-runtime samples (ms):"
for v in new old-cli none; do echo "  $v: state ${S[$v.state]}| kill ${S[$v.kill]}"; done

# ---- shim ----------------------------------------------------------------------------------------
mkdir -p "$WORK/wrap"
ctd_start --debug KATA_CONF_FILE="$CONF"
busybox_import
variants="new old-shim none"
declare -A OPT=()
IFS=';' read -r -a pairs <<<"$SHIM_OPTS"
for p in "${pairs[@]}"; do [ -n "$p" ] || continue; OPT[${p%%=*}]=${p#*=}; variants+=" ${p%%=*}"; done
for v in $variants; do
  {
    echo '#!/bin/sh'
    if [ -n "${OPT[$v]:-}" ]; then echo "JKATA_JAVA_OPTS='${OPT[$v]}'; export JKATA_JAVA_OPTS"
    else for kv in $(variant_env "$v"); do echo "${kv%%=*}='${kv#*=}'; export ${kv%%=*}"; done; fi
    echo "exec $SHIM \"\$@\""
  } >"$WORK/wrap/$v"
  chmod +x "$WORK/wrap/$v"
done
declare -A WALL=() CREATE=() PSS=()
for i in $(seq "$SHIM_RUNS"); do
  for v in $variants; do
    id=aotb-$v-$i-$$
    lines=$(wc -l <"$WORK/ctd/containerd.log")
    t0=$(now_ms)
    if ! CCTR_TIMEOUT=300 cctr run -d --runtime "$WORK/wrap/$v" "$IMG" "$id" \
        sh -c 'sleep 3600' >"$WORK/ctr.out" 2>&1; then
      echo "  $v run $i: ctr run -d failed: $(tail -2 "$WORK/ctr.out")"; continue
    fi
    t1=$(now_ms)
    created=$(tail -n +"$lines" "$WORK/ctd/containerd.log" | grep -F "id=\"$id\"" | grep -m1 'msg="Create ' \
      | sed -E 's/^time="([^"]+)".*/\1/')
    c_ms=-; [ -n "$created" ] && c_ms=$(( $(date -d "$created" +%s%3N) - t0 ))
    sleep 12
    pid=$(pgrep -f -- "-id $id " | head -1)
    pss=-; [ -n "$pid" ] && pss=$(( $(pss_kb "$pid") / 1024 ))
    echo "  shim $v run $i: ctr run -d $((t1 - t0)) ms, ctr start -> shim's Create $c_ms ms, shim PSS $pss MB"
    WALL[$v]+="$((t1 - t0)) "; [ "$c_ms" != - ] && CREATE[$v]+="$c_ms "; [ "$pss" != - ] && PSS[$v]+="$pss "
    ctr_remove "$id"
  done
done

echo
echo "| variant | kata-runtime state median ms | kill median ms |"
echo "|---|---|---|"
for v in new old-cli none; do
  echo "| $v | $(echo ${S[$v.state]} | tr ' ' '\n' | median) | $(echo ${S[$v.kill]} | tr ' ' '\n' | median) |"
done
echo
echo "| shim variant | JVM options | ctr run -d median ms | ctr start -> shim Create median ms | shim PSS median MB |"
echo "|---|---|---|---|---|"
for v in $variants; do
  echo "| $v | ${OPT[$v]:-$(variant_env "$v" | sed "s|$WORK/old/||")} | $(echo ${WALL[$v]:-} | tr ' ' '\n' | median) | $(echo ${CREATE[$v]:-} | tr ' ' '\n' | median) | $(echo ${PSS[$v]:-} | tr ' ' '\n' | median) |"
done
