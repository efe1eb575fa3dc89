//! The pages for people: a contact's page and its actions (record a consent, a withdrawal or an
//! objection; correct a field; restrict), each checked as the role allows, with errors beside
//! the field, the gate's CSRF check, and the audit trail.

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

fn marie() -> Value {
    json!({"contact_ref": "C001", "email": "marie.martin@orange.fr", "phone": "06 12 34 56 78",
        "first_name": "Marie", "last_name": "Martin", "audience": "consumer", "customer": false,
        "collected_via": "web_form", "collected_at": "2025-06-01T09:00:00Z", "informed": true,
        "objection_offered": true})
}

fn grant_email() -> Value {
    json!({"channel": "email", "purpose": "marketing", "action": "grant", "at": "2026-01-10T08:00:00Z",
        "method": "double_opt_in", "notice_version": "v3", "source": "newsletter_form",
        "ip": "203.0.113.7", "user_agent": "Mozilla/5.0"})
}

/// A signed-in person of the default organization: cookie and CSRF token.
async fn person(app: &TestApp, email: &str, role: Role) -> (String, String) {
    signed_in(&app.store, email, role, &[DEFAULT_ORG]).await
}

async fn page_as(app: &TestApp, cookie: &str, path: &str) -> Answer {
    app.send(app.anonymous(Method::GET, path).header("cookie", cookie))
        .await
}

/// Posts a page's form as a browser does (the redirect after a change is followed).
async fn post_as(app: &TestApp, cookie: &str, path: &str, pairs: &[(&str, &str)]) -> Answer {
    app.send(
        app.anonymous(Method::POST, path)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(pairs)),
    )
    .await
}

/// The opening tag of the decisions table's row for `channel`.
fn decision_row<'a>(page: &'a str, channel: &str) -> &'a str {
    let key = format!("data-channel=\"{channel}\"");
    let at = page
        .find(&key)
        .unwrap_or_else(|| panic!("no row for {channel}: {page}"));
    let start = page[..at].rfind("<tr").unwrap();
    &page[start..at + page[at..].find('>').unwrap()]
}

fn objection<'a>(csrf: &'a str, source: &'a str, at: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("action", "object"),
        ("channel", "any"),
        ("purpose", "marketing"),
        ("method", "paper_form"),
        ("source", source),
        ("wording", "courrier du 2 décembre"),
        ("at", at),
    ]
}

