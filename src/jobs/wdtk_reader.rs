//! Reads every linked open WhatDoTheyKnow request again inside `serve`, once every
//! `wdtk_poll_seconds` (a day by default), adding what is new (`tracker::wdtk`). Politely: one
//! request a second at most, and a site that fails is left alone for longer after each failure.

use std::sync::Arc;
use std::time::Duration;

use super::scheduler::{blocking, Context};

/// How often the links are looked at for one whose time has come (more often if
/// `wdtk_poll_seconds` is shorter); each is read only once per `wdtk_poll_seconds`, or after
/// its back-off.
const LOOK_EVERY: Duration = Duration::from_secs(300);

pub async fn run(state: Arc<Context>) {
    let look_every = LOOK_EVERY.min(Duration::from_secs(state.settings.wdtk_poll_seconds.max(1)));
    while !state.shutdown.requested() {
        let read = blocking(&state, |context, conn| {
            let site = crate::alaveteli::Site::from_settings(&context.settings)?;
            let every = chrono::Duration::seconds(context.settings.wdtk_poll_seconds as i64);
            let today = crate::clock::today(context.settings.today);
            let shutdown = context.shutdown.clone();
            crate::tracker::wdtk::refresh_due(conn, &context.calendars, &site, today, every, || {
                // One request a second at most; stop at once when the server stops.
                std::thread::sleep(Duration::from_secs(1));
                !shutdown.requested()
            })
            .map_err(|e| e.to_string())
        })
        .await;
        if let Err(error) = read {
            tracing::error!(%error, "reading WhatDoTheyKnow failed; it runs again at the next tick");
        }
        tokio::select! {
            () = tokio::time::sleep(look_every) => {}
            () = state.shutdown.wait() => {}
        }
    }
}
