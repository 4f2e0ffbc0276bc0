#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::todo,
        clippy::unimplemented,
        clippy::arithmetic_side_effects
    )
)]

/// Gives a fieldless enum its interchange names: `ALL` (in declaration order), `as_str`,
/// `Display` and `FromStr` (failing with [`UnknownName`]). One definition for every closed set
/// of names, so that parsing and printing cannot disagree.
macro_rules! named_enum {
    ($type:ident, $what:literal, [$($variant:ident => $name:literal),* $(,)?]) => {
        impl $type {
            /// Every value, in declaration order.
            pub const ALL: [$type; [$($name),*].len()] = [$($type::$variant),*];

            /// The interchange name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($type::$variant => $name,)*
                }
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $type {
            type Err = $crate::value::UnknownName;
            /// Parses the interchange name.
            fn from_str(s: &str) -> Result<$type, $crate::value::UnknownName> {
                match s {
                    $($name => Ok($type::$variant),)*
                    _ => Err($crate::value::UnknownName::new($what, s)),
                }
            }
        }
    };
}

/// Makes interchange types (derived with `#[serde(remote = "Self")]`) readable from a JSON
/// object only, and writable as before. See `schema`.
macro_rules! objects_only {
    ($($type:ty => $what:literal),* $(,)?) => {$(
        impl $crate::schema::FromObject for $type {
            const WHAT: &'static str = $what;
            fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
                <$type>::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::schema::object(deserializer)
            }
        }

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                <$type>::serialize(self, serializer)
            }
        }
    )*};
}

/// Traits only this crate implements: the crate decides what can name a feature or a user.
mod sealed {
    pub trait Sealed {}
    impl Sealed for &str {}
    impl Sealed for String {}
    impl Sealed for &String {}
}

pub mod batch;
pub mod catalog;
pub mod delegation;
pub mod device;
pub mod dial;
pub mod diff;
pub mod edit;
pub mod endpoints;
pub mod entitlements;
pub mod error;
mod fnv;
mod graph;
pub mod guide;
pub mod index;
pub mod limits;
pub mod model;
pub mod question;
pub mod recording;
pub mod resolve;
mod schema;
pub mod validate;
pub mod value;

pub use catalog::keys;
pub use catalog::{
    Catalog, CatalogBuilder, CatalogDef, Condition, Feature, FeatureDef, FeatureId, MergeRule,
    Refers, Requirement, RequirementDef, STANDARD_ID, SelfServiceGate,
};
pub use device::{
    AppVersion, DeviceConstraint, DeviceList, DeviceRow, Platform, Platforms, Unsupported,
};
pub use endpoints::{AttributedBy, Attribution, Endpoints};
pub use entitlements::{Entitlements, FeatureRef, Query};
pub use error::{Invalid, LookupError, Path, Problem, ValidationErrors};
pub use index::{EntityRef, TenantIndex, UserIx};
pub use recording::{Decision, RecordDecision, RecordingRights};
pub use resolve::{
    Audit, FeatureSeats, Finding, FindingKind, LicenceReport, ResolvedDevices, ResolvedPart,
    ResolvedTenant, Resolver, Trace,
};
pub use validate::{validate, validate_against};
pub use value::{Access, ChoiceValue, Kind, ListValue, RawValue, UnknownName, Value, ValueError};
