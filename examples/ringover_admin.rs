//! Dashboard access and delegated administration, as a Ringover-style admin sets them up:
//! user management moves from the technical role to a Sales supervisor role that sees only
//! Activities, Logs and Statistics; the supervisor then edits Sales users' permissions — never
//! above their own, never outside Sales, never a tenant-locked feature — and the audit lists
//! what in the tenant does not do what its admin meant.
//!
//! Run with `cargo run --example ringover_admin`.

use pbx_entitlements::delegation::GrantReason;
use pbx_entitlements::model::Tenant;
use pbx_entitlements::{FindingKind, RawValue, Resolver, validate};

/// The tenant ships inside the binary, so the example needs no files at run time.
const TENANT: &str = include_str!("data/ringover_admin.json");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tenant: Tenant = serde_json::from_str(TENANT)?;
    let index = validate(&tenant)?;
    let resolver = Resolver::new(&index);

    println!("Dashboard access by profile:\n");
    println!(
        "  {:<8} {:<16} {:<11} {:<6} {:<11} {:<4}",
        "user", "user management", "activities", "logs", "statistics", "ivr"
    );
    for user in ["tina", "sam", "sally"] {
        let e = resolver.user(user)?;
        println!(
            "  {:<8} {:<16} {:<11} {:<6} {:<11} {:<4}",
            user,
            e.access("user_management")?.to_string(),
            e.access("dashboard_activities")?.to_string(),
            e.access("dashboard_logs")?.to_string(),
            e.access("dashboard_statistics")?.to_string(),
            e.access("dashboard_ivr")?.to_string(),
        );
    }
    let sam = resolver.user("sam")?;
    assert_eq!(sam.access("user_management")?.to_string(), "write");
    assert_eq!(sam.access("dashboard_ivr")?.to_string(), "none");

    // Sam supervises Sales: read his rights once, then decide each edit.
    let rights = resolver.admin_rights("sam")?;
    println!(
        "\nSam (Sales supervisor: max_channels 4, dashboard statistics read, no IVR access) edits:\n"
    );
    let edits: [(&str, &str, RawValue); 6] = [
        ("sally", "max_channels", 3.into()),
        (
            "sally",
            "dashboard_statistics",
            RawValue::Text("read".into()),
        ),
        ("sally", "max_channels", 6.into()),
        ("sally", "dashboard_ivr", RawValue::Text("read".into())),
        ("ursula", "max_channels", 2.into()),
        ("sally", "chat", false.into()),
    ];
    let mut decisions = Vec::new();
    for (target, feature, value) in &edits {
        let decision = rights.grant(*target, *feature, value)?;
        // As an admin console shows it: `read`, not the JSON `"read"`.
        let value = match value {
            RawValue::Text(text) => text.clone(),
            other => other.to_string(),
        };
        println!("  {target:<7} {feature:<21} {value:<7} -> {decision}");
        decisions.push(decision);
    }
    assert!(decisions[0].allowed && decisions[1].allowed);
    assert!(matches!(
        decisions[2].reason,
        GrantReason::Escalation { .. }
    ));
    assert!(matches!(
        decisions[3].reason,
        GrantReason::Escalation { .. }
    ));
    assert!(matches!(decisions[4].reason, GrantReason::OutOfScope));
    assert!(matches!(decisions[5].reason, GrantReason::Locked));

    // What an admin console shows as the top of each control Sam may move for Sally.
    println!("\nThe most Sam may set for Sally (a console's upper bounds):\n");
    let catalog = index.catalog();
    for (id, most) in resolver.grant_ceilings("sam", "sally")? {
        let key = catalog.key(id);
        if [
            "max_channels",
            "recordings_replay",
            "user_management",
            "dashboard_ivr",
            "chat",
        ]
        .contains(&key)
        {
            let shown = most.map_or_else(
                || "— (locked or not in the plan)".to_owned(),
                |v| v.to_string(),
            );
            println!("  {key:<18} {shown}");
        }
    }

    // Tina (technical) administers the whole tenant, Support included.
    let tina = resolver.grant("tina", "ursula", "max_channels", &4.into())?;
    println!("\nTina (technical) edits Ursula (Support): {tina}");
    assert!(tina.allowed);

    // Valid is not the same as meant.
    println!("\nThe audit of this tenant:\n");
    let audit = resolver.audit();
    for finding in &audit {
        println!(
            "  - [{}] {}: {}",
            finding.kind, finding.path, finding.message
        );
    }
    let kinds: Vec<FindingKind> = audit.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            FindingKind::PreferenceRaises,
            FindingKind::RedundantOverride,
            FindingKind::ShadowedEntry
        ]
    );
    Ok(())
}
