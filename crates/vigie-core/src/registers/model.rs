//! The registers' typed model: the organization's profile, the record of processing activities
//! (GDPR art. 30(1) and 30(2)), processors and vendors (art. 28), impact assessments (art. 35).
//! Field names are the wire and YAML spelling; every record is refused whole when a field is
//! unknown or out of its vocabulary.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::assess::{Country, Criterion, Safeguard};
use crate::vocab::vocabulary;

/// The whole set of registers of one organization: what `vigie registers apply` reads and
/// `export` writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registers {
    pub profile: Profile,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub processors: Vec<Processor>,
    #[serde(default)]
    pub dpias: Vec<Dpia>,
}

vocabulary! {
    /// What the organization is for the processing it records (art. 4(7), 4(8), 26).
    OrgRole, "role" {
        Controller => "controller",
        Processor => "processor",
        JointController => "joint_controller",
    }
}

/// Name and contact details (art. 30(1)(a)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub name: String,
    /// E-mail, postal address or telephone, as people should use it.
    pub contact: String,
}

/// Who the organization is: the first page of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub legal_name: String,
    /// SIREN, company number…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_number: Option<String>,
    pub address: String,
    /// The legal representative, or the art. 27 representative of a controller outside the Union.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<Party>,
    /// The data protection officer (art. 37-39), named in every notice and the privacy centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpo: Option<Party>,
    pub roles: Vec<OrgRole>,
    /// The controllers the organization processes data for, when it is a processor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<String>,
    /// The other controllers, when it is a joint controller (art. 26).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joint_controllers: Vec<String>,
}

vocabulary! {
    /// The lawful basis of a processing (art. 6(1)(a)-(f)).
    LegalBasis, "legal basis" {
        Consent => "consent",
        Contract => "contract",
        LegalObligation => "legal_obligation",
        VitalInterests => "vital_interests",
        PublicTask => "public_task",
        LegitimateInterests => "legitimate_interests",
    }
}

impl LegalBasis {
    pub fn article(self) -> &'static str {
        match self {
            LegalBasis::Consent => "art. 6(1)(a)",
            LegalBasis::Contract => "art. 6(1)(b)",
            LegalBasis::LegalObligation => "art. 6(1)(c)",
            LegalBasis::VitalInterests => "art. 6(1)(d)",
            LegalBasis::PublicTask => "art. 6(1)(e)",
            LegalBasis::LegitimateInterests => "art. 6(1)(f)",
        }
    }
}

vocabulary! {
    /// The condition for processing special categories (art. 9(2)) or criminal data (art. 10).
    SpecialCondition, "special condition" {
        ExplicitConsent => "explicit_consent",
        EmploymentSocialSecurity => "employment_social_security",
        VitalInterests => "vital_interests",
        NotForProfitBody => "not_for_profit_body",
        MadePublic => "made_public",
        LegalClaims => "legal_claims",
        SubstantialPublicInterest => "substantial_public_interest",
        HealthOrSocialCare => "health_or_social_care",
        PublicHealth => "public_health",
        ArchivingOrResearch => "archiving_or_research",
        /// Art. 10: under the control of official authority or authorised by law.
        OfficialAuthorityOrLaw => "official_authority_or_law",
    }
}

impl SpecialCondition {
    pub fn article(self) -> &'static str {
        use SpecialCondition::*;
        match self {
            ExplicitConsent => "art. 9(2)(a)",
            EmploymentSocialSecurity => "art. 9(2)(b)",
            VitalInterests => "art. 9(2)(c)",
            NotForProfitBody => "art. 9(2)(d)",
            MadePublic => "art. 9(2)(e)",
            LegalClaims => "art. 9(2)(f)",
            SubstantialPublicInterest => "art. 9(2)(g)",
            HealthOrSocialCare => "art. 9(2)(h)",
            PublicHealth => "art. 9(2)(i)",
            ArchivingOrResearch => "art. 9(2)(j)",
            OfficialAuthorityOrLaw => "art. 10",
        }
    }
}

vocabulary! {
    /// The kind of a category of data (art. 9, art. 10, everything else).
    DataKind, "data kind" {
        General => "general",
        Sensitive => "sensitive",
        Criminal => "criminal",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataCategory {
    pub name: String,
    pub kind: DataKind,
}

/// A transfer outside the EEA (art. 30(1)(e)): to whom, where, on what safeguard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub recipient: String,
    pub country: Country,
    #[serde(default)]
    pub safeguard: Option<Safeguard>,
    #[serde(default)]
    pub dpf_certified: bool,
}

vocabulary! {
    /// The Vigie data an activity covers: what links the register to the base it describes.
    VigieData, "Vigie data" {
        Contacts => "contacts",
        ConsentLedger => "consent_ledger",
        ProspectingEmail => "prospecting_email",
        ProspectingSms => "prospecting_sms",
        ProspectingPhone => "prospecting_phone",
        ProspectingPost => "prospecting_post",
        ScreeningProof => "screening_proof",
        CallLog => "call_log",
        CallRecording => "call_recording",
        SuppressionList => "suppression_list",
        DataSubjectRequests => "data_subject_requests",
        AuditTrail => "audit_trail",
    }
}

/// Whether an impact assessment is needed, as the activity's sheet records it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DpiaScreening {
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    #[serde(default)]
    pub on_authority_list: bool,
}

