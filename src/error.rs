//! Validation errors: every problem found, each with the path to the bad value, and lookup errors (see the [guide](crate::guide::errors)).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::value::ValueError;

/// How many characters of an id or value a message shows; longer text is cut there and ends
/// with `…`. Problems keep at most [`KEPT_BYTES`] of each string they carry.
pub const SHOWN_CHARS: usize = 64;

/// How many bytes of each id or value a [`Problem`] keeps (cut at a character boundary), so
/// that a huge id repeated in many problems costs little memory.
pub const KEPT_BYTES: usize = 256;

/// How many names a problem that lists names (a cycle, a kind's options) keeps and shows.
pub const SHOWN_NAMES: usize = 8;

/// Text from a document as a message shows it: control characters (newline, NUL, ESC …),
/// bidirectional and other invisible formatting characters, and `\` written as escapes
/// (`\u{a}`), so that no id can start a new line or reorder what a terminal shows; and at most
/// [`SHOWN_CHARS`] characters.
///
/// ```
/// use pbx_entitlements::error::Shown;
///
/// assert_eq!(Shown("al\nice\u{202e}").to_string(), r"al\u{a}ice\u{202e}");
/// assert_eq!(Shown(&"x".repeat(100)).to_string().chars().count(), 65);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.0.chars().enumerate() {
            if i == SHOWN_CHARS {
                return f.write_str("…");
            }
            if needs_escape(c) {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// The first characters of a formatted value: writing stops (with an error the caller ignores)
/// once one more character than [`SHOWN_CHARS`] is held, so `Shown` still marks the cut.
struct Head(String, usize);

impl fmt::Write for Head {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            if self.1 > SHOWN_CHARS {
                return Err(fmt::Error);
            }
            self.0.push(c);
            self.1 = self.1.saturating_add(1);
        }
        Ok(())
    }
}

/// `s` with every character [`Shown`] escapes written as an escape, and not cut: for messages
/// of other readers that quote a document (serde's `unknown field` quotes a key as it is).
pub(crate) fn escaped(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len().saturating_add(16));
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters a message never shows as themselves.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || c == '\\'
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// Names as a message shows them: each [`Shown`], joined by `sep`, and `… (N in all)` after
/// the first [`SHOWN_NAMES`] (`total` counts names a problem did not keep).
struct ShownNames<'a> {
    names: &'a [String],
    total: usize,
    sep: &'a str,
    quote: &'a str,
}

impl fmt::Display for ShownNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.names.iter().take(SHOWN_NAMES).enumerate() {
            if i > 0 {
                f.write_str(self.sep)?;
            }
            write!(f, "{q}{}{q}", Shown(name), q = self.quote)?;
        }
        let total = self.total.max(self.names.len());
        if total > SHOWN_NAMES.min(self.names.len()) {
            write!(f, "{}… ({total} in all)", self.sep)?;
        }
        Ok(())
    }
}

/// `names` for a message, with `total` names in all: `a -> b -> a`.
pub(crate) fn shown_names<'a>(
    names: &'a [String],
    total: usize,
    sep: &'a str,
) -> impl fmt::Display + 'a {
    ShownNames {
        names,
        total,
        sep,
        quote: "",
    }
}

/// Names in quotes, comma-separated: `"none", "own", "all"`.
pub(crate) fn shown_quoted(names: &[String], total: usize) -> impl fmt::Display + '_ {
    ShownNames {
        names,
        total,
        sep: ", ",
        quote: "\"",
    }
}

/// Cuts `s` to at most [`KEPT_BYTES`] bytes, at a character boundary.
pub(crate) fn keep(s: &mut String) {
    if s.len() > KEPT_BYTES {
        let mut end = KEPT_BYTES;
        while !s.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        s.truncate(end);
    }
}

/// At most [`SHOWN_NAMES`] names, each cut by [`keep`].
pub(crate) fn keep_names(names: &mut Vec<String>) {
    names.truncate(SHOWN_NAMES);
    names.iter_mut().for_each(keep);
}

