//! Runs `examples/resolve.rs` as a black box: arguments in, stdout, stderr and exit code out.
//!
//! `CARGO_BIN_EXE_*` exists only for `[[bin]]` targets, and `cargo test --test resolve_cli` does
//! not build examples, so the binary is found next to this test's own executable
//! (`target/<profile>/deps/` → `target/<profile>/examples/resolve`), after one
//! `cargo build --example resolve` per test process (a no-op when it is up to date, and it keeps
//! a stale binary from being tested).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/demo.json");

/// The built example, built once per test process.
fn resolve_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's path");
        let deps = exe.parent().expect("target/<profile>/deps");
        let profile_dir = deps.parent().expect("target/<profile>");
        let target_dir = profile_dir.parent().expect("target");
        let bin = profile_dir
            .join("examples")
            .join(format!("resolve{}", std::env::consts::EXE_SUFFIX));
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev",
            Some(other) => other,
        };
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "build",
                "--quiet",
                "--example",
                "resolve",
                "--profile",
                profile,
            ])
            .arg("--target-dir")
            .arg(target_dir)
            .status();
        match status {
            Ok(s) if s.success() => {}
            // Without a working cargo, an existing binary is still worth testing.
            _ if bin.is_file() => {}
            other => panic!("cannot build the resolve example: {other:?}"),
        }
        assert!(bin.is_file(), "no example binary at {}", bin.display());
        bin
    })
}

