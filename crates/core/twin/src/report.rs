//! The build report: time per stage, structures, Dice per level, peak memory, warnings; as
//! JSON for `--report FILE.json` and as the CLI's closing table. Nothing identifying.

use std::fmt;

use anatomy::{TissueClass, VertebraLevel};
use serde::{Deserialize, Serialize};

/// A stage of the build, reported to the progress callback and timed in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stage {
    /// Reading the DICOM series or NIfTI file.
    Import,
    /// Classical segmentation into vertebrae and tissues.
    Segment,
    /// Dice against reference labels (only when given).
    Reference,
    /// Finding the twin origin (skin over L3–L4).
    Anchor,
    /// Isosurfaces, smoothing, decimation.
    Mesh,
    /// Writing and hashing the bundle files, then moving the bundle into place.
    Write,
}

impl Stage {
    /// Lowercase name for tables and logs.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Import => "import",
            Stage::Segment => "segment",
            Stage::Reference => "reference",
            Stage::Anchor => "anchor",
            Stage::Mesh => "mesh",
            Stage::Write => "write",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Time one stage took.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StageTime {
    /// The stage.
    pub stage: Stage,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// One structure written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructureSummary {
    /// Structure name ("L3", "skin").
    pub name: String,
    /// Vertebral level, for vertebrae.
    pub level: Option<VertebraLevel>,
    /// Tissue class.
    pub tissue: TissueClass,
    /// Triangles in the written mesh.
    pub triangles: usize,
    /// Triangles of the raw isosurface, before decimation.
    pub raw_triangles: usize,
    /// Closed, consistently oriented 2-manifold.
    pub closed: bool,
    /// Label voxels it was meshed from (on the mesh grid).
    pub voxels: usize,
}

/// Dice of one level against the reference labels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelAgreement {
    /// The level.
    pub level: VertebraLevel,
    /// 2 |A ∩ B| / (|A| + |B|).
    pub dice: f64,
    /// Voxels in our segmentation.
    pub ours_voxels: usize,
    /// Voxels in the reference.
    pub reference_voxels: usize,
}

/// Agreement with reference labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiceReport {
    /// Label convention of the reference ("totalseg-v1").
    pub convention: String,
    /// Per level present in either volume, caudal to cranial.
    pub levels: Vec<LevelAgreement>,
}

/// What a build did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwinBuildReport {
    /// The bundle's id (as in its manifest).
    pub bundle_id: String,
    /// Neutral description of the input ("DICOM series, 112 slices").
    pub source: String,
    /// CT grid.
    pub ct_dims: [usize; 3],
    /// CT voxel size, mm.
    pub ct_spacing_mm: [f64; 3],
    /// Vertebral levels found, caudal to cranial.
    pub levels_found: Vec<VertebraLevel>,
    /// Time per stage, in order.
    pub stages: Vec<StageTime>,
    /// Whole build, seconds.
    pub total_s: f64,
    /// Structures written, in manifest order.
    pub structures: Vec<StructureSummary>,
    /// Dice per level when reference labels were given.
    pub dice: Option<DiceReport>,
    /// Peak resident memory of the process so far (VmHWM), MiB; `None` where unavailable.
    pub peak_rss_mb: Option<f64>,
    /// Warnings from import, segmentation and meshing.
    pub warnings: Vec<String>,
}

impl TwinBuildReport {
    /// The report as pretty JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// Seconds of one stage (0 when it did not run).
    pub fn stage_seconds(&self, stage: Stage) -> f64 {
        self.stages
            .iter()
            .filter(|s| s.stage == stage)
            .map(|s| s.seconds)
            .sum()
    }

    /// Triangles over every structure.
    pub fn total_triangles(&self) -> usize {
        self.structures.iter().map(|s| s.triangles).sum()
    }
}

