//! Tracked hands and controllers → the needle hand's target and the plunger; the table moved with
//! both hands; hands drawn as joint spheres and bones.

use crate::XrOptions;
use crate::controllers::ControllerReadings;
use crate::report::XrReport;
use crate::status::{SystemClock, XrStatus};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_mod_xr::hands::{HandBone, LeftHand, RightHand};
use bevy_mod_xr::spaces::XrSpaceLocationFlags;
use hands::{
    AnchorBook, GrabChange, HandInput, HandJoint, HandPose, Handedness, JOINT_COUNT, JointPose,
    NeedleHands, NeedlePose, RigidPose, TableAnchor, TwoHandPlacement, joint_parent,
};
use needle::LorFluid;
use physics_plugin::{NeedleHandInput, NeedleReadout};
use stage_plugin::{PatientTable, StageSystems, TwinAnchor};
use std::time::Instant;

pub(crate) struct HandInputPlugin;

/// The runtime's hand joints: which, where (STAGE space), whether tracked, which hand.
type HandBones<'w, 's> = Query<
    'w,
    's,
    (
        &'static HandBone,
        &'static Transform,
        &'static XrSpaceLocationFlags,
        Has<LeftHand>,
        Has<RightHand>,
    ),
>;
/// The twin anchor's transform (the hand bones and the table excluded, so queries do not overlap).
type AnchorTransforms<'w, 's> = Query<
    'w,
    's,
    &'static mut Transform,
    (With<TwinAnchor>, Without<PatientTable>, Without<HandBone>),
>;
/// The patient table's transform.
type TableTransforms<'w, 's> = Query<
    'w,
    's,
    &'static mut Transform,
    (With<PatientTable>, Without<TwinAnchor>, Without<HandBone>),
>;

impl Plugin for HandInputPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<HandsState>()
            .add_systems(
                Startup,
                (restore_table_anchor, spawn_hand_visuals).after(StageSystems),
            )
            .add_systems(
                RunFixedMainLoop,
                drive_needle_from_hands.in_set(crate::XrSystems::Input),
            )
            .add_systems(Update, draw_hands.in_set(crate::XrSystems::Feedback));
    }
}

/// The hands' filters and grab, the table's placement, and the latest tracked hands.
#[derive(Resource, Default)]
pub(crate) struct HandsState {
    needle_hands: NeedleHands,
    tracked: [Option<HandPose>; 2],
    /// Table and twin anchor transforms as laid out, before any placement.
    laid_out: Option<(Transform, Transform)>,
    anchor: TableAnchor,
    placement: Option<TwoHandPlacement>,
    /// The hand holding the needle, for haptics.
    pub(crate) holder: Option<Handedness>,
    /// The other hand was closed last frame (its closing at the hub takes the stylet out or puts it back).
    other_was_closed: bool,
    /// Each hand (left, right) is drawing a stroke.
    drawing: [bool; 2],
}

#[cfg(test)]
impl HandsState {
    /// Hands tracked at these poses (left, right), nothing else: for tests of the presses.
    pub(crate) fn tracking(tracked: [Option<HandPose>; 2]) -> Self {
        Self {
            tracked,
            ..default()
        }
    }
}

impl HandsState {
    /// Each hand's index fingertip this frame (STAGE space), left then right.
    pub(crate) fn index_tips_m(&self) -> [Option<Vec3>; 2] {
        self.tracked.each_ref().map(|hand| {
            hand.as_ref()
                .and_then(|hand| hand.position_m(HandJoint::IndexTip))
        })
    }
}

/// Each hand's pressing point this frame: the index fingertip, else the controller.
#[derive(SystemParam)]
pub(crate) struct Fingertips<'w> {
    hands: Res<'w, HandsState>,
    controllers: Option<Res<'w, ControllerReadings>>,
}

