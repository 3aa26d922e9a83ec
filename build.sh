#!/usr/bin/env bash
# Build the deployable contract and keep size-report honest.
#
#   ./build.sh          install what is missing, build, optimize with wasm-opt,
#                       write res/offchainvm_contract.wasm and rewrite the part of
#                       size-report above its "## gas" line
#   ./build.sh --check  the same build, but size-report is only compared: fails
#                       (with a diff) when it is stale or the wasm is over budget
#
# Runs from any directory. Output is reproducible: the toolchain is pinned by
# rust-toolchain.toml, wasm-opt by the version below, and the environment
# variables that could change the code (RUSTFLAGS, CARGO_PROFILE_*) are cleared.
set -euo pipefail

# --- pins and limits ----------------------------------------------------------
readonly SIZE_BUDGET=24576                 # bytes (24 KiB, issue 9's target); --check fails above this. The aim is 16384 (16 KiB): see README "Size"
readonly WASM_OPT_VERSION="108"            # `wasm-opt --version` must say this...
readonly BINARYEN_DEB_VERSION="108-1"      # ...which Debian bookworm's binaryen is
readonly TARGET=wasm32v1-none              # wasm 1.0 (MVP + mutable-globals), plus FEATURES below
readonly CRATE=offchainvm_contract

# Post-MVP features the published wasm may use, named explicitly rather than
# taken from a target's defaults (wasm32-unknown-unknown's change with rustc
# and include multi-value, which nearcore rejects). nearcore's VM accepts both
# on every protocol version it still supports (>= 84; README "Where it
# deploys"). bulk-memory turns copies into memory.copy and drops
# compiler-builtins' 885-byte memcpy; sign-ext saves a few bytes. The same set
# three times: rustc, wasm-opt, and the check in wasm_report.py verify, which
# fails the build on any instruction outside it.
readonly FEATURES="bulk-memory,sign-ext"
readonly STACK_SIZE=4096                   # bytes of wasm stack; see below
readonly RUST_BUILD_FLAGS="-Ctarget-feature=+bulk-memory,+sign-ext -Clink-arg=-zstack-size=$STACK_SIZE"
# The stack: 4 KiB instead of rustc's 1 MiB. wasm-ld puts it first, below the
# data (stack-first layout), so an overflow runs below address 0 and traps
# instead of writing over data. A small stack puts the data low: below 8 KiB,
# a constant's address is a 2-byte LEB in the code, not 3 (1 MiB: 4). The
# check after wasm-opt (wasm_report.py stack) proves the bound: it follows every
# call from every export, adds up the stack frames, and takes each recursion
# at its deepest (RECURSION below); the build fails if that exceeds STACK_SIZE.
# tests/limits.rs also runs the deepest JSON accepted on the real wasm.
# The recursions and how deep each can go, by a part of a function's name:
# - Reader::value: one level per nested object or array, and the reader refuses
#   nesting deeper than MAX_DEPTH (32) in json.rs; one more for a leaf value.
# - args::walk: one level per object in an argument table; the deepest tables
#   (resolve_execution: response, then output) are three deep.
readonly -a RECURSION=(--recursion json::Reader::value=33 --recursion args::walk=3)
# `strip = true` in the release profile also drops the target_features section,
# so wasm-opt cannot see which features the code may use: name them.
readonly -a WASM_OPT_FEATURES=(--mvp-features --enable-bulk-memory --enable-sign-ext)
# Optimization flag sets to try; the smallest output wins, a tie goes to the
# earlier set. Unsafe ones (--traps-never-happen, --low-memory-unused, ...) are
# left out on purpose: they change what a panicking contract does.
# The last: flatten the code and rebuild its control flow with the relooper,
# then two -Oz pipelines (the first leaves work the second finds); the
# relooper's blocks and branches come out smaller than rustc's (-145 bytes).
readonly -a WASM_OPT_CANDIDATES=(
  "-Oz"
  "-Oz --converge"
  "-Os --converge"
  "--flatten --rereloop -Oz -Oz --converge"
)
# Passes that only drop custom sections. They go BEFORE the -O flags: wasm-opt
# 108 emits slightly bigger code (+24 bytes seen) when any pass follows -Oz.
readonly -a WASM_OPT_STRIP=(--strip-debug --strip-producers --strip-target-features)
# Linker exports nothing uses (see "build" below).
readonly -a UNEXPORT=(--name __heap_base --name __data_end)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly ROOT
readonly OUT="$ROOT/res/$CRATE.wasm"
readonly REPORT="$ROOT/size-report"
readonly PY="$ROOT/.ci/wasm_report.py"

CHECK=0
case "${1:-}" in
  "") ;;
  --check) CHECK=1 ;;
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

