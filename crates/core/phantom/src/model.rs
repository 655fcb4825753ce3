//! The continuous anatomy: rigid vertebrae on the centreline, sacrum, ilia, discs, canal
//! contents, ligaments and soft tissue, classified at any LPS point.

use anatomy::VertebraLevel;
use glam::{DMat3, DVec3};
use segment::labels;

use crate::curve::{Centreline, CurveFrame, CurveProjection, CurveShape};
use crate::error::PhantomError;
use crate::params::{LevelMorphometry, PhantomParams};
use crate::shapes::{ellipse, extrude, rounded_box};

/// Spinous process half-thickness (left–right); the interspinous ligament is as wide.
const SPINOUS_HALF_WIDTH_MM: f64 = 3.5;
/// Supraspinous ligament half-width.
const SUPRASPINOUS_HALF_WIDTH_MM: f64 = 5.0;
/// Lamina thickness behind the canal at the midline.
const LAMINA_MM: f64 = 7.0;
/// The lamina's lower edge above the body's lower endplate, and its upper edge below the upper
/// endplate: an 18 mm lamina at L3, the cranio-caudal projection of the ~22 mm laminar surface
/// height measured on CT (inclined laminae), which leaves the 12–14 mm interlaminar windows of
/// CT and cadaver morphometry (docs/phantom.md).
const LAMINA_ABOVE_LOWER_ENDPLATE_MM: f64 = 2.0;
const LAMINA_BELOW_UPPER_ENDPLATE_MM: f64 = 7.0;
/// The spinous process's lower and upper edges as fractions of the body height from its
/// centre: ~17 mm tall at L3, leaving the L3–L4 interspinous gap a midline needle passes.
const SPINOUS_BELOW_CENTRE: f64 = 0.55;
const SPINOUS_ABOVE_CENTRE: f64 = 0.08;
/// Dura with arachnoid.
const DURA_MM: f64 = 0.6;
/// Epidural space lateral and anterior to the sac.
const LATERAL_EPIDURAL_MM: f64 = 2.0;
const ANTERIOR_EPIDURAL_MM: f64 = 1.0;
/// The dural sac ends at S2, this far below the S1 endplate along the sacrum.
const SAC_END_BELOW_S1_MM: f64 = 35.0;
/// Iliac wing: half length (lateral), half thickness, half height; flare angle.
const ILIUM_HALF_MM: [f64; 3] = [45.0, 8.0, 50.0];
const ILIUM_FLARE_DEG: f64 = 25.0;
/// Rise of the wing per unit lateral run, and how far its centre sits below the joint.
const ILIUM_RISE: f64 = 0.45;
const ILIUM_DROP_MM: f64 = 12.0;
const ILIUM_ROUNDING_MM: f64 = 6.0;
/// The wing meets the sacral ala this fraction of the sacrum's length below S1.
const ILIUM_JOINT_OF_SACRUM_LENGTH: f64 = 0.3;
/// Sacroiliac joint: the iliac and sacral cortices lie against each other (no soft gap).
const SACROILIAC_GAP_MM: f64 = 0.0;
/// The spinous process's root lies this far behind the canal's back wall.
const SPINOUS_ROOT_BEHIND_CANAL_MM: f64 = 4.0;
/// Margin of a vertebra's bounding box around its processes (lateral, anterior, posterior).
const VERTEBRA_BOX_MARGIN_MM: f64 = 4.0;
/// The bounding box reaches this far below and above the body's endplates: the articular
/// processes stand out of the body's height.
const VERTEBRA_BOX_BELOW_MM: f64 = 19.0;
const VERTEBRA_BOX_ABOVE_MM: f64 = 14.0;
/// Beyond its bounding box grown by this much a vertebra is not evaluated and reports this
/// distance (the bone is at least that far).
const VERTEBRA_FAR_MM: f64 = 3.0;
/// Height of the pedicles' axis above the body's centre, as a fraction of the body height.
const PEDICLE_HEIGHT_OF_BODY: f64 = 0.12;
/// The pedicles run from this far inside the body's back to this far behind the canal's centre.
const PEDICLE_INTO_BODY_MM: f64 = 6.0;
const PEDICLE_BEHIND_CANAL_CENTRE_MM: f64 = 2.0;
/// The arch ring reaches this far in front of the canal's centre, where it meets the pedicles.
const ARCH_FRONT_OF_CANAL_CENTRE_MM: f64 = 1.0;
/// The spinous process starts this far behind the canal's back wall; its edges are rounded.
const SPINOUS_BEHIND_CANAL_MM: f64 = 2.0;
const SPINOUS_ROUNDING_MM: f64 = 2.5;
/// Transverse processes, from the pedicle out to their span: from this far in front of the
/// canal's centre to this far behind it, this far below and above the pedicle's axis.
const TRANSVERSE_FRONT_OF_CANAL_CENTRE_MM: f64 = 7.5;
const TRANSVERSE_BEHIND_CANAL_CENTRE_MM: f64 = 1.5;
const TRANSVERSE_HALF_HEIGHT_MM: f64 = 6.0;
const TRANSVERSE_ROUNDING_MM: f64 = 3.0;
/// Superior articular processes: lateral of the canal's side wall (from, to), from in front of
/// the canal's centre to behind its back wall, and from below to above the upper endplate, where
/// they meet the inferior processes of the vertebra above about 1 mm apart.
const SUPERIOR_FACET_LATERAL_MM: [f64; 2] = [4.5, 12.0];
const SUPERIOR_FACET_FRONT_OF_CANAL_CENTRE_MM: f64 = 2.0;
const SUPERIOR_FACET_BEHIND_CANAL_MM: f64 = 5.0;
const SUPERIOR_FACET_BELOW_ENDPLATE_MM: f64 = 11.0;
const SUPERIOR_FACET_ABOVE_ENDPLATE_MM: f64 = 10.5;
/// Inferior articular processes: from inside to outside the canal's side wall, from in front
/// of to behind the canal's back wall, and from below to above the lower endplate.
const INFERIOR_FACET_MEDIAL_MM: f64 = 2.0;
const INFERIOR_FACET_LATERAL_MM: f64 = 3.5;
const INFERIOR_FACET_FRONT_OF_CANAL_BACK_MM: f64 = 3.0;
const INFERIOR_FACET_BEHIND_CANAL_MM: f64 = 8.0;
const INFERIOR_FACET_BELOW_ENDPLATE_MM: f64 = 15.5;
const INFERIOR_FACET_ABOVE_ENDPLATE_MM: f64 = 3.0;
const FACET_ROUNDING_MM: f64 = 2.0;
/// The sacrum's superior articular processes (as the vertebrae's, lateral and posterior) reach
/// from below to above the S1 endplate.
const SACRAL_FACET_BELOW_S1_MM: f64 = 8.0;
const SACRAL_FACET_ABOVE_S1_MM: f64 = 11.0;
/// A point outside the body is at least this much further from bone than from the skin.
const AIR_BONE_DISTANCE_BEYOND_SKIN_MM: f64 = 20.0;
/// A vertebra is evaluated for points within this arclength of its centre, the sacrum and ilia
/// for points below this arclength (above S1).
const VERTEBRA_REACH_ALONG_CURVE_MM: f64 = 75.0;
const SACRUM_REACH_ABOVE_S1_MM: f64 = 45.0;
/// The midline ligaments run from this far below S1 to this far above the top vertebra.
const LIGAMENTS_BEYOND_SPINE_MM: f64 = 5.0;
/// The ligamentum flavum reaches this far beyond the canal's side walls.
const FLAVUM_BEYOND_CANAL_MM: f64 = 1.0;
/// The anterior epidural fat and the muscles begin this far in front of the bodies' back.
const EPIDURAL_FAT_IN_FRONT_OF_BODY_BACK_MM: f64 = 3.0;
const MUSCLE_IN_FRONT_OF_BODY_BACK_MM: f64 = 5.0;
/// The dural sac keeps at least these half sizes in a narrow canal.
const MIN_SAC_HALF_DEPTH_MM: f64 = 2.0;
const MIN_SAC_HALF_WIDTH_MM: f64 = 3.0;
/// The cauda equina: a core of these fractions of the sac's half width and depth, its centre
/// this fraction of the half depth behind the sac's (the roots settle dependently, supine).
const ROOTS_HALF_WIDTH_OF_SAC: f64 = 0.5;
const ROOTS_HALF_DEPTH_OF_SAC: f64 = 0.4;
const ROOTS_BEHIND_SAC_CENTRE_OF_DEPTH: f64 = 0.1;
/// Discs are looked for within this arclength of a body's lower endplate and of the disc's far
/// side.
const DISC_SEARCH_MARGIN_MM: f64 = 6.0;
/// The midline window is scanned every this much along the curve and probed every this much
/// behind the canal.
const WINDOW_SCAN_STEP_MM: f64 = 0.25;
const WINDOW_PROBE_STEP_MM: f64 = 0.5;
/// A midline path starts this far behind the fascia over the spinous tips.
const PATH_START_OUTSIDE_MM: f64 = 60.0;
/// The imaged volume reaches this far above the top vertebra's centreline, this far beyond the
/// torso and the lowest bone, and the torso is measured every this much of height.
const IMAGED_ABOVE_TOP_MM: f64 = 18.0;
const IMAGED_MARGIN_MM: f64 = 6.0;
const TORSO_SCAN_STEP_MM: f64 = 2.0;
/// How far the foraminal fat reaches beyond the canal's side.
const FORAMEN_MM: f64 = 8.0;
/// Muscle reaches this fraction of the torso width either side of the spine.
const MUSCLE_HALF_WIDTH_OF_TORSO: f64 = 0.33;
/// The sacral canal's half width and half depth at S1, and how much they shrink to the apex.
const SACRAL_CANAL_HALF_WIDTH_MM: f64 = 15.0;
const SACRAL_CANAL_HALF_WIDTH_TAPER_MM: f64 = 10.0;
const SACRAL_CANAL_HALF_DEPTH_MM: f64 = 8.0;
const SACRAL_CANAL_HALF_DEPTH_TAPER_MM: f64 = 5.0;
/// The sacral canal's back wall lies this far in front of the sacrum's back, and the median
/// crest (where the ligaments end) this far behind it.
const SACRAL_CANAL_IN_FRONT_OF_BACK_MM: f64 = 11.0;
const SACRAL_CREST_BEHIND_BACK_MM: f64 = 2.0;
/// Half width of the sacral body in the canal profile (behind which the muscles lie).
const SACRUM_BODY_HALF_WIDTH_MM: f64 = 25.0;
/// The sacral profile's upper knot, below S1; above it the profile blends into L5's.
const SACRAL_PROFILE_TOP_BELOW_S1_MM: f64 = 15.0;
/// The centreline runs this far below the sacrum's apex and above the top vertebra.
const CENTRELINE_BELOW_SACRUM_MM: f64 = 80.0;
const CENTRELINE_ABOVE_TOP_MM: f64 = 120.0;
/// Width of the ilium's collar around the sacral ala at the joint.
const COLLAR_MM: f64 = 22.0;
/// The collar's depth: this fraction of the sacrum's half depth plus this much, and it spans
/// this fraction of the half depth either side of the section's centre.
const COLLAR_DEPTH_OF_SACRUM: f64 = 0.75;
const COLLAR_DEPTH_EXTRA_MM: f64 = 2.0;
const COLLAR_SPAN_OF_SACRUM_DEPTH: f64 = 0.6;
/// The collar runs from this fraction of the sacrum's length below S1 up to this one (S3 to S1).
const COLLAR_BOTTOM_OF_SACRUM_LENGTH: f64 = 0.5;
const COLLAR_TOP_OF_SACRUM_LENGTH: f64 = 0.05;
/// At its apex the sacrum keeps this much less of its base width and depth, and its section's
/// centre has curled this far forward (quadratically down its length).
const SACRUM_WIDTH_TAPER: f64 = 0.7;
const SACRUM_DEPTH_TAPER: f64 = 0.6;
const SACRUM_CURL_MM: f64 = 20.0;
/// The sacrum is evaluated up to this far above the S1 endplate (its facets) and this much
/// beyond its length and width; further away it reports this distance.
const SACRUM_BOX_ABOVE_S1_MM: f64 = 25.0;
const SACRUM_FAR_MM: f64 = 5.0;

