"""The card vault (P7): envelope encryption of saved card numbers.

Each saved number is encrypted with AES-256-GCM under its own fresh 256-bit data
key. The data key is stored only wrapped (AES-256-GCM again) by a key-encryption
key (KEK) that never enters the database: it comes from ``VIVRE["CARD_KEYS"]``
(JSON, usually the ``VIVRE_CARD_KEYS`` environment variable) or else from the key
file ``VIVRE["CARD_KEY_FILE"]``, which is generated with mode 0600 on first use
for local runs and never in production. A copy of the database alone therefore
holds nothing readable.

Both layers carry associated data naming the row (``context``), so a ciphertext or
a wrapped key copied into another row fails to decrypt instead of charging the
wrong customer's card.

Key material, as JSON::

    {"active": "kek-…", "keys": {"kek-…": "<base64 of 32 bytes>"},
     "fingerprint": {"active": "fp-…", "keys": {"fp-…": "<base64 of 32 bytes>"}}}

The fingerprint of a number is an HMAC-SHA256 under a separate fingerprint key, so
the same card saved twice is found without decrypting anything, and the table
cannot be searched with a list of card numbers (a plain hash could be).

Nothing here logs, prints or raises with a number or a key in its text.
Decryption is for ``vivre.payments.saved_cards`` only, which records each read
(docs/decisions/0005-card-vault.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96-bit GCM nonce, random per encryption
_AAD_PREFIX = "vivre.vault.v1"


class VaultError(Exception):
    """A saved card cannot be opened; ``message`` is fit for the shopper."""

    message = (
        "This saved card can't be used right now. Please enter the card number instead; "
        "you can save it again."
    )


class KeyMissing(VaultError):
    """The key that wrapped a card's data key is not configured (retired or lost)."""


class DecryptionFailed(VaultError):
    """The ciphertext does not open under its key and row: wrong key, moved or altered."""


@dataclass(frozen=True)
class KeySet:
    """Keys by id, one of them active (used for everything new)."""

    active: str
    keys: dict[str, bytes] = field(repr=False)

    def __repr__(self) -> str:  # never the key bytes
        return f"<KeySet active={self.active} ids={sorted(self.keys)}>"

    def as_json(self) -> dict:
        return {
            "active": self.active,
            "keys": {kid: base64.b64encode(key).decode() for kid, key in self.keys.items()},
        }


@dataclass(frozen=True)
class KeyRing:
    """The vault's key-encryption keys and fingerprint keys, and where they came from."""

    kek: KeySet
    fingerprint: KeySet
    # "environment" (VIVRE["CARD_KEYS"]) or "file" (VIVRE["CARD_KEY_FILE"]).
    source: str
    path: Path | None = None

    def to_json(self) -> str:
        """Return the key material as the JSON that ``CARD_KEYS`` or the key file holds."""
        data = self.kek.as_json()
        data["fingerprint"] = self.fingerprint.as_json()
        return json.dumps(data, indent=2, sort_keys=True)

    def with_new_keys(self) -> KeyRing:
        """Return this ring plus a fresh KEK and fingerprint key, both made active."""
        kek_id, fp_id = new_key_id("kek"), new_key_id("fp")
        return KeyRing(
            kek=KeySet(kek_id, {**self.kek.keys, kek_id: new_key()}),
            fingerprint=KeySet(fp_id, {**self.fingerprint.keys, fp_id: new_key()}),
            source=self.source,
            path=self.path,
        )

    def only_active(self) -> KeyRing:
        """Return this ring without its retired (non-active) keys."""
        return KeyRing(
            kek=KeySet(self.kek.active, {self.kek.active: self.kek.keys[self.kek.active]}),
            fingerprint=KeySet(
                self.fingerprint.active,
                {self.fingerprint.active: self.fingerprint.keys[self.fingerprint.active]},
            ),
            source=self.source,
            path=self.path,
        )


