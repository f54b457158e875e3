//! The explored state graph: the nodes a search stored, how each was first
//! reached, and the edges of the expanded ones.
//!
//! The explorer (and the bounded searches behind a replay's verdict) build
//! it through a [`Builder`], one node at a time; the detectors and reports
//! read the finished [`Graph`] through its methods. Nothing outside this
//! folder sees its layout: nodes stored compactly, each once
//! ([`encode`], over [`intern`]), or as fingerprints ([`fingerprint`]) or
//! bits ([`bitstate`]), packed parent links ([`packed`]), and compressed
//! rows of successors.

mod bitstate;
mod by_hand;
mod encode;
mod fingerprint;
mod fpset;
mod frontier;
mod intern;
mod ordered;
mod packed;
mod scratch;
mod shared;

use bitstate::{BitStore, Seen};
use bitvec::prelude::BitVec;
use encode::NodeStore;
use fingerprint::FingerprintStore;
use packed::Parents;

pub use bitstate::BitstateStats;
pub(crate) use encode::{encode_near, forget_decoded, Encoded, Packed, SentState};
pub use frontier::FrontierStats;

use crate::reduce::SleepSet;
use crate::semantics::Transition;
use crate::state::State;
use weft_models::syntax::BugKind;

/// The crash count of a node that has at least this many (kept aside).
const MANY_CRASHES: u8 = u8::MAX;

/// A node's id: its index in discovery (breadth-first) order.
pub(crate) type StateId = u32;

/// How the explored graph keeps its nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StoreKind {
    /// Every node, compactly, each once: exact (the default, and the
    /// referee of the others).
    #[default]
    Full,
    /// A 64-bit fingerprint per node; full nodes only while they wait to
    /// be expanded. A collision could hide a node: the chance is printed.
    Fingerprint,
    /// A bit array of `bytes` bytes, `hash_functions` bits set per node
    /// (supertrace); full nodes only while they wait to be expanded. Nodes
    /// taken for visited are missed: the search is partial by
    /// construction, and its verdict says what it may have missed.
    Bitstate {
        /// The array's size in bytes (at least 1).
        bytes: u64,
        /// Bits set per node (`k`, at least 1).
        hash_functions: u32,
    },
    /// The fingerprint store when every run of the program ends (no node
    /// ids, no edges: a fingerprint is all a visited node costs), the full
    /// store otherwise (a program that may loop needs its nodes' edges for
    /// its bottom components, and the full store keeps them without
    /// re-executing paths). The command line's default; chosen when the
    /// search starts ([`StoreKind::for_program`]).
    Auto,
}

impl StoreKind {
    /// The store a search uses: `Auto` chosen by whether every run of the
    /// program ends (`finite`, see `crate::explore::finite`); any other
    /// kind as it is.
    pub fn for_program(self, finite: bool) -> StoreKind {
        match self {
            StoreKind::Auto if finite => StoreKind::Fingerprint,
            StoreKind::Auto => StoreKind::Full,
            StoreKind::Full | StoreKind::Fingerprint | StoreKind::Bitstate { .. } => self,
        }
    }
}

/// What a match on a search's store says of `Auto`, which the search
/// replaced when it started.
pub(crate) const AUTO_CHOSEN: &str =
    "internal weft bug: the store is chosen when the search starts";

/// SPIN's default number of bits set per state in bit-state mode (`-k`).
pub const DEFAULT_HASH_FUNCTIONS: u32 = 3;

/// The most bits per state `--store bitstate=SIZE,k=N` takes: beyond it
/// the array fills faster than extra bits make a false "seen" rarer.
pub const MAX_HASH_FUNCTIONS: u32 = 32;

impl std::fmt::Display for StoreKind {
    /// As the command line takes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreKind::Full => f.write_str("full"),
            StoreKind::Fingerprint => f.write_str("fingerprint"),
            StoreKind::Auto => f.write_str("auto"),
            StoreKind::Bitstate {
                bytes,
                hash_functions,
            } => {
                write!(f, "bitstate={}", crate::explore::bounds::size(*bytes))?;
                if *hash_functions != DEFAULT_HASH_FUNCTIONS {
                    write!(f, ",k={hash_functions}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::str::FromStr for StoreKind {
    type Err = String;
    /// `full`, `fingerprint`, or `bitstate=SIZE[,k=N]` with `SIZE` in bytes
    /// (`64M`, `1G`, `4096`).
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "full" => return Ok(StoreKind::Full),
            "auto" => return Ok(StoreKind::Auto),
            "fingerprint" => return Ok(StoreKind::Fingerprint),
            _ => {}
        }
        let Some(arg) = s.strip_prefix("bitstate=") else {
            return Err(format!(
                "unknown store `{s}` (expected `auto`, `full`, `fingerprint` or `bitstate=SIZE`, such as `bitstate=64M`)"
            ));
        };
        let (size, k) = match arg.split_once(',') {
            Some((size, k)) => (size, Some(k)),
            None => (arg, None),
        };
        let bytes = parse_bytes(size).ok_or_else(|| {
            format!(
                "`{s}`: expected the bit array's size in bytes after `bitstate=`, a positive number with an optional K, M, G or T, such as `bitstate=64M`"
            )
        })?;
        let hash_functions = match k {
            None => DEFAULT_HASH_FUNCTIONS,
            Some(k) => k
                .strip_prefix("k=")
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| (1..=MAX_HASH_FUNCTIONS).contains(n))
                .ok_or_else(|| {
                    format!(
                        "`{s}`: expected `,k=N` after the size, the bits set per state, from 1 to {MAX_HASH_FUNCTIONS} (default {DEFAULT_HASH_FUNCTIONS})"
                    )
                })?,
        };
        Ok(StoreKind::Bitstate {
            bytes,
            hash_functions,
        })
    }
}

