//! Syringe flow (loss of resistance to saline or air) and CSF flashback at the hub.

use anatomy::TissueClass;

use super::{Engagement, HapticCues, MM_PER_M, NeedleEvent, NeedleSim, StepInput};
use crate::field::{BoneField, TissueField};
use crate::syringe::{PlungerState, Syringe, lumen_resistance_pa_s_per_m3};

impl<T: TissueField, B: BoneField> NeedleSim<T, B> {
    /// Syringe flow and CSF flashback for this step.
    pub(super) fn step_fluids(
        &mut self,
        input: &StepInput,
        dt_s: f64,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) {
        let engaged = self.engaged.as_ref();
        let tip_tissue = engaged.map_or(TissueClass::Air, Engagement::tip_tissue);
        let depth_mm = engaged.map_or(0.0, |engaged| (engaged.depth_m * MM_PER_M) as f32);
        let lumen_open = !input.stylet_in && self.bone_contact.is_none();
        let mut pressing = false;
        match input.syringe {
            Some(syringe_input) if !input.stylet_in => {
                let syringe = match self.syringe {
                    Some(existing) if existing.fluid() == syringe_input.fluid => existing,
                    _ => Syringe::new(syringe_input.fluid),
                };
                let mut syringe = syringe;
                let opening = lumen_open.then(|| {
                    self.params
                        .tissue(tip_tissue)
                        .injection_opening_pressure_kpa
                });
                let force_n = f64::from(syringe_input.plunger_force_n);
                pressing = force_n >= self.params.syringe.pressed_force_n && force_n > 0.0;
                let step = syringe.step(
                    &self.params.syringe,
                    force_n,
                    opening,
                    self.spec.length_mm,
                    self.spec.inner_diameter_mm,
                    dt_s,
                );
                if step.gave_way {
                    events.push(NeedleEvent::LossOfResistance {
                        depth_mm,
                        tissue: tip_tissue,
                    });
                    haptics.loss_of_resistance_0_1 = 1.0;
                }
                self.plunger = step.state;
                self.syringe = Some(syringe);
            }
            _ => {
                self.syringe = None;
                self.plunger = PlungerState::default();
            }
        }

        // CSF runs back through the lumen under CSF pressure (Poiseuille) when nothing blocks it.
        if lumen_open && !pressing && tip_tissue.is_intrathecal() {
            let csf = &self.params.csf;
            let resistance = lumen_resistance_pa_s_per_m3(
                csf.viscosity_mpa_s,
                self.spec.length_mm,
                self.spec.inner_diameter_mm,
            );
            self.csf_volume_ml += csf.pressure_kpa * 1e3 / resistance * 1e6 * dt_s;
            let radius_mm = self.spec.inner_diameter_mm * 0.5;
            let lumen_ml =
                std::f64::consts::PI * radius_mm * radius_mm * self.spec.length_mm * 1e-3;
            if !self.csf_at_hub && self.csf_volume_ml >= lumen_ml + csf.visible_drop_ml {
                self.csf_at_hub = true;
                events.push(NeedleEvent::CsfFlashback {
                    wet_tap: self.spec.kind.is_epidural(),
                });
            }
        }
    }
}
