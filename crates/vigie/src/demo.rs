//! `vigie demo`: a store with a generated base for an optician, "Optique Lumière SAS", then the
//! server. The base is the same at every run (a seeded generator), and loading it again changes
//! nothing: contacts are upserted on their reference and ledger events are de-duplicated by
//! content, so the demo can be run as often as one likes.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use tokio::sync::mpsc;
use vigie_core::{
    Action, Audience, ChannelScope, ConsentEvent, ContactRef, Email, Method, PhoneE164, Purpose,
    Timestamp,
};
use vigie_store::{
    ContactData, ImportCounts, ImportMsg, NewConsentEvent, OrgCrypto, Organization, SealedContact,
    SealedEvent, Store, StoreError,
};

use crate::config::StoreArgs;

pub const DEMO_ORG: &str = "demo";
pub const DEMO_ORG_NAME: &str = "Optique Lumière SAS";
const SEED: u64 = 20_261_122;
const BATCH: usize = 500;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address and port to serve on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// How many contacts to generate.
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub contacts: u32,
    /// Load the demo base, then stop instead of serving.
    #[arg(long)]
    pub no_serve: bool,
    #[command(flatten)]
    pub auth: crate::serve::AuthArgs,
    #[command(flatten)]
    pub requests: crate::serve::RequestArgs,
}

/// The demo's administrator.
pub const DEMO_ADMIN: &str = "admin@demo.example";