both_stores! {
    async fn an_objection_recorded_on_the_page_changes_the_decision(app) {
        app.create(marie()).await;
        app.event("C001", grant_email()).await;
        let (cookie, csrf) = person(&app, "marketer@example.org", Role::Marketer).await;
        let before = page_as(&app, &cookie, "/contacts/C001").await;
        assert_eq!(before.status, StatusCode::OK, "{}", before.text);
        assert!(decision_row(&before.text, "email").contains("allow"), "{}", before.text);
        // The timeline in words, the proof behind a disclosure, no raw code in the text.
        assert!(before.text.contains("consentement — prospection, canal e-mail ; recueilli par double confirmation (double opt-in)"), "{}", before.text);
        assert!(before.text.contains("<details class=\"proof\"><summary>Preuve</summary>"), "{}", before.text);
        assert!(before.text.contains("newsletter_form") && !before.text.contains(">double_opt_in<"));
        assert!(before.text.contains("action=\"/contacts/C001/ledger\""), "a marketer may record");

        let after = post_as(&app, &cookie, "/contacts/C001/ledger", &objection(&csrf, "courrier reçu", "2026-12-01T10:00")).await;
        assert_eq!(after.status, StatusCode::OK, "{}", after.text);
        assert!(after.text.contains("Événement ajouté au registre."), "{}", after.text);
        assert!(decision_row(&after.text, "email").contains("deny"), "{}", after.text);
        assert!(after.text.contains("opposition — prospection, canal tous canaux ; recueilli par formulaire papier"), "{}", after.text);
        let ledger = app.get("/api/v1/contacts/C001/events").await.json();
        let last = &ledger["events"][1];
        assert_eq!((last["action"].as_str(), last["source"].as_str(), last["notice_version"].as_str()),
            (Some("object"), Some("courrier reçu"), Some("courrier du 2 décembre")));
        assert_eq!(last["at"], "2026-12-01T09:00:00Z", "typed in Paris time");
        let audit = app.get("/api/v1/audit").await.text;
        assert!(audit.contains("\"ledger.append\"") && audit.contains("user:marketer@example.org"), "{audit}");
    }

    async fn a_refused_form_shows_each_error_beside_its_field_and_records_nothing(app) {
        app.create(marie()).await;
        let (cookie, csrf) = person(&app, "marketer@example.org", Role::Marketer).await;
        let mut pairs = objection(&csrf, "  ", "2099-01-01T10:00");
        pairs[2] = ("channel", "pigeon");
        let a = post_as(&app, &cookie, "/contacts/C001/ledger", &pairs).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
        for (id, text) in [("f-source-error", "Ce champ est obligatoire."), ("f-at-error", "Cette date est dans le futur."),
            ("f-channel-error", "Choisissez une valeur de la liste.")] {
            assert!(a.text.contains(&format!("id=\"{id}\">{text}</p>")), "{id}: {}", a.text);
        }
        assert!(a.text.contains("value=\"2099-01-01T10:00\""), "the values typed are kept: {}", a.text);
        assert!(a.text.contains("Le formulaire contient des erreurs"), "{}", a.text);
        let ledger = app.get("/api/v1/contacts/C001/events").await.json();
        assert_eq!(ledger["events"].as_array().unwrap().len(), 0);

        let bad = post_as(&app, &cookie, "/contacts/C001/correction?lang=en",
            &[("csrf", &csrf), ("field", "email"), ("value", "not-an-address")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
        assert!(bad.text.contains("id=\"f-value-error\">This e-mail address is not valid.</p>"), "{}", bad.text);
        assert_eq!(app.get("/api/v1/contacts/C001").await.json()["email"], "marie.martin@orange.fr");
    }

    async fn a_correction_is_kept_as_a_version_and_shown(app) {
        app.create(marie()).await;
        let (cookie, csrf) = person(&app, "marketer@example.org", Role::Marketer).await;
        let a = post_as(&app, &cookie, "/contacts/C001/correction",
            &[("csrf", &csrf), ("field", "phone"), ("value", "07 81 23 45 67")]).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(a.text.contains("+33781234567") && a.text.contains("Versions antérieures"), "{}", a.text);
        assert!(a.text.contains("<td>+33612345678</td>"), "the replaced number is in the history: {}", a.text);
        let r = vigie_core::ContactRef::parse("C001").unwrap();
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let versions = app.store.contact_versions(org.id, &r).await.unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].previous.as_ref().unwrap().phone.as_ref().unwrap().as_str(), "+33612345678");
        let audit = app.get("/api/v1/audit").await.text;
        assert!(audit.contains("correction: phone") && !audit.contains("+33781234567"), "names, never values: {audit}");
    }

    async fn each_role_sees_the_actions_it_may_take_and_no_other(app) {
        app.create(marie()).await;
        let (auditor, auditor_csrf) = person(&app, "auditor@example.org", Role::Auditor).await;
        let page = page_as(&app, &auditor, "/contacts/C001").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.text.contains("id=\"actions\"") && !page.text.contains("/ledger\""), "an auditor sees no action: {}", page.text);
        let refused = post_as(&app, &auditor, "/contacts/C001/ledger", &objection(&auditor_csrf, "x", "2026-12-01T10:00")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let (dpo, dpo_csrf) = person(&app, "dpo@example.org", Role::Dpo).await;
        let page = page_as(&app, &dpo, "/contacts/C001").await;
        assert!(page.text.contains("/contacts/C001/restriction") && page.text.contains("/requests/new?contact=C001"), "{}", page.text);
        assert!(!page.text.contains("/contacts/C001/ledger") && !page.text.contains("/contacts/C001/correction"),
            "the DPO's role does not write the ledger nor the record: {}", page.text);
        assert_eq!(post_as(&app, &dpo, "/contacts/C001/ledger", &objection(&dpo_csrf, "x", "2026-12-01T10:00")).await.status,
            StatusCode::FORBIDDEN);

        let (marketer, marketer_csrf) = person(&app, "marketer@example.org", Role::Marketer).await;
        let page = page_as(&app, &marketer, "/contacts/C001").await;
        assert!(page.text.contains("/contacts/C001/ledger") && page.text.contains("/contacts/C001/correction"));
        assert!(!page.text.contains("/contacts/C001/restriction"), "{}", page.text);
        let refused = post_as(&app, &marketer, "/contacts/C001/restriction",
            &[("csrf", &marketer_csrf), ("restricted", "1"), ("reason", "x")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let (agent, _) = person(&app, "agent@example.org", Role::Agent).await;
        assert_eq!(page_as(&app, &agent, "/contacts/C001").await.status, StatusCode::FORBIDDEN);
    }

    async fn changes_without_the_csrf_token_are_refused(app) {
        app.create(marie()).await;
        let (cookie, _) = person(&app, "admin@example.org", Role::Admin).await;
        for path in ["/contacts/C001/ledger", "/contacts/C001/correction", "/contacts/C001/restriction"] {
            let a = post_as(&app, &cookie, path, &[("field", "email"), ("value", "x@example.org"), ("reason", "x"), ("restricted", "1")]).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}");
        }
        let c = app.get("/api/v1/contacts/C001").await.json();
        assert_eq!((c["email"].as_str(), c["restricted"].as_bool()), (Some("marie.martin@orange.fr"), Some(false)));
    }

    async fn the_dpo_restricts_then_lifts_with_a_reason(app) {
        app.create(marie()).await;
        app.event("C001", grant_email()).await;
        let (cookie, csrf) = person(&app, "dpo@example.org", Role::Dpo).await;
        let missing = post_as(&app, &cookie, "/contacts/C001/restriction", &[("csrf", &csrf), ("restricted", "1"), ("reason", " ")]).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        assert!(missing.text.contains("id=\"f-reason-error\""), "{}", missing.text);
        let set = post_as(&app, &cookie, "/contacts/C001/restriction", &[("csrf", &csrf), ("restricted", "1"), ("reason", "contestation de l'exactitude")]).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);
        assert!(set.text.contains("Traitement limité.") && decision_row(&set.text, "email").contains("deny"), "{}", set.text);
        assert!(set.text.contains("Lever la limitation"), "{}", set.text);
        let lifted = post_as(&app, &cookie, "/contacts/C001/restriction", &[("csrf", &csrf), ("restricted", "0"), ("reason", "exactitude vérifiée")]).await;
        assert!(lifted.text.contains("Limitation levée.") && decision_row(&lifted.text, "email").contains("allow"), "{}", lifted.text);
        let audit = app.get("/api/v1/audit").await.text;
        assert!(audit.contains("contact.restrict") && audit.contains("contestation de l'exactitude") && audit.contains("contact.unrestrict"), "{audit}");
    }

    async fn an_erased_contact_says_so_and_takes_no_change(app) {
        app.create(marie()).await;
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let r = vigie_core::ContactRef::parse("C001").unwrap();
        let email = vigie_store::Identifier::Email(vigie_core::Email::parse("marie.martin@orange.fr").unwrap());
        app.store.erase_person(org.id, Some(&r), &[email], 7, &json!({})).await.unwrap();
        let (cookie, csrf) = person(&app, "admin@example.org", Role::Admin).await;
        let page = page_as(&app, &cookie, "/contacts/C001").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("Ce contact a été effacé le") && page.text.contains("demande n° 7"), "{}", page.text);
        assert!(!page.text.contains("id=\"actions\""), "{}", page.text);
        let a = post_as(&app, &cookie, "/contacts/C001/ledger", &objection(&csrf, "x", "2026-12-01T10:00")).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text);
    }
}

