//! The catalogue of exemptions, exceptions and refusal grounds a response can cite, by section
//! and subsection, each with whether the public interest test applies. The entries are the rows
//! of `data/exemptions.csv`; this module says what they mean.
//!
//! Sources, as in force after the Data Protection Act 2018 and the Constitutional Reform and
//! Governance Act 2010:
//!
//! - **FOIA** (Freedom of Information Act 2000): refusal grounds s.12 (cost limit) and s.14
//!   (vexatious, repeated); the Part II exemptions ss.21 to 44, each with its
//!   neither-confirm-nor-deny (NCND) subsection except s.21. Absolute under s.2(3): s.21, s.23,
//!   s.32, s.34, s.36 only for information held by the House of Commons or the House of Lords,
//!   s.37(1)(a) to (ab), s.40(1), s.40(2) where the first condition is met, s.41 and s.44.
//!   Everything else is qualified (s.2(1)(b), s.2(2)(b)).
//! - **EIR** (Environmental Information Regulations 2004): the exceptions in reg 12(4) and
//!   12(5), NCND in reg 12(6), personal data in reg 13 and reg 5(3). Every exception is subject
//!   to the public interest test (reg 12(1)(b)) save third-party personal data meeting the first
//!   condition (reg 13(1)(a)), and reg 12(2) presumes in favour of disclosure. There is no cost
//!   limit or vexatious ground: those requests are "manifestly unreasonable", reg 12(4)(b).
//! - **FOISA** (Freedom of Information (Scotland) Act 2002): refusal grounds s.12 (excessive
//!   cost) and s.14 (vexatious, repeated); the Part 2 exemptions ss.25 to 41. Absolute under
//!   s.2(2): s.25, s.26, s.36(2), s.37 and s.38 (s.38(1)(b) only where the first condition is
//!   met). FOISA exemptions carry no NCND subsections: s.18(1) lets an authority neither confirm
//!   nor deny for the exemptions it names.
//! - **EI(S)R** (Environmental Information (Scotland) Regulations 2004): exceptions in reg 10(4)
//!   and 10(5), mirroring the EIR, NCND in reg 10(8), personal data in reg 11; presumption in
//!   favour of disclosure in reg 10(2)(b).
//! - **SAR** (UK GDPR Art. 15): nothing here. Its exemptions live in DPA 2018 Schedules 2 to 4
//!   and are not catalogued yet; `for_regime(Regime::Sar)` is empty.
//!
//! Ids are stable: they are stored with every response, so an entry may gain a note but never
//! change its id.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::regime::Regime;

closed_enum! {
    /// What an entry does to the duty to answer.
    pub enum ExemptionKind {
        /// The request need not be answered at all, whatever the information: cost, vexatious,
        /// repeated. Not an exemption, so no public interest test.
        RefusalGround,
        /// An exemption (FOIA, FOISA) or exception (EIR, EI(S)R) from the duty to disclose.
        Exemption,
        /// Relief from the duty to say whether the information is held.
        NeitherConfirmNorDeny,
    }
}

closed_enum! {
    /// Whether withholding also needs the public interest to favour it.
    pub enum ExemptionTest {
        /// Engaged means withheld: no public interest test.
        Absolute,
        /// Withheld only if the public interest in maintaining it outweighs that in disclosure.
        Qualified,
        /// A refusal ground, to which the public interest test does not belong.
        NotApplicable,
    }
}

/// One citable provision: a row of `data/exemptions.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Exemption {
    /// Stable key, e.g. "foia-s40-2", "eir-r12-5-a".
    pub id: String,
    pub regime: Regime,
    /// As people write it, e.g. "FOIA s.40(2)", "EI(S)R reg 10(4)(a)".
    pub citation: String,
    pub title: String,
    pub kind: ExemptionKind,
    pub test: ExemptionTest,
    /// A caveat a reader needs, e.g. where a provision is absolute only in part.
    pub note: Option<String>,
}

impl Exemption {
    /// True where no public interest test applies to an exemption or NCND provision. Where the
    /// law makes a provision absolute only in part, the entry follows its usual case and says
    /// so in `note`.
    pub fn is_absolute(&self) -> bool {
        self.test == ExemptionTest::Absolute
    }

    /// True where the authority must show the public interest favours withholding.
    pub fn is_qualified(&self) -> bool {
        self.test == ExemptionTest::Qualified
    }
}

/// Every entry, grouped by regime in statutory order.
pub fn all() -> &'static [Exemption] {
    &CATALOGUE
}

/// The entry with this id, if any. Ids are lower case; the match is exact.
pub fn find(id: &str) -> Option<&'static Exemption> {
    CATALOGUE.iter().find(|e| e.id == id)
}

/// The entries citable under `regime`, in statutory order; none for a SAR.
pub fn for_regime(regime: Regime) -> impl Iterator<Item = &'static Exemption> {
    CATALOGUE.iter().filter(move |e| e.regime == regime)
}

/// The catalogue is data, kept in a table that those who know the law can read and amend
/// without reading Rust; it is compiled in, so no deployment can lack it.
const TABLE: &str = include_str!("../../data/exemptions.csv");

static CATALOGUE: LazyLock<Vec<Exemption>> = LazyLock::new(|| {
    parse(TABLE).unwrap_or_else(|e| panic!("data/exemptions.csv, compiled in, does not parse: {e}"))
});

fn parse(table: &str) -> Result<Vec<Exemption>, csv::Error> {
    csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(table.as_bytes())
        .deserialize()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table compiled in parses (so `CATALOGUE` cannot fail at run time), and its ids are
    /// unique and each belongs to its regime.
    #[test]
    fn the_table_parses_with_unique_ids() {
        let entries = parse(TABLE).expect("data/exemptions.csv parses");
        assert!(entries.len() > 100, "{} entries", entries.len());
        let mut ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), entries.len(), "an id is given twice");
        for e in &entries {
            let prefix: &str = e.regime.into();
            assert!(
                e.id.starts_with(&format!("{prefix}-")),
                "{} is not a {prefix} id",
                e.id
            );
            assert_ne!(
                e.kind == ExemptionKind::RefusalGround,
                e.test != ExemptionTest::NotApplicable,
                "{}",
                e.id
            );
        }
    }
}
