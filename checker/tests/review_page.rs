//! The review page (`weft check --html DIR`) in a real browser: Debian's
//! `chromium`, headless, driven over the DevTools protocol. Every corpus
//! scenario's page is loaded from disk (file://); each counterexample is
//! stepped through with the ←/→ keys (the first of a page) or the slider
//! (the others), and at every step the DOM must show what the JSON report
//! of the same run says: the current step's table row and graph node
//! highlighted, each goroutine's status and each object's state at that
//! step, the end row's statuses, the replay command, both graphs. A clean
//! scenario's page must say verified (or incomplete when cut). One page is
//! also screenshotted and checked for structure (a PNG of a rendered page,
//! not a pixel comparison); the README shows the committed copy,
//! `tests/review/gops-findall.png` (refresh it with
//! `WEFT_UPDATE_SCREENSHOT=1`).
//!
//! Chromium is required when `CI` is set (`.ci/run` installs it); elsewhere
//! the test says why it skipped when it is missing.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace root")
}

/// The chromium binary, when installed.
fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Starts chromium headless with the flags a closed network needs and a
/// fresh profile directory.
fn browser(path: PathBuf, profile: &Path) -> Browser {
    let _ = std::fs::remove_dir_all(profile);
    std::fs::create_dir_all(profile).expect("profile dir");
    let args: Vec<&OsStr> = [
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(path))
        .headless(true)
        .sandbox(false)
        .enable_gpu(false)
        .user_data_dir(Some(profile.to_path_buf()))
        .window_size(Some((1400, 1250)))
        .idle_browser_timeout(std::time::Duration::from_secs(120))
        .args(args)
        .build()
        .expect("launch options");
    Browser::new(options).expect("chromium starts")
}

/// Evaluates `js`, which must return a string (JSON.stringify of what
/// the test reads), and parses it.
fn read(tab: &Tab, js: &str) -> Value {
    let out = tab.evaluate(js, false).expect("evaluates");
    let text = out
        .value
        .as_ref()
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{js} returned {out:?}"))
        .to_string();
    serde_json::from_str(&text).expect("JSON from the page")
}

/// Opens `page` in the tab and waits until it has loaded and run its
/// script (polling the page: the client's own wait for navigation sleeps
/// a second each time).
fn load(tab: &Tab, page: &Path) {
    let url = format!("file://{}", page.display());
    tab.navigate_to(&url).expect("navigates");
    let check = format!(
        "JSON.stringify(location.href === {} && document.readyState === 'complete')",
        serde_json::to_string(&url).expect("a string")
    );
    for _ in 0..200 {
        if read(tab, &check) == true {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{url} did not load");
}

/// A page function, `shown(sec)`: what a bug's section shows now.
const SHOWN: &str = r#"function shown(sec) {
  var snap = Array.from(sec.querySelectorAll('.state .snap')).filter(function (e) { return !e.hidden; });
  var visible = snap.length === 1 ? snap[0] : null;
  return {
    current: +sec.dataset.current,
    steps: +sec.dataset.steps,
    slider: +sec.querySelector('input.slider').value,
    rows: Array.from(sec.querySelectorAll('table.lanes tr.current')).map(function (r) { return +r.dataset.step; }),
    nodes: Array.from(sec.querySelectorAll('svg.hb g.node.current')).map(function (n) { return +n.dataset.step; }),
    visible: snap.map(function (e) { return +e.dataset.step; }),
    now: Array.from(sec.querySelectorAll('.now .snap')).filter(function (e) { return !e.hidden; }).map(function (e) { return +e.dataset.step; }),
    lanes: visible ? Array.from(visible.querySelectorAll('table.goroutines tr')).map(function (r) {
      return { lane: +r.dataset.lane, status: r.dataset.status, text: r.textContent };
    }) : [],
    objects: visible ? Array.from(visible.querySelectorAll('table.objects tr')).filter(function (r) { return r.cells.length === 2; }).map(function (r) {
      return [r.cells[0].textContent, r.cells[1].textContent];
    }) : []
  };
}
function fixed(sec) {
  return {
    end: Array.from(sec.querySelectorAll('table.lanes tr.end td.cell .badge')).map(function (b) { return b.textContent; }),
    cmd: sec.querySelector('.replay code').textContent,
    copy: sec.querySelectorAll('.replay button.copy').length,
    hb: sec.querySelectorAll('svg.hb g.node').length,
    wf: sec.querySelectorAll('svg.wf path.wait').length,
    cycle: sec.querySelectorAll('svg.wf path.wait.cycle').length,
    why: sec.querySelectorAll('ul.explanation li').length
  };
}"#;

/// What bug `i`'s section shows now, read from the live page.
fn shown(tab: &Tab, i: usize) -> Value {
    read(
        tab,
        &format!(
            "(function () {{ {SHOWN} return JSON.stringify(shown(document.querySelectorAll('section.bug')[{i}])); }})()"
        ),
    )
}

/// Every section of a page stepped through in the browser itself (a
/// DevTools round trip costs the client about a tenth of a second, too
/// much for every step of the corpus): for each bug, what it shows when
/// the page opens, then at each position of its slider (moved as a drag
/// moves it, with `input` events), then at each key press of ← from the
/// end to the start and once more, and of → back to the end (keydown
/// events on the document, where the page listens). The live key
/// presses of the DevTools input pipeline are checked on one page in the
/// test below.
const WALK: &str = r#"
  var sections = Array.from(document.querySelectorAll('section.bug'));
  var key = function (k) { document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })); };
  var bugs = sections.map(function (sec) {
    var n = +sec.dataset.steps, rec = { fixed: fixed(sec), open: shown(sec), slider: [], keys: [] };
    var slider = sec.querySelector('input.slider');
    for (var k = 0; k <= n; k++) { slider.value = k; slider.dispatchEvent(new Event('input')); rec.slider.push(shown(sec)); }
    for (k = n - 1; k >= -1; k--) { key('ArrowLeft'); rec.keys.push(shown(sec)); }
    for (k = 1; k <= n; k++) { key('ArrowRight'); rec.keys.push(shown(sec)); }
    return rec;
  });
  var clean = document.querySelector('.clean');
  return JSON.stringify({ bugs: bugs, clean: clean ? clean.textContent : null });
