//! Explanations: one sentence for a person, in French or English, and the texts that ground
//! the decision. Sentences name the channel and, where it helps, the date, the hour or the
//! category the rule turned on.

use jiff::civil::{Date, DateTime, Weekday};

use super::code::Code;
use super::engine::{DecisionContext, Outcome};
use super::packs::Jurisdiction;
use super::packs::fr::PhoneRegime;
use crate::calendar::CallingTime;
use crate::vocab::{Audience, Channel, Purpose, vocabulary};
use crate::zone::Zone;

vocabulary! {
    /// The language of explanations.
    Lang, "language" {
        Fr => "fr",
        En => "en",
    }
}

impl Default for Lang {
    /// Vigie speaks French unless asked otherwise.
    fn default() -> Lang {
        Lang::Fr
    }
}

impl Lang {
    /// Picks French or English from an HTTP `Accept-Language` header by quality weight (the
    /// first listed wins a tie); French when neither is acceptable.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let primary = tag.split(['-', '_']).next().unwrap_or("");
            let lang = if primary.eq_ignore_ascii_case("fr") {
                Lang::Fr
            } else if primary.eq_ignore_ascii_case("en") {
                Lang::En
            } else {
                continue;
            };
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((lang, quality));
            }
        }
        best.map_or(Lang::Fr, |(lang, _)| lang)
    }
}

/// A decision told to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub sentence: String,
    /// The legal texts, e.g. `FR CPCE L34-5`, `RGPD art. 21`.
    pub references: &'static [&'static str],
}

impl DecisionContext<'_> {
    /// Explains an outcome of this context in `lang`.
    pub fn explain(&self, outcome: Outcome, lang: Lang) -> Explanation {
        let words = Words::new(self, outcome);
        let sentence = match lang {
            Lang::Fr => french(&words),
            Lang::En => english(&words),
        };
        Explanation {
            sentence,
            references: self.references(outcome),
        }
    }
}

/// What the sentences are made of.
struct Words<'a> {
    code: Code,
    audience: Option<Audience>,
    jurisdiction: Jurisdiction,
    channel: Channel,
    purpose: Purpose,
    category: Option<&'a str>,
    /// The moment on the consumer's clock (the jurisdiction's where the contact has no zone).
    local: DateTime,
    /// The consumer's zone, where it is not the jurisdiction's.
    own_zone: Option<Zone>,
    calling_time: Option<CallingTime>,
    press: bool,
    retention_cutoff_day: Option<Date>,
    phone_regime: Option<PhoneRegime>,
    /// Calls in 30 days at which the next is refused, and days of quiet after a refusal.
    call_limits: Option<(u32, i16)>,
}

impl<'a> Words<'a> {
    fn new(ctx: &'a DecisionContext<'_>, outcome: Outcome) -> Words<'a> {
        let zone = ctx.jurisdiction().time_zone();
        Words {
            code: outcome.code,
            audience: outcome.audience,
            jurisdiction: ctx.jurisdiction(),
            channel: ctx.channel(),
            purpose: ctx.purpose(),
            category: ctx.campaign().product_category.as_deref(),
            local: match outcome.zone {
                Some(own) => own.time_zone().to_datetime(ctx.at().instant()),
                None => ctx.local_time(),
            },
            own_zone: outcome.zone.filter(|z| *z != ctx.jurisdiction().zone()),
            calling_time: ctx.calling_time(outcome.zone),
            press: ctx.campaign().press,
            retention_cutoff_day: ctx.retention_cutoff().map(|t| zone.to_datetime(t).date()),
            phone_regime: ctx.fr_phone_regime(),
            call_limits: ctx.consumer_call_limits(),
        }
    }

    /// The opposition list that applies to the channel, for sentences.
    fn opposition_list(&self) -> &'static str {
        match (self.jurisdiction, self.channel) {
            (Jurisdiction::Uk, Channel::Fax) => "FPS",
            (Jurisdiction::Uk, _) if self.audience == Some(Audience::Consumer) => "TPS",
            (Jurisdiction::Uk, _) if self.audience.is_some() => "CTPS",
            (Jurisdiction::Uk, _) => "TPS/CTPS",
            _ => "Bloctel",
        }
    }

    fn de_presumed_consent_call(&self) -> bool {
        self.jurisdiction == Jurisdiction::De && self.channel == Channel::Phone
    }
}

