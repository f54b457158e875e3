//! `weft import`: Go source to weft scenarios.
//!
//! [`import`] parses a Go file with tree-sitter's Go grammar and writes one
//! scenario per entry point (a `TestXxx(t *testing.T)` function, `main`, or
//! a function chosen by name) in weft's RON language, with a
//! [`SourceMap`] from every emitted statement back to the Go code it was
//! made from, so that reports of the scenario show Go positions. What
//! cannot be translated is a [`Diagnostic`] at the Go file's position
//! naming the construct; data weft does not track becomes a documented
//! nondeterministic choice, listed in [`Imported::abstractions`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use tree_sitter::{Node, Parser, Tree};
use weft_models::diagnostic::Diagnostic;
use weft_models::span::{SourceFile, SourceMap, Span};

mod calls;
mod control;
mod emit;
mod expr;
mod grow;
mod maps;
mod records;
mod scan;
mod scope;
mod stmt;
mod strings;
mod untracked;
mod values;

use emit::{q, Emitter};
use scope::{Kind, Scope};

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Import only this function (`--func NAME`); any function may be named.
    pub func: Option<String>,
    /// Accept documented over-approximations (`--allow-abstract`): a call
    /// of a function the file does not define becomes a no-op whose
    /// results are untracked data, instead of an error.
    pub allow_abstract: bool,
    /// The Go version (from a `go.mod` beside the file): the scenario's `go:`,
    /// and the loop variables' semantics (one per loop before Go 1.22)
    /// unless the file's `//go:build` line names a Go version.
    pub go: Option<String>,
}

/// The Go version a file's `//go:build` constraint names (`go1.21` →
/// `1.21`; the lowest when it names several), which sets the file's
/// language version.
pub fn go_build_version(src: &str) -> Option<String> {
    let line = src
        .lines()
        .take_while(|l| !l.trim_start().starts_with("package "))
        .find_map(|l| l.trim().strip_prefix("//go:build"))?;
    line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .filter_map(|w| w.strip_prefix("go1."))
        .filter_map(|m| m.split('.').next()?.parse::<u32>().ok())
        .min()
        .map(|m| format!("1.{m}"))
}

/// Whether Go `version` (`1.21`, `1.22.5`) gives each loop one variable
/// for all its iterations (before Go 1.22).
fn per_loop_vars(version: Option<&str>) -> bool {
    let Some(v) = version else {
        return false;
    };
    let mut parts = v.trim().trim_start_matches("go").split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    matches!((major, minor), (Some(1), Some(m)) if m < 22)
}

/// An approximation the import made, at its Go position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Abstraction {
    /// Where, in the Go file.
    pub at: Span,
    /// The innermost Go statement being translated when it was made (the
    /// `if` of a condition, the send of a value): a counterexample step
    /// there goes through it.
    pub stmt: Span,
    /// It may make a run Go never makes: a choice of data weft does not
    /// track (a condition or switch explored every way) or a call assumed
    /// to synchronise with nothing. The others only leave data untracked,
    /// which a later choice on it would name.
    pub may_diverge: bool,
    /// What was approximated and how.
    pub what: String,
}

/// One imported scenario.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The Go function it was imported from.
    pub entry: String,
    /// The scenario, as RON text.
    pub text: String,
    /// From the scenario's statements to the Go code.
    pub map: SourceMap,
    /// The approximations made, in Go file order.
    pub abstractions: Vec<Abstraction>,
}

/// An error that stops one statement's translation.
pub type Fail = Box<Diagnostic>;

/// Nesting deeper than this is rejected (keeps the recursive translation
/// bounded on any input).
const MAX_DEPTH: u32 = 64;

/// The `go` directive of a `go.mod` file's text (`go 1.22` → `1.22`).
pub fn go_mod_version(gomod: &str) -> Option<String> {
    gomod.lines().find_map(|l| {
        let l = l.trim();
        let v = l.strip_prefix("go ")?.trim();
        (!v.is_empty()).then(|| v.to_string())
    })
}

/// A Go function's signature, as weft sees it.
#[derive(Clone, Debug)]
pub struct Sig {
    /// Parameters: Go name and kind (`Untracked` ones are left out of the scenario).
    pub params: Vec<(String, Kind)>,
    /// The string holder ([`strings::local_holder`]) of each parameter of
    /// type `string`, by position.
    pub holders: Vec<Option<String>>,
    /// The kind of the one tracked result that is not an error, if it has
    /// one only (what a function value's call gives).
    pub result: Option<Kind>,
    /// How many results the Go function has.
    pub results: usize,
    /// Every result weft follows, errors included: its position among the
    /// results and its kind. A call of the file's function takes these
    /// (`into: ["v", "err"]`), and its `Return`s give them.
    pub tracked: Vec<(usize, Kind)>,
}

