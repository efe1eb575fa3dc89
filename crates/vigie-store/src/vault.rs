//! Encryption at rest.
//!
//! - A **master key** (32 bytes) is read from a file or an environment variable and never stored
//!   beside the data. It only wraps other keys.
//! - Each organization has an **index key**, wrapped by the master key and stored in `org_keys`.
//!   It keys the blind indexes (HMAC-SHA-256 of a normalized identifier, truncated to 16 bytes)
//!   that let the store find a contact by e-mail or phone without keeping either in clear, and
//!   the content digests that make imports idempotent.
//! - Each contact has a **data key**, wrapped by the master key and stored in the contact's row
//!   (`contacts.wrapped_dek`), that seals its personal fields (AES-256-GCM). Clearing that one
//!   value makes the contact's data unreadable everywhere it was copied: crypto-shredding.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of a blind index or content digest, in bytes (128 bits: collisions are out of reach
/// for any contact base).
pub const DIGEST_LEN: usize = 16;
/// A truncated keyed digest.
pub type Digest16 = [u8; DIGEST_LEN];

const NONCE_LEN: usize = 12;
/// Length of an AES-GCM tag.
const TAG_LEN: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("master key: {0}")]
    MasterKey(String),
    #[error("cannot decrypt: wrong master key, or the data was altered")]
    Decrypt,
    #[error("the data key of this contact was destroyed (erased contact)")]
    Shredded,
}

/// A 32-byte secret, wiped from memory when dropped and never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey([u8; 32]);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    pub fn random() -> Self {
        let mut k = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut k);
        SecretKey(k)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        SecretKey(bytes)
    }

    /// Reads a key written as 32 raw bytes, or as 64 hex digits or base64 text.
    pub fn decode(raw: &[u8]) -> Result<Self, VaultError> {
        if raw.len() == 32 {
            return Ok(SecretKey(raw.try_into().expect("length checked")));
        }
        let text = std::str::from_utf8(raw)
            .map_err(|_| {
                VaultError::MasterKey("expected 32 raw bytes, 64 hex digits or base64".into())
            })?
            .trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|e| VaultError::MasterKey(e.to_string()))?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| {
                    VaultError::MasterKey("expected 32 raw bytes, 64 hex digits or base64".into())
                })?
        };
        let arr: [u8; 32] = bytes.try_into().map_err(|v: Vec<u8>| {
            VaultError::MasterKey(format!("a key has 32 bytes, this one has {}", v.len()))
        })?;
        Ok(SecretKey(arr))
    }

    /// Reads the current (first) key of the key file at `path`.
    pub fn read_file(path: &Path) -> Result<Self, VaultError> {
        Ok(read_key_file(path)?.swap_remove(0))
    }

    /// Writes a new random key to `path` (mode 0600), as hex text. Refuses to overwrite.
    pub fn create_file(path: &Path) -> Result<Self, VaultError> {
        use std::io::Write;
        let key = SecretKey::random();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(path)
            .map_err(|e| VaultError::MasterKey(format!("{}: {e}", path.display())))?;
        writeln!(f, "{}", hex::encode(key.0)).map_err(|e| VaultError::MasterKey(e.to_string()))?;
        f.sync_all()
            .map_err(|e| VaultError::MasterKey(e.to_string()))?;
        Ok(key)
    }

    /// A key for another purpose, derived from this one (HMAC-SHA-256 of `label`): one stored
    /// key, several independent uses.
    pub fn derive(&self, label: &[u8]) -> SecretKey {
        SecretKey(keyed_digest_raw(&self.0, label))
    }

    /// The raw bytes, for keys that feed another algorithm (TOTP).
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new_from_slice(&self.0).expect("32-byte key")
    }

    /// A short, non-secret fingerprint to tell keys apart in logs and key rotation.
    pub fn fingerprint(&self) -> String {
        hex::encode(&keyed_digest_raw(&self.0, b"vigie-key-fingerprint")[..6])
    }
}

