"""Automatic stance suggestions: a transparent French cue-phrase classifier.

``classify(text, kind)`` returns a :class:`Suggestion`: one of the four judged labels
(agree, disagree, nuanced, neutral; never "unknown"), a confidence in [0, 1], and the cues,
the phrases of the text, verbatim, that decided it. Pure Python and ``re``: no ORM, no
model, no download. It handles a few thousand comments a second (a cue's regex runs only
when one of its literal keys is in the text), so the importer can call it on every new
comment.

How it decides
--------------
1. The text is folded for matching only: lower case, accents removed, typographic
   apostrophes and quotes made plain (’ ‘ ʼ → ', « » “ ” → "), non-breaking spaces made
   plain. Folding keeps one character per character, so every match maps back to the
   original text and the cues are quoted exactly as written.
2. Words that are not the commenter's own are masked: quotations ("…", «…», up to 300
   characters on one line), web addresses, and in a tweet everything from "RT @…" or
   "via @…" on (a relayed tweet's words belong to the person relayed).
3. Cue phrases are matched, each with a label and a weight: agreement ("tout à fait
   d'accord", "+1", "je rejoins", "j'adhère", "tu as raison", "je plussoie", praise that
   endorses: "excellent article", "bravo", "merci pour cet article"), disagreement ("pas
   d'accord", "je ne suis pas convaincu", "c'est n'importe quoi", "c'est faux", "je ne
   partage pas", "tu te trompes"), reservation ("bémol", "nuancer", "globalement
   d'accord", "pas tout à fait d'accord", "un peu réducteur", "oui et non").
4. Negation and intensifiers are read in the words just before a cue, within its clause:
   "pas d'accord" is disagreement, "pas tout à fait d'accord" a reservation, "tout à fait
   d'accord" and "d'accord à 100 %" strong agreement, "pas faux" and "je ne suis pas en
   désaccord" agreement; "ne … que" ("je ne peux qu'acquiescer") and "n'importe" are not
   negations. "d'accord" said of others ("tout le monde est d'accord") or not asserted
   ("d'accord ou pas", "d'accord ?") does not count.
5. Combination: a reservation cue, or agreement and disagreement of similar weight, or
   agreement followed closely by a contrast ("d'accord, mais", "excellent article, à part
   un point", "ceci dit", "toutefois") gives *nuanced*; otherwise the side with cues wins.
   An explicit irony marker ("ironie", "second degré") turns praise into disagreement.
6. Kind: pingbacks, trackbacks and tweets are neutral (they quote or relay) unless their
   own words carry a strong cue (weight ≥ 1): "Génial article, si vrai RT @…" is
   agreement, "RT @crouzet: Les community managers sont des putes" is neutral.
7. No cue at all: a text made mostly of questions is neutral, so is a short joke (a
   smiley, "lol"); any other comment gets the label of ``PRIORS``: the most frequent
   curated label of cue-less comments of its length (short/long), with that label's share
   as its confidence (at most 0.5), and no cue. In these debates a long argued comment
   with no agreement formula is most often a rebuttal, so long ones get *disagree*.

How the cue list was built
--------------------------
1. A priori: the cue list and rules were written from the spec (issue 4) and the common
   written forms of agreeing, objecting, conceding and praising in French; none names a
   person, blog or subject of the five texts. The developer had read the texts' comments,
   not their curated labels, which made some generic formulas come to mind ("je
   plussoie", "/agree"). Evaluated blind, once, against the 258 curated comments: accuracy
   0.570, macro-F1 0.476 (cue-less comments were then all neutral).
2. Tuning, after the labels were seen: the errors were read, text by text, and a change
   was made only where a generic French formula or rule explained them. Every change
   records the curated texts whose errors motivated it (``added_for``/``dropped_for`` on
   cues, ``_RULES`` for decision rules): a few missing formulas ("j'apprécie", "bien
   aimé", "c'est une bonne idée", "oui et non", "comme tu dis", "je reviens juste sur",
   "sinon, tout à fait d'accord", "d'accord avec une partie"), two cues dropped ("tout et
   n'importe quoi" describes conduct; a title called "racoleur" is no rejection of the
   position), the contrast after an agreement kept to its sentence ("mais") or paragraph,
   and the priors of step 7. The curated cue phrases were not copied.
3. The two-bucket design of the priors (200 characters) was chosen after seeing how the
   cue-less comments' labels spread over all four texts; the values are refitted per fold.

What the evaluation means
-------------------------
``python manage.py classify_stance --evaluate`` classifies every curated comment blind
(body and kind only) and prints two evaluations over the four judged labels:

- the shipped classifier, in-sample: its tuning and priors saw these labels, so this is an
  optimistic figure (accuracy 0.694, macro-F1 0.660 when written);
- leave-one-text-out, the honest figure: each text is classified with the changes made
  for it alone undone (a change motivated by several texts stays) and with priors fitted
  on the other texts only (accuracy 0.659, macro-F1 0.620 when written; 0.384 to 0.694
  per text).

Limits: four texts hold comments (258 comments, 002 has none), labelled by one annotator
(an AI assistant, not reviewed by a person), so a few comments move the figures by
several points. Leave-one-text-out undoes the recorded changes, not what the developer
learned from reading; it measures how the method carries to a text it was not tuned on,
within these four blogs of 2010. What no cue list can see is a stance argued without a
formula (most of the remaining errors: implicit rebuttals and implicit agreement), and
which comment a reply answers; the label's confidence says how much to trust it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

AGREE, DISAGREE, NUANCED, NEUTRAL = "agree", "disagree", "nuanced", "neutral"
LABELS = (AGREE, DISAGREE, NUANCED, NEUTRAL)

COMMENT, PINGBACK, TRACKBACK, TWEET = "comment", "pingback", "trackback", "tweet"
RELAY_KINDS = frozenset({PINGBACK, TRACKBACK, TWEET})

# A cue this heavy or more counts in a pingback, trackback or tweet.
STRONG = 1.0


@dataclass
class Suggestion:
    label: str
    confidence: float
    cues: list[str] = field(default_factory=list)


# --- folding ---------------------------------------------------------------------------


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            table[code] = base.lower()
    for char in "’‘ʼ′´`‛":
        table[ord(char)] = "'"
    for char in "«»“”„‟″":
        table[ord(char)] = '"'
    for char in "\u00a0\u202f\u2009\u2007\u2002\u2003\u200a\t":
        table[ord(char)] = " "
    for char in "‐‑‒–—―":
        table[ord(char)] = "-"
    table[ord("…")] = "."
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case, no accents, plain apostrophes and quotes; same length as ``text``."""
    low = text.lower()
    if len(low) != len(text):  # a few characters lengthen when lowered (İ)
        low = "".join(c.lower()[0] for c in text)
    return low.translate(_FOLD)


