//! Public authorities: where they sit decides which law and which calendar apply.

closed_enum! {
    /// The part of the UK an authority serves.
    pub enum Nation {
        Uk,
        England,
        Wales,
        Scotland,
        NorthernIreland,
    }
}

impl Nation {
    pub fn label(self) -> &'static str {
        match self {
            Nation::Uk => "UK-wide",
            Nation::England => "England",
            Nation::Wales => "Wales",
            Nation::Scotland => "Scotland",
            Nation::NorthernIreland => "Northern Ireland",
        }
    }
}