/// One processing activity: every field of art. 30(1), and 30(2) for a processor's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// A short stable identifier (`prospecting-phone`), for references and addresses.
    pub id: String,
    pub name: String,
    /// Art. 30(2)(a): the controller on whose behalf a processor acts; none for our own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
    pub purposes: Vec<String>,
    pub legal_basis: LegalBasis,
    /// Which legitimate interest, which contract, which obligation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis_detail: Option<String>,
    /// Required when a category of data is sensitive or criminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_condition: Option<SpecialCondition>,
    pub categories_of_persons: Vec<String>,
    pub categories_of_data: Vec<DataCategory>,
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Identifiers of the processors (`processors[].id`).
    #[serde(default)]
    pub processors: Vec<String>,
    #[serde(default)]
    pub transfers: Vec<Transfer>,
    pub retention: Vec<String>,
    pub security_measures: Vec<String>,
    #[serde(default)]
    pub dpia: DpiaScreening,
    #[serde(default)]
    pub vigie_data: Vec<VigieData>,
}

vocabulary! {
    /// The eight stipulations of a processing contract (art. 28(3)(a)-(h)).
    Art28Clause, "art. 28(3) clause" {
        DocumentedInstructions => "documented_instructions",
        Confidentiality => "confidentiality",
        Security => "security",
        SubProcessing => "sub_processing",
        AssistanceWithRights => "assistance_with_rights",
        AssistanceWithObligations => "assistance_with_obligations",
        DeletionOrReturn => "deletion_or_return",
        Audits => "audits",
    }
}

impl Art28Clause {
    pub fn article(self) -> &'static str {
        use Art28Clause::*;
        match self {
            DocumentedInstructions => "art. 28(3)(a)",
            Confidentiality => "art. 28(3)(b)",
            Security => "art. 28(3)(c)",
            SubProcessing => "art. 28(3)(d)",
            AssistanceWithRights => "art. 28(3)(e)",
            AssistanceWithObligations => "art. 28(3)(f)",
            DeletionOrReturn => "art. 28(3)(g)",
            Audits => "art. 28(3)(h)",
        }
    }
}

/// A sub-processor in a processor's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubProcessor {
    pub name: String,
    pub services: Vec<String>,
    pub country: Country,
    #[serde(default)]
    pub safeguard: Option<Safeguard>,
    #[serde(default)]
    pub dpf_certified: bool,
}

/// A processor or vendor (art. 28).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Processor {
    pub id: String,
    pub name: String,
    pub services: Vec<String>,
    /// The data concerned.
    pub data: Vec<String>,
    /// Where the data is processed.
    pub country: Country,
    #[serde(default)]
    pub safeguard: Option<Safeguard>,
    #[serde(default)]
    pub dpf_certified: bool,
    #[serde(default)]
    pub sub_processors: Vec<SubProcessor>,
    /// The art. 28(3) clauses the contract contains; a missing one is flagged.
    #[serde(default)]
    pub clauses: Vec<Art28Clause>,
    #[serde(default)]
    pub certifications: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_review: Option<Date>,
}

vocabulary! {
    /// The three feared events of the CNIL's PIA method: what can happen to the persons' data.
    RiskKind, "risk" {
        IllegitimateAccess => "illegitimate_access",
        UnwantedChange => "unwanted_change",
        Disappearance => "disappearance",
    }
}

vocabulary! {
    /// The CNIL's four-level scale of severity and likelihood.
    Level, "level" {
        Negligible => "negligible",
        Limited => "limited",
        Significant => "significant",
        Maximum => "maximum",
    }
}

impl Level {
    /// 1 to 4, the heat map's row or column.
    pub fn rank(self) -> u8 {
        match self {
            Level::Negligible => 1,
            Level::Limited => 2,
            Level::Significant => 3,
            Level::Maximum => 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub kind: RiskKind,
    pub severity: Level,
    pub likelihood: Level,
    #[serde(default)]
    pub controls: Vec<String>,
    /// After the planned controls.
    pub residual_severity: Level,
    pub residual_likelihood: Level,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    pub by: String,
    pub on: Date,
}

/// An impact assessment (art. 35).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dpia {
    pub id: String,
    /// The activity assessed (`activities[].id`).
    /// Its criteria are the activity's (`dpia.criteria`), stated once.
    pub activity: String,
    #[serde(default)]
    pub risks: Vec<Risk>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_off: Option<SignOff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_on: Option<Date>,
}
