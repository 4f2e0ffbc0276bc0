//! Recording rights as an Avaya IP Office user portal sets them: replay all, replay own, own
//! plus groups, own plus a list of other numbers (extensions, account codes, line numbers,
//! group numbers; 127 characters at most), download, and delete for a supervisor.
//!
//! Loads `examples/data/ip_office_recordings.json` (a tenant and a few recordings), then prints,
//! for each user and each recording, whether they may replay and download it and why, and
//! which recordings they would see in the portal's list. Ends with what validation says about
//! a replay group that does not exist and a replay list that is too long.
//!
//! Run with `cargo run --example ip_office_recordings`.

use pbx_entitlements::model::{Recording, Tenant};
use pbx_entitlements::{Entitlements, RecordingRights, Resolver, TenantIndex, validate};
use serde::Deserialize;

/// The tenant and its recordings ship inside the binary: the example runs from any directory.
const SITE: &str = include_str!("data/ip_office_recordings.json");

/// The viewers, from the widest rights to none: the supervisor (replay all, download, delete),
/// replay own, own plus the sales group, own plus a list of numbers, and a user whose replay
/// groups cannot apply because replay is none.
const VIEWERS: [&str; 5] = ["paula", "oscar", "greta", "nina", "ivan"];

/// The example's data file: a tenant document and the recordings its call log holds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Site {
    tenant: Tenant,
    recordings: Vec<Recording>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let site: Site = serde_json::from_str(SITE)?;
    let index = validate(&site.tenant)?;
    let resolver = Resolver::new(&index);

    println!(
        "Tenant `{}`: {} users, {} recordings.\n",
        index.tenant(),
        index.users().len(),
        site.recordings.len()
    );
    println!("Recordings (a recording's numbers are its extensions, agent ids, account code,");
    println!("line and its group's number):\n");
    for recording in &site.recordings {
        println!("  {:<4} {}", recording.id, describe(&index, recording));
    }

    for viewer in VIEWERS {
        // Resolve once, read the rights once; every decision below is then a few lookups.
        let entitlements = resolver.user(viewer)?;
        let rights = RecordingRights::new(&index, viewer, &entitlements)?;
        let name = index.user(viewer).and_then(|u| u.name()).unwrap_or("-");
        println!("\n{viewer} ({name}): {}", summary(&entitlements)?);
        for recording in &site.recordings {
            let replay = rights.replay(recording);
            println!("  {:<4} replay    {replay}", recording.id);
            println!("       download  {}", rights.download(recording));
            // Delete is never implied by replay or download: show it wherever replay is allowed.
            if replay.allowed {
                println!("       delete    {}", rights.delete(recording));
            }
        }
        let ids = |list: Vec<&Recording>| {
            let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
            if ids.is_empty() {
                "nothing".to_owned()
            } else {
                ids.join(", ")
            }
        };
        println!(
            "  in the portal: may replay {}; may download {}",
            ids(rights.replayable(&site.recordings).collect()),
            ids(rights.downloadable(&site.recordings).collect()),
        );
    }

    println!("\nWhy Ivan's replay groups do not count:\n");
    println!(
        "  {}",
        resolver.explain("ivan", "recordings_replay_groups")?
    );

    // A replay group that is not a group of the tenant, and a replay list past IP Office's
    // 127 characters (30 four-digit extensions joined with `;` are 149).
    let mut broken = site.tenant.clone();
    let too_long: Vec<String> = (2001..=2030).map(|n| n.to_string()).collect();
    for user in &mut broken.users {
        match user.id.as_str() {
            "greta" => {
                user.overrides.insert(
                    "recordings_replay_groups".into(),
                    vec!["sales", "marketing"].into(),
                );
            }
            "nina" => {
                user.overrides
                    .insert("recordings_replay_others".into(), too_long.clone().into());
            }
            _ => {}
        }
    }
    println!("\nA copy with a mistyped group and an overlong replay list is refused:\n");
    match validate(&broken) {
        Ok(_) => println!("  unexpectedly valid"),
        Err(errors) => {
            for problem in &errors {
                println!("  - {problem}");
            }
        }
    }
    Ok(())
}

/// A recording in one line: its legs, group, account code and line.
fn describe(index: &TenantIndex, recording: &Recording) -> String {
    let legs: Vec<String> = recording
        .legs
        .iter()
        .map(|leg| {
            // Whose the leg was when the call started.
            let owner = index
                .endpoints()
                .attribute(recording.start, &leg.extension, leg.agent.as_deref())
                .and_then(|a| index.user(a.user))
                .map_or("nobody", |u| u.id().as_str());
            match &leg.agent {
                Some(agent) => format!("{} with agent {agent} ({owner})", leg.extension),
                None => format!("{} ({owner})", leg.extension),
            }
        })
        .collect();
    let mut parts = vec![format!("legs {}", legs.join(" + "))];
    if let Some(group) = &recording.group {
        let number = index
            .group(group.as_str())
            .and_then(|g| g.number())
            .unwrap_or("no number");
        parts.push(format!("group {group} ({number})"));
    }
    if let Some(code) = &recording.account_code {
        parts.push(format!("account code {code}"));
    }
    if let Some(line) = &recording.line {
        parts.push(format!("line {line}"));
    }
    parts.join("; ")
}

/// A user's recording rights as the portal's settings page shows them.
fn summary(e: &Entitlements) -> Result<String, Box<dyn std::error::Error>> {
    let on_off = |on: bool| if on { "on" } else { "off" };
    Ok(format!(
        "replay {}, groups {}, others {}, download {}, delete {}",
        e.choice("recordings_replay")?,
        e.list("recordings_replay_groups")?,
        e.list("recordings_replay_others")?,
        on_off(e.toggle("recordings_download")?),
        on_off(e.toggle("recordings_delete")?),
    ))
}
