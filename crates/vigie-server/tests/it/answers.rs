//! Answers that reach the person, end to end on both stores through the relay of `dsar.rs` (the
//! test SMTP server, STARTTLS and authentication): a
//! fulfilled access request e-mails the person (French, the organization and its DPO named, a
//! signed link to the status page and no file) and the archive downloads from the status page
//! until its time limit, audited as a disclosure; extensions and refusals are e-mailed with
//! their reason in the language the person filed in; a request without a verified e-mail
//! address sends nothing and the staff page says so; a relay that fails is tried again and the
//! answer goes once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use vigie_core::Role;
use vigie_server::{AppState, PrivacyConfig};
use vigie_store::DEFAULT_ORG;

use crate::common::*;
use crate::dsar::{Browser, EMAIL, Sink, csrf_of, file, give_code, request_of, status_link};

/// The server's public address, as the e-mails' links name it.
const PUBLIC: &str = "https://privacy.optique-horizon.example";

const DEMO_REGISTERS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../vigie/src/demo_registers.yaml"
));

/// A server that mails through `sink`, keeps archives for `archive_period` and tries pending
/// answers again every `retry`; with the demo registers (controller Optique Horizon SAS, DPO
/// Julien Marchand). Returns the server's state too, to run a retry pass by hand.
async fn app(
    kind: &'static str,
    sink: &Sink,
    archive_period: Duration,
    retry: Duration,
) -> (TestApp, AppState) {
    let mailer = sink.mailer("Optique Horizon <dpo@optique-horizon.example>");
    let kept: Arc<Mutex<Option<AppState>>> = Arc::default();
    let keep = kept.clone();
    let app = TestApp::with(kind, move |s: AppState| {
        let dsar = vigie_dsar::Dsar::new(s.store().clone()).with_archive_period(archive_period);
        let s = s
            .with_mailer(mailer)
            .with_dsar(dsar)
            .with_public_url(PUBLIC.parse().unwrap())
            .with_privacy(PrivacyConfig {
                answer_retry_every: retry,
                ..PrivacyConfig::default()
            });
        *keep.lock().unwrap() = Some(s.clone());
        s
    })
    .await;
    let registers =
        serde_json::to_value(vigie_core::registers::from_yaml(DEMO_REGISTERS).unwrap()).unwrap();
    let a = app.json(Method::PUT, "/api/v1/registers", &registers).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let state = kept.lock().unwrap().take().unwrap();
    (app, state)
}

/// A message as the person reads it: quoted-printable undone (soft line breaks joined, `=XX`
/// bytes decoded).
fn decoded(message: &str) -> String {
    let joined = message.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'=')
            .then(|| joined.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

fn last_message(sink: &Sink) -> String {
    decoded(sink.messages().last().expect("a message"))
}

/// The body of a message (after its headers).
fn body_of(message: &str) -> &str {
    message.split_once("\n\n").map_or("", |(_, b)| b)
}

/// The path of the status link a message carries.
fn link_in(message: &str) -> String {
    let at = message.find(PUBLIC).expect("a link to the status page") + PUBLIC.len();
    message[at..].split_whitespace().next().unwrap().to_owned()
}

async fn file_verified(app: &TestApp, kind: &str, identifier: vigie_store::Identifier) -> i64 {
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    vigie_dsar::Dsar::new(app.store.clone())
        .file(
            &org,
            kind.parse().unwrap(),
            identifier,
            true,
            None,
            &vigie_dsar::Actor::public(None),
        )
        .await
        .unwrap()
        .request
        .id
}

fn email(e: &str) -> vigie_store::Identifier {
    vigie_store::Identifier::Email(vigie_core::Email::parse(e).unwrap())
}

fn steps(detail: &Value) -> Vec<String> {
    detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["step"].as_str().unwrap().to_owned())
        .collect()
}

