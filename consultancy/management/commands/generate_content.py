"""
Generate a synthetic glossary, services and technologies for benchmarks and
load tests: realistic enough that pages, search and auto-linking do the work
they would do with real content, at any size.

    python manage.py generate_content --terms 10000 --seed 1
    python manage.py generate_content --terms 500 --services 6 --technologies 8 --replace

What it makes: terms with unique AI-sounding names ("Sparse Attention
Router"), some with an abbreviation, a one-sentence definition and a Markdown
body of about 150–300 words (headings, a list, and mentions of other generated
terms, so that auto-linking has work to do); about 5 related terms each
(symmetrical, never itself), 2 services and 2 technologies per term, a few
technologies per service, and a few tags per item. Everything is published,
with a publication date in the past.

Deterministic: the same --seed gives the same names, slugs, bodies and
relations (into a database holding the same non-generated content). Without
--seed a random one is used and printed, so that a run can be repeated.

Reruns: every generated item has a slug starting with "gen--" (Django's
slugify never writes a double hyphen, so no editor's item can be mistaken for
a generated one). If any exist, the command refuses to run; --replace deletes
them first, with their relations and tags. Names already used by other
content are skipped. Tags are shared with real content: existing ones are
reused and none are deleted.

Fast: rows go in with bulk_create in batches inside one transaction, so no
save() runs and no signal fires. Each row is prepared by the model's own
derive_fields(), as save() prepares it (index letter, link key, search vector,
rendered Markdown), except the terms' bodies: their links need every term's
primary key, so they are rendered afterwards by glossary.autolink.relink (in
batches, also for existing terms whose text may mention a new name). On
PostgreSQL the tables are then vacuumed and analysed, as after any bulk load,
and finally every cached page is made stale. --replace deletes with the
per-term relinking of glossary.signals held back, for the same reason.
"""

import itertools
import random
import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from consultancy.cache import content_changed_now_and_after_commit
from consultancy.corpus.plan import (
    SERVICES_PER_TERM,
    SLUG_PREFIX,
    TECHNOLOGIES_PER_TERM,
    plan_corpus,
)
from consultancy.models import Status
from consultancy.progress import Progress
from glossary.autolink import relink
from glossary.models import Term
from glossary.signals import deletions_not_relinked
from services.models import Service, Technology

BATCH_SIZE = 1000


def derived(obj, **options):
    """`obj` with the fields that save() would derive (see derive_fields)."""
    obj.derive_fields(**options)
    return obj


# relink() reads the whole link index once per call: a few calls, not one per batch.
RELINK_CHUNK = 2500


