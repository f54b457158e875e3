//! The terminal report: a header per bug, the schedule as a swim-lane
//! table (one column per goroutine, one row per step), the state at the
//! end with who waits for whom, and the command that replays it.

use std::fmt::Write;

use crate::view::{
    Action, Behavior, BugView, DivergenceView, Expectation, GoroutineStatus, GoroutineView,
    ReplayReport, ReplayStepView, Role, ScenarioReport, StepView, SwitchMark,
};
use crate::words;

/// Terminal styling and layout.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Width to fit, in columns (at least [`MIN_WIDTH`] is used).
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
            width: DEFAULT_WIDTH,
            stats: true,
            detailed_stats: false,
        }
    }
}

impl Style {
    /// The width laid out for: `width`, but never under [`MIN_WIDTH`].
    pub fn width(&self) -> usize {
        self.width.max(MIN_WIDTH)
    }

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

/// Whether the inside of a bracket is a list of plain values (`0, 1`,
/// `"stop"`), which says what it says in few columns, rather than a block
/// of statements.
fn is_value_list(inner: &str) -> bool {
    let mut items = Vec::new();
    let (mut in_str, mut cur) = (false, String::new());
    for c in inner.chars() {
        match c {
            '"' => {
                in_str = !in_str;
                cur.push(c);
            }
            ',' if !in_str => items.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    items.push(cur);
    items.iter().map(|i| i.trim()).all(|i| {
        i.is_empty()
            || i == "true"
            || i == "false"
            || i.strip_prefix('-')
                .unwrap_or(i)
                .chars()
                .all(|c| c.is_ascii_digit())
            || (i.len() >= 2
                && i.starts_with('"')
                && i.ends_with('"')
                && !i[1..i.len() - 1].contains('"'))
    })
}

/// Collapses bracketed statement blocks to `[…]` (an empty one stays
/// `[]`, a list of plain values stays as it is).
fn collapse_blocks(s: &str) -> String {
    let mut out = String::new();
    let (mut depth, mut in_str) = (0, false);
    let mut inner = String::new();
    for c in s.chars() {
        if c == '"' {
            in_str = !in_str;
        }
        if !in_str && c == '[' {
            depth += 1;
            if depth == 1 {
                inner.clear();
                continue;
            }
        }
        if !in_str && c == ']' && depth > 0 {
            depth -= 1;
            if depth == 0 {
                if is_value_list(&inner) {
                    out.push_str(&format!("[{inner}]"));
                } else {
                    out.push_str("[…]");
                }
                continue;
            }
        }
        if depth == 0 {
            out.push(c);
        } else {
            inner.push(c);
        }
    }
    if depth > 0 {
        // Unbalanced: keep what is there.
        out.push('[');
        out.push_str(&inner);
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
/// `indent` spaces. A word wider than a line stays whole (a schedule token
/// is copied, not read).
fn wrap(text: &str, w: usize, indent: usize) -> Vec<String> {
    let w = w.max(1);
    let indent = if indent * 2 > w { 0 } else { indent };
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
            let l = l.trim_end();
            if i == 0 {
                l.to_string()
            } else {
                format!("{}{l}", " ".repeat(indent))
            }
        })
        .collect()
}

/// Joins words that must stay on one line (`✗ blocked`, `→ case 2`): a
/// non-breaking space, printed as a space.
const GLUE: char = '\u{a0}';

fn glued(s: &str) -> String {
    s.replace(' ', &GLUE.to_string())
}

/// Breaks `text` into lines of at most `w` columns, losing nothing: at
/// spaces, else after `(` or `,`, and inside a word only when the word
/// alone is wider than a line. Lines after the first are indented by
/// `indent` spaces. Glued words stay together where they fit.
fn fold(text: &str, w: usize, indent: usize) -> Vec<String> {
    let w = w.max(1);
    let indent = if indent * 2 > w { 0 } else { indent };
    // Pieces that may end a line, each with whether a space follows it.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            ' ' => pieces.push((std::mem::take(&mut cur), true)),
            '(' | ',' => {
                cur.push(c);
                pieces.push((std::mem::take(&mut cur), false));
            }
            _ => cur.push(c),
        }
    }
    pieces.push((cur, false));
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // The end of `line` since its last space: a word broken after `(` or
    // `,` so far, moved whole to the next line when that keeps it whole.
    let mut word = String::new();
    let mut space_before = false;
    for (piece, space_after) in pieces {
        let limit = if lines.is_empty() { w } else { w - indent };
        let sep = usize::from(space_before && !line.is_empty());
        if sep == 1 {
            word.clear();
        }
        if width(&line) + sep + width(&piece) <= limit {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(&piece);
            word.push_str(&piece);
        } else {
            let next = w - indent;
            let carry =
                !word.is_empty() && word.len() < line.len() && width(&word) + width(&piece) <= next;
            if carry {
                line.truncate(line.len() - word.len());
                let kept = line.trim_end().to_string();
                lines.push(kept);
                line = std::mem::take(&mut word);
            } else if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                word.clear();
            }
            let mut rest: Vec<char> = line.chars().chain(piece.chars()).collect();
            loop {
                let limit = if lines.is_empty() { w } else { w - indent };
                if rest.len() <= limit {
                    line = rest.into_iter().collect();
                    break;
                }
                // Inside a word, after a `_`, `-` or `.` in the second
                // half of the line if there is one.
                let cut = (limit / 2..limit)
                    .rev()
                    .find(|&i| matches!(rest[i], '_' | '-' | '.'))
                    .map_or(limit, |i| i + 1);
                lines.push(rest.drain(..cut).collect());
            }
            word.clone_from(&line);
        }
        space_before = space_after;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let l = l.trim_end().replace(GLUE, " ");
            if i == 0 {
                l
            } else {
                format!("{}{l}", " ".repeat(indent))
            }
        })
        .collect()
}

