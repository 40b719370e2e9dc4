"""Draw the demo story's lead picture: the call between Washington and Moscow, with
Kyiv off the line, over an abstract map grid. An illustration, not a photograph.

    python articles/demo/illustration.py   # writes articles/demo/trump-putin-call.png

Pillow only, and nothing random: the same Pillow draws the same file.
"""

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONTS = HERE.parent / "fonts"
OUTPUT = HERE / "trump-putin-call.png"

# 3:2, wide enough for the largest rendition (1,600 pixels), drawn twice as large
# and scaled down so that curves come out smooth.
SIZE = (1800, 1200)
SCALE = 2

SEA = (22, 36, 56)
GRID = (44, 64, 92)
GRID_FAINT = (32, 49, 73)
HANDSET = (244, 240, 230)
LINE = (226, 84, 60)
KYIV = (242, 196, 64)
LABEL = (196, 208, 222)

# The map's north pole, above the picture: meridians fan out from it and parallels
# are circles around it, as on a conic projection of the northern hemisphere.
POLE = (900, -1500)

# Where the cities are (not to scale, but each where it lies from the others), and
# the handsets beside them: centre, and turn in degrees anticlockwise.
WASHINGTON = (600, 800)
MOSCOW = (1230, 610)
KYIV_AT = (1070, 850)
HANDSETS = (((445, 650), 70), ((1375, 460), -70))
HANDSET_LENGTH = 215


def scaled(point):
    return (point[0] * SCALE, point[1] * SCALE)


def font(name: str, size: int):
    return ImageFont.truetype(str(FONTS / name), size * SCALE)


