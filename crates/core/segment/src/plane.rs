//! Planes across the spine: a disc's cut plane between two vertebrae and the basis spanning a
//! plane normal to the spine.

use glam::DVec3;

/// A cut plane between two vertebrae, in canonical millimetres.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DiscPlane {
    pub centre_mm: DVec3,
    /// Unit normal pointing up the spine.
    pub normal: DVec3,
}

impl DiscPlane {
    pub fn signed_distance_mm(&self, point_mm: DVec3) -> f64 {
        (point_mm - self.centre_mm).dot(self.normal)
    }
}

/// Two unit vectors spanning the plane normal to `tangent`: left–right first.
pub(crate) fn plane_basis(tangent: DVec3) -> (DVec3, DVec3) {
    let across = tangent.cross(DVec3::Y).normalize_or(DVec3::X);
    (across, tangent.cross(across))
}
