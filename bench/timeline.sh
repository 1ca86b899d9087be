#!/usr/bin/env bash
# One `ctr run --rm IMG true` through io.containerd.kata.v2 with every timestamp we can get:
# containerd's debug log (it carries the shim's log lines), the guest console (agent.log=debug,
# jkata.trace) stamped with the host time each line reached console.log, and the wall clock of ctr.
#
# usage: bench/timeline.sh [--runs N] [--keep] [--kernel-params "..."] [--config TOML]
#   --runs N            runs (default 1; the first run is also printed when N > 1)
#   --keep              keep the work directory
#   --kernel-params P   extra guest kernel parameters (default "agent.log=debug jkata.trace")
#   --config TOML       a Kata configuration file for the shim (ctr --runtime-config-path), e.g. one
#                       whose initrd is a build under test; default: the installed one
#
# EXTRA_ANNOTATION=key=value adds one more OCI annotation (e.g.
# io.katacontainers.config.hypervisor.default_vcpus=2).
# Prints one line per event, in ms after `ctr run` began. Needs root, containerd, ctr, the installed
# /opt/kata, umoci and skopeo (for the busybox image). Everything started is stopped on exit.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNS=1
KEEP=0
PARAMS="agent.log=debug jkata.trace"
NS=jkata-timeline
CONFIG=
while [ $# -gt 0 ]; do
  case $1 in
    --runs) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "timeline: --runs expects a positive integer, got '${2:-}'" >&2; exit 2; }
            RUNS=$2; shift ;;
    --keep) KEEP=1 ;;
    --kernel-params) [ $# -ge 2 ] || { echo "timeline: --kernel-params needs a value" >&2; exit 2; }
                     PARAMS=$2; shift ;;
    --config) [ -f "${2:-}" ] || { echo "timeline: --config expects a TOML file, got '${2:-}'" >&2; exit 2; }
              CONFIG=$(realpath "$2"); shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "timeline: unknown argument '$1' (expected --runs N, --keep, --kernel-params P, --config TOML)" >&2; exit 2 ;;
  esac
  shift
done
BENCH_NAME=timeline
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"
bench_need_root
bench_need_tools containerd ctr umoci skopeo timeout
[ -x "$KATA_BIN/containerd-shim-kata-v2" ] || die "no $KATA_BIN/containerd-shim-kata-v2 (scripts/install-opt-kata.sh)"

bench_work jkata-timeline
TAIL_PID=
bench_cleanup_hook() { # the console tail of a run in progress
  if [ -n "$TAIL_PID" ]; then kill "$TAIL_PID" 2>/dev/null; fi
}
bench_traps

busybox_image
ctd_start --debug
busybox_import

# ms of an RFC 3339 time stamp
to_ms() { date -d "$1" +%s%3N 2>/dev/null || echo ""; }

one_run() { # n
  local n=$1 id=jktl-$1-$$ t0 t1 console=$WORK/console-$1.txt
  # the console, stamped with the host time each line arrived (console.log is removed with the sandbox)
  ( tail -F -s 0.05 -n +1 "/run/kata-containers/$id/console.log" 2>/dev/null & echo $! > "$WORK/tail.pid"; wait ) \
    | while IFS= read -r line; do printf '%s %s\n' "$(date +%s%3N)" "$line"; done > "$console" &
  local pipe_pid=$!
  for _ in $(seq 50); do [ -s "$WORK/tail.pid" ] && break; sleep 0.02; done
  TAIL_PID=$(cat "$WORK/tail.pid")
  t0=$(date +%s%3N)
  CCTR_TIMEOUT=300 cctr run --rm --runtime io.containerd.kata.v2 \
    --annotation "io.katacontainers.config.hypervisor.kernel_params=$PARAMS" ${CONFIG:+--runtime-config-path "$CONFIG"} \
    ${EXTRA_ANNOTATION:+--annotation "$EXTRA_ANNOTATION"} \
    "$IMG" "$id" true >"$WORK/ctr-$n.out" 2>&1 || die "ctr run failed: $(cat "$WORK/ctr-$n.out")"
  t1=$(date +%s%3N)
  sleep 0.5
  kill "$TAIL_PID" 2>/dev/null || true
  wait "$pipe_pid" 2>/dev/null || true
  TAIL_PID=
  rm -f "$WORK/tail.pid"
  echo "== run $n ($id): ctr run --rm true took $((t1 - t0)) ms"
  {
    grep -F "$id" "$WORK/ctd/containerd.log" | while IFS= read -r line; do
      ts=$(sed -n 's/^time="\([^"]*\)".*/\1/p' <<<"$line")
      msg=$(sed -n 's/.* msg="\(\([^"\\]\|\\.\)*\)".*/\1/p' <<<"$line")
      [ -n "$ts" ] || continue
      ms=$(to_ms "$ts"); [ -n "$ms" ] || continue
      printf '%6d host  %s\n' $((ms - t0)) "${msg:0:150}"
    done
    while read -r ms line; do
      printf '%6d guest %s\n' $((ms - t0)) "${line:0:150}"
    done < "$console"
  } | sort -n -s -k1,1
}
for ((i = 1; i <= RUNS; i++)); do one_run "$i"; done
