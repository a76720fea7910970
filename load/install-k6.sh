#!/usr/bin/env bash
# Builds the pinned k6 (load/k6.version) from its Go module into .tools/k6-<version>/k6, the
# project-local tools folder dlconform looks in. Skipped when that binary is already there, so a
# second run costs nothing. Needs Go (the npm package called "k6" is a placeholder, not k6).
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(tr -d ' \r\n' < load/k6.version)"
dest=".tools/k6-${version}"
if [ -x "${dest}/k6" ] && "${dest}/k6" version 2>/dev/null | grep -q "^k6 ${version} "; then
  echo "k6 ${version}: ${dest}/k6 (already built)"
  exit 0
fi
go=""
for candidate in go /usr/local/go/bin/go; do
  if command -v "${candidate}" >/dev/null 2>&1; then go="${candidate}"; break; fi
done
if [ -z "${go}" ]; then
  echo "install-k6: building k6 ${version} needs Go (https://go.dev/dl/); or put a k6 binary on PATH or in K6_BIN" >&2
  exit 1
fi
echo "k6 ${version}: building go.k6.io/k6@${version} with $("${go}" version | cut -d' ' -f3) into ${dest}/ (a few minutes the first time; seconds with Go's build cache warm)"
mkdir -p "${dest}"
started=$(date +%s)
GOBIN="$(pwd)/${dest}" CGO_ENABLED=0 GOFLAGS=-buildvcs=false "${go}" install "go.k6.io/k6@${version}"
"${dest}/k6" version
echo "k6 ${version}: built in $(( $(date +%s) - started )) s"
