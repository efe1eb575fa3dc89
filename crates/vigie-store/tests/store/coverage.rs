//! The consent coverage report on both stores, the clock as an input: one contact per category,
//! the counts of every category exact for e-mail marketing, the list behind each count, erased
//! contacts left out.

use vigie_core::{Channel, Coverage};

use super::*;

const AT: &str = "2026-12-05T10:00:00+01:00";

fn person(r: &str, audience: Audience, collected_at: &str) -> ContactData {
    ContactData {
        contact_ref: ContactRef::parse(r).unwrap(),
        email: Some(Email::parse(&format!("{}@example.org", r.to_lowercase())).unwrap()),
        phone: None,
        first_name: None,
        last_name: None,
        audience,
        customer: false,
        customer_categories: vec![],
        collected_via: Some("web_form".into()),
        collected_at: Some(collected_at.parse().unwrap()),
        informed: false,
        objection_offered: false,
        contract_active: false,
        restricted: false,
        time_zone: None,
        relationship_ended_at: None,
    }
}

fn customer(r: &str, ended: Option<&str>) -> ContactData {
    ContactData {
        customer: true,
        customer_categories: vec!["optics".into()],
        objection_offered: true,
        relationship_ended_at: ended.map(|e| e.parse().unwrap()),
        ..person(r, Audience::Consumer, "2022-01-01T09:00:00Z")
    }
}

/// One contact per category for e-mail marketing; the period's edges are three years and a day
/// (past) and three years less a day (within).
async fn one_contact_per_category_counts_and_lists_exact(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let recent = "2026-01-10T09:00:00Z";
    let add = |c: ContactData| async move { s.create_contact(org, &c).await.unwrap() };
    add(person("CONSENT", Audience::Consumer, recent)).await;
    s.append_event(
        org,
        &ContactRef::parse("CONSENT").unwrap(),
        &event(ChannelScope::Email, Action::Grant, "2026-02-01T09:00:00Z"),
    )
    .await
    .unwrap();
    add(customer("SOFT", None)).await;
    add(ContactData {
        informed: true,
        objection_offered: true,
        ..person("PRO", Audience::Professional, recent)
    })
    .await;
    add(person("NOBASIS", Audience::Consumer, recent)).await;
    // Within the period by a day: no basis, not past.
    add(person("EDGE", Audience::Consumer, "2023-12-06T09:00:00Z")).await;
    add(person("WITHDRAWN", Audience::Consumer, recent)).await;
    s.append_event(
        org,
        &ContactRef::parse("WITHDRAWN").unwrap(),
        &event(
            ChannelScope::Email,
            Action::Withdraw,
            "2026-03-01T09:00:00Z",
        ),
    )
    .await
    .unwrap();
    add(person("SILENT", Audience::Consumer, "2023-12-04T09:00:00Z")).await;
    add(customer("FORMER", Some("2023-12-04T09:00:00Z"))).await;
    add(person("INFO", Audience::Generic, "2020-01-01T09:00:00Z")).await;
    add(person("GONE", Audience::Consumer, recent)).await;
    t.raw_sql("UPDATE contacts SET erased_at = 1 WHERE contact_ref = 'GONE'")
        .await
        .unwrap();

    let report = s.coverage(org, AT).await.unwrap();
    assert_eq!(report.contacts, 9, "the erased contact is left out");
    assert_eq!(report.cells.len(), 7 * 4);
    let cell = report.cell(Channel::Email, Purpose::Marketing).counts;
    let expected = [
        (Coverage::Consent, vec!["CONSENT"]),
        (Coverage::SoftOptIn, vec!["SOFT"]),
        (Coverage::B2bOptOut, vec!["PRO"]),
        (Coverage::OtherBasis, vec![]),
        (Coverage::NoBasis, vec!["NOBASIS", "EDGE"]),
        (Coverage::Blocked, vec!["WITHDRAWN"]),
        (Coverage::PastPeriod, vec!["SILENT", "FORMER"]),
        (Coverage::NotPersonal, vec!["INFO"]),
    ];
    for (category, refs) in expected {
        assert_eq!(cell.get(category), refs.len() as i64, "{category}");
        let list = s
            .coverage_list(
                org,
                AT,
                CoverageSelection {
                    category,
                    channel: Channel::Email,
                    purpose: Purpose::Marketing,
                },
            )
            .await
            .unwrap();
        assert_eq!(list, refs, "{category}");
    }
    // The grant was for e-mail: by SMS the same person has no basis.
    let sms = report.cell(Channel::Sms, Purpose::Marketing).counts;
    assert_eq!(sms.get(Coverage::Consent), 0);
    assert_eq!(sms.get(Coverage::NoBasis), 4, "withdrawn by e-mail only");
    // Two days later the edge contact is past its period too.
    let later = s.coverage(org, "2026-12-07T10:00:00+01:00").await.unwrap();
    let cell = later.cell(Channel::Email, Purpose::Marketing).counts;
    assert_eq!(cell.get(Coverage::PastPeriod), 3);
    assert_eq!(cell.get(Coverage::NoBasis), 1);
}

