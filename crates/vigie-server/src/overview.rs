//! The dashboard's figures: what share of the base each channel reaches and the codes that
//! block the rest, and the ledger's grants, withdrawals and objections per week. They are
//! computed in the background from the screening snapshot (the same file screening uses: one
//! pass over it per channel, in memory), with what screening each contact's own identifier
//! finds before the engine and the snapshot does not keep (the suppression list, the zone a
//! number implies: `Store::identifier_facts`), so the reach is what a screening of every
//! contact would allow; they are stored with the organization's data version they were
//! computed at (`vigie_store::DashboardFigures`). A page view reads that one row; when the
//! store's data version has moved on (every write to contacts, the ledger, suppression,
//! opposition lists or the call log moves it), the view starts one refresh for the
//! organization and says the figures are being brought up to date. The same pass keeps every
//! contact's decision per channel in memory ([`DecisionLists`], for the contacts list filtered
//! by decision), per organization and data version: a server that starts without them, or finds
//! them behind the store, computes them again in the background.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use vigie_core::{Action, Channel, Lang};
use vigie_screen::{CampaignSpec, Identifier, IdentifierFacts, ScreenError, Screener, Snapshot};
use vigie_store::{DashboardFigures, OrgId, StoreError};

use crate::AppState;
use crate::decision_lists::DecisionLists;

/// Weeks of the consent trend.
pub(crate) const TREND_WEEKS: usize = 12;

/// What one channel would reach if a marketing campaign went to the whole base now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ChannelReach {
    pub channel: Channel,
    /// Contacts with the channel's identifier (the others cannot be reached on it).
    pub with_identifier: u64,
    pub allowed: u64,
    /// The codes that refuse, most frequent first, with the engine's sentence for each.
    pub blocked: Vec<Blocked>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Blocked {
    /// The code as the API spells it.
    pub code: String,
    pub count: u64,
    pub fr: String,
    pub en: String,
}

impl Blocked {
    pub(crate) fn words(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

/// Ledger events of one week, by action.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Week {
    pub start: jiff::civil::Date,
    pub grants: u64,
    pub withdrawals: u64,
    pub objections: u64,
}

/// The figures, as stored (JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Figures {
    pub contacts: u64,
    pub channels: Vec<ChannelReach>,
    pub weeks: Vec<Week>,
}

/// The figures as read for a page: absent until first computed, and whether they are behind
/// the store.
pub(crate) struct Shown {
    pub figures: Option<(Figures, Timestamp)>,
    pub refreshing: bool,
}

/// Organizations whose figures are being computed (one refresh at a time each), and the latest
/// decisions per channel computed for each.
#[derive(Default)]
pub(crate) struct Refreshes {
    running: Mutex<HashSet<OrgId>>,
    lists: Mutex<HashMap<OrgId, Arc<DecisionLists>>>,
}

/// The decisions per channel as read for a page: absent until first computed, and whether they
/// are behind the store.
pub(crate) struct ShownLists {
    pub lists: Option<Arc<DecisionLists>>,
    pub refreshing: bool,
}

/// The organization's decisions per channel kept in memory; starts a refresh when they are
/// missing or behind the store.
pub(crate) async fn decision_lists(state: &AppState, org: OrgId) -> Result<ShownLists, StoreError> {
    let version = state.store().data_version(org).await?;
    let lists = state
        .refreshes()
        .lists
        .lock()
        .expect("lists")
        .get(&org)
        .cloned();
    let behind = lists.as_ref().is_none_or(|l| l.data_version != version);
    if behind {
        start_refresh(state, org);
    }
    Ok(ShownLists {
        lists,
        refreshing: behind,
    })
}

/// The organization's stored figures; starts a refresh when they are missing or behind.
pub(crate) async fn figures(state: &AppState, org: OrgId) -> Result<Shown, StoreError> {
    let store = state.store();
    let stored = store.dashboard_figures(org).await?;
    let version = store.data_version(org).await?;
    let behind = stored.as_ref().is_none_or(|f| f.data_version != version);
    if behind {
        start_refresh(state, org);
    }
    let figures = stored.and_then(|f| match serde_json::from_str(&f.figures) {
        Ok(figures) => Some((figures, f.computed_at)),
        Err(e) => {
            // Written by an older server: computed again.
            tracing::warn!(error = %e, "stored dashboard figures unreadable");
            None
        }
    });
    Ok(Shown {
        refreshing: behind || figures.is_none(),
        figures,
    })
}

/// The organization's number of contacts: the figures' count when they were computed at the
/// store's data version (counting two million rows costs about 100 ms a view), else counted.
pub(crate) async fn contact_count(state: &AppState, org: OrgId) -> Result<u64, StoreError> {
    let store = state.store();
    if let Some(stored) = store.dashboard_figures(org).await?
        && stored.data_version == store.data_version(org).await?
        && let Ok(figures) = serde_json::from_str::<Figures>(&stored.figures)
    {
        return Ok(figures.contacts);
    }
    store.count_contacts(org).await
}

fn start_refresh(state: &AppState, org: OrgId) {
    if !state
        .refreshes()
        .running
        .lock()
        .expect("refreshes")
        .insert(org)
    {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = refresh(&state, org).await {
            tracing::error!(error = %e, org, "computing the dashboard figures");
        }
        state
            .refreshes()
            .running
            .lock()
            .expect("refreshes")
            .remove(&org);
    });
}

