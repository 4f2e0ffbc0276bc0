//! `Catalog::standard()`: the ready catalog, covering every feature named in
//! the five source systems. Keys are stable API.

use std::sync::{Arc, LazyLock};

use super::{Catalog, CatalogBuilder, FeatureDef as F, Refers, STANDARD_ID};
use crate::device::Platforms;

/// Built once; shared by every tenant that names it.
static STANDARD: LazyLock<Arc<Catalog>> = LazyLock::new(|| {
    // The definition below is a constant of this crate, built from no input: whether it builds
    // is decided at compile time of the crate, and `tests::the_standard_catalog_builds` below
    // proves it does (`tests/standard_catalog.rs` checks it row by row against the product's
    // feature table). No user input reaches this line.
    #[allow(clippy::expect_used)]
    let catalog = standard_def()
        .def()
        .build_unchecked_id()
        .expect("the standard catalog is well-formed");
    Arc::new(catalog)
});

/// The standard catalog, shared.
pub(super) fn shared() -> &'static Arc<Catalog> {
    &STANDARD
}

impl Catalog {
    /// The standard catalog (every feature is listed in the [guide](crate::guide::catalog)): editions and modules, tenant switches,
    /// user-portal menus, recording and monitoring rights, call handling, dial rights and
    /// dashboard access, with `edit_settings` as the self-service gate.
    ///
    /// Defaults are closed for every on/off right that costs money, exposes data or reaches
    /// people (the guide's catalog chapter lists the four deliberate exceptions).
    ///
    /// ```
    /// use pbx_entitlements::{Catalog, Value};
    ///
    /// let catalog = Catalog::standard();
    /// let channels = catalog.by_key("max_channels").unwrap();
    /// assert_eq!(channels.default(), &Value::Limit(1));
    /// assert_eq!(catalog.id(), "standard");
    /// assert_eq!(catalog.self_service_gate(), catalog.feature_id("edit_settings"));
    /// ```
    pub fn standard() -> Catalog {
        Catalog::clone(&STANDARD)
    }

    /// The standard catalog behind an `Arc`, built once per process: validating any number of
    /// tenants against it copies nothing.
    pub fn standard_shared() -> Arc<Catalog> {
        Arc::clone(&STANDARD)
    }
}

