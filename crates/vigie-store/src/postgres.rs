//! The production store: PostgreSQL through a connection pool. Bulk imports of files go through
//! binary `COPY` into a staging table (`pg_bulk`); the small writes of the API and the demo's
//! lists send their rows as arrays (`UNNEST`).

use std::str::FromStr;

use deadpool_postgres::GenericClient;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::sync::mpsc::Receiver;
use tokio_postgres::{NoTls, Row};

use crate::backend::{Backend, ImportMsg, LedgerImport, RowQuery, identifier_filters};
use crate::error::{Result, StoreError};
use crate::migrations::POSTGRES;
use crate::model::{ImportCounts, OrgId, Organization, UpsertOutcome, from_micros};
use crate::sealing::{ContactRow, EventRow, SealedContact, SealedEvent};
use crate::vault::Digest16;

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

fn pool_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Pool(e.to_string())
}

fn org_from_row(r: &Row) -> Organization {
    Organization {
        id: r.get(0),
        slug: r.get(1),
        name: r.get(2),
        created_at: from_micros(r.get(3)),
    }
}

const CONTACT_COLUMNS: &str = "c.id, c.contact_ref, c.pii, c.wrapped_dek, c.audience, c.customer, c.customer_categories,
     c.collected_via, c.collected_at, c.informed, c.objection_offered, c.contract_active, c.restricted,
     c.created_at, c.updated_at, c.time_zone, c.relationship_ended_at";

fn contact_from_row(r: &Row) -> ContactRow {
    ContactRow {
        id: r.get(0),
        contact_ref: r.get(1),
        pii: r.get(2),
        wrapped_dek: r.get(3),
        audience: r.get(4),
        customer: r.get(5),
        customer_categories: r.get(6),
        collected_via: r.get(7),
        collected_at: r.get(8),
        informed: r.get(9),
        objection_offered: r.get(10),
        contract_active: r.get(11),
        restricted: r.get(12),
        created_at: r.get(13),
        updated_at: r.get(14),
        time_zone: r.get(15),
        relationship_ended_at: r.get(16),
    }
}

pub(crate) async fn bump_version(c: &impl GenericClient, org: OrgId) -> Result<()> {
    c.execute(
        "UPDATE organizations SET data_version = data_version + 1 WHERE id = $1",
        &[&org],
    )
    .await?;
    Ok(())
}

