//! The deterministic RON mutation generator shared by `ron_reader_fuzz.rs` (the
//! hand-written reader never panics) and `ron_differential.rs` (it agrees with the
//! `ron` crate).

/// Hand-written RON texts covering the grammar; the mutations start from these.
pub const SAMPLES: [&str; 3] = [
    r#"Scenario(name: "x", main: [Send(chan: "ch", value: 1), Select([Recv("a"), Default([])])], funcs: {"w": (params: ["a"], body: [Return])})"#,
    r##"#![enable(implicit_some)]
// A producer/consumer with a buffered channel.
Scenario(
    name: "prodcons",
    /* globals /* nested */ */
    chans: [Chan(name: "jobs", cap: 0x10), Chan(name: "done", cap: 0)],
    main: [
        Spawn("worker", args: ["jobs"]),
        Loop(times: 3, body: [Send(chan: "jobs", value: -1_000)]),
        Close("jobs"),
        Recv(chan: "done", into: Some("ok")),
    ],
    funcs: {
        "worker": (params: ["c"], body: [Range(chan: "c", var: "v", body: [Assert(r#"v < 0 && "q" != ''"#)])]),
    },
    expect: Deadlock,
)
"##,
    r#"Test(
    cases: [
        (input: 'x', output: "tab\there \u{1F600}", weight: 1.5, ok: true),
        (input: '\n', output: r"raw\n", weight: 0b1010, ok: false),
    ],
    limits: {steps: 1000, depth: 0o17},
    tags: [A, B(), C(1,), D(x: 2,),],
    unit: (),
)"#,
];

/// xorshift64*: tiny deterministic PRNG.
pub struct Rng(pub u64);

impl Rng {
    /// The next pseudo-random number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A pseudo-random number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Crude tokenization for mutations: identifier/number runs, whole quoted strings,
/// whitespace runs, and single other characters. Tokens concatenate back to `text`.
fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        i += 1;
        if c.is_alphanumeric() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c == '"' {
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i = (i + 1).min(chars.len());
        } else if c.is_whitespace() {
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
        }
        out.push(chars[start..i].iter().collect());
    }
    out
}

/// Characters the mutations insert: RON punctuation and a few troublemakers.
pub const PUNCT: &[char] = &[
    '(', ')', '[', ']', '{', '}', ',', ':', '"', '\'', '#', '!', '/', '*', '-', '+', '.', '\\',
    'r', '0', 'x', ' ', '\n', 'é', '\u{0}',
];

/// `text` after one random mutation: a character or token deleted, duplicated,
/// swapped, inserted or replaced, or the text truncated.
pub fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut toks = tokens(text);
    let chars: Vec<char> = text.chars().collect();
    let n = toks.len();
    match rng.below(7) {
        0 => {
            // delete a char
            let mut c = chars;
            if !c.is_empty() {
                let i = rng.below(c.len());
                c.remove(i);
            }
            return c.into_iter().collect();
        }
        1 => {
            if n > 0 {
                toks.remove(rng.below(n));
            }
        }
        2 => {
            if n > 0 {
                let i = rng.below(n);
                let t = toks[i].clone();
                toks.insert(rng.below(n + 1), t);
            }
        }
        3 => {
            if n > 1 {
                let (i, j) = (rng.below(n), rng.below(n));
                toks.swap(i, j);
            }
        }
        4 => {
            let mut c = chars;
            let i = rng.below(c.len() + 1);
            c.insert(i, PUNCT[rng.below(PUNCT.len())]);
            return c.into_iter().collect();
        }
        5 => {
            return chars[..rng.below(chars.len() + 1)].iter().collect();
        }
        _ => {
            // replace a token with a punctuation char
            if n > 0 {
                let i = rng.below(n);
                toks[i] = PUNCT[rng.below(PUNCT.len())].to_string();
            }
        }
    }
    toks.concat()
}

/// The mutated inputs of the fuzz tests, always the same: for each sample, 2000
/// texts, each with 1 to 3 stacked mutations.
pub fn mutated_samples() -> Vec<String> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::new();
    for sample in SAMPLES {
        for _ in 0..2000 {
            out.push(mutate_stacked(&mut rng, sample));
        }
    }
    out
}

/// `text` after 1 to 3 stacked mutations.
pub fn mutate_stacked(rng: &mut Rng, text: &str) -> String {
    let mut text = text.to_string();
    for _ in 0..=rng.below(3) {
        text = mutate(rng, &text);
    }
    text
}
