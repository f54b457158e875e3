# Everyday recipes. Install just with `cargo install just` (or your package manager).
# The README's two commands are plain cargo; these are conveniences on top.

# List recipes.
default:
    @just --list

# Run weft on the bundled corpus.
corpus *ARGS:
    cargo run --release -p weft-checker --bin weft -- check scenarios/ {{ARGS}}

# Format check and lints, as CI (.ci/run) runs them.
check:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# The whole test suite (the README's test command).
test:
    cargo test --workspace --release

# Referee partial-order reduction on N random scenarios (default 20000),
# from seed START (default 2000, past the ones `cargo test` runs): complete
# searches, and depth-bounded ones on ordinary and infinite-state scenarios.
fuzz-por N="20000" START="2000":
    WEFT_POR_SEEDS={{N}} WEFT_POR_START={{START}} cargo test --release -p weft-checker --test suite por_referee:: -- --nocapture

# Referee `--reduction dpor` on N random shared-memory scenarios (default
# 20000) from seed START (default 1500, past the ones `cargo test` runs).
fuzz-dpor N="20000" START="1500":
    WEFT_DPOR_SEEDS={{N}} WEFT_DPOR_START={{START}} cargo test --release -p weft-checker --test suite por_referee::dpor -- --nocapture

# The Go import against real Go on N generated programs (default 1000)
# from seed START, each run RUNS times (default 20) under Go, plain and with
# -race: weft must find every bug Go saw (needs golang-go).
fuzz-go N="1000" START="0" RUNS="20":
    WEFT_GO_SEEDS={{N}} WEFT_GO_START={{START}} WEFT_GO_RUNS={{RUNS}} cargo test --release -p weft-checker --test suite go_differential:: -- --nocapture

# Benchmarks against loom, SPIN and the optimal trace counts; writes
# checker/benches/RESULTS.md (under 15 minutes on 2 cores).
bench: spin
    cargo run --release -p weft-checker --example bench

# `just bench` with a `weft-before` row under each weft row, measured by the
# harness built from commit REV (default: the code before the compact state
# store), in the same run: how an engine change moved states/s and memory.
bench-before REV="a0deff9": spin
    rm -rf target/before && git worktree prune && git worktree add --detach target/before {{REV}}
    cd target/before && CARGO_TARGET_DIR=../before-target cargo build --release -p weft-checker --example bench
    cargo run --release -p weft-checker --example bench -- --before target/before-target/release/examples/bench
    git worktree remove --force target/before

# weft's and SPIN's machine instructions per stored state (cachegrind:
# exact from run to run, where wall time on this VM is not); writes
# checker/benches/INSTRUCTIONS.md (about 5 minutes).
bench-instructions: spin
    cargo run --release -p weft-checker --example bench -- --instructions

# Where one function's instructions go, per line of its own source, inlined
# code charged to the line that inlines it (a flat profile charges it to
# smallvec or core): callgrind on `weft check --jobs 1` of SCENARIO, then
# checker/benches/profile_lines.py. Needs valgrind and binutils' addr2line.
profile-lines SCENARIO FUNC="weft_checker::reduce::persistent::analyse" STORE="full":
    cargo build --release -p weft-checker
    valgrind --tool=callgrind --dump-instr=yes --compress-pos=no --compress-strings=no --callgrind-out-file=target/callgrind.lines target/release/weft check --jobs 1 --store {{STORE}} {{SCENARIO}} > /dev/null
    python3 checker/benches/profile_lines.py target/callgrind.lines target/release/weft '{{FUNC}}'

# The same at small sizes, with a 10 s cap (under a minute); prints the table.
bench-quick: spin
    cargo run --release -p weft-checker --example bench -- --quick --out target/bench-quick.md

# Installs SPIN from Debian's packages when it is missing.
spin:
    @command -v spin >/dev/null || (apt-get update -qq && apt-get install -y -qq spin) || sudo apt-get install -y -qq spin

# Format the code.
fmt:
    cargo fmt --all

# Lints only.
lint:
    cargo clippy --workspace --all-targets -- -D warnings
