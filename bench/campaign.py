"""Measure a campaign to 100,000 people: the audience computation and the send rate.

Run with ``.venv/bin/python bench/campaign.py`` (SQLite in a temporary directory, a
few minutes). The script, in this process:

1. migrates a fresh SQLite database (``VIVRE_VAR_DIR`` points at a temporary
   directory, so ``var/`` is never touched) and bulk-creates ``--recipients``
   registered customers (100,000) who said yes to Vivre's mailings at registration;
   every second one later opted out (a newer "no" in the consent ledger);
2. **audience**: times ``campaigns.start_sending`` (read every group, de-duplicate by
   keyed e-mail hash, insert one ``CampaignRecipient`` per person) against a baseline
   in the same run: a plain ``bulk_create`` of the same number of rows, already built;
3. **send rate**: times the batch task's work (``campaigns.send_batch``, 200 people a
   batch, until none is left): for each person, the consent check at that moment,
   then the outbox message (rendered text and HTML, List-Unsubscribe headers) and its
   delivery task, or the skip. Baselines: the same number of ``Message`` rows written
   with one ``bulk_create`` (the floor), and through ``send_email`` in one transaction
   (the outbox without any consent check, as ``bench/mail.py`` queues);
4. optionally (``--deliver N``, default 1,000) delivers N of the queued messages over
   SMTP to an aiosmtpd sink in this process, one connection each, as the worker does.

It reports; it is not a test. Ratios are the campaign's time over the baseline's
(how many times the bare database work it costs), which moves less between machines
than the raw figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(tmp: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="vivre.settings",
        VIVRE_VAR_DIR=tmp,
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"  {label:<58} {seconds:8.2f} s", flush=True)
    return seconds, result


def make_people(n: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from vivre.accounts.models import User
    from vivre.privacy.consent import Channel, Purpose, subject_key_for_customer

    cannot_sign_in = make_password(None)  # an unusable password, as for unconfirmed accounts
    from vivre.privacy.models import ConsentRecord

    with transaction.atomic():
        User.objects.bulk_create(
            (User(email=f"person{i:06d}@example.com", password=cannot_sign_in) for i in range(n)),
            batch_size=2000,
        )
        ids = list(User.objects.order_by("id").values_list("id", flat=True))
        yes = (
            ConsentRecord(
                subject_key=subject_key_for_customer(pk), purpose=Purpose.VIVRE_MAILINGS,
                granted=True, channel=Channel.REGISTRATION, recorded_by="self",
            )
            for pk in ids
        )  # fmt: skip
        ConsentRecord.objects.bulk_create(yes, batch_size=2000)
        no = (
            ConsentRecord(
                subject_key=subject_key_for_customer(pk), purpose=Purpose.VIVRE_MAILINGS,
                granted=False, channel=Channel.MY_ACCOUNT, recorded_by="self",
            )
            for pk in ids[1::2]
        )  # fmt: skip
        ConsentRecord.objects.bulk_create(no, batch_size=2000)


def new_campaign(name: str):
    from vivre.marketing.models import Campaign

    return Campaign.objects.create(
        name=name,
        kind=Campaign.Kind.VIVRE,
        subject_line="Autumn linen is here",
        text_body="New linen for the season, woven in Lithuania.\n\nShop it at vivre.example.",
        html_body="<h1>Autumn linen</h1><p>New <strong>linen</strong> for the season.</p>"
        '<p><a href="https://vivre.example/linen">Shop linen</a></p>',
        audiences=[Campaign.Audience.REGISTERED],
    )


def bench_audience(n: int) -> tuple[float, float]:
    from django.db import transaction

    from vivre.marketing import campaigns
    from vivre.marketing.models import CampaignRecipient

    print("\n(a) audience", flush=True)
    baseline_campaign = new_campaign("baseline")
    rows = [
        CampaignRecipient(
            campaign=baseline_campaign,
            email_key=f"email:{i:048d}",
            email=f"person{i:06d}@example.com",
            subject_keys=[f"customer:{i}", f"email:{i:048d}"],
        )
        for i in range(n)
    ]

    def baseline():
        with transaction.atomic():
            CampaignRecipient.objects.bulk_create(rows, batch_size=1000)

    base_s, _ = timed(f"baseline: bulk_create {n:,} recipient rows", baseline)
    CampaignRecipient.objects.filter(campaign=baseline_campaign).delete()
    baseline_campaign.delete()
    campaign = new_campaign("Autumn linen")
    audience_s, added = timed(
        "start_sending: gather, de-duplicate, insert",
        lambda: campaigns.start_sending(campaign_id=campaign.pk),
    )
    gather_s, people = timed(
        "  of which gather_audience alone (run again)",
        lambda: campaigns.gather_audience(campaign.audiences),
    )
    print(
        f"  {added:,} people added ({len(people):,} in the group); "
        f"{added / audience_s:,.0f} people/s; ratio to baseline {audience_s / base_s:.2f}×",
        flush=True,
    )
    return audience_s, base_s


def bench_send(n: int, batch: int) -> dict:
    from django.db import transaction
    from django.db.models import Count

    from vivre.marketing import campaigns
    from vivre.marketing.models import Campaign, CampaignRecipient
    from vivre.messaging.models import Message
    from vivre.messaging.services import send_email

    print("\n(b) sending through the outbox", flush=True)
    campaign = Campaign.objects.get(name="Autumn linen")
    batches = 0

    def send():
        nonlocal batches
        while True:
            batches += 1
            if not campaigns.send_batch(campaign.pk, batch_size=batch).more:
                return

    send_s, _ = timed(f"send_batch × until done ({batch} people a batch)", send)
    counts = dict(
        CampaignRecipient.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sent = counts.get("sent", 0)
    processed = sum(counts.values())
    print(
        f"  {batches} batches; {processed:,} people processed: "
        + ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items())),
        flush=True,
    )
    print(
        f"  {processed / send_s:,.0f} people decided/s, {sent / send_s:,.0f} messages queued/s",
        flush=True,
    )
    sample = Message.objects.filter(kind="marketing.campaign").first()

    def bulk():
        with transaction.atomic():
            Message.objects.bulk_create(
                (
                    Message(
                        to_address=f"person{i:06d}@example.com",
                        subject_line=sample.subject_line,
                        text_body=sample.text_body,
                        html_body=sample.html_body,
                        kind="bench.bulk",
                        dedupe_key=f"bench.bulk:{i}",
                        message_id=f"<bulk-{i}@vivre.example>",
                        headers=sample.headers,
                    )
                    for i in range(sent)
                ),
                batch_size=1000,
            )

    bulk_s, _ = timed(f"baseline 1: bulk_create {sent:,} Message rows", bulk)

    def outbox():
        with transaction.atomic():
            for i in range(sent):
                send_email(
                    to=f"person{i:06d}@example.com",
                    subject="Autumn linen is here",
                    template="notice",
                    context={"heading": "Autumn linen", "paragraphs": ["New linen."]},
                    kind="bench.outbox",
                    dedupe_key=f"bench.outbox:{i}",
                )

    outbox_s, _ = timed(f"baseline 2: send_email × {sent:,}, one transaction", outbox)
    print(
        f"  ratio to baseline 1 (bulk rows): {send_s / bulk_s:.1f}×; "
        f"to baseline 2 (outbox alone): {send_s / outbox_s:.2f}×",
        flush=True,
    )
    Message.objects.filter(kind__startswith="bench.").delete()
    return {"send_s": send_s, "sent": sent, "processed": processed}


def bench_deliver(count: int) -> None:
    from vivre.messaging import services
    from vivre.messaging.models import Message
    from vivre.messaging.testing import SMTPSink

    if count <= 0:
        return
    print(f"\n(c) delivering {count:,} campaign messages to an aiosmtpd sink", flush=True)
    from django.conf import settings

    with SMTPSink(count_only=True) as sink:
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        pks = list(
            Message.objects.filter(kind="marketing.campaign", state="queued").values_list(
                "pk", flat=True
            )[:count]
        )

        def deliver():
            for pk in pks:
                services.deliver(pk)

        seconds, _ = timed(f"deliver × {len(pks):,} (one SMTP connection each)", deliver)
        sink.wait_for(len(pks))
        print(f"  {len(pks) / seconds:,.0f} messages delivered/s", flush=True)
        delivered = sink.handler.count
    print(f"  the sink received {delivered:,}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=200, help="people per task run")
    parser.add_argument("--deliver", type=int, default=1_000, help="then deliver this many")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    started = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix="vivre-bench-campaign-")
    try:
        print(f"{os.cpu_count()} CPUs; SQLite (WAL) in {tmp}", flush=True)
        setup(tmp)
        print(f"\nsetup: {args.recipients:,} registered customers, half opted out", flush=True)
        timed("bulk-create accounts and consent records", lambda: make_people(args.recipients))
        bench_audience(args.recipients)
        bench_send(args.recipients, args.batch)
        bench_deliver(args.deliver)
    finally:
        if args.keep:
            print(f"\nkept {tmp}")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
