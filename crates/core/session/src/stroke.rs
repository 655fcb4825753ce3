//! Building annotations from live input: a freehand stroke thinned to a minimum spacing, and
//! the default names of pins and chapters. Shared by the desktop mouse and XR fingertips.

use crate::event::{Annotation, MAX_PIN_LABEL_BYTES, MAX_STROKE_POINTS, MAX_TEXT_BYTES};

/// Spacing a stroke is thinned to by default: 1 mm, finer than a fingertip or a mouse drag on
/// the back can aim, coarse enough that a long stroke stays small.
pub const DEFAULT_STROKE_SPACING_M: f32 = 0.001;

/// One freehand stroke being drawn: [`start`](Self::start) at the first point,
/// [`add`](Self::add) while the pen moves, [`finish`](Self::finish) on release.
///
/// Consecutive kept points are at least `min_spacing_m` apart, so a pen that rests in place
/// adds nothing. Points are in whatever frame the caller uses (the record plugin uses the twin
/// frame); non-finite points are ignored, and a stroke stops growing at
/// [`MAX_STROKE_POINTS`].
#[derive(Debug, Clone, PartialEq)]
pub struct StrokeBuilder {
    min_spacing_m: f32,
    points_m: Vec<[f32; 3]>,
    /// The latest point, kept or not: the stroke ends exactly where the pen lifted.
    last_seen_m: Option<[f32; 3]>,
    drawing: bool,
}

impl Default for StrokeBuilder {
    fn default() -> Self {
        Self::new(DEFAULT_STROKE_SPACING_M)
    }
}

impl StrokeBuilder {
    /// A builder that keeps points at least `min_spacing_m` apart (a non-finite or negative
    /// spacing counts as 0: every distinct point is kept).
    pub fn new(min_spacing_m: f32) -> Self {
        Self {
            min_spacing_m: if min_spacing_m.is_finite() {
                min_spacing_m.max(0.0)
            } else {
                0.0
            },
            points_m: Vec::new(),
            last_seen_m: None,
            drawing: false,
        }
    }

    /// Starts a new stroke at `point_m`, dropping any stroke in progress.
    pub fn start(&mut self, point_m: [f32; 3]) {
        self.points_m.clear();
        self.last_seen_m = None;
        self.drawing = true;
        self.add(point_m);
    }

    /// Whether a stroke is in progress.
    pub fn is_drawing(&self) -> bool {
        self.drawing
    }

    /// Adds the pen's next position; true when it was kept as a new point of the stroke.
    /// Ignored when no stroke is in progress.
    pub fn add(&mut self, point_m: [f32; 3]) -> bool {
        if !self.drawing || !point_m.iter().all(|c| c.is_finite()) {
            return false;
        }
        self.last_seen_m = Some(point_m);
        let far_enough = self
            .points_m
            .last()
            .is_none_or(|last| distance_m(*last, point_m) >= self.min_spacing_m.max(f32::EPSILON));
        if far_enough && self.points_m.len() < MAX_STROKE_POINTS {
            self.points_m.push(point_m);
            return true;
        }
        false
    }

    /// The points kept so far (for drawing the stroke live).
    pub fn points_m(&self) -> &[[f32; 3]] {
        &self.points_m
    }

    /// Ends the stroke: the annotation to record, or `None` when the pen did not move by the
    /// spacing (a click is not a stroke). The builder is then empty, ready for the next one.
    ///
    /// The end point is where the pen lifted: it replaces the last kept point when that keeps
    /// the spacing to the point before it.
    pub fn finish(&mut self, colour_srgba: [u8; 4]) -> Option<Annotation> {
        let mut points_m = std::mem::take(&mut self.points_m);
        if let (Some(end), [.., before, last]) = (self.last_seen_m.take(), points_m.as_slice())
            && *last != end
            && distance_m(*before, end) >= self.min_spacing_m
        {
            let index = points_m.len() - 1;
            points_m[index] = end;
        }
        self.drawing = false;
        (points_m.len() >= 2).then_some(Annotation::Stroke {
            points_m,
            colour_srgba,
        })
    }

    /// Drops the stroke in progress (the recording stopped under the pen).
    pub fn cancel(&mut self) {
        self.points_m.clear();
        self.last_seen_m = None;
        self.drawing = false;
    }
}

fn distance_m(a: [f32; 3], b: [f32; 3]) -> f32 {
    let [dx, dy, dz] = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    (dx * dx + dy * dy + dz * dz).sqrt()
}

/// A pin with `label` cut to [`MAX_PIN_LABEL_BYTES`] (at a character boundary), or
/// "Pin `number`" when the label is blank.
pub fn pin(point_m: [f32; 3], label: &str, number: u32) -> Annotation {
    Annotation::Pin {
        point_m,
        label: text_or_default(label, MAX_PIN_LABEL_BYTES, || format!("Pin {number}")),
    }
}

