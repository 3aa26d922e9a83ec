//! The wasm's 4 KiB stack is proved enough by `wasm_report.py stack`, which build.sh runs on
//! every build (README, "The stack"). These tests run that check on the published wasm as
//! build.sh does, then show that it is a check that can fail: a stack one byte short of its
//! worst case, a recursion left without a bound, or a bound for a recursion that is gone, each
//! fail it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::vm::contract_wasm;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// build.sh's `STACK_SIZE` and `RECURSION`, read from build.sh itself.
fn build_sh_bounds() -> (u64, Vec<String>) {
    let text = std::fs::read_to_string(root().join("build.sh")).expect("build.sh");
    let value = |name: &str| {
        let line = text.lines().find(|l| l.starts_with(&format!("readonly {name}="))).unwrap_or_else(|| {
            panic!("build.sh: no {name}");
        });
        line.split_once('=').unwrap().1.split('#').next().unwrap().trim().to_string()
    };
    let size = value("STACK_SIZE").parse().expect("STACK_SIZE is a number");
    let line = text.lines().find(|l| l.starts_with("readonly -a RECURSION=(")).expect("build.sh: no RECURSION");
    let inner = line.trim_start_matches("readonly -a RECURSION=(").trim_end_matches(')');
    let bounds = inner.split_whitespace().filter(|w| *w != "--recursion").map(str::to_string).collect();
    (size, bounds)
}

/// The names twin build.sh keeps next to its build (same code, names kept).
fn names_wasm() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").to_path_buf();
    target.join("size-names").join("offchainvm_contract.names.wasm")
}

fn stack_check(size: u64, bounds: &[String]) -> Output {
    let mut cmd = Command::new("python3");
    cmd.arg(root().join(".ci/wasm_report.py"))
        .arg("stack")
        .arg(root().join("res/offchainvm_contract.wasm"))
        .arg("--names")
        .arg(names_wasm())
        .arg("--size")
        .arg(size.to_string());
    for b in bounds {
        cmd.arg("--recursion").arg(b);
    }
    cmd.output().expect("python3 runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The worst case the check reports on success: "worst-case stack: N bytes of S, from M".
fn worst_case(o: &Output) -> u64 {
    let out = String::from_utf8_lossy(&o.stdout);
    let rest = out.strip_prefix("worst-case stack: ").unwrap_or_else(|| panic!("unexpected output: {out}"));
    rest.split(' ').next().unwrap().parse().expect("a byte count")
}

fn published_wasm_is_built() -> bool {
    if std::env::var_os("OFFCHAINVM_WASM").is_some() {
        // Another build under test; build.sh's check is about the published one.
        eprintln!("SKIPPED: OFFCHAINVM_WASM is set");
        return false;
    }
    contract_wasm();
    true
}

#[test]
fn the_published_wasm_fits_its_stack_and_size_report_says_by_how_much() {
    if !published_wasm_is_built() {
        return;
    }
    let (size, bounds) = build_sh_bounds();
    let o = stack_check(size, &bounds);
    assert!(o.status.success(), "{}", text(&o));
    let worst = worst_case(&o);
    // Every export has a frame of its own at least, and the reader's recursion is 33 deep.
    assert!(worst > 33 * 16 && worst <= size, "worst case {worst} of {size}");
    let report = std::fs::read_to_string(root().join("size-report")).expect("size-report");
    assert!(
        report.contains(&format!("stack:    {worst} bytes of {size}, from ")),
        "size-report's stack line is not {worst} of {size}"
    );
}

#[test]
fn the_stack_check_fails_one_byte_short() {
    if !published_wasm_is_built() {
        return;
    }
    let (size, bounds) = build_sh_bounds();
    let worst = worst_case(&stack_check(size, &bounds));
    let exact = stack_check(worst, &bounds);
    assert!(exact.status.success(), "{}", text(&exact));
    let short = stack_check(worst - 1, &bounds);
    assert!(!short.status.success());
    assert!(text(&short).contains(&format!("the stack can overflow: {worst} bytes needed, {} given", worst - 1)));
}

#[test]
fn every_recursion_needs_its_bound_and_every_bound_its_recursion() {
    if !published_wasm_is_built() {
        return;
    }
    let (size, bounds) = build_sh_bounds();
    assert!(!bounds.is_empty(), "build.sh names no recursion: the reader's value recurses");
    for dropped in &bounds {
        let rest: Vec<String> = bounds.iter().filter(|b| *b != dropped).cloned().collect();
        let o = stack_check(size, &rest);
        assert!(!o.status.success(), "passed without {dropped}");
        let name = dropped.split('=').next().unwrap();
        assert!(text(&o).contains("recursion with no bound among: ") && text(&o).contains(name), "{}", text(&o));
    }
    let mut extra = bounds.clone();
    extra.push("contract::get_stats=2".into());
    let o = stack_check(size, &extra);
    assert!(!o.status.success());
    assert!(text(&o).contains("no recursion left through contract::get_stats"), "{}", text(&o));
}

/// A deeper bound costs its recursion's frames once more per level: the bound is what the check
/// multiplies, not a label.
#[test]
fn a_deeper_recursion_bound_raises_the_worst_case() {
    if !published_wasm_is_built() {
        return;
    }
    let (size, bounds) = build_sh_bounds();
    let worst = worst_case(&stack_check(size, &bounds));
    let deeper: Vec<String> = bounds
        .iter()
        .map(|b| match b.split_once('=') {
            Some((name, depth)) if name.ends_with("Reader::value") => {
                format!("{name}={}", depth.parse::<u64>().unwrap() + 10)
            }
            _ => b.clone(),
        })
        .collect();
    let o = stack_check(u64::MAX / 2, &deeper);
    assert!(o.status.success(), "{}", text(&o));
    assert!(worst_case(&o) > worst, "{} !> {worst}", worst_case(&o));
}
