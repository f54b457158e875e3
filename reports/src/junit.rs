//! JUnit XML, which every CI system reads: one test case per scenario file.
//! A scenario that behaves as it expects passes (its report, if it found
//! the bugs it expects, is the case's output); one that does not fails
//! with its text report; one whose check stopped on an error is an error;
//! one never checked (interrupted) is skipped. Rendered from the same
//! views as the text and JSON reports.

use std::fmt::Write;

use crate::text::{self, Style};
use crate::view::{ErrorView, FileResult, FileVerdict, RunSummary};
use crate::words;

/// Escapes text for an XML attribute value, dropping the characters XML
/// 1.0 cannot carry (control characters other than tab and newline).
pub fn escape(s: &str) -> String {
    escape_with(s, true)
}

/// Escapes text for XML element content (quotes stay as they are, so the
/// reports read as they print).
pub fn escape_text(s: &str) -> String {
    escape_with(s, false)
}

fn escape_with(s: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An error of a file, as the text report would print it.
fn error_text(e: &ErrorView) -> String {
    let at = match (e.line, e.col) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", e.file),
        _ => e.file.clone(),
    };
    let mut t = format!("error: {at}: {}: {}", e.error, e.message);
    if !e.label.is_empty() {
        t.push_str(&format!("\n  {}", e.label));
    }
    if let Some(h) = &e.help {
        t.push_str(&format!("\n  = help: {h}"));
    }
    for n in &e.notes {
        t.push_str(&format!("\n  = note: {n}"));
    }
    t
}

/// The JUnit XML of a run. `style` lays out the text reports the cases
/// carry (without colour: XML cannot carry escape codes).
pub fn render(results: &[FileResult], style: Style) -> String {
    let style = Style {
        color: false,
        ..style
    };
    let summary = RunSummary::of(results);
    let count = |f: fn(&FileVerdict) -> bool| summary.files.iter().filter(|(_, v)| f(v)).count();
    let failures = count(|v| matches!(v, FileVerdict::Unexpected { .. }));
    let errors = count(|v| matches!(v, FileVerdict::Invalid | FileVerdict::Internal));
    let skipped = count(|v| matches!(v, FileVerdict::NotChecked));
    let seconds: f64 = results
        .iter()
        .map(|r| match r {
            FileResult::Checked(report) => report.stats.seconds,
            FileResult::Failed { .. } | FileResult::NotChecked { .. } => 0.0,
        })
        .sum();
    let mut cases = String::new();
    for r in results {
        let verdict = r.verdict();
        let why = escape(&words::file_verdict(&verdict));
        let file = escape(r.file());
        match r {
            FileResult::Checked(report) => {
                let _ = write!(
                    cases,
                    "    <testcase name=\"{}\" classname=\"{file}\" file=\"{file}\" time=\"{:.3}\"",
                    escape(&report.scenario),
                    report.stats.seconds
                );
                let body = escape_text(&text::render(report, style));
                match verdict {
                    FileVerdict::AsExpected
                        if report.bugs.is_empty()
                            && report.stats.collision_probability.is_none()
                            && report.stats.bitstate.is_none()
                            && report.unsynced.is_empty() =>
                    {
                        cases.push_str("/>\n");
                    }
                    // A fingerprint or bit-state search says what it may
                    // have missed, a search that left races undecided why.
                    FileVerdict::AsExpected if report.bugs.is_empty() => {
                        let _ = writeln!(
                            cases,
                            ">\n      <system-out>{}</system-out>\n    </testcase>",
                            escape_text(&words::scenario_verdict(report))
                        );
                    }
                    FileVerdict::AsExpected => {
                        let _ = writeln!(
                            cases,
                            ">\n      <system-out>{body}</system-out>\n    </testcase>"
                        );
                    }
                    FileVerdict::Unexpected { .. }
                    | FileVerdict::Invalid
                    | FileVerdict::Internal
                    | FileVerdict::NotChecked => {
                        let kinds = escape(&words::kinds(
                            &report.bugs.iter().map(|b| b.kind).collect::<Vec<_>>(),
                        ));
                        let _ = writeln!(
                            cases,
                            ">\n      <failure message=\"{why}\" type=\"{kinds}\">{body}</failure>\n    </testcase>"
                        );
                    }
                }
            }
            FileResult::Failed { errors, .. } => {
                let body: Vec<String> = errors.iter().map(error_text).collect();
                let kind = errors.first().map_or("error", |e| e.error.as_str());
                let _ = writeln!(
                    cases,
                    "    <testcase name=\"{file}\" classname=\"{file}\" file=\"{file}\" time=\"0\">\n      <error message=\"{why}\" type=\"{kind}\">{}</error>\n    </testcase>",
                    escape_text(&body.join("\n"))
                );
            }
            FileResult::NotChecked { .. } => {
                let _ = writeln!(
                    cases,
                    "    <testcase name=\"{file}\" classname=\"{file}\" file=\"{file}\" time=\"0\">\n      <skipped message=\"{why}\"/>\n    </testcase>"
                );
            }
        }
    }
    let n = results.len();
    let attrs = format!(
        "tests=\"{n}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{seconds:.3}\""
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"weft\" {attrs}>\n  <testsuite name=\"weft check\" {attrs}>\n{cases}  </testsuite>\n</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            escape("a < b && \"c\" > 'd'\n"),
            "a &lt; b &amp;&amp; &quot;c&quot; &gt; &apos;d&apos;\n"
        );
        assert_eq!(escape("\x1b[31mred\x1b[0m"), "[31mred[0m");
        assert_eq!(escape_text("Send(\"ch\") < 'x'"), "Send(\"ch\") &lt; 'x'");
    }
}
