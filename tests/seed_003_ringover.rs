//! Seed 003 — Ringover user permissions (`seeds/003_ce4baf2120c0e723.txt`).
//!
//! Per-user toggles and restrictions, their requirements (tags and notes after a call, the
//! waiting list, one-way SMS), play recordings none / own / all, numeric limits, and dashboard
//! access with read vs write from a Supervisor role.
#![allow(dead_code)]

mod support;

use pbx_entitlements::model::{Plan, Tenant};
use pbx_entitlements::{Access, Problem, ValueError};
use serde_json::{Value as Json, json};
use support::{explain, problems, resolve, tenant};

/// One user, `alice`, in department `agents` whose template holds `values`.
fn agents(values: Json) -> Tenant {
    tenant(json!({
        "templates": [{"id": "agents", "values": values}],
        "departments": [{"id": "agents", "template": "agents"}],
        "users": [{"id": "alice", "departments": ["agents"]}]
    }))
}

/// `agents(values)` under another plan.
fn agents_on(plan: Json, values: Json) -> Tenant {
    let mut t = agents(values);
    t.plan = serde_json::from_value(plan).unwrap();
    t
}

/// "Tag calls: allows displaying or hiding the "Tag" field during and after the call." —
/// "Tags required: requires the user to select a tag to close the After-Call window." A tag
/// cannot be required where calls cannot be tagged: without `tag_calls` the restriction is off
/// (its off value is `false`, SPEC §3.1), and the trace says why.
#[test]
fn tags_required_needs_tag_calls() {
    let without = agents(json!({"tags_required": true}));
    assert_eq!(
        resolve(&without, "alice").restriction("tags_required"),
        Ok(false)
    );
    assert_eq!(
        explain(&without, "alice", "tags_required"),
        r#"tags_required = false: template "agents" (department agents) sets true; off because tag_calls is not on"#
    );
    let with = agents(json!({"tags_required": true, "tag_calls": true}));
    assert_eq!(
        resolve(&with, "alice").restriction("tags_required"),
        Ok(true)
    );
    assert_eq!(
        explain(&with, "alice", "tags_required"),
        r#"tags_required = true: template "agents" (department agents) sets true"#
    );
}

/// "AfterCall > After-Call Work Duration: allows defining a downtime after a call" — "Note
/// required: requires the user to select a tag to close the After-Call window." Without an
/// After-Call window (0 seconds) no note can be required.
#[test]
fn note_required_needs_at_least_one_second_of_after_call_work() {
    let note = |seconds: i64| {
        let t = agents(json!({"note_required": true, "after_call_work_seconds": seconds}));
        resolve(&t, "alice").restriction("note_required").ok()
    };
    assert_eq!(note(0), Some(false));
    assert_eq!(note(1), Some(true));
    assert_eq!(note(3600), Some(true));
    assert_eq!(
        explain(
            &agents(json!({"note_required": true})),
            "alice",
            "note_required"
        ),
        r#"note_required = false: template "agents" (department agents) sets true; off because after_call_work_seconds is below 1"#
    );
}

/// "Show the waiting list: … the user can see calls waiting." — "Can pick up calls in waiting
/// list: allows displaying or hiding the "Answer" button on calls in the waiting list." No
/// Answer button on a list the user cannot see.
#[test]
fn picking_up_waiting_calls_needs_the_waiting_list() {
    let hidden = agents(json!({"pick_up_waiting_calls": true}));
    assert_eq!(
        resolve(&hidden, "alice").toggle("pick_up_waiting_calls"),
        Ok(false)
    );
    assert_eq!(
        explain(&hidden, "alice", "pick_up_waiting_calls"),
        r#"pick_up_waiting_calls = false: template "agents" (department agents) sets true; off because show_waiting_list is not on"#
    );
    let shown = agents(json!({"pick_up_waiting_calls": true, "show_waiting_list": true}));
    let e = resolve(&shown, "alice");
    assert_eq!(e.toggle("show_waiting_list"), Ok(true));
    assert_eq!(e.toggle("pick_up_waiting_calls"), Ok(true));
}

