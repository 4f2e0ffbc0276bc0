//! Resolution: the effective entitlements of every user (layers 1–7 of the [guide](crate::guide::concepts)),
//! and of every device (layer 8).
//!
//! For user `u` and feature `f`, in order:
//! 1. the catalog default;
//! 2. the tenant policy replaces it;
//! 3. the templates of `u`'s departments and roles, combined by `f`'s merge rule, replace it
//!    (skipped for a detached user);
//! 4. an admin override replaces it;
//! 5. ceilings meet it: the plan (a feature not bought is off, limits, choices and lists are
//!    capped; restriction toggles are never removed) and the tenant lock (a locked feature keeps
//!    the policy value; the plan still wins over a lock); with enforced seats, a user past the
//!    seats bought gets a seat-licensed feature off (after layers 6 and 7 decided who wants
//!    one, see `seats`);
//! 6. the user's own preference meets it, for user-adjustable, unlocked features while the
//!    self-service gate is on: it can only lower;
//! 7. requirements, in dependency order: an unmet requirement turns `f` off.
//!
//! Everything that does not depend on the user (layers 1, 2 and 5 for untouched features, the
//! packing layout, source priorities) is prepared once in [`Resolver::new`]. Per user, only the
//! features the user's templates, overrides and preferences name are visited, then the features
//! with requirements; no string is hashed or compared and nothing is allocated per feature.
//!
//! ```
//! use pbx_entitlements::{model::Tenant, validate, Resolver};
//!
//! let tenant: Tenant = serde_json::from_str(r#"{
//!     "version": 1, "tenant": "acme",
//!     "plan": {"id": "starter", "features": "all", "limits": {"max_channels": 2}},
//!     "templates": [{"id": "sales", "values": {"max_channels": 4, "calls": true}}],
//!     "departments": [{"id": "sales", "template": "sales"}],
//!     "users": [{"id": "alice", "departments": ["sales"]}]
//! }"#).unwrap();
//! let index = validate(&tenant).unwrap();
//! let resolver = Resolver::new(&index);
//!
//! let alice = resolver.user("alice").unwrap();
//! assert_eq!(alice.limit("max_channels"), Ok(2));
//! assert_eq!(alice.toggle("calls"), Ok(true));
//!
//! let why = resolver.explain("alice", "max_channels").unwrap();
//! assert_eq!(
//!     why.to_string(),
//!     r#"max_channels = 2: template "sales" (department sales) sets 4; plan "starter" caps it at 2"#
//! );
//! ```

mod alone;
mod audit;
mod lists;
mod seats;
mod trace;

use std::sync::{Arc, Mutex};

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::catalog::{Condition, FeatureId, MergeRule};
use crate::entitlements::{Entitlements, FeatureRef, Layout, ListPool, Words, decode, decode_with};
use crate::error::LookupError;
use crate::index::{
    DeviceEntry, DeviceIx, EMPTY_LIST, EntityRef, TenantIndex, UnitIx, UserIx, UserRanges, handle,
};
use crate::value::{Kind, ListValue, join_levels, meet_levels};
pub(crate) use lists::OwnLists;
use lists::{Combos, SharedLists};

pub use audit::{Audit, Finding, FindingKind};
pub use seats::{FeatureSeats, LicenceReport};
pub use trace::{Effect, Layer, Origin, Step, Trace, Via};

/// How the plan and the tenant lock bound one feature (layer 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ceiling {
    /// Nothing lowers it.
    Open,
    /// The plan does not include it: off.
    Off,
    /// The plan caps it at this level (or list).
    Cap(i64),
}

/// What a requirement needs of its target's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Not the target's off level.
    On { off: i64 },
    /// At least this level (a list handle for lists).
    AtLeast(i64),
}

/// Everything about one feature that does not depend on the user.
#[derive(Debug, Clone)]
struct Prepared {
    list: bool,
    merge: MergeRule,
    default: i64,
    policy: Option<i64>,
    locked: bool,
    ceiling: Ceiling,
    off: i64,
    adjustable: bool,
    /// Layers 1, 2 and 5 applied: the value of a feature no user-specific layer names.
    base: i64,
    requires: Vec<(usize, Need)>,
}

/// The index a resolver reads: borrowed, or shared so the resolver can live on its own.
#[derive(Debug, Clone)]
enum IndexRef<'i> {
    Borrowed(&'i TenantIndex),
    Shared(Arc<TenantIndex>),
}

impl std::ops::Deref for IndexRef<'_> {
    type Target = TenantIndex;
    fn deref(&self) -> &TenantIndex {
        match self {
            IndexRef::Borrowed(index) => index,
            IndexRef::Shared(index) => index,
        }
    }
}

/// Resolves users of one validated tenant. Build one per index and keep it: it holds what
/// does not depend on the user. [`Resolver::new`] borrows the index; [`Resolver::shared`] holds
/// an `Arc` of it, for a resolver cached beside the index for as long as the tenant is loaded.
#[derive(Debug)]
pub struct Resolver<'i> {
    index: IndexRef<'i>,
    layout: Arc<Layout>,
    /// Every list the resolver starts from, as values and as atoms.
    table: SharedLists,
    features: Vec<Prepared>,
    /// Each template's values as (feature, level), in template-id order.
    templates: Vec<Box<[(usize, i64)]>>,
    /// Features with requirements, each after the features it requires.
    requirement_order: Vec<usize>,
    /// Each feature's position in the catalog's requirement order.
    rank: Box<[u32]>,
    /// The self-service gate and everything it requires, each after what it requires.
    gate_closure: Vec<usize>,
    gate: Option<usize>,
    /// Each feature's base level, dense: every user's levels start as a copy of it.
    base_levels: Box<[i64]>,
    /// The packed base levels: the row of a user no template, override or preference names.
    base_words: Box<[u64]>,
    /// An empty list pool tail, shared by every result that built no list of its own.
    no_lists: Arc<OwnLists>,
    /// Working memory for single-user resolution, taken only when free (`try_lock`).
    /// Every run fully resets what it reads, so results never depend on earlier runs.
    scratch: Mutex<Scratch>,
    /// Who gets the seats of seat-licensed features, computed on first use.
    seats: std::sync::OnceLock<seats::Seats>,
}

/// The template layer's running value of one feature.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    level: i64,
    /// Priority of the source that gave `level` (for `Ranked`).
    priority: u32,
    /// Whether a template of this user set the feature yet.
    seen: bool,
    /// Whether the feature's list values wait in [`Scratch::parts`] to be merged at once.
    pending: bool,
}

/// Reusable per-user working memory.
#[derive(Debug, Default)]
struct Scratch {
    levels: Vec<i64>,
    acc: Vec<Acc>,
    /// Features a template or override of this user set.
    touched: Vec<usize>,
    /// Gate-closure features an unmet requirement turned off (all `false` between runs).
    forced_off: Vec<bool>,
    /// List values of the user's templates, by feature, to merge at once (empty between runs).
    parts: Vec<(usize, i64)>,
    /// Whether the user was refused a seat of the self-service gate (set by `run_user`).
    gate_refused: bool,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            levels: Vec::with_capacity(n),
            acc: vec![Acc::default(); n],
            touched: Vec::with_capacity(n),
            forced_off: vec![false; n],
            parts: Vec::new(),
            gate_refused: false,
        }
    }
}

