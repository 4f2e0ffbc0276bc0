//! Dial rights and caller IDs: may this user call this number, and which numbers may they
//! show (see the [guide](crate::guide::dialing)).
//!
//! Decisions read the user's resolved entitlements once ([`DialRights`]); each number is then
//! parsed and classified without allocating.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::entitlements::Entitlements;
use crate::error::{LookupError, Shown};
use crate::index::{EntityRef, TenantIndex, UserIx};
use crate::model::NumberKind;
use crate::resolve::Resolver;
use crate::value::ListValue;

/// The country codes of ITU-T E.164 assigned to countries, regions and global services,
/// sorted; a number's code is its longest match (`+1242…` is `+1`, `+420…` is `+420`).
pub const COUNTRY_CODES: &[&str] = &[
    "1", "20", "211", "212", "213", "216", "218", "220", "221", "222", "223", "224", "225", "226",
    "227", "228", "229", "230", "231", "232", "233", "234", "235", "236", "237", "238", "239",
    "240", "241", "242", "243", "244", "245", "246", "247", "248", "249", "250", "251", "252",
    "253", "254", "255", "256", "257", "258", "260", "261", "262", "263", "264", "265", "266",
    "267", "268", "269", "27", "290", "291", "297", "298", "299", "30", "31", "32", "33", "34",
    "350", "351", "352", "353", "354", "355", "356", "357", "358", "359", "36", "370", "371",
    "372", "373", "374", "375", "376", "377", "378", "379", "380", "381", "382", "383", "385",
    "386", "387", "389", "39", "40", "41", "420", "421", "423", "43", "44", "45", "46", "47", "48",
    "49", "500", "501", "502", "503", "504", "505", "506", "507", "508", "509", "51", "52", "53",
    "54", "55", "56", "57", "58", "590", "591", "592", "593", "594", "595", "596", "597", "598",
    "599", "60", "61", "62", "63", "64", "65", "66", "670", "672", "673", "674", "675", "676",
    "677", "678", "679", "680", "681", "682", "683", "685", "686", "687", "688", "689", "690",
    "691", "692", "7", "800", "808", "81", "82", "84", "850", "852", "853", "855", "856", "86",
    "870", "878", "880", "881", "882", "883", "886", "888", "90", "91", "92", "93", "94", "95",
    "960", "961", "962", "963", "964", "965", "966", "967", "968", "970", "971", "972", "973",
    "974", "975", "976", "977", "979", "98", "992", "993", "994", "995", "996", "998",
];

/// The country code of an international number's digits (after `+`): its longest prefix in
/// [`COUNTRY_CODES`].
///
/// ```
/// use pbx_entitlements::dial::country_code;
///
/// assert_eq!(country_code("14155550100"), Some("1"));
/// assert_eq!(country_code("12425550100"), Some("1"));     // the Bahamas dial +1 242
/// assert_eq!(country_code("442071234567"), Some("44"));
/// assert_eq!(country_code("48221234567"), Some("48"));
/// assert_eq!(country_code("420212345678"), Some("420"));
/// assert_eq!(country_code("2891234"), None);               // +289 is not assigned
/// ```
pub fn country_code(digits: &str) -> Option<&'static str> {
    // Codes are prefix-free, so a number has at most one; each length is looked up directly.
    let table = CODE_TABLE.get_or_init(code_table);
    let mut value = 0usize;
    for (n, b) in digits.bytes().take(3).enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value
            .saturating_mul(10)
            .saturating_add(usize::from(b.saturating_sub(b'0')));
        // Slot of an n+1-digit code: lengths 1, 2, 3 take 10, 100, 1000 slots.
        let slot = [0usize, 10, 110]
            .get(n)
            .copied()
            .unwrap_or(0)
            .saturating_add(value);
        if let Some(&Some(i)) = table.get(slot) {
            return COUNTRY_CODES.get(usize::from(i)).copied();
        }
    }
    None
}

/// For each 1-, 2- and 3-digit string, its position in [`COUNTRY_CODES`] if it is a code.
static CODE_TABLE: std::sync::OnceLock<Vec<Option<u16>>> = std::sync::OnceLock::new();

