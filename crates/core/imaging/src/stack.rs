//! Orders DICOM slices along their normal and lays them on a uniform k grid, reporting gaps,
//! uneven spacing, duplicates and gantry tilt.

use glam::DVec3;

use crate::report::ImportWarning;

/// Two slices closer than this along the normal are the same slice.
const DUPLICATE_TOLERANCE_MM: f64 = 0.01;
/// A per-slot step further than this fraction from the median counts as uneven.
const UNEVEN_FRACTION: f64 = 0.05;
/// Step directions further than this from the normal count as gantry tilt.
const TILT_THRESHOLD_DEG: f64 = 0.1;
/// Gaps may at most multiply the slice count by this (plus a few slots) before the positions
/// are judged inconsistent rather than gappy.
const MAX_SLOTS_PER_SLICE: usize = 4;

/// Where each input slice goes on the k grid.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StackLayout {
    /// For each output slice k, the input slice that fills it (`None`: missing, interpolated).
    pub slots: Vec<Option<usize>>,
    /// LPS position of slot 0 in millimetres.
    pub origin_mm: DVec3,
    /// LPS step from slot k to k + 1 in millimetres (zero for a single slice).
    pub step_mm: DVec3,
    /// Inputs left out because another slice sits at the same place.
    pub duplicates: Vec<usize>,
    /// Gaps, uneven spacing, tilt.
    pub warnings: Vec<ImportWarning>,
}

/// Slice positions imply far more slots than there are slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImplausibleGaps {
    /// Slots the positions would need.
    pub implied_slots: usize,
}

/// Lays slices at `positions_mm` (ImagePositionPatient, LPS) on a grid along `normal`.
pub(crate) fn stack_slices(
    positions_mm: &[DVec3],
    normal: DVec3,
) -> Result<StackLayout, ImplausibleGaps> {
    let distance = |index: usize| positions_mm[index].dot(normal);
    let mut order: Vec<usize> = (0..positions_mm.len()).collect();
    order.sort_by(|&a, &b| distance(a).total_cmp(&distance(b)).then(a.cmp(&b)));

    let mut kept: Vec<usize> = Vec::with_capacity(order.len());
    let mut duplicates = Vec::new();
    for index in order {
        match kept.last() {
            Some(&last) if distance(index) - distance(last) < DUPLICATE_TOLERANCE_MM => {
                duplicates.push(index);
            }
            _ => kept.push(index),
        }
    }
    let Some(&first) = kept.first() else {
        return Ok(StackLayout {
            slots: Vec::new(),
            origin_mm: DVec3::ZERO,
            step_mm: DVec3::ZERO,
            duplicates,
            warnings: Vec::new(),
        });
    };
    if kept.len() == 1 {
        return Ok(StackLayout {
            slots: vec![Some(first)],
            origin_mm: positions_mm[first],
            step_mm: DVec3::ZERO,
            duplicates,
            warnings: Vec::new(),
        });
    }

    let mut steps: Vec<f64> = kept
        .windows(2)
        .map(|pair| distance(pair[1]) - distance(pair[0]))
        .collect();
    steps.sort_by(f64::total_cmp);
    // Lower median: with two steps, a single large gap is the gap, not the step.
    let median_step_mm = steps[(steps.len() - 1) / 2];
    let span_mm = kept
        .last()
        .map_or(0.0, |&last| distance(last) - distance(first));
    let implied_slots = (span_mm / median_step_mm).round().max(0.0) + 1.0;
    let slot_limit = (MAX_SLOTS_PER_SLICE * kept.len() + 16) as f64;
    if implied_slots.is_nan() || implied_slots > slot_limit {
        return Err(ImplausibleGaps {
            implied_slots: if implied_slots.is_finite() {
                implied_slots as usize
            } else {
                usize::MAX
            },
        });
    }

    let mut warnings = Vec::new();
    let mut slots: Vec<Option<usize>> = vec![Some(first)];
    let (mut min_step_mm, mut max_step_mm) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut previous = first;
    for &index in &kept[1..] {
        let gap_mm = distance(index) - distance(previous);
        let k_previous = slots.len() - 1;
        let jump = ((distance(index) - distance(first)) / median_step_mm).round() as usize;
        let jump = jump.saturating_sub(k_previous);
        if jump == 0 {
            // Rounds onto the slot already taken: closer than half a step, so a near duplicate.
            duplicates.push(index);
            continue;
        }
        let per_slot_mm = gap_mm / jump as f64;
        min_step_mm = min_step_mm.min(per_slot_mm);
        max_step_mm = max_step_mm.max(per_slot_mm);
        if jump > 1 {
            warnings.push(ImportWarning::MissingSlices {
                after_slice: k_previous,
                missing: jump - 1,
                gap_mm,
            });
            slots.extend(std::iter::repeat_n(None, jump - 1));
        }
        slots.push(Some(index));
        previous = index;
    }
    if (max_step_mm - median_step_mm).abs() > UNEVEN_FRACTION * median_step_mm
        || (median_step_mm - min_step_mm).abs() > UNEVEN_FRACTION * median_step_mm
    {
        warnings.push(ImportWarning::UnevenSpacing {
            min_step_mm,
            max_step_mm,
            median_step_mm,
        });
    }

    let last_slot = slots.len() - 1;
    let step_mm = (positions_mm[previous] - positions_mm[first]) / last_slot as f64;
    let cos_angle = (step_mm.dot(normal).abs() / step_mm.length()).clamp(0.0, 1.0);
    let angle_deg = cos_angle.acos().to_degrees();
    if angle_deg > TILT_THRESHOLD_DEG {
        warnings.push(ImportWarning::GantryTilt { angle_deg });
    }
    Ok(StackLayout {
        slots,
        origin_mm: positions_mm[first],
        step_mm,
        duplicates,
        warnings,
    })
}