def new_key() -> bytes:
    """Return 32 random bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def new_key_id(kind: str) -> str:
    """Return a fresh key id such as ``kek-20260115-3f9a1c2b`` (dated, never reused)."""
    return f"{kind}-{timezone.now():%Y%m%d}-{secrets.token_hex(4)}"


def new_keyring(*, source: str = "file", path: Path | None = None) -> KeyRing:
    """Return a ring with one fresh KEK and one fresh fingerprint key."""
    kek_id, fp_id = new_key_id("kek"), new_key_id("fp")
    return KeyRing(
        kek=KeySet(kek_id, {kek_id: new_key()}),
        fingerprint=KeySet(fp_id, {fp_id: new_key()}),
        source=source,
        path=path,
    )


# --- Loading the keys ---------------------------------------------------------

_cache: dict[tuple, KeyRing] = {}


def _parse_keyset(data, where: str) -> KeySet:
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise ImproperlyConfigured(f"Card keys ({where}) need an object with 'active' and 'keys'.")
    keys = {}
    for kid, encoded in data["keys"].items():
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, TypeError, ValueError):
            key = b""
        if len(key) != KEY_BYTES or not 0 < len(kid) <= 40:
            # The message names the key id, never the key.
            raise ImproperlyConfigured(
                f"Card key {kid[:40]!r} ({where}) must be base64 of {KEY_BYTES} random bytes "
                "under an id of at most 40 characters."
            )
        keys[kid] = key
    active = data.get("active")
    if active not in keys:
        raise ImproperlyConfigured(f"The active card key ({where}) is not among its keys.")
    return KeySet(active, keys)


def parse_keyring(raw: str, *, source: str, path: Path | None = None) -> KeyRing:
    """Return the ring described by the JSON ``raw``; ``ImproperlyConfigured`` if malformed."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Card keys ({source}) are not valid JSON.") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"Card keys ({source}) must be a JSON object.")
    return KeyRing(
        kek=_parse_keyset(data, source),
        fingerprint=_parse_keyset(data.get("fingerprint"), f"{source}, fingerprint"),
        source=source,
        path=path,
    )


def key_file_path() -> Path:
    return Path(settings.VIVRE["CARD_KEY_FILE"])


