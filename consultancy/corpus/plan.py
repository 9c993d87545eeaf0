"""
The plan of a synthetic corpus for benchmarks and load tests: names, slugs,
definitions, Markdown bodies, relations and tags, decided up front and
deterministically from a seed. No database access here: the
generate_content command writes what this module decides.
"""

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.text import slugify

from consultancy.corpus.words import (
    BULLETS,
    COSTS,
    DOMAINS,
    HEADINGS,
    HEADS,
    MODIFIERS,
    OBJECTS,
    PURPOSES,
    RISKS,
    SENTENCES,
    SERVICE_AREAS,
    SERVICE_KINDS,
    STAGES,
    TAGS,
    TECHNIQUES,
    TOOL_KINDS,
    TOOLS,
    VERBS,
)

# Django's slugify never writes a double hyphen, so no editor's item can be
# mistaken for a generated one.
SLUG_PREFIX = "gen--"
RELATED_PER_TERM = 5
SERVICES_PER_TERM = 2
TECHNOLOGIES_PER_TERM = 2
MAX_PUBLISHED_DAYS_AGO = 1000


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
