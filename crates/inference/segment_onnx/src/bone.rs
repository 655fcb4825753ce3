//! From the model's classes to vertebral bone: what the network calls vertebra or sacrum, less
//! fat, plus dense voxels it left out at the bone's edge. Levels are not the network's job:
//! `segment::segment_with_vertebral_bone` splits this bone between the discs it finds and counts
//! them from the sacrum, as the classical segmenter does.

use crate::contract::{DISC, SACRUM, VERTEBRA};
use crate::grid::ModelGrid;

/// Bone the model left out next to bone it found joins it: voxels at least this dense within
/// `GROW_STEPS` face steps, which the model called background (it misses faint osteoporotic
/// bone and partial-volume surface voxels of real scans) or disc (endplates: at 3 mm a voxel
/// holds endplate and disc, and the model, trained on phantoms with crisp endplates, gives
/// such voxels to the disc) ...
const GROW_HU: f32 = 150.0;
const GROW_STEPS: usize = 2;
/// ... and voxels the model called bone but that read below this density (fat, air) leave it.
const SHED_HU: f32 = -50.0;

/// Per voxel of the model grid: whether it is vertebral bone (any level, or the sacrum).
pub fn vertebral_bone(grid: &ModelGrid, classes: &[u8]) -> Vec<bool> {
    let mut bone: Vec<bool> = classes
        .iter()
        .zip(&grid.hu)
        .map(|(&class, &hu)| (class == VERTEBRA || class == SACRUM) && hu >= SHED_HU)
        .collect();
    for _ in 0..GROW_STEPS {
        let grown: Vec<usize> = (0..bone.len())
            .filter(|&at| {
                !bone[at]
                    && (classes[at] == 0 || classes[at] == DISC)
                    && grid.hu[at] >= GROW_HU
                    && face_neighbours(at, grid.dims).any(|n| bone[n])
            })
            .collect();
        for at in grown {
            bone[at] = true;
        }
    }
    bone
}

/// Flat indices of the face neighbours of `at` inside the grid.
fn face_neighbours(at: usize, dims: [usize; 3]) -> impl Iterator<Item = usize> {
    let [nx, ny, nz] = dims;
    let (x, y, z) = (at % nx, (at / nx) % ny, at / (nx * ny));
    [
        (x > 0).then(|| at - 1),
        (x + 1 < nx).then(|| at + 1),
        (y > 0).then(|| at - nx),
        (y + 1 < ny).then(|| at + nx),
        (z > 0).then(|| at - nx * ny),
        (z + 1 < nz).then(|| at + nx * ny),
    ]
    .into_iter()
    .flatten()
}

#[cfg(test)]
mod tests {
    use glam::DVec3;

    use super::*;

    fn row(hu: Vec<f32>) -> ModelGrid {
        ModelGrid {
            dims: [hu.len(), 1, 1],
            origin_mm: DVec3::ZERO,
            hu,
        }
    }

    #[test]
    fn dense_bone_beside_predicted_bone_joins_it_and_fat_leaves_it() {
        let grid = row(vec![
            300.0, 300.0, 300.0, 300.0, 300.0, -100.0, 300.0, 100.0,
        ]);
        let classes = [VERTEBRA, 0, 0, 0, 0, VERTEBRA, 0, 0];
        // Two steps of dense bone join; the third does not; fat is shed; faint bone stays out.
        assert_eq!(
            vertebral_bone(&grid, &classes),
            [true, true, true, false, false, false, false, false]
        );
    }

    #[test]
    fn sacrum_is_bone_and_dense_disc_voxels_at_its_edge_are_endplate() {
        let grid = row(vec![400.0, 200.0, 80.0, 80.0, 200.0, 400.0]);
        let classes = [SACRUM, DISC, DISC, DISC, DISC, VERTEBRA];
        // The dense disc voxels next to bone are endplate; the soft ones stay disc.
        assert_eq!(
            vertebral_bone(&grid, &classes),
            [true, true, false, false, true, true]
        );
    }
}
