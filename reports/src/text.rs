//! The terminal report: a header per bug, the schedule as a swim-lane
//! table (one column per goroutine, one row per step), the state at the
//! end with who waits for whom, and the command that replays it.

use std::fmt::Write;

use crate::view::{
    Action, Behavior, BugView, DivergenceView, GoroutineView, ReplayReport, ReplayStepView, Role,
    ScenarioReport, StepView, SwitchMark,
};
use crate::words;

/// Terminal styling and layout.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Width to fit, in columns.
    pub width: usize,
    /// Show timing and state counts (hidden in snapshots: they vary).
    pub stats: bool,
    /// Show every counter of the search (`--stats`).
    pub detailed_stats: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            width: 120,
            stats: true,
            detailed_stats: false,
        }
    }
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color && !s.is_empty() {
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
    fn yellow(&self, s: &str) -> String {
        self.paint("33;1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &str, w: usize) -> String {
    let n = width(s);
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Splits `s` at its top-level commas inside the first parenthesis:
/// `Recv(chan: "ch", body: [...])` gives `Recv(`, the arguments and `)`.
fn split_args(s: &str) -> Option<(String, Vec<String>)> {
    let open = s.find('(')?;
    if !s.ends_with(')') {
        return None;
    }
    let inner = &s[open + 1..s.len() - 1];
    let mut args = Vec::new();
    let (mut depth, mut in_str, mut cur) = (0i32, false, String::new());
    for c in inner.chars() {
        match c {
            '"' => in_str = !in_str,
            '(' | '[' | '{' if !in_str => depth += 1,
            ')' | ']' | '}' if !in_str => depth -= 1,
            ',' if !in_str && depth == 0 => {
                args.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        args.push(cur.trim().to_string());
    }
    Some((s[..=open].to_string(), args))
}

/// Collapses bracketed blocks to `[…]`.
fn collapse_blocks(s: &str) -> String {
    let mut out = String::new();
    let (mut depth, mut in_str) = (0, false);
    for c in s.chars() {
        if c == '"' && depth == 0 {
            in_str = !in_str;
        }
        if !in_str && c == '[' {
            depth += 1;
            if depth == 1 {
                out.push_str("[…");
            }
            continue;
        }
        if !in_str && c == ']' && depth > 0 {
            depth -= 1;
            if depth == 0 {
                out.push(']');
            }
            continue;
        }
        if depth == 0 {
            out.push(c);
        }
    }
    out
}

/// Abbreviates an operation as written to `w` columns: blocks first
/// (`Go(body: […])`), then trailing arguments (`After(duration: 1, …)`),
/// then a plain cut.
pub fn abbreviate(op: &str, w: usize) -> String {
    if width(op) <= w {
        return op.to_string();
    }
    let short = collapse_blocks(op);
    if width(&short) <= w {
        return short;
    }
    if let Some((head, args)) = split_args(&short) {
        for keep in (1..args.len()).rev() {
            let s = format!("{head}{}, …)", args[..keep].join(", "));
            if width(&s) <= w {
                return s;
            }
        }
        let s = format!("{head}…)");
        if width(&s) <= w {
            return s;
        }
    }
    truncate(&short, w)
}

/// Word-wraps `text` to `w` columns; lines after the first are indented by
/// `indent` spaces.
fn wrap(text: &str, w: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let limit = if lines.is_empty() { w } else { w - indent };
        if !cur.is_empty() && width(&cur) + 1 + width(word) > limit {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l
            } else {
                format!("{}{l}", " ".repeat(indent))
            }
        })
        .collect()
}

fn suffix(s: &StepView) -> String {
    if let Some(p) = &s.partner {
        return format!(" ⇒ {}", p.goroutine);
    }
    match &s.action {
        Action::SelectCase(n) | Action::SelectCaseHandedOver(n) => format!(" → case {n}"),
        Action::SelectDefault => " → default".into(),
        Action::Choice(n) => format!(" → choice {n}"),
        Action::LockReadersGone => " (readers gone)".into(),
        Action::WakeAndRelock => " (relock)".into(),
        a @ (Action::Read | Action::Len) => format!(" ({a})"),
        Action::Send
        | Action::Receive
        | Action::Close
        | Action::Lock
        | Action::Unlock
        | Action::TryLock
        | Action::ReadLock
        | Action::ReadUnlock
        | Action::Add
        | Action::Wait
        | Action::Signal
        | Action::Broadcast
        | Action::OnceDo
        | Action::OnceDoReturns
        | Action::Cancel
        | Action::CtxErr
        | Action::StopTimer
        | Action::ResetTimer
        | Action::Write
        | Action::Delete
        | Action::AtomicLoad
        | Action::AtomicStore
        | Action::AtomicAdd
        | Action::CompareAndSwap
        | Action::Go
        | Action::Panic
        | Action::Assert
        | Action::Sleep
        | Action::Make
        | Action::Local
        | Action::SendHandedOver
        | Action::SendTo(_)
        | Action::TimerFires
        | Action::TickerTicks
        | Action::DeadlineExpires => String::new(),
    }
}

/// A cell: `line:col op` and a suffix, fitted to `w` columns.
fn cell(line: u32, col: u32, op: &str, suffix: &str, w: usize) -> String {
    let place = format!("{line}:{col} ");
    let room = w.saturating_sub(width(&place) + width(suffix)).max(6);
    truncate(&format!("{place}{}{suffix}", abbreviate(op, room)), w)
}

fn marker(s: &StepView) -> &'static str {
    if s.failing {
        "✗"
    } else {
        match s.switch {
            SwitchMark::Preemption => "↯",
            SwitchMark::Switch => "»",
            SwitchMark::None => " ",
        }
    }
}

/// Rows of the table: steps and folds of irrelevant steps.
enum Row<'a> {
    Step(&'a StepView),
    Fold(Vec<&'a StepView>),
}

fn rows(b: &BugView) -> Vec<Row<'_>> {
    let mut out: Vec<Row> = Vec::new();
    for s in &b.steps {
        if s.relevant || s.failing {
            out.push(Row::Step(s));
        } else if let Some(Row::Fold(v)) = out.last_mut() {
            v.push(s);
        } else {
            out.push(Row::Fold(vec![s]));
        }
    }
    out
}

fn fold_text(v: &[&StepView]) -> String {
    let mut who: Vec<&str> = v.iter().map(|s| s.goroutine.as_str()).collect();
    who.dedup();
    who.sort_unstable();
    who.dedup();
    format!(
        "⋮ {} step{} of {} folded: not related to the bug",
        v.len(),
        if v.len() == 1 { "" } else { "s" },
        who.join(", ")
    )
}

/// The end row's cell of a goroutine, fitted to `w` columns.
fn end_cell(g: &GoroutineView, pending: Option<&str>, w: usize) -> String {
    let prefix = match pending {
        Some(role) => role.to_string(),
        None => g.status.to_string(),
    };
    match &g.at {
        Some(at) => cell(
            at.line,
            at.col,
            &at.text,
            "",
            w.saturating_sub(width(&prefix) + 1),
        )
        .split_once(' ')
        .map_or_else(String::new, |(place, op)| format!("{prefix} {place} {op}")),
        None => prefix,
    }
}

fn pending_role(b: &BugView, lane: usize) -> Option<&'static str> {
    b.pending
        .iter()
        .find(|p| p.lane == lane)
        .map(|p| match p.role {
            Role::Races => "✗ races",
            Role::Blocked => "✗ blocked",
        })
}

fn table(out: &mut String, b: &BugView, style: Style) {
    let n = b.lanes.len().max(1);
    let indent = 4;
    let gutter = 6; // "  ↯ 12" then " │"
    let avail = style.width.saturating_sub(indent + gutter);
    let share = avail / n;
    if share < 17 {
        return list(out, b, style);
    }
    // Cell width: what the content needs, at most the fair share.
    let mut need: Vec<usize> = b.lanes.iter().map(|l| width(&l.goroutine)).collect();
    need.resize(n, 0);
    for s in &b.steps {
        if let Some(l) = s.lane {
            need[l] = need[l].max(width(&format!(
                "{}:{} {}{}",
                s.line,
                s.col,
                s.op,
                suffix(s)
            )));
        }
        if let Some(p) = &s.partner {
            let back = format!("{}:{} {} ⇐ {}", p.line, p.col, p.op, s.goroutine);
            need[p.lane] = need[p.lane].max(width(&back));
        }
    }
    for (l, g) in b.goroutines.iter().enumerate().take(n) {
        need[l] = need[l].max(width(&end_cell(g, pending_role(b, l), 200)));
    }
    let cw: Vec<usize> = need
        .iter()
        .map(|&w| w.clamp(8, (share - 3).min(44)))
        .collect();
    let line = |cells: &[String], gut: &str| {
        let mut s = format!("{}{gut} │", " ".repeat(indent));
        for (i, c) in cells.iter().enumerate() {
            let last = i + 1 == cells.len();
            if last {
                s.push_str(&format!(" {}", c.trim_end()));
            } else {
                s.push_str(&format!(" {} │", pad(c, cw[i])));
            }
        }
        s.trim_end().to_string()
    };
    let header: Vec<String> = b.lanes.iter().map(|l| l.goroutine.clone()).collect();
    let _ = writeln!(out, "{}", style.bold(&line(&header, "  step")));
    let mut rule = format!("{}───────┼", " ".repeat(indent));
    for (i, w) in cw.iter().enumerate() {
        rule.push_str(&"─".repeat(w + 2));
        if i + 1 < cw.len() {
            rule.push('┼');
        }
    }
    let _ = writeln!(out, "{rule}");
    for row in rows(b) {
        match row {
            Row::Fold(v) => {
                let _ = writeln!(
                    out,
                    "{}",
                    style.dim(&format!("{}       │ {}", " ".repeat(indent), fold_text(&v)))
                );
            }
            Row::Step(s) => {
                let gut = format!("  {} {:>2}", marker(s), s.index);
                let text = match s.lane {
                    None => {
                        let made = if s.line > 0 {
                            format!(" (made at {}:{} {})", s.line, s.col, abbreviate(&s.op, 30))
                        } else {
                            String::new()
                        };
                        let t = format!("{}{gut} │ ⏲ {}{made}", " ".repeat(indent), s.action);
                        truncate(&t, style.width)
                    }
                    Some(l) => {
                        let mut cells = vec![String::new(); n];
                        cells[l] = cell(s.line, s.col, &s.op, &suffix(s), cw[l]);
                        if let Some(p) = &s.partner {
                            let back = format!(" ⇐ {}", s.goroutine);
                            cells[p.lane] = cell(p.line, p.col, &p.op, &back, cw[p.lane]);
                        }
                        line(&cells, &gut)
                    }
                };
                let text = if s.failing {
                    style.red(&text)
                } else if s.switch == SwitchMark::Preemption {
                    // Only the marker is coloured.
                    text.replacen('↯', &style.yellow("↯"), 1)
                } else {
                    text
                };
                let _ = writeln!(out, "{text}");
            }
        }
    }
    // The end row: every goroutine's fate; the bug's own operations stand out.
    let cells: Vec<String> = b
        .goroutines
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, g)| end_cell(g, pending_role(b, i), cw[i]))
        .collect();
    let mut end = line(&cells, "   end");
    if !b.pending.is_empty() {
        end = end.replace("✗ races", &style.red("✗ races"));
        end = end.replace("✗ blocked", &style.red("✗ blocked"));
    }
    let _ = writeln!(out, "{end}");
}

