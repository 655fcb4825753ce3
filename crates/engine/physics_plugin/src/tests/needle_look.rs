//! How the needle looks, headless: depth marks per needle, ISO 6009 hub colours, the syringe and
//! stylet cap by the model's state, the plunger following the model, the bevel marker's roll.

use super::*;
use crate::visuals::look::{
    BevelMarker, DepthMark, LorSyringe, NeedleHub, NeedleHubFrame, StyletCap, SyringePlunger,
    gauge, iso6009_hub_colour,
};

fn run_frames(app: &mut App, frames: usize) {
    for _ in 0..frames {
        app.update();
    }
}

fn visible(visibility: &Visibility) -> bool {
    *visibility != Visibility::Hidden
}

fn hub_frame(app: &mut App) -> (Transform, Visibility) {
    let world = app.world_mut();
    let (transform, visibility) = world
        .query_filtered::<(&Transform, &Visibility), With<NeedleHubFrame>>()
        .single(world)
        .expect("one hub frame");
    (*transform, *visibility)
}

fn shown_part<C: Component>(app: &mut App) -> bool {
    let world = app.world_mut();
    let visibilities: Vec<Visibility> = world
        .query_filtered::<&Visibility, With<C>>()
        .iter(world)
        .copied()
        .collect();
    assert_eq!(visibilities.len(), 1, "one {}", std::any::type_name::<C>());
    visible(&visibilities[0])
}

/// Visible depth marks as distances from the tip along the drawn shaft, in millimetres.
fn visible_marks_from_tip_mm(app: &mut App) -> Vec<f32> {
    let (frame, _) = hub_frame(app);
    let state = app
        .world()
        .resource::<NeedleReadout>()
        .state
        .expect("needle runs");
    let world = app.world_mut();
    let mut marks: Vec<f32> = world
        .query::<(&DepthMark, &Transform, &Visibility)>()
        .iter(world)
        .filter(|(_, _, visibility)| visible(visibility))
        .map(|(_, transform, _)| {
            frame
                .transform_point(transform.translation)
                .distance(state.tip_m)
                * 1000.0
        })
        .collect();
    marks.sort_by(f32::total_cmp);
    marks
}

#[test]
fn the_tuohy_has_a_mark_every_centimetre_and_spinal_needles_none() {
    let mut app = headless_app();
    let params = ModelParams::bundled().expect("bundled parameters");
    for needle in NeedleKind::ALL {
        app.world_mut().resource_mut::<NeedleHandInput>().needle = needle;
        run_frames(&mut app, 3);
        let spec = params.needle(needle).expect("every needle has a spec");
        let marks_mm = visible_marks_from_tip_mm(&mut app);
        let expected = match needle {
            NeedleKind::Tuohy18G => (spec.length_mm / 10.0).floor() as usize,
            _ => 0,
        };
        assert_eq!(marks_mm.len(), expected, "{needle:?}: {marks_mm:?}");
        for (index, from_tip_mm) in marks_mm.iter().enumerate() {
            let wanted_mm = 10.0 * (index + 1) as f32;
            assert!(
                (from_tip_mm - wanted_mm).abs() < 0.01,
                "{needle:?} mark {index}: {from_tip_mm} mm from the tip, not {wanted_mm}"
            );
        }
    }
    // The Tuohy (80 mm) must really carry marks, or the loop above proves nothing for it.
    app.world_mut().resource_mut::<NeedleHandInput>().needle = NeedleKind::Tuohy18G;
    run_frames(&mut app, 3);
    assert_eq!(visible_marks_from_tip_mm(&mut app).len(), 8);
}

#[test]
fn only_the_needle_in_hand_shows_its_hub_in_the_iso_6009_colour() {
    let mut app = headless_app();
    for needle in NeedleKind::ALL {
        app.world_mut().resource_mut::<NeedleHandInput>().needle = needle;
        run_frames(&mut app, 3);
        let world = app.world_mut();
        let shown: Vec<(NeedleKind, Handle<StandardMaterial>)> = world
            .query::<(&NeedleHub, &Visibility, &MeshMaterial3d<StandardMaterial>)>()
            .iter(world)
            .filter(|(_, visibility, _)| visible(visibility))
            .map(|(hub, _, material)| (hub.needle, material.0.clone()))
            .collect();
        assert_eq!(shown.len(), 1, "{needle:?}: {shown:?}");
        assert_eq!(shown[0].0, needle);
        let colour = world
            .resource::<Assets<StandardMaterial>>()
            .get(&shown[0].1)
            .expect("hub material")
            .base_color;
        assert_eq!(colour, iso6009_hub_colour(gauge(needle)));
    }
    assert_ne!(iso6009_hub_colour(18), iso6009_hub_colour(22));
    assert_ne!(iso6009_hub_colour(22), iso6009_hub_colour(25));
}

