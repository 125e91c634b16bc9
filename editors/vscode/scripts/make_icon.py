#!/usr/bin/env python3
"""Draws images/icon.png (128x128 RGBA) with the standard library only.

A rounded square with an indigo-to-teal gradient, the letters "RF" drawn as
round-capped strokes, and an amber dot (the spend cap). Shapes are signed
distance functions sampled 4x4 per pixel for anti-aliasing.

    python3 scripts/make_icon.py [output.png]
"""
from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

SIZE = 128
SAMPLES = 4  # per axis
STROKE = 6.0  # half width of the letter strokes
CORNER = 26.0

TOP_LEFT = (67, 56, 202)  # indigo
BOTTOM_RIGHT = (13, 148, 136)  # teal
LETTER = (255, 255, 255)
DOT = (251, 191, 36)  # amber

Point = tuple[float, float]


def seg_dist(p: Point, a: Point, b: Point) -> float:
    px, py = p[0] - a[0], p[1] - a[1]
    bx, by = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, (px * bx + py * by) / (bx * bx + by * by)))
    return math.hypot(px - bx * t, py - by * t)


def right_arc_dist(p: Point, c: Point, r: float) -> float:
    """Distance to the right half of a circle (angles -90..90 degrees)."""
    if p[0] >= c[0]:
        return abs(math.hypot(p[0] - c[0], p[1] - c[1]) - r)
    return min(math.hypot(p[0] - c[0], p[1] - (c[1] - r)), math.hypot(p[0] - c[0], p[1] - (c[1] + r)))


SEGMENTS: list[tuple[Point, Point]] = [
    # R
    ((30, 34), (30, 94)),
    ((30, 34), (46, 34)),
    ((30, 66), (46, 66)),
    ((44, 66), (60, 94)),
    # F
    ((74, 34), (74, 94)),
    ((74, 34), (100, 34)),
    ((74, 63), (95, 63)),
]
ARC_CENTER, ARC_RADIUS = (46.0, 50.0), 16.0
DOT_CENTER, DOT_RADIUS = (101.0, 92.0), 8.5


def rounded_rect_dist(p: Point) -> float:
    half = SIZE / 2
    qx = abs(p[0] - half) - (half - 4 - CORNER)
    qy = abs(p[1] - half) - (half - 4 - CORNER)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    inside = min(max(qx, qy), 0.0)
    return outside + inside - CORNER


def sample(p: Point) -> tuple[float, float, float, float]:
    if rounded_rect_dist(p) > 0:
        return (0.0, 0.0, 0.0, 0.0)
    if math.hypot(p[0] - DOT_CENTER[0], p[1] - DOT_CENTER[1]) <= DOT_RADIUS:
        return (*map(float, DOT), 1.0)
    d = min(min(seg_dist(p, a, b) for a, b in SEGMENTS), right_arc_dist(p, ARC_CENTER, ARC_RADIUS))
    if d <= STROKE:
        return (*map(float, LETTER), 1.0)
    t = (p[0] + p[1]) / (2 * SIZE)
    color = tuple(TOP_LEFT[i] + (BOTTOM_RIGHT[i] - TOP_LEFT[i]) * t for i in range(3))
    return (color[0], color[1], color[2], 1.0)


def render() -> bytes:
    rows = bytearray()
    n = SAMPLES * SAMPLES
    for y in range(SIZE):
        rows.append(0)  # filter type: none
        for x in range(SIZE):
            r = g = b = a = 0.0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    pr, pg, pb, pa = sample((x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES))
                    r += pr * pa
                    g += pg * pa
                    b += pb * pa
                    a += pa
            if a > 0:
                rows += bytes((round(r / a), round(g / a), round(b / a), round(255 * a / n)))
            else:
                rows += b"\x00\x00\x00\x00"
    return bytes(rows)


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(raw: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "images" / "icon.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(png(render()))
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