fn code_table() -> Vec<Option<u16>> {
    let mut table = vec![None; 1110];
    for (i, code) in COUNTRY_CODES.iter().enumerate() {
        let value: usize = code.parse().unwrap_or(0);
        let base: usize = match code.len() {
            1 => 0,
            2 => 10,
            _ => 110,
        };
        if let Some(slot) = table.get_mut(base.saturating_add(value)) {
            *slot = u16::try_from(i).ok();
        }
    }
    table
}

/// A number as dialled: national (digits: the home country) or international (`+` and at
/// most 15 digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialled<'a> {
    National(&'a str),
    International(&'a str),
}

impl<'a> Dialled<'a> {
    fn parse(number: &'a str) -> Option<Dialled<'a>> {
        let digits = |s: &str| (1..=15).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        match number.strip_prefix('+') {
            Some(rest) if digits(rest) => Some(Dialled::International(rest)),
            None if digits(number) => Some(Dialled::National(number)),
            _ => None,
        }
    }
}

/// What a dial-plan prefix classifies a number as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DialClass {
    /// A special or premium number: needs `special_numbers`.
    Special,
    /// A destination outside the calling plan: needs `out_of_plan_destinations`.
    OutOfPlan,
}

impl DialClass {
    /// The feature a number of this class needs.
    pub fn feature(self) -> &'static str {
        match self {
            DialClass::Special => "special_numbers",
            DialClass::OutOfPlan => "out_of_plan_destinations",
        }
    }

    fn name(self) -> &'static str {
        match self {
            DialClass::Special => "a special number",
            DialClass::OutOfPlan => "a destination out of plan",
        }
    }
}

/// One validated prefix of the tenant's dial plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DialPrefix {
    pub(crate) class: DialClass,
    /// As written: `0700` or `+4880`.
    pub(crate) prefix: String,
    /// Whether it is national (no `+`).
    pub(crate) national: bool,
}

impl DialPrefix {
    /// The prefix of class `class`, if well formed: national digits or `+` and digits, at
    /// most 15.
    pub(crate) fn parse(class: DialClass, prefix: &str) -> Option<DialPrefix> {
        let national = matches!(Dialled::parse(prefix)?, Dialled::National(_));
        Some(DialPrefix {
            class,
            prefix: prefix.to_owned(),
            national,
        })
    }

    /// How long a match of `number` this prefix is, in international digits; `None` if it
    /// does not match. A national prefix matches national numbers; an international one
    /// matches international numbers and national numbers read as `+` home code digits.
    fn matches(&self, number: Dialled<'_>, home: &str) -> Option<usize> {
        let digits = self.prefix.strip_prefix('+').unwrap_or(&self.prefix);
        let prefix = if self.national {
            Dialled::National(digits)
        } else {
            Dialled::International(digits)
        };
        match (prefix, number) {
            (Dialled::National(p), Dialled::National(n)) => {
                n.starts_with(p).then(|| home.len().saturating_add(p.len()))
            }
            (Dialled::International(p), Dialled::International(n)) => {
                n.starts_with(p).then_some(p.len())
            }
            (Dialled::International(p), Dialled::National(n)) if !home.is_empty() => {
                // `+` home digits, read without building it.
                let matched = match p.strip_prefix(home) {
                    Some(rest) => n.starts_with(rest),
                    None => home.starts_with(p),
                };
                matched.then_some(p.len())
            }
            _ => None,
        }
    }
}

/// Why a number may or may not be called: the rule that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DialReason<'a> {
    /// A tenant emergency number: always allowed, whatever any restriction says.
    Emergency,
    /// Refused: `calls` is off.
    CallsOff,
    /// Refused: the dial plan classifies the number, and the class's feature is off.
    ClassOff {
        /// The class.
        class: DialClass,
        /// The matching prefix.
        prefix: &'a str,
    },
    /// Refused: an international number and `international_calls` is off.
    InternationalOff {
        /// The number's country code.
        code: &'static str,
    },
    /// Refused: the country code is not in `allowed_country_codes`.
    CountryNotAllowed {
        /// The number's country code.
        code: &'static str,
    },
    /// Refused: a `+` number matching no assigned country code.
    UnknownCountryCode,
    /// Allowed: every rule that applies allows it.
    Allowed {
        /// The dial-plan class and prefix, when one matched (its feature is on).
        class: Option<(DialClass, &'a str)>,
        /// The country code of an international call to another country (allowed).
        country: Option<&'static str>,
    },
}

