//! An in-memory cache of computed values that all go stale together when the database's
//! `board_generation` counter moves (migration `2026-12-02-000100_board_generation`).
//!
//! A reader reads the counter first, then asks the cache for the value filed under that
//! generation; on a miss it computes the value from the database and files it under the
//! generation it read. Because the counter is read before the data, a stored value is never
//! older than its generation: at worst a value newer than its generation is stored, and it
//! is recomputed once more on the next read.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// Values by key, all belonging to one generation of the database's boards.
#[derive(Debug)]
pub struct GenerationCache<K, V> {
    state: Mutex<State<K, V>>,
    capacity: usize,
}

#[derive(Debug)]
struct State<K, V> {
    generation: i64,
    entries: HashMap<K, V>,
    stats: CacheStats,
}

/// How often the cache answered, for tests and logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
}

impl<K: Hash + Eq, V: Clone> GenerationCache<K, V> {
    /// A cache holding at most `capacity` values (0 keeps nothing).
    pub fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State {
                generation: i64::MIN,
                entries: HashMap::new(),
                stats: CacheStats::default(),
            }),
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<K, V>> {
        // A panic while holding the lock leaves only a map behind, still consistent.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value filed under `key` in `generation`, if there is one. A newer generation
    /// empties the cache: everything in it is stale.
    pub fn get(&self, key: &K, generation: i64) -> Option<V> {
        let mut state = self.lock();
        if generation > state.generation {
            state.generation = generation;
            state.entries.clear();
        }
        let found = if generation == state.generation {
            state.entries.get(key).cloned()
        } else {
            None
        };
        if found.is_some() {
            state.stats.hits += 1;
        } else {
            state.stats.misses += 1;
        }
        found
    }

    /// Files `value` under `key` in `generation`. A value of an older generation than the
    /// cache's is dropped (another reader has already seen a newer one); when the cache is
    /// full, it starts over rather than tracking recency, which suits a handful of hot keys.
    pub fn insert(&self, key: K, generation: i64, value: V) {
        if self.capacity == 0 {
            return;
        }
        let mut state = self.lock();
        if generation < state.generation {
            return;
        }
        if generation > state.generation {
            state.generation = generation;
            state.entries.clear();
        }
        if state.entries.len() >= self.capacity && !state.entries.contains_key(&key) {
            state.entries.clear();
        }
        state.entries.insert(key, value);
    }

    pub fn stats(&self) -> CacheStats {
        self.lock().stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_only_in_its_generation() {
        let cache = GenerationCache::new(8);
        assert_eq!(cache.get(&1, 5), None);
        cache.insert(1, 5, "board at 5");
        assert_eq!(cache.get(&1, 5), Some("board at 5"));
        assert_eq!(cache.get(&1, 6), None, "a newer generation makes it stale");
        assert_eq!(cache.get(&1, 5), None, "and it is gone");
        assert_eq!(cache.stats(), CacheStats { hits: 1, misses: 3 });
    }

    #[test]
    fn a_value_computed_in_an_older_generation_is_not_stored() {
        let cache = GenerationCache::new(8);
        assert_eq!(cache.get(&1, 7), None);
        // A slow reader that read generation 6 before the counter moved finishes late.
        cache.insert(1, 6, "board at 6");
        assert_eq!(cache.get(&1, 7), None);
        assert_eq!(cache.get(&1, 6), None, "an old reader is not served either");
        cache.insert(1, 7, "board at 7");
        assert_eq!(cache.get(&1, 7), Some("board at 7"));
    }

    #[test]
    fn inserting_a_newer_generation_drops_the_older_values() {
        let cache = GenerationCache::new(8);
        cache.insert(1, 1, "one");
        cache.insert(2, 2, "two");
        assert_eq!(cache.get(&1, 2), None);
        assert_eq!(cache.get(&2, 2), Some("two"));
    }

    #[test]
    fn a_full_cache_starts_over_and_capacity_zero_keeps_nothing() {
        let cache = GenerationCache::new(2);
        cache.insert(1, 1, 'a');
        cache.insert(2, 1, 'b');
        cache.insert(2, 1, 'B');
        assert_eq!(
            cache.get(&1, 1),
            Some('a'),
            "replacing a key does not evict"
        );
        cache.insert(3, 1, 'c');
        assert_eq!(cache.get(&1, 1), None);
        assert_eq!(cache.get(&3, 1), Some('c'));
        let off = GenerationCache::new(0);
        off.insert(1, 1, 'a');
        assert_eq!(off.get(&1, 1), None);
    }
}