/// One tissue sample of the continuous model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TissueSample {
    /// The label code at the point (`segment::labels`).
    pub label: u8,
    /// What the point would be without bone (for partial volume at bone surfaces).
    pub soft_label: u8,
    /// Signed distance to the nearest bone surface (negative inside), mm; large far away.
    pub bone_distance_mm: f64,
}

/// Canal and ligament sizes along the curve, interpolated between levels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Profile {
    canal_half_width_mm: f64,
    canal_half_depth_mm: f64,
    canal_centre_posterior_mm: f64,
    spinous_tip_posterior_mm: f64,
    body_half_width_mm: f64,
    body_half_depth_mm: f64,
}

impl Profile {
    fn mix(&self, other: &Profile, f: f64) -> Profile {
        let m = |a: f64, b: f64| a + (b - a) * f;
        Profile {
            canal_half_width_mm: m(self.canal_half_width_mm, other.canal_half_width_mm),
            canal_half_depth_mm: m(self.canal_half_depth_mm, other.canal_half_depth_mm),
            canal_centre_posterior_mm: m(
                self.canal_centre_posterior_mm,
                other.canal_centre_posterior_mm,
            ),
            spinous_tip_posterior_mm: m(
                self.spinous_tip_posterior_mm,
                other.spinous_tip_posterior_mm,
            ),
            body_half_width_mm: m(self.body_half_width_mm, other.body_half_width_mm),
            body_half_depth_mm: m(self.body_half_depth_mm, other.body_half_depth_mm),
        }
    }
}

