//! Screening's store API on both stores: the scan of an organization's screening facts, and the
//! append-only proof records of screening runs.

use std::collections::BTreeMap;

use vigie_core::{
    Action, Audience, CallOutcome, ChannelScope, ConsentEvent, ContactRef, Email, Method,
    PhoneE164, Purpose, Region, Timestamp,
};
use vigie_store::testing::TestStore;
use vigie_store::*;

fn contact(r: &str, email: Option<&str>, phone: Option<&str>, audience: Audience) -> ContactData {
    ContactData {
        contact_ref: ContactRef::parse(r).unwrap(),
        email: email.map(|e| Email::parse(e).unwrap()),
        phone: phone.map(|p| PhoneE164::parse(p, Region::FR).unwrap()),
        first_name: None,
        last_name: None,
        audience,
        customer: audience == Audience::Consumer,
        customer_categories: if audience == Audience::Consumer {
            vec!["optics".into(), "audio".into()]
        } else {
            vec![]
        },
        collected_via: Some("web_form".into()),
        collected_at: Some("2025-06-01T09:00:00Z".parse().unwrap()),
        informed: true,
        objection_offered: audience == Audience::Consumer,
        contract_active: false,
        restricted: audience == Audience::Professional,
        time_zone: None,
        relationship_ended_at: None,
    }
}

fn event(scope: ChannelScope, action: Action, at: &str) -> NewConsentEvent {
    NewConsentEvent {
        event: ConsentEvent {
            scope,
            purpose: Purpose::Marketing,
            action,
            at: at.parse().unwrap(),
            method: Method::DoubleOptIn,
        },
        notice_version: None,
        source: None,
        ip: None,
        user_agent: None,
    }
}

/// A contact as scanned: id, e-mail and phone blind indexes, audience, categories, customer,
/// restricted.
type ScannedContact = (
    i64,
    Option<Digest16>,
    Option<Digest16>,
    Audience,
    String,
    bool,
    bool,
);

/// What a scan delivered, in order.
#[derive(Default)]
struct Seen {
    order: Vec<&'static str>,
    opposition: Vec<Digest16>,
    suppression: Vec<[u8; 32]>,
    contacts: Vec<ScannedContact>,
    events: Vec<(i64, ConsentEvent)>,
    calls: Vec<(i64, Timestamp, CallOutcome)>,
}

impl Seen {
    fn step(&mut self, s: &'static str) {
        if self.order.last() != Some(&s) {
            self.order.push(s);
        }
    }
}

impl ScreeningSink for Seen {
    fn opposition(&mut self, phone_bidx: Digest16) -> Result<()> {
        self.step("opposition");
        self.opposition.push(phone_bidx);
        Ok(())
    }
    fn suppression(&mut self, sha256: [u8; 32]) -> Result<()> {
        self.step("suppression");
        self.suppression.push(sha256);
        Ok(())
    }
    fn contact(&mut self, c: &ScreeningContact<'_>) -> Result<()> {
        self.step("contacts");
        self.contacts.push((
            c.id,
            c.email_bidx,
            c.phone_bidx,
            c.audience,
            c.customer_categories.to_owned(),
            c.customer,
            c.restricted,
        ));
        Ok(())
    }
    fn event(&mut self, contact_id: i64, e: ConsentEvent) -> Result<()> {
        self.step("events");
        self.events.push((contact_id, e));
        Ok(())
    }
    fn call(&mut self, contact_id: i64, at: Timestamp, outcome: CallOutcome) -> Result<()> {
        self.step("calls");
        self.calls.push((contact_id, at, outcome));
        Ok(())
    }
}

fn run(actor: &str, started: &str, rows: u64) -> NewScreeningRun {
    let started_at: Timestamp = started.parse().unwrap();
    NewScreeningRun {
        actor: actor.into(),
        started_at,
        finished_at: started_at + std::time::Duration::from_millis(1500),
        campaign: "{\"channel\": \"email\",\n \"at\": \"2026-11-24T10:30:00+01:00\"}".into(),
        rule_pack: "FR-2026-08-11".into(),
        data_version: 7,
        input_name: Some("targets.csv".into()),
        input_sha256: [1; 32],
        output_sha256: [2; 32],
        rows,
        counts: BTreeMap::from([
            ("CONSENT".to_owned(), rows - 1),
            ("SUPPRESSED".to_owned(), 1),
        ]),
        // One run of the tests overrode a stale Bloctel extract: the override reads back.
        opposition_override: (actor == "alice")
            .then(|| "the Bloctel extract of 2026-01-15 is 54 days old: overridden".to_owned()),
    }
}

