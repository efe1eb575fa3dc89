//! Ready to scale out: the PostgreSQL schema can be distributed by organization (Citus) as it
//! is. Read from the catalog after every migration, so the tables added later are held to it
//! too: every table but the installation-wide ones has the organization column, leads its
//! primary key and every unique index with it, and has no foreign key that could reach another
//! organization's rows (a key between two distributed tables includes the organization column on
//! both sides; a distributed table may point to an installation-wide one, never the reverse).

use vigie_store::testing::{postgres_store, postgres_url};

/// The distribution column of every distributed table.
const ORG_COLUMN: &str = "org_id";

/// The installation-wide tables (Citus reference tables, copied to every node), and why.
const INSTALLATION_WIDE: [(&str, &str); 8] = [
    (
        "organizations",
        "the tenants themselves, found by slug before any organization is known",
    ),
    (
        "users",
        "a person may belong to several organizations; signs in before choosing one",
    ),
    (
        "memberships",
        "read by user at sign-in to list the person's organizations",
    ),
    (
        "user_secrets",
        "set-up and recovery links, found by hash before sign-in",
    ),
    (
        "sessions",
        "found by the cookie's hash before the organization is known",
    ),
    (
        "api_tokens",
        "found by the token's hash before the organization is known",
    ),
    (
        "signin_holds",
        "keyed by the login as typed, before any user is known",
    ),
    (
        "vigie_migrations",
        "the schema version, one for the installation",
    ),
];

fn installation_wide(table: &str) -> bool {
    INSTALLATION_WIDE.iter().any(|(t, _)| *t == table)
}

/// What keeps the tables of `schema` from being distributed by organization, one line each.
async fn violations(client: &tokio_postgres::Client, schema: &str) -> Vec<String> {
    let mut found = Vec::new();
    let tables = client
        .query(
            "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            &[&schema],
        )
        .await
        .unwrap();
    for t in &tables {
        let oid: u32 = t.get(0);
        let name: String = t.get(1);
        let org: Option<i16> = client
            .query_opt(
                "SELECT attnum FROM pg_attribute
                 WHERE attrelid = $1 AND attname = $2 AND NOT attisdropped",
                &[&oid, &ORG_COLUMN],
            )
            .await
            .unwrap()
            .map(|r| r.get(0));
        let fks = client
            .query(
                "SELECT conname, conkey, confkey, confrelid, confrelid::regclass::text
                 FROM pg_constraint WHERE conrelid = $1 AND contype = 'f' ORDER BY conname",
                &[&oid],
            )
            .await
            .unwrap();
        if installation_wide(&name) {
            for fk in &fks {
                let target: String = fk.get(4);
                let target = target.rsplit('.').next().unwrap_or_default().to_owned();
                if !installation_wide(&target) {
                    found.push(format!(
                        "{name}: installation-wide, its foreign key {} points to the distributed table {target}",
                        fk.get::<_, String>(0)
                    ));
                }
            }
            continue;
        }
        let Some(org) = org else {
            found.push(format!("{name}: no {ORG_COLUMN} column"));
            continue;
        };
        let indexes = client
            .query(
                "SELECT ci.relname, i.indisprimary, i.indkey[0]
                 FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
                 WHERE i.indrelid = $1 AND i.indisunique ORDER BY ci.relname",
                &[&oid],
            )
            .await
            .unwrap();
        if !indexes.iter().any(|i| i.get::<_, bool>(1)) {
            found.push(format!("{name}: no primary key"));
        }
        for i in &indexes {
            let first: i16 = i.get(2);
            if first != org {
                let what = if i.get::<_, bool>(1) {
                    "primary key"
                } else {
                    "unique index"
                };
                found.push(format!(
                    "{name}: {what} {} does not lead with {ORG_COLUMN}",
                    i.get::<_, String>(0)
                ));
            }
        }
        for fk in &fks {
            let conname: String = fk.get(0);
            let conkey: Vec<i16> = fk.get(1);
            let confkey: Vec<i16> = fk.get(2);
            let target_oid: u32 = fk.get(3);
            let target: String = fk.get(4);
            let target = target.rsplit('.').next().unwrap_or_default().to_owned();
            if installation_wide(&target) {
                continue;
            }
            let target_org: Option<i16> = client
                .query_opt(
                    "SELECT attnum FROM pg_attribute
                     WHERE attrelid = $1 AND attname = $2 AND NOT attisdropped",
                    &[&target_oid, &ORG_COLUMN],
                )
                .await
                .unwrap()
                .map(|r| r.get(0));
            let paired = conkey
                .iter()
                .zip(&confkey)
                .any(|(from, to)| *from == org && Some(*to) == target_org);
            if !paired {
                found.push(format!(
                    "{name}: foreign key {conname} to {target} does not match {ORG_COLUMN} to {ORG_COLUMN}"
                ));
            }
        }
    }
    found
}

