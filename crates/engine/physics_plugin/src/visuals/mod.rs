//! The needle drawn where the model says it is: shaft, depth marks, hub coloured by gauge, bevel
//! marker, stylet cap, loss-of-resistance syringe and CSF at the hub.
//!
//! Every mesh and material is built once at start-up ([`spawn`], one function per part); each
//! frame only transforms and visibilities change ([`place`]). The hub's parts hang under one
//! [`NeedleHubFrame`] whose local −Z runs down the shaft towards the tip and whose local +Y is
//! the side the bevel faces, so turning the bevel turns the marker with it. What the parts are
//! and measure is [`look`].

pub(crate) mod look;
mod place;
mod spawn;

pub(crate) use place::place_needle;
pub(crate) use spawn::spawn_needle;