/// A positive size in bytes: digits, then an optional unit (K, M, G, T,
/// binary), whose bit count fits in a `u64` and whose array fits in the
/// address space.
fn parse_bytes(s: &str) -> Option<u64> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ => return None,
    };
    let n: u64 = digits.parse().ok()?;
    let bytes = n.checked_mul(1u64 << shift)?;
    (bytes > 0 && bytes.checked_mul(8).is_some() && usize::try_from(bytes * 8).is_ok())
        .then_some(bytes)
}

/// Allocates a bit array of `bytes` bytes and frees it: whether the
/// system grants it (the binary asks before a search, so that a size too
/// large is an error, not an abort).
pub fn bitstate_fits(bytes: u64) -> bool {
    let Ok(words) = usize::try_from(bytes.div_ceil(8)) else {
        return false;
    };
    let mut v: Vec<u64> = Vec::new();
    v.try_reserve_exact(words).is_ok()
}

/// Rebuilds the state at the end of a path from the start (for a store
/// that drops expanded nodes): re-executes it.
pub(crate) type Rebuild = Box<dyn Fn(&[Transition]) -> State + Send + Sync>;

/// The nodes of a graph, in one of the [`StoreKind`]s (one per graph, so
/// the size difference between the two costs nothing).
#[allow(clippy::large_enum_variant)]
enum Store {
    Full(NodeStore),
    Fingerprint(FingerprintStore),
    Bitstate(BitStore),
}

impl Store {
    fn len(&self) -> usize {
        match self {
            Store::Full(nodes) => nodes.len(),
            Store::Fingerprint(nodes) => nodes.len(),
            Store::Bitstate(nodes) => nodes.len(),
        }
    }
}

/// How the thread that makes a successor encodes it, for the store that
/// will take it ([`Builder::add_encoded`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum EncodeFor<'a> {
    /// Against the node expanded, whose part ids in the full store these
    /// are ([`encode_near`]).
    Near(&'a [u32]),
    /// Whole, after its fingerprints (`fingerprint::encode_for`).
    Fingerprint,
    /// Whole, after its 128-bit hash (`bitstate::encode_for`).
    Bitstate,
}

/// Appends `node`, made by one step from `near` (the state of the node
/// expanded), encoded as `how` says.
pub(crate) fn encode_successor(out: &mut Vec<u8>, node: &Node, near: &State, how: EncodeFor) {
    match how {
        EncodeFor::Near(parts) => encode_near(out, node, near, parts),
        EncodeFor::Fingerprint => fingerprint::encode_for(out, node),
        EncodeFor::Bitstate => bitstate::encode_for(out, node),
    }
}

/// What a lookup of a successor in the full store found before the
/// commit adds it ([`Builder::find_ahead`], when the cycle proviso asks
/// whether the successor is stored). The store only grows and keeps its
/// ids, so a node found then is the same node, under the same id, when it
/// is added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Found {
    /// Not looked up (or not a full store).
    #[default]
    NotAsked,
    /// Stored, with this id.
    Stored(StateId),
    /// Not stored while the store held this many nodes: if it is stored
    /// now, its id is at least that.
    Absent(u32),
}

impl Found {
    /// Whether the successor is stored with an id below `first`, when
    /// this lookup tells: a node stored then, by its id; a node absent
    /// while the store held no more than `first` nodes is not.
    pub(crate) fn below(self, first: StateId) -> Option<bool> {
        match self {
            Found::NotAsked => None,
            Found::Stored(id) => Some(id < first),
            Found::Absent(len) => (first <= len).then_some(false),
        }
    }
}

/// The id [`Builder::add`] returns for a successor a bit-state store took
/// for visited without knowing which node it is (no node has it).
pub(crate) const UNKNOWN: StateId = StateId::MAX;

/// A 128-bit hash of a state's stored encoding: how stateless DPOR
/// (`crate::explore::dpor`) names the states whose choices it keeps. Two
/// of `n` states share one with probability at most `n^2 / 2^129`.
pub(crate) fn state_key(state: &State) -> u128 {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|b| {
        let mut buf = b.borrow_mut();
        buf.clear();
        encode::encode_state(&mut buf, state);
        xxhash_rust::xxh3::xxh3_128(&buf)
    })
}

/// A node of the search: a state and the transitions asleep in it (always
/// empty without reduction, so nodes are then exactly the states).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Node {
    /// The state.
    pub state: State,
    /// Transitions not to explore from it (explored from an equivalent run).
    pub sleep: SleepSet,
}

impl Node {
    /// A node with nothing asleep.
    pub(crate) fn awake(state: State) -> Node {
        Node {
            state,
            sleep: SleepSet::new(),
        }
    }
}

