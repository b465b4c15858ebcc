"""Labels that never overlap: each text is moved beside its point, to the first place
(tried in rings around it) that no label already placed, no point and no obstacle
covers. Used by the network and the correspondence-analysis maps.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["place_labels"]


def _rect_hits(box: np.ndarray, rects: np.ndarray) -> bool:
    """Does ``box`` (x0, y0, x1, y1) intersect any of ``rects`` (n x 4)?"""
    if not len(rects):
        return False
    return bool(((box[0] < rects[:, 2]) & (box[2] > rects[:, 0]) & (box[1] < rects[:, 3]) & (box[3] > rects[:, 1])).any())


def _disc_hits(box: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> bool:
    """Does ``box`` intersect any disc (centres n x 2, radii n)?"""
    nearest_x = np.clip(centres[:, 0], box[0], box[2])
    nearest_y = np.clip(centres[:, 1], box[1], box[3])
    return bool((((nearest_x - centres[:, 0]) ** 2 + (nearest_y - centres[:, 1]) ** 2) < radii ** 2).any())


def place_labels(ax, texts: list, centres: np.ndarray, radii: np.ndarray, order: list[int], obstacles: list,
                  pad: float = 3.0, rings: int = 14) -> list[bool]:
    """Move each text beside its node so that no two labels overlap and none covers a node.

    Works in display pixels: each label tries the eight places touching its node (right,
    left, above, below, then the corners), then rings farther out; the first place that
    overlaps no label already placed, no node and no ``obstacles`` (title, legends),
    inside the axes, wins. Failing that, any place clear of labels; failing that, the
    least crowded. Labels are placed in ``order`` (largest nodes first). Returns, per
    label, whether it sits away from its node (to draw a leader line).
    """
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    inside = np.array([frame.x0, frame.y0, frame.x1, frame.y1])
    blocked = np.array([[b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad] for b in obstacles]).reshape(-1, 4)
    placed = np.zeros((0, 4))
    far = [False] * len(texts)
    angles = [0, 180, 90, 270, 45, 315, 135, 225]
    ring_angles = [a * 22.5 for a in range(16)]
    for i in order:
        box = texts[i].get_window_extent(renderer)
        width, height = box.width + 2 * pad, box.height + 2 * pad
        step = height * 0.9
        best, best_far, fallback = None, False, None
        for ring in range(rings + 1):
            for angle in (angles if ring == 0 else ring_angles):
                rad = math.radians(angle)
                reach = radii[i] + pad + ring * step
                cx = centres[i, 0] + math.cos(rad) * (reach + width / 2)
                cy = centres[i, 1] + math.sin(rad) * (reach + height / 2)
                candidate = np.array([cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2])
                if _rect_hits(candidate, placed):
                    continue
                if fallback is None:
                    fallback = (candidate, ring > 0)
                within = (candidate[0] >= inside[0] and candidate[1] >= inside[1] and candidate[2] <= inside[2]
                          and candidate[3] <= inside[3])
                if within and not _rect_hits(candidate, blocked) and not _disc_hits(candidate, centres, radii):
                    best, best_far = candidate, ring > 0
                    break
            if best is not None:
                break
        if best is None:
            best, best_far = fallback if fallback is not None else (candidate, True)
        placed = np.vstack([placed, best])
        far[i] = best_far
        centre = ax.transData.inverted().transform([(best[0] + best[2]) / 2, (best[1] + best[3]) / 2])
        texts[i].set_position((float(centre[0]), float(centre[1])))
    return far
