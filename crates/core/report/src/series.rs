//! What one recording shows over time: tip depth, forces, tissue spans and the tip's path.

use anatomy::TissueClass;
use glam::Vec3;
use session::{Frame, NeedleEventRecord, Recording, SessionEvent};

/// One sampled instant of the needle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Session time, seconds.
    pub time_s: f64,
    /// Tip depth from the skin entry point along the shaft, millimetres (0 outside the body).
    pub depth_mm: f32,
    /// Axial force the operator applies, newtons.
    pub applied_force_n: f32,
    /// Force on the syringe plunger, newtons.
    pub plunger_force_n: f32,
}

/// A stretch of time with the tip in one tissue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TissueSpan {
    /// Start, seconds.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
    /// Tissue at the tip.
    pub tissue: TissueClass,
}

/// The series of one recording, all in the twin frame.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionSeries {
    /// One sample per frame.
    pub samples: Vec<Sample>,
    /// Tissue at the tip over time (from frames, else from the events).
    pub tissue_spans: Vec<TissueSpan>,
    /// Tip positions, metres, one per frame.
    pub tip_path_m: Vec<Vec3>,
    /// Hub and tip of the last frame, metres: the needle as it was left.
    pub last_shaft_m: Option<(Vec3, Vec3)>,
    /// Latest time of any frame or event, seconds.
    pub end_s: f64,
}

impl SessionSeries {
    /// The series of `recording`.
    pub fn from_recording(recording: &Recording) -> SessionSeries {
        let samples = depth_samples(&recording.frames);
        let tissue_spans = if recording.frames.is_empty() {
            spans_from_events(recording)
        } else {
            spans_from_frames(&recording.frames)
        };
        let finite = |time_s: f64| time_s.is_finite().then_some(time_s);
        let end_s = recording
            .frames
            .iter()
            .map(|frame| frame.time_s)
            .chain(recording.events.iter().map(|event| event.time_s))
            .filter_map(finite)
            .fold(0.0, f64::max);
        SessionSeries {
            samples,
            tissue_spans,
            tip_path_m: recording
                .frames
                .iter()
                .map(|frame| frame.needle.tip.position())
                .filter(|tip| tip.is_finite())
                .collect(),
            last_shaft_m: recording
                .frames
                .last()
                .map(|frame| (frame.needle.hub.position(), frame.needle.tip.position()))
                .filter(|(hub, tip)| hub.is_finite() && tip.is_finite()),
            end_s,
        }
    }

    /// Deepest sampled depth, millimetres (0 without samples).
    pub fn max_depth_mm(&self) -> f32 {
        self.samples
            .iter()
            .map(|sample| sample.depth_mm)
            .fold(0.0, f32::max)
    }
}

/// Depth along the shaft from where the tip went through the skin. The entry of each pass is
/// taken halfway between the last tip outside and the first tip inside (at 90 Hz and 10 mm/s
/// that is within 0.1 mm); a recording that starts with the tip already in the body takes the
/// shaft's crossing of the skin plane at the twin origin (Z = 0) instead.
fn depth_samples(frames: &[Frame]) -> Vec<Sample> {
    let mut samples = Vec::with_capacity(frames.len());
    let mut entry_m: Option<Vec3> = None;
    let mut previous_outside_tip_m: Option<Vec3> = None;
    for frame in frames {
        let needle = &frame.needle;
        let tip_m = needle.tip.position();
        let in_body = needle.tissue_at_tip != TissueClass::Air;
        let depth_mm = if in_body && tip_m.is_finite() {
            let entry = *entry_m.get_or_insert_with(|| match previous_outside_tip_m {
                Some(outside_m) => (outside_m + tip_m) / 2.0,
                None => skin_plane_crossing(needle.hub.position(), tip_m),
            });
            (tip_m - entry).length() * 1000.0
        } else {
            entry_m = None;
            if tip_m.is_finite() {
                previous_outside_tip_m = Some(tip_m);
            }
            0.0
        };
        samples.push(Sample {
            time_s: frame.time_s,
            depth_mm,
            applied_force_n: needle.applied_force_n,
            plunger_force_n: needle.plunger.force_n,
        });
    }
    samples
}

/// Where the line hub → tip crosses Z = 0, else the tip itself.
fn skin_plane_crossing(hub_m: Vec3, tip_m: Vec3) -> Vec3 {
    let shaft = tip_m - hub_m;
    if !hub_m.is_finite() || shaft.z.abs() < 1e-9 {
        return tip_m;
    }
    let along = -hub_m.z / shaft.z;
    if (0.0..=1.0).contains(&along) {
        hub_m + shaft * along
    } else {
        tip_m
    }
}

