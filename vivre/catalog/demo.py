"""The demo catalogue: six departments of plausible luxury goods, composed from word lists.

Everything is drawn from a seeded ``random.Random``, so the same catalogue comes out
on every machine and every run. The first ``DEMO_PRODUCTS`` products are composed
with distinct names across all categories in turn; a larger catalogue (for
benchmarks) continues with generated products whose slugs carry their index.

``load_demo_catalogue`` writes it with upserts keyed by slug and SKU, so running it
again leaves the same rows.
"""

from __future__ import annotations

import bisect
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.text import slugify

from .models import Category, Department, Product, ProductImage, Variant

SEED = 20261125
DEMO_PRODUCTS = 336
FEATURED_PER_DEPARTMENT = 2
NEW_ARRIVAL_WINDOW_DAYS = 120
BATCH = 2000

# Retail price points; every price lands on one of these.
PRICE_POINTS = (
    18, 22, 24, 28, 32, 36, 38, 42, 45, 48, 52, 55, 58, 65, 68, 72, 75, 78, 85, 88, 95, 98,
    110, 115, 120, 125, 135, 145, 155, 165, 175, 185, 195, 210, 225, 240, 265, 285, 295,
    325, 345, 365, 395, 425, 450, 475, 495, 525, 565, 595, 625, 675, 695, 750, 795, 850,
    895, 950, 995, 1050, 1150, 1250, 1350, 1400,
)  # fmt: skip

COLLECTIONS = (
    "Aurelia", "Sable", "Lune", "Marais", "Calder", "Orla", "Isola", "Hollis", "Soleil",
    "Palmer", "Juniper", "Fenwick", "Corsica", "Amalfi", "Meridian", "Arden", "Solène",
    "Wren", "Laurel", "Cassis", "Halden", "Severn", "Ondine", "Ravello", "Linden",
    "Marlowe", "Esme", "Beaumont", "Clement", "Tamsin", "Vesper", "Alba", "Rosalind",
    "Harbour", "Orchard", "Montauk", "Sorrento", "Lark", "Fable", "Ines",
)  # fmt: skip


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


def _colours(text: str) -> tuple[tuple[str, str], ...]:
    """Parse "Ivory #f2ede3|Ink #1f2430" into (name, hex) pairs."""
    pairs = []
    for part in _split(text):
        name, hex_ = part.rsplit(" ", 1)
        pairs.append((name, hex_.lower()))
    return tuple(pairs)


# Openers of a description; {A_style} reads "A fluted" (or "Fluted" for a plural form).
OPENERS = (
    "{A_style} {form} in {material}, made in {town} by {craft}.",
    "Made in {town} by {craft}, {this} {form} {is_} worked in {material}.",
    "From {craft} in {town}: {a_form} in {material}.",
)
POURED = (
    "{A_style} {form}, poured by hand in {town} by {craft} into {material}.",
    "Poured in {town} by {craft}: {a_style} {form} in {material}.",
)
BLENDED = (
    "{A_style} {form} made with {material}, blended in {town} by {craft}.",
    "Blended in {town} by {craft}, {this} {style} {form} {is_} made with {material}.",
)
SOAPED = (
    "{A_style} {form} made with {material}, cut and stamped in {town} by {craft}.",
    "Cut and stamped by {craft} in {town}, {this} {style} {form} {is_} made with {material}.",
)
PACKED = (
    "{A_style} {form} holding {material}, packed by hand in {town} by {craft}.",
    "Inside {this} {form}: {material}, chosen and packed in {town} by {craft}.",
)


@dataclass(frozen=True)
class Material:
    short: str  # as it reads in a product name
    copy: str  # as it reads in a description
    price_factor: float = 1.0
    makers: tuple[str, ...] = ()  # where this material is worked, if not the category's
    care: str = ""  # care for this material, if not the category's


@dataclass(frozen=True)
class CategorySpec:
    """The vocabulary one category's products are composed from."""

    slug: str
    code: str  # three letters in every SKU of the category
    name: str
    description: str
    motif: str
    forms: tuple[str, ...]
    materials: tuple[Material, ...]
    styles: tuple[str, ...]
    makers: tuple[str, ...]  # "Town, Country"
    craft: tuple[str, ...]  # who makes it: "a family workshop"
    notes: tuple[str, ...]  # sentences on character and making
    uses: tuple[str, ...]  # sentences on living with it or giving it
    dimensions: tuple[str, ...]
    care: tuple[str, ...]
    colours: tuple[tuple[str, str], ...]
    prices: tuple[int, int]
    sizes: tuple[str, ...] = ()
    size_steps: tuple[float, ...] = ()  # price multiplier per size; empty means one price
    size_chance: float = 1.0
    names: tuple[str, ...] = ("{style} {material} {form}", "{collection} {material} {form}")
    openers: tuple[str, ...] = OPENERS
    materials_label: str = "Materials"
    pose: str = "front view"
    detail: str = "detail"
    side: str = "beside a pebble, lit from the right"


@dataclass(frozen=True)
class DepartmentSpec:
    slug: str
    name: str
    tagline: str
    description: str
    categories: tuple[CategorySpec, ...]


def M(  # noqa: N802
    short: str, copy: str, price_factor: float = 1.0, *, makers: str = "", care: str = ""
) -> Material:
    return Material(short, copy, price_factor, _split(makers), care)


