//! Sliding-window inference: 64³ patches overlapping by 16 voxels, each also run mirrored left
//! to right, softmax probabilities blended with weights that ramp down over the overlap, argmax
//! per voxel.

/// Patch start positions along an axis of `n` voxels (the last patch ends at the edge; an axis
/// shorter than the patch gets one padded patch).
pub fn starts(n: usize, patch: usize, overlap: usize) -> Vec<usize> {
    if n <= patch {
        return vec![0];
    }
    let stride = patch - overlap;
    let mut starts: Vec<usize> = (0..)
        .map(|s| s * stride)
        .take_while(|&s| s + patch < n)
        .collect();
    starts.push(n - patch);
    starts
}

/// Blending weight along one axis of a patch: 1 in the middle, ramping linearly to
/// `1 / (overlap + 1)` at the faces, so a neighbour's prediction takes over smoothly.
pub fn ramp(t: usize, patch: usize, overlap: usize) -> f32 {
    let from_face = t.min(patch - 1 - t) + 1;
    (from_face as f32 / (overlap as f32 + 1.0)).min(1.0)
}

/// Copies the patch at `start` out of a volume (x fastest), padding with `fill`.
pub fn extract(
    volume: &[f32],
    dims: [usize; 3],
    start: [usize; 3],
    patch: usize,
    fill: f32,
) -> Vec<f32> {
    let mut out = vec![fill; patch * patch * patch];
    for z in 0..patch.min(dims[2].saturating_sub(start[2])) {
        for y in 0..patch.min(dims[1].saturating_sub(start[1])) {
            let width = patch.min(dims[0].saturating_sub(start[0]));
            let from = start[0] + dims[0] * (start[1] + y + dims[1] * (start[2] + z));
            let to = patch * (y + patch * z);
            out[to..to + width].copy_from_slice(&volume[from..from + width]);
        }
    }
    out
}

/// Mirrors cubes of `patch`³ samples (x fastest, any number of channels) along x, in place.
pub fn mirror_x(values: &mut [f32], patch: usize) {
    for row in values.chunks_mut(patch) {
        row.reverse();
    }
}

/// Accumulates softmax probabilities of `classes` channels from patches.
pub struct Blender {
    dims: [usize; 3],
    classes: usize,
    patch: usize,
    weights_1d: Vec<f32>,
    sum: Vec<f32>,
    weight: Vec<f32>,
}

impl Blender {
    /// An empty accumulator over a volume of `dims`.
    pub fn new(dims: [usize; 3], classes: usize, patch: usize, overlap: usize) -> Self {
        let voxels = dims.iter().product::<usize>();
        Self {
            dims,
            classes,
            patch,
            weights_1d: (0..patch).map(|t| ramp(t, patch, overlap)).collect(),
            sum: vec![0.0; voxels * classes],
            weight: vec![0.0; voxels],
        }
    }

    /// Adds the logits of one patch (`[classes, D, H, W]`, W fastest) placed at `start`.
    pub fn add(&mut self, start: [usize; 3], logits: &[f32]) {
        let p = self.patch;
        let [nx, ny, nz] = self.dims;
        let cube = p * p * p;
        let mut probs = vec![0.0_f32; self.classes];
        for z in 0..p.min(nz.saturating_sub(start[2])) {
            for y in 0..p.min(ny.saturating_sub(start[1])) {
                for x in 0..p.min(nx.saturating_sub(start[0])) {
                    let local = x + p * (y + p * z);
                    let top = (0..self.classes)
                        .map(|c| logits[c * cube + local])
                        .fold(f32::NEG_INFINITY, f32::max);
                    let mut total = 0.0;
                    for (c, prob) in probs.iter_mut().enumerate() {
                        *prob = (logits[c * cube + local] - top).exp();
                        total += *prob;
                    }
                    let w = self.weights_1d[x] * self.weights_1d[y] * self.weights_1d[z];
                    let at = start[0] + x + nx * (start[1] + y + ny * (start[2] + z));
                    for (c, prob) in probs.iter().enumerate() {
                        self.sum[at * self.classes + c] += w * prob / total;
                    }
                    self.weight[at] += w;
                }
            }
        }
    }

