//! Field facts, class by class, both ways.

use super::*;
