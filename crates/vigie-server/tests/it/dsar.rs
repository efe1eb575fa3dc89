//! Data subject requests over the web, end to end on both stores: a person files in the public
//! privacy centre, the one-time code is caught by an SMTP sink this test starts, the code is
//! given back; the DPO fulfils access from the admin UI and downloads the archive, then an
//! erasure through the API leaves the person nowhere in clear, suppressed at re-import and at
//! screening, with the audit trail intact. Wrong and expired codes are refused.

use std::sync::Arc;
use std::time::Duration;

use vigie_core::Role;
use vigie_server::{AppState, Mailer, PrivacyConfig};
use vigie_store::DEFAULT_ORG;

use crate::common::*;

pub(crate) const EMAIL: &str = "ines.baradel@example.org";

// ------------------------------------------------------------------------- an SMTP sink

/// The relay the privacy centre's tests mail through: the test SMTP server of `smtp.rs` with
/// STARTTLS and authentication (as an e-mail service's relay), which keeps every message and can
/// refuse the next ones with a temporary failure (`refuse`: a relay that is down).
#[derive(Clone)]
pub(crate) struct Sink {
    server: Arc<crate::smtp::SmtpServer>,
    pub(crate) refuse: Arc<std::sync::atomic::AtomicUsize>,
}

const RELAY_LOGIN: (&str, &str) = ("vigie-relay", "relay-password-for-tests");

impl Sink {
    pub(crate) async fn start() -> Sink {
        let server =
            crate::smtp::SmtpServer::start(crate::smtp::Mode::StartTls, Some(RELAY_LOGIN)).await;
        Sink {
            refuse: server.refuse.clone(),
            server: Arc::new(server),
        }
    }

    /// A mailer sending as `from` through this relay, over TLS, authenticated.
    pub(crate) fn mailer(&self, from: &str) -> Mailer {
        Mailer::configure(&vigie_server::SmtpSettings {
            url: self.server.url(),
            from: from.into(),
            user: Some(RELAY_LOGIN.0.into()),
            password: Some(RELAY_LOGIN.1.into()),
            extra_ca_pem: Some(crate::smtp::test_ca()),
        })
        .unwrap()
    }

    /// Every message received, its DATA as sent (quoted-printable kept); each came over TLS,
    /// authenticated.
    pub(crate) fn messages(&self) -> Vec<String> {
        self.server
            .messages()
            .into_iter()
            .map(|m| {
                assert!(
                    m.tls && m.user.is_some(),
                    "a message in clear or unauthenticated"
                );
                m.data
            })
            .collect()
    }

    pub(crate) fn count(&self) -> usize {
        self.messages().len()
    }

    /// The code of the latest message (its English line is plain ASCII).
    pub(crate) fn last_code(&self) -> String {
        let m = self.messages();
        let text = m.last().expect("a message was sent");
        let at =
            text.find("verification code: ").expect("a code line") + "verification code: ".len();
        let code = &text[at..at + 6];
        assert!(code.bytes().all(|b| b.is_ascii_digit()), "{text}");
        code.to_owned()
    }
}

async fn app_with_mail(kind: &'static str, sink: &Sink, privacy: PrivacyConfig) -> TestApp {
    let mailer = sink.mailer("Vigie DPO <dpo@acme.example>");
    TestApp::with(kind, move |s: AppState| {
        s.with_mailer(mailer).with_privacy(privacy)
    })
    .await
}

// ------------------------------------------------------------------------ a browser

/// A browser without JavaScript: keeps the pre-login cookie, follows nothing by itself.
pub(crate) struct Browser {
    client: reqwest::Client,
    base: String,
    cookie: String,
}

pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) location: String,
    pub(crate) text: String,
}

/// The value of the hidden `csrf` field of a page.
pub(crate) fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..].split('"').next().unwrap().to_owned()
}

