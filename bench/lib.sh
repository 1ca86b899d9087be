# bench/lib.sh: what the bench scripts share (sourced, not run): a private containerd, the offline
# busybox image, the processes of a kata sandbox and their PSS, and the clean-up on exit.
#
# The sourcing script sets BENCH_NAME (prefix of its messages), NS (its containerd namespace), REPO
# and KEEP (1: keep the work directory), may change KATA_BIN after sourcing, and then calls:
#   bench_work PREFIX         WORK=a new /tmp/PREFIX.XXXXXX, SOCK=its containerd socket
#   bench_traps               EXIT runs bench_cleanup; INT/TERM exit 130
#   bench_watchdog SECONDS    TERM to the script when the whole run takes longer
# bench_cleanup runs the script's own bench_cleanup_hook first (when it defines one), then kills and
# removes every task and container of NS, stops containerd and any shim left on SOCK, unmounts what
# is mounted under WORK, removes WORK (unless KEEP=1) and exits with the script's status.

KATA_BIN=/opt/kata/bin
CTD_PID=
WATCHDOG=
IMG=docker.io/library/bb:latest

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
say() { echo "$BENCH_NAME: $*" >&2; }
now_ms() { date +%s%3N; }

bench_need_root() { # [why]
  [ "$(id -u)" = 0 ] || die "must run as root${1:+ ($1)}"
}
bench_need_tools() { # tool...
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || die "required tool '$tool' not found in PATH"; done
}

bench_work() { # prefix -> WORK, SOCK
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  SOCK=$WORK/ctd/c.sock
}

