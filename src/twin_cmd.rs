//! `neuraxis twin build INPUT -o DIR`: a CT (DICOM folder or NIfTI) → a twin bundle, with a
//! progress bar (a line per stage where stderr is no terminal) and a closing table.

use anyhow::Context;
use clap::Subcommand;
use imaging::SeriesChoice;
use segment::reference::ReferenceConvention;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use twin::{ReferenceLabels, Segmenter, TwinBuildOptions};

use crate::progress_bar::StageBar;

#[derive(Debug, Subcommand)]
pub enum TwinCommand {
    /// Build a twin bundle from a CT: a folder of DICOM files or a NIfTI file (.nii, .nii.gz).
    /// Nothing that identifies the patient is written to the bundle.
    Build {
        /// The CT: a DICOM folder or a NIfTI file.
        input: PathBuf,
        /// The bundle folder to write (replaced only if it is empty or already a bundle).
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
        /// Most triangles per mesh (vertebra, skin).
        #[arg(long, value_name = "N", default_value_t = TwinBuildOptions::default().max_triangles)]
        max_triangles: usize,
        /// In a DICOM folder with several series, build this one (its Series Instance UID);
        /// by default the largest CT series.
        #[arg(long, value_name = "UID")]
        series: Option<String>,
        /// Compare the segmentation with these labels (on the CT's grid) and report Dice per level.
        #[arg(long, value_name = "LABELS", requires = "reference_labels")]
        reference: Option<PathBuf>,
        /// How the reference labels number the vertebrae.
        #[arg(long, value_name = "CONVENTION", requires = "reference",
              value_parser = reference_convention_parser())]
        reference_labels: Option<ReferenceConvention>,
        /// Also write everything the closing table shows (and more) as JSON, for scripts.
        #[arg(long, value_name = "FILE.json")]
        report: Option<PathBuf>,
        /// Who labels the vertebrae: `classical` (thresholds and morphology), `onnx` (the
        /// shipped model, assets/models/lumbar-seg-v1.onnx) or `onnx=MODEL.onnx` (any model
        /// meeting docs/segmentation-onnx.md; needs the ONNX Runtime library).
        #[arg(long, value_name = "classical|onnx[=MODEL]", default_value = "classical", value_parser = parse_segmenter)]
        segmenter: SegmenterChoice,
    },
}

/// The `--segmenter` value.
#[derive(Debug, Clone, PartialEq)]
pub enum SegmenterChoice {
    /// The classical segmenter.
    Classical,
    /// An ONNX model (`None`: the shipped one).
    Onnx(Option<PathBuf>),
}

/// `--reference-labels`: the conventions, offered in help and completions.
fn reference_convention_parser() -> impl clap::builder::TypedValueParser<Value = ReferenceConvention>
{
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new([
        PossibleValue::new("totalseg-v1")
            .alias("totalsegmentator-v1")
            .help("TotalSegmentator v1, task total"),
        PossibleValue::new("totalseg-v2")
            .alias("totalsegmentator-v2")
            .help("TotalSegmentator v2, task total"),
        PossibleValue::new("verse").help("VerSe"),
    ])
    .try_map(|name| name.parse::<ReferenceConvention>())
}

fn parse_segmenter(value: &str) -> Result<SegmenterChoice, String> {
    match value.split_once('=') {
        None if value == "classical" => Ok(SegmenterChoice::Classical),
        None if value == "onnx" => Ok(SegmenterChoice::Onnx(None)),
        Some(("onnx", model)) if !model.is_empty() => {
            Ok(SegmenterChoice::Onnx(Some(PathBuf::from(model))))
        }
        _ => Err(format!(
            "{value:?}: expected classical, onnx or onnx=MODEL.onnx"
        )),
    }
}

pub fn run(command: TwinCommand) -> anyhow::Result<ExitCode> {
    let TwinCommand::Build {
        input,
        output,
        max_triangles,
        series,
        reference,
        reference_labels,
        report,
        segmenter,
    } = command;
    let segmenter = match segmenter {
        SegmenterChoice::Classical => Segmenter::Classical,
        SegmenterChoice::Onnx(model) => {
            let model = model.unwrap_or_else(segment_onnx::default_model_path);
            let loaded = segment_onnx::OnnxSegmenter::load(&model)
                .with_context(|| format!("cannot use the ONNX segmenter {}", model.display()))?;
            Segmenter::External(Arc::new(loaded))
        }
    };
    let options = TwinBuildOptions {
        segmenter,
        max_triangles,
        series: series.map_or(SeriesChoice::Largest, SeriesChoice::Uid),
        reference: reference
            .zip(reference_labels)
            .map(|(path, convention)| ReferenceLabels { path, convention }),
        ..TwinBuildOptions::default()
    };
    let mut bar = StageBar::on_stderr();
    let built = twin::build_twin(&input, &output, &options, &mut |stage, done| {
        bar.show(stage.name(), done)
    })
    .with_context(|| format!("cannot build a twin from {}", input.display()))?;
    drop(bar);
    println!("{built}");
    println!("twin bundle written to {}", output.display());
    if let Some(report_path) = report {
        let json = built.to_json().context("cannot encode the build report")?;
        std::fs::write(&report_path, json)
            .with_context(|| format!("cannot write {}", report_path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}
