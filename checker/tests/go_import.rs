//! Go files checked as a user checks them: `weft check FILE.go` over the Go
//! corpus (`scenarios/go/`), each verdict against the file's own
//! `// weft:expect` comment and against the hand-written scenario of the
//! same bug (`// same-as:`); imports that must fail name their construct
//! at its Go line; every report locates its bugs in the Go file, the same
//! way in text, JSON, SARIF and the review page; and the RON `weft import`
//! writes is a scenario weft reads back.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::toolchain::have_go;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .output()
        .expect("weft runs")
}

/// The kinds of the bugs of a report (`race`, `panic`, ...), in order.
fn bug_kinds(report: &Value) -> Vec<&str> {
    report["bugs"]
        .as_array()
        .expect("bugs")
        .iter()
        .filter_map(|b| b["kind"].as_str())
        .collect()
}

/// The first scenario's report of a `--format json` run.
fn first_report(o: &Output) -> Value {
    let out = String::from_utf8_lossy(&o.stdout);
    serde_json::from_str(out.lines().next().expect("a report line")).expect("JSON")
}

fn go_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("scenarios/go")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("scenarios/go exists") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "go") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The value of a `// KEY ...` comment line of a Go file.
fn directive(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("//")?.trim().strip_prefix(key))
        .map(|v| v.trim().to_string())
}

/// Kinds as JSON names them (`context-leak`), from `Leak, ContextLeak`.
fn kinds(list: &str) -> BTreeSet<String> {
    list.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty() && !k.eq_ignore_ascii_case("clean"))
        .map(|k| {
            let mut s = String::new();
            for (i, c) in k.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    s.push('-');
                }
                s.push(c.to_ascii_lowercase());
            }
            s
        })
        .collect()
}

