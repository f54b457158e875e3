//! Executes one transition: dispatches each visible operation to the file
//! of its primitive, then moves the goroutine on and runs its local code.

use smallvec::SmallVec;
use weft_models::ir::{
    CallbackSource, CaseDir, Expr, LocalId, NewObject, Op, Pc, Place, SyncMapOp,
};

use super::channel::{self, ChannelState};
use super::eval::{boolean, eval, int};
use super::happens::{self, Atomic};
use super::ObservationKind;
use super::{
    callback, cond, context, context_edges, errgroup, local, maprange, mutex, once, record,
    rwmutex, timer, waitgroup, Exec, Failure, Fault, Transition, PLAIN,
};
use crate::semantics::variable::{MapState, VarState};
use crate::state::{GoroutineId, Object, Site};
use crate::value::{ObjRef, Value};

/// Where a goroutine goes after a visible operation.
enum Advance {
    /// The next instruction.
    Next,
    /// A jump.
    To(Pc),
    /// The same instruction, one phase further (two-phase operations).
    Stay,
}

type Locals = SmallVec<[Value; 6]>;

/// Creates the program's globals, in order.
pub(crate) fn create_globals(ex: &mut Exec) -> Result<(), Failure> {
    let prog = ex.prog;
    for (i, g) in prog.globals.iter().enumerate() {
        let site = Site {
            func: prog.main,
            pc: Pc(0),
        };
        let v = match &g.init {
            None => Value::Nil,
            Some(init) => match new_object(ex, &[], init, site, None) {
                Ok((v, _)) => v,
                Err(f) => {
                    let kind = match f {
                        Fault::Internal(_) => super::FailureKind::Internal,
                        Fault::Panic(_) | Fault::Fatal(_) | Fault::Assert(_) | Fault::Model(_) => {
                            super::FailureKind::Model
                        }
                    };
                    return Err(Failure {
                        kind,
                        message: format!("cannot create global `{}`: {f:?}", g.name),
                        goroutine: GoroutineId::main(),
                        site,
                    });
                }
            },
        };
        debug_assert_eq!(ex.state.globals.len(), i);
        ex.state.globals.push(v);
    }
    Ok(())
}

