//! What a decision says: allow or deny, and the one code that names the legal basis of an allow
//! or the first reason that blocks a deny.

use crate::vocab::vocabulary;

vocabulary! {
    /// The answer to "may we contact this person?".
    Decision, "decision" {
        Allow => "allow",
        Deny => "deny",
    }
}

vocabulary! {
    /// The legal basis of an allow, or the first reason that blocks a deny (see DECISIONS.md).
    Code, "code" {
        // Allow: the legal basis.
        /// Valid consent for this channel and purpose.
        Consent => "CONSENT",
        /// Existing customer, similar products (same category), could object at collection.
        SoftOptIn => "SOFT_OPT_IN",
        /// Professional, informed at collection, message about their job, has not objected.
        B2bOptOut => "B2B_OPT_OUT",
        /// Role address of a company: not a person's data.
        GenericAddress => "GENERIC_ADDRESS",
        /// Phone: a running contract and an offer related to it.
        Contract => "CONTRACT",
        /// Opt-out channel (postal; phone where the regime is opt-out), informed, not objected.
        OptOut => "OPT_OUT",
        /// Non-commercial appeal to an informed person who could object.
        NonCommercial => "NON_COMMERCIAL",

        // Deny: the first reason that blocks.
        /// Identifier on the suppression list (erased or permanently opted out).
        Suppressed => "SUPPRESSED",
        /// Processing restricted (GDPR art. 18).
        Restricted => "RESTRICTED",
        /// Consent withdrawn / unsubscribed on this channel.
        Withdrawn => "WITHDRAWN",
        /// Objected to marketing (GDPR art. 21) on this channel or on every channel.
        Objected => "OBJECTED",
        /// FR: prospect with no sign of life for more than 3 years.
        RetentionExpired => "RETENTION_EXPIRED",
        /// FR consumer calls: outside the permitted days and hours.
        OutsideCallingHours => "OUTSIDE_CALLING_HOURS",
        /// FR consumer calls: already 4 calls in the last 30 days.
        CallFrequencyCap => "CALL_FREQUENCY_CAP",
        /// FR consumer calls: refused during a call less than 60 days ago.
        RecentRefusal => "RECENT_REFUSAL",
        /// On the national do-not-call list where that list applies.
        OppositionList => "OPPOSITION_LIST",
        /// An opt-out basis would apply, but the person was not informed / offered to object.
        NotInformed => "NOT_INFORMED",
        /// B2B opt-out does not cover a message unrelated to the job.
        UnrelatedToProfession => "UNRELATED_TO_PROFESSION",
        /// Consent needed and none valid.
        NoConsent => "NO_CONSENT",
        /// Bulk screening only: the identifier matches no contact of the base.
        UnknownContact => "UNKNOWN_CONTACT",
        /// Bulk screening only: the identifier is unusable (not an e-mail address or phone number).
        InvalidIdentifier => "INVALID_IDENTIFIER",
    }
}

impl Code {
    /// Whether this code allows or denies the contact.
    pub const fn decision(self) -> Decision {
        match self {
            Code::Consent
            | Code::SoftOptIn
            | Code::B2bOptOut
            | Code::GenericAddress
            | Code::Contract
            | Code::OptOut
            | Code::NonCommercial => Decision::Allow,
            Code::Suppressed
            | Code::Restricted
            | Code::Withdrawn
            | Code::Objected
            | Code::RetentionExpired
            | Code::OutsideCallingHours
            | Code::CallFrequencyCap
            | Code::RecentRefusal
            | Code::OppositionList
            | Code::NotInformed
            | Code::UnrelatedToProfession
            | Code::NoConsent
            | Code::UnknownContact
            | Code::InvalidIdentifier => Decision::Deny,
        }
    }

    pub const fn is_allow(self) -> bool {
        matches!(self.decision(), Decision::Allow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_split_into_seven_allows() {
        for c in Code::ALL {
            assert_eq!(c.as_str().parse::<Code>().unwrap(), *c);
            assert_eq!(
                serde_json::to_string(c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        assert_eq!(Code::ALL.iter().filter(|c| c.is_allow()).count(), 7);
        assert_eq!(serde_json::to_string(&Decision::Deny).unwrap(), "\"deny\"");
    }
}
