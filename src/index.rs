//! The validated tenant: ids interned into dense handles, values typed, templates flattened.
//!
//! A [`TenantIndex`] only comes out of [`validate`](crate::validate()), so everything in it is
//! known to be consistent: every reference resolves, every value fits its feature, template
//! parents form no cycle and endpoints never overlap. Entities are stored sorted by id, so the
//! order in which a document listed them never shows in any result.

use crate::catalog::{Catalog, FeatureId};
use crate::device::{AppVersion, Platform};
use crate::endpoints::Endpoints;
use crate::model::{
    DepartmentId, DeviceId, EndpointKind, GroupId, Number, PlanId, RoleId, TemplateId, TenantId,
    UserId,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::value::{ListValue, Value};

macro_rules! handles {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub(crate) u32);

        impl $name {
            /// The position in the index's id order.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

handles! {
    /// A dense handle for a template of one index.
    TemplateIx;
    /// A dense handle for a department of one index.
    DepartmentIx;
    /// A dense handle for a role of one index.
    RoleIx;
    /// A dense handle for a group of one index.
    GroupIx;
    /// A dense handle for a user of one index.
    UserIx;
    /// A dense handle for a device of one index.
    DeviceIx;
}

/// Something that names an entity of a [`TenantIndex`]: its handle (fastest: no search) or
/// its id (`"alice"`, a `&UserId`, a `String`). Every call that takes a user, department,
/// role, template, group or device takes either. Sealed.
///
/// ```
/// use pbx_entitlements::{model::{Plan, Tenant, User}, validate, Resolver};
///
/// let mut tenant = Tenant::new("acme", Plan::all("business"));
/// tenant.users.push(User::new("alice"));
/// let index = validate(&tenant)?;
/// let resolver = Resolver::new(&index);
///
/// let by_id = resolver.user("alice")?;
/// let alice = index.user_ix("alice").unwrap();       // look the id up once…
/// let by_handle = resolver.user(alice)?;             // …then skip the search
/// assert_eq!(by_id, by_handle);
/// assert_eq!(index.user(alice).unwrap().id().as_str(), "alice");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait EntityRef<H>: crate::sealed::Sealed {
    /// The entity's handle in `index`, if it has one.
    fn find(&self, index: &TenantIndex) -> Option<H>;

    /// The id or handle as text, for error messages.
    #[doc(hidden)]
    fn describe(&self) -> String;
}

macro_rules! entity_refs {
    ($($ix:ident, $id:ty, $lookup:ident, $field:ident;)*) => {$(
        impl crate::sealed::Sealed for $ix {}
        impl EntityRef<$ix> for $ix {
            fn find(&self, index: &TenantIndex) -> Option<$ix> {
                (self.index() < index.$field.len()).then_some(*self)
            }
            fn describe(&self) -> String {
                format!("#{}", self.0)
            }
        }
        impl crate::sealed::Sealed for &$id {}
        impl EntityRef<$ix> for &$id {
            fn find(&self, index: &TenantIndex) -> Option<$ix> {
                index.$lookup(self.as_str())
            }
            fn describe(&self) -> String {
                self.as_str().to_owned()
            }
        }
        impl EntityRef<$ix> for &str {
            fn find(&self, index: &TenantIndex) -> Option<$ix> {
                index.$lookup(self)
            }
            fn describe(&self) -> String {
                (*self).to_owned()
            }
        }
        impl EntityRef<$ix> for String {
            fn find(&self, index: &TenantIndex) -> Option<$ix> {
                index.$lookup(self)
            }
            fn describe(&self) -> String {
                self.clone()
            }
        }
        impl EntityRef<$ix> for &String {
            fn find(&self, index: &TenantIndex) -> Option<$ix> {
                index.$lookup(self)
            }
            fn describe(&self) -> String {
                (*self).clone()
            }
        }
    )*};
}

entity_refs! {
    TemplateIx, TemplateId, template_ix, templates;
    DepartmentIx, DepartmentId, department_ix, departments;
    RoleIx, RoleId, role_ix, roles;
    GroupIx, GroupId, group_ix, groups;
    UserIx, UserId, user_ix, users;
    DeviceIx, DeviceId, device_ix, devices;
}

/// A typed value together with its compact form for resolution: the value's
/// [level](Value::level) for scalar kinds, its handle in the index's list table for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// Shared, so templates inheriting a value through a parent chain do not copy it.
    pub(crate) value: Arc<Value>,
    pub(crate) level: i64,
}