/// The profile at one arclength of the centreline.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ProfileKnot {
    s_mm: f64,
    profile: Profile,
}

/// A point of the fascia line at the back's midline (LPS mm).
#[derive(Debug, Clone, Copy, PartialEq)]
struct FasciaPoint {
    z_mm: f64,
    y_mm: f64,
}

/// The torso's elliptical outline at one height (LPS mm), fat and skin included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TorsoOutline {
    /// y of the ellipse's centre.
    pub centre_y_mm: f64,
    /// Half its width (x).
    pub half_width_mm: f64,
    /// Half its depth (y).
    pub half_depth_mm: f64,
}

/// The LPS box worth imaging (mm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ImagedBox {
    /// Right, anterior, inferior corner.
    pub min_lps_mm: DVec3,
    /// Left, posterior, superior corner.
    pub max_lps_mm: DVec3,
}

/// The nearest bone to a point: signed distance (negative inside) and its label code.
#[derive(Debug, Clone, Copy, PartialEq)]
struct NearestBone {
    distance_mm: f64,
    code: u8,
}

/// A vertebra placed rigidly on the centreline, with its derived landmarks (local mm).
#[derive(Debug, Clone)]
struct Vertebra {
    size: LevelMorphometry,
    code: u8,
    s_centre: f64,
    frame: CurveFrame,
    canal_centre_posterior_mm: f64,
    canal_back_posterior_mm: f64,
    spinous_tip_posterior_mm: f64,
    lamina_bottom_mm: f64,
    lamina_top_mm: f64,
    bounds_lo: [f64; 3],
    bounds_hi: [f64; 3],
}

impl Vertebra {
    fn new(size: &LevelMorphometry, s_centre: f64, frame: CurveFrame) -> Self {
        let (d, h) = (size.body_depth_mm, size.body_height_mm);
        let canal_centre_posterior_mm = d / 2.0 + size.canal_depth_mm / 2.0;
        let canal_back_posterior_mm = d / 2.0 + size.canal_depth_mm;
        let spinous_tip_posterior_mm =
            canal_back_posterior_mm + SPINOUS_ROOT_BEHIND_CANAL_MM + size.spinous_length_mm;
        let lamina_bottom_mm = -h / 2.0 + LAMINA_ABOVE_LOWER_ENDPLATE_MM;
        let lamina_top_mm = h / 2.0 - LAMINA_BELOW_UPPER_ENDPLATE_MM;
        let reach =
            size.transverse_half_span_mm.max(size.body_width_mm / 2.0) + VERTEBRA_BOX_MARGIN_MM;
        Self {
            size: size.clone(),
            code: labels::vertebra_code(size.level),
            s_centre,
            frame,
            canal_centre_posterior_mm,
            canal_back_posterior_mm,
            spinous_tip_posterior_mm,
            lamina_bottom_mm,
            lamina_top_mm,
            bounds_lo: [
                -reach,
                -d / 2.0 - VERTEBRA_BOX_MARGIN_MM,
                -h / 2.0 - VERTEBRA_BOX_BELOW_MM,
            ],
            bounds_hi: [
                reach,
                spinous_tip_posterior_mm + VERTEBRA_BOX_MARGIN_MM,
                h / 2.0 + VERTEBRA_BOX_ABOVE_MM,
            ],
        }
    }

    fn profile(&self) -> Profile {
        Profile {
            canal_half_width_mm: self.size.canal_width_mm / 2.0,
            canal_half_depth_mm: self.size.canal_depth_mm / 2.0,
            canal_centre_posterior_mm: self.canal_centre_posterior_mm,
            spinous_tip_posterior_mm: self.spinous_tip_posterior_mm,
            body_half_width_mm: self.size.body_width_mm / 2.0,
            body_half_depth_mm: self.size.body_depth_mm / 2.0,
        }
    }

