//! Model parameters read from `assets/tissues.ron`: tissues, needles, coupling, syringe, CSF.

use crate::needle_kind::{NeedleKind, NeedleSpec};
use anatomy::TissueClass;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Force parameters of one tissue class after Okamura, Simone & O'Leary 2004: a stiffness
/// phase before the layer gives, cutting at the tip, friction along the shaft. Forces are for
/// the reference outer diameter ([`ModelParams::reference_outer_diameter_mm`]).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TissueParams {
    /// Which tissue these values describe.
    pub tissue: TissueClass,
    /// Stiffness force at which the layer's surface gives (0: no stiffness phase).
    pub puncture_force_n: f64,
    /// Linear term of the stiffness force per millimetre of tenting.
    pub stiffness_n_per_mm: f64,
    /// Quadratic term of the stiffness force per squared millimetre of tenting.
    pub stiffness_n_per_mm2: f64,
    /// Cutting force at the tip while it advances in this tissue.
    pub cutting_force_n: f64,
    /// Kinetic (Coulomb) friction per millimetre of shaft in this tissue.
    pub friction_n_per_mm: f64,
    /// Static over kinetic friction (inside the stick band).
    pub static_friction_ratio: f64,
    /// Viscous friction per millimetre of shaft per millimetre per second of motion.
    pub viscous_n_s_per_mm2: f64,
    /// Lateral (Winkler foundation) stiffness per millimetre of shaft per millimetre of
    /// sideways shaft motion.
    pub lateral_stiffness_n_per_mm2: f64,
    /// Pressure above which fluid leaves the needle tip into this tissue.
    pub injection_opening_pressure_kpa: f64,
}

impl TissueParams {
    /// A tissue that offers no resistance at all (air).
    pub const fn free(tissue: TissueClass) -> Self {
        Self {
            tissue,
            puncture_force_n: 0.0,
            stiffness_n_per_mm: 0.0,
            stiffness_n_per_mm2: 0.0,
            cutting_force_n: 0.0,
            friction_n_per_mm: 0.0,
            static_friction_ratio: 1.0,
            viscous_n_s_per_mm2: 0.0,
            lateral_stiffness_n_per_mm2: 0.0,
            injection_opening_pressure_kpa: 0.0,
        }
    }

    /// The stiffness force after `tent_mm` of tenting.
    pub fn stiffness_force_n(&self, tent_mm: f64) -> f64 {
        let tent_mm = tent_mm.max(0.0);
        self.stiffness_n_per_mm * tent_mm + self.stiffness_n_per_mm2 * tent_mm * tent_mm
    }
}

/// The virtual coupling (spring–damper) between the hand and the needle hub.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouplingParams {
    /// Spring stiffness of the coupling.
    pub stiffness_n_per_m: f64,
    /// Damping of the coupling.
    pub damping_n_s_per_m: f64,
}

/// The loss-of-resistance syringe.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyringeParams {
    /// Cross-section of the plunger.
    pub plunger_area_mm2: f64,
    /// Fluid or air drawn into the syringe.
    pub fill_volume_ml: f64,
    /// Dynamic viscosity of saline.
    pub saline_viscosity_mpa_s: f64,
    /// Dynamic viscosity of air.
    pub air_viscosity_mpa_s: f64,
    /// Ambient pressure (absolute), for the isothermal air spring.
    pub atmospheric_pressure_kpa: f64,
    /// Plunger force of a full press (press amount 1.0).
    pub full_press_force_n: f64,
    /// Flow out of the tip above which the plunger counts as giving way.
    pub give_way_flow_ml_per_s: f64,
    /// How long a pressed plunger must be held before a give-way counts as a loss of resistance.
    pub resisted_hold_s: f64,
    /// Plunger force below which the plunger counts as not pressed.
    pub pressed_force_n: f64,
}

/// Cerebrospinal fluid at the needle tip.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsfParams {
    /// CSF pressure driving flashback.
    pub pressure_kpa: f64,
    /// Dynamic viscosity of CSF.
    pub viscosity_mpa_s: f64,
    /// Volume that must come out of the lumen before a drop shows at the hub.
    pub visible_drop_ml: f64,
}

