"""The stance classifier (threads/stance.py): cue phrases with and without negation,
intensifiers, apostrophes and accents, kinds, priors, provenance of the tuning, speed."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from tests.conftest import SEEDS
from threads import stance
from threads.stance import (
    AGREE,
    DISAGREE,
    LABELS,
    NEUTRAL,
    NUANCED,
    PRIORS,
    T000,
    T001,
    Suggestion,
    classify,
    fit_priors,
    fold,
    score,
    suggest,
)


def label(text: str, kind: str = "comment") -> str:
    return classify(text, kind).label


# --- negation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Je suis d'accord avec toi.", AGREE),
        ("Je ne suis pas d'accord avec toi.", DISAGREE),
        ("Pas d'accord du tout.", DISAGREE),
        ("On n'est pas d'accord sur le postulat de départ.", DISAGREE),
        ("Je ne suis pas tout à fait d'accord.", NUANCED),
        ("Pas complètement d'accord avec la conclusion.", NUANCED),
        ("Je suis convaincu par ta démonstration. C'est n'importe quoi.", DISAGREE),
        ("Je ne suis pas convaincu.", DISAGREE),
        ("Je ne suis pas convaincue par l'exemple d'Apple.", DISAGREE),
        ("Je ne suis pas en désaccord avec toi.", AGREE),
        ("Je suis en désaccord avec toi.", DISAGREE),
        ("Ce n'est pas faux.", AGREE),
        ("C'est faux.", DISAGREE),
        ("Je ne partage pas du tout ton avis.", DISAGREE),
        ("Je partage ton avis.", AGREE),
        ("Je ne te rejoins pas sur ce point.", DISAGREE),
    ],
)
def test_negation(text, expected):
    assert label(text) == expected


def test_ne_que_and_nimporte_are_not_negations():
    assert label("Je ne peux qu'acquiescer.") == AGREE
    assert label("Je ne peux que te rejoindre : je te rejoins.") == AGREE
    # "n'importe" is no negation of what follows, and describing conduct is no verdict.
    assert label("C'est n'importe quoi.") == DISAGREE
    assert classify("Les agences font tout et n'importe quoi au jour le jour.").cues == []


def test_agreement_of_others_or_not_asserted_does_not_count():
    assert "d'accord" not in " ".join(classify("Tout le monde est d'accord là-dessus.").cues)
    assert classify("Il est facile de dire si l'on est d'accord ou pas.").cues == []


# --- intensifiers ------------------------------------------------------------------------


def test_intensifiers_strengthen_and_are_quoted():
    plain = classify("Je suis d'accord.")
    strong = classify("Je suis tout à fait d'accord.")
    assert plain.label == strong.label == AGREE
    assert strong.confidence > plain.confidence
    assert strong.cues == ["tout à fait d'accord"]
    assert classify("Entièrement d'accord !").cues == ["Entièrement d'accord"]
    assert classify("D'accord à 100 % !").cues == ["D'accord à 100 %"]
    hundred = classify("J'adhère à 100%")
    assert hundred.label == AGREE and hundred.cues == ["J'adhère à 100%"]


def test_downtoners_make_a_reservation():
    assert label("Je suis globalement d'accord avec le propos.") == NUANCED
    assert label("D'accord sur le fond, moins sur la forme.") == NUANCED
    assert label("Je suis en partie d'accord.") == NUANCED


# --- the spec's cues -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected, cue",
    [
        ("+1", AGREE, "+1"),
        ("+1 pour cette analyse", AGREE, "+1"),
        ("Je te rejoins complètement.", AGREE, "Je te rejoins"),
        ("J'adhère.", AGREE, "J'adhère"),
        ("Je plussoie.", AGREE, "Je plussoie"),
        ("Tu as entièrement raison.", AGREE, "Tu as entièrement raison"),
        ("Excellent article !", AGREE, "Excellent article"),
        ("Bravo Thierry !", AGREE, "Bravo"),
        ("Merci pour cet article.", AGREE, "Merci pour cet article"),
        ("Merci Benoît pour cet article qui remet les pendules à l'heure.", AGREE, None),
        ("Très bon article, très réaliste.", AGREE, "Très bon article"),
        ("Ceci dit je poserai un bémol.", NUANCED, "bémol"),
        ("D'accord, mais il faut le dire autrement.", NUANCED, "mais"),
        ("Oui et non.", NUANCED, "Oui et non"),
        ("C'est n'importe quoi !", DISAGREE, "C'est n'importe quoi"),
        ("Vous vous trompez.", DISAGREE, "Vous vous trompez"),
        ("Je trouve votre point de vue un peu réducteur.", NUANCED, "un peu réducteur"),
    ],
)
def test_cues(text, expected, cue):
    found = classify(text)
    assert found.label == expected
    if cue:
        assert cue in found.cues


def test_praise_then_reservation_is_nuanced():
    found = classify("Très bon article et surtout très réaliste. Ceci dit je poserai un bémol.")
    assert found.label == NUANCED
    assert found.cues == ["Très bon article", "bémol"]
    found = classify("Excellent article, à part un point : l'exemple d'Apple.")
    assert found.label == NUANCED and "à part" in found.cues


def test_agreement_with_a_later_unrelated_mais_stays_agreement():
    text = "Je suis bien d'accord avec toi.\n\nMais certains trouvent ça plus confortable."
    assert label(text) == AGREE


def test_irony_turns_praise_into_disagreement():
    found = classify("Bravo, encore un article génial (ironie).")
    assert found.label == DISAGREE
    assert "ironie" in found.cues
    assert label("Bravo, encore un article génial.") == AGREE


def test_questions_are_neutral():
    found = classify("Vous parlez des communautés internes ? Ou externes ?")
    assert found.label == NEUTRAL
    assert found.cues == ["Vous parlez des communautés internes ?"]


def test_quotations_are_not_the_commenters_words():
    text = "« C'est n'importe quoi » disait-il. Je me demande pourquoi ?"
    assert DISAGREE != label(text)
    assert classify(text).cues == ["Je me demande pourquoi ?"]


# --- apostrophes, accents, case ------------------------------------------------------------


def test_typographic_apostrophes_and_accents():
    straight = classify("Je ne suis pas d'accord.")
    curly = classify("Je ne suis pas d’accord.")
    assert straight.label == curly.label == DISAGREE
    assert curly.cues == ["Je ne suis pas d’accord"]  # quoted as written
    assert label("TRES BON ARTICLE") == AGREE
    assert label("Je poserais un bemol") == NUANCED
    assert label("Je poserais un BÉMOL") == NUANCED
    assert label("Tout a fait d'accord") == AGREE
    assert fold("Énervé’«»") == 'enerve\'""'
    assert len(fold("İstanbul é")) == len("İstanbul é")


def test_cues_are_verbatim_substrings():
    texts = [
        "Très bon article ! Ceci dit, un bémol : l’exemple d’Apple.",
        "@Eric : pas d’accord du tout, c’est n’importe quoi.",
        "Génial article et si vrai RT @crouzet: Les CM http://bit.ly/x",
        "Je ne suis pas en désaccord, je te rejoins à 100 % !",
    ]
    for text in texts:
        found = classify(text)
        assert found.cues
        for cue in found.cues:
            assert cue in text


# --- kinds ---------------------------------------------------------------------------------


def test_relayed_tweets_are_neutral_unless_their_own_words_judge():
    relay = classify(
        "RT @crouzet: Les community managers sont des putes http://bit.ly/9xPXNc", "tweet"
    )
    assert relay.label == NEUTRAL and relay.cues == ["RT @crouzet"]
    # The relayed words are not the tweeter's: praise inside the RT does not count.
    assert label("RT @bob: Excellent article, bravo ! http://t.co/x", "tweet") == NEUTRAL
    own = classify("Génial article à lire et si vrai RT @crouzet: Les CM http://t.co/x", "tweet")
    assert own.label == AGREE and own.cues == ["Génial article", "si vrai"]
    # Weak cues do not turn a relay into an opinion.
    assert label("Oh oui insulte-moi. RT @Badr: Les CM sont des putes", "tweet") == NEUTRAL
    assert label("Oh oui. Je suis d'accord.", "comment") == AGREE


def test_pingbacks_quote_and_stay_neutral_unless_they_take_a_side():
    quote = "[...] il est difficile de positionner ce « mouton à cinq pattes » [...]"
    assert classify(quote, "pingback") == Suggestion(NEUTRAL, 0.85, [])
    assert label("[...] Un billet à lire, avec un bon exemple [...]", "trackback") == NEUTRAL
    opinion = "[...] je partage le point de vue de Cédric : le CM est déjà là [...]"
    assert label(opinion, "pingback") == AGREE
    assert label("", "pingback") == NEUTRAL


def test_same_words_as_a_comment_and_as_a_pingback():
    text = "Un article intéressant sur le sujet."
    assert label(text, "comment") == AGREE
    assert label(text, "pingback") == NEUTRAL


# --- no cue: priors --------------------------------------------------------------------------


LONG_ARGUMENT = (
    "Le community manager n'est pas un vendeur. Il anime une communauté qui existait avant "
    "lui, il écoute, il rend compte à l'entreprise de ce que disent les membres, et il "
    "défend leurs intérêts autant que ceux de la marque. Les chiffres viennent ensuite."
)


def test_comments_without_cue_get_the_priors():
    assert len(LONG_ARGUMENT) >= stance.LONG
    found = classify(LONG_ARGUMENT)
    assert (found.label, found.cues) == (PRIORS["long"][0], [])
    assert found.confidence == min(PRIORS["long"][1], 0.5)
    assert classify("Croustifestif.").label == PRIORS["short"][0]
    mine = {"short": (NUANCED, 0.9), "long": (NEUTRAL, 0.2)}
    assert classify(LONG_ARGUMENT, priors=mine) == Suggestion(NEUTRAL, 0.2, [])
    assert classify("Croustifestif.", priors=mine) == Suggestion(NUANCED, 0.5, [])
    assert classify("Croustifestif.", priors={}).label == NEUTRAL


def test_fit_priors_takes_the_majority_of_cueless_comments():
    examples = [
        (LONG_ARGUMENT, "comment", DISAGREE),
        (LONG_ARGUMENT + " Voilà.", "comment", DISAGREE),
        (LONG_ARGUMENT + " Bref.", "comment", NEUTRAL),
        ("Croustifestif.", "comment", AGREE),
        ("Excellent article !", "comment", NUANCED),  # has a cue: not counted
        ("RT @x: rien", "tweet", DISAGREE),  # relays are never fitted
        ("Sans avis", "comment", "unknown"),  # not a judged label
    ]
    assert fit_priors(examples) == {"short": (AGREE, 1.0), "long": (DISAGREE, 0.67)}
    assert fit_priors([]) == {}


# --- provenance of the tuning ------------------------------------------------------------------


def test_withholding_a_text_undoes_the_changes_made_for_it_alone():
    added = "J'apprécie ce blog."  # cue added for text 001 only
    assert classify(added).cues == ["J'apprécie"]
    assert classify(added, withhold={T001}).cues == []
    assert classify(added, withhold={T000}).cues == ["J'apprécie"]
    dropped = "Ils font tout et n'importe quoi."  # cue dropped for text 000 only
    assert classify(dropped).cues == []
    assert classify(dropped, withhold={T000}).label == DISAGREE
    # A change motivated by several texts stays when one of them is withheld.
    nearby = "Je suis bien d'accord avec toi.\n\nMais certains trouvent ça plus confortable."
    assert classify(nearby, withhold={T000}).label == AGREE
    assert classify(nearby, withhold=set(stance._RULES["contrast-nearby"])).label == NUANCED


def test_every_cue_pattern_is_reachable_through_its_keys(seed):
    """A cue's regex runs only when one of its keys is in the text: every match of every
    cue in the five fixture texts must hold one of its keys."""
    corpus = fold("\n".join(seed(key) for key in SEEDS))
    matched = 0
    for cue in stance._ALL_CUES:
        assert cue.keys and all(key == fold(key) for key in cue.keys)
        for match in re.finditer(cue.pattern, corpus):
            matched += 1
            assert any(key in match.group(0) for key in cue.keys), (cue.pattern, match.group(0))
    assert matched > 100


# --- output contract ------------------------------------------------------------------------


def test_labels_and_confidence_are_in_range():
    texts = [
        "",
        "   ",
        "?",
        ":)",
        "+1",
        LONG_ARGUMENT,
        "Pas d'accord. Tout à fait d'accord. Bémol. N'importe quoi. Bravo (ironie).",
    ]
    for kind in ("comment", "pingback", "trackback", "tweet"):
        for text in texts:
            found = classify(text, kind)
            assert found.label in LABELS
            assert 0.0 <= found.confidence <= 1.0
            assert isinstance(found.cues, list)


# --- suggest(): what the importer and the command call ---------------------------------------


def test_suggest_sets_the_auto_fields_and_leaves_curated_comments_alone():
    comment = SimpleNamespace(
        body="Tout à fait d'accord !", kind="comment", stance="unknown", stance_source="",
        auto_stance="", auto_confidence=None, auto_cues=[],
    )  # fmt: skip
    assert suggest(comment) is True
    found = classify(comment.body, comment.kind)
    assert (comment.stance, comment.stance_source) == (found.label, "auto")
    assert (comment.auto_stance, comment.auto_confidence, comment.auto_cues) == (
        found.label, found.confidence, found.cues,
    )  # fmt: skip
    assert suggest(comment) is False  # nothing left to change

    curated = SimpleNamespace(
        body="Bravo !", kind="comment", stance="disagree", stance_source="curated",
        auto_stance="", auto_confidence=None, auto_cues=[],
    )  # fmt: skip
    assert suggest(curated) is False
    assert (curated.stance, curated.auto_stance, curated.auto_cues) == ("disagree", "", [])


# --- scores ----------------------------------------------------------------------------------


def test_score_by_hand():
    pairs = [
        (AGREE, AGREE),
        (AGREE, AGREE),
        (AGREE, NEUTRAL),
        (DISAGREE, DISAGREE),
        (DISAGREE, AGREE),
        (NUANCED, NEUTRAL),
        (NEUTRAL, NEUTRAL),
        ("unknown", AGREE),  # not judged: left out
    ]
    result = score(pairs)
    assert result.total == 7 and result.correct == 4
    assert result.confusion[AGREE] == {AGREE: 2, DISAGREE: 0, NUANCED: 0, NEUTRAL: 1}
    assert result.precision[AGREE] == pytest.approx(2 / 3)
    assert result.recall[AGREE] == pytest.approx(2 / 3)
    assert result.precision[NUANCED] == result.recall[NUANCED] == result.f1[NUANCED] == 0
    assert result.f1[NEUTRAL] == pytest.approx(2 * (1 / 3) * 1 / (1 / 3 + 1))
    assert result.accuracy == pytest.approx(4 / 7)
    f1s = [2 / 3, 2 * 1 * 0.5 / 1.5, 0.0, 0.5]
    assert result.macro_f1 == pytest.approx(sum(f1s) / 4)
    # A label absent from both sides has no F1 and is left out of the mean.
    only_two = score([(AGREE, AGREE), (DISAGREE, AGREE)])
    assert only_two.macro_f1 == pytest.approx((2 / 3 + 0.0) / 2)
