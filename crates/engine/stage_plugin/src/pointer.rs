//! The pointer's ray into the room: from the mouse on the desktop (a hand's aim ray in XR writes
//! the same resource), shared by picking, the desktop needle and annotations.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

/// The world-space ray under the pointer (the mouse now, a hand's aim ray in XR), or `None`
/// when the pointer is outside the view.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq)]
pub struct PointerRay(pub Option<Ray3d>);

/// The system that updates [`PointerRay`] from the mouse; readers run after it.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct PointerSystems;

/// A screen over the scene takes the mouse: while this is true the pointer ray is `None`, so
/// nothing in the scene is hovered or clicked through it.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PointerBlocked(pub bool);

/// The mouse's ray from the active camera that renders to the primary window; `None` when the
/// cursor is outside it or a screen covers the scene. Leaves the ray alone where there is no
/// window (tests, XR sets it).
pub(crate) fn mouse_pointer_ray(
    windows: Query<&Window, With<PrimaryWindow>>,
    cameras: Query<(&Camera, &GlobalTransform)>,
    blocked: Res<PointerBlocked>,
    mut pointer: ResMut<PointerRay>,
) {
    let Ok(window) = windows.single() else {
        return;
    };
    if blocked.0 {
        pointer.set_if_neq(PointerRay(None));
        return;
    }
    let ray = window.cursor_position().and_then(|cursor| {
        cameras
            .iter()
            .filter(|(camera, _)| camera.is_active)
            .max_by_key(|(camera, _)| camera.order)
            .and_then(|(camera, transform)| camera.viewport_to_world(transform, cursor).ok())
    });
    pointer.set_if_neq(PointerRay(ray));
}

/// Where `ray` meets the skin plane of the twin placed by `anchor` (the plane through the
/// anchor's origin, facing the twin's +Z, posterior), in the twin frame in metres; `None` when
/// the ray runs parallel to the plane or away from it.
pub fn ray_on_skin_plane(ray: Ray3d, anchor: &GlobalTransform) -> Option<Vec3> {
    let to_twin = anchor.affine().inverse();
    let origin = to_twin.transform_point3(ray.origin);
    let direction = to_twin.transform_vector3(*ray.direction);
    if direction.z.abs() < 1e-6 {
        return None;
    }
    let distance = -origin.z / direction.z;
    (distance >= 0.0).then(|| origin + direction * distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ray_from_above_meets_the_skin_plane_under_it_in_the_twin_frame() {
        // Twin lying prone: its +Z (posterior) points up the room's +Y.
        let anchor = GlobalTransform::from(
            Transform::from_xyz(0.2, 0.9, -0.1)
                .with_rotation(Quat::from_rotation_x(-std::f32::consts::FRAC_PI_2)),
        );
        let above = anchor.transform_point(Vec3::new(0.03, -0.02, 0.5));
        let ray = Ray3d::new(
            above,
            Dir3::new(anchor.transform_point(Vec3::new(0.03, -0.02, 0.0)) - above).unwrap(),
        );
        let hit = ray_on_skin_plane(ray, &anchor).expect("hits");
        assert!(hit.distance(Vec3::new(0.03, -0.02, 0.0)) < 1e-5, "{hit}");
        let away = Ray3d::new(above, Dir3::new(above - anchor.translation()).unwrap());
        assert_eq!(ray_on_skin_plane(away, &anchor), None);
        let parallel = Ray3d::new(
            above,
            Dir3::new(anchor.affine().transform_vector3(Vec3::X)).unwrap(),
        );
        assert_eq!(ray_on_skin_plane(parallel, &anchor), None);
    }
}
