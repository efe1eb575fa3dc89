//! United Kingdom: the Privacy and Electronic Communications Regulations 2003 (PECR) and the
//! UK GDPR.
//!
//! From the contract: e-mail and SMS to individuals need consent or the soft opt-in (reg. 22);
//! corporate subscribers' staff and role addresses may be written to (B2B_OPT_OUT /
//! GENERIC_ADDRESS); live calls are opt-out, barred by the TPS (individuals) and CTPS (companies)
//! (reg. 21, 26); automated calls need everyone's consent (reg. 19). No retention or call-hour
//! rule in this pack.
//!
//! Where the contract is silent:
//! - WhatsApp messages are "electronic mail" in PECR (stored until collected): as e-mail;
//! - fax (reg. 20): individuals need consent; companies may be faxed unless on the FPS, so
//!   OPPOSITION_LIST, else OPT_OUT for an informed person, GENERIC_ADDRESS for a role number;
//! - live calls: a `grant` is CONSENT first, because a TPS subscriber may tell a caller they do
//!   not object to its calls (reg. 21(4)); OPT_OUT needs the person informed and offered to object,
//!   as every opt-out basis (else NOT_INFORMED);
//! - B2B_OPT_OUT to staff of companies uses the French test (informed, message about their job):
//!   PECR leaves corporate subscribers out of reg. 22, but the UK GDPR's legitimate interest
//!   still needs a message relevant to the person's role;
//! - post is not in PECR: UK GDPR opt-out (consent, else OPT_OUT for an informed person);
//! - non-commercial appeals are direct marketing under PECR when they promote aims and ideals
//!   (ICO): no NON_COMMERCIAL basis.

use super::{Bases, Rules, consent_only, informed_opt_out, postal, professional_opt_out};
use crate::decision::code::Code;
use crate::decision::contact::ContactView;
use crate::decision::engine::DecisionContext;
use crate::vocab::{Audience, Channel};

pub(crate) const RULES: Rules = Rules {
    prospect_retention_years: None,
    consumer_call_limits: None,
    bases: Bases::Uk,
};

pub(crate) fn basis<C: ContactView + ?Sized>(
    ctx: &DecisionContext<'_>,
    contact: &C,
    consent: bool,
) -> Code {
    let relates = ctx.campaign().relates_to_profession;
    let audience = contact.audience();
    match ctx.channel() {
        Channel::Email | Channel::Sms | Channel::Whatsapp => match audience {
            Audience::Consumer if consent => Code::Consent,
            Audience::Consumer if ctx.soft_opt_in_applies(contact) => Code::SoftOptIn,
            Audience::Consumer => Code::NoConsent,
            Audience::Professional => professional_opt_out(consent, contact.informed(), relates),
            Audience::Generic => Code::GenericAddress,
        },
        Channel::AutomatedCall => consent_only(consent),
        Channel::Fax if audience == Audience::Consumer => consent_only(consent),
        Channel::Phone | Channel::Fax => {
            if consent {
                Code::Consent
            } else if contact.on_opposition_list() {
                Code::OppositionList
            } else if audience == Audience::Generic {
                Code::GenericAddress
            } else {
                informed_opt_out(contact)
            }
        }
        Channel::Postal => postal(contact, consent),
    }
}

pub(crate) fn references(code: Code, channel: Channel) -> &'static [&'static str] {
    let pecr: &'static [&'static str] = match channel {
        Channel::Email | Channel::Sms | Channel::Whatsapp => &["UK PECR reg. 22"],
        Channel::AutomatedCall => &["UK PECR reg. 19"],
        Channel::Fax => &["UK PECR reg. 20"],
        Channel::Phone => &["UK PECR reg. 21"],
        Channel::Postal => &[],
    };
    match code {
        Code::Consent | Code::NoConsent | Code::Withdrawn => match channel {
            Channel::Postal => &["UK GDPR art. 6(1)(a)", "UK GDPR art. 7"],
            Channel::Email | Channel::Sms | Channel::Whatsapp => {
                &["UK PECR reg. 22", "UK GDPR art. 7"]
            }
            Channel::AutomatedCall => &["UK PECR reg. 19", "UK GDPR art. 7"],
            Channel::Fax => &["UK PECR reg. 20", "UK GDPR art. 7"],
            Channel::Phone => &["UK PECR reg. 21", "UK GDPR art. 7"],
        },
        Code::SoftOptIn => &["UK PECR reg. 22(3)"],
        Code::B2bOptOut | Code::UnrelatedToProfession => {
            &["UK PECR reg. 22", "UK GDPR art. 6(1)(f)", "UK GDPR art. 21"]
        }
        Code::GenericAddress if pecr.is_empty() => &["UK GDPR art. 4(1)"],
        Code::GenericAddress => pecr,
        Code::OppositionList if channel == Channel::Fax => &["UK PECR reg. 20", "UK PECR reg. 25"],
        Code::OppositionList => &["UK PECR reg. 21", "UK PECR reg. 26"],
        Code::OptOut if channel == Channel::Phone => &["UK PECR reg. 21", "UK GDPR art. 21"],
        Code::OptOut if channel == Channel::Fax => &["UK PECR reg. 20", "UK GDPR art. 21"],
        Code::OptOut | Code::NonCommercial | Code::Contract => {
            &["UK GDPR art. 6(1)(f)", "UK GDPR art. 21"]
        }
        Code::Suppressed => &["UK GDPR art. 17", "UK GDPR art. 21"],
        Code::Restricted => &["UK GDPR art. 18"],
        Code::Objected => &["UK GDPR art. 21"],
        Code::NotInformed => &["UK GDPR art. 13", "UK GDPR art. 14", "UK GDPR art. 21"],
        // Not reached by this pack's rules; named for completeness of explanations.
        Code::RetentionExpired => &["UK GDPR art. 5(1)(e)"],
        Code::OutsideCallingHours | Code::CallFrequencyCap | Code::RecentRefusal => {
            &["UK PECR reg. 21"]
        }
        Code::UnknownContact => &["UK GDPR art. 5(2)", "UK GDPR art. 6(1)"],
        Code::InvalidIdentifier => &["UK GDPR art. 5(1)(d)"],
    }
}
