//! The imports pages: a French Excel export (semicolons, Windows-1252, CRLF) imported in the
//! background and followed to its end; rejected rows shown with their line and field, and
//! downloaded formula-safe; an invalid file refused whole; past runs listed; the gate's CSRF
//! check on the upload; who may import what.

use std::time::Duration;

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;
use crate::screenings::BOUNDARY;

const HEADER: &str = "contact_ref;email;phone;audience;customer;customer_categories;collected_via;collected_at;informed;objection_offered;contract_active;restricted;first_name";

/// A contacts file as French Excel saves it: `;`, CRLF, Windows-1252 (é is 0xE9).
fn excel_file(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for r in rows {
        text.push_str("\r\n");
        text.push_str(r);
    }
    text.push_str("\r\n");
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 only in this test"))
        .collect()
}

const GOOD_1: &str = "C-I1;helene@example.org;06 12 34 56 78;consumer;false;;web_form;2026-01-05T10:00:00Z;true;true;false;false;Hélène";
const GOOD_2: &str = "C-I2;paul@example.org;;consumer;false;;web_form;2026-01-05T10:00:00Z;true;true;false;false;Paul";
const BAD_3: &str =
    "C-I3;=cmd@;;consumer;false;;web_form;2026-01-05T10:00:00Z;true;true;false;false;Zoé";

