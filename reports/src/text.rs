//! The terminal report.

use std::fmt::Write;

use crate::view::{BugView, ScenarioReport};

/// Terminal styling.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn red(&self, s: &str) -> String {
        self.paint("31;1", s)
    }
    fn green(&self, s: &str) -> String {
        self.paint("32;1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

fn clip(s: &str, n: usize) -> String {
    let first = s.lines().next().unwrap_or("").trim();
    if first.chars().count() <= n {
        first.to_string()
    } else {
        let mut t: String = first.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn bug(out: &mut String, b: &BugView, style: Style) {
    let _ = writeln!(
        out,
        "  {} {}",
        style.red(&format!("{}:", b.kind)),
        b.message
    );
    let _ = writeln!(
        out,
        "    at {}:{}  {}",
        b.location.line,
        b.location.col,
        clip(&b.location.text, 70)
    );
    for r in &b.related {
        let _ = writeln!(out, "    and {}:{}  {}", r.line, r.col, clip(&r.text, 70));
    }
    let _ = writeln!(out, "    schedule {}", b.schedule);
    let width = b
        .steps
        .iter()
        .map(|s| s.goroutine.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    for s in &b.steps {
        let place = if s.line == 0 {
            String::new()
        } else {
            format!("{}:{}", s.line, s.col)
        };
        let partner = s
            .partner
            .as_ref()
            .map(|p| format!(" → {p}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    {:>3}. {:<width$}  {:<8} {} {}{}",
            s.index,
            s.goroutine,
            place,
            clip(&s.op, 48),
            style.dim(&format!("({})", s.action)),
            partner
        );
    }
    if !b.goroutines.is_empty() {
        let _ = writeln!(out, "    at the end:");
        for g in &b.goroutines {
            let _ = writeln!(
                out,
                "      {:<width$}  {:<8} {:<8} {}",
                g.goroutine,
                g.status,
                format!("{}:{}", g.at.line, g.at.col),
                clip(&g.at.text, 48)
            );
        }
    }
}

/// Renders one scenario's result.
pub fn render(r: &ScenarioReport, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", style.bold(&r.scenario), style.dim(&r.file));
    for b in &r.bugs {
        bug(&mut out, b, style);
    }
    let found = r.found_kinds();
    let verdict = match (r.bugs.is_empty(), r.complete) {
        (true, true) => "verified: no bug in any schedule".to_string(),
        (true, false) => format!(
            "incomplete (bounded by {}): no bug found in {} states",
            r.bound.as_deref().unwrap_or("a bound"),
            r.stats.states
        ),
        (false, complete) => format!(
            "{} bug{} found ({}){}",
            r.bugs.len(),
            if r.bugs.len() == 1 { "" } else { "s" },
            found.join(", "),
            if complete {
                String::new()
            } else {
                format!(
                    "; search incomplete (bounded by {})",
                    r.bound.as_deref().unwrap_or("a bound")
                )
            }
        ),
    };
    let expected = if r.expect.is_empty() {
        "clean".to_string()
    } else {
        r.expect.join(", ")
    };
    let mark = if r.expected_met {
        style.green("as expected")
    } else {
        style.red(&format!("UNEXPECTED (expected {expected})"))
    };
    let _ = writeln!(
        out,
        "  {verdict} — {mark}  {}",
        style.dim(&format!(
            "[{} states, {} transitions, {:.3}s]",
            r.stats.states, r.stats.transitions, r.stats.seconds
        ))
    );
    out
}
