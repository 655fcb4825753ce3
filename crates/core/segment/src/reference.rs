//! Reference label conventions (TotalSegmentator v1 and v2, VerSe) mapped to vertebral levels, and
//! per-level Dice agreement with a segmentation.

use std::fmt;
use std::str::FromStr;

use anatomy::VertebraLevel;

use crate::labels::level_of_code;

/// How a reference label volume numbers its vertebrae.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceConvention {
    /// TotalSegmentator v1 "total" task: 18 = L5 … 22 = L1, 23 = T12, 92 = sacrum.
    TotalSegmentatorV1,
    /// TotalSegmentator v2 "total" task: 25 = sacrum, 26 = S1 (counted as sacrum here), 27 = L5
    /// … 31 = L1, 32 = T12.
    TotalSegmentatorV2,
    /// VerSe: 1–7 C1–C7, 8–19 T1–T12, 20–25 L1–L6, 26 sacrum.
    Verse,
}

impl ReferenceConvention {
    /// The level a reference label value stands for (`None`: background, other structures and
    /// vertebrae outside T12–sacrum).
    pub fn level_of(self, value: u32) -> Option<VertebraLevel> {
        use VertebraLevel::*;
        match self {
            ReferenceConvention::TotalSegmentatorV1 => match value {
                18 => Some(L5),
                19 => Some(L4),
                20 => Some(L3),
                21 => Some(L2),
                22 => Some(L1),
                23 => Some(T12),
                92 => Some(Sacrum),
                _ => None,
            },
            ReferenceConvention::TotalSegmentatorV2 => match value {
                25 | 26 => Some(Sacrum),
                27 => Some(L5),
                28 => Some(L4),
                29 => Some(L3),
                30 => Some(L2),
                31 => Some(L1),
                32 => Some(T12),
                _ => None,
            },
            ReferenceConvention::Verse => match value {
                19 => Some(T12),
                20 => Some(L1),
                21 => Some(L2),
                22 => Some(L3),
                23 => Some(L4),
                24 => Some(L5),
                26 => Some(Sacrum),
                _ => None,
            },
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ReferenceConvention::TotalSegmentatorV1 => "totalseg-v1",
            ReferenceConvention::TotalSegmentatorV2 => "totalseg-v2",
            ReferenceConvention::Verse => "verse",
        }
    }
}

impl fmt::Display for ReferenceConvention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A reference-label convention name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown reference label convention {0:?}: expected totalseg-v1, totalseg-v2 or verse")]
pub struct UnknownConvention(pub String);

impl FromStr for ReferenceConvention {
    type Err = UnknownConvention;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "totalseg-v1" | "totalsegmentator-v1" => Ok(ReferenceConvention::TotalSegmentatorV1),
            "totalseg-v2" | "totalsegmentator-v2" => Ok(ReferenceConvention::TotalSegmentatorV2),
            "verse" => Ok(ReferenceConvention::Verse),
            _ => Err(UnknownConvention(text.to_owned())),
        }
    }
}

/// Agreement for one level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelDice {
    /// The level.
    pub level: VertebraLevel,
    /// 2 |A ∩ B| / (|A| + |B|); 0 when the level is in only one of the two.
    pub dice: f64,
    /// Voxels of this level in the segmentation.
    pub ours_voxels: usize,
    /// Voxels of this level in the reference.
    pub reference_voxels: usize,
}

/// Label volumes of different sizes cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "reference labels {reference_name}: {reference_len} voxels but the segmentation has {ours_len}; both must be on the CT's grid"
)]
pub struct GridMismatch {
    /// Where the reference came from.
    pub reference_name: String,
    /// Voxels in the reference.
    pub reference_len: usize,
    /// Voxels in the segmentation.
    pub ours_len: usize,
}

