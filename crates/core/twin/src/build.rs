//! The twin build: import → segment → (Dice) → anchor → meshes → bundle, timed per stage.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anatomy::TissueClass;
use glam::{DMat4, DVec3};
use imaging::{HuVolume, ImportOptions, ImportReport, ImportSource, ImportWarning, SeriesChoice};
use mesh::LabelVolume;
use mesh::collider::ColliderSet;
use mesh::pipeline::{MeshParams, StructureMesh, build_structure_meshes};
use segment::{CtView, ReferenceConvention, VertebraSource, labels};

use crate::anchor::{AnchorPoint, AnchorProblem, find_anchor, scanner_lps_mm_to_twin_m};
use crate::bundle::{Staging, bundle_id, output_state};
use crate::error::TwinError;
use crate::grid::{average_blocks, majority_grid, merge_factors};
use crate::manifest::{
    BUNDLE_FORMAT_VERSION, BuildParameters, COLLIDER_FILE, ColliderEntry, Frames, Manifest,
    SourceDescription, StructureEntry, TISSUE_FILE, TissueCode, TissueVolumeEntry, bundle_hash,
    row_major,
};
use crate::report::{
    DiceReport, LevelAgreement, Stage, StageTime, StructureSummary, TwinBuildReport, peak_rss_mb,
};
use crate::structures::{
    DURAL_SAC_CODES, DURAL_SAC_NAME, DURAL_SAC_RGBA, SKIN_NAME, SKIN_RGBA, code_name, mask_spec,
    union_mask, vertebra_specs,
};
use crate::tissue_volume::{TISSUE_FORMAT_VERSION, TissueVolume, tissue_for_code};

/// Reference labels to compare the segmentation with (Dice per level).
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceLabels {
    /// A label volume on the CT's grid (NIfTI or DICOM, as the CT).
    pub path: PathBuf,
    /// How it numbers the vertebrae.
    pub convention: ReferenceConvention,
}

/// Which segmenter labels the vertebrae.
#[derive(Clone, Default)]
pub enum Segmenter {
    /// Thresholds and morphology (crate `segment`), the default.
    #[default]
    Classical,
    /// Vertebral bone from another segmenter (e.g. an ONNX model), split into levels and
    /// surrounded by tissues by `segment::segment_with_vertebral_bone`.
    External(Arc<dyn VertebraSource>),
}

impl Segmenter {
    /// How the manifest names it.
    pub fn description(&self) -> String {
        match self {
            Self::Classical => "classical thresholds and morphology (crate segment)".to_owned(),
            Self::External(source) => {
                format!("{} (levels and tissues by crate segment)", source.name())
            }
        }
    }
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Classical => f.write_str("Classical"),
            Self::External(source) => write!(f, "External({})", source.name()),
        }
    }
}

