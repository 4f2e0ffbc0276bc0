//! Typed keys for the features of the standard catalog.
//!
//! A typed key names a feature and its kind, so reading it cannot be mistyped: a misspelled
//! key does not compile, and `e.get(keys::MAX_CHANNELS)` is an `i64` while
//! `e.get(keys::ONLY_OWN_LOGS)` is a `bool`. String keys stay available for data-driven code;
//! they answer with a `Result` (see [`Entitlements`](crate::Entitlements)).
//!
//! ```
//! use pbx_entitlements::{keys, model::{Plan, Tenant, User}, validate, Access, Resolver};
//!
//! let mut tenant = Tenant::new("acme", Plan::all("business"));
//! tenant.users.push(User::new("alice").with_override("max_channels", 3));
//! let index = validate(&tenant)?;
//! let alice = Resolver::new(&index).user("alice")?;
//!
//! let channels: i64 = alice.get(keys::MAX_CHANNELS);
//! assert_eq!(channels, 3);
//! assert!(alice.get(keys::ONLY_OWN_LOGS));            // the restriction applies by default
//! assert_eq!(alice.get(keys::DASHBOARD_LOGS), Access::None);
//! assert_eq!(alice.get(keys::RECORDINGS_REPLAY), "none");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A wrong kind does not compile: this is the example above with a limit read as a `bool`.
//!
//! ```compile_fail,E0308
//! # use pbx_entitlements::{keys, model::{Plan, Tenant, User}, validate, Resolver};
//! # let mut tenant = Tenant::new("acme", Plan::all("business"));
//! # tenant.users.push(User::new("alice"));
//! # let index = validate(&tenant).unwrap();
//! # let alice = Resolver::new(&index).user("alice").unwrap();
//! let channels: bool = alice.get(keys::MAX_CHANNELS);
//! ```
//!
//! Nor does a misspelled key:
//!
//! ```compile_fail,E0425
//! # use pbx_entitlements::{keys, model::{Plan, Tenant, User}, validate, Resolver};
//! # let mut tenant = Tenant::new("acme", Plan::all("business"));
//! # tenant.users.push(User::new("alice"));
//! # let index = validate(&tenant).unwrap();
//! # let alice = Resolver::new(&index).user("alice").unwrap();
//! let own_logs = alice.get(keys::ONLY_OWN_LOGZ);
//! ```
//!
//! A vendor catalog can declare its own typed keys with [`Key::new`]. Read against a catalog
//! that lacks the feature, or has it with another kind, a typed key answers the kind's most
//! restrictive value (off, restricting, `none`, `0`, no option, the empty list): never a
//! permission. Use the string getters to tell such a mismatch apart.

use std::fmt;
use std::marker::PhantomData;

use crate::catalog::{Catalog, Feature, FeatureId};
use crate::value::{Access, Kind, ListValue};

/// The kind a typed key reads, and the Rust type it reads as.
pub trait KeyKind: crate::sealed::Sealed {
    /// The kind's name, as [`Kind::name`] gives it.
    const NAME: &'static str;
    /// What reading a feature of this kind gives.
    type Value<'e>;
    /// The value read from a feature of kind `kind` at `level` (`list` finds a list by its
    /// handle), or `None` if the kind differs. The one decoding of packed levels that every
    /// typed read uses.
    #[doc(hidden)]
    fn read<'e>(
        kind: &'e Kind,
        level: i64,
        list: impl FnOnce(i64) -> Option<&'e ListValue>,
    ) -> Option<Self::Value<'e>>;
    /// The most restrictive value, for a feature the catalog does not have.
    #[doc(hidden)]
    fn closed<'e>() -> Self::Value<'e>;
}

/// Marker types for [`Key`]: one per value kind.
pub mod kind {
    /// An on/off right; reads as `bool`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Toggle {}
    /// A restriction that applies when `true`; reads as `bool`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Restriction {}
    /// No / read / write; reads as [`Access`](crate::Access).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Access {}
    /// A bounded integer; reads as `i64`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Limit {}
    /// One of ordered options; reads as the option's name, `&str`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Choice {}
    /// A set of strings or `any`; reads as [`&ListValue`](crate::ListValue).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum List {}
}

/// The empty list: what a typed list key reads when the catalog lacks the feature.
static EMPTY: ListValue = ListValue::Only(std::collections::BTreeSet::new());

impl crate::sealed::Sealed for kind::Toggle {}
impl KeyKind for kind::Toggle {
    const NAME: &'static str = "toggle";
    type Value<'e> = bool;
    #[inline]
    fn read<'e>(
        kind: &'e Kind,
        level: i64,
        _: impl FnOnce(i64) -> Option<&'e ListValue>,
    ) -> Option<bool> {
        matches!(kind, Kind::Toggle).then_some(level != 0)
    }
    fn closed<'e>() -> Self::Value<'e> {
        false
    }
}

