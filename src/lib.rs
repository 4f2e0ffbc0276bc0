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

pub mod batch;
pub mod catalog;
pub mod device;
pub mod error;
mod graph;
pub mod value;

pub use catalog::{
    Catalog, CatalogBuilder, CatalogDef, Condition, Feature, FeatureDef, FeatureId, MergeRule,
    Requirement, RequirementDef,
};
pub use device::{AppVersion, DeviceConstraint, Platform, Platforms, Unsupported};
pub use error::{Invalid, Path, Problem, ValidationErrors};
pub use value::{Access, Kind, ListValue, RawValue, Value, ValueError};
pub mod index;
pub mod model;
pub mod validate;

pub use index::TenantIndex;
pub use validate::{validate, validate_against};
pub mod entitlements;
pub mod resolve;

pub use entitlements::{Entitlements, FeatureRef};
pub use resolve::{ResolvedTenant, Resolver, Trace};
