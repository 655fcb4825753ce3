//! The twin's vertebrae and dural sac projected onto a view: silhouettes as closed outlines.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use anatomy::VertebraLevel;
use glam::Vec3;

use crate::error::ReportError;
use crate::svg::LinearScale;

/// What a structure is drawn as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructureKind {
    /// A vertebra (or the sacrum).
    Vertebra(VertebraLevel),
    /// The dural sac.
    DuralSac,
}

/// One triangle mesh of the twin, twin frame (metres).
#[derive(Debug, Clone, PartialEq)]
pub struct TwinStructure {
    /// What it is.
    pub kind: StructureKind,
    /// Vertex positions, metres.
    pub vertices_m: Vec<Vec3>,
    /// Vertex indices.
    pub triangles: Vec<[u32; 3]>,
}

/// The parts of a twin a report draws: its vertebrae and its dural sac.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TwinGeometry {
    /// The twin's bundle id (anonymous: a content hash).
    pub bundle_id: String,
    /// Vertebrae and dural sac.
    pub structures: Vec<TwinStructure>,
}

impl TwinGeometry {
    /// Opens and verifies the bundle in `dir` and loads its vertebra and dural sac meshes.
    pub fn load(dir: &Path) -> Result<TwinGeometry, ReportError> {
        let twin_error = |source| ReportError::Twin {
            dir: dir.to_path_buf(),
            source: Box::new(source),
        };
        let bundle = twin::TwinBundle::open(dir).map_err(twin_error)?;
        let mut structures = Vec::new();
        for entry in &bundle.manifest().structures {
            let kind = match entry.level {
                Some(level) => StructureKind::Vertebra(level),
                None if entry.name == twin::structures::DURAL_SAC_NAME => StructureKind::DuralSac,
                None => continue,
            };
            let glb = bundle.structure_mesh(&entry.name).map_err(twin_error)?;
            structures.push(TwinStructure {
                kind,
                vertices_m: glb.mesh.positions_m,
                triangles: glb.mesh.triangles,
            });
        }
        if !structures
            .iter()
            .any(|s| matches!(s.kind, StructureKind::Vertebra(_)))
        {
            return Err(ReportError::NoVertebrae {
                dir: dir.to_path_buf(),
            });
        }
        Ok(TwinGeometry {
            bundle_id: bundle.manifest().bundle_id.clone(),
            structures,
        })
    }
}

/// A view: which twin axes run across and up (0 = X, 1 = Y, 2 = Z), the pixel scales of the
/// two, and the slab of the third axis whose triangles are drawn (metres; `None`: all).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// Twin axis across the picture.
    pub across_axis: usize,
    /// Twin axis up the picture.
    pub up_axis: usize,
    /// Millimetres → pixels across.
    pub across: LinearScale,
    /// Millimetres → pixels up.
    pub up: LinearScale,
    /// Only triangles reaching into this range of the remaining axis, metres.
    pub slab_m: Option<(f32, f32)>,
}

impl Projection {
    /// Pixel position of a twin point (metres).
    pub fn px(&self, point_m: Vec3) -> (f64, f64) {
        (
            self.across
                .px(f64::from(point_m[self.across_axis]) * 1000.0),
            self.up.px(f64::from(point_m[self.up_axis]) * 1000.0),
        )
    }

    fn depth_axis(&self) -> usize {
        3 - self.across_axis - self.up_axis
    }

    /// Whether a triangle reaches into the slab.
    fn touches_slab(&self, corners_m: [Vec3; 3]) -> bool {
        self.slab_m.is_none_or(|(low, high)| {
            let values = corners_m.map(|corner| corner[self.depth_axis()]);
            let lowest = values[0].min(values[1]).min(values[2]);
            let highest = values[0].max(values[1]).max(values[2]);
            highest >= low && lowest <= high
        })
    }
}

/// A coverage grid over the picture, one cell per `cell_px` pixels.
struct Coverage {
    cells_across: usize,
    cells_up: usize,
    cell_px: f64,
    left_px: f64,
    top_px: f64,
    covered: Vec<bool>,
}

impl Coverage {
    fn new(projection: &Projection, cell_px: f64) -> Coverage {
        let (left, right) = ordered(projection.across.px_from, projection.across.px_to);
        let (top, bottom) = ordered(projection.up.px_from, projection.up.px_to);
        let cells_across = (((right - left) / cell_px).ceil() as usize).clamp(1, 4096);
        let cells_up = (((bottom - top) / cell_px).ceil() as usize).clamp(1, 4096);
        Coverage {
            cells_across,
            cells_up,
            cell_px,
            left_px: left,
            top_px: top,
            covered: vec![false; cells_across * cells_up],
        }
    }

