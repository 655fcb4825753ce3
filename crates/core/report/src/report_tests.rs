//! Unit tests of the whole page: structure, figures for a known event stream, escaping, no
//! external references, instructor beside trainee, damaged recordings.

use anatomy::{TissueClass, VertebraLevel};
use glam::Vec3;
use session::{Annotation, NeedleEventRecord, Recording, Role, SessionEvent, TimedEvent};

use crate::prepared::Prepared;
use crate::spine::{StructureKind, TwinGeometry};
use crate::table::CRITERIA;
use crate::test_support::{cuboid, header, lesson, straight_pass};
use crate::{ReportInput, ReportSession, render_report};

fn needle(time_s: f64, event: NeedleEventRecord) -> TimedEvent {
    TimedEvent {
        time_s,
        event: SessionEvent::Needle(event),
    }
}

/// An epidural with two skin punctures, a bone contact on L4, one redirection and a loss of
/// resistance at 47.5 mm in the epidural space.
fn known_events() -> Vec<TimedEvent> {
    use NeedleEventRecord::*;
    vec![
        needle(1.0, SkinPunctured),
        needle(
            1.2,
            LayerEntered {
                tissue: TissueClass::Fat,
            },
        ),
        needle(
            5.0,
            BoneContacted {
                level: VertebraLevel::L4,
                point_m: [0.0, -0.01, -0.03],
            },
        ),
        needle(6.0, NeedleWithdrawn),
        needle(8.0, SkinPunctured),
        needle(9.0, Redirected { angle_deg: 12.0 }),
        needle(
            18.0,
            LayerEntered {
                tissue: TissueClass::LigamentumFlavum,
            },
        ),
        needle(
            20.0,
            LayerEntered {
                tissue: TissueClass::EpiduralSpace,
            },
        ),
        needle(20.5, LossOfResistance { depth_mm: 47.5 }),
    ]
}

fn recording(role: Role, frames: Vec<session::Frame>, events: Vec<TimedEvent>) -> Recording {
    Recording {
        header: header(role),
        frames,
        events,
        damage: None,
        closed_cleanly: true,
    }
}

fn twin_geometry() -> TwinGeometry {
    TwinGeometry {
        bundle_id: "twin-0123456789abcdef".to_owned(),
        structures: vec![
            cuboid(
                StructureKind::Vertebra(VertebraLevel::L3),
                Vec3::new(-0.02, 0.01, -0.09),
                Vec3::new(0.02, 0.035, -0.02),
            ),
            cuboid(
                StructureKind::Vertebra(VertebraLevel::L4),
                Vec3::new(-0.02, -0.035, -0.09),
                Vec3::new(0.02, -0.01, -0.02),
            ),
            cuboid(
                StructureKind::DuralSac,
                Vec3::new(-0.008, -0.06, -0.065),
                Vec3::new(0.008, 0.06, -0.05),
            ),
        ],
    }
}

