//! Channels: unbuffered (a send and its receive are one joint step),
//! buffered (a FIFO of capacity `cap`), closed, and nil (never ready).

use smallvec::SmallVec;

use super::waits::{Blocked, Release, WaitNote, Waiting};
use super::{Exec, Fault, StepResult};
use crate::state::Object;
use crate::value::{ObjRef, Value};

/// The state of a channel.
#[derive(Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct ChannelState {
    /// Capacity (0 = unbuffered).
    pub cap: u32,
    /// Buffered values, oldest first.
    pub buf: SmallVec<[Value; 2]>,
    /// Closed by `close`.
    pub closed: bool,
    /// The timer or ticker that sends on this channel, if any (keeps it
    /// alive while the channel is reachable).
    pub timer: Option<ObjRef>,
    /// Its elements are references: a receive from it closed gives nil
    /// (Go's zero value of a pointer, channel, ...), not 0.
    #[serde(default)]
    pub nil_zero: bool,
}

impl Clone for ChannelState {
    /// The buffer copied in one move (a derived clone pushes it element
    /// by element; channels are cloned with every state a step copies).
    fn clone(&self) -> Self {
        ChannelState {
            cap: self.cap,
            buf: SmallVec::from_slice(&self.buf),
            closed: self.closed,
            timer: self.timer,
            nil_zero: self.nil_zero,
        }
    }
}

impl ChannelState {
    /// A new open channel.
    pub fn new(cap: u32) -> Self {
        ChannelState {
            cap,
            ..Default::default()
        }
    }

    /// `len(ch)` as Go reports it: 0 for a Go 1.23 timer's channel,
    /// which is synchronous to the program while its fired value waits
    /// inside ([`super::timer`]).
    pub(crate) fn go_len(&self, state: &crate::state::State) -> usize {
        if super::timer::synchronous(state, self) {
            0
        } else {
            self.buf.len()
        }
    }

    /// `cap(ch)` as Go reports it (0 for a Go 1.23 timer's channel).
    pub(crate) fn go_cap(&self, state: &crate::state::State) -> u32 {
        if super::timer::synchronous(state, self) {
            0
        } else {
            self.cap
        }
    }

    /// A buffered send can complete now (or panics because closed).
    pub(crate) fn send_ready_alone(&self) -> bool {
        self.closed || (self.cap > 0 && (self.buf.len() as u32) < self.cap)
    }

    /// A receive can complete now without a partner.
    pub(crate) fn recv_ready_alone(&self) -> bool {
        !self.buf.is_empty() || self.closed
    }

    /// Sends on this channel need a waiting receiver (one joint step).
    pub(crate) fn needs_partner(&self) -> bool {
        self.cap == 0 && !self.closed
    }
}

/// Completes a send that needs no partner: append to the buffer, or panic
/// because the channel is closed.
pub(crate) fn send_alone(ex: &mut Exec, ch: ObjRef, v: Value) -> StepResult {
    if let Object::Chan(c) = ex.state.object_mut(ch) {
        if c.closed {
            return Err(Fault::Panic("send on closed channel".into()));
        }
        c.buf.push(v);
    }
    Ok(())
}

/// Completes a receive that needs no partner: the oldest buffered value, or
/// the zero value with ok=false on a closed, drained channel.
pub(crate) fn recv_alone(ex: &mut Exec, ch: ObjRef) -> (Value, bool) {
    let mut taken = None;
    if let Object::Chan(c) = ex.state.object_mut(ch) {
        if !c.buf.is_empty() {
            taken = Some((c.buf.remove(0), c.timer));
        }
    }
    match taken {
        Some((v, timer)) => {
            if let Some(t) = timer {
                super::timer::received(ex, t);
            }
            (v, true)
        }
        None if c_nil_zero(ex, ch) => (Value::Nil, false),
        None => (Value::Int(0), false),
    }
}

/// Whether the channel `ch` gives nil as its zero value.
fn c_nil_zero(ex: &Exec, ch: ObjRef) -> bool {
    matches!(ex.state.object(ch), Object::Chan(c) if c.nil_zero)
}

/// `close(ch)`.
pub(crate) fn close(ex: &mut Exec, ch: Value) -> StepResult {
    let Some(r) = ch.object() else {
        return Err(Fault::Panic("close of nil channel".into()));
    };
    match ex.state.object_mut(r) {
        Object::Chan(c) => {
            if c.closed {
                return Err(Fault::Panic("close of closed channel".into()));
            }
            c.closed = true;
            Ok(())
        }
        other => Err(Fault::Model(format!(
            "close needs a channel, found {}",
            other.describe()
        ))),
    }
}

/// Puts a value into a channel if there is room (timers and tickers drop a
/// value when the buffer is full).
pub(crate) fn offer(ex: &mut Exec, ch: ObjRef, v: Value) {
    if let Object::Chan(c) = ex.state.object_mut(ch) {
        if (c.buf.len() as u32) < c.cap {
            c.buf.push(v);
        }
    }
}

/// What a goroutine blocked sending (`send`) or receiving on `ch` waits
/// for: a receive for a sender, a send or a close for a receiver; a nil
/// channel is never ready.
pub(crate) fn blocked(ch: Option<ObjRef>, send: bool) -> Blocked {
    let mut b = Blocked::new(if send {
        Waiting::Send
    } else {
        Waiting::Receive
    });
    match ch {
        None => b.note = Some(WaitNote::NilChannel),
        Some(r) => {
            b.objects.push(r);
            b.released_by = released_by(r, send);
        }
    }
    b
}

/// What a goroutine blocked in a select waits for: any of its cases
/// (channel, and whether the case sends).
pub(crate) fn blocked_select(arms: &[(Option<ObjRef>, bool)]) -> Blocked {
    let mut b = Blocked::new(Waiting::Select);
    if arms.is_empty() {
        b.note = Some(WaitNote::EmptySelect);
    }
    for &(ch, send) in arms {
        if let Some(r) = ch {
            b.objects.push(r);
            b.released_by.extend(released_by(r, send));
        }
    }
    if !arms.is_empty() && b.objects.is_empty() {
        b.note = Some(WaitNote::AllCasesNil);
    }
    b
}

fn released_by(ch: ObjRef, send: bool) -> SmallVec<[(Release, ObjRef); 2]> {
    if send {
        smallvec::smallvec![(Release::Receive, ch)]
    } else {
        smallvec::smallvec![(Release::Send, ch), (Release::Close, ch)]
    }
}
