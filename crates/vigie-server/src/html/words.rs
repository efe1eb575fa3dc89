//! One way to say a word: every text of the pages is a key of [`W`], with its French and its
//! English side by side in one table, so a page cannot show a word in one language only.
//! Texts with values in them are small functions next to the page that needs them.

use vigie_core::Lang;

macro_rules! catalogue {
    ($($key:ident => $fr:expr, $en:expr;)*) => {
        /// A text of the pages (French first, then English).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum W { $($key,)* }

        impl W {
            #[cfg(test)]
            pub(crate) const ALL: &'static [W] = &[$(W::$key,)*];

            pub(crate) const fn fr(self) -> &'static str {
                match self { $(W::$key => $fr,)* }
            }

            pub(crate) const fn en(self) -> &'static str {
                match self { $(W::$key => $en,)* }
            }

            /// The text in `lang`.
            pub(crate) const fn t(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Fr => self.fr(),
                    Lang::En => self.en(),
                }
            }
        }
    };
}

catalogue! {
    // the frame
    SkipToContent => "Aller au contenu",
        "Skip to content";
    MainNavigation => "Navigation principale",
        "Main navigation";
    Language => "Langue",
        "Language";
    // French puts a space before a colon and quotes in « », English does not.
    Colon => " : ", ": ";
    OpenQuote => "« ", "“";
    CloseQuote => " »", "”";
    Pages => "Pages",
        "Pages";
    Requests => "Demandes",
        "Requests";
    Forbidden => "Accès refusé",
        "Access denied";
    ForbiddenText => "Votre rôle ne donne pas accès à cette page. Demandez à un administrateur de \
                      l'organisation si vous en avez besoin.",
        "Your role does not give access to this page. Ask an administrator of the organization \
         if you need it.";
    NotFound => "Page introuvable",
        "Page not found";
    UnknownOrganization => "Organisation inconnue",
        "Unknown organization";
    UnknownOrganizationText => "Vous n'êtes membre d'aucune organisation de ce nom.",
        "You are not a member of any organization by that name.";
    Error => "Erreur",
        "Error";
    InternalError => "Une erreur interne est survenue ; elle a été consignée. Réessayez dans un instant.",
        "An internal error occurred and was logged. Try again in a moment.";
    FormExpired => "Le formulaire a expiré : rechargez la page.",
        "The form has expired: reload the page.";
    ChartNumbers => "Les chiffres du graphique",
        "The chart's numbers";
    Count => "Nombre",
        "Count";
    Dashboard => "Tableau de bord",
        "Dashboard";
    Contacts => "Contacts",
        "Contacts";
    Organization => "Organisation",
        "Organization";
    Organizations => "Organisations",
        "Organizations";
    Store => "Stockage",
        "Store";
    ContactCount => "Contacts",
        "Contacts";
    Search => "Rechercher",
        "Search";
    SearchLabel => "E-mail ou téléphone",
        "E-mail or phone";
    SearchHint => "Recherche exacte par index aveugle : saisissez l'adresse e-mail complète ou le numéro de \
                  téléphone (06 12 34 56 78 ou +33612345678).",
        "Exact search through a blind index: type the whole e-mail address or phone number \
                  (06 12 34 56 78 or +33612345678).";
    NoContacts => "Aucun contact.",
        "No contacts.";
    NoMatch => "Aucun contact ne correspond.",
        "No contact matches.";
    NextPage => "Page suivante",
        "Next page";
    FirstPage => "Première page",
        "First page";
    ContactRef => "Référence",
        "Reference";
    Email => "E-mail",
        "E-mail";
    Phone => "Téléphone",
        "Phone";
    Name => "Nom",
        "Name";
    FirstName => "Prénom",
        "First name";
    LastName => "Nom",
        "Last name";
    Audience => "Public",
        "Audience";
    Customer => "Client",
        "Customer";
    Categories => "Catégories achetées",
        "Categories bought";
    CollectedVia => "Collecté via",
        "Collected via";
    CollectedAt => "Collecté le",
        "Collected on";
    Informed => "Informé à la collecte",
        "Informed at collection";
    ObjectionOffered => "Opposition proposée à la collecte",
        "Offered to object at collection";
    ContractActive => "Contrat en cours",
        "Contract running";
    Restricted => "Traitement limité (art. 18)",
        "Processing restricted (art. 18)";
    CreatedAt => "Créé le",
        "Created";
    UpdatedAt => "Modifié le",
        "Updated";
    Yes => "oui",
        "yes";
    No => "non",
        "no";
    Fields => "Fiche",
        "Record";
    Ledger => "Registre des consentements",
        "Consent ledger";
    EmptyLedger => "Aucun événement.",
        "No events.";
    Date => "Date",
        "Date";
    Channel => "Canal",
        "Channel";
    Purpose => "Finalité",
        "Purpose";
    Action => "Action",
        "Action";
    Method => "Méthode",
        "Method";
    NoticeVersion => "Version de la notice",
        "Notice version";
    Source => "Source",
        "Source";
    Ip => "IP",
        "IP";
    RecordedAt => "Enregistré le",
        "Recorded";
    Decisions => "Décisions",
        "Decisions";
    DecisionsIntro => "Peut-on contacter cette personne maintenant, pour de la prospection, sur chaque canal ?",
        "May we contact this person now, for marketing, on each channel?";
    ProductCategory => "Catégorie de produit",
        "Product category";
    Jurisdiction => "Juridiction",
        "Jurisdiction";
    RelatesToProfession => "Message lié à la profession (B2B)",
        "Message about their job (B2B)";
    Decide => "Décider",
        "Decide";
    Decision => "Décision",
        "Decision";
    Code => "Code",
        "Code";
    Explanation => "Explication",
        "Explanation";
    References => "Références",
        "References";
    Allow => "autorisé",
        "allowed";
    Deny => "refusé",
        "denied";
    NoEmail => "pas d'adresse e-mail",
        "no e-mail address";
    NoPhone => "pas de numéro de téléphone",
        "no phone number";
    RulePack => "Règles appliquées",
        "Rules applied";
    ContactNotFound => "Aucun contact avec cette référence dans cette organisation.",
        "No contact with this reference in this organization.";
    BadSearch => "Ni une adresse e-mail ni un numéro de téléphone valable",
        "Neither a valid e-mail address nor a valid phone number";
    TimeZoneNote => "Heures de Paris.",
        "Paris time.";
    Audit => "Journal d'audit",
        "Audit trail";
    AuditIntro => "Chaque lecture de données personnelles et chaque modification, chaînées : `vigie audit verify` détecte toute entrée modifiée, supprimée, insérée ou déplacée.",
        "Every read of personal data and every change, chained: `vigie audit verify` detects any entry changed, removed, inserted or moved.";
    AuditExport => "Exporter (JSON lines)",
        "Export (JSON lines)";
    When => "Quand",
        "When";
    Actor => "Qui",
        "Who";
    What => "Quoi",
        "What";
    Target => "Sur",
        "On";
    Origin => "D'où",
        "From";
    Reason => "Motif",
        "Reason";
    Older => "Plus anciennes →",
        "Older →";
    Logout => "Se déconnecter",
        "Sign out";
    // signing in (login.rs)
    SignIn => "Connexion", "Sign in";
    EmailAddress => "Adresse e-mail", "E-mail address";
    Password => "Mot de passe", "Password";
    PasswordAgain => "Mot de passe (encore)", "Password (again)";
    Submit => "Valider", "Submit";
    WrongPassword => "Adresse ou mot de passe incorrect.", "Wrong e-mail address or password.";
    HeldBack => "Trop d'essais : réessayez dans", "Too many attempts: try again in";
    SecondFactor => "Second facteur", "Second factor";
    CodeHint => "Le code à 6 chiffres de votre application d'authentification, ou un code de secours.",
        "The 6-digit code of your authenticator app, or a recovery code.";
    WrongCode => "Code incorrect.", "Wrong code.";
    Enrol => "Activer le second facteur", "Set up the second factor";
    EnrolHint => "Scannez ce QR code avec votre application d'authentification (TOTP), puis saisissez le \
                  code qu'elle affiche.",
        "Scan this QR code with your authenticator app (TOTP), then type the code it shows.";
    QrCode => "QR code du second facteur", "QR code of the second factor";
    SecretHint => "Ou saisissez cette clé à la main :", "Or type this key by hand:";
    RecoveryTitle => "Codes de secours", "Recovery codes";
    RecoveryHint => "Chaque code sert une fois, si vous perdez votre téléphone. Conservez-les en lieu sûr : \
                     ils ne seront plus affichés.",
        "Each code works once, should you lose your phone. Keep them somewhere safe: they will not \
         be shown again.";
    Continue => "Continuer", "Continue";
    Setup => "Créer votre mot de passe", "Choose your password";
    SetupHint => "Au moins 12 caractères. Une phrase est plus facile à retenir.",
        "At least 12 characters. A sentence is easier to remember.";
    Mismatch => "Les deux mots de passe diffèrent.", "The two passwords differ.";
    BadLink => "Ce lien de création de compte est inconnu, déjà utilisé ou expiré : demandez-en un \
                nouveau à un administrateur.",
        "This set-up link is unknown, already used or expired: ask an admin for a new one.";
    ExpiredForm => "Le formulaire a expiré : réessayez.", "The form has expired: try again.";
    // requests
    RequestsTitle => "Demandes des personnes",
        "Data subject requests";
    Overdue => "en retard",
        "overdue";
    DueWithin7Days => "à rendre sous 7 jours",
        "due within 7 days";
    Open => "ouvertes",
        "open";
    RequestsIntro => "Un mois à compter de la réception (RGPD art. 12(3)), suspendu en attendant la preuve \
                      d'identité. Centre de confidentialité public :",
        "One month from receipt (GDPR art. 12(3)), paused while waiting for proof of identity. \
         Public privacy centre:";
    NoRequests => "Aucune demande.",
        "No requests.";
    Request => "Demande",
        "Request";
    Status => "État",
        "Status";
    Received => "Reçue le",
        "Received";
    Contact => "Contact",
        "Contact";
    Due => "Échéance",
        "Due";
    Urgency => "Urgence",
        "Urgency";
    AllRequests => "← Toutes les demandes",
        "← All requests";
    IdentifierGiven => "Identifiant donné",
        "Identifier given";
    Erased => "(effacé)",
        "(erased)";
    FieldsToCorrect => "Champs à corriger",
        "Fields to correct";
    IdentityVerifiedOn => "Identité vérifiée le",
        "Identity verified";
    Extension => "Prolongation",
        "Extension";
    ClosedOn => "Close le",
        "Closed";
    Outcome => "Résultat",
        "Outcome";
    DownloadArchive => "Télécharger l'archive",
        "Download the archive";
    Steps => "Étapes",
        "Steps";
    IdentityVerified => "Identité vérifiée",
        "Identity verified";
    Resume => "Reprendre (preuve reçue)",
        "Resume (proof received)";
    Fulfil => "Exécuter la demande",
        "Fulfil the request";
    FulfilWarning => "L'exécution est définitive : un effacement détruit les données de la personne, \
                      une opposition l'inscrit en liste d'opposition.",
        "Fulfilling cannot be undone: an erasure destroys the person's data, an objection puts \
         them on the objection list.";
    Pause => "Suspendre (demander une preuve d'identité)",
        "Pause (ask for proof of identity)";
    Months => "Mois",
        "Months";
    ReasonSent => "Raison (envoyée à la personne)",
        "Reason (sent to the person)";
    Extend => "Prolonger",
        "Extend";
    ExtendWarning => "Une demande ne peut être prolongée qu'une fois ; la personne en est informée.",
        "A request can be extended once only; the person is told.";
    ReasonTold => "Motif (dit à la personne)",
        "Reason (told to the person)";
    Refuse => "Refuser",
        "Refuse";
    RefuseWarning => "Le refus clôt la demande ; la personne reçoit le motif.",
        "Refusing closes the request; the person receives the reason.";
    ConfirmTitle => "Confirmer",
        "Confirm";
    History => "Historique",
        "History";
    Step => "Étape",
        "Step";
    Note => "Note",
        "Note";
    StepRecorded => "Étape enregistrée.",
        "Step recorded.";
    RequestsByUrgency => "Demandes ouvertes par urgence",
        "Open requests by urgency";
    // vocabularies (labels.rs)
    AudienceConsumer => "particulier", "consumer";
    AudienceProfessional => "professionnel", "professional";
    AudienceGeneric => "adresse générique", "role address";
    ChannelEmail => "e-mail", "e-mail";
    ChannelSms => "SMS", "SMS";
    ChannelWhatsapp => "WhatsApp", "WhatsApp";
    ChannelPhone => "téléphone", "phone";
    ChannelAutomatedCall => "appel automatisé", "automated call";
    ChannelFax => "fax", "fax";
    ChannelPostal => "courrier", "post";
    ChannelAny => "tous canaux", "every channel";
    ActionGrant => "consentement", "grant";
    ActionWithdraw => "retrait", "withdrawal";
    ActionObject => "opposition", "objection";
    PurposeMarketing => "prospection", "marketing";
    PurposeNewsletter => "lettre d'information", "newsletter";
    PurposePartners => "partenaires", "partners";
    PurposeProfiling => "profilage", "profiling";
    MethodDoubleOptIn => "double confirmation (double opt-in)", "double opt-in";
    MethodSingleOptIn => "confirmation simple (opt-in)", "single opt-in";
    MethodUntickedCheckbox => "case à cocher non pré-cochée", "unticked checkbox";
    MethodPretickedCheckbox => "case pré-cochée (sans valeur de consentement)", "pre-ticked checkbox (not valid consent)";
    MethodPaperForm => "formulaire papier", "paper form";
    MethodPhoneRecorded => "appel enregistré", "recorded call";
    MethodUnsubscribeLink => "lien de désinscription", "unsubscribe link";
    MethodEmailReply => "réponse par e-mail", "e-mail reply";
    MethodCustomerService => "service client", "customer service";
    MethodPrivacyCentre => "centre de confidentialité", "privacy centre";
    MethodApi => "API", "API";
    RoleAdmin => "administrateur", "administrator";
    RoleDpo => "DPO", "DPO";
    RoleMarketer => "marketing", "marketer";
    RoleAgent => "téléconseiller", "call-centre agent";
    RoleAuditor => "auditeur", "auditor";
    KindAccess => "Accès aux données", "Access to one's data";
    KindRectification => "Rectification", "Rectification";
    KindErasure => "Effacement", "Erasure";
    KindRestriction => "Limitation du traitement", "Restriction of processing";
    KindPortability => "Portabilité", "Portability";
    KindObjection => "Opposition", "Objection";
    StatusAwaitingIdentity => "en attente de la preuve d'identité", "waiting for proof of identity";
    StatusInProgress => "en cours de traitement", "in progress";
    StatusCompleted => "traitée", "answered";
    StatusRejected => "refusée", "refused";
    UrgencyOverdue => "en retard", "overdue";
    UrgencyDueSoon => "sous 7 jours", "within 7 days";
    UrgencyOnTrack => "dans les temps", "on track";
    UrgencyPaused => "suspendue", "paused";
    UrgencyClosed => "close", "closed";
    ViaInStore => "en magasin", "in store";
    ViaWebForm => "formulaire web", "web form";
    ViaPurchase => "achat", "purchase";
    ViaContest => "jeu-concours", "contest";
    ViaReferral => "parrainage", "referral";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_written_in_both_languages() {
        for w in W::ALL {
            assert!(
                !w.fr().trim().is_empty() && !w.en().trim().is_empty(),
                "{w:?}"
            );
        }
    }
}
