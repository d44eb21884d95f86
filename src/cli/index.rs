//! `foi-tracker index`: catches the search index up with everything stored, as the reader
//! inside `serve` does a round at a time; for after an import or an upgrade, and to time it.

use std::io::Write;

use super::{app_error, settings, startup_error, CliError, IndexArgs};
use crate::startup;

pub(super) fn index(args: IndexArgs, out: &mut impl Write) -> Result<(), CliError> {
    let settings = settings()?;
    let mut conn = startup::connection(&settings).map_err(startup_error)?;
    let started = std::time::Instant::now();
    if args.from_scratch {
        crate::tracker::search::forget(&mut conn).map_err(app_error)?;
    }
    let (mut requests, mut documents) = (0, 0);
    loop {
        let (r, d) = crate::tracker::search::catch_up(&mut conn).map_err(app_error)?;
        if r == 0 && d == 0 {
            break;
        }
        requests += r;
        documents += d;
    }
    writeln!(
        out,
        "Indexed {requests} requests and read {documents} documents in {:.1} s; the search index is up to date.",
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
