//! The Terraform account template compiled at build time (build.rs), with the components
//! it uses; an account that includes Identity Center or the StackSet falls back to Tera.

use crate::render::compiled as rt;

include!(concat!(env!("OUT_DIR"), "/compiled_terraform.rs"));
