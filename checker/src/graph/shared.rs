//! The shared part of a state (its globals, its objects, whether main has
//! returned), encoded by hand.
//!
//! Every stored state's shared part is encoded when it is made and
//! decoded when it is expanded; with serde and postcard that was a fifth
//! of the work per state on a program of many variables (lastzero(10):
//! 6,200 instructions per state to decode, counted by cachegrind). The
//! values and variables, which are most of it, are written here directly;
//! channels, mutexes and WaitGroups in postcard's bytes by
//! `super::by_hand`; every other object by postcard. The encoding is a function
//! of the part, and the part of its encoding: equal parts have equal
//! bytes, as the stores and fingerprints need.
//!
//! Layout: the number of globals (doubled, plus one when each global is
//! the handle of the object numbered as it is, the globals of most states:
//! then their values are not written), each global's value, the number of
//! objects, each object, then one byte for `main_returned`. An object is
//! postcard's encoding, which starts with the variant's index (one byte:
//! there are fewer than 128 kinds), except a variable: its variant's
//! index, then its value written here. A value is a tag byte and its
//! payload (a varint; zigzag for integers).

use weft_models::ir::FuncId;

use super::by_hand::{decode_object, encode_object};
use super::intern::{push_varint, read_varint};
use crate::semantics::variable::VarState;
use crate::state::Object;
use crate::value::{CtxError, ObjRef, Value};

const NIL: u8 = 0;
const INT: u8 = 1;
const BOOL: u8 = 2;
const CANCELED: u8 = 3;
const DEADLINE_EXCEEDED: u8 = 4;
const ERROR_NEW: u8 = 5;
const OBJ: u8 = 6;
const CANCEL: u8 = 7;
const RLOCKER: u8 = 8;
const FUNC: u8 = 9;
const STR: u8 = 10;

/// The index of [`Object::Var`] among `Object`'s variants, as postcard
/// writes it first (a test checks that it does).
const VARIABLE: u8 = 6;

/// Appends the shared part's encoding to `out`.
pub(crate) fn encode_shared(
    out: &mut Vec<u8>,
    globals: &[Value],
    objects: &[Object],
    main_returned: bool,
) {
    // (Most states' globals are `Obj(0)`, `Obj(1)`, ...: every global a
    // variable or an object of its own, numbered first. Written out, they
    // were a fifth of the shared part's bytes to encode and decode on
    // lastzero.)
    let own = globals
        .iter()
        .enumerate()
        .all(|(i, &v)| v == Value::Obj(ObjRef(i as u32)));
    push_varint(out, (globals.len() as u64) << 1 | u64::from(own));
    if !own {
        for &v in globals {
            encode_value(out, v);
        }
    }
    push_varint(out, objects.len() as u64);
    for o in objects {
        match o {
            Object::Var(VarState { value }) => {
                out.push(VARIABLE);
                encode_value(out, *value);
            }
            // (A WaitGroup with registered waiters is left to postcard.)
            Object::Chan(_)
            | Object::Mutex(_)
            | Object::WaitGroup(_)
            | Object::Record(_)
            | Object::Slice(_)
                if encode_object(out, o) => {}
            Object::Chan(_)
            | Object::Mutex(_)
            | Object::WaitGroup(_)
            | Object::Record(_)
            | Object::Slice(_)
            | Object::RwMutex(_)
            | Object::Once(_)
            | Object::Cond(_)
            | Object::Map(_)
            | Object::Context(_)
            | Object::Timer(_)
            | Object::Group(_)
            | Object::Closure(_)
            | Object::Registration(_)
            | Object::Knowledge(_) => {
                let taken = std::mem::take(out);
                *out = postcard::to_extend(o, taken)
                    .expect("internal weft bug: an object cannot be encoded");
            }
        }
    }
    out.push(u8::from(main_returned));
}

/// Decodes a shared part [`encode_shared`] wrote.
pub(crate) fn decode_shared(bytes: &[u8]) -> (Vec<Value>, Vec<Object>, bool) {
    let (mut globals, mut objects) = (Vec::new(), Vec::new());
    let main_returned = decode_shared_into(bytes, &mut globals, &mut objects);
    (globals, objects, main_returned)
}

