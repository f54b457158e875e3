//! Fills the growth facts of a search cut by a limit
//! ([`crate::explore::growth`]): what kept growing, named as the scenario
//! names it, and the line that makes it grow.

use weft_models::ir::ObjectKind;
use weft_reports::view::{Growing, GrowthView, Location};
use weft_reports::words;

use crate::counterexample::locate::Locator;
use crate::explore::growth::{Grown, Holder};
use crate::explore::Growth;
use crate::state::Site;

/// The view of every growth fact.
pub(crate) fn views(loc: &Locator, growth: &[Growth]) -> Vec<GrowthView> {
    growth.iter().map(|g| view(loc, g)).collect()
}

fn view(loc: &Locator, g: &Growth) -> GrowthView {
    let prog = loc.prog;
    let site = |s: Option<Site>| s.map(|s| loc.site(s, None));
    // A held object: its name and where it is made (for a global, declared).
    let held = |holder: Holder, made_at: Option<Site>| -> (Option<String>, Option<Location>) {
        match holder {
            Holder::Global(i) => {
                let global = prog.globals.get(i);
                (
                    global.map(|x| x.name.clone()),
                    global.map(|x| loc.span(x.span)),
                )
            }
            Holder::Local { func, slot } => (
                prog.func(func)
                    .local_names
                    .get(slot)
                    .filter(|n| !n.starts_with('$'))
                    .cloned(),
                site(made_at),
            ),
        }
    };
    let object = |kind: ObjectKind, name: Option<String>, at: &Option<Location>| {
        words::object(
            kind.noun(),
            name.as_deref(),
            at.as_ref().map(|l| (l.line, l.col)),
        )
    };
    // The kind, the name for the subject, where, and whether the sentence
    // must still say where (an unnamed object is named by where it is made).
    let (what, name, at, say_where) = match g.what {
        Grown::Goroutines { func, spawned_at } => (
            Growing::Goroutines,
            prog.func(func).name.clone(),
            site(spawned_at),
            true,
        ),
        Grown::Buffer { holder, made_at } => {
            let (name, at) = held(holder, made_at);
            let named = name.is_some();
            let subject = object(ObjectKind::Chan, name, &at);
            (Growing::ChannelBuffer, subject, at, named)
        }
        Grown::Value { holder, made_at } => {
            let (name, at) = held(holder, made_at);
            let named = name.is_some();
            (
                Growing::Variable,
                object(ObjectKind::Var, name, &at),
                at,
                named,
            )
        }
        Grown::MapSize { holder, made_at } => {
            let (name, at) = held(holder, made_at);
            let named = name.is_some();
            (
                Growing::MapSize,
                object(ObjectKind::Map, name, &at),
                at,
                named,
            )
        }
        Grown::Objects { kind, made_at } => (
            Growing::Objects,
            kind.noun().to_string(),
            site(made_at),
            false,
        ),
    };
    let subject = words::growth_subject(what, &name, at.as_ref());
    let place = at.as_ref().filter(|_| say_where);
    GrowthView {
        what,
        sentence: words::growth(what, &subject, place, g.from, g.to, g.depth),
        subject,
        at,
        from: g.from,
        to: g.to,
        depth: g.depth,
    }
}
