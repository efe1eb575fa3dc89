//! Vigie's persistence.
//!
//! One [`Store`], two implementations: SQLite (embedded, one file, for `vigie demo` and small
//! installs) and PostgreSQL (production). Both keep the same tables keyed by organization, run
//! migrations embedded in the binary when they open, and are held to one conformance test suite.
//!
//! The backends only see rows in their sealed form ([`sealing`]): e-mail addresses, phone
//! numbers and names are encrypted with a per-contact data key before they reach SQL, and are
//! found again through keyed blind indexes ([`vault`]).

mod access_archives;
mod accounts;
mod answers;
mod audit;
mod audit_anchor;
mod backend;
pub mod backup;
mod breaches;
mod calls;
mod coverage;
mod dsar;
pub mod erasure_journal;
mod error;
mod forms;
mod identifier_facts;
mod import_runs;
mod inbound;
mod keys;
mod links;
mod migrations;
pub mod model;
mod names;
mod notices;
mod opposition;
mod overview;
mod people;
mod person_links;
mod pg_bulk;
mod portal;
mod postgres;
mod registers;
mod requalification;
mod retention;
mod retention_archive;
mod retention_purges;
mod retention_run;
mod screening;
pub mod sealing;
mod settings;
mod signin;
mod sql;
mod sqlite;
mod sqlite_bulk;
mod sqlite_write;
#[cfg(feature = "testing")]
pub mod testing;
pub mod vault;
mod view;
mod webhooks;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use tokio::sync::mpsc::Receiver;
use vigie_core::{Audience, ContactRef, PhoneE164};

pub use access_archives::{ArchiveAvailability, KeptArchive};
pub use accounts::{
    ApiToken, MIN_PASSWORD_LEN, Membership, NewToken, RECOVERY_CODES, SETUP_LINK_TTL, Session,
    SessionPolicy, TotpEnrolment, User, check_new_password, parse_login, totp_code,
};
pub use answers::{Answer, AnswerKind, AnswerState, ClaimedAnswer};
pub use audit::{AuditEntry, AuditEvent, AuditFault, AuditReport};
pub use audit_anchor::{AnchoredHead, AuditCheckpoint};
pub use backend::{ImportMsg, LedgerImport, UnknownRefs, WrittenEvents};
pub use calls::{CallTo, LoggedCall, NewCall};
pub use coverage::{CoverageCell, CoverageReport, CoverageSelection};
pub use dsar::{
    ContactVersion, Corrections, Filed, HistoryStep, Identifier, NewRequest, Request, RequestQuery,
    Tombstone,
};
pub use error::{Result, StoreError};
pub use forms::{FormConfirmation, FormSubmitted, StoredForm};
pub use identifier_facts::IdentifierFacts;
pub use import_runs::{
    IMPORT_HEARTBEAT, IMPORT_STALE, INTERRUPTED, INTERRUPTED_MESSAGE, ImportRun, InterruptedRun,
    NewImportRun, StartedImport, import_holder_id,
};
pub use inbound::{InboundEvent, InboundOutcome, InboundSource};
pub use keys::RewrapReport;
pub use links::{LinkKind, LinkRefusal, LinkSigner, VerifiedLink};
pub use model::*;
pub use notices::Notice;
pub use opposition::{ListReplaced, OppositionList};
pub use overview::{AuditVerification, DashboardFigures};
pub use people::{ContactCall, ContactErasure};
pub use person_links::{
    LinkedPerson, MAX_LINK_CAMPAIGN, PersonProof, PreferencesOf, UnsubscribeTarget, Unsubscribed,
};
pub use portal::{CodeCheck, PortalFiling};
pub use postgres::PgStore;
pub use registers::{RegistersSaved, StoredRegisters};
pub use requalification::{
    DEFAULT_WINDOW_DAYS, ExportedLinks, NewRequalification, RequalificationCampaign,
    RequalificationExport, RequalificationLink, RequalificationProgress, RequalificationSelection,
    RequalificationTarget,
};
pub use retention::{PlanAction, RetentionPlan};
pub use retention_archive::AccountingArchive;
pub use retention_purges::PurgePlan;
pub use retention_run::{RetentionRun, RunLimits};
pub use screening::{
    NewScreeningRun, ScanMarks, ScanParts, ScreeningContact, ScreeningRun, ScreeningSink,
};
pub use sealing::{OrgCrypto, SealedContact, SealedEvent};
pub use sqlite::SqliteStore;
pub use vault::{Digest16, SecretKey, Vault, VaultError};
pub use view::StoredContactView;
pub use webhooks::{
    ClaimedDelivery, CreatedWebhook, DeliveryStatus, NewWebhook, OutboxCounts, OutboxEntry,
    OutboxQuery, Webhook, WebhookPayload,
};

