#!/usr/bin/env bash
# Runs every program of the Go corpus with Go's own tools and prints a
# Markdown table row per program: what `go vet` says, and what N runs under
# the race detector (`go run -race`, or `go test -race -count=N` for the
# tests) saw: data races reported, panics and fatal errors (Go's deadlock
# detector included), runs cut by the time limit. weft's verdict is the
# file's `// weft:expect` comment, which tests/go_import.rs checks.
#
#   scenarios/go/go-detectors.sh [RUNS]      (default 200; needs golang-go)
set -uo pipefail
cd "$(dirname "$0")"
runs=${1:-200}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
printf '| program | weft | go vet | -race runs | race reports | panics | fatal errors | timeouts |\n'
printf '|---|---|---|---|---|---|---|---|\n'
verdict() { sed -n 's|^// weft:import-error.*|not imported|p; s|^// weft:expect ||p' "$1" | head -1; }
row() { # name weft vet runs races panics fatals timeouts
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$@"
}
for f in *.go go122/*.go; do
    name=${f%.go}
    w=$(verdict "$f")
    (cd "$(dirname "$f")" && go vet "$(basename "$f")") >"$bin/vet" 2>&1 && vet=clean || vet="$(grep -v '^#' "$bin/vet" | head -1 | sed 's/^[^ ]*: //; s/|/\\|/g')"
    if ! (cd "$(dirname "$f")" && go build -race -o "$bin/p" "$(basename "$f")") >/dev/null 2>&1; then
        row "$name" "$w" "$vet" "does not build" - - - -; continue
    fi
    races=0 panics=0 fatals=0 timeouts=0 done_runs=0
    for _ in $(seq "$runs"); do
        # A program that hangs every time is stopped after 3 runs.
        if [ $timeouts -ge 3 ] && [ $timeouts = $done_runs ]; then break; fi
        done_runs=$((done_runs + 1))
        timeout 2 "$bin/p" >/dev/null 2>"$bin/err"; rc=$?
        [ $rc = 124 ] && timeouts=$((timeouts + 1))
        grep -q 'WARNING: DATA RACE' "$bin/err" && races=$((races + 1))
        grep -q '^panic: ' "$bin/err" && panics=$((panics + 1))
        grep -q '^fatal error: ' "$bin/err" && fatals=$((fatals + 1))
    done
    row "$name" "$w" "$vet" "$done_runs" "$races" "$panics" "$fatals" "$timeouts"
done
cd testing
for f in *_test.go; do
    w=$(verdict "$f")
    t=$(sed -n 's/^func \(Test[A-Za-z0-9_]*\)(t \*testing.T).*/\1/p' "$f" | head -1)
    go vet . >"$bin/vet" 2>&1 && vet=clean || vet="$(grep "$f" "$bin/vet" | head -1 | sed 's/^[^ ]*: //; s/|/\\|/g')"
    [ -z "$vet" ] && vet=clean
    timeout 600 go test -race -count="$runs" -run "^$t\$" -timeout 300s . >"$bin/out" 2>&1
    races=$(grep -c 'WARNING: DATA RACE' "$bin/out")
    fails=$(grep -c -- "^    --- FAIL\|^--- FAIL: $t" "$bin/out")
    panics=$(grep -c '^panic: ' "$bin/out")
    fatals=$(grep -c '^fatal error: ' "$bin/out")
    row "testing/${f%.go} ($t; failed runs: $fails)" "$w" "$vet" "$runs" "$races" "$panics" "$fatals" 0
done
