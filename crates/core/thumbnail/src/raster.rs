//! A small z-buffered triangle rasterizer: orthographic view from behind, Lambert shading in
//! linear light, and the 2×2 box filter that turns the supersampled image into the thumbnail.

use glam::{Vec2, Vec3};
use mesh::surface::SurfaceMesh;

/// Light that reaches every surface, whatever its direction (keeps faces turned away readable).
const AMBIENT: f32 = 0.3;
/// Share of the light that comes from the lamp.
const DIFFUSE: f32 = 1.0 - AMBIENT;

/// Where the lamp is, seen from the surface: above and to the left of the viewer, who looks
/// from behind (+Z, posterior) towards the patient.
pub(crate) fn light_direction() -> Vec3 {
    Vec3::new(-0.35, 0.45, 1.0).normalize()
}

/// The orthographic camera: twin metres (+X right, +Y superior, +Z posterior) to pixels of the
/// supersampled image, posterior towards the viewer and superior up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    /// Twin point (x, y) at the image centre, metres.
    pub centre_m: Vec2,
    /// Pixels per metre.
    pub px_per_m: f32,
    /// Image size, pixels.
    pub width_px: u32,
    /// Image size, pixels.
    pub height_px: u32,
}

impl View {
    /// Fits the box `min_m..max_m` (x, y) into the image with `margin` (a share of each side)
    /// left free around it, keeping the aspect ratio.
    pub fn fit(min_m: Vec2, max_m: Vec2, width_px: u32, height_px: u32, margin: f32) -> View {
        let span_m = (max_m - min_m).max(Vec2::splat(1e-6));
        let usable = 1.0 - 2.0 * margin;
        let px_per_m =
            (width_px as f32 * usable / span_m.x).min(height_px as f32 * usable / span_m.y);
        View {
            centre_m: (min_m + max_m) * 0.5,
            px_per_m,
            width_px,
            height_px,
        }
    }

    /// Pixel coordinates (x right, y down) and depth (larger is nearer the viewer).
    fn project(&self, point_m: Vec3) -> Vec3 {
        let offset_m = point_m.truncate() - self.centre_m;
        Vec3::new(
            self.width_px as f32 * 0.5 + offset_m.x * self.px_per_m,
            self.height_px as f32 * 0.5 - offset_m.y * self.px_per_m,
            point_m.z,
        )
    }
}

/// A colour image in linear light with a depth buffer.
pub(crate) struct Canvas {
    view: View,
    colour_linear: Vec<[f32; 3]>,
    depth_m: Vec<f32>,
}

/// Twice the signed area of the triangle (a, b, p).
fn edge(a: Vec3, b: Vec3, p: Vec2) -> f32 {
    (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
}

impl Canvas {
    /// A canvas filled with `background_linear`, nothing drawn.
    pub fn new(view: View, background_linear: [f32; 3]) -> Canvas {
        let pixels = view.width_px as usize * view.height_px as usize;
        Canvas {
            view,
            colour_linear: vec![background_linear; pixels],
            depth_m: vec![f32::NEG_INFINITY; pixels],
        }
    }

    /// Draws a mesh in `albedo_linear`, lit from [`light_direction`]. Vertex normals are
    /// interpolated when the mesh has one per vertex, else each triangle's own is used; both
    /// sides of a surface are lit alike.
    pub fn draw_mesh(&mut self, mesh: &SurfaceMesh, albedo_linear: [f32; 3]) {
        let light = light_direction();
        let smooth = mesh.normals.len() == mesh.positions_m.len();
        for triangle in &mesh.triangles {
            let [Some(a), Some(b), Some(c)] = triangle.map(|i| mesh.positions_m.get(i as usize))
            else {
                continue;
            };
            let face_normal = (*b - *a).cross(*c - *a).normalize_or_zero();
            let normals = if smooth {
                triangle.map(|i| mesh.normals[i as usize])
            } else {
                [face_normal; 3]
            };
            let corners = [*a, *b, *c].map(|p| self.view.project(p));
            self.fill_triangle(corners, normals, |normal| {
                let normal = normal.normalize_or_zero();
                let facing = normal.dot(light).abs();
                let brightness = AMBIENT + DIFFUSE * facing;
                albedo_linear.map(|channel| channel * brightness)
            });
        }
    }

    fn fill_triangle(
        &mut self,
        [a, b, c]: [Vec3; 3],
        normals: [Vec3; 3],
        shade: impl Fn(Vec3) -> [f32; 3],
    ) {
        let area = edge(a, b, c.truncate());
        if area.abs() < 1e-9 {
            return;
        }
        let (width, height) = (self.view.width_px as f32, self.view.height_px as f32);
        let min = a.min(b).min(c);
        let max = a.max(b).max(c);
        if max.x < 0.0 || max.y < 0.0 || min.x >= width || min.y >= height {
            return;
        }
        // Pixel centres at +0.5: the rows and columns whose centres may lie inside.
        let first_x = (min.x - 0.5).ceil().max(0.0) as u32;
        let first_y = (min.y - 0.5).ceil().max(0.0) as u32;
        let last_x = ((max.x - 0.5).floor().min(width - 1.0)) as i64;
        let last_y = ((max.y - 0.5).floor().min(height - 1.0)) as i64;
        for y in i64::from(first_y)..=last_y {
            for x in i64::from(first_x)..=last_x {
                let centre = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                let weight_a = edge(b, c, centre) / area;
                let weight_b = edge(c, a, centre) / area;
                let weight_c = 1.0 - weight_a - weight_b;
                if weight_a < 0.0 || weight_b < 0.0 || weight_c < 0.0 {
                    continue;
                }
                let depth_m = weight_a * a.z + weight_b * b.z + weight_c * c.z;
                let index = y as usize * self.view.width_px as usize + x as usize;
                if depth_m <= self.depth_m[index] {
                    continue;
                }
                self.depth_m[index] = depth_m;
                let normal = normals[0] * weight_a + normals[1] * weight_b + normals[2] * weight_c;
                self.colour_linear[index] = shade(normal);
            }
        }
    }

    /// Averages each `factor`×`factor` block (in linear light) into one pixel of the result,
    /// `width / factor` × `height / factor` pixels, row by row from the top.
    pub fn downsample(&self, factor: u32) -> Vec<[f32; 3]> {
        let factor = factor.max(1) as usize;
        let source_width = self.view.width_px as usize;
        let (width, height) = (source_width / factor, self.view.height_px as usize / factor);
        let share = 1.0 / (factor * factor) as f32;
        let mut out = Vec::with_capacity(width * height);
        for y in 0..height {
            for x in 0..width {
                let mut sum = [0.0f32; 3];
                for dy in 0..factor {
                    let row = (y * factor + dy) * source_width;
                    for dx in 0..factor {
                        let pixel = self.colour_linear[row + x * factor + dx];
                        for (total, channel) in sum.iter_mut().zip(pixel) {
                            *total += channel;
                        }
                    }
                }
                out.push(sum.map(|total| total * share));
            }
        }
        out
    }
}
