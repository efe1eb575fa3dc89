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
    // web-people: the contact's page, its actions, the contact search, filing requests
    AllContacts => "← Tous les contacts",
        "← All contacts";
    Proof => "Preuve",
        "Proof";
    UserAgent => "Navigateur (user agent)",
        "Browser (user agent)";
    CallLog => "Journal des appels",
        "Call log";
    NoCalls => "Aucun appel enregistré.",
        "No call recorded.";
    CallOutcomeHead => "Issue de l'appel",
        "Outcome";
    Campaign => "Campagne",
        "Campaign";
    Agent => "Téléconseiller",
        "Agent";
    PersonRequests => "Demandes de la personne",
        "The person's requests";
    Versions => "Versions antérieures (corrections)",
        "Earlier versions (corrections)";
    ReplacedOn => "Remplacée le",
        "Replaced on";
    ContactActions => "Actions",
        "Actions";
    RecordEvent => "Enregistrer un consentement, un retrait ou une opposition",
        "Record a consent, a withdrawal or an objection";
    RecordEventHint => "Le registre ne s'efface jamais : un retrait ou une opposition s'ajoute, il ne remplace rien. Gardez la pièce (courrier, enregistrement) là où la source l'indique.",
        "The ledger is never erased: a withdrawal or an objection is added, it replaces nothing. Keep the document (letter, recording) where the source says.";
    ProofSource => "Source de la preuve (courrier, appel, formulaire…)",
        "Source of the proof (letter, call, form…)";
    ProofWording => "Texte présenté ou version de la mention d'information",
        "Wording shown or version of the privacy notice";
    ProofAt => "Date et heure de l'expression (heure de Paris)",
        "Date and time it was expressed (Paris time)";
    CorrectField => "Corriger un champ",
        "Correct a field";
    FieldToCorrect => "Champ",
        "Field";
    NewValue => "Nouvelle valeur",
        "New value";
    CorrectHint => "La version précédente est conservée (chiffrée avec la clé du contact) et listée ci-dessus.",
        "The previous version is kept (encrypted with the contact's key) and listed above.";
    Restrict => "Limiter le traitement",
        "Restrict processing";
    RestrictWarning => "Le contact ne sera plus sollicité sur aucun canal tant que la limitation dure ; les imports ne la lèvent pas.",
        "The contact will not be reached on any channel while the restriction lasts; imports do not lift it.";
    LiftRestriction => "Lever la limitation",
        "Lift the restriction";
    LiftWarning => "Le contact redevient sollicitable selon ses consentements ; les sous-traitants en sont avertis.",
        "The contact may be reached again as their consents allow; processors are told.";
    StartRequest => "Enregistrer une demande de cette personne",
        "File a request for this person";
    FormHasErrors => "Le formulaire contient des erreurs : voyez les champs signalés.",
        "The form has errors: see the fields marked.";
    EventRecorded => "Événement ajouté au registre.",
        "Event added to the ledger.";
    CorrectionRecorded => "Correction enregistrée ; la version précédente est conservée.",
        "Correction recorded; the previous version is kept.";
    RestrictionSet => "Traitement limité.",
        "Processing restricted.";
    RestrictionLifted => "Limitation levée.",
        "Restriction lifted.";
    ErasedNoChange => "Ce contact a été effacé : il ne peut plus être modifié.",
        "This contact was erased: it can no longer be changed.";
    ErrRequired => "Ce champ est obligatoire.",
        "This field is required.";
    ErrChoose => "Choisissez une valeur de la liste.",
        "Choose a value from the list.";
    ErrTooLong => "256 caractères au plus.",
        "At most 256 characters.";
    ErrControl => "Caractères de contrôle interdits.",
        "Control characters are not allowed.";
    ErrBadDate => "Date et heure illisibles (AAAA-MM-JJTHH:MM).",
        "Unreadable date and time (YYYY-MM-DDTHH:MM).";
    ErrFuture => "Cette date est dans le futur.",
        "This date is in the future.";
    ErrBadEmail => "Cette adresse e-mail n'est pas valable.",
        "This e-mail address is not valid.";
    ErrBadPhone => "Ce numéro de téléphone n'est pas valable.",
        "This phone number is not valid.";
    FileRequest => "Enregistrer une demande reçue",
        "File a request received";
    FileRequestIntro => "Pour une demande reçue par courrier, par téléphone ou en personne. Le délai d'un mois court à partir du jour de réception ; tant que l'identité n'est pas vérifiée, il est suspendu.",
        "For a request received by post, by phone or in person. The one-month period runs from the day of receipt; until the identity is checked, it is paused.";
    ReceivedOnDay => "Reçue le (le délai court à partir de ce jour)",
        "Received on (the period runs from this day)";
    ReceivedBy => "Reçue",
        "Received";
    ReceivedByPost => "par courrier", "by post";
    ReceivedByPhone => "par téléphone", "by phone";
    ReceivedInPerson => "en personne", "in person";
    IdentityChecked => "Identité vérifiée",
        "Identity checked";
    IdentityHow => "Comment l'identité a été vérifiée (pièce, question, signature…)",
        "How the identity was checked (document, question, signature…)";
    RectificationValues => "Rectification seulement : les bonnes valeurs",
        "Rectification only: the right values";
    ErrIdentifier => "Ni une adresse e-mail ni un numéro de téléphone valable.",
        "Neither a valid e-mail address nor a valid phone number.";
    ErrBadDay => "Date illisible (AAAA-MM-JJ).",
        "Unreadable date (YYYY-MM-DD).";
    ErrHowChecked => "Dites comment l'identité a été vérifiée.",
        "Say how the identity was checked.";
    ErrNeedsCorrection => "Une rectification indique au moins une bonne valeur.",
        "A rectification gives at least one right value.";
    RequestMerged => "Une demande identique était déjà ouverte : celle-ci y a été jointe.",
        "The same request was already open: this one was joined to it.";
    NewDueDates => "Nouvelle échéance selon la prolongation : ",
        "New due date with the extension: ";
    StatReceived => "Demandes reçues",
        "Requests received";
    StatAnsweredInTime => "Traitées dans le délai",
        "Answered in time";
    StatAnsweredLate => "Traitées en retard",
        "Answered late";
    StatExtended => "Prolongées",
        "Extended";
    StatOverdue => "En retard",
        "Overdue";
    StepFiled => "déposée", "filed";
    StepMerged => "jointe à la demande ouverte", "joined to the open request";
    StepVerified => "identité vérifiée", "identity verified";
    StepPaused => "suspendue", "paused";
    StepResumed => "reprise", "resumed";
    StepExtended => "prolongée", "extended";
    StepRejected => "refusée", "refused";
    StepFulfilled => "exécutée", "fulfilled";
    StepProcessorNotified => "sous-traitant averti", "processor notified";
    StepExtensionSent => "prolongation annoncée à la personne", "extension told to the person";
    StepExtensionNotSent => "prolongation non envoyée (à faire savoir autrement)", "extension not sent (tell the person another way)";
    StepReceivedBy => "reçue", "received";
    StepIdentityChecked => "identité vérifiée par le DPO", "identity checked by the DPO";
    OutRejected => "Refus", "Refusal";
    OutTombstone => "Trace d'effacement n°", "Erasure record no.";
    OutDisposition => "Suite donnée", "What was done";
    OutSuppressionHashes => "Empreintes ajoutées à la liste de suppression", "Hashes added to the suppression list";
    OutIdentifierKinds => "Identifiants concernés", "Identifiers concerned";
    OutSystems => "Systèmes connectés", "Connected systems";
    OutProcessorsNotified => "Sous-traitants avertis", "Processors notified";
    OutLegalHold => "Obligation de conservation", "Legal hold";
    OutBasis => "Fondement", "Basis";
    OutKeptUntil => "Conservées jusqu'au", "Kept until";
    OutAnswer => "Réponse à la personne", "Answer to the person";
    OutFields => "Champs", "Fields";
    OutPreviousKept => "Version précédente conservée", "Previous version kept";
    OutUntil => "Jusqu'à", "Until";
    OutPurposes => "Finalités", "Purposes";
    OutEventsAdded => "Événements ajoutés au registre", "Events added to the ledger";
    OutArchive => "Archive", "Archive";
    OutFile => "Fichier", "File";
    OutBytes => "Octets", "Bytes";
    OutFiles => "Fichiers", "Files";
    OutSystem => "Système", "System";
    OutTable => "Table", "Table";
    OutRows => "Lignes", "Rows";
    OutErased => "effacées", "erased";
    OutArchivedRestricted => "archivées et limitées (obligation légale)", "archived and restricted (legal obligation)";
    OutLifted => "sa levée", "it is lifted";
    OutContactShredded => "clé de chiffrement détruite ; champs chiffrés et index aveugles vidés ; versions antérieures supprimées ; registre gardé sans donnée identifiante",
        "data key destroyed; sealed fields and blind indexes cleared; earlier versions deleted; ledger kept without identifying data";
    SearchBy => "Rechercher par",
        "Search by";
    ByEmailOrPhone => "e-mail, téléphone ou nom",
        "e-mail, phone or name";
    ByReference => "référence",
        "reference";
    ContactsInTotal => "contacts au total",
        "contacts in all";
    ByName => "nom", "name";
    ContactSearchLabel => "E-mail, téléphone ou nom", "E-mail, phone or name";
    PreviousPage => "Page précédente", "Previous page";
    AudienceFilter => "Public", "Audience";
    AllAudiences => "tous", "all";
    ContactSearchHint => "Recherche exacte par index aveugle : l'adresse e-mail complète, le numéro de \
                  téléphone (06 12 34 56 78 ou +33612345678), ou un nom — entier ou un seul mot, sans \
                  souci des majuscules ni des accents (« élodie », « Durand », « Élodie Durand »).",
        "Exact search through a blind index: the whole e-mail address, the phone number \
                  (06 12 34 56 78 or +33612345678), or a name — whole or one word of it, whatever the \
                  case and accents (“elodie”, “Durand”, “Élodie Durand”).";
    BadNameSearch => "Saisissez un nom, entier ou un seul mot", "Type a name, whole or one word of it";
    CallAnswered => "décroché", "answered";
    CallNoAnswer => "pas de réponse", "no answer";
    CallBusy => "occupé", "busy";
    CallVoicemail => "messagerie", "voicemail";
    CallRefused => "refus d'être rappelé", "refused further calls";
    CallWrongNumber => "faux numéro", "wrong number";
    CallCallbackRequested => "rappel demandé", "callback requested";
    CallConsentGiven => "consentement donné pendant l'appel", "consent given during the call";
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