impl Setting {
    /// The typed value.
    pub fn value(&self) -> &Value {
        &self.value
    }
}

/// Feature values of one source, sorted by feature id, at most one per feature.
pub type Assignments = Vec<(FeatureId, Setting)>;

/// A tenant-wide value and whether it is locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySlot {
    pub(crate) setting: Setting,
    pub(crate) locked: bool,
}

impl PolicySlot {
    /// The tenant value.
    pub fn value(&self) -> &Value {
        &self.setting.value
    }
    /// Whether lower layers are ignored.
    pub fn locked(&self) -> bool {
        self.locked
    }
}

/// Every list value of a tenant, each stored once, addressed by a dense handle.
///
/// Resolution combines lists by handle and only builds a new set when neither operand
/// contains the other, so most users share the lists of their templates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ListTable {
    values: Vec<ListValue>,
    /// Handles by the list's FNV-1a hash: a lookup index, never iterated. Equal lists have equal
    /// hashes; the few that collide are told apart by comparing the lists.
    by_hash: BTreeMap<u64, Vec<u32>>,
}

/// A total order on lists, for interning and canonical numbering: `Any` first (as `None`),
/// then sets in set order.
pub(crate) fn list_key(list: &ListValue) -> Option<&BTreeSet<String>> {
    match list {
        ListValue::Any => None,
        ListValue::Only(items) => Some(items),
    }
}

/// The fixed hash lists are interned by.
pub(crate) fn list_hash(list: &ListValue) -> u64 {
    crate::fnv::hash_of(&list_key(list))
}

/// The handle of the empty list in every index's table.
pub(crate) const EMPTY_LIST: i64 = 0;

impl ListTable {
    /// A table holding the empty list (handle [`EMPTY_LIST`]) and `Any`.
    pub(crate) fn with_bounds() -> ListTable {
        let mut table = ListTable::default();
        table.intern(&ListValue::empty());
        table.intern(&ListValue::Any);
        table
    }

    /// The handle of `list`, adding it if it is new. O(size of the list) plus O(log n).
    pub(crate) fn intern(&mut self, list: &ListValue) -> i64 {
        let hash = list_hash(list);
        if let Some(h) = self.find_hashed(list, hash) {
            return h;
        }
        let h = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        self.values.push(list.clone());
        self.by_hash.entry(hash).or_default().push(h);
        i64::from(h)
    }

    fn find_hashed(&self, list: &ListValue, hash: u64) -> Option<i64> {
        self.by_hash
            .get(&hash)?
            .iter()
            .find(|&&h| self.values.get(h as usize) == Some(list))
            .map(|&h| i64::from(h))
    }

    pub(crate) fn values(&self) -> &[ListValue] {
        &self.values
    }
}

/// The plan, per feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanCeiling {
    pub(crate) id: PlanId,
    pub(crate) available: Vec<bool>,
    pub(crate) caps: Vec<Option<Setting>>,
    pub(crate) seats: Vec<Option<u32>>,
    pub(crate) enforce_seats: bool,
}

impl PlanCeiling {
    /// The plan's id.
    pub fn id(&self) -> &PlanId {
        &self.id
    }
    /// Whether the plan includes the feature.
    pub fn available(&self, feature: FeatureId) -> bool {
        self.available
            .get(feature.index())
            .copied()
            .unwrap_or(false)
    }
    /// The plan's cap for a limit, choice or list feature: its maximum, highest option or
    /// universe.
    pub fn cap(&self, feature: FeatureId) -> Option<&Value> {
        self.cap_setting(feature).map(Setting::value)
    }
    pub(crate) fn cap_setting(&self, feature: FeatureId) -> Option<&Setting> {
        self.caps.get(feature.index()).and_then(Option::as_ref)
    }
    /// Seats bought for a seat-licensed feature.
    pub fn seats(&self, feature: FeatureId) -> Option<u32> {
        self.seats.get(feature.index()).copied().flatten()
    }
    /// Whether seat counts are enforced.
    pub fn enforce_seats(&self) -> bool {
        self.enforce_seats
    }
}

