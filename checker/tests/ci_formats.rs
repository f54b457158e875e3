//! The CI formats as a CI system reads them: `--format sarif` validates
//! against the published SARIF 2.1.0 schema (vendored in tests/sarif/) and
//! says what `--format json` says (same bugs, kinds, sites, schedules);
//! `--format junit` parses as JUnit XML with one test case per scenario;
//! errors that stop a scenario's check are JSON lines, SARIF notifications
//! and JUnit errors, with exit code 2.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quick_xml::events::Event;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace root")
}

/// Runs weft from the workspace root (so paths, and SARIF URIs, are
/// relative to it, as in a CI checkout).
fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .expect("weft runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes scenario files into a fresh temporary directory.
fn dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("weft-ci-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    for (f, text) in files {
        let p = d.join(f);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    d
}

const LEAK: &str = r#"Scenario(
    name: "leak",
    expect: [Leak],
    globals: [Chan("ch", 0)],
    main: [Go(body: [Send("ch", 1)])],
)
"#;

const RACY: &str = r#"Scenario(
    name: "racy",
    globals: [Var("x", 0)],
    main: [Go(body: [Set("x", 1)]), Set("x", 2)],
)
"#;

const BAD: &str = "Scenario(\n  name: \"bad\",\n  main: [Sned(\"ch\", 1)],\n)\n";

fn schema_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif/sarif-schema-2.1.0.json"),
    )
    .expect("vendored schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    // Draft 4 asserts formats by default. (`draft4::new` is compiled in
    // jsonschema, unoptimised in release (Cargo.toml); the options builder
    // is generic, and optimising its compiler here took 40 s of CI.)
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = v
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

fn sarif(args: &[&str]) -> (Output, Value) {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    let o = weft(&all);
    let log = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("SARIF is one JSON document: {e}\n{}", stdout(&o)));
    (o, log)
}

fn json_lines(args: &[&str]) -> (Output, Vec<Value>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let o = weft(&all);
    let lines = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    (o, lines)
}

