//! The catalogue of exemptions, exceptions and refusal grounds a response can cite, by section
//! and subsection, each with whether the public interest test applies.
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

use serde::Serialize;

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

/// One citable provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Exemption {
    /// Stable key, e.g. "foia-s40-2", "eir-r12-5-a".
    pub id: &'static str,
    pub regime: Regime,
    /// As people write it, e.g. "FOIA s.40(2)", "EI(S)R reg 10(4)(a)".
    pub citation: &'static str,
    pub title: &'static str,
    pub kind: ExemptionKind,
    pub test: ExemptionTest,
    /// A caveat a reader needs, e.g. where a provision is absolute only in part.
    pub note: Option<&'static str>,
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

    const fn noting(self, note: &'static str) -> Self {
        Exemption {
            note: Some(note),
            ..self
        }
    }
}

/// Every entry, grouped by regime in statutory order.
pub fn all() -> &'static [Exemption] {
    CATALOGUE
}

/// The entry with this id, if any. Ids are lower case; the match is exact.
pub fn find(id: &str) -> Option<&'static Exemption> {
    CATALOGUE.iter().find(|e| e.id == id)
}

/// The entries citable under `regime`, in statutory order; none for a SAR.
pub fn for_regime(regime: Regime) -> impl Iterator<Item = &'static Exemption> {
    CATALOGUE.iter().filter(move |e| e.regime == regime)
}

const fn entry(
    regime: Regime,
    id: &'static str,
    citation: &'static str,
    title: &'static str,
    kind: ExemptionKind,
    test: ExemptionTest,
) -> Exemption {
    Exemption {
        id,
        regime,
        citation,
        title,
        kind,
        test,
        note: None,
    }
}

const fn ground(regime: Regime, id: &'static str, citation: &'static str, title: &'static str) -> Exemption {
    entry(
        regime,
        id,
        citation,
        title,
        ExemptionKind::RefusalGround,
        ExemptionTest::NotApplicable,
    )
}

const fn absolute(
    regime: Regime,
    id: &'static str,
    citation: &'static str,
    title: &'static str,
) -> Exemption {
    entry(
        regime,
        id,
        citation,
        title,
        ExemptionKind::Exemption,
        ExemptionTest::Absolute,
    )
}

const fn qualified(
    regime: Regime,
    id: &'static str,
    citation: &'static str,
    title: &'static str,
) -> Exemption {
    entry(
        regime,
        id,
        citation,
        title,
        ExemptionKind::Exemption,
        ExemptionTest::Qualified,
    )
}

const fn ncnd(
    regime: Regime,
    id: &'static str,
    citation: &'static str,
    title: &'static str,
    test: ExemptionTest,
) -> Exemption {
    entry(
        regime,
        id,
        citation,
        title,
        ExemptionKind::NeitherConfirmNorDeny,
        test,
    )
}

use ExemptionTest::{Absolute as ABS, Qualified as QUAL};
use Regime::{Eir, Eisr, Foia, Foisa};

const HOUSES: &str = "Absolute only for information held by the House of Commons or the House of Lords \
     (FOIA s.2(3)(e)); qualified for every other authority. Engaged only on the reasonable opinion of \
     a qualified person (s.36(2)).";
const FOIA_FIRST_CONDITION: &str = "Absolute where the first condition is met (disclosure would contravene \
     the data protection principles, s.40(3A)); qualified where only the second or third condition is \
     (s.2(3)).";
const OWN_DATA: &str = "The applicant's own personal data: to be handled as a subject access request \
     under UK GDPR Art. 15.";
const EIR_EMISSIONS: &str = "Cannot be relied on for information on emissions (EIR reg 12(9)).";
const EISR_EMISSIONS: &str = "Cannot be relied on for information on emissions (EI(S)R reg 10(6)).";
const EIR_FIRST_CONDITION: &str = "Absolute where the first condition is met (disclosure would contravene \
     the data protection principles, reg 13(2A)); subject to the public interest test where only the \
     second or third condition is (reg 13(1)(b)).";
