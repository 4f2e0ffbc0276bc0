//! The sizes the crate accepts (see the [guide](crate::guide::limits)).
//!
//! Every limit is checked by validation, with a problem that names it; none is a silent cut.
//! They are far above what a phone system needs and low enough that no document can make
//! validation or resolution allocate without bound.

/// The longest id, in bytes: of a tenant, catalog, feature, template, department, role, group,
/// user, device, plan or endpoint.
pub const ID_BYTES: usize = 256;

/// The most features a catalog may define (feature ids are 16 bits).
pub const FEATURES: usize = u16::MAX as usize;

/// The most options a choice may have (an option's position is 16 bits).
pub const CHOICE_OPTIONS: usize = u16::MAX as usize;

/// The most items a list's closed universe may have.
pub const LIST_ITEMS: usize = u16::MAX as usize;

/// The most entries one list value may hold (a catalog may set a lower `max_entries`).
pub const LIST_ENTRIES: u32 = u16::MAX as u32;

/// The most departments one user may belong to; the same bound holds for roles.
pub const MEMBERSHIPS: usize = 10_000;

/// The longest chain of template parents: a template, its parent, its parent's parent …
pub const TEMPLATE_DEPTH: usize = 100;

/// The most template values a tenant may have once parents are applied (summed over templates).
pub const TEMPLATE_VALUES: usize = 4_000_000;
