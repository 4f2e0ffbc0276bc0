//! Delegated administration: may this admin set this value of this feature for this user,
//! without handing out more than they hold (see the [guide](crate::guide::delegation)).

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::catalog::FeatureId;
use crate::entitlements::FeatureRef;
use crate::error::{LookupError, Shown};
use crate::index::{EntityRef, Scope, TenantIndex, UserIx};
use crate::resolve::Resolver;
use crate::value::{Access, Kind, RawValue, Value, ValueError};

/// Why a grant is allowed or refused: the rule that decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GrantReason {
    /// Refused: the admin's `user_management` is not `write`.
    NoWrite {
        /// The admin's `user_management`.
        access: Access,
    },
    /// Refused: no role of the admin administers the tenant, or a department or role the
    /// target belongs to.
    OutOfScope,
    /// Refused: the tenant locks the feature.
    Locked,
    /// Refused: the plan does not include the feature.
    NotInPlan,
    /// Refused: the value is above the plan's ceiling.
    AbovePlan {
        /// The plan's ceiling.
        cap: Value,
    },
    /// Refused: the value is more permissive than the admin's own.
    Escalation {
        /// The admin's own effective value.
        own: Value,
    },
    /// Allowed.
    Allowed {
        /// What the admin administers that reaches the target: `tenant`, `department sales`,
        /// `role agent`.
        through: String,
        /// The admin's own effective value.
        own: Value,
    },
}

/// May an admin set a value for a user, and why.
///
/// Serialises as `{"allowed": …, "reason": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GrantDecision {
    /// Whether the grant is allowed.
    pub allowed: bool,
    /// The admin.
    pub admin: String,
    /// The target user.
    pub target: String,
    /// The feature's key.
    pub feature: String,
    /// The value asked for.
    pub value: Value,
    /// What decided.
    pub reason: GrantReason,
}

impl GrantDecision {
    /// The reason alone, without the verdict: `max_channels 5 is above alice's own 4`.
    pub fn why(&self) -> impl fmt::Display + '_ {
        Why(self)
    }
}

impl fmt::Display for GrantDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.allowed { "allowed" } else { "refused" };
        write!(f, "{verdict}: {}", Why(self))
    }
}

/// A grant decision's reason, as a sentence.
struct Why<'a>(&'a GrantDecision);

impl fmt::Display for Why<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        let (admin, target, feature, value) = (
            Shown(&d.admin),
            Shown(&d.target),
            Shown(&d.feature),
            &d.value,
        );
        match &d.reason {
            GrantReason::NoWrite { access } => {
                write!(f, "user_management is {access} for {admin}, not write")
            }
            GrantReason::OutOfScope => write!(f, "{target} is outside what {admin} administers"),
            GrantReason::Locked => write!(f, "the tenant locks {feature}"),
            GrantReason::NotInPlan => write!(f, "the plan does not include {feature}"),
            GrantReason::AbovePlan { cap } => {
                write!(f, "{feature} {value} is above the plan's {cap}")
            }
            GrantReason::Escalation { own } => {
                write!(f, "{feature} {value} is above {admin}'s own {own}")
            }
            GrantReason::Allowed { through, own } => {
                if through == "tenant" {
                    write!(f, "{admin} administers the tenant")?;
                } else {
                    write!(f, "{admin} administers {} of {target}", Shown(through))?;
                }
                write!(
                    f,
                    ", and {feature} {value} is within {admin}'s own {own} and the plan"
                )
            }
        }
    }
}

impl Serialize for GrantDecision {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("GrantDecision", 2)?;
        s.serialize_field("allowed", &self.allowed)?;
        s.serialize_field("reason", &self.why().to_string())?;
        s.end()
    }
}

/// Why a grant could not be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GrantError {
    /// An unknown admin, target or feature.
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// The value does not fit the feature.
    #[error("{}: {error}", Shown(.feature))]
    Value {
        /// The feature's key.
        feature: String,
        /// What is wrong with the value.
        error: ValueError,
    },
}