/// A template with its parent chain flattened: child entries win.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledTemplate {
    pub(crate) id: TemplateId,
    pub(crate) parent: Option<TemplateIx>,
    pub(crate) values: Assignments,
    /// For each of `values`, the template of the parent chain that set it (this one or an
    /// ancestor).
    pub(crate) origins: Vec<TemplateIx>,
}

impl CompiledTemplate {
    /// The template's id.
    pub fn id(&self) -> &TemplateId {
        &self.id
    }
    /// The template it extends.
    pub fn parent(&self) -> Option<TemplateIx> {
        self.parent
    }
    /// Its values after applying the parent chain, sorted by feature.
    pub fn values(&self) -> &[(FeatureId, Setting)] {
        &self.values
    }
    /// The template of the parent chain that set a feature's value: this template, or the
    /// ancestor it inherits the value from. `None` if the chain does not set the feature.
    pub fn origin(&self, feature: FeatureId) -> Option<TemplateIx> {
        let at = self
            .values
            .binary_search_by_key(&feature, |(f, _)| *f)
            .ok()?;
        self.origins.get(at).copied()
    }
}

/// A department or role: a template source with a rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit<Id> {
    pub(crate) id: Id,
    pub(crate) template: Option<TemplateIx>,
    pub(crate) rank: i32,
}

impl<Id> Unit<Id> {
    /// The unit's id.
    pub fn id(&self) -> &Id {
        &self.id
    }
    /// Its template.
    pub fn template(&self) -> Option<TemplateIx> {
        self.template
    }
    /// Its rank: lower wins for `Ranked` features.
    pub fn rank(&self) -> i32 {
        self.rank
    }
}

/// The validated reach of a role's delegated administration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// The whole tenant.
    Tenant,
    /// Users of these departments and roles.
    Units {
        /// The departments.
        departments: Vec<DepartmentIx>,
        /// The roles.
        roles: Vec<RoleIx>,
    },
}

/// A role: a unit that may also carry an administrative scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleEntry {
    pub(crate) unit: Unit<RoleId>,
    pub(crate) administers: Option<Scope>,
}

impl RoleEntry {
    /// The role as a template source.
    pub fn unit(&self) -> &Unit<RoleId> {
        &self.unit
    }
    /// Whom its holders may administer.
    pub fn administers(&self) -> Option<&Scope> {
        self.administers.as_ref()
    }
}

/// A group with its members resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEntry {
    pub(crate) id: GroupId,
    pub(crate) number: Option<String>,
    pub(crate) members: Vec<UserIx>,
}

impl GroupEntry {
    /// The group's id.
    pub fn id(&self) -> &GroupId {
        &self.id
    }
    /// Its extension number.
    pub fn number(&self) -> Option<&str> {
        self.number.as_deref()
    }
    /// Its members, in id order.
    pub fn members(&self) -> &[UserIx] {
        &self.members
    }
}

/// An endpoint held during `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// Extension or agent id.
    pub kind: EndpointKind,
    /// The number or agent id.
    pub id: String,
    /// Whether it is the user's primary endpoint.
    pub primary: bool,
    /// Start, inclusive.
    pub from: i64,
    /// End, exclusive; `None` while still assigned.
    pub to: Option<i64>,
}

impl Endpoint {
    /// Whether the assignment holds at instant `t`.
    pub fn holds_at(&self, t: i64) -> bool {
        self.from <= t && self.to.is_none_or(|to| t < to)
    }
}

/// One template a user reaches through a department or role, in resolution-ready form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SourceRef {
    pub(crate) template: TemplateIx,
    /// Position of the department or role in (rank, id, departments before roles) order:
    /// lower wins a `Ranked` merge. Also names the unit: see [`TenantIndex::unit_at`].
    pub(crate) priority: u32,
}

/// A department or a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitIx {
    Department(DepartmentIx),
    Role(RoleIx),
}

impl UnitIx {
    pub(crate) fn is_role(self) -> bool {
        matches!(self, UnitIx::Role(_))
    }
}