/// Dice per level for every level present in either volume, caudal to cranial. `ours` holds
/// this crate's label codes; `reference` the reference's values (rounded to integers) on the
/// same grid and index order.
pub fn dice_per_level(
    ours: &[u8],
    reference: &[f32],
    convention: ReferenceConvention,
    reference_name: &str,
) -> Result<Vec<LevelDice>, GridMismatch> {
    if ours.len() != reference.len() {
        return Err(GridMismatch {
            reference_name: reference_name.to_owned(),
            reference_len: reference.len(),
            ours_len: ours.len(),
        });
    }
    let count = VertebraLevel::ALL.len();
    let (mut both, mut mine, mut theirs) = (vec![0; count], vec![0; count], vec![0; count]);
    for (&code, &value) in ours.iter().zip(reference) {
        let a = level_of_code(code);
        let b = (value.is_finite() && value >= 0.0)
            .then(|| convention.level_of(value.round() as u32))
            .flatten();
        if let Some(a) = a {
            mine[a as usize] += 1;
        }
        if let Some(b) = b {
            theirs[b as usize] += 1;
            if a == Some(b) {
                both[b as usize] += 1;
            }
        }
    }
    Ok(VertebraLevel::ALL
        .into_iter()
        .filter(|&level| mine[level as usize] + theirs[level as usize] > 0)
        .map(|level| {
            let n = level as usize;
            LevelDice {
                level,
                dice: 2.0 * both[n] as f64 / (mine[n] + theirs[n]) as f64,
                ours_voxels: mine[n],
                reference_voxels: theirs[n],
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::vertebra_code;

    #[test]
    fn conventions_name_the_lumbar_levels() {
        let v1 = ReferenceConvention::TotalSegmentatorV1;
        assert_eq!(v1.level_of(18), Some(VertebraLevel::L5));
        assert_eq!(v1.level_of(22), Some(VertebraLevel::L1));
        assert_eq!(v1.level_of(92), Some(VertebraLevel::Sacrum));
        assert_eq!(v1.level_of(90), None, "hip is not a vertebra");
        let verse = ReferenceConvention::Verse;
        assert_eq!(verse.level_of(24), Some(VertebraLevel::L5));
        assert_eq!(verse.level_of(25), None, "L6 has no level");
        assert_eq!(verse.level_of(26), Some(VertebraLevel::Sacrum));
        let v2 = ReferenceConvention::TotalSegmentatorV2;
        assert_eq!(v2.level_of(27), Some(VertebraLevel::L5));
        assert_eq!(v2.level_of(31), Some(VertebraLevel::L1));
        assert_eq!(v2.level_of(32), Some(VertebraLevel::T12));
        assert_eq!(v2.level_of(25), Some(VertebraLevel::Sacrum));
        assert_eq!(
            v2.level_of(26),
            Some(VertebraLevel::Sacrum),
            "S1 is part of the sacrum"
        );
        assert_eq!(v2.level_of(18), None, "small bowel is not a vertebra");
        assert_eq!("totalseg-v1".parse(), Ok(v1));
        assert_eq!("TotalSeg-V2".parse(), Ok(v2));
        assert!("totalseg-v9".parse::<ReferenceConvention>().is_err());
    }

    #[test]
    fn dice_counts_overlap_per_level() {
        let l4 = vertebra_code(VertebraLevel::L4);
        let ours = [l4, l4, l4, 0, 0];
        let reference = [19.0, 19.0, 0.0, 19.0, 18.0];
        let dice = dice_per_level(
            &ours,
            &reference,
            ReferenceConvention::TotalSegmentatorV1,
            "r",
        )
        .unwrap();
        assert_eq!(dice.len(), 2);
        assert_eq!(dice[0].level, VertebraLevel::L5);
        assert_eq!(dice[0].dice, 0.0);
        assert_eq!(dice[1].level, VertebraLevel::L4);
        assert!((dice[1].dice - 2.0 * 2.0 / 6.0).abs() < 1e-12);
        let short = dice_per_level(&ours, &[0.0], ReferenceConvention::Verse, "short.nii");
        assert!(short.unwrap_err().to_string().contains("short.nii"));
    }
}