fn french(w: &Words<'_>) -> String {
    let ch = channel_fr(w.channel);
    let purpose = purpose_fr(w.purpose);
    let gdpr = if w.jurisdiction == Jurisdiction::Uk {
        "du UK GDPR"
    } else {
        "du RGPD"
    };
    let category = match w.category {
        Some(c) => format!("de la catégorie « {c} »"),
        None => "de la catégorie promue".to_owned(),
    };
    let clock = match w.own_zone {
        Some(zone) => format!("heure locale du consommateur, fuseau {zone}"),
        None => "heure de Paris".to_owned(),
    };
    let hours = format!(
        "du lundi au vendredi, de 10 h à 13 h et de 14 h à 20 h ({clock}), hors jours fériés"
    );
    match w.code {
        Code::Consent => {
            format!("La personne a donné un consentement valable pour être contactée {ch} {purpose}, et ne l'a pas retiré.")
        }
        Code::SoftOptIn => format!(
            "Client ayant déjà acheté des produits {category} et informé dès la collecte de son droit de \
             s'opposer : la prospection {ch} pour des produits analogues est permise sans consentement préalable."
        ),
        Code::B2bOptOut if w.de_presumed_consent_call() => "Appel à un professionnel informé lors de la collecte, \
             sur un sujet lié à son activité : en Allemagne, son consentement présumé suffit (UWG §7)."
            .to_owned(),
        Code::B2bOptOut => format!(
            "Professionnel informé lors de la collecte et message en rapport avec sa profession : la \
             prospection {ch} est permise sans consentement préalable, tant qu'il ne s'y oppose pas."
        ),
        Code::GenericAddress if w.de_presumed_consent_call() => "Standard d'une entreprise appelé pour un sujet \
             lié à son activité : en Allemagne, le consentement présumé de l'entreprise suffit (UWG §7)."
            .to_owned(),
        Code::GenericAddress if w.jurisdiction == Jurisdiction::Uk && matches!(w.channel, Channel::Phone | Channel::Fax) => {
            format!(
                "Coordonnée générique d'une entreprise, absente de la liste d'opposition {} : elle peut être \
                 contactée {ch}.",
                w.opposition_list()
            )
        }
        Code::GenericAddress => format!(
            "Coordonnée générique d'une entreprise (contact@, info@, standard…) : ce n'est pas la donnée \
             d'une personne, elle peut être contactée {ch}."
        ),
        Code::Contract => format!(
            "Un contrat est en cours avec cette personne et l'offre s'y rapporte (produits {category}) : \
             l'appel est permis sans consentement, par exception au consentement préalable exigé depuis \
             le 11 août 2026 (loi n° 2025-594)."
        ),
        Code::OptOut => match (w.jurisdiction, w.channel) {
            (Jurisdiction::Fr, Channel::Phone) if w.press => "L'offre porte sur la fourniture de journaux, \
                 périodiques ou magazines : elle échappe à Bloctel et au consentement préalable (article L223-1 \
                 du Code de la consommation), et la personne a été informée lors de la collecte et a pu \
                 s'opposer."
                .to_owned(),
            (Jurisdiction::Fr, Channel::Phone) => "Jusqu'au 10 août 2026, le démarchage téléphonique relève du \
                 régime d'opposition : la personne a été informée lors de la collecte et a pu s'opposer, et \
                 Bloctel ne fait pas obstacle (numéro non inscrit, ou contrat en cours auquel l'offre se \
                 rapporte)."
                .to_owned(),
            (Jurisdiction::Uk, Channel::Phone | Channel::Fax) => format!(
                "Au Royaume-Uni, la prospection {ch} relève du régime d'opposition : le numéro n'est pas \
                 inscrit sur la liste {}, et la personne a été informée et a pu s'opposer.",
                w.opposition_list()
            ),
            _ => format!(
                "La prospection {ch} relève du régime d'opposition : la personne a été informée lors de la \
                 collecte, a pu s'opposer et ne l'a pas fait."
            ),
        },
        Code::NonCommercial => format!(
            "Sollicitation non commerciale adressée {ch} à une personne informée lors de la collecte, qui a \
             pu s'y opposer et ne l'a pas fait."
        ),
        Code::Suppressed => "Cet identifiant figure sur la liste de suppression (données effacées ou opposition \
             définitive) : il ne doit plus jamais être contacté, par aucun canal."
            .to_owned(),
        Code::Restricted => format!(
            "Le traitement des données de cette personne est limité (article 18 {gdpr}) : elles ne peuvent \
             pas servir à la prospection tant que la limitation dure."
        ),
        Code::Withdrawn => format!(
            "La personne a retiré son consentement {ch} (désinscription) : elle ne peut plus être contactée \
             par ce canal {purpose}."
        ),
        Code::Objected => format!(
            "La personne s'est opposée à la prospection, {ch} ou par tout canal (article 21 {gdpr}) : son \
             opposition doit être respectée."
        ),
        Code::RetentionExpired => {
            let since = w.retention_cutoff_day.map(|d| format!(" (rien depuis le {})", date_fr(d))).unwrap_or_default();
            format!(
                "Prospect sans signe de vie depuis plus de trois ans{since} : ses données ne peuvent plus \
                 servir à la prospection et doivent être supprimées ou archivées."
            )
        }
        Code::OutsideCallingHours => {
            let day = format!("{} {}", weekday_fr(w.local.weekday()), date_fr(w.local.date()));
            match w.calling_time {
                Some(CallingTime::PublicHoliday) => format!(
                    "Le {day} est un jour férié : le démarchage téléphonique d'un consommateur n'est permis que \
                     {hours}."
                ),
                Some(CallingTime::Weekend) => format!(
                    "Le {} est un {} : le démarchage téléphonique d'un consommateur n'est permis que {hours}.",
                    date_fr(w.local.date()),
                    weekday_fr(w.local.weekday())
                ),
                _ => format!(
                    "Le {day} à {} ({clock}) est hors des plages permises : le démarchage téléphonique \
                     d'un consommateur n'est permis que {hours}.",
                    time_fr(w.local)
                ),
            }
        }
        Code::CallFrequencyCap => match w.call_limits {
            Some((max, _)) => format!(
                "Ce consommateur a déjà reçu {max} appels de prospection au cours des 30 derniers jours : \
                 c'est le maximum permis par le Code de la consommation."
            ),
            None => "Ce consommateur a déjà reçu le nombre maximal d'appels de prospection permis sur 30 jours."
                .to_owned(),
        },
        Code::RecentRefusal => match w.call_limits {
            Some((_, days)) => format!(
                "Ce consommateur a refusé le démarchage lors d'un appel il y a moins de {days} jours : il ne \
                 peut pas être rappelé avant la fin de ce délai."
            ),
            None => "Ce consommateur a refusé le démarchage lors d'un appel récent : il ne peut pas être rappelé \
                     pour l'instant."
                .to_owned(),
        },
        Code::OppositionList if w.jurisdiction == Jurisdiction::Uk => format!(
            "Le numéro est inscrit sur la liste d'opposition {} : la prospection {ch} y est interdite sans \
             consentement.",
            w.opposition_list()
        ),
        Code::OppositionList => format!(
            "Le numéro est inscrit sur Bloctel, la liste d'opposition au démarchage téléphonique, et \
             aucun contrat en cours avec cette personne ne porte sur les produits {category}."
        ),
        Code::NotInformed => format!(
            "Un régime d'opposition permettrait le contact {ch}, mais la personne n'a pas été informée lors \
             de la collecte de l'usage de ses données pour la prospection, ou pas mise en mesure de s'y \
             opposer."
        ),
        Code::UnrelatedToProfession => format!(
            "Le message ne concerne pas la profession de ce contact professionnel : sans son consentement, \
             la prospection {ch} n'est permise que pour un message en rapport avec son activité."
        ),
        Code::NoConsent if w.phone_regime == Some(PhoneRegime::OptIn) && w.channel == Channel::Phone => {
            format!(
                "Depuis le 11 août 2026 (loi n° 2025-594), le démarchage téléphonique d'un consommateur exige \
                 son consentement préalable : aucun n'est valable, et aucun contrat en cours ne porte sur les \
                 produits {category}."
            )
        }
        Code::NoConsent if w.jurisdiction == Jurisdiction::De => format!(
            "En Allemagne, la publicité {ch} exige le consentement préalable et exprès du destinataire \
             (UWG §7), entreprises comprises : aucun consentement valable n'est enregistré."
        ),
        Code::NoConsent => format!(
            "La prospection {ch} exige le consentement préalable de la personne, et aucun consentement \
             valable n'est enregistré (une case pré-cochée n'en est pas un)."
        ),
        Code::UnknownContact => "Cet identifiant ne correspond à aucun contact de la base : rien ne permet \
             d'établir une base légale pour le contacter."
            .to_owned(),
        Code::InvalidIdentifier => "Cet identifiant est inutilisable (adresse e-mail ou numéro de téléphone \
             invalide) : il ne peut être rapproché d'aucun contact."
            .to_owned(),
    }
}

