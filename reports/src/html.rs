//! The review page: one self-contained HTML file per scenario (inline CSS,
//! JavaScript and SVG; nothing fetched), for `weft check --html DIR`.
//!
//! Per bug: the swim-lane table of its counterexample, a step slider (and
//! the ←/→ keys) that highlights the current step and shows where each
//! goroutine is and what each object holds at that step
//! ([`crate::view::BugView::states`]), the happens-before and wait-for
//! graphs ([`graphs`]), the explanation and the replay command with a copy
//! button. A scenario with no bug gets a page that says it was verified, or
//! that the search was cut, with the search's counters.
//!
//! The page's structure is what tests and readers rely on: each bug is a
//! `section.bug` with `data-steps` (its number of steps) and
//! `data-current` (the step shown); its table rows and graph nodes carry
//! `data-step`, the current ones the class `current`; each state is a
//! `.snap[data-step]`, hidden unless current.

mod graphs;

use std::fmt::Write as _;

use crate::view::{
    BugView, Expectation, GoroutineStatus, LaneStatus, Role, ScenarioReport, SnapshotView,
    StepView, SwitchMark,
};
use crate::words;

/// `s` escaped for HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --fg: #1d2430; --dim: #6b7280; --line: #d5dae1; --bad: #b42318; --ok: #067647; --warn: #b54708; --cur: #fff4c2; --accent: #1f5fbf; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; padding: 20px 28px 60px; background: #fafbfc; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 6px; }
h3 { font-size: 14px; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--dim); }
code, .mono { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.file { color: var(--dim); }
.meta { margin: 4px 0; color: #374151; }
.verdict { display: inline-block; margin: 10px 0 4px; padding: 4px 10px; border-radius: 6px; font-weight: 600; }
.verdict.met { background: #dcfae6; color: var(--ok); }
.verdict.undecided { background: #fef0c7; color: var(--warn); }
.verdict.contradicted { background: #fee4e2; color: var(--bad); }
.stats { color: var(--dim); }
section.bug { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 18px 0; }
section.bug h2 .kind { color: var(--bad); }
.where { margin: 2px 0; }
.replay { display: flex; gap: 8px; align-items: center; margin: 10px 0; }
.replay code { background: #f3f4f6; border: 1px solid var(--line); border-radius: 6px; padding: 5px 8px; overflow-x: auto; white-space: nowrap; flex: 1; }
button { font: inherit; border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 4px 10px; cursor: pointer; }
button:hover { background: #f3f4f6; }
.controls { display: flex; gap: 10px; align-items: center; margin: 12px 0 8px; position: sticky; top: 0; background: #fff; padding: 6px 0; z-index: 2; }
.controls input[type=range] { flex: 1; max-width: 520px; }
.position { font-weight: 600; min-width: 150px; }
.hint { color: var(--dim); font-size: 12px; }
.now { margin: 0 0 10px; min-height: 1.4em; }
.review { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.review > .table { flex: 1 1 560px; min-width: 0; overflow-x: auto; }
.review > .state { flex: 0 1 420px; min-width: 300px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { font-weight: 600; background: #f6f7f9; position: sticky; top: 0; }
table.lanes td.step { color: var(--dim); white-space: nowrap; width: 1%; text-align: right; }
table.lanes td.cell { min-width: 120px; }
table.lanes tr[data-step] { cursor: pointer; }
table.lanes tr.current td { background: var(--cur); }
table.lanes tr.current td.step { color: var(--fg); font-weight: 700; }
table.lanes tr.folded td.cell { color: #9aa1ab; }
table.lanes tr.failing td.cell code { color: var(--bad); font-weight: 600; }
table.lanes tr.end td { border-top: 2px solid var(--fg); }
.loc { color: var(--dim); font-size: 12px; margin-right: 4px; }
.act { color: var(--accent); font-size: 12px; margin-left: 4px; }
.mark { color: var(--warn); font-weight: 700; }
.mark.pending { color: var(--bad); font-size: 12px; }
.badge { display: inline-block; border-radius: 10px; padding: 0 7px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.s-ready, .s-runnable { background: #dcfae6; color: var(--ok); }
.s-waiting, .s-spinning, .s-not-started { background: #fef0c7; color: var(--warn); }
.s-blocked, .s-crashed { background: #fee4e2; color: var(--bad); }
.s-exited, .s-returned, .s-not-started { background: #eef0f3; color: var(--dim); }
table.goroutines tr.moved td:first-child { box-shadow: inset 3px 0 var(--accent); font-weight: 600; }
table.objects tr.changed td { background: #eaf2ff; }
.snap[hidden] { display: none; }
ul.why { margin: 4px 0; padding-left: 20px; }
.graphs { overflow-x: auto; }
svg.graph { display: block; margin: 6px 0 12px; background: #fff; }
svg .lane-name { font: 600 12px system-ui, sans-serif; fill: var(--fg); }
svg .lane-line { stroke: var(--line); stroke-width: 2; }
svg .order { stroke: #9aa1ab; stroke-width: 1.5; fill: none; }
svg .sync { stroke: var(--accent); stroke-width: 1.5; fill: none; }
svg .handoff { stroke: var(--accent); stroke-width: 3; fill: none; }
svg .arrowhead { fill: var(--accent); }
svg .arrowhead.cycle { fill: var(--bad); }
svg .node circle { fill: #fff; stroke: var(--fg); stroke-width: 1.5; }
svg .node.folded circle { stroke: #9aa1ab; }
svg .node.failing circle { stroke: var(--bad); stroke-width: 2.5; }
svg .node.current circle { fill: #ffd54a; stroke-width: 2.5; }
svg .node .num { font: 600 11px system-ui, sans-serif; text-anchor: middle; fill: var(--fg); }
svg .node .op { font: 11px ui-monospace, Menlo, monospace; fill: #374151; }
svg .wait { stroke: var(--accent); stroke-width: 1.8; fill: none; }
svg .wait.cycle { stroke: var(--bad); stroke-width: 2.4; }
svg .wait.could { stroke-dasharray: 6 4; }
svg .edge-label { font: 11px system-ui, sans-serif; fill: #374151; }
svg .wf-node rect { fill: #f6f7f9; stroke: var(--fg); stroke-width: 1.5; }
svg .wf-node text { font: 600 12px system-ui, sans-serif; text-anchor: middle; fill: var(--fg); }
.clean { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 18px 0; }
"#;

const SCRIPT: &str = r#"
(function () {
  var active = null;
  function show(sec, k) {
    var n = +sec.dataset.steps;
    k = Math.max(0, Math.min(n, k));
    sec.dataset.current = k;
    var slider = sec.querySelector('input.slider');
    slider.value = k;
    sec.querySelectorAll('[data-step]').forEach(function (e) {
      var on = +e.dataset.step === k;
      if (e.classList.contains('snap')) { e.hidden = !on; } else { e.classList.toggle('current', on); }
    });
    sec.querySelector('.position').textContent = k === 0 ? 'start (before step 1), of ' + n : 'step ' + k + ' of ' + n;
    active = sec;
  }
  document.querySelectorAll('section.bug').forEach(function (sec) {
    var slider = sec.querySelector('input.slider');
    slider.addEventListener('input', function () { show(sec, +slider.value); });
    sec.querySelector('button.prev').addEventListener('click', function () { show(sec, +sec.dataset.current - 1); });
    sec.querySelector('button.next').addEventListener('click', function () { show(sec, +sec.dataset.current + 1); });
    sec.querySelectorAll('table.lanes tr[data-step]').forEach(function (row) {
      row.addEventListener('click', function () { show(sec, +row.dataset.step); });
    });
    sec.addEventListener('pointerdown', function () { active = sec; });
    show(sec, +sec.dataset.current);
  });
  active = document.querySelector('section.bug');
  document.addEventListener('keydown', function (e) {
    if (!active || e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (e.target && e.target.type === 'range') { return; }
    var k = +active.dataset.current;
    if (e.key === 'ArrowLeft') { show(active, k - 1); e.preventDefault(); }
    else if (e.key === 'ArrowRight') { show(active, k + 1); e.preventDefault(); }
    else if (e.key === 'Home') { show(active, 0); e.preventDefault(); }
    else if (e.key === 'End') { show(active, +active.dataset.steps); e.preventDefault(); }
  });
  document.querySelectorAll('button.copy').forEach(function (btn) {
    btn.addEventListener('click', function () {
      var text = document.getElementById(btn.dataset.copy).textContent;
      var done = function () { btn.textContent = 'copied'; setTimeout(function () { btn.textContent = 'copy'; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
      } else { fallback(text); done(); }
    });
  });
  function fallback(text) {
    var t = document.createElement('textarea');
    t.value = text; document.body.appendChild(t); t.select();
    try { document.execCommand('copy'); } catch (e) {}
    document.body.removeChild(t);
  }
})();
"#;

/// The class that colours a goroutine's end status.
fn end_class(s: GoroutineStatus) -> &'static str {
    match s {
        GoroutineStatus::Blocked => "s-blocked",
        GoroutineStatus::Runnable => "s-runnable",
        GoroutineStatus::Spinning => "s-spinning",
        GoroutineStatus::NotStarted => "s-not-started",
        GoroutineStatus::Exited => "s-exited",
        GoroutineStatus::Returned => "s-returned",
        GoroutineStatus::Crashed => "s-crashed",
    }
}

/// The class that colours a goroutine's status in one state.
fn lane_class(s: LaneStatus) -> &'static str {
    match s {
        LaneStatus::NotStarted => "s-not-started",
        LaneStatus::Ready => "s-ready",
        LaneStatus::Waiting => "s-waiting",
        LaneStatus::Exited => "s-exited",
        LaneStatus::Returned => "s-returned",
        LaneStatus::Crashed => "s-crashed",
    }
}

/// A status as the page words it.
fn lane_words(s: LaneStatus) -> &'static str {
    match s {
        LaneStatus::NotStarted => "not started",
        LaneStatus::Ready => "can move",
        LaneStatus::Waiting => "waiting",
        LaneStatus::Exited => "exited",
        LaneStatus::Returned => "returned",
        LaneStatus::Crashed => "crashed",
    }
}

/// The scenario's header: name, file, summary, origin, verdict, counters.
fn header(out: &mut String, r: &ScenarioReport) {
    let _ = write!(
        out,
        "<header><h1>{}</h1><div class=\"file mono\">{}</div>",
        esc(&r.scenario),
        esc(&r.file)
    );
    if let Some(s) = &r.summary {
        let _ = write!(out, "<p class=\"meta summary\">{}</p>", esc(s));
    }
    if r.go == "1.22" {
        out.push_str("<p class=\"meta go\">go 1.22 (its timer semantics)</p>");
    }
    if let Some(o) = &r.origin {
        let _ = write!(out, "<p class=\"meta origin\">origin: {}</p>", esc(o));
    }
    if !r.params.is_empty() {
        let p: Vec<String> = r.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = write!(
            out,
            "<p class=\"meta params\">parameters: <code>{}</code></p>",
            esc(&p.join(" "))
        );
    }
    let e = r.expectation();
    let class = match e {
        Expectation::Met => "met",
        Expectation::Undecided { .. } => "undecided",
        Expectation::Contradicted { .. } => "contradicted",
    };
    let _ = write!(
        out,
        "<div class=\"verdict {class}\">{} — {}</div>",
        esc(&words::scenario_verdict(r)),
        esc(&words::expectation(&e, &r.expect))
    );
    let _ = write!(
        out,
        "<p class=\"stats\">{} states, {} transitions, max depth {}, reduction {}{}</p></header>",
        words::number(r.stats.states as i64),
        words::number(r.stats.transitions as i64),
        r.stats.max_depth,
        esc(&r.stats.reduction),
        match &r.bound {
            Some(b) => format!(", bounded by {}", esc(b)),
            None => ", exhaustive".into(),
        }
    );
    if !r.growth.is_empty() {
        let _ = write!(
            out,
            "<h3>{}</h3><ul class=\"why\">",
            esc(words::GROWTH_HEADING)
        );
        for g in &r.growth {
            let _ = write!(out, "<li>{}</li>", esc(&g.sentence));
        }
        out.push_str("</ul>");
    }
}

/// Characters of an operation shown in a table cell (blocks and trailing
/// arguments are abbreviated first; the whole text is the cell's tooltip).
const OP_CHARS: usize = 44;

/// One cell of the swim-lane table: an operation and what it did.
fn op_cell(line: u32, col: u32, op: &str, action: &str) -> String {
    let short = crate::text::abbreviate(op, OP_CHARS);
    let title = if short == op {
        String::new()
    } else {
        format!(" title=\"{}\"", esc(op))
    };
    format!(
        "<span class=\"loc\">{}</span><code{title}>{}</code><span class=\"act\">{}</span>",
        words::at(line, col),
        esc(&short),
        esc(action)
    )
}

/// The swim-lane table: a start row, one row per step, the end row.
fn lanes_table(out: &mut String, b: &BugView, timer: bool) {
    let columns = b.lanes.len() + usize::from(timer);
    out.push_str("<table class=\"lanes\"><thead><tr><th>step</th>");
    for l in &b.lanes {
        let _ = write!(out, "<th>{}</th>", esc(&l.goroutine));
    }
    if timer {
        let _ = write!(out, "<th>{}</th>", words::TIMER);
    }
    out.push_str("</tr></thead><tbody>");
    let _ = write!(
        out,
        "<tr data-step=\"0\" class=\"start\"><td class=\"step\">start</td>{}</tr>",
        "<td class=\"cell\"></td>".repeat(columns)
    );
    for s in &b.steps {
        step_row(out, s, b.lanes.len(), columns, s.index == b.steps.len());
    }
    out.push_str("<tr class=\"end\"><td class=\"step\">end</td>");
    for l in &b.lanes {
        // The operations that make the bug: both accesses of a race, the
        // blocked operations of a deadlock or leak.
        let part = b
            .pending
            .iter()
            .find(|p| p.goroutine == l.goroutine)
            .map(|p| {
                let mark = match p.role {
                    Role::Races => "✗ races",
                    Role::Blocked | Role::Crashes => "✗",
                };
                format!(" <span class=\"mark pending\" title=\"part of the bug\">{mark}</span>")
            })
            .unwrap_or_default();
        match b.goroutines.iter().find(|g| g.goroutine == l.goroutine) {
            Some(g) => {
                let _ = write!(
                    out,
                    "<td class=\"cell\"><span class=\"badge {}\">{}</span>{part} {}</td>",
                    end_class(g.status),
                    g.status,
                    g.at.as_ref()
                        .map(|a| op_cell(a.line, a.col, &a.text, ""))
                        .unwrap_or_default()
                );
            }
            None => out.push_str("<td class=\"cell\"></td>"),
        }
    }
    if timer {
        out.push_str("<td class=\"cell\"></td>");
    }
    out.push_str("</tr></tbody></table>");
}

/// One step's row; `current` for the step the page opens on (the last),
/// so the page reads right before its script runs.
fn step_row(out: &mut String, s: &StepView, lanes: usize, columns: usize, current: bool) {
    let mut class = Vec::new();
    if current {
        class.push("current");
    }
    if !s.relevant {
        class.push("folded");
    }
    if s.failing {
        class.push("failing");
    }
    let mark = match (s.failing, s.switch) {
        (true, _) => "<span class=\"mark\" title=\"the bug\">✗</span> ",
        (false, SwitchMark::Preemption) => "<span class=\"mark\" title=\"preemption\">↯</span> ",
        (false, SwitchMark::Switch) => "<span class=\"mark\" title=\"context switch\">»</span> ",
        (false, SwitchMark::None) => "",
    };
    let title = if s.relevant {
        ""
    } else {
        " title=\"concurrent with the bug and touching nothing it depends on\""
    };
    let _ = write!(
        out,
        "<tr data-step=\"{}\" class=\"{}\"{title}><td class=\"step\">{mark}{}</td>",
        s.index,
        class.join(" "),
        s.index
    );
    let mover = s.lane.unwrap_or(lanes);
    for c in 0..columns {
        out.push_str("<td class=\"cell\">");
        if c == mover {
            out.push_str(&op_cell(s.line, s.col, &s.op, &action_words(s)));
        } else if let Some(p) = s.partner.as_ref().filter(|p| p.lane == c) {
            out.push_str(&op_cell(
                p.line,
                p.col,
                &p.op,
                &format!("{} from {}", p.action, s.goroutine),
            ));
        }
        out.push_str("</td>");
    }
    out.push_str("</tr>");
}

/// What a step did: the choice it made (`ok = true`, `branch 1 of 2`),
/// else its action; with the locals it read and wrote (`--values`).
fn action_words(s: &StepView) -> String {
    let mut out = match &s.chosen {
        Some(c) => format!("{}: {}", s.action, c.sentence),
        None => s.action.to_string(),
    };
    let locals = words::locals(&s.locals);
    if !locals.is_empty() {
        out.push_str(&format!(" [{locals}]"));
    }
    out
}

/// What happens at each step, one line per state (hidden unless current).
fn now_lines(out: &mut String, b: &BugView, current: usize) {
    out.push_str("<div class=\"now\">");
    let hidden = |k: usize| if k == current { "" } else { " hidden" };
    let _ = write!(
        out,
        "<div class=\"snap\" data-step=\"0\"{}>the start: no step taken yet</div>",
        hidden(0)
    );
    for s in &b.steps {
        let partner = s
            .partner
            .as_ref()
            .map(|p| format!(", handed to {} ({})", p.goroutine, p.action))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<div class=\"snap\" data-step=\"{}\"{}><b>{}</b> {} <code>{}</code> — {}{}{}</div>",
            s.index,
            hidden(s.index),
            esc(&s.goroutine),
            words::at(s.line, s.col),
            esc(&crate::text::abbreviate(&s.op, 2 * OP_CHARS)),
            esc(&action_words(s)),
            esc(&partner),
            if s.failing { " — the bug" } else { "" }
        );
    }
    out.push_str("</div>");
}

/// The goroutines and objects of each state (hidden unless current).
fn state_panels(out: &mut String, b: &BugView, current: usize) {
    out.push_str("<div class=\"state\">");
    if b.states.is_empty() {
        out.push_str("<p class=\"hint\">the run's states were not recorded</p></div>");
        return;
    }
    let mut previous: Option<&SnapshotView> = None;
    for snap in &b.states {
        let moved: Vec<usize> = b
            .steps
            .get(snap.step.wrapping_sub(1))
            .filter(|_| snap.step > 0)
            .map(|s| {
                let mut v: Vec<usize> = s.lane.into_iter().collect();
                v.extend(s.partner.as_ref().map(|p| p.lane));
                v
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<div class=\"snap\" data-step=\"{}\"{}><h3>goroutines</h3><table class=\"goroutines\"><tbody>",
            snap.step,
            if snap.step == current { "" } else { " hidden" }
        );
        for (lane, (l, st)) in b.lanes.iter().zip(&snap.lanes).enumerate() {
            let _ = write!(
                out,
                "<tr data-lane=\"{lane}\" data-status=\"{}\"{}><td>{}</td><td><span class=\"badge {}\">{}</span></td><td>{}</td></tr>",
                st.status,
                if moved.contains(&lane) { " class=\"moved\"" } else { "" },
                esc(&l.goroutine),
                lane_class(st.status),
                lane_words(st.status),
                st.at
                    .as_ref()
                    .map(|a| op_cell(a.line, a.col, &a.text, ""))
                    .unwrap_or_default()
            );
        }
        out.push_str("</tbody></table><h3>objects</h3><table class=\"objects\"><tbody>");
        if snap.objects.is_empty() {
            out.push_str("<tr><td class=\"hint\">no objects</td></tr>");
        }
        for o in &snap.objects {
            let changed = previous.is_some_and(|p| {
                !p.objects
                    .iter()
                    .any(|q| q.object == o.object && q.state == o.state)
            });
            let _ = write!(
                out,
                "<tr{}><td>{}</td><td class=\"object-state\">{}</td></tr>",
                if changed { " class=\"changed\"" } else { "" },
                esc(&o.object),
                esc(&o.state)
            );
        }
        out.push_str("</tbody></table></div>");
        previous = Some(snap);
    }
    out.push_str("</div>");
}

/// One bug's section; `i` numbers it within the page.
fn bug(out: &mut String, b: &BugView, i: usize) {
    let id = format!("bug{}", i + 1);
    let n = b.steps.len();
    let _ = write!(
        out,
        "<section class=\"bug\" id=\"{id}\" data-steps=\"{n}\" data-current=\"{n}\"><h2><span class=\"kind\">✗ {}</span>: {}</h2>",
        b.kind,
        esc(&b.message)
    );
    let mut where_ = format!(
        "{} ({}, {}) at {}",
        b.title,
        b.taxonomy.behavior,
        b.taxonomy.cause.words(),
        words::at(b.location.line, b.location.col)
    );
    if let Some(g) = &b.goroutine {
        where_.push_str(&format!(" in {g}"));
    }
    let _ = write!(
        out,
        "<p class=\"where\">{} <code>{}</code>",
        esc(&where_),
        esc(&b.location.text)
    );
    for r in &b.related {
        let _ = write!(
            out,
            " and {} <code>{}</code>",
            words::at(r.line, r.col),
            esc(&r.text)
        );
    }
    let _ = write!(
        out,
        "</p><p class=\"where\">schedule <code>{}</code> — {}</p>",
        esc(&b.schedule),
        esc(&b.minimality.note)
    );
    if let Some(c) = &b.covers {
        let _ = write!(out, "<p class=\"where covers\">{}</p>", esc(&c.sentence));
    }
    let _ = write!(
        out,
        "<div class=\"replay\"><code id=\"{id}-cmd\">{}</code><button class=\"copy\" data-copy=\"{id}-cmd\" title=\"copy the replay command\">copy</button></div>",
        esc(&b.reproduce)
    );
    let _ = write!(
        out,
        "<div class=\"controls\"><button class=\"prev\" title=\"previous step (←)\">◀</button><input class=\"slider\" type=\"range\" min=\"0\" max=\"{n}\" value=\"{n}\" aria-label=\"step\"><button class=\"next\" title=\"next step (→)\">▶</button><span class=\"position\">step {n} of {n}</span><span class=\"hint\">← → keys step; click a row to jump</span></div>"
    );
    now_lines(out, b, n);
    let timer = b.steps.iter().any(|s| s.lane.is_none());
    out.push_str("<div class=\"review\"><div class=\"table\">");
    lanes_table(out, b, timer);
    out.push_str("</div>");
    state_panels(out, b, n);
    out.push_str("</div>");
    let waiting: Vec<String> = b
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
    if !waiting.is_empty() {
        out.push_str("<h3>blocked at the end</h3><ul class=\"why waiting\">");
        for w in waiting {
            let _ = write!(out, "<li>{}</li>", esc(&w));
        }
        out.push_str("</ul>");
    }
    if !b.abstractions.is_empty() {
        let _ = write!(
            out,
            "<h3>⚠ {}</h3><ul class=\"why abstractions\">",
            esc(words::THROUGH_ABSTRACTIONS)
        );
        for a in &b.abstractions {
            let _ = write!(out, "<li>{}</li>", esc(&words::abstraction(a)));
        }
        out.push_str("</ul>");
    }
    if !b.explanation.is_empty() {
        out.push_str("<h3>why</h3><ul class=\"why explanation\">");
        for e in &b.explanation {
            let _ = write!(out, "<li>{}</li>", esc(e));
        }
        out.push_str("</ul>");
    }
    out.push_str("<div class=\"graphs\"><h3>happens-before</h3>");
    out.push_str(&graphs::happens_before(b, &id));
    if let Some(wf) = graphs::wait_for(b, &id) {
        out.push_str("<h3>wait-for at the end</h3>");
        out.push_str(&wf);
        if !b.wait_for.cycle.is_empty() {
            out.push_str("<p class=\"hint\">red: a cycle — each goroutine waits for the next</p>");
        } else if b.taxonomy.behavior == crate::view::Behavior::Blocking
            && !b.wait_for.chains.is_empty()
        {
            out.push_str("<p class=\"hint\">no wait-for cycle; the chains to the holders:</p><ul class=\"why chains\">");
            for c in &b.wait_for.chains {
                let _ = write!(out, "<li>{}</li>", esc(&c.sentence));
            }
            out.push_str("</ul>");
        }
        out.push_str("<p class=\"hint\">solid: the other holds what it needs; dashed: the other has an operation ahead that would release it (hover an edge for its sentence)</p>");
    }
    out.push_str("</div></section>");
}

/// The page's frame around `body`.
fn page(title: &str, body: &str, script: bool) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\"><title>{}</title><style>{STYLE}</style></head><body>{body}{}</body></html>\n",
        esc(title),
        if script {
            format!("<script>{SCRIPT}</script>")
        } else {
            String::new()
        }
    )
}

/// The review page of one scenario.
pub fn render(r: &ScenarioReport) -> String {
    let mut body = String::new();
    header(&mut body, r);
    if r.bugs.is_empty() {
        let _ = write!(
            body,
            "<div class=\"clean\"><h2>{}</h2><p>{}</p></div>",
            esc(&words::scenario_verdict(r)),
            if r.complete {
                "every reachable state was explored and none shows a bug"
            } else if r.stats.bitstate.is_some() {
                "the bit array may have taken states never seen for visited: what the search explored shows no bug"
            } else {
                "the search was cut before it explored every state: what it explored shows no bug"
            }
        );
    }
    for (i, b) in r.bugs.iter().enumerate() {
        bug(&mut body, b, i);
    }
    page(&format!("weft: {}", r.scenario), &body, !r.bugs.is_empty())
}

/// An index page linking each scenario's page: `(href, report)` pairs.
pub fn render_index(pages: &[(String, &ScenarioReport)]) -> String {
    let mut body = String::from(
        "<h1>weft review</h1><table class=\"index\"><thead><tr><th>scenario</th><th>file</th><th>result</th></tr></thead><tbody>",
    );
    for (href, r) in pages {
        let e = r.expectation();
        let class = match e {
            Expectation::Met => "met",
            Expectation::Undecided { .. } => "undecided",
            Expectation::Contradicted { .. } => "contradicted",
        };
        let _ = write!(
            body,
            "<tr><td><a href=\"{}\">{}</a></td><td class=\"mono\">{}</td><td><span class=\"verdict {class}\">{} — {}</span></td></tr>",
            esc(href),
            esc(&r.scenario),
            esc(&r.file),
            esc(&words::scenario_verdict(r)),
            esc(&words::expectation(&e, &r.expect))
        );
    }
    body.push_str("</tbody></table>");
    page("weft review", &body, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