use backend::{Backend, RowQuery};
use vault::{ChainKey, DataKey, IndexKey};

/// The organization every install starts with.
pub const DEFAULT_ORG: &str = "default";

/// How many contacts a page holds at most.
pub const MAX_PAGE: u32 = 1000;

#[derive(Clone)]
enum Backends {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// Calls the same method on whichever backend is in use.
macro_rules! on_backend {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match &$self.backend {
            Backends::Sqlite(b) => b.$method($($arg),*).await,
            Backends::Postgres(b) => b.$method($($arg),*).await,
        }
    };
}

/// The store: personal data in, personal data out, sealed in between.
#[derive(Clone)]
pub struct Store {
    backend: Backends,
    vault: Vault,
    crypto: Arc<Mutex<HashMap<OrgId, OrgCrypto>>>,
    /// Where erasures are also written, outside the database (`with_erasure_journal`).
    erasure_journal: Option<Arc<erasure_journal::ErasureJournal>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.backend {
            Backends::Sqlite(_) => "Store(SQLite)",
            Backends::Postgres(_) => "Store(PostgreSQL)",
        })
    }
}

fn now_micros() -> i64 {
    Timestamp::now().as_microsecond()
}

impl Store {
    /// Opens the store named by `url`: `postgres://…` / `postgresql://…`, or `sqlite://PATH` /
    /// a plain file path for SQLite. Creates the default organization if missing.
    pub async fn open(url: &str, vault: Vault) -> Result<Self> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backends::Postgres(PgStore::open(url, None).await?)
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Backends::Sqlite(SqliteStore::open(Path::new(path)).await?)
        };
        Self::with_backend(backend, vault).await
    }

    /// Opens a PostgreSQL store whose tables live in `schema` (used by tests to stay apart).
    pub async fn open_postgres_schema(url: &str, schema: &str, vault: Vault) -> Result<Self> {
        Self::with_backend(
            Backends::Postgres(PgStore::open(url, Some(schema)).await?),
            vault,
        )
        .await
    }

    async fn with_backend(backend: Backends, vault: Vault) -> Result<Self> {
        let store = Store {
            backend,
            vault,
            crypto: Arc::default(),
            erasure_journal: None,
        };
        if store.org(DEFAULT_ORG).await?.is_none() {
            match store.create_org(DEFAULT_ORG, "Default organization").await {
                Ok(_) | Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        // Contacts written before the name index (migration 0024) are indexed now, once.
        for org in store.orgs().await? {
            let n = store.index_contact_names(org.id).await?;
            if n > 0 {
                tracing::info!(org = %org.slug, contacts = n, "indexed the names of earlier contacts");
            }
        }
        Ok(store)
    }

    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backends::Sqlite(_) => "sqlite",
            Backends::Postgres(_) => "postgres",
        }
    }

    /// Bulk loads leave this process's readers reading (SQLite: they stay in the WAL): called
    /// by a server, which imports files from its pages while it answers others.
    pub fn serve_readers_during_bulk_loads(&self) {
        if let Backends::Sqlite(b) = &self.backend {
            b.serve_readers_during_bulk_loads();
        }
    }

    /// The SQLite store, when that is the backend (bulk screening reads it directly).
    pub fn as_sqlite(&self) -> Option<&SqliteStore> {
        match &self.backend {
            Backends::Sqlite(s) => Some(s),
            Backends::Postgres(_) => None,
        }
    }

    /// The same store seen through another vault (another key ring); organization keys are
    /// unwrapped again.
    pub fn with_vault(&self, vault: Vault) -> Store {
        Store {
            backend: self.backend.clone(),
            vault,
            crypto: Arc::default(),
            erasure_journal: self.erasure_journal.clone(),
        }
    }

    /// The same store, writing every erasure also to the journal at `path` (kept apart from the
    /// data, beside the master key): see `erasure_journal`.
    pub fn with_erasure_journal(mut self, path: impl Into<std::path::PathBuf>) -> Store {
        self.erasure_journal = Some(Arc::new(erasure_journal::ErasureJournal::new(path)));
        self
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    // --- organizations -------------------------------------------------------------------

    pub async fn orgs(&self) -> Result<Vec<Organization>> {
        on_backend!(self.list_orgs())
    }

    pub async fn org(&self, slug: &str) -> Result<Option<Organization>> {
        on_backend!(self.org_by_slug(slug))
    }

    /// The organization `slug`, or a `NotFound` error that says how to create it.
    pub async fn require_org(&self, slug: &str) -> Result<Organization> {
        self.org(slug).await?.ok_or_else(|| {
            StoreError::NotFound(format!(
                "organization {slug:?} (create it with `vigie org add {slug}`)"
            ))
        })
    }

    pub async fn create_org(&self, slug: &str, name: &str) -> Result<Organization> {
        if !valid_org_slug(slug) {
            return Err(StoreError::Invalid(format!(
                "organization slug {slug:?}: use 1 to 64 of a-z, 0-9, '-' and '_'"
            )));
        }
        let org = on_backend!(self.create_org(slug, name, now_micros()))?;
        self.org_crypto(org.id).await?;
        Ok(org)
    }

    /// The organization's keys, unwrapped (created on first use, then cached).
    pub async fn org_crypto(&self, org: OrgId) -> Result<OrgCrypto> {
        if let Some(c) = self.crypto.lock().expect("crypto cache").get(&org) {
            return Ok(c.clone());
        }
        const KIND: &str = "index";
        let context = Vault::org_key_context(org);
        let wrapped = match on_backend!(self.org_key(org, KIND))? {
            Some(w) => w,
            None => {
                let fresh = self.vault.wrap(&SecretKey::random(), &context);
                on_backend!(self.put_org_key_if_absent(org, KIND, fresh))?;
                // Another process may have won the race: read back what is stored.
                on_backend!(self.org_key(org, KIND))?
                    .ok_or_else(|| StoreError::Other("organization key vanished".into()))?
            }
        };
        let key = self.vault.unwrap_key(&wrapped, &context).map_err(|_| {
            StoreError::Vault(VaultError::MasterKey(
                "this master key cannot open the store's keys (wrong key file or VIGIE_MASTER_KEY?)".into(),
            ))
        })?;
        let crypto = OrgCrypto {
            org_id: org,
            vault: self.vault.clone(),
            index: IndexKey::new(&key),
            chain: ChainKey::new(&key.derive(b"vigie/audit-chain/v1")),
            requests: DataKey::new(&key.derive(b"vigie/dsar-identifiers/v1")),
            links: ChainKey::new(&key.derive(b"vigie/requalification-links/v1")),
            secrets: DataKey::new(&key.derive(b"vigie/webhook-secrets/v1")),
        };
        self.crypto
            .lock()
            .expect("crypto cache")
            .insert(org, crypto.clone());
        Ok(crypto)
    }

    /// Changes with every write to the organization's contacts, ledger or lists.
    pub async fn data_version(&self, org: OrgId) -> Result<i64> {
        on_backend!(self.data_version(org))
    }

    // --- contacts ------------------------------------------------------------------------

    pub async fn upsert_contact(
        &self,
        org: OrgId,
        data: &ContactData,
    ) -> Result<(Contact, UpsertOutcome)> {
        let crypto = self.org_crypto(org).await?;
        // An existing contact keeps its data key: what was sealed with it before (ledger proofs,
        // earlier versions) must stay readable. A fresh key would make them unreadable.
        let existing = on_backend!(self.contact_row_by_ref(org, data.contact_ref.as_str()))?;
        let sealed = match existing.as_ref().and_then(|r| r.wrapped_dek.as_deref()) {
            Some(wrapped) => {
                let dek = crypto.unwrap_dek(data.contact_ref.as_str(), Some(wrapped))?;
                crypto.seal_contact_with(data, &dek)
            }
            None => crypto.seal_contact(data),
        };
        let (id, outcome) = on_backend!(self.upsert_contact(org, sealed, now_micros()))?;
        if outcome == UpsertOutcome::Updated {
            // An archived customer keeps only what the accounting obligation needs.
            let target = format!("contact:{}", data.contact_ref);
            self.reduce_accounting_archives_after_write(org, Some(id), &target)
                .await?;
        }
        let contact = self
            .contact(org, &data.contact_ref)
            .await?
            .ok_or_else(|| StoreError::Other("contact vanished after upsert".into()))?;
        Ok((contact, outcome))
    }

    /// Creates a contact; a `Conflict` error if one with the same `contact_ref` exists. Of two
    /// concurrent creations, exactly one succeeds and the other changes nothing.
    pub async fn create_contact(&self, org: OrgId, data: &ContactData) -> Result<Contact> {
        let crypto = self.org_crypto(org).await?;
        let sealed = crypto.seal_contact(data);
        if on_backend!(self.insert_contact(org, sealed, now_micros()))?.is_none() {
            return Err(StoreError::Conflict(format!(
                "contact {} already exists",
                data.contact_ref
            )));
        }
        self.contact(org, &data.contact_ref)
            .await?
            .ok_or_else(|| StoreError::Other("contact vanished after insert".into()))
    }

    /// The wrapped data key of every contact of the organization that has one, by reference.
    /// Bulk imports seal an existing contact's new data under its existing key, as
    /// [`Store::upsert_contact`] does.
    pub async fn wrapped_keys_by_ref(&self, org: OrgId) -> Result<HashMap<String, Vec<u8>>> {
        let rows = self
            .sql_rows(
                "SELECT contact_ref, wrapped_dek FROM contacts
                 WHERE org_id = $1 AND wrapped_dek IS NOT NULL",
                sql::sql_params![org],
            )
            .await?;
        rows.into_iter()
            .map(|r| Ok((r[0].text()?, r[1].opt_blob()?.unwrap_or_default())))
            .collect()
    }

    /// How many contacts the organization has.
    pub async fn count_contacts(&self, org: OrgId) -> Result<u64> {
        on_backend!(self.count_contacts(org))
    }

    /// How many contacts of an audience the organization has (migration 0025's index).
    pub async fn count_contacts_of(&self, org: OrgId, audience: Audience) -> Result<u64> {
        let row = self
            .sql_row(
                "SELECT count(*) FROM contacts WHERE org_id = $1 AND audience = $2",
                sql::sql_params![org, audience.as_str()],
            )
            .await?;
        Ok(row.map(|r| r[0].int()).transpose()?.unwrap_or(0) as u64)
    }

    pub async fn contact(&self, org: OrgId, contact_ref: &ContactRef) -> Result<Option<Contact>> {
        let Some(row) = on_backend!(self.contact_row_by_ref(org, contact_ref.as_str()))? else {
            return Ok(None);
        };
        let crypto = self.org_crypto(org).await?;
        let (data, created_at, updated_at) = crypto.open_contact(&row)?;
        Ok(Some(Contact {
            id: row.id,
            data,
            created_at,
            updated_at,
        }))
    }

    /// Lists contacts in id order, or finds them by exact e-mail or phone, or by name.
    pub async fn contacts(&self, org: OrgId, q: &ContactQuery) -> Result<ContactPage> {
        let crypto = self.org_crypto(org).await?;
        let limit = q.limit.clamp(1, MAX_PAGE);
        let name_key = q.name.as_deref().map(vigie_core::names::name_query_key);
        if let Some(None) = name_key {
            // A name of nothing but spaces names no one (not everyone).
            return Ok(ContactPage {
                contacts: Vec::new(),
                next_after_id: None,
                prev_before_id: None,
            });
        }
        let rows_query = RowQuery {
            email_bidx: q.email.as_ref().map(|e| crypto.index.email_index(e)),
            phone_bidx: q.phone.as_ref().map(|p| crypto.index.phone_index(p)),
            name_bidx: name_key.flatten().map(|k| crypto.index.name_index(&k)),
            audience: q.audience.map(Audience::as_str),
            after_id: q.after_id,
            before_id: q.before_id,
            limit: limit + 1,
        };
        let mut rows = on_backend!(self.contact_rows(org, rows_query.clone()))?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let backwards = q.before_id.is_some();
        if backwards {
            rows.reverse();
        }
        // Whether a page lies beyond the given edge: one keyed row of look-ahead the other way.
        let beyond = |after_id: Option<i64>, before_id: Option<i64>| {
            let probe = RowQuery {
                after_id,
                before_id,
                limit: 1,
                ..rows_query.clone()
            };
            async move { Ok::<_, StoreError>(!on_backend!(self.contact_rows(org, probe))?.is_empty()) }
        };
        let (first, last) = (rows.first().map(|r| r.id), rows.last().map(|r| r.id));
        let next_after_id = match (backwards, last) {
            (false, last) if more => last,
            (true, Some(last)) if beyond(Some(last), None).await? => Some(last),
            _ => None,
        };
        let prev_before_id = match (backwards, first) {
            (true, first) if more => first,
            (false, Some(first)) if q.after_id.is_some() && beyond(None, Some(first)).await? => {
                Some(first)
            }
            _ => None,
        };
        let mut contacts = Vec::with_capacity(rows.len().min(limit as usize));
        for row in &rows {
            let (data, created_at, updated_at) = crypto.open_contact(row)?;
            contacts.push(Contact {
                id: row.id,
                data,
                created_at,
                updated_at,
            });
        }
        Ok(ContactPage {
            contacts,
            next_after_id,
            prev_before_id,
        })
    }

    /// The contacts with these ids (a page of a list computed elsewhere, such as the contacts
    /// decided one way on a channel), in id order; ids of no contact are skipped.
    pub async fn contacts_by_ids(&self, org: OrgId, ids: &[i64]) -> Result<Vec<Contact>> {
        let crypto = self.org_crypto(org).await?;
        let rows = on_backend!(self.contact_rows_by_ids(org, ids.to_vec()))?;
        rows.iter()
            .map(|row| {
                let (data, created_at, updated_at) = crypto.open_contact(row)?;
                Ok(Contact {
                    id: row.id,
                    data,
                    created_at,
                    updated_at,
                })
            })
            .collect()
    }

    // --- consent ledger ------------------------------------------------------------------

    /// Appends an event to a contact's ledger. An event with the same content already in the
    /// ledger is not added again; the stored one is returned with `false`.
    pub async fn append_event(
        &self,
        org: OrgId,
        contact_ref: &ContactRef,
        e: &NewConsentEvent,
    ) -> Result<(StoredEvent, bool)> {
        let row = on_backend!(self.contact_row_by_ref(org, contact_ref.as_str()))?
            .ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))?;
        let crypto = self.org_crypto(org).await?;
        let dek = if e.ip.is_some() || e.user_agent.is_some() {
            Some(crypto.data_key(&row.contact_ref, row.wrapped_dek.as_deref())?)
        } else {
            None
        };
        let sealed = crypto.seal_event(0, contact_ref.as_str(), e, dek.as_ref());
        let now = now_micros();
        let (id, inserted) = on_backend!(self.insert_events(org, row.id, vec![sealed], now))?
            .pop()
            .ok_or_else(|| StoreError::Other("no event appended".into()))?;
        let stored = self
            .ledger(org, contact_ref)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| StoreError::Other("event vanished after append".into()))?;
        Ok((stored, inserted))
    }

    /// Appends several events to one contact's ledger in one transaction (with the outbox rows
    /// their triggers write): all of them or none. Whether each was new (appending the same
    /// content again is a no-op).
    pub async fn append_events(
        &self,
        org: OrgId,
        contact_ref: &ContactRef,
        events: &[NewConsentEvent],
    ) -> Result<Vec<bool>> {
        let row = on_backend!(self.contact_row_by_ref(org, contact_ref.as_str()))?
            .ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))?;
        let crypto = self.org_crypto(org).await?;
        let dek = if events
            .iter()
            .any(|e| e.ip.is_some() || e.user_agent.is_some())
        {
            Some(crypto.data_key(&row.contact_ref, row.wrapped_dek.as_deref())?)
        } else {
            None
        };
        let sealed = events
            .iter()
            .map(|e| crypto.seal_event(0, contact_ref.as_str(), e, dek.as_ref()))
            .collect();
        let written = on_backend!(self.insert_events(org, row.id, sealed, now_micros()))?;
        Ok(written.into_iter().map(|(_, inserted)| inserted).collect())
    }

    /// A contact's ledger, in recording order.
    pub async fn ledger(&self, org: OrgId, contact_ref: &ContactRef) -> Result<Vec<StoredEvent>> {
        let row = on_backend!(self.contact_row_by_ref(org, contact_ref.as_str()))?
            .ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))?;
        let crypto = self.org_crypto(org).await?;
        let rows = on_backend!(self.event_rows(org, row.id))?;
        let dek = if rows.iter().any(|r| r.proof.is_some()) {
            crypto
                .data_key(&row.contact_ref, row.wrapped_dek.as_deref())
                .ok()
        } else {
            None
        };
        rows.iter()
            .map(|r| {
                Ok(StoredEvent {
                    id: r.id,
                    new: crypto.open_event(&row.contact_ref, r, dek.as_ref())?,
                    recorded_at: from_micros(r.recorded_at),
                })
            })
            .collect()
    }

    // --- suppression and opposition lists ------------------------------------------------

    /// Whether a normalized identifier is on the suppression list.
    pub async fn is_suppressed(&self, org: OrgId, normalized_identifier: &str) -> Result<bool> {
        on_backend!(self.is_suppressed(org, vigie_core::suppression_hash(normalized_identifier)))
    }

    pub async fn on_opposition_list(&self, org: OrgId, phone: &PhoneE164) -> Result<bool> {
        let crypto = self.org_crypto(org).await?;
        on_backend!(self.on_opposition(org, crypto.index.phone_index(phone)))
    }

    // --- bulk imports --------------------------------------------------------------------

    /// Imports a stream of sealed contacts in one transaction (see [`ImportMsg`]).
    pub async fn import_contacts(
        &self,
        org: OrgId,
        rx: Receiver<ImportMsg<SealedContact>>,
    ) -> Result<ImportCounts> {
        let counts = on_backend!(self.import_contacts(org, rx, now_micros()))?;
        if counts.updated > 0 {
            // A CRM file that still names archived customers wrote their e-mail and phone back:
            // the archive keeps only what the accounting obligation needs.
            self.reduce_accounting_archives_after_write(org, None, "import:contacts")
                .await?;
        }
        Ok(counts)
    }

    pub async fn import_events(
        &self,
        org: OrgId,
        rx: Receiver<ImportMsg<SealedEvent>>,
        skip_unknown: bool,
    ) -> Result<(ImportCounts, UnknownRefs)> {
        let ledger = self.import_ledger(org, rx, skip_unknown).await?;
        Ok((ledger.counts, ledger.unknown))
    }

    /// [`Store::import_events`], with the events written when the store knows them (see
    /// [`LedgerImport::written`]).
    pub async fn import_ledger(
        &self,
        org: OrgId,
        rx: Receiver<ImportMsg<SealedEvent>>,
        skip_unknown: bool,
    ) -> Result<LedgerImport> {
        on_backend!(self.import_events(org, rx, skip_unknown, now_micros()))
    }

    pub async fn import_suppression(
        &self,
        org: OrgId,
        hashes: Vec<[u8; 32]>,
    ) -> Result<ImportCounts> {
        on_backend!(self.import_suppression(org, hashes, now_micros()))
    }

    pub async fn import_opposition(
        &self,
        org: OrgId,
        phone_bidx: Vec<Digest16>,
    ) -> Result<ImportCounts> {
        on_backend!(self.import_opposition(org, phone_bidx, now_micros()))
    }
}
