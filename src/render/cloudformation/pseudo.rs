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
        let (service, resource) = (escape_sub(arn.service), escape_sub(arn.resource));
        // Pushed, not `format!`ted: this runs for every own-account ARN of every document.
        let mut text = String::with_capacity(64 + service.len() + resource.len());
        for piece in [
            "arn:${AWS::Partition}:",
            &service,
            ":",
            &region,
            ":${AWS::AccountId}:",
            &resource,
        ] {
            text.push_str(piece);
        }
        Some(Doc::Intrinsic(Intrinsic::Sub(text)))
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
    use serde_json::json;

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

    /// Strings a YAML or HCL reader could take for something else, and own-account ARNs
    /// holding `${`.
    const HOSTILE: [&str; 16] = [
        "yes",
        "No",
        "- x",
        "a: b",
        "2012-10-17",
        "line\u{2028}separator\u{2029}and\u{85}next",
        "${aws:username}",
        "%{ if true }x%{ endif }",
        "say \"hi\"",
        "back\\slash",
        "it's # not a comment",
        "",
        " leading space",
        "arn:aws:iam::111122223333:role/${x}",
        "arn:aws:s3:eu-west-1:111122223333:b/${aws:username}/%{x}",
        "111122223333",
    ];

    /// A policy holding the hostile strings in every place a policy holds a string.
    fn hostile_policy() -> PolicyDocument {
        use crate::model::policy::{Principal, Statement};
        let strings: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
        let actions: Vec<&str> = HOSTILE.to_vec();
        PolicyDocument::new(vec![
            Statement::allow(HOSTILE[3], &actions)
                .principal(Principal::Aws(strings.clone()))
                .resources(strings.clone())
                .condition(HOSTILE[1], HOSTILE[2], json!(HOSTILE))
                .condition("StringEquals", HOSTILE[6], json!({HOSTILE[7]: HOSTILE[13]})),
            Statement::allow("One", &[HOSTILE[6]])
                .principal(Principal::Aws(vec![HOSTILE[13].into()]))
                .resources(vec![HOSTILE[14].into()]),
        ])
    }

    /// Through every string place of a policy, the streaming writers write exactly what the
    /// tree writers did, and no string becomes an expression: CloudFormation.
    #[test]
    fn hostile_strings_in_a_policy_stream_as_the_tree_writer_wrote_them() {
        use crate::render::emit::{tree, yaml::YamlWriter};
        let document = hostile_policy();
        let pseudo = pseudo();
        let substitute = |text: &str| pseudo.substitute(text);

        let mut streamed = String::new();
        crate::render::emit::policy::write(
            &document,
            &[],
            &mut YamlWriter::new(&mut streamed, 6, &substitute),
        );
        let mut written = String::new();
        tree::yaml::write_placed(&mut written, &pseudo.policy_tree(&document), 6);
        assert_eq!(streamed, written);
        assert!(
            streamed.contains("!Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${!x}\"")
        );
        assert!(streamed.contains("- \"yes\"") && streamed.contains("- \"a: b\""));
        assert!(streamed.contains("\\u2028") && !streamed.contains('\u{2028}'));
    }

    /// The same for Terraform, with a trust reference.
    #[test]
    fn hostile_strings_in_a_trust_policy_stream_as_the_tree_writer_wrote_them() {
        use crate::render::emit::{hcl_writer::HclWriter, tree};
        let document = hostile_policy();
        // Terraform: a reference only where the renderer made one, for a Principal.AWS ARN.
        let references = [(HOSTILE[13], "aws_iam_role.x.arn".to_string())];
        let mut streamed = String::new();
        crate::render::emit::policy::write(
            &document,
            &references,
            &mut HclWriter::new(&mut streamed, 2),
        );
        let mut written = String::new();
        tree::hcl::write_value(&mut written, &tree::trust_policy(&document, &references), 2);
        assert_eq!(streamed, written);
        assert_eq!(streamed.matches("aws_iam_role.x.arn").count(), 2);
        assert!(streamed.contains("$${aws:username}") && streamed.contains("%%{ if true }"));
        assert!(!streamed.contains("\"${") && !streamed.contains("\"%{"));
    }

    /// The same through the serde path, both formats, maps keyed by hostile strings.
    #[test]
    fn hostile_strings_through_serde_stream_as_the_tree_writers_wrote_them() {
        use crate::render::emit::{hcl_writer::HclWriter, tree, yaml::YamlWriter};
        let pseudo = pseudo();
        let substitute = |text: &str| pseudo.substitute(text);
        // A value through the serde path, both formats, maps keyed by hostile strings.
        let value: Vec<serde_json::Value> = vec![
            json!({"keys": HOSTILE.iter().map(|s| (s.to_string(), json!(s))).collect::<serde_json::Map<_, _>>(), "list": HOSTILE, "empty": [], "none": {}}),
        ];
        let mut streamed = String::new();
        crate::render::emit::serialize::write(
            &value,
            KeyCase::Pascal,
            &mut YamlWriter::new(&mut streamed, 8, &substitute),
        )
        .ok();
        let mut written = String::new();
        let tree = tree::serialize::to_tree(&value, KeyCase::Pascal, &substitute).ok();
        tree::yaml::write_placed(&mut written, &tree.unwrap_or(tree::Tree::Null), 8);
        assert_eq!(streamed, written);
        let mut streamed = String::new();
        let mut writer = HclWriter::new(&mut streamed, 8);
        crate::render::emit::serialize::write(&value, KeyCase::Camel, &mut writer).ok();
        drop(writer);
        let mut written = String::new();
        let tree = tree::serialize::to_tree(&value, KeyCase::Camel, &tree::no_substitution).ok();
        tree::hcl::write_value(&mut written, &tree.unwrap_or(tree::Tree::Null), 8);
        assert_eq!(streamed, written);
    }
}
