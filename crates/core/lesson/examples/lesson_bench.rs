//! Benchmark of the lesson crate: loading and checking the shipped lessons, the live metrics
//! tracker's throughput, and scoring. Prints `bench FIGURE: VALUE UNIT` lines.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anatomy::TissueClass;
use lesson::{Lesson, MetricsTracker, TwinRef, check_lesson};
use session::{NeedleEventRecord, SessionEvent, TimedEvent};

fn scenes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../scenes")
}

/// One insertion's worth of events, repeated: skin to the epidural space and back out.
fn events(count: usize) -> Vec<TimedEvent> {
    let cycle = [
        NeedleEventRecord::SkinPunctured,
        NeedleEventRecord::LayerEntered {
            tissue: TissueClass::Fat,
        },
        NeedleEventRecord::LayerEntered {
            tissue: TissueClass::InterspinousLigament,
        },
        NeedleEventRecord::LayerEntered {
            tissue: TissueClass::EpiduralSpace,
        },
        NeedleEventRecord::LossOfResistance { depth_mm: 47.0 },
        NeedleEventRecord::NeedleWithdrawn,
    ];
    (0..count)
        .map(|index| TimedEvent {
            time_s: index as f64 * 1e-3,
            event: SessionEvent::Needle(cycle[index % cycle.len()]),
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut files: Vec<_> = std::fs::read_dir(scenes_dir())?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
        .collect();
    files.sort();
    let rounds = 50;
    let start = Instant::now();
    for _ in 0..rounds {
        for path in &files {
            black_box(check_lesson(path, |_: &TwinRef| Ok::<(), String>(()))?);
        }
    }
    let per_lesson_ms = start.elapsed().as_secs_f64() * 1e3 / (rounds * files.len()) as f64;
    println!("bench lesson_check_ms: {per_lesson_ms:.3} ms");

    let lesson = Lesson::load(&scenes_dir().join("epidural-saline-l3l4.ron"))?;
    let stream = events(1_000_000);
    let start = Instant::now();
    let mut tracker = MetricsTracker::new(&lesson);
    for event in &stream {
        tracker.push_event(event);
    }
    let metrics = tracker.metrics();
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "bench metrics_events_per_s: {:.0} events/s",
        stream.len() as f64 / seconds
    );

    let rounds = 100_000;
    let start = Instant::now();
    for _ in 0..rounds {
        black_box(lesson.score(black_box(&metrics)));
    }
    let per_score_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
    println!("bench score_us: {per_score_us:.2} us");
    Ok(())
}
