//! Device platforms, app versions and the constraints a feature puts on them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::index::{DeviceEntry, TenantIndex, UserEntry};
use crate::model::EndpointKind;

/// The platform of one registered device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Platform {
    /// Android phone app.
    Android,
    /// iOS phone app.
    Ios,
    /// Desktop app.
    Desktop,
    /// Browser client or WebRTC softphone.
    Web,
    /// A SIP desk phone.
    DeskPhone,
}

named_enum!(Platform, "platform", [
    Android => "android",
    Ios => "ios",
    Desktop => "desktop",
    Web => "web",
    DeskPhone => "desk_phone",
]);

impl Platform {
    /// This platform as a one-element set.
    pub fn flag(self) -> Platforms {
        match self {
            Platform::Android => Platforms::ANDROID,
            Platform::Ios => Platforms::IOS,
            Platform::Desktop => Platforms::DESKTOP,
            Platform::Web => Platforms::WEB,
            Platform::DeskPhone => Platforms::DESK_PHONE,
        }
    }
}

bitflags::bitflags! {
    /// A set of platforms, checked with one AND on the device path.
    ///
    /// Serialised as an array of platform names: `["android", "ios"]`.
    ///
    /// ```
    /// use pbx_entitlements::{Platform, Platforms};
    ///
    /// let phones = Platforms::IOS | Platforms::ANDROID;
    /// assert!(phones.supports(Platform::Ios));
    /// assert!(!phones.supports(Platform::DeskPhone));
    /// assert_eq!(Platforms::all().difference(Platforms::DESK_PHONE).to_string(), "android, ios, desktop, web");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Platforms: u8 {
        /// Android phone app.
        const ANDROID = 1;
        /// iOS phone app.
        const IOS = 1 << 1;
        /// Desktop app.
        const DESKTOP = 1 << 2;
        /// Browser client.
        const WEB = 1 << 3;
        /// SIP desk phone.
        const DESK_PHONE = 1 << 4;
    }
}

impl Platforms {
    /// Whether a device on `platform` is in the set.
    pub fn supports(self, platform: Platform) -> bool {
        self.contains(platform.flag())
    }

    /// The platforms in the set, in [`Platform::ALL`] order.
    pub fn platforms(self) -> impl Iterator<Item = Platform> {
        Platform::ALL.into_iter().filter(move |p| self.supports(*p))
    }
}

impl fmt::Display for Platforms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.platforms().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(p.as_str())?;
        }
        Ok(())
    }
}

impl Serialize for Platforms {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.platforms())
    }
}

impl<'de> Deserialize<'de> for Platforms {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = Vec::<Platform>::deserialize(deserializer)?;
        Ok(list
            .into_iter()
            .fold(Platforms::empty(), |set, p| set | p.flag()))
    }
}

/// An app version `major.minor.patch`, compared numerically (`6.10.0` > `6.9.3`).
///
/// Missing parts read as zero, so the `6.4` of a device registry is `6.4.0`.
///
/// ```
/// use pbx_entitlements::AppVersion;
///
/// let old: AppVersion = "6.9.3".parse().unwrap();
/// let new: AppVersion = "6.10".parse().unwrap();
/// assert!(new > old);
/// assert_eq!(new.to_string(), "6.10.0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct AppVersion {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

impl AppVersion {
    /// A version from its three parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> AppVersion {
        AppVersion {
            major,
            minor,
            patch,
        }
    }
}

/// A version string that is not `major[.minor[.patch]]` with decimal parts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a version of the form major.minor.patch")]
pub struct BadVersion(pub String);

impl FromStr for AppVersion {
    type Err = BadVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // By hand, byte by byte: a tenant's devices parse two of these per user.
        let bad = || BadVersion(s.to_owned());
        let mut parts = [0u32; 3];
        let mut count = 0usize;
        let mut digits = 0usize;
        for b in s.bytes() {
            if b == b'.' {
                if digits == 0 {
                    return Err(bad());
                }
                count = count.saturating_add(1);
                digits = 0;
                continue;
            }
            let slot = parts.get_mut(count).ok_or_else(bad)?;
            if !b.is_ascii_digit() {
                return Err(bad());
            }
            *slot = slot
                .checked_mul(10)
                .and_then(|v| v.checked_add(u32::from(b.wrapping_sub(b'0'))))
                .ok_or_else(bad)?;
            digits = digits.saturating_add(1);
        }
        if digits == 0 {
            return Err(bad());
        }
        let [major, minor, patch] = parts;
        Ok(AppVersion::new(major, minor, patch))
    }
}

