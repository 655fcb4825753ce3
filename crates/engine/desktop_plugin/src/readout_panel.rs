//! The teaching panel: the needle, the tissue at its tip, depth, force, plunger and stylet, and
//! the last few things that happened.

use bevy::prelude::*;
use needle::{NeedleEvent, NeedleKind, NeedleState};
use physics_plugin::{NeedleFact, NeedleReadout};

/// Marks the panel's text.
#[derive(Component, Debug)]
pub struct ReadoutPanel;

/// The teaching panel: the needle's state and its latest facts.
pub(crate) struct ReadoutPanelPlugin;

impl Plugin for ReadoutPanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<RecentFacts>()
            .add_systems(Startup, spawn_panel)
            .add_systems(Update, update_panel);
    }
}

/// The most recent facts, newest last.
#[derive(Resource, Debug, Default)]
struct RecentFacts(Vec<String>);

const RECENT_FACTS_SHOWN: usize = 5;

fn spawn_panel(mut commands: Commands) {
    commands.spawn((
        Name::new("Readout panel"),
        ReadoutPanel,
        Text::new(""),
        TextFont {
            font_size: FontSize::Px(14.0),
            ..default()
        },
        TextColor(Color::srgb(0.95, 0.95, 0.95)),
        Node {
            position_type: PositionType::Absolute,
            top: Val::Px(10.0),
            left: Val::Px(12.0),
            padding: UiRect::all(Val::Px(6.0)),
            ..default()
        },
        BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.5)),
    ));
}

fn needle_name(kind: NeedleKind) -> &'static str {
    match kind {
        NeedleKind::Tuohy18G => "Tuohy 18G (epidural)",
        NeedleKind::Quincke22G => "Quincke 22G (spinal, cutting)",
        NeedleKind::Quincke25G => "Quincke 25G (spinal, cutting)",
        NeedleKind::Whitacre25G => "Whitacre 25G (spinal, pencil point)",
    }
}

/// A fact in the words a trainee reads.
pub fn describe_fact(event: &NeedleEvent) -> String {
    match event {
        NeedleEvent::SkinPunctured { .. } => "skin punctured".into(),
        NeedleEvent::LayerEntered { tissue, depth_mm } => {
            format!("{} at {depth_mm:.0} mm", tissue.display_name())
        }
        NeedleEvent::MembranePunctured {
            tissue,
            force_drop_n,
            ..
        } if (force_drop_n * 100.0).round() > 0.0 => {
            format!("{} gave ({force_drop_n:.2} N drop)", tissue.display_name())
        }
        // A drop that rounds to zero tells the trainee nothing (soft layers yield smoothly).
        NeedleEvent::MembranePunctured { tissue, .. } => {
            format!("{} pierced", tissue.display_name())
        }
        NeedleEvent::BoneContacted {
            level, depth_mm, ..
        } => format!("BONE: {level} at {depth_mm:.0} mm"),
        NeedleEvent::LossOfResistance { depth_mm, tissue } => {
            format!(
                "LOSS OF RESISTANCE at {depth_mm:.0} mm ({})",
                tissue.display_name()
            )
        }
        NeedleEvent::DuraPunctured { depth_mm } => format!("dura punctured at {depth_mm:.0} mm"),
        NeedleEvent::CsfFlashback { wet_tap: true } => "CSF at the hub: WET TAP".into(),
        NeedleEvent::CsfFlashback { wet_tap: false } => "CSF at the hub".into(),
        NeedleEvent::Paresthesia { depth_mm } => format!("paresthesia at {depth_mm:.0} mm"),
        NeedleEvent::NeedleWithdrawn => "needle withdrawn".into(),
        NeedleEvent::Redirected { angle_deg } => format!("redirected {angle_deg:.0}°"),
    }
}

/// The panel's lines for a needle state.
pub fn describe_state(state: &NeedleState) -> String {
    let plunger = match state.plunger.fluid {
        None => "syringe off".to_owned(),
        Some(fluid) if state.plunger.resisting => format!("{fluid:?} syringe: resisting"),
        Some(fluid) => format!("{fluid:?} syringe: gives"),
    };
    format!(
        "{}\ntip: {}   depth {:.1} mm   force {:.1} N\n{}   stylet {}",
        needle_name(state.needle),
        state.tip_tissue.display_name(),
        state.tip_depth_mm,
        state.applied_force_n,
        plunger,
        if state.stylet_in { "in" } else { "out" },
    )
}

/// Which way the bevel faces, in the words of the patient's body (roll as `B` turns it).
pub fn bevel_words(roll_deg: f32) -> &'static str {
    match ((roll_deg / 90.0).round() as i32).rem_euclid(4) {
        0 => "cephalad",
        1 => "to the right",
        2 => "caudal",
        _ => "to the left",
    }
}

fn update_panel(
    readout: Option<Res<NeedleReadout>>,
    input: Option<Res<physics_plugin::NeedleHandInput>>,
    // Absent without the needle physics (a view alone).
    facts: Option<MessageReader<NeedleFact>>,
    mut recent: ResMut<RecentFacts>,
    mut panels: Query<&mut Text, With<ReadoutPanel>>,
) {
    if let Some(mut facts) = facts {
        recent
            .0
            .extend(facts.read().map(|fact| describe_fact(&fact.event)));
    }
    let excess = recent.0.len().saturating_sub(RECENT_FACTS_SHOWN);
    recent.0.drain(..excess);
    let Some(state) = readout.as_ref().and_then(|readout| readout.state.as_ref()) else {
        return;
    };
    let mut text = describe_state(state);
    if let Some(input) = input {
        text.push_str("   bevel ");
        text.push_str(bevel_words(input.bevel_roll_deg));
    }
    for line in &recent.0 {
        text.push_str("\n- ");
        text.push_str(line);
    }
    for mut panel in &mut panels {
        if panel.0 != text {
            panel.0.clone_from(&text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anatomy::TissueClass;

    fn membrane(force_drop_n: f32) -> NeedleEvent {
        NeedleEvent::MembranePunctured {
            tissue: TissueClass::Muscle,
            depth_mm: 15.0,
            force_drop_n,
        }
    }

    #[test]
    fn a_membrane_drop_is_shown_only_when_it_reads_above_zero() {
        assert_eq!(describe_fact(&membrane(1.714)), "muscle gave (1.71 N drop)");
        assert_eq!(describe_fact(&membrane(0.001)), "muscle pierced");
        assert_eq!(describe_fact(&membrane(0.004_9)), "muscle pierced");
        assert_eq!(describe_fact(&membrane(0.006)), "muscle gave (0.01 N drop)");
    }
}
