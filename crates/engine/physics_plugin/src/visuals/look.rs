//! What the needle's parts are and how they measure: the parts' components, their sizes, the
//! ISO 6009 hub colours, the depth marks, the bevel's side, the syringe's bore and the
//! transforms that put shaft and hub where the model says.

use bevy::prelude::*;
use needle::{ModelParams, NeedleKind, NeedleSpec, NeedleState};

/// The needle's shaft; its transform spans hub to tip in the twin frame.
#[derive(Component, Debug)]
pub struct NeedleShaft;

/// The hub and everything fixed to it; origin where the shaft leaves the hub, local −Z towards
/// the tip, local +Y the side the bevel faces.
#[derive(Component, Debug)]
pub struct NeedleHubFrame;

/// A hub body, drawn in its needle's ISO 6009 colour; only the needle in the hand shows.
#[derive(Component, Debug)]
pub struct NeedleHub {
    /// The needle this hub belongs to.
    pub needle: NeedleKind,
}

/// The fin on the hub on the side the bevel (or a pencil point's side hole) faces.
#[derive(Component, Debug)]
pub struct BevelMarker;

/// A depth mark on the shaft, `index` × the needle's mark spacing from the tip.
#[derive(Component, Debug)]
pub struct DepthMark {
    /// 1 for the mark nearest the tip.
    pub index: u32,
}

/// The stylet's cap on the hub, shown while the stylet is in.
#[derive(Component, Debug)]
pub struct StyletCap;

/// The loss-of-resistance syringe (barrel and nozzle), shown with the stylet out and a syringe on.
#[derive(Component, Debug)]
pub struct LorSyringe;

/// The syringe's plunger (stopper, rod and thumb pad); it slides with the model's plunger travel.
#[derive(Component, Debug)]
pub struct SyringePlunger;

/// The saline left in the barrel (air is not drawn).
#[derive(Component, Debug)]
pub struct SyringeSaline;

/// A drop of CSF welling at the open hub after a dural puncture.
#[derive(Component, Debug)]
pub struct CsfDrop;

/// Drawn thicker than a real 18G–25G shaft (0.5–1.3 mm) so it stays visible on a monitor.
pub(crate) const SHAFT_RADIUS_M: f32 = 0.0012;
/// Bands stand just proud of the drawn shaft so they are not hidden inside it.
pub(crate) const DEPTH_MARK_RADIUS_M: f32 = SHAFT_RADIUS_M * 1.15;
/// Wide enough to read at arm's length on a monitor (real printed bands are about 1 mm).
pub(crate) const DEPTH_MARK_WIDTH_M: f32 = 0.0015;
pub(crate) const HUB_RADIUS_M: f32 = 0.0055;
pub(crate) const HUB_LENGTH_M: f32 = 0.018;
pub(crate) const BEVEL_FIN_SIZE_M: Vec3 = Vec3::new(0.0018, 0.005, 0.012);
pub(crate) const STYLET_CAP_RADIUS_M: f32 = 0.0045;
pub(crate) const STYLET_CAP_LENGTH_M: f32 = 0.006;
pub(crate) const NOZZLE_RADIUS_M: f32 = 0.002;
pub(crate) const NOZZLE_LENGTH_M: f32 = 0.008;
pub(crate) const BARREL_WALL_M: f32 = 0.001;
/// Barrel beyond the fill, so a full syringe's plunger still sits inside it.
pub(crate) const BARREL_HEADROOM_M: f32 = 0.012;
pub(crate) const STOPPER_LENGTH_M: f32 = 0.004;
pub(crate) const PLUNGER_ROD_RADIUS_M: f32 = 0.002;
pub(crate) const THUMB_PAD_LENGTH_M: f32 = 0.002;
pub(crate) const CSF_DROP_RADIUS_M: f32 = 0.0018;
/// A drop swells and falls away in this time, then the next wells up.
pub(crate) const CSF_DROP_PERIOD_S: f64 = 1.5;