HOME = DepartmentSpec(
    "home",
    "Home",
    "Quiet objects for rooms that are lived in.",
    "Vessels, throws, cushions and candles from small workshops: pieces that settle "
    "into a room and get better with use.",
    (
        CategorySpec(
            slug="vases-vessels",
            code="VAS",
            name="Vases & Vessels",
            description="Hand-thrown, mouth-blown and burnished forms for a single stem "
            "or an armful of branches.",
            motif="vase",
            forms=_split("Vase|Bud Vase|Amphora|Bottle Vase|Vessel|Jug"),
            materials=(
                M(
                    "Stoneware",
                    "hand-thrown stoneware with a satin glaze",
                    makers="Bassano del Grappa, Italy|Caldas da Rainha, Portugal|Bizen, Japan",
                ),
                M(
                    "Porcelain",
                    "unglazed biscuit porcelain",
                    1.1,
                    makers="Arita, Japan|Limoges, France",
                ),
                M(
                    "Glass",
                    "mouth-blown glass",
                    1.2,
                    makers="Murano, Italy|Nový Bor, Czech Republic",
                    care="Hand wash in warm water; dry with a linen cloth.",
                ),
                M(
                    "Terracotta",
                    "burnished terracotta",
                    0.8,
                    makers="Impruneta, Italy|Caldas da Rainha, Portugal",
                ),
                M(
                    "Alabaster",
                    "hand-turned alabaster",
                    1.5,
                    makers="Volterra, Italy",
                    care="Dust with a dry cloth; use a glass liner for fresh flowers.",
                ),
            ),
            styles=_split("Fluted|Ribbed|Ovoid|Tall|Low|Dimpled|Column|Pebble"),
            makers=_split(
                "Bassano del Grappa, Italy|Caldas da Rainha, Portugal|Bizen, Japan|"
                "Murano, Italy|Volterra, Italy"
            ),
            craft=_split(
                "a family workshop|a small studio of potters|third-generation artisans|"
                "a master maker and two apprentices"
            ),
            notes=_split(
                "The glaze pools softly at the shoulder, so the colour deepens where the "
                "form turns.|Each piece is finished by hand, so no two are quite alike.|A "
                "weighted base keeps it steady under tall stems.|Watertight inside, for "
                "fresh flowers as well as dried.|Its proportions were drawn from an "
                "eighteenth-century apothecary jar."
            ),
            uses=_split(
                "Beautiful with a single branch, and complete on its own.|Group it with "
                "smaller vessels along a mantel or a long table.|A considered "
                "housewarming gift."
            ),
            dimensions=_split(
                "H 28 cm × Ø 14 cm|H 22 cm × Ø 12 cm|H 36 cm × Ø 18 cm|H 18 cm × Ø 10 cm"
            ),
            care=_split(
                "Wipe clean with a soft, damp cloth; not for the dishwasher.|Rinse with "
                "warm water; dry inside before storing."
            ),
            colours=_colours(
                "Ivory #efe8dc|Chalk #e6e1d8|Sand #cdb89a|Celadon #a9c3b0|"
                "Terracotta #b5654a|Ink #2a3040|Smoke #7d7a72|Amber #c58b3a"
            ),
            prices=(65, 480),
            pose="on a stone ledge, front view",
            detail="the glaze at the shoulder",
        ),
        CategorySpec(
            slug="throws-blankets",
            code="THR",
            name="Throws & Blankets",
            description="Cashmere, alpaca and linen, woven on narrow looms and washed soft.",
            motif="throw",
            forms=_split("Throw|Blanket|Travel Blanket|Bed Throw"),
            materials=(
                M(
                    "Cashmere",
                    "pure Mongolian cashmere",
                    2.4,
                    makers="Hawick, Scotland|Biella, Italy",
                ),
                M("Merino", "fine merino wool", 1.0, makers="Biella, Italy|Donegal, Ireland"),
                M("Alpaca", "baby alpaca", 1.4, makers="Biella, Italy"),
                M(
                    "Linen",
                    "stonewashed Belgian linen",
                    0.8,
                    makers="Guimarães, Portugal|Kaunas, Lithuania",
                ),
                M("Mohair", "brushed kid mohair", 1.2, makers="Hawick, Scotland|Donegal, Ireland"),
                M(
                    "Lambswool",
                    "Shetland lambswool",
                    0.9,
                    makers="Hawick, Scotland|Donegal, Ireland",
                ),
            ),
            styles=_split("Herringbone|Waffle|Ribbed|Honeycomb|Fringed|Windowpane|Brushed"),
            makers=_split(
                "Hawick, Scotland|Biella, Italy|Donegal, Ireland|Guimarães, Portugal|"
                "Kaunas, Lithuania"
            ),
            craft=_split(
                "a mill that has woven since 1887|a family weaving house|weavers working "
                "on narrow looms|a small cooperative mill"
            ),
            notes=_split(
                "Woven on narrow looms and finished with a hand-twisted fringe.|Washed "
                "after weaving for a soft, settled hand.|Light enough for summer evenings, "
                "warm enough for January.|Generous enough to cover a sofa or the foot of "
                "a king bed."
            ),
            uses=_split(
                "Fold it over the arm of a chair and it will be used every day.|A gift "
                "for someone who is always a little cold.|Takes kindly to long car "
                "journeys and cold stadiums."
            ),
            dimensions=_split("See size; weighs about 900 g|See size; fringe 8 cm"),
            care=_split(
                "Dry clean, or hand wash cold and dry flat.|Store folded with cedar; never hang."
            ),
            colours=_colours(
                "Oat #d8cbb3|Ivory #efe8dc|Camel #b8895a|Charcoal #3a3a3a|Sage #9caf88|"
                "Rust #9c4a2f|Indigo #2e3a5c|Blush #e4c2b6"
            ),
            prices=(145, 560),
            sizes=_split("130 × 180 cm|150 × 220 cm"),
            size_steps=(1.0, 1.3),
            size_chance=0.7,
            pose="folded, front view",
            detail="the weave and fringe",
        ),
        CategorySpec(
            slug="cushions",
            code="CUS",
            name="Cushions",
            description="Linen, velvet and bouclé covers with feather-and-down inserts.",
            motif="cushion",
            forms=_split("Cushion|Lumbar Cushion|Square Cushion|Floor Cushion"),
            materials=(
                M("Linen", "washed French linen", makers="Lyon, France|Lisbon, Portugal"),
                M("Velvet", "cotton velvet", 1.2, makers="Lyon, France|Como, Italy"),
                M("Bouclé", "wool bouclé", 1.3, makers="Biella, Italy|Lyon, France"),
                M("Silk", "washed silk", 1.5, makers="Como, Italy"),
                M("Block-Print", "hand-blocked cotton", 0.9, makers="Jaipur, India"),
            ),
            styles=_split("Piped|Knife-Edge|Quilted|Striped|Fringed|Channel|Embroidered"),
            makers=_split("Jaipur, India|Como, Italy|Lisbon, Portugal|Lyon, France"),
            craft=_split(
                "a small sewing atelier|a family textile house|a cushion maker and two seamstresses"
            ),
            notes=_split(
                "The cover closes with a hidden zip and comes off for cleaning.|Filled "
                "with a generous feather-and-down insert that holds its shape.|Finished "
                "with contrast piping in a tone just darker than the cloth.|The cloth is "
                "washed before sewing, so it will not shrink."
            ),
            uses=_split(
                "Layer two sizes on a sofa, or one on a reading chair.|Mix it with "
                "plains in the same family of colour.|An easy way to change a room with "
                "the season."
            ),
            dimensions=_split("See size; insert included"),
            care=_split(
                "Dry clean the cover; air the insert in the sun.|Cover washable at 30 °C; "
                "reshape while damp."
            ),
            colours=_colours(
                "Oat #d8cbb3|Moss #5e6b45|Terracotta #b5654a|Indigo #2e3a5c|Ivory #efe8dc|"
                "Ochre #c9a043|Blush #e4c2b6|Bordeaux #5e1f2b"
            ),
            prices=(68, 295),
            sizes=_split("45 × 45 cm|55 × 55 cm|30 × 50 cm"),
            size_steps=(1.0, 1.2, 0.9),
            size_chance=0.6,
            pose="standing upright, front view",
            detail="the piping and weave",
        ),
        CategorySpec(
            slug="candles-home-scent",
            code="CAN",
            name="Candles & Home Scent",
            description="Plant-wax candles poured by hand in Grasse and Florence.",
            motif="candle",
            forms=_split("Candle|Scented Candle|Three-Wick Candle|Travel Candle"),
            materials=(
                M("Ceramic", "a glazed ceramic vessel"),
                M("Glass", "a hand-poured glass vessel", 0.9),
                M("Stone", "a turned travertine vessel", 1.4),
            ),
            styles=_split(
                "Fig Leaf|Cedar & Smoke|Neroli|Black Tea|Tuberose|Vetiver|Amber Resin|"
                "Sea Salt & Sage|Orange Blossom|Wild Mint|Tomato Leaf|Rose & Oud"
            ),
            makers=_split("Grasse, France|Apt, France|Florence, Italy"),
            craft=_split("a family perfumer|a small candle workshop|a master perfumer"),
            notes=_split(
                "A cotton wick and a plant-wax blend burn clean, slow and even.|Burns for "
                "around 55 hours.|The scent is composed in Grasse and blended in small "
                "batches.|The vessel is made to outlive the candle: keep it for pens or a "
                "small posy."
            ),
            uses=_split(
                "Light it an hour before guests arrive.|A house gift that is always "
                "used.|Quiet enough for a bedroom, generous enough for a living room."
            ),
            dimensions=_split("H 10 cm × Ø 9 cm|H 12 cm × Ø 11 cm|H 9 cm × Ø 14 cm"),
            care=_split(
                "Trim the wick to 5 mm before each lighting; never leave a burning candle "
                "unattended."
            ),
            colours=_colours(
                "Ivory #efe8dc|Smoke #6f6d68|Amber #b8772f|Sage #9caf88|Ink #2a3040|"
                "Terracotta #b5654a|Blush #e4c2b6"
            ),
            prices=(38, 185),
            sizes=_split("Classic 220 g|Grand 600 g"),
            size_steps=(1.0, 2.2),
            size_chance=0.5,
            names=("{style} {form}", "{style} {material} {form}"),
            openers=POURED,
            pose="lit, front view",
            detail="the wick and wax",
        ),
        CategorySpec(
            slug="frames-objects",
            code="FRM",
            name="Frames & Objects",
            description="Frames in oak, walnut, brass and lacquer for the pictures you keep.",
            motif="frame",
            forms=_split("Picture Frame|Photograph Frame|Frame|Easel Frame"),
            materials=(
                M("Oak", "solid oiled oak", makers="Copenhagen, Denmark|Florence, Italy"),
                M(
                    "Walnut",
                    "American black walnut",
                    1.2,
                    makers="Copenhagen, Denmark|Florence, Italy",
                ),
                M("Brass", "solid brushed brass", 1.4, makers="Sheffield, England|Florence, Italy"),
                M("Lacquer", "hand-lacquered wood", 1.3, makers="Kyoto, Japan"),
                M("Silver", "sterling-silver plate", 1.8, makers="Sheffield, England"),
                M("Linen", "linen-wrapped board", 0.7, makers="Florence, Italy|Kyoto, Japan"),
            ),
            styles=_split("Slim|Deep-Set|Bevelled|Gallery|Float|Rounded"),
            makers=_split("Florence, Italy|Copenhagen, Denmark|Kyoto, Japan|Sheffield, England"),
            craft=_split("a framer's workshop|a small joinery|a frame maker working alone"),
            notes=_split(
                "Glazed with clear, low-iron glass that shows true colour.|Mitred by "
                "hand and backed in acid-free board.|Stands on a desk or hangs; both "
                "fittings are included.|The moulding is cut from a single length so the "
                "grain runs round the corners."
            ),
            uses=_split(
                "For the photograph that deserves better than a phone.|Arrange several "
                "along a shelf, leaning.|A wedding or graduation gift with staying power."
            ),
            dimensions=_split("See size for the picture; the frame adds 3 cm each side"),
            care=_split("Dust with a dry cloth; polish metal sparingly."),
            colours=_colours(
                "Natural #c9a97a|Walnut #6e4a33|Brass #b08d57|Ink #2a3040|Sage #9caf88|"
                "Oxblood #5a1f22|Silver #c3c5c8"
            ),
            prices=(48, 285),
            sizes=_split("4 × 6 in|5 × 7 in|8 × 10 in"),
            size_steps=(1.0, 1.2, 1.6),
            size_chance=0.8,
            pose="standing on a desk, front view",
            detail="the mitred corner",
        ),
    ),
)

