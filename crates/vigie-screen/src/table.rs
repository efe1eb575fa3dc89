//! A static hash table for keys that are already uniformly random (blind indexes are keyed HMACs,
//! suppression entries SHA-256 hashes): the first 8 bytes of a key are its hash, no hashing is
//! done. Built once, stored as bytes in the snapshot, read back as is.
//!
//! Layout: the keys in sorted order, each in a slot at or after its home slot (`home` maps the
//! key's first 8 bytes, read big-endian, monotonically onto `0..range`), with gaps. A lookup
//! starts at the key's home and scans forward while the slots hold smaller keys: one or two
//! cache lines, and a miss stops as early as a hit. Each slot is the key followed by a `V`-byte
//! value whose first 4 bytes are never [`EMPTY`], which marks a free slot.

use std::cmp::Ordering;

/// The first 4 bytes (little-endian) of the value of a free slot.
pub const EMPTY: u32 = u32::MAX;

/// A table of `K`-byte keys to `V`-byte values, over its slot bytes.
#[derive(Debug, Clone)]
pub struct KeyTable<const K: usize, const V: usize> {
    range: u64,
    slots: Vec<u8>,
}

impl<const K: usize, const V: usize> KeyTable<K, V> {
    /// Bytes per slot.
    pub const SLOT: usize = K + V;

    /// Builds the table. Entries with the same key keep the first one's value in `entries` order.
    /// A value must not start with [`EMPTY`].
    pub fn build(entries: Vec<([u8; K], [u8; V])>) -> KeyTable<K, V> {
        let (keys, values): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .enumerate()
            .map(|(i, (key, value))| ((key, i as u32), value))
            .unzip();
        Self::build_indexed(keys, |i| values[i as usize])
    }

    /// Builds the table from keys and the index of their value: of equal keys, the one with the
    /// lowest index wins (callers number contacts in id order: the first contact wins).
    pub fn build_indexed(
        mut keys: Vec<([u8; K], u32)>,
        value: impl Fn(u32) -> [u8; V],
    ) -> KeyTable<K, V> {
        const { assert!(V >= 4) };
        // By key, then index: the first of equal keys comes first and dedup keeps it.
        keys.sort_unstable();
        keys.dedup_by(|later, first| later.0 == first.0);
        let n = keys.len() as u64;
        // One home slot per key and a quarter more: short runs, a small table.
        let range = (n + n / 4).max(1);
        let mut positions = Vec::with_capacity(keys.len());
        let mut next = 0u64;
        for (key, _) in &keys {
            let pos = home(key, range).max(next);
            positions.push(pos);
            next = pos + 1;
        }
        // One free slot after the last, so that every scan ends on a free slot.
        let len = next as usize + 1;
        let mut slots = vec![0u8; len * Self::SLOT];
        for chunk in slots.chunks_exact_mut(Self::SLOT) {
            chunk[K..K + 4].copy_from_slice(&EMPTY.to_le_bytes());
        }
        for ((key, index), pos) in keys.iter().zip(positions) {
            let value = value(*index);
            debug_assert!(!is_empty_value(&value));
            let slot = &mut slots[pos as usize * Self::SLOT..][..Self::SLOT];
            slot[..K].copy_from_slice(key);
            slot[K..].copy_from_slice(&value);
        }
        KeyTable { range, slots }
    }

    /// A table read back from its parts; `None` if they do not fit together.
    pub fn from_parts(range: u64, slots: Vec<u8>) -> Option<KeyTable<K, V>> {
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
    pub fn values(&self) -> impl Iterator<Item = &[u8; V]> + '_ {
        self.slots
            .chunks_exact(Self::SLOT)
            .map(|s| <&[u8; V]>::try_from(&s[K..]).expect("V bytes"))
            .filter(|v| !is_empty_value(v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.values().count()
    }

    /// The value of `key`, if present.
    #[inline]
    pub fn get(&self, key: &[u8; K]) -> Option<&[u8; V]> {
        let mut i = home(key, self.range) as usize;
        loop {
            let slot = self.slots.get(i * Self::SLOT..(i + 1) * Self::SLOT)?;
            let value: &[u8; V] = slot[K..].try_into().expect("V bytes");
            if is_empty_value(value) {
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

    /// Asks the CPU to start loading the slots a lookup of `key` will read, so that the lookups
    /// of a batch of rows wait for memory together rather than one after the other.
    #[inline]
    pub fn prefetch(&self, key: &[u8; K]) {
        let at = home(key, self.range) as usize * Self::SLOT;
        if let Some(bytes) = self.slots.get(at..) {
            prefetch(bytes);
            if let Some(next) = bytes.get(64..) {
                prefetch(next);
            }
        }
    }
}

#[inline]
fn is_empty_value<const V: usize>(value: &[u8; V]) -> bool {
    value[..4] == EMPTY.to_le_bytes()
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

/// A hint to load the cache line holding `bytes[0]`.
#[inline(always)]
pub fn prefetch(bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    if !bytes.is_empty() {
        // SAFETY: a prefetch is a hint that never faults, whatever the address, and SSE (which
        // provides it) is part of every x86-64 CPU; the pointer comes from a live slice anyway.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                bytes.as_ptr().cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn key(i: u32) -> [u8; 16] {
        Sha256::digest(i.to_le_bytes())[..16].try_into().unwrap()
    }

    fn val(i: u32) -> [u8; 4] {
        i.to_le_bytes()
    }

    #[test]
    fn finds_every_key_and_no_other() {
        let entries: Vec<_> = (0..50_000).map(|i| (key(i), val(i))).collect();
        let t = KeyTable::build(entries);
        assert_eq!(t.len(), 50_000);
        for i in 0..50_000 {
            t.prefetch(&key(i));
            assert_eq!(t.get(&key(i)), Some(&val(i)));
        }
        for i in 50_000..100_000 {
            assert_eq!(t.get(&key(i)), None);
        }
        let back = KeyTable::<16, 4>::from_parts(t.range(), t.slot_bytes().to_vec()).unwrap();
        assert_eq!(back.get(&key(7)), Some(&val(7)));
    }

    #[test]
    fn the_first_of_equal_keys_wins_and_extremes_work() {
        let t = KeyTable::build(vec![
            ([0xff; 16], val(3)),
            (key(1), val(5)),
            ([0xff; 16], val(1)),
            ([0; 16], val(9)),
            (key(1), val(2)),
        ]);
        assert_eq!(t.get(&[0xff; 16]), Some(&val(3)));
        assert_eq!(t.get(&key(1)), Some(&val(5)));
        assert_eq!(t.get(&[0; 16]), Some(&val(9)));
        assert_eq!(t.get(&[0x80; 16]), None);
        let empty = KeyTable::<32, 4>::build(Vec::new());
        assert_eq!(empty.len(), 0);
        assert_eq!(empty.get(&[1; 32]), None);
    }
}
