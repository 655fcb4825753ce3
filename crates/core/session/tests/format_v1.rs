//! Files of format version 1 (written before frames carried the needle hand's input) still read:
//! the fixtures were written by the version 1 writer from the shared test fixtures.

mod common;

use session::{Anchor, FORMAT_VERSION, Frame, SessionIndex, read_session};

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// What the version 1 writer stored for fixture frame `index` (identity anchor): no needle
/// input.
fn v1_frame(index: usize, controllers: bool) -> Frame {
    Frame {
        needle_input: None,
        ..common::frame(index, controllers).in_twin_frame(&Anchor::IDENTITY)
    }
}

#[test]
fn version_1_files_read_with_their_frames_events_and_header() {
    const { assert!(FORMAT_VERSION > 1) };
    for (name, frame_count, controllers) in [
        ("v1-controllers.nxsession", 100, true),
        ("v1-hands.nxsession", 3, false),
    ] {
        let recording = read_session(fixture(name)).expect("version 1 reads");
        assert!(recording.damage.is_none(), "{name}: {:?}", recording.damage);
        assert!(recording.closed_cleanly);
        assert_eq!(recording.header.format_version, 1);
        assert_eq!(
            recording.header.needle_model, "",
            "{name}: no needle model in v1"
        );
        assert_eq!(
            recording.header.twin_bundle_id,
            common::header().twin_bundle_id
        );
        let expected: Vec<Frame> = (0..frame_count)
            .map(|index| v1_frame(index, controllers))
            .collect();
        assert_eq!(recording.frames.len(), expected.len(), "{name}");
        for (index, (read, written)) in recording.frames.iter().zip(&expected).enumerate() {
            assert_eq!(read, written, "{name}: frame {index}");
        }
        let expected_events: Vec<_> = (0..frame_count)
            .filter(|index| index % 90 == 45)
            .flat_map(|index| common::events_at(index as f64 / common::FRAME_RATE_HZ))
            .collect();
        assert_eq!(recording.events, expected_events, "{name}");

        let mut index = SessionIndex::open(fixture(name)).expect("version 1 indexes");
        let last = recording.frames.last().expect("frames");
        assert_eq!(
            index.frame_at(last.time_s).expect("seeks").as_ref(),
            Some(last)
        );
    }
}
