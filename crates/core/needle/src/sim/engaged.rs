//! The needle touching or inside the body: pivot about the entry, the coupling's push against
//! tissue resistance and friction, layers entered and punctured, redirection, withdrawal.

use anatomy::TissueClass;
use glam::DVec3;

use super::{
    AxialForces, Engagement, HapticCues, MM_PER_M, NeedleEvent, NeedleSim, Tent, TrackSegment,
};
use crate::field::{BoneField, TissueField};
use crate::params::TissueParams;

/// Shortest hub-to-entry lever used for the pivot, so a hub at the skin cannot divide by zero.
const MIN_LEVER_M: f64 = 1e-3;
/// Relative hand–needle speed above which the coupling's damping force stops growing.
const DAMPING_SPEED_CAP_M_PER_S: f64 = 0.1;

impl<T: TissueField, B: BoneField> NeedleSim<T, B> {
    /// Resistance to advancing (positive) at tip depth `depth_m`, given the current tissue state.
    fn advance_resistance_n(&self, engaged: &Engagement, depth_m: f64, speed_m_per_s: f64) -> f64 {
        let scale = self.diameter_scale();
        let friction = self.friction_n(engaged, depth_m, speed_m_per_s);
        let tip = match engaged.tent {
            Some(tent) => self
                .params
                .tissue(tent.tissue)
                .stiffness_force_n((depth_m - tent.start_m) * MM_PER_M),
            None => {
                self.params.tissue(engaged.tip_tissue()).cutting_force_n
                    * self.spec.cutting_factor
                    * scale
            }
        };
        friction + tip
    }

    /// Friction along the shaft (Coulomb with a static band, plus viscous), per tissue length.
    fn friction_n(&self, engaged: &Engagement, depth_m: f64, speed_m_per_s: f64) -> f64 {
        let speed_mm_per_s = speed_m_per_s.abs() * MM_PER_M;
        let sticking = speed_mm_per_s < self.params.numeric.stick_band_mm_per_s;
        let mut total = 0.0;
        for (index, segment) in engaged.track.iter().enumerate() {
            let end_m = engaged
                .track
                .get(index + 1)
                .map_or(depth_m, |next| next.start_m)
                .min(depth_m);
            let length_mm = (end_m - segment.start_m).max(0.0) * MM_PER_M;
            let tissue = self.params.tissue(segment.tissue);
            let coulomb = if sticking {
                tissue.friction_n_per_mm * tissue.static_friction_ratio
            } else {
                tissue.friction_n_per_mm
            };
            total += length_mm * (coulomb + tissue.viscous_n_s_per_mm2 * speed_mm_per_s);
        }
        total * self.diameter_scale()
    }