/// Redirection of the shaft once it is through the skin.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectParams {
    /// Change of the needle track's direction that counts as one redirection.
    pub redirect_threshold_deg: f64,
    /// Advance along a changed track after which the change counts as a redirection.
    pub confirm_advance_mm: f64,
    /// Shaft length in firm tissue (lateral stiffness above the soft limit) that holds the track.
    pub firm_track_length_mm: f64,
    /// Lateral stiffness at or below which a tissue lets the track re-form (fat, skin).
    pub soft_lateral_stiffness_n_per_mm2: f64,
}

/// Numerical settings and input limits (not physiological).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumericParams {
    /// Longest tip advance between tissue look-ups.
    pub march_step_mm: f64,
    /// Gap kept between the tip and bone at contact.
    pub bone_contact_gap_mm: f64,
    /// Withdrawal from a bone contact after which a new contact counts again.
    pub bone_release_mm: f64,
    /// Hand motion in one step beyond which the input counts as a teleport.
    pub max_hand_jump_m: f64,
    /// Longest accepted time step.
    pub max_time_step_s: f64,
    /// Speed below which the shaft sticks (Karnopp stick band half-width).
    pub stick_band_mm_per_s: f64,
}

/// Everything the model reads from `assets/tissues.ron`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelParams {
    /// Outer diameter the tissue forces are given for; forces scale with diameter.
    pub reference_outer_diameter_mm: f64,
    /// Hand–hub coupling.
    pub coupling: CouplingParams,
    /// One entry per tissue class a needle can meet (every class but air and bone).
    pub tissues: Vec<TissueParams>,
    /// The needles the trainer offers.
    pub needles: Vec<NeedleSpec>,
    /// The loss-of-resistance syringe.
    pub syringe: SyringeParams,
    /// CSF flashback.
    pub csf: CsfParams,
    /// Redirection.
    pub redirect: RedirectParams,
    /// Numerical settings.
    pub numeric: NumericParams,
}

/// Why `tissues.ron` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ParamsError {
    /// The file could not be read.
    #[error("cannot read model parameters {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not valid RON for the model (syntax, a missing or unknown field, a bad value).
    #[error("{path}:{line}:{column}: {problem} (fix the field named here in the parameter file)")]
    Syntax {
        /// The file (or a name for text that came from elsewhere).
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong, naming the field where the parser knows it.
        problem: String,
    },
    /// A value parses but makes no physical sense.
    #[error("{path}: {field}: {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where: `tissues[LigamentumFlavum].cutting_force_n`.
        field: String,
        /// What is wrong.
        problem: String,
    },
}

/// The parameter file shipped with the project, compiled in so tools and tests always have it.
pub const BUNDLED_TISSUES_RON: &str = include_str!("../../../../assets/tissues.ron");

/// Where [`BUNDLED_TISSUES_RON`] lives in the repository (for error messages).
pub const BUNDLED_TISSUES_PATH: &str = "assets/tissues.ron";

