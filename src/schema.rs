//! How documents are read: every object of the interchange format is a JSON object and nothing
//! else, and a document that cannot be read says where (see the [guide](crate::guide::json)).
//!
//! serde's derived structs also accept an array of their fields in order (`"plan": ["p",
//! "all"]`), which would make a document's meaning depend on the crate's field order. Each
//! interchange type is derived with `#[serde(remote = "Self")]`, which keeps the derived code
//! as inherent functions, and [`objects_only!`] gives it trait impls that accept a map only.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};

use crate::error::Path;

/// A type of the interchange format read from a JSON object only.
pub(crate) trait FromObject: Sized {
    /// What the object is, for messages (`a plan object`).
    const WHAT: &'static str;
    /// Reads the fields of the object.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Accepts a map, and refuses every other shape with "expected a … object".
pub(crate) struct ObjectOnly<T>(PhantomData<T>);

impl<T> ObjectOnly<T> {
    pub(crate) fn new() -> ObjectOnly<T> {
        ObjectOnly(PhantomData)
    }
}

impl<'de, T: FromObject> Visitor<'de> for ObjectOnly<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// Why a document could not be read: where, and what the reader said.
///
/// Both are escaped as [`Shown`](crate::error::Shown) escapes ids, so that a key holding a
/// newline cannot start a line of its own; the message keeps at most
/// [`KEPT_BYTES`](crate::error::KEPT_BYTES).
///
/// The path counts array elements by position (`users[3].overrides`), since ids are not known
/// until the document is read; problems found by [`validate()`](crate::validate()) name entries
/// by id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
#[non_exhaustive]
pub struct ReadError {
    /// Where reading stopped.
    pub path: Path,
    /// What the format's reader said (serde_json adds the line and column).
    pub message: String,
}

/// Reads a tenant, catalog or any other interchange type, reporting where a bad document
/// goes wrong (`plan: invalid type: sequence, expected a plan object at line 3 column 12`).
///
/// Works with any serde format; for JSON, give it a `serde_json::Deserializer` and check the
/// end of the input afterwards, as `serde_json::from_str` would:
///
/// ```
/// use pbx_entitlements::model::{read_document, Tenant};
///
/// let text = r#"{"version": 1, "tenant": "acme", "plan": ["p", "all"]}"#;
/// let mut json = serde_json::Deserializer::from_str(text);
/// let error = read_document::<Tenant, _>(&mut json).unwrap_err();
/// assert_eq!(error.path.as_str(), "plan");
/// assert!(error.message.starts_with("invalid type: sequence, expected a plan object"));
///
/// let text = r#"{"version": 1, "tenant": "acme", "plan": {"id": "p", "features": "all"}}"#;
/// let mut json = serde_json::Deserializer::from_str(text);
/// let tenant: Tenant = read_document(&mut json)?;
/// json.end()?; // nothing may follow the document
/// assert_eq!(tenant.tenant.as_str(), "acme");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A [`ReadError`] with the path to the value that could not be read.
pub fn read_document<'de, T, D>(deserializer: D) -> Result<T, ReadError>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
    D::Error: fmt::Display,
{
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let mut path = Path::root();
        for segment in e.path().iter() {
            path = match segment {
                serde_path_to_error::Segment::Seq { index } => path.at(index),
                serde_path_to_error::Segment::Map { key } => path.field(key),
                serde_path_to_error::Segment::Enum { variant } => path.field(variant),
                _ => path,
            };
        }
        // serde quotes keys as they are: escape them, as every message of the crate does.
        let mut message = crate::error::escaped(&e.inner().to_string());
        crate::error::keep(&mut message);
        ReadError { path, message }
    })
}

/// Refuses anything but a map for a type derived with `#[serde(remote = "Self")]`.
pub(crate) fn object<'de, T: FromObject, D: de::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectOnly::<T>::new())
}
