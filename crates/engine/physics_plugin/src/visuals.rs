//! The needle drawn where the model says it is: shaft, depth marks, hub coloured by gauge, bevel
//! marker, stylet cap, loss-of-resistance syringe and CSF at the hub.
//!
//! Every mesh and material is built once at start-up; each frame only transforms and
//! visibilities change. The hub's parts hang under one [`NeedleHubFrame`] whose local −Z runs
//! down the shaft towards the tip and whose local +Y is the side the bevel faces, so turning
//! the bevel turns the marker with it.

use crate::{NeedleHandInput, NeedleParams, NeedleReadout};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use needle::{LorFluid, ModelParams, NeedleKind, NeedleSpec, NeedleState};
use stage_plugin::TwinAnchor;

/// The needle's shaft; its transform spans hub to tip in the twin frame.
#[derive(Component, Debug)]
pub struct NeedleShaft;

/// The hub and everything fixed to it; origin where the shaft leaves the hub, local −Z towards
/// the tip, local +Y the side the bevel faces.
#[derive(Component, Debug)]
pub struct NeedleHubFrame;

/// A hub body, drawn in its needle's ISO 6009 colour; only the needle in the hand shows.
#[derive(Component, Debug)]
pub struct NeedleHub {
    /// The needle this hub belongs to.
    pub needle: NeedleKind,
}

/// The fin on the hub on the side the bevel (or a pencil point's side hole) faces.
#[derive(Component, Debug)]
pub struct BevelMarker;

/// A depth mark on the shaft, `index` × the needle's mark spacing from the tip.
#[derive(Component, Debug)]
pub struct DepthMark {
    /// 1 for the mark nearest the tip.
    pub index: u32,
}

/// The stylet's cap on the hub, shown while the stylet is in.
#[derive(Component, Debug)]
pub struct StyletCap;

/// The loss-of-resistance syringe (barrel and nozzle), shown with the stylet out and a syringe on.
#[derive(Component, Debug)]
pub struct LorSyringe;

/// The syringe's plunger (stopper, rod and thumb pad); it slides with the model's plunger travel.
#[derive(Component, Debug)]
pub struct SyringePlunger;

/// The saline left in the barrel (air is not drawn).
#[derive(Component, Debug)]
pub struct SyringeSaline;

/// A drop of CSF welling at the open hub after a dural puncture.
#[derive(Component, Debug)]
pub struct CsfDrop;

/// Drawn thicker than a real 18G–25G shaft (0.5–1.3 mm) so it stays visible on a monitor.
const SHAFT_RADIUS_M: f32 = 0.0012;
/// Bands stand just proud of the drawn shaft so they are not hidden inside it.
const DEPTH_MARK_RADIUS_M: f32 = SHAFT_RADIUS_M * 1.15;
/// Wide enough to read at arm's length on a monitor (real printed bands are about 1 mm).
const DEPTH_MARK_WIDTH_M: f32 = 0.0015;
const HUB_RADIUS_M: f32 = 0.0055;
const HUB_LENGTH_M: f32 = 0.018;
const BEVEL_FIN_SIZE_M: Vec3 = Vec3::new(0.0018, 0.005, 0.012);
const STYLET_CAP_RADIUS_M: f32 = 0.0045;
const STYLET_CAP_LENGTH_M: f32 = 0.006;
const NOZZLE_RADIUS_M: f32 = 0.002;
const NOZZLE_LENGTH_M: f32 = 0.008;
const BARREL_WALL_M: f32 = 0.001;
/// Barrel beyond the fill, so a full syringe's plunger still sits inside it.
const BARREL_HEADROOM_M: f32 = 0.012;
const STOPPER_LENGTH_M: f32 = 0.004;
const PLUNGER_ROD_RADIUS_M: f32 = 0.002;
const THUMB_PAD_LENGTH_M: f32 = 0.002;
const CSF_DROP_RADIUS_M: f32 = 0.0018;
/// A drop swells and falls away in this time, then the next wells up.
const CSF_DROP_PERIOD_S: f64 = 1.5;

