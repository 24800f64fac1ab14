//! Simulate mode's session policies: per task, its inline statements as the JSON document
//! `aws sts assume-role --policy file://…` takes. Written compact: STS counts every
//! character against its 2,048 limit, whitespace included.

use super::GeneratedFile;
use crate::model::Model;

pub fn render(model: &Model) -> Vec<GeneratedFile> {
    model
        .accounts
        .iter()
        .flat_map(|account| {
            account.session_policies.iter().filter_map(move |session| {
                let document = session.document.as_ref()?;
                let mut contents = serde_json::to_string(document).ok()?;
                contents.push('\n');
                Some(GeneratedFile {
                    path: path(&account.name, &session.task),
                    contents,
                })
            })
        })
        .collect()
}

/// Where a task's session policy is written, relative to the output directory.
fn path(account: &str, task: &str) -> String {
    format!("session-policies/{account}/{task}.json")
}
