//! The review timeline: play, pause, speed, scrub, step and jumps to events and chapters over
//! one or more recordings shown together.

use session::{Frame, Recording};

use crate::events::is_chapter;
use crate::sample::frame_at;

/// The speeds the −/+ keys step through.
pub const SPEED_STEPS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
/// Slowest playback.
pub const MIN_SPEED: f64 = 0.25;
/// Fastest playback.
pub const MAX_SPEED: f64 = 4.0;
/// Times closer than this count as the same instant (well under a 90 Hz frame).
const SAME_TIME_S: f64 = 1e-6;
/// Step length when the first recording has no frames to step between.
const FALLBACK_STEP_S: f64 = 1.0 / 90.0;

/// One recording on the timeline, with the label the legend and exports show.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// Short name (the file's stem).
    pub label: String,
    /// The recording, poses in the twin frame.
    pub recording: Recording,
}

/// What a mark on the timeline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// Any recorded event that is not a chapter.
    Event,
    /// A chapter annotation.
    Chapter,
}

/// A recorded event placed on the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    /// Session time, seconds.
    pub time_s: f64,
    /// Which track it belongs to.
    pub track: usize,
    /// Index into that track's `recording.events`.
    pub event_index: usize,
    /// Event or chapter.
    pub kind: MarkKind,
}

/// Playback state over one or more recordings, aligned at their session start (time 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    tracks: Vec<Track>,
    marks: Vec<Mark>,
    start_s: f64,
    end_s: f64,
    time_s: f64,
    playing: bool,
    speed: f64,
}

