//! When the worker's first reminder or escalation can leave: they go out only in office hours
//! on working days, so a newcomer who starts `quickstart` at night is told why nothing is sent
//! yet, and when something will be.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use cchc_db::calendar::load_calendar;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::rules::local_time::{local_date, to_local};
use cchc_domain::rules::reminders::next_working_slot;

use crate::email::format;

/// The first instant at or after `now` when the planner sends reminders and escalations: `now`
/// inside office hours on a working day, else the start of the next office hours on one.
pub async fn first_mail_at(
    conn: &mut AsyncPgConnection,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> anyhow::Result<DateTime<Utc>> {
    let calendar = load_calendar(conn).await?;
    Ok(next_working_slot(
        now,
        &calendar,
        policy.office_hours_start,
        policy.office_hours_end,
    ))
}

/// What `quickstart` prints about it, in Vietnamese then English, one line each.
pub fn first_mail_notice(now: DateTime<Utc>, at: DateTime<Utc>, policy: &ReminderPolicy) -> String {
    let hours = format!(
        "{}–{}",
        policy.office_hours_start.format("%H:%M"),
        policy.office_hours_end.format("%H:%M")
    );
    let rule_vi = format!(
        "Thư nhắc hạn và thư báo quá hạn chỉ được gửi trong giờ hành chính ({hours}) các ngày làm việc."
    );
    let rule_en = format!(
        "Reminders and escalations go out only in office hours ({hours}, Vietnam time) on working days."
    );
    if at <= now {
        return format!(
            "{rule_vi} Thư đầu tiên của dữ liệu mẫu được gửi ngay.\n\
             {rule_en} The demo's first mail goes out now."
        );
    }
    let day = local_date(at);
    let wait = at - now;
    let (wait_h, wait_m) = (wait.num_hours(), wait.num_minutes() % 60);
    format!(
        "{rule_vi} Thư đầu tiên của dữ liệu mẫu sẽ được gửi lúc {} ({}), sau {wait_h} giờ {wait_m} phút nữa.\n\
         {rule_en} The demo's first mail goes out at {} ({}), in {wait_h} h {wait_m} min.",
        format::date_time(at),
        format::weekday(day),
        to_local(at).format("%Y-%m-%d %H:%M %:z"),
        day.format("%A"),
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use cchc_domain::rules::calendar::WorkingCalendar;

    /// A Vietnam local time (UTC+7).
    fn local(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, minute, 0)
            .unwrap()
            - chrono::Duration::hours(7)
    }

    fn slot(now: DateTime<Utc>) -> DateTime<Utc> {
        let policy = ReminderPolicy::default();
        next_working_slot(
            now,
            &WorkingCalendar::default(),
            policy.office_hours_start,
            policy.office_hours_end,
        )
    }

    #[test]
    fn at_night_it_says_when_the_first_mail_leaves() {
        // Friday 11/12/2026 22:15: the next office hours are Monday's.
        let now = local(11, 22, 15);
        let at = slot(now);
        assert_eq!(at, local(14, 7, 30));
        let notice = first_mail_notice(now, at, &ReminderPolicy::default());
        let lines: Vec<&str> = notice.lines().collect();
        assert_eq!(lines.len(), 2, "{notice}");
        assert!(
            lines[0].contains("chỉ được gửi trong giờ hành chính (07:30–17:00)"),
            "{notice}"
        );
        assert!(
            lines[0].contains("lúc 07:30 ngày 14/12/2026 (Thứ Hai), sau 57 giờ 15 phút nữa"),
            "{notice}"
        );
        assert!(
            lines[1].contains("at 2026-12-14 07:30 +07:00 (Monday), in 57 h 15 min"),
            "{notice}"
        );
    }

    #[test]
    fn in_office_hours_it_says_now() {
        let now = local(14, 10, 0);
        let notice = first_mail_notice(now, slot(now), &ReminderPolicy::default());
        assert!(notice.contains("được gửi ngay"), "{notice}");
        assert!(notice.contains("goes out now"), "{notice}");
    }
}