/// Where a bad value sits in the input, written the way an admin reads it:
/// `users[alice].overrides.max_channels`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Path(String);

impl Path {
    /// The root of a document.
    pub fn root() -> Path {
        Path(String::new())
    }

    /// This path followed by a field: `users[alice]` + `overrides` = `users[alice].overrides`.
    ///
    /// Names from a document (feature keys) are written as [`Shown`]: escaped and cut short.
    pub fn field(&self, name: &str) -> Path {
        if self.0.is_empty() {
            Path(Shown(name).to_string())
        } else {
            Path(format!("{}.{}", self.0, Shown(name)))
        }
    }

    /// This path followed by an element keyed by id or position: `users` + `alice` = `users[alice]`.
    ///
    /// The key is written as [`Shown`]: escaped and cut short.
    pub fn at(&self, key: impl fmt::Display) -> Path {
        // Only the first characters are shown: format no more of the key than that.
        let mut head = Head(String::new(), 0);
        let _cut_short = fmt::write(&mut head, format_args!("{key}"));
        Path(format!("{}[{}]", self.0, Shown(&head.0)))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("(document)")
        } else {
            f.write_str(&self.0)
        }
    }
}

/// A place in a document while validation walks it: a chain of borrowed segments on the
/// stack, turned into a [`Path`] only when a problem is found there. Walking a valid document
/// formats no path at all.
#[derive(Debug, Clone, Copy)]
pub(crate) enum At<'a> {
    /// The document.
    Root,
    /// `parent.name`
    Field(&'a At<'a>, &'a str),
    /// `parent[key]`
    Key(&'a At<'a>, &'a str),
    /// `parent[i]`
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    pub(crate) fn field(&'a self, name: &'a str) -> At<'a> {
        At::Field(self, name)
    }

    pub(crate) fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    pub(crate) fn index(&'a self, i: usize) -> At<'a> {
        At::Index(self, i)
    }
}

impl From<&At<'_>> for Path {
    fn from(at: &At<'_>) -> Path {
        let mut segments = Vec::new();
        let mut here = at;
        loop {
            match here {
                At::Root => break,
                At::Field(parent, _) | At::Key(parent, _) | At::Index(parent, _) => {
                    segments.push(here);
                    here = parent;
                }
            }
        }
        let mut path = Path::root();
        for segment in segments.into_iter().rev() {
            path = match segment {
                At::Field(_, name) => path.field(name),
                At::Key(_, key) => path.at(key),
                At::Index(_, i) => path.at(i),
                At::Root => path,
            };
        }
        path
    }
}

impl From<At<'_>> for Path {
    fn from(at: At<'_>) -> Path {
        Path::from(&at)
    }
}

