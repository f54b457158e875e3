//! JSON Lines: one object per scenario (`weft check`) or per replay
//! (`weft replay`). The schema is documented in reports/README.md.

use serde::Serialize;

use crate::view::{ErrorView, ReplayReport, ScenarioReport};

fn line<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| {
        format!("{{\"schema_version\":1,\"error\":\"cannot serialise report: {e}\"}}")
    })
}

/// One scenario as a single JSON line (no trailing newline).
pub fn render(report: &ScenarioReport) -> String {
    line(report)
}

/// One replay as a single JSON line (no trailing newline).
pub fn render_replay(report: &ReplayReport) -> String {
    line(report)
}

/// An error that stopped a scenario's check, as a single JSON line (no
/// trailing newline).
pub fn render_error(error: &ErrorView) -> String {
    line(error)
}
