//! The spine's centreline in LPS millimetres: lordosis, scoliosis and axial rotation as a
//! tabulated curve with a moving frame, and the projection of a point onto it.

use glam::{DMat3, DVec3};

use crate::params::{ConvexSide, PhantomParams};

/// Table step along the curve.
const STEP_MM: f64 = 0.5;

/// The moving frame at one arclength: origin on the curve, `left` (u), `posterior` (v) and
/// `tangent` (w, superior) axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurveFrame {
    /// Point on the centreline (LPS mm).
    pub origin: DVec3,
    /// Towards the patient's left, across the spine.
    pub left: DVec3,
    /// Towards posterior (the spinous processes).
    pub posterior: DVec3,
    /// Along the spine, towards superior.
    pub tangent: DVec3,
}

impl CurveFrame {
    /// Columns (left, posterior, tangent): local (u, v, w) → LPS direction.
    pub fn axes(&self) -> DMat3 {
        DMat3::from_cols(self.left, self.posterior, self.tangent)
    }

    /// A point's local (u, v, w) in this frame.
    pub fn local(&self, point: DVec3) -> DVec3 {
        let d = point - self.origin;
        DVec3::new(d.dot(self.left), d.dot(self.posterior), d.dot(self.tangent))
    }

    /// A local (u, v, w) back to LPS.
    pub fn world(&self, local: DVec3) -> DVec3 {
        self.origin + self.left * local.x + self.posterior * local.y + self.tangent * local.z
    }
}

/// A point projected onto the centreline: the arclength of the normal plane holding it and its
/// local (u, v) coordinates in that plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurveProjection {
    /// Arclength, mm.
    pub s_mm: f64,
    /// Towards the patient's left of the curve (u).
    pub left_mm: f64,
    /// Posterior of the curve (v).
    pub posterior_mm: f64,
}

/// Angles that shape the curve, as functions of arclength `s` (0 = centre of the S1 endplate).
pub(crate) struct CurveShape {
    pub sacral_slope_rad: f64,
    pub lordosis_rad: f64,
    /// Arclength of the L1 upper endplate: the lordosis is spread over 0..this.
    pub lordosis_span_mm: f64,
    pub scoliosis: Option<ScoliosisShape>,
}

pub(crate) struct ScoliosisShape {
    pub cobb_rad: f64,
    pub apex_s: f64,
    /// Arclength from the apex to the upper and lower end vertebrae's centres.
    pub up_mm: f64,
    pub down_mm: f64,
    pub rotation_rad: f64,
    /// +1 convex right, −1 convex left.
    pub side: f64,
}

impl ScoliosisShape {
    /// Normalised position: ±1 at the end vertebrae, ±2 where the curve is straight again.
    fn t(&self, s: f64) -> f64 {
        let t = if s >= self.apex_s {
            (s - self.apex_s) / self.up_mm
        } else {
            (s - self.apex_s) / self.down_mm
        };
        t.clamp(-2.0, 2.0)
    }

    /// Coronal tilt of the tangent (positive: leaning to the patient's left going up).
    fn coronal_rad(&self, s: f64) -> f64 {
        let t = self.t(s);
        let half = 0.5 * self.cobb_rad * self.side;
        if t.abs() <= 1.0 {
            half * (std::f64::consts::FRAC_PI_2 * t).sin()
        } else {
            half * t.signum() * (std::f64::consts::FRAC_PI_2 * (t.abs() - 1.0)).cos()
        }
    }

    /// Axial rotation: bodies turn to the convexity (spinous processes to the concavity).
    fn axial_rad(&self, s: f64) -> f64 {
        let t = self.t(s).abs();
        -self.side * self.rotation_rad * (std::f64::consts::FRAC_PI_4 * t).cos()
    }
}