/// What is wrong with one value. Each variant reads as a sentence after its path.
///
/// The enum grows as the crate checks more: match the variants you act on and keep a
/// wildcard arm.
///
/// ```
/// use pbx_entitlements::{model::{Plan, Tenant, User}, validate, Problem, ValueError};
///
/// let mut tenant = Tenant::new("acme", Plan::all("business"));
/// tenant.users.push(User::new("alice").with_department("nowhere").with_override("max_channels", 500));
///
/// for invalid in &validate(&tenant).unwrap_err() {
///     let advice = match &invalid.problem {
///         Problem::Unknown { what: "department", id } => format!("create department {id}"),
///         Problem::Value(ValueError::OutOfBounds { max, .. }) => format!("use at most {max}"),
///         other => other.to_string(),
///     };
///     println!("{}: {advice}", invalid.path);
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The value does not fit the feature's kind or bounds.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// The document's schema version is not one this crate reads.
    #[error("schema version {found} is not supported (this crate reads version {supported})")]
    UnsupportedVersion {
        /// The version in the document.
        found: u32,
        /// The version this crate reads.
        supported: u32,
    },
    /// A reference to something that does not exist.
    #[error("unknown {what} `{}`", Shown(.id))]
    Unknown {
        /// What was referred to: `feature`, `template`, `department`, `user` …
        what: &'static str,
        /// The id that was not found.
        id: String,
    },
    /// Two entries with the same id.
    #[error("duplicate {what} id `{}`", Shown(.id))]
    Duplicate {
        /// What kind of entry.
        what: &'static str,
        /// The repeated id.
        id: String,
    },
    /// An id that is empty.
    #[error("empty {what} id")]
    EmptyId {
        /// What kind of entry.
        what: &'static str,
    },
    /// Templates whose parents lead back to themselves: the first [`SHOWN_NAMES`] templates of
    /// the cycle, and its length.
    #[error("template parents form a cycle: {}", shown_names(.names, *.length, " -> "))]
    TemplateCycle {
        /// The first templates of the cycle, in parent order.
        names: Vec<String>,
        /// How many steps the cycle has (the first template comes back after them).
        length: usize,
    },
    /// Features whose requirements lead back to themselves: the first [`SHOWN_NAMES`] features
    /// of the cycle, and its length.
    #[error("feature requirements form a cycle: {}", shown_names(.names, *.length, " -> "))]
    RequirementCycle {
        /// The first features of the cycle, in requirement order.
        names: Vec<String>,
        /// How many steps the cycle has.
        length: usize,
    },
    /// A plan or catalog entry that does not apply to the feature's kind.
    #[error("`{}` is a {kind}; {what} does not apply to it", Shown(.feature))]
    WrongKind {
        /// The feature key.
        feature: String,
        /// The feature's kind name.
        kind: &'static str,
        /// What was attempted (`a plan maximum`, `seats` …).
        what: &'static str,
    },
    /// Limit bounds or a validity interval whose start is not before its end.
    #[error("empty range: {from} is not below {to}")]
    EmptyRange {
        /// The start.
        from: i64,
        /// The end.
        to: i64,
    },
    /// A choice kind with no options, or the same option twice; or a list universe with an
    /// item twice or an item holding `;`.
    #[error("{what} must be distinct, non-empty and free of `;`: `{}` is not", Shown(.name))]
    BadOptions {
        /// `options` or `items`.
        what: &'static str,
        /// The first offending name (empty when there are no options at all).
        name: String,
    },
    /// One endpoint assigned to two users at the same instant.
    #[error("{} is also assigned to `{}` {}", Shown(.endpoint), Shown(.other_user), during(*.from, *.to))]
    OverlappingAssignment {
        /// The endpoint, as `extension 201` or `agent 5001`.
        endpoint: String,
        /// The other user holding it.
        other_user: String,
        /// Start of the overlap.
        from: i64,
        /// End of the overlap, exclusive; `None` when neither assignment ends.
        to: Option<i64>,
    },
    /// A user with two primary endpoints at the same instant.
    #[error("a second primary endpoint overlaps `{}`", Shown(.other))]
    SecondPrimary {
        /// The other primary endpoint id.
        other: String,
    },
    /// A catalog that does not say whether it has a self-service gate.
    #[error(
        "name the self-service gate toggle, or say there is none (`null`; `without_self_service_gate()` in code)"
    )]
    UndecidedGate,
    /// A catalog id that only the built-in catalog may take.
    #[error("the id `{0}` is reserved for the built-in catalog, and this catalog differs from it")]
    ReservedCatalogId(&'static str),
    /// A document names a different catalog than the one it is validated against.
    #[error("the document names catalog `{}` but is validated against catalog `{}`", Shown(.document), Shown(.given))]
    CatalogMismatch {
        /// The catalog the document names.
        document: String,
        /// The catalog it was validated against.
        given: String,
    },
    /// A document embeds a catalog with the id of the one it is validated against, but a
    /// different definition.
    #[error("the embedded catalog differs from catalog `{}` it is validated against", Shown(.0))]
    CatalogDiffers(String),
    /// A self-service gate that users could switch off themselves.
    #[error("the self-service gate `{}` cannot itself be user-adjustable", Shown(.0))]
    AdjustableGate(String),
    /// A setting this version of the crate does not apply yet.
    #[error("{0} is not supported yet")]
    Unsupported(&'static str),
    /// A version string that is not `major.minor.patch`.
    #[error("`{}` is not a version of the form major.minor.patch", Shown(.0))]
    BadVersion(String),
    /// A telephone number that is not digits (with an optional leading `+`).
    #[error("`{}` is not a telephone number", Shown(.0))]
    BadNumber(String),
    /// More entries than the crate accepts for this collection.
    #[error("{count} {what}, at most {max} are supported")]
    TooMany {
        /// What kind of entry.
        what: &'static str,
        /// How many were given.
        count: usize,
        /// The bound.
        max: usize,
    },
    /// An id longer than the crate accepts.
    #[error("{what} id `{}` is {length} bytes long, at most {max} are supported", Shown(.id))]
    IdTooLong {
        /// What kind of entry.
        what: &'static str,
        /// The id, cut to [`KEPT_BYTES`].
        id: String,
        /// Its length in bytes.
        length: usize,
        /// The bound ([`limits::ID_BYTES`](crate::limits::ID_BYTES)).
        max: usize,
    },
    /// Detaching would change a user's value of a seat-licensed feature: the overrides it
    /// writes come first for a seat the plan enforces.
    #[error(
        "detaching would change `{}` for `{}`: with seats enforced, overrides come first for a seat",
        Shown(.feature),
        Shown(.user)
    )]
    SeatWouldMove {
        /// The seat-licensed feature.
        feature: String,
        /// A user whose value would change.
        user: String,
    },
    /// Templates whose parent chain is deeper than the crate accepts.
    #[error("the parent chain is {depth} templates deep, at most {max} are supported")]
    TooDeep {
        /// The depth reached.
        depth: usize,
        /// The bound ([`limits::TEMPLATE_DEPTH`](crate::limits::TEMPLATE_DEPTH)).
        max: usize,
    },
}