impl Sig {
    /// Whether a call takes several results, or an error (`into: ["v",
    /// "err"]`) and its `Return`s give them all: every tracked result in
    /// its position.
    pub fn several(&self) -> bool {
        self.tracked.len() > 1 || self.tracked.iter().any(|(_, k)| *k == Kind::Error)
    }

    /// What a call through a function value gives: its one result, an
    /// error included, when it has exactly one weft follows.
    pub fn value_result(&self) -> Option<Kind> {
        match (self.results, self.tracked.as_slice()) {
            (1, [(_, k)]) => Some(*k),
            _ => None,
        }
    }
}

/// The package-level declarations of the file.
pub struct Pkg<'t> {
    /// Functions by name.
    pub funcs: HashMap<String, Node<'t>>,
    /// Methods, by their scenario name `Type_Method` (also in `funcs`,
    /// under that name: a method is a function whose first parameter is
    /// its receiver).
    pub methods: HashMap<String, Node<'t>>,
    /// The file's struct types, in file order ([`Kind::Record`] indexes it).
    pub structs: Vec<StructDef<'t>>,
    /// The file's other named types, to their underlying type's text
    /// (`type Job int`).
    pub named: HashMap<String, String>,
    /// Integer constants: the scenario's parameters.
    pub consts: BTreeMap<String, i64>,
    /// String constants, as weft writes them (`` `open` ``): inlined
    /// where they are used ([`strings`]).
    pub str_consts: BTreeMap<String, String>,
    /// Package variables, in file order.
    pub vars: Vec<Node<'t>>,
    /// The `init` functions, in file order, by their scenario names
    /// (`init`, `init_2`, ...; also in `funcs`): Go runs them before
    /// `main` and before the tests.
    pub inits: Vec<String>,
    /// Names assigned anywhere in the file (`x = ...` with `x` an
    /// identifier, in any function): a package slice among them is a
    /// shared variable (`xs = append(xs, v)`).
    pub assigned: HashSet<String>,
}

/// A struct type of the file.
pub struct StructDef<'t> {
    /// Its Go name.
    pub name: String,
    /// Its fields: Go name, Go type text and the type's node, in order.
    pub fields: Vec<(String, String, Node<'t>)>,
    /// The names of its embedded fields (`type A struct{ B }`: `B`), whose
    /// fields and methods are promoted.
    pub embedded: Vec<String>,
}