TABLE = DepartmentSpec(
    "table-kitchen",
    "Table & Kitchen",
    "Set a table people remember.",
    "Porcelain from Limoges, glass from Murano, linen from the Baltic: the things that "
    "make an ordinary supper feel like an occasion.",
    (
        CategorySpec(
            slug="dinnerware",
            code="DIN",
            name="Dinnerware",
            description="Plates in porcelain, stoneware and bone china, to mix or to match.",
            motif="plate",
            forms=_split("Dinner Plate|Side Plate|Charger|Salad Plate|Dessert Plate"),
            materials=(
                M("Porcelain", "fine Limoges porcelain", 1.2, makers="Limoges, France"),
                M(
                    "Stoneware",
                    "reactive-glaze stoneware",
                    makers="Alcobaça, Portugal|Stoke-on-Trent, England|Arita, Japan",
                ),
                M(
                    "Earthenware",
                    "hand-painted earthenware",
                    0.9,
                    makers="Deruta, Italy|Alcobaça, Portugal",
                    care="Hand wash; not for the microwave.",
                ),
                M("Bone China", "fine bone china", 1.3, makers="Stoke-on-Trent, England"),
            ),
            styles=_split("Scalloped|Rimmed|Coupe|Speckled|Gilded|Hand-Painted|Embossed"),
            makers=_split(
                "Limoges, France|Stoke-on-Trent, England|Arita, Japan|Deruta, Italy|"
                "Alcobaça, Portugal"
            ),
            craft=_split(
                "a porcelain house founded in 1863|a family pottery|painters who still "
                "work freehand"
            ),
            notes=_split(
                "Fired at high temperature for a hard, chip-resistant body.|The rim is "
                "finished by hand, so each carries a slightly different line.|Stacks "
                "neatly and sits level on the table.|The glaze breaks to a paler tone "
                "at every edge."
            ),
            uses=_split(
                "Mix it with white porcelain for an easy table.|Build a set a few pieces "
                "at a time.|A wedding-list favourite."
            ),
            dimensions=_split("Ø 27 cm|Ø 21 cm|Ø 31 cm|Ø 23 cm"),
            care=_split(
                "Dishwasher and microwave safe.|Gilded pieces by hand only; not for the microwave."
            ),
            colours=_colours(
                "White #f3f0ea|Celadon #a9c3b0|Cobalt #2f4c8f|Sand #cdb89a|Speckled Oat "
                "#d8cbb3|Ink #2a3040|Blush #e4c2b6"
            ),
            prices=(28, 145),
            sizes=_split("Single|Set of 4"),
            size_steps=(1.0, 3.6),
            size_chance=0.8,
            pose="stacked, front view",
            detail="the rim and glaze",
        ),
        CategorySpec(
            slug="serveware",
            code="SRV",
            name="Serveware",
            description="Bowls and platters in olive wood, marble and stoneware for "
            "the middle of the table.",
            motif="bowl",
            forms=_split("Serving Bowl|Salad Bowl|Fruit Bowl|Footed Bowl|Low Bowl"),
            materials=(
                M(
                    "Olive Wood",
                    "Tuscan olive wood",
                    1.1,
                    makers="Florence, Italy",
                    care="Hand wash; oil now and then with food-safe oil.",
                ),
                M(
                    "Stoneware",
                    "reactive-glaze stoneware",
                    makers="Bizen, Japan|Alcobaça, Portugal",
                    care="Dishwasher safe.",
                ),
                M(
                    "Marble",
                    "honed Carrara marble",
                    1.5,
                    makers="Carrara, Italy",
                    care="Hand wash; wipe up lemon and wine promptly, as acids mark marble.",
                ),
                M(
                    "Porcelain",
                    "fine porcelain",
                    1.0,
                    makers="Limoges, France|Arita, Japan",
                    care="Dishwasher safe.",
                ),
                M(
                    "Brass",
                    "hammered brass",
                    1.4,
                    makers="Fez, Morocco",
                    care="Hand wash; polish now and then, or let it darken.",
                ),
            ),
            styles=_split("Wide|Deep|Footed|Carved|Hammered|Low|Organic"),
            makers=_split("Florence, Italy|Carrara, Italy|Bizen, Japan|Fez, Morocco"),
            craft=_split(
                "a small studio|a family workshop|makers who have worked together for thirty years"
            ),
            notes=_split(
                "Shaped by hand, so the walls are never quite uniform.|Heavy enough to stay "
                "put, light enough to pass.|A low foot lifts it just clear of the "
                "table.|Each piece is finished by hand, so no two are quite alike."
            ),
            uses=_split(
                "Pile it with lemons between meals.|Generous enough for a salad for "
                "eight.|The centre of a long, slow lunch."
            ),
            dimensions=_split("Ø 30 cm × H 11 cm|Ø 24 cm × H 9 cm|Ø 36 cm × H 13 cm"),
            care=_split(
                "Hand wash; oil wood occasionally with food-safe oil.|Hand wash; marble "
                "marks with acid, so wipe promptly."
            ),
            colours=_colours(
                "Natural #b88b5a|White #f3f0ea|Carrara #e4e2dc|Celadon #a9c3b0|"
                "Brass #b08d57|Ink #2a3040|Rust #9c4a2f"
            ),
            prices=(58, 395),
            pose="on a table, front view",
            detail="the inside of the bowl",
        ),
        CategorySpec(
            slug="glassware",
            code="GLS",
            name="Glassware",
            description="Mouth-blown glasses and crystal from Murano, Bohemia and Provence.",
            motif="glass",
            forms=_split("Tumbler|Wine Glass|Coupe|Highball|Water Glass|Champagne Flute"),
            materials=(
                M("Crystal", "lead-free crystal", 1.3),
                M("Glass", "mouth-blown glass"),
                M("Recycled Glass", "recycled glass", 0.8),
            ),
            styles=_split("Ribbed|Faceted|Optic|Fluted|Hammered|Bubble|Etched|Twisted"),
            makers=_split("Murano, Italy|Nový Bor, Czech Republic|Biot, France|Empoli, Italy"),
            craft=_split("glassblowers working in pairs|a furnace run by one family"),
            notes=_split(
                "Blown into wooden moulds and finished at the furnace mouth.|Tiny "
                "bubbles and ripples are the mark of the hand, not flaws.|Fine at the "
                "rim, weighted at the base.|Tinted lightly, so water looks like light."
            ),
            uses=_split(
                "Right for water, wine or a short cocktail.|Give them in pairs.|They "
                "make a weeknight feel like a weekend."
            ),
            dimensions=_split("H 10 cm, 300 ml|H 19 cm, 450 ml|H 13 cm, 220 ml|H 14 cm, 380 ml"),
            care=_split("Hand wash in warm water and dry with linen.|Dishwasher safe, top rack."),
            colours=_colours(
                "Clear #dfe8e6|Smoke #8b8a84|Amber #c58b3a|Celadon #a9c3b0|Rose #d9a7a0|"
                "Cobalt #2f4c8f|Olive #8a8a4a"
            ),
            prices=(36, 210),
            sizes=_split("Set of 2|Set of 4"),
            size_steps=(1.0, 1.8),
            size_chance=0.7,
            pose="a pair, front view",
            detail="the light through the glass",
        ),
        CategorySpec(
            slug="carafes-decanters",
            code="CRF",
            name="Carafes & Decanters",
            description="For water on the table and wine on the sideboard.",
            motif="carafe",
            forms=_split("Carafe|Decanter|Water Carafe|Bedside Carafe|Pitcher"),
            materials=(
                M("Glass", "mouth-blown glass"),
                M("Crystal", "lead-free crystal", 1.4),
                M("Borosilicate", "heat-resistant borosilicate glass", 0.8),
            ),
            styles=_split("Ribbed|Fluted|Faceted|Tall|Round|Optic"),
            makers=_split("Murano, Italy|Nový Bor, Czech Republic|Biot, France"),
            craft=_split("glassblowers working in pairs|a furnace run by one family"),
            notes=_split(
                "Pours cleanly, without a drip.|Wide enough at the neck for ice and lemon.|A wide "
                "base lets wine breathe.|Blown by hand, with the slight irregularities "
                "that come with it."
            ),
            uses=_split(
                "Keep one by the bed and one on the table.|A good companion to a set "
                "of glasses.|A gift that looks as good empty."
            ),
            dimensions=_split("H 24 cm, 1 litre|H 20 cm, 750 ml|H 28 cm, 1.2 litres"),
            care=_split("Hand wash; dry upside down.|Rinse with warm water and a little vinegar."),
            colours=_colours(
                "Clear #dfe8e6|Smoke #8b8a84|Amber #c58b3a|Celadon #a9c3b0|Rose #d9a7a0"
            ),
            prices=(58, 325),
            pose="on a table, front view",
            detail="the neck",
        ),
        CategorySpec(
            slug="table-linen",
            code="LIN",
            name="Table Linen",
            description="Napkins and placemats in Baltic linen, stonewashed for softness.",
            motif="napkin",
            forms=_split("Napkins|Dinner Napkins|Cocktail Napkins|Placemats|Tea Towels"),
            materials=(
                M("Linen", "stonewashed Baltic linen"),
                M("Cotton", "long-staple cotton percale", 0.8),
                M("Linen-Cotton", "a linen and cotton blend", 0.9),
            ),
            styles=_split("Hemstitched|Fringed|Striped|Checked|Embroidered|Scalloped|Plain"),
            makers=_split("Kaunas, Lithuania|Guimarães, Portugal|Lyon, France"),
            craft=_split("a family linen house|a small weaving mill|embroiderers working by hand"),
            notes=_split(
                "Stonewashed for a soft, lived-in hand from the first use.|Finished "
                "with mitred corners and a deep hem.|Gets softer with every wash.|"
                "Generous enough to cover a lap."
            ),
            uses=_split(
                "Mix colours around the table.|Pair with plain white for everyday.|A "
                "hostess gift that outlasts the flowers."
            ),
            dimensions=_split("45 × 45 cm each|50 × 50 cm each|35 × 50 cm each"),
            care=_split("Machine wash at 40 °C; iron damp.|Machine wash; tumble dry low."),
            colours=_colours(
                "White #f3f0ea|Oat #d8cbb3|Sage #9caf88|Indigo #2e3a5c|Rust #9c4a2f|"
                "Mustard #c9a043|Blush #e4c2b6"
            ),
            prices=(38, 165),
            sizes=_split("Set of 4|Set of 8"),
            size_steps=(1.0, 1.8),
            size_chance=0.6,
            pose="folded and stacked, front view",
            detail="the hem",
        ),
    ),
)

