//! The continuous anatomy: rigid vertebrae on the centreline, sacrum, ilia, discs, canal
//! contents, ligaments and soft tissue, classified at any LPS point.

use anatomy::VertebraLevel;
use glam::{DMat3, DVec3};
use segment::labels;

use crate::curve::{Centreline, CurveFrame, CurveShape};
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
/// Sacroiliac joint: the iliac and sacral cortices lie against each other (no soft gap).
const SACROILIAC_GAP_MM: f64 = 0.0;
/// How far the foraminal fat reaches beyond the canal's side.
const FORAMEN_MM: f64 = 8.0;
/// Muscle reaches this fraction of the torso width either side of the spine.
const MUSCLE_HALF_WIDTH_OF_TORSO: f64 = 0.33;
/// Width of the ilium's collar around the sacral ala at the joint.
const COLLAR_MM: f64 = 22.0;

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
    canal_half_width: f64,
    canal_half_depth: f64,
    canal_centre_v: f64,
    tip_v: f64,
    body_half_width: f64,
    body_half_depth: f64,
}

impl Profile {
    fn mix(&self, other: &Profile, f: f64) -> Profile {
        let m = |a: f64, b: f64| a + (b - a) * f;
        Profile {
            canal_half_width: m(self.canal_half_width, other.canal_half_width),
            canal_half_depth: m(self.canal_half_depth, other.canal_half_depth),
            canal_centre_v: m(self.canal_centre_v, other.canal_centre_v),
            tip_v: m(self.tip_v, other.tip_v),
            body_half_width: m(self.body_half_width, other.body_half_width),
            body_half_depth: m(self.body_half_depth, other.body_half_depth),
        }
    }
}

/// A vertebra placed rigidly on the centreline, with its derived landmarks (local mm).
#[derive(Debug, Clone)]
struct Vertebra {
    size: LevelMorphometry,
    code: u8,
    s_centre: f64,
    frame: CurveFrame,
    canal_centre_v: f64,
    canal_back_v: f64,
    tip_v: f64,
    lamina_low_w: f64,
    lamina_high_w: f64,
    bounds_lo: [f64; 3],
    bounds_hi: [f64; 3],
}

impl Vertebra {
    fn new(size: &LevelMorphometry, s_centre: f64, frame: CurveFrame) -> Self {
        let (d, h) = (size.body_depth_mm, size.body_height_mm);
        let canal_centre_v = d / 2.0 + size.canal_depth_mm / 2.0;
        let canal_back_v = d / 2.0 + size.canal_depth_mm;
        let tip_v = canal_back_v + 4.0 + size.spinous_length_mm;
        let lamina_low_w = -h / 2.0 + LAMINA_ABOVE_LOWER_ENDPLATE_MM;
        let lamina_high_w = h / 2.0 - LAMINA_BELOW_UPPER_ENDPLATE_MM;
        let reach = size.transverse_half_span_mm.max(size.body_width_mm / 2.0) + 4.0;
        Self {
            size: size.clone(),
            code: labels::vertebra_code(size.level),
            s_centre,
            frame,
            canal_centre_v,
            canal_back_v,
            tip_v,
            lamina_low_w,
            lamina_high_w,
            bounds_lo: [-reach, -d / 2.0 - 4.0, -h / 2.0 - 19.0],
            bounds_hi: [reach, tip_v + 4.0, h / 2.0 + 14.0],
        }
    }

    fn profile(&self) -> Profile {
        Profile {
            canal_half_width: self.size.canal_width_mm / 2.0,
            canal_half_depth: self.size.canal_depth_mm / 2.0,
            canal_centre_v: self.canal_centre_v,
            tip_v: self.tip_v,
            body_half_width: self.size.body_width_mm / 2.0,
            body_half_depth: self.size.body_depth_mm / 2.0,
        }
    }