"#;

/// Asserts the section of bug `i` of `file` shows step `k` of `bug`.
fn assert_step(s: &Value, file: &str, i: usize, bug: &Value, k: usize, how: &str) {
    let at = format!("{file}, bug {}, step {k} ({how})", i + 1);
    assert_eq!(s["current"], k, "{at}: {s}");
    assert_eq!(s["slider"], k, "{at}: the slider");
    assert_eq!(s["rows"], serde_json::json!([k]), "{at}: highlighted row");
    let nodes = if k == 0 {
        serde_json::json!([])
    } else {
        serde_json::json!([k])
    };
    assert_eq!(s["nodes"], nodes, "{at}: highlighted graph node");
    assert_eq!(
        s["visible"],
        serde_json::json!([k]),
        "{at}: one state shown"
    );
    assert_eq!(s["now"], serde_json::json!([k]), "{at}: the step's line");
    let state = &bug["states"][k];
    assert_eq!(state["step"], k, "{at}: the JSON's state");
    let lanes = state["lanes"].as_array().expect("lanes");
    let shown_lanes = s["lanes"].as_array().expect("lanes shown");
    assert_eq!(shown_lanes.len(), lanes.len(), "{at}: a row per lane");
    for (j, (want, got)) in lanes.iter().zip(shown_lanes).enumerate() {
        assert_eq!(got["lane"], j, "{at}");
        assert_eq!(got["status"], want["status"], "{at}: lane {j}'s status");
        let name = bug["lanes"][j]["goroutine"].as_str().expect("name");
        let text = got["text"].as_str().expect("text");
        assert!(text.starts_with(name), "{at}: lane {j} is {name}: {text}");
        if let Some(l) = want.get("at") {
            let pos = format!("{}:{}", l["line"], l["col"]);
            assert!(text.contains(&pos), "{at}: lane {j} at {pos}: {text}");
        }
    }
    let objects: Vec<(String, String)> = state["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .map(|o| {
            (
                o["object"].as_str().expect("name").to_string(),
                o["state"].as_str().expect("state").to_string(),
            )
        })
        .collect();
    let shown_objects: Vec<(String, String)> = s["objects"]
        .as_array()
        .expect("objects shown")
        .iter()
        .map(|p| {
            (
                p[0].as_str().expect("name").to_string(),
                p[1].as_str().expect("state").to_string(),
            )
        })
        .collect();
    assert_eq!(shown_objects, objects, "{at}: the objects' states");
}

