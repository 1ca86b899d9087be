#!/usr/bin/env bash
# jkata benchmarks: kata (the installed /opt/kata) against a baseline measured in the same run.
#
# usage: bench/run.sh [--runs N] [--keep]
#   --runs N   samples per timed measurement (default 5; one warm-up run each is not counted)
#   --keep     keep the work directory (logs) instead of removing it
#
# Measurements (see bench/RESULTS.md for a recorded run):
#   1. `ctr run --rm IMG true`: io.containerd.kata.v2 vs io.containerd.runc.v2, through a
#      containerd this script starts with its own dirs.
#   2. A bare QEMU boot (the exact argv of a running sandbox's QEMU, own virtiofsd) until the
#      agent answers grpc.Health/Check, vs the full kata `ctr run`.
#   3. PSS (smaps_rollup) of an idle kata sandbox (shim + QEMU + virtiofsd) vs runc's shim + container.
#   4. kata-runtime OCI verbs (create/start/state/kill/delete) vs runc on the same kind of bundle,
#      and the RSS of the --pid-file process.
#   5. Guest: boot-to-agent-ready guest uptime (console "agent ready"), initrd size, `free -m`.
#
# Needs root, containerd, ctr, runc, qemu-system-x86_64, virtiofsd, umoci, skopeo, jq and a JDK
# (JAVA_HOME, default temurin 25) for the agent probe. Everything it starts is stopped on exit,
# and every external command is bounded by `timeout`; a watchdog ends the whole run.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
INITRD=/opt/kata/share/kata-containers/kata-containers-initrd.img
RUNS=5
KEEP=0
NS=jkata-bench
while [ $# -gt 0 ]; do
  case $1 in
    --runs)
      [ $# -ge 2 ] || { echo "bench: --runs needs a number" >&2; exit 2; }
      [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs expects a positive integer, got '$2'" >&2; exit 2; }
      RUNS=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (expected --runs N or --keep)" >&2; exit 2 ;;
  esac
  shift
done

BENCH_NAME=bench
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"
bench_need_root "containerd, runc and QEMU need it"
bench_need_tools containerd ctr runc qemu-system-x86_64 jq umoci skopeo timeout awk
for f in "$KATA_BIN/containerd-shim-kata-v2" "$KATA_BIN/kata-runtime" "$INITRD" "$JDK/bin/java" "$JDK/bin/javac"; do
  [ -e "$f" ] || die "$f missing (install /opt/kata with scripts/install-opt-kata.sh; JAVA_HOME must be a JDK)"
done

bench_work jkata-bench
RESULTS=$WORK/results.txt   # section|label|unit|kata values|baseline values
: > "$RESULTS"
BARE_PIDS=()
KATA_OCI_IDS=()
RUNC_OCI_IDS=()
KATA_ROOT=$WORK/kata-root
RUNC_ROOT=$WORK/runc-root

bench_cleanup_hook() { # what only this script starts: bare QEMU boots, OCI containers
  local pid id
  say "cleaning up"
  for pid in "${BARE_PIDS[@]}"; do stop_pid "$pid" 5; done
  for id in "${KATA_OCI_IDS[@]}"; do
    timeout 120 "$KATA_BIN/kata-runtime" --root "$KATA_ROOT" delete --force "$id" >/dev/null 2>&1
  done
  for id in "${RUNC_OCI_IDS[@]}"; do
    timeout 60 runc --root "$RUNC_ROOT" delete --force "$id" >/dev/null 2>&1
  done
}
bench_traps
set -E
trap 'say "command failed (line $LINENO): $BASH_COMMAND"' ERR
bench_watchdog $((900 + RUNS * 240))

record() { echo "$1|$2|$3|$4|$5" >> "$RESULTS"; }

# ---------------------------------------------------------------- set-up
say "work dir $WORK, $RUNS runs per measurement, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
say "building the offline busybox image"
busybox_image

say "compiling the agent probe"
mkdir -p "$WORK/probe"
timeout 120 "$JDK/bin/javac" -d "$WORK/probe" "$REPO/bench/AgentProbe.java" || die "javac of bench/AgentProbe.java failed"

say "starting containerd"
ctd_start --debug
busybox_import

# ---------------------------------------------------------------- 3 + 5: one idle sandbox each
IDLE=jkbench-idle-$$
say "[3] idle kata sandbox: ctr run -d $IMG sleep 600"
idle_t0=$(now_ms)
cctr run -d --runtime io.containerd.kata.v2 "$IMG" "$IDLE" sleep 600 >/dev/null || die "kata ctr run -d failed"
idle_t1=$(now_ms)
sandbox_procs "$IDLE"; QEMU_PID=$SB_QEMU
sandbox_pss "$SB_SHIM"
KATA_TREE=("${SB_PIDS[@]}")
shim_k=$PSS_SHIM; qemu_k=$PSS_QEMU; vfs_k=$PSS_VFS; kata_total=$PSS_TOTAL
SANDBOX_DIR=/run/kata-containers/$IDLE
idle_ready=$(sed -n 's/.*agent ready.*ready \([0-9.]*\) s).*/\1/p' "$SANDBOX_DIR/console.log" | tail -1)
idle_main=$(sed -n 's/.*agent ready.*main \([0-9.]*\) s,.*/\1/p' "$SANDBOX_DIR/console.log" | tail -1)
# qemu.log starts with the time the shim executed QEMU.
idle_qemu_ms=$(date -d "$(head -1 "$SANDBOX_DIR/qemu.log" | cut -d' ' -f1)" +%s%3N 2>/dev/null || echo "")
# The exact argv of this sandbox's QEMU and virtiofsd, for the bare boots of [2].
tr '\0' '\n' < "/proc/$QEMU_PID/cmdline" > "$WORK/qemu.argv"
VFS_PID=
for pid in "${KATA_TREE[@]}"; do
  if [ "$(comm_of "$pid")" = virtiofsd ] && { [ -z "$VFS_PID" ] || [ "$pid" -lt "$VFS_PID" ]; }; then VFS_PID=$pid; fi
done
if [ -n "$VFS_PID" ]; then tr '\0' '\n' < "/proc/$VFS_PID/cmdline" > "$WORK/virtiofsd.argv"; fi
say "[5] guest memory: ctr task exec free -m"
free_out=$(cctr task exec --exec-id free-$$ "$IDLE" free -m) || die "free -m in the kata container failed"
guest_total=$(awk '/^Mem:/ { print $2 }' <<<"$free_out")
guest_used=$(awk '/^Mem:/ { print $3 }' <<<"$free_out")
guest_shared=$(awk '/^Mem:/ { print $5 }' <<<"$free_out")
guest_cache=$(awk '/^Mem:/ { print $6 }' <<<"$free_out")
ctr_remove "$IDLE"

RIDLE=jkbench-ridle-$$
say "[3] idle runc container: ctr run -d $IMG sleep 600"
cctr run -d --runtime io.containerd.runc.v2 "$IMG" "$RIDLE" sleep 600 >/dev/null || die "runc ctr run -d failed"
CPID=$(cctr task ls | awk -v id="$RIDLE" '$1 == id { print $2 }')
[ -n "$CPID" ] || die "no pid for runc task $RIDLE"
RSHIM=$(ps -o ppid= -p "$CPID" | tr -d ' ')
rshim_k=$(pss_kb "$RSHIM")
mapfile -t RUNC_TREE < <(tree_pids "$RSHIM")
runc_total=$(pss_kb "${RUNC_TREE[@]}")
rcont_k=$((runc_total - rshim_k))
ctr_remove "$RIDLE"
record pss "idle PSS: total (kata: shim+QEMU+virtiofsd; runc: shim+container)" MB "$((kata_total / 1024))" "$((runc_total / 1024))"
record pss "idle PSS: shim (kata: JVM)" MB "$((shim_k / 1024))" "$((rshim_k / 1024))"
record pss "idle PSS: QEMU (baseline: container process)" MB "$((qemu_k / 1024))" "$((rcont_k / 1024))"
record pss "idle PSS: virtiofsd" MB "$((vfs_k / 1024))" "-"

# ---------------------------------------------------------------- 1: ctr run --rm true
say "[1] ctr run --rm $IMG true, kata vs runc (1 warm-up + $RUNS runs each, interleaved)"
ctr_run_once() { # runtime id -> ms
  local t0 t1
  t0=$(now_ms)
  cctr run --rm --runtime "$1" "$IMG" "$2" true >/dev/null 2>"$WORK/ctr-run.err" \
    || die "ctr run --rm --runtime $1 failed: $(cat "$WORK/ctr-run.err")"
  t1=$(now_ms)
  echo $((t1 - t0))
}
k_run=(); r_run=()
for ((i = 0; i <= RUNS; i++)); do
  k=$(ctr_run_once io.containerd.kata.v2 "jkbench-k$i-$$")
  r=$(ctr_run_once io.containerd.runc.v2 "jkbench-r$i-$$")
  say "    run $i: kata ${k} ms, runc ${r} ms$([ "$i" = 0 ] && echo ' (warm-up)')"
  if [ "$i" -gt 0 ]; then k_run+=("$k"); r_run+=("$r"); fi
done
record ctr "ctr run --rm true (kata vs runc)" ms "${k_run[*]}" "${r_run[*]}"

# ---------------------------------------------------------------- 2: bare QEMU boot to agent ready
say "[2] bare QEMU boot (same argv as the sandbox's QEMU) to Health/Check answered, $RUNS runs"
bare_boot() { # n -> BOOT_MS (QEMU start to Health answered), BOOT_READY (guest uptime at agent ready, s)
  local n=$1 dir=$WORK/bare$1 qpid vpid t0 t1 ready
  mkdir -p "$dir/shared"
  local from_shared="/run/kata-containers/shared/sandboxes/$IDLE/shared" from_dir="/run/kata-containers/$IDLE"
  mapfile -t qargv < <(sed -e "s#$from_shared#$dir/shared#g" -e "s#$from_dir#$dir#g" -e "s#^$IDLE\$#bench-bare$n#" "$WORK/qemu.argv")
  vpid=
  if [ -s "$WORK/virtiofsd.argv" ]; then
    mapfile -t vargv < <(sed -e "s#$from_shared#$dir/shared#g" -e "s#$from_dir#$dir#g" "$WORK/virtiofsd.argv")
    "${vargv[@]}" </dev/null >"$dir/virtiofsd.log" 2>&1 &
    vpid=$!; BARE_PIDS+=("$vpid")
    for ((j = 0; j < 100; j++)); do [ -S "$dir/virtiofsd.sock" ] && break; sleep 0.1; done
    [ -S "$dir/virtiofsd.sock" ] || die "virtiofsd did not create $dir/virtiofsd.sock: $(cat "$dir/virtiofsd.log")"
  fi
  timeout 300 "$JDK/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$WORK/probe" AgentProbe \
    "$dir/agent.sock" 240 "$dir/probe.started" >"$dir/probe.out" 2>"$dir/probe.err" &
  local ppid=$!
  for ((j = 0; j < 600; j++)); do [ -e "$dir/probe.started" ] && break; sleep 0.05; done
  t0=$(now_ms)
  "${qargv[@]}" </dev/null >"$dir/qemu.out" 2>&1 &
  qpid=$!; BARE_PIDS+=("$qpid")
  wait "$ppid" || die "bare boot $n: agent probe failed: $(cat "$dir/probe.err") console: $(tail -c 1500 "$dir/console.log" 2>/dev/null)"
  t1=$(cat "$dir/probe.out")
  ready=$(sed -n 's/.*agent ready.*ready \([0-9.]*\) s).*/\1/p' "$dir/console.log" | tail -1)
  BOOT_MAIN=$(sed -n 's/.*agent ready.*main \([0-9.]*\) s,.*/\1/p' "$dir/console.log" | tail -1)
  stop_pid "$qpid" 10
  [ -n "$vpid" ] && stop_pid "$vpid" 10
  wait "$qpid" 2>/dev/null || true
  [ -n "$vpid" ] && { wait "$vpid" 2>/dev/null || true; }
  BOOT_MS=$((t1 - t0)); BOOT_READY=${ready:-?}
}
b_host=(); b_guest=(); b_main=()
for ((i = 1; i <= RUNS; i++)); do
  bare_boot "$i"
  say "    boot $i: agent answered ${BOOT_MS} ms after QEMU start (guest uptime at agent ready: ${BOOT_READY} s)"
  b_host+=("$BOOT_MS"); b_guest+=("$BOOT_READY"); b_main+=("${BOOT_MAIN:-?}")
done
record boot "bare QEMU to agent ready (baseline) vs full kata ctr run --rm true" ms "${k_run[*]}" "${b_host[*]}"

# ---------------------------------------------------------------- 4: OCI verbs
say "[4] OCI verbs: kata-runtime vs runc, $RUNS create/start/state/kill/delete cycles each"
mkdir -p "$KATA_ROOT" "$RUNC_ROOT" "$WORK/kb" "$WORK/rb"
(cd "$WORK/kb" && timeout 60 "$KATA_BIN/kata-runtime" spec) || die "kata-runtime spec failed"
(cd "$WORK/rb" && timeout 60 runc spec) || die "runc spec failed"
for b in kb rb; do
  jq '.process.terminal = false | .process.args = ["sleep", "600"]' "$WORK/$b/config.json" > "$WORK/$b/c.json"
  mv "$WORK/$b/c.json" "$WORK/$b/config.json"
  cp -a "$WORK/img/rootfs" "$WORK/$b/rootfs"
done
timed() { # ms of a command; its output to $WORK/verb.out
  local t0 t1
  t0=$(now_ms)
  "$@" </dev/null >"$WORK/verb.out" 2>&1 || die "'$*' failed: $(tail -c 1500 "$WORK/verb.out")"
  t1=$(now_ms)
  echo $((t1 - t0))
}
wait_stopped() { # runtime-cmd... id
  local j
  for ((j = 0; j < 600; j++)); do
    "$@" 2>/dev/null | jq -e '.status == "stopped"' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "container did not stop within 60 s after kill: $*"
}
declare -A VK=() VR=()
pidfile_k=(); pidfile_r=(); daemon_pss=
oci_cycle() { # kind(k|r) n -> CYCLE=(create start state kill delete) in ms
  local kind=$1 n=$2 id bundle pidf create start state kill del pid
  if [ "$kind" = k ]; then
    local rt=("$KATA_BIN/kata-runtime" --root "$KATA_ROOT"); id=jkbench-oci-k$n-$$; bundle=$WORK/kb
    KATA_OCI_IDS+=("$id")
  else
    local rt=(runc --root "$RUNC_ROOT"); id=jkbench-oci-r$n-$$; bundle=$WORK/rb
    RUNC_OCI_IDS+=("$id")
  fi
  pidf=$WORK/$id.pid
  create=$(timed timeout 240 "${rt[@]}" create --bundle "$bundle" --pid-file "$pidf" "$id")
  start=$(timed timeout 60 "${rt[@]}" start "$id")
  state=$(timed timeout 60 "${rt[@]}" state "$id")
  pid=$(cat "$pidf")
  if [ "$kind" = k ]; then
    pidfile_k+=("$(rss_kb "$pid")")
    if [ -z "$daemon_pss" ]; then
      local dpid; dpid=$(pgrep -f -- " oci-daemon $id " | head -1 || true)
      [ -n "$dpid" ] && { mapfile -t dtree < <(tree_pids "$dpid"); daemon_pss=$(pss_kb "${dtree[@]}"); }
    fi
  else
    pidfile_r+=("$(rss_kb "$pid")")
  fi
  kill=$(timed timeout 60 "${rt[@]}" kill "$id" KILL)
  wait_stopped timeout 60 "${rt[@]}" state "$id"
  del=$(timed timeout 120 "${rt[@]}" delete "$id")
  CYCLE=("$create" "$start" "$state" "$kill" "$del")
}
for ((i = 1; i <= RUNS; i++)); do
  oci_cycle k "$i"; read -r kc ks kst kk kd <<<"${CYCLE[*]}"
  oci_cycle r "$i"; read -r rc rs rst rk rd <<<"${CYCLE[*]}"
  say "    cycle $i: kata create/start/state/kill/delete $kc/$ks/$kst/$kk/$kd ms, runc $rc/$rs/$rst/$rk/$rd ms"
  VK[create]+="$kc "; VK[start]+="$ks "; VK[state]+="$kst "; VK[kill]+="$kk "; VK[delete]+="$kd "
  VR[create]+="$rc "; VR[start]+="$rs "; VR[state]+="$rst "; VR[kill]+="$rk "; VR[delete]+="$rd "
done
for verb in create start state kill delete; do
  record oci "runtime $verb (kata-runtime vs runc)" ms "${VK[$verb]}" "${VR[$verb]}"
done

# ---------------------------------------------------------------- 5: guest facts
to_ms() { for g in "$@"; do [[ $g =~ ^[0-9.]+$ ]] && awk -v s="$g" 'BEGIN { printf "%d\n", s * 1000 }'; done; true; }
initrd_mb=$(( $(stat -c %s "$INITRD") / 1024 / 1024 ))
mapfile -t b_guest_ms < <(to_ms "${b_guest[@]}" "$idle_ready")

# ---------------------------------------------------------------- report
stats() { # values... -> "min median" (or "- -")
  printf '%s\n' "$@" | { grep -E '^[0-9.]+$' || true; } | sort -n | awk '{ v[++n] = $1 }
    END { if (n == 0) { print "- -"; exit }
          m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
          printf "%g %g\n", v[1], m }'
}
echo
echo "## jkata benchmarks $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS runs, host $(nproc) cores," \
  "load average at end $(cut -d' ' -f1-3 /proc/loadavg) (shared, loaded machine: orders of magnitude only)"
echo "QEMU: $(qemu-system-x86_64 --version | head -1); accelerator from the sandbox argv:" \
  "$(grep -A1 -x -- '-accel' "$WORK/qemu.argv" | tail -1)"
echo
printf '| %-70s | %-5s | %-18s | %-21s | %-14s |\n' "measurement" "unit" "kata min / median" "baseline min / median" "ratio (median)"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..72})" "-------" "$(printf -- '-%.0s' {1..20})" "$(printf -- '-%.0s' {1..23})" "----------------"
while IFS='|' read -r section label unit kv bv; do
  read -r kmin kmed <<<"$(stats $kv)"
  read -r bmin bmed <<<"$(stats $bv)"
  ratio=$(awk -v a="$kmed" -v b="$bmed" 'BEGIN { if (b + 0 > 0 && a != "-") printf "%.1fx", a / b; else print "-" }')
  printf '| %-70s | %-5s | %-18s | %-21s | %-14s |\n' "$label" "$unit" "$kmin / $kmed" "$bmin / $bmed" "$ratio"
