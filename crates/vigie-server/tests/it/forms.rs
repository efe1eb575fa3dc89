//! Consent forms end to end, on both stores, with the TLS SMTP server of `smtp.rs`: the hosted
//! page (no box ticked), a submission, the confirmation e-mail received over STARTTLS with
//! AUTH, the link followed (GET changes nothing, POST confirms), the decision on e-mail for
//! marketing CONSENT with the proof in the ledger; forged and expired links refused; the
//! honeypot, the rate limit and foreign origins refused; CORS preflight for declared origins.

use vigie_core::forms::FormSpec;
use vigie_server::{AppState, PrivacyConfig};
use vigie_store::{AuditEvent, DEFAULT_ORG};

use crate::common::*;
use crate::smtp::{Mode, SmtpServer, test_ca};

const LOGIN: (&str, &str) = ("acme-relay", "relay-password");
const EMAIL: &str = "ines.baradel@example.org";

fn admin() -> AuditEvent {
    AuditEvent {
        actor: "user:admin@example.org".into(),
        action: "form.save".into(),
        ..Default::default()
    }
}

/// The server's configured public address (the request reaches it at 127.0.0.1).
const PUBLIC: &str = "https://consent.optique-horizon.example";

async fn app_with_form(kind: &'static str, smtp: &SmtpServer, privacy: PrivacyConfig) -> TestApp {
    let mailer = smtp.mailer(Some(LOGIN), Some(test_ca()));
    let app = TestApp::with(kind, move |s: AppState| {
        s.with_mailer(mailer)
            .with_privacy(privacy)
            .with_public_url(PUBLIC.parse().unwrap())
    })
    .await;
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    app.store
        .write_notice(org.id, "n1", "Notice", "Notice", admin())
        .await
        .unwrap();
    app.store
        .publish_notice(org.id, "n1", admin())
        .await
        .unwrap();
    let spec = FormSpec::from_json(
        r#"{"name": "Lettre d'information", "purposes": ["marketing"],
            "boxes": [{"channel": "email", "wording_fr": "Je veux recevoir les offres par e-mail.",
                       "wording_en": "I want the offers by e-mail."},
                      {"channel": "sms", "wording_fr": "Je veux recevoir les offres par SMS."}],
            "notice_version": "n1", "fields": ["email", "phone", "first_name"],
            "allowed_origins": ["https://www.acme.example"]}"#,
    )
    .unwrap();
    app.store
        .save_form(org.id, "news", &spec, admin())
        .await
        .unwrap();
    app
}

