#!/usr/bin/env bash
# Installs jkata on Debian 12 (as root): Debian packages, Maven build, guest kernel + initrd,
# /opt/kata, runtime registration in containerd/docker/podman, a running containerd, then runs a
# busybox container in a VM and prints the host and guest kernels side by side.
# Idempotent: every step checks whether it is needed, so a second run is quick and changes nothing.
# Usage: ./install.sh [--no-demo]
# JKATA_SKIP_BUILD=1 skips the Maven step (for developers who just built the modules themselves).
set -euo pipefail
cd "$(dirname "$0")"
REPO=$PWD
DEMO=1
for a in "$@"; do
  case $a in
    --no-demo) DEMO=0 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument '$a' (usage: $0 [--no-demo])" >&2; exit 2 ;;
  esac
done
step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it installs packages and writes /opt/kata, /etc/containerd)"

# ---------------------------------------------------------------------------------------------
# Debian packages. qemu-system-x86: the hypervisor (and /usr/lib/qemu/virtiofsd via qemu-system-common);
# containerd/runc/crun: host runtimes; umoci/skopeo/busybox-static: the offline test image;
# podman/docker.io: the OCI CLI front ends; tini/crun/busybox-static also go into the guest image;
# cpio/jq/socat/bsdutils (script): tests and debugging; xz-utils/zstd: unpacking the guest kernel;
# maven: the build.
PKGS="qemu-system-x86 qemu-utils containerd runc crun umoci skopeo busybox-static podman docker.io
      iproute2 tini socat jq cpio bsdutils xz-utils zstd binutils util-linux curl containernetworking-plugins iptables maven"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  step "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq $missing
else
  step "Debian packages present"
fi

# ---------------------------------------------------------------------------------------------
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$JAVA_HOME/bin/java" ] || die "no JDK 25 at $JAVA_HOME (set JAVA_HOME)"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
mkdir -p build
STAMP=build/.mvn-install.stamp
newer=""
if [ -f "$STAMP" ] && [ -f deploy/target/jkata-lib/.complete ]; then
  newer=$(find pom.xml ./*/pom.xml ./*/src -newer "$STAMP" -type f -print -quit 2>/dev/null || true)
fi
if [ -n "${JKATA_SKIP_BUILD:-}" ]; then
  step "Maven build skipped (JKATA_SKIP_BUILD is set; the jars in deploy/target are used as they are)"
elif [ ! -f "$STAMP" ] || [ ! -f deploy/target/jkata-lib/.complete ] || [ -n "$newer" ]; then
  step "building with Maven (mvn install -DskipTests)"
  [ -z "$newer" ] || note "changed since the last build: $newer"
  touch "$STAMP.new"
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  mvn -B -q install -DskipTests -Djkata.commit="$commit"
  touch deploy/target/jkata-lib/.complete
  mv -f "$STAMP.new" "$STAMP"
else
  step "Maven build up to date (no source or pom newer than $STAMP)"
fi

