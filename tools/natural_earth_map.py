#!/usr/bin/env python3
"""Convert Natural Earth 1:50m coastlines and country borders (TopoJSON from the npm package
world-atlas 2.0.2) into capsim's compact base-map file `crates/capsim-io/assets/map/ne_50m.bin`.

Usage (run once; the output is committed):
    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 tools/natural_earth_map.py package/countries-50m.json crates/capsim-io/assets/map/ne_50m.bin

Coastlines are the arcs of the `land` object; borders are the arcs of the `countries` object
that are not coastline. Coordinates keep the TopoJSON quantisation (integer grid with the
file's transform), delta-encoded per polyline as zigzag LEB128 varints. Format (little endian):
    b"CAPSMAP1", f64 scale_lon, f64 scale_lat, f64 translate_lon, f64 translate_lat,
    u32 polyline count, then per polyline: u8 kind (0 coastline, 1 border), varint point count,
    and per point zigzag-varint (dx, dy) from the previous point (from (0, 0) for the first).
lon = translate_lon + x * scale_lon, lat = translate_lat + y * scale_lat (degrees).
Only the Python standard library is used.
"""
import json
import struct
import sys


def arcs_of(geometry, out):
    t = geometry.get("type")
    if t == "GeometryCollection":
        for g in geometry["geometries"]:
            arcs_of(g, out)
    elif t == "Polygon":
        for ring in geometry["arcs"]:
            out.update(a if a >= 0 else ~a for a in ring)
    elif t == "MultiPolygon":
        for poly in geometry["arcs"]:
            for ring in poly:
                out.update(a if a >= 0 else ~a for a in ring)
    elif t in ("LineString",):
        out.update(a if a >= 0 else ~a for a in geometry["arcs"])


def varint(n, buf):
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            buf.append(b | 0x80)
        else:
            buf.append(b)
            return


def zigzag(v):
    return (v << 1) ^ (v >> 63) if v < 0 else v << 1


def main(src, dst):
    topo = json.load(open(src))
    tr = topo["transform"]
    land, countries = set(), set()
    arcs_of(topo["objects"]["land"], land)
    arcs_of(topo["objects"]["countries"], countries)
    borders = countries - land
    out = bytearray(b"CAPSMAP1")
    out += struct.pack("<4d", tr["scale"][0], tr["scale"][1], tr["translate"][0], tr["translate"][1])
    chosen = [(0, i) for i in sorted(land)] + [(1, i) for i in sorted(borders)]
    out += struct.pack("<I", len(chosen))
    for kind, i in chosen:
        # TopoJSON arcs are delta-encoded already (quantized topology): absolute = cumulative sum.
        pts = topo["arcs"][i]
        out.append(kind)
        varint(len(pts), out)
        for dx, dy in pts:
            varint(zigzag(int(dx)), out)
            varint(zigzag(int(dy)), out)
    open(dst, "wb").write(out)
    print(f"{len(land)} coastline arcs, {len(borders)} border arcs, {len(out)} bytes -> {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
