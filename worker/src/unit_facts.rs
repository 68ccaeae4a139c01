//! What the mail jobs read about a unit besides its name, when the job runs: whether it is the
//! Office itself, the head's position title on record, and the working calendar lateness is
//! counted in.

use diesel_async::AsyncPgConnection;

use cchc_app::repo::jobs::JobError;
use cchc_db::calendar::load_calendar;
use cchc_db::units;
use cchc_domain::model::job::Recipient;
use cchc_domain::model::unit::{ContactRole, UnitKind};
use cchc_domain::rules::calendar::WorkingCalendar;

/// Whether unit `unit_id` is the Office (Văn phòng Sở); `false` for a unit that is gone.
pub(crate) async fn is_office(conn: &AsyncPgConnection, unit_id: i64) -> Result<bool, JobError> {
    Ok(units::find(conn, unit_id, false)
        .await?
        .is_some_and(|row| row.kind == UnitKind::Office))
}

/// The position title on record of unit `unit_id`'s head `head` (`Trưởng phòng`), if the mail
/// goes to the head (`head` is `None` when it goes to the focal persons) and a title is set.
pub(crate) async fn head_title(
    conn: &mut AsyncPgConnection,
    unit_id: i64,
    head: Option<&Recipient>,
) -> Result<Option<String>, JobError> {
    let Some(head) = head else {
        return Ok(None);
    };
    Ok(units::contacts_of(conn, &[unit_id])
        .await?
        .into_iter()
        .find(|c| c.role == ContactRole::Head && c.email.eq_ignore_ascii_case(head.email.trim()))
        .and_then(|c| c.position_title)
        .map(|title| title.trim().to_owned())
        .filter(|title| !title.is_empty()))
}

/// The working calendar (holidays, make-up days) lateness is counted in.
pub(crate) async fn calendar(conn: &mut AsyncPgConnection) -> Result<WorkingCalendar, JobError> {
    Ok(load_calendar(conn).await?)
}