impl<'i> Resolver<'i> {
    /// Prepares resolution of `index`: everything that does not depend on the user. Build one
    /// per index and keep it; resolving a user then costs a few hundred nanoseconds.
    ///
    /// ```
    /// use pbx_entitlements::{keys, model::{Plan, Tenant, User}, validate, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("business"));
    /// tenant.users.push(User::new("alice").with_override("voicemail", true));
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    /// assert!(resolver.user("alice")?.get(keys::VOICEMAIL));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(index: &'i TenantIndex) -> Resolver<'i> {
        Resolver::prepare(IndexRef::Borrowed(index))
    }

    /// Prepares resolution of a shared index; the resolver keeps the index alive.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pbx_entitlements::{keys, model::{Plan, Tenant, User}, validate, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("business"));
    /// tenant.users.push(User::new("alice"));
    /// let resolver: Resolver<'static> = Resolver::shared(Arc::new(validate(&tenant)?));
    /// assert_eq!(resolver.user("alice")?.get(keys::MAX_CHANNELS), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shared(index: Arc<TenantIndex>) -> Resolver<'static> {
        Resolver::prepare(IndexRef::Shared(index))
    }

    fn prepare(owner: IndexRef<'i>) -> Resolver<'i> {
        let index: &TenantIndex = &owner;
        let catalog = &index.catalog;
        let plan = &index.plan;
        // Every list preparing may intern: the index's, catalog defaults and requirement levels.
        let extra: Vec<&ListValue> = catalog
            .iter()
            .flat_map(|(_, f)| {
                let default = match f.default() {
                    crate::value::Value::List(l) => Some(l),
                    _ => None,
                };
                let required = f.requires().iter().filter_map(|r| match &r.condition {
                    Condition::AtLeast(crate::value::Value::List(l)) => Some(l),
                    _ => None,
                });
                default.into_iter().chain(required)
            })
            .collect();
        let seed = SharedLists::new(index.lists.values(), extra);
        let mut combos = Combos::new(&seed);
        let mut features = Vec::with_capacity(catalog.len());
        for (id, feature) in catalog.iter() {
            let kind = feature.kind();
            let list = matches!(kind, Kind::List { .. });
            let level_of = |v: &crate::value::Value, combos: &mut Combos<'_>| match v {
                crate::value::Value::List(l) => combos.intern(l),
                other => other.level().unwrap_or_default(),
            };
            let default = index
                .default_setting(id)
                .map_or_else(|| level_of(feature.default(), &mut combos), |s| s.level);
            let slot = index.policy(id);
            let ceiling = if *kind == Kind::Restriction {
                Ceiling::Open
            } else if !plan.available(id) {
                Ceiling::Off
            } else {
                plan.cap_setting(id)
                    .map_or(Ceiling::Open, |s| Ceiling::Cap(s.level))
            };
            let off = off_level(kind);
            let requires = feature
                .requires()
                .iter()
                .map(|r| {
                    let target_off = catalog.get(r.feature).map_or(0, |t| off_level(t.kind()));
                    let need = match &r.condition {
                        Condition::On => Need::On { off: target_off },
                        Condition::AtLeast(v) => Need::AtLeast(level_of(v, &mut combos)),
                    };
                    (r.feature.index(), need)
                })
                .collect();
            let mut prepared = Prepared {
                list,
                merge: feature.merge(),
                default,
                policy: slot.map(|s| s.setting.level),
                locked: slot.is_some_and(|s| s.locked),
                ceiling,
                off,
                adjustable: feature.adjustable(),
                base: 0,
                requires,
            };
            prepared.base = cap(&prepared, prepared.policy.unwrap_or(default), &mut combos);
            features.push(prepared);
        }
        let table = combos.into_shared();

        let gate = catalog.self_service_gate().map(FeatureId::index);
        let mut in_closure = vec![false; features.len()];
        let mut stack: Vec<usize> = gate.into_iter().collect();
        while let Some(f) = stack.pop() {
            if let Some(seen) = in_closure.get_mut(f)
                && !*seen
            {
                *seen = true;
                stack.extend(
                    features
                        .get(f)
                        .into_iter()
                        .flat_map(|p| p.requires.iter().map(|r| r.0)),
                );
            }
        }
        let gate_closure = catalog
            .requirement_order()
            .iter()
            .map(|id| id.index())
            .filter(|&f| in_closure.get(f).copied().unwrap_or(false))
            .collect();

        let requirement_order = catalog
            .requirement_order()
            .iter()
            .map(|id| id.index())
            .filter(|&f| features.get(f).is_some_and(|p| !p.requires.is_empty()))
            .collect();

        let mut rank = vec![u32::MAX; features.len()].into_boxed_slice();
        for (position, id) in catalog.requirement_order().iter().enumerate() {
            if let Some(slot) = rank.get_mut(id.index()) {
                *slot = u32::try_from(position).unwrap_or(u32::MAX);
            }
        }

        let templates = index
            .templates
            .iter()
            .map(|t| {
                t.values
                    .iter()
                    .map(|(id, s)| (id.index(), s.level))
                    .collect()
            })
            .collect();

        let n = features.len();
        let layout = Arc::new(Layout::new(Arc::clone(&index.catalog)));
        let base_levels: Box<[i64]> = features.iter().map(|p| p.base).collect();
        let mut base_words = vec![0u64; layout.words()].into_boxed_slice();
        layout.pack(&base_levels, &mut base_words);

        Resolver {
            index: owner.clone(),
            layout,
            base_levels,
            base_words,
            table,
            features,
            templates,
            requirement_order,
            rank,
            gate_closure,
            no_lists: Arc::default(),
            scratch: Mutex::new(Scratch::new(n)),
            seats: std::sync::OnceLock::new(),
            gate,
        }
    }

    /// The index this resolver reads.
    pub fn index(&self) -> &TenantIndex {
        &self.index
    }

    /// The effective entitlements of a user, by id or handle.
    ///
    /// ```
    /// use pbx_entitlements::{keys, model::{Plan, Tenant, User}, validate, LookupError, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("business"));
    /// tenant.users.push(User::new("alice").with_override("calls", true));
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// assert!(resolver.user("alice")?.get(keys::CALLS));
    /// assert_eq!(resolver.user("bob"), Err(LookupError::UnknownUser("bob".into())));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] if the tenant has no such user.
    pub fn user(&self, user: impl EntityRef<UserIx>) -> Result<Entitlements, LookupError> {
        let (ix, entry) = self.locate(&user)?;
        Ok(self.resolve_one(ix, entry))
    }

    /// One user's entitlements. Not generic, so that the pipeline is compiled (and inlined)
    /// once, in this crate, whatever names the user: compiled into each caller instead, one
    /// user took 307 ns rather than 272 ns on the reference workload.
    fn resolve_one(&self, ix: UserIx, entry: &UserRanges) -> Entitlements {
        let mut combos = Combos::new(&self.table);
        let mut words = Words::zeroed(self.layout.words());
        self.with_scratch(|scratch| {
            self.run_user(ix, entry, &mut combos, scratch, &mut Silent);
            self.pack(scratch, &mut words);
        });
        Entitlements::new(
            Arc::clone(&self.layout),
            combos.into_pool(&self.no_lists),
            words,
        )
    }

    /// Runs `work` with the resolver's working memory when no other thread is using it, with
    /// fresh memory otherwise: never waits.
    fn with_scratch<R>(&self, work: impl FnOnce(&mut Scratch) -> R) -> R {
        match self.scratch.try_lock() {
            Ok(mut held) => work(&mut held),
            Err(_) => work(&mut Scratch::new(self.features.len())),
        }
    }

    /// The handle of a user and what resolution reads of them, or the error naming the user.
    fn locate(&self, user: &impl EntityRef<UserIx>) -> Result<(UserIx, &UserRanges), LookupError> {
        user.find(&self.index)
            .and_then(|ix| Some((ix, self.index.ranges.get(ix.index())?)))
            .ok_or_else(|| LookupError::UnknownUser(user.describe()))
    }

    /// The effective entitlements of every user, in user-id order, packed in one allocation.
    ///
    /// ```
    /// use pbx_entitlements::{keys, model::{Plan, Tenant, User}, validate, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("business"));
    /// tenant.users.push(User::new("bob"));
    /// tenant.users.push(User::new("alice").with_override("max_channels", 4));
    /// let index = validate(&tenant)?;
    /// let everyone = Resolver::new(&index).tenant();
    ///
    /// let channels: Vec<(&str, i64)> = everyone
    ///     .iter()
    ///     .map(|(id, e)| (id.as_str(), e.get(keys::MAX_CHANNELS)))
    ///     .collect();
    /// assert_eq!(channels, [("alice", 4), ("bob", 1)]);
    /// let json = serde_json::to_value(&everyone)?;
    /// assert_eq!(json["alice"]["max_channels"], 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tenant(&self) -> ResolvedTenant<'i> {
        ResolvedTenant {
            index: self.index.clone(),
            table: self.rows(0..self.index.ranges.len()),
        }
    }

    /// The users at positions `users` (in user-id order, as [`TenantIndex::users`] lists
    /// them), resolved as [`Resolver::tenant`] resolves them: one part of the tenant, for
    /// resolving a large tenant on threads the caller owns. The crate starts no thread; the
    /// resolver is `Sync`, so each thread borrows it. Positions past the end are left out.
    ///
    /// ```
    /// use pbx_entitlements::{keys, model::{Plan, Tenant, User}, validate, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("business"));
    /// for i in 0..10 {
    ///     tenant.users.push(User::new(format!("u{i}")).with_override("max_channels", i % 4));
    /// }
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// let parts = std::thread::scope(|s| {
    ///     let threads: Vec<_> = resolver
    ///         .split(3)
    ///         .into_iter()
    ///         .map(|users| s.spawn(|| resolver.part(users)))
    ///         .collect();
    ///     threads.into_iter().map(|t| t.join().unwrap()).collect::<Vec<_>>()
    /// });
    /// let channels: Vec<i64> = parts
    ///     .iter()
    ///     .flat_map(|part| part.iter().map(|(_, e)| e.get(keys::MAX_CHANNELS)))
    ///     .collect();
    /// assert_eq!(channels, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn part(&self, users: std::ops::Range<usize>) -> ResolvedPart<'i> {
        let n = self.index.ranges.len();
        let users = users.start.min(n)..users.end.min(n).max(users.start.min(n));
        ResolvedPart {
            index: self.index.clone(),
            start: users.start,
            len: users.len(),
            table: self.rows(users),
        }
    }

    /// The user positions cut into `parts` ranges of nearly equal size, in order, covering
    /// every user once: for [`Resolver::part`]. At least one range; none empty unless the
    /// tenant has no users.
    pub fn split(&self, parts: usize) -> Vec<std::ops::Range<usize>> {
        let n = self.index.ranges.len();
        let parts = parts.clamp(1, n.max(1));
        let (size, extra) = (
            n.checked_div(parts).unwrap_or(0),
            n.checked_rem(parts).unwrap_or(0),
        );
        let mut start = 0usize;
        (0..parts)
            .map(|i| {
                let len = size.saturating_add(usize::from(i < extra));
                let range = start..start.saturating_add(len);
                start = range.end;
                range
            })
            .collect()
    }

    /// The packed rows of the users at positions `users` (within the tenant).
    fn rows(&self, users: std::ops::Range<usize>) -> Table {
        let ranges = self.index.ranges.get(users.clone()).unwrap_or_default();
        let width = self.layout.words();
        let mut words = vec![0u64; ranges.len().saturating_mul(width)];
        let mut combos = Combos::new(&self.table);
        let mut scratch = Scratch::new(self.features.len());
        for (u, (user, row)) in ranges
            .iter()
            .zip(words.chunks_mut(width.max(1)))
            .enumerate()
        {
            self.run_user(
                UserIx(handle(users.start.saturating_add(u))),
                user,
                &mut combos,
                &mut scratch,
                &mut Silent,
            );
            self.pack(&scratch, row);
        }
        self.table(combos, width, words)
    }

    /// The entitlements of every registered device, in device-id order: each owner resolved
    /// once, then projected on each of their devices (layer 8).
    ///
    /// ```
    /// use pbx_entitlements::model::{Device, Plan, Tenant, User};
    /// use pbx_entitlements::{keys, validate, Platform, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("p"));
    /// tenant.users.push(User::new("alice").with_override("crm_overlay", true));
    /// tenant.devices.push(Device::new("d1", "alice", Platform::Android, "6.4.0"));
    /// tenant.devices.push(Device::new("d2", "alice", Platform::Ios, "6.4.0"));
    /// let index = validate(&tenant)?;
    /// let devices = Resolver::new(&index).devices();
    ///
    /// let overlay: Vec<(&str, bool)> = devices
    ///     .iter()
    ///     .map(|(id, e)| (id.as_str(), e.get(keys::CRM_OVERLAY)))
    ///     .collect();
    /// assert_eq!(overlay, [("d1", true), ("d2", false)]);
    /// assert_eq!(serde_json::to_value(&devices)?["d2"]["crm_overlay"], false);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn devices(&self) -> ResolvedDevices<'i> {
        let index = self.index.clone();
        let devices = &self.index.devices;
        let width = self.layout.words();
        let mut words = vec![0u64; devices.len().saturating_mul(width)];
        // Each owner's devices together, so that each owner is resolved once.
        let by_owner = self
            .index
            .owned_devices
            .iter()
            .map(|&(owner, d)| (owner, d.index()));
        let mut combos = Combos::new(&self.table);
        let mut owner_scratch = Scratch::new(self.features.len());
        let mut scratch = Scratch::new(self.features.len());
        let mut resolved: Option<UserIx> = None;
        for (owner, d) in by_owner {
            let (Some(entry), Some(ranges)) =
                (devices.get(d), self.index.ranges.get(owner.index()))
            else {
                continue;
            };
            if resolved != Some(owner) {
                self.run_user(owner, ranges, &mut combos, &mut owner_scratch, &mut Silent);
                resolved = Some(owner);
            }
            let start = d.saturating_mul(width);
            if let Some(row) = words.get_mut(start..start.saturating_add(width)) {
                self.pack_device(entry, &owner_scratch, &mut scratch, &combos, row);
            }
        }
        ResolvedDevices {
            index,
            table: self.table(combos, width, words),
        }
    }

    /// Explains one feature of one user: every layer that touched it, with the candidates that
    /// lost. The user and the feature are each given by id or handle.
    ///
    /// ```
    /// use pbx_entitlements::{keys, model::Tenant, validate, LookupError, Resolver};
    ///
    /// let tenant: Tenant = serde_json::from_str(r#"{
    ///     "version": 1, "tenant": "acme",
    ///     "plan": {"id": "starter", "features": "all", "limits": {"max_channels": 2}},
    ///     "users": [{"id": "alice", "overrides": {"max_channels": 4}}]
    /// }"#)?;
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// let why = resolver.explain("alice", keys::MAX_CHANNELS)?;
    /// assert_eq!(why.to_string(), r#"max_channels = 2: an admin override sets 4; plan "starter" caps it at 2"#);
    /// assert_eq!(resolver.explain("bob", "max_channels"), Err(LookupError::UnknownUser("bob".into())));
    /// assert_eq!(
    ///     resolver.explain("alice", "max_chanels"),
    ///     Err(LookupError::UnknownFeature("max_chanels".into()))
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] or [`LookupError::UnknownFeature`], naming what was not
    /// found.
    pub fn explain(
        &self,
        user: impl EntityRef<UserIx>,
        feature: impl FeatureRef,
    ) -> Result<Trace, LookupError> {
        let (ix, ranges) = self.locate(&user)?;
        let entry = self
            .index
            .user(ix)
            .ok_or_else(|| LookupError::UnknownUser(user.describe()))?;
        let catalog = &self.index.catalog;
        let (id, feature_def) = feature.feature(catalog).ok_or_else(|| feature.unknown())?;
        let kind = feature_def.kind().clone();
        let mut combos = Combos::new(&self.table);
        let mut scratch = Scratch::new(self.features.len());
        let mut recorder = trace::Recorder::new(&self.index, id.index());
        self.run_user(ix, ranges, &mut combos, &mut scratch, &mut recorder);
        let final_level = scratch.levels.get(id.index()).copied().unwrap_or_default();
        let pool = combos.into_pool(&self.no_lists);
        Ok(Trace {
            user: entry.id.clone(),
            feature: id,
            key: catalog.key(id).to_owned(),
            steps: recorder.finish(&kind, &pool),
            value: decode(&kind, final_level, &pool),
            kind,
            gate: self
                .gate
                .and_then(FeatureId::from_index)
                .map(|g| catalog.key(g).to_owned()),
        })
    }

    /// The entitlements of a registered device: its owner's, with every feature the device
    /// cannot support off (its platform, or its app version), and every feature requiring one
    /// of those off too (layer 8). A device never holds what its owner lacks.
    ///
    /// ```
    /// use pbx_entitlements::model::{Device, Plan, Tenant, User};
    /// use pbx_entitlements::{keys, validate, Platform, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("p"));
    /// tenant.users.push(User::new("alice").with_override("crm_overlay", true).with_override("chat", true));
    /// tenant.devices.push(Device::new("d1", "alice", Platform::Android, "6.4.0"));
    /// tenant.devices.push(Device::new("d2", "alice", Platform::Ios, "6.4.0"));
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// assert!(resolver.device("d1")?.get(keys::CRM_OVERLAY));      // Android only
    /// assert!(!resolver.device("d2")?.get(keys::CRM_OVERLAY));
    /// assert!(resolver.device("d2")?.get(keys::CHAT));
    /// assert_eq!(
    ///     resolver.explain_device("d2", "crm_overlay")?.to_string(),
    ///     "crm_overlay = false: an admin override sets true; needs android; device d2 is ios",
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownDevice`] if the tenant has no such device.
    pub fn device(&self, device: impl EntityRef<DeviceIx>) -> Result<Entitlements, LookupError> {
        let (entry, ranges) = self.locate_device(&device)?;
        let mut combos = Combos::new(&self.table);
        let mut scratch = Scratch::new(self.features.len());
        let mut words = Words::zeroed(self.layout.words());
        self.run_user(entry.owner, ranges, &mut combos, &mut scratch, &mut Silent);
        self.project(entry, &combos, &mut scratch, &mut Silent);
        self.pack(&scratch, &mut words);
        Ok(Entitlements::new(
            Arc::clone(&self.layout),
            combos.into_pool(&self.no_lists),
            words,
        ))
    }

    /// Why a device has the value it has for a feature: the owner's trace, then what the
    /// device changed (layer 8).
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownDevice`] or [`LookupError::UnknownFeature`].
    pub fn explain_device(
        &self,
        device: impl EntityRef<DeviceIx>,
        feature: impl FeatureRef,
    ) -> Result<Trace, LookupError> {
        let (entry, ranges) = self.locate_device(&device)?;
        let owner = self
            .index
            .user(entry.owner)
            .ok_or_else(|| LookupError::UnknownDevice(device.describe()))?;
        let catalog = &self.index.catalog;
        let (id, feature_def) = feature.feature(catalog).ok_or_else(|| feature.unknown())?;
        let kind = feature_def.kind().clone();
        let mut combos = Combos::new(&self.table);
        let mut scratch = Scratch::new(self.features.len());
        let mut recorder = trace::Recorder::new(&self.index, id.index());
        self.run_user(
            entry.owner,
            ranges,
            &mut combos,
            &mut scratch,
            &mut recorder,
        );
        self.project(entry, &combos, &mut scratch, &mut recorder);
        let final_level = scratch.levels.get(id.index()).copied().unwrap_or_default();
        let pool = combos.into_pool(&self.no_lists);
        Ok(Trace {
            user: owner.id.clone(),
            feature: id,
            key: catalog.key(id).to_owned(),
            steps: recorder.finish(&kind, &pool),
            value: decode(&kind, final_level, &pool),
            kind,
            gate: self
                .gate
                .and_then(FeatureId::from_index)
                .map(|g| catalog.key(g).to_owned()),
        })
    }

    /// A device and what resolution reads of its owner, or the error naming the device.
    fn locate_device(
        &self,
        device: &impl EntityRef<DeviceIx>,
    ) -> Result<(&DeviceEntry, &UserRanges), LookupError> {
        device
            .find(&self.index)
            .and_then(|ix| self.index.device(ix))
            .and_then(|d| Some((d, self.index.ranges.get(d.owner.index())?)))
            .ok_or_else(|| LookupError::UnknownDevice(device.describe()))
    }

    /// Layer 8: the owner's levels in `scratch` projected on `device`. In requirement order,
    /// each feature the device cannot support goes off, then each feature whose requirement
    /// the projection left unmet. O(F) for F features.
    fn project<O: Observer>(
        &self,
        device: &DeviceEntry,
        combos: &Combos<'_>,
        scratch: &mut Scratch,
        o: &mut O,
    ) {
        let catalog = &self.index.catalog;
        self.lower_in_order(combos, scratch, o, Layer::Device, |f, active| {
            let constraint = FeatureId::from_index(f)
                .and_then(|id| catalog.get(id))?
                .device();
            let unsupported = constraint.check(device.platform, device.version).err()?;
            let effect = if unsupported == crate::device::Unsupported::Platform {
                Effect::NeedsPlatform
            } else {
                Effect::NeedsVersion
            };
            let origin = active.then(|| Origin::Device {
                device: device.id.clone(),
                platform: device.platform,
                version: device.version,
                needs_platforms: constraint.platforms,
                needs_version: constraint.min_version,
            });
            Some((Layer::Device, effect, origin))
        });
    }

    /// Packs a device's row from its owner's resolved levels (in `owner`, left as they are):
    /// the owner resolved once serves each of their devices.
    fn pack_device(
        &self,
        device: &DeviceEntry,
        owner: &Scratch,
        scratch: &mut Scratch,
        combos: &Combos<'_>,
        row: &mut [u64],
    ) {
        scratch.levels.clone_from(&owner.levels);
        scratch.touched.clone_from(&owner.touched);
        self.project(device, combos, scratch, &mut Silent);
        self.pack(scratch, row);
    }

    /// Turns features off after layer 7, in requirement order: each feature `refuse` refuses
    /// (with its layer, effect and, when tracing, origin), then each feature whose requirement
    /// that left unmet (reported at `unmet_layer`). Shared by seats and device projection.
    /// O(F) for F features.
    fn lower_in_order<O: Observer>(
        &self,
        combos: &Combos<'_>,
        scratch: &mut Scratch,
        o: &mut O,
        unmet_layer: Layer,
        refuse: impl Fn(usize, bool) -> Option<(Layer, Effect, Option<Origin>)>,
    ) {
        let Scratch {
            levels, touched, ..
        } = scratch;
        for &id in self.index.catalog.requirement_order() {
            let f = id.index();
            let (Some(p), Some(&level)) = (self.features.get(f), levels.get(f)) else {
                continue;
            };
            if level == p.off {
                continue;
            }
            let (layer, effect, origin) = match refuse(f, O::ACTIVE && o.feature() == f) {
                Some(refused) => refused,
                None => match self.unmet(p, |t| levels.get(t).copied(), combos) {
                    Some(&(target, need)) => (
                        unmet_layer,
                        Effect::RequirementUnmet,
                        O::ACTIVE.then(|| self.requirement_origin(target, need)),
                    ),
                    None => continue,
                },
            };
            if let Some(slot) = levels.get_mut(f) {
                *slot = p.off;
                touched.push(f);
            }
            if O::ACTIVE
                && o.feature() == f
                && let Some(origin) = origin
            {
                o.step(layer, origin, p.off, effect);
            }
        }
    }

    /// Layer 3: combines the values of the user's templates by each feature's merge rule.
    /// Leaves the merged level of every feature a template sets in `acc`, and those features
    /// in `touched`. Locked features are skipped (and reported).
    ///
    /// O(S + E log E) for S template values reaching the user and E list entries among them:
    /// scalar levels combine as they come; the lists of a feature are gathered in `parts` and
    /// merged once each, never pairwise.
    fn merge_templates<O: Observer>(
        &self,
        user: &UserRanges,
        combos: &mut Combos<'_>,
        (acc, touched, parts): (&mut [Acc], &mut Vec<usize>, &mut Vec<(usize, i64)>),
        o: &mut O,
    ) {
        for source in self.index.sources_of(user) {
            let Some(values) = self.templates.get(source.template.index()) else {
                continue;
            };
            for (position, &(f, level)) in values.iter().enumerate() {
                let (Some(p), Some(slot)) = (self.features.get(f), acc.get_mut(f)) else {
                    continue;
                };
                if O::ACTIVE && o.feature() == f {
                    // Credit the template of the parent chain that set the value.
                    let reached = self.index.template(source.template);
                    let setter = reached
                        .and_then(|t| t.origins.get(position))
                        .and_then(|&origin| self.index.template(origin))
                        .or(reached);
                    let inherited_by = match (setter, reached) {
                        (Some(s), Some(r)) if s.id != r.id => Some(r.id.clone()),
                        _ => None,
                    };
                    let id = setter.map(|t| t.id.clone()).unwrap_or_default();
                    o.candidate(
                        id,
                        inherited_by,
                        self.index.unit_at(*source),
                        level,
                        source.priority,
                        p.locked,
                    );
                }
                if p.locked {
                    continue;
                }
                if !slot.seen {
                    *slot = Acc {
                        level,
                        priority: source.priority,
                        seen: true,
                        pending: false,
                    };
                    touched.push(f);
                } else if p.list && p.merge != MergeRule::Ranked {
                    if level != slot.level {
                        if !slot.pending {
                            parts.push((f, slot.level));
                            slot.pending = true;
                        }
                        parts.push((f, level));
                    }
                } else {
                    fold(p, slot, level, source.priority, combos);
                }
            }
        }

        if !parts.is_empty() {
            parts.sort_by_key(|&(f, _)| f);
            let mut handles = Vec::new();
            for run in parts.chunk_by(|a, b| a.0 == b.0) {
                let Some(&(f, _)) = run.first() else { continue };
                let (Some(p), Some(slot)) = (self.features.get(f), acc.get_mut(f)) else {
                    continue;
                };
                handles.extend(run.iter().map(|&(_, h)| h));
                slot.level = combos.combine_all(&mut handles, p.merge == MergeRule::MostPermissive);
                slot.pending = false;
            }
            parts.clear();
        }

        for &f in touched.iter() {
            if let Some(slot) = acc.get_mut(f) {
                slot.seen = false;
                if O::ACTIVE
                    && o.feature() == f
                    && let Some(p) = self.features.get(f)
                {
                    o.templates_done(p.merge, slot.level, slot.priority);
                }
            }
        }
    }

    /// The values a user's templates give (layer 3 alone), for the features they set, in
    /// catalog order, whether or not the user is detached. Locked features are left out: a
    /// template cannot change them.
    ///
    /// This is what detaching a user writes as overrides.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] if the tenant has no such user.
    pub fn template_values(
        &self,
        user: impl EntityRef<UserIx>,
    ) -> Result<Vec<(FeatureId, crate::value::Value)>, LookupError> {
        let (_, entry) = self.locate(&user)?;
        let n = self.features.len();
        let mut combos = Combos::new(&self.table);
        let mut acc = vec![Acc::default(); n];
        let mut touched = Vec::new();
        let mut parts = Vec::new();
        self.merge_templates(
            entry,
            &mut combos,
            (&mut acc, &mut touched, &mut parts),
            &mut Silent,
        );
        touched.sort_unstable();
        let levels: Vec<(usize, i64)> = touched
            .iter()
            .filter_map(|&f| Some((f, acc.get(f)?.level)))
            .collect();
        let pool = combos.into_pool(&self.no_lists);
        Ok(levels
            .into_iter()
            .filter_map(|(f, level)| {
                let id = FeatureId::from_index(f)?;
                let kind = self.index.catalog.get(id)?.kind();
                Some((id, decode(kind, level, &pool)))
            })
            .collect())
    }

    /// The first requirement of `p` that the levels given by `level_of` do not meet.
    fn unmet<'p>(
        &self,
        p: &'p Prepared,
        level_of: impl Fn(usize) -> Option<i64>,
        combos: &Combos<'_>,
    ) -> Option<&'p (usize, Need)> {
        p.requires.iter().find(|(target, need)| {
            let Some(have) = level_of(*target) else {
                return true;
            };
            let target_is_list = self.features.get(*target).is_some_and(|t| t.list);
            !match *need {
                Need::On { off } => have != off,
                Need::AtLeast(min) if target_is_list => combos.permits(have, min),
                Need::AtLeast(min) => have >= min,
            }
        })
    }

    /// Whether the user's self-service gate is on (layer 6): its value after ceilings, with its
    /// own requirements (layer 7) applied first, since an unmet requirement turns it off. The
    /// gate is never user-adjustable (the catalog refuses that), so preferences cannot move it.
    /// A catalog without a gate lets users lower every adjustable feature: a preference only
    /// ever lowers, so no right is granted by its absence.
    ///
    /// O(size of the gate's requirement closure) per user: `forced_off` is a flag per feature,
    /// set and cleared only for the closure, never searched.
    fn gate_on(&self, levels: &[i64], combos: &Combos<'_>, forced_off: &mut [bool]) -> bool {
        let Some(gate) = self.gate else {
            return true;
        };
        // The gate's requirement closure, dependencies first; usually just the gate.
        for &c in &self.gate_closure {
            let Some(p) = self.features.get(c) else {
                continue;
            };
            let turned_off = {
                let flags: &[bool] = forced_off;
                let level_of = |t: usize| {
                    let p = self.features.get(t)?;
                    if flags.get(t).copied().unwrap_or(false) {
                        Some(p.off)
                    } else {
                        levels.get(t).copied()
                    }
                };
                level_of(c) != Some(p.off) && self.unmet(p, level_of, combos).is_some()
            };
            if turned_off && let Some(flag) = forced_off.get_mut(c) {
                *flag = true;
            }
        }
        let on = match (self.features.get(gate), levels.get(gate)) {
            (Some(p), Some(&level)) => {
                level != p.off && !forced_off.get(gate).copied().unwrap_or(false)
            }
            _ => false,
        };
        for &c in &self.gate_closure {
            if let Some(flag) = forced_off.get_mut(c) {
                *flag = false;
            }
        }
        on
    }

    /// How a trace names an unmet requirement: the feature and, for "at least", the level.
    fn requirement_origin(&self, target: usize, need: Need) -> Origin {
        let catalog = &self.index.catalog;
        let feature = FeatureId::from_index(target).and_then(|t| catalog.get(t));
        let at_least = match (need, feature) {
            (Need::AtLeast(min), Some(f)) if !matches!(f.kind(), Kind::List { .. }) => {
                let value = decode_with(f.kind(), min, |_| None);
                Some(value.to_string())
            }
            _ => None,
        };
        Origin::Requirement {
            feature: feature.map(|f| f.key().to_owned()).unwrap_or_default(),
            at_least,
        }
    }

    /// Packs a user's levels: the base row, with every feature a layer changed written over it.
    fn pack(&self, scratch: &Scratch, words: &mut [u64]) {
        words.copy_from_slice(&self.base_words);
        self.layout.patch(&scratch.levels, &scratch.touched, words);
    }

    /// The pipeline, once for plain resolution and tracing alike.
    ///
    /// O(F + S + E log E) per user for F touched features, S template values reaching the user
    /// and E list entries merged; the gate's requirement chain once.
    fn run<O: Observer>(
        &self,
        user: &UserRanges,
        combos: &mut Combos<'_>,
        scratch: &mut Scratch,
        o: &mut O,
    ) {
        let Scratch {
            levels,
            acc,
            touched,
            forced_off,
            parts,
            gate_refused,
        } = scratch;
        levels.clear();
        levels.extend_from_slice(&self.base_levels);
        touched.clear();

        if O::ACTIVE {
            let f = o.feature();
            if let Some(p) = self.features.get(f) {
                o.step(Layer::Default, Origin::Catalog, p.default, Effect::Set);
                if let Some(policy) = p.policy {
                    o.step(Layer::Policy, Origin::Tenant, policy, Effect::Set);
                }
            }
        }

        // 3. Templates.
        if O::ACTIVE && user.detached {
            let f = o.feature();
            if let Some(&level) = levels.get(f) {
                o.step(Layer::Template, Origin::Admin, level, Effect::Detached);
            }
        }
        if !user.detached {
            self.merge_templates(user, combos, (acc, touched, parts), o);
            for &f in touched.iter() {
                if let (Some(level), Some(slot)) = (levels.get_mut(f), acc.get(f)) {
                    *level = slot.level;
                }
            }
        }
        o.templates_applied(levels, touched);

        // 4. Overrides.
        for &(f, override_level) in self.index.override_levels(user) {
            let Some(p) = self.features.get(f) else {
                continue;
            };
            if O::ACTIVE && o.feature() == f {
                let effect = if p.locked {
                    Effect::IgnoredLocked
                } else {
                    Effect::Set
                };
                o.step(Layer::Override, Origin::Admin, override_level, effect);
            }
            if p.locked {
                continue;
            }
            if let Some(level) = levels.get_mut(f) {
                *level = override_level;
                touched.push(f);
            }
        }

        // 5. Ceilings: plan and lock. Untouched features already hold their capped base.
        // Seats will be applied here, after the plan.
        for &f in touched.iter() {
            if let (Some(p), Some(level)) = (self.features.get(f), levels.get_mut(f)) {
                *level = cap(p, *level, combos);
            }
        }
        if O::ACTIVE {
            let f = o.feature();
            if let (Some(p), Some(&after)) = (self.features.get(f), levels.get(f)) {
                if p.locked {
                    o.step(
                        Layer::Ceiling,
                        Origin::Tenant,
                        p.policy.unwrap_or(after),
                        Effect::Locked,
                    );
                }
                let before = if touched.contains(&f) {
                    None
                } else {
                    Some(p.policy.unwrap_or(p.default))
                };
                let changed = before.is_some_and(|b| b != after) || o.ceiling_changed(after);
                if changed {
                    let plan = Origin::Plan(self.index.plan.id.clone());
                    match p.ceiling {
                        Ceiling::Off => o.step(Layer::Ceiling, plan, after, Effect::NotInPlan),
                        Ceiling::Cap(_) => o.step(Layer::Ceiling, plan, after, Effect::Capped),
                        Ceiling::Open => {}
                    }
                }
            }
        }

        // 6. Self-preferences: only lower, only adjustable and unlocked, only behind the gate.
        let gate_on = !*gate_refused && self.gate_on(levels, combos, forced_off);
        o.ceilings_applied(levels, gate_on, combos);
        for &(f, preference) in self.index.preference_levels(user) {
            let (Some(p), Some(level)) = (self.features.get(f), levels.get_mut(f)) else {
                continue;
            };
            let refused = refusal(p, gate_on);
            let before = *level;
            if refused.is_none() {
                *level = meet(p, before, preference, combos);
                if *level != before {
                    touched.push(f);
                }
            }
            if O::ACTIVE && o.feature() == f {
                let (shown, effect) = match refused {
                    Some(effect) => (preference, effect),
                    None if *level != before => (*level, Effect::Lowered),
                    None if preference != before => (preference, Effect::IgnoredRaise),
                    None => (preference, Effect::Set),
                };
                o.step(Layer::Preference, Origin::User, shown, effect);
            }
        }

        // 7. Requirements, in dependency order.
        for &f in &self.requirement_order {
            let (Some(p), Some(&current)) = (self.features.get(f), levels.get(f)) else {
                continue;
            };
            if current == p.off {
                continue;
            }
            let unmet = self.unmet(p, |t| levels.get(t).copied(), combos);
            if let (Some(&(target, need)), Some(level)) = (unmet, levels.get_mut(f)) {
                *level = p.off;
                touched.push(f);
                if O::ACTIVE && o.feature() == f {
                    o.step(
                        Layer::Requirement,
                        self.requirement_origin(target, need),
                        p.off,
                        Effect::RequirementUnmet,
                    );
                }
            }
        }
    }
}

