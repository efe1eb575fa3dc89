//! Requalification campaigns on both stores, the clock as an input: who a campaign asks, the
//! signed links (forged, altered or expired refused; reading one changes nothing), a yes
//! recorded as a grant with its proof, a no as a withdrawal, and the silent erased by the
//! retention run once the window has closed, not before.

use jiff::{SignedDuration, Timestamp};
use vigie_core::{Action, Channel, Method, Moment};

use super::*;

const AT: &str = "2026-12-05T10:00:00+01:00";

fn prospect(r: &str, customer: bool, collected_at: &str) -> ContactData {
    ContactData {
        contact_ref: ContactRef::parse(r).unwrap(),
        email: Some(Email::parse(&format!("{}@example.org", r.to_lowercase())).unwrap()),
        phone: None,
        first_name: Some("Marie".into()),
        last_name: None,
        audience: Audience::Consumer,
        customer,
        customer_categories: vec![],
        collected_via: Some("web_form".into()),
        collected_at: Some(collected_at.parse().unwrap()),
        informed: true,
        objection_offered: true,
        contract_active: false,
        restricted: false,
        time_zone: None,
        relationship_ended_at: None,
    }
}

fn actor() -> AuditEvent {
    AuditEvent {
        actor: "cli:test".into(),
        origin: Some("cli".into()),
        ..AuditEvent::default()
    }
}

fn days_after_at(days: i64) -> Timestamp {
    Moment::parse(AT).unwrap().instant() + SignedDuration::from_hours(24 * days)
}

async fn erased(s: &Store, org: i64, r: &str) -> bool {
    let c = s
        .contact(org, &ContactRef::parse(r).unwrap())
        .await
        .unwrap()
        .unwrap();
    c.data.email.is_none()
}

async fn run_at(s: &Store, org: i64, days: i64) {
    s.run_retention(
        org,
        &days_after_at(days).to_string(),
        RunLimits::default(),
        actor(),
    )
    .await
    .unwrap();
}

