//! First-class values: records (`types`, `New`, `s.f`), slices and arrays
//! (`Slice`, `xs[i]`, `len`), function values and closures (`Func`, calls
//! through a value), pointers to fields, shared variables holding
//! references, and the nil value of each with Go's behaviour. Every
//! expectation is what real Go does: the Go programs are in
//! `checker/tests/values/go/probes.go`, their output in
//! `checker/tests/values/go/RESULTS.txt` (run with `sh run.sh` there).
//! Each scenario is checked with and without the reduction, which must agree.

use weft_checker::explore::Outcome;
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind::{self, *};

use crate::support::both as support;

const TYPES: &str = r#"{
    "Server": {"mu": "sync.Mutex", "ch": "chan int", "closed": "bool", "n": "int",
               "wg": "sync.WaitGroup", "next": "*Server", "m": "map[int]int",
               "handle": "func(int) int", "subs": "map[int]chan int"},
    "Rec": {"id": "int", "ok": "bool", "name": "string"}, "Flag": {"on": "bool"}}"#;

fn source(main: &str, funcs: &str) -> String {
    format!(
        "Scenario(name: \"t\",\n types: {TYPES},\n main: [\n{main}\n ],\n funcs: {{{funcs}}},\n)"
    )
}

fn check(main: &str, funcs: &str) -> Outcome {
    support::check_both(&source(main, funcs))
}

fn kinds(o: &Outcome) -> Vec<BugKind> {
    support::kinds(o)
}

fn messages(o: &Outcome) -> Vec<String> {
    let mut m = support::messages(o, None);
    m.dedup();
    m
}

/// The rendered errors of a scenario that must not compile.
fn rejected(main: &str) -> String {
    let file = SourceFile::new("t.ron", source(main, ""));
    match weft_models::compile(&file, &[]) {
        Ok(_) => panic!("compiles:\n{main}"),
        Err(e) => e.render(&file, false),
    }
}

const NIL_DEREF: &str = "panic: runtime error: invalid memory address or nil pointer dereference";

// ----- records -----