/// Nominal gauge of each needle.
pub fn gauge(needle: NeedleKind) -> u8 {
    match needle {
        NeedleKind::Tuohy18G => 18,
        NeedleKind::Quincke22G => 22,
        NeedleKind::Quincke25G | NeedleKind::Whitacre25G => 25,
    }
}

/// Hub colour of a needle by its gauge, after the colour code of ISO 6009:2016 ("Hypodermic
/// needles for single use — Colour coding for identification"): 18G pink, 22G black, 25G orange.
/// Gauges outside the code get a neutral grey.
pub fn iso6009_hub_colour(gauge: u8) -> Color {
    match gauge {
        18 => Color::srgb(0.95, 0.55, 0.68),
        22 => Color::srgb(0.05, 0.05, 0.06),
        25 => Color::srgb(0.96, 0.5, 0.08),
        _ => Color::srgb(0.6, 0.6, 0.6),
    }
}

/// Depth marks a needle carries: one every mark spacing from the tip, none without a spacing.
pub fn depth_mark_count(spec: &NeedleSpec) -> u32 {
    match spec.depth_mark_spacing_mm {
        Some(spacing_mm) if spacing_mm > 0.0 && spec.length_mm.is_finite() => {
            (spec.length_mm / spacing_mm).floor().max(0.0) as u32
        }
        _ => 0,
    }
}

/// The side the bevel faces for a needle pointing along `direction`, rolled `roll_deg` about the
/// shaft. At zero roll it faces the head (twin +Y, the usual cephalad bevel of an epidural);
/// positive roll turns it clockwise as seen looking down the shaft from the hub to the tip.
pub fn bevel_facing(direction: Vec3, roll_deg: f32) -> Option<Vec3> {
    let along = direction.try_normalize()?;
    let reference = [Vec3::Y, Vec3::X]
        .into_iter()
        .find_map(|axis| (axis - along * along.dot(axis)).try_normalize())?;
    let roll_rad = if roll_deg.is_finite() {
        roll_deg.to_radians()
    } else {
        0.0
    };
    Some(Quat::from_axis_angle(along, roll_rad) * reference)
}

/// The syringe is on the hub: the stylet is out and the model has a syringe.
pub fn syringe_shown(state: &NeedleState) -> bool {
    !state.stylet_in && state.plunger.fluid.is_some()
}

/// The syringe's bore, from the model's plunger area and fill.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SyringeGeometry {
    bore_radius_m: f32,
    fill_length_m: f32,
}

impl SyringeGeometry {
    fn from_params(params: &ModelParams) -> Self {
        let area_mm2 = params.syringe.plunger_area_mm2.max(1.0);
        let fill_length_mm = params.syringe.fill_volume_ml.max(0.0) * 1000.0 / area_mm2;
        Self {
            bore_radius_m: ((area_mm2 / std::f64::consts::PI).sqrt() / 1000.0) as f32,
            fill_length_m: (fill_length_mm / 1000.0) as f32,
        }
    }

    /// Where the barrel's bore starts, along the hub frame's +Z.
    fn bore_start_m(&self) -> f32 {
        HUB_LENGTH_M + NOZZLE_LENGTH_M
    }

    fn barrel_length_m(&self) -> f32 {
        self.fill_length_m + BARREL_HEADROOM_M
    }

    /// The stopper's front face, along +Z, for a plunger `travel_mm` in from rest.
    fn stopper_front_m(&self, travel_mm: f32) -> f32 {
        let travel_m = if travel_mm.is_finite() {
            (travel_mm / 1000.0).clamp(0.0, self.fill_length_m)
        } else {
            0.0
        };
        self.bore_start_m() + self.fill_length_m - travel_m
    }
}

