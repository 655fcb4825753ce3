//! The lesson file's data model: what the trainee does, on which twin, and how it is judged.

use std::collections::BTreeMap;

use anatomy::{PatientPosition, TissueClass, VertebraLevel};
use needle::{LorFluid, NeedleKind};
use serde::{Deserialize, Serialize};

/// Newest lesson format this build reads and writes.
pub const LESSON_FORMAT_VERSION: u32 = 1;

/// One lesson: a procedure on a twin, its steps and its pass criteria (`scenes/*.ron`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Format of this file; a file newer than [`LESSON_FORMAT_VERSION`] is refused.
    pub format_version: u32,
    /// Stable identifier, written into session headers (`lesson_id`).
    pub id: String,
    /// Title shown in the lesson picker.
    pub title: String,
    /// What the trainee should be able to do afterwards.
    pub objectives: Vec<String>,
    /// The patient.
    pub twin: TwinRef,
    /// The procedure practised.
    pub procedure: Procedure,
    /// How the patient is positioned.
    pub patient_position: PatientPosition,
    /// The interspace the needle should pass through.
    pub target_interspace: Interspace,
    /// Where the needle tip should end.
    pub target_space: TargetSpace,
    /// Midline or paramedian.
    pub approach: Approach,
    /// The needle handed to the trainee.
    pub needle: NeedleChoice,
    /// How the epidural space is identified.
    pub technique: Technique,
    /// The ideal needle line in the twin frame; `None` takes the approach's default
    /// ([`Trajectory::default_for`]).
    #[serde(default)]
    pub ideal_trajectory: Option<Trajectory>,
    /// Ordered steps shown in the lesson panel.
    pub steps: Vec<LessonStep>,
    /// What an attempt must achieve to pass.
    pub pass_criteria: PassCriteria,
    /// Minutes a trainee typically needs, shown on the lesson browser's card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_time_min: Option<f32>,
    /// The lesson's own texts in other languages, by language code (`"es"`); what a
    /// translation leaves out stays as written above ([`Lesson::localized`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, LessonTranslation>,
}

/// Language codes a lesson may carry translations for: the interface's languages (the `locale`
/// crate's `Language::ALL`; its tests keep the two lists equal).
pub const TRANSLATION_LANGUAGES: [&str; 2] = ["en", "es"];

/// A lesson's title, objectives and step texts in one other language. Every part is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LessonTranslation {
    /// The title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// All the objectives, in the lesson's order (empty: keep the original ones).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<String>,
    /// Step texts by step id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<String, String>,
}

impl Lesson {
    /// A copy with the title, objectives and step texts of the translation for `language_code`
    /// ("es"; a locale name such as "es-ES" or "es_ES.UTF-8" finds "es"). Untranslated parts,
    /// and the whole lesson when there is no translation, stay as written.
    pub fn localized(&self, language_code: &str) -> Lesson {
        let mut lesson = self.clone();
        let language = language_code
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let Some(translation) = self
            .translations
            .get(language_code)
            .or_else(|| self.translations.get(&language))
        else {
            return lesson;
        };
        if let Some(title) = &translation.title {
            lesson.title.clone_from(title);
        }
        if !translation.objectives.is_empty() {
            lesson.objectives.clone_from(&translation.objectives);
        }
        for step in &mut lesson.steps {
            if let Some(text) = translation.steps.get(&step.id) {
                step.text.clone_from(text);
            }
        }
        lesson
    }
}

/// Which twin the lesson runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwinRef {
    /// A twin bundle folder, relative to the assets folder (`twins/case-01`).
    Bundle(String),
    /// A built-in phantom by preset name.
    Phantom(PhantomPreset),
    /// The twin built from the shared reference CT (`cargo xtask` builds it).
    ReferenceCt,
}

