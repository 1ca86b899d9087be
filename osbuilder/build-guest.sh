#!/usr/bin/env bash
# Builds the guest assets (vmlinux.container + kata-containers-initrd.img) into OUTDIR
# (default: <repo>/build/guest). Builds the agent and the builder with Maven first unless
# JKATA_SKIP_MAVEN=1. Needs root (apt-get download, chroot for the AOT training run).
# Extra options go to the builder: --force, --initrd-only, --kernel PKG, --jvm-opts "...", ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ "${JKATA_SKIP_MAVEN:-0}" != 1 ]; then
  echo "==> building the agent and the guest builder (Maven)"
  (cd "$repo" && { mvn -B -q -o install -pl agent,osbuilder -am -DskipTests \
      || mvn -B -q install -pl agent,osbuilder -am -DskipTests; })
  # the agent's runtime dependencies, for its module path in the guest
  (cd "$repo" && { mvn -B -q -o dependency:copy-dependencies -pl agent -DincludeScope=runtime \
      -DoutputDirectory=target/lib >/dev/null 2>&1 || true; })
fi
jar=$(ls "$repo"/osbuilder/target/jkata-osbuilder-*.jar | grep -v -- '-sources\|-tests' | head -1)
exec "$JAVA_HOME/bin/java" -Djkata.repo="$repo" -p "$jar" -m dev.jkata.osbuilder/dev.jkata.osbuilder.Main "$@"