/// The translation of one entry point.
pub struct Importer<'a> {
    /// The Go source.
    pub src: &'a str,
    /// The Go file's name as comments show it.
    pub file: String,
    /// Package-level declarations.
    pub pkg: &'a Pkg<'a>,
    /// Options.
    pub opts: &'a Options,
    /// Names visible now.
    pub scope: Scope,
    /// Current nesting depth.
    pub depth: u32,
    /// Package constants used.
    pub used_consts: BTreeSet<String>,
    /// Errors so far.
    pub diags: Vec<Diagnostic>,
    /// Names the current function's failed statements would have declared
    /// (`c := &T{...}` refused): a later statement that fails and names one
    /// reports nothing, since its error would follow from the first (a
    /// call `c.M()` on an unknown `c` is no unknown call).
    pub unimported: HashSet<String>,
    /// Abstractions so far.
    pub notes: Vec<Abstraction>,
    /// The spans of the statements being translated, outermost first.
    pub statements: Vec<Span>,
    /// Locals of the current function shared with a closure that assigns
    /// them (or whose address is taken): they become `Var`s.
    pub shared: HashSet<String>,
    /// Functions called and not translated yet.
    pub wanted: Vec<String>,
    /// The current function's tracked result kind.
    pub result: Option<Kind>,
    /// Its position among the function's results.
    pub result_pos: Option<usize>,
    /// The current function's results weft follows, errors included
    /// ([`Sig::tracked`]); empty in function literals, which return one.
    pub returns: Vec<(usize, Kind)>,
    /// How many results the current function has.
    pub result_count: usize,
    /// The current function's named results (`(n int, err error)`), in
    /// order, with their kinds; empty when its results have no names.
    pub named_results: Vec<(String, Kind)>,
    /// The current function's named results as the scenario declares
    /// them (`results: {"n": "int", "err": "error"}`): name and Go type of
    /// each result weft returns, when they are its result variables.
    pub results_header: Option<Vec<(String, String)>>,
    /// While `return f(x)` is translated: the locals the call's followed
    /// results go to (`f` returns as the current function does).
    pub temp_results: Option<Vec<(String, Kind)>>,
    /// The function being translated (its node's id; `None` inside a
    /// function literal).
    pub current_func: Option<usize>,
    /// Functions (by node id) whose result weft would follow but which
    /// return data it does not track there: their callers take the result
    /// as untracked ([`Sig::result`] is `None`). An earlier pass found
    /// them.
    pub untracked_results: HashSet<usize>,
    /// The same, found by this pass.
    pub gave_untracked: HashSet<usize>,
    /// Integer channels carry data weft does not track: a send of such
    /// data on one was found by an earlier pass, so no receive of an
    /// integer channel is followed (its receiver would follow a 0 where
    /// Go receives the data).
    pub untracked_int_chans: bool,
    /// The same, found by this pass.
    pub gave_untracked_int_chan: bool,
    /// String holders and map keys an earlier pass found given data weft
    /// does not track ([`strings`]).
    pub untracked_strs: strings::StrDowngrades,
    /// The same, found by this pass.
    pub gave_untracked_strs: strings::StrDowngrades,
    /// Functions (by node id) found returning a pointer weft does not
    /// follow that may be nil ([`Importer::may_be_nil`]) by an earlier
    /// pass: a field access through what a call of one gives may
    /// dereference nil.
    pub nil_results: HashSet<usize>,
    /// The same, found by this pass.
    pub gave_nil_result: HashSet<usize>,
    /// Locals of the current function holding a pointer weft does not
    /// follow (`c := m[k]` with a key it does not track): a field access
    /// through one may dereference nil ([`Importer::maybe_nil_access`]).
    pub maybe_nil: HashSet<String>,
    /// Every error value the file makes (``errors.New(`text`)``, sorted,
    /// once computed): what an error weft does not follow may be.
    pub file_errors: Option<Vec<String>>,
    /// The current function is the entry point (`main` of the scenario).
    pub in_main: bool,
    /// Statements hoisted out of expressions, for the next statement.
    pub hoisted: emit::Hoisted,
    /// Temporaries made so far (for unique names).
    pub temps: usize,
    /// The temporary a hoisted call's result goes to.
    pub temp_target: Option<String>,
    /// Loops have one variable for all their iterations (Go before 1.22).
    pub per_loop_vars: bool,
    /// Functions whose `error` result weft follows: those an errgroup's
    /// `Go` runs (and those whose errors they return).
    pub error_funcs: HashSet<String>,
    /// While set, results assigned to existing variables holding objects
    /// go to fresh temporaries, listed here as `(variable, temporary)`
    /// (weft's declarations always declare; the caller then `Set`s).
    pub renamed: Option<Vec<(String, String)>>,
    /// Translating the package's variables (`globals`).
    pub in_globals: bool,
    /// Expressions (by node id) already evaluated into a temporary: a
    /// deferred call's arguments, which Go evaluates at the `defer`.
    pub evaluated: HashMap<usize, expr::Ex>,
}

fn span_of(n: Node) -> Span {
    Span::new(
        u32::try_from(n.start_byte()).unwrap_or(u32::MAX),
        u32::try_from(n.end_byte()).unwrap_or(u32::MAX),
    )
}

impl<'a> Importer<'a> {
    /// The span of a node.
    pub fn span(&self, n: Node) -> Span {
        span_of(n)
    }

    /// An error naming an unsupported construct.
    pub fn unsupported(&self, n: Node, what: &str) -> Fail {
        Box::new(
            Diagnostic::new(format!("cannot import {what}"), span_of(n))
                .with_label(format!("{what}: not in weft's language")),
        )
    }

    /// An error naming an unsupported construct, with a hint.
    pub fn unsupported_with(&self, n: Node, what: &str, help: &str) -> Fail {
        Box::new((*self.unsupported(n, what)).with_help(help))
    }

    /// Records an abstraction at `n` that only leaves data untracked.
    pub fn note(&mut self, n: Node, what: String) {
        self.record_note(n, what, false);
    }

    /// Records an abstraction at `n` that may make a run Go never makes
    /// ([`Abstraction::may_diverge`]).
    pub fn note_divergent(&mut self, n: Node, what: String) {
        self.record_note(n, what, true);
    }

    fn record_note(&mut self, n: Node, what: String, may_diverge: bool) {
        let at = span_of(n);
        if !self.notes.iter().any(|a| a.at == at && a.what == what) {
            let stmt = self.statements.last().copied().unwrap_or(at);
            self.notes.push(Abstraction {
                at,
                stmt,
                may_diverge,
                what,
            });
        }
    }

