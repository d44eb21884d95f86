//! Builds the application: settings, pool, migrations, reference data, calendar, templates;
//! then binds (port 0 in tests) and serves.

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::Server;
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
    Ok((pool, conn))
}

pub type DbConnectionGuard = db::PooledConnection;

pub fn state(settings: Settings) -> Result<AppState, StartupError> {
    let (pool, mut conn) = open_database(&settings)?;
    let calendars = CalendarStore::load(&mut conn)?;
    drop(conn);
    let templates = crate::web::templates::registry().map_err(StartupError::Templates)?;
    Ok(AppState {
        pool,
        calendars,
        settings,
        templates,
        pages: Default::default(),
    })
}

pub struct Application {
    server: Server,
    address: SocketAddr,
}

impl Application {
    /// Prepares everything and binds to `settings.bind`; serving starts with `run`.
    pub fn build(settings: Settings) -> Result<Application, StartupError> {
        let bind = settings.bind.clone();
        let state = web::Data::new(state(settings)?);
        let listener = TcpListener::bind(&bind).map_err(|source| StartupError::Bind {
            address: bind.clone(),
            source,
        })?;
        let address = listener.local_addr().map_err(|source| StartupError::Bind {
            address: bind.clone(),
            source,
        })?;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(tracing_actix_web::TracingLogger::default())
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