# --- masking ---------------------------------------------------------------------------

_QUOTED = re.compile(r'"[^"\n]{1,300}"')
_URL = re.compile(r"(?:https?://|www\.)\S+")
_RELAY = re.compile(r"\b(?:rt|via)\s*:?\s*@\w+.*", re.S)
_RELAY_MARK = re.compile(r"\b(?:rt|via)\s*:?\s*@\w+")


def _blank(match: re.Match) -> str:
    return " " * (match.end() - match.start())


def _mask(folded: str, kind: str) -> str:
    masked = _URL.sub(_blank, folded)
    masked = _QUOTED.sub(_blank, masked)
    if kind == TWEET:
        masked = _RELAY.sub(_blank, masked)
    return masked


# --- cues ------------------------------------------------------------------------------

# Words before a cue that negate it, within its clause.
_CLAUSE_START = re.compile(r"[.!?;:\n(]|\bmais\b")
_NEGATION = re.compile(
    r"\b(?:pas|jamais|guere|nullement|aucunement|loin d'etre)\b"
    r"|\bsans\b(?! (?:aucun )?(?:doute|hesit|reserve|conteste|nul doute))"
    r"|\bn(?:e |')[^.!?;]*\bplus\b"
)
# Negated, these leave a reservation rather than a refusal ("pas tout à fait d'accord").
_SOFT_NEGATION = re.compile(
    r"\bpas (?:tout a fait|completement|entierement|totalement|forcement|toujours|"
    r"a 100 ?%|a cent pour cent|sur tout|sur tous les points|necessairement|tellement|"
    r"si)\b"
)
_INTENSIFIER = re.compile(
    r"\b(?:tout a fait|totalement|completement|entierement|absolument|parfaitement|"
    r"vraiment|tellement|carrement|clairement|pleinement|mille fois|cent fois|"
    r"100 ?%|a 100 ?%|tres|bien|trop|si)\s*$"
)
_DOWNTONER = re.compile(
    r"\b(?:globalement|en partie|partiellement|a moitie|a peu pres|en gros|"
    r"dans l'ensemble|dans les grandes lignes|sur le fond|sur le principe|"
    r"en grande partie|plus ou moins|un peu)\s*$"
)
_OTHERS = re.compile(
    r"\b(?:tout le monde|personne|ils|elles|vous etes|tu es|t'es|il est|elle est|"
    r"soient|soit|sont)\b"
)
_SELF = re.compile(r"\b(?:je|j'|suis|on|nous|sommes)\b")
# The same expression as a hypothesis or a question.
_NOT_ASSERTED_AFTER = re.compile(r"^\s*(?:ou (?:pas|non)\b|\?)")
_INTENSIFIER_AFTER = re.compile(
    r"^\s*(?:a 100 ?%|a cent pour cent|sur toute la ligne|sur tout\b|avec tout\b|"
    r"sur tous les points|!{2,})"
)
_DOWNTONER_AFTER = re.compile(
    r"^\s*(?:sur le fond|sur le principe|sur l'essentiel|en partie|globalement|"
    r"sur (?:a peu pres|presque) tout|sur (?:certains|quelques|plusieurs) points|"
    r"sur la forme)"
)
# Added after the labels were seen (003: "d'accord avec une majorité du reste").
_PARTLY_AFTER = re.compile(
    r"^\s*avec (?:une|la) (?:(?:large|petite|grande|bonne) )?(?:majorite|partie)\b"
)
# Added after the labels were seen (000, 001): "sinon, tout à fait d'accord" follows a
# reservation.
_OTHERWISE_BEFORE = re.compile(r"\bsinon,?\s+(?:\w+\s+){0,3}$")

_CONTRAST = re.compile(
    r"\b(?:cependant|toutefois|neanmoins|par contre|en revanche|pourtant|ceci dit|"
    r"cela dit|ceci etant|ca dit|sauf que|sauf sur|sauf pour|sauf a|a part|excepte|"
    r"hormis|reste que|il n'en reste pas moins|quoique|bien que|meme si|seul bemol|"
    r"seulement|sinon que)\b"
)
_BUT = re.compile(r"\bmais\b")
_IRONY = re.compile(
    r"\b(?:ironie|ironique|ironiquement|sarcasme|sarcastique|second degre)\b|#ironie|"
    r"</?ironie>"
)
_HUMOUR = re.compile(r"(?:;-?\)|:-?p\b|\^\^|\blol\b|\bmdr\b|\bptdr\b|:-?d\b|\bhaha|\bhihi)")

_AGREEMENT_WORD = re.compile(r"\bd' ?accord\b|\bdaccord\b|\ben (?:plein |total )?accord\b")

_ART = r"(?:article|billet|post|papier|analyse|reflexion|texte|coup de gueule|synthese|edito)s?"
_DET = r"(?:ce|cet|cette|ces|ton|ta|tes|votre|vos|le|la|les|l'|un|une|ce petit|cet excellent)"
_START = r"(?:^|(?<=[.!?\n]))\s*"
_END = r"\s*(?:[!.,;:)]|$)"

# The curated texts, by file stem: provenance of the changes made after their labels were
# seen (see "Tuning" in the module docstring).
T000 = "000_35b5d2382263f78a"
T001 = "001_0a401290472b4421"
T003 = "003_2762b80dfeb9c568"
T004 = "004_e9026df061dc2806"


@dataclass(frozen=True)
class _Cue:
    """A cue phrase, written folded (no accents, plain apostrophes). ``added_for``: the
    curated texts whose errors made it be added; ``dropped_for``: those whose errors made it
    be dropped. Both empty: written before any curated label was seen."""

    label: str
    weight: float
    pattern: str
    keys: tuple[str, ...]  # the pattern is tried only on a text holding one of these
    added_for: frozenset[str] = frozenset()
    dropped_for: frozenset[str] = frozenset()