fn keyed_digest_raw(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Seals `plain` with `cipher`: `nonce || ciphertext || tag`, bound to `aad`.
fn seal_with(cipher: &Aes256Gcm, plain: &[u8], aad: &[u8]) -> Vec<u8> {
    // One buffer, encrypted in place: bulk imports seal millions of values.
    let mut out = Vec::with_capacity(NONCE_LEN + plain.len() + TAG_LEN);
    out.resize(NONCE_LEN, 0);
    rand::thread_rng().fill_bytes(&mut out);
    out.extend_from_slice(plain);
    let (nonce, body) = out.split_at_mut(NONCE_LEN);
    let tag = cipher
        .encrypt_in_place_detached(Nonce::from_slice(nonce), aad, body)
        .expect("AES-GCM encryption cannot fail for in-memory buffers");
    out.extend_from_slice(&tag);
    out
}

fn open_with(cipher: &Aes256Gcm, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, VaultError> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(VaultError::Decrypt);
    }
    let (nonce, ct) = sealed.split_at(NONCE_LEN);
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad })
        .map_err(|_| VaultError::Decrypt)
}

/// The master key and what it wraps.
///
/// A vault holds a **key ring**: the current master key, which wraps every new key, and older
/// master keys that still open what they wrapped until `vigie keys rotate` has re-wrapped it.
/// A vault read from a key file (one key per line, current first) notices when the file changes
/// and reloads it: that is how running servers follow a rotation without a restart.
#[derive(Clone)]
pub struct Vault {
    ring: Arc<RwLock<Ring>>,
    source: Option<Arc<KeySource>>,
}

struct Ring {
    /// Current first.
    keys: Vec<(SecretKey, Aes256Gcm)>,
}

impl Ring {
    fn new(keys: Vec<SecretKey>) -> Ring {
        assert!(!keys.is_empty(), "a key ring holds at least one key");
        Ring {
            keys: keys
                .into_iter()
                .map(|k| {
                    let c = k.cipher();
                    (k, c)
                })
                .collect(),
        }
    }
}

/// The key file a vault was read from, and when it was last looked at.
struct KeySource {
    path: PathBuf,
    /// What the file looked like when last read (see [`file_stamp`]).
    modified: Mutex<Option<FileStamp>>,
    /// Milliseconds since `epoch` before which the file is not looked at again.
    next_check_ms: AtomicU64,
    epoch: Instant,
}

/// Tells a rewritten file from the one read before: the file is replaced by rename (a new inode),
/// and modification times alone can be too coarse to differ.
type FileStamp = (SystemTime, u64, u64);

fn file_stamp(path: &Path) -> Option<FileStamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let inode = 0;
    Some((m.modified().ok()?, m.len(), inode))
}

/// How often a vault read from a file checks whether the file changed.
pub const KEY_FILE_CHECK: Duration = Duration::from_secs(1);

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vault(master {})", self.master_fingerprint())
    }
}

/// Reads a key file: one key per line (raw 32 bytes only when the file is exactly that), the
/// current key first. Blank lines and lines starting with `#` are skipped.
pub fn read_key_file(path: &Path) -> Result<Vec<SecretKey>, VaultError> {
    let raw = std::fs::read(path)
        .map_err(|e| VaultError::MasterKey(format!("{}: {e}", path.display())))?;
    let at = |e: VaultError| VaultError::MasterKey(format!("{}: {e}", path.display()));
    if raw.len() == 32 {
        return Ok(vec![SecretKey::decode(&raw).map_err(at)?]);
    }
    let text = std::str::from_utf8(&raw)
        .map_err(|_| at(VaultError::MasterKey("not a text key file".into())))?;
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        keys.push(
            SecretKey::decode(line.as_bytes())
                .map_err(|e| VaultError::MasterKey(format!("{}:{}: {e}", path.display(), n + 1)))?,
        );
    }
    if keys.is_empty() {
        return Err(VaultError::MasterKey(format!(
            "{}: no key in the file",
            path.display()
        )));
    }
    Ok(keys)
}

/// Writes a key file (mode 0600) atomically: a reader sees the old file or the new one, whole.
pub fn write_key_file(path: &Path, keys: &[SecretKey]) -> Result<(), VaultError> {
    use std::io::Write;
    let err = |e: std::io::Error| VaultError::MasterKey(format!("{}: {e}", path.display()));
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let tmp = path.with_extension("key-new");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp).map_err(err)?;
    writeln!(
        f,
        "# Vigie master keys: the first wraps new keys, the others only open older ones."
    )
    .map_err(err)?;
    for k in keys {
        writeln!(f, "{}", hex::encode(k.0)).map_err(err)?;
    }
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)?;
    if let Some(d) = dir
        && let Ok(d) = std::fs::File::open(d)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