/// Creates an object; returns its handle and, for contexts, the cancel
/// function with the slot it goes to.
pub(crate) fn new_object(
    ex: &mut Exec,
    locals: &[Value],
    object: &NewObject,
    site: Site,
    by: Option<&GoroutineId>,
) -> Result<(Value, Option<(LocalId, Value)>), Fault> {
    let st = &ex.state;
    let obj = match object {
        NewObject::Chan {
            cap,
            nil_zero,
            zero_size,
        } => {
            let cap = int(st, locals, cap)?;
            let cap = u32::try_from(cap)
                .map_err(|_| Fault::Panic("makechan: size out of range".into()))?;
            let mut c = ChannelState::new(cap);
            c.nil_zero = *nil_zero;
            let r = ex.state.alloc(Object::Chan(c));
            if *zero_size {
                happens::zero_size(ex, r);
            }
            return Ok((Value::Obj(r), None));
        }
        NewObject::Mutex => Object::Mutex(Default::default()),
        NewObject::RwMutex => Object::RwMutex(Default::default()),
        NewObject::WaitGroup => Object::WaitGroup(Default::default()),
        NewObject::Once => Object::Once(Default::default()),
        NewObject::Cond { locker } => {
            let v = eval(st, locals, locker)?;
            let locker = v
                .object()
                .ok_or_else(|| Fault::Model("a Cond needs a Locker".into()))?;
            Object::Cond(cond::CondState {
                locker,
                read: matches!(v, Value::RLocker(_)),
                waiters: Vec::new(),
            })
        }
        NewObject::Var { init } => Object::Var(VarState {
            value: eval(st, locals, init)?,
        }),
        NewObject::Map { zero } => Object::Map(MapState::new(super::eval::constant(*zero))),
        NewObject::Background => return Ok((Value::Obj(context::background(ex)), None)),
        NewObject::WithCancel {
            parent,
            cancel,
            timeout,
        } => {
            let parent = eval(st, locals, parent)?;
            let timeout = match timeout {
                Some(t) => Some(int(st, locals, t)?),
                None => None,
            };
            let child = context::with_cancel(ex, parent, timeout, site)?;
            if let (Some(g), Some(p)) = (by, parent.object()) {
                context_edges::made(ex, g, p, child, timeout);
            }
            return Ok((Value::Obj(child), Some((*cancel, Value::Cancel(child)))));
        }
        NewObject::Timer { kind, duration } => {
            let d = int(st, locals, duration)?;
            return Ok((timer::create(ex, *kind, d, site, by)?, None));
        }
        NewObject::Group { cancel } => {
            let cancel = match cancel {
                Some(c) => eval(st, locals, c)?,
                None => Value::Nil,
            };
            return Ok((Value::Obj(errgroup::create(ex, cancel)), None));
        }
        NewObject::Record { ty, inits } => {
            let values = inits
                .iter()
                .map(|(i, v)| Ok((*i, eval(st, locals, v)?)))
                .collect::<Result<SmallVec<[(u32, Value); 4]>, Fault>>()?;
            let r = record::make(&mut ex.state, ex.prog, &weft_models::ir::Cell::Record(*ty));
            for (i, v) in values {
                record::init_field(&mut ex.state, r, i, v)?;
            }
            return Ok((Value::Obj(r), None));
        }
        NewObject::Slice { elem, len, cap } => {
            let n = int(st, locals, len)?;
            let n = u32::try_from(n)
                .map_err(|_| Fault::Panic("runtime error: makeslice: len out of range".into()))?;
            let c = match cap {
                Some(c) => u32::try_from(int(st, locals, c)?)
                    .ok()
                    .filter(|c| *c >= n)
                    .ok_or_else(|| {
                        Fault::Panic("runtime error: makeslice: cap out of range".into())
                    })?,
                None => n,
            };
            let cell = weft_models::ir::Cell::Array(Box::new(elem.clone()), c);
            let s = record::make(&mut ex.state, ex.prog, &cell);
            if let Object::Slice(slice) = ex.state.object_mut(s) {
                slice.len = n;
            }
            return Ok((Value::Obj(s), None));
        }
        NewObject::SlicePart { of, low, high } => {
            let of = eval(st, locals, of)?;
            let low = low.as_ref().map(|b| int(st, locals, b)).transpose()?;
            let high = high.as_ref().map(|b| int(st, locals, b)).transpose()?;
            return Ok((record::part(&mut ex.state, of, low, high)?, None));
        }
        NewObject::Closure { func, captured } => {
            let captured = captured
                .iter()
                .map(|v| eval(st, locals, v))
                .collect::<Result<SmallVec<[Value; 2]>, Fault>>()?;
            Object::Closure(record::ClosureState {
                func: *func,
                captured,
            })
        }
    };
    Ok((Value::Obj(ex.state.alloc(obj)), None))
}

/// Executes a transition.
pub(crate) fn execute(ex: &mut Exec, t: &Transition) -> Result<(), Failure> {
    match *t {
        Transition::Step { g, alt } => {
            let id = ex.state.goroutines[g as usize].id.clone();
            // (Its first lookup by id finds it where it stands.)
            ex.last.set(g as usize);
            step_goroutine(ex, &id, alt)
        }
        Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        } => {
            let s = ex.state.goroutines[sender as usize].id.clone();
            let r = ex.state.goroutines[receiver as usize].id.clone();
            rendezvous(ex, &s, send_arm, &r, recv_arm)
        }
        Transition::Fire { object } => {
            match ex.state.object(object) {
                Object::Timer(_) => timer::fire(ex, object),
                Object::Context(_) => {
                    context_edges::deadline(ex, object);
                    context::deadline(ex, object)
                }
                _ => {}
            }
            Ok(())
        }
    }
}

fn snapshot(ex: &Exec, id: &GoroutineId) -> (Site, u8, Locals) {
    let g = ex
        .goroutine(id)
        .expect("internal weft bug: stepping a goroutine that does not exist");
    (g.site(), g.phase, g.top().locals.clone())
}

