//! Builds one twin bundle without the trainer's (Bevy) build: `cargo xtask twins` and
//! `cargo xtask reference-twin` use it so that making the bundled twins takes seconds.
//!
//! `cargo run --release -p twin --example twin_build -- INPUT OUT_DIR [MAX_TRIANGLES]`

use std::path::Path;
use std::process::ExitCode;

use twin::{TwinBuildOptions, build_twin};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(input), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: twin_build INPUT OUT_DIR [MAX_TRIANGLES]");
        return ExitCode::FAILURE;
    };
    let mut options = TwinBuildOptions::default();
    if let Some(max) = args.get(2) {
        match max.parse() {
            Ok(max) => options.max_triangles = max,
            Err(_) => {
                eprintln!("twin_build: MAX_TRIANGLES {max:?} is not a number");
                return ExitCode::FAILURE;
            }
        }
    }
    match build_twin(Path::new(input), Path::new(out), &options, &mut |_, _| {}) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("twin_build: {error}");
            ExitCode::FAILURE
        }
    }
}
