//! Import timings: the reference NIfTI and the same CT written as a 112-slice DICOM series.
//!
//! `cargo run --release -p imaging --example imaging_bench` prints
//! `bench import_nifti_s: X s` and `bench import_dicom_series_s: X s` (median of 5 runs).
//! Memory check for a full-size CT, in two processes so the writer's copy is not counted:
//! `... -- --write-large DIR` writes a 512×512×400 series, `... -- --import-large DIR`
//! imports it and prints its peak resident memory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use glam::{DMat4, DVec4};
use imaging::{DicomWriteOptions, HuVolume, ImportOptions, import_dicom_folder, import_nifti};

const RUNS: usize = 5;

fn reference_nifti() -> Result<PathBuf, String> {
    shared_data::locate(shared_data::LUMBAR_CT).map_err(|missing| missing.to_string())
}

fn median_seconds(mut run: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        run()?;
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok(times[RUNS / 2])
}

fn peak_resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn write_large(folder: &Path) -> Result<(), String> {
    let dims = [512, 512, 400];
    let affine = DMat4::from_cols(
        DVec4::new(0.7, 0.0, 0.0, 0.0),
        DVec4::new(0.0, 0.7, 0.0, 0.0),
        DVec4::new(0.0, 0.0, 1.0, 0.0),
        DVec4::new(-180.0, -180.0, -200.0, 1.0),
    );
    let hu = (0..dims.iter().product::<usize>())
        .map(|n| (n % 4000) as f32 - 1024.0)
        .collect();
    let volume = HuVolume::new(dims, affine, hu).map_err(|e| e.to_string())?;
    imaging::write_dicom_series(&volume, folder, &DicomWriteOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn import_large(folder: &Path) -> Result<(), String> {
    let start = Instant::now();
    let (volume, _) =
        import_dicom_folder(folder, &ImportOptions::default()).map_err(|e| e.to_string())?;
    println!(
        "imported {volume} in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    if let Some(peak) = peak_resident_mb() {
        println!("bench import_dicom_512x512x400_peak_mb: {peak:.0} MB");
    }
    Ok(())
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, folder] if flag == "--write-large" => return write_large(Path::new(folder)),
        [flag, folder] if flag == "--import-large" => return import_large(Path::new(folder)),
        _ => {}
    }
    let nifti = reference_nifti()?;
    let options = ImportOptions::default();
    let nifti_s = median_seconds(|| {
        import_nifti(&nifti, &options)
            .map(drop)
            .map_err(|e| e.to_string())
    })?;
    println!("bench import_nifti_s: {nifti_s:.4} s");

    let (volume, _) = import_nifti(&nifti, &options).map_err(|e| e.to_string())?;
    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
    imaging::write_dicom_series(&volume, folder.path(), &DicomWriteOptions::default())
        .map_err(|e| e.to_string())?;
    let dicom_s = median_seconds(|| {
        import_dicom_folder(folder.path(), &options)
            .map(drop)
            .map_err(|e| e.to_string())
    })?;
    println!("bench import_dicom_series_s: {dicom_s:.4} s");
    Ok(())
}

fn main() {
    if let Err(message) = run() {
        eprintln!("imaging_bench: {message}");
        std::process::exit(1);
    }
}