fn step_goroutine(ex: &mut Exec, id: &GoroutineId, alt: u32) -> Result<(), Failure> {
    let prog = ex.prog;
    // The locals before the step, read through a second handle on the
    // execution (the step changes the goroutine's own copy: a state's
    // executions are shared, so it copies them anyway), not copied.
    let execution = std::rc::Rc::clone(
        ex.goroutine(id)
            .expect("internal weft bug: stepping a goroutine that does not exist")
            .execution(),
    );
    let (site, phase, locals) = (
        execution.site(),
        execution.phase,
        &execution.top().locals[..],
    );
    let op = &prog.instr(site.func, site.pc).op;
    if op.is_local() {
        // Only main, before its first visible operation, stands at local
        // code: when that code crashes (see `initial_state_within`).
        return local::run_local(ex, id);
    }
    let mut spawned = None;
    match visible(ex, id, site, phase, locals, op, alt, &mut spawned) {
        Ok(advance) => {
            move_on(ex, id, advance);
            local::run_local(ex, id)?;
            if let Some(child) = spawned {
                local::run_local(ex, &child)?;
            }
            Ok(())
        }
        Err(fault) => local::raise(ex, id, site, fault),
    }
}

fn move_on(ex: &mut Exec, id: &GoroutineId, advance: Advance) {
    if let Some(g) = ex.goroutine_mut(id) {
        let e = g.execution_mut();
        match advance {
            Advance::Stay => e.phase += 1,
            Advance::Next => {
                e.phase = 0;
                let f = e.top_mut();
                f.pc = Pc(f.pc.0 + 1);
            }
            Advance::To(pc) => {
                e.phase = 0;
                e.top_mut().pc = pc;
            }
        }
    }
}

fn write(ex: &mut Exec, id: &GoroutineId, dst: Option<LocalId>, v: Value) {
    if let (Some(d), Some(g)) = (dst, ex.goroutine_mut(id)) {
        g.top_mut().locals[d.index()] = v;
    }
}

use record::NIL_DEREF;

/// The map an entry access names, or `None` for a nil map (Go reads the
/// zero value from it, deletes nothing from it, and panics on a write).
fn map_of(ex: &Exec, locals: &[Value], map: &Expr, what: &str) -> Result<Option<ObjRef>, Fault> {
    match eval(&ex.state, locals, map)? {
        Value::Nil => Ok(None),
        _ => object_of(ex, locals, map, is_map, what).map(Some),
    }
}

/// Evaluates an object operand, checking its kind.
fn object_of(
    ex: &Exec,
    locals: &[Value],
    e: &Expr,
    ok: fn(&Object) -> bool,
    what: &str,
) -> Result<ObjRef, Fault> {
    let v = eval(&ex.state, locals, e)?;
    let Some(r) = v.object() else {
        return Err(Fault::Panic(NIL_DEREF.into()));
    };
    if ok(ex.state.object(r)) {
        Ok(r)
    } else {
        Err(Fault::Model(format!(
            "{what}, found {}",
            ex.state.object(r).describe()
        )))
    }
}

fn is_chan(o: &Object) -> bool {
    matches!(o, Object::Chan(_))
}
fn is_var(o: &Object) -> bool {
    matches!(o, Object::Var(_))
}
fn is_map(o: &Object) -> bool {
    matches!(o, Object::Map(_))
}
fn is_timer(o: &Object) -> bool {
    matches!(o, Object::Timer(_))
}
fn is_stoppable(o: &Object) -> bool {
    matches!(o, Object::Timer(_) | Object::Registration(_))
}

/// The variable `r` (a read: the state's objects are not copied).
fn var_of<'s>(ex: &'s Exec, r: ObjRef) -> &'s VarState {
    match ex.state.object(r) {
        Object::Var(v) => v,
        _ => unreachable!("internal weft bug: kind checked by object_of"),
    }
}

fn var_mut<'s>(ex: &'s mut Exec, r: ObjRef) -> &'s mut VarState {
    match ex.state.object_mut(r) {
        Object::Var(v) => v,
        _ => unreachable!("internal weft bug: kind checked by object_of"),
    }
}

fn map_mut<'s>(ex: &'s mut Exec, r: ObjRef) -> &'s mut MapState {
    match ex.state.object_mut(r) {
        Object::Map(m) => m,
        _ => unreachable!("internal weft bug: kind checked by object_of"),
    }
}

