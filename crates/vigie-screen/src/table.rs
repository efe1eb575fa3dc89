//! A static hash table for keys that are already uniformly random (blind indexes are keyed HMACs,
//! suppression entries SHA-256 hashes): the first 8 bytes of a key are its hash, no hashing is
//! done. Built once, stored as bytes in the snapshot, read back as is.
//!
//! Layout: the keys in sorted order, each in a slot at or after its home slot (`home` maps the
//! key's first 8 bytes, read big-endian, monotonically onto `0..range`), with gaps. A lookup
//! starts at the key's home and scans forward while the slots hold smaller keys: one or two
//! cache lines, and a miss stops as early as a hit. Each slot is the key followed by a
//! little-endian `u32` value; [`EMPTY`] marks a free slot.

use std::cmp::Ordering;

/// The value of a free slot.
pub const EMPTY: u32 = u32::MAX;

/// A table of `K`-byte keys to `u32` values, over its slot bytes.
#[derive(Debug, Clone)]
pub struct KeyTable<const K: usize> {
    range: u64,
    slots: Vec<u8>,
}

impl<const K: usize> KeyTable<K> {
    /// Bytes per slot.
    pub const SLOT: usize = K + 4;

    /// Builds the table. Entries with the same key keep the first one's value in `entries` order
    /// (callers push contacts in id order: the first contact wins). `EMPTY` is not a value.
    pub fn build(mut entries: Vec<([u8; K], u32)>) -> KeyTable<K> {
        // Stable: equal keys stay in push order, and dedup keeps the first.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, first| later.0 == first.0);
        let n = entries.len() as u64;
        // One home slot per key and a quarter more: short runs, a small table.
        let range = (n + n / 4).max(1);
        let mut positions = Vec::with_capacity(entries.len());
        let mut next = 0u64;
        for (key, _) in &entries {
            let pos = home(key, range).max(next);
            positions.push(pos);
            next = pos + 1;
        }
        // One free slot after the last, so that every scan ends on a free slot.
        let len = next as usize + 1;
        let mut slots = vec![0u8; len * Self::SLOT];
        for chunk in slots.chunks_exact_mut(Self::SLOT) {
            chunk[K..].copy_from_slice(&EMPTY.to_le_bytes());
        }
        for ((key, value), pos) in entries.iter().zip(positions) {
            debug_assert_ne!(*value, EMPTY);
            let slot = &mut slots[pos as usize * Self::SLOT..][..Self::SLOT];
            slot[..K].copy_from_slice(key);
            slot[K..].copy_from_slice(&value.to_le_bytes());
        }
        KeyTable { range, slots }
    }

    /// A table read back from its parts; `None` if they do not fit together.
    pub fn from_parts(range: u64, slots: Vec<u8>) -> Option<KeyTable<K>> {
        (range >= 1 && !slots.is_empty() && slots.len().is_multiple_of(Self::SLOT))
            .then_some(KeyTable { range, slots })
    }

    pub fn range(&self) -> u64 {
        self.range
    }

    pub fn slot_bytes(&self) -> &[u8] {
        &self.slots
    }

    /// The values of the occupied slots.
    pub fn values(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots
            .chunks_exact(Self::SLOT)
            .map(|s| u32::from_le_bytes(s[K..].try_into().expect("4 bytes")))
            .filter(|v| *v != EMPTY)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.values().count()
    }

    /// The value of `key`, if present.
    #[inline]
    pub fn get(&self, key: &[u8; K]) -> Option<u32> {
        let mut i = home(key, self.range) as usize;
        loop {
            let slot = self.slots.get(i * Self::SLOT..(i + 1) * Self::SLOT)?;
            let value = u32::from_le_bytes(slot[K..].try_into().expect("4 bytes"));
            if value == EMPTY {
                return None;
            }
            match slot[..K].cmp(&key[..]) {
                Ordering::Less => i += 1,
                Ordering::Equal => return Some(value),
                Ordering::Greater => return None,
            }
        }
    }

    #[inline]
    pub fn contains(&self, key: &[u8; K]) -> bool {
        self.get(key).is_some()
    }
}

/// The home slot of a key: its first 8 bytes (big-endian, so the order of keys is kept) scaled
/// onto `0..range`.
#[inline]
fn home<const K: usize>(key: &[u8; K], range: u64) -> u64 {
    let mut head = [0u8; 8];
    let n = K.min(8);
    head[..n].copy_from_slice(&key[..n]);
    ((u128::from(u64::from_be_bytes(head)) * u128::from(range)) >> 64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn key(i: u32) -> [u8; 16] {
        Sha256::digest(i.to_le_bytes())[..16].try_into().unwrap()
    }

    #[test]
    fn finds_every_key_and_no_other() {
        let entries: Vec<_> = (0..50_000).map(|i| (key(i), i)).collect();
        let t = KeyTable::build(entries);
        assert_eq!(t.len(), 50_000);
        for i in 0..50_000 {
            assert_eq!(t.get(&key(i)), Some(i));
        }
        for i in 50_000..100_000 {
            assert_eq!(t.get(&key(i)), None);
        }
        let back = KeyTable::<16>::from_parts(t.range(), t.slot_bytes().to_vec()).unwrap();
        assert_eq!(back.get(&key(7)), Some(7));
    }

    #[test]
    fn the_first_of_equal_keys_wins_and_extremes_work() {
        let t = KeyTable::build(vec![
            ([0xff; 16], 3),
            (key(1), 5),
            ([0xff; 16], 1),
            ([0; 16], 9),
            (key(1), 2),
        ]);
        assert_eq!(t.get(&[0xff; 16]), Some(3));
        assert_eq!(t.get(&key(1)), Some(5));
        assert_eq!(t.get(&[0; 16]), Some(9));
        assert_eq!(t.get(&[0x80; 16]), None);
        let empty = KeyTable::<32>::build(Vec::new());
        assert_eq!(empty.len(), 0);
        assert_eq!(empty.get(&[1; 32]), None);
    }
}
