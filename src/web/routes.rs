//! Every route, in one table: the router is built from it, and tests enumerate it.

use std::sync::LazyLock;

use actix_web::dev::ResourceDef;
use actix_web::web;

use super::{api, pages};

/// The methods `path` answers, as an `Allow` header lists them (a GET route answers HEAD: see
/// `layers::head_as_get`); empty when no route matches it.
pub fn allowed_methods(path: &str) -> Vec<&'static str> {
    static PATTERNS: LazyLock<Vec<(ResourceDef, &'static str)>> = LazyLock::new(|| {
        ROUTES
            .iter()
            .map(|(method, path)| (ResourceDef::new(*path), *method))
            .collect()
    });
    let mut methods: Vec<&'static str> = Vec::new();
    for (pattern, method) in PATTERNS.iter() {
        if pattern.is_match(path) {
            let names: &[&'static str] = match *method {
                "get" => &["GET", "HEAD"],
                "post" => &["POST"],
                "put" => &["PUT"],
                "patch" => &["PATCH"],
                "delete" => &["DELETE"],
                other => unreachable!("ROUTES names only HTTP methods, not {other}"),
            };
            for name in names {
                if !methods.contains(name) {
                    methods.push(name);
                }
            }
        }
    }
    methods
}

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
    get "/readyz" => pages::health::ready,
    get "/metrics" => pages::metrics::show,
    get "/static/{file}" => pages::assets::serve,
    get "/deadline" => pages::calculator::show,
    get "/scorecard" => pages::scorecard::show,
    get "/scorecard/{indicator}" => pages::scorecard::indicator,
    get "/figures" => pages::figures::figures,
    get "/figures/new" => pages::figures::new_figure,
    post "/figures" => pages::figures::add_figure,
    post "/figures/{id}/verify" => pages::figures::verify,
    get "/open-data" => pages::open_data::show,
    get "/open-data/figures.csv" => pages::open_data::csv,
    get "/open-data/figures.json" => pages::open_data::json,
    get "/open-data/datapackage.json" => pages::open_data::datapackage,
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
    get "/account/two-factor" => pages::account_two_factor::two_factor_form,
    post "/account/two-factor" => pages::account_two_factor::two_factor,
    post "/account/two-factor/disable" => pages::account_two_factor::disable_two_factor,
    post "/account/recovery-codes" => pages::account_two_factor::renew_recovery_codes,
    post "/account/tokens" => pages::account::create_token,
    post "/account/tokens/{id}/revoke" => pages::account::revoke_token,
    post "/account/sign-out-everywhere" => pages::account::sign_out_everywhere,
    post "/account/calendar" => pages::account::create_feed,
    post "/account/calendar/revoke" => pages::account::revoke_feed,
    get "/calendar/{token}" => pages::account::feed,
    post "/account/reminders" => pages::account::reminders,
    get "/inbox" => pages::inbox::list,
    post "/inbox/read" => pages::inbox::read,
    post "/inbox/{id}/file" => pages::inbox::file,
    post "/inbox/{id}/dismiss" => pages::inbox::dismiss,
    get "/outbox" => pages::outbox::list,
    post "/outbox/retry" => pages::outbox::retry,
    get "/requests" => pages::request_list::list,
    get "/search" => pages::search::search,
    get "/requests.csv" => pages::request_list::export,
    get "/requests/new" => pages::requests::new,
    get "/requests/wdtk" => pages::wdtk::new,
    post "/requests/wdtk" => pages::wdtk::create,
    post "/requests" => pages::requests::create,
    get "/requests/{id}" => pages::request_detail::show,
    get "/requests/{id}/edit" => pages::requests::edit,
    post "/requests/{id}" => pages::requests::update,
    post "/requests/{id}/send" => pages::requests::send,
    post "/requests/{id}/wdtk/events/{wdtk_event_id}/accept" => pages::wdtk::accept,
    post "/requests/{id}/events" => pages::events::add,
    get "/requests/{id}/events/remove-last" => pages::events::confirm_remove_last,
    post "/requests/{id}/events/remove-last" => pages::events::remove_last,
    post "/requests/{id}/documents" => pages::documents::upload,
    post "/requests/{id}/indicators" => pages::indicators::link,
    post "/requests/{id}/repeat" => pages::indicators::repeat,
    post "/requests/{id}/skip" => pages::indicators::skip,
    post "/requests/{id}/import-email" => pages::documents::import_email,
    get "/requests/{id}/letters" => pages::letters::show,
    post "/requests/{id}/letters" => pages::letters::send,
    get "/requests/{id}/email" => pages::email::show,
    post "/requests/{id}/email" => pages::email::send,
    post "/requests/{id}/email/settle" => pages::email::settle,
    post "/requests/{id}/email/follow-up" => pages::email::follow_up,
    get "/documents/{id}" => pages::documents::download,
    get "/documents/{id}/import" => pages::figure_import::show,
    post "/documents/{id}/import" => pages::figure_import::submit,
    get "/history" => pages::history::show,
    get "/history/requests" => pages::history::requests,
    get "/history/export" => pages::history::export,
    get "/batches" => pages::batches::list,
    get "/batches/new" => pages::batches::new,
    post "/batches" => pages::batches::create,
    post "/batches/wdtk" => pages::batches::link_wdtk,
    get "/batches/{id}" => pages::batches::show,
    get "/batches/{id}/members.csv" => pages::batches::csv,
    post "/batches/{id}/sent" => pages::batches::mark_sent,
    post "/batches/{id}/email" => pages::batches::email,
    get "/batches/{id}/reviews" => pages::batches::reviews,
    post "/batches/{id}/reviews" => pages::batches::request_reviews,
    get "/admin/groups" => pages::authority_groups::list,
    get "/admin/groups/new" => pages::authority_groups::new,
    post "/admin/groups" => pages::authority_groups::create,
    get "/admin/groups/{id}/edit" => pages::authority_groups::edit,
    post "/admin/groups/{id}" => pages::authority_groups::update,
    post "/admin/groups/{id}/delete" => pages::authority_groups::delete,
    get "/authorities" => pages::authorities::list,
    get "/authorities/new" => pages::authorities::new,
    post "/authorities" => pages::authorities::create,
    get "/authorities/import" => pages::authorities::import_form,
    post "/authorities/import" => pages::authorities::import,
    get "/authorities/{id}/edit" => pages::authorities::edit,
    post "/authorities/{id}" => pages::authorities::update,
    get "/admin/holidays" => pages::holidays::show,
    post "/admin/holidays" => pages::holidays::import,
    get "/admin/mailbox" => pages::mailbox::show,
    post "/admin/mailbox" => pages::mailbox::save,
    get "/admin/indicators" => pages::indicator_admin::list,
    get "/admin/indicators/new" => pages::indicator_admin::new,
    post "/admin/indicators" => pages::indicator_admin::create,
    get "/admin/indicators/{indicator}/edit" => pages::indicator_admin::edit,
    post "/admin/indicators/{indicator}" => pages::indicator_admin::update,
    get "/admin/users" => pages::users::list,
    post "/admin/users" => pages::users::create,
    post "/admin/users/{id}/reset-link" => pages::users::reset_link,
    get "/admin/users/{id}/deactivate" => pages::users::confirm_deactivate,
    post "/admin/users/{id}/deactivate" => pages::users::deactivate,
    get "/admin/users/{id}/two-factor-reset" => pages::two_factor_reset::form,
    post "/admin/users/{id}/two-factor-reset" => pages::two_factor_reset::reset,
    post "/admin/organisations/{id}" => pages::users::rename_organisation,
    get "/audit" => pages::audit::list,
    get "/audit.csv" => pages::audit::export,
    get "/api/v1/openapi.json" => api::openapi::document,
    get "/api/v1/requests" => api::requests::list,
    get "/api/v1/search" => api::search::search,
    post "/api/v1/requests" => api::requests::create,
    post "/api/v1/requests/wdtk" => api::wdtk::link,
    get "/api/v1/requests/{id}" => api::requests::read,
    put "/api/v1/requests/{id}" => api::requests::update,
    patch "/api/v1/requests/{id}" => api::requests::patch,
    get "/api/v1/requests/{id}/wdtk" => api::wdtk::read,
    post "/api/v1/requests/{id}/wdtk/refresh" => api::wdtk::refresh,
    post "/api/v1/requests/{id}/wdtk/events/{wdtk_event_id}/accept" => api::wdtk::accept,
    get "/api/v1/requests/{id}/events" => api::events::list,
    post "/api/v1/requests/{id}/events" => api::events::add,
    delete "/api/v1/requests/{id}/events/last" => api::events::remove_last,
    get "/api/v1/requests/{id}/events/{event_id}" => api::events::read,
    get "/api/v1/requests/{id}/letters" => api::letters::list,
    post "/api/v1/requests/{id}/letters" => api::letters::send,
    get "/api/v1/requests/{id}/email" => api::email::read,
    post "/api/v1/requests/{id}/email" => api::email::send,
    post "/api/v1/requests/{id}/email/settle" => api::email::settle,
    post "/api/v1/requests/{id}/letters/email" => api::email::letter,
    post "/api/v1/requests/{id}/follow-ups" => api::email::follow_up,
    get "/api/v1/inbox" => api::inbox::list,
    post "/api/v1/inbox/read" => api::inbox::read,
    post "/api/v1/inbox/{id}/file" => api::inbox::file,
    post "/api/v1/inbox/{id}/dismiss" => api::inbox::dismiss,
    get "/api/v1/replies/{id}" => api::inbox::reply,
    post "/api/v1/replies/{id}/classify" => api::inbox::classify,
    get "/api/v1/documents/{id}" => api::documents::download,
    post "/api/v1/documents/{id}/import/preview" => api::figure_import::preview,
    post "/api/v1/documents/{id}/import" => api::figure_import::import,
    post "/api/v1/requests/{id}/documents" => api::documents::upload,
    post "/api/v1/requests/{id}/import-email" => api::documents::import_email,
    get "/api/v1/history" => api::history::summary,
    get "/api/v1/history/requests" => api::history::requests,
    get "/api/v1/history/export" => api::history::export,
    get "/api/v1/batches" => api::batches::list,
    post "/api/v1/batches" => api::batches::create,
    post "/api/v1/batches/wdtk" => api::batches::link_wdtk,
    get "/api/v1/batches/{id}" => api::batches::read,
    post "/api/v1/batches/{id}/sent" => api::batches::mark_sent,
    post "/api/v1/batches/{id}/email" => api::batches::email,
    get "/api/v1/batches/{id}/reviews" => api::batches::reviews,
    post "/api/v1/batches/{id}/reviews" => api::batches::request_reviews,
    get "/api/v1/authority-groups" => api::authority_groups::list,
    post "/api/v1/authority-groups" => api::authority_groups::create,
    get "/api/v1/authorities" => api::authorities::list,
    post "/api/v1/authorities" => api::authorities::create,
    get "/api/v1/authorities/{id}" => api::authorities::read,
    put "/api/v1/authorities/{id}" => api::authorities::update,
    post "/api/v1/deadline" => api::calculator::calculate,
    get "/api/v1/indicators" => api::demands::catalogue,
    post "/api/v1/indicators" => api::demands::save_indicator,
    get "/api/v1/indicators/{indicator}" => api::demands::indicator,
    put "/api/v1/requests/{id}/indicators" => api::demands::link,
    post "/api/v1/requests/{id}/repeat" => api::repeats::set,
    post "/api/v1/requests/{id}/skip" => api::repeats::skip,
    get "/api/v1/figures" => api::demands::list_figures,
    post "/api/v1/figures" => api::demands::add_figure,
    get "/api/v1/figures/{id}" => api::demands::read_figure,
    post "/api/v1/figures/{id}/verify" => api::demands::verify_figure,
    get "/api/v1/scorecard" => api::demands::scorecard,
    get "/api/v1/problems" => api::problem_types::problems,
    get "/api/v1/exemptions" => api::exemptions::list,
}