say() { echo "build.sh: $*" >&2; }
die() { echo "build.sh: error: $*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"; fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: $*"
  if [[ $apt_updated -eq 0 ]]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- install what is missing ------------------------------------------------------
cd "$ROOT"

command -v python3 >/dev/null || { say "installing python3"; apt_install python3-minimal; }

command -v rustup >/dev/null || die "rustup not found; install it (https://rustup.rs), then rerun"
# The channel pinned in rust-toolchain.toml; install it and the wasm target
# explicitly rather than relying on rustup's auto-install, which not every
# rustup version does.
CHANNEL="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"
[[ -n $CHANNEL ]] || die "no channel in rust-toolchain.toml"
if ! rustup run "$CHANNEL" rustc -V >/dev/null 2>&1; then
  say "installing Rust $CHANNEL"
  rustup toolchain install "$CHANNEL" --profile minimal --target "$TARGET"
fi
if ! rustup target list --installed --toolchain "$CHANNEL" | grep -qx "$TARGET"; then
  say "adding target $TARGET"
  rustup target add --toolchain "$CHANNEL" "$TARGET"
fi

# wasm-opt is pinned: another version gives other bytes and size-report would
# never match. WASM_OPT may point at a binary of the pinned version elsewhere.
WASM_OPT="${WASM_OPT:-wasm-opt}"
wasm_opt_version() { "$WASM_OPT" --version 2>/dev/null | head -n1 || true; }
if ! command -v "$WASM_OPT" >/dev/null; then
  say "installing binaryen=$BINARYEN_DEB_VERSION (wasm-opt $WASM_OPT_VERSION)"
  apt_install "binaryen=$BINARYEN_DEB_VERSION" \
    || die "could not install binaryen=$BINARYEN_DEB_VERSION (Debian bookworm's); see 'apt-cache policy binaryen'"
fi
# Debian's prints "wasm-opt version 108"; an upstream release build adds "(version_108)".
if ! [[ $(wasm_opt_version) =~ ^wasm-opt\ version\ ${WASM_OPT_VERSION}(\ \(version_${WASM_OPT_VERSION}\))?$ ]]; then
  die "$(command -v "$WASM_OPT") says '$(wasm_opt_version)', need wasm-opt version $WASM_OPT_VERSION
  (apt-get install binaryen=$BINARYEN_DEB_VERSION, or set WASM_OPT=/path/to/wasm-opt-$WASM_OPT_VERSION)"
fi

# --- build ------------------------------------------------------------------------------
# Keep the user's environment from changing the code: cargo takes RUSTFLAGS
# over any config rustflags, and CARGO_PROFILE_* over Cargo.toml. RUSTFLAGS
# carries the target features (not a .cargo/config.toml: that would also apply
# to tests/caller's wasm and to whatever else is built in this checkout).
unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS
while read -r var; do unset "$var"; done < <(compgen -e | grep -E '^CARGO_(PROFILE_|TARGET_.*_RUSTFLAGS$)' || true)
export RUSTFLAGS="$RUST_BUILD_FLAGS"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

TARGET_DIR="$(cargo metadata --format-version 1 --no-deps --locked \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

# The deployable build: exactly what
# `RUSTFLAGS=-Ctarget-feature=+bulk-memory,+sign-ext cargo build --release --target wasm32v1-none`
# gives, symbols stripped by the profile.
cargo build --quiet --locked --release --target "$TARGET"
RAW="$TARGET_DIR/$TARGET/release/$CRATE.wasm"

# A twin build for function names only. -Cstrip=debuginfo comes after the
# profile's -Cstrip=symbols so it wins: symbols stay in a "name" section, no
# DWARF (DWARF would make wasm-opt skip passes). --demangle makes the linker
# write readable names. RUSTFLAGS are not part of cargo's -Cmetadata hash, so
# symbol hashes, and with them function order and code, stay identical to the
# deployable build; render checks that byte for byte. Its own target dir keeps
# the two builds from invalidating each other's cache. Its compiler warnings
# would repeat the first build's: they are shown only if it fails.
if ! RUSTFLAGS="$RUST_BUILD_FLAGS -Cstrip=debuginfo -Clink-arg=--demangle" \
  cargo build --quiet --locked --release --target "$TARGET" --target-dir "$TARGET_DIR/size-names" \
  2>"$TMP/names-build.err"; then
  cat "$TMP/names-build.err" >&2
  die "the names twin build failed"
fi
RAW_NAMES="$TARGET_DIR/size-names/$TARGET/release/$CRATE.wasm"

# rustc always has the linker export __heap_base and __data_end (for JS
# tooling). nearcore never reads them; dropped here, their two globals go too
# once wasm-opt sees them unused (-41 bytes).
python3 "$PY" unexport "$RAW" -o "$TMP/raw.wasm" "${UNEXPORT[@]}"
python3 "$PY" unexport "$RAW_NAMES" -o "$TMP/raw-names.wasm" "${UNEXPORT[@]}"
RAW="$TMP/raw.wasm"
RAW_NAMES="$TMP/raw-names.wasm"

# --- optimize: try each flag set, keep the smallest ------------------------------------------
best=""; best_size=""; candidates=()
for i in "${!WASM_OPT_CANDIDATES[@]}"; do
  flags="${WASM_OPT_CANDIDATES[$i]}"
  # shellcheck disable=SC2086  # $flags is a list of flags
  "$WASM_OPT" "${WASM_OPT_FEATURES[@]}" "${WASM_OPT_STRIP[@]}" $flags "$RAW" -o "$TMP/cand$i.wasm"
  size=$(wc -c <"$TMP/cand$i.wasm")
  candidates+=(--candidate "$size $flags")
  if [[ -z $best_size ]] || (( size < best_size )); then best=$i; best_size=$size; fi
done
FLAGS="${WASM_OPT_CANDIDATES[$best]}"

# The same flags on the twin, keeping the name section (-g) this time.
# shellcheck disable=SC2086
"$WASM_OPT" "${WASM_OPT_FEATURES[@]}" -g --strip-producers --strip-target-features $FLAGS \
  "$RAW_NAMES" -o "$TMP/names-opt.wasm"

# Then the most-called functions get the lowest indices: a call's index is a
# LEB, 1 byte below 128 and 2 above (-97 bytes). Done here rather than with
# wasm-opt's --reorder-functions, which breaks ties by name (the twin's code
# would differ) and, after -Oz, re-encodes the module a little bigger. Only
# indices change; the twin is renumbered the same way, names included.
python3 "$PY" renumber "$TMP/cand$best.wasm" -o "$TMP/$CRATE.wasm"
python3 "$PY" renumber "$TMP/names-opt.wasm" -o "$TMP/names.wasm"
python3 "$PY" same-code "$TMP/$CRATE.wasm" "$TMP/names.wasm" \
  || say "warning: the names twin build optimized to different code; size-report lists functions by index"

# --- verify -----------------------------------------------------------------------------
# Two independent checks that only MVP + FEATURES is used: wasm-opt re-reads
# and validates the output with exactly those features enabled, and the python
# check decodes every instruction (and covers the rest of what NEAR needs).
if ! "$WASM_OPT" "${WASM_OPT_FEATURES[@]}" "$TMP/$CRATE.wasm" -o "$TMP/reread.wasm" 2>"$TMP/reread.err"; then
  cat "$TMP/reread.err" >&2
  die "optimized wasm does not validate with ${WASM_OPT_FEATURES[*]}"
fi
python3 "$PY" verify "$TMP/$CRATE.wasm" --features "$FEATURES" \
  --forbid "$ROOT" --forbid "${CARGO_HOME:-$HOME/.cargo}" || die "optimized wasm is not deployable (see above)"

python3 "$PY" stack "$TMP/$CRATE.wasm" --names "$TMP/names.wasm" --size "$STACK_SIZE" "${RECURSION[@]}" \
  >"$TMP/stack.txt" || die "the wasm stack could overflow (see above)"
STACK_LINE="$(head -n1 "$TMP/stack.txt")"

python3 "$PY" render "$TMP/$CRATE.wasm" --names "$TMP/names.wasm" --budget "$SIZE_BUDGET" \
  --meta "stack=${STACK_LINE#worst-case stack: }" \
  --meta "rustc=$(rustc -V)" --meta "target=$TARGET $RUST_BUILD_FLAGS" \
  --meta "wasm-opt=wasm-opt version $WASM_OPT_VERSION" \
  --meta "flags=${WASM_OPT_FEATURES[*]} ${WASM_OPT_STRIP[*]} $FLAGS, then wasm_report.py renumber" \
  "${candidates[@]}" >"$TMP/size-head"

# --- publish / check ------------------------------------------------------------------
size=$(wc -c <"$TMP/$CRATE.wasm")
status=0
publish=1
if (( CHECK )); then
  # res/*.wasm is meant to be untracked build output. Should the wasm ever be
  # committed, it must match the build too, and --check leaves it alone.
  if git -C "$ROOT" ls-files --error-unmatch "res/$CRATE.wasm" >/dev/null 2>&1; then
    publish=0
    if ! cmp -s "$TMP/$CRATE.wasm" "$OUT"; then
      say "res/$CRATE.wasm is committed but differs from a fresh build; run ./build.sh and commit it"
      status=1
    fi
  fi
  python3 "$PY" compare "$TMP/size-head" "$REPORT" || status=1
fi
if (( publish )); then
  mkdir -p "$ROOT/res"
  cp "$TMP/$CRATE.wasm" "$OUT"         # build output; tests may load it
fi
# The names twin, for tests/stack_bound.rs and for reading size-report's
# function indices (build output, outside the tree).
cp "$TMP/names.wasm" "$TARGET_DIR/size-names/$CRATE.names.wasm"
if (( ! CHECK )); then
  python3 "$PY" write "$TMP/size-head" "$REPORT"   # keeps the "## gas" part as is
fi

if (( size > SIZE_BUDGET )); then
  # A plain build only warns, so work in progress can still be built and tested.
  say "res/$CRATE.wasm is $size bytes, OVER the budget of $SIZE_BUDGET by $((size - SIZE_BUDGET))"
  if (( CHECK )); then status=1; fi
fi
say "res/$CRATE.wasm: $size bytes (budget $SIZE_BUDGET), wasm-opt $FLAGS"
if (( CHECK && status == 0 )); then
  say "check passed: size-report is up to date and within budget"
elif (( CHECK )); then
  say "check FAILED"
fi
exit "$status"