/// Runs the example with these arguments and, if given, this text on stdin.
fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(resolve_bin())
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    if let Some(text) = stdin {
        // Written from a thread so a child that writes before reading all input cannot block.
        let mut pipe = child.stdin.take().expect("piped stdin");
        let text = text.to_owned();
        std::thread::spawn(move || {
            // The child may exit without reading everything; that is its business.
            let _ = pipe.write_all(text.as_bytes());
        });
    }
    child.wait_with_output().expect("the example runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}

/// A file under the temp dir with a name no other test or process uses; removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &str) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "pbx-entitlements-resolve-cli-{}-{}.json",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, contents).expect("write the temp file");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Byte offset of `needle` in `haystack`, failing the test if it is absent.
fn position(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in output:\n{haystack}"))
}

#[test]
fn demo_resolves_every_user_in_id_order() {
    let output = run(&[DEMO], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let json: Value = serde_json::from_str(&text).expect("stdout is JSON");

    let top = json.as_object().expect("an object");
    assert_eq!(top.keys().collect::<Vec<_>>(), ["users"]);
    let users = json["users"].as_object().expect("users is an object");
    assert_eq!(
        users.keys().collect::<Vec<_>>(),
        ["alice", "bob", "carol", "dave", "erin"]
    );
    assert!(json["users"]["alice"]["max_channels"].is_number());

    // `serde_json::Value` sorts keys, so the order is checked on the text itself: users in id
    // order, features in catalog order (not alphabetical).
    let at: Vec<usize> = ["alice", "bob", "carol", "dave", "erin"]
        .iter()
        .map(|id| position(&text, &format!("\"{id}\": {{")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "users out of order");
    let alice = &text[at[0]..at[1]];
    let features: Vec<usize> = ["\"edition_business\"", "\"chat\"", "\"max_channels\""]
        .iter()
        .map(|key| position(alice, key))
        .collect();
    assert!(
        features.windows(2).all(|w| w[0] < w[1]),
        "features out of order"
    );
}

#[test]
fn stdin_is_read_for_a_dash() {
    let demo = std::fs::read_to_string(DEMO).expect("the demo file");
    let from_stdin = run(&["-"], Some(&demo));
    let from_file = run(&[DEMO], None);
    assert_eq!(from_stdin.status.code(), Some(0), "{}", stderr(&from_stdin));
    assert_eq!(stdout(&from_stdin), stdout(&from_file));
}

#[test]
fn user_limits_the_output_to_one_user() {
    let output = run(&["--user", "bob", DEMO], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).expect("stdout is JSON");
    let users = json["users"].as_object().expect("users is an object");
    assert_eq!(users.keys().collect::<Vec<_>>(), ["bob"]);
    assert!(json["users"]["bob"]["max_channels"].is_number());
}

#[test]
fn explain_prints_one_line_of_english() {
    let output = run(&["--explain", "alice", "max_channels", DEMO], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("max_channels = "), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn an_invalid_tenant_lists_every_problem_and_exits_1() {
    let mut tenant: Value =
        serde_json::from_str(&std::fs::read_to_string(DEMO).expect("the demo file"))
            .expect("the demo is JSON");
    let bob = tenant["users"]
        .as_array_mut()
        .expect("users")
        .iter_mut()
        .find(|u| u["id"] == "bob")
        .expect("bob");
    bob["overrides"]["max_channels"] = "two".into();
    bob["roles"] = serde_json::json!(["ghost"]);
    let file = TempFile::new(&tenant.to_string());

    let output = run(&[file.path()], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let text = stderr(&output);
    assert!(text.contains("2 problems"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("users[bob].overrides.max_channels: ")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("users[bob].roles: ")),
        "{text}"
    );
}

#[test]
fn malformed_json_exits_1_with_the_position() {
    let file = TempFile::new("{\"version\": 1,\n  \"tenant\": \"acme\",,\n}");
    let output = run(&[file.path()], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let text = stderr(&output);
    assert!(text.contains("line 2 column"), "{text}");

    let output = run(&["-"], Some("{\"version\": "));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("line 1"), "{}", stderr(&output));
}

#[test]
fn unknown_user_or_feature_exits_2() {
    for args in [
        &["--user", "mallory", DEMO][..],
        &["--explain", "mallory", "chat", DEMO],
        &["--explain", "alice", "no_such_feature", DEMO],
    ] {
        let output = run(args, None);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn usage_on_help_and_on_bad_arguments() {
    let help = run(&["--help"], None);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("usage:"));

    for args in [
        &[][..],
        &["--bogus", DEMO],
        &["--user"],
        &["--explain", "alice", DEMO],
        &[DEMO, DEMO],
    ] {
        let output = run(args, None);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains("usage:"), "{args:?}");
    }
}

/// A document written for a vendor catalog names it by id; the catalog comes with `--catalog`.
#[test]
fn a_vendor_catalog_is_given_with_its_own_file() {
    let catalog = TempFile::new(
        r#"{"id": "acme-v2",
            "features": [{"key": "call_park", "kind": "toggle"},
                         {"key": "max_channels", "kind": {"limit": {"min": 0, "max": 10}}, "default": 2}],
            "self_service_gate": null}"#,
    );
    let tenant = TempFile::new(
        r#"{"version": 1, "tenant": "t", "catalog": "acme-v2",
            "plan": {"id": "p", "features": "all"},
            "users": [{"id": "u", "overrides": {"call_park": true}}]}"#,
    );

    let out = run(
        &["--catalog", catalog.path(), "--user", "u", tenant.path()],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).expect("JSON output");
    assert_eq!(json["users"]["u"]["call_park"], true);
    assert_eq!(json["users"]["u"]["max_channels"], 2);

    // Without the catalog, the document names one the program does not know.
    let out = run(&[tenant.path()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("catalog: unknown catalog `acme-v2`"),
        "{}",
        stderr(&out)
    );

    // With the standard document, the vendor catalog is a mismatch, never a silent re-read.
    let out = run(&["--catalog", catalog.path(), DEMO], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "catalog: the document names catalog `standard` but is validated against catalog `acme-v2`"
        ),
        "{}",
        stderr(&out)
    );
}

/// `--ask`: one answer per question, in order; a question naming an unknown user or malformed
/// in itself gets `{"error": …}` and the rest are answered; the tenant and the questions file
/// may come in either order.
#[test]
fn ask_answers_every_question_in_order() {
    let questions = TempFile::new(
        r#"[
        {"ask": "attribute", "at": 1763900000, "extension": "201", "agent": "5001"},
        {"ask": "attribute", "at": 1763900000, "extension": "999"},
        {"ask": "replay", "viewer": "bob", "recording": {"id": "r1", "start": 1763900000, "legs": [{"extension": "202"}]}},
        {"ask": "replay", "viewer": "erin", "recording": {"id": "r1", "start": 1763900000, "legs": [{"extension": "202"}]}},
        {"ask": "download", "viewer": "alice", "recording": {"id": "r2", "start": 0, "legs": [{"extension": "205"}]}},
        {"ask": "delete", "viewer": "alice", "recording": {"id": "r2", "start": 0, "legs": [{"extension": "205"}]}},
        {"ask": "listen_live", "viewer": "alice", "target": "bob"},
        {"ask": "record", "call": {"id": "c1", "start": 1763900000, "user": "carol", "direction": "inbound", "reach": "external"}},
        {"ask": "record", "call": {"id": "c1", "start": 1763900000, "user": "alice", "direction": "inbound", "reach": "external"}},
        {"ask": "replay", "viewer": "zed", "recording": {"id": "r1", "start": 0}},
        {"ask": "replay", "viewer": "bob", "recording": {"id": "r1", "start": 1.5}},
        ["replay", "bob"],
        {"ask": "fly"},
        {"ask": "replay", "viewer": "bob"}
    ]"#,
    );
    let expected = serde_json::json!([
        {"user": "alice"},
        {"user": null},
        {"allowed": true, "reason": "own: leg 202 was bob's at start"},
        {"allowed": false, "reason": "replay is none"},
        {"allowed": true, "reason": "download is on and replay is all"},
        {"allowed": false, "reason": "recordings_delete is off for alice"},
        {"allowed": false, "reason": "target bob cannot be listened to"},
        {"record": true, "notify": true, "reason": "record_conversations is on and inbound_external calls are in recording_directions"},
        {"record": false, "notify": false, "reason": "the user's own switch turns record_conversations off"},
        {"error": "unknown user `zed`"},
        {"error": "recording.start: invalid type: floating point `1.5`, expected i64"},
        {"error": "(document): invalid type: sequence, expected a question object"},
        {"error": "ask: unknown variant `fly`, expected one of `attribute`, `replay`, `download`, `delete`, `listen_live`, `record`, `device`, `dial`, `caller_ids`, `grant`"},
        {"error": "(document): missing field `recording` of a replay question"}
    ]);
    for args in [
        &[DEMO, "--ask", questions.path()][..],
        &["--ask", questions.path(), DEMO],
    ] {
        let output = run(args, None);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let answers: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(answers, expected, "{args:?}");
    }
}

/// A questions file that cannot be read, is not JSON or is not an array exits 1.
#[test]
fn ask_with_an_unreadable_questions_file_exits_1() {
    let not_json = TempFile::new("[{\"ask\": ");
    let not_array = TempFile::new(r#"{"ask": "attribute", "at": 0, "extension": "201"}"#);
    for path in [
        not_json.path(),
        not_array.path(),
        "/nonexistent/questions.json",
    ] {
        let output = run(&[DEMO, "--ask", path], None);
        assert_eq!(output.status.code(), Some(1), "{path}");
        assert!(output.stdout.is_empty(), "{path}");
        assert!(
            stderr(&output).contains(path),
            "{path}: {}",
            stderr(&output)
        );
    }
    let both = run(&["-", "--ask", "-"], Some("{}"));
    assert_eq!(both.status.code(), Some(2));
}

/// `--devices`: every device's entitlements under `devices`, in id order; a device lacks what
/// its platform cannot support (crm_overlay is Android-only; d1 is an iPhone).
#[test]
fn devices_mode_prints_every_device() {
    let output = run(&["--devices", DEMO], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(position(&text, "\"d1\"") < position(&text, "\"d2\""));
    assert!(position(&text, "\"d2\"") < position(&text, "\"d3\""));
    let json: Value = serde_json::from_str(&text).unwrap();
    let users = serde_json::from_str::<Value>(&stdout(&run(&[DEMO], None))).unwrap();
    assert_eq!(users["users"]["alice"]["crm_overlay"], true);
    assert_eq!(json["devices"]["d1"]["crm_overlay"], false);
    assert_eq!(
        json["devices"]["d1"]["max_channels"],
        users["users"]["alice"]["max_channels"]
    );
}

/// `--licences`: per seat-licensed feature, bought / wanted / granted / over; per user, the
/// seat-licensed features held.
#[test]
fn licences_mode_prints_the_licence_counter() {
    let output = run(&["--licences", DEMO], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        json["features"]["module_crm"],
        serde_json::json!({"bought": 2, "wanted": 2, "granted": 2, "over": []})
    );
    assert_eq!(
        json["users"]["dave"],
        serde_json::json!(["edition_business"])
    );
}

/// `--audit`: every finding as `{"path", "kind", "message"}`, in that key order; a tenant
/// without findings prints an empty list; `--audit` does not combine with `--user`.
#[test]
fn audit_mode_prints_every_finding() {
    let output = run(&["--audit", DEMO], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        json["findings"][1],
        serde_json::json!({
            "path": "users[bob].overrides.access_codes",
            "kind": "shadowed_entry",
            "message": "sets true, but the tenant policy locks access_codes at false"
        })
    );
    assert!(position(&text, "\"path\"") < position(&text, "\"kind\""));
    assert!(position(&text, "\"kind\"") < position(&text, "\"message\""));

    let clean = TempFile::new(
        r#"{"version": 1, "tenant": "t", "plan": {"id": "p", "features": "all"},
            "users": [{"id": "alice", "overrides": {"calls": true}}]}"#,
    );
    let output = run(&[clean.path(), "--audit"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json, serde_json::json!({"findings": []}));

    let both = run(&["--audit", "--user", "alice", DEMO], None);
    assert_eq!(both.status.code(), Some(2));
    let twice = run(&["--audit", "--licences", DEMO], None);
    assert_eq!(twice.status.code(), Some(2));
}

/// `--diff BEFORE AFTER`: every changed value, users then devices; the same document twice
/// changes nothing; one document is a usage error.
#[test]
fn diff_mode_prints_what_changed() {
    let demo = std::fs::read_to_string(DEMO).unwrap();
    let after = TempFile::new(&demo.replace("\"max_channels\": 3", "\"max_channels\": 1"));
    let output = run(&["--diff", DEMO, after.path()], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"changes": [
            {"user": "alice", "feature": "max_channels", "old": 3, "new": 1},
            {"device": "d1", "feature": "max_channels", "old": 3, "new": 1}
        ]})
    );
    let same = run(&["--diff", DEMO, DEMO], None);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&same)).unwrap(),
        serde_json::json!({"changes": []})
    );
    assert_eq!(run(&["--diff", DEMO], None).status.code(), Some(2));
    assert_eq!(
        run(&["--devices", "--user", "bob", DEMO], None)
            .status
            .code(),
        Some(2)
    );
}

