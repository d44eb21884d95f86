//! `wdtk import URL --owner EMAIL`: links a WhatDoTheyKnow request, as the page and the API do,
//! for a member who will own it.

use std::io::Write;

use clap::{Args, Subcommand};

use super::{app_error, settings, startup_error, CliError};
use crate::startup;
use crate::tracker::audit::Caller;
use crate::tracker::holidays::CalendarStore;

#[derive(Debug, Subcommand)]
pub enum WdtkCommand {
    /// Link a WhatDoTheyKnow request (its address or number) and import its events; run again,
    /// it adds only what is new.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The request's address on WhatDoTheyKnow (…/request/<url_title>), or its number.
    pub url: String,
    /// The email of the researcher or coordinator who will own the request.
    #[arg(long, value_name = "EMAIL")]
    pub owner: String,
}

pub(super) fn wdtk(command: WdtkCommand, out: &mut impl Write) -> Result<(), CliError> {
    let WdtkCommand::Import(args) = command;
    let settings = settings()?;
    let site = crate::alaveteli::Site::from_settings(&settings).map_err(CliError::BadInput)?;
    let mut conn = startup::connection(&settings).map_err(startup_error)?;
    let owner = crate::db::accounts::find_user_by_email(&mut conn, args.owner.trim())
        .map_err(|e| CliError::Failed(e.to_string()))?
        .filter(|u| u.active)
        .ok_or_else(|| {
            CliError::BadInput(format!("--owner: there is no active user {}", args.owner.trim()))
        })?;
    let mut caller = Caller::user(crate::tracker::sessions::actor_of(&owner), None);
    caller.label = format!("command line, for {}", owner.email);
    let calendars = CalendarStore::load(&mut conn).map_err(app_error)?;
    let input = crate::tracker::wdtk::WdtkLinkInput { url: args.url };
    let report = crate::tracker::wdtk::link(
        &mut conn,
        &calendars,
        &site,
        &caller,
        crate::clock::today(settings.today),
        &input,
        crate::clock::now(),
    )
    .map_err(app_error)?;
    let verb = if report.created {
        "linked as"
    } else {
        "already linked to"
    };
    writeln!(
        out,
        "{} {verb} request {}: {} events added, {} replies to classify, {} differences to look at",
        report.wdtk_url, report.request_id, report.added, report.to_classify, report.differences
    )?;
    Ok(())
}