/// Fills missing slots by linear interpolation between the nearest present neighbours.
/// `present[k]` says whether slice k of `samples` (slice length `slice_len`) was decoded.
pub(crate) fn interpolate_missing(samples: &mut [f32], slice_len: usize, present: &[bool]) {
    let mut below: Option<usize> = None;
    let mut k = 0;
    while k < present.len() {
        if present[k] {
            below = Some(k);
            k += 1;
            continue;
        }
        let above = (k..present.len()).find(|&a| present[a]);
        let (Some(lo), Some(hi)) = (below, above) else {
            k += 1;
            continue;
        };
        for missing in k..hi {
            let weight = (missing - lo) as f32 / (hi - lo) as f32;
            let (head, tail) = samples.split_at_mut(missing * slice_len);
            let lo_slice = &head[lo * slice_len..(lo + 1) * slice_len];
            let hi_start = (hi - missing) * slice_len;
            let (target, rest) = tail.split_at_mut(slice_len);
            let hi_slice = &rest[hi_start - slice_len..hi_start];
            for ((out, &a), &b) in target.iter_mut().zip(lo_slice).zip(hi_slice) {
                *out = a + (b - a) * weight;
            }
        }
        k = hi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(zs: &[f64]) -> Vec<DVec3> {
        zs.iter().map(|&z| DVec3::new(-100.0, -120.0, z)).collect()
    }

    #[test]
    fn shuffled_slices_sort_along_the_normal() {
        let layout = stack_slices(&column(&[6.0, 0.0, 9.0, 3.0]), DVec3::Z).unwrap();
        assert_eq!(layout.slots, vec![Some(1), Some(3), Some(0), Some(2)]);
        assert_eq!(layout.step_mm, DVec3::new(0.0, 0.0, 3.0));
        assert_eq!(layout.origin_mm.z, 0.0);
        assert!(layout.warnings.is_empty(), "{:?}", layout.warnings);
    }

    #[test]
    fn descending_normal_reverses_the_order() {
        let layout = stack_slices(&column(&[0.0, 3.0, 6.0]), -DVec3::Z).unwrap();
        assert_eq!(layout.slots, vec![Some(2), Some(1), Some(0)]);
        assert_eq!(layout.step_mm, DVec3::new(0.0, 0.0, -3.0));
    }

    #[test]
    fn a_gap_leaves_empty_slots_and_a_warning() {
        let layout = stack_slices(&column(&[0.0, 3.0, 12.0, 15.0]), DVec3::Z).unwrap();
        assert_eq!(
            layout.slots,
            vec![Some(0), Some(1), None, None, Some(2), Some(3)]
        );
        assert_eq!(
            layout.warnings,
            vec![ImportWarning::MissingSlices {
                after_slice: 1,
                missing: 2,
                gap_mm: 9.0
            }]
        );
        assert_eq!(layout.step_mm.z, 3.0);
    }

    #[test]
    fn uneven_steps_are_reported() {
        let layout = stack_slices(&column(&[0.0, 3.0, 6.0, 8.5, 11.5]), DVec3::Z).unwrap();
        assert_eq!(layout.slots.len(), 5);
        assert!(matches!(
            layout.warnings.as_slice(),
            [ImportWarning::UnevenSpacing { min_step_mm, .. }] if (*min_step_mm - 2.5).abs() < 1e-9
        ));
    }

    #[test]
    fn duplicates_are_dropped() {
        let layout = stack_slices(&column(&[0.0, 3.0, 3.0, 6.0]), DVec3::Z).unwrap();
        assert_eq!(layout.slots, vec![Some(0), Some(1), Some(3)]);
        assert_eq!(layout.duplicates, vec![2]);
    }

    #[test]
    fn tilt_is_measured_against_the_normal() {
        let tan = 10.0_f64.to_radians().tan();
        let positions: Vec<DVec3> = (0..5)
            .map(|k| DVec3::new(0.0, k as f64 * 2.0 * tan, k as f64 * 2.0))
            .collect();
        let layout = stack_slices(&positions, DVec3::Z).unwrap();
        let [ImportWarning::GantryTilt { angle_deg }] = layout.warnings.as_slice() else {
            panic!("{:?}", layout.warnings)
        };
        assert!((angle_deg - 10.0).abs() < 1e-6);
        assert!((layout.step_mm.y - 2.0 * tan).abs() < 1e-12);
    }

    #[test]
    fn absurd_gaps_are_refused_not_allocated() {
        let error = stack_slices(&column(&[0.0, 1.0, 2.0, 1e12]), DVec3::Z).unwrap_err();
        assert!(error.implied_slots > 1_000_000_000, "{error:?}");
    }

    #[test]
    fn missing_slices_are_interpolated() {
        let mut samples = vec![0.0, 10.0, -1.0, -1.0, -1.0, -1.0, 30.0, 70.0];
        interpolate_missing(&mut samples, 2, &[true, false, false, true]);
        assert_eq!(samples, vec![0.0, 10.0, 10.0, 30.0, 20.0, 50.0, 30.0, 70.0]);
    }
}