fn english(w: &Words<'_>) -> String {
    let ch = channel_en(w.channel);
    let purpose = purpose_en(w.purpose);
    let gdpr = if w.jurisdiction == Jurisdiction::Uk {
        "the UK GDPR"
    } else {
        "the GDPR"
    };
    let category = match w.category {
        Some(c) => format!("the “{c}” category"),
        None => "the promoted category".to_owned(),
    };
    let clock = match w.own_zone {
        Some(zone) => format!("local time ({zone})"),
        None => "Paris time".to_owned(),
    };
    let hours =
        format!("Monday to Friday, 10:00–13:00 and 14:00–20:00 {clock}, except public holidays");
    match w.code {
        Code::Consent => {
            format!("The person gave valid consent to be contacted {ch} {purpose} and has not withdrawn it.")
        }
        Code::SoftOptIn => format!(
            "An existing customer of {category}, offered a simple way to object when their details were \
             collected: marketing similar products {ch} is allowed without prior consent."
        ),
        Code::B2bOptOut if w.de_presumed_consent_call() => "A call to a professional, informed at collection, \
             about their line of business: in Germany their presumed consent is enough (UWG §7)."
            .to_owned(),
        Code::B2bOptOut => format!(
            "A professional informed at collection and a message about their job: marketing {ch} is allowed \
             without prior consent as long as they do not object."
        ),
        Code::GenericAddress if w.de_presumed_consent_call() => "A company switchboard called about its line of \
             business: in Germany the company's presumed consent is enough (UWG §7)."
            .to_owned(),
        Code::GenericAddress if w.jurisdiction == Jurisdiction::Uk && matches!(w.channel, Channel::Phone | Channel::Fax) => {
            format!(
                "A company's generic number, not registered with the {}: it may be contacted {ch}.",
                w.opposition_list()
            )
        }
        Code::GenericAddress => format!(
            "A company's generic contact (contact@, info@, switchboard…) is not a person's data: it may be \
             contacted {ch}."
        ),
        Code::Contract => format!(
            "A contract with this person is running and the offer relates to it ({category}): the call is \
             allowed without consent, as an exception to the prior consent required since 11 August 2026 \
             (French law 2025-594)."
        ),
        Code::OptOut => match (w.jurisdiction, w.channel) {
            (Jurisdiction::Fr, Channel::Phone) if w.press => "The offer is for newspapers, periodicals or \
                 magazines: it is outside Bloctel and the prior-consent rule (Code de la consommation L223-1), and \
                 the person was informed at collection and could object."
                .to_owned(),
            (Jurisdiction::Fr, Channel::Phone) => "Until 10 August 2026, phone marketing in France is opt-out: the \
                 person was informed at collection and could object, and Bloctel does not stand in the way (not \
                 registered, or a running contract the offer relates to)."
                .to_owned(),
            (Jurisdiction::Uk, Channel::Phone | Channel::Fax) => format!(
                "In the UK, marketing {ch} is opt-out: the number is not registered with the {}, and the person \
                 was informed and could object.",
                w.opposition_list()
            ),
            _ => format!(
                "Marketing {ch} is opt-out: the person was informed at collection, could object and has not."
            ),
        },
        Code::NonCommercial => format!(
            "A non-commercial appeal sent {ch} to a person who was informed at collection, could object and \
             has not."
        ),
        Code::Suppressed => "This identifier is on the suppression list (data erased or permanent opt-out): it \
             must never be contacted again, on any channel."
            .to_owned(),
        Code::Restricted => format!(
            "Processing of this person's data is restricted (article 18 of {gdpr}): it cannot be used for \
             marketing while the restriction lasts."
        ),
        Code::Withdrawn => format!(
            "The person withdrew their consent {ch} (unsubscribed): they can no longer be contacted this way \
             {purpose}."
        ),
        Code::Objected => format!(
            "The person objected to marketing, {ch} or on every channel (article 21 of {gdpr}): the objection \
             must be honoured."
        ),
        Code::RetentionExpired => {
            let since = w.retention_cutoff_day.map(|d| format!(" (nothing since {})", date_en(d))).unwrap_or_default();
            format!(
                "A prospect with no sign of life for more than three years{since}: their data can no longer be \
                 used for marketing and must be deleted or archived."
            )
        }
        Code::OutsideCallingHours => {
            let day = format!("{} {}", weekday_en(w.local.weekday()), date_en(w.local.date()));
            match w.calling_time {
                Some(CallingTime::PublicHoliday) => {
                    format!("{day} is a French public holiday: consumers may only be called for marketing {hours}.")
                }
                Some(CallingTime::Weekend) => format!(
                    "{} is a {}: consumers may only be called for marketing {hours}.",
                    date_en(w.local.date()),
                    weekday_en(w.local.weekday())
                ),
                _ => format!(
                    "{day} at {} {clock} is outside the permitted windows: consumers may only be called for \
                     marketing {hours}.",
                    time_en(w.local)
                ),
            }
        }
        Code::CallFrequencyCap => match w.call_limits {
            Some((max, _)) => format!(
                "This consumer has already had {max} marketing calls in the last 30 days: that is the most \
                 French consumer law allows."
            ),
            None => "This consumer has already had the most marketing calls allowed in 30 days.".to_owned(),
        },
        Code::RecentRefusal => match w.call_limits {
            Some((_, days)) => format!(
                "This consumer refused marketing during a call less than {days} days ago: they may not be \
                 called again before that period ends."
            ),
            None => "This consumer recently refused marketing during a call: they may not be called again for \
                     now."
                .to_owned(),
        },
        Code::OppositionList if w.jurisdiction == Jurisdiction::Uk => format!(
            "The number is registered with the {}: marketing {ch} to it is barred without consent.",
            w.opposition_list()
        ),
        Code::OppositionList => format!(
            "The number is on Bloctel, the French do-not-call list, and no running contract with this person \
             covers {category}."
        ),
        Code::NotInformed => format!(
            "An opt-out basis would allow contact {ch}, but the person was not told at collection that their \
             data would be used for marketing, or not offered a way to object."
        ),
        Code::UnrelatedToProfession => format!(
            "The message is unrelated to this professional's job: without consent, marketing {ch} is only \
             allowed for messages about their work."
        ),
        Code::NoConsent if w.phone_regime == Some(PhoneRegime::OptIn) && w.channel == Channel::Phone => format!(
            "Since 11 August 2026 (French law 2025-594), phone marketing to a consumer requires prior \
             consent: none is valid, and no running contract covers {category}."
        ),
        Code::NoConsent if w.jurisdiction == Jurisdiction::De => format!(
            "In Germany, advertising {ch} requires the recipient's prior express consent (UWG §7), \
             businesses included: no valid consent is recorded."
        ),
        Code::NoConsent => format!(
            "Marketing {ch} requires the person's prior consent, and no valid consent is recorded (a \
             pre-ticked box is not consent)."
        ),
        Code::UnknownContact => "This identifier matches no contact in the base: nothing establishes a legal \
             basis for contacting it."
            .to_owned(),
        Code::InvalidIdentifier => "This identifier is unusable (not a valid e-mail address or phone number): it \
             cannot be matched to any contact."
            .to_owned(),
    }
}

