//! The emitters of the bulk of every file: policy documents and container definitions as
//! finished YAML or HCL text, built from one document tree (`doc`; container definitions
//! through their serde derive, `serialize`). Templates place the text; they never spell a
//! document out themselves.

pub(super) mod doc;
pub(super) mod hcl;
pub(super) mod serialize;
pub(super) mod yaml;
