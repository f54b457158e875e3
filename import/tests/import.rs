//! The importer on small Go files: what it writes, what it refuses and
//! where, and the source map behind Go positions.

use weft_import::{import, Imported, Options};
use weft_models::span::SourceFile;

fn one(go: &str) -> Imported {
    let file = SourceFile::new("t.go", go);
    let mut v = import(&file, &Options::default()).unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(v.len(), 1);
    v.remove(0)
}

fn errors(go: &str, opts: &Options) -> Vec<(u32, u32, String)> {
    let file = SourceFile::new("t.go", go);
    match import(&file, opts) {
        Ok(_) => panic!("imported"),
        Err(d) => d
            .iter()
            .map(|d| {
                let (l, c) = file.line_col(d.span.start);
                (l, c, d.message.clone())
            })
            .collect(),
    }
}

#[test]
fn a_local_a_goroutine_assigns_is_shared_and_one_it_only_reads_is_copied() {
    let i = one(
        "package main\nfunc main() {\n\tn := 0\n\tk := 1\n\tdone := make(chan bool)\n\tgo func() {\n\t\tn = k\n\t\tclose(done)\n\t}()\n\t<-done\n}\n",
    );
    assert!(
        i.text.contains("Var(\"n\", 0),  // go: t.go:3"),
        "{}",
        i.text
    );
    assert!(
        i.text.contains("Let(\"k\", 1),  // go: t.go:4"),
        "{}",
        i.text
    );
    assert!(
        i.text.contains("Set(\"n\", \"k\"),  // go: t.go:7"),
        "{}",
        i.text
    );
}

#[test]
fn untracked_data_becomes_a_listed_choice_keeping_both_branches() {
    let i = one(
        "package main\nimport \"strings\"\nfunc main() {\n\tch := make(chan int, 1)\n\tif strings.HasPrefix(\"ab\", \"a\") {\n\t\tch <- 1\n\t}\n}\n",
    );
    assert!(i.text.contains("Either([["), "{}", i.text);
    assert!(i.text.contains("Send(\"ch\", 1)"), "{}", i.text);
    let at: Vec<(u32, String)> = i
        .abstractions
        .iter()
        .map(|a| (i.map.source.line_col(a.at.start).0, a.what.clone()))
        .collect();
    assert!(
        at.iter()
            .any(|(l, w)| *l == 5 && w.contains("both ways are explored")),
        "{at:?}"
    );
}

#[test]
fn every_statement_maps_to_the_go_line_its_comment_names() {
    let i = one(
        "package main\nimport \"sync\"\nfunc main() {\n\tvar mu sync.Mutex\n\tmu.Lock()\n\tselect {\n\tdefault:\n\t\tmu.Unlock()\n\t}\n}\n",
    );
    let mut checked = 0;
    let mut offset = 0u32;
    for line in i.text.split_inclusive('\n') {
        if let Some((code, go)) = line.split_once("  // go: t.go:") {
            let want: u32 = go.trim().parse().expect("a line number");
            let at = code.len() as u32 - code.trim_start().len() as u32;
            let span = i.map.original(offset + at).expect("mapped");
            assert_eq!(i.map.source.line_col(span.start).0, want, "{line}");
            checked += 1;
        }
        offset += line.len() as u32;
    }
    assert!(checked >= 5, "{checked} statements");
}

#[test]
fn unsupported_constructs_are_named_at_their_go_position() {
    let e = errors(
        "package main\nfunc main() {\n\tm := map[float64]int{}\n\tfor k := range m {\n\t\t_ = k\n\t}\n\tgoto end\nend:\n}\n",
        &Options::default(),
    );
    assert!(
        e.iter()
            .any(|(l, c, m)| (*l, *c) == (4, 17) && m.contains("range over `m`")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|(l, c, m)| (*l, *c) == (7, 2) && m.contains("goto")),
        "{e:?}"
    );
}

#[test]
fn an_unknown_call_needs_allow_abstract() {
    let go = "package main\nimport \"os\"\nfunc main() {\n\tos.Exit(0)\n}\n";
    let e = errors(go, &Options::default());
    assert_eq!(
        e,
        vec![(4, 2, "cannot import the call `os.Exit(...)`".to_string())]
    );
    let file = SourceFile::new("t.go", go);
    let opts = Options {
        allow_abstract: true,
        ..Options::default()
    };
    let i = import(&file, &opts).expect("imports");
    assert!(i[0].abstractions[0].what.contains("--allow-abstract"));
}

#[test]
fn syntax_errors_missing_entry_points_and_deep_nesting_are_errors() {
    let e = errors(
        "package main\nfunc main() {\n\tx := \n}\n",
        &Options::default(),
    );
    assert_eq!(e[0].2, "Go syntax error");
    let e = errors("package main\nfunc helper() {}\n", &Options::default());
    assert!(e[0].2.starts_with("no entry point"), "{e:?}");
    let e = errors(
        "package main\nfunc main() {}\n",
        &Options {
            func: Some("nope".into()),
            ..Options::default()
        },
    );
    assert_eq!(e[0].2, "no function `nope` in the file");
    let deep = format!(
        "package main\nfunc main() {{\n\tn := 1\n{}{}}}\n",
        "if n > 0 {\n".repeat(200),
        "}\n".repeat(200)
    );
    let e = errors(&deep, &Options::default());
    assert!(
        e.iter().any(|(_, _, m)| m.contains("nested more than")),
        "{e:?}"
    );
}

#[test]
fn go_mod_gives_the_version() {
    assert_eq!(
        weft_import::go_mod_version("module x\n\ngo 1.22\n").as_deref(),
        Some("1.22")
    );
    assert_eq!(weft_import::go_mod_version("module x\n"), None);
}

#[test]
fn function_values_and_breaks_in_untracked_switches_are_refused_not_dropped() {
    let e = errors(
        "package main\nimport \"sync\"\nfunc run(f func()) { f() }\nfunc main() {\n\tvar mu sync.Mutex\n\trun(func() { mu.Lock() })\n}\n",
        &Options {
            allow_abstract: true,
            ..Options::default()
        },
    );
    assert!(
        e.iter()
            .any(|(l, c, m)| (*l, *c) == (6, 6) && m.contains("a function value")),
        "{e:?}"
    );
    let e = errors(
        "package main\nimport \"fmt\"\nfunc main() {\n\tfor {\n\t\tswitch fmt.Sprint(1) {\n\t\tcase \"1\":\n\t\t\tbreak\n\t\t}\n\t}\n}\n",
        &Options::default(),
    );
    assert!(
        e.iter()
            .any(|(l, _, m)| *l == 7 && m.contains("`break` in a switch")),
        "{e:?}"
    );
}

