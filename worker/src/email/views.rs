//! What the templates of several kinds of mail see alike.

use serde::Serialize;

use super::refs::UnitRef;

/// A unit as a template names it.
#[derive(Serialize)]
pub(super) struct UnitView<'a> {
    code: &'a str,
    name: &'a str,
    /// The Office itself: its own report, not one it receives.
    office: bool,
}

impl<'a> UnitView<'a> {
    pub(super) fn new(unit: &'a UnitRef) -> Self {
        Self {
            code: &unit.code,
            name: &unit.name,
            office: unit.office,
        }
    }
}
