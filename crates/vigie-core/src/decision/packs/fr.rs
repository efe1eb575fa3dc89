//! France: CPCE L34-5 (electronic messages, automated calls, fax), Code de la consommation
//! L223-1 (phone prospecting: Bloctel opt-out, then opt-in from 11 August 2026 by loi 2025-594)
//! and D223-9 (days, hours, frequency and refusals for consumer calls), RGPD, and the CNIL's
//! three-year retention for prospects.
//!
//! The bases follow DECISIONS.md. Where the contract is silent:
//! - fax to a role address: GENERIC_ADDRESS, as for e-mail and post — L34-5 protects the
//!   details of natural persons, and a company's generic fax number is not one;
//! - post: a `grant` gives CONSENT before the opt-out test (consent is a basis on every channel,
//!   and someone who granted it was plainly informed);
//! - `automated_call` gets the consent and soft opt-in bases of electronic messages, as the
//!   contract groups them; the D223-9 day and hour limits are applied to live `phone` calls only,
//!   as the contract and the reference screening do.
//!
//! Where the contract and the reference screening (`bench/reference_screen.py`) differ, the engine
//! follows the contract; none of the differences shows on the bench data:
//! - an informed professional and a message unrelated to the job: the contract says
//!   UNRELATED_TO_PROFESSION, the reference NOT_INFORMED (bench campaigns all relate to the job);
//! - NON_COMMERCIAL and NOT_INFORMED for non-commercial campaigns, CALL_FREQUENCY_CAP and
//!   RECENT_REFUSAL are absent from the reference (bench campaigns are commercial and the bench
//!   data has no call history);
//! - the reference knows e-mail, SMS and phone only; WhatsApp, automated calls, fax and post
//!   follow the contract.

use super::{
    Bases as PackBases, ConsumerCallLimits, Rules, consent_only, informed_opt_out, postal,
    professional_opt_out,
};
use crate::decision::code::Code;
use crate::decision::contact::ContactView;
use crate::decision::engine::DecisionContext;
use crate::vocab::{Audience, Channel};

/// The dated part of the French bases.
#[derive(Debug)]
pub(crate) struct Bases {
    pub consumer_phone: PhoneRegime,
}

/// How phone prospecting of consumers is governed (Code de la consommation L223-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhoneRegime {
    /// Until 10 August 2026: allowed unless the number is on Bloctel (a running contract
    /// excepted), for a person informed and offered to object.
    OptOutWithList,
    /// From 11 August 2026 (loi 2025-594): prior consent, or a running contract and an offer
    /// related to it.
    OptIn,
}

/// The rules every French pack shares; `bases` carries what changes with the date.
pub(crate) const fn rules(bases: Bases) -> Rules {
    Rules {
        // CNIL: prospects' data is kept three years from the last contact coming from them.
        prospect_retention_years: Some(3),
        // D223-9: at most four calls in thirty days; sixty calendar days of quiet after a refusal.
        consumer_call_limits: Some(ConsumerCallLimits {
            max_calls_in_30_days: 4,
            quiet_days_after_refusal: 60,
        }),
        bases: PackBases::Fr(bases),
    }
}

/// The legal basis (or its absence) once the common rules have passed.
pub(crate) fn basis<C: ContactView + ?Sized>(
    ctx: &DecisionContext<'_>,
    bases: &Bases,
    contact: &C,
    consent: bool,
) -> Code {
    let audience = contact.audience();
    let relates = ctx.campaign().relates_to_profession;
    match (ctx.channel(), audience) {
        (Channel::Postal, _) => postal(contact, consent),
        (_, Audience::Generic) => Code::GenericAddress,
        (Channel::Fax, _) => consent_only(consent),
        (
            Channel::Email | Channel::Sms | Channel::Whatsapp | Channel::AutomatedCall,
            Audience::Consumer,
        ) => consumer_message(ctx, contact, consent),
        (Channel::Phone, Audience::Consumer) => {
            consumer_call(ctx, bases.consumer_phone, contact, consent)
        }
        // v2: the information alone is not enough, the person must also have been offered a
        // simple way to object at collection (CPCE L34-5, RGPD art. 21(4)).
        (_, Audience::Professional) => professional_opt_out(
            consent,
            contact.informed() && contact.objection_offered(),
            relates,
        ),
    }
}

