//! The Go toolchain the tests that run Go need.

use std::process::Command;

/// Whether `go` runs. Without it a test skips with a message, except in
/// CI, which must have it (Debian's golang-go, which `.ci/run` installs).
pub fn have_go() -> bool {
    let have = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have the Go toolchain (golang-go): .ci/run installs it"
        );
        eprintln!("skipped: no `go` command (install golang-go)");
    }
    have
}
