"""Trains the lumbar segmentation model on phantom CTs and exports it to ONNX.

The model contract (input normalisation, axes, spacing, classes) is docs/segmentation-onnx.md;
the constants below must match crates/inference/segment_onnx/src/contract.rs.

    python train.py --cases /var/tmp/neuraxis-phantoms/train --minutes 35 \
        --out ../../assets/models/lumbar-seg-v1.onnx

Cases are folders with ct.nii.gz and labels.nii.gz written by
`cargo run --release -p phantom --example phantom_training_set -- OUT COUNT --seed N`.
"""

import argparse
import glob
import math
import os
import time

import nibabel as nib
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# --- contract (docs/segmentation-onnx.md) ---
SPACING_MM = 3.0
HU_MIN, HU_MAX = -500.0, 1500.0
HU_CENTRE, HU_SCALE = 100.0, 500.0
CLASSES = ["background", "vertebra", "sacrum", "disc"]
PATCH = 64
# phantom label codes (segment::labels)
DISC_CODE, SACRUM_CODE, FIRST_VERTEBRA, LAST_VERTEBRA = 13, 20, 21, 27


def normalise(hu):
    return (np.clip(hu, HU_MIN, HU_MAX) - HU_CENTRE) / HU_SCALE


def classes_of(labels):
    out = np.zeros(labels.shape, np.uint8)
    out[(labels >= FIRST_VERTEBRA) & (labels <= LAST_VERTEBRA)] = 1
    out[labels == SACRUM_CODE] = 2
    out[labels == DISC_CODE] = 3
    return out


def load_case(folder):
    """CT (HU) and classes as [z, y, x] arrays on the canonical grid (x left, y posterior,
    z superior): the phantom's voxel axes are already canonical, so only the order changes."""
    ct = nib.load(os.path.join(folder, "ct.nii.gz"))
    spacing = np.abs(np.diag(ct.affine)[:3])
    if not np.allclose(spacing, SPACING_MM, atol=0.01):
        raise SystemExit(f"{folder}: spacing {spacing} mm, the contract is {SPACING_MM} mm")
    hu = np.asarray(ct.dataobj, dtype=np.float32).transpose(2, 1, 0)
    labels = np.asarray(nib.load(os.path.join(folder, "labels.nii.gz")).dataobj).astype(np.uint8)
    return np.ascontiguousarray(hu), np.ascontiguousarray(classes_of(labels.transpose(2, 1, 0))), labels.transpose(2, 1, 0)


def block(cin, cout):
    return nn.Sequential(
        nn.Conv3d(cin, cout, 3, padding=1, bias=False),
        nn.BatchNorm3d(cout),
        nn.ReLU(inplace=True),
        nn.Conv3d(cout, cout, 3, padding=1, bias=False),
        nn.BatchNorm3d(cout),
        nn.ReLU(inplace=True),
    )


class UNet3d(nn.Module):
    """A small 3-level U-Net; fully convolutional, spatial sizes divisible by 4."""

    def __init__(self, width=8):
        super().__init__()
        w = width
        self.enc0 = block(1, w)
        self.enc1 = block(w, 2 * w)
        self.enc2 = block(2 * w, 4 * w)
        self.up1 = nn.ConvTranspose3d(4 * w, 2 * w, 2, stride=2)
        self.dec1 = block(4 * w, 2 * w)
        self.up0 = nn.ConvTranspose3d(2 * w, w, 2, stride=2)
        self.dec0 = block(2 * w, w)
        self.head = nn.Conv3d(w, len(CLASSES), 1)

    def forward(self, x):
        e0 = self.enc0(x)
        e1 = self.enc1(F.max_pool3d(e0, 2))
        e2 = self.enc2(F.max_pool3d(e1, 2))
        d1 = self.dec1(torch.cat([self.up1(e2), e1], 1))
        d0 = self.dec0(torch.cat([self.up0(d1), e0], 1))
        return self.head(d0)


