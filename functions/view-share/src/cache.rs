//! What a warm view function keeps between requests: the decoded snapshot of each share it served,
//! with its generation, and rendered bodies, keyed by their entity tag. A generation's snapshot
//! never changes, and the tag covers everything else a body depends on, so a cached entry is
//! exactly what would be decoded or rendered now. The record is still read on every request:
//! revoke, expiry and policy are decided fresh each time, only the work after them is saved (and,
//! for a share whose snapshot is held, the reading of its chunks).

use share_core::domain::{Generation, SealedSnapshot, ShareId, SharedEvent};
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Decoded snapshots and rendered bodies of one warm instance.
pub struct ViewCache {
    snapshots: BoundedCache<ShareId, (Generation, Arc<[SharedEvent]>)>,
    /// Sealed shares' ciphertexts, as stored: a shell page's view brings its ciphertext in for the
    /// `/s/{id}/sealed` request that follows it.
    ciphertexts: BoundedCache<ShareId, (Generation, Arc<SealedSnapshot>)>,
    bodies: BoundedCache<String, Arc<str>>,
    /// Bodies as sent gzipped, under their coding's entity tag (`encoding`).
    gzip_bodies: BoundedCache<String, Arc<[u8]>>,
}

impl ViewCache {
    /// Budgets sized for a 256 MB function: about 50,000 decoded events, 32 MiB of bodies as
    /// rendered and 16 MiB gzipped, 16 MiB of ciphertexts.
    pub fn new() -> Self {
        Self::with_budgets(50_000, 32 << 20)
    }

    /// Gzipped bodies and ciphertexts get half the budget of rendered bodies each.
    pub fn with_budgets(snapshot_events: usize, body_bytes: usize) -> Self {
        Self {
            snapshots: BoundedCache::new(snapshot_events),
            ciphertexts: BoundedCache::new(body_bytes / 2),
            bodies: BoundedCache::new(body_bytes),
            gzip_bodies: BoundedCache::new(body_bytes / 2),
        }
    }

    /// Whether a snapshot of the share is held, of whatever generation: then its record alone is
    /// read, and the chunks only when the generation has moved on.
    pub fn holds_share(&self, share: &ShareId) -> bool {
        self.snapshots.get(share).is_some() || self.ciphertexts.get(share).is_some()
    }

    pub fn ciphertext(&self, share: &ShareId, generation: &Generation) -> Option<Arc<SealedSnapshot>> {
        self.ciphertexts.get(share).filter(|(held, _)| held == generation).map(|(_, sealed)| sealed)
    }

    /// Keeps a sealed share's ciphertext in place of any older generation's.
    pub fn keep_ciphertext(&self, share: &ShareId, generation: &Generation, sealed: Arc<SealedSnapshot>) {
        let weight = sealed.ciphertext().len().max(1);
        self.ciphertexts.insert(share.clone(), (generation.clone(), sealed), weight);
    }

    pub fn snapshot(&self, share: &ShareId, generation: &Generation) -> Option<Arc<[SharedEvent]>> {
        self.snapshots.get(share).filter(|(held, _)| held == generation).map(|(_, events)| events)
    }

    /// Keeps a share's snapshot in place of any older generation's.
    pub fn keep_snapshot(&self, share: &ShareId, generation: &Generation, events: Arc<[SharedEvent]>) {
        let weight = events.len().max(1);
        self.snapshots.insert(share.clone(), (generation.clone(), events), weight);
    }

    pub fn body(&self, entity_tag: &str) -> Option<Arc<str>> {
        self.bodies.get(&entity_tag.to_owned())
    }

    pub fn keep_body(&self, entity_tag: &str, body: Arc<str>) {
        let weight = body.len().max(1);
        self.bodies.insert(entity_tag.to_owned(), body, weight);
    }

    /// A gzipped body, under the entity tag of its coding.
    pub fn gzip_body(&self, entity_tag: &str) -> Option<Arc<[u8]>> {
        self.gzip_bodies.get(&entity_tag.to_owned())
    }

    pub fn keep_gzip_body(&self, entity_tag: &str, body: Arc<[u8]>) {
        let weight = body.len().max(1);
        self.gzip_bodies.insert(entity_tag.to_owned(), body, weight);
    }
}

impl Default for ViewCache {
    fn default() -> Self {
        Self::new()
    }
}

