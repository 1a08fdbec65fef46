//! One table of the embedded store: a map that remembers which of its rows each call changed, so
//! that a store kept in a file writes exactly those rows, in the call's one transaction.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

#[derive(Debug)]
pub(super) struct Table<K, V> {
    rows: HashMap<K, V>,
    changed: BTreeSet<K>,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Self { rows: HashMap::new(), changed: BTreeSet::new() }
    }
}

impl<K: Hash + Ord + Clone, V> Table<K, V> {
    pub fn get(&self, key: &K) -> Option<&V> {
        self.rows.get(key)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.rows.contains_key(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.rows.iter()
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.rows.values()
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let row = self.rows.get_mut(key)?;
        self.changed.insert(key.clone());
        Some(row)
    }

    /// The row under `key`, made with `make` if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        self.changed.insert(key.clone());
        self.rows.entry(key).or_insert_with(make)
    }

    pub fn insert(&mut self, key: K, value: V) {
        self.changed.insert(key.clone());
        self.rows.insert(key, value);
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let removed = self.rows.remove(key)?;
        self.changed.insert(key.clone());
        Some(removed)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let changed = &mut self.changed;
        self.rows.retain(|key, value| {
            let kept = keep(key, value);
            if !kept {
                changed.insert(key.clone());
            }
            kept
        });
    }

    /// The rows changed since the last call, each with its value now (`None`: removed).
    pub fn take_changed(&mut self) -> Vec<(K, Option<&V>)> {
        let changed = std::mem::take(&mut self.changed);
        changed
            .into_iter()
            .map(|key| {
                let value = self.rows.get(&key);
                (key, value)
            })
            .collect()
    }

    /// Puts a row read back from the file, changing nothing that needs writing.
    pub fn load(&mut self, key: K, value: V) {
        self.rows.insert(key, value);
    }

    /// Forgets what changed (a store that is not kept in a file has nowhere to write it).
    pub fn forget_changes(&mut self) {
        self.changed.clear();
    }
}