/// The fallback layout when the lanes would not fit: one line per step.
fn list(out: &mut String, b: &BugView, style: Style) {
    let who = b
        .lanes
        .iter()
        .map(|l| width(&l.goroutine))
        .max()
        .unwrap_or(4)
        .max(5);
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!("      step {}  operation", pad("goroutine", who)))
    );
    for row in rows(b) {
        match row {
            Row::Fold(v) => {
                let _ = writeln!(
                    out,
                    "{}",
                    style.dim(&format!("           {}", fold_text(&v)))
                );
            }
            Row::Step(s) => {
                let room = style.width.saturating_sub(14 + who);
                let op = if s.lane.is_none() {
                    format!("⏲ {}", s.action)
                } else {
                    let mut c = cell(s.line, s.col, &s.op, &suffix(s), room);
                    if let Some(p) = &s.partner {
                        c = truncate(&format!("{c} ({}:{} {})", p.line, p.col, p.op), room);
                    }
                    c
                };
                let t = format!(
                    "    {} {:>4} {}  {op}",
                    marker(s),
                    s.index,
                    pad(&s.goroutine, who)
                );
                let _ = writeln!(out, "{}", if s.failing { style.red(&t) } else { t });
            }
        }
    }
    for g in &b.goroutines {
        let t = format!(
            "      end {}  {}",
            pad(&g.goroutine, who),
            end_cell(g, None, style.width.saturating_sub(12 + who))
        );
        let _ = writeln!(out, "{}", truncate(&t, style.width));
    }
}