/// The `device` question answers a device's entitlements, or an error for an unknown device.
#[test]
fn ask_a_device() {
    let questions =
        TempFile::new(r#"[{"ask": "device", "device": "d2"}, {"ask": "device", "device": "zz"}]"#);
    let output = run(&[DEMO, "--ask", questions.path()], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let devices: Value = serde_json::from_str(&stdout(&run(&["--devices", DEMO], None))).unwrap();
    assert_eq!(json[0]["entitlements"], devices["devices"]["d2"]);
    assert_eq!(json[1], serde_json::json!({"error": "unknown device `zz`"}));
}

/// The `dial` and `caller_ids` questions.
#[test]
fn ask_dial_and_caller_ids() {
    let questions = TempFile::new(
        r#"[{"ask": "dial", "user": "alice", "number": "112"},
            {"ask": "dial", "user": "erin", "number": "+48221234567"},
            {"ask": "dial", "user": "alice", "number": "22 12"},
            {"ask": "caller_ids", "user": "alice"},
            {"ask": "caller_ids", "user": "zed"}]"#,
    );
    let output = run(&[DEMO, "--ask", questions.path()], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {"allowed": true, "reason": "an emergency number is always allowed"},
            {"allowed": false, "reason": "calls is off"},
            {"error": "`22 12` is not a telephone number (digits, or + and at most 15 digits)"},
            {"numbers": []},
            {"error": "unknown user `zed`"}
        ])
    );
}

/// The `grant` question: the demo's supervisor administers support.
#[test]
fn ask_grant() {
    let questions = TempFile::new(
        r#"[{"ask": "grant", "admin": "alice", "target": "bob", "feature": "max_channels", "value": 2},
            {"ask": "grant", "admin": "alice", "target": "erin", "feature": "max_channels", "value": 2},
            {"ask": "grant", "admin": "alice", "target": "bob", "feature": "max_channels", "value": "two"}]"#,
    );
    let output = run(&[DEMO, "--ask", questions.path()], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json[0]["allowed"], true, "{json}");
    assert_eq!(
        json[1],
        serde_json::json!({"allowed": false, "reason": "erin is outside what alice administers"})
    );
    assert!(
        json[2]["error"]
            .as_str()
            .unwrap()
            .starts_with("max_channels: "),
        "{json}"
    );
}
