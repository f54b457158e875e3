#!/bin/sh
# Runs the AfterFunc probes with the race detector, then the racy and the
# deadlocking programs. context.AfterFunc needs Go 1.21 or later:
# GO=/usr/lib/go-1.23/bin/go sh run.sh > RESULTS.txt 2>&1
set -u
GO=${GO:-go}
cd "$(dirname "$0")"
echo "== $("$GO" version)"
GOTOOLCHAIN=local "$GO" run -race .
echo "== race/ (go run -race)"
GOTOOLCHAIN=local "$GO" run -race ./race 2>&1 | grep -E "DATA RACE|stop=|exit status" | sort | uniq -c
echo "== deadlock/ (go run)"
GOTOOLCHAIN=local "$GO" run ./deadlock 2>&1 | head -1