/// What resolution reads of one user, dense and small so that resolving users in order reads
/// memory in order: ranges into the index's flat arrays, and the detached flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct UserRanges {
    /// The user's template sources in [`TenantIndex::sources`]: departments then roles.
    pub(crate) sources: (u32, u32),
    /// The user's overrides in [`TenantIndex::levels`].
    pub(crate) overrides: (u32, u32),
    /// The user's preferences in [`TenantIndex::levels`].
    pub(crate) preferences: (u32, u32),
    pub(crate) detached: bool,
}

/// A validated user.
///
/// Kept small (a million-user tenant holds a million of these): what most users have is
/// inline, what few have (a display name, overrides, preferences, DEE members) sits behind one
/// optional box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntry {
    pub(crate) id: UserId,
    pub(crate) departments: Box<[DepartmentIx]>,
    pub(crate) roles: Box<[RoleIx]>,
    pub(crate) endpoints: Box<[Endpoint]>,
    pub(crate) detached: bool,
    pub(crate) extra: Option<Box<UserExtra>>,
}

/// The parts of a user most users leave empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct UserExtra {
    pub(crate) name: Option<String>,
    pub(crate) overrides: Assignments,
    pub(crate) preferences: Assignments,
    pub(crate) dee: Vec<String>,
}

impl UserExtra {
    /// The box, or `None` when every part is empty.
    pub(crate) fn boxed(self) -> Option<Box<UserExtra>> {
        let empty = self.name.is_none()
            && self.overrides.is_empty()
            && self.preferences.is_empty()
            && self.dee.is_empty();
        (!empty).then(|| Box::new(self))
    }
}

impl UserEntry {
    /// The user's id.
    pub fn id(&self) -> &UserId {
        &self.id
    }
    /// The display name, if any.
    pub fn name(&self) -> Option<&str> {
        self.extra.as_ref()?.name.as_deref()
    }
    /// Departments, in id order, without repeats.
    pub fn departments(&self) -> &[DepartmentIx] {
        &self.departments
    }
    /// Roles, in id order, without repeats.
    pub fn roles(&self) -> &[RoleIx] {
        &self.roles
    }
    /// Admin overrides, sorted by feature.
    pub fn overrides(&self) -> &[(FeatureId, Setting)] {
        self.extra.as_ref().map_or(&[], |e| &e.overrides)
    }
    /// Self-preferences, sorted by feature.
    pub fn preferences(&self) -> &[(FeatureId, Setting)] {
        self.extra.as_ref().map_or(&[], |e| &e.preferences)
    }
    /// Whether templates no longer reach the user.
    pub fn detached(&self) -> bool {
        self.detached
    }
    /// Endpoint assignments, sorted by kind, id and start.
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }
    /// Dynamic-extension members.
    pub fn dee(&self) -> &[String] {
        self.extra.as_ref().map_or(&[], |e| &e.dee)
    }
}

/// A validated device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceEntry {
    pub(crate) id: DeviceId,
    pub(crate) owner: UserIx,
    pub(crate) platform: Platform,
    /// Shared by every device of one app: a tenant has few apps and many devices.
    pub(crate) app_id: Arc<str>,
    pub(crate) version: AppVersion,
    /// When it last registered, if `seen` (kept apart: `Option<i64>` takes 16 bytes).
    pub(crate) last_seen: i64,
    pub(crate) seen: bool,
}

impl DeviceEntry {
    /// The device's id.
    pub fn id(&self) -> &DeviceId {
        &self.id
    }
    /// Its owner.
    pub fn owner(&self) -> UserIx {
        self.owner
    }
    /// Its platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }
    /// The app's id.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }
    /// The app's version.
    pub fn version(&self) -> AppVersion {
        self.version
    }
    /// When it last registered.
    pub fn last_seen(&self) -> Option<i64> {
        self.seen.then_some(self.last_seen)
    }
}