impl Resolver<'_> {
    /// What `admin` administers that reaches `target`: the tenant, or the first of the
    /// target's departments then roles that one of the admin's roles administers.
    fn reach(&self, admin: UserIx, target: UserIx) -> Option<String> {
        let index: &TenantIndex = self.index();
        let (admin, target) = (index.user(admin)?, index.user(target)?);
        let scopes = admin
            .roles()
            .iter()
            .filter_map(|&r| index.role(r)?.administers());
        let mut reach = None;
        for scope in scopes {
            match scope {
                Scope::Tenant => return Some("tenant".to_owned()),
                Scope::Units { departments, roles } => {
                    let found = target
                        .departments()
                        .iter()
                        .find(|d| departments.contains(d))
                        .and_then(|&d| index.department(d))
                        .map(|d| format!("department {}", d.id()))
                        .or_else(|| {
                            target
                                .roles()
                                .iter()
                                .find(|r| roles.contains(r))
                                .and_then(|&r| index.role(r))
                                .map(|r| format!("role {}", r.unit().id()))
                        });
                    if reach.is_none() {
                        reach = found;
                    }
                }
            }
        }
        reach
    }

    /// May `admin` set `feature` to `value` for `target`: the admin's `user_management` is
    /// `write`; one of the admin's roles administers the tenant, or a department or role the
    /// target belongs to; the feature is not locked by the tenant; the value is within the plan
    /// and no more permissive than the admin's own effective value (the lattice decides; lists
    /// by inclusion). The first rule that fails names the refusal.
    ///
    /// ```
    /// use pbx_entitlements::model::{Department, Plan, Role, Tenant, User, AdminScope};
    /// use pbx_entitlements::{validate, Resolver};
    ///
    /// let tenant: Tenant = serde_json::from_str(r#"{
    ///     "version": 1, "tenant": "acme",
    ///     "plan": {"id": "p", "features": "all", "limits": {"max_channels": 6}},
    ///     "departments": [{"id": "sales"}, {"id": "support"}],
    ///     "roles": [{"id": "lead", "administers": ["sales"]}],
    ///     "users": [
    ///         {"id": "alice", "roles": ["lead"], "departments": ["sales"],
    ///          "overrides": {"user_management": "write", "max_channels": 4}},
    ///         {"id": "bob", "departments": ["sales"]},
    ///         {"id": "carol", "departments": ["support"]}
    ///     ]
    /// }"#)?;
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// assert_eq!(resolver.grant("alice", "bob", "max_channels", &3.into())?.to_string(),
    ///     "allowed: alice administers department sales of bob, and max_channels 3 is within alice's own 4 and the plan");
    /// assert_eq!(resolver.grant("alice", "bob", "max_channels", &5.into())?.to_string(),
    ///     "refused: max_channels 5 is above alice's own 4");
    /// assert_eq!(resolver.grant("alice", "carol", "max_channels", &3.into())?.to_string(),
    ///     "refused: carol is outside what alice administers");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`GrantError::Lookup`] for an unknown admin, target or feature; [`GrantError::Value`]
    /// for a value the feature does not take.
    pub fn grant(
        &self,
        admin: impl EntityRef<UserIx>,
        target: impl EntityRef<UserIx>,
        feature: impl FeatureRef,
        value: &RawValue,
    ) -> Result<GrantDecision, GrantError> {
        self.admin_rights(admin)?.grant(target, feature, value)
    }

    /// An admin's rights, read once from their resolved entitlements: then each grant
    /// decision resolves nothing.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] for an unknown admin.
    pub fn admin_rights(
        &self,
        admin: impl EntityRef<UserIx>,
    ) -> Result<AdminRights<'_, '_>, LookupError> {
        let ix = admin
            .find(self.index())
            .ok_or_else(|| LookupError::UnknownUser(admin.describe()))?;
        let own = self.user(ix)?;
        Ok(AdminRights {
            resolver: self,
            admin: ix,
            access: own.access("user_management").unwrap_or(Access::None),
            own,
        })
    }

    /// The most `admin` may set each feature to for `target`, in catalog order: the meet of
    /// the admin's own value and the plan's ceiling; `None` for a feature they may not set
    /// (locked, not in the plan) — and for every feature when they may not administer the
    /// target at all.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] for an unknown admin or target.
    pub fn grant_ceilings(
        &self,
        admin: impl EntityRef<UserIx>,
        target: impl EntityRef<UserIx>,
    ) -> Result<Vec<(FeatureId, Option<Value>)>, LookupError> {
        let index = self.index();
        let a = admin
            .find(index)
            .ok_or_else(|| LookupError::UnknownUser(admin.describe()))?;
        let t = target
            .find(index)
            .ok_or_else(|| LookupError::UnknownUser(target.describe()))?;
        let mine = self.user(a)?;
        let may = mine.access("user_management") == Ok(Access::Write) && self.reach(a, t).is_some();
        Ok(index
            .catalog()
            .iter()
            .map(|(id, f)| {
                let most = may
                    .then(|| {
                        let own = mine.get(id).ok()?;
                        match self.ceiling(id, f.kind()) {
                            Ceiling::Locked | Ceiling::NotInPlan => None,
                            Ceiling::Cap(cap) => own.meet(&cap),
                            Ceiling::Open => Some(own),
                        }
                    })
                    .flatten();
                (id, most)
            })
            .collect())
    }

    /// What the tenant puts above any grant of `feature`: a lock, the plan.
    fn ceiling(&self, id: FeatureId, kind: &Kind) -> Ceiling {
        let index = self.index();
        if index.policy(id).is_some_and(|slot| slot.locked()) {
            return Ceiling::Locked;
        }
        // The plan binds rights only: a restriction is never removed by it.
        if *kind == Kind::Restriction {
            return Ceiling::Open;
        }
        let plan = index.plan();
        if !plan.available(id) {
            return Ceiling::NotInPlan;
        }
        match plan.cap(id) {
            Some(cap) => Ceiling::Cap(cap.clone()),
            None => Ceiling::Open,
        }
    }
}