impl PartialEq for Segmenter {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Classical, Self::Classical) => true,
            (Self::External(a), Self::External(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// How to build a twin.
#[derive(Debug, Clone, PartialEq)]
pub struct TwinBuildOptions {
    /// Which segmenter labels the vertebrae (the CLI's `--segmenter`).
    pub segmenter: Segmenter,
    /// Most triangles per structure mesh (the CLI's `--max-triangles`).
    pub max_triangles: usize,
    /// Which DICOM series to import.
    pub series: SeriesChoice,
    /// Reference labels for Dice per level, if any.
    pub reference: Option<ReferenceLabels>,
    /// Meshes are extracted on a grid whose voxels are at least this size (CT voxels merged by
    /// label majority): sub-millimetre CTs mesh faster with no visible loss after decimation.
    pub mesh_min_spacing_mm: f64,
    /// The skin (one large smooth surface) is meshed on a grid of at least this voxel size, so
    /// its raw surface stays small enough to decimate quickly.
    pub skin_mesh_min_spacing_mm: f64,
    /// CTs finer than this are averaged in blocks to about this voxel size before segmenting
    /// (`None`: segment the CT's own grid). The classical segmenter is tuned on 3 mm voxels and
    /// loses the sacrum on finer grids (measured: 2, 1.5, 1 and 0.7×0.6 mm resamplings of the
    /// reference CT all fail). The tissue volume and meshes are on this grid.
    pub segment_min_spacing_mm: Option<f64>,
    /// Also mesh the dural sac (dura, CSF, cauda equina) as a translucent teaching structure.
    pub dural_sac: bool,
    /// Largest CT sample buffer to import, bytes.
    pub max_volume_bytes: u64,
}

impl Default for TwinBuildOptions {
    fn default() -> Self {
        Self {
            segmenter: Segmenter::Classical,
            max_triangles: MeshParams::default().max_triangles,
            series: SeriesChoice::Largest,
            reference: None,
            mesh_min_spacing_mm: 1.5,
            skin_mesh_min_spacing_mm: 6.0,
            segment_min_spacing_mm: Some(3.0),
            dural_sac: true,
            max_volume_bytes: imaging::DEFAULT_MAX_VOLUME_BYTES,
        }
    }
}

/// Builds a twin bundle in `out_dir` from a DICOM folder or NIfTI file.
///
/// `progress(stage, fraction)` is called as stages start (0), as they go on where a stage can
/// tell its fraction done (the ONNX segmenter's patches, the meshes, the files written), and as
/// they end (1). Each stage and warning is also logged through `tracing`. `out_dir` must not
/// exist, be empty, or hold a bundle (replaced); anything else is refused before any work. The
/// bundle is written to a hidden sibling folder and renamed into place when complete.
pub fn build_twin(
    input: &Path,
    out_dir: &Path,
    options: &TwinBuildOptions,
    progress: &mut dyn FnMut(Stage, f32),
) -> Result<TwinBuildReport, TwinError> {
    let started = Instant::now();
    output_state(out_dir)?;
    tracing::info!(
        "building a twin from {} into {}",
        input.display(),
        out_dir.display()
    );
    progress(Stage::Import, 0.0);
    let import_options = ImportOptions {
        series: options.series.clone(),
        max_volume_bytes: options.max_volume_bytes,
        allow_single_slice: false,
    };
    let (volume, import_report) = imaging::import_ct(input, &import_options)?;
    let import_s = started.elapsed().as_secs_f64();
    tracing::info!(
        "imported {:?} voxels of {:?} mm in {import_s:.2} s",
        volume.dims(),
        volume.spacing_mm()
    );
    for warning in &import_report.warnings {
        tracing::warn!("{warning}");
    }
    progress(Stage::Import, 1.0);
    let source = describe_source(&import_report, volume.dims());
    let warnings = import_report.warnings.iter().map(neutral_warning).collect();
    let mut build = Build {
        source_name: input.display().to_string(),
        error_path: input.to_path_buf(),
        source,
        stages: vec![StageTime {
            stage: Stage::Import,
            seconds: import_s,
        }],
        warnings,
        started,
    };
    build.run(volume, out_dir, options, progress)
}

/// Builds a twin from a CT already in memory; `source_description` is stored as the bundle's
/// neutral source description (keep it free of names, IDs, dates and paths).
pub fn build_twin_from_volume(
    volume: HuVolume,
    source_description: &str,
    out_dir: &Path,
    options: &TwinBuildOptions,
    progress: &mut dyn FnMut(Stage, f32),
) -> Result<TwinBuildReport, TwinError> {
    let started = Instant::now();
    output_state(out_dir)?;
    let mut build = Build {
        source_name: source_description.to_owned(),
        error_path: PathBuf::from(source_description),
        source: source_description.to_owned(),
        stages: Vec::new(),
        warnings: Vec::new(),
        started,
    };
    build.run(volume, out_dir, options, progress)
}

/// "DICOM series, 112 slices" or "NIfTI-1 (int32)": nothing identifying.
fn describe_source(report: &ImportReport, dims: [usize; 3]) -> String {
    match &report.source {
        ImportSource::DicomSeries { .. } => {
            let slices = report
                .series
                .iter()
                .find(|s| s.chosen)
                .map_or(dims[2], |s| s.slices);
            format!("DICOM series, {slices} slices")
        }
        ImportSource::Nifti { datatype, .. } => format!("NIfTI-1 ({datatype})"),
    }
}

/// An import warning without its file path: file and folder names can identify a patient, so
/// the stored warning says what happened, not to which file (the CLI log has the paths).
fn neutral_warning(warning: &ImportWarning) -> String {
    match warning {
        ImportWarning::NotDicom { .. } => "a file in the input folder is not DICOM; skipped".into(),
        ImportWarning::UnreadableDicom { .. } => {
            "a DICOM file in the input folder could not be read; skipped".into()
        }
        ImportWarning::DuplicateSlice { .. } => {
            "a slice repeats another's position; the later file was skipped".into()
        }
        other => other.to_string(),
    }
}

struct Build {
    /// Names the CT in errors (its path).
    source_name: String,
    error_path: PathBuf,
    /// Stored in the bundle.
    source: String,
    stages: Vec<StageTime>,
    warnings: Vec<String>,
    started: Instant,
}

/// Structures meshed, in manifest order.
struct Meshed {
    structures: Vec<(StructureMesh, Vec<u8>)>,
    spacing_mm: [f64; 3],
}

impl Build {
    /// Runs one stage: `work` gets the build and a callback for its fraction done.
    fn timed<T>(
        &mut self,
        stage: Stage,
        progress: &mut dyn FnMut(Stage, f32),
        work: impl FnOnce(&mut Self, &mut dyn FnMut(f32)) -> Result<T, TwinError>,
    ) -> Result<T, TwinError> {
        progress(stage, 0.0);
        let start = Instant::now();
        let result = work(self, &mut |done_0_1| progress(stage, done_0_1.min(0.999)))?;
        let seconds = start.elapsed().as_secs_f64();
        tracing::info!("{} done in {seconds:.2} s", stage.name());
        self.stages.push(StageTime { stage, seconds });
        progress(stage, 1.0);
        Ok(result)
    }

    fn run(
        &mut self,
        volume: HuVolume,
        out_dir: &Path,
        options: &TwinBuildOptions,
        progress: &mut dyn FnMut(Stage, f32),
    ) -> Result<TwinBuildReport, TwinError> {
        let ct_dims = volume.dims();
        let ct_voxel_to_lps_mm = volume.voxel_to_lps_mm_affine();
        let ct_spacing_mm = volume.spacing_mm();
        let segment_factors = options
            .segment_min_spacing_mm
            .map_or([1, 1, 1], |target| merge_factors(ct_spacing_mm, target));
        let volume = if segment_factors == [1, 1, 1] {
            volume
        } else {
            let coarse =
                average_blocks(&volume, segment_factors).map_err(|problem| TwinError::Segment {
                    path: self.error_path.clone(),
                    source: segment::SegmentError::Geometry {
                        source_name: self.source_name.clone(),
                        problem,
                    },
                })?;
            let [sx, sy, sz] = coarse.spacing_mm();
            self.warnings.push(format!(
                "CT averaged in blocks of {segment_factors:?} voxels to {sx:.2}×{sy:.2}×{sz:.2} mm for the segmentation, which is tuned on 3 mm voxels"
            ));
            coarse
        };
        let dims = volume.dims();
        let voxel_to_lps_mm = volume.voxel_to_lps_mm_affine();
        let segmentation = self.timed(Stage::Segment, progress, |build, fraction| {
            let view = CtView {
                dims,
                voxel_to_lps_mm,
                hu: volume.hu(),
                source_name: &build.source_name,
            };
            let segmented = match &options.segmenter {
                Segmenter::Classical => segment::segment(&view),
                // The model's patches are most of the work; the split into levels follows.
                Segmenter::External(source) => source
                    .vertebral_bone_reporting(&view, &mut |done| fraction(0.9 * done))
                    .map_err(|detail| segment::SegmentError::VertebraSource {
                        source_name: build.source_name.clone(),
                        segmenter: source.name(),
                        detail,
                    })
                    .and_then(|bone| segment::segment_with_vertebral_bone(&view, &bone)),
            };
            segmented.map_err(|source| TwinError::Segment {
                path: build.error_path.clone(),
                source,
            })
        })?;
        // The samples are not needed any more: free them before the reference is loaded.
        drop(volume);
        for warning in &segmentation.report.warnings {
            tracing::warn!("{warning}");
        }
        self.warnings
            .extend(segmentation.report.warnings.iter().cloned());
        let levels_found: Vec<_> = segmentation.report.levels.iter().map(|l| l.level).collect();

        let dice = match &options.reference {
            Some(reference) => Some(self.timed(Stage::Reference, progress, |_, _| {
                reference_dice(
                    reference,
                    ct_dims,
                    ct_voxel_to_lps_mm,
                    segment_factors,
                    &segmentation.labels,
                )
            })?),
            None => None,
        };

        let anchor = self.timed(Stage::Anchor, progress, |build, _| {
            find_anchor(dims, &segmentation.labels, voxel_to_lps_mm).map_err(
                |problem| match problem {
                    AnchorProblem::MissingLevel(level) => TwinError::MissingLevel {
                        path: build.error_path.clone(),
                        level,
                    },
                    AnchorProblem::NoPosteriorSkin(detail) => TwinError::NoPosteriorSkin {
                        path: build.error_path.clone(),
                        detail,
                    },
                },
            )
        })?;
        if !anchor.from_disc_voxels {
            self.warnings.push(
                "no L3–L4 disc voxels: the twin origin height is the mid-point of the L3 and L4 centroids"
                    .to_owned(),
            );
        }

        let meshed = self.timed(Stage::Mesh, progress, |build, fraction| {
            build.mesh(fraction, &segmentation, voxel_to_lps_mm, &anchor, options)
        })?;

        let scanner_to_twin = scanner_lps_mm_to_twin_m(anchor.lps_mm);
        let tissue_volume = TissueVolume::new(
            Path::new(TISSUE_FILE),
            dims,
            scanner_to_twin * voxel_to_lps_mm,
            segmentation.labels,
        )?;
        let source = SourceDescription {
            description: self.source.clone(),
            ct_dims,
            ct_spacing_mm,
        };
        let bundle_id = self.timed(Stage::Write, progress, |build, fraction| {
            build.write_bundle(
                fraction,
                out_dir,
                &meshed,
                &tissue_volume,
                &anchor,
                scanner_to_twin,
                source,
                options,
            )
        })?;

        let structures = meshed
            .structures
            .iter()
            .map(|(s, _)| StructureSummary {
                name: s.spec.name.clone(),
                level: s.spec.level,
                tissue: s.spec.tissue,
                triangles: s.mesh.triangle_count(),
                raw_triangles: s.decimation.triangles_before,
                closed: s.mesh.topology().is_closed_oriented_manifold(),
                voxels: s.voxel_count,
            })
            .collect();
        Ok(TwinBuildReport {
            bundle_id,
            source: self.source.clone(),
            ct_dims,
            ct_spacing_mm,
            levels_found,
            stages: self.stages.clone(),
            total_s: self.started.elapsed().as_secs_f64(),
            structures,
            dice,
            peak_rss_mb: peak_rss_mb(),
            warnings: self.warnings.clone(),
        })
    }

    fn mesh(
        &mut self,
        fraction: &mut dyn FnMut(f32),
        segmentation: &segment::Segmentation,
        voxel_to_lps_mm: DMat4,
        anchor: &AnchorPoint,
        options: &TwinBuildOptions,
    ) -> Result<Meshed, TwinError> {
        let (dims, codes) = (segmentation.dims, segmentation.labels.as_slice());
        let levels: Vec<_> = segmentation.report.levels.iter().map(|l| l.level).collect();
        // Shifting the affine puts the anchor at the LPS origin, so the mesher's one frame
        // conversion yields twin coordinates with the origin at the anchor.
        let relative = DMat4::from_translation(-anchor.lps_mm) * voxel_to_lps_mm;
        let spacing_mm = [0, 1, 2].map(|a| voxel_to_lps_mm.col(a).truncate().length());
        let factors = merge_factors(spacing_mm, options.mesh_min_spacing_mm);
        let grid = majority_grid(dims, codes, relative, factors);
        let skin_factors = merge_factors(spacing_mm, options.skin_mesh_min_spacing_mm);
        let skin_grid = majority_grid(dims, &union_mask(codes, None), relative, skin_factors);
        // A rough split: the grids are quick, the meshes below take most of the stage.
        fraction(0.1);
        let params = MeshParams {
            max_triangles: options.max_triangles.max(4),
            ..MeshParams::default()
        };
        let error_path = self.error_path.clone();
        let mesh_error = |source| TwinError::Mesh {
            path: error_path.clone(),
            source,
        };
        let name = self.source_name.clone();
        let name = name.as_str();
        let view = |codes| LabelVolume::new(name, grid.dims, codes, grid.voxel_to_lps_mm);
        let vertebrae = vertebra_specs(&levels);
        let sac_mask = options
            .dural_sac
            .then(|| union_mask(&grid.codes, Some(&DURAL_SAC_CODES)));
        let vertebra_volume = view(&grid.codes).map_err(mesh_error)?;
        let skin_volume = LabelVolume::new(
            name,
            skin_grid.dims,
            &skin_grid.codes,
            skin_grid.voxel_to_lps_mm,
        )
        .map_err(mesh_error)?;
        let sac_volume = match sac_mask.as_deref() {
            Some(codes) => Some(view(codes).map_err(mesh_error)?),
            None => None,
        };
        let skin_spec = [mask_spec(SKIN_NAME, TissueClass::Skin, SKIN_RGBA)];
        let sac_spec = [mask_spec(DURAL_SAC_NAME, TissueClass::Dura, DURAL_SAC_RGBA)];
        // The skin is one large structure: mesh it beside the vertebrae, not after them.
        let (bones, (skin, sac)) = rayon::join(
            || build_structure_meshes(&vertebra_volume, &vertebrae, &params),
            || {
                let skin = build_structure_meshes(&skin_volume, &skin_spec, &params);
                let sac = sac_volume
                    .as_ref()
                    .map(|volume| build_structure_meshes(volume, &sac_spec, &params))
                    .unwrap_or_default();
                (skin, sac)
            },
        );
        fraction(0.95);

        let mut structures: Vec<(StructureMesh, Vec<u8>)> = Vec::new();
        for spec in &vertebrae {
            match bones.iter().find(|b| b.spec.name == spec.name) {
                Some(found) => structures.push((found.clone(), vec![spec.label])),
                None => self.warnings.push(format!(
                    "{} has no voxels on the mesh grid; no mesh written",
                    spec.name
                )),
            }
        }
        let body_codes: Vec<u8> = (1..=u8::MAX)
            .filter(|&c| tissue_for_code(c).is_some())
            .collect();
        let soft = [
            (SKIN_NAME, skin, body_codes),
            (DURAL_SAC_NAME, sac, DURAL_SAC_CODES.to_vec()),
        ];
        for (name, meshes, codes) in soft {
            match meshes.into_iter().next() {
                Some(found) => structures.push((found, codes)),
                None if name == SKIN_NAME => self
                    .warnings
                    .push("no body voxels on the mesh grid; no skin mesh".to_owned()),
                None if options.dural_sac => self
                    .warnings
                    .push("no dural sac voxels; no dural sac mesh".to_owned()),
                None => {}
            }
        }
        for (structure, _) in &structures {
            if !structure.decimation.reached_budget {
                self.warnings.push(format!(
                    "{}: decimation stopped at {} triangles, above the budget of {}",
                    structure.spec.name,
                    structure.mesh.triangle_count(),
                    params.max_triangles
                ));
            }
            if !structure.mesh.topology().is_closed_oriented_manifold() {
                self.warnings.push(format!(
                    "{}: the mesh is not a closed oriented manifold",
                    structure.spec.name
                ));
            }
        }
        Ok(Meshed {
            structures,
            spacing_mm: grid.spacing_mm,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn write_bundle(
        &mut self,
        fraction: &mut dyn FnMut(f32),
        out_dir: &Path,
        meshed: &Meshed,
        tissue_volume: &TissueVolume,
        anchor: &AnchorPoint,
        scanner_to_twin: DMat4,
        source: SourceDescription,
        options: &TwinBuildOptions,
    ) -> Result<String, TwinError> {
        let mut staging = Staging::create(out_dir)?;
        let mut entries = Vec::new();
        // The structures' files, then the colliders and the tissue volume.
        let file_count = meshed.structures.len() + 2;
        for (written, (structure, codes)) in meshed.structures.iter().enumerate() {
            fraction(written as f32 / file_count as f32);
            let file = format!("{}.glb", structure.spec.name);
            let path = staging.dir.join(&file);
            let bytes = mesh::glb::encode_glb(&path, std::slice::from_ref(structure))
                .map_err(|source| TwinError::Mesh { path, source })?;
            staging.write(&file, &bytes)?;
            entries.push(StructureEntry {
                name: structure.spec.name.clone(),
                level: structure.spec.level,
                tissue: structure.spec.tissue,
                codes: codes.clone(),
                file,
                triangle_count: structure.mesh.triangle_count(),
                vertex_count: structure.mesh.positions_m.len(),
                colour_rgba: structure.spec.base_colour_rgba,
            });
        }
        // Bone contact and skin entry need colliders; the dural sac is for display only.
        let collided: Vec<StructureMesh> = meshed
            .structures
            .iter()
            .map(|(s, _)| s)
            .filter(|s| s.spec.name != DURAL_SAC_NAME)
            .cloned()
            .collect();
        let colliders = ColliderSet::from_structures(&collided);
        staging.write(COLLIDER_FILE, &colliders.encode())?;
        fraction((file_count - 1) as f32 / file_count as f32);
        let tissue_path = staging.dir.join(TISSUE_FILE);
        let tissue_bytes = tissue_volume
            .encode()
            .map_err(|source| TwinError::io(&tissue_path, "compress tissue volume", source))?;
        staging.write(TISSUE_FILE, &tissue_bytes)?;

        let files = staging.sorted_files();
        let bundle_sha256 = bundle_hash(&files);
        let id = bundle_id(&bundle_sha256);
        let manifest = Manifest {
            format_version: BUNDLE_FORMAT_VERSION,
            bundle_id: id.clone(),
            source,
            units: "metres".to_owned(),
            frames: Frames {
                twin_axes: "+X patient right, +Y superior, +Z posterior; right-handed".to_owned(),
                origin: format!(
                    "skin over the L3–L4 interspace: first body-to-air change going posterior from the {} at its height, on its left–right position",
                    if anchor.from_disc_voxels {
                        "centroid of the L3–L4 disc voxels"
                    } else {
                        "mid-point of the L3 and L4 centroids"
                    }
                ),
                origin_scanner_lps_mm: anchor.lps_mm.to_array(),
                scanner_lps_mm_to_twin_m: row_major(scanner_to_twin),
            },
            structures: entries,
            colliders: ColliderEntry {
                file: COLLIDER_FILE.to_owned(),
                structures: collided.iter().map(|s| s.spec.name.clone()).collect(),
            },
            tissue_volume: TissueVolumeEntry {
                file: TISSUE_FILE.to_owned(),
                dims: tissue_volume.dims(),
                voxel_to_twin_m: row_major(tissue_volume.voxel_to_twin_m()),
                encoding: format!("NXTISSUE v{TISSUE_FORMAT_VERSION}, raw deflate, CRC-32"),
                codes: tissue_codes(),
            },
            build: BuildParameters {
                max_triangles_per_mesh: options.max_triangles,
                mesh_spacing_mm: meshed.spacing_mm,
                segmenter: options.segmenter.description(),
                builder_version: env!("CARGO_PKG_VERSION").to_owned(),
                tissue_format_version: TISSUE_FORMAT_VERSION,
            },
            files,
            bundle_sha256,
        };
        let text = manifest.to_ron().map_err(|error| {
            TwinError::manifest(staging.dir.join(crate::MANIFEST_FILE), error.to_string())
        })?;
        staging.finish(&text)?;
        Ok(id)
    }
}

/// Every code the segmentation writes, with its class, for the manifest.
fn tissue_codes() -> Vec<TissueCode> {
    (0..=u8::MAX)
        .filter_map(|code| {
            Some(TissueCode {
                code,
                name: code_name(code),
                tissue: tissue_for_code(code)?,
                level: labels::level_of_code(code),
            })
        })
        .collect()
}

/// Dice per level against reference labels on the CT's grid.
fn reference_dice(
    reference: &ReferenceLabels,
    ct_dims: [usize; 3],
    ct_voxel_to_lps_mm: DMat4,
    segment_factors: [usize; 3],
    labels: &[u8],
) -> Result<DiceReport, TwinError> {
    let (dims, voxel_to_lps_mm) = (ct_dims, ct_voxel_to_lps_mm);
    let problem = |problem: String| TwinError::Reference {
        path: reference.path.clone(),
        problem,
    };
    let (volume, _) = imaging::import_ct(&reference.path, &ImportOptions::default())
        .map_err(|error| problem(error.to_string()))?;
    if volume.dims() != dims {
        return Err(problem(format!(
            "grid {:?} differs from the CT's {dims:?}; the labels must be on the CT's grid",
            volume.dims()
        )));
    }
    let offset_mm = [
        DVec3::ZERO,
        DVec3::new(1.0, 1.0, 1.0) * dims[0].max(1) as f64,
    ]
    .map(|p| (volume.voxel_to_lps_mm(p) - voxel_to_lps_mm.transform_point3(p)).length())
    .into_iter()
    .fold(0.0, f64::max);
    if offset_mm > 0.5 {
        return Err(problem(format!(
            "its grid is placed {offset_mm:.1} mm away from the CT's; the labels must be on the CT's grid"
        )));
    }
    let name = reference
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    // On a block-averaged segmentation grid, compare with the reference merged the same way.
    let merged: Vec<f32>;
    let reference_values = if segment_factors == [1, 1, 1] {
        volume.hu()
    } else {
        if volume
            .hu()
            .iter()
            .any(|&v| !(0.0..=255.0).contains(&v.round()))
        {
            return Err(problem(
                "label values outside 0..255 cannot be merged onto the segmentation grid".into(),
            ));
        }
        let codes: Vec<u8> = volume.hu().iter().map(|&v| v.round() as u8).collect();
        let grid = majority_grid(dims, &codes, voxel_to_lps_mm, segment_factors);
        merged = grid.codes.iter().map(|&c| f32::from(c)).collect();
        &merged
    };
    let levels = segment::dice_per_level(labels, reference_values, reference.convention, &name)
        .map_err(|error| problem(error.to_string()))?;
    Ok(DiceReport {
        convention: reference.convention.name().to_owned(),
        levels: levels
            .into_iter()
            .map(|d| LevelAgreement {
                level: d.level,
                dice: d.dice,
                ours_voxels: d.ours_voxels,
                reference_voxels: d.reference_voxels,
            })
            .collect(),
    })
}
