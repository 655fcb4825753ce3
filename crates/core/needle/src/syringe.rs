//! Loss-of-resistance syringe: plunger force → chamber pressure → flow out of the needle tip.

use crate::params::SyringeParams;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// What the loss-of-resistance syringe is filled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LorFluid {
    /// Normal saline: incompressible, the plunger does not move until fluid can leave.
    Saline,
    /// Air: compresses under the thumb (the plunger "bounces") even when nothing leaves.
    Air,
}

/// The syringe on the hub and the other hand's thumb on its plunger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyringeInput {
    /// Saline or air.
    pub fluid: LorFluid,
    /// Force of the thumb on the plunger (0 when not pressing).
    pub plunger_force_n: f32,
}

impl SyringeInput {
    /// A press given as an amount 0..1 of a full press ([`SyringeParams::full_press_force_n`]).
    pub fn from_press(fluid: LorFluid, press_0_1: f32, params: &SyringeParams) -> Self {
        let press = if press_0_1.is_finite() {
            press_0_1.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Self {
            fluid,
            plunger_force_n: (f64::from(press) * params.full_press_force_n) as f32,
        }
    }
}

/// The plunger as the thumb feels it and the engine draws it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PlungerState {
    /// The syringe's fill, or `None` when no syringe is on the hub.
    pub fluid: Option<LorFluid>,
    /// Thumb force applied this step.
    pub plunger_force_n: f32,
    /// Gauge pressure in the barrel.
    pub chamber_pressure_kpa: f32,
    /// Plunger travel from its rest position (compression of air plus volume expelled).
    pub displacement_mm: f32,
    /// Flow out of the needle tip.
    pub flow_ml_per_s: f32,
    /// Volume that has left the syringe since it was attached.
    pub expelled_ml: f32,
    /// Pressed without giving way long enough for a give-way to count as a loss of resistance.
    pub resisting: bool,
}

/// Internal syringe state (volume expelled, how long it has held).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Syringe {
    fluid: LorFluid,
    expelled_ml: f64,
    held_s: f64,
    armed: bool,
}

/// What one syringe step produced.
pub(crate) struct SyringeStep {
    pub state: PlungerState,
    pub gave_way: bool,
}

/// Poiseuille resistance of a needle lumen, Pa·s/m³.
pub(crate) fn lumen_resistance_pa_s_per_m3(
    viscosity_mpa_s: f64,
    length_mm: f64,
    inner_diameter_mm: f64,
) -> f64 {
    let radius_m = inner_diameter_mm * 0.5e-3;
    8.0 * viscosity_mpa_s * 1e-3 * length_mm * 1e-3 / (PI * radius_m.powi(4))
}

impl Syringe {
    pub(crate) fn new(fluid: LorFluid) -> Self {
        Self {
            fluid,
            expelled_ml: 0.0,
            held_s: 0.0,
            armed: false,
        }
    }

    pub(crate) fn fluid(&self) -> LorFluid {
        self.fluid
    }

