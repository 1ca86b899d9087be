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
die() { echo "aot.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
for t in containerd ctr jq timeout; do command -v "$t" >/dev/null || die "'$t' not found"; done
[ -x "$RT" ] && [ -x "$SHIM" ] || die "no installed launchers in $KATA/bin (scripts/install-opt-kata.sh)"

W=$(mktemp -d /tmp/jkata-aotbench.XXXXXX)
SOCK=$W/ctd/c.sock
CID=jkata-aotb-$$
CTD_PID=
ms() { date +%s%3N; }
cleanup() {
  set +e
  timeout 60 "$RT" --root "$W/oci" kill "$CID" KILL >/dev/null 2>&1
  timeout 120 "$RT" --root "$W/oci" delete --force "$CID" >/dev/null 2>&1
  if [ -n "$CTD_PID" ] && kill -0 "$CTD_PID" 2>/dev/null; then
    for t in $(timeout 30 ctr -a "$SOCK" -n $NS tasks ls -q 2>/dev/null); do
      timeout 60 ctr -a "$SOCK" -n $NS tasks kill -s SIGKILL "$t" >/dev/null 2>&1
      timeout 120 ctr -a "$SOCK" -n $NS tasks rm -f "$t" >/dev/null 2>&1
    done
    for c in $(timeout 30 ctr -a "$SOCK" -n $NS containers ls -q 2>/dev/null); do
      timeout 30 ctr -a "$SOCK" -n $NS containers rm "$c" >/dev/null 2>&1
    done
    kill "$CTD_PID"; for _ in $(seq 150); do kill -0 "$CTD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$CTD_PID" 2>/dev/null
  fi
  rmdir "/run/containerd/io.containerd.runtime.v2.task/$NS" 2>/dev/null
  awk -v w="$W" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

timeout 300 "$REPO/tests/images/build-busybox-image.sh" "$W/img" >"$W/img.log" 2>&1 || die "image build failed"
mkdir -p "$W/old" "$W/spec"
# the caches trained as before this change (same jars): kata-runtime on `env --json`, the shim on `-v`
(cd "$W" && KATA_CONF_FILE=$CONF JKATA_AOT_OUTPUT=$W/old/cli.aot timeout 300 "$RT" env --json >/dev/null 2>&1)
(cd "$W" && JKATA_AOT_OUTPUT=$W/old/shim.aot timeout 300 "$SHIM" -v >/dev/null 2>&1)
[ -s "$W/old/cli.aot" ] && [ -s "$W/old/shim.aot" ] || die "could not train the old-style caches"
# variant NAME -> environment for the launcher
variant_env() {
  case $1 in
    new) echo "" ;;
    none) echo "JKATA_NO_AOT=1" ;;
    old-cli) echo "JKATA_NO_AOT=1 JKATA_JAVA_OPTS=-XX:AOTCache=$W/old/cli.aot" ;;
    old-shim) echo "JKATA_NO_AOT=1 JKATA_JAVA_OPTS=-XX:AOTCache=$W/old/shim.aot" ;;
  esac
}

# ---- kata-runtime verbs ------------------------------------------------------------------------
B=$W/bundle
mkdir -p "$B" && cp -a "$W/img/rootfs" "$B/rootfs"
(cd "$B" && "$RT" spec) && jq '.process.args = ["/bin/sh", "-c", "sleep 3600"] | .process.terminal = false' \
  "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json" || die "spec failed"
KATA_CONF_FILE=$CONF timeout 300 "$RT" --root "$W/oci" create --bundle "$B" "$CID" >"$W/create.log" 2>&1 \
  && timeout 120 "$RT" --root "$W/oci" start "$CID" >>"$W/create.log" 2>&1 || die "create/start failed: $(tail -3 "$W/create.log")"
