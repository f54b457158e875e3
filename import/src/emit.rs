//! Writing scenario text with a source map: every statement written is
//! recorded with its span in the text and the span of the Go code it was
//! made from.

use std::cell::RefCell;
use std::rc::Rc;

use weft_models::span::Span;

/// Statements an expression needs first (a call or receive inside it):
/// written before the next statement of whichever emitter writes next.
pub type Hoisted = Rc<RefCell<Vec<(String, Span)>>>;

/// RON text being written, with `(generated, original)` span pairs.
#[derive(Default)]
pub struct Emitter {
    /// The text so far.
    pub out: String,
    /// `(span in out, span in the Go file)` of every statement written.
    pub entries: Vec<(Span, Span)>,
    indent: usize,
    /// Statements opened and not closed yet: start offset and Go span.
    open: Vec<(usize, Span)>,
    /// The Go file's name as comments show it.
    file: String,
    /// The Go file's line starts, for `// go: file.go:LINE` comments.
    lines: Vec<usize>,
    /// Statements to write before the next one.
    pub hoisted: Hoisted,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Escapes `s` as the contents of a RON string.
pub fn esc(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `s` as a quoted RON string.
pub fn q(s: &str) -> String {
    format!("\"{}\"", esc(s))
}

/// The `results` field of a function whose named results are `results`
/// (name and Go type): `, results: {"n": "int"}`, or nothing.
pub fn results_field(results: &[(String, String)]) -> String {
    if results.is_empty() {
        return String::new();
    }
    let named: Vec<String> = results
        .iter()
        .map(|(n, t)| format!("{}: {}", q(n), q(t)))
        .collect();
    format!(", results: {{{}}}", named.join(", "))
}

/// An expression as a RON value: integer and boolean literals bare, any
/// other expression as a string.
pub fn lit(expr: &str) -> String {
    let t = expr.trim();
    if t == "true" || t == "false" || (t.parse::<i64>().is_ok() && !t.starts_with('+')) {
        t.to_string()
    } else {
        q(t)
    }
}

impl Emitter {
    /// An emitter whose comments name `file`, with `text` the Go source.
    pub fn new(file: &str, text: &str, indent: usize, hoisted: &Hoisted) -> Self {
        let lines = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Emitter {
            file: file.to_string(),
            lines,
            indent,
            hoisted: hoisted.clone(),
            ..Default::default()
        }
    }

    /// A fresh emitter for the same file at `indent`.
    pub fn child(&self, indent: usize) -> Self {
        Emitter {
            file: self.file.clone(),
            lines: self.lines.clone(),
            indent,
            hoisted: self.hoisted.clone(),
            ..Default::default()
        }
    }

    /// A fresh emitter for the statements of a block this one opens next.
    pub fn nested(&self) -> Self {
        self.child(self.indent + 1)
    }

    fn line_of(&self, go: Span) -> usize {
        self.lines.partition_point(|&s| s <= go.start as usize)
    }

    fn comment(&self, go: Span) -> String {
        format!("  // go: {}:{}", self.file, self.line_of(go))
    }

    fn pad(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    /// A plain line (no source map entry), e.g. a field of the scenario.
    pub fn line(&mut self, text: &str) {
        self.pad();
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// The one-line statements written, without their comments, each
    /// made from `go` (to hoist what a scratch emitter wrote before the
    /// current statement).
    pub fn statements(&self, go: Span) -> impl Iterator<Item = (String, Span)> + '_ {
        self.out.lines().map(move |line| {
            let text = line
                .split("  // go:")
                .next()
                .unwrap_or("")
                .trim()
                .trim_end_matches(',');
            (text.to_string(), go)
        })
    }

    /// Writes the hoisted statements (also at the end of each Go
    /// statement: one whose translation wrote nothing after them, such as
    /// `fmt.Println(m[k])`, must not leave them to whatever comes next,
    /// perhaps outside its goroutine's body).
    pub fn flush(&mut self) {
        let pending: Vec<(String, Span)> = self.hoisted.borrow_mut().drain(..).collect();
        for (text, go) in pending {
            self.write_leaf(&text, go);
        }
    }

    /// A one-line statement `text,` made from `go`.
    pub fn leaf(&mut self, text: &str, go: Span) {
        self.flush();
        self.write_leaf(text, go);
    }

    fn write_leaf(&mut self, text: &str, go: Span) {
        self.pad();
        let start = self.out.len();
        self.out.push_str(text);
        let end = self.out.len();
        self.out.push(',');
        self.out.push_str(&self.comment(go));
        self.out.push('\n');
        self.entries
            .push((Span::new(to_u32(start), to_u32(end)), go));
    }

    /// Opens a statement with blocks: writes `head` (ending in `[`), made
    /// from `go`; the blocks' statements follow, one level deeper.
    pub fn open(&mut self, head: &str, go: Span) {
        self.flush();
        self.pad();
        let start = self.out.len();
        self.out.push_str(head);
        self.out.push_str(&self.comment(go));
        self.out.push('\n');
        self.open.push((start, go));
        self.indent += 1;
    }

    /// Between two blocks of the open statement: `text` such as `], [`.
    pub fn mid(&mut self, text: &str) {
        self.indent -= 1;
        self.pad();
        self.out.push_str(text);
        self.out.push('\n');
        self.indent += 1;
    }

    /// Closes the open statement with `tail` (such as `])`) and a comma.
    pub fn close(&mut self, tail: &str) {
        self.indent -= 1;
        self.pad();
        self.out.push_str(tail);
        let end = self.out.len();
        self.out.push_str(",\n");
        if let Some((start, go)) = self.open.pop() {
            self.entries
                .push((Span::new(to_u32(start), to_u32(end)), go));
        }
    }

    /// Appends another emitter's text and entries.
    pub fn append(&mut self, other: Emitter) {
        let shift = to_u32(self.out.len());
        self.out.push_str(&other.out);
        self.entries.extend(other.entries.into_iter().map(|(g, o)| {
            (
                Span::new(g.start.saturating_add(shift), g.end.saturating_add(shift)),
                o,
            )
        }));
    }
}
