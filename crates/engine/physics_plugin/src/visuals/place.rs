//! Each frame: the shaft and the hub frame where the model says, the hub of the needle in the
//! hand, the depth marks along the shaft, and the stylet cap, syringe, saline and CSF by the
//! model's state.

use super::look::{
    CSF_DROP_PERIOD_S, CSF_DROP_RADIUS_M, CsfDrop, DepthMark, HUB_LENGTH_M, LorSyringe, NeedleHub,
    NeedleHubFrame, NeedleLook, NeedleShaft, StyletCap, SyringePlunger, SyringeSaline,
    depth_mark_count, hub_frame_transform, shaft_transform, syringe_shown,
};
use crate::simulation::NeedleParams;
use crate::{NeedleHandInput, NeedleReadout};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use needle::LorFluid;

fn shown(yes: bool) -> Visibility {
    if yes {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    }
}

type ShaftQuery<'w, 's> = Query<
    'w,
    's,
    (&'static mut Transform, &'static mut Visibility),
    (With<NeedleShaft>, Without<NeedleHubFrame>),
>;
type FrameQuery<'w, 's> = Query<
    'w,
    's,
    (&'static mut Transform, &'static mut Visibility),
    (With<NeedleHubFrame>, Without<NeedleShaft>),
>;
type HubQuery<'w, 's> = Query<
    'w,
    's,
    (&'static NeedleHub, &'static mut Visibility),
    (
        Without<NeedleShaft>,
        Without<NeedleHubFrame>,
        Without<DepthMark>,
    ),
>;
type MarkQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static DepthMark,
        &'static mut Transform,
        &'static mut Visibility,
    ),
    (
        Without<NeedleShaft>,
        Without<NeedleHubFrame>,
        Without<NeedleHub>,
    ),
>;
/// Parts shown or hidden by the model's state: stylet cap, syringe, CSF drop, saline.
type ToggleQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static mut Visibility,
        Has<StyletCap>,
        Has<LorSyringe>,
        Has<CsfDrop>,
    ),
    (
        Or<(
            With<StyletCap>,
            With<LorSyringe>,
            With<CsfDrop>,
            With<SyringeSaline>,
        )>,
        Without<NeedleHub>,
        Without<DepthMark>,
        Without<NeedleShaft>,
        Without<NeedleHubFrame>,
    ),
>;
/// Parts moved by the model's state: plunger, saline column, CSF drop.
type MoverQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static mut Transform,
        Has<SyringePlunger>,
        Has<SyringeSaline>,
    ),
    (
        Or<(With<SyringePlunger>, With<SyringeSaline>, With<CsfDrop>)>,
        Without<NeedleShaft>,
        Without<NeedleHubFrame>,
        Without<DepthMark>,
    ),
>;

/// What the needle's look is read from: the model's state, the needle specs, the hand's roll.
#[derive(SystemParam)]
pub(crate) struct LookSource<'w> {
    readout: Res<'w, NeedleReadout>,
    params: Res<'w, NeedleParams>,
    look: Option<Res<'w, NeedleLook>>,
    input: Option<Res<'w, NeedleHandInput>>,
}

pub(crate) fn place_needle(
    source: LookSource,
    mut shafts: ShaftQuery,
    mut frames: FrameQuery,
    mut hubs: HubQuery,
    mut marks: MarkQuery,
    mut toggles: ToggleQuery,
    mut movers: MoverQuery,
) {
    let Some(state) = &source.readout.state else {
        return;
    };
    let roll_deg = source.input.map_or(0.0, |input| input.bevel_roll_deg);
    let (Some(shaft_pose), Some(frame_pose)) = (
        shaft_transform(state.hub_m, state.tip_m),
        hub_frame_transform(state.hub_m, state.tip_m, roll_deg),
    ) else {
        return;
    };
    for (mut transform, mut visibility) in &mut shafts {
        *transform = shaft_pose;
        *visibility = Visibility::Inherited;
    }
    for (mut transform, mut visibility) in &mut frames {
        *transform = frame_pose;
        *visibility = Visibility::Inherited;
    }
    for (hub, mut visibility) in &mut hubs {
        visibility.set_if_neq(shown(hub.needle == state.needle));
    }

    let spec = source.params.0.needle(state.needle);
    let mark_count = spec.map_or(0, depth_mark_count);
    let spacing_m = spec
        .and_then(|spec| spec.depth_mark_spacing_mm)
        .unwrap_or(0.0) as f32
        / 1000.0;
    let shaft_length_m = state.hub_m.distance(state.tip_m);
    for (mark, mut transform, mut visibility) in &mut marks {
        let from_tip_m = mark.index as f32 * spacing_m;
        let on = mark.index <= mark_count && from_tip_m <= shaft_length_m;
        visibility.set_if_neq(shown(on));
        if on {
            transform.translation = Vec3::NEG_Z * (shaft_length_m - from_tip_m);
        }
    }

    let with_syringe = syringe_shown(state);
    let saline = with_syringe && state.plunger.fluid == Some(LorFluid::Saline);
    for (mut visibility, stylet_cap, syringe, csf_drop) in &mut toggles {
        let on = if stylet_cap {
            state.stylet_in
        } else if syringe {
            with_syringe
        } else if csf_drop {
            state.csf_at_hub && !state.stylet_in && !with_syringe
        } else {
            saline
        };
        visibility.set_if_neq(shown(on));
    }

    let Some(look) = source.look else { return };
    let travel_mm = state.plunger.displacement_mm;
    let stopper_front_m = look.syringe.stopper_front_m(travel_mm);
    let saline_length_m = (stopper_front_m - look.syringe.bore_start_m()).max(1e-5);
    for (mut transform, plunger, saline_column) in &mut movers {
        if plunger {
            transform.translation = Vec3::Z * stopper_front_m;
        } else if saline_column {
            transform.translation = Vec3::Z * (look.syringe.bore_start_m() + saline_length_m / 2.0);
            transform.scale = Vec3::new(1.0, saline_length_m, 1.0);
        } else {
            // The drop swells on the hub's rim, then starts again: CSF dripping at the hub.
            let swell = ((state.time_s / CSF_DROP_PERIOD_S).fract() as f32).max(0.2);
            transform.scale = Vec3::splat(swell);
            transform.translation = Vec3::Z * (HUB_LENGTH_M + CSF_DROP_RADIUS_M * swell * 0.6);
        }
    }
}
