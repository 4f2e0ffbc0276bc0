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
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::diff::{Diff, Subject};
use crate::error::{Path, Problem, Problems, ValidationErrors};
use crate::index::TenantIndex;
use crate::model::{Tenant, User, UserId, Values};
use crate::resolve::Resolver;
use crate::validate::{validate, validate_against};

/// What a batch operation changed for one user.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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
    /// No change yet for `user`.
    pub fn new(user: impl Into<UserId>) -> UserChange {
        UserChange {
            user: user.into(),
            ..UserChange::default()
        }
    }

    /// With these feature keys' overrides added or changed.
    pub fn with_overrides_set<I, S>(mut self, keys: I) -> UserChange
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.overrides_set = keys.into_iter().map(Into::into).collect();
        self
    }

    /// With these feature keys' overrides removed.
    pub fn with_overrides_cleared<I, S>(mut self, keys: I) -> UserChange
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.overrides_cleared = keys.into_iter().map(Into::into).collect();
        self
    }

    /// With the detached flag changed to `detached`.
    pub fn with_detached(mut self, detached: bool) -> UserChange {
        self.detached = Some(detached);
        self
    }

    fn is_empty(&self) -> bool {
        self.overrides_set.is_empty()
            && self.overrides_cleared.is_empty()
            && self.detached.is_none()
    }
}

/// What a batch operation changed, per user, in user-id order. Users it left as they were are
/// not listed.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ChangeReport {
    /// The users that changed.
    pub changes: Vec<UserChange>,
}

/// Sets `values` as overrides of every listed user, regardless of department (IPVoice's batch
/// mode). The result is validated; an unknown user, feature or bad value is an error.
///
/// # Errors
///
/// A listed user the tenant does not have (at `batch.users[i]`), or every problem of the edited
/// tenant, as [`validate`] reports them. Nothing is changed on error.
pub fn set_overrides(
    tenant: &Tenant,
    users: &[&str],
    values: &Values,
) -> Result<(Tenant, ChangeReport), ValidationErrors> {
    Batch::default().set_overrides(tenant, users, values)
}

/// Clears the overrides and the detachment of every listed user, so their templates apply
/// again (IPVoice: "reapply department templates").
///
/// # Errors
///
/// As for [`set_overrides`].
pub fn reapply_templates(
    tenant: &Tenant,
    users: &[&str],
) -> Result<(Tenant, ChangeReport), ValidationErrors> {
    Batch::default().reapply_templates(tenant, users)
}

/// Detaches every listed user from templates. Each user's current template-derived
/// values are first written as overrides (where the user has none), so detaching changes no
/// effective value; only later template edits stop reaching the user.
///
/// Size bounds hold for what a person enters in one place: templates each within a list's
/// bound may merge into a longer list, which cannot be stored as an override. Such a user is
/// refused with the bound's error at `users[id].overrides.key`, and, as for every batch
/// operation, nothing is changed. With enforced seats, overrides come first for a seat: a
/// detach whose overrides would move a seat from one user to another is refused
/// ([`Problem::SeatWouldMove`]).
///
/// # Errors
///
/// Every problem of the tenant before the edit, then as for [`set_overrides`].
pub fn detach(tenant: &Tenant, users: &[&str]) -> Result<(Tenant, ChangeReport), ValidationErrors> {
    Batch::default().detach(tenant, users)
}

/// The batch operations, for documents written for a catalog the caller supplies (the free
/// functions of this module validate against the catalog a document names itself: the standard
/// one or an embedded one).
///
/// ```
/// use std::sync::Arc;
/// use pbx_entitlements::{batch::Batch, model::{CatalogSource, Plan, Tenant, User}, Catalog,
///                        FeatureDef};
///
/// let acme = Arc::new(
///     Catalog::builder("acme-v2")
///         .feature(FeatureDef::toggle("call_park"))
///         .without_self_service_gate()
///         .build()?,
/// );
/// let mut tenant = Tenant::new("t", Plan::all("p"))
///     .with_catalog(CatalogSource::Named("acme-v2".into()));
/// tenant.users.push(User::new("alice"));
///
/// let grant = [("call_park".to_owned(), true.into())].into_iter().collect();
/// let (tenant, report) = Batch::against(acme).set_overrides(&tenant, &["alice"], &grant)?;
/// assert_eq!(report.changes[0].overrides_set, ["call_park"]);
/// assert_eq!(tenant.users[0].overrides["call_park"], true.into());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// The catalog to validate against; `None` for the one the document names.
    catalog: Option<Arc<Catalog>>,
}

impl Batch {
    /// Batch operations validating against `catalog`, as
    /// [`validate_against`] does.
    pub fn against(catalog: impl Into<Arc<Catalog>>) -> Batch {
        Batch {
            catalog: Some(catalog.into()),
        }
    }

    /// [`set_overrides`], against this catalog.
    ///
    /// # Errors
    ///
    /// As for [`set_overrides`].
    pub fn set_overrides(
        &self,
        tenant: &Tenant,
        users: &[&str],
        values: &Values,
    ) -> Result<(Tenant, ChangeReport), ValidationErrors> {
        self.edit(tenant, users, |user, change| {
            for (key, value) in values {
                if user.overrides.get(key) != Some(value) {
                    user.overrides.insert(key.clone(), value.clone());
                    change.overrides_set.push(key.clone());
                }
            }
        })
    }

    /// [`reapply_templates`], against this catalog.
    ///
    /// # Errors
    ///
    /// As for [`set_overrides`].
    pub fn reapply_templates(
        &self,
        tenant: &Tenant,
        users: &[&str],
    ) -> Result<(Tenant, ChangeReport), ValidationErrors> {
        self.edit(tenant, users, |user, change| {
            change.overrides_cleared = user.overrides.keys().cloned().collect();
            user.overrides.clear();
            if user.detached {
                user.detached = false;
                change.detached = Some(false);
            }
        })
    }

    /// [`detach`], against this catalog.
    ///
    /// # Errors
    ///
    /// As for [`detach`].
    pub fn detach(
        &self,
        tenant: &Tenant,
        users: &[&str],
    ) -> Result<(Tenant, ChangeReport), ValidationErrors> {
        let index = self.validate(tenant)?;
        let resolver = Resolver::new(&index);
        let catalog = index.catalog();
        let (next, report) = self.edit(tenant, users, |user, change| {
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
        })?;
        // With enforced seats an override puts its user first in line for a seat, so the
        // overrides detaching writes could move a seat to the detached user. Detaching must
        // change no effective value: refuse it then.
        if index.plan().enforce_seats() {
            let after = self.validate(&next)?;
            let moved = Diff::users(&resolver.tenant(), &Resolver::new(&after).tenant());
            let mut problems = Problems::default();
            for change in moved.changes.iter().take(crate::error::SHOWN_NAMES) {
                if let Subject::User(user) = &change.subject {
                    problems.push(
                        Path::root().field("batch").field("detach"),
                        Problem::SeatWouldMove {
                            feature: change.feature.clone(),
                            user: user.to_string(),
                        },
                    );
                }
            }
            problems.finish(())?;
        }
        Ok((next, report))
    }

    fn validate(&self, tenant: &Tenant) -> Result<TenantIndex, ValidationErrors> {
        match &self.catalog {
            None => validate(tenant),
            Some(catalog) => validate_against(tenant, Arc::clone(catalog)),
        }
    }

    /// Applies `change` to each listed user of a copy of `tenant`, then validates the copy.
    fn edit<F>(
        &self,
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
        self.validate(&next)?;
        Ok((next, report))
    }
}

objects_only! {
    UserChange => "a user change object",
    ChangeReport => "a change report object",
}