def write_key_file(keyring: KeyRing, path: Path | None = None) -> Path:
    """Replace the key file with ``keyring`` atomically; the file is readable by its owner only."""
    path = path or keyring.path or key_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    _write_private(tmp, keyring.to_json())
    os.replace(tmp, path)
    return path


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _create_key_file(path: Path) -> None:
    """Generate the local key file once; a process that loses the race reads the winner's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    _write_private(tmp, new_keyring().to_json())
    try:
        os.link(tmp, path)  # fails if another process created the file first
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def load_keyring() -> KeyRing:
    """Return the vault's keys: ``VIVRE["CARD_KEYS"]`` if set, else the key file.

    Outside production a missing key file is generated (mode 0600). In production
    keys must be configured; a missing file raises ``ImproperlyConfigured`` rather
    than silently creating keys that the other servers would not have.
    """
    raw = (settings.VIVRE.get("CARD_KEYS") or "").strip()
    if raw:
        cache_key = ("environment", hashlib.sha256(raw.encode()).digest())
        if cache_key not in _cache:
            _cache.clear()
            _cache[cache_key] = parse_keyring(raw, source="environment")
        return _cache[cache_key]
    path = key_file_path()
    if not path.exists():
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured(
                "No card keys are configured: set VIVRE_CARD_KEYS (or install the file named "
                "by VIVRE_CARD_KEY_FILE). Production never generates card keys by itself."
            )
        _create_key_file(path)
    stat = path.stat()
    # Re-read when the file changes (a rotation in another process replaces it).
    cache_key = ("file", str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if cache_key not in _cache:
        _cache.clear()
        _cache[cache_key] = parse_keyring(
            path.read_text(encoding="utf-8"), source="file", path=path
        )
    return _cache[cache_key]


# --- Encryption ----------------------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    """A number as the database keeps it."""

    ciphertext: bytes = field(repr=False)  # nonce + ciphertext + tag
    wrapped_key: bytes = field(repr=False)  # nonce + wrapped data key + tag
    kek_id: str


def _aad(kind: str, context: str, *extra: str) -> bytes:
    return "|".join((_AAD_PREFIX, kind, context, *extra)).encode()


def _encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    blob = bytes(blob)  # PostgreSQL hands BinaryField values back as memoryview
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError):
        raise DecryptionFailed() from None


def _kek(keyring: KeyRing, kek_id: str) -> bytes:
    try:
        return keyring.kek.keys[kek_id]
    except KeyError:
        raise KeyMissing() from None


def _wrap(data_key: bytes, *, keyring: KeyRing, kek_id: str, context: str) -> bytes:
    return _encrypt(_kek(keyring, kek_id), data_key, _aad("data-key", context, kek_id))


def _unwrap(wrapped: bytes, *, keyring: KeyRing, kek_id: str, context: str) -> bytes:
    return _decrypt(_kek(keyring, kek_id), wrapped, _aad("data-key", context, kek_id))


@sensitive_variables("number", "data_key")
def seal(number: str, *, context: str, keyring: KeyRing | None = None) -> Sealed:
    """Encrypt ``number`` under a fresh data key wrapped by the active KEK.

    ``context`` names the row the result belongs to; opening it needs the same.
    """
    keyring = keyring or load_keyring()
    data_key = AESGCM.generate_key(bit_length=256)
    ciphertext = _encrypt(data_key, number.encode(), _aad("number", context))
    kek_id = keyring.kek.active
    wrapped = _wrap(data_key, keyring=keyring, kek_id=kek_id, context=context)
    return Sealed(ciphertext=ciphertext, wrapped_key=wrapped, kek_id=kek_id)


@sensitive_variables("data_key")
def unseal(sealed: Sealed, *, context: str, keyring: KeyRing | None = None) -> str:
    """Return the number in ``sealed``; ``KeyMissing`` or ``DecryptionFailed`` if it can't.

    For ``vivre.payments.saved_cards`` only: it records every read first.
    """
    keyring = keyring or load_keyring()
    data_key = _unwrap(sealed.wrapped_key, keyring=keyring, kek_id=sealed.kek_id, context=context)
    return _decrypt(data_key, sealed.ciphertext, _aad("number", context)).decode()


@sensitive_variables("data_key")
def rewrap(sealed: Sealed, *, context: str, keyring: KeyRing) -> Sealed:
    """Return ``sealed`` with its data key wrapped by the ring's active KEK instead.

    The number's own ciphertext is unchanged; only the small data key is re-encrypted.
    """
    data_key = _unwrap(sealed.wrapped_key, keyring=keyring, kek_id=sealed.kek_id, context=context)
    kek_id = keyring.kek.active
    wrapped = _wrap(data_key, keyring=keyring, kek_id=kek_id, context=context)
    return Sealed(ciphertext=bytes(sealed.ciphertext), wrapped_key=wrapped, kek_id=kek_id)


def has_kek(kek_id: str, keyring: KeyRing | None = None) -> bool:
    """Return True if the key-encryption key ``kek_id`` is configured."""
    return kek_id in (keyring or load_keyring()).kek.keys


@sensitive_variables("number")
def fingerprint(
    number: str, *, key_id: str | None = None, keyring: KeyRing | None = None
) -> tuple[str, str]:
    """Return ``(key id, HMAC-SHA256 hex)`` of a normalised number under a fingerprint key.

    The active fingerprint key unless ``key_id`` names another.
    """
    keyring = keyring or load_keyring()
    key_id = key_id or keyring.fingerprint.active
    key = keyring.fingerprint.keys[key_id]
    digest = hmac.new(key, f"{_AAD_PREFIX}|card|{number}".encode(), hashlib.sha256)
    return key_id, digest.hexdigest()


@sensitive_variables("number")
def all_fingerprints(number: str, *, keyring: KeyRing | None = None) -> dict[str, str]:
    """Return the number's fingerprint under every configured fingerprint key, by key id.

    While a rotation runs, a card saved before it still carries an old-key fingerprint.
    """
    keyring = keyring or load_keyring()
    return {
        key_id: fingerprint(number, key_id=key_id, keyring=keyring)[1]
        for key_id in keyring.fingerprint.keys
    }