/// Upserts a batch of contacts; returns the count of each outcome.
pub(crate) async fn upsert_contacts_batch(
    c: &impl GenericClient,
    org: OrgId,
    rows: &[SealedContact],
    now: i64,
) -> Result<ImportCounts> {
    let refs: Vec<&str> = rows.iter().map(|r| r.contact_ref.as_str()).collect();
    let email: Vec<Option<&[u8]>> = rows
        .iter()
        .map(|r| r.email_bidx.as_ref().map(|d| &d[..]))
        .collect();
    let phone: Vec<Option<&[u8]>> = rows
        .iter()
        .map(|r| r.phone_bidx.as_ref().map(|d| &d[..]))
        .collect();
    let pii: Vec<&[u8]> = rows.iter().map(|r| r.pii.as_slice()).collect();
    let audience: Vec<&str> = rows.iter().map(|r| r.audience).collect();
    let customer: Vec<bool> = rows.iter().map(|r| r.customer).collect();
    let cats: Vec<&str> = rows
        .iter()
        .map(|r| r.customer_categories.as_str())
        .collect();
    let via: Vec<Option<&str>> = rows.iter().map(|r| r.collected_via.as_deref()).collect();
    let at: Vec<Option<i64>> = rows.iter().map(|r| r.collected_at).collect();
    let informed: Vec<bool> = rows.iter().map(|r| r.informed).collect();
    let objection: Vec<bool> = rows.iter().map(|r| r.objection_offered).collect();
    let contract: Vec<bool> = rows.iter().map(|r| r.contract_active).collect();
    let restricted: Vec<bool> = rows.iter().map(|r| r.restricted).collect();
    let digest: Vec<&[u8]> = rows.iter().map(|r| &r.row_digest[..]).collect();
    let deks: Vec<&[u8]> = rows.iter().map(|r| r.wrapped_dek.as_slice()).collect();
    let zones: Vec<Option<&str>> = rows.iter().map(|r| r.time_zone).collect();
    let ended: Vec<Option<i64>> = rows.iter().map(|r| r.relationship_ended_at).collect();
    let names: Vec<&[u8]> = rows.iter().map(|r| r.name_bidx.as_flattened()).collect();
    let changed = c
        .query(
            "INSERT INTO contacts AS c (org_id, contact_ref, email_bidx, phone_bidx, pii, audience, customer,
                 customer_categories, collected_via, collected_at, informed, objection_offered, contract_active,
                 restricted, row_digest, wrapped_dek, time_zone, relationship_ended_at, name_bidx, created_at,
                 updated_at)
             SELECT $1, t.* , $16, $16 FROM UNNEST($2::text[], $3::bytea[], $4::bytea[], $5::bytea[], $6::text[],
                 $7::bool[], $8::text[], $9::text[], $10::int8[], $11::bool[], $12::bool[], $13::bool[], $14::bool[],
                 $15::bytea[], $17::bytea[], $18::text[], $19::int8[], $20::bytea[]) AS t
             ON CONFLICT (org_id, contact_ref) DO UPDATE SET email_bidx = EXCLUDED.email_bidx,
                 phone_bidx = EXCLUDED.phone_bidx, pii = EXCLUDED.pii, audience = EXCLUDED.audience,
                 customer = EXCLUDED.customer, customer_categories = EXCLUDED.customer_categories,
                 collected_via = EXCLUDED.collected_via, collected_at = EXCLUDED.collected_at,
                 informed = EXCLUDED.informed, objection_offered = EXCLUDED.objection_offered,
                 contract_active = EXCLUDED.contract_active,
                 -- A restriction held by a data subject request survives (migration 0009).
                 restricted = EXCLUDED.restricted OR c.restriction_held,
                 row_digest = EXCLUDED.row_digest, wrapped_dek = EXCLUDED.wrapped_dek,
                 time_zone = EXCLUDED.time_zone, relationship_ended_at = EXCLUDED.relationship_ended_at,
                 name_bidx = EXCLUDED.name_bidx,
                 updated_at = EXCLUDED.updated_at, erased_at = NULL, erased_by_retention = FALSE
               -- Erased at the person's request: stays erased. Erased by retention: comes back only
               -- when collected again since the erasure (migration 0019).
               WHERE c.row_digest <> EXCLUDED.row_digest AND (c.erased_at IS NULL
                   OR (c.erased_by_retention AND EXCLUDED.collected_at > c.erased_at))
             RETURNING (xmax = 0) AS inserted, id, name_bidx",
            &[
                &org, &refs, &email, &phone, &pii, &audience, &customer, &cats, &via, &at, &informed, &objection,
                &contract, &restricted, &digest, &now, &deks, &zones, &ended, &names,
            ],
        )
        .await?;
    crate::names::pg_replace_names(
        c,
        org,
        changed.iter().map(|r| {
            (
                r.get::<_, i64>(1),
                r.get::<_, bool>(0),
                r.get::<_, Option<&[u8]>>(2),
            )
        }),
    )
    .await?;
    let mut counts = ImportCounts::default();
    for r in &changed {
        if r.get::<_, bool>(0) {
            counts.inserted += 1;
        } else {
            counts.updated += 1;
        }
    }
    // Rows of contacts erased by retention that the upsert left erased: reported.
    counts.left_erased = c
        .query_one(
            "SELECT count(*) FROM contacts WHERE org_id = $1 AND contact_ref = ANY($2)
                 AND erased_by_retention",
            &[&org, &refs],
        )
        .await?
        .get::<_, i64>(0) as u64;
    counts.unchanged = rows.len() as u64 - counts.inserted - counts.updated - counts.left_erased;
    Ok(counts)
}

