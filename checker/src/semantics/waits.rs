//! The vocabulary of a wait: what a blocked goroutine is doing, who holds
//! what it needs, and which operations would release it. Each primitive's
//! file answers in these terms ([`super::wake`] asks them).

use crate::state::GoroutineId;
use crate::value::ObjRef;
use smallvec::SmallVec;

/// An operation that can release a blocked goroutine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Release {
    /// A send on the channel.
    Send,
    /// A receive from the channel.
    Receive,
    /// Closing the channel.
    Close,
    /// Unlocking the (RW)Mutex.
    Unlock,
    /// Read-unlocking the RWMutex.
    ReadUnlock,
    /// `Done` (a negative `Add`) on the WaitGroup.
    Done,
    /// `Signal` or `Broadcast` on the Cond.
    Signal,
    /// Calling the context's cancel function.
    Cancel,
    /// Finishing the function a `Once` runs.
    FinishOnce,
}

/// What a blocked goroutine is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Waiting {
    /// Sending on a channel.
    Send,
    /// Receiving from a channel.
    Receive,
    /// In a `select`.
    Select,
    /// `Lock` on a Mutex or RWMutex.
    Lock,
    /// `RLock` on an RWMutex.
    ReadLock,
    /// An RWMutex writer that has announced itself, waiting for the
    /// readers inside to leave.
    ReadersLeave,
    /// `Wait` on a WaitGroup.
    WaitGroup,
    /// `Wait` on a Cond, not yet signalled.
    Signal,
    /// `Wait` on a Cond, signalled, retaking the Locker.
    Relock,
    /// Entering `once.Do` while another goroutine runs the function.
    EnterOnce,
}

/// A fact that explains a wait by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum WaitNote {
    /// The channel is nil: it is never ready.
    NilChannel,
    /// `select {}`: blocks forever.
    EmptySelect,
    /// Every case of the select is on a nil channel.
    AllCasesNil,
    /// The WaitGroup's counter.
    Counter(i64),
    /// A writer is waiting for the RWMutex, so new readers wait too.
    WriterWaiting,
    /// The channel is a running timer's or ticker's: it will be sent on
    /// (`true` for a ticker, which sends at every tick).
    TimerRunning(bool),
    /// The channel is a context's `Done()` and its deadline is pending: it
    /// will be closed when the deadline expires.
    DeadlinePending,
}

/// Who holds what a blocked goroutine needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holder {
    /// The goroutine holding the write lock of this (RW)Mutex, or running
    /// this `Once`'s function: the run's history knows who.
    Writer(ObjRef),
    /// The goroutines holding read locks of this RWMutex (history knows).
    Readers(ObjRef),
    /// This goroutine, known from the state: an RWMutex writer that has
    /// announced itself and waits for the readers to leave. It does not
    /// hold the lock; new readers queue behind it.
    AnnouncedWriter(GoroutineId),
}

/// What a blocked goroutine waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Blocked {
    /// What it is doing.
    pub waiting: Waiting,
    /// The objects it waits on (several for a select), in operand order.
    pub objects: SmallVec<[ObjRef; 2]>,
    /// Who holds what it needs.
    pub holders: Vec<Holder>,
    /// The operations, on which objects, that would release it.
    pub released_by: SmallVec<[(Release, ObjRef); 2]>,
    /// A fact that explains the wait.
    pub note: Option<WaitNote>,
}

impl Blocked {
    /// A wait with nothing known yet.
    pub fn new(waiting: Waiting) -> Blocked {
        Blocked {
            waiting,
            objects: SmallVec::new(),
            holders: Vec::new(),
            released_by: SmallVec::new(),
            note: None,
        }
    }
}
