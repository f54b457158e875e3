//! Parts of a state encoded by hand, byte for byte as postcard encodes
//! them: a goroutine's execution ([`Execution`]: its frames, a panic in
//! flight, its phase) and the most common objects (channels, mutexes,
//! WaitGroups, records and slices).
//!
//! An execution is encoded each time a step makes one the store has not
//! met lately, and decoded when a stored one is not in the decode cache;
//! a node's objects are encoded with every new state and decoded with
//! every node expanded. Through serde's generic path the executions were
//! 4 % of all instructions on the fixed gops fan-out and on fanout(6), and
//! the objects 8 % on fanout(6) (cachegrind); written here, records and
//! slices (indexer(8)'s table, 128 cells) took 5 % of the instructions
//! off that search. The bytes are postcard's (tests compare them on
//! random executions and objects), so stored sizes, fingerprints and
//! reports do not change, and an object written here and one written by
//! postcard read back alike.
//!
//! Layout (postcard's: every number a LEB128 varint, zigzag for
//! integers): an execution is its frames (their number, then each frame's
//! function, instruction, locals (number, values), deferred blocks
//! (number, their instructions), `returning` byte and return value), its
//! panic (0, or 1 then its message's length and bytes and its origin's
//! function and instruction), its phase byte and its `spinning` byte. An
//! object is its variant's index then its fields in order. A value is its
//! variant's index (in [`Value`]'s order) and its payload.

use smallvec::SmallVec;
use weft_models::ir::{FuncId, Pc, RecordId};

use super::intern::{push_varint, read_varint};
use crate::semantics::channel::ChannelState;
use crate::semantics::mutex::MutexState;
use crate::semantics::record::{RecordState, SliceState};
use crate::semantics::waitgroup::WaitGroupState;
use crate::state::{Execution, Frame, Object, PanicState, Site};
use crate::value::{CtxError, ObjRef, Value};

// `Value`'s variants, in declaration order (postcard writes the index).
const NIL: u8 = 0;
const INT: u8 = 1;
const BOOL: u8 = 2;
const ERR: u8 = 3;
const OBJ: u8 = 4;
const CANCEL: u8 = 5;
const RLOCKER: u8 = 6;
const FUNC: u8 = 7;
const STR: u8 = 8;

// `CtxError`'s variants.
const CANCELED: u8 = 0;
const DEADLINE_EXCEEDED: u8 = 1;
const ERROR_NEW: u8 = 2;

/// Appends `execution`'s encoding to `out`. (Every struct is taken apart
/// whole: a field added to one does not compile here until it is written,
/// since two states that differ only in a field left out would be stored
/// as one.)
pub(super) fn encode_execution(out: &mut Vec<u8>, execution: &Execution) {
    let Execution {
        frames,
        panic,
        phase,
        spinning,
    } = execution;
    push_varint(out, frames.len() as u64);
    for frame in frames {
        let Frame {
            func,
            pc,
            locals,
            defers,
            returning,
            ret,
        } = frame;
        push_varint(out, u64::from(func.0));
        push_varint(out, u64::from(pc.0));
        push_varint(out, locals.len() as u64);
        for &v in locals {
            encode_value(out, v);
        }
        push_varint(out, defers.len() as u64);
        for pc in defers {
            push_varint(out, u64::from(pc.0));
        }
        out.push(u8::from(*returning));
        encode_value(out, *ret);
    }
    match panic {
        None => out.push(0),
        Some(p) => {
            let PanicState {
                message,
                origin: Site { func, pc },
            } = &**p;
            out.push(1);
            push_varint(out, message.len() as u64);
            out.extend_from_slice(message.as_bytes());
            push_varint(out, u64::from(func.0));
            push_varint(out, u64::from(pc.0));
        }
    }
    out.push(*phase);
    out.push(u8::from(*spinning));
}

