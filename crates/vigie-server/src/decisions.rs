//! Decisions about stored contacts: the facts come from the store (contact fields, its ledger,
//! the suppression and opposition lists, the call log), the answer from the one engine of vigie-core.

use vigie_core::{
    CallWindow, Campaign, Channel, ContactFacts, DecisionRequest, DecisionResponse, Jurisdiction,
    Lang, Moment, Purpose, Zone, decide,
};
use vigie_store::{Contact, OrgId, StoredEvent};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingIdentifier {
    Email,
    Phone,
}

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
    let (suppressed, on_opposition_list) = match ask.channel {
        Channel::Email => match &d.email {
            Some(e) => (store.is_suppressed(org, e.as_str()).await?, false),
            None => return Ok(Err(MissingIdentifier::Email)),
        },
        Channel::Postal => {
            // A postal address is not kept yet: a person whose e-mail or phone is suppressed was
            // erased or opted out for good, so the letter is refused too.
            let mut suppressed = false;
            if let Some(e) = &d.email {
                suppressed |= store.is_suppressed(org, e.as_str()).await?;
            }
            if let Some(p) = &d.phone
                && !suppressed
            {
                suppressed |= store.is_suppressed(org, p.as_str()).await?;
            }
            (suppressed, false)
        }
        _ => match &d.phone {
            Some(p) => (
                store.is_suppressed(org, p.as_str()).await?,
                store.on_opposition_list(org, p).await?,
            ),
            None => return Ok(Err(MissingIdentifier::Phone)),
        },
    };
    let mut facts = ContactFacts::new(d.audience);
    facts.customer = d.customer;
    facts.customer_categories = d.customer_categories.clone();
    facts.contract_active = d.contract_active;
    facts.collected_at = d.collected_at;
    facts.collected_via = d.collected_via.clone();
    facts.informed = d.informed;
    facts.objection_offered = d.objection_offered;
    facts.restricted = d.restricted;
    facts.suppressed = suppressed;
    facts.on_opposition_list = on_opposition_list;
    // No zone is recorded for a contact yet: the one its phone number implies.
    facts.time_zone = Zone::of_contact(None, d.phone.as_ref());
    // The call log, counted by the core's rule on the consumer's own calendar; only phone calls
    // are limited by it, so other channels do not read it.
    if ask.channel == Channel::Phone {
        let zone = facts
            .time_zone
            .map_or_else(|| ask.jurisdiction.time_zone(), Zone::time_zone);
        let window = CallWindow::before(ask.at.instant(), zone);
        let count = store.call_count(org, contact.id, window).await?;
        facts.calls_last_30_days = count.attempts;
        facts.last_call_refusal_at = count.last_refusal_at;
    }
    facts.events = events.iter().map(|e| e.new.event).collect();
    let request = DecisionRequest {
        jurisdiction: ask.jurisdiction,
        at: ask.at,
        channel: ask.channel,
        purpose: ask.purpose,
        campaign: ask.campaign,
        contact: facts,
    };
    let rule_pack = request.context().rule_pack().id;
    let response = decide(&request, lang);
    Ok(Ok(StoredDecision {
        request,
        response,
        rule_pack,
    }))
}
