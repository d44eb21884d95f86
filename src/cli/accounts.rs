//! `foi-tracker user …` and `foi-tracker token …`: what an administrator with the server does,
//! above all creating the first administrator of a fresh install.

use std::io::{BufRead, Write};

use clap::{Args, Subcommand};

use super::{app_error, settings, startup_error, CliError};
use crate::clock::now;
use crate::startup::{self, DbConnectionGuard};
use crate::tracker::account_links;
use crate::tracker::accounts::{self, UserInput};
use crate::tracker::api_tokens;
use crate::tracker::audit::Caller;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; without --password-stdin, print an invitation link to pass on.
    Add(AddArgs),
    /// List every user.
    List,
    /// Deactivate a user: sessions, tokens and links end, and requests can be handed over.
    Deactivate(DeactivateArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// The organisation's name; a new name creates it.
    #[arg(long)]
    pub org: String,
    /// admin, coordinator, researcher or auditor.
    #[arg(long)]
    pub role: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct DeactivateArgs {
    #[arg(long)]
    pub email: String,
    /// Another active member of the same organisation, to take over the user's requests.
    #[arg(long, value_name = "EMAIL")]
    pub hand_over_to: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal API token for a user and print it (it is shown only once).
    Create(TokenArgs),
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[arg(long)]
    pub email: String,
    /// What the token is for.
    #[arg(long, default_value = "command line")]
    pub name: String,
}

fn connection() -> Result<(DbConnectionGuard, String), CliError> {
    let settings = settings()?;
    let conn = startup::connection(&settings).map_err(startup_error)?;
    Ok((conn, settings.base_url()))
}

fn read_password() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

pub fn user(command: UserCommand, out: &mut impl Write) -> Result<(), CliError> {
    let caller = Caller::command_line();
    match command {
        UserCommand::Add(args) => {
            let password = if args.password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let (mut conn, base_url) = connection()?;
            let input = UserInput {
                email: args.email,
                name: args.name,
                organisation: args.org,
                role: args.role,
                password,
            };
            let organisation = input.organisation.clone();
            let added =
                accounts::add_user(&mut conn, &caller, &input, &base_url, now()).map_err(app_error)?;
            writeln!(out, "Added {} ({}).", added.user.email, added.user.role.label())?;
            match added.invitation {
                Some(link) => {
                    writeln!(
                        out,
                        "Their invitation link (it works once, for {} days):\n  {link}",
                        account_links::INVITATION_DAYS
                    )?;
                    let postman =
                        crate::mail::Postman::from_settings(&settings()?).map_err(CliError::BadInput)?;
                    let sent = account_links::email_link(
                        &postman,
                        &added.user,
                        organisation.trim(),
                        "An administrator",
                        &link,
                        now(),
                    );
                    writeln!(out, "{}", account_links::link_emailed(&added.user.email, &sent))?;
                }
                None => writeln!(out, "They can sign in at {base_url}/sign-in")?,
            }
        }
        UserCommand::List => {
            let (mut conn, _) = connection()?;
            for (user, organisation) in accounts::list_users(&mut conn, &caller).map_err(app_error)? {
                let state = match (user.active, user.has_password()) {
                    (false, _) => "deactivated",
                    (true, false) => "invited",
                    (true, true) => "active",
                };
                let two_factor = if user.two_factor() { ", two-factor" } else { "" };
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{state}{two_factor}",
                    user.email,
                    user.name,
                    organisation,
                    user.role.label()
                )?;
            }
        }
        UserCommand::Deactivate(args) => {
            let (mut conn, _) = connection()?;
            let (user, handed_over) = accounts::deactivate(
                &mut conn,
                &caller,
                &args.email,
                args.hand_over_to.as_deref(),
                now(),
            )
            .map_err(app_error)?;
            writeln!(
                out,
                "Deactivated {}; {handed_over} request(s) handed over.",
                user.email
            )?;
        }
    }
    Ok(())
}

pub fn token(command: TokenCommand, out: &mut impl Write) -> Result<(), CliError> {
    match command {
        TokenCommand::Create(args) => {
            let (mut conn, _) = connection()?;
            let (_, secret) = api_tokens::create_token(
                &mut conn,
                &Caller::command_line(),
                Some(&args.email),
                &args.name,
                now(),
            )
            .map_err(app_error)?;
            writeln!(out, "{secret}")?;
        }
    }
    Ok(())
}
