//! `[bootstrap]`: the StackSet gives its baseline (developer access) to every account of
//! its organisational units, so every OU, account and region it reaches is access: one
//! added broadens, one removed is reported. Its baseline's role and policy are classified
//! as any role and policy are, under the placeholder account they name.

use super::Building;
use crate::diff::fields::{Rule, Scale, Writer};
use crate::diff::review::{Review, Subject};
use crate::diff::strings::Strings;
use crate::diff::Kind::{Access, Deployment, Other};
use crate::model::{AccountFilter, Bootstrap, OperationPreferences, Target};

pub(super) fn bootstrap(review: &mut Review, strings: &mut Strings, bootstrap: &Bootstrap) {
    let Bootstrap {
        account,
        account_id,
        region,
        name,
        description,
        logical_id,
        terraform,
        call_as,
        auto_deployment,
        retain_stacks_on_account_removal,
        regions,
        operation_preferences,
        targets,
        baseline,
    } = bootstrap;
    let _ = account; // by its id
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text("StackSet account", Deployment, Rule::Report, account_id);
    fields.text("StackSet region", Deployment, Rule::Report, region);
    fields.text("call as", Deployment, Rule::Report, call_as.as_str());
    fields.text("description", Other, Rule::Report, description);
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text("Terraform address", Other, Rule::Report, terraform);
    // On: accounts that join a targeted OU later get the baseline (broadens).
    fields.flag("auto-deployment", Access, Rule::On, *auto_deployment);
    // Accounts that leave a targeted OU keep the baseline (and developer access) when
    // retention is asked, and also whenever auto-deployment is off (StackSets removes
    // stack instances from leaving accounts only with it on): either way it broadens.
    fields.flag(
        "stacks kept in accounts that leave",
        Access,
        Rule::On,
        *retain_stacks_on_account_removal || !*auto_deployment,
    );
    fields.members(
        "stack instance region",
        Access,
        Rule::Grows,
        regions.iter().map(String::as_str),
    );
    preferences(&mut fields, operation_preferences);
    for target in targets {
        self::target(&mut fields, target);
    }
    let subject = Subject::StackSet {
        account_id: entity.strings.intern(account_id),
        name: entity.strings.intern(name),
    };
    entity.file(review, subject, "stack_set", name, Some(account_id));
    // What every targeted account receives: the baseline's role and policy, by the ARNs
    // they have in any account (`names::BASELINE_ACCOUNT_ID`).
    super::account_contents(review, strings, baseline);
}

/// How CloudFormation rolls the StackSet out: when, not where.
fn preferences(fields: &mut Writer<'_>, preferences: &OperationPreferences) {
    let OperationPreferences {
        max_concurrent_count,
        max_concurrent_percentage,
        failure_tolerance_count,
        failure_tolerance_percentage,
        region_concurrency_type,
        region_order,
        concurrency_mode,
    } = preferences;
    for (label, value) in [
        ("max concurrent accounts", max_concurrent_count),
        ("max concurrent accounts (%)", max_concurrent_percentage),
        ("failures tolerated", failure_tolerance_count),
        ("failures tolerated (%)", failure_tolerance_percentage),
    ] {
        fields.opt_number(label, Deployment, Rule::Report, *value);
    }
    fields.opt_text(
        "region concurrency",
        Deployment,
        Rule::Report,
        *region_concurrency_type,
    );
    fields.list(
        "region order",
        Deployment,
        Rule::Report,
        region_order.iter().map(String::as_str),
    );
    fields.opt_text(
        "concurrency mode",
        Deployment,
        Rule::Report,
        *concurrency_mode,
    );
}

/// Where one target reaches: each OU, with the accounts of it the filter lets through.
fn target(fields: &mut Writer<'_>, target: &Target) {
    let Target {
        env,
        organizational_units,
        accounts,
        terraform,
    } = target;
    let reach = match accounts {
        AccountFilter::All => "every account",
        AccountFilter::Only(_) => "only listed accounts",
        AccountFilter::Except(_) => "every account but the excluded",
    };
    for unit in organizational_units {
        fields.member("organizational unit", Access, Rule::Grows, unit);
        fields.keyed("env of organizational unit", unit, Other, Rule::Report, env);
        fields.keyed(
            "accounts of organizational unit",
            unit,
            Access,
            Rule::Levels(Scale::AccountFilter),
            reach,
        );
        fields.keyed(
            "stack instances Terraform address",
            unit,
            Other,
            Rule::Report,
            terraform,
        );
        for id in accounts.accounts() {
            let item = format!("{id} in {unit}");
            match accounts {
                AccountFilter::Only(_) => {
                    fields.member("targeted account", Access, Rule::Grows, &item);
                }
                AccountFilter::Except(_) | AccountFilter::All => {
                    fields.member("excluded account", Access, Rule::Limits, &item);
                }
            }
        }
    }
}