/// Reads an execution [`encode_execution`] wrote (all of `bytes`).
pub(super) fn decode_execution(bytes: &[u8]) -> Execution {
    let mut at = 0;
    let at = &mut at;
    let small = |at: &mut usize| read_varint(bytes, at) as u32;
    let n = read_varint(bytes, at) as usize;
    let mut frames: SmallVec<[Frame; 1]> = SmallVec::with_capacity(n);
    for _ in 0..n {
        let func = FuncId(small(at));
        let pc = Pc(small(at));
        let locals_len = read_varint(bytes, at) as usize;
        let locals = (0..locals_len).map(|_| decode_value(bytes, at)).collect();
        let defers_len = read_varint(bytes, at) as usize;
        let defers = (0..defers_len).map(|_| Pc(small(at))).collect();
        let returning = byte(bytes, at) != 0;
        let ret = decode_value(bytes, at);
        frames.push(Frame {
            func,
            pc,
            locals,
            defers,
            returning,
            ret,
        });
    }
    let panic = match byte(bytes, at) {
        0 => None,
        _ => {
            let len = read_varint(bytes, at) as usize;
            let message = std::str::from_utf8(&bytes[*at..*at + len])
                .expect("internal weft bug: a stored panic message is not UTF-8")
                .to_string();
            *at += len;
            let origin = Site {
                func: FuncId(small(at)),
                pc: Pc(small(at)),
            };
            Some(Box::new(PanicState { message, origin }))
        }
    };
    let phase = byte(bytes, at);
    let spinning = byte(bytes, at) != 0;
    debug_assert_eq!(
        *at,
        bytes.len(),
        "internal weft bug: an execution has extra bytes"
    );
    Execution {
        frames,
        panic,
        phase,
        spinning,
    }
}

// `Object`'s variants written here (postcard writes the index; a test
// checks these against it).
const CHAN: u8 = 0;
const MUTEX: u8 = 1;
const WAIT_GROUP: u8 = 3;
const RECORD: u8 = 11;
const SLICE: u8 = 12;

/// Appends `object`'s encoding to `out` if it is of a kind written here
/// (a channel, a mutex, a WaitGroup, a record or a slice); false, writing
/// nothing, if not.
#[inline]
pub(super) fn encode_object(out: &mut Vec<u8>, object: &Object) -> bool {
    match object {
        // (Taken apart whole, as in `encode_execution`.)
        Object::Chan(ChannelState {
            cap,
            buf,
            closed,
            timer,
            nil_zero,
        }) => {
            out.push(CHAN);
            push_varint(out, u64::from(*cap));
            push_varint(out, buf.len() as u64);
            for &v in buf {
                encode_value(out, v);
            }
            out.push(u8::from(*closed));
            match timer {
                None => out.push(0),
                Some(r) => {
                    out.push(1);
                    push_varint(out, u64::from(r.0));
                }
            }
            out.push(u8::from(*nil_zero));
        }
        Object::Mutex(MutexState { locked }) => out.extend_from_slice(&[MUTEX, u8::from(*locked)]),
        // (Registered waiters, rare, go through postcard.)
        Object::WaitGroup(WaitGroupState { counter, waiters }) if waiters.is_empty() => {
            out.push(WAIT_GROUP);
            push_varint(out, ((counter << 1) ^ (counter >> 63)) as u64);
            out.push(0);
        }
        Object::Record(RecordState { ty, fields }) => {
            out.push(RECORD);
            push_varint(out, u64::from(ty.0));
            encode_refs(out, fields);
        }
        Object::Slice(SliceState { elems, len }) => {
            out.push(SLICE);
            encode_refs(out, elems);
            push_varint(out, u64::from(*len));
        }
        Object::WaitGroup(_)
        | Object::RwMutex(_)
        | Object::Once(_)
        | Object::Cond(_)
        | Object::Var(_)
        | Object::Map(_)
        | Object::Context(_)
        | Object::Timer(_)
        | Object::Group(_)
        | Object::Closure(_)
        | Object::Registration(_)
        | Object::Knowledge(_) => return false,
    }
    true
}

