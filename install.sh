#!/usr/bin/env bash
# Installs jkata on Debian 12: packages, build, guest assets, /opt/kata, containerd config,
# then runs a busybox container in a VM. Idempotent: a second run is quick and changes nothing.
set -euo pipefail
cd "$(dirname "$0")"
DEMO=1
for a in "$@"; do case $a in --no-demo) DEMO=0;; *) echo "usage: $0 [--no-demo]" >&2; exit 2;; esac; done
step() { printf '\n==> %s\n' "$*"; }

PKGS="qemu-system-x86 qemu-utils containerd runc crun umoci skopeo busybox-static podman docker.io iproute2 tini socat jq"
missing=$(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null | awk '$4!="installed"{print $1}' || true)
if [ -n "$missing" ] || ! dpkg-query -W $PKGS >/dev/null 2>&1; then
  step "installing Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $PKGS
else
  step "Debian packages present"
fi

export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
step "building with Maven"
mvn -B -q install -DskipTests
