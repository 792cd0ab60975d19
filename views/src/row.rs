//! What the view modules share: a row of an entity's table, and the helpers their batch statements
//! bind with (one array per column, for `UNNEST`).

use serde::Serialize;

/// A row of an entity's table: the model's entity, and what only the views keep (counters, times
/// from the log's envelope).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row<E, V> {
    pub entity: E,
    pub view: V,
}

/// One column of `items`, for an `UNNEST` bind.
pub(crate) fn column<T, U>(items: &[T], f: impl Fn(&T) -> U) -> Vec<U> {
    items.iter().map(f).collect()
}

/// A set of ids as a Postgres array literal (`{1,2,3}`): `UNNEST` cannot take an array of arrays
/// of different lengths, so each row's ids travel as text.
pub(crate) fn id_array(ids: impl IntoIterator<Item = i64>) -> String {
    let inner: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    format!("{{{}}}", inner.join(","))
}

/// `value` as a `jsonb` value to bind.
pub(crate) fn json(value: &impl Serialize) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// A stored name that names nothing the model knows.
pub(crate) fn unknown(column: &str, what: &str, name: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.into(),
        source: format!("unknown {what} {name:?}").into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_travel_as_array_literals() {
        assert_eq!(super::id_array([1, 22, 333]), "{1,22,333}");
        assert_eq!(super::id_array([]), "{}");
    }
}