impl Fingertips<'_> {
    /// Each hand's pressing point in the STAGE space, left then right.
    pub(crate) fn tips_m(&self) -> [Option<Vec3>; 2] {
        let tips = self.hands.index_tips_m();
        let grips = self.controllers.as_ref().map_or([None, None], |c| {
            [c.left, c.right].map(|controller| controller.and_then(|c| c.grip))
        });
        [0, 1].map(|side| tips[side].or(grips[side].map(|grip| grip.position_m)))
    }
}

/// The runtime's hands and controllers this frame, and the real time.
#[derive(SystemParam)]
struct TrackedInput<'w, 's> {
    time: Res<'w, Time<Real>>,
    bones: HandBones<'w, 's>,
    controllers: Option<Res<'w, ControllerReadings>>,
}

/// The needle the hands drive: the physics' hand input and its readout, when a needle runs.
#[derive(SystemParam)]
struct NeedleLink<'w> {
    input: Option<ResMut<'w, NeedleHandInput>>,
    readout: Option<Res<'w, NeedleReadout>>,
}

/// The recorder the hands feed: the hands for the frames, the strokes drawn, when one runs.
#[derive(SystemParam)]
struct RecorderLink<'w> {
    room_hands: Option<ResMut<'w, record_plugin::RoomHands>>,
    recording: Option<Res<'w, record_plugin::RecordingStatus>>,
    annotations: Option<MessageWriter<'w, record_plugin::AnnotationInput>>,
}

/// The twin anchor and the table, moved together when both hands place the table.
#[derive(SystemParam)]
struct TablePlacement<'w, 's> {
    anchors: AnchorTransforms<'w, 's>,
    tables: TableTransforms<'w, 's>,
}

/// The runtime's hands as the session format stores them (still in the STAGE space).
fn hands_for_recording(
    tracked: &[Option<HandPose>; 2],
    controllers: &ControllerReadings,
) -> record_plugin::RoomHands {
    let pose = |pose: &RigidPose| session::Pose::new(pose.position_m, pose.rotation);
    let side = |tracked: &Option<HandPose>, controller: Option<hands::ControllerState>| match (
        tracked, controller,
    ) {
        (Some(hand), _) => {
            let mut stored = session::TrackedHand::default();
            for (slot, joint) in stored.joints.iter_mut().zip(&hand.joints) {
                *slot = joint.map(|joint| session::HandJointPose {
                    pose: pose(&joint.pose),
                    radius_m: joint.radius_m,
                });
            }
            session::HandInputRecord::Tracked(Box::new(stored))
        }
        (None, Some(controller)) => match controller.grip {
            Some(grip) => session::HandInputRecord::Controller(session::ControllerStateRecord {
                grip: pose(&grip),
                aim: pose(&grip),
                trigger_value: controller.trigger_0_1,
                squeeze_value: controller.squeeze_0_1,
            }),
            None => session::HandInputRecord::Absent,
        },
        (None, None) => session::HandInputRecord::Absent,
    };
    record_plugin::RoomHands {
        left: side(&tracked[0], controllers.left),
        right: side(&tracked[1], controllers.right),
    }
}

/// Convert the runtime's hand joints (STAGE space) into the project's hand pose.
fn read_hands(bones: &HandBones) -> [Option<HandPose>; 2] {
    let mut hands = [
        HandPose::untracked(Handedness::Left),
        HandPose::untracked(Handedness::Right),
    ];
    for (bone, transform, flags, left, right) in bones {
        if !flags.position_tracked {
            continue;
        }
        let side = match (left, right) {
            (true, _) => 0,
            (_, true) => 1,
            _ => continue,
        };
        let index = *bone as usize;
        if index < JOINT_COUNT {
            hands[side].joints[index] = Some(JointPose {
                pose: RigidPose::new(transform.translation, transform.rotation),
                radius_m: 0.008,
            });
        }
    }
    hands.map(|hand| hand.joints.iter().any(Option::is_some).then_some(hand))
}

