//! `[identity_center]`: the Identity Center instance and the permission sets in it.

use crate::collections::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// `[identity_center]`: the IAM Identity Center instance and the permission sets trustgen
/// manages in it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityCenter {
    /// The instance: arn:<partition>:sso:::instance/ssoins-<16 hex>.
    pub instance_arn: String,
    /// The spec account that administers it (the organisation's management account or
    /// the delegated administrator): the permission sets are deployed there.
    pub account: String,
    /// The Identity Center region; default that account's region.
    pub region: Option<String>,
    /// The AWS access portal URL developers sign in at (https://d-xxxxxxxxxx.awsapps.com/start),
    /// for the `[sso-session]` that `aws-config` writes.
    pub start_url: Option<String>,
    /// Permission sets by name.
    #[serde(default)]
    pub permission_sets: IndexMap<String, PermissionSet>,
}

/// `[identity_center.permission_sets.NAME]`: a permission set whose sessions are developers.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionSet {
    /// ISO 8601 duration of a sign-in session, PT1H (default) to PT12H.
    pub session_duration: Option<String>,
    /// Managed policy ARNs the permission set's role gets besides the developer policy.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// Identity Store group ids assigned the permission set in each of its accounts.
    #[serde(default)]
    pub assign_groups: Vec<String>,
    /// The dev-access accounts (spec names) it is for: its group assignments and the SSO
    /// profiles of `aws-config`; default every dev-access account with a developer policy.
    pub accounts: Option<Vec<String>>,
}