fn upload_body(kind: &str, skip_invalid: bool, file: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    let mut text = |name: &str, value: &str| {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    text("kind", kind);
    if skip_invalid {
        text("skip_invalid", "1");
    }
    b.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export clients.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    b.extend_from_slice(file);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn post(app: &TestApp, cookie: &str, query: &str, body: Vec<u8>) -> Answer {
    app.send(
        app.anonymous(Method::POST, &format!("/imports{query}"))
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

/// Uploads, then follows the job's page until it ends; the page and the job's path.
async fn import(
    app: &TestApp,
    (cookie, csrf): &(String, String),
    body: Vec<u8>,
) -> (Answer, String) {
    let mut page = post(app, cookie, &format!("?csrf={csrf}"), body).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let id = page
        .text
        .split("/imports/")
        .nth(1)
        .and_then(|s| s.get(..32))
        .expect("the job's id")
        .to_owned();
    let path = format!("/imports/{id}");
    for _ in 0..600 {
        if !page.text.contains("http-equiv=\"refresh\"") {
            return (page, path);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        page = get(app, cookie, &path).await;
    }
    panic!("the import did not finish: {}", page.text);
}

both_stores! {
    async fn a_french_excel_export_is_imported_in_the_background_and_listed(app) {
        let m = signed_in(&app.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        let form = get(&app, &m.0, "/imports").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.text);
        assert!(form.text.contains("point-virgule") && form.text.contains("UTF-16"), "what is accepted and refused: {}", form.text);
        assert!(!form.text.contains("value=\"calls\""), "a marketer does not log calls: {}", form.text);
        let (page, _) = import(&app, &m, upload_body("contacts", false, &excel_file(&[GOOD_1, GOOD_2]))).await;
        assert!(page.text.contains("Terminé."), "{}", page.text);
        assert!(page.text.contains("Windows-1252"), "{}", page.text);
        assert!(page.text.contains("<dt>Ajoutés</dt><dd>2</dd>"), "{}", page.text);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let c = app.store.contact(org.id, &vigie_core::ContactRef::parse("C-I1").unwrap()).await.unwrap().unwrap();
        assert_eq!(c.data.first_name.as_deref(), Some("Hélène"));
        // The screening snapshot followed the import: the next screening builds nothing.
        let cache = vigie_screen::SnapshotCache::new(app.jobs_dir.parent().unwrap().join("cache"));
        let crypto = app.store.org_crypto(org.id).await.unwrap();
        assert_eq!(cache.freshness(&app.store, &crypto).await.unwrap(), vigie_screen::Freshness::Fresh);
        let list = get(&app, &m.0, "/imports").await;
        assert!(list.text.contains("export clients.csv") && list.text.contains("Importé") && list.text.contains("user:m@example.org"), "{}", list.text);
        let runs = app.store.import_runs(org.id, 5).await.unwrap();
        assert_eq!((runs.len(), runs[0].run.inserted), (1, 2));
    }

    async fn rejected_rows_are_shown_with_line_and_field_and_downloaded_formula_safe(app) {
        let m = signed_in(&app.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        // All or nothing by default: refused, nothing imported, the line and field named.
        let (refused, _) = import(&app, &m, upload_body("contacts", false, &excel_file(&[GOOD_1, GOOD_2, BAD_3]))).await;
        assert!(refused.text.contains("rien n'a été importé"), "{}", refused.text);
        assert!(refused.text.contains("<th scope=\"row\">4</th><td><code>email</code></td>"), "{}", refused.text);
        // The reason in French, from its code and the value read, with no English detail.
        assert!(refused.text.contains("<td data-code=\"bad_email\">« =cmd@ » n'est pas une adresse e-mail valable.</td>"), "the reason in French: {}", refused.text);
        assert!(!refused.text.contains("not an e-mail address"), "{}", refused.text);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        assert_eq!(app.store.count_contacts(org.id).await.unwrap(), 0);
        // Asked to import the valid rows: two in, one set aside with its reason.
        let (done, path) = import(&app, &m, upload_body("contacts", true, &excel_file(&[GOOD_1, GOOD_2, BAD_3]))).await;
        assert!(done.text.contains("<dt>Rejetés</dt><dd>1</dd>"), "{}", done.text);
        assert!(done.text.contains("<th scope=\"row\">4</th><td><code>email</code></td><td data-code=\"bad_email\">« =cmd@ » n'est pas une adresse e-mail valable.</td>"), "{}", done.text);
        // In English, the same reason in English.
        let english = get(&app, &m.0, &format!("{path}?lang=en")).await;
        assert!(english.text.contains("“=cmd@” is not a valid e-mail address."), "{}", english.text);
        assert_eq!(app.store.count_contacts(org.id).await.unwrap(), 2);
        let rejects = get(&app, &m.0, &format!("{path}/rejects")).await;
        assert_eq!(rejects.status, StatusCode::OK, "{}", rejects.text);
        assert!(rejects.text.starts_with("line,column,code,reason,contact_ref"), "{}", rejects.text);
        // A stable code for programs, then the text.
        assert!(rejects.text.contains("4,email,bad_email,\"not an e-mail address"), "{}", rejects.text);
        assert!(rejects.text.contains("4,email,") && rejects.text.contains(",'=cmd@,"), "formula-safe: {}", rejects.text);
        let outcomes: Vec<String> = app.store.import_runs(org.id, 5).await.unwrap().into_iter().map(|r| r.run.outcome).collect();
        assert_eq!(outcomes, ["done", "refused"]);
    }

    async fn runs_in_progress_and_interrupted_by_a_stop_are_listed_as_such(app) {
        let m = signed_in(&app.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let start = |file: &str| vigie_store::StartedImport {
            kind: "contacts".into(),
            file_name: Some(file.into()),
            actor: "user:m@example.org".into(),
            started_at: jiff::Timestamp::now(),
            job: None,
        };
        app.store.begin_import_run(org.id, &start("en-cours.csv"), "live-holder").await.unwrap();
        app.store.begin_import_run(org.id, &start("coupe.csv"), "stopped-holder").await.unwrap();
        app.store.interrupt_import_runs_of("stopped-holder", jiff::Timestamp::now()).await.unwrap();
        let list = get(&app, &m.0, "/imports").await;
        assert!(list.text.contains("<td>En cours</td>"), "{}", list.text);
        assert!(list.text.contains("<td>Interrompu : rien n'a été importé</td>"), "{}", list.text);
        let english = get(&app, &m.0, "/imports?lang=en").await;
        assert!(english.text.contains("<td>Interrupted: nothing was imported</td>"), "{}", english.text);
    }

    async fn an_upload_without_the_token_is_refused_and_an_agent_cannot_open_the_page(app) {
        let m = signed_in(&app.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        for query in ["", "?csrf=forged"] {
            let a = post(&app, &m.0, query, upload_body("contacts", false, &excel_file(&[GOOD_1]))).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{query}: {}", a.text);
        }
        // A kind the role may not import is refused before the file is read.
        let calls = post(&app, &m.0, &format!("?csrf={}", m.1), upload_body("calls", false, b"at,outcome,phone\n")).await;
        assert_eq!(calls.status, StatusCode::FORBIDDEN, "{}", calls.text);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        assert!(app.store.import_runs(org.id, 5).await.unwrap().is_empty());
        assert_eq!(app.store.count_contacts(org.id).await.unwrap(), 0);
        let (agent, _) = signed_in(&app.store, "agent@example.org", Role::Agent, &[DEFAULT_ORG]).await;
        let a = get(&app, &agent, "/imports").await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
        assert!(!get(&app, &agent, "/agent").await.text.contains("href=\"/imports\""));
    }
}