impl Timeline {
    /// A paused timeline at the start of `tracks`, at normal speed.
    pub fn new(tracks: Vec<Track>) -> Timeline {
        let mut marks: Vec<Mark> = tracks
            .iter()
            .enumerate()
            .flat_map(|(track, entry)| {
                entry
                    .recording
                    .events
                    .iter()
                    .enumerate()
                    .filter(|(_, event)| event.time_s.is_finite())
                    .map(move |(event_index, event)| Mark {
                        time_s: event.time_s,
                        track,
                        event_index,
                        kind: if is_chapter(&event.event) {
                            MarkKind::Chapter
                        } else {
                            MarkKind::Event
                        },
                    })
            })
            .collect();
        marks.sort_by(|a, b| {
            a.time_s
                .total_cmp(&b.time_s)
                .then(a.track.cmp(&b.track))
                .then(a.event_index.cmp(&b.event_index))
        });
        let times = tracks.iter().flat_map(|track| {
            let frames = &track.recording.frames;
            [frames.first(), frames.last()]
                .into_iter()
                .flatten()
                .map(|frame| frame.time_s)
        });
        let times = times
            .chain(marks.iter().map(|mark| mark.time_s))
            .filter(|time_s| time_s.is_finite());
        let (start_s, end_s) = times.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| {
            (lo.min(t), hi.max(t))
        });
        let (start_s, end_s) = if start_s <= end_s {
            (start_s.min(0.0), end_s)
        } else {
            (0.0, 0.0)
        };
        Timeline {
            tracks,
            marks,
            start_s,
            end_s,
            time_s: start_s,
            playing: false,
            speed: 1.0,
        }
    }

    /// The recordings.
    pub fn tracks(&self) -> &[Track] {
        &self.tracks
    }

    /// Every event of every track, in time order.
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// Earliest time on the timeline, seconds (0 or earlier).
    pub fn start_s(&self) -> f64 {
        self.start_s
    }

    /// Latest frame or event time, seconds.
    pub fn end_s(&self) -> f64 {
        self.end_s
    }

    /// Length of the timeline, seconds.
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }

    /// The current time, seconds.
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// Where the current time is along the timeline, 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.duration_s() > 0.0 {
            (self.time_s - self.start_s) / self.duration_s()
        } else {
            0.0
        }
    }

    /// Whether it is playing.
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// Playback speed, a multiple of real time.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Starts playing; from the start again when at the end.
    pub fn play(&mut self) {
        if self.time_s >= self.end_s - SAME_TIME_S {
            self.time_s = self.start_s;
        }
        self.playing = self.duration_s() > 0.0;
    }

    /// Stops playing, keeping the time.
    pub fn pause(&mut self) {
        self.playing = false;
    }

    /// Play if paused, pause if playing.
    pub fn toggle_play(&mut self) {
        if self.playing {
            self.pause();
        } else {
            self.play();
        }
    }

    /// Sets the speed, clamped to [`MIN_SPEED`]–[`MAX_SPEED`] (1× for a value that is not a
    /// number).
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = if speed.is_nan() {
            1.0
        } else {
            speed.clamp(MIN_SPEED, MAX_SPEED)
        };
    }

    /// The next faster step of [`SPEED_STEPS`] (stays at the fastest).
    pub fn faster(&mut self) {
        let next = SPEED_STEPS
            .iter()
            .find(|step| **step > self.speed + SAME_TIME_S)
            .copied()
            .unwrap_or(MAX_SPEED);
        self.set_speed(next);
    }

    /// The next slower step of [`SPEED_STEPS`] (stays at the slowest).
    pub fn slower(&mut self) {
        let next = SPEED_STEPS
            .iter()
            .rev()
            .find(|step| **step < self.speed - SAME_TIME_S)
            .copied()
            .unwrap_or(MIN_SPEED);
        self.set_speed(next);
    }

    /// Moves on by `wall_s` seconds of real time at the current speed when playing; pauses at
    /// the end.
    pub fn advance(&mut self, wall_s: f64) {
        if !self.playing || wall_s.is_nan() || wall_s <= 0.0 {
            return;
        }
        self.time_s += wall_s * self.speed;
        if self.time_s >= self.end_s {
            self.time_s = self.end_s;
            self.playing = false;
        }
    }

    /// Jumps to `time_s`, clamped to the timeline (the start for a value that is not a number).
    pub fn seek(&mut self, time_s: f64) {
        self.time_s = if time_s.is_nan() {
            self.start_s
        } else {
            time_s.clamp(self.start_s, self.end_s)
        };
    }

    /// Jumps to a fraction 0–1 of the timeline (a click on the bar).
    pub fn scrub(&mut self, fraction: f64) {
        let fraction = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self.seek(self.start_s + fraction * self.duration_s());
    }

    /// Pauses and moves by `frames` frames of the first recording (negative: back).
    pub fn step(&mut self, frames: i64) {
        self.playing = false;
        let recorded = self
            .tracks
            .first()
            .map(|track| track.recording.frames.as_slice())
            .unwrap_or_default();
        if recorded.is_empty() {
            self.seek(self.time_s + frames as f64 * FALLBACK_STEP_S);
            return;
        }
        // The frame at or just before now; stepping lands exactly on recorded frames.
        let at_or_before = recorded
            .partition_point(|frame| frame.time_s <= self.time_s + SAME_TIME_S)
            .saturating_sub(1) as i64;
        let on_frame = recorded
            .get(at_or_before as usize)
            .is_some_and(|frame| (frame.time_s - self.time_s).abs() <= SAME_TIME_S);
        let target = if frames < 0 && !on_frame && self.time_s > recorded[0].time_s {
            at_or_before + frames + 1
        } else {
            at_or_before + frames
        };
        let index = target.clamp(0, recorded.len() as i64 - 1) as usize;
        self.seek(recorded[index].time_s);
    }

    /// Jumps to the next mark of `kind` (any kind with `None`) after now; returns it.
    pub fn next_mark(&mut self, kind: Option<MarkKind>) -> Option<Mark> {
        let mark = *self.marks.iter().find(|mark| {
            mark.time_s > self.time_s + SAME_TIME_S && kind.is_none_or(|kind| mark.kind == kind)
        })?;
        self.seek(mark.time_s);
        Some(mark)
    }

    /// Jumps to the last mark of `kind` (any kind with `None`) before now; returns it.
    pub fn previous_mark(&mut self, kind: Option<MarkKind>) -> Option<Mark> {
        let mark = *self.marks.iter().rev().find(|mark| {
            mark.time_s < self.time_s - SAME_TIME_S && kind.is_none_or(|kind| mark.kind == kind)
        })?;
        self.seek(mark.time_s);
        Some(mark)
    }

    /// Index into [`marks`](Self::marks) of the latest mark at or before now.
    pub fn current_mark(&self) -> Option<usize> {
        self.marks
            .partition_point(|mark| mark.time_s <= self.time_s + SAME_TIME_S)
            .checked_sub(1)
    }

    /// Track `track`'s frame now (interpolated), `None` without such a track or frames.
    pub fn frame_now(&self, track: usize) -> Option<Frame> {
        frame_at(&self.tracks.get(track)?.recording.frames, self.time_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use session::{
        Annotation, FORMAT_VERSION, NeedleEventRecord, Role, SessionEvent, SessionHeader,
        TimedEvent,
    };

    fn recording(frame_count: usize, events: Vec<TimedEvent>) -> Recording {
        Recording {
            header: SessionHeader {
                format_version: FORMAT_VERSION,
                app_version: "0.1.0".to_owned(),
                twin_bundle_id: "default".to_owned(),
                twin_content_hash: "x".to_owned(),
                lesson_id: "lp".to_owned(),
                role: Role::Trainee,
                runtime_name: "desktop".to_owned(),
                device_names: Vec::new(),
                frame_rate_hz: 10.0,
                started_utc: "2026-05-01T09:30:00.000Z".to_owned(),
                needle_model: String::new(),
            },
            frames: (0..frame_count)
                .map(|index| Frame {
                    time_s: index as f64 / 10.0,
                    ..Frame::default()
                })
                .collect(),
            events,
            damage: None,
            closed_cleanly: true,
        }
    }

    fn event(time_s: f64, event: SessionEvent) -> TimedEvent {
        TimedEvent { time_s, event }
    }

    fn chapter(time_s: f64, title: &str) -> TimedEvent {
        event(
            time_s,
            SessionEvent::Annotation(Annotation::Chapter {
                title: title.to_owned(),
            }),
        )
    }

    fn timeline() -> Timeline {
        let trainee = recording(
            101,
            vec![
                event(2.0, SessionEvent::Needle(NeedleEventRecord::SkinPunctured)),
                event(6.0, SessionEvent::Needle(NeedleEventRecord::CsfFlashback)),
            ],
        );
        let instructor = recording(51, vec![chapter(1.0, "Landmarks"), chapter(4.0, "Advance")]);
        Timeline::new(vec![
            Track {
                label: "trainee".to_owned(),
                recording: trainee,
            },
            Track {
                label: "instructor".to_owned(),
                recording: instructor,
            },
        ])
    }

    #[test]
    fn spans_every_track_and_orders_marks_across_tracks() {
        let timeline = timeline();
        assert_eq!(timeline.start_s(), 0.0);
        assert!((timeline.end_s() - 10.0).abs() < 1e-9);
        let times: Vec<f64> = timeline.marks().iter().map(|mark| mark.time_s).collect();
        assert_eq!(times, [1.0, 2.0, 4.0, 6.0]);
        assert_eq!(timeline.marks()[0].track, 1);
        assert_eq!(timeline.marks()[0].kind, MarkKind::Chapter);
        assert_eq!(timeline.marks()[1].kind, MarkKind::Event);
    }

    #[test]
    fn playing_advances_at_speed_and_stops_at_the_end() {
        let mut timeline = timeline();
        timeline.advance(1.0);
        assert_eq!(timeline.time_s(), 0.0, "paused does not move");
        timeline.play();
        timeline.set_speed(2.0);
        timeline.advance(1.5);
        assert!((timeline.time_s() - 3.0).abs() < 1e-9);
        timeline.advance(100.0);
        assert!((timeline.time_s() - 10.0).abs() < 1e-9);
        assert!(!timeline.is_playing(), "pauses at the end");
        timeline.play();
        assert_eq!(timeline.time_s(), 0.0, "play at the end restarts");
        assert!(timeline.is_playing());
    }

    #[test]
    fn speed_is_clamped_and_steps_through_the_list() {
        let mut timeline = timeline();
        timeline.set_speed(100.0);
        assert_eq!(timeline.speed(), MAX_SPEED);
        timeline.set_speed(0.01);
        assert_eq!(timeline.speed(), MIN_SPEED);
        timeline.set_speed(f64::NAN);
        assert_eq!(timeline.speed(), 1.0);
        let mut seen = vec![timeline.speed()];
        for _ in 0..5 {
            timeline.faster();
            seen.push(timeline.speed());
        }
        assert_eq!(seen, [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]);
        timeline.set_speed(0.7);
        timeline.slower();
        assert_eq!(timeline.speed(), 0.5);
        timeline.slower();
        timeline.slower();
        assert_eq!(timeline.speed(), 0.25);
    }

    #[test]
    fn scrub_and_seek_are_clamped() {
        let mut timeline = timeline();
        timeline.scrub(0.25);
        assert!((timeline.time_s() - 2.5).abs() < 1e-9);
        assert!((timeline.fraction() - 0.25).abs() < 1e-9);
        timeline.scrub(7.0);
        assert_eq!(timeline.time_s(), timeline.end_s());
        timeline.seek(-3.0);
        assert_eq!(timeline.time_s(), 0.0);
        timeline.seek(f64::NAN);
        assert_eq!(timeline.time_s(), 0.0);
    }

    #[test]
    fn step_lands_on_recorded_frames_and_pauses() {
        let mut timeline = timeline();
        timeline.play();
        timeline.seek(0.25);
        timeline.step(1);
        assert!(!timeline.is_playing());
        assert!((timeline.time_s() - 0.3).abs() < 1e-9);
        timeline.step(1);
        assert!((timeline.time_s() - 0.4).abs() < 1e-9);
        timeline.step(-1);
        assert!((timeline.time_s() - 0.3).abs() < 1e-9);
        timeline.seek(0.25);
        timeline.step(-1);
        assert!((timeline.time_s() - 0.2).abs() < 1e-9, "back from between");
        timeline.step(-1000);
        assert_eq!(timeline.time_s(), 0.0);
        timeline.step(1000);
        assert!((timeline.time_s() - 10.0).abs() < 1e-9);
    }

    #[test]
    fn jumps_visit_events_and_chapters_in_order() {
        let mut timeline = timeline();
        let next = timeline.next_mark(None).expect("an event after 0");
        assert_eq!(next.time_s, 1.0);
        assert_eq!(timeline.time_s(), 1.0);
        assert_eq!(timeline.current_mark(), Some(0));
        assert_eq!(timeline.next_mark(None).map(|m| m.time_s), Some(2.0));
        assert_eq!(
            timeline
                .next_mark(Some(MarkKind::Chapter))
                .map(|m| m.time_s),
            Some(4.0)
        );
        assert_eq!(timeline.next_mark(Some(MarkKind::Chapter)), None);
        assert_eq!(timeline.time_s(), 4.0, "no chapter left: stays");
        assert_eq!(
            timeline
                .previous_mark(Some(MarkKind::Chapter))
                .map(|m| m.time_s),
            Some(1.0)
        );
        assert_eq!(timeline.previous_mark(None), None);
        timeline.seek(6.5);
        assert_eq!(timeline.previous_mark(None).map(|m| m.time_s), Some(6.0));
        assert_eq!(timeline.current_mark(), Some(3));
        timeline.seek(0.5);
        assert_eq!(timeline.current_mark(), None);
    }

    #[test]
    fn an_empty_timeline_is_harmless() {
        let mut timeline = Timeline::new(Vec::new());
        assert_eq!(timeline.duration_s(), 0.0);
        timeline.play();
        assert!(!timeline.is_playing());
        timeline.step(3);
        timeline.scrub(0.5);
        assert_eq!(timeline.fraction(), 0.0);
        assert_eq!(timeline.frame_now(0), None);
        assert_eq!(timeline.next_mark(None), None);
    }
}
