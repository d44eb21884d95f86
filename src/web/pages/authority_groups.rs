//! The administrators' pages for the groups of authorities a batch is sent to.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{done, form_again_or_error, page};
use crate::domain::account::Actor;
use crate::error::AppError;
use crate::tracker::access::require;
use crate::tracker::authorities;
use crate::tracker::authority_groups::{self, GroupInput};
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

pub async fn list(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    require(&caller, Actor::is_admin)?;
    let (groups, authorities) = with_db(&state, move |conn, _, _| {
        Ok((
            authority_groups::list(conn, &caller)?,
            authorities::list(conn, &caller)?,
        ))
    })
    .await?;
    let groups: Vec<Value> = groups
        .iter()
        .map(|g| {
            let names: Vec<&str> = g
                .authority_ids
                .iter()
                .filter_map(|id| authorities.iter().find(|a| a.id == *id))
                .map(|a| a.values.short_name.as_str())
                .collect();
            json!({"id": g.id, "name": g.name, "description": g.description, "size": names.len(), "members": names.join(", ")})
        })
        .collect();
    page(
        &state,
        &who,
        "admin/groups",
        json!({"title": "Groups of authorities", "nav": "groups", "groups": groups}),
    )
}

/// The group form as a browser sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GroupForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub authority_ids: Vec<String>,
}

impl GroupForm {
    fn input(&self) -> Result<GroupInput, AppError> {
        Ok(GroupInput {
            name: self.name.clone(),
            description: self.description.clone(),
            authority_ids: self
                .authority_ids
                .iter()
                .map(|a| {
                    a.trim()
                        .parse()
                        .map_err(|_| AppError::invalid("authority_ids", "Choose from the list"))
                })
                .collect::<Result<_, _>>()?,
        })
    }
}

async fn form_page(
    state: &web::Data<AppState>,
    who: &Who,
    form: &GroupForm,
    errors: Map<String, Value>,
    existing: Option<i32>,
) -> Result<Value, AppError> {
    let caller = who.caller();
    let authorities = with_db(state, move |conn, _, _| authorities::list(conn, &caller)).await?;
    let authorities: Vec<Value> = authorities
        .iter()
        .map(|a| json!({"id": a.id, "name": a.values.name, "checked": form.authority_ids.contains(&a.id.to_string())}))
        .collect();
    let (heading, action, button) = match existing {
        None => ("Add a group".to_string(), "/admin/groups".to_string(), "Add"),
        Some(id) => (
            "Edit group".to_string(),
            format!("/admin/groups/{id}"),
            "Save changes",
        ),
    };
    Ok(json!({
        "title": heading, "heading": heading, "nav": "groups", "action": action, "button": button,
        "form": form, "errors": errors, "authorities": authorities, "existing": existing,
    }))
}

pub async fn new(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    require(&who.caller(), Actor::is_admin)?;
    let data = form_page(&state, &who, &GroupForm::default(), Map::new(), None).await?;
    page(&state, &who, "admin/group_form", data)
}

pub async fn edit(
    state: web::Data<AppState>,
    who: Who,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    require(&caller, Actor::is_admin)?;
    let group = with_db(&state, move |conn, _, _| {
        authority_groups::read(conn, &caller, id)
    })
    .await?;
    let form = GroupForm {
        name: group.name,
        description: group.description,
        authority_ids: group.authority_ids.iter().map(i32::to_string).collect(),
    };
    let data = form_page(&state, &who, &form, Map::new(), Some(id)).await?;
    page(&state, &who, "admin/group_form", data)
}

async fn save(
    state: web::Data<AppState>,
    posted: Posted<GroupForm>,
    existing: Option<i32>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let result = match form.input() {
        Ok(input) => {
            with_db(&state, move |conn, _, _| {
                let now = crate::clock::now();
                match existing {
                    None => authority_groups::create(conn, &caller, &input, now),
                    Some(id) => authority_groups::update(conn, &caller, id, &input, now),
                }
            })
            .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(group) => Ok(done(
            &state,
            &format!("/admin/groups#group-{}", group.id),
            "group-saved",
        )),
        Err(error) => {
            form_again_or_error(&state, &who, error, "admin/group_form", async |errors| {
                form_page(&state, &who, &form, errors, existing).await
            })
            .await
        }
    }
}

pub async fn create(state: web::Data<AppState>, posted: Posted<GroupForm>) -> Result<HttpResponse, AppError> {
    save(state, posted, None).await
}

pub async fn update(
    state: web::Data<AppState>,
    posted: Posted<GroupForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    save(state, posted, Some(id)).await
}

pub async fn delete(
    state: web::Data<AppState>,
    posted: Posted<super::events::Empty>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let caller = posted.who.caller();
    with_db(&state, move |conn, _, _| {
        authority_groups::delete(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(done(&state, "/admin/groups", "group-deleted"))
}
