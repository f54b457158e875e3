//! Printing a scenario as RON, with positional arguments or named fields.

use super::{Arg, Block, Stmt};

pub(super) fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("    ");
    }
}

/// The field names of a statement (or, with `case`, a select case) written
/// with `nargs` positional arguments, in the order [`Stmt`] keeps them;
/// the block fields follow.
pub(super) fn field_names(
    op: &str,
    nargs: usize,
    case: bool,
) -> (&'static [&'static str], &'static [&'static str]) {
    const BODY: &[&str] = &["body"];
    const NONE: &[&str] = &[];
    if case {
        return match (op, nargs) {
            ("Send", _) => (&["chan", "value"], BODY),
            ("Recv", _) => (&["chan", "into", "ok"], BODY),
            ("After", _) => (&["duration"], BODY),
            _ => (NONE, BODY),
        };
    }
    let args: &'static [&'static str] = match (op, nargs) {
        ("Chan", _) => &["name", "cap"],
        ("Cond", _) => &["name", "locker"],
        ("Var", _) => &["name", "init", "type"],
        ("Timer" | "After" | "Ticker" | "Tick", _) => &["name", "duration"],
        ("WithCancel", _) => &["ctx", "cancel", "parent"],
        ("WithTimeout", 3) => &["ctx", "cancel", "timeout"],
        ("WithTimeout", _) => &["ctx", "cancel", "parent", "timeout"],
        ("WithDeadline", 3) => &["ctx", "cancel", "deadline"],
        ("WithDeadline", _) => &["ctx", "cancel", "parent", "deadline"],
        ("Let", _) => &["name", "value"],
        ("Set", _) => &["target", "value"],
        ("Delete", _) => &["map", "key"],
        ("Send", _) => &["chan", "value"],
        ("Recv", _) => &["chan", "into", "ok"],
        ("Close", _) => &["chan"],
        ("Range", 1) => &["chan"],
        ("Range", 3) => &["chan", "var", "value"],
        ("Range", _) => &["chan", "var"],
        ("Lock" | "Unlock" | "RLock" | "RUnlock", _) => &["mutex"],
        ("TryLock", _) => &["mutex", "into"],
        ("Add", _) => &["wg", "delta"],
        ("Done", _) => &["wg"],
        ("Wait", _) => &["target", "into"],
        ("WithContext", _) => &["group", "ctx", "parent"],
        ("GroupGo", _) => &["group"],
        ("SetLimit", _) => &["group", "limit"],
        ("Load", _) => &["map", "key", "into", "ok"],
        ("Store", _) => &["map", "key", "value"],
        ("LoadOrStore", _) => &["map", "key", "value", "into", "loaded"],
        ("LoadAndDelete", _) => &["map", "key", "into", "loaded"],
        ("Signal" | "Broadcast", _) => &["cond"],
        ("Do", _) => &["once"],
        ("Cancel", _) => &["cancel"],
        ("Stop", _) => &["timer", "into"],
        ("AfterFunc", _) => &["name", "duration"],
        ("Append", _) => &["target", "value"],
        ("ContextAfterFunc", _) => &["stop", "ctx"],
        ("Reset", _) => &["timer", "duration", "into"],
        ("Sleep", _) => &["duration"],
        ("AtomicLoad", _) => &["var", "into"],
        ("AtomicStore", _) => &["var", "value"],
        ("AtomicAdd", _) => &["var", "delta", "into"],
        ("CompareAndSwap", _) => &["var", "old", "new", "into"],
        ("If" | "While", _) => &["cond"],
        ("For", 1) => &["to"],
        ("For", 2) => &["var", "to"],
        ("For", _) => &["var", "from", "to"],
        ("Return", _) => &["value"],
        ("Choose", _) => &["into", "values"],
        ("Go" | "Call", _) => &["func", "args", "into"],
        ("Panic", _) => &["message"],
        ("Recover", _) => &["into"],
        ("Assert", _) => &["cond", "message"],
        ("Func", _) => &["name", "params"],
        ("Slice", _) => &["name", "elem", "len"],
        _ => &["name"],
    };
    let blocks: &'static [&'static str] = match op {
        "If" => &["then", "else"],
        "Either" => &["branches"],
        "Select" => &["cases"],
        _ => BODY,
    };
    (args, blocks)
}

/// How statements are written: with positional arguments (`Send("c", 1)`)
/// or named fields (`Send(chan: "c", value: 1)`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Positional,
    Named,
}

pub(super) struct Writer {
    pub(super) out: String,
    pub(super) style: Style,
}

impl Writer {
    pub(super) fn block(&mut self, block: &Block, depth: usize) {
        if block.is_empty() {
            self.out.push_str("[]");
            return;
        }
        self.out.push_str("[\n");
        for st in block {
            indent(&mut self.out, depth + 1);
            self.stmt(st, depth + 1);
            self.out.push_str(",\n");
        }
        indent(&mut self.out, depth);
        self.out.push(']');
    }

    /// Writes `op(args..., blocks...)` in the current style; `blocks` are
    /// written by `write_blocks` (one entry per block field).
    pub(super) fn call(&mut self, op: &str, args: &[Arg], case: bool, blocks: &[(&Block, usize)]) {
        let (names, block_names) = field_names(op, args.len(), case);
        let named = self.style == Style::Named || (op == "Go" && !blocks.is_empty());
        self.out.push_str(op);
        self.out.push('(');
        let mut first = true;
        for (i, a) in args.iter().enumerate() {
            if !first {
                self.out.push_str(", ");
            }
            first = false;
            if named {
                self.out.push_str(names.get(i).copied().unwrap_or("?"));
                self.out.push_str(": ");
            }
            a.write(&mut self.out);
        }
        for (i, (b, depth)) in blocks.iter().enumerate() {
            if !first {
                self.out.push_str(", ");
            }
            first = false;
            if named {
                self.out
                    .push_str(block_names.get(i).copied().unwrap_or("body"));
                self.out.push_str(": ");
            }
            self.block(b, *depth);
        }
        self.out.push(')');
    }

    pub(super) fn stmt(&mut self, st: &Stmt, depth: usize) {
        match st {
            Stmt::Leaf { op, args } if args.is_empty() => self.out.push_str(op),
            Stmt::Leaf { op, args } => self.call(op, args, false, &[]),
            Stmt::Nest {
                op: "Either",
                blocks,
                ..
            } => {
                self.out.push_str(if self.style == Style::Named {
                    "Either(branches: ["
                } else {
                    "Either(["
                });
                for (i, b) in blocks.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.block(b, depth);
                }
                self.out.push_str("])");
            }
            Stmt::Nest { op, args, blocks } => {
                let bs: Vec<(&Block, usize)> = blocks.iter().map(|b| (b, depth)).collect();
                self.call(op, args, false, &bs);
            }
            Stmt::Select { arms } => {
                self.out.push_str(if self.style == Style::Named {
                    "Select(cases: ["
                } else {
                    "Select(["
                });
                if !arms.is_empty() {
                    self.out.push('\n');
                }
                for a in arms {
                    indent(&mut self.out, depth + 1);
                    self.call(a.op, &a.args, true, &[(&a.body, depth + 1)]);
                    self.out.push_str(",\n");
                }
                if !arms.is_empty() {
                    indent(&mut self.out, depth);
                }
                self.out.push_str("])");
            }
        }
    }
}
