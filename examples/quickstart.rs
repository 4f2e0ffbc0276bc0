//! The crate in one minute: resolve the built-in demo tenant (`examples/data/demo.json`) and
//! print what each user may do, explain a few values, list what the audit finds (settings that
//! never apply), then show what validation says about a broken copy of the tenant.
//!
//! Run with `cargo run --example quickstart`.

use pbx_entitlements::model::Tenant;
use pbx_entitlements::{Entitlements, Resolver, validate};

/// The demo tenant ships inside the binary, so the example needs no files at run time.
const DEMO: &str = include_str!("data/demo.json");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tenant: Tenant = serde_json::from_str(DEMO)?;
    let index = validate(&tenant)?;
    let resolver = Resolver::new(&index);
    let catalog = index.catalog();

    println!(
        "Tenant `{}` on plan `{}`: {} users, {} departments, {} roles, {} catalog features.",
        index.tenant(),
        index.plan().id(),
        index.users().len(),
        index.departments().len(),
        index.roles().len(),
        catalog.len(),
    );
    for user in index.users() {
        let units: Vec<String> = user
            .departments()
            .iter()
            .filter_map(|&d| index.department(d))
            .map(|d| format!("department {}", d.id()))
            .chain(
                user.roles()
                    .iter()
                    .filter_map(|&r| index.role(r))
                    .map(|r| format!("role {}", r.unit().id())),
            )
            .collect();
        let detached = if user.detached() {
            " (detached from templates)"
        } else {
            ""
        };
        println!(
            "  {:<6} {}: {}{detached}",
            user.id(),
            user.name().unwrap_or("-"),
            if units.is_empty() {
                "no department".to_owned()
            } else {
                units.join(", ")
            },
        );
    }

    // One column per user; one row per feature that is in effect for at least one of them.
    let resolved = resolver.tenant();
    let people: Vec<(&str, Entitlements)> =
        resolved.iter().map(|(id, e)| (id.as_str(), e)).collect();
    println!("\nWhat each user may do (features off for everyone are left out):\n");
    print!("  {:<28}", "feature");
    for (id, _) in &people {
        print!(" {id:<14}");
    }
    println!();
    for (id, feature) in catalog.iter() {
        // The ids come from this catalog, so the lookups cannot fail; `?` says so anyway.
        let mut in_effect = Vec::with_capacity(people.len());
        for (_, e) in &people {
            in_effect.push(e.is_on(id)?.then(|| e.get(id)).transpose()?);
        }
        if in_effect.iter().all(Option::is_none) {
            continue;
        }
        print!("  {:<28}", feature.key());
        for value in in_effect {
            let shown = value.map_or_else(|| "-".to_owned(), |v| v.to_string());
            print!(" {shown:<14}");
        }
        println!();
    }

    println!("\nWhy? A few values explained:\n");
    for (user, feature) in [
        ("alice", "max_channels"),
        ("alice", "record_conversations"),
        ("bob", "access_codes"),
        ("carol", "tags_required"),
        ("dave", "edition_ios"),
    ] {
        println!("  {user}: {}", resolver.explain(user, feature)?);
    }

    // Valid is not the same as meant: the audit lists settings that never apply.
    println!("\nValid, but probably not what the admin meant (the audit):\n");
    let audit = resolver.audit();
    if audit.is_empty() {
        println!("  no findings");
    }
    for finding in &audit {
        println!(
            "  - [{}] {}: {}",
            finding.kind, finding.path, finding.message
        );
    }

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

    println!("\nA broken copy of the same tenant is refused with every problem at once:\n");
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