stop_pid() { # pid [seconds]: TERM, wait, KILL
  local pid=$1 t=${2:-15} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < t * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# ctr on our containerd and namespace, bounded (CCTR_TIMEOUT=seconds before the call changes the bound).
cctr() { timeout "${CCTR_TIMEOUT:-240}" ctr -a "$SOCK" -n "$NS" "$@"; }

# ---------------------------------------------------------------- containerd of our own
ctd_start() { # [--debug] [NAME=VALUE...]: containerd under $WORK/ctd, the kata shim in its PATH and
  # NAME=VALUE in its environment (containerd starts each shim with it); --debug: debug log level
  local debug=0 i
  if [ "${1:-}" = --debug ]; then debug=1; shift; fi
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
  if [ "$debug" = 1 ]; then
    printf '[debug]\n  address = "%s"\n  level = "debug"\n' "$WORK/ctd/debug.sock" >> "$WORK/ctd/config.toml"
  fi
  env PATH="$KATA_BIN:$PATH" "$@" containerd --config "$WORK/ctd/config.toml" \
    >"$WORK/ctd/containerd.log" 2>&1 </dev/null &
  CTD_PID=$!
  for ((i = 0; i < 300; i++)); do
    kill -0 "$CTD_PID" 2>/dev/null || die "containerd exited: $(tail -5 "$WORK/ctd/containerd.log")"
    [ -S "$SOCK" ] && timeout 10 ctr -a "$SOCK" version >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "containerd did not answer on $SOCK within 30 s"
}

ctd_stop() { # every task and container of NS, containerd, then any shim still serving on SOCK
  local id pid
  if [ -n "$CTD_PID" ] && kill -0 "$CTD_PID" 2>/dev/null; then
    for id in $(CCTR_TIMEOUT=30 cctr tasks ls -q 2>/dev/null); do
      CCTR_TIMEOUT=60 cctr tasks kill -s SIGKILL "$id" >/dev/null 2>&1
      CCTR_TIMEOUT=120 cctr tasks rm -f "$id" >/dev/null 2>&1
    done
    for id in $(CCTR_TIMEOUT=30 cctr containers ls -q 2>/dev/null); do
      CCTR_TIMEOUT=30 cctr containers rm "$id" >/dev/null 2>&1
    done
    stop_pid "$CTD_PID" 15
  fi
  # A shim whose start failed is not known to containerd any more: find ours by our socket path.
  for pid in $(pgrep -f -- "-address $SOCK" 2>/dev/null); do stop_pid "$pid" 5; done
  return 0
}

ctr_remove() { # id: kill its task (SIGKILL), remove task and container; errors are not fatal
  local id=$1 j
  cctr tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
  for ((j = 0; j < 300; j++)); do
    cctr tasks ls -q 2>/dev/null | grep -qx "$id" || break
    cctr tasks rm -f "$id" >/dev/null 2>&1 && break
    sleep 0.2
  done
  cctr containers rm "$id" >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- the busybox image
busybox_image() { # -> $WORK/img (bb-oci.tar, rootfs, ...; tests/images/build-busybox-image.sh)
  timeout 300 "$REPO/tests/images/build-busybox-image.sh" "$WORK/img" >"$WORK/img.log" 2>&1 \
    || die "busybox image build failed: $(tail -5 "$WORK/img.log")"
}
busybox_import() { # into our containerd as $IMG
  cctr images import --base-name docker.io/library/bb "$WORK/img/bb-oci.tar" >/dev/null \
    || die "ctr images import of $WORK/img/bb-oci.tar failed"
}

# ---------------------------------------------------------------- processes and memory
tree_pids() { # root pid -> it and all its descendants
  ps -eo pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2; pids[NR] = $1 }
    END { keep[root] = 1; changed = 1
          while (changed) { changed = 0
            for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 } } }
          for (p in keep) print p }'
}
rollup() { # pid field -> kB from /proc/pid/smaps_rollup (0 when the process is gone)
  { awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' < "/proc/$1/smaps_rollup"; } 2>/dev/null || echo 0
}
pss_kb() { # pids... -> summed Pss in kB
  local total=0 pid
  for pid in "$@"; do total=$((total + $(rollup "$pid" Pss))); done
  echo "$total"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
comm_of() { cat "/proc/$1/comm" 2>/dev/null || echo "?"; }

sandbox_procs() { # sandbox id -> SB_QEMU (its QEMU, by -name), SB_SHIM (QEMU's parent: the shim)
  SB_QEMU=$(pgrep -f -- "-name $1 " | head -1 || true)
  [ -n "$SB_QEMU" ] || die "no QEMU process with -name $1 found"
  SB_SHIM=$(ps -o ppid= -p "$SB_QEMU" | tr -d ' ')
}
sandbox_pss() { # shim pid -> SB_PIDS (it and its descendants) and their PSS in kB by kind:
  # PSS_SHIM (the JVM), PSS_QEMU, PSS_VFS (virtiofsd), PSS_OTHER, PSS_TOTAL
  local pid kb
  mapfile -t SB_PIDS < <(tree_pids "$1")
  PSS_SHIM=0; PSS_QEMU=0; PSS_VFS=0; PSS_OTHER=0
  for pid in "${SB_PIDS[@]}"; do
    kb=$(rollup "$pid" Pss)
    case $(comm_of "$pid") in
      qemu-system-x86*) PSS_QEMU=$((PSS_QEMU + kb)) ;;
      virtiofsd) PSS_VFS=$((PSS_VFS + kb)) ;;
      java) PSS_SHIM=$((PSS_SHIM + kb)) ;;
      *) PSS_OTHER=$((PSS_OTHER + kb)) ;;
    esac
  done
  PSS_TOTAL=$((PSS_SHIM + PSS_QEMU + PSS_VFS + PSS_OTHER))
}

# ---------------------------------------------------------------- clean-up and watchdog
bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  set +e
  if [ -n "$WATCHDOG" ]; then kill "$WATCHDOG" 2>/dev/null; wait "$WATCHDOG" 2>/dev/null; fi
  if declare -F bench_cleanup_hook >/dev/null; then bench_cleanup_hook; fi
  ctd_stop
  # Whatever the snapshotter or a bundle left mounted under the work dir, deepest first.
  awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
  rmdir "/run/containerd/io.containerd.runtime.v2.task/$NS" 2>/dev/null
  if [ "${KEEP:-0}" = 1 ]; then say "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
bench_traps() {
  trap bench_cleanup EXIT
  trap 'say "interrupted"; exit 130' INT TERM
}
bench_watchdog() { # seconds: a bound on the whole run (every step is bounded too; this catches the sum)
  local secs=$1
  ( s=
    trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$secs" & s=$!
    if wait "$s"; then echo "$BENCH_NAME: watchdog: run exceeded ${secs}s" >&2; kill -TERM $$; fi
  ) &
  WATCHDOG=$!
}
