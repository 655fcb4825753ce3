//! `neuraxis session verify|repair|info` on real recordings: a whole one, and one cut short
//! mid-chunk as a crash would leave it.

#[path = "../crates/core/session/tests/common/mod.rs"]
mod common;

mod support;

use support::cli::{neuraxis, text};

#[test]
fn verify_info_and_repair_a_whole_and_a_truncated_recording() {
    let dir = common::TempDir::new("cli");
    let whole = dir.file("whole.nxsession");
    let anchor = session::Anchor::new(
        glam::Vec3::new(0.0, 0.94, 0.27),
        glam::Quat::from_rotation_z(std::f32::consts::FRAC_PI_2),
    );
    let options = common::small_chunks(session::Compression::None);
    common::write_session(&whole, 270, false, options, &anchor, true);

    let verified = neuraxis(&["session".as_ref(), "verify".as_ref(), whole.as_os_str()]);
    assert!(verified.status.success(), "{}", text(&verified));
    assert!(text(&verified).contains("intact"), "{}", text(&verified));

    let info = neuraxis(&["session".as_ref(), "info".as_ref(), whole.as_os_str()]);
    assert!(info.status.success(), "{}", text(&info));
    assert!(
        text(&info).contains("270"),
        "frame count shown: {}",
        text(&info)
    );

    // Cut the file in the middle of its last chunks, as a crash would.
    let bytes = std::fs::read(&whole).expect("readable");
    let cut = dir.file("cut.nxsession");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).expect("writable");
    let damaged = neuraxis(&["session".as_ref(), "verify".as_ref(), cut.as_os_str()]);
    assert!(!damaged.status.success(), "a cut file does not verify");
    assert_eq!(damaged.status.code(), Some(1), "damaged: status 1");
    let report = text(&damaged);
    assert!(report.contains("cut.nxsession"), "names the file: {report}");
    assert!(
        report.contains("byte"),
        "says where the damage is: {report}"
    );

    let repaired = dir.file("repaired.nxsession");
    let repair = neuraxis(&[
        "session".as_ref(),
        "repair".as_ref(),
        cut.as_os_str(),
        "--output".as_ref(),
        repaired.as_os_str(),
    ]);
    assert!(repair.status.success(), "{}", text(&repair));
    let after = neuraxis(&["session".as_ref(), "verify".as_ref(), repaired.as_os_str()]);
    assert!(
        after.status.success(),
        "repaired file verifies: {}",
        text(&after)
    );
    let recording = session::read_session(&repaired).expect("repaired file reads");
    assert!(
        recording.frames.len() > 100 && recording.frames.len() < 270,
        "the good part survives: {} frames",
        recording.frames.len()
    );
    assert!(cut.exists(), "the damaged original is kept");

    let missing = neuraxis(&[
        "session".as_ref(),
        "verify".as_ref(),
        dir.file("none").as_os_str(),
    ]);
    assert!(!missing.status.success());
    assert!(text(&missing).contains("none"), "{}", text(&missing));
    assert_eq!(missing.status.code(), Some(3), "unreadable: status 3");

    let not_a_session = dir.file("notes.nxsession");
    std::fs::write(&not_a_session, "shopping list\n").expect("writable");
    let foreign = neuraxis(&[
        "session".as_ref(),
        "verify".as_ref(),
        not_a_session.as_os_str(),
    ]);
    assert_eq!(foreign.status.code(), Some(3), "{}", text(&foreign));
}
