//! Diesel table definitions, kept by hand in step with `migrations/`.
//! A test compares them with the migrated database (see `tests/schema_matches.rs`).

diesel::table! {
    units (id) {
        id -> Int8,
        code -> Text,
        name -> Text,
        kind -> Text,
        parent_id -> Nullable<Int8>,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        qlvb_code -> Nullable<Text>,
    }
}

diesel::table! {
    unit_contacts (id) {
        id -> Int8,
        unit_id -> Int8,
        role -> Text,
        name -> Text,
        position_title -> Nullable<Text>,
        email -> Text,
        phone -> Nullable<Text>,
        sort_order -> Int2,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        name -> Text,
        role -> Text,
        unit_id -> Nullable<Int8>,
        token_hash -> Bytea,
        token_prefix -> Text,
        created_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    indicators (id) {
        id -> Int8,
        code -> Text,
        current_version -> Int4,
        name -> Text,
        description -> Nullable<Text>,
        content_area -> Text,
        kind -> Text,
        unit_of_measure -> Nullable<Text>,
        target_comparator -> Nullable<Text>,
        target_threshold -> Nullable<Numeric>,
        tolerance -> Numeric,
        evidence_required -> Bool,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        aggregation -> Text,
        aggregation_weight -> Nullable<Text>,
    }
}

diesel::table! {
    indicator_versions (id) {
        id -> Int8,
        indicator_id -> Int8,
        version -> Int4,
        code -> Text,
        name -> Text,
        description -> Nullable<Text>,
        content_area -> Text,
        kind -> Text,
        unit_of_measure -> Nullable<Text>,
        target_comparator -> Nullable<Text>,
        target_threshold -> Nullable<Numeric>,
        tolerance -> Numeric,
        evidence_required -> Bool,
        created_at -> Timestamptz,
        aggregation -> Text,
        aggregation_weight -> Nullable<Text>,
    }
}

diesel::table! {
    periods (id) {
        id -> Int8,
        code -> Text,
        title -> Text,
        description -> Nullable<Text>,
        report_type -> Text,
        frequency -> Text,
        year -> Nullable<Int4>,
        sequence -> Nullable<Int4>,
        data_from -> Date,
        data_to -> Date,
        window_source -> Text,
        requested_deadline -> Timestamptz,
        deadline -> Timestamptz,
        deadline_shifted -> Bool,
        shift_deadline_off_non_working_day -> Bool,
        strict_deadline_check -> Bool,
        deadline_warning -> Nullable<Text>,
        status -> Text,
        policy -> Jsonb,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        opened_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        qlvb_arrival_submits -> Bool,
    }
}

diesel::table! {
    period_documents (id) {
        id -> Int8,
        period_id -> Int8,
        number -> Text,
        issued_on -> Date,
        title -> Text,
        sort_order -> Int2,
    }
}

diesel::table! {
    period_indicators (period_id, indicator_id) {
        period_id -> Int8,
        indicator_id -> Int8,
        indicator_version_id -> Int8,
        sort_order -> Int2,
    }
}

diesel::table! {
    period_units (period_id, unit_id) {
        period_id -> Int8,
        unit_id -> Int8,
    }
}

diesel::table! {
    holidays (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
        note -> Nullable<Text>,
        provisional -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Int8,
        occurred_at -> Timestamptz,
        actor_name -> Text,
        actor_token_id -> Nullable<Int8>,
        actor_role -> Nullable<Text>,
        request_id -> Nullable<Text>,
        entity_type -> Text,
        entity_id -> Text,
        action -> Text,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        actor_email -> Nullable<Text>,
        actor_subject -> Nullable<Text>,
        actor_issuer -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int8,
        kind -> Text,
        payload -> Jsonb,
        dedup_key -> Nullable<Text>,
        status -> Text,
        attempts -> Int4,
        max_attempts -> Int4,
        run_at -> Timestamptz,
        last_error -> Nullable<Text>,
        outcome -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    escalations (id) {
        id -> Int8,
        period_id -> Int8,
        unit_id -> Int8,
        level -> Text,
        deadline -> Timestamptz,
        escalated_at -> Timestamptz,
        minutes_late -> Int4,
    }
}

diesel::table! {
    criteria_sets (id) {
        id -> Int8,
        code -> Text,
        year -> Int4,
        title -> Text,
        document_id -> Nullable<Int8>,
        status -> Text,
        restored_share_percent -> Numeric,
        ranking_classes -> Jsonb,
        published_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        previous_version_id -> Nullable<Int8>,
        superseded_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    criteria (id) {
        id -> Int8,
        set_id -> Int8,
        position -> Int4,
        code -> Text,
        parent_id -> Nullable<Int8>,
        depth -> Int4,
        title -> Text,
        max_points -> Numeric,
        content_area -> Nullable<Text>,
        scoring -> Nullable<Jsonb>,
        evidence_hint -> Nullable<Text>,
    }
}

diesel::table! {
    assessments (id) {
        id -> Int8,
        code -> Text,
        year -> Int4,
        title -> Text,
        criteria_set_id -> Int8,
        units_due_at -> Timestamptz,
        send_due_at -> Timestamptz,
        status -> Text,
        sent_at -> Nullable<Timestamptz>,
        sent_by -> Nullable<Text>,
        override_reason -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        appraised_at -> Nullable<Timestamptz>,
        rank_position -> Nullable<Int4>,
        rank_among -> Nullable<Int4>,
    }
}

diesel::table! {
    assessment_items (id) {
        id -> Int8,
        assessment_id -> Int8,
        criterion_id -> Int8,
        unit_id -> Nullable<Int8>,
        status -> Text,
        self_points -> Nullable<Numeric>,
        level_index -> Nullable<Int4>,
        explanation -> Nullable<Text>,
        return_reason -> Nullable<Text>,
        proposed_at -> Nullable<Timestamptz>,
        proposed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamptz>,
        reviewed_by -> Nullable<Text>,
        appraised_points -> Nullable<Numeric>,
        appraisal_comment -> Nullable<Text>,
        restored_points -> Nullable<Numeric>,
    }
}

diesel::table! {
    assessment_evidence (item_id, position) {
        item_id -> Int8,
        position -> Int4,
        document_id -> Nullable<Int8>,
        section -> Nullable<Text>,
        page -> Nullable<Int4>,
        file_id -> Nullable<Int8>,
    }
}

diesel::table! {
    assessment_files (id) {
        id -> Int8,
        assessment_id -> Int8,
        unit_id -> Nullable<Int8>,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_at -> Timestamptz,
        uploaded_by -> Text,
    }
}

diesel::table! {
    assessment_escalations (id) {
        id -> Int8,
        assessment_id -> Int8,
        unit_id -> Int8,
        level -> Text,
        deadline -> Timestamptz,
        escalated_at -> Timestamptz,
        minutes_late -> Int4,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Int8,
        code -> Text,
        year -> Int4,
        title -> Text,
        document_id -> Nullable<Int8>,
        participation -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    campaign_rounds (campaign_id, number) {
        campaign_id -> Int8,
        number -> Int4,
        starts_on -> Date,
        ends_on -> Date,
        review_on -> Date,
        reviewed_at -> Nullable<Timestamptz>,
        reviewed_by -> Nullable<Text>,
        snapshot -> Nullable<Jsonb>,
    }
}

diesel::table! {
    campaign_criteria (campaign_id, code) {
        campaign_id -> Int8,
        position -> Int4,
        code -> Text,
        title -> Text,
        kind -> Text,
        max_points -> Numeric,
        source -> Jsonb,
    }
}

diesel::table! {
    campaign_registrations (campaign_id, unit_id) {
        campaign_id -> Int8,
        unit_id -> Int8,
        registered_at -> Timestamptz,
        registered_by -> Text,
    }
}

diesel::table! {
    campaign_points (campaign_id, round_number, unit_id, criterion_code) {
        campaign_id -> Int8,
        round_number -> Int4,
        unit_id -> Int8,
        criterion_code -> Text,
        points -> Numeric,
        note -> Text,
        entered_at -> Timestamptz,
        entered_by -> Text,
    }
}

diesel::joinable!(unit_contacts -> units (unit_id));
diesel::joinable!(api_tokens -> units (unit_id));
diesel::joinable!(indicator_versions -> indicators (indicator_id));
diesel::joinable!(period_documents -> periods (period_id));
diesel::joinable!(period_indicators -> periods (period_id));
diesel::joinable!(period_indicators -> indicators (indicator_id));
diesel::joinable!(period_indicators -> indicator_versions (indicator_version_id));
diesel::joinable!(period_units -> periods (period_id));
diesel::joinable!(period_units -> units (unit_id));

diesel::table! {
    period_running_totals (period_id) {
        period_id -> Int8,
        latest_first_submitted_at -> Nullable<Timestamptz>,
        consolidation_stale -> Bool,
    }
}

diesel::table! {
    period_board_counts (id) {
        id -> Int8,
        period_id -> Int8,
        status -> Nullable<Text>,
        timeliness -> Nullable<Text>,
        extension_deadline -> Nullable<Timestamptz>,
        units -> Int4,
    }
}

diesel::table! {
    period_figures (submission_id, indicator_id) {
        submission_id -> Int8,
        indicator_id -> Int8,
        period_id -> Int8,
        unit_code -> Text,
        accepted -> Bool,
        reports_text -> Bool,
        usable -> Bool,
        numerator -> Nullable<Numeric>,
        denominator -> Nullable<Numeric>,
        number -> Nullable<Numeric>,
        figure -> Nullable<Numeric>,
        extreme -> Nullable<Numeric>,
        weight -> Nullable<Numeric>,
        weighted -> Nullable<Numeric>,
        yes -> Bool,
        fails_target -> Bool,
        unit_figure -> Nullable<Numeric>,
        system_value -> Nullable<Numeric>,
        difference -> Nullable<Numeric>,
        explanation -> Nullable<Text>,
    }
}

diesel::table! {
    period_indicator_sums (period_id, indicator_id, accepted_only) {
        period_id -> Int8,
        indicator_id -> Int8,
        accepted_only -> Bool,
        usable -> Int8,
        texts -> Int8,
        numerators -> Nullable<Numeric>,
        denominators -> Nullable<Numeric>,
        numbers -> Nullable<Numeric>,
        figures -> Nullable<Numeric>,
        weighted -> Nullable<Numeric>,
        weights -> Nullable<Numeric>,
        yes -> Int8,
        failing -> Int8,
        lowest_unit -> Nullable<Text>,
        lowest -> Nullable<Numeric>,
        highest_unit -> Nullable<Text>,
        highest -> Nullable<Numeric>,
    }
}

diesel::table! {
    period_extensions (period_id, unit_id) {
        period_id -> Int8,
        unit_id -> Int8,
        deadline -> Timestamptz,
        reason -> Text,
        granted_at -> Timestamptz,
        granted_by -> Text,
    }
}

diesel::table! {
    submissions (id) {
        id -> Int8,
        period_id -> Int8,
        unit_id -> Int8,
        status -> Text,
        narrative -> Nullable<Text>,
        revision -> Int4,
        first_submitted_at -> Nullable<Timestamptz>,
        first_timeliness -> Nullable<Text>,
        first_minutes_late -> Nullable<Int4>,
        last_submitted_at -> Nullable<Timestamptz>,
        submit_count -> Int4,
        return_reason -> Nullable<Text>,
        returned_at -> Nullable<Timestamptz>,
        accepted_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        submitted_by -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
    }
}

diesel::table! {
    submission_values (submission_id, indicator_id) {
        submission_id -> Int8,
        indicator_id -> Int8,
        numerator -> Nullable<Numeric>,
        denominator -> Nullable<Numeric>,
        number -> Nullable<Numeric>,
        flag -> Nullable<Bool>,
        text_value -> Nullable<Text>,
        not_applicable -> Bool,
        system_value -> Nullable<Numeric>,
        system_value_source -> Nullable<Text>,
        explanation -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    submission_evidence (id) {
        id -> Int8,
        submission_id -> Int8,
        indicator_id -> Nullable<Int8>,
        document_number -> Nullable<Text>,
        title -> Text,
        section -> Nullable<Text>,
        page -> Nullable<Int4>,
        sort_order -> Int2,
        attachment_id -> Nullable<Int8>,
    }
}

diesel::table! {
    submission_attachments (id) {
        id -> Int8,
        submission_id -> Int8,
        purpose -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        storage_key -> Text,
        indicator_id -> Nullable<Int8>,
        uploaded_at -> Timestamptz,
        uploaded_by -> Text,
    }
}

diesel::table! {
    submission_versions (id) {
        id -> Int8,
        submission_id -> Int8,
        version -> Int4,
        submitted_at -> Timestamptz,
        submitted_by -> Text,
        timeliness -> Text,
        minutes_late -> Int4,
        deadline -> Timestamptz,
        content -> Jsonb,
        changes -> Jsonb,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Int8,
        url -> Text,
        event_types -> Array<Text>,
        secret -> Text,
        description -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    integration_events (id) {
        id -> Text,
        #[sql_name = "type"]
        event_type -> Text,
        occurred_at -> Timestamptz,
        data -> Jsonb,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        subscription_id -> Int8,
        event_id -> Text,
        job_id -> Nullable<Int8>,
        attempt -> Int4,
        redelivery -> Bool,
        url -> Text,
        requested_at -> Timestamptz,
        duration_ms -> Int4,
        response_status -> Nullable<Int4>,
        error -> Nullable<Text>,
        response_excerpt -> Nullable<Text>,
        succeeded -> Bool,
    }
}

diesel::joinable!(period_extensions -> periods (period_id));
diesel::joinable!(period_extensions -> units (unit_id));
diesel::joinable!(escalations -> periods (period_id));
diesel::joinable!(escalations -> units (unit_id));
diesel::joinable!(submissions -> periods (period_id));
diesel::joinable!(submissions -> units (unit_id));
diesel::joinable!(submission_values -> submissions (submission_id));
diesel::joinable!(submission_values -> indicators (indicator_id));
diesel::joinable!(submission_evidence -> submissions (submission_id));
diesel::joinable!(submission_versions -> submissions (submission_id));
diesel::joinable!(submission_attachments -> submissions (submission_id));
diesel::joinable!(submission_attachments -> indicators (indicator_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_deliveries -> integration_events (event_id));

diesel::table! {
    documents (id) {
        id -> Int8,
        number_symbol -> Text,
        number -> Int4,
        symbol_year -> Nullable<Int4>,
        document_type -> Nullable<Text>,
        issuer -> Text,
        drafter -> Nullable<Text>,
        issued_on -> Date,
        issue_year -> Int4,
        issuing_agency -> Text,
        subject -> Text,
        signer -> Nullable<Text>,
        direction -> Text,
        source -> Text,
        integration_token_id -> Nullable<Int8>,
        received_at -> Nullable<Timestamptz>,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        agency_key -> Text,
    }
}

diesel::table! {
    document_files (id) {
        id -> Int8,
        document_id -> Int8,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        storage_key -> Text,
        created_at -> Timestamptz,
        created_by -> Text,
    }
}

diesel::table! {
    document_period_links (document_id, period_id) {
        document_id -> Int8,
        period_id -> Int8,
        role -> Text,
        linked_at -> Timestamptz,
        linked_by -> Text,
    }
}

diesel::table! {
    document_submission_links (document_id, submission_id) {
        document_id -> Int8,
        submission_id -> Int8,
        role -> Text,
        linked_at -> Timestamptz,
        linked_by -> Text,
        qlvb_import -> Nullable<Jsonb>,
    }
}

diesel::table! {
    integration_secrets (token_id) {
        token_id -> Int8,
        secret -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    qlvb_events (id) {
        id -> Int8,
        token_id -> Int8,
        event_id -> Text,
        event_type -> Text,
        received_at -> Timestamptz,
        body_sha256 -> Text,
        answer_status -> Int2,
        answer -> Jsonb,
        document_id -> Nullable<Int8>,
    }
}

diesel::joinable!(document_files -> documents (document_id));
diesel::joinable!(document_period_links -> documents (document_id));
diesel::joinable!(document_period_links -> periods (period_id));
diesel::joinable!(document_submission_links -> documents (document_id));
diesel::joinable!(document_submission_links -> submissions (submission_id));
diesel::joinable!(integration_secrets -> api_tokens (token_id));
diesel::joinable!(qlvb_events -> documents (document_id));

diesel::table! {
    idempotency_keys (id) {
        token_id -> Nullable<Int8>,
        key -> Text,
        method -> Text,
        path -> Text,
        body_sha256 -> Text,
        status -> Nullable<Int2>,
        headers -> Jsonb,
        body -> Nullable<Bytea>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        person_issuer -> Nullable<Text>,
        person_subject -> Nullable<Text>,
        id -> Int8,
    }
}

diesel::joinable!(idempotency_keys -> api_tokens (token_id));

diesel::table! {
    link_secret (singleton) {
        singleton -> Bool,
        secret -> Bytea,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    board_generation (singleton) {
        singleton -> Bool,
        generation -> Int8,
    }
}

diesel::table! {
    plans (id) {
        id -> Int8,
        code -> Text,
        year -> Int4,
        title -> Text,
        description -> Nullable<Text>,
        document_id -> Nullable<Int8>,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        issued_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        working_group -> Jsonb,
    }
}

diesel::table! {
    plan_legal_basis (plan_id, document_id) {
        plan_id -> Int8,
        document_id -> Int8,
        position -> Int4,
    }
}

diesel::table! {
    plan_areas (plan_id, content_area) {
        plan_id -> Int8,
        content_area -> Text,
        lead_unit_id -> Int8,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    plan_area_units (plan_id, content_area, unit_id) {
        plan_id -> Int8,
        content_area -> Text,
        unit_id -> Int8,
    }
}

diesel::table! {
    plan_targets (id) {
        id -> Int8,
        plan_id -> Int8,
        position -> Int4,
        description -> Text,
        content_area -> Nullable<Text>,
        indicator_id -> Nullable<Int8>,
        comparator -> Nullable<Text>,
        threshold -> Nullable<Numeric>,
        period_id -> Nullable<Int8>,
    }
}

diesel::table! {
    tasks (id) {
        id -> Int8,
        plan_id -> Nullable<Int8>,
        source_document_id -> Nullable<Int8>,
        code -> Text,
        title -> Text,
        content_area -> Nullable<Text>,
        lead_unit_id -> Int8,
        expected_output -> Nullable<Text>,
        start_date -> Nullable<Date>,
        due -> Jsonb,
        deadline -> Nullable<Timestamptz>,
        reports_every -> Nullable<Text>,
        working_day_ends -> Time,
        extended_due -> Nullable<Jsonb>,
        extended_deadline -> Nullable<Timestamptz>,
        progress_percent -> Int2,
        last_progress_at -> Nullable<Timestamptz>,
        completion -> Text,
        declared_at -> Nullable<Timestamptz>,
        output_document_id -> Nullable<Int8>,
        completion_note -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamptz>,
        returned_at -> Nullable<Timestamptz>,
        return_reason -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        overdue_notified_deadline -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    task_escalations (id) {
        id -> Int8,
        task_id -> Int8,
        level -> Text,
        deadline -> Timestamptz,
        escalated_at -> Timestamptz,
        minutes_late -> Int4,
    }
}

diesel::table! {
    task_units (task_id, unit_id) {
        task_id -> Int8,
        unit_id -> Int8,
    }
}

diesel::table! {
    task_extensions (id) {
        id -> Int8,
        task_id -> Int8,
        previous_deadline -> Nullable<Timestamptz>,
        due -> Jsonb,
        deadline -> Timestamptz,
        reason -> Text,
        granted_at -> Timestamptz,
        granted_by -> Text,
    }
}

diesel::table! {
    task_events (id) {
        id -> Int8,
        task_id -> Int8,
        kind -> Text,
        unit_id -> Nullable<Int8>,
        percent -> Nullable<Int2>,
        note -> Nullable<Text>,
        output_document_id -> Nullable<Int8>,
        at -> Timestamptz,
        actor -> Text,
    }
}

diesel::table! {
    task_evidence (event_id, position) {
        event_id -> Int8,
        position -> Int4,
        document_id -> Nullable<Int8>,
        section -> Nullable<Text>,
        page -> Nullable<Int4>,
        file_id -> Nullable<Int8>,
    }
}

diesel::table! {
    task_files (id) {
        id -> Int8,
        task_id -> Int8,
        unit_id -> Int8,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_at -> Timestamptz,
        uploaded_by -> Text,
    }
}

diesel::joinable!(plan_legal_basis -> plans (plan_id));
diesel::joinable!(plan_legal_basis -> documents (document_id));
diesel::joinable!(plan_areas -> plans (plan_id));
diesel::joinable!(plan_areas -> units (lead_unit_id));
diesel::joinable!(plan_targets -> plans (plan_id));
diesel::joinable!(plan_targets -> indicators (indicator_id));
diesel::joinable!(plan_targets -> periods (period_id));
diesel::joinable!(tasks -> plans (plan_id));
diesel::joinable!(tasks -> units (lead_unit_id));
diesel::joinable!(task_units -> tasks (task_id));
diesel::joinable!(task_units -> units (unit_id));
diesel::joinable!(task_extensions -> tasks (task_id));
diesel::joinable!(task_events -> tasks (task_id));
diesel::joinable!(task_escalations -> tasks (task_id));
diesel::joinable!(task_evidence -> task_events (event_id));
diesel::joinable!(task_evidence -> documents (document_id));
diesel::joinable!(task_evidence -> task_files (file_id));
diesel::joinable!(task_files -> tasks (task_id));
diesel::joinable!(criteria -> criteria_sets (set_id));
diesel::joinable!(assessments -> criteria_sets (criteria_set_id));
diesel::joinable!(assessment_items -> assessments (assessment_id));
diesel::joinable!(assessment_items -> criteria (criterion_id));
diesel::joinable!(assessment_items -> units (unit_id));
diesel::joinable!(assessment_evidence -> assessment_items (item_id));
diesel::joinable!(assessment_evidence -> documents (document_id));
diesel::joinable!(assessment_evidence -> assessment_files (file_id));
diesel::joinable!(assessment_files -> assessments (assessment_id));
diesel::joinable!(assessment_files -> units (unit_id));
diesel::joinable!(campaign_rounds -> campaigns (campaign_id));
diesel::joinable!(campaign_criteria -> campaigns (campaign_id));
diesel::joinable!(campaign_registrations -> campaigns (campaign_id));
diesel::joinable!(campaign_registrations -> units (unit_id));
diesel::joinable!(campaign_points -> units (unit_id));
diesel::joinable!(campaigns -> documents (document_id));
diesel::joinable!(criteria_sets -> documents (document_id));
diesel::joinable!(assessment_escalations -> assessments (assessment_id));
diesel::joinable!(assessment_escalations -> units (unit_id));
diesel::joinable!(task_files -> units (unit_id));

diesel::allow_tables_to_appear_in_same_query!(
    units,
    unit_contacts,
    api_tokens,
    indicators,
    indicator_versions,
    periods,
    period_documents,
    period_indicators,
    period_units,
    holidays,
    period_extensions,
    submissions,
    submission_values,
    submission_evidence,
    submission_versions,
    audit_events,
    jobs,
    escalations,
    submission_attachments,
    documents,
    document_files,
    document_period_links,
    document_submission_links,
    integration_secrets,
    qlvb_events,
    webhook_subscriptions,
    integration_events,
    webhook_deliveries,
    idempotency_keys,
    link_secret,
    board_generation,
    plans,
    plan_legal_basis,
    plan_areas,
    plan_area_units,
    plan_targets,
    tasks,
    task_escalations,
    task_units,
    task_extensions,
    task_events,
    task_evidence,
    task_files,
    criteria_sets,
    criteria,
    assessments,
    assessment_items,
    assessment_evidence,
    assessment_files,
    assessment_escalations,
    campaigns,
    campaign_rounds,
    campaign_criteria,
    campaign_registrations,
    campaign_points,
);
