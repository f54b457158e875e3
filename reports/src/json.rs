//! JSON Lines: one object per scenario.

use crate::view::ScenarioReport;

/// One scenario as a single JSON line (no trailing newline).
pub fn render(report: &ScenarioReport) -> String {
    serde_json::to_string(report).unwrap_or_else(|e| {
        format!("{{\"schema_version\":1,\"error\":\"cannot serialise report: {e}\"}}")
    })
}