/// The whole life of a campaign: the prospects whose period ends within 90 days are asked
/// (not those already past, not the fresh ones, not customers); a yes is a grant with its
/// proof, a no a withdrawal, a grant through a form counts as a yes; after the 30-day window the run erases the no and the silent one
/// (whose period has not yet ended: only the campaign erases them), not before; the plan counts
/// them as the run erases them.
async fn a_campaign_keeps_the_yes_and_erases_the_others_after_the_window(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    // The prospects' period (3 years) ends on 2027-02-01 for these: within 90 days of AT.
    for r in ["YES1", "NO1", "SILENT1", "FORM1"] {
        s.create_contact(org, &prospect(r, false, "2024-02-01T09:00:00Z"))
            .await
            .unwrap();
    }
    s.create_contact(org, &prospect("FRESH", false, "2025-06-01T09:00:00Z"))
        .await
        .unwrap();
    s.create_contact(org, &prospect("BUYER", true, "2024-02-01T09:00:00Z"))
        .await
        .unwrap();
    let campaign = s
        .create_requalification(
            org,
            &NewRequalification {
                name: "Relance 2026".into(),
                channel: Channel::Email,
                at: AT.into(),
                selection: RequalificationSelection::PeriodEnding { within_days: 90 },
                window_days: DEFAULT_WINDOW_DAYS,
            },
            actor(),
        )
        .await
        .unwrap();
    // Asked, not yet sent: nobody has their link until it is exported.
    assert_eq!(
        campaign.progress,
        RequalificationProgress {
            asked: 4,
            sent: 0,
            confirmed: 0,
            refused: 0,
            silent: 0,
            not_sent: 4,
        }
    );
    assert_eq!(campaign.closes_at, days_after_at(30));
    let exported = s
        .export_requalification_links(
            org,
            campaign.id,
            Some(days_after_at(30)),
            days_after_at(0),
            actor(),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            exported.campaign.progress.sent,
            exported.campaign.progress.silent
        ),
        (4, 4)
    );
    let links = exported.links;
    let mut refs: Vec<_> = links.iter().map(|l| l.contact_ref.as_str()).collect();
    refs.sort_unstable();
    assert_eq!(refs, ["FORM1", "NO1", "SILENT1", "YES1"]);
    let link = |r: &str| {
        links
            .iter()
            .find(|l| l.contact_ref == r)
            .unwrap()
            .token
            .clone()
    };
    assert_eq!(
        links
            .iter()
            .find(|l| l.contact_ref == "YES1")
            .unwrap()
            .email
            .as_ref()
            .map(|e| e.as_str().to_owned()),
        Some("yes1@example.org".to_owned())
    );

    // Reading the link changes nothing.
    let now = days_after_at(1);
    let seen = s
        .requalification_target(org, &link("YES1"), now)
        .await
        .unwrap();
    assert_eq!(seen.campaign_name, "Relance 2026");
    assert_eq!(seen.answer, None);
    let yes_ref = ContactRef::parse("YES1").unwrap();
    assert!(s.ledger(org, &yes_ref).await.unwrap().is_empty());

    let yes = s
        .answer_requalification(
            org,
            &link("YES1"),
            true,
            now,
            Some("203.0.113.9".into()),
            Some("Firefox".into()),
        )
        .await
        .unwrap();
    assert_eq!(yes.answer.as_deref(), Some("yes"));
    let ledger = s.ledger(org, &yes_ref).await.unwrap();
    assert_eq!(ledger.len(), 1);
    let grant = &ledger[0].new;
    assert_eq!(grant.event.action, Action::Grant);
    assert_eq!(grant.event.method, Method::PrivacyCentre);
    assert_eq!(grant.event.at, now);
    assert_eq!(
        grant.source.as_deref(),
        Some(format!("requalification:{}", campaign.id).as_str())
    );
    assert_eq!(grant.ip.as_deref(), Some("203.0.113.9"));
    assert_eq!(grant.user_agent.as_deref(), Some("Firefox"));
    // The first answer counts.
    let again = s
        .answer_requalification(org, &link("YES1"), false, now, None, None)
        .await
        .unwrap();
    assert_eq!(again.answer.as_deref(), Some("yes"));
    assert_eq!(s.ledger(org, &yes_ref).await.unwrap().len(), 1);

    s.answer_requalification(org, &link("NO1"), false, now, None, None)
        .await
        .unwrap();
    let refusal = s
        .ledger(org, &ContactRef::parse("NO1").unwrap())
        .await
        .unwrap();
    assert_eq!(refusal.len(), 1);
    assert_eq!(refusal[0].new.event.action, Action::Withdraw);
    let progress = s
        .requalification(org, campaign.id)
        .await
        .unwrap()
        .unwrap()
        .progress;
    assert_eq!(
        progress,
        RequalificationProgress {
            asked: 4,
            sent: 4,
            confirmed: 1,
            refused: 1,
            silent: 2,
            not_sent: 0,
        }
    );
    // FORM1 does not use the link but subscribes again through a form during the window.
    s.append_event(
        org,
        &ContactRef::parse("FORM1").unwrap(),
        &NewConsentEvent {
            event: vigie_core::ConsentEvent {
                scope: vigie_core::ChannelScope::Email,
                purpose: vigie_core::Purpose::Marketing,
                action: Action::Grant,
                at: days_after_at(2),
                method: Method::DoubleOptIn,
            },
            notice_version: None,
            source: Some("newsletter form".into()),
            ip: None,
            user_agent: None,
        },
    )
    .await
    .unwrap();

    // Before the window closes, the run leaves them all.
    run_at(s, org, 29).await;
    for r in ["YES1", "NO1", "SILENT1", "FORM1", "FRESH", "BUYER"] {
        assert!(
            !erased(s, org, r).await,
            "{r} erased before the window closed"
        );
    }
    // The plan says what the run does: nothing of the campaign's before the window closes,
    // then the no and the silent one (their period has not ended: only the campaign counts).
    let plan_at = |days: i64| async move {
        let at = days_after_at(days).to_string();
        let policies = s.retention_policies(org).await.unwrap();
        let cut = policies.cutoffs(Moment::parse(&at).unwrap());
        s.retention_plan(org, &at, &policies, &cut, 100)
            .await
            .unwrap()
    };
    let before = plan_at(29).await;
    assert_eq!(before.erase.count, 0, "{before:?}");
    assert_eq!(before.erase.of_which_requalification_unconfirmed, Some(0));
    let after = plan_at(31).await;
    assert_eq!(after.erase.count, 2, "{after:?}");
    assert_eq!(after.erase.of_which_requalification_unconfirmed, Some(2));
    let mut planned = after.erase.references.clone();
    planned.sort_unstable();
    assert_eq!(planned, ["NO1", "SILENT1"]);
    assert_eq!(after.keep, 4);
    // After it, the no and the silent one are erased, with the reason in their tombstone.
    let run = s
        .run_retention(
            org,
            &days_after_at(31).to_string(),
            RunLimits::default(),
            actor(),
        )
        .await
        .unwrap();
    assert_eq!(run.erased, after.erase.count, "the plan and the run agree");
    assert_eq!(plan_at(31).await.erase.count, 0);
    assert!(!erased(s, org, "YES1").await);
    assert!(
        !erased(s, org, "FORM1").await,
        "a grant by other means keeps her"
    );
    assert!(erased(s, org, "NO1").await);
    assert!(erased(s, org, "SILENT1").await);
    assert!(!erased(s, org, "FRESH").await);
    assert!(!erased(s, org, "BUYER").await);
    let tombstones = s.tombstones(org, 0, 10).await.unwrap();
    assert_eq!(tombstones.len(), 2);
    assert!(
        tombstones
            .iter()
            .all(|t| t.actions["reason"] == "requalification_unconfirmed"),
        "{tombstones:?}"
    );
    assert!(!s.is_suppressed(org, "silent1@example.org").await.unwrap());
}