/// `text` folded to `w` columns, with the statement blocks of `op`
/// collapsed to `[…]` when the whole does not fit on one line (the
/// statements inside show up as steps of their own).
fn fold_op(before: &str, op: &str, after: &str, w: usize, indent: usize) -> Vec<String> {
    let whole = format!("{before}{op}{after}");
    if width(&whole) <= w {
        return vec![whole.replace(GLUE, " ")];
    }
    fold(
        &format!("{before}{}{after}", collapse_blocks(op)),
        w,
        indent,
    )
}

fn suffix(s: &StepView) -> String {
    let mut out = action_suffix(s);
    let locals = words::locals(&s.locals);
    if !locals.is_empty() {
        out.push_str(&format!(" [{locals}]"));
    }
    if let Some(p) = s.partner.as_ref().filter(|p| !p.locals.is_empty()) {
        out.push_str(&format!(" [{}: {}]", p.goroutine, words::locals(&p.locals)));
    }
    out
}

fn action_suffix(s: &StepView) -> String {
    if let Some(p) = &s.partner {
        return format!(" ⇒ {}", p.goroutine);
    }
    if let Some(c) = &s.chosen {
        return format!(" → {}", c.sentence);
    }
    match &s.action {
        Action::SelectCase(n) | Action::SelectCaseHandedOver(n) => format!(" → case {n}"),
        Action::SelectDefault => " → default".into(),
        Action::Choice(n) => format!(" → choice {n}"),
        Action::RangeMap(n) => format!(" → range choice {n}"),
        Action::LockReadersGone => " (readers gone)".into(),
        Action::WakeAndRelock => " (relock)".into(),
        Action::WaitWoken => " (woken)".into(),
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
        | Action::AfterFunc
        | Action::Append
        | Action::CallbackTrigger
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

/// How far a cell's continuation lines are indented.
fn cell_indent(w: usize) -> usize {
    if w >= 16 {
        2
    } else {
        0
    }
}

/// A cell: `prefix line:col op suffix`, folded to `w` columns.
fn cell(prefix: &str, line: u32, col: u32, op: &str, suffix: &str, w: usize) -> Vec<String> {
    let before = if prefix.is_empty() {
        format!("{line}:{col} ")
    } else {
        format!("{} {line}:{col} ", glued(prefix))
    };
    let after = match suffix.trim_start() {
        "" => String::new(),
        s => format!(" {}", glued(s)),
    };
    fold_op(&before, op, &after, w, cell_indent(w))
}

/// What a cell says on one line, its statement blocks collapsed, to
/// measure the width it would like: a block's statements are steps of
/// their own, so they are shown whole only where there is room to spare.
fn cell_width(prefix: &str, line: u32, col: u32, op: &str, suffix: &str) -> usize {
    let p = if prefix.is_empty() {
        0
    } else {
        width(prefix) + 1
    };
    p + width(&format!("{line}:{col} {}{suffix}", collapse_blocks(op)))
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

/// The end row's word for a goroutine: its part in the bug, else its
/// status.
/// The end cell's words: the goroutine's status (the JSON's), marked `✗`
/// when its pending operation is part of the bug; a racing access, about
/// to happen, says `races` for `runnable`.
fn end_prefix(g: &GoroutineView, part: Option<Role>) -> String {
    let word = match (part, g.status) {
        (Some(Role::Races), GoroutineStatus::Runnable) => "races",
        (_, status) => status.as_str(),
    };
    match part {
        Some(_) => format!("✗ {word}"),
        None => word.to_string(),
    }
}

/// The end row's cell of a goroutine, folded to `w` columns.
fn end_cell(g: &GoroutineView, pending: Option<Role>, w: usize) -> Vec<String> {
    let prefix = end_prefix(g, pending);
    match &g.at {
        Some(at) => cell(&prefix, at.line, at.col, &at.text, "", w),
        None => fold(&glued(&prefix), w, 0),
    }
}

fn end_width(g: &GoroutineView, pending: Option<Role>) -> usize {
    let prefix = end_prefix(g, pending);
    match &g.at {
        Some(at) => cell_width(&prefix, at.line, at.col, &at.text, ""),
        None => width(&prefix),
    }
}

fn pending_role(b: &BugView, lane: usize) -> Option<Role> {
    b.pending.iter().find(|p| p.lane == lane).map(|p| p.role)
}

/// The narrowest a table column gets; below it the schedule is a list
/// (narrower cells would wrap most operations over three lines or more).
const MIN_CELL: usize = 16;

/// The narrowest width the report is laid out for.
pub const MIN_WIDTH: usize = 40;

/// The width the report fits when there is no terminal to measure and no
/// `COLUMNS`.
pub const DEFAULT_WIDTH: usize = 100;

/// Column widths: each column gets what it needs when everything fits;
/// otherwise the room is shared out fairly, the narrow columns keeping what
/// they need and the wide ones splitting the rest (their cells wrap).
fn shares(need: &[usize], avail: usize) -> Vec<usize> {
    let need: Vec<usize> = need.iter().map(|&w| w.max(MIN_CELL)).collect();
    if need.iter().sum::<usize>() <= avail {
        return need;
    }
    let mut order: Vec<usize> = (0..need.len()).collect();
    order.sort_by_key(|&i| need[i]);
    let mut out = vec![0; need.len()];
    let mut left = avail;
    for (k, &i) in order.iter().enumerate() {
        let fair = left / (need.len() - k);
        out[i] = need[i].min(fair);
        left -= out[i];
    }
    out
}

fn table(out: &mut String, b: &BugView, style: Style) {
    let n = b.lanes.len().max(1);
    let indent = 4;
    let digits = b.steps.len().max(1).to_string().len().max(2);
    // The gutter: "  ↯ 12"; then " │" and " cell │" per column.
    let gw = 4 + digits;
    let avail = style.width().saturating_sub(indent + gw + 3 * n);
    if avail < n * MIN_CELL {
        return list(out, b, style);
    }
    // Cell width: what the content needs, shared out when it does not fit.
    let mut need: Vec<usize> = b.lanes.iter().map(|l| width(&l.goroutine)).collect();
    need.resize(n, 0);
    for s in &b.steps {
        if let Some(l) = s.lane {
            need[l] = need[l].max(cell_width("", s.line, s.col, &s.op, &suffix(s)));
        }
        if let Some(p) = &s.partner {
            let back = format!(" ⇐ {}", s.goroutine);
            need[p.lane] = need[p.lane].max(cell_width("", p.line, p.col, &p.op, &back));
        }
    }
    for (l, g) in b.goroutines.iter().enumerate().take(n) {
        need[l] = need[l].max(end_width(g, pending_role(b, l)));
    }
    let cw = shares(&need, avail);
    let blank = " ".repeat(gw);
    // One row: its cells side by side, as many lines as its tallest cell.
    let row = |cells: &[Vec<String>], gut: &str| -> Vec<String> {
        let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (0..height)
            .map(|k| {
                let g = if k == 0 { gut } else { &blank };
                let mut s = format!("{}{g} │", " ".repeat(indent));
                for (i, c) in cells.iter().enumerate() {
                    let text = c.get(k).map_or("", String::as_str);
                    if i + 1 == cells.len() {
                        s.push_str(&format!(" {text}"));
                    } else {
                        s.push_str(&format!(" {} │", pad(text, cw[i])));
                    }
                }
                s.trim_end().to_string()
            })
            .collect()
    };
    // A line across the table (a timer, a fold), folded to its width.
    let across = |text: &str, gut: &str| -> Vec<String> {
        let room = style.width().saturating_sub(indent + gw + 3);
        fold(text, room, 2)
            .into_iter()
            .enumerate()
            .map(|(k, t)| {
                let g = if k == 0 { gut } else { &blank };
                format!("{}{g} │ {t}", " ".repeat(indent))
            })
            .collect()
    };
    let header: Vec<Vec<String>> = b
        .lanes
        .iter()
        .enumerate()
        .map(|(i, l)| fold(&l.goroutine, cw[i], 0))
        .collect();
    for l in row(&header, &format!("{:>gw$}", "step")) {
        let _ = writeln!(out, "{}", style.bold(&l));
    }
    let mut rule = format!("{}{}┼", " ".repeat(indent), "─".repeat(gw + 1));
    for (i, w) in cw.iter().enumerate() {
        if i + 1 < cw.len() {
            rule.push_str(&"─".repeat(w + 2));
            rule.push('┼');
        } else {
            rule.push_str(&"─".repeat(w + 1));
        }
    }
    let _ = writeln!(out, "{rule}");
    for r in rows(b) {
        match r {
            Row::Fold(v) => {
                for l in across(&fold_text(&v), &blank) {
                    let _ = writeln!(out, "{}", style.dim(&l));
                }
            }
            Row::Step(s) => {
                let gut = format!("  {} {:>digits$}", marker(s), s.index);
                let lines = match s.lane {
                    None => {
                        let made = if s.line > 0 {
                            format!(" (made at {}:{} {})", s.line, s.col, s.op)
                        } else {
                            String::new()
                        };
                        across(&format!("⏲ {}{made}", glued(&s.action.to_string())), &gut)
                    }
                    Some(l) => {
                        let mut cells = vec![Vec::new(); n];
                        cells[l] = cell("", s.line, s.col, &s.op, &suffix(s), cw[l]);
                        if let Some(p) = &s.partner {
                            let back = format!(" ⇐ {}", s.goroutine);
                            cells[p.lane] = cell("", p.line, p.col, &p.op, &back, cw[p.lane]);
                        }
                        row(&cells, &gut)
                    }
                };
                for (k, text) in lines.into_iter().enumerate() {
                    let text = if s.failing {
                        style.red(&text)
                    } else if k == 0 && s.switch == SwitchMark::Preemption {
                        // Only the marker is coloured.
                        text.replacen('↯', &style.yellow("↯"), 1)
                    } else {
                        text
                    };
                    let _ = writeln!(out, "{text}");
                }
            }
        }
    }
    // The end row: every goroutine's fate; the bug's own operations stand out.
    let cells: Vec<Vec<String>> = b
        .goroutines
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, g)| end_cell(g, pending_role(b, i), cw[i]))
        .collect();
    for mut end in row(&cells, &format!("{:>gw$}", "end")) {
        if !b.pending.is_empty() {
            end = end.replace("✗ races", &style.red("✗ races"));
            end = end.replace("✗ blocked", &style.red("✗ blocked"));
        }
        let _ = writeln!(out, "{end}");
    }
}

/// The fallback layout when the lanes would not fit: one line per step
/// (wrapped under its operation when long).
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
    let lead = 13 + who;
    let room = style.width().saturating_sub(lead).max(MIN_CELL);
    let under = " ".repeat(lead);
    for r in rows(b) {
        match r {
            Row::Fold(v) => {
                for l in wrap(&fold_text(&v), style.width().saturating_sub(11), 2) {
                    let _ = writeln!(out, "{}", style.dim(&format!("           {l}")));
                }
            }
            Row::Step(s) => {
                let op = if s.lane.is_none() {
                    fold(&format!("⏲ {}", glued(&s.action.to_string())), room, 2)
                } else {
                    let partner = s
                        .partner
                        .as_ref()
                        .map(|p| format!(" ({}:{} {})", p.line, p.col, p.op))
                        .unwrap_or_default();
                    cell(
                        "",
                        s.line,
                        s.col,
                        &s.op,
                        &format!("{}{partner}", suffix(s)),
                        room,
                    )
                };
                for (k, o) in op.iter().enumerate() {
                    let t = if k == 0 {
                        format!(
                            "    {} {:>4} {}  {o}",
                            marker(s),
                            s.index,
                            pad(&s.goroutine, who)
                        )
                    } else {
                        format!("{under}{o}")
                    };
                    let _ = writeln!(out, "{}", if s.failing { style.red(&t) } else { t });
                }
            }
        }
    }
    for (i, g) in b.goroutines.iter().enumerate() {
        for (k, c) in end_cell(g, pending_role(b, i), room).iter().enumerate() {
            let t = if k == 0 {
                format!("      end {}  {c}", pad(&g.goroutine, who))
            } else {
                format!("{under}{c}")
            };
            let _ = writeln!(out, "{t}");
        }
    }
}

