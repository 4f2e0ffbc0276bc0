//! Bytes -> JSON tenant document -> validation -> every decision API (see `pbx_fuzz::exercise`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(tenant) = pbx_fuzz::parse_tenant(data) {
        pbx_fuzz::exercise(&tenant);
    }
});
