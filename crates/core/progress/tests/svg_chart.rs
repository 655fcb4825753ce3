//! The SVG chart parses as XML and places one point per attempt where its score lies.

mod common;

use progress::{
    FAIL_COLOUR, PASS_COLOUR, ProgressDb, learning_curve, render_curve_svg, render_curve_text,
};

const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

fn number(node: roxmltree::Node, attribute: &str) -> f64 {
    node.attribute(attribute)
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| panic!("<{}> lacks a numeric {attribute}", node.tag_name().name()))
}

fn with_class<'a, 'input>(
    document: &'a roxmltree::Document<'input>,
    class: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> + 'a {
    document.descendants().filter(move |node| {
        node.attribute("class")
            .is_some_and(|classes| classes.split_whitespace().any(|c| c == class))
    })
}

#[test]
fn each_attempt_is_a_point_at_its_relative_position_and_colour() {
    let (_folder, path) = common::temp_db();
    let mut db = ProgressDb::open(&path).expect("create");
    let scores = [35.0, 52.0, 48.0, 71.0, 66.0, 90.0, 100.0, 0.0];
    for (day, points) in (1..).zip(scores) {
        db.record_attempt(&common::attempt("r2-07", "lp-midline-l3l4", day, 0, points))
            .expect("record");
    }
    let curve = db.learning_curve("r2-07", None).expect("curve");
    let svg = render_curve_svg(&curve, "r2-07 & lumbar puncture <L3–L4>");
    let document =
        roxmltree::Document::parse(&svg).unwrap_or_else(|error| panic!("{error}\n{svg}"));
    let root = document.root_element();
    assert_eq!(root.tag_name().namespace(), Some(SVG_NAMESPACE));
    assert_eq!(root.tag_name().name(), "svg");
    let title = root
        .children()
        .find(|node| node.has_tag_name("title"))
        .and_then(|node| node.text());
    assert_eq!(title, Some("r2-07 & lumbar puncture <L3–L4>"));

    let plot = with_class(&document, "plot-area")
        .next()
        .expect("plot area");
    let (plot_x, plot_y) = (number(plot, "x"), number(plot, "y"));
    let (plot_width, plot_height) = (number(plot, "width"), number(plot, "height"));

    let points: Vec<_> = with_class(&document, "attempt").collect();
    assert_eq!(points.len(), scores.len());
    let first_x = number(points[0], "cx");
    let last_x = number(points[points.len() - 1], "cx");
    assert!(plot_x < first_x && last_x < plot_x + plot_width);
    for (index, (point, points_scored)) in points.iter().zip(scores).enumerate() {
        assert_eq!(point.tag_name().name(), "circle");
        assert_eq!(
            point.attribute("data-attempt"),
            Some((index + 1).to_string().as_str())
        );
        // Evenly spaced along x, in attempt order.
        let along = (number(*point, "cx") - first_x) / (last_x - first_x);
        let expected_along = index as f64 / (scores.len() - 1) as f64;
        assert!(
            (along - expected_along).abs() < 1e-3,
            "attempt {}: x at {along}",
            index + 1
        );
        // Height within the plot is the score fraction (0 at the bottom, 100 % at the top).
        let height = (plot_y + plot_height - number(*point, "cy")) / plot_height;
        assert!(
            (height - points_scored / 100.0).abs() < 1e-3,
            "attempt {}: y at {height}",
            index + 1
        );
        let passed = points_scored >= 70.0;
        let classes = point.attribute("class").unwrap_or_default();
        assert_eq!(classes.contains("pass"), passed, "{classes}");
        assert_eq!(classes.contains("fail"), !passed, "{classes}");
        let colour = if passed { PASS_COLOUR } else { FAIL_COLOUR };
        assert_eq!(point.attribute("fill"), Some(colour));
    }

    // The pass mark (70 of 100) is a level line across the plot.
    let pass_mark = with_class(&document, "pass-mark")
        .next()
        .expect("pass mark line");
    let pass_mark_y = plot_y + plot_height * (1.0 - 0.7);
    let coordinates: Vec<f64> = pass_mark
        .attribute("d")
        .unwrap_or_default()
        .split(|c: char| c == ',' || c.is_whitespace() || c.is_ascii_alphabetic())
        .filter_map(|text| text.parse().ok())
        .collect();
    assert!(!coordinates.is_empty());
    for y in coordinates.iter().skip(1).step_by(2) {
        assert!(
            (y - pass_mark_y).abs() < 1e-2,
            "pass mark at y {y}, expected {pass_mark_y}"
        );
    }
    let xs: Vec<f64> = coordinates.iter().step_by(2).copied().collect();
    assert_eq!(xs.first().copied(), Some(plot_x));
    assert_eq!(xs.last().copied(), Some(plot_x + plot_width));

    // Axes, ticks and both lines are there.
    for class in [
        "axes",
        "y-ticks",
        "x-ticks",
        "score-line",
        "moving-average",
        "legend",
    ] {
        assert!(with_class(&document, class).next().is_some(), "no {class}");
    }
    let score_line = with_class(&document, "score-line")
        .next()
        .expect("score line");
    let vertices = score_line
        .attribute("points")
        .unwrap_or_default()
        .split_whitespace()
        .count();
    assert_eq!(vertices, scores.len());
}

#[test]
fn a_single_attempt_sits_mid_plot_and_an_empty_curve_is_still_a_chart() {
    let single = learning_curve(&[progress::StoredAttempt {
        attempt_id: 1,
        record: common::attempt("r2-07", "lp", 1, 0, 50.0),
    }]);
    let svg = render_curve_svg(&single, "one");
    let document = roxmltree::Document::parse(&svg).expect("valid SVG");
    let plot = with_class(&document, "plot-area")
        .next()
        .expect("plot area");
    let point = with_class(&document, "attempt").next().expect("one point");
    let centre_x = number(plot, "x") + number(plot, "width") / 2.0;
    assert!((number(point, "cx") - centre_x).abs() < 1e-2);

    let empty = render_curve_svg(&[], "nobody yet");
    let document = roxmltree::Document::parse(&empty).expect("valid SVG");
    assert_eq!(with_class(&document, "attempt").count(), 0);
    assert!(with_class(&document, "no-attempts").next().is_some());
    assert_eq!(render_curve_text(&[]), "No attempts yet.\n");
}
