//! The benchmark's peer models say what weft says: at a small size, every
//! loom model (`benches/peers/loom_models.rs`) and every Promela model
//! (`benches/peers/promela.rs`, run with SPIN) finds a bug exactly when
//! weft finds one in the scenario it mirrors (`benches/families.rs`).
//!
//! loom reports a deadlock by aborting the process, so each loom model runs
//! in a child process: this test binary again, running the ignored test
//! `loom_child` with the model named in `WEFT_LOOM_MODEL`. SPIN (Debian's
//! `spin`, installed by `.ci/run`) is required when `CI` is set; elsewhere
//! its half is skipped with a message when it is missing.

use crate::families;
#[allow(dead_code)]
#[path = "../benches/peers/loom_models.rs"]
mod loom_models;
#[path = "../benches/peers/promela.rs"]
mod promela;

use std::path::Path;
use std::process::Command;

use weft_checker::explore::{explore, Bounds};
use weft_models::span::SourceFile;

/// A family at a small size: name, weft scenario, Promela model, and the
/// loom model's name if loom can express it.
struct Case {
    name: &'static str,
    weft: String,
    promela: String,
    loom: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "independent",
            weft: families::independent(2),
            promela: promela::independent(2),
            loom: Some("independent"),
        },
        Case {
            name: "readers",
            weft: families::readers_writer(2, true),
            promela: promela::readers_writer(2),
            loom: Some("readers"),
        },
        Case {
            name: "lastzero",
            weft: families::lastzero(2, true),
            promela: promela::lastzero(2),
            loom: Some("lastzero"),
        },
        Case {
            name: "indexer",
            weft: families::indexer(2),
            promela: promela::indexer(2),
            loom: Some("indexer"),
        },
        Case {
            name: "philosophers",
            weft: families::philosophers(3, false),
            promela: promela::philosophers(3, false),
            loom: Some("philosophers"),
        },
        Case {
            name: "philosophers-fixed",
            weft: families::philosophers(3, true),
            promela: promela::philosophers(3, true),
            loom: Some("philosophers-fixed"),
        },
        Case {
            name: "gops",
            weft: families::gops(3, 2, false),
            promela: promela::gops(3, 2, false),
            loom: None,
        },
        Case {
            name: "gops-fixed",
            weft: families::gops(3, 2, true),
            promela: promela::gops(3, 2, true),
            loom: None,
        },
        Case {
            name: "pipeline",
            weft: families::pipeline(2, 2),
            promela: promela::pipeline(2, 2),
            loom: None,
        },
        Case {
            name: "fanout",
            weft: families::fanout(2),
            promela: promela::fanout(2),
            loom: None,
        },
        Case {
            name: "workers",
            weft: families::workers(2),
            promela: promela::workers(2),
            loom: None,
        },
    ]
}

/// Whether weft finds a bug (the search must be complete or have found one).
fn weft_finds_bug(ron: &str) -> bool {
    let file = SourceFile::new("family.ron".to_string(), ron.to_string());
    let prog = weft_models::compile(&file, &[])
        .unwrap_or_else(|e| panic!("{}\n{ron}", e.render(&file, false)));
    let out = explore(&prog, &Bounds::default()).expect("no model error");
    assert!(out.complete, "weft's search must be complete");
    !out.bugs.is_empty()
}

fn loom_model(name: &str) -> loom_models::Model {
    match name {
        "independent" => loom_models::independent(2),
        "readers" => loom_models::readers_writer(2),
        "lastzero" => loom_models::lastzero(2),
        "indexer" => loom_models::indexer(2),
        "philosophers" => loom_models::philosophers(3, false),
        "philosophers-fixed" => loom_models::philosophers(3, true),
        other => panic!("no loom model `{other}`"),
    }
}

/// Runs one loom model to completion (in the child process).
#[test]
#[ignore = "run by loom_agrees_with_weft in a child process"]
fn loom_child() {
    let name = std::env::var("WEFT_LOOM_MODEL").expect("WEFT_LOOM_MODEL names the model");
    let model = loom_model(&name);
    loom::model(model);
    println!("LOOM-CLEAN {name}");
}

/// Whether loom finds a bug: the child ends without finishing the model,
/// with loom's deadlock (or another failure) on its standard error.
fn loom_finds_bug(name: &str) -> bool {
    let exe = std::env::current_exe().expect("the test binary");
    // The test's name in the suite binary: this module's path, less the crate.
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let child = format!("{module}::loom_child");
    let out = Command::new(exe)
        .args(["--ignored", "--exact", &child, "--nocapture"])
        .env("WEFT_LOOM_MODEL", name)
        .output()
        .expect("runs the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let clean = out.status.success() && stdout.contains(&format!("LOOM-CLEAN {name}"));
    if !clean {
        assert!(
            stderr.contains("deadlock") || stderr.contains("panicked"),
            "loom's child failed without a loom report: {stderr}"
        );
    }
    !clean
}

#[test]
fn loom_agrees_with_weft() {
    let mut compared = 0;
    for case in cases() {
        let Some(model) = case.loom else { continue };
        let weft = weft_finds_bug(&case.weft);
        let loom = loom_finds_bug(model);
        assert_eq!(
            loom, weft,
            "{}: loom says bug={loom}, weft says bug={weft}",
            case.name
        );
        compared += 1;
    }
    assert_eq!(compared, 6);
}

fn spin_available() -> bool {
    Command::new("spin")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether SPIN (with its default reduction) reports an error.
fn spin_finds_bug(dir: &Path, name: &str, model: &str) -> bool {
    let work = dir.join(name);
    std::fs::create_dir_all(&work).expect("work directory");
    std::fs::write(work.join("model.pml"), model).expect("writes the model");
    let run = |cmd: &mut Command| {
        let o = cmd.current_dir(&work).output().expect("runs");
        assert!(
            o.status.success() || cmd.get_program() == work.join("pan").as_os_str(),
            "{name}: {:?} failed:\n{}{}",
            cmd,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    run(Command::new("spin").args(["-a", "model.pml"]));
    run(Command::new("gcc").args(["-O2", "-DSAFETY", "-o", "pan", "pan.c"]));
    let out = run(Command::new(work.join("pan")).arg("-m1000000"));
    let errors: u64 = out
        .lines()
        .find_map(|l| l.split("errors: ").nth(1))
        .and_then(|x| x.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name}: no result from pan:\n{out}"));
    errors > 0
}

#[test]
fn spin_agrees_with_weft() {
    if !spin_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "spin is required in CI (.ci/run installs it)"
        );
        eprintln!("SKIPPED: spin is not installed (apt-get install spin); the SPIN models were not checked");
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weft-peers");
    for case in cases() {
        let weft = weft_finds_bug(&case.weft);
        let spin = spin_finds_bug(&dir, case.name, &case.promela);
        assert_eq!(
            spin, weft,
            "{}: SPIN says bug={spin}, weft says bug={weft}",
            case.name
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
