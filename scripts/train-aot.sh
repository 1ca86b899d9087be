#!/usr/bin/env bash
# Trains the JDK 25 AOT caches of the /opt/kata/bin launchers on their hot paths. A cache records
# the classes one JVM loaded and linked and its method profiles, so each training JVM runs what later
# starts will run, with the very same launcher (options, module path):
#   kata-runtime   one JVM (JKATA_AOT_TRAINING_SCRIPT, see dev.jkata.cli.TrainingRun) runs the OCI
#                  verbs podman/docker call most (state, kill, ps, events, list, features, spec, env)
#                  against a real running busybox container when the guest is installed (a VM boot:
#                  30-120 s under TCG, once per install), else against an empty state root.
#   containerd-shim-kata-v2   a real `ctr run --rm` through a private containerd; only the shim's
#                  long-running serve process is the training run (the launcher maps
#                  JKATA_SHIM_SERVE_AOT_OUTPUT to JKATA_AOT_OUTPUT for it, not for start/delete); it
#                  writes the cache when it exits after Shutdown. Without containerd/guest: `-v`.
#   kata-deploy    --help.
# Usage: scripts/train-aot.sh [PREFIX [FORCE]]   (FORCE=1 retrains even when a cache exists)
# Every step is bounded by a timeout. A cache is written to a temporary name and moved into place
# only when its training run succeeded: a failed training leaves no cache (the launcher then starts
# without one), never a broken one.
# Environment: JKATA_TRAIN_VM=0 skips the trainings that boot a VM; JKATA_TRAIN_ONLY=cli,shim,deploy
# (default all) picks caches; JKATA_TRAIN_KEEP=1 keeps the work dir (logs) for debugging.
set -uo pipefail
PREFIX=${1:-${KATA_PREFIX:-/opt/kata}}
FORCE=${2:-0}
REPO=$(cd "$(dirname "$0")/.." && pwd)
AOTDIR=$PREFIX/lib/jkata/aot
CONF=$PREFIX/share/defaults/kata-containers/configuration.toml
GUEST=$PREFIX/share/kata-containers
TRAIN_VM=${JKATA_TRAIN_VM:-1}
note() { printf '    %s\n' "$*"; }