    /// Bone distance at a point of the vertebra's frame (left, posterior, superior mm from the
    /// body's centre), before the canal is cut out.
    fn bone(&self, local: DVec3) -> f64 {
        let (left_mm, posterior_mm, superior_mm) = (local.x, local.y, local.z);
        for axis in 0..3 {
            if local[axis] < self.bounds_lo[axis] - VERTEBRA_FAR_MM
                || local[axis] > self.bounds_hi[axis] + VERTEBRA_FAR_MM
            {
                return VERTEBRA_FAR_MM;
            }
        }
        let m = &self.size;
        let (half_w, half_d, h) = (
            m.body_width_mm / 2.0,
            m.body_depth_mm / 2.0,
            m.body_height_mm,
        );
        // Left and right processes are mirror images: they are built on the distance from the
        // midline.
        let lateral_mm = left_mm.abs();
        let half_canal = m.canal_width_mm / 2.0;
        let pedicle_lateral_mm = half_canal + m.pedicle_width_mm / 2.0;
        let pedicle_superior_mm = PEDICLE_HEIGHT_OF_BODY * h;
        let canal_centre = self.canal_centre_posterior_mm;
        let canal_back = self.canal_back_posterior_mm;

        let body = extrude(
            ellipse(left_mm, posterior_mm, half_w, half_d),
            superior_mm,
            -h / 2.0,
            h / 2.0,
        );
        let pedicle = extrude(
            ellipse(
                lateral_mm - pedicle_lateral_mm,
                superior_mm - pedicle_superior_mm,
                m.pedicle_width_mm / 2.0,
                m.pedicle_height_mm / 2.0,
            ),
            posterior_mm,
            half_d - PEDICLE_INTO_BODY_MM,
            canal_centre + PEDICLE_BEHIND_CANAL_CENTRE_MM,
        );
        let ring = ellipse(
            left_mm,
            posterior_mm - canal_centre,
            half_canal + m.pedicle_width_mm,
            m.canal_depth_mm / 2.0 + LAMINA_MM,
        )
        .max(canal_centre - ARCH_FRONT_OF_CANAL_CENTRE_MM - posterior_mm);
        let arch = extrude(ring, superior_mm, self.lamina_bottom_mm, self.lamina_top_mm);
        let spinous = rounded_box(
            [left_mm, posterior_mm, superior_mm],
            [
                -SPINOUS_HALF_WIDTH_MM,
                canal_back + SPINOUS_BEHIND_CANAL_MM,
                -SPINOUS_BELOW_CENTRE * h,
            ],
            [
                SPINOUS_HALF_WIDTH_MM,
                self.spinous_tip_posterior_mm,
                SPINOUS_ABOVE_CENTRE * h,
            ],
            SPINOUS_ROUNDING_MM,
        );
        let transverse = rounded_box(
            [lateral_mm, posterior_mm, superior_mm],
            [
                pedicle_lateral_mm,
                canal_centre - TRANSVERSE_FRONT_OF_CANAL_CENTRE_MM,
                pedicle_superior_mm - TRANSVERSE_HALF_HEIGHT_MM,
            ],
            [
                m.transverse_half_span_mm,
                canal_centre + TRANSVERSE_BEHIND_CANAL_CENTRE_MM,
                pedicle_superior_mm + TRANSVERSE_HALF_HEIGHT_MM,
            ],
            TRANSVERSE_ROUNDING_MM,
        );
        let superior_facet = rounded_box(
            [lateral_mm, posterior_mm, superior_mm],
            [
                half_canal + SUPERIOR_FACET_LATERAL_MM[0],
                canal_centre - SUPERIOR_FACET_FRONT_OF_CANAL_CENTRE_MM,
                h / 2.0 - SUPERIOR_FACET_BELOW_ENDPLATE_MM,
            ],
            [
                half_canal + SUPERIOR_FACET_LATERAL_MM[1],
                canal_back + SUPERIOR_FACET_BEHIND_CANAL_MM,
                h / 2.0 + SUPERIOR_FACET_ABOVE_ENDPLATE_MM,
            ],
            FACET_ROUNDING_MM,
        );
        let inferior_facet = rounded_box(
            [lateral_mm, posterior_mm, superior_mm],
            [
                half_canal - INFERIOR_FACET_MEDIAL_MM,
                canal_back - INFERIOR_FACET_FRONT_OF_CANAL_BACK_MM,
                -h / 2.0 - INFERIOR_FACET_BELOW_ENDPLATE_MM,
            ],
            [
                half_canal + INFERIOR_FACET_LATERAL_MM,
                canal_back + INFERIOR_FACET_BEHIND_CANAL_MM,
                -h / 2.0 + INFERIOR_FACET_ABOVE_ENDPLATE_MM,
            ],
            FACET_ROUNDING_MM,
        );
        body.min(pedicle)
            .min(arch)
            .min(spinous)
            .min(transverse)
            .min(superior_facet)
            .min(inferior_facet)
    }
}

/// The sacrum as a tapering, anteriorly curving wedge in the centreline's frame at S1.
#[derive(Debug, Clone)]
struct Sacrum {
    frame: CurveFrame,
    length_mm: f64,
    base_half_width_mm: f64,
    base_half_depth_mm: f64,
    base_centre_posterior_mm: f64,
    /// L5's canal and facet landmarks, for the S1 superior articular processes.
    facet_half_canal_mm: f64,
    facet_canal_centre_posterior_mm: f64,
    facet_canal_back_posterior_mm: f64,
}

/// The sacrum's cross-section at one height: an ellipse in the S1 frame.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SacralSection {
    half_width_mm: f64,
    half_depth_mm: f64,
    /// The ellipse's centre, posterior of the S1 frame's origin.
    centre_posterior_mm: f64,
}

impl Sacrum {
    /// The section at `superior_mm` (0 at the S1 endplate, negative down the sacrum): towards
    /// the apex it narrows to 30 % of the base's width and 40 % of its depth and curls 20 mm
    /// forward.
    fn section(&self, superior_mm: f64) -> SacralSection {
        let t = (-superior_mm / self.length_mm).clamp(0.0, 1.0);
        SacralSection {
            half_width_mm: self.base_half_width_mm * (1.0 - SACRUM_WIDTH_TAPER * t),
            half_depth_mm: self.base_half_depth_mm * (1.0 - SACRUM_DEPTH_TAPER * t),
            centre_posterior_mm: self.base_centre_posterior_mm - SACRUM_CURL_MM * t * t,
        }
    }

    /// Bone distance at a point of the S1 frame (left, posterior, superior mm).
    fn bone(&self, local: DVec3) -> f64 {
        let (left_mm, posterior_mm, superior_mm) = (local.x, local.y, local.z);
        if superior_mm > SACRUM_BOX_ABOVE_S1_MM
            || superior_mm < -self.length_mm - SACRUM_FAR_MM
            || left_mm.abs() > self.base_half_width_mm + SACRUM_FAR_MM
        {
            return SACRUM_FAR_MM;
        }
        let section = self.section(superior_mm);
        let plate = extrude(
            ellipse(
                left_mm,
                posterior_mm - section.centre_posterior_mm,
                section.half_width_mm,
                section.half_depth_mm,
            ),
            superior_mm,
            -self.length_mm,
            0.0,
        );
        let facet = rounded_box(
            [left_mm.abs(), posterior_mm, superior_mm],
            [
                self.facet_half_canal_mm + SUPERIOR_FACET_LATERAL_MM[0],
                self.facet_canal_centre_posterior_mm - SUPERIOR_FACET_FRONT_OF_CANAL_CENTRE_MM,
                -SACRAL_FACET_BELOW_S1_MM,
            ],
            [
                self.facet_half_canal_mm + SUPERIOR_FACET_LATERAL_MM[1],
                self.facet_canal_back_posterior_mm + SUPERIOR_FACET_BEHIND_CANAL_MM,
                SACRAL_FACET_ABOVE_S1_MM,
            ],
            FACET_ROUNDING_MM,
        );
        plate.min(facet)
    }

    /// The iliac side of the sacroiliac joints: a collar of ilium hugging the ala from S1 to
    /// S3, so the wings join the sacrum along the joint, not at a point.
    fn iliac_collar(&self, local: DVec3) -> f64 {
        let (left_mm, posterior_mm, superior_mm) = (local.x, local.y, local.z);
        let section = self.section(superior_mm);
        let (a, b) = (section.half_width_mm, section.half_depth_mm);
        let posterior_from_centre_mm = posterior_mm - section.centre_posterior_mm;
        let profile = ellipse(
            left_mm,
            posterior_from_centre_mm,
            a + COLLAR_MM,
            COLLAR_DEPTH_OF_SACRUM * b + COLLAR_DEPTH_EXTRA_MM,
        )
        .max(-ellipse(left_mm, posterior_from_centre_mm, a, b))
        .max(posterior_mm - section.centre_posterior_mm - COLLAR_SPAN_OF_SACRUM_DEPTH * b)
        .max(section.centre_posterior_mm - COLLAR_SPAN_OF_SACRUM_DEPTH * b - posterior_mm);
        extrude(
            profile,
            superior_mm,
            -COLLAR_BOTTOM_OF_SACRUM_LENGTH * self.length_mm,
            -COLLAR_TOP_OF_SACRUM_LENGTH * self.length_mm,
        )
    }
}