/// The level (or list handle) of a kind's off value.
fn off_level(kind: &Kind) -> i64 {
    match kind {
        Kind::List { .. } => EMPTY_LIST,
        other => other.off().level().unwrap_or_default(),
    }
}

/// Folds one more template's level into the running value of a feature, by its merge rule:
/// the join, the meet, or the lower-ranked source's value. (Unions and intersections of lists
/// are gathered and made at once instead: see `Combos::combine_all`.)
fn fold(p: &Prepared, slot: &mut Acc, level: i64, priority: u32, combos: &mut Combos<'_>) {
    match p.merge {
        MergeRule::MostPermissive => slot.level = join(p, slot.level, level, combos),
        MergeRule::MostRestrictive => slot.level = meet(p, slot.level, level, combos),
        MergeRule::Ranked if priority < slot.priority => {
            slot.level = level;
            slot.priority = priority;
        }
        MergeRule::Ranked => {}
    }
}

/// Why layer 6 ignores a preference on `p`, if it does: not user-adjustable, locked, or the
/// user's self-service gate off.
fn refusal(p: &Prepared, gate_on: bool) -> Option<Effect> {
    if !p.adjustable {
        Some(Effect::IgnoredNotAdjustable)
    } else if p.locked {
        Some(Effect::IgnoredLocked)
    } else if !gate_on {
        Some(Effect::IgnoredGate)
    } else {
        None
    }
}

