//! Bad input fails with a message that says what is wrong, and where.

use vigie_import::ImportKind;
use vigie_screen::{CampaignSpec, ScreenError, SnapshotCache, TargetsError};
use vigie_store::testing::sqlite_store;

use crate::fixture::{import, screen};
use crate::staleness::{CONTACTS, EMAIL_CAMPAIGN, write};

#[test]
fn a_bad_campaign_names_the_field() {
    for (bad, field, says) in [
        (
            EMAIL_CAMPAIGN.replace("\"email\"", "\"carrier_pigeon\""),
            "channel",
            "unknown channel",
        ),
        (
            EMAIL_CAMPAIGN.replace("2026-11-24T10:30:00+01:00", "2026-11-24 10:30"),
            "at",
            "RFC 3339",
        ),
        (
            EMAIL_CAMPAIGN.replace("2026-11-24T10:30:00+01:00", "2026-11-24T10:30:00"),
            "at",
            "offset",
        ),
        (
            EMAIL_CAMPAIGN.replace("\"sender\"", "\"budget\": 3, \"sender\""),
            "budget",
            "unknown field",
        ),
        (
            EMAIL_CAMPAIGN.replace("\"FR\"", "\"ES\""),
            "jurisdiction",
            "unknown jurisdiction",
        ),
        (
            EMAIL_CAMPAIGN.replace("\"email\"", "\"postal\""),
            "channel",
            "cannot be screened",
        ),
    ] {
        let e = CampaignSpec::parse(&bad).unwrap_err();
        assert_eq!(e.field, field, "{e}");
        let message = e.to_string();
        assert!(
            message.contains(field) && message.contains(says),
            "{message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_targets_file_without_the_needed_column_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let t = sqlite_store().await;
    let s = &t.store;
    import(
        s,
        ImportKind::Contacts,
        &write(dir.path(), "contacts.csv", CONTACTS),
    )
    .await;
    let cache = SnapshotCache::new(dir.path().join("cache"));
    let sms = CampaignSpec::parse(&EMAIL_CAMPAIGN.replace("\"email\"", "\"sms\"")).unwrap();

    let emails_only = write(dir.path(), "emails.csv", "email\nmarie.martin@gmail.com\n");
    match screen(s, &cache, &sms, &emails_only).await {
        Err(ScreenError::Targets(e @ TargetsError::MissingColumn { .. })) => {
            let message = e.to_string();
            assert!(
                message.contains("\"phone\"") && message.contains("sms"),
                "{message}"
            );
        }
        other => panic!("expected a missing column, got {other:?}"),
    }
    let empty = write(dir.path(), "empty.csv", "");
    assert!(matches!(
        screen(s, &cache, &sms, &empty).await,
        Err(ScreenError::Targets(TargetsError::Empty("phone")))
    ));
    // A header alone: no rows, just the output's header.
    let header_only = write(dir.path(), "header.csv", "email,phone");
    let screened = screen(s, &cache, &sms, &header_only).await.unwrap();
    assert_eq!(screened.output, b"row,decision,code\n");
    assert_eq!(screened.summary.rows, 0);
}

/// A quote left open used to read the following rows into one field, so that they were never
/// screened (issue 18, defect 3): the list is refused, naming the line the quote opened on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unclosed_quote_in_the_targets_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let t = sqlite_store().await;
    let s = &t.store;
    import(
        s,
        ImportKind::Contacts,
        &write(dir.path(), "contacts.csv", CONTACTS),
    )
    .await;
    let cache = SnapshotCache::new(dir.path().join("cache"));
    let email = CampaignSpec::parse(EMAIL_CAMPAIGN).unwrap();
    let targets = write(
        dir.path(),
        "targets.csv",
        "email,name\n\na@example.org,Marie\n\"b@example.org,Jean\nc@example.org,Paul\"\nd@example.org,Anne\n",
    );
    match screen(s, &cache, &email, &targets).await {
        Err(ScreenError::Targets(e @ TargetsError::UnclosedQuote { line: 4 })) => {
            assert!(e.to_string().contains("line 4"), "{e}");
        }
        other => panic!("expected an unclosed quote on line 4, got {other:?}"),
    }
}
