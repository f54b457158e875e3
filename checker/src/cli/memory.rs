//! `--max-memory`: sizes as the user writes them, and the default, a safe
//! share of the machine's memory.

use weft_checker::explore::bounds;

/// A memory limit: `500M`, `2G`, `1048576` (bytes), or `none`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxMemory(pub Option<u64>);

impl std::fmt::Display for MaxMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(b) => f.write_str(&bounds::size(b)),
            None => f.write_str("none"),
        }
    }
}

impl std::str::FromStr for MaxMemory {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("none") {
            return Ok(MaxMemory(None));
        }
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (digits, unit) = t.split_at(split);
        let shift = match unit.to_ascii_uppercase().as_str() {
            "" | "B" => 0,
            "K" | "KB" | "KIB" => 10,
            "M" | "MB" | "MIB" => 20,
            "G" | "GB" | "GIB" => 30,
            "T" | "TB" | "TIB" => 40,
            _ => return Err(format!("`{s}`: expected a size such as 500M, 2G or none")),
        };
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("`{s}`: expected a size such as 500M, 2G or none"))?;
        match n.checked_mul(1 << shift) {
            Some(b) if b > 0 => Ok(MaxMemory(Some(b))),
            _ => Err(format!("`{s}`: expected a positive size such as 500M")),
        }
    }
}

/// The default limit: half of the memory available when weft starts
/// (`MemAvailable`, else `MemTotal`, in /proc/meminfo), in whole
/// megabytes; none where it cannot be read.
pub fn default_max_memory() -> MaxMemory {
    let Ok(info) = std::fs::read_to_string("/proc/meminfo") else {
        return MaxMemory(None);
    };
    let field = |name: &str| -> Option<u64> {
        let line = info.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    let kb = field("MemAvailable:").or_else(|| field("MemTotal:"));
    MaxMemory(kb.map(|kb| (kb * 1024 / 2) >> 20 << 20).filter(|&b| b > 0))
}

#[cfg(test)]
mod tests {
    use super::MaxMemory;

    #[test]
    fn sizes_parse_and_print_back() {
        for (text, bytes, shown) in [
            ("500M", Some(500 << 20), "500M"),
            ("2g", Some(2 << 30), "2G"),
            ("1536K", Some(1536 << 10), "1536K"),
            ("1000", Some(1000), "1000"),
            ("none", None, "none"),
        ] {
            let m: MaxMemory = text.parse().expect("parses");
            assert_eq!(m, MaxMemory(bytes));
            assert_eq!(m.to_string(), shown);
        }
        assert!("0".parse::<MaxMemory>().is_err());
        assert!("12X".parse::<MaxMemory>().is_err());
        assert!("M".parse::<MaxMemory>().is_err());
    }
}
