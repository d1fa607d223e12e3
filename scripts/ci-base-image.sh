#!/usr/bin/env bash
# Makes the Node 20 base image CI builds the project's image on, since public registries are out
# of reach there: a Debian bookworm minbase root filesystem (mmdebstrap) with libstdc++6 and
# ca-certificates, plus this machine's node binary at /usr/local/bin/node (where the official
# node images keep it).
#
#   scripts/ci-base-image.sh [--load]
#
# Writes a docker-archive to the cache folder (CHURN_CI_CACHE, default /tmp/churn-ci-cache), keyed
# by the node version and the binary's hash, and reuses it while both are unchanged (mmdebstrap
# takes 20-45 s). With --load it also loads the archive into the Docker engine at DOCKER_HOST.
# Prints two lines on stdout: the image reference, then the archive path. Progress goes to stderr.
#
# Environment: NODE_BIN (default: the node on PATH), CI_DEBIAN_MIRROR (default http://deb.debian.org).
set -euo pipefail

load=false
for arg in "$@"; do
  case "$arg" in
    --load) load=true ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ci-base-image.sh: unknown argument $arg (usage: ci-base-image.sh [--load])" >&2; exit 2 ;;
  esac
done

for tool in mmdebstrap umoci skopeo sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ci-base-image.sh: $tool is not installed (apt-get install mmdebstrap umoci skopeo)" >&2; exit 3; }
done

node_bin="${NODE_BIN:-$(command -v node)}"
[ -x "$node_bin" ] || { echo "ci-base-image.sh: no node binary at ${node_bin:-<none>}" >&2; exit 3; }
node_version="$("$node_bin" -p 'process.versions.node')"
case "$node_version" in
  20.*) ;;
  *) echo "ci-base-image.sh: $node_bin is Node $node_version; the image needs Node 20" >&2; exit 3 ;;
esac
node_sha="$(sha256sum "$node_bin" | cut -c1-12)"
mirror="${CI_DEBIAN_MIRROR:-http://deb.debian.org}"

cache="${CHURN_CI_CACHE:-/tmp/churn-ci-cache}"
mkdir -p "$cache"
image="localhost/churn-ci-node:${node_version}"
archive="$cache/node-base-${node_version}-${node_sha}.tar"

if [ -s "$archive" ]; then
  echo "base image: reusing $archive" >&2
else
  work="$(mktemp -d "$cache/base-build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  echo "base image: debian bookworm minbase + node $node_version (mmdebstrap, about 20-45 s)" >&2
  started=$SECONDS
  # bookworm-security and -updates too, so the base carries the fixes a published image would.
  # The merged-usr hook merges /usr without the usrmerge package (which would pull in perl), and
  # documentation is left out as Debian's slim images do (copyright files kept).
  mmdebstrap --quiet --variant=minbase --mode=root --format=tar \
    --include=libstdc++6,ca-certificates \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="copy-in $node_bin /usr/local/bin" \
    bookworm "$work/rootfs.tar" \
    "deb $mirror/debian bookworm main" \
    "deb $mirror/debian bookworm-updates main" \
    "deb $mirror/debian-security bookworm-security main" >"$work/mmdebstrap.log" 2>&1 \
    || { cat "$work/mmdebstrap.log" >&2; echo "ci-base-image.sh: mmdebstrap failed (is $mirror reachable?)" >&2; exit 3; }
  umoci init --layout "$work/oci"
  umoci new --image "$work/oci:base"
  umoci raw add-layer --image "$work/oci:base" "$work/rootfs.tar"
  umoci config --image "$work/oci:base" --os linux --architecture amd64 \
    --config.env 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --config.env "NODE_VERSION=$node_version" \
    --config.cmd node \
    --config.label "org.opencontainers.image.description=CI-only Node $node_version base (Debian bookworm minbase)"
  skopeo copy --quiet --insecure-policy "oci:$work/oci:base" "docker-archive:$work/base.tar:$image"
  mv "$work/base.tar" "$archive"
  # Older archives of other node builds are dead weight.
  find "$cache" -maxdepth 1 -name 'node-base-*.tar' ! -path "$archive" -delete
  echo "base image: built in $((SECONDS - started)) s" >&2
fi

if [ "$load" = true ]; then
  docker load --quiet --input "$archive" >&2
fi
printf '%s\n%s\n' "$image" "$archive"