/// "Play recordings: allows defining which recordings the user can listen to. You have the
/// choice between "All recordings from the standards", "Only their own", or "None"." A plan
/// whose highest option is "own" caps a template's "all" (SPEC §3.2 layer 5).
#[test]
fn play_recordings_is_a_none_own_all_choice_capped_by_the_plan() {
    for scope in ["none", "own", "all"] {
        let t = agents(json!({"recordings_replay": scope}));
        assert_eq!(resolve(&t, "alice").choice("recordings_replay"), Ok(scope));
    }
    let plan = json!({"id": "smart", "features": "all", "choices": {"recordings_replay": "own"}});
    let capped = agents_on(plan.clone(), json!({"recordings_replay": "all"}));
    assert_eq!(
        resolve(&capped, "alice").choice("recordings_replay"),
        Ok("own")
    );
    assert_eq!(
        explain(&capped, "alice", "recordings_replay"),
        r#"recordings_replay = own: template "agents" (department agents) sets all; plan "smart" caps it at own"#
    );
    let below = agents_on(plan, json!({"recordings_replay": "none"}));
    assert_eq!(
        resolve(&below, "alice").choice("recordings_replay"),
        Ok("none")
    );
}

/// "Maximum number of channels: defines the number of simultaneous incoming and outgoing calls
/// the user can receive or make. It is possible to add additional outgoing channels from the
/// Marketplace." The plan caps what templates and overrides give; values outside the catalog's
/// 0..=100 are validation errors.
#[test]
fn max_channels_is_capped_by_the_plan_and_bounded_by_the_catalog() {
    let plan = json!({"id": "smart", "features": "all", "limits": {"max_channels": 4}});
    let t = tenant(json!({
        "plan": plan,
        "templates": [{"id": "agents", "values": {"max_channels": 10}}],
        "departments": [{"id": "agents", "template": "agents"}],
        "users": [
            {"id": "alice", "departments": ["agents"]},
            {"id": "bob", "departments": ["agents"], "overrides": {"max_channels": 2}},
            {"id": "carol"}
        ]
    }));
    assert_eq!(resolve(&t, "alice").limit("max_channels"), Ok(4));
    assert_eq!(resolve(&t, "bob").limit("max_channels"), Ok(2));
    assert_eq!(resolve(&t, "carol").limit("max_channels"), Ok(1));
    assert_eq!(
        explain(&t, "alice", "max_channels"),
        r#"max_channels = 4: template "agents" (department agents) sets 10; plan "smart" caps it at 4"#
    );

    let too_many = tenant(json!({"users": [{"id": "alice", "overrides": {"max_channels": 101}}]}));
    assert_eq!(
        problems(&too_many),
        [(
            "users[alice].overrides.max_channels".to_owned(),
            Problem::Value(ValueError::OutOfBounds {
                value: 101,
                min: 0,
                max: 100
            })
        )]
    );
}

/// "After-Call Work Duration: allows defining a downtime after a call": a number of seconds
/// within the catalog's 0..=3600, checked by validation at both ends.
#[test]
fn after_call_work_seconds_is_validated_within_0_to_3600() {
    let with = |seconds: i64| agents(json!({"after_call_work_seconds": seconds}));
    assert_eq!(problems(&with(0)), []);
    assert_eq!(problems(&with(3600)), []);
    assert_eq!(
        resolve(&with(3600), "alice").limit("after_call_work_seconds"),
        Ok(3600)
    );
    for bad in [3601, -1] {
        assert_eq!(
            problems(&with(bad)),
            [(
                "templates[agents].values.after_call_work_seconds".to_owned(),
                Problem::Value(ValueError::OutOfBounds {
                    value: bad,
                    min: 0,
                    max: 3600
                })
            )],
            "{bad}"
        );
    }
}

/// "Call recording volume: allows defining the percentage of calls that are recorded": every
/// call by default, a percentage within 0..=100 otherwise.
#[test]
fn recording_percentage_defaults_to_100_and_is_bounded() {
    let t = tenant(json!({"users": [{"id": "alice"}]}));
    assert_eq!(resolve(&t, "alice").limit("recording_percentage"), Ok(100));
    assert_eq!(
        resolve(&agents(json!({"recording_percentage": 25})), "alice")
            .limit("recording_percentage"),
        Ok(25)
    );
    assert_eq!(
        problems(&agents(json!({"recording_percentage": 101}))),
        [(
            "templates[agents].values.recording_percentage".to_owned(),
            Problem::Value(ValueError::OutOfBounds {
                value: 101,
                min: 0,
                max: 100
            })
        )]
    );
}

/// "Only show your logs: the user will only be able to see their logs in the Dashboard
/// sections." A restriction that holds by default (SPEC Appendix A), which a plan cannot remove
/// ("the plan binds rights only"), and which a template may lift.
#[test]
fn only_own_logs_holds_by_default_and_no_plan_removes_it() {
    let t = tenant(json!({"users": [{"id": "alice"}]}));
    assert_eq!(resolve(&t, "alice").restriction("only_own_logs"), Ok(true));

    let mut small = tenant(json!({"users": [{"id": "alice"}]}));
    small.plan = Plan::only("calls_only", ["calls"]);
    let e = resolve(&small, "alice");
    assert_eq!(e.restriction("only_own_logs"), Ok(true));
    assert_eq!(
        explain(&small, "alice", "only_own_logs"),
        "only_own_logs = true: the catalog default is true"
    );

    let lifted = agents(json!({"only_own_logs": false}));
    assert_eq!(
        resolve(&lifted, "alice").restriction("only_own_logs"),
        Ok(false)
    );
}

