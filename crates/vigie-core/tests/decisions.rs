//! The decision engine held to its contract: the worked examples of DECISIONS.md, one test per
//! rule, the invariants as properties, request errors, explanations, and agreement with the
//! reference screening's rules on the data it covers.

#[path = "decisions/fuzz.rs"]
mod fuzz;

use jiff::Timestamp;
use vigie_core::{
    Action, Audience, Campaign, Channel, ChannelScope, Code, ConsentEvent, ContactFacts, Decision,
    DecisionContext, DecisionRequest, Jurisdiction, Lang, Method, Moment, Outcome, Purpose, Zone,
    decide, parse_request,
};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn event(scope: ChannelScope, action: Action, at: &str, method: Method) -> ConsentEvent {
    ConsentEvent {
        scope,
        purpose: Purpose::Marketing,
        action,
        at: ts(at),
        method,
    }
}

fn grant(scope: ChannelScope, at: &str) -> ConsentEvent {
    event(scope, Action::Grant, at, Method::DoubleOptIn)
}

/// A marketing request for an optics campaign about the recipient's job, to a contact collected
/// on 1 June 2025, informed and offered to object then, and otherwise the contract's defaults.
fn request(
    jurisdiction: Jurisdiction,
    at: &str,
    channel: Channel,
    audience: Audience,
) -> DecisionRequest {
    DecisionRequest {
        jurisdiction,
        at: at.parse().unwrap_or_else(|e| panic!("{at}: {e}")),
        channel,
        purpose: Purpose::Marketing,
        campaign: Campaign {
            product_category: Some("optics".into()),
            relates_to_profession: true,
            commercial: true,
            press: false,
        },
        contact: ContactFacts {
            collected_at: Some(ts("2025-06-01T09:00:00Z")),
            informed: true,
            objection_offered: true,
            ..ContactFacts::new(audience)
        },
    }
}

fn code(r: &DecisionRequest) -> Code {
    decide(r, Lang::Fr).code
}

/// A Tuesday morning in November 2026, after the French phone switch.
const NOV: &str = "2026-11-24T10:30:00+01:00";

mod examples {
    use super::*;

    /// The contract's worked examples, copied from shared/contract (v1 file, still valid, and
    /// the v2 file).
    pub const FILES: [(&str, &str, usize); 2] = [
        (
            "examples.jsonl",
            include_str!("fixtures/examples.jsonl"),
            16,
        ),
        (
            "examples_v2.jsonl",
            include_str!("fixtures/examples_v2.jsonl"),
            5,
        ),
    ];

    #[test]
    fn every_contract_example_passes() {
        for (file, text, expected) in FILES {
            let mut count = 0;
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let case: serde_json::Value = serde_json::from_str(line).unwrap();
                let name = case["name"].as_str().unwrap();
                let request = parse_request(&case["request"].to_string())
                    .unwrap_or_else(|e| panic!("{file}: {name}: {e}"));
                for lang in [Lang::Fr, Lang::En] {
                    let response = decide(&request, lang);
                    let got = serde_json::to_value(&response).unwrap();
                    assert_eq!(
                        got["decision"], case["expect"]["decision"],
                        "{file}: {name}"
                    );
                    assert_eq!(got["code"], case["expect"]["code"], "{file}: {name}");
                    assert!(
                        !response.explanation.is_empty() && !response.references.is_empty(),
                        "{file}: {name}"
                    );
                }
                count += 1;
            }
            assert_eq!(count, expected, "examples read from {file}");
        }
    }
}

mod rules {
    use super::*;

    fn consumer_call(at: &str) -> DecisionRequest {
        let mut r = request(Jurisdiction::Fr, at, Channel::Phone, Audience::Consumer);
        r.contact
            .events
            .push(grant(ChannelScope::Phone, "2026-01-10T08:00:00Z"));
        r
    }

    #[test]
    fn calling_hours_edges_in_paris_time() {
        for (time, expected) in [
            ("09:59", Code::OutsideCallingHours),
            ("10:00", Code::Consent),
            ("12:59", Code::Consent),
            ("13:00", Code::OutsideCallingHours),
            ("13:59", Code::OutsideCallingHours),
            ("14:00", Code::Consent),
            ("19:59", Code::Consent),
            ("20:00", Code::OutsideCallingHours),
        ] {
            assert_eq!(
                code(&consumer_call(&format!("2026-11-24T{time}:00+01:00"))),
                expected,
                "{time}"
            );
        }
        // The same Paris hour written in UTC.
        assert_eq!(
            code(&consumer_call("2026-11-24T08:59:00Z")),
            Code::OutsideCallingHours
        );
        assert_eq!(code(&consumer_call("2026-11-24T09:00:00Z")), Code::Consent);
        // Saturday, and Ascension Thursday.
        assert_eq!(
            code(&consumer_call("2026-11-28T11:00:00+01:00")),
            Code::OutsideCallingHours
        );
        assert_eq!(
            code(&consumer_call("2026-05-14T11:00:00+02:00")),
            Code::OutsideCallingHours
        );
        // The next day is open; before the phone switch the opt-out regime applies.
        assert_eq!(
            code(&consumer_call("2026-05-15T11:00:00+02:00")),
            Code::OptOut
        );
    }

    #[test]
    fn hour_rules_are_for_consumer_phone_calls_only() {
        let saturday = "2026-11-28T11:00:00+01:00";
        let pro = request(
            Jurisdiction::Fr,
            saturday,
            Channel::Phone,
            Audience::Professional,
        );
        assert_eq!(code(&pro), Code::B2bOptOut);
        let mut sms = request(Jurisdiction::Fr, saturday, Channel::Sms, Audience::Consumer);
        sms.contact
            .events
            .push(grant(ChannelScope::Sms, "2026-01-10T08:00:00Z"));
        assert_eq!(code(&sms), Code::Consent);
        let mut de = consumer_call(saturday);
        de.jurisdiction = Jurisdiction::De;
        assert_eq!(code(&de), Code::Consent);
    }