/// Join in level space: the lattice join of `value.rs`, on levels or list handles.
fn join(p: &Prepared, a: i64, b: i64, combos: &mut Combos<'_>) -> i64 {
    if p.list {
        combos.join(a, b)
    } else {
        join_levels(a, b)
    }
}

/// Meet in level space.
fn meet(p: &Prepared, a: i64, b: i64, combos: &mut Combos<'_>) -> i64 {
    if p.list {
        combos.meet(a, b)
    } else {
        meet_levels(a, b)
    }
}

/// Layer 5: the plan's ceiling, and the lock (a locked feature keeps the policy value; the
/// plan still applies on top, since a lock cannot grant what was not bought).
fn cap(p: &Prepared, level: i64, combos: &mut Combos<'_>) -> i64 {
    let level = match (p.locked, p.policy) {
        (true, Some(policy)) => policy,
        _ => level,
    };
    plan_cap(p, level, combos)
}

/// The plan's part of layer 5 alone: what the plan leaves of `level`.
fn plan_cap(p: &Prepared, level: i64, combos: &mut Combos<'_>) -> i64 {
    match p.ceiling {
        Ceiling::Open => level,
        Ceiling::Off => p.off,
        Ceiling::Cap(c) => meet(p, level, c, combos),
    }
}

/// Watches the pipeline. Plain resolution uses [`Silent`], whose calls compile to nothing.
trait Observer {
    /// Whether anything is recorded; `false` removes every observer call.
    const ACTIVE: bool;
    /// The feature being traced.
    fn feature(&self) -> usize;
    /// One step of the traced feature.
    fn step(&mut self, layer: Layer, origin: Origin, level: i64, effect: Effect);
    /// One template's value for the traced feature: the template that set it, and the
    /// user's template that inherits it when that is another one.
    fn candidate(
        &mut self,
        template: crate::model::TemplateId,
        inherited_by: Option<crate::model::TemplateId>,
        source: Option<UnitIx>,
        level: i64,
        priority: u32,
        locked: bool,
    );
    /// The template layer's result for the traced feature.
    fn templates_done(&mut self, rule: MergeRule, level: i64, winner: u32);
    /// Whether the ceiling moved the value the template or override layer left.
    fn ceiling_changed(&self, after: i64) -> bool;
    /// Layers 1–3 are done: `levels` holds every feature's value so far (the templates'
    /// merge for the features in `touched`, the capped base for the others).
    fn templates_applied(&mut self, _levels: &[i64], _touched: &[usize]) {}
    /// Layer 5 is done (seats aside); `gate_on` is the user's self-service gate for layer 6.
    fn ceilings_applied(&mut self, _levels: &[i64], _gate_on: bool, _combos: &mut Combos<'_>) {}
}

/// Records nothing.
struct Silent;

impl Observer for Silent {
    const ACTIVE: bool = false;
    fn feature(&self) -> usize {
        usize::MAX
    }
    fn step(&mut self, _: Layer, _: Origin, _: i64, _: Effect) {}
    fn candidate(
        &mut self,
        _: crate::model::TemplateId,
        _: Option<crate::model::TemplateId>,
        _: Option<UnitIx>,
        _: i64,
        _: u32,
        _: bool,
    ) {
    }
    fn templates_done(&mut self, _: MergeRule, _: i64, _: u32) {}
    fn ceiling_changed(&self, _: i64) -> bool {
        false
    }
}

/// The effective entitlements of every user of a tenant, packed.
///
/// Serialises as an ordered map `user id -> {feature key -> value}`, users in id order and
/// features in catalog order.
#[derive(Debug, Clone)]
pub struct ResolvedTenant<'i> {
    index: IndexRef<'i>,
    table: Table,
}

