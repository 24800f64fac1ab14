//! The hash maps and sets of the crate: std's and indexmap's, hashed with foldhash instead
//! of SipHash. A large spec is hashed hundreds of thousands of times (task names, tags,
//! environment keys, addresses), where SipHash took about 4 % of `gen`'s instructions.
//! foldhash does not claim resistance to hash flooding (its seed mixes addresses and the
//! clock, not the OS's random source); what a spec could gain by aiming collisions is a
//! slower run of a one-shot command that never shows a hash, which we accept for the
//! speed. Iteration order of `HashMap` and `HashSet` was never an order anything is
//! written in (each use is a lookup or a duplicate check), and `IndexMap` keeps
//! insertion order.

pub(crate) use foldhash::fast::RandomState;

pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, RandomState>;
pub(crate) type HashSet<T> = std::collections::HashSet<T, RandomState>;
pub(crate) type IndexMap<K, V> = indexmap::IndexMap<K, V, RandomState>;
pub(crate) type IndexSet<T> = indexmap::IndexSet<T, RandomState>;
