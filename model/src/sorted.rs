//! A hash map written as its entries sorted by key (`#[serde(with = "crate::sorted")]`), so a state
//! serializes to the same bytes whatever the map's iteration order, and keys that are not strings
//! (a tuple, an account) fit JSON.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;
use std::hash::Hash;

/// Writes `map` as a sequence of `[key, value]` pairs in key order.
///
/// # Errors
/// The serializer's.
pub fn serialize<K, V, S>(map: &HashMap<K, V>, serializer: S) -> Result<S::Ok, S::Error>
where
    K: Ord + Serialize,
    V: Serialize,
    S: Serializer,
{
    let mut entries: Vec<(&K, &V)> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries.serialize(serializer)
}

/// Reads what [`serialize`] wrote.
///
/// # Errors
/// The deserializer's.
pub fn deserialize<'de, K, V, D>(deserializer: D) -> Result<HashMap<K, V>, D::Error>
where
    K: Eq + Hash + Deserialize<'de>,
    V: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Ok(Vec::<(K, V)>::deserialize(deserializer)?
        .into_iter()
        .collect())
}
