//! What one decision costs: reading and answering the contract's example requests (the API and
//! `vigie decide --jsonl` path), and the bare engine on a prebuilt contact (the screening path).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;
use vigie_core::{
    Action, Audience, Campaign, Channel, ChannelScope, ConsentEvent, ContactView, DecisionContext,
    Jurisdiction, Lang, Method, Purpose, decide, parse_request,
};

/// The contract's example requests, from the shared/ folder: this benchmark (unlike the tests)
/// needs ../shared or VIGIE_SHARED_DIR, as scripts/bench provides.
fn example_requests() -> Vec<String> {
    let dir = std::env::var_os("VIGIE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let path = dir.join("contract/examples.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (this benchmark needs the shared/ folder: set VIGIE_SHARED_DIR)",
            path.display()
        )
    });
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["request"].to_string())
        .collect()
}

/// A compact contact record of the kind bulk screening keeps.
struct Record {
    audience: Audience,
    customer: bool,
    categories: u8,
    contract_active: bool,
    collected_at: Timestamp,
    informed: bool,
    objection_offered: bool,
    on_opposition_list: bool,
    events: Vec<ConsentEvent>,
}

const CATEGORIES: [&str; 3] = ["optics", "audio", "travel"];

impl ContactView for Record {
    fn audience(&self) -> Audience {
        self.audience
    }
    fn is_customer(&self) -> bool {
        self.customer
    }
    fn bought(&self, category: &str) -> bool {
        CATEGORIES
            .iter()
            .enumerate()
            .any(|(i, c)| self.categories & (1 << i) != 0 && *c == category)
    }
    fn contract_active(&self) -> bool {
        self.contract_active
    }
    fn collected_at(&self) -> Option<Timestamp> {
        Some(self.collected_at)
    }
    fn informed(&self) -> bool {
        self.informed
    }
    fn objection_offered(&self) -> bool {
        self.objection_offered
    }
    fn restricted(&self) -> bool {
        false
    }
    fn suppressed(&self) -> bool {
        false
    }
    fn on_opposition_list(&self) -> bool {
        self.on_opposition_list
    }
    fn calls_last_30_days(&self) -> u32 {
        0
    }
    fn last_call_refusal_at(&self) -> Option<Timestamp> {
        None
    }
    fn time_zone(&self) -> Option<vigie_core::Zone> {
        None
    }
    fn events(&self) -> &[ConsentEvent] {
        &self.events
    }
}

fn records() -> Vec<Record> {
    let event = |scope, action, at: &str| ConsentEvent {
        scope,
        purpose: Purpose::Marketing,
        action,
        at: at.parse().unwrap(),
        method: Method::DoubleOptIn,
    };
    (0..64u32)
        .map(|i| Record {
            audience: Audience::ALL[(i % 3) as usize],
            customer: i % 4 == 0,
            categories: (i % 8) as u8,
            contract_active: i % 5 == 0,
            collected_at: Timestamp::from_second(1_600_000_000 + i64::from(i) * 1_000_000).unwrap(),
            informed: i % 7 != 0,
            objection_offered: i % 6 != 0,
            on_opposition_list: i % 9 == 0,
            events: (0..i % 4)
                .map(|k| match k {
                    0 => event(ChannelScope::Email, Action::Grant, "2024-01-10T08:00:00Z"),
                    1 => event(ChannelScope::Sms, Action::Withdraw, "2025-03-01T08:00:00Z"),
                    _ => event(ChannelScope::Any, Action::Object, "2025-09-01T08:00:00Z"),
                })
                .collect(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let requests = example_requests();
    let mut g = c.benchmark_group("request");
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            for json in &requests {
                black_box(parse_request(black_box(json)).unwrap());
            }
        })
    });
    g.bench_function("parse_decide_explain", |b| {
        b.iter(|| {
            for json in &requests {
                let request = parse_request(black_box(json)).unwrap();
                black_box(decide(&request, Lang::Fr));
            }
        })
    });
    g.finish();

    let campaign = Campaign {
        product_category: Some("optics".into()),
        relates_to_profession: true,
        commercial: true,
        press: false,
    };
    let at: Timestamp = "2026-11-24T09:30:00Z".parse().unwrap();
    let mut g = c.benchmark_group("engine");
    g.bench_function("context_new", |b| {
        b.iter(|| {
            DecisionContext::new(
                Jurisdiction::Fr,
                black_box(at),
                Channel::Phone,
                Purpose::Marketing,
                &campaign,
            )
        })
    });
    let records = records();
    g.throughput(Throughput::Elements(records.len() as u64));
    for channel in [Channel::Email, Channel::Phone] {
        let ctx =
            DecisionContext::new(Jurisdiction::Fr, at, channel, Purpose::Marketing, &campaign);
        g.bench_function(format!("decide_{channel}"), |b| {
            b.iter(|| {
                for record in &records {
                    black_box(ctx.decide(black_box(record)));
                }
            })
        });
    }
    g.finish();

    // Imports parse millions of addresses: the common ASCII shape, typed in capitals with
    // spaces around as exports have it, and an internationalized domain (the IDNA path).
    let mut g = c.benchmark_group("ident");
    for (name, typed) in [
        ("email_ascii", "  Marie.Martin42@Example-Domain.FR "),
        ("email_idna", "marie@café.fr"),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| black_box(vigie_core::Email::parse(black_box(typed)).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
