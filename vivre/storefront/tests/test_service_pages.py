"""The customer service section (P24, P25), the privacy policy's promises and its date (P2)."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from vivre.storefront.markdown import render_markdown
from vivre.storefront.models import Page
from vivre.storefront.service import (
    SERVICE_PAGES,
    create_missing_pages,
    privacy_policy_revised,
    read_page_source,
)

pytestmark = pytest.mark.django_db

SLUGS = [slug for slug, _ in SERVICE_PAGES]
PROMISES = [f"p{n}" for n in range(1, 27)]
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _Outline(HTMLParser):
    """Collect the text of an element by id, the text after each heading, and the links."""

    def __init__(self, region_id=None):
        super().__init__(convert_charrefs=True)
        self.region_id = region_id
        self.region_depth = 0
        self.region_text: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.after_heading: dict[str, list[str]] = {}
        self.current_heading: str | None = None
        self.in_heading = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if self.region_depth:
            self.region_depth += 1
        elif self.region_id and attrs.get("id") == self.region_id:
            self.region_depth = 1
        if tag in HEADINGS:
            self.in_heading = True
            self.current_heading = attrs.get("id")
            if self.current_heading:
                self.after_heading[self.current_heading] = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.region_depth:
            self.region_depth -= 1

    def handle_endtag(self, tag):
        if self.region_depth:
            self.region_depth -= 1
        if tag in HEADINGS:
            self.in_heading = False

    def handle_data(self, data):
        if self.region_depth:
            self.region_text.append(data)
        if self.current_heading and not self.in_heading:
            self.after_heading[self.current_heading].append(data)


def outline(html: str, region_id=None) -> _Outline:
    parser = _Outline(region_id)
    parser.feed(html)
    return parser


def article_text(response) -> str:
    """Return the text of the page's article (its body, without navigation or footer)."""
    html = response.content.decode()
    start, end = html.index("<article"), html.index("</article>")
    return re.sub(r"<[^>]+>", " ", html[start:end])


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'’-]*", text)


@pytest.mark.promise("P25")
@pytest.mark.parametrize("slug", SLUGS)
def test_every_service_page_has_real_content(client, slug):
    # given the pages the migration created
    page = Page.objects.get(slug=slug)

    # when a customer opens the page
    response = client.get(f"/service/{slug}/")

    # then it shows its title and several paragraphs of text
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<h1 id="service-title">{page.title}</h1>' in body
    text = article_text(response)
    assert len(words(text)) > 150
    assert "lorem" not in text.lower()


@pytest.mark.promise("P25")
def test_content_files_match_the_footer_titles():
    # given the Markdown each page starts from
    # when it is read
    sources = {slug: read_page_source(slug) for slug in SLUGS}

    # then each has the title the footer lists and a one-line summary
    for slug, title in SERVICE_PAGES:
        assert sources[slug].title == title
        assert 20 < len(sources[slug].summary) <= 240


@pytest.mark.promise("P25")
def test_loading_pages_again_keeps_staff_edits():
    # given a page a member of staff has edited
    Page.objects.filter(slug="shipping").update(body="Edited by staff.")

    # when the pages are loaded again (as the migration does)
    created = create_missing_pages(Page)

    # then nothing is created or overwritten
    assert created == 0
    assert Page.objects.get(slug="shipping").body == "Edited by staff."
    assert Page.objects.count() == len(SLUGS)


@pytest.mark.promise("P25")
def test_service_index_lists_every_page_with_its_summary(client):
    # given the service pages
    pages = list(Page.objects.all())

    # when a customer opens the customer service index
    response = client.get(reverse("storefront:service-index"))

    # then every page is linked with its title and summary
    assert response.status_code == 200
    html = response.content.decode()
    links = outline(html).links
    for page in pages:
        assert f"/service/{page.slug}/" in links
        assert page.summary.replace("'", "&#x27;") in html


@pytest.mark.promise("P25")
def test_side_navigation_marks_the_current_page(client):
    # given the shipping page
    # when a customer opens it
    html = client.get("/service/shipping/").content.decode()

    # then the navigation lists every page and marks only this one as current
    assert '<nav class="service-nav" aria-label="Customer service pages">' in html
    assert html.count('aria-current="page"') == 1
    assert '<a href="/service/shipping/" aria-current="page">' in html
    assert all(f'href="/service/{slug}/"' in html for slug in SLUGS)


@pytest.mark.promise("P24")
def test_get_in_touch_shows_address_email_and_phone_from_settings(client, settings):
    # given the store's contact details
    store = settings.VIVRE

    # when a customer opens the contact page
    text = article_text(client.get("/service/get-in-touch/"))

    # then the page body shows all three
    assert store["POSTAL_ADDRESS"] in text
    assert store["CARE_EMAIL"] in text
    assert store["CARE_PHONE"] in text


