//! Who receives a reminder: each person's preferences, the owner and coordinators chosen for a
//! notice (a pause never silences everyone at once), and the messages their notices make, one
//! at a time or in a daily digest.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use strum::VariantArray;

use super::reminders::{Delivery, Notice, NoticeKind, Stage};
use super::timeline::Party;

/// What one person wants to receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub delivery: Delivery,
    pub kinds: BTreeSet<NoticeKind>,
    /// The last day of leave, included; notices resume the day after. What fell due during
    /// the leave is not replayed: only what is still owed on return is sent.
    pub paused_until: Option<NaiveDate>,
}

impl Default for Preferences {
    /// Everything, each notice as it falls due.
    fn default() -> Self {
        Preferences {
            delivery: Delivery::Immediate,
            kinds: NoticeKind::VARIANTS.iter().copied().collect(),
            paused_until: None,
        }
    }
}

impl Preferences {
    pub fn is_paused(&self, today: NaiveDate) -> bool {
        self.paused_until.is_some_and(|last| today <= last)
    }

    pub fn wants_kind(&self, kind: NoticeKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// Whether this person, left to their own preferences, would receive the notice today.
    /// [`recipients`] may still override a pause.
    pub fn wants(&self, stage: Stage, party: Party, today: NaiveDate) -> bool {
        self.wants_kind(NoticeKind::of(party, stage)) && !self.is_paused(today)
    }
}

/// Someone who may receive reminders about a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub user_id: i32,
    pub email: String,
    pub preferences: Preferences,
}

/// A recipient chosen for one notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addressee<'a> {
    pub recipient: &'a Recipient,
    /// On leave, but notified because otherwise no one would be; the message should say so.
    pub pause_overridden: bool,
}

/// Who receives a notice of `stage` about a deadline of `party`: the request's owner and its
/// organisation's coordinators, each as their preferences say, the owner first, each person
/// once (an owner who is also a coordinator counts as a coordinator).
///
/// A pause never silences every recipient at once. When no one would receive the notice
/// and someone is left out only because they are on leave, the pause is overridden for the
/// coordinators among those on leave who want this kind, or, if there are none, for the
/// owner. Turning a kind off is a choice, not a pause, and is always respected: if no one
/// wants a kind, no one receives it.
pub fn recipients<'a>(
    owner: Option<&'a Recipient>,
    coordinators: &'a [Recipient],
    stage: Stage,
    party: Party,
    today: NaiveDate,
) -> Vec<Addressee<'a>> {
    let kind = NoticeKind::of(party, stage);
    // (recipient, is a coordinator), each user once.
    let mut candidates: Vec<(&Recipient, bool)> = Vec::with_capacity(coordinators.len() + 1);
    if let Some(owner) = owner {
        let also_coordinator = coordinators.iter().any(|c| c.user_id == owner.user_id);
        candidates.push((owner, also_coordinator));
    }
    for coordinator in coordinators {
        if candidates.iter().all(|(r, _)| r.user_id != coordinator.user_id) {
            candidates.push((coordinator, true));
        }
    }
    candidates.retain(|(r, _)| r.preferences.wants_kind(kind));
    let addressed = |r: &'a Recipient, pause_overridden: bool| Addressee {
        recipient: r,
        pause_overridden,
    };
    let active: Vec<Addressee<'a>> = candidates
        .iter()
        .filter(|(r, _)| !r.preferences.is_paused(today))
        .map(|(r, _)| addressed(r, false))
        .collect();
    if !active.is_empty() || candidates.is_empty() {
        return active;
    }
    // Everyone who wants this kind is on leave.
    let on_leave_coordinators: Vec<Addressee<'a>> = candidates
        .iter()
        .filter(|(_, coordinator)| *coordinator)
        .map(|(r, _)| addressed(r, true))
        .collect();
    if !on_leave_coordinators.is_empty() {
        return on_leave_coordinators;
    }
    candidates.iter().map(|(r, _)| addressed(r, true)).collect()
}

/// One notice for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addressed<'a> {
    pub to: Addressee<'a>,
    pub notice: Notice,
}

impl Addressed<'_> {
    pub fn outbox_key(&self) -> String {
        self.notice.outbox_key(self.to.recipient.user_id)
    }
}

/// `notice` addressed to everyone [`recipients`] chooses.
pub fn address<'a>(
    notice: Notice,
    owner: Option<&'a Recipient>,
    coordinators: &'a [Recipient],
    today: NaiveDate,
) -> Vec<Addressed<'a>> {
    recipients(owner, coordinators, notice.stage, notice.party, today)
        .into_iter()
        .map(|to| Addressed { to, notice })
        .collect()
}

/// The notices of one daily digest. Each keeps its own outbox key, so a notice already sent
/// in an earlier digest is left out of the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest<'a> {
    pub recipient: &'a Recipient,
    pub notices: Vec<Addressed<'a>>,
}

/// A sweep's notices, split by how each recipient takes them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dispatch<'a> {
    /// One message each, in the order given.
    pub immediate: Vec<Addressed<'a>>,
    /// One per recipient who takes a digest, by user id; within it, by due date, request
    /// and position, so that a digest reads the same whatever order the sweep found them in.
    pub digests: Vec<Digest<'a>>,
}

/// Splits a sweep's addressed notices into messages to send now and one digest per person
/// who takes a daily digest. The sweep runs once a working day, so one digest per sweep is
/// one a day.
pub fn dispatch<'a>(notices: impl IntoIterator<Item = Addressed<'a>>) -> Dispatch<'a> {
    let (immediate, batches) = split_by_delivery(
        notices,
        |a| (a.to.recipient.user_id, a.to.recipient.preferences.delivery),
        |a| {
            let n = a.notice;
            (n.due, n.request_id, n.position, n.stage)
        },
    );
    let digests = batches
        .into_iter()
        .map(|(_, notices)| Digest {
            recipient: notices[0].to.recipient,
            notices,
        })
        .collect();
    Dispatch { immediate, digests }
}

/// The messages a set of notices makes: those whose recipient takes each as it falls due,
/// in the order given; and, per digest, their notices
/// sorted by `order`, so that a digest reads the same whatever order they were found in.
/// `whose` gives the digest a notice would go in (its recipient, say) and how its recipient
/// takes notices.
pub fn split_by_delivery<T, G: Ord, K: Ord>(
    notices: impl IntoIterator<Item = T>,
    whose: impl Fn(&T) -> (G, Delivery),
    order: impl Fn(&T) -> K,
) -> (Vec<T>, Vec<(G, Vec<T>)>) {
    let mut immediate = Vec::new();
    let mut digests: BTreeMap<G, Vec<T>> = BTreeMap::new();
    for notice in notices {
        match whose(&notice) {
            (_, Delivery::Immediate) => immediate.push(notice),
            (digest, Delivery::DailyDigest) => digests.entry(digest).or_default().push(notice),
        }
    }
    let mut digests: Vec<(G, Vec<T>)> = digests.into_iter().collect();
    for (_, notices) in &mut digests {
        notices.sort_by_key(&order);
    }
    (immediate, digests)
}
