#!/usr/bin/env bash
# Rebuilds only the initrd with the current agent jars (kernel and JVM come from the last full
# build in OUTDIR, default <repo>/build/guest). For agent development:
#   mvn -B -q -o install -pl agent -DskipTests && osbuilder/rebuild-initrd.sh
# JKATA_SKIP_MAVEN=1 skips building the builder itself.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ "${JKATA_SKIP_MAVEN:-0}" != 1 ] && ! ls "$repo"/osbuilder/target/jkata-osbuilder-*.jar >/dev/null 2>&1; then
  (cd "$repo" && mvn -B -q -o install -pl osbuilder -DskipTests)
fi
(cd "$repo" && mvn -B -q -o dependency:copy-dependencies -pl agent -DincludeScope=runtime \
    -DoutputDirectory=target/lib >/dev/null 2>&1 || true)
jar=$(ls "$repo"/osbuilder/target/jkata-osbuilder-*.jar | grep -v -- '-sources\|-tests' | head -1)
exec "$JAVA_HOME/bin/java" -Djkata.repo="$repo" -p "$jar" -m dev.jkata.osbuilder/dev.jkata.osbuilder.Main \
    --initrd-only "$@"