FASHION = DepartmentSpec(
    "fashion-accessories",
    "Fashion Accessories",
    "Finishing touches, made to last.",
    "Silk from Como, leather from Florence and Ubrique, gloves from Naples and Millau: "
    "accessories from the towns that do them best.",
    (
        CategorySpec(
            slug="scarves-wraps",
            code="SCF",
            name="Scarves & Wraps",
            description="Silk twill, cashmere and fine wool, printed and woven in Como and Biella.",
            motif="scarf",
            forms=_split("Scarf|Wrap|Stole|Square|Shawl"),
            materials=(
                M("Silk Twill", "silk twill", 1.1),
                M("Cashmere", "pure cashmere", 1.8),
                M("Wool-Silk", "a fine wool and silk blend", 1.2),
                M("Linen", "washed linen", 0.8),
                M("Modal-Cashmere", "modal and cashmere", 1.0),
            ),
            styles=_split("Printed|Striped|Fringed|Jacquard|Hand-Rolled|Paisley|Ombré|Plaid"),
            makers=_split("Como, Italy|Lyon, France|Biella, Italy|Varanasi, India"),
            craft=_split("printers working screen by screen|a family mill|weavers and finishers"),
            notes=_split(
                "The edges are rolled and stitched by hand.|Screen-printed in up to "
                "fourteen colours, one screen at a time.|Light enough to wear all "
                "year.|Folds small enough for a coat pocket."
            ),
            uses=_split(
                "Knot it at the neck, tie it to a bag, or wear it in your hair.|The gift "
                "that fits everyone.|Worth keeping for a generation."
            ),
            dimensions=_split("See size|See size; fringe 6 cm"),
            care=_split("Dry clean only.|Hand wash cold with a little shampoo; dry flat."),
            colours=_colours(
                "Ivory #efe8dc|Navy #232c46|Camel #b8895a|Bordeaux #5e1f2b|Sage #9caf88|"
                "Saffron #d99a2b|Powder Blue #a9bfd0|Rose #c98f8a"
            ),
            prices=(85, 695),
            sizes=_split("70 × 70 cm|90 × 90 cm|70 × 200 cm"),
            size_steps=(1.0, 1.3, 1.5),
            size_chance=0.5,
            pose="draped, front view",
            detail="the hand-rolled edge",
            side="lit from the right",
        ),
        CategorySpec(
            slug="handbags",
            code="BAG",
            name="Handbags",
            description="Structured and soft bags in calfskin and suede, cut and "
            "stitched in Florence and Ubrique.",
            motif="handbag",
            forms=_split(
                "Tote|Top-Handle Bag|Crossbody Bag|Clutch|Bucket Bag|Shoulder Bag|Saddle Bag"
            ),
            materials=(
                M("Calfskin", "smooth Italian calfskin"),
                M("Pebbled Leather", "pebbled calf leather", 0.95),
                M("Suede", "soft goat suede", 0.9),
                M("Nappa", "supple nappa leather", 1.1),
                M("Canvas", "waxed cotton canvas with leather trim", 0.6),
            ),
            styles=_split("Structured|Soft|Mini|Classic|Folded|Half-Moon|East-West"),
            makers=_split("Florence, Italy|Ubrique, Spain|Scandicci, Italy|Walsall, England"),
            craft=_split(
                "a leather workshop of eleven artisans|a family atelier|a master leatherworker"
            ),
            notes=_split(
                "Edges are painted by hand in five coats.|Lined in suede, with an inner "
                "zip pocket.|The hardware is solid brass, polished by hand.|Takes a "
                "phone, a wallet, keys and a paperback."
            ),
            uses=_split(
                "From the office to dinner without a second thought.|Will soften and "
                "darken beautifully with use.|A bag to hand down."
            ),
            dimensions=_split(
                "W 30 cm × H 22 cm × D 11 cm|W 24 cm × H 16 cm × D 8 cm|"
                "W 36 cm × H 28 cm × D 14 cm|W 27 cm × H 13 cm × D 4 cm"
            ),
            care=_split(
                "Keep in its dust bag; wipe with a dry cloth.|Condition the leather twice a year."
            ),
            colours=_colours(
                "Black #1b1b1b|Cognac #9a5b2e|Chestnut #6e3f24|Bone #e8e0d0|Navy #232c46|"
                "Forest #2f4a3a|Oxblood #4a1c1c|Taupe #8b7b6b"
            ),
            prices=(295, 1400),
            pose="front view",
            detail="the clasp and stitching",
        ),
        CategorySpec(
            slug="gloves",
            code="GLV",
            name="Gloves",
            description="Leather gloves cut, stitched and lined by hand in Naples and Millau.",
            motif="gloves",
            forms=_split("Gloves|Driving Gloves|Evening Gloves|Gauntlet Gloves"),
            materials=(
                M("Lambskin", "Italian lambskin"),
                M("Deerskin", "soft deerskin", 1.3),
                M("Suede", "goat suede", 0.9),
                M("Nappa", "nappa leather", 1.1),
            ),
            styles=_split("Cashmere-Lined|Silk-Lined|Unlined|Perforated|Stitched|Button"),
            makers=_split("Naples, Italy|Millau, France|Yeovil, England"),
            craft=_split(
                "a glove maker whose family has cut leather since 1923|a small Neapolitan workshop"
            ),
            notes=_split(
                "Each pair passes through some twenty-five pairs of hands.|Cut by hand "
                "and stretched to fit.|The thumb is cut separately, so the glove moves "
                "with the hand.|"
                "Fingertips are stitched so that a phone still answers."
            ),
            uses=_split(
                "Order your usual glove size; they are cut true.|A winter gift that "
                "will be worn for years."
            ),
            dimensions=_split("See size; cuff 6 cm|See size; cuff 10 cm"),
            care=_split("Wipe with a dry cloth; let them dry naturally if wet."),
            colours=_colours(
                "Black #1b1b1b|Cognac #9a5b2e|Chestnut #6e3f24|Bordeaux #5e1f2b|"
                "Navy #232c46|Stone #bdb3a3|Forest #2f4a3a"
            ),
            prices=(95, 345),
            sizes=_split("6½|7|7½|8|8½"),
            pose="a pair, front view",
            detail="the stitching on the back of the hand",
        ),
        CategorySpec(
            slug="small-leather-goods",
            code="SLG",
            name="Small Leather Goods",
            description="Card cases, wallets and passport covers in vegetable-tanned leather.",
            motif="wallet",
            forms=_split("Card Case|Wallet|Passport Cover|Key Pouch|Coin Purse|Zip Wallet"),
            materials=(
                M("Calfskin", "smooth calfskin"),
                M("Cross-Grain", "cross-grain calfskin", 1.05),
                M("Bridle Leather", "English bridle leather", 1.2),
                M("Vegetable-Tanned", "vegetable-tanned leather", 0.95),
            ),
            styles=_split("Slim|Classic|Zip|Bifold|Compact|Travel"),
            makers=_split("Florence, Italy|Ubrique, Spain|Walsall, England"),
            craft=_split("a family atelier|a master leatherworker|a small leather workshop"),
            notes=_split(
                "Edges are painted by hand in five coats.|Stitched with waxed linen "
                "thread.|Slim enough for a jacket pocket.|The leather will darken to a "
                "rich patina."
            ),
            uses=_split(
                "Can be embossed with initials at no charge.|A first good wallet, or a "
                "last.|A quiet gift that gets used every day."
            ),
            dimensions=_split("10 × 7 cm|11 × 9 cm|14 × 10 cm|19 × 10 cm"),
            care=_split("Keep away from water; condition once a year."),
            colours=_colours(
                "Black #1b1b1b|Cognac #9a5b2e|Navy #232c46|Forest #2f4a3a|Bone #e8e0d0|"
                "Oxblood #4a1c1c|Saffron #d99a2b"
            ),
            prices=(65, 395),
            pose="front view",
            detail="the stitching",
        ),
        CategorySpec(
            slug="belts",
            code="BLT",
            name="Belts",
            description="Belts in bridle leather and suede with solid brass and silver buckles.",
            motif="belt",
            forms=_split("Belt|Skinny Belt|Waist Belt|Reversible Belt"),
            materials=(
                M("Bridle Leather", "English bridle leather"),
                M("Calfskin", "smooth calfskin", 0.95),
                M("Suede", "calf suede", 0.9),
                M("Woven Leather", "hand-woven leather strips", 1.1),
            ),
            styles=_split(
                "Brass-Buckle|Silver-Buckle|Horseshoe-Buckle|Tapered|Double-Ring|Classic"
            ),
            makers=_split("Walsall, England|Florence, Italy|Ubrique, Spain"),
            craft=_split("a saddler's workshop|a family leather house"),
            notes=_split(
                "Cut from a single length of leather, never spliced.|The buckle is "
                "solid brass and will patinate gently.|Edges are bevelled, burnished "
                "and waxed.|Five holes, spaced for a true fit."
            ),
            uses=_split(
                "Choose your usual trouser size.|Wears in, never out.|A gift for "
                "someone who has everything but a good belt."
            ),
            dimensions=_split("Width 3 cm|Width 2 cm|Width 3.5 cm"),
            care=_split("Wipe clean; condition leather twice a year."),
            colours=_colours(
                "Black #1b1b1b|Cognac #9a5b2e|Chestnut #6e3f24|Navy #232c46|Taupe #8b7b6b"
            ),
            prices=(95, 395),
            sizes=_split("S (75 cm)|M (85 cm)|L (95 cm)"),
            pose="hanging from a brass peg, front view",
            detail="the buckle",
            side="lit from the right",
        ),
    ),
)

