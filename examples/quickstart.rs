//! The crate in one minute: load the built-in demo tenant (`examples/data/demo.json`), validate it
//! against the standard catalog, print what the index holds, then show what validation says
//! about a broken tenant.
//!
//! Run with `cargo run --example quickstart`.

use pbx_entitlements::model::Tenant;
use pbx_entitlements::{TenantIndex, validate};

/// The demo tenant ships inside the binary, so the example needs no files at run time.
const DEMO: &str = include_str!("data/demo.json");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tenant: Tenant = serde_json::from_str(DEMO)?;
    let index = validate(&tenant)?;
    print_summary(&index);

    // A broken copy: an unknown department, a value beyond the catalog bound, a preference of
    // the wrong kind, a device whose owner does not exist, and a template that is its own parent.
    let mut broken = tenant.clone();
    broken.users[0].departments.push("marketing".into());
    broken.users[1]
        .overrides
        .insert("max_channels".into(), 250.into());
    broken.users[1]
        .preferences
        .insert("chat".into(), "sometimes".into());
    broken.devices[2].owner = "mallory".into();
    broken.templates[0].parent = Some("base".into());

    println!("\nA broken copy of the same tenant:");
    match validate(&broken) {
        Ok(_) => println!("  unexpectedly valid"),
        Err(errors) => {
            println!("  {} problems, all reported at once:", errors.len());
            for problem in &errors {
                println!("  - {problem}");
            }
        }
    }
    Ok(())
}

fn print_summary(index: &TenantIndex) {
    let catalog = index.catalog();
    println!(
        "Tenant `{}` on plan `{}`: {} catalog features, {} templates, {} departments, {} roles, {} users, {} devices.",
        index.tenant(),
        index.plan().id(),
        catalog.len(),
        index.templates().len(),
        index.departments().len(),
        index.roles().len(),
        index.users().len(),
        index.devices().len(),
    );

    println!("\nTenant policy:");
    for (id, feature) in catalog.iter() {
        if let Some(slot) = index.policy(id) {
            let lock = if slot.locked() { " (locked)" } else { "" };
            println!(
                "  {} = {}{lock}",
                feature.key(),
                feature.kind().display(slot.value())
            );
        }
    }

    println!("\nUsers:");
    for user in index.users() {
        let departments: Vec<&str> = user
            .departments()
            .iter()
            .filter_map(|d| index.department(*d))
            .map(|d| d.id().as_str())
            .collect();
        let roles: Vec<&str> = user
            .roles()
            .iter()
            .filter_map(|r| index.role(*r))
            .map(|r| r.unit().id().as_str())
            .collect();
        println!(
            "  {} ({}){}",
            user.id(),
            user.name().unwrap_or("-"),
            if user.detached() {
                ", detached from templates"
            } else {
                ""
            }
        );
        println!("    departments: {}", list(&departments));
        println!("    roles:       {}", list(&roles));
        let show = |values: &[(
            pbx_entitlements::FeatureId,
            pbx_entitlements::index::Setting,
        )]| {
            let parts: Vec<String> = values
                .iter()
                .filter_map(|(id, v)| {
                    let f = catalog.get(*id)?;
                    Some(format!("{} = {}", f.key(), f.kind().display(v.value())))
                })
                .collect();
            list(&parts)
        };
        println!("    overrides:   {}", show(user.overrides()));
        println!("    preferences: {}", show(user.preferences()));
        for device in index.devices() {
            if index.user(device.owner()).map(|u| u.id()) == Some(user.id()) {
                println!(
                    "    device:      {} ({} {}, app {})",
                    device.id(),
                    device.platform(),
                    device.version(),
                    device.app_id()
                );
            }
        }
    }
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        "-".to_owned()
    } else {
        items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