    /// Needle touching or in the body: pivot about the entry, then march along the shaft.
    pub(super) fn step_engaged(
        &mut self,
        hand_m: DVec3,
        dt_s: f64,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) {
        let Some(mut engaged) = self.engaged.take() else {
            return;
        };
        let length_m = self.length_m();
        let stiffness = self.params.coupling.stiffness_n_per_m;

        // Direction: the hand's lever about the entry point, held back by firm tissue.
        let lever = engaged.entry_m - hand_m;
        // A hand at or past the entry (the hub pressed onto the skin) cannot steer the shaft.
        let wanted = if lever.dot(self.direction) > MIN_LEVER_M {
            lever.normalize()
        } else {
            self.direction
        };
        let (firm_length_m, angular_stiffness) = self.lateral_hold(&engaged);
        let outside_m = (length_m - engaged.depth_m).max(MIN_LEVER_M);
        let hand_angular = stiffness * outside_m * outside_m;
        let firm = firm_length_m * MM_PER_M > self.params.redirect.firm_track_length_mm;
        let mut direction = if firm {
            let weight = hand_angular / (hand_angular + angular_stiffness);
            (engaged.track_direction + (wanted - engaged.track_direction) * weight).normalize()
        } else {
            wanted
        };
        let swept_tip = engaged.entry_m + direction * engaged.depth_m;
        if engaged.depth_m > 0.0
            && self
                .bone_field
                .cast_segment(self.tip_m.as_vec3(), swept_tip.as_vec3())
                .is_some()
        {
            direction = self.direction;
        }
        if !firm {
            engaged.track_direction = direction;
        }
        self.direction = direction;
        self.tip_m = engaged.entry_m + direction * engaged.depth_m;
        if engaged.depth_m > 0.0 && engaged.tent.is_none() {
            self.enter_sideways(&mut engaged, events);
        }

        // Axial: the coupling pulls the needle towards the depth the hand asks for.
        let hand_depth_m = length_m - lever.dot(direction);
        let hand_speed = engaged
            .previous_hand_depth_m
            .map_or(0.0, |previous| (hand_depth_m - previous) / dt_s);
        engaged.previous_hand_depth_m = Some(hand_depth_m);
        // The quasi-static needle can lurch a few millimetres in one step when a layer gives;
        // the damping force is capped so such a lurch does not throw the needle back.
        let damping = self.params.coupling.damping_n_s_per_m;
        let damping_cap_n = damping * DAMPING_SPEED_CAP_M_PER_S;
        let damping_n = (damping * (hand_speed - self.axial_speed_m_per_s))
            .clamp(-damping_cap_n, damping_cap_n);
        let coupling_n = |depth_m: f64| stiffness * (hand_depth_m - depth_m) + damping_n;
        let start_m = engaged.depth_m;
        let speed = self.axial_speed_m_per_s;
        let mut bone_reaction_n = 0.0;
        let push_n = coupling_n(start_m);
        let resist_n = self.advance_resistance_n(&engaged, start_m, speed);
        if push_n > resist_n {
            bone_reaction_n =
                self.advance(&mut engaged, hand_depth_m, &coupling_n, events, haptics);
        } else if push_n < -self.friction_n(&engaged, start_m, speed) {
            let friction_n = self.friction_n(&engaged, start_m, speed);
            let target_m = (hand_depth_m + (friction_n + damping_n) / stiffness).min(start_m);
            self.withdraw(&mut engaged, target_m, events);
        }
        self.axial_speed_m_per_s = (engaged.depth_m - start_m) / dt_s;
        self.confirm_redirection(&mut engaged, events);
        self.tip_m = engaged.entry_m + direction * engaged.depth_m;
        self.release_bone_if_moved_away();

        let applied_n = coupling_n(engaged.depth_m);
        let tissue_n = (applied_n - bone_reaction_n).clamp(
            -self.friction_n(&engaged, engaged.depth_m, self.axial_speed_m_per_s),
            self.advance_resistance_n(&engaged, engaged.depth_m, self.axial_speed_m_per_s),
        );
        let hub_m = self.tip_m - direction * length_m;
        let offset = hand_m - hub_m;
        let lateral = offset - direction * offset.dot(direction);
        self.forces = AxialForces {
            applied_n,
            tissue_n,
            bone_n: bone_reaction_n,
            lateral_n: stiffness * lateral.length(),
            bend_rad: wanted.angle_between(direction),
        };

        if engaged.depth_m <= 0.0 {
            if engaged.skin_punctured {
                events.push(NeedleEvent::NeedleWithdrawn);
            }
            self.csf_volume_ml = 0.0;
            self.csf_at_hub = false;
            self.syringe = None;
            self.bone_contact = None;
        } else {
            self.engaged = Some(engaged);
        }
    }

    /// A new track counts as a redirection once the needle advances along it.
    fn confirm_redirection(&mut self, engaged: &mut Engagement, events: &mut Vec<NeedleEvent>) {
        let redirect = &self.params.redirect;
        let angle_deg = engaged
            .pass_direction
            .angle_between(engaged.track_direction)
            .to_degrees();
        if !engaged.skin_punctured || angle_deg <= redirect.redirect_threshold_deg {
            engaged.turned_at_depth_m = None;
            return;
        }
        // The shallowest depth since the track turned away from the last pass.
        let turned_at_m = engaged
            .turned_at_depth_m
            .map_or(engaged.depth_m, |depth_m| depth_m.min(engaged.depth_m));
        engaged.turned_at_depth_m = Some(turned_at_m);
        if engaged.depth_m >= turned_at_m + redirect.confirm_advance_mm / MM_PER_M {
            events.push(NeedleEvent::Redirected {
                angle_deg: angle_deg as f32,
            });
            self.redirect_count += 1;
            engaged.pass_direction = engaged.track_direction;
            engaged.turned_at_depth_m = None;
        }
    }

    /// Shaft length in firm tissue and the tissue's angular stiffness about the entry point
    /// (Winkler foundation: ∫ k(r) r² dr along the inserted shaft).
    fn lateral_hold(&self, engaged: &Engagement) -> (f64, f64) {
        let mut firm_length_m = 0.0;
        let mut angular = 0.0;
        let soft = self.params.redirect.soft_lateral_stiffness_n_per_mm2;
        for (index, segment) in engaged.track.iter().enumerate() {
            let end_m = engaged
                .track
                .get(index + 1)
                .map_or(engaged.depth_m, |next| next.start_m);
            let start_m = segment.start_m.min(end_m);
            let per_mm2 = self
                .params
                .tissue(segment.tissue)
                .lateral_stiffness_n_per_mm2;
            if per_mm2 > soft {
                firm_length_m += end_m - start_m;
            }
            // N/mm per mm of shaft = 1e6 N/m per m.
            let per_m2 = per_mm2 * 1e6 * self.diameter_scale();
            angular += per_m2 * (end_m.powi(3) - start_m.powi(3)) / 3.0;
        }
        (firm_length_m, angular)
    }