/// How many parent links [`Builder::closes_cycle`] follows up from a node
/// at most: a cycle longer than this is found after the search, as any
/// other (a bound on the work of one edge, not on what is found).
const CYCLE_LINKS: usize = 64;

/// The explored state graph. Nodes are expanded in id order, so the
/// expanded ones are a prefix of the ids.
pub struct Graph {
    /// Every node reached, in discovery order (a node's id is its index).
    nodes: Store,
    /// How a node the store dropped is rebuilt (fingerprint stores).
    rebuild: Option<Rebuild>,
    /// How each node was first reached: its parent and the transition.
    parent: Parents,
    /// Where each depth starts: the first id of each breadth-first level
    /// (nodes are discovered level by level, so a node's depth is the
    /// last level starting at or before its id; 4 bytes a level instead
    /// of 4 a node).
    level_start: Vec<u32>,
    /// How many nodes (a prefix, in id order) were expanded.
    expanded: usize,
    /// Whether the edges (and each node's crashes and sleeping steps) are
    /// recorded. Without them (a fingerprint store of a program whose
    /// runs are all finite, so the graph has no cycle), the bottom
    /// components are the nodes in `terminal`, and complete runs are not
    /// counted.
    edges: bool,
    /// Without edges: the expanded nodes with no successor, no crash and
    /// nothing asleep (the bottom components of an acyclic graph) whose
    /// state leaves a goroutine or a pending context behind (the others
    /// have nothing to report, and each would be rebuilt to be asked).
    terminal: Vec<StateId>,
    /// Without edges: successors added to the node being expanded.
    out_now: u32,
    /// Successors of expanded node `i`: `targets[offsets[i]..offsets[i+1]]`.
    offsets: Vec<u32>,
    /// Edge targets.
    targets: Vec<StateId>,
    /// How many transitions from each expanded node crashed the program
    /// (each ends a run without reaching a stored node), up to 254;
    /// [`MANY_CRASHES`] sends to `many_crashes`.
    crashes: Vec<u8>,
    /// The crash counts of 255 and more, by node.
    many_crashes: std::collections::BTreeMap<StateId, u32>,
    /// Which expanded nodes had transitions of their persistent set asleep
    /// (explored from an equivalent run elsewhere).
    asleep: BitVec,
    /// Which expanded nodes have an edge whose target is unknown (a
    /// bit-state store's unconfirmed successor): such a node may leave any
    /// component, so it is never part of a bottom one.
    open: BitVec,
    /// For each site, the deepest open node in which a goroutine stands
    /// blocked there (a leak), or a context made there waits for its
    /// cancel (a context leak); bit-state stores only: where what only a
    /// cycle shows is looked for after the search.
    open_blocked: std::collections::BTreeMap<(BugKind, crate::state::Site), StateId>,
    /// Set when the search met an edge back to an ancestor in the tree of
    /// first discoveries (see [`Builder::closes_cycle`]): the graph has a
    /// cycle, whether or not the search went on to store it.
    cycle_seen: bool,
    /// [`Graph::has_cycle`]'s answer once asked (of a finished graph: the
    /// explorer asks it to choose a search, and the leak detector again).
    cycle_known: std::sync::OnceLock<bool>,
}

