//! The screening pages: a campaign described in a form (no JSON), the list uploaded, progress,
//! the summary by code in words, the decisions downloaded with the list's identifiers joined
//! back (formula-safe), the proof record and past runs; the gate's CSRF check on the upload;
//! who may open what.

use std::time::Duration;

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;
use crate::screenings::{BOUNDARY, multipart};

async fn seed(app: &TestApp) {
    app.create(
        json!({"contact_ref": "C-S1", "email": "marie.martin@example.org",
        "first_name": "Marie", "last_name": "Martin", "audience": "consumer",
        "collected_at": "2026-01-05T10:00:00Z", "informed": true, "objection_offered": true}),
    )
    .await;
    let e = app
        .event(
            "C-S1",
            json!({"channel": "email", "purpose": "marketing", "action": "grant",
            "at": "2026-01-10T08:00:00Z", "method": "double_opt_in", "source": "form"}),
        )
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
}

/// The form's fields as a browser sends them, then the list.
fn form(date: &str, list: &[u8]) -> Vec<u8> {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("name", None, "Soldes de printemps".as_bytes()),
        ("channel", None, b"email"),
        ("purpose", None, b"marketing"),
        ("jurisdiction", None, b"FR"),
        ("date", None, date.as_bytes()),
        ("time", None, b"10:30"),
        ("product_category", None, b""),
        ("sender", None, "Optique Lumière".as_bytes()),
        ("commercial", None, b"1"),
    ];
    parts.push(("targets", Some("printemps.csv"), list));
    multipart(&parts)
}

