//! The search gives the same result on any number of threads: the same
//! verdict, bugs, counterexample paths, counters and cut, on every
//! scenario of the corpus and on generated ones (complete, bounded by
//! depth and by states, and infinite-state), with one thread and with
//! three (more threads than this machine's cores, so batches interleave),
//! on the full store and on the fingerprint store (whose set of
//! fingerprints is filled ahead of each commit, in parallel by shard).

use crate::support::alike;

use weft_checker::explore::{explore_with, Bounds};
use weft_checker::graph::StoreKind;
use weft_checker::reduce::Reduction;
use weft_models::ir::Program;

use alike::essence;

fn on_threads(n: usize, prog: &Program, bounds: &Bounds, reduction: Reduction) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .expect("a thread pool");
    pool.install(|| match explore_with(prog, bounds, reduction) {
        // (And the full store's bytes: it holds the same whether or not
        // the commit found some successors ahead. A fingerprint set cut
        // part way keeps the room it grew for insertions ahead.)
        Ok(o) if o.stats.store == StoreKind::Full => format!(
            "{}\nbytes per state {}",
            essence(&o),
            o.stats.bytes_per_state
        ),
        Ok(o) => essence(&o),
        Err(e) => format!("error {e} at {:?}", e.path),
    })
}

fn assert_same(name: &str, prog: &Program, bounds: &Bounds, reduction: Reduction) {
    let one = on_threads(1, prog, bounds, reduction);
    let three = on_threads(3, prog, bounds, reduction);
    assert_eq!(
        one, three,
        "{name} ({reduction:?}, {bounds:?}): one thread and three differ"
    );
}

#[test]
fn the_corpus_is_checked_alike_on_one_thread_and_on_three() {
    alike::on_the_corpus(&assert_same);
}

#[test]
fn generated_scenarios_are_checked_alike_on_one_thread_and_on_three() {
    alike::on_generated_scenarios(&assert_same);
}

fn assert_same_fingerprinted(name: &str, prog: &Program, bounds: &Bounds, reduction: Reduction) {
    let bounds = Bounds {
        store: StoreKind::Fingerprint,
        ..bounds.clone()
    };
    assert_same(name, prog, &bounds, reduction);
}

#[test]
fn the_corpus_is_checked_alike_on_one_thread_and_on_three_with_fingerprints() {
    alike::on_the_corpus(&assert_same_fingerprinted);
}

#[test]
fn generated_scenarios_are_checked_alike_on_one_thread_and_on_three_with_fingerprints() {
    alike::on_generated_scenarios(&assert_same_fingerprinted);
}