    /// Bone distance in the local frame, before the canal is cut out.
    fn bone(&self, local: DVec3) -> f64 {
        let (u, v, w) = (local.x, local.y, local.z);
        for axis in 0..3 {
            if local[axis] < self.bounds_lo[axis] - 3.0 || local[axis] > self.bounds_hi[axis] + 3.0
            {
                return 3.0;
            }
        }
        let m = &self.size;
        let (half_w, half_d, h) = (
            m.body_width_mm / 2.0,
            m.body_depth_mm / 2.0,
            m.body_height_mm,
        );
        let au = u.abs();
        let half_canal = m.canal_width_mm / 2.0;
        let pedicle_u = half_canal + m.pedicle_width_mm / 2.0;
        let pedicle_w = 0.12 * h;
        let (vc, vb) = (self.canal_centre_v, self.canal_back_v);

        let body = extrude(ellipse(u, v, half_w, half_d), w, -h / 2.0, h / 2.0);
        let pedicle = extrude(
            ellipse(
                au - pedicle_u,
                w - pedicle_w,
                m.pedicle_width_mm / 2.0,
                m.pedicle_height_mm / 2.0,
            ),
            v,
            half_d - 6.0,
            vc + 2.0,
        );
        let ring = ellipse(
            u,
            v - vc,
            half_canal + m.pedicle_width_mm,
            m.canal_depth_mm / 2.0 + LAMINA_MM,
        )
        .max(vc - 1.0 - v);
        let arch = extrude(ring, w, self.lamina_low_w, self.lamina_high_w);
        let spinous = rounded_box(
            [u, v, w],
            [-SPINOUS_HALF_WIDTH_MM, vb + 2.0, -SPINOUS_BELOW_CENTRE * h],
            [SPINOUS_HALF_WIDTH_MM, self.tip_v, SPINOUS_ABOVE_CENTRE * h],
            2.5,
        );
        let transverse = rounded_box(
            [au, v, w],
            [pedicle_u, vc - 7.5, pedicle_w - 6.0],
            [m.transverse_half_span_mm, vc + 1.5, pedicle_w + 6.0],
            3.0,
        );
        let superior_facet = rounded_box(
            [au, v, w],
            [half_canal + 4.5, vc - 2.0, h / 2.0 - 11.0],
            [half_canal + 12.0, vb + 5.0, h / 2.0 + 10.5],
            2.0,
        );
        let inferior_facet = rounded_box(
            [au, v, w],
            [half_canal - 2.0, vb - 3.0, -h / 2.0 - 15.5],
            [half_canal + 3.5, vb + 8.0, -h / 2.0 + 3.0],
            2.0,
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
    length: f64,
    base_half_width: f64,
    base_half_depth: f64,
    base_centre_v: f64,
    /// L5's canal and facet landmarks, for the S1 superior articular processes.
    facet_half_canal: f64,
    facet_canal_centre_v: f64,
    facet_canal_back_v: f64,
}

impl Sacrum {
    fn section(&self, w: f64) -> (f64, f64, f64) {
        let t = (-w / self.length).clamp(0.0, 1.0);
        (
            self.base_half_width * (1.0 - 0.7 * t),
            self.base_half_depth * (1.0 - 0.6 * t),
            self.base_centre_v - 20.0 * t * t,
        )
    }

    fn bone(&self, local: DVec3) -> f64 {
        let (u, v, w) = (local.x, local.y, local.z);
        if w > 25.0 || w < -self.length - 5.0 || u.abs() > self.base_half_width + 5.0 {
            return 5.0;
        }
        let (a, b, centre) = self.section(w);
        let plate = extrude(ellipse(u, v - centre, a, b), w, -self.length, 0.0);
        let facet = rounded_box(
            [u.abs(), v, w],
            [
                self.facet_half_canal + 4.5,
                self.facet_canal_centre_v - 2.0,
                -8.0,
            ],
            [
                self.facet_half_canal + 12.0,
                self.facet_canal_back_v + 5.0,
                11.0,
            ],
            2.0,
        );
        plate.min(facet)
    }

    /// The iliac side of the sacroiliac joints: a collar of ilium hugging the ala from S1 to
    /// S3, so the wings join the sacrum along the joint, not at a point.
    fn iliac_collar(&self, local: DVec3) -> f64 {
        let (u, v, w) = (local.x, local.y, local.z);
        let (a, b, centre) = self.section(w);
        let profile = ellipse(u, v - centre, a + COLLAR_MM, 0.75 * b + 2.0)
            .max(-ellipse(u, v - centre, a, b))
            .max(v - centre - 0.6 * b)
            .max(centre - 0.6 * b - v);
        extrude(profile, w, -0.5 * self.length, -0.05 * self.length)
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
        rounded_box(local.to_array(), [-a, -b, -c], [a, b, c], 6.0)
    }
}

/// A lumbar spine phantom: the continuous model behind the synthetic CT.
pub struct Phantom {
    params: PhantomParams,
    line: Centreline,
    vertebrae: Vec<Vertebra>,
    sacrum: Sacrum,
    ilia: Vec<Ilium>,
    /// (s, profile) knots, increasing s.
    knots: Vec<(f64, Profile)>,
    /// Posterior surface of the torso under the fat: (z, y) increasing z.
    fascia: Vec<(f64, f64)>,
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
        let line = Centreline::new(&shape, DVec3::ZERO, -(sacrum_length + 80.0), top_s + 120.0);
        let vertebrae: Vec<Vertebra> = params
            .levels
            .iter()
            .zip(&centres)
            .map(|(size, &s_centre)| Vertebra::new(size, s_centre, line.frame(s_centre)))
            .collect();
        let l5 = &vertebrae[0];
        let s1_depth = l5.size.body_depth_mm;
        let base_half_depth = params.sacrum.base_depth_mm / 2.0;
        let sacrum = Sacrum {
            frame: line.frame(0.0),
            length: sacrum_length,
            base_half_width: params.sacrum.base_width_mm / 2.0,
            base_half_depth,
            base_centre_v: -s1_depth / 2.0 + base_half_depth,
            facet_half_canal: l5.size.canal_width_mm / 2.0,
            facet_canal_centre_v: l5.canal_centre_v,
            facet_canal_back_v: l5.canal_back_v,
        };
        let ilia = if params.sacrum.with_ilia {
            [1.0, -1.0].map(|side| ilium(&sacrum, side)).to_vec()
        } else {
            Vec::new()
        };

        let sacral = |t: f64| {
            let (_, b, centre) = sacrum.section(-t * sacrum_length);
            let half_depth = 8.0 - 5.0 * t;
            Profile {
                canal_half_width: 15.0 - 10.0 * t,
                canal_half_depth: half_depth,
                canal_centre_v: centre + b - 11.0 - half_depth,
                tip_v: centre + b + 2.0,
                body_half_width: 25.0,
                body_half_depth: s1_depth / 2.0,
            }
        };
        let mut knots = vec![
            (-sacrum_length, sacral(1.0)),
            (-15.0, sacral(15.0 / sacrum_length)),
        ];
        knots.extend(vertebrae.iter().map(|v| (v.s_centre, v.profile())));

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
        let index = self.knots.partition_point(|(k, _)| *k < s);
        if index == 0 {
            return self.knots[0].1;
        }
        if index >= self.knots.len() {
            return self.knots[self.knots.len() - 1].1;
        }
        let (s0, a) = &self.knots[index - 1];
        let (s1, b) = &self.knots[index];
        a.mix(b, (s - s0) / (s1 - s0).max(1e-9))
    }

    /// The posterior surface under the subcutaneous fat, as (z, y) pairs along the spine.
    fn fascia_line(&self) -> Vec<(f64, f64)> {
        let (s_lo, s_hi) = self.line.range();
        let ssl = self.params.habitus.supraspinous_mm;
        let mut line: Vec<(f64, f64)> = (0..)
            .map(|n| s_lo + f64::from(n))
            .take_while(|&s| s <= s_hi)
            .map(|s| {
                let point =
                    self.line
                        .frame(s)
                        .world(DVec3::new(0.0, self.profile(s).tip_v + ssl, 0.0));
                (point.z, point.y)
            })
            .collect();
        line.sort_by(|a, b| a.0.total_cmp(&b.0));
        line
    }

    /// y of the fascia (under the fat) at the back's midline at height z.
    fn fascia_y(&self, z: f64) -> f64 {
        let index = self.fascia.partition_point(|(fz, _)| *fz < z);
        match (index, self.fascia.len()) {
            (_, 0) => 0.0,
            (0, _) => self.fascia[0].1,
            (n, len) if n >= len => self.fascia[len - 1].1,
            (n, _) => {
                let ((z0, y0), (z1, y1)) = (self.fascia[n - 1], self.fascia[n]);
                y0 + (y1 - y0) * (z - z0) / (z1 - z0).max(1e-9)
            }
        }
    }

    /// Torso outline at height z: (centre y, half width, half depth), fat and skin included.
    pub(crate) fn torso(&self, z: f64) -> (f64, f64, f64) {
        let h = &self.params.habitus;
        let cover = h.subcutaneous_fat_mm + h.skin_mm;
        let half_width = h.torso_width_mm / 2.0 + cover;
        let half_depth = h.torso_depth_mm / 2.0 + cover;
        (
            self.fascia_y(z) + cover - half_depth,
            half_width,
            half_depth,
        )
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
        torso: (f64, f64, f64),
        s_guess: f64,
        min_shell_mm: f64,
    ) -> TissueSample {
        let (centre_y, half_width, half_depth) = torso;
        let outer = ellipse(p.x, p.y - centre_y, half_width, half_depth);
        if outer > 0.0 {
            return TissueSample {
                label: labels::AIR,
                soft_label: labels::AIR,
                bone_distance_mm: outer + 20.0,
            };
        }
        let (s, u, v) = self.line.project(p, s_guess);
        let profile = self.profile(s);
        let canal = ellipse(
            u,
            v - profile.canal_centre_v,
            profile.canal_half_width,
            profile.canal_half_depth,
        );
        let (bone_distance_mm, bone_code) = self.bone(p, s, canal);
        let soft_label = self.soft(p, s, u, v, &profile, canal, outer, min_shell_mm);
        TissueSample {
            label: if bone_distance_mm <= 0.0 {
                bone_code
            } else {
                soft_label
            },
            soft_label,
            bone_distance_mm,
        }
    }

    /// Nearest bone: (signed distance, label code). The canal is cut out of the spine.
    fn bone(&self, p: DVec3, s: f64, canal: f64) -> (f64, u8) {
        let mut best = (f64::INFINITY, labels::OTHER_BONE);
        for vertebra in &self.vertebrae {
            if (s - vertebra.s_centre).abs() > 75.0 {
                continue;
            }
            let d = vertebra.bone(vertebra.frame.local(p)).max(-canal);
            if d < best.0 {
                best = (d, vertebra.code);
            }
        }
        if s < 45.0 {
            let local = self.sacrum.frame.local(p);
            let d = self.sacrum.bone(local).max(-canal);
            if d < best.0 {
                best = (d, labels::vertebra_code(VertebraLevel::Sacrum));
            }
            if !self.ilia.is_empty() {
                let d = self.sacrum.iliac_collar(local);
                if d < best.0 {
                    best = (d, labels::OTHER_BONE);
                }
            }
            for ilium in &self.ilia {
                let d = ilium.bone(p);
                if d < best.0 {
                    best = (d, labels::OTHER_BONE);
                }
            }
        }
        best
    }

    #[allow(clippy::too_many_arguments)]
    fn soft(
        &self,
        p: DVec3,
        s: f64,
        u: f64,
        v: f64,
        profile: &Profile,
        canal: f64,
        outer: f64,
        min_shell_mm: f64,
    ) -> u8 {
        let h = &self.params.habitus;
        if outer > -h.skin_mm.max(min_shell_mm) {
            return labels::SKIN;
        }
        if outer > -(h.skin_mm + h.subcutaneous_fat_mm) {
            return labels::FAT;
        }
        if canal < 0.0 {
            return self.canal_contents(s, u, v, profile, min_shell_mm);
        }
        if self.in_disc(p, s) {
            return labels::DISC;
        }
        let canal_back = profile.canal_centre_v + profile.canal_half_depth;
        if s > -5.0 && s < self.top_s + 5.0 && v >= canal_back {
            if v < canal_back + h.flavum_mm && u.abs() < profile.canal_half_width + 1.0 {
                return labels::LIGAMENTUM_FLAVUM;
            }
            if v < profile.tip_v && u.abs() < SPINOUS_HALF_WIDTH_MM {
                return labels::INTERSPINOUS_LIGAMENT;
            }
            if v >= profile.tip_v
                && v < profile.tip_v + h.supraspinous_mm
                && u.abs() < SUPRASPINOUS_HALF_WIDTH_MM
            {
                return labels::SUPRASPINOUS_LIGAMENT;
            }
        }
        // Fat of the anterior epidural space, lateral recesses and foramina: behind the bodies,
        // in front of the canal's centre, beside it.
        if v > profile.body_half_depth - 3.0
            && v < profile.canal_centre_v
            && u.abs() < profile.canal_half_width + FORAMEN_MM
        {
            return labels::EPIDURAL_SPACE;
        }
        // Paraspinal, psoas and quadratus muscles lie behind the bodies and beside the spine;
        // far lateral points (whose projection on the curve means little) are viscera.
        if v > profile.body_half_depth - 5.0
            && u.abs() < MUSCLE_HALF_WIDTH_OF_TORSO * h.torso_width_mm
        {
            if v > profile.canal_centre_v + h.paraspinal_muscle_mm
                && u.abs() > SPINOUS_HALF_WIDTH_MM
            {
                return labels::FAT;
            }
            return labels::MUSCLE;
        }
        labels::SOFT_TISSUE
    }

    fn canal_contents(&self, s: f64, u: f64, v: f64, profile: &Profile, min_shell_mm: f64) -> u8 {
        if s < -SAC_END_BELOW_S1_MM {
            return labels::EPIDURAL_SPACE;
        }
        let h = &self.params.habitus;
        let canal_back = profile.canal_centre_v + profile.canal_half_depth;
        let sac_half_depth =
            ((2.0 * profile.canal_half_depth - h.epidural_depth_mm - ANTERIOR_EPIDURAL_MM) / 2.0)
                .max(2.0);
        let sac_half_width = (profile.canal_half_width - LATERAL_EPIDURAL_MM).max(3.0);
        let sac_centre = canal_back - h.epidural_depth_mm - sac_half_depth;
        let sac = ellipse(u, v - sac_centre, sac_half_width, sac_half_depth);
        if sac > 0.0 {
            return labels::EPIDURAL_SPACE;
        }
        if sac > -DURA_MM.max(min_shell_mm) {
            return labels::DURA;
        }
        // Roots settle in the dependent (posterior, supine) part of the sac.
        let roots = ellipse(
            u,
            v - (sac_centre + 0.1 * sac_half_depth),
            0.5 * sac_half_width,
            0.4 * sac_half_depth,
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
            if s > bottom + 6.0 || s < bottom - disc - 6.0 {
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
        let step = 0.25;
        // Bone-free along the spine's normal at the midline, from just behind the canal to
        // `depth_mm` behind it.
        let clear_to = |s: f64, depth_mm: f64| {
            let profile = self.profile(s);
            let frame = self.line.frame(s);
            let canal_back = profile.canal_centre_v + profile.canal_half_depth;
            let far = (canal_back + depth_mm).min(profile.tip_v);
            let mut v = canal_back + 0.5;
            while v < far {
                // No canal cut: only the arch itself can block the window.
                if self
                    .bone(frame.world(DVec3::new(0.0, v, 0.0)), s, f64::INFINITY)
                    .0
                    <= 0.0
                {
                    return false;
                }
                v += 0.5;
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
        let outside = self.profile(s_mid).tip_v + self.params.habitus.subcutaneous_fat_mm + 60.0;
        Some(MidlinePath {
            start_lps_mm: frame.world(DVec3::new(0.0, outside, 0.0)),
            direction: -frame.posterior.normalize(),
            window_mm,
            interlaminar_mm,
        })
    }

    /// LPS bounding box of the phantom's body region worth imaging: (min, max) corners.
    pub(crate) fn bounds(&self) -> (DVec3, DVec3) {
        let top = self.line.frame(self.top_s + 18.0).origin.z;
        let apex = self
            .sacrum
            .frame
            .world(DVec3::new(0.0, 0.0, -self.sacrum.length))
            .z;
        let ilium_low = self
            .ilia
            .iter()
            .map(|i| i.centre.z - ILIUM_HALF_MM[2])
            .fold(apex, f64::min);
        let bottom = ilium_low - 6.0;
        let (mut y_lo, mut y_hi, mut half_width) = (f64::INFINITY, f64::NEG_INFINITY, 0.0_f64);
        let mut z = bottom;
        while z <= top {
            let (centre, hw, hd) = self.torso(z);
            y_lo = y_lo.min(centre - hd);
            y_hi = y_hi.max(centre + hd);
            half_width = half_width.max(hw);
            z += 2.0;
        }
        (
            DVec3::new(-half_width - 6.0, y_lo - 6.0, bottom),
            DVec3::new(half_width + 6.0, y_hi + 6.0, top),
        )
    }
}

/// An iliac wing on `side` (+1 left, −1 right), its medial end at the sacral ala.
fn ilium(sacrum: &Sacrum, side: f64) -> Ilium {
    let w = -0.3 * sacrum.length;
    let (a, _, centre_v) = sacrum.section(w);
    let joint = sacrum.frame.world(DVec3::new(side * a, centre_v, w));
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