/// Today and a day `days` before it, on the DPO queue's calendar (Paris by default).
fn paris_day(days_before: i64) -> jiff::civil::Date {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date();
    today
        .checked_sub(jiff::Span::new().days(days_before))
        .unwrap()
}

/// The request id a filing redirected to.
fn request_id_of(a: &Answer) -> i64 {
    let at = a
        .text
        .find("<h1>Demande n° ")
        .unwrap_or_else(|| panic!("{}", a.text))
        + "<h1>Demande n° ".len();
    a.text[at..].split('<').next().unwrap().parse().unwrap()
}

both_stores! {
    async fn the_dpo_files_a_postal_request_from_its_day_of_receipt_then_extends_it(app) {
        app.create(marie()).await;
        let (cookie, csrf) = person(&app, "dpo@example.org", Role::Dpo).await;
        let form = page_as(&app, &cookie, "/requests/new?contact=C001").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.text);
        assert!(form.text.contains("value=\"marie.martin@orange.fr\""), "the contact's address fills the form: {}", form.text);
        let received = paris_day(10);
        let received_text = received.to_string();
        let filed = post_as(&app, &cookie, "/requests", &[("csrf", &csrf), ("kind", "access"),
            ("identifier", "marie.martin@orange.fr"), ("received_on", &received_text), ("received_by", "post"),
            ("identity_checked", "1"), ("identity_how", "copie de la carte d'identité jointe au courrier")]).await;
        assert_eq!(filed.status, StatusCode::OK, "{}", filed.text);
        let due = vigie_core::dsar::due_date(received, 1);
        assert!(filed.text.contains(&format!("Demande enregistrée : réponse due le {due}.")), "{}", filed.text);
        assert!(!filed.text.contains("access by email"), "the history speaks French: {}", filed.text);
        for words in ["par courrier", "identité vérifiée par le DPO", "copie de la carte d'identité jointe au courrier",
            "Accès aux données (E-mail), identité vérifiée"] {
            assert!(filed.text.contains(words), "{words}: {}", filed.text);
        }
        let id = request_id_of(&filed);
        let api = app.get(&format!("/api/v1/requests/{id}")).await.json();
        assert_eq!(api["status"], "in_progress", "identity checked: the clock runs: {api}");

        let extended_due = vigie_core::dsar::due_date(received, 3);
        assert!(filed.text.contains(&extended_due.to_string()), "the extension's new due date is shown before confirming");
        let extended = post_as(&app, &cookie, &format!("/requests/{id}/extend"), &[("csrf", &csrf), ("months", "2"),
            ("reason", "demande complexe : archives papier")]).await;
        assert_eq!(extended.status, StatusCode::OK, "{}", extended.text);
        assert!(extended.text.contains(&format!("Délai prolongé : nouvelle échéance le {extended_due}.")), "{}", extended.text);

        let queue = page_as(&app, &cookie, "/requests").await;
        for (label, n) in [("Demandes reçues", 1), ("Prolongées", 1), ("En retard", 0), ("Traitées dans le délai", 0)] {
            assert!(queue.text.contains(&format!("<dt>{label}</dt><dd>{n}</dd>")), "{label}: {}", queue.text);
        }
    }

    async fn a_filing_with_errors_says_so_beside_each_field_and_files_nothing(app) {
        let (cookie, csrf) = person(&app, "dpo@example.org", Role::Dpo).await;
        let tomorrow = paris_day(-1).to_string();
        let a = post_as(&app, &cookie, "/requests", &[("csrf", &csrf), ("kind", "rectification"),
            ("identifier", "pas une adresse"), ("received_on", &tomorrow), ("received_by", "post"),
            ("identity_checked", "1"), ("identity_how", "")]).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
        for id in ["f-identifier-error", "f-received_on-error", "f-identity_how-error", "f-new_email-error"] {
            assert!(a.text.contains(&format!("id=\"{id}\"")), "{id}: {}", a.text);
        }
        assert!(a.text.contains("Cette date est après aujourd'hui"), "{}", a.text);
        assert!(a.text.contains("value=\"pas une adresse\""), "the values typed are kept");
        assert_eq!(app.get("/api/v1/requests").await.json()["requests"].as_array().unwrap().len(), 0);
    }

    async fn only_who_manages_requests_files_them(app) {
        let (marketer, csrf) = person(&app, "marketer@example.org", Role::Marketer).await;
        assert_eq!(page_as(&app, &marketer, "/requests/new").await.status, StatusCode::FORBIDDEN);
        let a = post_as(&app, &marketer, "/requests", &[("csrf", &csrf), ("kind", "access"),
            ("identifier", "x@example.org"), ("received_on", "2026-01-01"), ("received_by", "post")]).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        let (auditor, _) = person(&app, "auditor@example.org", Role::Auditor).await;
        let queue = page_as(&app, &auditor, "/requests").await;
        assert_eq!(queue.status, StatusCode::OK);
        assert!(!queue.text.contains("/requests/new"), "an auditor files nothing: {}", queue.text);
        let (admin, _) = person(&app, "admin@example.org", Role::Admin).await;
        let refused = post_as(&app, &admin, "/requests", &[("kind", "access"), ("identifier", "x@example.org"),
            ("received_on", "2026-01-01"), ("received_by", "post")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "no CSRF token");
    }

    async fn an_outcome_reads_in_words_not_json(app) {
        app.create(marie()).await;
        app.event("C001", grant_email()).await;
        let (cookie, csrf) = person(&app, "dpo@example.org", Role::Dpo).await;
        let today = paris_day(0).to_string();
        let filed = post_as(&app, &cookie, "/requests", &[("csrf", &csrf), ("kind", "objection"),
            ("identifier", "06 12 34 56 78"), ("received_on", &today), ("received_by", "phone"),
            ("identity_checked", "1"), ("identity_how", "rappel au numéro du dossier")]).await;
        let id = request_id_of(&filed);
        let done = post_as(&app, &cookie, &format!("/requests/{id}/fulfil"), &[("csrf", &csrf)]).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert!(!done.text.contains("<pre>") && !done.text.contains("events_added"), "{}", done.text);
        assert!(done.text.contains("<dt>Événements ajoutés au registre</dt>") && done.text.contains("tous canaux"), "{}", done.text);
        assert!(done.text.contains("prospection, lettre d'information"), "purposes in words: {}", done.text);
        // And the contact's page says the person objected.
        let page = page_as(&app, &cookie, "/contacts/C001").await;
        assert!(page.text.contains("opposition — ") && page.text.contains(&format!("href=\"/requests/{id}\"")), "{}", page.text);
        // Read at once, within the second of the objection: the decision has changed already.
        assert!(decision_row(&page.text, "email").contains("deny"), "{}", page.text);
    }
}