/// One iliac wing: a rounded slab beside the sacrum.
#[derive(Debug, Clone)]
struct Ilium {
    centre: DVec3,
    axes: DMat3,
}

impl Ilium {
    fn bone(&self, point: DVec3) -> f64 {
        let local = self.axes.transpose() * (point - self.centre);
        let [a, b, c] = ILIUM_HALF_MM;
        rounded_box(local.to_array(), [-a, -b, -c], [a, b, c], ILIUM_ROUNDING_MM)
    }
}

/// A lumbar spine phantom: the continuous model behind the synthetic CT.
pub struct Phantom {
    params: PhantomParams,
    line: Centreline,
    vertebrae: Vec<Vertebra>,
    sacrum: Sacrum,
    ilia: Vec<Ilium>,
    /// Canal and ligament profiles along the curve, increasing arclength.
    knots: Vec<ProfileKnot>,
    /// Posterior surface of the torso under the fat at the midline, increasing height.
    fascia: Vec<FasciaPoint>,
    /// Arclength of the top of the highest vertebra.
    top_s: f64,
}

/// A straight needle path from outside the skin, perpendicular to the spine, through an
/// interspace at the midline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MidlinePath {
    /// Start, outside the body (LPS mm).
    pub start_lps_mm: DVec3,
    /// Unit direction (anterior along the spine's normal).
    pub direction: DVec3,
    /// Cranio-caudal width of the bone-free window the path goes through, at the midline
    /// (from the flavum to the spinous-process tips: what a perpendicular needle passes).
    pub window_mm: f64,
    /// Cranio-caudal height of the interlaminar window at the midline: the gap between the
    /// laminae alone (from the canal's back wall through the lamina's thickness).
    pub interlaminar_mm: f64,
}

/// Where a vertebra sits: its rigid frame (origin at the body centre; columns left,
/// posterior, superior in LPS).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VertebraPlacement {
    /// The level.
    pub level: VertebraLevel,
    /// Body centre (LPS mm).
    pub origin_lps_mm: DVec3,
    /// Local axes in LPS: left, posterior, superior.
    pub axes: DMat3,
}

impl Phantom {
    /// Builds the model; fails on invalid parameters.
    pub fn new(params: &PhantomParams) -> Result<Self, PhantomError> {
        params.validate()?;
        let mut centres = Vec::with_capacity(params.levels.len());
        let mut s = 0.0;
        for level in &params.levels {
            s += level.disc_below_height_mm;
            centres.push(s + level.body_height_mm / 2.0);
            s += level.body_height_mm;
        }
        let top_s = s;
        let l1_top = params
            .levels
            .iter()
            .zip(&centres)
            .find(|(l, _)| l.level == VertebraLevel::L1)
            .map_or(top_s, |(l, c)| c + l.body_height_mm / 2.0);
        let shape = CurveShape::from_params(params, &centres, l1_top);
        let sacrum_length = params.sacrum.length_mm;
        let line = Centreline::new(
            &shape,
            DVec3::ZERO,
            -(sacrum_length + CENTRELINE_BELOW_SACRUM_MM),
            top_s + CENTRELINE_ABOVE_TOP_MM,
        );
        let vertebrae: Vec<Vertebra> = params
            .levels
            .iter()
            .zip(&centres)
            .map(|(size, &s_centre)| Vertebra::new(size, s_centre, line.frame(s_centre)))
            .collect();
        let l5 = &vertebrae[0];
        let s1_depth = l5.size.body_depth_mm;
        let base_half_depth_mm = params.sacrum.base_depth_mm / 2.0;
        let sacrum = Sacrum {
            frame: line.frame(0.0),
            length_mm: sacrum_length,
            base_half_width_mm: params.sacrum.base_width_mm / 2.0,
            base_half_depth_mm,
            base_centre_posterior_mm: -s1_depth / 2.0 + base_half_depth_mm,
            facet_half_canal_mm: l5.size.canal_width_mm / 2.0,
            facet_canal_centre_posterior_mm: l5.canal_centre_posterior_mm,
            facet_canal_back_posterior_mm: l5.canal_back_posterior_mm,
        };
        let ilia = if params.sacrum.with_ilia {
            [1.0, -1.0].map(|side| ilium(&sacrum, side)).to_vec()
        } else {
            Vec::new()
        };

        // `t` runs from 0 at S1 to 1 at the apex.
        let sacral = |t: f64| {
            let section = sacrum.section(-t * sacrum_length);
            let (b, centre) = (section.half_depth_mm, section.centre_posterior_mm);
            let half_depth = SACRAL_CANAL_HALF_DEPTH_MM - SACRAL_CANAL_HALF_DEPTH_TAPER_MM * t;
            Profile {
                canal_half_width_mm: SACRAL_CANAL_HALF_WIDTH_MM
                    - SACRAL_CANAL_HALF_WIDTH_TAPER_MM * t,
                canal_half_depth_mm: half_depth,
                canal_centre_posterior_mm: centre + b
                    - SACRAL_CANAL_IN_FRONT_OF_BACK_MM
                    - half_depth,
                spinous_tip_posterior_mm: centre + b + SACRAL_CREST_BEHIND_BACK_MM,
                body_half_width_mm: SACRUM_BODY_HALF_WIDTH_MM,
                body_half_depth_mm: s1_depth / 2.0,
            }
        };
        let mut knots = vec![
            ProfileKnot {
                s_mm: -sacrum_length,
                profile: sacral(1.0),
            },
            ProfileKnot {
                s_mm: -SACRAL_PROFILE_TOP_BELOW_S1_MM,
                profile: sacral(SACRAL_PROFILE_TOP_BELOW_S1_MM / sacrum_length),
            },
        ];
        knots.extend(vertebrae.iter().map(|v| ProfileKnot {
            s_mm: v.s_centre,
            profile: v.profile(),
        }));

        let mut phantom = Self {
            params: params.clone(),
            line,
            vertebrae,
            sacrum,
            ilia,
            knots,
            fascia: Vec::new(),
            top_s,
        };
        phantom.fascia = phantom.fascia_line();
        Ok(phantom)
    }

    /// The parameters it was built from.
    pub fn params(&self) -> &PhantomParams {
        &self.params
    }

