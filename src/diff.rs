//! What changed between two resolutions of a tenant: the values a backend pushes to apps (see
//! the [guide](crate::guide::devices)).

use std::cmp::Ordering;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::catalog::Catalog;
use crate::edit::{Affected, Edit};
use crate::entitlements::decode;
use crate::index::{TenantIndex, UserIx};
use crate::model::{DeviceId, UserId};
use crate::resolve::{Packed, ResolvedDevices, ResolvedTenant, Resolver};
use crate::value::{Kind, RawValue};

/// Whose value changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Subject {
    /// A user.
    User(UserId),
    /// A registered device.
    Device(DeviceId),
}

/// One feature of one user or device whose value changed; `old` is `None` for a user or
/// device that only exists after, `new` for one that only existed before.
///
/// Serialises as `{"user": "alice", "feature": "chat", "old": true, "new": false}` (or
/// `"device": "d1"`), values in the interchange shape of the feature's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// The user or device.
    pub subject: Subject,
    /// The feature's key.
    pub feature: String,
    /// The value before.
    pub old: Option<RawValue>,
    /// The value after.
    pub new: Option<RawValue>,
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        match &self.subject {
            Subject::User(id) => map.serialize_entry("user", id)?,
            Subject::Device(id) => map.serialize_entry("device", id)?,
        }
        map.serialize_entry("feature", &self.feature)?;
        map.serialize_entry("old", &self.old)?;
        map.serialize_entry("new", &self.new)?;
        map.end()
    }
}

/// Every value that differs between two resolutions: users first in id byte order, then
/// devices in id byte order, each in catalog order. Users and devices on one side only appear
/// with every feature they have.
///
/// ```
/// use pbx_entitlements::diff::Diff;
/// use pbx_entitlements::model::{Plan, Template, Tenant, User, Department};
/// use pbx_entitlements::{validate, Resolver};
///
/// let mut before = Tenant::new("acme", Plan::all("p"));
/// before.templates.push(Template::new("sales").with_value("chat", true));
/// before.departments.push(Department::new("sales").with_template("sales"));
/// before.users.push(User::new("alice").with_department("sales"));
///
/// // An admin edits the template: chat off, voicemail on.
/// let mut after = before.clone();
/// after.templates[0] = Template::new("sales").with_value("voicemail", true);
///
/// let (b, a) = (validate(&before)?, validate(&after)?);
/// let diff = Diff::between(&Resolver::new(&b), &Resolver::new(&a));
/// assert_eq!(
///     serde_json::to_string(&diff)?,
///     r#"{"changes":[{"user":"alice","feature":"chat","old":true,"new":false},{"user":"alice","feature":"voicemail","old":false,"new":true}]}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Diff {
    /// The changes, in order.
    pub changes: Vec<Change>,
}

impl Diff {
    /// The changes of users and devices between two resolvers' tenants (each resolved whole).
    pub fn between(before: &Resolver<'_>, after: &Resolver<'_>) -> Diff {
        let mut diff = Diff::users(&before.tenant(), &after.tenant());
        diff.changes
            .extend(Diff::devices(&before.devices(), &after.devices()).changes);
        diff
    }

    /// The changes of users between two resolved tenants. O(U · F) for U users and F
    /// features; lists are compared only where their handles differ.
    pub fn users(before: &ResolvedTenant<'_>, after: &ResolvedTenant<'_>) -> Diff {
        let mut changes = Vec::new();
        compare(
            &before.packed(),
            &after.packed(),
            |id| Subject::User(UserId::from(id)),
            &mut changes,
        );
        Diff { changes }
    }

    /// The changes of devices between two resolutions of their tenant's devices.
    pub fn devices(before: &ResolvedDevices<'_>, after: &ResolvedDevices<'_>) -> Diff {
        let mut changes = Vec::new();
        compare(
            &before.packed(),
            &after.packed(),
            |id| Subject::Device(DeviceId::from(id)),
            &mut changes,
        );
        Diff { changes }
    }

