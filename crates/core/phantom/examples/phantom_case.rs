//! Writes a phantom case folder: `phantom_case <default|scoliosis|high-bmi> <out_dir>
//! [--spacing MM] [--t12] [--dicom]` → ct.nii.gz, labels.nii.gz, params.ron (and dicom/).

use std::path::PathBuf;
use std::process::ExitCode;

use phantom::{Phantom, PhantomParams, write_case};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: phantom_case <default|scoliosis|high-bmi> <out_dir> [--spacing MM] [--t12] [--dicom]";
    let (Some(preset), Some(out_dir)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        return ExitCode::FAILURE;
    };
    let mut params = match preset.as_str() {
        "default" => PhantomParams::default_adult(),
        "scoliosis" => PhantomParams::scoliosis(),
        "high-bmi" => PhantomParams::high_bmi(),
        other => {
            eprintln!("unknown preset {other:?}; {usage}");
            return ExitCode::FAILURE;
        }
    };
    if args.iter().any(|a| a == "--t12") {
        params = params.with_t12();
    }
    if let Some(at) = args.iter().position(|a| a == "--spacing") {
        match args.get(at + 1).and_then(|v| v.parse().ok()) {
            Some(spacing_mm) => params.spacing_mm = spacing_mm,
            None => {
                eprintln!("--spacing needs a number of millimetres; {usage}");
                return ExitCode::FAILURE;
            }
        }
    }
    let out_dir = PathBuf::from(out_dir);
    let result = write_case(&params, &out_dir).and_then(|files| {
        println!(
            "wrote {}, {}, {}",
            files.ct.display(),
            files.labels.display(),
            files.params.display()
        );
        if args.iter().any(|a| a == "--dicom") {
            let slices = Phantom::generate(&params)?.write_dicom(&out_dir.join("dicom"))?;
            println!("wrote {} DICOM slices", slices.len());
        }
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