/// Reads an object [`encode_object`] wrote at `*at`, moving past it;
/// `None`, reading nothing, if the object there is of another kind.
#[inline]
pub(super) fn decode_object(bytes: &[u8], at: &mut usize) -> Option<Object> {
    let small = |at: &mut usize| read_varint(bytes, at) as u32;
    let object = match bytes[*at] {
        CHAN => {
            *at += 1;
            let cap = small(at);
            let len = read_varint(bytes, at) as usize;
            // (Filled in place while it fits inline: collecting through
            // `SmallVec`'s iterator path cost more than the decoding.)
            let buf = if len <= 2 {
                let mut values = [Value::Nil; 2];
                for v in values.iter_mut().take(len) {
                    *v = decode_value(bytes, at);
                }
                SmallVec::from_buf_and_len(values, len)
            } else {
                let mut values = SmallVec::with_capacity(len);
                for _ in 0..len {
                    values.push(decode_value(bytes, at));
                }
                values
            };
            let closed = byte(bytes, at) != 0;
            let timer = match byte(bytes, at) {
                0 => None,
                _ => Some(ObjRef(small(at))),
            };
            let nil_zero = byte(bytes, at) != 0;
            Object::Chan(ChannelState {
                cap,
                buf,
                closed,
                timer,
                nil_zero,
            })
        }
        MUTEX => {
            *at += 1;
            Object::Mutex(MutexState {
                locked: byte(bytes, at) != 0,
            })
        }
        WAIT_GROUP => {
            let mut after = *at + 1;
            let z = read_varint(bytes, &mut after);
            if byte(bytes, &mut after) != 0 {
                // Registered waiters: postcard reads it.
                return None;
            }
            *at = after;
            Object::WaitGroup(WaitGroupState {
                counter: ((z >> 1) as i64) ^ -((z & 1) as i64),
                waiters: Vec::new(),
            })
        }
        RECORD => {
            *at += 1;
            let ty = RecordId(small(at));
            let len = read_varint(bytes, at) as usize;
            let mut fields = SmallVec::with_capacity(len);
            fields.extend((0..len).map(|_| ObjRef(small(at))));
            Object::Record(RecordState { ty, fields })
        }
        SLICE => {
            *at += 1;
            let len = read_varint(bytes, at) as usize;
            let mut elems = Vec::with_capacity(len);
            elems.extend((0..len).map(|_| ObjRef(small(at))));
            let len = u32::try_from(read_varint(bytes, at)).ok()?;
            Object::Slice(SliceState { elems, len })
        }
        _ => return None,
    };
    Some(object)
}

/// Appends a sequence of handles: its length, then each handle.
fn encode_refs(out: &mut Vec<u8>, refs: &[ObjRef]) {
    push_varint(out, refs.len() as u64);
    for r in refs {
        push_varint(out, u64::from(r.0));
    }
}

fn byte(bytes: &[u8], at: &mut usize) -> u8 {
    let b = bytes[*at];
    *at += 1;
    b
}

#[inline]
fn encode_value(out: &mut Vec<u8>, v: Value) {
    let (tag, payload) = match v {
        Value::Nil => (NIL, None),
        Value::Int(i) => (INT, Some(((i << 1) ^ (i >> 63)) as u64)),
        Value::Bool(b) => {
            out.extend_from_slice(&[BOOL, u8::from(b)]);
            return;
        }
        Value::Err(e) => {
            out.push(ERR);
            match e {
                CtxError::Canceled => out.push(CANCELED),
                CtxError::DeadlineExceeded => out.push(DEADLINE_EXCEEDED),
                CtxError::New(k) => {
                    out.push(ERROR_NEW);
                    push_varint(out, u64::from(k));
                }
            }
            return;
        }
        Value::Obj(r) => (OBJ, Some(u64::from(r.0))),
        Value::Cancel(r) => (CANCEL, Some(u64::from(r.0))),
        Value::RLocker(r) => (RLOCKER, Some(u64::from(r.0))),
        Value::Func(f) => (FUNC, Some(u64::from(f.0))),
        Value::Str(k) => (STR, Some(u64::from(k))),
    };
    match payload {
        None => out.push(tag),
        // (Most payloads fit a byte: one copy of two bytes.)
        Some(p) if p < 0x80 => out.extend_from_slice(&[tag, p as u8]),
        Some(p) => {
            out.push(tag);
            push_varint(out, p);
        }
    }
}

