//! Seats: which users get the seats a plan bought of a seat-licensed feature, and the licence
//! report (see the [guide](crate::guide::devices)).
//!
//! The users who *want* a seat are those whose value after layers 1–7 is on. Seats go in a
//! fixed order: first the wanting users with an admin override turning the feature on, then the
//! rest, each in user-id byte order. With enforcement, the users past the count get the feature
//! off (a ceiling), and whatever requires it follows.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{Combos, Effect, Layer, Observer, Origin, Resolver, Scratch, Silent};
use crate::index::{UserIx, UserRanges};
use crate::model::UserId;

/// Who wants and who gets the seats of one feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SeatFeature {
    pub(crate) feature: usize,
    pub(crate) bought: u32,
    /// The users who want a seat, in allocation order.
    pub(crate) wanting: Vec<UserIx>,
}

impl SeatFeature {
    /// How many seats go to users.
    pub(crate) fn granted(&self) -> usize {
        self.wanting.len().min(self.bought as usize)
    }

    /// The users past the count, in allocation order.
    pub(crate) fn over(&self) -> &[UserIx] {
        self.wanting.get(self.granted()..).unwrap_or_default()
    }
}

/// The seats of every seat-licensed feature the plan counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Seats {
    pub(crate) features: Vec<SeatFeature>,
    /// (user, feature) refused a seat, sorted; empty unless the plan enforces seats.
    pub(crate) denied: Vec<(UserIx, usize)>,
}

