//! Whose is a call? Call attribution as Mitel MiVoice Office keeps it: each user has one
//! primary and any number of secondary extensions and agent IDs, an agent ID beats the
//! extension it is logged in on, extensions are reused after a user leaves, and the dynamic
//! extensions (DEE) of a user's primary extension count for them while nobody else holds them.
//!
//! Loads `examples/data/mivoice_attribution.json` (a tenant, call legs at given instants and a
//! few recordings) and prints who held what when, whose each leg is and why, and who may replay
//! each recording as their own: the new holder of a reused extension never gains the earlier
//! holder's recordings.
//!
//! Run with `cargo run --example mivoice_attribution`.

use pbx_entitlements::model::{EndpointKind, Recording, Tenant};
use pbx_entitlements::{AttributedBy, Resolver, TenantIndex, validate};
use serde::Deserialize;

/// The tenant, legs and recordings ship inside the binary: the example runs from any directory.
const SITE: &str = include_str!("data/mivoice_attribution.json");

/// The example's data file: a tenant document, call legs to attribute, and recordings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Site {
    tenant: Tenant,
    legs: Vec<CallLeg>,
    recordings: Vec<Recording>,
}

/// One call leg seen at an instant, with a note for the reader.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallLeg {
    at: i64,
    extension: String,
    #[serde(default)]
    agent: Option<String>,
    note: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let site: Site = serde_json::from_str(SITE)?;
    let index = validate(&site.tenant)?;
    let endpoints = index.endpoints();
    let id = |user| index.user(user).map_or("?", |u| u.id().as_str());

    println!(
        "Tenant `{}`: {} users, {} extensions and agent IDs assigned.\n",
        index.tenant(),
        index.users().len(),
        endpoints.len()
    );
    println!("Assignments, each for [from, to):\n");
    for user in index.users() {
        println!("  {} - {}", user.id(), user.name().unwrap_or("-"));
        for e in user.endpoints() {
            let kind = match e.kind {
                EndpointKind::Agent => "agent ID",
                _ => "extension",
            };
            let role = if e.primary { "primary" } else { "secondary" };
            println!(
                "      {kind:<9} {:<5} {role:<9}  from {:<19}  to {}",
                e.id,
                if e.from == 0 {
                    "always".to_owned()
                } else {
                    utc(e.from)
                },
                e.to.map_or_else(|| "now".to_owned(), utc),
            );
        }
        if !user.dee().is_empty() {
            println!(
                "      DEE       {}  following the primary extension",
                user.dee().join(", ")
            );
        }
    }

    println!("\nWho held an extension at an instant (owner_at):\n");
    for (extension, t) in [
        ("2004", 1_704_067_199),
        ("2004", 1_704_067_200),
        ("2004", 1_751_327_999),
        ("2004", 1_751_328_000),
        ("2092", 1_748_735_999),
        ("2092", 1_748_736_000),
    ] {
        let owner = endpoints
            .owner_at(EndpointKind::Extension, extension, t)
            .map_or("nobody", id);
        println!("  {extension} at {}: {owner}", utc(t));
    }

    println!("\nWhose is each call leg (at the instant it happened, never \"now\"):\n");
    for leg in &site.legs {
        let on = match &leg.agent {
            Some(agent) => format!("{} + agent {agent}", leg.extension),
            None => leg.extension.clone(),
        };
        let whose = match endpoints.attribute(leg.at, &leg.extension, leg.agent.as_deref()) {
            Some(a) => format!("{:<5} by {}", id(a.user), by(a.via)),
            None => "nobody's".to_owned(),
        };
        println!("  {}  {on:<17} {whose:<20} {}", utc(leg.at), leg.note);
    }

    println!("\nReplay as one's own (everyone here has replay own), for each user who ever held");
    println!("one of the recording's extensions or agent IDs:\n");
    let resolver = Resolver::new(&index);
    // Rights are read once per viewer, then each decision is a lookup.
    let mut viewers = Vec::new();
    for user in index.users() {
        viewers.push(resolver.recording_rights(user.id().as_str())?);
    }
    for recording in &site.recordings {
        println!(
            "  {} at {}, {}",
            recording.id,
            utc(recording.start),
            legs(&index, recording)
        );
        for rights in &viewers {
            let Some(user) = index.user(rights.viewer()) else {
                continue;
            };
            let held = |id: &str| {
                user.endpoints().iter().any(|e| e.id == id) || user.dee().iter().any(|m| m == id)
            };
            let concerned = recording
                .legs
                .iter()
                .any(|leg| held(&leg.extension) || leg.agent.as_deref().is_some_and(held));
            if concerned {
                println!("      {:<5} {}", user.id(), rights.replay(recording));
            }
        }
    }
    Ok(())
}

/// The endpoint that decided, in words.
fn by(via: AttributedBy) -> &'static str {
    match via {
        AttributedBy::Agent => "agent ID",
        AttributedBy::Dee => "DEE member",
        _ => "extension",
    }
}

/// A recording's legs with their owners at its start.
fn legs(index: &TenantIndex, recording: &Recording) -> String {
    let shown: Vec<String> = recording
        .legs
        .iter()
        .map(|leg| {
            let owner = index
                .endpoints()
                .attribute(recording.start, &leg.extension, leg.agent.as_deref())
                .and_then(|a| index.user(a.user))
                .map_or("nobody", |u| u.id().as_str());
            match &leg.agent {
                Some(agent) => format!("leg {} + agent {agent} ({owner}'s)", leg.extension),
                None => format!("leg {} ({owner}'s)", leg.extension),
            }
        })
        .collect();
    shown.join(", ")
}

/// Seconds since the Unix epoch as a UTC date and time (`2025-07-01 00:00:00`): the crate
/// never reads a clock, so the example formats its instants itself.
fn utc(t: i64) -> String {
    // Days to a civil date (proleptic Gregorian), after Howard Hinnant's `civil_from_days`.
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}