/// Built-in phantom presets, written by name in lesson files: `Phantom("high-bmi")`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum PhantomPreset {
    /// An average adult lumbar spine (`"default"`).
    Default,
    /// A lumbar scoliosis: rotated spinous processes, the midline is not where the skin says
    /// (`"scoliosis"`).
    Scoliosis,
    /// A high body-mass index: a deeper epidural space, landmarks hard to feel (`"high-bmi"`).
    HighBmi,
}

impl PhantomPreset {
    /// Every preset.
    pub const ALL: [PhantomPreset; 3] = [
        PhantomPreset::Default,
        PhantomPreset::Scoliosis,
        PhantomPreset::HighBmi,
    ];

    /// The preset's name as written in lesson files.
    pub fn name(self) -> &'static str {
        match self {
            PhantomPreset::Default => "default",
            PhantomPreset::Scoliosis => "scoliosis",
            PhantomPreset::HighBmi => "high-bmi",
        }
    }
}

impl TryFrom<String> for PhantomPreset {
    type Error = String;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        PhantomPreset::ALL
            .into_iter()
            .find(|preset| preset.name() == name)
            .ok_or_else(|| {
                format!("unknown phantom preset {name:?}: expected \"default\", \"scoliosis\" or \"high-bmi\"")
            })
    }
}

impl From<PhantomPreset> for String {
    fn from(preset: PhantomPreset) -> String {
        preset.name().to_owned()
    }
}

/// The procedure practised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Procedure {
    /// Diagnostic lumbar puncture: CSF sample from the subarachnoid space.
    LumbarPuncture,
    /// Spinal anaesthesia: injection into the subarachnoid space.
    Spinal,
    /// Lumbar epidural: the epidural space found by loss of resistance, the dura left intact.
    Epidural,
}

impl Procedure {
    /// The space the needle tip must reach for this procedure.
    pub fn target_space(self) -> TargetSpace {
        match self {
            Procedure::LumbarPuncture | Procedure::Spinal => TargetSpace::Subarachnoid,
            Procedure::Epidural => TargetSpace::Epidural,
        }
    }

    /// Words shown to a trainee.
    pub fn display_name(self) -> &'static str {
        match self {
            Procedure::LumbarPuncture => "lumbar puncture",
            Procedure::Spinal => "spinal anaesthesia",
            Procedure::Epidural => "lumbar epidural",
        }
    }
}

/// Where the needle tip should end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TargetSpace {
    /// Inside the dural sac, in CSF.
    Subarachnoid,
    /// Between the ligamentum flavum and the dura.
    Epidural,
}

impl TargetSpace {
    /// Whether a tip in `tissue` is in this space. Touching a root of the cauda equina is
    /// inside the sac but not where the tip should rest.
    pub fn contains(self, tissue: TissueClass) -> bool {
        match self {
            TargetSpace::Subarachnoid => tissue == TissueClass::Csf,
            TargetSpace::Epidural => tissue == TissueClass::EpiduralSpace,
        }
    }
}

/// The interspace between two adjacent vertebrae, e.g. L3–L4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interspace {
    /// The upper vertebra (L3 in L3–L4).
    pub cranial: VertebraLevel,
    /// The lower vertebra (L4 in L3–L4).
    pub caudal: VertebraLevel,
}

impl Interspace {
    /// Whether the two levels are neighbours with `cranial` above `caudal`.
    pub fn is_adjacent(&self) -> bool {
        self.cranial.caudal() == Some(self.caudal)
    }
}

impl std::fmt::Display for Interspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}–{}", self.cranial, self.caudal)
    }
}

/// Midline or paramedian approach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Approach {
    /// Through the supraspinous and interspinous ligaments.
    Midline,
    /// About 1 cm lateral of the midline, angled medially onto the ligamentum flavum.
    Paramedian,
}

/// The needle handed to the trainee. The kind fixes type, gauge and tip (see `needle` crate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedleChoice {
    /// Which needle (type and gauge).
    pub kind: NeedleKind,
    /// Shaft length when it differs from the needle model's default (a long needle for a
    /// high-BMI patient).
    #[serde(default)]
    pub length_mm: Option<f64>,
}