/// Nominal gauge of each needle.
pub fn gauge(needle: NeedleKind) -> u8 {
    match needle {
        NeedleKind::Tuohy18G => 18,
        NeedleKind::Quincke22G => 22,
        NeedleKind::Quincke25G | NeedleKind::Whitacre25G => 25,
    }
}

/// Hub colour of a needle by its gauge, after the colour code of ISO 6009:2016 ("Hypodermic
/// needles for single use — Colour coding for identification"): 18G pink, 22G black, 25G orange.
/// Gauges outside the code get a neutral grey.
pub fn iso6009_hub_colour(gauge: u8) -> Color {
    match gauge {
        18 => Color::srgb(0.95, 0.55, 0.68),
        22 => Color::srgb(0.05, 0.05, 0.06),
        25 => Color::srgb(0.96, 0.5, 0.08),
        _ => Color::srgb(0.6, 0.6, 0.6),
    }
}

/// Depth marks a needle carries: one every mark spacing from the tip, none without a spacing.
pub fn depth_mark_count(spec: &NeedleSpec) -> u32 {
    match spec.depth_mark_spacing_mm {
        Some(spacing_mm) if spacing_mm > 0.0 && spec.length_mm.is_finite() => {
            (spec.length_mm / spacing_mm).floor().max(0.0) as u32
        }
        _ => 0,
    }
}

/// The side the bevel faces for a needle pointing along `direction`, rolled `roll_deg` about the
/// shaft. At zero roll it faces the head (twin +Y, the usual cephalad bevel of an epidural);
/// positive roll turns it clockwise as seen looking down the shaft from the hub to the tip.
pub fn bevel_facing(direction: Vec3, roll_deg: f32) -> Option<Vec3> {
    let along = direction.try_normalize()?;
    let reference = [Vec3::Y, Vec3::X]
        .into_iter()
        .find_map(|axis| (axis - along * along.dot(axis)).try_normalize())?;
    let roll_rad = if roll_deg.is_finite() {
        roll_deg.to_radians()
    } else {
        0.0
    };
    Some(Quat::from_axis_angle(along, roll_rad) * reference)
}

/// The syringe is on the hub: the stylet is out and the model has a syringe.
pub fn syringe_shown(state: &NeedleState) -> bool {
    !state.stylet_in && state.plunger.fluid.is_some()
}

/// The syringe's bore, from the model's plunger area and fill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SyringeGeometry {
    pub(crate) bore_radius_m: f32,
    pub(crate) fill_length_m: f32,
}

impl SyringeGeometry {
    pub(crate) fn from_params(params: &ModelParams) -> Self {
        let area_mm2 = params.syringe.plunger_area_mm2.max(1.0);
        let fill_length_mm = params.syringe.fill_volume_ml.max(0.0) * 1000.0 / area_mm2;
        Self {
            bore_radius_m: ((area_mm2 / std::f64::consts::PI).sqrt() / 1000.0) as f32,
            fill_length_m: (fill_length_mm / 1000.0) as f32,
        }
    }

    /// Where the barrel's bore starts, along the hub frame's +Z.
    pub(crate) fn bore_start_m(&self) -> f32 {
        HUB_LENGTH_M + NOZZLE_LENGTH_M
    }

    pub(crate) fn barrel_length_m(&self) -> f32 {
        self.fill_length_m + BARREL_HEADROOM_M
    }

    /// The stopper's front face, along +Z, for a plunger `travel_mm` in from rest.
    pub(crate) fn stopper_front_m(&self, travel_mm: f32) -> f32 {
        let travel_m = if travel_mm.is_finite() {
            (travel_mm / 1000.0).clamp(0.0, self.fill_length_m)
        } else {
            0.0
        };
        self.bore_start_m() + self.fill_length_m - travel_m
    }
}

/// Sizes the per-frame update needs (the syringe's drawn bore).
#[derive(Resource, Debug, Clone)]
pub(crate) struct NeedleLook {
    pub(crate) syringe: SyringeGeometry,
}

