//! Signed-distance-like primitives (negative inside, millimetres) the anatomy is built from.

/// Approximate signed distance to an axis-aligned ellipse with semi-axes `a`, `b` (first-order:
/// the implicit value divided by its gradient length; exact on the axes).
pub(crate) fn ellipse(x: f64, y: f64, a: f64, b: f64) -> f64 {
    let (nx, ny) = (x / a, y / b);
    let radius = (nx * nx + ny * ny).sqrt();
    if radius < 1e-9 {
        return -a.min(b);
    }
    let gradient = ((nx / a).powi(2) + (ny / b).powi(2)).sqrt() / radius;
    (radius - 1.0) / gradient.max(1e-9)
}

/// A 2-D profile extruded along a third axis between `lo` and `hi` (exact for exact profiles).
pub(crate) fn extrude(profile: f64, along: f64, lo: f64, hi: f64) -> f64 {
    let centre = 0.5 * (lo + hi);
    let half = 0.5 * (hi - lo);
    let across = (along - centre).abs() - half;
    let outside = (profile.max(0.0).powi(2) + across.max(0.0).powi(2)).sqrt();
    outside + profile.max(across).min(0.0)
}

/// Exact signed distance to a box given by its corners, with edges rounded by `radius`.
pub(crate) fn rounded_box(p: [f64; 3], lo: [f64; 3], hi: [f64; 3], radius: f64) -> f64 {
    let mut outside = 0.0;
    let mut inside = f64::NEG_INFINITY;
    for axis in 0..3 {
        let centre = 0.5 * (lo[axis] + hi[axis]);
        let half = (0.5 * (hi[axis] - lo[axis]) - radius).max(0.0);
        let q = (p[axis] - centre).abs() - half;
        outside += q.max(0.0).powi(2);
        inside = inside.max(q);
    }
    outside.sqrt() + inside.min(0.0) - radius
}

/// Length of the overlap of `[a0, a1]` with `[b0, b1]`.
pub(crate) fn overlap(a0: f64, a1: f64, b0: f64, b1: f64) -> f64 {
    (a1.min(b1) - a0.max(b0)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ellipse_distance_is_exact_on_the_axes() {
        assert!((ellipse(25.0, 0.0, 20.0, 10.0) - 5.0).abs() < 1e-9);
        assert!((ellipse(0.0, 8.0, 20.0, 10.0) + 2.0).abs() < 1e-9);
        assert!(ellipse(0.0, 0.0, 20.0, 10.0) < 0.0);
        assert!(ellipse(14.0, 7.0, 20.0, 10.0) < 0.0);
        assert!(ellipse(15.0, 8.0, 20.0, 10.0) > 0.0);
    }

    #[test]
    fn extrusion_and_box_measure_corners_euclidean() {
        assert!((extrude(3.0, 14.0, -10.0, 10.0) - 5.0).abs() < 1e-9);
        assert!((extrude(-2.0, 0.0, -10.0, 10.0) + 2.0).abs() < 1e-9);
        let d = rounded_box([13.0, 14.0, 0.0], [-10.0; 3], [10.0; 3], 0.0);
        assert!((d - 5.0).abs() < 1e-9);
        let d = rounded_box([0.0, 0.0, 9.0], [-10.0; 3], [10.0; 3], 2.0);
        assert!((d + 1.0).abs() < 1e-9);
        assert_eq!(overlap(0.0, 2.0, 1.0, 5.0), 1.0);
        assert_eq!(overlap(0.0, 1.0, 2.0, 5.0), 0.0);
    }
}