/// Inserts a batch of events whose contacts are resolved; returns the number inserted.
pub(crate) async fn insert_events_batch(
    c: &impl GenericClient,
    org: OrgId,
    rows: &[(i64, &SealedEvent)],
    now: i64,
) -> Result<(u64, Vec<i64>)> {
    let contact: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let channel: Vec<&str> = rows.iter().map(|(_, e)| e.channel).collect();
    let purpose: Vec<&str> = rows.iter().map(|(_, e)| e.purpose).collect();
    let action: Vec<&str> = rows.iter().map(|(_, e)| e.action).collect();
    let at: Vec<i64> = rows.iter().map(|(_, e)| e.at).collect();
    let method: Vec<&str> = rows.iter().map(|(_, e)| e.method).collect();
    let notice: Vec<Option<&str>> = rows
        .iter()
        .map(|(_, e)| e.notice_version.as_deref())
        .collect();
    let source: Vec<Option<&str>> = rows.iter().map(|(_, e)| e.source.as_deref()).collect();
    let proof: Vec<Option<&[u8]>> = rows.iter().map(|(_, e)| e.proof.as_deref()).collect();
    let digest: Vec<&[u8]> = rows.iter().map(|(_, e)| &e.content_digest[..]).collect();
    // WITH ORDINALITY keeps the file order, which is the ledger order (ids ascend with it).
    let inserted = c
        .query(
            "INSERT INTO consent_events (org_id, contact_id, channel, purpose, action, at, method, notice_version,
                 source, proof, recorded_at, content_digest)
             SELECT $1, t.contact_id, t.channel, t.purpose, t.action, t.at, t.method, t.notice_version, t.source,
                 t.proof, $12, t.digest
             FROM UNNEST($2::int8[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], $8::text[],
                 $9::text[], $10::bytea[], $11::bytea[]) WITH ORDINALITY
                 AS t(contact_id, channel, purpose, action, at, method, notice_version, source, proof, digest, n)
             ORDER BY t.n
             ON CONFLICT (org_id, contact_id, content_digest) DO NOTHING
             RETURNING id",
            &[&org, &contact, &channel, &purpose, &action, &at, &method, &notice, &source, &proof, &digest, &now],
        )
        .await?;
    let ids = inserted.iter().map(|r| r.get(0)).collect();
    Ok((inserted.len() as u64, ids))
}

