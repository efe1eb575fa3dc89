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
                      une opposition l'inscrit sur la liste de suppression.",
        "Fulfilling cannot be undone: an erasure destroys the person's data, an objection puts \
         them on the suppression list.";
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
    // web-overview: the dashboard and the administration pages
    DashReach => "Qui peut-on joindre, par canal ?",
        "Who can be reached, per channel?";
    DashReachIntro => "Une campagne de prospection française envoyée maintenant à toute la base : la part des contacts qu'elle pourrait joindre, celle que les règles bloquent, et ceux qui n'ont pas l'identifiant du canal. Ouvrez un canal pour lire ce qui bloque les autres. La liste d'opposition à la suppression n'est pas comptée ici : elle s'applique au criblage de chaque liste.",
        "A French marketing campaign sent now to the whole base: the share of contacts it could reach, the share the rules block, and those without the channel's identifier. Open a channel to read what blocks the others. The suppression list is not counted here: it applies when each list is screened.";
    DashReachable => "joignables", "reachable";
    DashReachableShort => "joignables", "reachable";
    DashBlocked => "bloqués par une règle", "blocked by a rule";
    DashNoIdentifier => "sans identifiant pour ce canal", "no identifier for this channel";
    DashWhyBlocked => "Ce qui bloque", "What blocks";
    DashNothingBlocks => "Aucune règle ne bloque ce canal.", "No rule blocks this channel.";
    DashComputing => "Les chiffres sont en cours de calcul : rechargez la page dans un instant.",
        "The figures are being computed: reload the page in a moment.";
    DashComputedAt => "Chiffres calculés le", "Figures computed on";
    DashRefreshing => "les données ont changé depuis : mise à jour en cours",
        "the data changed since: being updated";
    DashTrend => "Consentements par semaine (12 dernières semaines)",
        "Consent per week (last 12 weeks)";
    DashGrants => "consentements donnés", "grants";
    DashWithdrawals => "retraits", "withdrawals";
    DashObjections => "oppositions", "objections";
    DashSeeRequests => "Voir les demandes", "See the requests";
    DashAuditChain => "Journal d'audit", "Audit trail";
    DashLastCheckpoint => "Dernier point d'ancrage", "Last checkpoint";
    DashNoCheckpoint => "aucun pour l'instant", "none yet";
    DashLastVerification => "Dernière vérification", "Last verification";
    DashNeverVerified => "jamais vérifié", "never verified";
    DashScreenings => "Derniers criblages", "Latest screenings";
    DashNoScreenings => "Aucun criblage pour l'instant.", "No screening yet.";
    DashRows => "Lignes", "Rows";
    DashAllowedRows => "Autorisées", "Allowed";
    DashProof => "Preuve", "Proof";
    AuditIntact => "intact", "intact";
    AuditBroken => "anomalies trouvées", "faults found";
    AuditVerifyNow => "Vérifier le journal d'audit", "Verify the audit trail";
    AuditVerifyIntro => "La vérification relit chaque maillon de la chaîne de l'organisation, puis compare sa tête au dernier point d'ancrage gardé hors de la base (une troncature ou un retour en arrière serait signalé). Elle est consignée au journal.",
        "The verification reads every link of the organization's chain, then holds its head against the last checkpoint kept outside the database (a truncation or rollback would be reported). It is recorded in the trail.";
    AuditVerifyButton => "Vérifier maintenant", "Verify now";
    AuditVerifiedIntact => "Le journal d'audit est intact : chaque maillon est vérifié.",
        "The audit trail is intact: every link verifies.";
    AuditVerifiedBroken => "Le journal d'audit présente des anomalies :",
        "The audit trail has faults:";
    AuditNoCheckpointNote => "Aucun point d'ancrage : des entrées retirées à la fin du journal ne pourraient pas être détectées.",
        "No checkpoint: entries removed at the end of the trail could not be detected.";
    Admin => "Administration", "Administration";
    Members => "Membres", "Members";
    Tokens => "Jetons d'API", "API tokens";
    Settings => "Réglages", "Settings";
    Role => "Rôle", "Role";
    SetUp => "Compte activé", "Account set up";
    MemberSecondFactor => "Double authentification", "Second factor";
    Invite => "Inviter", "Invite";
    InviteTitle => "Inviter un membre", "Invite a member";
    SetupLinkFor => "Lien d'activation du compte de", "Set-up link for";
    MemberActions => "Actions", "Actions";
    ChangeRole => "Changer le rôle", "Change the role";
    RemoveMember => "Retirer", "Remove";
    RemoveMemberWarning => "Cette personne perdra l'accès à l'organisation (son compte reste pour ses autres organisations).",
        "This person will lose access to the organization (their account stays for their other organizations).";
    LastAdminNote => "Le dernier administrateur de l'organisation ne peut être ni retiré ni rétrogradé : nommez d'abord un autre administrateur.",
        "The organization's last administrator can be neither removed nor demoted: appoint another administrator first.";
    MemberAdded => "Membre ajouté.", "Member added.";
    RoleChanged => "Rôle changé.", "Role changed.";
    MemberRemoved => "Membre retiré.", "Member removed.";
    SetupLinkIntro => "Envoyez ce lien à la personne par un canal de confiance : il sert une fois, pendant 72 heures, à choisir son mot de passe et sa double authentification.",
        "Send this link to the person by a channel you trust: it works once, for 72 hours, to choose their password and second factor.";
    TokenName => "Nom du jeton", "Token name";
    Scopes => "Droits", "Scopes";
    ExpiresInDays => "Expire dans (jours, 1 à 730)", "Expires in (days, 1 to 730)";
    CreateToken => "Créer le jeton", "Create the token";
    TokenCreated => "Jeton créé. Copiez son secret maintenant : il ne sera plus jamais affiché.",
        "Token created. Copy its secret now: it will never be shown again.";
    TokenRevoked => "Jeton révoqué : il ne fonctionne plus.", "Token revoked: it no longer works.";
    Revoke => "Révoquer", "Revoke";
    RevokeWarning => "Les programmes qui utilisent ce jeton seront refusés dès maintenant.",
        "Programs using this token will be refused from now on.";
    NoTokens => "Aucun jeton.", "No token.";
    CreatedBy => "Créé par", "Created by";
    Expires => "Expire le", "Expires on";
    LastUsed => "Dernier usage", "Last used";
    Revoked => "Révoqué", "Revoked";
    Live => "actif", "live";
    Region => "Région des numéros nationaux", "Region of national numbers";
    TimeZone => "Fuseau horaire", "Time zone";
    OrgLanguage => "Langue de l'organisation", "Organization's language";
    Save => "Enregistrer", "Save";
    SettingsSaved => "Réglages enregistrés.", "Settings saved.";
    OppositionLists => "Listes d'opposition", "Opposition lists";
    ExtractDate => "Date de l'extrait", "Extract date";
    Entries => "Numéros", "Numbers";
    NoOppositionLists => "Aucune liste d'opposition importée (vigie import opposition).",
        "No opposition list imported (vigie import opposition).";
    BeyondRights => "Vous ne pouvez pas donner (ni retirer) un rôle qui accorde plus que le vôtre.",
        "You cannot give (or take away) a role that grants more than yours.";
    BadMemberEmail => "Cette adresse e-mail n'est pas valable.", "This e-mail address is not valid.";
    BadRole => "Choisissez un des rôles proposés.", "Choose one of the roles offered.";
    BadTokenName => "Donnez au jeton un nom de 1 à 100 caractères.", "Give the token a name of 1 to 100 characters.";
    BadScopes => "Cochez au moins un droit, parmi ceux que vous détenez.", "Tick at least one scope, among those you hold.";
    BadDays => "Une durée de 1 à 730 jours.", "A duration of 1 to 730 days.";
    BadRegion => "Un code de pays ISO 3166 à deux lettres, par exemple FR ou BE.", "A two-letter ISO 3166 country code, such as FR or BE.";
    BadTimeZone => "Un fuseau horaire IANA, par exemple Europe/Paris.", "An IANA time zone, such as Europe/Paris.";
    BadLang => "Français (fr) ou anglais (en).", "French (fr) or English (en).";
    FormHasErrors => "Le formulaire contient des erreurs : voyez à côté des champs.",
        "The form has errors: see beside the fields.";
    // web-work: the call-centre agent, imports and screenings pages
    Agent => "Appels",
        "Calls";
    AgentTitle => "Puis-je appeler ?",
        "May I call?";
    AgentNumber => "Numéro de téléphone",
        "Phone number";
    AgentCheck => "Vérifier",
        "Check";
    AgentHint => "Tapez le numéro comme il vient : 06 12 34 56 78, 06.12.34.56.78 ou +33 6 12 34 56 78.",
        "Type the number as it comes: 06 12 34 56 78, 06.12.34.56.78 or +33 6 12 34 56 78.";
    AgentMayCall => "Vous pouvez appeler maintenant",
        "You may call now";
    AgentDoNotCall => "N'appelez pas",
        "Do not call";
    AgentNoName => "(nom inconnu)",
        "(name unknown)";
    AgentHowEnded => "Comment l'appel s'est-il terminé ?",
        "How did the call end?";
    AgentLogged => "Appel enregistré",
        "Call logged";
    AgentBadNumber => "Ce numéro de téléphone n'est pas valable : vérifiez les chiffres.",
        "This phone number is not valid: check the digits.";
    AgentUnknownNumber => "Aucun contact de l'organisation n'a ce numéro : sans consentement connu, on n'appelle pas.",
        "No contact of the organization has this number: without a known consent, do not call.";
    AgentAmbiguousNumber => "Plusieurs contacts ont ce numéro : demandez au responsable de la campagne de vérifier la fiche.",
        "Several contacts have this number: ask the campaign's manager to check the record.";
    AgentStaleList => "La liste d'opposition Bloctel date de plus de 30 jours ou manque : aucun appel avant sa mise à jour.",
        "The Bloctel opposition list is older than 30 days or missing: no call until it is updated.";
    AgentBadMoment => "Le moment demandé n'est pas une date et heure valable (par exemple 2026-03-10T11:00:00+01:00).",
        "The moment asked about is not a valid date and time (for example 2026-03-10T11:00:00+01:00).";
    AgentBadOutcome => "Choisissez comment l'appel s'est terminé.",
        "Choose how the call ended.";
    OutcomeAnswered => "A répondu",
        "Answered";
    OutcomeNoAnswer => "Pas de réponse",
        "No answer";
    OutcomeBusy => "Occupé",
        "Busy";
    OutcomeVoicemail => "Messagerie",
        "Voicemail";
    OutcomeRefused => "Refuse les appels",
        "Refused calls";
    OutcomeWrongNumber => "Faux numéro",
        "Wrong number";
    OutcomeCallbackRequested => "Rappel demandé",
        "Callback requested";
    OutcomeConsentGiven => "A donné son consentement",
        "Gave consent";
    // web-work: screenings
    Screenings => "Ciblages",
        "Screenings";
    Screening => "Ciblage",
        "Screening";
    ScreeningsIntro => "Avant une campagne, vérifiez votre liste : pour chaque ligne, Vigie dit si vous pouvez contacter la personne sur ce canal, pour cette finalité, à ce moment, et pourquoi. Chaque passage est conservé comme preuve.",
        "Before a campaign, check your list: for each row, Vigie says whether you may contact the person on this channel, for this purpose, at this moment, and why. Each run is kept as proof.";
    NewScreening => "Nouvelle campagne",
        "New campaign";
    CampaignName => "Nom de la campagne",
        "Campaign name";
    CampaignDate => "Date d'envoi ou d'appel",
        "Date of sending or calling";
    CampaignTime => "Heure",
        "Time";
    CampaignSender => "Expéditeur (annonceur)",
        "Sender (advertiser)";
    CampaignCommercial => "Campagne commerciale (prospection)",
        "Commercial campaign (prospecting)";
    CampaignList => "Liste à vérifier (fichier CSV)",
        "List to check (CSV file)";
    CampaignListHint => "Un fichier CSV séparé par des virgules, avec une ligne d'en-tête : une colonne « email » pour l'e-mail, « phone » pour le SMS, WhatsApp, le téléphone ou le fax. Les colonnes de référence (« contact_ref », « id »…) sont reprises dans le résultat.",
        "A comma-separated CSV file with a header line: an “email” column for e-mail, “phone” for SMS, WhatsApp, phone or fax. Reference columns (“contact_ref”, “id”…) are carried into the result.";
    CampaignNoList => "Choisissez le fichier de la liste à vérifier.",
        "Choose the file of the list to check.";
    CampaignEmptyList => "Le fichier est vide : il faut une ligne d'en-tête et au moins une ligne.",
        "The file is empty: a header line and at least one row are needed.";
    ScreenIt => "Vérifier la liste",
        "Check the list";
    PastScreenings => "Ciblages passés",
        "Past screenings";
    NoScreenings => "Aucun ciblage pour l'instant.",
        "No screening yet.";
    BackToScreenings => "← Tous les ciblages",
        "← All screenings";
    ScreeningFailed => "Le ciblage a échoué",
        "The screening failed";
    JobQueued => "En attente : un autre traitement se termine.",
        "Waiting: another job is finishing.";
    JobRunning => "En cours…",
        "Running…";
    JobDone => "Terminé.",
        "Done.";
    JobFailed => "Échec.",
        "Failed.";
    RowsDone => "lignes traitées",
        "rows done";
    Progress => "Avancement",
        "Progress";
    Summary => "Résultat par motif",
        "Result by reason";
    Rows => "Lignes",
        "Rows";
    Allowed => "Autorisées",
        "Allowed";
    Denied => "Refusées",
        "Denied";
    DownloadDecisions => "Télécharger les décisions avec les identifiants (CSV)",
        "Download the decisions with the identifiers (CSV)";
    DownloadDecisionsHint => "Chaque ligne reprend l'e-mail, le téléphone et les références de votre liste, à côté de la décision, de son code et de son motif.",
        "Each row carries the e-mail, phone and references of your list next to the decision, its code and its reason.";
    Proof => "Preuve",
        "Proof";
    ProofRecord => "Registre de preuve",
        "Proof record";
    Started => "Début",
        "Started";
    Finished => "Fin",
        "Finished";
    DataVersion => "Version de la base",
        "Data version";
    InputFile => "Fichier reçu",
        "File received";
    InputSha256 => "Empreinte SHA-256 de la liste",
        "SHA-256 of the list";
    OutputSha256 => "Empreinte SHA-256 des décisions",
        "SHA-256 of the decisions";
    CampaignFile => "Campagne telle que décrite",
        "Campaign as described";
    // web-work: imports
    Imports => "Imports",
        "Imports";
    ImportsIntro => "Chargez un fichier exporté de votre CRM ou d'un tableur : contacts, consentements, liste de suppression, liste d'opposition ou journal d'appels. Un fichier avec une ligne invalide n'est pas importé du tout, sauf si vous demandez d'importer les lignes valables.",
        "Load a file exported from your CRM or a spreadsheet: contacts, consents, suppression list, opposition list or call log. A file with an invalid row is not imported at all, unless you ask to import the valid rows.";
    NewImport => "Nouvel import",
        "New import";
    ImportKind => "Type de fichier",
        "Kind of file";
    ImportKindContacts => "Contacts",
        "Contacts";
    ImportKindConsents => "Consentements et oppositions",
        "Consents and objections";
    ImportKindSuppression => "Liste de suppression (empreintes SHA-256)",
        "Suppression list (SHA-256 digests)";
    ImportKindOpposition => "Liste d'opposition (Bloctel…)",
        "Opposition list (Bloctel…)";
    ImportKindCalls => "Journal d'appels",
        "Call log";
    ImportFile => "Fichier",
        "File";
    ImportSkipInvalid => "Importer les lignes valables et mettre les autres de côté (fichier des rejets)",
        "Import the valid rows and set the others aside (rejects file)";
    ImportOppositionOptions => "Liste d'opposition : nom et date de l'extrait",
        "Opposition list: name and date of the extract";
    ImportListName => "Nom de la liste",
        "Name of the list";
    ImportExtractDate => "Date de l'extrait",
        "Date of the extract";
    ImportFormats => "Acceptés : CSV séparé par des virgules ou par des points-virgules (export « CSV (séparateur : point-virgule) » d'Excel), en UTF-8 (avec ou sans BOM) ou en Windows-1252, avec la ligne d'en-tête attendue par le type de fichier.",
        "Accepted: CSV separated by commas or semicolons (Excel's “CSV (semicolon delimited)” export), in UTF-8 (with or without a BOM) or Windows-1252, with the header line the kind of file expects.";
    ImportRefused => "Refusés : les fichiers Excel (.xlsx), le « Texte Unicode » (UTF-16) et tout fichier qui n'est pas du texte ; enregistrez-les en « CSV UTF-8 ».",
        "Refused: Excel workbooks (.xlsx), “Unicode text” (UTF-16) and any file that is not text; save them as “CSV UTF-8”.";
    ImportIt => "Importer",
        "Import";
    ImportNoFile => "Choisissez le fichier à importer.",
        "Choose the file to import.";
    ImportNoKind => "Choisissez le type de fichier avant le fichier.",
        "Choose the kind of file before the file.";
    ImportEmptyFile => "Le fichier est vide.",
        "The file is empty.";
    ImportBadDate => "La date de l'extrait n'est pas une date valable.",
        "The date of the extract is not a valid date.";
    PastImports => "Imports passés",
        "Past imports";
    NoImports => "Aucun import pour l'instant.",
        "No import yet.";
    ImportResult => "Résultat",
        "Result";
    ImportOutcomeDone => "Importé",
        "Imported";
    ImportOutcomeRefused => "Refusé : rien n'a été importé",
        "Refused: nothing was imported";
    ImportOutcomeFailed => "Échec",
        "Failed";
    ImportInserted => "Ajoutés",
        "Inserted";
    ImportUpdated => "Mis à jour",
        "Updated";
    ImportUnchanged => "Inchangés",
        "Unchanged";
    ImportRemoved => "Retirés de la liste",
        "Removed from the list";
    ImportRejected => "Rejetés",
        "Rejected";
    ImportRejectedRows => "Lignes rejetées",
        "Rejected rows";
    ImportDownloadRejects => "Télécharger les lignes rejetées et leurs motifs (CSV)",
        "Download the rejected rows and their reasons (CSV)";
    ImportRowsInFile => "lignes dans le fichier",
        "rows in the file";
    ImportWasWindows1252 => "Fichier lu en Windows-1252 (export Excel) et converti en UTF-8.",
        "File read as Windows-1252 (an Excel export) and converted to UTF-8.";
    ImportRefusedHint => "Corrigez ces lignes dans votre fichier et importez-le de nouveau, ou cochez « Importer les lignes valables ».",
        "Fix these rows in your file and import it again, or tick “Import the valid rows”.";
    ImportNotText => "Ce fichier n'est pas lisible",
        "This file cannot be read";
    ImportGone => "Cet import n'existe pas ou n'est plus conservé (24 h) ; les imports passés sont listés sur la page des imports.",
        "This import does not exist or is no longer kept (24 h); past imports are listed on the imports page.";
    BackToImports => "← Tous les imports",
        "← All imports";
    Line => "Ligne",
        "Line";
    Field => "Champ",
        "Field";
    // branch retention: the retention page
    Retention => "Conservation",
        "Retention";
    RetentionTitle => "Durées de conservation",
        "Retention periods";
    RetentionIntro => "Chaque catégorie de données n'est conservée que le temps nécessaire (RGPD art. 5(1)(e)). Chaque jour, le passage de conservation efface les prospects dont la durée est écoulée, sans les inscrire sur la liste de suppression, et archive les clients pour la seule obligation comptable.",
        "Each category of data is kept only as long as necessary (GDPR art. 5(1)(e)). Every day, the retention run erases the prospects whose period has ended, without adding them to the suppression list, and archives customers for the accounting obligation alone.";
    RetPolicies => "Règles en vigueur",
        "Policies in force";
    RetVersion => "version",
        "version";
    RetCategory => "Catégorie",
        "Category";
    RetPeriod => "Durée",
        "Period";
    RetYears => "ans",
        "years";
    RetCountedFrom => "À compter de",
        "Counted from";
    RetLegalReference => "Fondement",
        "Legal ground";
    RetProspects => "Prospects",
        "Prospects";
    RetCustomers => "Clients (prospection)",
        "Customers (marketing)";
    RetAccountingArchive => "Archive comptable",
        "Accounting archive";
    RetClosedRequests => "Demandes de droits closes",
        "Closed data subject requests";
    RetScreeningProofs => "Preuves de criblage",
        "Screening proof records";
    RetAuditTrail => "Journal d'audit",
        "Audit trail";
    RetFromLastSignOfLife => "le dernier contact venant de la personne (ou la collecte)",
        "the person's last contact (or collection)";
    RetFromEndOfRelationship => "la fin de la relation commerciale",
        "the end of the business relationship";
    RetFromEndOfFinancialYear => "la clôture de l'exercice",
        "the end of the financial year";
    RetFromClosure => "la clôture de la demande",
        "the closure of the request";
    RetFromRecording => "l'enregistrement",
        "the recording";
    RetChangePolicy => "Modifier une durée",
        "Change a period";
    RetPeriodYears => "Durée en années",
        "Period in years";
    RetLegalReferenceOptional => "Fondement (facultatif : inchangé si vide)",
        "Legal ground (optional: unchanged if empty)";
    RetRecordNewVersion => "Enregistrer une nouvelle version",
        "Record a new version";
    RetPoliciesChanged => "Nouvelle version des règles enregistrée.",
        "New version of the policies recorded.";
    RetRuns => "Passages de conservation",
        "Retention runs";
    RetRunsIntro => "Chaque passage est prouvé : moment, version des règles, nombres, et empreinte SHA-256 des références traitées, triées (aussi inscrite au journal d'audit).",
        "Each run is proven: moment, policy version, counts, and the SHA-256 of the references handled, sorted (also in the audit trail).";
    RetNoRuns => "Aucun passage pour l'instant.",
        "No run yet.";
    RetMoment => "Moment",
        "Moment";
    RetErased => "Effacés",
        "Erased";
    RetArchived => "Archivés",
        "Archived";
    RetFinished => "Terminé le",
        "Finished";
    RetProof => "Empreinte SHA-256",
        "SHA-256";
    RetDone => "terminé",
        "done";
    RetUnfinished => "interrompu (sera repris)",
        "stopped (will resume)";
    // web-people: the contact's page, its actions, the contact search, filing requests
    AllContacts => "← Tous les contacts",
        "← All contacts";
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
    CallAgent => "Téléconseiller",
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
    RetentionPeriods => "Durées de conservation", "Retention periods";
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
    RegisterSaved => "Registre enregistré.", "Register saved.";
    OnePerLine => "Une entrée par ligne.", "One entry per line.";
    TransfersHint => "Une ligne par transfert : destinataire ; code pays ISO (TN, US…) ; garantie (scc, bcr, code_or_certification, derogation, dpf) ou rien.",
        "One line per transfer: recipient; ISO country code (TN, US…); safeguard (scc, bcr, code_or_certification, derogation, dpf) or nothing.";
    SubProcessorsHint => "Une ligne par sous-traitant ultérieur : nom ; code pays ISO ; garantie ou rien ; prestations.",
        "One line per sub-processor: name; ISO country code; safeguard or nothing; services.";
    RecordId => "Identifiant", "Identifier";
    RecordIdHint => "Lettres minuscules, chiffres et tirets ; il ne change plus ensuite.",
        "Lower-case letters, digits and hyphens; it does not change afterwards.";
    GoToField => "Aller au champ", "Go to the field";
    EvidencePackLink => "Dossier de preuves pour l'auditeur (ZIP)", "Evidence pack for the auditor (ZIP)";
    EvidenceIntro => "Dossier de preuves (RGPD art. 5.2 et 24, ISO/IEC 27701) : ce que fait l'organisation des données personnelles et comment elle le démontre. Chaque fichier est décrit ci-dessous ; son empreinte SHA-256 figure dans manifest.json. Aucun fichier n'identifie une personne.",
        "Evidence pack (GDPR art. 5(2) and 24, ISO/IEC 27701): what the organization does with personal data and how it shows it. Each file is described below; its SHA-256 digest is in manifest.json. No file identifies a person.";
    EvidenceRegistersYaml => "Les registres tels qu'enregistrés (à conserver en gestion de versions et à réappliquer).",
        "The registers as recorded (to keep in version control and apply again).";
    EvidenceRegistersJson => "Les registres, avec les écarts relevés ce jour (transferts sans base, clauses manquantes, revues en retard, AIPD requises).",
        "The registers, with the gaps flagged today (transfers without basis, missing clauses, overdue reviews, required DPIAs).";
    EvidenceRegistersCsv => "Le registre des activités de traitement (art. 30), une ligne par activité.",
        "The record of processing activities (art. 30), one row per activity.";
    EvidenceRegistersPdf => "Le registre imprimable, sur le modèle de la CNIL.",
        "The printable register, laid out like the CNIL's template.";
    EvidenceNoRegisters => "Aucun registre n'est encore enregistré pour cette organisation.",
        "No registers are recorded for this organization yet.";
    EvidenceBreaches => "Le registre des violations de données (art. 33.5) : constat, notification ou décision de ne pas notifier, information des personnes.",
        "The register of personal data breaches (art. 33(5)): awareness, notification or the decision not to notify, information of the persons.";
    EvidenceNotices => "Les versions des notices d'information (art. 13 et 14), publiées et brouillons.",
        "The versions of the privacy notices (art. 13 and 14), published and drafts.";
    EvidenceScreenings => "Les preuves des derniers filtrages de campagnes : qui, quand, règles appliquées, empreintes des fichiers, décomptes par décision.",
        "The proof records of the latest campaign screenings: who, when, rules applied, digests of the files, counts per decision.";
    EvidenceRequests => "Les demandes d'exercice des droits : délais tenus et dépassés, par type, et chaque demande (numéro, type, dates), sans le demandeur.",
        "Data subject requests: deadlines kept and missed, by kind, and each request (number, kind, dates), without the requester.";
    EvidenceChain => "La vérification de la chaîne du journal d'audit à la date du dossier.",
        "The verification of the audit trail's chain at the pack's date.";
    EvidenceManifest => "Le nom, l'empreinte SHA-256 et l'objet de chaque fichier.",
        "Each file's name, SHA-256 digest and purpose.";
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
    // web-finish
    DashImports => "Derniers imports", "Latest imports";
    DashSeeImports => "Voir tous les imports", "See every import";
    // reg-finish
    PcController => "Responsable du traitement", "Controller";

    // retention-2: the public page of a requalification link
    RqTitle => "Voulez-vous continuer à recevoir nos messages ?",
        "Do you still want to hear from us?";
    RqQuestion => "Votre réponse",
        "Your answer";
    RqYes => "Oui, je souhaite continuer à les recevoir",
        "Yes, I want to keep receiving them";
    RqNo => "Non, effacez mes données",
        "No, erase my data";
    RqProof => "Votre réponse est enregistrée avec sa date, votre adresse IP et votre navigateur, pour en garder la preuve.",
        "Your answer is recorded with its time, your IP address and your browser, as its proof.";
    RqThanksYes => "Merci : votre accord est enregistré. Vous pouvez le retirer à tout moment, par le lien de désinscription de chaque message.",
        "Thank you: your consent is recorded. You can withdraw it at any time, through the unsubscribe link of each message.";
    RqThanksNo => "C'est noté : vous ne recevrez plus nos messages, et vos données seront effacées à la fin de la campagne.",
        "Noted: you will no longer receive our messages, and your data will be erased at the end of the campaign.";
    RqContact => "Pour toute question sur vos données, ou pour joindre notre délégué à la protection des données, passez par notre",
        "For any question about your data, or to reach our data protection officer, use our";
    RqPrivacyCentre => "espace « Vos données »",
        "privacy centre";
    RqInvalid => "Ce lien n'est pas valide : il a peut-être été mal copié. Utilisez le lien reçu, tel quel.",
        "This link is not valid: it may have been copied wrongly. Use the link you received, as it is.";
    RqExpired => "Ce lien a expiré.",
        "This link has expired.";
    RqChoose => "Choisissez « oui » ou « non ».",
        "Choose “yes” or “no”.";
    RqCampaigns => "Campagnes de requalification",
        "Requalification campaigns";
    RqCampaignsIntro => "Les prospects dont la durée de conservation arrive à échéance, ou les contacts sans preuve de consentement, reçoivent un lien signé pour confirmer leur accord. Après la fenêtre de réponse, le prochain passage efface ceux qui n'ont pas répondu « oui » (sans les inscrire sur la liste de suppression).",
        "Prospects whose retention period is ending, or contacts without proof of consent, receive a signed link to confirm their consent. After the response window, the next run erases those who did not answer “yes” (without adding them to the suppression list).";
    RqNoCampaigns => "Aucune campagne pour l'instant.",
        "No campaign yet.";
    RqName => "Nom",
        "Name";
    RqChannel => "Canal",
        "Channel";
    RqCloses => "Fin de la fenêtre",
        "Window closes";
    RqAsked => "Sollicités",
        "Asked";
    RqConfirmed => "Confirmés",
        "Confirmed";
    RqRefused => "Refus",
        "Refused";
    RqSilent => "Sans réponse",
        "Silent";
    // dpia-forms
    AddDpia => "Ajouter une analyse d'impact", "Add an impact assessment";
    NotAssessed => "Non évalué", "Not assessed";
    SignedOffBy => "Validée par", "Signed off by";
    SignedOffOn => "Validée le", "Signed off on";
    DpiaCriteriaOnActivity => "Les critères du CEPD et l'inscription sur la liste de la CNIL se renseignent sur la fiche de l'activité.", "The EDPB criteria and the authority's list are recorded on the activity's sheet.";
    // notices-page
    NpNotices => "Notices d'information", "Privacy notices";
    NpIntro => "Chaque version de la notice d'information (art. 13 et 14), rédigée à partir du registre en français et en anglais. Une version publiée, ou citée par des consentements, ne change plus.",
        "Every version of the privacy notice (art. 13 and 14), written from the register in French and English. A version published, or named by consent events, never changes.";
    NpNone => "Aucune notice pour l'instant.", "No notice yet.";
    NpDraft => "Brouillon", "Draft";
    NpPublishedOn => "Publiée le", "Published on";
    NpConsents => "Consentements", "Consent events";
    NpNamed => "Citée par des consentements", "Named by consent events";
    NpNotNamed => "Citée par aucun consentement", "Named by no consent event";
    NpGenerate => "Rédiger un brouillon à partir du registre", "Write a draft from the register";
    NpGenerateHint => "De 1 à 32 lettres, chiffres, «\u{a0}.\u{a0}», «\u{a0}-\u{a0}» ou «\u{a0}_\u{a0}» (par exemple «\u{a0}v4\u{a0}»). Un brouillon du même nom est réécrit\u{a0}; une version publiée est refusée.",
        "1 to 32 letters, digits, '.', '-' or '_' (for example 'v4'). A draft of the same name is written again; a published version is refused.";
    NpDraftDone => "Brouillon enregistré.", "Draft saved.";
    NpPublish => "Publier", "Publish";
    NpPublishWarning => "Une fois publiée, cette version ne change plus et devient la notice en vigueur à son adresse publique.",
        "Once published, this version never changes and becomes the notice in force at its public address.";
    NpPublishedDone => "Notice publiée.", "Notice published.";
    NpPublicAddress => "Adresse publique", "Public address";
    NpToInform => "Personnes à informer", "People to inform";
    NpToInformHint => "contact(s) non effacé(s) dont les consentements citent une autre version.",
        "contact(s) not erased whose consent events name another version.";
    NpDownload => "Télécharger leur liste (CSV)", "Download their list (CSV)";
    NpTextFr => "Texte en français", "French text";
    NpTextEn => "Texte en anglais", "English text";
    // answers (branch answers, issue 15): the e-mails answering a request, the archive on the
    // status page, their state on the staff's request page
    MailHello => "Bonjour,", "Hello,";
    MailSubjectFulfilment => "votre demande a été traitée", "your request has been carried out";
    MailSubjectExtension => "le délai de réponse à votre demande est prolongé",
        "the period to answer your request is extended";
    MailSubjectRejection => "réponse à votre demande", "answer to your request";
    MailFulfilledLead => "Votre demande a été traitée.", "Your request has been carried out.";
    MailExtendedLead => "Nous avons besoin de plus de temps pour répondre à votre demande : le délai de réponse est prolongé, comme le permet le RGPD (art. 12, paragraphe 3).",
        "We need more time to answer your request: the period to answer it is extended, as the GDPR allows (art. 12(3)).";
    MailRejectedLead => "Nous ne pouvons pas donner suite à votre demande, pour le motif indiqué ci-dessous (RGPD art. 12, paragraphe 4).",
        "We cannot act on your request, for the reason given below (GDPR art. 12(4)).";
    MailFulfilledOn => "Traitée le", "Carried out on";
    MailArchiveReady => "Vos données sont prêtes : téléchargez l'archive depuis la page de suivi de votre demande.",
        "Your data is ready: download the archive from your request's status page.";
    MailStatusFromFiling => "La page de suivi est celle dont le lien vous a été donné lors du dépôt de votre demande.",
        "The status page is the one whose link you were given when you filed your request.";
    MailMonths => "mois", "month(s)";
    MailReason => "Motif", "Reason";
    MailComplain => "Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL (Commission nationale de l'informatique et des libertés, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07 ; www.cnil.fr/fr/plaintes) et former un recours devant la justice (RGPD art. 77 et 79).",
        "If you consider that your rights are not respected, you may lodge a complaint with the CNIL (Commission nationale de l'informatique et des libertés, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France; www.cnil.fr/fr/plaintes), or with the supervisory authority of the country where you live, and go to court (GDPR art. 77 and 79).";
    MailStatusPage => "Suivi de votre demande", "Your request's status";
    PcArchive => "Vos données", "Your data";
    PcLinkExpired => "Ce lien a expiré. Le lien de suivi donné lors du dépôt de votre demande reste valable.",
        "This link has expired. The status link given when you filed your request remains valid.";
    PcArchiveHint => "L'archive (zip) contient vos données en JSON et en CSV et un fichier LISEZMOI qui les explique. Son téléchargement est consigné.",
        "The archive (zip) holds your data as JSON and CSV and a README file that explains them. Its download is recorded.";
    PcArchiveUntil => "Téléchargement possible jusqu'au", "Download possible until";
    PcArchiveDownload => "Télécharger l'archive", "Download the archive";
    PcArchiveExpired => "Le délai de téléchargement de l'archive est passé. Déposez une nouvelle demande d'accès pour en obtenir une autre.",
        "The time to download the archive has passed. File a new access request to get another one.";
    PcArchiveErased => "L'archive n'existe plus : vos données ont été effacées depuis.",
        "The archive no longer exists: your data has been erased since.";
    AnsTitle => "Réponses à la personne", "Answers to the person";
    AnsNone => "Aucune réponse à envoyer pour l'instant.", "No answer to send yet.";
    AnsFulfilment => "Demande traitée", "Request carried out";
    AnsExtension => "Prolongation", "Extension";
    AnsRejection => "Refus", "Refusal";
    AnsSentOn => "envoyée par courriel le", "e-mailed on";
    AnsPending => "à envoyer, prochain essai le", "to send, next attempt on";
    AnsUnsent => "non envoyée : prévenez la personne par un autre moyen",
        "not sent: tell the person by other means";
    AnsNoEmail => "la demande ne donne pas d'adresse électronique", "the request gives no e-mail address";
    AnsNotVerified => "l'adresse n'a pas été vérifiée", "the address was not verified";
    AnsNoRelay => "aucun serveur de messagerie n'est configuré", "no mail relay is configured";
    AnsGaveUp => "le serveur de messagerie a échoué à chaque essai", "the mail relay failed at every attempt";
    AnsRelayFailed => "le serveur de messagerie a échoué", "the mail relay failed";
    AnsAttempts => "essais", "attempts";
    StepAnswerSent => "réponse envoyée à la personne", "answer e-mailed to the person";
    StepAnswerNotSent => "réponse non envoyée (à faire savoir autrement)", "answer not sent (tell the person another way)";
    StepAnswerFailed => "envoi de la réponse échoué (nouvel essai prévu)", "answer could not be sent (tried again later)";
    StepArchiveDownloaded => "archive téléchargée par la personne", "archive downloaded by the person";
    // --- prefs (issue 15): one-click unsubscribe and the preference centre
    UsTitle => "Se désinscrire", "Unsubscribe";
    UsQuestion => "Vous ne recevrez plus de messages par e-mail pour la finalité suivante\u{a0}:",
        "You will no longer receive e-mail messages for this purpose:";
    UsCampaign => "Message reçu dans le cadre de la campagne", "Message received as part of the campaign";
    UsButton => "Me désinscrire", "Unsubscribe me";
    UsDone => "C'est fait\u{a0}: vous êtes désinscrit(e). Vous ne recevrez plus ces messages par e-mail.",
        "Done: you are unsubscribed. You will no longer receive these messages by e-mail.";
    UsNeedsBody => "Pour vous désinscrire, utilisez le bouton de la page du lien.",
        "To unsubscribe, use the button on the link's page.";
    UsMore => "Choisir plus finement ce que vous acceptez de recevoir\u{a0}:",
        "Choose in more detail what you agree to receive:";
    PfTitle => "Vos préférences de contact", "Your contact preferences";
    PfIntro => "Cochez ce que vous acceptez de recevoir, canal par canal\u{a0}; décochez ce que vous ne voulez plus. Une case cochée correspond à un accord déjà enregistré.",
        "Tick what you agree to receive, channel by channel; untick what you no longer want. A ticked box is a consent already recorded.";
    PfSave => "Enregistrer mes choix", "Save my choices";
    PfSaved => "Vos choix sont enregistrés.", "Your choices are saved.";
    PfNothingChanged => "Rien n'a changé\u{a0}: vos choix étaient déjà ceux-là.",
        "Nothing changed: these were already your choices.";
    PfStopTitle => "Tout arrêter", "Stop everything";
    PfStopText => "Retire tous vos accords, sur tous les canaux et pour toutes les finalités.",
        "Withdraws all your consents, on every channel and for every purpose.";
    PfStopButton => "Retirer tous mes accords", "Withdraw all my consents";
    PfObjectTitle => "Vous opposer à la prospection (article 21 du RGPD)",
        "Object to direct marketing (GDPR article 21)";
    PfObjectText => "Vous pouvez vous opposer à tout moment, gratuitement et sans motif, à l'utilisation de vos données pour la prospection, y compris le profilage qui s'y rattache. Votre opposition vaut pour tous les canaux.",
        "You may object at any time, free of charge and without giving a reason, to the use of your data for direct marketing, including related profiling. Your objection covers every channel.";
    PfObjectButton => "Je m'oppose à toute prospection", "I object to all direct marketing";
    PfProof => "Chaque changement est enregistré avec sa date, votre adresse IP et votre navigateur, pour en garder la preuve.",
        "Each change is recorded with its date, your IP address and your browser, as proof.";
    PfStaleForm => "Ce formulaire ne correspond pas à votre lien\u{a0}: rouvrez le lien reçu et recommencez.",
        "This form does not match your link: open the link you received again and start over.";
    PfBadChoice => "Ce choix n'est pas proposé sur cette page.", "This choice is not offered on this page.";
    PfNoPublicUrl => "L'adresse publique du serveur n'est pas configurée (public_url)\u{a0}: les liens de désinscription ne peuvent pas être ajoutés.",
        "The server's public address is not configured (public_url): unsubscribe links cannot be added.";
    // outbox (issue 15): webhooks and inbound e-mail events
    Webhooks => "Webhooks", "Webhooks";
    WhIntro => "Chaque changement de consentement, opposition, limitation et effacement est envoyé aux adresses ci-dessous en JSON signé (en-tête «\u{a0}Vigie-Signature\u{a0}»), dans l'ordre pour chaque contact, avec de nouvelles tentatives espacées tant que l'adresse ne répond pas. Les envois ne portent que la référence du contact, jamais son adresse e-mail ni son téléphone.",
        "Every consent change, objection, restriction and erasure is sent to the endpoints below as signed JSON (header 'Vigie-Signature'), in order for each contact, tried again at growing intervals while the endpoint does not answer. Deliveries carry the contact's reference only, never their e-mail address or phone number.";
    WhEndpoints => "Adresses de réception", "Endpoints";
    WhNone => "Aucune adresse pour l'instant.", "No endpoint yet.";
    WhName => "Nom", "Name";
    WhUrl => "Adresse (URL)", "URL";
    WhEvents => "Événements", "Events";
    WhStatus => "État", "Status";
    WhActions => "Actions", "Actions";
    WhActive => "Active", "Active";
    WhPaused => "En pause (les changements s'accumulent)", "Paused (changes queue up)";
    WhPause => "Mettre en pause", "Pause";
    WhResume => "Reprendre", "Resume";
    WhRetry => "Renvoyer les envois en échec", "Send failed deliveries again";
    WhDelete => "Supprimer", "Delete";
    WhDeleteWarning => "L'adresse ne recevra plus rien et ses envois en attente sont supprimés avec elle.",
        "The endpoint will receive nothing more and its pending deliveries are deleted with it.";
    WhCreate => "Ajouter une adresse", "Add an endpoint";
    WhCreated => "Adresse ajoutée. Voici son secret de signature, à copier maintenant\u{a0}: il ne sera plus affiché.",
        "Endpoint added. Here is its signing secret, copy it now: it will not be shown again.";
    WhBadUrl => "Une adresse https:// (http:// seulement vers cette machine).", "An https:// URL (http:// only to this machine).";
    WhBadEvents => "Cochez au moins un événement.", "Tick at least one event.";
    WhBadName => "De 1 à 64 lettres minuscules, chiffres, «\u{a0}-\u{a0}» ou «\u{a0}_\u{a0}».", "1 to 64 lower-case letters, digits, '-' or '_'.";
    WhNameTaken => "Ce nom est déjà pris.", "This name is already taken.";
    WhOutbox => "Envois", "Deliveries";
    WhPending => "En attente", "Pending";
    WhDelivered => "Remis", "Delivered";
    WhFailed => "En échec", "Failed";
    WhOldestPending => "Plus ancien envoi en attente", "Oldest pending delivery";
    WhRecent => "Derniers envois", "Latest deliveries";
    WhNoDeliveries => "Aucun envoi pour l'instant.", "No delivery yet.";
    WhWhen => "Enregistré le", "Recorded on";
    WhContact => "Contact", "Contact";
    WhEvent => "Événement", "Event";
    WhAttempts => "Tentatives", "Attempts";
    WhLastError => "Dernière erreur", "Last error";
    WhRequeued => "Les envois en échec sont remis en file.", "Failed deliveries are queued again.";
    WhPausedDone => "Adresse mise en pause\u{a0}: les changements s'accumulent sans être envoyés.", "Endpoint paused: changes queue up without being sent.";
    WhResumedDone => "Envois repris.", "Deliveries resumed.";
    WhDeletedDone => "Adresse supprimée.", "Endpoint deleted.";
    WhInbound => "Événements reçus des services d'e-mailing", "Events from e-mail services";
    WhInboundIntro => "Un service d'e-mailing peut signaler les désinscriptions, plaintes et rejets définitifs à l'adresse de sa source, signés avec le secret de la source. Une désinscription retire le consentement sur l'e-mail\u{a0}; une plainte le retire et enregistre une opposition\u{a0}; un rejet définitif met l'adresse sur la liste de suppression.",
        "An e-mail service can report unsubscribes, complaints and hard bounces at its source's address, signed with the source's secret. An unsubscribe withdraws consent on e-mail; a complaint withdraws it and records an objection; a hard bounce puts the address on the suppression list.";
    WhNoSources => "Aucune source pour l'instant.", "No source yet.";
    WhSourceCreate => "Ajouter une source", "Add a source";
    WhSourceCreated => "Source ajoutée. Voici son secret de signature, à copier maintenant\u{a0}: il ne sera plus affiché.",
        "Source added. Here is its signing secret, copy it now: it will not be shown again.";
    WhSourcePath => "Adresse d'envoi", "Address to post to";
    WhRemove => "Retirer", "Remove";
    WhRemoveWarning => "Les envois de cette source seront refusés.", "This source's posts will be refused.";
    WhSourceRemoved => "Source retirée.", "Source removed.";
    // branch forms (issue 15): consent forms, double opt-in
    FmTitle => "Formulaire de consentement", "Consent form";
    FmEmail => "Adresse e-mail", "E-mail address";
    FmPhone => "Numéro de téléphone", "Phone number";
    FmFirstName => "Prénom", "First name";
    FmLastName => "Nom", "Last name";
    FmConsents => "Ce que vous acceptez (cochez ce que vous voulez)", "What you agree to (tick what you want)";
    FmNoticeIntro => "Vos données sont traitées comme l'explique notre", "Your data is processed as explained in our";
    FmNoticeLink => "notice d'information", "privacy notice";
    FmUnknown => "Ce formulaire n'existe pas.", "This form does not exist.";
    FmSubmit => "Envoyer", "Send";
    FmOrigin => "Ce site n'est pas autorisé à envoyer ce formulaire.", "This site may not send this form.";
    FmRefused => "Votre envoi n'a pas pu être pris en compte.", "Your submission could not be taken into account.";
    FmFix => "Votre envoi est à corriger", "Please correct your submission";
    FmNoMail => "Ce formulaire ne peut pas être envoyé pour le moment\u{a0}: la confirmation par e-mail n'est pas disponible.",
        "This form cannot be sent for now: confirmation by e-mail is not available.";
    FmCheckMail => "Merci. Un e-mail de confirmation vient de vous être envoyé\u{a0}: votre consentement par e-mail ne comptera qu'une fois confirmé.",
        "Thank you. A confirmation e-mail has just been sent to you: your consent by e-mail counts only once confirmed.";
    FmThanks => "Merci, votre choix est enregistré.", "Thank you, your choice is recorded.";
    FmExpired => "Ce lien de confirmation a expiré. Remplissez à nouveau le formulaire pour en recevoir un autre.",
        "This confirmation link has expired. Fill in the form again to receive another.";
    FmInvalid => "Ce lien de confirmation n'est pas valide\u{a0}: il a peut-être été mal copié. Utilisez le lien reçu, tel quel.",
        "This confirmation link is not valid: it may have been copied wrongly. Use the link you received, as it is.";
    FmConfirmTitle => "Confirmez votre adresse e-mail", "Confirm your e-mail address";
    FmConfirmAsk => "Confirmez-vous vouloir recevoir nos messages par e-mail\u{a0}? Vous pourrez vous désinscrire à tout moment.",
        "Do you confirm you want to receive our messages by e-mail? You can unsubscribe at any time.";
    FmConfirmButton => "Je confirme", "I confirm";
    FmConfirmed => "Merci, votre adresse est confirmée.", "Thank you, your address is confirmed.";
    FmAdminTitle => "Formulaires de consentement", "Consent forms";
    FmAdminIntro => "Chaque formulaire est servi à son adresse publique et peut être collé dans vos pages (extrait HTML, sans JavaScript). Les cases ne sont jamais pré-cochées\u{a0}; une modification crée une nouvelle version, les anciennes restent pour la preuve.",
        "Each form is served at its public address and can be pasted in your pages (HTML snippet, no JavaScript). Boxes are never pre-ticked; a change makes a new version, the old ones stay for the proof.";
    FmNone => "Aucun formulaire pour l'instant.", "No form yet.";
    FmVersion => "Version", "Version";
    FmHosted => "Page publique", "Hosted page";
    FmPreview => "Aperçu", "Preview";
    FmSnippet => "Extrait à copier", "Snippet to copy";
    FmEdit => "Modifier", "Edit";
    FmDefine => "Créer ou modifier un formulaire", "Create or change a form";
    FmSlug => "Nom dans l'adresse", "Name in the address";
    FmSlugHint => "de 1 à 64 lettres minuscules, chiffres ou tirets", "1 to 64 lower-case letters, digits or hyphens";
    FmDefinition => "Définition (JSON)", "Definition (JSON)";
    FmDefinitionHint => "name, purposes, boxes (une par canal\u{a0}: channel, wording_fr, wording_en), notice_version (publiée), fields (email, phone, first_name, last_name), double_opt_in, allowed_origins.",
        "name, purposes, boxes (one per channel: channel, wording_fr, wording_en), notice_version (published), fields (email, phone, first_name, last_name), double_opt_in, allowed_origins.";
    FmSaved => "Formulaire enregistré.", "Form saved.";
    // branch coverage: the consent coverage report, requalification by selection
    CovTitle => "Couverture du consentement", "Consent coverage";
    CovIntro => "Pour chaque canal et chaque finalité, sur quelle base chaque contact non effacé peut être sollicité aujourd'hui. Chaque nombre se télécharge en liste de références (CSV), par exemple pour une campagne de requalification des contacts sans preuve de consentement.",
        "For each channel and purpose, on which basis each contact not erased may be reached today. Each number downloads as a list of references (CSV), for example for a requalification campaign of the contacts without proof of consent.";
    CovSeeReport => "Voir la couverture du consentement", "See the consent coverage";
    CovAt => "Au", "At";
    CovContacts => "contacts non effacés", "contacts not erased";
    CovChannel => "Canal", "Channel";
    CovPurpose => "Finalité", "Purpose";
    CovConsent => "Consentement prouvé", "Consent with proof";
    CovSoftOptIn => "Clients (soft opt-in)", "Customers (soft opt-in)";
    CovB2bOptOut => "Professionnels (opt-out B2B)", "Professionals (B2B opt-out)";
    CovOtherBasis => "Autre base (opt-out, contrat)", "Other basis (opt-out, contract)";
    CovNoBasis => "Sans base", "No basis";
    CovBlocked => "Retrait, opposition ou limitation", "Withdrawn, objected or restricted";
    CovPastPeriod => "Durée de conservation écoulée", "Past the retention period";
    CovNotPersonal => "Adresses génériques", "Role addresses";
    CovDownload => "Télécharger la liste (CSV)", "Download the list (CSV)";
    CovNotRead => "Un contact dont l'adresse ou le numéro est sur la liste de suppression, ou dont le numéro est inscrit sur une liste d'opposition (Bloctel) pour les appels, est compté à part : ni consentement ni soft opt-in pour ce canal. Bloctel se vérifie aussi à chaque campagne, sur un extrait daté.", "A contact whose address or number is on the suppression list, or whose number is on an opposition list (Bloctel) for calls, is counted apart: neither consent nor soft opt-in for that channel. Bloctel is also checked at each campaign, against a dated extract.";
    // web-filter: the contacts list filtered by decision on a channel
    DecisionChannel => "Décision sur le canal", "Decision on the channel";
    NoChannelFilter => "aucun filtre", "no filter";
    DecisionFilter => "Décision", "Decision";
    AllDecisions => "toutes", "all";
    AllowedAll => "autorisés (toutes bases légales)", "allowed (every legal basis)";
    BlockedAll => "bloqués (tous motifs)", "blocked (every reason)";
    AllowedBecause => "autorisés", "allowed";
    BlockedBecause => "bloqués", "blocked";
    DecisionsComputing => "Les décisions par canal sont en cours de calcul : rechargez la page dans un instant.",
        "The decisions per channel are being computed: reload the page in a moment.";
    DecisionsComputedAt => "Décisions calculées le", "Decisions computed on";
    FilterDataVersion => "version des données", "data version";
    DecisionsNotOnChannel => "Ce canal n'a pas d'identifiant dans la base (pas d'adresse postale) : aucune décision à filtrer.",
        "This channel has no identifier in the base (no postal address is kept): no decision to filter.";
    DecisionFilterHint => "Le filtre par décision porte sur la liste (une campagne de prospection, en France, maintenant), pas sur une recherche ; il lui faut un canal.",
        "The decision filter applies to the list (a marketing campaign, in France, now), not to a search; it needs a channel.";
    CodeConsent => "consentement", "consent";
    CodeSoftOptIn => "client, produits analogues", "customer, similar products";
    CodeB2bOptOut => "professionnel informé, sans opposition", "professional informed, no objection";
    CodeGenericAddress => "adresse générique d'entreprise", "company role address";
    CodeContract => "contrat en cours", "running contract";
    CodeOptOut => "informé, sans opposition", "informed, no objection";
    CodeNonCommercial => "sollicitation non commerciale", "non-commercial appeal";
    CodeSuppressed => "liste de suppression", "suppression list";
    CodeRestricted => "traitement limité", "processing restricted";
    CodeWithdrawn => "consentement retiré", "consent withdrawn";
    CodeObjected => "opposition", "objection";
    CodeRetentionExpired => "prospect sans nouvelles depuis plus de 3 ans", "prospect silent for more than 3 years";
    CodeOutsideCallingHours => "hors des jours et heures d'appel", "outside calling days and hours";
    CodeCallFrequencyCap => "déjà 4 appels en 30 jours", "already 4 calls in 30 days";
    CodeRecentRefusal => "refus lors d'un appel récent", "refused during a recent call";
    CodeOppositionList => "liste d'opposition (Bloctel)", "do-not-call list (Bloctel)";
    CodeNotInformed => "pas informé ni mis en mesure de s'opposer", "not informed nor offered to object";
    CodeUnrelatedToProfession => "sans rapport avec la profession", "unrelated to the profession";
    CodeNoConsent => "sans consentement valable", "no valid consent";
    CodeUnknownContact => "contact inconnu", "unknown contact";
    CodeInvalidIdentifier => "identifiant inutilisable", "unusable identifier";
    // web-filter: import rejection reasons (vigie_import::Reason), see html/rejects.rs
    RjNotUtf8 => "Le champ n'est pas du texte UTF-8 : enregistrez le fichier en UTF-8.", "The field is not UTF-8 text: save the file as UTF-8.";
    RjRequired => "Le champ est vide : une valeur est obligatoire.", "The field is empty: a value is required.";
    RjNotBoolean => " n'est pas une valeur oui ou non : true ou false est attendu.", " is not a yes or no value: true or false is expected.";
    RjNotDateTime => " n'est pas une date et heure au format 2026-03-10T10:00:00Z (avec le fuseau).", " is not a date and time such as 2026-03-10T10:00:00Z (with the offset).";
    RjUnknownWord => " n'est pas une valeur acceptée pour ce champ ; valeurs possibles", " is not a value accepted for this field; possible values";
    RjTooLong => "Texte trop long ; au plus", "Text too long; at most";
    RjCharacters => "caractères.", "characters.";
    RjControlCharacter => "Le texte contient un caractère de contrôle (saut de ligne, tabulation…), refusé dans ce champ.", "The text holds a control character (line break, tab…), refused in this field.";
    RjTooManyCategories => "Trop de catégories ; au plus", "Too many categories; at most";
    RjBadEmail => " n'est pas une adresse e-mail valable.", " is not a valid e-mail address.";
    RjBadPhone => " n'est pas un numéro de téléphone valable", " is not a valid phone number";
    RjReadInRegion => "lu dans la région", "read in region";
    RjBadReference => " n'est pas une référence de contact valable (1 à 128 octets, sans «\u{a0}/\u{a0}», «\u{a0}\\\u{a0}», «\u{a0}..\u{a0}» ni caractère de contrôle).", " is not a valid contact reference (1 to 128 bytes, without '/', '\\', '..' or control characters).";
    RjUnknownTimeZone => " n'est pas un fuseau horaire connu : un nom IANA est attendu, par exemple Europe/Paris.", " is not a known time zone: an IANA name is expected, such as Europe/Paris.";
    RjNotSha256 => " n'est pas une empreinte SHA-256 (64 chiffres hexadécimaux).", " is not a SHA-256 digest (64 hexadecimal digits).";
    RjUnknownColumn => "Colonne inconnue ; colonnes attendues", "Unknown column; expected columns";
    RjMissingColumns => "Colonne(s) manquante(s)", "Missing column(s)";
    RjOneColumnExpected => "Une seule colonne est attendue", "One column is expected";
    RjNoContactColumn => "Colonne manquante : un fichier d'appels nomme le contact par contact_ref ou par phone.", "Missing column: a calls file names the contact by contact_ref or by phone.";
    RjContactOrPhoneRequired => "Champ vide : une référence de contact ou un numéro est obligatoire.", "Empty field: a contact reference or a number is required.";
    RjStoredKeyUnreadable => "La clé de chiffrement du contact enregistré ne peut pas être ouverte.", "The stored contact's encryption key cannot be opened.";
    RjIpThroughApi => "L'adresse IP et l'agent utilisateur s'enregistrent par l'API, pas par un import CSV.", "The IP address and user agent are recorded through the API, not by a CSV import.";
    RjUnknownContact => "Aucun contact de référence ", "No contact with reference ";
    RjImportContactsFirst => " dans l'organisation : importez d'abord les contacts.", " in the organization: import the contacts first.";
    RjReference => "La référence ", "The reference ";
    RjRepeatedOnLine => " est en double : déjà vue ligne ", " is repeated: already on line ";
    RjFieldsWhereHeaderHas => " champs là où l'en-tête en a ", " fields where the header has ";
    RjUnclosedQuote => "Un guillemet ouvert sur cette ligne n'y est pas fermé : rien n'a été importé.", "A quote opened on this line is not closed on it: nothing was imported.";
    RjUnreadable => "La ligne ne peut pas être lue", "The row cannot be read";
    RjCallTarget => "Le contact de cet appel ne peut pas être trouvé", "This call's contact cannot be found";
    // s5-requal-web: requalification campaigns in the web application
    RqwSelection => "Sélection", "Selection";
    RqwCreated => "Créée le", "Created";
    RqwSent => "Envoyés", "Sent";
    RqwNotSent => "Pas encore envoyés", "Not yet sent";
    RqwSeeCampaign => "Voir la campagne", "See the campaign";
    RqwWithoutProof => "Contacts sans preuve de consentement sur ce canal", "Contacts without proof of consent on this channel";
    RqwNewCampaign => "Nouvelle campagne de requalification", "New requalification campaign";
    RqwNameLabel => "Nom de la campagne (montré aux personnes sollicitées)", "Name of the campaign (shown to the people asked)";
    RqwWhoIsAsked => "Personnes sollicitées", "Who is asked";
    RqwPeriodEndingOption => "Les prospects dont la durée de conservation se termine bientôt (« période qui se termine »)", "Prospects whose retention period ends soon (“period ending”)";
    RqwWithinDays => "La période se termine dans les (jours)", "The period ends within (days)";
    RqwWithoutProofOption => "Les contacts sans preuve de consentement sur ce canal (« sans preuve de consentement »)", "Contacts without proof of consent on this channel (“without proof of consent”)";
    RqwWindowDays => "Délai de réponse (jours)", "Response window (days)";
    RqwCreate => "Créer la campagne", "Create the campaign";
    RqwCreatedFlash => "Campagne créée. Téléchargez les liens pour les envoyer aux personnes sollicitées.", "Campaign created. Download the links to send them to the people asked.";
    RqwErrName => "Donnez un nom à la campagne (200 caractères au plus).", "Give the campaign a name (at most 200 characters).";
    RqwErrChannel => "Choisissez un canal de la liste.", "Choose a channel from the list.";
    RqwErrSelection => "Choisissez les personnes sollicitées.", "Choose who is asked.";
    RqwErrWithinDays => "Indiquez un nombre de jours entre 0 et 3650.", "Give a number of days from 0 to 3650.";
    RqwErrWindowDays => "Indiquez un délai de réponse entre 1 et 365 jours.", "Give a response window from 1 to 365 days.";
    RqwBack => "← Durées de conservation", "← Retention periods";
    RqwSettings => "Paramètres", "Settings";
    RqwSelectedAt => "Sélection arrêtée le", "Selected on";
    RqwProgress => "Avancement", "Progress";
    RqwAnswers => "Réponses", "Answers";
    RqwRunNo => "Le passage de conservation n°", "Retention run no.";
    RqwRunFinished => ", terminé le", ", finished on";
    RqwRunHandled => ", a traité cette campagne : les personnes sans réponse « oui » à ce moment ont été effacées.", ", handled this campaign: the people without a “yes” at that moment were erased.";
    RqwNoRunYet => "Aucun passage de conservation n'a encore eu lieu depuis la fermeture de la fenêtre : le prochain effacera les personnes sans réponse « oui » (vigie serve le lance chaque jour à l'heure configurée ; vigie retention run le lance à la main).", "No retention run has taken place since the window closed: the next one will erase the people without a “yes” (vigie serve starts it daily at the configured hour; vigie retention run starts it by hand).";
    RqwAfterWindow => "À la fin de la fenêtre de réponse", "When the response window ends";
    RqwClosesOn => "La fenêtre de réponse se ferme le", "The response window closes on";
    RqwClosedOn => "La fenêtre de réponse s'est fermée le", "The response window closed on";
    RqwErasureRule => "Le premier passage de conservation qui suit efface les personnes qui n'ont pas répondu « oui », y compris celles dont le lien n'a pas été envoyé, sans les inscrire sur la liste de suppression. Une personne qui a donné son accord par un autre moyen depuis le début de la campagne est conservée.",
        "The first retention run after that erases the people who did not answer “yes”, including those whose link was not sent, without adding them to the suppression list. A person who gave their consent by other means since the campaign began is kept.";
    RqwNotYes => "Personnes sans réponse « oui » à ce jour", "People without a “yes” so far";
    RqwExports => "Envois des liens", "Exports of the links";
    RqwDownload => "Télécharger les liens (CSV)", "Download the links (CSV)";
    RqwDownloadHint => "Une ligne par personne que le canal atteint : sa référence, son adresse e-mail ou son numéro, et son lien signé, valable jusqu'à la fin de la fenêtre. Télécharger le fichier marque ces personnes comme « envoyées » et l'inscrit au journal d'audit.",
        "One row per person the channel reaches: their reference, e-mail address or number, and their signed link, valid until the window ends. Downloading the file marks these people as “sent” and records it in the audit trail.";
    RqwNoPublicUrl => "L'adresse publique du serveur n'est pas configurée (public_url) : les liens sont construits sur l'adresse par laquelle vous joignez ce serveur. Vérifiez que les personnes sollicitées peuvent l'atteindre.",
        "The server's public address is not configured (public_url): the links are built on the address you reach this server at. Check that the people asked can reach it.";
    RqwClosedNoDownload => "La fenêtre est fermée : il n'y a plus de liens à envoyer.", "The window has closed: there are no more links to send.";
    RqwNoExports => "Aucun envoi : les liens n'ont pas encore été téléchargés.", "No export: the links have not been downloaded yet.";
    RqwExportedAt => "Téléchargés le", "Downloaded";
    RqwBy => "Par", "By";
    RqwLinks => "Liens", "Links";
    RqwLeftOut => "Laissés de côté (sans adresse pour ce canal, ou effacés)", "Left out (no address for this channel, or erased)";
    RqwValidUntil => "Valables jusqu'au", "Valid until";
    // branch s5-purges: the retention run's purges, the re-import's skipped lines
    RetPurged => "Purgés", "Purged";
    RetPurgeDue => "Au-delà de leur durée de conservation, un passage maintenant purgerait", "Past their retention period, a run now would purge";
    RetPurgeClosedRequests => "demandes closes", "closed requests";
    RetPurgeScreeningProofs => "preuves de criblage", "screening proofs";
    RetPurgeAuditEntries => "entrées du journal d'audit", "audit trail entries";
    RjErasedByRetentionOn => " : effacé le ", ": erased on ";
    RjErasedByRetentionNoSignOfLife => " au titre de la durée de conservation ; aucun signe de vie plus récent.", " under the retention period; no newer sign of life.";
    ImportSkippedRows => "Lignes ignorées : personnes effacées au titre de la durée de conservation", "Rows skipped: people erased under the retention period";
    ImportSkippedHint => "Ces personnes restent effacées ; une ligne dont la date de collecte est postérieure à l'effacement les ferait revenir.", "These people stay erased; a row with a collection date after the erasure would bring them back.";
    RetPurgeHint => "Une demande purgée part avec son historique, ses réponses et son archive ; le journal d'audit perd ses entrées les plus anciennes, et sa vérification part d'un point de contrôle scellé (numéro et lien de la dernière entrée purgée).", "A purged request goes with its history, answers and archive; the audit trail loses its oldest entries, and its verification starts from a sealed checkpoint (number and link of the last entry purged).";
    AuditPurgedBefore => "Les entrées antérieures au n°", "Entries before no.";
    AuditPurgedBeforeEnd => " ont été purgées au terme de leur durée de conservation ; la vérification de la chaîne part d'un point de contrôle scellé.", " were purged at the end of their retention period; the chain's verification starts from a sealed checkpoint.";
    ArchiveKeepsRestriction => "La limitation du traitement de ce client archivé ne peut pas être levée : elle dure jusqu'à la fin de l'obligation comptable, où le contact est effacé. Seuls ses noms peuvent être corrigés.", "The restriction of this archived customer cannot be lifted: it lasts until the end of the accounting obligation, when the contact is erased. Only its names can be corrected.";
    // branch s5-archive (issue 16): the accounting archive, the financial year end, the lists in the coverage
    CovSuppressed => "Liste de suppression", "Suppression list";
    CovOppositionList => "Liste d'opposition (Bloctel)", "Opposition list (Bloctel)";
    ArchivedUntil => "Archivé pour obligation comptable jusqu'au ", "Archived for the accounting obligation until ";
    ArchiveReduced => " (Code de commerce, art. L123-22) : seuls la référence, les noms et la date de fin de relation sont conservés ; l'adresse e-mail, le téléphone et les autres champs ont été détruits. La première purge après cette date effacera le contact.", " (French Commercial Code, art. L123-22): only the reference, the names and the end of the relationship are kept; the e-mail address, the phone number and the other fields were destroyed. The first retention run after that date erases the contact.";
    ArchiveNotYetReduced => " (Code de commerce, art. L123-22). Les champs que l'obligation comptable ne requiert pas (adresse e-mail, téléphone…) seront détruits par la prochaine purge.", " (French Commercial Code, art. L123-22). The fields the accounting obligation does not need (e-mail address, phone…) will be destroyed by the next retention run.";
    FinancialYearEnd => "Clôture de l'exercice comptable (MM-JJ)", "Financial year end (MM-DD)";
    FinancialYearEndHint => "Jour et mois de clôture, par exemple 12-31 ou 06-30 : la conservation des pièces comptables (10 ans) court à partir de la clôture de l'exercice. Le 29 février n'est pas accepté, faute d'exister chaque année.", "Closing day and month, e.g. 12-31 or 06-30: accounting documents are kept 10 years from the closing of the financial year. 29 February is refused, as not every year has it.";
    // s5-ops: import runs in progress or interrupted by a stop.
    ImportOutcomeRunning => "En cours", "Running";
    ImportOutcomeInterrupted => "Interrompu : rien n'a été importé", "Interrupted: nothing was imported";
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
