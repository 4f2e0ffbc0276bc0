//! `Catalog::standard()` checked row by row against SPEC Appendix A ("The standard catalog").
//!
//! The expected table below is written from the spec text alone, independently of
//! `src/catalog/standard.rs`, so that it is a real second reading of the appendix:
//! - "Unless noted, a toggle defaults to off, an access to `none`, a list to empty, and the merge
//!   rule is MostPermissive." Nothing in the appendix notes another merge rule.
//! - A "restriction toggle" is `Kind::Restriction`; its default "on" is `Value::Restriction(true)`
//!   (the restriction applies).
//! - "req X" is `Condition::On`; "req X ≥ level" is `Condition::AtLeast(level)`.
//! - "dev: not desk_phone" is every platform but `DESK_PHONE`; no device note means every platform
//!   and no minimum app version.
//! - "list over {a, b}" is a closed list with items `[a, b]` in the spec's order; "list of …" is an
//!   open list (`items: None`). Default "any" is `ListValue::Any`.

use std::collections::BTreeSet;

use pbx_entitlements::{
    Access, Catalog, ChoiceValue, Condition, Kind, ListValue, MergeRule, Platforms, RawValue,
    Value, ValueError,
};

/// One expected row of Appendix A (one key).
struct Row {
    key: &'static str,
    kind: Kind,
    default: Value,
    merge: MergeRule,
    requires: Vec<(&'static str, Condition)>,
    platforms: Platforms,
    adjustable: bool,
    seats: bool,
}

impl Row {
    fn new(key: &'static str, kind: Kind, default: Value) -> Row {
        Row {
            key,
            kind,
            default,
            merge: MergeRule::MostPermissive,
            requires: Vec::new(),
            platforms: Platforms::all(),
            adjustable: false,
            seats: false,
        }
    }

    /// A toggle, default off.
    fn toggle(key: &'static str) -> Row {
        Row::new(key, Kind::Toggle, Value::Toggle(false))
    }

    /// A restriction toggle; `on` = the restriction applies by default.
    fn restriction(key: &'static str, on: bool) -> Row {
        Row::new(key, Kind::Restriction, Value::Restriction(on))
    }

    /// An access, default `none`.
    fn access(key: &'static str) -> Row {
        Row::new(key, Kind::Access, Value::Access(Access::None))
    }

    fn limit(key: &'static str, min: i64, max: i64, default: i64) -> Row {
        Row::new(key, Kind::Limit { min, max }, Value::Limit(default))
    }

    /// A choice whose default is its first (least permissive) option.
    fn choice(key: &'static str, options: &[&str]) -> Row {
        Row::new(
            key,
            Kind::Choice {
                options: options.iter().map(|o| (*o).to_owned()).collect(),
            },
            Value::Choice(ChoiceValue::new(0, options[0])),
        )
    }

    /// An open list ("list of …"), default empty.
    fn open_list(key: &'static str) -> Row {
        Row::new(
            key,
            Kind::List {
                items: None,
                max_entries: None,
                max_chars: None,
            },
            Value::List(ListValue::Only(BTreeSet::new())),
        )
    }

    /// A closed list ("list over {…}"), default empty.
    fn closed_list(key: &'static str, items: &[&str]) -> Row {
        Row::new(
            key,
            Kind::List {
                items: Some(items.iter().map(|i| (*i).to_owned()).collect()),
                max_entries: None,
                max_chars: None,
            },
            Value::List(ListValue::Only(BTreeSet::new())),
        )
    }

    fn default_any(mut self) -> Row {
        self.default = Value::List(ListValue::Any);
        self
    }

    fn max_chars(mut self, max: u32) -> Row {
        match &mut self.kind {
            Kind::List { max_chars, .. } => *max_chars = Some(max),
            other => panic!("{}: max_chars on a non-list kind {other:?}", self.key),
        }
        self
    }

    /// "req X": X must be on.
    fn req(mut self, feature: &'static str) -> Row {
        self.requires.push((feature, Condition::On));
        self
    }

    /// "req X ≥ level".
    fn req_at_least(mut self, feature: &'static str, level: Value) -> Row {
        self.requires.push((feature, Condition::AtLeast(level)));
        self
    }

    fn dev(mut self, platforms: Platforms) -> Row {
        self.platforms = platforms;
        self
    }

    fn adj(mut self) -> Row {
        self.adjustable = true;
        self
    }

