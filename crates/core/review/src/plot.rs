//! The depth and force plot as an RGBA raster: depth above, force below, tissue layers of the
//! first recording as coloured bands behind both, one line colour per recording.

use anatomy::TissueClass;

use crate::series::PlotSeries;

/// Plot background, sRGB.
const BACKGROUND_SRGB8: [u8; 3] = [18, 20, 26];
/// Grid lines, sRGB.
const GRID_SRGB8: [u8; 3] = [48, 52, 62];
/// How much of a tissue's colour tints its band (the rest is background), so lines stay legible.
const BAND_TINT: f32 = 0.45;
/// Rows between the depth and the force panes.
const GAP_PX: u32 = 4;
/// Depth grid every this many millimetres.
const DEPTH_GRID_MM: f32 = 10.0;
/// Force grid every this many newtons.
const FORCE_GRID_N: f32 = 5.0;

/// One recording to plot and its line colour.
#[derive(Debug, Clone, Copy)]
pub struct TrackPlot<'a> {
    /// Its series.
    pub series: &'a PlotSeries,
    /// Line colour, sRGB.
    pub colour_srgb8: [u8; 3],
}

/// The full-scale values of the two panes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotScale {
    /// Depth at the bottom of the depth pane, millimetres.
    pub depth_max_mm: f32,
    /// Force at the top of the force pane, newtons.
    pub force_max_n: f32,
}

/// An RGBA8 (sRGB) picture, rows top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotImage {
    /// Width, pixels.
    pub width_px: u32,
    /// Height, pixels.
    pub height_px: u32,
    /// Four bytes per pixel.
    pub rgba: Vec<u8>,
    /// The scales used.
    pub scale: PlotScale,
}

impl PlotImage {
    /// The colour at a pixel, `None` outside.
    pub fn pixel(&self, x_px: u32, y_px: u32) -> Option<[u8; 4]> {
        if x_px >= self.width_px || y_px >= self.height_px {
            return None;
        }
        let at = ((y_px * self.width_px + x_px) * 4) as usize;
        let bytes = self.rgba.get(at..at + 4)?;
        Some([bytes[0], bytes[1], bytes[2], bytes[3]])
    }

    /// Height of each pane, pixels.
    pub fn pane_height_px(&self) -> u32 {
        self.height_px.saturating_sub(GAP_PX) / 2
    }

    /// Top row of the force pane.
    pub fn force_pane_top_px(&self) -> u32 {
        self.pane_height_px() + GAP_PX
    }

    fn put(&mut self, x_px: u32, y_px: u32, srgb8: [u8; 3]) {
        if x_px < self.width_px && y_px < self.height_px {
            let at = ((y_px * self.width_px + x_px) * 4) as usize;
            if let Some(bytes) = self.rgba.get_mut(at..at + 4) {
                bytes.copy_from_slice(&[srgb8[0], srgb8[1], srgb8[2], 255]);
            }
        }
    }
}

/// The colour of a tissue band: the design's colour for that tissue, as in the section view.
pub fn tissue_colour_srgb8(tissue: TissueClass) -> [u8; 3] {
    design::tissue_colour(tissue).to_srgb8()
}

fn tint(colour: [u8; 3], share: f32) -> [u8; 3] {
    let mix = |c: u8, b: u8| (f32::from(b) + (f32::from(c) - f32::from(b)) * share).round() as u8;
    [
        mix(colour[0], BACKGROUND_SRGB8[0]),
        mix(colour[1], BACKGROUND_SRGB8[1]),
        mix(colour[2], BACKGROUND_SRGB8[2]),
    ]
}

/// `value` rounded up to a whole number of `step`s, at least one step.
fn nice_max(value: f32, step: f32) -> f32 {
    let steps = if value.is_finite() {
        (value / step).ceil().max(1.0)
    } else {
        1.0
    };
    steps * step
}