    /// A sideways move put the tip in a different tissue.
    fn enter_sideways(&self, engaged: &mut Engagement, events: &mut Vec<NeedleEvent>) {
        let tissue = self.tissue_field.tissue_at(self.tip_m.as_vec3());
        if matches!(tissue, TissueClass::Air | TissueClass::Bone) || tissue == engaged.tip_tissue()
        {
            return;
        }
        if !engaged.skin_punctured {
            return;
        }
        engaged.track.push(TrackSegment {
            tissue,
            start_m: engaged.depth_m,
        });
        events.push(NeedleEvent::LayerEntered {
            tissue,
            depth_mm: (engaged.depth_m * MM_PER_M) as f32,
        });
    }

    /// Marches the tip forward until the coupling no longer beats the tissue, bone stops it,
    /// or it reaches the hand's depth. Returns the bone reaction.
    fn advance(
        &mut self,
        engaged: &mut Engagement,
        hand_depth_m: f64,
        coupling_n: &dyn Fn(f64) -> f64,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) -> f64 {
        let stiffness = self.params.coupling.stiffness_n_per_m;
        let start_m = engaged.depth_m;
        // Where the spring alone (with damping) would come to rest.
        // The hub stops at the skin: the tip cannot go deeper than the needle is long.
        let mut limit_m = start_m.max(
            (hand_depth_m + coupling_n(hand_depth_m).max(0.0) / stiffness).min(self.length_m()),
        );
        let direction = self.direction;
        let entry_m = engaged.entry_m;
        let tip_at = |depth_m: f64| entry_m + direction * depth_m;
        let mut bone = None;
        if limit_m > start_m {
            let from = tip_at(start_m);
            let to = tip_at(limit_m);
            if let Some(hit) = self.bone_field.cast_segment(from.as_vec3(), to.as_vec3()) {
                let gap_m = self.params.numeric.bone_contact_gap_mm / MM_PER_M;
                let hit_m = start_m + f64::from(hit.fraction) * (limit_m - start_m);
                limit_m = (hit_m - gap_m).max(start_m);
                bone = Some(hit);
            }
        }
        let step_m = self.params.numeric.march_step_mm / MM_PER_M;
        let speed = self.axial_speed_m_per_s;
        let mut depth_m = start_m;
        let mut stopped_by_tissue = false;
        while depth_m < limit_m {
            let next_m = (depth_m + step_m).min(limit_m);
            let surplus_here =
                coupling_n(depth_m) - self.advance_resistance_n(engaged, depth_m, speed);
            let surplus_next =
                coupling_n(next_m) - self.advance_resistance_n(engaged, next_m, speed);
            if surplus_here <= 0.0 {
                stopped_by_tissue = true;
                break;
            }
            if surplus_next < 0.0 {
                let before = (engaged.tip_tissue(), engaged.tent);
                depth_m += (next_m - depth_m) * surplus_here / (surplus_here - surplus_next);
                engaged.depth_m = depth_m;
                self.update_tissue_advancing(engaged, depth_m, events, haptics);
                if (engaged.tip_tissue(), engaged.tent) == before {
                    stopped_by_tissue = true;
                    break;
                }
                // The balance point lies past a boundary: the new layer decides.
                continue;
            }
            depth_m = next_m;
            engaged.depth_m = depth_m;
            self.update_tissue_advancing(engaged, depth_m, events, haptics);
        }
        engaged.depth_m = depth_m;
        let mut reaction_n = 0.0;
        if let Some(hit) = bone
            && !stopped_by_tissue
            && depth_m >= limit_m
        {
            let resist = self.advance_resistance_n(engaged, depth_m, speed);
            reaction_n = (coupling_n(depth_m) - resist).max(0.0);
            self.tip_m = tip_at(depth_m);
            self.touch_bone(hit.level, hit.point_m.as_dvec3(), depth_m, events, haptics);
        }
        reaction_n
    }