impl Vault {
    /// A vault of one master key.
    pub fn new(master: SecretKey) -> Self {
        Self::with_keys(vec![master])
    }

    /// A vault of several master keys: the first wraps, all open.
    pub fn with_keys(keys: Vec<SecretKey>) -> Self {
        Vault {
            ring: Arc::new(RwLock::new(Ring::new(keys))),
            source: None,
        }
    }

    /// A vault read from a key file, reloaded when the file changes (see [`KEY_FILE_CHECK`]).
    pub fn from_key_file(path: &Path) -> Result<Self, VaultError> {
        let keys = read_key_file(path)?;
        let modified = file_stamp(path);
        Ok(Vault {
            ring: Arc::new(RwLock::new(Ring::new(keys))),
            source: Some(Arc::new(KeySource {
                path: path.to_owned(),
                modified: Mutex::new(modified),
                next_check_ms: AtomicU64::new(KEY_FILE_CHECK.as_millis() as u64),
                epoch: Instant::now(),
            })),
        })
    }

    /// Reloads the key file if it changed; `force` skips the once-a-second limit. Returns
    /// whether the ring changed.
    fn refresh(&self, force: bool) -> bool {
        let Some(src) = &self.source else {
            return false;
        };
        let now_ms = src.epoch.elapsed().as_millis() as u64;
        if !force && now_ms < src.next_check_ms.load(Ordering::Relaxed) {
            return false;
        }
        src.next_check_ms.store(
            now_ms + KEY_FILE_CHECK.as_millis() as u64,
            Ordering::Relaxed,
        );
        let mut seen = src.modified.lock().unwrap_or_else(|p| p.into_inner());
        let modified = file_stamp(&src.path);
        if modified.is_none() || modified == *seen {
            return false;
        }
        match read_key_file(&src.path) {
            Ok(keys) => {
                *seen = modified;
                let ring = Ring::new(keys);
                tracing::info!(
                    current = %ring.keys[0].0.fingerprint(),
                    keys = ring.keys.len(),
                    "master key file changed: key ring reloaded"
                );
                *self.ring.write().unwrap_or_else(|p| p.into_inner()) = ring;
                true
            }
            Err(e) => {
                // A half-written file cannot happen (it is replaced by rename); a broken one is
                // left aside and the ring in memory kept.
                tracing::warn!("master key file changed but cannot be read: {e}");
                false
            }
        }
    }

    fn ring(&self) -> std::sync::RwLockReadGuard<'_, Ring> {
        self.ring.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The current master key's fingerprint.
    pub fn master_fingerprint(&self) -> String {
        self.ring().keys[0].0.fingerprint()
    }

    /// Fingerprints of every key of the ring, current first.
    pub fn fingerprints(&self) -> Vec<String> {
        self.ring()
            .keys
            .iter()
            .map(|(k, _)| k.fingerprint())
            .collect()
    }

    /// Wraps a key under the current master key, bound to `context` (which row it belongs to).
    pub fn wrap(&self, key: &SecretKey, context: &[u8]) -> Vec<u8> {
        self.refresh(false);
        seal_with(&self.ring().keys[0].1, &key.0, context)
    }

    /// Opens a wrapped key with whichever master key of the ring wrapped it.
    pub fn unwrap_key(&self, wrapped: &[u8], context: &[u8]) -> Result<SecretKey, VaultError> {
        self.unwrap_any(wrapped, context).map(|(k, _)| k)
    }