def _c(
    label: str, weight: float, pattern: str, keys: tuple[str, ...], *, added_for=(), dropped_for=()
) -> _Cue:
    return _Cue(label, weight, pattern, keys, frozenset(added_for), frozenset(dropped_for))


# What praise is about: "excellent article", "bon billet"...
_WRITINGS = (
    "article", "billet", "post", "papier", "analyse", "reflexion", "texte", "coup de gueule",
    "synthese", "edito",
)  # fmt: skip


_CUE_SPECS: list[tuple] = [
    # -- agreement --------------------------------------------------------------------
    (AGREE, 1.5, r"(?<![\w+])\+ ?1(?:0+)?(?![\d%.,])", ("+",)),
    (AGREE, 1.5, r"/agree\b|\bi agree\b|\bagreed\b", ("agree",)),
    (AGREE, 1.5, r"\b(?:je )?plussoie\b", ("plussoie",)),
    (
        AGREE,
        1.5,
        r"\bje (?:ne |n')?(?:te |vous |le |la |les |l')?rejoins\b|\bon (?:ne )?se rejoint\b",
        ("rejoin",),
    ),
    (
        AGREE,
        1.5,
        r"\bj'(?:y )?adhere\b|\bje n'(?:y )?adhere\b|\badhere (?:a 100|completement|totalement)",
        ("adhere",),
    ),
    (
        AGREE,
        1.5,
        r"\bje (?:ne |n')?(?:souscris|plussoie|confirme|valide|seconde|soutiens|approuve)\b",
        ("souscris", "plussoie", "confirme", "valide", "seconde", "soutiens", "approuve"),
    ),
    (
        AGREE,
        2.0,
        r"\bje ne (?:peux|puis|peut) qu(?:e |')(?:acquiescer|approuver|adherer|abonder|"
        r"souscrire|confirmer|etre d'accord|suivre|applaudir|plussoyer|aller dans)",
        (
            "acquiescer",
            "approuver",
            "adherer",
            "abonder",
            "souscrire",
            "confirmer",
            "d'accord",
            "suivre",
            "applaudir",
            "plussoyer",
            "aller dans",
        ),
    ),
    (AGREE, 1.5, r"\bj'acquiesce\b|\bacquiescer\b", ("acquiesc",)),
    (
        AGREE,
        1.5,
        r"\bje partage (?:(?:totalement|entierement|completement|tout a fait|pleinement|"
        r"bien|aussi|largement) )?(?:ton|votre|le|cet|ce|cette|ta|l')\s?(?:avis|point de vue|"
        r"analyse|opinion|constat|vision|sentiment|approche|idee|conclusion)",
        ("je partage",),
    ),
    (
        AGREE,
        1.5,
        r"\bje suis (?:(?:tout a fait|totalement|entierement|bien) )?de (?:ton|votre) avis\b",
        ("avis",),
    ),
    (AGREE, 1.5, r"\b(?:(?:je suis|suis|on est|nous sommes) )?(?:\w+ )?en phase\b", ("en phase",)),
    (AGREE, 1.5, r"\bmeme longueur d'onde\b", ("longueur d'onde",)),
    (
        AGREE,
        1.5,
        r"\b(?:tu as|vous avez|t'as|tu avez) (?:(?:bien|totalement|tout a fait|completement|"
        r"entierement|absolument|parfaitement|mille fois|cent fois|encore) )?raison\b",
        ("raison",),
    ),
    (
        AGREE,
        1.0,
        r"\bc'est (?:(?:tellement|si|bien|tout a fait|tres|trop|tout) )?(?:vrai|juste|exact)\b",
        ("vrai", "juste", "exact"),
    ),
    (AGREE, 1.5, r"\b(?:tellement|si|tres|trop|tout a fait) (?:vrai|juste)\b", ("vrai", "juste")),
    (
        AGREE,
        1.5,
        r"\bcriant de verite\b|\bplein de bon sens\b|\bbien vu\b|\bbien dit\b",
        ("criant de verite", "plein de bon sens", "bien vu", "bien dit"),
    ),
    (
        AGREE,
        1.5,
        r"\btout est dit\b|\brien a (?:ajouter|redire)\b|\bdans le mille\b",
        ("tout est dit", "rien a ", "dans le mille"),
    ),
    (
        AGREE,
        1.5,
        r"\b(?:pas|loin d'etre|plus) (?:(?:si|tellement|completement|du tout) )?faux\b",
        ("faux",),
    ),
    (AGREE, 1.5, r"\bbravo\b|\bchapeau\b|\bfelicitations\b", ("bravo", "chapeau", "felicitations")),
    (
        AGREE,
        1.0,
        r"\bgood job\b|\bwell done\b|\bnice (?:post|article)\b",
        ("good job", "well done", "nice "),
    ),
    (
        AGREE,
        1.5,
        r"\bmerci (?:\w+ ){0,3}?(?:pour|de|d'avoir (?:ecrit|partage|publie)) "
        + _DET
        + r" ?(?:\w+ ){0,3}?"
        + _ART
        + r"\b",
        ("merci",),
    ),
    (
        AGREE,
        1.5,
        r"\b(?:excellente?s?|tres bonn?e?s?|super|superbes?|magnifiques?|remarquables?|"
        r"brillante?s?|geniale?s?|genial|passionnante?s?|pertinente?s?|lumineux|lumineuse|"
        r"tres juste|tres interessante?s?|tres beau|tres belle|bel|beau|belle|sacre|"
        r"fort|formidable|bonne)\s+" + _ART + r"\b",
        _WRITINGS,
    ),
    (
        AGREE,
        1.0,
        r"\b(?:bon|interessante?s?|joli|jolie|chouette)\s+" + _ART + r"\b",
        _WRITINGS,
    ),
    (
        AGREE,
        1.0,
        r"\b(?:very good|great|excellent|good|nice) (?:article|post|read|blog post)\b",
        ("article", "post", "read"),
    ),
    (
        AGREE,
        1.5,
        r"\b" + _ART + r" (?:\w+ ){0,2}?(?:excellente?|pertinente?|passionnante?|brillante?|"
        r"lumineux|lumineuse|geniale?|remarquable|tres juste|juste|tres interessante?|"
        r"tres realiste|realiste|criant de verite|d'une (?:tres )?grande qualite)\b",
        _WRITINGS,
    ),
    (
        AGREE,
        1.0,
        _START + r"(?:excellent|excellente|tres bon|tres bien|lumineux|tres juste|genial|"
        r"brillant|parfait|superbe|magnifique|bien joue|tres pertinent|pertinent)\b",
        (
            "excellent",
            "tres bon",
            "tres bien",
            "lumineux",
            "tres juste",
            "genial",
            "brillant",
            "parfait",
            "superbe",
            "magnifique",
            "bien joue",
            "pertinent",
        ),
    ),
    (
        AGREE,
        1.5,
        _START + r"(?:exactement|absolument|tout a fait|totalement|entierement|idem|"
        r"pareil|tellement vrai|so true|completement)" + _END,
        (
            "exactement",
            "absolument",
            "tout a fait",
            "totalement",
            "entierement",
            "idem",
            "pareil",
            "tellement vrai",
            "so true",
            "completement",
        ),
    ),
    (
        AGREE,
        0.5,
        _START + r"(?:oui|effectivement|en effet|c'est clair|clairement|ok|okay)" + _END,
        ("oui", "effectivement", "en effet", "clair", "ok"),
    ),
    (AGREE, 1.0, _START + r"ok (?:sur|pour|avec)\b", ("ok ",)),
    (
        AGREE,
        1.0,
        r"\bj'ai (?:beaucoup |bien |vraiment |particulierement |tout de suite )?"
        r"(?:aime|apprecie|adore)\b",
        ("j'ai ",),
    ),
    (
        AGREE,
        1.0,
        r"\bj'aime (?:beaucoup |bien )?" + _DET + r" ?" + _ART + r"\b",
        _WRITINGS,
    ),
    (AGREE, 1.0, r"\bje m'y reconnais\b|\bje me reconnais\b", ("reconnais",)),
    (AGREE, 1.0, r"\b(?:tout |mon |un )soutien\b", ("soutien",)),
    (AGREE, 1.5, r"\benfin (?:quelqu'un|un (?:article|billet))\b", ("enfin ",)),
    (
        AGREE,
        0.5,
        r"\b(?:effectivement|en effet|certes|il est vrai que|c'est vrai que)\b",
        ("effectivement", "en effet", "certes", "vrai que"),
    ),
    (
        AGREE,
        0.5,
        r"\bje comprends (?:bien |tout a fait |parfaitement )?(?:(?:ton|votre|le) point de vue|"
        r"ce que tu|ce que vous|ta position|votre position)",
        ("je comprends",),
    ),
    # -- disagreement -----------------------------------------------------------------
    # Softened criticism is a reservation; listed before the bare words below.
    (
        NUANCED,
        1.5,
        r"\bun peu (?:trop )?(?:reducteur|reductrice|simpliste|caricatural|caricaturale|rapide|"
        r"court|facile|excessif|exagere|severe|extreme|radical|fort)\b",
        ("un peu",),
    ),
    (
        DISAGREE,
        1.5,
        r"\bpas (?:du tout |vraiment |tres |trop |franchement |totalement |completement |"
        r"entierement |tout a fait |forcement )?(?:convaincue?s?|convaincant|persuadee?s?)\b",
        ("convain", "persuade"),
    ),
    (
        DISAGREE,
        2.0,
        r"\b(?:c'est|c est|ca reste|c'etait|du|quel|vraiment|franchement|que|un)"
        r" (?:du )?(?:grand )?n'importe quoi\b|" + _START + r"n'importe quoi\b",
        ("n'importe quoi",),
    ),
    (
        DISAGREE,
        1.5,
        r"\b(?:c'est|totalement|completement|archi|tout a fait|parfaitement|absolument|"
        r"evidemment|bien entendu) faux\b|" + _START + r"faux" + _END,
        ("faux",),
    ),
    (
        DISAGREE,
        1.5,
        r"\b(?:je|j') ?ne partage (?:pas|absolument pas|pas du tout)\b",
        ("ne partage",),
    ),
    (DISAGREE, 1.5, r"\bdesaccord\b", ("desaccord",)),
    (
        DISAGREE,
        2.0,
        r"\bm'inscris en faux\b|\bje (?:conteste|refute|desapprouve|m'oppose)\b",
        ("en faux", "je conteste", "je refute", "je desapprouve", "je m'oppose"),
    ),
    (
        DISAGREE,
        1.5,
        r"\b(?:vous |te )?contredire\b|\bje (?:vous |te )contredis\b",
        ("contredi",),
    ),
    (
        DISAGREE,
        2.0,
        r"\b(?:vous vous trompez|tu te trompes|vous avez tort|tu as tort|t'as tort|"
        r"vous faites erreur|tu fais erreur)\b",
        ("trompe", "tort", "erreur"),
    ),
    (
        DISAGREE,
        1.5,
        r"\b(?:vision|idee|analyse|raisonnement|approche|affirmation|postulat|theorie|"
        r"conclusion|point de vue|propos)s? (?:(?!un peu)\w+ ){0,2}?(?:erronee?s?|fausses?|"
        r"simplistes?|"
        r"caricaturale?s?|caricaturaux|reductrices?|reducteurs?|biaisee?s?|absurdes?)\b",
        ("errone", "fausse", "simpliste", "caricatura", "reduct", "biaise", "absurde"),
    ),
    (
        DISAGREE,
        1.0,
        r"\b(?:erronee?s?|simplistes?|absurdes?|caricatura(?:l|le|les|ux)|reduct(?:eur|rice)s?)\b",
        ("errone", "simpliste", "absurde", "caricatura", "reduct"),
    ),
    (DISAGREE, 0.75, r"\baberrant(?:e|s|es)?\b|\baberration\b", ("aberra",)),
    (
        DISAGREE,
        1.0,
        r"\bmauvaise foi\b|\bhors[- ]sujet\b|\ba cote de la plaque\b",
        ("mauvaise foi", "sujet", "a cote de la plaque"),
    ),
    (
        DISAGREE,
        1.0,
        r"\bje ne vois pas (?:en quoi|pourquoi|le rapport|l'interet|ou)\b",
        ("je ne vois pas",),
    ),
    (
        DISAGREE,
        0.75,
        r"\bje ne (?:pense|crois|dirais|dirai) pas\b",
        ("je ne pense", "je ne crois", "je ne dira"),
    ),
    (
        DISAGREE,
        1.5,
        r"\b(?:ce )?n'est (?:vraiment |absolument )?pas (?:du tout )?(?:vrai|juste|exact)\b",
        ("vrai", "juste", "exact"),
    ),
    (
        DISAGREE,
        1.5,
        _START + r"(?:non|euh,? non|bah non|ben non|eh bien non|et bien non)\s*[,.!]",
        ("non",),
    ),
    (DISAGREE, 1.5, r"\bje dis non\b", ("je dis non",)),
    (
        DISAGREE,
        1.0,
        _START + r"(?:bof|mouais|pff+|hum+ ?\.\.\.)\b",
        ("bof", "mouais", "pff", "hum"),
    ),
    (
        DISAGREE,
        1.5,
        r"\bfoutaises?\b|\bfadaises?\b|\baneries?\b",
        ("foutaise", "fadaise", "anerie"),
    ),
    # "faire tout et n'importe quoi" describes conduct, it is no verdict on the target.
    _c(DISAGREE, 2.0, r"\btout et n'importe quoi\b", ("tout et n'importe",), dropped_for=[T000]),
    # Criticising a title only is no rejection of the position (001: "titre raccoleur",
    # then the substance endorsed).
    _c(
        DISAGREE,
        1.0,
        r"\b(?:titre|article|billet)s? (?:\w+ ){0,2}?(?:racoleurs?|raccoleurs?|racolleurs?|"
        r"putaclic|sensationnalistes?|trompeurs?)\b|\bracolage\b",
        ("racol", "raccol", "putaclic", "sensationnaliste", "trompeur"),
        dropped_for=[T001],
    ),
    (
        DISAGREE,
        1.0,
        r"\bje (?:suis|reste) (?:un peu |assez |tres |extremement |plutot )?"
        r"(?:decue?|choquee?|consternee?|sceptique|dubitati(?:f|ve)|perplexe)\b",
        ("decu", "choque", "consterne", "sceptique", "dubitati", "perplexe"),
    ),
    (DISAGREE, 1.0, r"\bdesolee?,? mais\b", ("desole",)),
    (
        DISAGREE,
        1.5,
        r"\bje ne comprends pas (?:vraiment |bien )?(?:ta|votre|ton|cette|la|le) "
        r"(?:reaction|position|logique|raisonnement|argument)",
        ("je ne comprends pas",),
    ),
    (DISAGREE, 0.75, r"\bau contraire\b", ("au contraire",)),
    # Added after the labels were seen, each a common formula the first list missed.
    _c(
        AGREE,
        1.0,
        r"\bj'apprecie\b|\bbien aime\b|\bj'ai (?:bcp|beaucoup) aime\b",
        ("j'apprecie", "aime"),
        added_for=[T001],
    ),
    _c(
        AGREE,
        1.0,
        r"\b(?:c'est|quelle|voila) (?:une )?(?:tres |excellente |bonne )?bonne idee\b",
        ("bonne idee",),
        added_for=[T001],
    ),
    _c(
        AGREE,
        1.0,
        r"\b(?:c'est|ce sont) (?:le|la|les) mien(?:ne)?s? aussi\b|\bidem pour moi\b",
        ("mien", "idem pour moi"),
        added_for=[T004],
    ),
    _c(
        NUANCED,
        1.5,
        r"\boui et non\b|\bnon et oui\b",
        ("oui et non", "non et oui"),
        added_for=[T001],
    ),
    # Taking up the target's own point: "comme tu dis", "comme l'a souligné Benoit",
    # "et tu le soulignes".
    _c(
        AGREE,
        1.0,
        r"\bcomme (?:(?:tu|vous|toi|il|elle) (?:le |l')?|le |l'a |l'as |l'avez )"
        r"(?:dis|dit|dites|disait|disais|souligne|soulignes|soulignez|rappelle|rappelles|"
        r"rappelez|ecris|ecrit|ecrivez|expliques|explique|expliquez)\b|"
        r"\b(?:tu le|vous le) (?:dis|dites|soulignes|soulignez|rappelles|rappelez)\b",
        ("comme ", "tu le ", "vous le "),
        added_for=[T000, T001, T003],
    ),
    _c(
        AGREE,
        1.0,
        _START + r"(?:tres|tout a fait|bien) clairement" + _END,
        ("clairement",),
        added_for=[T000],
    ),
    # Introducing a reservation on one point.
    _c(
        NUANCED,
        1.0,
        r"\bje reviens (?:juste |simplement |seulement )?sur\b|\b(?:je voulais|je voudrais|"
        r"j'aimerais) (?:juste |simplement |seulement )?(?:souligner|preciser|nuancer|"
        r"ajouter un point|apporter une (?:petite )?(?:nuance|precision))|"
        r"\bme (?:derange|derangent|gene|genent) un peu\b",
        ("je reviens", "je voulais", "je voudrais", "j'aimerais", "un peu"),
        added_for=[T001, T004],
    ),
    # -- reservation ------------------------------------------------------------------
    (NUANCED, 2.0, r"\bbemols?\b", ("bemol",)),
    (
        NUANCED,
        1.5,
        r"\bnuancer\b|\bje nuancerais\b|\bune (?:petite )?nuance\b|\brelativiser\b",
        ("nuanc", "relativiser"),
    ),
    (
        NUANCED,
        1.0,
        _START + r"(?:juste |seulement |simplement )?une (?:petite |seule )?"
        r"(?:remarque|reserve|objection|critique|precision)\b|\bavec (?:quelques )?reserves?\b",
        ("remarque", "reserve", "objection", "critique", "precision"),
    ),
    (
        NUANCED,
        1.5,
        r"\bje (?:suis|reste) (?:un peu |assez |plutot )?(?:partagee?|mitigee?)\b",
        ("partage", "mitige"),
    ),
    (NUANCED, 1.0, r"\bje ne suis pas (?:certaine?|sure?|persuadee?) que\b", ("je ne suis pas",)),
    (NUANCED, 1.0, r"\bautant [^.!?]{3,120}\bautant\b", ("autant",)),
    (
        NUANCED,
        1.0,
        _START + r"oui,? (?:mais|certes)\b|\bcertes[^.!?]{0,80}\bmais\b",
        ("oui", "certes"),
    ),
]