/// A map with a weight budget; the oldest entries go first when it is exceeded. An entry heavier
/// than the whole budget is not kept; a new value for a key replaces the old one.
struct BoundedCache<K, V> {
    budget: usize,
    state: Mutex<CacheState<K, V>>,
}

struct CacheState<K, V> {
    entries: HashMap<K, (V, usize)>,
    order: VecDeque<K>,
    weight: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> BoundedCache<K, V> {
    fn new(budget: usize) -> Self {
        Self { budget, state: Mutex::new(CacheState { entries: HashMap::new(), order: VecDeque::new(), weight: 0 }) }
    }

    fn get(&self, key: &K) -> Option<V> {
        let state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.entries.get(key).map(|(value, _)| value.clone())
    }

    fn insert(&self, key: K, value: V, weight: usize) {
        if weight > self.budget {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, replaced)) = state.entries.remove(&key) {
            state.weight -= replaced;
            state.order.retain(|held| held != &key);
        }
        while state.weight + weight > self.budget {
            let Some(oldest) = state.order.pop_front() else { break };
            if let Some((_, freed)) = state.entries.remove(&oldest) {
                state.weight -= freed;
            }
        }
        state.weight += weight;
        state.order.push_back(key.clone());
        state.entries.insert(key, (value, weight));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use share_core::domain::EventTime;
    use share_core::render::fixtures;

    fn busy_events(count: usize) -> Vec<SharedEvent> {
        let at = EventTime::At(jiff::Timestamp::UNIX_EPOCH);
        vec![fixtures::event("u", at, at); count]
    }

    #[test]
    fn bodies_stay_within_their_budget_oldest_out_first() {
        let cache = ViewCache::with_budgets(10, 10);
        cache.keep_body("a", Arc::from("aaaa"));
        cache.keep_body("b", Arc::from("bbbb"));
        cache.keep_body("c", Arc::from("cccc"));
        assert!(cache.body("a").is_none(), "the oldest body made room");
        assert_eq!(cache.body("b").as_deref(), Some("bbbb"));
        assert_eq!(cache.body("c").as_deref(), Some("cccc"));
        cache.keep_body("huge", Arc::from("x".repeat(11)));
        assert!(cache.body("huge").is_none(), "an entry over the whole budget is not kept");
        assert_eq!(cache.body("c").as_deref(), Some("cccc"), "and evicts nothing");
    }

    #[test]
    fn snapshots_are_keyed_by_share_and_generation() {
        let cache = ViewCache::with_budgets(10, 10);
        let (share, other) = (ShareId::generate(), ShareId::generate());
        let (first, second) = (Generation::generate(), Generation::generate());
        cache.keep_snapshot(&share, &first, Arc::from(Vec::new()));
        assert!(cache.snapshot(&share, &first).is_some());
        assert!(cache.snapshot(&share, &second).is_none(), "a new generation is a new snapshot");
        assert!(cache.holds_share(&share), "though the share is known");
        assert!(cache.snapshot(&other, &first).is_none());
        assert!(!cache.holds_share(&other));
        cache.keep_ciphertext(&other, &second, Arc::new(SealedSnapshot::stored(vec![7; 5], 1)));
        assert!(cache.holds_share(&other) && cache.snapshot(&other, &second).is_none());
        assert_eq!(cache.ciphertext(&other, &second).map(|sealed| sealed.ciphertext().len()), Some(5));
        assert!(cache.ciphertext(&other, &first).is_none());
    }

    #[test]
    fn a_new_generation_replaces_the_old_one_and_its_weight() {
        let cache = ViewCache::with_budgets(4, 10);
        let share = ShareId::generate();
        let (first, second) = (Generation::generate(), Generation::generate());
        cache.keep_snapshot(&share, &first, Arc::from(busy_events(3)));
        cache.keep_snapshot(&share, &second, Arc::from(busy_events(3)));
        assert!(cache.snapshot(&share, &first).is_none(), "the old generation is gone");
        assert_eq!(cache.snapshot(&share, &second).map(|events| events.len()), Some(3));
        let other = ShareId::generate();
        cache.keep_snapshot(&other, &first, Arc::from(busy_events(1)));
        assert!(
            cache.snapshot(&share, &second).is_some(),
            "3 + 1 events fit the budget of 4: the replaced weight was freed"
        );
    }
}