impl ModelParams {
    /// Reads and checks a parameter file.
    pub fn load(path: &Path) -> Result<Self, ParamsError> {
        let text = std::fs::read_to_string(path).map_err(|source| ParamsError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_ron_str(&text, path)
    }

    /// The parameters compiled in from `assets/tissues.ron`.
    pub fn bundled() -> Result<Self, ParamsError> {
        Self::from_ron_str(BUNDLED_TISSUES_RON, Path::new(BUNDLED_TISSUES_PATH))
    }

    /// Parses and checks parameter text; `origin` names it in errors.
    pub fn from_ron_str(text: &str, origin: &Path) -> Result<Self, ParamsError> {
        let params: ModelParams =
            ron::Options::default()
                .from_str(text)
                .map_err(|error| ParamsError::Syntax {
                    path: origin.to_owned(),
                    line: error.span.start.line,
                    column: error.span.start.col,
                    problem: error.code.to_string(),
                })?;
        params.validate(origin)?;
        Ok(params)
    }

    /// The parameters of `tissue`; air and bone (and any class the file leaves out) offer none.
    pub fn tissue(&self, tissue: TissueClass) -> TissueParams {
        self.tissues
            .iter()
            .find(|entry| entry.tissue == tissue)
            .copied()
            .unwrap_or(TissueParams::free(tissue))
    }

    /// The specification of `kind`, if the file lists it.
    pub fn needle(&self, kind: NeedleKind) -> Option<&NeedleSpec> {
        self.needles.iter().find(|spec| spec.kind == kind)
    }

    fn validate(&self, origin: &Path) -> Result<(), ParamsError> {
        let invalid = |field: String, problem: &str| ParamsError::Invalid {
            path: origin.to_owned(),
            field,
            problem: problem.to_owned(),
        };
        let positive = |field: String, value: f64| {
            if value.is_finite() && value > 0.0 {
                Ok(())
            } else {
                Err(invalid(field, &format!("must be > 0, got {value}")))
            }
        };
        let non_negative = |field: String, value: f64| {
            if value.is_finite() && value >= 0.0 {
                Ok(())
            } else {
                Err(invalid(field, &format!("must be >= 0, got {value}")))
            }
        };
        positive(
            "reference_outer_diameter_mm".into(),
            self.reference_outer_diameter_mm,
        )?;
        positive(
            "coupling.stiffness_n_per_m".into(),
            self.coupling.stiffness_n_per_m,
        )?;
        non_negative(
            "coupling.damping_n_s_per_m".into(),
            self.coupling.damping_n_s_per_m,
        )?;
        for (index, entry) in self.tissues.iter().enumerate() {
            let name = format!("tissues[{index}] ({:?})", entry.tissue);
            if self.tissues[..index]
                .iter()
                .any(|earlier| earlier.tissue == entry.tissue)
            {
                return Err(invalid(name, "listed twice"));
            }
            for (field, value) in [
                ("puncture_force_n", entry.puncture_force_n),
                ("stiffness_n_per_mm", entry.stiffness_n_per_mm),
                ("stiffness_n_per_mm2", entry.stiffness_n_per_mm2),
                ("cutting_force_n", entry.cutting_force_n),
                ("friction_n_per_mm", entry.friction_n_per_mm),
                ("viscous_n_s_per_mm2", entry.viscous_n_s_per_mm2),
                (
                    "lateral_stiffness_n_per_mm2",
                    entry.lateral_stiffness_n_per_mm2,
                ),
                (
                    "injection_opening_pressure_kpa",
                    entry.injection_opening_pressure_kpa,
                ),
            ] {
                non_negative(format!("{name}.{field}"), value)?;
            }
            if !(entry.static_friction_ratio >= 1.0 && entry.static_friction_ratio.is_finite()) {
                return Err(invalid(
                    format!("{name}.static_friction_ratio"),
                    "must be >= 1 (static friction is at least the kinetic)",
                ));
            }
            if entry.puncture_force_n > 0.0
                && entry.stiffness_n_per_mm <= 0.0
                && entry.stiffness_n_per_mm2 <= 0.0
            {
                return Err(invalid(
                    format!("{name}.stiffness_n_per_mm"),
                    "a layer with a puncture force needs a stiffness to reach it",
                ));
            }
        }
        for required in [
            TissueClass::Skin,
            TissueClass::Fat,
            TissueClass::SupraspinousLigament,
            TissueClass::InterspinousLigament,
            TissueClass::LigamentumFlavum,
            TissueClass::EpiduralSpace,
            TissueClass::Dura,
            TissueClass::Csf,
            TissueClass::CaudaEquina,
        ] {
            if !self.tissues.iter().any(|entry| entry.tissue == required) {
                return Err(invalid(
                    "tissues".into(),
                    &format!(
                        "no entry for {required:?}; every tissue on the midline path needs one"
                    ),
                ));
            }
        }
        for (index, spec) in self.needles.iter().enumerate() {
            let name = format!("needles[{index}] ({:?})", spec.kind);
            positive(format!("{name}.length_mm"), spec.length_mm)?;
            positive(format!("{name}.outer_diameter_mm"), spec.outer_diameter_mm)?;
            positive(format!("{name}.inner_diameter_mm"), spec.inner_diameter_mm)?;
            positive(format!("{name}.cutting_factor"), spec.cutting_factor)?;
            positive(format!("{name}.puncture_factor"), spec.puncture_factor)?;
            if spec.inner_diameter_mm >= spec.outer_diameter_mm {
                return Err(invalid(
                    format!("{name}.inner_diameter_mm"),
                    "must be smaller than the outer diameter",
                ));
            }
            if let Some(spacing) = spec.depth_mark_spacing_mm {
                positive(format!("{name}.depth_mark_spacing_mm"), spacing)?;
            }
        }
        let syringe = &self.syringe;
        for (field, value) in [
            ("plunger_area_mm2", syringe.plunger_area_mm2),
            ("fill_volume_ml", syringe.fill_volume_ml),
            ("saline_viscosity_mpa_s", syringe.saline_viscosity_mpa_s),
            ("air_viscosity_mpa_s", syringe.air_viscosity_mpa_s),
            ("atmospheric_pressure_kpa", syringe.atmospheric_pressure_kpa),
            ("full_press_force_n", syringe.full_press_force_n),
            ("give_way_flow_ml_per_s", syringe.give_way_flow_ml_per_s),
        ] {
            positive(format!("syringe.{field}"), value)?;
        }
        non_negative("syringe.resisted_hold_s".into(), syringe.resisted_hold_s)?;
        non_negative("syringe.pressed_force_n".into(), syringe.pressed_force_n)?;
        positive("csf.pressure_kpa".into(), self.csf.pressure_kpa)?;
        positive("csf.viscosity_mpa_s".into(), self.csf.viscosity_mpa_s)?;
        non_negative("csf.visible_drop_ml".into(), self.csf.visible_drop_ml)?;
        positive(
            "redirect.redirect_threshold_deg".into(),
            self.redirect.redirect_threshold_deg,
        )?;
        non_negative(
            "redirect.confirm_advance_mm".into(),
            self.redirect.confirm_advance_mm,
        )?;
        non_negative(
            "redirect.firm_track_length_mm".into(),
            self.redirect.firm_track_length_mm,
        )?;
        non_negative(
            "redirect.soft_lateral_stiffness_n_per_mm2".into(),
            self.redirect.soft_lateral_stiffness_n_per_mm2,
        )?;
        let numeric = &self.numeric;
        for (field, value) in [
            ("march_step_mm", numeric.march_step_mm),
            ("bone_contact_gap_mm", numeric.bone_contact_gap_mm),
            ("bone_release_mm", numeric.bone_release_mm),
            ("max_hand_jump_m", numeric.max_hand_jump_m),
            ("max_time_step_s", numeric.max_time_step_s),
            ("stick_band_mm_per_s", numeric.stick_band_mm_per_s),
        ] {
            positive(format!("numeric.{field}"), value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_file_loads_and_lists_every_needle() {
        let params = ModelParams::bundled().expect("bundled tissues.ron must load");
        for kind in NeedleKind::ALL {
            assert!(params.needle(kind).is_some(), "{kind:?} missing");
        }
        let flavum = params.tissue(TissueClass::LigamentumFlavum);
        let fat = params.tissue(TissueClass::Fat);
        assert!(flavum.cutting_force_n > fat.cutting_force_n);
        assert_eq!(
            params.tissue(TissueClass::Air),
            TissueParams::free(TissueClass::Air)
        );
    }

    #[test]
    fn a_missing_field_is_named_with_file_and_line() {
        let broken = BUNDLED_TISSUES_RON.replacen("cutting_force_n:", "cutting_farce_n:", 1);
        let error = ModelParams::from_ron_str(&broken, Path::new("assets/tissues.ron"))
            .expect_err("a misspelt field must fail");
        let text = error.to_string();
        assert!(text.starts_with("assets/tissues.ron:"), "{text}");
        assert!(text.contains("cutting_farce_n"), "{text}");
        let ParamsError::Syntax { line, .. } = error else {
            panic!("expected a syntax error, got {error}");
        };
        let expected_line = broken
            .lines()
            .position(|line| line.contains("cutting_farce_n"))
            .map(|index| index + 1);
        assert_eq!(Some(line), expected_line);
    }

    #[test]
    fn a_nonsense_value_is_named_by_field() {
        let broken = BUNDLED_TISSUES_RON.replacen("friction_n_per_mm: ", "friction_n_per_mm: -", 1);
        let error = ModelParams::from_ron_str(&broken, Path::new("x.ron"))
            .expect_err("a negative friction must fail");
        let text = error.to_string();
        assert!(
            text.contains("x.ron") && text.contains("friction_n_per_mm"),
            "{text}"
        );
    }

    #[test]
    fn an_unreadable_file_names_its_path() {
        let error = ModelParams::load(Path::new("/nonexistent/tissues.ron"))
            .expect_err("missing file must fail");
        assert!(error.to_string().contains("/nonexistent/tissues.ron"));
    }
}
