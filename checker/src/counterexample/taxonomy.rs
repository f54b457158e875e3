//! The study's taxonomy of a bug: blocking or not, and whether it comes
//! from message passing or shared memory, read from the operations
//! involved.

use weft_models::ir::Program;
use weft_models::syntax::{self, BugKind};
use weft_reports::view::{Behavior, Cause};

use crate::counterexample::describe;
use crate::detect::Bug;

/// The behaviour and cause of `bug`: message passing when any of its
/// operations passes messages (a race only when all of its do, a send
/// and a close of one channel; a context leak always); when none says,
/// what the scenario declares. A spin is non-blocking: the spinning
/// goroutine never blocks (those waiting for it are leaks of their own).
pub(crate) fn classify(prog: &Program, bug: &Bug) -> (Behavior, Cause) {
    let blocking = matches!(
        bug.kind,
        BugKind::Deadlock | BugKind::Leak | BugKind::ContextLeak
    );
    let sites = std::iter::once(bug.site).chain(bug.involved.iter().map(|i| i.site));
    let mp: Vec<bool> = sites
        .filter_map(|s| match describe::operation(prog, s, 0, 0).cause {
            describe::Cause::MessagePassing => Some(true),
            describe::Cause::SharedMemory => Some(false),
            describe::Cause::Neither => None,
        })
        .collect();
    let declared = prog
        .meta
        .taxonomy
        .map(|t| t.cause == syntax::Cause::MessagePassing);
    let message = match bug.kind {
        BugKind::Race => !mp.is_empty() && mp.iter().all(|&m| m),
        BugKind::ContextLeak | BugKind::ResourceLeak => true,
        BugKind::Deadlock | BugKind::Leak | BugKind::Panic | BugKind::Assert | BugKind::Spin
            if mp.is_empty() =>
        {
            declared.unwrap_or(false)
        }
        BugKind::Deadlock | BugKind::Leak | BugKind::Panic | BugKind::Assert | BugKind::Spin => {
            mp.iter().any(|&m| m)
        }
    };
    (
        if blocking {
            Behavior::Blocking
        } else {
            Behavior::NonBlocking
        },
        if message {
            Cause::MessagePassing
        } else {
            Cause::SharedMemory
        },
    )
}

/// The taxonomy a scenario declares.
pub(crate) fn declared(prog: &Program) -> Option<(Behavior, Cause)> {
    prog.meta.taxonomy.map(|t| {
        (
            match t.behavior {
                syntax::Behavior::Blocking => Behavior::Blocking,
                syntax::Behavior::NonBlocking => Behavior::NonBlocking,
            },
            match t.cause {
                syntax::Cause::SharedMemory => Cause::SharedMemory,
                syntax::Cause::MessagePassing => Cause::MessagePassing,
            },
        )
    })
}

/// The report's spelling of a bug kind.
pub fn kind(k: BugKind) -> weft_reports::view::BugKind {
    use weft_reports::view::BugKind as V;
    match k {
        BugKind::Deadlock => V::Deadlock,
        BugKind::Leak => V::Leak,
        BugKind::Race => V::Race,
        BugKind::Panic => V::Panic,
        BugKind::Assert => V::Assert,
        BugKind::ContextLeak => V::ContextLeak,
        BugKind::Spin => V::Spin,
        BugKind::ResourceLeak => V::ResourceLeak,
    }
}
