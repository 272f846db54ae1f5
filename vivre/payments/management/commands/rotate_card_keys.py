"""Rotate the card vault's keys (P7): a new key-encryption key and fingerprint key.

With the key file (local runs and single servers)::

    manage.py rotate_card_keys            # new keys, every card re-keyed, old keys retired

With keys in ``VIVRE_CARD_KEYS`` (the command cannot change the environment of
running servers, so rotation takes two steps)::

    manage.py rotate_card_keys            # prints the new JSON (old and new keys) to install
    manage.py rotate_card_keys --rewrap   # after installing it: every card moves to the new
                                          # keys; prints the JSON without the old ones

``--check`` reports how many cards use which key. Key material is printed only as
the JSON to install, on standard output; messages go to standard error.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from vivre.payments import saved_cards, vault


class Command(BaseCommand):
    help = "Rotate the card vault's key-encryption and fingerprint keys, re-keying every card."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Report how many cards use which key."
        )
        parser.add_argument(
            "--rewrap",
            action="store_true",
            help="Move every card to the active keys (after installing new keys by hand).",
        )
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument(
            "--grace",
            type=float,
            default=5.0,
            help="Seconds to wait before the last sweep, so that a card being saved under "
            "the old key while the new one was activated is re-keyed too.",
        )

    def handle(self, *args, check=False, rewrap=False, batch_size=200, grace=5.0, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        keyring = vault.load_keyring()
        if check:
            return self.check(keyring)
        if rewrap:
            return self.rewrap(keyring, batch_size)
        if keyring.source == "environment":
            return self.propose(keyring)
        return self.rotate_file(keyring, batch_size, grace)

    def note(self, text: str) -> None:
        self.stderr.write(text)

    def check(self, keyring: vault.KeyRing) -> None:
        usage = saved_cards.key_usage()
        self.stdout.write(f"Keys from: {keyring.source}")
        for kind, keyset in (("kek", keyring.kek), ("fingerprint", keyring.fingerprint)):
            label = "Key-encryption keys" if kind == "kek" else "Fingerprint keys"
            self.stdout.write(f"{label}:")
            for key_id in sorted(set(keyset.keys) | set(usage[kind])):
                state = (
                    "active"
                    if key_id == keyset.active
                    else "configured"
                    if key_id in keyset.keys
                    else "NOT CONFIGURED"
                )
                self.stdout.write(f"  {key_id}: {usage[kind].get(key_id, 0)} card(s) ({state})")
        waiting = saved_cards.cards_not_on_active_keys(keyring)
        self.stdout.write(f"Cards not yet on the active keys: {waiting}")

    def report(self, result: dict) -> None:
        self.note(
            f"Re-keyed {result['moved']} card(s); removed {result['duplicates_removed']} "
            f"duplicate(s); {result['failed']} could not be opened; "
            f"{result['unknown_key']} use a key that is not configured."
        )

    def rotate_file(self, keyring: vault.KeyRing, batch_size: int, grace: float) -> None:
        rotated = keyring.with_new_keys()
        # Old and new keys together first: a crash at any point leaves every card readable.
        vault.write_key_file(rotated)
        self.note(f"New keys {rotated.kek.active} and {rotated.fingerprint.active} are active.")
        result = saved_cards.rekey_cards(keyring=rotated, batch_size=batch_size)
        if grace > 0:
            time.sleep(grace)
        late = saved_cards.rekey_cards(keyring=rotated, batch_size=batch_size)
        result = {k: result[k] + late[k] for k in ("moved", "duplicates_removed", "failed")} | {
            "unknown_key": late["unknown_key"]
        }
        self.report(result)
        self.retire_from_file(rotated, batch_size)

    def retire_from_file(self, keyring: vault.KeyRing, batch_size: int) -> None:
        left = saved_cards.cards_needing_old_keys(keyring)
        if left:
            self.note(
                f"{left} card(s) still use an old key, so the old keys stay in "
                f"{keyring.path}. See --check."
            )
            return
        retired = sorted((set(keyring.kek.keys) | set(keyring.fingerprint.keys)) - {
            keyring.kek.active, keyring.fingerprint.active
        })  # fmt: skip
        vault.write_key_file(keyring.only_active())
        # A card that reached the table after the sweep still opens with the ring in memory.
        saved_cards.rekey_cards(keyring=keyring, batch_size=batch_size)
        if retired:
            self.note(f"Retired old keys from {keyring.path}: {', '.join(retired)}.")
        self.stdout.write(f"Card keys rotated: every card uses {keyring.kek.active}.")

    def propose(self, keyring: vault.KeyRing) -> None:
        rotated = keyring.with_new_keys()
        self.note(
            "Card keys come from VIVRE_CARD_KEYS. Install the JSON below (old and new keys, "
            "the new ones active) on every server and worker, restart them, then run "
            "`manage.py rotate_card_keys --rewrap`. Keep the old keys until that reports "
            "every card moved."
        )
        self.stdout.write(rotated.to_json())

    def rewrap(self, keyring: vault.KeyRing, batch_size: int) -> None:
        result = saved_cards.rekey_cards(keyring=keyring, batch_size=batch_size)
        self.report(result)
        if keyring.source == "file":
            return self.retire_from_file(keyring, batch_size)
        left = saved_cards.cards_needing_old_keys(keyring)
        if left:
            raise CommandError(
                f"{left} card(s) still use an old key; keep the old keys. See --check."
            )
        self.note(
            "Every card uses the active keys. The old keys may now be removed: install the "
            "JSON below as VIVRE_CARD_KEYS and destroy every copy of the old one."
        )
        self.stdout.write(keyring.only_active().to_json())