impl fmt::Display for DialReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DialReason::Emergency => f.write_str("an emergency number is always allowed"),
            DialReason::CallsOff => f.write_str("calls is off"),
            DialReason::ClassOff { class, prefix } => write!(
                f,
                "{} (prefix {}) needs {}, which is off",
                class.name(),
                Shown(prefix),
                class.feature()
            ),
            DialReason::InternationalOff { code } => {
                write!(f, "+{code} is international and international_calls is off")
            }
            DialReason::CountryNotAllowed { code } => {
                write!(f, "country code +{code} is not in allowed_country_codes")
            }
            DialReason::UnknownCountryCode => f.write_str("unknown country code"),
            DialReason::Allowed { class, country } => {
                f.write_str("calls is on")?;
                if let Some((class, prefix)) = class {
                    write!(
                        f,
                        "; {} (prefix {}) and {} is on",
                        class.name(),
                        Shown(prefix),
                        class.feature()
                    )?;
                }
                if let Some(code) = country {
                    write!(f, "; country code +{code} is in allowed_country_codes")?;
                }
                Ok(())
            }
        }
    }
}

/// May a number be called, and why.
///
/// Serialises as `{"allowed": true, "reason": "calls is on"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DialDecision<'a> {
    /// Whether the call is allowed.
    pub allowed: bool,
    /// The rule that decided.
    pub reason: DialReason<'a>,
}

impl fmt::Display for DialDecision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.allowed { "allowed" } else { "refused" };
        write!(f, "{verdict}: {}", self.reason)
    }
}

impl Serialize for DialDecision<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("DialDecision", 2)?;
        s.serialize_field("allowed", &self.allowed)?;
        s.serialize_field("reason", &self.reason.to_string())?;
        s.end()
    }
}

/// Why a number could not be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DialError {
    /// Neither national digits nor `+` and at most 15 digits: an error, not a denial.
    #[error("`{}` is not a telephone number (digits, or + and at most 15 digits)", Shown(.0))]
    Malformed(String),
    /// The user is unknown.
    #[error(transparent)]
    Lookup(#[from] LookupError),
}

/// What one user may dial, read once from their resolved entitlements.
///
/// ```
/// use pbx_entitlements::model::{Plan, Tenant, User};
/// use pbx_entitlements::{validate, Resolver};
///
/// let mut tenant = Tenant::new("acme", Plan::all("p"));
/// tenant.home_country_code = Some("48".into());
/// tenant.emergency_numbers = vec!["112".into()];
/// tenant.users.push(User::new("alice")
///     .with_override("calls", true)
///     .with_override("international_calls", true)
///     .with_override("allowed_country_codes", vec!["49"]));
/// tenant.users.push(User::new("bob"));
/// let index = validate(&tenant)?;
/// let resolver = Resolver::new(&index);
/// let alice = resolver.dial_rights("alice")?;
///
/// assert_eq!(alice.dial("221234567")?.to_string(), "allowed: calls is on");
/// assert_eq!(alice.dial("+4930123456")?.to_string(),
///            "allowed: calls is on; country code +49 is in allowed_country_codes");
/// assert_eq!(alice.dial("+442071234567")?.to_string(),
///            "refused: country code +44 is not in allowed_country_codes");
/// assert!(alice.dial("+48 22").is_err());                      // malformed: an error
/// let bob = resolver.dial_rights("bob")?;
/// assert_eq!(bob.dial("112")?.to_string(), "allowed: an emergency number is always allowed");
/// assert_eq!(bob.dial("221234567")?.to_string(), "refused: calls is off");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct DialRights<'i> {
    index: &'i TenantIndex,
    calls: bool,
    special: bool,
    out_of_plan: bool,
    international: bool,
    /// `None`: any country.
    countries: Option<Vec<String>>,
}