    #[test]
    fn frequency_cap_at_four_calls_in_thirty_days() {
        let mut r = consumer_call(NOV);
        r.contact.calls_last_30_days = 3;
        assert_eq!(code(&r), Code::Consent);
        r.contact.calls_last_30_days = 4;
        assert_eq!(code(&r), Code::CallFrequencyCap);
        let mut pro = request(
            Jurisdiction::Fr,
            NOV,
            Channel::Phone,
            Audience::Professional,
        );
        pro.contact.calls_last_30_days = 9;
        assert_eq!(code(&pro), Code::B2bOptOut);
    }

    #[test]
    fn recent_refusal_blocks_for_sixty_calendar_days() {
        let mut r = consumer_call(NOV);
        // 60 days before 24 November 2026 10:30 in Paris is 25 September 2026 10:30 (UTC+2).
        r.contact.last_call_refusal_at = Some(ts("2026-09-25T08:30:01Z"));
        assert_eq!(code(&r), Code::RecentRefusal);
        r.contact.last_call_refusal_at = Some(ts("2026-09-25T08:30:00Z"));
        assert_eq!(code(&r), Code::Consent);
        // A refusal recorded after the moment is not known at the moment.
        r.contact.last_call_refusal_at = Some(ts("2026-11-25T08:30:00Z"));
        assert_eq!(code(&r), Code::Consent);
    }

    #[test]
    fn phone_switch_on_the_paris_date_of_11_august_2026() {
        let campaign = Campaign::default();
        let pack = |at: &str| {
            DecisionContext::new(
                Jurisdiction::Fr,
                ts(at),
                Channel::Phone,
                Purpose::Marketing,
                &campaign,
            )
            .rule_pack()
            .id
        };
        assert_eq!(pack("2026-08-10T21:59:59Z"), "FR-2023-03-01");
        assert_eq!(pack("2026-08-10T22:00:00Z"), "FR-2026-08-11"); // midnight in Paris

        let before = "2026-08-10T11:00:00+02:00";
        let after = "2026-08-11T11:00:00+02:00";
        let plain = |at| request(Jurisdiction::Fr, at, Channel::Phone, Audience::Consumer);
        assert_eq!(code(&plain(before)), Code::OptOut);
        assert_eq!(code(&plain(after)), Code::NoConsent);

        let mut not_informed = plain(before);
        not_informed.contact.objection_offered = false;
        assert_eq!(code(&not_informed), Code::NotInformed);

        let mut bloctel = plain(before);
        bloctel.contact.on_opposition_list = true;
        assert_eq!(code(&bloctel), Code::OppositionList);
        // v2: a running contract lifts Bloctel only for an offer related to it (customer of the
        // campaign's category).
        bloctel.contact.contract_active = true;
        assert_eq!(code(&bloctel), Code::OppositionList);
        bloctel.contact.customer = true;
        bloctel.contact.customer_categories = vec!["optics".into()];
        assert_eq!(code(&bloctel), Code::OptOut);

        let mut customer = plain(after);
        customer.contact.customer = true;
        customer.contact.contract_active = true;
        customer.contact.customer_categories = vec!["audio".into()];
        assert_eq!(code(&customer), Code::NoConsent);
        customer.contact.customer_categories.push("optics".into());
        assert_eq!(code(&customer), Code::Contract);

        let mut consented = plain(after);
        consented
            .contact
            .events
            .push(grant(ChannelScope::Phone, "2026-08-01T08:00:00Z"));
        assert_eq!(code(&consented), Code::Consent);
    }

    #[test]
    fn press_offers_escape_bloctel_and_the_opt_in_rule_not_the_hours() {
        let before = "2026-08-10T11:00:00+02:00";
        let after = "2026-08-11T11:00:00+02:00";
        let press = |at| {
            let mut r = request(Jurisdiction::Fr, at, Channel::Phone, Audience::Consumer);
            r.campaign.press = true;
            r
        };
        let mut bloctel = press(before);
        bloctel.contact.on_opposition_list = true;
        assert_eq!(code(&bloctel), Code::OptOut);
        assert_eq!(code(&press(after)), Code::OptOut);
        let mut not_informed = press(after);
        not_informed.contact.objection_offered = false;
        assert_eq!(code(&not_informed), Code::NotInformed);
        // A Saturday: the hours bind press offers too.
        assert_eq!(
            code(&press("2026-11-28T11:00:00+01:00")),
            Code::OutsideCallingHours
        );
        // Press changes nothing for e-mail.
        let mut email = press(after);
        email.channel = Channel::Email;
        assert_eq!(code(&email), Code::NoConsent);
        let sentence = decide(&press(after), Lang::Fr).explanation;
        assert!(
            sentence.contains("journaux, périodiques ou magazines"),
            "{sentence}"
        );
    }

