//! Every route, in one table: the router is built from it, and tests enumerate it.

use actix_web::web;

use super::{api, pages};

macro_rules! routes {
    ($($method:ident $path:literal => $handler:path,)*) => {
        /// Every route served, as (method, path). Order matters: `/requests/new` before
        /// `/requests/{id}`.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path),)*];

        pub(super) fn register(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, web::$method().to($handler));)*
        }
    };
}

routes! {
    get "/" => pages::dashboard::show,
    get "/healthz" => pages::health::check,
    get "/livez" => pages::health::live,
    get "/static/{file}" => pages::assets::serve,
    get "/deadline" => pages::calculator::show,
    get "/sign-in" => pages::session::form,
    post "/sign-in" => pages::session::sign_in,
    get "/sign-in/code" => pages::session::code_form,
    post "/sign-in/code" => pages::session::code,
    post "/sign-out" => pages::session::sign_out,
    get "/invitations/{token}" => pages::links::invitation,
    post "/invitations/{token}" => pages::links::accept_invitation,
    get "/password-reset/{token}" => pages::links::reset,
    post "/password-reset/{token}" => pages::links::reset_password,
    get "/account" => pages::account::show,
    post "/account/password" => pages::account::password,
    get "/account/two-factor" => pages::account::two_factor_form,
    post "/account/two-factor" => pages::account::two_factor,
    post "/account/two-factor/disable" => pages::account::disable_two_factor,
    post "/account/tokens" => pages::account::create_token,
    post "/account/tokens/{id}/revoke" => pages::account::revoke_token,
    post "/account/sign-out-everywhere" => pages::account::sign_out_everywhere,
    post "/account/calendar" => pages::account::create_feed,
    post "/account/calendar/revoke" => pages::account::revoke_feed,
    get "/calendar/{token}" => pages::account::feed,
    post "/account/reminders" => pages::account::reminders,
    get "/outbox" => pages::outbox::list,
    post "/outbox/retry" => pages::outbox::retry,
    get "/requests" => pages::requests::list,
    get "/requests/new" => pages::requests::new,
    post "/requests" => pages::requests::create,
    get "/requests/{id}" => pages::requests::show,
    get "/requests/{id}/edit" => pages::requests::edit,
    post "/requests/{id}" => pages::requests::update,
    post "/requests/{id}/send" => pages::requests::send,
    post "/requests/{id}/events" => pages::events::add,
    post "/requests/{id}/events/remove-last" => pages::events::remove_last,
    post "/requests/{id}/documents" => pages::documents::upload,
    post "/requests/{id}/import-email" => pages::documents::import_email,
    get "/requests/{id}/letters" => pages::letters::show,
    post "/requests/{id}/letters" => pages::letters::send,
    get "/documents/{id}" => pages::documents::download,
    get "/history" => pages::history::show,
    get "/history/requests" => pages::history::requests,
    get "/history/export" => pages::history::export,
    get "/authorities" => pages::authorities::list,
    get "/authorities/new" => pages::authorities::new,
    post "/authorities" => pages::authorities::create,
    get "/authorities/import" => pages::authorities::import_form,
    post "/authorities/import" => pages::authorities::import,
    get "/authorities/{id}/edit" => pages::authorities::edit,
    post "/authorities/{id}" => pages::authorities::update,
    get "/admin/holidays" => pages::holidays::show,
    post "/admin/holidays" => pages::holidays::import,
    get "/admin/users" => pages::users::list,
    post "/admin/users" => pages::users::create,
    post "/admin/users/{id}/reset-link" => pages::users::reset_link,
    post "/admin/users/{id}/deactivate" => pages::users::deactivate,
    post "/admin/organisations/{id}" => pages::users::rename_organisation,
    get "/audit" => pages::audit::list,
    get "/audit.csv" => pages::audit::export,
    get "/api/v1/openapi.json" => api::openapi::document,
    get "/api/v1/requests" => api::requests::list,
    post "/api/v1/requests" => api::requests::create,
    get "/api/v1/requests/{id}" => api::requests::read,
    put "/api/v1/requests/{id}" => api::requests::update,
    get "/api/v1/requests/{id}/events" => api::events::list,
    post "/api/v1/requests/{id}/events" => api::events::add,
    delete "/api/v1/requests/{id}/events/last" => api::events::remove_last,
    get "/api/v1/requests/{id}/letters" => api::letters::list,
    post "/api/v1/requests/{id}/letters" => api::letters::send,
    get "/api/v1/documents/{id}" => api::documents::download,
    post "/api/v1/requests/{id}/documents" => api::documents::upload,
    post "/api/v1/requests/{id}/import-email" => api::documents::import_email,
    get "/api/v1/history" => api::history::summary,
    get "/api/v1/history/requests" => api::history::requests,
    get "/api/v1/history/export" => api::history::export,
    get "/api/v1/authorities" => api::authorities::list,
    post "/api/v1/authorities" => api::authorities::create,
    get "/api/v1/authorities/{id}" => api::authorities::read,
    put "/api/v1/authorities/{id}" => api::authorities::update,
    post "/api/v1/deadline" => api::calculator::calculate,
}