pub async fn run(store_args: &StoreArgs, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let store = store_args.open().await?;
    let org = demo_org(&store).await?;
    demo_registers(&store, &org).await?;
    let started = std::time::Instant::now();
    let base = generate(args.contacts);
    let counts = load(&store, &org, &base).await?;
    println!(
        "Demo base of {} ({:?}) loaded in {:.1} s from {}:",
        org.name,
        org.slug,
        started.elapsed().as_secs_f64(),
        match &store_args.database_url {
            Some(_) => "PostgreSQL".to_owned(),
            None => format!("{}/", store_args.data_dir.display()),
        }
    );
    println!("  contacts     {}", describe(counts.contacts));
    println!("  events       {}", describe(counts.events));
    println!("  suppression  {}", describe(counts.suppression));
    println!("  opposition   {}", describe(counts.opposition));
    let notes = demo_access(&store, &org, args.listen).await?;
    if args.no_serve {
        for n in &notes {
            println!("{n}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let screening = crate::serve::screening_config(store_args);
    let state = vigie_server::AppState::with_config(store.clone(), screening, args.auth.config());
    let state = args.requests.apply(state, &store)?;
    // The links a person follows (unsubscribe, preferences, confirmations) name the demo's own
    // address, as its set-up link does.
    let state = state.with_public_url(format!("http://{}", args.listen).parse()?);
    crate::serve::serve(store, state, args.listen, Some(DEMO_ORG), &notes).await
}

/// The demo's way in: an administrator (a set-up link until they chose a password) and a
/// read-only API token valid one day, for trying the API with curl.
async fn demo_access(
    store: &Store,
    org: &Organization,
    listen: SocketAddr,
) -> anyhow::Result<Vec<String>> {
    use vigie_core::{Permission, Role};
    let base = format!("http://{listen}");
    let (admin, _) = store.add_member(org.id, DEMO_ADMIN, Role::Admin).await?;
    let mut notes = Vec::new();
    if admin.has_password {
        notes.push(format!(
            "  sign in    {base}/login as {DEMO_ADMIN} (`vigie user link --email {DEMO_ADMIN}` if the password is lost)"
        ));
    } else {
        let secret = store.create_setup_secret(admin.id).await?;
        notes.push(format!(
            "  sign in    {base}/setup/{secret}\n             choose the password of {DEMO_ADMIN}, then scan the QR code with an authenticator app"
        ));
    }
    let token = store
        .create_token(
            org.id,
            "demo quick start",
            &[
                Permission::ContactsRead,
                Permission::LedgerRead,
                Permission::ContactReach,
                Permission::Decide,
            ],
            Some(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24)),
            &format!("cli:{}", crate::config::os_user()),
        )
        .await?;
    store
        .audit(
            org.id,
            crate::config::cli_audit("token.create", format!("token:{}", token.token.id)),
        )
        .await?;
    notes.push(format!(
        "  try        curl -H 'Authorization: Bearer {}' '{base}/api/v1/contacts?limit=3'\n             (a read-only token valid 24 hours)",
        token.secret
    ));
    Ok(notes)
}

fn describe(c: ImportCounts) -> String {
    format!(
        "{} new, {} updated, {} unchanged",
        c.inserted, c.updated, c.unchanged
    )
}

async fn demo_org(store: &Store) -> anyhow::Result<Organization> {
    if let Some(org) = store.org(DEMO_ORG).await? {
        return Ok(org);
    }
    match store.create_org(DEMO_ORG, DEMO_ORG_NAME).await {
        Ok(org) => Ok(org),
        // Created meanwhile by another process.
        Err(StoreError::Conflict(_)) => Ok(store.require_org(DEMO_ORG).await?),
        Err(e) => Err(e).context("creating the demo organization"),
    }
}

/// The demo's registers (demo_registers.yaml: a French optician prospecting by e-mail and
/// telephone, a call centre in Tunisia under standard contractual clauses, an e-mail service, a
/// CRM), stored once: a DPO's later edits are kept.
pub const DEMO_REGISTERS: &str = include_str!("demo_registers.yaml");

async fn demo_registers(store: &Store, org: &Organization) -> anyhow::Result<()> {
    if store.registers(org.id).await?.is_some() {
        return Ok(());
    }
    let registers =
        vigie_core::registers::from_yaml(DEMO_REGISTERS).context("the demo's registers")?;
    store
        .save_registers(
            org.id,
            &registers,
            Some(0),
            crate::config::cli_audit("registers.apply", format!("registers:{}", org.slug)),
        )
        .await?;
    Ok(())
}

// ------------------------------------------------------------------------------ the base

/// The generated base, in clear.
pub struct DemoBase {
    pub contacts: Vec<ContactData>,
    pub events: Vec<(ContactRef, NewConsentEvent)>,
    /// Normalized identifiers on the suppression list.
    pub suppressed: Vec<String>,
    pub opposition: Vec<PhoneE164>,
}

/// SplitMix64: small, fast, and good enough to make up a contact base.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Marie",
    "Jean",
    "Camille",
    "Lucas",
    "Léa",
    "Hugo",
    "Chloé",
    "Louis",
    "Emma",
    "Nathan",
    "Inès",
    "Théo",
    "Manon",
    "Adam",
    "Sarah",
    "Paul",
    "Julie",
    "Léo",
    "Alice",
    "Tom",
    "Zoé",
    "François",
    "Hélène",
    "Noémie",
    "Mathis",
    "Élodie",
    "Gaëlle",
    "Jérôme",
    "Anaïs",
    "Benoît",
];
const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Muller",
    "Faure",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "yahoo.fr",
    "sfr.fr",
    "hotmail.fr",
];
const COMPANIES: &[&str] = &[
    "atelier-durand",
    "batiplus",
    "cabinet-roux",
    "clinique-des-lilas",
    "groupe-mercier",
    "lumiere-conseil",
    "pharmacie-centrale",
    "studio-lambert",
    "transports-girard",
    "ecole-montessori",
];
const GENERIC_LOCAL: &[&str] = &["contact", "info", "accueil", "commercial", "bonjour", "rh"];
/// What an optician sells.
const CATEGORIES: &[&str] = &[
    "optics",
    "sunglasses",
    "contact_lenses",
    "hearing_aids",
    "eye_exam",
];
const VIA_CONSUMER: &[&str] = &["in_store", "web_form", "purchase", "contest", "referral"];
const VIA_PRO: &[&str] = &["trade_show", "web_form", "referral", "public_directory"];
const CHANNELS: &[ChannelScope] = &[
    ChannelScope::Email,
    ChannelScope::Email,
    ChannelScope::Sms,
    ChannelScope::Phone,
    ChannelScope::Whatsapp,
    ChannelScope::Postal,
];
const GRANT_METHODS: &[Method] = &[
    Method::DoubleOptIn,
    Method::DoubleOptIn,
    Method::SingleOptIn,
    Method::UntickedCheckbox,
    Method::UntickedCheckbox,
    Method::PaperForm,
    Method::PhoneRecorded,
    Method::PretickedCheckbox,
];
const WITHDRAW_METHODS: &[Method] = &[
    Method::UnsubscribeLink,
    Method::UnsubscribeLink,
    Method::EmailReply,
    Method::CustomerService,
    Method::PrivacyCentre,
];
const OBJECT_METHODS: &[Method] = &[
    Method::PrivacyCentre,
    Method::CustomerService,
    Method::EmailReply,
];