/// A validated tenant, ready for resolution. Built only by [`validate`](crate::validate()).
///
/// ```
/// use pbx_entitlements::{model::{Plan, Tenant, User}, validate};
///
/// let mut tenant = Tenant::new("acme", Plan::all("business"));
/// tenant.users.push(User::new("bob"));
/// tenant.users.push(User::new("alice"));
/// let index = validate(&tenant).unwrap();
/// // Users come out in id order, whatever the document order.
/// let ids: Vec<&str> = index.users().iter().map(|u| u.id().as_str()).collect();
/// assert_eq!(ids, ["alice", "bob"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantIndex {
    pub(crate) tenant: TenantId,
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) defaults: Vec<Setting>,
    pub(crate) lists: ListTable,
    pub(crate) home_country_code: Option<String>,
    pub(crate) emergency_numbers: Vec<String>,
    pub(crate) numbers: Vec<Number>,
    /// The dial plan's prefixes, each with its class.
    pub(crate) dial_plan: Vec<crate::dial::DialPrefix>,
    pub(crate) plan: PlanCeiling,
    pub(crate) policy: Vec<Option<PolicySlot>>,
    pub(crate) templates: Vec<CompiledTemplate>,
    pub(crate) departments: Vec<Unit<DepartmentId>>,
    pub(crate) roles: Vec<RoleEntry>,
    pub(crate) groups: Vec<GroupEntry>,
    pub(crate) users: Vec<UserEntry>,
    /// Each user's position by id: the lookup behind every call that names a user by id.
    pub(crate) user_positions: crate::fnv::Positions,
    /// Each device's position by id.
    pub(crate) device_positions: crate::fnv::BarePositions,
    /// Who held which extension and agent id when.
    pub(crate) endpoints: Endpoints,
    pub(crate) sources: Vec<SourceRef>,
    /// Every department and role by priority: the unit a [`SourceRef`] comes through.
    pub(crate) units_by_priority: Vec<UnitIx>,
    /// Each user's [`UserRanges`], in user order.
    pub(crate) ranges: Vec<UserRanges>,
    /// Every user's overrides and preferences as (feature index, level), user after user.
    pub(crate) levels: Vec<(usize, i64)>,
    pub(crate) devices: Vec<DeviceEntry>,
    /// Every device by owner: (owner, device), sorted.
    pub(crate) owned_devices: Vec<(UserIx, DeviceIx)>,
}

/// Binary search of an id-sorted slice.
fn find<'a, T>(items: &'a [T], id: &str, key: impl Fn(&'a T) -> &'a str) -> Option<usize> {
    items.binary_search_by(|item| key(item).cmp(id)).ok()
}