/// A main program reports a wrong result with `panic`, a test with
/// `t.Errorf`, a hand-written scenario with `Assert`: one class.
fn wrong_result_as_one(k: &BTreeSet<String>) -> BTreeSet<String> {
    k.iter()
        .map(|s| {
            if s == "assert" {
                "panic".to_string()
            } else {
                s.clone()
            }
        })
        .collect()
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

#[test]
fn every_go_program_gets_its_expected_verdict_at_go_positions() {
    let files = go_files();
    assert!(
        files.len() >= 40,
        "the Go corpus has {} programs",
        files.len()
    );
    let mut failures = Vec::new();
    let mut buggy = 0;
    let mut clean = 0;
    let mut refused = 0;
    let mut compared = 0;
    for f in &files {
        let name = rel(f);
        let text = std::fs::read_to_string(f).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        let expect = directive(&text, "weft:expect")
            .unwrap_or_else(|| panic!("{name}: no `// weft:expect` comment"));
        if let Some(err) = directive(&text, "weft:import-error") {
            refused += 1;
            let o = weft(&["check", "--format", "json", &name]);
            let out = String::from_utf8_lossy(&o.stdout);
            let first: Value = match out.lines().next().map(serde_json::from_str) {
                Some(Ok(v)) => v,
                _ => {
                    failures.push(format!("{name}: no JSON error line: {out}"));
                    continue;
                }
            };
            let line = first["line"].as_u64().unwrap_or(0) as usize;
            if o.status.code() != Some(2)
                || first["error"] != "compile"
                || !first["message"].as_str().unwrap_or("").contains(&err)
                || first["file"] != name.as_str()
                || line == 0
                || line > lines.len()
            {
                failures.push(format!(
                    "{name}: expected import error `{err}` at a Go line, got {first}"
                ));
            }
            continue;
        }
        let want = kinds(&expect);
        let o = weft(&["check", "--format", "json", "--max-states", "500000", &name]);
        let out = String::from_utf8_lossy(&o.stdout);
        let Some(Ok(report)) = out.lines().next().map(serde_json::from_str::<Value>) else {
            failures.push(format!(
                "{name}: no report: {out}{}",
                String::from_utf8_lossy(&o.stderr)
            ));
            continue;
        };
        let found: BTreeSet<String> = report["bugs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|b| b["kind"].as_str().map(str::to_string))
            .collect();
        if found != want || report["complete"] != true || o.status.code() != Some(0) {
            failures.push(format!(
                "{name}: expected {want:?}, found {found:?} (complete: {}, exit {:?})",
                report["complete"],
                o.status.code()
            ));
        }
        if want.is_empty() {
            clean += 1;
        } else {
            buggy += 1;
        }
        // Every bug is located in the Go file, at a line whose Go text it shows.
        for b in report["bugs"].as_array().into_iter().flatten() {
            let loc = &b["location"];
            let line = loc["line"].as_u64().unwrap_or(0) as usize;
            let shown = loc["text"].as_str().unwrap_or("");
            let go_line = lines.get(line.wrapping_sub(1)).copied().unwrap_or("");
            if shown.is_empty() || !go_line.contains(shown) {
                failures.push(format!(
                    "{name}: bug at {line} shows `{shown}`, the Go line is `{go_line}`"
                ));
            }
            if !b["reproduce"]
                .as_str()
                .unwrap_or("")
                .contains(&format!("weft replay {name} --schedule"))
            {
                failures.push(format!("{name}: reproduce is {}", b["reproduce"]));
            }
        }
        // The hand-written scenario of the same bug agrees.
        if let Some(same) = directive(&text, "same-as:") {
            let path = f
                .parent()
                .expect("dir")
                .join(same.split_whitespace().next().unwrap_or(""));
            let ron = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{name}: same-as {}: {e}", path.display()));
            let file = weft_models::span::SourceFile::new(path.display().to_string(), ron);
            let prog = weft_models::compile(&file, &[])
                .unwrap_or_else(|_| panic!("{} compiles", path.display()));
            let hand: BTreeSet<String> = prog
                .meta
                .expect
                .iter()
                .map(|k| {
                    kinds(&format!("{k:?}"))
                        .into_iter()
                        .next()
                        .unwrap_or_default()
                })
                .collect();
            compared += 1;
            if wrong_result_as_one(&hand) != wrong_result_as_one(&want) {
                failures.push(format!(
                    "{name}: expects {want:?}, the hand-written {} expects {hand:?}",
                    rel(&path)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        buggy >= 20 && clean >= 15 && refused >= 3 && compared >= 30,
        "buggy {buggy}, clean {clean}, refused {refused}, compared with hand-written {compared}"
    );
}

#[test]
fn the_imported_ron_reads_back_and_checks_the_same() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weft-go-import");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut failures = Vec::new();
    for f in go_files() {
        let name = rel(&f);
        let text = std::fs::read_to_string(&f).expect("read");
        if directive(&text, "weft:import-error").is_some() {
            continue;
        }
        let out = dir.join(
            f.file_stem()
                .map(|s| format!("{}.ron", s.to_string_lossy()))
                .unwrap_or_default(),
        );
        let o = weft(&["import", &name, "-o", &out.display().to_string()]);
        if !o.status.success() {
            failures.push(format!(
                "{name}: import failed: {}",
                String::from_utf8_lossy(&o.stderr)
            ));
            continue;
        }
        let ron = std::fs::read_to_string(&out).expect("written");
        // Readable: a `// go: FILE:LINE` comment on every statement line of `main`.
        let file_name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if !ron.contains(&format!("// go: {file_name}:")) {
            failures.push(format!("{name}: no `// go:` comments"));
        }
        // Standard RON, and the same verdict from the RON as from the Go file.
        if ron::from_str::<ron::Value>(&ron).is_err() {
            failures.push(format!("{name}: not standard RON"));
        }
        let a = weft(&[
            "check",
            "--format",
            "json",
            "--max-states",
            "500000",
            &out.display().to_string(),
        ]);
        let b = weft(&["check", "--format", "json", "--max-states", "500000", &name]);
        let kinds_of = |o: &Output| -> (Option<i32>, Vec<String>, u64) {
            let v: Value =
                serde_json::from_slice(o.stdout.split(|&c| c == b'\n').next().unwrap_or(b"{}"))
                    .unwrap_or(Value::Null);
            let k = v["bugs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|b| b["kind"].as_str().map(str::to_string))
                .collect();
            (
                o.status.code(),
                k,
                v["stats"]["states"].as_u64().unwrap_or(0),
            )
        };
        if kinds_of(&a) != kinds_of(&b) {
            failures.push(format!(
                "{name}: the RON gives {:?}, the Go file {:?}",
                kinds_of(&a),
                kinds_of(&b)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The text report, JSON, SARIF and the review page show one bug at the
/// same Go line and column, with the Go code.
#[test]
fn text_json_sarif_and_review_page_agree_on_go_positions() {
    let name = "scenarios/go/s-figure7-mutex-chan.go";
    let json: Value =
        serde_json::from_slice(&weft(&["check", "--format", "json", name]).stdout).expect("json");
    let bug = &json["bugs"][0];
    let (line, col) = (
        bug["location"]["line"].as_u64().expect("line"),
        bug["location"]["col"].as_u64().expect("col"),
    );
    let code = bug["location"]["text"].as_str().expect("text").to_string();
    let go = std::fs::read_to_string(root().join(name)).expect("read");
    let go_line = go.lines().nth(line as usize - 1).expect("line exists");
    assert!(
        go_line.contains(&code),
        "`{code}` is on Go line {line}: `{go_line}`"
    );
    assert_eq!(
        go_line.find(&code).map(|c| c as u64 + 1),
        Some(col),
        "column of `{code}` on `{go_line}`"
    );
    let text = String::from_utf8_lossy(&weft(&["check", name]).stdout).into_owned();
    assert!(
        text.contains(&format!("at {line}:{col} in ")) && text.contains(&code),
        "text report: {text}"
    );
    let sarif: Value =
        serde_json::from_slice(&weft(&["check", "--format", "sarif", name]).stdout).expect("sarif");
    let loc = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], name);
    assert_eq!(loc["region"]["startLine"].as_u64(), Some(line));
    assert_eq!(loc["region"]["startColumn"].as_u64(), Some(col));
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weft-go-html");
    let o = weft(&["check", "--html", &dir.display().to_string(), name]);
    assert_eq!(o.status.code(), Some(0));
    let page = std::fs::read_to_string(dir.join("s-figure7-mutex-chan.html")).expect("page");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        page.contains(&format!("{line}:{col}")),
        "the page shows {line}:{col}"
    );
    assert!(
        page.contains(&code.replace('<', "&lt;")),
        "the page shows `{code}`"
    );
}

/// An import error is located at the Go construct, with its name, in text.
#[test]
fn an_unsupported_construct_is_named_at_its_go_line() {
    let o = weft(&["check", "scenarios/go/c-struct-value-receiver.go"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("a value receiver copies a `Counter`, which holds a sync object")
            && err.contains("scenarios/go/c-struct-value-receiver.go:14:7")
            && err.contains("copylocks"),
        "{err}"
    );
    // --allow-abstract turns an unknown call into a listed abstraction.
    let o = weft(&[
        "check",
        "--allow-abstract",
        "scenarios/go/c-unknown-call.go",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let notes = String::from_utf8_lossy(&o.stderr);
    assert!(
        notes.contains("note: abstraction: scenarios/go/c-unknown-call.go:24:5: `os.Getenv(...)` is not in the file"),
        "{notes}"
    );
}

/// Every program of the Go corpus is Go that `go vet` accepts (or rejects
/// with the message its `// go-vet:` comment names). Needs the Go
/// toolchain (Debian's golang-go, which `.ci/run` installs); required in CI.
#[test]
fn the_go_corpus_is_go_that_go_vet_accepts() {
    if !have_go() {
        return;
    }
    // `go123/` uses Go 1.21's context.AfterFunc: vetted by a Go 1.23
    // toolchain when one is installed, else left out (Debian's golang-go
    // may be 1.19).
    let go123 = root().join("scenarios/go/go123");
    let new_go = ["/usr/lib/go-1.23/bin/go"]
        .into_iter()
        .find(|g| std::path::Path::new(g).exists());
    if new_go.is_none() {
        eprintln!("not vetted: scenarios/go/go123 (needs Go 1.21 or later)");
    }
    let go_for = |dir: &std::path::Path| {
        if dir.starts_with(&go123) {
            new_go
        } else {
            Some("go")
        }
    };
    let mut failures = Vec::new();
    let mut vetted = 0;
    let mut dirs = BTreeSet::new();
    for f in go_files() {
        let name = rel(&f);
        let text = std::fs::read_to_string(&f).expect("read");
        let dir = f.parent().expect("dir").to_path_buf();
        let Some(go) = go_for(&dir) else {
            continue;
        };
        let file = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if file.ends_with("_test.go") {
            dirs.insert(dir);
            continue;
        }
        let o = Command::new(go)
            .args(["vet", &file])
            .env("GOTOOLCHAIN", "local")
            .current_dir(&dir)
            .output()
            .expect("go vet runs");
        let said = String::from_utf8_lossy(&o.stderr).into_owned();
        vetted += 1;
        match directive(&text, "go-vet:") {
            Some(want) if o.status.success() || !said.contains(&want) => {
                failures.push(format!("{name}: go vet should say `{want}`: {said}"))
            }
            None if !o.status.success() => failures.push(format!("{name}: go vet: {said}")),
            _ => {}
        }
    }
    for dir in dirs {
        let Some(go) = go_for(&dir) else {
            continue;
        };
        let o = Command::new(go)
            .args(["vet", "."])
            .env("GOTOOLCHAIN", "local")
            .current_dir(&dir)
            .output()
            .expect("go vet runs");
        vetted += 1;
        if !o.status.success() {
            failures.push(format!(
                "{}: go vet: {}",
                rel(&dir),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(vetted >= 40, "vetted {vetted}");
}

/// The races of `append` without a lock and of a comma-ok lookup against
/// an unlocked fill are reported at the Go statements that make them.
#[test]
fn append_and_lookup_races_are_at_their_go_statements() {
    let races = |file: &str| -> Vec<(String, Value, Value)> {
        let o = weft(&["check", "--format", "json", file]);
        assert_eq!(o.status.code(), Some(0), "{file}");
        let out = String::from_utf8_lossy(&o.stdout);
        let report: Value =
            serde_json::from_str(out.lines().next().expect("a report line")).expect("JSON");
        report["bugs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|b| b["kind"] == "race")
            .map(|b| {
                (
                    b["message"].as_str().unwrap_or("").to_string(),
                    b["location"].clone(),
                    b["related"].clone(),
                )
            })
            .collect()
    };
    let at = |v: &Value| (v["line"].as_u64().unwrap_or(0), v["text"].clone());
    let r = races("scenarios/go/c-cache-commaok-race.go");
    let lookup = r
        .iter()
        .find(|(m, _, _)| m.starts_with("concurrent map read and map write"))
        .unwrap_or_else(|| panic!("{r:?}"));
    // (A race on memory is reported at the first of its two sites.)
    assert_eq!(at(&lookup.1), (16, "v, ok := cache[k]".into()), "{r:?}");
    assert_eq!(at(&lookup.2[0]), (20, "cache[k] = v".into()), "{r:?}");
    let r = races("scenarios/go/c-append-collector-race.go");
    assert!(!r.is_empty());
    for (m, loc, _) in &r {
        assert!(m.starts_with("data race"), "{m}");
        assert_eq!(
            at(loc),
            (16, "results = append(results, v*v)".into()),
            "{r:?}"
        );
    }
}

/// A map with string keys: weft follows none of its keys, but two
/// goroutines writing it at once are Go's `concurrent map writes`, and the
/// unlocked write against the locked lookup a race, each at its Go line.
#[test]
fn a_map_with_string_keys_races_at_its_go_statements() {
    let o = weft(&[
        "check",
        "--format",
        "json",
        "scenarios/go/c-map-string-keys-race.go",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let report = first_report(&o);
    let at = |v: &Value| (v["line"].as_u64().unwrap_or(0), v["text"].clone());
    let bugs: Vec<&Value> = report["bugs"].as_array().into_iter().flatten().collect();
    let find = |prefix: &str| {
        *bugs
            .iter()
            .find(|b| b["message"].as_str().is_some_and(|m| m.starts_with(prefix)))
            .unwrap_or_else(|| panic!("{prefix}: {bugs:?}"))
    };
    let writes = find("concurrent map writes");
    assert_eq!(
        at(&writes["location"]),
        (17, "r.sessions[name] = id".into())
    );
    // (Both writes are at that statement: no other location to relate.)
    assert!(
        writes["related"]
            .as_array()
            .is_none_or(|r| r.iter().all(|l| l["line"] == 17)),
        "{writes}"
    );
    let read = find("concurrent map read and map write");
    let mut lines = [at(&read["location"]).0, at(&read["related"][0]).0];
    lines.sort_unstable();
    assert_eq!(lines, [17, 23], "{read}");
    // The fix, every access under the lock, is clean.
    let o = weft(&["check", "scenarios/go/c-map-string-keys.go"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("verified"));
}

/// A counterexample that goes through a choice the import made for data
/// weft does not track (a condition on a string) names it under the bug,
/// the same in text, JSON, SARIF and the review page; one that goes
/// through none names nothing.
#[test]
fn a_counterexample_through_an_untracked_choice_says_so_in_every_format() {
    let name = "checker/tests/go_import/untracked-condition.go";
    let what = "the condition `strings.HasPrefix(name, \"a\")` reads data weft does not track: \
                both ways are explored";
    let (line, col) = (14, 6);
    let o = weft(&["check", "--format", "json", name]);
    let report = first_report(&o);
    let bugs = report["bugs"].as_array().expect("bugs");
    // Both leaks need the condition one way or the other: each names it.
    assert_eq!(bugs.len(), 2, "{report}");
    for b in bugs {
        assert_eq!(
            b["abstractions"],
            serde_json::json!([{ "line": line, "col": col, "what": what }]),
            "{b}"
        );
    }
    let text = String::from_utf8_lossy(&weft(&["check", name]).stdout).into_owned();
    assert_eq!(
        text.matches("⚠ through data weft does not track (the Go import's over-approximations): Go may never take this run:").count(),
        2,
        "{text}"
    );
    assert!(text.contains(&format!("{line}:{col} {what}")), "{text}");
    let sarif: Value =
        serde_json::from_slice(&weft(&["check", "--format", "sarif", name]).stdout).expect("sarif");
    let message = sarif["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap_or("");
    assert!(
        message.contains(&format!("\n  {line}:{col} {what}")),
        "{message}"
    );
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weft-go-abstractions");
    let o = weft(&["check", "--html", &dir.display().to_string(), name]);
    assert_eq!(o.status.code(), Some(0));
    let page = std::fs::read_to_string(dir.join("untracked-condition.html")).expect("page");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        page.contains("<ul class=\"why abstractions\">"),
        "the page lists them"
    );
    assert!(
        page.contains("14:6 the condition `strings.HasPrefix"),
        "the page names it"
    );
    // A race on a map with string keys needs no choice: nothing is named
    // (the notes that only drop data do not count).
    let o = weft(&[
        "check",
        "--format",
        "json",
        "scenarios/go/c-map-string-keys-race.go",
    ]);
    let report = first_report(&o);
    let bugs = report["bugs"].as_array().expect("bugs");
    assert!(!bugs.is_empty());
    assert!(
        bugs.iter().all(|b| b.get("abstractions").is_none()),
        "{report}"
    );
}

/// A spin-wait on an atomic ends once another goroutine stores (Go runs
/// it to the end): its condition is evaluated at every iteration, so weft
/// finds no spin and no other bug. (The load ran once, before the loop,
/// and weft reported a spin.)
#[test]
fn a_spin_wait_on_an_atomic_ends_when_the_store_comes() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("weft-go-spin-wait");
    std::fs::create_dir_all(&dir).expect("makes the directory");
    let file = dir.join("spin.go");
    std::fs::write(
        &file,
        concat!(
            "package main\n\nimport \"sync/atomic\"\n\nfunc main() {\n\tvar n int32\n",
            "\tgo func() {\n\t\tatomic.StoreInt32(&n, 1)\n\t}()\n",
            "\tfor atomic.LoadInt32(&n) == 0 {\n\t}\n}\n",
        ),
    )
    .expect("writes the program");
    let o = weft(&["check", "--format", "json", file.to_str().expect("utf8")]);
    let r = first_report(&o);
    assert_eq!(r["complete"], true, "{r}");
    assert_eq!(r["bugs"], serde_json::json!([]), "{r}");
    assert_eq!(o.status.code(), Some(0), "{r}");
}

/// The one bug weft finds checking fixture `name`: its kind, and whether
/// its counterexample goes through an abstraction of the import. Gives
/// the text report.
fn one_bug(name: &str, kind: &str, through_abstraction: bool) -> String {
    let o = weft(&["check", "--format", "json", name]);
    let report = first_report(&o);
    let bugs = report["bugs"].as_array().expect("bugs");
    assert_eq!(bugs.len(), 1, "{report}");
    assert_eq!(bugs[0]["kind"], kind, "{report}");
    assert_eq!(
        bugs[0].get("abstractions").is_some(),
        through_abstraction,
        "{report}"
    );
    String::from_utf8_lossy(&weft(&["check", name]).stdout).into_owned()
}

/// `v, err := fetch(<-ch); if err != nil { return 0, err }`: the error is
/// followed, so the leak's counterexample is exact (the goroutine sending
/// 2, the one input that fails, goes first) and names no abstraction.
#[test]
fn an_early_return_on_an_error_gives_an_exact_counterexample() {
    let text = one_bug(
        "checker/tests/go_import/early-return-error.go",
        "leak",
        false,
    );
    assert!(text.contains("24:19 <-ch ⇐ gather.func1#3"), "{text}");
    assert!(text.contains("│ returned"), "{text}");
    assert!(text.contains("— as expected"), "{text}");
}

#[test]
fn a_deferred_recover_sets_the_error_the_caller_takes() {
    // The recover-to-error pattern: the named result `err` set by the
    // deferred call reaches the collector, which returns on it and leaves
    // the other workers blocked. Taking the error as nil (the result
    // before the deferred call) would verify the program.
    let text = one_bug("checker/tests/go_import/recover-to-error.go", "leak", false);
    assert!(text.contains("panic(\"bad"), "{text}");
    assert!(text.contains("36:3 r := <-results"), "{text}");
}

/// A function literal's named result is its result variable: an errgroup
/// body's deferred `recover` sets the error `Wait` returns, and a function
/// value's deferred call changes the count it returns. Go panics on every
/// run; losing either assignment verifies the program.
#[test]
fn a_function_literals_named_result_is_what_it_returns() {
    let text = one_bug(
        "checker/tests/go_import/errgroup-recover.go",
        "panic",
        false,
    );
    assert!(text.contains("31:5 panic(\"bad input\")"), "{text}");
    assert!(text.contains("37:3 panic(\"a worker"), "{text}");
}

#[test]
fn a_registry_keyed_by_name_keeps_its_entries() {
    // Go's plain runs never showed it in 200. Before strings were
    // followed, the range over the string-keyed map was refused.
    let text = one_bug("scenarios/go/c-name-registry.go", "panic", false);
    assert!(text.contains("45:2 return c.state == \"open\""), "{text}");
}

#[test]
fn a_buffer_reused_with_its_capacity_races_with_the_batch_it_handed_out() {
    // `b.buf = b.buf[:0]` keeps the backing array: the next append writes
    // the cell the batch holds. Before slices had a capacity, the append
    // copied and the program verified.
    let text = one_bug("scenarios/go/c-buffer-reuse.go", "race", false);
    assert!(
        text.contains("45:2 in main  for _, line := range b.flush() {"),
        "{text}"
    );
    assert!(
        text.contains("and 22:2  b.buf = append(b.buf, line)"),
        "{text}"
    );
}

#[test]
fn appends_to_a_prefix_grown_with_room_write_one_cell() {
    // Three appends grow `prefix` to capacity 4: both workers' `append(prefix,
    // hop)` write its fourth cell (Go's -race: 200 of 200 runs). Before
    // weft's appends left Go's room, each copied and the program verified.
    let name = "scenarios/go/c-append-shared-prefix.go";
    let o = weft(&["check", "--format", "json", name]);
    let report = first_report(&o);
    let kinds = bug_kinds(&report);
    assert!(
        kinds.contains(&"race") && kinds.contains(&"panic"),
        "{report}"
    );
    let text = String::from_utf8_lossy(&weft(&["check", name]).stdout).into_owned();
    assert!(
        text.contains("at 16:2 in main.func1#1  path := append(prefix, hop)")
            && text
                .contains("writes variable `prefix[3]` at 16:2 and main.func1#2 writes it at 16:2"),
        "{text}"
    );
    let fixed = first_report(&weft(&[
        "check",
        "--format",
        "json",
        "scenarios/go/c-append-shared-prefix-fixed.go",
    ]));
    assert_eq!(fixed["bugs"].as_array().map(Vec::len), Some(0), "{fixed}");
}

#[test]
fn a_pointer_weft_does_not_follow_may_be_nil_where_it_is_dereferenced() {
    // Go panics when `remove` runs first. The lookup's key is built at run
    // time, so weft does not follow the pointer; the field write through it
    // was dropped and the program verified.
    let text = one_bug(
        "checker/tests/go_import/untracked-nil-pointer.go",
        "panic",
        true,
    );
    assert!(text.contains("`c` may be nil"), "{text}");
}

#[test]
fn a_pointer_a_function_returns_from_a_lookup_may_be_nil_for_its_callers() {
    // `close` takes the pointer through `lookup`, which takes it from
    // `get`, which returns the lookup: Go panics when `remove` runs first
    // (9 of 200 runs with -race); the program was verified.
    let text = one_bug(
        "checker/tests/go_import/untracked-nil-result.go",
        "panic",
        true,
    );
    assert!(text.contains("`c` may be nil"), "{text}");
    assert!(text.contains("at 49:2 in main  c.state"), "{text}");
}

#[test]
fn an_untracked_error_may_be_one_the_file_makes() {
    // Go panics on every run; the choice for `errs["a"]` was nil or an
    // error of its own, so weft verified the program. The counterexample
    // goes through that choice and says so. (The file held its error in a
    // `[]error` until weft followed the errors of slices.)
    let text = one_bug(
        "checker/tests/go_import/untracked-error-sentinel.go",
        "panic",
        true,
    );
    assert!(
        text.contains("13:9 the error `errs[\"a\"]` is data weft does not track"),
        "{text}"
    );
}

/// A `[]error`'s elements are followed: the same program with a slice
/// panics through no abstraction.
#[test]
fn errors_held_in_a_slice_are_followed() {
    let text = one_bug(
        "checker/tests/go_import/error-slice-sentinel.go",
        "panic",
        false,
    );
    assert!(
        text.contains("2 │ 11:2 return errs[0] (read)") && text.contains("16:3 panic(\"got A\")"),
        "{text}"
    );
}

/// The import makes an object in a temporary when Go makes it where it is
/// stored (a struct literal's field, a shared variable): reports name it as
/// the Go code does, not by the temporary (`make_2`, `base_made1[1]`).
#[test]
fn objects_made_in_place_are_named_as_the_go_code_names_them() {
    let name = "checker/tests/go_import/made-in-place.go";
    let text = String::from_utf8_lossy(&weft(&["check", name]).stdout).into_owned();
    for said in [
        "main waits to receive from channel `s.done`: nobody left can send on it",
        "main.func2#2 waits to send on channel `s.reqs`: nobody left can receive from it",
        "main reads variable `base[1]` at 25:2 and main.func1#1 writes it at 22:3",
        "main writes variable `s.data[0]` at 26:2 and main.func1#1 writes it at 23:3",
    ] {
        assert!(text.contains(said), "{said}\n{text}");
    }
    assert!(!text.contains("make_") && !text.contains("_made"), "{text}");
    // Made and filled in a temporary before it is handed over (a struct
    // literal's map with entries was refused before).
    let name = "checker/tests/go_import/filled-in-place.go";
    let text = String::from_utf8_lossy(&weft(&["check", name]).stdout).into_owned();
    for said in [
        "main.func1#1 writes variable `xs[0]` at 22:4 and main.func1#2 writes it at 22:4",
        "main.func1#1 writes map `r.count` at 23:4 and main.func1#2 writes it at 23:4",
        "main.func1#1 writes variable `r.order[0]` at 24:4 and main.func1#2 writes it at 24:4",
    ] {
        assert!(text.contains(said), "{said}\n{text}");
    }
    assert!(!text.contains("_made"), "{text}");
}

/// The import writes a slice of data it does not track with its Go
/// element type (`[]float64`), not `[]any`: its size decides growth, and
/// with `any`'s 33 appends gave capacity 71, a panic Go never reaches.
#[test]
fn a_slice_of_floats_grows_as_gos_does() {
    let name = "checker/tests/go_import/float-growth.go";
    let report = first_report(&weft(&["check", "--format", "json", name]));
    assert_eq!(report["bugs"].as_array().map(Vec::len), Some(0), "{report}");
    let o = weft(&["import", name]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Let(name: \"xs\", value: \"nil\", type: \"[]float64\")"),
        "{text}"
    );
}

/// `var f float64` a closure assigns, and a package `var total float64`:
/// data weft does not track, declared without a value, were untracked
/// locals with no cell, so their races were lost (weft verified what Go's
/// race detector reports on every run).
#[test]
fn untracked_shared_variables_keep_their_writes_and_races() {
    for (name, said) in [
        (
            "checker/tests/go_import/untracked-var-shared.go",
            &[
                "main writes variable `f` at 28:2 and main.func1#1 writes it at 22:3",
                "main writes variable `total` at 13:2 and main.func2#2 writes it at 13:2",
            ][..],
        ),
        // Given a value weft follows (`f = 1`), or incremented (`g++`):
        // only a read was kept (reads do not race with reads).
        (
            "checker/tests/go_import/untracked-assign-shared.go",
            &[
                "main writes variable `f` at 16:2 and main.func1#1 writes it at 12:3",
                "main writes variable `g` at 17:2 and main.func1#1 writes it at 13:3",
            ][..],
        ),
    ] {
        races_said(name, said);
    }
}

/// Checks that `name`'s bugs are all races, and that its report says each
/// of `said`.
fn races_said(name: &str, said: &[&str]) {
    let report = first_report(&weft(&["check", "--format", "json", name]));
    let kinds = bug_kinds(&report);
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| *k == "race"),
        "{report}"
    );
    let text = String::from_utf8_lossy(&weft(&["check", name]).stdout).into_owned();
    for said in said {
        assert!(text.contains(said), "{said}\n{text}");
    }
}