/// The lists take consent and soft opt-in away as the decision does: an e-mail on the
/// suppression list is `suppressed` for e-mail (not `consent`), the same person's phone is
/// untouched; a customer's number on Bloctel is `opposition_list` for consumer calls before the
/// 2026 switch, while its e-mail keeps soft opt-in. The lists behind the counts name them.
async fn the_suppression_list_and_bloctel_are_counted(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let at = "2026-03-02T10:00:00+01:00";
    let recent = "2026-01-10T09:00:00Z";
    let phone = |n: &str| PhoneE164::parse(n, Region::FR).unwrap();
    s.create_contact(
        org,
        &ContactData {
            phone: Some(phone("0612345678")),
            informed: true,
            objection_offered: true,
            ..person("CONSENT", Audience::Consumer, recent)
        },
    )
    .await
    .unwrap();
    s.append_event(
        org,
        &ContactRef::parse("CONSENT").unwrap(),
        &event(ChannelScope::Email, Action::Grant, "2026-02-01T09:00:00Z"),
    )
    .await
    .unwrap();
    s.create_contact(
        org,
        &ContactData {
            phone: Some(phone("0698765432")),
            informed: true,
            ..customer("SOFT", None)
        },
    )
    .await
    .unwrap();
    let selection = |category, channel| CoverageSelection {
        category,
        channel,
        purpose: Purpose::Marketing,
    };
    // Before the lists: consent and soft opt-in.
    let before = s.coverage(org, at).await.unwrap();
    let email = before.cell(Channel::Email, Purpose::Marketing).counts;
    assert_eq!(
        (email.get(Coverage::Consent), email.get(Coverage::SoftOptIn)),
        (1, 1)
    );
    assert_eq!(
        before
            .cell(Channel::Phone, Purpose::Marketing)
            .counts
            .get(Coverage::OppositionList),
        0
    );

    s.import_suppression(
        org,
        vec![vigie_core::suppression_hash("consent@example.org")],
    )
    .await
    .unwrap();
    let crypto = s.org_crypto(org).await.unwrap();
    s.import_opposition(org, vec![crypto.index.phone_index(&phone("0698765432"))])
        .await
        .unwrap();

    let report = s.coverage(org, at).await.unwrap();
    let email = report.cell(Channel::Email, Purpose::Marketing).counts;
    assert_eq!(
        email.get(Coverage::Consent),
        0,
        "a suppressed e-mail is no consent"
    );
    assert_eq!(email.get(Coverage::Suppressed), 1);
    assert_eq!(
        email.get(Coverage::SoftOptIn),
        1,
        "Bloctel does not bar e-mail"
    );
    let calls = report.cell(Channel::Phone, Purpose::Marketing).counts;
    assert_eq!(calls.get(Coverage::OppositionList), 1);
    assert_eq!(
        calls.get(Coverage::OtherBasis),
        1,
        "the suppressed e-mail leaves the phone's basis"
    );
    assert_eq!(
        s.coverage_list(org, at, selection(Coverage::Suppressed, Channel::Email))
            .await
            .unwrap(),
        vec!["CONSENT"]
    );
    assert_eq!(
        s.coverage_list(org, at, selection(Coverage::OppositionList, Channel::Phone))
            .await
            .unwrap(),
        vec!["SOFT"]
    );
    assert!(
        s.coverage_list(org, at, selection(Coverage::Consent, Channel::Email))
            .await
            .unwrap()
            .is_empty()
    );
}

both_stores! {
    coverage_one_contact_per_category_counts_and_lists_exact => one_contact_per_category_counts_and_lists_exact;
    coverage_the_suppression_list_and_bloctel_are_counted => the_suppression_list_and_bloctel_are_counted;
}
