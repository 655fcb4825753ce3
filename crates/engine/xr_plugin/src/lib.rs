//! XR.
use bevy_mod_openxr as _;
use bevy_mod_xr as _;
