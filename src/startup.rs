//! Builds the application: settings, pool, migrations, reference data, calendar, templates;
//! then binds (port 0 in tests) and serves.

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use chrono::NaiveDate;
use handlebars::Handlebars;

use crate::config::Settings;
use crate::db::{self, DatabaseUrl, DbError, Pool};
use crate::error::AppError;
use crate::tracker::{self, holidays::CalendarStore};

/// What every handler shares.
pub struct AppState {
    pub pool: Pool,
    pub calendars: CalendarStore,
    pub settings: Settings,
    pub templates: Handlebars<'static>,
    pub pages: crate::web::cache::PageCache,
    /// Signs the session and CSRF cookies.
    pub cookie_key: actix_web::cookie::Key,
    /// Sends reminders, invitations and reset links.
    pub postman: crate::mail::Postman,
    pub database: DatabaseUrl,
}

impl AppState {
    pub fn today(&self) -> NaiveDate {
        self.settings.today()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot prepare the database: {0}")]
    Prepare(#[from] AppError),
    #[error("cannot get a database connection: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("cannot listen on {address}: {source}")]
    Bind { address: String, source: std::io::Error },
    #[error("the templates do not compile: {0}")]
    Templates(String),
    #[error("{0}")]
    SessionKey(String),
    /// The mail or reminder settings are unusable.
    #[error("{0}")]
    Settings(String),
}

/// Opens the database, brings its schema up to date and fills in reference data.
pub fn open_database(settings: &Settings) -> Result<(Pool, DbConnectionGuard), StartupError> {
    let url = DatabaseUrl::parse(&settings.database_url)?;
    let pool = db::pool(&url, settings.pool_size)?;
    let mut conn = pool.get()?;
    let applied = db::migrate(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(database = %url.display(), migrations = ?applied, "database migrated");
    }
    tracker::authorities::seed(&mut conn, tracker::now())?;
    tracker::demands::seed(&mut conn, tracker::now())?;
    Ok((pool, conn))
}

pub type DbConnectionGuard = db::PooledConnection;

pub fn state(settings: Settings) -> Result<AppState, StartupError> {
    let (pool, mut conn) = open_database(&settings)?;
    let calendars = CalendarStore::load(&mut conn)?;
    drop(conn);
    let templates = crate::web::templates::registry().map_err(StartupError::Templates)?;
    let cookie_key = cookie_key(&settings)?;
    let postman = crate::mail::Postman::from_settings(&settings).map_err(StartupError::Settings)?;
    let database = DatabaseUrl::parse(&settings.database_url)?;
    Ok(AppState {
        cookie_key,
        postman,
        database,
        pool,
        calendars,
        settings,
        templates,
        pages: Default::default(),
    })
}

/// The configured signing key, or a random one (sessions then end with the process).
fn cookie_key(settings: &Settings) -> Result<actix_web::cookie::Key, StartupError> {
    use base64::Engine;
    match &settings.session_key {
        Some(encoded) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded.trim()))
                .map_err(|_| StartupError::SessionKey("FOI_SESSION_KEY is not base64".into()))?;
            actix_web::cookie::Key::try_from(bytes.as_slice())
                .map_err(|_| StartupError::SessionKey("FOI_SESSION_KEY must hold at least 64 bytes".into()))
        }
        None => {
            tracing::warn!("FOI_SESSION_KEY is not set: a random key signs the cookies, and every session ends when the server stops");
            Ok(actix_web::cookie::Key::generate())
        }
    }
}

pub struct Application {
    server: Server,
    address: SocketAddr,
}

impl Application {
    /// Prepares everything and binds to `settings.bind`; serving starts with `run`.
    pub fn build(settings: Settings) -> Result<Application, StartupError> {
        let mut settings = settings;
        let bind = settings.bind.clone();
        let listener = TcpListener::bind(&bind).map_err(|source| StartupError::Bind {
            address: bind.clone(),
            source,
        })?;
        let address = listener.local_addr().map_err(|source| StartupError::Bind {
            address: bind.clone(),
            source,
        })?;
        // Links in pages name the port actually bound (port 0 picks one).
        settings.bind = address.to_string();
        let timetable =
            crate::jobs::scheduler::Timetable::from_settings(&settings).map_err(StartupError::Settings)?;
        let state = web::Data::new(state(settings)?);
        if state.settings.scheduler {
            tokio::spawn(crate::jobs::scheduler::run(state.clone(), timetable));
        }
        let https = state.settings.secure_cookies();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(from_fn(crate::web::layers::head_as_get))
                .wrap(from_fn(crate::web::layers::text_rule))
                .wrap(from_fn(crate::web::layers::no_store))
                .wrap(crate::web::headers::security_headers(https))
                .wrap(tracing_actix_web::TracingLogger::<
                    crate::web::headers::RedactedSpan,
                >::new())
                .configure(crate::web::configure)
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            address: bind,
            source,
        })?
        .run();
        Ok(Application { server, address })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// For commands that need only the database (migrate, imports).
pub fn connection(settings: &Settings) -> Result<DbConnectionGuard, StartupError> {
    Ok(open_database(settings)?.1)
}
