#!/usr/bin/env bash
# jkata memory benchmark: PSS of an idle kata sandbox, by process and, for QEMU, by mapping.
#
# usage: bench/mem.sh [--runs N] [--settle S] [--conf FILE] [--label TEXT] [--keep]
#   --runs N     idle sandboxes to measure, one after the other (default 3; medians are reported)
#   --settle S   seconds to wait after `ctr run -d` returned before reading /proc (default 20)
#   --conf FILE  Kata configuration for the shim (KATA_CONF_FILE of the containerd this script
#                starts); default: the installed configuration
#   --label TEXT name of this variant in the output (default: the --conf file name or "installed")
#   --keep       keep the work directory (logs, smaps of each QEMU) instead of removing it
#
# Each run: `ctr run -d IMG sleep 600` with io.containerd.kata.v2 through a containerd of our own,
# wait --settle seconds, read /proc/<pid>/smaps_rollup of the shim (JVM), QEMU and virtiofsd, then
# kill and remove the task. PSS is split by kind (smaps_rollup): Anon (QEMU heap, TCG code buffer),
# Shmem (the guest RAM: a memfd when virtio-fs is on) and File (mapped files: kernel, initrd,
# libraries; shared with every other process mapping the same file, so it shrinks while other VMs
# run). For QEMU the biggest mappings of the first run are listed too.
# Needs root, containerd, ctr, jq, umoci, skopeo and the installed /opt/kata. Everything it starts is
# stopped on exit; every external command is bounded by `timeout`.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
KATA_BIN=/opt/kata/bin
RUNS=3
SETTLE=20
CONF=
LABEL=
KEEP=0
NS=jkata-mem
while [ $# -gt 0 ]; do
  case $1 in
    --runs|--settle|--conf|--label)
      [ $# -ge 2 ] || { echo "mem: $1 needs a value" >&2; exit 2; }
      case $1 in
        --runs) [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "mem: --runs expects a positive integer, got '$2'" >&2; exit 2; }
                RUNS=$2 ;;
        --settle) [[ $2 =~ ^[0-9]+$ ]] || { echo "mem: --settle expects seconds (an integer), got '$2'" >&2; exit 2; }
                SETTLE=$2 ;;
        --conf) [ -f "$2" ] || { echo "mem: --conf expects a Kata configuration file, '$2' is not a file" >&2; exit 2; }
                CONF=$(readlink -f "$2") ;;
        --label) LABEL=$2 ;;
      esac
      shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "mem: unknown argument '$1' (expected --runs N, --settle S, --conf FILE, --label TEXT or --keep)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$LABEL" ] || LABEL=${CONF:+$(basename "$CONF")}
[ -n "$LABEL" ] || LABEL=installed

die() { echo "mem: $*" >&2; exit 1; }
say() { echo "mem: $*" >&2; }
[ "$(id -u)" = 0 ] || die "must run as root (containerd and QEMU need it)"
for tool in containerd ctr jq umoci skopeo timeout awk; do
  command -v "$tool" >/dev/null || die "required tool '$tool' not found in PATH"
done
[ -x "$KATA_BIN/containerd-shim-kata-v2" ] || die "$KATA_BIN/containerd-shim-kata-v2 missing (scripts/install-opt-kata.sh)"

WORK=$(mktemp -d /tmp/jkata-mem.XXXXXX)
SOCK=$WORK/ctd/c.sock
CTD_PID=
WATCHDOG=

