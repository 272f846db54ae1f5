"""One-click unsubscribe (RFC 8058, P16): signed links that name whom and what to stop.

Every marketing mail carries a link ``/unsubscribe/<token>/`` and the matching
``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers. The token is signed with
``django.core.signing`` (its own salt) and holds only consent-ledger keys (a
customer id, a keyed hash of the address) and the purpose: never an address.
A GET only shows a confirmation (mail scanners fetch links); a POST records the
opt-out in the ledger, so the very next send, which asks the ledger, honours it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from vivre.privacy.consent import Channel, Purpose, record_consent

SALT = "vivre.marketing.unsubscribe"
# Mail is read late: a link must work for at least 30 days; it stops after 60.
MAX_AGE = timedelta(days=60)
# A real token is a few hundred characters; anything far longer is not ours.
MAX_TOKEN_LENGTH = 1000
# Marketing purposes a link may stop (the others are not about mail).
MAIL_PURPOSES = (Purpose.VIVRE_MAILINGS, Purpose.PARTNER_OFFERS)
# How each purpose reads inside a sentence ("… e-mails about news and offers from Vivre").
PURPOSE_PHRASES = {
    Purpose.VIVRE_MAILINGS: "news and offers from Vivre",
    Purpose.PARTNER_OFFERS: "partners' offers sent by Vivre",
}


class BadToken(Exception):
    """The link was altered, is too old, or is not an unsubscribe link at all."""


@dataclass(frozen=True)
class Unsubscription:
    subject_keys: tuple[str, ...]
    purpose: str

    @property
    def purpose_phrase(self) -> str:
        return PURPOSE_PHRASES[self.purpose]


def make_token(*, subject_keys: list[str], purpose: str) -> str:
    """Return the signed token for stopping ``purpose`` for these ledger keys."""
    if purpose not in MAIL_PURPOSES:
        raise ValueError(f"{purpose!r} is not a mailing purpose.")
    keys = [key for key in dict.fromkeys(subject_keys) if key]
    if not keys:
        raise ValueError("An unsubscribe link needs at least one ledger key.")
    return signing.dumps({"k": keys, "p": purpose}, salt=SALT, compress=True)


def read_token(token: str) -> Unsubscription:
    """Return what a token stops, or raise :class:`BadToken`."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadToken("not an unsubscribe link")
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise BadToken("expired") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadToken("altered") from error
    if not isinstance(data, dict):
        raise BadToken("altered")
    keys, purpose = data.get("k"), data.get("p")
    if (
        purpose not in MAIL_PURPOSES
        or not isinstance(keys, list)
        or not keys
        or not all(isinstance(key, str) and 0 < len(key) <= 100 for key in keys)
    ):
        raise BadToken("altered")
    return Unsubscription(subject_keys=tuple(keys), purpose=purpose)


def site_url() -> str:
    return (settings.VIVRE.get("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")


def unsubscribe_url(*, subject_keys: list[str], purpose: str) -> str:
    """Return the absolute one-click unsubscribe link for these keys and purpose."""
    token = make_token(subject_keys=subject_keys, purpose=purpose)
    return site_url() + reverse("unsubscribe:one_click", args=[token])


def list_unsubscribe_headers(*, subject_keys: list[str], purpose: str) -> dict[str, str]:
    """Return the RFC 8058 headers: the link, and that a POST to it unsubscribes."""
    return one_click_headers(unsubscribe_url(subject_keys=subject_keys, purpose=purpose))


def one_click_headers(url: str) -> dict[str, str]:
    """Return the RFC 8058 headers for an unsubscribe link already made."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe(*, token: str, everything: bool = False) -> Unsubscription:
    """Record the opt-out a token asks for on every key in it; return what was stopped.

    ``everything`` also stops the other mailing purpose (Vivre's own news and
    partners' offers). Recording it twice is harmless: the newest choice counts.
    """
    from vivre.accounts.services import policy_version

    wanted = read_token(token)
    purposes = MAIL_PURPOSES if everything else (wanted.purpose,)
    version = policy_version()
    with transaction.atomic():
        for key in wanted.subject_keys:
            for purpose in purposes:
                record_consent(
                    subject_key=key,
                    purpose=purpose,
                    granted=False,
                    channel=Channel.ONE_CLICK,
                    recorded_by="self",
                    policy_version=version,
                )
    return wanted
