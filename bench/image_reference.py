"""The Python reference for bench/image.bench.ts: the per-frame CPU calls of the Deforum notebook v0.7.1 at one
frame, timed with the libraries it uses (spec sections 5.2, 8, 9):
  3D warp    anim_frame_warp_3d -> transform_image_3d: py3d camera maths, affine_grid, torch grid_sample
  LAB match  maintain_colors(prev, sample, 'Match Frame 0 LAB'): cv2 Lab, skimage match_histograms
  unsharp    prev_img * contrast, then unsharp_mask: cv2.GaussianBlur
  noise      add_noise(sample_from_cv2(img), noise).half(): torch.randn
Run by the bench with Debian's /usr/bin/python3 (python3-torch python3-opencv python3-skimage python3-numpy).
Reads the frame, the depth map and the colour reference the bench wrote as raw files, writes each operation's
output next to them for the bench's parity check, and prints one JSON line of median milliseconds.
An optional third argument sets torch's thread count (torch.set_num_threads); without it torch keeps its default.
"""

import json
import math
import os
import sys
import time
import warnings

MISSING = []
try:
    import numpy as np
except ImportError:
    MISSING.append("python3-numpy")
try:
    import cv2
except ImportError:
    MISSING.append("python3-opencv")
try:
    from skimage.exposure import match_histograms
except ImportError:
    MISSING.append("python3-skimage")
try:
    import torch
except ImportError:
    MISSING.append("python3-torch")
if MISSING:
    print(json.dumps({"available": False, "missing": MISSING}))
    sys.exit(0)

warnings.filterwarnings("ignore")  # skimage 0.19's `multichannel` deprecation notice, torch.meshgrid's indexing


def euler_xyz(angles):
    """py3d euler_angles_to_matrix(angles, 'XYZ') = Rx @ Ry @ Rz, float32 as torch computes it."""
    (cx, cy, cz), (sx, sy, sz) = torch.cos(angles), torch.sin(angles)
    one, zero = torch.ones(()), torch.zeros(())
    rx = torch.stack([one, zero, zero, zero, cx, -sx, zero, sx, cx]).reshape(3, 3)
    ry = torch.stack([cy, zero, sy, zero, one, zero, -sy, zero, cy]).reshape(3, 3)
    rz = torch.stack([cz, -sz, zero, sz, cz, zero, zero, zero, one]).reshape(3, 3)
    return rx @ ry @ rz


def full_projection(near, far, fov_deg, aspect, rot, trans):
    """FoVPerspectiveCameras(...).get_full_projection_transform() as a row-vector 4x4: Rotate(R), Translate(T), K^T."""
    max_y = math.tan(math.radians(fov_deg) / 2) * near
    max_x = max_y * aspect
    k = torch.zeros(4, 4)
    k[0, 0] = 2 * near / (2 * max_x)
    k[1, 1] = 2 * near / (2 * max_y)
    k[3, 2] = 1.0
    k[2, 2] = far / (far - near)
    k[2, 3] = -(far * near) / (far - near)
    world_to_view = torch.eye(4)
    world_to_view[:3, :3] = rot
    world_to_view[3, :3] = torch.tensor(trans)
    return world_to_view @ k.T


def transform_points(points, matrix):
    out = torch.cat([points, torch.ones(points.shape[0], 1)], dim=1) @ matrix
    return out[:, :3] / out[:, 3:]


def warp_3d(prev_img_cv2, depth, a):
    """anim_frame_warp_3d + transform_image_3d (helpers/animation.py) for one frame."""
    translate = [-a["tx"] / 200.0, a["ty"] / 200.0, -a["tz"] / 200.0]
    rotate = torch.tensor([math.radians(a["rx"]), math.radians(a["ry"]), math.radians(a["rz"])])
    rot_mat = euler_xyz(rotate)
    h, w = prev_img_cv2.shape[0], prev_img_cv2.shape[1]
    aspect = float(w) / float(h)
    old = full_projection(a["near"], a["far"], a["fov"], aspect, torch.eye(3), [0.0, 0.0, 0.0])
    new = full_projection(a["near"], a["far"], a["fov"], aspect, rot_mat, translate)
    y, x = torch.meshgrid(torch.linspace(-1.0, 1.0, h), torch.linspace(-1.0, 1.0, w))
    z = torch.as_tensor(depth, dtype=torch.float32)
    xyz_old_world = torch.stack((x.flatten(), y.flatten(), z.flatten()), dim=1)
    offset_xy = transform_points(xyz_old_world, new)[:, 0:2] - transform_points(xyz_old_world, old)[:, 0:2]
    identity_2d_batch = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]).unsqueeze(0)
    coords_2d = torch.nn.functional.affine_grid(identity_2d_batch, [1, 1, h, w], align_corners=False)
    offset_coords_2d = coords_2d - torch.reshape(offset_xy, (h, w, 2)).unsqueeze(0)
    image_tensor = torch.from_numpy(prev_img_cv2.astype(np.float32)).permute(2, 0, 1)
    new_image = torch.nn.functional.grid_sample(
        image_tensor.add(1 / 512 - 0.0001).unsqueeze(0),
        offset_coords_2d,
        mode=a["sampling_mode"],
        padding_mode=a["padding_mode"],
        align_corners=False,
    )
    return new_image.squeeze().clamp(0, 255).permute(1, 2, 0).numpy().astype(prev_img_cv2.dtype)