    /// Rigid placement of each vertebra above the sacrum, caudal to cranial.
    pub fn vertebrae(&self) -> Vec<VertebraPlacement> {
        self.vertebrae
            .iter()
            .map(|v| VertebraPlacement {
                level: v.size.level,
                origin_lps_mm: v.frame.origin,
                axes: v.frame.axes(),
            })
            .collect()
    }

    /// Rigid placement of the sacrum: origin at the centre of the S1 upper endplate.
    pub fn sacrum_placement(&self) -> VertebraPlacement {
        VertebraPlacement {
            level: VertebraLevel::Sacrum,
            origin_lps_mm: self.sacrum.frame.origin,
            axes: self.sacrum.frame.axes(),
        }
    }

    fn profile(&self, s: f64) -> Profile {
        let index = self.knots.partition_point(|knot| knot.s_mm < s);
        if index == 0 {
            return self.knots[0].profile;
        }
        if index >= self.knots.len() {
            return self.knots[self.knots.len() - 1].profile;
        }
        let (below, above) = (&self.knots[index - 1], &self.knots[index]);
        below.profile.mix(
            &above.profile,
            (s - below.s_mm) / (above.s_mm - below.s_mm).max(1e-9),
        )
    }

    /// The posterior surface under the subcutaneous fat along the spine, every millimetre of
    /// arclength, sorted by height.
    fn fascia_line(&self) -> Vec<FasciaPoint> {
        let (s_lo, s_hi) = self.line.range();
        let ssl = self.params.habitus.supraspinous_mm;
        let mut line: Vec<FasciaPoint> = (0..)
            .map(|n| s_lo + f64::from(n))
            .take_while(|&s| s <= s_hi)
            .map(|s| {
                let behind_tips_mm = self.profile(s).spinous_tip_posterior_mm + ssl;
                let point = self
                    .line
                    .frame(s)
                    .world(DVec3::new(0.0, behind_tips_mm, 0.0));
                FasciaPoint {
                    z_mm: point.z,
                    y_mm: point.y,
                }
            })
            .collect();
        line.sort_by(|a, b| a.z_mm.total_cmp(&b.z_mm));
        line
    }

    /// y of the fascia (under the fat) at the back's midline at height z.
    fn fascia_y(&self, z: f64) -> f64 {
        let index = self.fascia.partition_point(|point| point.z_mm < z);
        match (index, self.fascia.len()) {
            (_, 0) => 0.0,
            (0, _) => self.fascia[0].y_mm,
            (n, len) if n >= len => self.fascia[len - 1].y_mm,
            (n, _) => {
                let (below, above) = (self.fascia[n - 1], self.fascia[n]);
                below.y_mm
                    + (above.y_mm - below.y_mm) * (z - below.z_mm)
                        / (above.z_mm - below.z_mm).max(1e-9)
            }
        }
    }

    /// Torso outline at height z.
    pub(crate) fn torso(&self, z: f64) -> TorsoOutline {
        let h = &self.params.habitus;
        let cover = h.subcutaneous_fat_mm + h.skin_mm;
        let half_width = h.torso_width_mm / 2.0 + cover;
        let half_depth = h.torso_depth_mm / 2.0 + cover;
        TorsoOutline {
            centre_y_mm: self.fascia_y(z) + cover - half_depth,
            half_width_mm: half_width,
            half_depth_mm: half_depth,
        }
    }

    /// Arclength where the centreline crosses height z: a good start for projections.
    pub(crate) fn s_guess(&self, z: f64) -> f64 {
        self.line.s_at_height(z)
    }

    /// The label at an LPS point (exact anatomy, thin layers at their true thickness).
    pub fn label_at(&self, point_lps_mm: DVec3) -> u8 {
        let torso = self.torso(point_lps_mm.z);
        self.sample(point_lps_mm, torso, self.s_guess(point_lps_mm.z), 0.0)
            .label
    }

    /// Classifies a point. `torso` is [`Self::torso`] at its height, `s_guess` a start for the
    /// projection, `min_shell_mm` the least thickness of dura and skin (a voxel, when
    /// rasterising, so thin shells stay closed).
    pub(crate) fn sample(
        &self,
        p: DVec3,
        torso: TorsoOutline,
        s_guess: f64,
        min_shell_mm: f64,
    ) -> TissueSample {
        let outer = ellipse(
            p.x,
            p.y - torso.centre_y_mm,
            torso.half_width_mm,
            torso.half_depth_mm,
        );
        if outer > 0.0 {
            return TissueSample {
                label: labels::AIR,
                soft_label: labels::AIR,
                bone_distance_mm: outer + AIR_BONE_DISTANCE_BEYOND_SKIN_MM,
            };
        }
        let on_curve = self.line.project(p, s_guess);
        let profile = self.profile(on_curve.s_mm);
        let canal = ellipse(
            on_curve.left_mm,
            on_curve.posterior_mm - profile.canal_centre_posterior_mm,
            profile.canal_half_width_mm,
            profile.canal_half_depth_mm,
        );
        let bone = self.bone(p, on_curve.s_mm, canal);
        let soft_label = self.soft(p, &on_curve, &profile, canal, outer, min_shell_mm);
        TissueSample {
            label: if bone.distance_mm <= 0.0 {
                bone.code
            } else {
                soft_label
            },
            soft_label,
            bone_distance_mm: bone.distance_mm,
        }
    }

    /// The nearest bone. The canal is cut out of the spine.
    fn bone(&self, p: DVec3, s: f64, canal: f64) -> NearestBone {
        let mut best = NearestBone {
            distance_mm: f64::INFINITY,
            code: labels::OTHER_BONE,
        };
        let mut consider = |distance_mm: f64, code: u8| {
            if distance_mm < best.distance_mm {
                best = NearestBone { distance_mm, code };
            }
        };
        for vertebra in &self.vertebrae {
            if (s - vertebra.s_centre).abs() > VERTEBRA_REACH_ALONG_CURVE_MM {
                continue;
            }
            consider(
                vertebra.bone(vertebra.frame.local(p)).max(-canal),
                vertebra.code,
            );
        }
        if s < SACRUM_REACH_ABOVE_S1_MM {
            let local = self.sacrum.frame.local(p);
            consider(
                self.sacrum.bone(local).max(-canal),
                labels::vertebra_code(VertebraLevel::Sacrum),
            );
            if !self.ilia.is_empty() {
                consider(self.sacrum.iliac_collar(local), labels::OTHER_BONE);
            }
            for ilium in &self.ilia {
                consider(ilium.bone(p), labels::OTHER_BONE);
            }
        }
        best
    }