    /// Enters one nesting level, failing past [`MAX_DEPTH`].
    pub fn depth_in(&mut self, n: Node) -> Result<(), Fail> {
        if self.depth >= MAX_DEPTH {
            return Err(Box::new(
                Diagnostic::new(
                    format!("code nested more than {MAX_DEPTH} levels deep"),
                    span_of(n),
                )
                .with_label("too deeply nested to import"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// The signature of a package function.
    pub fn sig(&self, f: Node) -> Result<Sig, Fail> {
        let mut params = Vec::new();
        let mut holders = Vec::new();
        // A method's receiver is its first parameter.
        let lists = [
            f.child_by_field_name("receiver"),
            f.child_by_field_name("parameters"),
        ];
        for list in lists.into_iter().flatten() {
            let receiver = f.child_by_field_name("receiver") == Some(list);
            let mut c = list.walk();
            for p in list.named_children(&mut c) {
                if p.kind() != "parameter_declaration" {
                    return Err(self.unsupported(p, "a variadic parameter"));
                }
                let Some(ty) = p.child_by_field_name("type") else {
                    continue;
                };
                let tys = self.text(ty);
                if receiver {
                    if let Some(Kind::Record { ty: t, value: true }) = self.kind_of(tys) {
                        self.copied_fields(p, t, "a value receiver")?;
                    }
                }
                let kind = self.param_kind(ty, tys)?;
                let mut c2 = p.walk();
                let names: Vec<Node> = p.children_by_field_name("name", &mut c2).collect();
                if names.is_empty() {
                    params.push(("_".to_string(), kind));
                    holders.push(None);
                }
                for n in names {
                    let holder = strings::local_holder(n);
                    params.push((self.text(n).to_string(), self.held_kind(&holder, kind)));
                    holders.push((kind == Kind::Str).then_some(holder));
                }
            }
        }
        let mut results = Vec::new();
        if let Some(r) = f.child_by_field_name("result") {
            if r.kind() == "parameter_list" {
                let mut c = r.walk();
                for p in r.named_children(&mut c) {
                    if let Some(ty) = p.child_by_field_name("type") {
                        let k = self.result_kind(ty)?;
                        let mut c2 = p.walk();
                        let n = p.children_by_field_name("name", &mut c2).count().max(1);
                        results.extend(std::iter::repeat_n(k, n));
                    }
                }
            } else {
                results.push(self.result_kind(r)?);
            }
        }
        // A result found returning untracked data (an earlier pass) is
        // untracked for the callers; an error never is (`Return` chooses
        // nil or not for an error weft does not follow).
        let untracked = self.untracked_results.contains(&f.id());
        let tracked: Vec<(usize, Kind)> = results
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, k)| *k != Kind::Untracked && (*k == Kind::Error || !untracked))
            .collect();
        let values: Vec<Kind> = tracked
            .iter()
            .map(|(_, k)| *k)
            .filter(|k| *k != Kind::Error)
            .collect();
        Ok(Sig {
            params,
            holders,
            result: match values.as_slice() {
                [one] => Some(*one),
                _ => None,
            },
            results: results.len(),
            tracked,
        })
    }

    /// The kind of a result of type `ty`: an `error` is followed (nil,
    /// `errors.New`, `fmt.Errorf`, another such function's error).
    fn result_kind(&self, ty: Node) -> Result<Kind, Fail> {
        let tys = self.text(ty);
        if tys.trim() == "error" {
            return Ok(Kind::Error);
        }
        self.param_kind(ty, tys)
    }

    fn param_kind(&self, ty: Node, tys: &str) -> Result<Kind, Fail> {
        let Some(kind) = self.kind_of(tys) else {
            return Err(self.unsupported_with(
                ty,
                &format!("a value of type `{tys}`"),
                "weft tracks integers, booleans, channels, maps, sync objects, contexts, timers, \
                 the file's struct types, slices and arrays of those, and function values",
            ));
        };
        // A struct value is passed as a copy (`crate::values`).
        if let Kind::Record { ty: t, value: true } = kind {
            self.copied_fields(ty, t, "a struct passed by value")?;
        }
        if let Kind::Slice { array: true, .. } = kind {
            return Err(self.unsupported_with(
                ty,
                "an array passed by value",
                "weft does not model array copies; pass a slice, which is shared",
            ));
        }
        let by_value = !tys.trim_start().starts_with('*');
        if by_value
            && matches!(
                kind,
                Kind::Mutex | Kind::RwMutex | Kind::WaitGroup | Kind::Once | Kind::Cond
            )
        {
            return Err(Box::new(
                Diagnostic::new(
                    format!("`{tys}` passed by value: the function gets a copy"),
                    span_of(ty),
                )
                .with_label("a copy of a sync object")
                .with_help(format!(
                    "pass a pointer: `*{tys}` (go vet's copylocks check reports this too)"
                )),
            ));
        }
        Ok(kind)
    }
}

/// Parses Go source.
fn parse(text: &str) -> Option<Tree> {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_go::LANGUAGE.into()).ok()?;
    p.parse(text, None)
}

/// The first syntax error of the tree, if any.
fn syntax_error(tree: &Tree) -> Option<Span> {
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            return Some(span_of(n));
        }
        if n.has_error() {
            let mut c = n.walk();
            let kids: Vec<Node> = n.children(&mut c).collect();
            stack.extend(kids.into_iter().rev());
        }
    }
    None
}