class Command(BaseCommand):
    help = "Generate a synthetic, deterministic corpus of terms, services and technologies."

    def add_arguments(self, parser):
        parser.add_argument("--terms", type=int, required=True, help="How many terms.")
        parser.add_argument("--services", type=int, default=12, help="How many services (12).")
        parser.add_argument(
            "--technologies", type=int, default=20, help="How many technologies (20)."
        )
        parser.add_argument(
            "--seed", type=int, help="Same seed, same corpus. Random (and printed) if omitted."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=f'Delete previously generated items (slugs starting "{SLUG_PREFIX}") first.',
        )

    def handle(self, *args, terms, services, technologies, seed, replace, verbosity, **options):
        if terms < 0 or services < 0 or technologies < 0:
            raise CommandError("Counts cannot be negative.")
        if terms and (services < SERVICES_PER_TERM or technologies < TECHNOLOGIES_PER_TERM):
            raise CommandError(
                f"Terms need at least {SERVICES_PER_TERM} services and "
                f"{TECHNOLOGIES_PER_TERM} technologies to link to."
            )
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)
        self.verbose = verbosity > 0
        started = time.perf_counter()

        with transaction.atomic():
            existing = {
                model: model.objects.filter(slug__startswith=SLUG_PREFIX).count()
                for model in (Term, Service, Technology)
            }
            if any(existing.values()):
                if not replace:
                    raise CommandError(
                        "Generated content already exists ("
                        + ", ".join(
                            f"{n:,} {m._meta.verbose_name_plural}" for m, n in existing.items()
                        )
                        + "). Run again with --replace to delete it and generate anew."
                    )
                self.delete_generated()

            taken = itertools.chain(
                Term.objects.values_list(Lower("name"), flat=True),
                Service.objects.values_list(Lower("title"), flat=True),
                Technology.objects.values_list(Lower("name"), flat=True),
            )
            corpus = plan_corpus(terms, services, technologies, seed, taken)
            self.write(corpus)
            # Bulk writes send no signals: make every cached page stale
            # ourselves (a cache that does not answer undoes the whole run).
            content_changed_now_and_after_commit()

        self.vacuum_and_analyze()
        if self.verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {terms:,} terms ({len(corpus.related):,} relations), "
                    f"{services:,} services and {technologies:,} technologies with seed {seed} "
                    f"in {time.perf_counter() - started:.1f} s."
                )
            )

    def progress(self, label, total):
        return Progress(self.stdout, label, total, self.verbose)

    def vacuum_and_analyze(self):
        """
        PostgreSQL only. After a bulk load the planner has no statistics, and
        every term row has two dead versions (inserted, linked, vectorised):
        until autovacuum gets round to it (minutes later), a term page's
        related-terms query scans the whole table, about ten times slower.
        VACUUM cannot run in a transaction (as in tests): ANALYZE alone then.
        """
        connection = connections[Term.objects.db]
        if connection.vendor != "postgresql":
            return
        models = [Term, Service, Technology, Tag, TaggedItem]
        models += [Term.related_terms.through, Term.services.through]
        models += [Term.technologies.through, Service.technologies.through]
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        bar = self.progress("vacuum, analyze", 1)
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {tables}")
        bar.advance(1)
        bar.finish()

    def delete_generated(self):
        bar = self.progress("deleting old", 3)
        with deletions_not_relinked():
            for model in (Term, Service, Technology):
                model.objects.filter(slug__startswith=SLUG_PREFIX).delete()
                bar.advance(1)
        bar.finish()

    def write(self, corpus):
        now = timezone.now()

        def common(item):
            return {
                "slug": item.slug,
                "body": item.body,
                "status": Status.PUBLISHED,
                "published_at": now - timedelta(days=item.days_ago),
            }

        technologies = Technology.objects.bulk_create(
            derived(Technology(name=item.name, summary=item.summary, **common(item)))
            for item in corpus.technologies
        )
        services = Service.objects.bulk_create(
            derived(Service(title=item.name, summary=item.summary, order=100 + n, **common(item)))
            for n, item in enumerate(corpus.services)
        )
        Service.technologies.through.objects.bulk_create(
            Service.technologies.through(service_id=service.pk, technology_id=technologies[t].pk)
            for service, chosen in zip(services, corpus.service_technologies, strict=True)
            for t in chosen
        )

        terms = []
        bar = self.progress("terms", len(corpus.terms))
        for batch in itertools.batched(corpus.terms, BATCH_SIZE):
            terms += Term.objects.bulk_create(
                # body_html is rendered by relink() below, with the auto-links.
                derived(
                    Term(
                        name=item.name,
                        abbreviation=item.abbreviation,
                        short_definition=item.summary,
                        **common(item),
                    ),
                    render_body=False,
                    search_vector=False,
                )
                for item in batch
            )
            bar.advance(len(batch))
        bar.finish()

        self.write_relations(corpus, terms, services, technologies)
        self.write_tags(corpus, terms, services, technologies)

        # Existing terms are relinked too: their text may mention a generated
        # name, which saving terms one by one would link. Links before search
        # vectors: each is a full UPDATE of every new term, and while
        # search_vector is still empty the first one need not touch its GIN
        # index (inserting the vectors first makes the whole run a third slower).
        pks = list(Term.objects.order_by("pk").values_list("pk", flat=True))
        bar = self.progress("auto-links", len(pks))
        for chunk in itertools.batched(pks, RELINK_CHUNK):
            relink(Term.objects.filter(pk__in=chunk))
            bar.advance(len(chunk))
        bar.finish()

        bar = self.progress("search vectors", 1)
        Term.objects.filter(slug__startswith=SLUG_PREFIX).refresh_search_vectors()
        bar.advance(1)
        bar.finish()

    def write_relations(self, corpus, terms, services, technologies):
        related = Term.related_terms.through
        term_service = Term.services.through
        term_technology = Term.technologies.through
        tables = [
            (
                related,
                [
                    related(from_term_id=terms[a].pk, to_term_id=terms[b].pk)
                    for i, j in sorted(corpus.related)
                    for a, b in ((i, j), (j, i))
                ],
            ),
            (
                term_service,
                [
                    term_service(term_id=term.pk, service_id=services[s].pk)
                    for term, chosen in zip(terms, corpus.term_services, strict=True)
                    for s in chosen
                ],
            ),
            (
                term_technology,
                [
                    term_technology(term_id=term.pk, technology_id=technologies[t].pk)
                    for term, chosen in zip(terms, corpus.term_technologies, strict=True)
                    for t in chosen
                ],
            ),
        ]
        bar = self.progress("relations", sum(len(rows) for _, rows in tables))
        for model, rows in tables:
            for batch in itertools.batched(rows, BATCH_SIZE):
                model.objects.bulk_create(batch)
                bar.advance(len(batch))
        bar.finish()

    def write_tags(self, corpus, terms, services, technologies):
        wanted = sorted({tag for group in (corpus.terms, corpus.services, corpus.technologies)
                         for item in group for tag in item.tags})  # fmt: skip
        known = {}
        for tag in Tag.objects.all():
            known.setdefault(tag.name.lower(), tag)
            known.setdefault(tag.slug, tag)
        missing = [
            name for name in wanted if name.lower() not in known and slugify(name) not in known
        ]
        for tag in Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in missing):
            known[tag.name.lower()] = tag

        def tag_pk(name):
            return (known.get(name.lower()) or known[slugify(name)]).pk

        def rows():
            for objects, items in (
                (terms, corpus.terms),
                (services, corpus.services),
                (technologies, corpus.technologies),
            ):
                content_type = (
                    ContentType.objects.get_for_model(type(objects[0])) if objects else None
                )
                for obj, item in zip(objects, items, strict=True):
                    for name in item.tags:
                        yield TaggedItem(
                            tag_id=tag_pk(name), content_type=content_type, object_id=obj.pk
                        )

        total = sum(len(item.tags) for group in (corpus.terms, corpus.services, corpus.technologies)
                    for item in group)  # fmt: skip
        bar = self.progress("tags", total)
        for batch in itertools.batched(rows(), BATCH_SIZE):
            TaggedItem.objects.bulk_create(batch)
            bar.advance(len(batch))
        bar.finish()