    #[test]
    fn calling_hours_are_the_consumers_own() {
        // 10:30 in Paris is 13:30 in Réunion (closed), 05:30 in Cayenne (closed), 10:30 in Paris.
        let mut r = request(Jurisdiction::Fr, NOV, Channel::Phone, Audience::Consumer);
        r.contact
            .events
            .push(grant(ChannelScope::Phone, "2026-09-01T08:00:00Z"));
        assert_eq!(code(&r), Code::Consent);
        r.contact.time_zone = Some(Zone::parse("Indian/Reunion").unwrap());
        assert_eq!(code(&r), Code::OutsideCallingHours);
        let fr = decide(&r, Lang::Fr).explanation;
        assert!(
            fr.contains("à 13 h 30 (heure locale du consommateur, fuseau Indian/Reunion)"),
            "{fr}"
        );
        let en = decide(&r, Lang::En).explanation;
        assert!(en.contains("at 13:30 local time (Indian/Reunion)"), "{en}");
        r.contact.time_zone = Some(Zone::parse("America/Cayenne").unwrap());
        assert_eq!(code(&r), Code::OutsideCallingHours);
        // 15:00 in Paris is 11:00 in Martinique: open there, whatever the context resolved.
        let mut r = request(
            Jurisdiction::Fr,
            "2026-11-24T15:00:00+01:00",
            Channel::Phone,
            Audience::Consumer,
        );
        r.contact.informed = true;
        r.campaign.press = true;
        r.contact.time_zone = Some(Zone::parse("America/Martinique").unwrap());
        assert_eq!(code(&r), Code::OptOut);
        // Public holidays on the consumer's date: 1 November 2027 is a Monday; at 23:30 on
        // 31 October in Martinique it is already 1 November 04:30 in Paris.
        let ctx_campaign = Campaign::default();
        let ctx = DecisionContext::new(
            Jurisdiction::Fr,
            ts("2027-11-01T14:30:00Z"),
            Channel::Phone,
            Purpose::Marketing,
            &ctx_campaign,
        );
        let martinique = Zone::parse("America/Martinique").unwrap();
        assert_eq!(
            ctx.calling_time(None),
            Some(vigie_core::calendar::CallingTime::PublicHoliday)
        );
        // 10:30 in Martinique, on 1 November there too.
        assert_eq!(
            ctx.calling_time(Some(martinique)),
            Some(vigie_core::calendar::CallingTime::PublicHoliday)
        );
        let ctx = DecisionContext::new(
            Jurisdiction::Fr,
            ts("2027-11-02T03:30:00Z"),
            Channel::Phone,
            Purpose::Marketing,
            &ctx_campaign,
        )
        .with_zones([martinique]);
        // 04:30 on 2 November in Paris (closed), 23:30 on 1 November in Martinique (holiday).
        assert_eq!(
            ctx.calling_time(None),
            Some(vigie_core::calendar::CallingTime::OutsideHours)
        );
        assert_eq!(
            ctx.calling_time(Some(martinique)),
            Some(vigie_core::calendar::CallingTime::PublicHoliday)
        );
    }