async fn post(app: &TestApp, cookie: &str, query: &str, body: Vec<u8>) -> Answer {
    app.send(
        app.anonymous(Method::POST, &format!("/screenings{query}"))
            .header("cookie", cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body),
    )
    .await
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> Answer {
    app.send(app.anonymous(Method::GET, path).header("cookie", cookie))
        .await
}

const LIST: &[u8] = b"email,contact_ref,first_name\n\
marie.martin@example.org,C-S1,Marie\n\
\n\
inconnu@example.org,=HYPERLINK(\"http://x\"),Paul\n\
pas-une-adresse,R-3,Zoe\n";

/// Uploads [`LIST`] from the form and follows the job's page (it reloads itself while the job
/// runs) to its end; the job's id and its last page.
async fn screen_to_the_end(app: &TestApp, cookie: &str, csrf: &str) -> (String, Answer) {
    // The upload answers with the job's page (after a redirect).
    let started = post(
        app,
        cookie,
        &format!("?csrf={csrf}"),
        form("2026-03-10", LIST),
    )
    .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let id = started
        .text
        .split("/screenings/")
        .nth(1)
        .and_then(|s| s.get(..32))
        .map(str::to_owned);
    let mut page = started;
    for _ in 0..600 {
        if page.text.contains("Terminé.") || page.text.contains("Échec.") {
            break;
        }
        assert!(
            page.text.contains("http-equiv=\"refresh\""),
            "a running job's page reloads itself: {}",
            page.text
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        let id = id.as_deref().expect("the job's id in its page");
        page = get(app, cookie, &format!("/screenings/{id}")).await;
    }
    let id = id.unwrap();
    assert!(page.text.contains("Terminé."), "{}", page.text);
    (id, page)
}

both_stores! {
    async fn a_marketer_screens_from_the_form_and_downloads_the_decisions_with_identifiers(app) {
        seed(&app).await;
        let (cookie, csrf) = signed_in(&app.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        let list = get(&app, &cookie, "/screenings").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        assert!(list.text.contains("enctype=\"multipart/form-data\"") && list.text.contains("type=\"file\""), "{}", list.text);
        assert!(!list.text.contains("\"campaign\""), "no JSON to write: {}", list.text);

        let (id, page) = screen_to_the_end(&app, &cookie, &csrf).await;
        assert!(!page.text.contains("http-equiv=\"refresh\""), "{}", page.text);
        // The summary by code, in words; the proof.
        assert!(page.text.contains("UNKNOWN_CONTACT") && page.text.contains("INVALID_IDENTIFIER"), "{}", page.text);
        assert!(page.text.contains("Registre de preuve") && page.text.contains("FR-"), "{}", page.text);

        let d = get(&app, &cookie, &format!("/screenings/{id}/decisions")).await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.text);
        assert!(d.header("content-type").starts_with("text/csv"), "{:?}", d.headers);
        let lines: Vec<&str> = d.text.lines().collect();
        assert_eq!(lines[0], "row,email,contact_ref,decision,code,reason", "{}", d.text);
        assert!(lines[1].starts_with("1,marie.martin@example.org,C-S1,allow,CONSENT,"), "{}", d.text);
        assert!(lines[2].starts_with("2,inconnu@example.org,\"'=HYPERLINK(\"\"http://x\"\")\",deny,UNKNOWN_CONTACT,"), "{}", d.text);
        assert!(lines[3].starts_with("3,pas-une-adresse,R-3,deny,INVALID_IDENTIFIER,"), "{}", d.text);
        assert_eq!(lines.len(), 4, "{}", d.text);
        assert!(!d.text.contains("Marie,") && !d.text.contains("Paul"), "only identifiers are carried: {}", d.text);

        // Past runs: the proof record of this run, with the campaign as built from the form.
        let runs = get(&app, &cookie, "/screenings").await;
        assert!(runs.text.contains("Soldes de printemps") && runs.text.contains("m@example.org"), "{}", runs.text);
        assert!(runs.text.contains("2026-03-10T10:30:00+01:00"), "the moment on the organization's clock: {}", runs.text);
    }

    async fn a_bad_date_is_shown_beside_its_field_and_nothing_runs(app) {
        let (cookie, csrf) = signed_in(&app.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        let a = post(&app, &cookie, &format!("?csrf={csrf}"), form("2026-13-45", LIST)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
        assert!(a.text.contains("id=\"f-date-error\""), "{}", a.text);
        assert!(a.text.contains("value=\"Soldes de printemps\""), "the form keeps what was typed: {}", a.text);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        assert!(app.store.screening_runs(org.id, 10).await.unwrap().is_empty());
    }

    async fn an_upload_without_the_token_is_refused_and_an_agent_cannot_open_the_page(app) {
        let (cookie, _) = signed_in(&app.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        for query in ["", "?csrf=forged"] {
            let a = post(&app, &cookie, query, form("2026-03-10", LIST)).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{query}: {}", a.text);
            assert!(a.text.contains("Le formulaire a expiré"), "{}", a.text);
        }
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        assert!(app.store.screening_runs(org.id, 10).await.unwrap().is_empty());
        let (agent, _) = signed_in(&app.store, "agent@example.org", Role::Agent, &[DEFAULT_ORG]).await;
        assert_eq!(get(&app, &agent, "/screenings").await.status, StatusCode::FORBIDDEN);
        // An auditor reads the runs but gets no form.
        let (auditor, _) = signed_in(&app.store, "a@example.org", Role::Auditor, &[DEFAULT_ORG]).await;
        let a = get(&app, &auditor, "/screenings").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(!a.text.contains("type=\"file\""), "{}", a.text);
    }
}

/// On a server that knows its public address, an e-mail campaign's download carries, on each
/// allowed row only, the two RFC 8058 headers and the preference centre link; the unsubscribe
/// link works (the test follows it) and withdraws the consent the row was allowed by. Without
/// the address, the page says why the links are missing.
async fn the_download_carries_the_person_links(kind: &'static str) {
    let public: vigie_server::person_links::PublicUrl =
        "https://vigie.example.org".parse().unwrap();
    let app = TestApp::with(kind, move |s| s.with_public_url(public)).await;
    seed(&app).await;
    let (cookie, csrf) =
        signed_in(&app.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
    let (id, page) = screen_to_the_end(&app, &cookie, &csrf).await;
    assert!(!page.text.contains("public_url"), "{}", page.text);
    let d = get(&app, &cookie, &format!("/screenings/{id}/decisions")).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let mut rows = csv::Reader::from_reader(d.text.as_bytes());
    let head: Vec<String> = rows.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        head,
        [
            "row",
            "email",
            "contact_ref",
            "decision",
            "code",
            "reason",
            "list_unsubscribe",
            "list_unsubscribe_post",
            "preferences_url"
        ],
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let allowed = &rows[0];
    assert_eq!(&allowed[3], "allow");
    let header = &allowed[6];
    assert!(
        header.starts_with("<https://vigie.example.org/unsubscribe/default/")
            && header.ends_with('>'),
        "{header}"
    );
    assert_eq!(&allowed[7], "List-Unsubscribe=One-Click");
    assert!(
        allowed[8].starts_with("https://vigie.example.org/preferences/default/"),
        "{}",
        &allowed[8]
    );
    for denied in &rows[1..] {
        assert_eq!(
            (&denied[6], &denied[7], &denied[8]),
            ("", "", ""),
            "{denied:?}"
        );
    }
    // The link works: one click withdraws the consent of the campaign's purpose.
    let path = header
        .trim_start_matches("<https://vigie.example.org")
        .trim_end_matches('>');
    let done = app
        .send(
            app.anonymous(Method::POST, path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click"),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let decision = app
        .get("/api/v1/contacts/C-S1/decision?channel=email&purpose=marketing")
        .await
        .json();
    assert_eq!(decision["code"], "WITHDRAWN", "{decision}");
    let prefs = app
        .send(app.anonymous(
            Method::GET,
            allowed[8].trim_start_matches("https://vigie.example.org"),
        ))
        .await;
    assert_eq!(prefs.status, StatusCode::OK, "{}", prefs.text);

    // Without a public address: no link columns, and the page says why.
    let bare = TestApp::with(kind, |s| s).await;
    seed(&bare).await;
    let (cookie, csrf) =
        signed_in(&bare.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
    let (id, page) = screen_to_the_end(&bare, &cookie, &csrf).await;
    assert!(page.text.contains("public_url"), "{}", page.text);
    let d = get(&bare, &cookie, &format!("/screenings/{id}/decisions")).await;
    assert_eq!(
        d.text.lines().next(),
        Some("row,email,contact_ref,decision,code,reason")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_download_carries_the_person_links_sqlite() {
    the_download_carries_the_person_links("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_download_carries_the_person_links_postgres() {
    the_download_carries_the_person_links("postgres").await;
}
