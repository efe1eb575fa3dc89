//! Every page in headless Chromium (tests/browser/pages.mjs, playwright-core and axe-core from
//! npm, installed by scripts/test): signed in with a password and a TOTP code, in French and in
//! English, at 1280 and 390 px; no serious or critical accessibility violation, nothing wider
//! than the window; screenshots under target/screenshots/. The whole page list once, on SQLite
//! (the pages' markup does not depend on the store); the journeys, which write through the
//! store, on both stores (PostgreSQL's screenshots under target/screenshots/postgres/). One
//! browser per test.

use std::path::Path;

use vigie_core::Role;
use vigie_store::{DEFAULT_ORG, totp_code};

use crate::common::*;

const PASSWORD: &str = "une phrase de passe assez longue";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_in_both_languages_at_both_widths() {
    let Some(modules) = std::env::var_os("VIGIE_WEB_TEST_MODULES") else {
        // A local `cargo nextest run` may lack the modules; an unattended run must not pass
        // without having looked at a single page.
        assert!(
            !matches!(std::env::var("CI").as_deref(), Ok(v) if !v.is_empty() && v != "false" && v != "0"),
            "CI: VIGIE_WEB_TEST_MODULES is not set (scripts/test installs the browser test's npm modules)"
        );
        eprintln!(
            "skipped: VIGIE_WEB_TEST_MODULES is not set (scripts/test installs the browser test's npm modules)"
        );
        return;
    };
    let app = TestApp::sqlite().await;
    app.create(json!({"contact_ref": "C001", "email": "marie.martin@orange.fr", "phone": "0612345678",
        "first_name": "Marie", "last_name": "Martin", "audience": "consumer", "customer": true,
        "customer_categories": ["optics"], "collected_via": "in_store", "collected_at": "2025-11-02T10:00:00Z",
        "informed": true, "objection_offered": true}))
        .await;
    let e = app
        .event(
            "C001",
            json!({"channel": "email", "purpose": "marketing", "action": "grant",
            "at": "2026-01-10T08:00:00Z", "method": "double_opt_in", "notice_version": "v3",
            "source": "newsletter_form", "ip": "203.0.113.7"}),
        )
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    let filed = vigie_dsar::Dsar::new(app.store.clone())
        .file(
            &org,
            vigie_core::dsar::RequestKind::Erasure,
            vigie_store::Identifier::Email(
                vigie_core::Email::parse("marie.martin@orange.fr").unwrap(),
            ),
            true,
            None,
            &vigie_dsar::Actor::public(None),
        )
        .await
        .unwrap();
    let request = filed.request.id;
    // A customer archived for the accounting obligation by a run (its page says until when).
    app.create(
        json!({"contact_ref": "C-ARCH", "email": "jean.archive@example.org",
        "first_name": "Jean", "last_name": "Archive", "audience": "consumer", "customer": true,
        "collected_at": "2019-05-02T10:00:00Z", "relationship_ended_at": "2023-01-10T10:00:00Z"}),
    )
    .await;
    app.store
        .run_retention(
            org.id,
            "2026-12-05T10:00:00+01:00",
            vigie_store::RunLimits::default(),
            vigie_store::AuditEvent {
                actor: "test".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The demo's registers, for the registers' pages.
    let registers = vigie_core::registers::from_yaml(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vigie/src/demo_registers.yaml"
    )))
    .unwrap();
    app.store
        .save_registers(
            org.id,
            &registers,
            None,
            vigie_store::AuditEvent {
                actor: "test".into(),
                action: "registers.apply".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The notices page: v1 published (count and download), v2 a draft (« Publier »).
    for version in ["v1", "v2"] {
        app.store
            .write_notice(
                org.id,
                version,
                &vigie_core::registers::notice::notice_text(&registers, vigie_core::Lang::Fr),
                &vigie_core::registers::notice::notice_text(&registers, vigie_core::Lang::En),
                vigie_store::AuditEvent {
                    actor: "test".into(),
                    action: "notice.write".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    app.store
        .publish_notice(
            org.id,
            "v1",
            vigie_store::AuditEvent {
                actor: "test".into(),
                action: "notice.publish".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // A breach whose clock runs: its page, and the banner on every page.
    let breach: vigie_core::registers::breach::Breach = serde_json::from_value(json!({
        "aware_at": (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(5)).to_string(),
        "nature": ["confidentiality"], "description": "Export envoyé au mauvais destinataire",
        "categories_of_persons": ["Prospects"], "categories_of_data": ["E-mail"], "risk": "high",
        "consequences": "Sollicitations non désirées", "measures": "Suppression demandée"}))
    .unwrap();
    app.store
        .record_breach(
            org.id,
            &breach,
            vigie_store::AuditEvent {
                actor: "test".into(),
                action: "breach.record".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // An import on record: the dashboard lists it (checked by axe and at 390 px with the rest).
    let at = jiff::Timestamp::now();
    app.store
        .record_import_run(
            org.id,
            &vigie_store::NewImportRun {
                kind: "contacts".into(),
                file_name: Some("clients-2026.csv".into()),
                actor: "user:admin@example.org".into(),
                started_at: at,
                finished_at: at,
                outcome: "done".into(),
                rows: 1,
                inserted: 1,
                updated: 0,
                unchanged: 0,
                removed: 0,
                rejected: 0,
                message: None,
            },
        )
        .await
        .unwrap();

    // A requalification campaign asking one prospect: its table on /retention, and the public
    // page of the person's link.
    app.create(
        json!({"contact_ref": "P001", "email": "paul.prospect@example.org",
        "audience": "consumer", "collected_at": "2025-06-01T09:00:00Z", "informed": true,
        "objection_offered": true}),
    )
    .await;
    let campaign = app
        .store
        .create_requalification(
            org.id,
            &vigie_store::NewRequalification {
                name: "Relance 2026".into(),
                channel: vigie_core::Channel::Email,
                at: jiff::Timestamp::now().to_string(),
                selection: vigie_store::RequalificationSelection::PeriodEnding {
                    within_days: 3650,
                },
                window_days: 30,
            },
            vigie_store::AuditEvent {
                actor: "cli:test".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let requalify = app
        .store
        .requalification_links(
            org.id,
            campaign.id,
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24),
        )
        .await
        .unwrap()
        .remove(0)
        .token;

    // An access request fulfilled: its archive offered on the person's status page (reached
    // by the signed link of the e-mail answering it), its answer on the staff page.
    let dsar = vigie_dsar::Dsar::new(app.store.clone());
    let access = dsar
        .file(
            &org,
            vigie_core::dsar::RequestKind::Access,
            vigie_store::Identifier::Email(
                vigie_core::Email::parse("marie.martin@orange.fr").unwrap(),
            ),
            true,
            None,
            &vigie_dsar::Actor::public(None),
        )
        .await
        .unwrap()
        .request
        .id;
    dsar.fulfil(&org, access, &vigie_dsar::Actor::public(None))
        .await
        .unwrap();
    let status_token = app.store.link_signer(org.id).await.unwrap().sign(
        vigie_store::LinkKind::RequestStatus,
        &[&access.to_string()],
        jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24),
    );
    // The links in every message (prefs, issue 15): the unsubscribe page and the preference
    // centre of that prospect.
    let person_links = vigie_server::person_links::PersonLinks::new(
        &app.store,
        &org,
        &app.base.parse().unwrap(),
        jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24),
    )
    .await
    .unwrap();
    let prospect = app
        .store
        .contact(org.id, &vigie_core::ContactRef::parse("P001").unwrap())
        .await
        .unwrap()
        .unwrap();
    let person = vigie_store::LinkedPerson::Contact(prospect.id);
    let unsubscribe = person_links
        .unsubscribe(person, vigie_core::Purpose::Marketing, Some("Relance 2026"))
        .unwrap()
        .replace(&app.base, "");
    let preferences = person_links.preferences(person).replace(&app.base, "");
    // A consent form on the published notice v1, and a confirmation link of one submission.
    let form_spec = vigie_core::forms::FormSpec::from_json(
        r#"{"name": "Lettre d'information", "purposes": ["marketing"],
            "boxes": [{"channel": "email", "wording_fr": "J'accepte de recevoir les offres par e-mail."},
                      {"channel": "sms", "wording_fr": "J'accepte de recevoir les offres par SMS."}],
            "notice_version": "v1", "fields": ["email", "phone", "first_name"]}"#,
    )
    .unwrap();
    let by_admin = vigie_store::AuditEvent {
        actor: "cli:test".into(),
        ..Default::default()
    };
    let form = app
        .store
        .save_form(org.id, "news", &form_spec, by_admin)
        .await
        .unwrap();
    let submission = vigie_core::forms::Submission::parse(
        &form.spec,
        &[
            ("email".into(), "ines@example.org".into()),
            ("consent_email".into(), "yes".into()),
        ],
        vigie_core::Region::FR,
    )
    .unwrap();
    let submitted = app
        .store
        .submit_form(
            org.id,
            &form,
            &submission,
            vigie_core::Lang::Fr,
            jiff::Timestamp::now(),
            None,
            None,
        )
        .await
        .unwrap();
    let confirm_token = app
        .store
        .form_confirmation_token(
            org.id,
            "news",
            submitted.confirmation.unwrap(),
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24),
        )
        .await
        .unwrap();

    // An administrator: every page, the administration's included.
    let login_code = browser_user(&app, "admin@example.org", Role::Admin).await;

    let pages = json!([
        {"name": "login", "path": "/login", "public": true},
        {"name": "privacy", "path": "/privacy/default", "public": true},
        {"name": "requalify", "path": format!("/requalify/default/{requalify}"), "public": true},
        {"name": "privacy-status-archive", "path": format!("/privacy/default/status/{status_token}"), "public": true},
        {"name": "unsubscribe", "path": unsubscribe, "public": true},
        {"name": "preferences", "path": preferences, "public": true},
        {"name": "form", "path": "/forms/default/news", "public": true},
        {"name": "form-confirm", "path": format!("/forms/default/confirm/{confirm_token}"), "public": true},
        {"name": "dashboard", "path": "/"},
        {"name": "contacts", "path": "/contacts"},
        {"name": "contacts-bad-search", "path": "/contacts?q=n0t-a-number", "status": 400},
        {"name": "contacts-by-name-and-audience", "path": "/contacts?q=martin&by=name&audience=consumer"},
        {"name": "contacts-by-decision", "path": "/contacts?channel=email&decision=deny&audience=consumer"},
        {"name": "contact", "path": "/contacts/C001"},
        {"name": "contact-archived", "path": "/contacts/C-ARCH"},
        {"name": "contact-missing", "path": "/contacts/C404", "status": 404},
        {"name": "requests", "path": "/requests"},
        {"name": "request", "path": format!("/requests/{request}")},
        {"name": "request-new", "path": "/requests/new?contact=C001"},
        {"name": "request-answered", "path": format!("/requests/{access}")},
        {"name": "retention", "path": "/retention"},
        {"name": "retention-coverage", "path": "/retention/coverage"},
        {"name": "requalification", "path": format!("/retention/requalifications/{}", campaign.id)},
        {"name": "notices", "path": "/registers/notices"},
        {"name": "notice-published", "path": "/registers/notices/v1"},
        {"name": "notice-draft", "path": "/registers/notices/v2"},
        {"name": "audit", "path": "/audit"},
        {"name": "admin-members", "path": "/admin"},
        {"name": "admin-tokens", "path": "/admin/tokens"},
        {"name": "admin-settings", "path": "/admin/settings"},
        {"name": "admin-webhooks", "path": "/admin/webhooks"},
        {"name": "admin-audit", "path": "/admin/audit"},
        {"name": "admin-forms", "path": "/admin/forms"},
        {"name": "screenings", "path": "/screenings"},
        {"name": "agent-unknown", "path": "/agent?q=06%2099%2099%2099%2099"},
        {"name": "unknown-org", "path": "/?org=nope", "status": 404},
        {"name": "dpia-edit", "path": "/registers/dpias/dpia-phone/edit"},
    ]);
    run_pages(
        &app,
        modules,
        &pages,
        &[],
        "admin@example.org",
        login_code,
        &screenshots(),
    )
    .await;
    for shot in [
        "setup-link-fr-1280.png",
        "token-secret-fr-390.png",
        "dashboard-en-390.png",
    ] {
        assert!(
            screenshots().join(shot).exists(),
            "{shot} in {}",
            screenshots().display()
        );
    }
    assert!(
        screenshots().join("contact-fr-390.png").exists(),
        "screenshots in {}",
        screenshots().display()
    );
}

/// A member of the default organization with `role`, a password and a second factor; the code
/// for signing in is the next step's (the enrolment used this one, and a code works once).
async fn browser_user(app: &TestApp, email: &str, role: Role) -> String {
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    let (user, _) = app.store.add_member(org.id, email, role).await.unwrap();
    let link = app.store.create_setup_secret(user.id).await.unwrap();
    app.store.redeem_setup(&link, PASSWORD).await.unwrap();
    let enrolment = app.store.begin_totp(user.id).await.unwrap();
    let now = jiff::Timestamp::now();
    let first = totp_code(&enrolment.secret_base32, now).unwrap();
    assert!(
        app.store
            .confirm_totp(user.id, &first, now)
            .await
            .unwrap()
            .is_some()
    );
    totp_code(
        &enrolment.secret_base32,
        now + jiff::SignedDuration::from_secs(30),
    )
    .unwrap()
}

fn screenshots() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots")
}

/// Runs tests/browser/pages.mjs signed in as `email`: every page of `pages`, then the
/// journeys of `flows` (modules beside it); screenshots into `shots`.
async fn run_pages(
    app: &TestApp,
    modules: std::ffi::OsString,
    pages: &Value,
    flows: &[&str],
    email: &str,
    login_code: String,
    shots: &Path,
) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/pages.mjs");
    let mut command = std::process::Command::new("node");
    command
        .arg(script)
        .env("VIGIE_WEB_TEST_MODULES", modules)
        .env("VIGIE_BASE", &app.base)
        .env("VIGIE_SCREENSHOTS", shots)
        .env("VIGIE_PAGES", pages.to_string())
        .env("VIGIE_FLOWS", json!(flows).to_string())
        .env("VIGIE_EMAIL", email)
        .env("VIGIE_PASSWORD", PASSWORD)
        .env("VIGIE_TOTP_CODE", login_code);
    let out = tokio::task::spawn_blocking(move || command.output().expect("node runs"))
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser checks failed:\n{stderr}\n{stdout}"
    );
}

/// The journeys on SQLite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journeys_in_a_browser_on_sqlite() {
    if let Some(modules) = web_test_modules() {
        journeys(TestApp::sqlite().await, modules, screenshots()).await;
    }
}

/// The same journeys on PostgreSQL: every write they make (import, ledger, call log, request)
/// goes through the other store's SQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journeys_in_a_browser_on_postgres() {
    if let Some(modules) = web_test_modules() {
        journeys(
            TestApp::postgres().await,
            modules,
            screenshots().join("postgres"),
        )
        .await;
    }
}

/// The browser test's npm modules; `None` (skip) only outside CI.
fn web_test_modules() -> Option<std::ffi::OsString> {
    let modules = std::env::var_os("VIGIE_WEB_TEST_MODULES");
    if modules.is_none() {
        assert!(
            !matches!(std::env::var("CI").as_deref(), Ok(v) if !v.is_empty() && v != "false" && v != "0"),
            "CI: VIGIE_WEB_TEST_MODULES is not set"
        );
        eprintln!("skipped: VIGIE_WEB_TEST_MODULES is not set");
    }
    modules
}

/// The journeys, as an administrator, who may do them all: the work pages'
/// (tests/browser/work.flow.mjs: import a file and watch it finish; screen a campaign and
/// download the decisions with the identifiers; check a number, log a refusal, and read
/// « N'appelez pas ») and the people pages' (pages.mjs: search by phone and by name and read
/// the decision; file a postal objection, extend it, fulfil it, see the decision change),
/// after signing in with TOTP and switching language.
async fn journeys(app: TestApp, modules: std::ffi::OsString, shots: std::path::PathBuf) {
    app.create(
        json!({"contact_ref": "C001", "email": "marie.martin@orange.fr", "phone": "0612345678",
        "first_name": "Marie", "last_name": "Martin", "audience": "consumer",
        "collected_at": "2026-01-05T10:00:00Z", "informed": true, "objection_offered": true}),
    )
    .await;
    let e = app
        .event(
            "C001",
            json!({"channel": "email", "purpose": "marketing", "action": "grant",
            "at": "2026-01-10T08:00:00Z", "method": "double_opt_in", "source": "form"}),
        )
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    app.store
        .replace_opposition_list(
            org.id,
            "bloctel",
            Some("2026-03-01".parse().unwrap()),
            Vec::new(),
        )
        .await
        .unwrap();
    let login_code = browser_user(&app, "admin@example.org", Role::Admin).await;
    let pages = json!([
        {"name": "imports", "path": "/imports"},
        {"name": "screenings-form", "path": "/screenings"},
        {"name": "agent", "path": "/agent?q=06.12.34.56.78&at=2026-03-10T11:00:00%2B01:00"},
    ]);
    run_pages(
        &app,
        modules,
        &pages,
        &["work.flow.mjs"],
        "admin@example.org",
        login_code,
        &shots,
    )
    .await;
    for shot in [
        "import-done-fr-390.png",
        "screening-done-en-1280.png",
        "agent-refused-fr-390.png",
        "flow-search-name-fr-390.png",
    ] {
        assert!(shots.join(shot).exists(), "{shot} in {}", shots.display());
    }
}