JEWELLERY = DepartmentSpec(
    "jewellery",
    "Jewellery",
    "Fine pieces for every day.",
    "Recycled gold, sterling silver and carefully chosen stones, set by hand in "
    "Valenza, Jaipur and Providence.",
    (
        CategorySpec(
            slug="rings",
            code="RNG",
            name="Rings",
            description="Bands, signets and stacking rings in recycled gold and silver.",
            motif="ring",
            forms=_split("Ring|Signet Ring|Band|Stacking Ring|Cocktail Ring"),
            materials=(
                M("Gold", "recycled 18-karat gold", 2.4),
                M("Silver", "sterling silver", 0.6),
                M("Vermeil", "gold vermeil over sterling silver", 0.9),
                M("14k Gold", "recycled 14-karat gold", 1.6),
            ),
            styles=_split("Hammered|Twisted|Moonstone|Garnet|Onyx|Pearl|Topaz|Knot|Dome|Pavé"),
            makers=_split(
                "Valenza, Italy|Jaipur, India|Providence, Rhode Island|Birmingham, England"
            ),
            craft=_split("a master setter|a small bench of goldsmiths|a family jeweller"),
            notes=_split(
                "Cast from recycled metal and finished by hand.|Stones are set by eye "
                "under a loupe.|Comfortable to wear every day.|Polished to a soft "
                "gleam rather than a mirror."
            ),
            uses=_split(
                "Stack it with others or wear it alone.|Can be resized once, free of "
                "charge.|Arrives in a linen box, ready to give."
            ),
            dimensions=_split("Band width 2 mm|Band width 4 mm|Face 10 × 8 mm|Stone 6 mm"),
            care=_split("Polish with a soft cloth; remove before swimming."),
            colours=_colours(
                "Yellow Gold #d4b06a|Rose Gold #d19a84|White Gold #dedcd6|Silver #c3c5c8"
            ),
            prices=(85, 1400),
            sizes=_split("US 5|US 6|US 7|US 8"),
            names=("{style} {material} {form}", "{style} {form}", "{collection} {form}"),
            pose="on a stone plinth, front view",
            detail="the setting",
        ),
        CategorySpec(
            slug="necklaces",
            code="NCK",
            name="Necklaces",
            description="Chains, pendants and lockets, fine enough to layer.",
            motif="necklace",
            forms=_split("Necklace|Pendant|Chain|Locket|Choker"),
            materials=(
                M("Gold", "recycled 18-karat gold", 2.4),
                M("Silver", "sterling silver", 0.6),
                M("Vermeil", "gold vermeil over sterling silver", 0.9),
            ),
            styles=_split("Pearl|Moonstone|Herringbone|Paperclip|Coin|Teardrop|Bar|Curb|Initial"),
            makers=_split("Valenza, Italy|Jaipur, India|Providence, Rhode Island|Arezzo, Italy"),
            craft=_split("a family of chain makers|a small bench of goldsmiths|a master setter"),
            notes=_split(
                "The clasp is sized for fingers, not tweezers.|Links are soldered shut, "
                "one at a time.|Fine enough to layer with others.|Every link is "
                "checked by hand before it leaves the bench."
            ),
            uses=_split(
                "Wear it close or long.|Layers beautifully with a finer chain.|Arrives "
                "in a linen box, ready to give."
            ),
            dimensions=_split("Pendant 12 mm|Pendant 18 × 10 mm|Chain 1.5 mm"),
            care=_split("Store flat; polish with a soft cloth."),
            colours=_colours("Yellow Gold #d4b06a|Rose Gold #d19a84|Silver #c3c5c8"),
            prices=(95, 1250),
            sizes=_split("40 cm|45 cm|50 cm"),
            size_steps=(1.0, 1.05, 1.1),
            size_chance=0.7,
            names=("{style} {material} {form}", "{style} {form}", "{collection} {form}"),
            pose="on a linen bust, front view",
            detail="the pendant",
        ),
        CategorySpec(
            slug="earrings",
            code="EAR",
            name="Earrings",
            description="Studs, hoops and drops to wear every day or every evening.",
            motif="earrings",
            forms=_split("Earrings|Drop Earrings|Hoops|Studs|Huggies"),
            materials=(
                M("Gold", "recycled 18-karat gold", 2.2),
                M("Silver", "sterling silver", 0.6),
                M("Vermeil", "gold vermeil over sterling silver", 0.9),
            ),
            styles=_split("Pearl|Moonstone|Hammered|Sculpted|Teardrop|Garnet|Twisted|Orb"),
            makers=_split("Valenza, Italy|Jaipur, India|Providence, Rhode Island"),
            craft=_split("a small bench of goldsmiths|a master setter|a family jeweller"),
            notes=_split(
                "Light enough to forget you are wearing them.|Posts are nickel-free and "
                "safe for sensitive ears.|Each pair is matched by hand.|Closes with a "
                "secure hinged catch."
            ),
            uses=_split(
                "Day to evening without changing.|The easiest gift in jewellery.|Arrives "
                "in a linen box, ready to give."
            ),
            dimensions=_split("Drop 25 mm|Ø 15 mm|Ø 6 mm|Drop 40 mm"),
            care=_split("Store apart so they do not scratch; polish with a soft cloth."),
            colours=_colours("Yellow Gold #d4b06a|Rose Gold #d19a84|Silver #c3c5c8"),
            prices=(75, 1150),
            names=("{style} {material} {form}", "{style} {form}", "{collection} {form}"),
            pose="hanging from a brass bar, front view",
            detail="the drop",
        ),
        CategorySpec(
            slug="bracelets",
            code="BRC",
            name="Bracelets",
            description="Bangles, cuffs and chains to wear alone or stacked.",
            motif="bracelet",
            forms=_split("Bangle|Cuff|Chain Bracelet|Bracelet|Beaded Bracelet"),
            materials=(
                M("Gold", "recycled 18-karat gold", 2.4),
                M("Silver", "sterling silver", 0.6),
                M("Vermeil", "gold vermeil over sterling silver", 0.9),
                M("Enamel", "enamel on brass", 0.7),
            ),
            styles=_split("Hammered|Twisted|Knot|Slim|Sculpted|Woven|Pearl|Link"),
            makers=_split("Valenza, Italy|Jaipur, India|Providence, Rhode Island|Arezzo, Italy"),
            craft=_split("a small bench of goldsmiths|a family jeweller"),
            notes=_split(
                "Shaped by hand over a steel mandrel.|Closes with a "
                "box clasp you can fasten one-handed.|Stacks with a watch.|Finished "
                "by hand to a soft gleam."
            ),
            uses=_split(
                "Wear one, or three.|A gift to mark something.|Arrives in a linen box, "
                "ready to give."
            ),
            dimensions=_split("Width 3 mm|Width 8 mm|Width 20 mm"),
            care=_split("Polish with a soft cloth; remove before swimming."),
            colours=_colours(
                "Yellow Gold #d4b06a|Rose Gold #d19a84|Silver #c3c5c8|Ivory Enamel #efe8dc"
            ),
            prices=(85, 1350),
            sizes=_split("S|M|L"),
            size_chance=0.6,
            names=("{style} {material} {form}", "{style} {form}", "{collection} {form}"),
            pose="on a stone plinth, front view",
            detail="the finish of the metal",
        ),
        CategorySpec(
            slug="watches",
            code="WCH",
            name="Watches",
            description="Small-series watches assembled in the Jura, on leather straps.",
            motif="watch",
            forms=_split("Watch|Automatic Watch|Dress Watch|Field Watch"),
            materials=(
                M("Steel", "a brushed stainless-steel case", 1.0),
                M("Gold-Tone", "a gold-tone steel case", 1.1),
                M("Titanium", "a titanium case", 1.3),
            ),
            styles=_split("Slim|Classic|Moonphase|Small-Seconds|Sector|Cushion-Case"),
            makers=_split("La Chaux-de-Fonds, Switzerland|Biel, Switzerland|Glashütte, Germany"),
            craft=_split("a small independent atelier|watchmakers working in series of fifty"),
            notes=_split(
                "A sapphire crystal over a dial printed in many passes.|Water resistant "
                "to 50 metres.|The strap changes without tools.|Regulated by hand in "
                "five positions."
            ),
            uses=_split(
                "Reads at a glance; dresses up or down.|A watch to mark a milestone.|"
                "Engraving on the caseback is free."
            ),
            dimensions=_split("Case 36 mm|Case 38 mm|Case 40 mm"),
            care=_split("Service every five years; keep away from strong magnets."),
            colours=_colours(
                "Black #1b1b1b|Cognac #9a5b2e|Navy #232c46|Forest #2f4a3a|Taupe #8b7b6b|"
                "Bordeaux #5e1f2b"
            ),
            prices=(295, 1400),
            sizes=_split("36 mm|40 mm"),
            size_steps=(1.0, 1.08),
            size_chance=0.5,
            names=(
                "{style} {material} {form}",
                "{collection} {form}",
                "{collection} {style} {form}",
            ),
            pose="front view",
            detail="the dial",
        ),
    ),
)

