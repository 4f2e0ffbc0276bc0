//! One feature of one user, computed alone: the layers for that feature and the features it
//! requires, without resolving the rest of the user.

use super::lists::Combos;
use super::{Acc, Resolver, cap, fold, meet, refusal};
use crate::catalog::MergeRule;
use crate::entitlements::{FeatureRef, decode_with};
use crate::error::LookupError;
use crate::index::{EntityRef, UserIx, UserRanges};
use crate::value::{Kind, ListValue, Value};

/// Whose feature is computed, and whether seats already given count.
#[derive(Debug, Clone, Copy)]
struct Ask {
    ix: UserIx,
    seats: bool,
}

/// The level of feature `f` among entries sorted by feature.
fn entry(entries: &[(usize, i64)], f: usize) -> Option<i64> {
    let at = entries.binary_search_by_key(&f, |&(g, _)| g).ok()?;
    entries.get(at).map(|&(_, level)| level)
}

impl Resolver<'_> {
    /// One feature of one user, computed from scratch: the layers for that feature and for
    /// the features it requires (and, when the user has a preference among them, the
    /// self-service gate), without resolving the rest of the user. The same value as
    /// [`Resolver::user`] gives, for a fraction of the work when one value is all a request
    /// needs.
    ///
    /// O(S log V + R) for S template sources, V values per template and R features in the
    /// requirement chain.
    ///
    /// ```
    /// use pbx_entitlements::{keys, model::Tenant, validate, Resolver, Value};
    ///
    /// let tenant: Tenant = serde_json::from_str(r#"{
    ///     "version": 1, "tenant": "acme",
    ///     "plan": {"id": "p", "features": "all", "limits": {"max_channels": 3}},
    ///     "templates": [{"id": "support", "values": {"max_channels": 5, "tags_required": true}}],
    ///     "departments": [{"id": "support", "template": "support"}],
    ///     "users": [{"id": "bob", "departments": ["support"]}]
    /// }"#)?;
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// assert_eq!(resolver.feature("bob", keys::MAX_CHANNELS)?, Value::Limit(3));
    /// // tags_required needs tag_calls, which bob does not have.
    /// assert_eq!(resolver.feature("bob", "tags_required")?, Value::Restriction(false));
    /// assert_eq!(
    ///     resolver.feature("bob", "tags_required")?,
    ///     resolver.user("bob")?.get("tags_required")?,
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] or [`LookupError::UnknownFeature`].
    pub fn feature(
        &self,
        user: impl EntityRef<UserIx>,
        feature: impl FeatureRef,
    ) -> Result<Value, LookupError> {
        let (ix, ranges) = self.locate(&user)?;
        let (id, definition) = feature
            .feature(&self.index.catalog)
            .ok_or_else(|| feature.unknown())?;
        let mut combos = Combos::new(&self.table);
        let level = self.alone(ix, ranges, id.index(), &mut combos, true);
        Ok(match definition.kind() {
            Kind::List { .. } => Value::List(combos.value(level).unwrap_or_else(ListValue::empty)),
            kind => decode_with(kind, level, |_| None),
        })
    }

    /// The final level of feature `f` of user `ix`; with `seats` off, its level after layer 7
    /// before seats are given (what decides who wants a seat).
    pub(super) fn alone(
        &self,
        ix: UserIx,
        ranges: &UserRanges,
        f: usize,
        combos: &mut Combos<'_>,
        seats: bool,
    ) -> i64 {
        let mut gate = None;
        let ask = Ask { ix, seats };
        if self.features.get(f).is_none_or(|p| p.requires.is_empty()) {
            return self.final_level(ask, ranges, f, &mut gate, combos, &[]);
        }
        // `f` and what it requires, dependencies first.
        let mut chain: Vec<usize> = Vec::new();
        self.requirement_chain(f, &mut chain);
        let mut finals: Vec<(usize, i64)> = Vec::with_capacity(chain.len());
        for g in chain {
            let level = self.final_level(ask, ranges, g, &mut gate, combos, &finals);
            finals.push((g, level));
        }
        finals.last().map_or(0, |&(_, level)| level)
    }

    /// Layers 1–7 and seats for feature `g`, the features it requires already in `finals`;
    /// `gate` is the user's self-service gate once a preference needed it.
    fn final_level(
        &self,
        Ask { ix, seats }: Ask,
        ranges: &UserRanges,
        g: usize,
        gate: &mut Option<bool>,
        combos: &mut Combos<'_>,
        finals: &[(usize, i64)],
    ) -> i64 {
        let Some(p) = self.features.get(g) else {
            return 0;
        };
        let mut level = self.through_ceilings(ranges, g, combos);
        // 6. The user's own preference, behind the gate.
        if let Some(preference) = entry(self.index.preference_levels(ranges), g) {
            let gate_on = match *gate {
                Some(on) => on,
                None => {
                    let on = self.gate_alone(Ask { ix, seats }, ranges, combos);
                    *gate = Some(on);
                    on
                }
            };
            if refusal(p, gate_on).is_none() {
                level = meet(p, level, preference, combos);
            }
        }
        // 7. Requirements, on what the required features end up as; then seats.
        if level != p.off {
            let unmet = self.unmet(
                p,
                // `finals` is in requirement order: found by rank, O(log R).
                |t| {
                    let rank = |x: usize| self.rank.get(x).copied().unwrap_or(u32::MAX);
                    let at = finals
                        .binary_search_by_key(&rank(t), |&(x, _)| rank(x))
                        .ok()?;
                    finals.get(at).map(|&(_, l)| l)
                },
                combos,
            );
            if unmet.is_some() || (seats && self.seat_denied(ix, g)) {
                level = p.off;
            }
        }
        level
    }

    /// `f` and every feature it requires, each after what it requires (catalog requirement
    /// order). O(R log R) for R features in the chain; no recursion.
    fn requirement_chain(&self, f: usize, chain: &mut Vec<usize>) {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![f];
        while let Some(g) = stack.pop() {
            if !seen.insert(g) {
                continue;
            }
            chain.push(g);
            if let Some(p) = self.features.get(g) {
                stack.extend(p.requires.iter().map(|&(t, _)| t));
            }
        }
        chain.sort_unstable_by_key(|&g| self.rank.get(g).copied().unwrap_or(u32::MAX));
    }

    /// Layers 1–5 (seats aside) for feature `f` of a user.
    fn through_ceilings(&self, ranges: &UserRanges, f: usize, combos: &mut Combos<'_>) -> i64 {
        let Some(p) = self.features.get(f) else {
            return 0;
        };
        let mut level = None;
        // 3. Templates (a locked feature ignores them; a detached user has none).
        if !ranges.detached && !p.locked {
            let mut slot = Acc::default();
            let mut lists: Vec<i64> = Vec::new();
            let by_union = p.list && p.merge != MergeRule::Ranked;
            for source in self.index.sources_of(ranges) {
                let Some(l) = self
                    .templates
                    .get(source.template.index())
                    .and_then(|values| entry(values, f))
                else {
                    continue;
                };
                if by_union {
                    lists.push(l);
                } else if !slot.seen {
                    slot = Acc {
                        level: l,
                        priority: source.priority,
                        seen: true,
                        pending: false,
                    };
                } else {
                    fold(p, &mut slot, l, source.priority, combos);
                }
            }
            if by_union && !lists.is_empty() {
                level = Some(combos.combine_all(&mut lists, p.merge == MergeRule::MostPermissive));
            } else if slot.seen {
                level = Some(slot.level);
            }
        }
        // 4. An admin override (a locked feature ignores it).
        if !p.locked
            && let Some(o) = entry(self.index.override_levels(ranges), f)
        {
            level = Some(o);
        }
        // 5. The plan and the lock; untouched, the prepared base already has them.
        match level {
            Some(level) => cap(p, level, combos),
            None => p.base,
        }
    }

    /// Whether the user's self-service gate is on, computed alone: refused a seat of it, or
    /// its requirement chain through layer 5.
    fn gate_alone(&self, ask: Ask, ranges: &UserRanges, combos: &mut Combos<'_>) -> bool {
        let Some(gate) = self.gate else {
            return true;
        };
        if ask.seats && self.seat_denied(ask.ix, gate) {
            return false;
        }
        self.with_scratch(|scratch| {
            scratch.levels.clear();
            scratch.levels.extend_from_slice(&self.base_levels);
            for &c in &self.gate_closure {
                let level = self.through_ceilings(ranges, c, combos);
                if let Some(slot) = scratch.levels.get_mut(c) {
                    *slot = level;
                }
            }
            self.gate_on(&scratch.levels, combos, &mut scratch.forced_off)
        })
    }

    /// Whether the plan's enforced seats leave user `ix` without feature `f`.
    pub(super) fn seat_denied(&self, ix: UserIx, f: usize) -> bool {
        self.index.plan.enforce_seats() && self.seats().denied.binary_search(&(ix, f)).is_ok()
    }
}