impl fmt::Display for AppVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Serialize for AppVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AppVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What a feature needs from a device: a platform in the set and at least an app version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DeviceConstraint {
    /// Platforms that can support the feature.
    pub platforms: Platforms,
    /// The oldest app version that supports the feature, if any.
    pub min_version: Option<AppVersion>,
}

impl Default for DeviceConstraint {
    fn default() -> Self {
        DeviceConstraint {
            platforms: Platforms::all(),
            min_version: None,
        }
    }
}

/// Why a device cannot use a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Unsupported {
    /// The device's platform is not in the feature's set.
    Platform,
    /// The device's app is older than the feature needs.
    Version,
}

impl DeviceConstraint {
    /// A constraint to these platforms and, if given, this minimum app version.
    pub fn new(platforms: Platforms, min_version: Option<AppVersion>) -> DeviceConstraint {
        DeviceConstraint {
            platforms,
            min_version,
        }
    }

    /// Whether a device on `platform` running `version` supports the feature, and if not, why.
    ///
    /// # Errors
    ///
    /// [`Unsupported::Platform`] if the platform is not in the set, else
    /// [`Unsupported::Version`] if the app is older than the minimum version.
    pub fn check(&self, platform: Platform, version: AppVersion) -> Result<(), Unsupported> {
        if !self.platforms.supports(platform) {
            return Err(Unsupported::Platform);
        }
        match self.min_version {
            Some(min) if version < min => Err(Unsupported::Version),
            _ => Ok(()),
        }
    }

    /// Whether the constraint lets every device through.
    pub fn is_unconstrained(&self) -> bool {
        self.platforms == Platforms::all() && self.min_version.is_none()
    }
}

/// The registered devices as an admin's device list shows them (seed IPVoice's "Devices"
/// page): filtered by platform, searched by extension or version, in device-id order.
///
/// ```
/// use pbx_entitlements::model::{Device, EndpointAssignment, Plan, Tenant, User};
/// use pbx_entitlements::{validate, Platform};
///
/// let mut tenant = Tenant::new("acme", Plan::all("p"));
/// tenant.users.push(User::new("alice").with_endpoint(EndpointAssignment::extension("201").primary()));
/// tenant.users.push(User::new("bob").with_endpoint(EndpointAssignment::extension("202").primary()));
/// tenant.devices.push(Device::new("d1", "alice", Platform::Ios, "6.4.0"));
/// tenant.devices.push(Device::new("d2", "bob", Platform::Android, "6.10.2"));
/// tenant.devices.push(Device::new("d3", "bob", Platform::Ios, "6.10.0"));
/// let index = validate(&tenant)?;
///
/// let ids = |list: pbx_entitlements::DeviceList<'_>| -> Vec<String> {
///     list.rows().map(|row| row.device.id().to_string()).collect()
/// };
/// assert_eq!(ids(index.device_list()), ["d1", "d2", "d3"]);
/// assert_eq!(ids(index.device_list().platform(Platform::Ios)), ["d1", "d3"]);
/// assert_eq!(ids(index.device_list().search("202")), ["d2", "d3"]);   // bob's extension
/// assert_eq!(ids(index.device_list().search("6.10")), ["d2", "d3"]);  // the app version
/// let row = index.device_list().search("201").rows().next().unwrap();
/// assert_eq!((row.owner.id().as_str(), row.extension), ("alice", Some("201")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct DeviceList<'i> {
    index: &'i TenantIndex,
    platforms: Platforms,
    search: Option<String>,
}

/// One line of a [`DeviceList`]: the device, its owner and the owner's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceRow<'i> {
    /// The device.
    pub device: &'i DeviceEntry,
    /// Its owner.
    pub owner: &'i UserEntry,
    /// The owner's primary extension still held (no end), if any.
    pub extension: Option<&'i str>,
}