fn input_for(tracked: &Option<HandPose>, controller: Option<hands::ControllerState>) -> HandInput {
    match (tracked, controller) {
        (Some(hand), _) if hand.wrist_pose().is_some() => {
            HandInput::Tracked(Box::new(hand.clone()))
        }
        (_, Some(controller)) if controller.grip.is_some() => HandInput::Controller(controller),
        _ => HandInput::Absent,
    }
}

fn drive_needle_from_hands(
    tracked: TrackedInput,
    mut state: ResMut<HandsState>,
    mut report: XrReport,
    options: Res<XrOptions>,
    needle: NeedleLink,
    recorder: RecorderLink,
    table: TablePlacement,
) {
    let started = Instant::now();
    let TrackedInput {
        time,
        bones,
        controllers,
    } = tracked;
    let NeedleLink { input, readout } = needle;
    let RecorderLink {
        room_hands,
        recording,
        annotations,
    } = recorder;
    let TablePlacement {
        mut anchors,
        mut tables,
    } = table;
    // Read even without a needle to drive (a replay): the panels are pressed with them.
    state.tracked = read_hands(&bones);
    let Some(mut input) = input else { return };
    let Ok(anchor_transform) = anchors.single() else {
        return;
    };
    let twin_to_stage = RigidPose::new(anchor_transform.translation, anchor_transform.rotation);
    let stage_to_twin = twin_to_stage.inverse();

    let controllers = controllers.map(|c| *c).unwrap_or_default();
    if let Some(mut room_hands) = room_hands {
        room_hands.set_if_neq(hands_for_recording(&state.tracked, &controllers));
    }
    let left = input_for(&state.tracked[0], controllers.left);
    let right = input_for(&state.tracked[1], controllers.right);

    // The needle now, in the stage space.
    let needle_twin = readout.as_ref().and_then(|r| r.state.as_ref()).map_or(
        NeedlePose {
            hub_m: input.hub_m,
            direction: input.direction,
        },
        |s| NeedlePose {
            hub_m: s.hub_m,
            direction: s.direction,
        },
    );
    let needle_stage = NeedlePose::from_rigid(&twin_to_stage.compose(&needle_twin.to_rigid()));
    let command = state
        .needle_hands
        .update(time.elapsed_secs_f64(), &left, &right, needle_stage);

    if let Some(target) = command.hub_target {
        let twin = NeedlePose::from_rigid(&stage_to_twin.compose(&target.to_rigid()));
        if twin.hub_m.is_finite() && twin.direction.is_finite() {
            input.hub_m = twin.hub_m;
            input.direction = twin.direction;
        }
    }
    // The free hand closing at the hub of the held needle pulls the stylet (the syringe goes on)
    // or puts it back.
    if let Some(holder) = command.holder {
        let other = usize::from(holder == Handedness::Left);
        let closing = command.closed[other] && !state.other_was_closed;
        let at_hub = command.grab_points_m[other].is_some_and(|point| {
            needle_stage.distance_to_grip_m(point, hands::Grab::GRIP_LENGTH_M)
                <= hands::Grab::REACH_M
        });
        if closing && at_hub {
            input.stylet_in = !input.stylet_in;
            info!(
                "stylet {}",
                if input.stylet_in {
                    "back in"
                } else {
                    "out: syringe on"
                }
            );
        }
        state.other_was_closed = command.closed[other];
    }
    if !input.stylet_in {
        let fluid = input.syringe.map_or(LorFluid::Saline, |(fluid, _)| fluid);
        input.syringe = Some((fluid, command.plunger_0_1));
    }
    match command.change {
        GrabChange::Grabbed => {
            report.status.grabs += 1;
            info!("needle grabbed by the {:?} hand", command.holder);
        }
        GrabChange::Released => info!("needle released"),
        GrabChange::None => {}
    }
    state.holder = command.holder;
    report.status.holder = command
        .holder
        .map_or("none".into(), |h| format!("{h:?}").to_lowercase());
    report.status.right_pinch_gap_mm = command.pinch_gap_m[1].map(|gap| gap * 1000.0);
    report.status.right_grab_point_m = command.grab_points_m[1];
    report.status.needle_stage = Some((needle_stage.hub_m, needle_stage.direction));
    report.status.twin_anchor = Some((twin_to_stage.position_m, twin_to_stage.rotation));

    let instructor = recording
        .is_some_and(|recording| matches!(recording.active, Some((session::Role::Instructor, _))));
    if let Some(mut annotations) = annotations {
        draw_strokes(
            &mut state,
            &command,
            &needle_stage,
            instructor,
            &mut annotations,
            &mut report.status,
        );
    }
    place_table(&mut state, &command, &options, &mut anchors, &mut tables);
    report.clock.add(started);
}

