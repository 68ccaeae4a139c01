//! Who may set a report's system-of-record figure (số liệu trên hệ thống). The Office copies
//! it from the province's systems and its figure is authoritative: a unit may send it back
//! unchanged or leave it out, never change or clear it. The Office may change or clear any.

use rust_decimal::Decimal;

use crate::model::submission::SystemValueSource;

/// A report's system figure for one indicator as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SystemFigure {
    pub value: Option<Decimal>,
    pub source: Option<SystemValueSource>,
}

/// What a write leaves as the system figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FigureWrite {
    /// The figure to store, with who gave it.
    pub figure: SystemFigure,
    /// The writer is a unit that sent a figure other than the Office's: refuse the write
    /// (`set_by_office`).
    pub overrides_office: bool,
}

/// Who writes: the Office (an admin) or the unit.
pub fn writer(is_office: bool) -> SystemValueSource {
    if is_office {
        SystemValueSource::Office
    } else {
        SystemValueSource::Unit
    }
}

/// The Office's figure a unit's write must keep, if `stored` holds one.
pub fn kept_office_figure(writer: SystemValueSource, stored: SystemFigure) -> Option<Decimal> {
    match (writer, stored.source) {
        (SystemValueSource::Unit, Some(SystemValueSource::Office)) => stored.value,
        _ => None,
    }
}

/// The system figure after `writer` sends `sent` over `stored`. A unit's write keeps the
/// Office's figure whether it sends it back or leaves it out, and still names the Office as
/// its source; otherwise the figure sent is the writer's own.
pub fn write(
    writer: SystemValueSource,
    stored: SystemFigure,
    sent: Option<Decimal>,
) -> FigureWrite {
    let office = kept_office_figure(writer, stored);
    let overrides_office = office.is_some() && sent.is_some_and(|v| Some(v) != office);
    let value = sent.or(office);
    let source = match (value, office) {
        (None, _) => None,
        (Some(_), Some(_)) => Some(SystemValueSource::Office),
        (Some(_), None) => Some(writer),
    };
    FigureWrite {
        figure: SystemFigure { value, source },
        overrides_office,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(value: i64, source: SystemValueSource) -> SystemFigure {
        SystemFigure {
            value: Some(Decimal::from(value)),
            source: Some(source),
        }
    }

    const OFFICE: SystemValueSource = SystemValueSource::Office;
    const UNIT: SystemValueSource = SystemValueSource::Unit;

    #[test]
    fn the_writer_is_the_office_for_admins_and_the_unit_otherwise() {
        assert_eq!(writer(true), OFFICE);
        assert_eq!(writer(false), UNIT);
    }

    #[test]
    fn a_unit_keeps_the_office_figure_when_it_leaves_it_out_or_sends_it_back() {
        for sent in [None, Some(Decimal::from(120))] {
            let write = write(UNIT, figure(120, OFFICE), sent);
            assert_eq!(write.figure, figure(120, OFFICE), "{sent:?}");
            assert!(!write.overrides_office);
        }
    }

    #[test]
    fn a_unit_may_not_change_the_office_figure() {
        let write = write(UNIT, figure(120, OFFICE), Some(Decimal::from(99)));
        assert!(write.overrides_office);
    }

    #[test]
    fn a_unit_sets_and_changes_its_own_figure() {
        let first = write(UNIT, SystemFigure::default(), Some(Decimal::from(7)));
        assert_eq!(first.figure, figure(7, UNIT));
        let second = write(UNIT, figure(7, UNIT), Some(Decimal::from(8)));
        assert_eq!(second.figure, figure(8, UNIT));
        assert!(!second.overrides_office);
        let cleared = write(UNIT, figure(8, UNIT), None);
        assert_eq!(cleared.figure, SystemFigure::default());
    }

    #[test]
    fn the_office_changes_or_clears_any_figure_and_becomes_its_source() {
        let changed = write(OFFICE, figure(7, UNIT), Some(Decimal::from(9)));
        assert_eq!(changed.figure, figure(9, OFFICE));
        assert!(!changed.overrides_office);
        let cleared = write(OFFICE, figure(120, OFFICE), None);
        assert_eq!(cleared.figure, SystemFigure::default());
    }

    #[test]
    fn only_a_unit_writing_over_an_office_figure_must_keep_it() {
        assert_eq!(
            kept_office_figure(UNIT, figure(5, OFFICE)),
            Some(Decimal::from(5))
        );
        assert_eq!(kept_office_figure(UNIT, figure(5, UNIT)), None);
        assert_eq!(kept_office_figure(OFFICE, figure(5, OFFICE)), None);
        assert_eq!(
            kept_office_figure(UNIT, figure(5, SystemValueSource::Import)),
            None
        );
    }
}
