//! Reading lesson files (RON), checking them, and the summary of `neuraxis lesson check`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anatomy::VertebraLevel;
use serde::Deserialize;
use session::MAX_TEXT_BYTES;

use crate::schema::{
    LESSON_FORMAT_VERSION, Lesson, NEEDLE_LENGTH_RANGE_MM, Procedure, TRANSLATION_LANGUAGES,
    Technique, Trajectory, TwinRef,
};

/// The lowest interspace whose upper vertebra may be L2 for a spinal needle: the conus medullaris
/// ends at L1–L2 in most adults, so a spinal needle goes in at L2–L3 or below.
const LOWEST_CONUS_LEVEL: VertebraLevel = VertebraLevel::L2;

/// A lesson file could not be read or does not describe a usable lesson.
#[derive(Debug, thiserror::Error)]
pub enum LessonError {
    /// The file system refused.
    #[error("lesson file {path}: cannot read: {source}")]
    Io {
        /// File concerned.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The text is not a lesson: bad syntax, a misspelt or missing field, a wrong value.
    #[error("lesson file {path}:{line}:{column}: {problem}")]
    Syntax {
        /// File concerned.
        path: PathBuf,
        /// Line of the problem, from 1.
        line: usize,
        /// Column of the problem, from 1.
        column: usize,
        /// What is wrong, naming the field where the parser knows it.
        problem: String,
    },
    /// Written by a newer Neuraxis.
    #[error(
        "lesson file {path} has format_version {found}; this build reads versions up to \
         {supported}: update Neuraxis to use it"
    )]
    NewerVersion {
        /// File concerned.
        path: PathBuf,
        /// Version in the file.
        found: u32,
        /// Newest version this build reads.
        supported: u32,
    },
    /// The lesson parses but contradicts itself or the anatomy.
    #[error("lesson file {path}: field `{field}`: {problem}")]
    Invalid {
        /// File concerned.
        path: PathBuf,
        /// The field at fault.
        field: String,
        /// What is wrong and what to do.
        problem: String,
    },
    /// The twin the lesson names cannot be found.
    #[error("lesson file {path}: twin {twin:?} is not available: {problem}")]
    TwinMissing {
        /// File concerned.
        path: PathBuf,
        /// The twin named.
        twin: TwinRef,
        /// Why the app could not resolve it.
        problem: String,
    },
}

/// Only the version, read first so a newer file is refused before its fields are judged.
#[derive(Deserialize)]
#[serde(rename = "Lesson")]
struct VersionProbe {
    format_version: u32,
}

fn syntax_error(path: &Path, error: &ron::error::SpannedError) -> LessonError {
    LessonError::Syntax {
        path: path.to_owned(),
        line: error.span.start.line,
        column: error.span.start.col,
        problem: error.code.to_string(),
    }
}

impl Lesson {
    /// Reads and parses a lesson file (no validation; see [`Lesson::validate`]).
    pub fn load(path: &Path) -> Result<Lesson, LessonError> {
        let text = std::fs::read_to_string(path).map_err(|source| LessonError::Io {
            path: path.to_owned(),
            source,
        })?;
        Lesson::parse(&text, path)
    }

