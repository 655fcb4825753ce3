//! X Window Dump (`xwd`) images of a whole screen → RGB pixels, for the compositor screenshot.

use anyhow::{Result, bail};

/// An RGB image, row by row.
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<[u8; 3]>,
}

/// Decode a TrueColor XWD dump of 24 or 32 bits per pixel.
pub fn decode(bytes: &[u8]) -> Result<Rgb> {
    let word = |index: usize| -> Result<u32> {
        let at = index * 4;
        match bytes.get(at..at + 4) {
            Some(b) => Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
            None => bail!("xwd dump too short for its header ({} bytes)", bytes.len()),
        }
    };
    let header_bytes = word(0)? as usize;
    let (width, height) = (word(4)?, word(5)?);
    let lsb_first = word(7)? == 0;
    let bits_per_pixel = word(11)?;
    let bytes_per_line = word(12)? as usize;
    let masks = [word(14)?, word(15)?, word(16)?];
    let colours = word(19)? as usize;
    if bits_per_pixel != 32 && bits_per_pixel != 24 {
        bail!("xwd dump with {bits_per_pixel} bits per pixel: only 24 and 32 are read");
    }
    let data_start = header_bytes + colours * 12;
    let bytes_per_pixel = bits_per_pixel as usize / 8;
    let needed = data_start + bytes_per_line * height as usize;
    if bytes.len() < needed || bytes_per_line < bytes_per_pixel * width as usize {
        bail!(
            "xwd dump of {width}x{height}: {} bytes, expected {needed}",
            bytes.len()
        );
    }
    let channel = |pixel: u32, mask: u32| -> u8 {
        if mask == 0 {
            return 0;
        }
        ((pixel & mask) >> mask.trailing_zeros()) as u8
    };
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    for row in 0..height as usize {
        let line = &bytes[data_start + row * bytes_per_line..];
        for column in 0..width as usize {
            let raw = &line[column * bytes_per_pixel..(column + 1) * bytes_per_pixel];
            let mut value = [0u8; 4];
            value[..bytes_per_pixel].copy_from_slice(raw);
            let pixel = if lsb_first {
                u32::from_le_bytes(value)
            } else {
                u32::from_be_bytes(value) >> (32 - bits_per_pixel)
            };
            pixels.push(masks.map(|mask| channel(pixel, mask)));
        }
    }
    Ok(Rgb {
        width,
        height,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_pixel_dump_decodes_to_its_colours() {
        let mut header = [0u32; 25];
        header[0] = 100 + 4; // header with a 4-byte window name
        header[4] = 2;
        header[5] = 1;
        header[7] = 0; // LSBFirst
        header[11] = 32;
        header[12] = 8;
        header[14] = 0xff0000;
        header[15] = 0x00ff00;
        header[16] = 0x0000ff;
        let mut bytes: Vec<u8> = header.iter().flat_map(|w| w.to_be_bytes()).collect();
        bytes.extend_from_slice(b"xr\0\0");
        bytes.extend_from_slice(&[0x30, 0x20, 0x10, 0, 0xff, 0, 0x80, 0]);
        let image = decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((image.width, image.height), (2, 1));
        assert_eq!(image.pixels, vec![[0x10, 0x20, 0x30], [0x80, 0, 0xff]]);
        assert!(decode(&bytes[..50]).is_err());
    }
}
