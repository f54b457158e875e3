//! Lexical scopes: function frames, block scopes, declarations, lookups,
//! captures of anonymous bodies and assignments.

use super::hir::{HDst, RExpr, RKind, Slot};
use super::kinds::Kind;
use super::{PkgItem, Walker};
use crate::diagnostic::{closest, Diagnostic};
use crate::ir::{FuncId, GlobalId};
use crate::span::Span;
use crate::syntax::Name;

/// One local slot of a function being checked.
#[derive(Clone, Debug)]
pub(crate) struct SlotInfo {
    pub name: String,
    pub kind: Kind,
    /// Where it is declared (for captures: first use).
    pub decl: Span,
    /// How many loops of this function enclose its declaration.
    pub loop_depth: u32,
    /// Assignments after the declaration.
    pub assigned: Vec<Span>,
    /// True for a local copied from the enclosing function.
    pub capture: bool,
}

/// A local of the enclosing function copied into an anonymous body.
#[derive(Clone, Debug)]
pub(crate) struct Capture {
    pub name: String,
    /// The slot in the anonymous function.
    pub inner: Slot,
    /// The slot in the enclosing function.
    pub outer: Slot,
    /// The first use inside the body.
    pub use_span: Span,
}

/// What kind of function a frame belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FnKind {
    Main,
    Named,
    /// `Go(body: [...])`
    GoBody,
    /// `Do(once, body)`
    DoBody,
    /// `Func(name, params, body)`: a function literal.
    FuncLit,
}

/// A labelled statement around the statement being checked.
#[derive(Debug)]
pub(crate) struct ActiveLabel {
    /// The label.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// `Continue` may name it (a loop, not a select or switch).
    pub is_loop: bool,
    /// A `Break` or `Continue` names it.
    pub used: bool,
}

/// A function being checked.
#[derive(Debug)]
pub(crate) struct FnCtx {
    pub id: FuncId,
    pub name: String,
    pub kind: FnKind,
    pub slots: Vec<SlotInfo>,
    pub params: Vec<Slot>,
    scopes: Vec<Vec<(String, Slot)>>,
    /// Each name's bindings in the open scopes, innermost last, with the
    /// depth of the scope holding it: a name is looked up at once (a scan
    /// of the scopes was quadratic in the locals of a long function).
    bound: std::collections::HashMap<String, Vec<(usize, Slot)>>,
    pub captures: Vec<Capture>,
    /// Captures made by `Go` bodies nested here, checked when this function ends.
    pub go_captures: Vec<Capture>,
    /// Enclosing loops (break/continue targets) of the current statement.
    pub loops: u32,
    /// Enclosing loops and selects (break targets).
    pub breakables: u32,
    /// Enclosing loops, for declarations (not reset in deferred bodies).
    pub loop_depth: u32,
    /// Why an enclosing loop is out of reach (`a deferred body`, ...).
    pub boundary: Option<&'static str>,
    /// The labelled statements enclosing the current one, innermost last.
    pub labels: Vec<ActiveLabel>,
    /// Every label defined in the function so far (Go labels are
    /// function-wide: a name may label one statement only).
    pub label_defs: Vec<(String, Span)>,
    /// Inside a deferred body: the first slot declared inside it.
    pub defer_mark: Option<u32>,
    /// The named results' slots, in order, with their kinds (empty when
    /// the results are unnamed).
    pub named_results: Vec<(Slot, Kind)>,
    /// Where the named results are declared.
    pub results_span: Option<Span>,
    /// Counters for naming anonymous bodies.
    pub n_func: u32,
    pub n_do: u32,
}

impl FnCtx {
    /// A frame with one (function-level) scope.
    pub(crate) fn new(id: FuncId, name: String, kind: FnKind) -> FnCtx {
        FnCtx {
            id,
            name,
            kind,
            slots: Vec::new(),
            params: Vec::new(),
            scopes: vec![Vec::new()],
            bound: std::collections::HashMap::new(),
            captures: Vec::new(),
            go_captures: Vec::new(),
            loops: 0,
            breakables: 0,
            loop_depth: 0,
            boundary: None,
            labels: Vec::new(),
            label_defs: Vec::new(),
            defer_mark: None,
            named_results: Vec::new(),
            results_span: None,
            n_func: 0,
            n_do: 0,
        }
    }

    /// A new slot (not bound to a name in any scope).
    pub(crate) fn new_slot(&mut self, name: &str, kind: Kind, decl: Span) -> Slot {
        let slot = Slot(u32::try_from(self.slots.len()).unwrap_or(u32::MAX));
        self.slots.push(SlotInfo {
            name: name.to_string(),
            kind,
            decl,
            loop_depth: self.loop_depth,
            assigned: Vec::new(),
            capture: false,
        });
        slot
    }