impl<'i> ResolvedTenant<'i> {
    /// The number of users.
    pub fn len(&self) -> usize {
        self.index.users.len()
    }

    /// Whether the tenant has no users.
    pub fn is_empty(&self) -> bool {
        self.index.users.is_empty()
    }

    /// The entitlements of a user, by id or handle.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] if the tenant has no such user.
    pub fn user(&self, user: impl EntityRef<UserIx>) -> Result<Entitlements, LookupError> {
        user.find(&self.index)
            .and_then(|ix| self.row(ix))
            .ok_or_else(|| LookupError::UnknownUser(user.describe()))
    }

    fn row(&self, user: UserIx) -> Option<Entitlements> {
        self.table.entitlements(user.index())
    }

    /// Every user with their entitlements, in id order.
    pub fn iter(&self) -> Users<'_, 'i> {
        Users {
            tenant: self,
            next: 0,
        }
    }

    /// Bytes of packed state per user (the shared list table not counted).
    pub fn bytes_per_user(&self) -> usize {
        self.table.width.saturating_mul(std::mem::size_of::<u64>())
    }
}

/// The effective entitlements of the users of one range of positions, packed: see
/// [`Resolver::part`].
///
/// Serialises as an ordered map `user id -> {feature key -> value}`, users in id order.
#[derive(Debug, Clone)]
pub struct ResolvedPart<'i> {
    index: IndexRef<'i>,
    start: usize,
    len: usize,
    table: Table,
}

