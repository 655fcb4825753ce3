//! Benchmark of the twin build: the whole build of the reference NIfTI (`twin_build_s`, median
//! of 5), and a 512×512×400 CT resampled from it, built in a child process so its peak memory
//! (VmHWM) is its own (`twin_large_build_s`, `twin_large_peak_rss_mb`).
//!
//! `cargo run --release -p twin --example twin_bench`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use twin::{TwinBuildOptions, build_twin, fixtures, peak_rss_mb};

const LARGE_DIMS: [usize; 3] = [512, 512, 400];
const LARGE_FLAG: &str = "--large-child";

fn reference_ct() -> PathBuf {
    shared_data::locate(shared_data::LUMBAR_CT).unwrap_or_else(|missing| fail(missing.to_string()))
}

fn fail(message: String) -> ! {
    eprintln!("twin_bench: {message}");
    std::process::exit(1)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(LARGE_FLAG) {
        let (Some(input), Some(out)) = (args.get(2), args.get(3)) else {
            fail(format!("usage: {LARGE_FLAG} INPUT.nii OUT_DIR"));
        };
        large_child(Path::new(input), Path::new(out));
        return;
    }
    let input = reference_ct();
    if !input.is_file() {
        fail(format!(
            "shared reference data missing: {} (see ../shared/data/README.md)",
            input.display()
        ));
    }
    let work = std::env::temp_dir().join(format!("twin-bench-{}", std::process::id()));
    if let Err(error) = std::fs::create_dir_all(&work) {
        fail(format!("{}: {error}", work.display()));
    }

    let mut times_s = Vec::new();
    for run in 0..5 {
        let out = work.join(format!("reference-{run}"));
        let start = Instant::now();
        match build_twin(&input, &out, &TwinBuildOptions::default(), &mut |_, _| {}) {
            Ok(report) if run == 0 => println!("{report}"),
            Ok(_) => {}
            Err(error) => fail(error.to_string()),
        }
        times_s.push(start.elapsed().as_secs_f64());
    }
    times_s.sort_by(f64::total_cmp);
    println!("bench twin_build_s: {:.3} s", times_s[times_s.len() / 2]);

    // The large CT: resampled here, built by a child so its VmHWM excludes this process.
    let large_input = work.join("large.nii");
    let (volume, _) = match imaging::import_ct(&input, &imaging::ImportOptions::default()) {
        Ok(imported) => imported,
        Err(error) => fail(error.to_string()),
    };
    let large = fixtures::resample_trilinear(&volume, LARGE_DIMS).unwrap_or_else(|e| fail(e));
    drop(volume);
    if let Err(error) = imaging::write_hu_nifti(&large_input, &large) {
        fail(format!("{}: {error}", large_input.display()));
    }
    drop(large);
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(e.to_string()));
    let output = Command::new(exe)
        .args([
            LARGE_FLAG.as_ref(),
            large_input.as_os_str(),
            work.join("large").as_os_str(),
        ])
        .output()
        .unwrap_or_else(|e| fail(format!("child: {e}")));
    print!("{}", String::from_utf8_lossy(&output.stdout));
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    let _ = std::fs::remove_dir_all(&work);
    if !output.status.success() {
        fail(format!("large build failed: {}", output.status));
    }
}

fn large_child(input: &Path, out: &Path) {
    let start = Instant::now();
    let report = build_twin(input, out, &TwinBuildOptions::default(), &mut |_, _| {})
        .unwrap_or_else(|error| fail(error.to_string()));
    let build_s = start.elapsed().as_secs_f64();
    println!("{report}");
    println!("bench twin_large_build_s: {build_s:.3} s");
    match peak_rss_mb() {
        Some(peak) => println!("bench twin_large_peak_rss_mb: {peak:.0} MB"),
        None => fail("VmHWM unavailable (/proc/self/status)".to_owned()),
    }
}