impl Graph {
    /// How many nodes are stored (expanded or not).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when no node is stored (only for [`Graph::empty`]: a search
    /// interrupted before its start state was made).
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 0
    }

    /// Whether node `s` was expanded (its successors are known).
    pub(crate) fn is_expanded(&self, s: StateId) -> bool {
        (s as usize) < self.expanded
    }

    /// How many edges the expanded nodes have.
    pub(crate) fn edge_count(&self) -> usize {
        self.targets.len()
    }

    /// The state of the node with this id: decoded from the store, or,
    /// when the store dropped it (a fingerprint store, once expanded),
    /// rebuilt by re-executing the path to it.
    pub fn state(&self, s: StateId) -> State {
        match &self.nodes {
            Store::Full(nodes) => nodes.state(s),
            Store::Fingerprint(nodes) => self.rebuilt(nodes.waiting(s), s),
            Store::Bitstate(nodes) => self.rebuilt(nodes.waiting(s), s),
        }
    }

    /// The state of node `s`: `waiting`'s if it still waits in the
    /// frontier, else rebuilt by re-executing the path to it.
    fn rebuilt(&self, waiting: Option<Node>, s: StateId) -> State {
        match (waiting, &self.rebuild) {
            (Some(node), _) => node.state,
            (None, Some(rebuild)) => rebuild(&self.path_to(s)),
            (None, None) => {
                unreachable!("internal weft bug: a graph that drops nodes without a rebuild")
            }
        }
    }

    /// The state of every node, in id order.
    pub(crate) fn states(&self) -> impl Iterator<Item = State> + '_ {
        (0..self.len() as StateId).map(|s| self.state(s))
    }

    /// How many distinct states the nodes hold (with sleep sets, a state
    /// may be stored once per sleep set it was reached with). A bit-state
    /// store keeps nothing to tell them apart: it counts its nodes. A
    /// fingerprint store without ids keeps only the nodes' fingerprints:
    /// `None`.
    pub(crate) fn distinct_states(&self) -> Option<usize> {
        match &self.nodes {
            Store::Full(nodes) => Some(nodes.distinct_states()),
            Store::Fingerprint(nodes) => nodes.distinct_states(),
            Store::Bitstate(nodes) => Some(nodes.len()),
        }
    }

    /// With a fingerprint store, the chance that two stored nodes share a
    /// fingerprint, so that one was taken for visited (`None` for a full
    /// store, which is exact).
    pub fn collision_probability(&self) -> Option<f64> {
        match &self.nodes {
            Store::Full(_) | Store::Bitstate(_) => None,
            Store::Fingerprint(nodes) => Some(nodes.collision_probability()),
        }
    }

    /// With a bit-state store, what it stored and may have missed (`None`
    /// for the other stores).
    pub fn bitstate(&self) -> Option<BitstateStats> {
        match &self.nodes {
            Store::Full(_) | Store::Fingerprint(_) => None,
            Store::Bitstate(nodes) => Some(nodes.stats()),
        }
    }

    /// Whether expanded node `s` has an edge whose target is unknown.
    pub(crate) fn is_open(&self, s: StateId) -> bool {
        self.open.get(s as usize).is_some_and(|b| *b)
    }

    /// What a fingerprint store's frontier did with its memory budget
    /// (`None` with the other stores, whose frontier never spills).
    pub(crate) fn frontier_stats(&self) -> Option<FrontierStats> {
        match &self.nodes {
            Store::Fingerprint(nodes) => Some(nodes.frontier_stats()),
            Store::Full(_) | Store::Bitstate(_) => None,
        }
    }

    /// For each leak or context-leak site, the deepest open node in which
    /// a goroutine stands blocked there or a context made there waits for
    /// its cancel (see [`Builder::note_blocked`]).
    pub(crate) fn open_blocked(
        &self,
    ) -> &std::collections::BTreeMap<(BugKind, crate::state::Site), StateId> {
        &self.open_blocked
    }

    /// Whether the edges are recorded (see [`Builder::with_store`]).
    pub(crate) fn edges_kept(&self) -> bool {
        self.edges
    }

    /// Without edges: the expanded nodes with no successor, no crash and
    /// nothing asleep that leave a goroutine or a pending context behind,
    /// in id order (the bottom components of the graph, which has no
    /// cycle, with something to report).
    pub(crate) fn terminal(&self) -> &[StateId] {
        &self.terminal
    }

    /// Bytes the graph holds on the heap: its store, links and edges.
    pub(crate) fn heap_bytes(&self) -> usize {
        let store = match &self.nodes {
            Store::Full(nodes) => nodes.heap_bytes(),
            Store::Fingerprint(nodes) => nodes.heap_bytes(),
            Store::Bitstate(nodes) => nodes.heap_bytes(),
        };
        store
            + self.parent.heap_bytes()
            + (self.level_start.capacity() + self.offsets.capacity() + self.targets.capacity()) * 4
            + self.crashes.capacity()
            + self.terminal.capacity() * 4
            + self.many_crashes.len() * 16
            + (self.asleep.capacity() + self.open.capacity()) / 8
    }

    /// Depth of node `s` in the tree of first discoveries (a shortest
    /// distance from the start in a breadth-first search).
    pub(crate) fn depth(&self, s: StateId) -> u32 {
        (self.level_start.partition_point(|&first| first <= s) - 1) as u32
    }

    /// The successors of an expanded node.
    pub(crate) fn successors(&self, s: StateId) -> &[StateId] {
        let i = s as usize;
        &self.targets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// How many transitions from expanded node `s` crashed the program.
    pub(crate) fn crashes(&self, s: StateId) -> u32 {
        match self.crashes[s as usize] {
            MANY_CRASHES => self.many_crashes.get(&s).copied().unwrap_or(0),
            n => u32::from(n),
        }
    }

    /// How many transitions of expanded node `s`'s persistent set were
    /// asleep: such a node is never the end of a run nor part of a bottom
    /// component.
    pub(crate) fn asleep(&self, s: StateId) -> bool {
        self.asleep[s as usize]
    }

    /// The successors of a node; none for a node not expanded.
    pub(crate) fn out(&self, s: StateId) -> &[StateId] {
        if self.is_expanded(s) {
            self.successors(s)
        } else {
            &[]
        }
    }

    /// Depth-first from `root`, calling `done` on every node reached in
    /// post-order (after all its successors). `mark` is shared between
    /// calls: 0 new, 1 on the stack, 2 done. False when a cycle is found.
    fn post_order(
        &self,
        root: StateId,
        mark: &mut [u8],
        mut done: impl FnMut(StateId, &[StateId]),
    ) -> bool {
        let mut stack: Vec<(StateId, usize)> = vec![(root, 0)];
        mark[root as usize] = 1;
        while let Some(&mut (s, ref mut next)) = stack.last_mut() {
            let succ = self.out(s);
            if *next < succ.len() {
                let t = succ[*next];
                *next += 1;
                match mark[t as usize] {
                    0 => {
                        mark[t as usize] = 1;
                        stack.push((t, 0));
                    }
                    1 => return false,
                    _ => {}
                }
                continue;
            }
            done(s, succ);
            mark[s as usize] = 2;
            stack.pop();
        }
        true
    }

    /// True when the expanded part of the graph has a cycle, or may have
    /// one: a node with an edge of unknown target (a bit-state store's
    /// unconfirmed successor, maybe an earlier node) counts as closing one.
    /// (In a bit-state graph a known edge goes to a node not closed yet,
    /// itself or a later one, so every cycle but a self-loop has an
    /// unknown edge: the one into its smallest id.)
    pub(crate) fn has_cycle(&self) -> bool {
        *self.cycle_known.get_or_init(|| self.find_cycle())
    }

    /// [`Graph::has_cycle`], worked out.
    fn find_cycle(&self) -> bool {
        if self.cycle_seen {
            return true;
        }
        if !self.edges {
            // Kept without edges only when every run is finite.
            return false;
        }
        if self.open.any() {
            return true;
        }
        if self.forward_only() {
            return false;
        }
        let mut mark = vec![0u8; self.len()];
        (0..self.expanded as StateId)
            .any(|root| mark[root as usize] == 0 && !self.post_order(root, &mut mark, |_, _| {}))
    }

    /// True when every known edge goes to a node of a larger id: then id
    /// order is a topological order, and the graph has no cycle. A
    /// breadth-first graph whose every step adds one to a state's depth
    /// (most programs without loops: a step moves one goroutine on) has
    /// only such edges, and this one pass over them, in memory order,
    /// spares the depth-first walks (0.19 s of lastzero(16)'s 5.7 s on
    /// one thread, full store, was one walk to find no cycle, one to count
    /// complete runs, one for strongly connected components, all serial
    /// after the search).
    /// (False for a graph kept without edges, which knows none.)
    pub(crate) fn forward_only(&self) -> bool {
        self.edges
            && (0..self.expanded).all(|s| {
                self.targets[self.offsets[s] as usize..self.offsets[s + 1] as usize]
                    .iter()
                    .all(|&t| t as usize > s)
            })
    }

    /// Counts maximal paths from the start by dynamic programming in
    /// reverse topological order, each crashing step ending a run; `None`
    /// if the graph has a cycle, a node was not expanded or an edge's
    /// target is unknown. With it, how many nodes lie on a complete run
    /// (the rest lie only on explorations that end asleep).
    pub(crate) fn complete_runs(&self) -> Option<(u128, usize)> {
        self.complete_runs_walking(!self.forward_only())
    }

    /// [`Graph::complete_runs`], in reverse id order when `walk` is false
    /// (which needs [`Graph::forward_only`]), else in the post-order of a
    /// depth-first walk.
    pub(crate) fn complete_runs_walking(&self, walk: bool) -> Option<(u128, usize)> {
        let n = self.expanded;
        if !self.edges || n != self.len() || self.open.any() {
            return None;
        }
        let mut runs = vec![0u128; n];
        let count = |s: StateId, succ: &[StateId], runs: &mut [u128]| {
            let crashes = u128::from(self.crashes(s));
            runs[s as usize] = if succ.is_empty() && crashes == 0 {
                // A node whose remaining transitions all sleep ends no run:
                // its continuations were explored from an equivalent run.
                u128::from(!self.asleep[s as usize])
            } else {
                succ.iter()
                    .fold(crashes, |acc, &t| acc.saturating_add(runs[t as usize]))
            };
        };
        let acyclic = if !walk {
            // Reverse id order is a reverse topological order (every node
            // is reached from the start, as the walk below reaches them).
            for s in (0..n as StateId).rev() {
                count(s, self.out(s), &mut runs);
            }
            true
        } else {
            let mut mark = vec![0u8; n];
            self.post_order(0, &mut mark, |s, succ| count(s, succ, &mut runs))
        };
        let on_runs = runs.iter().filter(|&&r| r > 0).count();
        acyclic.then_some((runs[0], on_runs))
    }

    /// The node `s` was first reached from (`None` for the start).
    pub(crate) fn parent(&self, s: StateId) -> Option<StateId> {
        self.parent.parent(s)
    }

    /// The transitions from the start to `s`.
    pub(crate) fn path_to(&self, s: StateId) -> Vec<Transition> {
        let mut path = Vec::new();
        let mut cur = s;
        while let Some((p, t)) = self.parent.get(cur) {
            path.push(t);
            cur = p;
        }
        path.reverse();
        path
    }
}

