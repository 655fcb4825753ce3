//! The plugin under `MinimalPlugins` with manual time: the hand drives a needle into the
//! synthetic interspace through Bevy's fixed update, and the facts come out as messages.

use super::*;
use anatomy::TissueClass;
use bevy::time::TimeUpdateStrategy;
use needle::{LorFluid, NeedleEvent, NeedleKind, SyntheticLumbar};
use std::time::Duration;
use visuals::look::NeedleShaft;

#[derive(Resource, Default)]
struct SeenFacts(Vec<NeedleFact>);

fn collect_facts(mut reader: MessageReader<NeedleFact>, mut seen: ResMut<SeenFacts>) {
    seen.0.extend(reader.read().cloned());
}

fn headless_app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, AssetPlugin::default(), TransformPlugin))
        .init_asset::<Mesh>()
        .init_asset::<StandardMaterial>()
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
            10,
        )))
        .init_resource::<SeenFacts>()
        .add_plugins((stage_plugin::StagePlugin, NeedlePhysicsPlugin))
        .add_systems(
            FixedUpdate,
            collect_facts.after(NeedlePhysicsSystems::Writeback),
        );
    app.update();
    app
}

/// Moves the hand `mm` along its direction.
fn advance_hand(app: &mut App, mm: f32) {
    let mut input = app.world_mut().resource_mut::<NeedleHandInput>();
    let step = input.direction * mm / 1000.0;
    input.hub_m += step;
}

fn facts(app: &App) -> &[NeedleFact] {
    &app.world().resource::<SeenFacts>().0
}

#[test]
fn a_midline_epidural_finds_loss_of_resistance_through_the_fixed_update() {
    let mut app = headless_app();
    assert_eq!(
        app.world().resource::<NeedleHandInput>().needle,
        NeedleKind::Tuohy18G
    );
    // With the stylet in, through the skin into the interspinous ligament (tip ~25 mm deep).
    for _ in 0..700 {
        advance_hand(&mut app, 0.05);
        app.update();
    }
    {
        // Then stylet out, saline syringe on, steady pressure on the plunger.
        let mut input = app.world_mut().resource_mut::<NeedleHandInput>();
        input.stylet_in = false;
        input.syringe = Some((LorFluid::Saline, 0.6));
    }
    // 5 mm/s in 10 ms frames, until the plunger gives way or 30 s pass.
    let mut lost_at_mm = None;
    for _ in 0..3000 {
        advance_hand(&mut app, 0.05);
        app.update();
        lost_at_mm = facts(&app).iter().find_map(|fact| match fact.event {
            NeedleEvent::LossOfResistance { depth_mm, tissue } => Some((depth_mm, tissue)),
            _ => None,
        });
        if lost_at_mm.is_some() {
            break;
        }
    }
    let (depth_mm, tissue) = lost_at_mm.unwrap_or_else(|| {
        let state = app.world().resource::<NeedleReadout>().state;
        panic!(
            "no loss of resistance within 30 s: {:?}\n{state:?}",
            facts(&app)
        )
    });
    assert_eq!(tissue, TissueClass::EpiduralSpace);
    let (from_mm, to_mm) = SyntheticLumbar::new().epidural_depth_range_mm();
    assert!(
        (from_mm..=to_mm).contains(&depth_mm),
        "{depth_mm} mm not in {from_mm}..{to_mm}"
    );
    let entered: Vec<TissueClass> = facts(&app)
        .iter()
        .filter_map(|fact| match fact.event {
            NeedleEvent::LayerEntered { tissue, .. } => Some(tissue),
            _ => None,
        })
        .collect();
    assert!(
        entered.starts_with(&[
            TissueClass::Skin,
            TissueClass::Fat,
            TissueClass::SupraspinousLigament,
            TissueClass::InterspinousLigament,
            TissueClass::LigamentumFlavum,
        ]),
        "{entered:?}"
    );
    let times: Vec<f64> = facts(&app).iter().map(|fact| fact.time_s).collect();
    assert!(
        times.windows(2).all(|pair| pair[0] <= pair[1]),
        "facts in time order"
    );

    let readout = app.world().resource::<NeedleReadout>().clone();
    let state = readout.state.as_ref().expect("readout written");
    assert_eq!(state.tip_tissue, TissueClass::EpiduralSpace);
    assert!(
        readout
            .haptic_peaks_0_1
            .iter()
            .all(|cue| (0.0..=1.0).contains(cue))
    );

    // The drawn shaft spans hub to tip.
    let world = app.world_mut();
    let shaft = *world
        .query_filtered::<&Transform, With<NeedleShaft>>()
        .single(world)
        .expect("one shaft");
    assert!(
        shaft
            .translation
            .distance((state.hub_m + state.tip_m) / 2.0)
            < 1e-6
    );
    assert!((shaft.scale.y - state.hub_m.distance(state.tip_m)).abs() < 1e-6);
}

#[test]
fn a_nan_hand_is_refused_and_the_needle_stays_where_it_was() {
    let mut app = headless_app();
    advance_hand(&mut app, 15.0);
    for _ in 0..20 {
        app.update();
    }
    let before = app.world().resource::<NeedleReadout>().state;
    app.world_mut().resource_mut::<NeedleHandInput>().hub_m = Vec3::NAN;
    for _ in 0..5 {
        app.update();
    }
    let readout = app.world().resource::<NeedleReadout>();
    assert!(readout.refused_inputs > 0);
    let (before, after) = (before.expect("ran"), readout.state.expect("ran"));
    assert!(after.tip_m.is_finite());
    assert_eq!(before.tip_m, after.tip_m);
}

#[test]
fn choosing_another_needle_starts_it_poised_above_the_skin() {
    let mut app = headless_app();
    advance_hand(&mut app, 30.0);
    for _ in 0..50 {
        app.update();
    }
    app.world_mut().resource_mut::<NeedleHandInput>().needle = NeedleKind::Whitacre25G;
    for _ in 0..5 {
        app.update();
    }
    let state = app.world().resource::<NeedleReadout>().state.expect("ran");
    assert_eq!(state.needle, NeedleKind::Whitacre25G);
    assert_eq!(state.tip_tissue, TissueClass::Air);
    assert!(state.tip_m.z > 0.0, "tip above the skin: {}", state.tip_m);
}

mod needle_look;