fn standard_def() -> CatalogBuilder {
    let not_desk_phone = Platforms::all().difference(Platforms::DESK_PHONE);
    let portal_menu = |key: &str, what: &str| {
        F::access(key)
            .requires("user_portal")
            .describe(format!("User portal menu: {what}"))
    };
    Catalog::builder(STANDARD_ID)
        // Editions and modules (IPVoice), sold by the seat.
        .feature(F::toggle("edition_business").seats().describe("Business edition of the apps"))
        .feature(F::toggle("edition_ios").seats().platforms(Platforms::IOS).describe("iOS edition"))
        .feature(F::toggle("edition_android").seats().platforms(Platforms::ANDROID).describe("Android edition"))
        .feature(F::toggle("edition_desktop").seats().platforms(Platforms::DESKTOP).describe("Desktop edition"))
        .feature(F::toggle("module_crm").seats().describe("CRM module"))
        // Tenant-wide switches (IPVoice).
        .feature(F::toggle("chat").adjustable().platforms(not_desk_phone).describe("Chat"))
        .feature(F::toggle("access_codes").describe("Access codes"))
        .feature(F::toggle("do_not_disturb").adjustable().describe("Do not disturb"))
        .feature(F::toggle("voicemail").adjustable().describe("Voicemail"))
        .feature(F::toggle("agent_pause").describe("Agent pause"))
        // Client access (MiVoice).
        .feature(F::toggle("website_login").describe("Log in to the website"))
        .feature(F::toggle("phone_manager").describe("Connect a Phone Manager client"))
        // User portal (IP Office).
        .feature(F::toggle("user_portal").describe("User portal"))
        .feature(F::toggle("enduser_wizard").requires("user_portal").describe("Run the end-user wizard at first login"))
        .feature(
            F::list_of("call_operations", &["desk_phone", "softphone"])
                .requires("user_portal")
                .describe("Make and answer calls from the portal with a desk phone and/or the softphone"),
        )
        .feature(portal_menu("menu_profile", "profile"))
        .feature(portal_menu("menu_call_handling", "call handling"))
        .feature(portal_menu("menu_personal_directory", "personal directory"))
        .feature(portal_menu("menu_button_programming", "button programming"))
        .feature(portal_menu("menu_download_applications", "download applications"))
        // Recordings (IP Office, Ringover).
        .feature(F::choice("recordings_replay", &["none", "own", "all"]).describe("Replay recordings: none, own or all"))
        .feature(
            F::list("recordings_replay_groups")
                .requires_at_least("recordings_replay", "own")
                .refers_to(Refers::Groups)
                .describe("Groups whose recordings the user may replay"),
        )
        .feature(
            F::list("recordings_replay_others")
                .requires_at_least("recordings_replay", "own")
                .list_bounds(None, Some(127))
                .describe("Numbers whose recordings the user may replay (';'-joined, 127 characters at most)"),
        )
        .feature(
            F::toggle("recordings_download")
                .requires_at_least("recordings_replay", "own")
                .describe("Download recordings the user may replay"),
        )
        .feature(F::toggle("recordings_delete").describe("Delete recordings (never implied by replay or download)"))
        .feature(F::toggle("call_reporting").requires("user_portal").describe("Historical call reporting"))
        // Software customisation (Ringover).
        .feature(F::restriction("only_own_logs").describe("Only show the user's own logs"))
        .feature(F::toggle("sip_account").describe("Connect a SIP phone"))
        .feature(F::toggle("business_hours").describe("Set own business hours"))
        .feature(F::toggle("snooze").adjustable().describe("Snooze incoming calls"))
        .feature(F::toggle("edit_call_forwarding").describe("Edit call forwarding"))
        .feature(F::toggle("join_open_groups").describe("Join open groups"))
        .feature(F::toggle("edit_settings").describe("Edit own settings (the self-service gate)"))
        .feature(F::toggle("video_conference").adjustable().platforms(not_desk_phone).describe("Video tab"))
        .feature(F::toggle("analytics").describe("Statistics tab"))
        .feature(F::toggle("power_dialer").adjustable().describe("Power dialer"))
        .feature(F::toggle("contacts").describe("Contacts tab"))
        .feature(F::toggle("one_way_sms").requires("sms").describe("One-way SMS on behalf of the brand"))
        // Calls (Ringover).
        .feature(F::toggle("show_waiting_list").describe("Show the waiting list"))
        .feature(
            F::toggle("pick_up_waiting_calls")
                .requires("show_waiting_list")
                .describe("Pick up calls from the waiting list"),
        )
        .feature(F::restriction("anonymous_incoming").default(false).describe("Make all incoming calls anonymous"))
        .feature(F::toggle("tag_calls").describe("Tag calls"))
        .feature(F::limit("after_call_work_seconds", 0, 3600).describe("After-call work duration in seconds"))
        .feature(
            F::restriction("tags_required")
                .default(false)
                .requires("tag_calls")
                .describe("A tag is required to close after-call work"),
        )
        .feature(
            F::restriction("note_required")
                .default(false)
                .requires_at_least("after_call_work_seconds", 1)
                .describe("A note is required to close after-call work"),
        )
        .feature(F::toggle("out_of_plan_destinations").describe("Call destinations outside the plan"))
        .feature(F::toggle("special_numbers").describe("Call special and premium numbers"))
        .feature(F::toggle("international_calls").requires("calls").describe("Call international destinations"))
        .feature(F::limit("max_channels", 0, 100).default(1).describe("Simultaneous calls"))
        // Caller ID and add-ons (Ringover).
        .feature(F::toggle("edit_caller_id").describe("Choose the caller ID"))
        .feature(
            F::choice("caller_id_mode", &["fixed", "assigned_ivr", "selected", "all"])
                .describe("Caller IDs offered: fixed, assigned IVR numbers, a selected list, all numbers"),
        )
        .feature(F::list("caller_id_numbers").refers_to(Refers::Numbers).describe("Numbers offered when caller_id_mode is selected"))
        .feature(F::toggle("local_presence").describe("Use a local-presence number"))
        .feature(F::toggle("voicemail_drop").requires("voicemail").describe("Drop a pre-recorded voicemail"))
        // Recording and monitoring (Ringover, SIMtrix).
        .feature(F::toggle("can_be_listened").describe("Supervisors may listen to this user's calls"))
        .feature(F::toggle("listen_live").describe("Double listen and whisper (supervisor)"))
        .feature(
            F::toggle("start_stop_recording")
                .requires("record_conversations")
                .describe("Start and stop recording during a call"),
        )
        .feature(F::toggle("record_conversations").adjustable().describe("Record conversations"))
        .feature(
            F::list_of(
                "recording_directions",
                &["inbound_internal", "inbound_external", "outbound_internal", "outbound_external"],
            )
            .default("any")
            .describe("Call directions that are recorded"),
        )
        .feature(F::restriction("notify_when_recording").describe("Announce recording to the caller"))
        .feature(F::limit("recording_percentage", 0, 100).default(100).describe("Percentage of calls recorded"))
        // Dashboard access (Ringover).
        .feature(F::access("dashboard_activities").describe("Dashboard: activities"))
        .feature(F::access("dashboard_logs").describe("Dashboard: logs"))
        .feature(F::access("dashboard_statistics").describe("Dashboard: statistics"))
        .feature(F::access("dashboard_ivr").describe("Dashboard: IVR"))
        .feature(F::access("dashboard_billing").describe("Dashboard: billing"))
        .feature(F::access("user_management").describe("Manage users (delegated administration)"))
        // Feature sets and dial rights (SIMtrix).
        .feature(F::toggle("calls").describe("Make and receive calls"))
        .feature(F::toggle("sms").describe("Send and receive SMS"))
        .feature(F::toggle("crm_overlay").adjustable().platforms(Platforms::ANDROID).describe("CRM overlay during calls"))
        .feature(
            F::list("allowed_country_codes")
                .default("any")
                .describe("E.164 country codes the user may call"),
        )
        .self_service_gate("edit_settings")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The invariant the `expect` above relies on.
    #[test]
    fn the_standard_catalog_builds() {
        assert!(standard_def().def().build_unchecked_id().is_ok());
    }
}