/// A client without cookies or redirects, as a person's browser posting a plain form.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post_form(app: &TestApp, pairs: &[(&str, &str)], origin: Option<&str>) -> (u16, String) {
    let mut req = browser()
        .post(format!("{}/forms/default/news", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", "Firefox/140 test")
        .body(form_body(pairs));
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The code of the decision for e-mail marketing of the contact with this address.
async fn email_decision(app: &TestApp) -> String {
    let found = app
        .get(&format!("/api/v1/contacts?email={EMAIL}"))
        .await
        .json();
    let contact_ref = found["contacts"][0]["contact_ref"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = app
        .get(&format!(
            "/api/v1/contacts/{contact_ref}/decision?channel=email&purpose=marketing&at={}",
            // A decision's default moment is the current second: a grant made within it
            // would be after it.
            (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2))
                .strftime("%Y-%m-%dT%H:%M:%SZ")
        ))
        .await;
    assert_eq!(d.status, 200, "{}", d.text);
    d.json()["code"].as_str().unwrap().to_owned()
}

async fn submission_confirmed_by_the_emailed_link(kind: &'static str) {
    let smtp = SmtpServer::start(Mode::StartTls, Some(LOGIN)).await;
    let app = app_with_form(kind, &smtp, PrivacyConfig::default()).await;

    // The hosted page: the boxes, none ticked, the notice link, the honeypot hidden.
    let page = browser()
        .get(format!("{}/forms/default/news", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Je veux recevoir les offres par e-mail."),
        "{page}"
    );
    assert!(page.contains("name=\"consent_sms\""), "{page}");
    assert!(
        !page.contains("checked"),
        "no box is ever pre-ticked: {page}"
    );
    assert!(page.contains("/privacy/default/notice/n1"), "{page}");
    assert!(page.contains("aria-hidden=\"true\""), "{page}");
    let en = browser()
        .get(format!("{}/forms/default/news?lang=en", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("I want the offers by e-mail."), "{en}");

    let (status, text) = post_form(
        &app,
        &[
            ("version", "1"),
            ("lang", "fr"),
            ("email", EMAIL),
            ("first_name", "Inès"),
            ("consent_email", "yes"),
        ],
        None,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("confirmation"), "{text}");
    // Before the confirmation: no consent on e-mail.
    assert_ne!(email_decision(&app).await, "CONSENT");

    // The e-mail, over STARTTLS with AUTH.
    let mail = smtp.wait_for(1).await.remove(0);
    assert!(mail.tls && mail.user.as_deref() == Some("acme-relay"));
    assert_eq!(mail.to, [format!("<{EMAIL}>")]);
    let body = mail.text();
    // The link is built on the configured public address, never on the request's Host.
    assert!(
        body.contains(&format!("{PUBLIC}/forms/default/confirm/")),
        "{body}"
    );
    let at = body.find("/forms/default/confirm/").expect("a link");
    let path: String = body[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let url = format!("{}{path}", app.base);

    // A GET (a mail scanner, the person opening the link) changes nothing.
    let r = browser().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let shown = r.text().await.unwrap();
    assert!(shown.contains("Je confirme"), "{shown}");
    assert_ne!(email_decision(&app).await, "CONSENT");

    // The POST confirms; twice is harmless.
    for _ in 0..2 {
        let r = browser()
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("user-agent", "Thunderbird test")
            .body("lang=fr")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("confirmée"));
    }
    assert_eq!(email_decision(&app).await, "CONSENT");

    // The ledger shows the proof: one double opt-in grant, counted from the confirmation.
    let found = app
        .get(&format!("/api/v1/contacts?email={EMAIL}"))
        .await
        .json();
    let contact_ref = found["contacts"][0]["contact_ref"]
        .as_str()
        .unwrap()
        .to_owned();
    let ledger = app
        .get(&format!("/api/v1/contacts/{contact_ref}/events"))
        .await;
    assert_eq!(ledger.status, 200, "{}", ledger.text);
    let events = ledger.json();
    let events = events["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e["method"], "double_opt_in");
    assert_eq!(e["channel"], "email");
    assert_eq!(e["notice_version"], "n1");
    let source = e["source"].as_str().unwrap();
    assert!(
        source.starts_with("form:news@1 fr sha256:") && source.contains("confirms:"),
        "{source}"
    );
    assert_eq!(e["user_agent"], "Thunderbird test");

    // An expired link: genuine, past its end.
    let id = path
        .rsplit('/')
        .next()
        .unwrap()
        .split('.')
        .nth(1)
        .unwrap()
        .parse::<i64>()
        .unwrap();
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    let past = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1);
    let expired = app
        .store
        .form_confirmation_token(org.id, "news", id, past)
        .await
        .unwrap();
    let r = browser()
        .get(format!("{}/forms/default/confirm/{expired}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("expiré"));

    // A forged link (one character of the MAC changed) and an unknown one: refused clearly.
    let mut forged = url.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    for bad in [
        forged,
        format!("{}/forms/default/confirm/nothing.1.00", app.base),
    ] {
        let r = browser().post(&bad).body("lang=fr").send().await.unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.text().await.unwrap().contains("pas valide"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_is_confirmed_by_the_emailed_link_sqlite() {
    submission_confirmed_by_the_emailed_link("sqlite").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_is_confirmed_by_the_emailed_link_postgres() {
    submission_confirmed_by_the_emailed_link("postgres").await
}

async fn abuse_is_refused(kind: &'static str) {
    let smtp = SmtpServer::start(Mode::Implicit, Some(LOGIN)).await;
    let privacy = PrivacyConfig {
        filings_per_address_per_hour: 3.0,
        ..PrivacyConfig::default()
    };
    let app = app_with_form(kind, &smtp, privacy).await;
    let sms = [("phone", "0612345678"), ("consent_sms", "yes")];

    // The honeypot: refused, nothing written.
    let mut robot = sms.to_vec();
    robot.push(("website", "http://spam.example"));
    let (status, _) = post_form(&app, &robot, None).await;
    assert_eq!(status, 400);
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    assert_eq!(app.store.count_contacts(org.id).await.unwrap(), 0);

    // A post from a site the form does not declare.
    let (status, _) = post_form(&app, &sms, Some("https://evil.example")).await;
    assert_eq!(status, 403);
    assert_eq!(app.store.count_contacts(org.id).await.unwrap(), 0);

    // The CORS preflight: answered for the declared origin only.
    let pre = |origin: &'static str| {
        browser()
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/forms/default/news", app.base),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let ok = pre("https://www.acme.example").await.unwrap();
    assert_eq!(ok.status(), 204);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://www.acme.example"
    );
    let no = pre("https://evil.example").await.unwrap();
    assert_eq!(no.status(), 403);
    assert!(no.headers().get("access-control-allow-origin").is_none());

    // A direct SMS grant from the declared origin: recorded, the origin allowed to read it.
    let (status, text) = post_form(&app, &sms, Some("https://www.acme.example")).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(app.store.count_contacts(org.id).await.unwrap(), 1);

    // The limit per client: 3 an hour (the honeypot counts too; a refused origin is turned away before).
    let mut last = 0;
    for _ in 0..3 {
        last = post_form(&app, &sms, None).await.0;
    }
    assert_eq!(last, 429);
    assert!(smtp.messages().is_empty(), "no e-mail box was ticked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn honeypot_origins_and_rate_limit_refuse_abuse_sqlite() {
    abuse_is_refused("sqlite").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn honeypot_origins_and_rate_limit_refuse_abuse_postgres() {
    abuse_is_refused("postgres").await
}

async fn definitions_through_the_api_and_the_admin_page(kind: &'static str) {
    let smtp = SmtpServer::start(Mode::StartTls, Some(LOGIN)).await;
    let app = app_with_form(kind, &smtp, PrivacyConfig::default()).await;
    let definition = json!({"name": "Offres", "purposes": ["marketing", "partners"],
        "boxes": [{"channel": "sms", "wording_fr": "J'accepte les SMS."}],
        "notice_version": "n1", "fields": ["phone"]});

    // Created (201), the same again unchanged (200), changed: version 2.
    let a = app
        .json(Method::PUT, "/api/v1/forms/offers", &definition)
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let out = a.json();
    assert_eq!(out["version"], 1);
    let snippet = out["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("/forms/default/offers") && snippet.contains("name=\"consent_sms\""),
        "{snippet}"
    );
    assert!(
        !snippet.contains("checked") && !snippet.contains("<script"),
        "{snippet}"
    );
    assert_eq!(
        app.json(Method::PUT, "/api/v1/forms/offers", &definition)
            .await
            .status,
        200
    );
    let mut changed = definition.clone();
    changed["boxes"][0]["wording_fr"] = "J'accepte de recevoir des SMS.".into();
    let a = app
        .json(Method::PUT, "/api/v1/forms/offers", &changed)
        .await;
    assert_eq!(
        (a.status.as_u16(), a.json()["version"].as_i64()),
        (201, Some(2))
    );

    // A pre-ticked box cannot even be said; an unpublished notice is refused.
    let mut ticked = definition.clone();
    ticked["boxes"][0]["checked"] = true.into();
    app.json(Method::PUT, "/api/v1/forms/offers", &ticked)
        .await
        .field_error(400, "invalid_field", "boxes[0].checked");
    let mut draft = definition.clone();
    draft["notice_version"] = "n9".into();
    let a = app.json(Method::PUT, "/api/v1/forms/offers", &draft).await;
    assert!(
        a.status.is_client_error() && a.text.contains("notice_version"),
        "{}",
        a.text
    );

    let list = app.get("/api/v1/forms").await.json();
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["news", "offers"]);

    // The admin page: the forms, their snippets, a definition saved through it (audited).
    let (cookie, csrf) = signed_in(
        &app.store,
        "admin@example.org",
        vigie_core::Role::Admin,
        &[DEFAULT_ORG],
    )
    .await;
    let page = browser()
        .get(format!("{}/admin/forms", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Lettre d&#39;information") || page.contains("Lettre d'information"),
        "{page}"
    );
    assert!(page.contains("snippet-offers"), "{page}");
    let mut edited = changed.clone();
    edited["name"] = "Offres partenaires".into();
    let r = browser()
        .post(format!("{}/admin/forms", app.base))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("csrf", &csrf),
            ("slug", "offers"),
            ("definition", &edited.to_string()),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    let saved = app
        .store
        .form(org.id, "offers", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (saved.version, saved.spec.name.as_str()),
        (3, "Offres partenaires")
    );
    let audit = app.store.audit_entries(org.id, 0, 500).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "form.save" && e.actor == "user:admin@example.org")
    );
    // A bad definition: the page says which field.
    let r = browser()
        .post(format!("{}/admin/forms", app.base))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("csrf", &csrf),
            ("slug", "offers"),
            ("definition", &ticked.to_string()),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("boxes[0].checked"));

    // A marketer may not define forms.
    let (cookie, _) = signed_in(
        &app.store,
        "marketer@example.org",
        vigie_core::Role::Marketer,
        &[DEFAULT_ORG],
    )
    .await;
    let r = browser()
        .get(format!("{}/admin/forms", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definitions_through_the_api_and_the_admin_page_sqlite() {
    definitions_through_the_api_and_the_admin_page("sqlite").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definitions_through_the_api_and_the_admin_page_postgres() {
    definitions_through_the_api_and_the_admin_page("postgres").await
}