#[test]
fn a_struct_becomes_a_record_type_and_a_method_a_function_of_its_receiver() {
    let i = one(
        "package main\nimport \"sync\"\ntype S struct {\n\tmu sync.Mutex\n\tch chan int\n\tn int\n\tname string\n\tnext *S\n}\nfunc (s *S) Inc(d int) {\n\ts.mu.Lock()\n\ts.n += d\n\ts.mu.Unlock()\n}\nfunc main() {\n\tc := make(chan int)\n\ts := &S{ch: c, n: 1, name: \"x\"}\n\ts.next = new(S)\n\ts.Inc(2)\n\tgo s.next.Inc(3)\n}\n",
    );
    for want in [
        // The string field is a cell whose accesses are kept.
        "\"S\": {\"mu\": \"sync.Mutex\", \"ch\": \"chan int\", \"n\": \"int\", \"name\": \"string\", \"next\": \"*S\"},",
        "New(\"s\", \"S\", {\"ch\": \"c\", \"n\": 1, \"name\": \"`x`\"}),  // go: t.go:17",
        "New(\"s",
        "Set(\"s.next\", \"s",
        "Call(func: \"S_Inc\", args: [\"s\", 2]),  // go: t.go:19",
        "Go(func: \"S_Inc\", args: [\"s.next\", 3]),  // go: t.go:20",
        "\"S_Inc\": (params: [\"s\", \"d\"], body: [",
        "Set(\"s.n\", \"s.n + d\"),  // go: t.go:12",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A string field holding only constants is followed: nothing listed.
    assert!(!i.abstractions.iter().any(|a| a.what.contains("`name`")));
}

#[test]
fn a_struct_value_copied_is_a_new_record_and_a_lock_copy_is_refused_as_go_vet_does() {
    let base = "package main\nimport \"sync\"\ntype S struct {\n\tmu sync.Mutex\n}\ntype P struct {\n\tn int\n\tname string\n}\n";
    let e = errors(
        &format!("{base}func f(s S) {{}}\nfunc main() {{\n\tvar s S\n\tf(s)\n}}\n"),
        &Options::default(),
    );
    assert_eq!(e[0].0, 10, "{e:?}");
    assert!(
        e[0].2.contains("copies a `S`, which holds a sync object"),
        "{e:?}"
    );
    // A copy reads every field (the untracked `name` too) into a new
    // record; an assignment writes the fields in place; a literal passed
    // or sent is not copied again, a variable is; a function's result is
    // a copy made at its return.
    let i = one(&format!(
        "{base}func f(p P) P {{\n\tp.n++\n\treturn p\n}}\nfunc main() {{\n\tvar p P\n\tq := p\n\tq = p\n\tr := f(P{{n: 1}})\n\tch := make(chan P, 1)\n\tch <- q\n\tx := <-ch\n\t_ = r.n + x.n\n}}\n"
    ));
    for want in [
        "New(\"q\", \"P\", {\"n\": \"p.n\", \"name\": \"p.name\"}),  // go: t.go:16",
        "Set(\"q.n\", \"p.n\"),  // go: t.go:17",
        "Set(\"q.name\", \"p.name\"),  // go: t.go:17",
        "New(\"p1\", \"P\", {\"n\": 1}),  // go: t.go:18",
        "Call(func: \"f\", args: [\"p1\"], into: \"r\"),  // go: t.go:18",
        "Chan(\"ch\", 1, \"*P\"),  // go: t.go:19",
        "Send(\"ch\", \"p_copy2\"),  // go: t.go:20",
        "Recv(chan: \"ch\", into: \"x\"),  // go: t.go:21",
        // A closed channel gives the zero value, not nil.
        "If(\"x == nil\", [New(\"p_zero3\", \"P\"), Set(\"x\", \"p_zero3\")]),  // go: t.go:21",
        "Return(\"p_copy5\"),  // go: t.go:12",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(
        i.text.contains(
            "New(\"p_copy2\", \"P\", {\"n\": \"q.n\", \"name\": \"q.name\"}),  // go: t.go:20"
        ),
        "{}",
        i.text
    );
    // Comparing struct values is refused: records compare as references.
    let e = errors(
        &format!("{base}func main() {{\n\tvar p, q P\n\tif p == q {{\n\t\treturn\n\t}}\n}}\n"),
        &Options::default(),
    );
    assert_eq!((e[0].0, e[0].1), (12, 5), "{e:?}");
    assert!(e[0].2.contains("comparing struct values"), "{e:?}");
    // A struct held by value inside is copied field by field too; an
    // array inside is refused.
    let i = one(
        "package main\ntype In struct {\n\tn int\n}\ntype Out struct {\n\tin In\n\tk int\n\tto In\n}\nfunc main() {\n\tvar a Out\n\tb := a\n\t_ = b\n}\n",
    );
    for want in [
        "New(\"b\", \"Out\", {\"k\": \"a.k\"}),  // go: t.go:12",
        "Set(\"b.in.n\", \"a.in.n\"),  // go: t.go:12",
        "Set(\"b.to.n\", \"a.to.n\"),  // go: t.go:12",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    let e = errors(
        "package main\ntype Out struct {\n\txs [2]int\n}\nfunc main() {\n\tvar a Out\n\tb := a\n\t_ = b\n}\n",
        &Options::default(),
    );
    assert_eq!((e[0].0, e[0].1), (7, 7), "{e:?}");
    assert!(e[0].2.contains("whose field `xs` holds an array"), "{e:?}");
}

#[test]
fn slices_and_arrays_become_slices_and_an_append_into_another_variable_takes_the_slice() {
    let i = one(
        "package main\nimport \"sync\"\nconst n = 2\nfunc main() {\n\tcs := make([]chan int, n)\n\tvar ms [3]sync.Mutex\n\tfor i, c := range cs {\n\t\t_ = c\n\t\tms[i].Lock()\n\t}\n\tcs[1] = make(chan int)\n\tk := len(cs)\n\t_ = k\n}\n",
    );
    for want in [
        "Slice(\"cs\", \"chan int\", \"n\"),  // go: t.go:5",
        "Slice(\"ms\", \"sync.Mutex\", 3),  // go: t.go:6",
        "Range(chan: \"cs\", var: \"i\", value: \"c\", body: [  // go: t.go:7",
        "Lock(\"ms[i]\"),  // go: t.go:9",
        "Set(\"cs[1]\", \"cs_1__",
        "Let(\"k\", \"len(cs)\"),  // go: t.go:12",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // Go's `ys := append(xs, v)` writes in place when `xs` has room: `ys`
    // starts as the slice `xs` is, then is appended to. Into a variable
    // that exists, through a temporary (the value may read it).
    let i = one(concat!(
        "package main\nfunc main() {\n\txs := make([]int, 1, 4)\n\tys := append(xs, 2)\n",
        "\tvar bs []byte\n\tbs = append(bs, 1)\n\tzs := bs\n\tzs = append(bs, zs[0])\n",
        "\t_, _ = ys, zs\n}\n",
    ));
    for want in [
        "Let(name: \"ys\", value: \"xs\", type: \"[]int\"),  // go: t.go:4",
        "Append(\"ys\", 2),  // go: t.go:4",
        "Let(name: \"bs\", value: \"nil\", type: \"[]byte\"),  // go: t.go:5",
        "Let(name: \"append_1\", value: \"bs\", type: \"[]byte\"),  // go: t.go:8",
        "Append(\"append_1\", \"zs[0]\"),  // go: t.go:8",
        "Set(\"zs\", \"append_1\"),  // go: t.go:8",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn an_append_of_several_values_or_of_a_slices_elements_is_one_append() {
    let i = one(concat!(
        "package main\nfunc main() {\n\txs := []int{}\n\txs = append(xs, 1, 2)\n",
        "\tall := make([]int, 0, 4)\n\tall = append(all, xs...)\n\tmore := append(all, xs...)\n",
        "\t_ = more\n}\n",
    ));
    let copy = one(concat!(
        "package main\nfunc main() {\n\txs := []int{1}\n\tys := append([]int(nil), xs...)\n",
        "\tzs := append([]int{}, 2)\n\t_, _ = ys, zs\n}\n",
    ));
    for want in [
        "Let(name: \"ys\", value: \"nil\", type: \"[]int\"),  // go: t.go:4",
        "Append(\"ys\", \"xs...\"),  // go: t.go:4",
        "Slice(\"zs\", \"int\", 0),  // go: t.go:5",
        "Append(\"zs\", 2),  // go: t.go:5",
    ] {
        assert!(copy.text.contains(want), "{want}\n{}", copy.text);
    }
    for want in [
        "Append(\"xs\", [1, 2]),  // go: t.go:4",
        "Append(\"all\", \"xs...\"),  // go: t.go:6",
        "Let(name: \"more\", value: \"all\", type: \"[]int\"),  // go: t.go:7",
        "Append(\"more\", \"xs...\"),  // go: t.go:7",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn an_append_to_a_local_a_package_slice_a_captured_slice_or_a_field_is_append() {
    let i = one(concat!(
        "package main\nimport \"sync\"\n",
        "type S struct {\n\tmu sync.Mutex\n\titems []int\n}\n",
        "var all []int\n",
        "func main() {\n",
        "\tvar mu sync.Mutex\n",
        "\tlocal := []int{}\n",
        "\tvar shared []int\n",
        "\tchans := make([]chan int, 0)\n",
        "\ts := &S{}\n",
        "\tdone := make(chan bool)\n",
        "\tgo func() {\n",
        "\t\tmu.Lock()\n",
        "\t\tshared = append(shared, 1)\n",
        "\t\tall = append(all, len(shared))\n",
        "\t\tmu.Unlock()\n",
        "\t\ts.items = append(s.items, 2)\n",
        "\t\tdone <- true\n",
        "\t}()\n",
        "\tlocal = append(local, 3)\n",
        "\tchans = append(chans, make(chan int, 1))\n",
        "\t<-done\n",
        "}\n",
    ));
    for want in [
        "Var(name: \"all\", type: \"[]int\"),  // go: t.go:7",
        "Slice(\"local\", \"int\", 0),  // go: t.go:10",
        "Var(name: \"shared\", type: \"[]int\"),  // go: t.go:11",
        "Slice(\"chans\", \"chan int\", 0),  // go: t.go:12",
        "Append(\"shared\", 1),  // go: t.go:17",
        "Append(\"all\", \"len(shared)\"),  // go: t.go:18",
        "Append(\"s.items\", 2),  // go: t.go:20",
        "Append(\"local\", 3),  // go: t.go:23",
        "Append(\"chans\", \"make_",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A captured slice made by `make` is made, then held by a `Var`; so
    // is a package slice the file appends to, and one it never assigns
    // stays a slice.
    let i = one(
        "package main\nvar fixed = make([]int, 2)\nvar grown = make([]int, 0)\nfunc main() {\n\txs := make([]int, 0)\n\tdone := make(chan bool)\n\tgo func() {\n\t\txs = append(xs, fixed[0])\n\t\tdone <- true\n\t}()\n\t<-done\n\tgrown = append(grown, 1)\n}\n",
    );
    for want in [
        "Slice(\"fixed\", \"int\", 2),  // go: t.go:2",
        "Slice(\"grown_made1\", \"int\", 0),  // go: t.go:3",
        "Var(name: \"grown\", init: \"grown_made1\", type: \"[]int\"),  // go: t.go:3",
        "Slice(\"xs_made2\", \"int\", 0),  // go: t.go:5",
        "Var(name: \"xs\", init: \"xs_made2\", type: \"[]int\"),  // go: t.go:5",
        "Append(\"xs\", \"fixed[0]\"),  // go: t.go:8",
        "Append(\"grown\", 1),  // go: t.go:12",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn an_untracked_value_appended_is_a_listed_zero() {
    let i = one(
        "package main\nimport \"strconv\"\nfunc main() {\n\tvar xs []int\n\tn := len(strconv.Itoa(7))\n\txs = append(xs, n)\n\t_ = xs\n}\n",
    );
    assert!(
        i.text.contains("Append(\"xs\", 0),  // go: t.go:6"),
        "{}",
        i.text
    );
    assert!(
        i.abstractions
            .iter()
            .any(|a| a.what == "the value `n` appended is not tracked: 0 is appended"),
        "{:?}",
        i.abstractions
    );
    // A value of another kind than the elements is refused.
    let e = errors(
        "package main\nfunc main() {\n\tvar xs []int\n\tch := make(chan int)\n\txs = append(xs, ch)\n\t_ = xs\n}\n",
        &Options::default(),
    );
    assert!(
        e.iter().any(|(l, c, m)| (*l, *c) == (5, 18)
            && m == "cannot import appending a channel to `xs`, whose elements are `int`"),
        "{e:?}"
    );
}

#[test]
fn appends_the_language_cannot_say_are_refused_where_they_are() {
    let cases: [(&str, (u32, u32), &str); 5] = [
        (
            "\tbs := []byte{}\n\tbs = append(bs, \"abc\"...)\n",
            (5, 18),
            "cannot import `\"abc\"...` appended to `bs`: not a slice of its element type",
        ),
        (
            "\txs := []int{}\n\txs = append(xs)\n",
            (5, 7),
            "cannot import `append(xs)`: an append of no value",
        ),
        (
            "\tms := make([]sync.Mutex, 1)\n\tms = append(ms, sync.Mutex{})\n",
            (5, 7),
            "cannot import an append to `ms`, a slice of a sync.Mutex held by value",
        ),
        (
            "\txs := []int{}\n\tuse(append(xs, 1))\n",
            (5, 6),
            "cannot import `append(xs, 1)` inside an expression",
        ),
        (
            "\tvar ys []int\n\tys = append([]int{len(ys)}, 1)\n",
            (5, 14),
            "cannot import an append to `[]int{len(ys)}`, data weft does not track",
        ),
    ];
    for (body, at, msg) in cases {
        let go = format!(
            "package main\nimport \"sync\"\nfunc main() {{\n{body}}}\nfunc use(xs []int) {{ _ = sync.Mutex{{}} }}\n"
        );
        let e = errors(&go, &Options::default());
        assert!(
            e.iter().any(|(l, c, m)| (*l, *c) == at && m == msg),
            "{msg} at {at:?}:\n{go}\n{e:?}"
        );
    }
}

#[test]
fn a_comma_ok_lookup_is_load_with_its_flag() {
    let i = one(concat!(
        "package main\n",
        "type C struct {\n\tm map[int]int\n\thit bool\n}\n",
        "func main() {\n",
        "\tm := map[int]int{}\n",
        "\tm[1] = 2\n",
        "\tv, ok := m[1]\n",
        "\t_, ok = m[2]\n",
        "\tif w, found := m[v]; found && ok {\n\t\t_ = w\n\t}\n",
        "\tc := &C{m: m}\n",
        "\tv, c.hit = c.m[1]\n",
        "\tn := 0\n",
        "\tdone := make(chan bool)\n",
        "\tgo func() {\n\t\t_, seen := m[n]\n\t\t_ = seen\n\t\tdone <- true\n\t}()\n",
        "\t<-done\n",
        "}\n",
    ));
    for want in [
        "Map(\"m\"),  // go: t.go:7",
        "Load(map: \"m\", key: 1, into: \"v\", ok: \"ok\"),  // go: t.go:9",
        "Load(map: \"m\", key: 2, ok: \"ok\"),  // go: t.go:10",
        "Load(map: \"m\", key: \"v\", into: \"w\", ok: \"found\"),  // go: t.go:11",
        "If(\"found && ok\", [  // go: t.go:11",
        "Load(map: \"c.m\", key: 1, into: \"v\", ok: \"found",
        "Set(\"c.hit\", \"found",
        "Load(map: \"m\", key: \"n\", ok: \"seen\"),  // go: t.go:19",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A key weft does not track: the map is still read, and the results
    // are listed as untracked.
    let i = one(
        "package main\nfunc main() {\n\tm := map[string]int{}\n\t_, ok := m[fmt.Sprint(1)]\n\tif ok {\n\t\tpanic(\"a\")\n\t}\n}\n",
    );
    assert!(
        i.abstractions
            .iter()
            .any(|a| a.what.contains("has a key weft does not track")),
        "{:?}",
        i.abstractions
    );
    assert!(i.text.contains("Either([["), "{}", i.text);
    // Only maps are looked up with comma-ok.
    let e = errors(
        "package main\nfunc main() {\n\tvar ch chan int\n\tv, ok := <-ch\n\t_, _ = v, ok\n\tvar s []int\n\tx, y := s[0]\n\t_, _ = x, y\n}\n",
        &Options::default(),
    );
    assert!(
        e.iter().any(|(l, c, m)| (*l, *c) == (7, 10)
            && m == "cannot import the comma-ok lookup `s[0]`"),
        "{e:?}"
    );
}

#[test]
fn a_function_returns_every_result_weft_follows() {
    // Several followed results (an id and a record, an int and a bool)
    // are all returned and taken, as an error beside a value is: it was
    // refused ("more than one int, bool or object result").
    let i = one(concat!(
        "package main\n",
        "type W struct{ n int }\n",
        "func watch(n int) (int, *W) {\n\treturn n + 1, &W{n: n}\n}\n",
        "func pair(a int) (x int, ok bool) {\n\tdefer func() { x++ }()\n\tif a > 1 {\n\t\treturn a, true\n\t}\n\treturn\n}\n",
        "func relay(a int) (int, bool) {\n\treturn pair(a)\n}\n",
        "func main() {\n",
        "\tid, w := watch(1)\n",
        "\t_, ok := relay(id)\n",
        "\tif !ok || w.n != 1 {\n\t\tpanic(\"x\")\n\t}\n",
        "}\n",
    ));
    for want in [
        r#"Call(func: "watch", args: [1], into: ["id", "w"]),  // go: t.go:17"#,
        r#"Call(func: "relay", args: ["id"], into: ["_", "ok"]),  // go: t.go:18"#,
        r#""pair": (params: ["a"], results: {"x": "int", "ok": "bool"}, body: [  // go: t.go:6"#,
        r#"Return(["a", "true"]),  // go: t.go:9"#,
        r#"Call(func: "pair", args: ["a"], into: ["ret1", "ret2"]),  // go: t.go:14"#,
        r#"Return(["ret1", "ret2"]),  // go: t.go:14"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn a_maps_values_keep_their_type() {
    // Pointers, channels and booleans are followed: the map is made with
    // its values' type (their zero value is an absent key's), its fields
    // are typed, entries are assigned and ranged with their kind.
    let i = one(concat!(
        "package main\n",
        "import \"sync\"\n",
        "type W struct {\n\tch chan int\n}\n",
        "type H struct {\n\tmu sync.Mutex\n\tws map[int]*W\n\tsubs map[int]chan int\n}\n",
        "func main() {\n",
        "\th := &H{ws: make(map[int]*W), subs: map[int]chan int{}}\n",
        "\tseen := map[int]bool{1: true}\n",
        "\tw := &W{ch: make(chan int)}\n",
        "\th.ws[1] = w\n",
        "\th.subs[2] = w.ch\n",
        "\tfor _, x := range h.ws {\n\t\tclose(x.ch)\n\t}\n",
        "\tif !seen[2] && h.ws[3] == nil {\n\t\th.subs[3] <- 1\n\t}\n",
        "\tv, ok := h.ws[1]\n",
        "\t_, _ = v, ok\n",
        "}\n",
    ));
    for want in [
        "\"H\": {\"mu\": \"sync.Mutex\", \"ws\": \"map[int]*W\", \"subs\": \"map[int]chan int\"}",
        "Map(\"make_1\", \"*W\"),  // go: t.go:12",
        "Map(\"subs_made2\", \"chan int\"),  // go: t.go:12",
        "Map(\"seen\", \"bool\"),  // go: t.go:13",
        "Set(\"seen[1]\", true),  // go: t.go:13",
        "Set(\"h.ws[1]\", \"w\"),  // go: t.go:15",
        "Set(\"h.subs[2]\", \"w.ch\"),  // go: t.go:16",
        "Range(chan: \"h.ws\", value: \"x\", body: [  // go: t.go:17",
        "Close(\"x.ch\"),  // go: t.go:18",
        "If(\"!seen[2] && h.ws[3] == nil\", [  // go: t.go:20",
        "Send(\"h.subs[3]\", 1),  // go: t.go:21",
        "Load(map: \"h.ws\", key: 1, into: \"v\", ok: \"ok\"),  // go: t.go:23",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // Values weft does not follow (`map[int]float64`, a struct by value)
    // keep each entry: a write is a write of the entry holding nil, a read
    // reads it, a lookup gives `ok`; the values are listed as untracked.
    let i = one(concat!(
        "package main\n",
        "type P struct{ n int }\n",
        "func main() {\n",
        "\tnames := map[int]float64{}\n",
        "\tps := make(map[int]P)\n",
        "\tnames[1] = 1.5\n",
        "\tnames[2] += 2.5\n",
        "\tps[1] = P{n: 1}\n",
        "\t_, ok := names[1]\n",
        "\tif len(names) != 2 || !ok || names[2] == 0 {\n\t\tpanic(\"lost\")\n\t}\n",
        "}\n",
    ));
    for want in [
        "Map(\"names\", \"float64\"),  // go: t.go:4",
        "Map(\"ps\", \"any\"),  // go: t.go:5",
        "Set(\"names[1]\", \"nil\"),  // go: t.go:6",
        "Set(\"names[2]\", \"nil\"),  // go: t.go:7",
        "Load(map: \"names\", key: 1, ok: \"ok\"),  // go: t.go:9",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(
        i.abstractions
            .iter()
            .any(|a| a.what.contains("kept as a write of the entry")),
        "{:?}",
        i.abstractions
    );
    // Objects made straight into entries (`make`, `new`, `&sync.Mutex{}`)
    // go through a temporary (the entry was written as a name to declare,
    // which the language refuses), and `&sync.Mutex{}` is `new(sync.Mutex)`.
    let i = one(concat!(
        "package main\n",
        "import \"sync\"\n",
        "func main() {\n",
        "\tchans := map[int]chan int{}\n",
        "\tchans[1] = make(chan int, 1)\n",
        "\tlocks := map[int]*sync.Mutex{}\n",
        "\tlocks[1] = new(sync.Mutex)\n",
        "\tlocks[2] = &sync.Mutex{}\n",
        "\twg := &sync.WaitGroup{}\n",
        "\twg.Add(1)\n",
        "\tlocks[2].Lock()\n",
        "\tchans[1] <- 1\n",
        "}\n",
    ));
    for want in [
        r#"Chan("chans_1__1", 1),  // go: t.go:5"#,
        r#"Set("chans[1]", "chans_1__1"),  // go: t.go:5"#,
        r#"Set("locks[1]", "locks_1__2"),  // go: t.go:7"#,
        r#"Mutex("mutex3"),  // go: t.go:8"#,
        r#"Set("locks[2]", "mutex3"),  // go: t.go:8"#,
        r#"WaitGroup("waitgroup4"),  // go: t.go:9"#,
        r#"Add("wg", 1),  // go: t.go:10"#,
        r#"Lock("locks[2]"),  // go: t.go:11"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A write with a key weft does not follow into a map of pointers is a
    // write of the map holding nil, of the map's kind (it wrote 0, which
    // the language refuses in a map of records).
    let i = one(concat!(
        "package main\n",
        "type W struct{ n int }\n",
        "func main() {\n",
        "\tbyName := map[string]*W{}\n",
        "\tbyName[fmt.Sprint(1)] = &W{n: 1}\n",
        "}\n",
    ));
    assert!(
        i.text
            .contains(r#"Set("byName[-9223372036854775807]", "nil"),  // go: t.go:5"#),
        "{}",
        i.text
    );
    // A map declared and not made is nil: reads give the zero value, a
    // write panics (the language's nil map), and a later `make` sets it.
    let i = one(concat!(
        "package main\n",
        "var registry map[int]*int\n",
        "func main() {\n",
        "\tvar counts map[int]int\n",
        "\tif counts[3] == 0 {\n\t\tcounts[1] = 2\n\t}\n",
        "\tcounts = make(map[int]int)\n",
        "\t_ = registry\n",
        "}\n",
    ));
    for want in [
        "Var(name: \"registry\", type: \"map[int]any\"),  // go: t.go:2",
        "Let(name: \"counts\", value: \"nil\", type: \"map[int]int\"),  // go: t.go:4",
        "Set(\"counts[1]\", 2),  // go: t.go:6",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A result stored straight into such an entry is refused, not dropped.
    let e = errors(
        "package main\nfunc main() {\n\tch := make(chan float64, 1)\n\tch <- 1.5\n\tm := map[int]float64{}\n\tm[1] = <-ch\n}\n",
        &Options::default(),
    );
    assert!(
        e.iter().any(|(l, c, m)| (*l, *c) == (6, 2)
            && m == "cannot import storing data weft does not track in the map entry `m[1]`"),
        "{e:?}"
    );
}

#[test]
fn an_object_variable_assigned_again_goes_through_a_fresh_name_unless_aliased() {
    let i = one(
        "package main\nfunc main() {\n\tch := make(chan int, 1)\n\tif true {\n\t\tch = make(chan int, 2)\n\t}\n\tch <- 1\n}\n",
    );
    assert!(
        i.text.contains("Chan(\"ch_new1\", 2),  // go: t.go:5")
            && i.text.contains("Set(\"ch\", \"ch_new1\"),  // go: t.go:5"),
        "{}",
        i.text
    );
    let e = errors(
        "package main\nfunc main() {\n\tch := make(chan int, 1)\n\tother := ch\n\tch = make(chan int)\n\tother <- 1\n}\n",
        &Options::default(),
    );
    assert_eq!(e[0].0, 5, "{e:?}");
    assert!(e[0].2.contains("which another name also denotes"), "{e:?}");
    let e = errors(
        "package main\nfunc main() {\n\tch := make(chan int, 1)\n\tgo func() {\n\t\tch = make(chan int)\n\t}()\n\tch <- 1\n}\n",
        &Options::default(),
    );
    assert_eq!(e[0].0, 5, "{e:?}");
    assert!(e[0].2.contains("which a function literal shares"), "{e:?}");
}

#[test]
fn a_closure_in_a_local_is_a_func_and_a_package_function_a_value() {
    let i = one(
        "package main\nfunc run(f func(int), x int) {\n\tf(x)\n}\nfunc show(x int) {}\nfunc main() {\n\tch := make(chan int, 1)\n\tsend := func(v int) {\n\t\tch <- v\n\t}\n\tgo send(1)\n\trun(show, 2)\n\tsend(3)\n}\n",
    );
    for want in [
        "Func(name: \"send\", params: [\"v\"], body: [  // go: t.go:8",
        "Send(\"ch\", \"v\"),  // go: t.go:9",
        "Go(func: \"send\", args: [1]),  // go: t.go:11",
        "Call(func: \"run\", args: [\"show\", 2]),  // go: t.go:12",
        "Call(func: \"send\", args: [3]),  // go: t.go:13",
        "\"run\": (params: [\"f\", \"x\"], body: [",
        "Call(func: \"f\", args: [\"x\"]),  // go: t.go:3",
        "\"show\": (params: [\"x\"], body: [",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    let e = errors(
        "package main\nfunc main() {\n\tf := func(s float64) {}\n\tf(1.5)\n}\n",
        &Options::default(),
    );
    assert_eq!(e[0].0, 3, "{e:?}");
    assert!(
        e[0].2.contains("parameter `s` is data weft does not track"),
        "{e:?}"
    );
}

#[test]
fn a_channel_of_struct_pointers_sends_the_records_and_types_what_it_gives() {
    let i = one(
        "package main\nimport \"sync\"\ntype Job struct {\n\tmu sync.Mutex\n\tdone chan int\n}\nfunc work(jobs chan *Job) {\n\tfor j := range jobs {\n\t\tj.mu.Lock()\n\t\tj.done <- 1\n\t\tj.mu.Unlock()\n\t}\n}\nfunc main() {\n\tjobs := make(chan *Job, 1)\n\tgo work(jobs)\n\tj := &Job{done: make(chan int)}\n\tjobs <- j\n\tk := <-jobs\n\tk.mu.Lock()\n}\n",
    );
    for want in [
        "\"Job\": {\"mu\": \"sync.Mutex\", \"done\": \"chan int\"},",
        "Chan(\"jobs\", 1, \"*Job\"),  // go: t.go:15",
        "Send(\"jobs\", \"j\"),  // go: t.go:18",
        "Recv(chan: \"jobs\", into: \"k\"),  // go: t.go:19",
        "Lock(\"k.mu\"),  // go: t.go:20",
        "Range(chan: \"jobs\", var: \"j\", body: [  // go: t.go:8",
        "Send(\"j.done\", 1),  // go: t.go:10",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A record field holding such a channel is typed too.
    let i = one(
        "package main\ntype Job struct{ n int }\ntype Pool struct{ jobs chan *Job }\nfunc main() {\n\tp := &Pool{jobs: make(chan *Job, 1)}\n\tp.jobs <- &Job{}\n}\n",
    );
    assert!(
        i.text.contains("\"Pool\": {\"jobs\": \"chan *Job\"},"),
        "{}",
        i.text
    );
}

#[test]
fn promoted_fields_and_methods_go_through_the_embedded_structs() {
    let i = one(
        "package main\nimport \"sync\"\ntype Base struct {\n\tsync.Mutex\n\tn int\n}\nfunc (b *Base) Inc() { b.n++ }\ntype Mid struct{ *Base }\ntype Top struct {\n\tMid\n\tk int\n}\nfunc main() {\n\tt := &Top{}\n\tt.Base = &Base{}\n\tt.Lock()\n\tt.Inc()\n\tt.n = t.k\n\tt.Unlock()\n}\n",
    );
    for want in [
        "\"Mid\": {\"Base\": \"*Base\"},",
        "\"Top\": {\"Mid\": \"Mid\", \"k\": \"int\"},",
        "Set(\"t.Mid.Base\", \"base1\"),  // go: t.go:15",
        "Lock(\"t.Mid.Base.Mutex\"),  // go: t.go:16",
        "Call(func: \"Base_Inc\", args: [\"t.Mid.Base\"]),  // go: t.go:17",
        "Set(\"t.Mid.Base.n\", \"t.k\"),  // go: t.go:18",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A name no embedded struct has is still refused, at its position.
    let e = errors(
        "package main\ntype B struct{ n int }\ntype A struct{ B }\nfunc main() {\n\ta := &A{}\n\ta.m = 1\n}\n",
        &Options::default(),
    );
    assert!(
        e.iter()
            .any(|(l, c, m)| (*l, *c) == (6, 2) && m.contains("`a.m`")),
        "{e:?}"
    );
}

#[test]
fn the_one_tracked_result_of_a_call_through_a_function_value_is_followed() {
    let i = one(
        "package main\ntype S struct{ n int }\nfunc twice(x int) int { return 2 * x }\nfunc apply(f func(int) int, x int) int {\n\treturn f(x)\n}\nfunc main() {\n\tget := func(s *S) int {\n\t\treturn s.n\n\t}\n\ts := &S{n: 1}\n\tv := get(s)\n\tw := apply(twice, v)\n\tif w != 2 {\n\t\tpanic(\"w\")\n\t}\n}\n",
    );
    for want in [
        "Func(name: \"get\", params: [\"s_arg\"], body: [  // go: t.go:8",
        "Let(name: \"s\", value: \"s_arg\", type: \"*S\"),  // go: t.go:8",
        "Call(func: \"get\", args: [\"s\"], into: \"v\"),  // go: t.go:12",
        "Call(func: \"f\", args: [\"x\"], into: ",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A function value with an untracked result is refused where its result is used.
    let e = errors(
        "package main\nfunc main() {\n\tname := func() float64 { return 1.5 }\n\ts := name()\n\t_ = s\n}\n",
        &Options::default(),
    );
    assert!(
        e.iter()
            .any(|(l, _, m)| *l == 4 && m.contains("a call through a function value")),
        "{e:?}"
    );
}

#[test]
fn init_functions_run_before_the_entry_point_in_file_order() {
    let i = one(
        "package main\nvar n int\nfunc init() {\n\tn = 1\n}\nfunc init() {\n\tn = 2\n}\nfunc main() {\n\tgo func() {}()\n}\n",
    );
    let first = i
        .text
        .find("Call(func: \"init\", args: []),  // go: t.go:3");
    let second = i
        .text
        .find("Call(func: \"init_2\", args: []),  // go: t.go:6");
    let go = i.text.find("Go(body: [");
    assert!(
        first.is_some() && first < second && second < go,
        "{}",
        i.text
    );
    assert!(
        i.text.contains("\"init_2\": (params: [], body: ["),
        "{}",
        i.text
    );
}

fn with_go(go: &str, version: Option<&str>) -> String {
    let file = SourceFile::new("t.go", go);
    let opts = Options {
        go: version.map(str::to_string),
        ..Options::default()
    };
    let mut v = import(&file, &opts).unwrap_or_else(|d| panic!("{d:?}"));
    v.remove(0).text
}

#[test]
fn before_go_1_22_a_captured_loop_variable_is_one_shared_variable() {
    let three = "package main\nimport \"fmt\"\nfunc main() {\n\tfor i := 0; i < 2; i++ {\n\t\tgo func() {\n\t\t\tfmt.Println(i)\n\t\t}()\n\t}\n}\n";
    let old = with_go(three, Some("1.21"));
    for want in [
        "Var(\"i\", 0),  // go: t.go:4",
        "While(cond: \"i < 2\", body: [  // go: t.go:4",
        "Set(\"i\", \"i + 1\"),  // go: t.go:4",
    ] {
        assert!(old.contains(want), "{want}\n{old}");
    }
    for v in [Some("1.22"), Some("1.23.1"), None] {
        let new = with_go(three, v);
        assert!(
            new.contains("For(var: \"i\", from: 0, to: 2, body: [  // go: t.go:4"),
            "{v:?}\n{new}"
        );
    }
    // A range loop: the variable is declared before the loop and set at
    // each iteration.
    let range = "package main\nimport \"fmt\"\nfunc main() {\n\txs := make([]int, 2)\n\tfor _, x := range xs {\n\t\tgo func() {\n\t\t\tfmt.Println(x)\n\t\t}()\n\t}\n}\n";
    let old = with_go(range, Some("1.21"));
    for want in [
        "Var(\"x\", 0),  // go: t.go:5",
        "Range(chan: \"xs\", value: \"x_iter\", body: [  // go: t.go:5",
        "Set(\"x\", \"x_iter\"),  // go: t.go:5",
    ] {
        assert!(old.contains(want), "{want}\n{old}");
    }
    assert!(with_go(range, Some("1.22")).contains("value: \"x\""));
    // The file's `//go:build` line sets its language version.
    let tagged = format!("//go:build go1.21\n\n{three}");
    assert_eq!(
        weft_import::go_build_version(&tagged).as_deref(),
        Some("1.21")
    );
    assert!(with_go(&tagged, Some("1.23")).contains("Var(\"i\", 0)"));
    assert_eq!(weft_import::go_build_version(three), None);
}

#[test]
fn a_shared_read_inside_untracked_data_stays_a_read() {
    let i = one(
        "package main\nimport \"fmt\"\nfunc main() {\n\tn := 0\n\tgo func() {\n\t\ts := fmt.Sprintf(\"%d\", n)\n\t\t_ = s\n\t}()\n\tn = 1\n}\n",
    );
    assert!(
        i.text.contains("Let(\"read1\", \"n\"),  // go: t.go:6"),
        "{}",
        i.text
    );
}

#[test]
fn errgroup_maps_to_the_languages_group_and_its_functions_errors_are_followed() {
    let i = one(
        "package main\nimport (\n\t\"context\"\n\t\"errors\"\n\t\"golang.org/x/sync/errgroup\"\n)\nvar errBad = errors.New(\"bad\")\nfunc work(ctx context.Context, n int) error {\n\tif n == 0 {\n\t\treturn errBad\n\t}\n\t<-ctx.Done()\n\treturn ctx.Err()\n}\nfunc main() {\n\tg, ctx := errgroup.WithContext(context.Background())\n\tg.SetLimit(2)\n\tg.Go(func() error {\n\t\treturn work(ctx, 0)\n\t})\n\tif err := g.Wait(); err != errBad {\n\t\tpanic(\"lost\")\n\t}\n\tvar h errgroup.Group\n\th.Go(func() error { return nil })\n\th.Wait()\n}\n",
    );
    for want in [
        "WithContext(group: \"g\", ctx: \"ctx\"),  // go: t.go:16",
        "SetLimit(group: \"g\", limit: 2),  // go: t.go:17",
        "Wait(target: \"g\", into: \"err\"),  // go: t.go:21",
        "If(\"err != errors.New(`bad`)\", [  // go: t.go:21",
        "Return(\"errors.New(`bad`)\"),  // go: t.go:10",
        "Return(\"ctx.Err()\"),  // go: t.go:13",
        "Group(\"h\"),  // go: t.go:24",
        "Return(\"nil\"),  // go: t.go:25",
        "Wait(target: \"h\"),  // go: t.go:26",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(
        i.text
            .contains("GroupGo(group: \"g\", func: \"work\", args: [\"ctx\", 0]),  // go: t.go:18"),
        "{}",
        i.text
    );
    assert!(
        i.text
            .contains("GroupGo(group: \"h\", body: [  // go: t.go:25"),
        "{}",
        i.text
    );
    // An error weft cannot follow, where the group reads it: nil or not,
    // a noted choice; `fmt.Errorf` is an error that is not nil.
    let i = one(
        "package main\nimport (\n\t\"errors\"\n\t\"fmt\"\n\t\"golang.org/x/sync/errgroup\"\n)\nfunc main() {\n\tvar g errgroup.Group\n\tmsg := \"x\"\n\tg.Go(func() error {\n\t\treturn errors.New(msg)\n\t})\n\tg.Go(func() error {\n\t\treturn fmt.Errorf(\"y\")\n\t})\n\tg.Wait()\n}\n",
    );
    for want in [
        "Choose(\"err_1\", [\"nil\", \"errors.New(`errors.New(msg)`)\", \"errors.New(`y`)\"]),  // go: t.go:11",
        "Return(\"err_1\"),  // go: t.go:11",
        "Return(\"errors.New(`y`)\"),  // go: t.go:14",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn time_after_func_becomes_after_func_with_its_callback() {
    let i = one(concat!(
        "package main\nimport \"time\"\n",
        "type S struct{ n int }\n",
        "func (s *S) tick() { s.n = 1 }\n",
        "func ping() {}\n",
        "func main() {\n",
        "\tdone := make(chan int)\n",
        "\tt := time.AfterFunc(time.Millisecond, func() { close(done) })\n",
        "\t<-done\n",
        "\tif !t.Stop() {\n\t\tt.Reset(time.Second)\n\t}\n",
        "\ts := &S{}\n",
        "\ttime.AfterFunc(time.Millisecond, s.tick)\n",
        "\t_ = time.AfterFunc(time.Millisecond, ping)\n",
        "\tf := func() {}\n",
        "\tt2 := time.AfterFunc(time.Second, f)\n",
        "\tt2.Stop()\n",
        "}\n",
    ));
    for want in [
        "AfterFunc(name: \"t\", duration: 1, body: [  // go: t.go:8",
        "Close(\"done\"),  // go: t.go:8",
        "Stop(timer: \"t\", into: \"t_Stop_1\"),  // go: t.go:10",
        "Reset(timer: \"t\", duration: 1),  // go: t.go:11",
        "AfterFunc(duration: 1, func: \"S_tick\", args: [\"s\"]),  // go: t.go:14",
        "AfterFunc(duration: 1, func: \"ping\", args: []),  // go: t.go:15",
        "AfterFunc(name: \"t2\", duration: 1, func: \"f\", args: []),  // go: t.go:17",
        "Stop(timer: \"t2\"),  // go: t.go:18",
        "\"ping\": (params: [], body: [",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn a_timer_variable_a_callback_re_arms_is_a_shared_var() {
    // `var t *time.Timer; t = time.AfterFunc(d, func() { t.Reset(d) })`:
    // the callback reads the variable main assigns (the classic race).
    let i = one(concat!(
        "package main\nimport \"time\"\n",
        "func main() {\n",
        "\tvar t *time.Timer\n",
        "\tt = time.AfterFunc(time.Millisecond, func() {\n",
        "\t\tt.Reset(time.Millisecond)\n",
        "\t})\n",
        "}\n",
    ));
    for want in [
        "Var(name: \"t\", type: \"*time.Timer\"),  // go: t.go:4",
        "AfterFunc(name: \"t_new1\", duration: 1, body: [  // go: t.go:5",
        "Reset(timer: \"t\", duration: 1),  // go: t.go:6",
        "Set(\"t\", \"t_new1\"),  // go: t.go:5",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn context_after_func_and_its_stop_function() {
    let i = one(concat!(
        "package main\nimport \"context\"\n",
        "func main() {\n",
        "\tctx, cancel := context.WithCancel(context.Background())\n",
        "\tstop := context.AfterFunc(ctx, func() {})\n",
        "\tdefer stop()\n",
        "\tok := stop()\n",
        "\tif !stop() {\n\t\t_ = ok\n\t}\n",
        "\tcontext.AfterFunc(ctx, cancel)\n",
        "\tcancel()\n",
        "}\n",
    ));
    for want in [
        "ContextAfterFunc(stop: \"stop\", ctx: \"ctx\", body: [  // go: t.go:5",
        "Defer([  // go: t.go:6",
        "Stop(timer: \"stop\"),  // go: t.go:6",
        "Stop(timer: \"stop\", into: \"ok\"),  // go: t.go:7",
        "Stop(timer: \"stop\", into: \"stop_",
        "If(\"!stop_",
        "ContextAfterFunc(ctx: \"ctx\", body: [  // go: t.go:11",
        "Cancel(\"cancel\"),  // go: t.go:11",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn after_func_callbacks_weft_cannot_follow_are_refused_where_they_are() {
    let e = errors(
        concat!(
            "package main\nimport \"time\"\n",
            "func work(n int) {}\n",
            "func main() {\n",
            "\ttime.AfterFunc(time.Millisecond, work)\n",
            "}\n",
        ),
        &Options::default(),
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (5, 35), "{e:?}");
    assert!(e[0].2.contains("a callback with parameters"), "{e:?}");
    let e = errors(
        concat!(
            "package main\nimport (\n\t\"context\"\n\t\"os\"\n)\n",
            "func main() {\n",
            "\tcontext.AfterFunc(os.Ctx, func() {})\n",
            "}\n",
        ),
        &Options::default(),
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, 7, "{e:?}");
    assert!(e[0].2.contains("a context weft cannot follow"), "{e:?}");
}

#[test]
fn a_map_with_string_keys_keeps_every_access_and_follows_no_entry() {
    let i = one(concat!(
        "package main\n",
        "type R struct {\n\tm map[string]int\n}\n",
        "func main() {\n",
        "\tr := &R{m: make(map[string]int)}\n",
        "\tname := fmt.Sprint(1)\n",
        "\tr.m[name] = 1\n",
        "\tr.m[name]++\n",
        "\tif r.m[\"b\"] > 0 || len(r.m) > 1 {\n\t\tpanic(\"x\")\n\t}\n",
        "\tdelete(r.m, name)\n",
        "}\n",
    ));
    let key = "-9223372036854775807";
    for want in [
        format!("Set(\"r.m[{key}]\", 0),  // go: t.go:8"),
        // `++` reads the map, then writes it.
        format!("\"r.m[{key}]\"),  // go: t.go:9"),
        format!("Set(\"r.m[{key}]\", 0),  // go: t.go:9"),
        // A lookup and `len` are reads of the map before the statement,
        // and the condition they make is a choice; `len` is read only if
        // the lookup's test fails (a choice too: it is not followed).
        format!("\"r.m[{key}]\"),  // go: t.go:10"),
        "Either([[Let(\"read4\", \"len(r.m)\")], []]),  // go: t.go:10".to_string(),
        "Either([[  // go: t.go:10".to_string(),
        format!("Delete(\"r.m\", {key}),  // go: t.go:13"),
    ] {
        assert!(i.text.contains(&want), "{want}\n{}", i.text);
    }
    let noted: Vec<&str> = i.abstractions.iter().map(|a| a.what.as_str()).collect();
    assert!(
        noted
            .iter()
            .any(|w| w.contains("`r.m[name] = 1` writes the map at a key weft does not track")),
        "{noted:?}"
    );
    assert!(
        noted
            .iter()
            .any(|w| w.contains("`delete(r.m, name)` deletes at a key")),
        "{noted:?}"
    );
}

#[test]
fn what_a_map_of_followed_entries_cannot_follow_is_refused_where_it_is() {
    let e = errors(
        concat!(
            "package main\n",
            "func main() {\n",
            "\tm := map[string]int{}\n",
            "\tfor k := range m {\n\t\t_ = k\n\t}\n",
            "\tn := map[int]int{}\n",
            "\tk := len(\"ab\")\n",
            "\tn[k] = 1\n",
            "\tdelete(n, k)\n",
            "}\n",
        ),
        &Options::default(),
    );
    assert!(
        e.iter().any(|(l, c, m)| (*l, *c) == (4, 17)
            && m == "cannot import range over `m`, a map whose keys weft does not track"),
        "{e:?}"
    );
    assert!(
        e.iter().any(|(l, _, m)| *l == 9
            && m.contains("a write with a key weft does not track into a map whose entries")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|(l, _, m)| *l == 10
            && m.contains("a delete with a key weft does not track from a map whose entries")),
        "{e:?}"
    );
}

#[test]
fn a_field_weft_follows_is_never_left_holding_what_an_untracked_write_dropped() {
    // Go: the field holds the map `l` (and `x.m[3] = 4` does not panic),
    // and `x.n` the length; weft would keep nil and 0.
    let e = errors(
        concat!(
            "package main\n",
            "type S struct {\n\tm map[int]int\n\tn int\n}\n",
            "func main() {\n",
            "\tx := &S{}\n",
            "\tl := map[int]int{1: len(\"ab\")}\n",
            "\tx.m = l\n",
            "\tx.n = len(\"ab\")\n",
            "\tx.m[3] = 4\n",
            "}\n",
        ),
        &Options::default(),
    );
    for (line, what) in [(9, "`x.m`"), (10, "`x.n`")] {
        assert!(
            e.iter().any(|(l, c, m)| (*l, *c) == (line, 2)
                && *m == format!("cannot import assigning untracked data to {what}")),
            "{line}: {e:?}"
        );
    }
    // The result of a call weft does not follow (`--allow-abstract`), too.
    let e = errors(
        "package main\nimport \"ext\"\ntype S struct {\n\tn int\n}\nfunc main() {\n\tx := &S{}\n\tx.n = ext.Count()\n}\n",
        &Options {
            allow_abstract: true,
            ..Options::default()
        },
    );
    assert!(
        e.iter().any(|(l, c, m)| (*l, *c) == (8, 2)
            && m == "cannot import assigning untracked data to `x.n`"),
        "{e:?}"
    );
    // In a struct literal, keyed or positional: left out, `r.v > 3` read
    // 0 and weft verified a program whose every Go run panics.
    for lit in ["result{v: n}", "result{n}"] {
        let e = errors(
            &format!(
                "package main\nimport \"strconv\"\ntype result struct {{\n\tv int\n}}\nfunc main() {{\n\tn := len(strconv.Quote(\"12\"))\n\tr := {lit}\n\tif r.v > 3 {{\n\t\tpanic(\"big\")\n\t}}\n}}\n"
            ),
            &Options::default(),
        );
        assert!(
            e.iter()
                .any(|(l, _, m)| *l == 8 && m == "cannot import untracked data in the field `v`"),
            "{lit}: {e:?}"
        );
    }
}

#[test]
fn map_and_slice_literals_are_made_when_weft_follows_them_and_named_when_refused() {
    let i = one(concat!(
        "package main\n",
        "type S struct {\n\tm map[int]int\n\txs []int\n}\n",
        "const k = 3\n",
        "func main() {\n",
        "\tx := &S{m: map[int]int{}, xs: []int{}}\n",
        "\tl := map[int]int{1: 2, k: -4}\n",
        "\tx.m = l\n",
        "\ty := &S{m: map[int]int{1: 2}, xs: []int{k}}\n",
        "\t_ = y\n",
        "}\n",
    ));
    for want in [
        "Map(\"m_made1\"),  // go: t.go:8",
        "Slice(\"xs_made2\", \"int\", 0),  // go: t.go:8",
        "New(\"x\", \"S\", {\"m\": \"m_made1\", \"xs\": \"xs_made2\"}),  // go: t.go:8",
        "Map(\"l\"),  // go: t.go:9",
        "Set(\"l[1]\", 2),  // go: t.go:9",
        "Set(\"l[k]\", -4),  // go: t.go:9",
        "Set(\"x.m\", \"l\"),  // go: t.go:10",
        "Map(\"m_made3\"),  // go: t.go:11",
        "Set(\"m_made3[1]\", 2),  // go: t.go:11",
        "Slice(\"xs_made4\", \"int\", 1),  // go: t.go:11",
        "Set(\"xs_made4[0]\", \"k\"),  // go: t.go:11",
        "New(\"y\", \"S\", {\"m\": \"m_made3\", \"xs\": \"xs_made4\"}),  // go: t.go:11",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    let e = errors(
        concat!(
            "package main\n",
            "type S struct {\n\tm map[int]int\n\txs []int\n}\n",
            "func main() {\n",
            "\tx := &S{m: map[int]int{1: f()}}\n",
            "\ty := &S{xs: []int{f()}}\n",
            "\t_, _ = x, y\n",
            "}\n",
            "func f() int {\n\treturn 1\n}\n",
        ),
        &Options::default(),
    );
    assert!(
        e.iter().any(|(l, c, m)| (*l, *c) == (7, 13)
            && m == "cannot import a map literal weft does not follow inside a struct literal"),
        "{e:?}"
    );
    assert!(
        e.iter().any(|(l, c, m)| (*l, *c) == (8, 14)
            && m == "cannot import a slice literal weft does not follow inside a struct literal"),
        "{e:?}"
    );
}

#[test]
fn a_refused_declaration_is_reported_once_not_at_every_use_of_its_name() {
    let e = errors(
        concat!(
            "package main\n",
            "type C struct {\n\tm map[int]int\n}\n",
            "func (c *C) get() int {\n\treturn c.m[1]\n}\n",
            "func main() {\n",
            "\tc := &C{m: map[int]int{1: f()}}\n",
            "\tdone := make(chan bool)\n",
            "\tgo func() {\n\t\t_ = c.get()\n\t\tdone <- true\n\t}()\n",
            "\t_ = c.get()\n",
            "\t<-done\n",
            "\tgoto end\n",
            "end:\n",
            "}\n",
            "func f() int {\n\treturn 1\n}\n",
        ),
        &Options::default(),
    );
    // The declaration's error, and the independent `goto`; not the calls
    // of `c.get`, which would be imported were `c` declared.
    assert!(
        e.iter()
            .any(|(l, _, m)| *l == 9 && m.contains("a map literal weft does not follow")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|(l, _, m)| *l == 17 && m.contains("goto")),
        "{e:?}"
    );
    assert!(!e.iter().any(|(_, _, m)| m.contains("c.get")), "{e:?}");
}

#[test]
fn a_read_hoisted_out_of_a_statement_that_writes_nothing_stays_in_its_goroutine() {
    // `fmt.Println(m["a"])` ends the goroutine's body and writes no
    // statement of its own: the map's read it hoists is written at its
    // end, inside the body, not before main's next statement.
    let i = one(concat!(
        "package main\n",
        "import \"fmt\"\n",
        "func main() {\n",
        "\tm := make(map[string]int)\n",
        "\tdone := make(chan bool)\n",
        "\tgo func() {\n\t\tdone <- true\n\t\tfmt.Println(m[fmt.Sprint(1)])\n\t}()\n",
        "\t<-done\n",
        "}\n",
    ));
    let read = i
        .text
        .find("Let(\"read1\", \"m[-9223372036854775807]\"),  // go: t.go:8")
        .unwrap_or_else(|| panic!("{}", i.text));
    let body_end = i.text.find("]),").unwrap_or_else(|| panic!("{}", i.text));
    let recv = i.text.find("Recv(").unwrap_or_else(|| panic!("{}", i.text));
    assert!(read < body_end && body_end < recv, "{}", i.text);
}

#[test]
fn a_field_holding_untracked_data_keeps_its_reads_and_writes() {
    let i = one(concat!(
        "package main\n",
        "import \"fmt\"\n",
        "type S struct {\n\tname string\n\tn int\n}\n",
        "func main() {\n",
        "\ts := &S{}\n",
        "\tdone := make(chan bool)\n",
        "\tgo func() {\n\t\ts.name = \"b\"\n\t\ts.name += \"c\"\n\t\tdone <- true\n\t}()\n",
        "\tfmt.Println(s.name, s.n)\n",
        "\tif s.name == \"b\" {\n\t\ts.n = 1\n\t}\n",
        "\t<-done\n",
        "}\n",
    ));
    for want in [
        "\"S\": {\"name\": \"any\", \"n\": \"int\"},",
        // The writes, `+=` after its read.
        "Set(\"s.name\", \"nil\"),  // go: t.go:11",
        "\"s.name\"),  // go: t.go:12",
        "Set(\"s.name\", \"nil\"),  // go: t.go:12",
        // Reads inside data weft does not track (an argument of a call
        // with no synchronisation) are kept, of tracked fields too.
        "\"s.name\"),  // go: t.go:15",
        "\"s.n\"),  // go: t.go:15",
        // A condition on it reads it, then is a choice.
        "\"s.name\"),  // go: t.go:16",
        "Either([[  // go: t.go:16",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(
        i.abstractions.iter().any(|a| a.what
            == "`s.name = \"b\"` writes data weft does not track: kept as a write of the field (races), not its value"),
        "{:?}",
        i.abstractions
    );
}

#[test]
fn a_local_a_closure_assigns_keeps_its_accesses_when_its_data_is_untracked() {
    let i = one(concat!(
        "package main\n",
        "import \"fmt\"\n",
        "func main() {\n",
        "\tmsg := \"a\"\n",
        "\tdone := make(chan bool)\n",
        "\tgo func() {\n\t\tmsg = \"b\"\n\t\tdone <- true\n\t}()\n",
        "\tfmt.Println(msg)\n",
        "\t<-done\n",
        "\tmsg += \"c\"\n",
        "}\n",
    ));
    for want in [
        "Var(\"msg\", \"nil\"),  // go: t.go:4",
        "Set(\"msg\", \"nil\"),  // go: t.go:7",
        "\"msg\"),  // go: t.go:10",
        // `+=` reads it, then writes it.
        "\"msg\"),  // go: t.go:12",
        "Set(\"msg\", \"nil\"),  // go: t.go:12",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A local no closure assigns is not a shared variable.
    let i =
        one("package main\nimport \"fmt\"\nfunc main() {\n\tmsg := \"a\"\n\tfmt.Println(msg)\n}\n");
    assert!(!i.text.contains("Var(\"msg\""), "{}", i.text);
}

/// A three-clause loop's init is scoped to the loop, as in Go: two loops
/// declaring the same name in one block import, each inside a block of
/// its own, and the scenario compiles.
#[test]
fn a_for_loops_init_is_scoped_to_the_loop() {
    let i = one(concat!(
        "package main\nfunc main() {\n\tc := make(chan int)\n\tgo func() { close(c) }()\n",
        "\tfor running := true; running; {\n\t\t_, running = <-c\n\t}\n",
        "\tfor running := true; running; {\n\t\t_, running = <-c\n\t}\n}\n",
    ));
    assert_eq!(i.text.matches("If(\"true\", [").count(), 2, "{}", i.text);
    let ron = SourceFile::new("t.ron", i.text.clone());
    if let Err(d) = weft_models::compile(&ron, &[]) {
        panic!("{d:?}\n{}", i.text);
    }
}

/// A loop condition that needs an operation first (an atomic load, a
/// call, a receive) is evaluated at every iteration, as in Go: the
/// operation moves inside a `Loop`, followed by the exit test. (It was
/// hoisted before a `While` and ran once, so a spin-wait on an atomic
/// never saw the store and weft reported a spin Go never shows.)
#[test]
fn a_loop_condition_with_an_operation_is_evaluated_every_iteration() {
    let i = one(concat!(
        "package main\nimport \"sync/atomic\"\nfunc get(n *int32) int32 { return atomic.LoadInt32(n) }\n",
        "func main() {\n\tvar n int32\n\tgo func() { atomic.StoreInt32(&n, 1) }()\n",
        "\tfor atomic.LoadInt32(&n) == 0 {\n\t}\n",
        "\tfor k := 0; get(&n) == 0; k++ {\n\t}\n}\n",
    ));
    let body: Vec<&str> = i
        .text
        .lines()
        .map(|l| l.split("  // go:").next().unwrap_or(l).trim())
        .collect();
    let at = |needle: &str| {
        body.iter()
            .position(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in\n{}", i.text))
    };
    let load = at("AtomicLoad(var: \"&n\"");
    assert_eq!(body[load - 1], "Loop(body: [", "{}", i.text);
    assert!(
        body[load + 1].starts_with("If(\"!(atomic_LoadInt32_"),
        "{}",
        i.text
    );
    assert!(body[load + 1].ends_with("== 0)\", [Break]),"), "{}", i.text);
    let call = at("Call(func: \"get\"");
    assert_eq!(body[call - 1], "Loop(body: [", "{}", i.text);
    assert!(body[call + 1].ends_with("[Break]),"), "{}", i.text);
    assert!(!i.text.contains("While("), "{}", i.text);
    let ron = SourceFile::new("t.ron", i.text.clone());
    if let Err(d) = weft_models::compile(&ron, &[]) {
        panic!("{d:?}\n{}", i.text);
    }
}

#[test]
fn a_channel_of_empty_structs_keeps_its_element_type() {
    // Go's race detector gives such a channel's buffer one address, so the
    // checker must know it (`chan struct{}` only; other elements keep
    // weft's default).
    let i = one(
        "package main\nfunc main() {\n\tsem := make(chan struct{ }, 2)\n\tc := make(chan bool, 1)\n\tsem <- struct{}{}\n\tc <- true\n}\n",
    );
    assert!(
        i.text
            .contains("Chan(\"sem\", 2, \"struct{}\"),  // go: t.go:3")
            && i.text.contains("Chan(\"c\", 1),  // go: t.go:4"),
        "{}",
        i.text
    );
}

#[test]
fn a_channel_of_a_named_empty_struct_is_one_of_empty_structs() {
    // `type token struct{}` (and a struct of empty structs) takes no
    // memory either, and its literal is a value like `struct{}{}`; a
    // pointer does take memory.
    let i = one(
        "package main\ntype token struct{}\ntype pair struct {\n\ta token\n\tb struct{}\n}\ntype full struct{ n int }\nfunc main() {\n\tsem := make(chan token, 2)\n\tps := make(chan pair, 1)\n\tfs := make(chan *full, 1)\n\tsem <- token{}\n\tps <- pair{}\n\tfs <- &full{}\n}\n",
    );
    assert!(
        i.text.contains("Chan(\"sem\", 2, \"struct{}\"),")
            && i.text.contains("Chan(\"ps\", 1, \"struct{}\"),")
            && !i.text.contains("Chan(\"fs\", 1, \"struct{}\"),"),
        "{}",
        i.text
    );
}

/// The statements of an imported program, without their comments, in
/// order (indentation kept).
fn statements(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| l.split("  // go:").next().unwrap_or(l).to_string())
        .collect()
}

#[test]
fn slice_literals_are_made_and_slices_of_floats_keep_their_elements_as_cells() {
    let i = one(
        "package main\nfunc main() {\n\txs := []int{1, 2}\n\tnames := []float64{1.5, 2.5}\n\tfor _, x := range xs {\n\t\t_ = x\n\t}\n\tfor i := range names {\n\t\tnames[i] = 3.5\n\t}\n\t_ = names[0]\n\tfor _, name := range names {\n\t\t_ = name\n\t}\n}\n",
    );
    let s = statements(&i.text);
    let at = |want: &str| {
        s.iter()
            .position(|l| l.trim() == want)
            .unwrap_or_else(|| panic!("no `{want}` in:\n{}", i.text))
    };
    // The literal's elements are set in order; a float's stays nil.
    assert!(at(r#"Slice("xs", "int", 2),"#) < at(r#"Set("xs[0]", 1),"#));
    assert!(at(r#"Set("xs[0]", 1),"#) < at(r#"Set("xs[1]", 2),"#));
    at(r#"Slice("names", "float64", 2),"#);
    // A range over it runs per element; a write of an element is kept as
    // a write of its cell, a read as a read.
    assert!(at(r#"Range(chan: "names", var: "i", body: ["#) < at(r#"Set("names[i]", "nil"),"#));
    // A range that takes the value reads each element, through an index.
    let ranged = at(r#"Range(chan: "names", var: "range_index2", body: ["#);
    assert!(
        s[ranged + 1].trim().starts_with("Let(")
            && s[ranged + 1].contains(r#""names[range_index2]")"#),
        "{}",
        i.text
    );
    assert!(
        s.iter()
            .any(|l| l.trim().starts_with("Let(") && l.contains(r#""names[0]")"#)),
        "{}",
        i.text
    );
    assert!(
        i.abstractions
            .iter()
            .any(|a| a.what.contains("kept as a write of the element")),
        "{:?}",
        i.abstractions
    );
}

#[test]
fn a_goroutines_arguments_are_read_before_it_starts() {
    // Go evaluates `go f(x)`'s arguments in the goroutine that starts it.
    let i = one(
        "package main\ntype Job struct{ name string }\nfunc main() {\n\tj := &Job{}\n\tdone := make(chan bool)\n\tgo func(k string) {\n\t\t_ = k\n\t\tclose(done)\n\t}(j.name)\n\t<-done\n}\n",
    );
    let s = statements(&i.text);
    let read = s
        .iter()
        .position(|l| l.contains(r#""j.name")"#))
        .unwrap_or_else(|| panic!("no read of j.name in:\n{}", i.text));
    let go = s
        .iter()
        .position(|l| l.trim().starts_with("Go(body:"))
        .expect("a Go");
    assert!(read < go, "{}", i.text);
    // A value read from a shared variable too: the starter reads it under
    // its lock, and the goroutine copies what it read (read in the
    // goroutine, it would race with the other goroutine's write; Go's race
    // detector reports none).
    let i = one(
        "package main\nimport \"sync\"\nfunc main() {\n\tcount := 0\n\tvar mu sync.Mutex\n\tvar wg sync.WaitGroup\n\twg.Add(2)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tmu.Lock()\n\t\tcount++\n\t\tmu.Unlock()\n\t}()\n\tmu.Lock()\n\tgo func(x int) {\n\t\tdefer wg.Done()\n\t\t_ = x\n\t}(count)\n\tmu.Unlock()\n\twg.Wait()\n}\n",
    );
    let s = statements(&i.text);
    let at = |want: &str| {
        s.iter()
            .position(|l| l.trim() == want)
            .unwrap_or_else(|| panic!("no `{want}` in:\n{}", i.text))
    };
    let read = at(r#"Let("x_arg1", "count"),"#);
    assert_eq!(
        (s[read - 1].trim(), s[read + 1].trim(), s[read + 2].trim()),
        (r#"Lock("mu"),"#, "Go(body: [", r#"Let("x", "x_arg1"),"#),
        "{}",
        i.text
    );
}

#[test]
fn a_range_over_a_slice_literal_makes_it_first() {
    let i = one(
        "package main\nfunc main() {\n\tn := 0\n\tfor _, x := range []int{1, 2} {\n\t\tn += x\n\t}\n\tfor range []float64{1.5, 2.5, 3.5} {\n\t\tn++\n\t}\n\t_ = n\n}\n",
    );
    let s = statements(&i.text);
    let at = |want: &str| {
        s.iter()
            .position(|l| l.trim() == want)
            .unwrap_or_else(|| panic!("no `{want}` in:\n{}", i.text))
    };
    let ints = at(r#"Slice("range_over1", "int", 2),"#);
    assert_eq!(
        s[ints + 1..ints + 4]
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>(),
        vec![
            r#"Set("range_over1[0]", 1),"#,
            r#"Set("range_over1[1]", 2),"#,
            r#"Range(chan: "range_over1", value: "x", body: ["#,
        ],
        "{}",
        i.text
    );
    let strings = at(r#"Slice("range_over2", "float64", 3),"#);
    assert_eq!(
        s[strings + 1].trim(),
        r#"Range(chan: "range_over2", body: ["#,
        "{}",
        i.text
    );
}

#[test]
fn a_bool_result_given_untracked_data_is_either_value() {
    // `ok` of a lookup with a string key is data weft does not track: the
    // bool result it is returned as is either value (it returned nil).
    let i = one(
        "package main\ntype C struct{ items map[string]int }\nfunc (c *C) has(k string) bool {\n\t_, ok := c.items[k]\n\treturn ok\n}\nfunc main() {\n\tc := &C{items: map[string]int{}}\n\tif !c.has(fmt.Sprint(1)) {\n\t\tc.items[\"x\"] = 1\n\t}\n}\n",
    );
    assert!(
        statements(&i.text)
            .iter()
            .any(|l| l.trim() == r#"Either([[Return("true")], [Return("false")]]),"#),
        "{}",
        i.text
    );
    assert!(
        i.abstractions
            .iter()
            .any(|a| a.may_diverge && a.what.contains("true and false are both returned")),
        "{:?}",
        i.abstractions
    );
}

#[test]
fn an_int_result_returned_from_untracked_data_is_untracked_at_the_callers() {
    // `lookup` returns an entry of a map with string keys, `size` the
    // length of a string: their callers, translated first, are translated
    // again taking the result as untracked (it was nil, and `n > 1`
    // stopped the check at run time).
    let i = one(
        "package main\nimport \"sync\"\ntype R struct {\n\tmu sync.Mutex\n\tsessions map[string]int\n}\nfunc (r *R) lookup(name string) int {\n\tr.mu.Lock()\n\tdefer r.mu.Unlock()\n\treturn r.sessions[name]\n}\nfunc size(s string) int { return len(s) }\nfunc main() {\n\tr := &R{sessions: map[string]int{}}\n\tn := r.lookup(fmt.Sprint(1)) + size(fmt.Sprint(2))\n\tif n > 1 {\n\t\tpanic(\"big\")\n\t}\n}\n",
    );
    let s = statements(&i.text);
    for want in [
        r#"Call(func: "R_lookup", args: ["r"]),"#,
        r#"Call(func: "size", args: []),"#,
    ] {
        assert!(
            s.iter().any(|l| l.trim() == want),
            "no `{want}` in:\n{}",
            i.text
        );
    }
    assert!(
        i.abstractions
            .iter()
            .any(|a| a.may_diverge && a.what.contains("the condition `n > 1`")),
        "{:?}",
        i.abstractions
    );
    assert_eq!(
        i.abstractions
            .iter()
            .filter(|a| a.what.contains("callers take its result as untracked"))
            .count(),
        2,
        "{:?}",
        i.abstractions
    );
}

#[test]
fn a_call_in_a_calls_arguments_is_made_first_and_both_results_are_kept() {
    // `f(g(1))` in a condition: g's call before f's, f's result into its
    // own temporary (it was lost, and the condition taken as untracked).
    let i = one(
        "package main\nfunc g(x int) int { return x + 1 }\nfunc f(x int) int { return x * 2 }\nfunc main() {\n\tif f(g(1)) != 4 {\n\t\tpanic(\"x\")\n\t}\n}\n",
    );
    let g = i.text.find("Call(func: \"g\", args: [1], into: \"g_2\")");
    let f = i
        .text
        .find("Call(func: \"f\", args: [\"g_2\"], into: \"f_1\")");
    assert!(g.is_some() && f.is_some() && g < f, "{}", i.text);
    assert!(i.text.contains("If(\"f_1 != 4\", ["), "{}", i.text);
    assert!(i.abstractions.is_empty(), "{:?}", i.abstractions);
}

#[test]
fn a_slice_part_is_a_slice_sharing_the_elements_and_a_range_runs_over_it() {
    let i = one(
        "package main\nfunc main() {\n\txs := make([]int, 4)\n\tn := 0\n\tfor i, x := range xs[1:3] {\n\t\tn += i + x\n\t}\n\t_ = n\n\tys := xs[1:]\n\tys[0] = 1\n\tys = ys[:len(ys)-1]\n\t_ = xs[:]\n\tzs := xs\n\txs = append(xs, 2)\n\t_ = zs\n}\n",
    );
    for want in [
        "Range(chan: \"xs[1:3]\", var: \"i\", value: \"x\", body: [  // go: t.go:5",
        "Let(name: \"ys\", value: \"xs[1:]\", type: \"[]int\"),  // go: t.go:9",
        "Set(\"ys[0]\", 1),  // go: t.go:10",
        "Set(\"ys\", \"ys[:len(ys) - 1]\"),  // go: t.go:11",
        // A slice is a value: `zs` keeps the slice `xs` was.
        "Let(name: \"zs\", value: \"xs\", type: \"[]int\"),  // go: t.go:13",
        "Append(\"xs\", 2),  // go: t.go:14",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(i.abstractions.is_empty(), "{:?}", i.abstractions);
    let e = errors(
        "package main\nfunc main() {\n\txs := make([]int, 4)\n\tys := xs[1:2:3]\n\t_ = ys\n}\n",
        &Options::default(),
    );
    assert_eq!((e[0].0, e[0].1), (4, 8), "{e:?}");
    assert!(
        e[0].2
            .contains("the slice part with a capacity `xs[1:2:3]`"),
        "{e:?}"
    );
}

#[test]
fn a_slices_capacity_is_made_and_one_weft_does_not_track_is_left_out_noted() {
    let i = one(
        "package main\nimport \"strconv\"\nfunc main() {\n\txs := make([]int, 0, 4)\n\tn, _ := strconv.Atoi(\"4\")\n\tys := make([]int, 0, n)\n\txs = append(xs, 1)\n\tys = append(ys, cap(xs))\n}\n",
    );
    for want in [
        "Slice(\"xs\", \"int\", 0, 4),  // go: t.go:4",
        "Slice(\"ys\", \"int\", 0),  // go: t.go:6",
        "Append(\"ys\", \"cap(xs)\"),  // go: t.go:8",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(
        i.abstractions.iter().any(|a| a
            .what
            .starts_with("the capacity `n` is data weft does not track")),
        "{:?}",
        i.abstractions
    );
}

#[test]
fn a_deferred_calls_arguments_are_evaluated_at_the_defer() {
    // Go evaluates them at the `defer`; the call runs at the end.
    let i = one(
        "package main\nfunc show(x int) {}\nfunc main() {\n\tx := 1\n\tdefer show(x)\n\tdefer show(3)\n\tx = 2\n}\n",
    );
    for want in [
        "Let(\"deferred_arg1\", \"x\"),  // go: t.go:5",
        "Call(func: \"show\", args: [\"deferred_arg1\"]),  // go: t.go:5",
        "Call(func: \"show\", args: [3]),  // go: t.go:6",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    let defer = i.text.find("Defer([").unwrap_or(0);
    let let_ = i.text.find("Let(\"deferred_arg1\"").unwrap_or(usize::MAX);
    assert!(let_ < defer, "{}", i.text);
}

#[test]
fn a_slice_of_struct_values_holds_its_records_and_reading_an_element_copies_it() {
    let i = one(
        "package main\ntype J struct {\n\tid int\n}\nfunc main() {\n\tjs := []J{{id: 1}, J{id: 2}}\n\tfor _, j := range js {\n\t\tj.id++\n\t}\n\tp := &js[0]\n\tp.id = 3\n\tk := js[1]\n\t_ = k\n}\n",
    );
    for want in [
        "Slice(\"js\", \"J\", 2),  // go: t.go:6",
        "Set(\"js[0].id\", 1),  // go: t.go:6",
        "Set(\"js[1].id\", 2),  // go: t.go:6",
        "Range(chan: \"js\", var: \"range_index1\", body: [  // go: t.go:7",
        "New(\"j\", \"J\", {\"id\": \"js[range_index1].id\"}),  // go: t.go:7",
        "Let(name: \"p\", value: \"js[0]\", type: \"*J\"),  // go: t.go:10",
        "Set(\"p.id\", 3),  // go: t.go:11",
        "New(\"k\", \"J\", {\"id\": \"js[1].id\"}),  // go: t.go:12",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A struct whose fields are all values is appended as a record, which
    // weft's append copies in; one holding a struct by value is refused.
    let i = one(
        "package main\ntype J struct {\n\tid int\n}\nfunc main() {\n\tvar js []J\n\tjs = append(js, J{id: 1})\n}\n",
    );
    for want in [
        "New(\"j1\", \"J\", {\"id\": 1}),  // go: t.go:7",
        "Append(\"js\", \"j1\"),  // go: t.go:7",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    let e = errors(
        "package main\ntype In struct {\n\tn int\n}\ntype J struct {\n\tid int\n\tin In\n}\nfunc main() {\n\tvar js []J\n\tjs = append(js, J{id: 1})\n}\n",
        &Options::default(),
    );
    assert_eq!(e[0].0, 11, "{e:?}");
    assert!(
        e[0].2.contains("an append to `js`, a slice of `J` values"),
        "{e:?}"
    );
}

#[test]
fn an_atomic_bool_is_a_shared_boolean_and_atomic_methods_of_fields_work_in_expressions() {
    let i = one(
        "package main\nimport \"sync/atomic\"\ntype S struct {\n\tstopped atomic.Bool\n\thits atomic.Int64\n}\nfunc main() {\n\ts := &S{}\n\tvar ready atomic.Bool\n\tready.Store(true)\n\ts.stopped.Store(true)\n\tif s.stopped.Load() && s.hits.Load() == 0 && ready.Load() {\n\t\tpanic(\"x\")\n\t}\n}\n",
    );
    for want in [
        "\"S\": {\"stopped\": \"bool\", \"hits\": \"int\"},",
        "Var(\"ready\", false),  // go: t.go:9",
        "AtomicStore(var: \"ready\", value: true),  // go: t.go:10",
        "AtomicStore(var: \"&s.stopped\", value: true),  // go: t.go:11",
        "AtomicLoad(var: \"&s.stopped\", into: \"s_stopped_Load_1\"),  // go: t.go:12",
        // Go loads `s.hits` only when `s.stopped` is true.
        "If(\"cond3\", [AtomicLoad(var: \"&s.hits\", into: \"s_hits_Load_2\"), \
         Set(\"cond3\", \"s_hits_Load_2 == 0\")]),  // go: t.go:12",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(i.abstractions.is_empty(), "{:?}", i.abstractions);
}

#[test]
fn an_object_read_from_a_field_is_taken_where_go_reads_it() {
    // `old := s.ch` and a goroutine's argument `s.ch` read the field once,
    // there, into a typed local: an alias would read it at each use.
    let i = one(
        "package main\ntype S struct {\n\tch chan int\n}\nfunc main() {\n\ts := &S{ch: make(chan int, 1)}\n\told := s.ch\n\tgo func(c chan int) {\n\t\tc <- 1\n\t}(s.ch)\n\ts.ch = nil\n\t<-old\n}\n",
    );
    for want in [
        "Let(name: \"old\", value: \"s.ch\", type: \"chan int\"),  // go: t.go:7",
        "Let(name: \"c_arg2\", value: \"s.ch\", type: \"chan int\"),  // go: t.go:10",
        "Send(\"c_arg2\", 1),  // go: t.go:9",
        "Recv(chan: \"old\"),  // go: t.go:12",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn a_context_made_into_fields_goes_through_temporaries() {
    // `w.ctx, w.cancel = context.WithCancel(...)`: weft makes objects into
    // names, then the fields are written; `ctx := w.ctx` reads the field
    // once, into a typed local.
    let i = one(
        "package main\nimport \"context\"\ntype W struct {\n\tctx context.Context\n\tcancel context.CancelFunc\n}\nfunc main() {\n\tw := &W{}\n\tw.ctx, w.cancel = context.WithCancel(context.Background())\n\tctx := w.ctx\n\tw.cancel()\n\t<-ctx.Done()\n}\n",
    );
    for want in [
        "WithCancel(ctx: \"w_ctx1\", cancel: \"w_cancel2\"),  // go: t.go:9",
        "Set(\"w.ctx\", \"w_ctx1\"),  // go: t.go:9",
        "Set(\"w.cancel\", \"w_cancel2\"),  // go: t.go:9",
        "Let(name: \"ctx\", value: \"w.ctx\", type: \"context.Context\"),  // go: t.go:10",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn a_range_or_a_select_case_assigning_existing_variables_is_told_from_a_declaration() {
    // The grammar gives `=` and `:=` no field: a range assigning existing
    // variables was taken for a declaration (the loop's variables were
    // new ones, and the outer ones kept their values); it is refused.
    let e = errors(
        "package main\nfunc main() {\n\txs := []int{1}\n\tvar i, x int\n\tfor i, x = range xs {\n\t}\n\t_, _ = i, x\n}\n",
        &Options::default(),
    );
    assert_eq!((e[0].0, e[0].1), (5, 6), "{e:?}");
    assert!(
        e[0].2.contains("a range loop assigning existing variables"),
        "{e:?}"
    );
    // `case r = <-ch` of a struct value: into an existing variable.
    let e = errors(
        "package main\ntype P struct {\n\tx int\n}\nfunc main() {\n\tch := make(chan P, 1)\n\tvar r P\n\tselect {\n\tcase r = <-ch:\n\t}\n\t_ = r\n}\n",
        &Options::default(),
    );
    assert_eq!(e[0].0, 9, "{e:?}");
    assert!(
        e[0].2
            .contains("a struct value received into an existing variable"),
        "{e:?}"
    );
}

#[test]
fn errors_returned_by_the_files_functions_are_followed() {
    let i = one(concat!(
        "package main\n",
        "import (\n\t\"errors\"\n\t\"fmt\"\n\t\"strconv\"\n)\n",
        "func fetch(i int) (int, error) {\n",
        "\tif i == 2 {\n\t\treturn 0, errors.New(\"boom\")\n\t}\n",
        "\tif i == 3 {\n\t\treturn 0, fmt.Errorf(\"fetch %d\", i)\n\t}\n",
        "\treturn i * 10, nil\n",
        "}\n",
        "func pass(err error) (int, error) {\n\treturn 0, err\n}\n",
        "func conv() error {\n\t_, err := strconv.Atoi(\"x\")\n\treturn err\n}\n",
        "func main() {\n",
        "\tv, err := fetch(1)\n",
        "\tif err != nil {\n\t\tpanic(v)\n\t}\n",
        "\t_, err = fetch(2)\n",
        "\tpass(err)\n",
        "\tconv()\n",
        "}\n",
    ));
    for want in [
        r#"Return(["0", "errors.New(`boom`)"]),  // go: t.go:9"#,
        r#"Return(["0", "errors.New(`fetch %d`)"]),  // go: t.go:12"#,
        r#"Choose("err_1", ["nil", "errors.New(`err`)", "errors.New(`boom`)", "errors.New(`fetch %d`)"]),  // go: t.go:21"#,
        // An error parameter is followed.
        r#"Return(["0", "err"]),  // go: t.go:17"#,
        r#"Return(["i * 10", "nil"]),  // go: t.go:14"#,
        r#"Call(func: "fetch", args: [1], into: ["v", "err"]),  // go: t.go:24"#,
        r#"If("err != nil", [  // go: t.go:25"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // The error weft cannot follow is a noted choice of nil or not.
    assert!(
        i.abstractions.iter().any(|a| a.what
            == "the error `err` is data weft does not track: nil, another error and each \
                error the file makes are explored"),
        "{:?}",
        i.abstractions
    );
}

#[test]
fn the_right_operand_of_and_and_or_runs_only_when_go_evaluates_it() {
    // `x == 1 || <-ch == 2`: Go never receives (x is 1); weft received
    // first and reported a deadlock Go cannot reach.
    let i = one(
        "package main\nfunc main() {\n\tch := make(chan int)\n\tx := 1\n\tif x == 1 || <-ch == 2 {\n\t\tx = 2\n\t}\n\t_ = x\n}\n",
    );
    for want in [
        r#"Let("cond2", "x == 1"),  // go: t.go:5"#,
        r#"If("!cond2", [Recv(chan: "ch", into: "ch_received1"), Set("cond2", "ch_received1 == 2")]),  // go: t.go:5"#,
        r#"If("cond2", [  // go: t.go:5"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn errors_are_followed_in_fields_channels_parameters_and_variables() {
    let i = one(concat!(
        "package main\n",
        "import (\n\t\"errors\"\n\t\"strconv\"\n)\n",
        "type result struct {\n\tv   int\n\terr error\n}\n",
        "func check(err error) bool {\n\treturn err != nil\n}\n",
        "func main() {\n",
        "\tvar first error\n",
        "\terrc := make(chan error, 2)\n",
        "\terrc <- errors.New(\"a\")\n",
        "\t_, err := strconv.Atoi(\"x\")\n",
        "\terrc <- err\n",
        "\tr := result{1, <-errc}\n",
        "\tfirst = r.err\n",
        "\tif check(first) && errors.Is(first, r.err) {\n\t\tpanic(\"x\")\n\t}\n",
        "}\n",
    ));
    for want in [
        r#""result": {"v": "int", "err": "error"},"#,
        r#"Let("first", "nil"),  // go: t.go:14"#,
        r#"Chan("errc", 2, "error"),  // go: t.go:15"#,
        r#"Send("errc", "errors.New(`a`)"),  // go: t.go:16"#,
        r#"Choose("err_1", ["nil", "errors.New(`err`)", "errors.New(`a`)"]),  // go: t.go:18"#,
        r#"Send("errc", "err_1"),  // go: t.go:18"#,
        r#"Set("first", "r.err"),  // go: t.go:20"#,
        r#"Return("err != nil"),  // go: t.go:11"#,
        r#"If("check_3 && (first == r.err)", [  // go: t.go:21"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // Untracked data sent where weft follows what the channel carries: a
    // bool is either value; on an integer channel, no integer channel's
    // values are followed (its receiver would follow the 0 sent).
    let i = one(
        "package main\nimport \"strings\"\nfunc main() {\n\tc := make(chan bool, 1)\n\tc <- strings.HasPrefix(\"ab\", \"a\")\n\t<-c\n}\n",
    );
    assert!(
        i.text
            .contains(r#"Choose("sent1", [true, false]),  // go: t.go:5"#),
        "{}",
        i.text
    );
    let i = one(concat!(
        "package main\n",
        "import \"strings\"\n",
        "func count(d chan int) {\n\td <- 1\n}\n",
        "func main() {\n",
        "\tc := make(chan int, 1)\n",
        "\td := make(chan int, 1)\n",
        "\tcount(d)\n",
        "\tif <-d != 1 {\n\t\tpanic(\"y\")\n\t}\n",
        "\tc <- strings.Count(\"ab\", \"a\")\n",
        "\tif <-c > 0 {\n\t\tpanic(\"x\")\n\t}\n",
        "}\n",
    ));
    for want in [
        r#"Send("c", 0),  // go: t.go:13"#,
        "//   t.go:13:7: the value `strings.Count(\"ab\", \"a\")` sent is not tracked: 0 is sent",
        "//   t.go:14:5: the condition `<-c > 0` reads data weft does not track: both ways are explored",
        // `d` carries integers too: what it carries is not followed
        // either (translated before the send on `c` was met).
        "//   t.go:10:5: the condition `<-d != 1` reads data weft does not track: both ways are explored",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn a_call_returned_whole_and_function_values_keep_their_errors() {
    let i = one(concat!(
        "package main\n",
        "import \"errors\"\n",
        "type store struct{ n int }\n",
        "func (s *store) get(i int) (int, error) {\n",
        "\tif i < 0 {\n\t\treturn 0, errors.New(\"neg\")\n\t}\n",
        "\treturn s.n + i, nil\n",
        "}\n",
        "func (s *store) Get(i int) (int, error) {\n\treturn s.get(i)\n}\n",
        "func retry(f func() error) error {\n\treturn f()\n}\n",
        "func always() error { return errors.New(\"down\") }\n",
        "func main() {\n",
        "\ts := &store{n: 1}\n",
        "\tv, err := s.Get(-1)\n",
        "\tif err == nil || v != 0 {\n\t\tpanic(\"want error\")\n\t}\n",
        "\tif retry(always) == nil {\n\t\tpanic(\"always fails\")\n\t}\n",
        "}\n",
    ));
    for want in [
        r#"Call(func: "store_get", args: ["s", "i"], into: ["ret3", "ret4"]),  // go: t.go:11"#,
        r#"Return(["ret3", "ret4"]),  // go: t.go:11"#,
        // A call through a `func() error` value gives its error.
        r#"Call(func: "f", args: [], into: "f_2"),  // go: t.go:14"#,
        r#"Return("f_2"),  // go: t.go:14"#,
        r#"Return("errors.New(`down`)"),  // go: t.go:16"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(i.abstractions.is_empty(), "{:?}", i.abstractions);
}

#[test]
fn named_results_start_at_their_zero_values_and_a_bare_return_returns_them() {
    // Go: `work(1)` returns 10 and nil. The bare `return` returned
    // nothing, and weft panicked where Go does not. Named results are the
    // scenario function's named results: zero at first, returned by a
    // bare `Return`.
    let i = one(concat!(
        "package main\n",
        "import \"errors\"\n",
        "func work(i int) (n int, err error) {\n",
        "\tif i == 2 {\n\t\terr = errors.New(\"two\")\n\t\treturn\n\t}\n",
        "\tn = i * 10\n",
        "\treturn\n",
        "}\n",
        "func count() (n int) {\n\tn++\n\treturn\n}\n",
        "func main() {\n",
        "\tn, err := work(1)\n",
        "\tif err != nil || n != 10 || count() != 1 {\n\t\tpanic(\"x\")\n\t}\n",
        "}\n",
    ));
    for want in [
        r#""work": (params: ["i"], results: {"n": "int", "err": "error"}, body: [  // go: t.go:3"#,
        r#""count": (params: [], results: {"n": "int"}, body: [  // go: t.go:11"#,
        r#"Return,  // go: t.go:6"#,
        r#"Return,  // go: t.go:9"#,
        r#"Return,  // go: t.go:13"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(!i.text.contains(r#"Let("n", 0)"#), "{}", i.text);
    // A deferred call that changes a named result (the recover-to-error
    // pattern): the deferred body sets the result the caller takes.
    let i = one(concat!(
        "package main\n",
        "import \"fmt\"\n",
        "func work() (err error) {\n",
        "\tdefer func() {\n",
        "\t\tif r := recover(); r != nil {\n",
        "\t\t\terr = fmt.Errorf(\"recovered: %v\", r)\n",
        "\t\t}\n",
        "\t}()\n",
        "\tpanic(\"x\")\n",
        "}\n",
        "func main() {\n\t_ = work()\n}\n",
    ));
    for want in [
        r#""work": (params: [], results: {"err": "error"}, body: [  // go: t.go:3"#,
        r#"Set("err", "errors.New(`recovered: %v`)"),  // go: t.go:6"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A named result a goroutine assigns is a shared variable, returned by
    // value when `Return` runs: a deferred call could change it later, so
    // such a function with deferred calls is refused.
    let e = errors(
        concat!(
            "package main\n",
            "import \"sync\"\n",
            "func work() (n int) {\n",
            "\tvar mu sync.Mutex\n",
            "\tdefer mu.Unlock()\n",
            "\tmu.Lock()\n",
            "\tdone := make(chan bool)\n",
            "\tgo func() { n = 1; done <- true }()\n",
            "\t<-done\n",
            "\treturn\n",
            "}\n",
            "func main() {\n\t_ = work()\n}\n",
        ),
        &Options::default(),
    );
    assert!(
        e.iter().any(|(l, c, m)| (*l, *c) == (5, 2)
            && m == "cannot import a deferred call in a function whose named result `n` is \
                     shared (a goroutine uses it, or its address is taken)"),
        "{e:?}"
    );
    // A named result a goroutine only reads is still shared: the
    // `return` writes it while the goroutine may read it (Go's race
    // detector reports it), so it is a variable, not the result slot the
    // goroutine would copy.
    let i = one(concat!(
        "package main\n",
        "func f() (n int) {\n",
        "\tdone := make(chan bool)\n",
        "\tgo func() {\n\t\t_ = n\n\t\tdone <- true\n\t}()\n",
        "\tn = 1\n\t<-done\n\treturn\n",
        "}\n",
        "func main() {\n\t_ = f()\n}\n",
    ));
    assert!(
        i.text.contains(r#"Var("n", 0),  // go: t.go:2"#),
        "{}",
        i.text
    );
    assert!(!i.text.contains("results:"), "{}", i.text);
    // A function literal's named result (a function value, an errgroup
    // body) is its `results`, as a function's: a deferred call changes
    // what it returns (it was lost, and a bare `return` returned nothing:
    // weft panicked on `f() != 2` where Go does not).
    let i = one(
        "package main\nfunc main() {\n\tf := func() (n int) {\n\t\tdefer func() { n = 2 }()\n\t\treturn 1\n\t}\n\tif f() != 2 {\n\t\tpanic(\"f\")\n\t}\n}\n",
    );
    assert!(
        i.text.contains(
            r#"Func(name: "f", params: [], results: {"n": "int"}, body: [  // go: t.go:3"#
        ),
        "{}",
        i.text
    );
    let i = one(
        "package main\nimport (\n\t\"context\"\n\t\"errors\"\n\t\"golang.org/x/sync/errgroup\"\n)\nfunc main() {\n\tg, _ := errgroup.WithContext(context.Background())\n\tg.Go(func() (err error) {\n\t\tdefer func() {\n\t\t\tif r := recover(); r != nil {\n\t\t\t\terr = errors.New(\"r\")\n\t\t\t}\n\t\t}()\n\t\tpanic(\"boom\")\n\t})\n\t_ = g.Wait()\n}\n",
    );
    for want in [
        r#"Func(name: "body1", params: [], results: {"err": "error"}, body: [  // go: t.go:9"#,
        r#"Set("err", "errors.New(`r`)"),  // go: t.go:12"#,
        r#"GroupGo(group: "g", func: "body1"),  // go: t.go:9"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn context_errors_are_errors_an_untracked_error_may_be() {
    // `errors.Is(err, context.Canceled)` of `ctx.Err()` is a real test
    // (it was a choice taken both ways, so a panic Go never reaches was
    // reported); an error weft does not follow may be a context error
    // the file names, as an unknown call given the context returns.
    let i = one(concat!(
        "package main\n",
        "import (\n\t\"context\"\n\t\"errors\"\n)\n",
        "func main() {\n",
        "\tctx, cancel := context.WithCancel(context.Background())\n",
        "\tcancel()\n",
        "\tif err := ctx.Err(); !errors.Is(err, context.Canceled) {\n\t\tpanic(\"x\")\n\t}\n",
        "}\n",
    ));
    assert!(
        i.text
            .contains(r#"If("!(err == context.Canceled)", [  // go: t.go:9"#),
        "{}",
        i.text
    );
    assert!(i.abstractions.is_empty(), "{:?}", i.abstractions);
    let file = SourceFile::new(
        "t.go",
        concat!(
            "package main\n",
            "import (\n\t\"context\"\n\t\"errors\"\n\t\"net/http\"\n)\n",
            "func get(ctx context.Context) error {\n",
            "\treq, _ := http.NewRequestWithContext(ctx, \"GET\", \"http://x\", nil)\n",
            "\t_, err := http.DefaultClient.Do(req)\n",
            "\treturn err\n",
            "}\n",
            "func main() {\n",
            "\tctx, cancel := context.WithCancel(context.Background())\n",
            "\tcancel()\n",
            "\tif err := get(ctx); errors.Is(err, context.Canceled) {\n\t\tpanic(\"canceled\")\n\t}\n",
            "}\n",
        ),
    );
    let opts = Options {
        allow_abstract: true,
        ..Options::default()
    };
    let i = import(&file, &opts).expect("imports");
    assert!(
        i[0].text.contains(r#", "context.Canceled"])"#),
        "{}",
        i[0].text
    );
}

#[test]
fn receives_and_calls_in_the_arguments_of_data_calls_are_made() {
    // `fmt.Println(<-ch)` was left out whole: the receive with it, so
    // weft's main returned where Go's blocks. The arguments' receives and
    // calls of the file's functions are made; the data call is dropped.
    let i = one(concat!(
        "package main\n",
        "import (\n\t\"fmt\"\n\t\"strconv\"\n)\n",
        "func send(ch chan int) int {\n\tch <- 1\n\treturn 2\n}\n",
        "func main() {\n",
        "\tch := make(chan int, 3)\n",
        "\tch <- 5\n",
        "\tfmt.Println(<-ch)\n",
        "\tx := strconv.Itoa(<-ch)\n",
        "\tfmt.Println(x, send(ch))\n",
        "}\n",
    ));
    for want in [
        r#"Recv(chan: "ch", into: "ch_received1"),  // go: t.go:13"#,
        r#"Recv(chan: "ch", into: "ch_received2"),  // go: t.go:14"#,
        r#"Call(func: "send", args: ["ch"], into: "send_3"),  // go: t.go:15"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // Once each: a receive from a field inside untracked data (whose
    // shared reads are kept) is not made again as such a read, and
    // `fmt.Errorf`'s arguments are evaluated too.
    let i = one(concat!(
        "package main\n",
        "import \"fmt\"\n",
        "type S struct {\n\tch chan int\n}\n",
        "func main() {\n",
        "\ts := &S{ch: make(chan int, 2)}\n",
        "\tch := make(chan int, 1)\n",
        "\ts.ch <- 1\n",
        "\tch <- 2\n",
        "\terr := fmt.Errorf(\"got %d\", <-ch)\n",
        "\tx := fmt.Sprint(<-s.ch)\n",
        "\tfmt.Println(err, x)\n",
        "}\n",
    ));
    assert_eq!(i.text.matches("Recv(").count(), 2, "{}", i.text);
    for want in [
        r#"Recv(chan: "ch", into: "ch_received2"),  // go: t.go:11"#,
        r#"Recv(chan: "s.ch", into: "sch_received3"),  // go: t.go:12"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn results_assigned_to_fields_go_through_locals() {
    // `into` takes names: `r.v, r.err = fetch(2)` wrote `into: ["r.v",
    // "r.err"]`, which the language rejects.
    let i = one(concat!(
        "package main\n",
        "import \"errors\"\n",
        "type result struct {\n\tv   int\n\terr error\n}\n",
        "func fetch(i int) (int, error) {\n\treturn i, errors.New(\"boom\")\n}\n",
        "func main() {\n",
        "\tr := &result{}\n",
        "\tr.v, r.err = fetch(2)\n",
        "\tif r.err == nil {\n\t\tpanic(\"x\")\n\t}\n",
        "}\n",
    ));
    // `fmt.Errorf` reading a field, assigned: its read is kept and the
    // error is not nil (it was a choice of nil or not).
    let j = one(concat!(
        "package main\n",
        "import \"fmt\"\n",
        "type result struct {\n\terr error\n}\n",
        "func main() {\n",
        "\tr := &result{}\n",
        "\tr.err = fmt.Errorf(\"x: %v\", r.err)\n",
        "\tif r.err == nil {\n\t\tpanic(\"x\")\n\t}\n",
        "}\n",
    ));
    for want in [
        r#"Let("read1", "r.err"),  // go: t.go:8"#,
        r#"Set("r.err", "errors.New(`x: %v`)"),  // go: t.go:8"#,
    ] {
        assert!(j.text.contains(want), "{want}\n{}", j.text);
    }
    assert!(j.abstractions.is_empty(), "{:?}", j.abstractions);
    for want in [
        r#"Call(func: "fetch", args: [2], into: ["result1", "result2"]),  // go: t.go:12"#,
        r#"Set("r.v", "result1"),  // go: t.go:12"#,
        r#"Set("r.err", "result2"),  // go: t.go:12"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn strings_are_followed_until_a_holder_is_given_one_built_at_run_time() {
    // Constants: a registry keyed by name, a status field compared.
    let go = |send_to: &str| {
        format!(
            "package main\nimport \"fmt\"\ntype C struct{{ state string }}\nfunc send(m map[string]*C, name string) bool {{\n\treturn m[name].state == \"open\"\n}}\nfunc main() {{\n\tm := map[string]*C{{}}\n\tm[\"a\"] = &C{{state: \"open\"}}\n\tsend(m, {send_to})\n\tfmt.Println(m)\n}}\n"
        )
    };
    let i = one(&go("\"a\""));
    for want in [
        r#""C": {"state": "string"},"#,
        r#"New("c1", "C", {"state": "`open`"}),  // go: t.go:9"#,
        r#"Set("m[`a`]", "c1"),  // go: t.go:9"#,
        r#"Call(func: "send", args: ["m", "`a`"]),  // go: t.go:10"#,
        r#""send": (params: ["m", "name"], body: [  // go: t.go:4"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A name built at run time: the parameter is untracked, the lookup
    // with it reads the map and its result is a choice; the entries
    // written with constants and the field stay followed.
    let i = one(&go("fmt.Sprint(1)"));
    for want in [
        r#""C": {"state": "string"},"#,
        r#"Call(func: "send", args: ["m"]),  // go: t.go:10"#,
        r#""send": (params: ["m"], body: [  // go: t.go:4"#,
        r#"Set("m[`a`]", "c1"),  // go: t.go:9"#,
        r#"Either([[Return("true")], [Return("false")]]),  // go: t.go:5"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A field given a built string is untracked data (a cell holding nil).
    let i = one("package main\nimport \"fmt\"\ntype C struct{ state string }\nfunc main() {\n\tc := &C{state: \"open\"}\n\tc.state = fmt.Sprint(2)\n\tif c.state == \"open\" {\n\t\tpanic(1)\n\t}\n}\n");
    assert!(i.text.contains(r#""C": {"state": "any"},"#), "{}", i.text);
    assert!(i.text.contains("Either("), "{}", i.text);
}

#[test]
fn string_constants_switches_channels_and_results_are_followed() {
    let i = one(concat!(
        "package main\n",
        "type state string\n",
        "const (\n\topen state = \"open\"\n\tclosed state = \"closed\"\n)\n",
        "type conn struct{ st state }\n",
        "func (c *conn) State() state { return c.st }\n",
        "func describe(s state) string {\n",
        "\tswitch s {\n\tcase open:\n\t\treturn \"up\"\n\t}\n\treturn \"down\"\n}\n",
        "func main() {\n",
        "\tc := &conn{st: open}\n",
        "\tdone := make(chan string, 1)\n",
        "\tgo func(n string) {\n\t\tc.st = closed\n\t\tdone <- n\n\t}(\"w\")\n",
        "\tif <-done == \"w\" && describe(c.State()) != \"down\" {\n\t\tpanic(\"bad \" + describe(c.st))\n\t}\n",
        "\tseen := map[string]bool{\"a\": true}\n",
        "\tfor k := range seen {\n\t\tif k != \"a\" {\n\t\t\tpanic(k)\n\t\t}\n\t}\n",
        "}\n",
    ));
    for want in [
        r#""conn": {"st": "string"},"#,
        r#"New("c", "conn", {"st": "`open`"}),  // go: t.go:17"#,
        r#"Chan("done", 1, "string"),  // go: t.go:18"#,
        r#"Let("n_arg"#,
        r#"Set("c.st", "`closed`"),  // go: t.go:20"#,
        r#"Send("done", "n"),  // go: t.go:21"#,
        r#"Return("c.st"),  // go: t.go:8"#,
        r#"Case(["`open`"], [  // go: t.go:11"#,
        r#"Return("`up`"),  // go: t.go:12"#,
        r#"Panic("\"bad \" + describe(c.st)"),  // go: t.go:24"#,
        r#"If("k != `a`", [  // go: t.go:28"#,
        r#"Set("seen[`a`]", true),  // go: t.go:26"#,
        r#"Let("cond5", "done_received2 == `w`"),  // go: t.go:23"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // Nothing of it is a choice.
    assert!(!i.text.contains("Either("), "{}", i.text);
}

#[test]
fn slices_and_maps_of_strings_hold_strings_until_one_holds_a_built_one() {
    let go = |label: &str| {
        format!(
            "package main\nimport \"fmt\"\nfunc main() {{\n\tstate := map[string]string{{}}\n\tnames := []string{{\"api\", \"db\"}}\n\tfor _, n := range names {{\n\t\tstate[n] = \"running\"\n\t}}\n\tlabels := make([]string, 2)\n\tlabels[0] = {label}\n\tif state[\"db\"] != \"running\" || labels[1] != \"\" {{\n\t\tpanic(1)\n\t}}\n}}\n"
        )
    };
    let i = one(&go("\"x\""));
    for want in [
        r#"Map("state", "string"),  // go: t.go:4"#,
        r#"Set("names[1]", "`db`"),  // go: t.go:5"#,
        r#"Range(chan: "names", value: "n", body: [  // go: t.go:6"#,
        r#"Set("state[n]", "`running`"),  // go: t.go:7"#,
        r#"Slice("labels", "string", 2),  // go: t.go:9"#,
        r#"Set("labels[0]", "`x`"),  // go: t.go:10"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(!i.text.contains("Either("), "{}", i.text);
    // One element given a built string: every string element and value
    // is untracked (a cell holding nil), and so, through `n`, the map's
    // keys; the condition is a choice.
    let i = one(&go("fmt.Sprint(1)"));
    for want in [
        r#"Map("state", "any"),  // go: t.go:4"#,
        r#"Slice("labels", "any", 2),  // go: t.go:9"#,
        r#"Set("labels[0]", "nil"),  // go: t.go:10"#,
        "Either([[  // go: t.go:11",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn a_named_string_result_is_the_functions_result_and_a_built_one_is_refused() {
    let go = "package main\nfunc f(ok bool) (s string, err error) {\n\tdefer func() {\n\t\tif s == \"\" {\n\t\t\ts = \"none\"\n\t\t}\n\t}()\n\tif ok {\n\t\ts = \"yes\"\n\t}\n\treturn\n}\nfunc main() {\n\ts, _ := f(false)\n\tif s != \"none\" {\n\t\tpanic(s)\n\t}\n}\n";
    let i = one(go);
    for want in [
        r#""f": (params: ["ok"], results: {"s": "string", "err": "error"}, body: [  // go: t.go:2"#,
        r#"If("s == ``", [  // go: t.go:4"#,
        r#"Set("s", "`none`"),  // go: t.go:5"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    let e = errors(
        &go.replace("s = \"yes\"", "s = fmt.Sprint(1)"),
        &Options::default(),
    );
    assert!(
        e.iter()
            .any(|(l, _, m)| *l == 9 && m.contains("assigning untracked data to `s`")),
        "{e:?}"
    );
    let built = go.replace("s = \"yes\"", "s = fmt.Sprint(1)");
    let Err(d) = import(&SourceFile::new("t.go", built), &Options::default()) else {
        panic!("imported");
    };
    assert!(
        d.iter().any(|d| d
            .help
            .as_deref()
            .is_some_and(|h| h.contains("weft follows this variable (a string)"))),
        "{d:?}"
    );
}

#[test]
fn a_select_evaluates_its_send_values_before_it_chooses() {
    // The literal's `New` was written among the select's cases, a
    // scenario the language refuses ("unknown select case `New`").
    let i = one(
        "package main\ntype event struct{ kind string }\nfunc main() {\n\tevents := make(chan event, 1)\n\tstop := make(chan struct{})\n\tselect {\n\tcase events <- event{kind: \"added\"}:\n\tcase <-stop:\n\t}\n}\n",
    );
    let s = statements(&i.text);
    let at = |want: &str| {
        s.iter()
            .position(|l| l.trim() == want)
            .unwrap_or_else(|| panic!("no `{want}` in:\n{}", i.text))
    };
    assert_eq!(
        at(r#"New("event1", "event", {"kind": "`added`"}),"#) + 1,
        at("Select(["),
        "{}",
        i.text
    );
    at(r#"Send(chan: "events", value: "event1", body: ["#);
}

#[test]
fn a_closures_string_parameter_given_a_built_string_is_untracked() {
    let i = one(
        "package main\nimport \"fmt\"\nfunc main() {\n\tdone := make(chan bool)\n\tgo func(n string) {\n\t\tif n == \"a\" {\n\t\t\tn = fmt.Sprint(2)\n\t\t}\n\t\tdone <- n == \"b\"\n\t}(\"a\")\n\tf := func(s string) bool {\n\t\treturn s == \"a\"\n\t}\n\tif !f(\"a\") {\n\t\tpanic(1)\n\t}\n\t<-done\n}\n",
    );
    for want in [
        // `n`'s comparisons are choices; `s` is followed.
        "Either([[  // go: t.go:6",
        r#"Choose("sent1", [true, false]),  // go: t.go:9"#,
        r#"Return("s == `a`"),  // go: t.go:12"#,
        r#"Call(func: "f", args: ["`a`"], into: "f_2"),  // go: t.go:14"#,
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn a_field_access_through_a_pointer_weft_does_not_follow_may_dereference_nil() {
    let go = |lookup: &str| {
        format!(
            "package main\nimport \"fmt\"\ntype C struct{{ n int }}\nfunc main() {{\n\tm := map[string]*C{{}}\n\tk := fmt.Sprint(1)\n\t{lookup}\n\t\tc.n = 2\n\t}}\n}}\n"
        )
    };
    let i = one(&go("c := m[k]\n\t{"));
    assert!(
        i.text.contains(
            r#"Either([[Panic("runtime error: invalid memory address or nil pointer dereference")], []]),  // go: t.go:9"#
        ),
        "{}",
        i.text
    );
    assert!(
        i.abstractions
            .iter()
            .any(|a| a.what.contains("`c` may be nil")),
        "{:?}",
        i.abstractions
    );
    // Checked with comma-ok, as Go code that expects an absent key does:
    // no such choice.
    let i = one(&go("if c, ok := m[k]; ok {"));
    assert!(!i.text.contains("nil pointer dereference"), "{}", i.text);
}

#[test]
fn slices_of_errors_hold_the_errors_they_are_given() {
    // `[]error` was refused ("not in weft's language"): collecting the
    // errors of goroutines in a slice is how much Go code reports them.
    let i = one(
        "package main\nimport \"errors\"\nvar errA = errors.New(\"a\")\nfunc main() {\n\tpre := []error{nil, errA}\n\tall := make([]error, 0)\n\tvar more []error\n\tfor _, e := range pre {\n\t\tif e != nil {\n\t\t\tall = append(all, e)\n\t\t}\n\t}\n\tmore = append(more, all...)\n\tmore = append(more, nil)\n\tif len(more) != 2 || more[0] != errA {\n\t\tpanic(\"lost\")\n\t}\n}\n",
    );
    for want in [
        "Slice(\"pre\", \"error\", 2),  // go: t.go:5",
        "Set(\"pre[1]\", \"errors.New(`a`)\"),  // go: t.go:5",
        "Slice(\"all\", \"error\", 0),  // go: t.go:6",
        "Let(name: \"more\", value: \"nil\", type: \"[]error\"),  // go: t.go:7",
        "Range(chan: \"pre\", value: \"e\"",
        "Append(\"all\", \"e\"),  // go: t.go:10",
        "Append(\"more\", \"all...\"),  // go: t.go:13",
        "Append(\"more\", \"nil\"),  // go: t.go:14",
        "If(\"len(more) != 2 || more[0] != errors.New(`a`)\", [  // go: t.go:15",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    // A value of another kind is refused at the value.
    let e = errors(
        "package main\nfunc main() {\n\tvar errs []error\n\terrs = append(errs, 1)\n\t_ = errs\n}\n",
        &Options::default(),
    );
    assert_eq!((e[0].0, e[0].1), (4, 22), "{e:?}");
    assert!(e[0].2.contains("whose elements are `error`"), "{e:?}");
}

#[test]
fn a_slice_literal_inside_an_expression_is_made_before_its_statement() {
    // `f([]int{1, 2})`, `return []int{a, b}` and a goroutine's argument
    // were refused ("an argument weft cannot follow").
    let i = one(
        "package main\nfunc pair(a int) []int {\n\treturn []int{a, a + 1}\n}\nfunc total(xs []int) int {\n\tt := 0\n\tfor _, x := range xs {\n\t\tt += x\n\t}\n\treturn t\n}\nfunc main() {\n\tp := pair(2)\n\tif total([]int{p[0], 4}) != 6 {\n\t\tpanic(\"sum\")\n\t}\n\tdone := make(chan bool)\n\tgo func(xs []bool) {\n\t\tdone <- xs[1]\n\t}([]bool{false, true})\n\t<-done\n}\n",
    );
    for want in [
        "Slice(\"literal2\", \"int\", 2),  // go: t.go:14",
        "Set(\"literal2[0]\", \"p[0]\"),  // go: t.go:14",
        "Set(\"literal2[1]\", 4),  // go: t.go:14",
        "Call(func: \"total\", args: [\"literal2\"], into: \"total_1\"),  // go: t.go:14",
        "Slice(\"literal3\", \"bool\", 2),  // go: t.go:20",
        "Set(\"literal3[1]\", true),  // go: t.go:20",
        "Slice(\"literal6\", \"int\", 2),  // go: t.go:3",
        "Return(\"literal6\"),  // go: t.go:3",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
}

#[test]
fn clock_readings_and_float_conversions_are_data_and_keep_their_go_types() {
    // `time.Now()` and `float64(n)` were refused; fields and slices of
    // data weft does not track were written `any` (whose size is not a
    // float64's: growth differs).
    let i = one(
        "package main\nimport (\n\t\"sync\"\n\t\"time\"\n)\ntype S struct {\n\tmu sync.Mutex\n\tsamples []float64\n\tlast time.Time\n\tby map[int]complex128\n}\nfunc main() {\n\ts := &S{}\n\tt0 := time.Now()\n\ts.mu.Lock()\n\ts.samples = append(s.samples, float64(len(s.samples)))\n\ts.last = time.Now()\n\ts.mu.Unlock()\n\t_ = time.Since(t0)\n}\n",
    );
    for want in [
        "\"S\": {\"mu\": \"sync.Mutex\", \"samples\": \"[]float64\", \"last\": \"time.Time\", \"by\": \"map[int]complex128\"},",
        "Append(\"s.samples\", \"nil\"),  // go: t.go:16",
    ] {
        assert!(i.text.contains(want), "{want}\n{}", i.text);
    }
    assert!(
        i.abstractions
            .iter()
            .any(|a| a.what.contains("`time.Now(...)` has no synchronisation")),
        "{:?}",
        i.abstractions
    );
}