/// What the page shows once, whatever the step: the end row, the replay
/// command, the graphs.
fn assert_fixed(s: &Value, file: &str, i: usize, bug: &Value) {
    let at = format!("{file}, bug {}", i + 1);
    let lanes: Vec<&str> = bug["lanes"]
        .as_array()
        .expect("lanes")
        .iter()
        .map(|l| l["goroutine"].as_str().expect("name"))
        .collect();
    let end: Vec<Value> = lanes
        .iter()
        .filter_map(|name| {
            bug["goroutines"]
                .as_array()
                .expect("goroutines")
                .iter()
                .find(|g| g["goroutine"] == *name)
                .map(|g| g["status"].clone())
        })
        .collect();
    assert_eq!(s["end"], Value::Array(end), "{at}: the end row");
    assert_eq!(s["cmd"], bug["reproduce"], "{at}: the replay command");
    assert_eq!(s["copy"], 1, "{at}: a copy button");
    assert_eq!(
        s["hb"],
        bug["steps"].as_array().expect("steps").len(),
        "{at}: a happens-before node per step"
    );
    assert_eq!(
        s["wf"],
        bug["wait_for"]["edges"].as_array().expect("edges").len(),
        "{at}: a wait-for edge per edge"
    );
    assert_eq!(
        s["cycle"],
        bug["wait_for"]["cycle"].as_array().expect("cycle").len(),
        "{at}: the cycle's edges"
    );
    assert_eq!(
        s["why"],
        bug["explanation"].as_array().expect("explanation").len(),
        "{at}: the explanation"
    );
}

/// Opens `page` and walks it ([`WALK`]) once it has loaded and run its
/// script, polling in the same call that walks, so a page usually costs
/// two DevTools round trips.
fn walk(tab: &Tab, page: &Path) -> Value {
    let url = format!("file://{}", page.display());
    tab.navigate_to(&url).expect("navigates");
    // Resolves once the page has loaded (its script has run by then), or
    // at once with `null` while the previous page is still shown.
    let js = format!(
        "new Promise(function (resolve) {{ var go = function () {{ if (location.href !== {}) {{ resolve('null'); return; }} resolve((function () {{ {SHOWN} {WALK} }})()); }}; if (document.readyState === 'complete') {{ go(); }} else {{ window.addEventListener('load', go); }} }})",
        serde_json::to_string(&url).expect("a string")
    );
    for _ in 0..200 {
        // A page replaced while the call waits ends it with an error: ask
        // again.
        let Ok(out) = tab.evaluate(&js, true) else {
            std::thread::sleep(std::time::Duration::from_millis(10));
            continue;
        };
        let text = out
            .value
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{url}: the walk returned {out:?}"));
        let walked: Value = serde_json::from_str(text).expect("JSON from the page");
        if !walked.is_null() {
            return walked;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{url} did not load");
}

/// Checks a PNG's structure: its signature, an image header of a page's
/// size, and enough bytes to hold a rendered page rather than a blank one.
fn assert_png(png: &[u8], what: &str) {
    assert!(
        png.len() > 30_000,
        "{what}: {} bytes: not a rendered page",
        png.len()
    );
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{what}: PNG signature");
    assert_eq!(&png[12..16], b"IHDR", "{what}: image header");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let (w, h) = (be(&png[16..20]), be(&png[20..24]));
    assert!(w >= 800 && h >= 600, "{what}: {w}x{h}");
}

#[test]
fn every_corpus_page_steps_through_its_counterexamples_in_chromium() {
    let Some(chrome) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is required in CI (.ci/run installs it)"
        );
        eprintln!(
            "SKIPPED: chromium is not installed (apt-get install chromium); the review pages were not opened in a browser"
        );
        return;
    };
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review");
    let pages = tmp.join("pages");
    let _ = std::fs::remove_dir_all(&tmp);
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["check", "--format", "json", "--html"])
        .arg(&pages)
        .arg("scenarios/")
        .current_dir(root())
        .output()
        .expect("weft runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(
        reports.len() >= 90,
        "the corpus: {} scenarios",
        reports.len()
    );
    let browser = browser(chrome, &tmp.join("profile"));
    let tab = browser.new_tab().expect("a tab");
    let (mut buggy, mut steps_checked) = (0, 0);
    for r in &reports {
        let file = r["file"].as_str().expect("file");
        let name = format!("{}.html", r["scenario"].as_str().expect("name"));
        let path = pages.join(&name);
        assert!(path.exists(), "{file}: no page {name}");
        let page = walk(&tab, &path);
        let bugs = r["bugs"].as_array().expect("bugs");
        let sections = page["bugs"].as_array().expect("sections");
        assert_eq!(sections.len(), bugs.len(), "{file}: a section per bug");
        if bugs.is_empty() {
            let clean = page["clean"].as_str().expect("a clean page says so");
            let want = match (r["complete"] == true, r.get("unsynced").is_some()) {
                (true, false) => "verified",
                (true, true) => "races not decided",
                (false, _) => "incomplete",
            };
            assert!(clean.contains(want), "{file}: clean page says {clean:?}");
            if r.get("unsynced").is_some() {
                assert!(
                    clean.starts_with("no bug found in any schedule;")
                        && !clean.contains("verified"),
                    "{file}: {clean:?}"
                );
            }
            continue;
        }
        buggy += 1;
        for (i, (bug, shows)) in bugs.iter().zip(sections).enumerate() {
            let n = bug["steps"].as_array().expect("steps").len();
            assert_eq!(
                bug["states"].as_array().expect("states").len(),
                n + 1,
                "{file}: a state per step and the start"
            );
            assert_fixed(&shows["fixed"], file, i, bug);
            // The page opens on the last step, where the bug shows.
            assert_step(&shows["open"], file, i, bug, n, "opened");
            let slider = shows["slider"].as_array().expect("slider");
            assert_eq!(slider.len(), n + 1);
            for (k, s) in slider.iter().enumerate() {
                assert_step(s, file, i, bug, k, "slider");
            }
            // ← from the end down to the start, once more (it stays), then
            // → back to the end.
            let keys = shows["keys"].as_array().expect("keys");
            let expected: Vec<usize> = (0..n).rev().chain([0]).chain(1..=n).collect();
            assert_eq!(keys.len(), expected.len());
            for (s, &k) in keys.iter().zip(&expected) {
                assert_step(s, file, i, bug, k, "keys");
            }
            steps_checked += n + 1;
        }
    }
    assert!(buggy >= 40, "{buggy} pages with bugs");
    println!(
        "{} pages, {buggy} with bugs, {steps_checked} states checked",
        reports.len()
    );

    // Real key presses through the browser's input pipeline, on the gops
    // deadlock; then its screenshot, back at its last step.
    let gops = reports
        .iter()
        .find(|r| r["scenario"] == "gops-findall")
        .expect("the gops deadlock in the corpus");
    let bug = &gops["bugs"][0];
    let n = bug["steps"].as_array().expect("steps").len();
    let page = pages.join("gops-findall.html");
    load(&tab, &page);
    for k in (0..n).rev() {
        tab.press_key("ArrowLeft").expect("key");
        assert_step(&shown(&tab, 0), "gops-findall", 0, bug, k, "live ←");
    }
    for k in 1..=n {
        tab.press_key("ArrowRight").expect("key");
        assert_step(&shown(&tab, 0), "gops-findall", 0, bug, k, "live →");
    }
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    assert_png(&png, "the screenshot just taken");
    let committed = root().join("checker/tests/review/gops-findall.png");
    if std::env::var_os("WEFT_UPDATE_SCREENSHOT").is_some() {
        std::fs::create_dir_all(committed.parent().expect("dir")).expect("mkdir");
        std::fs::write(&committed, &png).expect("write the screenshot");
    }
    let kept = std::fs::read(&committed)
        .expect("the committed screenshot (WEFT_UPDATE_SCREENSHOT=1 makes it)");
    assert_png(&kept, "the committed screenshot");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// Runs weft from the workspace root.
