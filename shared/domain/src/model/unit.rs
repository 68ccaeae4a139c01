use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::{double_option, non_null, page_of};
use crate::text_enum;

text_enum! {
    /// What kind of organisation a unit is.
    pub enum UnitKind {
        /// The department itself (Sở), root of the tree.
        Department => "department",
        /// The department's Office (Văn phòng Sở).
        Office => "office",
        /// A specialised division (phòng chuyên môn).
        Division => "division",
        /// The department's inspectorate (Thanh tra Sở).
        Inspectorate => "inspectorate",
        /// A public service unit (đơn vị sự nghiệp, trung tâm).
        ServiceUnit => "service_unit",
        /// Anything else.
        Other => "other",
    }
}

text_enum! {
    /// What a contact is to its unit. Stored only: the API names the roles by field (`head`,
    /// `focal_persons`).
    pub enum ContactRole {
        /// The unit's head: escalations go to them.
        Head => "head",
        /// A focal person: reminders and receipts go to them.
        FocalPerson => "focal_person",
    }
}

/// A person to contact at a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[schema(example = "Nguyễn Thị Lan", min_length = 1, max_length = 200)]
    pub name: String,
    /// Job title, e.g. "Trưởng phòng".
    #[serde(default)]
    #[schema(example = "Chuyên viên", min_length = 1, max_length = 200)]
    pub position_title: Option<String>,
    #[schema(example = "lannt@sct.khanhhoa.gov.vn", format = Email)]
    pub email: String,
    /// 8 to 15 digits; spaces, dots, dashes, parentheses and a leading `+` allowed.
    #[serde(default)]
    #[schema(
        example = "0258 3822 123",
        pattern = r"^\+?[ .()-]*(?:[0-9][ .()-]*){8,15}$"
    )]
    pub phone: Option<String>,
}

/// A unit of the department: a node of the tree department → units → sub-units.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    #[schema(example = "KHTC")]
    pub code: String,
    #[schema(example = "Phòng Kế hoạch – Tài chính")]
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    #[schema(example = "SCT")]
    pub parent_code: Option<String>,
    pub active: bool,
    /// The agency's identifier code in the document-management system (QLVB, mã định danh),
    /// used to recognise the sender of an official document.
    #[schema(example = "000.00.12.H56")]
    pub qlvb_code: Option<String>,
    /// The unit head (người đứng đầu), who answers for the unit's report and receives escalations.
    pub head: Option<Contact>,
    /// CCHC focal persons (chuyên viên phụ trách CCHC), who file reports and receive reminders.
    pub focal_persons: Vec<Contact>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "PCTT",
    "name": "Phòng Pháp chế – Thanh tra",
    "kind": "division",
    "parent_code": "SCT",
    "qlvb_code": "000.00.12.H57",
    "head": {
        "name": "Trần Văn Hùng",
        "position_title": "Trưởng phòng",
        "email": "hungtv@sct.khanhhoa.gov.vn",
        "phone": "0258 3822 456"
    },
    "focal_persons": [
        {
            "name": "Nguyễn Thị Lan",
            "position_title": "Chuyên viên",
            "email": "lannt@sct.khanhhoa.gov.vn",
            "phone": "0258 3822 123"
        }
    ]
}))]
pub struct CreateUnit {
    /// Unique code: upper-case letters, digits, `_` and `-`, at most 32 characters.
    #[schema(example = "KHTC", max_length = 32, pattern = "^[A-Z0-9][A-Z0-9_-]*$")]
    pub code: String,
    #[schema(
        example = "Phòng Kế hoạch – Tài chính",
        min_length = 1,
        max_length = 300
    )]
    pub name: String,
    pub kind: UnitKind,
    /// Code of the parent unit; omit for the root (the department).
    #[serde(default)]
    #[schema(example = "SCT")]
    pub parent_code: Option<String>,
    /// Defaults to true.
    #[serde(default)]
    pub active: Option<bool>,
    /// The agency's identifier code in QLVB (mã định danh): 1–40 letters, digits, `.` and `-`;
    /// unique.
    #[serde(default)]
    #[schema(
        example = "000.00.12.H56",
        max_length = 40,
        pattern = "^[A-Za-z0-9][A-Za-z0-9.-]*$"
    )]
    pub qlvb_code: Option<String>,
    #[serde(default)]
    pub head: Option<Contact>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub focal_persons: Vec<Contact>,
}

/// Changes to a unit. Absent fields are left alone; `null` clears `parent_code` (making the unit a
/// root) or `head`; `focal_persons` replaces the whole list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUnit {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub kind: Option<UnitKind>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub parent_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable, max_length = 40, pattern = "^[A-Za-z0-9][A-Za-z0-9.-]*$")]
    pub qlvb_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Contact>, nullable)]
    pub head: Option<Option<Contact>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, max_items = 20)]
    pub focal_persons: Option<Vec<Contact>>,
}

/// Filters of the unit list, ordered by code.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitFilter {
    /// Only direct children of this unit code.
    pub parent_code: Option<String>,
    /// Only this unit and everything below it.
    pub under: Option<String>,
    pub kind: Option<UnitKind>,
    pub active: Option<bool>,
    /// Case-insensitive search in code and name.
    pub q: Option<String>,
}

page_of!(UnitPage, Unit, "A page of units.");