_ALL_CUES = [spec if isinstance(spec, _Cue) else _c(*spec) for spec in _CUE_SPECS]

# Changes to the decision made after the labels were seen, with the texts that motivated them.
_RULES: dict[str, frozenset[str]] = {
    # A bare "mais" marks a reservation only within the agreeing sentence, and a contrast
    # only within its paragraph ("d'accord, mais…" yes; "Je suis bien d'accord avec toi.
    # Mais certains…", or a "Cependant" two paragraphs on, no).
    "contrast-nearby": frozenset({T000, T001, T003}),
    # An agreement that outweighs a disagreement but is followed by a contrast is a
    # reservation, as it is with no disagreement at all.
    "contrast-over-ratio": frozenset({T004}),
    # "d'accord avec une majorité / une partie de…" is a partial agreement.
    "partly-after": frozenset({T003}),
    # "Sinon, tout à fait d'accord": agreement after a reservation.
    "otherwise-agree": frozenset({T000, T001}),
}


def _active(cue: _Cue, withheld: frozenset[str]) -> bool:
    if cue.added_for and cue.added_for <= withheld:
        return False  # added only for withheld texts
    return not cue.dropped_for or cue.dropped_for <= withheld  # the drop is undone


@dataclass(frozen=True)
class _Lexicon:
    cues: tuple[tuple[str, float, re.Pattern, tuple[str, ...]], ...]
    rules: frozenset[str]


