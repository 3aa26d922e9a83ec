#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a fixed time; exits non-zero on any
# crash (the input is kept in fuzz/artifacts/<target>/).
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET [TARGET...]]    (default: 8 s, all)
#
# Each run starts from fuzz/corpus/<target> (grown by earlier runs, not
# committed) and fuzz/seeds/<target> (committed, read-only), so every seed,
# including the regression inputs of fixed crashes, is replayed first.
#
# Environment:
#   FUZZ_JOBS       targets run at once (default: the number of cores, max 2)
#   FUZZ_TOOLCHAIN  e.g. "nightly" (installed with rustup if missing); default
#                   the toolchain rust-toolchain.toml pins: with no sanitizer
#                   cargo-fuzz needs no nightly
#   FUZZ_SANITIZER  none (default: the code under test has no `unsafe`, and
#                   ASan makes it several times slower), or address etc. (nightly)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CARGO_FUZZ_VERSION=0.13.2
secs=${1:-8}
if [ $# -gt 0 ]; then shift; fi
jobs=${FUZZ_JOBS:-$(( $(nproc) < 2 ? $(nproc) : 2 ))}
sanitizer=${FUZZ_SANITIZER:-none}
toolchain=${FUZZ_TOOLCHAIN:+"+$FUZZ_TOOLCHAIN"}

if [ -n "${FUZZ_TOOLCHAIN:-}" ] && ! rustup run "$FUZZ_TOOLCHAIN" rustc --version >/dev/null 2>&1; then
    rustup toolchain install "$FUZZ_TOOLCHAIN" --profile minimal
fi
if ! command -v c++ >/dev/null; then   # libfuzzer-sys compiles libFuzzer (C++)
    apt-get update -qq && apt-get install -y -qq g++
fi
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi

cargo $toolchain fetch --locked   # fails if fuzz/Cargo.lock is stale
cargo $toolchain fuzz build --sanitizer "$sanitizer" --debug-assertions
host=$(rustc $toolchain -vV | sed -n 's/^host: //p')
bin=target/$host/release

if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo $toolchain fuzz list); fi

# One target: fuzz for $secs, then write "<name> <status> <executions>" to
# logs/<name>.result (status ok or FAILED).
fuzz_one() {
    local t=$1 log=logs/$1.log
    mkdir -p "corpus/$t" "artifacts/$t" "seeds/$t"
    local status=ok
    # -timeout: an input taking 10 s is a hang; -rss_limit_mb: a runaway
    # allocation is a bug too. -max_len allows inputs past the largest field
    # cap (32 KiB outputs).
    "$bin/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=40000 \
        -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
        "corpus/$t" "seeds/$t" >"$log" 2>&1 || status=FAILED
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "$t $status ${runs:-?}" >"logs/$t.result"
}

rm -rf logs && mkdir -p logs
for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    fuzz_one "$t" &
done
wait

failed=0
printf '%-26s %-7s %s\n' target result executions
for t in "${targets[@]}"; do
    read -r name status runs <"logs/$t.result"
    printf '%-26s %-7s %s\n' "$name" "$status" "$runs"
    if [ "$status" != ok ]; then
        failed=1
        echo "--- $t: last lines of fuzz/logs/$t.log"
        tail -n 40 "logs/$t.log"
        echo "--- reproduce: (cd fuzz && cargo fuzz run $t artifacts/$t/<file>)"
        ls -l "artifacts/$t"
    fi
done
exit $failed
