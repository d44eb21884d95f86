//! Who may see and change what. The coalition is about thirty organisations: each request
//! belongs to one, drafts and subject access requests stay inside it (auditors aside), and
//! everything else is readable by the whole coalition.

use serde::Serialize;

use super::regime::Regime;

closed_enum! {
    /// One role per user.
    pub enum Role {
        /// Manages users, organisations and reference data (authorities, bank holidays).
        Admin,
        /// Everything a researcher can do, and receives the reminders.
        Coordinator,
        /// Creates and updates the organisation's requests.
        Researcher,
        /// Reads everything and changes nothing; sees the audit trail.
        Auditor,
    }
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Coordinator => "Coordinator",
            Role::Researcher => "Researcher",
            Role::Auditor => "Auditor",
        }
    }
}

/// A signed-in, active user, as the rules need to know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: i32,
    pub organisation_id: i32,
    pub role: Role,
    pub name: String,
    pub email: String,
}

/// What an actor may do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Not even that it exists.
    None,
    Read,
    Write,
}

/// Drafts and subject access requests never leave their organisation (auditors aside).
pub fn is_private(regime: Regime, draft: bool) -> bool {
    draft || regime == Regime::Sar
}

impl Actor {
    pub fn access(&self, organisation_id: i32, regime: Regime, draft: bool) -> Access {
        let own = organisation_id == self.organisation_id;
        match self.role {
            Role::Researcher | Role::Coordinator if own => Access::Write,
            Role::Auditor => Access::Read,
            _ if own || !is_private(regime, draft) => Access::Read,
            _ => Access::None,
        }
    }

    /// May create requests (for their own organisation).
    pub fn files_requests(&self) -> bool {
        matches!(self.role, Role::Researcher | Role::Coordinator)
    }

    /// Files or dismisses the organisation's mail that matched no request: it may be anyone's,
    /// a subject access request's among them, so coordinators alone read it.
    pub fn triages_mail(&self) -> bool {
        self.role == Role::Coordinator
    }

    /// Manages users, organisations, authorities and bank holidays.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Reads the audit trail.
    pub fn reads_audit_trail(&self) -> bool {
        matches!(self.role, Role::Auditor | Role::Admin)
    }

    /// Every view of a subject access request by an auditor is itself audited.
    pub fn view_is_audited(&self, regime: Regime) -> bool {
        self.role == Role::Auditor && regime == Regime::Sar
    }

    /// Whether the second factor is required before this user may do anything.
    pub fn needs_two_factor(&self) -> bool {
        self.role == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, organisation_id: i32) -> Actor {
        Actor {
            user_id: 1,
            organisation_id,
            role,
            name: "N".into(),
            email: "n@example.org".into(),
        }
    }

    #[test]
    fn the_access_matrix() {
        use Access::*;
        use Role::*;
        // (role, own organisation?, regime, draft, expected)
        let table = [
            (Researcher, true, Regime::Foia, false, Write),
            (Researcher, true, Regime::Sar, true, Write),
            (Researcher, false, Regime::Foia, false, Read),
            (Researcher, false, Regime::Foia, true, None),
            (Researcher, false, Regime::Sar, false, None),
            (Coordinator, true, Regime::Sar, false, Write),
            (Coordinator, false, Regime::Eir, false, Read),
            (Admin, true, Regime::Foia, true, Read),
            (Admin, false, Regime::Foia, false, Read),
            (Admin, false, Regime::Sar, false, None),
            (Auditor, false, Regime::Sar, false, Read),
            (Auditor, false, Regime::Foia, true, Read),
            (Auditor, true, Regime::Foia, false, Read),
        ];
        for (role, own, regime, draft, expected) in table {
            let organisation = if own { 7 } else { 8 };
            assert_eq!(
                actor(role, 7).access(organisation, regime, draft),
                expected,
                "{role:?} {own} {regime} {draft}"
            );
        }
        assert!(actor(Auditor, 7).view_is_audited(Regime::Sar));
        assert!(!actor(Auditor, 7).view_is_audited(Regime::Foia));
        assert!(!actor(Admin, 7).view_is_audited(Regime::Sar));
    }
}