/// Builds a [`Graph`] by expanding its nodes in id order: [`Builder::add`]
/// each successor of the node being expanded, then [`Builder::close`] it
/// (or [`Builder::abandon`] it when a bound cuts the search there).
pub(crate) struct Builder {
    graph: Graph,
}

impl Graph {
    /// The graph of a search that never got its start state (its main
    /// goroutine's first local run was interrupted): no node at all.
    pub(crate) fn empty() -> Graph {
        Graph {
            nodes: Store::Full(NodeStore::default()),
            rebuild: None,
            parent: Parents::default(),
            level_start: Vec::new(),
            expanded: 0,
            edges: true,
            terminal: Vec::new(),
            out_now: 0,
            offsets: vec![0],
            targets: Vec::new(),
            crashes: Vec::new(),
            many_crashes: std::collections::BTreeMap::new(),
            asleep: BitVec::new(),
            open: BitVec::new(),
            open_blocked: std::collections::BTreeMap::new(),
            cycle_seen: false,
            cycle_known: std::sync::OnceLock::new(),
        }
    }
}

impl Builder {
    /// A graph with `start` as its only node (id 0), stored in full.
    pub fn new(start: Node) -> Builder {
        Builder::with_store(start, StoreKind::Full, None, None, true)
    }

    /// A graph with `start` as its only node (id 0), stored as `kind`
    /// says; `rebuild` rebuilds a dropped node (required for the
    /// fingerprint and bit-state stores).
    /// `frontier_budget`: the bytes a fingerprint store's frontier keeps
    /// in memory before it spills to files (`None`: no limit). `edges`:
    /// whether to record the edges; only a fingerprint store may go
    /// without, and only for a program whose runs are all finite (see
    /// [`Graph::has_cycle`]).
    pub(crate) fn with_store(
        start: Node,
        kind: StoreKind,
        rebuild: Option<Rebuild>,
        frontier_budget: Option<u64>,
        edges: bool,
    ) -> Builder {
        let edges = edges || kind != StoreKind::Fingerprint;
        let mut nodes = match kind {
            StoreKind::Full => Store::Full(NodeStore::default()),
            StoreKind::Fingerprint => {
                Store::Fingerprint(FingerprintStore::new(frontier_budget, edges))
            }
            StoreKind::Bitstate {
                bytes,
                hash_functions,
            } => Store::Bitstate(BitStore::new(bytes, hash_functions)),
            StoreKind::Auto => unreachable!("{AUTO_CHOSEN}"),
        };
        match &mut nodes {
            Store::Full(n) => {
                n.insert(&start);
            }
            Store::Fingerprint(n) => {
                n.insert(&start);
            }
            Store::Bitstate(n) => {
                n.insert(&start);
            }
        }
        // A store that drops expanded nodes keeps their parent links on
        // disk, as TLC does: its memory per node is its fingerprint.
        let mut parent = match kind {
            StoreKind::Full => Parents::default(),
            StoreKind::Fingerprint | StoreKind::Bitstate { .. } => Parents::on_disk(),
            StoreKind::Auto => unreachable!("{AUTO_CHOSEN}"),
        };
        parent.push_start();
        Builder {
            graph: Graph {
                nodes,
                rebuild,
                parent,
                level_start: vec![0],
                expanded: 0,
                edges,
                terminal: Vec::new(),
                out_now: 0,
                offsets: vec![0],
                targets: Vec::new(),
                crashes: Vec::new(),
                many_crashes: std::collections::BTreeMap::new(),
                asleep: BitVec::new(),
                open: BitVec::new(),
                open_blocked: std::collections::BTreeMap::new(),
                cycle_seen: false,
                cycle_known: std::sync::OnceLock::new(),
            },
        }
    }