impl ResolvedPart<'_> {
    /// The positions of the users of this part.
    pub fn users(&self) -> std::ops::Range<usize> {
        self.start..self.start.saturating_add(self.len())
    }

    /// The number of users.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the part has no users.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entitlements of a user of this part, by id or handle.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] if the user is not in this part.
    pub fn user(&self, user: impl EntityRef<UserIx>) -> Result<Entitlements, LookupError> {
        user.find(&self.index)
            .and_then(|ix| ix.index().checked_sub(self.start))
            .and_then(|row| self.table.entitlements(row))
            .ok_or_else(|| LookupError::UnknownUser(user.describe()))
    }

    /// Every user of the part with their entitlements, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&crate::model::UserId, Entitlements)> + '_ {
        let users = self.index.users.get(self.users()).unwrap_or_default();
        users
            .iter()
            .enumerate()
            .filter_map(|(row, user)| Some((&user.id, self.table.entitlements(row)?)))
    }
}

/// Rows as an ordered map `id -> {feature key -> value}`, in the order given.
fn serialize_rows<'r, S: Serializer, Id: Serialize + 'r>(
    serializer: S,
    len: usize,
    rows: impl Iterator<Item = (&'r Id, Entitlements)>,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(len))?;
    for (id, entitlements) in rows {
        map.serialize_entry(id, &entitlements)?;
    }
    map.end()
}

impl Serialize for ResolvedPart<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_rows(serializer, self.len(), self.iter())
    }
}

