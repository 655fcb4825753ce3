//! Vertebral levels of the lumbar spine and its neighbours, counted from the sacrum up.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One vertebral level. The order is caudal to cranial: the sacrum first, as levels are
/// counted from the sacrum up when a scan's top is cut off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VertebraLevel {
    /// Sacrum (S1–S5 fused, with the coccyx where it is imaged).
    Sacrum,
    /// Fifth lumbar vertebra.
    L5,
    /// Fourth lumbar vertebra.
    L4,
    /// Third lumbar vertebra.
    L3,
    /// Second lumbar vertebra.
    L2,
    /// First lumbar vertebra.
    L1,
    /// Twelfth thoracic vertebra.
    T12,
}

impl VertebraLevel {
    /// Every level, caudal to cranial.
    pub const ALL: [VertebraLevel; 7] = [
        VertebraLevel::Sacrum,
        VertebraLevel::L5,
        VertebraLevel::L4,
        VertebraLevel::L3,
        VertebraLevel::L2,
        VertebraLevel::L1,
        VertebraLevel::T12,
    ];

    /// The level `steps` above the sacrum (0 is the sacrum), if the model knows it.
    pub fn counted_from_sacrum(steps: usize) -> Option<VertebraLevel> {
        Self::ALL.get(steps).copied()
    }

    /// The next level up, if any.
    pub fn cranial(self) -> Option<VertebraLevel> {
        Self::counted_from_sacrum(self as usize + 1)
    }

    /// The next level down, if any.
    pub fn caudal(self) -> Option<VertebraLevel> {
        (self as usize).checked_sub(1).map(|i| Self::ALL[i])
    }

    /// The name clinicians write: "L3", "T12", "S".
    pub fn name(self) -> &'static str {
        match self {
            VertebraLevel::Sacrum => "S",
            VertebraLevel::L5 => "L5",
            VertebraLevel::L4 => "L4",
            VertebraLevel::L3 => "L3",
            VertebraLevel::L2 => "L2",
            VertebraLevel::L1 => "L1",
            VertebraLevel::T12 => "T12",
        }
    }
}

impl fmt::Display for VertebraLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A level name that is not one of T12, L1–L5 or S.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown vertebral level {0:?}: expected one of T12, L1, L2, L3, L4, L5, S")]
pub struct UnknownLevel(pub String);

impl FromStr for VertebraLevel {
    type Err = UnknownLevel;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_uppercase();
        let wanted = match wanted.as_str() {
            "SACRUM" | "S1" => "S",
            other => other,
        };
        Self::ALL
            .into_iter()
            .find(|level| level.name() == wanted)
            .ok_or_else(|| UnknownLevel(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_counted_from_the_sacrum_up() {
        assert_eq!(
            VertebraLevel::counted_from_sacrum(0),
            Some(VertebraLevel::Sacrum)
        );
        assert_eq!(
            VertebraLevel::counted_from_sacrum(3),
            Some(VertebraLevel::L3)
        );
        assert_eq!(VertebraLevel::counted_from_sacrum(7), None);
        assert_eq!(VertebraLevel::L4.cranial(), Some(VertebraLevel::L3));
        assert_eq!(VertebraLevel::L5.caudal(), Some(VertebraLevel::Sacrum));
        assert_eq!(VertebraLevel::Sacrum.caudal(), None);
        assert_eq!(VertebraLevel::T12.cranial(), None);
    }

    #[test]
    fn names_round_trip_and_bad_names_are_named_in_the_error() {
        for level in VertebraLevel::ALL {
            assert_eq!(level.name().parse::<VertebraLevel>(), Ok(level));
        }
        assert_eq!("l3".parse::<VertebraLevel>(), Ok(VertebraLevel::L3));
        assert_eq!("sacrum".parse::<VertebraLevel>(), Ok(VertebraLevel::Sacrum));
        let error = "L6".parse::<VertebraLevel>().unwrap_err();
        assert!(error.to_string().contains("\"L6\""), "{error}");
    }
}
