//! `weft replay`: re-executes one schedule, strictly, printing each step as
//! it happens, and ends with the report of the bugs the run shows.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use weft_checker::counterexample::replay::Replayer;
use weft_checker::counterexample::token;
use weft_checker::explore::{Bounds, Budget};
use weft_checker::report::{divergence_view, replay_report, replay_step_view, run_error, Locator};

use super::{check, Exit, Format, LoadArgs};

/// Replays `token` on the scenario in `path`; the exploration after the run
/// that decides which goroutines are blocked forever obeys `bounds`.
pub fn run(
    path: &Path,
    token: &str,
    args: &LoadArgs,
    step: bool,
    graph: Option<&Path>,
    bounds: Bounds,
) -> Exit {
    let budget = Budget::new(bounds);
    if matches!(args.format, Format::Sarif | Format::Junit) {
        eprintln!("error: `weft replay` writes text or JSON; SARIF and JUnit are for `weft check`");
        return Exit::BadInput;
    }
    let mut units = check::load(path, args);
    if units.len() > 1 {
        eprintln!(
            "error: {} has {} entry points: choose one with --func NAME",
            path.display(),
            units.len()
        );
        return Exit::BadInput;
    }
    let loaded = match units.pop() {
        Some(Ok(loaded)) => loaded,
        Some(Err(e)) => {
            e.print(args);
            return e.views().first().map_or(Exit::BadInput, super::exit_of);
        }
        None => return Exit::BadInput,
    };
    let (file, prog) = (&loaded.file, &loaded.prog);
    let items = match token::decode(token) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let loc = Locator {
        file,
        prog,
        origin: loaded.origin.as_ref(),
    };
    let mut r = match Replayer::new(prog) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return Exit::BadInput;
        }
    };
    let text = args.format == Format::Text;
    let interactive = step && std::io::stdin().is_terminal();
    if text {
        outln!(
            "replaying {} on {} ({})",
            token::encode(&items),
            prog.meta.name,
            path.display()
        );
    }
    let stdin = std::io::stdin();
    for (i, item) in items.iter().enumerate() {
        if interactive {
            eprint!("  [Enter: step {}] ", i + 1);
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if stdin.lock().read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
        }
        match r.step_item(item) {
            Ok(s) => {
                if let Some(f) = s.failure.as_ref().filter(|f| !f.kind.is_crash()) {
                    // Not a bug the run shows: the scenario is invalid, or
                    // weft is at fault.
                    let error = run_error(&path.display().to_string(), &loc, f);
                    check::print_run_error(&error, args.format);
                    return super::exit_of(&error);
                }
                if text {
                    let s = s.clone();
                    let view = replay_step_view(&loc, &r, i + 1, &s, args.values);
                    outln!("{}", weft_reports::text::replay_step(&view));
                    let _ = std::io::stdout().flush();
                }
            }
            Err(e) => {
                match divergence_view(&loc, path, &e) {
                    Some(d) => eprintln!("{}", weft_reports::text::divergence(&d)),
                    None => eprintln!(
                        "{}",
                        weft_reports::text::replay_failure(
                            &path.display().to_string(),
                            &e.to_string()
                        )
                    ),
                }
                return Exit::BadInput;
            }
        }
    }
    let trace = r.finish();
    let display = path.display().to_string();
    let opts = weft_checker::report::Options {
        budget,
        abstractions: loaded.abstractions.clone(),
        ..args.report_options()
    };
    let report = replay_report(&loc, &display, &trace, &opts);
    match args.format {
        Format::Text => out!(
            "{}",
            weft_reports::text::render_replay(&report, args.style())
        ),
        Format::Json => outln!("{}", weft_reports::json::render_replay(&report)),
        Format::Sarif | Format::Junit => {}
    }
    if let Some(g) = graph {
        let bugs: Vec<_> = report
            .bugs
            .iter()
            .map(|b| (report.scenario.as_str(), b))
            .collect();
        if !check::write_graph(g, &weft_reports::dot::render(&bugs)) {
            return Exit::BadInput;
        }
    }
    if report.bugs.is_empty() {
        Exit::AsExpected
    } else {
        Exit::Mismatch
    }
}