    #[test]
    fn b2b_opt_out_needs_the_chance_to_object_and_any_grants_are_no_consent() {
        let mut r = request(
            Jurisdiction::Fr,
            NOV,
            Channel::Email,
            Audience::Professional,
        );
        assert_eq!(code(&r), Code::B2bOptOut);
        r.contact.objection_offered = false;
        assert_eq!(code(&r), Code::NotInformed);
        r.contact
            .events
            .push(grant(ChannelScope::Any, "2026-01-10T08:00:00Z"));
        assert_eq!(code(&r), Code::NotInformed);
        r.contact
            .events
            .push(grant(ChannelScope::Email, "2026-01-11T08:00:00Z"));
        assert_eq!(code(&r), Code::Consent);
        // Defaults: nothing recorded, nothing presumed.
        let minimal = parse_request(
            r#"{"jurisdiction":"FR","at":"2026-11-24T10:30:00+01:00","channel":"postal",
                "purpose":"marketing","contact":{"audience":"consumer","collected_at":"2025-06-01T09:00:00Z"}}"#,
        )
        .unwrap();
        assert_eq!(code(&minimal), Code::NotInformed);
    }

    #[test]
    fn retention_edge_is_three_calendar_years_on_the_moments_clock() {
        // 24 November 2026 10:30 (+01:00): the cut-off is 24 November 2023 10:30 (+01:00).
        let mut r = request(
            Jurisdiction::Fr,
            NOV,
            Channel::Email,
            Audience::Professional,
        );
        r.contact.collected_at = Some(ts("2023-11-24T09:30:00Z"));
        assert_eq!(code(&r), Code::B2bOptOut);
        r.contact.collected_at = Some(ts("2023-11-24T09:29:59Z"));
        assert_eq!(code(&r), Code::RetentionExpired);

        // Any event at or before the moment is a sign of life, whatever its channel; later
        // events are not.
        r.contact.events.push(event(
            ChannelScope::Postal,
            Action::Grant,
            "2030-01-01T00:00:00Z",
            Method::PaperForm,
        ));
        assert_eq!(code(&r), Code::RetentionExpired);
        r.contact.events.push(event(
            ChannelScope::Sms,
            Action::Grant,
            "2024-02-01T00:00:00Z",
            Method::PretickedCheckbox,
        ));
        assert_eq!(code(&r), Code::B2bOptOut);

        // Customers and role addresses are not prospects.
        let mut customer = request(
            Jurisdiction::Fr,
            NOV,
            Channel::Email,
            Audience::Professional,
        );
        customer.contact.collected_at = Some(ts("2015-01-01T00:00:00Z"));
        customer.contact.customer = true;
        assert_eq!(code(&customer), Code::B2bOptOut);
        let mut generic = request(Jurisdiction::Fr, NOV, Channel::Email, Audience::Generic);
        generic.contact.collected_at = Some(ts("2015-01-01T00:00:00Z"));
        assert_eq!(code(&generic), Code::GenericAddress);

        // Neither a collection date nor an event: nothing shows the data is within retention.
        let mut unknown = request(
            Jurisdiction::Fr,
            NOV,
            Channel::Email,
            Audience::Professional,
        );
        unknown.contact.collected_at = None;
        assert_eq!(code(&unknown), Code::RetentionExpired);
        unknown
            .contact
            .events
            .push(grant(ChannelScope::Email, "2026-01-10T08:00:00Z"));
        assert_eq!(code(&unknown), Code::Consent);

        // Only FR keeps prospects for a limited time.
        let mut de = request(Jurisdiction::De, NOV, Channel::Postal, Audience::Consumer);
        de.contact.collected_at = Some(ts("2015-01-01T00:00:00Z"));
        assert_eq!(code(&de), Code::OptOut);
    }

    #[test]
    fn retention_on_29_february_counts_from_28_february() {
        let at = "2028-02-29T12:00:00+01:00";
        let mut r = request(Jurisdiction::Fr, at, Channel::Email, Audience::Professional);
        r.contact.collected_at = Some(ts("2025-02-28T11:00:00Z"));
        assert_eq!(code(&r), Code::B2bOptOut);
        r.contact.collected_at = Some(ts("2025-02-28T10:59:59Z"));
        assert_eq!(code(&r), Code::RetentionExpired);
    }

    #[test]
    fn precedence_of_the_common_rules() {
        let mut r = request(
            Jurisdiction::Fr,
            "2026-11-28T11:00:00+01:00",
            Channel::Phone,
            Audience::Consumer,
        );
        r.contact.collected_at = Some(ts("2020-01-01T00:00:00Z"));
        r.contact.calls_last_30_days = 7;
        assert_eq!(code(&r), Code::RetentionExpired);
        r.contact.events.push(event(
            ChannelScope::Any,
            Action::Object,
            "2021-01-01T00:00:00Z",
            Method::PrivacyCentre,
        ));
        assert_eq!(code(&r), Code::Objected);
        r.contact.restricted = true;
        assert_eq!(code(&r), Code::Restricted);
        r.contact.suppressed = true;
        assert_eq!(code(&r), Code::Suppressed);
    }

    #[test]
    fn ledger_state_reads_the_channel_or_any_and_ignores_preticked_grants() {
        let mut r = request(Jurisdiction::Fr, NOV, Channel::Email, Audience::Consumer);
        r.contact
            .events
            .push(grant(ChannelScope::Sms, "2026-01-10T08:00:00Z"));
        assert_eq!(code(&r), Code::NoConsent);
        r.contact.events.push(event(
            ChannelScope::Email,
            Action::Grant,
            "2026-02-10T08:00:00Z",
            Method::PretickedCheckbox,
        ));
        assert_eq!(code(&r), Code::NoConsent);
        r.contact
            .events
            .push(grant(ChannelScope::Email, "2026-03-10T08:00:00Z"));
        assert_eq!(code(&r), Code::Consent);
        // Same time: the later line wins.
        r.contact.events.push(event(
            ChannelScope::Email,
            Action::Withdraw,
            "2026-03-10T08:00:00Z",
            Method::UnsubscribeLink,
        ));
        assert_eq!(code(&r), Code::Withdrawn);
        // Another purpose does not count.
        let mut newsletter = r.clone();
        newsletter.purpose = Purpose::Newsletter;
        assert_eq!(code(&newsletter), Code::NoConsent);
    }

    #[test]
    fn fr_bases_beyond_the_examples() {
        let fr = |channel, audience| request(Jurisdiction::Fr, NOV, channel, audience);

        let mut unrelated = fr(Channel::Email, Audience::Professional);
        unrelated.campaign.relates_to_profession = false;
        assert_eq!(code(&unrelated), Code::UnrelatedToProfession);
        unrelated.contact.informed = false;
        assert_eq!(code(&unrelated), Code::NotInformed);

        let mut charity = fr(Channel::Email, Audience::Consumer);
        charity.campaign.commercial = false;
        assert_eq!(code(&charity), Code::NonCommercial);
        charity.contact.informed = false;
        assert_eq!(code(&charity), Code::NotInformed);

        assert_eq!(
            code(&fr(Channel::Fax, Audience::Professional)),
            Code::NoConsent
        );
        assert_eq!(
            code(&fr(Channel::Fax, Audience::Generic)),
            Code::GenericAddress
        );
        assert_eq!(
            code(&fr(Channel::Whatsapp, Audience::Consumer)),
            Code::NoConsent
        );
        assert_eq!(
            code(&fr(Channel::AutomatedCall, Audience::Professional)),
            Code::B2bOptOut
        );
        assert_eq!(code(&fr(Channel::Postal, Audience::Consumer)), Code::OptOut);
        assert_eq!(
            code(&fr(Channel::Postal, Audience::Generic)),
            Code::GenericAddress
        );
        let mut postal = fr(Channel::Postal, Audience::Consumer);
        postal.contact.informed = false;
        assert_eq!(code(&postal), Code::NotInformed);

        // Soft opt-in: same category, offered to object, and our own offers only.
        let mut customer = fr(Channel::Sms, Audience::Consumer);
        customer.contact.customer = true;
        customer.contact.customer_categories = vec!["optics".into()];
        assert_eq!(code(&customer), Code::SoftOptIn);
        customer.purpose = Purpose::Partners;
        assert_eq!(code(&customer), Code::NoConsent);
        customer.purpose = Purpose::Marketing;
        customer.contact.objection_offered = false;
        assert_eq!(code(&customer), Code::NoConsent);
        customer.contact.objection_offered = true;
        customer.campaign.product_category = Some("travel".into());
        assert_eq!(code(&customer), Code::NoConsent);
    }

    #[test]
    fn de_bases() {
        let de = |channel, audience| request(Jurisdiction::De, NOV, channel, audience);
        assert_eq!(
            code(&de(Channel::Email, Audience::Professional)),
            Code::NoConsent
        );
        assert_eq!(
            code(&de(Channel::Email, Audience::Generic)),
            Code::NoConsent
        );
        assert_eq!(code(&de(Channel::Sms, Audience::Consumer)), Code::NoConsent);
        assert_eq!(
            code(&de(Channel::Phone, Audience::Consumer)),
            Code::NoConsent
        );
        assert_eq!(
            code(&de(Channel::Phone, Audience::Professional)),
            Code::B2bOptOut
        );
        assert_eq!(
            code(&de(Channel::Phone, Audience::Generic)),
            Code::GenericAddress
        );
        assert_eq!(code(&de(Channel::Postal, Audience::Consumer)), Code::OptOut);
        assert_eq!(
            code(&de(Channel::AutomatedCall, Audience::Generic)),
            Code::NoConsent
        );

        let mut unrelated = de(Channel::Phone, Audience::Professional);
        unrelated.campaign.relates_to_profession = false;
        assert_eq!(code(&unrelated), Code::UnrelatedToProfession);

        let mut charity = de(Channel::Email, Audience::Consumer);
        charity.campaign.commercial = false;
        assert_eq!(code(&charity), Code::NoConsent);

        let mut customer = de(Channel::Email, Audience::Professional);
        customer.contact.customer = true;
        customer.contact.customer_categories = vec!["optics".into()];
        assert_eq!(code(&customer), Code::SoftOptIn);
        customer.channel = Channel::Fax;
        assert_eq!(code(&customer), Code::NoConsent);
        customer
            .contact
            .events
            .push(grant(ChannelScope::Fax, "2026-01-10T08:00:00Z"));
        assert_eq!(code(&customer), Code::Consent);
    }

    #[test]
    fn uk_bases() {
        let uk = |channel, audience| request(Jurisdiction::Uk, NOV, channel, audience);
        assert_eq!(
            code(&uk(Channel::Email, Audience::Consumer)),
            Code::NoConsent
        );
        assert_eq!(
            code(&uk(Channel::Sms, Audience::Professional)),
            Code::B2bOptOut
        );
        assert_eq!(
            code(&uk(Channel::Email, Audience::Generic)),
            Code::GenericAddress
        );
        assert_eq!(
            code(&uk(Channel::Whatsapp, Audience::Consumer)),
            Code::NoConsent
        );
        assert_eq!(code(&uk(Channel::Phone, Audience::Consumer)), Code::OptOut);
        assert_eq!(
            code(&uk(Channel::Phone, Audience::Generic)),
            Code::GenericAddress
        );
        assert_eq!(
            code(&uk(Channel::AutomatedCall, Audience::Professional)),
            Code::NoConsent
        );
        assert_eq!(code(&uk(Channel::Fax, Audience::Consumer)), Code::NoConsent);
        assert_eq!(
            code(&uk(Channel::Fax, Audience::Professional)),
            Code::OptOut
        );
        assert_eq!(code(&uk(Channel::Postal, Audience::Consumer)), Code::OptOut);

        let mut tps = uk(Channel::Phone, Audience::Consumer);
        tps.contact.on_opposition_list = true;
        assert_eq!(code(&tps), Code::OppositionList);
        tps.contact
            .events
            .push(grant(ChannelScope::Phone, "2026-01-10T08:00:00Z"));
        assert_eq!(code(&tps), Code::Consent);
        let mut ctps = uk(Channel::Phone, Audience::Generic);
        ctps.contact.on_opposition_list = true;
        assert_eq!(code(&ctps), Code::OppositionList);

        let mut customer = uk(Channel::Email, Audience::Consumer);
        customer.contact.customer = true;
        customer.contact.customer_categories = vec!["optics".into()];
        assert_eq!(code(&customer), Code::SoftOptIn);

        // No French hour or retention rules in the UK.
        let mut weekend = uk(Channel::Phone, Audience::Consumer);
        weekend.at = "2026-11-28T11:00:00Z".parse().unwrap();
        weekend.contact.collected_at = Some(ts("2015-01-01T00:00:00Z"));
        weekend.contact.calls_last_30_days = 12;
        assert_eq!(code(&weekend), Code::OptOut);
    }

    #[test]
    fn the_context_names_its_pack_and_decides_like_the_one_shot() {
        let r = request(
            Jurisdiction::Fr,
            NOV,
            Channel::Email,
            Audience::Professional,
        );
        let ctx = r.context();
        assert_eq!(ctx.rule_pack().id, "FR-2026-08-11");
        let outcome = ctx.decide(&r.contact);
        assert_eq!(
            outcome,
            Outcome {
                code: Code::B2bOptOut,
                audience: Some(Audience::Professional),
                zone: None,
            }
        );
        assert_eq!(outcome.decision(), Decision::Allow);
        assert_eq!(decide(&r, Lang::En).code, outcome.code);
    }
}