/// The effective entitlements of every registered device of a tenant, packed: see
/// [`Resolver::devices`].
///
/// Serialises as an ordered map `device id -> {feature key -> value}`, devices in id order and
/// features in catalog order.
#[derive(Debug, Clone)]
pub struct ResolvedDevices<'i> {
    index: IndexRef<'i>,
    table: Table,
}

impl<'i> ResolvedDevices<'i> {
    /// The number of devices.
    pub fn len(&self) -> usize {
        self.index.devices.len()
    }

    /// Whether the tenant has no devices.
    pub fn is_empty(&self) -> bool {
        self.index.devices.is_empty()
    }

    /// The entitlements of a device, by id or handle.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownDevice`] if the tenant has no such device.
    pub fn device(&self, device: impl EntityRef<DeviceIx>) -> Result<Entitlements, LookupError> {
        device
            .find(&self.index)
            .and_then(|ix| self.row(ix.index()))
            .ok_or_else(|| LookupError::UnknownDevice(device.describe()))
    }

    fn row(&self, device: usize) -> Option<Entitlements> {
        self.table.entitlements(device)
    }

    /// Every device with its entitlements, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&crate::model::DeviceId, Entitlements)> + '_ {
        let index: &TenantIndex = &self.index;
        index
            .devices
            .iter()
            .enumerate()
            .filter_map(move |(d, entry)| Some((&entry.id, self.row(d)?)))
    }
}

