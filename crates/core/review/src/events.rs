//! Words for recorded events, as the event list and the JSON export show them.

use session::{Annotation, NeedleEventRecord, SessionEvent};

/// One line describing `event` ("Entered ligamentum flavum", "Chapter: Landmarks").
pub fn describe_event(event: &SessionEvent) -> String {
    match event {
        SessionEvent::Needle(needle) => describe_needle(needle),
        SessionEvent::LessonStep(step) => {
            format!("Lesson step {}: {}", step.step_index + 1, step.step_id)
        }
        SessionEvent::Annotation(Annotation::Chapter { title }) => format!("Chapter: {title}"),
        SessionEvent::Annotation(Annotation::Pin { label, .. }) => format!("Pin: {label}"),
        SessionEvent::Annotation(Annotation::Stroke { points_m, .. }) => {
            format!("Stroke ({} points)", points_m.len())
        }
    }
}

fn describe_needle(event: &NeedleEventRecord) -> String {
    match event {
        NeedleEventRecord::SkinPunctured => "Skin punctured".to_owned(),
        NeedleEventRecord::LayerEntered { tissue } => format!("Entered {}", tissue.display_name()),
        NeedleEventRecord::MembranePunctured { tissue } => {
            format!("Went through {}", tissue.display_name())
        }
        NeedleEventRecord::BoneContacted { level, .. } => {
            format!("Bone contact ({})", level.name())
        }
        NeedleEventRecord::LossOfResistance { depth_mm } => {
            format!("Loss of resistance at {depth_mm:.1} mm")
        }
        NeedleEventRecord::DuraPunctured { depth_mm } => {
            format!("Dura punctured at {depth_mm:.1} mm")
        }
        NeedleEventRecord::CsfFlashback => "CSF flashback".to_owned(),
        NeedleEventRecord::Paresthesia => "Paresthesia".to_owned(),
        NeedleEventRecord::NeedleWithdrawn => "Needle withdrawn".to_owned(),
        NeedleEventRecord::Redirected { angle_deg } => format!("Redirected by {angle_deg:.1}°"),
    }
}

/// Whether `event` marks a chapter of the timeline.
pub fn is_chapter(event: &SessionEvent) -> bool {
    matches!(event, SessionEvent::Annotation(Annotation::Chapter { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anatomy::{TissueClass, VertebraLevel};

    #[test]
    fn descriptions_name_the_tissue_level_and_chapter() {
        let entered = SessionEvent::Needle(NeedleEventRecord::LayerEntered {
            tissue: TissueClass::LigamentumFlavum,
        });
        assert_eq!(describe_event(&entered), "Entered ligamentum flavum");
        let bone = SessionEvent::Needle(NeedleEventRecord::BoneContacted {
            level: VertebraLevel::L4,
            point_m: [0.0; 3],
        });
        assert!(describe_event(&bone).contains("L4"));
        let chapter = SessionEvent::Annotation(Annotation::Chapter {
            title: "Landmarks".to_owned(),
        });
        assert_eq!(describe_event(&chapter), "Chapter: Landmarks");
        assert!(is_chapter(&chapter));
        assert!(!is_chapter(&entered));
    }
}
