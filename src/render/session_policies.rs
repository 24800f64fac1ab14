//! Simulate mode's session policies: per task, its inline statements as the JSON document
//! `aws sts assume-role --policy file://…` takes. Written compact: STS counts every
//! character against its 2,048 limit, whitespace included. No template: an override must
//! not change what `trustgen assume` passes to STS.

use super::GeneratedFile;
use crate::model::{names, Model};

pub(super) fn render(model: &Model) -> Vec<GeneratedFile> {
    model
        .accounts
        .iter()
        .flat_map(|account| {
            account.session_policies.iter().filter_map(move |session| {
                let document = session.document.as_ref()?;
                let mut contents = serde_json::to_string(document).ok()?;
                contents.push('\n');
                Some(GeneratedFile::new(
                    names::session_policy_file(&account.name, &session.task),
                    contents,
                ))
            })
        })
        .collect()
}
