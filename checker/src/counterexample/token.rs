//! Schedules as short, readable, versioned text: the replay token.
//!
//! A token names the choice made at every step of a run, so that `weft
//! replay` can re-execute exactly that run. It is pure syntax: which
//! goroutine moves and which alternative it takes. Turning an item into a
//! transition of a particular state (and checking that it is enabled) is the
//! replayer's job ([`crate::counterexample::replay`]).
//!
//! ```text
//! token     = "v1:" [ item *( "." item ) ]
//! item      = move                 ; one goroutine moves
//!           / move "+" move        ; an unbuffered send and its receive, as one step (sender first)
//!           / "t" [ number ]       ; the n-th pending timer or deadline fires (default 1)
//! move      = goroutine [ alt ]
//! goroutine = number               ; spawn order: 0 is main, 1 the first goroutine started, ...
//! alt       = "s" number           ; select case n (1-based, source order)
//!           / "d"                  ; select default
//!           / "c" number           ; choice alternative n (Choose value, Either branch; 1-based)
//! number    = 1*DIGIT
//! ```
//!
//! For example `v1:0.0.1c1.t.0s3`: main moves twice, goroutine 1 takes
//! choice 1, the timer fires, main takes select case 3. `1+0s2` is
//! goroutine 1 sending to main, which receives in its select case 2.
//! Every character of a token is safe unquoted in a shell.

use std::fmt;

use weft_reports::view::{Asked, AskedAlt};

/// The version prefix of tokens this build writes and reads.
pub(crate) const VERSION: &str = "v1";

/// The alternative a goroutine takes at its operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Alt {
    /// The operation has no alternatives.
    Only,
    /// Select case `n` (1-based, in source order).
    Case(u32),
    /// The select's `default`.
    Default,
    /// Choice-point alternative `n` (1-based): a `Choose` value or an
    /// `Either` branch.
    Choice(u32),
}

/// One goroutine's part in a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Move {
    /// The goroutine, by spawn order in the run (0 is main).
    pub goroutine: u32,
    /// Its alternative.
    pub alt: Alt,
}

/// One step of a schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    /// One goroutine executes its next operation.
    Step(Move),
    /// An unbuffered send and the receive that takes its value, as one step.
    Handoff {
        /// The sender (a plain send, or a select case).
        sender: Move,
        /// The receiver (a plain receive, or a select case).
        receiver: Move,
    },
    /// The `n`-th pending timer, ticker or context deadline fires (1-based,
    /// in the order the replayer lists them).
    Fire(u32),
}

impl fmt::Display for Move {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.goroutine)?;
        match self.alt {
            Alt::Only => Ok(()),
            Alt::Case(n) => write!(f, "s{n}"),
            Alt::Default => f.write_str("d"),
            Alt::Choice(n) => write!(f, "c{n}"),
        }
    }
}

impl From<Alt> for AskedAlt {
    fn from(a: Alt) -> Self {
        match a {
            Alt::Only => AskedAlt::Only,
            Alt::Case(n) => AskedAlt::Case(n),
            Alt::Default => AskedAlt::Default,
            Alt::Choice(n) => AskedAlt::Choice(n),
        }
    }
}

impl Item {
    /// What the item asks for, for messages.
    pub(crate) fn asked(&self) -> Asked {
        match *self {
            Item::Step(m) => Asked::Step(m.goroutine, m.alt.into()),
            Item::Handoff { sender, receiver } => Asked::Handoff {
                sender: sender.goroutine,
                receiver: receiver.goroutine,
                receiver_case: match receiver.alt {
                    Alt::Case(n) => Some(n),
                    Alt::Only | Alt::Default | Alt::Choice(_) => None,
                },
            },
            Item::Fire(n) => Asked::Fire(n),
        }
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Step(m) => write!(f, "{m}"),
            Item::Handoff { sender, receiver } => write!(f, "{sender}+{receiver}"),
            Item::Fire(1) => f.write_str("t"),
            Item::Fire(n) => write!(f, "t{n}"),
        }
    }
}

/// Why a token could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Missing or unknown version prefix.
    #[error("a schedule token starts with `{VERSION}:`, found `{0}`")]
    Version(String),
    /// An item that is not a step.
    #[error("step {index} of the schedule, `{item}`, is not a valid step: {reason} (a step looks like `2`, `2s1`, `2d`, `2c3`, `1+0s2` or `t`)")]
    Item {
        /// 1-based step number.
        index: usize,
        /// The text.
        item: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Encodes a schedule.
pub fn encode(items: &[Item]) -> String {
    let mut out = format!("{VERSION}:");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(&item.to_string());
    }
    out
}

fn number(s: &str) -> Result<u32, &'static str> {
    if s.is_empty() {
        return Err("a number is missing");
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected a number");
    }
    s.parse().map_err(|_| "the number is too large")
}

fn positive(s: &str) -> Result<u32, &'static str> {
    match number(s)? {
        0 => Err("alternatives are numbered from 1"),
        n => Ok(n),
    }
}

fn parse_move(s: &str) -> Result<Move, &'static str> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (g, rest) = s.split_at(split);
    let goroutine = number(g).map_err(|_| "expected a goroutine number")?;
    let alt = match rest.as_bytes().first() {
        None => Alt::Only,
        Some(b's') => Alt::Case(positive(&rest[1..])?),
        Some(b'c') => Alt::Choice(positive(&rest[1..])?),
        Some(b'd') if rest.len() == 1 => Alt::Default,
        Some(b'd') => return Err("`d` takes no number"),
        Some(_) => return Err("after the goroutine number comes `s`, `d`, `c` or nothing"),
    };
    Ok(Move { goroutine, alt })
}

