//! Authorization: every rule of who may do what, by role and by unit, in one place.
//!
//! Each rule is a pure function of the caller's [`Principal`] (and, for unit rules, the unit a
//! record belongs to). The use cases in `crate::repo` call their rule first, before they
//! validate anything, so a caller without rights learns nothing from validation (403 comes
//! before 422). A rule that depends on a record's unit runs as soon as that record is loaded;
//! a record of another unit does not exist for a reporter (404), so nothing about it leaks.
//! Handlers and queries make no role checks of their own: a use case whose input must not be
//! looked at before the check (a body with problems, an upload being streamed) exposes its
//! first step as `authorize_*`, which calls the rule here.
//!
//! The messages are part of the API (clients show them): change them only on purpose.
//!
//! The roles ([`Role`]): the Office (`admin`) does everything; a `reporter` is bound to one
//! unit and reads and files that unit's reports only; a `viewer` (leadership, monitoring)
//! reads everything and changes nothing; an `integration` (QLVB) sends document events and
//! reads the reference data only.

use cchc_domain::error::{Error, Result};
use cchc_domain::model::token::Role;

/// The identity behind a valid bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub token_id: i64,
    pub name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub unit_code: Option<String>,
}

/// The principal the service acts as when no token is behind a call: the command line, the
/// demo loader, a job of the worker. It has the Office's rights. Token ids start at 1, so
/// `token_id` 0 names no token; the audit trail names such a change by its `Actor::system`.
pub fn system(name: &str) -> Principal {
    Principal {
        token_id: 0,
        name: name.to_owned(),
        role: Role::Admin,
        unit_id: None,
        unit_code: None,
    }
}

/// Reading the reference data (units, indicators, periods, the calendar): every role, so
/// forms and front ends can show names and deadlines.
pub fn read_reference(_principal: &Principal) -> Result<()> {
    Ok(())
}

/// Changing the reporting set-up, and the Office's own tools (tokens, audit trail, jobs,
/// webhooks, the document registry's changes): the Office only.
pub fn require_admin(principal: &Principal) -> Result<()> {
    require_role(principal, Role::Admin, "this action needs the admin role")
}

/// Lets `role` through; refuses the others with `refusal` and the role they have.
fn require_role(principal: &Principal, role: Role, refusal: &str) -> Result<()> {
    if principal.role == role {
        return Ok(());
    }
    Err(Error::Forbidden(format!(
        "{refusal}; this token has the {} role",
        principal.role
    )))
}

/// What an integration token is kept out of, which its refusal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleOnly {
    /// Units' reports, their files and the views across units (boards, consolidation,
    /// escalations, Excel forms and exports). A front end that fetches reports uses a viewer
    /// token (docs/integrations.md).
    Reports,
    /// The registry of official documents.
    Registry,
    /// Plans and their tasks.
    Plans,
}

/// An integration token sends QLVB events and reads only the reference data.
pub fn refuse_integrations(principal: &Principal, what: PeopleOnly) -> Result<()> {
    if principal.role != Role::Integration {
        return Ok(());
    }
    let tail = match what {
        PeopleOnly::Reports => "reports and their files are for people",
        PeopleOnly::Registry => "the registry is for people",
        PeopleOnly::Plans => "plans and tasks are for people",
    };
    Err(Error::Forbidden(format!(
        "integration tokens send events to /api/v1/integrations/qlvb/events; {tail}"
    )))
}

/// A reporter sees its own unit only; `what` names the view across units it asked for.
pub fn refuse_reporters(principal: &Principal, what: &str) -> Result<()> {
    if principal.role == Role::Reporter {
        return Err(Error::Forbidden(format!(
            "{what} is for the Office and the leadership"
        )));
    }
    Ok(())
}

/// Views across units (the compliance board, the consolidated report and its filing,
/// escalations): for the Office and the leadership. Integrations are refused first, with the
/// words they get for every report.
pub fn view_across_units(principal: &Principal, what: &str) -> Result<()> {
    refuse_integrations(principal, PeopleOnly::Reports)?;
    refuse_reporters(principal, what)
}

/// Sending QLVB events: integration tokens only.
pub fn require_integration(principal: &Principal) -> Result<()> {
    require_role(
        principal,
        Role::Integration,
        "only integration tokens send QLVB events",
    )
}