stop_pid() { # pid [seconds]: TERM, wait, KILL
  local pid=$1 t=${2:-15} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < t * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cctr() { timeout 240 ctr -a "$SOCK" -n "$NS" "$@"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  set +e
  [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
  if [ -n "$CTD_PID" ] && kill -0 "$CTD_PID" 2>/dev/null; then
    for id in $(cctr tasks ls -q 2>/dev/null); do
      cctr tasks kill -s SIGKILL "$id" >/dev/null 2>&1; cctr tasks rm -f "$id" >/dev/null 2>&1
    done
    for id in $(cctr containers ls -q 2>/dev/null); do cctr containers rm "$id" >/dev/null 2>&1; done
    stop_pid "$CTD_PID" 15
  fi
  # A shim whose start failed is not known to containerd any more: find ours by our socket path.
  for pid in $(pgrep -f -- "-address $SOCK" 2>/dev/null); do stop_pid "$pid" 5; done
  awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
  rmdir "/run/containerd/io.containerd.runtime.v2.task/$NS" 2>/dev/null
  if [ "$KEEP" = 1 ]; then say "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM
MAX_SECONDS=$((600 + RUNS * (240 + SETTLE)))
( sleep "$MAX_SECONDS"; echo "mem: watchdog: run exceeded ${MAX_SECONDS}s" >&2; kill -TERM $$ ) 2>/dev/null &
WATCHDOG=$!

tree_pids() { # root pid -> it and all its descendants
  ps -eo pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2; pids[NR] = $1 }
    END { keep[root] = 1; changed = 1
          while (changed) { changed = 0
            for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 } } }
          for (p in keep) print p }'
}
rollup() { # pid field -> kB (0 when the process is gone)
  awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'; }
mb() { echo $(( ($1 + 512) / 1024 )); }
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------- set-up
say "work dir $WORK, $RUNS runs, settle ${SETTLE}s, variant '$LABEL', load average: $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 300 "$REPO/tests/images/build-busybox-image.sh" "$WORK/img" >"$WORK/img.log" 2>&1 \
  || die "busybox image build failed: $(tail -5 "$WORK/img.log")"
mkdir -p "$WORK/ctd"
cat > "$WORK/ctd/config.toml" <<EOF
version = 2
root = "$WORK/ctd/root"
state = "$WORK/ctd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$WORK/ctd/opt"
EOF
# containerd starts each shim with its own environment: KATA_CONF_FILE picks the variant's config.
if [ -n "$CONF" ]; then
  KATA_CONF_FILE=$CONF PATH="$KATA_BIN:$PATH" containerd --config "$WORK/ctd/config.toml" >"$WORK/ctd/containerd.log" 2>&1 </dev/null &
else
  PATH="$KATA_BIN:$PATH" containerd --config "$WORK/ctd/config.toml" >"$WORK/ctd/containerd.log" 2>&1 </dev/null &
fi
CTD_PID=$!
for ((i = 0; i < 300; i++)); do
  kill -0 "$CTD_PID" 2>/dev/null || die "containerd exited: $(tail -5 "$WORK/ctd/containerd.log")"
  [ -S "$SOCK" ] && timeout 10 ctr -a "$SOCK" version >/dev/null 2>&1 && break
  sleep 0.1
done
[ -S "$SOCK" ] || die "containerd did not answer on $SOCK within 30 s"
cctr images import --base-name docker.io/library/bb "$WORK/img/bb-oci.tar" >/dev/null \
  || die "ctr images import of $WORK/img/bb-oci.tar failed"
IMG=docker.io/library/bb:latest

# ---------------------------------------------------------------- runs
declare -a R_TOTAL R_SHIM R_QEMU R_QANON R_QSHM R_QFILE R_VFS R_START R_GUEST R_QCPU
for ((n = 1; n <= RUNS; n++)); do
  id=jkmem-$n-$$
  t0=$(now_ms)
  cctr run -d --runtime io.containerd.kata.v2 "$IMG" "$id" sleep 600 >/dev/null 2>"$WORK/run.err" \
    || die "ctr run -d ($LABEL, run $n) failed: $(cat "$WORK/run.err")"
  t1=$(now_ms)
  qemu=$(pgrep -f -- "-name $id " | head -1 || true)
  [ -n "$qemu" ] || die "no QEMU process with -name $id found"
  shim=$(ps -o ppid= -p "$qemu" | tr -d ' ')
  sleep "$SETTLE"
  shim_k=0; qemu_k=0; vfs_k=0; other_k=0
  for pid in $(tree_pids "$shim"); do
    kb=$(rollup "$pid" Pss)
    case $(cat "/proc/$pid/comm" 2>/dev/null) in
      qemu-system-x86*) qemu_k=$((qemu_k + kb)) ;;
      virtiofsd) vfs_k=$((vfs_k + kb)) ;;
      java) shim_k=$((shim_k + kb)) ;;
      *) other_k=$((other_k + kb)) ;;
    esac
  done
  R_TOTAL+=("$((shim_k + qemu_k + vfs_k + other_k))"); R_SHIM+=("$shim_k"); R_QEMU+=("$qemu_k"); R_VFS+=("$vfs_k")
  R_QANON+=("$(rollup "$qemu" Pss_Anon)"); R_QSHM+=("$(rollup "$qemu" Pss_Shmem)"); R_QFILE+=("$(rollup "$qemu" Pss_File)")
  R_START+=("$((t1 - t0))")
  # QEMU's CPU time so far (boot, sandbox and container start, the idle settle), in ms: steadier than
  # wall-clock time on a loaded host.
  R_QCPU+=("$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$qemu/stat" 2>/dev/null || echo 0)")
  R_GUEST+=("$(timeout 60 ctr -a "$SOCK" -n "$NS" tasks exec --exec-id m$n "$id" free -m 2>/dev/null \
    | awk '/^Mem:/ { printf "%s/%s", $3, $2 }' || true)")
  cp "/proc/$qemu/smaps" "$WORK/qemu-$n.smaps" 2>/dev/null || true
  say "    run $n: ctr run -d ${R_START[-1]} ms; PSS MB: total $(mb "${R_TOTAL[-1]}"), shim $(mb "$shim_k"), QEMU $(mb "$qemu_k") (anon $(mb "${R_QANON[-1]}"), guest RAM shmem $(mb "${R_QSHM[-1]}"), files $(mb "${R_QFILE[-1]}")), virtiofsd $(mb "$vfs_k"); QEMU CPU ${R_QCPU[-1]} ms; guest used/total MiB ${R_GUEST[-1]:-?}"
  cctr tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
  for ((j = 0; j < 300; j++)); do
    cctr tasks ls -q 2>/dev/null | grep -qx "$id" || break
    cctr tasks rm -f "$id" >/dev/null 2>&1 && break
    sleep 0.2
  done
  cctr containers rm "$id" >/dev/null 2>&1 || true