impl Problem {
    /// The problem with every string it carries cut to [`KEPT_BYTES`] and every list of names
    /// to [`SHOWN_NAMES`].
    fn kept(mut self) -> Problem {
        match &mut self {
            Problem::Value(e) => e.keep(),
            Problem::Unknown { id, .. }
            | Problem::Duplicate { id, .. }
            | Problem::IdTooLong { id, .. }
            | Problem::BadOptions { name: id, .. }
            | Problem::WrongKind { feature: id, .. }
            | Problem::SecondPrimary { other: id }
            | Problem::CatalogDiffers(id)
            | Problem::AdjustableGate(id)
            | Problem::BadVersion(id)
            | Problem::BadNumber(id) => keep(id),
            Problem::TemplateCycle { names, .. } | Problem::RequirementCycle { names, .. } => {
                keep_names(names)
            }
            Problem::OverlappingAssignment {
                endpoint,
                other_user,
                ..
            } => {
                keep(endpoint);
                keep(other_user);
            }
            Problem::CatalogMismatch { document, given } => {
                keep(document);
                keep(given);
            }
            Problem::SeatWouldMove { feature, user } => {
                keep(feature);
                keep(user);
            }
            Problem::UnsupportedVersion { .. }
            | Problem::EmptyId { .. }
            | Problem::EmptyRange { .. }
            | Problem::UndecidedGate
            | Problem::ReservedCatalogId(_)
            | Problem::Unsupported(_)
            | Problem::TooMany { .. }
            | Problem::TooDeep { .. } => {}
        }
        self
    }
}

/// `during [from, to)`, or `from {from} on` when open-ended.
fn during(from: i64, to: Option<i64>) -> String {
    match to {
        Some(to) => format!("during [{from}, {to})"),
        None => format!("from {from} on"),
    }
}

