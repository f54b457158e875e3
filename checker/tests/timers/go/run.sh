#!/bin/sh
# Runs probes.go under Go 1.22 and Go 1.23 timer semantics: the `go`
# directive of the module selects them (asynctimerchan). Needs a Go 1.23+
# toolchain: GO=/usr/lib/go-1.23/bin/go sh run.sh
set -eu
GO=${GO:-go}
here=$(cd "$(dirname "$0")" && pwd)
for v in 1.22 1.23; do
  d=$(mktemp -d)
  cp "$here/probes.go" "$d/"
  printf 'module probes\n\ngo %s\n' "$v" > "$d/go.mod"
  echo "== go $v ($("$GO" version))"
  (cd "$d" && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$GO" run . "$@")
  rm -rf "$d"
done
