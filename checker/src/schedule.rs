//! Schedules as short, readable, versioned text: the replay token.
//!
//! `v1:` followed by one item per step, separated by `.`:
//! - `3` — goroutine 3 (by position in the state) takes its only move;
//! - `3c1` — goroutine 3 takes alternative 1 (select arm, choice value;
//!   the arm count means `default`);
//! - `0>2`, `0c1>2c0` — goroutine 0 sends to goroutine 2 (with arms);
//! - `t4` — timer or deadline object 4 fires.

use crate::semantics::{Transition, PLAIN};
use crate::value::ObjRef;

/// The version prefix of tokens this build writes and reads.
pub const VERSION: &str = "v1";

/// Why a token could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Missing or unknown version prefix.
    #[error("schedule token must start with `{VERSION}:`, found `{0}`")]
    Version(String),
    /// An item that is not a step.
    #[error("step {index} of the schedule, `{item}`, is not a valid step (expected e.g. `2`, `2c1`, `0>1` or `t3`)")]
    Item {
        /// 1-based step number.
        index: usize,
        /// The text.
        item: String,
    },
}

fn arm(a: u32) -> String {
    if a == PLAIN {
        String::new()
    } else {
        format!("c{a}")
    }
}

/// Encodes a path.
pub fn encode(path: &[Transition]) -> String {
    let items: Vec<String> = path
        .iter()
        .map(|t| match *t {
            Transition::Step { g, alt: 0 } => format!("{g}"),
            Transition::Step { g, alt } => format!("{g}c{alt}"),
            Transition::Rendezvous {
                sender,
                send_arm,
                receiver,
                recv_arm,
            } => format!("{sender}{}>{receiver}{}", arm(send_arm), arm(recv_arm)),
            Transition::Fire { object } => format!("t{}", object.0),
        })
        .collect();
    format!("{VERSION}:{}", items.join("."))
}

fn goroutine_arm(s: &str) -> Option<(u32, Option<u32>)> {
    match s.split_once('c') {
        Some((g, a)) => Some((g.parse().ok()?, Some(a.parse().ok()?))),
        None => Some((s.parse().ok()?, None)),
    }
}

/// Decodes a token.
pub fn decode(token: &str) -> Result<Vec<Transition>, TokenError> {
    let token = token.trim();
    let Some(body) = token.strip_prefix(&format!("{VERSION}:")) else {
        return Err(TokenError::Version(token.chars().take(10).collect()));
    };
    if body.is_empty() {
        return Ok(Vec::new());
    }
    body.split('.')
        .enumerate()
        .map(|(i, item)| {
            let bad = || TokenError::Item {
                index: i + 1,
                item: item.to_string(),
            };
            if let Some(o) = item.strip_prefix('t') {
                return o
                    .parse()
                    .map(|o| Transition::Fire { object: ObjRef(o) })
                    .map_err(|_| bad());
            }
            if let Some((s, r)) = item.split_once('>') {
                let (sender, sa) = goroutine_arm(s).ok_or_else(bad)?;
                let (receiver, ra) = goroutine_arm(r).ok_or_else(bad)?;
                return Ok(Transition::Rendezvous {
                    sender,
                    send_arm: sa.unwrap_or(PLAIN),
                    receiver,
                    recv_arm: ra.unwrap_or(PLAIN),
                });
            }
            let (g, alt) = goroutine_arm(item).ok_or_else(bad)?;
            Ok(Transition::Step {
                g,
                alt: alt.unwrap_or(0),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let path = vec![
            Transition::Step { g: 0, alt: 0 },
            Transition::Step { g: 2, alt: 3 },
            Transition::Rendezvous {
                sender: 1,
                send_arm: PLAIN,
                receiver: 0,
                recv_arm: 2,
            },
            Transition::Fire { object: ObjRef(7) },
        ];
        let token = encode(&path);
        assert_eq!(token, "v1:0.2c3.1>0c2.t7");
        assert_eq!(decode(&token), Ok(path));
    }

    #[test]
    fn bad_tokens() {
        assert!(matches!(decode("0.1"), Err(TokenError::Version(_))));
        assert_eq!(
            decode("v1:0.x"),
            Err(TokenError::Item {
                index: 2,
                item: "x".into()
            })
        );
        assert_eq!(decode("v1:"), Ok(vec![]));
    }
}