done < "$RESULTS"
read -r kmin kmed <<<"$(stats "${k_run[@]}")"; read -r bmin bmed <<<"$(stats "${b_host[@]}")"
echo
echo "Overhead of the full kata path over a bare VM boot to agent ready (median): $(awk -v a="$kmed" -v b="$bmed" 'BEGIN { printf "%d ms", a - b }')"
read -r gmin gmed <<<"$(stats "${b_guest_ms[@]}")"
# Milestones of the idle sandbox's start, from the shim's messages in containerd's debug log
# (informational: the message texts belong to the shim and runtime modules).
timeline() {
  local label pattern line ts ms
  printf '%s\n' "Idle sandbox start timeline (ms after 'ctr run -d' began, from containerd's debug log):"
  while IFS='|' read -r label pattern; do
    line=$(grep -F "$IDLE" "$WORK/ctd/containerd.log" | grep -E -m1 -- "$pattern" || true)
    [ -n "$line" ] || { printf '  %-44s (not logged)\n' "$label"; continue; }
    ts=$(sed -n 's/^time="\([^"]*\)".*/\1/p' <<<"$line")
    ms=$(date -d "$ts" +%s%3N 2>/dev/null || echo "")
    [ -n "$ms" ] && printf '  %-44s %6d\n' "$label" $((ms - idle_t0))
  done <<'EOT'
snapshot prepared|msg="prepare snapshot"
shim serving|msg="shim .* serving on
task Create received by the shim|msg="Create 
QEMU executed|QEMU pid [0-9]+ started
agent answered Health/Check|answered \(SERVING\)
sandbox up (CreateSandbox done)|msg="sandbox .* is up
task Start received|msg="Start 
EOT
  printf '  %-44s %6d\n' "ctr run -d returned" $((idle_t1 - idle_t0))
}
timeline
if [ -n "$idle_qemu_ms" ]; then
  echo "Idle sandbox 'ctr run -d' (1 sample): $((idle_t1 - idle_t0)) ms in all; ctr start to QEMU exec $((idle_qemu_ms - idle_t0)) ms;" \
    "QEMU exec to ctr returned $((idle_t1 - idle_qemu_ms)) ms (guest uptime at agent ready ${idle_ready:-?} s)"
fi
echo "Guest boot to agent ready (guest uptime on the console 'agent ready' line, bare boots + the idle sandbox): min ${gmin} ms, median ${gmed} ms"
mapfile -t b_main_ms < <(to_ms "${b_main[@]}" "$idle_main")
read -r mmin mmed <<<"$(stats "${b_main_ms[@]}")"
echo "  of which guest kernel + init until the agent's JVM main: min ${mmin} ms, median ${mmed} ms"
echo "Guest initrd: $initrd_mb MiB ($INITRD)"
echo "Guest memory after boot (free -m in the idle kata container): used ${guest_used} MiB of ${guest_total} MiB" \
  "(shared ${guest_shared} MiB, buff/cache ${guest_cache} MiB: the guest root is the initramfs itself, bind-mounted)"
read -r pmin pmed <<<"$(stats "${pidfile_k[@]}")"; read -r qmin qmed <<<"$(stats "${pidfile_r[@]}")"
echo "RSS of the --pid-file process: kata-runtime ${pmed} kB (median), runc ${qmed} kB (the container's own init)"
echo "PSS of the kata-runtime sandbox daemon with its QEMU and virtiofsd: $(( ${daemon_pss:-0} / 1024 )) MiB"