/// Sizes the per-frame update needs (the syringe's drawn bore).
#[derive(Resource, Debug, Clone)]
pub(crate) struct NeedleLook {
    syringe: SyringeGeometry,
}

#[derive(Clone)]
struct Parts {
    shaft: Handle<StandardMaterial>,
    dark: Handle<StandardMaterial>,
    white: Handle<StandardMaterial>,
    clear: Handle<StandardMaterial>,
    saline: Handle<StandardMaterial>,
    rubber: Handle<StandardMaterial>,
    csf: Handle<StandardMaterial>,
}

fn plastic(color: Color) -> StandardMaterial {
    StandardMaterial {
        base_color: color,
        perceptual_roughness: 0.5,
        ..default()
    }
}

fn see_through(color: Color) -> StandardMaterial {
    StandardMaterial {
        base_color: color,
        alpha_mode: AlphaMode::Blend,
        perceptual_roughness: 0.15,
        ..default()
    }
}

/// A cylinder mesh lying along Z (Bevy's cylinders stand along Y).
fn along_z(translation_m: Vec3) -> Transform {
    Transform::from_translation(translation_m)
        .with_rotation(Quat::from_rotation_x(std::f32::consts::FRAC_PI_2))
}

pub(crate) fn spawn_needle(
    mut commands: Commands,
    anchors: Query<Entity, With<TwinAnchor>>,
    params: Res<NeedleParams>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(anchor) = anchors.iter().next() else {
        warn!("no twin anchor: the needle is not drawn");
        return;
    };
    let syringe = SyringeGeometry::from_params(&params.0);
    commands.insert_resource(NeedleLook { syringe });
    let parts = Parts {
        shaft: materials.add(StandardMaterial {
            base_color: Color::srgb(0.85, 0.87, 0.9),
            metallic: 0.9,
            perceptual_roughness: 0.25,
            ..default()
        }),
        dark: materials.add(plastic(Color::srgb(0.04, 0.04, 0.05))),
        white: materials.add(plastic(Color::srgb(0.96, 0.96, 0.94))),
        clear: materials.add(see_through(Color::srgba(0.85, 0.92, 0.97, 0.3))),
        saline: materials.add(see_through(Color::srgba(0.55, 0.75, 0.95, 0.45))),
        rubber: materials.add(plastic(Color::srgb(0.2, 0.2, 0.22))),
        csf: materials.add(see_through(Color::srgba(0.8, 0.9, 1.0, 0.7))),
    };
    commands.spawn((
        Name::new("Needle shaft"),
        NeedleShaft,
        ChildOf(anchor),
        Mesh3d(meshes.add(Cylinder::new(SHAFT_RADIUS_M, 1.0))),
        MeshMaterial3d(parts.shaft.clone()),
        Transform::default(),
        Visibility::Hidden,
    ));
    let frame = commands
        .spawn((
            Name::new("Needle hub frame"),
            NeedleHubFrame,
            ChildOf(anchor),
            Transform::default(),
            Visibility::Hidden,
        ))
        .id();

    let hub_mesh = meshes.add(Cylinder::new(HUB_RADIUS_M, HUB_LENGTH_M));
    for needle in NeedleKind::ALL {
        commands.spawn((
            Name::new(format!("Needle hub {needle:?}")),
            NeedleHub { needle },
            ChildOf(frame),
            Mesh3d(hub_mesh.clone()),
            MeshMaterial3d(materials.add(plastic(iso6009_hub_colour(gauge(needle))))),
            along_z(Vec3::Z * HUB_LENGTH_M / 2.0),
            Visibility::Hidden,
        ));
    }
    commands.spawn((
        Name::new("Bevel marker"),
        BevelMarker,
        ChildOf(frame),
        Mesh3d(meshes.add(Cuboid::from_size(BEVEL_FIN_SIZE_M))),
        MeshMaterial3d(parts.white.clone()),
        Transform::from_xyz(
            0.0,
            HUB_RADIUS_M + BEVEL_FIN_SIZE_M.y / 2.0 - 0.0005,
            BEVEL_FIN_SIZE_M.z / 2.0,
        ),
        Visibility::Inherited,
    ));

    // Enough bands for the most marked needle; the rest stay hidden for shorter ones.
    let most_marks = params
        .0
        .needles
        .iter()
        .map(depth_mark_count)
        .max()
        .unwrap_or(0);
    let mark_mesh = meshes.add(Cylinder::new(DEPTH_MARK_RADIUS_M, DEPTH_MARK_WIDTH_M));
    for index in 1..=most_marks {
        commands.spawn((
            Name::new(format!("Depth mark {index}")),
            DepthMark { index },
            ChildOf(frame),
            Mesh3d(mark_mesh.clone()),
            MeshMaterial3d(parts.dark.clone()),
            along_z(Vec3::ZERO),
            Visibility::Hidden,
        ));
    }

    commands.spawn((
        Name::new("Stylet cap"),
        StyletCap,
        ChildOf(frame),
        Mesh3d(meshes.add(Cylinder::new(STYLET_CAP_RADIUS_M, STYLET_CAP_LENGTH_M))),
        MeshMaterial3d(parts.white.clone()),
        along_z(Vec3::Z * (HUB_LENGTH_M + STYLET_CAP_LENGTH_M / 2.0)),
        Visibility::Hidden,
    ));
    spawn_syringe(&mut commands, frame, &syringe, &parts, &mut meshes);
    commands.spawn((
        Name::new("CSF drop"),
        CsfDrop,
        ChildOf(frame),
        Mesh3d(meshes.add(Sphere::new(CSF_DROP_RADIUS_M))),
        MeshMaterial3d(parts.csf.clone()),
        Transform::from_translation(Vec3::Z * HUB_LENGTH_M),
        Visibility::Hidden,
    ));
}