mkdir -p "$AOTDIR"
work=$(mktemp -d /tmp/jkata-train-aot.XXXXXX)
CTD_PID=
CID=
cleanup() {
  set +e
  if [ -n "$CID" ]; then
    timeout 60 "$PREFIX/bin/kata-runtime" --root "$work/oci-root" kill "$CID" KILL >/dev/null 2>&1
    timeout 120 "$PREFIX/bin/kata-runtime" --root "$work/oci-root" delete --force "$CID" >/dev/null 2>&1
  fi
  stop_containerd
  awk -v w="$work" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
  if [ "${JKATA_TRAIN_KEEP:-0}" = 1 ]; then echo "train-aot: work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

have_guest() {
  [ "$TRAIN_VM" = 1 ] && [ "$(id -u)" = 0 ] && [ -s "$GUEST/vmlinux.container" ] \
    && [ -s "$GUEST/kata-containers-initrd.img" ] && [ -x "$REPO/tests/images/build-busybox-image.sh" ]
}
busybox_image() { # builds $work/img once; status 0 when it exists
  [ -d "$work/img/rootfs" ] && return 0
  timeout 300 "$REPO/tests/images/build-busybox-image.sh" "$work/img" >"$work/img.log" 2>&1
}
needs_training() { # name
  local out=$AOTDIR/$1.aot
  if [ "$FORCE" != 1 ] && [ -s "$out" ]; then note "unchanged $out"; return 1; fi
  return 0
}
# publish NAME TMPFILE RC WHAT ERRFILE: move a successful training's cache into place
publish() {
  local name=$1 tmp=$2 rc=$3 what=$4 err=$5 out=$AOTDIR/$1.aot
  if [ "$rc" = 0 ] && [ -s "$tmp" ]; then
    mv -f "$tmp" "$out"
    note "trained $out on $what ($(du -h "$out" | cut -f1))"
  else
    rm -f "$tmp"
    if [ -e "$out" ] && [ "$FORCE" = 1 ]; then rm -f "$out"; fi
    note "WARNING: no new AOT cache $name (training on $what: exit $rc: $(grep -v '^\[' "$err" 2>/dev/null | grep . | tail -1))"
    # keep the training's logs for a look afterwards (the work dir itself is removed on exit)
    local keep
    keep=$(mktemp -d /tmp/jkata-train-aot-failed-$name.XXXXXX) \
      && find "$work" -maxdepth 2 \( -name '*.log' -o -name '*.err' -o -name '*.out' \) \
           | while read -r f; do cp "$f" "$keep/$(echo "${f#"$work"/}" | tr / _)"; done \
      && note "  its logs: $keep"
  fi
}
# train_plain LAUNCHER NAME ARGS...: one run of the launcher is the training run
train_plain() {
  local tool=$1 name=$2; shift 2
  local tmp=$AOTDIR/.$name.aot.tmp.$$
  [ -x "$PREFIX/bin/$tool" ] || { note "WARNING: no $PREFIX/bin/$tool"; return; }
  needs_training "$name" || return 0
  rm -f "$tmp"
  (cd "$work" && KATA_CONF_FILE="$CONF" JKATA_AOT_TRAINING=1 JKATA_AOT_OUTPUT="$tmp" \
      timeout 300 "$PREFIX/bin/$tool" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null)
  publish "$name" "$tmp" $? "'$*'" "$work/$name.err"
}

# ---- kata-runtime ---------------------------------------------------------------------------
train_cli() {
  local rt=$PREFIX/bin/kata-runtime root=$work/oci-root tmp=$AOTDIR/.cli.aot.tmp.$$ what="VM-less verbs"
  [ -x "$rt" ] || { note "WARNING: no $rt"; return; }
  needs_training cli || return 0
  mkdir -p "$root" "$work/spec"
  local id=jkata-aot-$$ script=$work/cli-train.txt
  if have_guest && busybox_image; then
    local b=$work/bundle
    mkdir -p "$b" && cp -a "$work/img/rootfs" "$b/rootfs"
    if (cd "$b" && timeout 60 "$rt" spec >/dev/null 2>&1) \
        && jq '.process.args = ["/bin/sh", "-c", "sleep 600"] | .process.terminal = false' "$b/config.json" >"$b/c.json" \
        && mv "$b/c.json" "$b/config.json" \
        && CID=$id && KATA_CONF_FILE="$CONF" timeout 300 "$rt" --root "$root" create --bundle "$b" "$id" >"$work/create.log" 2>&1 \
        && KATA_CONF_FILE="$CONF" timeout 120 "$rt" --root "$root" start "$id" >>"$work/create.log" 2>&1; then
      what="a running container (state/kill/ps/events/list)"
    else
      note "no container to train kata-runtime on ($(tail -1 "$work/create.log" 2>/dev/null)): VM-less verbs only"
      timeout 120 "$rt" --root "$root" delete --force "$id" >/dev/null 2>&1
      CID=
    fi
  fi
  {
    echo "# one JVM, every line one kata-runtime command (dev.jkata.cli.TrainingRun)"
    for _ in 1 2 3; do
      if [ -n "$CID" ]; then
        echo "--root $root state $id"
        echo "--root $root kill $id SIGCONT"
        echo "--root $root ps --format json $id"
        echo "--root $root events --stats $id"
      fi
      echo "--root $root list"
      echo "--root $root state jkata-aot-no-such-container"
      echo "--root $root kill jkata-aot-no-such-container 15"
      echo "--root $root delete jkata-aot-no-such-container"
      echo "features"
      echo "spec --bundle $work/spec"
      echo "env --json"
      echo "--version"
      rm -f "$work/spec/config.json"
    done
  } >"$script"
  rm -f "$tmp"
  (cd "$work" && KATA_CONF_FILE="$CONF" JKATA_AOT_TRAINING=1 JKATA_AOT_TRAINING_SCRIPT="$script" \
      JKATA_AOT_OUTPUT="$tmp" timeout 300 "$rt" >"$work/cli.out" 2>"$work/cli.err" </dev/null)
  publish cli "$tmp" $? "$what" "$work/cli.err"
  if [ -n "$CID" ]; then
    timeout 60 "$rt" --root "$root" kill "$id" KILL >/dev/null 2>&1
    timeout 120 "$rt" --root "$root" delete --force "$id" >/dev/null 2>&1 && CID=
  fi
}

# ---- containerd-shim-kata-v2 ----------------------------------------------------------------
stop_containerd() {
  [ -n "$CTD_PID" ] || return 0
  local sock=$work/ctd/c.sock
  if kill -0 "$CTD_PID" 2>/dev/null; then
    for t in $(timeout 30 ctr -a "$sock" -n jkata-aot tasks ls -q 2>/dev/null); do
      timeout 60 ctr -a "$sock" -n jkata-aot tasks kill -s SIGKILL "$t" >/dev/null 2>&1
      timeout 120 ctr -a "$sock" -n jkata-aot tasks rm -f "$t" >/dev/null 2>&1
    done
    for c in $(timeout 30 ctr -a "$sock" -n jkata-aot containers ls -q 2>/dev/null); do
      timeout 30 ctr -a "$sock" -n jkata-aot containers rm "$c" >/dev/null 2>&1
    done
    kill "$CTD_PID" 2>/dev/null
    for _ in $(seq 150); do kill -0 "$CTD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$CTD_PID" 2>/dev/null
  fi
  rmdir /run/containerd/io.containerd.runtime.v2.task/jkata-aot 2>/dev/null
  CTD_PID=
  # a serve process that never got its Shutdown (containerd gone): end it (its exit hook stops the VM)
  local p
  for p in $(pgrep -f -- "-id jkata-aot-shim-$$ "); do kill "$p" 2>/dev/null; done
  for _ in $(seq 300); do pgrep -f -- "-id jkata-aot-shim-$$ " >/dev/null || break; sleep 0.1; done
  for p in $(pgrep -f -- "-id jkata-aot-shim-$$ "); do kill -9 "$p" 2>/dev/null; done
}

train_shim() {
  local shim=$PREFIX/bin/containerd-shim-kata-v2 tmp=$AOTDIR/.shim.aot.tmp.$$ sock=$work/ctd/c.sock
  [ -x "$shim" ] || { note "WARNING: no $shim"; return; }
  needs_training shim || return 0
  if ! have_guest || ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
    note "no containerd/guest for the shim's serve path: training on '-v' only"
    train_plain containerd-shim-kata-v2 shim -v
    return
  fi
  if ! grep -q JKATA_SHIM_SERVE_AOT_OUTPUT "$shim"; then
    note "the installed shim launcher predates serve-path training: training on '-v' only"
    train_plain containerd-shim-kata-v2 shim -v
    return
  fi
  if ! busybox_image; then
    note "busybox image build failed ($(tail -1 "$work/img.log")): shim trained on '-v' only"
    train_plain containerd-shim-kata-v2 shim -v
    return
  fi
  mkdir -p "$work/ctd"
  cat >"$work/ctd/config.toml" <<EOF
version = 2
root = "$work/ctd/root"
state = "$work/ctd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$work/ctd/opt"
EOF
  rm -f "$tmp"
  PATH="$PREFIX/bin:$PATH" KATA_CONF_FILE="$CONF" JKATA_SHIM_SERVE_AOT_OUTPUT="$tmp" \
    containerd --config "$work/ctd/config.toml" >"$work/ctd/containerd.log" 2>&1 </dev/null &
  CTD_PID=$!
  for _ in $(seq 300); do [ -S "$sock" ] && timeout 10 ctr -a "$sock" version >/dev/null 2>&1 && break; sleep 0.1; done
  local rc=1 what="ctr run --rm (shim serve path)"
  if timeout 120 ctr -a "$sock" -n jkata-aot images import --base-name docker.io/library/bb \
        "$work/img/bb-oci.tar" >"$work/shim.err" 2>&1 \
      && timeout 300 ctr -a "$sock" -n jkata-aot run --rm --runtime io.containerd.kata.v2 \
        docker.io/library/bb:latest "jkata-aot-shim-$$" sh -c 'echo trained; cat /proc/uptime' \
        >"$work/shim.out" 2>>"$work/shim.err"; then
    # the serve process writes the cache when it exits after Shutdown (the JVM assembles it then)
    for _ in $(seq 1200); do
      pgrep -f -- "-id jkata-aot-shim-$$ " >/dev/null || break
      sleep 0.1
    done
    if pgrep -f -- "-id jkata-aot-shim-$$ " >/dev/null; then
      echo "the shim serve process did not exit within 120 s of ctr run's end" >>"$work/shim.err"
    else
      rc=0
    fi
  else
    echo "ctr run failed" >>"$work/shim.err"
  fi
  stop_containerd
  publish shim "$tmp" "$rc" "$what" "$work/shim.err"
  if [ ! -s "$AOTDIR/shim.aot" ]; then
    note "falling back to the shim's '-v' training"
    train_plain containerd-shim-kata-v2 shim -v
  fi
}

ONLY=${JKATA_TRAIN_ONLY:-cli,shim,deploy}
# FORCE (the jars or launchers changed): the old caches no longer match, and a launcher that finds one
# prints the JVM's "Unable to map shared spaces" errors, which would run into the training runs (and into
# the address containerd reads from the shim's `start`): remove them first
if [ "$FORCE" = 1 ]; then
  for n in ${ONLY//,/ }; do rm -f "$AOTDIR/$n.aot"; done
fi
case ",$ONLY," in *,cli,*) train_cli ;; esac
case ",$ONLY," in *,shim,*) train_shim ;; esac
case ",$ONLY," in *,deploy,*) train_plain kata-deploy deploy --help ;; esac
# a training that could not run leaves no cache and a WARNING above, never a failed install
exit 0
