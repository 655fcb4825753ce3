//! Keyboard → the needle hand: advance and withdraw, tilt, choose the entry point, take the
//! stylet out for the loss-of-resistance syringe, press its plunger, switch needles.

use bevy::prelude::*;
use needle::{LorFluid, NeedleKind};
use physics_plugin::{NeedleHandInput, NeedleReadout};

/// Mouse and keys → the needle hand → the physics' hand input, before the fixed loop.
pub(crate) struct NeedleHandPlugin;

impl Plugin for NeedleHandPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<DesktopNeedleHand>()
            // Before the fixed update, so the physics sees this frame's hand.
            .add_systems(
                RunFixedMainLoop,
                (
                    crate::mouse_needle::drive_needle_with_mouse,
                    drive_needle_hand,
                )
                    .chain()
                    .in_set(RunFixedMainLoopSystems::BeforeFixedMainLoop),
            );
    }
}

/// Where the desktop hand holds the needle, relative to the skin over the interspace.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct DesktopNeedleHand {
    /// Entry point on the skin, twin frame (x: patient's right, y: superior), millimetres.
    pub entry_mm: Vec2,
    /// Tip tilted towards the head (+) or the feet (−).
    pub cephalad_deg: f32,
    /// Tip tilted towards the patient's right (+) or left (−).
    pub lateral_deg: f32,
    /// How far the hand has pushed the needle from its poised start (tip 10 mm above the skin).
    pub advance_mm: f32,
    /// Fluid in the loss-of-resistance syringe.
    pub fluid: LorFluid,
}

impl Default for DesktopNeedleHand {
    fn default() -> Self {
        Self {
            entry_mm: Vec2::ZERO,
            cephalad_deg: 0.0,
            lateral_deg: 0.0,
            advance_mm: 0.0,
            fluid: LorFluid::Saline,
        }
    }
}

/// The hand pushes itself in to `target_mm` at `speed_mm_per_s` (demonstrations, pictures):
/// set by `neuraxis --needle`; the keys still work on top.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct ScriptedAdvance {
    /// Advance to reach, millimetres from the poised start.
    pub target_mm: f32,
    /// How fast.
    pub speed_mm_per_s: f32,
    /// From this advance on, the stylet is out and the loss-of-resistance syringe's plunger
    /// held, as a trainee does from the ligaments on (demonstrations, pictures).
    pub syringe_from_mm: Option<f32>,
}

const ADVANCE_MM_PER_S: f32 = 4.0;
const FAST_ADVANCE_MM_PER_S: f32 = 15.0;
const TILT_DEG_PER_S: f32 = 8.0;
const ENTRY_MM_PER_S: f32 = 6.0;
/// The poised tip's height above the skin.
const POISED_GAP_MM: f32 = 10.0;

impl DesktopNeedleHand {
    /// The needle's direction (towards the tip) in the twin frame.
    pub fn direction(&self) -> Vec3 {
        Quat::from_rotation_y(-self.lateral_deg.to_radians())
            * Quat::from_rotation_x(self.cephalad_deg.to_radians())
            * Vec3::NEG_Z
    }

    /// Where the hand holds the hub, for a needle `length_mm` long, in the twin frame (metres).
    pub fn hub_m(&self, length_mm: f32) -> Vec3 {
        let entry_m = self.entry_mm.extend(0.0) / 1000.0;
        entry_m - self.direction() * (length_mm + POISED_GAP_MM - self.advance_mm) / 1000.0
    }
}

/// The bevel a quarter turn further clockwise (seen from the hub): cephalad, right, caudal,
/// left. Clinicians face a Tuohy's bevel cephalad for an epidural, and a cutting spinal
/// needle's bevel along the dural fibres.
fn quarter_turned(roll_deg: f32) -> f32 {
    ((roll_deg / 90.0).round() * 90.0 + 90.0).rem_euclid(360.0)
}

fn next_needle(kind: NeedleKind) -> NeedleKind {
    let index = NeedleKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    NeedleKind::ALL[(index + 1) % NeedleKind::ALL.len()]
}

