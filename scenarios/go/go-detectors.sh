#!/usr/bin/env bash
# Runs every program of the Go corpus with Go's own tools and prints a
# Markdown table row per program: what `go vet` says; what N runs built
# with the race detector (`go build -race`; `go test -race -count=N` for
# the tests) saw: data races reported, panics, runs cut by the time limit
# (a hang); and what N plain runs saw: fatal errors (Go's deadlock
# detector, `concurrent map writes`; the race runtime keeps the deadlock
# detector from firing, so it needs plain runs), panics, hangs. A program
# that hangs on each of its first 3 runs is not run again. weft's verdict
# is the file's `// weft:expect` comment, which tests/go_import.rs checks.
#
#   scenarios/go/go-detectors.sh [RUNS [FILE...]]   (default 200 runs, every
#   program; FILEs relative to scenarios/go; needs golang-go)
set -uo pipefail
cd "$(dirname "$0")"
runs=${1:-200}
shift $(( $# > 0 ? 1 : 0 ))
if [ $# -gt 0 ]; then files=("$@"); else files=(*.go go12*/*.go); fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
printf '| program | weft | go vet | -race: runs | races | panics | hangs | plain: runs | fatal errors | panics | hangs |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
verdict() { sed -n 's|^// weft:import-error.*|not imported|p; s|^// weft:expect ||p' "$1" | head -1; }
row() { # name weft vet | runs races panics hangs | runs fatals panics hangs
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$@"
}
# runs BINARY: sets n races panics fatals hangs from up to $runs runs.
runs() {
    n=0 races=0 panics=0 fatals=0 hangs=0
    for _ in $(seq "$runs"); do
        if [ $hangs -ge 3 ] && [ $hangs = $n ]; then break; fi
        n=$((n + 1))
        timeout 2 "$1" >/dev/null 2>"$bin/err"
        [ $? = 124 ] && hangs=$((hangs + 1))
        grep -q 'WARNING: DATA RACE' "$bin/err" && races=$((races + 1))
        grep -q '^panic: ' "$bin/err" && panics=$((panics + 1))
        grep -q '^fatal error: ' "$bin/err" && fatals=$((fatals + 1))
    done
}
# go123/ uses context.AfterFunc (Go 1.21): built by $GO123 (default the
# Debian golang-1.23 package's go).
export GOTOOLCHAIN=local
for f in "${files[@]}"; do
    case "$f" in testing/*|*/testing/*) continue ;; esac
    case "$f" in go123/*) go() { "${GO123:-/usr/lib/go-1.23/bin/go}" "$@"; } ;; *) unset -f go ;; esac
    name=${f%.go}
    w=$(verdict "$f")
    (cd "$(dirname "$f")" && go vet "$(basename "$f")") >"$bin/vet" 2>&1 && vet=clean || vet="$(grep -v '^#' "$bin/vet" | head -1 | sed 's/^[^ ]*: //; s/|/\\|/g')"
    if ! (cd "$(dirname "$f")" && go build -race -o "$bin/race" "$(basename "$f")" && go build -o "$bin/plain" "$(basename "$f")") >/dev/null 2>&1; then
        row "$name" "$w" "$vet" "does not build" - - - - - - -; continue
    fi
    runs "$bin/race"
    r=("$n" "$races" "$panics" "$hangs")
    runs "$bin/plain"
    row "$name" "$w" "$vet" "${r[@]}" "$n" "$fatals" "$panics" "$hangs"
done
[ $# -gt 0 ] && exit 0
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
    row "testing/${f%.go} ($t; failed: $fails)" "$w" "$vet" "$runs" "$races" "$panics" - - "$fatals" - -
done
