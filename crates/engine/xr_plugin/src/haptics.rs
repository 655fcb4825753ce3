//! Haptic pulses on the needle's facts: bone contact and a layer's pop to the hand holding the
//! needle, loss of resistance to the other (the syringe's plunger), through the controllers'
//! haptic action.

use crate::controllers::ControllerActions;
use crate::hand_input::HandsState;
use crate::report::XrReport;
use bevy::prelude::*;
use bevy_mod_openxr::session::OxrSession;
use hands::{Handedness, HapticCue, HapticPulse};
use needle::NeedleEvent;
use physics_plugin::{NeedleFact, NeedleReadout};
use std::time::Instant;

pub(crate) struct HapticsPlugin;

impl Plugin for HapticsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, pulse_on_facts.in_set(crate::XrSystems::Feedback));
    }
}

fn pulse_on_facts(
    // Absent without the needle physics (a replay): no pulses then.
    facts: Option<MessageReader<NeedleFact>>,
    readout: Option<Res<NeedleReadout>>,
    hands: Res<HandsState>,
    actions: Option<Res<ControllerActions>>,
    session: Option<Res<OxrSession>>,
    mut report: XrReport,
) {
    let started = Instant::now();
    let Some(mut facts) = facts else { return };
    let peaks = readout.map_or([0.0; 3], |r| r.haptic_peaks_0_1);
    for fact in facts.read() {
        let cue = match fact.event {
            NeedleEvent::BoneContacted { .. } => HapticCue::BoneKnock,
            NeedleEvent::MembranePunctured { .. } | NeedleEvent::DuraPunctured { .. } => {
                HapticCue::Pop
            }
            NeedleEvent::LossOfResistance { .. } => HapticCue::LossOfResistance,
            _ => continue,
        };
        let peak = peaks[HapticCue::ALL.iter().position(|c| *c == cue).unwrap_or(0)];
        // The fact is certain even when this tick's peak has already decayed.
        let Some(pulse) = HapticPulse::for_cue(cue, peak.max(0.5)) else {
            continue;
        };
        // The needle hand feels the needle; the syringe hand the plunger's give.
        let holder = hands.holder.unwrap_or(Handedness::Right);
        let hand = if cue == HapticCue::LossOfResistance {
            holder.other()
        } else {
            holder
        };
        let sent = match (&actions, &session) {
            (Some(actions), Some(session)) => {
                let xr: &openxr::Session<openxr::AnyGraphics> = session;
                let vibration = openxr::HapticVibration::new()
                    .amplitude(pulse.amplitude_0_1)
                    .frequency(pulse.frequency_hz)
                    .duration(openxr::Duration::from_nanos(
                        (pulse.duration_s * 1e9) as i64,
                    ));
                let path = actions.hands[usize::from(hand == Handedness::Right)];
                actions
                    .haptic
                    .apply_feedback(xr, path, &vibration)
                    .map_err(|e| e.to_string())
            }
            _ => Err("no XR session".into()),
        };
        let description = format!(
            "{cue:?} {hand:?} amplitude {:.2} duration {:.0} ms frequency {:.0} Hz",
            pulse.amplitude_0_1,
            pulse.duration_s * 1000.0,
            pulse.frequency_hz
        );
        match sent {
            Ok(()) => info!("haptic pulse requested: {description}"),
            Err(error) => warn!("haptic pulse {description} not sent: {error}"),
        }
        report.status.haptic_pulses += 1;
        report.status.last_pulse = description;
    }
    report.clock.add(started);
}