    fn soft(
        &self,
        p: DVec3,
        on_curve: &CurveProjection,
        profile: &Profile,
        canal: f64,
        outer: f64,
        min_shell_mm: f64,
    ) -> u8 {
        let (s, left_mm, posterior_mm) = (on_curve.s_mm, on_curve.left_mm, on_curve.posterior_mm);
        let lateral_mm = left_mm.abs();
        let h = &self.params.habitus;
        if outer > -h.skin_mm.max(min_shell_mm) {
            return labels::SKIN;
        }
        if outer > -(h.skin_mm + h.subcutaneous_fat_mm) {
            return labels::FAT;
        }
        if canal < 0.0 {
            return self.canal_contents(s, left_mm, posterior_mm, profile, min_shell_mm);
        }
        if self.in_disc(p, s) {
            return labels::DISC;
        }
        let canal_back = profile.canal_centre_posterior_mm + profile.canal_half_depth_mm;
        if s > -LIGAMENTS_BEYOND_SPINE_MM
            && s < self.top_s + LIGAMENTS_BEYOND_SPINE_MM
            && posterior_mm >= canal_back
        {
            if posterior_mm < canal_back + h.flavum_mm
                && lateral_mm < profile.canal_half_width_mm + FLAVUM_BEYOND_CANAL_MM
            {
                return labels::LIGAMENTUM_FLAVUM;
            }
            if posterior_mm < profile.spinous_tip_posterior_mm && lateral_mm < SPINOUS_HALF_WIDTH_MM
            {
                return labels::INTERSPINOUS_LIGAMENT;
            }
            if posterior_mm >= profile.spinous_tip_posterior_mm
                && posterior_mm < profile.spinous_tip_posterior_mm + h.supraspinous_mm
                && lateral_mm < SUPRASPINOUS_HALF_WIDTH_MM
            {
                return labels::SUPRASPINOUS_LIGAMENT;
            }
        }
        // Fat of the anterior epidural space, lateral recesses and foramina: behind the bodies,
        // in front of the canal's centre, beside it.
        if posterior_mm > profile.body_half_depth_mm - EPIDURAL_FAT_IN_FRONT_OF_BODY_BACK_MM
            && posterior_mm < profile.canal_centre_posterior_mm
            && lateral_mm < profile.canal_half_width_mm + FORAMEN_MM
        {
            return labels::EPIDURAL_SPACE;
        }
        // Paraspinal, psoas and quadratus muscles lie behind the bodies and beside the spine;
        // far lateral points (whose projection on the curve means little) are viscera.
        if posterior_mm > profile.body_half_depth_mm - MUSCLE_IN_FRONT_OF_BODY_BACK_MM
            && lateral_mm < MUSCLE_HALF_WIDTH_OF_TORSO * h.torso_width_mm
        {
            if posterior_mm > profile.canal_centre_posterior_mm + h.paraspinal_muscle_mm
                && lateral_mm > SPINOUS_HALF_WIDTH_MM
            {
                return labels::FAT;
            }
            return labels::MUSCLE;
        }
        labels::SOFT_TISSUE
    }

    fn canal_contents(
        &self,
        s: f64,
        left_mm: f64,
        posterior_mm: f64,
        profile: &Profile,
        min_shell_mm: f64,
    ) -> u8 {
        if s < -SAC_END_BELOW_S1_MM {
            return labels::EPIDURAL_SPACE;
        }
        let h = &self.params.habitus;
        let canal_back = profile.canal_centre_posterior_mm + profile.canal_half_depth_mm;
        let sac_half_depth =
            ((2.0 * profile.canal_half_depth_mm - h.epidural_depth_mm - ANTERIOR_EPIDURAL_MM)
                / 2.0)
                .max(MIN_SAC_HALF_DEPTH_MM);
        let sac_half_width =
            (profile.canal_half_width_mm - LATERAL_EPIDURAL_MM).max(MIN_SAC_HALF_WIDTH_MM);
        let sac_centre = canal_back - h.epidural_depth_mm - sac_half_depth;
        let sac = ellipse(
            left_mm,
            posterior_mm - sac_centre,
            sac_half_width,
            sac_half_depth,
        );
        if sac > 0.0 {
            return labels::EPIDURAL_SPACE;
        }
        if sac > -DURA_MM.max(min_shell_mm) {
            return labels::DURA;
        }
        // Roots settle in the dependent (posterior, supine) part of the sac.
        let roots = ellipse(
            left_mm,
            posterior_mm - (sac_centre + ROOTS_BEHIND_SAC_CENTRE_OF_DEPTH * sac_half_depth),
            ROOTS_HALF_WIDTH_OF_SAC * sac_half_width,
            ROOTS_HALF_DEPTH_OF_SAC * sac_half_depth,
        );
        if roots < 0.0 {
            labels::CAUDA_EQUINA
        } else {
            labels::CSF
        }
    }

    /// Between two neighbouring vertebral bodies (or L5 and the sacrum), inside their outline.
    fn in_disc(&self, p: DVec3, s: f64) -> bool {
        for (index, above) in self.vertebrae.iter().enumerate() {
            let bottom = above.s_centre - above.size.body_height_mm / 2.0;
            let disc = above.size.disc_below_height_mm;
            if s > bottom + DISC_SEARCH_MARGIN_MM || s < bottom - disc - DISC_SEARCH_MARGIN_MM {
                continue;
            }
            let local_above = above.frame.local(p);
            if local_above.z > -above.size.body_height_mm / 2.0 {
                continue;
            }
            let (below_top, below_half) = match index.checked_sub(1).map(|i| &self.vertebrae[i]) {
                Some(below) => (
                    below.frame.local(p).z - below.size.body_height_mm / 2.0,
                    (
                        below.size.body_width_mm / 2.0,
                        below.size.body_depth_mm / 2.0,
                    ),
                ),
                None => (
                    self.sacrum.frame.local(p).z,
                    (
                        above.size.body_width_mm / 2.0,
                        above.size.body_depth_mm / 2.0,
                    ),
                ),
            };
            if below_top < 0.0 {
                continue;
            }
            let middle = self.line.frame(bottom - disc / 2.0).local(p);
            let half_width = 0.5 * (above.size.body_width_mm / 2.0 + below_half.0);
            let half_depth = 0.5 * (above.size.body_depth_mm / 2.0 + below_half.1);
            if ellipse(middle.x, middle.y, half_width, half_depth) < 0.0 {
                return true;
            }
        }
        false
    }