/// L34-5: consent, else soft opt-in for customers of similar products; non-commercial appeals
/// are outside L34-5 and rest on legitimate interest with a right to object.
fn consumer_message<C: ContactView + ?Sized>(
    ctx: &DecisionContext<'_>,
    contact: &C,
    consent: bool,
) -> Code {
    if consent {
        Code::Consent
    } else if ctx.soft_opt_in_applies(contact) {
        Code::SoftOptIn
    } else if !ctx.campaign().commercial {
        if contact.informed() && contact.objection_offered() {
            Code::NonCommercial
        } else {
            Code::NotInformed
        }
    } else {
        Code::NoConsent
    }
}

fn consumer_call<C: ContactView + ?Sized>(
    ctx: &DecisionContext<'_>,
    regime: PhoneRegime,
    contact: &C,
    consent: bool,
) -> Code {
    // v2 (L223-1): the contract exception needs the offer to relate to the running contract,
    // i.e. a running contract and a customer of the campaign's category.
    let related_contract = contact.contract_active() && ctx.customer_of_campaign_category(contact);
    // v2: the supply of newspapers, periodicals or magazines is outside Bloctel and the opt-in
    // rule (L223-1), not outside the hours (checked before).
    let press = ctx.campaign().press;
    match regime {
        PhoneRegime::OptIn => {
            if consent {
                Code::Consent
            } else if related_contract {
                Code::Contract
            } else if press {
                informed_opt_out(contact)
            } else {
                Code::NoConsent
            }
        }
        // As the reference screening: consent is not a separate basis in the opt-out regime,
        // Bloctel binds unless a related contract runs or the offer is press.
        PhoneRegime::OptOutWithList => {
            if contact.on_opposition_list() && !related_contract && !press {
                Code::OppositionList
            } else {
                informed_opt_out(contact)
            }
        }
    }
}

/// The texts behind a code, for this channel and audience.
pub(crate) fn references(
    code: Code,
    channel: Channel,
    audience: Option<Audience>,
    bases: &Bases,
) -> &'static [&'static str] {
    let consumer_call = channel == Channel::Phone && audience == Some(Audience::Consumer);
    let opt_in_calls = consumer_call && bases.consumer_phone == PhoneRegime::OptIn;
    let l34_5 = matches!(
        channel,
        Channel::Email | Channel::Sms | Channel::Whatsapp | Channel::AutomatedCall | Channel::Fax
    );
    match code {
        Code::Consent if opt_in_calls => &[
            "FR Code de la consommation L223-1",
            "FR loi 2025-594",
            "RGPD art. 7",
        ],
        Code::Consent if l34_5 => &["FR CPCE L34-5", "RGPD art. 7"],
        Code::Consent => &["RGPD art. 6(1)(a)", "RGPD art. 7"],
        Code::SoftOptIn => &["FR CPCE L34-5"],
        Code::B2bOptOut if l34_5 => &["FR CPCE L34-5", "RGPD art. 6(1)(f)", "RGPD art. 21"],
        Code::B2bOptOut => &["RGPD art. 6(1)(f)", "RGPD art. 21"],
        Code::GenericAddress if l34_5 => &["FR CPCE L34-5", "RGPD art. 4(1)"],
        Code::GenericAddress => &["RGPD art. 4(1)"],
        Code::Contract => &["FR Code de la consommation L223-1", "FR loi 2025-594"],
        Code::OptOut if consumer_call => &["FR Code de la consommation L223-1", "RGPD art. 21"],
        Code::OptOut | Code::NonCommercial => &["RGPD art. 6(1)(f)", "RGPD art. 21"],
        Code::Suppressed => &["RGPD art. 17", "RGPD art. 21"],
        Code::Restricted => &["RGPD art. 18"],
        Code::Withdrawn if l34_5 => &["FR CPCE L34-5", "RGPD art. 7"],
        Code::Withdrawn => &["RGPD art. 7"],
        Code::Objected => &["RGPD art. 21"],
        Code::RetentionExpired => &["RGPD art. 5(1)(e)", "CNIL référentiel gestion commerciale"],
        Code::OutsideCallingHours | Code::CallFrequencyCap | Code::RecentRefusal => {
            &["FR Code de la consommation D223-9"]
        }
        Code::OppositionList => &["FR Code de la consommation L223-1"],
        Code::NotInformed => &["RGPD art. 13", "RGPD art. 14", "RGPD art. 21"],
        Code::UnrelatedToProfession => &["FR CPCE L34-5", "RGPD art. 6(1)(f)"],
        Code::NoConsent if opt_in_calls => {
            &["FR Code de la consommation L223-1", "FR loi 2025-594"]
        }
        Code::NoConsent => &["FR CPCE L34-5", "RGPD art. 7"],
        Code::UnknownContact => &["RGPD art. 5(2)", "RGPD art. 6(1)"],
        Code::InvalidIdentifier => &["RGPD art. 5(1)(d)"],
    }
}