impl Browser {
    pub(crate) fn new(app: &TestApp, cookie: &str) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.base.clone(),
            cookie: cookie.to_owned(),
        }
    }

    async fn answer(&mut self, req: reqwest::RequestBuilder) -> Page {
        let mut req = req;
        if !self.cookie.is_empty() {
            req = req.header("cookie", &self.cookie);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            if let Some(kv) = v.split(';').next()
                && kv.starts_with("vigie_prelogin=")
            {
                self.cookie = kv.to_owned();
            }
        }
        let location = resp
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = resp.text().await.unwrap();
        assert!(status < 500 || status == 503, "{status}: {text}");
        Page {
            status,
            location,
            text,
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let req = self.client.get(format!("{}{path}", self.base));
        self.answer(req).await
    }

    pub(crate) async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(pairs));
        self.answer(req).await
    }

    /// Posts a form and reads the answer as bytes (a download).
    pub(crate) async fn post_bytes(
        &mut self,
        path: &str,
        pairs: &[(&str, &str)],
    ) -> (u16, Vec<u8>) {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(pairs))
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
    }

    async fn bytes(&mut self, path: &str) -> (u16, Vec<u8>) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
    }
}

/// Files a request in the privacy centre; returns the code form's path.
pub(crate) async fn file(person: &mut Browser, kind: &str, email: &str) -> String {
    let page = person.get("/privacy/default").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Vos données chez"), "{}", page.text);
    assert!(
        page.text.contains("(SMS) n'est pas proposée"),
        "{}",
        page.text
    );
    let csrf = csrf_of(&page.text);
    let filed = person
        .post(
            "/privacy/default/requests",
            &[
                ("csrf", &csrf),
                ("lang", "fr"),
                ("kind", kind),
                ("email", email),
            ],
        )
        .await;
    assert_eq!(filed.status, 303, "{}", filed.text);
    assert!(
        filed.location.starts_with("/privacy/default/verify/"),
        "{}",
        filed.location
    );
    filed.location
}

/// Gives `code` on the code form at `path`.
pub(crate) async fn give_code(person: &mut Browser, path: &str, code: &str) -> Page {
    let form = person.get(path).await;
    assert_eq!(form.status, 200, "{}", form.text);
    let csrf = csrf_of(&form.text);
    person
        .post(path, &[("csrf", &csrf), ("lang", "fr"), ("code", code)])
        .await
}

pub(crate) fn status_link(html: &str) -> String {
    let at = html
        .find("href=\"/privacy/default/status/")
        .expect("a status link")
        + 6;
    html[at..].split('"').next().unwrap().to_owned()
}

