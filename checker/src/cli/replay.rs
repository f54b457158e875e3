//! `weft replay`: re-executes one schedule, strictly, printing each step as
//! it happens, and ends with the report of the bugs the run shows.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use weft_checker::counterexample::replay::{ReplayError, Replayer, Switch, TraceStep};
use weft_checker::counterexample::token;
use weft_checker::report::{replay_report, Locator};
use weft_checker::semantics::Transition;

use super::{check, Exit, Format, LoadArgs};

fn step_line(loc: &Locator, r: &Replayer, i: usize, s: &TraceStep) -> String {
    let mark = match (s.failure.is_some(), s.switch) {
        (true, _) => "✗",
        (_, Switch::Preemption) => "↯",
        (_, Switch::Switch) => "»",
        _ => " ",
    };
    let alt = match s.transition {
        Transition::Step { alt, .. } => Some(alt),
        Transition::Rendezvous { send_arm, .. } => Some(send_arm),
        Transition::Fire { .. } => None,
    };
    let body = match &s.actor {
        Some(a) => {
            let l = loc.site(a.site, alt);
            let partner = s
                .partner
                .as_ref()
                .map(|p| {
                    let recv = match s.transition {
                        Transition::Rendezvous { recv_arm, .. } => Some(recv_arm),
                        _ => None,
                    };
                    let pl = loc.site(p.site, recv);
                    format!(
                        " ⇒ {} at {}:{} {}",
                        r.name(&p.goroutine),
                        pl.line,
                        pl.col,
                        pl.text
                    )
                })
                .unwrap_or_default();
            format!(
                "{:<14} {}:{}  {}  ({}){partner}",
                r.name(&a.goroutine),
                l.line,
                l.col,
                l.text,
                s.action
            )
        }
        None => format!("{:<14} {}", "timer", s.action),
    };
    format!("  {mark} {:>3}. {:<8} {body}", i + 1, s.item.to_string())
}

fn divergence(loc: &Locator, path: &Path, e: &ReplayError) -> String {
    let ReplayError::Diverged {
        step,
        wanted,
        why,
        at,
        enabled,
    } = e
    else {
        return format!("error: the schedule does not fit {}: {e}", path.display());
    };
    let mut out = format!(
        "error: the schedule does not fit {} at step {step}\n  the token asks for `{wanted}`: {}\n  but {why}",
        path.display(),
        wanted.describe()
    );
    if let Some((name, site)) = at {
        let l = loc.site(*site, None);
        out.push_str(&format!(
            "\n  {name} is at {}:{}  {}",
            l.line, l.col, l.text
        ));
    }
    out.push_str(&format!("\n  enabled at step {step}:"));
    if enabled.is_empty() {
        out.push_str(" nothing (every goroutine is blocked or has ended)");
    }
    for c in enabled {
        let at = c
            .site
            .map(|s| {
                let l = loc.site(s, None);
                format!("{}:{}  {}", l.line, l.col, l.text)
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "\n    {:<8} {:<14} {at}  ({})",
            format!("`{}`", c.item),
            c.goroutine.as_deref().unwrap_or("timer"),
            c.action
        ));
    }
    out.push_str("\n  (was the scenario edited since the token was made?)");
    out
}

/// Replays `token` on the scenario in `path`.
pub fn run(path: &Path, token: &str, args: &LoadArgs, step: bool, graph: Option<&Path>) -> Exit {
    let Some((file, prog)) = check::load(path, args) else {
        return Exit::BadInput;
    };
    let items = match token::decode(token) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let loc = Locator {
        file: &file,
        prog: &prog,
    };
    let mut r = match Replayer::new(&prog) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return Exit::BadInput;
        }
    };
    let text = args.format == Format::Text;
    let interactive = step && std::io::stdin().is_terminal();
    if text {
        println!(
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
                if text {
                    let s = s.clone();
                    println!("{}", step_line(&loc, &r, i, &s));
                    let _ = std::io::stdout().flush();
                }
            }
            Err(e) => {
                eprintln!("{}", divergence(&loc, path, &e));
                return Exit::BadInput;
            }
        }
    }
    let trace = r.finish();
    let display = path.display().to_string();
    let report = replay_report(&loc, &display, &trace, &args.report_options());
    match args.format {
        Format::Text => print!(
            "{}",
            weft_reports::text::render_replay(&report, args.style())
        ),
        Format::Json => println!("{}", weft_reports::json::render_replay(&report)),
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
