//! Pure expression evaluation (Go semantics: wrapping arithmetic, division
//! by zero panics, `&&`/`||` short-circuit).

use weft_models::ir::{BinOp, Const, Expr, UnOp};

use super::{record, Fault};
use crate::state::{Object, State};
use crate::value::{CtxError, Value};

/// The value of a constant.
pub(crate) fn constant(c: Const) -> Value {
    match c {
        Const::Nil => Value::Nil,
        Const::Int(i) => Value::Int(i),
        Const::Bool(b) => Value::Bool(b),
        Const::Canceled => Value::Err(CtxError::Canceled),
        Const::DeadlineExceeded => Value::Err(CtxError::DeadlineExceeded),
        Const::Error(i) => Value::Err(CtxError::New(i)),
        Const::Str(i) => Value::Str(i),
    }
}

fn type_error(what: &str, v: Value) -> Fault {
    Fault::Model(format!("{what}, found `{v}`"))
}

/// Evaluates an integer.
pub(crate) fn int(state: &State, locals: &[Value], e: &Expr) -> Result<i64, Fault> {
    match eval(state, locals, e)? {
        Value::Int(i) => Ok(i),
        v => Err(type_error("expected an integer", v)),
    }
}

/// Evaluates a boolean.
pub(crate) fn boolean(state: &State, locals: &[Value], e: &Expr) -> Result<bool, Fault> {
    match eval(state, locals, e)? {
        Value::Bool(b) => Ok(b),
        v => Err(type_error("expected a boolean", v)),
    }
}

/// Evaluates a pure expression in a frame.
#[inline]
pub(crate) fn eval(state: &State, locals: &[Value], e: &Expr) -> Result<Value, Fault> {
    // A local or a global, most operands, read where the caller is: the
    // call and its result's error path cost more than the read (every
    // goroutine's operand, in every state the reduction analyses).
    match e {
        Expr::Local(l) => Ok(locals.get(l.index()).copied().unwrap_or(Value::Nil)),
        Expr::Global(g) => Ok(state.globals.get(g.index()).copied().unwrap_or(Value::Nil)),
        _ => eval_compound(state, locals, e),
    }
}

/// [`eval`] of any expression (apart, so that `eval` stays small enough
/// to be inlined).
fn eval_compound(state: &State, locals: &[Value], e: &Expr) -> Result<Value, Fault> {
    Ok(match e {
        Expr::Const(c) => constant(*c),
        Expr::Local(l) => locals.get(l.index()).copied().unwrap_or(Value::Nil),
        Expr::Global(g) => state.globals.get(g.index()).copied().unwrap_or(Value::Nil),
        Expr::Unary(op, a) => match (op, eval(state, locals, a)?) {
            (UnOp::Neg, Value::Int(i)) => Value::Int(i.wrapping_neg()),
            (UnOp::Not, Value::Bool(b)) => Value::Bool(!b),
            (_, v) => return Err(type_error("invalid operand of a unary operator", v)),
        },
        Expr::Binary(op, a, b) => binary(state, locals, *op, a, b)?,
        Expr::DoneOf(c) => match eval(state, locals, c)?.object().map(|r| state.object(r)) {
            Some(Object::Context(ctx)) => Value::Obj(ctx.done),
            _ => return Err(Fault::Model("Done() needs a context".into())),
        },
        Expr::ChanOf(t) => match eval(state, locals, t)?.object().map(|r| state.object(r)) {
            // A `time.AfterFunc` timer's `C` is nil.
            Some(Object::Timer(timer)) if timer.callback.is_some() => Value::Nil,
            Some(Object::Timer(timer)) => Value::Obj(timer.chan),
            _ => return Err(Fault::Model("`.C` needs a timer or ticker".into())),
        },
        Expr::GroupPart(g, p) => match eval(state, locals, g)?.object().map(|r| state.object(r)) {
            Some(Object::Group(group)) => group.part(*p),
            None => return Err(Fault::Panic(super::record::NIL_DEREF.into())),
            Some(_) => {
                return Err(Fault::Model(
                    "a group method needs an errgroup.Group".into(),
                ))
            }
        },
        Expr::CondLocker(c) => match eval(state, locals, c)?.object().map(|r| state.object(r)) {
            Some(Object::Cond(cond)) if cond.read => Value::RLocker(cond.locker),
            Some(Object::Cond(cond)) => Value::Obj(cond.locker),
            None => return Err(Fault::Panic(super::record::NIL_DEREF.into())),
            Some(_) => return Err(Fault::Model("`.L` needs a Cond".into())),
        },
        Expr::RLocker(m) => match eval(state, locals, m)? {
            Value::Obj(r) if matches!(state.object(r), Object::RwMutex(_)) => Value::RLocker(r),
            Value::Nil => return Err(Fault::Panic(super::record::NIL_DEREF.into())),
            v => return Err(type_error("`RLocker()` needs an RWMutex", v)),
        },
        Expr::Field(r, i) => record::field(state, eval(state, locals, r)?, *i)?,
        Expr::Elem(s, i) => {
            let s = eval(state, locals, s)?;
            record::elem(state, s, int(state, locals, i)?)?
        }
        Expr::SliceLen(s) => Value::Int(record::len(state, eval(state, locals, s)?)?),
        Expr::Func(f) => Value::Func(*f),
        Expr::Cap(c) => match eval(state, locals, c)? {
            Value::Nil => Value::Int(0),
            v => match v.object().map(|r| state.object(r)) {
                Some(Object::Chan(ch)) => Value::Int(i64::from(ch.go_cap(state))),
                Some(Object::Slice(_)) => Value::Int(record::cap(state, v)?),
                _ => return Err(type_error("cap needs a channel or a slice", v)),
            },
        },
    })
}

fn binary(state: &State, locals: &[Value], op: BinOp, a: &Expr, b: &Expr) -> Result<Value, Fault> {
    match op {
        BinOp::And => {
            return Ok(Value::Bool(
                boolean(state, locals, a)? && boolean(state, locals, b)?,
            ))
        }
        BinOp::Or => {
            return Ok(Value::Bool(
                boolean(state, locals, a)? || boolean(state, locals, b)?,
            ))
        }
        _ => {}
    }
    let x = eval(state, locals, a)?;
    let y = eval(state, locals, b)?;
    match op {
        BinOp::Eq => return Ok(Value::Bool(x == y)),
        BinOp::Ne => return Ok(Value::Bool(x != y)),
        _ => {}
    }
    let (Value::Int(x), Value::Int(y)) = (x, y) else {
        return Err(Fault::Model(format!(
            "arithmetic and ordering need integers, found `{x}` and `{y}`"
        )));
    };
    Ok(match op {
        BinOp::Add => Value::Int(x.wrapping_add(y)),
        BinOp::Sub => Value::Int(x.wrapping_sub(y)),
        BinOp::Mul => Value::Int(x.wrapping_mul(y)),
        BinOp::Div | BinOp::Rem if y == 0 => {
            return Err(Fault::Panic("runtime error: integer divide by zero".into()))
        }
        BinOp::Div => Value::Int(x.wrapping_div(y)),
        BinOp::Rem => Value::Int(x.wrapping_rem(y)),
        BinOp::Lt => Value::Bool(x < y),
        BinOp::Le => Value::Bool(x <= y),
        BinOp::Gt => Value::Bool(x > y),
        BinOp::Ge => Value::Bool(x >= y),
        BinOp::Eq | BinOp::Ne | BinOp::And | BinOp::Or => unreachable!("handled above"),
    })
}
