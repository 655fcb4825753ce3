//! What the model asks of the anatomy: tissue at a point, bone along a segment (twin frame).

use anatomy::{TissueClass, VertebraLevel};
use glam::Vec3;

/// Tissue class at a point of the twin frame (metres; +X right, +Y superior, +Z posterior).
pub trait TissueField {
    /// The tissue at `point_m`; [`TissueClass::Air`] outside the body.
    fn tissue_at(&self, point_m: Vec3) -> TissueClass;
}

/// Where a segment first meets bone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoneHit {
    /// The contact point.
    pub point_m: Vec3,
    /// Unit surface normal at the contact, facing the segment's start.
    pub normal: Vec3,
    /// The vertebra hit.
    pub level: VertebraLevel,
    /// Where along the segment: 0 at `from`, 1 at `to`.
    pub fraction: f32,
}

/// Bone colliders, queried with the tip's swept segment so fast motion cannot tunnel.
pub trait BoneField {
    /// The first bone hit on the straight segment `from_m` → `to_m`, if any.
    fn cast_segment(&self, from_m: Vec3, to_m: Vec3) -> Option<BoneHit>;
}

impl<T: TissueField + ?Sized> TissueField for &T {
    fn tissue_at(&self, point_m: Vec3) -> TissueClass {
        (**self).tissue_at(point_m)
    }
}

impl<B: BoneField + ?Sized> BoneField for &B {
    fn cast_segment(&self, from_m: Vec3, to_m: Vec3) -> Option<BoneHit> {
        (**self).cast_segment(from_m, to_m)
    }
}

impl<T: TissueField + ?Sized> TissueField for std::sync::Arc<T> {
    fn tissue_at(&self, point_m: Vec3) -> TissueClass {
        (**self).tissue_at(point_m)
    }
}

impl<B: BoneField + ?Sized> BoneField for std::sync::Arc<B> {
    fn cast_segment(&self, from_m: Vec3, to_m: Vec3) -> Option<BoneHit> {
        (**self).cast_segment(from_m, to_m)
    }
}

/// No bone anywhere (soft-tissue-only scenes and tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoBone;

impl BoneField for NoBone {
    fn cast_segment(&self, _from_m: Vec3, _to_m: Vec3) -> Option<BoneHit> {
        None
    }
}