async fn connect(schema: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(&postgres_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute(&format!("SET search_path = {schema}"))
        .await
        .unwrap();
    client
}

#[tokio::test]
async fn postgres_every_table_can_be_distributed_by_organization() {
    let t = postgres_store().await;
    let schema = &t.pg.as_ref().unwrap().1;
    let client = connect(schema).await;
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = $1",
            &[schema],
        )
        .await
        .unwrap()
        .get(0);
    assert!(tables >= 20, "{tables} tables: the migrations did not run");
    let found = violations(&client, schema).await;
    assert!(
        found.is_empty(),
        "tables that cannot be distributed by organization:\n{}",
        found.join("\n")
    );
}

/// The check finds each kind of fault (a check that finds nothing proves nothing).
#[tokio::test]
async fn postgres_the_distribution_check_names_each_fault() {
    let t = postgres_store().await;
    let schema = &t.pg.as_ref().unwrap().1;
    let client = connect(schema).await;
    client
        .batch_execute(
            "CREATE TABLE no_org (id BIGINT PRIMARY KEY);
             CREATE TABLE id_first (org_id BIGINT NOT NULL, id BIGINT NOT NULL,
                 PRIMARY KEY (id, org_id));
             CREATE TABLE unique_without_org (org_id BIGINT NOT NULL, id BIGINT NOT NULL,
                 code TEXT NOT NULL, PRIMARY KEY (org_id, id));
             CREATE UNIQUE INDEX unique_code ON unique_without_org (code);
             ALTER TABLE unique_without_org ADD CONSTRAINT by_id UNIQUE (id, org_id);
             CREATE TABLE crossing (org_id BIGINT NOT NULL, id BIGINT NOT NULL,
                 other_org BIGINT NOT NULL, other BIGINT NOT NULL, PRIMARY KEY (org_id, id));
             ALTER TABLE crossing ADD CONSTRAINT crossing_other
                 FOREIGN KEY (other_org, other) REFERENCES unique_without_org (org_id, id);
             ALTER TABLE sessions ADD COLUMN contact BIGINT, ADD COLUMN contact_org BIGINT;
             ALTER TABLE sessions ADD CONSTRAINT sessions_contact
                 FOREIGN KEY (contact_org, contact) REFERENCES contacts (org_id, id);",
        )
        .await
        .unwrap();
    let found = violations(&client, schema).await;
    for expected in [
        "no_org: no org_id column",
        "id_first: primary key id_first_pkey does not lead with org_id",
        "unique_without_org: unique index unique_code does not lead with org_id",
        "unique_without_org: unique index by_id does not lead with org_id",
        "crossing: foreign key crossing_other to unique_without_org does not match org_id to org_id",
        "sessions: installation-wide, its foreign key sessions_contact points to the distributed table contacts",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected:?} not found in {found:#?}"
        );
    }
    assert_eq!(found.len(), 6, "{found:#?}");
}