@lru_cache(maxsize=64)
def _lexicon(withheld: frozenset[str] = frozenset()) -> _Lexicon:
    """The cues and rules in force once the changes made for ``withheld`` texts only are
    undone (nothing withheld: the shipped classifier)."""
    cues = tuple(
        (cue.label, cue.weight, re.compile(cue.pattern), cue.keys)
        for cue in _ALL_CUES
        if _active(cue, withheld)
    )
    rules = frozenset(name for name, motives in _RULES.items() if not motives <= withheld)
    return _Lexicon(cues, rules)


@dataclass
class _Hit:
    label: str
    weight: float
    start: int
    end: int


def _clause_before(text: str, start: int, width: int = 40) -> str:
    window = text[max(0, start - width) : start]
    cut = 0
    for match in _CLAUSE_START.finditer(window):
        cut = match.end()
    return window[cut:]


_SENTENCE_START = re.compile(r"[.!?\n]")
_NEGATION_AFTER = re.compile(r"^\s*(?:du tout|vraiment|sur (?:ce point|ce coup|le fond|tout))\b")


def _sentence_before(text: str, start: int, width: int = 60) -> str:
    window = text[max(0, start - width) : start]
    cut = 0
    for match in _SENTENCE_START.finditer(window):
        cut = match.end()
    return window[cut:]


