//! The one place that converts scanner coordinates to the twin frame.
//!
//! Scanner frames are in millimetres: DICOM patient coordinates are LPS (+x patient's left,
//! +y posterior, +z superior); NIfTI world coordinates are RAS (+x right, +y anterior,
//! +z superior). The twin frame is in metres, right-handed like Bevy, with Y up for an upright
//! patient: +X the patient's right, +Y superior, +Z posterior. A viewer behind the patient
//! looking along −Z (Bevy's camera forward) sees the back, with the patient's right on the
//! viewer's right. The room places the twin with a rigid anchor ([`crate::room`]).

use glam::{DVec3, Vec3};

/// Which scanner convention a millimetre coordinate is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScannerFrame {
    /// DICOM patient coordinates: left, posterior, superior.
    Lps,
    /// NIfTI world coordinates: right, anterior, superior.
    Ras,
}

const MM_PER_M: f64 = 1000.0;

/// A scanner point in millimetres → the twin frame in metres.
pub fn scanner_mm_to_twin_m(frame: ScannerFrame, point_mm: DVec3) -> Vec3 {
    let (right_mm, superior_mm, posterior_mm) = match frame {
        ScannerFrame::Lps => (-point_mm.x, point_mm.z, point_mm.y),
        ScannerFrame::Ras => (point_mm.x, point_mm.z, -point_mm.y),
    };
    (DVec3::new(right_mm, superior_mm, posterior_mm) / MM_PER_M).as_vec3()
}

/// A twin-frame point in metres → the scanner frame in millimetres.
pub fn twin_m_to_scanner_mm(frame: ScannerFrame, point_m: Vec3) -> DVec3 {
    let twin_mm = point_m.as_dvec3() * MM_PER_M;
    let (right_mm, superior_mm, posterior_mm) = (twin_mm.x, twin_mm.y, twin_mm.z);
    match frame {
        ScannerFrame::Lps => DVec3::new(-right_mm, posterior_mm, superior_mm),
        ScannerFrame::Ras => DVec3::new(right_mm, -posterior_mm, superior_mm),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basis(frame: ScannerFrame) -> [Vec3; 3] {
        [DVec3::X, DVec3::Y, DVec3::Z].map(|axis| scanner_mm_to_twin_m(frame, axis * 1000.0))
    }

    #[test]
    fn anatomical_directions_land_on_the_twin_axes() {
        // LPS: +x is the patient's left, so −X in the twin; +y posterior is +Z; +z superior is +Y.
        assert_eq!(basis(ScannerFrame::Lps), [-Vec3::X, Vec3::Z, Vec3::Y]);
        // RAS: +x right is +X; +y anterior is −Z; +z superior is +Y.
        assert_eq!(basis(ScannerFrame::Ras), [Vec3::X, -Vec3::Z, Vec3::Y]);
    }

    #[test]
    fn both_conversions_keep_handedness() {
        for frame in [ScannerFrame::Lps, ScannerFrame::Ras] {
            let [x, y, z] = basis(frame);
            assert_eq!(x.cross(y), z, "{frame:?} flips handedness");
        }
    }

    #[test]
    fn round_trip_is_exact_to_a_micrometre() {
        let point_mm = DVec3::new(-12.5, 180.25, -731.0);
        for frame in [ScannerFrame::Lps, ScannerFrame::Ras] {
            let back = twin_m_to_scanner_mm(frame, scanner_mm_to_twin_m(frame, point_mm));
            assert!(
                (back - point_mm).abs().max_element() < 1e-3,
                "{frame:?}: {back}"
            );
        }
    }
}
