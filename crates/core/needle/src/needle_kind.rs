//! The needles the trainer offers: kind, length, gauge, tip shape.

use serde::{Deserialize, Serialize};

/// Which needle is in the hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NeedleKind {
    /// 18G Tuohy epidural needle (blunt curved tip, 1 cm depth marks).
    Tuohy18G,
    /// 22G Quincke spinal needle (cutting bevel).
    Quincke22G,
    /// 25G Quincke spinal needle (cutting bevel).
    Quincke25G,
    /// 25G Whitacre spinal needle (pencil point, side hole).
    Whitacre25G,
}

impl NeedleKind {
    /// Every kind.
    pub const ALL: [NeedleKind; 4] = [
        NeedleKind::Tuohy18G,
        NeedleKind::Quincke22G,
        NeedleKind::Quincke25G,
        NeedleKind::Whitacre25G,
    ];

    /// An epidural needle: reaching CSF with it is an accidental dural puncture (wet tap).
    pub fn is_epidural(self) -> bool {
        matches!(self, NeedleKind::Tuohy18G)
    }
}

/// Tip geometry: changes the cutting force and how the dura gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TipShape {
    /// Blunt, curved (Huber) tip of an epidural needle.
    Tuohy,
    /// Sharp cutting bevel.
    QuinckeBevel,
    /// Pencil point with a side hole (Whitacre, Sprotte).
    PencilPoint,
}

/// One needle's geometry and tip behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedleSpec {
    /// Which needle.
    pub kind: NeedleKind,
    /// Shaft length from hub to tip.
    pub length_mm: f64,
    /// Outer diameter (gauge).
    pub outer_diameter_mm: f64,
    /// Lumen diameter (sets flashback and injection flow).
    pub inner_diameter_mm: f64,
    /// Tip shape.
    pub tip: TipShape,
    /// Spacing of the depth marks on the shaft, if it has any.
    pub depth_mark_spacing_mm: Option<f64>,
    /// Cutting force relative to the reference needle of the same diameter.
    pub cutting_factor: f64,
    /// Membrane puncture force relative to the reference needle of the same diameter.
    pub puncture_factor: f64,
}