    /// The changes an edit makes, re-resolving only the users it can affect and their
    /// devices, with the resolvers of the tenant before and after the edit. Equal to
    /// [`Diff::between`] the two, at the cost of the affected users only (every user for a plan
    /// or policy edit, or when the plan enforces seats).
    ///
    /// ```
    /// use pbx_entitlements::diff::Diff;
    /// use pbx_entitlements::edit::Edit;
    /// use pbx_entitlements::model::{Department, Plan, Template, Tenant, User};
    /// use pbx_entitlements::{validate, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("p"));
    /// tenant.templates.push(Template::new("sales").with_value("chat", true));
    /// tenant.departments.push(Department::new("sales").with_template("sales"));
    /// tenant.departments.push(Department::new("support"));
    /// tenant.users.push(User::new("alice").with_department("sales"));
    /// tenant.users.push(User::new("bob").with_department("support"));
    ///
    /// let edit = Edit::TemplateValues {
    ///     template: "sales".into(),
    ///     values: [("chat".to_owned(), false.into())].into_iter().collect(),
    /// };
    /// let before = validate(&tenant)?;
    /// let after = validate(&edit.apply(&tenant)?)?;
    /// let (b, a) = (Resolver::new(&before), Resolver::new(&after));
    ///
    /// let diff = Diff::after_edit(&b, &a, &edit);       // resolves alice only
    /// assert_eq!(diff, Diff::between(&b, &a));
    /// assert_eq!(diff.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn after_edit(before: &Resolver<'_>, after: &Resolver<'_>, edit: &Edit) -> Diff {
        let (old, new) = (before.index(), after.index());
        let affected = |index: &TenantIndex| match edit.affected(index) {
            Affected::All => None,
            Affected::Users(users) => Some(users),
        };
        let Some(mut old_users) = affected(old) else {
            return Diff::between(before, after);
        };
        // Only a membership edit moves who a template reaches; other edits reach the same
        // users after as before.
        let new_users = match edit {
            Edit::Membership { .. } => match affected(new) {
                Some(users) => users,
                None => return Diff::between(before, after),
            },
            _ => Vec::new(),
        };
        // The same users on both sides, by id: an affected user either side counts. An edit
        // keeps the users, so a user is usually at the same position: checked first.
        let across = |from: &TenantIndex, to: &TenantIndex, u: UserIx| {
            let id = from.user(u)?.id();
            match to.user(u) {
                Some(same) if same.id() == id => Some(u),
                _ => to.user_ix(id.as_str()),
            }
        };
        let mut new_side: Vec<UserIx> = old_users
            .iter()
            .filter_map(|&u| across(old, new, u))
            .chain(new_users.iter().copied())
            .collect();
        old_users.extend(new_users.iter().filter_map(|&u| across(new, old, u)));
        for users in [&mut old_users, &mut new_side] {
            users.sort_unstable();
            users.dedup();
        }
        let (old_rows, old_devices) = before.user_and_device_rows(&old_users);
        let (new_rows, new_devices) = after.user_and_device_rows(&new_side);
        let mut changes = Vec::new();
        compare(
            &old_rows.packed(),
            &new_rows.packed(),
            |id| Subject::User(UserId::from(id)),
            &mut changes,
        );
        compare(
            &old_devices.packed(),
            &new_devices.packed(),
            |id| Subject::Device(DeviceId::from(id)),
            &mut changes,
        );
        Diff { changes }
    }

    /// How many values changed.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// One feature as both sides know it: its key, and its position and kind on each side.
struct Column<'c> {
    key: &'c str,
    before: Option<(usize, &'c Kind)>,
    after: Option<(usize, &'c Kind)>,
    /// Both sides have it, of the same kind: levels compare directly.
    same_kind: bool,
    list: bool,
}

/// The features of both catalogs, by key: before's in its order, then those only after has.
fn columns<'c>(before: &'c Catalog, after: &'c Catalog) -> Vec<Column<'c>> {
    let mut out: Vec<Column<'c>> = before
        .iter()
        .map(|(id, f)| {
            let other = after
                .feature_id(f.key())
                .and_then(|a| Some((a.index(), after.get(a)?.kind())));
            Column {
                key: f.key(),
                before: Some((id.index(), f.kind())),
                same_kind: other.is_some_and(|(_, k)| k == f.kind()),
                list: matches!(f.kind(), Kind::List { .. }),
                after: other,
            }
        })
        .collect();
    out.extend(
        after
            .iter()
            .filter(|(_, f)| before.feature_id(f.key()).is_none())
            .map(|(id, f)| Column {
                key: f.key(),
                before: None,
                after: Some((id.index(), f.kind())),
                same_kind: false,
                list: matches!(f.kind(), Kind::List { .. }),
            }),
    );
    out
}

/// The value of `column` in row `row` of one side, in the interchange shape.
fn rendered(side: &Packed<'_>, row: usize, at: Option<(usize, &Kind)>) -> Option<RawValue> {
    let (f, kind) = at?;
    let level = side.level(row, f)?;
    kind.render(&decode(kind, level, side.lists))
}

/// Whether list handle `h` names equal lists on both sides, remembered per handle: most
/// handles come from the two tenants' interned tables and are compared once.
struct ListsAgree<'a> {
    before: &'a Packed<'a>,
    after: &'a Packed<'a>,
    known: Vec<Option<bool>>,
}

