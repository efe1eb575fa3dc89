//! Schema migrations, embedded in the binary and applied when a store opens. One list per store;
//! a migration is never edited once released, only followed by a new one.

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/sqlite/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "screening",
        sql: include_str!("../migrations/sqlite/0002_screening.sql"),
    },
    Migration {
        version: 3,
        name: "audit",
        sql: include_str!("../migrations/sqlite/0003_audit.sql"),
    },
    Migration {
        version: 4,
        name: "accounts",
        sql: include_str!("../migrations/sqlite/0004_accounts.sql"),
    },
    Migration {
        version: 5,
        name: "dsar",
        sql: include_str!("../migrations/sqlite/0005_dsar.sql"),
    },
    Migration {
        version: 6,
        name: "contact_lookup",
        sql: include_str!("../migrations/sqlite/0006_contact_lookup.sql"),
    },
    Migration {
        version: 7,
        name: "privacy_centre",
        sql: include_str!("../migrations/sqlite/0007_privacy_centre.sql"),
    },
    Migration {
        version: 8,
        name: "contact_key_in_row",
        sql: include_str!("../migrations/sqlite/0008_contact_key_in_row.sql"),
    },
    Migration {
        version: 9,
        name: "restriction_held",
        sql: include_str!("../migrations/sqlite/0009_restriction_held.sql"),
    },
    Migration {
        version: 10,
        name: "call_log",
        sql: include_str!("../migrations/sqlite/0010_call_log.sql"),
    },
    Migration {
        version: 11,
        name: "opposition_lists",
        sql: include_str!("../migrations/sqlite/0011_opposition_lists.sql"),
    },
    Migration {
        version: 12,
        name: "contact_time_zone",
        sql: include_str!("../migrations/sqlite/0012_contact_time_zone.sql"),
    },
    Migration {
        version: 13,
        name: "signin_holds",
        sql: include_str!("../migrations/sqlite/0013_signin_holds.sql"),
    },
    Migration {
        version: 14,
        name: "call_log_shredding",
        sql: include_str!("../migrations/sqlite/0014_call_log_shredding.sql"),
    },
    Migration {
        version: 15,
        name: "registers",
        sql: include_str!("../migrations/sqlite/0015_registers.sql"),
    },
    Migration {
        version: 16,
        name: "breaches",
        sql: include_str!("../migrations/sqlite/0016_breaches.sql"),
    },
    Migration {
        version: 17,
        name: "notices",
        sql: include_str!("../migrations/sqlite/0017_notices.sql"),
    },
    Migration {
        version: 18,
        name: "retention",
        sql: include_str!("../migrations/sqlite/0018_retention.sql"),
    },
    Migration {
        version: 19,
        name: "retention_erasure_mark",
        sql: include_str!("../migrations/sqlite/0019_retention_erasure_mark.sql"),
    },
    Migration {
        version: 20,
        name: "requalification",
        sql: include_str!("../migrations/sqlite/0020_requalification.sql"),
    },
    Migration {
        version: 21,
        name: "requalification_selection",
        sql: include_str!("../migrations/sqlite/0021_requalification_selection.sql"),
    },
    Migration {
        version: 22,
        name: "import_runs",
        sql: include_str!("../migrations/sqlite/0022_import_runs.sql"),
    },
    Migration {
        version: 23,
        name: "requalification_exports",
        sql: include_str!("../migrations/sqlite/0023_requalification_exports.sql"),
    },
    Migration {
        version: 24,
        name: "contact_names",
        sql: include_str!("../migrations/sqlite/0024_contact_names.sql"),
    },
    Migration {
        version: 25,
        name: "contacts_by_audience",
        sql: include_str!("../migrations/sqlite/0025_contacts_by_audience.sql"),
    },
    Migration {
        version: 26,
        name: "overview",
        sql: include_str!("../migrations/sqlite/0026_overview.sql"),
    },
    Migration {
        version: 27,
        name: "audit_verifications_key",
        sql: include_str!("../migrations/sqlite/0027_audit_verifications_key.sql"),
    },
    // branch s5-archive (issue 16)
    Migration {
        version: 28,
        name: "accounting_archive",
        sql: include_str!("../migrations/sqlite/0028_accounting_archive.sql"),
    },
    // branch s5-purges (issue 16)
    Migration {
        version: 29,
        name: "retention_purges",
        sql: include_str!("../migrations/sqlite/0029_retention_purges.sql"),
    },
    // branch forms (issue 15)
    Migration {
        version: 30,
        name: "consent_forms",
        sql: include_str!("../migrations/sqlite/0030_consent_forms.sql"),
    },
    Migration {
        version: 31,
        name: "form_confirmations",
        sql: include_str!("../migrations/sqlite/0031_form_confirmations.sql"),
    },
    Migration {
        version: 33,
        name: "webhooks",
        sql: include_str!("../migrations/sqlite/0033_webhooks.sql"),
    },
    Migration {
        version: 34,
        name: "inbound_events",
        sql: include_str!("../migrations/sqlite/0034_inbound_events.sql"),
    },
    Migration {
        version: 35,
        name: "dsar_answers",
        sql: include_str!("../migrations/sqlite/0035_dsar_answers.sql"),
    },
    // s5-pg-import (issue 17)
    Migration {
        version: 36,
        name: "identifier_hash_indexes",
        sql: include_str!("../migrations/sqlite/0036_identifier_hash_indexes.sql"),
    },
    Migration {
        version: 38,
        name: "running_imports",
        sql: include_str!("../migrations/sqlite/0038_running_imports.sql"),
    },
    Migration {
        version: 39,
        name: "request_ids_never_reused",
        sql: include_str!("../migrations/sqlite/0039_request_ids_never_reused.sql"),
    },
    Migration {
        version: 40,
        name: "archived_contacts",
        sql: include_str!("../migrations/sqlite/0040_archived_contacts.sql"),
    },
];

pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "screening",
        sql: include_str!("../migrations/postgres/0002_screening.sql"),
    },
    Migration {
        version: 3,
        name: "audit",
        sql: include_str!("../migrations/postgres/0003_audit.sql"),
    },
    Migration {
        version: 4,
        name: "accounts",
        sql: include_str!("../migrations/postgres/0004_accounts.sql"),
    },
    Migration {
        version: 5,
        name: "dsar",
        sql: include_str!("../migrations/postgres/0005_dsar.sql"),
    },
    Migration {
        version: 6,
        name: "contact_lookup",
        sql: include_str!("../migrations/postgres/0006_contact_lookup.sql"),
    },
    Migration {
        version: 7,
        name: "privacy_centre",
        sql: include_str!("../migrations/postgres/0007_privacy_centre.sql"),
    },
    Migration {
        version: 8,
        name: "contact_key_in_row",
        sql: include_str!("../migrations/postgres/0008_contact_key_in_row.sql"),
    },
    Migration {
        version: 9,
        name: "restriction_held",
        sql: include_str!("../migrations/postgres/0009_restriction_held.sql"),
    },
    Migration {
        version: 10,
        name: "call_log",
        sql: include_str!("../migrations/postgres/0010_call_log.sql"),
    },
    Migration {
        version: 11,
        name: "opposition_lists",
        sql: include_str!("../migrations/postgres/0011_opposition_lists.sql"),
    },
    Migration {
        version: 12,
        name: "contact_time_zone",
        sql: include_str!("../migrations/postgres/0012_contact_time_zone.sql"),
    },
    Migration {
        version: 13,
        name: "signin_holds",
        sql: include_str!("../migrations/postgres/0013_signin_holds.sql"),
    },
    Migration {
        version: 14,
        name: "call_log_shredding",
        sql: include_str!("../migrations/postgres/0014_call_log_shredding.sql"),
    },
    Migration {
        version: 15,
        name: "registers",
        sql: include_str!("../migrations/postgres/0015_registers.sql"),
    },
    Migration {
        version: 16,
        name: "breaches",
        sql: include_str!("../migrations/postgres/0016_breaches.sql"),
    },
    Migration {
        version: 17,
        name: "notices",
        sql: include_str!("../migrations/postgres/0017_notices.sql"),
    },
    Migration {
        version: 18,
        name: "retention",
        sql: include_str!("../migrations/postgres/0018_retention.sql"),
    },
    Migration {
        version: 19,
        name: "retention_erasure_mark",
        sql: include_str!("../migrations/postgres/0019_retention_erasure_mark.sql"),
    },
    Migration {
        version: 20,
        name: "requalification",
        sql: include_str!("../migrations/postgres/0020_requalification.sql"),
    },
    Migration {
        version: 21,
        name: "requalification_selection",
        sql: include_str!("../migrations/postgres/0021_requalification_selection.sql"),
    },
    Migration {
        version: 22,
        name: "import_runs",
        sql: include_str!("../migrations/postgres/0022_import_runs.sql"),
    },
    Migration {
        version: 23,
        name: "requalification_exports",
        sql: include_str!("../migrations/postgres/0023_requalification_exports.sql"),
    },
    Migration {
        version: 24,
        name: "contact_names",
        sql: include_str!("../migrations/postgres/0024_contact_names.sql"),
    },
    Migration {
        version: 25,
        name: "contacts_by_audience",
        sql: include_str!("../migrations/postgres/0025_contacts_by_audience.sql"),
    },
    Migration {
        version: 26,
        name: "overview",
        sql: include_str!("../migrations/postgres/0026_overview.sql"),
    },
    Migration {
        version: 27,
        name: "audit_verifications_key",
        sql: include_str!("../migrations/postgres/0027_audit_verifications_key.sql"),
    },
    // branch s5-archive (issue 16)
    Migration {
        version: 28,
        name: "accounting_archive",
        sql: include_str!("../migrations/postgres/0028_accounting_archive.sql"),
    },
    // branch s5-purges (issue 16)
    Migration {
        version: 29,
        name: "retention_purges",
        sql: include_str!("../migrations/postgres/0029_retention_purges.sql"),
    },
    // branch forms (issue 15)
    Migration {
        version: 30,
        name: "consent_forms",
        sql: include_str!("../migrations/postgres/0030_consent_forms.sql"),
    },
    Migration {
        version: 31,
        name: "form_confirmations",
        sql: include_str!("../migrations/postgres/0031_form_confirmations.sql"),
    },
    Migration {
        version: 33,
        name: "webhooks",
        sql: include_str!("../migrations/postgres/0033_webhooks.sql"),
    },
    Migration {
        version: 34,
        name: "inbound_events",
        sql: include_str!("../migrations/postgres/0034_inbound_events.sql"),
    },
    Migration {
        version: 35,
        name: "dsar_answers",
        sql: include_str!("../migrations/postgres/0035_dsar_answers.sql"),
    },
    // s5-pg-import (issue 17)
    Migration {
        version: 36,
        name: "identifier_hash_indexes",
        sql: include_str!("../migrations/postgres/0036_identifier_hash_indexes.sql"),
    },
    Migration {
        version: 38,
        name: "running_imports",
        sql: include_str!("../migrations/postgres/0038_running_imports.sql"),
    },
    Migration {
        version: 39,
        name: "request_ids_never_reused",
        sql: include_str!("../migrations/postgres/0039_request_ids_never_reused.sql"),
    },
    Migration {
        version: 40,
        name: "archived_contacts",
        sql: include_str!("../migrations/postgres/0040_archived_contacts.sql"),
    },
];
