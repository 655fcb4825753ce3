//! Fixtures shared by the integration tests and the benchmark: a header, moving frames with
//! tracked hands or controllers, one event of every kind, temporary folders.
#![allow(dead_code)] // each test binary uses a different part

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use anatomy::{TissueClass, VertebraLevel};
use glam::{Quat, Vec3};
use session::{
    Anchor, Annotation, ControllerStateRecord, FORMAT_VERSION, Frame, HandInputRecord,
    HandJointPose, LessonStepChange, NeedleEventRecord, NeedleInput, NeedleStateRecord,
    PlungerStateRecord, Pose, Role, SessionEvent, SessionHeader, SessionWriter, SyringeFluid,
    SyringePress, TimedEvent, TrackedHand, WriterOptions,
};

/// Frame rate of the fixtures, hertz.
pub const FRAME_RATE_HZ: f64 = 90.0;

/// A folder under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "neuraxis-session-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temp dir is creatable");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn header() -> SessionHeader {
    SessionHeader {
        format_version: FORMAT_VERSION,
        app_version: "0.1.0".to_owned(),
        twin_bundle_id: "lumbar-3mm".to_owned(),
        twin_content_hash: "blake3:5f0c2a".to_owned(),
        lesson_id: "lumbar-puncture-basic".to_owned(),
        role: Role::Trainee,
        runtime_name: "Monado".to_owned(),
        device_names: vec!["Quest 3".to_owned(), "haptic needle v1".to_owned()],
        frame_rate_hz: FRAME_RATE_HZ as f32,
        started_utc: "2026-05-01T09:30:00.000Z".to_owned(),
        needle_model: "Tuohy18G".to_owned(),
    }
}

fn pose(position_m: Vec3, axis: Vec3, angle_rad: f32) -> Pose {
    Pose::new(
        position_m,
        Quat::from_axis_angle(axis.normalize(), angle_rad),
    )
}

/// A hand with all 26 joints, moving with `phase`; joints 24 and 25 drop out when `gaps`.
pub fn tracked_hand(centre_m: Vec3, phase: f32, gaps: bool) -> TrackedHand {
    let mut hand = TrackedHand::default();
    for (index, slot) in hand.joints.iter_mut().enumerate() {
        if gaps && index >= 24 {
            continue;
        }
        let k = index as f32;
        let offset = Vec3::new(
            0.01 * (k * 0.7 + phase).sin(),
            0.008 * k,
            0.01 * (k + phase).cos(),
        );
        *slot = Some(HandJointPose {
            pose: pose(centre_m + offset, Vec3::new(1.0, k, 0.5), 0.1 * k + phase),
            radius_m: 0.004 + 0.0002 * k,
        });
    }
    hand
}

/// Frame `index` at 90 Hz, with two tracked hands (or controllers when `controllers`), in room
/// coordinates.
pub fn frame(index: usize, controllers: bool) -> Frame {
    let time_s = index as f64 / FRAME_RATE_HZ;
    let phase = time_s as f32;
    let (left_hand, right_hand) = if controllers {
        let controller = |side: f32| {
            HandInputRecord::Controller(ControllerStateRecord {
                grip: pose(Vec3::new(side * 0.2, 1.0, 0.4), Vec3::Y, phase),
                aim: pose(Vec3::new(side * 0.2, 1.02, 0.35), Vec3::X, phase * 0.5),
                trigger_value: (phase.sin() + 1.0) / 2.0,
                squeeze_value: 0.25,
            })
        };
        (controller(-1.0), controller(1.0))
    } else {
        (
            HandInputRecord::Tracked(Box::new(tracked_hand(
                Vec3::new(-0.15, 1.0, 0.4),
                phase,
                false,
            ))),
            HandInputRecord::Tracked(Box::new(tracked_hand(
                Vec3::new(0.1, 1.0, 0.45),
                phase,
                index.is_multiple_of(7),
            ))),
        )
    };
    let depth_m = 0.0004 * index as f32;
    Frame {
        time_s,
        head: pose(
            Vec3::new(0.0, 1.6, 0.8 + 0.01 * phase.sin()),
            Vec3::Y,
            0.1 * phase,
        ),
        left_hand,
        right_hand,
        needle: NeedleStateRecord {
            hub: pose(Vec3::new(0.0, 1.0, 0.5 - depth_m), Vec3::X, 1.4),
            tip: pose(Vec3::new(0.0, 1.0, 0.41 - depth_m), Vec3::X, 1.4),
            plunger: PlungerStateRecord {
                displacement_mm: 0.5 * phase,
                force_n: 2.0 + phase.cos(),
            },
            tissue_at_tip: TissueClass::ALL[index % TissueClass::ALL.len()],
            applied_force_n: 4.5 + phase.sin(),
        },
        needle_input: needle_input(index, depth_m),
    }
}