def bezier(start, control, end, steps: int = 200):
    return [
        (
            (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t**2 * end[0],
            (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t**2 * end[1],
        )
        for t in (i / steps for i in range(steps + 1))
    ]


def draw_grid(draw) -> None:
    """Parallels and meridians, every other one fainter."""
    for radius in range(1700, 3400, 150):
        box = [POLE[0] - radius, POLE[1] - radius, POLE[0] + radius, POLE[1] + radius]
        colour = GRID if radius % 300 == 200 else GRID_FAINT
        draw.ellipse([*scaled(box[:2]), *scaled(box[2:])], outline=colour, width=2 * SCALE)
    for degrees in range(-36, 37, 6):
        angle = math.radians(90 + degrees)
        inner, outer = 1700, 3400
        start = (POLE[0] + inner * math.cos(angle), POLE[1] + inner * math.sin(angle))
        end = (POLE[0] + outer * math.cos(angle), POLE[1] + outer * math.sin(angle))
        colour = GRID if degrees % 12 == 0 else GRID_FAINT
        draw.line([scaled(start), scaled(end)], fill=colour, width=2 * SCALE)


def rounded(corners, radius: float, steps: int = 12) -> list:
    """The outline of the convex polygon ``corners`` with its corners rounded."""
    points = []
    count = len(corners)
    for index, corner in enumerate(corners):
        before, after = corners[index - 1], corners[(index + 1) % count]
        legs = []
        for other in (before, after):
            dx, dy = other[0] - corner[0], other[1] - corner[1]
            size = math.hypot(dx, dy)
            legs.append((dx / size, dy / size))
        # Cut the corner at ``radius`` along each edge and bow a curve between the cuts.
        start = (corner[0] + legs[0][0] * radius, corner[1] + legs[0][1] * radius)
        end = (corner[0] + legs[1][0] * radius, corner[1] + legs[1][1] * radius)
        for step in range(steps + 1):
            t = step / steps
            points.append(
                (
                    (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * corner[0] + t**2 * end[0],
                    (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * corner[1] + t**2 * end[1],
                )
            )
    return points


def handset_mask(length: int):
    """A telephone handset ``length`` across, its ear and mouth pieces down, as a
    mask (white on black) at the drawing's scale."""
    side = round(length * 1.6 * SCALE)
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    unit = length * SCALE
    # The handle: a shallow arc of a circle whose centre lies well below it.
    radius, spread, thickness = unit * 0.75, math.radians(36), unit * 0.15
    middle = (side / 2, side / 2 - unit * 0.1 + radius)
    angles = [-math.pi / 2 - spread + 2 * spread * i / 60 for i in range(61)]

    def on_circle(r, a):
        return (middle[0] + r * math.cos(a), middle[1] + r * math.sin(a))

    outer = [on_circle(radius + thickness / 2, a) for a in angles]
    inner = [on_circle(radius - thickness / 2, a) for a in reversed(angles)]
    draw.polygon(outer + inner, fill=255)
    # The ear and mouth pieces: a cup at each end, widening towards its open side.
    for sign in (-1, 1):
        angle = -math.pi / 2 + sign * spread
        end = on_circle(radius, angle)
        facing = angle + math.pi  # towards the circle's centre...
        facing -= sign * math.radians(8)  # ...turned a little outwards
        down = (math.cos(facing), math.sin(facing))
        across = (-down[1], down[0])
        top = (end[0] - down[0] * thickness * 0.7, end[1] - down[1] * thickness * 0.7)
        reach = unit * 0.3
        foot = (top[0] + down[0] * reach, top[1] + down[1] * reach)
        narrow, wide = unit * 0.125, unit * 0.15
        corners = [
            (top[0] - across[0] * narrow, top[1] - across[1] * narrow),
            (top[0] + across[0] * narrow, top[1] + across[1] * narrow),
            (foot[0] + across[0] * wide, foot[1] + across[1] * wide),
            (foot[0] - across[0] * wide, foot[1] - across[1] * wide),
        ]
        draw.polygon(rounded(corners, unit * 0.09), fill=255)
    return mask


def place_handset(canvas, centre, angle: float) -> None:
    mask = handset_mask(HANDSET_LENGTH).rotate(angle, resample=Image.BICUBIC)
    colour = Image.new("RGB", mask.size, HANDSET)
    x, y = scaled(centre)
    canvas.paste(colour, (round(x - mask.width / 2), round(y - mask.height / 2)), mask)


def signal(draw, centre, angle: float) -> None:
    """Two short arcs off the side of a handset its pieces face: it is talking."""
    turn = math.radians(angle)
    facing = math.atan2(math.cos(turn), math.sin(turn))
    for reach in (0.5, 0.66):
        radius = reach * HANDSET_LENGTH
        points = [
            scaled(
                (
                    centre[0] + radius * math.cos(facing + math.radians(step)),
                    centre[1] + radius * math.sin(facing + math.radians(step)),
                )
            )
            for step in range(-24, 25, 2)
        ]
        draw.line(points, fill=HANDSET, width=6 * SCALE, joint="curve")


def label(draw, text: str, at, fill=LABEL, size: int = 32) -> None:
    spaced = "\u2009".join(text)  # letter-spaced capitals, as on a map
    draw.text(scaled(at), spaced, font=font("DejaVuSans-Bold.ttf", size), fill=fill, anchor="mt")


def disc(draw, at, radius: float, fill=None, outline=None, width: int = 0) -> None:
    x, y = scaled(at)
    r = radius * SCALE
    draw.ellipse([x - r, y - r, x + r, y + r], fill=fill, outline=outline, width=width * SCALE)


def draw() -> Image.Image:
    width, height = SIZE
    canvas = Image.new("RGB", (width * SCALE, height * SCALE), SEA)
    pen = ImageDraw.Draw(canvas)
    draw_grid(pen)

    # The call: a line arching from one city to the other, with a soft edge.
    arc = bezier(WASHINGTON, (905, 50), MOSCOW)
    pen.line([scaled(p) for p in arc], fill=(88, 48, 58), width=24 * SCALE, joint="curve")
    pen.line([scaled(p) for p in arc], fill=LINE, width=10 * SCALE, joint="curve")

    # Kyiv, below the line and not on it: a ring in a colour of its own.
    disc(pen, KYIV_AT, 34, outline=KYIV, width=5)
    disc(pen, KYIV_AT, 17, fill=KYIV)

    for city in (WASHINGTON, MOSCOW):
        disc(pen, city, 24, fill=SEA, outline=HANDSET, width=6)
        disc(pen, city, 10, fill=HANDSET)
    for centre, angle in HANDSETS:
        place_handset(canvas, centre, angle)
        signal(pen, centre, angle)

    label(pen, "WASHINGTON", (WASHINGTON[0], WASHINGTON[1] + 46))
    label(pen, "MOSCOW", (MOSCOW[0], MOSCOW[1] + 46))
    label(pen, "KYIV", (KYIV_AT[0], KYIV_AT[1] + 54), fill=KYIV)
    return canvas.resize(SIZE, Image.LANCZOS)


def main(path: Path = OUTPUT) -> None:
    draw().save(path, "PNG", optimize=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
