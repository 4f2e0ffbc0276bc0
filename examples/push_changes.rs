//! Pushing permission changes to apps, as SIMtrix does: when an admin saves a user's or a
//! department's configuration, the new values go to the user's Android app over its open
//! connection at once, without a restart. What to send, and to whom, is the difference between
//! two resolutions of the tenant.
//!
//! Loads `examples/data/push_changes.json` (a tenant, and the edits an admin saves), applies
//! the edits — a department template (call recording on, international calls to more
//! countries), one user's overrides (SMS and the CRM overlay), and a phone registered in the
//! meantime — then compares the resolutions before and after with `Diff::between` and prints,
//! per user and per device, the message to push and the reason for each new value. It ends
//! with values the edit named that did not change (a user's own switch, a device that cannot
//! show the feature), and why nothing is sent for them.
//!
//! Run with `cargo run --example push_changes`.

use std::collections::BTreeMap;

use pbx_entitlements::diff::{Change, Diff, Subject};
use pbx_entitlements::model::{Device, Tenant, Values};
use pbx_entitlements::{Resolver, Trace, batch, validate};
use serde::Deserialize;

/// The tenant and the edits ship inside the binary: the example runs from any directory.
const SITE: &str = include_str!("data/push_changes.json");

/// The example's data file: the tenant before, and what the admin saves.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Site {
    before: Tenant,
    edits: Edits,
}

/// One save of the admin panel, and a phone that registered meanwhile.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edits {
    template: TemplateEdit,
    #[serde(rename = "override")]
    user_override: OverrideEdit,
    new_device: Device,
}

/// New values for some features of one template.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateEdit {
    id: String,
    values: Values,
}

/// New overrides of one user.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideEdit {
    user: String,
    values: Values,
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let Site { before, edits } = serde_json::from_str(SITE)?;

    println!("Tenant `{}`: the admin saves", before.tenant);
    println!(
        "  - template \"{}\": {}",
        edits.template.id,
        listed(&edits.template.values)
    );
    println!(
        "  - user {}: {}",
        edits.user_override.user,
        listed(&edits.user_override.values)
    );
    let d = &edits.new_device;
    println!(
        "  and {}'s new {} phone registers as {} (app {})",
        d.owner,
        d.platform.as_str(),
        d.id,
        d.version
    );

    let mut after = before.clone();
    for template in &mut after.templates {
        if template.id.as_str() == edits.template.id {
            template.values.extend(edits.template.values.clone());
        }
    }
    let user = edits.user_override.user.as_str();
    let (mut after, _) = batch::set_overrides(&after, &[user], &edits.user_override.values)?;
    after.devices.push(edits.new_device.clone());

    let (old_index, new_index) = (validate(&before)?, validate(&after)?);
    let (old, new) = (Resolver::new(&old_index), Resolver::new(&new_index));
    let diff = Diff::between(&old, &new);

    // Group the changes by whom they go to; the diff already lists users, then devices, each
    // in id order and each feature in catalog order.
    let mut users: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    let mut devices: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for change in &diff.changes {
        match &change.subject {
            Subject::User(id) => users.entry(id.to_string()).or_default().push(change),
            Subject::Device(id) => devices.entry(id.to_string()).or_default().push(change),
            _ => {}
        }
    }
    println!(
        "\n{} values changed: {} for {} users, {} for {} devices.",
        diff.len(),
        users.values().map(Vec::len).sum::<usize>(),
        users.len(),
        devices.values().map(Vec::len).sum::<usize>(),
        devices.len(),
    );

    println!("\nTo each user's profile (admin panel, portal, every session):");
    for (user, changes) in &users {
        println!("\n  {user}  {}", message(changes)?);
        for change in changes {
            reason(
                &change.feature,
                &new.explain(user.as_str(), change.feature.as_str())?,
            );
        }
    }

    println!("\nTo each app, over its open connection:");
    for (device, changes) in &devices {
        let entry = new_index
            .device(device.as_str())
            .or_else(|| old_index.device(device.as_str()));
        let described = entry.map_or_else(String::new, |d| {
            let owner = new_index.user(d.owner()).map_or("?", |u| u.id().as_str());
            format!("({owner}'s {} app {})", d.platform().as_str(), d.version())
        });
        if changes.iter().all(|c| c.old.is_none()) {
            // Registered since the last push: it needs its whole configuration, not a delta.
            println!(
                "\n  {device} {described}: new, send its whole configuration ({} values)",
                changes.len()
            );
            continue;
        }
        if changes.iter().all(|c| c.new.is_none()) {
            println!("\n  {device} {described}: gone, nothing to send");
            continue;
        }
        println!("\n  {device} {described}  {}", message(changes)?);
        for change in changes {
            reason(
                &change.feature,
                &new.explain_device(device.as_str(), change.feature.as_str())?,
            );
        }
    }

    println!("\nNamed by the edit but unchanged, so not sent:\n");
    println!("  dawid: {}", new.explain("dawid", "record_conversations")?);
    println!("  d04:   {}", new.explain_device("d04", "crm_overlay")?);
    Ok(())
}

/// Feature values as the admin saved them: `sms true, crm_overlay true`.
fn listed(values: &Values) -> String {
    let shown: Vec<String> = values.iter().map(|(k, v)| format!("{k} {v}")).collect();
    shown.join(", ")
}

/// The message for one user or device: a JSON object of each changed feature's new value,
/// in catalog order (the order of the diff).
fn message(changes: &[&Change]) -> Result<String> {
    let mut fields = Vec::with_capacity(changes.len());
    for change in changes {
        fields.push(format!(
            "{}:{}",
            serde_json::to_string(&change.feature)?,
            serde_json::to_string(&change.new)?
        ));
    }
    Ok(format!("{{{}}}", fields.join(",")))
}

/// Why a feature has its new value: the trace's steps, after `feature = value: `.
fn reason(feature: &str, trace: &Trace) {
    let text = trace.to_string();
    let head = format!("{} = {}: ", trace.key, trace.value);
    let why = text.strip_prefix(&head).unwrap_or(&text);
    println!("      {feature:<22} {:<16} {why}", trace.value.to_string());
}
