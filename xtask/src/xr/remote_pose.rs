//! Scripted poses for Monado's "remote" driver: its 376-byte state (Monado 25, `r_remote_data`,
//! header "mndrmt3"), written over TCP 4242.

use anyhow::{Context, Result};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Size of one state on the wire.
pub const STATE_BYTES: usize = 376;
const HEADER: &[u8; 8] = b"mndrmt3\0";

/// A pose in the STAGE space: position (metres) and rotation quaternion (x, y, z, w).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    pub position_m: [f32; 3],
    pub rotation_xyzw: [f32; 4],
}

impl Pose {
    pub fn at(position_m: [f32; 3]) -> Self {
        Self {
            position_m,
            rotation_xyzw: [0.0, 0.0, 0.0, 1.0],
        }
    }
}

/// One hand: grip pose, finger curls (0 open .. 1 bent), trigger and squeeze.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hand {
    pub grip: Pose,
    /// Little, ring, middle, index, thumb (the driver's order).
    pub curl_0_1: [f32; 5],
    pub trigger_0_1: f32,
    pub squeeze_0_1: f32,
}

impl Hand {
    pub fn open(grip: Pose) -> Self {
        Self {
            grip,
            curl_0_1: [0.0; 5],
            trigger_0_1: 0.0,
            squeeze_0_1: 0.0,
        }
    }
}

/// Head and both hands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RemoteState {
    pub head: Pose,
    pub left: Hand,
    pub right: Hand,
}

fn floats(bytes: &mut Vec<u8>, values: &[f32]) {
    for value in values {
        bytes.extend_from_slice(&value.to_le_bytes());
    }
}

fn pose(bytes: &mut Vec<u8>, pose: &Pose) {
    floats(bytes, &pose.rotation_xyzw);
    floats(bytes, &pose.position_m);
}

fn hand(bytes: &mut Vec<u8>, hand: &Hand) {
    pose(bytes, &hand.grip);
    floats(bytes, &[0.0; 6]); // linear and angular velocity
    floats(bytes, &hand.curl_0_1);
    floats(bytes, &[hand.trigger_0_1, hand.squeeze_0_1, 0.0]); // squeeze force
    floats(bytes, &[0.0; 5]); // thumbstick, trackpad force, trackpad
    // hand_tracking_active, active, then 11 buttons (all released), 3 bytes of padding.
    bytes.extend_from_slice(&[1, 1]);
    bytes.extend_from_slice(&[0; 11 + 3]);
}

impl RemoteState {
    /// The wire form.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(STATE_BYTES);
        bytes.extend_from_slice(HEADER);
        for _ in 0..2 {
            // Per-view field of view and pose, unused unless flagged valid; then padding.
            floats(&mut bytes, &[-0.7, 0.7, 0.7, -0.7]);
            pose(&mut bytes, &Pose::at([0.0; 3]));
            bytes.extend_from_slice(&[0; 4]);
        }
        pose(&mut bytes, &self.head);
        bytes.extend_from_slice(&[0; 4]); // per_view_data_valid = false, padding
        hand(&mut bytes, &self.left);
        hand(&mut bytes, &self.right);
        bytes
    }
}

/// A connection to the driver.
pub struct Feeder {
    stream: TcpStream,
}

impl Feeder {
    /// Connect to 127.0.0.1:4242, retrying for up to `patience`.
    pub fn connect(patience: Duration) -> Result<Self> {
        let deadline = std::time::Instant::now() + patience;
        let stream = loop {
            match TcpStream::connect(("127.0.0.1", 4242)) {
                Ok(stream) => break stream,
                Err(error) if std::time::Instant::now() > deadline => {
                    return Err(error)
                        .context("cannot connect to Monado's remote driver on 127.0.0.1:4242");
                }
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        };
        stream.set_nodelay(true).context("remote driver socket")?;
        // On accept the driver sends its reset and latest states; read them so it does not block.
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .context("remote driver socket")?;
        let mut greeting = [0u8; 2 * STATE_BYTES];
        let mut got = 0;
        while got < greeting.len() {
            match (&stream).read(&mut greeting[got..]) {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
        }
        Ok(Self { stream })
    }

    /// Send one state.
    pub fn send(&mut self, state: &RemoteState) -> Result<()> {
        self.stream
            .write_all(&state.encode())
            .context("cannot send a pose to the remote driver")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_have_the_drivers_size_and_layout() {
        let state = RemoteState {
            head: Pose::at([0.1, 1.7, 0.2]),
            left: Hand::open(Pose::at([-0.2, 1.3, -0.5])),
            right: Hand {
                curl_0_1: [0.0, 0.0, 0.0, 1.0, 0.75],
                ..Hand::open(Pose::at([0.2, 1.3, -0.5]))
            },
        };
        let bytes = state.encode();
        assert_eq!(bytes.len(), STATE_BYTES);
        assert_eq!(&bytes[..8], HEADER);
        let f32_at = |offset: usize| {
            f32::from_le_bytes([
                bytes[offset],
                bytes[offset + 1],
                bytes[offset + 2],
                bytes[offset + 3],
            ])
        };
        // Head position after 8 + 96 + 16 bytes; the right hand starts at 8 + 128 + 120.
        assert_eq!(f32_at(8 + 96 + 16 + 4), 1.7);
        let right = 8 + 128 + 120;
        assert_eq!(f32_at(right + 16), 0.2);
        assert_eq!(f32_at(right + 52 + 12), 1.0, "index curl");
        assert_eq!(f32_at(right + 52 + 16), 0.75, "thumb curl");
        assert_eq!(bytes[right + 104], 1, "hand tracking active");
    }
}