fn section(out: &mut String, title: &str, lines: &[String], style: Style) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "    {}", style.bold(title));
    for l in lines {
        for w in wrap(l, style.width() - 6, 4) {
            let _ = writeln!(out, "      {w}");
        }
    }
}

/// Renders one bug: header, schedule table, end state, replay command.
pub fn bug(out: &mut String, b: &BugView, style: Style) {
    let mark = format!("✗ {}:", b.kind);
    let title = format!("{} {}", glued(&mark), b.message);
    for (k, l) in wrap(&title, style.width() - 2, 4).into_iter().enumerate() {
        let l = l.replace(GLUE, " ");
        let l = if k == 0 {
            l.replacen(&mark, &style.red(&mark), 1)
        } else {
            l
        };
        let _ = writeln!(out, "  {l}");
    }
    let who = b
        .goroutine
        .as_ref()
        .map(|g| format!(" in {g}"))
        .unwrap_or_default();
    let head = format!(
        "{} ({}, {}) at {}:{}{who}  ",
        b.title,
        b.taxonomy.behavior,
        b.taxonomy.cause.words(),
        b.location.line,
        b.location.col,
    );
    let room = style.width() - 4;
    for l in fold_op(&head, &b.location.text, "", room, 4) {
        let _ = writeln!(out, "    {l}");
    }
    for r in &b.related {
        let and = format!("and {}:{}  ", r.line, r.col);
        for l in fold_op(&and, &r.text, "", room, 4) {
            let _ = writeln!(out, "    {l}");
        }
    }
    if let Some(c) = &b.covers {
        for l in wrap(&c.sentence, style.width() - 4, 4) {
            let _ = writeln!(out, "    {}", style.dim(&l));
        }
    }
    // Under the bug's place, where a reader looks first: a run that needs
    // untracked data to be what Go may never make it.
    if !b.abstractions.is_empty() {
        for l in wrap(
            &format!("⚠ {}:", words::THROUGH_ABSTRACTIONS),
            style.width() - 4,
            6,
        ) {
            let _ = writeln!(out, "    {}", style.yellow(&l));
        }
        for a in &b.abstractions {
            for l in wrap(&words::abstraction(a), style.width() - 6, 8) {
                let _ = writeln!(out, "      {l}");
            }
        }
    }
    for l in wrap(
        &format!("schedule {}  {}", b.schedule, b.minimality.note),
        style.width() - 4,
        4,
    ) {
        let _ = writeln!(out, "    {l}");
    }
    let _ = writeln!(out);
    table(out, b, style);
    let legend = ["» context switch", "↯ preemption", "✗ the bug", "⏲ timer"]
        .map(glued)
        .join("   ");
    for l in wrap(&legend, style.width() - 6, 0) {
        let _ = writeln!(out, "      {}", style.dim(&l.replace(GLUE, " ")));
    }
    let _ = writeln!(out);
    let waits: Vec<String> = b
        .goroutines
        .iter()
        .filter_map(|g| {
            let chain = if g.call_chain.is_empty() {
                String::new()
            } else {
                format!(" (in {})", words::call_chain(&g.call_chain))
            };
            g.waiting
                .as_ref()
                .map(|w| format!("{}{chain} {}", g.goroutine, w.why))
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
    } else if b.taxonomy.behavior == Behavior::Blocking && !b.wait_for.chains.is_empty() {
        let lines: Vec<String> = b
            .wait_for
            .chains
            .iter()
            .map(|c| c.sentence.clone())
            .collect();
        section(
            out,
            "no wait-for cycle; the chains to the holders",
            &lines,
            style,
        );
    }
    section(out, "why", &b.explanation, style);
    let _ = writeln!(out, "    {} {}", style.bold("reproduce:"), b.reproduce);
    let _ = writeln!(out);
}

fn header(out: &mut String, r: &ScenarioReport, style: Style) {
    if width(&r.scenario) + 2 + width(&r.file) <= style.width() {
        let _ = writeln!(out, "{}  {}", style.bold(&r.scenario), style.dim(&r.file));
    } else {
        let _ = writeln!(out, "{}", style.bold(&r.scenario));
        let _ = writeln!(out, "  {}", style.dim(&r.file));
    }
    if let Some(s) = &r.summary {
        for l in wrap(s, style.width() - 2, 2) {
            let _ = writeln!(out, "  {}", style.dim(&l));
        }
    }
    if let Some(o) = &r.origin {
        for l in wrap(&format!("origin: {o}"), style.width() - 2, 2) {
            let _ = writeln!(out, "  {}", style.dim(&l));
        }
    }
    // The older timer semantics are the exception: say so.
    if r.go == "1.22" {
        let _ = writeln!(out, "  {}", style.dim("go 1.22 (its timer semantics)"));
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
    let verdict = words::verdict_alone(r);
    let expectation = r.expectation();
    let mark = words::expectation(&expectation, &r.expect);
    let paint = |m: &str| match expectation {
        Expectation::Met => style.green(m),
        Expectation::Undecided { .. } => style.yellow(m),
        Expectation::Contradicted { .. } => style.red(m),
    };
    let stats = if style.stats {
        format!(
            "[{}, {}, {:.3}s]",
            words::count(r.stats.states, "state", "states"),
            words::count(r.stats.transitions, "transition", "transitions"),
            r.stats.seconds
        )
    } else {
        String::new()
    };
    // `verdict — mark  [stats]`, on as many lines as the width needs.
    let room = style.width() - 2;
    let mut lines = wrap(&verdict, room, 2);
    let mut last = lines.pop().unwrap_or_default();
    let mut tail = format!("{last} — {mark}");
    if width(&tail) <= room {
        last = format!("{last} — {}", paint(&mark));
    } else {
        lines.push(last);
        tail = format!("— {mark}");
        last = format!("— {}", paint(&mark));
    }
    if !stats.is_empty() {
        if width(&tail) + 2 + width(&stats) <= room {
            last = format!("{last}  {}", style.dim(&stats));
        } else {
            lines.push(last);
            last = style.dim(&stats);
        }
    }
    lines.push(last);
    if let Some(p) = r.stats.collision_probability {
        lines.extend(wrap(&words::collision_note(p), room, 2));
    }
    if let Some(b) = &r.stats.bitstate {
        lines.extend(wrap(&words::bitstate_note(b), room, 2));
    }
    if !r.unsynced.is_empty() {
        lines.extend(wrap(&words::unsynced_note(&r.unsynced), room, 2));
    }
    for l in lines {
        let _ = writeln!(out, "  {l}");
    }
    if style.detailed_stats {
        let st = &r.stats;
        let runs = st.complete_runs.map_or_else(
            || {
                if st.distinct_states.is_none() {
                    "complete runs: not counted (the fingerprint store keeps no edges; --store full counts them)".to_string()
                } else {
                    "complete runs: n/a (cyclic or cut)".to_string()
                }
            },
            |n| {
                let one = if n == 1 { "" } else { "s" };
                match st.states_on_complete_runs {
                    Some(on) => {
                        let them = if n == 1 { "it" } else { "them" };
                        // The rest lie only on explorations that end with
                        // every transition asleep: work, not traces.
                        let off = st.states.saturating_sub(on);
                        let share = if st.states > 0 {
                            off as f64 * 100.0 / st.states as f64
                        } else {
                            0.0
                        };
                        format!(
                            "{n} complete run{one}, {on} states on {them} ({off}, {share:.0} %, on none)"
                        )
                    }
                    None => format!("{n} complete run{one}"),
                }
            },
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
            "  stats: {}{}, {}, {runs}, max depth {}, reduction {}, store {}, {:.3}s, {rate}, {} bytes/state stored{peak}",
            words::count(st.states, "state", "states"),
            st.distinct_states
                .map(|d| format!(" ({d} distinct)"))
                .unwrap_or_default(),
            words::count(st.transitions, "transition", "transitions"),
            st.max_depth,
            st.reduction,
            st.store,
            st.seconds,
            st.bytes_per_state
        );
        if let Some(f) = &st.frontier {
            let _ = writeln!(out, "  {}", words::frontier_note(f, st.states));
        }
        if let Some(d) = &st.dpor {
            let _ = writeln!(out, "  {}", words::dpor_note(d));
        }
    }
    if !r.growth.is_empty() {
        let _ = writeln!(out, "  {}:", style.yellow(words::GROWTH_HEADING));
        for g in &r.growth {
            for l in wrap(&g.sentence, style.width() - 4, 4) {
                let _ = writeln!(out, "    {l}");
            }
        }
    }
    out
}

/// The line that ends a run over several scenario files.
pub fn render_summary(s: &crate::view::RunSummary, style: Style) -> String {
    let line = words::run_summary(s);
    let line = if s.as_expected() == s.files.len() {
        style.green(&line)
    } else {
        style.bold(&line)
    };
    format!("{line}\n")
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
    let mut extra = String::new();
    if let Some(c) = &s.chosen {
        extra.push_str(&format!(" → {}", c.sentence));
    }
    let locals = words::locals(&s.locals);
    if !locals.is_empty() {
        extra.push_str(&format!(" [{locals}]"));
    }
    format!("  {mark} {:>3}. {:<8} {body}{extra}", s.index, s.item)
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
    fn folding_fits_the_width_and_loses_nothing() {
        let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
        for text in [
            "✗\u{a0}blocked 14:9 Recv(\"shutdown_notifications\")",
            "13:9 Assert(\"owners == 1\", \"the slot was given out twice\")",
            "a_very_long_identifier_without_any_space_in_it_at_all",
            "",
        ] {
            for w in [8, 12, 16, 24, 80] {
                let lines = fold(text, w, 2);
                for l in &lines {
                    assert!(width(l) <= w, "{l:?} wider than {w}");
                }
                assert_eq!(squeeze(&lines.concat()), squeeze(&text.replace(GLUE, " ")));
            }
        }
        // A word that fits on the next line moves there whole.
        assert_eq!(
            fold("in main  Recv(\"shutdown\")", 20, 2),
            vec!["in main", "  Recv(\"shutdown\")"]
        );
        // Glued words stay together.
        assert_eq!(
            fold(&format!("{} 1:2 x", glued("✗ blocked")), 11, 0),
            vec!["✗ blocked", "1:2 x"]
        );
    }

    #[test]
    fn only_statement_blocks_collapse() {
        assert_eq!(
            collapse_blocks("Go(body: [Send(\"ch\", 1)])"),
            "Go(body: […])"
        );
        assert_eq!(
            collapse_blocks("Choose(\"x\", [0, 1])"),
            "Choose(\"x\", [0, 1])"
        );
        assert_eq!(
            collapse_blocks("Go(\"poll\", [\"stop\"])"),
            "Go(\"poll\", [\"stop\"])"
        );
        assert_eq!(
            collapse_blocks("While(\"!stop\", [])"),
            "While(\"!stop\", [])"
        );
        assert_eq!(collapse_blocks("Either([[Return], []])"), "Either([…])");
    }

    #[test]
    fn wrapping_indents_continuations() {
        assert_eq!(
            wrap("aaa bbb ccc ddd", 8, 2),
            vec!["aaa bbb", "  ccc", "  ddd"]
        );
    }
}