/// French mobile numbers (9 digits after the 0) in the ranges every phone library accepts, as
/// gen_dataset.py draws them: 600–629, 640–689, 730–799.
fn mobile(rng: &mut Rng) -> String {
    let prefix = match rng.below(80 + 70) {
        n @ 0..30 => 600 + n,
        n @ 30..80 => 640 + (n - 30),
        n => 730 + (n - 80),
    };
    format!("{prefix}{:06}", rng.below(1_000_000))
}

/// Lower-case ASCII for e-mail addresses: accents dropped.
fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'À' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            c => c.to_ascii_lowercase(),
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// Seconds from the Unix epoch of 2021-01-01T00:00:00Z and 2026-11-01T00:00:00Z.
const FROM: i64 = 1_609_459_200;
const UNTIL: i64 = 1_793_491_200;

fn instant(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).expect("demo dates are in range")
}

/// Generates the demo base of `n` contacts: the same for the same `n`, and contact `i` is the
/// same whatever `n`.
pub fn generate(n: u32) -> DemoBase {
    let mut base = DemoBase {
        contacts: Vec::with_capacity(n as usize),
        events: Vec::new(),
        suppressed: Vec::new(),
        opposition: Vec::new(),
    };
    let mut phones = HashSet::new();
    for i in 0..n {
        let mut rng = Rng::new(SEED ^ u64::from(i).wrapping_mul(0xA24B_AED4_963E_E407));
        let contact_ref = ContactRef::parse(&format!("D{i:05}")).expect("valid reference");
        let r = rng.below(100);
        let audience = match r {
            0..70 => Audience::Consumer,
            70..93 => Audience::Professional,
            _ => Audience::Generic,
        };
        let (first, last) = (*rng.pick(FIRST), *rng.pick(LAST));
        let company = *rng.pick(COMPANIES);
        let email = match audience {
            Audience::Consumer => {
                format!("{}.{}{i}@{}", ascii(first), ascii(last), rng.pick(DOMAINS))
            }
            Audience::Professional => format!("{}.{}@{company}-{i}.fr", ascii(first), ascii(last)),
            Audience::Generic => format!("{}@{company}-{i}.fr", rng.pick(GENERIC_LOCAL)),
        };
        let email = Email::parse(&email).expect("generated e-mail addresses are valid");
        let phone = if audience == Audience::Generic && rng.chance(0.6) {
            None
        } else {
            loop {
                let p9 = mobile(&mut rng);
                if phones.insert(p9.clone()) {
                    break PhoneE164::parse_e164(&format!("+33{p9}")).ok();
                }
            }
        };
        let (first_name, last_name) = match audience {
            Audience::Generic => (None, None),
            _ => (Some(first.to_owned()), Some(last.to_owned())),
        };
        let customer = audience != Audience::Generic && rng.chance(0.35);
        let mut categories: Vec<String> = Vec::new();
        if customer {
            for _ in 0..=rng.below(2) {
                let c = (*rng.pick(CATEGORIES)).to_owned();
                if !categories.contains(&c) {
                    categories.push(c);
                }
            }
            categories.sort();
        }
        let collected_via = match audience {
            Audience::Consumer => *rng.pick(VIA_CONSUMER),
            _ => *rng.pick(VIA_PRO),
        };
        let collected = FROM + rng.below((UNTIL - FROM - 30 * 86_400) as u64) as i64;
        let informed = rng.chance(0.85);
        let objection_offered = informed && rng.chance(0.9);
        let contract_active = customer && rng.chance(0.4);
        let restricted = rng.chance(0.01);

        // The ledger: most people said something at collection, some changed their mind.
        let mut t = collected;
        let mut n_events = *rng.pick(&[0u64, 1, 1, 1, 2, 2, 3, 4]);
        if audience == Audience::Generic {
            n_events = n_events.min(1);
        }
        for k in 0..n_events {
            if k > 0 {
                t += 1 + rng.below(240 * 86_400) as i64;
            }
            if t >= UNTIL {
                break;
            }
            let scope = *rng.pick(CHANNELS);
            let roll = if k == 0 { 0 } else { rng.below(100) };
            let (action, method, scope) = match roll {
                0..60 => (Action::Grant, *rng.pick(GRANT_METHODS), scope),
                60..90 => (Action::Withdraw, *rng.pick(WITHDRAW_METHODS), scope),
                _ => (
                    Action::Object,
                    *rng.pick(OBJECT_METHODS),
                    if rng.chance(0.5) {
                        ChannelScope::Any
                    } else {
                        scope
                    },
                ),
            };
            let event = NewConsentEvent {
                event: ConsentEvent {
                    scope,
                    purpose: Purpose::Marketing,
                    action,
                    at: instant(t),
                    method,
                },
                notice_version: Some(format!("v{}", 1 + rng.below(4))),
                source: Some(collected_via.to_owned()),
                ip: None,
                user_agent: None,
            };
            base.events.push((contact_ref.clone(), event));
        }

        if rng.chance(0.02) {
            base.suppressed.push(email.as_str().to_owned());
        }
        if let Some(p) = &phone {
            if rng.chance(0.01) {
                base.suppressed.push(p.as_str().to_owned());
            }
            if audience == Audience::Consumer && rng.chance(0.12) {
                base.opposition.push(p.clone());
            }
        }
        base.contacts.push(ContactData {
            contact_ref,
            email: Some(email),
            phone,
            first_name,
            last_name,
            audience,
            customer,
            customer_categories: categories,
            collected_via: Some(collected_via.to_owned()),
            collected_at: Some(instant(collected)),
            informed,
            objection_offered,
            contract_active,
            restricted,
            time_zone: None,
            relationship_ended_at: None,
        });
    }
    // People erased long ago, and a national list far larger than the base.
    let mut rng = Rng::new(SEED.rotate_left(17));
    for i in 0..(n / 20).max(10) {
        base.suppressed.push(format!("ancien.client{i}@example.fr"));
    }
    for _ in 0..(n / 5).max(50) {
        let p9 = mobile(&mut rng);
        if !phones.contains(&p9)
            && let Ok(p) = PhoneE164::parse_e164(&format!("+33{p9}"))
        {
            base.opposition.push(p);
        }
    }
    base
}