    /// Opens a wrapped key; also tells whether the current master key wrapped it.
    pub fn unwrap_any(
        &self,
        wrapped: &[u8],
        context: &[u8],
    ) -> Result<(SecretKey, bool), VaultError> {
        let attempt = || {
            let ring = self.ring();
            ring.keys.iter().enumerate().find_map(|(i, (_, cipher))| {
                open_with(cipher, wrapped, context)
                    .ok()
                    .map(|plain| (plain, i == 0))
            })
        };
        // Wrapped by a key this process has not seen yet: a rotation may have just rewritten
        // the key file.
        let found = attempt().or_else(|| self.refresh(true).then(attempt).flatten());
        let (mut plain, current) = found.ok_or(VaultError::Decrypt)?;
        let arr: Result<[u8; 32], _> = plain.as_slice().try_into();
        plain.zeroize();
        arr.map(|a| (SecretKey(a), current))
            .map_err(|_| VaultError::Decrypt)
    }

    /// Context strings bind a wrapped key to its row, so that swapping rows is detected.
    pub fn org_key_context(org_id: i64) -> Vec<u8> {
        format!("vigie/org-index-key/{org_id}").into_bytes()
    }

    pub fn contact_key_context(org_id: i64, contact_ref: &str) -> Vec<u8> {
        format!("vigie/contact-key/{org_id}/{contact_ref}").into_bytes()
    }
}

/// An organization's index key, unwrapped: computes blind indexes and content digests.
#[derive(Clone)]
pub struct IndexKey {
    mac: Hmac<Sha256>,
}

impl fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IndexKey(<redacted>)")
    }
}

impl IndexKey {
    pub fn new(key: &SecretKey) -> Self {
        IndexKey {
            mac: <Hmac<Sha256> as Mac>::new_from_slice(&key.0).expect("any key length"),
        }
    }

    fn digest(&self, domain: &[u8], parts: &[&[u8]]) -> Digest16 {
        // Pre-keyed state cloned per call: the key schedule is paid once per organization.
        let mut mac = self.mac.clone();
        mac.update(domain);
        for p in parts {
            mac.update(&(p.len() as u32).to_le_bytes());
            mac.update(p);
        }
        let full = mac.finalize().into_bytes();
        full[..DIGEST_LEN].try_into().expect("16 <= 32")
    }

    /// Blind index of a normalized e-mail address.
    pub fn email_index(&self, email: &vigie_core::Email) -> Digest16 {
        self.digest(b"email", &[email.as_str().as_bytes()])
    }

    /// Blind index of an E.164 phone number.
    pub fn phone_index(&self, phone: &vigie_core::PhoneE164) -> Digest16 {
        self.digest(b"phone", &[phone.as_str().as_bytes()])
    }

    /// Blind index of one search key of a name (see `vigie_core::names`: already folded).
    pub fn name_index(&self, folded: &str) -> Digest16 {
        self.digest(b"name", &[folded.as_bytes()])
    }

    /// Keyed digest of a record's canonical content (re-imports that change nothing are detected
    /// without decrypting anything, and without exposing the content to guessing).
    pub fn content_digest(&self, domain: &[u8], parts: &[&[u8]]) -> Digest16 {
        self.digest(domain, parts)
    }
}

/// An organization's audit-chain key: links each audit entry to the one before it with a full
/// HMAC-SHA-256. Someone who can write to the database but lacks the master key cannot forge a
/// chain that verifies after changing, removing or reordering entries.
#[derive(Clone)]
pub struct ChainKey {
    mac: Hmac<Sha256>,
}

impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainKey(<redacted>)")
    }
}

impl ChainKey {
    pub fn new(key: &SecretKey) -> Self {
        ChainKey {
            mac: <Hmac<Sha256> as Mac>::new_from_slice(&key.0).expect("any key length"),
        }
    }

    /// The link of an entry: MAC over the previous link and the entry's fields, each
    /// length-prefixed (so no two different field lists encode alike).
    pub fn link(&self, prev: &[u8; 32], fields: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(b"vigie-audit-v1");
        mac.update(prev);
        for f in fields {
            mac.update(&(f.len() as u64).to_le_bytes());
            mac.update(f);
        }
        mac.finalize().into_bytes().into()
    }
}

/// A contact's data key, unwrapped: seals and opens its personal fields.
#[derive(Clone)]
pub struct DataKey {
    cipher: Aes256Gcm,
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    pub fn new(key: &SecretKey) -> Self {
        DataKey {
            cipher: key.cipher(),
        }
    }