    /// The midline needle path through the interspace below `upper` (e.g. L3 for L3–L4):
    /// perpendicular to the spine, through the middle of the bone-free window between the
    /// laminae and spinous processes. `None` when `upper` is not in the phantom or no window
    /// is open.
    pub fn midline_path(&self, upper: VertebraLevel) -> Option<MidlinePath> {
        let index = self.vertebrae.iter().position(|v| v.size.level == upper)?;
        let above = &self.vertebrae[index];
        let s_low = index
            .checked_sub(1)
            .map_or(0.0, |i| self.vertebrae[i].s_centre);
        let step = WINDOW_SCAN_STEP_MM;
        // Bone-free along the spine's normal at the midline, from just behind the canal to
        // `depth_mm` behind it.
        let clear_to = |s: f64, depth_mm: f64| {
            let profile = self.profile(s);
            let frame = self.line.frame(s);
            let canal_back = profile.canal_centre_posterior_mm + profile.canal_half_depth_mm;
            let far = (canal_back + depth_mm).min(profile.spinous_tip_posterior_mm);
            let mut posterior_mm = canal_back + WINDOW_PROBE_STEP_MM;
            while posterior_mm < far {
                // No canal cut: only the arch itself can block the window.
                let probe = frame.world(DVec3::new(0.0, posterior_mm, 0.0));
                if self.bone(probe, s, f64::INFINITY).distance_mm <= 0.0 {
                    return false;
                }
                posterior_mm += WINDOW_PROBE_STEP_MM;
            }
            true
        };
        let widest_run = |depth_mm: f64| {
            let mut best: Option<(f64, f64)> = None;
            let mut run_start: Option<f64> = None;
            let mut s = s_low;
            while s <= above.s_centre + step {
                let free = s < above.s_centre && clear_to(s, depth_mm);
                match (free, run_start) {
                    (true, None) => run_start = Some(s),
                    (false, Some(start)) => {
                        let width = s - start;
                        if best.is_none_or(|(_, w)| width > w) {
                            best = Some((start + width / 2.0, width));
                        }
                        run_start = None;
                    }
                    _ => {}
                }
                s += step;
            }
            best
        };
        let best = widest_run(f64::INFINITY);
        let interlaminar_mm = widest_run(LAMINA_MM).map_or(0.0, |(_, width)| width);
        let (s_mid, window_mm) = best?;
        let frame = self.line.frame(s_mid);
        let outside = self.profile(s_mid).spinous_tip_posterior_mm
            + self.params.habitus.subcutaneous_fat_mm
            + PATH_START_OUTSIDE_MM;
        Some(MidlinePath {
            start_lps_mm: frame.world(DVec3::new(0.0, outside, 0.0)),
            direction: -frame.posterior.normalize(),
            window_mm,
            interlaminar_mm,
        })
    }

    /// LPS bounding box of the phantom's body region worth imaging.
    pub(crate) fn bounds(&self) -> ImagedBox {
        let top = self.line.frame(self.top_s + IMAGED_ABOVE_TOP_MM).origin.z;
        let apex = self
            .sacrum
            .frame
            .world(DVec3::new(0.0, 0.0, -self.sacrum.length_mm))
            .z;
        let ilium_low = self
            .ilia
            .iter()
            .map(|i| i.centre.z - ILIUM_HALF_MM[2])
            .fold(apex, f64::min);
        let bottom = ilium_low - IMAGED_MARGIN_MM;
        let (mut y_lo, mut y_hi, mut half_width) = (f64::INFINITY, f64::NEG_INFINITY, 0.0_f64);
        let mut z = bottom;
        while z <= top {
            let torso = self.torso(z);
            y_lo = y_lo.min(torso.centre_y_mm - torso.half_depth_mm);
            y_hi = y_hi.max(torso.centre_y_mm + torso.half_depth_mm);
            half_width = half_width.max(torso.half_width_mm);
            z += TORSO_SCAN_STEP_MM;
        }
        ImagedBox {
            min_lps_mm: DVec3::new(
                -half_width - IMAGED_MARGIN_MM,
                y_lo - IMAGED_MARGIN_MM,
                bottom,
            ),
            max_lps_mm: DVec3::new(half_width + IMAGED_MARGIN_MM, y_hi + IMAGED_MARGIN_MM, top),
        }
    }
}

/// An iliac wing on `side` (+1 left, −1 right), its medial end at the sacral ala.
fn ilium(sacrum: &Sacrum, side: f64) -> Ilium {
    let superior_mm = -ILIUM_JOINT_OF_SACRUM_LENGTH * sacrum.length_mm;
    let section = sacrum.section(superior_mm);
    let joint = sacrum.frame.world(DVec3::new(
        side * section.half_width_mm,
        section.centre_posterior_mm,
        superior_mm,
    ));
    let flare = ILIUM_FLARE_DEG.to_radians();
    // The wing flares anteriorly and rises laterally: its crest is highest far from the spine.
    let lateral = DVec3::new(side * flare.cos(), -flare.sin(), ILIUM_RISE).normalize();
    let up = (DVec3::Z - lateral * lateral.z).normalize();
    let across = up.cross(lateral);
    Ilium {
        centre: joint + lateral * (ILIUM_HALF_MM[0] + SACROILIAC_GAP_MM) - up * ILIUM_DROP_MM,
        axes: DMat3::from_cols(lateral, across, up),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landmarks_have_the_expected_labels() {
        let phantom = Phantom::new(&PhantomParams::default()).unwrap();
        let l3 = phantom
            .vertebrae()
            .into_iter()
            .find(|v| v.level == VertebraLevel::L3)
            .unwrap();
        let at = |local: DVec3| phantom.label_at(l3.origin_lps_mm + l3.axes * local);
        let l3_code = labels::vertebra_code(VertebraLevel::L3);
        assert_eq!(at(DVec3::ZERO), l3_code, "body centre");
        // L3 canal: 16.5 mm deep behind a 34 mm body; the sac sits 5 mm in front of its back.
        assert_eq!(
            at(DVec3::new(0.0, 19.5, 0.0)),
            labels::CSF,
            "front of the sac"
        );
        assert_eq!(
            at(DVec3::new(0.0, 24.0, 0.0)),
            labels::CAUDA_EQUINA,
            "roots"
        );
        assert_eq!(at(DVec3::new(0.0, 31.0, 0.0)), labels::EPIDURAL_SPACE);
        assert_eq!(phantom.label_at(DVec3::new(0.0, -900.0, 0.0)), labels::AIR);
        // Far lateral, anterior: viscera.
        assert_eq!(at(DVec3::new(60.0, -60.0, 0.0)), labels::SOFT_TISSUE);
        let disc =
            phantom.label_at(l3.origin_lps_mm + l3.axes * DVec3::new(0.0, 0.0, -13.5 - 10.5 / 2.0));
        assert_eq!(disc, labels::DISC);
    }
}
