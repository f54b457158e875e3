//! Which code a transition reaches, for coverage (`// reach` checks): the
//! operation of each moving goroutine and, for a `select`, the first
//! instruction of the arm it takes (so a case can be shown reached).

use smallvec::SmallVec;
use weft_models::ir::{Op, Program};

use super::Transition;
use crate::state::{Site, State};

/// The sites `t` executes from `state`: each mover's operation, followed
/// for a `select` by the first instruction of the arm (or `default`) taken.
pub(crate) fn reached_sites(prog: &Program, state: &State, t: &Transition) -> SmallVec<[Site; 4]> {
    let mut out = SmallVec::new();
    let mut arm_of = |g: u32, alt: u32| {
        let site = state.goroutines[g as usize].site();
        out.push(site);
        if let Op::Select { arms, default } = &prog.instr(site.func, site.pc).op {
            let target = arms.get(alt as usize).map(|a| a.target).or(*default);
            if let Some(pc) = target {
                out.push(Site {
                    func: site.func,
                    pc,
                });
            }
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