fn drive_needle_hand(
    time: Res<Time>,
    keys: Res<ButtonInput<KeyCode>>,
    mut hand: ResMut<DesktopNeedleHand>,
    input: Option<ResMut<NeedleHandInput>>,
    readout: Option<Res<NeedleReadout>>,
    scripted: Option<Res<ScriptedAdvance>>,
    recording: Option<Res<record_plugin::RecordingStatus>>,
) {
    let Some(mut input) = input else { return };
    let dt_s = time.delta_secs();
    if let Some(script) = scripted.as_deref() {
        let step_mm = script.speed_mm_per_s * dt_s;
        let gap_mm = script.target_mm - hand.advance_mm;
        if gap_mm.abs() > f32::EPSILON {
            hand.advance_mm += gap_mm.clamp(-step_mm, step_mm);
        }
    }
    let axis = |plus: KeyCode, minus: KeyCode| {
        f32::from(u8::from(keys.pressed(plus))) - f32::from(u8::from(keys.pressed(minus)))
    };
    let fast = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    let speed = if fast {
        FAST_ADVANCE_MM_PER_S
    } else {
        ADVANCE_MM_PER_S
    };
    hand.advance_mm += axis(KeyCode::KeyW, KeyCode::KeyS) * speed * dt_s;
    hand.cephalad_deg += axis(KeyCode::ArrowUp, KeyCode::ArrowDown) * TILT_DEG_PER_S * dt_s;
    hand.lateral_deg += axis(KeyCode::ArrowRight, KeyCode::ArrowLeft) * TILT_DEG_PER_S * dt_s;
    // A draws while an instructor lesson records: it does not move the entry then.
    let left = if crate::annotate_input::annotating(recording.as_deref()) {
        0.0
    } else {
        f32::from(u8::from(keys.pressed(KeyCode::KeyA)))
    };
    hand.entry_mm.x +=
        (f32::from(u8::from(keys.pressed(KeyCode::KeyD))) - left) * ENTRY_MM_PER_S * dt_s;
    hand.entry_mm.y += axis(KeyCode::KeyE, KeyCode::KeyQ) * ENTRY_MM_PER_S * dt_s;
    hand.cephalad_deg = hand.cephalad_deg.clamp(-45.0, 45.0);
    hand.lateral_deg = hand.lateral_deg.clamp(-45.0, 45.0);
    hand.advance_mm = hand.advance_mm.max(0.0);

    if keys.just_pressed(KeyCode::KeyN) {
        input.needle = next_needle(input.needle);
        *hand = DesktopNeedleHand {
            fluid: hand.fluid,
            ..default()
        };
    }
    if keys.just_pressed(KeyCode::Backspace) {
        *hand = DesktopNeedleHand {
            fluid: hand.fluid,
            ..default()
        };
    }
    if keys.just_pressed(KeyCode::KeyF) {
        hand.fluid = match hand.fluid {
            LorFluid::Saline => LorFluid::Air,
            LorFluid::Air => LorFluid::Saline,
        };
    }
    if keys.just_pressed(KeyCode::KeyT) {
        input.stylet_in = !input.stylet_in;
    }
    if keys.just_pressed(KeyCode::KeyB) {
        input.bevel_roll_deg = quarter_turned(input.bevel_roll_deg);
    }
    // The syringe goes on when the stylet comes out; Space presses its plunger.
    let press_0_1 = if keys.pressed(KeyCode::Space) {
        0.6
    } else {
        0.0
    };
    let scripted_press = scripted
        .as_ref()
        .and_then(|script| script.syringe_from_mm)
        .is_some_and(|from_mm| hand.advance_mm >= from_mm);
    if scripted_press && input.stylet_in {
        input.stylet_in = false;
    }
    let press_0_1 = if scripted_press { 0.6 } else { press_0_1 };
    input.syringe = (!input.stylet_in).then_some((hand.fluid, press_0_1));

    let length_mm = readout
        .and_then(|readout| {
            readout
                .state
                .as_ref()
                .map(|state| state.hub_m.distance(state.tip_m))
        })
        .map_or(80.0, |length_m| length_m * 1000.0);
    input.hub_m = hand.hub_m(length_mm);
    input.direction = hand.direction();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bevel_turns_a_quarter_at_a_time_and_comes_round() {
        let turns: Vec<f32> = std::iter::successors(Some(0.0), |&roll| Some(quarter_turned(roll)))
            .take(5)
            .collect();
        assert_eq!(turns, vec![0.0, 90.0, 180.0, 270.0, 0.0]);
        // A roll set elsewhere (a hand's twist) snaps to the next quarter.
        assert_eq!(quarter_turned(-93.0), 0.0);
    }

    #[test]
    fn a_straight_hand_points_into_the_back_and_poises_the_tip_above_the_skin() {
        let hand = DesktopNeedleHand::default();
        assert_eq!(hand.direction(), Vec3::NEG_Z);
        let hub_m = hand.hub_m(80.0);
        let tip_m = hub_m + hand.direction() * 0.080;
        assert!(
            (tip_m.z - 0.010).abs() < 1e-6,
            "tip 10 mm above the skin: {tip_m}"
        );
    }

    #[test]
    fn cephalad_tilt_points_the_tip_to_the_head_and_right_tilt_to_the_right() {
        let hand = DesktopNeedleHand {
            cephalad_deg: 10.0,
            lateral_deg: 5.0,
            ..default()
        };
        let direction = hand.direction();
        assert!(direction.y > 0.0 && direction.x > 0.0 && direction.z < 0.0);
        assert!((direction.length() - 1.0).abs() < 1e-6);
        // Tilting pivots about the entry point: the shaft line still passes through it.
        let advanced = DesktopNeedleHand {
            advance_mm: 90.0,
            ..hand
        };
        let tip_m = advanced.hub_m(80.0) + direction * 0.080;
        let entry_to_tip = tip_m - Vec3::ZERO;
        assert!(entry_to_tip.normalize().dot(direction) > 0.9999);
    }

    #[test]
    fn needles_cycle_through_every_kind() {
        let mut kind = NeedleKind::Tuohy18G;
        let mut seen = vec![kind];
        for _ in 1..NeedleKind::ALL.len() {
            kind = next_needle(kind);
            seen.push(kind);
        }
        assert_eq!(next_needle(kind), NeedleKind::Tuohy18G);
        seen.sort_by_key(|k| format!("{k:?}"));
        seen.dedup();
        assert_eq!(seen.len(), NeedleKind::ALL.len());
    }
}