const EISR_FIRST_CONDITION: &str = "Absolute where the first condition is met (disclosure would contravene \
     the data protection principles, reg 11(3A)); subject to the public interest test where only the \
     second or third condition is (reg 11(2)(b)).";
const NOT_HELD_TEST: &str = "Formally subject to the public interest test, which has nothing to weigh when \
     the information is not held.";

static CATALOGUE: &[Exemption] = &[
    // FOIA Part I: grounds for not answering at all.
    ground(Foia, "foia-s12-1", "FOIA s.12(1)", "Cost of compliance exceeds the appropriate limit").noting(
        "The appropriate limit is £600 for government departments and Parliament, £450 for other \
         authorities, with staff time at £25 an hour (Freedom of Information and Data Protection \
         (Appropriate Limit and Fees) Regulations 2004, regs 3 and 4).",
    ),
    ground(Foia, "foia-s12-2", "FOIA s.12(2)", "Cost of confirming or denying exceeds the appropriate limit"),
    ground(Foia, "foia-s14-1", "FOIA s.14(1)", "Vexatious request"),
    ground(Foia, "foia-s14-2", "FOIA s.14(2)", "Repeated request"),
    // FOIA Part II: exemptions, each followed by its NCND subsection.
    absolute(Foia, "foia-s21-1", "FOIA s.21(1)", "Information accessible to the applicant by other means")
        .noting("No neither-confirm-nor-deny provision: s.21 has none."),
    qualified(Foia, "foia-s22-1", "FOIA s.22(1)", "Information intended for future publication"),
    ncnd(Foia, "foia-s22-2", "FOIA s.22(2)", "Information intended for future publication", QUAL),
    qualified(Foia, "foia-s22a-1", "FOIA s.22A(1)", "Research"),
    ncnd(Foia, "foia-s22a-2", "FOIA s.22A(2)", "Research", QUAL),
    absolute(
        Foia,
        "foia-s23-1",
        "FOIA s.23(1)",
        "Information supplied by, or relating to, bodies dealing with security matters",
    ),
    ncnd(
        Foia,
        "foia-s23-5",
        "FOIA s.23(5)",
        "Information supplied by, or relating to, bodies dealing with security matters",
        ABS,
    ),
    qualified(Foia, "foia-s24-1", "FOIA s.24(1)", "National security"),
    ncnd(Foia, "foia-s24-2", "FOIA s.24(2)", "National security", QUAL),
    qualified(Foia, "foia-s26-1", "FOIA s.26(1)", "Defence"),
    ncnd(Foia, "foia-s26-3", "FOIA s.26(3)", "Defence", QUAL),
    qualified(Foia, "foia-s27-1", "FOIA s.27(1)", "International relations"),
    qualified(
        Foia,
        "foia-s27-2",
        "FOIA s.27(2)",
        "Confidential information obtained from another State or an international organisation or court",
    ),
    ncnd(Foia, "foia-s27-4", "FOIA s.27(4)", "International relations", QUAL),
    qualified(Foia, "foia-s28-1", "FOIA s.28(1)", "Relations within the United Kingdom"),
    ncnd(Foia, "foia-s28-3", "FOIA s.28(3)", "Relations within the United Kingdom", QUAL),
    qualified(Foia, "foia-s29-1", "FOIA s.29(1)", "The economy"),
    ncnd(Foia, "foia-s29-2", "FOIA s.29(2)", "The economy", QUAL),
    qualified(
        Foia,
        "foia-s30-1",
        "FOIA s.30(1)",
        "Investigations and proceedings conducted by public authorities",
    ),
    qualified(Foia, "foia-s30-2", "FOIA s.30(2)", "Investigations and proceedings: confidential sources"),
    ncnd(
        Foia,
        "foia-s30-3",
        "FOIA s.30(3)",
        "Investigations and proceedings conducted by public authorities",
        QUAL,
    ),
    // s.31 by paragraph: the Home Office's refusals turn on which interest, above all (e).
    qualified(Foia, "foia-s31-1-a", "FOIA s.31(1)(a)", "Law enforcement: prevention or detection of crime"),
    qualified(
        Foia,
        "foia-s31-1-b",
        "FOIA s.31(1)(b)",
        "Law enforcement: apprehension or prosecution of offenders",
    ),
    qualified(Foia, "foia-s31-1-c", "FOIA s.31(1)(c)", "Law enforcement: administration of justice"),
    qualified(
        Foia,
        "foia-s31-1-d",
        "FOIA s.31(1)(d)",
        "Law enforcement: assessment or collection of a tax or duty",
    ),
    qualified(
        Foia,
        "foia-s31-1-e",
        "FOIA s.31(1)(e)",
        "Law enforcement: operation of the immigration controls",
    ),
    qualified(
        Foia,
        "foia-s31-1-f",
        "FOIA s.31(1)(f)",
        "Law enforcement: security and good order in prisons",
    ),
    qualified(
        Foia,
        "foia-s31-1-g",
        "FOIA s.31(1)(g)",
        "Law enforcement: a public authority's functions for the purposes in s.31(2)",
    ),
    qualified(
        Foia,
        "foia-s31-1-h",
        "FOIA s.31(1)(h)",
        "Law enforcement: civil proceedings arising from an investigation",
    ),
    qualified(
        Foia,
        "foia-s31-1-i",
        "FOIA s.31(1)(i)",
        "Law enforcement: Scottish fatal accident inquiries",
    ),
    ncnd(Foia, "foia-s31-3", "FOIA s.31(3)", "Law enforcement", QUAL),
    absolute(Foia, "foia-s32-1", "FOIA s.32(1)", "Court records"),
    absolute(Foia, "foia-s32-2", "FOIA s.32(2)", "Records of inquiries and arbitrations"),
    ncnd(Foia, "foia-s32-3", "FOIA s.32(3)", "Court records", ABS),
    // s.33(1) only says which authorities audit; the exemption is s.33(2).
    qualified(Foia, "foia-s33-2", "FOIA s.33(2)", "Audit functions"),
    ncnd(Foia, "foia-s33-3", "FOIA s.33(3)", "Audit functions", QUAL),
    absolute(Foia, "foia-s34-1", "FOIA s.34(1)", "Parliamentary privilege"),
    ncnd(Foia, "foia-s34-2", "FOIA s.34(2)", "Parliamentary privilege", ABS),
    qualified(
        Foia,
        "foia-s35-1-a",
        "FOIA s.35(1)(a)",
        "Formulation or development of government policy",
    ),
    qualified(Foia, "foia-s35-1-b", "FOIA s.35(1)(b)", "Ministerial communications"),
    qualified(Foia, "foia-s35-1-c", "FOIA s.35(1)(c)", "Law Officers' advice"),
    qualified(Foia, "foia-s35-1-d", "FOIA s.35(1)(d)", "Operation of a ministerial private office"),
    ncnd(Foia, "foia-s35-3", "FOIA s.35(3)", "Formulation of government policy, etc.", QUAL),
    // s.36 is absolute only for the two Houses; the tracker's authorities are almost never those.
    qualified(
        Foia,
        "foia-s36-2-a",
        "FOIA s.36(2)(a)",
        "Effective conduct of public affairs: collective responsibility",
    )
    .noting(HOUSES),
    qualified(
        Foia,
        "foia-s36-2-b-i",
        "FOIA s.36(2)(b)(i)",
        "Effective conduct of public affairs: free and frank provision of advice",
    )
    .noting(HOUSES),
    qualified(
        Foia,
        "foia-s36-2-b-ii",
        "FOIA s.36(2)(b)(ii)",
        "Effective conduct of public affairs: free and frank exchange of views",
    )
    .noting(HOUSES),
    qualified(
        Foia,
        "foia-s36-2-c",
        "FOIA s.36(2)(c)",
        "Effective conduct of public affairs: other prejudice",
    )
    .noting(HOUSES),
    ncnd(
        Foia,
        "foia-s36-3",
        "FOIA s.36(3)",
        "Prejudice to effective conduct of public affairs",
        QUAL,
    )
    .noting(HOUSES),
    // Absolute for the Sovereign, heir and second in line since the Constitutional Reform and
    // Governance Act 2010 amended s.2(3); the rest of the Royal Family stays qualified.
    absolute(Foia, "foia-s37-1-a", "FOIA s.37(1)(a)", "Communications with the Sovereign"),
    absolute(
        Foia,
        "foia-s37-1-aa",
        "FOIA s.37(1)(aa)",
        "Communications with the heir to, or second in line of succession to, the Throne",
    ),
    absolute(
        Foia,
        "foia-s37-1-ab",
        "FOIA s.37(1)(ab)",
        "Communications with a person who has since become the Sovereign, heir or second in line",
    ),
    qualified(
        Foia,
        "foia-s37-1-ac",
        "FOIA s.37(1)(ac)",
        "Communications with other members of the Royal Family",
    ),
    qualified(Foia, "foia-s37-1-ad", "FOIA s.37(1)(ad)", "Communications with the Royal Household"),
    qualified(Foia, "foia-s37-1-b", "FOIA s.37(1)(b)", "Honours and dignities"),
    ncnd(Foia, "foia-s37-2", "FOIA s.37(2)", "Communications with Her Majesty, etc. and honours", QUAL).noting(
        "Absolute so far as it relates to s.37(1)(a) to (ab) (FOIA s.2(3)).",
    ),
    qualified(Foia, "foia-s38-1", "FOIA s.38(1)", "Health and safety"),
    ncnd(Foia, "foia-s38-2", "FOIA s.38(2)", "Health and safety", QUAL),
    qualified(Foia, "foia-s39-1", "FOIA s.39(1)", "Environmental information")
        .noting("The request falls to be answered under the EIR instead."),
    ncnd(Foia, "foia-s39-2", "FOIA s.39(2)", "Environmental information", QUAL),
    absolute(Foia, "foia-s40-1", "FOIA s.40(1)", "Personal information: the applicant's own").noting(OWN_DATA),
    absolute(Foia, "foia-s40-2", "FOIA s.40(2)", "Personal information: third parties")
        .noting(FOIA_FIRST_CONDITION),
    ncnd(Foia, "foia-s40-5a", "FOIA s.40(5A)", "Personal information: the applicant's own", ABS),
    ncnd(Foia, "foia-s40-5b", "FOIA s.40(5B)", "Personal information: third parties", ABS).noting(
        "Absolute where confirming or denying would itself contravene the data protection principles \
         (s.40(5B)(a)(i)); qualified otherwise.",
    ),
    absolute(Foia, "foia-s41-1", "FOIA s.41(1)", "Information provided in confidence"),
    ncnd(Foia, "foia-s41-2", "FOIA s.41(2)", "Information provided in confidence", ABS),
    qualified(Foia, "foia-s42-1", "FOIA s.42(1)", "Legal professional privilege"),
    ncnd(Foia, "foia-s42-2", "FOIA s.42(2)", "Legal professional privilege", QUAL),
    qualified(Foia, "foia-s43-1", "FOIA s.43(1)", "Trade secrets"),
    qualified(Foia, "foia-s43-2", "FOIA s.43(2)", "Commercial interests"),
    ncnd(Foia, "foia-s43-3", "FOIA s.43(3)", "Commercial interests", QUAL)
        .noting("Only for the interests in s.43(2); trade secrets carry no NCND provision."),
    absolute(Foia, "foia-s44-1", "FOIA s.44(1)", "Prohibitions on disclosure"),
    ncnd(Foia, "foia-s44-2", "FOIA s.44(2)", "Prohibitions on disclosure", ABS),
    // EIR.
    absolute(Eir, "eir-r5-3", "EIR reg 5(3)", "Personal data: the applicant's own").noting(OWN_DATA),
    qualified(Eir, "eir-r12-4-a", "EIR reg 12(4)(a)", "Information not held").noting(NOT_HELD_TEST),
    qualified(Eir, "eir-r12-4-b", "EIR reg 12(4)(b)", "Manifestly unreasonable request")
        .noting("Covers both excessive cost and vexatious requests: the EIR has no s.12 or s.14."),
    qualified(Eir, "eir-r12-4-c", "EIR reg 12(4)(c)", "Request formulated in too general a manner")
        .noting("Only once the authority has offered advice and assistance (reg 9)."),
    qualified(
        Eir,
        "eir-r12-4-d",
        "EIR reg 12(4)(d)",
        "Material in the course of completion, unfinished documents or incomplete data",
    ),
    qualified(Eir, "eir-r12-4-e", "EIR reg 12(4)(e)", "Internal communications"),
    qualified(
        Eir,
        "eir-r12-5-a",
        "EIR reg 12(5)(a)",
        "International relations, defence, national security or public safety",
    ),
    qualified(
        Eir,
        "eir-r12-5-b",
        "EIR reg 12(5)(b)",
        "Course of justice, fair trial, or criminal or disciplinary inquiries",
    ),
    qualified(Eir, "eir-r12-5-c", "EIR reg 12(5)(c)", "Intellectual property rights"),
    qualified(Eir, "eir-r12-5-d", "EIR reg 12(5)(d)", "Confidentiality of proceedings").noting(EIR_EMISSIONS),
    qualified(
        Eir,
        "eir-r12-5-e",
        "EIR reg 12(5)(e)",
        "Confidentiality of commercial or industrial information",
    )
    .noting(EIR_EMISSIONS),
    qualified(
        Eir,
        "eir-r12-5-f",
        "EIR reg 12(5)(f)",
        "Interests of the person who provided the information",
    )
    .noting(EIR_EMISSIONS),
    qualified(Eir, "eir-r12-5-g", "EIR reg 12(5)(g)", "Protection of the environment").noting(EIR_EMISSIONS),
    ncnd(
        Eir,
        "eir-r12-6",
        "EIR reg 12(6)",
        "International relations, defence, national security or public safety",
        QUAL,
    )
    .noting("Only where confirming or denying would harm an interest in reg 12(5)(a)."),
    absolute(Eir, "eir-r13-1", "EIR reg 13(1)", "Personal data: third parties").noting(EIR_FIRST_CONDITION),
    ncnd(Eir, "eir-r13-5a", "EIR reg 13(5A)", "Personal data: third parties", ABS).noting(
        "Absolute where confirming or denying would itself contravene the data protection principles \
         (reg 13(5B)(a)); subject to the public interest test otherwise.",
    ),
    // FOISA Part 1: grounds for not answering at all.
    ground(Foisa, "foisa-s12-1", "FOISA s.12(1)", "Excessive cost of compliance")
        .noting("The prescribed amount is £600 (Freedom of Information (Fees for Required Disclosure) (Scotland) Regulations 2004)."),
    ground(Foisa, "foisa-s14-1", "FOISA s.14(1)", "Vexatious request"),
    ground(Foisa, "foisa-s14-2", "FOISA s.14(2)", "Repeated request"),
    ncnd(Foisa, "foisa-s18-1", "FOISA s.18(1)", "Neither confirm nor deny", QUAL).noting(
        "Only where the information, if held, would be exempt under one of the exemptions s.18(1) \
         names (among them ss.28 to 35, 38, 39(1) and 41), and revealing whether it exists or is \
         held would be contrary to the public interest.",
    ),
    // FOISA Part 2.
    absolute(Foisa, "foisa-s25-1", "FOISA s.25(1)", "Information otherwise accessible"),
    absolute(Foisa, "foisa-s26", "FOISA s.26", "Prohibitions on disclosure"),
    qualified(Foisa, "foisa-s27-1", "FOISA s.27(1)", "Information intended for future publication"),
    qualified(Foisa, "foisa-s27-2", "FOISA s.27(2)", "Research"),
    qualified(Foisa, "foisa-s28-1", "FOISA s.28(1)", "Relations within the United Kingdom"),
    qualified(
        Foisa,
        "foisa-s29-1-a",
        "FOISA s.29(1)(a)",
        "Formulation or development of government policy",
    ),
    qualified(Foisa, "foisa-s29-1-b", "FOISA s.29(1)(b)", "Ministerial communications"),
    qualified(Foisa, "foisa-s29-1-c", "FOISA s.29(1)(c)", "Law Officers' advice"),
    qualified(Foisa, "foisa-s29-1-d", "FOISA s.29(1)(d)", "Operation of a Ministerial private office"),
    qualified(
        Foisa,
        "foisa-s30-a",
        "FOISA s.30(a)",
        "Effective conduct of public affairs: collective responsibility",
    ),
    qualified(
        Foisa,
        "foisa-s30-b-i",
        "FOISA s.30(b)(i)",
        "Effective conduct of public affairs: free and frank provision of advice",
    ),
    qualified(
        Foisa,
        "foisa-s30-b-ii",
        "FOISA s.30(b)(ii)",
        "Effective conduct of public affairs: free and frank exchange of views",
    ),
    qualified(
        Foisa,
        "foisa-s30-c",
        "FOISA s.30(c)",
        "Effective conduct of public affairs: other substantial prejudice",
    ),
    qualified(Foisa, "foisa-s31-1", "FOISA s.31(1)", "National security"),
    qualified(Foisa, "foisa-s31-4", "FOISA s.31(4)", "Defence"),
    qualified(Foisa, "foisa-s32-1-a", "FOISA s.32(1)(a)", "International relations"),
    qualified(
        Foisa,
        "foisa-s32-1-b",
        "FOISA s.32(1)(b)",
        "Confidential information obtained from another State or an international organisation or court",
    ),
    qualified(Foisa, "foisa-s33-1-a", "FOISA s.33(1)(a)", "Trade secrets"),
    qualified(Foisa, "foisa-s33-1-b", "FOISA s.33(1)(b)", "Commercial interests"),
    qualified(Foisa, "foisa-s33-2", "FOISA s.33(2)", "The economy"),
    qualified(
        Foisa,
        "foisa-s34",
        "FOISA s.34",
        "Investigations by Scottish public authorities and proceedings arising out of them",
    ),
    qualified(Foisa, "foisa-s35-1", "FOISA s.35(1)", "Law enforcement"),
    qualified(Foisa, "foisa-s36-1", "FOISA s.36(1)", "Confidentiality of communications: legal privilege"),
    absolute(Foisa, "foisa-s36-2", "FOISA s.36(2)", "Information provided in confidence"),
    absolute(Foisa, "foisa-s37", "FOISA s.37", "Court records, etc."),
    absolute(Foisa, "foisa-s38-1-a", "FOISA s.38(1)(a)", "Personal information: the applicant's own")
        .noting(OWN_DATA),
    absolute(Foisa, "foisa-s38-1-b", "FOISA s.38(1)(b)", "Personal information: third parties").noting(
        "Absolute where the first condition is met (disclosure would contravene the data protection \
         principles, s.38(2A)); qualified where only the second or third condition is (FOISA s.2(2)(e)).",
    ),
    absolute(Foisa, "foisa-s38-1-c", "FOISA s.38(1)(c)", "Personal census information"),
    absolute(Foisa, "foisa-s38-1-d", "FOISA s.38(1)(d)", "Health record of a deceased person"),
    qualified(Foisa, "foisa-s39-1", "FOISA s.39(1)", "Health and safety"),
    qualified(Foisa, "foisa-s39-2", "FOISA s.39(2)", "Environmental information")
        .noting("The request falls to be answered under the EI(S)R instead."),
    qualified(Foisa, "foisa-s40", "FOISA s.40", "Audit functions"),
    // Unlike FOIA s.37, qualified throughout: the Scottish Parliament dropped a proposal in 2013
    // to make communications with the Sovereign and heirs absolute.
    qualified(
        Foisa,
        "foisa-s41-a",
        "FOISA s.41(a)",
        "Communications with the Sovereign, other members of the Royal Family or the Royal Household",
    ),
    qualified(Foisa, "foisa-s41-b", "FOISA s.41(b)", "Honours"),
    // EI(S)R.
    qualified(Eisr, "eisr-r10-4-a", "EI(S)R reg 10(4)(a)", "Information not held").noting(NOT_HELD_TEST),
    qualified(Eisr, "eisr-r10-4-b", "EI(S)R reg 10(4)(b)", "Manifestly unreasonable request")
        .noting("Covers both excessive cost and vexatious requests: the EI(S)R has no s.12 or s.14."),
    qualified(
        Eisr,
        "eisr-r10-4-c",
        "EI(S)R reg 10(4)(c)",
        "Request formulated in too general a manner",
    )
    .noting("Only once the authority has offered advice and assistance (reg 9)."),
    qualified(
        Eisr,
        "eisr-r10-4-d",
        "EI(S)R reg 10(4)(d)",
        "Material in the course of completion, unfinished documents or incomplete data",
    ),
    qualified(Eisr, "eisr-r10-4-e", "EI(S)R reg 10(4)(e)", "Internal communications"),
    qualified(
        Eisr,
        "eisr-r10-5-a",
        "EI(S)R reg 10(5)(a)",
        "International relations, defence, national security or public safety",
    ),
    qualified(
        Eisr,
        "eisr-r10-5-b",
        "EI(S)R reg 10(5)(b)",
        "Course of justice, fair trial, or criminal or disciplinary inquiries",
    ),
    qualified(Eisr, "eisr-r10-5-c", "EI(S)R reg 10(5)(c)", "Intellectual property rights"),
    qualified(Eisr, "eisr-r10-5-d", "EI(S)R reg 10(5)(d)", "Confidentiality of proceedings")
        .noting(EISR_EMISSIONS),
    qualified(
        Eisr,
        "eisr-r10-5-e",
        "EI(S)R reg 10(5)(e)",
        "Confidentiality of commercial or industrial information",
    )
    .noting(EISR_EMISSIONS),
    qualified(
        Eisr,
        "eisr-r10-5-f",
        "EI(S)R reg 10(5)(f)",
        "Interests of the person who provided the information",
    )
    .noting(EISR_EMISSIONS),
    qualified(Eisr, "eisr-r10-5-g", "EI(S)R reg 10(5)(g)", "Protection of the environment")
        .noting(EISR_EMISSIONS),
    ncnd(
        Eisr,
        "eisr-r10-8",
        "EI(S)R reg 10(8)",
        "International relations, defence, national security or public safety",
        QUAL,
    )
    .noting("Only where confirming or denying would harm an interest in reg 10(5)(a)."),
    absolute(Eisr, "eisr-r11-1", "EI(S)R reg 11(1)", "Personal data: the applicant's own").noting(OWN_DATA),
    absolute(Eisr, "eisr-r11-2", "EI(S)R reg 11(2)", "Personal data: third parties").noting(EISR_FIRST_CONDITION),
];
