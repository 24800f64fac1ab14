//! Maps keyed by two machine words that identify something by where it lives (an address
//! and a length or an indent): the words differ wherever the keys do, and no spec text is
//! hashed, so a multiply is all the hashing needed (SipHash, the default, was 3 % of a
//! large run's instructions for these keys).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by (address, length or indent).
pub(crate) type AddressMap<V> = HashMap<(usize, usize), V, BuildHasherDefault<AddressHasher>>;

/// Hashes an `AddressMap` key: addresses of distinct live values differ, so mixing the two
/// words is enough.
#[derive(Default)]
pub(crate) struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, word: u64) {
        // A multiply spreads the address's low bits (alignment zeros) over the word.
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }
}