    fn seats(mut self) -> Row {
        self.seats = true;
        self
    }
}

/// `recordings_replay ≥ own`: `own` is the second option of `none < own < all`.
fn replay_own() -> Value {
    Value::Choice(ChoiceValue::new(1, "own"))
}

fn not_desk_phone() -> Platforms {
    Platforms::all().difference(Platforms::DESK_PHONE)
}

/// SPEC Appendix A, one entry per key, in the order of the appendix.
fn appendix_a() -> Vec<Row> {
    vec![
        // edition_business, edition_ios, edition_android, edition_desktop | toggle | off |
        // seats; dev: ios / android / desktop for the platform editions
        Row::toggle("edition_business").seats(),
        Row::toggle("edition_ios").seats().dev(Platforms::IOS),
        Row::toggle("edition_android")
            .seats()
            .dev(Platforms::ANDROID),
        Row::toggle("edition_desktop")
            .seats()
            .dev(Platforms::DESKTOP),
        // module_crm | toggle | off | seats
        Row::toggle("module_crm").seats(),
        // chat, access_codes, do_not_disturb, voicemail, agent_pause | toggle | off |
        // tenant switches; chat, do_not_disturb, voicemail adj; chat dev: not desk_phone
        Row::toggle("chat").adj().dev(not_desk_phone()),
        Row::toggle("access_codes"),
        Row::toggle("do_not_disturb").adj(),
        Row::toggle("voicemail").adj(),
        Row::toggle("agent_pause"),
        // website_login, phone_manager | toggle | off | client access
        Row::toggle("website_login"),
        Row::toggle("phone_manager"),
        // user_portal, enduser_wizard | toggle | off | enduser_wizard req user_portal
        Row::toggle("user_portal"),
        Row::toggle("enduser_wizard").req("user_portal"),
        // call_operations | list over {desk_phone, softphone} | empty | req user_portal
        Row::closed_list("call_operations", &["desk_phone", "softphone"]).req("user_portal"),
        // menu_* | access | none | req user_portal
        Row::access("menu_profile").req("user_portal"),
        Row::access("menu_call_handling").req("user_portal"),
        Row::access("menu_personal_directory").req("user_portal"),
        Row::access("menu_button_programming").req("user_portal"),
        Row::access("menu_download_applications").req("user_portal"),
        // recordings_replay | choice none < own < all | none
        Row::choice("recordings_replay", &["none", "own", "all"]),
        // recordings_replay_groups | list of group ids | empty | req recordings_replay ≥ own
        Row::open_list("recordings_replay_groups").req_at_least("recordings_replay", replay_own()),
        // recordings_replay_others | list of numbers | empty | req recordings_replay ≥ own;
        // serialised `;`-joined ≤ 127 characters
        Row::open_list("recordings_replay_others")
            .max_chars(127)
            .req_at_least("recordings_replay", replay_own()),
        // recordings_download | toggle | off | req recordings_replay ≥ own
        Row::toggle("recordings_download").req_at_least("recordings_replay", replay_own()),
        // recordings_delete | toggle | off | never implied by replay or download
        Row::toggle("recordings_delete"),
        // call_reporting | toggle | off | req user_portal
        Row::toggle("call_reporting").req("user_portal"),
        // only_own_logs | restriction toggle | on
        Row::restriction("only_own_logs", true),
        // sip_account, business_hours, snooze, edit_call_forwarding, join_open_groups |
        // toggle | off | snooze adj
        Row::toggle("sip_account"),
        Row::toggle("business_hours"),
        Row::toggle("snooze").adj(),
        Row::toggle("edit_call_forwarding"),
        Row::toggle("join_open_groups"),
        // edit_settings | toggle | off | the self-service gate
        Row::toggle("edit_settings"),
        // video_conference, analytics, power_dialer, contacts | toggle | off |
        // video_conference, power_dialer adj; video_conference dev: not desk_phone
        Row::toggle("video_conference").adj().dev(not_desk_phone()),
        Row::toggle("analytics"),
        Row::toggle("power_dialer").adj(),
        Row::toggle("contacts"),
        // one_way_sms | toggle | off | req sms
        Row::toggle("one_way_sms").req("sms"),
        // show_waiting_list | toggle | off
        Row::toggle("show_waiting_list"),
        // pick_up_waiting_calls | toggle | off | req show_waiting_list
        Row::toggle("pick_up_waiting_calls").req("show_waiting_list"),
        // anonymous_incoming | restriction toggle | off
        Row::restriction("anonymous_incoming", false),
        // tag_calls | toggle | off
        Row::toggle("tag_calls"),
        // after_call_work_seconds | limit 0..=3600 | 0
        Row::limit("after_call_work_seconds", 0, 3600, 0),
        // tags_required | restriction toggle | off | req tag_calls
        Row::restriction("tags_required", false).req("tag_calls"),
        // note_required | restriction toggle | off | req after_call_work_seconds ≥ 1
        Row::restriction("note_required", false)
            .req_at_least("after_call_work_seconds", Value::Limit(1)),
        // out_of_plan_destinations, special_numbers, international_calls | toggle | off |
        // cost money; international_calls req calls
        Row::toggle("out_of_plan_destinations"),
        Row::toggle("special_numbers"),
        Row::toggle("international_calls").req("calls"),
        // max_channels | limit 0..=100 | 1
        Row::limit("max_channels", 0, 100, 1),
        // edit_caller_id | toggle | off
        Row::toggle("edit_caller_id"),
        // caller_id_mode | choice fixed < assigned_ivr < selected < all | fixed
        Row::choice(
            "caller_id_mode",
            &["fixed", "assigned_ivr", "selected", "all"],
        ),
        // caller_id_numbers | list of numbers | empty
        Row::open_list("caller_id_numbers"),
        // local_presence | toggle | off
        Row::toggle("local_presence"),
        // voicemail_drop | toggle | off | req voicemail
        Row::toggle("voicemail_drop").req("voicemail"),
        // can_be_listened | toggle | off
        Row::toggle("can_be_listened"),
        // listen_live | toggle | off
        Row::toggle("listen_live"),
        // start_stop_recording | toggle | off | req record_conversations
        Row::toggle("start_stop_recording").req("record_conversations"),
        // record_conversations | toggle | off | adj
        Row::toggle("record_conversations").adj(),
        // recording_directions | list over {inbound_internal, inbound_external,
        // outbound_internal, outbound_external} | any
        Row::closed_list(
            "recording_directions",
            &[
                "inbound_internal",
                "inbound_external",
                "outbound_internal",
                "outbound_external",
            ],
        )
        .default_any(),
        // notify_when_recording | restriction toggle | on
        Row::restriction("notify_when_recording", true),
        // recording_percentage | limit 0..=100 | 100
        Row::limit("recording_percentage", 0, 100, 100),
        // dashboard_* | access | none
        Row::access("dashboard_activities"),
        Row::access("dashboard_logs"),
        Row::access("dashboard_statistics"),
        Row::access("dashboard_ivr"),
        Row::access("dashboard_billing"),
        // user_management | access | none
        Row::access("user_management"),
        // calls, sms | toggle | off
        Row::toggle("calls"),
        Row::toggle("sms"),
        // crm_overlay | toggle | off | adj; dev: android
        Row::toggle("crm_overlay").adj().dev(Platforms::ANDROID),
        // allowed_country_codes | list of E.164 country codes | any | international destinations
        // also need international_calls (a dial-plan rule, §7, not a catalog requirement)
        Row::open_list("allowed_country_codes").default_any(),
    ]
}

/// The number of keys in Appendix A.
const APPENDIX_A_KEYS: usize = 71;

#[test]
fn table_has_one_row_per_appendix_key() {
    let rows = appendix_a();
    assert_eq!(rows.len(), APPENDIX_A_KEYS);
    let keys: BTreeSet<&str> = rows.iter().map(|r| r.key).collect();
    assert_eq!(
        keys.len(),
        rows.len(),
        "duplicate key in the expected table"
    );
}

#[test]
fn every_appendix_row_matches_the_standard_catalog() {
    let catalog = Catalog::standard();
    for row in appendix_a() {
        let key = row.key;
        let Some(feature) = catalog.by_key(key) else {
            panic!("{key}: missing from Catalog::standard()");
        };
        let id = catalog.feature_id(key).unwrap();
        assert_eq!(catalog.key(id), key, "{key}: key(id(key))");
        assert_eq!(feature.key(), key, "{key}: Feature::key");
        assert_eq!(feature.kind(), &row.kind, "{key}: kind");
        assert_eq!(feature.default(), &row.default, "{key}: default");
        assert!(
            feature.kind().admits(feature.default()),
            "{key}: default {:?} does not fit kind {:?}",
            feature.default(),
            feature.kind()
        );
        assert_eq!(feature.merge(), row.merge, "{key}: merge rule");

        let mut actual: Vec<(String, Condition)> = feature
            .requires()
            .iter()
            .map(|r| (catalog.key(r.feature).to_owned(), r.condition.clone()))
            .collect();
        actual.sort_by(|a, b| a.0.cmp(&b.0));
        let mut expected: Vec<(String, Condition)> = row
            .requires
            .iter()
            .map(|(k, c)| ((*k).to_owned(), c.clone()))
            .collect();
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(actual, expected, "{key}: requirements");

        assert_eq!(
            feature.device().platforms,
            row.platforms,
            "{key}: device platforms (expected {}, found {})",
            row.platforms,
            feature.device().platforms
        );
        assert_eq!(
            feature.device().min_version,
            None,
            "{key}: Appendix A gives no minimum app version"
        );
        assert_eq!(feature.adjustable(), row.adjustable, "{key}: adjustable");
        assert_eq!(feature.seats(), row.seats, "{key}: seats");
    }
}

#[test]
fn catalog_has_no_key_outside_appendix_a() {
    let catalog = Catalog::standard();
    let expected: BTreeSet<&str> = appendix_a().iter().map(|r| r.key).collect();
    let extra: Vec<&str> = catalog
        .iter()
        .map(|(_, f)| f.key())
        .filter(|k| !expected.contains(k))
        .collect();
    assert!(
        extra.is_empty(),
        "keys in Catalog::standard() but not in Appendix A: {extra:?}"
    );
    assert_eq!(catalog.len(), APPENDIX_A_KEYS, "catalog size");
    assert_eq!(catalog.iter().len(), catalog.len(), "iter length");
}

#[test]
fn self_service_gate_is_edit_settings() {
    let catalog = Catalog::standard();
    let gate = catalog
        .self_service_gate()
        .expect("the standard catalog has a self-service gate");
    assert_eq!(catalog.key(gate), "edit_settings");
    assert_eq!(Some(gate), catalog.feature_id("edit_settings"));
}

#[test]
fn every_requirement_target_exists_and_fits_its_kind() {
    let catalog = Catalog::standard();
    for (_, feature) in catalog.iter() {
        let key = feature.key();
        for req in feature.requires() {
            let Some(target) = catalog.get(req.feature) else {
                panic!(
                    "{key}: requirement points at unknown feature {}",
                    req.feature
                );
            };
            assert_ne!(target.key(), key, "{key}: requires itself");
            if let Condition::AtLeast(level) = &req.condition {
                assert!(
                    target.kind().admits(level),
                    "{key}: requires {} ≥ {level:?}, which is not a value of its kind {:?}",
                    target.key(),
                    target.kind()
                );
            }
        }
    }
}

#[test]
fn standard_catalog_round_trips_through_json() {
    let catalog = Catalog::standard();
    let json = serde_json::to_string(&catalog).unwrap();
    let back: Catalog = serde_json::from_str(&json).unwrap();
    assert_eq!(back, catalog);
    // And serialising again is stable.
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}

/// Distinct 7-digit numbers; `n` of them joined with `;` are `8 * n - 1` characters.
fn numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{}", 2_000_000 + i)).collect()
}

