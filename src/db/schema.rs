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
        owner -> Nullable<Text>,
        status -> Text,
        reindex_on -> Nullable<Date>,
        search -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
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

diesel::joinable!(requests -> authorities (authority_id));
diesel::joinable!(request_tags -> requests (request_id));
diesel::joinable!(events -> requests (request_id));
diesel::joinable!(deadlines -> requests (request_id));

diesel::allow_tables_to_appear_in_same_query!(
    authorities,
    requests,
    request_tags,
    events,
    deadlines,
    holiday_imports,
    register_version,
);