fn weft(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("weft runs")
}

/// A fresh directory under the test target's temporary directory.
fn fresh(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("review-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn pages_are_self_contained_and_indexed() {
    let dir = fresh("pages");
    let d = dir.to_str().expect("utf-8 path");
    let o = weft(&[
        "check",
        "--html",
        d,
        "scenarios/classic/",
        "scenarios/gops/",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The report on stdout is the usual one.
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("13 scenarios: 13 as expected"), "{out}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("pages written")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 14, "13 pages and the index: {names:?}");
    let index = std::fs::read_to_string(dir.join("index.html")).expect("index");
    for name in names.iter().filter(|n| *n != "index.html") {
        assert!(
            index.contains(&format!("href=\"{name}\"")),
            "index links {name}"
        );
        let page = std::fs::read_to_string(dir.join(name)).expect("page");
        // Nothing is fetched: no external stylesheet, script, image or
        // font, and no URL but the SVG namespace.
        for external in ["<link", "<img", " src=", "@import", "url(http"] {
            assert!(!page.contains(external), "{name} has {external}");
        }
        let urls = page.matches("http://").count() + page.matches("https://").count();
        let namespaces = page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
        assert_eq!(urls, namespaces, "{name}: a URL besides the SVG namespace");
        assert!(
            page.contains("default-src 'none'"),
            "{name}: the page forbids fetching"
        );
    }
    // A buggy page has its table, states, graphs and replay command; a
    // clean one says it is verified.
    let dining = std::fs::read_to_string(dir.join("dining-philosophers.html")).expect("page");
    for part in [
        "<table class=\"lanes\"",
        "class=\"snap\"",
        "<svg class=\"graph hb\"",
        "<svg class=\"graph wf\"",
        "class=\"wait cycle\"",
        "weft replay scenarios/classic/dining-philosophers.ron --schedule v1:",
        "held by philosopher#1",
    ] {
        assert!(
            dining.contains(part),
            "dining-philosophers.html lacks {part}"
        );
    }
    let fixed = std::fs::read_to_string(dir.join("dining-philosophers-fixed.html")).expect("page");
    assert!(
        fixed.contains("verified: no bug in any schedule"),
        "{fixed}"
    );
    assert!(!fixed.contains("<section class=\"bug\""));
    let help = weft(&["check", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--html <DIR>"), "{help}");
    assert!(
        help.contains("weft check --html review/ scenarios/"),
        "{help}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cut_search_page_says_incomplete_and_the_same_run_writes_the_same_pages() {
    let dir = fresh("cut");
    let d = dir.to_str().expect("utf-8 path");
    let file = "scenarios/classic/dining-philosophers-fixed.ron";
    let o = weft(&["check", "--max-states", "10", "--html", d, file]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a cut search of a clean scenario is undecided"
    );
    let page = std::fs::read_to_string(dir.join("dining-philosophers-fixed.html")).expect("page");
    assert!(
        page.contains("incomplete (bounded by --max-states 10): no bug found in"),
        "{page}"
    );
    assert!(!page.contains("verified"), "{page}");
    // Reproducible: the same run writes the same bytes.
    let again = fresh("again");
    let a = again.to_str().expect("utf-8 path");
    let twice = |out: &str| {
        let o = weft(&["check", "--html", out, "scenarios/gops/findall.ron"]);
        assert_eq!(o.status.code(), Some(0));
        std::fs::read(Path::new(out).join("gops-findall.html")).expect("page")
    };
    assert_eq!(twice(d), twice(a), "two runs, two different pages");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&again);
}

#[test]
fn json_carries_the_states_only_with_html() {
    let plain = weft(&["check", "--format", "json", "scenarios/gops/findall.ron"]);
    let plain: Value = serde_json::from_slice(&plain.stdout).expect("a JSON line");
    assert!(
        plain["bugs"][0].get("states").is_none(),
        "states without --html"
    );
    let dir = fresh("json");
    let d = dir.to_str().expect("utf-8 path");
    let with = weft(&[
        "check",
        "--format",
        "json",
        "--html",
        d,
        "scenarios/gops/findall.ron",
    ]);
    let with: Value = serde_json::from_slice(&with.stdout).expect("a JSON line");
    let bug = &with["bugs"][0];
    let states = bug["states"].as_array().expect("states with --html");
    assert_eq!(
        states.len(),
        bug["steps"].as_array().expect("steps").len() + 1
    );
    // The start: only main, ready, and no channel made yet.
    assert_eq!(states[0]["lanes"][0]["status"], "ready");
    assert_eq!(states[0]["lanes"][1]["status"], "not-started");
    let limit = |s: &Value| {
        s["objects"]
            .as_array()
            .expect("objects")
            .iter()
            .find(|o| o["object"] == "channel `limitCh`")
            .cloned()
    };
    assert_eq!(limit(&states[0]), None);
    // After `Add("wg", "n")`: the counter is n, the token channel empty;
    // then main sends a token into it.
    let wg = &states[1]["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .find(|o| o["object"] == "WaitGroup `wg`")
        .cloned()
        .expect("wg");
    assert_eq!(wg["counter"], 3);
    let limit = |s: &Value| limit(s).expect("limitCh");
    assert_eq!(limit(&states[1])["buffered"], serde_json::json!([]));
    assert_eq!(limit(&states[2])["buffered"], serde_json::json!(["0"]));
    // The end: everyone waits, the token channel full.
    let end = states.last().expect("end");
    for l in end["lanes"].as_array().expect("lanes") {
        assert_eq!(l["status"], "waiting", "{end}");
    }
    assert_eq!(limit(end)["state"], "buffers 0, 0 (full, capacity 2)");
    // Apart from the states, the report is the same.
    let mut without = with.clone();
    without["bugs"][0]
        .as_object_mut()
        .expect("bug")
        .remove("states");
    let strip = |mut v: Value| {
        v["stats"]["seconds"] = Value::Null;
        v["stats"]["peak_resident_bytes"] = Value::Null;
        v
    };
    assert_eq!(strip(without), strip(plain));
    let _ = std::fs::remove_dir_all(&dir);
}