fn section(out: &mut String, title: &str, lines: &[String], style: Style) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "    {}", style.bold(title));
    for l in lines {
        for w in wrap(l, style.width - 6, 4) {
            let _ = writeln!(out, "      {w}");
        }
    }
}

/// Renders one bug: header, schedule table, end state, replay command.
pub fn bug(out: &mut String, b: &BugView, style: Style) {
    let _ = writeln!(
        out,
        "  {} {}",
        style.red(&format!("✗ {}:", b.kind)),
        b.message
    );
    let who = b
        .goroutine
        .as_ref()
        .map(|g| format!(" in {g}"))
        .unwrap_or_default();
    let head = format!(
        "    {} ({}, {}) at {}:{}{who}  ",
        b.title,
        b.taxonomy.behavior,
        b.taxonomy.cause.words(),
        b.location.line,
        b.location.col,
    );
    let room = style.width.saturating_sub(width(&head)).max(12);
    let _ = writeln!(out, "{head}{}", abbreviate(&b.location.text, room));
    for r in &b.related {
        let _ = writeln!(
            out,
            "    and {}:{}  {}",
            r.line,
            r.col,
            abbreviate(&r.text, 70)
        );
    }
    for l in wrap(
        &format!("schedule {}  {}", b.schedule, b.minimality.note),
        style.width - 4,
        4,
    ) {
        let _ = writeln!(out, "    {l}");
    }
    let _ = writeln!(out);
    table(out, b, style);
    let _ = writeln!(
        out,
        "{}",
        style.dim("      » context switch   ↯ preemption   ✗ the bug   ⏲ timer")
    );
    let _ = writeln!(out);
    let waits: Vec<String> = b
        .goroutines
        .iter()
        .filter_map(|g| {
            g.waiting
                .as_ref()
                .map(|w| format!("{} {}", g.goroutine, w.why))
        })
        .collect();
    if b.taxonomy.behavior == Behavior::Blocking {
        section(out, "blocked at the end", &waits, style);
    }
    if !b.wait_for.cycle.is_empty() {
        let mut lines: Vec<String> = b
            .wait_for
            .cycle
            .iter()
            .filter_map(|&i| b.wait_for.edges.get(i).map(|e| e.label.clone()))
            .collect();
        if let Some(first) = b
            .wait_for
            .cycle
            .first()
            .and_then(|&i| b.wait_for.edges.get(i))
        {
            lines.push(format!("↺ back to {}", first.from));
        }
        section(out, "wait-for cycle", &lines, style);
    }
    section(out, "why", &b.explanation, style);
    let _ = writeln!(out, "    {} {}", style.bold("reproduce:"), b.reproduce);
    let _ = writeln!(out);
}

