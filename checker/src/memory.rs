//! The process's resident memory, as the system counts it: what
//! `--max-memory` bounds and `--stats` reports (measured, never
//! estimated).

/// The resident set of this process in bytes (Linux: `/proc/self/statm`
/// counts pages, `/proc/self/status` kilobytes; the latter needs no page
/// size). `None` where it cannot be read.
pub fn resident_bytes() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// The peak resident set of this process so far, in bytes (`VmHWM`).
pub fn peak_resident_bytes() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// A kilobyte figure of `/proc/self/status`, in bytes.
fn status_bytes(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