mod parsing {
    use super::*;

    #[test]
    fn request_errors_name_the_field() {
        let base = serde_json::json!({
            "jurisdiction": "FR", "at": NOV, "channel": "email", "purpose": "marketing",
            "contact": {"audience": "consumer", "events": [
                {"channel": "email", "purpose": "marketing", "action": "grant", "at": "2026-01-10T08:00:00Z", "method": "double_opt_in"},
                {"channel": "email", "purpose": "marketing", "action": "grant", "at": "2026-01-10T08:00:00Z", "method": "api"}
            ]}
        });
        assert!(parse_request(&base.to_string()).is_ok());

        let mut bad_method = base.clone();
        bad_method["contact"]["events"][1]["method"] = "foo".into();
        let e = parse_request(&bad_method.to_string()).unwrap_err();
        assert_eq!(e.path(), "contact.events[1].method");
        assert!(
            e.to_string()
                .starts_with("contact.events[1].method: unknown method \"foo\" (expected one of: "),
            "{e}"
        );

        let mut no_at = base.clone();
        no_at.as_object_mut().unwrap().remove("at");
        assert_eq!(
            parse_request(&no_at.to_string()).unwrap_err().to_string(),
            "at: missing field"
        );

        let mut bad_jurisdiction = base.clone();
        bad_jurisdiction["jurisdiction"] = "ES".into();
        let e = parse_request(&bad_jurisdiction.to_string())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("jurisdiction: unknown jurisdiction \"ES\" (expected one of: FR DE UK)"),
            "{e}"
        );