BATH = DepartmentSpec(
    "bath-body",
    "Bath & Body",
    "Small rituals, morning and evening.",
    "Olive-oil soaps from Marseille, oils from Grasse and towels woven in Denizli: "
    "everything for a slower bath.",
    (
        CategorySpec(
            slug="soaps",
            code="SOP",
            name="Soaps",
            description="Cold-process soaps, cured for weeks, in gentle plant scents.",
            motif="soap",
            forms=_split("Soap|Bar Soap|Guest Soaps|Soap Trio"),
            materials=(
                M("Olive Oil", "cold-pressed olive oil"),
                M("Marseille", "72% olive oil, in the Marseille way", makers="Marseille, France"),
                M("Goat's Milk", "fresh goat's milk and olive oil", 1.1),
                M("Laurel", "laurel-berry and olive oils", 1.2),
            ),
            styles=_split(
                "Fig|Vetiver|Lavender|Rose Geranium|Oat & Honey|Bergamot|Cedar|Sea Salt|Verbena"
            ),
            makers=_split("Marseille, France|Grasse, France|Porto, Portugal"),
            craft=_split("a soap works in its fourth generation|a small soap maker"),
            notes=_split(
                "Cured for six weeks, so it lasts.|Gentle enough for the face.|Scented "
                "with essential oils only.|Wrapped in waxed paper and sealed by hand."
            ),
            uses=_split(
                "Keep one by every basin.|A small gift that is always welcome.|Let it "
                "dry between uses and it will last for months."
            ),
            dimensions=_split("150 g bar|100 g bar|3 × 50 g bars"),
            care=_split("Keep on a draining dish."),
            colours=_colours(
                "Ivory #efe8dc|Oat #d8cbb3|Sage #9caf88|Lavender #b8aed0|Rose #d9a7a0|"
                "Charcoal #3a3a3a|Honey #d9a85b"
            ),
            prices=(18, 58),
            sizes=_split("Single|Set of 3"),
            size_steps=(1.0, 2.6),
            size_chance=0.6,
            names=("{style} {material} {form}", "{style} {form}"),
            openers=SOAPED,
            materials_label="Ingredients",
            pose="stacked, front view",
            detail="the stamped face",
        ),
        CategorySpec(
            slug="bath-body-oils",
            code="OIL",
            name="Bath & Body Oils",
            description="Oils, washes and lotions from Grasse, in amber and smoke glass.",
            motif="bottle",
            forms=_split("Body Oil|Bath Oil|Hand Wash|Hand Lotion|Body Wash"),
            materials=(
                M("Botanical", "a botanical blend", 1.0),
                M("Sweet Almond", "sweet almond and jojoba oils", 1.1),
                M("Aloe", "aloe and glycerine", 0.8),
            ),
            styles=_split(
                "Neroli|Vetiver|Fig Leaf|Rose|Black Pepper|Sandalwood|Bergamot|Sea Fennel"
            ),
            makers=_split("Grasse, France|Florence, Italy|Porto, Portugal"),
            craft=_split("a family perfumer|a small apothecary"),
            notes=_split(
                "Absorbs quickly and leaves no film.|Free of synthetic fragrance.|The "
                "scent is composed in Grasse and blended in small batches.|Bottled in "
                "glass that keeps out the light."
            ),
            uses=_split(
                "A few drops in a warm bath.|Keep one by the kitchen sink and one by "
                "the bath.|A gift that feels generous."
            ),
            dimensions=_split("See size"),
            care=_split("Store out of direct sunlight."),
            colours=_colours(
                "Amber #a8652a|Smoke #5f5e5a|Frosted #e3e6e2|Cobalt #2f4c8f|Olive #6b6b3a"
            ),
            prices=(28, 125),
            sizes=_split("100 ml|250 ml"),
            size_steps=(1.0, 1.8),
            size_chance=0.7,
            names=("{style} {form}", "{collection} {style} {form}"),
            openers=BLENDED,
            materials_label="Ingredients",
            pose="front view",
            detail="the cap",
        ),
        CategorySpec(
            slug="towels",
            code="TWL",
            name="Towels",
            description="Turkish cotton and linen towels, woven dense and soft.",
            motif="towel",
            forms=_split("Bath Towel|Hand Towel|Bath Sheet|Towel Set|Guest Towels"),
            materials=(
                M("Turkish Cotton", "long-staple Turkish cotton", makers="Denizli, Turkey"),
                M("Linen", "washed linen", 1.2),
                M("Waffle", "waffle-weave cotton", 0.9),
                M("Organic Cotton", "organic cotton terry", 1.0),
            ),
            styles=_split("Ribbed|Striped|Bordered|Plain|Jacquard|Fringed"),
            makers=_split("Denizli, Turkey|Guimarães, Portugal|Kaunas, Lithuania"),
            craft=_split("a family weaving mill|a cooperative mill"),
            notes=_split(
                "Dense 700 gsm terry that dries quickly.|Gets softer with every "
                "wash.|Finished with a woven band.|Long-staple cotton, so it does not "
                "shed."
            ),
            uses=_split(
                "Buy two of each, for the wash.|Stack them on a stool by the bath.|A "
                "generous housewarming gift."
            ),
            dimensions=_split("See size"),
            care=_split("Machine wash at 40 °C; tumble dry low.|Wash before first use."),
            colours=_colours(
                "White #f3f0ea|Oat #d8cbb3|Sage #9caf88|Slate #5c6670|Blush #e4c2b6|"
                "Navy #232c46|Terracotta #b5654a"
            ),
            prices=(28, 145),
            sizes=_split("Hand|Bath|Bath Sheet"),
            size_steps=(1.0, 1.6, 2.1),
            size_chance=0.7,
            pose="folded and stacked, front view",
            detail="the woven band",
        ),
        CategorySpec(
            slug="bath-salts-soaks",
            code="SLT",
            name="Bath Salts & Soaks",
            description="Mineral salts, soaks and scrubs in stoneware jars.",
            motif="jar",
            forms=_split("Bath Salts|Bath Soak|Salt Scrub|Foot Soak|Mineral Soak"),
            materials=(
                M("Sea Salt", "Atlantic sea salt", 1.0),
                M("Magnesium", "magnesium flakes", 1.1),
                M("Dead Sea", "Dead Sea salt and sweet almond oil", 0.9),
            ),
            styles=_split("Rosemary|Eucalyptus|Lavender|Vetiver|Rose|Fig|Bergamot|Cedar"),
            makers=_split("Grasse, France|Porto, Portugal|Guérande, France"),
            craft=_split("a small apothecary|salt makers raking by hand"),
            notes=_split(
                "Hand-raked salt, scented with essential oils.|The jar is stoneware and "
                "worth keeping.|Enough for about ten baths.|Leaves skin soft, never "
                "greasy."
            ),
            uses=_split(
                "Two handfuls in a hot bath.|The end of a long week.|A thoughtful get-well gift."
            ),
            dimensions=_split("See size"),
            care=_split("Keep the lid closed; use a dry spoon."),
            colours=_colours(
                "Ivory #efe8dc|Sage #9caf88|Blush #e4c2b6|Ink #2a3040|Terracotta #b5654a"
            ),
            prices=(24, 95),
            sizes=_split("250 g|500 g"),
            size_steps=(1.0, 1.7),
            size_chance=0.6,
            names=("{style} {form}", "{style} {material} {form}"),
            openers=BLENDED,
            materials_label="Ingredients",
            pose="front view",
            detail="the salts",
        ),
    ),
)