impl Resolver<'_> {
    /// The seat allocation, computed on first use: one resolution of every user (layers 1–7)
    /// when the plan counts seats of any feature, nothing otherwise. O(U · F).
    pub(crate) fn seats(&self) -> &Seats {
        self.seats.get_or_init(|| self.allocate_seats())
    }

    fn allocate_seats(&self) -> Seats {
        let index = &self.index;
        let plan = &index.plan;
        let counted: Vec<(usize, u32)> = index
            .catalog
            .iter()
            .filter_map(|(id, _)| Some((id.index(), plan.seats(id)?)))
            .collect();
        if counted.is_empty() {
            return Seats::default();
        }
        // Per counted feature: users with an override turning it on, then the others.
        let mut first: Vec<Vec<UserIx>> = vec![Vec::new(); counted.len()];
        let mut rest: Vec<Vec<UserIx>> = vec![Vec::new(); counted.len()];
        let mut combos = Combos::new(&self.table);
        // A user can want a seat only if some layer turns the feature on: with every counted
        // feature off before templates (the usual case: editions and modules are closed by
        // default), only users whose templates or overrides set one are resolved.
        let is_on = |f: usize, level: i64| self.features.get(f).is_some_and(|p| level != p.off);
        let counts = |f: usize| counted.iter().any(|&(c, _)| c == f);
        let closed = counted
            .iter()
            .all(|&(f, _)| !self.base_levels.get(f).is_some_and(|&l| is_on(f, l)));
        let granting: Vec<bool> = self
            .templates
            .iter()
            .map(|values| {
                values
                    .iter()
                    .any(|&(f, level)| counts(f) && is_on(f, level))
            })
            .collect();
        for (u, (ranges, user)) in index.ranges.iter().zip(&index.users).enumerate() {
            let ix = UserIx(crate::index::handle(u));
            let candidate = !closed
                || index.sources_of(ranges).iter().any(|source| {
                    granting
                        .get(source.template.index())
                        .copied()
                        .unwrap_or(false)
                })
                || user
                    .overrides()
                    .iter()
                    .any(|(id, setting)| counts(id.index()) && is_on(id.index(), setting.level));
            if !candidate {
                continue;
            }
            for (k, &(f, _)) in counted.iter().enumerate() {
                // Each counted feature alone, through layer 7: who wants it, seats aside.
                let Some(p) = self.features.get(f) else {
                    continue;
                };
                if self.alone(ix, ranges, f, &mut combos, false) == p.off {
                    continue;
                }
                let overridden_on = user
                    .overrides()
                    .binary_search_by_key(&f, |(id, _)| id.index())
                    .ok()
                    .and_then(|i| user.overrides().get(i))
                    .is_some_and(|(_, setting)| setting.level != p.off);
                let list = if overridden_on {
                    first.get_mut(k)
                } else {
                    rest.get_mut(k)
                };
                if let Some(list) = list {
                    list.push(ix);
                }
            }
        }
        let features: Vec<SeatFeature> = counted
            .iter()
            .zip(first.into_iter().zip(rest))
            .map(|(&(feature, bought), (mut wanting, rest))| {
                wanting.extend(rest);
                SeatFeature {
                    feature,
                    bought,
                    wanting,
                }
            })
            .collect();
        let mut denied: Vec<(UserIx, usize)> = if plan.enforce_seats() {
            features
                .iter()
                .flat_map(|s| s.over().iter().map(move |&u| (u, s.feature)))
                .collect()
        } else {
            Vec::new()
        };
        denied.sort_unstable();
        Seats { features, denied }
    }

    /// Layers 1–7 for user `ix`, with seats: a user refused a seat of the self-service gate
    /// has it off for layer 6, and every refused feature goes off after layer 7 decided who
    /// wants one ([`Resolver::seat_ceiling`]).
    pub(super) fn run_user<O: Observer>(
        &self,
        ix: UserIx,
        ranges: &UserRanges,
        combos: &mut Combos<'_>,
        scratch: &mut Scratch,
        o: &mut O,
    ) {
        scratch.gate_refused = self.gate.is_some_and(|g| self.seat_denied(ix, g));
        self.run(ranges, combos, scratch, o);
        scratch.gate_refused = false;
        self.seat_ceiling(ix, combos, scratch, o);
    }

    /// Layer 5 for seats, after layers 1–7 ran for user `ix`: each feature the user was refused
    /// a seat of goes off, then, in requirement order, each feature requiring one of those.
    /// O(log D) when the user was refused nothing; O(F) otherwise.
    pub(super) fn seat_ceiling<O: Observer>(
        &self,
        ix: UserIx,
        combos: &Combos<'_>,
        scratch: &mut Scratch,
        o: &mut O,
    ) {
        if !self.index.plan.enforce_seats() {
            return;
        }
        let seats = self.seats();
        let start = seats.denied.partition_point(|&(u, _)| u < ix);
        let end = seats.denied.partition_point(|&(u, _)| u <= ix);
        let Some(denied) = seats.denied.get(start..end).filter(|d| !d.is_empty()) else {
            return;
        };
        self.lower_in_order(combos, scratch, o, Layer::Requirement, |f, active| {
            if !denied.iter().any(|&(_, d)| d == f) {
                return None;
            }
            let bought = seats
                .features
                .iter()
                .find(|s| s.feature == f)
                .map_or(0, |s| s.bought);
            Some((
                Layer::Ceiling,
                Effect::NoSeat,
                active.then_some(Origin::Seats { bought }),
            ))
        });
    }

    /// The licence report: per seat-licensed feature the plan counts, the seats bought, wanted
    /// and granted and who is over; per user, the seat-licensed features they hold.
    ///
    /// ```
    /// use pbx_entitlements::model::{Plan, Tenant, User};
    /// use pbx_entitlements::{validate, Resolver};
    ///
    /// let mut plan = Plan::all("p");
    /// plan.seats.insert("module_crm".into(), 1);
    /// plan.enforce_seats = true;
    /// let mut tenant = Tenant::new("acme", plan);
    /// tenant.users.push(User::new("alice").with_override("module_crm", true));
    /// tenant.users.push(User::new("bob").with_override("module_crm", true));
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// let report = resolver.licences();
    /// assert_eq!(
    ///     serde_json::to_string(&report)?,
    ///     r#"{"features":{"module_crm":{"bought":1,"wanted":2,"granted":1,"over":["bob"]}},"users":{"alice":["module_crm"]}}"#
    /// );
    /// assert_eq!(
    ///     resolver.explain("bob", "module_crm")?.to_string(),
    ///     "module_crm = false: an admin override sets true; no seat left (1 of 1 granted)",
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn licences(&self) -> LicenceReport {
        let index = &self.index;
        let catalog = &index.catalog;
        let seats = self.seats();
        let user_id = |u: UserIx| index.users.get(u.index()).map(|e| e.id.clone());
        let features = seats
            .features
            .iter()
            .map(|s| FeatureSeats {
                feature: crate::catalog::FeatureId::from_index(s.feature)
                    .map(|id| catalog.key(id).to_owned())
                    .unwrap_or_default(),
                bought: s.bought,
                wanted: s.wanting.len(),
                granted: s.granted(),
                over: s.over().iter().filter_map(|&u| user_id(u)).collect(),
            })
            .collect();
        // Per user, the seat-licensed features held: wanted and not refused, except that a
        // refused feature may turn off another through a requirement: the users refused a
        // seat are resolved again, with seats, and read.
        let mut held: BTreeMap<UserIx, Vec<usize>> = BTreeMap::new();
        for s in &seats.features {
            for &u in &s.wanting {
                held.entry(u).or_default().push(s.feature);
            }
        }
        let mut refused: Vec<UserIx> = seats.denied.iter().map(|&(u, _)| u).collect();
        refused.dedup();
        let mut combos = Combos::new(&self.table);
        let mut scratch = Scratch::new(self.features.len());
        for u in refused {
            let Some(ranges) = index.ranges.get(u.index()) else {
                continue;
            };
            self.run_user(u, ranges, &mut combos, &mut scratch, &mut Silent);
            if let Some(features) = held.get_mut(&u) {
                features.retain(|&f| {
                    matches!(
                        (self.features.get(f), scratch.levels.get(f)),
                        (Some(p), Some(&level)) if level != p.off
                    )
                });
            }
        }
        let users = held
            .into_iter()
            .filter(|(_, fs)| !fs.is_empty())
            .filter_map(|(u, mut fs)| {
                fs.sort_unstable();
                let keys = fs
                    .into_iter()
                    .filter_map(crate::catalog::FeatureId::from_index)
                    .map(|id| catalog.key(id).to_owned())
                    .collect();
                Some((user_id(u)?, keys))
            })
            .collect();
        LicenceReport { features, users }
    }
}