fn header(out: &mut String, r: &ScenarioReport, style: Style) {
    let _ = writeln!(out, "{}  {}", style.bold(&r.scenario), style.dim(&r.file));
    if let Some(s) = &r.summary {
        for l in wrap(s, style.width - 2, 2) {
            let _ = writeln!(out, "  {}", style.dim(&l));
        }
    }
    if let Some(o) = &r.origin {
        let _ = writeln!(out, "  {}", style.dim(&format!("origin: {o}")));
    }
    if !r.bugs.is_empty() {
        let _ = writeln!(out);
    }
}

/// Renders one scenario's result.
pub fn render(r: &ScenarioReport, style: Style) -> String {
    let mut out = String::new();
    header(&mut out, r, style);
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
        r.expect
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mark = if r.expected_met {
        style.green("as expected")
    } else {
        style.red(&format!("UNEXPECTED (expected {expected})"))
    };
    let stats = if style.stats {
        format!(
            "  {}",
            style.dim(&format!(
                "[{} states, {} transitions, {:.3}s]",
                r.stats.states, r.stats.transitions, r.stats.seconds
            ))
        )
    } else {
        String::new()
    };
    let _ = writeln!(out, "  {verdict} — {mark}{stats}");
    if style.detailed_stats {
        let st = &r.stats;
        let runs = st.complete_runs.map_or_else(
            || "complete runs: n/a (cyclic or cut)".to_string(),
            |n| format!("{n} complete runs"),
        );
        let rate = if st.seconds > 0.0 {
            format!("{:.0} states/s", st.states as f64 / st.seconds)
        } else {
            "- states/s".to_string()
        };
        let peak = st
            .peak_resident_bytes
            .map(|b| format!(", peak RSS {:.1} MB", b as f64 / 1e6))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  stats: {} states ({} distinct), {} transitions, {runs}, max depth {}, reduction {}, {:.3}s, {rate}, {} bytes/state stored{peak}",
            st.states, st.distinct_states, st.transitions, st.max_depth, st.reduction, st.seconds, st.bytes_per_state
        );
    }
    if !r.growth.is_empty() {
        let _ = writeln!(out, "  {}:", style.yellow(words::GROWTH_HEADING));
        for g in &r.growth {
            for l in wrap(&g.sentence, style.width - 4, 4) {
                let _ = writeln!(out, "    {l}");
            }
        }
    }
    out
}