both_stores! {
    async fn contacts_are_found_by_reference_and_the_list_gives_its_total(app) {
        app.create(marie()).await;
        let mut other = marie();
        other["contact_ref"] = json!("C002");
        other["email"] = json!("jean.dupont@example.org");
        other["phone"] = json!("0781234567");
        app.create(other).await;
        let list = app.get("/contacts").await;
        assert!(list.text.contains("<p class=\"total\">2 contacts au total</p>"), "{}", list.text);
        let found = app.get("/contacts?q=C002&by=ref").await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(found.text.contains("href=\"/contacts/C002\"") && !found.text.contains("href=\"/contacts/C001\""), "{}", found.text);
        assert!(found.text.contains("<option value=\"ref\" selected>"), "the choice is kept: {}", found.text);
        let none = app.get("/contacts?q=C404&by=ref").await;
        assert!(none.text.contains("Aucun contact ne correspond"), "{}", none.text);
        assert_eq!(app.get("/contacts?q=a%2Fb&by=ref").await.status, StatusCode::BAD_REQUEST, "not a reference");
        // Without `by=ref`, a reference is not mistaken for a phone number.
        assert_eq!(app.get("/contacts?q=C002").await.status, StatusCode::BAD_REQUEST);
        let audit = app.get("/api/v1/audit").await.text;
        assert!(audit.contains("contacts:C002"), "the search is audited with what it returned: {audit}");
    }
}

