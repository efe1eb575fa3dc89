//! Consent forms on both stores: versions, a submission's grants with their proof, double
//! opt-in pending until the signed link is followed, a forged or expired link refused.

use vigie_core::forms::{FormSpec, Submission};
use vigie_core::{Action, Channel, ChannelScope, Lang, Method, Region, Timestamp};
use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

fn by(action: &str) -> AuditEvent {
    AuditEvent {
        actor: "user:admin@example.org".into(),
        action: action.into(),
        ..Default::default()
    }
}

fn spec(notice: &str) -> FormSpec {
    FormSpec::from_json(&format!(
        r#"{{"name": "Lettre d'information", "purposes": ["marketing"],
            "boxes": [{{"channel": "email", "wording_fr": "Je veux recevoir les offres par e-mail."}},
                      {{"channel": "sms", "wording_fr": "Je veux recevoir les offres par SMS."}}],
            "notice_version": "{notice}", "fields": ["email", "phone"]}}"#
    ))
    .unwrap()
}

fn posted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

both_stores! {
    a_form_submission_writes_its_proof_and_email_waits_for_confirmation => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        // The notice must be published.
        s.write_notice(org.id, "n1", "Texte", "Text", by("notice.write")).await.unwrap();
        let e = s.save_form(org.id, "news", &spec("n1"), by("form.save")).await.unwrap_err();
        assert!(e.to_string().contains("notice_version"), "{e}");
        s.publish_notice(org.id, "n1", by("notice.publish")).await.unwrap();
        let v1 = s.save_form(org.id, "news", &spec("n1"), by("form.save")).await.unwrap();
        assert_eq!(v1.version, 1);
        // Saving the same definition writes nothing; a change is a new version, the old stays.
        assert_eq!(s.save_form(org.id, "news", &spec("n1"), by("form.save")).await.unwrap().version, 1);
        let mut changed = spec("n1");
        changed.boxes[1].wording_fr = "J'accepte les SMS.".into();
        let v2 = s.save_form(org.id, "news", &changed, by("form.save")).await.unwrap();
        assert_eq!(v2.version, 2);
        assert_eq!(s.form(org.id, "news", Some(1)).await.unwrap().unwrap().spec, spec("n1"));
        assert_eq!(s.forms(org.id).await.unwrap().iter().map(|f| f.version).collect::<Vec<_>>(), [2]);

        let sub = Submission::parse(&v2.spec, &posted(&[
            ("email", "ines@example.org"), ("phone", "0612345678"),
            ("consent_email", "yes"), ("consent_sms", "yes"),
        ]), Region::FR).unwrap();
        let submitted_at = Timestamp::now();
        let done = s.submit_form(org.id, &v2, &sub, Lang::Fr, submitted_at,
            Some("203.0.113.7".into()), Some("Firefox/140".into())).await.unwrap();
        assert_eq!(done.granted, [Channel::Sms]);
        let id = done.confirmation.expect("e-mail awaits confirmation");
        let ledger = s.ledger(org.id, &done.contact_ref).await.unwrap();
        assert_eq!(ledger.len(), 1, "only the SMS grant before confirmation");
        let sms = &ledger[0].new;
        assert_eq!(sms.event.scope, ChannelScope::Sms);
        assert_eq!(sms.event.method, Method::UntickedCheckbox);
        assert_eq!(sms.notice_version.as_deref(), Some("n1"));
        assert_eq!(sms.source.as_deref(), Some(v2.source(Channel::Sms, Lang::Fr).as_str()));
        assert!(sms.source.as_deref().unwrap().starts_with("form:news@2 fr sha256:"));
        assert_eq!(sms.ip.as_deref(), Some("203.0.113.7"));
        assert_eq!(sms.user_agent.as_deref(), Some("Firefox/140"));
        let contact = s.contact(org.id, &done.contact_ref).await.unwrap().unwrap();
        assert_eq!(contact.data.email.unwrap().as_str(), "ines@example.org");

        // The link: forged, expired, then followed (twice).
        // Stored times are microseconds.
        let later = Timestamp::from_microsecond((submitted_at + jiff::SignedDuration::from_hours(1)).as_microsecond()).unwrap();
        let expires = submitted_at + jiff::SignedDuration::from_hours(48);
        let token = s.form_confirmation_token(org.id, "news", id, expires).await.unwrap();
        let forged = s.form_confirmation_token(org.id, "news", id + 1, expires).await.unwrap();
        let forged = format!("{}{}", &token[..token.rfind('.').unwrap()], &forged[forged.rfind('.').unwrap()..]);
        assert!(matches!(s.confirm_form(org.id, &forged, later, None, None).await, Err(StoreError::Invalid(m)) if m.contains("forged")));
        let too_late = expires + jiff::SignedDuration::from_secs(1);
        assert!(matches!(s.confirm_form(org.id, &token, too_late, None, None).await, Err(StoreError::Invalid(m)) if m.contains("expired")));
        assert_eq!(s.ledger(org.id, &done.contact_ref).await.unwrap().len(), 1);

        let c = s.confirm_form(org.id, &token, later, Some("198.51.100.2".into()), Some("Thunderbird".into())).await.unwrap();
        assert_eq!(c.confirmed_at, Some(later));
        assert_eq!(c.submitted_at.as_microsecond(), submitted_at.as_microsecond());
        assert_eq!(c.submitted_ip.as_deref(), Some("203.0.113.7"));
        assert_eq!(c.submitted_user_agent.as_deref(), Some("Firefox/140"));
        let again = s.confirm_form(org.id, &token, later + jiff::SignedDuration::from_secs(5), None, None).await.unwrap();
        assert_eq!(again.confirmed_at, Some(later), "confirming twice is harmless");
        let ledger = s.ledger(org.id, &done.contact_ref).await.unwrap();
        assert_eq!(ledger.len(), 2);
        let grant = &ledger[1].new;
        assert_eq!((grant.event.scope, grant.event.action, grant.event.method), (ChannelScope::Email, Action::Grant, Method::DoubleOptIn));
        assert_eq!(grant.event.at, later, "the grant counts from the confirmation");
        assert_eq!(grant.ip.as_deref(), Some("198.51.100.2"));
        assert!(grant.source.as_deref().unwrap().ends_with(&format!("confirms:{id}")), "{:?}", grant.source);

        // A second submission by the same address finds the same contact.
        let sub = Submission::parse(&v2.spec, &posted(&[("email", "INES@example.org"), ("consent_email", "yes")]), Region::FR).unwrap();
        let second = s.submit_form(org.id, &v2, &sub, Lang::En, later, None, None).await.unwrap();
        assert_eq!(second.contact_ref, done.contact_ref);
        let audit = s.audit_entries(org.id, 0, 100).await.unwrap();
        assert!(audit.iter().any(|a| a.action == "form.confirm"));
        assert!(audit.iter().filter(|a| a.action == "form.save").count() == 2);
    };
}