vigie_store::both_stores! {
    the_scan_streams_an_organizations_facts_in_order => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let other = s.create_org("other", "Other").await.unwrap();
        let crypto = s.org_crypto(org.id).await.unwrap();
        let (a, _) = s.upsert_contact(org.id, &contact("A", Some("a@x.fr"), Some("0612345678"), Audience::Consumer)).await.unwrap();
        let (b, _) = s.upsert_contact(org.id, &contact("B", None, Some("0611111111"), Audience::Professional)).await.unwrap();
        let (c, _) = s.upsert_contact(org.id, &contact("C", Some("c@x.fr"), None, Audience::Generic)).await.unwrap();
        s.upsert_contact(other.id, &contact("Z", Some("z@x.fr"), None, Audience::Consumer)).await.unwrap();
        let a_ref = ContactRef::parse("A").unwrap();
        let c_ref = ContactRef::parse("C").unwrap();
        // Recorded out of contact order: the scan gives them in recording (id) order.
        s.append_event(org.id, &c_ref, &event(ChannelScope::Any, Action::Object, "2026-02-01T00:00:00Z")).await.unwrap();
        s.append_event(org.id, &a_ref, &event(ChannelScope::Email, Action::Grant, "2026-03-01T00:00:00Z")).await.unwrap();
        s.append_event(org.id, &a_ref, &event(ChannelScope::Email, Action::Withdraw, "2026-01-01T00:00:00Z")).await.unwrap();
        s.import_suppression(org.id, vec![[9; 32], [3; 32]]).await.unwrap();
        let on_list = crypto.index.phone_index(&PhoneE164::parse("0611111111", Region::FR).unwrap());
        s.import_opposition(org.id, vec![on_list]).await.unwrap();
        s.import_suppression(other.id, vec![[5; 32]]).await.unwrap();
        // Logged out of contact and time order: the scan gives them by contact, then time.
        let call = |r: &str, at: &str, outcome| NewCall {
            line: 0,
            to: CallTo::Contact { contact_ref: ContactRef::parse(r).unwrap(), phone: None },
            at: at.parse().unwrap(),
            outcome,
            campaign: None,
            agent: None,
        };
        s.log_calls(org.id, vec![
            call("B", "2026-03-02T10:00:00Z", CallOutcome::Busy),
            call("A", "2026-03-03T10:00:00Z", CallOutcome::Refused),
            call("A", "2026-03-01T10:00:00Z", CallOutcome::NoAnswer),
        ]).await.unwrap();

        let (seen, version) = s.scan_screening(org.id, Seen::default()).await.unwrap();
        assert_eq!(version, s.data_version(org.id).await.unwrap());
        assert_eq!(seen.order, ["opposition", "suppression", "contacts", "events", "calls"]);
        let ts = |t: &str| t.parse::<Timestamp>().unwrap();
        assert_eq!(seen.calls, [
            (a.id, ts("2026-03-01T10:00:00Z"), CallOutcome::NoAnswer),
            (a.id, ts("2026-03-03T10:00:00Z"), CallOutcome::Refused),
            (b.id, ts("2026-03-02T10:00:00Z"), CallOutcome::Busy),
        ]);
        assert_eq!(seen.opposition, [on_list]);
        let mut supp = seen.suppression.clone();
        supp.sort();
        assert_eq!(supp, [[3; 32], [9; 32]]);
        let ids: Vec<i64> = seen.contacts.iter().map(|c| c.0).collect();
        assert_eq!(ids, [a.id, b.id, c.id], "contacts of this organization, in id order");
        let (_, email, phone, audience, cats, customer, restricted) = &seen.contacts[0];
        assert_eq!(*email, Some(crypto.index.email_index(&Email::parse("a@x.fr").unwrap())));
        assert_eq!(*phone, Some(crypto.index.phone_index(&PhoneE164::parse("+33612345678", Region::FR).unwrap())));
        assert_eq!((*audience, cats.as_str(), *customer, *restricted), (Audience::Consumer, "optics|audio", true, false));
        assert_eq!(seen.contacts[1].1, None);
        assert!(seen.contacts[1].6, "B is restricted");
        assert_eq!(seen.contacts[2].2, None);
        let events: Vec<(i64, Action)> = seen.events.iter().map(|(id, e)| (*id, e.action)).collect();
        assert_eq!(events, [(c.id, Action::Object), (a.id, Action::Grant), (a.id, Action::Withdraw)]);
        assert_eq!(seen.events[2].1.at, "2026-01-01T00:00:00Z".parse::<Timestamp>().unwrap());

        // A sink error stops the scan and comes back.
        struct Failing;
        impl ScreeningSink for Failing {
            fn opposition(&mut self, _: Digest16) -> Result<()> { Err(StoreError::Other("stop".into())) }
            fn suppression(&mut self, _: [u8; 32]) -> Result<()> { Ok(()) }
            fn contact(&mut self, _: &ScreeningContact<'_>) -> Result<()> { Ok(()) }
            fn event(&mut self, _: i64, _: ConsentEvent) -> Result<()> { Ok(()) }
            fn call(&mut self, _: i64, _: Timestamp, _: CallOutcome) -> Result<()> { Ok(()) }
        }
        assert!(matches!(s.scan_screening(org.id, Failing).await, Err(StoreError::Other(m)) if m == "stop"));
    };

    screening_runs_are_recorded_listed_most_recent_first_and_kept_apart => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let other = s.create_org("other", "Other").await.unwrap();
        let before = s.data_version(org.id).await.unwrap();
        let first = s.record_screening_run(org.id, &run("alice", "2026-11-20T10:00:00.123456789Z", 10)).await.unwrap();
        let second = s.record_screening_run(org.id, &run("bob", "2026-11-21T10:00:00Z", 20)).await.unwrap();
        let theirs = s.record_screening_run(other.id, &run("carol", "2026-11-22T10:00:00Z", 30)).await.unwrap();
        assert!(second.id > first.id && theirs.id > second.id);
        // Kept to the microsecond, as read back.
        assert_eq!(first.run.started_at, "2026-11-20T10:00:00.123456Z".parse::<Timestamp>().unwrap());
        // Proof records are not data: the snapshot stays fresh.
        assert_eq!(s.data_version(org.id).await.unwrap(), before);

        let runs = s.screening_runs(org.id, 10).await.unwrap();
        assert_eq!(runs, [second.clone(), first.clone()]);
        assert_eq!(s.screening_runs(org.id, 1).await.unwrap(), std::slice::from_ref(&second));
        assert_eq!(s.screening_run(org.id, first.id).await.unwrap(), Some(first.clone()));
        assert_eq!(s.screening_run(org.id, theirs.id).await.unwrap(), None);
        assert_eq!(s.screening_runs(other.id, 10).await.unwrap(), [theirs]);
        let json = serde_json::to_value(&first).unwrap();
        assert_eq!(json["input_sha256"], "01".repeat(32));
        assert_eq!(json["counts"]["SUPPRESSED"], 1);
        assert_eq!(json["actor"], "alice");

        // Append-only: the database itself refuses changes.
        let refused = match (&t.sqlite_file, &t.pg) {
            (Some(file), _) => {
                let conn = rusqlite::Connection::open(file).unwrap();
                conn.execute("UPDATE screening_runs SET actor = 'mallory'", []).is_err()
                    && conn.execute("DELETE FROM screening_runs", []).is_err()
            }
            (None, Some((url, schema))) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                client.batch_execute(&format!("SET search_path = {schema}")).await.unwrap();
                client.execute("UPDATE screening_runs SET actor = 'mallory'", &[]).await.is_err()
                    && client.execute("DELETE FROM screening_runs", &[]).await.is_err()
            }
            _ => unreachable!(),
        };
        assert!(refused, "screening runs must be append-only");
        assert_eq!(s.screening_runs(org.id, 10).await.unwrap().len(), 2);
    };
}