#[allow(clippy::too_many_arguments)]
fn visible(
    ex: &mut Exec,
    id: &GoroutineId,
    site: Site,
    phase: u8,
    locals: &[Value],
    op: &Op,
    alt: u32,
    spawned: &mut Option<GoroutineId>,
) -> Result<Advance, Fault> {
    let prog = ex.prog;
    match op {
        Op::Go { .. } | Op::GoValue { .. } => {
            let (func, vals) = match op {
                Op::GoValue { callee, args, .. } => {
                    let f = eval(&ex.state, locals, callee)?;
                    let vals = args
                        .iter()
                        .map(|a| eval(&ex.state, locals, a))
                        .collect::<Result<Locals, _>>()?;
                    record::callee(&ex.state, prog, f, vals)?
                }
                Op::Go { func, args } => (
                    *func,
                    args.iter()
                        .map(|a| eval(&ex.state, locals, a))
                        .collect::<Result<Locals, _>>()?,
                ),
                _ => return Err(Fault::Internal("not a go statement".into())),
            };
            let child = callback::spawn(ex, id, func, &vals)?;
            happens::spawns(ex, id, &child);
            *spawned = Some(child);
        }
        Op::AfterFunc {
            source,
            runner,
            args,
            dst,
        } => {
            let trigger = match source {
                CallbackSource::Timer { duration } => {
                    // Evaluated for its faults; abstract time ignores it.
                    int(&ex.state, locals, duration)?;
                    callback::Trigger::Timer
                }
                CallbackSource::Context { ctx } => {
                    callback::Trigger::Context(eval(&ex.state, locals, ctx)?)
                }
            };
            let vals = args
                .iter()
                .map(|a| eval(&ex.state, locals, a))
                .collect::<Result<SmallVec<[Value; 2]>, _>>()?;
            let (v, child) = callback::register(ex, id, trigger, *runner, vals, site)?;
            write(ex, id, *dst, v);
            *spawned = Some(child);
        }
        Op::Append {
            from,
            values,
            spread,
            elem,
            dst,
        } => {
            let from = eval(&ex.state, locals, from)?;
            let vs = if *spread {
                let source = match values.first() {
                    Some(v) => eval(&ex.state, locals, v)?,
                    None => Value::Nil,
                };
                record::elements(&ex.state, source)?
            } else {
                values
                    .iter()
                    .map(|v| eval(&ex.state, locals, v))
                    .collect::<Result<SmallVec<[Value; 2]>, _>>()?
            };
            // Appending nothing gives the slice itself (nil stays nil).
            let s = if vs.is_empty() {
                from
            } else {
                Value::Obj(record::append(&mut ex.state, ex.prog, from, &vs, elem)?)
            };
            write(ex, id, Some(*dst), s);
        }
        Op::AwaitCallback { target, dst } => {
            let t = eval(&ex.state, locals, target)?
                .object()
                .ok_or_else(|| Fault::Internal("a callback runner without its target".into()))?;
            let runs = callback::await_callback(ex, t)?;
            if runs && matches!(ex.state.object(t), Object::Timer(_)) {
                happens::callback_starts(ex, id, t);
            }
            write(ex, id, Some(*dst), Value::Bool(runs));
        }
        Op::MapNext {
            map,
            seen,
            key,
            value,
            more,
            sync: _,
        } => {
            let record = locals.get(seen.index()).copied().unwrap_or(Value::Nil);
            let next = maprange::next(&ex.state, locals, map, record)?;
            let Some(&k) = next.keys.get(alt as usize) else {
                // The loop ends: its record is garbage (states after the
                // loop do not depend on the order it took).
                write(ex, id, Some(*seen), Value::Nil);
                write(ex, id, Some(*more), Value::Bool(false));
                return Ok(Advance::Next);
            };
            let m = eval(&ex.state, locals, map)?.object();
            let v = match m.map(|r| ex.state.object(r)) {
                Some(Object::Map(m)) => m.get(&k),
                _ => Value::Int(0),
            };
            let record = match record.object() {
                Some(r) => r,
                None => {
                    // The first iteration: record the keys present now.
                    let mut first = MapState::default();
                    if let Some(Object::Map(m)) = m.map(|r| ex.state.object(r)) {
                        first.entries =
                            m.entries.iter().map(|&(k, _)| (k, Value::Int(0))).collect();
                    }
                    let r = ex.state.alloc(Object::Map(first));
                    write(ex, id, Some(*seen), Value::Obj(r));
                    r
                }
            };
            map_mut(ex, record).set(k, Value::Int(1));
            write(ex, id, *key, k);
            write(ex, id, *value, v);
            write(ex, id, Some(*more), Value::Bool(true));
        }
        Op::Choose { dst, values } => {
            let v = eval(&ex.state, locals, &values[alt as usize])?;
            write(ex, id, Some(*dst), v);
        }
        Op::Panic { message } => return Err(Fault::Panic(message.clone())),
        Op::Assert { cond, message } => {
            if !boolean(&ex.state, locals, cond)? {
                return Err(Fault::Assert(message.clone()));
            }
        }
        Op::Sleep => {}
        Op::New { dst, object } => {
            let (v, extra) = new_object(ex, locals, object, site, Some(id))?;
            write(ex, id, Some(*dst), v);
            if let Some((slot, c)) = extra {
                write(ex, id, Some(slot), c);
            }
        }
        Op::Send { chan, value } => {
            let ch = object_of(ex, locals, chan, is_chan, "send needs a channel")?;
            let v = eval(&ex.state, locals, value)?;
            happens::sends(ex, id, ch);
            channel::send_alone(ex, ch, v)?;
        }
        Op::Recv { chan, dst, ok } => {
            let ch = object_of(ex, locals, chan, is_chan, "receive needs a channel")?;
            happens::receives(ex, id, ch);
            let (v, got) = channel::recv_alone(ex, ch);
            write(ex, id, *dst, v);
            write(ex, id, *ok, Value::Bool(got));
        }
        Op::Close { chan } => {
            let v = eval(&ex.state, locals, chan)?;
            channel::close(ex, v)?;
            happens::closes(ex, id, v);
        }
        Op::Select { arms, default } => {
            let Some(arm) = arms.get(alt as usize) else {
                ex.observe(site, ObservationKind::SelectDefault);
                return Ok(Advance::To(default.ok_or_else(|| {
                    Fault::Internal("select arm out of range and no default".into())
                })?));
            };
            let ch = object_of(ex, locals, &arm.chan, is_chan, "select needs channels")?;
            match &arm.dir {
                CaseDir::Send { value } => {
                    let v = eval(&ex.state, locals, value)?;
                    happens::sends(ex, id, ch);
                    channel::send_alone(ex, ch, v)?;
                }
                CaseDir::Recv { dst, ok } => {
                    happens::receives(ex, id, ch);
                    let (v, got) = channel::recv_alone(ex, ch);
                    write(ex, id, *dst, v);
                    write(ex, id, *ok, Value::Bool(got));
                }
            }
            return Ok(Advance::To(arm.target));
        }
        Op::Lock { mutex } => {
            if let Value::RLocker(r) = eval(&ex.state, locals, mutex)? {
                rwmutex::rlock(ex, r)?;
                happens::locked(ex, id, r, true);
                return Ok(Advance::Next);
            }
            let m = object_of(ex, locals, mutex, is_lock, "Lock needs a Mutex or RWMutex")?;
            if matches!(ex.state.object(m), Object::Mutex(_)) {
                mutex::lock(ex, m)?;
            } else if !rwmutex::lock_step(ex, m, id, phase) {
                return Ok(Advance::Stay);
            }
            happens::locked(ex, id, m, false);
        }
        Op::Unlock { mutex } => {
            if let Value::RLocker(r) = eval(&ex.state, locals, mutex)? {
                rwmutex::runlock(ex, r)?;
                happens::unlocked(ex, id, r, true);
                return Ok(Advance::Next);
            }
            let m = object_of(
                ex,
                locals,
                mutex,
                is_lock,
                "Unlock needs a Mutex or RWMutex",
            )?;
            if matches!(ex.state.object(m), Object::Mutex(_)) {
                mutex::unlock(ex, m)?;
            } else {
                rwmutex::unlock(ex, m)?;
            }
            happens::unlocked(ex, id, m, false);
        }
        Op::TryLock { mutex, dst } => {
            let m = object_of(
                ex,
                locals,
                mutex,
                is_lock,
                "TryLock needs a Mutex or RWMutex",
            )?;
            let got = if matches!(ex.state.object(m), Object::Mutex(_)) {
                mutex::try_lock(ex, m)
            } else {
                rwmutex::try_lock(ex, m)
            };
            if got {
                happens::locked(ex, id, m, false);
            } else if dst.is_some() {
                ex.observe(site, ObservationKind::FailedTryLock);
            }
            write(ex, id, *dst, Value::Bool(got));
        }
        Op::RLock { mutex } => {
            let m = object_of(ex, locals, mutex, is_rw, "RLock needs an RWMutex")?;
            rwmutex::rlock(ex, m)?;
            happens::locked(ex, id, m, true);
        }
        Op::RUnlock { mutex } => {
            let m = object_of(ex, locals, mutex, is_rw, "RUnlock needs an RWMutex")?;
            rwmutex::runlock(ex, m)?;
            happens::unlocked(ex, id, m, true);
        }
        Op::WgAdd { wg, delta } => {
            let w = object_of(ex, locals, wg, is_wg, "Add needs a WaitGroup")?;
            let d = int(&ex.state, locals, delta)?;
            waitgroup::add(ex, w, d)?;
            happens::adds(ex, id, w, d);
        }
        Op::Wait { target, .. } => {
            let w = object_of(
                ex,
                locals,
                target,
                is_waitable,
                "Wait needs a WaitGroup or Cond",
            )?;
            if let Object::Cond(c) = ex.state.object(w) {
                let (locker, read) = (c.locker, c.read);
                if phase == 0 {
                    cond::wait_begin(ex, w, id)?;
                    happens::unlocked(ex, id, locker, read);
                    return Ok(Advance::Stay);
                }
                cond::wait_end(ex, w);
                happens::locked(ex, id, locker, read);
            } else {
                if !waitgroup::wait(ex, w, id, phase)? {
                    return Ok(Advance::Stay);
                }
                happens::waited(ex, id, w);
            }
        }
        Op::Signal { cond: c } => {
            let c = object_of(ex, locals, c, is_cond, "Signal needs a Cond")?;
            if cond::signal(ex, c) {
                ex.observe(site, ObservationKind::CondWake);
            }
        }
        Op::Broadcast { cond: c } => {
            let c = object_of(ex, locals, c, is_cond, "Broadcast needs a Cond")?;
            if cond::broadcast(ex, c) {
                ex.observe(site, ObservationKind::CondWake);
            }
        }
        Op::OnceEnter { once: o, skip } => {
            let o = object_of(ex, locals, o, is_once, "Do needs a Once")?;
            if !once::enter(ex, o) {
                happens::once_found_done(ex, id, o);
                return Ok(Advance::To(*skip));
            }
        }
        Op::OnceExit { once: o } => {
            let o = object_of(ex, locals, o, is_once, "Do needs a Once")?;
            once::exit(ex, o);
            happens::once_done(ex, id, o);
        }
        Op::Cancel { cancel } => {
            let f = eval(&ex.state, locals, cancel)?;
            if f == Value::Nil {
                return Err(Fault::Panic(NIL_DEREF.into()));
            }
            if let Value::Cancel(ctx) = f {
                context_edges::cancels(ex, id, ctx);
            }
            context::cancel(ex, f)?;
        }
        Op::CtxErr { ctx, dst } => {
            let c = eval(&ex.state, locals, ctx)?;
            let v = context::err(ex, c)?;
            context_edges::err(ex, id, c);
            write(ex, id, Some(*dst), v);
        }
        Op::TimerStop { timer: t, dst } => {
            let t = object_of(
                ex,
                locals,
                t,
                is_stoppable,
                "Stop needs a timer, a ticker or a context.AfterFunc stop function",
            )?;
            // (A context.AfterFunc's stop synchronises: Go runs it and the
            // callback's start under one sync.Once.)
            let (v, timer) = match ex.state.object(t) {
                Object::Registration(_) => (callback::stop(ex, t), false),
                _ => (timer::stop(ex, t), true),
            };
            if timer && !v && dst.is_some() {
                ex.observe(site, ObservationKind::StoppedTimer);
            }
            write(ex, id, *dst, Value::Bool(v));
        }
        Op::TimerReset {
            timer: t,
            duration,
            dst,
            respawn: _,
        } => {
            let t = object_of(ex, locals, t, is_timer, "Reset needs a timer or ticker")?;
            let d = int(&ex.state, locals, duration)?;
            let v = timer::reset(ex, id, t, d)?;
            // A `time.AfterFunc` timer whose runner has ended gets a new one.
            if let Some(child) = callback::restart(ex, id, t)? {
                *spawned = Some(child);
            }
            if !v && dst.is_some() {
                ex.observe(site, ObservationKind::StoppedTimer);
            }
            write(ex, id, *dst, Value::Bool(v));
        }
        Op::Load { place, dst, ok } => {
            let (v, present) = match place {
                Place::Var(e) => {
                    let r = object_of(ex, locals, e, is_var, "a read needs a variable")?;
                    (var_of(ex, r).value, true)
                }
                Place::MapEntry { map, key, nil_read } => {
                    let r = map_of(ex, locals, map, "indexing needs a map")?;
                    let k = eval(&ex.state, locals, key)?;
                    // A nil map reads as empty: the zero value, absent.
                    match r {
                        Some(r) => {
                            let m = map_mut(ex, r);
                            m.lookup(&k).map_or((m.zero, false), |v| (v, true))
                        }
                        None => (super::eval::constant(*nil_read), false),
                    }
                }
            };
            write(ex, id, Some(*dst), v);
            if let Some(ok) = ok {
                write(ex, id, Some(*ok), Value::Bool(present));
            }
        }
        Op::Store { place, value } => {
            let v = eval(&ex.state, locals, value)?;
            match place {
                Place::Var(e) => {
                    let r = object_of(ex, locals, e, is_var, "an assignment needs a variable")?;
                    var_mut(ex, r).value = v;
                }
                Place::MapEntry { map, key, .. } => {
                    let r = map_of(ex, locals, map, "indexing needs a map")?
                        .ok_or_else(|| Fault::Panic("assignment to entry in nil map".into()))?;
                    let k = eval(&ex.state, locals, key)?;
                    map_mut(ex, r).set(k, v);
                }
            }
        }
        Op::MapDelete { map, key } => {
            let r = map_of(ex, locals, map, "delete needs a map")?;
            let k = eval(&ex.state, locals, key)?;
            if let Some(r) = r {
                map_mut(ex, r).delete(&k);
            }
        }
        Op::SyncMap {
            map,
            op,
            key,
            value,
            dst,
            ok,
        } => {
            let r = object_of(
                ex,
                locals,
                map,
                is_map,
                "a sync.Map method needs a sync.Map",
            )?;
            let k = eval(&ex.state, locals, key)?;
            let v = match value {
                Some(v) => Some(eval(&ex.state, locals, v)?),
                None => None,
            };
            let m = map_mut(ex, r);
            let found = m
                .entries
                .binary_search_by(|(x, _)| x.cmp(&k))
                .ok()
                .map(|i| m.entries[i].1);
            // Go's results: the value found (nil when absent) and the flag.
            let (out, flag) = match op {
                SyncMapOp::Load => (found.unwrap_or(Value::Nil), found.is_some()),
                SyncMapOp::Store => {
                    m.set(k, v.unwrap_or(Value::Nil));
                    (Value::Nil, false)
                }
                SyncMapOp::LoadOrStore => match found {
                    Some(old) => (old, true),
                    None => {
                        let v = v.unwrap_or(Value::Nil);
                        m.set(k, v);
                        (v, false)
                    }
                },
                SyncMapOp::LoadAndDelete => {
                    m.delete(&k);
                    (found.unwrap_or(Value::Nil), found.is_some())
                }
                SyncMapOp::Delete => {
                    m.delete(&k);
                    (Value::Nil, false)
                }
            };
            write(ex, id, *dst, out);
            write(ex, id, *ok, Value::Bool(flag));
        }
        Op::Len { target, dst } => {
            let v = eval(&ex.state, locals, target)?;
            let n = match v.object().map(|r| ex.state.object(r)) {
                None => 0,
                Some(Object::Chan(c)) => {
                    let n = c.go_len(&ex.state);
                    ex.observe(site, ObservationKind::ChannelLen);
                    n
                }
                Some(Object::Map(m)) => m.entries.len(),
                Some(o) => {
                    return Err(Fault::Model(format!(
                        "len needs a channel or map, found {}",
                        o.describe()
                    )))
                }
            };
            write(ex, id, Some(*dst), Value::Int(n as i64));
        }
        Op::AtomicLoad { var, dst } => {
            let r = object_of(ex, locals, var, is_var, "an atomic needs a variable")?;
            let v = var_of(ex, r).value;
            write(ex, id, Some(*dst), v);
            happens::atomic(ex, id, r, Atomic::Load);
        }
        Op::AtomicStore { var, value } => {
            let r = object_of(ex, locals, var, is_var, "an atomic needs a variable")?;
            let v = eval(&ex.state, locals, value)?;
            var_mut(ex, r).value = v;
            happens::atomic(ex, id, r, Atomic::Store);
        }
        Op::AtomicAdd { var, delta, dst } => {
            let r = object_of(ex, locals, var, is_var, "an atomic needs a variable")?;
            let d = int(&ex.state, locals, delta)?;
            let cell = var_mut(ex, r);
            let old = match cell.value {
                Value::Int(i) => i,
                Value::Nil => 0,
                v => {
                    return Err(Fault::Model(format!(
                        "atomic add needs an integer, found `{v}`"
                    )))
                }
            };
            cell.value = Value::Int(old.wrapping_add(d));
            let new = cell.value;
            write(ex, id, *dst, new);
            happens::atomic(ex, id, r, Atomic::ReadModifyWrite);
        }
        Op::CompareAndSwap { var, old, new, dst } => {
            let r = object_of(ex, locals, var, is_var, "an atomic needs a variable")?;
            let o = eval(&ex.state, locals, old)?;
            let n = eval(&ex.state, locals, new)?;
            let cell = var_mut(ex, r);
            let swapped = cell.value == o || (cell.value == Value::Nil && o == Value::Int(0));
            if swapped {
                cell.value = n;
            }
            write(ex, id, *dst, Value::Bool(swapped));
            let kind = if swapped {
                Atomic::ReadModifyWrite
            } else {
                Atomic::Load
            };
            happens::atomic(ex, id, r, kind);
        }
        Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::CallValue { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. } => {
            return Err(Fault::Internal(format!(
                "local operation {op:?} scheduled as a step"
            )))
        }
    }
    Ok(Advance::Next)
}