    /// The graph so far.
    pub(crate) fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Notes the bytes of the nodes a parallel search took from the
    /// frontier and has not yet committed (see
    /// [`super::frontier::Frontier::note_in_flight`]).
    pub(crate) fn note_in_flight(&mut self, bytes: u64) {
        match &mut self.graph.nodes {
            Store::Fingerprint(nodes) => nodes.note_in_flight(bytes),
            // Their frontiers are node ids: the nodes stay in the store.
            Store::Full(_) | Store::Bitstate(_) => {}
        }
    }

    /// Decodes node `s`, the next one to expand, on the search's own
    /// thread, which expands it (one thread: nothing is copied out for
    /// another, as [`Builder::pack`] does; the state stays on this
    /// thread, see [`crate::state::Goroutine`]); a full store's part ids go to
    /// `parts` (left empty for the other stores, whose nodes are encoded
    /// whole). A node lost with its spilled segment is rebuilt as `pack`
    /// rebuilds it.
    pub(crate) fn decode_here(
        &mut self,
        s: StateId,
        parts: &mut smallvec::SmallVec<[u32; 16]>,
    ) -> Node {
        parts.clear();
        let lost = match &mut self.graph.nodes {
            Store::Full(nodes) => return nodes.decode_here(s, parts),
            Store::Fingerprint(nodes) => match nodes.take_next(s) {
                Some(fingerprint::Taken::Bytes(bytes)) => return encode::decode_node(bytes),
                Some(fingerprint::Taken::Lost) => true,
                None => false,
            },
            Store::Bitstate(nodes) => match nodes.take_next(s) {
                Some(bytes) => return encode::decode_node(bytes),
                None => false,
            },
        };
        if !lost {
            unreachable!("internal weft bug: node {s} expanded out of order");
        }
        let mut bytes = Vec::new();
        encode::encode_node(&mut bytes, &Node::awake(self.graph.rebuilt(None, s)));
        encode::decode_node(&bytes)
    }

    /// The state of node `s`, decoded on this thread, when the store keeps
    /// it (the full store; the others keep a node only until it is
    /// expanded).
    pub(crate) fn stored_state(&self, s: StateId) -> Option<State> {
        match &self.graph.nodes {
            Store::Full(nodes) => {
                let mut parts = smallvec::SmallVec::new();
                Some(nodes.decode_here(s, &mut parts).state)
            }
            Store::Fingerprint(_) | Store::Bitstate(_) => None,
        }
    }