#[test]
fn the_syringe_shows_exactly_with_the_stylet_out_and_a_syringe_on() {
    let mut app = headless_app();
    let cases = [
        (true, None, false),
        (true, Some((LorFluid::Saline, 0.0)), false),
        (false, None, false),
        (false, Some((LorFluid::Saline, 0.0)), true),
        (false, Some((LorFluid::Air, 0.0)), true),
    ];
    for (stylet_in, syringe, syringe_expected) in cases {
        {
            let mut input = app.world_mut().resource_mut::<NeedleHandInput>();
            input.stylet_in = stylet_in;
            input.syringe = syringe;
        }
        run_frames(&mut app, 3);
        assert!(visible(&hub_frame(&mut app).1));
        assert_eq!(
            shown_part::<LorSyringe>(&mut app),
            syringe_expected,
            "stylet in {stylet_in}, syringe {syringe:?}"
        );
        assert_eq!(shown_part::<StyletCap>(&mut app), stylet_in);
    }
}

#[test]
fn the_plunger_slides_in_by_the_models_travel() {
    let mut app = headless_app();
    let plunger_z_m = |app: &mut App| {
        let world = app.world_mut();
        world
            .query_filtered::<&Transform, With<SyringePlunger>>()
            .single(world)
            .expect("one plunger")
            .translation
            .z
    };
    // Into the interspinous ligament, which lets nothing out: an air plunger only compresses.
    for _ in 0..700 {
        advance_hand(&mut app, 0.05);
        app.update();
    }
    {
        let mut input = app.world_mut().resource_mut::<NeedleHandInput>();
        input.stylet_in = false;
        input.syringe = Some((LorFluid::Air, 0.0));
    }
    run_frames(&mut app, 3);
    let rest_z_m = plunger_z_m(&mut app);
    let model_travel_mm = |app: &App| {
        app.world()
            .resource::<NeedleReadout>()
            .state
            .expect("needle runs")
            .plunger
            .displacement_mm
    };
    let mut travels_mm = Vec::new();
    // Below the ligament's opening pressure (a full press, 109 kPa, would force air through).
    for press_0_1 in [0.8, 0.4, 0.0] {
        app.world_mut().resource_mut::<NeedleHandInput>().syringe =
            Some((LorFluid::Air, press_0_1));
        run_frames(&mut app, 5);
        let travel_mm = model_travel_mm(&app);
        let drawn_mm = (rest_z_m - plunger_z_m(&mut app)) * 1000.0;
        assert!(
            (drawn_mm - travel_mm).abs() < 1e-3,
            "press {press_0_1}: plunger drawn {drawn_mm} mm in, the model says {travel_mm} mm"
        );
        let expelled_ml = app
            .world()
            .resource::<NeedleReadout>()
            .state
            .expect("needle runs")
            .plunger
            .expelled_ml;
        assert!(
            expelled_ml < 0.01,
            "the ligament holds the air: {expelled_ml} mL out"
        );
        travels_mm.push(travel_mm);
    }
    assert!(
        travels_mm[0] > 0.5,
        "a firm press compresses the air: {travels_mm:?}"
    );
    assert!(
        travels_mm[2] < travels_mm[1] && travels_mm[1] < travels_mm[0],
        "a lighter press lets the air spring back: {travels_mm:?}"
    );
}

#[test]
fn the_bevel_marker_turns_with_the_bevel() {
    let mut app = headless_app();
    // The marker's direction from the shaft's axis, in the twin frame.
    let marker_side = |app: &mut App| {
        let (frame, _) = hub_frame(app);
        let world = app.world_mut();
        let local = world
            .query_filtered::<&Transform, With<BevelMarker>>()
            .single(world)
            .expect("one bevel marker")
            .translation;
        let axis = frame.rotation * Vec3::NEG_Z;
        let offset = frame.rotation * local;
        (offset - axis * axis.dot(offset)).normalize()
    };
    run_frames(&mut app, 3);
    let direction = app
        .world()
        .resource::<NeedleReadout>()
        .state
        .expect("needle runs")
        .direction;
    assert!(
        direction.dot(Vec3::NEG_Z) > 0.99,
        "poised straight down: {direction}"
    );
    let unrolled = marker_side(&mut app);
    assert!(
        unrolled.dot(Vec3::Y) > 0.99,
        "bevel towards the head: {unrolled}"
    );
    for (roll_deg, expected) in [(90.0, Vec3::X), (180.0, Vec3::NEG_Y), (-90.0, Vec3::NEG_X)] {
        app.world_mut()
            .resource_mut::<NeedleHandInput>()
            .bevel_roll_deg = roll_deg;
        run_frames(&mut app, 2);
        let side = marker_side(&mut app);
        assert!(
            side.dot(expected) > 0.99,
            "rolled {roll_deg}°: marker towards {side}, expected {expected}"
        );
    }
}