/// A chapter titled `title` cut to [`MAX_TEXT_BYTES`], or "Chapter `number`" when blank.
pub fn chapter(title: &str, number: u32) -> Annotation {
    Annotation::Chapter {
        title: text_or_default(title, MAX_TEXT_BYTES, || format!("Chapter {number}")),
    }
}

fn text_or_default(text: &str, max_bytes: usize, default: impl FnOnce() -> String) -> String {
    let text = text.trim();
    if text.is_empty() {
        return default();
    }
    let mut end = text.len().min(max_bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stroke_points(annotation: Option<Annotation>) -> Vec<[f32; 3]> {
        match annotation {
            Some(Annotation::Stroke { points_m, .. }) => points_m,
            other => panic!("not a stroke: {other:?}"),
        }
    }

    #[test]
    fn a_dense_drag_is_thinned_to_the_spacing_and_ends_where_the_pen_lifted() {
        let mut builder = StrokeBuilder::default();
        builder.start([0.0, 0.0, 0.0]);
        // 0.1 mm steps along X for 20.05 mm.
        for step in 1..=200 {
            builder.add([step as f32 * 0.0001, 0.0, 0.0]);
        }
        builder.add([0.02005, 0.0, 0.0]);
        let points = stroke_points(builder.finish([255, 0, 0, 255]));
        for (index, pair) in points.windows(2).enumerate() {
            let gap_m = distance_m(pair[0], pair[1]);
            assert!(
                gap_m >= DEFAULT_STROKE_SPACING_M - 1e-6,
                "{pair:?} closer than 1 mm"
            );
            // Thinning keeps the first input point past the spacing (at most a 0.1 mm step
            // more); the end point replaces the last kept one, so the last gap is under 2 mm.
            let most_m = if index + 2 == points.len() {
                0.0021
            } else {
                0.0011
            };
            assert!(gap_m <= most_m + 1e-6, "{pair:?} leaves a gap");
        }
        assert_eq!(points.first(), Some(&[0.0, 0.0, 0.0]));
        assert_eq!(
            points.last(),
            Some(&[0.02005, 0.0, 0.0]),
            "ends at the lift"
        );
        assert!((18..=21).contains(&points.len()), "{} points", points.len());
        assert!(!builder.is_drawing());
        assert!(builder.points_m().is_empty());
    }

    #[test]
    fn a_click_or_a_resting_pen_is_no_stroke() {
        let mut builder = StrokeBuilder::default();
        builder.start([0.1, 0.2, 0.3]);
        for _ in 0..50 {
            assert!(!builder.add([0.1, 0.2, 0.3004]));
        }
        assert_eq!(builder.finish([0; 4]), None);
        // Without a start nothing is collected.
        assert!(!builder.add([0.0, 0.0, 0.0]));
        assert_eq!(builder.finish([0; 4]), None);
    }

    #[test]
    fn non_finite_points_are_ignored_and_cancel_drops_the_stroke() {
        let mut builder = StrokeBuilder::new(f32::NAN);
        builder.start([0.0, 0.0, 0.0]);
        assert!(!builder.add([f32::NAN, 0.0, 0.0]));
        assert!(!builder.add([f32::INFINITY, 0.0, 0.0]));
        assert!(builder.add([0.0, 0.0001, 0.0]), "zero spacing keeps it");
        assert_eq!(builder.points_m().len(), 2);
        builder.cancel();
        assert!(!builder.is_drawing());
        assert_eq!(builder.finish([0; 4]), None);
    }

    #[test]
    fn a_stroke_stops_growing_at_the_format_limit() {
        let mut builder = StrokeBuilder::new(0.0);
        builder.start([0.0, 0.0, 0.0]);
        for index in 1..(MAX_STROKE_POINTS + 10) {
            builder.add([index as f32, 0.0, 0.0]);
        }
        assert_eq!(builder.points_m().len(), MAX_STROKE_POINTS);
    }

    #[test]
    fn pins_and_chapters_get_default_names_and_labels_are_cut_to_the_limit() {
        assert_eq!(
            pin([1.0, 2.0, 3.0], "  ", 4),
            Annotation::Pin {
                point_m: [1.0, 2.0, 3.0],
                label: "Pin 4".to_owned()
            }
        );
        assert_eq!(
            chapter("", 2),
            Annotation::Chapter {
                title: "Chapter 2".to_owned()
            }
        );
        let long = "é".repeat(MAX_PIN_LABEL_BYTES);
        let Annotation::Pin { label, .. } = pin([0.0; 3], &long, 1) else {
            panic!("a pin");
        };
        assert!(label.len() <= MAX_PIN_LABEL_BYTES && label.chars().all(|c| c == 'é'));
        assert_eq!(label.chars().count(), MAX_PIN_LABEL_BYTES / 2);
    }
}
