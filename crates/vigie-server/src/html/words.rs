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
    RecordedTimeZone => "Fuseau horaire enregistré",
        "Recorded time zone";
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
    // the privacy centre (privacy.rs)
    PcKindAccess => "Accès à mes données",
        "Access to my data";
    PcHintAccess => "une copie de tout ce que nous détenons sur vous et comment nous l'utilisons",
        "a copy of everything we hold on you and how we use it";
    PcHintRectification => "corriger des données inexactes (indiquez les bonnes valeurs ci-dessous)",
        "correct inaccurate data (give the right values below)";
    PcHintErasure => "effacer vos données (sauf ce que la loi nous oblige à garder, par exemple les factures)",
        "erase your data (except what the law obliges us to keep, such as invoices)";
    PcHintRestriction => "garder vos données sans les utiliser",
        "keep your data without using it";
    PcHintPortability => "vos données dans un format lisible par une machine",
        "your data in a machine-readable format";
    PcHintObjection => "ne plus recevoir de prospection, sur aucun canal",
        "no more marketing, on any channel";
    PcNoCentre => "Aucun centre de confidentialité à cette adresse.",
        "No privacy centre at this address.";
    PcFailure => "Une erreur nous empêche de traiter votre demande : réessayez plus tard.",
        "An error keeps us from handling your request: try again later.";
    PcTooMany => "Trop de demandes",
        "Too many requests";
    PcIntro => "Le RGPD vous donne des droits sur les données que nous détenons sur vous (articles 15 à 21). Nous répondons dans un délai d'un mois à compter de la réception de votre demande, prolongeable de deux mois au plus pour une demande complexe : nous vous le dirions, avec la raison.",
        "The GDPR gives you rights over the data we hold on you (articles 15 to 21). We answer within one month of receiving your request, which may be extended by at most two months for a complex request: we would tell you so, and why.";
    PcNoMailer => "Les demandes ne peuvent pas être déposées en ligne pour le moment. Écrivez à notre délégué à la protection des données (DPO), par courrier ou par e-mail.",
        "Requests cannot be filed online at the moment. Write to our data protection officer (DPO), by post or e-mail.";
    PcYourRequest => "Votre demande",
        "Your request";
    PcYourEmail => "Votre adresse e-mail",
        "Your e-mail address";
    PcRectificationOnly => "Rectification seulement : les bonnes valeurs",
        "Rectification only: the right values";
    PcSendCode => "Envoyer le code",
        "Send the code";
    PcChooseKind => "Choisissez une demande.",
        "Choose a request.";
    PcBadEmail => "Cette adresse e-mail n'est pas valable.",
        "This e-mail address is not valid.";
    PcBadNewEmail => "La nouvelle adresse e-mail n'est pas valable.",
        "The new e-mail address is not valid.";
    PcBadNewPhone => "Le nouveau numéro de téléphone n'est pas valable.",
        "The new phone number is not valid.";
    PcRectificationNeedsValue => "Une rectification indique au moins une bonne valeur.",
        "A rectification gives at least one right value.";
    PcValuesOnlyForRectification => "Les bonnes valeurs ne vont qu'avec une demande de rectification.",
        "Right values go with a rectification request only.";
    PcIncomplete => "Cette demande est incomplète.",
        "This request is incomplete.";
    PcCouldNotSend => "Envoi impossible",
        "Could not send";
    PcCouldNotSendText => "Nous n'avons pas pu envoyer le code : réessayez dans quelques minutes.",
        "We could not send the code: try again in a few minutes.";
    PcCodeSent => "Nous avons envoyé un code à 6 chiffres à l'adresse que vous avez donnée. Saisissez-le ici, avant qu'il expire (l'e-mail dit dans combien de minutes).",
        "We sent a 6-digit code to the address you gave. Type it here before it expires (the e-mail says in how many minutes).";
    PcVerify => "Vérifier",
        "Verify";
    PcVerifyTitle => "Vérifiez votre adresse",
        "Verify your address";
    PcCodeSpent => "Ce code a expiré, a déjà servi ou a été mal saisi trop de fois. Déposez de nouveau votre demande : elle sera jointe à la première, et un nouveau code vous sera envoyé.",
        "This code has expired, was already used, or was mistyped too many times. File your request again: it will be joined to the first one, and a new code sent to you.";
    PcBackToForm => "Retour au formulaire",
        "Back to the form";
    PcCodeExpired => "Code expiré",
        "Code expired";
    PcVerified => "Votre adresse est vérifiée : nous traitons votre demande. Suivez-la à cette adresse privée :",
        "Your address is verified: we are handling your request. Follow it at this private address:";
    PcKeepLink => "Gardez ce lien pour vous (ajoutez-le à vos favoris) : il ne sera plus affiché, et quiconque l'a peut voir où en est votre demande.",
        "Keep this link to yourself (bookmark it): it will not be shown again, and anyone who has it can see where your request stands.";
    PcRecorded => "Demande enregistrée",
        "Request recorded";
    PcUnknownLink => "Lien inconnu.",
        "Unknown link.";
    PcReceivedOn => "Reçue le",
        "Received on";
    PcAnswerBy => "Réponse au plus tard le",
        "Answer by";
    PcExtended => "Délai prolongé",
        "Period extended";
    PcClosedOn => "Close le",
        "Closed on";
    PcRefusalReason => "Motif du refus",
        "Reason for the refusal";
    PcComplain => "Vous pouvez saisir la CNIL (www.cnil.fr) ou la justice (RGPD art. 77 et 79).",
        "You may complain to the supervisory authority (in France the CNIL, www.cnil.fr) or go to court (GDPR art. 77 and 79).";

    // registers (branch registers, issue 13)
    Registers => "Registres", "Registers";
    RegistersTitle => "Registres RGPD", "GDPR registers";
    RegistersIntro => "Le registre des activités de traitement (art. 30), les sous-traitants (art. 28) et les analyses d'impact (art. 35), chaque manquement signalé. Pour un import en masse depuis un fichier YAML : vigie registers apply.",
        "The record of processing activities (art. 30), processors (art. 28) and impact assessments (art. 35), every gap flagged. For a bulk import from a YAML file: vigie registers apply.";
    NoRegisters => "Aucun registre pour l'instant : renseignez la fiche de l'organisation, ou importez un fichier YAML avec « vigie registers apply ».",
        "No registers yet: fill in the organization's profile, or import a YAML file with “vigie registers apply”.";
    Profile => "Fiche de l'organisation", "Organization profile";
    LegalName => "Raison sociale", "Legal name";
    RegistrationNumber => "Numéro d'immatriculation (SIREN)", "Registration number";
    Address => "Adresse", "Address";
    Representative => "Représentant", "Representative";
    RepresentativeContact => "Coordonnées du représentant", "Representative's contact details";
    Dpo => "Délégué à la protection des données", "Data protection officer";
    DpoContact => "Coordonnées du délégué", "Data protection officer's contact details";
    OrgRoles => "Qualité", "Acts as";
    Clients => "Clients pour lesquels elle est sous-traitante", "Clients it processes data for";
    JointControllers => "Responsables conjoints", "Joint controllers";
    Gaps => "Manquements", "Gaps";
    NoGaps => "Aucun manquement relevé.", "No gap found.";
    Activities => "Activités de traitement", "Processing activities";
    Activity => "Activité", "Activity";
    Processors => "Sous-traitants", "Processors";
    Dpias => "Analyses d'impact", "Impact assessments";
    Dpia => "Analyse d'impact", "Impact assessment";
    Purposes => "Finalités", "Purposes";
    LegalBasis => "Base légale", "Legal basis";
    LegalBasisDetail => "Précisions sur la base légale", "Legal basis in detail";
    SpecialCondition => "Condition de l'article 9 ou 10", "Condition of art. 9 or 10";
    NoneWord => "aucune", "none";
    CategoriesOfPersons => "Catégories de personnes concernées", "Categories of data subjects";
    GeneralData => "Données courantes", "General data";
    SensitiveData => "Données sensibles (art. 9)", "Sensitive data (art. 9)";
    CriminalData => "Données d'infraction (art. 10)", "Criminal offence data (art. 10)";
    Recipients => "Destinataires", "Recipients";
    Transfers => "Transferts hors de l'EEE", "Transfers outside the EEA";
    Retention => "Durées de conservation", "Retention periods";
    SecurityMeasures => "Mesures de sécurité", "Security measures";
    EdpbCriteria => "Critères du CEPD", "EDPB criteria";
    OnAuthorityList => "Sur la liste de la CNIL", "On the authority's list";
    VigieDataCovered => "Données Vigie concernées", "Vigie data covered";
    OnBehalfOf => "Pour le compte de (art. 30(2))", "On behalf of (art. 30(2))";
    Services => "Prestations", "Services";
    DataConcerned => "Données concernées", "Data concerned";
    CountryCode => "Pays (code ISO)", "Country (ISO code)";
    Safeguard => "Garantie", "Safeguard";
    DpfCertified => "Certifié Data Privacy Framework", "Certified under the Data Privacy Framework";
    SubProcessors => "Sous-traitants ultérieurs", "Sub-processors";
    Clauses => "Clauses de l'article 28(3)", "Art. 28(3) clauses";
    Certifications => "Certifications", "Certifications";
    NextReview => "Prochaine revue", "Next review";
    Risks => "Risques pour les personnes", "Risks to the persons";
    Severity => "Gravité", "Severity";
    Likelihood => "Vraisemblance", "Likelihood";
    Controls => "Mesures prévues", "Planned controls";
    ResidualRisk => "Risque résiduel", "Residual risk";
    SignedOff => "Validée", "Signed off";
    NotSignedOff => "Non validée", "Not signed off";
    ReviewOn => "Réexamen prévu", "Review due";
    HeatMap => "Cartographie des risques", "Risk map";
    BeforeControls => "avant mesures", "before controls";
    AfterControls => "après mesures", "after controls";
    Edit => "Modifier", "Edit";
    AddActivity => "Ajouter une activité", "Add an activity";
    AddProcessor => "Ajouter un sous-traitant", "Add a processor";
    EditProfile => "Modifier la fiche", "Edit the profile";
    Save => "Enregistrer", "Save";
    RegisterSaved => "Registre enregistré.", "Register saved.";
    OnePerLine => "Une entrée par ligne.", "One entry per line.";
    TransfersHint => "Une ligne par transfert : destinataire ; code pays ISO (TN, US…) ; garantie (scc, bcr, code_or_certification, derogation, dpf) ou rien.",
        "One line per transfer: recipient; ISO country code (TN, US…); safeguard (scc, bcr, code_or_certification, derogation, dpf) or nothing.";
    SubProcessorsHint => "Une ligne par sous-traitant ultérieur : nom ; code pays ISO ; garantie ou rien ; prestations.",
        "One line per sub-processor: name; ISO country code; safeguard or nothing; services.";
    RecordId => "Identifiant", "Identifier";
    RecordIdHint => "Lettres minuscules, chiffres et tirets ; il ne change plus ensuite.",
        "Lower-case letters, digits and hyphens; it does not change afterwards.";
    ExportAs => "Exporter", "Export";
    AllRegisters => "Tous les registres", "All registers";
    RegisterVersion => "Version", "Version";
    ProcessorsIdsHint => "Identifiants des sous-traitants, un par ligne.", "Processor identifiers, one per line.";
    BasisConsent => "consentement (art. 6(1)(a))", "consent (art. 6(1)(a))";
    BasisContract => "contrat (art. 6(1)(b))", "contract (art. 6(1)(b))";
    BasisLegalObligation => "obligation légale (art. 6(1)(c))", "legal obligation (art. 6(1)(c))";
    BasisVitalInterests => "intérêts vitaux (art. 6(1)(d))", "vital interests (art. 6(1)(d))";
    BasisPublicTask => "mission d'intérêt public (art. 6(1)(e))", "public task (art. 6(1)(e))";
    BasisLegitimateInterests => "intérêt légitime (art. 6(1)(f))", "legitimate interests (art. 6(1)(f))";
    CondExplicitConsent => "consentement explicite (9(2)(a))", "explicit consent (9(2)(a))";
    CondEmployment => "droit du travail et protection sociale (9(2)(b))", "employment and social security (9(2)(b))";
    CondVitalInterests => "intérêts vitaux (9(2)(c))", "vital interests (9(2)(c))";
    CondNotForProfit => "organisme à but non lucratif (9(2)(d))", "not-for-profit body (9(2)(d))";
    CondMadePublic => "données rendues publiques (9(2)(e))", "made public (9(2)(e))";
    CondLegalClaims => "droits en justice (9(2)(f))", "legal claims (9(2)(f))";
    CondPublicInterest => "intérêt public important (9(2)(g))", "substantial public interest (9(2)(g))";
    CondHealthCare => "médecine et action sociale (9(2)(h))", "health or social care (9(2)(h))";
    CondPublicHealth => "santé publique (9(2)(i))", "public health (9(2)(i))";
    CondArchiving => "archives, recherche, statistiques (9(2)(j))", "archiving, research, statistics (9(2)(j))";
    CondOfficialAuthority => "contrôle de l'autorité publique ou loi (art. 10)", "official authority or law (art. 10)";
    KindGeneral => "courante", "general";
    KindSensitive => "sensible", "sensitive";
    KindCriminal => "infraction", "criminal";
    RoleController => "responsable de traitement", "controller";
    RoleProcessor => "sous-traitant", "processor";
    RoleJointController => "responsable conjoint", "joint controller";
    SafeguardScc => "clauses contractuelles types", "standard contractual clauses";
    SafeguardBcr => "règles d'entreprise contraignantes", "binding corporate rules";
    SafeguardCode => "code de conduite ou certification", "code of conduct or certification";
    SafeguardDerogation => "dérogation (art. 49)", "derogation (art. 49)";
    ClauseInstructions => "instructions documentées (a)", "documented instructions (a)";
    ClauseConfidentiality => "confidentialité (b)", "confidentiality (b)";
    ClauseSecurity => "sécurité (c)", "security (c)";
    ClauseSubProcessing => "sous-traitance ultérieure (d)", "sub-processing (d)";
    ClauseRights => "aide à l'exercice des droits (e)", "help with rights (e)";
    ClauseObligations => "aide aux articles 32 à 36 (f)", "help with art. 32-36 (f)";
    ClauseDeletion => "suppression ou restitution (g)", "deletion or return (g)";
    ClauseAudits => "audits (h)", "audits (h)";
    RiskAccess => "accès illégitime", "illegitimate access";
    RiskChange => "modification non désirée", "unwanted change";
    RiskDisappearance => "disparition", "disappearance";
    LevelNegligible => "négligeable", "negligible";
    LevelLimited => "limitée", "limited";
    LevelSignificant => "importante", "significant";
    LevelMaximum => "maximale", "maximum";
    CritScoring => "évaluation ou notation", "evaluation or scoring";
    CritAutomated => "décision automatique avec effet juridique", "automated decision with legal effect";
    CritMonitoring => "surveillance systématique", "systematic monitoring";
    CritSensitive => "données sensibles ou hautement personnelles", "sensitive or highly personal data";
    CritLargeScale => "grande échelle", "large scale";
    CritMatching => "croisement de données", "matching or combining datasets";
    CritVulnerable => "personnes vulnérables", "vulnerable data subjects";
    CritInnovative => "usage innovant", "innovative use";
    CritPreventsRights => "exclusion du bénéfice d'un droit ou d'un contrat", "prevents exercising a right";
    DataContacts => "contacts", "contacts";
    DataLedger => "registre des consentements", "consent ledger";
    DataProspectingEmail => "prospection par e-mail", "e-mail prospecting";
    DataProspectingSms => "prospection par SMS", "SMS prospecting";
    DataProspectingPhone => "prospection par téléphone", "phone prospecting";
    DataProspectingPost => "prospection par courrier", "postal prospecting";
    DataScreeningProof => "preuves de ciblage", "screening proof";
    DataCallLog => "journal des appels", "call log";
    DataCallRecording => "enregistrement des appels", "call recording";
    DataSuppression => "liste de suppression", "suppression list";
    DataRequests => "demandes d'exercice des droits", "data subject requests";
    DataAudit => "journal d'audit", "audit trail";
    BreachNumber => "Violation de données n° ", "Personal data breach #";
    NotifyBy => "notifier la CNIL au plus tard le", "notify the supervisory authority by";
    TimeLeft => "reste", "time left";
    Breaches => "Violations de données", "Personal data breaches";
    BreachesIntro => "Le registre des violations (art. 33(5)) : chacune avec ses faits, ses effets et les mesures prises. Le délai de 72 heures court depuis la prise de connaissance jusqu'à la notification, ou jusqu'à la décision motivée de ne pas notifier.",
        "The breach register (art. 33(5)): each breach with its facts, effects and remedial action. The 72 hours run from awareness until the notification, or until the reasoned decision not to notify.";
    NoBreaches => "Aucune violation enregistrée.", "No breach recorded.";
    RecordBreach => "Enregistrer une violation", "Record a breach";
    AwareAt => "Prise de connaissance", "Became aware";
    AwareAtHint => "Date et heure avec le décalage, par exemple 2026-03-27T15:00:00+01:00.", "Date and time with the offset, e.g. 2026-03-27T15:00:00+01:00.";
    Nature => "Nature", "Nature";
    NatureConfidentiality => "confidentialité", "confidentiality";
    NatureIntegrity => "intégrité", "integrity";
    NatureAvailability => "disponibilité", "availability";
    Description => "Description", "Description";
    RiskLevel => "Risque pour les personnes", "Risk to the persons";
    RiskUnlikely => "improbable", "unlikely";
    RiskPresent => "risque", "risk";
    RiskHigh => "risque élevé", "high risk";
    Consequences => "Conséquences probables", "Likely consequences";
    MeasuresTaken => "Mesures prises ou proposées", "Measures taken or proposed";
    PersonsConcerned => "Personnes concernées", "Persons concerned";
    Deadline => "Échéance", "Deadline";
    NotifiedAt => "Notifiée le", "Notified on";
    NotNotifiedReason => "Motif de la non-notification", "Reason for not notifying";
    MarkNotified => "Notification faite maintenant", "Notified now";
    DecideNotToNotify => "Décider de ne pas notifier", "Decide not to notify";
    DecideNotToNotifyWarning => "La décision et son motif sont consignés au registre ; le délai cesse de courir.", "The decision and its reason are recorded in the register; the clock stops.";
    NotificationDraft => "Contenu de la notification (art. 33(3))", "Content of the notification (art. 33(3))";
    CountAffected => "Compter les contacts concernés", "Count the contacts concerned";
    CountHint => "Références des contacts, une par ligne ; ou une période de collecte.", "Contact references, one per line; or a period of collection.";
    CollectedFrom => "Collectés depuis (date et heure avec décalage)", "Collected from (date and time with offset)";
    CollectedUntil => "jusqu'à (exclu)", "until (excluded)";
    InformPersons => "Informer les personnes (art. 34)", "Inform the persons (art. 34)";
    InformDecision => "Décision sur l'information des personnes", "Decision on informing the persons";
    MessageToPersons => "Message aux personnes", "Message to the persons";
    Inform => "Informer", "Inform";
    DoNotInform => "Ne pas informer", "Do not inform";
    PrivacyNotice => "Politique de confidentialité", "Privacy notice";
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