fn parse_item(s: &str) -> Result<Item, &'static str> {
    if let Some(n) = s.strip_prefix('t') {
        return Ok(Item::Fire(if n.is_empty() { 1 } else { positive(n)? }));
    }
    if let Some((a, b)) = s.split_once('+') {
        let sender = parse_move(a)?;
        let receiver = parse_move(b)?;
        let plain_or_case = |m: &Move| matches!(m.alt, Alt::Only | Alt::Case(_));
        if !plain_or_case(&sender) || !plain_or_case(&receiver) {
            return Err("both sides of a hand-off are a plain operation or a select case");
        }
        return Ok(Item::Handoff { sender, receiver });
    }
    Ok(Item::Step(parse_move(s)?))
}

/// Decodes a token.
pub fn decode(token: &str) -> Result<Vec<Item>, TokenError> {
    let token = token.trim();
    let Some(body) = token
        .strip_prefix(VERSION)
        .and_then(|r| r.strip_prefix(':'))
    else {
        return Err(TokenError::Version(token.chars().take(12).collect()));
    };
    if body.is_empty() {
        return Ok(Vec::new());
    }
    body.split('.')
        .enumerate()
        .map(|(i, item)| {
            parse_item(item).map_err(|reason| TokenError::Item {
                index: i + 1,
                item: item.to_string(),
                reason,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mv(goroutine: u32, alt: Alt) -> Move {
        Move { goroutine, alt }
    }

    #[test]
    fn example_token() {
        let items = vec![
            Item::Step(mv(0, Alt::Only)),
            Item::Step(mv(1, Alt::Choice(2))),
            Item::Handoff {
                sender: mv(1, Alt::Only),
                receiver: mv(0, Alt::Case(3)),
            },
            Item::Step(mv(2, Alt::Default)),
            Item::Fire(1),
            Item::Fire(2),
        ];
        let token = encode(&items);
        assert_eq!(token, "v1:0.1c2.1+0s3.2d.t.t2");
        assert_eq!(decode(&token), Ok(items));
        assert_eq!(decode("v1:t1"), Ok(vec![Item::Fire(1)]));
        assert_eq!(decode(" v1: ").map(|v| v.len()), Ok(0));
    }

    #[test]
    fn bad_tokens_say_which_step_and_why() {
        assert_eq!(decode("0.1"), Err(TokenError::Version("0.1".into())));
        assert!(matches!(decode("v2:0"), Err(TokenError::Version(_))));
        let err = |t: &str| match decode(t) {
            Err(TokenError::Item {
                index,
                item,
                reason,
            }) => (index, item, reason),
            other => panic!("expected an item error for {t}, got {other:?}"),
        };
        assert_eq!(
            err("v1:0.x"),
            (2, "x".into(), "expected a goroutine number")
        );
        assert_eq!(
            err("v1:0s0"),
            (1, "0s0".into(), "alternatives are numbered from 1")
        );
        assert_eq!(err("v1:0.1d2").2, "`d` takes no number");
        assert_eq!(
            err("v1:1c1+0").2,
            "both sides of a hand-off are a plain operation or a select case"
        );
        assert_eq!(err("v1:0..1").0, 2);
        assert!(decode("v1:0q").is_err());
        assert_eq!(
            decode("v1:0.x").map_err(|e| e.to_string()),
            Err("step 2 of the schedule, `x`, is not a valid step: expected a goroutine number (a step looks like `2`, `2s1`, `2d`, `2c3`, `1+0s2` or `t`)".into())
        );
    }

    fn alt() -> impl Strategy<Value = Alt> {
        prop_oneof![
            Just(Alt::Only),
            Just(Alt::Default),
            (1u32..=u32::MAX).prop_map(Alt::Case),
            (1u32..=u32::MAX).prop_map(Alt::Choice),
        ]
    }

    fn comm() -> impl Strategy<Value = Alt> {
        prop_oneof![Just(Alt::Only), (1u32..50).prop_map(Alt::Case)]
    }

    fn item() -> impl Strategy<Value = Item> {
        prop_oneof![
            (any::<u32>(), alt()).prop_map(|(g, a)| Item::Step(mv(g, a))),
            (0u32..64, comm(), 0u32..64, comm()).prop_map(|(s, sa, r, ra)| Item::Handoff {
                sender: mv(s, sa),
                receiver: mv(r, ra),
            }),
            (1u32..=u32::MAX).prop_map(Item::Fire),
        ]
    }

    proptest! {
        #[test]
        fn encode_decode_round_trip(items in proptest::collection::vec(item(), 0..40)) {
            let token = encode(&items);
            prop_assert!(token.starts_with("v1:"));
            prop_assert!(token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:+".contains(c)));
            prop_assert_eq!(decode(&token), Ok(items.clone()));
            // Decoding is the inverse on text too (tokens are canonical).
            prop_assert_eq!(encode(&decode(&token).expect("decodes")), token);
        }

        #[test]
        fn decoding_never_panics(s in "v1:[0-9tscd+.]{0,30}") {
            let _ = decode(&s);
        }
    }
}
