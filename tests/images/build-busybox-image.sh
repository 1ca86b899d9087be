#!/bin/sh
# Builds the offline busybox test image used by the integration tests, from Debian's
# busybox-static with umoci and skopeo (no registry, no network).
#
# usage: build-busybox-image.sh OUTDIR
#
# Outputs (skipped when all exist and are newer than this script and /bin/busybox):
#   OUTDIR/oci            OCI image layout, tags "bb" and "latest" (same image, cmd /bin/sh)
#   OUTDIR/bb-oci.tar     tar of that layout, for
#                         `ctr images import --base-name docker.io/library/bb OUTDIR/bb-oci.tar`
#                         which gives docker.io/library/bb:bb and docker.io/library/bb:latest
#   OUTDIR/bb-docker.tar  docker-archive "bb:latest", for `docker load` / `podman load`
#   OUTDIR/rootfs         the unpacked root filesystem, for hand-made OCI bundles
set -eu

BUSYBOX=/bin/busybox
TAG=bb

die() { echo "build-busybox-image: $*" >&2; exit 1; }
step() { echo "build-busybox-image: $*"; }

[ $# -eq 1 ] || die "expected exactly one argument OUTDIR (output directory), got $#"
[ -n "$1" ] || die "OUTDIR must not be empty"
for tool in umoci skopeo tar flock chroot; do
    command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found in PATH"
done
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing: install Debian package busybox-static"
file_type=$(od -An -c -N4 "$BUSYBOX" | tr -d ' ')
[ "$file_type" = "177ELF" ] || die "$BUSYBOX is not an ELF binary"

SCRIPT=$(readlink -f "$0")
mkdir -p "$1"
OUT=$(readlink -f "$1")

up_to_date() {
    for o in oci bb-oci.tar bb-docker.tar rootfs; do
        [ -e "$OUT/$o" ] || return 1
        [ "$OUT/$o" -nt "$SCRIPT" ] || return 1
        [ "$OUT/$o" -nt "$BUSYBOX" ] || return 1
    done
    return 0
}

# One builder at a time per OUTDIR; others wait, then find the outputs ready.
exec 9>"$OUT/.build.lock"
flock 9

if up_to_date; then
    step "up to date in $OUT (delete it or touch $SCRIPT to rebuild)"
    exit 0
fi

WORK=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
L="$WORK/oci"
B="$WORK/bundle"

step "creating OCI layout $L"
umoci init --layout "$L"
umoci new --image "$L:$TAG"
umoci unpack --image "$L:$TAG" "$B"

R="$B/rootfs"
step "populating rootfs from $BUSYBOX"
mkdir -p "$R/bin" "$R/etc" "$R/root" "$R/proc" "$R/sys" "$R/dev" "$R/run" "$R/var" "$R/home" "$R/usr"
mkdir -p -m 1777 "$R/tmp"
chmod 1777 "$R/tmp"
chmod 0700 "$R/root"
cp "$BUSYBOX" "$R/bin/busybox"
chmod 0755 "$R/bin/busybox"
# Every applet as a link in /bin; the usual other bin directories point at /bin.
count=0
for applet in $("$BUSYBOX" --list); do
    [ "$applet" = busybox ] && continue
    ln -sf busybox "$R/bin/$applet"
    count=$((count + 1))
done
ln -sfn bin "$R/sbin"
ln -sfn ../bin "$R/usr/bin"
ln -sfn ../bin "$R/usr/sbin"
step "linked $count applets"
cat > "$R/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$R/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
chmod 0644 "$R/etc/passwd" "$R/etc/group"

step "committing layer and config (cmd /bin/sh)"
umoci repack --image "$L:$TAG" "$B"
umoci config --image "$L:$TAG" --config.cmd /bin/sh --config.workingdir / \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# A second name so `ctr images import --base-name docker.io/library/bb` also yields bb:latest.
umoci tag --image "$L:$TAG" latest
umoci gc --layout "$L"

step "unpacking plain rootfs"
umoci raw unpack --image "$L:$TAG" "$WORK/rootfs"

step "writing bb-oci.tar"
tar -C "$L" -cf "$WORK/bb-oci.tar" .

step "writing bb-docker.tar (docker-archive bb:latest)"
skopeo --insecure-policy copy --quiet "oci:$L:$TAG" "docker-archive:$WORK/bb-docker.tar:$TAG:latest"

step "verifying"
cmd=$(skopeo inspect --config "oci:$L:$TAG" | sed -n 's/.*"Cmd": *\[ *"\([^"]*\)".*/\1/p' | head -n 1)
if [ -z "$cmd" ]; then
    cmd=$(skopeo inspect --config "oci:$L:$TAG" | tr -d ' \n' | sed -n 's/.*"Cmd":\["\([^"]*\)".*/\1/p')
fi
[ "$cmd" = /bin/sh ] || die "image config cmd is '$cmd', expected /bin/sh"
skopeo inspect "docker-archive:$WORK/bb-docker.tar" >/dev/null || die "bb-docker.tar is not a readable docker-archive"
kernel=$(chroot "$WORK/rootfs" /bin/sh -c 'uname -r') || die "chroot $WORK/rootfs /bin/sh failed"
step "rootfs /bin/sh runs (uname -r: $kernel)"

for o in oci bb-oci.tar bb-docker.tar rootfs; do
    rm -rf "$OUT/$o"
    mv "$WORK/$o" "$OUT/$o"
done
step "done: $OUT/{oci,bb-oci.tar,bb-docker.tar,rootfs}"