#[test]
fn the_corpus_sarif_validates_against_the_published_schema() {
    let v = schema_validator();
    let (o, log) = sarif(&["scenarios/", "checker/tests/reports/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_valid(&v, &log);
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(results.len() > 50, "the corpus has many bugs");
    // The validator is live: a broken log fails it.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(v.iter_errors(&broken).next().is_some());
    let mut broken = log;
    broken["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"] = Value::Array(Vec::new());
    assert!(v.iter_errors(&broken).next().is_some());
}

/// A location's file, line and column.
fn place(loc: &Value) -> (String, u64, u64) {
    let p = &loc["physicalLocation"];
    (
        p["artifactLocation"]["uri"]
            .as_str()
            .expect("uri")
            .to_string(),
        p["region"]["startLine"].as_u64().unwrap_or(0),
        p["region"]["startColumn"].as_u64().unwrap_or(0),
    )
}

#[test]
fn sarif_says_what_the_json_says_over_the_corpus() {
    // The corpus and the report fixtures (which have a spin).
    let (o, scenarios) = json_lines(&["scenarios/", "checker/tests/reports/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, log) = sarif(&["scenarios/", "checker/tests/reports/"]);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    let bugs: Vec<(&Value, &Value)> = scenarios
        .iter()
        .flat_map(|s| {
            s["bugs"]
                .as_array()
                .expect("bugs")
                .iter()
                .map(move |b| (s, b))
        })
        .collect();
    assert_eq!(results.len(), bugs.len(), "one result per bug");
    let mut kinds = BTreeSet::new();
    for (r, (s, b)) in results.iter().zip(&bugs) {
        let file = s["file"].as_str().expect("file");
        let what = format!("{file}: {}", b["title"]);
        // Same kind, as a rule.
        assert_eq!(r["ruleId"], b["kind"], "{what}");
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], b["kind"], "{what}");
        kinds.insert(b["kind"].as_str().expect("kind").to_string());
        // Same site.
        assert_eq!(
            place(&r["locations"][0]),
            (
                file.to_string(),
                b["location"]["line"].as_u64().expect("line"),
                b["location"]["col"].as_u64().expect("col")
            ),
            "{what}"
        );
        // Same related sites, in order.
        let related: Vec<(String, u64, u64)> = r["relatedLocations"]
            .as_array()
            .map(|a| a.iter().map(place).collect())
            .unwrap_or_default();
        let want: Vec<(String, u64, u64)> = b["related"]
            .as_array()
            .expect("related")
            .iter()
            .map(|l| {
                (
                    file.to_string(),
                    l["line"].as_u64().expect("line"),
                    l["col"].as_u64().expect("col"),
                )
            })
            .collect();
        assert_eq!(related, want, "{what}");
        // Same schedule, and expected bugs suppressed in source.
        assert_eq!(r["properties"]["schedule"], b["schedule"], "{what}");
        let expected = s["expect"].as_array().expect("expect").contains(&b["kind"]);
        assert_eq!(r["suppressions"].is_array(), expected, "{what}");
        // The code flow: one thread flow per goroutine that moved or
        // stands somewhere at the end, each step in its goroutine's flow.
        let flows = r["codeFlows"][0]["threadFlows"]
            .as_array()
            .expect("a code flow");
        let by_id: BTreeMap<&str, &Value> = flows
            .iter()
            .map(|f| (f["id"].as_str().expect("id"), f))
            .collect();
        assert_eq!(by_id.len(), flows.len(), "{what}: one flow per goroutine");
        let lanes: Vec<&str> = b["lanes"]
            .as_array()
            .expect("lanes")
            .iter()
            .map(|l| l["goroutine"].as_str().expect("name"))
            .collect();
        for id in by_id.keys() {
            assert!(lanes.contains(id) || *id == "timer", "{what}: flow {id}");
        }
        for step in b["steps"].as_array().expect("steps") {
            let owner = step["lane"].as_u64().map_or("timer", |l| lanes[l as usize]);
            let flow = by_id
                .get(owner)
                .unwrap_or_else(|| panic!("{what}: no flow for {owner}"));
            let here = flow["locations"]
                .as_array()
                .expect("locations")
                .iter()
                .find(|l| l["executionOrder"] == step["index"])
                .unwrap_or_else(|| panic!("{what}: step {} not in {owner}'s flow", step["index"]));
            let (_, line, col) = place(&here["location"]);
            assert_eq!(
                (line, col),
                (
                    step["line"].as_u64().expect("line"),
                    step["col"].as_u64().expect("col")
                ),
                "{what}: step {}",
                step["index"]
            );
        }
        for g in b["goroutines"].as_array().expect("goroutines") {
            if let Some(at) = g["at"].as_object() {
                let flow = by_id[g["goroutine"].as_str().expect("name")];
                let last = flow["locations"]
                    .as_array()
                    .and_then(|l| l.last())
                    .expect("a last location");
                let (_, line, col) = place(&last["location"]);
                assert_eq!(
                    (Some(line), Some(col)),
                    (at["line"].as_u64(), at["col"].as_u64())
                );
                assert!(
                    last.get("executionOrder").is_none(),
                    "the end is not a step"
                );
            }
        }
    }
    assert_eq!(kinds.len(), 8, "every kind is compared: {kinds:?}");
}

#[test]
fn compile_errors_are_json_lines_with_exit_code_two() {
    let d = dir("json-errors", &[("a/leak.ron", LEAK), ("b/bad.ron", BAD)]);
    let bad = d.join("b/bad.ron");
    let (o, lines) = json_lines(&[d.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "", "nothing on stderr");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["scenario"], "leak");
    let e = &lines[1];
    assert_eq!(e["schema_version"], 1);
    assert_eq!(e["error"], "compile");
    assert_eq!(e["file"], bad.display().to_string());
    assert_eq!((e["line"].as_u64(), e["col"].as_u64()), (Some(3), Some(10)));
    assert_eq!(e["message"], "unknown statement `Sned`");
    assert_eq!(e["help"], "did you mean `Send`?");
    // A --param error points into the file: at the scenario's name when it
    // has no parameters.
    let leak = d.join("a/leak.ron");
    let (o, lines) = json_lines(&["--param", "n=1", leak.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["error"], "param");
    assert!(lines[0]["line"].as_u64().is_some(), "{}", lines[0]);
    assert_eq!(
        lines[0]["message"],
        "unknown parameter `n` in `--param n=1`"
    );
    assert_eq!(lines[0]["label"], "the scenario has no parameters");
}

#[test]
fn a_scenario_that_does_not_compile_is_a_sarif_notification() {
    let d = dir("sarif-errors", &[("a/leak.ron", LEAK), ("b/bad.ron", BAD)]);
    let (o, log) = sarif(&[d.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert_valid(&schema_validator(), &log);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().expect("notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[0]["descriptor"]["id"], "compile");
    let (uri, line, col) = place(&notes[0]["locations"][0]);
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/b/bad.ron"),
        "{uri}"
    );
    assert_eq!((line, col), (3, 10));
    // The leak is still reported, suppressed as expected.
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "leak");
    assert_eq!(results[0]["suppressions"][0]["kind"], "inSource");
}

/// A parsed JUnit test case.
#[derive(Debug, Default)]
struct Case {
    name: String,
    classname: String,
    outcome: Option<(String, BTreeMap<String, String>, String)>,
    out: String,
}

/// Parses JUnit XML: the suites' attributes and the test cases.
fn junit(xml: &str) -> (Vec<BTreeMap<String, String>>, Vec<Case>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut suites = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let attrs = |e: &quick_xml::events::BytesStart| -> BTreeMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.unescape_value().expect("escaped value").into_owned(),
                )
            })
            .collect()
    };
    loop {
        let ev = reader.read_event().expect("well-formed XML");
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            let a = attrs(&e);
            match name.as_str() {
                "testsuites" | "testsuite" => suites.push(a),
                "testcase" => cases.push(Case {
                    name: a.get("name").cloned().unwrap_or_default(),
                    classname: a.get("classname").cloned().unwrap_or_default(),
                    ..Case::default()
                }),
                "failure" | "error" | "skipped" => {
                    if let Some(c) = cases.last_mut() {
                        c.outcome = Some((name.clone(), a, String::new()));
                    }
                }
                "system-out" => {}
                other => panic!("unexpected element <{other}>"),
            }
            if !empty {
                open.push(name);
            }
            continue;
        }
        match ev {
            Event::Text(t) => {
                let t = t.unescape().expect("escaped text").into_owned();
                match (open.last().map(String::as_str), cases.last_mut()) {
                    (Some("failure" | "error" | "skipped"), Some(c)) => {
                        if let Some(o) = c.outcome.as_mut() {
                            o.2.push_str(&t);
                        }
                    }
                    (Some("system-out"), Some(c)) => c.out.push_str(&t),
                    _ => {}
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "every element closed");
    (suites, cases)
}

#[test]
fn the_corpus_junit_has_one_passing_case_per_scenario() {
    let (_, scenarios) = json_lines(&["scenarios/"]);
    let o = weft(&["check", "--format", "junit", "scenarios/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (suites, cases) = junit(&stdout(&o));
    let n = scenarios.len().to_string();
    for s in &suites {
        assert_eq!(s.get("tests"), Some(&n));
        assert_eq!(s.get("failures").map(String::as_str), Some("0"));
        assert_eq!(s.get("errors").map(String::as_str), Some("0"));
    }
    assert_eq!(cases.len(), scenarios.len());
    for (c, s) in cases.iter().zip(&scenarios) {
        assert_eq!(c.name, s["scenario"].as_str().expect("name"));
        assert_eq!(c.classname, s["file"].as_str().expect("file"));
        assert!(c.outcome.is_none(), "{}: as expected", c.name);
        // The report of each bug found (and expected) is the case's output.
        for b in s["bugs"].as_array().expect("bugs") {
            let token = b["schedule"].as_str().expect("token");
            assert!(c.out.contains(token), "{}: {token} in\n{}", c.name, c.out);
        }
    }
}

#[test]
fn junit_fails_an_unexpected_bug_and_errs_on_a_bad_scenario() {
    let d = dir(
        "junit",
        &[
            ("a/leak.ron", LEAK),
            ("b/racy.ron", RACY),
            ("c/bad.ron", BAD),
        ],
    );
    let o = weft(&["check", "--format", "junit", d.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2), "bad input wins over a mismatch");
    let (suites, cases) = junit(&stdout(&o));
    let suite = &suites[1];
    assert_eq!(
        (
            suite["tests"].as_str(),
            suite["failures"].as_str(),
            suite["errors"].as_str()
        ),
        ("3", "1", "1")
    );
    assert_eq!(cases.len(), 3);
    assert!(cases[0].outcome.is_none());
    let (tag, attrs, body) = cases[1].outcome.as_ref().expect("racy fails");
    assert_eq!(tag, "failure");
    assert_eq!(attrs["message"], "expected clean; found race");
    assert_eq!(attrs["type"], "race");
    assert!(
        body.contains("✗ race: data race: two concurrent writes"),
        "{body}"
    );
    assert!(body.contains("reproduce: weft replay"), "{body}");
    let (tag, attrs, body) = cases[2].outcome.as_ref().expect("bad errs");
    assert_eq!(tag, "error");
    assert_eq!(attrs["message"], "invalid scenario");
    assert!(
        body.contains("bad.ron:3:10: compile: unknown statement `Sned`"),
        "{body}"
    );
    assert!(body.contains("= help: did you mean `Send`?"), "{body}");
}

/// `len` of a channel orders the read of `x` after the write with no
/// happens-before edge: Go's race detector reports the race; weft keeps no
/// happens-before knowledge for a program that keeps a context's `Done()`
/// channel in a variable (`semantics::happens`), so it does not decide it
/// (`semantics::unsynced`).
const LEN_POLL: &str = r#"Scenario(
    name: "len-poll",
    expect: [EXPECT],
    globals: [Var("x", 0), Chan("c", 1)],
    main: [
        WithCancel("ctx", "cancel"), Let("done", "ctx.Done()"),
        Go(body: [Set("x", 1), Send("c", 1)]),
        If("len(c) == 1", [Let("seen", "x")]),
        Cancel("cancel"),
    ],
)
"#;

#[test]
fn every_format_says_races_were_not_decided() {
    let d = dir(
        "unsynced",
        &[
            ("a/clean.ron", &LEN_POLL.replace("EXPECT", "")),
            ("b/race.ron", &LEN_POLL.replace("EXPECT", "Race")),
        ],
    );
    let path = d.to_str().expect("utf8");
    let note = "races not decided: 1 operation observes other goroutines without synchronising \
                (len of a channel at 8:13), and a race ordered only by what it \
                saw is not looked for (Go's race detector reports it)";
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    // Text: never "verified"; the clean expectation holds, the expected
    // race is undecided (exit 1: not as expected).
    let o = weft(&["check", path]);
    assert_eq!(o.status.code(), Some(1));
    let text = flat(&stdout(&o));
    assert!(!text.contains("verified"), "{text}");
    assert!(
        text.contains("no bug found in any schedule — as expected"),
        "{text}"
    );
    assert!(
        text.contains(
            "no bug found in any schedule — undecided (expected race: races not decided)"
        ),
        "{text}"
    );
    assert_eq!(text.matches(note).count(), 2, "{text}");
    assert!(
        text.contains("race.ron (expected race; found none (races not decided))"),
        "{text}"
    );
    // JSON: the operations, typed.
    let (_, lines) = json_lines(&[path]);
    let clean = &lines[0];
    assert_eq!(clean["expected_met"], true);
    assert_eq!(
        clean["unsynced"],
        serde_json::json!([{
            "kind": "channel-len",
            "location": {"line": 8, "col": 13, "text": "len(c)"},
        }])
    );
    assert_eq!(lines[1]["expected_met"], false);
    // SARIF: the same view and the same words.
    let (_, log) = sarif(&[path]);
    let verdicts = &log["runs"][0]["properties"]["verdicts"];
    for (i, v) in verdicts.as_array().expect("verdicts").iter().enumerate() {
        assert_eq!(v["unsynced"], lines[i]["unsynced"]);
        let words = v["verdict"].as_str().expect("verdict");
        assert!(!words.contains("verified"), "{words}");
        assert!(words.ends_with(note), "{words}");
    }
    // JUnit: the passing case says why races are undecided.
    let o = weft(&["check", "--format", "junit", path]);
    let (_, cases) = junit(&stdout(&o));
    assert!(cases[0].outcome.is_none());
    assert!(flat(&stdout(&o)).contains(note), "{}", stdout(&o));
    // The review page.
    let html = d.join("review");
    let o = weft(&["check", "--html", html.to_str().expect("utf8"), path]);
    assert_eq!(o.status.code(), Some(1));
    let page = std::fs::read_to_string(html.join("len-poll.html")).expect("the page");
    assert!(!page.contains("verified"), "the page claims verified");
    assert!(
        flat(&page).contains(&note.replace('\'', "&#39;")),
        "the page lacks the note"
    );
}