fn channel_fr(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "par e-mail",
        Channel::Sms => "par SMS",
        Channel::Whatsapp => "par WhatsApp",
        Channel::Phone => "par téléphone",
        Channel::AutomatedCall => "par appel automatisé",
        Channel::Fax => "par fax",
        Channel::Postal => "par courrier",
    }
}

fn channel_en(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "by e-mail",
        Channel::Sms => "by SMS",
        Channel::Whatsapp => "on WhatsApp",
        Channel::Phone => "by phone",
        Channel::AutomatedCall => "by automated call",
        Channel::Fax => "by fax",
        Channel::Postal => "by post",
    }
}

fn purpose_fr(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Marketing => "à des fins de prospection commerciale",
        Purpose::Newsletter => "pour recevoir la lettre d'information",
        Purpose::Partners => "pour des offres de partenaires",
        Purpose::Profiling => "à des fins de profilage",
    }
}

fn purpose_en(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Marketing => "for marketing",
        Purpose::Newsletter => "for the newsletter",
        Purpose::Partners => "for partners' offers",
        Purpose::Profiling => "for profiling",
    }
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_index(date: Date) -> usize {
    usize::try_from(date.month() - 1).unwrap_or(0)
}

/// `1er mars 2023`, `24 novembre 2026`.
fn date_fr(date: Date) -> String {
    let month = MONTHS_FR[month_index(date)];
    match date.day() {
        1 => format!("1er {month} {}", date.year()),
        day => format!("{day} {month} {}", date.year()),
    }
}