both_stores! {
    async fn contacts_are_found_by_name_typed_any_way(app) {
        app.create(marie()).await;
        let mut other = marie();
        other["contact_ref"] = json!("C002");
        other["email"] = json!("jean.dupont@example.org");
        other["phone"] = json!("0781234567");
        other["first_name"] = json!("Jean-Hervé");
        other["last_name"] = json!("Dupont");
        app.create(other).await;
        let only = |a: &Answer, r: &str, not: &str| {
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
            assert!(a.text.contains(&format!("href=\"/contacts/{r}\"")) && !a.text.contains(&format!("href=\"/contacts/{not}\"")), "{}", a.text);
        };
        // By name, whole or one word, whatever the case, accents and spaces.
        only(&app.get("/contacts?q=jean-herve%20%20DUPONT&by=name").await, "C002", "C001");
        only(&app.get("/contacts?q=Herv%C3%A9&by=name").await, "C002", "C001");
        only(&app.get("/contacts?q=martin&by=name").await, "C001", "C002");
        let kept = app.get("/contacts?q=martin&by=name").await;
        assert!(kept.text.contains("<option value=\"name\" selected>"), "the choice is kept: {}", kept.text);
        // Typed in the default box, a name is found too: it can be nothing else.
        only(&app.get("/contacts?q=Marie%20Martin").await, "C001", "C002");
        let none = app.get("/contacts?q=martine&by=name").await;
        assert!(none.text.contains("Aucun contact ne correspond"), "{}", none.text);
        assert_eq!(app.get("/contacts?q=%20&by=name").await.status, StatusCode::OK, "nothing typed: the list");
        assert_eq!(app.get("/contacts?q=-&by=name").await.status, StatusCode::OK);
        // A rename through the API: found by the new name, not the old.
        let a = app.json(Method::PATCH, "/api/v1/contacts/C001", &json!({"last_name": "Lefèvre"})).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        only(&app.get("/contacts?q=lefevre&by=name").await, "C001", "C002");
        let old = app.get("/contacts?q=martin&by=name").await;
        assert!(old.text.contains("Aucun contact ne correspond"), "{}", old.text);
        let audit = app.get("/api/v1/audit").await.text;
        assert!(audit.contains("contacts:C001"), "the search is audited with what it returned: {audit}");
    }
}

