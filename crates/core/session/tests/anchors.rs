//! Poses are stored relative to the twin's anchor: a session recorded in one room replays on the
//! twin in another.

mod common;

use anatomy::{PatientPosition, ProcedureRoom};
use common::{TempDir, events_at, frame, small_chunks};
use glam::{Quat, Vec3};
use session::{
    Anchor, Annotation, Compression, Frame, HandInputRecord, NeedleEventRecord, Pose, SessionEvent,
    SessionWriter, TimedEvent, read_session,
};

const TOLERANCE_M: f32 = 2e-6;
const TOLERANCE_RAD: f32 = 2e-3;
/// Hand joints are stored to 10 µm steps: at most half a step's diagonal off.
const JOINT_TOLERANCE_M: f32 = 9e-6;

fn assert_pose_close(actual: &Pose, expected: &Pose, what: &str) {
    assert_pose_within(actual, expected, what, TOLERANCE_M);
}

fn assert_pose_within(actual: &Pose, expected: &Pose, what: &str, tolerance_m: f32) {
    let distance_m = (actual.position() - expected.position()).length();
    assert!(distance_m < tolerance_m, "{what}: {distance_m} m apart");
    let angle_rad = actual.rotation().angle_between(expected.rotation());
    assert!(angle_rad < TOLERANCE_RAD, "{what}: {angle_rad} rad apart");
}

fn assert_frame_close(actual: &Frame, expected: &Frame) {
    assert_eq!(actual.time_s, expected.time_s);
    assert_pose_close(&actual.head, &expected.head, "head");
    assert_pose_close(&actual.needle.hub, &expected.needle.hub, "hub");
    assert_pose_close(&actual.needle.tip, &expected.needle.tip, "tip");
    assert_eq!(actual.needle.tissue_at_tip, expected.needle.tissue_at_tip);
    match (&actual.right_hand, &expected.right_hand) {
        (HandInputRecord::Tracked(a), HandInputRecord::Tracked(e)) => {
            for (joint_a, joint_e) in a.joints.iter().zip(&e.joints) {
                match (joint_a, joint_e) {
                    (Some(a), Some(e)) => {
                        assert_pose_within(&a.pose, &e.pose, "joint", JOINT_TOLERANCE_M);
                    }
                    (None, None) => {}
                    _ => panic!("joint presence differs"),
                }
            }
        }
        other => panic!("right hand kinds differ: {other:?}"),
    }
}

fn point_close(actual: [f32; 3], expected: Vec3) -> bool {
    (Vec3::from_array(actual) - expected).length() < TOLERANCE_M
}

/// Room A: the default procedure room, patient lying on the left side. Room B: another room,
/// table elsewhere and turned, the twin tilted.
fn anchors() -> (Anchor, Anchor) {
    let room = ProcedureRoom::default();
    let position = PatientPosition::LeftLateralDecubitus;
    let room_a = Anchor::new(room.lumbar_target_m(position), room.twin_rotation(position));
    let room_b = Anchor::new(
        Vec3::new(2.4, 0.62, -1.3),
        Quat::from_rotation_y(2.1) * Quat::from_rotation_z(0.3),
    );
    (room_a, room_b)
}

/// The same motion relative to the twin, recorded once in each room.
#[test]
fn recordings_in_two_rooms_store_the_same_twin_relative_poses() {
    let dir = TempDir::new("anchors");
    let (room_a, room_b) = anchors();
    let twin_frames: Vec<Frame> = (0..60).map(|index| frame(index, false)).collect();
    let mut recordings = Vec::new();
    for (name, anchor) in [("a", room_a), ("b", room_b)] {
        let path = dir.file(name);
        let mut writer =
            SessionWriter::create(&path, &common::header(), small_chunks(Compression::None))
                .unwrap();
        for twin_frame in &twin_frames {
            // What the engine sees in this room: the twin-relative motion under this anchor.
            writer
                .record_frame(&twin_frame.placed_under(&anchor), &anchor)
                .unwrap();
        }
        writer.finish().unwrap();
        recordings.push(read_session(&path).unwrap());
    }
    for (from_a, from_b, truth) in
        itertools_zip(&recordings[0].frames, &recordings[1].frames, &twin_frames)
    {
        assert_frame_close(from_a, truth);
        assert_frame_close(from_b, truth);
    }
    assert_eq!(recordings[0].frames.len(), twin_frames.len());
}

