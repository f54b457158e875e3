//! The process's resident memory, as the system counts it: what
//! `--max-memory` bounds and `--stats` reports (measured, never
//! estimated).

/// The resident set of this process in bytes (Linux: the second figure
/// of `/proc/self/statm`, in pages). `None` where it cannot be read.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * rustix::param::page_size() as u64)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resident_set_in_pages_agrees_with_the_kilobytes_of_status() {
        let pages = resident_bytes().expect("/proc/self/statm");
        let kilobytes = status_bytes("VmRSS:").expect("/proc/self/status");
        // Read one after the other: the test's own allocations may move
        // them apart by a little, not by a page size's factor.
        let (lo, hi) = (pages.min(kilobytes), pages.max(kilobytes));
        assert!(hi - lo <= hi / 10, "statm {pages} B, status {kilobytes} B");
        assert!(peak_resident_bytes().expect("VmHWM") >= lo);
    }
}
