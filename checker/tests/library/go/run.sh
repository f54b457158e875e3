#!/bin/sh
# Runs probes.go: what real Go does for each library shape the tests in
# checker/tests/library.rs check. errgroup/ is golang.org/x/sync/errgroup
# v0.7.0 as vendored in the Go 1.23 distribution (its LICENSE beside it).
# Runs with the race detector: a data race would be printed (none is).
# GO=/usr/lib/go-1.23/bin/go sh run.sh > RESULTS.txt 2>&1
set -eu
GO=${GO:-go}
cd "$(dirname "$0")"
echo "== $("$GO" version)"
GOTOOLCHAIN=local GOFLAGS=-mod=mod "$GO" run -race . "$@"