impl CurveShape {
    pub fn from_params(params: &PhantomParams, level_centres_mm: &[f64], l1_top_mm: f64) -> Self {
        let scoliosis = params.scoliosis.as_ref().map(|curve| {
            let apex_index = params
                .levels
                .iter()
                .position(|l| l.level == curve.apex)
                .unwrap_or(0);
            let last = level_centres_mm.len().saturating_sub(1);
            let upper = (apex_index + 2).min(last);
            let lower = apex_index.saturating_sub(2);
            let apex_s = level_centres_mm.get(apex_index).copied().unwrap_or(0.0);
            let at = |index: usize| level_centres_mm.get(index).copied().unwrap_or(apex_s);
            ScoliosisShape {
                cobb_rad: curve.cobb_deg.to_radians(),
                apex_s,
                up_mm: (at(upper) - apex_s).max(20.0),
                down_mm: (apex_s - at(lower)).max(20.0),
                rotation_rad: curve.apical_rotation_deg.to_radians(),
                side: match curve.convex {
                    ConvexSide::Right => 1.0,
                    ConvexSide::Left => -1.0,
                },
            }
        });
        Self {
            sacral_slope_rad: params.sacral_slope_deg.to_radians(),
            lordosis_rad: params.lordosis_deg.to_radians(),
            lordosis_span_mm: l1_top_mm.max(1.0),
            scoliosis,
        }
    }

    /// Sagittal tilt of the tangent (positive: leaning anterior going up). Curvature is 1.4×
    /// the mean at S1 and 0.6× at L1, as the lower lumbar segments carry most of the lordosis.
    fn sagittal_rad(&self, s: f64) -> f64 {
        let t = (s / self.lordosis_span_mm).max(0.0);
        let fraction = if t <= 1.0 {
            t + 0.4 * t * (1.0 - t)
        } else {
            1.0 + 0.6 * (t - 1.0)
        };
        self.sacral_slope_rad - self.lordosis_rad * fraction
    }

    fn tangent(&self, s: f64) -> DVec3 {
        let s = s.max(0.0);
        let coronal = self.scoliosis.as_ref().map_or(0.0, |c| c.coronal_rad(s));
        DVec3::new(coronal.tan(), -self.sagittal_rad(s).tan(), 1.0).normalize()
    }

    fn axial(&self, s: f64) -> f64 {
        self.scoliosis
            .as_ref()
            .map_or(0.0, |c| c.axial_rad(s.max(0.0)))
    }
}

/// The centreline tabulated from `s_min` to `s_max`; straight below 0 (the sacrum is rigid).
pub(crate) struct Centreline {
    s_min: f64,
    frames: Vec<CurveFrame>,
}

impl Centreline {
    pub fn new(shape: &CurveShape, origin: DVec3, s_min: f64, s_max: f64) -> Self {
        let count = ((s_max - s_min) / STEP_MM).ceil().max(2.0) as usize + 1;
        let start = (-s_min / STEP_MM).round() as usize;
        let mut points = vec![origin; count];
        for n in start + 1..count {
            let s = s_min + (n as f64 - 0.5) * STEP_MM;
            points[n] = points[n - 1] + shape.tangent(s) * STEP_MM;
        }
        let below = shape.tangent(0.0);
        for n in (0..start).rev() {
            points[n] = points[n + 1] - below * STEP_MM;
        }
        let frames = points
            .iter()
            .enumerate()
            .map(|(n, &point)| {
                let s = s_min + n as f64 * STEP_MM;
                let tangent = shape.tangent(s);
                let flat_left = (DVec3::X - tangent * tangent.x).normalize();
                let angle = shape.axial(s);
                let left = flat_left * angle.cos() + tangent.cross(flat_left) * angle.sin();
                CurveFrame {
                    origin: point,
                    left,
                    posterior: tangent.cross(left),
                    tangent,
                }
            })
            .collect();
        Self { s_min, frames }
    }

    /// The frame at arclength `s` (linear between table entries, clamped at the ends).
    pub fn frame(&self, s: f64) -> CurveFrame {
        let last = self.frames.len() - 1;
        let x = ((s - self.s_min) / STEP_MM).clamp(0.0, last as f64);
        let n = (x.floor() as usize).min(last.saturating_sub(1));
        let f = x - n as f64;
        let (a, b) = (&self.frames[n], &self.frames[(n + 1).min(last)]);
        let mix = |p: DVec3, q: DVec3| p + (q - p) * f;
        CurveFrame {
            origin: mix(a.origin, b.origin),
            left: mix(a.left, b.left),
            posterior: mix(a.posterior, b.posterior),
            tangent: mix(a.tangent, b.tangent),
        }
    }