def _agreement_hits(masked: str, rules: frozenset[str]) -> list[_Hit]:
    """ "d'accord"/"en accord", read with the words around it."""
    hits = []
    for match in _AGREEMENT_WORD.finditer(masked):
        start, end = match.span()
        before = _clause_before(masked, start, 60)
        after = masked[end : end + 40]
        if _NOT_ASSERTED_AFTER.match(after):
            continue
        sentence = _sentence_before(masked, start)
        if _OTHERS.search(sentence) and not _SELF.search(sentence):
            continue
        if re.search(
            r"\bne (?:peux|peut|pourrais|pourrait|saurais) (?:pas )?(?:etre )?plus\s*$", before
        ):
            hits.append(_Hit(AGREE, 2.5, start - len(before), end))
            continue
        if _NEGATION.search(before):
            label, weight = (NUANCED, 1.5) if _SOFT_NEGATION.search(before) else (DISAGREE, 2.0)
            tail = _NEGATION_AFTER.match(after)
            hits.append(
                _Hit(
                    label,
                    weight,
                    _negation_start(masked, start, before),
                    end + (tail.end() if tail else 0),
                )
            )
            continue
        intens = _INTENSIFIER.search(before)
        down = _DOWNTONER.search(before)
        down_after = _DOWNTONER_AFTER.match(after)
        intens_after = _INTENSIFIER_AFTER.match(after)
        if "partly-after" in rules and _PARTLY_AFTER.match(after):
            down_after = _PARTLY_AFTER.match(after)
        if "otherwise-agree" in rules and _OTHERWISE_BEFORE.search(before):
            down = _OTHERWISE_BEFORE.search(before)
        if down or down_after:
            s = start - (len(before) - down.start()) if down else start
            e = end + down_after.end() if down_after else end
            hits.append(_Hit(NUANCED, 1.5, s, e))
        elif intens or intens_after:
            s = start - (len(before) - intens.start()) if intens else start
            e = end + intens_after.end() if intens_after else end
            hits.append(_Hit(AGREE, 2.5, s, e))
        else:
            hits.append(_Hit(AGREE, 1.5, start, end))
    return hits


def _negation_start(text: str, start: int, before: str) -> int:
    found = list(_NEGATION.finditer(before))
    offset = found[-1].start() if found else len(before)
    # Include "je ne suis" before "pas" when it is there.
    head = before[:offset]
    subject = re.search(r"(?:\b(?:je|on|nous)\s+)?\bn(?:e |')\S*\s*$", head)
    if subject:
        offset = subject.start()
    return start - len(before) + offset


def _cue_hits(masked: str, lexicon: _Lexicon) -> list[_Hit]:
    """Every cue found, read with its negation and intensifiers. "d'accord" comes first;
    among overlapping cue phrases the one listed first wins (the specific ones are listed
    before the general: "un peu réducteur" before "réducteur")."""
    hits = _agreement_hits(masked, lexicon.rules)
    candidates: list[tuple[int, int, int, str, float]] = []
    for order, (label, weight, pattern, keys) in enumerate(lexicon.cues):
        for key in keys:
            if key in masked:
                break
        else:
            continue
        for match in pattern.finditer(masked):
            start, end = match.span()
            # Trim the leading space an anchored pattern may include.
            while start < end and masked[start].isspace():
                start += 1
            if start < end:
                candidates.append((start, end, order, label, weight))
    taken: list[tuple[int, int]] = [(h.start, h.end) for h in hits]
    for start, end, _order, label, weight in sorted(candidates, key=lambda c: (c[2], c[0])):
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        hits.append(_read_cue(masked, start, end, label, weight))
    hits.sort(key=lambda h: h.start)
    return hits


