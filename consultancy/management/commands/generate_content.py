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
save() runs and no signal fires; the work that saving a real item does is then
done once for everything: the index letter and Markdown of services and
technologies while building the rows, then the terms' auto-linked HTML
(glossary.autolink.relink, in batches, also for existing terms whose text may
mention a new name) and their search vectors (one UPDATE, PostgreSQL only). On
PostgreSQL the tables are then vacuumed and analysed, as after any bulk load,
and finally every cached page is made stale. --replace deletes with the
per-term relinking of glossary.signals held back, for the same reason.
"""

import itertools
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from consultancy.cache import bump_content_version
from consultancy.markdown import render_markdown
from consultancy.models import Status
from glossary.autolink import relink
from glossary.models import Term, index_letter
from glossary.phrases import phrase_key
from glossary.signals import deletions_not_relinked
from services.models import Service, Technology

SLUG_PREFIX = "gen--"
BATCH_SIZE = 1000
# relink() reads the whole link index once per call: a few calls, not one per batch.
RELINK_CHUNK = 2500
RELATED_PER_TERM = 5
SERVICES_PER_TERM = 2
TECHNOLOGIES_PER_TERM = 2
MAX_PUBLISHED_DAYS_AGO = 1000

# --- Vocabulary -------------------------------------------------------------------
# Modifiers start with most letters of the alphabet (and a few with a digit),
# so that every page of the A–Z index has terms.
MODIFIERS = [
    "Adaptive", "Adversarial", "Autoregressive", "Bayesian", "Bidirectional", "Causal",
    "Contrastive", "Cross-Lingual", "Dense", "Differentiable", "Distributed", "Dynamic",
    "Elastic", "Ensemble", "Explainable", "Federated", "Few-Shot", "Generative",
    "Graph-Based", "Hierarchical", "Hybrid", "Incremental", "Instruction-Tuned",
    "Interpretable", "Joint", "Kernel", "Knowledge-Grounded", "Latent", "Lightweight",
    "Low-Rank", "Masked", "Multilingual", "Multimodal", "Neural", "Noisy", "Offline",
    "Online", "Pretrained", "Probabilistic", "Quantised", "Quantum-Inspired", "Recurrent",
    "Residual", "Robust", "Self-Supervised", "Semantic", "Sparse", "Stochastic", "Temporal",
    "Tree-Structured", "Uncertainty-Aware", "Unsupervised", "Variational", "Vision-Language",
    "Weakly Supervised", "Weighted", "Zero-Shot", "3D", "4-Bit",
]  # fmt: skip
DOMAINS = [
    "Agent", "Anomaly", "Attention", "Context", "Data", "Diffusion", "Document", "Embedding",
    "Feature", "Gradient", "Image", "Inference", "Knowledge", "Language", "Latency", "Memory",
    "Policy", "Preference", "Prompt", "Query", "Ranking", "Retrieval", "Reward", "Sequence",
    "Signal", "Similarity", "Speech", "Tensor", "Token", "Vector", "Vision",
]  # fmt: skip
HEADS = [
    "Adapter", "Alignment", "Benchmark", "Cache", "Classifier", "Clustering", "Compression",
    "Decoder", "Detector", "Distillation", "Encoder", "Estimator", "Evaluation", "Fine-Tuning",
    "Gate", "Generator", "Guardrail", "Head", "Index", "Layer", "Loss", "Mixture", "Model",
    "Network", "Normalisation", "Optimiser", "Pipeline", "Planner", "Projection", "Pruning",
    "Regularisation", "Router", "Sampling", "Scheduler", "Search", "Segmentation", "Store",
    "Tokeniser", "Transformer",
]  # fmt: skip
# Heads that name an activity rather than a thing ("a pruning technique").
TECHNIQUES = {
    "Alignment", "Clustering", "Compression", "Distillation", "Evaluation", "Fine-Tuning",
    "Normalisation", "Pruning", "Regularisation", "Sampling", "Search", "Segmentation",
}  # fmt: skip
VERBS = [
    "ranks", "compresses", "aligns", "filters", "routes", "scores", "clusters", "summarises",
    "embeds", "predicts", "reweights", "caches", "retrieves", "generates", "labels", "tracks",
]  # fmt: skip
OBJECTS = [
    "candidate documents", "token sequences", "user queries", "sensor readings",
    "model outputs", "training examples", "image patches", "feature vectors", "agent actions",
    "reward signals", "long contexts", "tabular records", "audio frames", "search results",
]  # fmt: skip
PURPOSES = [
    "to cut inference cost", "so that answers stay grounded in source data",
    "without labelled data", "under tight latency budgets", "across many languages",
    "while keeping memory use flat", "to improve accuracy on rare cases",
    "so that every decision can be audited", "at production scale", "on commodity hardware",
]  # fmt: skip
COSTS = ["latency", "memory use", "training time", "GPU hours", "labelling effort"]
STAGES = [
    "data pipeline", "feature store", "retriever", "re-ranker", "serving layer",
    "evaluation harness", "training loop", "monitoring stack",
]  # fmt: skip
RISKS = [
    "silent drift when the input distribution shifts",
    "overfitting to a small validation set",
    "latency spikes on unusually long inputs",
    "leaking personal data into logs",
    "benchmarks that do not reflect real traffic",
]  # fmt: skip
SENTENCES = [
    "It is often paired with {other}, which handles the {object} that {name} leaves out.",
    "Teams usually adopt it once a first prototype built on {other} reaches its limits.",
    "Compared with {other}, it trades a little accuracy for much lower {cost}.",
    "The idea grew out of research on {other} and borrows much of its training recipe.",
    "In production it sits between the {stage} and the {stage2}, close to {other}.",
    "Most implementations expose one setting that controls how aggressively it {verb} {object}.",
    "Because it {verb} {object} in batches, throughput grows almost linearly with hardware.",
    "A common mistake is to tune it in isolation: measure it together with {other} instead.",
    "Evaluation should cover rare cases as well as the average, because failures cluster there.",
    "The approach works best when {object} are plentiful and labels are scarce.",
    "Results depend heavily on data quality, so clean the {object} before anything else.",
    "Combined with {other}, it reduces errors on long-tail inputs noticeably.",
    "Monitoring drift in the {object} tells you when it needs retraining.",
    "Open-source implementations exist for most frameworks, so a proof of concept takes days.",
    "Its main cost is {cost}, which grows with the number of {object} it has to keep.",
    "Regulated industries value it because each result can be traced back to its {object}.",
    "Unlike {other}, it needs no separate training run for each new use case.",
    "We usually benchmark it against {other} on the client's own {object} before deciding.",
]  # fmt: skip
BULLETS = [
    "**Inputs:** {object} and, optionally, the output of {other}.",
    "**Outputs:** scored {object}, ready for the {stage}.",
    "**Main cost:** {cost}, which you can trade against quality.",
    "**Works well with:** {other}.",
    "**Watch out for:** {risk}.",
    "**Alternative:** {other}, when {cost} matters more than recall.",
]  # fmt: skip
HEADINGS = [
    "How {name} works", "How it works", "When to use it", "Trade-offs", "In practice",
    "Getting started", "What to measure",
]  # fmt: skip
SERVICE_AREAS = [
    "Retrieval", "Agent", "Computer Vision", "Speech", "Forecasting", "Recommendation",
    "Document AI", "Search", "Model Evaluation", "MLOps", "Data Platform", "Fraud Detection",
    "Customer Support AI", "Knowledge Graph", "Edge AI",
]  # fmt: skip
SERVICE_KINDS = [
    "Strategy & Roadmapping", "Proof of Concept", "Platform Engineering", "Audit & Review",
    "Team Training", "Production Launch", "Cost Optimisation", "Managed Operations",
]  # fmt: skip
TOOLS = [
    "PyTorch", "TensorFlow", "JAX", "ONNX Runtime", "Triton Inference Server", "Ray",
    "Kubeflow", "MLflow", "LangChain", "LlamaIndex", "pgvector", "Weaviate", "Qdrant", "Milvus",
    "FAISS", "vLLM", "spaCy", "scikit-learn", "XGBoost", "Apache Spark", "Apache Airflow",
    "Dagster", "Apache Kafka", "Elasticsearch", "OpenSearch", "DuckDB", "Polars",
    "Label Studio", "Kubernetes", "Terraform", "Weights & Biases", "DVC", "BentoML", "OpenCV",
]  # fmt: skip
TOOL_KINDS = ["Integration", "Development", "Deployment", "Consulting", "Migration"]
TAGS = [
    "NLP", "Computer Vision", "MLOps", "Generative AI", "Retrieval", "Agents", "Evaluation",
    "AI Safety", "Optimisation", "Data Engineering", "Speech", "Reinforcement Learning",
    "Statistics", "Infrastructure", "Privacy", "Search", "Deep Learning", "Classical ML",
    "Forecasting", "Edge AI", "Responsible AI", "Training", "Inference", "Multimodal",
]  # fmt: skip


# --- The plan: everything decided up front, deterministically, without the database


@dataclass
class Item:
    name: str
    slug: str
    summary: str
    body: str
    days_ago: float
    tags: list = field(default_factory=list)
    abbreviation: str = ""


@dataclass
class Corpus:
    terms: list
    services: list
    technologies: list
    related: set  # pairs of term indexes (i, j), i < j
    term_services: list  # per term, service indexes
    term_technologies: list  # per term, technology indexes
    service_technologies: list  # per service, technology indexes


def unique_names(rng, candidates, count, taken):
    """`count` names from the shuffled candidates, numbered once they run out."""
    candidates = list(candidates)
    rng.shuffle(candidates)
    names, used = [], set(taken)
    round_number = 1
    while len(names) < count:
        for candidate in candidates:
            name = candidate if round_number == 1 else f"{candidate} {round_number}"
            if name.lower() not in used:
                used.add(name.lower())
                names.append(name)
                if len(names) == count:
                    break
        round_number += 1
    return names


def term_name_candidates():
    for modifier, domain, head in itertools.product(MODIFIERS, DOMAINS, HEADS):
        yield f"{modifier} {domain} {head}"
    for first, head in itertools.product([*MODIFIERS, *DOMAINS], HEADS):
        yield f"{first} {head}"


def abbreviate(name):
    return "".join(word[0] for word in name.split()).upper()


def kind_of(name):
    """What a term is, from its last word: "a pruning technique", "an encoder"."""
    head = name.split()[-1]
    return f"{head.lower()} technique" if head in TECHNIQUES else head.lower()


def article(phrase):
    return "an" if phrase[0].lower() in "aeiou" else "a"


class BodyWriter:
    """Markdown bodies that mention other terms, from one random generator."""

    def __init__(self, rng):
        self.rng = rng

    def fill(self, template, name, mentions):
        choice = self.rng.choice
        stage, stage2 = self.rng.sample(STAGES, 2)
        return template.format(
            name=name,
            other=next(mentions),
            object=choice(OBJECTS),
            verb=choice(VERBS),
            cost=choice(COSTS),
            stage=stage,
            stage2=stage2,
            risk=choice(RISKS),
        )

    def paragraph(self, name, mentions, sentences):
        templates = self.rng.sample(SENTENCES, sentences)
        return " ".join(self.fill(template, name, mentions) for template in templates)

    def term_body(self, name, definition, mention_names):
        rng = self.rng
        mentions = itertools.cycle(mention_names)
        headings = rng.sample(HEADINGS, 3)
        intro = f"{name} is {definition[0].lower()}{definition[1:]} " + self.paragraph(
            name, mentions, rng.randint(2, 3)
        )
        bullets = [self.fill(t, name, mentions) for t in rng.sample(BULLETS, rng.randint(3, 4))]
        parts = [
            intro,
            f"## {headings[0].format(name=name)}",
            self.paragraph(name, mentions, rng.randint(3, 4)),
            "\n".join(f"- {bullet}" for bullet in bullets),
            f"## {headings[1].format(name=name)}",
            self.paragraph(name, mentions, rng.randint(2, 3)),
        ]
        if rng.random() < 0.5:
            parts += [
                f"## {headings[2].format(name=name)}",
                self.paragraph(name, mentions, 2)
                + f" Start with the default `{slugify(name).replace('-', '_')}` settings.",
            ]
        return "\n\n".join(parts) + "\n"

    def page_body(self, name, summary, mention_names):
        mentions = itertools.cycle(mention_names)
        return (
            f"{summary} {self.paragraph(name, mentions, 3)}\n\n"
            f"## What you get\n\n"
            + "\n".join(f"- {self.fill(t, name, mentions)}" for t in self.rng.sample(BULLETS, 3))
            + f"\n\n{self.paragraph(name, mentions, 2)}\n"
        )


def plan_corpus(terms, services, technologies, seed, taken=()):
    """
    Decide the whole corpus: the same arguments always give the same result.
    `taken` holds names (lower case) already used by other content.
    """
    # One generator per aspect, so that changing how bodies are written
    # never changes names or relations.
    rng = {aspect: random.Random(f"{seed}:{aspect}") for aspect in ("names", "links", "text")}
    writer = BodyWriter(rng["text"])
    taken = {name.lower() for name in taken}

    technology_names = unique_names(
        rng["names"], (f"{t} {k}" for t, k in itertools.product(TOOLS, TOOL_KINDS)),
        technologies, taken,
    )  # fmt: skip
    service_names = unique_names(
        rng["names"], (f"{a} {k}" for a, k in itertools.product(SERVICE_AREAS, SERVICE_KINDS)),
        services, taken,
    )  # fmt: skip
    term_names = unique_names(rng["names"], term_name_candidates(), terms, taken)

    related = plan_relations(rng["links"], term_names)
    neighbours = defaultdict(list)
    for i, j in sorted(related):
        neighbours[i].append(j)
        neighbours[j].append(i)

    term_items = []
    for i, name in enumerate(term_names):
        text = rng["text"]
        definition = (
            f"{article(kind_of(name)).capitalize()} {kind_of(name)} that "
            f"{text.choice(VERBS)} {text.choice(OBJECTS)} {text.choice(PURPOSES)}."
        )
        # Mostly related terms, then a few others from anywhere in the glossary.
        others = [term_names[j] for j in neighbours[i][:3]]
        others += [
            term_names[j]
            for j in text.sample(range(len(term_names)), min(3, len(term_names)))
            if j != i
        ]
        words = name.split()
        abbreviation = (
            abbreviate(name)
            if len(words) >= 3 and words[0][0].isalpha() and text.random() < 0.3
            else ""
        )
        term_items.append(
            Item(
                name=name,
                slug=SLUG_PREFIX + slugify(name),
                summary=definition,
                body=writer.term_body(name, definition, others or ["a simpler baseline"]),
                days_ago=text.uniform(1, MAX_PUBLISHED_DAYS_AGO),
                tags=text.sample(TAGS, text.randint(1, 3)),
                abbreviation=abbreviation,
            )
        )

    def page_items(names, describe):
        items = []
        for name in names:
            text = rng["text"]
            summary = describe(name, text)
            mentions = text.sample(term_names, min(3, len(term_names))) or ["our glossary"]
            items.append(
                Item(
                    name=name,
                    slug=SLUG_PREFIX + slugify(name),
                    summary=summary,
                    body=writer.page_body(name, summary, mentions),
                    days_ago=text.uniform(1, MAX_PUBLISHED_DAYS_AGO),
                    tags=text.sample(TAGS, text.randint(1, 3)),
                )
            )
        return items

    technology_items = page_items(
        technology_names,
        lambda name, text: (
            f"We help teams {text.choice(VERBS).rstrip('s')} "
            f"{text.choice(OBJECTS)} with {name.rsplit(' ', 1)[0]} {text.choice(PURPOSES)}."
        ),
    )
    service_items = page_items(
        service_names,
        lambda name, text: (
            f"{name}: a fixed-scope engagement that {text.choice(VERBS)} "
            f"{text.choice(OBJECTS)} {text.choice(PURPOSES)}."
        ),
    )

    links = rng["links"]

    def pick(count, population):
        return sorted(links.sample(range(population), min(count, population)))

    return Corpus(
        terms=term_items,
        services=service_items,
        technologies=technology_items,
        related=related,
        term_services=[pick(SERVICES_PER_TERM, services) for _ in term_names],
        term_technologies=[pick(TECHNOLOGIES_PER_TERM, technologies) for _ in term_names],
        service_technologies=[pick(links.randint(2, 4), technologies) for _ in service_names],
    )


def plan_relations(rng, names):
    """
    About RELATED_PER_TERM related terms each: every term picks half as many
    partners (the relation is symmetrical), mostly among terms that share its
    last word, as a real glossary relates "Vector Index" to "Sparse Index".
    """
    count = len(names)
    by_head = defaultdict(list)
    for i, name in enumerate(names):
        by_head[name.split()[-1]].append(i)
    pairs = set()
    for i, name in enumerate(names):
        family = by_head[name.split()[-1]]
        wanted = RELATED_PER_TERM // 2 + (rng.random() < (RELATED_PER_TERM % 2) / 2)
        for _ in range(wanted):
            for _attempt in range(5):
                pool = family if rng.random() < 0.6 and len(family) > 1 else None
                j = rng.choice(pool) if pool else rng.randrange(count)
                pair = (min(i, j), max(i, j))
                if j != i and pair not in pairs:
                    pairs.add(pair)
                    break
    return pairs


# --- Writing it -------------------------------------------------------------------


class Progress:
    """A one-line text bar, redrawn per batch on a terminal, printed once otherwise."""

    WIDTH = 30

    def __init__(self, stream, label, total, enabled):
        self.stream, self.label, self.total, self.enabled = stream, label, total, enabled
        self.done = 0
        self.started = time.perf_counter()
        self.interactive = enabled and stream.isatty()
        self.draw()

    def advance(self, count):
        self.done += count
        self.draw()

    def draw(self, final=False):
        if not (final or self.interactive) or not self.enabled:
            return
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        line = (
            f"{self.label:<18} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{self.done:>7,}/{self.total:,}"
        )
        if final:
            line += f"  {time.perf_counter() - self.started:6.1f} s"
        self.stream.write(("\r" if self.interactive else "") + line, ending="\n" if final else "")
        self.stream.flush()

    def finish(self):
        self.draw(final=True)


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

        self.vacuum_and_analyze()
        # Bulk writes send no signals: make every cached page stale ourselves.
        bump_content_version()
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
            Technology(
                name=item.name,
                summary=item.summary,
                body_html=render_markdown(item.body),
                **common(item),
            )
            for item in corpus.technologies
        )
        services = Service.objects.bulk_create(
            Service(
                title=item.name,
                summary=item.summary,
                order=100 + n,
                body_html=render_markdown(item.body),
                **common(item),
            )
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
                Term(
                    name=item.name,
                    abbreviation=item.abbreviation,
                    short_definition=item.summary,
                    letter=index_letter(item.name),
                    link_key=phrase_key(item.name),
                    **common(item),
                )
                for item in batch
            )
            bar.advance(len(batch))
        bar.finish()

        self.write_relations(corpus, terms, services, technologies)
        self.write_tags(corpus, terms, services, technologies)

        # Links before search vectors: each is a full UPDATE of every new term,
        # and while search_vector is still empty the first one need not touch
        # its GIN index. Existing terms are relinked too: their text may
        # mention a generated name, which saving terms one by one would link.
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