/// "Make all incoming calls anonymous: hides the caller's number for incoming calls. If the
/// permission is enabled, the Dialer displays "Hidden Number" for all incoming calls." A
/// restriction, off by default; once set it holds even under a plan that does not list it.
#[test]
fn anonymous_incoming_is_a_restriction_the_plan_cannot_remove() {
    let t = tenant(json!({"users": [{"id": "alice"}]}));
    assert_eq!(
        resolve(&t, "alice").restriction("anonymous_incoming"),
        Ok(false)
    );

    let hidden = agents(json!({"anonymous_incoming": true}));
    assert_eq!(
        resolve(&hidden, "alice").restriction("anonymous_incoming"),
        Ok(true)
    );

    let mut small = agents(json!({"anonymous_incoming": true}));
    small.plan = Plan::only("calls_only", ["calls"]);
    assert_eq!(
        resolve(&small, "alice").restriction("anonymous_incoming"),
        Ok(true)
    );
    assert_eq!(
        explain(&small, "alice", "anonymous_incoming"),
        r#"anonymous_incoming = true: template "agents" (department agents) sets true"#
    );
}

/// "One-way texting: allows displaying or hiding the "SMS Notifications" section … in the SMS
/// tab." No SMS tab, no one-way SMS.
#[test]
fn one_way_sms_requires_sms() {
    let without = agents(json!({"one_way_sms": true}));
    assert_eq!(resolve(&without, "alice").toggle("one_way_sms"), Ok(false));
    assert_eq!(
        explain(&without, "alice", "one_way_sms"),
        r#"one_way_sms = false: template "agents" (department agents) sets true; off because sms is not on"#
    );
    let with = agents(json!({"one_way_sms": true, "sms": true}));
    assert_eq!(resolve(&with, "alice").toggle("one_way_sms"), Ok(true));
}

/// "Start/stop recording: allows making the "Record" button clickable" — only meaningful where
/// "Record conversations" authorises recording; "Activate voicemail drop" likewise needs a
/// voicemail.
#[test]
fn start_stop_recording_and_voicemail_drop_need_their_base_feature() {
    let bare = agents(json!({"start_stop_recording": true, "voicemail_drop": true}));
    let e = resolve(&bare, "alice");
    assert_eq!(e.toggle("start_stop_recording"), Ok(false));
    assert_eq!(e.toggle("voicemail_drop"), Ok(false));
    let full = agents(json!({
        "start_stop_recording": true, "record_conversations": true,
        "voicemail_drop": true, "voicemail": true
    }));
    let e = resolve(&full, "alice");
    assert_eq!(e.toggle("start_stop_recording"), Ok(true));
    assert_eq!(e.toggle("voicemail_drop"), Ok(true));
}

/// The "Software Customization", "Calls" and "Recording and Monitoring" permissions a user gets
/// when the admin has set nothing: every right off, restrictions as the catalog sets them, one
/// channel, no after-call work, a fixed caller ID, every call recorded if recording is on and
/// the caller notified.
#[test]
fn an_unconfigured_user_gets_the_closed_defaults() {
    let e = resolve(&tenant(json!({"users": [{"id": "alice"}]})), "alice");
    for key in [
        "sip_account",
        "edit_settings",
        "business_hours",
        "snooze",
        "edit_call_forwarding",
        "join_open_groups",
        "chat",
        "video_conference",
        "analytics",
        "power_dialer",
        "contacts",
        "one_way_sms",
        "show_waiting_list",
        "pick_up_waiting_calls",
        "tag_calls",
        "out_of_plan_destinations",
        "special_numbers",
        "edit_caller_id",
        "local_presence",
        "voicemail_drop",
        "can_be_listened",
        "listen_live",
        "start_stop_recording",
        "record_conversations",
        "recordings_download",
    ] {
        assert_eq!(e.toggle(key), Ok(false), "{key}");
    }
    assert_eq!(e.restriction("tags_required"), Ok(false));
    assert_eq!(e.restriction("note_required"), Ok(false));
    assert_eq!(e.restriction("notify_when_recording"), Ok(true));
    assert_eq!(e.limit("max_channels"), Ok(1));
    assert_eq!(e.limit("after_call_work_seconds"), Ok(0));
    assert_eq!(e.choice("caller_id_mode"), Ok("fixed"));
    assert_eq!(e.choice("recordings_replay"), Ok("none"));
}

