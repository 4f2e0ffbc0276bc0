//! Dial rights and call recording as SIMtrix sets them per user for its Android app: a
//! "calls only" subscription (calls, no SMS), a country-code filter that keeps a sales team to
//! Poland and the Czech Republic, emergency numbers that always go through, a mistyped number
//! reported as an error rather than a refusal, and call recording that needs both the admin's
//! switch in the panel and the user's own switch in the app.
//!
//! Loads `examples/data/simtrix_dialing.json` (a Polish tenant with five users on the
//! "record-calls-only" plan), prints for each scenario the decision and its reason, and ends
//! with the caller ID each user may present: the number of the SIM card in their phone.
//! Every printed decision is also asserted, so the program fails if the crate misbehaves.
//!
//! Run with `cargo run --example simtrix_dialing`.

use pbx_entitlements::dial::{DialError, DialReason};
use pbx_entitlements::model::{Availability, Call, Direction, Reach, Tenant};
use pbx_entitlements::recording::RecordReason;
use pbx_entitlements::{Resolver, validate};

/// The tenant ships inside the binary: the example runs from any directory.
const TENANT: &str = include_str!("data/simtrix_dialing.json");

/// When the example's calls take place (seconds since the Unix epoch).
const NOW: i64 = 1_763_900_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tenant: Tenant = serde_json::from_str(TENANT)?;
    let index = validate(&tenant)?;
    let resolver = Resolver::new(&index);
    let on_off = |on: bool| if on { "on" } else { "off" };

    let features = match &tenant.plan.features {
        Availability::All => "every feature".to_owned(),
        Availability::Only(keys) => keys.join(", "),
    };
    println!(
        "Tenant `{}` (home country +{}), plan `{}`: {features}.",
        index.tenant(),
        index.home_country_code().unwrap_or("?"),
        index.plan().id(),
    );
    println!(
        "Emergency numbers: {}.\n",
        index.emergency_numbers().join(", ")
    );

    // 1. Calls only: the sales template asks for SMS too, but the plan has none.
    println!("Calls only: what each user gets under the plan\n");
    for user in index.users() {
        let id = user.id().as_str();
        let e = resolver.user(id)?;
        println!(
            "  {id:<8} calls {:<3} sms {:<3} international_calls {:<3} allowed_country_codes {}",
            on_off(e.toggle("calls")?),
            on_off(e.toggle("sms")?),
            on_off(e.toggle("international_calls")?),
            e.list("allowed_country_codes")?,
        );
        assert!(!e.toggle("sms")?, "the plan has no SMS, yet {id} has it");
        assert!(
            !e.toggle("special_numbers")?,
            "the plan has no special numbers"
        );
    }
    println!("\n  {}", resolver.explain("anna", "sms")?);

    // 2. The country-code filter: Poland and the Czech Republic only.
    println!("\nCountry-code filter: Anna may call +48 and +420\n");
    let anna = resolver.dial_rights("anna")?;
    let dial = |number: &'static str| -> Result<_, DialError> {
        let decision = anna.dial(number)?;
        println!("  {number:<15} {decision}");
        Ok(decision)
    };
    let national = dial("585550199")?;
    assert!(national.allowed);
    assert!(matches!(
        national.reason,
        DialReason::Allowed {
            country: None,
            class: None
        }
    ));
    let home = dial("+48225550123")?;
    assert!(
        home.allowed,
        "a +48 number is a home call, not international"
    );
    let prague = dial("+420212345678")?;
    assert!(prague.allowed);
    assert!(matches!(
        prague.reason,
        DialReason::Allowed {
            country: Some("420"),
            ..
        }
    ));
    let london = dial("+442071234567")?;
    assert!(!london.allowed);
    assert!(matches!(
        london.reason,
        DialReason::CountryNotAllowed { code: "44" }
    ));
    // A premium-rate line: the dial plan marks it special, and the plan has no special numbers.
    let premium = dial("700123456")?;
    assert!(!premium.allowed);
    assert!(matches!(premium.reason, DialReason::ClassOff { .. }));

    // 3. Emergency numbers: always allowed, even with calls off.
    println!("\nEmergency numbers: Ewa's calls are switched off by the admin\n");
    let ewa = resolver.dial_rights("ewa")?;
    for number in ["112", "997", "585550199"] {
        let decision = ewa.dial(number)?;
        println!("  {number:<15} {decision}");
        let emergency = number != "585550199";
        assert_eq!(decision.allowed, emergency);
        if emergency {
            assert_eq!(decision.reason, DialReason::Emergency);
        } else {
            assert_eq!(decision.reason, DialReason::CallsOff);
        }
    }

    // The same tenant on an "SMS only" plan: nobody has calls, emergency numbers still work.
    let mut sms_only = tenant.clone();
    sms_only.plan.id = "reach-sms-only".into();
    sms_only.plan.features = Availability::Only(vec!["sms".into()]);
    let sms_index = validate(&sms_only)?;
    let sms_resolver = Resolver::new(&sms_index);
    println!(
        "\n  Under plan `{}` (no calls at all):",
        sms_index.plan().id()
    );
    println!("    {}", sms_resolver.explain("anna", "calls")?);
    let anna_sms = sms_resolver.dial_rights("anna")?;
    for number in ["112", "+420212345678"] {
        let decision = anna_sms.dial(number)?;
        println!("    anna {number:<15} {decision}");
        let expected = if number == "112" {
            DialReason::Emergency
        } else {
            DialReason::CallsOff
        };
        assert_eq!(decision.allowed, number == "112");
        assert_eq!(decision.reason, expected);
    }

    // 4. A mistyped number is an error to report, not a refusal to show the user.
    println!("\nMalformed numbers are errors, not refusals (even for Ewa, who may not call)\n");
    for (user, number) in [("anna", "+48 601 200 301"), ("ewa", "0048-58-555")] {
        let rights = resolver.dial_rights(user)?;
        match rights.dial(number) {
            Err(error @ DialError::Malformed(_)) => {
                println!("  {user:<5} {number:<17} error: {error}")
            }
            other => panic!("{number:?} should be malformed, got {other:?}"),
        }
    }

    // 5. Recording: the admin's switch and the user's own switch in the app must both be on.
    println!("\nCall recording: the admin's switch and the user's own switch\n");
    let cases = [
        ("anna", true, "both on"),
        ("bartosz", false, "admin on, own switch off"),
        ("celina", false, "admin off, own switch on"),
        (
            "dawid",
            true,
            "admin on, own switch off but edit_settings off",
        ),
    ];
    for (user, recorded, situation) in cases {
        let call = Call::new(
            format!("call-{user}-1"),
            NOW,
            user,
            Direction::Outbound,
            Reach::External,
        );
        let decision = resolver.record(&call)?;
        println!("  {user} ({situation}):");
        println!("    {}", resolver.explain(user, "record_conversations")?);
        println!(
            "    recorded: {}, notify: {}; {}",
            decision.record, decision.notify, decision.reason
        );
        assert_eq!(decision.record, recorded, "recording of {user}'s call");
        let expected_reason = match user {
            "anna" | "dawid" => matches!(decision.reason, RecordReason::Recorded { .. }),
            "bartosz" => decision.reason == RecordReason::SwitchedOff,
            _ => decision.reason == RecordReason::Off,
        };
        assert!(expected_reason, "{user}: {}", decision.reason);
    }

    // 6. Caller ID: a call leaves from the SIM card in the user's phone.
    println!("\nCaller IDs: each user presents their own SIM number\n");
    for user in index.users() {
        let id = user.id().as_str();
        let ids = resolver.caller_ids(id)?;
        println!("  {id:<8} {}  ({ids})", ids.numbers.join(", "));
        let own: Vec<&str> = index
            .numbers()
            .iter()
            .filter(|n| n.members.iter().any(|m| m.as_str() == id))
            .map(|n| n.number.as_str())
            .collect();
        assert_eq!(ids.numbers, own, "{id} may present only their own number");
        assert!(!ids.numbers.iter().any(|n| n == "+48585550100"));
    }
    Ok(())
}
