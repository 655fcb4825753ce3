//! Times phantom generation of the default adult: `bench phantom_generate_s` at 3 mm (the
//! default spacing) and `bench phantom_generate_1_5mm_s` at 1.5 mm; best of three runs.

use std::time::Instant;

use phantom::{Phantom, PhantomParams};

fn main() -> Result<(), phantom::PhantomError> {
    for (figure, spacing_mm) in [
        ("phantom_generate_s", 3.0),
        ("phantom_generate_1_5mm_s", 1.5),
    ] {
        let params = PhantomParams {
            spacing_mm,
            ..PhantomParams::default_adult()
        };
        let mut best = f64::INFINITY;
        let mut dims = [0; 3];
        for _ in 0..3 {
            let start = Instant::now();
            let volume = Phantom::generate(&params)?;
            best = best.min(start.elapsed().as_secs_f64());
            dims = volume.dims;
        }
        let [nx, ny, nz] = dims;
        println!("phantom at {spacing_mm} mm: {nx}×{ny}×{nz} voxels");
        println!("bench {figure}: {best:.3} s");
    }
    Ok(())
}
