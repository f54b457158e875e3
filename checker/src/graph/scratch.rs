//! Scratch files: the files a search writes beside its memory (the
//! parent links of a fingerprint search, its spilled frontier), in the
//! system's temporary folder (`TMPDIR`). Each is opened for reading and
//! writing and its name removed at once: the open file stays readable
//! and writable, and the system frees it when the process ends, also
//! when it is killed (a removal at the end alone left the files of a
//! search killed mid-run).

use std::fs::File;
use std::path::PathBuf;

/// A new file `TMPDIR/{prefix}-PID-N`, its name already removed; the
/// path is kept for error messages.
pub(super) fn unnamed_file(prefix: &str) -> std::io::Result<(File, PathBuf)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = std::env::temp_dir();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = base.join(format!("{prefix}-{}-{n}", std::process::id()));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => {
                let _ = std::fs::remove_file(&path);
                return Ok((file, path));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}