fn spawn_syringe(
    commands: &mut Commands,
    frame: Entity,
    syringe: &SyringeGeometry,
    parts: &Parts,
    meshes: &mut Assets<Mesh>,
) {
    let barrel_length_m = syringe.barrel_length_m();
    let bore_start_m = syringe.bore_start_m();
    let outer_radius_m = syringe.bore_radius_m + BARREL_WALL_M;
    let body = commands
        .spawn((
            Name::new("Loss-of-resistance syringe"),
            LorSyringe,
            ChildOf(frame),
            Transform::default(),
            Visibility::Hidden,
        ))
        .id();
    commands.spawn((
        Name::new("Syringe nozzle"),
        ChildOf(body),
        Mesh3d(meshes.add(Cylinder::new(NOZZLE_RADIUS_M, NOZZLE_LENGTH_M))),
        MeshMaterial3d(parts.clear.clone()),
        along_z(Vec3::Z * (HUB_LENGTH_M + NOZZLE_LENGTH_M / 2.0)),
    ));
    commands.spawn((
        Name::new("Syringe barrel"),
        ChildOf(body),
        Mesh3d(meshes.add(Cylinder::new(outer_radius_m, barrel_length_m))),
        MeshMaterial3d(parts.clear.clone()),
        along_z(Vec3::Z * (bore_start_m + barrel_length_m / 2.0)),
    ));
    commands.spawn((
        Name::new("Syringe flange"),
        ChildOf(body),
        Mesh3d(meshes.add(Cuboid::new(
            outer_radius_m * 3.6,
            outer_radius_m * 1.2,
            THUMB_PAD_LENGTH_M,
        ))),
        MeshMaterial3d(parts.clear.clone()),
        Transform::from_translation(Vec3::Z * (bore_start_m + barrel_length_m)),
    ));
    // A unit-length column scaled each frame to the saline left in the barrel.
    commands.spawn((
        Name::new("Syringe saline"),
        SyringeSaline,
        ChildOf(body),
        Mesh3d(meshes.add(Cylinder::new(syringe.bore_radius_m * 0.97, 1.0))),
        MeshMaterial3d(parts.saline.clone()),
        along_z(Vec3::Z * bore_start_m),
        Visibility::Hidden,
    ));
    // The plunger's origin is the stopper's front face.
    let rod_length_m = barrel_length_m + 0.01;
    let plunger = commands
        .spawn((
            Name::new("Syringe plunger"),
            SyringePlunger,
            ChildOf(body),
            Transform::from_translation(Vec3::Z * syringe.stopper_front_m(0.0)),
            Visibility::Inherited,
        ))
        .id();
    commands.spawn((
        Name::new("Plunger stopper"),
        ChildOf(plunger),
        Mesh3d(meshes.add(Cylinder::new(syringe.bore_radius_m, STOPPER_LENGTH_M))),
        MeshMaterial3d(parts.rubber.clone()),
        along_z(Vec3::Z * STOPPER_LENGTH_M / 2.0),
    ));
    commands.spawn((
        Name::new("Plunger rod"),
        ChildOf(plunger),
        Mesh3d(meshes.add(Cuboid::new(
            PLUNGER_ROD_RADIUS_M * 2.0,
            syringe.bore_radius_m * 1.4,
            rod_length_m,
        ))),
        MeshMaterial3d(parts.white.clone()),
        Transform::from_translation(Vec3::Z * (STOPPER_LENGTH_M + rod_length_m / 2.0)),
    ));
    commands.spawn((
        Name::new("Plunger thumb pad"),
        ChildOf(plunger),
        Mesh3d(meshes.add(Cylinder::new(outer_radius_m, THUMB_PAD_LENGTH_M))),
        MeshMaterial3d(parts.white.clone()),
        along_z(Vec3::Z * (STOPPER_LENGTH_M + rod_length_m + THUMB_PAD_LENGTH_M / 2.0)),
    ));
}