    /// The slot info, if the slot exists.
    pub(crate) fn slot(&self, s: Slot) -> Option<&SlotInfo> {
        self.slots.get(s.0 as usize)
    }

    /// The slot `name` denotes here, if it is a local (or captured).
    pub(crate) fn slot_of(&self, name: &str) -> Option<Slot> {
        self.find(name)
    }

    /// Whether `name` is a local visible here (or captured).
    pub(crate) fn find_name(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn find(&self, name: &str) -> Option<Slot> {
        // (A binding is always made in the innermost scope, so a name's
        // last one is in the innermost scope that binds it, and the
        // latest there.)
        if let Some(&(_, s)) = self.bound.get(name).and_then(|b| b.last()) {
            return Some(s);
        }
        self.captures
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.inner)
    }

    /// Enters a block.
    pub(crate) fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    /// Leaves a block.
    pub(crate) fn pop_scope(&mut self) {
        if self.scopes.len() > 1 {
            for (name, _) in self.scopes.pop().into_iter().flatten() {
                // (Its bindings are the last of their names'.)
                if let Some(b) = self.bound.get_mut(&name) {
                    b.pop();
                    if b.is_empty() {
                        self.bound.remove(&name);
                    }
                }
            }
        }
    }

    fn bind(&mut self, name: &str, slot: Slot) {
        let depth = self.scopes.len().saturating_sub(1);
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name.to_string(), slot));
            self.bound
                .entry(name.to_string())
                .or_default()
                .push((depth, slot));
        }
    }

    /// The first binding of `name` in the innermost scope.
    fn in_current_scope(&self, name: &str) -> Option<Slot> {
        let depth = self.scopes.len().saturating_sub(1);
        let b = self.bound.get(name)?;
        b.iter()
            .rev()
            .take_while(|&&(d, _)| d == depth)
            .last()
            .map(|&(_, s)| s)
    }

    /// Every name visible from the current block.
    fn visible(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .scopes
            .iter()
            .flatten()
            .map(|(n, _)| n.clone())
            .collect();
        out.extend(self.captures.iter().map(|c| c.name.clone()));
        out
    }
}

/// What a name denotes at a use.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Res {
    Local(Slot, Kind),
    Global(GlobalId, Kind),
    Param(i64),
}