GIFTS = DepartmentSpec(
    "gifts",
    "Gifts",
    "Chosen with care, wrapped by hand.",
    "Gift sets, stationery and keepsakes, every one wrapped in our ivory paper and "
    "tied with cotton ribbon.",
    (
        CategorySpec(
            slug="gift-sets",
            code="GFT",
            name="Gift Sets",
            description="Boxes we have put together, wrapped and ready to send.",
            motif="giftbox",
            forms=_split("Gift Box|Gift Set|Discovery Set|Hamper"),
            materials=(
                M("Bath", "a candle, a bar of soap and a linen hand towel"),
                M("Host", "two glasses, linen napkins and a candle", 1.6),
                M("Tea", "loose-leaf tea, a stoneware cup and a linen tea towel", 1.0),
                M("Desk", "a notebook, a brass pen and correspondence cards", 1.3),
                M("Scent", "five scents in miniature", 0.8),
            ),
            styles=_split("Weekend|Thank You|New Home|Birthday|Winter|Celebration|Welcome"),
            makers=_split("New York, USA"),
            craft=_split("our own studio"),
            notes=_split(
                "Packed in a rigid box with a hand-tied cotton ribbon.|A handwritten "
                "card can be added at checkout.|Everything inside is full size.|The "
                "box is made to be kept."
            ),
            uses=_split(
                "Sends well, and arrives looking considered.|For when you want to get "
                "it right.|Good for clients, hosts and anyone new in town."
            ),
            dimensions=_split("Box 30 × 24 × 10 cm|Box 24 × 18 × 8 cm|Box 36 × 28 × 12 cm"),
            care=_split("See each item for care."),
            colours=_colours(
                "Ivory #efe8dc|Sage #9caf88|Ink #2a3040|Blush #e4c2b6|Bordeaux #5e1f2b"
            ),
            prices=(65, 395),
            names=("The {style} {material} {form}", "The {collection} {form}"),
            openers=PACKED,
            materials_label="Contents",
            pose="tied with ribbon, front view",
            detail="the bow",
        ),
        CategorySpec(
            slug="stationery",
            code="STN",
            name="Stationery",
            description="Notebooks, journals and cards in cloth, leather and marbled paper.",
            motif="notebook",
            forms=_split("Notebook|Journal|Sketchbook|Travel Journal|Desk Diary"),
            materials=(
                M("Leather", "a vegetable-tanned leather cover", 1.4, makers="Florence, Italy"),
                M("Cloth-Bound", "a linen cloth binding", makers="Florence, Italy|Kyoto, Japan"),
                M("Marbled", "hand-marbled paper covers", 0.9, makers="Florence, Italy"),
                M("Cotton Paper", "cotton paper made by hand", 1.1, makers="Amalfi, Italy"),
            ),
            styles=_split("Lined|Plain|Dotted|Pocket|Stitched|Deckle-Edge"),
            makers=_split("Florence, Italy|Amalfi, Italy|Kyoto, Japan"),
            craft=_split(
                "a bindery in its third generation|a small bindery|bookbinders working by hand"
            ),
            notes=_split(
                "Sewn bindings let it lie flat.|The paper takes a fountain pen without "
                "bleeding.|Corners are rounded and edges gilt.|Ribbon marker and "
                "elastic closure."
            ),
            uses=_split(
                "For lists, letters and the odd drawing.|A good start to a new year.|"
                "Can be foil-stamped with initials."
            ),
            dimensions=_split("A5, 192 pages|A6, 144 pages|A4, 192 pages"),
            care=_split("Keep dry."),
            colours=_colours(
                "Ink #2a3040|Sage #9caf88|Oxblood #5a1f22|Ochre #c9a043|Ivory #efe8dc|"
                "Powder Blue #a9bfd0"
            ),
            prices=(24, 145),
            sizes=_split("A6|A5"),
            size_steps=(0.8, 1.0),
            size_chance=0.5,
            pose="stacked, front view",
            detail="the elastic closure",
        ),
        CategorySpec(
            slug="desk-objects",
            code="DSK",
            name="Desk Objects",
            description="Pens, trays and paperweights worth leaving out.",
            motif="pen",
            forms=_split("Fountain Pen|Rollerball Pen|Ballpoint Pen|Pen and Tray"),
            materials=(
                M("Brass", "solid brass", 1.0),
                M("Resin", "hand-turned resin", 0.9),
                M("Lacquer", "urushi lacquer", 2.2, makers="Kyoto, Japan"),
                M("Ebonite", "turned ebonite", 1.3),
                M("Silver", "sterling silver", 1.8, makers="Birmingham, England"),
            ),
            styles=_split("Slim|Faceted|Classic|Fluted|Pocket|Desk"),
            makers=_split("Kyoto, Japan|Florence, Italy|Birmingham, England"),
            craft=_split("a lathe-turner working alone|a family pen maker"),
            notes=_split(
                "A steel nib, tuned by hand to write smoothly from the first line.|"
                "Takes standard international cartridges.|The weight sits in the hand, "
                "not at the end.|The barrel will patinate with use."
            ),
            uses=_split("For signatures and thank-you notes.|A graduation gift.|Can be engraved."),
            dimensions=_split("L 13.5 cm|L 14 cm|Tray 22 × 8 cm"),
            care=_split("Flush with water when changing inks."),
            colours=_colours(
                "Black #1b1b1b|Brass #b08d57|Bordeaux #5e1f2b|Forest #2f4a3a|Navy #232c46|"
                "Tortoise #7a4a2a"
            ),
            prices=(48, 495),
            pose="on a tray, front view",
            detail="the nib",
        ),
        CategorySpec(
            slug="keepsakes",
            code="KPS",
            name="Keepsakes",
            description="Lidded boxes and dishes for rings, notes and the things you keep.",
            motif="trinket",
            forms=_split("Trinket Box|Jewellery Box|Keepsake Box|Lidded Box|Ring Dish"),
            materials=(
                M("Lacquer", "hand-lacquered wood", 1.2, makers="Kyoto, Japan"),
                M("Marble", "honed marble", 1.1, makers="Carrara, Italy"),
                M("Enamel", "hand-painted enamel on copper", 1.0, makers="Limoges, France"),
                M("Walnut", "American black walnut", 1.0, makers="Florence, Italy|Kyoto, Japan"),
                M("Porcelain", "fine porcelain", 0.8, makers="Limoges, France"),
            ),
            styles=_split("Round|Oval|Domed|Fluted|Painted|Small|Footed"),
            makers=_split("Kyoto, Japan|Florence, Italy|Limoges, France|Carrara, Italy"),
            craft=_split("a lacquer workshop|a family of painters|a small stone studio"),
            notes=_split(
                "The lid sits with a quiet click.|Lined in suede, so nothing "
                "scratches.|Lacquered in many thin coats, each polished by hand.|Each "
                "piece is finished by hand, so no two are quite alike."
            ),
            uses=_split(
                "For rings by the basin, or cufflinks on a dresser.|A christening or "
                "anniversary gift.|Keeps small treasures together."
            ),
            dimensions=_split("Ø 8 cm × H 5 cm|Ø 10 cm × H 6 cm|12 × 8 × 5 cm"),
            care=_split("Dust with a dry cloth."),
            colours=_colours(
                "Ivory #efe8dc|Bordeaux #5e1f2b|Ink #2a3040|Celadon #a9c3b0|"
                "Carrara #e4e2dc|Walnut #6e4a33"
            ),
            prices=(38, 325),
            pose="lid on, front view",
            detail="the lid",
        ),
    ),
)

DEPARTMENTS: tuple[DepartmentSpec, ...] = (HOME, TABLE, FASHION, JEWELLERY, BATH, GIFTS)
CATEGORIES: tuple[tuple[DepartmentSpec, CategorySpec], ...] = tuple(
    (dept, cat) for dept in DEPARTMENTS for cat in dept.categories
)


@dataclass
class VariantDraft:
    sku: str
    colour: str
    colour_hex: str
    size: str
    price: Decimal
    compare_at_price: Decimal | None
    stock: int
    position: int


@dataclass
class ProductDraft:
    """One product as composed, before it is written."""

    index: int
    category: CategorySpec
    slug: str
    name: str
    description: str
    details: str
    art_seed: int
    age_days: float
    variants: list[VariantDraft] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (angle, alt text)
    is_featured: bool = False

    @property
    def price_from(self) -> Decimal:
        return min(v.price for v in self.variants)

    @property
    def in_stock(self) -> bool:
        return any(v.stock for v in self.variants)


def _price_point(amount: float) -> int:
    """Return the retail price point nearest ``amount``."""
    i = bisect.bisect_left(PRICE_POINTS, amount)
    neighbours = PRICE_POINTS[max(0, i - 1) : i + 1]
    return min(neighbours, key=lambda point: abs(point - amount))


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"


def _name(rng: random.Random, spec: CategorySpec, material: Material) -> tuple[str, str, str]:
    form = rng.choice(spec.forms)
    style = rng.choice(spec.styles)
    pattern = rng.choice(spec.names)
    name = pattern.format(
        style=style, material=material.short, form=form, collection=rng.choice(COLLECTIONS)
    )
    return name, form, style


def _is_plural(form: str) -> bool:
    return form.endswith("s") and not form.endswith("ss")


def _description(
    rng: random.Random, spec: CategorySpec, material: Material, form: str, style: str, town: str
) -> str:
    form_l, style_l = form.lower(), style.lower()
    plural = _is_plural(form)
    a_style = style_l if plural else f"{_article(style_l).lower()} {style_l}"
    opener = rng.choice(spec.openers).format(
        A_style=a_style[:1].upper() + a_style[1:],
        a_style=a_style,
        a_form=form_l if plural else f"{_article(form_l).lower()} {form_l}",
        style=style_l,
        form=form_l,
        material=material.copy,
        town=town,
        craft=rng.choice(spec.craft),
        this="these" if plural else "this",
        is_="are" if plural else "is",
    )
    notes = rng.sample(spec.notes, k=min(2, len(spec.notes)))
    return " ".join([opener, *notes, rng.choice(spec.uses)])


def _details(rng: random.Random, spec: CategorySpec, material: Material, maker: str) -> str:
    return "\n".join(
        [
            f"{spec.materials_label}: {material.copy[:1].upper()}{material.copy[1:]}.",
            f"Dimensions: {rng.choice(spec.dimensions)}.",
            f"Care: {material.care or rng.choice(spec.care)}",
            f"Made in {maker}.",
        ]
    )