impl<'i> DialRights<'i> {
    /// The dial rights of a user with these resolved `entitlements`.
    pub fn new(index: &'i TenantIndex, entitlements: &Entitlements) -> DialRights<'i> {
        let on = |key: &str| entitlements.toggle(key).unwrap_or(false);
        DialRights {
            index,
            calls: on("calls"),
            special: on("special_numbers"),
            out_of_plan: on("out_of_plan_destinations"),
            international: on("international_calls"),
            countries: match entitlements.list("allowed_country_codes") {
                Ok(ListValue::Any) => None,
                Ok(ListValue::Only(codes)) => Some(codes.iter().cloned().collect()),
                Err(_) => Some(Vec::new()),
            },
        }
    }

    /// May the user call `number`, in this order: a malformed number is an error; a tenant
    /// emergency number is always allowed; `calls` must be on; a dial-plan class (longest
    /// prefix) needs its feature; an international number to another country needs
    /// `international_calls` and its country code in `allowed_country_codes`.
    ///
    /// # Errors
    ///
    /// [`DialError::Malformed`] for a number that is neither national nor international.
    pub fn dial<'n>(&self, number: &'n str) -> Result<DialDecision<'n>, DialError>
    where
        'i: 'n,
    {
        let dialled =
            Dialled::parse(number).ok_or_else(|| DialError::Malformed(number.to_owned()))?;
        let decide = |allowed, reason| Ok(DialDecision { allowed, reason });
        let home = self.index.home_country_code().unwrap_or("");
        // An emergency number as dialled (`112`) or with the home country code (`+48112`); a
        // `+112` is an international number like any other.
        let short = match dialled {
            Dialled::National(digits) => Some(digits),
            Dialled::International(digits) if !home.is_empty() => digits.strip_prefix(home),
            Dialled::International(_) => None,
        };
        if short.is_some_and(|short| {
            self.index
                .emergency_numbers()
                .binary_search_by(|e| e.as_str().cmp(short))
                .is_ok()
        }) {
            return decide(true, DialReason::Emergency);
        }
        if !self.calls {
            return decide(false, DialReason::CallsOff);
        }
        let class = self
            .index
            .dial_plan
            .iter()
            .filter_map(|p| Some((p.matches(dialled, home)?, p)))
            .max_by_key(|(length, _)| *length)
            .map(|(_, p)| (p.class, p.prefix.as_str()));
        if let Some((class, prefix)) = class {
            let on = match class {
                DialClass::Special => self.special,
                DialClass::OutOfPlan => self.out_of_plan,
            };
            if !on {
                return decide(false, DialReason::ClassOff { class, prefix });
            }
        }
        let mut country = None;
        if let Dialled::International(digits) = dialled {
            let Some(code) = country_code(digits) else {
                return decide(false, DialReason::UnknownCountryCode);
            };
            if code != home {
                if !self.international {
                    return decide(false, DialReason::InternationalOff { code });
                }
                let listed = self
                    .countries
                    .as_ref()
                    .is_none_or(|codes| codes.iter().any(|c| c == code));
                if !listed {
                    return decide(false, DialReason::CountryNotAllowed { code });
                }
                country = Some(code);
            }
        }
        decide(true, DialReason::Allowed { class, country })
    }
}

/// The numbers a user may present as caller ID, and why.
///
/// Serialises as `{"numbers": ["+48221230000", …]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallerIds {
    /// The numbers, sorted and without repeats.
    pub numbers: Vec<String>,
    /// The effective `caller_id_mode` when `edit_caller_id` is on; `None` when it is off.
    pub mode: Option<String>,
}