    /// Advances the plunger by `dt_s`. `opening_pressure_kpa` is what the tissue at the tip
    /// holds back (`None`: the lumen is blocked, as by bone at the tip).
    pub(crate) fn step(
        &mut self,
        params: &SyringeParams,
        plunger_force_n: f64,
        opening_pressure_kpa: Option<f64>,
        needle_length_mm: f64,
        needle_inner_diameter_mm: f64,
        dt_s: f64,
    ) -> SyringeStep {
        let force_n = plunger_force_n.max(0.0);
        let area_m2 = params.plunger_area_mm2 * 1e-6;
        let pressure_pa = force_n / area_m2;
        let viscosity = match self.fluid {
            LorFluid::Saline => params.saline_viscosity_mpa_s,
            LorFluid::Air => params.air_viscosity_mpa_s,
        };
        let resistance =
            lumen_resistance_pa_s_per_m3(viscosity, needle_length_mm, needle_inner_diameter_mm);
        let remaining_ml = (params.fill_volume_ml - self.expelled_ml).max(0.0);
        let driving_pa = opening_pressure_kpa.map_or(0.0, |open_kpa| pressure_pa - open_kpa * 1e3);
        let mut flow_ml_per_s = (driving_pa.max(0.0) / resistance) * 1e6;
        flow_ml_per_s = flow_ml_per_s.min(remaining_ml / dt_s);
        self.expelled_ml += flow_ml_per_s * dt_s;

        // Isothermal air spring: the gas left in the barrel shrinks under the thumb's pressure.
        let compression_ml = match self.fluid {
            LorFluid::Saline => 0.0,
            LorFluid::Air => {
                let gas_ml = (params.fill_volume_ml - self.expelled_ml).max(0.0);
                let absolute_kpa = params.atmospheric_pressure_kpa;
                gas_ml * (1.0 - absolute_kpa / (absolute_kpa + pressure_pa * 1e-3))
            }
        };
        let displacement_mm = (self.expelled_ml + compression_ml) * 1e3 / params.plunger_area_mm2;

        let pressed = force_n >= params.pressed_force_n && force_n > 0.0;
        let giving_way = pressed && flow_ml_per_s >= params.give_way_flow_ml_per_s;
        let mut gave_way = false;
        if pressed && !giving_way {
            self.held_s += dt_s;
            if self.held_s >= params.resisted_hold_s {
                self.armed = true;
            }
        } else {
            self.held_s = 0.0;
        }
        if giving_way && self.armed {
            gave_way = true;
            self.armed = false;
        }
        SyringeStep {
            state: PlungerState {
                fluid: Some(self.fluid),
                plunger_force_n: force_n as f32,
                chamber_pressure_kpa: (pressure_pa * 1e-3) as f32,
                displacement_mm: displacement_mm as f32,
                flow_ml_per_s: flow_ml_per_s as f32,
                expelled_ml: self.expelled_ml as f32,
                resisting: self.armed,
            },
            gave_way,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::ModelParams;

    fn params() -> SyringeParams {
        ModelParams::bundled().expect("bundled parameters").syringe
    }

    const TUOHY_LENGTH_MM: f64 = 80.0;
    const TUOHY_ID_MM: f64 = 0.84;

    fn run(syringe: &mut Syringe, force_n: f64, open_kpa: f64, steps: usize) -> SyringeStep {
        let params = params();
        let mut last = None;
        for _ in 0..steps {
            last = Some(syringe.step(
                &params,
                force_n,
                Some(open_kpa),
                TUOHY_LENGTH_MM,
                TUOHY_ID_MM,
                1e-3,
            ));
        }
        last.expect("at least one step")
    }

    #[test]
    fn saline_does_not_move_in_ligament_and_gives_way_in_the_epidural_space() {
        let ligament_kpa = 100.0;
        let epidural_kpa = 7.6;
        let mut syringe = Syringe::new(LorFluid::Saline);
        let held = run(&mut syringe, 11.5, ligament_kpa, 500);
        assert_eq!(held.state.displacement_mm, 0.0);
        assert!(held.state.resisting && !held.gave_way);
        let first = run(&mut syringe, 11.5, epidural_kpa, 1);
        assert!(
            first.gave_way,
            "give-way after a held press is a loss of resistance"
        );
        let later = run(&mut syringe, 11.5, epidural_kpa, 100);
        assert!(later.state.displacement_mm > 1.0, "{:?}", later.state);
    }

    #[test]
    fn air_compresses_and_springs_back_where_saline_would_not_move() {
        let mut air = Syringe::new(LorFluid::Air);
        let pressed = run(&mut air, 5.0, 100.0, 10);
        assert!(pressed.state.displacement_mm > 1.0, "{:?}", pressed.state);
        assert_eq!(pressed.state.expelled_ml, 0.0);
        let released = run(&mut air, 0.0, 100.0, 1);
        assert_eq!(
            released.state.displacement_mm, 0.0,
            "the air spring bounces back"
        );
        let mut saline = Syringe::new(LorFluid::Saline);
        assert_eq!(run(&mut saline, 5.0, 100.0, 10).state.displacement_mm, 0.0);
    }

    #[test]
    fn a_press_amount_maps_to_force_and_nan_to_none() {
        let params = params();
        let full = SyringeInput::from_press(LorFluid::Air, 1.0, &params);
        assert!((f64::from(full.plunger_force_n) - params.full_press_force_n).abs() < 1e-5);
        assert_eq!(
            SyringeInput::from_press(LorFluid::Air, f32::NAN, &params).plunger_force_n,
            0.0
        );
    }
}
