//! Decisions about stored contacts: the facts come from the store (contact fields, its ledger,
//! the suppression and opposition lists, the call log), the answer from the one engine of vigie-core.

use vigie_core::{
    CallWindow, Campaign, Channel, ContactFacts, ContactView, DecisionContext, DecisionRequest,
    DecisionResponse, IdentifierKind, Jurisdiction, Lang, Moment, Purpose, Zone,
};
use vigie_store::{Contact, OrgId, StoredContactView, StoredEvent};

use crate::AppState;
use crate::error::ApiResult;

/// Now, to the second: the moment of a decision asked without one.
pub fn now() -> vigie_core::Timestamp {
    let now = vigie_core::Timestamp::now();
    vigie_core::Timestamp::from_second(now.as_second()).unwrap_or(now)
}

/// The campaign side of a decision about a stored contact.
#[derive(Debug, Clone)]
pub struct Ask {
    pub jurisdiction: Jurisdiction,
    pub at: Moment,
    pub channel: Channel,
    pub purpose: Purpose,
    pub campaign: Campaign,
}

/// The identifier the channel reaches the contact on, when it has none.
pub use vigie_core::IdentifierKind as MissingIdentifier;

/// A decision about a stored contact, with the request the engine was given.
#[derive(Debug, Clone)]
pub struct StoredDecision {
    pub request: DecisionRequest,
    pub response: DecisionResponse,
    pub rule_pack: &'static str,
}

/// Builds the engine's request from the store and decides.
pub async fn decide_stored(
    state: &AppState,
    org: OrgId,
    contact: &Contact,
    events: &[StoredEvent],
    ask: Ask,
    lang: Lang,
) -> ApiResult<Result<StoredDecision, MissingIdentifier>> {
    let store = state.store();
    let d = &contact.data;
    // The identifier the channel reaches, and the suppressions that bar it, are the core's.
    let (email, phone) = (d.email.as_ref(), d.phone.as_ref());
    if let Some(kind) = ask.channel.identifier() {
        let missing = match kind {
            IdentifierKind::Email => email.is_none(),
            IdentifierKind::Phone => phone.is_none(),
        };
        if missing {
            return Ok(Err(kind));
        }
    }
    // Look up the identifiers the channel's suppression reads; the rule is the core's.
    let (mut email_suppressed, mut phone_suppressed) = (None, None);
    for kind in ask.channel.suppression_identifiers() {
        match kind {
            IdentifierKind::Email => {
                if let Some(e) = email {
                    email_suppressed = Some(store.is_suppressed(org, e.as_str()).await?);
                }
            }
            IdentifierKind::Phone => {
                if let Some(p) = phone {
                    phone_suppressed = Some(store.is_suppressed(org, p.as_str()).await?);
                }
            }
        }
    }
    let suppressed = ask.channel.suppressed(|kind| match kind {
        IdentifierKind::Email => email_suppressed,
        IdentifierKind::Phone => phone_suppressed,
    });
    let mut view = StoredContactView::new(d, events.iter().map(|e| e.new.event).collect());
    view.suppressed = suppressed;
    view.on_opposition_list = match phone {
        Some(p) if ask.channel.uses_phone_number() => store.on_opposition_list(org, p).await?,
        _ => false,
    };
    // The call log, counted by the core's rule on the consumer's own calendar; only phone calls
    // are limited by it, so other channels do not read it.
    if ask.channel == Channel::Phone {
        let zone = view
            .time_zone()
            .map_or_else(|| ask.jurisdiction.time_zone(), Zone::time_zone);
        let window = CallWindow::before(ask.at.instant(), zone);
        let count = store.call_count(org, contact.id, window).await?;
        view.calls_last_30_days = count.attempts;
        view.last_call_refusal_at = count.last_refusal_at;
    }
    let context = DecisionContext::new(
        ask.jurisdiction,
        ask.at,
        ask.channel,
        ask.purpose,
        &ask.campaign,
    )
    .with_zones(view.time_zone());
    let response = context.answer(&view, lang);
    let rule_pack = context.rule_pack().id;
    // The facts the engine read, shown with the answer as the request they amount to.
    let facts = ContactFacts::describe(
        &view,
        d.customer_categories.clone(),
        d.collected_via.clone(),
    );
    let request = DecisionRequest {
        jurisdiction: ask.jurisdiction,
        at: ask.at,
        channel: ask.channel,
        purpose: ask.purpose,
        campaign: ask.campaign,
        contact: facts,
    };
    Ok(Ok(StoredDecision {
        request,
        response,
        rule_pack,
    }))
}