both_stores! {
    async fn the_list_filters_by_audience_with_its_total_and_pages_both_ways(app) {
        for i in 0..56 {
            let mut c = marie();
            c["contact_ref"] = json!(format!("L{i:02}"));
            c["email"] = json!(format!("l{i}@example.org"));
            c["phone"] = Value::Null;
            c["audience"] = json!(if i % 8 == 0 { "professional" } else { "consumer" });
            app.create(c).await;
        }
        let pro = app.get("/contacts?audience=professional").await;
        assert!(pro.text.contains("<p class=\"total\">7 contacts au total</p>"), "{}", pro.text);
        assert!(pro.text.contains("<option value=\"professional\" selected>"), "the choice is kept: {}", pro.text);
        assert!(pro.text.contains("href=\"/contacts/L08\"") && !pro.text.contains("href=\"/contacts/L01\""), "{}", pro.text);
        assert!(!pro.text.contains("rel=\"next\"") && !pro.text.contains("rel=\"prev\""), "one page: {}", pro.text);
        let all = app.get("/contacts").await;
        assert!(all.text.contains("<p class=\"total\">56 contacts au total</p>"), "{}", all.text);
        assert!(!all.text.contains("rel=\"prev\""), "the first page has no previous: {}", all.text);
        let next = link_after(&all.text, "rel=\"next\"");
        let second = app.get(&next).await;
        assert!(second.text.contains("href=\"/contacts/L55\"") && !second.text.contains("href=\"/contacts/L00\""), "{}", second.text);
        assert!(!second.text.contains("rel=\"next\""), "the last page has no next: {}", second.text);
        let back = app.get(&link_after(&second.text, "rel=\"prev\"")).await;
        assert!(back.text.contains("href=\"/contacts/L00\"") && back.text.contains("href=\"/contacts/L49\""), "{}", back.text);
        assert!(!back.text.contains("href=\"/contacts/L50\""), "{}", back.text);
        assert!(back.text.contains("rel=\"next\"") && !back.text.contains("rel=\"prev\""), "{}", back.text);
    }
}

/// The `href` of the pager's link marked `rel` in a page, unescaped.
fn link_after(html: &str, rel: &str) -> String {
    let end = html
        .find(rel)
        .unwrap_or_else(|| panic!("no {rel} link: {html}"));
    let start = html[..end].rfind("href=\"").expect("an href before rel") + 6;
    html[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}
