//! The strings of both sides of a comparison, each distinct one stored once. A review holds
//! ids (`Sym`), not strings: two large specs share almost every ARN, image and name, and
//! comparing facts compares numbers.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// A string of a `Strings`; equal strings are equal ids (within one `Strings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Sym(u32);

/// A list of strings of a `Strings` (a command's arguments, a document's lines); equal
/// lists are equal ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ListId(u32);

#[derive(Debug, Default)]
pub(crate) struct Strings {
    ids: HashMap<Arc<str>, Sym, BuildHasherDefault<Fx>>,
    /// By id: the text of each (one allocation, shared with the map's key).
    texts: Vec<Arc<str>>,
    list_ids: HashMap<Arc<[Sym]>, ListId, BuildHasherDefault<Fx>>,
    lists: Vec<Arc<[Sym]>>,
}

impl Strings {
    pub(crate) fn intern(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.ids.get(text) {
            return sym;
        }
        let sym = Sym(u32::try_from(self.texts.len()).unwrap_or(u32::MAX));
        let shared: Arc<str> = Arc::from(text);
        self.texts.push(Arc::clone(&shared));
        self.ids.insert(shared, sym);
        sym
    }

    pub(crate) fn get(&self, sym: Sym) -> &str {
        self.texts.get(sym.0 as usize).map_or("", |text| text)
    }

    /// An owned copy, for a report.
    pub(crate) fn string(&self, sym: Sym) -> String {
        self.get(sym).to_string()
    }

    pub(crate) fn intern_list(&mut self, items: &[Sym]) -> ListId {
        if let Some(&id) = self.list_ids.get(items) {
            return id;
        }
        let id = ListId(u32::try_from(self.lists.len()).unwrap_or(u32::MAX));
        let shared: Arc<[Sym]> = Arc::from(items);
        self.lists.push(Arc::clone(&shared));
        self.list_ids.insert(shared, id);
        id
    }

    pub(crate) fn list(&self, id: ListId) -> &[Sym] {
        self.lists.get(id.0 as usize).map_or(&[], |list| list)
    }
}

/// Hash maps and sets keyed by ids and model strings, with the hash below.
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
pub(crate) type FxHashSet<K> = std::collections::HashSet<K, BuildHasherDefault<Fx>>;

/// The Firefox/rustc hash: fast on short keys, and the keys are no attacker's choice of
/// collisions that matters here (a slow diff at worst).
#[derive(Default)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_are_one_id_and_read_back() {
        let mut strings = Strings::default();
        let a = strings.intern("arn:aws:iam::111122223333:role/a");
        let b = strings.intern("arn:aws:iam::111122223333:role/b");
        assert_ne!(a, b);
        assert_eq!(strings.intern("arn:aws:iam::111122223333:role/a"), a);
        assert_eq!(strings.get(b), "arn:aws:iam::111122223333:role/b");
        assert_eq!(strings.intern(""), strings.intern(""));
    }
}
