//! Bytes -> JSON catalog definition -> `CatalogDef::build` -> a small tenant embedding the
//! catalog, with values at each feature's bottom, top, off and default -> `exercise`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pbx_entitlements::model::{CatalogSource, Department, Plan, Role, Template, Tenant, User};
use pbx_entitlements::{Catalog, CatalogDef, validate};

/// Values set per template / user, so that huge catalogs stay fast.
const VALUES: usize = 64;

fuzz_target!(|data: &[u8]| {
    let Ok(def) = serde_json::from_slice::<CatalogDef>(data) else {
        return;
    };
    let catalog = match def.build() {
        Ok(catalog) => catalog,
        Err(errors) => {
            pbx_fuzz::check_errors(&errors);
            return;
        }
    };
    check_catalog(&catalog);

    // A built catalog with a plain tenant (no values) is always valid.
    let mut plain = Tenant::new("t", Plan::all("p")).with_catalog(CatalogSource::Custom(def.clone()));
    plain.users.push(User::new("plain"));
    match validate(&plain) {
        Ok(_) => pbx_fuzz::exercise(&plain),
        Err(errors) => panic!("a tenant with no values is invalid on a catalog that builds: {errors}"),
    }

    // Values at the corners of each kind's domain, through templates, overrides, preferences.
    let mut tenant = Tenant::new("t", Plan::all("p")).with_catalog(CatalogSource::Custom(def));
    let mut top = Template::new("top");
    let mut bottom = Template::new("bottom").with_parent("top");
    let mut u_over = User::new("u1").with_role("r");
    let mut u_pref = User::new("u2").with_department("d").with_role("r");
    for (_, f) in catalog.iter().take(VALUES) {
        let kind = f.kind();
        if let Some(raw) = kind.render(&kind.top()) {
            top = top.with_value(f.key(), raw);
        }
        if let Some(raw) = kind.render(&kind.bottom()) {
            bottom = bottom.with_value(f.key(), raw);
        }
        if let Some(raw) = kind.render(f.default()) {
            u_over = u_over.with_override(f.key(), raw);
        }
        if f.adjustable()
            && let Some(raw) = kind.render(&kind.off())
        {
            u_pref = u_pref.with_preference(f.key(), raw);
        }
    }
    tenant.templates.push(top);
    tenant.templates.push(bottom);
    tenant.departments.push(Department::new("d").with_template("top").with_rank(1));
    tenant.roles.push(Role::new("r").with_template("bottom"));
    tenant.users.push(User::new("u0").with_department("d"));
    tenant.users.push(u_over);
    tenant.users.push(u_pref);
    pbx_fuzz::exercise(&tenant);
});

/// The catalog's own API, and its JSON round trip.
fn check_catalog(catalog: &Catalog) {
    assert_eq!(catalog.iter().len(), catalog.len());
    let _ = catalog.self_service_gate();
    let _ = catalog.requirement_order();
    for (id, f) in catalog.iter() {
        assert_eq!(catalog.feature_id(f.key()), Some(id));
        assert_eq!(catalog.key(id), f.key());
        let kind = f.kind();
        for v in [kind.bottom(), kind.top(), kind.off(), f.default().clone()] {
            assert!(kind.admits(&v), "{}: {v:?} not admitted by {kind:?}", f.key());
            let raw = kind.render(&v).expect("a value of the kind renders");
            if let Ok(back) = kind.parse(&raw) {
                assert_eq!(back, v, "{}: render/parse changed {v:?}", f.key());
            }
        }
        for r in f.requires() {
            let _ = format!("{r:?}");
        }
    }
    let text = serde_json::to_string(catalog).expect("a catalog serialises");
    let again: Catalog = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("a serialised catalog does not read back: {e}\n{text}"));
    assert!(again == *catalog, "catalog JSON round trip changed the catalog");
}
