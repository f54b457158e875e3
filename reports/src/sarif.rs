//! SARIF 2.1.0, the format GitHub code scanning reads: one log for a whole
//! `weft check` run. Each bug is a result whose rule is its kind, located
//! at the bug's site, with the other goroutines' sites as related
//! locations and the schedule as a code flow (one thread flow per
//! goroutine, its steps in execution order, ending where it stands at the
//! end). A bug the scenario expects carries an in-source suppression (the
//! scenario's `expect`). Files whose check stopped on an error are the
//! invocation's notifications. Rendered from the same views as the text and
//! JSON reports.

use serde_json::{json, Map, Value};

use crate::view::{BugKind, BugView, ErrorView, FileResult, Role, ScenarioReport, StepView};
use crate::words;

/// The SARIF version written.
pub const VERSION: &str = "2.1.0";

/// The schema the log names (the OASIS standard's, errata 01).
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The tool that made the log.
#[derive(Clone, Copy, Debug)]
pub struct Tool<'a> {
    /// Its name (`weft`).
    pub name: &'a str,
    /// Its version.
    pub version: &'a str,
}

/// A file path as a URI reference: relative paths stay relative (to the
/// directory weft ran in, as GitHub expects them relative to the
/// repository), absolute ones become `file://` URIs; anything outside the
/// unreserved characters is percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn text(t: impl Into<String>) -> Value {
    json!({ "text": t.into() })
}

/// A location in `file` (no region when the line is unknown).
fn location(file: &str, line: u32, col: u32, message: &str) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri(file) } });
    if line > 0 {
        physical["region"] = json!({ "startLine": line, "startColumn": col.max(1) });
    }
    json!({ "physicalLocation": physical, "message": text(message) })
}

/// A rule's name in PascalCase (`context-leak` gives `ContextLeak`).
fn rule_name(kind: BugKind) -> String {
    kind.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn rules() -> Vec<Value> {
    BugKind::ALL
        .iter()
        .map(|&k| {
            json!({
                "id": k.as_str(),
                "name": rule_name(k),
                "shortDescription": text(words::title(k, false, false)),
                "fullDescription": text(words::kind_description(k)),
                "help": text(words::kind_description(k)),
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": ["concurrency"], "problem.severity": "error" },
            })
        })
        .collect()
}

/// A step of one goroutine as a thread flow location.
fn step_location(file: &str, s: &StepView, line: u32, col: u32, what: String) -> Value {
    json!({
        "location": location(file, line, col, &what),
        "executionOrder": s.index,
        "importance": if s.relevant || s.failing { "essential" } else { "unimportant" },
    })
}

/// The schedule: one thread flow per goroutine (and one for timers, if
/// any fired), each step in its goroutine's flow (a hand-off in both), and
/// where each live goroutine stands at the end.
fn code_flow(file: &str, b: &BugView) -> Option<Value> {
    let mut flows: Vec<(String, Vec<Value>)> = b
        .lanes
        .iter()
        .map(|l| (l.goroutine.clone(), Vec::new()))
        .collect();
    let mut timer = Vec::new();
    for s in &b.steps {
        let here = step_location(file, s, s.line, s.col, format!("{}: {}", s.action, s.op));
        match s.lane.and_then(|l| flows.get_mut(l)) {
            Some((_, f)) => f.push(here),
            None => timer.push(here),
        }
        if let Some(p) = &s.partner {
            let what = format!("{} (from {}): {}", p.action, s.goroutine, p.op);
            if let Some((_, f)) = flows.get_mut(p.lane) {
                f.push(step_location(file, s, p.line, p.col, what));
            }
        }
    }
    for g in &b.goroutines {
        let (Some(at), Some((_, f))) = (
            &g.at,
            flows.iter_mut().find(|(name, _)| *name == g.goroutine),
        ) else {
            continue;
        };
        let why = g
            .waiting
            .as_ref()
            .map_or_else(|| at.text.clone(), |w| w.why.clone());
        let part = b.pending.iter().any(|p| p.goroutine == g.goroutine);
        f.push(json!({
            "location": location(file, at.line, at.col, &format!("at the end, {}: {why}", g.status)),
            "importance": if part { "essential" } else { "important" },
        }));
    }
    if !timer.is_empty() {
        flows.push((words::TIMER.to_string(), timer));
    }
    let threads: Vec<Value> = flows
        .into_iter()
        .filter(|(_, f)| !f.is_empty())
        .map(|(id, locations)| {
            json!({ "id": id, "message": text(id.clone()), "locations": locations })
        })
        .collect();
    if threads.is_empty() {
        return None;
    }
    Some(json!({
        "message": text(format!("schedule {}: {}", b.schedule, b.minimality.note)),
        "threadFlows": threads,
    }))
}

fn result(r: &ScenarioReport, b: &BugView) -> Value {
    let mut message = format!("{}: {}", b.title, b.message);
    if let Some(g) = &b.goroutine {
        message.push_str(&format!(" (in {g})"));
    }
    for e in &b.explanation {
        message.push_str(&format!("\n{e}"));
    }
    if !b.abstractions.is_empty() {
        message.push_str(&format!("\n{}:", words::THROUGH_ABSTRACTIONS));
        for a in &b.abstractions {
            message.push_str(&format!("\n  {}", words::abstraction(a)));
        }
    }
    message.push_str(&format!("\nreproduce: {}", b.reproduce));
    let related: Vec<Value> = b
        .related
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let who = b
                .pending
                .iter()
                .find(|p| p.line == l.line && p.col == l.col)
                .map(|p| match p.role {
                    Role::Blocked => format!("{} is blocked here: ", p.goroutine),
                    Role::Races => format!("{} races here: ", p.goroutine),
                    Role::Crashes => format!("{} crashes here: ", p.goroutine),
                })
                .unwrap_or_default();
            let mut v = location(&r.file, l.line, l.col, &format!("{who}{}", l.text));
            v["id"] = json!(k + 1);
            v
        })
        .collect();
    let primary = match &b.goroutine {
        Some(g) => format!("{g}: {}", b.location.text),
        None => b.location.text.clone(),
    };
    let mut v = json!({
        "ruleId": b.kind.as_str(),
        "ruleIndex": b.kind.index(),
        "level": "error",
        "message": text(message),
        "locations": [location(&r.file, b.location.line, b.location.col, &primary)],
        "properties": {
            "scenario": r.scenario,
            "title": b.title,
            "schedule": b.schedule,
            "reproduce": b.reproduce,
            "taxonomy": { "behavior": b.taxonomy.behavior.as_str(), "cause": b.taxonomy.cause.as_str() },
            "expected": r.expect.contains(&b.kind),
        },
    });
    if !related.is_empty() {
        v["relatedLocations"] = Value::Array(related);
    }
    if let Some(flow) = code_flow(&r.file, b) {
        v["codeFlows"] = json!([flow]);
    }
    if r.expect.contains(&b.kind) {
        v["suppressions"] = json!([{
            "kind": "inSource",
            "justification": words::expected_bug(b.kind),
        }]);
    }
    v
}