/// The packed rows of a resolved tenant or of its devices, for comparing two resolutions.
pub(crate) struct Packed<'a> {
    /// Each row's id, in order (ids sorted by bytes).
    pub(crate) ids: Vec<&'a str>,
    pub(crate) layout: &'a Layout,
    pub(crate) lists: &'a ListPool,
    pub(crate) width: usize,
    pub(crate) words: &'a [u64],
}

impl Packed<'_> {
    /// The packed words of row `row`.
    pub(crate) fn row(&self, row: usize) -> Option<&[u64]> {
        let start = row.checked_mul(self.width)?;
        self.words.get(start..start.checked_add(self.width)?)
    }

    /// The level of feature `f` in row `row`.
    pub(crate) fn level(&self, row: usize, f: usize) -> Option<i64> {
        let start = row.checked_mul(self.width)?;
        let words = self.words.get(start..start.checked_add(self.width)?)?;
        self.layout.load(words, f)
    }
}

/// Packed rows of entitlements (of users, or of devices) with the lists they refer to.
#[derive(Debug, Clone)]
struct Table {
    layout: Arc<Layout>,
    lists: ListPool,
    width: usize,
    words: Vec<u64>,
}

impl Table {
    /// The entitlements of row `row`.
    fn entitlements(&self, row: usize) -> Option<Entitlements> {
        let start = row.checked_mul(self.width)?;
        let words = self.words.get(start..start.checked_add(self.width)?)?;
        Some(Entitlements::new(
            Arc::clone(&self.layout),
            self.lists.clone(),
            Words::from_slice(words),
        ))
    }

    /// The rows, named by `ids`, for comparing.
    fn packed<'a>(&'a self, ids: Vec<&'a str>) -> Packed<'a> {
        Packed {
            ids,
            layout: &self.layout,
            lists: &self.lists,
            width: self.width,
            words: &self.words,
        }
    }
}

/// The rows of some users or devices, resolved on their own (for a diff limited to them).
pub(crate) struct Rows<'r> {
    ids: Vec<&'r str>,
    table: Table,
}

impl Rows<'_> {
    pub(crate) fn packed(&self) -> Packed<'_> {
        self.table.packed(self.ids.clone())
    }
}

impl Resolver<'_> {
    /// A table of packed rows, with the lists this resolution built.
    fn table(&self, combos: Combos<'_>, width: usize, words: Vec<u64>) -> Table {
        Table {
            layout: Arc::clone(&self.layout),
            lists: combos.into_pool(&self.no_lists),
            width,
            words,
        }
    }
}

impl Resolver<'_> {
    /// The rows of `users` (sorted, so that their ids are), each resolved as
    /// [`Resolver::user`] does, and the rows of their devices (in device-id order), each user
    /// resolved once for all of their devices. O(n + D) for n users and D devices.
    pub(crate) fn user_and_device_rows(&self, users: &[UserIx]) -> (Rows<'_>, Rows<'_>) {
        let width = self.layout.words();
        let index: &TenantIndex = &self.index;
        // The users' devices, by owner (users are sorted, and so is the index's list).
        let devices: Vec<(UserIx, usize)> = users
            .iter()
            .flat_map(|&u| index.devices_of(u).map(move |d| (u, d.index())))
            .collect();
        let mut user_words = vec![0u64; users.len().saturating_mul(width)];
        let mut user_ids = Vec::with_capacity(users.len());
        // Device rows in owner order first, then put in device-id order.
        let mut device_rows: Vec<(usize, Vec<u64>)> = Vec::with_capacity(devices.len());
        let mut combos = Combos::new(&self.table);
        let mut scratch = Scratch::new(self.features.len());
        let mut device_scratch = Scratch::new(self.features.len());
        let mut next_device = 0usize;
        for (&ix, row) in users.iter().zip(user_words.chunks_mut(width.max(1))) {
            let (Some(ranges), Some(user)) =
                (index.ranges.get(ix.index()), index.users.get(ix.index()))
            else {
                continue;
            };
            self.run_user(ix, ranges, &mut combos, &mut scratch, &mut Silent);
            self.pack(&scratch, row);
            user_ids.push(user.id.as_str());
            while let Some(&(owner, d)) = devices.get(next_device) {
                if owner > ix {
                    break;
                }
                next_device = next_device.saturating_add(1);
                let Some(entry) = index.devices.get(d).filter(|_| owner == ix) else {
                    continue;
                };
                let mut words = vec![0u64; width];
                self.pack_device(entry, &scratch, &mut device_scratch, &combos, &mut words);
                device_rows.push((d, words));
            }
        }
        device_rows.sort_unstable_by_key(|(d, _)| *d);
        let device_ids = device_rows
            .iter()
            .filter_map(|(d, _)| index.devices.get(*d).map(|e| e.id.as_str()))
            .collect();
        let device_words = device_rows.into_iter().flat_map(|(_, w)| w).collect();
        let users = self.table(combos, width, user_words);
        let devices = Table {
            layout: Arc::clone(&users.layout),
            lists: users.lists.clone(),
            width,
            words: device_words,
        };
        (
            Rows {
                ids: user_ids,
                table: users,
            },
            Rows {
                ids: device_ids,
                table: devices,
            },
        )
    }
}

impl ResolvedTenant<'_> {
    pub(crate) fn packed(&self) -> Packed<'_> {
        let index: &TenantIndex = &self.index;
        self.table
            .packed(index.users.iter().map(|u| u.id.as_str()).collect())
    }
}

impl ResolvedDevices<'_> {
    pub(crate) fn packed(&self) -> Packed<'_> {
        let index: &TenantIndex = &self.index;
        self.table
            .packed(index.devices.iter().map(|d| d.id.as_str()).collect())
    }
}

impl Serialize for ResolvedDevices<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_rows(serializer, self.len(), self.iter())
    }
}

/// The users of a [`ResolvedTenant`] with their entitlements, in id order.
#[derive(Debug, Clone)]
pub struct Users<'r, 'i> {
    tenant: &'r ResolvedTenant<'i>,
    next: usize,
}

impl<'r> Iterator for Users<'r, '_> {
    type Item = (&'r crate::model::UserId, Entitlements);
    fn next(&mut self) -> Option<Self::Item> {
        let index: &'r TenantIndex = &self.tenant.index;
        let user = index.users.get(self.next)?;
        let ix = UserIx(u32::try_from(self.next).ok()?);
        self.next = self.next.saturating_add(1);
        Some((&user.id, self.tenant.row(ix)?))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.tenant.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Users<'_, '_> {}

impl<'r, 'i> IntoIterator for &'r ResolvedTenant<'i> {
    type Item = (&'r crate::model::UserId, Entitlements);
    type IntoIter = Users<'r, 'i>;
    fn into_iter(self) -> Users<'r, 'i> {
        self.iter()
    }
}

impl Serialize for ResolvedTenant<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_rows(serializer, self.len(), self.iter())
    }
}