/// `24 November 2026`.
fn date_en(date: Date) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS_EN[month_index(date)],
        date.year()
    )
}

fn weekday_fr(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "lundi",
        Weekday::Tuesday => "mardi",
        Weekday::Wednesday => "mercredi",
        Weekday::Thursday => "jeudi",
        Weekday::Friday => "vendredi",
        Weekday::Saturday => "samedi",
        Weekday::Sunday => "dimanche",
    }
}

fn weekday_en(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// `9 h 59`.
fn time_fr(dt: DateTime) -> String {
    format!("{} h {:02}", dt.hour(), dt.minute())
}

/// `09:59`.
fn time_en(dt: DateTime) -> String {
    format!("{:02}:{:02}", dt.hour(), dt.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_by_weight_and_defaults_to_french() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,fr;q=0.5,en;q=0.7"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.9"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("de"), Lang::Fr);
        assert_eq!(Lang::from_accept_language(""), Lang::Fr);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("*"), Lang::Fr);
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(date_fr(Date::constant(2023, 3, 1)), "1er mars 2023");
        assert_eq!(date_fr(Date::constant(2026, 8, 11)), "11 août 2026");
        assert_eq!(date_en(Date::constant(2026, 8, 11)), "11 August 2026");
        assert_eq!(time_fr("2026-11-24T09:05".parse().unwrap()), "9 h 05");
    }
}