/// While an instructor records, a free hand pinching away from the needle draws a stroke at
/// its index fingertip (the other hand closed too means the table is being moved instead).
fn draw_strokes(
    state: &mut HandsState,
    command: &hands::NeedleCommand,
    needle_stage: &NeedlePose,
    instructor: bool,
    annotations: &mut MessageWriter<record_plugin::AnnotationInput>,
    status: &mut XrStatus,
) {
    use record_plugin::AnnotationInput;
    let tips = state.index_tips_m();
    for (side, tip_m) in tips.into_iter().enumerate() {
        let hand = if side == 0 {
            Handedness::Left
        } else {
            Handedness::Right
        };
        let pen_m = tip_m.or(command.grab_points_m[side]);
        let away_from_needle = command.grab_points_m[side].is_some_and(|point| {
            needle_stage.distance_to_grip_m(point, hands::Grab::GRIP_LENGTH_M)
                > hands::Grab::REACH_M
        });
        let drawing = instructor
            && command.closed[side]
            && !command.closed[1 - side]
            && command.holder != Some(hand)
            && (state.drawing[side] || away_from_needle);
        match (state.drawing[side], drawing, pen_m) {
            (false, true, Some(point_m)) => {
                annotations.write(AnnotationInput::StrokeStart { point_m });
                state.drawing[side] = true;
            }
            (true, true, Some(point_m)) => {
                annotations.write(AnnotationInput::StrokeTo { point_m });
            }
            (true, false, _) | (true, true, None) => {
                annotations.write(AnnotationInput::StrokeEnd);
                state.drawing[side] = false;
                status.strokes_drawn += 1;
            }
            _ => {}
        }
    }
}

/// Both hands closed away from the needle move and turn the table; letting go keeps the placement.
fn place_table(
    state: &mut HandsState,
    command: &hands::NeedleCommand,
    options: &XrOptions,
    anchors: &mut AnchorTransforms,
    tables: &mut TableTransforms,
) {
    let Some((table_laid_out, _)) = state.laid_out else {
        return;
    };
    let both = command.closed[0] && command.closed[1] && command.holder.is_none();
    match (both, state.placement, command.grab_points_m) {
        (true, None, [Some(left), Some(right)]) => {
            state.placement = Some(TwoHandPlacement::begin(
                left,
                right,
                state.anchor,
                table_laid_out.translation,
            ));
        }
        (true, Some(placement), [Some(left), Some(right)]) => {
            state.anchor = placement.update(left, right);
            apply_anchor(state, anchors, tables);
        }
        (false, Some(_), _) => {
            state.placement = None;
            if let Some(path) = &options.anchor_file {
                let result = AnchorBook::load(path).and_then(|mut book| {
                    book.set(&options.room, state.anchor);
                    book.save(path)
                });
                match result {
                    Ok(()) => info!("table placement kept for room {:?}", options.room),
                    Err(error) => warn!("{error}"),
                }
            }
        }
        _ => {}
    }
}