#[test]
fn fields_hold_objects_by_value_and_values_in_cells() {
    // A WaitGroup and a Mutex held by value in a record, its counter
    // updated under the lock by two goroutines: no bug.
    let o = check(
        r#"Chan("c", 1),
        New("s", "Server", {"ch": "c"}),
        Add("s.wg", 2),
        For("i", 0, 2, [Go(body: [Lock("s.mu"), Set("s.n", "s.n + 1"), Unlock("s.mu"), Done("s.wg")])]),
        Wait("s.wg"),
        Assert("s.n == 2", "lost update"),
        Send("s.ch", 5),
        Recv("s.ch", "v"),
        Assert("v == 5"),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
}

#[test]
fn a_field_written_by_two_goroutines_races_and_different_fields_do_not() {
    // probes.go race-same-field / race-different-fields (go run -race).
    let same = check(
        r#"New("s", "Server"), Chan("done"),
        Go(body: [Set("s.n", 1), Send("done", true)]),
        Set("s.n", 2),
        Recv("done"),"#,
        "",
    );
    assert_eq!(kinds(&same), vec![Race]);
    let different = check(
        r#"New("s", "Server"), Chan("done"),
        Go(body: [Set("s.n", 1), Send("done", true)]),
        Set("s.closed", true),
        Recv("done"),"#,
        "",
    );
    assert!(different.bugs.is_empty(), "{:?}", messages(&different));
}

#[test]
fn two_records_have_two_mutexes() {
    // probes.go mutex-field-per-record.
    let o = check(
        r#"New("a", "Server"), New("b", "Server"), Lock("a.mu"), Lock("b.mu"),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
    // The same record's mutex twice deadlocks.
    let o = check(r#"New("a", "Server"), Lock("a.mu"), Lock("a.mu"),"#, "");
    assert_eq!(kinds(&o), vec![Deadlock]);
}

#[test]
fn a_nil_record_field_panics_with_gos_message() {
    // probes.go nil-record-field, nil-next-field.
    let o = check(r#"New("s", "Server"), Let("x", "s.next.n"),"#, "");
    assert_eq!(messages(&o), vec![NIL_DEREF.to_string()]);
    let o = check(
        r#"Var(name: "p", type: "*Server"), Let("s", "p"), Lock("s.mu"),"#,
        "",
    );
    assert_eq!(messages(&o), vec![NIL_DEREF.to_string()]);
}

#[test]
fn a_nil_channel_field_blocks_forever() {
    // probes.go nil-chan-field: the runtime's deadlock.
    let o = check(r#"New("s", "Server"), Recv("s.ch"),"#, "");
    assert_eq!(kinds(&o), vec![Deadlock]);
}

#[test]
fn a_nil_map_field_reads_zero_and_panics_on_write() {
    // probes.go nil-map-read, nil-map-write, nil-map-delete.
    let o = check(
        r#"New("s", "Server"), Let("x", "s.m[3]"), Assert("x == 0"), Delete("s.m", 1),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
    let o = check(r#"New("s", "Server"), Set("s.m[1]", 2),"#, "");
    assert_eq!(
        messages(&o),
        vec!["panic: assignment to entry in nil map".to_string()]
    );
}

#[test]
fn records_link_through_pointer_fields() {
    let o = check(
        r#"New("a", "Server", {"n": 1}),
        New("b", "Server", {"n": 2, "next": "a"}),
        Assert("b.next.n == 1", "followed the link"),
        Lock("b.next.mu"),
        Lock("a.mu"),"#,
        "",
    );
    // b.next is a, so the second Lock blocks for ever.
    assert_eq!(kinds(&o), vec![Deadlock]);
}

#[test]
fn an_atomic_on_a_field_is_not_a_race() {
    let o = check(
        r#"New("s", "Server"), WaitGroup("wg"), Add("wg", 2),
        For("i", 0, 2, [Go(body: [AtomicAdd("&s.n", 1), Done("wg")])]),
        Wait("wg"),
        AtomicLoad("s.n", "v"),
        Assert("v == 2"),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
}

#[test]
fn a_record_is_passed_to_functions_and_returned_from_them() {
    // Parameters take the record's type from the call site; results
    // from the function's `Return`.
    let o = check(
        r#"Call("newServer", [], "s"),
        Go("serve", ["s"]),
        Recv("s.ch", "v"),
        Assert("v == 1"),"#,
        r#""newServer": [Chan("c"), New("s", "Server", {"ch": "c"}), Return("s")],
        "serve": (params: ["s"], body: [Lock("s.mu"), Set("s.n", 1), Unlock("s.mu"), Send("s.ch", "s.n")])"#,
    );
    // serve reads s.n after unlocking: main never writes it, so no race.
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
}

// ----- slices and arrays -----

#[test]
fn a_slice_of_channels_is_indexed() {
    // probes.go slice-of-channels.
    let o = check(
        r#"Slice("chans", "chan int", 3),
        For("i", 0, 3, [Chan("c"), Set("chans[i]", "c"), Go(body: [Send("c", "i")])]),
        Var("sum", 0),
        For("i", 0, "len(chans)", [Recv("chans[i]", "v"), Set("sum", "sum + v")]),
        Assert("sum == 3", "wrong sum"),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
}

#[test]
fn range_over_a_slice_gives_indexes_and_elements() {
    // for i, c := range chans { go func() { c <- i }() }; the slice is read once.
    let o = check(
        r#"Slice("chans", "chan int", 3),
        Range("chans", "i", [Chan("c", 1), Set("chans[i]", "c")]),
        Range("chans", "i", "c", [Go(body: [Send("c", "i")])]),
        Var("sum", 0),
        Range("chans", "c", [Recv("chans[c]", "v"), Set("sum", "sum + v")]),
        Assert("sum == 3", "wrong sum"),
        Slice("mus", "sync.Mutex", 2),
        Range("mus", "_i", "mu", [Lock("mu")]),
        Lock("mus[1]"),"#,
        "",
    );
    // The last Lock finds mus[1] locked by the range: a deadlock.
    assert_eq!(kinds(&o), vec![Deadlock]);
}

#[test]
fn an_index_out_of_range_panics_with_gos_message() {
    // probes.go index-out-of-range, negative-make-len.
    let o = check(
        r#"Slice("mus", "sync.Mutex", 2), Let("k", 5), Lock("mus[k]"),"#,
        "",
    );
    assert_eq!(
        messages(&o),
        vec!["panic: runtime error: index out of range [5] with length 2".to_string()]
    );
    // Before main's first visible operation: the crash is the schedule's
    // first step.
    let o = check(r#"Let("n", -1), Slice("xs", "int", "n"),"#, "");
    assert_eq!(o.bugs[0].path.len(), 1, "one step: main's first");
    assert_eq!(
        messages(&o),
        vec!["panic: runtime error: makeslice: len out of range".to_string()]
    );
}

#[test]
fn a_slice_part_shares_the_elements_and_checks_its_bounds_as_go_does() {
    // probe `slice-parts`: 7 2 5 2 7 1 true true 0 false 7.
    let o = check(
        r#"Slice("xs", "int", 3), Set("xs[1]", 5),
        Let("ys", "xs[1:]"), Set("ys[1]", 7),
        Let("items", "xs"), Set("items", "items[1:]"),
        Let("head", "xs[:1]"),
        Let(name: "nl", value: "nil", type: "[]int"),
        Assert("xs[2] == 7 && len(ys) == 2 && ys[0] == 5", "shared"),
        Assert("len(items) == 2 && items[1] == 7 && len(head) == 1", "popped"),
        Assert("nl[0:0] == nil && nl[:] == nil", "nil"),
        Assert("len(xs[3:]) == 0 && xs[3:] != nil && xs[1:][1] == 7", "empty"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    // The values are live: a part that does not share fails.
    let o = check(
        r#"Slice("xs", "int", 3), Let("ys", "xs[1:]"), Set("ys[0]", 1),
        Assert("xs[0] == 1", "not this one"),"#,
        "",
    );
    assert_eq!(messages(&o), vec!["assertion failed: not this one"]);
    // probes `slice-part-beyond`, `-crossed`, `-past-the-end`, `-negative`.
    for (part, message) in [
        ("xs[:n]", "[:4] with capacity 3"),
        ("xs[2:m]", "[2:1]"),
        ("xs[n:]", "[4:3]"),
        ("xs[neg:2]", "[-1:]"),
    ] {
        let o = check(
            &format!(
                r#"Slice("xs", "int", 3), Let("n", 4), Let("m", 1), Let("neg", -1),
                Let("p", "{part}"),"#
            ),
            "",
        );
        assert_eq!(
            messages(&o),
            vec![format!(
                "panic: runtime error: slice bounds out of range {message}"
            )],
            "{part}"
        );
    }
}

#[test]
fn a_slice_has_the_capacity_make_gives_and_append_fills_it_in_place() {
    // probe `slice-capacity`: 2 2 3 2 2 3 2 9 1 3.
    let o = check(
        r#"Slice("xs", "int", 1, 3),
        Let("a", "xs"), Append("a", 1),
        Let("b", "xs"), Append("b", 2),
        Let("ys", "xs[:3]"),
        Slice("q", "int", 0, 2), Append("q", 1),
        Let("batch", "q"), Set("q", "q[:0]"), Append("q", 9),
        Slice("full", "int", 2), Set("full[0]", 1), Set("full[1]", 2),
        Let("grown", "full"), Append("grown", 3), Set("grown[0]", 5),
        Assert("a[1] == 2 && b[1] == 2 && len(ys) == 3 && ys[1] == 2", "shared"),
        Assert("cap(xs[1:]) == 2 && cap(a) == 3 && len(a) == 2", "capacities"),
        Assert("batch[0] == 9 && full[0] == 1 && cap(xs[:0]) == 3", "reused"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    // probe `make-cap-below-len`.
    let o = check(
        r#"Let("l", 3), Let("c", 2), Slice("xs", "int", "l", "c"),"#,
        "",
    );
    assert_eq!(
        messages(&o),
        vec!["panic: runtime error: makeslice: cap out of range".to_string()]
    );
    let e = rejected(r#"Slice("xs", "int", 3, 2), Let("n", "cap(true)"),"#);
    for want in [
        "error: slice capacity 2 is less than its length 3",
        "error: `cap` needs a channel or a slice, but `true` is a boolean",
    ] {
        assert!(e.contains(want), "{want}\n{e}");
    }
}

#[test]
fn two_appends_into_one_spare_capacity_race() {
    // probe `race-append-spare` (-race): data race. Without spare
    // capacity each append copies: no race (probe `race-append` is the
    // race on the variable both assign).
    for (cap, race) in [(4, true), (0, false)] {
        let o = check(
            &format!(
                r#"Slice("base", "int", 0, {cap}), Chan("done"),
                Go([Let("x", "base"), Append("x", 1), Send("done", true)]),
                Let("y", "base"), Append("y", 2),
                Recv("done"),"#
            ),
            "",
        );
        let want = if race { vec![Race] } else { vec![] };
        assert_eq!(kinds(&o), want, "capacity {cap}");
    }
}

#[test]
fn two_appends_to_one_grown_slice_race_in_the_room_its_growth_left() {
    // probe `race-append-grown` (-race): data race. Three appends grow a
    // nil slice to capacity 4, so the fourth element is written in place
    // by both goroutines; two appends grow a slice to capacity 2: each
    // append after them copies.
    for (appends, race) in [(3, true), (2, false)] {
        let grow = r#"Append("grown", 0),"#.repeat(appends);
        let o = check(
            &format!(
                r#"Let(name: "grown", value: "nil", type: "[]int"), {grow}
                Let("base", "grown"), Chan("done"),
                Go([Let("x", "base"), Append("x", 1), Send("done", true)]),
                Let("y", "base"), Append("y", 2),
                Recv("done"),"#
            ),
            "",
        );
        let want = if race { vec![Race] } else { vec![] };
        assert_eq!(kinds(&o), want, "{appends} appends");
    }
}

#[test]
fn append_leaves_the_room_go_leaves_for_the_element_type() {
    // probe `append-growth`: the capacity after each growth.
    for (ty, value, growths) in [
        ("int", "1", &[1, 2, 4, 8, 16, 32][..]),
        ("byte", "1", &[8, 16, 32]),
        ("int32", "1", &[2, 4, 8, 16, 32]),
        ("string", "\"\"", &[1, 2, 4, 8, 16, 32]),
        ("struct{}", "nil", &[1, 2, 3]),
        ("bool", "true", &[8, 16]),
    ] {
        let appends = match ty {
            "struct{}" => 3,
            "bool" => 9,
            _ => 20,
        };
        let mut main = format!(r#"Let(name: "xs", value: "nil", type: "[]{ty}"),"#);
        for k in 1..=appends {
            let cap = growths.iter().find(|&&c| c >= k).expect("a growth");
            main += &format!(
                r#"Append("xs", {value:?}), Assert("len(xs) == {k} && cap(xs) == {cap}", "{ty} {k}"),"#
            );
        }
        let o = check(&main, "");
        assert_eq!(kinds(&o), vec![], "{ty}: {:?}", messages(&o));
    }
    // A full slice of three grows to six.
    let o = check(
        r#"Slice("three", "int", 3), Let("four", "three"), Append("four", 1),
        Assert("cap(four) == 6", "six"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
}

#[test]
fn an_append_of_several_values_or_a_slices_elements_grows_once() {
    // probe `append-many`: 6 5 3 [0 0 9] [0 0] [0 0 9 8] 4 3 [0 0 9] true.
    let o = check(
        r#"Slice("a", "int", 2),
        Let("b", "a"), Append("b", [1, 2, 3]),
        Slice("c", "int", 1, 4),
        Let("d", "c"), Append("d", [7, 8]),
        Let("e", "c"), Append("e", 9),
        Let("f", "c[:1]"), Append("f", "c[:3]..."),
        Let(name: "g", value: "nil", type: "[]int"), Append("g", "d..."),
        Let(name: "h", value: "nil", type: "[]int"), Slice("none", "int", 0),
        Append("h", "none..."),
        Assert("cap(b) == 6 && len(b) == 5 && b[4] == 3", "grown once"),
        Assert("len(d) == 3 && d[1] == 0 && d[2] == 9 && len(e) == 2 && e[1] == 0", "in place"),
        Assert("len(f) == 4 && f[2] == 9 && f[3] == 8 && cap(f) == 4", "overlapping"),
        Assert("cap(g) == 3 && g[2] == 9 && h == nil", "spread"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    let e = rejected(
        r#"Slice("xs", "int", 0), Slice("ys", "int", 0), Let("s", "\"abc\""),
        Slice("bs", "byte", 0),
        Append("xs", []), Append("xs", ["ys...", 1]), Append("xs", "s..."),
        Append("xs", "bs..."), Append("xs", "true"),"#,
    );
    for want in [
        "error: cannot append a boolean: this slice's element is an integer",
        "error: `Append` needs a value to append",
        "error: `...` spreads the only value appended",
        "error: `...` spreads a slice of the same type, found a string",
        "error: `...` spreads a slice of the same type, found a slice of other elements",
    ] {
        assert!(e.contains(want), "{want}\n{e}");
    }
}

#[test]
fn an_append_of_two_values_in_place_races_on_each_cell_it_writes() {
    // probe `race-append-many` (-race): data race, on the second cell.
    for (read, race) in [(1, true), (2, false)] {
        let o = check(
            &format!(
                r#"Slice("base", "int", 0, 4), Chan("done"),
                Go([Let("full", "base[:3]"), Let("x", "full[{read}]"), Send("done", true)]),
                Let("y", "base"), Append("y", [1, 2]),
                Recv("done"),"#
            ),
            "",
        );
        let want = if race { vec![Race] } else { vec![] };
        assert_eq!(kinds(&o), want, "reading cell {read}");
    }
}

#[test]
fn an_append_reads_the_elements_it_copies_as_gos_race_detector_sees() {
    // probes `race-append-copy` and `race-append-spread` (-race): data
    // race. A growing append reads every element of its slice, an append
    // of `xs...` every element of `xs`: a write of one races.
    for (append, race) in [
        (r#"Let("ys", "xs"), Append("ys", 3),"#, true),
        (r#"Slice("zs", "int", 0, 4), Append("zs", "xs..."),"#, true),
        (r#"Slice("zs", "int", 0, 4), Append("zs", 3),"#, false),
    ] {
        let o = check(
            &format!(
                r#"Slice("xs", "int", 2), Chan("done"),
                Go([Set("xs[1]", 1), Send("done", true)]),
                {append}
                Recv("done"),"#
            ),
            "",
        );
        let want = if race { vec![Race] } else { vec![] };
        assert_eq!(kinds(&o), want, "{append}");
    }
}

#[test]
fn records_held_in_place_are_appended_field_by_field() {
    // probe `append-records`: 3 3 1 6 4 5 e 8.
    let o = check(
        r#"Let(name: "rs", value: "nil", type: "[]Rec"),
        New("a", "Rec", {"id": 1, "ok": true, "name": "\"a\""}),
        Append("rs", "a"),
        New("b", "Rec", {"id": 2, "name": "\"b\""}),
        New("c", "Rec", {"id": 3, "ok": true, "name": "\"c\""}),
        Append("rs", ["b", "c"]),
        New("r", "Rec", {"id": 4, "ok": true, "name": "\"d\""}),
        Let("more", "rs"), Append("more", "r"),
        Set("more[0].id", 9), Set("r.id", 7),
        Let("again", "more[:4]"), New("e", "Rec", {"id": 5, "name": "\"e\""}),
        Append("again", "e"),
        Assert("len(rs) == 3 && cap(rs) == 3 && rs[0].id == 1 && cap(more) == 6", "grown"),
        Assert("more[3].id == 4 && more[:5][4].id == 5 && again[4].name == \"e\"", "copied"),
        Let(name: "flags", value: "nil", type: "[]Flag"), New("f", "Flag"), Append("flags", "f"),
        Assert("cap(flags) == 8", "a record of one bool takes a byte, as Go's"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    // probe `race-append-records` (-race): data race.
    let o = check(
        r#"Slice("base", "Rec", 0, 2), Chan("done"),
        Go([New("x", "Rec", {"id": 1}), Let("mine", "base"), Append("mine", "x"), Send("done", true)]),
        New("y", "Rec", {"id": 2}), Let("ours", "base"), Append("ours", "y"),
        Recv("done"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![Race]);
    let e = rejected(r#"Slice("rs", "Rec", 0), Append("rs", "nil"), Append("rs", 1),"#);
    assert_eq!(e.matches("error: cannot append").count(), 2, "{e}");
}

#[test]
fn two_appends_to_one_grown_slice_share_the_cell_they_write() {
    // probe `append-aliasing`: 4 5 5 y z 1.
    let o = check(
        r#"Let(name: "a", value: "nil", type: "[]int"),
        Append("a", 1), Append("a", 2), Append("a", 3),
        Let("b", "a"), Append("b", 4), Let("c", "a"), Append("c", 5),
        Let(name: "s", value: "nil", type: "[]string"), Append("s", "\"x\""),
        Let("t", "s"), Append("t", "\"y\""), Let("u", "s"), Append("u", "\"z\""),
        Assert("cap(a) == 4 && b[3] == 5 && c[3] == 5", "shared"),
        Assert("t[1] == \"y\" && u[1] == \"z\" && cap(s) == 1", "copied"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    let e = rejected(
        r#"Slice("xs", "struct{ a int }", 0), Append("xs", "nil"),
        Let("n", "nil"), Append("n", 1), Append("missing", 1),"#,
    );
    assert_eq!(
        e.matches("error: weft cannot tell what this slice's elements are")
            .count(),
        2,
        "{e}"
    );
    assert!(e.contains("help: give the slice a type"), "{e}");
    // An unknown name is reported as such, not also as a slice of unknown
    // elements.
    assert!(e.contains("error: unknown name `missing`"), "{e}");
}

#[test]
fn a_write_through_a_part_races_with_a_read_through_the_whole() {
    // probe `race-slice-part` (-race): data race.
    let o = check(
        r#"Slice("xs", "int", 3), Chan("done"),
        Go([Let("ys", "xs[1:]"), Set("ys[0]", 1), Send("done", true)]),
        Let("v", "xs[1]"),
        Recv("done"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![Race]);
    let o = check(
        r#"Slice("xs", "int", 3), Chan("done"),
        Go([Let("ys", "xs[1:]"), Set("ys[1]", 1), Send("done", true)]),
        Let("v", "xs[1]"),
        Recv("done"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "different elements");
}

#[test]
fn slice_part_errors_point_at_the_line() {
    let e = rejected(
        r#"Let("s", "`abc`"), Let("t", "s[1:]"), Chan("ch"), Let("u", "ch[:1]"), Slice("xs", "int", 2), Let("v", "xs[true:]"), Set("xs[1:]", 1), Let("w", "xs[0:1:2]"),"#,
    );
    for want in [
        "error: a slice part `[low:high]` needs a slice, but `s` is a string",
        "help: weft's strings are constants, compared whole: a string's part is not made",
        "a slice part `[low:high]` needs a slice, but `ch` is a channel",
        "error: a slice bound must be an integer, but `true` is a boolean",
        "error: cannot assign to a slice part (a new slice)",
        "error: a slice part with a capacity is not supported",
    ] {
        assert!(e.contains(want), "{want}\n{e}");
    }
}

#[test]
fn elements_are_separate_locations() {
    // Goroutine i writes xs[i]: no two goroutines share an element.
    let o = check(
        r#"Slice("xs", "int", 2), WaitGroup("wg"), Add("wg", 2),
        For("i", 0, 2, [Go(body: [Set("xs[i]", "i + 1"), Done("wg")])]),
        Wait("wg"),
        Assert("xs[0] + xs[1] == 3"),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
    // Both write xs[0]: a race.
    let o = check(
        r#"Slice("xs", "int", 2), WaitGroup("wg"), Add("wg", 2),
        For("i", 0, 2, [Go(body: [Set("xs[0]", "i"), Done("wg")])]),
        Wait("wg"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![Race]);
}

#[test]
fn an_array_of_records_in_a_record_is_made_with_it() {
    let o = check(
        r#"Slice("servers", "[2]Server", 1),
        Lock("servers[0][1].mu"),
        Lock("servers[0][0].mu"),
        Assert("len(servers[0]) == 2"),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
}

// ----- function values -----

#[test]
fn a_closure_is_started_and_called() {
    // probes.go closure-captures, method-value-as-handler.
    let o = check(
        r#"Chan("c"),
        Func("send", ["x"], [Send("c", "x")]),
        Go("send", [7]),
        Recv("c", "v"),
        Assert("v == 7"),
        Func("double", ["x"], [Return("x * 2")]),
        New("s", "Server", {"handle": "double"}),
        Let("h", "s.handle"),
        Call("h", [21], "r"),
        Assert("r == 42"),
        Let("f", "worker"),
        Go("f", ["c"]),
        Recv("c", "w"),
        Assert("w == 9"),"#,
        r#""worker": (params: ["ch"], body: [Send("ch", 9)])"#,
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
}

#[test]
fn recursion_through_a_function_value_runs_and_overflowing_it_is_fatal() {
    // Named calls may not recurse, calls through values may: 10! through a
    // variable holding the function, then a recursion without end, which
    // Go ends with `fatal error: stack overflow` (weft at a named depth).
    let o = check(
        r#"Var(name: "f", type: "func(int) int"),
        Func("fact", ["n"], [If("n <= 1", [Return(1)]), Let("g", "f"), Call("g", ["n - 1"], "r"), Return("n * r")]),
        Set("f", "fact"),
        Call("fact", [10], "x"),
        Assert("x == 3628800", "10!"),
        Func("forever", ["n"], [Let("g", "f"), Call("g", ["n"])]),
        Set("f", "forever"),
        Call("forever", [1]),"#,
        "",
    );
    assert_eq!(
        messages(&o),
        vec![
            "fatal error: stack overflow (the call stack exceeds weft's limit of 1000 calls)"
                .to_string()
        ]
    );
}

#[test]
fn calling_a_nil_function_panics() {
    // probes.go nil-func-call.
    let o = check(r#"Var(name: "f", type: "func(int)"), Call("f", [1]),"#, "");
    assert_eq!(messages(&o), vec![NIL_DEREF.to_string()]);
}

#[test]
fn a_closure_that_leaks_its_goroutine_is_found() {
    // A handler started per request that sends on an unbuffered channel
    // nobody reads after a timeout: the classic leak, through a value.
    let o = check(
        r#"Chan("result"),
        Func("work", [], [Send("result", 1)]),
        Go("work", []),
        Select([Recv("result", []), After(1, [])]),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![Leak]);
}

#[test]
fn a_typed_channel_gives_typed_values() {
    // jobs := make(chan *Server, 1); s := <-jobs; s.mu.Lock(): the element
    // type of a channel (declared, a typed variable's, or a field's) types
    // what a receive, a select case or a range gives.
    let o = check(
        r#"Chan(name: "jobs", cap: 2, elem: "*Server"),
        New("a", "Server"),
        Send("jobs", "a"),
        Send("jobs", "a"),
        Recv("jobs", "s"),
        Lock("s.mu"),
        Select([Recv("jobs", "t", [Lock("t.mu")])]),"#,
        "",
    );
    // a's mutex locked twice through the values received: a deadlock.
    assert_eq!(kinds(&o), vec![Deadlock]);
    let o = check(
        r#"New("s", "Server"),
        Chan(name: "c", elem: "*Server"),
        Go(body: [Send("c", "s"), Close("c")]),
        Range("c", "x", [Set("x.n", 1)]),
        Assert("s.n == 1"),
        Let(name: "y", value: "s.next", type: "*Server"),
        Assert("y == nil"),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
    // A goroutine's body receives from its function's channel (captured
    // there by the receive itself): the value is typed too, here through a
    // function's parameter, as after a select case and a range.
    let o = check(
        r#"Chan(name: "jobs", cap: 3, elem: "*Server"),
        New("a", "Server"),
        Send("jobs", "a"),
        Send("jobs", "a"),
        Send("jobs", "a"),
        Close("jobs"),
        Go(body: [
            Recv("jobs", "s"),
            Call(func: "bump", args: ["s"]),
            Select([Recv("jobs", "t", [Call(func: "bump", args: ["t"])])]),
            Range("jobs", "u", [Call(func: "bump", args: ["u"])]),
        ]),"#,
        r#""bump": (params: ["p"], body: [Set("p.n", "p.n + 1")])"#,
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
}

#[test]
fn a_receive_from_a_closed_channel_of_references_gives_nil() {
    // j, ok := <-jobs on a closed chan *Server: nil and false (Go's zero
    // value of a pointer), in a receive, a select case and a range's end;
    // using it as a record panics as a nil dereference does.
    let o = check(
        r#"Chan(name: "jobs", elem: "*Server"),
        Close("jobs"),
        Recv("jobs", "j", "ok"),
        Assert("j == nil && !ok", "zero value"),
        Select([Recv("jobs", "k", [Assert("k == nil", "select zero value")])]),
        Chan(name: "ints"),
        Close("ints"),
        Recv("ints", "n"),
        Assert("n == 0", "int zero value"),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
    let o = check(
        r#"Chan(name: "jobs", cap: 1, elem: "*Server"),
        Close("jobs"),
        Recv("jobs", "j"),
        Lock("j.mu"),"#,
        "",
    );
    assert_eq!(messages(&o), vec![NIL_DEREF.to_string()]);
}

#[test]
fn a_channel_parameter_carries_the_element_type_of_its_call_sites() {
    // func worker(jobs chan *Server) { for s := range jobs { s.mu.Lock() ... } }:
    // the parameter's element type comes from the channels passed to it,
    // through two calls (the outer function is checked before its caller).
    let o = check(
        r#"Chan(name: "jobs", cap: 1, elem: "*Server"),
        New("a", "Server"),
        Go("outer", ["jobs"]),
        Send("jobs", "a"),
        Close("jobs"),"#,
        r#""outer": (params: ["c"], body: [Call("worker", ["c"])]),
        "worker": (params: ["jobs"], body: [
            Range("jobs", "s", [Lock("s.mu"), Set("s.n", 1), Unlock("s.mu")]),
            Recv("jobs", "t", "ok"),
            If("ok", [Lock("t.mu")]),
        ]),"#,
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
    // Two call sites passing channels of different element types: unknown.
    let file = SourceFile::new(
        "t.ron",
        source(
            r#"Chan(name: "a", elem: "*Server"),
            Chan(name: "b"),
            Go("worker", ["a"]),
            Go("worker", ["b"]),"#,
            r#""worker": (params: ["jobs"], body: [Recv("jobs", "s"), Lock("s.mu")]),"#,
        ),
    );
    let r = match weft_models::compile(&file, &[]) {
        Ok(_) => panic!("compiles"),
        Err(e) => e.render(&file, false),
    };
    assert!(r.contains("`.mu` needs a record"), "{r}");
}

// ----- shared variables holding references -----

#[test]
fn a_variable_holds_a_channel_and_reads_race_with_writes() {
    let o = check(
        r#"Var(name: "ch", type: "chan int"),
        Chan("c", 1),
        Set("ch", "c"),
        Send("ch", 1),
        Recv("c", "v"),
        Assert("v == 1"),"#,
        "",
    );
    assert!(o.bugs.is_empty(), "{:?}", messages(&o));
    let o = check(
        r#"Var(name: "ch", type: "chan int"),
        Chan("c", 1),
        Go(body: [Set("ch", "c")]),
        Send("ch", 1),"#,
        "",
    );
    // The goroutine's write of ch races with main's read of it (and main
    // may send on the nil channel first: blocked for ever).
    assert!(kinds(&o).contains(&Race), "{:?}", messages(&o));
}

// ----- errors -----

#[test]
fn errors_point_at_the_field_and_the_type() {
    let r = rejected(r#"New("s", "Server", {"nn": 1}),"#);
    assert!(r.contains("type `Server` has no field `nn`"), "{r}");
    assert!(r.contains("did you mean `n`?"), "{r}");
    let r = rejected(r#"New("s", "Server"), Lock("s.mux"),"#);
    assert!(r.contains("type `Server` has no field `mux`"), "{r}");
    assert!(r.contains("did you mean `mu`?"), "{r}");
    let r = rejected(r#"New("s", "Servr"),"#);
    assert!(
        r.contains("unknown type `Servr`") && r.contains("did you mean `Server`?"),
        "{r}"
    );
    let r = rejected(r#"New("s", "Server"), Set("s.mu", 1),"#);
    assert!(
        r.contains("cannot assign to `s.mu`, a Mutex held by value"),
        "{r}"
    );
    let r = rejected(r#"New("s", "Server"), Set("s.n", "s.ch"),"#);
    assert!(r.contains("cannot store a channel in `s.n`"), "{r}");
    let r = rejected(r#"Let("x", 3), Lock("x.mu"),"#);
    assert!(
        r.contains("`.mu` needs a record, but `x` is an integer"),
        "{r}"
    );
    let r = rejected(r#"Chan("c"), Recv("c", "s"), Lock("s.mu"),"#);
    assert!(
        r.contains("`.mu` needs a record, but `s` is a value"),
        "{r}"
    );
    assert!(
        r.contains("weft follows fields of values whose record type it knows"),
        "{r}"
    );
    let r = rejected(r#"Let(name: "x", value: 1, type: "*Server"),"#);
    assert!(
        r.contains("the value is an integer, but the type `*Server` holds a record"),
        "{r}"
    );
    let r = rejected(r#"Slice("xs", "chan", 2),"#);
    assert!(r.contains("write the element type after `chan`"), "{r}");
    let file = SourceFile::new(
        "t.ron",
        r#"Scenario(name: "t", types: {"A": {"b": "B"}, "B": {"a": "A"}}, main: [Sleep])"#,
    );
    let r = weft_models::compile(&file, &[])
        .expect_err("recursive types")
        .render(&file, false);
    assert!(r.contains("record `A` contains itself"), "{r}");
}

// ----- several results -----

#[test]
fn a_function_returns_several_values_as_go_does() {
    // `v, err := open(i)`: the second result is a value of its own kind
    // (an error here, a record in `make`), every call has its own, and
    // Go evaluates the results before the deferred calls run.
    let funcs = r#"
        "open": (params: ["i"], body: [
            If("i == 2", [Return([0, "errors.New(`closed`)"])]),
            Return(["i * 10", "nil"]),
        ]),
        "make": (params: [], body: [New("s", "Server", {"n": 7}), Return([1, "s"])]),
        "late": (params: [], body: [
            Let("x", 1),
            Defer([Set("x", 2)]),
            Return(["x", "x + 1"]),
        ]),
    "#;
    let o = check(
        r#"Let("sum", 0),
        For("i", 0, 4, [
            Call("open", ["i"], ["v", "err"]),
            If("err != nil", [Continue]),
            Set("sum", "sum + v"),
        ]),
        Assert("sum == 40", "sum"),
        Call("open", [2], ["_", "e"]),
        Assert("e == errors.New(`closed`)", "the error"),
        Call("make", [], ["one", "s"]),
        Lock("s.mu"), Assert("s.n == 7 && one == 1", "record"), Unlock("s.mu"),
        Call("late", [], ["a", "b"]),
        Assert("a == 1 && b == 2", "results before defers"),"#,
        funcs,
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    // Each goroutine's results are its own: two callers at once.
    let o = check(
        r#"Chan("done"),
        For("i", 3, 5, [Go(body: [
            Call("open", ["i"], ["v", "err"]),
            Assert("err == nil && v == i * 10", "own results"),
            Send("done", true),
        ])]),
        Recv("done"), Recv("done"),"#,
        funcs,
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    // An error that is not nil reaches the caller's test.
    let o = check(
        r#"Call("open", [2], ["v", "err"]), If("err != nil", [Panic("closed")]),"#,
        funcs,
    );
    assert_eq!(messages(&o), vec!["panic: closed".to_string()]);
}

#[test]
fn named_results_are_the_functions_result_variables() {
    // probes `named-results-recover`: 10 true 20 true;
    // `named-results-defer-sets`: 6 6; `unnamed-results-recover`: 0 0 true.
    // Named results start at their zero values, a bare `Return` returns
    // them, a `Return` with values sets them before the deferred calls run,
    // and the caller takes what the deferred calls leave (the
    // recover-to-error pattern). Unnamed results of a recovered panic are
    // their zero values.
    let funcs = r#"
        "work": (params: ["i"], results: {"n": "int", "err": "error"}, body: [
            Defer([
                Recover("r"),
                If("r", [Set("err", "errors.New(`recovered`)")]),
            ]),
            Set("n", "i * 10"),
            If("i == 2", [Panic("boom")]),
            Return,
        ]),
        "two": (results: {"a": "int", "b": "int"}, body: [
            Defer([Set("a", "a + 1")]),
            Return([5, 6]),
        ]),
        "zero": (results: {"n": "int", "ok": "bool", "s": "*Server"}, body: [Return]),
        "unnamed": (params: ["i"], body: [
            Defer([Recover("r")]),
            If("i == 2", [Panic("boom")]),
            Return("i"),
        ]),
        "unnamedPair": (params: [], body: [
            Defer([Recover("r")]),
            If("true", [Panic("boom")]),
            Return([1, "errors.New(`x`)"]),
        ]),
    "#;
    let o = check(
        r#"Call("work", [1], ["n1", "err1"]),
        Assert("n1 == 10 && err1 == nil", "no panic"),
        Call("work", [2], ["n2", "err2"]),
        Assert("n2 == 20 && err2 == errors.New(`recovered`)", "the recovered error"),
        Call("two", [], ["a", "b"]),
        Assert("a == 6 && b == 6", "the deferred call changes a result"),
        Call("zero", [], ["n", "ok", "s"]),
        Assert("n == 0 && !ok && s == nil", "zero values"),
        Call("unnamed", [2], "v"),
        Call("unnamedPair", [], ["w", "err"]),
        Assert("v == 0 && w == 0 && err == nil", "unnamed zero values"),"#,
        funcs,
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    // probe `named-literal-results`: true true 6. A function literal's
    // named result is its result variable too.
    let lit = r#"Func(name: "f", params: ["i"], results: {"err": "error"}, body: [
            Defer([Recover("r"), If("r", [Set("err", "errors.New(`recovered`)")])]),
            If("i == 2", [Panic("boom")]),
            Return,
        ]),
        Func(name: "g", results: {"n": "int"}, body: [Defer([Set("n", "n + 1")]), Return(5)]),
        Call("f", [1], "e1"), Call("f", [2], "e2"), Call("g", [], "n"),"#;
    let o = check(
        &format!(r#"{lit} Assert("e1 == nil && e2 != nil && n == 6", "literals"),"#),
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    let o = check(&format!(r#"{lit} If("e2 != nil", [Panic("failed")]),"#), "");
    assert_eq!(messages(&o), vec!["panic: failed".to_string()]);
    let e = rejected(r#"Func(name: "f", results: {"a": "int", "b": "int"}, body: [Return]),"#);
    assert!(
        e.contains("a function literal has at most one named result in weft"),
        "{e}"
    );
    // The recovered error reaches the caller's test.
    let o = check(
        r#"Call("work", [2], ["n", "err"]), If("err != nil", [Panic("failed")]),"#,
        funcs,
    );
    assert_eq!(messages(&o), vec!["panic: failed".to_string()]);
}

// ----- append -----

#[test]
fn append_to_a_nil_slice_and_to_a_slice_of_channels() {
    // probes `append-to-nil`: 2 1 2; `append-copies-channels`: 1.
    let o = check(
        r#"Var(name: "xs", type: "[]int"),
        Append("xs", 1), Append("xs", 2),
        Assert("len(xs) == 2 && xs[0] == 1 && xs[1] == 2"),
        Slice("chs", "chan int", 0),
        For("i", 0, 2, [Chan("c", 1), Append("chs", "c")]),
        Range("chs", "i", "c", [Send("c", "i")]),
        Let("a", "chs[1]"),
        Recv("a", "v"),
        Assert("v == 1"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
}

#[test]
fn concurrent_appends_race_and_lose_an_element_unless_locked() {
    // probes `race-append` (-race): data race; `append-locked`: 2.
    let o = check(
        r#"Var(name: "xs", type: "[]int"), WaitGroup("wg"), Add("wg", 2),
        Go([Append("xs", 1), Done("wg")]),
        Go([Append("xs", 2), Done("wg")]),
        Wait("wg"),
        Assert("len(xs) == 2", "an append was lost"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![Race, Assert]);
    let o = check(
        r#"Var(name: "xs", type: "[]int"), WaitGroup("wg"), Mutex("mu"), Add("wg", 2),
        Go([Lock("mu"), Append("xs", 1), Unlock("mu"), Done("wg")]),
        Go([Lock("mu"), Append("xs", 2), Unlock("mu"), Done("wg")]),
        Wait("wg"),
        Assert("len(xs) == 2 && xs[0] + xs[1] == 3"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
}

#[test]
fn append_copies_so_the_old_slice_is_unchanged() {
    // An append past the capacity copies, as Go's does (here a slice made
    // with length and capacity 1).
    let o = check(
        r#"Slice("xs", "int", 1), Set("xs[0]", 7),
        Let("ys", "xs"),
        Append("ys", 8),
        Set("ys[0]", 9),
        Assert("len(xs) == 1 && xs[0] == 7 && len(ys) == 2 && ys[1] == 8"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
}

#[test]
fn append_errors_point_at_the_line() {
    let e = rejected(r#"Slice("mus", "sync.Mutex", 1), Append("mus", 0),"#);
    assert!(
        e.contains("held by value") && e.contains("copylocks"),
        "{e}"
    );
    assert!(e.contains("t.ron:8:40"), "{e}");
    let e = rejected(r#"Chan("ch"), Append("ch", 1),"#);
    assert!(e.contains("`append` needs a slice, found a channel"), "{e}");
}

// ----- the comma-ok map lookup -----

#[test]
fn a_lookup_gives_the_value_and_whether_the_key_is_present() {
    // probes `lookup-present-absent`: 10 true 0 false true;
    // `lookup-nil-map`: 0 false; `lookup-assigns`: 0 false 5.
    let o = check(
        r#"Map("m"), Set("m[1]", 10),
        Load("m", 1, "v", "ok"),
        Load("m", 2, "w", "ok2"),
        Load("m", 1, "_", "ok3"),
        Assert("v == 10 && ok && w == 0 && !ok2 && ok3", "present and absent"),
        New("s", "Server"),
        Load("s.m", 1, "n", "okn"),
        Assert("n == 0 && !okn", "nil map"),
        Map("m2"), Set("m2[2]", 5),
        Let("x", 9), Let("found", true),
        Load("m2", 3, "x", "found"),
        Assert("x == 0 && !found", "assigns existing locals"),
        Var("shared", 1), Var("sok", false),
        Load("m2", 2, "shared", "sok"),
        Assert("shared == 5 && sok", "stores to shared variables"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    // A wrong expectation fails, so the assertions above are live.
    let o = check(
        r#"Map("m"), Load("m", 1, "v", "ok"), Assert("ok", "absent key found"),"#,
        "",
    );
    assert_eq!(messages(&o), vec!["assertion failed: absent key found"]);
}

// ----- typed maps -----

#[test]
fn a_typed_maps_absent_entries_are_its_values_zero() {
    // probes `typed-map-absent`: true false true false;
    // `typed-map-entries`: 2 2; `absent-chan-send`: the runtime's deadlock.
    // A map of pointers, booleans or channels reads an absent key (and a
    // nil map of them any key) as nil or false, not 0; its values keep
    // their kind, so a channel taken out of a map is sent on and ranged.
    let o = check(
        r#"Map(name: "peers", elem: "*Server"), Map("seen", "bool"), New("s", "Server"),
        Load("s.subs", 1, "c", "ok"),
        Let("peer", "peers[1]"),
        Assert("peer == nil && !seen[1] && c == nil && !ok", "zero values"),
        Map(name: "subs", elem: "chan int"),
        For("i", 0, 2, [Chan("c", 1), Set("subs[i]", "c")]),
        Range("subs", "_", "c", [Send("c", 1)]),
        Let("n", 0),
        Range("subs", "k", [Recv("subs[k]", "v"), Set("n", "n + v")]),
        Assert("n == 2 && len(subs) == 2", "two channels"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    let o = check(
        r#"Map(name: "subs", elem: "chan int"), Send("subs[5]", 1),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![Deadlock], "{:?}", messages(&o));
    // The same read of a map of integers is 0: the expectation is live.
    let o = check(r#"Map("m"), Assert("m[1] == 0 && len(m) == 0"),"#, "");
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
}

// ----- strings -----

#[test]
fn strings_are_values_equal_by_their_text() {
    // probe `string-values`: true 1 true false true true 1.
    let o = check(
        r#"Var(name: "zero", type: "string"),
        Map(name: "reg", elem: "*Server"),
        New("s", "Server", {"n": 1}),
        Set("reg[`a`]", "s"),
        Let("key", "`a`"),
        Let("state", "`idle`"),
        Set("state", "\"closed\""),
        Load("reg", "`b`", "_", "found"),
        Let("got", "reg[key]"),
        Assert("zero == `` && got.n == 1 && reg[`b`] == nil && !found", "lookups"),
        Assert("state == `closed` && state != `idle` && len(reg) == 1", "state"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![], "{:?}", messages(&o));
    // The comparison is live: a different text is a different string.
    let o = check(r#"Let("s", "`a`"), Assert("s == `b`", "differs"),"#, "");
    assert_eq!(messages(&o), vec!["assertion failed: differs"]);
    let e = rejected(r#"Let("s", "`a`"), Let("t", "s + `b`"), Set("s", 1),"#);
    for want in [
        "error: `+` needs integers, but `s` is a string",
        "help: weft follows string constants and compares them with `==` and `!=`; it does not \
         build strings",
        "error: cannot assign an integer to `s`, which is a string",
    ] {
        assert!(e.contains(want), "{want}\n{e}");
    }
}

#[test]
fn a_map_holds_the_kind_its_type_says() {
    let e = rejected(r#"Map("m"), Chan("c"), Set("m[1]", "c"),"#);
    assert!(
        e.contains(
            "cannot store a channel in `m[1]`: the map holds values (integers and booleans)"
        ),
        "{e}"
    );
    assert!(
        e.contains("help: give the map the type of its values"),
        "{e}"
    );
    let e = rejected(r#"Map("m", "sync.Mutex"),"#);
    assert!(e.contains("a map cannot hold a Mutex by value"), "{e}");
    assert!(e.contains("t.ron:8:11"), "{e}");
    let e = rejected(r#"Var(name: "m", type: "map[string]Server"),"#);
    assert!(e.contains("a map cannot hold a record by value"), "{e}");
    let e = rejected(r#"Map("m", "*Server"), Chan("c"), Set("m[1]", "c"),"#);
    assert!(
        e.contains("cannot store a channel in `m[1]`: the map holds records"),
        "{e}"
    );
    let e = rejected(r#"Map("m", "chan int"), Lock("m[1]"),"#);
    assert!(e.contains("is a channel"), "{e}");
}

#[test]
fn a_lookup_races_with_an_unlocked_write_and_not_with_a_locked_one() {
    // probes `race-lookup` (-race): data race; `race-lookup-locked`: no race.
    let o = check(
        r#"Map("m"), Chan("done"),
        Go([Set("m[1]", 1), Send("done", true)]),
        Load("m", 1, "_", "ok"),
        Recv("done"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![Race]);
    assert_eq!(
        messages(&o),
        vec!["concurrent map read and map write (fatal error: concurrent map read and map write)"]
    );
    let o = check(
        r#"Map("m"), Chan("done"), Mutex("mu"),
        Go([Lock("mu"), Set("m[1]", 1), Unlock("mu"), Send("done", true)]),
        Lock("mu"), Load("m", 1, "_", "ok"), Unlock("mu"),
        Recv("done"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
}

#[test]
fn lookup_errors_point_at_the_line() {
    let e = rejected(r#"Chan("ch"), Load("ch", 1, "v", "ok"),"#);
    assert!(
        e.contains("`Load` needs a map or a sync.Map, but `ch` is a channel"),
        "{e}"
    );
    assert!(e.contains("t.ron:8:19"), "{e}");
    assert!(
        e.contains("help: `Load(\"m\", \"k\", \"v\", \"ok\")` is `v, ok := m[k]` of a map"),
        "{e}"
    );
    let e = rejected(r#"Map("m"), Chan("ch"), Load("m", "ch", "v", "ok"),"#);
    assert!(
        e.contains("a map key must be a value, but `ch` is a channel"),
        "{e}"
    );
    let e = rejected(r#"Map("m"), Chan("ch"), Load("m", 1, "v", "ch"),"#);
    assert!(
        e.contains("cannot store a boolean in `ch`, which is a channel"),
        "{e}"
    );
}