impl Serialize for DeviceRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let d = self.device;
        let mut row = serializer.serialize_struct("DeviceRow", 7)?;
        row.serialize_field("id", d.id())?;
        row.serialize_field("owner", self.owner.id())?;
        row.serialize_field("extension", &self.extension)?;
        row.serialize_field("platform", &d.platform())?;
        row.serialize_field("app_id", d.app_id())?;
        row.serialize_field("version", &d.version())?;
        row.serialize_field("last_seen", &d.last_seen())?;
        row.end()
    }
}

impl<'i> DeviceList<'i> {
    /// Every device of `index`.
    pub(crate) fn new(index: &'i TenantIndex) -> DeviceList<'i> {
        DeviceList {
            index,
            platforms: Platforms::empty(),
            search: None,
        }
    }

    /// Keeps devices of this platform (with several calls: of any of them).
    pub fn platform(mut self, platform: Platform) -> DeviceList<'i> {
        self.platforms |= platform.flag();
        self
    }

    /// Keeps devices whose owner's extension or whose app version contains `text`.
    pub fn search(mut self, text: impl Into<String>) -> DeviceList<'i> {
        self.search = Some(text.into());
        self
    }

    /// The devices kept, in device-id order. O(D + E) for D devices and their owners' E
    /// endpoints.
    pub fn rows(&self) -> impl Iterator<Item = DeviceRow<'i>> + '_ {
        let index = self.index;
        index.devices().iter().filter_map(move |device| {
            if !self.platforms.is_empty() && !self.platforms.supports(device.platform()) {
                return None;
            }
            let owner = index.user(device.owner())?;
            let extension = owner
                .endpoints()
                .iter()
                .filter(|e| e.kind == EndpointKind::Extension && e.primary && e.to.is_none())
                .max_by_key(|e| e.from)
                .map(|e| e.id.as_str());
            if let Some(text) = &self.search {
                let in_extension = extension.is_some_and(|x| x.contains(text.as_str()));
                if !in_extension && !device.version().to_string().contains(text.as_str()) {
                    return None;
                }
            }
            Some(DeviceRow {
                device,
                owner,
                extension,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_reject() {
        assert_eq!("6.4".parse(), Ok(AppVersion::new(6, 4, 0)));
        assert_eq!("7".parse(), Ok(AppVersion::new(7, 0, 0)));
        assert!("6.4.0.1".parse::<AppVersion>().is_err());
        assert!("6..1".parse::<AppVersion>().is_err());
        assert!("v6".parse::<AppVersion>().is_err());
        assert!("99999999999".parse::<AppVersion>().is_err());
        for bad in [
            "",
            ".",
            "6.",
            ".6",
            "6.4.",
            "-1",
            "+1",
            "6.4 ",
            "4294967296",
        ] {
            assert!(bad.parse::<AppVersion>().is_err(), "{bad:?}");
        }
        assert_eq!(
            "4294967295.007".parse(),
            Ok(AppVersion::new(u32::MAX, 7, 0))
        );
    }

    /// The parts as `str::split` and `u32::from_str` read them: what the parser must match.
    fn by_split(s: &str) -> Option<AppVersion> {
        let mut parts = [0u32; 3];
        for (count, piece) in s.split('.').enumerate() {
            let slot = parts.get_mut(count)?;
            if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *slot = piece.parse().ok()?;
        }
        Some(AppVersion::new(parts[0], parts[1], parts[2]))
    }

    proptest::proptest! {
        #[test]
        fn parser_reads_as_split_does(s in "[0-9.a+]{0,12}|[0-9]{1,11}(\\.[0-9]{1,11}){0,3}") {
            proptest::prop_assert_eq!(s.parse::<AppVersion>().ok(), by_split(&s));
        }
    }

    #[test]
    fn constraint_reports_reason() {
        let c = DeviceConstraint {
            platforms: Platforms::ANDROID,
            min_version: Some(AppVersion::new(2, 0, 0)),
        };
        assert_eq!(
            c.check(Platform::Ios, AppVersion::new(9, 0, 0)),
            Err(Unsupported::Platform)
        );
        assert_eq!(
            c.check(Platform::Android, AppVersion::new(1, 9, 9)),
            Err(Unsupported::Version)
        );
        assert_eq!(c.check(Platform::Android, AppVersion::new(2, 0, 0)), Ok(()));
    }
}