def _read_cue(masked: str, start: int, end: int, label: str, weight: float) -> _Hit:
    if label == DISAGREE and "desaccord" in masked[start:end]:
        before = _clause_before(masked, start)
        if _NEGATION.search(before):  # "je ne suis pas en désaccord"
            return _Hit(AGREE, 1.0, _negation_start(masked, start, before), end)
    elif _negatable(label, masked[start:end]):
        before = _clause_before(masked, start, 30)
        # The verb framed by "ne … pas" ("je ne te rejoins pas", "je n'adhère plus"), or a
        # negation before the cue ("pas bravo", "sans être convaincant").
        framed = _NE.search(before + masked[start:end]) and _PAS_AFTER.match(masked[end : end + 20])
        flipped = DISAGREE if label == AGREE else AGREE
        factor = 0.75 if flipped == DISAGREE else 0.5
        if framed:
            return _Hit(flipped, weight * factor, start, end + framed.end())
        if _NEGATION.search(before):
            return _Hit(flipped, weight * factor, _negation_start(masked, start, before), end)
    if label == AGREE:
        boost = _INTENSIFIER_AFTER.match(masked[end : end + 30])
        if boost:
            return _Hit(label, weight + 0.5, start, end + boost.end())
    return _Hit(label, weight, start, end)


# Cues that carry their own negation or restriction ("pas faux", "n'importe quoi", "je ne
# peux qu'acquiescer") are not negated again.
_NOT_NEGATABLE = re.compile(
    r"\b(?:pas|jamais|non|loin|sans|plus|aucun)\b|n'importe|\bqu(?:e\b|')|"
    r"\bje ne (?:pense|crois|dira)"
)
_NE = re.compile(r"\bn(?:e\b|')")
_PAS_AFTER = re.compile(r"^\s*(?:pas|plus|jamais|guere|point|aucunement|nullement)\b")


def _negatable(label: str, matched: str) -> bool:
    return label in (AGREE, DISAGREE) and not _NOT_NEGATABLE.search(matched)


# --- decision --------------------------------------------------------------------------

# What a comment with no cue at all is labelled: the most frequent curated label of such
# comments, short (< LONG characters of its own words) or long, fitted on the curated texts
# by fit_priors() (``classify_stance --evaluate`` refits it and says if it moved), with that
# label's share as the confidence. Pingbacks, trackbacks and tweets with no cue are neutral.
LONG = 200
PRIORS: dict[str, tuple[str, float]] = {"short": ("agree", 0.42), "long": ("disagree", 0.44)}