/// "Edit caller ID … You can authorize: Only allow IVR numbers that the user is assigned to /
/// All standard numbers / Select numbers from list." A choice from `fixed` up to `all`, which a
/// plan may cap.
#[test]
fn caller_id_mode_is_a_choice_capped_by_the_plan() {
    for mode in ["fixed", "assigned_ivr", "selected", "all"] {
        let t = agents(json!({"edit_caller_id": true, "caller_id_mode": mode}));
        assert_eq!(resolve(&t, "alice").choice("caller_id_mode"), Ok(mode));
    }
    let capped = agents_on(
        json!({"id": "smart", "features": "all", "choices": {"caller_id_mode": "assigned_ivr"}}),
        json!({"edit_caller_id": true, "caller_id_mode": "all"}),
    );
    assert_eq!(
        resolve(&capped, "alice").choice("caller_id_mode"),
        Ok("assigned_ivr")
    );
}

/// "Dashboard Access: … the administrator allows managers to manage users within groups without
/// giving them technical access … Move user management from the 'Technical' role to the
/// 'Supervisor' role and give it access only to "Activities", "Logs", and "Statistics". Add a
/// distinction between read and write permissions for IVRs." — "users with technical access
/// will still be able to configure everything, except ordering new licenses."
fn dashboard_tenant() -> Tenant {
    tenant(json!({
        "templates": [
            {"id": "supervisor", "values": {
                "user_management": "write",
                "dashboard_activities": "read", "dashboard_logs": "read",
                "dashboard_statistics": "read", "dashboard_ivr": "read"
            }},
            {"id": "technical", "values": {
                "dashboard_activities": "write", "dashboard_logs": "write",
                "dashboard_statistics": "write", "dashboard_ivr": "write",
                "dashboard_billing": "read"
            }}
        ],
        "roles": [
            {"id": "supervisor", "template": "supervisor", "rank": 10, "administers": "tenant"},
            {"id": "technical", "template": "technical", "rank": 20}
        ],
        "users": [
            {"id": "sam", "roles": ["supervisor"]},
            {"id": "tess", "roles": ["technical"]},
            {"id": "ava"}
        ]
    }))
}

/// The dashboard levels of a user, in the order activities, logs, statistics, IVR, billing,
/// user management.
fn dashboard(t: &Tenant, user: &str) -> Vec<Option<Access>> {
    let e = resolve(t, user);
    [
        "dashboard_activities",
        "dashboard_logs",
        "dashboard_statistics",
        "dashboard_ivr",
        "dashboard_billing",
        "user_management",
    ]
    .into_iter()
    .map(|k| e.access(k).ok())
    .collect()
}

/// See [`dashboard_tenant`]: the Supervisor role reads activities, logs, statistics and IVRs
/// and manages users; the Technical role writes everything but billing (read only: it cannot
/// order licences) and does not manage users; an agent with no role sees nothing.
#[test]
fn dashboard_access_is_read_or_write_by_role() {
    use Access::{None as No, Read, Write};
    let t = dashboard_tenant();
    let some = |v: [Access; 6]| v.map(Some).to_vec();
    assert_eq!(
        dashboard(&t, "sam"),
        some([Read, Read, Read, Read, No, Write])
    );
    assert_eq!(
        dashboard(&t, "tess"),
        some([Write, Write, Write, Write, Read, No])
    );
    assert_eq!(dashboard(&t, "ava"), some([No, No, No, No, No, No]));
    assert_eq!(
        explain(&t, "sam", "dashboard_ivr"),
        r#"dashboard_ivr = read: template "supervisor" (role supervisor) sets read"#
    );
}

/// A user holding both roles gets the more permissive level of each section (MostPermissive is
/// the default merge rule, SPEC §3.2 layer 3), and the trace names both roles.
#[test]
fn two_dashboard_roles_merge_to_the_more_permissive_level() {
    use Access::{Read, Write};
    let mut t = dashboard_tenant();
    t.users[0].roles.push("technical".into());
    assert_eq!(
        dashboard(&t, "sam"),
        [Write, Write, Write, Write, Read, Write].map(Some).to_vec()
    );
    assert_eq!(
        explain(&t, "sam", "dashboard_ivr"),
        r#"dashboard_ivr = write: template "supervisor" (role supervisor) sets read; template "technical" (role technical) sets write; the most permissive template gives write"#
    );
}