def maintain_colors_lab(prev_img, color_match_sample):
    prev_img_lab = cv2.cvtColor(prev_img, cv2.COLOR_RGB2LAB)
    color_match_lab = cv2.cvtColor(color_match_sample, cv2.COLOR_RGB2LAB)
    matched_lab = match_histograms(prev_img_lab, color_match_lab, multichannel=True)
    return cv2.cvtColor(matched_lab, cv2.COLOR_LAB2RGB)


def unsharp_mask(img, kernel_size, sigma, amount, threshold):
    blurred = cv2.GaussianBlur(img, kernel_size, sigma)
    sharpened = float(amount + 1) * img - float(amount) * blurred
    sharpened = np.maximum(sharpened, np.zeros(sharpened.shape))
    sharpened = np.minimum(sharpened, 255 * np.ones(sharpened.shape))
    sharpened = sharpened.round().astype(np.uint8)
    if threshold > 0:
        low_contrast_mask = np.absolute(img - blurred) < threshold
        np.copyto(sharpened, img, where=low_contrast_mask)
    return sharpened


def contrast_unsharp(prev_img, a):
    k = a["kernel"]
    return unsharp_mask(prev_img * a["contrast"], (k, k), a["sigma"], a["amount"], a["threshold"])


def frame_noise(img, amount):
    sample = ((img.astype(float) / 255.0) * 2) - 1
    sample = torch.from_numpy(sample[None].transpose(0, 3, 1, 2).astype(np.float16))
    return (sample + torch.randn(sample.shape) * amount).half()


def median_ms(fn, repeats):
    for _ in range(2):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    folder, repeats = sys.argv[1], int(sys.argv[2])
    if len(sys.argv) > 3:
        torch.set_num_threads(int(sys.argv[3]))
    with open(os.path.join(folder, "params.json")) as f:
        a = json.load(f)
    size = a["size"]
    image = np.fromfile(os.path.join(folder, "image.u8"), dtype=np.uint8).reshape(size, size, 3)
    reference = np.fromfile(os.path.join(folder, "reference.u8"), dtype=np.uint8).reshape(size, size, 3)
    depth = np.fromfile(os.path.join(folder, "depth.f32"), dtype=np.float32).reshape(size, size)

    def chain():
        warped = warp_3d(image, depth, a)
        matched = maintain_colors_lab(warped, reference)
        return frame_noise(contrast_unsharp(matched, a), a["noise"])

    figures = {
        "warp3dMs": median_ms(lambda: warp_3d(image, depth, a), repeats),
        "labMatchMs": median_ms(lambda: maintain_colors_lab(image, reference), repeats),
        "unsharpContrastMs": median_ms(lambda: contrast_unsharp(image, a), repeats),
        "noiseMs": median_ms(lambda: frame_noise(image, a["noise"]), repeats),
        "chainMs": median_ms(chain, repeats),
    }
    warp_3d(image, depth, a).tofile(os.path.join(folder, "py-warp3d.u8"))
    maintain_colors_lab(image, reference).tofile(os.path.join(folder, "py-lab-match.u8"))
    contrast_unsharp(image, a).tofile(os.path.join(folder, "py-unsharp.u8"))
    versions = {"torch": torch.__version__, "cv2": cv2.__version__, "numpy": np.__version__}
    import skimage

    versions["skimage"] = skimage.__version__
    figures = {key: round(value, 2) for key, value in figures.items()}
    print(json.dumps({"available": True, **figures, "torchThreads": torch.get_num_threads(), "versions": versions}))


if __name__ == "__main__":
    main()