fn in_files(file: &std::path::Path, needle: &str) -> bool {
    ["", "-wal", "-journal"].iter().any(|s| {
        std::fs::read(format!("{}{s}", file.display()))
            .map(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
    })
}

pub(crate) async fn request_of(app: &TestApp, n: usize) -> Value {
    let a = app.get("/api/v1/requests").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let list = a.json()["requests"].as_array().unwrap().clone();
    assert!(list.len() > n, "{list:?}");
    let mut list = list;
    list.sort_by_key(|r| r["id"].as_i64());
    list[n].clone()
}

async fn end_to_end(kind: &'static str) {
    let sink = Sink::start().await;
    let app = app_with_mail(kind, &sink, PrivacyConfig::default()).await;
    app.create(
        json!({"contact_ref": "C-1", "email": EMAIL, "first_name": "Inès",
        "last_name": "Baradel", "audience": "consumer", "collected_at": "2026-01-05T10:00:00Z",
        "informed": true, "objection_offered": true}),
    )
    .await;
    let a = app
        .event(
            "C-1",
            json!({"channel": "email", "purpose": "marketing", "action": "grant",
            "at": "2026-01-05T10:00:00Z", "method": "double_opt_in", "notice_version": "v3"}),
        )
        .await;
    assert!(a.status.is_success(), "{}", a.text);

    // The person files an access request and proves the address with the code.
    let mut person = Browser::new(&app, "");
    let verify = file(&mut person, "access", "  Ines.Baradel@Example.org ").await;
    assert_eq!(sink.count(), 1);
    let code = sink.last_code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = give_code(&mut person, &verify, wrong).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert!(refused.text.contains("Code incorrect"), "{}", refused.text);
    let r = request_of(&app, 0).await;
    assert_eq!(r["status"], "awaiting_identity", "{r}");
    let ok = give_code(&mut person, &verify, &code).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let link = status_link(&ok.text);
    // The code is spent once used.
    let again = give_code_raw(&mut person, &verify, &code).await;
    assert_eq!(again, 410);
    let status = person.get(&link).await;
    assert_eq!(status.status, 200, "{}", status.text);
    assert!(
        status.text.contains("en cours de traitement"),
        "{}",
        status.text
    );
    assert!(!status.text.contains(EMAIL), "the status page names no one");
    let r = request_of(&app, 0).await;
    assert_eq!(r["status"], "in_progress", "{r}");
    assert_eq!(r["contact_ref"], "C-1", "{r}");
    let id = r["id"].as_i64().unwrap();

    // The DPO: the queue, the request, fulfil it from the page, download the archive.
    let (cookie, csrf) = signed_in(&app.store, "dpo@acme.example", Role::Dpo, &[DEFAULT_ORG]).await;
    let mut dpo = Browser::new(&app, &cookie);
    let queue = dpo.get("/requests").await;
    assert_eq!(queue.status, 200, "{}", queue.text);
    assert!(
        queue.text.contains(&format!("/requests/{id}")),
        "{}",
        queue.text
    );
    assert!(
        queue.text.contains("sous 7 jours") && queue.text.contains("en retard"),
        "{}",
        queue.text
    );
    let page = dpo.get(&format!("/requests/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains(EMAIL) && page.text.contains("verified"),
        "{}",
        page.text
    );
    let forged = dpo
        .post(&format!("/requests/{id}/fulfil"), &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status, 403, "{}", forged.text);
    let done = dpo
        .post(&format!("/requests/{id}/fulfil"), &[("csrf", &csrf)])
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    let page = dpo.get(&format!("/requests/{id}")).await;
    assert!(page.text.contains("archive"), "{}", page.text);
    let (status, zip_bytes) = dpo.bytes(&format!("/requests/{id}/archive")).await;
    assert_eq!(status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut ledger = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("consent_ledger.json").unwrap(),
        &mut ledger,
    )
    .unwrap();
    assert!(ledger.contains("double_opt_in"), "{ledger}");
    let shown = app.get(&format!("/api/v1/requests/{id}")).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    let shown = shown.json();
    assert_eq!(shown["status"], "completed", "{shown}");
    assert!(shown["archive"]["sha256"].is_string(), "{shown}");
    let steps: Vec<&str> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["step"].as_str().unwrap())
        .collect();
    assert!(
        steps.contains(&"verified") && steps.contains(&"fulfilled"),
        "{steps:?}"
    );
    // The public status now says it was answered.
    let status = person.get(&link).await;
    assert!(status.text.contains("traitée"), "{}", status.text);

    // Erasure: filed and verified by the person, fulfilled by the DPO over the API.
    let verify = file(&mut person, "erasure", EMAIL).await;
    let code = sink.last_code();
    let ok = give_code(&mut person, &verify, &code).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let r = request_of(&app, 1).await;
    assert_eq!(
        (r["kind"].as_str(), r["status"].as_str()),
        (Some("erasure"), Some("in_progress")),
        "{r}"
    );
    let eid = r["id"].as_i64().unwrap();
    let a = app
        .json(
            Method::POST,
            &format!("/api/v1/requests/{eid}/fulfil"),
            &json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let out = a.json();
    assert_eq!(
        out["request"]["outcome"]["erasure"]["disposition"], "erased",
        "{out}"
    );
    assert_eq!(out["request"]["identifier"], Value::Null, "{out}");
    assert!(!a.text.contains(EMAIL), "{}", a.text);

    // The access archive went with the erasure: the status page no longer offers it.
    let status = person.get(&link).await;
    assert_eq!(status.status, 200, "{}", status.text);
    assert!(
        !status.text.contains("Télécharger l'archive"),
        "{}",
        status.text
    );

    // Re-importing the person's row leaves them erased.
    let put = app
        .json(
            Method::PUT,
            "/api/v1/contacts/C-1",
            &json!({"contact_ref": "C-1", "email": EMAIL,
            "first_name": "Inès", "last_name": "Baradel", "audience": "consumer",
            "collected_at": "2026-01-05T10:00:00Z", "informed": true, "objection_offered": true}),
        )
        .await;
    assert!(put.status.as_u16() < 500, "{}", put.text);
    let c = app.get("/api/v1/contacts/C-1").await;
    assert!(
        !c.text.contains(EMAIL) && !c.text.contains("Baradel"),
        "{}",
        c.text
    );
    // Screening answers SUPPRESSED.
    let job = app
        .screen(
            crate::screenings::CAMPAIGN,
            format!("email\n{EMAIL}\n").as_bytes(),
        )
        .await;
    let done = app.wait(&job).await;
    assert_eq!(done["status"], "done", "{done}");
    let decisions = app.get(done["links"]["decisions"].as_str().unwrap()).await;
    assert_eq!(decisions.text, "row,decision,code\n1,deny,SUPPRESSED\n");
    // Nowhere in clear in the store's files.
    if let Some(file) = &app.sqlite_file {
        for needle in [EMAIL, "Baradel"] {
            assert!(
                !in_files(file, needle),
                "{needle} found in clear in the store"
            );
        }
    }
    // The audit trail: intact, and no address in it.
    assert!(app.store.verify_audit().await.unwrap().intact());
    let audit = app.get("/api/v1/audit/export").await;
    assert!(
        audit.text.contains("dsar.verified") && audit.text.contains("contact.erase"),
        "{}",
        audit.text
    );
    assert!(!audit.text.contains(EMAIL), "{}", audit.text);
}

async fn give_code_raw(person: &mut Browser, path: &str, code: &str) -> u16 {
    let csrf = person
        .cookie
        .trim_start_matches("vigie_prelogin=")
        .to_owned();
    person
        .post(path, &[("csrf", &csrf), ("lang", "fr"), ("code", code)])
        .await
        .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_centre_to_archive_and_erasure_sqlite() {
    end_to_end("sqlite").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_centre_to_archive_and_erasure_postgres() {
    end_to_end("postgres").await
}

async fn codes_expire_and_run_out(kind: &'static str) {
    let sink = Sink::start().await;
    let expired = app_with_mail(
        kind,
        &sink,
        PrivacyConfig {
            code_ttl: Duration::from_millis(300),
            ..PrivacyConfig::default()
        },
    )
    .await;
    let mut person = Browser::new(&expired, "");
    let verify = file(&mut person, "objection", EMAIL).await;
    let code = sink.last_code();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let gone = person.get(&verify).await;
    assert_eq!(gone.status, 410, "{}", gone.text);
    assert_eq!(give_code_raw(&mut person, &verify, &code).await, 410);
    let r = request_of(&expired, 0).await;
    assert_eq!(r["status"], "awaiting_identity", "{r}");

    // Five wrong codes spend a filing: the right one is refused after.
    let app = app_with_mail(kind, &sink, PrivacyConfig::default()).await;
    let mut person = Browser::new(&app, "");
    let verify = file(&mut person, "access", EMAIL).await;
    let code = sink.last_code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..5).rev() {
        let p = give_code(&mut person, &verify, wrong).await;
        assert_eq!(p.status, 400, "{}", p.text);
        assert!(
            p.text.contains(&format!("encore {left} essai")),
            "{}",
            p.text
        );
    }
    assert_eq!(give_code_raw(&mut person, &verify, wrong).await, 410);
    assert_eq!(give_code_raw(&mut person, &verify, &code).await, 410);
    let r = request_of(&app, 0).await;
    assert_eq!(r["status"], "awaiting_identity", "{r}");
    // Filing again joins the open request and sends a new code, which works.
    let verify = file(&mut person, "access", EMAIL).await;
    let code = sink.last_code();
    let ok = give_code(&mut person, &verify, &code).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let all = app.get("/api/v1/requests").await.json();
    assert_eq!(all["requests"].as_array().unwrap().len(), 1, "{all}");
    assert_eq!(all["requests"][0]["status"], "in_progress", "{all}");
    // Listing the queue is in the trail, naming the requests listed.
    let trail = app.get("/api/v1/audit?limit=1000").await.json();
    let listed = format!("requests:{}", all["requests"][0]["id"]);
    assert!(
        trail["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "dsar.list" && e["target"] == listed.as_str()),
        "{listed} not in {trail}"
    );
    // A made-up handle or status token is unknown.
    assert_eq!(
        person
            .get(&format!("/privacy/default/status/{}", "A".repeat(43)))
            .await
            .status,
        404
    );
    // A forged form is refused.
    let p = person
        .post(
            "/privacy/default/requests",
            &[("csrf", "forged"), ("kind", "access"), ("email", EMAIL)],
        )
        .await;
    assert_eq!(p.status, 403, "{}", p.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_and_expired_codes_are_refused_sqlite() {
    codes_expire_and_run_out("sqlite").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_and_expired_codes_are_refused_postgres() {
    codes_expire_and_run_out("postgres").await
}

both_stores! {
    async fn without_smtp_requests_cannot_be_filed_online(app) {
        let mut person = Browser::new(&app, "");
        let page = person.get("/privacy/default?lang=en").await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(page.text.contains("cannot be filed online"), "{}", page.text);
        assert!(!page.text.contains("name=\"email\""), "{}", page.text);
        let csrf = person.cookie.trim_start_matches("vigie_prelogin=").to_owned();
        let p = person
            .post("/privacy/default/requests", &[("csrf", &csrf), ("kind", "access"), ("email", EMAIL)])
            .await;
        assert_eq!(p.status, 503, "{}", p.text);
        assert_eq!(person.get("/privacy/nope").await.status, 404);
        // The API lists the queue, and the OpenAPI document describes it.
        let a = app.get("/api/v1/requests").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json()["requests"], json!([]));
        let doc = app.get("/api/openapi.json").await.json();
        for path in ["/api/v1/requests", "/api/v1/requests/{id}/fulfil", "/api/v1/requests/{id}/archive"] {
            assert!(doc["paths"][path].is_object(), "{path} missing from the document");
        }
    }

    async fn without_a_mailer_the_history_says_to_tell_the_person_otherwise(app) {
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let dsar = vigie_dsar::Dsar::new(app.store.clone());
        let filed = dsar
            .file(&org, vigie_core::dsar::RequestKind::Access,
                vigie_store::Identifier::Email(vigie_core::Email::parse(EMAIL).unwrap()),
                true, None, &vigie_dsar::Actor::public(None))
            .await
            .unwrap();
        let id = filed.request.id;
        let a = app.json(Method::POST, &format!("/api/v1/requests/{id}/extend"),
            &json!({"months": 2, "reason": "twelve systems to search"})).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let out = a.json();
        assert_eq!(out["person_told"], false, "{out}");
        assert_eq!(out["request"]["extension"]["months"], 2, "{out}");
        let steps: Vec<&str> = out["request"]["history"].as_array().unwrap().iter().map(|h| h["step"].as_str().unwrap()).collect();
        assert!(steps.contains(&"extension_not_sent"), "{steps:?}");
        // Only once (art. 12(3)).
        app.json(Method::POST, &format!("/api/v1/requests/{id}/extend"),
            &json!({"months": 1, "reason": "again"})).await.error(409, "transition");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extension_reason_reaches_the_person_by_mail() {
    let sink = Sink::start().await;
    let app = app_with_mail("sqlite", &sink, PrivacyConfig::default()).await;
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    let filed = vigie_dsar::Dsar::new(app.store.clone())
        .file(
            &org,
            vigie_core::dsar::RequestKind::Access,
            vigie_store::Identifier::Email(vigie_core::Email::parse(EMAIL).unwrap()),
            true,
            None,
            &vigie_dsar::Actor::public(None),
        )
        .await
        .unwrap();
    let id = filed.request.id;
    let a = app
        .json(
            Method::POST,
            &format!("/api/v1/requests/{id}/extend"),
            &json!({"months": 1, "reason": "twelve systems to search"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["person_told"], true);
    let m = sink.messages().last().unwrap().clone();
    assert!(
        m.contains("twelve systems to search") && m.contains(EMAIL),
        "{m}"
    );
}
