"""Generated product artwork: valid, accessible, deterministic, coloured and cacheable SVG."""

import xml.etree.ElementTree as ET

import pytest

from vivre.catalog.art import MOTIFS, VIEWS, art_url, render_art
from vivre.catalog.testing import make_product

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str | bytes) -> ET.Element:
    # Our own generated SVG, not untrusted input.
    return ET.fromstring(svg)  # noqa: S314


@pytest.fixture
def throw(db):
    return make_product(name="Ivory Cashmere Throw", art_motif="throw", art_seed=7, variants=3)


def test_art_is_a_titled_portrait_svg_image(client, throw):
    # when
    response = client.get(art_url(throw.pk))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = _parse(response.content)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 800 1000"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Ivory Cashmere Throw"


def test_product_name_is_escaped_in_the_title(client, db):
    # given
    product = make_product(name='The "Host" <Gift> Box & Card', art_motif="giftbox")

    # when
    response = client.get(art_url(product.pk))

    # then
    assert _parse(response.content).find(f"{SVG}title").text == 'The "Host" <Gift> Box & Card'
    assert b"<Gift>" not in response.content


def test_same_url_returns_identical_bytes(client, throw):
    # when
    first = client.get(art_url(throw.pk, "detail"))
    second = client.get(art_url(throw.pk, "detail"))

    # then
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


def test_views_show_different_pictures(client, throw):
    # when
    pictures = {client.get(art_url(throw.pk, view)).content for view in VIEWS}

    # then
    assert len(pictures) == len(VIEWS)


def test_art_is_drawn_in_the_variants_colour(client, throw):
    # given
    first, second, _ = throw.variants.order_by("position")

    # when
    default = client.get(art_url(throw.pk)).content.decode()
    chosen = client.get(art_url(throw.pk, "front", second.pk)).content.decode()

    # then
    assert first.colour_hex in default and second.colour_hex not in default
    assert second.colour_hex in chosen


def test_product_without_variants_gets_a_quiet_default_colour(client, db):
    # given
    product = make_product(variants=0, art_motif="vase")

    # when
    response = client.get(art_url(product.pk))

    # then
    assert response.status_code == 200
    _parse(response.content)


@pytest.mark.parametrize(
    "url",
    ["/art/987654/front.svg", "/art/{pk}/back.svg", "/art/{pk}/front-987654.svg"],
)
def test_unknown_product_variant_or_view_is_not_found(client, throw, url):
    # when
    response = client.get(url.format(pk=throw.pk))

    # then
    assert response.status_code == 404


def test_variant_of_another_product_is_not_found(client, throw, db):
    # given
    other = make_product()

    # when
    response = client.get(art_url(throw.pk, "front", other.variants.first().pk))

    # then
    assert response.status_code == 404


def test_art_is_cached_publicly_for_a_day_with_an_etag(client, throw):
    # when
    response = client.get(art_url(throw.pk))

    # then
    assert "public" in response["Cache-Control"]
    assert "max-age=86400" in response["Cache-Control"]
    assert response["ETag"].startswith('"')


def test_matching_etag_gets_not_modified(client, throw):
    # given
    etag = client.get(art_url(throw.pk))["ETag"]

    # when
    response = client.get(art_url(throw.pk), HTTP_IF_NONE_MATCH=etag)

    # then
    assert response.status_code == 304
    assert not response.content


def test_art_costs_one_query(client, throw, django_assert_num_queries):
    # given
    variant = throw.variants.last()

    # then
    with django_assert_num_queries(1):
        client.get(art_url(throw.pk, "side", variant.pk))


def test_art_loads_nothing_from_elsewhere(client, throw):
    # when
    body = client.get(art_url(throw.pk)).content.decode()

    # then: the site's CSP allows no inline style, scripts or foreign resources
    for forbidden in (
        "<script",
        "<image",
        "<style",
        "style=",
        "href",
        "@import",
        "http://w",
        "<foreign",
    ):
        assert forbidden not in body.replace("http://www.w3.org/2000/svg", "")


def test_art_url_names_the_view_and_variant():
    # then
    assert art_url(12) == "/art/12/front.svg"
    assert art_url(12, "detail", 34) == "/art/12/detail-34.svg"


@pytest.mark.parametrize("motif", sorted(MOTIFS))
def test_every_motif_draws_valid_deterministic_svg_in_every_view(motif):
    for view in VIEWS:
        # when
        svg = render_art(
            product_id=5, title="Sample", motif=motif, seed=99, colour_hex="#9a5b2e", view=view
        )

        # then
        assert _parse(svg).tag == f"{SVG}svg"
        assert "nan" not in svg.lower()
        assert svg == render_art(
            product_id=5, title="Sample", motif=motif, seed=99, colour_hex="#9a5b2e", view=view
        )
        assert svg != render_art(
            product_id=5, title="Sample", motif=motif, seed=99, colour_hex="#2f4a3a", view=view
        )


def test_unknown_motif_and_bad_colour_still_draw():
    # when
    svg = render_art(product_id=1, title="x", motif="zeppelin", seed=0, colour_hex="red")

    # then
    assert _parse(svg).tag == f"{SVG}svg"


def test_there_are_many_motifs():
    assert len(set(MOTIFS.values())) >= 12
