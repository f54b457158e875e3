//! `weft replay`: re-execute one schedule, strictly.

use std::path::Path;

use weft_checker::report::Locator;
use weft_checker::{schedule, trace};

use super::{check, Exit, Format, LoadArgs};

/// Replays `token` on the scenario in `path`.
pub fn run(path: &Path, token: &str, args: &LoadArgs) -> Exit {
    let Some((file, prog)) = check::load(path, args) else {
        return Exit::BadInput;
    };
    let steps = match schedule::decode(token) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let tr = match trace::replay(&prog, &steps) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: the schedule does not fit {}: {e}", path.display());
            return Exit::BadInput;
        }
    };
    let loc = Locator {
        file: &file,
        prog: &prog,
    };
    if args.format == Format::Text {
        for (i, s) in tr.steps.iter().enumerate() {
            let who = s.goroutine.as_ref().map_or("timer".into(), |g| tr.name(g));
            let at = s
                .site
                .map(|site| {
                    let l = loc.site(site, None);
                    format!("{}:{}  {}", l.line, l.col, l.text)
                })
                .unwrap_or_default();
            println!("{:>3}. {who:<12} {at}  ({})", i + 1, s.action);
        }
    }
    let mut bug = false;
    if let Some(f) = &tr.failure {
        let l = loc.site(f.site, None);
        bug = true;
        if args.format == Format::Text {
            println!(
                "{} at {}:{} in {}",
                f.message,
                l.line,
                l.col,
                tr.name(&f.goroutine)
            );
        } else {
            println!(
                "{}",
                serde_json::json!({"schema_version": 1, "kind": match f.kind {
                    weft_checker::semantics::FailureKind::Assert => "assert",
                    _ => "panic" }, "message": f.message, "line": l.line, "col": l.col, "schedule": token})
            );
        }
    } else if args.format == Format::Text {
        for g in &tr.end {
            let l = loc.site(g.site, None);
            println!(
                "  {:<12} {:<8} {}:{}  {}",
                tr.name(&g.goroutine),
                if g.blocked { "blocked" } else { "runnable" },
                l.line,
                l.col,
                l.text
            );
            bug |= g.blocked;
        }
    }
    if bug {
        Exit::Mismatch
    } else {
        Exit::AsExpected
    }
}