def augment(hu, classes, codes, rng):
    """HU shifts and scaling, bone density, fatty marrow, noise, distractors (contrast-filled
    vessels, femoral heads and other dense bone), left-right flips: what differs between
    phantoms and real scans."""
    hu = hu.copy()
    cancellous = (hu > 120.0) & (hu < 600.0)
    if rng.uniform() < 0.6:
        # Osteoporotic vertebral bodies: marrow at 50-200 HU, at 3 mm mixed with the cortex.
        vertebral = cancellous & (codes >= FIRST_VERTEBRA) & (codes <= LAST_VERTEBRA)
        hu[vertebral] = rng.uniform(50, 200) + rng.normal(0, 25, vertebral.sum())
    if rng.uniform() < 0.6:
        # Older sacra and ilia hold fatty marrow (-80..100 HU) inside a thin cortex.
        pelvic = cancellous & ((codes == SACRUM_CODE) | (codes == 5))
        hu[pelvic] = rng.uniform(-60, 150) + rng.normal(0, 25, pelvic.sum())
    bone = hu > 120.0
    # Osteopenic cancellous bone in older patients reads 130-180 HU, the phantom's 220.
    hu[bone] = 120.0 + (hu[bone] - 120.0) * rng.uniform(0.45, 1.3)
    soft = (hu > -200) & ~bone
    hu[soft] += rng.uniform(-40, 40)
    background = (classes == 0) & (codes != 5) & (hu > -300)
    zz, yy, xx = np.meshgrid(*[np.arange(n) for n in hu.shape], indexing="ij")
    for _ in range(rng.integers(0, 4)):
        # Bright tubes and blobs away from the spine: aorta with contrast, bowel contrast, ribs.
        cy, cx = rng.uniform(0, hu.shape[1]), rng.uniform(0, hu.shape[2])
        radius = rng.uniform(2.0, 6.0)
        tube = ((yy - cy) ** 2 + (xx - cx) ** 2) < radius**2
        if rng.uniform() < 0.5:
            cz = rng.uniform(0, hu.shape[0])
            tube &= np.abs(zz - cz) < rng.uniform(2, 10)
        hu[tube & background] = rng.uniform(150, 1000)
    for _ in range(rng.integers(0, 3)):
        # Femoral heads, acetabula: balls of cortex around marrow.
        centre = rng.uniform(0, hu.shape)
        radius = rng.uniform(5.0, 9.0)
        distance = np.sqrt((zz - centre[0]) ** 2 + (yy - centre[1]) ** 2 + (xx - centre[2]) ** 2)
        ball = (distance < radius) & background
        hu[ball] = rng.uniform(100, 300)
        hu[ball & (distance > radius - 1.2)] = rng.uniform(600, 1300)
    hu = hu * rng.uniform(0.9, 1.1) + rng.uniform(-60, 60)
    hu += rng.normal(0, rng.uniform(0, 35), hu.shape).astype(np.float32)
    if rng.uniform() < 0.5:
        hu, classes = hu[:, :, ::-1], classes[:, :, ::-1]
    return np.ascontiguousarray(hu), np.ascontiguousarray(classes)