    /// The most probable class of every voxel (0 where no patch reached).
    pub fn argmax(&self) -> Vec<u8> {
        (0..self.weight.len())
            .map(|at| {
                let scores = &self.sum[at * self.classes..(at + 1) * self.classes];
                let mut best = 0;
                for (c, &score) in scores.iter().enumerate() {
                    if score > scores[best] {
                        best = c;
                    }
                }
                best as u8
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_cover_every_voxel_and_overlap() {
        assert_eq!(starts(50, 64, 16), vec![0]);
        assert_eq!(starts(64, 64, 16), vec![0]);
        assert_eq!(starts(122, 64, 16), vec![0, 48, 58]);
        assert_eq!(starts(112, 64, 16), vec![0, 48]);
        for n in [65, 100, 200] {
            let s = starts(n, 64, 16);
            assert_eq!(s.last().copied(), Some(n - 64));
            assert!(s.windows(2).all(|w| w[1] - w[0] <= 48 && w[1] > w[0]));
        }
    }

    #[test]
    fn weights_ramp_over_the_overlap() {
        assert!((ramp(0, 64, 16) - 1.0 / 17.0).abs() < 1e-6);
        assert_eq!(ramp(32, 64, 16), 1.0);
        assert_eq!(ramp(63, 64, 16), ramp(0, 64, 16));
    }

    #[test]
    fn extraction_pads_beyond_the_volume() {
        let dims = [3, 2, 2];
        let volume: Vec<f32> = (0..12).map(|v| v as f32).collect();
        let patch = extract(&volume, dims, [1, 0, 0], 4, -1.0);
        assert_eq!(&patch[0..4], &[1.0, 2.0, -1.0, -1.0]);
        assert_eq!(&patch[4..8], &[4.0, 5.0, -1.0, -1.0]);
        assert_eq!(patch[16], 7.0);
        assert_eq!(patch[63], -1.0);
    }

    #[test]
    fn mirroring_reverses_each_row_of_every_channel_and_undoes_itself() {
        let patch = 3;
        // Two channels of a 3³ cube, each value its own flat index.
        let values: Vec<f32> = (0..2 * 27).map(|v| v as f32).collect();
        let mut mirrored = values.clone();
        mirror_x(&mut mirrored, patch);
        // x = 0 of row (y = 1, z = 2) of channel 1 now holds what x = 2 held.
        let at = |c: usize, x: usize, y: usize, z: usize| c * 27 + x + 3 * (y + 3 * z);
        assert_eq!(mirrored[at(1, 0, 1, 2)], values[at(1, 2, 1, 2)]);
        assert_eq!(mirrored[at(0, 1, 2, 0)], values[at(0, 1, 2, 0)]);
        mirror_x(&mut mirrored, patch);
        assert_eq!(mirrored, values);
    }

    #[test]
    fn overlapping_patches_blend_to_the_more_confident() {
        let mut blender = Blender::new([6, 4, 4], 2, 4, 2);
        let cube = 64;
        // First patch says class 1 weakly everywhere, second says class 0 strongly.
        let weak: Vec<f32> = (0..2 * cube)
            .map(|i| if i < cube { 0.0 } else { 0.5 })
            .collect();
        let strong: Vec<f32> = (0..2 * cube)
            .map(|i| if i < cube { 5.0 } else { 0.0 })
            .collect();
        blender.add([0, 0, 0], &weak);
        blender.add([2, 0, 0], &strong);
        let classes = blender.argmax();
        assert_eq!(classes[0], 1, "only the weak patch covers x = 0");
        assert_eq!(classes[3], 0, "both cover x = 3; the strong one wins");
        assert_eq!(classes[5], 0);
    }
}