/// The seats of one seat-licensed feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FeatureSeats {
    /// The feature's key.
    #[serde(skip)]
    pub feature: String,
    /// Seats the plan bought.
    pub bought: u32,
    /// Users whose value after layers 1–7 is on.
    pub wanted: usize,
    /// Seats given: `min(wanted, bought)`.
    pub granted: usize,
    /// The wanting users past the count, in allocation order (refused the feature when the
    /// plan enforces seats; reported either way).
    pub over: Vec<UserId>,
}

/// What the tenant uses of what it bought (IPVoice's "License Counter").
///
/// Serialises as `{"features": {"module_crm": {"bought", "wanted", "granted", "over"}, …},
/// "users": {"alice": ["edition_business", "module_crm"], …}}`: features in catalog order,
/// users (those holding at least one seat-licensed feature) in id order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LicenceReport {
    /// Each seat-licensed feature the plan counts, in catalog order.
    pub features: Vec<FeatureSeats>,
    /// Each user holding a seat-licensed feature, with those features in catalog order.
    pub users: Vec<(UserId, Vec<String>)>,
}

impl Serialize for LicenceReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Features<'a>(&'a [FeatureSeats]);
        impl Serialize for Features<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for f in self.0 {
                    map.serialize_entry(&f.feature, f)?;
                }
                map.end()
            }
        }
        struct Users<'a>(&'a [(UserId, Vec<String>)]);
        impl Serialize for Users<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (user, features) in self.0 {
                    map.serialize_entry(user, features)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("features", &Features(&self.features))?;
        map.serialize_entry("users", &Users(&self.users))?;
        map.end()
    }
}
