//! The contacts list filtered by decision on a channel: the decisions are the census of the
//! dashboard's refresh (the engine's, through the screening snapshot), kept in memory per data
//! version; the page lists exactly the contacts decided as asked, pages forward and back, and
//! follows a change of the data once the decisions are computed again.

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

async fn page(app: &TestApp, cookie: &str, path: &str) -> Answer {
    app.send(app.anonymous(Method::GET, path).header("cookie", cookie))
        .await
}

/// The references listed in the page's contacts table, in order.
fn listed(text: &str) -> Vec<String> {
    let Some((_, table)) = text.split_once("<table") else {
        return Vec::new();
    };
    let table = table.split_once("</table>").expect("the table's end").0;
    table
        .split("<th scope=\"row\"><a href=\"/contacts/")
        .skip(1)
        .map(|row| row.split_once('"').expect("a link").0.to_owned())
        .collect()
}

/// The page once the decisions in memory match the store (the first view starts their
/// computation).
async fn fresh(app: &TestApp, cookie: &str, path: &str) -> String {
    for _ in 0..150 {
        let a = page(app, cookie, path).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        if a.text.contains("Décisions calculées le") && !a.text.contains("mise à jour en cours")
        {
            return a.text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("{path}: the decisions were never computed");
}

/// The link of the page's « next » or « previous » control.
fn pager_link(text: &str, rel: &str) -> Option<String> {
    let at = text.find(&format!("rel=\"{rel}\""))?;
    let tag_start = text[..at].rfind("<a ")?;
    let tag = &text[tag_start..];
    let href = tag.split_once("href=\"")?.1.split_once('"')?.0;
    Some(href.replace("&amp;", "&"))
}

fn refs(prefix: &str, range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    range.map(|i| format!("{prefix}{i:02}")).collect()
}

both_stores! {
    async fn the_contacts_list_filters_by_decision_on_a_channel(app) {
        let (cookie, _) = signed_in(&app.store, "marketer@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        let grant = |channel: &str| json!({"channel": channel, "purpose": "marketing", "action": "grant",
            "at": "2026-01-05T10:00:00+01:00", "method": "double_opt_in", "source": "form"});
        // 52 consumers without consent, then one who consented, one who withdrew, a
        // professional who consented, and a consumer with a phone number only.
        for r in refs("N", 1..=52) {
            app.create(json!({"contact_ref": r, "email": format!("{}@example.org", r.to_lowercase()), "audience": "consumer"})).await;
        }
        app.create(json!({"contact_ref": "YES", "email": "yes@example.org", "audience": "consumer"})).await;
        app.create(json!({"contact_ref": "LEFT", "email": "left@example.org", "audience": "consumer"})).await;
        app.create(json!({"contact_ref": "PRO", "email": "pro@example.org", "audience": "professional"})).await;
        app.create(json!({"contact_ref": "TEL", "phone": "+33612345678", "audience": "consumer"})).await;
        for r in ["YES", "LEFT", "PRO"] {
            assert_eq!(app.event(r, grant("email")).await.status, StatusCode::CREATED);
        }
        let withdraw = json!({"channel": "email", "purpose": "marketing", "action": "withdraw",
            "at": "2026-02-05T10:00:00+01:00", "method": "unsubscribe_link", "source": "mail"});
        assert_eq!(app.event("LEFT", withdraw).await.status, StatusCode::CREATED);

        // Allowed on e-mail: the two who consented, nobody else; the total says so.
        let allowed = fresh(&app, &cookie, "/contacts?channel=email&decision=allow").await;
        assert_eq!(listed(&allowed), ["YES", "PRO"], "{allowed}");
        assert!(allowed.contains("2 contacts au total"), "{allowed}");
        assert!(allowed.contains("version des données"), "{allowed}");
        // Combined with the audience.
        let pro = fresh(&app, &cookie, "/contacts?channel=email&decision=allow&audience=professional").await;
        assert_eq!(listed(&pro), ["PRO"], "{pro}");
        // One code.
        let withdrawn = fresh(&app, &cookie, "/contacts?channel=email&decision=WITHDRAWN").await;
        assert_eq!(listed(&withdrawn), ["LEFT"], "{withdrawn}");
        // Blocked: 53, a page of 50 then the rest, and back.
        let blocked = fresh(&app, &cookie, "/contacts?channel=email&decision=deny").await;
        assert!(blocked.contains("53 contacts au total"), "{blocked}");
        let first: Vec<String> = refs("N", 1..=50);
        assert_eq!(listed(&blocked), first, "{blocked}");
        assert_eq!(pager_link(&blocked, "prev"), None, "{blocked}");
        let next = pager_link(&blocked, "next").expect("a next page");
        let second = fresh(&app, &cookie, &next).await;
        let mut rest = refs("N", 51..=52);
        rest.push("LEFT".into());
        assert_eq!(listed(&second), rest, "{second}");
        assert_eq!(pager_link(&second, "next"), None, "{second}");
        let prev = pager_link(&second, "prev").expect("a previous page");
        let back = fresh(&app, &cookie, &prev).await;
        assert_eq!(listed(&back), first, "{back}");
        // Another channel decides on its own identifier: the phone-only contact.
        let sms = fresh(&app, &cookie, "/contacts?channel=sms&decision=deny").await;
        assert_eq!(listed(&sms), ["TEL"], "{sms}");
        let sms_allowed = fresh(&app, &cookie, "/contacts?channel=sms&decision=allow").await;
        assert!(listed(&sms_allowed).is_empty(), "{sms_allowed}");
        assert!(sms_allowed.contains("Aucun contact ne correspond."), "{sms_allowed}");

        // A new consent changes the lists once they are computed again.
        assert_eq!(app.event("N01", grant("email")).await.status, StatusCode::CREATED);
        let allowed = fresh(&app, &cookie, "/contacts?channel=email&decision=allow").await;
        assert_eq!(listed(&allowed), ["N01", "YES", "PRO"], "{allowed}");
        let blocked = fresh(&app, &cookie, "/contacts?channel=email&decision=deny").await;
        assert!(blocked.contains("52 contacts au total"), "{blocked}");
        assert_eq!(listed(&blocked)[0], "N02", "{blocked}");

        // In English, the filter and its freshness are in English.
        let en = fresh_en(&app, &cookie, "/contacts?channel=email&decision=allow&lang=en").await;
        assert!(en.contains("Decisions computed on"), "{en}");
        assert!(en.contains("allowed (every legal basis)"), "{en}");
    }
}

async fn fresh_en(app: &TestApp, cookie: &str, path: &str) -> String {
    let a = page(app, cookie, path).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.text
}
