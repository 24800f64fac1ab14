//! The emitters of the bulk of every file: policy documents and container definitions as
//! finished YAML or HCL text. What a document holds arrives as events (`events`: a policy
//! walked as it is, `policy`; container definitions through their serde derive,
//! `serialize`) and goes straight into the output (`yaml::YamlWriter`,
//! `hcl_writer::HclWriter`). Templates place the text; they never spell a document out
//! themselves.

pub(super) mod doc;
pub(super) mod events;
pub(super) mod hcl;
pub(super) mod hcl_writer;
pub(super) mod policy;
pub(super) mod serialize;
#[cfg(test)]
pub(super) mod tree;
pub(super) mod yaml;
