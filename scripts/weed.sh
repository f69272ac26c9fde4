#!/usr/bin/env bash
# weed.sh: print the path of a SeaweedFS `weed` binary, building it once from its module source.
#
# The S3 file store's tests (internal/filestore/s3_test.go) start `weed server -s3` on loopback.
# The binary is built from the pinned module version and cached in
#   ${XDG_CACHE_HOME:-$HOME/.cache}/shareline/weed/<version>/weed
# so only the first run pays for the build (about 3 minutes or more on 2 cores). Progress goes to
# stderr; stdout is only the path. WEED_VERSION overrides the pinned version.
#
#   scripts/weed.sh            the path, building the binary first if it is not cached
#   scripts/weed.sh --cached   the path if the binary is cached, else exit 1 (never builds)
set -euo pipefail

cached_only=false
case "${1:-}" in
  --cached) cached_only=true ;;
  "") ;;
  *) echo "usage: scripts/weed.sh [--cached]" >&2; exit 2 ;;
esac

version="${WEED_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}"
module=github.com/seaweedfs/seaweedfs
cache="${XDG_CACHE_HOME:-$HOME/.cache}/shareline/weed/$version"
bin="$cache/weed"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
if $cached_only; then
  echo "weed.sh: SeaweedFS $version is not built yet ($bin); run scripts/weed.sh to build it" >&2
  exit 1
fi

GO="${GO:-go}"
command -v "$GO" >/dev/null 2>&1 || { echo "weed.sh: no go command ($GO) to build SeaweedFS with" >&2; exit 1; }

echo "weed.sh: building SeaweedFS $version into $cache (once; takes a few minutes)" >&2
dir=$(GOFLAGS=-mod=mod "$GO" mod download -json "$module@$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "weed.sh: go mod download $module@$version gave no module directory" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/shareline-weed.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$dir/." "$work/src"
chmod -R u+w "$work/src"
mkdir -p "$cache"
# Build into the temporary directory, then move into place, so a cut-off build leaves no half binary.
(cd "$work/src" && GOFLAGS=-mod=mod CGO_ENABLED=0 "$GO" build -trimpath -o "$work/weed" ./weed) >&2
mv "$work/weed" "$bin"
echo "$bin"
