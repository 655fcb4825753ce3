//! A layered lumbar interspace (L3–L4) built from published depths, with box-shaped bone.
//!
//! Twin frame, metres: the skin over the L3–L4 interspace is the origin, the back is the plane
//! Z = 0, a midline needle from behind travels along −Z. Depths (mm below the skin, midline):
//!
//! | layer | from | to | source |
//! | --- | --- | --- | --- |
//! | skin | 0 | 2 | about 2 mm (brief; lumbar skin 1.5–3 mm) |
//! | subcutaneous fat | 2 | 12 | chosen so skin → epidural is 46 mm |
//! | supraspinous ligament | 12 | 17 | over the spinous-process tips |
//! | interspinous ligament | 17 | 41 | between the spinous processes |
//! | ligamentum flavum | 41 | 46 | 3–6 mm thick |
//! | epidural space | 46 | 51 | about 4 mm wide and 6 mm deep (IEEE 8794199); 3 mm (PMC2978502) |
//! | dura | 51 | 51.3 | about 0.3 mm |
//! | CSF, cauda equina, CSF | 51.3 | 66 | dural sac |
//!
//! Skin to epidural space 46 mm: L3–L4 mean 4.6 cm in 1,653 adults (Reg Anesth Pain Med
//! 33(1):24); 4–6 cm in about 80 % of adults.

use crate::bone_mesh::{BoneMeshError, TrimeshBoneField, box_mesh};
use crate::field::TissueField;
use anatomy::{TissueClass, VertebraLevel};
use glam::Vec3;

/// Depth of the skin's inner surface.
pub const SKIN_END_MM: f32 = 2.0;
/// Depth where subcutaneous fat ends and the supraspinous ligament (and muscle) begins.
pub const FAT_END_MM: f32 = 12.0;
/// Depth where the supraspinous ligament ends.
pub const SUPRASPINOUS_END_MM: f32 = 17.0;
/// Depth where the interspinous ligament ends and the ligamentum flavum begins.
pub const INTERSPINOUS_END_MM: f32 = 41.0;
/// Depth where the ligamentum flavum ends: the epidural space begins (skin-to-epidural depth).
pub const FLAVUM_END_MM: f32 = 46.0;
/// Depth of the dura's outer surface (epidural space 5 mm deep).
pub const EPIDURAL_END_MM: f32 = 51.0;
/// Depth where the dura ends and CSF begins.
pub const DURA_END_MM: f32 = 51.3;
/// Cauda equina roots lie between these depths (near the midline).
pub const CAUDA_MM: (f32, f32) = (54.0, 62.0);
/// Anterior end of the dural sac.
pub const SAC_END_MM: f32 = 66.0;
/// Half-width of the midline ligaments (supraspinous, interspinous).
pub const MIDLINE_LIGAMENT_HALF_WIDTH_MM: f32 = 5.0;
/// Half-width of the spinal canal (ligamentum flavum, epidural space, sac).
pub const CANAL_HALF_WIDTH_MM: f32 = 11.0;
/// Half-height of the gap between the L3 and L4 spinous processes at the midline.
pub const SPINOUS_GAP_HALF_MM: f32 = 6.0;
/// Half-height of the interlaminar window (between the L3 and L4 laminae).
pub const LAMINAR_GAP_HALF_MM: f32 = 4.0;
/// Half-width of the interlaminar window; lateral to it the facet joints block the way.
pub const LAMINAR_WINDOW_HALF_WIDTH_MM: f32 = 9.0;

/// An axis-aligned bone block, millimetres, twin frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoneBlock {
    /// The vertebra it belongs to.
    pub level: VertebraLevel,
    /// Lower corner (x, y, z) in mm.
    pub min_mm: Vec3,
    /// Upper corner (x, y, z) in mm.
    pub max_mm: Vec3,
}

impl BoneBlock {
    fn contains_mm(&self, point_mm: Vec3) -> bool {
        point_mm.cmpge(self.min_mm).all() && point_mm.cmple(self.max_mm).all()
    }
}

/// The synthetic L3–L4 interspace: tissue layers and bone blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticLumbar {
    /// Spinous processes, laminae, facet blocks and vertebral bodies.
    pub bones: Vec<BoneBlock>,
}

impl Default for SyntheticLumbar {
    fn default() -> Self {
        Self::new()
    }
}

impl SyntheticLumbar {
    /// The reference interspace described in the module documentation.
    pub fn new() -> Self {
        let (l3, l4) = (VertebraLevel::L3, VertebraLevel::L4);
        let block = |level, min: [f32; 3], max: [f32; 3]| BoneBlock {
            level,
            min_mm: Vec3::from_array(min),
            max_mm: Vec3::from_array(max),
        };
        let spinous_top = -FAT_END_MM;
        let lamina_back = -INTERSPINOUS_END_MM;
        let lamina_front = -(EPIDURAL_END_MM - 1.0);
        let window = LAMINAR_WINDOW_HALF_WIDTH_MM;
        let bones = vec![
            // Spinous processes: 8 mm wide, from just under the supraspinous ligament to the laminae.
            block(
                l3,
                [-4.0, SPINOUS_GAP_HALF_MM, lamina_back],
                [4.0, 30.0, spinous_top],
            ),
            block(
                l4,
                [-4.0, -30.0, lamina_back],
                [4.0, -SPINOUS_GAP_HALF_MM, spinous_top],
            ),
            // Laminae.
            block(
                l3,
                [-18.0, LAMINAR_GAP_HALF_MM, lamina_front],
                [18.0, 30.0, lamina_back],
            ),
            block(
                l4,
                [-18.0, -30.0, lamina_front],
                [18.0, -LAMINAR_GAP_HALF_MM, lamina_back],
            ),
            // Facet joints close the interlaminar window laterally (L3 inferior articular processes).
            block(
                l3,
                [window, -LAMINAR_GAP_HALF_MM, lamina_front],
                [18.0, LAMINAR_GAP_HALF_MM, -38.0],
            ),
            block(
                l3,
                [-18.0, -LAMINAR_GAP_HALF_MM, lamina_front],
                [-window, LAMINAR_GAP_HALF_MM, -38.0],
            ),
            // Vertebral bodies in front of the sac (the disc lies between them).
            block(l3, [-20.0, 5.0, -100.0], [20.0, 30.0, -(SAC_END_MM + 4.0)]),
            block(
                l4,
                [-20.0, -30.0, -100.0],
                [20.0, -5.0, -(SAC_END_MM + 4.0)],
            ),
        ];
        Self { bones }
    }