// ------------------------------------------------------------------------------- loading

#[derive(Debug, Default)]
pub struct LoadCounts {
    pub contacts: ImportCounts,
    pub events: ImportCounts,
    pub suppression: ImportCounts,
    pub opposition: ImportCounts,
}

/// Loads the base through the bulk import paths: one transaction per kind of row.
pub async fn load(
    store: &Store,
    org: &Organization,
    base: &DemoBase,
) -> anyhow::Result<LoadCounts> {
    let crypto = &store.org_crypto(org.id).await?;
    // The store consumes batches while they are sealed: both run on this task.
    let (tx, rx) = mpsc::channel::<ImportMsg<SealedContact>>(4);
    let produce = async move {
        for chunk in base.contacts.chunks(BATCH) {
            if tx
                .send(ImportMsg::Batch(seal_contacts(crypto, chunk)))
                .await
                .is_err()
            {
                return;
            }
        }
        let _ = tx.send(ImportMsg::Commit).await;
    };
    let (contacts, ()) = tokio::join!(store.import_contacts(org.id, rx), produce);
    let contacts = contacts.context("importing the demo contacts")?;

    let (tx, rx) = mpsc::channel::<ImportMsg<SealedEvent>>(4);
    let produce = async move {
        for chunk in base.events.chunks(BATCH) {
            let sealed = chunk
                .iter()
                .map(|(r, e)| crypto.seal_event(0, r.as_str(), e, None))
                .collect();
            if tx.send(ImportMsg::Batch(sealed)).await.is_err() {
                return;
            }
        }
        let _ = tx.send(ImportMsg::Commit).await;
    };
    let (events, ()) = tokio::join!(store.import_events(org.id, rx, false), produce);
    let events = events.context("importing the demo consent events")?.0;
    let hashes = base
        .suppressed
        .iter()
        .map(|s| vigie_core::suppression_hash(s))
        .collect();
    let suppression = store.import_suppression(org.id, hashes).await?;
    let bidx = base
        .opposition
        .iter()
        .map(|p| crypto.index.phone_index(p))
        .collect();
    let opposition = store.import_opposition(org.id, bidx).await?;
    Ok(LoadCounts {
        contacts,
        events,
        suppression,
        opposition,
    })
}