impl fmt::Display for TwinBuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [nx, ny, nz] = self.ct_dims;
        let [sx, sy, sz] = self.ct_spacing_mm;
        writeln!(f, "twin {}", self.bundle_id)?;
        writeln!(
            f,
            "  from {}: {nx}×{ny}×{nz} voxels of {sx:.2}×{sy:.2}×{sz:.2} mm",
            self.source
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "  {:<12} {:<24} {:>10} {:>8}",
            "structure", "tissue", "triangles", "closed"
        )?;
        for s in &self.structures {
            writeln!(
                f,
                "  {:<12} {:<24} {:>10} {:>8}",
                s.name,
                s.tissue.display_name(),
                s.triangles,
                if s.closed { "yes" } else { "NO" }
            )?;
        }
        writeln!(
            f,
            "  {:<12} {:<24} {:>10}",
            "total",
            "",
            self.total_triangles()
        )?;
        writeln!(f)?;
        writeln!(f, "  {:<12} {:>9}", "stage", "time")?;
        for stage in &self.stages {
            writeln!(f, "  {:<12} {:>7.2} s", stage.stage.name(), stage.seconds)?;
        }
        writeln!(f, "  {:<12} {:>7.2} s", "total", self.total_s)?;
        if let Some(peak) = self.peak_rss_mb {
            writeln!(f, "  peak memory {peak:.0} MB")?;
        }
        if let Some(dice) = &self.dice {
            writeln!(f)?;
            writeln!(f, "  Dice against {} reference labels:", dice.convention)?;
            for level in &dice.levels {
                writeln!(
                    f,
                    "  {:<12} {:>6.3}  ({} / {} voxels)",
                    level.level.name(),
                    level.dice,
                    level.ours_voxels,
                    level.reference_voxels
                )?;
            }
        }
        if !self.warnings.is_empty() {
            writeln!(f)?;
            for warning in &self.warnings {
                writeln!(f, "  warning: {warning}")?;
            }
        }
        Ok(())
    }
}

/// Peak resident set size of this process (VmHWM in /proc/self/status), MiB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TwinBuildReport {
        TwinBuildReport {
            bundle_id: "twin-0123".into(),
            source: "NIfTI-1 (INT32)".into(),
            ct_dims: [2, 3, 4],
            ct_spacing_mm: [3.0; 3],
            levels_found: vec![VertebraLevel::L3],
            stages: vec![
                StageTime {
                    stage: Stage::Import,
                    seconds: 0.25,
                },
                StageTime {
                    stage: Stage::Mesh,
                    seconds: 1.5,
                },
            ],
            total_s: 1.75,
            structures: vec![StructureSummary {
                name: "L3".into(),
                level: Some(VertebraLevel::L3),
                tissue: TissueClass::Bone,
                triangles: 4321,
                raw_triangles: 9000,
                closed: true,
                voxels: 100,
            }],
            dice: Some(DiceReport {
                convention: "totalseg-v1".into(),
                levels: vec![LevelAgreement {
                    level: VertebraLevel::L3,
                    dice: 0.875,
                    ours_voxels: 10,
                    reference_voxels: 11,
                }],
            }),
            peak_rss_mb: Some(12.0),
            warnings: vec!["T12 cut".into()],
        }
    }

    #[test]
    fn json_round_trips_and_table_names_everything() {
        let report = sample();
        let json = report.to_json().unwrap();
        let back: TwinBuildReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        let table = report.to_string();
        for needle in [
            "L3", "4321", "import", "1.50 s", "0.875", "T12 cut", "12 MB",
        ] {
            assert!(table.contains(needle), "{needle} missing from\n{table}");
        }
        assert_eq!(report.stage_seconds(Stage::Mesh), 1.5);
        assert_eq!(report.stage_seconds(Stage::Write), 0.0);
    }

    #[test]
    fn peak_memory_is_read_on_linux() {
        let peak = peak_rss_mb().expect("VmHWM in /proc/self/status");
        assert!(peak > 1.0, "{peak}");
    }
}
