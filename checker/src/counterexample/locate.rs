//! Code locations of a counterexample as a reader sees them: line, column
//! and the operation's source text on one line.

use weft_models::ir::Program;
use weft_models::span::{SourceFile, SourceMap, Span};
use weft_reports::view::Location;

use crate::counterexample::describe;
use crate::state::Site;

/// Maps code locations of one program to source positions.
pub struct Locator<'a> {
    /// The scenario file.
    pub file: &'a SourceFile,
    /// The program lowered from it.
    pub prog: &'a Program,
    /// For a scenario imported from Go (`weft check FILE.go`), the map from
    /// its generated text to the Go file: every location is then the Go
    /// file's line, column and code, in every view.
    pub origin: Option<&'a SourceMap>,
}

/// Source text on one line: comments dropped, whitespace collapsed, no
/// space just inside brackets and no trailing comma before a closing one.
pub fn one_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            }
            if !in_str && c == '/' && prev == '/' {
                cut = i - 1;
                break;
            }
            prev = c;
        }
        out.push(' ');
        out.push_str(line[..cut].trim());
    }
    let mut s = String::new();
    let mut in_str = false;
    let chars: Vec<char> = out.trim().chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '"' {
            in_str = !in_str;
        }
        if !in_str && c.is_whitespace() {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            let last = s.chars().last();
            if last.is_none_or(|l| l == ' ' || l == '[' || l == '(')
                || matches!(next, Some(']' | ')') | None)
            {
                continue;
            }
            s.push(' ');
            continue;
        }
        if !in_str && matches!(c, ']' | ')') && s.ends_with(',') {
            s.pop();
        }
        s.push(c);
    }
    s
}

impl Locator<'_> {
    /// The position and text of a span.
    pub(crate) fn span(&self, span: Span) -> Location {
        if let Some(map) = self.origin {
            if let Some(go) = map.original(span.start) {
                let (line, col) = map.source.line_col(go.start);
                let text = map.source.slice(go);
                let first = text.lines().next().unwrap_or("").trim();
                return Location {
                    line,
                    col,
                    text: first.to_string(),
                };
            }
        }
        let (line, col) = self.file.line_col(span.start);
        Location {
            line,
            col,
            text: one_line(self.file.slice(span)),
        }
    }

    /// The position of an instruction; for a select step, of the case taken.
    pub fn site(&self, site: Site, alt: Option<u32>) -> Location {
        if let Some(span) = alt.and_then(|a| describe::case_span(self.prog, site, a)) {
            return self.span(span);
        }
        self.span(self.prog.instr(site.func, site.pc).span)
    }

    /// The `line:col` of an instruction.
    pub(crate) fn line_col(&self, site: Site) -> (u32, u32) {
        let l = self.site(site, None);
        (l.line, l.col)
    }
}