@pytest.mark.promise("P24")
def test_get_in_touch_follows_a_change_of_settings(client, settings):
    # given a page already shown (and so cached) with the old details
    client.get("/service/get-in-touch/")
    old = dict(settings.VIVRE)
    settings.VIVRE = {
        **settings.VIVRE,
        "POSTAL_ADDRESS": "Vivre, 200 Hudson Street, New York, NY 10013, USA",
        "CARE_EMAIL": "hello@vivre.example",
        "CARE_PHONE": "+1 646 555 0199",
    }

    # when the page is shown again
    response = client.get("/service/get-in-touch/")

    # then it shows the new details, with working links, and none of the old
    text = article_text(response)
    html = response.content.decode()
    assert "200 Hudson Street" in text
    assert "hello@vivre.example" in text
    assert "+1 646 555 0199" in text
    assert 'href="mailto:hello@vivre.example"' in html
    assert 'href="tel:+16465550199"' in html
    for key in ("POSTAL_ADDRESS", "CARE_EMAIL", "CARE_PHONE"):
        assert old[key] not in text


@pytest.mark.promise("P24")
def test_store_details_are_escaped_not_executed(client, settings):
    # given a postal address holding markup
    settings.VIVRE = {**settings.VIVRE, "POSTAL_ADDRESS": "<script>alert(1)</script> 5 Main St"}

    # when the contact page is shown
    html = client.get("/service/get-in-touch/").content.decode()

    # then the markup is shown as text, never run
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 5 Main St" in html


def test_placeholders_are_not_template_code():
    # given a body that tries template tags and unknown placeholders
    body = "{% load static %}{{ settings.SECRET_KEY }} {{ store.SECRET }} {{ store.CARE_EMAIL }}"

    # when it is rendered
    html = render_markdown(body)

    # then only the known store placeholders are filled in; the rest stays as typed
    assert "{% load static %}" in html
    assert "{{ settings.SECRET_KEY }}" in html
    assert "{{ store.SECRET }}" in html
    assert "care@vivre.example" in html


@pytest.mark.promise("P2", "P25")
def test_privacy_policy_has_an_anchor_with_text_for_every_promise(client):
    # given the privacy policy
    # when a customer opens it
    html = client.get("/service/privacy-policy/").content.decode()

    # then each promise P1-P26 has its anchor, followed by real text
    parsed = outline(html)
    missing = [anchor for anchor in PROMISES if anchor not in parsed.ids]
    assert missing == []
    for anchor in PROMISES:
        following = " ".join(parsed.after_heading.get(anchor, []))
        assert len(words(following)) >= 25, anchor


@pytest.mark.promise("P2")
def test_privacy_policy_states_its_version_and_has_a_table_of_contents(client):
    # given the privacy policy
    # when it is shown
    response = client.get("/service/privacy-policy/")
    html = response.content.decode()

    # then it names its version near the top and lists its sections
    text = article_text(response)
    assert "Version 1, effective 25 November 2026" in text[:600]
    assert '<nav class="service-toc" aria-labelledby="service-toc-title">' in html
    assert '<a href="#your-choices-and-your-rights">' in html


@pytest.mark.promise("P16", "P21", "P25")
@pytest.mark.parametrize(
    "anchor,phrase",
    [
        ("export", "JSON"),
        ("erasure", "erase"),
        ("correction", "correct"),
        ("gpc", "Global Privacy Control"),
        ("cookie-consent", "optional cookies"),
        ("unsubscribe", "One click"),
        ("access-log", "log"),
    ],
)
def test_privacy_policy_covers_modern_rights(client, anchor, phrase):
    # given the privacy policy
    # when it is shown
    parsed = outline(client.get("/service/privacy-policy/").content.decode())

    # then each modern right has its own section, saying what it does
    assert anchor in parsed.ids
    assert phrase in " ".join(parsed.after_heading[anchor])


@pytest.mark.promise("P26")
def test_security_policy_covers_the_measures(client):
    # given the security policy
    # when it is shown
    text = article_text(client.get("/service/security-policy/"))

    # then it names each protection
    for measure in ("TLS", "AES-256", "Argon2", "throttling", "Access logging"):
        assert measure in text