/// The shaft's transform: a unit cylinder along Y stretched from hub to tip.
pub fn shaft_transform(hub_m: Vec3, tip_m: Vec3) -> Option<Transform> {
    let along = tip_m - hub_m;
    let length_m = along.length();
    if !length_m.is_finite() || length_m < 1e-6 {
        return None;
    }
    Some(Transform {
        translation: (hub_m + tip_m) / 2.0,
        rotation: Quat::from_rotation_arc(Vec3::Y, along / length_m),
        scale: Vec3::new(1.0, length_m, 1.0),
    })
}

/// The hub frame: at the hub, −Z down the shaft, +Y towards the bevel.
pub fn hub_frame_transform(hub_m: Vec3, tip_m: Vec3, roll_deg: f32) -> Option<Transform> {
    let along = (tip_m - hub_m).try_normalize()?;
    let facing = bevel_facing(along, roll_deg)?;
    Some(Transform::from_translation(hub_m).looking_to(along, facing))
}

fn shown(yes: bool) -> Visibility {
    if yes {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    }
}

type ShaftQuery<'w, 's> = Query<
    'w,
    's,
    (&'static mut Transform, &'static mut Visibility),
    (With<NeedleShaft>, Without<NeedleHubFrame>),
>;
type FrameQuery<'w, 's> = Query<
    'w,
    's,
    (&'static mut Transform, &'static mut Visibility),
    (With<NeedleHubFrame>, Without<NeedleShaft>),
>;
type HubQuery<'w, 's> = Query<
    'w,
    's,
    (&'static NeedleHub, &'static mut Visibility),
    (
        Without<NeedleShaft>,
        Without<NeedleHubFrame>,
        Without<DepthMark>,
    ),
>;
type MarkQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static DepthMark,
        &'static mut Transform,
        &'static mut Visibility,
    ),
    (
        Without<NeedleShaft>,
        Without<NeedleHubFrame>,
        Without<NeedleHub>,
    ),
