#!/bin/sh
# Runs the probes and prints what Go did (the content of RESULTS.txt).
cd "$(dirname "$0")"
go version
go run probes.go
for p in nil-chan-field absent-chan-send; do
    echo "$p: $(go run probes.go $p 2>&1 | grep -m1 'fatal error')"
done
for p in race-same-field race-different-fields race-append race-append-spare race-append-grown race-append-many race-append-copy race-append-spread race-append-records race-slice-part race-lookup race-lookup-locked; do
    if go run -race probes.go $p 2>&1 | grep -q 'WARNING: DATA RACE'; then r="data race"; else r="no race"; fi
    echo "$p (-race): $r"
done
