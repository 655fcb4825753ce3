//! The design's promises, measured: colour-blind-safe tissue, status and recording colours,
//! and text contrast in both themes. Run with `--nocapture` to see the figures.

use crate::cvd::{Deficiency, delta_e_2000, simulate};
use crate::{NEIGHBOURS, Srgba, Theme, contrast_ratio, palette, tissue_colour, track_colour};
use anatomy::TissueClass;

/// Least CIEDE2000 difference between tissues that touch along the needle's path.
const MIN_NEIGHBOUR_DELTA_E: f32 = 10.0;
/// Least CIEDE2000 difference between any two tissues (they share the legend).
const MIN_ANY_PAIR_DELTA_E: f32 = 5.0;
/// Least difference between the status colours (passed, attention, failed).
const MIN_STATUS_DELTA_E: f32 = 15.0;
/// Least difference between recordings' colours.
const MIN_TRACK_DELTA_E: f32 = 10.0;

/// Normal vision, then the dichromacies whose confusions matter for a red/green-heavy anatomy.
const VISIONS: [Option<Deficiency>; 3] = [
    None,
    Some(Deficiency::Deuteranopia),
    Some(Deficiency::Protanopia),
];

fn seen(colour: Srgba, vision: Option<Deficiency>) -> Srgba {
    vision.map_or(colour, |deficiency| simulate(colour, deficiency))
}

fn vision_name(vision: Option<Deficiency>) -> String {
    vision.map_or("normal".to_owned(), |deficiency| format!("{deficiency:?}"))
}

fn tissues() -> Vec<TissueClass> {
    TissueClass::ALL
        .into_iter()
        .filter(|tissue| *tissue != TissueClass::Air)
        .collect()
}

fn all_pairs<T: Copy>(items: &[T]) -> Vec<(T, T)> {
    let mut pairs = Vec::new();
    for (index, first) in items.iter().enumerate() {
        for second in &items[index + 1..] {
            pairs.push((*first, *second));
        }
    }
    pairs
}

/// The smallest difference over `pairs` as `vision` sees them, with the pair.
fn worst<T: Copy>(
    pairs: &[(T, T)],
    colour: impl Fn(T) -> Srgba,
    vision: Option<Deficiency>,
) -> (f32, T, T) {
    pairs
        .iter()
        .map(|&(a, b)| {
            (
                delta_e_2000(seen(colour(a), vision), seen(colour(b), vision)),
                a,
                b,
            )
        })
        .fold(None, |least: Option<(f32, T, T)>, candidate| match least {
            Some(least) if least.0 <= candidate.0 => Some(least),
            _ => Some(candidate),
        })
        .expect("at least one pair")
}

#[test]
fn tissue_colours_stay_apart_for_normal_deuteranope_and_protanope_vision() {
    let all = all_pairs(&tissues());
    let mut failures = Vec::new();
    for vision in VISIONS {
        let (neighbour_delta, n_a, n_b) = worst(&NEIGHBOURS, tissue_colour, vision);
        let (any_delta, a_a, a_b) = worst(&all, tissue_colour, vision);
        println!(
            "tissues, {:<12} least ΔE00 neighbours {neighbour_delta:5.1} ({n_a:?}/{n_b:?}), any pair {any_delta:5.1} ({a_a:?}/{a_b:?})",
            vision_name(vision)
        );
        for &(a, b) in &all {
            let delta = delta_e_2000(
                seen(tissue_colour(a), vision),
                seen(tissue_colour(b), vision),
            );
            let neighbours = NEIGHBOURS.contains(&(a, b)) || NEIGHBOURS.contains(&(b, a));
            let least = if neighbours {
                MIN_NEIGHBOUR_DELTA_E
            } else {
                MIN_ANY_PAIR_DELTA_E
            };
            if delta < least {
                failures.push(format!(
                    "{} {a:?}/{b:?}: {delta:.1} < {least}",
                    vision_name(vision)
                ));
            }
        }
    }
    print_tissue_table();
    assert!(failures.is_empty(), "too close:\n{}", failures.join("\n"));
}

/// One Markdown row per tissue: its colour and its least ΔE00 to any other tissue and to its
/// path neighbours, for each vision (docs/interface.md copies this table).
fn print_tissue_table() {
    println!(
        "| tissue | colour | least ΔE00 to any tissue: normal / deuteranopia / protanopia | least ΔE00 to a path neighbour: normal / deuteranopia / protanopia |"
    );
    println!("| --- | --- | --- | --- |");
    let all = tissues();
    for tissue in &all {
        let figures = |neighbours_only: bool| {
            VISIONS
                .map(|vision| {
                    let others = all.iter().filter(|other| {
                        *other != tissue
                            && (!neighbours_only
                                || NEIGHBOURS.contains(&(*tissue, **other))
                                || NEIGHBOURS.contains(&(**other, *tissue)))
                    });
                    let (delta, nearest) = others
                        .map(|other| {
                            let delta = delta_e_2000(
                                seen(tissue_colour(*tissue), vision),
                                seen(tissue_colour(*other), vision),
                            );
                            (delta, *other)
                        })
                        .fold((f32::INFINITY, *tissue), |least, candidate| {
                            if candidate.0 < least.0 {
                                candidate
                            } else {
                                least
                            }
                        });
                    format!("{delta:.1} ({})", nearest.display_name())
                })
                .join(" / ")
        };
        println!(
            "| {} | `{}` | {} | {} |",
            tissue.display_name(),
            tissue_colour(*tissue).to_hex(),
            figures(false),
            figures(true)
        );
    }
}