fn seal_contacts(crypto: &OrgCrypto, chunk: &[ContactData]) -> Vec<SealedContact> {
    chunk.iter().map(|c| crypto.seal_contact(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_deterministic_and_prefix_stable() {
        let a = generate(300);
        let b = generate(300);
        let c = generate(500);
        assert_eq!(a.contacts, b.contacts);
        assert_eq!(a.events, b.events);
        assert_eq!(a.contacts[..], c.contacts[..300]);
        let phones: HashSet<_> = c.contacts.iter().filter_map(|c| c.phone.clone()).collect();
        assert_eq!(
            phones.len(),
            c.contacts.iter().filter(|c| c.phone.is_some()).count(),
            "phones are unique"
        );
    }

    #[test]
    fn the_base_has_what_the_demo_shows() {
        let b = generate(3000);
        let count = |f: &dyn Fn(&ContactData) -> bool| b.contacts.iter().filter(|c| f(c)).count();
        assert!(count(&|c| c.audience == Audience::Consumer) > 1500);
        assert!(count(&|c| c.audience == Audience::Professional) > 400);
        assert!(count(&|c| c.audience == Audience::Generic) > 50);
        assert!(count(&|c| c.customer && !c.customer_categories.is_empty()) > 500);
        assert!(count(&|c| c.restricted) > 5);
        let events =
            |f: &dyn Fn(&NewConsentEvent) -> bool| b.events.iter().filter(|(_, e)| f(e)).count();
        assert!(events(&|e| e.event.method == Method::PretickedCheckbox) > 50);
        assert!(events(&|e| e.event.action == Action::Withdraw) > 100);
        assert!(
            events(&|e| e.event.action == Action::Object && e.event.scope == ChannelScope::Any)
                > 10
        );
        assert!(b.suppressed.len() > 50 && b.opposition.len() > 200);
        for c in &b.contacts {
            if let Some(p) = &c.phone {
                assert!(
                    p.as_str().starts_with("+336") || p.as_str().starts_with("+337"),
                    "{p}"
                );
            }
        }
    }
}