impl crate::sealed::Sealed for kind::Restriction {}
impl KeyKind for kind::Restriction {
    const NAME: &'static str = "restriction toggle";
    type Value<'e> = bool;
    #[inline]
    fn read<'e>(
        kind: &'e Kind,
        level: i64,
        _: impl FnOnce(i64) -> Option<&'e ListValue>,
    ) -> Option<bool> {
        matches!(kind, Kind::Restriction).then_some(level == 0)
    }
    fn closed<'e>() -> Self::Value<'e> {
        true
    }
}

impl crate::sealed::Sealed for kind::Access {}
impl KeyKind for kind::Access {
    const NAME: &'static str = "access";
    type Value<'e> = Access;
    #[inline]
    fn read<'e>(
        kind: &'e Kind,
        level: i64,
        _: impl FnOnce(i64) -> Option<&'e ListValue>,
    ) -> Option<Access> {
        match kind {
            Kind::Access => Some(
                usize::try_from(level)
                    .ok()
                    .and_then(|i| Access::ALL.get(i).copied())
                    .unwrap_or(Access::None),
            ),
            _ => None,
        }
    }
    fn closed<'e>() -> Self::Value<'e> {
        Access::None
    }
}

impl crate::sealed::Sealed for kind::Limit {}
impl KeyKind for kind::Limit {
    const NAME: &'static str = "limit";
    type Value<'e> = i64;
    #[inline]
    fn read<'e>(
        kind: &'e Kind,
        level: i64,
        _: impl FnOnce(i64) -> Option<&'e ListValue>,
    ) -> Option<i64> {
        matches!(kind, Kind::Limit { .. }).then_some(level)
    }
    fn closed<'e>() -> Self::Value<'e> {
        0
    }
}

impl crate::sealed::Sealed for kind::Choice {}
impl KeyKind for kind::Choice {
    const NAME: &'static str = "choice";
    type Value<'e> = &'e str;
    #[inline]
    fn read<'e>(
        kind: &'e Kind,
        level: i64,
        _: impl FnOnce(i64) -> Option<&'e ListValue>,
    ) -> Option<&'e str> {
        match kind {
            Kind::Choice { options } => Some(
                usize::try_from(level)
                    .ok()
                    .and_then(|i| options.get(i))
                    .map_or("", String::as_str),
            ),
            _ => None,
        }
    }
    fn closed<'e>() -> Self::Value<'e> {
        ""
    }
}

impl crate::sealed::Sealed for kind::List {}
impl KeyKind for kind::List {
    const NAME: &'static str = "list";
    type Value<'e> = &'e ListValue;
    #[inline]
    fn read<'e>(
        kind: &'e Kind,
        level: i64,
        list: impl FnOnce(i64) -> Option<&'e ListValue>,
    ) -> Option<&'e ListValue> {
        match kind {
            Kind::List { .. } => Some(list(level).unwrap_or(&EMPTY)),
            _ => None,
        }
    }
    fn closed<'e>() -> Self::Value<'e> {
        &EMPTY
    }
}

/// A feature key together with its kind `K`: reading it gives `K`'s Rust type.
///
/// The constants of this module name the standard catalog's features. A vendor declares keys
/// for its own catalog the same way:
///
/// ```
/// use pbx_entitlements::keys::{kind, Key};
///
/// const CALL_PARK: Key<kind::Toggle> = Key::new("call_park");
/// assert_eq!(CALL_PARK.key(), "call_park");
/// ```
pub struct Key<K> {
    key: &'static str,
    /// Where the feature sits in the standard catalog: checked against the key before use.
    hint: u16,
    kind: PhantomData<fn() -> K>,
}

impl<K> Key<K> {
    /// A typed key for the feature `key`.
    pub const fn new(key: &'static str) -> Key<K> {
        Key {
            key,
            hint: u16::MAX,
            kind: PhantomData,
        }
    }

    /// A key of the standard catalog, at its position in catalog order.
    const fn standard(key: &'static str, hint: u16) -> Key<K> {
        Key {
            key,
            hint,
            kind: PhantomData,
        }
    }

    /// The feature's key.
    pub const fn key(&self) -> &'static str {
        self.key
    }

    /// The feature in `catalog`: at the remembered position in the standard catalog (only the
    /// built-in catalog may have the id `standard`, so its layout is known), after comparing
    /// the key in another catalog that has a feature there, else by searching for the key.
    #[inline]
    pub(crate) fn find<'c>(&self, catalog: &'c Catalog) -> Option<(FeatureId, &'c Feature)> {
        let hinted = FeatureId::from_index(usize::from(self.hint))
            .and_then(|id| Some((id, catalog.get(id)?)))
            .filter(|(_, f)| catalog.is_standard() || f.key() == self.key);
        hinted.or_else(|| {
            let id = catalog.feature_id(self.key)?;
            Some((id, catalog.get(id)?))
        })
    }
}

