//! What the headset's systems report to, as one system parameter: the status file's figures
//! and the CPU time they take.

use crate::status::{SystemClock, XrStatus};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

/// The status file's figures and the systems' CPU clock.
#[derive(SystemParam)]
pub(crate) struct XrReport<'w> {
    pub(crate) status: ResMut<'w, XrStatus>,
    pub(crate) clock: ResMut<'w, SystemClock>,
}