>;
/// Parts shown or hidden by the model's state: stylet cap, syringe, CSF drop, saline.
type ToggleQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static mut Visibility,
        Has<StyletCap>,
        Has<LorSyringe>,
        Has<CsfDrop>,
    ),
    (
        Or<(
            With<StyletCap>,
            With<LorSyringe>,
            With<CsfDrop>,
            With<SyringeSaline>,
        )>,
        Without<NeedleHub>,
        Without<DepthMark>,
        Without<NeedleShaft>,
        Without<NeedleHubFrame>,
    ),
>;
/// Parts moved by the model's state: plunger, saline column, CSF drop.
type MoverQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static mut Transform,
        Has<SyringePlunger>,
        Has<SyringeSaline>,
    ),
    (
        Or<(With<SyringePlunger>, With<SyringeSaline>, With<CsfDrop>)>,
        Without<NeedleShaft>,
        Without<NeedleHubFrame>,
        Without<DepthMark>,
    ),
>;

/// What the needle's look is read from: the model's state, the needle specs, the hand's roll.
#[derive(SystemParam)]
pub(crate) struct LookSource<'w> {
    readout: Res<'w, NeedleReadout>,
    params: Res<'w, NeedleParams>,
    look: Option<Res<'w, NeedleLook>>,
    input: Option<Res<'w, NeedleHandInput>>,
}