#[test]
fn every_tissue_but_air_is_in_a_neighbour_pair() {
    for tissue in tissues() {
        assert!(
            NEIGHBOURS.iter().any(|&(a, b)| a == tissue || b == tissue),
            "{tissue:?}"
        );
    }
}

#[test]
fn text_is_readable_on_every_surface_in_both_themes() {
    for theme in Theme::ALL {
        let colours = palette(theme);
        let surface = colours.surface.composite_over(colours.background);
        let grounds = [
            ("background", colours.background),
            ("surface", surface),
            ("surface_raised", colours.surface_raised),
            ("surface_selected", colours.surface_selected),
        ];
        for (ground_name, ground) in grounds {
            let text = contrast_ratio(colours.text, ground);
            let muted = contrast_ratio(colours.text_muted, ground);
            println!("{theme:?}: text {text:5.2}, text_muted {muted:5.2} on {ground_name}");
            assert!(text >= 4.5 && muted >= 4.5, "{theme:?} on {ground_name}");
        }
        let text_on_surface = contrast_ratio(colours.text, surface);
        assert!(text_on_surface >= 7.0, "{theme:?}: {text_on_surface}");
        let on_accent = contrast_ratio(colours.on_accent, colours.accent);
        println!("{theme:?}: on_accent on accent {on_accent:5.2}");
        assert!(on_accent >= 4.5, "{theme:?}: {on_accent}");
        // Non-text parts (WCAG 1.4.11): the focus ring and the accent against the panel.
        for (name, colour) in [
            ("focus_ring", colours.focus_ring),
            ("accent", colours.accent),
        ] {
            let ratio = contrast_ratio(colour, surface);
            println!("{theme:?}: {name} on surface {ratio:5.2}");
            assert!(ratio >= 3.0, "{theme:?} {name}: {ratio}");
        }
    }
}

#[test]
fn status_colours_are_told_apart_and_read_as_text_in_both_themes() {
    for theme in Theme::ALL {
        let colours = palette(theme);
        let surface = colours.surface.composite_over(colours.background);
        let statuses = [
            ("success", colours.success),
            ("warning", colours.warning),
            ("danger", colours.danger),
        ];
        for (name, colour) in statuses {
            for (ground_name, ground) in [
                ("surface", surface),
                ("surface_raised", colours.surface_raised),
            ] {
                let ratio = contrast_ratio(colour, ground);
                println!("{theme:?}: {name} on {ground_name} {ratio:5.2}");
                assert!(ratio >= 3.0, "{theme:?} {name} on {ground_name}: {ratio}");
            }
        }
        for vision in VISIONS {
            let (delta, a, b) = worst(&all_pairs(&statuses), |(_, colour)| colour, vision);
            println!(
                "{theme:?}: status colours, {:<12} least ΔE00 {delta:5.1} ({}/{})",
                vision_name(vision),
                a.0,
                b.0
            );
            assert!(
                delta >= MIN_STATUS_DELTA_E,
                "{theme:?} {}: {delta}",
                vision_name(vision)
            );
        }
    }
}

#[test]
fn recordings_colours_stay_apart_and_show_on_both_backgrounds() {
    let indices: Vec<usize> = (0..crate::TRACK_COLOURS.len()).collect();
    let pairs = all_pairs(&indices);
    for vision in VISIONS {
        let (delta, a, b) = worst(&pairs, track_colour, vision);
        println!(
            "recordings, {:<12} least ΔE00 {delta:5.1} (#{a}/#{b})",
            vision_name(vision)
        );
        assert!(
            delta >= MIN_TRACK_DELTA_E,
            "{}: {delta}",
            vision_name(vision)
        );
    }
    assert_eq!(track_colour(crate::TRACK_COLOURS.len()), track_colour(0));
    // Lines on the report's white page and on the replay's dark backdrop.
    for index in indices {
        for ground in [Srgba::rgb8(255, 255, 255), palette(Theme::Dark).background] {
            let ratio = contrast_ratio(track_colour(index), ground);
            assert!(ratio >= 2.0, "recording {index} on {ground:?}: {ratio}");
        }
    }
}

#[test]
fn theme_is_written_in_lower_case_and_dark_by_default() {
    assert_eq!(Theme::default(), Theme::Dark);
    for (theme, name) in [(Theme::Dark, "\"dark\""), (Theme::Light, "\"light\"")] {
        assert_eq!(serde_json::to_string(&theme).expect("serialisable"), name);
        assert_eq!(
            serde_json::from_str::<Theme>(name).expect("readable"),
            theme
        );
    }
}
