//! The physics' haptic cues → controller vibration pulses (amplitude, duration, frequency).

/// What the needle felt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HapticCue {
    /// The tip struck bone: a hard, short knock.
    BoneKnock,
    /// A layer gave (skin, ligament, dura): a brief click.
    Pop,
    /// The plunger gave way: a soft, longer give.
    LossOfResistance,
}

impl HapticCue {
    /// The cues in the order of `NeedleReadout::haptic_peaks_0_1`.
    pub const ALL: [Self; 3] = [Self::BoneKnock, Self::Pop, Self::LossOfResistance];
}

/// One vibration request for a controller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HapticPulse {
    /// Strength, 0..1.
    pub amplitude_0_1: f32,
    /// How long.
    pub duration_s: f32,
    /// Vibration frequency.
    pub frequency_hz: f32,
}

/// Cues weaker than this are not felt through a controller and are not sent.
const MIN_STRENGTH_0_1: f32 = 0.05;

impl HapticPulse {
    /// The pulse for a cue of the given strength (0..1), or `None` when too weak to send.
    /// Bone is high-frequency and short (a knock), a pop shorter still, a loss of resistance a
    /// low, longer give; amplitude grows with strength from a floor that is still felt.
    pub fn for_cue(cue: HapticCue, strength_0_1: f32) -> Option<Self> {
        if !strength_0_1.is_finite() || strength_0_1 < MIN_STRENGTH_0_1 {
            return None;
        }
        let strength = strength_0_1.min(1.0);
        let (floor_0_1, duration_s, frequency_hz) = match cue {
            HapticCue::BoneKnock => (0.5, 0.040, 250.0),
            HapticCue::Pop => (0.3, 0.015, 180.0),
            HapticCue::LossOfResistance => (0.25, 0.120, 80.0),
        };
        Some(Self {
            amplitude_0_1: floor_0_1 + (1.0 - floor_0_1) * strength,
            duration_s,
            frequency_hz,
        })
    }

    /// The strongest pulse among a tick's cue peaks (bone knock, pop, loss of resistance).
    pub fn strongest(peaks_0_1: [f32; 3]) -> Option<(HapticCue, Self)> {
        HapticCue::ALL
            .into_iter()
            .zip(peaks_0_1)
            .filter(|(_, peak)| peak.is_finite())
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .and_then(|(cue, peak)| Some((cue, Self::for_cue(cue, peak)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cue_has_its_own_feel_and_strength_scales_amplitude() {
        let knock = HapticPulse::for_cue(HapticCue::BoneKnock, 1.0);
        let pop = HapticPulse::for_cue(HapticCue::Pop, 1.0);
        let give = HapticPulse::for_cue(HapticCue::LossOfResistance, 0.2);
        let (Some(knock), Some(pop), Some(give)) = (knock, pop, give) else {
            panic!("strong cues must give pulses");
        };
        assert_eq!(knock.amplitude_0_1, 1.0);
        assert!(pop.duration_s < knock.duration_s && knock.duration_s < give.duration_s);
        assert!(give.frequency_hz < pop.frequency_hz && pop.frequency_hz < knock.frequency_hz);
        assert!((give.amplitude_0_1 - 0.4).abs() < 1e-6);
        assert_eq!(HapticPulse::for_cue(HapticCue::Pop, 0.01), None);
        assert_eq!(HapticPulse::for_cue(HapticCue::Pop, f32::NAN), None);
    }

    #[test]
    fn the_strongest_cue_of_a_tick_wins() {
        let (cue, _) = HapticPulse::strongest([0.2, 0.9, 0.1]).unwrap_or((
            HapticCue::BoneKnock,
            HapticPulse {
                amplitude_0_1: 0.0,
                duration_s: 0.0,
                frequency_hz: 0.0,
            },
        ));
        assert_eq!(cue, HapticCue::Pop);
        assert_eq!(HapticPulse::strongest([0.0, 0.01, f32::NAN]), None);
    }
}