// Written by hand: derives would require `K` itself to implement each trait.
impl<K> Clone for Key<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Key<K> {}
impl<K> PartialEq for Key<K> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<K> Eq for Key<K> {}
impl<K> std::hash::Hash for Key<K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}
impl<K: KeyKind> fmt::Debug for Key<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key<{}>({:?})", K::NAME, self.key)
    }
}
impl<K> fmt::Display for Key<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)
    }
}

macro_rules! standard_keys {
    ($($(#[$doc:meta])* $name:ident: $kind:ident = $key:literal;)*) => {
        /// Positions in catalog order, numbered by the compiler.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        enum Position { $($name,)* }

        $(
            $(#[$doc])*
            pub const $name: Key<kind::$kind> = Key::standard($key, Position::$name as u16);
        )*

        /// Every key of the standard catalog with its kind's name, in catalog order.
        pub const ALL: &[(&str, &str)] = &[$(($key, <kind::$kind as KeyKind>::NAME),)*];
    };
}

standard_keys! {
    /// Business edition of the apps.
    EDITION_BUSINESS: Toggle = "edition_business";
    /// iOS edition.
    EDITION_IOS: Toggle = "edition_ios";
    /// Android edition.
    EDITION_ANDROID: Toggle = "edition_android";
    /// Desktop edition.
    EDITION_DESKTOP: Toggle = "edition_desktop";
    /// CRM module.
    MODULE_CRM: Toggle = "module_crm";
    /// Chat.
    CHAT: Toggle = "chat";
    /// Access codes.
    ACCESS_CODES: Toggle = "access_codes";
    /// Do not disturb.
    DO_NOT_DISTURB: Toggle = "do_not_disturb";
    /// Voicemail.
    VOICEMAIL: Toggle = "voicemail";
    /// Agent pause.
    AGENT_PAUSE: Toggle = "agent_pause";
    /// Log in to the website.
    WEBSITE_LOGIN: Toggle = "website_login";
    /// Connect a Phone Manager client.
    PHONE_MANAGER: Toggle = "phone_manager";
    /// User portal.
    USER_PORTAL: Toggle = "user_portal";
    /// Run the end-user wizard at first login.
    ENDUSER_WIZARD: Toggle = "enduser_wizard";
    /// Make and answer calls from the portal with a desk phone and/or the softphone.
    CALL_OPERATIONS: List = "call_operations";
    /// User portal menu: profile.
    MENU_PROFILE: Access = "menu_profile";
    /// User portal menu: call handling.
    MENU_CALL_HANDLING: Access = "menu_call_handling";
    /// User portal menu: personal directory.
    MENU_PERSONAL_DIRECTORY: Access = "menu_personal_directory";
    /// User portal menu: button programming.
    MENU_BUTTON_PROGRAMMING: Access = "menu_button_programming";
    /// User portal menu: download applications.
    MENU_DOWNLOAD_APPLICATIONS: Access = "menu_download_applications";
    /// Replay recordings: none, own or all.
    RECORDINGS_REPLAY: Choice = "recordings_replay";
    /// Groups whose recordings the user may replay.
    RECORDINGS_REPLAY_GROUPS: List = "recordings_replay_groups";
    /// Numbers whose recordings the user may replay (';'-joined, 127 characters at most).
    RECORDINGS_REPLAY_OTHERS: List = "recordings_replay_others";
    /// Download recordings the user may replay.
    RECORDINGS_DOWNLOAD: Toggle = "recordings_download";
    /// Delete recordings (never implied by replay or download).
    RECORDINGS_DELETE: Toggle = "recordings_delete";
    /// Historical call reporting.
    CALL_REPORTING: Toggle = "call_reporting";
    /// Only show the user's own logs.
    ONLY_OWN_LOGS: Restriction = "only_own_logs";
    /// Connect a SIP phone.
    SIP_ACCOUNT: Toggle = "sip_account";
    /// Set own business hours.
    BUSINESS_HOURS: Toggle = "business_hours";
    /// Snooze incoming calls.
    SNOOZE: Toggle = "snooze";
    /// Edit call forwarding.
    EDIT_CALL_FORWARDING: Toggle = "edit_call_forwarding";
    /// Join open groups.
    JOIN_OPEN_GROUPS: Toggle = "join_open_groups";
    /// Edit own settings (the self-service gate).
    EDIT_SETTINGS: Toggle = "edit_settings";
    /// Video tab.
    VIDEO_CONFERENCE: Toggle = "video_conference";
    /// Statistics tab.
    ANALYTICS: Toggle = "analytics";
    /// Power dialer.
    POWER_DIALER: Toggle = "power_dialer";
    /// Contacts tab.
    CONTACTS: Toggle = "contacts";
    /// One-way SMS on behalf of the brand.
    ONE_WAY_SMS: Toggle = "one_way_sms";
    /// Show the waiting list.
    SHOW_WAITING_LIST: Toggle = "show_waiting_list";
    /// Pick up calls from the waiting list.
    PICK_UP_WAITING_CALLS: Toggle = "pick_up_waiting_calls";
    /// Make all incoming calls anonymous.
    ANONYMOUS_INCOMING: Restriction = "anonymous_incoming";
    /// Tag calls.
    TAG_CALLS: Toggle = "tag_calls";
    /// After-call work duration in seconds.
    AFTER_CALL_WORK_SECONDS: Limit = "after_call_work_seconds";
    /// A tag is required to close after-call work.
    TAGS_REQUIRED: Restriction = "tags_required";
    /// A note is required to close after-call work.
    NOTE_REQUIRED: Restriction = "note_required";
    /// Call destinations outside the plan.
    OUT_OF_PLAN_DESTINATIONS: Toggle = "out_of_plan_destinations";
    /// Call special and premium numbers.
    SPECIAL_NUMBERS: Toggle = "special_numbers";
    /// Call international destinations.
    INTERNATIONAL_CALLS: Toggle = "international_calls";
    /// Simultaneous calls.
    MAX_CHANNELS: Limit = "max_channels";
    /// Choose the caller ID.
    EDIT_CALLER_ID: Toggle = "edit_caller_id";
    /// Caller IDs offered: fixed, assigned IVR numbers, a selected list, all numbers.
    CALLER_ID_MODE: Choice = "caller_id_mode";
    /// Numbers offered when caller_id_mode is selected.
    CALLER_ID_NUMBERS: List = "caller_id_numbers";
    /// Use a local-presence number.
    LOCAL_PRESENCE: Toggle = "local_presence";
    /// Drop a pre-recorded voicemail.
    VOICEMAIL_DROP: Toggle = "voicemail_drop";
    /// Supervisors may listen to this user's calls.
    CAN_BE_LISTENED: Toggle = "can_be_listened";
    /// Double listen and whisper (supervisor).
    LISTEN_LIVE: Toggle = "listen_live";
    /// Start and stop recording during a call.
    START_STOP_RECORDING: Toggle = "start_stop_recording";
    /// Record conversations.
    RECORD_CONVERSATIONS: Toggle = "record_conversations";
    /// Call directions that are recorded.
    RECORDING_DIRECTIONS: List = "recording_directions";
    /// Announce recording to the caller.
    NOTIFY_WHEN_RECORDING: Restriction = "notify_when_recording";
    /// Percentage of calls recorded.
    RECORDING_PERCENTAGE: Limit = "recording_percentage";
    /// Dashboard: activities.
    DASHBOARD_ACTIVITIES: Access = "dashboard_activities";
    /// Dashboard: logs.
    DASHBOARD_LOGS: Access = "dashboard_logs";
    /// Dashboard: statistics.
    DASHBOARD_STATISTICS: Access = "dashboard_statistics";
    /// Dashboard: IVR.
    DASHBOARD_IVR: Access = "dashboard_ivr";
    /// Dashboard: billing.
    DASHBOARD_BILLING: Access = "dashboard_billing";
    /// Manage users (delegated administration).
    USER_MANAGEMENT: Access = "user_management";
    /// Make and receive calls.
    CALLS: Toggle = "calls";
    /// Send and receive SMS.
    SMS: Toggle = "sms";
    /// CRM overlay during calls.
    CRM_OVERLAY: Toggle = "crm_overlay";
    /// E.164 country codes the user may call.
    ALLOWED_COUNTRY_CODES: List = "allowed_country_codes";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_feature_has_a_key_at_its_position() {
        let catalog = Catalog::standard();
        assert_eq!(ALL.len(), catalog.len());
        for ((key, kind), (_, feature)) in ALL.iter().zip(catalog.iter()) {
            assert_eq!(*key, feature.key());
            assert_eq!(*kind, feature.kind().name(), "{key}");
        }
        assert_eq!(
            MAX_CHANNELS.find(&catalog).map(|(_, f)| f.key()),
            Some("max_channels")
        );
        assert_eq!(
            ALLOWED_COUNTRY_CODES
                .find(&catalog)
                .map(|(id, _)| id.index()),
            Some(catalog.len() - 1)
        );
    }

    #[test]
    fn a_vendor_key_is_found_by_name() {
        let catalog = Catalog::builder("acme")
            .feature(crate::FeatureDef::toggle("call_park"))
            .without_self_service_gate()
            .build()
            .unwrap();
        let park: Key<kind::Toggle> = Key::new("call_park");
        assert_eq!(park.find(&catalog).map(|(id, _)| id.index()), Some(0));
        assert!(CHAT.find(&catalog).is_none());
    }
}
