//! Render check: the real `neuraxis` binary draws the procedure room under Xvfb with Mesa's
//! software Vulkan (lavapipe), saves a screenshot, and the picture shows the floor and the table
//! where the operator's view puts them.
//!
//! Needs `xvfb-run` (package xvfb) when no DISPLAY is set, and a Vulkan driver; lavapipe
//! (mesa-vulkan-drivers) is used when present so the result does not depend on a GPU.

mod support;

use std::path::PathBuf;

const WIDTH_PX: u32 = 960;
const HEIGHT_PX: u32 = 540;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    /// The table's teal pad.
    TablePad,
    /// Blue-grey floor vinyl or pale walls: neutral, blue not below red.
    RoomNeutral,
    /// The window's clear colour: nothing was drawn there.
    ClearColour,
    /// Ivory bone of the practice block's vertebrae.
    Bone,
    Other,
}

fn classify([r, g, b]: [u8; 3]) -> Surface {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    if r < 24 && g < 26 && b < 32 {
        Surface::ClearColour
    } else if r > 170 && g > 150 && r - b > 25 && r >= g {
        Surface::Bone
    } else if g - r > 25 && b - r > 25 && (g - b).abs() < 40 {
        Surface::TablePad
    } else if (r - g).abs() < 20 && b >= r - 4 && b - r < 40 && r > 40 {
        Surface::RoomNeutral
    } else {
        Surface::Other
    }
}

/// Share of the pixels in a box (fractions of the width and height) that are `surface`.
fn share(picture: &image::RgbImage, x: (f32, f32), y: (f32, f32), surface: Surface) -> f32 {
    let (w, h) = (picture.width() as f32, picture.height() as f32);
    let (x0, x1) = ((x.0 * w) as u32, (x.1 * w) as u32);
    let (y0, y1) = ((y.0 * h) as u32, (y.1 * h) as u32);
    let mut hits = 0u32;
    for py in y0..y1 {
        for px in x0..x1 {
            hits += u32::from(classify(picture.get_pixel(px, py).0) == surface);
        }
    }
    hits as f32 / ((x1 - x0) * (y1 - y0)) as f32
}

#[test]
fn trainer_renders_room_floor_and_table_in_the_operators_view() {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render_screenshot");
    std::fs::create_dir_all(&out_dir).expect("output dir");
    let picture = support::render::render_trainer(
        &out_dir,
        "room",
        (WIDTH_PX, HEIGHT_PX),
        &["--twin".as_ref(), "practice-block".as_ref()],
    );
    assert_eq!(picture.dimensions(), (WIDTH_PX, HEIGHT_PX));

    let whole = ((0.0, 1.0), (0.0, 1.0));
    let cleared = share(&picture, whole.0, whole.1, Surface::ClearColour);
    assert!(
        cleared < 0.01,
        "{:.1} % of the window is clear colour",
        cleared * 100.0
    );

    // The table pad fills the lower right of the view, in front of the practice block.
    let pad = share(&picture, (0.75, 1.0), (0.55, 0.8), Surface::TablePad);
    assert!(
        pad > 0.9,
        "table pad covers {:.0} % of the lower right",
        pad * 100.0
    );
    // The top of the view is wall, not table.
    let pad_top = share(&picture, (0.0, 1.0), (0.0, 0.25), Surface::TablePad);
    assert!(
        pad_top < 0.02,
        "table pad in the top quarter: {:.1} %",
        pad_top * 100.0
    );
    let room_top = share(&picture, (0.0, 1.0), (0.0, 0.25), Surface::RoomNeutral);
    assert!(
        room_top > 0.9,
        "walls cover {:.0} % of the top quarter",
        room_top * 100.0
    );
    // Below the table's front edge on the left: the floor (and a table leg), not the pad.
    let floor = share(&picture, (0.0, 0.2), (0.75, 0.85), Surface::RoomNeutral);
    assert!(
        floor > 0.8,
        "floor covers {:.0} % below the table edge",
        floor * 100.0
    );
    // The practice block's vertebrae sit at the centre of the view, where the back will be.
    let bone = share(&picture, (0.45, 0.58), (0.38, 0.5), Surface::Bone);
    assert!(
        bone > 0.1,
        "bone covers {:.0} % of the centre",
        bone * 100.0
    );
    assert_eq!(share(&picture, (0.0, 1.0), (0.0, 0.3), Surface::Bone), 0.0);
}