@pytest.mark.promise("P2", "P25")
def test_footer_shows_policy_date_and_links_every_service_page(client):
    # given the privacy policy, revised on its first day
    # when a customer opens the home page
    html = client.get("/").content.decode()

    # then the footer shows the current revision and links each service page
    assert "(revised 25 November 2026)" in html
    links = outline(html).links
    assert all(f"/service/{slug}/" in links for slug in SLUGS)


@pytest.mark.promise("P2")
def test_policy_date_follows_an_edit(client):
    # given a footer already shown (the date is cached)
    assert privacy_policy_revised() == datetime.date(2026, 11, 25)
    policy = Page.objects.get(slug="privacy-policy")

    # when the policy is revised
    policy.revised_on = datetime.date(2027, 3, 1)
    policy.save()

    # then every page shows the new date at once
    assert privacy_policy_revised() == datetime.date(2027, 3, 1)
    assert "(revised 1 March 2027)" in client.get("/service/").content.decode()


def test_policy_date_is_none_without_the_page():
    # given a shop without a privacy policy page
    Page.objects.filter(slug="privacy-policy").delete()

    # when the date is asked for
    # then there is none (and the footer leaves it out)
    assert privacy_policy_revised() is None


@pytest.mark.promise("P25")
def test_unknown_page_shows_the_designed_not_found_page(client):
    # given no page with this slug
    # when a customer asks for it
    response = client.get("/service/no-such-page/")

    # then the shop's own 404 page is shown, with its navigation
    assert response.status_code == 404
    assert "storefront/error.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'class="site-footer"' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert('x')</script>",
        "<img src=x onerror=\"alert('x')\">",
        "<a href=\"javascript:alert('x')\">click</a>",
        "[click](javascript:alert('x'))",
        "<p onclick=\"alert('x')\">text</p>",
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example/"></iframe>',
        "<svg onload=\"alert('x')\"></svg>",
        "## Title {onclick=\"alert('x')\"}",
    ],
)
def test_staff_body_cannot_inject_script(client, attack):
    # given a staff-edited page whose body carries an attack
    page = Page.objects.get(slug="shipping")
    page.body = f"Before.\n\n{attack}\n\nAfter."
    page.save()

    # when the page is shown
    html = client.get("/service/shipping/").content.decode()
    start, end = html.index('<div class="prose">'), html.index("</article>")
    prose = html[start:end]

    # then no script, handler, style or frame survives; the text around it does
    assert "Before." in prose
    assert "After." in prose
    for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "<style", "<iframe"):
        assert bad not in prose.lower()


def test_markdown_keeps_the_allowed_structure():
    # given Markdown using headings with anchors, lists, tables and quotes
    text = (
        "## Heading {#anchor}\n\nSome **bold** and *italic* text, [a link](/service/).\n\n"
        "1. one\n2. two\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n> quoted\n\n---\n"
    )

    # when it is rendered
    html = render_markdown(text)

    # then the structure survives
    for fragment in (
        '<h2 id="anchor">Heading</h2>',
        "<strong>bold</strong>",
        "<em>italic</em>",
        '<a href="/service/">a link</a>',
        "<ol>",
        "<table>",
        "<td>1</td>",
        "<blockquote>",
        "<hr>",
    ):
        assert fragment in html


@pytest.mark.promise("P25")
def test_editing_a_page_in_the_admin_changes_the_shop(client, admin_user):
    # given a staff member signed in to the admin
    client.force_login(admin_user)
    page = Page.objects.get(slug="shipping")
    change_url = reverse("admin:storefront_page_change", args=[page.pk])
    assert client.get(change_url).status_code == 200

    # when they rewrite the shipping page
    response = client.post(
        change_url,
        {
            "title": "Shipping and delivery",
            "slug": "shipping",
            "summary": "How we ship.",
            "body": "## Faster than ever\n\nEvery order now leaves us **the same day**.",
            "position": page.position,
            "revised_on": "2027-01-15",
        },
    )

    # then the shop shows the new text at once
    assert response.status_code == 302
    html = client.get("/service/shipping/").content.decode()
    assert "Shipping and delivery" in html
    assert "<strong>the same day</strong>" in html
    assert "25 November 2026" not in article_text(client.get("/service/shipping/"))


def test_admin_lists_and_searches_pages(client, admin_user):
    # given a staff member signed in to the admin
    client.force_login(admin_user)

    # when they search the pages
    response = client.get(reverse("admin:storefront_page_changelist"), {"q": "UPS tracking"})

    # then the matching pages are listed, each with a link to view it on the site
    assert response.status_code == 200
    assert "Shipping" in response.content.decode()
    page = Page.objects.get(slug="shipping")
    change = client.get(reverse("admin:storefront_page_change", args=[page.pk])).content.decode()
    assert "View on site" in change