/// A dense handle from a position. Validation rejects collections larger than `u32::MAX`, so
/// this never saturates.
pub(crate) fn handle(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl TenantIndex {
    /// The tenant's id.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }
    /// The catalog the tenant was validated against.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }
    /// The template sources of a user, in resolution order.
    pub(crate) fn sources_of(&self, user: &UserRanges) -> &[SourceRef] {
        let (start, end) = user.sources;
        self.sources
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// The department or role a template source comes through.
    pub(crate) fn unit_at(&self, source: SourceRef) -> Option<UnitIx> {
        self.units_by_priority
            .get(source.priority as usize)
            .copied()
    }

    /// A user's overrides as (feature index, level), in feature order.
    pub(crate) fn override_levels(&self, user: &UserRanges) -> &[(usize, i64)] {
        let (start, end) = user.overrides;
        self.levels
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// A user's preferences as (feature index, level), in feature order.
    pub(crate) fn preference_levels(&self, user: &UserRanges) -> &[(usize, i64)] {
        let (start, end) = user.preferences;
        self.levels
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// The catalog default of each feature, in catalog order, in compact form.
    pub(crate) fn default_setting(&self, feature: FeatureId) -> Option<&Setting> {
        self.defaults.get(feature.index())
    }
    /// The plan, per feature.
    pub fn plan(&self) -> &PlanCeiling {
        &self.plan
    }
    /// The tenant policy entry for a feature.
    pub fn policy(&self, feature: FeatureId) -> Option<&PolicySlot> {
        self.policy.get(feature.index()).and_then(Option::as_ref)
    }
    /// The home country code.
    pub fn home_country_code(&self) -> Option<&str> {
        self.home_country_code.as_deref()
    }
    /// Emergency numbers, sorted.
    pub fn emergency_numbers(&self) -> &[String] {
        &self.emergency_numbers
    }
    /// The tenant's numbers, sorted by number.
    pub fn numbers(&self) -> &[Number] {
        &self.numbers
    }

    /// Templates, in id order.
    pub fn templates(&self) -> &[CompiledTemplate] {
        &self.templates
    }
    /// A template, by handle or id.
    pub fn template(&self, template: impl EntityRef<TemplateIx>) -> Option<&CompiledTemplate> {
        self.templates.get(template.find(self)?.index())
    }
    /// The handle of a template id.
    pub fn template_ix(&self, id: &str) -> Option<TemplateIx> {
        find(&self.templates, id, |t| t.id.as_str()).map(|i| TemplateIx(handle(i)))
    }

    /// Departments, in id order.
    pub fn departments(&self) -> &[Unit<DepartmentId>] {
        &self.departments
    }
    /// A department, by handle or id.
    pub fn department(
        &self,
        department: impl EntityRef<DepartmentIx>,
    ) -> Option<&Unit<DepartmentId>> {
        self.departments.get(department.find(self)?.index())
    }
    /// The handle of a department id.
    pub fn department_ix(&self, id: &str) -> Option<DepartmentIx> {
        find(&self.departments, id, |d| d.id.as_str()).map(|i| DepartmentIx(handle(i)))
    }

    /// Roles, in id order.
    pub fn roles(&self) -> &[RoleEntry] {
        &self.roles
    }
    /// A role, by handle or id.
    pub fn role(&self, role: impl EntityRef<RoleIx>) -> Option<&RoleEntry> {
        self.roles.get(role.find(self)?.index())
    }
    /// The handle of a role id.
    pub fn role_ix(&self, id: &str) -> Option<RoleIx> {
        find(&self.roles, id, |r| r.unit.id.as_str()).map(|i| RoleIx(handle(i)))
    }

    /// Groups, in id order.
    pub fn groups(&self) -> &[GroupEntry] {
        &self.groups
    }
    /// A group, by handle or id.
    pub fn group(&self, group: impl EntityRef<GroupIx>) -> Option<&GroupEntry> {
        self.groups.get(group.find(self)?.index())
    }
    /// The handle of a group id.
    pub fn group_ix(&self, id: &str) -> Option<GroupIx> {
        find(&self.groups, id, |g| g.id.as_str()).map(|i| GroupIx(handle(i)))
    }

    /// Users, in id order.
    pub fn users(&self) -> &[UserEntry] {
        &self.users
    }
    /// A user, by handle or id.
    pub fn user(&self, user: impl EntityRef<UserIx>) -> Option<&UserEntry> {
        self.users.get(user.find(self)?.index())
    }
    /// The handle of a user id.
    ///
    /// O(1) typically: a hash lookup (FNV-1a, fixed, so no result depends on it) and one
    /// comparison with a copy of the id kept beside the hash.
    pub fn user_ix(&self, id: &str) -> Option<UserIx> {
        self.user_positions.find(id).map(|i| UserIx(handle(i)))
    }

    /// Every extension and agent id with who held it when, for attributing calls.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The registered devices as an admin's list: filter by platform, search by extension or
    /// version.
    pub fn device_list(&self) -> crate::device::DeviceList<'_> {
        crate::device::DeviceList::new(self)
    }

    /// The devices a user owns, in device-id order. O(log D + k).
    pub fn devices_of(&self, user: UserIx) -> impl Iterator<Item = DeviceIx> + '_ {
        let start = self
            .owned_devices
            .partition_point(|&(owner, _)| owner < user);
        self.owned_devices
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |&&(owner, _)| owner == user)
            .map(|&(_, device)| device)
    }

    /// The registered devices, in id order.
    pub fn devices(&self) -> &[DeviceEntry] {
        &self.devices
    }
    /// A device, by handle or id.
    pub fn device(&self, device: impl EntityRef<DeviceIx>) -> Option<&DeviceEntry> {
        self.devices.get(device.find(self)?.index())
    }
    /// The handle of a device id.
    pub fn device_ix(&self, id: &str) -> Option<DeviceIx> {
        self.device_positions
            .find(id, |d| self.devices.get(d).map(|d| d.id.as_str()))
            .map(|i| DeviceIx(handle(i)))
    }
}