    /// Copies node `s`, the next one to expand, out of the store into
    /// `out`, for a thread that decodes it while the store grows: a full
    /// store's node as its parts, another store's waiting node as its
    /// bytes (it leaves a fingerprint store's frontier; one whose spilled
    /// segment could not be read back is rebuilt from its path, awake: a
    /// sleep set only spares work, so without it the node explores at
    /// least as much).
    pub(crate) fn pack(&mut self, s: StateId, out: &mut Packed) {
        let lost = match &mut self.graph.nodes {
            Store::Full(nodes) => {
                nodes.pack(s, out);
                return;
            }
            Store::Fingerprint(nodes) => match nodes.take_next(s) {
                Some(fingerprint::Taken::Bytes(bytes)) => {
                    out.set_whole(bytes);
                    return;
                }
                Some(fingerprint::Taken::Lost) => true,
                None => false,
            },
            Store::Bitstate(nodes) => match nodes.take_next(s) {
                Some(bytes) => {
                    out.set_whole(bytes);
                    return;
                }
                None => false,
            },
        };
        if !lost {
            unreachable!("internal weft bug: node {s} expanded out of order");
        }
        let mut bytes = Vec::new();
        encode::encode_node(&mut bytes, &Node::awake(self.graph.rebuilt(None, s)));
        out.set_whole(&bytes);
    }