fn render(sessions: &[ReportSession<'_>], twin: Option<&TwinGeometry>) -> String {
    render_report(&ReportInput {
        sessions,
        twin,
        notes: &[],
        generator_version: "0.1.0",
    })
}

/// The text of the cell of `row_attr` (e.g. `data-metric="attempts"`) for session `index`.
fn cell(html: &str, row_attr: &str, index: usize) -> String {
    let row_start = html
        .find(row_attr)
        .unwrap_or_else(|| panic!("no row {row_attr}"));
    let row = &html[row_start..];
    let row = &row[..row.find("</tr>").expect("row ends")];
    let marker = format!("data-session=\"{index}\">");
    let start = row
        .find(&marker)
        .unwrap_or_else(|| panic!("no cell {index} in {row}"))
        + marker.len();
    let end = row[start..].find("</td>").expect("cell ends") + start;
    row[start..end].to_owned()
}

#[test]
fn every_part_of_the_report_is_present() {
    let lesson = lesson("epidural-saline-l3l4.ron");
    let mut events = vec![needle(0.4, NeedleEventRecord::SkinPunctured)];
    events.push(needle(
        6.0,
        NeedleEventRecord::LossOfResistance { depth_mm: 48.0 },
    ));
    let recording = recording(Role::Trainee, straight_pass(10.0, 49.0, 5.0, 8.0), events);
    let twin = twin_geometry();
    let sessions = [ReportSession {
        label: "attempt-1.nxsession",
        recording: &recording,
        lesson: &lesson,
    }];
    let html = render(&sessions, Some(&twin));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for part in [
        r#"<h1 class="report-title">Epidural: midline L3–L4"#,
        "2026-05-01 09:30:00.000Z",
        r#"<section id="depth-force">"#,
        r#"class="chart depth-chart""#,
        r#"class="chart force-chart""#,
        r#"class="tissue-band""#,
        r#"class="tissue-background""#,
        r#"class="depth-line" data-role="trainee""#,
        r#"class="force-line applied""#,
        r#"class="force-line plunger""#,
        r#"class="event-mark lor""#,
        r#"<section id="needle-path">"#,
        r#"class="view-svg sagittal""#,
        r#"class="view-svg axial""#,
        r#"class="tip-path" data-role="trainee""#,
        r#"class="ideal-line""#,
        r#"class="level-label""#,
        r#"<section id="timeline">"#,
        r#"class="chart timeline-chart""#,
        r#"class="timeline-event lor""#,
        r#"<section id="metrics">"#,
        r#"<table class="criteria">"#,
        r#"<table class="metrics">"#,
        r#"<table class="score-items">"#,
    ] {
        assert!(html.contains(part), "missing {part}");
    }
    // The twin's boxes are drawn as outlines with real path data in both views.
    assert_eq!(html.matches(r#"class="bone-outline" d="M"#).count(), 2);
    assert_eq!(html.matches(r#"class="dural-sac-outline" d="M"#).count(), 2);
    // Tissue bands in the order the tip met them.
    for tissue in [
        "skin",
        "subcutaneous fat",
        "ligamentum flavum",
        "epidural space",
    ] {
        assert!(html.contains(&format!(": {tissue} from")), "band {tissue}");
    }
    // Without a twin, the path is drawn alone and says so.
    let bare = render(&sessions, None);
    assert!(bare.contains("twin not available"));
    assert!(!bare.contains("class=\"bone-outline\""));
}

#[test]
fn a_known_event_stream_gives_its_numbers_and_score() {
    let lesson = lesson("epidural-saline-l3l4.ron");
    let recording = recording(Role::Trainee, Vec::new(), known_events());
    let sessions = [ReportSession {
        label: "known.nxsession",
        recording: &recording,
        lesson: &lesson,
    }];
    let html = render(&sessions, None);
    assert_eq!(cell(&html, r#"data-metric="attempts""#, 0), "2");
    assert_eq!(cell(&html, r#"data-metric="redirections""#, 0), "1");
    assert_eq!(cell(&html, r#"data-metric="bone_contacts""#, 0), "1 (L4)");
    assert_eq!(
        cell(&html, r#"data-metric="depth_at_loss_of_resistance_mm""#, 0),
        "47.5 mm"
    );
    assert_eq!(
        cell(&html, r#"data-metric="time_to_success_s""#, 0),
        "19.5 s"
    );
    assert_eq!(cell(&html, r#"data-metric="duration_s""#, 0), "19.5 s");
    assert_eq!(cell(&html, r#"data-metric="lor_checks""#, 0), "—");
    // Score: target 5, attempts 2 of 3, bone 2 of 3, redirections 2, safety 2, final tip 1,
    // time 2 (19.5 s ≤ 150 s) = 16 of 18.
    assert!(
        cell(&html, r#"data-criterion="result""#, 0)
            .starts_with("<strong>PASS</strong> · 16 of 18 points (89 %), pass mark 80 %"),
        "{}",
        cell(&html, r#"data-criterion="result""#, 0)
    );
    assert_eq!(
        cell(&html, r#"data-criterion="attempts""#, 0),
        "✓ pass · 2 (at most 2)"
    );
    assert_eq!(
        cell(&html, r#"data-criterion="bone_contacts""#, 0),
        "✓ pass · 1 (at most 2)"
    );
    assert_eq!(
        cell(&html, r#"data-criterion="paresthesias""#, 0),
        "✓ pass · 0 (at most 0)"
    );
    assert_eq!(
        cell(&html, r#"data-score-item="bone_contacts""#, 0),
        "2 / 3 · 1 bone contact(s)"
    );
    // A third skin puncture breaks the lesson's limit of two.
    let mut events = known_events();
    events.insert(4, needle(7.0, NeedleEventRecord::SkinPunctured));
    events.insert(5, needle(7.5, NeedleEventRecord::NeedleWithdrawn));
    let third = recording_with(events);
    let sessions = [ReportSession {
        label: "third.nxsession",
        recording: &third,
        lesson: &lesson,
    }];
    let html = render(&sessions, None);
    assert_eq!(
        cell(&html, r#"data-criterion="attempts""#, 0),
        "✗ fail · 3 (at most 2)"
    );
    assert!(cell(&html, r#"data-criterion="result""#, 0).starts_with("<strong>FAIL</strong>"));
}

fn recording_with(events: Vec<TimedEvent>) -> Recording {
    recording(Role::Trainee, Vec::new(), events)
}

#[test]
fn the_criteria_rows_agree_with_the_lessons_verdict() {
    let epidural = lesson("epidural-saline-l3l4.ron");
    let lumbar_puncture = lesson("lp-midline-l3l4.ron");
    let mut wet_tap = known_events();
    wet_tap.push(needle(
        22.0,
        NeedleEventRecord::DuraPunctured { depth_mm: 52.0 },
    ));
    let mut paresthesia = known_events();
    paresthesia.push(needle(21.0, NeedleEventRecord::Paresthesia));
    let streams = [
        known_events(),
        wet_tap,
        paresthesia,
        known_events()[..3].to_vec(),
        vec![
            needle(1.0, NeedleEventRecord::SkinPunctured),
            needle(30.0, NeedleEventRecord::CsfFlashback),
        ],
    ];
    for lesson in [&epidural, &lumbar_puncture] {
        for events in &streams {
            let recording = recording_with(events.clone());
            let session = ReportSession {
                label: "x",
                recording: &recording,
                lesson,
            };
            let prepared = Prepared::new(0, &session);
            let all_pass = CRITERIA
                .iter()
                .filter_map(|row| (row.verdict)(&prepared))
                .all(|verdict| verdict.passed);
            assert_eq!(
                all_pass, prepared.score.passed,
                "{}: {:?}",
                lesson.id, prepared.score.failed_criteria
            );
        }
    }
}

#[test]
fn every_piece_of_text_is_escaped() {
    let lesson = lesson("epidural-saline-l3l4.ron");
    let mut events = known_events();
    events.push(TimedEvent {
        time_s: 21.0,
        event: SessionEvent::Annotation(Annotation::Chapter {
            title: "<script>alert('chapter')</script> & more".to_owned(),
        }),
    });
    events.push(TimedEvent {
        time_s: 21.5,
        event: SessionEvent::Annotation(Annotation::Pin {
            point_m: [0.0; 3],
            label: "\"><img src=x onerror=alert(1)>".to_owned(),
        }),
    });
    let mut recording = recording_with(events);
    recording.header.twin_bundle_id = "twin-<b>bold</b>".to_owned();
    recording.header.lesson_id = "<i>other</i>".to_owned();
    let sessions = [ReportSession {
        label: "<script>alert(\"file\")</script>.nxsession",
        recording: &recording,
        lesson: &lesson,
    }];
    let html = render_report(&ReportInput {
        sessions: &sessions,
        twin: None,
        notes: &["twin <missing> & 'gone'".to_owned()],
        generator_version: "<v>",
    });
    for raw in ["<script", "<img", "<b>bold", "<i>other", "<missing>", "<v>"] {
        assert!(!html.contains(raw), "unescaped {raw}");
    }
    for escaped in [
        "&lt;script&gt;alert(&#39;chapter&#39;)&lt;/script&gt; &amp; more",
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
        "&lt;script&gt;alert(&quot;file&quot;)&lt;/script&gt;.nxsession",
        "twin-&lt;b&gt;bold&lt;/b&gt;",
        "twin &lt;missing&gt; &amp; &#39;gone&#39;",
    ] {
        assert!(html.contains(escaped), "missing escaped {escaped}");
    }
}

#[test]
fn nothing_is_loaded_from_elsewhere() {
    let lesson = lesson("lp-midline-l3l4.ron");
    let recording = recording(
        Role::Trainee,
        straight_pass(8.0, 60.0, 100.0, 9.0),
        known_events(),
    );
    let twin = twin_geometry();
    let sessions = [ReportSession {
        label: "a.nxsession",
        recording: &recording,
        lesson: &lesson,
    }];
    let html = render(&sessions, Some(&twin));
    let lower = html.to_lowercase();
    for forbidden in [
        "http:",
        "https:",
        "//",
        "<script",
        "<link",
        "<img",
        "<iframe",
        "src=",
        "href=",
        "@import",
        "@font-face",
        "javascript:",
    ] {
        let hits: Vec<usize> = lower.match_indices(forbidden).map(|(i, _)| i).collect();
        // "//" also appears in no comment or text of ours; a hit means a reference.
        assert!(
            hits.is_empty(),
            "{forbidden} at {:?}: {}",
            hits,
            &html[hits[0].saturating_sub(60)..(hits[0] + 60).min(html.len())]
        );
    }
    // The only url() references are to clip paths inside the page.
    for (index, _) in lower.match_indices("url(") {
        assert_eq!(
            &lower[index..index + 5],
            "url(#",
            "external url() at {index}"
        );
    }
}

#[test]
fn instructor_and_trainee_are_overlaid_and_side_by_side() {
    let lesson = lesson("epidural-saline-l3l4.ron");
    let trainee = recording(
        Role::Trainee,
        straight_pass(5.0, 49.0, 8.0, 14.0),
        known_events(),
    );
    let instructor = recording(
        Role::Instructor,
        straight_pass(12.0, 48.0, 4.0, 6.0),
        vec![
            needle(0.9, NeedleEventRecord::SkinPunctured),
            needle(
                4.8,
                NeedleEventRecord::LayerEntered {
                    tissue: TissueClass::EpiduralSpace,
                },
            ),
            needle(5.0, NeedleEventRecord::LossOfResistance { depth_mm: 47.0 }),
        ],
    );
    let sessions = [
        ReportSession {
            label: "trainee.nxsession",
            recording: &trainee,
            lesson: &lesson,
        },
        ReportSession {
            label: "instructor.nxsession",
            recording: &instructor,
            lesson: &lesson,
        },
    ];
    let html = render(&sessions, Some(&twin_geometry()));
    for role in ["trainee", "instructor"] {
        for class in ["depth-line", "tip-path", "force-line applied"] {
            assert!(
                html.contains(&format!(r#"class="{class}" data-role="{role}""#)),
                "{class} of the {role}"
            );
        }
        assert!(html.contains(&format!(r#"class="tissue-strip" data-role="{role}""#)));
    }
    // Two columns: the trainee's two punctures beside the instructor's one.
    assert_eq!(cell(&html, r#"data-metric="attempts""#, 0), "2");
    assert_eq!(cell(&html, r#"data-metric="attempts""#, 1), "1");
    assert_eq!(
        cell(&html, r#"data-metric="depth_at_loss_of_resistance_mm""#, 1),
        "47.0 mm"
    );
    // Their colours differ, and full-height bands are left out when curves overlap.
    assert!(html.contains(crate::SESSION_COLOURS[0]) && html.contains(crate::SESSION_COLOURS[1]));
    assert!(!html.contains("tissue-background"));
}

#[test]
fn a_damaged_recording_is_reported_up_to_the_damage_with_a_warning() {
    let lesson = lesson("epidural-saline-l3l4.ron");
    let mut recording = recording(
        Role::Trainee,
        straight_pass(10.0, 30.0, 100.0, 3.0),
        Vec::new(),
    );
    recording.closed_cleanly = false;
    recording.damage = Some(session::Damage {
        path: "cut.nxsession".into(),
        byte_offset: 4242,
        last_good_time_s: Some(3.0),
        kind: session::DamageKind::Truncated,
    });
    let sessions = [ReportSession {
        label: "cut.nxsession",
        recording: &recording,
        lesson: &lesson,
    }];
    let html = render(&sessions, None);
    assert!(html.contains(r#"class="warning damaged""#));
    assert!(html.contains("damaged at byte 4242"));
    assert!(html.contains("3.000 s"));
    assert!(
        html.contains(r#"class="depth-line""#),
        "the readable part is drawn"
    );
    // Unfinished but not damaged: a milder warning.
    recording.damage = None;
    let sessions = [ReportSession {
        label: "open.nxsession",
        recording: &recording,
        lesson: &lesson,
    }];
    assert!(render(&sessions, None).contains(r#"class="warning unfinished""#));
}

#[test]
fn an_empty_recording_and_no_sessions_still_render() {
    let lesson = lesson("lp-midline-l3l4.ron");
    let empty = recording(Role::Instructor, Vec::new(), Vec::new());
    let sessions = [ReportSession {
        label: "empty.nxsession",
        recording: &empty,
        lesson: &lesson,
    }];
    let html = render(&sessions, Some(&twin_geometry()));
    assert!(html.contains(r#"<section id="metrics">"#));
    assert_eq!(cell(&html, r#"data-metric="attempts""#, 0), "0");
    assert!(cell(&html, r#"data-criterion="result""#, 0).starts_with("<strong>FAIL</strong>"));
    let nothing = render(&[], None);
    assert!(nothing.contains("No session was given"));
    assert!(nothing.trim_end().ends_with("</html>"));
}