fn itertools_zip<'a>(
    a: &'a [Frame],
    b: &'a [Frame],
    c: &'a [Frame],
) -> impl Iterator<Item = (&'a Frame, &'a Frame, &'a Frame)> {
    a.iter().zip(b).zip(c).map(|((a, b), c)| (a, b, c))
}

/// Recorded in room A, replayed in room B: the needle tip and the annotations land on the same
/// twin points, computed independently with glam.
#[test]
fn replay_under_a_new_anchor_lands_on_the_twin() {
    let dir = TempDir::new("replay");
    let path = dir.file("session");
    let (room_a, room_b) = anchors();
    // The needle tip touches this twin point (skin over L3–L4 is the twin origin).
    let twin_tip_m = Vec3::new(0.004, -0.012, 0.031);
    let twin_pin_m = Vec3::new(-0.02, 0.05, 0.04);
    let mut world_frame = frame(10, false);
    world_frame.needle.tip.position_m =
        (room_a.rotation * twin_tip_m + room_a.translation_m).to_array();
    let world_pin_m = room_a.rotation * twin_pin_m + room_a.translation_m;

    let mut writer =
        SessionWriter::create(&path, &common::header(), small_chunks(Compression::None)).unwrap();
    writer.record_frame(&world_frame, &room_a).unwrap();
    let pin = TimedEvent {
        time_s: world_frame.time_s,
        event: SessionEvent::Annotation(Annotation::Pin {
            point_m: world_pin_m.to_array(),
            label: "target".to_owned(),
        }),
    };
    writer.record_event(&pin, &room_a).unwrap();
    for event in events_at(world_frame.time_s) {
        writer.record_event(&event, &room_a).unwrap();
    }
    writer.finish().unwrap();

    let recording = read_session(&path).unwrap();
    let stored = &recording.frames[0];
    assert!(
        point_close(stored.needle.tip.position_m, twin_tip_m),
        "stored relative to the twin"
    );

    let replayed = stored.placed_under(&room_b);
    let expected_tip_m = room_b.rotation * twin_tip_m + room_b.translation_m;
    assert!(point_close(replayed.needle.tip.position_m, expected_tip_m));
    let expected_rotation =
        room_b.rotation * room_a.rotation.inverse() * world_frame.needle.tip.rotation();
    assert!(
        replayed
            .needle
            .tip
            .rotation()
            .angle_between(expected_rotation)
            < TOLERANCE_RAD
    );
    // Replayed in room A it is where it was recorded.
    assert_frame_close(&stored.placed_under(&room_a), &world_frame);

    let replayed_pin = recording.events[0].placed_under(&room_b);
    let SessionEvent::Annotation(Annotation::Pin { point_m, .. }) = replayed_pin.event else {
        panic!("first event is the pin: {replayed_pin:?}");
    };
    assert!(point_close(
        point_m,
        room_b.rotation * twin_pin_m + room_b.translation_m
    ));

    // Bone contact and stroke points move with the anchor too.
    let world_events = events_at(world_frame.time_s);
    for (stored, original) in recording.events[1..].iter().zip(&world_events) {
        let back_in_a = stored.placed_under(&room_a);
        match (&back_in_a.event, &original.event) {
            (
                SessionEvent::Needle(NeedleEventRecord::BoneContacted { point_m: a, .. }),
                SessionEvent::Needle(NeedleEventRecord::BoneContacted { point_m: o, .. }),
            ) => assert!(point_close(*a, Vec3::from_array(*o))),
            (
                SessionEvent::Annotation(Annotation::Stroke { points_m: a, .. }),
                SessionEvent::Annotation(Annotation::Stroke { points_m: o, .. }),
            ) => {
                assert_eq!(a.len(), o.len());
                for (a, o) in a.iter().zip(o) {
                    assert!(point_close(*a, Vec3::from_array(*o)));
                }
            }
            (
                SessionEvent::Annotation(Annotation::Pin {
                    point_m: a,
                    label: la,
                }),
                SessionEvent::Annotation(Annotation::Pin {
                    point_m: o,
                    label: lo,
                }),
            ) => assert!(point_close(*a, Vec3::from_array(*o)) && la == lo),
            (a, o) => assert_eq!(a, o),
        }
    }
}