/// The needle hand's input of frame `index`: none, bare, or with a saline or air syringe.
fn needle_input(index: usize, depth_m: f32) -> Option<NeedleInput> {
    let syringe = match index % 4 {
        0 => return None,
        1 => None,
        2 => Some(SyringeFluid::Saline),
        _ => Some(SyringeFluid::Air),
    };
    Some(NeedleInput {
        hand_hub_m: [0.001, 1.0, 0.5 - depth_m * 1.01],
        hand_direction: [0.0, 0.05, -1.0],
        stylet_in: index % 8 < 4,
        syringe: syringe.map(|fluid| SyringePress {
            fluid,
            press_0_1: (index % 10) as f32 / 10.0,
        }),
    })
}

/// One event of every kind, at `time_s`, in room coordinates.
pub fn events_at(time_s: f64) -> Vec<TimedEvent> {
    let needle = [
        NeedleEventRecord::SkinPunctured,
        NeedleEventRecord::LayerEntered {
            tissue: TissueClass::LigamentumFlavum,
        },
        NeedleEventRecord::MembranePunctured {
            tissue: TissueClass::Dura,
        },
        NeedleEventRecord::BoneContacted {
            level: VertebraLevel::L4,
            point_m: [0.01, 0.95, 0.42],
        },
        NeedleEventRecord::LossOfResistance { depth_mm: 47.5 },
        NeedleEventRecord::DuraPunctured { depth_mm: 52.0 },
        NeedleEventRecord::CsfFlashback,
        NeedleEventRecord::Paresthesia,
        NeedleEventRecord::NeedleWithdrawn,
        NeedleEventRecord::Redirected { angle_deg: 12.5 },
    ]
    .map(SessionEvent::Needle);
    let others = [
        SessionEvent::LessonStep(LessonStepChange {
            step_index: 3,
            step_id: "palpate-iliac-crests".to_owned(),
        }),
        SessionEvent::Annotation(Annotation::Stroke {
            points_m: vec![[0.0, 1.0, 0.4], [0.01, 1.01, 0.4], [0.02, 1.03, 0.41]],
            colour_srgba: [255, 200, 0, 255],
        }),
        SessionEvent::Annotation(Annotation::Pin {
            point_m: [0.0, 0.98, 0.43],
            label: "L3–L4".to_owned(),
        }),
        SessionEvent::Annotation(Annotation::Chapter {
            title: "Second attempt".to_owned(),
        }),
    ];
    needle
        .into_iter()
        .chain(others)
        .map(|event| TimedEvent { time_s, event })
        .collect()
}

/// What a fixture session holds, as stored (twin-relative).
pub struct Written {
    pub frames: Vec<Frame>,
    pub events: Vec<TimedEvent>,
}

/// Writes `frame_count` frames at 90 Hz under `anchor`, with every kind of event once a second,
/// and finishes the file unless `finish` is false (the writer is then dropped).
pub fn write_session(
    path: &Path,
    frame_count: usize,
    controllers: bool,
    options: WriterOptions,
    anchor: &Anchor,
    finish: bool,
) -> Written {
    let mut writer = SessionWriter::create(path, &header(), options).expect("writer opens");
    let mut written = Written {
        frames: Vec::new(),
        events: Vec::new(),
    };
    for index in 0..frame_count {
        let world = frame(index, controllers);
        writer.record_frame(&world, anchor).expect("frame records");
        written.frames.push(world.in_twin_frame(anchor).as_stored());
        if index % 90 == 45 {
            for event in events_at(world.time_s) {
                writer.record_event(&event, anchor).expect("event records");
                written.events.push(event.in_twin_frame(anchor));
            }
        }
    }
    if finish {
        writer.finish().expect("writer finishes");
    }
    written
}

/// Options that cut a chunk every 0.25 s of session time, so small files have several chunks.
pub fn small_chunks(compression: session::Compression) -> WriterOptions {
    WriterOptions {
        flush_interval_s: 0.25,
        compression,
        sync_to_disk: false,
    }
}

/// Offsets of the chunks of a session file, parsed from the documented layout.
pub fn chunk_offsets(bytes: &[u8]) -> Vec<usize> {
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
    let mut offset = 16 + header_len + 4;
    let mut offsets = Vec::new();
    while offset + 24 <= bytes.len() {
        assert_eq!(&bytes[offset..offset + 4], b"NXCK", "chunk tag at {offset}");
        offsets.push(offset);
        let stored_len =
            u32::from_le_bytes(bytes[offset + 8..offset + 12].try_into().expect("4 bytes"))
                as usize;
        offset += 24 + stored_len;
    }
    assert_eq!(offset, bytes.len(), "chunks end at the end of the file");
    offsets
}