/// The shaft's transform: a unit cylinder along Y stretched from hub to tip.
pub fn shaft_transform(hub_m: Vec3, tip_m: Vec3) -> Option<Transform> {
    let along = tip_m - hub_m;
    let length_m = along.length();
    if !length_m.is_finite() || length_m < 1e-6 {
        return None;
    }
    Some(Transform {
        translation: (hub_m + tip_m) / 2.0,
        rotation: Quat::from_rotation_arc(Vec3::Y, along / length_m),
        scale: Vec3::new(1.0, length_m, 1.0),
    })
}

/// The hub frame: at the hub, −Z down the shaft, +Y towards the bevel.
pub fn hub_frame_transform(hub_m: Vec3, tip_m: Vec3, roll_deg: f32) -> Option<Transform> {
    let along = (tip_m - hub_m).try_normalize()?;
    let facing = bevel_facing(along, roll_deg)?;
    Some(Transform::from_translation(hub_m).looking_to(along, facing))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(length_mm: f64, depth_mark_spacing_mm: Option<f64>) -> NeedleSpec {
        NeedleSpec {
            kind: NeedleKind::Tuohy18G,
            length_mm,
            outer_diameter_mm: 1.27,
            inner_diameter_mm: 0.84,
            tip: needle::TipShape::Tuohy,
            depth_mark_spacing_mm,
            cutting_factor: 1.0,
            puncture_factor: 1.0,
        }
    }

    #[test]
    fn marks_are_whole_spacings_along_the_length_and_bad_specs_give_none() {
        assert_eq!(depth_mark_count(&spec(80.0, Some(10.0))), 8);
        assert_eq!(depth_mark_count(&spec(89.0, Some(10.0))), 8);
        assert_eq!(depth_mark_count(&spec(150.0, Some(10.0))), 15);
        assert_eq!(depth_mark_count(&spec(90.0, None)), 0);
        assert_eq!(depth_mark_count(&spec(90.0, Some(0.0))), 0);
        assert_eq!(depth_mark_count(&spec(f64::NAN, Some(10.0))), 0);
    }

    #[test]
    fn the_bevel_faces_across_the_shaft_even_for_a_needle_along_the_body() {
        let along_spine = bevel_facing(Vec3::Y, 0.0).expect("a facing");
        assert!(along_spine.dot(Vec3::Y).abs() < 1e-6 && (along_spine.length() - 1.0).abs() < 1e-6);
        assert_eq!(bevel_facing(Vec3::ZERO, 0.0), None);
        assert_eq!(bevel_facing(Vec3::NAN, 0.0), None);
        assert_eq!(
            bevel_facing(Vec3::NEG_Z, f32::NAN),
            bevel_facing(Vec3::NEG_Z, 0.0)
        );
        let tilted = Vec3::new(0.0, 0.5, -1.0).normalize();
        let facing = bevel_facing(tilted, 0.0).expect("a facing");
        assert!(facing.dot(tilted).abs() < 1e-6 && facing.y > 0.8);
    }

    #[test]
    fn the_stopper_stays_inside_the_barrel_whatever_the_travel() {
        let params = ModelParams::bundled().expect("bundled parameters");
        let syringe = SyringeGeometry::from_params(&params);
        let rest_m = syringe.stopper_front_m(0.0);
        assert!((rest_m - syringe.bore_start_m() - syringe.fill_length_m).abs() < 1e-7);
        assert!((syringe.stopper_front_m(10.0) - (rest_m - 0.01)).abs() < 1e-6);
        assert!((syringe.stopper_front_m(1e6) - syringe.bore_start_m()).abs() < 1e-6);
        assert_eq!(syringe.stopper_front_m(-5.0), rest_m);
        assert_eq!(syringe.stopper_front_m(f32::NAN), rest_m);
        // 5 mL over 177 mm²: a 28 mm column and a 15 mm-diameter bore.
        assert!((syringe.fill_length_m * 1000.0 - 28.25).abs() < 0.05);
        assert!((syringe.bore_radius_m * 2000.0 - 15.01).abs() < 0.05);
    }
}