/// A link forged, altered in any part, or past its expiry is refused, and refusing it writes
/// nothing.
async fn a_forged_altered_or_expired_link_is_refused(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    s.create_contact(org, &prospect("ASKED", false, "2024-02-01T09:00:00Z"))
        .await
        .unwrap();
    let campaign = s
        .create_requalification(
            org,
            &NewRequalification {
                name: "Relance".into(),
                channel: Channel::Email,
                at: AT.into(),
                selection: RequalificationSelection::PeriodEnding { within_days: 90 },
                window_days: 30,
            },
            actor(),
        )
        .await
        .unwrap();
    let expires = days_after_at(10);
    let token = s
        .requalification_links(org, campaign.id, expires)
        .await
        .unwrap()
        .remove(0)
        .token;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 4, "{token}");
    let mut flipped_mac = parts[3].to_owned();
    let last = if flipped_mac.ends_with('0') { "1" } else { "0" };
    flipped_mac.replace_range(flipped_mac.len() - 1.., last);
    let later_expiry = (expires.as_second() + 86_400).to_string();
    let other_contact = (parts[1].parse::<i64>().unwrap() + 1).to_string();
    let forged = [
        format!("{}.{}.{}.{flipped_mac}", parts[0], parts[1], parts[2]),
        format!("{}.{}.{later_expiry}.{}", parts[0], parts[1], parts[3]),
        format!("{}.{other_contact}.{}.{}", parts[0], parts[2], parts[3]),
        format!("{}.{}.{}.{}", parts[0], parts[1], parts[2], "00".repeat(32)),
        "not-a-link".to_owned(),
        String::new(),
    ];
    let now = days_after_at(1);
    for f in &forged {
        let e = s
            .answer_requalification(org, f, true, now, None, None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("forged or altered"), "{f}: {e}");
    }
    let e = s
        .answer_requalification(org, &token, true, expires, None, None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    assert!(
        s.requalification_target(org, &token, expires)
            .await
            .is_err()
    );
    let asked = ContactRef::parse("ASKED").unwrap();
    assert!(s.ledger(org, &asked).await.unwrap().is_empty());
    assert_eq!(
        s.requalification(org, campaign.id)
            .await
            .unwrap()
            .unwrap()
            .progress
            .not_sent,
        1,
        "no answer recorded"
    );
    // The genuine link, in time, works.
    s.answer_requalification(org, &token, true, now, None, None)
        .await
        .unwrap();
    assert_eq!(s.ledger(org, &asked).await.unwrap().len(), 1);
}