        let mut typo = base.clone();
        typo["campaign"] = serde_json::json!({"relates_to_proffesion": true});
        let e = parse_request(&typo.to_string()).unwrap_err();
        assert_eq!(e.path(), "campaign.relates_to_proffesion");
        assert!(e.message().starts_with("unknown field"), "{e}");

        let mut bad_time = base.clone();
        bad_time["contact"]["events"][0]["at"] = "2026-01-10 08:00".into();
        let e = parse_request(&bad_time.to_string()).unwrap_err();
        assert_eq!(e.path(), "contact.events[0].at");
    }

    #[test]
    fn requests_round_trip_through_their_serialization() {
        let mut r = request(Jurisdiction::Uk, NOV, Channel::Sms, Audience::Consumer);
        r.contact
            .events
            .push(grant(ChannelScope::Any, "2026-01-10T08:00:00Z"));
        r.contact.last_call_refusal_at = Some(ts("2026-02-10T08:00:00Z"));
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(parse_request(&json).unwrap(), r);
    }
}

mod explanations {
    use super::*;

    #[test]
    fn every_code_is_explained_in_both_languages_with_references() {
        let campaign = Campaign {
            product_category: Some("optics".into()),
            ..Campaign::default()
        };
        for jurisdiction in Jurisdiction::ALL {
            for channel in Channel::ALL {
                for at in ["2026-03-10T15:00:00+01:00", "2026-11-28T11:00:00+01:00"] {
                    let at: Moment = at.parse().unwrap();
                    let ctx = DecisionContext::new(
                        *jurisdiction,
                        at,
                        *channel,
                        Purpose::Marketing,
                        &campaign,
                    );
                    for code in Code::ALL {
                        for audience in [
                            None,
                            Some(Audience::Consumer),
                            Some(Audience::Professional),
                            Some(Audience::Generic),
                        ] {
                            for lang in Lang::ALL {
                                let e = ctx.explain(
                                    Outcome {
                                        code: *code,
                                        audience,
                                        zone: None,
                                    },
                                    *lang,
                                );
                                let context =
                                    format!("{jurisdiction} {channel} {code} {audience:?} {lang}");
                                assert!(e.sentence.len() > 40, "{context}: {}", e.sentence);
                                assert!(e.sentence.ends_with('.'), "{context}: {}", e.sentence);
                                assert!(!e.sentence.contains('{'), "{context}: {}", e.sentence);
                                assert!(!e.references.is_empty(), "{context}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn explanations_are_specific() {
        let saturday = request(
            Jurisdiction::Fr,
            "2026-11-28T11:00:00+01:00",
            Channel::Phone,
            Audience::Consumer,
        );
        let fr = decide(&saturday, Lang::Fr);
        assert_eq!(fr.code, Code::OutsideCallingHours);
        assert!(
            fr.explanation.contains("28 novembre 2026 est un samedi"),
            "{}",
            fr.explanation
        );
        assert!(
            fr.references
                .contains(&"FR Code de la consommation D223-9".to_owned())
        );

        let evening = request(
            Jurisdiction::Fr,
            "2026-11-24T20:15:00+01:00",
            Channel::Phone,
            Audience::Consumer,
        );
        assert!(
            decide(&evening, Lang::Fr)
                .explanation
                .contains("à 20 h 15 (heure de Paris)")
        );
        assert!(
            decide(&evening, Lang::En)
                .explanation
                .contains("at 20:15 Paris time")
        );

        let after = request(Jurisdiction::Fr, NOV, Channel::Phone, Audience::Consumer);
        let fr = decide(&after, Lang::Fr);
        assert!(
            fr.explanation.contains("11 août 2026") && fr.explanation.contains("2025-594"),
            "{}",
            fr.explanation
        );
        assert!(fr.references.contains(&"FR loi 2025-594".to_owned()));

        let email = request(Jurisdiction::Fr, NOV, Channel::Email, Audience::Consumer);
        assert!(decide(&email, Lang::Fr).explanation.contains("par e-mail"));
        assert!(decide(&email, Lang::En).explanation.contains("by e-mail"));

        let mut restricted = email.clone();
        restricted.contact.restricted = true;
        assert_eq!(decide(&restricted, Lang::Fr).references, ["RGPD art. 18"]);
        restricted.jurisdiction = Jurisdiction::Uk;
        assert_eq!(
            decide(&restricted, Lang::En).references,
            ["UK GDPR art. 18"]
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Seconds from 2019-01-01 to 2030-01-01: moments on both sides of every pack change.
    const EPOCH_2019: i64 = 1_546_300_800;
    const SPAN: i64 = 11 * 365 * 86_400;

    fn instant() -> impl Strategy<Value = Timestamp> {
        (0..SPAN).prop_map(|s| Timestamp::from_second(EPOCH_2019 + s).unwrap())
    }

    fn moment() -> impl Strategy<Value = Moment> {
        (instant(), select(vec![0i8, 1, 2, -5]))
            .prop_map(|(t, h)| Moment::new(t, jiff::tz::Offset::constant(h)))
    }

    fn consent_event() -> impl Strategy<Value = ConsentEvent> {
        (
            select(ChannelScope::ALL.to_vec()),
            prop_oneof![4 => Just(Purpose::Marketing), 1 => select(Purpose::ALL.to_vec())],
            select(Action::ALL.to_vec()),
            instant(),
            select(Method::ALL.to_vec()),
        )
            .prop_map(|(scope, purpose, action, at, method)| ConsentEvent {
                scope,
                purpose,
                action,
                at,
                method,
            })
    }

    fn category() -> impl Strategy<Value = String> {
        select(vec!["optics", "audio", "travel"]).prop_map(str::to_owned)
    }

    prop_compose! {
        fn contact()(
            audience in select(Audience::ALL.to_vec()),
            customer in any::<bool>(),
            customer_categories in proptest::collection::vec(category(), 0..3),
            contract_active in any::<bool>(),
            collected_at in proptest::option::weighted(0.95, instant()),
            flags in any::<[bool; 5]>(),
            calls_last_30_days in 0u32..6,
            last_call_refusal_at in proptest::option::of(instant()),
            events in proptest::collection::vec(consent_event(), 0..6),
            time_zone in proptest::option::of(select(ZONES.to_vec()).prop_map(|z| Zone::parse(z).unwrap())),
        ) -> ContactFacts {
            ContactFacts {
                audience,
                customer,
                customer_categories,
                contract_active,
                collected_at,
                collected_via: None,
                informed: flags[0] || flags[4],
                objection_offered: flags[1] || flags[4],
                restricted: flags[2] && flags[3],
                suppressed: flags[2] && !flags[3] && !flags[4],
                on_opposition_list: flags[3],
                calls_last_30_days,
                last_call_refusal_at,
                time_zone,
                events,
            }
        }
    }

    prop_compose! {
        fn any_request()(
            jurisdiction in select(Jurisdiction::ALL.to_vec()),
            at in moment(),
            channel in select(Channel::ALL.to_vec()),
            purpose in prop_oneof![4 => Just(Purpose::Marketing), 1 => select(Purpose::ALL.to_vec())],
            product_category in proptest::option::weighted(0.9, category()),
            relates_to_profession in any::<bool>(),
            commercial in prop_oneof![4 => Just(true), 1 => Just(false)],
            press in prop_oneof![4 => Just(false), 1 => Just(true)],
            contact in contact(),
        ) -> DecisionRequest {
            DecisionRequest {
                jurisdiction,
                at,
                channel,
                purpose,
                campaign: Campaign { product_category, relates_to_profession, commercial, press },
                contact,
            }
        }
    }

    /// The latest sign of life the engine reads: collection or an event at or before the moment.
    fn last_sign_of_life(r: &DecisionRequest) -> Option<Timestamp> {
        let at = r.at.instant();
        r.contact
            .events
            .iter()
            .map(|e| e.at)
            .filter(|t| *t <= at)
            .chain(r.contact.collected_at)
            .max()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

        #[test]
        fn suppressed_and_restricted_always_deny(mut r in any_request(), suppressed in any::<bool>()) {
            r.contact.suppressed = suppressed;
            r.contact.restricted = true;
            let expected = if suppressed { Code::Suppressed } else { Code::Restricted };
            prop_assert_eq!(code(&r), expected);
        }

        #[test]
        fn events_after_the_moment_change_nothing(r in any_request(), e in consent_event(), later in 1i64..10_000_000, pos in any::<prop::sample::Index>()) {
            let mut with_future = r.clone();
            let e = ConsentEvent { at: r.at.instant().checked_add(jiff::SignedDuration::from_secs(later)).unwrap(), ..e };
            let index = pos.index(with_future.contact.events.len() + 1);
            with_future.contact.events.insert(index, e);
            prop_assert_eq!(decide(&with_future, Lang::Fr), decide(&r, Lang::Fr));
        }

        #[test]
        fn a_later_withdrawal_or_objection_always_denies(r in any_request(), object in any::<bool>(), any_channel in any::<bool>(), method in select(Method::ALL.to_vec()), gap in 0i64..1_000_000) {
            let at = r.at.instant();
            let latest = r.contact.events.iter().map(|e| e.at).filter(|t| *t <= at).max();
            // Between the latest event and the moment (or just before the moment).
            let when = latest.map_or(at, |l| l.checked_add(jiff::SignedDuration::from_secs(gap)).unwrap().min(at));
            let scope = if object && any_channel { ChannelScope::Any } else { ChannelScope::from(r.channel) };
            let action = if object { Action::Object } else { Action::Withdraw };
            let mut after = r.clone();
            after.contact.events.push(ConsentEvent { scope, purpose: r.purpose, action, at: when, method });
            prop_assert_eq!(code(&after).decision(), Decision::Deny);
        }

        #[test]
        fn preticked_grants_are_never_consent(mut r in any_request()) {
            for e in &mut r.contact.events {
                if e.action == Action::Grant {
                    e.method = Method::PretickedCheckbox;
                }
            }
            prop_assert_ne!(code(&r), Code::Consent);
        }

        #[test]
        fn a_preticked_grant_counts_only_as_a_sign_of_life(r in any_request(), scope in select(ChannelScope::ALL.to_vec()), when in instant(), pos in any::<prop::sample::Index>()) {
            let mut with_grant = r.clone();
            let index = pos.index(r.contact.events.len() + 1);
            let preticked = ConsentEvent { scope, purpose: r.purpose, action: Action::Grant, at: when, method: Method::PretickedCheckbox };
            with_grant.contact.events.insert(index, preticked);
            // The same contact whose collection date carries that sign of life instead.
            let mut as_sign_of_life = r.clone();
            if when <= r.at.instant() {
                as_sign_of_life.contact.collected_at = as_sign_of_life.contact.collected_at.max(Some(when));
            }
            prop_assert_eq!(code(&with_grant), code(&as_sign_of_life));
            // So it never turns a deny into an allow unless it refreshed the sign of life.
            if last_sign_of_life(&with_grant) == last_sign_of_life(&r) {
                prop_assert_eq!(code(&with_grant), code(&r));
            }
        }

        #[test]
        fn decisions_are_deterministic(r in any_request(), lang in select(Lang::ALL.to_vec())) {
            let first = decide(&r, lang);
            prop_assert_eq!(&decide(&r.clone(), lang), &first);
            prop_assert_eq!(first.decision, first.code.decision());
            prop_assert!(!first.explanation.is_empty() && !first.references.is_empty());
        }

        #[test]
        fn requests_survive_the_wire(r in any_request()) {
            let json = serde_json::to_string(&r).unwrap();
            prop_assert_eq!(parse_request(&json).unwrap(), r);
        }

        #[test]
        fn agrees_with_the_reference_screening_on_its_domain(r in reference_domain()) {
            prop_assert_eq!(code(&r), reference::decide(&r));
        }
    }

    /// Requests of the kind the reference screening covers: FR, marketing, e-mail, SMS or phone,
    /// a commercial campaign about the recipient's job, known collection date, no call history.
    fn reference_domain() -> impl Strategy<Value = DecisionRequest> {
        (
            any_request(),
            select(vec![Channel::Email, Channel::Sms, Channel::Phone]),
            instant(),
        )
            .prop_map(|(mut r, channel, collected)| {
                r.jurisdiction = Jurisdiction::Fr;
                r.channel = channel;
                r.purpose = Purpose::Marketing;
                r.campaign.relates_to_profession = true;
                r.campaign.commercial = true;
                r.campaign.product_category = Some("optics".into());
                r.contact.collected_at = Some(collected);
                r.contact.calls_last_30_days = 0;
                r.contact.last_call_refusal_at = None;
                r
            })
    }

    /// Zones the requests are drawn in: metropolitan France and overseas, and a half-hour one.
    const ZONES: [&str; 5] = [
        "Europe/Paris",
        "Indian/Reunion",
        "America/Cayenne",
        "Pacific/Marquesas",
        "Europe/Berlin",
    ];

    /// `decide` of bench/reference_screen.py with `--contract 2`, transcribed line by line as an
    /// independent oracle (the contact's own zone for the hours, as the contract says; the
    /// reference's data set is all metropolitan).
    mod reference {
        use super::*;
        use jiff::civil::Date;

        fn three_years_before(at: Moment) -> Timestamp {
            let local = at.offset().to_datetime(at.instant());
            let date = Date::new(local.year() - 3, local.month(), local.day())
                .unwrap_or_else(|_| Date::new(local.year() - 3, local.month(), 28).unwrap());
            at.offset()
                .to_timestamp(date.to_datetime(local.time()))
                .unwrap()
        }

        pub fn decide(r: &DecisionRequest) -> Code {
            let k = &r.contact;
            let at = r.at.instant();
            let channel = ChannelScope::from(r.channel);
            let mut state: Option<(Timestamp, Action)> = None;
            let mut last_seen: Option<Timestamp> = None;
            for e in &k.events {
                if e.at <= at {
                    last_seen = Some(last_seen.map_or(e.at, |s| s.max(e.at)));
                }
                if e.purpose != Purpose::Marketing
                    || !(e.scope == channel || e.scope == ChannelScope::Any)
                {
                    continue;
                }
                if e.action == Action::Grant && e.method == Method::PretickedCheckbox {
                    continue;
                }
                if e.action == Action::Grant && e.scope == ChannelScope::Any {
                    continue;
                }
                if e.at > at {
                    continue;
                }
                if state.is_none_or(|(t, _)| e.at >= t) {
                    state = Some((e.at, e.action));
                }
            }
            if k.suppressed {
                return Code::Suppressed;
            }
            if k.restricted {
                return Code::Restricted;
            }
            let s = state.map(|(_, a)| a);
            if s == Some(Action::Withdraw) {
                return Code::Withdrawn;
            }
            if s == Some(Action::Object) {
                return Code::Objected;
            }
            let aud = k.audience;
            if aud != Audience::Generic && !k.customer {
                let collected = k.collected_at.unwrap();
                let seen = collected.max(last_seen.unwrap_or(collected));
                if seen < three_years_before(r.at) {
                    return Code::RetentionExpired;
                }
            }
            let zone = k
                .time_zone
                .map_or(vigie_core::calendar::paris(), |z| z.time_zone());
            let local = zone.to_datetime(at);
            if r.channel == Channel::Phone
                && aud == Audience::Consumer
                && !vigie_core::calendar::CallingTime::of_local_time(local).is_open()
            {
                return Code::OutsideCallingHours;
            }
            if aud == Audience::Generic {
                return Code::GenericAddress;
            }
            if aud == Audience::Professional {
                if s == Some(Action::Grant) {
                    return Code::Consent;
                }
                if k.informed && r.campaign.relates_to_profession && k.objection_offered {
                    return Code::B2bOptOut;
                }
                return Code::NotInformed;
            }
            let category = r.campaign.product_category.as_deref().unwrap();
            let customer_of_category =
                k.customer && k.customer_categories.iter().any(|c| c == category);
            if matches!(r.channel, Channel::Email | Channel::Sms) {
                if s == Some(Action::Grant) {
                    return Code::Consent;
                }
                if customer_of_category && k.objection_offered {
                    return Code::SoftOptIn;
                }
                return Code::NoConsent;
            }
            let paris_date = vigie_core::calendar::paris().to_datetime(at).date();
            if paris_date >= Date::constant(2026, 8, 11) {
                if s == Some(Action::Grant) {
                    return Code::Consent;
                }
                if k.contract_active && customer_of_category {
                    return Code::Contract;
                }
                if r.campaign.press {
                    return if k.informed && k.objection_offered {
                        Code::OptOut
                    } else {
                        Code::NotInformed
                    };
                }
                return Code::NoConsent;
            }
            let exempt = r.campaign.press || (k.contract_active && customer_of_category);
            if k.on_opposition_list && !exempt {
                return Code::OppositionList;
            }
            if k.informed && k.objection_offered {
                return Code::OptOut;
            }
            Code::NotInformed
        }
    }
}