pub(crate) fn place_needle(
    source: LookSource,
    mut shafts: ShaftQuery,
    mut frames: FrameQuery,
    mut hubs: HubQuery,
    mut marks: MarkQuery,
    mut toggles: ToggleQuery,
    mut movers: MoverQuery,
) {
    let Some(state) = &source.readout.state else {
        return;
    };
    let roll_deg = source.input.map_or(0.0, |input| input.bevel_roll_deg);
    let (Some(shaft_pose), Some(frame_pose)) = (
        shaft_transform(state.hub_m, state.tip_m),
        hub_frame_transform(state.hub_m, state.tip_m, roll_deg),
    ) else {
        return;
    };
    for (mut transform, mut visibility) in &mut shafts {
        *transform = shaft_pose;
        *visibility = Visibility::Inherited;
    }
    for (mut transform, mut visibility) in &mut frames {
        *transform = frame_pose;
        *visibility = Visibility::Inherited;
    }
    for (hub, mut visibility) in &mut hubs {
        visibility.set_if_neq(shown(hub.needle == state.needle));
    }

    let spec = source.params.0.needle(state.needle);
    let mark_count = spec.map_or(0, depth_mark_count);
    let spacing_m = spec
        .and_then(|spec| spec.depth_mark_spacing_mm)
        .unwrap_or(0.0) as f32
        / 1000.0;
    let shaft_length_m = state.hub_m.distance(state.tip_m);
    for (mark, mut transform, mut visibility) in &mut marks {
        let from_tip_m = mark.index as f32 * spacing_m;
        let on = mark.index <= mark_count && from_tip_m <= shaft_length_m;
        visibility.set_if_neq(shown(on));
        if on {
            transform.translation = Vec3::NEG_Z * (shaft_length_m - from_tip_m);
        }
    }

    let with_syringe = syringe_shown(state);
    let saline = with_syringe && state.plunger.fluid == Some(LorFluid::Saline);
    for (mut visibility, stylet_cap, syringe, csf_drop) in &mut toggles {
        let on = if stylet_cap {
            state.stylet_in
        } else if syringe {
            with_syringe
        } else if csf_drop {
            state.csf_at_hub && !state.stylet_in && !with_syringe
        } else {
            saline
        };
        visibility.set_if_neq(shown(on));
    }

    let Some(look) = source.look else { return };
    let travel_mm = state.plunger.displacement_mm;
    let stopper_front_m = look.syringe.stopper_front_m(travel_mm);
    let saline_length_m = (stopper_front_m - look.syringe.bore_start_m()).max(1e-5);
    for (mut transform, plunger, saline_column) in &mut movers {
        if plunger {
            transform.translation = Vec3::Z * stopper_front_m;
        } else if saline_column {
            transform.translation = Vec3::Z * (look.syringe.bore_start_m() + saline_length_m / 2.0);
            transform.scale = Vec3::new(1.0, saline_length_m, 1.0);
        } else {
            // The drop swells on the hub's rim, then starts again: CSF dripping at the hub.
            let swell = ((state.time_s / CSF_DROP_PERIOD_S).fract() as f32).max(0.2);
            transform.scale = Vec3::splat(swell);
            transform.translation = Vec3::Z * (HUB_LENGTH_M + CSF_DROP_RADIUS_M * swell * 0.6);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(length_mm: f64, depth_mark_spacing_mm: Option<f64>) -> NeedleSpec {
        NeedleSpec {
            kind: NeedleKind::Tuohy18G,
            length_mm,
            outer_diameter_mm: 1.27,
            inner_diameter_mm: 0.84,
            tip: needle::TipShape::Tuohy,
            depth_mark_spacing_mm,
            cutting_factor: 1.0,
            puncture_factor: 1.0,
        }
    }

    #[test]
    fn marks_are_whole_spacings_along_the_length_and_bad_specs_give_none() {
        assert_eq!(depth_mark_count(&spec(80.0, Some(10.0))), 8);
        assert_eq!(depth_mark_count(&spec(89.0, Some(10.0))), 8);
        assert_eq!(depth_mark_count(&spec(150.0, Some(10.0))), 15);
        assert_eq!(depth_mark_count(&spec(90.0, None)), 0);
        assert_eq!(depth_mark_count(&spec(90.0, Some(0.0))), 0);
        assert_eq!(depth_mark_count(&spec(f64::NAN, Some(10.0))), 0);
    }

    #[test]
    fn the_bevel_faces_across_the_shaft_even_for_a_needle_along_the_body() {
        let along_spine = bevel_facing(Vec3::Y, 0.0).expect("a facing");
        assert!(along_spine.dot(Vec3::Y).abs() < 1e-6 && (along_spine.length() - 1.0).abs() < 1e-6);
        assert_eq!(bevel_facing(Vec3::ZERO, 0.0), None);
        assert_eq!(bevel_facing(Vec3::NAN, 0.0), None);
        assert_eq!(
            bevel_facing(Vec3::NEG_Z, f32::NAN),
            bevel_facing(Vec3::NEG_Z, 0.0)
        );
        let tilted = Vec3::new(0.0, 0.5, -1.0).normalize();
        let facing = bevel_facing(tilted, 0.0).expect("a facing");
        assert!(facing.dot(tilted).abs() < 1e-6 && facing.y > 0.8);
    }

    #[test]
    fn the_stopper_stays_inside_the_barrel_whatever_the_travel() {
        let params = ModelParams::bundled().expect("bundled parameters");
        let syringe = SyringeGeometry::from_params(&params);
        let rest_m = syringe.stopper_front_m(0.0);
        assert!((rest_m - syringe.bore_start_m() - syringe.fill_length_m).abs() < 1e-7);
        assert!((syringe.stopper_front_m(10.0) - (rest_m - 0.01)).abs() < 1e-6);
        assert!((syringe.stopper_front_m(1e6) - syringe.bore_start_m()).abs() < 1e-6);
        assert_eq!(syringe.stopper_front_m(-5.0), rest_m);
        assert_eq!(syringe.stopper_front_m(f32::NAN), rest_m);
        // 5 mL over 177 mm²: a 28 mm column and a 15 mm-diameter bore.
        assert!((syringe.fill_length_m * 1000.0 - 28.25).abs() < 0.05);
        assert!((syringe.bore_radius_m * 2000.0 - 15.01).abs() < 0.05);
    }
}
