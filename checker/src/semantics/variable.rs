//! Shared variables and maps: plain and atomic accesses. Each access is one
//! step; data races are detected from the accesses pending in a state
//! (see `detect::race`).

use crate::value::Value;

/// A shared variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct VarState {
    /// Its current value.
    pub value: Value,
}

/// A map from values to values, kept sorted by key (canonical).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct MapState {
    /// Entries sorted by key.
    pub entries: Vec<(Value, Value)>,
    /// What an absent entry reads as: the zero value of the map's values'
    /// type (0 for `map[K]int`, false for `map[K]bool`, nil for references).
    pub zero: Value,
}

impl MapState {
    /// An empty map whose absent entries read as `zero`.
    pub(crate) fn new(zero: Value) -> MapState {
        MapState {
            entries: Vec::new(),
            zero,
        }
    }

    /// `m[key]`, or the zero value.
    pub fn get(&self, key: &Value) -> Value {
        self.lookup(key).unwrap_or(self.zero)
    }

    /// `v, ok := m[key]`: the entry's value, `None` when absent.
    pub fn lookup(&self, key: &Value) -> Option<Value> {
        self.entries
            .binary_search_by(|(k, _)| k.cmp(key))
            .ok()
            .map(|i| self.entries[i].1)
    }

    /// `m[key] = value`.
    pub(crate) fn set(&mut self, key: Value, value: Value) {
        match self.entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => self.entries[i].1 = value,
            Err(i) => self.entries.insert(i, (key, value)),
        }
    }

    /// `delete(m, key)`.
    pub(crate) fn delete(&mut self, key: &Value) {
        if let Ok(i) = self.entries.binary_search_by(|(k, _)| k.cmp(key)) {
            self.entries.remove(i);
        }
    }
}
