//! `foi-tracker serve`: the web application until SIGTERM or Ctrl-C.

use std::io::Write;

use super::{app_error, settings, startup_error, CliError, ServeArgs};
use crate::startup::{self, Application};
use crate::tracker::holidays::CalendarStore;

/// What `serve` tells the person who started it: a line on stdout, or with JSON logs a log
/// event, so that every line the process writes is JSON from the first one on.
struct Announcer<'a, W: Write> {
    out: &'a mut W,
    json: bool,
}

impl<W: Write> Announcer<'_, W> {
    fn say(&mut self, line: &str) -> std::io::Result<()> {
        if self.json {
            tracing::info!("{line}");
            Ok(())
        } else {
            writeln!(self.out, "{line}")?;
            self.out.flush()
        }
    }
}

pub(super) fn serve(args: ServeArgs, out: &mut impl Write) -> Result<(), CliError> {
    let settings = settings();
    // Before anything can be logged, even a refused configuration.
    let format = match &settings {
        Ok(settings) => settings.log_format,
        Err(_) => crate::config::LogFormat::from_env(),
    };
    crate::telemetry::init(format);
    let mut settings = settings?;
    if let Some(bind) = args.bind {
        settings.bind = bind;
    }
    let mut say = Announcer {
        out,
        json: format == crate::config::LogFormat::Json,
    };
    let database = crate::db::DatabaseUrl::parse(&settings.database_url)
        .map_err(|e| CliError::BadInput(e.to_string()))?
        .display();
    let today = crate::clock::today(settings.today);
    startup::wait_for_database(&settings).map_err(startup_error)?;
    let mut conn = startup::connection(&settings).map_err(startup_error)?;
    if args.demo {
        let calendars = CalendarStore::load(&mut conn).map_err(app_error)?;
        match crate::tracker::demo::accounts(&mut conn, &settings.base_url(), crate::clock::now())
            .map_err(app_error)?
        {
            Some(made) => {
                say.say(&format!(
                    "Demonstration accounts (sign in at {}/sign-in):",
                    settings.base_url()
                ))?;
                for account in made {
                    say.say(&format!(
                        "  {:<12} {}  password: {}",
                        account.role, account.email, account.password
                    ))?;
                }
                say.say("  The administrator sets up two-factor sign-in at first sign-in.")?;
            }
            None => say.say(
                "The demonstration accounts already exist; their passwords were printed when they were made.",
            )?,
        }
        let loaded = crate::tracker::demo::load(&mut conn, &calendars, today, crate::clock::now())
            .map_err(app_error)?;
        match loaded {
            0 => say.say("The database already holds requests: the demonstration data was not loaded.")?,
            n => say.say(&format!("Loaded {n} demonstration requests."))?,
        }
    } else if crate::db::accounts::count_users(&mut conn).map_err(|e| CliError::Failed(e.to_string()))? == 0 {
        say.say(&format!(
            "No one can sign in yet. Create the first administrator with:\n  {}\n(or try it out with `serve --demo`).",
            crate::web::pages::session::first_admin_command()
        ))?;
    }
    drop(conn);
    // The server must be built inside the runtime that will run it.
    actix_web::rt::System::new().block_on(async move {
        let application = Application::build(settings).map_err(startup_error)?;
        let address = application.address();
        let serving = application.serve_until_stopped();
        say.say(&format!(
            "foi-tracker is running on http://{address} (database {database})"
        ))?;
        say.say("Press Ctrl-C to stop.")?;
        serving.await.map_err(|e| CliError::Failed(e.to_string()))
    })
}