/// What one admin may grant, read once: see [`Resolver::admin_rights`].
#[derive(Debug)]
pub struct AdminRights<'r, 'i> {
    resolver: &'r Resolver<'i>,
    admin: UserIx,
    access: Access,
    own: crate::Entitlements,
}

impl AdminRights<'_, '_> {
    /// May the admin set `feature` to `value` for `target`: see [`Resolver::grant`].
    ///
    /// # Errors
    ///
    /// [`GrantError::Lookup`] for an unknown target or feature; [`GrantError::Value`] for a
    /// value the feature does not take.
    pub fn grant(
        &self,
        target: impl EntityRef<UserIx>,
        feature: impl FeatureRef,
        value: &RawValue,
    ) -> Result<GrantDecision, GrantError> {
        let resolver = self.resolver;
        let index = resolver.index();
        let (a, t) = (
            self.admin,
            target
                .find(index)
                .ok_or_else(|| LookupError::UnknownUser(target.describe()))?,
        );
        let catalog = index.catalog();
        let (id, definition) = feature.feature(catalog).ok_or_else(|| feature.unknown())?;
        let key = definition.key().to_owned();
        let asked = definition
            .parse(value, true)
            .map_err(|error| GrantError::Value {
                feature: key.clone(),
                error,
            })?;
        let name = |u: UserIx| {
            index
                .user(u)
                .map(|e| e.id().to_string())
                .unwrap_or_default()
        };
        let decide = |allowed, reason| GrantDecision {
            allowed,
            admin: name(a),
            target: name(t),
            feature: key.clone(),
            value: asked.clone(),
            reason,
        };
        if self.access != Access::Write {
            return Ok(decide(
                false,
                GrantReason::NoWrite {
                    access: self.access,
                },
            ));
        }
        let Some(through) = resolver.reach(a, t) else {
            return Ok(decide(false, GrantReason::OutOfScope));
        };
        match resolver.ceiling(id, definition.kind()) {
            Ceiling::Locked => return Ok(decide(false, GrantReason::Locked)),
            Ceiling::NotInPlan => return Ok(decide(false, GrantReason::NotInPlan)),
            Ceiling::Cap(cap) if !cap.permits(&asked) => {
                return Ok(decide(false, GrantReason::AbovePlan { cap }));
            }
            _ => {}
        }
        let own = self.own.get(id)?;
        if !own.permits(&asked) {
            return Ok(decide(false, GrantReason::Escalation { own }));
        }
        Ok(decide(true, GrantReason::Allowed { through, own }))
    }
}

/// A tenant's bound on grants of one feature.
enum Ceiling {
    Locked,
    NotInPlan,
    Cap(Value),
    Open,
}
