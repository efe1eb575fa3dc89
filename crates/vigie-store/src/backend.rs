//! What each store implements: reading and writing rows in their sealed form. Everything that
//! touches keys or clear data lives above, in [`crate::Store`], once for both stores.

use tokio::sync::mpsc::Receiver;
use vigie_core::ConsentEvent;

use crate::error::Result;
use crate::model::{ImportCounts, OrgId, Organization, UpsertOutcome};
use crate::sealing::{ContactRow, EventRow, SealedContact, SealedEvent};
use crate::vault::Digest16;

/// A message of a streamed bulk import. The store commits only when it receives `Commit`; if the
/// sender goes away first, the whole import is rolled back.
#[derive(Debug)]
pub enum ImportMsg<T> {
    Batch(Vec<T>),
    Commit,
}

/// Which contacts to list, in row form.
#[derive(Debug, Clone, Default)]
pub struct RowQuery {
    pub email_bidx: Option<Digest16>,
    pub phone_bidx: Option<Digest16>,
    /// One search key of a name (whole name or a word), hashed.
    pub name_bidx: Option<Digest16>,
    /// `contacts.audience`.
    pub audience: Option<&'static str>,
    pub after_id: Option<i64>,
    /// Rows before this id, the nearest first (descending ids).
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// The e-mail and phone predicates of a contact listing, with `e` and `p` the placeholders of
/// their blind indexes: a plain equality for a given identifier (its index is then usable), a
/// predicate true for NULL otherwise (the placeholder stays bound either way).
pub fn identifier_filters(q: &RowQuery, e: &str, p: &str) -> (String, String) {
    let f = |given: bool, ph: &str, col: &str| {
        if given {
            format!("c.{col} = {ph}")
        } else {
            format!("({ph} IS NULL OR c.{col} = {ph})")
        }
    };
    (
        f(q.email_bidx.is_some(), e, "email_bidx"),
        f(q.phone_bidx.is_some(), p, "phone_bidx"),
    )
}

/// Rows an events import could not attach: (line, contact_ref).
pub type UnknownRefs = Vec<(u64, String)>;

/// What a ledger import wrote.
#[derive(Debug, Default)]
pub struct LedgerImport {
    pub counts: ImportCounts,
    /// The references no contact has (only with `skip_unknown`).
    pub unknown: UnknownRefs,
    /// When the store wrote every event it resolved (none was in the ledger already, none
    /// repeated in the file): those events. The screening snapshot's upkeep takes them instead
    /// of reading them back. `None` otherwise: which ones were new, only the ledger knows.
    pub written: Option<WrittenEvents>,
}

/// The events a ledger import wrote, all of them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WrittenEvents {
    /// Each event with its contact's id, in the order of their ids.
    pub events: Vec<(i64, ConsentEvent)>,
    /// The id of the last one (`None` when there is none).
    pub last_id: Option<i64>,
}

#[allow(async_fn_in_trait)]
pub trait Backend {
    async fn list_orgs(&self) -> Result<Vec<Organization>>;
    async fn org_by_slug(&self, slug: &str) -> Result<Option<Organization>>;
    async fn create_org(&self, slug: &str, name: &str, now: i64) -> Result<Organization>;
    async fn org_key(&self, org: OrgId, kind: &str) -> Result<Option<Vec<u8>>>;
    async fn put_org_key_if_absent(&self, org: OrgId, kind: &str, wrapped: Vec<u8>) -> Result<()>;
    async fn data_version(&self, org: OrgId) -> Result<i64>;

    async fn upsert_contact(
        &self,
        org: OrgId,
        c: SealedContact,
        now: i64,
    ) -> Result<(i64, UpsertOutcome)>;
    /// Inserts a new contact; `None` when one with the same `contact_ref` exists.
    async fn insert_contact(&self, org: OrgId, c: SealedContact, now: i64) -> Result<Option<i64>>;
    async fn count_contacts(&self, org: OrgId) -> Result<u64>;
    async fn contact_row_by_ref(&self, org: OrgId, contact_ref: &str)
    -> Result<Option<ContactRow>>;
    async fn contact_rows(&self, org: OrgId, q: RowQuery) -> Result<Vec<ContactRow>>;
    /// The contacts with these ids (a page's worth), in id order; ids of no contact are skipped.
    async fn contact_rows_by_ids(&self, org: OrgId, ids: Vec<i64>) -> Result<Vec<ContactRow>>;

    /// Appends a contact's events, in one transaction (all or none), each unless one with the
    /// same content digest exists for the contact: each one's id and whether it was new.
    async fn insert_events(
        &self,
        org: OrgId,
        contact_id: i64,
        events: Vec<SealedEvent>,
        now: i64,
    ) -> Result<Vec<(i64, bool)>>;
    /// A contact's ledger in recording order.
    async fn event_rows(&self, org: OrgId, contact_id: i64) -> Result<Vec<EventRow>>;

    async fn is_suppressed(&self, org: OrgId, sha256: [u8; 32]) -> Result<bool>;
    async fn on_opposition(&self, org: OrgId, phone_bidx: Digest16) -> Result<bool>;

    async fn import_contacts(
        &self,
        org: OrgId,
        rx: Receiver<ImportMsg<SealedContact>>,
        now: i64,
    ) -> Result<ImportCounts>;
    /// With `skip_unknown`, events of unknown contacts are left out and returned; without it,
    /// any such event rolls the whole import back with [`crate::StoreError::UnknownContacts`].
    async fn import_events(
        &self,
        org: OrgId,
        rx: Receiver<ImportMsg<SealedEvent>>,
        skip_unknown: bool,
        now: i64,
    ) -> Result<LedgerImport>;
    async fn import_suppression(
        &self,
        org: OrgId,
        hashes: Vec<[u8; 32]>,
        now: i64,
    ) -> Result<ImportCounts>;
    async fn import_opposition(
        &self,
        org: OrgId,
        phone_bidx: Vec<Digest16>,
        now: i64,
    ) -> Result<ImportCounts>;
}
