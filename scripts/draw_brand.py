"""Draw the integration's brand images (custom_components/smsmode/brand/).

Our own drawing, not smsmode's trademarked logo: a speech bubble with three dots,
and the word "smsmode" beside it for the logos. Run with
`scripts/run newest python scripts/draw_brand.py` (needs Pillow, which Home
Assistant installs).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).parent.parent / "custom_components" / "smsmode" / "brand"
BLUE = (0, 122, 204, 255)
LIGHT_TEXT = (33, 33, 33, 255)
DARK_TEXT = (240, 240, 240, 255)
SCALE = 4  # draw large, then shrink: smooth edges


def bubble(size: int) -> Image.Image:
    """Return a square speech bubble of `size` pixels on a transparent ground."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = big // 16
    body = (margin, margin, big - margin, int(big * 0.78))
    draw.rounded_rectangle(body, radius=big // 6, fill=BLUE)
    tail = [
        (int(big * 0.22), int(big * 0.70)),
        (int(big * 0.18), big - margin),
        (int(big * 0.46), int(big * 0.76)),
    ]
    draw.polygon(tail, fill=BLUE)
    radius = big // 14
    centre_y = (body[1] + body[3]) // 2
    for x in (0.30, 0.50, 0.70):
        centre_x = int(big * x)
        draw.ellipse(
            (
                centre_x - radius,
                centre_y - radius,
                centre_x + radius,
                centre_y + radius,
            ),
            fill=(255, 255, 255, 255),
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def logo(height: int, text_colour: tuple[int, int, int, int]) -> Image.Image:
    """Return the bubble followed by the word smsmode, `height` pixels high."""
    font = ImageFont.load_default(size=int(height * 0.62))
    left, top, right, bottom = font.getbbox("smsmode")
    width = height + height // 8 + (right - left) + height // 8
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.alpha_composite(bubble(height), (0, 0))
    draw = ImageDraw.Draw(image)
    y = (height - (bottom - top)) // 2 - top
    draw.text((height + height // 8, y), "smsmode", font=font, fill=text_colour)
    return image


def main() -> None:
    """Write the icon, the logo and its dark variant, each also at @2x."""
    BRAND.mkdir(exist_ok=True)
    for suffix, factor in (("", 1), ("@2x", 2)):
        icon = bubble(256 * factor)
        # The blue bubble reads on light and dark grounds alike: no dark_icon.
        icon.save(BRAND / f"icon{suffix}.png", optimize=True)
        logo(128 * factor, LIGHT_TEXT).save(BRAND / f"logo{suffix}.png", optimize=True)
        logo(128 * factor, DARK_TEXT).save(
            BRAND / f"dark_logo{suffix}.png", optimize=True
        )


if __name__ == "__main__":
    main()
