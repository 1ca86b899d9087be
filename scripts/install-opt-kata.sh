#!/usr/bin/env bash
# Lays down /opt/kata from the current build (layout: docs/CONVENTIONS.md "Installed layout"):
#   /opt/kata/lib/jkata/*.jar        host jars (shim, cli, deploy) and their dependencies
#   /opt/kata/lib/jvm                a jlinked host JRE (rebuilt only when its module list changes)
#   /opt/kata/bin/{containerd-shim-kata-v2,kata-runtime,kata-deploy}   sh launchers
#   /opt/kata/share/kata-containers/{vmlinux.container,kata-containers-initrd.img}   from build/guest
#   /opt/kata/share/defaults/kata-containers/configuration-qemu.toml (+ configuration.toml -> it)
#   /usr/local/bin/{containerd-shim-kata-v2,kata-runtime} -> /opt/kata/bin/...
# Idempotent: every step compares before it writes and says what it did.
#
# Usage: scripts/install-opt-kata.sh [--no-build] [--no-aot] [--guest-dir DIR]
#   --no-build   do not run Maven; take the jars already in deploy/target (install.sh builds first)
#   --no-aot     do not (re)train the AOT caches of the launchers
#   --guest-dir  where the guest kernel and initrd are (default: build/guest of the repo)
# Environment: KATA_PREFIX (default /opt/kata), JAVA_HOME (default temurin 25),
#   KATA_BIN_LINK_DIR (default /usr/local/bin; empty: no links).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${KATA_PREFIX:-/opt/kata}
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
LINK_DIR=${KATA_BIN_LINK_DIR-/usr/local/bin}
GUEST_DIR=$REPO/build/guest
BUILD=1
AOT=1
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) BUILD=0 ;;
    --no-aot) AOT=0 ;;
    --guest-dir) [ $# -ge 2 ] || { echo "install-opt-kata: --guest-dir needs a directory" >&2; exit 2; }
                 GUEST_DIR=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "install-opt-kata: unknown argument '$1' (expected --no-build, --no-aot, --guest-dir DIR)" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'install-opt-kata: %s\n' "$*" >&2; exit 1; }

[ -x "$JDK/bin/jlink" ] || die "no JDK at $JDK (set JAVA_HOME to a JDK 25 with jlink)"
export JAVA_HOME=$JDK

# One run at a time per prefix: a concurrent run would replace jars under a training run.
mkdir -p "$PREFIX"
exec 9>>"$PREFIX/.install-opt-kata.lock"
if ! flock -n 9; then
  note "another install-opt-kata.sh runs for $PREFIX: waiting for it"
  flock 9
fi

