//! The StackSet's operation preferences as both backends hand them to their templates:
//! the same fields, each text quoted for the template's language (`Q`: CloudFormation's
//! `Yaml` or Terraform's `Hcl`).

use serde::Serialize;

use crate::model::OperationPreferences;

#[derive(Serialize)]
pub(super) struct PreferencesContext<Q> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrent_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrent_percentage: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_tolerance_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_tolerance_percentage: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_concurrency_type: Option<Q>,
    pub region_order: Vec<Q>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency_mode: Option<Q>,
}

impl<Q> PreferencesContext<Q> {
    /// The preferences the spec sets, or none (CloudFormation's defaults).
    pub(super) fn of(
        preferences: &OperationPreferences,
        quote: impl Fn(&str) -> Q,
    ) -> Option<Self> {
        let OperationPreferences {
            max_concurrent_count,
            max_concurrent_percentage,
            failure_tolerance_count,
            failure_tolerance_percentage,
            region_concurrency_type,
            region_order,
            concurrency_mode,
        } = preferences;
        (!preferences.is_empty()).then(|| PreferencesContext {
            max_concurrent_count: *max_concurrent_count,
            max_concurrent_percentage: *max_concurrent_percentage,
            failure_tolerance_count: *failure_tolerance_count,
            failure_tolerance_percentage: *failure_tolerance_percentage,
            region_concurrency_type: region_concurrency_type.map(&quote),
            region_order: region_order.iter().map(|region| quote(region)).collect(),
            concurrency_mode: concurrency_mode.map(&quote),
        })
    }
}