impl Walker<'_> {
    /// The function being checked.
    pub(crate) fn ctx(&mut self) -> Option<&mut FnCtx> {
        self.stack.last_mut()
    }

    /// Resolves a local name in frame `d`, capturing it through anonymous bodies.
    fn lookup_at(&mut self, d: usize, name: &str, use_span: Span) -> Option<Slot> {
        let found = self.stack.get(d)?.find(name);
        if let Some(s) = found {
            self.check_deferred_use(d, s, use_span);
            return Some(s);
        }
        let kind = self.stack.get(d)?.kind;
        if d == 0 || !matches!(kind, FnKind::GoBody | FnKind::DoBody | FnKind::FuncLit) {
            return None;
        }
        let outer = self.lookup_at(d - 1, name, use_span)?;
        let okind = self.stack.get(d - 1)?.slot(outer)?.kind;
        let ofunc = self.stack.get(d - 1)?.id;
        let held = self.local_held.get(&(ofunc, outer)).copied();
        let elem = self.local_elem.get(&(ofunc, outer)).copied();
        let ctx = self.stack.get_mut(d)?;
        let inner = ctx.new_slot(name, okind, use_span);
        let ifunc = ctx.id;
        if let Some(h) = held {
            self.local_held.insert((ifunc, inner), h);
        }
        if let Some(e) = elem {
            self.local_elem.insert((ifunc, inner), e);
        }
        let ctx = self.stack.get_mut(d)?;
        if let Some(info) = ctx.slots.get_mut(inner.0 as usize) {
            info.capture = true;
            info.loop_depth = 0;
        }
        ctx.params.push(inner);
        ctx.captures.push(Capture {
            name: name.to_string(),
            inner,
            outer,
            use_span,
        });
        Some(inner)
    }

    /// A deferred body inside a loop must not use a local declared inside
    /// that loop: weft runs it in the function's frame, so it would see the
    /// last iteration's value.
    fn check_deferred_use(&mut self, d: usize, s: Slot, use_span: Span) {
        let Some(ctx) = self.stack.get(d) else { return };
        let (Some(mark), Some(info)) = (ctx.defer_mark, ctx.slot(s)) else {
            return;
        };
        if s.0 < mark && info.loop_depth > 0 {
            let d = Diagnostic::new(
                format!("deferred body uses `{}`, which is declared inside a loop", info.name),
                use_span,
            )
            .with_label("used here")
            .with_secondary(info.decl, "declared inside the loop here")
            .with_note(
                "in Go each iteration has its own variable; weft runs deferred bodies in the \
                 function's frame and would see only the last one",
            )
            .with_help("move the `Defer` out of the loop, or copy the value into a `Var` declared outside the loop");
            self.error(d);
        }
    }

    /// Resolves a name used at `span`; reports unknown names. After
    /// decoding errors, a name that a dropped statement may have declared
    /// again between its declaration and this use resolves to nothing,
    /// silently; an unknown name mentioned in a dropped part is not reported.
    pub(crate) fn resolve(&mut self, name: &str, span: Span) -> Option<Res> {
        if self.maybe_redeclared(name, span) {
            return None;
        }
        if let Some(d) = self.stack.len().checked_sub(1) {
            if let Some(s) = self.lookup_at(d, name, span) {
                let kind = self
                    .stack
                    .get(d)
                    .and_then(|c| c.slot(s))
                    .map_or(Kind::Unknown, |i| i.kind);
                return Some(Res::Local(s, kind));
            }
        }
        match self.package.get(name) {
            Some(PkgItem::Param(v, _)) => Some(Res::Param(*v)),
            Some(PkgItem::Global(id, kind, _)) => Some(Res::Global(*id, *kind)),
            None => {
                self.unknown_name(name, span);
                None
            }
        }
    }

    /// Whether a statement dropped by decoding that may declare `name` lies
    /// between the visible declaration of `name` and its use at `usage` (it
    /// may have declared `name` again, with another kind).
    fn maybe_redeclared(&self, name: &str, usage: Span) -> bool {
        if !self.recovery.mentions(name) {
            return false;
        }
        let mut decl = None;
        for c in self.stack.iter().rev() {
            if let Some(info) = c.find(name).and_then(|s| c.slot(s)) {
                if !info.capture {
                    decl = Some(info.decl);
                    break;
                }
            }
            if !matches!(c.kind, FnKind::GoBody | FnKind::DoBody | FnKind::FuncLit) {
                break;
            }
        }
        let decl = decl.or_else(|| match self.package.get(name) {
            Some(PkgItem::Param(_, s) | PkgItem::Global(_, _, s)) => Some(*s),
            None => None,
        });
        decl.is_some_and(|d| self.recovery.redeclared_between(name, d, usage))
    }

    /// Whether `name` is visible, without capturing it or reporting anything.
    pub(crate) fn resolve_quiet(&self, name: &str) -> bool {
        self.stack.iter().any(|c| c.find(name).is_some()) || self.package.contains_key(name)
    }

    fn unknown_name(&mut self, name: &str, span: Span) {
        if self.recovery.mentions(name) {
            // A part that failed to decode may have declared it.
            return;
        }
        let mut d =
            Diagnostic::new(format!("unknown name `{name}`"), span).with_label("not declared");
        if self.func_ids.contains_key(name) {
            d = d.with_help(format!(
                "`{name}` is a function: start it with `Go` or call it with `Call`"
            ));
        } else {
            let mut cands: Vec<String> = self.stack.iter().flat_map(FnCtx::visible).collect();
            cands.extend(self.package.keys().cloned());
            cands.sort();
            if let Some(s) = closest(name, cands.iter().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
        }
        self.error(d);
    }

    /// Declares `name` in the current block.
    pub(crate) fn declare(&mut self, name: &Name, kind: Kind) -> Slot {
        let Some(ctx) = self.stack.last_mut() else {
            return Slot(0);
        };
        let dup = ctx
            .in_current_scope(&name.text)
            .and_then(|s| ctx.slot(s))
            .map(|i| i.decl);
        let slot = ctx.new_slot(&name.text, kind, name.span);
        ctx.bind(&name.text, slot);
        if let Some(first) = dup {
            self.error(
                Diagnostic::new(
                    format!("`{}` is already declared in this block", name.text),
                    name.span,
                )
                .with_label("declared again here")
                .with_secondary(first, "first declared here")
                .with_help(format!(
                    "to change it, write `Set(\"{0}\", ...)`; to declare another, use a new name or an inner block",
                    name.text
                )),
            );
        }
        slot
    }

    /// A slot with no name in scope (a hidden loop counter, ...).
    pub(crate) fn hidden(&mut self, name: &str, kind: Kind, span: Span) -> Slot {
        match self.stack.last_mut() {
            Some(ctx) => ctx.new_slot(name, kind, span),
            None => Slot(0),
        }
    }

    /// Records an assignment to a local of the current function.
    pub(crate) fn assigned(&mut self, slot: Slot, span: Span) {
        let Some(ctx) = self.stack.last_mut() else {
            return;
        };
        let kind = ctx.kind;
        let Some(info) = ctx.slots.get_mut(slot.0 as usize) else {
            return;
        };
        info.assigned.push(span);
        if info.capture {
            let name = info.name.clone();
            let use_span = info.decl;
            self.capture_error(kind, &name, use_span, span);
        }
    }

    /// An anonymous body captures a local that is assigned after its declaration.
    pub(crate) fn capture_error(&mut self, kind: FnKind, name: &str, use_span: Span, assign: Span) {
        let what = match kind {
            FnKind::DoBody => "the `Do` body",
            FnKind::FuncLit => "the function literal",
            FnKind::Main | FnKind::Named | FnKind::GoBody => "the goroutine body",
        };
        let mut d = Diagnostic::new(
            format!("{what} captures `{name}`, which is assigned after its declaration"),
            use_span,
        )
        .with_label("captured here")
        .with_help("declare it with `Var(...)` to share it, or pass it as an argument")
        .with_note(
            "Go closures share variables by reference; weft copies captured locals when the \
             body starts, which would hide the assignment",
        );
        if assign != use_span {
            d = d.with_secondary(assign, "assigned here");
        }
        self.error(d);
    }

    /// Where the result named by an `into` (or `ok`) field goes: an existing
    /// local is assigned, a shared variable is stored, a new name is declared
    /// in the current block.
    pub(crate) fn dst(&mut self, name: &Name, kind: Kind) -> HDst {
        if self.maybe_redeclared(&name.text, name.span) {
            return HDst::Local(self.hidden(&name.text, kind, name.span));
        }
        let top = self.stack.len().checked_sub(1);
        let local = top.and_then(|d| self.lookup_at(d, &name.text, name.span));
        if let Some(slot) = local {
            let info = self
                .stack
                .last()
                .and_then(|c| c.slot(slot))
                .map(|i| (i.kind, i.decl));
            let (lk, _) = info.unwrap_or((Kind::Unknown, name.span));
            if lk == Kind::Var {
                let held = self.held_of(Res::Local(slot, Kind::Var));
                self.check_value_store(name, kind, held);
                return HDst::Var(RExpr {
                    kind: RKind::Local(slot),
                    span: name.span,
                });
            }
            if !lk.compatible(kind) {
                self.error(
                    Diagnostic::new(
                        format!(
                            "cannot store {} in `{}`, which is {}",
                            kind.describe(),
                            name.text,
                            lk.describe()
                        ),
                        name.span,
                    )
                    .with_label("wrong kind")
                    .with_help("use a new name"),
                );
            }
            self.assigned(slot, name.span);
            return HDst::Local(slot);
        }
        match self.package.get(&name.text).copied() {
            Some(PkgItem::Global(id, Kind::Var, _)) => {
                let held = self.held_of(Res::Global(id, Kind::Var));
                self.check_value_store(name, kind, held);
                HDst::Var(RExpr {
                    kind: RKind::Global(id),
                    span: name.span,
                })
            }
            Some(item) => {
                let (what, decl) = match item {
                    PkgItem::Param(_, s) => ("a scenario parameter".to_string(), s),
                    PkgItem::Global(_, k, s) => (format!("a global {}", plain(k)), s),
                };
                self.error(
                    Diagnostic::new(
                        format!("cannot assign to `{}`, {what}", name.text),
                        name.span,
                    )
                    .with_label("not assignable")
                    .with_secondary(decl, "declared here")
                    .with_help("use a new name"),
                );
                HDst::Local(self.hidden(&name.text, kind, name.span))
            }
            None => HDst::Local(self.declare(name, kind.of_local())),
        }
    }

    fn check_value_store(&mut self, name: &Name, kind: Kind, held: Kind) {
        let holds_values = matches!(held, Kind::Int | Kind::Bool | Kind::Var);
        if !holds_values && held != Kind::Unknown && !held.compatible(kind) {
            self.error(
                Diagnostic::new(
                    format!(
                        "cannot store {} in shared variable `{}`, which holds {}",
                        kind.describe(),
                        name.text,
                        held.describe()
                    ),
                    name.span,
                )
                .with_label("wrong kind"),
            );
            return;
        }
        if holds_values && kind.is_reference() {
            self.error(
                Diagnostic::new(
                    format!(
                        "cannot store {} in shared variable `{}`",
                        kind.describe(),
                        name.text
                    ),
                    name.span,
                )
                .with_label("shared variables hold integers and booleans"),
            );
        }
    }
}

/// A kind without its article ("channel", "Mutex").
pub(crate) fn plain(kind: Kind) -> &'static str {
    let d = kind.describe();
    d.strip_prefix("an ")
        .or_else(|| d.strip_prefix("a "))
        .unwrap_or(d)
}