    /// What the tip finds at `depth_m` while advancing: tenting, puncture, a new layer.
    fn update_tissue_advancing(
        &mut self,
        engaged: &mut Engagement,
        depth_m: f64,
        events: &mut Vec<NeedleEvent>,
        haptics: &mut HapticCues,
    ) {
        let tip = engaged.entry_m + self.direction * depth_m;
        let found = self.tissue_field.tissue_at(tip.as_vec3());
        let depth_mm = (depth_m * MM_PER_M) as f32;
        if let Some(tent) = engaged.tent {
            let layer = self.params.tissue(tent.tissue);
            let stiffness_n = layer.stiffness_force_n((depth_m - tent.start_m) * MM_PER_M);
            let threshold_n =
                layer.puncture_force_n * self.spec.puncture_factor * self.diameter_scale();
            if stiffness_n < threshold_n {
                return;
            }
            engaged.tent = None;
            let now_in = match found {
                TissueClass::Air | TissueClass::Bone => tent.tissue,
                other => other,
            };
            let cutting_n = self.params.tissue(now_in).cutting_force_n
                * self.spec.cutting_factor
                * self.diameter_scale();
            let drop_n = (stiffness_n - cutting_n).max(0.0);
            if tent.tissue == TissueClass::Skin && !engaged.skin_punctured {
                engaged.skin_punctured = true;
                engaged.pass_direction = self.direction;
                engaged.track_direction = self.direction;
                events.push(NeedleEvent::SkinPunctured {
                    point_m: engaged.entry_m.as_vec3(),
                });
            }
            events.push(NeedleEvent::MembranePunctured {
                tissue: tent.tissue,
                depth_mm,
                force_drop_n: drop_n as f32,
            });
            if tent.tissue == TissueClass::Dura {
                engaged.dura_punctured = true;
                events.push(NeedleEvent::DuraPunctured { depth_mm });
            }
            haptics.pop_0_1 = haptics.pop_0_1.max((drop_n / 2.0).clamp(0.0, 1.0) as f32);
            engaged.track.push(TrackSegment {
                tissue: tent.tissue,
                start_m: tent.start_m,
            });
            events.push(NeedleEvent::LayerEntered {
                tissue: tent.tissue,
                depth_mm: (tent.start_m * MM_PER_M) as f32,
            });
            if now_in != tent.tissue {
                self.enter_layer(engaged, now_in, depth_m, events);
            }
            return;
        }
        if matches!(found, TissueClass::Air | TissueClass::Bone) || found == engaged.tip_tissue() {
            return;
        }
        let layer: TissueParams = self.params.tissue(found);
        if layer.puncture_force_n > 0.0 {
            // The body's surface is at depth 0 exactly (found by bisection before engaging).
            let start_m = if engaged.track.is_empty() {
                0.0
            } else {
                depth_m
            };
            engaged.tent = Some(Tent {
                tissue: found,
                start_m,
            });
            if found == TissueClass::CaudaEquina {
                self.touch_root(engaged, depth_mm, events);
            }
        } else {
            self.enter_layer(engaged, found, depth_m, events);
        }
    }

    fn enter_layer(
        &self,
        engaged: &mut Engagement,
        tissue: TissueClass,
        depth_m: f64,
        events: &mut Vec<NeedleEvent>,
    ) {
        let depth_mm = (depth_m * MM_PER_M) as f32;
        if !engaged.skin_punctured {
            // A body whose surface is not skin (a cut model): entering it is the entry.
            engaged.skin_punctured = true;
            events.push(NeedleEvent::SkinPunctured {
                point_m: engaged.entry_m.as_vec3(),
            });
        }
        engaged.track.push(TrackSegment {
            tissue,
            start_m: depth_m,
        });
        events.push(NeedleEvent::LayerEntered { tissue, depth_mm });
        if tissue == TissueClass::CaudaEquina {
            self.touch_root(engaged, depth_mm, events);
        } else {
            engaged.touching_root = false;
        }
    }

    fn touch_root(&self, engaged: &mut Engagement, depth_mm: f32, events: &mut Vec<NeedleEvent>) {
        if !engaged.touching_root {
            engaged.touching_root = true;
            events.push(NeedleEvent::Paresthesia { depth_mm });
        }
    }

    /// Pulls the tip back to `target_m` (friction only resists), popping the track behind it.
    fn withdraw(&mut self, engaged: &mut Engagement, target_m: f64, events: &mut Vec<NeedleEvent>) {
        let before = engaged.tip_tissue();
        engaged.depth_m = target_m;
        if engaged.tent.is_some_and(|tent| target_m <= tent.start_m) {
            if engaged
                .tent
                .is_some_and(|tent| tent.tissue == TissueClass::CaudaEquina)
            {
                engaged.touching_root = false;
            }
            engaged.tent = None;
        }
        while engaged
            .track
            .last()
            .is_some_and(|segment| segment.start_m >= target_m)
        {
            engaged.track.pop();
        }
        let after = engaged.tip_tissue();
        if after != before && target_m > 0.0 {
            events.push(NeedleEvent::LayerEntered {
                tissue: after,
                depth_mm: (target_m * MM_PER_M) as f32,
            });
            if after != TissueClass::CaudaEquina {
                engaged.touching_root = false;
            }
        }
    }
}
