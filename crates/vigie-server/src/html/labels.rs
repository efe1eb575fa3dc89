//! Vocabulary values in words: the pages never show a raw code (`unticked_checkbox`,
//! `in_store`, `access`) where a person reads. Each value maps to a text of the catalogue.

use vigie_core::dsar::{RequestKind, RequestStatus, Urgency};
use vigie_core::{Action, Audience, CallOutcome, ChannelScope, Lang, Method, Purpose, Role};

use super::words::W;

/// A vocabulary value that has a name in words.
pub(crate) trait Label: Copy {
    fn word(self) -> W;

    fn label(self, lang: Lang) -> &'static str {
        self.word().t(lang)
    }
}

impl Label for Audience {
    fn word(self) -> W {
        match self {
            Audience::Consumer => W::AudienceConsumer,
            Audience::Professional => W::AudienceProfessional,
            Audience::Generic => W::AudienceGeneric,
        }
    }
}

impl Label for ChannelScope {
    fn word(self) -> W {
        match self {
            ChannelScope::Email => W::ChannelEmail,
            ChannelScope::Sms => W::ChannelSms,
            ChannelScope::Whatsapp => W::ChannelWhatsapp,
            ChannelScope::Phone => W::ChannelPhone,
            ChannelScope::AutomatedCall => W::ChannelAutomatedCall,
            ChannelScope::Fax => W::ChannelFax,
            ChannelScope::Postal => W::ChannelPostal,
            ChannelScope::Any => W::ChannelAny,
        }
    }
}

impl Label for vigie_core::Channel {
    fn word(self) -> W {
        ChannelScope::from(self).word()
    }
}

impl Label for vigie_core::Code {
    fn word(self) -> W {
        use vigie_core::Code;
        match self {
            Code::Consent => W::CodeConsent,
            Code::SoftOptIn => W::CodeSoftOptIn,
            Code::B2bOptOut => W::CodeB2bOptOut,
            Code::GenericAddress => W::CodeGenericAddress,
            Code::Contract => W::CodeContract,
            Code::OptOut => W::CodeOptOut,
            Code::NonCommercial => W::CodeNonCommercial,
            Code::Suppressed => W::CodeSuppressed,
            Code::Restricted => W::CodeRestricted,
            Code::Withdrawn => W::CodeWithdrawn,
            Code::Objected => W::CodeObjected,
            Code::RetentionExpired => W::CodeRetentionExpired,
            Code::OutsideCallingHours => W::CodeOutsideCallingHours,
            Code::CallFrequencyCap => W::CodeCallFrequencyCap,
            Code::RecentRefusal => W::CodeRecentRefusal,
            Code::OppositionList => W::CodeOppositionList,
            Code::NotInformed => W::CodeNotInformed,
            Code::UnrelatedToProfession => W::CodeUnrelatedToProfession,
            Code::NoConsent => W::CodeNoConsent,
            Code::UnknownContact => W::CodeUnknownContact,
            Code::InvalidIdentifier => W::CodeInvalidIdentifier,
        }
    }
}

impl Label for Action {
    fn word(self) -> W {
        match self {
            Action::Grant => W::ActionGrant,
            Action::Withdraw => W::ActionWithdraw,
            Action::Object => W::ActionObject,
        }
    }
}

impl Label for Purpose {
    fn word(self) -> W {
        match self {
            Purpose::Marketing => W::PurposeMarketing,
            Purpose::Newsletter => W::PurposeNewsletter,
            Purpose::Partners => W::PurposePartners,
            Purpose::Profiling => W::PurposeProfiling,
        }
    }
}

impl Label for Method {
    fn word(self) -> W {
        match self {
            Method::DoubleOptIn => W::MethodDoubleOptIn,
            Method::SingleOptIn => W::MethodSingleOptIn,
            Method::UntickedCheckbox => W::MethodUntickedCheckbox,
            Method::PretickedCheckbox => W::MethodPretickedCheckbox,
            Method::PaperForm => W::MethodPaperForm,
            Method::PhoneRecorded => W::MethodPhoneRecorded,
            Method::UnsubscribeLink => W::MethodUnsubscribeLink,
            Method::EmailReply => W::MethodEmailReply,
            Method::CustomerService => W::MethodCustomerService,
            Method::PrivacyCentre => W::MethodPrivacyCentre,
            Method::Api => W::MethodApi,
        }
    }
}

impl Label for Role {
    fn word(self) -> W {
        match self {
            Role::Admin => W::RoleAdmin,
            Role::Dpo => W::RoleDpo,
            Role::Marketer => W::RoleMarketer,
            Role::Agent => W::RoleAgent,
            Role::Auditor => W::RoleAuditor,
        }
    }
}

impl Label for RequestKind {
    fn word(self) -> W {
        match self {
            RequestKind::Access => W::KindAccess,
            RequestKind::Rectification => W::KindRectification,
            RequestKind::Erasure => W::KindErasure,
            RequestKind::Restriction => W::KindRestriction,
            RequestKind::Portability => W::KindPortability,
            RequestKind::Objection => W::KindObjection,
        }
    }
}

impl Label for RequestStatus {
    fn word(self) -> W {
        match self {
            RequestStatus::AwaitingIdentity => W::StatusAwaitingIdentity,
            RequestStatus::InProgress => W::StatusInProgress,
            RequestStatus::Completed => W::StatusCompleted,
            RequestStatus::Rejected => W::StatusRejected,
        }
    }
}

impl Label for Urgency {
    fn word(self) -> W {
        match self {
            Urgency::Overdue => W::UrgencyOverdue,
            Urgency::DueSoon => W::UrgencyDueSoon,
            Urgency::OnTrack => W::UrgencyOnTrack,
            Urgency::Paused => W::UrgencyPaused,
            Urgency::Closed => W::UrgencyClosed,
        }
    }
}

impl Label for CallOutcome {
    fn word(self) -> W {
        use CallOutcome as O;
        match self {
            O::Answered => W::OutcomeAnswered,
            O::NoAnswer => W::OutcomeNoAnswer,
            O::Busy => W::OutcomeBusy,
            O::Voicemail => W::OutcomeVoicemail,
            O::Refused => W::OutcomeRefused,
            O::WrongNumber => W::OutcomeWrongNumber,
            O::CallbackRequested => W::OutcomeCallbackRequested,
            O::ConsentGiven => W::OutcomeConsentGiven,
        }
    }
}

/// How a contact was collected, in words: the values the imports know, else the value as given.
pub(crate) fn collected_via(value: &str, lang: Lang) -> &str {
    let word = match value {
        "in_store" => W::ViaInStore,
        "web_form" => W::ViaWebForm,
        "purchase" => W::ViaPurchase,
        "contest" => W::ViaContest,
        "referral" => W::ViaReferral,
        _ => return value,
    };
    word.t(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_words_in_both_languages() {
        assert_eq!(
            Method::UntickedCheckbox.label(Lang::Fr),
            "case à cocher non pré-cochée"
        );
        assert_eq!(
            Method::UntickedCheckbox.label(Lang::En),
            "unticked checkbox"
        );
        assert_eq!(collected_via("in_store", Lang::Fr), "en magasin");
        assert_eq!(collected_via("fair", Lang::Fr), "fair");
        assert_eq!(RequestKind::Access.label(Lang::Fr), "Accès aux données");
        assert_eq!(Role::Agent.label(Lang::En), "call-centre agent");
    }
}
