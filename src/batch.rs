//! Batch operations on the plain model (see the [guide](crate::guide::concepts)): pure functions from a tenant to
//! a new tenant plus a report of what changed. The input is never modified.
//!
//! - [`set_overrides`]: apply a set of values to a list of users, whatever their departments;
//! - [`detach`]: keep users out of later template changes, without changing any effective value
//!   now (their current template-derived values become overrides first);
//! - [`reapply_templates`]: clear users' overrides and detachment, so templates apply again.
//!
//! ```
//! use pbx_entitlements::{batch, keys, model::Tenant, validate, Resolver};
//!
//! let tenant: Tenant = serde_json::from_str(r#"{
//!     "version": 1, "tenant": "acme", "plan": {"id": "p", "features": "all"},
//!     "templates": [{"id": "sales", "values": {"edition_ios": true}}],
//!     "departments": [{"id": "sales", "template": "sales"}],
//!     "users": [{"id": "chris", "departments": ["sales"]}]
//! }"#)?;
//!
//! // A manual edit: detach Chris, then grant the Android edition too.
//! let (tenant, _) = batch::detach(&tenant, &["chris"])?;
//! let grant = [("edition_android".to_owned(), true.into())].into_iter().collect();
//! let (mut tenant, report) = batch::set_overrides(&tenant, &["chris"], &grant)?;
//! assert_eq!(report.changes[0].overrides_set, ["edition_android"]);
//!
//! // A later template change does not reach Chris...
//! tenant.templates[0].values.insert("edition_ios".into(), false.into());
//! let index = validate(&tenant)?;
//! assert!(Resolver::new(&index).user("chris")?.get(keys::EDITION_IOS));
//!
//! // ...until the templates are reapplied.
//! let (tenant, _) = batch::reapply_templates(&tenant, &["chris"])?;
//! let index = validate(&tenant)?;
//! assert!(!Resolver::new(&index).user("chris")?.get(keys::EDITION_IOS));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use crate::error::{Path, Problem, Problems, ValidationErrors};
use crate::model::{Tenant, User, UserId, Values};
use crate::resolve::Resolver;
use crate::validate::validate;

/// What a batch operation changed for one user.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// The user.
    pub user: UserId,
    /// Feature keys whose override was added or changed, in key order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides_set: Vec<String>,
    /// Feature keys whose override was removed, in key order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides_cleared: Vec<String>,
    /// The new detached flag, if it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detached: Option<bool>,
}

impl UserChange {
    fn is_empty(&self) -> bool {
        self.overrides_set.is_empty()
            && self.overrides_cleared.is_empty()
            && self.detached.is_none()
    }
}

/// What a batch operation changed, per user, in user-id order. Users it left as they were are
/// not listed.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeReport {
    /// The users that changed.
    pub changes: Vec<UserChange>,
}

/// Sets `values` as overrides of every listed user, regardless of department (IPVoice's batch
/// mode). The result is validated; an unknown user, feature or bad value is an error.
pub fn set_overrides(
    tenant: &Tenant,
    users: &[&str],
    values: &Values,
) -> Result<(Tenant, ChangeReport), ValidationErrors> {
    edit(tenant, users, |user, change| {
        for (key, value) in values {
            if user.overrides.get(key) != Some(value) {
                user.overrides.insert(key.clone(), value.clone());
                change.overrides_set.push(key.clone());
            }
        }
    })
}

/// Clears the overrides and the detachment of every listed user, so their templates apply
/// again (IPVoice: "reapply department templates").
pub fn reapply_templates(
    tenant: &Tenant,
    users: &[&str],
) -> Result<(Tenant, ChangeReport), ValidationErrors> {
    edit(tenant, users, |user, change| {
        change.overrides_cleared = user.overrides.keys().cloned().collect();
        user.overrides.clear();
        if user.detached {
            user.detached = false;
            change.detached = Some(false);
        }
    })
}

/// Detaches every listed user from templates. Each user's current template-derived
/// values are first written as overrides (where the user has none), so detaching changes no
/// effective value; only later template edits stop reaching the user.
pub fn detach(tenant: &Tenant, users: &[&str]) -> Result<(Tenant, ChangeReport), ValidationErrors> {
    let index = validate(tenant)?;
    let resolver = Resolver::new(&index);
    let catalog = index.catalog();
    edit(tenant, users, |user, change| {
        if user.detached {
            return;
        }
        let derived = resolver
            .template_values(user.id.as_str())
            .unwrap_or_default();
        for (id, value) in derived {
            let Some(feature) = catalog.get(id) else {
                continue;
            };
            if user.overrides.contains_key(feature.key()) {
                continue;
            }
            if let Some(raw) = feature.kind().render(&value) {
                user.overrides.insert(feature.key().to_owned(), raw);
                change.overrides_set.push(feature.key().to_owned());
            }
        }
        user.detached = true;
        change.detached = Some(true);
    })
}

/// Applies `change` to each listed user of a copy of `tenant`, then validates the copy.
fn edit<F>(
    tenant: &Tenant,
    users: &[&str],
    mut apply: F,
) -> Result<(Tenant, ChangeReport), ValidationErrors>
where
    F: FnMut(&mut User, &mut UserChange),
{
    let mut problems = Problems::default();
    let mut next = tenant.clone();
    let mut position: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, user) in tenant.users.iter().enumerate() {
        position.entry(user.id.as_str()).or_insert(i);
    }
    let mut targets: Vec<(&str, usize)> = Vec::with_capacity(users.len());
    for (i, id) in users.iter().enumerate() {
        match position.get(id) {
            Some(&at) => targets.push((id, at)),
            None => problems.push(
                Path::root().field("batch").field("users").at(i),
                Problem::Unknown {
                    what: "user",
                    id: (*id).to_owned(),
                },
            ),
        }
    }
    targets.sort_unstable();
    targets.dedup();
    problems.finish(())?;

    let mut report = ChangeReport::default();
    for (id, at) in targets {
        let Some(user) = next.users.get_mut(at) else {
            continue;
        };
        let mut change = UserChange {
            user: id.into(),
            ..UserChange::default()
        };
        apply(user, &mut change);
        change.overrides_set.sort();
        change.overrides_cleared.sort();
        if !change.is_empty() {
            report.changes.push(change);
        }
    }
    validate(&next)?;
    Ok((next, report))
}