/// Draws `tracks` from `start_s` to `end_s` into a `width_px` × `height_px` picture. The
/// first track's tissue bands fill the background (air left clear); depth grows downwards in
/// the upper pane (as the needle goes in), force upwards in the lower one.
pub fn render_plot(
    tracks: &[TrackPlot<'_>],
    start_s: f64,
    end_s: f64,
    width_px: u32,
    height_px: u32,
) -> PlotImage {
    let (depth_peak_mm, force_peak_n) = tracks
        .iter()
        .map(|track| track.series.peaks())
        .fold((0.0f32, 0.0f32), |(d, f), (td, tf)| (d.max(td), f.max(tf)));
    let scale = PlotScale {
        depth_max_mm: nice_max(depth_peak_mm, DEPTH_GRID_MM),
        force_max_n: nice_max(force_peak_n, FORCE_GRID_N),
    };
    let width_px = width_px.max(1);
    let height_px = height_px.max(GAP_PX + 2);
    let mut image = PlotImage {
        width_px,
        height_px,
        rgba: [
            BACKGROUND_SRGB8[0],
            BACKGROUND_SRGB8[1],
            BACKGROUND_SRGB8[2],
            255,
        ]
        .repeat((width_px * height_px) as usize),
        scale,
    };
    let pane_px = image.pane_height_px();
    let force_top_px = image.force_pane_top_px();
    let span_s = if end_s > start_s {
        end_s - start_s
    } else {
        1.0
    };
    let column_time_s =
        |x_px: u32| start_s + (f64::from(x_px) + 0.5) / f64::from(width_px) * span_s;

    // Bands, then grid lines, then the lines on top.
    if let Some(first) = tracks.first() {
        for x_px in 0..width_px {
            let Some(band) = first.series.band_at(column_time_s(x_px)) else {
                continue;
            };
            if band.tissue == TissueClass::Air {
                continue;
            }
            let colour = tint(tissue_colour_srgb8(band.tissue), BAND_TINT);
            for y_px in (0..pane_px).chain(force_top_px..force_top_px + pane_px) {
                image.put(x_px, y_px, colour);
            }
        }
    }
    let pane_row = |share: f32| ((share.clamp(0.0, 1.0)) * (pane_px - 1) as f32).round() as u32;
    let mut grid_mm = DEPTH_GRID_MM;
    while grid_mm < scale.depth_max_mm {
        let y_px = pane_row(grid_mm / scale.depth_max_mm);
        (0..width_px).for_each(|x_px| image.put(x_px, y_px, GRID_SRGB8));
        grid_mm += DEPTH_GRID_MM;
    }
    let mut grid_n = FORCE_GRID_N;
    while grid_n < scale.force_max_n {
        let y_px = force_top_px + pane_row(1.0 - grid_n / scale.force_max_n);
        (0..width_px).for_each(|x_px| image.put(x_px, y_px, GRID_SRGB8));
        grid_n += FORCE_GRID_N;
    }

    for track in tracks {
        let points = &track.series.points;
        if points.is_empty() {
            continue;
        }
        let mut previous: Option<(u32, u32)> = None;
        for x_px in 0..width_px {
            let time_s = column_time_s(x_px);
            let after = points.partition_point(|point| point.time_s <= time_s);
            if after == 0
                || (after == points.len()
                    && time_s > points[after - 1].time_s + span_s / f64::from(width_px))
            {
                previous = None;
                continue;
            }
            let point = points[after - 1];
            let depth_y = pane_row(point.depth_mm / scale.depth_max_mm);
            let force_y = force_top_px + pane_row(1.0 - point.force_n / scale.force_max_n);
            let (from_depth, from_force) = previous.unwrap_or((depth_y, force_y));
            draw_column(&mut image, x_px, from_depth, depth_y, track.colour_srgb8);
            draw_column(&mut image, x_px, from_force, force_y, track.colour_srgb8);
            previous = Some((depth_y, force_y));
        }
    }
    image
}

/// A vertical run joining the previous column's row to this one's, two pixels thick.
fn draw_column(image: &mut PlotImage, x_px: u32, from_y: u32, to_y: u32, colour: [u8; 3]) {
    let (low, high) = (from_y.min(to_y), from_y.max(to_y));
    for y_px in low..=high.saturating_add(1) {
        image.put(x_px, y_px, colour);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::{SeriesPoint, TissueBand};

    fn series() -> PlotSeries {
        PlotSeries {
            points: (0..=100)
                .map(|index| SeriesPoint {
                    time_s: f64::from(index) / 10.0,
                    depth_mm: index as f32 * 0.5,
                    force_n: 3.0,
                })
                .collect(),
            bands: vec![
                TissueBand {
                    start_s: 0.0,
                    end_s: 5.0,
                    tissue: TissueClass::Air,
                },
                TissueBand {
                    start_s: 5.0,
                    end_s: 10.0,
                    tissue: TissueClass::LigamentumFlavum,
                },
            ],
        }
    }

    #[test]
    fn bands_fill_their_time_and_air_stays_background() {
        let series = series();
        let plot = render_plot(
            &[TrackPlot {
                series: &series,
                colour_srgb8: [255, 140, 0],
            }],
            0.0,
            10.0,
            200,
            104,
        );
        assert_eq!(plot.rgba.len(), 200 * 104 * 4);
        assert_eq!(plot.scale.depth_max_mm, 50.0);
        assert_eq!(plot.scale.force_max_n, 5.0);
        let band = tint(
            tissue_colour_srgb8(TissueClass::LigamentumFlavum),
            BAND_TINT,
        );
        // Top-right of the depth pane: the ligament band (the depth line is far below).
        let [r, g, b, _] = plot.pixel(190, 1).expect("inside");
        assert_eq!([r, g, b], band);
        let [r, g, b, _] = plot.pixel(10, 5).expect("inside");
        assert_eq!([r, g, b], BACKGROUND_SRGB8, "air is not a band");
        assert_eq!(plot.pixel(200, 0), None);
    }

    #[test]
    fn lines_sit_at_their_depth_and_force() {
        let series = series();
        let colour = [255, 140, 0];
        let plot = render_plot(
            &[TrackPlot {
                series: &series,
                colour_srgb8: colour,
            }],
            0.0,
            10.0,
            200,
            104,
        );
        let pane = plot.pane_height_px();
        // At 8 s the depth is 40 of 50 mm: 80 % down the depth pane.
        let x_px = 160;
        let depth_row = (0.8 * (pane - 1) as f32).round() as u32;
        let rows: Vec<u32> = (0..pane)
            .filter(|y| plot.pixel(x_px, *y).map(|p| [p[0], p[1], p[2]]) == Some(colour))
            .collect();
        assert!(
            rows.iter().all(|row| row.abs_diff(depth_row) <= 2) && !rows.is_empty(),
            "depth line rows {rows:?}, expected near {depth_row}"
        );
        // 3 of 5 N: 60 % up the force pane.
        let force_row = plot.force_pane_top_px() + (0.4 * (pane - 1) as f32).round() as u32;
        let [r, g, b, _] = plot.pixel(x_px, force_row).expect("inside");
        assert_eq!([r, g, b], colour);
    }

    #[test]
    fn empty_and_degenerate_inputs_give_a_background_picture() {
        let plot = render_plot(&[], 5.0, 5.0, 0, 0);
        assert!(plot.width_px >= 1 && plot.height_px >= 1);
        assert_eq!(
            plot.rgba.len(),
            (plot.width_px * plot.height_px * 4) as usize
        );
    }
}