/// Shortest and longest needle shaft a lesson may ask for: paediatric spinal needles are about
/// 38 mm, long epidural needles for obese patients about 150 mm.
pub const NEEDLE_LENGTH_RANGE_MM: (f64, f64) = (25.0, 160.0);

/// How the epidural space is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Technique {
    /// Loss of resistance to a syringe of saline or air.
    LossOfResistance(LorFluid),
    /// No syringe: the stylet is withdrawn to look for CSF (spinal needles).
    None,
}

/// The ideal needle line, twin frame (metres; +X right, +Y superior, +Z posterior; origin the
/// skin over the L3–L4 midline).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trajectory {
    /// Where the needle should go through the skin.
    pub entry_m: [f32; 3],
    /// Which way the shaft should point, hub towards tip (need not be unit length).
    pub direction: [f32; 3],
    /// Angle off this line still counted as on track.
    pub tolerance_deg: f32,
}

/// Cephalad tilt of the needle for a midline approach: slightly cranial, along the downward
/// slope of the lumbar spinous processes (textbook 10–15°; the lower value is used).
pub const MIDLINE_CEPHALAD_DEG: f32 = 10.0;
/// Paramedian approach: entry about 1 cm lateral (and level with the interspace here), aimed
/// 15° medially and 10° cranially (textbook 10–15° medial).
pub const PARAMEDIAN_LATERAL_OFFSET_M: f32 = 0.010;
/// Medial angle of the paramedian approach.
pub const PARAMEDIAN_MEDIAL_DEG: f32 = 15.0;
/// Default tolerance around the ideal line: the spread of the textbook angle (10–15°) plus
/// hand tremor.
pub const DEFAULT_TRAJECTORY_TOLERANCE_DEG: f32 = 10.0;

impl Trajectory {
    /// The default ideal line for `approach` at the twin origin's interspace (right-handed
    /// operator: the paramedian entry is on the patient's right).
    pub fn default_for(approach: Approach) -> Trajectory {
        let cephalad = MIDLINE_CEPHALAD_DEG.to_radians();
        match approach {
            Approach::Midline => Trajectory {
                entry_m: [0.0, 0.0, 0.0],
                direction: [0.0, cephalad.sin(), -cephalad.cos()],
                tolerance_deg: DEFAULT_TRAJECTORY_TOLERANCE_DEG,
            },
            Approach::Paramedian => {
                let medial = PARAMEDIAN_MEDIAL_DEG.to_radians();
                Trajectory {
                    entry_m: [PARAMEDIAN_LATERAL_OFFSET_M, 0.0, 0.0],
                    direction: [-medial.tan(), cephalad.tan(), -1.0],
                    tolerance_deg: DEFAULT_TRAJECTORY_TOLERANCE_DEG,
                }
            }
        }
    }
}

/// One step of the lesson panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonStep {
    /// Short identifier, recorded in `LessonStepChange` events.
    pub id: String,
    /// What the trainee reads.
    pub text: String,
    /// What completes the step.
    pub done_when: StepCondition,
}

/// A fact of the event stream that completes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StepCondition {
    /// The trainee confirms on the panel (landmarks palpated, skin prepared).
    Confirmed,
    /// The tip went through the skin.
    SkinPunctured,
    /// The tip entered this tissue.
    TipIn(TissueClass),
    /// The tip went through this membrane with a give.
    MembranePunctured(TissueClass),
    /// The loss-of-resistance syringe gave way.
    LossOfResistance,
    /// The dura gave.
    DuraPunctured,
    /// CSF appeared at the hub.
    CsfFlashback,
    /// The needle left the skin.
    NeedleWithdrawn,
}

