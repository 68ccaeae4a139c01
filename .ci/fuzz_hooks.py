"""schemathesis hooks for .ci/fuzz.sh (loaded through SCHEMATHESIS_HOOKS=fuzz_hooks).

1. POST /api/v1/submissions/{id}/import.xlsx (and the other workbook uploads) take the Excel
   file as the raw request body
   (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet). schemathesis has no
   serializer for that media type and would skip the operation; the generated body is bytes
   (the schema is `format: binary`), so send it as it is, like application/octet-stream. The
   API must answer such bytes with a documented 4xx (`invalid_workbook`), never a 5xx.

2. A fresh Idempotency-Key on every request that sends one. Hypothesis reuses values across
   examples, and the same key with another request is rightly refused (422
   `idempotency_key_reused`), which would make schema-valid requests look refused. A key the
   generator made invalid on purpose (negative data) is left alone, so that it is still
   refused (400 `invalid_header`).
"""

import fnmatch
import re
import uuid

import schemathesis

schemathesis.serializer.alias(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
)

IDEMPOTENCY_KEY = "Idempotency-Key"
# The document's rule for the header: 1–255 visible ASCII characters.
VALID_KEY = re.compile(r"[\x21-\x7E]{1,255}")


@schemathesis.hook
def before_call(ctx, case, kwargs):
    headers = case.headers
    if not headers:
        return
    for name, value in list(headers.items()):
        if name.lower() == IDEMPOTENCY_KEY.lower():
            if isinstance(value, str) and VALID_KEY.fullmatch(value):
                headers[name] = str(uuid.uuid4())


# --- 422 to a schema-valid request --------------------------------------------------------
# positive_data_acceptance lets 422 through (.ci/schemathesis.toml); this check then fails any
# 422 (and any 400) to a request generated from the schema unless every field error in it is
# a rule the document states in words because a schema cannot: a rule across fields, a
# reference to a record that must exist (the fuzzer makes codes and ids up), or the state of
# the data. A single-field rule answered here means the schema is loose: tighten it.

