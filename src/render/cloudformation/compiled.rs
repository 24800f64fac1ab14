//! The CloudFormation templates compiled at build time (build.rs): the tasks and trust
//! stacks, with the role template and components they use.

use crate::render::compiled as rt;

include!(concat!(env!("OUT_DIR"), "/compiled_cloudformation.rs"));