/// The entry points of the file: `TestXxx(t *testing.T)` functions and `main`.
fn entry_points<'t>(src: &str, pkg: &Pkg<'t>, root: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut c = root.walk();
    for f in root.named_children(&mut c) {
        if f.kind() != "function_declaration" {
            continue;
        }
        let Some(name) = f.child_by_field_name("name") else {
            continue;
        };
        let name = src.get(name.byte_range()).unwrap_or("");
        let params = f
            .child_by_field_name("parameters")
            .map(|p| src.get(p.byte_range()).unwrap_or(""))
            .unwrap_or("");
        let test = name.starts_with("Test") && params.contains("*testing.T");
        if (test || name == "main") && pkg.funcs.contains_key(name) {
            out.push(f);
        }
    }
    out
}

/// The bug kinds a `// weft:expect Kind, Kind` comment right above `f`
/// names (`clean` or nothing: none).
fn expect_of(src: &str, f: Node) -> Vec<String> {
    let mut kinds = Vec::new();
    let mut prev = f.prev_sibling();
    while let Some(p) = prev {
        if p.kind() != "comment" {
            break;
        }
        let t = src.get(p.byte_range()).unwrap_or("");
        if let Some(rest) = t
            .trim_start_matches("//")
            .trim()
            .strip_prefix("weft:expect")
        {
            for k in rest.split(',') {
                let k = k.trim();
                if !k.is_empty() && !k.eq_ignore_ascii_case("clean") {
                    kinds.push(k.to_string());
                }
            }
        }
        prev = p.prev_sibling();
    }
    kinds
}

