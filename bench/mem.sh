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

BENCH_NAME=mem
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"
bench_need_root "containerd and QEMU need it"
bench_need_tools containerd ctr jq umoci skopeo timeout awk
[ -x "$KATA_BIN/containerd-shim-kata-v2" ] || die "$KATA_BIN/containerd-shim-kata-v2 missing (scripts/install-opt-kata.sh)"

bench_work jkata-mem
bench_traps
bench_watchdog $((600 + RUNS * (240 + SETTLE)))

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'; }
mb() { echo $(( ($1 + 512) / 1024 )); }

# ---------------------------------------------------------------- set-up
say "work dir $WORK, $RUNS runs, settle ${SETTLE}s, variant '$LABEL', load average: $(cut -d' ' -f1-3 /proc/loadavg)"
busybox_image
# containerd starts each shim with its own environment: KATA_CONF_FILE picks the variant's config.
ctd_start ${CONF:+"KATA_CONF_FILE=$CONF"}
busybox_import

# ---------------------------------------------------------------- runs
declare -a R_TOTAL R_SHIM R_QEMU R_QANON R_QSHM R_QFILE R_VFS R_START R_GUEST R_QCPU
for ((n = 1; n <= RUNS; n++)); do
  id=jkmem-$n-$$
  t0=$(now_ms)
  cctr run -d --runtime io.containerd.kata.v2 "$IMG" "$id" sleep 600 >/dev/null 2>"$WORK/run.err" \
    || die "ctr run -d ($LABEL, run $n) failed: $(cat "$WORK/run.err")"
  t1=$(now_ms)
  sandbox_procs "$id"; qemu=$SB_QEMU
  sleep "$SETTLE"
  sandbox_pss "$SB_SHIM"
  shim_k=$PSS_SHIM; qemu_k=$PSS_QEMU; vfs_k=$PSS_VFS
  R_TOTAL+=("$PSS_TOTAL"); R_SHIM+=("$shim_k"); R_QEMU+=("$qemu_k"); R_VFS+=("$vfs_k")
  R_QANON+=("$(rollup "$qemu" Pss_Anon)"); R_QSHM+=("$(rollup "$qemu" Pss_Shmem)"); R_QFILE+=("$(rollup "$qemu" Pss_File)")
  R_START+=("$((t1 - t0))")
  # QEMU's CPU time so far (boot, sandbox and container start, the idle settle), in ms: steadier than
  # wall-clock time on a loaded host.
  R_QCPU+=("$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$qemu/stat" 2>/dev/null || echo 0)")
  R_GUEST+=("$(CCTR_TIMEOUT=60 cctr tasks exec --exec-id m$n "$id" free -m 2>/dev/null \
    | awk '/^Mem:/ { printf "%s/%s", $3, $2 }' || true)")
  cp "/proc/$qemu/smaps" "$WORK/qemu-$n.smaps" 2>/dev/null || true
  say "    run $n: ctr run -d ${R_START[-1]} ms; PSS MB: total $(mb "${R_TOTAL[-1]}"), shim $(mb "$shim_k"), QEMU $(mb "$qemu_k") (anon $(mb "${R_QANON[-1]}"), guest RAM shmem $(mb "${R_QSHM[-1]}"), files $(mb "${R_QFILE[-1]}")), virtiofsd $(mb "$vfs_k"); QEMU CPU ${R_QCPU[-1]} ms; guest used/total MiB ${R_GUEST[-1]:-?}"
  ctr_remove "$id"
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
