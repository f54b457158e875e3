//! Error diagnostics with source locations, and their rendering.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

use crate::span::{clamp_range, SourceFile, Span};

/// An error message attached to a location in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The main message, e.g. "unknown statement `Sned`".
    pub message: String,
    /// The primary location.
    pub span: Span,
    /// Text under the primary underline, e.g. "expected a statement" (may be empty).
    pub label: String,
    /// Other labelled locations, e.g. `(span, "first declared here")`.
    pub secondary: Vec<(Span, String)>,
    /// A suggestion, e.g. "did you mean `Send`?".
    pub help: Option<String>,
    /// Extra explanations, rendered after the source snippet.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with a message and a primary location, and nothing else.
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            message: message.into(),
            span,
            label: String::new(),
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// Sets the label shown under the primary span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a labelled secondary location.
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push((span, label.into()));
        self
    }

    /// Sets the help text (rendered as `= help: ...`).
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note (rendered as `= note: ...`).
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// Renders diagnostics for one file as text, sorted by span start (stable for equal starts).
///
/// Uses `codespan-reporting`'s rich style. Spans are clamped into the file, so this never
/// panics on bad spans. With `color == false` the output contains no escape codes.
pub fn render(file: &SourceFile, diags: &[Diagnostic], color: bool) -> String {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by_key(|d| d.span.start);
    let files = SimpleFile::new(file.name(), file.text());
    let config = term::Config::default();
    let mut plain = termcolor::NoColor::new(Vec::new());
    let mut ansi = termcolor::Ansi::new(Vec::new());
    let writer: &mut dyn termcolor::WriteColor = if color { &mut ansi } else { &mut plain };
    let mut fallback = String::new();
    for d in sorted {
        if term::emit(writer, &config, &files, &to_codespan(file.text(), d)).is_err() {
            fallback.push_str(&render_short(file, d));
            fallback.push('\n');
        }
    }
    let bytes = if color {
        ansi.into_inner()
    } else {
        plain.into_inner()
    };
    let mut out = String::from_utf8_lossy(&bytes).into_owned();
    out.push_str(&fallback);
    out
}

fn to_codespan(text: &str, d: &Diagnostic) -> CsDiagnostic<()> {
    let range = |span: Span| {
        let (start, end) = clamp_range(text, span);
        start..end
    };
    let mut labels = vec![Label::primary((), range(d.span)).with_message(d.label.clone())];
    labels.extend(
        d.secondary
            .iter()
            .map(|(span, msg)| Label::secondary((), range(*span)).with_message(msg.clone())),
    );
    let mut notes: Vec<String> = d.help.iter().map(|h| format!("help: {h}")).collect();
    notes.extend(d.notes.iter().map(|n| format!("note: {n}")));
    CsDiagnostic::error()
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// One line: `file:line:col: error: message` (for logs and JSON).
pub fn render_short(file: &SourceFile, diag: &Diagnostic) -> String {
    let (line, col) = file.line_col(diag.span.start);
    format!("{}:{line}:{col}: error: {}", file.name(), diag.message)
}

/// "Did you mean" helper: the candidate with the smallest case-insensitive edit distance
/// to `word`, if that distance is at most `max(1, len / 3)` (`len` in chars of `word`).
/// Ties go to the earliest candidate.
///
/// The distance is Levenshtein extended with adjacent transpositions (so `Sned` is one
/// edit from `Send`).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    let max = (word.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        let c: Vec<char> = cand.to_lowercase().chars().collect();
        if c.len().abs_diff(word.len()) > max {
            continue;
        }
        let d = edit_distance(&word, &c);
        let better = match best {
            None => true,
            Some((bd, _)) => d < bd,
        };
        if d <= max && better {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance where swapping two adjacent characters also counts as one edit
/// (optimal string alignment), so `Sned` is one edit away from `Send`.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    // rows[i][j]: distance between a[..i] and b[..j]; only three rows are kept.
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (SourceFile, Diagnostic) {
        let text = "Scenario(\n    main: [Sned(chan: \"c\")],\n)\n";
        let file = SourceFile::new("demo.ron", text);
        let start = text.find("Sned").expect("sample contains Sned") as u32;
        let d = Diagnostic::new("unknown statement `Sned`", Span::new(start, start + 4))
            .with_label("expected a statement")
            .with_help("did you mean `Send`?");
        (file, d)
    }

    #[test]
    fn render_exact_text() {
        let (file, d) = sample();
        let out = render(&file, &[d], false);
        let expected = "\
error: unknown statement `Sned`
  ┌─ demo.ron:2:12
  │
2 │     main: [Sned(chan: \"c\")],
  │            ^^^^ expected a statement
  │
  = help: did you mean `Send`?

";
        assert_eq!(out, expected);
        assert!(!out.contains('\u{1b}'));
    }

    #[test]
    fn render_secondary_notes_and_color() {
        let (file, d) = sample();
        let d = d
            .with_secondary(Span::new(0, 8), "in this scenario")
            .with_note("statements are listed in the manual");
        let out = render(&file, std::slice::from_ref(&d), false);
        assert!(out.contains("in this scenario"), "{out}");
        assert!(
            out.contains("= note: statements are listed in the manual"),
            "{out}"
        );
        let colored = render(&file, &[d], true);
        assert!(colored.contains('\u{1b}'));
    }

    #[test]
    fn render_sorts_and_survives_bad_spans() {
        let file = SourceFile::new("x.ron", "aé\nb");
        let diags = vec![
            Diagnostic::new("second", Span::new(3, 4)),
            Diagnostic::new("first", Span::new(0, 1)),
            Diagnostic::new("inside char", Span::new(2, 2)),
            Diagnostic::new("way out", Span::new(100, 50)).with_secondary(Span::new(7, 9), "x"),
            Diagnostic::new("empty at end", Span::new(5, 5)),
        ];
        let out = render(&file, &diags, false);
        let first = out.find("error: first").expect("first rendered");
        let second = out.find("error: second").expect("second rendered");
        assert!(first < second);
        assert!(out.contains("way out"));
        let empty = SourceFile::new("e.ron", "");
        let out = render(
            &empty,
            &[Diagnostic::new("nothing", Span::new(0, 3))],
            false,
        );
        assert!(out.contains("e.ron:1:1"), "{out}");
    }

    #[test]
    fn short_form() {
        let (file, d) = sample();
        assert_eq!(
            render_short(&file, &d),
            "demo.ron:2:12: error: unknown statement `Sned`"
        );
    }

    #[test]
    fn closest_candidates() {
        let stmts = ["Send", "Recv", "Select", "Spawn", "Return"];
        assert_eq!(closest("Sned", stmts), Some("Send"));
        assert_eq!(closest("send", stmts), Some("Send"));
        assert_eq!(closest("Selct", stmts), Some("Select"));
        assert_eq!(closest("Rcv", stmts), Some("Recv"));
        assert_eq!(closest("Xyzzy", stmts), None);
        assert_eq!(closest("", stmts), None);
        // ties: first candidate wins
        assert_eq!(closest("ab", ["ac", "ad"]), Some("ac"));
        assert_eq!(closest("a", std::iter::empty()), None);
        assert_eq!(edit_distance(&['a', 'b', 'c'], &['a', 'c', 'b']), 1);
        assert_eq!(edit_distance(&['k', 'i', 't'], &['s', 'i', 't', 's']), 2);
        assert_eq!(edit_distance(&[], &['x', 'y']), 2);
    }
}
