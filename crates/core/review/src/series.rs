//! Depth and force over time, and the tissue layers at the tip as contiguous bands.

use anatomy::TissueClass;
use glam::Vec3;
use session::Frame;

/// One sample of the plotted series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    /// Session time, seconds.
    pub time_s: f64,
    /// Tip depth from the skin entry along the shaft, millimetres (0 outside the body).
    pub depth_mm: f32,
    /// Axial force the operator applied, newtons.
    pub force_n: f32,
}

/// A contiguous run of frames with the same tissue at the tip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TissueBand {
    /// Time of the run's first frame, seconds.
    pub start_s: f64,
    /// Time the next run starts (or of the last frame), seconds.
    pub end_s: f64,
    /// Tissue at the tip throughout.
    pub tissue: TissueClass,
}

/// What the replay plots for one recording.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlotSeries {
    /// One point per frame, in time order.
    pub points: Vec<SeriesPoint>,
    /// Tissue runs, in time order, covering the frames without gaps (air included).
    pub bands: Vec<TissueBand>,
}

impl PlotSeries {
    /// The series of `frames` (in time order).
    pub fn from_frames(frames: &[Frame]) -> PlotSeries {
        let depths_mm = depth_series_mm(frames);
        let points = frames
            .iter()
            .zip(&depths_mm)
            .map(|(frame, depth_mm)| SeriesPoint {
                time_s: frame.time_s,
                depth_mm: *depth_mm,
                force_n: frame.needle.applied_force_n,
            })
            .collect();
        let mut bands: Vec<TissueBand> = Vec::new();
        for frame in frames {
            let tissue = frame.needle.tissue_at_tip;
            match bands.last_mut() {
                Some(band) if band.tissue == tissue => band.end_s = frame.time_s,
                Some(band) => {
                    band.end_s = frame.time_s;
                    bands.push(TissueBand {
                        start_s: frame.time_s,
                        end_s: frame.time_s,
                        tissue,
                    });
                }
                None => bands.push(TissueBand {
                    start_s: frame.time_s,
                    end_s: frame.time_s,
                    tissue,
                }),
            }
        }
        PlotSeries { points, bands }
    }

    /// The band covering `time_s`, if any.
    pub fn band_at(&self, time_s: f64) -> Option<&TissueBand> {
        let after = self.bands.partition_point(|band| band.start_s <= time_s);
        let band = self.bands.get(after.checked_sub(1)?)?;
        (time_s <= band.end_s).then_some(band)
    }

    /// Deepest depth and largest force of the series (0 without points).
    pub fn peaks(&self) -> (f32, f32) {
        self.points
            .iter()
            .fold((0.0f32, 0.0f32), |(depth, force), p| {
                (depth.max(p.depth_mm), force.max(p.force_n))
            })
    }
}

/// Tip depth for each frame, millimetres: the distance from where the tip went into the body
/// to the tip, along the shaft.
///
/// Frames carry poses, not depths, so the entry is taken from the tissue at the tip: the
/// midpoint between the last tip in air and the first tip in tissue (at 90 Hz and a usual
/// 5–20 mm/s that is within 0.1 mm of the skin). Out in the air the depth is 0, and a new entry
/// after a withdrawal starts a new track.
pub fn depth_series_mm(frames: &[Frame]) -> Vec<f32> {
    let mut entry_m: Option<Vec3> = None;
    let mut last_air_tip_m: Option<Vec3> = None;
    frames
        .iter()
        .map(|frame| {
            let tip_m = frame.needle.tip.position();
            if frame.needle.tissue_at_tip == TissueClass::Air {
                entry_m = None;
                last_air_tip_m = Some(tip_m);
                return 0.0;
            }
            let entry = *entry_m
                .get_or_insert_with(|| last_air_tip_m.map_or(tip_m, |air| (air + tip_m) / 2.0));
            let along = tip_m - frame.needle.hub.position();
            let offset = tip_m - entry;
            let depth_m = match along.try_normalize() {
                Some(direction) => offset.dot(direction),
                None => offset.length(),
            };
            let depth_mm = depth_m.max(0.0) * 1000.0;
            if depth_mm.is_finite() { depth_mm } else { 0.0 }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Quat;
    use session::Pose;

    /// A needle going straight down −Z: the skin at z = 0, tip at `tip_z_m`.
    fn frame(time_s: f64, tip_z_m: f32, tissue: TissueClass) -> Frame {
        let mut frame = Frame {
            time_s,
            ..Frame::default()
        };
        frame.needle.tip = Pose::new(Vec3::new(0.01, 0.0, tip_z_m), Quat::IDENTITY);
        frame.needle.hub = Pose::new(Vec3::new(0.01, 0.0, tip_z_m + 0.09), Quat::IDENTITY);
        frame.needle.tissue_at_tip = tissue;
        frame.needle.applied_force_n = time_s as f32;
        frame
    }

    #[test]
    fn depth_counts_from_the_skin_entry_and_restarts_after_withdrawal() {
        let frames = [
            frame(0.0, 0.001, TissueClass::Air),
            frame(0.1, -0.001, TissueClass::Skin),
            frame(0.2, -0.011, TissueClass::Fat),
            frame(0.3, -0.031, TissueClass::Muscle),
            frame(0.4, 0.002, TissueClass::Air),
            frame(0.5, -0.004, TissueClass::Skin),
        ];
        let depths = depth_series_mm(&frames);
        assert_eq!(depths[0], 0.0);
        assert!((depths[1] - 1.0).abs() < 1e-3, "{depths:?}");
        assert!((depths[2] - 11.0).abs() < 1e-3, "{depths:?}");
        assert!((depths[3] - 31.0).abs() < 1e-3, "{depths:?}");
        assert_eq!(depths[4], 0.0);
        assert!(
            (depths[5] - 3.0).abs() < 1e-3,
            "new entry midway: {depths:?}"
        );
    }

    #[test]
    fn bands_are_contiguous_runs_that_cover_the_frames() {
        let frames = [
            frame(0.0, 0.001, TissueClass::Air),
            frame(0.1, -0.001, TissueClass::Skin),
            frame(0.2, -0.002, TissueClass::Skin),
            frame(0.3, -0.011, TissueClass::Fat),
            frame(0.4, -0.012, TissueClass::Fat),
        ];
        let series = PlotSeries::from_frames(&frames);
        let tissues: Vec<_> = series.bands.iter().map(|band| band.tissue).collect();
        assert_eq!(
            tissues,
            [TissueClass::Air, TissueClass::Skin, TissueClass::Fat]
        );
        for pair in series.bands.windows(2) {
            assert_eq!(pair[0].end_s, pair[1].start_s, "no gaps");
        }
        assert_eq!(series.bands[1].start_s, 0.1);
        assert_eq!(series.bands[2].end_s, 0.4);
        assert_eq!(
            series.band_at(0.25).map(|band| band.tissue),
            Some(TissueClass::Skin)
        );
        assert_eq!(series.band_at(5.0), None);
        assert_eq!(series.points.len(), 5);
        let (depth_mm, force_n) = series.peaks();
        assert!((depth_mm - 12.0).abs() < 1e-3);
        assert!((force_n - 0.4).abs() < 1e-6);
    }
}