impl ListsAgree<'_> {
    fn same(&mut self, b: i64, a: i64) -> bool {
        let lists = (self.before.lists.get(b), self.after.lists.get(a));
        if b != a {
            return matches!(lists, (Some(x), Some(y)) if x == y);
        }
        let Ok(h) = usize::try_from(b) else {
            return false;
        };
        if let Some(Some(known)) = self.known.get(h) {
            return *known;
        }
        let same = matches!(lists, (Some(x), Some(y)) if std::ptr::eq(x, y) || x == y);
        if h < 1 << 20 {
            if self.known.len() <= h {
                self.known.resize(h.saturating_add(1), None);
            }
            if let Some(slot) = self.known.get_mut(h) {
                *slot = Some(same);
            }
        }
        same
    }
}

/// Whether a feature holds the same value in row `r` before and row `s` after, read without
/// building values: levels compared for a kind both sides share, lists by their entries.
fn same(
    (before, r): (&Packed<'_>, usize),
    (after, s): (&Packed<'_>, usize),
    column: &Column<'_>,
    lists: &mut ListsAgree<'_>,
) -> bool {
    let (Some((fb, _)), Some((fa, _)), true) = (column.before, column.after, column.same_kind)
    else {
        return false;
    };
    let (Some(lb), Some(la)) = (before.level(r, fb), after.level(s, fa)) else {
        return false;
    };
    if column.list {
        lists.same(lb, la)
    } else {
        lb == la
    }
}

/// Appends the changes between two sides, merging their rows by id.
fn compare(
    before: &Packed<'_>,
    after: &Packed<'_>,
    subject: impl Fn(&str) -> Subject,
    out: &mut Vec<Change>,
) {
    let columns = columns(before.layout.catalog(), after.layout.catalog());
    // With one packing on both sides, equal rows hold equal values but for list handles,
    // which each side numbers on its own.
    let (cb, ca) = (before.layout.catalog(), after.layout.catalog());
    let one_layout = (std::sync::Arc::ptr_eq(cb, ca) || cb == ca) && before.width == after.width;
    let list_columns: Vec<&Column<'_>> = columns.iter().filter(|c| c.list).collect();
    let mut lists = ListsAgree {
        before,
        after,
        known: Vec::new(),
    };
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        let (b, a) = (before.ids.get(i), after.ids.get(j));
        let order = match (b, a) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(b), Some(a)) => b.as_bytes().cmp(a.as_bytes()),
        };
        let (id, old_row, new_row) = match order {
            Ordering::Less => (b, Some(i), None),
            Ordering::Greater => (a, None, Some(j)),
            Ordering::Equal => (b, Some(i), Some(j)),
        };
        let Some(id) = id else { break };
        if let (Some(r), Some(s), true) = (old_row, new_row, one_layout)
            && before.row(r) == after.row(s)
            && list_columns
                .iter()
                .all(|c| same((before, r), (after, s), c, &mut lists))
        {
            i = i.saturating_add(1);
            j = j.saturating_add(1);
            continue;
        }
        for column in &columns {
            if let (Some(r), Some(s)) = (old_row, new_row)
                && same((before, r), (after, s), column, &mut lists)
            {
                continue;
            }
            let old = old_row.and_then(|r| rendered(before, r, column.before));
            let new = new_row.and_then(|r| rendered(after, r, column.after));
            if old != new {
                out.push(Change {
                    subject: subject(id),
                    feature: column.key.to_owned(),
                    old,
                    new,
                });
            }
        }
        if old_row.is_some() {
            i = i.saturating_add(1);
        }
        if new_row.is_some() {
            j = j.saturating_add(1);
        }
    }
}
