// The end schema of migrations/sqlite and migrations/postgres, which are kept identical.

diesel::table! {
    authorities (id) {
        id -> Integer,
        name -> Text,
        short_name -> Text,
        foi_email -> Nullable<Text>,
        website -> Nullable<Text>,
        default_regime -> Text,
        nation -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    requests (id) {
        id -> Integer,
        title -> Text,
        body -> Text,
        authority_id -> Integer,
        regime -> Text,
        sent_via -> Text,
        sent_on -> Nullable<Date>,
        reference -> Nullable<Text>,
        status -> Text,
        reindex_on -> Nullable<Date>,
        next_due -> Nullable<Date>,
        search -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        organisation_id -> Integer,
        owner_id -> Nullable<Integer>,
        repeats -> Bool,
        repeat_of -> Nullable<Integer>,
        skipped_at -> Nullable<Timestamp>,
        received_on -> Nullable<Date>,
        timeliness -> Nullable<Text>,
        late_after -> Nullable<Date>,
        first_response_on -> Nullable<Date>,
        first_outcome -> Nullable<Text>,
        citations -> Text,
        decisions -> Text,
        response_due -> Nullable<Date>,
        reply_token -> Nullable<Text>,
    }
}

diesel::table! {
    request_tags (request_id, tag) {
        request_id -> Integer,
        tag -> Text,
    }
}

diesel::table! {
    events (id) {
        id -> Integer,
        request_id -> Integer,
        kind -> Text,
        occurred_on -> Date,
        extended_to -> Nullable<Date>,
        details -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    deadlines (id) {
        id -> Integer,
        request_id -> Integer,
        position -> Integer,
        kind -> Text,
        party -> Text,
        from_date -> Date,
        due -> Date,
        latest -> Nullable<Date>,
        settled_state -> Nullable<Text>,
        settled_on -> Nullable<Date>,
        rule -> Text,
    }
}

diesel::table! {
    holiday_imports (id) {
        id -> Integer,
        imported_at -> Timestamp,
        source -> Text,
        content -> Text,
        summary -> Text,
    }
}

diesel::table! {
    register_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    organisations (id) {
        id -> Integer,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        organisation_id -> Integer,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        totp_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Integer,
        token_hash -> Text,
        user_id -> Integer,
        csrf_token -> Text,
        verified -> Bool,
        client -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> Integer,
        user_id -> Integer,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Integer,
        user_id -> Integer,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> Integer,
        user_id -> Integer,
        key -> Text,
        fingerprint -> Text,
        status -> Integer,
        location -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_failures (id) {
        id -> Integer,
        at -> Timestamp,
        email -> Text,
        client -> Text,
    }
}

diesel::table! {
    audit_entries (id) {
        id -> Integer,
        at -> Timestamp,
        user_id -> Nullable<Integer>,
        actor -> Text,
        client -> Nullable<Text>,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<Integer>,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
    }
}

diesel::joinable!(requests -> authorities (authority_id));
diesel::joinable!(requests -> organisations (organisation_id));
diesel::table! {
    reminder_preferences (user_id) {
        user_id -> Integer,
        delivery -> Text,
        kinds -> Text,
        paused_until -> Nullable<Date>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Integer,
        key -> Text,
        user_id -> Integer,
        delivery -> Text,
        batch -> Nullable<Text>,
        request_id -> Integer,
        deadline_kind -> Text,
        due -> Date,
        stage -> Text,
        scheduled -> Date,
        pause_overridden -> Bool,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        message_id -> Nullable<Text>,
        planned_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reminder_sweeps (id) {
        id -> Integer,
        today -> Date,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        planned -> Integer,
        sent -> Integer,
        failed -> Integer,
        cancelled -> Integer,
    }
}

diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        size -> BigInt,
        content -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    documents (id) {
        id -> Integer,
        request_id -> Integer,
        event_id -> Nullable<Integer>,
        blob_sha256 -> Text,
        filename -> Text,
        content_type -> Text,
        uploaded_by -> Nullable<Integer>,
        uploaded_at -> Timestamp,
        incoming_message_id -> Nullable<Integer>,
        text_state -> Nullable<Text>,
        text_problem -> Nullable<Text>,
    }
}

// The words each request, event and document page or sheet is found by. The index over them
// is each backend's own (FTS5, or a generated tsvector column), read only in `db::search`.
diesel::table! {
    search_entries (id) {
        id -> Integer,
        request_id -> Integer,
        source -> Text,
        source_id -> Integer,
        part -> Integer,
        label -> Text,
        first_line -> Integer,
        body -> Text,
        access -> Text,
    }
}

diesel::table! {
    responses (event_id) {
        event_id -> Integer,
        request_id -> Integer,
        outcome -> Text,
        public_interest_test -> Bool,
        promised_on -> Nullable<Date>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    response_grounds (event_id, ground) {
        event_id -> Integer,
        position -> Integer,
        ground -> Text,
    }
}

diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(one_time_tokens -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(idempotency_keys -> users (user_id));
diesel::joinable!(calendar_feeds -> users (user_id));
diesel::joinable!(request_tags -> requests (request_id));
diesel::joinable!(events -> requests (request_id));
diesel::joinable!(deadlines -> requests (request_id));
diesel::joinable!(outbox -> requests (request_id));
diesel::joinable!(documents -> requests (request_id));
diesel::table! {
    appeals (event_id) {
        event_id -> Integer,
        request_id -> Integer,
        stage -> Text,
        reference -> Nullable<Text>,
        decision_reference -> Nullable<Text>,
        outcome -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    demands (id) {
        id -> Text,
        title -> Text,
        summary -> Text,
    }
}

diesel::table! {
    indicators (id) {
        id -> Text,
        demand_id -> Text,
        wording -> Text,
        unit -> Text,
        granularity -> Text,
        breakdowns -> Text,
        definition -> Text,
        official_source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    request_indicators (request_id, indicator_id, period_start) {
        request_id -> Integer,
        indicator_id -> Text,
        period_start -> Date,
        period_end -> Date,
    }
}

diesel::table! {
    figures (id) {
        id -> Integer,
        indicator_id -> Text,
        value -> Nullable<Text>,
        suppressed -> Nullable<Text>,
        unit -> Text,
        period_start -> Date,
        period_end -> Date,
        breakdown -> Text,
        definition -> Text,
        definition_match -> Text,
        caveats -> Text,
        source_kind -> Text,
        request_id -> Nullable<Integer>,
        event_id -> Nullable<Integer>,
        document_id -> Nullable<Integer>,
        location -> Nullable<Text>,
        publication_title -> Nullable<Text>,
        publisher -> Nullable<Text>,
        published_on -> Nullable<Date>,
        url -> Nullable<Text>,
        entered_by -> Nullable<Integer>,
        entered_at -> Timestamp,
        verified_by -> Nullable<Integer>,
        verified_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(indicators -> demands (demand_id));
diesel::joinable!(request_indicators -> requests (request_id));
diesel::joinable!(request_indicators -> indicators (indicator_id));
diesel::joinable!(figures -> indicators (indicator_id));
diesel::joinable!(documents -> blobs (blob_sha256));
diesel::joinable!(appeals -> events (event_id));
diesel::joinable!(responses -> events (event_id));
diesel::joinable!(response_grounds -> responses (event_id));
diesel::joinable!(outbox -> users (user_id));
diesel::joinable!(reminder_preferences -> users (user_id));

diesel::table! {
    mailboxes (organisation_id) {
        organisation_id -> Integer,
        address -> Text,
        display_name -> Text,
        smtp_url -> Text,
        smtp_username -> Nullable<Text>,
        smtp_password_sealed -> Nullable<Text>,
        imap_url -> Nullable<Text>,
        imap_username -> Nullable<Text>,
        imap_password_sealed -> Nullable<Text>,
        updated_at -> Timestamp,
        imap_uid_validity -> Nullable<BigInt>,
        imap_last_uid -> Nullable<BigInt>,
    }
}
diesel::joinable!(mailboxes -> organisations (organisation_id));

diesel::table! {
    outgoing_messages (id) {
        id -> Integer,
        request_id -> Integer,
        purpose -> Text,
        status -> Text,
        message_id -> Text,
        recipient -> Text,
        subject -> Text,
        raw -> Nullable<Binary>,
        document_id -> Nullable<Integer>,
        sent_by -> Nullable<Integer>,
        started_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}
diesel::joinable!(outgoing_messages -> requests (request_id));

diesel::table! {
    incoming_messages (id) {
        id -> Integer,
        organisation_id -> Integer,
        uid_validity -> BigInt,
        uid -> BigInt,
        dedupe_key -> Text,
        blob_sha256 -> Nullable<Text>,
        size -> BigInt,
        sender -> Text,
        subject -> Text,
        arrived_at -> Timestamp,
        request_id -> Nullable<Integer>,
        matched_by -> Nullable<Text>,
        bounce -> Bool,
        status -> Text,
        problem -> Nullable<Text>,
        event_id -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}
diesel::joinable!(incoming_messages -> requests (request_id));
diesel::joinable!(search_entries -> requests (request_id));

diesel::allow_tables_to_appear_in_same_query!(
    appeals,
    demands,
    indicators,
    request_indicators,
    figures,
    authorities,
    requests,
    request_tags,
    events,
    deadlines,
    holiday_imports,
    register_version,
    organisations,
    users,
    sessions,
    one_time_tokens,
    api_tokens,
    recovery_codes,
    idempotency_keys,
    sign_in_failures,
    audit_entries,
    calendar_feeds,
    reminder_preferences,
    outbox,
    reminder_sweeps,
    blobs,
    documents,
    responses,
    response_grounds,
    mailboxes,
    outgoing_messages,
    incoming_messages,
    search_entries,
);

diesel::table! {
    wdtk_links (id) {
        id -> Integer,
        request_id -> Integer,
        organisation_id -> Integer,
        base_url -> Text,
        url_title -> Text,
        wdtk_id -> BigInt,
        etag -> Nullable<Text>,
        last_modified -> Nullable<Text>,
        fetched_at -> Nullable<Timestamp>,
        problem -> Nullable<Text>,
        problem_at -> Nullable<Timestamp>,
        failures -> Integer,
        retry_after -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    wdtk_events (id) {
        id -> Integer,
        request_id -> Integer,
        wdtk_event_id -> BigInt,
        event_type -> Text,
        state -> Nullable<Text>,
        action -> Text,
        occurred_on -> Date,
        event_id -> Nullable<Integer>,
        incoming_message_id -> Nullable<Integer>,
        difference -> Nullable<Text>,
        proposed -> Nullable<Text>,
        difference_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}
diesel::joinable!(wdtk_links -> requests (request_id));
diesel::allow_tables_to_appear_in_same_query!(wdtk_links, requests);

diesel::table! {
    authority_groups (id) {
        id -> Integer,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    authority_group_members (group_id, authority_id) {
        group_id -> Integer,
        authority_id -> Integer,
    }
}

diesel::table! {
    batches (id) {
        id -> Integer,
        organisation_id -> Integer,
        title -> Text,
        wdtk_url -> Nullable<Text>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    batch_members (request_id) {
        request_id -> Integer,
        batch_id -> Integer,
        authority_id -> Integer,
    }
}
diesel::joinable!(authority_group_members -> authority_groups (group_id));
diesel::joinable!(authority_group_members -> authorities (authority_id));
diesel::joinable!(batch_members -> batches (batch_id));
diesel::joinable!(batch_members -> requests (request_id));
diesel::allow_tables_to_appear_in_same_query!(
    authority_groups,
    authority_group_members,
    batches,
    batch_members
);
diesel::allow_tables_to_appear_in_same_query!(authorities, authority_groups);
diesel::allow_tables_to_appear_in_same_query!(authorities, authority_group_members);
diesel::allow_tables_to_appear_in_same_query!(authorities, batches);
diesel::allow_tables_to_appear_in_same_query!(authorities, batch_members);
diesel::allow_tables_to_appear_in_same_query!(requests, batches);
diesel::allow_tables_to_appear_in_same_query!(requests, batch_members);
diesel::allow_tables_to_appear_in_same_query!(batch_members, audit_entries);
diesel::allow_tables_to_appear_in_same_query!(batch_members, events);
diesel::allow_tables_to_appear_in_same_query!(batch_members, documents);
diesel::allow_tables_to_appear_in_same_query!(batch_members, figures);