/// Every identifier on the left of an assignment (`=`, `op=`) in the file.
fn assigned_names(src: &str, root: Node) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind() == "assignment_statement" {
            if let Some(l) = n.child_by_field_name("left") {
                let mut c = l.walk();
                for t in l.named_children(&mut c) {
                    if t.kind() == "identifier" {
                        out.insert(src.get(t.byte_range()).unwrap_or("").to_string());
                    }
                }
            }
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

fn collect_pkg<'t>(src: &str, root: Node<'t>) -> Result<Pkg<'t>, Vec<Diagnostic>> {
    let mut pkg = Pkg {
        funcs: HashMap::new(),
        methods: HashMap::new(),
        structs: Vec::new(),
        named: HashMap::new(),
        consts: BTreeMap::new(),
        str_consts: BTreeMap::new(),
        vars: Vec::new(),
        inits: Vec::new(),
        assigned: assigned_names(src, root),
    };
    let mut c = root.walk();
    for d in root.named_children(&mut c) {
        let name = |n: Node| {
            n.child_by_field_name("name")
                .map(|x| src.get(x.byte_range()).unwrap_or("").to_string())
                .unwrap_or_default()
        };
        match d.kind() {
            "function_declaration" if name(d) == "init" => {
                // A package may have several `init` functions.
                let mut key = "init".to_string();
                let mut k = 1;
                while pkg.funcs.contains_key(&key) {
                    k += 1;
                    key = format!("init_{k}");
                }
                pkg.inits.push(key.clone());
                pkg.funcs.insert(key, d);
            }
            "function_declaration" => {
                pkg.funcs.insert(name(d), d);
            }
            "method_declaration" => {
                let recv = d
                    .child_by_field_name("receiver")
                    .map(|r| src.get(r.byte_range()).unwrap_or(""))
                    .unwrap_or("");
                // `(s *Server)` → `Server`.
                let ty = recv
                    .trim_matches(|c| c == '(' || c == ')')
                    .split_whitespace()
                    .last()
                    .unwrap_or("")
                    .trim_start_matches('*')
                    .to_string();
                let key = format!("{ty}_{}", name(d));
                if pkg.funcs.contains_key(&key) {
                    return Err(vec![Diagnostic::new(
                        format!(
                            "the method `{ty}.{}` and the function `{key}` have one scenario name",
                            name(d)
                        ),
                        span_of(d),
                    )
                    .with_label("a method becomes the function `Type_Method`")
                    .with_help(format!("rename the function `{key}`"))]);
                }
                pkg.methods.insert(key.clone(), d);
                pkg.funcs.insert(key, d);
            }
            "type_declaration" => {
                let mut c2 = d.walk();
                for spec in d.named_children(&mut c2) {
                    let Some(st) = spec.child_by_field_name("type") else {
                        continue;
                    };
                    if st.kind() != "struct_type" {
                        let t = src.get(st.byte_range()).unwrap_or("").to_string();
                        pkg.named.insert(name(spec), t);
                        continue;
                    }
                    let mut fields = Vec::new();
                    let mut embedded = Vec::new();
                    let mut stack = vec![st];
                    while let Some(k) = stack.pop() {
                        let mut c3 = k.walk();
                        let kids: Vec<Node> = k.named_children(&mut c3).collect();
                        for f in kids {
                            match f.kind() {
                                "field_declaration_list" => stack.push(f),
                                "field_declaration" => {
                                    let Some(ty) = f.child_by_field_name("type") else {
                                        continue;
                                    };
                                    let tys = src.get(ty.byte_range()).unwrap_or("").to_string();
                                    let mut c4 = f.walk();
                                    let names: Vec<String> = f
                                        .children_by_field_name("name", &mut c4)
                                        .map(|n| src.get(n.byte_range()).unwrap_or("").to_string())
                                        .collect();
                                    if names.is_empty() {
                                        // An embedded field: named after its type
                                        // (the grammar leaves `*` out of the type).
                                        let star = src
                                            .get(f.byte_range())
                                            .is_some_and(|t| t.trim_start().starts_with('*'));
                                        let tys = if star && !tys.starts_with('*') {
                                            format!("*{tys}")
                                        } else {
                                            tys.clone()
                                        };
                                        let n = tys.trim_start_matches('*');
                                        let n = n.rsplit('.').next().unwrap_or(n).to_string();
                                        embedded.push(n.clone());
                                        fields.push((n, tys.clone(), ty));
                                    }
                                    for n in names {
                                        fields.push((n, tys.clone(), ty));
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    pkg.structs.push(StructDef {
                        name: name(spec),
                        fields,
                        embedded,
                    });
                }
            }
            "const_declaration" => {
                let mut c2 = d.walk();
                for spec in d.named_children(&mut c2) {
                    let n = name(spec);
                    let v = spec
                        .child_by_field_name("value")
                        .and_then(|v| v.named_child(0))
                        .map(|v| src.get(v.byte_range()).unwrap_or(""))
                        .and_then(|t| t.replace('_', "").parse::<i64>().ok());
                    if let Some(v) = v {
                        pkg.consts.insert(n.clone(), v);
                    }
                    // `const open = "open"`: a string weft follows.
                    let s = spec
                        .child_by_field_name("value")
                        .and_then(|v| v.named_child(0))
                        .filter(|v| {
                            matches!(
                                v.kind(),
                                "interpreted_string_literal" | "raw_string_literal"
                            )
                        })
                        .map(|v| expr::string_literal(src.get(v.byte_range()).unwrap_or("")))
                        .filter(|e| !e.untracked);
                    if let Some(e) = s {
                        pkg.str_consts.insert(n, e.text);
                    }
                }
            }
            "var_declaration" => pkg.vars.push(d),
            _ => {}
        }
    }
    Ok(pkg)
}

/// Imports every entry point of `go` (or the one `opts.func` names).
///
/// # Errors
/// Every construct that cannot be translated, each at its Go position; a
/// Go syntax error; no entry point.
pub fn import(go: &SourceFile, opts: &Options) -> Result<Vec<Imported>, Vec<Diagnostic>> {
    let src = go.text();
    let Some(tree) = parse(src) else {
        return Err(vec![Diagnostic::new(
            "the Go parser could not run",
            Span::new(0, 0),
        )]);
    };
    if let Some(at) = syntax_error(&tree) {
        return Err(vec![Diagnostic::new("Go syntax error", at)
            .with_label("the Go parser cannot read this")
            .with_help("`go vet` on the file shows the error in Go's words")]);
    }
    let root = tree.root_node();
    let pkg = collect_pkg(src, root)?;
    let entries: Vec<Node> = match &opts.func {
        Some(f) => match pkg.funcs.get(f) {
            Some(n) => vec![*n],
            None => {
                let known: Vec<&str> = pkg.funcs.keys().map(String::as_str).collect();
                return Err(vec![Diagnostic::new(
                    format!("no function `{f}` in the file"),
                    Span::new(0, 0),
                )
                .with_help(format!("functions: {}", sorted(known)))]);
            }
        },
        None => entry_points(src, &pkg, root),
    };
    if entries.is_empty() {
        return Err(vec![Diagnostic::new(
            "no entry point: no `TestXxx(t *testing.T)` function and no `main`",
            Span::new(0, 0),
        )
        .with_help("name the function to check with `--func NAME`")]);
    }
    let file = std::path::Path::new(go.name())
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_else(|| go.name().to_string());
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for f in entries {
        match import_one(go, &file, &pkg, opts, f) {
            Ok(i) => out.push(i),
            Err(d) => diags.extend(d),
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        diags.sort_by_key(|d| d.span.start);
        diags.dedup();
        Err(diags)
    }
}

fn sorted(mut v: Vec<&str>) -> String {
    v.sort_unstable();
    v.join(", ")
}

fn import_one(
    go: &SourceFile,
    file: &str,
    pkg: &Pkg,
    opts: &Options,
    entry: Node,
) -> Result<Imported, Vec<Diagnostic>> {
    let src = go.text();
    let entry_name = entry
        .child_by_field_name("name")
        .map(|n| src.get(n.byte_range()).unwrap_or("").to_string())
        .unwrap_or_default();
    // A function found returning untracked data as a result weft follows
    // makes its callers, translated before it, take that result as
    // untracked: translated again until no new one is found (each pass
    // adds one function at least, so at most one pass per function).
    // So does a send of untracked data on an integer channel: every
    // integer channel's values are then untracked.
    // So does a string holder given untracked data (`crate::strings`).
    let mut untracked_results = HashSet::new();
    let mut untracked_int_chans = false;
    let mut untracked_strs = strings::StrDowngrades::default();
    // So does a function found returning a pointer that may be nil: its
    // callers' results may be nil too (`Importer::may_be_nil`).
    let mut nil_results = HashSet::new();
    let (mut im, globals, mut main, mut funcs) = loop {
        let pass = translate(
            go,
            file,
            pkg,
            opts,
            (entry, &entry_name),
            (
                &untracked_results,
                untracked_int_chans,
                &untracked_strs,
                &nil_results,
            ),
        );
        if pass.0.gave_untracked.is_subset(&untracked_results)
            && (untracked_int_chans || !pass.0.gave_untracked_int_chan)
            && pass.0.gave_untracked_strs.within(&untracked_strs)
            && pass.0.gave_nil_result.is_subset(&nil_results)
        {
            break pass;
        }
        untracked_results.extend(pass.0.gave_untracked.iter().copied());
        untracked_int_chans |= pass.0.gave_untracked_int_chan;
        untracked_strs.extend(&pass.0.gave_untracked_strs);
        nil_results.extend(pass.0.gave_nil_result.iter().copied());
    };
    if !im.diags.is_empty() {
        return Err(im.diags);
    }
    // Assemble the scenario.
    let mut em = Emitter::new(file, src, 0, &im.hoisted);
    let (line, _) = go.line_col(span_of(entry).start);
    em.line(&format!(
        "// Imported by `weft import` from {file} ({entry_name}, line {line}): edit freely."
    ));
    if !im.notes.is_empty() {
        im.notes.sort_by_key(|a| a.at.start);
        em.line(
            "// Abstractions (data weft does not track; both ways of each choice are explored):",
        );
        for a in &im.notes {
            let (l, c) = go.line_col(a.at.start);
            em.line(&format!("//   {file}:{l}:{c}: {}", a.what));
        }
    }
    em.line("Scenario(");
    let scenario_name = if entry_name == "main" {
        file.trim_end_matches(".go").to_string()
    } else {
        entry_name.clone()
    };
    em.line(&format!("  name: {},", q(&scenario_name)));
    em.line(&format!("  origin: {},", q(&format!("{file}:{line}"))));
    if let Some(v) = &opts.go {
        em.line(&format!("  go: {},", q(v)));
    }
    let expect = expect_of(src, entry);
    em.line(&format!("  expect: [{}],", expect.join(", ")));
    if !im.used_consts.is_empty() {
        let ps: Vec<String> = im
            .used_consts
            .iter()
            .filter_map(|c| pkg.consts.get(c).map(|v| format!("{}: {v}", q(c))))
            .collect();
        em.line(&format!("  params: {{{}}},", ps.join(", ")));
    }
    if !pkg.structs.is_empty() {
        em.line("  types: {");
        for l in im.types_lines() {
            em.line(&format!("    {l}"));
        }
        em.line("  },");
    }
    if !globals.out.is_empty() {
        em.line("  globals: [");
        em.append(globals);
        em.line("  ],");
    }
    em.line("  main: [");
    if main.out.is_empty() {
        main.leaf("Sleep(1)", span_of(entry));
    }
    em.append(main);
    em.line("  ],");
    if !funcs.is_empty() {
        em.line("  funcs: {");
        funcs.sort_by(|a, b| a.name.cmp(&b.name));
        for TranslatedFunc {
            name,
            params,
            results,
            mut body,
            at,
        } in funcs
        {
            let ps: Vec<String> = params.iter().map(|p| q(p)).collect();
            let rs = emit::results_field(&results);
            let mut head = em.child(2);
            head.open(
                &format!("{}: (params: [{}]{rs}, body: [", q(&name), ps.join(", ")),
                at,
            );
            if body.out.is_empty() {
                body.leaf("Return", at);
            }
            head.append(body);
            head.close("])");
            em.append(head);
        }
        em.line("  },");
    }
    em.line(")");
    let mut map = SourceMap::new(go.clone());
    for (g, o) in em.entries {
        map.push(g, o);
    }
    Ok(Imported {
        entry: entry_name,
        text: em.out,
        map,
        abstractions: im.notes,
    })
}

/// The results of one translation pass: the importer's state, and the
/// package variables, the entry point's body and the functions it reaches.
type Pass<'a> = (Importer<'a>, Emitter, Emitter, Vec<TranslatedFunc>);

/// One function of the file, translated.
struct TranslatedFunc {
    /// Its scenario name.
    name: String,
    /// The parameters the scenario keeps.
    params: Vec<String>,
    /// Its named results as the scenario declares them (name, Go type).
    results: Vec<(String, String)>,
    /// Its body.
    body: Emitter,
    /// Its Go definition.
    at: Span,
}

/// One translation of the entry point `entry` (with its name) and the
/// functions it reaches, with the results of `untracked_results` taken as
/// untracked, and the values of integer channels too when
/// `untracked_int_chans`, the string holders and map keys of
/// `untracked_strs`, and the results of `nil_results` as pointers that
/// may be nil.
fn translate<'a>(
    go: &'a SourceFile,
    file: &str,
    pkg: &'a Pkg<'a>,
    opts: &'a Options,
    (entry, entry_name): (Node, &str),
    (untracked_results, untracked_int_chans, untracked_strs, nil_results): (
        &HashSet<usize>,
        bool,
        &strings::StrDowngrades,
        &HashSet<usize>,
    ),
) -> Pass<'a> {
    let src = go.text();
    let mut im = Importer {
        src,
        file: file.to_string(),
        pkg,
        opts,
        scope: Scope::new(),
        depth: 0,
        used_consts: BTreeSet::new(),
        diags: Vec::new(),
        unimported: HashSet::new(),
        notes: Vec::new(),
        statements: Vec::new(),
        shared: HashSet::new(),
        wanted: Vec::new(),
        result: None,
        in_main: true,
        hoisted: emit::Hoisted::default(),
        temps: 0,
        result_pos: None,
        returns: Vec::new(),
        result_count: 0,
        temp_results: None,
        named_results: Vec::new(),
        results_header: None,
        current_func: None,
        untracked_results: untracked_results.clone(),
        gave_untracked: HashSet::new(),
        untracked_int_chans,
        gave_untracked_int_chan: false,
        untracked_strs: untracked_strs.clone(),
        gave_untracked_strs: strings::StrDowngrades::default(),
        nil_results: nil_results.clone(),
        gave_nil_result: HashSet::new(),
        maybe_nil: HashSet::new(),
        file_errors: None,
        temp_target: None,
        renamed: None,
        in_globals: false,
        evaluated: HashMap::new(),
        error_funcs: HashSet::new(),
        per_loop_vars: per_loop_vars(go_build_version(src).as_deref().or(opts.go.as_deref())),
    };
    // Package variables.
    let mut globals = Emitter::new(file, src, 2, &im.hoisted);
    for v in &pkg.vars {
        if let Err(d) = im.var_decl(*v, &mut globals, true) {
            im.diags.push(*d);
        }
    }
    let global_scope = im.scope.clone();
    // The entry point's body is `main`, after the package's `init`
    // functions (Go runs them first).
    let mut main = Emitter::new(file, src, 2, &im.hoisted);
    if entry_name != "init" {
        for init in &pkg.inits {
            if let Some(f) = pkg.funcs.get(init) {
                main.leaf(&format!("Call(func: {}, args: [])", q(init)), span_of(*f));
                im.wanted.push(init.clone());
            }
        }
    }
    im.function_body(entry, &global_scope, &mut main, true);
    // The functions it reaches.
    let mut funcs: Vec<TranslatedFunc> = Vec::new();
    let mut done: HashSet<String> = HashSet::new();
    done.insert(entry_name.to_string());
    while let Some(name) = im.wanted.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        let Some(&f) = pkg.funcs.get(&name) else {
            continue;
        };
        let params = match im.sig(f) {
            Ok(s) => s
                .params
                .iter()
                .filter(|(_, k)| !matches!(k, Kind::Untracked | Kind::Testing))
                .map(|(n, _)| n.clone())
                .collect(),
            Err(d) => {
                im.diags.push(*d);
                continue;
            }
        };
        let mut body = Emitter::new(file, src, 3, &im.hoisted);
        im.function_body(f, &global_scope, &mut body, false);
        let results = im.results_header.take().unwrap_or_default();
        funcs.push(TranslatedFunc {
            name,
            params,
            results,
            body,
            at: span_of(f),
        });
    }
    (im, globals, main, funcs)
}
