//! Benchmark of the mesh stage on the reference TotalSegmentator labels: isosurface of every
//! vertebra label, decimation, triangle count. Prints `bench FIGURE: VALUE UNIT` lines.
//!
//! Run: `cargo run --release -p mesh --example mesh_bench`.

#[path = "../tests/common/mod.rs"]
mod common;

use mesh::LabelVolume;
use mesh::SurfaceMesh;
use mesh::decimate::decimate;
use mesh::pipeline::{MeshParams, extract_label_surfaces};
use mesh::smooth::taubin_smooth;
use std::time::Instant;

/// Triangle budget per vertebra for the decimation figure.
const BENCH_MAX_TRIANGLES: usize = 5_000;
/// Repetitions; the median is reported.
const REPEATS: usize = 15;

fn median_s(mut times_s: Vec<f64>) -> f64 {
    times_s.sort_by(f64::total_cmp);
    times_s[times_s.len() / 2]
}

fn main() {
    let reference = common::reference_labels();
    let volume = match LabelVolume::new(
        &reference.path,
        reference.dims,
        &reference.labels,
        reference.voxel_to_lps_mm,
    ) {
        Ok(volume) => volume,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    };
    let labels: Vec<u8> = common::totalseg_v1_vertebrae()
        .iter()
        .map(|s| s.label)
        .collect();

    // Isosurface: bounds pass over the whole volume + extraction of each label (blur and
    // volume match included), one worker per core like VTK's SMP backend.
    let params = MeshParams::default();
    let mut surfaces: Vec<SurfaceMesh> = Vec::new();
    let isosurface_s = median_s(
        (0..REPEATS)
            .map(|_| {
                let start = Instant::now();
                surfaces = extract_label_surfaces(&volume, &labels, &params)
                    .into_iter()
                    .map(|(_, surface)| surface)
                    .collect();
                start.elapsed().as_secs_f64()
            })
            .collect(),
    );
    for surface in &mut surfaces {
        taubin_smooth(surface, &params.smoothing);
    }
    let mut decimated = Vec::new();
    let decimate_s = median_s(
        (0..REPEATS)
            .map(|_| {
                decimated = surfaces.clone();
                let start = Instant::now();
                for surface in &mut decimated {
                    decimate(surface, BENCH_MAX_TRIANGLES);
                }
                start.elapsed().as_secs_f64()
            })
            .collect(),
    );
    let raw_triangles: usize = surfaces.iter().map(|s| s.triangle_count()).sum();
    let triangles: usize = decimated.iter().map(|s| s.triangle_count()).sum();
    eprintln!(
        "{} labels, {raw_triangles} raw triangles, budget {BENCH_MAX_TRIANGLES} per mesh, median of {REPEATS}",
        surfaces.len()
    );
    println!("bench mesh_isosurface_s: {isosurface_s:.6} s");
    println!("bench mesh_decimate_s: {decimate_s:.6} s");
    println!("bench mesh_triangles_total: {triangles} triangles");
}