fn apply_anchor(state: &HandsState, anchors: &mut AnchorTransforms, tables: &mut TableTransforms) {
    let Some((table_laid_out, anchor_laid_out)) = state.laid_out else {
        return;
    };
    let pivot = table_laid_out.translation;
    let place = |laid_out: Transform| {
        let rotation = state.anchor.rotation();
        Transform {
            translation: pivot + state.anchor.offset() + rotation * (laid_out.translation - pivot),
            rotation: rotation * laid_out.rotation,
            scale: laid_out.scale,
        }
    };
    for mut table in tables.iter_mut() {
        *table = place(table_laid_out);
    }
    for mut anchor in anchors.iter_mut() {
        *anchor = place(anchor_laid_out);
    }
}

fn restore_table_anchor(
    options: Res<XrOptions>,
    mut state: ResMut<HandsState>,
    mut anchors: AnchorTransforms,
    mut tables: TableTransforms,
) {
    let (Ok(table), Ok(anchor)) = (tables.single(), anchors.single()) else {
        return;
    };
    state.laid_out = Some((*table, *anchor));
    if let Some(path) = &options.anchor_file {
        match AnchorBook::load(path) {
            Ok(book) => state.anchor = book.anchor(&options.room),
            Err(error) => warn!("{error}"),
        }
    }
    apply_anchor(&state, &mut anchors, &mut tables);
}

#[derive(Component)]
struct JointMarker {
    side: usize,
    joint: HandJoint,
}

#[derive(Component)]
struct BoneMarker {
    side: usize,
    joint: HandJoint,
}

fn spawn_hand_visuals(
    mut commands: Commands,
    meshes: Option<ResMut<Assets<Mesh>>>,
    materials: Option<ResMut<Assets<StandardMaterial>>>,
) {
    let (Some(mut meshes), Some(mut materials)) = (meshes, materials) else {
        return;
    };
    let sphere = meshes.add(Sphere::new(0.007));
    let bone = meshes.add(Cylinder::new(0.004, 1.0));
    let skin = materials.add(StandardMaterial {
        base_color: Color::srgb(0.85, 0.75, 0.65),
        ..default()
    });
    for side in 0..2 {
        for joint in HandJoint::ALL {
            commands.spawn((
                JointMarker { side, joint },
                Mesh3d(sphere.clone()),
                MeshMaterial3d(skin.clone()),
                Transform::default(),
                Visibility::Hidden,
            ));
            if joint_parent(joint).is_some() {
                commands.spawn((
                    BoneMarker { side, joint },
                    Mesh3d(bone.clone()),
                    MeshMaterial3d(skin.clone()),
                    Transform::default(),
                    Visibility::Hidden,
                ));
            }
        }
    }
}

fn draw_hands(
    state: Res<HandsState>,
    mut clock: ResMut<SystemClock>,
    mut joints: Query<(&JointMarker, &mut Transform, &mut Visibility), Without<BoneMarker>>,
    mut bones: Query<(&BoneMarker, &mut Transform, &mut Visibility), Without<JointMarker>>,
) {
    let started = Instant::now();
    let position = |side: usize, joint: HandJoint| {
        state.tracked[side]
            .as_ref()
            .and_then(|hand| hand.position_m(joint))
    };
    for (marker, mut transform, mut visibility) in &mut joints {
        let shown = position(marker.side, marker.joint);
        if let Some(at) = shown {
            transform.translation = at;
        }
        visibility.set_if_neq(if shown.is_some() {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        });
    }
    for (marker, mut transform, mut visibility) in &mut bones {
        let ends = joint_parent(marker.joint).and_then(|parent| {
            position(marker.side, marker.joint).zip(position(marker.side, parent))
        });
        let shown = ends.filter(|(a, b)| a.distance(*b) > 1e-4);
        if let Some((child, parent)) = shown {
            let length = child.distance(parent);
            *transform = Transform {
                translation: (child + parent) * 0.5,
                rotation: Quat::from_rotation_arc(Vec3::Y, (child - parent) / length),
                scale: Vec3::new(1.0, length, 1.0),
            };
        }
        visibility.set_if_neq(if shown.is_some() {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        });
    }
    clock.add(started);
}
