//! `just bench-instructions`: the work weft and SPIN do per stored state,
//! counted in machine instructions, not timed.
//!
//! Wall-clock states per second on a shared 2-core VM move by a quarter
//! from run to run, so an engine change of a few percent cannot be seen in
//! `just bench`. Instructions retired agree within 0.02 % from run to run (one
//! thread, the same input): each measurement runs under Valgrind's
//! cachegrind (`--cache-sim=no`, which only counts), and the cost of a
//! state is the *marginal* one, between two sizes of a family:
//! `(instructions(large) - instructions(small)) / (states(large) -
//! states(small))`. What does not grow with the states (process start,
//! compiling the model, weft's static analyses, pan's hash table) cancels
//! out. Both tools use their own reduction (weft its default, SPIN its
//! partial-order reduction), as in the states/s line of RESULTS.md.
//!
//! Instructions are not time (a cache miss costs more than an addition),
//! but what a change to the engine does to them is exact, and the ratio
//! against SPIN's is the part of the states/s gap that is work, not memory.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use super::{compile_pan, number_before, Cell, Family};

/// A size of a family (its two parameters).
type Size = (usize, usize);

/// The families measured, each at two sizes: small enough to run under
/// cachegrind (about 40 times slower) in seconds, large enough that the
/// states between the two dwarf the fixed costs.
const PAIRS: [(Family, Size, Size); 5] = [
    (Family::Readers, (10, 0), (12, 0)),
    (Family::Lastzero, (8, 0), (10, 0)),
    (Family::PhilosophersFixed, (6, 0), (8, 0)),
    (Family::GopsFixed, (4, 2), (5, 3)),
    (Family::Fanout, (4, 0), (5, 0)),
];

/// One counted run: the states it stored and the instructions it retired.
#[derive(Clone, Copy, Debug)]
struct Counted {
    states: u64,
    instructions: u64,
}

/// The instruction count in cachegrind's summary (`I refs: 1,234`).
fn instructions_in(stderr: &str) -> Option<u64> {
    let line = stderr
        .lines()
        .find(|l| l.contains("refs:") && l.contains('I'))?;
    let digits: String = line
        .split("refs:")
        .nth(1)?
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Runs `cmd` under cachegrind; returns its stdout and the instructions.
fn counted(cmd: &Command) -> Result<(String, u64), String> {
    let mut v = Command::new("valgrind");
    v.args([
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
    ])
    .arg(cmd.get_program())
    .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        v.current_dir(dir);
    }
    let out = v
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let n = instructions_in(&stderr).ok_or("no instruction count in valgrind's output")?;
    Ok((String::from_utf8_lossy(&out.stdout).into_owned(), n))
}

/// weft on one thread (`--one weft`, as the states/s rows of RESULTS.md).
fn weft(family: Family, (a, b): Size) -> Result<Counted, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(me);
    cmd.args([
        "--one",
        "weft",
        family.name(),
        &a.to_string(),
        &b.to_string(),
        "600",
    ]);
    let (out, instructions) = counted(&cmd)?;
    let cell = out
        .lines()
        .last()
        .and_then(Cell::from_line)
        .ok_or("weft's child printed no measurement")?;
    Ok(Counted {
        states: cell.states.ok_or("weft's child counted no states")?,
        instructions,
    })
}

/// SPIN's `pan`, with its partial-order reduction.
fn spin(dir: &Path, family: Family, (a, b): Size) -> Result<Counted, String> {
    let pan = compile_pan(dir, family, a, b, true)?;
    let (out, instructions) = counted(&pan)?;
    let states = number_before(&out, "states, stored").ok_or("pan printed no state count")?;
    Ok(Counted {
        states: states as u64,
        instructions,
    })
}

/// Instructions per state added between `small` and `large`.
fn marginal(small: Counted, large: Counted) -> Option<f64> {
    let states = large.states.checked_sub(small.states).filter(|&s| s > 0)?;
    let work = large.instructions.checked_sub(small.instructions)?;
    Some(work as f64 / states as f64)
}

/// Measures every pair and returns the markdown report.
pub(crate) fn report(dir: &Path) -> Result<String, String> {
    let mut table = String::from(
        "| family | sizes | weft states | weft instructions / state | SPIN states | SPIN instructions / state | weft / SPIN per state | weft / SPIN to the verdict |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (family, small, large) in PAIRS {
        let w = (weft(family, small)?, weft(family, large)?);
        let s = (spin(dir, family, small)?, spin(dir, family, large)?);
        let (wm, sm) = (marginal(w.0, w.1), marginal(s.0, s.1));
        let show = |x: Option<f64>| x.map_or("-".into(), |x| format!("{x:.0}"));
        let ratio = match (wm, sm) {
            (Some(w), Some(s)) if s > 0.0 => format!("{:.1}", w / s),
            _ => "-".into(),
        };
        eprintln!("{} done", family.name());
        let _ = writeln!(
            table,
            "| {} | {} → {} | {} → {} | {} | {} → {} | {} | {} | {:.2} |",
            family.name(),
            family.size_label(small.0, small.1),
            family.size_label(large.0, large.1),
            w.0.states,
            w.1.states,
            show(wm),
            s.0.states,
            s.1.states,
            show(sm),
            ratio,
            w.1.instructions as f64 / s.1.instructions as f64,
        );
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_is_read_from_cachegrinds_summary() {
        let old = "==12== \n==12== I   refs:      348,743,896\n";
        let new = "==7== I    refs:      1,115,986\n";
        assert_eq!(instructions_in(old), Some(348_743_896));
        assert_eq!(instructions_in(new), Some(1_115_986));
        assert_eq!(instructions_in("==7== ERROR SUMMARY: 0 errors"), None);
    }

    #[test]
    fn the_cost_of_a_state_is_the_marginal_one() {
        let small = Counted {
            states: 100,
            instructions: 5_000_000,
        };
        let large = Counted {
            states: 1_100,
            instructions: 45_000_000,
        };
        assert_eq!(marginal(small, large), Some(40_000.0));
        // No states added: no cost to give.
        assert_eq!(marginal(small, small), None);
    }
}
