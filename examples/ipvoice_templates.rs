//! App licences as IPVoice administers them: department templates grant app editions
//! (Business, iOS, Android, Desktop) and modules (CRM), the plan bought a number of seats of
//! each, and the licence counter shows who holds one and who was refused.
//!
//! Loads `examples/data/ipvoice_templates.json` (nine extensions in three departments, twelve
//! registered devices, more users wanting iOS, Android and CRM seats than were bought), then
//! walks an admin's day:
//!
//! 1. a manual edit: Eli carries an Android phone too, so the admin detaches him from his
//!    department template and grants the Android edition;
//! 2. the sales template gains the Desktop edition, which reaches every sales extension but
//!    Eli's;
//! 3. batch mode reapplies the department templates to Eli (his manual grant goes with it);
//! 4. batch mode adds the Android edition to Eli again, this time without detaching him.
//!
//! Along the way it prints what each step changed, the licence counter and why a seat was
//! refused; it ends with the device list (filtered by platform, searched by extension and by
//! version) and what each device's app is told, with the reason for what a device cannot use.
//!
//! Run with `cargo run --example ipvoice_templates`.

use pbx_entitlements::diff::{Diff, Subject};
use pbx_entitlements::index::UserEntry;
use pbx_entitlements::model::{Tenant, Values};
use pbx_entitlements::{
    DeviceList, FeatureId, LicenceReport, Platform, RawValue, Resolver, TenantIndex, batch,
    validate,
};

/// The tenant ships inside the binary: the example runs from any directory.
const SITE: &str = include_str!("data/ipvoice_templates.json");

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let tenant: Tenant = serde_json::from_str(SITE)?;
    let index = validate(&tenant)?;
    let resolver = Resolver::new(&index);

    println!(
        "IPVoice tenant `{}` on plan `{}` (seats {}): {} extensions, {} departments, {} devices.",
        index.tenant(),
        index.plan().id(),
        if index.plan().enforce_seats() {
            "enforced"
        } else {
            "counted only"
        },
        index.users().len(),
        index.departments().len(),
        index.devices().len(),
    );
    println!("\nDepartment templates (editions and modules):\n");
    for department in index.departments() {
        let Some(template) = department.template().and_then(|t| index.template(t)) else {
            continue;
        };
        let granted: Vec<&str> = template
            .values()
            .iter()
            .filter(|(id, setting)| is_seated(&index, *id) && setting.value().to_string() == "true")
            .map(|(id, _)| short(index.catalog().key(*id)))
            .collect();
        println!(
            "  {:<11} template \"{}\": {}",
            department.id(),
            template.id(),
            granted.join(", ")
        );
    }

    println!("\nLicence counter:\n");
    counter(&resolver.licences());
    println!("\nOverview, per extension:\n");
    overview(&index, &resolver.licences());
    println!("\nWhy Kim has no iOS edition (seats go to admin grants first, then by user id):\n");
    println!("  kim: {}", resolver.explain("kim", "edition_ios")?);

    // 1. A manual edit on the extension page: detach, then grant.
    println!("\n1. Eli also carries an Android phone. The admin edits extension 103 by hand:\n");
    let (detached, report) = batch::detach(&tenant, &["eli"])?;
    for change in &report.changes {
        println!(
            "  detach {}: his template values become overrides ({})",
            change.user,
            change.overrides_set.join(", ")
        );
    }
    println!(
        "  values changed by detaching: {}",
        diff(&tenant, &detached)?.len()
    );
    let android: Values = [("edition_android".to_owned(), true.into())]
        .into_iter()
        .collect();
    let (edited, _) = batch::set_overrides(&detached, &["eli"], &android)?;
    println!("  grant edition_android; what changed:");
    changes(&diff(&detached, &edited)?);
    println!(
        "  An admin's grant is served before template grants, so Jade, last by id, loses hers:"
    );
    let edited_index = validate(&edited)?;
    println!(
        "  jade: {}",
        Resolver::new(&edited_index).explain("jade", "edition_android")?
    );

    // 2. A template change: it reaches the sales department, but not the detached user.
    println!("\n2. The sales template gains the Desktop edition:\n");
    let mut rolled_out = edited.clone();
    for template in &mut rolled_out.templates {
        if template.id.as_str() == "sales" {
            template
                .values
                .insert("edition_desktop".into(), true.into());
        }
    }
    changes(&diff(&edited, &rolled_out)?);
    println!("  Eli is detached, so the change does not reach him:");
    let rolled_out_index = validate(&rolled_out)?;
    println!(
        "  eli: {}",
        Resolver::new(&rolled_out_index).explain("eli", "edition_desktop")?
    );

    // 3. Batch mode, "use department templates": clears overrides and detachment.
    println!("\n3. Batch mode reapplies the department templates to extension 103:\n");
    let (reapplied, report) = batch::reapply_templates(&rolled_out, &["eli"])?;
    for change in &report.changes {
        println!(
            "  {}: {} overrides cleared, detached no more",
            change.user,
            change.overrides_cleared.len()
        );
    }
    changes(&diff(&rolled_out, &reapplied)?);

    // 4. Batch mode, a set of permissions for listed extensions whatever their department.
    println!("\n4. Batch mode adds the Android edition to extension 103, without detaching:\n");
    let (today, _) = batch::set_overrides(&reapplied, &["eli"], &android)?;
    changes(&diff(&reapplied, &today)?);

    let index = validate(&today)?;
    let resolver = Resolver::new(&index);
    let licences = resolver.licences();
    println!("\nLicence counter now:\n");
    counter(&licences);
    println!("\nOverview, per extension:\n");
    overview(&index, &licences);

    println!("\nDevices:\n");
    devices(&index.device_list());
    println!("\nPlatform: Android\n");
    devices(&index.device_list().platform(Platform::Android));
    println!("\nSearch \"20\" (extensions 201-203):\n");
    devices(&index.device_list().search("20"));
    println!("\nSearch \"6.4\" (app version):\n");
    devices(&index.device_list().search("6.4"));
    if let Some(row) = index.device_list().search("103").rows().next() {
        println!("\nOne row as JSON: {}", serde_json::to_string(&row)?);
    }

    println!("\nWhat each app is told (editions and modules on that device):\n");
    let resolved = resolver.devices();
    for (id, on_device) in resolved.iter() {
        let Some(device) = index.device(id) else {
            continue;
        };
        let owner = resolver.user(device.owner())?;
        let (mut here, mut not_here) = (Vec::new(), Vec::new());
        for (feature, def) in index.catalog().iter() {
            if !is_seated(&index, feature) || !owner.is_on(feature)? {
                continue;
            }
            let list = if on_device.is_on(feature)? {
                &mut here
            } else {
                &mut not_here
            };
            list.push(short(def.key()));
        }
        let not_here = if not_here.is_empty() {
            String::new()
        } else {
            format!("  (not here: {})", not_here.join(", "))
        };
        let line = format!(
            "  {id}  {:<8} {:<26}{not_here}",
            device.platform().as_str(),
            or_none(&here)
        );
        println!("{}", line.trim_end());
    }
    println!("\nWhy:\n");
    for (device, feature) in [
        ("d05", "edition_ios"),
        ("d04", "edition_android"),
        ("d07", "edition_ios"),
    ] {
        println!("  {device}: {}", resolver.explain_device(device, feature)?);
    }
    Ok(())
}