def _variants(
    rng: random.Random, spec: CategorySpec, material: Material, sku_root: str
) -> list[VariantDraft]:
    low, high = spec.prices
    base = rng.uniform(low, high) * material.price_factor
    base = max(18.0, min(base, 1400.0))
    on_sale = rng.random() < 0.12
    if spec.sizes and rng.random() < spec.size_chance:
        colour_count = rng.choice((1, 1, 2))
        size_count = min(len(spec.sizes), max(1, 4 // colour_count))
        start = rng.randrange(0, len(spec.sizes) - size_count + 1)
        sizes = list(enumerate(spec.sizes))[start : start + size_count]
    else:
        colour_count = rng.choice((1, 2, 2, 3, 3, 4))
        sizes = [(None, "")]
    colours = rng.sample(spec.colours, k=min(colour_count, len(spec.colours)))
    drafts = []
    for colour, hex_ in colours:
        for size_index, size in sizes:
            step = spec.size_steps[size_index] if spec.size_steps and size_index is not None else 1
            price = _price_point(min(base * step, 1400.0))
            compare_at = _price_point(price * rng.uniform(1.25, 1.45)) if on_sale else None
            roll = rng.random()
            if roll < 0.07:
                stock = 0
            elif roll < 0.16:
                stock = rng.randint(1, 3)
            else:
                stock = rng.randint(4, 40)
            drafts.append(
                VariantDraft(
                    sku=f"{sku_root}-{len(drafts) + 1}",
                    colour=colour,
                    colour_hex=hex_,
                    size=size,
                    price=Decimal(price),
                    compare_at_price=Decimal(compare_at)
                    if compare_at and compare_at > price
                    else None,
                    stock=stock,
                    position=len(drafts),
                )
            )
    return drafts


def _images(
    rng: random.Random, spec: CategorySpec, name: str, colour: str
) -> list[tuple[str, str]]:
    colour = colour.lower()
    views = [("front", f"{name} in {colour}, {spec.pose}")]
    extra = rng.choice((0, 1, 1, 2, 2))
    if extra >= 1:
        views.append(("detail", f"{name} in {colour}, close view of {spec.detail}"))
    if extra >= 2:
        views.append(("side", f"{name} in {colour}, {spec.side}"))
    return [(angle, alt[:200]) for angle, alt in views]


def compose_product(
    rng: random.Random, index: int, category: CategorySpec, *, taken: set[str] | None = None
) -> ProductDraft:
    """Compose one product of ``category`` from its vocabulary.

    With ``taken`` (slugs already used), the name is redrawn until its slug is new;
    without it the slug carries the product's index instead.
    """
    material = rng.choice(category.materials)
    for _attempt in range(40):
        name, form, style = _name(rng, category, material)
        slug = slugify(name)
        if taken is None or slug not in taken:
            break
        material = rng.choice(category.materials)
    else:
        name, form, style = f"{name} No. {index}", form, style
        slug = slugify(name)
    if taken is None:
        slug = f"{slug}-{index}"
    else:
        taken.add(slug)
    maker = rng.choice(material.makers or category.makers)
    town = maker.split(",")[0]
    variants = _variants(rng, category, material, f"VV-{category.code}-{index:06d}")
    return ProductDraft(
        index=index,
        category=category,
        slug=slug[:120],
        name=name[:120],
        description=_description(rng, category, material, form, style, town),
        details=_details(rng, category, material, maker),
        art_seed=rng.randrange(1, 2**31),
        age_days=rng.uniform(0, NEW_ARRIVAL_WINDOW_DAYS),
        variants=variants,
        images=_images(rng, category, name, variants[0].colour),
    )


def demo_products() -> list[ProductDraft]:
    """Return the hand-composed demo catalogue: categories in turn, names all distinct."""
    rng = random.Random(SEED)
    taken: set[str] = set()
    drafts = [
        compose_product(rng, index, CATEGORIES[index % len(CATEGORIES)][1], taken=taken)
        for index in range(DEMO_PRODUCTS)
    ]
    by_department: dict[str, list[ProductDraft]] = {}
    for draft in drafts:
        dept = next(d for d, c in CATEGORIES if c is draft.category)
        by_department.setdefault(dept.slug, []).append(draft)
    for products in by_department.values():
        for draft in rng.sample(products, FEATURED_PER_DEPARTMENT):
            draft.is_featured = True
    return drafts


def catalogue(count: int) -> list[ProductDraft]:
    """Return ``count`` products: the demo catalogue first, then generated ones."""
    drafts = demo_products()[:count]
    for index in range(len(drafts), count):
        rng = random.Random(SEED * 1_000_003 + index)
        drafts.append(compose_product(rng, index, CATEGORIES[index % len(CATEGORIES)][1]))
    return drafts


@dataclass
class LoadReport:
    products: int = 0
    created: int = 0
    variants: int = 0
    images: int = 0
    departments: int = 0
    categories: int = 0
    seconds: float = 0.0

    def __str__(self):
        return (
            f"Demo catalogue: {self.products:,} products ({self.created:,} new), "
            f"{self.variants:,} variants, {self.images:,} images in {self.departments} "
            f"departments and {self.categories} categories, {self.seconds:.1f} s."
        )


def _upsert_departments() -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for position, spec in enumerate(DEPARTMENTS, start=1):
        department, _ = Department.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "tagline": spec.tagline,
                "description": spec.description,
                "position": position,
            },
        )
        for cat_position, cat in enumerate(spec.categories, start=1):
            categories[cat.slug], _ = Category.objects.update_or_create(
                department=department,
                slug=cat.slug,
                defaults={
                    "name": cat.name,
                    "description": cat.description,
                    "position": cat_position,
                },
            )
    return categories


PRODUCT_FIELDS = [
    "category", "name", "description", "details", "is_active", "is_featured",
    "art_motif", "art_seed", "price_from", "in_stock",
]  # fmt: skip
VARIANT_FIELDS = [
    "product", "size", "colour", "colour_hex", "price", "compare_at_price", "stock",
    "is_active", "position",
]  # fmt: skip


def _write_batch(
    drafts: list[ProductDraft], categories: dict[str, Category], now, report: LoadReport
) -> None:
    slugs = [d.slug for d in drafts]
    existing = set(Product.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    products = Product.objects.bulk_create(
        [
            Product(
                category=categories[d.category.slug],
                slug=d.slug,
                name=d.name,
                description=d.description,
                details=d.details,
                is_active=True,
                is_featured=d.is_featured,
                art_motif=d.category.motif,
                art_seed=d.art_seed,
                price_from=d.price_from,
                in_stock=d.in_stock,
            )
            for d in drafts
        ],
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=PRODUCT_FIELDS,
    )
    # auto_now_add stamps every insert with "now"; spread the new ones back in time
    # so that "new arrivals" means something. Existing rows keep their dates.
    # (One prepared UPDATE run many times: far quicker than bulk_update's CASE.)
    ops = connection.ops
    fresh = [
        (ops.adapt_datetimefield_value(now - timedelta(days=draft.age_days)), product.pk)
        for draft, product in zip(drafts, products, strict=True)
        if draft.slug not in existing
    ]
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE catalog_product SET created_at = %s WHERE id = %s", fresh)

    variants = Variant.objects.bulk_create(
        [
            Variant(
                product=product,
                sku=v.sku,
                size=v.size,
                colour=v.colour,
                colour_hex=v.colour_hex,
                price=v.price,
                compare_at_price=v.compare_at_price,
                stock=v.stock,
                is_active=True,
                position=v.position,
            )
            for draft, product in zip(drafts, products, strict=True)
            for v in draft.variants
        ],
        update_conflicts=True,
        unique_fields=["sku"],
        update_fields=VARIANT_FIELDS,
    )

    product_ids = [p.pk for p in products]
    current = {
        (image.product_id, image.position): image
        for image in ProductImage.objects.filter(product_id__in=product_ids)
    }
    to_create, to_update = [], []
    for draft, product in zip(drafts, products, strict=True):
        for position, (angle, alt_text) in enumerate(draft.images):
            image = current.pop((product.pk, position), None)
            if image is None:
                to_create.append(
                    ProductImage(product=product, position=position, angle=angle, alt_text=alt_text)
                )
            elif (image.angle, image.alt_text, image.variant_id) != (angle, alt_text, None):
                image.angle, image.alt_text, image.variant_id = angle, alt_text, None
                to_update.append(image)
    ProductImage.objects.bulk_create(to_create)
    ProductImage.objects.bulk_update(to_update, ["angle", "alt_text", "variant"], batch_size=500)
    # Views the catalogue no longer composes for these products.
    ProductImage.objects.filter(pk__in=[image.pk for image in current.values()]).delete()

    # The drafts already carry the summary; this corrects it for any variants
    # added by hand since a previous run.
    refresh_summaries(product_ids)

    report.products += len(products)
    report.created += len(fresh)
    report.variants += len(variants)
    report.images += sum(len(d.images) for d in drafts)


def refresh_summaries(product_ids: list[int] | None = None) -> int:
    """Recompute ``price_from`` and ``in_stock`` from active variants, in one UPDATE.

    The bulk counterpart of ``Product.refresh_summary``; returns the rows updated.
    """
    live_variants = Variant.objects.filter(product=OuterRef("pk"), is_active=True)
    lowest = live_variants.order_by().values("product").annotate(low=Min("price")).values("low")
    products = Product.objects.all()
    if product_ids is not None:
        products = products.filter(pk__in=product_ids)
    return products.update(
        price_from=Coalesce(Subquery(lowest), Value(Decimal("0"))),
        in_stock=Exists(live_variants.filter(stock__gt=0)),
        # Listings cache by the newest updated_at (catalog.fragments); move it on.
        updated_at=Now(),
    )


def load_demo_catalogue(count: int = DEMO_PRODUCTS) -> LoadReport:
    """Create or update the demo departments, categories and ``count`` products.

    Rows are matched by slug (departments, products), department and slug
    (categories) and SKU (variants), so a second run changes nothing it made.
    Products that already existed keep their ``created_at``.
    """
    started = time.monotonic()
    report = LoadReport()
    now = timezone.now()
    with transaction.atomic():
        categories = _upsert_departments()
        drafts = catalogue(count)
        for start in range(0, len(drafts), BATCH):
            _write_batch(drafts[start : start + BATCH], categories, now, report)
    report.departments = len(DEPARTMENTS)
    report.categories = len(categories)
    report.seconds = time.monotonic() - started
    return report