fn joined_len(items: &[String]) -> usize {
    items.join(";").chars().count()
}

#[test]
fn recordings_replay_others_is_bounded_at_127_characters() {
    let catalog = Catalog::standard();
    let kind = catalog.by_key("recordings_replay_others").unwrap().kind();

    // 16 numbers of 7 digits: 16 * 7 + 15 separators = 127.
    let fits = numbers(16);
    assert_eq!(joined_len(&fits), 127);
    let parsed = kind.parse(&RawValue::List(fits.clone())).unwrap();
    assert_eq!(parsed, Value::List(ListValue::of(fits.clone())));

    // One more digit on one entry: 128.
    let mut too_long = fits;
    too_long[0].push('9');
    assert_eq!(joined_len(&too_long), 128);
    assert_eq!(
        kind.parse(&RawValue::List(too_long)),
        Err(ValueError::TooLong {
            chars: 128,
            max: 127
        })
    );

    // A single entry: the bound is on characters, not entries.
    let one_127 = vec!["1".repeat(127)];
    assert!(kind.parse(&RawValue::List(one_127)).is_ok());
    let one_128 = vec!["1".repeat(128)];
    assert!(matches!(
        kind.parse(&RawValue::List(one_128)),
        Err(ValueError::TooLong {
            chars: 128,
            max: 127
        })
    ));
}