# ---------------------------------------------------------------------------------------------
GUEST=build/guest
guest_newer=""
if [ -f $GUEST/vmlinux.container ] && [ -f $GUEST/kata-containers-initrd.img ]; then
  guest_newer=$(find agent/pom.xml agent/src osbuilder/pom.xml osbuilder/src osbuilder/*.sh \
                  -newer $GUEST/kata-containers-initrd.img -type f -print -quit 2>/dev/null || true)
fi
if [ -f $GUEST/vmlinux.container ] && [ -f $GUEST/kata-containers-initrd.img ] && [ -z "$guest_newer" ]; then
  step "guest kernel and initrd up to date ($GUEST; no agent or osbuilder source is newer)"
else
  step "guest kernel and initrd (osbuilder/build-guest.sh $GUEST)"
  [ -z "$guest_newer" ] || note "changed since the last guest build: $guest_newer"
  [ -x osbuilder/build-guest.sh ] || die "osbuilder/build-guest.sh is missing"
  # The kernel comes from `apt-get download`: with package lists that are missing or stale
  # (every package already installed, so the update above was skipped) refresh them and retry once.
  if ! osbuilder/build-guest.sh "$REPO/$GUEST"; then
    note "guest build failed; refreshing the package lists and trying once more"
    apt-get update -qq
    osbuilder/build-guest.sh "$REPO/$GUEST"
  fi
fi

# ---------------------------------------------------------------------------------------------
step "installing /opt/kata"
scripts/install-opt-kata.sh --no-build --guest-dir "$REPO/build/guest"

# ---------------------------------------------------------------------------------------------
step "registering the kata runtime (kata-deploy install)"
deploy_out=$(/opt/kata/bin/kata-deploy install) || { printf '%s\n' "$deploy_out"; die "kata-deploy install failed"; }
printf '%s\n' "$deploy_out" | sed 's/^/    /'
containerd_config_changed=0
printf '%s\n' "$deploy_out" | grep -q '^containerd: \(created\|updated\)' && containerd_config_changed=1

# ---------------------------------------------------------------------------------------------
step "containerd"
CTR_SOCK=/run/containerd/containerd.sock
PIDFILE=/run/jkata/containerd.pid
LOG=/var/log/jkata-containerd.log
ctr_up() { ctr -a "$CTR_SOCK" version >/dev/null 2>&1; }
start_containerd() {
  mkdir -p /run/jkata
  # Detached from this shell: it outlives install.sh, its output goes to a log file.
  setsid containerd --config /etc/containerd/config.toml >>"$LOG" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 100); do ctr_up && return 0; sleep 0.1; done
  tail -20 "$LOG" >&2
  die "containerd did not come up on $CTR_SOCK (log: $LOG)"
}
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  if [ "$containerd_config_changed" = 1 ] || ! ctr_up; then
    note "systemctl restart containerd"
    systemctl restart containerd
  else
    note "running (systemd), configuration unchanged"
  fi
elif ctr_up; then
  if [ "$containerd_config_changed" = 1 ]; then
    ours=$(cat "$PIDFILE" 2>/dev/null || true)
    if [ -n "$ours" ] && [ "$(cat "/proc/$ours/comm" 2>/dev/null)" = containerd ]; then
      note "restarting containerd (pid $ours) to load the new configuration"
      kill "$ours"
      for _ in $(seq 1 50); do [ -d "/proc/$ours" ] || break; sleep 0.1; done
      start_containerd
      note "started containerd (pid $(cat "$PIDFILE"), log $LOG)"
    else
      note "WARNING: containerd runs but was not started by install.sh; restart it to load the kata runtime configuration (ctr run --runtime io.containerd.kata.v2 works without it)"
    fi
  else
    note "running on $CTR_SOCK, configuration unchanged"
  fi
else
  start_containerd
  note "started containerd (pid $(cat "$PIDFILE"), log $LOG)"
fi

# ---------------------------------------------------------------------------------------------
if [ "$DEMO" = 0 ]; then
  step "done (demo skipped with --no-demo)"
  exit 0
fi
step "demo: busybox in a VM"
IMG=docker.io/library/bb:latest
if ctr -a "$CTR_SOCK" images ls -q | grep -qx "$IMG"; then
  note "image $IMG present"
else
  [ -x tests/images/build-busybox-image.sh ] || die "tests/images/build-busybox-image.sh is missing"
  tests/images/build-busybox-image.sh "$REPO/build/images" >build/images.log 2>&1 \
    || { tail -20 build/images.log >&2; die "building the busybox image failed (log: build/images.log)"; }
  ctr -a "$CTR_SOCK" images import --base-name docker.io/library/bb "$REPO/build/images/bb-oci.tar" >/dev/null
  note "imported $IMG"
fi
# A demo container left behind by an interrupted run would block the name.
ctr -a "$CTR_SOCK" task kill -s SIGKILL jkata-demo >/dev/null 2>&1 || true
ctr -a "$CTR_SOCK" task rm -f jkata-demo >/dev/null 2>&1 || true
ctr -a "$CTR_SOCK" containers rm jkata-demo >/dev/null 2>&1 || true
start=$(date +%s.%N)
guest=$(ctr -a "$CTR_SOCK" run --rm --runtime io.containerd.kata.v2 "$IMG" jkata-demo uname -r) \
  || die "the demo container failed (see kata-runtime check, and the shim log in $LOG)"
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
printf '\n    %-14s %s\n' "host kernel:" "$(uname -r)"
printf '    %-14s %s\n' "guest kernel:" "$(printf '%s' "$guest" | tr -d '\r')"
note "(container run in its own VM in ${secs}s)"
