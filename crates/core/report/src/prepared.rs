//! One session made ready for drawing: its series, metrics and score, its colour and name.

use lesson::{AttemptMetrics, Lesson, Score};
use session::{Recording, Role};

use crate::palette::session_colour;
use crate::series::SessionSeries;

/// One recording to report on, with the lesson it is judged against.
#[derive(Debug, Clone, Copy)]
pub struct ReportSession<'a> {
    /// How the session is named in the report (its file name, say). Shown escaped.
    pub label: &'a str,
    /// The recording (poses in the twin frame, as read from the file).
    pub recording: &'a Recording,
    /// The lesson it is scored against.
    pub lesson: &'a Lesson,
}

/// A session with everything the report derives from it.
#[derive(Debug, Clone)]
pub(crate) struct Prepared<'a> {
    pub label: &'a str,
    pub recording: &'a Recording,
    pub lesson: &'a Lesson,
    pub series: SessionSeries,
    pub metrics: AttemptMetrics,
    pub score: Score,
    pub colour: &'static str,
}

impl<'a> Prepared<'a> {
    pub fn new(index: usize, session: &ReportSession<'a>) -> Prepared<'a> {
        let recording = session.recording;
        let metrics =
            AttemptMetrics::from_events(session.lesson, &recording.events, Some(&recording.frames));
        let score = session.lesson.score(&metrics);
        Prepared {
            label: session.label,
            recording,
            lesson: session.lesson,
            series: SessionSeries::from_recording(recording),
            metrics,
            score,
            colour: session_colour(index),
        }
    }

    /// "trainee" or "instructor".
    pub fn role(&self) -> &'static str {
        match self.recording.header.role {
            Role::Trainee => "trainee",
            Role::Instructor => "instructor",
        }
    }

    /// Role and label, unescaped ("trainee: a.nxsession").
    pub fn name(&self) -> String {
        format!("{}: {}", self.role(), self.label)
    }
}
