#!/usr/bin/env bash
# The README's test command: installs what the tests need (idempotent), then runs unit and
# integration tests (the integration tests boot real QEMU VMs and start containerd, podman, dockerd).
set -euo pipefail
cd "$(dirname "$0")"
./install.sh --no-demo
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
exec mvn -B -Pintegration verify