/// A campaign selecting the contacts without proof of consent asks exactly the coverage's
/// `no_basis` on its channel for marketing (not the consenting, the customers under soft opt-in,
/// the withdrawn, those past their period); its silent members are planned and erased after the
/// window.
async fn a_campaign_asks_the_contacts_without_proof_of_consent(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    for r in ["CONSENT", "NOPROOF1", "NOPROOF2", "WITHDRAWN"] {
        s.create_contact(org, &prospect(r, false, "2025-06-01T09:00:00Z"))
            .await
            .unwrap();
    }
    let mut buyer = prospect("BUYER", true, "2025-06-01T09:00:00Z");
    buyer.customer_categories = vec!["optics".into()];
    s.create_contact(org, &buyer).await.unwrap();
    s.create_contact(org, &prospect("OLD", false, "2020-01-01T09:00:00Z"))
        .await
        .unwrap();
    for (r, action) in [("CONSENT", Action::Grant), ("WITHDRAWN", Action::Withdraw)] {
        s.append_event(
            org,
            &ContactRef::parse(r).unwrap(),
            &event(ChannelScope::Email, action, "2025-07-01T09:00:00Z"),
        )
        .await
        .unwrap();
    }
    // A grant by SMS is no proof of consent by e-mail.
    s.append_event(
        org,
        &ContactRef::parse("NOPROOF2").unwrap(),
        &event(ChannelScope::Sms, Action::Grant, "2025-07-01T09:00:00Z"),
    )
    .await
    .unwrap();
    let campaign = s
        .create_requalification(
            org,
            &NewRequalification {
                name: "Sans preuve".into(),
                channel: Channel::Email,
                at: AT.into(),
                selection: RequalificationSelection::WithoutConsentProof,
                window_days: DEFAULT_WINDOW_DAYS,
            },
            actor(),
        )
        .await
        .unwrap();
    assert_eq!(
        campaign.selection,
        RequalificationSelection::WithoutConsentProof
    );
    assert_eq!(campaign.progress.asked, 2, "{campaign:?}");
    let mut asked: Vec<_> = s
        .requalification_links(org, campaign.id, days_after_at(30))
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.contact_ref)
        .collect();
    asked.sort_unstable();
    assert_eq!(asked, ["NOPROOF1", "NOPROOF2"]);
    let again = s.requalification(org, campaign.id).await.unwrap().unwrap();
    assert_eq!(
        again.selection,
        RequalificationSelection::WithoutConsentProof
    );

    // After the window the silent ones are erased (OLD too, past its period).
    let at = days_after_at(31).to_string();
    let policies = s.retention_policies(org).await.unwrap();
    let plan = s
        .retention_plan(
            org,
            &at,
            &policies,
            &policies.cutoffs(Moment::parse(&at).unwrap()),
            100,
        )
        .await
        .unwrap();
    assert_eq!(
        plan.erase.of_which_requalification_unconfirmed,
        Some(2),
        "{plan:?}"
    );
    assert_eq!(plan.erase.count, 3, "{plan:?}");
    run_at(s, org, 31).await;
    for (r, gone) in [
        ("NOPROOF1", true),
        ("NOPROOF2", true),
        ("OLD", true),
        ("CONSENT", false),
        ("WITHDRAWN", false),
        ("BUYER", false),
    ] {
        assert_eq!(erased(s, org, r).await, gone, "{r}");
    }
}