async fn access_answer_and_archive(kind: &'static str) {
    let sink = Sink::start().await;
    let period = Duration::from_secs(8);
    let (app, state) = app(kind, &sink, period, Duration::from_secs(60)).await;
    app.create(
        json!({"contact_ref": "C-1", "email": EMAIL, "first_name": "Inès",
        "last_name": "Baradel", "audience": "consumer", "collected_at": "2026-01-05T10:00:00Z"}),
    )
    .await;

    // The person files an access request in French and proves the address.
    let mut person = Browser::new(&app, "");
    let verify = file(&mut person, "access", EMAIL).await;
    let ok = give_code(&mut person, &verify, &sink.last_code()).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let portal_link = status_link(&ok.text);
    let id = request_of(&app, 0).await["id"].as_i64().unwrap();
    let page = person.get(&portal_link).await;
    assert!(
        !page.text.contains("archive"),
        "nothing to download yet: {}",
        page.text
    );

    // The DPO fulfils it: the person is told at once, in French.
    let fulfilled = std::time::Instant::now();
    let a = app
        .json(
            Method::POST,
            &format!("/api/v1/requests/{id}/fulfil"),
            &json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let out = a.json();
    assert_eq!(out["person_told"], true, "{out}");
    assert_eq!(
        out["request"]["answers"][0]["answer"], "fulfilment",
        "{out}"
    );
    assert_eq!(out["request"]["answers"][0]["state"], "sent", "{out}");
    assert_eq!(out["request"]["answers"][0]["lang"], "fr", "{out}");
    assert_eq!(sink.count(), 2, "the code, then the answer");
    let m = last_message(&sink);
    assert!(m.contains(&format!("To: {EMAIL}")), "{m}");
    let body = body_of(&m);
    for said in [
        "Bonjour,",
        "Votre demande a été traitée.",
        "Demande : Accès à mes données (RGPD art. 15)",
        "Vos données sont prêtes",
        "Téléchargement possible jusqu'au : ",
        "Responsable du traitement : Optique Horizon SAS",
        "Délégué à la protection des données : Julien Marchand — dpo@optique-horizon.example",
        "Suivi de votre demande : https://privacy.optique-horizon.example/privacy/default/status/",
    ] {
        assert!(body.contains(said), "{said:?} not in {body}");
    }
    assert!(
        !body.contains("Vigie"),
        "the software is never named: {body}"
    );
    assert!(
        !m.contains("Content-Disposition") && !body.contains("/archive"),
        "the message links to the page, not to the file: {m}"
    );

    // The link of the e-mail opens the status page, which offers the archive.
    let link = link_in(body);
    let page = person.get(&link).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Télécharger l'archive"), "{}", page.text);
    assert!(!page.text.contains(EMAIL), "the status page names no one");
    // The link given at verification offers it too.
    let page = person.get(&portal_link).await;
    assert!(page.text.contains("Télécharger l'archive"), "{}", page.text);
    let csrf = csrf_of(&page.text);

    // A forged link, or a forged form, gets nothing.
    let mut forged = link.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    assert_eq!(person.get(&forged).await.status, 404);
    let (status, _) = person
        .post_bytes(
            &format!("{link}/archive"),
            &[("csrf", "forged"), ("lang", "fr")],
        )
        .await;
    assert_eq!(status, 403);

    // The download: a zip whose contact.json names the person.
    let (status, zip) = person
        .post_bytes(
            &format!("{link}/archive"),
            &[("csrf", &csrf), ("lang", "fr")],
        )
        .await;
    assert_eq!(status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut contact = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("contact.json").unwrap(), &mut contact).unwrap();
    assert!(
        contact.contains("Baradel") && contact.contains(EMAIL),
        "{contact}"
    );

    // In the history and the audit trail, as a disclosure; no address in the trail.
    let shown = app.get(&format!("/api/v1/requests/{id}")).await.json();
    let steps = steps(&shown);
    assert!(
        steps.contains(&"fulfilment_sent".to_owned())
            && steps.contains(&"archive_downloaded".to_owned()),
        "{steps:?}"
    );
    let audit = app.get("/api/v1/audit/export").await;
    assert!(
        audit.text.contains("dsar.archive_disclosed") && audit.text.contains("dsar.answer_sent"),
        "{}",
        audit.text
    );
    assert!(!audit.text.contains(EMAIL), "{}", audit.text);
    // The staff page says the answer went.
    let (cookie, _) = signed_in(&app.store, "dpo@acme.example", Role::Dpo, &[DEFAULT_ORG]).await;
    let mut dpo = Browser::new(&app, &cookie);
    let staff = dpo.get(&format!("/requests/{id}")).await;
    assert!(
        staff.text.contains("envoyée par courriel le")
            && staff.text.contains("data-state=\"sent\""),
        "{}",
        staff.text
    );

    // Sent once: neither a retry pass nor a second fulfilment sends it again.
    vigie_server::answers::deliver_due(&state).await;
    app.json(
        Method::POST,
        &format!("/api/v1/requests/{id}/fulfil"),
        &json!({}),
    )
    .await
    .error(409, "transition");
    assert_eq!(sink.count(), 2);

    // After the time limit, the page says so and nothing downloads, for the staff either.
    tokio::time::sleep(period.saturating_sub(fulfilled.elapsed()) + Duration::from_millis(300))
        .await;
    let page = person.get(&link).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text
            .contains("Le délai de téléchargement de l'archive est passé")
            && !page.text.contains("Télécharger l'archive"),
        "{}",
        page.text
    );
    let (status, _) = person
        .post_bytes(
            &format!("{link}/archive"),
            &[("csrf", &csrf), ("lang", "fr")],
        )
        .await;
    assert_eq!(status, 410);
    app.get(&format!("/api/v1/requests/{id}/archive"))
        .await
        .error(404, "not_found");
    // The retry pass clears the expired archive's sealed bytes; the page still says it expired.
    vigie_server::answers::deliver_due(&state).await;
    let page = person.get(&link).await;
    assert!(
        page.text
            .contains("Le délai de téléchargement de l'archive est passé"),
        "{}",
        page.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fulfilled_access_request_is_emailed_and_its_archive_downloads_sqlite() {
    access_answer_and_archive("sqlite").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fulfilled_access_request_is_emailed_and_its_archive_downloads_postgres() {
    access_answer_and_archive("postgres").await
}

async fn extension_and_rejection(kind: &'static str) {
    let sink = Sink::start().await;
    let (app, _) = app(
        kind,
        &sink,
        vigie_dsar::ARCHIVE_DOWNLOAD_PERIOD,
        Duration::from_secs(60),
    )
    .await;

    // Filed in English in the privacy centre: extended, then refused, both in English.
    let mut person = Browser::new(&app, "");
    let page = person.get("/privacy/default?lang=en").await;
    let csrf = csrf_of(&page.text);
    let filed = person
        .post(
            "/privacy/default/requests",
            &[
                ("csrf", &csrf),
                ("lang", "en"),
                ("kind", "access"),
                ("email", EMAIL),
            ],
        )
        .await;
    assert_eq!(filed.status, 303, "{}", filed.text);
    let ok = give_code(&mut person, &filed.location, &sink.last_code()).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let id = request_of(&app, 0).await["id"].as_i64().unwrap();
    let a = app
        .json(
            Method::POST,
            &format!("/api/v1/requests/{id}/extend"),
            &json!({"months": 2, "reason": "twelve systems to search"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let out = a.json();
    assert_eq!(out["person_told"], true, "{out}");
    let due = out["request"]["due_date"].as_str().unwrap().to_owned();
    let m = last_message(&sink);
    let body = body_of(&m);
    for said in [
        "Hello,",
        "We need more time to answer your request",
        "Period extended: 2 month(s)",
        &format!("Answer by: {due}"),
        "Reason: twelve systems to search",
        "Controller: Optique Horizon SAS",
        "Data protection officer: Julien Marchand",
        "?lang=en",
    ] {
        assert!(body.contains(said), "{said:?} not in {body}");
    }
    let a = app
        .json(
            Method::POST,
            &format!("/api/v1/requests/{id}/reject"),
            &json!({"reason": "manifestly excessive: the same request every week"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["person_told"], true);
    let m = last_message(&sink);
    let body = body_of(&m);
    for said in [
        "We cannot act on your request",
        "Reason for the refusal: manifestly excessive: the same request every week",
        "lodge a complaint with the CNIL",
        "www.cnil.fr/fr/plaintes",
        "Julien Marchand",
    ] {
        assert!(body.contains(said), "{said:?} not in {body}");
    }
    assert_eq!(sink.count(), 3, "the code, the extension, the refusal");

    // Filed in the privacy centre but never verified: refused without telling an address
    // nobody proved.
    let verify = file(&mut person, "objection", "someone.else@example.org").await;
    assert!(verify.starts_with("/privacy/default/verify/"));
    assert_eq!(sink.count(), 4, "the code only");
    let unverified = request_of(&app, 1).await["id"].as_i64().unwrap();
    let a = app
        .json(
            Method::POST,
            &format!("/api/v1/requests/{unverified}/reject"),
            &json!({"reason": "never verified"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let out = a.json();
    assert_eq!(out["person_told"], false, "{out}");
    assert_eq!(
        out["request"]["answers"][0]["failure"], "identity_not_verified",
        "{out}"
    );
    assert_eq!(sink.count(), 4, "nothing sent");

    // Filed by the DPO with a checked address: refused in French.
    let other = "marc.olivier@example.org";
    let id = file_verified(&app, "erasure", email(other)).await;
    let a = app
        .json(
            Method::POST,
            &format!("/api/v1/requests/{id}/reject"),
            &json!({"reason": "identité non établie"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let m = last_message(&sink);
    assert!(m.contains(&format!("To: {other}")), "{m}");
    let body = body_of(&m);
    for said in [
        "Nous ne pouvons pas donner suite à votre demande",
        "Motif du refus : identité non établie",
        "réclamation à la CNIL",
        "Délégué à la protection des données : Julien Marchand",
    ] {
        assert!(body.contains(said), "{said:?} not in {body}");
    }

    // Filed by the DPO with a phone number only: nothing sent, and the staff are told.
    let phone = vigie_store::Identifier::Phone(
        vigie_core::PhoneE164::parse("06 12 34 56 78", vigie_core::Region::FR).unwrap(),
    );
    let id = file_verified(&app, "objection", phone).await;
    let a = app
        .json(
            Method::POST,
            &format!("/api/v1/requests/{id}/reject"),
            &json!({"reason": "no contact matches"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let out = a.json();
    assert_eq!(out["person_told"], false, "{out}");
    assert_eq!(out["request"]["answers"][0]["state"], "unsent", "{out}");
    assert_eq!(
        out["request"]["answers"][0]["failure"], "no_email_address",
        "{out}"
    );
    assert!(
        steps(&out["request"]).contains(&"rejection_not_sent".to_owned()),
        "{out}"
    );
    assert_eq!(sink.count(), 5);
    let (cookie, _) = signed_in(&app.store, "dpo@acme.example", Role::Dpo, &[DEFAULT_ORG]).await;
    let mut dpo = Browser::new(&app, &cookie);
    let staff = dpo.get(&format!("/requests/{id}")).await;
    assert!(
        staff
            .text
            .contains("non envoyée : prévenez la personne par un autre moyen")
            && staff
                .text
                .contains("la demande ne donne pas d'adresse électronique"),
        "{}",
        staff.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extensions_and_refusals_are_emailed_with_their_reason_sqlite() {
    extension_and_rejection("sqlite").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extensions_and_refusals_are_emailed_with_their_reason_postgres() {
    extension_and_rejection("postgres").await
}

async fn failure_then_retry(kind: &'static str) {
    let sink = Sink::start().await;
    let (app, _) = app(
        kind,
        &sink,
        vigie_dsar::ARCHIVE_DOWNLOAD_PERIOD,
        Duration::from_millis(300),
    )
    .await;
    // An access request matching no contact, by a checked address; the relay is down.
    let id = file_verified(&app, "access", email(EMAIL)).await;
    sink.refuse.store(2, std::sync::atomic::Ordering::SeqCst);
    let a = app
        .json(
            Method::POST,
            &format!("/api/v1/requests/{id}/fulfil"),
            &json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let out = a.json();
    assert_eq!(out["person_told"], false, "{out}");
    assert_eq!(
        out["request"]["status"], "completed",
        "the step stands: {out}"
    );
    assert_eq!(out["request"]["answers"][0]["state"], "pending", "{out}");
    assert_eq!(
        out["request"]["answers"][0]["failure"], "mail_relay_failed",
        "{out}"
    );
    assert!(
        steps(&out["request"]).contains(&"fulfilment_failed".to_owned()),
        "{out}"
    );
    assert_eq!(sink.count(), 0);
    // The server tries again with backoff until the relay takes it, then never again.
    let mut waited = Duration::ZERO;
    while sink.count() == 0 && waited < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        waited += Duration::from_millis(200);
    }
    assert_eq!(sink.count(), 1, "sent after the relay came back");
    let body = last_message(&sink);
    assert!(body.contains("Votre demande a été traitée."), "{body}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.count(), 1, "sent once");
    let shown = app.get(&format!("/api/v1/requests/{id}")).await.json();
    assert_eq!(shown["answers"][0]["state"], "sent", "{shown}");
    assert_eq!(shown["answers"][0]["attempts"], 3, "{shown}");
    assert!(
        steps(&shown).contains(&"fulfilment_sent".to_owned()),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_failure_is_retried_and_the_answer_sent_once_sqlite() {
    failure_then_retry("sqlite").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_failure_is_retried_and_the_answer_sent_once_postgres() {
    failure_then_retry("postgres").await
}