def random_crop(hu, classes, codes, size, rng):
    shape = np.array(hu.shape)
    spine = np.argwhere(classes > 0)
    if len(spine) and rng.uniform() < 0.8:
        centre = spine[rng.integers(len(spine))] + rng.integers(-size // 4, size // 4 + 1, 3)
    else:
        centre = rng.integers(0, shape)
    start = np.clip(centre - size // 2, 0, np.maximum(shape - size, 0))
    sl = tuple(slice(s, s + size) for s in start)
    pad = [(0, size - n) for n in hu[sl].shape]
    h = np.pad(hu[sl], pad, constant_values=-1000.0)
    c = np.pad(classes[sl], pad, constant_values=0)
    k = np.pad(codes[sl], pad, constant_values=0)
    return h, c, k


def dice_loss(logits, target):
    probs = logits.softmax(1)
    onehot = F.one_hot(target, len(CLASSES)).permute(0, 4, 1, 2, 3).float()
    dims = (0, 2, 3, 4)
    inter = (probs * onehot).sum(dims)
    denom = probs.sum(dims) + onehot.sum(dims)
    return 1.0 - ((2 * inter + 1.0) / (denom + 1.0))[1:].mean()


def predict(model, hu):
    """Whole-volume prediction padded to a multiple of 4 (evaluation only)."""
    shape = hu.shape
    padded = [(0, (-n) % 4) for n in shape]
    x = torch.from_numpy(normalise(np.pad(hu, padded, constant_values=-1000.0)).astype(np.float32))
    with torch.no_grad():
        out = model(x[None, None]).argmax(1)[0].numpy()
    return out[: shape[0], : shape[1], : shape[2]]


def dice(a, b):
    total = a.sum() + b.sum()
    return 2.0 * (a & b).sum() / total if total else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", required=True, nargs="+", help="folders of case_* folders")
    parser.add_argument("--heldout")
    parser.add_argument("--out", required=True)
    parser.add_argument("--minutes", type=float, default=35.0)
    parser.add_argument("--crop", type=int, default=48)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--width", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkpoint", help="torch state saved here every 25 steps")
    parser.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    parser.add_argument("--export-only", action="store_true", help="export --checkpoint to --out")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    folders = sorted(f for c in args.cases for f in glob.glob(os.path.join(c, "case_*")))
    cases = [load_case(f) for f in folders]
    print(f"{len(cases)} training cases", flush=True)

    model = UNet3d(args.width)
    weights = torch.tensor([0.5, 2.0, 2.0, 3.0])
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    step, spent_s = 0, 0.0
    if args.resume or args.export_only:
        state = torch.load(args.checkpoint)
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        step, spent_s = state["step"], state["spent_s"]
        print(f"resumed at step {step} after {spent_s:.0f} s", flush=True)
    start = time.time() - spent_s
    budget_s = args.minutes * 60.0
    while not args.export_only and time.time() - start < budget_s:
        # Cosine decay over the time budget.
        progress = (time.time() - start) / budget_s
        for group in optimiser.param_groups:
            group["lr"] = 3e-4 + (3e-3 - 3e-4) * 0.5 * (1 + math.cos(math.pi * progress))
        xs, ys = [], []
        for _ in range(args.batch):
            hu, classes, codes = cases[rng.integers(len(cases))]
            h, c, k = random_crop(hu, classes, codes, args.crop, rng)
            h, c = augment(h, c, k, rng)
            xs.append(normalise(h))
            ys.append(c)
        x = torch.from_numpy(np.stack(xs)[:, None].astype(np.float32))
        y = torch.from_numpy(np.stack(ys)).long()
        logits = model(x)
        loss = F.cross_entropy(logits, y, weight=weights) + dice_loss(logits, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        step += 1
        if step % 25 == 0:
            print(f"step {step} {time.time() - start:.0f} s loss {loss.item():.3f}", flush=True)
            if args.checkpoint:
                torch.save({"model": model.state_dict(), "optimiser": optimiser.state_dict(),
                            "step": step, "spent_s": time.time() - start}, args.checkpoint)
    print(f"trained {step} steps in {time.time() - start:.0f} s", flush=True)
    if args.checkpoint and not args.export_only:
        torch.save({"model": model.state_dict(), "optimiser": optimiser.state_dict(),
                    "step": step, "spent_s": time.time() - start}, args.checkpoint)

    model.eval()
    if args.heldout:
        for folder in sorted(glob.glob(os.path.join(args.heldout, "case_*"))):
            hu, classes, _ = load_case(folder)
            pred = predict(model, hu)
            scores = [dice(pred == c, classes == c) for c in range(1, len(CLASSES))]
            print(f"held out {os.path.basename(folder)}: " + ", ".join(
                f"{name} {s:.3f}" for name, s in zip(CLASSES[1:], scores)), flush=True)

    dummy = torch.zeros(1, 1, PATCH, PATCH, PATCH)
    torch.onnx.export(
        model,
        (dummy,),
        args.out,
        input_names=["ct"],
        output_names=["logits"],
        dynamic_axes={"ct": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)", flush=True)


if __name__ == "__main__":
    main()