/// Whether the plan counts seats of a feature (an edition or a module).
fn is_seated(index: &TenantIndex, feature: FeatureId) -> bool {
    index.plan().seats(feature).is_some()
}

/// `edition_ios` as the admin page says it: `ios`.
fn short(key: &str) -> &str {
    key.strip_prefix("edition_")
        .or_else(|| key.strip_prefix("module_"))
        .unwrap_or(key)
}

fn or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "-".to_owned()
    } else {
        items.join(", ")
    }
}

/// The licence counter: per seat-licensed feature, seats bought, wanted, granted, and who is over.
fn counter(report: &LicenceReport) {
    println!(
        "  {:<10} {:>6} {:>6} {:>7}  over",
        "", "bought", "wanted", "granted"
    );
    for f in &report.features {
        let over: Vec<&str> = f.over.iter().map(|u| u.as_str()).collect();
        println!(
            "  {:<10} {:>6} {:>6} {:>7}  {}",
            short(&f.feature),
            f.bought,
            f.wanted,
            f.granted,
            or_none(&over)
        );
    }
}

/// Every extension with its department, the editions and modules it holds, and those it wants
/// but got no seat of.
fn overview(index: &TenantIndex, report: &LicenceReport) {
    for user in index.users() {
        let held: Vec<&str> = report
            .users
            .iter()
            .find(|(id, _)| id == user.id())
            .map(|(_, keys)| keys.iter().map(|k| short(k)).collect())
            .unwrap_or_default();
        let refused: Vec<&str> = report
            .features
            .iter()
            .filter(|f| f.over.contains(user.id()))
            .map(|f| short(&f.feature))
            .collect();
        let departments: Vec<&str> = user
            .departments()
            .iter()
            .filter_map(|&d| index.department(d))
            .map(|d| d.id().as_str())
            .collect();
        let refused = if refused.is_empty() {
            String::new()
        } else {
            format!("  no seat: {}", refused.join(", "))
        };
        let line = format!(
            "  {:<4} {:<14} {:<11} {:<31}{refused}",
            extension(user).unwrap_or("-"),
            user.name().unwrap_or("-"),
            or_none(&departments),
            or_none(&held),
        );
        println!("{}", line.trim_end());
    }
}

/// The user's primary extension still held.
fn extension(user: &UserEntry) -> Option<&str> {
    user.endpoints()
        .iter()
        .find(|e| e.primary && e.to.is_none())
        .map(|e| e.id.as_str())
}

/// The device list, as the admin's Devices page shows it.
fn devices(list: &DeviceList<'_>) {
    for row in list.rows() {
        let d = row.device;
        println!(
            "  {}  {:<20} {:<8} {:<20} {:<7} {}",
            d.id(),
            format!(
                "{} ({})",
                row.extension.unwrap_or("-"),
                row.owner.name().unwrap_or("-")
            ),
            d.platform().as_str(),
            d.app_id(),
            d.version().to_string(),
            d.last_seen().map_or_else(|| "never".to_owned(), utc),
        );
    }
}

/// What changed between two versions of the tenant.
fn diff(before: &Tenant, after: &Tenant) -> Result<Diff> {
    let (before, after) = (validate(before)?, validate(after)?);
    Ok(Diff::between(
        &Resolver::new(&before),
        &Resolver::new(&after),
    ))
}

/// A diff, one value per line.
fn changes(diff: &Diff) {
    if diff.is_empty() {
        println!("  nothing changed");
    }
    for change in &diff.changes {
        let subject = match &change.subject {
            Subject::User(id) => format!("user {id}"),
            Subject::Device(id) => format!("device {id}"),
            _ => "?".to_owned(),
        };
        let shown = |v: &Option<RawValue>| {
            v.as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string)
        };
        println!(
            "  {subject:<11} {:<16} {} -> {}",
            change.feature,
            shown(&change.old),
            shown(&change.new)
        );
    }
}

/// Seconds since the Unix epoch as a UTC date and time (`2025-11-24 08:00`): the crate never
/// reads a clock, so the example formats its instants itself.
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
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        secs / 3_600,
        secs % 3_600 / 60
    )
}
