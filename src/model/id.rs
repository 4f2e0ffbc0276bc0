//! Newtype ids: a `UserId` cannot be passed where a `GroupId` is meant.

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    )*};
}

ids! {
    /// The id of a tenant (customer organisation).
    TenantId;
    /// The id of a plan (what the tenant bought).
    PlanId;
    /// The id of a template.
    TemplateId;
    /// The id of a department.
    DepartmentId;
    /// The id of a role.
    RoleId;
    /// The id of a group (hunt group, queue, team).
    GroupId;
    /// The id of a user.
    UserId;
    /// The id of a registered device.
    DeviceId;
}
