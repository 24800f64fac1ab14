//! The reports: text, Markdown and JSON.

use super::*;
