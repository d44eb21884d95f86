//! Lists that can grow are read a page at a time: which page, and how many on it.

use serde::{Deserialize, Serialize};

use super::input::Fields;
use crate::error::AppError;

/// The most items a page may ask for.
pub const MAX_PER_PAGE: i64 = 100;

/// Which page of a list, and how many items on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

/// `page` and `per_page` as a query string gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From 1.
    pub page: Option<String>,
    /// Items on a page, from 1 to 100 (100 when left out).
    pub per_page: Option<String>,
}

impl Paging {
    /// The page asked for, `per_page` defaulting to `default`; a value out of range is an
    /// error of its field in `f`.
    pub fn read(page: Option<&str>, per_page: Option<&str>, default: i64, f: &mut Fields) -> Paging {
        let blank = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let page = blank(page).map_or(Some(1), |p| {
            p.parse::<i64>().ok().filter(|p| (1..=100_000).contains(p))
        });
        if page.is_none() {
            f.error("page", "page must be a whole number from 1");
        }
        let per_page = blank(per_page).map_or(Some(default), |p| {
            p.parse::<i64>().ok().filter(|p| (1..=MAX_PER_PAGE).contains(p))
        });
        if per_page.is_none() {
            f.error(
                "per_page",
                format!("per_page must be a whole number from 1 to {MAX_PER_PAGE}"),
            );
        }
        Paging {
            page: page.unwrap_or(1),
            per_page: per_page.unwrap_or(default),
        }
    }

    /// The page a [`PageQuery`] asks for, up to a whole page of 100 when it does not say.
    pub fn of(query: &PageQuery) -> Result<Paging, AppError> {
        let mut f = Fields::new();
        let paging = Paging::read(
            query.page.as_deref(),
            query.per_page.as_deref(),
            MAX_PER_PAGE,
            &mut f,
        );
        f.finish(paging)
    }

    /// How many pages `total` items fill (one, if there are none).
    pub fn pages(self, total: i64) -> i64 {
        ((total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
}

impl<T> Page<T> {
    /// The page `paging` names of a list already in order.
    pub fn of(all: Vec<T>, paging: Paging) -> Page<T> {
        let total = all.len() as i64;
        let skip = ((paging.page - 1) * paging.per_page) as usize;
        Page {
            items: all
                .into_iter()
                .skip(skip)
                .take(paging.per_page as usize)
                .collect(),
            total,
            page: paging.page,
            per_page: paging.per_page,
            pages: paging.pages(total),
        }
    }
}
