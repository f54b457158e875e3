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
}

impl MapState {
    /// `m[key]`, or the zero value.
    pub fn get(&self, key: &Value) -> Value {
        match self.entries.binary_search_by(|(k, _)| k.cmp(key)) {
            Ok(i) => self.entries[i].1,
            Err(_) => Value::Int(0),
        }
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