declare -A S=()
for i in $(seq "$RUNS"); do
  for v in new old-cli none; do
    for verb in state kill; do
      args=(state "$CID"); [ $verb = kill ] && args=(kill "$CID" SIGCONT)
      t0=$(ms); env $(variant_env $v) KATA_CONF_FILE=$CONF "$RT" --root "$W/oci" "${args[@]}" >/dev/null 2>"$W/err" \
        || echo "  $v $verb failed: $(tail -1 "$W/err")"
      t1=$(ms); S[$v.$verb]+="$((t1 - t0)) "
    done
  done
done
timeout 60 "$RT" --root "$W/oci" kill "$CID" KILL >/dev/null 2>&1
timeout 120 "$RT" --root "$W/oci" delete --force "$CID" >/dev/null 2>&1
echo "kata-runtime samples (ms):"
for v in new old-cli none; do echo "  $v: state ${S[$v.state]}| kill ${S[$v.kill]}"; done

# ---- shim ----------------------------------------------------------------------------------------
mkdir -p "$W/ctd" "$W/wrap"
cat >"$W/ctd/config.toml" <<EOF
version = 2
root = "$W/ctd/root"
state = "$W/ctd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  level = "debug"
[plugins."io.containerd.internal.v1.opt"]
  path = "$W/ctd/opt"
EOF
PATH="$KATA/bin:$PATH" KATA_CONF_FILE=$CONF containerd --config "$W/ctd/config.toml" >"$W/ctd/containerd.log" 2>&1 </dev/null &
CTD_PID=$!
for _ in $(seq 300); do [ -S "$SOCK" ] && timeout 10 ctr -a "$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
timeout 120 ctr -a "$SOCK" -n $NS images import --base-name docker.io/library/bb "$W/img/bb-oci.tar" >/dev/null || die "import failed"
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
  } >"$W/wrap/$v"
  chmod +x "$W/wrap/$v"
done
declare -A WALL=() CREATE=() PSS=()
for i in $(seq "$SHIM_RUNS"); do
  for v in $variants; do
    id=aotb-$v-$i-$$
    lines=$(wc -l <"$W/ctd/containerd.log")
    t0=$(ms)
    if ! timeout 300 ctr -a "$SOCK" -n $NS run -d --runtime "$W/wrap/$v" docker.io/library/bb:latest "$id" \
        sh -c 'sleep 3600' >"$W/ctr.out" 2>&1; then
      echo "  $v run $i: ctr run -d failed: $(tail -2 "$W/ctr.out")"; continue
    fi
    t1=$(ms)
    created=$(tail -n +"$lines" "$W/ctd/containerd.log" | grep -F "id=\"$id\"" | grep -m1 'msg="Create ' \
      | sed -E 's/^time="([^"]+)".*/\1/')
    c_ms=-; [ -n "$created" ] && c_ms=$(( $(date -d "$created" +%s%3N) - t0 ))
    sleep 12
    pid=$(pgrep -f -- "-id $id " | head -1)
    pss=-; [ -n "$pid" ] && pss=$(awk '/^Pss:/{print int($2/1024)}' "/proc/$pid/smaps_rollup")
    echo "  shim $v run $i: ctr run -d $((t1 - t0)) ms, ctr start -> shim's Create $c_ms ms, shim PSS $pss MB"
    WALL[$v]+="$((t1 - t0)) "; [ "$c_ms" != - ] && CREATE[$v]+="$c_ms "; [ "$pss" != - ] && PSS[$v]+="$pss "
    timeout 60 ctr -a "$SOCK" -n $NS tasks kill -s SIGKILL "$id" >/dev/null 2>&1
    for _ in $(seq 60); do timeout 60 ctr -a "$SOCK" -n $NS tasks rm "$id" >/dev/null 2>&1 && break; sleep 1; done
    timeout 60 ctr -a "$SOCK" -n $NS containers rm "$id" >/dev/null 2>&1
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
  echo "| $v | ${OPT[$v]:-$(variant_env "$v" | sed "s|$W/old/||")} | $(echo ${WALL[$v]:-} | tr ' ' '\n' | median) | $(echo ${CREATE[$v]:-} | tr ' ' '\n' | median) | $(echo ${PSS[$v]:-} | tr ' ' '\n' | median) |"
done
