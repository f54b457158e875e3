//! How much room Go's `append` leaves when it grows a slice: the capacity
//! of the new backing array, from the runtime's `growslice` (the growth
//! rule of Go 1.18 onwards: double below 256 elements, then about 1.25
//! times) rounded up to a size class of Go's allocator (`roundupsize`,
//! with the allocation headers of Go 1.22 onwards). The room decides which
//! later appends write in place, into memory an earlier slice still sees.

use weft_models::ir::Layout;

/// The sizes of Go's small allocation classes (runtime/sizeclasses.go, the
/// same from Go 1.19 to 1.24), in bytes.
const SIZE_CLASSES: [u64; 67] = [
    8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352,
    384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048,
    2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];

/// The largest small allocation (`maxSmallSize`).
const MAX_SMALL_SIZE: u64 = 32768;
/// Large allocations are whole pages (`pageSize`).
const PAGE_SIZE: u64 = 8192;
/// The header a small allocation the collector scans carries past this
/// size (`mallocHeaderSize`, `minSizeForMallocHeader`).
const MALLOC_HEADER_SIZE: u64 = 8;
const MIN_SIZE_FOR_MALLOC_HEADER: u64 = 512;

/// The capacity of the array `append` makes when a slice of capacity
/// `old_cap` must hold `new_len` elements of layout `elem`.
pub(crate) fn grown_capacity(old_cap: u64, new_len: u64, elem: Layout) -> u64 {
    let size = u64::from(elem.size);
    if size == 0 {
        return new_len;
    }
    let cap = next_capacity(old_cap, new_len);
    let bytes = round_up_size(cap.saturating_mul(size), !elem.pointers);
    (bytes / size).max(new_len)
}

/// `nextslicecap`: the capacity before rounding.
fn next_capacity(old_cap: u64, new_len: u64) -> u64 {
    const THRESHOLD: u64 = 256;
    let double = old_cap.saturating_mul(2);
    if new_len > double {
        return new_len;
    }
    if old_cap < THRESHOLD {
        return double;
    }
    let mut cap = old_cap;
    while cap < new_len {
        cap = cap.saturating_add((cap + 3 * THRESHOLD) >> 2);
    }
    cap
}

/// `roundupsize`: the bytes the allocator gives for `size`, less the
/// header it keeps in them.
fn round_up_size(size: u64, no_scan: bool) -> u64 {
    if size <= MAX_SMALL_SIZE - MALLOC_HEADER_SIZE {
        let header = if !no_scan && size > MIN_SIZE_FOR_MALLOC_HEADER {
            MALLOC_HEADER_SIZE
        } else {
            0
        };
        let wanted = size + header;
        let class = SIZE_CLASSES[SIZE_CLASSES.partition_point(|&c| c < wanted)];
        return class - header;
    }
    size.div_ceil(PAGE_SIZE).saturating_mul(PAGE_SIZE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(size: u32, pointers: bool, from: u64, appends: usize) -> Vec<u64> {
        let elem = Layout { size, pointers };
        let (mut len, mut cap) = (from, from);
        let mut out = Vec::new();
        for _ in 0..appends {
            len += 1;
            if len > cap {
                cap = grown_capacity(cap, len, elem);
                out.push(cap);
            }
        }
        out
    }

    #[test]
    fn grows_as_go_grows() {
        // What `go1.19.8` prints for `cap` after each growth of a slice of
        // that element type (`int`, `byte`, `int32`, `string`, ..., `struct{}`; probe
        // `append-growth` in checker/tests/values/go).
        assert_eq!(
            caps(8, false, 0, 600),
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848]
        );
        assert_eq!(caps(1, false, 0, 40), [8, 16, 32, 64]);
        assert_eq!(caps(4, false, 0, 20), [2, 4, 8, 16, 32]);
        assert_eq!(caps(16, true, 0, 20), [1, 2, 4, 8, 16, 32]);
        // 32 slices are 768 bytes the collector scans: from Go 1.22 on,
        // their allocation keeps a header, and the class that fits it
        // holds 37 (Go 1.19.8, without headers, prints 32).
        assert_eq!(caps(24, true, 0, 20), [1, 2, 4, 8, 16, 37]);
        assert_eq!(caps(24, false, 0, 20), [1, 2, 4, 8, 16, 32]);
        assert_eq!(caps(8, false, 3, 1), [6]);
        assert_eq!(caps(8, false, 17, 1), [36]);
        assert_eq!(caps(0, false, 0, 3), [1, 2, 3]);
    }

    #[test]
    fn large_allocations_are_whole_pages() {
        assert_eq!(round_up_size(32769, true), 40960);
        assert_eq!(round_up_size(513, true), 576);
        // A scanned allocation past 512 bytes keeps an 8-byte header.
        assert_eq!(round_up_size(1024, false), 1144);
    }
}
