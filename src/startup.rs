//! Builds the application: settings, pool, migrations, reference data, calendar, templates;
//! then binds (port 0 in tests) and serves.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};

use crate::config::Settings;
use crate::db::{self, DatabaseUrl, DbError, Pool};
use crate::error::AppError;
use crate::tracker::{self, holidays::CalendarStore};
use crate::web::state::AppState;

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

/// Waits until the database answers: a PostgreSQL server started beside the app (by compose,
/// or after a reboot) may take a while, and start order must not matter. Tries again every
/// few seconds for `database_wait_seconds`, saying so each time; other faults (a bad URL, a
/// SQLite folder that does not exist) are not worth waiting for.
pub fn wait_for_database(settings: &Settings) -> Result<(), StartupError> {
    let url = DatabaseUrl::parse(&settings.database_url)?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(settings.database_wait_seconds);
    let mut pause = std::time::Duration::from_secs(1);
    loop {
        match url.connect() {
            Ok(_) => return Ok(()),
            Err(error @ DbError::Postgres { .. }) => {
                if std::time::Instant::now() + pause > deadline {
                    tracing::error!(database = %url.display(), %error, waited_seconds = settings.database_wait_seconds, "the database did not answer in time; giving up");
                    return Err(error.into());
                }
                tracing::warn!(database = %url.display(), %error, retry_in_seconds = pause.as_secs(), "the database does not answer yet; trying again");
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_secs(5));
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// Opens the database, brings its schema up to date and fills in reference data.
pub fn open_database(settings: &Settings) -> Result<(Pool, DbConnectionGuard), StartupError> {
    open_database_watched(settings, None)
}

/// As [`open_database`], with the pool's waits reported to `metrics`.
fn open_database_watched(
    settings: &Settings,
    metrics: Option<&crate::metrics::Metrics>,
) -> Result<(Pool, DbConnectionGuard), StartupError> {
    let url = DatabaseUrl::parse(&settings.database_url)?;
    let pool = db::pool(&url, settings.pool_size, metrics.map(|m| m.pool_events()))?;
    let mut conn = pool.get()?;
    let applied = db::migrate(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(database = %url.display(), migrations = ?applied, "database migrated");
    }
    tracker::authorities::seed(&mut conn, crate::clock::now())?;
    tracker::demands::seed(&mut conn, crate::clock::now())?;
    tracker::authority_groups::seed(&mut conn, crate::clock::now())?;
    Ok((pool, conn))
}

pub type DbConnectionGuard = db::PooledConnection;

pub fn state(settings: Settings) -> Result<AppState, StartupError> {
    let metrics = crate::metrics::Metrics::new();
    let (pool, mut conn) = open_database_watched(&settings, Some(&metrics))?;
    let calendars = CalendarStore::load(&mut conn)?;
    drop(conn);
    let templates = crate::templates::registry().map_err(StartupError::Templates)?;
    let cookie_key = cookie_key(&settings)?;
    let postman = crate::mail::Postman::from_settings(&settings).map_err(StartupError::Settings)?;
    let database = DatabaseUrl::parse(&settings.database_url)?;
    Ok(AppState {
        cookie_key,
        postman: std::sync::Arc::new(postman),
        database,
        turns: std::sync::Arc::new(tokio::sync::Semaphore::new(pool.max_size() as usize)),
        pool,
        calendars: std::sync::Arc::new(calendars),
        settings,
        templates,
        pages: Default::default(),
        metrics,
        shutdown: Default::default(),
    })
}

/// The scheduler's share of the app's handles.
fn jobs_context(state: &AppState) -> std::sync::Arc<crate::jobs::scheduler::Context> {
    std::sync::Arc::new(crate::jobs::scheduler::Context {
        pool: state.pool.clone(),
        database: state.database.clone(),
        calendars: state.calendars.clone(),
        postman: state.postman.clone(),
        settings: state.settings.clone(),
        shutdown: state.shutdown.clone(),
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
    /// The metrics' own server, when FOI_METRICS_BIND names an address.
    metrics_server: Option<(Server, SocketAddr)>,
    address: SocketAddr,
    scheduler: Option<tokio::task::JoinHandle<()>>,
    state: web::Data<AppState>,
}

/// How long a stopping process waits for a sweep to reach a safe point: a message being sent
/// when the signal came may take the whole SMTP timeout.
fn sweep_grace(settings: &Settings) -> Duration {
    Duration::from_secs(settings.smtp_timeout_seconds + 10)
}

fn listen(bind: &str) -> Result<(TcpListener, SocketAddr), StartupError> {
    let fail = |source| StartupError::Bind {
        address: bind.to_string(),
        source,
    };
    let listener = TcpListener::bind(bind).map_err(fail)?;
    let address = listener.local_addr().map_err(fail)?;
    Ok((listener, address))
}

impl Application {
    /// Prepares everything and binds to `settings.bind`; serving starts with `run`.
    pub fn build(settings: Settings) -> Result<Application, StartupError> {
        let mut settings = settings;
        let bind = settings.bind.clone();
        let (listener, address) = listen(&bind)?;
        let metrics_listener = settings.metrics_bind.as_deref().map(listen).transpose()?;
        // Links in pages name the port actually bound (port 0 picks one).
        settings.bind = address.to_string();
        let timetable =
            crate::jobs::scheduler::Timetable::from_settings(&settings).map_err(StartupError::Settings)?;
        crate::alaveteli::Site::from_settings(&settings).map_err(StartupError::Settings)?;
        let state = web::Data::new(state(settings)?);
        let scheduler = state
            .settings
            .scheduler
            .then(|| tokio::spawn(crate::jobs::scheduler::run(jobs_context(&state), timetable)));
        if state.settings.scheduler {
            tokio::spawn(crate::jobs::text_reader::run(jobs_context(&state)));
        }
        if state.settings.scheduler && state.settings.imap_poll_seconds > 0 {
            tokio::spawn(crate::jobs::mail_reader::run(jobs_context(&state)));
        }
        if state.settings.scheduler && state.settings.wdtk_poll_seconds > 0 {
            tokio::spawn(crate::jobs::wdtk_reader::run(jobs_context(&state)));
        }
        let https = state.settings.secure_cookies();
        let app_state = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .wrap(from_fn(crate::web::layers::page_answers))
                .wrap(from_fn(crate::web::layers::head_as_get))
                .wrap(from_fn(crate::web::layers::text_rule))
                .wrap(from_fn(crate::web::layers::no_store))
                .wrap(crate::web::headers::security_headers(https))
                .wrap(tracing_actix_web::TracingLogger::<
                    crate::web::headers::RedactedSpan,
                >::new())
                .wrap(from_fn(crate::web::layers::measure))
                .wrap(from_fn(crate::web::layers::request_id))
                .configure(crate::web::configure)
        })
        // Signals are the process's to handle (see `serve_until_stopped`), so that a stop
        // also reaches the scheduler.
        .disable_signals()
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            address: bind,
            source,
        })?
        .run();
        let metrics_server = match metrics_listener {
            Some((listener, metrics_address)) => {
                let app_state = state.clone();
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(app_state.clone())
                        .route("/metrics", web::get().to(crate::web::pages::metrics::own_address))
                })
                .workers(1)
                .disable_signals()
                .listen(listener)
                .map_err(|source| StartupError::Bind {
                    address: metrics_address.to_string(),
                    source,
                })?
                .run();
                Some((server, metrics_address))
            }
            None => None,
        };
        Ok(Application {
            server,
            metrics_server,
            address,
            scheduler,
            state,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Where `/metrics` answers everyone, if FOI_METRICS_BIND is set.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics_server.as_ref().map(|(_, address)| *address)
    }

    /// Serves until the servers stop (in tests, until the runtime ends).
    pub async fn run(self) -> std::io::Result<()> {
        let metrics = self.metrics_server.map(|(server, _)| tokio::spawn(server));
        let served = self.server.await;
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        served
    }

    /// Serves until SIGTERM or Ctrl-C, then stops gracefully: no new connections, the
    /// requests in flight answered, the scheduler's sweep stopped at a safe point. The
    /// signals are caught from the moment this is called, before the server is announced, so
    /// that a supervisor's early SIGTERM is never the default, abrupt one.
    pub fn serve_until_stopped(self) -> impl std::future::Future<Output = std::io::Result<()>> {
        let signals = StopSignals::catch();
        let handles: Vec<_> = std::iter::once(self.server.handle())
            .chain(self.metrics_server.as_ref().map(|(server, _)| server.handle()))
            .collect();
        let shutdown = self.state.shutdown.clone();
        async move {
            tokio::spawn(async move {
                let signal = signals.first().await;
                tracing::info!(%signal, "stopping: answering the requests in flight, taking no new ones");
                shutdown.begin();
                for handle in handles {
                    handle.stop(true).await;
                }
            });
            let scheduler = self.scheduler;
            let grace = sweep_grace(&self.state.settings);
            let metrics = self.metrics_server.map(|(server, _)| tokio::spawn(server));
            let served = self.server.await;
            if let Some(metrics) = metrics {
                let _ = metrics.await;
            }
            if let Some(scheduler) = scheduler {
                if tokio::time::timeout(grace, scheduler).await.is_err() {
                    tracing::warn!("the reminder sweep did not stop in time; the next sweep completes it");
                }
            }
            tracing::info!("foi-tracker stopped");
            served
        }
    }
}

/// SIGTERM (from a supervisor or `docker stop`) and SIGINT (Ctrl-C), caught from creation on.
struct StopSignals(Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>);

impl StopSignals {
    fn catch() -> StopSignals {
        use tokio::signal::unix::{signal, SignalKind};
        match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
            (Ok(term), Ok(int)) => StopSignals(Some((term, int))),
            _ => {
                tracing::error!("cannot listen for SIGTERM and SIGINT: stop the process with SIGKILL");
                StopSignals(None)
            }
        }
    }

    /// The first to arrive.
    async fn first(self) -> &'static str {
        let Some((mut term, mut int)) = self.0 else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        }
    }
}

/// For commands that need only the database (migrate, imports).
pub fn connection(settings: &Settings) -> Result<DbConnectionGuard, StartupError> {
    Ok(open_database(settings)?.1)
}