/// Decodes a shared part [`encode_shared`] wrote, appending its globals
/// to `globals` and writing its objects over those `objects` holds (a
/// state's kept buffers: [`crate::state::State::spare_with_goroutines`]),
/// which it then cuts to their number; returns whether main has
/// returned.
pub(crate) fn decode_shared_into(
    bytes: &[u8],
    globals: &mut Vec<Value>,
    objects: &mut Vec<Object>,
) -> bool {
    let mut at = 0;
    let counted = read_varint(bytes, &mut at) as usize;
    let n = counted >> 1;
    if counted & 1 == 1 {
        globals.extend((0..n as u32).map(|i| Value::Obj(ObjRef(i))));
    } else {
        globals.reserve(n);
        for _ in 0..n {
            globals.push(decode_value(bytes, &mut at));
        }
    }
    let n = read_varint(bytes, &mut at) as usize;
    objects.truncate(n);
    objects.reserve(n - objects.len());
    for k in 0..n {
        let object = match bytes[at] {
            VARIABLE => {
                at += 1;
                let value = decode_value(bytes, &mut at);
                // (Over a variable, the value alone is written.)
                if let Some(Object::Var(v)) = objects.get_mut(k) {
                    v.value = value;
                    continue;
                }
                Object::Var(VarState { value })
            }
            _ => match decode_object(bytes, &mut at) {
                Some(o) => o,
                None => {
                    let (o, rest) = postcard::take_from_bytes::<Object>(&bytes[at..])
                        .expect("internal weft bug: a stored object does not decode");
                    at = bytes.len() - rest.len();
                    o
                }
            },
        };
        match objects.get_mut(k) {
            Some(old) => *old = object,
            None => objects.push(object),
        }
    }
    bytes[at] != 0
}

/// (Inlined: called for every global of every successor encoded; left to
/// the compiler, it went out of line when an unrelated module changed,
/// +2.4 % instructions on lastzero(10) with the default store.)
#[inline(always)]
fn encode_value(out: &mut Vec<u8>, v: Value) {
    let (tag, payload) = match v {
        Value::Nil => (NIL, None),
        Value::Int(i) => (INT, Some(((i << 1) ^ (i >> 63)) as u64)),
        Value::Bool(b) => (BOOL, Some(u64::from(b))),
        Value::Err(CtxError::Canceled) => (CANCELED, None),
        Value::Err(CtxError::DeadlineExceeded) => (DEADLINE_EXCEEDED, None),
        Value::Err(CtxError::New(k)) => (ERROR_NEW, Some(u64::from(k))),
        Value::Obj(r) => (OBJ, Some(u64::from(r.0))),
        Value::Cancel(r) => (CANCEL, Some(u64::from(r.0))),
        Value::RLocker(r) => (RLOCKER, Some(u64::from(r.0))),
        Value::Func(f) => (FUNC, Some(u64::from(f.0))),
        Value::Str(k) => (STR, Some(u64::from(k))),
    };
    out.push(tag);
    if let Some(p) = payload {
        push_varint(out, p);
    }
}

fn decode_value(bytes: &[u8], at: &mut usize) -> Value {
    // The common values, a handle or a small integer (a one-byte payload),
    // decoded without the general path's call and loop: a node's shared
    // part is decoded whole every time the node is expanded.
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
    decode_value_at(bytes, at)
}