/// Computes the organization's figures from a fresh snapshot and stores them.
pub(crate) async fn refresh(state: &AppState, org: OrgId) -> Result<(), ScreenError> {
    let store = state.store();
    let crypto = store.org_crypto(org).await?;
    let cache = state.snapshot_cache();
    tokio::fs::create_dir_all(cache.dir())
        .await
        .map_err(|e| StoreError::Other(format!("{}: {e}", cache.dir().display())))?;
    let (by_email, _) = cache.load(store, &crypto, Identifier::Email).await?;
    let (by_phone, _) = cache.load(store, &crypto, Identifier::Phone).await?;
    let data_version = by_email.info().data_version;
    let contacts = store.count_contacts(org).await?;
    let region = store.org_settings(org).await?.region;
    // What screening each contact's own identifiers would find first (suppression list, the
    // zone a number implies): the snapshot does not know it.
    let facts = store.identifier_facts(org).await?;
    let now = Timestamp::now();
    let (figures, lists) = tokio::task::spawn_blocking(move || {
        let base = Base {
            crypto: &crypto,
            by_email: &by_email,
            by_phone: &by_phone,
            facts: &facts,
            contacts,
            region,
        };
        compute(&base, now)
    })
    .await
    .map_err(|e| StoreError::Other(e.to_string()))??;
    let json = serde_json::to_string(&figures).map_err(|e| StoreError::Other(e.to_string()))?;
    // The decisions first: once the dashboard says its figures are fresh, so is the list.
    state
        .refreshes()
        .lists
        .lock()
        .expect("lists")
        .insert(org, Arc::new(lists));
    store
        .save_dashboard_figures(
            org,
            &DashboardFigures {
                data_version,
                computed_at: now,
                figures: json,
            },
        )
        .await?;
    Ok(())
}

/// What the figures are computed from.
struct Base<'a> {
    crypto: &'a vigie_store::OrgCrypto,
    by_email: &'a Snapshot,
    by_phone: &'a Snapshot,
    /// In contact id order.
    facts: &'a [vigie_store::IdentifierFacts],
    contacts: u64,
    region: vigie_core::Region,
}

impl Base<'_> {
    /// What screening the contact's identifier for `identifier` finds before the engine.
    fn facts(&self, identifier: Identifier, contact_id: i64) -> IdentifierFacts {
        let Ok(i) = self
            .facts
            .binary_search_by_key(&contact_id, |f| f.contact_id)
        else {
            return IdentifierFacts::default();
        };
        let f = &self.facts[i];
        match identifier {
            Identifier::Email => IdentifierFacts {
                suppressed: f.email_suppressed,
                zone: None,
            },
            Identifier::Phone => IdentifierFacts {
                suppressed: f.phone_suppressed,
                zone: f.phone_zone,
            },
        }
    }
}

fn compute(base: &Base<'_>, now: Timestamp) -> Result<(Figures, DecisionLists), ScreenError> {
    let (crypto, by_email, by_phone) = (base.crypto, base.by_email, base.by_phone);
    let (contacts, region) = (base.contacts, base.region);
    let mut channels = Vec::new();
    let mut lists = DecisionLists::new(by_email.info().data_version, now);
    for channel in Channel::ALL {
        // A French marketing campaign to the whole base, now (the contact page's default).
        let campaign = serde_json::json!({
            "jurisdiction": "FR",
            "purpose": "marketing",
            "channel": channel,
            "at": now.to_string(),
        });
        let spec = match CampaignSpec::parse(&campaign.to_string()) {
            Ok(spec) => spec,
            // A channel no list can be screened on (no identifier) has no census.
            Err(_) => continue,
        };
        let snapshot = match spec.identifier {
            Identifier::Email => by_email,
            Identifier::Phone => by_phone,
        };
        let screener = Screener::new(snapshot, crypto, &spec, region)?;
        let census = screener.census(|id| base.facts(spec.identifier, id));
        let counts = census.counts;
        let mut blocked: Vec<Blocked> = counts
            .iter()
            .filter(|(code, n)| *n > 0 && code.decision() == vigie_core::Decision::Deny)
            .map(|(code, count)| Blocked {
                code: code.as_str().to_owned(),
                count,
                fr: screener.explain(code, Lang::Fr),
                en: screener.explain(code, Lang::En),
            })
            .collect();
        blocked.sort_by_key(|b| std::cmp::Reverse(b.count));
        channels.push(ChannelReach {
            channel: *channel,
            with_identifier: snapshot.contacts_with_identifier(),
            allowed: counts.allowed(),
            blocked,
        });
        lists.add(*channel, &census.decided);
    }
    let from = now - SignedDuration::from_hours(24 * 7 * TREND_WEEKS as i64);
    let per_week = by_email.events_per_week(from, TREND_WEEKS);
    let action = |a: Action| Action::ALL.iter().position(|x| *x == a).expect("an action");
    let weeks = per_week
        .iter()
        .enumerate()
        .map(|(i, counts)| Week {
            start: (from + SignedDuration::from_hours(24 * 7 * i as i64))
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date(),
            grants: counts[action(Action::Grant)],
            withdrawals: counts[action(Action::Withdraw)],
            objections: counts[action(Action::Object)],
        })
        .collect();
    Ok((
        Figures {
            contacts,
            channels,
            weeks,
        },
        lists,
    ))
}
