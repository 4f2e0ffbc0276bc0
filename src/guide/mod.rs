//! The guide: the ideas behind the crate, one chapter per capability. Each chapter is a page of
//! this documentation, and every code block in it is compiled and run by `cargo test`.
//!
//! 1. [Concepts and the eight layers](concepts): catalog, tenant, templates, plan, locks,
//!    overrides, preferences, requirements; one worked example through every layer.
//! 2. [Value kinds](values): toggles, restrictions, access levels, limits, choices, lists, and
//!    their lattices.
//! 3. [The standard catalog](catalog): every feature of [`Catalog::standard`], its kind,
//!    default, merge rule, requirements and constraints.
//! 4. [The JSON format](json): one tenant per document, field by field.
//! 5. [From database rows to the model](storage): building a [`Tenant`] in code.
//! 6. [Caching and threads](caching): what to build once, what to share, what to keep per
//!    request.
//! 7. [The fast path](fast_path): typed keys, handles and feature ids.
//! 8. [Explaining a value to an admin](explaining): traces as text and as JSON.
//! 9. [Errors and how to match them](errors): validation problems with paths, lookup errors.
//! 10. [Stability and growth](stability): what is public contract, and how the model grows
//!     without breaking vendors.
//! 11. [Hostile input and limits](limits): the strict schema, escaped and bounded messages,
//!     and every size the crate accepts.
//! 12. [Recordings](recordings): endpoints over time, call attribution, replay, download,
//!     delete and live-listening decisions, and whether a call is recorded.
//! 13. [Devices and pushing changes](devices): what each device may do, the device list, and
//!     what to push to apps after an edit.
//! 14. [Dialing and caller IDs](dialing): which numbers a user may call, in which order the
//!     rules apply, and which numbers they may show.
//! 15. [Delegated administration](delegation): which supervisor may set what for whom, never
//!     handing out more than they hold.
//!
//! [`Catalog::standard`]: crate::Catalog::standard
//! [`Tenant`]: crate::model::Tenant

#[doc = include_str!("concepts.md")]
pub mod concepts {}

#[doc = include_str!("values.md")]
pub mod values {}

#[doc = include_str!("catalog.md")]
pub mod catalog {}

#[doc = include_str!("json.md")]
pub mod json {}

#[doc = include_str!("storage.md")]
pub mod storage {}

#[doc = include_str!("caching.md")]
pub mod caching {}

#[doc = include_str!("fast_path.md")]
pub mod fast_path {}

#[doc = include_str!("explaining.md")]
pub mod explaining {}

#[doc = include_str!("errors.md")]
pub mod errors {}

#[doc = include_str!("stability.md")]
pub mod stability {}

#[doc = include_str!("limits.md")]
pub mod limits {}
#[doc = include_str!("recordings.md")]
pub mod recordings {}
#[doc = include_str!("devices.md")]
pub mod devices {}
#[doc = include_str!("dialing.md")]
pub mod dialing {}
#[doc = include_str!("delegation.md")]
pub mod delegation {}
#[doc = include_str!("audit.md")]
pub mod audit {}

#[cfg(test)]
mod tests {
    use crate::catalog::{Catalog, Condition, MergeRule};
    use crate::device::Platforms;
    use crate::value::Kind;

    const START: &str = "<!-- table: generated from Catalog::standard() -->\n";
    const END: &str = "<!-- end of table -->";

    /// The standard catalog as the Markdown table of the catalog chapter.
    fn table(catalog: &Catalog) -> String {
        let mut out = String::from(
            "| key | kind | default | merge | requires | adjustable | seats | device | description |\n\
             |---|---|---|---|---|---|---|---|---|\n",
        );
        for (_, f) in catalog.iter() {
            let kind = match f.kind() {
                Kind::Limit { min, max } => format!("limit {min}..={max}"),
                Kind::Choice { options } => format!("choice {}", options.join(" < ")),
                Kind::List {
                    items,
                    max_chars,
                    max_entries,
                } => {
                    let mut s = match items {
                        Some(items) => format!("list over {{{}}}", items.join(", ")),
                        None => "list".to_owned(),
                    };
                    if let Some(n) = max_entries {
                        s.push_str(&format!(", ≤ {n} entries"));
                    }
                    if let Some(n) = max_chars {
                        s.push_str(&format!(", ≤ {n} characters joined with `;`"));
                    }
                    s
                }
                other => other.name().to_owned(),
            };
            let merge = match f.merge() {
                MergeRule::MostPermissive => "most permissive",
                MergeRule::MostRestrictive => "most restrictive",
                MergeRule::Ranked => "ranked",
            };
            let requires: Vec<String> = f
                .requires()
                .iter()
                .map(|r| {
                    let key = catalog.key(r.feature);
                    match &r.condition {
                        Condition::AtLeast(v) => format!("`{key}` ≥ {v}"),
                        _ => format!("`{key}`"),
                    }
                })
                .collect();
            let platforms = f.device().platforms;
            let mut device = if platforms == Platforms::all() {
                String::new()
            } else if platforms.complement().bits().count_ones() == 1 {
                format!("not {}", platforms.complement())
            } else {
                platforms.to_string()
            };
            if let Some(v) = f.device().min_version {
                device.push_str(&format!(" ≥ {v}"));
            }
            let yes = |b: bool| if b { "yes" } else { "" };
            out.push_str(&format!(
                "| `{}` | {kind} | {} | {merge} | {} | {} | {} | {} | {} |\n",
                f.key(),
                f.default(),
                requires.join(", "),
                yes(f.adjustable()),
                yes(f.seats()),
                device.trim(),
                f.description().replace('|', "\\|"),
            ));
        }
        out
    }

    /// The chapter's table is the catalog itself. To refresh it after changing the standard
    /// catalog: `PBX_WRITE_GUIDE=1 cargo test --lib guide`.
    #[test]
    fn the_catalog_chapter_lists_the_standard_catalog() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/guide/catalog.md");
        let chapter = std::fs::read_to_string(path).unwrap();
        let start = chapter.find(START).expect("table start marker") + START.len();
        let end = chapter.find(END).expect("table end marker");
        let expected = table(&Catalog::standard());
        if chapter[start..end] != expected {
            if std::env::var_os("PBX_WRITE_GUIDE").is_some() {
                let updated = format!("{}{expected}{}", &chapter[..start], &chapter[end..]);
                std::fs::write(path, updated).unwrap();
            } else {
                panic!(
                    "src/guide/catalog.md is out of date; run \
                     `PBX_WRITE_GUIDE=1 cargo test --lib guide` and review the diff"
                );
            }
        }
    }
}