/// [`decode_value`]'s general path.
#[inline(never)]
fn decode_value_at(bytes: &[u8], at: &mut usize) -> Value {
    let tag = bytes[*at];
    *at += 1;
    // Payloads were written from 32-bit fields, so they fit.
    let small = |at: &mut usize| read_varint(bytes, at) as u32;
    match tag {
        NIL => Value::Nil,
        INT => {
            let z = read_varint(bytes, at);
            Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
        }
        BOOL => Value::Bool(read_varint(bytes, at) != 0),
        CANCELED => Value::Err(CtxError::Canceled),
        DEADLINE_EXCEEDED => Value::Err(CtxError::DeadlineExceeded),
        ERROR_NEW => Value::Err(CtxError::New(small(at))),
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
    use crate::semantics::mutex::MutexState;

    #[test]
    fn every_kind_of_value_and_object_comes_back() {
        let values = [
            Value::Nil,
            Value::Int(0),
            Value::Int(-1),
            // The edges of the one-byte payloads (zigzag: 63 and -64 are
            // the last to fit, 64 and -65 the first not to).
            Value::Int(63),
            Value::Int(-64),
            Value::Int(64),
            Value::Int(-65),
            Value::Obj(ObjRef(0)),
            Value::Obj(ObjRef(127)),
            Value::Obj(ObjRef(128)),
            Value::Int(i64::MIN),
            Value::Int(i64::MAX),
            Value::Bool(true),
            Value::Bool(false),
            Value::Err(CtxError::Canceled),
            Value::Err(CtxError::DeadlineExceeded),
            Value::Err(CtxError::New(7)),
            Value::Obj(ObjRef(300)),
            Value::Cancel(ObjRef(0)),
            Value::RLocker(ObjRef(u32::MAX)),
            Value::Func(FuncId(12)),
            Value::Str(0),
            Value::Str(300),
        ];
        let objects: Vec<Object> = values
            .iter()
            .map(|&value| Object::Var(VarState { value }))
            .chain([Object::Mutex(MutexState::default())])
            .collect();
        for main_returned in [false, true] {
            let mut bytes = Vec::new();
            encode_shared(&mut bytes, &values, &objects, main_returned);
            let (g, o, m) = decode_shared(&bytes);
            assert_eq!(g, values);
            assert_eq!(o, objects);
            assert_eq!(m, main_returned);
        }
    }

    #[test]
    fn postcard_starts_an_object_with_its_variants_index() {
        let var = postcard::to_allocvec(&Object::Var(VarState::default())).expect("encodes");
        assert_eq!(var[0], VARIABLE);
        let mutex = postcard::to_allocvec(&Object::Mutex(MutexState::default())).expect("encodes");
        assert_ne!(mutex[0], VARIABLE);
    }

    #[test]
    fn different_parts_have_different_bytes() {
        let encoded = |globals: &[Value], objects: &[Object]| {
            let mut bytes = Vec::new();
            encode_shared(&mut bytes, globals, objects, false);
            bytes
        };
        let var = |i| {
            Object::Var(VarState {
                value: Value::Int(i),
            })
        };
        // The same values split differently between globals and objects,
        // or an integer against a handle with the same payload.
        assert_ne!(
            encoded(&[Value::Int(1)], &[var(2)]),
            encoded(&[], &[var(1), var(2)])
        );
        assert_ne!(
            encoded(&[Value::Int(3)], &[]),
            encoded(&[Value::Obj(ObjRef(6))], &[])
        );
        // Globals that are their own objects' handles (written as a count
        // alone), against the same handles in another order or fewer.
        let own = [Value::Obj(ObjRef(0)), Value::Obj(ObjRef(1))];
        let swapped = [Value::Obj(ObjRef(1)), Value::Obj(ObjRef(0))];
        let parts = [
            encoded(&own, &[var(1), var(2)]),
            encoded(&swapped, &[var(1), var(2)]),
            encoded(&own[..1], &[var(1), var(2)]),
            encoded(&[], &[var(1), var(2)]),
        ];
        for (i, a) in parts.iter().enumerate() {
            for b in &parts[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    /// Objects decoded over a buffer that holds others (a state's kept
    /// one) come back exactly: over more, fewer, variables, other kinds.
    #[test]
    fn objects_decode_over_the_objects_a_buffer_held() {
        let parts = crate::testing::assorted_objects();
        for old in &parts {
            for new in &parts {
                let mut bytes = Vec::new();
                encode_shared(&mut bytes, &[], new, false);
                let (mut globals, mut objects) = (Vec::new(), old.clone());
                assert!(!decode_shared_into(&bytes, &mut globals, &mut objects));
                assert_eq!(&objects, new, "over {old:?}");
            }
        }
    }

    /// Globals that are the handles of the objects numbered as they are
    /// are written as their count alone, and come back; any other list
    /// is written out.
    #[test]
    fn globals_that_are_their_own_objects_are_counted_only() {
        let var = Object::Var(VarState::default());
        let own: Vec<Value> = (0..3).map(|i| Value::Obj(ObjRef(i))).collect();
        let mut listed = own.clone();
        listed[2] = Value::Obj(ObjRef(1));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        encode_shared(&mut a, &own, &[var.clone(), var.clone(), var.clone()], true);
        encode_shared(
            &mut b,
            &listed,
            &[var.clone(), var.clone(), var.clone()],
            true,
        );
        assert_eq!(a[0], 3 << 1 | 1);
        assert_eq!(b[0], 3 << 1);
        assert_eq!(b.len(), a.len() + 3 * 2);
        assert_eq!(decode_shared(&a), (own, vec![var.clone(); 3], true));
        assert_eq!(decode_shared(&b), (listed, vec![var; 3], true));
    }
}