/// Which units' records a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitScope {
    /// Every unit's (the Office, viewers, integrations where they are let in at all).
    All,
    /// One unit's: a reporter's own. `None` for a reporter token bound to no unit, which
    /// then sees nothing.
    Own(Option<i64>),
}

impl UnitScope {
    /// Whether a record of `unit_id` is in scope.
    pub fn includes(self, unit_id: i64) -> bool {
        match self {
            UnitScope::All => true,
            UnitScope::Own(own) => own == Some(unit_id),
        }
    }

    /// The unit a list query keeps to, if any; a reporter bound to no unit keeps to an id no
    /// unit has, so its lists are empty.
    pub fn only_unit(self) -> Option<i64> {
        match self {
            UnitScope::All => None,
            UnitScope::Own(own) => Some(own.unwrap_or(-1)),
        }
    }
}

/// The units whose reports, files and documents a caller sees.
pub fn unit_scope(principal: &Principal) -> UnitScope {
    match principal.role {
        Role::Reporter => UnitScope::Own(principal.unit_id),
        Role::Admin | Role::Viewer | Role::Integration => UnitScope::All,
    }
}

/// Reading a record of `unit_id` (a report, a file): another unit's does not exist for a
/// reporter, so it is "not found" as `what`.
pub fn may_read_unit(principal: &Principal, unit_id: i64, what: &'static str) -> Result<()> {
    if unit_scope(principal).includes(unit_id) {
        Ok(())
    } else {
        Err(Error::not_found(what))
    }
}

/// Changing a report of `unit_id` (values, files, submitting): the unit's reporter and the
/// Office. Another unit's report is "not found" to a reporter.
pub fn may_file_for(principal: &Principal, unit_id: i64) -> Result<()> {
    may_read_unit(principal, unit_id, "submission")?;
    match principal.role {
        Role::Admin | Role::Reporter => Ok(()),
        role => Err(Error::Forbidden(format!(
            "the {role} role cannot change submissions"
        ))),
    }
}

/// Starting a unit's report: a reporter for its own unit, the Office for the unit it names.
/// Answers whose unit the caller may start one for.
pub fn may_start_reports(principal: &Principal) -> Result<UnitScope> {
    match principal.role {
        Role::Admin | Role::Reporter => Ok(unit_scope(principal)),
        role => Err(Error::Forbidden(format!(
            "the {role} role cannot file submissions"
        ))),
    }
}

/// Reviewing a report (`action`: return, accept) and granting a unit an extension: the
/// Office only.
pub fn require_office_to(principal: &Principal, action: &str) -> Result<()> {
    if principal.role == Role::Admin {
        return Ok(());
    }
    Err(Error::Forbidden(format!(
        "only the Office (admin) can {action} a submission"
    )))
}

/// Reading plans: every person's token (the plan is the department's own document); an
/// integration's is refused.
pub fn read_plans(principal: &Principal) -> Result<()> {
    refuse_integrations(principal, PeopleOnly::Plans)
}

/// Reading a task whose lead and coordinating units are `involved`: the Office and the
/// leadership read every task; a reporter those its unit leads or coordinates, and another
/// task does not exist for it.
pub fn may_read_task(principal: &Principal, involved: &[i64]) -> Result<()> {
    read_plans(principal)?;
    match unit_scope(principal) {
        UnitScope::All => Ok(()),
        UnitScope::Own(own) if own.is_some_and(|own| involved.contains(&own)) => Ok(()),
        UnitScope::Own(_) => Err(Error::not_found("task")),
    }
}

/// Reporting on a task (progress, contribution, declaring it done) whose units are
/// `involved`: a reporter of one of them, or the Office for any of them.
pub fn may_report_on_task(principal: &Principal, involved: &[i64]) -> Result<()> {
    may_read_task(principal, involved)?;
    match principal.role {
        Role::Admin | Role::Reporter => Ok(()),
        role => Err(Error::Forbidden(format!(
            "the {role} role cannot report on tasks"
        ))),
    }
}

/// Planning (plans, tasks, extensions) and judging completion (confirm, return): the Office.
pub fn require_office_for_plans(principal: &Principal, action: &str) -> Result<()> {
    read_plans(principal)?;
    if principal.role == Role::Admin {
        return Ok(());
    }
    Err(Error::Forbidden(format!(
        "only the Office (admin) can {action}"
    )))
}

