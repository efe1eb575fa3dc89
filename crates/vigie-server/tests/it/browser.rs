//! Every page in headless Chromium (tests/browser/pages.mjs, playwright-core and axe-core from
//! npm, installed by scripts/test): signed in with a password and a TOTP code, in French and in
//! English, at 1280 and 390 px; no serious or critical accessibility violation, nothing wider
//! than the window; screenshots under target/screenshots/. One browser for the whole run, on
//! SQLite (the pages do not depend on the store).

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

    // A DPO with a password and a second factor; the code for signing in is the next step's
    // (the enrolment used this one, and a code works once).
    let (user, _) = app
        .store
        .add_member(org.id, "dpo@example.org", Role::Dpo)
        .await
        .unwrap();
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
    let login_code = totp_code(
        &enrolment.secret_base32,
        now + jiff::SignedDuration::from_secs(30),
    )
    .unwrap();

    let pages = json!([
        {"name": "login", "path": "/login", "public": true},
        {"name": "privacy", "path": "/privacy/default", "public": true},
        {"name": "dashboard", "path": "/"},
        {"name": "contacts", "path": "/contacts"},
        {"name": "contacts-bad-search", "path": "/contacts?q=n0t-a-number", "status": 400},
        {"name": "contact", "path": "/contacts/C001"},
        {"name": "contact-missing", "path": "/contacts/C404", "status": 404},
        {"name": "requests", "path": "/requests"},
        {"name": "request", "path": format!("/requests/{request}")},
        {"name": "audit", "path": "/audit"},
        {"name": "registers", "path": "/registers"},
        {"name": "registers-activity", "path": "/registers/activities/prospecting-phone"},
        {"name": "registers-processor", "path": "/registers/processors/callcentre"},
        {"name": "registers-dpia", "path": "/registers/dpias/dpia-phone"},
        {"name": "registers-profile-form", "path": "/registers/profile/edit"},
        {"name": "registers-activity-form", "path": "/registers/activities/prospecting-email/edit"},
        {"name": "registers-processor-form", "path": "/registers/processors/new"},
        {"name": "registers-breaches", "path": "/registers/breaches"},
        {"name": "registers-breach", "path": "/registers/breaches/1"},
        {"name": "unknown-org", "path": "/?org=nope", "status": 404},
    ]);
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/pages.mjs");
    let mut command = std::process::Command::new("node");
    command
        .arg(script)
        .env("VIGIE_WEB_TEST_MODULES", modules)
        .env("VIGIE_BASE", &app.base)
        .env("VIGIE_SCREENSHOTS", &screenshots)
        .env("VIGIE_PAGES", pages.to_string())
        .env("VIGIE_EMAIL", "dpo@example.org")
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
    assert!(
        screenshots.join("contact-fr-390.png").exists(),
        "screenshots in {}",
        screenshots.display()
    );
}
