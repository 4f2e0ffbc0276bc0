//! One admin edit to a tenant, and the users it can affect, so that a backend re-resolves and
//! pushes only what changed (see the [guide](crate::guide::devices)).

use crate::error::{Path, Problem, Problems, ValidationErrors};
use crate::index::{TenantIndex, UserIx};
use crate::model::{
    DepartmentId, IndexMap, Plan, PolicyEntry, RoleId, TemplateId, Tenant, UserId, Values,
};

/// One edit to a tenant, as an admin tool makes it.
///
/// ```
/// use pbx_entitlements::edit::Edit;
/// use pbx_entitlements::model::{Department, Plan, Template, Tenant, User};
///
/// let mut tenant = Tenant::new("acme", Plan::all("p"));
/// tenant.templates.push(Template::new("sales").with_value("chat", true));
/// tenant.departments.push(Department::new("sales").with_template("sales"));
/// tenant.users.push(User::new("alice").with_department("sales"));
///
/// let edit = Edit::TemplateValues {
///     template: "sales".into(),
///     values: [("chat".to_owned(), false.into())].into_iter().collect(),
/// };
/// let after = edit.apply(&tenant)?;
/// assert_eq!(after.templates[0].values["chat"], false.into());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Edit {
    /// A template's own values, replaced.
    TemplateValues {
        /// The template.
        template: TemplateId,
        /// Its new values.
        values: Values,
    },
    /// Which departments and roles a user belongs to, replaced.
    Membership {
        /// The user.
        user: UserId,
        /// The user's departments.
        departments: Vec<DepartmentId>,
        /// The user's roles.
        roles: Vec<RoleId>,
    },
    /// A user's admin overrides, replaced.
    Overrides {
        /// The user.
        user: UserId,
        /// The new overrides.
        values: Values,
    },
    /// A user's own preferences, replaced.
    Preferences {
        /// The user.
        user: UserId,
        /// The new preferences.
        values: Values,
    },
    /// The plan, replaced.
    Plan(Box<Plan>),
    /// The tenant policy, replaced.
    Policy(IndexMap<String, PolicyEntry>),
}

/// The users an edit can change: some, or everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Affected {
    /// Every user (a plan or policy edit, or seats the plan enforces).
    All,
    /// These users, sorted.
    Users(Vec<UserIx>),
}

impl Edit {
    /// The tenant with this edit made; the input is not modified. Validate the result as any
    /// tenant.
    ///
    /// # Errors
    ///
    /// An edit naming a template or user the tenant does not have (at `edit.template` or
    /// `edit.user`).
    pub fn apply(&self, tenant: &Tenant) -> Result<Tenant, ValidationErrors> {
        let mut next = tenant.clone();
        let mut problems = Problems::default();
        let unknown = |problems: &mut Problems, field: &str, what, id: &str| {
            problems.push(
                Path::root().field("edit").field(field),
                Problem::Unknown {
                    what,
                    id: id.to_owned(),
                },
            );
        };
        match self {
            Edit::TemplateValues { template, values } => {
                match next.templates.iter_mut().find(|t| &t.id == template) {
                    Some(t) => t.values.clone_from(values),
                    None => unknown(&mut problems, "template", "template", template.as_str()),
                }
            }
            Edit::Membership {
                user,
                departments,
                roles,
            } => match next.users.iter_mut().find(|u| &u.id == user) {
                Some(u) => {
                    u.departments.clone_from(departments);
                    u.roles.clone_from(roles);
                }
                None => unknown(&mut problems, "user", "user", user.as_str()),
            },
            Edit::Overrides { user, values } => {
                match next.users.iter_mut().find(|u| &u.id == user) {
                    Some(u) => u.overrides.clone_from(values),
                    None => unknown(&mut problems, "user", "user", user.as_str()),
                }
            }
            Edit::Preferences { user, values } => {
                match next.users.iter_mut().find(|u| &u.id == user) {
                    Some(u) => u.preferences.clone_from(values),
                    None => unknown(&mut problems, "user", "user", user.as_str()),
                }
            }
            Edit::Plan(plan) => next.plan = Plan::clone(plan),
            Edit::Policy(policy) => next.policy.clone_from(policy),
        }
        problems.finish(next)
    }

    /// The users of `index` whose effective values this edit can change: the members of the
    /// departments and roles reaching an edited template through its parent chain (detached
    /// users excepted), the edited user, or everyone. O(U + T · depth) for U users and T
    /// templates. When the plan enforces seats, any edit can move a seat: everyone.
    pub fn affected(&self, index: &TenantIndex) -> Affected {
        if index.plan().enforce_seats() {
            return Affected::All;
        }
        let one =
            |user: &UserId| Affected::Users(index.user_ix(user.as_str()).into_iter().collect());
        match self {
            Edit::Plan(_) | Edit::Policy(_) => Affected::All,
            Edit::Membership { user, .. }
            | Edit::Overrides { user, .. }
            | Edit::Preferences { user, .. } => one(user),
            Edit::TemplateValues { template, .. } => {
                let Some(edited) = index.template_ix(template.as_str()) else {
                    return Affected::Users(Vec::new());
                };
                // Templates whose parent chain passes through the edited one.
                let templates = index.templates();
                let reaches: Vec<bool> = (0..templates.len())
                    .map(|t| {
                        let mut at = Some(t);
                        // Chains are at most `limits::TEMPLATE_DEPTH` long (validated).
                        for _ in 0..=crate::limits::TEMPLATE_DEPTH {
                            let Some(i) = at else { break };
                            if i == edited.index() {
                                return true;
                            }
                            at = templates
                                .get(i)
                                .and_then(|tpl| tpl.parent())
                                .map(|p| p.index());
                        }
                        false
                    })
                    .collect();
                // The users whose template sources include one of those: a pass over the
                // index's dense per-user ranges and flat source array.
                let users = index
                    .ranges
                    .iter()
                    .enumerate()
                    .filter(|(_, ranges)| {
                        !ranges.detached
                            && index.sources_of(ranges).iter().any(|source| {
                                reaches
                                    .get(source.template.index())
                                    .copied()
                                    .unwrap_or(false)
                            })
                    })
                    .map(|(u, _)| UserIx(crate::index::handle(u)))
                    .collect();
                Affected::Users(users)
            }
        }
    }
}