# Field-error codes that only ever name such a rule, whatever the field.
ACROSS_FIELDS = {
    # Dates and numbers compared with another field.
    "after_deadline", "before_data_from", "before_end", "before_from", "before_since",
    "before_start", "before_units_due", "not_later", "overlaps", "not_ascending",
    "above_max", "sum_mismatch", "numerator_exceeds_denominator", "denominator_zero",
    "deadline_too_close_to_cutoff", "outside_office_hours",
    # Fields that go together or exclude each other.
    "one_source", "one_target", "lead_also_coordinating", "also_legal_basis", "self_weight",
    "invalid_for_kind", "not_for_kind", "levels_only", "points_only", "lead_only",
    "entered_only", "not_allowed", "aggregation_not_allowed", "percentage_not_summable",
    "not_a_weekday", "not_a_weekend", "parent_cycle", "duplicate", "duplicate_indicator",
    "repeated", "ranking_classes", "not_for_plan_tasks", "evidence_unlocated",
    "needs_entity_type", "conflicting",
}
# Field-error codes of a reference that names nothing, or of the data's state.
REFERENCES_AND_STATE = {
    "unknown_assessment", "unknown_attachment", "unknown_code", "unknown_criteria_set",
    "unknown_criterion", "unknown_document", "unknown_file", "unknown_indicator",
    "unknown_parent", "unknown_period", "unknown_plan", "unknown_submission", "unknown_unit",
    "inactive", "inactive_unit", "not_participating", "not_your_unit", "not_involved",
    "criteria_set_not_published", "criteria_set_superseded", "submission_exists",
    "document_already_linked", "attachment_cited", "computed_criterion", "not_a_criteria_set",
    "not_an_appendix", "unassigned", "not_scored", "not_a_leaf", "used_as_weight",
    "weight_not_numeric", "duplicate_code", "duplicate_date", "duplicate_document_number",
    "duplicate_head", "duplicate_qlvb_code", "in_the_past", "no_tasks", "no_criteria",
    "no_scored_criterion", "no_evidence", "no_data", "set_by_office", "code_fixed",
    "locked_when_issued", "locked_when_open", "required_when_issued", "form_version",
}
# Codes that are a rule across fields on some fields only: (operation, field, code) -> the rule,
# as the document words it. `[]` stands for any index; `*` for any operation.
ACROSS_FIELDS_ON = {
    ("create_period", "year", "required"): "required unless the frequency is ad_hoc",
    ("update_period", "year", "required"): "required unless the frequency is ad_hoc",
    ("create_period", "sequence", "required"): "month, quarter or half by frequency",
    ("update_period", "sequence", "required"): "month, quarter or half by frequency",
    ("create_period", "sequence", "out_of_range"): "1-12, 1-4 or 1-2 by frequency",
    ("update_period", "sequence", "out_of_range"): "1-12, 1-4 or 1-2 by frequency",
    ("create_period", "data_from", "required"): "data_from and data_to go together",
    ("create_period", "data_to", "required"): "data_from and data_to go together",
    ("update_period", "data_from", "required"): "data_from and data_to go together",
    ("update_period", "data_to", "required"): "data_from and data_to go together",
    ("create_indicator", "tolerance", "out_of_range"): "a ratio's is at most 100",
    ("update_indicator", "tolerance", "out_of_range"): "a ratio's is at most 100",
    ("create_indicator", "target.threshold", "out_of_range"): "its range depends on kind",
    ("update_indicator", "target.threshold", "out_of_range"): "its range depends on kind",
    ("create_token", "unit_code", "required"): "required for the reporter role",
    ("enter_campaign_points", "points", "out_of_range"): "at most the criterion's maximum",
    ("propose_assessment_score", "points", "out_of_range"): "at most the criterion's maximum",
    ("record_assessment_appraisal", "items[].appraised_points", "out_of_range"):
        "at most the criterion's maximum",
    ("record_assessment_appraisal", "items[].restored_points", "out_of_range"):
        "from the appraised points to the criterion's maximum",
    ("record_assessment_appraisal", "items", "required"): "every scored criterion of the round",
    ("record_assessment_appraisal", "rank_position", "out_of_range"): "at most rank_among",
    ("propose_assessment_score", "level", "required"): "a levels criterion takes a level",
    ("propose_assessment_score", "level", "out_of_range"): "one of the criterion's levels",
    ("propose_assessment_score", "points", "required"): "an entered criterion takes points",
    ("create_indicator", "aggregation_weight", "required"): "required with weighted_mean",
    ("update_indicator", "aggregation_weight", "required"): "required with weighted_mean",
    ("create_plan", "targets[].target", "required"): "indicator_code and target go together",
    ("update_plan", "targets[].target", "required"): "indicator_code and target go together",
    ("create_plan", "targets[].indicator_code", "required"): "indicator_code and target go together",
    ("update_plan", "targets[].indicator_code", "required"): "indicator_code and target go together",
    ("create_criteria_set", "criteria[].scoring", "required"): "a leaf of the tree is scored",
    ("replace_criteria_set", "criteria[].scoring", "required"): "a leaf of the tree is scored",
    ("create_campaign", "rounds[].starts_on", "out_of_range"): "within the campaign's year +-1",
    ("create_campaign", "rounds[].ends_on", "out_of_range"): "within the campaign's year +-1",
    ("create_campaign", "rounds[].review_on", "out_of_range"): "within the campaign's year +-1",
    # The caller decides: the Office names the unit, a reporter's is its own.
    ("create_submission", "unit_code", "required"): "the Office names the unit",
    ("register_for_campaign", "unit_code", "required"): "the Office names the unit",
    ("get_statistics_form", "unit", "required"): "the Office names the unit",
    ("link_document", "period_code", "required"): "a unit's report names its period",
    ("link_document", "role", "required"): "a link to a period names its role",
    ("link_document", "unit_code", "required"): "a unit's report names its unit",
    ("create_task", "source_document_id", "required"):
        "POST /api/v1/tasks (not a plan's tasks, which share the schema) names its document",
    # Where a webhook may point depends on the deployment (CCHC_OUTBOUND_ALLOW) and on what
    # the host name resolves to: loopback, private and link-local addresses are refused.
    ("create_webhook", "url", "url_not_allowed"): "an internal address (deployment, DNS)",
    ("update_webhook", "url", "url_not_allowed"): "an internal address (deployment, DNS)",
    # A report is submitted when complete: the values its period asks for (state).
    ("submit_submission", "values.*", "required"): "the period's indicators answered",
    ("submit_submission", "values.*.evidence", "evidence_required"): "the indicator's rule",
}
# Problem codes of a 422 about the content of an uploaded file or of the data's state.
PROBLEMS_OF_CONTENT_OR_STATE = {
    "invalid_workbook", "not_xlsx", "idempotency_key_reused", "needs_entity_type",
}


def _operation_id(case):
    try:
        return case.operation.definition.raw.get("operationId", case.operation.label)
    except AttributeError:
        return str(case.operation)


def _is_positive(case):
    meta = case.meta
    return meta is not None and meta.generation.mode.is_positive


def _allowed(operation, field_error):
    code = field_error.get("code", "")
    if code in ACROSS_FIELDS or code in REFERENCES_AND_STATE:
        return True
    # Any index is `[]`; `*` in a field stands for any text (fnmatch, with `[]` kept literal).
    field = re.sub(r"\[\d+\]", "#", field_error.get("field", ""))
    return any(
        op in (operation, "*")
        and rule_code == code
        and fnmatch.fnmatchcase(field, pattern.replace("[]", "#"))
        for (op, pattern, rule_code) in ACROSS_FIELDS_ON
    )


@schemathesis.check
def refused_only_for_rules_the_schema_cannot_state(ctx, response, case):
    if not _is_positive(case) or response.status_code not in (400, 422):
        return None
    try:
        problem = response.json()
    except Exception:  # noqa: BLE001 - any unreadable body is a failure of its own
        problem = {}
    operation = _operation_id(case)
    if response.status_code == 400:
        raise AssertionError(
            f"{operation}: a schema-valid request was refused as malformed: "
            f"{problem.get('code')} {problem.get('detail')}"
        )
    if problem.get("code") in PROBLEMS_OF_CONTENT_OR_STATE:
        return None
    loose = [e for e in problem.get("errors", []) if not _allowed(operation, e)]
    if loose or not problem.get("errors"):
        named = ", ".join(f"{e.get('field')}: {e.get('code')}" for e in loose) or problem.get("code")
        raise AssertionError(
            f"{operation}: a schema-valid request was refused for a rule the schema does not "
            f"state ({named})"
        )
    return None
