//! Own-account ARNs and ids written with pseudo parameters (`${AWS::Partition}`,
//! `${AWS::AccountId}`, `${AWS::Region}`), so a stack is portable between accounts, which
//! the developer stack needs to roll out through a StackSet.

use crate::model::policy::PolicyDocument;
use crate::model::{Account, Arn, ContainerDefinition, PartitionExt};
use crate::render::emit::doc::{Doc, Intrinsic};
use crate::render::emit::policy;
use crate::render::emit::serialize::{self, KeyCase};
use crate::render::emit::yaml::YamlWriter;
use crate::spec::Partition;

/// Replaces own-account literals with pseudo parameters; resolving them again gives back
/// exactly the model's value (the parity tests do that).
pub(crate) struct PseudoParameters {
    partition: &'static str,
    account_id: String,
    region: String,
}

impl PseudoParameters {
    pub(crate) fn new(partition: Partition, account: &Account) -> Self {
        PseudoParameters {
            partition: partition.as_str(),
            account_id: account.id.clone(),
            region: account.region.clone(),
        }
    }

    /// Writes container definitions in CloudFormation's property names, own-account
    /// literals replaced, where a template placed them (`yaml::YamlWriter`).
    pub(crate) fn write_containers(
        &self,
        containers: &[ContainerDefinition],
        out: &mut String,
        indent: usize,
    ) -> Result<(), String> {
        let substitute = |text: &str| self.substitute(text);
        let mut writer = YamlWriter::new(out, indent, &substitute);
        serialize::write(containers, KeyCase::Pascal, &mut writer)
            .map_err(|error| format!("cannot write the container definitions: {error}"))
    }

    /// Writes a policy document with every own-account literal replaced, where a template
    /// placed it.
    pub(crate) fn write_policy(&self, document: &PolicyDocument, out: &mut String, indent: usize) {
        let substitute = |text: &str| self.substitute(text);
        let mut writer = YamlWriter::new(out, indent, &substitute);
        policy::write(document, &[], &mut writer);
    }

    /// `write_containers` as the tree writers had it (`emit::tree`), for test builds to
    /// compare.
    #[cfg(test)]
    pub(crate) fn containers_tree(
        &self,
        containers: &[ContainerDefinition],
    ) -> Result<crate::render::emit::tree::Tree<'static>, String> {
        crate::render::emit::tree::serialize::to_tree(containers, KeyCase::Pascal, &|text| {
            self.substitute(text)
        })
        .map_err(|error| format!("cannot write the container definitions: {error}"))
    }

    /// `write_policy` as the tree writers had it.
    #[cfg(test)]
    pub(crate) fn policy_tree<'a>(
        &self,
        document: &'a PolicyDocument,
    ) -> crate::render::emit::tree::Tree<'a> {
        crate::render::emit::tree::from_policy(document, &|text| self.substitute(text))
    }

    pub(crate) fn string<'a>(&self, text: &'a str) -> Doc<'a> {
        self.substitute(text).unwrap_or_else(|| Doc::text(text))
    }

    /// The intrinsic standing for `text`, when `text` names this account.
    fn substitute(&self, text: &str) -> Option<Doc<'static>> {
        if text == self.account_id {
            return Some(Doc::Intrinsic(Intrinsic::Ref("AWS::AccountId".into())));
        }
        let arn = Arn::parse(text)?;
        if arn.partition != self.partition || arn.account != self.account_id {
            return None;
        }
        let region = if arn.region == self.region {
            "${AWS::Region}".into()
        } else {
            escape_sub(arn.region)
        };
        Some(Doc::Intrinsic(Intrinsic::Sub(format!(
            "arn:${{AWS::Partition}}:{}:{region}:${{AWS::AccountId}}:{}",
            escape_sub(arn.service),
            escape_sub(arn.resource)
        ))))
    }
}

/// In `Fn::Sub` text, a literal `${` is written `${!`.
fn escape_sub(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("${") {
        text.replace("${", "${!").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo() -> PseudoParameters {
        PseudoParameters {
            partition: "aws",
            account_id: "111122223333".into(),
            region: "eu-west-1".into(),
        }
    }

    fn sub(text: &str) -> Doc<'static> {
        Doc::Intrinsic(Intrinsic::Sub(text.into()))
    }

    #[test]
    fn own_account_arns_use_pseudo_parameters() {
        assert_eq!(
            pseudo().string("arn:aws:ecs:eu-west-1:111122223333:*"),
            sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*")
        );
        assert_eq!(
            pseudo().string("111122223333"),
            Doc::Intrinsic(Intrinsic::Ref("AWS::AccountId".into()))
        );
        assert_eq!(
            pseudo().string("arn:aws:iam::111122223333:role/x"),
            sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x")
        );
    }

    #[test]
    fn other_accounts_and_policy_variables_stay_literal_or_escaped() {
        assert_eq!(
            pseudo().string("arn:aws:iam::999988887777:root"),
            Doc::text("arn:aws:iam::999988887777:root")
        );
        assert_eq!(
            pseudo().string("arn:aws:s3:us-east-1:111122223333:b/${aws:username}"),
            sub("arn:${AWS::Partition}:s3:us-east-1:${AWS::AccountId}:b/${!aws:username}")
        );
    }
}
