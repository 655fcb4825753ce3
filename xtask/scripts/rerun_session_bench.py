#!/usr/bin/env python3
"""Logs the session benchmark's one-minute pose stream to a Rerun .rrd and prints its size.

The stream comes from `session_bench --stream-npy PATH` (crates/core/session/examples): the same
frames the Neuraxis session writer stores, as rows of little-endian f64 (layout in
docs/session-format.md). Each frame is logged the way a live recorder would log it, one
`set_time` and one `log` per entity per frame:
  head, needle/hub, needle/tip   Transform3D (translation + quaternion)
  hands/left, hands/right        Points3D (tracked joints, radii) + InstancePoses3D (rotations)
  needle                         AnyValues (plunger displacement and force, tissue, force)
  needle/input                   AnyValues (hand hub, direction, stylet, syringe), when present
Prints `rerun_bytes_per_minute: N B` (the .rrd's size for the minute).

Needs: pip install rerun-sdk numpy (a venv is fine).
Usage: rerun_session_bench.py STREAM.npy OUT.rrd
"""

import os
import sys

import numpy
import rerun as rr

JOINTS = 26
JOINT_COLUMNS = 9  # present, position (3), rotation xyzw (4), radius


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: rerun_session_bench.py STREAM.npy OUT.rrd")
    stream_path, rrd_path = sys.argv[1], sys.argv[2]
    rows = numpy.load(stream_path)
    expected_columns = 1 + 7 + 2 * JOINTS * JOINT_COLUMNS + 7 + 7 + 4 + 10
    if rows.ndim != 2 or rows.shape[1] != expected_columns:
        sys.exit(f"{stream_path}: expected rows of {expected_columns} columns, got {rows.shape}")

    rr.init("neuraxis_session_bench")
    if os.path.exists(rrd_path):
        os.remove(rrd_path)
    rr.save(rrd_path)
    for row in rows:
        log_frame(row)
    rr.disconnect()
    print(f"rerun_bytes_per_minute: {os.path.getsize(rrd_path)} B")


def transform(values):
    return rr.Transform3D(
        translation=values[0:3].astype(numpy.float32),
        quaternion=rr.Quaternion(xyzw=values[3:7].astype(numpy.float32)),
    )


def log_frame(row):
    rr.set_time("session", duration=float(row[0]))
    rr.log("head", transform(row[1:8]))
    at = 8
    for side in ("left", "right"):
        joints = row[at : at + JOINTS * JOINT_COLUMNS].reshape(JOINTS, JOINT_COLUMNS)
        at += JOINTS * JOINT_COLUMNS
        tracked = joints[joints[:, 0] > 0.5]
        rr.log(
            f"hands/{side}",
            rr.Points3D(tracked[:, 1:4].astype(numpy.float32), radii=tracked[:, 8].astype(numpy.float32)),
            rr.InstancePoses3D(quaternions=tracked[:, 4:8].astype(numpy.float32)),
        )
    rr.log("needle/hub", transform(row[at : at + 7]))
    rr.log("needle/tip", transform(row[at + 7 : at + 14]))
    at += 14
    rr.log(
        "needle",
        rr.AnyValues(
            plunger_displacement_mm=numpy.float32(row[at]),
            plunger_force_n=numpy.float32(row[at + 1]),
            tissue_code=numpy.uint8(row[at + 2]),
            applied_force_n=numpy.float32(row[at + 3]),
        ),
    )
    at += 4
    if row[at] > 0.5:
        rr.log(
            "needle/input",
            rr.AnyValues(
                hand_hub_m=row[at + 1 : at + 4].astype(numpy.float32),
                hand_direction=row[at + 4 : at + 7].astype(numpy.float32),
                stylet_in=bool(row[at + 7] > 0.5),
                syringe=numpy.uint8(row[at + 8]),
                press_0_1=numpy.float32(row[at + 9]),
            ),
        )


if __name__ == "__main__":
    main()
