//! Germany: UWG §7 (unacceptable nuisance) and the DSGVO.
//!
//! From the contract: e-mail, SMS, WhatsApp, fax and automated calls need the prior express
//! consent of every addressee, businesses and role addresses included (§7(2) Nr. 2); customers may
//! be written to about similar products (§7(3)); consumers need consent for calls (§7(2) Nr. 1).
//! There is no prospect retention rule and no call-hour rule in this pack.
//!
//! Where the contract is silent:
//! - soft opt-in (§7(3)) covers "elektronische Post" only: e-mail, SMS and WhatsApp, not fax or
//!   automated calls;
//! - calls to professionals: §7(2) Nr. 1 accepts their presumed consent, which case law grants
//!   only for a concrete interest of the business — read as B2B_OPT_OUT for an informed person
//!   and a message about their job (else UNRELATED_TO_PROFESSION / NOT_INFORMED); a company's
//!   switchboard likewise gets GENERIC_ADDRESS only for a message about its business;
//! - post is opt-out (§7(1): advertising the recipient recognisably does not want): consent, else
//!   OPT_OUT for a person informed and offered to object, GENERIC_ADDRESS for role addresses;
//! - non-commercial appeals get no exception: the courts apply §7's standard to unsolicited
//!   e-mail through BGB §§823, 1004 whatever its purpose.

use super::{Bases, Rules, consent_only, postal, professional_opt_out};
use crate::decision::code::Code;
use crate::decision::contact::ContactView;
use crate::decision::engine::DecisionContext;
use crate::vocab::{Audience, Channel};

pub(crate) const RULES: Rules = Rules {
    prospect_retention_years: None,
    consumer_call_limits: None,
    bases: Bases::De,
};

pub(crate) fn basis<C: ContactView + ?Sized>(
    ctx: &DecisionContext<'_>,
    contact: &C,
    consent: bool,
) -> Code {
    let relates = ctx.campaign().relates_to_profession;
    match ctx.channel() {
        Channel::Email | Channel::Sms | Channel::Whatsapp => {
            if consent {
                Code::Consent
            } else if ctx.soft_opt_in_applies(contact) {
                Code::SoftOptIn
            } else {
                Code::NoConsent
            }
        }
        Channel::Fax | Channel::AutomatedCall => consent_only(consent),
        Channel::Phone => match contact.audience() {
            Audience::Consumer => consent_only(consent),
            Audience::Professional => professional_opt_out(consent, contact.informed(), relates),
            Audience::Generic if consent => Code::Consent,
            Audience::Generic if relates => Code::GenericAddress,
            Audience::Generic => Code::UnrelatedToProfession,
        },
        Channel::Postal => postal(contact, consent),
    }
}

pub(crate) fn references(code: Code, channel: Channel) -> &'static [&'static str] {
    let phone = channel == Channel::Phone;
    let postal = channel == Channel::Postal;
    match code {
        Code::Consent | Code::NoConsent if phone => &["DE UWG §7(2) Nr. 1", "DSGVO Art. 7"],
        Code::Consent if postal => &["DSGVO Art. 6(1)(a)", "DSGVO Art. 7"],
        Code::Consent | Code::NoConsent => &["DE UWG §7(2) Nr. 2", "DSGVO Art. 7"],
        Code::SoftOptIn => &["DE UWG §7(3)"],
        Code::B2bOptOut | Code::UnrelatedToProfession => {
            &["DE UWG §7(2) Nr. 1", "DSGVO Art. 6(1)(f)"]
        }
        Code::GenericAddress if phone => &["DE UWG §7(2) Nr. 1"],
        Code::GenericAddress => &["DE UWG §7(1)", "DSGVO Art. 4 Nr. 1"],
        Code::OptOut | Code::NonCommercial | Code::Contract => {
            &["DE UWG §7(1)", "DSGVO Art. 6(1)(f)", "DSGVO Art. 21"]
        }
        Code::Suppressed => &["DSGVO Art. 17", "DSGVO Art. 21"],
        Code::Restricted => &["DSGVO Art. 18"],
        Code::Withdrawn => &["DE UWG §7", "DSGVO Art. 7"],
        Code::Objected => &["DE UWG §7(1)", "DSGVO Art. 21"],
        Code::NotInformed => &["DSGVO Art. 13", "DSGVO Art. 14", "DSGVO Art. 21"],
        // Not reached by this pack's rules; named for completeness of explanations.
        Code::RetentionExpired => &["DSGVO Art. 5(1)(e)"],
        Code::OutsideCallingHours
        | Code::CallFrequencyCap
        | Code::RecentRefusal
        | Code::OppositionList => &["DE UWG §7"],
        Code::UnknownContact => &["DSGVO Art. 5(2)", "DSGVO Art. 6(1)"],
        Code::InvalidIdentifier => &["DSGVO Art. 5(1)(d)"],
    }
}