    /// Looks up, ahead of their commit, the successors `encoded`
    /// ([`encode_successor`] for this store) that the next
    /// [`Builder::add_encoded`] calls add, in that order: a fingerprint
    /// set (no edges) inserts them at once, in parallel by shard, with
    /// the answers the calls in order would find (see
    /// [`fingerprint::FingerprintStore::insert_ahead`]). The other stores
    /// do nothing. [`Builder::forget_ahead`] must follow the calls.
    pub(crate) fn insert_ahead<'e>(&mut self, encoded: impl Iterator<Item = &'e Encoded>) {
        match &mut self.graph.nodes {
            Store::Fingerprint(nodes) => {
                nodes.insert_ahead(encoded);
            }
            Store::Full(_) | Store::Bitstate(_) => {}
        }
    }

    /// Takes back what [`Builder::insert_ahead`] inserted for successors
    /// that were not added after all (the commit stopped before them).
    pub(crate) fn forget_ahead(&mut self) {
        match &mut self.graph.nodes {
            Store::Fingerprint(nodes) => nodes.forget_ahead(),
            Store::Full(_) | Store::Bitstate(_) => {}
        }
    }

    /// Looks up a successor in the full store before it is added (see
    /// [`NodeStore::find_ahead`]); [`Found::NotAsked`] for the others.
    pub(crate) fn find_ahead(&self, encoded: &mut Encoded) -> Found {
        match &self.graph.nodes {
            Store::Full(nodes) => nodes.find_ahead(encoded),
            Store::Fingerprint(_) | Store::Bitstate(_) => Found::NotAsked,
        }
    }

    /// Whether the node `encoded` ([`encode_successor`] for this store) is
    /// stored (taken for visited, for a bit-state store).
    pub(crate) fn contains_encoded(&self, encoded: &Encoded) -> bool {
        match &self.graph.nodes {
            Store::Full(nodes) => nodes.find_encoded(encoded).is_some(),
            Store::Fingerprint(nodes) => nodes.contains_encoded(encoded),
            Store::Bitstate(nodes) => nodes.contains_encoded(encoded),
        }
    }

    /// True when a successor encoded by another thread (as
    /// [`Builder::add_encoded`] takes it) is stored with an id below
    /// `first`, or stored and its id unknown (a fingerprint set without
    /// ids, a bit-state node no longer waiting).
    pub(crate) fn stored_below(&self, encoded: &Encoded, first: StateId) -> bool {
        let id = match &self.graph.nodes {
            Store::Full(nodes) => nodes.find_encoded(encoded),
            Store::Fingerprint(nodes) => nodes.find_encoded(encoded),
            Store::Bitstate(nodes) => nodes.find_encoded(encoded),
        };
        id.is_some_and(|id| id < first || id == UNKNOWN)
    }

    /// [`Builder::add`] for a successor encoded by the thread that made it
    /// ([`encode_successor`] for this store, against the node being
    /// expanded), and what a lookup before the addition `found` of it.
    pub(crate) fn add_encoded(
        &mut self,
        from: StateId,
        t: &Transition,
        encoded: &Encoded,
        found: Found,
    ) -> (StateId, bool) {
        debug_assert_eq!(from, self.expanding());
        let g = &mut self.graph;
        let (id, new) = match &mut g.nodes {
            Store::Full(nodes) => match found {
                Found::Stored(id) => (id, false),
                Found::NotAsked | Found::Absent(_) => nodes.insert_encoded(encoded),
            },
            Store::Fingerprint(nodes) => nodes.insert_encoded(encoded),
            Store::Bitstate(nodes) => match nodes.insert_encoded(encoded) {
                Seen::New(id) => (id, true),
                Seen::Waiting(id) => (id, false),
                Seen::Unconfirmed => return (self.unconfirmed(from), false),
            },
        };
        self.added(from, t, id, new);
        (id, new)
    }

    /// A bit-state store took a successor of `from` for visited without
    /// knowing which node it is: the edge is not stored, and `from` is
    /// marked open. Returns [`UNKNOWN`].
    fn unconfirmed(&mut self, from: StateId) -> StateId {
        let g = &mut self.graph;
        let at = from as usize;
        if g.open.len() <= at {
            g.open.resize(at + 1, false);
        }
        g.open.set(at, true);
        UNKNOWN
    }

    /// Records the edge `from --t--> id` (and, for a new node, its parent
    /// link and level).
    fn added(&mut self, from: StateId, t: &Transition, id: StateId, new: bool) {
        let g = &mut self.graph;
        if new {
            g.parent.push(from, t);
            // Breadth-first: the expanded node is the deepest level's or
            // the one before; a node one deeper than the deepest opens a
            // level.
            let depth = g.depth(from) as usize + 1;
            if depth == g.level_start.len() {
                g.level_start.push(id);
            }
        }
        if g.edges {
            g.targets.push(id);
        } else {
            g.out_now += 1;
        }
    }

    /// The node being expanded: the first one not expanded yet.
    pub(crate) fn expanding(&self) -> StateId {
        self.graph.expanded as StateId
    }

    /// Adds the edge `from --t--> node` from the node being expanded,
    /// whose state is `from_state`, storing `node` (first reached from
    /// `from` by `t`) unless it is known. Returns its id and whether it is
    /// new; [`UNKNOWN`] (not new) when a bit-state store took it for
    /// visited without knowing which node it is: the edge is not stored,
    /// and `from` is marked open.
    pub(crate) fn add(
        &mut self,
        from: StateId,
        from_state: Option<&State>,
        t: &Transition,
        node: Node,
    ) -> (StateId, bool) {
        debug_assert_eq!(from, self.expanding());
        let g = &mut self.graph;
        let (id, new) = match &mut g.nodes {
            Store::Full(nodes) => nodes.insert_near(&node, from_state.map(|s| (from, s))),
            Store::Fingerprint(nodes) => nodes.insert(&node),
            Store::Bitstate(nodes) => match nodes.insert(&node) {
                Seen::New(id) => (id, true),
                Seen::Waiting(id) => (id, false),
                Seen::Unconfirmed => return (self.unconfirmed(from), false),
            },
        };
        self.added(from, t, id, new);
        (id, new)
    }

    /// Ends the expansion of `s`: `crashes` of its transitions crashed the
    /// program and `asleep` of its persistent set were asleep. `leaves`:
    /// whether its state leaves a goroutine or a pending context behind
    /// (what a bottom component is reported for); without edges, only a
    /// terminal node that does is kept in [`Graph::terminal`].
    pub(crate) fn close(&mut self, s: StateId, crashes: u32, asleep: u32, leaves: bool) {
        debug_assert_eq!(s, self.expanding());
        let g = &mut self.graph;
        if let Store::Bitstate(nodes) = &mut g.nodes {
            if !nodes.close(s) {
                unreachable!("internal weft bug: node {s} closed out of order");
            }
        }
        g.expanded += 1;
        if !g.edges {
            if g.out_now == 0 && crashes == 0 && asleep == 0 && leaves {
                g.terminal.push(s);
            }
            g.out_now = 0;
            return;
        }
        g.offsets.push(g.targets.len() as u32);
        match u8::try_from(crashes) {
            Ok(n) if n < MANY_CRASHES => g.crashes.push(n),
            _ => {
                g.crashes.push(MANY_CRASHES);
                g.many_crashes.insert(s, crashes);
            }
        }
        g.asleep.push(asleep > 0);
    }

    /// Notes that goroutines stand blocked (`Leak`) or contexts wait for
    /// their cancel (`ContextLeak`) at `sites` in node `s`, just closed;
    /// kept for the sites of an open node (the deepest one wins: nodes are
    /// closed in breadth-first order).
    pub(crate) fn note_blocked(
        &mut self,
        s: StateId,
        sites: impl Iterator<Item = (BugKind, crate::state::Site)>,
    ) {
        if self.graph.is_open(s) {
            for site in sites {
                self.graph.open_blocked.insert(site, s);
            }
        }
    }

    /// Whether the edge from `u`, the node being expanded, to `v`, a node
    /// stored before, closes a cycle that the parent links show: `v` is `u`
    /// or one of its ancestors in the tree of first discoveries, found
    /// within [`CYCLE_LINKS`] links up (ids fall along the links, so the
    /// walk stops once it passes below `v`) and among the links still in
    /// memory (a store that drops nodes writes the older ones to a file).
    /// Marks the graph as having a cycle when it does.
    pub(crate) fn closes_cycle(&mut self, u: StateId, v: StateId) -> bool {
        let g = &mut self.graph;
        if v > u {
            return false;
        }
        let mut at = u;
        for _ in 0..=CYCLE_LINKS {
            if at == v {
                g.cycle_seen = true;
                return true;
            }
            match g.parent.parent_in_memory(at) {
                Some(p) if p >= v => at = p,
                _ => return false,
            }
        }
        false
    }

    /// Leaves `s` unexpanded after all (a bound cut the search while it was
    /// expanded): its edges so far are dropped; the nodes they reached stay.
    pub(crate) fn abandon(&mut self, s: StateId) {
        debug_assert_eq!(s, self.expanding());
        let g = &mut self.graph;
        g.out_now = 0;
        if g.edges {
            g.targets.truncate(g.offsets[s as usize] as usize);
        }
        if let Some(mut open) = g.open.get_mut(s as usize) {
            *open = false;
        }
    }

    /// The finished graph.
    pub fn finish(self) -> Graph {
        self.graph
    }
}