def _sentences(masked: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", masked) if s.strip()]


def _confidence(score: float, base: float = 0.45, step: float = 0.15) -> float:
    return round(max(0.3, min(0.95, base + step * score)), 2)


def _bucket(masked: str) -> str:
    return "long" if len(" ".join(masked.split())) >= LONG else "short"


def _contrast(masked: str, hit: _Hit, nearby: bool) -> _Hit | None:
    """A contrast ("mais", "cependant", "à part"…) soon after an agreement cue."""
    if nearby:
        paragraph_end = masked.find("\n", hit.end)
        tail = masked[
            hit.end : min(hit.end + 150, paragraph_end if paragraph_end >= 0 else len(masked))
        ]
        sentence = re.split(r"[.!?]", tail, maxsplit=1)[0]
        found = _CONTRAST.search(tail)
        but = _BUT.search(sentence[:60])
    else:
        found = _CONTRAST.search(masked[hit.end : hit.end + 250])
        but = _BUT.search(masked[hit.end : hit.end + 60])
    if but and (not found or but.start() < found.start()):
        found = but
    if not found:
        return None
    return _Hit(NUANCED, 1.0, hit.end + found.start(), hit.end + found.end())


def classify(
    text: str,
    kind: str = COMMENT,
    *,
    priors: Mapping[str, tuple[str, float]] | None = None,
    withhold: Iterable[str] = (),
) -> Suggestion:
    """Suggest a stance for one comment's text and kind. Never returns "unknown".

    ``priors`` (default ``PRIORS``) labels comments with no cue; ``withhold`` undoes the
    tuning changes made for those curated texts only (for leave-one-text-out evaluation)."""
    found, bucket = _read(text, kind, _lexicon(frozenset(withhold)))
    if found is not None:
        return found
    label, share = (PRIORS if priors is None else priors).get(bucket, (NEUTRAL, 0.3))
    return Suggestion(label, round(min(share, 0.5), 2), [])


def _read(text: str, kind: str, lexicon: _Lexicon) -> tuple[Suggestion | None, str]:
    """The suggestion the cues, the kind or the questions give, or None and the comment's
    length bucket when there is none of these."""
    text = unicodedata.normalize("NFC", text or "")
    folded = fold(text)
    masked = _mask(folded, kind)
    relay = kind in RELAY_KINDS

    hits = _cue_hits(masked, lexicon)
    if relay:
        hits = [h for h in hits if h.weight >= STRONG]
    irony = _IRONY.search(masked) if hits else None
    if irony:
        hits = [
            _Hit(DISAGREE, h.weight, h.start, h.end) if h.label == AGREE else h for h in hits
        ] + [_Hit(DISAGREE, 0.5, irony.start(), irony.end())]

    def quote(chosen: list[_Hit]) -> list[str]:
        seen: list[str] = []
        for h in sorted(chosen, key=lambda h: h.start):
            phrase = text[h.start : h.end].strip()
            if phrase and phrase not in seen:
                seen.append(phrase)
        return seen

    if not hits:
        if relay:
            mark = _RELAY_MARK.search(folded) if kind == TWEET else None
            cues = [text[mark.start() : mark.end()]] if mark else []
            return Suggestion(NEUTRAL, 0.85, cues), ""
        sentences = _sentences(masked)
        questions = [s for s in sentences if s.endswith("?")]
        if questions and len(questions) * 2 >= len(sentences):
            first = masked.find(questions[0])
            cue = text[first : first + len(questions[0])].strip()
            return Suggestion(NEUTRAL, 0.6, [cue[:120]]), ""
        humour = _HUMOUR.search(masked)
        if humour and len(masked) < 300:
            return Suggestion(NEUTRAL, 0.5, [text[humour.start() : humour.end()]]), ""
        return None, _bucket(masked)

    score = {label: 0.0 for label in LABELS}
    for h in hits:
        score[h.label] += h.weight
    agree_hits = [h for h in hits if h.label == AGREE]
    contrast = None
    if not relay:
        nearby = "contrast-nearby" in lexicon.rules
        for h in agree_hits:
            contrast = _contrast(masked, h, nearby)
            if contrast:
                break

    a, d, n = score[AGREE], score[DISAGREE], score[NUANCED]
    if n > 0:
        label, chosen, conf = NUANCED, hits, _confidence(n)
    elif a and d and d >= 3 * a:
        label, chosen, conf = DISAGREE, [h for h in hits if h.label == DISAGREE], _confidence(d - a)
    elif a and d and not (a >= 3 * d and contrast and "contrast-over-ratio" in lexicon.rules):
        if a >= 3 * d:
            label, chosen, conf = AGREE, agree_hits, _confidence(a - d)
        else:
            label, chosen, conf = NUANCED, hits, _confidence(min(a, d), base=0.5)
    elif a and contrast is not None:
        label, chosen, conf = NUANCED, [*agree_hits[:1], contrast], _confidence(1.0, base=0.35)
    elif a:
        label, chosen, conf = AGREE, agree_hits, _confidence(a)
    else:
        label, chosen, conf = DISAGREE, [h for h in hits if h.label == DISAGREE], _confidence(d)

    if label == AGREE and _HUMOUR.search(masked) and a < 2:
        conf = round(max(0.3, conf - 0.1), 2)
    return Suggestion(label, conf, quote(chosen)), ""


# The fields suggest() writes (threads.models.Comment's names).
AUTO_FIELDS = ("stance", "stance_source", "auto_stance", "auto_confidence", "auto_cues")


def suggest(comment) -> bool:
    """Give ``comment`` (a threads Comment, or anything with its ``body``, ``kind``,
    ``stance_source`` and AUTO_FIELDS attributes) the suggestion for its text: ``stance``
    and ``auto_stance`` = the label, ``stance_source`` = "auto", ``auto_confidence``,
    ``auto_cues``. A curated comment is left alone. Saves nothing; returns whether an
    attribute changed (then save or bulk_update AUTO_FIELDS)."""
    if comment.stance_source == "curated":
        return False
    found = classify(comment.body, comment.kind)
    values = {
        "stance": found.label,
        "stance_source": "auto",
        "auto_stance": found.label,
        "auto_confidence": found.confidence,
        "auto_cues": found.cues,
    }
    if all(getattr(comment, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(comment, name, value)
    return True


def fit_priors(
    examples: Iterable[tuple[str, str, str]], withhold: Iterable[str] = ()
) -> dict[str, tuple[str, float]]:
    """Priors from curated ``(text, kind, label)`` examples: for each length bucket, the
    most frequent label of the comments that have no cue, and its share (ties: neutral
    first, then agree, disagree, nuanced)."""
    lexicon = _lexicon(frozenset(withhold))
    counts: dict[str, Counter] = {"short": Counter(), "long": Counter()}
    for text, kind, label in examples:
        if kind in RELAY_KINDS or label not in LABELS:
            continue
        found, bucket = _read(text, kind, lexicon)
        if found is None:
            counts[bucket][label] += 1
    order = (NEUTRAL, AGREE, DISAGREE, NUANCED)
    fitted = {}
    for bucket, counter in counts.items():
        total = sum(counter.values())
        if total:
            best = max(order, key=lambda label: (counter[label], -order.index(label)))
            fitted[bucket] = (best, round(counter[best] / total, 2))
    return fitted


# --- evaluation ------------------------------------------------------------------------


@dataclass
class Scores:
    """Agreement between curated labels and suggestions, over the four judged labels."""

    labels: tuple[str, ...]
    confusion: dict[str, dict[str, int]]  # confusion[curated][suggested]
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    support: dict[str, int]
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the labels that occur, curated or suggested (a label absent from
        both has no F1 and is left out; with all four present it is the plain mean)."""
        used = [
            label
            for label in self.labels
            if self.support[label] or any(self.confusion[g][label] for g in self.labels)
        ]
        return sum(self.f1[label] for label in used) / len(used) if used else 0.0


def score(pairs: list[tuple[str, str]], labels: tuple[str, ...] = LABELS) -> Scores:
    """``pairs`` are (curated, suggested). Pairs whose curated label is not one of
    ``labels`` (e.g. "unknown") are left out. A label never suggested has precision 0."""
    confusion = {g: {p: 0 for p in labels} for g in labels}
    for gold, guess in pairs:
        if gold in confusion and guess in confusion[gold]:
            confusion[gold][guess] += 1
    precision, recall, f1, support = {}, {}, {}, {}
    for label in labels:
        tp = confusion[label][label]
        predicted = sum(confusion[g][label] for g in labels)
        support[label] = sum(confusion[label].values())
        precision[label] = tp / predicted if predicted else 0.0
        recall[label] = tp / support[label] if support[label] else 0.0
        p, r = precision[label], recall[label]
        f1[label] = 2 * p * r / (p + r) if p + r else 0.0
    correct = sum(confusion[label][label] for label in labels)
    total = sum(support.values())
    return Scores(labels, confusion, precision, recall, f1, support, correct, total)


def format_priors(priors: Mapping[str, tuple[str, float]]) -> str:
    return ", ".join(
        f"{bucket}: {label} ({share:.2f})" for bucket, (label, share) in priors.items()
    )


def leave_one_text_out(
    texts: Mapping[str, list[tuple[str, str, str]]],
) -> dict[str, list[tuple[str, str]]]:
    """Honest evaluation of the tuned classifier. ``texts`` maps a curated text's file stem
    to its ``(body, kind, curated label)`` comments. Each text is classified with the
    tuning changes made for it alone undone and with priors fitted on the other texts
    only. Returns, per text, the ``(curated, suggested)`` pairs."""
    result = {}
    for key, examples in texts.items():
        withhold = frozenset({key})
        training = [example for other, rows in texts.items() if other != key for example in rows]
        priors = fit_priors(training, withhold)
        result[key] = [
            (label, classify(body, kind, priors=priors, withhold=withhold).label)
            for body, kind, label in examples
        ]
    return result