    /// The epidural space's depth range on the midline, mm from the skin.
    pub fn epidural_depth_range_mm(&self) -> (f32, f32) {
        (FLAVUM_END_MM, EPIDURAL_END_MM)
    }

    /// The bone blocks as parry3d triangle meshes, one collider per block, grouped by level.
    pub fn bone_field(&self) -> Result<TrimeshBoneField, BoneMeshError> {
        let mut field = TrimeshBoneField::new();
        for block in &self.bones {
            let center_m = (block.min_mm + block.max_mm) * 0.5e-3;
            let half_m = (block.max_mm - block.min_mm) * 0.5e-3;
            let (vertices, triangles) = box_mesh(center_m, half_m);
            field.add_level(block.level, vertices, triangles)?;
        }
        Ok(field)
    }

    fn soft_tissue_at_mm(&self, point_mm: Vec3) -> TissueClass {
        let depth = -point_mm.z;
        let lateral = point_mm.x.abs();
        let midline = lateral <= MIDLINE_LIGAMENT_HALF_WIDTH_MM;
        let in_canal = lateral <= CANAL_HALF_WIDTH_MM;
        match depth {
            d if d < 0.0 => TissueClass::Air,
            d if d < SKIN_END_MM => TissueClass::Skin,
            d if d < FAT_END_MM => TissueClass::Fat,
            d if d < SUPRASPINOUS_END_MM && midline => TissueClass::SupraspinousLigament,
            d if d < INTERSPINOUS_END_MM && midline => TissueClass::InterspinousLigament,
            d if d < INTERSPINOUS_END_MM => TissueClass::Muscle,
            d if d < FLAVUM_END_MM && in_canal => TissueClass::LigamentumFlavum,
            d if d < FLAVUM_END_MM => TissueClass::Muscle,
            _ if !in_canal => TissueClass::Muscle,
            d if d < EPIDURAL_END_MM => TissueClass::EpiduralSpace,
            d if d < DURA_END_MM => TissueClass::Dura,
            d if d >= CAUDA_MM.0 && d < CAUDA_MM.1 && lateral <= 7.0 => TissueClass::CaudaEquina,
            d if d < SAC_END_MM => TissueClass::Csf,
            d if d < SAC_END_MM + 0.3 => TissueClass::Dura,
            d if d < SAC_END_MM + 4.0 => TissueClass::EpiduralSpace,
            _ => TissueClass::Disc,
        }
    }
}

impl TissueField for SyntheticLumbar {
    fn tissue_at(&self, point_m: Vec3) -> TissueClass {
        let point_mm = point_m * 1000.0;
        if self.bones.iter().any(|block| block.contains_mm(point_mm)) {
            return TissueClass::Bone;
        }
        self.soft_tissue_at_mm(point_mm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::BoneField;

    #[test]
    fn the_midline_path_meets_the_layers_in_order() {
        let anatomy = SyntheticLumbar::new();
        let mut seen = Vec::new();
        for step in 0..650 {
            let tissue = anatomy.tissue_at(Vec3::new(0.0, 0.0, -(step as f32) * 1e-4));
            if seen.last() != Some(&tissue) {
                seen.push(tissue);
            }
        }
        use TissueClass::*;
        assert_eq!(
            seen,
            [
                Skin,
                Fat,
                SupraspinousLigament,
                InterspinousLigament,
                LigamentumFlavum,
                EpiduralSpace,
                Dura,
                Csf,
                CaudaEquina,
                Csf
            ]
        );
    }

    #[test]
    fn the_midline_interspace_is_open_and_the_spinous_process_is_not() {
        let anatomy = SyntheticLumbar::new();
        let bones = anatomy.bone_field().expect("box meshes are valid");
        let down =
            |x: f32, y: f32| bones.cast_segment(Vec3::new(x, y, 0.01), Vec3::new(x, y, -0.060));
        assert!(
            down(0.0, 0.0).is_none(),
            "midline L3–L4 gap is open to the sac"
        );
        let hit = down(0.0, 0.015).expect("the L3 spinous process is above the gap");
        assert_eq!(hit.level, VertebraLevel::L3);
        assert!((hit.point_m.z + 0.012).abs() < 1e-6);
        assert_eq!(
            anatomy.tissue_at(Vec3::new(0.0, 0.015, -0.02)),
            TissueClass::Bone
        );
    }
}