    pub fn seal(&self, plain: &[u8], aad: &[u8]) -> Vec<u8> {
        seal_with(&self.cipher, plain, aad)
    }

    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, VaultError> {
        open_with(&self.cipher, sealed, aad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_decode_from_raw_hex_and_base64() {
        let raw = [7u8; 32];
        assert_eq!(SecretKey::decode(&raw).unwrap().0, raw);
        let hexed = hex::encode(raw);
        assert_eq!(SecretKey::decode(hexed.as_bytes()).unwrap().0, raw);
        let b64 = base64::engine::general_purpose::STANDARD.encode(raw);
        assert_eq!(
            SecretKey::decode(format!("{b64}\n").as_bytes()).unwrap().0,
            raw
        );
        assert!(SecretKey::decode(b"too short").is_err());
        assert!(!format!("{:?}", SecretKey::decode(&raw).unwrap()).contains("07"));
    }

    #[test]
    fn a_vault_from_a_key_file_follows_a_rotation_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let (k1, k2) = (SecretKey::random(), SecretKey::random());
        write_key_file(&path, std::slice::from_ref(&k1)).unwrap();
        let running = Vault::from_key_file(&path).unwrap();
        let dek = SecretKey::random();
        let under_k1 = running.wrap(&dek, b"row");

        // Another process rotates: the file now holds the new key first, the old one after.
        write_key_file(&path, &[k2.clone(), k1.clone()]).unwrap();
        let rotator = Vault::from_key_file(&path).unwrap();
        assert_eq!(rotator.fingerprints(), [k2.fingerprint(), k1.fingerprint()]);
        let under_k2 = rotator.wrap(&dek, b"row");
        let (_, current) = rotator.unwrap_any(&under_k1, b"row").unwrap();
        assert!(!current, "k1 is not the rotator's current key");

        // The running vault has never seen k2: it reloads the file when a key does not open.
        assert_eq!(running.unwrap_key(&under_k2, b"row").unwrap().0, dek.0);
        assert_eq!(running.master_fingerprint(), k2.fingerprint());
        let (_, current) = running.unwrap_any(&under_k2, b"row").unwrap();
        assert!(current);

        // Once the file holds k2 alone, k1's wrappings no longer open in a fresh vault.
        write_key_file(&path, std::slice::from_ref(&k2)).unwrap();
        assert!(
            Vault::from_key_file(&path)
                .unwrap()
                .unwrap_key(&under_k1, b"row")
                .is_err()
        );
        // Comments and blank lines are allowed; a bad line is named.
        std::fs::write(&path, "# keys\n\nnot-a-key\n").unwrap();
        let err = read_key_file(&path).unwrap_err().to_string();
        assert!(err.contains("master.key:3"), "{err}");
    }

    #[test]
    fn wrapped_keys_are_bound_to_their_context_and_master() {
        let vault = Vault::new(SecretKey::random());
        let k = SecretKey::random();
        let w = vault.wrap(&k, b"row-1");
        assert_eq!(vault.unwrap_key(&w, b"row-1").unwrap().0, k.0);
        assert!(vault.unwrap_key(&w, b"row-2").is_err());
        assert!(
            Vault::new(SecretKey::random())
                .unwrap_key(&w, b"row-1")
                .is_err()
        );
    }

    #[test]
    fn sealed_data_opens_only_with_its_key_and_aad() {
        let dk = DataKey::new(&SecretKey::random());
        let s = dk.seal(b"marie@example.org", b"aad");
        assert!(!s.windows(5).any(|w| w == b"marie"));
        assert_eq!(dk.open(&s, b"aad").unwrap(), b"marie@example.org");
        assert!(dk.open(&s, b"other").is_err());
        assert!(DataKey::new(&SecretKey::random()).open(&s, b"aad").is_err());
    }

    #[test]
    fn blind_indexes_are_keyed_and_domain_separated() {
        let a = IndexKey::new(&SecretKey::random());
        let b = IndexKey::new(&SecretKey::random());
        let e = vigie_core::Email::parse("a@b.fr").unwrap();
        assert_eq!(a.email_index(&e), a.email_index(&e));
        assert_ne!(a.email_index(&e), b.email_index(&e));
        assert_ne!(
            a.content_digest(b"x", &[b"ab", b"c"]),
            a.content_digest(b"x", &[b"a", b"bc"])
        );
    }
}