fn decode_value(bytes: &[u8], at: &mut usize) -> Value {
    // The common values, a handle or a small integer (a one-byte
    // payload), without the general path's loop.
    if let [tag @ (INT | OBJ), b, ..] = bytes[*at..] {
        if b < 0x80 {
            *at += 2;
            return if tag == OBJ {
                Value::Obj(ObjRef(u32::from(b)))
            } else {
                let z = i64::from(b);
                Value::Int((z >> 1) ^ -(z & 1))
            };
        }
    }
    let tag = byte(bytes, at);
    // Payloads were written from 32-bit fields, so they fit.
    let small = |at: &mut usize| read_varint(bytes, at) as u32;
    match tag {
        NIL => Value::Nil,
        INT => {
            let z = read_varint(bytes, at);
            Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
        }
        BOOL => Value::Bool(byte(bytes, at) != 0),
        ERR => Value::Err(match byte(bytes, at) {
            CANCELED => CtxError::Canceled,
            DEADLINE_EXCEEDED => CtxError::DeadlineExceeded,
            ERROR_NEW => CtxError::New(small(at)),
            e => unreachable!("internal weft bug: a stored context error has tag {e}"),
        }),
        OBJ => Value::Obj(ObjRef(small(at))),
        CANCEL => Value::Cancel(ObjRef(small(at))),
        RLOCKER => Value::RLocker(ObjRef(small(at))),
        FUNC => Value::Func(FuncId(small(at))),
        STR => Value::Str(small(at)),
        _ => unreachable!("internal weft bug: a stored value has tag {tag}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::xorshift;

    /// A random value of every kind, with payloads across the varint
    /// lengths' edges.
    fn value(next: &mut impl FnMut() -> u64) -> Value {
        let wide = |next: &mut dyn FnMut() -> u64| -> u32 {
            [0, 1, 127, 128, 16_383, 16_384, u32::MAX][(next() % 7) as usize]
        };
        match next() % 11 {
            0 => Value::Nil,
            1 => {
                Value::Int([0, 1, -1, 63, -64, 64, -65, i64::MAX, i64::MIN][(next() % 9) as usize])
            }
            2 => Value::Int(next() as i64),
            3 => Value::Bool(next().is_multiple_of(2)),
            4 => Value::Err(match next() % 3 {
                0 => CtxError::Canceled,
                1 => CtxError::DeadlineExceeded,
                _ => CtxError::New(wide(next)),
            }),
            5 => Value::Obj(ObjRef(wide(next))),
            6 => Value::Cancel(ObjRef(wide(next))),
            7 => Value::RLocker(ObjRef(wide(next))),
            8 => Value::Func(FuncId(wide(next))),
            9 => Value::Str(wide(next)),
            _ => Value::Obj(ObjRef((next() % 200) as u32)),
        }
    }

    fn execution(next: &mut impl FnMut() -> u64) -> Execution {
        let frames = (0..next() % 4)
            .map(|_| Frame {
                func: FuncId((next() % 300) as u32),
                pc: Pc((next() % 70_000) as u32),
                locals: (0..next() % 10).map(|_| value(next)).collect(),
                defers: (0..next() % 3).map(|_| Pc((next() % 500) as u32)).collect(),
                returning: next().is_multiple_of(2),
                ret: value(next),
            })
            .collect();
        let panic = (next().is_multiple_of(4)).then(|| {
            Box::new(PanicState {
                message: ["", "send on closed channel", "ü∑ unicode", &"x".repeat(200)]
                    [(next() % 4) as usize]
                    .to_string(),
                origin: Site {
                    func: FuncId((next() % 300) as u32),
                    pc: Pc((next() % 300) as u32),
                },
            })
        });
        Execution {
            frames,
            panic,
            phase: (next() % 256) as u8,
            spinning: next().is_multiple_of(2),
        }
    }

    fn object(next: &mut impl FnMut() -> u64) -> Object {
        let handle = |next: &mut dyn FnMut() -> u64| {
            ObjRef([0, 5, 127, 128, 16_384, u32::MAX][(next() % 6) as usize])
        };
        match next() % 6 {
            4 => Object::Record(RecordState {
                ty: RecordId([0, 1, 127, 128, u32::MAX][(next() % 5) as usize]),
                fields: (0..next() % 7).map(|_| handle(next)).collect(),
            }),
            5 => {
                let elems: Vec<ObjRef> = (0..[0, 1, 3, 127, 128, 300][(next() % 6) as usize])
                    .map(|_| handle(next))
                    .collect();
                let len = (next() % (elems.len() as u64 + 1)) as u32;
                Object::Slice(SliceState { elems, len })
            }
            0 => Object::Chan(ChannelState {
                cap: [0, 1, 2, 127, 128, u32::MAX][(next() % 6) as usize],
                buf: (0..next() % 4).map(|_| value(next)).collect(),
                closed: next().is_multiple_of(2),
                timer: next()
                    .is_multiple_of(3)
                    .then(|| ObjRef([0, 5, 127, 128, u32::MAX][(next() % 5) as usize])),
                nil_zero: next().is_multiple_of(2),
            }),
            1 => Object::Mutex(MutexState {
                locked: next().is_multiple_of(2),
            }),
            2 => Object::WaitGroup(WaitGroupState {
                counter: [0, 1, -1, 63, 64, i64::MAX, i64::MIN][(next() % 7) as usize],
                waiters: Vec::new(),
            }),
            _ => Object::WaitGroup(WaitGroupState {
                counter: next() as i64,
                waiters: Vec::new(),
            }),
        }
    }

    #[test]
    fn objects_encode_as_postcard_does_and_come_back() {
        let mut next = xorshift(0x0b1e_c7ed);
        for _ in 0..20_000 {
            let o = object(&mut next);
            let mut ours = vec![0xAA];
            assert!(encode_object(&mut ours, &o));
            let theirs = postcard::to_allocvec(&o).expect("postcard encodes it");
            assert_eq!(ours[1..], theirs[..], "{o:?}");
            let mut at = 1;
            assert_eq!(decode_object(&ours, &mut at), Some(o));
            assert_eq!(at, ours.len());
        }
        // The kinds left to postcard are neither written nor read here.
        let var = Object::Var(Default::default());
        assert!(!encode_object(&mut Vec::new(), &var));
        let bytes = postcard::to_allocvec(&var).expect("postcard encodes it");
        assert_eq!(decode_object(&bytes, &mut 0), None);
        // Nor a WaitGroup with registered waiters.
        let registered = Object::WaitGroup(WaitGroupState {
            counter: 1,
            waiters: vec![crate::state::GoroutineId::main()],
        });
        assert!(!encode_object(&mut Vec::new(), &registered));
        let bytes = postcard::to_allocvec(&registered).expect("postcard encodes it");
        let mut at = 0;
        assert_eq!(decode_object(&bytes, &mut at), None);
        assert_eq!(at, 0, "nothing read");
    }

    #[test]
    fn executions_encode_as_postcard_does_and_come_back() {
        let mut next = xorshift(0x5eed_0e0e_c0de);
        for _ in 0..20_000 {
            let e = execution(&mut next);
            let mut ours = Vec::new();
            encode_execution(&mut ours, &e);
            let theirs = postcard::to_allocvec(&e).expect("postcard encodes it");
            assert_eq!(ours, theirs, "{e:?}");
            assert_eq!(decode_execution(&ours), e);
        }
    }
}
