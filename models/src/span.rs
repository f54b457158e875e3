//! Byte spans and source files with a line index.

/// Byte range `[start, end)` in a source file.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// Creates the span `[start, end)`.
    pub fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes (zero if `end < start`).
    pub fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// A named source text with a line index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// Creates a source file and indexes its lines.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| to_u32(i + 1)),
            )
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The file name, as given to [`SourceFile::new`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The full source text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and 1-based column of `offset` (column counted in chars, not bytes).
    ///
    /// Offsets past the end are clamped to the end; offsets inside a multi-byte
    /// character are moved back to the start of that character.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = floor_boundary(&self.text, offset as usize);
        let line = self
            .line_starts
            .partition_point(|&s| s as usize <= offset)
            .max(1);
        let line_start = self.line_starts[line - 1] as usize;
        let col = self.text[line_start..offset].chars().count() + 1;
        (to_u32(line), to_u32(col))
    }

    /// The full text of the 1-based `line`, without its line terminator
    /// (empty for lines that do not exist).
    pub fn line_text(&self, line: u32) -> &str {
        let Some(idx) = (line as usize).checked_sub(1) else {
            return "";
        };
        let Some(&start) = self.line_starts.get(idx) else {
            return "";
        };
        let end = self
            .line_starts
            .get(idx + 1)
            .map_or(self.text.len(), |&e| e as usize);
        let s = &self.text[start as usize..end];
        let s = s.strip_suffix('\n').unwrap_or(s);
        s.strip_suffix('\r').unwrap_or(s)
    }

    /// The text covered by `span`, clamped to the file and to character boundaries.
    /// Never panics.
    pub fn slice(&self, span: Span) -> &str {
        let (start, end) = clamp_range(&self.text, span);
        &self.text[start..end]
    }
}

/// Where a generated scenario's text came from: a source file (the Go file a
/// scenario was imported from) and, for every emitted statement, its span in
/// the scenario text and the span of the code it was made from. Reports of
/// an imported scenario locate everything through it, so every view (text,
/// JSON, SARIF, review page) shows the original file's positions and text.
#[derive(Clone, Debug)]
pub struct SourceMap {
    /// The original file.
    pub source: SourceFile,
    /// `(generated, original)` span pairs, in the order they were added.
    entries: Vec<(Span, Span)>,
}

impl SourceMap {
    /// An empty map onto `source`.
    pub fn new(source: SourceFile) -> Self {
        SourceMap {
            source,
            entries: Vec::new(),
        }
    }

    /// Records that `generated` (in the scenario text) was made from
    /// `original` (in the source file).
    pub fn push(&mut self, generated: Span, original: Span) {
        self.entries.push((generated, original));
    }

    /// The number of recorded pairs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The original span of the innermost recorded generated span that
    /// contains `offset` (a statement inside a block maps to itself, not to
    /// the block), or `None` when no recorded span contains it.
    pub fn original(&self, offset: u32) -> Option<Span> {
        self.entries
            .iter()
            .filter(|(g, _)| g.start <= offset && offset < g.end.max(g.start + 1))
            .min_by_key(|(g, _)| g.len())
            .map(|&(_, o)| o)
    }
}

/// Clamps `span` into `text`: `start` is moved back to a char boundary, `end` forward,
/// and `start <= end <= text.len()` holds afterwards.
pub(crate) fn clamp_range(text: &str, span: Span) -> (usize, usize) {
    let start = floor_boundary(text, span.start as usize);
    let end = ceil_boundary(text, (span.end as usize).max(start));
    (start, end)
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Saturating conversion of an offset to `u32`.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_basics() {
        let a = Span::new(3, 7);
        let b = Span::new(5, 10);
        assert_eq!(a.join(b), Span::new(3, 10));
        assert_eq!(b.join(a), Span::new(3, 10));
        assert_eq!(a.len(), 4);
        assert!(!a.is_empty());
        assert!(Span::new(4, 4).is_empty());
        assert_eq!(Span::new(5, 2).len(), 0);
    }

    #[test]
    fn line_col_and_line_text() {
        let f = SourceFile::new("t.ron", "ab\ncdé f\r\n\nlast");
        assert_eq!(f.name(), "t.ron");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(2), (1, 3)); // the newline itself
        assert_eq!(f.line_col(3), (2, 1));
        // 'é' is two bytes: "cdé f" -> 'f' at byte 3+5=8, char column 5
        assert_eq!(f.line_col(8), (2, 5));
        // inside 'é' (bytes 5..7): clamped back to its start, column 3
        assert_eq!(f.line_col(6), (2, 3));
        assert_eq!(f.line_col(12), (4, 1));
        assert_eq!(f.line_col(1000), (4, 5));
        assert_eq!(f.line_text(1), "ab");
        assert_eq!(f.line_text(2), "cdé f");
        assert_eq!(f.line_text(3), "");
        assert_eq!(f.line_text(4), "last");
        assert_eq!(f.line_text(0), "");
        assert_eq!(f.line_text(5), "");
    }

    #[test]
    fn source_map_finds_the_innermost_statement() {
        let mut m = SourceMap::new(SourceFile::new("a.go", "go source"));
        m.push(Span::new(0, 100), Span::new(1, 2)); // a block
        m.push(Span::new(10, 20), Span::new(3, 4)); // a statement in it
        m.push(Span::new(40, 40), Span::new(5, 6)); // an empty one
        assert_eq!(m.original(15), Some(Span::new(3, 4)));
        assert_eq!(m.original(25), Some(Span::new(1, 2)));
        assert_eq!(m.original(40), Some(Span::new(5, 6)));
        assert_eq!(m.original(100), None);
        assert_eq!(m.len(), 3);
        assert!(!m.is_empty());
    }

    #[test]
    fn slice_clamps() {
        let f = SourceFile::new("t", "aé b");
        assert_eq!(f.slice(Span::new(0, 1)), "a");
        assert_eq!(f.slice(Span::new(1, 3)), "é");
        assert_eq!(f.slice(Span::new(2, 3)), "é");
        assert_eq!(f.slice(Span::new(1, 2)), "é");
        assert_eq!(f.slice(Span::new(3, 100)), " b");
        assert_eq!(f.slice(Span::new(100, 200)), "");
        assert_eq!(f.slice(Span::new(4, 1)), "");
        let empty = SourceFile::new("e", "");
        assert_eq!(empty.line_col(0), (1, 1));
        assert_eq!(empty.line_text(1), "");
    }
}
