//! Times phantom generation at 3 mm and 1.5 mm (`bench phantom_generate_s: X s`).

use std::time::Instant;

use phantom::{Phantom, PhantomParams};

fn main() -> Result<(), phantom::PhantomError> {
    for spacing_mm in [3.0, 1.5] {
        let params = PhantomParams {
            spacing_mm,
            ..PhantomParams::default_adult()
        };
        let start = Instant::now();
        let volume = Phantom::generate(&params)?;
        let seconds = start.elapsed().as_secs_f64();
        let [nx, ny, nz] = volume.dims;
        println!("phantom at {spacing_mm} mm: {nx}×{ny}×{nz} voxels");
        println!("bench phantom_generate_s: {seconds:.3} s");
    }
    Ok(())
}