fn is_lock(o: &Object) -> bool {
    matches!(o, Object::Mutex(_) | Object::RwMutex(_))
}
fn is_rw(o: &Object) -> bool {
    matches!(o, Object::RwMutex(_))
}
fn is_wg(o: &Object) -> bool {
    matches!(o, Object::WaitGroup(_))
}
fn is_waitable(o: &Object) -> bool {
    matches!(o, Object::WaitGroup(_) | Object::Cond(_))
}
fn is_cond(o: &Object) -> bool {
    matches!(o, Object::Cond(_))
}
fn is_once(o: &Object) -> bool {
    matches!(o, Object::Once(_))
}

fn rendezvous(
    ex: &mut Exec,
    s: &GoroutineId,
    send_arm: u32,
    r: &GoroutineId,
    recv_arm: u32,
) -> Result<(), Failure> {
    let prog = ex.prog;
    let (s_site, _, s_locals) = snapshot(ex, s);
    let (r_site, _, _) = snapshot(ex, r);
    let value_expr = match (&prog.instr(s_site.func, s_site.pc).op, send_arm) {
        (Op::Send { value, chan }, PLAIN) => (value, chan, Advance::Next),
        (Op::Select { arms, .. }, i) => match arms.get(i as usize) {
            Some(a) => match &a.dir {
                CaseDir::Send { value } => (value, &a.chan, Advance::To(a.target)),
                CaseDir::Recv { .. } => return Err(bad_rendezvous(s, s_site)),
            },
            None => return Err(bad_rendezvous(s, s_site)),
        },
        _ => return Err(bad_rendezvous(s, s_site)),
    };
    let (value_expr, chan, s_advance) = value_expr;
    if let Some(ch) = eval(&ex.state, &s_locals, chan)
        .ok()
        .and_then(Value::object)
    {
        happens::hands_off(ex, s, r, ch);
    }
    let v = match eval(&ex.state, &s_locals, value_expr) {
        Ok(v) => v,
        Err(f) => return local::raise(ex, s, s_site, f),
    };
    let (dst, ok, r_advance) = match (&prog.instr(r_site.func, r_site.pc).op, recv_arm) {
        (Op::Recv { dst, ok, .. }, PLAIN) => (*dst, *ok, Advance::Next),
        (Op::Select { arms, .. }, i) => match arms.get(i as usize).map(|a| (&a.dir, a.target)) {
            Some((CaseDir::Recv { dst, ok }, target)) => (*dst, *ok, Advance::To(target)),
            _ => return Err(bad_rendezvous(r, r_site)),
        },
        _ => return Err(bad_rendezvous(r, r_site)),
    };
    write(ex, r, dst, v);
    write(ex, r, ok, Value::Bool(true));
    move_on(ex, s, s_advance);
    move_on(ex, r, r_advance);
    local::run_local(ex, s)?;
    local::run_local(ex, r)
}

fn bad_rendezvous(id: &GoroutineId, site: Site) -> Failure {
    Failure {
        kind: super::FailureKind::Internal,
        message: "rendezvous on a goroutine that is not at a channel operation".into(),
        goroutine: id.clone(),
        site,
    }
}