impl StepCondition {
    /// Whether this condition can be met in a correct `procedure` (an epidural that needs CSF
    /// cannot pass).
    pub fn fits(self, procedure: Procedure, technique: Technique) -> bool {
        let epidural = procedure == Procedure::Epidural;
        match self {
            StepCondition::TipIn(tissue) | StepCondition::MembranePunctured(tissue) => {
                !(epidural && (tissue.is_intrathecal() || tissue == TissueClass::Dura))
            }
            StepCondition::DuraPunctured | StepCondition::CsfFlashback => !epidural,
            StepCondition::LossOfResistance => technique != Technique::None,
            StepCondition::Confirmed
            | StepCondition::SkinPunctured
            | StepCondition::NeedleWithdrawn => true,
        }
    }
}

/// What an attempt must achieve to pass. Reaching the target space is always required, and
/// for an epidural so is an intact dura.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassCriteria {
    /// Least score, percent of the points the attempt could earn (80 = Xie et al.'s 16 of 20).
    #[serde(default = "default_min_score_percent")]
    pub min_score_percent: f32,
    /// Most bone contacts allowed.
    #[serde(default)]
    pub max_bone_contacts: Option<u32>,
    /// Most skin punctures allowed.
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// Most paresthesias allowed.
    #[serde(default)]
    pub max_paresthesias: Option<u32>,
    /// Longest attempt, seconds from the first skin puncture to success; also sets the time
    /// item of the score.
    pub max_time_s: f64,
}

/// Xie et al. (BMC Med Educ 2023): pass mark 16 points of a 20-point test.
pub const DEFAULT_MIN_SCORE_PERCENT: f32 = 80.0;

fn default_min_score_percent() -> f32 {
    DEFAULT_MIN_SCORE_PERCENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interspaces_are_adjacent_only_cranial_first() {
        use VertebraLevel::*;
        let space = |cranial, caudal| Interspace { cranial, caudal };
        assert!(space(L3, L4).is_adjacent());
        assert!(space(L5, Sacrum).is_adjacent());
        assert!(!space(L4, L3).is_adjacent());
        assert!(!space(L3, L5).is_adjacent());
        assert!(!space(L3, L3).is_adjacent());
        assert_eq!(space(L3, L4).to_string(), "L3–L4");
    }

    #[test]
    fn default_trajectories_point_into_the_back_at_the_textbook_angles() {
        let midline = Trajectory::default_for(Approach::Midline);
        let [x, y, z] = midline.direction;
        assert_eq!(x, 0.0);
        assert!((y.atan2(-z).to_degrees() - MIDLINE_CEPHALAD_DEG).abs() < 1e-4);
        let paramedian = Trajectory::default_for(Approach::Paramedian);
        let [x, _, z] = paramedian.direction;
        assert!(
            paramedian.entry_m[0] > 0.0 && x < 0.0,
            "enters right, aims medially"
        );
        assert!(((-x).atan2(-z).to_degrees() - PARAMEDIAN_MEDIAL_DEG).abs() < 1e-3);
    }

    #[test]
    fn phantom_presets_are_named_and_unknown_names_list_the_choices() {
        for preset in PhantomPreset::ALL {
            assert_eq!(
                PhantomPreset::try_from(preset.name().to_owned()),
                Ok(preset)
            );
        }
        let error = PhantomPreset::try_from("thin".to_owned()).expect_err("unknown");
        assert!(
            error.contains("\"thin\"") && error.contains("\"high-bmi\""),
            "{error}"
        );
    }

    #[test]
    fn targets_follow_the_procedure() {
        assert_eq!(Procedure::Epidural.target_space(), TargetSpace::Epidural);
        assert_eq!(Procedure::Spinal.target_space(), TargetSpace::Subarachnoid);
        assert!(TargetSpace::Subarachnoid.contains(TissueClass::Csf));
        assert!(!TargetSpace::Subarachnoid.contains(TissueClass::EpiduralSpace));
        assert!(TargetSpace::Epidural.contains(TissueClass::EpiduralSpace));
        assert!(!StepCondition::CsfFlashback.fits(Procedure::Epidural, Technique::None));
        assert!(StepCondition::CsfFlashback.fits(Procedure::Spinal, Technique::None));
        assert!(!StepCondition::LossOfResistance.fits(Procedure::Spinal, Technique::None));
    }
}