CHANGED=0
# install_file SRC DST MODE: copy only when the content differs.
install_file() {
  local src=$1 dst=$2 mode=$3
  if [ -f "$dst" ] && [ ! -L "$dst" ] && cmp -s "$src" "$dst"; then
    chmod "$mode" "$dst"
    return 1
  fi
  mkdir -p "$(dirname "$dst")"
  rm -f "$dst.tmp.$$"
  cp "$src" "$dst.tmp.$$"
  chmod "$mode" "$dst.tmp.$$"
  mv -f "$dst.tmp.$$" "$dst"
  CHANGED=1
  return 0
}
# install_text DST MODE <<< content; returns 0 when it wrote the file
install_text() {
  local dst=$1 mode=$2 tmp rc=1
  tmp=$(mktemp)
  cat > "$tmp"
  if install_file "$tmp" "$dst" "$mode"; then note "wrote $dst"; rc=0; else note "unchanged $dst"; fi
  rm -f "$tmp"
  return $rc
}
# install_link TARGET LINK
install_link() {
  local target=$1 link=$2
  if [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; then
    note "unchanged $link -> $target"
    return
  fi
  if [ -e "$link" ] && [ ! -L "$link" ]; then
    die "$link exists and is not a symlink; move it away to let jkata install $link -> $target"
  fi
  mkdir -p "$(dirname "$link")"
  ln -sfn "$target" "$link"
  CHANGED=1
  note "linked $link -> $target"
}

# ---------------------------------------------------------------------------------------------
step "host jars"
LIB_SRC=$REPO/deploy/target/jkata-lib
if [ "$BUILD" = 1 ]; then
  note "mvn package -pl deploy (other modules come from ~/.m2 as their owners installed them)"
  if ! (cd "$REPO" && mvn -B -q -o package -pl deploy -DskipTests >/tmp/jkata-install-mvn.log 2>&1); then
    note "offline build failed, retrying online (see /tmp/jkata-install-mvn.log)"
    (cd "$REPO" && mvn -B -q package -pl deploy -DskipTests >/tmp/jkata-install-mvn.log 2>&1) \
      || { tail -30 /tmp/jkata-install-mvn.log >&2; die "Maven build of module deploy failed"; }
  fi
fi
shopt -s nullglob
deploy_jars=("$REPO"/deploy/target/jkata-deploy-*.jar)
dep_jars=("$LIB_SRC"/*.jar)
[ ${#deploy_jars[@]} -eq 1 ] || die "expected one deploy/target/jkata-deploy-*.jar, found ${#deploy_jars[@]} (build with: mvn -B -o install -pl deploy -am -DskipTests)"
[ ${#dep_jars[@]} -gt 0 ] || die "no jars in $LIB_SRC (the deploy module copies its dependencies there at package time)"
LIB=$PREFIX/lib/jkata
mkdir -p "$LIB"
declare -A wanted=()
jar_changes=0
for j in "${deploy_jars[@]}" "${dep_jars[@]}"; do
  name=$(basename "$j")
  wanted[$name]=1
  if install_file "$j" "$LIB/$name" 0644; then note "updated $name"; jar_changes=1; fi
done
for j in "$LIB"/*.jar; do
  name=$(basename "$j")
  if [ -z "${wanted[$name]:-}" ]; then rm -f "$j"; note "removed stale $name"; jar_changes=1; CHANGED=1; fi
done
[ "$jar_changes" = 1 ] || note "all ${#wanted[@]} jars unchanged"

# ---------------------------------------------------------------------------------------------
step "host JRE (jlink)"
JVM=$PREFIX/lib/jvm
# jdeps finds what the jars need; add what reflection/logging use at run time.
modules=$("$JDK/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
            --module-path "$LIB" --add-modules ALL-MODULE-PATH 2>/tmp/jkata-jdeps.log) \
  || { cat /tmp/jkata-jdeps.log >&2; die "jdeps failed on $LIB"; }
modules=$(printf '%s\n' "$modules" java.base java.logging jdk.unsupported | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
jdk_release=$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/{print $2}')
stamp="modules=$modules jdk=$jdk_release"
if [ -x "$JVM/bin/java" ] && [ "$(cat "$JVM/.jkata-stamp" 2>/dev/null)" = "$stamp" ]; then
  note "unchanged ($modules)"
else
  note "jlink --add-modules $modules"
  rm -rf "$JVM.new"
  "$JDK/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --generate-cds-archive --output "$JVM.new"
  printf '%s\n' "$stamp" > "$JVM.new/.jkata-stamp"
  rm -rf "$JVM"
  mv "$JVM.new" "$JVM"
  CHANGED=1
  jar_changes=1
fi

# ---------------------------------------------------------------------------------------------
step "launchers"
# launcher NAME MODULE/MAIN AOTNAME [extra lines]
# Native access is granted to every jkata module the main module reads (any of them may use FFM);
# naming a module that is not resolved would print a warning on every start.
launcher() {
  local name=$1 main=$2 aot=$3 extra=${4:-} native
  native=$("$JVM/bin/java" -p "$LIB" --limit-modules "${main%%/*}" --list-modules 2>/dev/null \
             | awk '/^dev\.jkata\./{sub(/@.*/, "", $1); print $1}' | sort | paste -sd, -)
  [ -n "$native" ] || native=${main%%/*}
  # a changed launcher (JVM options) invalidates its AOT cache: retrain
  install_text "$PREFIX/bin/$name" 0755 <<EOF && jar_changes=1
#!/bin/sh
# jkata $name — generated by scripts/install-opt-kata.sh; do not edit.
# JKATA_NO_AOT=1: start without the AOT cache; JKATA_AOT_OUTPUT=FILE: a training run that writes
# the AOT cache FILE; JKATA_JAVA_OPTS: extra JVM options.
xlog=-Xlog:all=warning:stderr
$extra
aot=
if [ -n "\${JKATA_AOT_OUTPUT:-}" ]; then aot=-XX:AOTCacheOutput=\$JKATA_AOT_OUTPUT
elif [ -r $LIB/aot/$aot.aot ] && [ -z "\${JKATA_NO_AOT:-}" ]; then aot=-XX:AOTCache=$LIB/aot/$aot.aot; fi
exec $JVM/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable \$xlog \\
  \$aot --enable-native-access=$native --sun-misc-unsafe-memory-access=allow \\
  \${JKATA_JAVA_OPTS:-} -p $LIB -m $main "\$@"
EOF
  return 0
}
launcher containerd-shim-kata-v2 dev.jkata.shim/dev.jkata.shim.Main shim \
  '# containerd reads start'"'"'s combined stdout+stderr as the address: no JVM log line may reach them
case " $* " in *" start "*|*" delete "*) xlog= ;; esac
case "$0" in /*) JKATA_SHIM_LAUNCHER="$0" ;; *) JKATA_SHIM_LAUNCHER="$PWD/$0" ;; esac
export JKATA_SHIM_LAUNCHER
# JKATA_SHIM_SERVE_AOT_OUTPUT=FILE (scripts/train-aot.sh): only the long-running serve process (no
# start/delete verb) is a training run; it writes FILE when it exits after Shutdown. Its working
# directory (the bundle) is gone by then, and the JVM that assembles the cache needs one: the dir of FILE.
if [ -n "${JKATA_SHIM_SERVE_AOT_OUTPUT:-}" ]; then
  case " $* " in *" start "*|*" delete "*) ;; *) JKATA_AOT_OUTPUT=$JKATA_SHIM_SERVE_AOT_OUTPUT
    cd "$(dirname "$JKATA_AOT_OUTPUT")" || exit 1 ;; esac
fi'
launcher kata-runtime dev.jkata.cli/dev.jkata.cli.Main cli \
  "JKATA_LAUNCHER=$PREFIX/bin/kata-runtime; export JKATA_LAUNCHER"
launcher kata-deploy dev.jkata.deploy/dev.jkata.deploy.Main deploy

# ---------------------------------------------------------------------------------------------
step "guest assets (from $GUEST_DIR)"
SHARE=$PREFIX/share/kata-containers
for f in vmlinux.container kata-containers-initrd.img; do
  if [ -f "$GUEST_DIR/$f" ]; then
    if install_file "$GUEST_DIR/$f" "$SHARE/$f" 0644; then note "updated $SHARE/$f"; else note "unchanged $SHARE/$f"; fi
  elif [ -f "$SHARE/$f" ]; then
    note "no $GUEST_DIR/$f; keeping the installed $SHARE/$f"
  else
    note "WARNING: no $GUEST_DIR/$f (build it with: osbuilder/build-guest.sh $GUEST_DIR)"
  fi
done

# ---------------------------------------------------------------------------------------------
step "configuration"
DEFAULTS=$PREFIX/share/defaults/kata-containers
if [ -f "$REPO/config/configuration-qemu.toml" ]; then
  if install_file "$REPO/config/configuration-qemu.toml" "$DEFAULTS/configuration-qemu.toml" 0644; then
    note "updated $DEFAULTS/configuration-qemu.toml"
  else
    note "unchanged $DEFAULTS/configuration-qemu.toml"
  fi
  install_link configuration-qemu.toml "$DEFAULTS/configuration.toml"
else
  note "WARNING: no $REPO/config/configuration-qemu.toml in the repo yet"
fi

# ---------------------------------------------------------------------------------------------
if [ -n "$LINK_DIR" ]; then
  step "links in $LINK_DIR"
  install_link "$PREFIX/bin/containerd-shim-kata-v2" "$LINK_DIR/containerd-shim-kata-v2"
  install_link "$PREFIX/bin/kata-runtime" "$LINK_DIR/kata-runtime"
fi

# ---------------------------------------------------------------------------------------------
step "AOT caches"
if [ "$AOT" = 0 ]; then
  if [ "$jar_changes" = 1 ] && ls "$LIB"/aot/*.aot >/dev/null 2>&1; then
    # a cache that no longer matches the jars only costs a JVM error line at every start
    rm -f "$LIB"/aot/*.aot
    note "removed the AOT caches (the jars changed; --no-aot)"
  else
    note "skipped (--no-aot)"
  fi
else
  "$REPO/scripts/train-aot.sh" "$PREFIX" "$jar_changes"
fi

if [ "$CHANGED" = 1 ]; then step "done: $PREFIX updated"; else step "done: $PREFIX already up to date"; fi
