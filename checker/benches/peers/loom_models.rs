//! The benchmark families loom can express (threads, Mutex, atomics; no
//! channels or select), as loom models mirroring the weft scenarios of
//! `../families.rs` named in each doc comment. Go's atomics are `SeqCst`
//! atomics (sequentially consistent, as Go's are), a Go Mutex is a loom
//! Mutex. main joins its threads (loom waits for them anyway). loom allows
//! at most 4 threads besides main.

use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use loom::sync::{Arc, Mutex};
use loom::thread;

/// A model: the closure loom runs once per execution.
pub type Model = Box<dyn Fn() + Sync + Send + 'static>;

fn cells(n: usize) -> Arc<Vec<AtomicUsize>> {
    Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect())
}

fn join(hs: Vec<thread::JoinHandle<()>>) {
    for h in hs {
        let _ = h.join();
    }
}

/// Mirrors `families::independent(n)`.
pub fn independent(n: usize) -> Model {
    Box::new(move || {
        let xs = cells(n);
        let hs = (0..n)
            .map(|i| {
                let xs = xs.clone();
                thread::spawn(move || {
                    xs[i].store(1, SeqCst);
                    xs[i].store(2, SeqCst);
                })
            })
            .collect();
        join(hs);
    })
}

/// Mirrors `families::readers_writer(n, true)`.
pub fn readers_writer(n: usize) -> Model {
    Box::new(move || {
        let x = Arc::new(AtomicUsize::new(0));
        let mut hs = Vec::new();
        let w = x.clone();
        hs.push(thread::spawn(move || w.store(1, SeqCst)));
        for _ in 0..n {
            let r = x.clone();
            hs.push(thread::spawn(move || {
                let _ = r.load(SeqCst);
            }));
        }
        join(hs);
    })
}

/// Mirrors `families::lastzero(n, true)`.
pub fn lastzero(n: usize) -> Model {
    Box::new(move || {
        let a = cells(n + 1);
        let mut hs = Vec::new();
        let scan = a.clone();
        hs.push(thread::spawn(move || {
            let mut i = n;
            while scan[i].load(SeqCst) != 0 {
                i -= 1;
            }
        }));
        for j in 1..=n {
            let a = a.clone();
            hs.push(thread::spawn(move || {
                let t = a[j - 1].load(SeqCst);
                a[j].store(t + 1, SeqCst);
            }));
        }
        join(hs);
    })
}

/// Mirrors `families::indexer(n)`.
pub fn indexer(n: usize) -> Model {
    Box::new(move || {
        let table = cells(128);
        let hs = (1..=n)
            .map(|tid| {
                let table = table.clone();
                thread::spawn(move || {
                    for m in 1..=4 {
                        let w = m * 11 + tid;
                        let mut h = (w * 7) % 128;
                        while table[h].compare_exchange(0, w, SeqCst, SeqCst).is_err() {
                            h = (h + 1) % 128;
                        }
                    }
                })
            })
            .collect();
        join(hs);
    })
}

/// Mirrors `families::philosophers(n, fixed)`.
pub fn philosophers(n: usize, fixed: bool) -> Model {
    Box::new(move || {
        let forks: Arc<Vec<Mutex<()>>> = Arc::new((0..n).map(|_| Mutex::new(())).collect());
        let hs = (0..n)
            .map(|i| {
                let forks = forks.clone();
                let (mut a, mut b) = (i, (i + 1) % n);
                if fixed && a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                thread::spawn(move || {
                    let ga = forks[a].lock();
                    let gb = forks[b].lock();
                    drop(gb);
                    drop(ga);
                })
            })
            .collect();
        join(hs);
    })
}
