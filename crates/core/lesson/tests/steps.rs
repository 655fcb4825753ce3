//! The lesson panel's step walk: strictly in order, confirmations, statuses, recorded changes.

mod common;

use anatomy::TissueClass;
use common::{at, scene};
use lesson::{StepStatus, StepTracker};
use session::{NeedleEventRecord, SessionEvent};

#[test]
fn steps_advance_in_order_on_their_own_events_only() {
    let lesson = scene("lp-midline-l3l4.ron");
    let mut steps = StepTracker::new(&lesson);
    assert_eq!(
        steps.current().map(|step| step.id.as_str()),
        Some("landmarks")
    );
    let first = steps.current_change().expect("a first step");
    assert_eq!((first.step_index, first.step_id.as_str()), (0, "landmarks"));

    // The first step waits for a confirmation; needle events do not complete it.
    assert_eq!(
        steps.push_event(&at(1.0, NeedleEventRecord::SkinPunctured)),
        None
    );
    let advance = steps.confirm(2.0).expect("confirmed");
    assert_eq!(advance.completed_index, 0);
    let next = advance.next.clone().expect("a next step");
    assert_eq!((next.step_index, next.step_id.as_str()), (1, "skin"));
    let recorded = advance.session_event().expect("an event to record");
    assert_eq!(recorded.time_s, 2.0);
    assert!(matches!(recorded.event, SessionEvent::LessonStep(ref change) if change == &next));

    // Confirming a step that waits for the needle does nothing.
    assert_eq!(steps.confirm(3.0), None);
    // CSF before the ligament step does not skip ahead.
    assert_eq!(
        steps.push_event(&at(4.0, NeedleEventRecord::CsfFlashback)),
        None
    );
    assert!(
        steps
            .push_event(&at(5.0, NeedleEventRecord::SkinPunctured))
            .is_some()
    );
    let wrong_layer = NeedleEventRecord::LayerEntered {
        tissue: TissueClass::Fat,
    };
    assert_eq!(steps.push_event(&at(6.0, wrong_layer)), None);
    let ligament = NeedleEventRecord::LayerEntered {
        tissue: TissueClass::InterspinousLigament,
    };
    assert!(steps.push_event(&at(7.0, ligament)).is_some());

    let view = steps.view();
    let statuses: Vec<_> = view.iter().map(|row| row.status).collect();
    assert_eq!(
        statuses,
        [
            StepStatus::Done { time_s: 2.0 },
            StepStatus::Done { time_s: 5.0 },
            StepStatus::Done { time_s: 7.0 },
            StepStatus::Current,
            StepStatus::Pending,
        ]
    );
    assert_eq!(steps.done_steps().len(), 3);
    assert_eq!(view[3].step.id, "dura");
}

#[test]
fn the_last_step_finishes_the_lesson() {
    let lesson = scene("lp-reference-ct.ron");
    let mut steps = StepTracker::new(&lesson);
    let script = [
        NeedleEventRecord::SkinPunctured,
        NeedleEventRecord::DuraPunctured { depth_mm: 51.3 },
        NeedleEventRecord::CsfFlashback,
    ];
    let mut advances = Vec::new();
    for (index, event) in script.into_iter().enumerate() {
        advances.push(
            steps
                .push_event(&at(index as f64, event))
                .expect("each event completes a step"),
        );
    }
    assert!(steps.is_finished());
    assert_eq!(steps.current(), None);
    let last = advances.last().expect("three advances");
    assert_eq!((last.completed_index, last.next.clone()), (2, None));
    assert_eq!(last.session_event(), None, "nothing follows the last step");
    assert_eq!(
        steps.push_event(&at(9.0, NeedleEventRecord::CsfFlashback)),
        None
    );
    assert!(
        steps
            .view()
            .iter()
            .all(|row| matches!(row.status, StepStatus::Done { .. }))
    );
}

#[test]
fn membrane_and_loss_of_resistance_conditions_match_their_events() {
    let lesson = scene("epidural-paramedian-l2l3.ron");
    let mut steps = StepTracker::new(&lesson);
    steps.confirm(0.0).expect("landmarks");
    steps
        .push_event(&at(1.0, NeedleEventRecord::SkinPunctured))
        .expect("skin");
    let flavum = NeedleEventRecord::LayerEntered {
        tissue: TissueClass::LigamentumFlavum,
    };
    steps.push_event(&at(2.0, flavum)).expect("flavum");
    let annotation = session::TimedEvent {
        time_s: 3.0,
        event: SessionEvent::Annotation(session::Annotation::Chapter { title: "x".into() }),
    };
    assert_eq!(steps.push_event(&annotation), None);
    steps
        .push_event(&at(
            4.0,
            NeedleEventRecord::LossOfResistance { depth_mm: 50.0 },
        ))
        .expect("loss of resistance");
    assert!(steps.is_finished());
}