done

# ---------------------------------------------------------------- report
med() { mb "$(median "$@")"; }
echo "Variant: $LABEL ($RUNS idle sandboxes, read ${SETTLE} s after ctr run -d returned; medians in MB)"
printf '  %-44s %6s\n' \
  "PSS total (shim + QEMU + virtiofsd)" "$(med "${R_TOTAL[@]}")" \
  "PSS shim (JVM)" "$(med "${R_SHIM[@]}")" \
  "PSS QEMU" "$(med "${R_QEMU[@]}")" \
  "  QEMU anon (heap, TCG code buffer)" "$(med "${R_QANON[@]}")" \
  "  QEMU shmem (guest RAM touched)" "$(med "${R_QSHM[@]}")" \
  "  QEMU files (kernel, initrd, libs; shared)" "$(med "${R_QFILE[@]}")" \
  "PSS virtiofsd" "$(med "${R_VFS[@]}")"
echo "  ctr run -d (ms), per run: ${R_START[*]}; QEMU CPU time at the reading (ms): ${R_QCPU[*]}"
echo "  guest free -m used/total MiB, per run: ${R_GUEST[*]}"
echo "  QEMU's biggest mappings (run 1, PSS kB, mapped size kB, mappings, name):"
awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anon]" : $6) }
     /^Size:/ { size = $2 }
     /^Pss:/ { pss[name] += $2; sz[name] += size; cnt[name]++ }
     END { for (k in pss) printf "    %8d %9d %3d  %s\n", pss[k], sz[k], cnt[k], k }' "$WORK/qemu-1.smaps" \
  | sort -rn | awk 'NR <= 8'