    /// Arclength where the centreline crosses height `z` (clamped to the table).
    pub fn s_at_height(&self, z: f64) -> f64 {
        let index = self.frames.partition_point(|frame| frame.origin.z < z);
        if index == 0 {
            return self.s_min;
        }
        if index >= self.frames.len() {
            return self.s_min + (self.frames.len() - 1) as f64 * STEP_MM;
        }
        let (a, b) = (self.frames[index - 1].origin.z, self.frames[index].origin.z);
        let f = if b > a { (z - a) / (b - a) } else { 0.0 };
        self.s_min + (index as f64 - 1.0 + f) * STEP_MM
    }

    /// Projects a point onto the curve: the arclength whose normal plane holds it, starting
    /// the search at `s_guess`, and the point's place in that plane.
    pub fn project(&self, point: DVec3, s_guess: f64) -> CurveProjection {
        let mut s = s_guess;
        let mut frame = self.frame(s);
        for _ in 0..4 {
            let d = point - frame.origin;
            let along = d.dot(frame.tangent);
            if along.abs() < 0.02 {
                break;
            }
            // Newton: the normal planes converge on the concave side by (1 − v·κ).
            let ahead = self.frame(s + STEP_MM);
            let bend = (ahead.tangent - frame.tangent) / STEP_MM;
            let slope = (1.0 - d.dot(bend)).max(0.2);
            s += along / slope;
            frame = self.frame(s);
        }
        let d = point - frame.origin;
        CurveProjection {
            s_mm: s,
            left_mm: d.dot(frame.left),
            posterior_mm: d.dot(frame.posterior),
        }
    }

    /// Highest and lowest arclength tabulated.
    pub fn range(&self) -> (f64, f64) {
        (
            self.s_min,
            self.s_min + (self.frames.len() - 1) as f64 * STEP_MM,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(params: &PhantomParams) -> CurveShape {
        CurveShape::from_params(params, &[25.0, 62.0, 100.0, 137.0, 172.0], 185.0)
    }

    #[test]
    fn lordosis_turns_the_tangent_by_the_lordosis_angle() {
        let params = PhantomParams::default();
        let shape = shape(&params);
        let bottom = shape.tangent(0.0);
        let top = shape.tangent(185.0);
        let turned = bottom.angle_between(top).to_degrees();
        assert!((turned - params.lordosis_deg).abs() < 0.01, "{turned}");
        // Going up from S1 the spine leans anterior (−y in LPS).
        assert!(bottom.y < -0.5 && bottom.z > 0.0, "{bottom}");
    }

    #[test]
    fn frames_are_orthonormal_and_projection_recovers_local_coordinates() {
        let params = PhantomParams::scoliosis();
        let line = Centreline::new(&shape(&params), DVec3::ZERO, -120.0, 240.0);
        for s in [-60.0, 10.0, 90.0, 150.0] {
            let frame = line.frame(s);
            let axes = frame.axes();
            assert!((axes.determinant() - 1.0).abs() < 1e-3, "{s}");
            assert!(frame.left.dot(frame.tangent).abs() < 1e-3);
            let point = frame.world(DVec3::new(12.0, 70.0, 0.0));
            let projection = line.project(point, s + 15.0);
            let (found, u, v) = (projection.s_mm, projection.left_mm, projection.posterior_mm);
            assert!((found - s).abs() < 0.1, "{s} → {found}");
            assert!((u - 12.0).abs() < 0.1 && (v - 70.0).abs() < 0.1, "{u} {v}");
        }
    }

    #[test]
    fn scoliosis_tilts_end_vertebrae_by_half_the_cobb_angle_each_way() {
        let params = PhantomParams::scoliosis();
        let shape = shape(&params);
        let Some(curve) = shape.scoliosis.as_ref() else {
            panic!("no curve")
        };
        let low = curve.coronal_rad(curve.apex_s - curve.down_mm).to_degrees();
        let high = curve.coronal_rad(curve.apex_s + curve.up_mm).to_degrees();
        assert!((high - low - 35.0).abs() < 1e-9, "{low} {high}");
        // Convex right: below the apex the spine runs to the right (−x) going up.
        assert!(low < 0.0);
        // At the apex the spinous process turns to the concave (left, +x) side.
        let line = Centreline::new(&shape, DVec3::ZERO, -50.0, 240.0);
        assert!(line.frame(curve.apex_s).posterior.x > 0.2);
    }
}
