//! The views of `weft replay` as it runs: a line per step replayed, and
//! the divergence of a schedule that does not fit its scenario.

use std::path::Path;

use weft_reports::view::{ChoiceView, DivergenceView, ReplayStepView};

use super::Locator;
use crate::counterexample::explain;
use crate::counterexample::replay::{ReplayError, Replayer, TraceStep};

/// The line `weft replay` prints for step `s`, the `index`-th (1-based),
/// just replayed by `r`; with `values` (`--values`), the locals it read
/// and wrote (the mover's, then the receiver's of a hand-off).
pub fn replay_step_view(
    loc: &Locator,
    r: &Replayer,
    index: usize,
    s: &TraceStep,
    values: bool,
) -> ReplayStepView {
    let (alt, recv_arm) = s.alts();
    let objects = r.objects();
    ReplayStepView {
        chosen: s
            .chosen
            .as_ref()
            .map(|c| explain::chosen_view(loc, objects, c)),
        locals: if values {
            let mut ls = explain::local_views(loc, objects, &s.locals);
            ls.extend(explain::local_views(loc, objects, &s.partner_locals));
            ls
        } else {
            Vec::new()
        },
        index,
        item: s.item.to_string(),
        failing: s.failure.is_some(),
        switch: s.switch.into(),
        mover: s
            .actor
            .as_ref()
            .map(|a| (r.name(&a.goroutine), loc.site(a.site, alt))),
        partner: s
            .partner
            .as_ref()
            .map(|p| (r.name(&p.goroutine), loc.site(p.site, recv_arm))),
        action: s.action.clone(),
    }
}

/// The view of a divergence of a schedule from the scenario in `path`;
/// `None` for the other replay errors, which say themselves what happened.
pub fn divergence_view(loc: &Locator, path: &Path, e: &ReplayError) -> Option<DivergenceView> {
    let ReplayError::Diverged {
        step,
        wanted,
        why,
        at,
        enabled,
    } = e
    else {
        return None;
    };
    Some(DivergenceView {
        file: path.display().to_string(),
        step: *step,
        wanted: wanted.to_string(),
        asks: wanted.asked(),
        why: (**why).clone(),
        at: at
            .as_ref()
            .map(|(name, site)| (name.clone(), loc.site(*site, None))),
        enabled: enabled
            .iter()
            .map(|c| ChoiceView {
                item: c.item.to_string(),
                goroutine: c.goroutine.clone(),
                at: c.site.map(|s| loc.site(s, None)),
                action: c.action.clone(),
            })
            .collect(),
    })
}