    /// Parses lesson text; `path` names the source in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Lesson, LessonError> {
        match ron::from_str::<VersionProbe>(text) {
            Ok(probe) if probe.format_version > LESSON_FORMAT_VERSION => {
                return Err(LessonError::NewerVersion {
                    path: path.to_owned(),
                    found: probe.format_version,
                    supported: LESSON_FORMAT_VERSION,
                });
            }
            // Other problems are reported with the full parse, which names the field.
            _ => {}
        }
        ron::from_str::<Lesson>(text).map_err(|error| syntax_error(path, &error))
    }

    /// Writes the lesson as pretty RON (the format `load` reads).
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default().struct_names(true))
    }

    /// Checks the lesson against itself and the anatomy; `resolve_twin` says whether the twin
    /// exists (the app knows where bundles live). `path` names the file in errors.
    pub fn validate<E: std::fmt::Display>(
        &self,
        path: &Path,
        resolve_twin: impl Fn(&TwinRef) -> Result<(), E>,
    ) -> Result<(), LessonError> {
        let invalid = |field: &str, problem: String| LessonError::Invalid {
            path: path.to_owned(),
            field: field.to_owned(),
            problem,
        };
        if self.format_version == 0 {
            return Err(invalid("format_version", "versions start at 1".into()));
        }
        for (field, text) in [("id", &self.id), ("title", &self.title)] {
            if text.trim().is_empty() {
                return Err(invalid(field, "must not be empty".into()));
            }
        }
        if self.id.len() > MAX_TEXT_BYTES
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(invalid(
                "id",
                format!(
                    "{:?}: use letters, digits, '-' and '_' only (it names recordings)",
                    self.id
                ),
            ));
        }
        if !self.target_interspace.is_adjacent() {
            return Err(invalid(
                "target_interspace",
                format!(
                    "{} and {} are not adjacent with the cranial level first (write e.g. \
                     Interspace(cranial: L3, caudal: L4))",
                    self.target_interspace.cranial, self.target_interspace.caudal
                ),
            ));
        }
        if self.procedure != Procedure::Epidural
            && self.target_interspace.cranial > LOWEST_CONUS_LEVEL
        {
            return Err(invalid(
                "target_interspace",
                format!(
                    "{} is above L2–L3: a spinal needle there may reach the conus medullaris",
                    self.target_interspace
                ),
            ));
        }
        if self.target_space != self.procedure.target_space() {
            return Err(invalid(
                "target_space",
                format!(
                    "{:?} does not fit a {}: it needs {:?}",
                    self.target_space,
                    self.procedure.display_name(),
                    self.procedure.target_space()
                ),
            ));
        }
        let epidural = self.procedure == Procedure::Epidural;
        if self.needle.kind.is_epidural() != epidural {
            return Err(invalid(
                "needle.kind",
                format!(
                    "{:?} is {} needle, not one for a {}",
                    self.needle.kind,
                    if self.needle.kind.is_epidural() {
                        "an epidural"
                    } else {
                        "a spinal"
                    },
                    self.procedure.display_name()
                ),
            ));
        }
        if let Some(length_mm) = self.needle.length_mm {
            let (shortest, longest) = NEEDLE_LENGTH_RANGE_MM;
            if !(shortest..=longest).contains(&length_mm) {
                return Err(invalid(
                    "needle.length_mm",
                    format!("{length_mm} mm is outside {shortest}–{longest} mm"),
                ));
            }
        }
        match (epidural, self.technique) {
            (true, Technique::None) => {
                return Err(invalid(
                    "technique",
                    "an epidural needs LossOfResistance(Saline) or LossOfResistance(Air)".into(),
                ));
            }
            (false, Technique::LossOfResistance(_)) => {
                return Err(invalid(
                    "technique",
                    "a spinal needle finds CSF with the stylet out: use None".into(),
                ));
            }
            _ => {}
        }
        if let Some(trajectory) = &self.ideal_trajectory {
            validate_trajectory(trajectory)
                .map_err(|problem| invalid("ideal_trajectory", problem))?;
        }
        self.validate_steps(&invalid)?;
        self.validate_pass_criteria(&invalid)?;
        if let Some(minutes) = self.expected_time_min
            && !(minutes.is_finite() && minutes > 0.0)
        {
            return Err(invalid(
                "expected_time_min",
                format!("{minutes}: must be a positive number of minutes"),
            ));
        }
        self.validate_translations(&invalid)?;
        resolve_twin(&self.twin).map_err(|problem| LessonError::TwinMissing {
            path: path.to_owned(),
            twin: self.twin.clone(),
            problem: problem.to_string(),
        })
    }

    fn validate_steps(
        &self,
        invalid: &impl Fn(&str, String) -> LessonError,
    ) -> Result<(), LessonError> {
        if self.steps.is_empty() {
            return Err(invalid("steps", "a lesson needs at least one step".into()));
        }
        let mut ids = BTreeSet::new();
        for (index, step) in self.steps.iter().enumerate() {
            let field = format!("steps[{index}]");
            if step.id.trim().is_empty() || step.id.len() > MAX_TEXT_BYTES {
                return Err(invalid(
                    &format!("{field}.id"),
                    format!("must be 1 to {MAX_TEXT_BYTES} bytes"),
                ));
            }
            if !ids.insert(step.id.as_str()) {
                return Err(invalid(
                    &format!("{field}.id"),
                    format!("{:?} is used by an earlier step", step.id),
                ));
            }
            if step.text.trim().is_empty() {
                return Err(invalid(
                    &format!("{field}.text"),
                    "must not be empty".into(),
                ));
            }
            if !step.done_when.fits(self.procedure, self.technique) {
                return Err(invalid(
                    &format!("{field}.done_when"),
                    format!(
                        "{:?} cannot happen in a correct {} with technique {:?}",
                        step.done_when,
                        self.procedure.display_name(),
                        self.technique
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_translations(
        &self,
        invalid: &impl Fn(&str, String) -> LessonError,
    ) -> Result<(), LessonError> {
        for (code, translation) in &self.translations {
            let field = format!("translations[{code:?}]");
            if !TRANSLATION_LANGUAGES.contains(&code.as_str()) {
                return Err(invalid(
                    &field,
                    format!(
                        "{code:?} is not a language of the interface: use one of {}",
                        TRANSLATION_LANGUAGES.join(", ")
                    ),
                ));
            }
            if translation
                .title
                .as_ref()
                .is_some_and(|title| title.trim().is_empty())
            {
                return Err(invalid(
                    &format!("{field}.title"),
                    "must not be empty".into(),
                ));
            }
            if !translation.objectives.is_empty()
                && translation.objectives.len() != self.objectives.len()
            {
                return Err(invalid(
                    &format!("{field}.objectives"),
                    format!(
                        "{} given for the lesson's {}: translate all of them or none",
                        translation.objectives.len(),
                        self.objectives.len()
                    ),
                ));
            }
            for (step_id, text) in &translation.steps {
                if !self.steps.iter().any(|step| &step.id == step_id) {
                    return Err(invalid(
                        &format!("{field}.steps"),
                        format!("{step_id:?} is not a step of this lesson"),
                    ));
                }
                if text.trim().is_empty() {
                    return Err(invalid(
                        &format!("{field}.steps[{step_id:?}]"),
                        "must not be empty".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_pass_criteria(
        &self,
        invalid: &impl Fn(&str, String) -> LessonError,
    ) -> Result<(), LessonError> {
        let criteria = &self.pass_criteria;
        if !(0.0..=100.0).contains(&criteria.min_score_percent) {
            return Err(invalid(
                "pass_criteria.min_score_percent",
                format!("{} is not a percentage (0–100)", criteria.min_score_percent),
            ));
        }
        if !(criteria.max_time_s.is_finite() && criteria.max_time_s > 0.0) {
            return Err(invalid(
                "pass_criteria.max_time_s",
                format!(
                    "{} s: must be a positive number of seconds",
                    criteria.max_time_s
                ),
            ));
        }
        if criteria.max_attempts == Some(0) {
            return Err(invalid(
                "pass_criteria.max_attempts",
                "0 attempts can never pass: allow at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The ideal needle line: the lesson's, or the approach's default.
    pub fn trajectory(&self) -> Trajectory {
        self.ideal_trajectory
            .unwrap_or_else(|| Trajectory::default_for(self.approach))
    }

    /// A printable summary for `neuraxis lesson check FILE`.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let twin = match &self.twin {
            TwinRef::Bundle(folder) => format!("bundle {folder}"),
            TwinRef::Phantom(preset) => format!("phantom \"{}\"", preset.name()),
            TwinRef::ReferenceCt => "reference CT twin".to_owned(),
        };
        let technique = match self.technique {
            Technique::LossOfResistance(fluid) => format!("loss of resistance ({fluid:?})"),
            Technique::None => "stylet out, watch for CSF".to_owned(),
        };
        let needle_length = self
            .needle
            .length_mm
            .map_or_else(|| "default length".to_owned(), |mm| format!("{mm} mm"));
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{} ({}), format {}",
            self.title, self.id, self.format_version
        );
        let _ = writeln!(
            out,
            "  {} at {}, {:?} approach, patient {:?}",
            self.procedure.display_name(),
            self.target_interspace,
            self.approach,
            self.patient_position
        );
        let _ = writeln!(out, "  target: {:?} space; twin: {twin}", self.target_space);
        let _ = writeln!(
            out,
            "  needle: {:?}, {needle_length}; technique: {technique}",
            self.needle.kind
        );
        for objective in &self.objectives {
            let _ = writeln!(out, "  objective: {objective}");
        }
        if let Some(minutes) = self.expected_time_min {
            let _ = writeln!(out, "  expected time: {minutes} min");
        }
        if !self.translations.is_empty() {
            let codes: Vec<&str> = self.translations.keys().map(String::as_str).collect();
            let _ = writeln!(out, "  translations: {}", codes.join(", "));
        }
        for (index, step) in self.steps.iter().enumerate() {
            let _ = writeln!(
                out,
                "  step {}: [{}] {} (done when {:?})",
                index + 1,
                step.id,
                step.text,
                step.done_when
            );
        }
        let criteria = &self.pass_criteria;
        let limit = |value: Option<u32>| value.map_or_else(|| "any".to_owned(), |n| n.to_string());
        let _ = writeln!(
            out,
            "  pass: score ≥ {}%, time ≤ {} s, bone contacts ≤ {}, attempts ≤ {}, \
             paresthesias ≤ {}{}",
            criteria.min_score_percent,
            criteria.max_time_s,
            limit(criteria.max_bone_contacts),
            limit(criteria.max_attempts),
            limit(criteria.max_paresthesias),
            if self.procedure == Procedure::Epidural {
                ", no dural puncture"
            } else {
                ""
            }
        );
        out
    }
}

fn validate_trajectory(trajectory: &Trajectory) -> Result<(), String> {
    let finite = trajectory
        .entry_m
        .iter()
        .chain(&trajectory.direction)
        .all(|value| value.is_finite());
    let length_sq: f32 = trajectory.direction.iter().map(|v| v * v).sum();
    if !finite || length_sq < 1e-12 {
        return Err("entry and direction must be finite and the direction non-zero".into());
    }
    if !(trajectory.tolerance_deg > 0.0 && trajectory.tolerance_deg < 90.0) {
        return Err(format!(
            "tolerance_deg {} must be between 0 and 90",
            trajectory.tolerance_deg
        ));
    }
    Ok(())
}

/// Loads, validates and summarises a lesson: the work of `neuraxis lesson check FILE`.
pub fn check_lesson<E: std::fmt::Display>(
    path: &Path,
    resolve_twin: impl Fn(&TwinRef) -> Result<(), E>,
) -> Result<String, LessonError> {
    let lesson = Lesson::load(path)?;
    lesson.validate(path, resolve_twin)?;
    Ok(lesson.summary())
}
