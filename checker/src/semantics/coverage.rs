//! Which code a transition reaches, for coverage (`// reach` checks): the
//! operation of each moving goroutine and, for a `select`, the first
//! instruction of the arm it takes (so a case can be shown reached).

use smallvec::SmallVec;
use weft_models::ir::{Op, Program};

use super::Transition;
use crate::state::{Goroutine, Object, Site, State};

/// True when goroutine `g`'s next step registers it in a WaitGroup's
/// `Wait`.
fn registers_in_wait(prog: &Program, state: &State, g: &Goroutine) -> bool {
    g.phase == 0
        && super::waitgroup::pending_wait(prog, state, g)
            .is_some_and(|r| matches!(state.object(r), Object::WaitGroup(w) if w.counter > 0))
}

/// The sites `t` executes from `state`: each mover's operation, followed
/// for a `select` by the first instruction of the arm (or `default`) taken.
pub(crate) fn reached_sites(prog: &Program, state: &State, t: &Transition) -> SmallVec<[Site; 4]> {
    let mut out = SmallVec::new();
    let mut arm_of = |g: u32, alt: u32| {
        let gr = &state.goroutines[g as usize];
        let site = gr.site();
        match &prog.instr(site.func, site.pc).op {
            Op::Select { arms, default } => {
                out.push(site);
                let target = arms.get(alt as usize).map(|a| a.target).or(*default);
                if let Some(pc) = target {
                    out.push(Site {
                        func: site.func,
                        pc,
                    });
                }
            }
            // A WaitGroup `Wait` reaches its site when it returns: its
            // registration, left out once no goroutine can add, reaches
            // nothing (a `Wait` blocked forever is reached in no run).
            Op::Wait { .. } if registers_in_wait(prog, state, gr) => {}
            _ => out.push(site),
        }
    };
    match *t {
        Transition::Step { g, alt } => arm_of(g, alt),
        Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        } => {
            arm_of(sender, send_arm);
            arm_of(receiver, recv_arm);
        }
        Transition::Fire { .. } => {}
    }
    out
}
