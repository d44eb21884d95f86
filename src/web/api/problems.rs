//! The problem+json answers that several operations document alike, named once so that an
//! operation's `responses(...)` lists them by name. Each gives the document exactly what the
//! tuple `(status, description, body = Problem, content_type = "application/problem+json")`
//! gave; an answer with a description of its own stays such a tuple beside its operation.

use crate::web::error_response::Problem;

/// An answer whose body is a `Problem`, for `responses(...)`.
macro_rules! problem {
    ($(#[$doc:meta])* $name:ident, $status:tt, $description:tt) => {
        $(#[$doc])*
        #[derive(utoipa::IntoResponses)]
        #[response(status = $status, description = $description, content_type = "application/problem+json")]
        pub struct $name(pub Problem);
    };
}

problem!(
    /// Any operation that reads a path, a query or a body.
    Unreadable, 400, "The input could not be read; the field is named where there is one"
);
problem!(
    /// Any operation on a resource named by its id.
    NoSuchResource, 404, "No such resource"
);
problem!(
    /// Authorities, whose names are unique.
    NameTaken, 409, "The name is taken"
);
problem!(
    /// Records changed with `If-Match`.
    Stale, 412, "The record has changed since the version in If-Match: nothing was written"
);
problem!(
    /// JSON bodies, read up to `BODY_LIMIT`.
    BodyTooLarge, 413, "The body is larger than 1 MiB"
);
problem!(
    /// Uploads, read up to the configured `max_upload_bytes`.
    FileTooLarge, 413, "The file is over the configured limit"
);
problem!(
    /// Bodies whose wrong fields are each named.
    FieldsWrong, 422, "A field is wrong; each one is named"
);
problem!(
    /// The demand catalogue's bodies.
    FieldWrong, 422, "A field is wrong"
);
problem!(
    /// The refusal history's filter.
    FilterWrong, 422, "A filter is wrong"
);