/// Exporting a campaign's links records the export (when, by whom, how many, until when) and
/// marks sent the people in the file — those the channel reaches: the e-mail address for an
/// e-mail campaign, the number for an SMS one. Progress follows: sent, silent (sent, no answer),
/// not yet sent; a second export counts nobody twice; the audit trail names each export; a
/// closed window or another organization's campaign is refused, recording nothing.
async fn an_export_marks_sent_the_people_the_channel_reaches(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    for r in ["MAIL1", "MAIL2"] {
        s.create_contact(org, &prospect(r, false, "2024-02-01T09:00:00Z"))
            .await
            .unwrap();
    }
    let mut phone_only = prospect("PHONE1", false, "2024-02-01T09:00:00Z");
    phone_only.email = None;
    phone_only.phone =
        Some(vigie_core::PhoneE164::parse("+33612345678", vigie_core::Region::FR).unwrap());
    s.create_contact(org, &phone_only).await.unwrap();
    let new = |channel| NewRequalification {
        name: "Relance".into(),
        channel,
        at: AT.into(),
        selection: RequalificationSelection::PeriodEnding { within_days: 90 },
        window_days: 30,
    };
    let by_mail = s
        .create_requalification(org, &new(Channel::Email), actor())
        .await
        .unwrap();
    assert_eq!((by_mail.progress.asked, by_mail.progress.not_sent), (3, 3));

    let first = s
        .export_requalification_links(
            org,
            by_mail.id,
            Some(days_after_at(30)),
            days_after_at(1),
            actor(),
        )
        .await
        .unwrap();
    let refs: Vec<_> = first.links.iter().map(|l| l.contact_ref.as_str()).collect();
    assert_eq!(
        refs,
        ["MAIL1", "MAIL2"],
        "no e-mail address, no link in an e-mail file"
    );
    assert_eq!((first.export.links, first.export.unreachable), (2, 1));
    assert_eq!(
        first.campaign.progress,
        RequalificationProgress {
            asked: 3,
            sent: 2,
            confirmed: 0,
            refused: 0,
            silent: 2,
            not_sent: 1,
        }
    );
    // One answers yes: confirmed, no longer silent.
    let token = first.links[0].token.clone();
    s.answer_requalification(org, &token, true, days_after_at(2), None, None)
        .await
        .unwrap();
    let second = s
        .export_requalification_links(
            org,
            by_mail.id,
            Some(days_after_at(30)),
            days_after_at(3),
            actor(),
        )
        .await
        .unwrap();
    assert_eq!(
        second.campaign.progress,
        RequalificationProgress {
            asked: 3,
            sent: 2,
            confirmed: 1,
            refused: 0,
            silent: 1,
            not_sent: 1,
        }
    );
    let exports = s.requalification_exports(org, by_mail.id).await.unwrap();
    assert_eq!(exports.len(), 2);
    assert_eq!(exports[0].exported_at, days_after_at(3), "latest first");
    assert_eq!(exports[1].exported_at, days_after_at(1));
    assert_eq!(exports[1].actor, "cli:test");
    assert_eq!((exports[1].links, exports[1].unreachable), (2, 1));
    assert_eq!(exports[1].expires_at, days_after_at(30));

    // An SMS campaign reaches the number, and only it.
    let by_sms = s
        .create_requalification(org, &new(Channel::Sms), actor())
        .await
        .unwrap();
    let sms = s
        .export_requalification_links(
            org,
            by_sms.id,
            Some(days_after_at(30)),
            days_after_at(1),
            actor(),
        )
        .await
        .unwrap();
    assert_eq!(sms.links.len(), 1);
    assert_eq!(sms.links[0].contact_ref, "PHONE1");
    assert_eq!(
        sms.links[0].phone.as_ref().map(|p| p.as_str().to_owned()),
        Some("+33612345678".to_owned())
    );
    // MAIL1's yes was a sign of life: her period starts again, she is not asked again.
    assert_eq!(
        (
            sms.campaign.progress.asked,
            sms.campaign.progress.sent,
            sms.campaign.progress.not_sent
        ),
        (2, 1, 1)
    );

    // Once the window has closed: refused, nothing recorded.
    let late = s
        .export_requalification_links(
            org,
            by_mail.id,
            Some(days_after_at(60)),
            days_after_at(30),
            actor(),
        )
        .await
        .unwrap_err();
    assert!(matches!(late, StoreError::Conflict(_)), "{late}");
    assert_eq!(
        s.requalification_exports(org, by_mail.id)
            .await
            .unwrap()
            .len(),
        2
    );
    // Another organization's campaign does not exist for this one.
    let other = s.create_org("other", "Other").await.unwrap();
    let foreign = s
        .export_requalification_links(
            other.id,
            by_mail.id,
            Some(days_after_at(30)),
            days_after_at(1),
            actor(),
        )
        .await
        .unwrap_err();
    assert!(matches!(foreign, StoreError::NotFound(_)), "{foreign}");

    let entries = s.audit_entries(org, 0, 1000).await.unwrap();
    let exported: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "retention.requalification.export")
        .collect();
    assert_eq!(exported.len(), 3, "{entries:?}");
    assert_eq!(
        exported[0].target.as_deref(),
        Some(format!("requalification:{}", by_mail.id).as_str())
    );
    assert!(
        exported[0]
            .reason
            .as_deref()
            .unwrap()
            .starts_with("2 link(s) exported"),
        "{exported:?}"
    );
}

both_stores! {
    requalification_an_export_marks_sent_the_people_the_channel_reaches => an_export_marks_sent_the_people_the_channel_reaches;
    requalification_a_campaign_asks_the_contacts_without_proof_of_consent => a_campaign_asks_the_contacts_without_proof_of_consent;
    requalification_a_campaign_keeps_the_yes_and_erases_the_others_after_the_window => a_campaign_keeps_the_yes_and_erases_the_others_after_the_window;
    requalification_a_forged_altered_or_expired_link_is_refused => a_forged_altered_or_expired_link_is_refused;
}