    fn get(&self, i: i64, j: i64) -> bool {
        if i < 0 || j < 0 || i >= self.cells_across as i64 || j >= self.cells_up as i64 {
            return false;
        }
        self.covered[j as usize * self.cells_across + i as usize]
    }

    /// Marks the cells whose centre lies in the triangle (pixels).
    fn fill_triangle(&mut self, corners_px: [(f64, f64); 3]) {
        let grid = corners_px.map(|(x, y)| {
            (
                (x - self.left_px) / self.cell_px - 0.5,
                (y - self.top_px) / self.cell_px - 0.5,
            )
        });
        let [a, b, c] = grid;
        // The edges too: a triangle seen edge-on (a tube's wall looked along) still draws its
        // line, so thin walls do not fall between cell centres.
        for (from, to) in [(a, b), (b, c), (c, a)] {
            self.mark_segment(from, to);
        }
        let area = (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
        if !area.is_finite() || area.abs() < 1e-12 {
            return;
        }
        let min_x = a.0.min(b.0).min(c.0).ceil().max(0.0);
        let max_x =
            a.0.max(b.0)
                .max(c.0)
                .floor()
                .min(self.cells_across as f64 - 1.0);
        let min_y = a.1.min(b.1).min(c.1).ceil().max(0.0);
        let max_y =
            a.1.max(b.1)
                .max(c.1)
                .floor()
                .min(self.cells_up as f64 - 1.0);
        if min_x > max_x || min_y > max_y {
            return;
        }
        let edge = |p: (f64, f64), q: (f64, f64), x: f64, y: f64| {
            ((q.0 - p.0) * (y - p.1) - (q.1 - p.1) * (x - p.0)) * area.signum()
        };
        for j in min_y as usize..=max_y as usize {
            for i in min_x as usize..=max_x as usize {
                let (x, y) = (i as f64, j as f64);
                if edge(a, b, x, y) >= 0.0 && edge(b, c, x, y) >= 0.0 && edge(c, a, x, y) >= 0.0 {
                    self.covered[j * self.cells_across + i] = true;
                }
            }
        }
    }

    /// Marks the cells along a segment in cell coordinates (centres at integers).
    fn mark_segment(&mut self, from: (f64, f64), to: (f64, f64)) {
        let length = (to.0 - from.0).abs().max((to.1 - from.1).abs());
        if !length.is_finite() {
            return;
        }
        let steps = (length * 2.0).ceil().clamp(1.0, 8192.0) as usize;
        for step in 0..=steps {
            let t = step as f64 / steps as f64;
            let i = (from.0 + (to.0 - from.0) * t).round();
            let j = (from.1 + (to.1 - from.1) * t).round();
            if i >= 0.0 && j >= 0.0 && i < self.cells_across as f64 && j < self.cells_up as f64 {
                self.covered[j as usize * self.cells_across + i as usize] = true;
            }
        }
    }

    /// The boundary of the covered cells as closed loops (marching squares over the cell
    /// centres), in doubled cell units so every point is an integer pair.
    fn loops(&self) -> Vec<Vec<(i64, i64)>> {
        // Each segment joins two edge midpoints of a square of four cell centres.
        let mut segments: Vec<[(i64, i64); 2]> = Vec::new();
        for j in -1..self.cells_up as i64 {
            for i in -1..self.cells_across as i64 {
                let case = usize::from(self.get(i, j))
                    | usize::from(self.get(i + 1, j)) << 1
                    | usize::from(self.get(i + 1, j + 1)) << 2
                    | usize::from(self.get(i, j + 1)) << 3;
                let (x, y) = (2 * i, 2 * j);
                let low = (x + 1, y);
                let right = (x + 2, y + 1);
                let high = (x + 1, y + 2);
                let left = (x, y + 1);
                let pairs: &[[(i64, i64); 2]] = match case {
                    1 | 14 => &[[left, low]],
                    2 | 13 => &[[low, right]],
                    3 | 12 => &[[left, right]],
                    4 | 11 => &[[right, high]],
                    5 => &[[left, low], [right, high]],
                    6 | 9 => &[[low, high]],
                    7 | 8 => &[[left, high]],
                    10 => &[[low, right], [left, high]],
                    _ => &[],
                };
                segments.extend_from_slice(pairs);
            }
        }
        chain(&segments)
    }
}

fn ordered(a: f64, b: f64) -> (f64, f64) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Joins segments that share end points into closed loops (every point of a marching-squares
/// boundary has exactly two segments), dropping points on straight runs.
fn chain(segments: &[[(i64, i64); 2]]) -> Vec<Vec<(i64, i64)>> {
    let mut at_point: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (index, segment) in segments.iter().enumerate() {
        for point in segment {
            at_point.entry(*point).or_default().push(index);
        }
    }
    let mut used = vec![false; segments.len()];
    let mut loops = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut points = vec![segments[start][0], segments[start][1]];
        while let Some(&current) = points.last() {
            let next = at_point
                .get(&current)
                .into_iter()
                .flatten()
                .copied()
                .find(|&index| !used[index]);
            let Some(next) = next else { break };
            used[next] = true;
            let [p, q] = segments[next];
            points.push(if p == current { q } else { p });
        }
        loops.push(simplify(points));
    }
    loops
}

/// Drops points where the outline runs straight on.
fn simplify(points: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    let mut kept: Vec<(i64, i64)> = Vec::with_capacity(points.len());
    for point in points {
        if kept.len() >= 2 {
            let (a, b) = (kept[kept.len() - 2], kept[kept.len() - 1]);
            let cross = (b.0 - a.0) * (point.1 - b.1) - (b.1 - a.1) * (point.0 - b.0);
            if cross == 0 {
                kept.pop();
            }
        }
        kept.push(point);
    }
    kept
}

/// A silhouette of the structures `wanted` selects in `projection`, as an SVG path `d` of closed
/// loops (draw with `fill-rule="evenodd"`); empty when nothing is in view.
pub fn silhouette_path(
    geometry: &TwinGeometry,
    projection: &Projection,
    wanted: impl Fn(StructureKind) -> bool,
    cell_px: f64,
) -> String {
    let mut coverage = Coverage::new(projection, cell_px);
    for structure in geometry.structures.iter().filter(|s| wanted(s.kind)) {
        for triangle in &structure.triangles {
            let corners = triangle.map(|index| structure.vertices_m.get(index as usize).copied());
            let [Some(a), Some(b), Some(c)] = corners else {
                continue;
            };
            if !projection.touches_slab([a, b, c]) {
                continue;
            }
            coverage.fill_triangle([a, b, c].map(|p| projection.px(p)));
        }
    }
    let mut d = String::new();
    let half_cell = coverage.cell_px / 2.0;
    for outline in coverage.loops() {
        for (index, (x2, y2)) in outline.iter().enumerate() {
            // Doubled cell units → pixels at the cell centres.
            let x = coverage.left_px + (*x2 as f64 + 1.0) * half_cell;
            let y = coverage.top_px + (*y2 as f64 + 1.0) * half_cell;
            let command = if index == 0 { 'M' } else { 'L' };
            let _ = write!(d, "{command}{x:.1} {y:.1}");
        }
        d.push('Z');
    }
    d
}

/// Mean vertex of each vertebra, metres (for level labels).
pub fn vertebra_centres(geometry: &TwinGeometry) -> Vec<(VertebraLevel, Vec3)> {
    geometry
        .structures
        .iter()
        .filter_map(|structure| match structure.kind {
            StructureKind::Vertebra(level) if !structure.vertices_m.is_empty() => {
                let sum: Vec3 = structure.vertices_m.iter().copied().sum();
                Some((level, sum / structure.vertices_m.len() as f32))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::cuboid;

    #[test]
    fn a_box_projects_to_one_closed_rectangle_of_its_size() {
        let geometry = TwinGeometry {
            bundle_id: "twin-test".into(),
            structures: vec![cuboid(
                StructureKind::Vertebra(VertebraLevel::L3),
                Vec3::new(-0.01, -0.02, -0.06),
                Vec3::new(0.01, 0.02, -0.04),
            )],
        };
        // Y across (1 px per mm), Z up; 100 × 100 mm window.
        let projection = Projection {
            across_axis: 1,
            up_axis: 2,
            across: LinearScale::new(-50.0, 50.0, 0.0, 100.0),
            up: LinearScale::new(0.0, -100.0, 0.0, 100.0),
            slab_m: None,
        };
        let d = silhouette_path(&geometry, &projection, |_| true, 1.0);
        assert_eq!(d.matches('M').count(), 1, "one loop: {d}");
        // A rectangle keeps only its four corners (plus the closing point).
        let points: Vec<(f64, f64)> = d
            .trim_end_matches('Z')
            .split(['M', 'L'])
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (x, y) = p.split_once(' ').expect("x y");
                (x.parse().expect("x"), y.parse().expect("y"))
            })
            .collect();
        let xs = points.iter().map(|p| p.0);
        let width = xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min);
        let ys = points.iter().map(|p| p.1);
        let height = ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min);
        assert!((width - 40.0).abs() <= 1.5, "width {width} of 40 mm: {d}");
        assert!(
            (height - 20.0).abs() <= 1.5,
            "height {height} of 20 mm: {d}"
        );
        // Four chamfered corners: eight points and the closing one.
        assert!(points.len() <= 9, "{d}");
        // Outside the slab nothing is drawn.
        let away = Projection {
            slab_m: Some((0.5, 0.6)),
            ..projection
        };
        assert!(silhouette_path(&geometry, &away, |_| true, 1.0).is_empty());
    }
}