fn spans_from_frames(frames: &[Frame]) -> Vec<TissueSpan> {
    spans(
        frames
            .iter()
            .map(|frame| (frame.time_s, frame.needle.tissue_at_tip)),
        frames.last().map_or(0.0, |frame| frame.time_s),
    )
}

fn spans_from_events(recording: &Recording) -> Vec<TissueSpan> {
    let changes = recording.events.iter().filter_map(|event| {
        let SessionEvent::Needle(needle) = &event.event else {
            return None;
        };
        let tissue = match *needle {
            NeedleEventRecord::SkinPunctured => TissueClass::Skin,
            NeedleEventRecord::LayerEntered { tissue } => tissue,
            NeedleEventRecord::NeedleWithdrawn => TissueClass::Air,
            _ => return None,
        };
        Some((event.time_s, tissue))
    });
    let end_s = recording
        .events
        .iter()
        .map(|event| event.time_s)
        .fold(0.0, f64::max);
    spans(changes, end_s)
}

/// Runs of equal tissue; each ends where the next starts, the last at `end_s`.
fn spans(changes: impl Iterator<Item = (f64, TissueClass)>, end_s: f64) -> Vec<TissueSpan> {
    let mut spans: Vec<TissueSpan> = Vec::new();
    for (time_s, tissue) in changes.filter(|(time_s, _)| time_s.is_finite()) {
        match spans.last_mut() {
            Some(last) if last.tissue == tissue => {}
            Some(last) => {
                last.end_s = time_s;
                spans.push(TissueSpan {
                    start_s: time_s,
                    end_s: time_s,
                    tissue,
                });
            }
            None => spans.push(TissueSpan {
                start_s: time_s,
                end_s: time_s,
                tissue,
            }),
        }
    }
    if let Some(last) = spans.last_mut() {
        last.end_s = last.end_s.max(end_s);
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use session::{NeedleStateRecord, Pose, TimedEvent};

    fn frame(time_s: f64, tip_z_mm: f32, tissue: TissueClass) -> Frame {
        let tip = Vec3::new(0.0, 0.0, tip_z_mm / 1000.0);
        Frame {
            time_s,
            needle: NeedleStateRecord {
                hub: Pose::new(tip + Vec3::Z * 0.09, glam::Quat::IDENTITY),
                tip: Pose::new(tip, glam::Quat::IDENTITY),
                tissue_at_tip: tissue,
                applied_force_n: 2.0,
                ..NeedleStateRecord::default()
            },
            ..Frame::default()
        }
    }

    #[test]
    fn depth_runs_from_the_entry_and_resets_outside() {
        let frames = [
            frame(0.0, 1.0, TissueClass::Air),
            frame(0.1, -1.0, TissueClass::Skin),
            frame(0.2, -30.0, TissueClass::Muscle),
            frame(0.3, 5.0, TissueClass::Air),
        ];
        let samples = depth_samples(&frames);
        let depths: Vec<f32> = samples.iter().map(|s| s.depth_mm).collect();
        assert!((depths[1] - 1.0).abs() < 1e-3, "{depths:?}");
        assert!((depths[2] - 30.0).abs() < 1e-3, "{depths:?}");
        assert_eq!(depths[3], 0.0);
        let spans = spans_from_frames(&frames);
        let tissues: Vec<_> = spans.iter().map(|s| s.tissue).collect();
        assert_eq!(
            tissues,
            [
                TissueClass::Air,
                TissueClass::Skin,
                TissueClass::Muscle,
                TissueClass::Air
            ]
        );
        assert_eq!((spans[2].start_s, spans[2].end_s), (0.2, 0.3));
    }

    #[test]
    fn a_recording_starting_inside_measures_from_the_skin_plane() {
        let samples = depth_samples(&[frame(0.0, -20.0, TissueClass::Fat)]);
        assert!((samples[0].depth_mm - 20.0).abs() < 1e-3);
    }

    #[test]
    fn without_frames_the_spans_come_from_the_events() {
        let event = |time_s, needle| TimedEvent {
            time_s,
            event: SessionEvent::Needle(needle),
        };
        let recording = Recording {
            header: crate::test_support::header(session::Role::Trainee),
            frames: Vec::new(),
            events: vec![
                event(1.0, NeedleEventRecord::SkinPunctured),
                event(
                    2.0,
                    NeedleEventRecord::LayerEntered {
                        tissue: TissueClass::Fat,
                    },
                ),
                event(4.0, NeedleEventRecord::NeedleWithdrawn),
            ],
            damage: None,
            closed_cleanly: true,
        };
        let series = SessionSeries::from_recording(&recording);
        assert_eq!(series.tissue_spans.len(), 3);
        assert_eq!(series.tissue_spans[1].tissue, TissueClass::Fat);
        assert_eq!(series.end_s, 4.0);
    }
}