/// Whether the system-of-record figures a caller enters are the Office's (which a unit
/// cannot overwrite) rather than the unit's own.
pub fn enters_office_figures(principal: &Principal) -> bool {
    principal.role == Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: i64 = 7;
    const OTHER: i64 = 8;

    fn as_role(role: Role) -> Principal {
        Principal {
            token_id: 1,
            name: format!("{role} token"),
            role,
            unit_id: (role == Role::Reporter).then_some(OWN),
            unit_code: (role == Role::Reporter).then(|| "KHTC".to_owned()),
        }
    }

    fn forbidden(result: Result<impl std::fmt::Debug>) -> String {
        match result {
            Err(Error::Forbidden(message)) => message,
            other => panic!("expected 403, got {other:?}"),
        }
    }

    fn not_found(result: Result<()>) -> &'static str {
        match result {
            Err(Error::NotFound { resource }) => resource,
            other => panic!("expected 404, got {other:?}"),
        }
    }

    /// The roles a rule lets through, in `Role::ALL` order.
    fn allowed(rule: impl Fn(&Principal) -> bool) -> Vec<Role> {
        Role::ALL
            .iter()
            .copied()
            .filter(|role| rule(&as_role(*role)))
            .collect()
    }

    #[test]
    fn reference_data_is_read_by_every_role() {
        assert_eq!(allowed(|p| read_reference(p).is_ok()), Role::ALL.to_vec());
    }

    #[test]
    fn only_the_office_changes_the_set_up() {
        assert_eq!(allowed(|p| require_admin(p).is_ok()), vec![Role::Admin]);
        assert_eq!(
            forbidden(require_admin(&as_role(Role::Viewer))),
            "this action needs the admin role; this token has the viewer role"
        );
    }

    #[test]
    fn integrations_are_kept_out_of_reports_and_the_registry() {
        for what in [PeopleOnly::Reports, PeopleOnly::Registry] {
            assert_eq!(
                allowed(|p| refuse_integrations(p, what).is_ok()),
                vec![Role::Admin, Role::Reporter, Role::Viewer]
            );
        }
        let integration = as_role(Role::Integration);
        assert_eq!(
            forbidden(refuse_integrations(&integration, PeopleOnly::Reports)),
            "integration tokens send events to /api/v1/integrations/qlvb/events; reports and their files are for people"
        );
        assert_eq!(
            forbidden(refuse_integrations(&integration, PeopleOnly::Registry)),
            "integration tokens send events to /api/v1/integrations/qlvb/events; the registry is for people"
        );
    }

    #[test]
    fn tasks_are_read_by_people_and_a_reporter_sees_its_units_only() {
        assert_eq!(
            allowed(|p| may_read_task(p, &[OWN]).is_ok()),
            vec![Role::Admin, Role::Reporter, Role::Viewer]
        );
        assert_eq!(
            allowed(|p| may_read_task(p, &[OTHER, OWN]).is_ok()),
            vec![Role::Admin, Role::Reporter, Role::Viewer]
        );
        assert_eq!(
            not_found(may_read_task(&as_role(Role::Reporter), &[OTHER])),
            "task"
        );
        assert_eq!(
            allowed(|p| may_report_on_task(p, &[OWN]).is_ok()),
            vec![Role::Admin, Role::Reporter]
        );
        assert_eq!(
            forbidden(may_report_on_task(&as_role(Role::Viewer), &[OWN])),
            "the viewer role cannot report on tasks"
        );
        assert_eq!(
            allowed(|p| require_office_for_plans(p, "confirm a task").is_ok()),
            vec![Role::Admin]
        );
        assert_eq!(
            forbidden(read_plans(&as_role(Role::Integration))),
            "integration tokens send events to /api/v1/integrations/qlvb/events; plans and tasks are for people"
        );
    }

    #[test]
    fn reporters_are_kept_out_of_views_across_units() {
        assert_eq!(
            allowed(|p| refuse_reporters(p, "the board").is_ok()),
            vec![Role::Admin, Role::Viewer, Role::Integration]
        );
        assert_eq!(
            forbidden(refuse_reporters(
                &as_role(Role::Reporter),
                "the compliance board"
            )),
            "the compliance board is for the Office and the leadership"
        );
    }

    #[test]
    fn views_across_units_are_for_the_office_and_the_leadership() {
        assert_eq!(
            allowed(|p| view_across_units(p, "the board").is_ok()),
            vec![Role::Admin, Role::Viewer]
        );
        // An integration hears what it hears for every report, not the reporters' words.
        assert!(
            forbidden(view_across_units(&as_role(Role::Integration), "the board"))
                .starts_with("integration tokens send events")
        );
    }

    #[test]
    fn only_integrations_send_events() {
        assert_eq!(
            allowed(|p| require_integration(p).is_ok()),
            vec![Role::Integration]
        );
        assert_eq!(
            forbidden(require_integration(&as_role(Role::Admin))),
            "only integration tokens send QLVB events; this token has the admin role"
        );
    }

    #[test]
    fn a_reporter_is_scoped_to_its_own_unit() {
        for role in Role::ALL.iter().copied() {
            let scope = unit_scope(&as_role(role));
            if role == Role::Reporter {
                assert_eq!(scope, UnitScope::Own(Some(OWN)));
                assert_eq!(scope.only_unit(), Some(OWN));
                assert!(scope.includes(OWN) && !scope.includes(OTHER));
            } else {
                assert_eq!(scope, UnitScope::All);
                assert_eq!(scope.only_unit(), None);
                assert!(scope.includes(OWN) && scope.includes(OTHER));
            }
        }
        // A reporter token bound to no unit sees nothing.
        let unbound = Principal {
            unit_id: None,
            ..as_role(Role::Reporter)
        };
        assert_eq!(unit_scope(&unbound).only_unit(), Some(-1));
        assert!(!unit_scope(&unbound).includes(OWN));
    }

    #[test]
    fn another_units_records_do_not_exist_for_a_reporter() {
        assert_eq!(
            allowed(|p| may_read_unit(p, OWN, "submission").is_ok()),
            Role::ALL.to_vec()
        );
        assert_eq!(
            allowed(|p| may_read_unit(p, OTHER, "submission").is_ok()),
            vec![Role::Admin, Role::Viewer, Role::Integration]
        );
        assert_eq!(
            not_found(may_read_unit(&as_role(Role::Reporter), OTHER, "attachment")),
            "attachment"
        );
    }

    #[test]
    fn reports_are_changed_by_their_units_reporter_and_the_office() {
        assert_eq!(
            allowed(|p| may_file_for(p, OWN).is_ok()),
            vec![Role::Admin, Role::Reporter]
        );
        assert_eq!(
            allowed(|p| may_file_for(p, OTHER).is_ok()),
            vec![Role::Admin]
        );
        // Another unit's report is not found before the role is looked at.
        assert_eq!(
            not_found(may_file_for(&as_role(Role::Reporter), OTHER)),
            "submission"
        );
        assert_eq!(
            forbidden(may_file_for(&as_role(Role::Viewer), OWN)),
            "the viewer role cannot change submissions"
        );
        assert_eq!(
            forbidden(may_file_for(&as_role(Role::Integration), OWN)),
            "the integration role cannot change submissions"
        );
    }

    #[test]
    fn reports_are_started_by_reporters_for_their_unit_and_by_the_office() {
        assert_eq!(
            allowed(|p| may_start_reports(p).is_ok()),
            vec![Role::Admin, Role::Reporter]
        );
        assert_eq!(
            may_start_reports(&as_role(Role::Reporter)).ok(),
            Some(UnitScope::Own(Some(OWN)))
        );
        assert_eq!(
            may_start_reports(&as_role(Role::Admin)).ok(),
            Some(UnitScope::All)
        );
        assert_eq!(
            forbidden(may_start_reports(&as_role(Role::Viewer))),
            "the viewer role cannot file submissions"
        );
    }

    #[test]
    fn only_the_office_reviews() {
        assert_eq!(
            allowed(|p| require_office_to(p, "accept").is_ok()),
            vec![Role::Admin]
        );
        assert_eq!(
            forbidden(require_office_to(&as_role(Role::Reporter), "accept")),
            "only the Office (admin) can accept a submission"
        );
    }

    #[test]
    fn only_the_office_enters_office_figures() {
        assert_eq!(allowed(enters_office_figures), vec![Role::Admin]);
    }

    #[test]
    fn the_system_acts_with_the_offices_rights() {
        let system = system("cli");
        assert_eq!(system.name, "cli");
        assert!(require_admin(&system).is_ok());
        assert_eq!(unit_scope(&system), UnitScope::All);
        assert!(may_file_for(&system, OTHER).is_ok());
    }
}