fn notification(e: &ErrorView) -> Value {
    let mut message = e.message.clone();
    if let Some(h) = &e.help {
        message.push_str(&format!(" (help: {h})"));
    }
    let mut v = json!({
        "level": "error",
        "message": text(message),
        "descriptor": { "id": e.error.as_str() },
    });
    let place = match (e.line, e.col) {
        (Some(line), Some(col)) => location(&e.file, line, col, &e.label),
        _ => location(&e.file, 0, 0, &e.file),
    };
    v["locations"] = json!([place]);
    v
}

/// The SARIF log of a run, pretty-printed.
pub fn render(results: &[FileResult], tool: Tool<'_>) -> String {
    let mut found = Vec::new();
    let mut notes = Vec::new();
    for r in results {
        match r {
            FileResult::Checked(report) => {
                found.extend(report.bugs.iter().map(|b| result(report, b)));
            }
            FileResult::Failed { errors, .. } => notes.extend(errors.iter().map(notification)),
            FileResult::NotChecked { file } => notes.push(json!({
                "level": "warning",
                "message": text(words::file_verdict(&r.verdict())),
                "locations": [location(file, 0, 0, file)],
            })),
        }
    }
    let mut invocation = Map::new();
    invocation.insert(
        "executionSuccessful".into(),
        json!(results.iter().all(|r| matches!(r, FileResult::Checked(_)))),
    );
    if !notes.is_empty() {
        invocation.insert("toolExecutionNotifications".into(), Value::Array(notes));
    }
    let summary = words::run_summary(&crate::view::RunSummary::of(results));
    // Each checked scenario's verdict in words (complete or why not, and
    // for a fingerprint store the chance that a collision hid a state, for
    // a bit-state store what it may have missed, the operations that left
    // races undecided),
    // since SARIF results carry only the bugs.
    let verdicts: Vec<Value> = results
        .iter()
        .filter_map(|r| match r {
            FileResult::Checked(report) => {
                let mut v = json!({
                    "file": uri(&report.file),
                    "scenario": report.scenario,
                    "complete": report.complete,
                    "verdict": words::scenario_verdict(report),
                });
                if let Some(p) = report.stats.collision_probability {
                    v["collisionProbability"] = json!(p);
                }
                if let Some(b) = &report.stats.bitstate {
                    v["bitstate"] = json!(b);
                }
                if !report.unsynced.is_empty() {
                    v["unsynced"] = json!(report.unsynced);
                }
                Some(v)
            }
            FileResult::Failed { .. } | FileResult::NotChecked { .. } => None,
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [{
            "tool": { "driver": {
                "name": tool.name,
                "version": tool.version,
                "rules": rules(),
            }},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": found,
            "properties": { "summary": summary, "verdicts": verdicts },
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_else(|e| {
        format!("{{\"version\":\"{VERSION}\",\"runs\":[],\"error\":\"cannot serialise: {e}\"}}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            uri("scenarios/study/etcd-3927.ron"),
            "scenarios/study/etcd-3927.ron"
        );
        assert_eq!(uri("/tmp/a b/x.ron"), "file:///tmp/a%20b/x.ron");
        assert_eq!(uri("c:x.ron"), "c%3Ax.ron");
        assert_eq!(uri("dir\\x#1.ron"), "dir/x%231.ron");
    }

    #[test]
    fn every_kind_has_its_rule_at_its_index() {
        let rules = rules();
        for k in BugKind::ALL {
            assert_eq!(rules[k.index()]["id"], k.as_str());
        }
        assert_eq!(rule_name(BugKind::ContextLeak), "ContextLeak");
    }
}