impl PgStore {
    /// Connects to `url` and applies pending migrations. With `schema`, every table lives in that
    /// schema (created if needed): tests use one schema each.
    pub async fn open(url: &str, schema: Option<&str>) -> Result<Self> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(StoreError::Postgres)?;
        if let Some(schema) = schema {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(StoreError::Invalid(format!("schema name {schema:?}")));
            }
            let (client, conn) = config.connect(NoTls).await?;
            let task = tokio::spawn(conn);
            client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .await?;
            drop(client);
            let _ = task.await;
            config.options(format!("-c search_path={schema}"));
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(pool_err)?;
        let store = PgStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(pool_err)
    }

    async fn migrate(&self) -> Result<()> {
        let mut client = self.client().await?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS vigie_migrations (
                     version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            )
            .await?;
        for m in POSTGRES {
            let tx = client.transaction().await?;
            // One migrator at a time, whatever the number of servers starting together.
            tx.execute("SELECT pg_advisory_xact_lock(7010421)", &[])
                .await?;
            let done: bool = tx
                .query_one(
                    "SELECT count(*) > 0 FROM vigie_migrations WHERE version = $1",
                    &[&m.version],
                )
                .await?
                .get(0);
            if !done {
                tracing::info!(
                    version = m.version,
                    name = m.name,
                    "applying PostgreSQL migration"
                );
                tx.batch_execute(m.sql).await?;
                tx.execute(
                    "INSERT INTO vigie_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    &[
                        &m.version,
                        &m.name,
                        &jiff::Timestamp::now().as_microsecond(),
                    ],
                )
                .await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    /// Loads a list of keys (suppression hashes, opposition blind indexes) in one transaction,
    /// 10,000 keys a round trip; `sql` takes `$1` org, `$2` the keys as `bytea[]`, `$3` now.
    async fn insert_list<K: AsRef<[u8]> + Ord>(
        &self,
        org: OrgId,
        sql: &str,
        mut keys: Vec<K>,
        now: i64,
    ) -> Result<ImportCounts> {
        keys.sort_unstable();
        keys.dedup();
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let mut counts = ImportCounts::default();
        for chunk in keys.chunks(10_000) {
            let values: Vec<&[u8]> = chunk.iter().map(AsRef::as_ref).collect();
            let n = tx.execute(sql, &[&org, &values, &now]).await?;
            counts.inserted += n;
            counts.unchanged += chunk.len() as u64 - n;
        }
        bump_version(&tx, org).await?;
        tx.commit().await?;
        Ok(counts)
    }
}

impl Backend for PgStore {
    async fn list_orgs(&self) -> Result<Vec<Organization>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, slug, name, created_at FROM organizations ORDER BY slug",
                &[],
            )
            .await?;
        Ok(rows.iter().map(org_from_row).collect())
    }

    async fn org_by_slug(&self, slug: &str) -> Result<Option<Organization>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT id, slug, name, created_at FROM organizations WHERE slug = $1",
                &[&slug],
            )
            .await?;
        Ok(row.as_ref().map(org_from_row))
    }

    async fn create_org(&self, slug: &str, name: &str, now: i64) -> Result<Organization> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "INSERT INTO organizations (slug, name, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (slug) DO NOTHING RETURNING id, slug, name, created_at",
                &[&slug, &name, &now],
            )
            .await?;
        row.as_ref()
            .map(org_from_row)
            .ok_or_else(|| StoreError::Conflict(format!("organization {slug:?} already exists")))
    }

    async fn org_key(&self, org: OrgId, kind: &str) -> Result<Option<Vec<u8>>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT wrapped FROM org_keys WHERE org_id = $1 AND kind = $2",
                &[&org, &kind],
            )
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn put_org_key_if_absent(&self, org: OrgId, kind: &str, wrapped: Vec<u8>) -> Result<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO org_keys (org_id, kind, wrapped) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&org, &kind, &wrapped],
        )
        .await?;
        Ok(())
    }

    async fn data_version(&self, org: OrgId) -> Result<i64> {
        let c = self.client().await?;
        Ok(c.query_one(
            "SELECT data_version FROM organizations WHERE id = $1",
            &[&org],
        )
        .await?
        .get(0))
    }

    async fn upsert_contact(
        &self,
        org: OrgId,
        c: SealedContact,
        now: i64,
    ) -> Result<(i64, UpsertOutcome)> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let counts = upsert_contacts_batch(&tx, org, std::slice::from_ref(&c), now).await?;
        let outcome = if counts.inserted == 1 {
            UpsertOutcome::Inserted
        } else if counts.updated == 1 {
            UpsertOutcome::Updated
        } else if counts.left_erased == 1 {
            UpsertOutcome::LeftErased
        } else {
            UpsertOutcome::Unchanged
        };
        let id: i64 = tx
            .query_one(
                "SELECT id FROM contacts WHERE org_id = $1 AND contact_ref = $2",
                &[&org, &c.contact_ref],
            )
            .await?
            .get(0);
        if outcome != UpsertOutcome::Unchanged {
            bump_version(&tx, org).await?;
        }
        tx.commit().await?;
        Ok((id, outcome))
    }

    async fn insert_contact(&self, org: OrgId, c: SealedContact, now: i64) -> Result<Option<i64>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The insert itself decides: of two concurrent creations, one inserts, one sees the row.
        let row = tx
            .query_opt(
                "INSERT INTO contacts (org_id, contact_ref, pii, audience, customer, customer_categories,
                     informed, objection_offered, contract_active, restricted, row_digest, created_at, updated_at)
                 VALUES ($1, $2, ''::bytea, '', false, '', false, false, false, false, ''::bytea, $3, $3)
                 ON CONFLICT (org_id, contact_ref) DO NOTHING RETURNING id",
                &[&org, &c.contact_ref, &now],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        // The placeholder row is completed by the upsert, in the same transaction.
        upsert_contacts_batch(&tx, org, std::slice::from_ref(&c), now).await?;
        bump_version(&tx, org).await?;
        tx.commit().await?;
        Ok(Some(row.get(0)))
    }

    async fn count_contacts(&self, org: OrgId) -> Result<u64> {
        let c = self.client().await?;
        let n: i64 = c
            .query_one("SELECT count(*) FROM contacts WHERE org_id = $1", &[&org])
            .await?
            .get(0);
        Ok(n as u64)
    }

    async fn contact_row_by_ref(
        &self,
        org: OrgId,
        contact_ref: &str,
    ) -> Result<Option<ContactRow>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c
             WHERE c.org_id = $1 AND c.contact_ref = $2"
        );
        Ok(c.query_opt(&sql, &[&org, &contact_ref])
            .await?
            .as_ref()
            .map(contact_from_row))
    }

    async fn contact_rows(&self, org: OrgId, q: RowQuery) -> Result<Vec<ContactRow>> {
        let c = self.client().await?;
        // A plain equality when an identifier is given, so that its index is used whatever
        // plan the server caches.
        let (email_f, phone_f) = identifier_filters(&q, "$3::bytea", "$4::bytea");
        // A name is found through `contact_names` (organization, hash), and the contact must
        // still hold that hash in `name_bidx` (an entry left behind never returns it).
        let name_f = if q.name_bidx.is_some() {
            "EXISTS (SELECT 1 FROM contact_names n
                     WHERE n.org_id = $1 AND n.name_bidx = $6::bytea AND n.contact_id = c.id)
             AND (position($6::bytea IN c.name_bidx) - 1) % 16 = 0"
        } else {
            "$6::bytea IS NULL"
        };
        let audience_f = match q.audience {
            Some(_) => "c.audience = $7::text",
            None => "$7::text IS NULL",
        };
        // Paging backwards reads the nearest rows first.
        let (bound, order) = match q.before_id {
            Some(_) => ("c.id < $2", "DESC"),
            None => ("c.id > $2", "ASC"),
        };
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c
             WHERE c.org_id = $1 AND {bound} AND {email_f} AND {phone_f} AND {name_f} AND {audience_f}
             ORDER BY c.id {order} LIMIT $5"
        );
        let email = q.email_bidx.as_ref().map(|d| &d[..]);
        let phone = q.phone_bidx.as_ref().map(|d| &d[..]);
        let name = q.name_bidx.as_ref().map(|d| &d[..]);
        let rows = c
            .query(
                &sql,
                &[
                    &org,
                    &q.before_id.or(q.after_id).unwrap_or(0),
                    &email,
                    &phone,
                    &i64::from(q.limit),
                    &name,
                    &q.audience,
                ],
            )
            .await?;
        Ok(rows.iter().map(contact_from_row).collect())
    }

    async fn contact_rows_by_ids(&self, org: OrgId, ids: Vec<i64>) -> Result<Vec<ContactRow>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c
             WHERE c.org_id = $1 AND c.id = ANY($2::bigint[]) ORDER BY c.id"
        );
        let rows = c.query(&sql, &[&org, &ids]).await?;
        Ok(rows.iter().map(contact_from_row).collect())
    }

    /// Appends a contact's events in one transaction: all of them or none.
    async fn insert_events(
        &self,
        org: OrgId,
        contact_id: i64,
        events: Vec<SealedEvent>,
        now: i64,
    ) -> Result<Vec<(i64, bool)>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let mut out = Vec::with_capacity(events.len());
        for e in &events {
            let (n, ids) = insert_events_batch(&tx, org, &[(contact_id, e)], now).await?;
            out.push(if n == 1 {
                (ids[0], true)
            } else {
                let id: i64 = tx
                    .query_one(
                        "SELECT id FROM consent_events WHERE org_id = $1 AND contact_id = $2 AND content_digest = $3",
                        &[&org, &contact_id, &&e.content_digest[..]],
                    )
                    .await?
                    .get(0);
                (id, false)
            });
        }
        if out.iter().any(|(_, inserted)| *inserted) {
            bump_version(&tx, org).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn event_rows(&self, org: OrgId, contact_id: i64) -> Result<Vec<EventRow>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, channel, purpose, action, at, method, notice_version, source, proof, recorded_at
                 FROM consent_events WHERE org_id = $1 AND contact_id = $2 ORDER BY id",
                &[&org, &contact_id],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| EventRow {
                id: r.get(0),
                channel: r.get(1),
                purpose: r.get(2),
                action: r.get(3),
                at: r.get(4),
                method: r.get(5),
                notice_version: r.get(6),
                source: r.get(7),
                proof: r.get(8),
                recorded_at: r.get(9),
            })
            .collect())
    }

    async fn is_suppressed(&self, org: OrgId, sha256: [u8; 32]) -> Result<bool> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT 1 FROM suppression WHERE org_id = $1 AND sha256 = $2",
                &[&org, &&sha256[..]],
            )
            .await?;
        Ok(row.is_some())
    }

    async fn on_opposition(&self, org: OrgId, phone_bidx: Digest16) -> Result<bool> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                // A number may be on several of the organization's lists (migration 0011).
                "SELECT 1 FROM opposition WHERE org_id = $1 AND phone_bidx = $2 LIMIT 1",
                &[&org, &&phone_bidx[..]],
            )
            .await?;
        Ok(row.is_some())
    }

    async fn import_contacts(
        &self,
        org: OrgId,
        rx: Receiver<ImportMsg<SealedContact>>,
        now: i64,
    ) -> Result<ImportCounts> {
        self.copy_contacts(org, rx, now).await
    }

    async fn import_events(
        &self,
        org: OrgId,
        rx: Receiver<ImportMsg<SealedEvent>>,
        skip_unknown: bool,
        now: i64,
    ) -> Result<LedgerImport> {
        self.copy_events(org, rx, skip_unknown, now).await
    }

    async fn import_suppression(
        &self,
        org: OrgId,
        hashes: Vec<[u8; 32]>,
        now: i64,
    ) -> Result<ImportCounts> {
        self.copy_suppression(org, hashes, now).await
    }

    async fn import_opposition(
        &self,
        org: OrgId,
        bidx: Vec<Digest16>,
        now: i64,
    ) -> Result<ImportCounts> {
        let sql = "INSERT INTO opposition (org_id, phone_bidx, added_at)
                   SELECT $1, h, $3 FROM UNNEST($2::bytea[]) AS h ON CONFLICT DO NOTHING";
        self.insert_list(org, sql, bidx, now).await
    }
}