/// Why a lookup by key, id or handle found nothing to answer with.
///
/// Returned by the getters of [`Entitlements`](crate::Entitlements) and by the
/// [`Resolver`](crate::Resolver), so that a typo is never read as "off".
///
/// ```
/// use pbx_entitlements::{model::{Plan, Tenant, User}, validate, LookupError, Resolver};
///
/// let mut tenant = Tenant::new("acme", Plan::all("business"));
/// tenant.users.push(User::new("alice"));
/// let index = validate(&tenant)?;
/// let resolver = Resolver::new(&index);
///
/// // A feature flag read from configuration: a typo must deny, and be logged.
/// let allowed = match resolver.user("alice")?.toggle("voicemial") {
///     Ok(on) => on,
///     Err(LookupError::UnknownFeature(key)) => {
///         eprintln!("configuration names an unknown feature `{key}`");
///         false
///     }
///     Err(other) => return Err(other.into()),
/// };
/// assert!(!allowed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// The catalog has no feature with this key (or id).
    #[error("unknown feature `{}`", Shown(.0))]
    UnknownFeature(String),
    /// The tenant has no user with this id (or handle).
    #[error("unknown user `{}`", Shown(.0))]
    UnknownUser(String),
    /// The tenant has no device with this id (or handle).
    #[error("unknown device `{}`", Shown(.0))]
    UnknownDevice(String),
    /// The feature exists but is of another kind than the getter reads.
    #[error("`{}` is a {kind}, not a {asked}", Shown(.feature))]
    WrongKind {
        /// The feature's key.
        feature: String,
        /// The feature's kind.
        kind: &'static str,
        /// The kind the getter reads.
        asked: &'static str,
    },
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
#[non_exhaustive]
pub struct Invalid {
    /// Where the problem is.
    pub path: Path,
    /// What the problem is.
    pub problem: Problem,
}

impl Invalid {
    /// A problem at a path.
    pub fn new(path: Path, problem: impl Into<Problem>) -> Invalid {
        Invalid {
            path,
            problem: problem.into(),
        }
    }
}

/// Every problem found in a catalog or a tenant.
///
/// ```
/// use pbx_entitlements::{model::{Plan, Tenant, User}, validate};
///
/// let mut tenant = Tenant::new("acme", Plan::all("business"));
/// tenant.users.push(User::new("alice").with_role("ghost"));
/// tenant.users.push(User::new("alice"));
/// let errors = validate(&tenant).unwrap_err();
/// assert_eq!(errors.to_string(), "2 problems\n  users[alice]: duplicate user id `alice`\n  users[alice].roles: unknown role `ghost`");
/// ```
///
/// Validation never stops at the first problem: an admin fixing a file wants the whole list.
/// The order is stable: empty and repeated ids first (in document order), then the document's
/// sections in order (numbers, plan, policy, templates, departments, roles, groups, users,
/// endpoint overlaps, devices), entries of a section in id order, and the keys of one entry's
/// values in the order the document gives them. An embedded catalog with problems is reported
/// alone, since the tenant's values cannot be checked against it, and so is a document that names
/// another catalog than the one it is validated against.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors(Vec<Invalid>);

impl ValidationErrors {
    /// One problem at one place.
    pub(crate) fn single(path: Path, problem: Problem) -> ValidationErrors {
        ValidationErrors(vec![Invalid::new(path, problem.kept())])
    }

    /// The problems, in the order described on [`ValidationErrors`].
    pub fn problems(&self) -> &[Invalid] {
        &self.0
    }

    /// How many problems there are (never zero).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: an error value holds at least one problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates over the problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Invalid> {
        self.0.iter()
    }
}

impl IntoIterator for ValidationErrors {
    type Item = Invalid;
    type IntoIter = std::vec::IntoIter<Invalid>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a Invalid;
    type IntoIter = std::slice::Iter<'a, Invalid>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} problem{}", if n == 1 { "" } else { "s" })?;
        for invalid in &self.0 {
            write!(f, "\n  {invalid}")?;
        }
        Ok(())
    }
}

/// Collects problems while a validator walks a document.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<Invalid>);

impl Problems {
    pub(crate) fn push(&mut self, path: impl Into<Path>, problem: impl Into<Problem>) {
        self.0
            .push(Invalid::new(path.into(), problem.into().kept()));
    }

    /// `Ok(value)` if nothing was found, otherwise every problem.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ValidationErrors(self.0))
        }
    }
}
