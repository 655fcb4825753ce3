#!/usr/bin/env python3
"""Times VTK's isosurface of every vertebra label of the reference TotalSegmentator volume.

Compares with `bench mesh_isosurface_s` of crates/core/mesh/examples/mesh_bench.rs (same file,
same labels). Prints `vtk_isosurface_s: X` (vtkDiscreteFlyingEdges3D, the headline: one
marching pass per label like ours, no smoothing) and, for reference, `vtk_surface_nets_s: X`
(vtkSurfaceNets3D, all labels at once, its built-in smoothing turned off). Median of repeats.

Needs: pip install vtk nibabel numpy (a venv is fine).
Usage: vtk_isosurface_bench.py [labels.nii.gz]
"""

import sys
import time
from pathlib import Path

import nibabel
import numpy
import vtk
from vtk.util import numpy_support

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LABELS = REPO_ROOT.parent / "shared/data/ct/lumbar-3mm/example_ct_seg_totalseg_v1.nii.gz"
# TotalSegmentator v1: sacrum, L5..L1, T12 (as in the Rust benchmark).
VERTEBRA_LABELS = [92, 18, 19, 20, 21, 22, 23]
REPEATS = 15


def label_image(path):
    image = nibabel.load(str(path))
    labels = numpy.rint(numpy.asarray(image.dataobj)).astype(numpy.uint8)
    spacing = [float(s) for s in image.header.get_zooms()[:3]]
    vtk_image = vtk.vtkImageData()
    vtk_image.SetDimensions(*labels.shape)
    vtk_image.SetSpacing(*spacing)
    # VTK wants x fastest: Fortran order of the (x, y, z) array.
    flat = numpy.ascontiguousarray(labels.ravel(order="F"))
    vtk_image.GetPointData().SetScalars(numpy_support.numpy_to_vtk(flat, deep=True))
    return vtk_image


def median_s(run):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def flying_edges(image):
    triangles = 0
    for label in VERTEBRA_LABELS:
        contour = vtk.vtkDiscreteFlyingEdges3D()
        contour.SetInputData(image)
        contour.SetValue(0, label)
        contour.ComputeNormalsOff()
        contour.ComputeGradientsOff()
        contour.ComputeScalarsOff()
        contour.Update()
        triangles += contour.GetOutput().GetNumberOfPolys()
    return triangles


def surface_nets(image):
    nets = vtk.vtkSurfaceNets3D()
    nets.SetInputData(image)
    for index, label in enumerate(VERTEBRA_LABELS):
        nets.SetValue(index, label)
    nets.SmoothingOff()
    nets.Update()
    return nets.GetOutput().GetNumberOfPolys()


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_LABELS
    if not path.exists():
        sys.exit(f"{path}: label volume not found (the shared data folder sits beside the repo)")
    image = label_image(path)
    print(f"vtk {vtk.vtkVersion.GetVTKVersion()}: flying edges {flying_edges(image)} triangles, "
          f"surface nets {surface_nets(image)} quads", file=sys.stderr)
    print(f"vtk_isosurface_s: {median_s(lambda: flying_edges(image)):.6f}")
    print(f"vtk_surface_nets_s: {median_s(lambda: surface_nets(image)):.6f}")


if __name__ == "__main__":
    main()
