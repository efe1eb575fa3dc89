//! The registers' vocabularies in words (vigie-core's `registers` and `assess`), for the pages.

use vigie_core::assess::{Criterion, Safeguard};
use vigie_core::registers::{
    Art28Clause, DataKind, LegalBasis, Level, OrgRole, RiskKind, SpecialCondition, VigieData,
};

use super::labels::Label;
use super::words::W;

impl Label for LegalBasis {
    fn word(self) -> W {
        match self {
            LegalBasis::Consent => W::BasisConsent,
            LegalBasis::Contract => W::BasisContract,
            LegalBasis::LegalObligation => W::BasisLegalObligation,
            LegalBasis::VitalInterests => W::BasisVitalInterests,
            LegalBasis::PublicTask => W::BasisPublicTask,
            LegalBasis::LegitimateInterests => W::BasisLegitimateInterests,
        }
    }
}

impl Label for SpecialCondition {
    fn word(self) -> W {
        use SpecialCondition::*;
        match self {
            ExplicitConsent => W::CondExplicitConsent,
            EmploymentSocialSecurity => W::CondEmployment,
            VitalInterests => W::CondVitalInterests,
            NotForProfitBody => W::CondNotForProfit,
            MadePublic => W::CondMadePublic,
            LegalClaims => W::CondLegalClaims,
            SubstantialPublicInterest => W::CondPublicInterest,
            HealthOrSocialCare => W::CondHealthCare,
            PublicHealth => W::CondPublicHealth,
            ArchivingOrResearch => W::CondArchiving,
            OfficialAuthorityOrLaw => W::CondOfficialAuthority,
        }
    }
}

impl Label for DataKind {
    fn word(self) -> W {
        match self {
            DataKind::General => W::KindGeneral,
            DataKind::Sensitive => W::KindSensitive,
            DataKind::Criminal => W::KindCriminal,
        }
    }
}

impl Label for OrgRole {
    fn word(self) -> W {
        match self {
            OrgRole::Controller => W::RoleController,
            OrgRole::Processor => W::RoleProcessor,
            OrgRole::JointController => W::RoleJointController,
        }
    }
}

impl Label for Safeguard {
    fn word(self) -> W {
        match self {
            Safeguard::Scc => W::SafeguardScc,
            Safeguard::Bcr => W::SafeguardBcr,
            Safeguard::CodeOrCertification => W::SafeguardCode,
            Safeguard::Derogation => W::SafeguardDerogation,
        }
    }
}

impl Label for Art28Clause {
    fn word(self) -> W {
        use Art28Clause::*;
        match self {
            DocumentedInstructions => W::ClauseInstructions,
            Confidentiality => W::ClauseConfidentiality,
            Security => W::ClauseSecurity,
            SubProcessing => W::ClauseSubProcessing,
            AssistanceWithRights => W::ClauseRights,
            AssistanceWithObligations => W::ClauseObligations,
            DeletionOrReturn => W::ClauseDeletion,
            Audits => W::ClauseAudits,
        }
    }
}

impl Label for RiskKind {
    fn word(self) -> W {
        match self {
            RiskKind::IllegitimateAccess => W::RiskAccess,
            RiskKind::UnwantedChange => W::RiskChange,
            RiskKind::Disappearance => W::RiskDisappearance,
        }
    }
}

impl Label for Level {
    fn word(self) -> W {
        match self {
            Level::Negligible => W::LevelNegligible,
            Level::Limited => W::LevelLimited,
            Level::Significant => W::LevelSignificant,
            Level::Maximum => W::LevelMaximum,
        }
    }
}

impl Label for Criterion {
    fn word(self) -> W {
        use Criterion::*;
        match self {
            EvaluationOrScoring => W::CritScoring,
            AutomatedDecisionWithLegalEffect => W::CritAutomated,
            SystematicMonitoring => W::CritMonitoring,
            SensitiveData => W::CritSensitive,
            LargeScale => W::CritLargeScale,
            MatchingOrCombining => W::CritMatching,
            VulnerableSubjects => W::CritVulnerable,
            InnovativeTechnology => W::CritInnovative,
            PreventsExercisingRights => W::CritPreventsRights,
        }
    }
}

impl Label for VigieData {
    fn word(self) -> W {
        use VigieData::*;
        match self {
            Contacts => W::DataContacts,
            ConsentLedger => W::DataLedger,
            ProspectingEmail => W::DataProspectingEmail,
            ProspectingSms => W::DataProspectingSms,
            ProspectingPhone => W::DataProspectingPhone,
            ProspectingPost => W::DataProspectingPost,
            ScreeningProof => W::DataScreeningProof,
            CallLog => W::DataCallLog,
            CallRecording => W::DataCallRecording,
            SuppressionList => W::DataSuppression,
            DataSubjectRequests => W::DataRequests,
            AuditTrail => W::DataAudit,
        }
    }
}