/// Renders the end of a replay: the bugs the run shows.
pub fn render_replay(r: &ReplayReport, style: Style) -> String {
    let mut out = String::new();
    let steps = format!("{} step{}", r.steps, if r.steps == 1 { "" } else { "s" });
    let cut = r.bound.as_deref().map(words::replay_cut);
    if r.bugs.is_empty() {
        match &cut {
            None => {
                let _ = writeln!(out, "  {} after {steps}", style.green("no bug"));
            }
            Some(cut) => {
                let _ = writeln!(out, "  no bug found after {steps}; {cut}");
            }
        }
        return out;
    }
    let _ = writeln!(out);
    for b in &r.bugs {
        bug(&mut out, b, style);
    }
    if let Some(cut) = cut {
        let _ = writeln!(out, "  {cut}");
    }
    out
}

/// One step of `weft replay`, as it happens.
pub fn replay_step(s: &ReplayStepView) -> String {
    let mark = match (s.failing, s.switch) {
        (true, _) => "✗",
        (false, SwitchMark::Preemption) => "↯",
        (false, SwitchMark::Switch) => "»",
        (false, SwitchMark::None) => " ",
    };
    let body = match &s.mover {
        Some((name, l)) => {
            let partner = s
                .partner
                .as_ref()
                .map(|(p, pl)| format!(" ⇒ {p} at {}:{} {}", pl.line, pl.col, pl.text))
                .unwrap_or_default();
            format!(
                "{name:<14} {}:{}  {}  ({}){partner}",
                l.line, l.col, l.text, s.action
            )
        }
        None => format!("{:<14} {}", words::TIMER, s.action),
    };
    format!("  {mark} {:>3}. {:<8} {body}", s.index, s.item)
}

/// Why a schedule does not fit its scenario, and what it could do instead.
pub fn divergence(d: &DivergenceView) -> String {
    let mut out = format!(
        "error: the schedule does not fit {} at step {}\n  the token asks for `{}`: {}\n  but {}",
        d.file, d.step, d.wanted, d.asks, d.why
    );
    if let Some((name, l)) = &d.at {
        out.push_str(&format!(
            "\n  {name} is at {}:{}  {}",
            l.line, l.col, l.text
        ));
    }
    out.push_str(&format!("\n  enabled at step {}:", d.step));
    if d.enabled.is_empty() {
        out.push_str(" nothing (every goroutine is blocked or has ended)");
    }
    for c in &d.enabled {
        let at =
            c.at.as_ref()
                .map(|l| format!("{}:{}  {}", l.line, l.col, l.text))
                .unwrap_or_default();
        out.push_str(&format!(
            "\n    {:<8} {:<14} {at}  ({})",
            format!("`{}`", c.item),
            c.goroutine.as_deref().unwrap_or(words::TIMER),
            c.action
        ));
    }
    out.push_str("\n  (was the scenario edited since the token was made?)");
    out
}

/// A schedule that could not be replayed for another reason than a
/// divergence (it goes on after a crash, the scenario fails at start).
pub fn replay_failure(file: &str, message: &str) -> String {
    format!("error: the schedule does not fit {file}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_keep_the_operation_recognisable() {
        assert_eq!(abbreviate("Send(\"ch\", 1)", 20), "Send(\"ch\", 1)");
        assert_eq!(
            abbreviate("Go(body: [Send(\"ch\", 1), Recv(\"x\")])", 20),
            "Go(body: […])"
        );
        assert_eq!(
            abbreviate("After(duration: 1, body: [Return])", 24),
            "After(duration: 1, …)"
        );
        assert_eq!(abbreviate("Either([[Return], []])", 12), "Either([…])");
        assert_eq!(
            abbreviate("Lock(\"a-very-long-mutex-name\")", 12),
            "Lock(…)"
        );
        assert_eq!(width(&abbreviate("x".repeat(50).as_str(), 10)), 10);
    }

    #[test]
    fn wrapping_indents_continuations() {
        assert_eq!(
            wrap("aaa bbb ccc ddd", 8, 2),
            vec!["aaa bbb", "  ccc", "  ddd"]
        );
    }
}
