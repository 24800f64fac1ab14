//! The hash maps and sets of the crate: std's and indexmap's, hashed with foldhash instead
//! of SipHash. A large spec is hashed hundreds of thousands of times (task names, tags,
//! environment keys, addresses), where SipHash took about 4 % of `gen`'s instructions.
//! foldhash's seed is random per process, so a spec cannot be written to collide on
//! purpose any more than with SipHash's; iteration order of `HashMap` and `HashSet` was
//! never an order anything is written in, and `IndexMap` keeps insertion order.

pub(crate) use foldhash::fast::RandomState;

pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, RandomState>;
pub(crate) type HashSet<T> = std::collections::HashSet<T, RandomState>;
pub(crate) type IndexMap<K, V> = indexmap::IndexMap<K, V, RandomState>;
pub(crate) type IndexSet<T> = indexmap::IndexSet<T, RandomState>;