impl fmt::Display for CallerIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode.as_deref() {
            None => f.write_str("the user's own numbers: edit_caller_id is off"),
            Some("fixed") => f.write_str("the user's own numbers: caller_id_mode is fixed"),
            Some("assigned_ivr") => f.write_str(
                "the user's own numbers and the IVR numbers they are a member of: caller_id_mode is assigned_ivr",
            ),
            Some("all") => {
                f.write_str("every standard number of the tenant: caller_id_mode is all")
            }
            Some("selected") => f.write_str(
                "the user's own numbers and caller_id_numbers: caller_id_mode is selected",
            ),
            Some(other) => write!(f, "the user's own numbers: caller_id_mode is {}", Shown(other)),
        }
    }
}

impl Serialize for CallerIds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("CallerIds", 2)?;
        s.serialize_field("numbers", &self.numbers)?;
        s.serialize_field("reason", &self.to_string())?;
        s.end()
    }
}

impl Resolver<'_> {
    /// What `user` may dial, from their entitlements resolved once.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] if the tenant has no such user.
    pub fn dial_rights(&self, user: impl EntityRef<UserIx>) -> Result<DialRights<'_>, LookupError> {
        let entitlements = self.user(user)?;
        Ok(DialRights::new(self.index(), &entitlements))
    }

    /// The numbers `user` may present as caller ID: always their own numbers (tenant numbers
    /// of kind standard whose members include them); with `edit_caller_id` on,
    /// `caller_id_mode` adds the IVR numbers they are a member of (`assigned_ivr`), every
    /// standard number (`all`) or `caller_id_numbers` (`selected`); `fixed` adds nothing.
    ///
    /// ```
    /// use pbx_entitlements::model::{Number, Plan, Tenant, User};
    /// use pbx_entitlements::{validate, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("p"));
    /// tenant.numbers.push(Number::new("+48221234567").with_member("alice"));
    /// tenant.numbers.push(Number::ivr("+48221230000", "main").with_member("alice"));
    /// tenant.numbers.push(Number::new("+48221239999"));
    /// tenant.users.push(User::new("alice")
    ///     .with_override("edit_caller_id", true)
    ///     .with_override("caller_id_mode", "assigned_ivr"));
    /// let index = validate(&tenant)?;
    /// let ids = Resolver::new(&index).caller_ids("alice")?;
    /// assert_eq!(ids.numbers, ["+48221230000", "+48221234567"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] if the tenant has no such user.
    pub fn caller_ids(&self, user: impl EntityRef<UserIx>) -> Result<CallerIds, LookupError> {
        let index = self.index();
        let ix = user
            .find(index)
            .ok_or_else(|| LookupError::UnknownUser(user.describe()))?;
        let id = index
            .user(ix)
            .map(|u| u.id().clone())
            .ok_or_else(|| LookupError::UnknownUser(user.describe()))?;
        let e = self.user(ix)?;
        let member = |n: &crate::model::Number| n.members.contains(&id);
        let mut numbers: Vec<String> = index
            .numbers()
            .iter()
            .filter(|n| n.kind == NumberKind::Standard && member(n))
            .map(|n| n.number.clone())
            .collect();
        let mode = if e.toggle("edit_caller_id").unwrap_or(false) {
            e.choice("caller_id_mode").ok().map(str::to_owned)
        } else {
            None
        };
        match mode.as_deref() {
            Some("assigned_ivr") => numbers.extend(
                index
                    .numbers()
                    .iter()
                    .filter(|n| n.kind == NumberKind::Ivr && member(n))
                    .map(|n| n.number.clone()),
            ),
            Some("all") => numbers.extend(
                index
                    .numbers()
                    .iter()
                    .filter(|n| n.kind == NumberKind::Standard)
                    .map(|n| n.number.clone()),
            ),
            Some("selected") => match e.list("caller_id_numbers") {
                Ok(ListValue::Any) => {
                    numbers.extend(index.numbers().iter().map(|n| n.number.clone()));
                }
                Ok(ListValue::Only(selected)) => numbers.extend(selected.iter().cloned()),
                Err(_) => {}
            },
            _ => {}
        }
        numbers.sort();
        numbers.dedup();
        Ok(CallerIds { numbers, mode })
    }
}
